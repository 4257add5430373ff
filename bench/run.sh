#!/bin/sh
# make bench: every bench/bench_*.sh in turn (each prints MB/s and peak memory).
set -eu
cd "$(dirname "$0")/.."
status=0
for b in bench/bench_*.sh; do
    [ -f "$b" ] || continue
    echo "== $b"
    bash "$b" || status=1
done
exit $status
