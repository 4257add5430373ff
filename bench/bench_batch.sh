#!/bin/bash
# huibao batch: throughput with one and two threads on the corpus replicated
# to 2,000 files, and peak memory for 2,000 and 20,000 small files (the
# reorder window and a compact list of files keep the growth small).
# Prints files/s, MB/s and peak RSS.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
make -s B="$B" "$B/huibao" >/dev/null

tmp=$(mktemp -d /tmp/hb_bench_batch.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# the corpus, 54 times over (each copy made distinct by a trailing line)
mkdir "$tmp/corpus"
for k in $(seq 1 54); do
    mkdir "$tmp/corpus/$k"
    for f in corpus/*.txt; do
        { cat "$f"; printf '\n%.0s' $(seq 1 "$k"); } > "$tmp/corpus/$k/$(basename "$f")"
    done
done

run() { # label folder args…
    local label=$1 dir=$2
    shift 2
    rm -rf "$tmp/out"
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$B/huibao" batch --quiet "$@" "$dir" -o "$tmp/out" || [ $? -eq 1 ]
    read -r secs kb < "$tmp/time"
    last_secs=$secs
    local n bytes
    n=$(find "$dir" -name '*.txt' | wc -l)
    bytes=$(du -sb --apparent-size "$dir" | cut -f1)
    awk -v l="$label" -v n="$n" -v b="$bytes" -v s="$secs" -v kb="$kb" 'BEGIN {
        s = s > 0 ? s : 0.01
        printf "%-28s %6d files %6.1f MB in %6.2f s: %7.1f files/s %5.2f MB/s, peak RSS %d MB\n",
               l, n, b / 1048576, s, n / s, b / 1048576 / s, kb / 1024 }'
}

run "corpus x54, -j1" "$tmp/corpus" -j1
j1=$last_secs
run "corpus x54, -j2" "$tmp/corpus" -j2
# wall clock: a fair figure only when no other process holds a core
awk -v a="$j1" -v b="$last_secs" -v idle="$(awk '{print $1}' /proc/loadavg)" 'BEGIN {
    printf "batch -j2 / -j1 files/s: %.2f (target >= 1.8 with both cores free; load average %s)\n", a / b, idle }'

# small reports: the count, not the text, is what memory must not follow
mkdir -p "$tmp/small2k" "$tmp/small20k"
for k in $(seq 1 20000); do
    d=$tmp/small20k/$((k / 1000))
    [ -d "$d" ] || mkdir "$d"
    printf '某某局%d年工作总结\n一、主要成绩\n开展活动%d次，培训%d人。\n二、存在问题\n一是学习不够。\n三、下一步计划\n力争完成%d项。\n' \
        $((2000 + k % 30)) "$k" $((k * 3)) $((k % 7)) > "$d/r$k.txt"
done
for k in $(seq 1 2000); do
    d=$tmp/small2k/$((k / 1000))
    [ -d "$d" ] || mkdir "$d"
    cp "$tmp/small20k/$((k / 1000))/r$k.txt" "$d/"
done
run "small reports, -j2" "$tmp/small2k" -j2
run "small reports, -j2" "$tmp/small20k" -j2
