#!/bin/bash
# Slogan matching cost against dictionary size: bench/slogans_50.txt,
# dict/slogans.txt (~830 surfaces) and bench/slogans_5000.txt (~5,500).
#
# 1. bench/slogbench: the dictionary scan alone (one Aho–Corasick automaton),
#    over the UTF-8 corpus reports folded and repeated to 64 MB.
# 2. The whole pipeline (huibao extract) on a ~16 MB report, with a copy of
#    dict/ whose slogans.txt is each list in turn; MB/s and peak RSS.
# A pass per term would make the 5,000-term runs ~100x slower; one automaton
# keeps them within a small factor, driven by the number of matches found.
set -eu
cd "$(dirname "$0")/.."
make -s build/huibao build/slogbench >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the UTF-8 reports of corpus/ (the others are other encodings on purpose)
for f in corpus/*.txt; do
    if iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 && ! head -c 3 "$f" | grep -q $'\xEF\xBB\xBF'; then
        cat "$f"
    fi
done > "$tmp/sample.txt"
[ -s "$tmp/sample.txt" ] || { echo "bench_slogans: no UTF-8 report in corpus/" >&2; exit 1; }

echo "-- dictionary scan only (64 MB of folded text)"
for list in bench/slogans_50.txt dict/slogans.txt bench/slogans_5000.txt; do
    ./build/slogbench "$list" "$tmp/sample.txt" 64
done

echo "-- whole pipeline (huibao extract)"
while [ "$(stat -c %s "$tmp/big.txt" 2>/dev/null || echo 0)" -lt $((16 << 20)) ]; do
    cat "$tmp/sample.txt" >> "$tmp/big.txt"
done
mb=$(awk -v b="$(stat -c %s "$tmp/big.txt")" 'BEGIN { printf "%.1f", b / 1048576 }')
for list in bench/slogans_50.txt dict/slogans.txt bench/slogans_5000.txt; do
    rm -rf "$tmp/dict" && cp -R dict "$tmp/dict" && cp "$list" "$tmp/dict/slogans.txt"
    /usr/bin/time -f '%e %M' -o "$tmp/time" \
        ./build/huibao extract --dict "$tmp/dict" "$tmp/big.txt" > "$tmp/out.json"
    read -r secs kb < "$tmp/time"
    n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["slogans"]))' "$tmp/out.json")
    awk -v l="$list" -v s="$secs" -v mb="$mb" -v kb="$kb" -v n="$n" \
        'BEGIN { printf "%-28s %5.1f MB in %5.2f s  %6.1f MB/s  peak RSS %d MB  slogans %d\n", l, mb, s, mb / (s > 0 ? s : 0.01), kb / 1024, n }'
done
