#!/usr/bin/python3
"""Whatever the input, the CLI's output is JSON that validates against
docs/report.schema.json, or the input is refused with `huibao: PATH: reason`
and exit 1 — never a crash, a truncated object or a silent loss.  Run on
fuzz corpora: every file in the given folders is a report (default:
tests/hostile, tests/fuzz_corpus, tests/fuzz_regressions and, when present,
build-fuzz/corpus/fuzz_extract).  The CLI is $HUIBAO (default build/huibao).

Usage: tests/fuzz_schema.py [DIR...]"""
import json
import os
import shlex
import subprocess
import sys

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(ROOT)
HUIBAO = shlex.split(os.environ.get("HUIBAO", "build/huibao"))
os.environ.setdefault("HUIBAO_DICT", os.path.join(ROOT, "dict"))
BATCH = 200

validator = jsonschema.Draft202012Validator(json.load(open("docs/report.schema.json", encoding="utf-8")))
dirs = sys.argv[1:] or [d for d in ("tests/hostile", "tests/fuzz_corpus", "tests/fuzz_regressions",
                                    "build-fuzz/corpus/fuzz_extract") if os.path.isdir(d)]
files = sorted(os.path.join(d, f) for top in dirs for d, _, fs in os.walk(top) for f in fs)

failed = refused = valid = 0


def fail(msg):
    global failed
    failed += 1
    if failed <= 20:
        print("FAIL " + msg)


for i in range(0, len(files), BATCH):
    batch = files[i:i + BATCH]
    p = subprocess.run(HUIBAO + ["extract", "--jsonl", "--"] + batch, capture_output=True)
    errors = {}
    for line in p.stderr.decode("utf-8", "replace").splitlines():
        for f in batch:
            if line.startswith(f"huibao: {f}: "):
                errors[f] = line
    outputs = {}
    for n, line in enumerate(p.stdout.decode("utf-8").split("\n")[:-1]):  # not splitlines: U+2028 is no line end
        try:
            obj = json.loads(line)
        except ValueError as e:
            fail(f"batch {i // BATCH}, line {n + 1}: not JSON: {e}")
            continue
        path = obj.get("source", {}).get("path")
        outputs[path] = obj
        errs = list(validator.iter_errors(obj))
        if errs:
            fail(f"{path}: {'/'.join(map(str, errs[0].path))}: {errs[0].message[:200]}")
    if p.returncode != (1 if errors else 0):
        fail(f"batch {i // BATCH}: exit {p.returncode} with {len(errors)} refused inputs; "
             f"stderr: {p.stderr.decode('utf-8', 'replace')[-500:]}")
    for f in batch:
        if (f in outputs) == (f in errors):
            fail(f"{f}: {'both output and error' if f in outputs else 'neither output nor error'}")
        valid += f in outputs
        refused += f in errors

print(f"fuzz_schema: {len(files)} inputs from {', '.join(dirs)}: {valid} valid reports, "
      f"{refused} refused with a reason, {failed} failures")
sys.exit(1 if failed else 0)
