#!/bin/bash
# Linear time on inputs built to make a naive extractor quadratic: each is
# run at N and 2N repetitions through huibao extract, and the ratio of the
# two times is printed (about 2 for linear work, about 4 for quadratic).
# The unit and hostile tests check these inputs' results; their time is
# measured here, not asserted there.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
make -s B="$B" "$B/huibao" >/dev/null

tmp=$(mktemp -d /tmp/hb_bench_patho.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

secs() { # seconds and peak RSS (MB) of one extract run
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$B/huibao" extract --dict dict --lexicon "$B/jieba.lex" "$1" >/dev/null
    awk '{ printf "%.2f %d", $1, $2 / 1024 }' "$tmp/time"
}

printf '%-34s %10s %10s %8s %9s\n' "input (N repetitions)" "N s" "2N s" "ratio" "2N MB"
while IFS='|' read -r label piece n; do
    for k in 1 2; do
        python3 -c 'import sys; sys.stdout.write("工作总结\n" + sys.argv[1].replace("\\n", "\n") * (int(sys.argv[2]) * int(sys.argv[3])) + "。\n")' \
            "$piece" "$n" "$k" > "$tmp/in$k.txt"
    done
    read -r s1 _ <<< "$(secs "$tmp/in1.txt")"
    read -r s2 m2 <<< "$(secs "$tmp/in2.txt")"
    awk -v l="$label" -v n="$n" -v a="$s1" -v b="$s2" -v m="$m2" \
        'BEGIN { printf "%-34s %10.2f %10.2f %8.2f %9d\n", l " (" n ")", a, b, (a > 0.05 ? b / a : 0), m }'
done <<'CASES'
3次 without punctuation|3次|200000
cue words 存在以下不足问题|存在以下不足问题|200000
一、 headings|一、标题\n|100000
nested 《《《|《|1000000
unclosed “ everywhere|“甲|200000
** masks|**|1000000
CASES
