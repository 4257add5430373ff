#!/usr/bin/python3
"""huibao batch, table, summary and check on a folder an office receives.

The corpus replicated to more than 2,000 files (each copy made distinct by
trailing blank lines), plus one unreadable file (a dangling link), one
binary, one empty and two identical files under different names:
- batch -j2 writes every output; each good report is in reports.jsonl
  exactly once, in input order; the bad ones are in errors.jsonl with their
  code; the duplicates are in summary.json;
- kill -9 in the middle leaves no final file half-written, and --resume
  finishes the job with the same bytes as an uninterrupted run;
- the XLSX opens with openpyxl (sheets, frozen header, numbers as numbers,
  Chinese text intact); `table reports.jsonl` equals the table of the texts;
- summary merges split parts into the same bytes; check's exit code 3 is
  not hidden by an unreadable input; a closed pipe ends quietly.
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HUIBAO = os.environ.get("HUIBAO", "build/huibao").split()
# 37 corpus files x 55 + 5 > 2,000; under valgrind (make leakcheck) the same
# checks run on 3 copies, as hostile.py shrinks its inputs there
COPIES = 3 if any("valgrind" in a for a in HUIBAO) else 55


def run(args, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(HUIBAO + args, **kw)


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def newline_for(data):
    """A blank line in the file's own encoding."""
    if data.startswith(b"\xff\xfe") or (len(data) > 1 and data[1:2] == b"\0"):
        return "\n".encode("utf-16-le")
    if data.startswith(b"\xfe\xff") or data[:1] == b"\0":
        return "\n".encode("utf-16-be")
    return b"\n"


def make_inputs(root):
    corpus = sorted(glob.glob("corpus/*.txt"))
    good = []
    for k in range(COPIES):
        d = os.path.join(root, "in", f"batch{k:02d}")
        os.makedirs(d)
        for src in corpus:
            data = open(src, "rb").read()
            p = os.path.join(d, os.path.basename(src))
            with open(p, "wb") as f:
                f.write(data + newline_for(data) * (k + 1))
            good.append(p)
    d = os.path.join(root, "in", "zz")
    os.makedirs(d)
    dup_a, dup_b = os.path.join(d, "dup_a.txt"), os.path.join(d, "dup_b.txt")
    shutil.copy(corpus[0], dup_a)
    shutil.copy(corpus[0], dup_b)
    good += [dup_a, dup_b]
    os.symlink(os.path.join(d, "no-such-file"), os.path.join(d, "unreadable.txt"))
    with open(os.path.join(d, "binary.txt"), "wb") as f:
        f.write(bytes(range(256)) * 8)
    open(os.path.join(d, "empty.txt"), "wb").close()
    with open(os.path.join(d, "notes.md"), "w") as f:  # not *.txt: not an input
        f.write("README")
    bad = {os.path.join(d, "unreadable.txt"): "io", os.path.join(d, "binary.txt"): "binary",
           os.path.join(d, "empty.txt"): "empty"}
    return good, bad, (dup_a, dup_b)


def lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")[:-1]


def test_batch(root, good, bad, dups):
    out = os.path.join(root, "out")
    p = run(["batch", "-j2", "--quiet", os.path.join(root, "in"), "-o", out])
    check(p.returncode == 1, f"batch exit {p.returncode}, want 1 (some failed); {p.stderr[-500:]!r}")
    for name in ["reports.jsonl", "errors.jsonl", "summary.json", "run.json", "reports.csv", "metrics.csv",
                 "summary.html"]:
        check(os.path.isfile(os.path.join(out, name)), f"{name} missing")
    check(not [n for n in os.listdir(out) if ".part" in n or ".tmp." in n or n.endswith(".prev")],
          f"leftovers: {os.listdir(out)}")
    reports = [json.loads(l) for l in lines(os.path.join(out, "reports.jsonl"))]
    paths = [r["source"]["path"] for r in reports]
    check(len(paths) == len(set(paths)), "a report written twice")
    check(sorted(paths) == sorted(good), f"{len(paths)} reports, want {len(good)}")
    check(paths == sorted(paths, key=lambda s: s.encode()), "reports not in input order")
    errors = [json.loads(l) for l in lines(os.path.join(out, "errors.jsonl"))]
    check({e["path"]: e["code"] for e in errors} == bad, f"errors {errors}")
    check(all(e["message"] for e in errors), "an error without a message")
    s = json.load(open(os.path.join(out, "summary.json")))
    check(s["reports"]["total"] == len(good) + len(bad), f"total {s['reports']}")
    check(s["reports"]["unreadable"] == len(bad), f"unreadable {s['reports']}")
    check([d["paths"] for d in s["duplicates"]] == [sorted(dups)], f"duplicates {s['duplicates']}")
    check(len(s["files"]) == len(good) - 1, f"{len(s['files'])} distinct files")
    run_facts = json.load(open(os.path.join(out, "run.json")))
    check(run_facts["threads"] == 2 and run_facts["files"] == len(good) + len(bad), f"run.json {run_facts}")
    check("started" not in json.dumps(s), "run facts in summary.json")
    return out


def test_kill_and_resume(root, first):
    out = os.path.join(root, "killed")
    whole = os.path.getsize(os.path.join(first, "reports.jsonl"))
    proc = subprocess.Popen(HUIBAO + ["batch", "-j2", "--quiet", os.path.join(root, "in"), "-o", out],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    part = os.path.join(out, "reports.jsonl.part")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if os.path.exists(part) and os.path.getsize(part) > whole * 0.6:
            break
        if proc.poll() is not None:
            fail("batch ended before it could be killed")
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for name in ["reports.jsonl", "errors.jsonl", "summary.json", "run.json", "reports.csv", "metrics.csv"]:
        check(not os.path.exists(os.path.join(out, name)), f"{name} exists after kill -9")
    journal = lines(part)
    check(len(journal) > 0, "nothing in the journal")
    for l in journal:
        json.loads(l)  # every whole line is a whole report
    p = run(["batch", "-j2", "--resume", "--quiet", os.path.join(root, "in"), "-o", out])
    check(p.returncode == 1, f"resume exit {p.returncode}")
    facts = json.load(open(os.path.join(out, "run.json")))
    check(facts["resumed"] >= len(journal) - 2, f"resumed {facts['resumed']} of {len(journal)}")
    check(facts["files"] >= min(2000, COPIES * 37), f"{facts['files']} files")
    for name in ["reports.jsonl", "errors.jsonl", "summary.json", "reports.csv", "metrics.csv"]:
        a, b = open(os.path.join(first, name), "rb").read(), open(os.path.join(out, name), "rb").read()
        check(a == b, f"{name} after --resume differs from an uninterrupted run")
    check(not [n for n in os.listdir(out) if ".part" in n or ".tmp." in n or n.endswith(".prev")],
          f"leftovers after resume: {os.listdir(out)}")


def test_xlsx_and_tables(root):
    import openpyxl
    small = os.path.join(root, "small")
    os.makedirs(small)
    texts = sorted(glob.glob("corpus/*.txt"))
    for t in texts:
        shutil.copy(t, small)
    with open(os.path.join(small, "zz_binary.txt"), "wb") as f:
        f.write(b"\0\1\2" * 100)
    out = os.path.join(root, "small_out")
    p = run(["batch", "--jobs=2", "--format=xlsx", "--quiet", small, "-o", out])
    check(p.returncode == 1, f"exit {p.returncode}")
    wb = openpyxl.load_workbook(os.path.join(out, "reports.xlsx"))
    check(wb.sheetnames == ["reports", "metrics"], f"sheets {wb.sheetnames}")
    ws = wb["reports"]
    check(ws.freeze_panes == "A2", f"reports header not frozen: {ws.freeze_panes}")
    head = [c.value for c in ws[1]]
    check(head[:3] == ["path", "status", "error"], f"header {head[:5]}")
    check(ws.max_row == len(texts) + 2, f"{ws.max_row} rows")
    rows = {r[0]: dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    row = rows[os.path.join(small, "annual_transport.txt")]
    check(row["organization"] == "中共××县交通运输局委员会", f"organization {row['organization']!r}")
    check(isinstance(row["metrics"], int) and row["metrics"] > 0, f"metrics {row['metrics']!r}")
    check(isinstance(row["period_from"], int), "period_from is not a number")
    check(rows[os.path.join(small, "zz_binary.txt")]["status"] == "unreadable", "the binary file's row")
    ms = wb["metrics"]
    check(ms.freeze_panes == "A2", "metrics header not frozen")
    mhead = [c.value for c in ms[1]]
    vi = mhead.index("value")
    values = [r[vi] for r in ms.iter_rows(min_row=2, values_only=True) if r[vi] is not None]
    check(values and all(isinstance(v, (int, float)) for v in values), "metric values are not numbers")
    check(any(isinstance(v, float) for v in values), "no decimal metric value")
    ti = mhead.index("text")
    check(any("党" in (r[ti] or "") for r in ms.iter_rows(min_row=2, values_only=True)), "Chinese text lost")
    # the table of reports.jsonl is the table of the texts, in every format
    jsonl = [os.path.join(out, "reports.jsonl"), os.path.join(out, "errors.jsonl")]
    inputs = texts and sorted(glob.glob(os.path.join(small, "*.txt")))
    for extra in [[], ["--metrics"], ["--format=tsv"], ["--bom"]]:
        a = run(["table"] + extra + jsonl).stdout
        b = run(["table"] + extra + inputs).stdout
        check(a == b and a, f"table {extra} from reports.jsonl differs from the texts")
    # JSON values split anywhere: pretty-printed, two on a line, and strings
    # of escaped quotes and brackets long enough that the 64 KiB reads of
    # the splitter end inside them
    odd = os.path.join(root, "odd.jsonl")
    with open(odd, "w", encoding="utf-8") as f:
        for i, rec in enumerate(json.loads(l) for l in lines(jsonl[0])):
            rec["zz_pad"] = '\\"{[' * (1000 + 37 * i) + "\n}"
            f.write(json.dumps(rec, ensure_ascii=i % 2 == 0, indent=2 if i % 3 == 0 else None))
            f.write(" " if i % 4 == 1 else "\n")
    for extra in [[], ["--metrics"]]:
        check(run(["table"] + extra + [odd, jsonl[1]]).stdout == run(["table"] + extra + jsonl).stdout,
              f"table {extra} of the same reports split differently")
    with open(odd, "a", encoding="utf-8") as f:
        f.write('{"schema_version": "1", "title": "a\\"}')
    p = run(["table", odd])
    check(p.returncode == 1 and b"the last JSON value is cut short" in p.stderr, f"a cut value: {p.returncode} {p.stderr!r}")
    # the metric columns: a count and a sum per category and normalized unit
    # of the achieved figures, every column in every row, keys sorted
    import csv as csvmod
    import io
    table = list(csvmod.reader(io.StringIO(run(["table"] + jsonl).stdout.decode())))
    head, body = table[0], {r[0]: r for r in table[1:]}
    want_cols, want = set(), {}
    for rec in (json.loads(l) for l in lines(jsonl[0])):
        sums = want.setdefault(rec["source"]["path"], {})
        for m in rec["metrics"]:
            if m["target"]:
                continue
            key = f'{m["category"] or "other"} {(m["normalized"] or {}).get("unit") or ""}'
            want_cols.add(key)
            c, x = sums.get(key, (0, 0))
            v = (m["normalized"] or {}).get("value")
            sums[key] = (c + 1, x + (v if isinstance(v, (int, float)) else 0))
    cols = [h[:-len(" count")] for h in head if h.endswith(" count")]
    check(cols == sorted(want_cols, key=lambda k: k.replace(" ", "\t", 1).encode()), f"metric columns {cols[:4]}")
    for path, sums in want.items():
        row = dict(zip(head, body[path]))
        for key in cols:
            c, x = sums.get(key, (0, 0))
            check(int(row[key + " count"]) == c and abs(float(row[key + " sum"]) - x) <= 1e-9 * max(1, abs(x)),
                  f"{path}: {key}: {row[key + ' count']}, {row[key + ' sum']} against {c}, {x}")
    csv = open(os.path.join(out, "reports.csv"), "rb").read()
    check(csv == run(["table"] + jsonl).stdout, "batch's reports.csv differs from huibao table")
    check(csv.split(b"\r\n")[0].startswith(b"path,status,"), "CSV header or CRLF")
    check(run(["table", "--bom"] + jsonl).stdout.startswith(b"\xef\xbb\xbfpath,"), "--bom")
    return out


def test_summary_merge(out):
    reports = lines(os.path.join(out, "reports.jsonl"))
    half = len(reports) // 2
    a, b = os.path.join(out, "part_a.jsonl"), os.path.join(out, "part_b.jsonl")
    with open(a, "wb") as f:
        f.write(b"".join(l + b"\n" for l in reports[:half]))
    with open(b, "wb") as f:
        f.write(b"".join(l + b"\n" for l in reports[half:]))
    sb = os.path.join(out, "part_b.summary.json")
    check(run(["summary", "--json", "--pretty", b, "-o", sb]).returncode == 0, "summary of a part")
    merged = run(["summary", "--json", "--pretty", os.path.join(out, "errors.jsonl"), sb, a]).stdout
    check(merged == open(os.path.join(out, "summary.json"), "rb").read(), "merged parts differ from the whole")
    text = run(["summary", os.path.join(out, "reports.jsonl")]).stdout.decode()
    check("报告 reports:" in text and "duplicates" in text, "text summary")


def test_outdir_replaced(root):
    """A rerun into an old OUTDIR: nothing of the old run stays beside the
    new reports, and run.json, the mark of a complete run, comes last."""
    out = os.path.join(root, "rerun")
    p = run(["batch", "--quiet", "--format", "xlsx", "corpus", "-o", out])
    check(p.returncode == 0 and os.path.isfile(os.path.join(out, "reports.xlsx")), f"xlsx run: {p.stderr[-300:]!r}")
    for name in ["reports.tsv", "metrics.tsv"]:  # as a tsv run before would have left them
        with open(os.path.join(out, name), "w") as f:
            f.write("old\n")
    p = run(["batch", "--quiet", "corpus/plan_school.txt", "-o", out])
    check(p.returncode == 0, f"rerun exit {p.returncode}: {p.stderr[-300:]!r}")
    want = {"reports.jsonl", "errors.jsonl", "summary.json", "reports.csv", "metrics.csv", "summary.html", "run.json"}
    check(set(os.listdir(out)) == want, f"after a csv rerun: {sorted(os.listdir(out))}")
    mtime = {n: os.stat(os.path.join(out, n)).st_mtime_ns for n in want}
    check(all(mtime["run.json"] >= t for t in mtime.values()), f"run.json written before the rest: {mtime}")
    check(b"plan_school" in open(os.path.join(out, "reports.csv"), "rb").read()
          and b"annual_transport" not in open(os.path.join(out, "summary.html"), "rb").read(), "old tables kept")


def test_resume_needs_same_results(root):
    """--resume reuses results only when the same huibao, rules and options
    made them; otherwise it says so and extracts again."""
    out = os.path.join(root, "options")
    check(run(["batch", "--quiet", "corpus", "-o", out]).returncode == 0, "first run")
    facts = json.load(open(os.path.join(out, "run.json")))
    check(set(facts["results"]) >= {"huibao", "rules", "profile", "top"}, f"run.json results {facts}")
    p = run(["batch", "--quiet", "--resume", "corpus", "-o", out])
    n = json.load(open(os.path.join(out, "run.json")))["resumed"]
    check(p.returncode == 0 and n == facts["files"], f"same options: resumed {n} of {facts['files']}")
    overlay = os.path.join(root, "overlay")
    os.makedirs(overlay)
    with open(os.path.join(overlay, "slogans.txt"), "w") as f:
        f.write("四个自信\tformulation\n")
    for extra in [["--top", "3"], ["--profile", "annual-report"], ["--dict-add", overlay]]:
        p = run(["batch", "--quiet", "--resume", *extra, "corpus", "-o", out])
        n = json.load(open(os.path.join(out, "run.json")))["resumed"]
        check(p.returncode == 0 and n == 0, f"{extra}: resumed {n}, exit {p.returncode}, {p.stderr[-300:]!r}")
        check(b"--resume extracts every input again" in p.stderr, f"{extra}: nothing said: {p.stderr!r}")


def test_check_and_pipes(out):
    good, bad = "corpus/annual_transport.txt", "corpus/village_noplan.txt"
    p = run(["check", good, "/nonexistent/file.txt", bad])
    check(p.returncode == 3, f"check exit {p.returncode}: a read error hid the missing part")
    p = run(["check", "--jsonl", good, bad, "/nonexistent/file.txt"])
    recs = [json.loads(l) for l in p.stdout.splitlines()]
    check([r["passed"] for r in recs] == [True, False] and recs[1]["missing"] == ["plans"], f"check --jsonl {recs}")
    check(b"checked 2, failed 1, unreadable 1" in p.stderr, f"tally {p.stderr!r}")
    p = run(["check", "corpus/plan_school.txt"])
    check(b":15:" not in p.stdout, "a usual note shown without --notes")
    p = run(["check", "--notes", "corpus/plan_school.txt"])
    check(b"corpus/plan_school.txt:15: " in p.stdout, f"--notes: {p.stdout!r}")
    sh = subprocess.run(" ".join(HUIBAO) + " extract --jsonl corpus/*.txt | head -c 10 >/dev/null",
                        shell=True, stderr=subprocess.PIPE)
    check(sh.stderr == b"", f"a closed pipe said {sh.stderr!r}")
    reports = os.path.join(out, "reports.jsonl")
    for args in [["table", reports], ["table", "--format", "tsv", reports], ["table", "--metrics", reports],
                 ["page", reports]]:
        r, w = os.pipe()
        os.close(r)  # the reader has gone before the first row, like … | head -0
        try:
            p = run(args, stdout=w)
        finally:
            os.close(w)
        check(p.returncode == 0 and p.stderr == b"", f"{args} on a closed pipe: exit {p.returncode}, {p.stderr!r}")
    p = run(["table", reports, "-o", "/dev/full"])
    check(p.returncode == 5 and b"write error" in p.stderr and b"reports.jsonl" not in p.stderr,
          f"a full disk named the input: exit {p.returncode}, {p.stderr!r}")
    for args in [["-V"], ["batch", "--help"], ["table", "--help"], ["summary", "--help"], ["check", "--help"]]:
        p = run(args)
        check(p.returncode == 0 and p.stdout, f"{args}: exit {p.returncode}")
    check(run(["extract", "--top=3", "corpus/plan_school.txt"]).returncode == 0, "--opt=value")
    check(run(["extract", "--pretty=1", "corpus/plan_school.txt"]).returncode == 2, "a flag given a value")
    check(run(["batch", "corpus"]).returncode == 2, "batch without -o")


def test_page_as_page_command(root, small):
    """batch renders each report's part of summary.html on its workers as it
    goes; the page equals `huibao page` of its reports, with the shipped
    template and with one whose per-report part asks for a page-wide name
    (which batch then renders from reports.jsonl at the end)."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    odd = os.path.join(root, "odd_template.html")
    with open("templates/summary.html", encoding="utf-8") as f:
        text = f.read()
    check("{{#reports}}" in text, "the shipped template has no reports section")
    with open(odd, "w", encoding="utf-8") as f:
        f.write(text.replace("{{#reports}}", "{{#reports}}<i>{{total}} {{version}}</i>", 1))
    for template in [[], ["--template", odd]]:
        for jobs in ["-j1", "-j2"]:
            out = os.path.join(root, "page_out")
            shutil.rmtree(out, ignore_errors=True)
            run(["batch", jobs, "--quiet"] + template + [small, "-o", out], env=env)
            page = os.path.join(root, "page.html")
            p = run(["page"] + template + [os.path.join(out, "reports.jsonl"), "--summary",
                     os.path.join(out, "summary.json"), "-o", page], env=env)
            check(p.returncode == 0, f"page exit {p.returncode}: {p.stderr[-300:]!r}")
            with open(page, "rb") as a, open(os.path.join(out, "summary.html"), "rb") as b:
                check(a.read() == b.read(), f"batch {jobs} {template}: summary.html differs from huibao page's")
            # the workers make the tables' rows apart: in order, they equal
            # those `huibao table` makes of the whole reports
            jsonl = [os.path.join(out, "reports.jsonl"), os.path.join(out, "errors.jsonl")]
            for name, extra in [("reports.csv", []), ("metrics.csv", ["--metrics"])]:
                with open(os.path.join(out, name), "rb") as f:
                    check(f.read() == run(["table"] + extra + jsonl).stdout,
                          f"batch {jobs}: {name} differs from huibao table's")


def main():
    root = tempfile.mkdtemp(prefix="huibao-batch-")
    try:
        good, bad, dups = make_inputs(root)
        first = test_batch(root, good, bad, dups)
        print(f"ok   batch -j2 over {len(good) + len(bad)} files")
        test_kill_and_resume(root, first)
        print("ok   kill -9 then --resume")
        small = test_xlsx_and_tables(root)
        print("ok   xlsx, csv, tsv: same tables from texts and reports.jsonl")
        test_outdir_replaced(root)
        print("ok   a rerun into an old OUTDIR replaces every output, run.json last")
        test_resume_needs_same_results(root)
        print("ok   --resume reuses only what the same version, rules and options made")
        test_page_as_page_command(root, small)
        print("ok   summary.html and the tables as huibao page and table make them")
        test_summary_merge(small)
        print("ok   summary merges parts into the same bytes")
        test_check_and_pipes(small)
        print("ok   check exit codes, notes, closed pipes, option habits")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
