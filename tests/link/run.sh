#!/bin/bash
# Installs into a temporary prefix, builds tests/link/demo.c with
# `pkg-config --cflags --libs huibao` against the shared library, and checks
# its output on a corpus report against `huibao extract`; then checks that
# the installed Python module gives the same report, and that the shared
# library exports exactly the HB_API functions of huibao.h.
# From the Makefile's link-test: HUIBAO (the CLI), MAKE, CC, LDFLAGS.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "link-test: FAIL: $*" >&2; exit 1; }

$MAKE -s install PREFIX="$tmp/prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "make install"; }
lib="$tmp/prefix/lib"
[ "$(readlink "$lib/libhuibao.so.0")" = "$(basename "$(readlink -f "$lib/libhuibao.so.0")")" ] || fail "libhuibao.so.0 link"
readelf -d "$lib/libhuibao.so" | grep -q 'SONAME.*\[libhuibao\.so\.0\]' || fail "no SONAME libhuibao.so.0"
[ -f "$tmp/prefix/share/huibao/report.schema.json" ] || fail "report.schema.json not installed"

export PKG_CONFIG_PATH="$lib/pkgconfig"
flags=$(pkg-config --cflags --libs huibao) || fail "pkg-config huibao"
# shellcheck disable=SC2086
$CC -std=c11 -Wall -Werror $LDFLAGS tests/link/demo.c -o "$tmp/demo" $flags || fail "compile with: $flags"
# (ldd's output is read whole: grep -q would close the pipe early, and
# pipefail would take ldd's SIGPIPE for a failure)
LD_LIBRARY_PATH="$lib" ldd "$tmp/demo" >"$tmp/ldd" || fail "ldd demo"
grep -q "libhuibao.so.0 => $lib/" "$tmp/ldd" || fail "demo not linked to the shared library"

# The installed library finds its own rules (share/huibao beside lib/),
# whatever this checkout's environment says.
report=corpus/jiwei_annual.txt
env -u HUIBAO_DICT -u HUIBAO_LEXICON LD_LIBRARY_PATH="$lib" "$tmp/demo" "$report" >"$tmp/out" || fail "demo failed"
env -u HUIBAO_DICT HUIBAO_LEXICON="$lib/../share/huibao/jieba.lex" $HUIBAO extract "$report" >"$tmp/cli.json"
tail -n 1 "$tmp/out" | cmp -s - "$tmp/cli.json" || fail "demo's JSON differs from huibao extract"
/usr/bin/python3 - "$tmp/out" "$tmp/cli.json" <<'PY' || fail "demo's fields differ from the JSON"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
j = json.load(open(sys.argv[2], encoding="utf-8"))
head = dict(l.split(" ", 1) for l in lines[:5])
assert head["title"] == j["title"], (head["title"], j["title"])
assert head["doc_type"] == j["doc_type"]
p = j["period"]
assert head["period"] == f"{p['text']} {p['from']} {p['to']}", (head["period"], p)
assert int(head["metrics"]) == len(j["metrics"]) > 0
assert lines[5].startswith("first ") and f"at line {j['metrics'][0]['line']}" in lines[5]
PY

# The installed Python module finds the installed library by itself (a
# sanitizer build's library cannot be loaded into Python).
if [[ "$LDFLAGS" != *-fsanitize* ]]; then
    site=$(echo "$tmp"/prefix/lib/python3*/dist-packages)
    (cd "$tmp" && env -u HUIBAO_DICT -u HUIBAO_LEXICON -u HUIBAO_LIB PYTHONPATH="$site" /usr/bin/python3 -c '
import json, sys, huibao
assert huibao.__file__.startswith(sys.argv[1]), huibao.__file__
assert huibao.extract(sys.argv[2], path=sys.argv[3]) == json.load(open(sys.argv[4], encoding="utf-8"))
' "$site" "$OLDPWD/$report" "$report" "$tmp/cli.json") || fail "the installed Python module"
fi

exported=$(nm -D --defined-only "$lib/libhuibao.so" | awk '{print $3}' | sort)
declared=$(sed -n 's/^HB_API [^(]*[ *]\(hb_[a-z_0-9]*\)(.*/\1/p' include/huibao.h | sort)
[ -n "$exported" ] && [ "$exported" = "$declared" ] ||
    fail "exported symbols differ from huibao.h's HB_API functions: $(diff <(echo "$declared") <(echo "$exported") | grep '^[<>]' | tr '\n' ' ')"
echo "link-test: demo built with '$flags', $(echo "$exported" | wc -l) symbols exported, all hb_"
