#!/usr/bin/env python3
"""Independent checks of tests/gold/*.json against the bytes in corpus/*.txt.

Decodes each file by its BOM (or GB18030 when the name says so), then checks:
section and item line numbers and titles, every slogan's quoted count, every
document's count, years, and that every required metric's number appears in the text.
Finally builds a perfect prediction from each gold file and runs the scorer on it.
"""
import json, os, re, subprocess, sys, tempfile, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
GOLD = os.path.join(os.path.dirname(CORPUS), "tests", "gold")
SCORER = "/work/shared/eval/score.py"


def decode(path):
    b = open(path, "rb").read()
    if b.startswith(b"\xef\xbb\xbf"):
        return b[3:].decode("utf-8").replace("\r\n", "\n"), "utf-8-bom"
    if b.startswith(b"\xff\xfe"):
        return b[2:].decode("utf-16-le"), "utf-16le"
    if b.startswith(b"\xfe\xff"):
        return b[2:].decode("utf-16-be"), "utf-16be"
    try:
        return b.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return b.decode("gb18030"), "gb18030"


def norm(s):
    s = unicodedata.normalize("NFKC", s or "")
    s = re.sub(r"[“”„‟「」『』\"]", '"', s)
    s = re.sub(r"[×*]+", "*", s)
    s = re.sub(r"\s+", "", s)
    return s.rstrip("。：:；;，,.")


CN = "〇一二三四五六七八九十"


def cn(n):
    if n <= 10:
        return CN[n]
    if n < 20:
        return "十" + CN[n - 10]
    return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")


def quoted_count(text, term):
    c = 0
    for o, cl in (("“", "”"), ("‘", "’"), ("「", "」"), ("『", "』"), ('"', '"')):
        c += text.count(o + term + cl)
    return c


def main():
    errors = 0
    preds = []
    for g in sorted(os.listdir(GOLD)):
        gold = json.load(open(os.path.join(GOLD, g), encoding="utf-8"))
        path = os.path.join(CORPUS, gold["file"])
        text, enc = decode(path)
        lines = text.split("\n")
        errs = []
        for s in gold["sections"]:
            ln = lines[s["line"] - 1].strip().lstrip("　")
            n = s["number"]
            markers = [f"{cn(n)}、", f"（{cn(n)}）", f"({cn(n)})", f"{n}.", f"{n}、", f"第{cn(n)}部分",
                       f"（{n}）", f"({n})", "①②③④⑤⑥⑦⑧⑨⑩"[n - 1] if n <= 10 else "?",
                       unicodedata.normalize("NFKC", str(n)) + "."]
            fw = "".join(chr(ord(c) + 0xFEE0) for c in str(n))
            markers += [fw + "．", fw + "、"]
            markers += [f"{cn(n)}．", f"{cn(n)}.", f"{n}）", f"{n})"] + ([chr(0x321F + n)] if n <= 10 else [])
            if not any(ln.startswith(m) for m in markers):
                errs.append(f"section line {s['line']} does not start with a number-{n} marker: {ln[:20]}")
            if s["title"] not in ln:
                errs.append(f"section title not on line {s['line']}: {s['title']}")
        for it in gold["items"]:
            ln = lines[it["line"] - 1]
            n = it["number"]
            if not any((m + it["title"][:4]) in ln or (m + "，" + it["title"][:4]) in ln
                       for m in (cn(n) + "是", "第" + cn(n)) + (("①②③④⑤⑥⑦⑧⑨⑩"[n - 1],) if n <= 10 else ())):
                errs.append(f"item {n} {it['title'][:8]} not on line {it['line']}")
        flat = text.replace("\n", "")  # hard-wrapped lines
        for term, c in gold["slogans"].items():
            qc = quoted_count(flat, term)
            if term == term and qc != c:
                errs.append(f"slogan {term}: gold {c}, quoted in text {qc}")
        for doc, c in gold["documents"].items():
            if flat.count("《" + doc + "》") != c:
                errs.append(f"document {doc}: gold {c}, text {flat.count('《' + doc + '》')}")
        years = sorted({int(y) for y in re.findall(r"(20[0-9]{2})年", text)})
        if years != gold["years"]:
            errs.append(f"years {years} vs {gold['years']}")
        nf = unicodedata.normalize("NFKC", flat).replace(",", "")
        for k in gold["metrics"]["required"]:
            m = re.match(r"^([0-9.]+)", k)
            if m and m.group(1) not in nf and not re.search("[一二两三四五六七八九十百千万]", flat):
                errs.append(f"metric number {k} not in text")
        # the title is the first line, or the first after web-page clutter
        if gold["title"] and gold["title"] not in [ln.strip() for ln in lines[:6]]:
            errs.append("title is not among the first lines")
        if gold["addressee"] and not any(l.strip() == gold["addressee"] + "：" for l in lines[:4]):
            errs.append("addressee line not found")
        print(f"{gold['file']:24} {enc:10} {len(lines):3} lines  {'OK' if not errs else 'ERRORS'}")
        for e in errs:
            print("    ", e)
        errors += len(errs)
        preds.append(perfect(gold))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    r = subprocess.run([sys.executable, SCORER, GOLD, f.name], capture_output=True, text=True,
                       env=dict(os.environ, SCORE_TEXTS=CORPUS))
    print(r.stdout)
    return 1 if errors else 0


def perfect(gold):
    """A prediction that should score 1.0 everywhere: checks the gold parses the way the scorer expects."""
    secs = [{"level": s["level"], "number": s["number"], "title": s["title"], "items": [], "children": []}
            for s in gold["sections"]]
    if secs:
        secs[0]["items"] = [{"marker": "一是", "number": i["number"], "title": i["title"]} for i in gold["items"]]
    else:
        secs = [{"level": 1, "number": 1, "title": "", "items": [
            {"marker": "一是", "number": i["number"], "title": i["title"]} for i in gold["items"]], "children": []}]
    metrics = []
    for k in gold["metrics"]["required"]:
        approx = "+" in k
        k2 = k.replace("+", "")
        m = re.match(r"^(\*|-?[0-9]+(?:\.[0-9]+)?)(.*)$", k2)
        metrics.append({"value": None if m.group(1) == "*" else float(m.group(1)), "masked": m.group(1) == "*",
                        "approx": approx, "unit": m.group(2)})
    out = {"source": {"path": "corpus/" + gold["file"]}, "doc_type": gold["doc_type"], "title": gold["title"],
           "addressee": gold["addressee"], "years": gold["years"], "sections": secs, "metrics": metrics,
           "slogans": [{"term": t, "count": c, "quoted": c} for t, c in gold["slogans"].items()],
           "documents": [{"title": t, "count": c} for t, c in gold["documents"].items()],
           "required": {"missing": gold["missing"]}}
    for kind in ("achievements", "problems", "causes", "plans"):
        L = gold["lists"][kind]
        out[kind] = {"found": L["found"], "items": [{"title": x} for x in (L["items"] or [])]}
    return out


if __name__ == "__main__":
    sys.exit(main())
