#!/usr/bin/python3
"""Seeds for the fuzz targets whose input is not a report: fuzz/seeds.py OUT
writes OUT/fuzz_dict/ (each dict/ file behind a "# NAME" line, the name
fuzz_dict reads), OUT/fuzz_records/ (each corpus/ report as a --jsonl-in
record, and a few malformed records) and OUT/fuzz_jsonl_in/ (whole --jsonl-in
files: records behind a BOM, with CRLF, blank and whitespace-only lines)."""
import glob
import json
import os
import sys

out = sys.argv[1]
for sub in ("fuzz_dict", "fuzz_records", "fuzz_jsonl_in"):
    os.makedirs(os.path.join(out, sub), exist_ok=True)

for path in sorted(glob.glob("dict/**/*.txt", recursive=True)):
    rel = os.path.relpath(path, "dict")
    with open(path, "rb") as f:
        body = f.read()
    with open(os.path.join(out, "fuzz_dict", rel.replace("/", "_")), "wb") as f:
        f.write(b"# " + rel.encode() + b"\n" + body)

for path in sorted(glob.glob("corpus/*.txt")):
    with open(path, "rb") as f:
        raw = f.read()
    for enc in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    rec = json.dumps({"path": os.path.basename(path), "text": text}, ensure_ascii=False)
    with open(os.path.join(out, "fuzz_records", os.path.basename(path) + ".jsonl"), "w", encoding="utf-8") as f:
        f.write(rec + "\n")
malformed = ['{"text": 1}', '{"path": 2, "text": ""}', '[1, 2]', '{"text": "a\\u0000b"}',
             '{"text": "\\ud800"}', '{"path": null, "text": "一、标题\\n内容。"}', '{"text": "x", "text": "y"}']
for i, rec in enumerate(malformed):
    with open(os.path.join(out, "fuzz_records", f"malformed_{i}.jsonl"), "w", encoding="utf-8") as f:
        f.write(rec + "\n")

small = [json.dumps({"path": "a", "text": "一、标题\n全年学习12次。"}, ensure_ascii=False), '{"text": "x"}'] + malformed[:3]
files = {"bom_crlf.jsonl": "\ufeff" + "\r\n  \r\n\t\n".join(small) + "\r\n",
         "blank_lines.jsonl": "\n\n" + "\n \n".join(small) + "\n\n",
         "no_final_newline.jsonl": "\n".join(small)}
for name, body in files.items():
    with open(os.path.join(out, "fuzz_jsonl_in", name), "w", encoding="utf-8", newline="") as f:
        f.write(body)
