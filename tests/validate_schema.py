#!/usr/bin/python3
"""Every golden file, and the CLI's output for every corpus file and shared
seed, must validate against docs/report.schema.json."""
import glob
import json
import os
import shlex
import subprocess
import sys

import jsonschema

schema = json.load(open("docs/report.schema.json", encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
huibao = shlex.split(os.environ.get("HUIBAO", "build/huibao"))

failed = passed = 0


def check(name, obj):
    global failed, passed
    errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.path))
    if errors:
        failed += 1
        for e in errors[:5]:
            print(f"FAIL {name}: {'/'.join(map(str, e.path))}: {e.message}")
    else:
        passed += 1


for path in sorted(glob.glob("tests/golden/*.json")):
    check(path, json.load(open(path, encoding="utf-8")))

inputs = sorted(glob.glob("corpus/*.txt")) + sorted(glob.glob("../shared/seeds/*.txt"))
out = subprocess.run(huibao + ["extract", "--jsonl"] + inputs, capture_output=True, check=True)
lines = out.stdout.decode("utf-8").splitlines()
if len(lines) != len(inputs):
    print(f"FAIL: {len(inputs)} inputs gave {len(lines)} JSON lines")
    failed += 1
for path, line in zip(inputs, lines):
    check(path, json.loads(line))

print(f"schema: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
