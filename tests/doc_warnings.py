#!/usr/bin/env python3
"""Every warning code the library can emit is documented in docs/huibao.1
(WARNINGS), and the manual names no code the library no longer emits."""
import glob, re, sys

emitted = set()
for path in glob.glob("src/*.c"):
    emitted |= set(re.findall(r'hb_doc_warn\(\s*d,\s*"([a-z-]+)"', open(path, encoding="utf-8").read()))
man = open("docs/huibao.1", encoding="utf-8").read()
section = man.split(".SH WARNINGS", 1)[1].split(".SH ", 1)[0]
documented = set(re.findall(r"\\fB([a-z]+(?:-[a-z]+)+)|^\.B ([a-z]+(?:-[a-z]+)+)", section, re.M))
documented = {a or b for a, b in documented}
missing, stale = emitted - documented, documented - emitted
for code in sorted(missing):
    print(f"docs/huibao.1: warning code {code} is emitted but not documented")
for code in sorted(stale):
    print(f"docs/huibao.1: warning code {code} is documented but never emitted")
if not (missing or stale):
    print(f"warnings: {len(emitted)} codes, all documented")
sys.exit(1 if missing or stale else 0)
