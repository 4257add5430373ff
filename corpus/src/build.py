#!/usr/bin/env python3
"""Build corpus/*.txt and tests/gold/*.json from the annotated sources in corpus/src/*.ann.

usage: python3 corpus/src/build.py [NAME.ann ...]      (default: every .ann file)

Annotated source format (UTF-8):
  header lines   %key: value      file, encoding, doc_type, profile, title, addressee,
                                  found (a=.. p=.. c=.. l=..), items_a/items_p/items_c/items_l: null,
                                  wrap: N (hard-wrap every line longer than N characters),
                                  quotations: A|B (quoted names and remarks that are no
                                  slogans: honours, companies, products; left out of slogans)
  @N[kinds]|     at the start of a line: a numbered heading of level N; kinds p/c/l make its
                 title an item of the problems / causes / plans list
  §[kinds]       before 一是 / 第一， : an inline enumeration item (kinds as above)
  ¶k             before a clause: a list item of kind k without an enumeration marker
  ⟦text⟧         a metric whose key is derived from text (digits or mask + unit only)
  ⟦text|key⟧     a metric with an explicit gold key; ⟦?text|key⟧ an optional one
  ⟪P:xxx⟫        a page-number line xxx: in a wrapped file after the wrapped line holding this
                 point, else right here
  ⟪W⟫            (files without wrap) a line break here, as a PDF copy cuts a line
Everything else is copied verbatim.  Markers never change line structure.
"""
import json, os, re, subprocess, sys, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
GOLD = os.path.join(os.path.dirname(CORPUS), "tests", "gold")

CN = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_num(s):
    if s.isdigit():
        return int(unicodedata.normalize("NFKC", s))
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN[s[1]]
    if "十" in s:
        a, b = s.split("十")
        return CN[a] * 10 + (CN[b] if b else 0)
    return CN[s]


def norm(s):  # the scorer's norm
    s = unicodedata.normalize("NFKC", s or "")
    s = re.sub(r"[“”„‟「」『』\"]", '"', s)
    s = re.sub(r"[×*]+", "*", s)
    s = re.sub(r"\s+", "", s)
    return s.rstrip("。：:；;，,.")


NO_LINE_START = "，。、；：？！”’）》〉」』…"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
HEAD_RE = re.compile(
    r"^[ \t　]*(?:"
    r"第(?P<part>[一二三四五六七八九十]+)部分"
    r"|(?P<cn>[一二三四五六七八九十]+)[、．.]"
    r"|[（(](?P<pcn>[一二三四五六七八九十]+)[）)]"
    r"|(?P<pcirc>[㈠-㈩])"
    r"|(?P<ar>[0-9０-９]+)[.．、）)]"
    r"|[（(](?P<par>[0-9０-９]+)[）)]"
    r"|(?P<circ>[①-⑩])"
    r")[ 　]*")
ITEM_RE = re.compile(r"^(?:(?P<shi>[一二三四五六七八九十]+)是|第(?P<di>[一二三四五六七八九十]+)[，,、：]|(?P<qi>其[一二三四五六七八九十])[，,、]|(?P<circ>[①-⑩]))")


def parse(src):
    meta, body = {}, []
    lines = src.split("\n")
    i = 0
    while i < len(lines) and lines[i].startswith("%"):
        k, _, v = lines[i][1:].partition(":")
        meta[k.strip()] = v.strip()
        i += 1
    src = "\n".join(lines[i:])
    if src.endswith("\n"):
        src = src[:-1]
    out = []
    ann = {"head": [], "item": [], "list": [], "metric": [], "page": []}
    pos = 0
    n = len(src)
    at_line_start = True
    while pos < n:
        c = src[pos]
        if at_line_start and c == "@":
            m = re.match(r"@(\d)([pcl]*)\|", src[pos:])
            assert m, src[pos:pos + 20]
            ann["head"].append((len(out), int(m.group(1)), m.group(2)))
            pos += m.end()
            at_line_start = False
            continue
        at_line_start = False
        if c == "§":
            m = re.match(r"§([pcl]*)", src[pos:])
            ann["item"].append((len(out), m.group(1)))
            pos += m.end()
            continue
        if c == "¶":
            ann["list"].append((len(out), src[pos + 1]))
            pos += 2
            continue
        if c == "⟦":
            end = src.index("⟧", pos)
            body_ = src[pos + 1:end]
            opt = body_.startswith("?")
            if opt:
                body_ = body_[1:]
            text, _, key = body_.partition("|")
            if not key:
                key = derive_key(text)
            ann["metric"].append((len(out), text, key, opt))
            out.extend(text)
            pos = end + 1
            continue
        if c == "⟪":
            end = src.index("⟫", pos)
            tok = src[pos + 1:end]
            if tok == "W":
                ann.setdefault("wrapat", []).append(len(out))
            else:
                assert tok.startswith("P:")
                ann["page"].append((len(out), tok[2:]))
            pos = end + 1
            continue
        if c == "\n":
            at_line_start = True
        out.append(c)
        pos += 1
    return meta, "".join(out), ann


def required_by(profile):
    """The kinds dict/profiles/PROFILE.txt requires, in the order written."""
    path = os.path.join(os.path.dirname(CORPUS), "dict", "profiles", profile + ".txt")
    return [l.split("\t")[1].strip() for l in open(path, encoding="utf-8") if l.startswith("require\t")]


def derive_key(text):
    t = unicodedata.normalize("NFKC", text)
    m = re.match(r"^([*×Xx]+|[0-9][0-9.,]*)([^0-9*×Xx].*)$", t)
    assert m, "cannot derive key from " + text
    num, unit = m.groups()
    assert not re.search(r"[余多近约超逾以上下左右至]", unit), "explicit key needed: " + text
    if re.match(r"[*×Xx]", num):
        return "*" + unit
    return num.replace(",", "") + unit


def transform(T, meta, ann):
    """Returns final text and a function mapping offsets of T to offsets of the final text."""
    W = int(meta.get("wrap", "0") or 0)
    ins = []  # (pos, order, string)
    if W:
        start = 0
        for line in T.split("\n"):
            L = len(line)
            breaks, b = [], start + W
            while b < start + L:
                while b < start + L and line[b - start] in NO_LINE_START:
                    b += 1          # kinsoku: punctuation stays at the end of the line
                if b >= start + L:
                    break
                breaks.append(b)
                b += W
            for b in breaks:
                ins.append((b, 1, "\n"))
            for (o, s) in ann["page"]:
                if start <= o <= start + L:
                    after = [b for b in breaks if b >= o]
                    p = after[0] if after else start + L
                    ins.append((p, 0, "\n" + s))
            start += L + 1
    else:
        for (o, s_) in ann["page"]:
            ins.append((o, 0, "\n" + s_))
        for o in ann.get("wrapat", []):
            ins.append((o, 1, "\n"))
    ins.sort()
    out, last = [], 0
    for p, _, s in ins:
        out.append(T[last:p])
        out.append(s)
        last = p
    out.append(T[last:])
    F = "".join(out)

    def fmap(o):
        return o + sum(len(s) for p, _, s in ins if p <= o)
    return F, fmap


def line_of(F, o):
    return F.count("\n", 0, o) + 1


def heading_title(text, lstart):
    lend = text.find("\n", lstart)
    lend = len(text) if lend < 0 else lend
    line = text[lstart:lend]
    m = HEAD_RE.match(line)
    assert m, "not a heading: " + line
    g = m.groupdict()
    num = next(v for v in (g["part"], g["cn"], g["pcn"], g["ar"], g["par"]) if v) if not (g["circ"] or g["pcirc"]) else None
    number = CIRCLED.index(g["circ"]) + 1 if g["circ"] else (ord(g["pcirc"]) - 0x321F if g["pcirc"] else cn_num(num))
    rest = line[m.end():]
    cut = min([x for x in (rest.find("。"), rest.find("：")) if x >= 0] + [len(rest)])
    return number, rest[:cut].strip(), m.group(0).strip()


def item_title(T, o, next_item):
    lend = T.find("\n", o)
    lend = len(T) if lend < 0 else lend
    m = ITEM_RE.match(T[o:lend])
    assert m, "not an item: " + T[o:o + 20]
    g = m.groupdict()
    number = CIRCLED.index(g["circ"]) + 1 if g["circ"] else cn_num(g["shi"] or g["di"] or g["qi"][1])
    s = o + m.end()
    stop = lend if next_item is None or next_item > lend else next_item
    rest = T[s:stop]
    cut = min([x for x in (rest.find("。"), rest.find("；"), rest.find("：")) if x >= 0] + [len(rest)])
    title = rest[:cut].strip().rstrip("，,")
    return number, title, m.group(0)


def clause_title(T, o):
    rest = T[o:T.find("\n", o) if T.find("\n", o) >= 0 else len(T)]
    cut = min([x for x in (rest.find("。"), rest.find("；")) if x >= 0] + [len(rest)])
    return rest[:cut]


def joined_lines(T):
    """The lines of T, a line that leaves a “ 「 『 or 《 open within its last 40 characters
    joined with the next one (a web copy that broke a quotation or a title over two
    lines), with the number of the first."""
    lines, out, ln = T.split("\n"), [], 0
    while ln < len(lines):
        line, first = lines[ln], ln + 1
        while ln + 1 < len(lines) and any(line.count(o) > line.count(c) and len(line) - line.rfind(o) <= 40
                                          for o, c in (("“", "”"), ("「", "」"), ("『", "』"), ("《", "》"))):
            ln += 1
            line += lines[ln]
        out.append((first, line))
        ln += 1
    return out


def quoted_terms(T):
    """Every quoted span: “”, ‘’ (also nested), 「」, 『』, straight "". Same line, or two
    lines joined by joined_lines."""
    terms, warnings = [], []
    for ln, line in joined_lines(T):
        for op, cl in (("“", "”"), ("‘", "’"), ("「", "」"), ("『", "』")):
            i = 0
            while True:
                i = line.find(op, i)
                if i < 0:
                    break
                j = line.find(cl, i + 1)
                k = line.find(op, i + 1)
                if j < 0 or (0 <= k < j):
                    warnings.append(f"line {ln}: unbalanced {op} at {line[i:i+12]}")
                    i += 1
                    continue
                terms.append(line[i + 1:j])
                i = j + 1
        parts = line.split('"')
        if len(parts) % 2 == 0:
            warnings.append(f"line {ln}: odd number of straight quotes")
        for q in parts[1::2] if len(parts) % 2 == 1 else []:
            terms.append(q)
    return terms, warnings


def documents(T):
    docs, i = [], 0
    while True:
        i = T.find("《", i)
        if i < 0:
            break
        depth, j = 0, i
        while j < len(T):
            if T[j] == "《":
                depth += 1
            elif T[j] == "》":
                depth -= 1
                if depth == 0:
                    break
            elif T[j] == "\n" and "\n" in T[i:j]:
                raise AssertionError("unclosed 《 at " + T[i:i + 20])
            j += 1
        docs.append(T[i + 1:j].replace("\n", ""))
        i = j + 1
    return docs


def merge_counts(terms):
    out, rep = {}, {}
    for t in terms:
        k = norm(t)
        rep.setdefault(k, t)
        out[rep[k]] = out.get(rep[k], 0) + 1
    return out


def build(path):
    src = open(path, encoding="utf-8").read()
    meta, T, ann = parse(src)
    F, fmap = transform(T, meta, ann)
    name = meta["file"]
    # sections
    sections, list_items = [], {"p": [], "c": [], "l": []}
    events = []
    for (o, level, kinds) in ann["head"]:
        fo = fmap(o)
        number, title, marker = heading_title(F, fo)
        number2, title2, _ = heading_title(T, o)
        assert (number, title) == (number2, title2), f"wrap cut heading title: {title!r} vs {title2!r}"
        sections.append({"level": level, "number": number, "title": title, "line": line_of(F, fo)})
        events.append((o, kinds, title))
    hstarts = {fmap(o) for (o, _, _) in ann["head"]}
    pos_ = 0
    for ln, line in enumerate(F.split("\n"), 1):
        if pos_ not in hstarts and (HEAD_RE.match(line) and HEAD_RE.match(line).end() > 0):
            print(f"  WARN line {ln} looks like a heading: {line[:20]}")
        pos_ += len(line) + 1
    items = []
    item_offs = sorted(o for o, _ in ann["item"])
    for (o, kinds) in ann["item"]:
        nxt = next((x for x in item_offs if x > o), None)
        number, title, marker = item_title(T, o, nxt)
        if "，" in title[:6] or len(title) < 2:
            print(f"  note: short/comma item title {title!r}")
        items.append({"number": number, "title": title, "line": line_of(F, fmap(o))})
        events.append((o, kinds, title))
    for (o, k) in ann["list"]:
        events.append((o, k, clause_title(T, o)))
    for o, kinds, title in sorted(events):
        for k in kinds:
            list_items[k].append(norm(title)[:8])
    # metrics
    req = [k for (_, _, k, opt) in ann["metric"] if not opt]
    optl = [k for (_, _, k, opt) in ann["metric"] if opt]
    # slogans, documents, years
    terms, qwarn = quoted_terms(T)
    not_slogans = {norm(x) for x in meta.get("quotations", "").split("|") if x}
    slogans = merge_counts(t for t in terms if norm(t) not in not_slogans)
    docs = merge_counts(documents(T))
    years = sorted({int(y) for y in re.findall(r"(20[0-9]{2})年", T)})
    assert not re.search(r"20[0-9]{2}[-—～~至]20[0-9]{2}年", T), "year range"
    found = dict(kv.split("=") for kv in meta["found"].split())
    kinds = {"a": "achievements", "p": "problems", "c": "causes", "l": "plans"}
    lists = {}
    for k, kind in kinds.items():
        f = found[k]
        if f == "none":
            its = []
        elif meta.get("items_" + k) == "null" or k == "a":
            its = None
        else:
            its = list_items[k]
        lists[kind] = {"found": f, "items": its}
    profile = meta["profile"]
    needed = required_by(profile)
    missing = [k for k in needed if lists[k]["found"] == "none"]
    title = meta.get("title", "null")
    if title == "first":
        title = F.split("\n")[0].strip()
    addressee = meta.get("addressee", "null")
    gold = {
        "file": name,
        "doc_type": meta["doc_type"],
        "title": None if title == "null" else title,
        "addressee": None if addressee == "null" else addressee,
        "years": years,
        "profile": profile,
        "missing": missing,
        "sections": sections,
        "items": items,
        "metrics": {"required": req, "optional": optl},
        "slogans": slogans,
        "documents": docs,
        "lists": lists,
    }
    # write text in its encoding
    enc = meta["encoding"]
    out_path = os.path.join(CORPUS, name)
    raw = F + "\n"
    if enc == "utf-8":
        data = raw.encode("utf-8")
    elif enc == "gb18030":
        data = subprocess.run(["iconv", "-f", "UTF-8", "-t", "GB18030"], input=raw.encode("utf-8"),
                              capture_output=True, check=True).stdout
    elif enc == "utf-16le":
        data = b"\xff\xfe" + subprocess.run(["iconv", "-f", "UTF-8", "-t", "UTF-16LE"], input=raw.encode("utf-8"),
                                            capture_output=True, check=True).stdout
    elif enc == "utf-16be":
        data = b"\xfe\xff" + subprocess.run(["iconv", "-f", "UTF-8", "-t", "UTF-16BE"], input=raw.encode("utf-8"),
                                            capture_output=True, check=True).stdout
    elif enc == "utf-8-bom-crlf":
        data = b"\xef\xbb\xbf" + raw.replace("\n", "\r\n").encode("utf-8")
    else:
        raise ValueError(enc)
    with open(out_path, "wb") as f:
        f.write(data)
    gname = os.path.splitext(name)[0] + ".json"
    with open(os.path.join(GOLD, gname), "w", encoding="utf-8") as f:
        json.dump(gold, f, ensure_ascii=False, indent=1)
        f.write("\n")
    han = len(re.findall(r"[\u4e00-\u9fff]", T))
    print(f"{name}: {enc}, {han} Han chars, {F.count(chr(10)) + 1} lines, {len(sections)} sections, "
          f"{len(items)} items, {len(req)}+{len(optl)} metrics, {len(slogans)} slogans, {len(docs)} docs, years {years}")
    for w in qwarn:
        print("  quote:", w)
    return gold


def main():
    names = sys.argv[1:] or sorted(x for x in os.listdir(HERE) if x.endswith(".ann"))
    os.makedirs(GOLD, exist_ok=True)
    for n in names:
        build(os.path.join(HERE, os.path.basename(n)))


if __name__ == "__main__":
    main()
