#!/bin/sh
# make bench: every bench/bench_* script in turn (each prints MB/s and peak memory).
set -eu
cd "$(dirname "$0")/.."
status=0
for b in bench/bench_*.sh bench/bench_*.py; do
    [ -f "$b" ] || continue
    echo "== $b"
    case "$b" in
    *.py) /usr/bin/python3 "$b" || status=1 ;;
    *) bash "$b" || status=1 ;;
    esac
done
exit $status
