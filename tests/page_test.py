#!/usr/bin/python3
"""summary.html (huibao page): its structure against summary.json and the
reports, hostile report text escaped, bad inputs refused, and, when Debian's
chromium is installed, the page as a browser renders it (DOM, console, a
screenshot in build/summary.png), and the page of `huibao batch corpus`
rendered with its charts (a screenshot in build/corpus-summary.png).

Fixtures: the corpus through `huibao extract --jsonl`; every other report gets
the newer per-report fields (organization, period, metric target and
section_kind) so the page is seen both with and without them; one report
carries hostile strings everywhere text goes.  summary.json comes from
tests/summary_ref.py.
"""
import copy
import glob
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HUIBAO = os.environ.get("HUIBAO", os.path.join(ROOT, "build", "huibao")).split()
BUILD = os.path.join(ROOT, os.environ.get("BUILD_DIR", "build"))
OUT = os.path.join(BUILD, "page-test")
KINDS = ["achievements", "problems", "causes", "plans"]
HOSTILE = ["<script>document.title='pwned'</script>", "</style><b>bold</b>",
           '"><img src=x onerror=alert(1)>', "]]>", "javascript:alert(1)",
           '<a href="javascript:alert(1)">click</a>']
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def run(args, **kw):
    return subprocess.run(HUIBAO + args, capture_output=True, text=True, **kw)


# ---------------------------------------------------------------- a DOM
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [n for n in self.iter() if (tag is None or n.tag == tag)
                and (cls is None or cls in n.attrs.get("class", "").split())
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def find(self, *a, **kw):
        found = self.find_all(*a, **kw)
        return found[0] if found else None


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#document", [], None)
        self.attr_values = []

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.attr_values += attrs
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.attr_values += attrs
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(html):
    b = TreeBuilder()
    b.feed(html)
    b.close()
    return b.root, b.attr_values


# ---------------------------------------------------------------- labels
def read_labels(dict_dir=os.path.join(ROOT, "dict")):
    """dict/labels.txt as {kind: {code: name}} and the set of ratio
    categories; profiles from the label lines of dict/profiles/."""
    names, ratio = {"profile": {}}, set()
    with open(os.path.join(dict_dir, "labels.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                kind, code, name, *flag = line.split("\t")
                names.setdefault(kind, {})[code] = name
                if flag == ["ratio"]:
                    ratio.add(code)
    for path in glob.glob(os.path.join(dict_dir, "profiles", "*.txt")):
        with open(path, encoding="utf-8") as f:
            label = [l[6:].rstrip("\n") for l in f if l.startswith("label\t")]
        if label:
            names["profile"][os.path.basename(path)[:-4]] = label[0]
    return names, ratio


LABELS, RATIO = read_labels()


def named(kind, code):
    return LABELS.get(kind, {}).get(code, code)


# ---------------------------------------------------------------- fixtures
def section_kinds(sections, out):
    for s in sections:
        out[s["id"]] = s["kind"]
        section_kinds(s["children"], out)
    return out


def add_new_fields(rep, i):
    """The per-report fields of SUMMARY_SPEC, as the library will write them."""
    sig = rep.get("signature") or {}
    rep["organization"] = sig.get("organization") or (f"测试单位{i % 3}" if i % 4 == 0 else None)
    years = rep.get("years") or []
    rep["period"] = {"text": f"{years[0]}年", "from": years[0], "to": years[0]} if years else None
    kinds = section_kinds(rep["sections"], {})
    for m in rep["metrics"]:
        m["section_kind"] = kinds.get(m["section"] or "", "other")
        m["target"] = rep["doc_type"] == "plan" or m["section_kind"] == "plans"


def hostile_report(base):
    r = copy.deepcopy(base)
    h = " ".join(HOSTILE)
    r["source"]["path"] = "evil/" + HOSTILE[2] + ".txt"
    r["source"]["sha256"] = "f" * 64
    r["title"] = h
    r["organization"] = HOSTILE[1] + HOSTILE[0]
    r["period"] = {"text": HOSTILE[3], "from": 2023, "to": 2023}
    r["required"] = {"profile": HOSTILE[4], "missing": ["plans"], "inline_only": []}
    r["slogans"] = [{"term": t, "count": 2, "quoted": 2, "known": False, "category": None, "first_line": 1}
                    for t in HOSTILE]
    r["documents"] = [{"title": t, "count": 1, "kind": "other"} for t in HOSTILE]
    r["warnings"] = [{"code": "marker-style", "message": h, "line": 3}]
    for m in r["metrics"][:3]:
        m["text"], m["subject"], m["unit"], m["category"] = h, HOSTILE[0], HOSTILE[3], HOSTILE[2]
    if r["sections"]:
        r["sections"][0]["title"] = h
        r["sections"][0]["marker"] = HOSTILE[4]
    r["problems"]["items"] = [{"text": h, "title": t, "marker": HOSTILE[3], "section": None, "line": 1}
                              for t in HOSTILE]
    return r


def make_fixtures():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    corpus = sorted(glob.glob(os.path.join(ROOT, "corpus", "*.txt")))
    p = run(["extract", "--jsonl"] + corpus)
    if p.returncode != 0:
        sys.exit(f"page_test: huibao extract failed: {p.stderr}")
    reports = [json.loads(l) for l in p.stdout.splitlines()]
    for i, r in enumerate(reports):
        if i % 2 == 0:
            add_new_fields(r, i)
    half = len(reports) // 2
    files = {"a.jsonl": reports[:half], "b.jsonl": reports[half:]}
    # every report of the hostile page also uses the hostile slogans, so they are charted
    hostile = copy.deepcopy(reports) + [hostile_report(reports[0])]
    for r in hostile[:-1]:
        r["slogans"] += hostile[-1]["slogans"]
    files["hostile.jsonl"] = hostile
    for name, reps in files.items():
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            for r in reps:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "errors.jsonl"), "w", encoding="utf-8") as f:
        f.write(json.dumps({"path": "scan.pdf", "code": "binary", "message": "binary data, not text"}) + "\n")
        f.write(json.dumps({"path": HOSTILE[0], "code": "encoding", "message": HOSTILE[2]}, ensure_ascii=False) + "\n")
    ref = os.path.join(ROOT, "tests", "summary_ref.py")
    for out, inputs in (("summary.json", ["a.jsonl", "b.jsonl"]),
                        ("hostile-summary.json", ["hostile.jsonl", "errors.jsonl"])):
        with open(os.path.join(OUT, out), "w", encoding="utf-8") as f:
            subprocess.run([sys.executable, ref] + [os.path.join(OUT, i) for i in inputs], stdout=f, check=True)
    return reports, hostile


def render(inputs, summary, out, **kw):
    p = run(["page"] + [os.path.join(OUT, i) for i in inputs] + ["--summary", os.path.join(OUT, summary),
                                                                   "-o", os.path.join(OUT, out)], **kw)
    check(p.returncode == 0, f"huibao page {out}: exit {p.returncode}: {p.stderr}")
    with open(os.path.join(OUT, out), encoding="utf-8") as f:
        return f.read()


def check_own_summary():
    """Without --summary, page computes the summary as `huibao summary`
    does: the page equals the one rendered with that summary given."""
    inputs = [os.path.join(OUT, i) for i in ("a.jsonl", "b.jsonl")]
    p = run(["summary", "--json", "-o", os.path.join(OUT, "own-summary.json")] + inputs)
    check(p.returncode == 0, f"huibao summary: exit {p.returncode}: {p.stderr}")
    # one fixed time: two runs a second apart must not differ in their stamp
    epoch = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    given = render(["a.jsonl", "b.jsonl"], "own-summary.json", "given.html", env=epoch)
    p = run(["page"] + inputs + ["-o", os.path.join(OUT, "own.html")], env=epoch)
    check(p.returncode == 0, f"huibao page without --summary: exit {p.returncode}: {p.stderr}")
    with open(os.path.join(OUT, "own.html"), encoding="utf-8") as f:
        check(f.read() == given, "page without --summary differs from page with huibao summary's")


# ---------------------------------------------------------------- structure
def expected_state(rep, kind):
    req = rep["required"]
    found = (rep.get(kind) or {}).get("found", "none")
    if kind in req["missing"]:
        return "missing"
    if kind in req["inline_only"]:
        return "inline"
    if found in ("heading", "implicit"):
        return found
    return "not-required"


def flatten(sections):
    for s in sections:
        yield s
        yield from flatten(s["children"])


def check_structure(html, reports, summary, label):
    doc, _ = parse(html)
    stats = {li.attrs["class"]: li.find("b").text() for li in doc.find("ul", cls="stats").find_all("li")}
    r = summary["reports"]
    check(stats == {"total": str(r["total"]), "passed": str(r["passed"]), "failed": str(r["failed"]),
                    "unreadable": str(r["unreadable"]), "duplicates": str(len(summary["duplicates"]))},
          f"{label}: header counts {stats}")
    unread = doc.find("table", id="unreadable")
    check(len(unread.find("tbody").find_all("tr")) == len(summary["unreadable"]) if unread
          else not summary["unreadable"], f"{label}: one row per unreadable file")

    # completeness: one row per report, failing first, cells as the report says
    rows = doc.find("table", id="completeness").find("tbody").find_all("tr")
    check(len(rows) == len(reports), f"{label}: {len(rows)} rows for {len(reports)} reports")
    statuses = [row.attrs["class"] for row in rows]
    check(statuses == sorted(statuses, key=lambda s: s != "failed"), f"{label}: failing reports first")
    check(statuses.count("failed") == sum(bool(x["required"]["missing"]) for x in reports),
          f"{label}: failed rows")
    articles = {a.attrs["id"]: a for a in doc.find_all("article", cls="report")}
    check(len(articles) == len(reports), f"{label}: one section per report")
    by_path = {}
    for i, rep in enumerate(reports, 1):
        by_path.setdefault(rep["source"]["path"], []).append((i, rep))
    for row in rows:
        link = row.find("a")
        anchor = link.attrs["href"][1:]
        check(link.attrs["href"].startswith("#") and anchor in articles, f"{label}: row link {anchor}")
        idx = int(anchor[1:])
        rep = reports[idx - 1]
        check(row.attrs["data-path"] == rep["source"]["path"], f"{label}: {anchor} is {rep['source']['path']}")
        cells = {td.attrs["data-kind"]: td.attrs["class"] for td in row.find_all("td") if "data-kind" in td.attrs}
        want = {k: expected_state(rep, k) for k in KINDS}
        check(cells == want, f"{label}: {anchor} cells {cells} != {want}")
        org = rep.get("organization", (rep.get("signature") or {}).get("organization")) or "未识别"
        check(row.find_all("td")[1].text() == org, f"{label}: {anchor} organisation {row.find_all('td')[1].text()!r}")
        period = (rep.get("period") or {}).get("text") or "—"
        check(row.find_all("td")[2].text() == period, f"{label}: {anchor} period")
        # codes are named for people; the code stays in the tooltip
        prof = row.find_all("td")[3]
        code = rep["required"]["profile"]
        check(prof.text() == named("profile", code) and prof.attrs.get("title") == code,
              f"{label}: {anchor} profile shown as {prof.text()!r}, title {prof.attrs.get('title')!r}")
        art = articles[anchor]
        mt = art.find("table", cls="metrics")
        nrows = len(mt.find("tbody").find_all("tr")) if mt else 0
        check(nrows == min(len(rep["metrics"]), 500), f"{label}: {anchor} metric rows {nrows}")
        if mt and "target" in (rep["metrics"] or [{}])[0]:
            tcol = [tr.find_all("td")[5].text() for tr in mt.find("tbody").find_all("tr")]
            check(tcol == ["目标" if m["target"] else "实绩" for m in rep["metrics"][:500]],
                  f"{label}: {anchor} achieved/target column")
        outline = art.find("ul", cls="outline")
        nout = len(outline.find_all("li")) if outline else 0
        check(nout == min(len(list(flatten(rep["sections"]))), 400), f"{label}: {anchor} outline {nout}")
        warns = art.find("ul", cls="warnings")
        check((len(warns.find_all("li")) if warns else 0) == len(rep["warnings"]), f"{label}: {anchor} warnings")
        shown = [(s.text(), s.attrs.get("title")) for s in warns.find_all("span", cls="code")] if warns else []
        check(shown == [(named("warning", w["code"]), w["code"]) for w in rep["warnings"]],
              f"{label}: {anchor} warnings named {shown}")

    # charts: every bar is a number of summary.json
    def bars(fig_id):
        fig = doc.find("figure", id=fig_id)
        return [(g.attrs["data-label"], int(g.attrs["data-value"]), int(g.attrs["data-value2"]))
                for g in fig.find_all("g", cls="bar")]
    orgs = sorted(summary["by_organization"], key=lambda o: (-o["reports"], -o["failed"], o["organization"]))[:20]
    check(bars("orgs") == [(o["organization"], o["reports"], o["failed"]) for o in orgs], f"{label}: org bars")
    check(bars("slogans") == [(s["term"], s["reports"], s["count"]) for s in summary["slogans"][:20]],
          f"{label}: slogan bars")
    check(bars("documents") == [(d["title"], d["reports"], d["count"]) for d in summary["documents"][:20]],
          f"{label}: document bars")
    check(bars("doc_types") == [(k, v, 0) for k, v in summary["by_doc_type"].items()], f"{label}: type bars")
    check(bars("profiles") == [(k, v, 0) for k, v in summary["by_profile"].items()], f"{label}: profile bars")
    # a label cut with … is written out in full below its chart (shown in print only)
    for fig in doc.find_all("figure"):
        cut = [g.find("text").text() for g in fig.find_all("g", cls="bar") if g.find("text").text().endswith("…")]
        full = fig.find("ul", cls="full-names")
        listed = [li.text() for li in full.find_all("li")] if full else []
        check(len(listed) == len(cut) and all(l.startswith(c + " = " + c[:-1]) and len(l) > 2 * len(c) + 2
                                              for l, c in zip(listed, cut)),
              f"{label}: {fig.attrs.get('id')}: full names {listed[:3]} for {cut[:3]}")
    for fig_id, kind, counts in (("doc_types", "doc_type", "by_doc_type"), ("profiles", "profile", "by_profile")):
        shown = [g.find("text").text() for g in doc.find("figure", id=fig_id).find_all("g", cls="bar")]
        check(shown == [named(kind, k)[:14] if len(named(kind, k)) <= 14 else named(kind, k)[:13] + "…"
                        for k in summary[counts]], f"{label}: {fig_id} bars show {shown}")
    # metrics: each bar is one (category, unit, target) row; the groups with most figures
    rows_by_key = {(m["category"], m["unit"], m["target"]): m for m in summary["metrics"]}
    drawn = doc.find("figure", id="chart-metrics").find_all("g", cls="metric")
    groups = {}
    for m in summary["metrics"]:
        groups[(m["category"], m["unit"])] = groups.get((m["category"], m["unit"]), 0) + m["count"]
    top = sorted(groups, key=lambda k: (-groups[k], k))[:30]
    check(len(drawn) == sum(1 for m in summary["metrics"] if (m["category"], m["unit"]) in top),
          f"{label}: {len(drawn)} metric bars")
    maxc = max((rows_by_key[k]["count"] for k in rows_by_key if k[:2] in top), default=0)
    fig = doc.find("figure", id="chart-metrics")
    heads = [t.text() for t in (fig.find("svg", cls="chart").children if fig.find("svg", cls="chart") else []) if getattr(t, "tag", "") == "text"]
    check(heads == [("未分类" if not c else "") + named("category", c) + " · " + u for c, u in top],
          f"{label}: metric groups named {heads[:5]}")
    for g in drawn:
        a = g.attrs
        key = (a["data-category"], a["data-unit"], a["data-target"] == "true")
        m = rows_by_key.get(key)
        if not check(m is not None and key[:2] in top, f"{label}: metric bar {key} not in summary"):
            continue
        check((int(a["data-count"]), int(a["data-masked"])) == (m["count"], m["masked"]), f"{label}: {key} counts")
        # a ratio's figures are counted, never added up
        value_text = g.find_all("text")[-1].text()
        if key[0] in RATIO:
            check(a["data-sum"] == "" and "合计" not in value_text and "合计" not in g.find("title").text(),
                  f"{label}: {key} ratios summed: {value_text!r}")
        else:
            check(float(a["data-sum"]) == float(m["sum"]), f"{label}: {key} sum {a['data-sum']} != {m['sum']}")
            check(m["known"] == 0 or f"合计 {a['data-sum']} " in value_text, f"{label}: {key} no sum in {value_text!r}")
        known, masked = (float(r.attrs["width"]) for r in g.find_all("rect"))
        check(abs(known + masked - m["count"] / maxc * 300) < 0.2 and abs(masked - known * 0 - (known + masked) *
              m["masked"] / m["count"]) < 0.2, f"{label}: {key} bar lengths {known}+{masked}")
    return doc


def check_escaped(html, doc, attrs):
    """Hostile text is shown as text and nothing of it becomes markup."""
    with open(os.path.join(ROOT, "templates", "summary.html"), encoding="utf-8") as f:
        tmpl = f.read()
    for tag in ("script", "style"):
        els = doc.find_all(tag)
        want = tmpl.split(f"<{tag}>")[1].split(f"</{tag}>")[0]
        check(len(els) == 1 and els[0].text() == want, f"hostile: exactly the template's one <{tag}>")
    for tag in ("img", "iframe", "object", "embed", "link", "base", "form"):
        check(not doc.find_all(tag), f"hostile: a <{tag}> element was injected")
    check(not [n for n in doc.iter() if n.tag == "a" and n.attrs.get("href", "#").startswith("#") is False],
          "hostile: a link that is not an anchor")
    check(not [k for k, v in attrs if k.startswith("on")], "hostile: an on… attribute")
    check(not [v for k, v in attrs if v and "javascript:" in v.lower() and k in ("href", "src", "action", "xlink:href")],
          "hostile: a javascript: URL in an attribute")
    check(not [n for n in doc.iter() if n.tag == "b" and n.text() == "bold"], "hostile: </style><b> became markup")
    art = doc.find("article", id=f"r{HOSTILE_INDEX}")
    text = art.text() if art else ""
    for h in HOSTILE:
        check(h in text, f"hostile: {h!r} not shown as text in its section")
    rows = doc.find("table", id="completeness").find("tbody").find_all("tr")
    mine = [r for r in rows if r.find("a").attrs["href"] == f"#r{HOSTILE_INDEX}"]
    check(mine and mine[0].attrs["class"] == "failed" and HOSTILE[1] + HOSTILE[0] in mine[0].text(),
          "hostile: the report's row fails and shows its organisation as text")
    slogans = [g.attrs["data-label"] for g in doc.find("figure", id="slogans").find_all("g", cls="bar")]
    check(all(h in slogans for h in HOSTILE), "hostile: slogan bars carry the strings as data")
    check("]]>" not in html and "<script>document" not in html, "hostile: raw strings in the page source")


def check_labels(reports):
    """The names come from the rule folder's labels.txt, edited by users: a
    name given there is shown, a code it lacks is shown as written, and a
    malformed line is refused naming the file and line."""
    codes = {r["required"]["profile"] for r in reports}
    check(any(named("profile", c) != c for c in codes) and named("category", "percent") != "percent"
          and "percent" in RATIO,
          "labels: the shipped rules name no profile or category, or percent is no ratio")
    rules = os.path.join(OUT, "rules")
    shutil.rmtree(rules, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "dict"), rules)
    with open(os.path.join(rules, "labels.txt"), "w", encoding="utf-8") as f:
        f.write("# mine\ndoc_type\tplan\t本单位计划\n")
    args = ["page", os.path.join(OUT, "a.jsonl"), "--summary", os.path.join(OUT, "summary.json"),
            "--template", os.path.join(ROOT, "templates", "summary.html"), "--dict", rules]
    p = run(args + ["-o", os.path.join(OUT, "mine.html")])
    check(p.returncode == 0, f"labels: page with my labels.txt: exit {p.returncode}: {p.stderr}")
    with open(os.path.join(OUT, "mine.html"), encoding="utf-8") as f:
        doc, _ = parse(f.read())
    shown = {g.attrs["data-label"]: g.find("text").text() for g in doc.find("figure", id="doc_types").find_all("g", cls="bar")}
    check(shown.get("plan") == "本单位计划" and shown.get("report") == "report", f"labels: my names {shown}")
    # percent is no ratio in that file: its figures are added again
    sums = [g.attrs["data-sum"] for g in doc.find_all("g", cls="metric") if g.attrs["data-category"] == "percent"]
    check(sums and all(sums), f"labels: percent without the ratio flag has sums {sums}")
    with open(os.path.join(rules, "labels.txt"), "a", encoding="utf-8") as f:
        f.write("category\tpercent\n")
    dest = os.path.join(OUT, "refused.html")
    p = run(args + ["-o", dest])
    check(p.returncode == 1 and "labels.txt:3: expected 3 or 4 TAB-separated fields" in p.stderr
          and not os.path.exists(dest), f"labels: a bad line: exit {p.returncode}, {p.stderr!r}")
    p = run(["dict", "check", "--dict", rules])
    check(p.returncode == 4 and "labels.txt:3: expected 3 or 4" in p.stderr, f"labels: dict check: {p.stderr!r}")


def check_refusals(reports):
    ok_summary = os.path.join(OUT, "summary.json")
    dest = os.path.join(OUT, "refused.html")
    bad = os.path.join(OUT, "bad.jsonl")
    with open(bad, "w") as f:
        f.write(json.dumps(reports[0], ensure_ascii=False) + "\n{not json\n")
    cases = [
        (["page", bad, "-o", dest], 1, f"{bad}:2: "),  # the summary is computed from the reports
        (["page", bad, "--summary", ok_summary, "-o", dest], 1, f"{bad}:2: not JSON"),
        (["page", os.path.join(OUT, "errors.jsonl"), "--summary", ok_summary, "-o", dest], 1,
         "errors.jsonl:1: not a huibao report"),
        (["page", os.path.join(OUT, "a.jsonl"), "--summary", bad, "-o", dest], 1, f"{bad}: line 2"),
        (["page", os.path.join(OUT, "missing.jsonl"), "--summary", ok_summary, "-o", dest], 1,
         "missing.jsonl: No such file"),
    ]
    tmpl = os.path.join(OUT, "broken.html")
    with open(tmpl, "w") as f:
        f.write("<p>\n{{#rows}}\n{{name}}\n")
    cases.append((["page", os.path.join(OUT, "a.jsonl"), "--summary", ok_summary, "--template", tmpl, "-o", dest],
                  1, f"{tmpl}:2: {{{{#rows}}}} is never closed"))
    tmpl = os.path.join(OUT, "broken2.html")
    with open(tmpl, "w") as f:
        f.write("{{#rows}}{{/row}}")
    cases.append((["page", os.path.join(OUT, "a.jsonl"), "--summary", ok_summary, "--template", tmpl, "-o", dest],
                  1, f"{tmpl}:1: {{{{/row}}}} does not close {{{{#rows}}}}"))
    # the same inputs and SOURCE_DATE_EPOCH give the same bytes
    pages = []
    for i in range(2):
        dest_i = os.path.join(OUT, f"same{i}.html")
        run(["page", os.path.join(OUT, "a.jsonl"), "--summary", ok_summary, "-o", dest_i],
            env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
        with open(dest_i, "rb") as f:
            pages.append(f.read())
    check(pages[0] == pages[1] and b"2023-11-14T22:13:20Z" in pages[0], "SOURCE_DATE_EPOCH: a reproducible page")
    # wrong types anywhere in a report or the summary: a page, never a crash
    odd = os.path.join(ROOT, "tests", "page")
    p = run(["page", os.path.join(odd, "odd_reports.jsonl"), "--summary", os.path.join(odd, "odd_summary.json"),
             "-o", os.path.join(OUT, "odd.html")])
    check(p.returncode == 0 and os.path.getsize(os.path.join(OUT, "odd.html")) > 1000,
          f"odd types: exit {p.returncode}, {p.stderr!r}")
    for args, code, msg in cases:
        p = run(args)
        check(p.returncode == code and msg in p.stderr, f"refusal {args[1:]}: exit {p.returncode}, {p.stderr!r}")
        check(not os.path.exists(dest), f"refusal {args[1:]}: left {dest} behind")


def check_streams(reports):
    """Streams anywhere and repeated: each shows every report, rows failing
    first, with the top-level names inside; more than 8 are refused."""
    ok_summary = os.path.join(OUT, "summary.json")
    tmpl = os.path.join(OUT, "streams.html")
    with open(tmpl, "w") as f:
        f.write("A{{#reports}}{{index}}/{{total}} {{/reports}}\n"
                "B{{#kinds}}{{kind}}{{/kinds}}{{?rows}}R{{#rows}}{{index}}:{{status}} {{/rows}}{{/rows}}\n"
                "C{{#reports}}{{name}} {{/reports}}\n")
    dest = os.path.join(OUT, "streams.out")
    inputs = [os.path.join(OUT, i) for i in ("a.jsonl", "b.jsonl")]
    p = run(["page", *inputs, "--summary", ok_summary, "--template", tmpl, "-o", dest])
    check(p.returncode == 0, f"streams template: exit {p.returncode}, {p.stderr!r}")
    reps = []
    for i in inputs:
        with open(i, encoding="utf-8") as f:
            reps += [json.loads(l) for l in f if l.strip()]
    with open(ok_summary, encoding="utf-8") as f:
        total = json.load(f)["reports"]["total"]
    with open(dest, encoding="utf-8") as f:
        a, b, c = f.read().split("\n")[:3]
    n = len(reps)
    check(a == "A" + "".join(f"{i}/{total} " for i in range(1, n + 1)), f"first stream: {a[:80]!r}")
    check(c == "C" + "".join(os.path.basename(r["source"]["path"]) + " " for r in reps), f"third stream: {c[:80]!r}")
    rows = b.split("R", 1)[1].split()
    failing = [i + 1 for i, r in enumerate(reps) if r["required"]["missing"]]
    want = [f"{i}:failed" for i in failing] + [f"{i}:passed" for i in range(1, n + 1) if i not in failing]
    check(rows == want and failing, f"rows stream: {rows[:6]} against {want[:6]}")
    with open(tmpl, "w") as f:
        f.write("{{#rows}}x{{/rows}}" * 9)
    p = run(["page", os.path.join(OUT, "a.jsonl"), "--summary", ok_summary, "--template", tmpl, "-o", dest])
    check(p.returncode == 1 and "more than 8 times" in p.stderr, f"nine streams: exit {p.returncode}, {p.stderr!r}")


# ---------------------------------------------------------------- browser
def chromium(url, *extra):
    exe = shutil.which("chromium")
    profile = tempfile.mkdtemp(prefix="hb-chromium-")
    args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *extra, url]
    try:
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=180)
        except subprocess.TimeoutExpired:  # headless chromium now and then hangs on a busy machine: once more
            return subprocess.run(args, capture_output=True, text=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def check_browser(pages):
    if not shutil.which("chromium"):
        print("page_test: SKIPPED the browser checks: chromium is not installed (apt-get install chromium)")
        return
    for name, nreports in pages:
        url = "file://" + os.path.join(OUT, name)
        p = chromium(url, "--dump-dom")
        console = [l for l in p.stderr.splitlines() if ":CONSOLE" in l or "Uncaught" in l]
        check(p.returncode == 0 and not console, f"browser {name}: exit {p.returncode}, console {console[:5]}")
        doc, _ = parse(p.stdout)
        table = doc.find("table", id="completeness")
        check(table is not None and table.attrs.get("data-script") == "ready", f"browser {name}: the script ran")
        check("js" in doc.find("html").attrs.get("class", "").split(), f"browser {name}: <html class=js>")
        rows = table.find("tbody").find_all("tr") if table else []
        check(len(rows) == nreports, f"browser {name}: {len(rows)} rows rendered")
        check(doc.find("title").text().startswith("工作报告汇总"), f"browser {name}: title {doc.find('title').text()!r}")
        check(not doc.find_all("img"), f"browser {name}: an <img> in the rendered DOM")
    # (with scripting off a browser shows the static page, whose rows and order
    # check_structure asserts; --dump-dom itself needs scripting)
    url = "file://" + os.path.join(OUT, pages[0][0])
    # printing: A4 portrait pages
    pdf = os.path.join(OUT, "summary.pdf")
    chromium(url, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    with open(pdf, "rb") as f:
        boxes = set(re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", f.read()))
    check(boxes and all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes),
          f"browser: printed pages are not A4 portrait: {boxes}")
    shot = os.path.join(BUILD, "summary.png")
    if os.path.exists(shot):
        os.remove(shot)
    p = chromium("file://" + os.path.join(OUT, pages[0][0]), f"--screenshot={shot}", "--window-size=1280,2400")
    check(p.returncode == 0 and os.path.getsize(shot) > 10000 if os.path.exists(shot) else False,
          f"browser: no screenshot ({p.stderr[-300:]})")
    print(f"page_test: screenshot in {os.path.relpath(shot, ROOT)}")
    check_batch_page()


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    return struct.unpack(">II", head[16:24]) if head[:8] == b"\x89PNG\r\n\x1a\n" else (0, 0)


CHARTS = ["chart-metrics", "orgs", "slogans", "documents", "doc_types", "profiles"]


def check_batch_page():
    """The page `huibao batch corpus -o OUT` writes, as a browser renders it:
    every report's row and every chart in the DOM, and a screenshot in
    build/corpus-summary.png of all above the per-report sections (header,
    the whole table, the charts), at its full height.  The per-report
    sections make the page some 130,000 px tall, more than one screenshot
    holds."""
    out = os.path.join(OUT, "batch")
    p = run(["batch", os.path.join(ROOT, "corpus"), "-o", out])
    if not check(p.returncode == 0, f"batch page: huibao batch exit {p.returncode}: {p.stderr[-300:]}"):
        return
    page = os.path.join(out, "summary.html")
    with open(page, encoding="utf-8") as f:
        html = f.read()
    with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
        total = json.load(f)["reports"]["total"]
    static, _ = parse(html)
    p = chromium("file://" + page, "--dump-dom")
    console = [l for l in p.stderr.splitlines() if ":CONSOLE" in l or "Uncaught" in l]
    check(p.returncode == 0 and not console, f"batch page: exit {p.returncode}, console {console[:5]}")
    doc, _ = parse(p.stdout)
    table = doc.find("table", id="completeness")
    rows = table.find("tbody").find_all("tr") if table else []
    check(len(rows) == total, f"batch page: {len(rows)} rows rendered for {total} reports")
    for fig in CHARTS:
        drawn, want = (len(d.find("figure", id=fig).find_all("g", cls="bar")) if d.find("figure", id=fig) else -1
                       for d in (doc, static))
        check(drawn > 0 and drawn == want, f"batch page: chart {fig}: {drawn} bars rendered, {want} written")
    # the height of what comes before the per-report sections, as laid out
    measure = os.path.join(OUT, "batch-measure.html")
    with open(measure, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", "<script>document.documentElement.setAttribute('data-top', "
                                        "document.getElementById('reports').offsetTop)</script></body>"))
    p = chromium("file://" + measure, "--window-size=1280,1000", "--dump-dom")
    m = re.search(r'data-top="(\d+)"', p.stdout)
    height = int(m.group(1)) if m else 0
    if not check(height > 1000, f"batch page: overview height {height}"):
        return
    shot = os.path.join(BUILD, "corpus-summary.png")
    if os.path.exists(shot):
        os.remove(shot)
    p = chromium("file://" + page, f"--screenshot={shot}", f"--window-size=1280,{height}")
    ok = os.path.exists(shot) and png_size(shot) == (1280, height) and os.path.getsize(shot) > 100000
    check(ok, f"batch page: screenshot {png_size(shot) if os.path.exists(shot) else None} ({p.stderr[-300:]})")
    print(f"page_test: screenshot of the corpus batch page (1280x{height}) in {os.path.relpath(shot, ROOT)}")


HOSTILE_INDEX = 0


def main():
    global HOSTILE_INDEX
    reports, hostile = make_fixtures()
    with open(os.path.join(OUT, "summary.json"), encoding="utf-8") as f:
        summary = json.load(f)
    with open(os.path.join(OUT, "hostile-summary.json"), encoding="utf-8") as f:
        hsummary = json.load(f)
    html = render(["a.jsonl", "b.jsonl"], "summary.json", "summary.html")
    check_structure(html, reports, summary, "corpus")
    HOSTILE_INDEX = len(hostile)
    hhtml = render(["hostile.jsonl"], "hostile-summary.json", "hostile.html")
    hdoc = check_structure(hhtml, hostile, hsummary, "hostile")
    check_escaped(hhtml, hdoc, parse(hhtml)[1])
    check_refusals(reports)
    check_streams(reports)
    check_labels(reports)
    check_own_summary()
    # The page the browser renders does not depend on how huibao was built:
    # the sanitizer and valgrind runs (PAGE_BROWSER=0) check only the rest.
    if os.environ.get("PAGE_BROWSER", "1") != "0":
        check_browser([("summary.html", len(reports)), ("hostile.html", len(hostile))])
    if failures:
        for f in failures:
            print("FAIL:", f)
        sys.exit(f"page_test: {len(failures)} failures")
    print(f"page_test: ok ({len(reports)} corpus reports, hostile report escaped)")


if __name__ == "__main__":
    main()
