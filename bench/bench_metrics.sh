#!/bin/bash
# Metric extraction throughput: the UTF-8 reports of corpus/ and the seeds
# (../shared/seeds), repeated to at least 50 MB in /tmp, read report by
# report by bench/metricbench (the metrics stage timed alone, and the whole
# pipeline), then the whole file as one 50 MB report through huibao extract
# (a single huge report: linear time and memory).  Prints MB/s and peak RSS.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}   # the build folder (make B=...)
make -s B="$B" "$B/huibao" "$B/metricbench" >/dev/null

tmp=$(mktemp -d /tmp/hb_bench_metrics.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# the UTF-8 reports (the others are other encodings on purpose), each ended
# by a form-feed line that metricbench splits on
for f in corpus/*.txt ../shared/seeds/*.txt; do
    [ -f "$f" ] || continue
    if iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 && ! head -c 3 "$f" | grep -q $'\xEF\xBB\xBF'; then
        cat "$f"
        printf '\f\n'
    fi
done > "$tmp/sample.txt"
[ -s "$tmp/sample.txt" ] || { echo "bench_metrics: no UTF-8 report found" >&2; exit 1; }
while [ "$(stat -c %s "$tmp/corpus.txt" 2>/dev/null || echo 0)" -lt $((50 << 20)) ]; do
    cat "$tmp/sample.txt" >> "$tmp/corpus.txt"
done

echo "-- report by report (bench/metricbench)"
"$B/metricbench" dict "$B/jieba.lex" "$tmp/corpus.txt"

echo "-- one 50 MB report (huibao extract, JSON included)"
tr -d '\f' < "$tmp/corpus.txt" > "$tmp/one.txt"
/usr/bin/time -f '%e %M' -o "$tmp/time" "$B/huibao" extract --dict dict --lexicon "$B/jieba.lex" "$tmp/one.txt" > "$tmp/out.json"
read -r secs kb < "$tmp/time"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["metrics"]))' "$tmp/out.json")
mb=$(awk -v b="$(stat -c %s "$tmp/one.txt")" 'BEGIN { printf "%.1f", b / 1048576 }')
awk -v s="$secs" -v mb="$mb" -v kb="$kb" -v n="$n" \
    'BEGIN { printf "%.1f MB in %.2f s: %.1f MB/s, peak RSS %d MB, %d metrics\n", mb, s, mb / (s > 0 ? s : 0.01), kb / 1024, n }'
