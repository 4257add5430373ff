#!/usr/bin/python3
"""Hostile inputs through the CLI: every case pins its outcome, either the
exact error message and exit code, or output that validates against
docs/report.schema.json and names the expected warning.  Large inputs are
generated here at run time; the small ones are also kept in tests/hostile/
as fuzz seeds (`tests/hostile.py --write-seeds` refreshes them, and the
suite fails when they drift from the definitions below).

The CLI is $HUIBAO (default build/huibao), split like a shell command, so
`make leakcheck` runs it under valgrind: there the big inputs shrink 100
times and time limits are off; under an ASan build (a path holding "asan")
time limits are four times longer.  Time limits catch quadratic behaviour:
the inputs are sized so that a linear pass takes seconds and a quadratic one
hours.

Usage: tests/hostile.py [--write-seeds] [-k SUBSTRING]"""
import glob
import json
import os
import random
import resource
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(ROOT)
HUIBAO = shlex.split(os.environ.get("HUIBAO", "build/huibao"))
os.environ.setdefault("HUIBAO_DICT", os.path.join(ROOT, "dict"))  # wherever the CLI was built
VALGRIND = any("valgrind" in a for a in HUIBAO)
SCALE = 100 if VALGRIND else 1
TIME_FACTOR = None if VALGRIND else 4 if any("asan" in a for a in HUIBAO) else 1
SEEDS = os.path.join(ROOT, "tests", "hostile")

schema = json.load(open("docs/report.schema.json", encoding="utf-8"))
validator = jsonschema.Draft202012Validator(schema)

# A made-up report (not from the seeds) that the damaged variants start from.
REPORT = """关于2024年度机关党建工作情况的报告

市直机关工委：
一、主要工作完成情况
（一）加强理论学习。全年组织集中学习12次，开展专题研讨4次，覆盖党员236名。
（二）夯实基层基础。一是规范组织生活，二是推进“四强”支部创建，新建党员活动室3个。
二、存在的问题
一是学习深度不够；二是融合还有差距。
三、下一步工作计划
继续深化《中国共产党章程》学习，推动各项工作再上新台阶。

中共某某局机关委员会
2024年12月20日
"""
U8 = REPORT.encode("utf-8")
MID = U8.index("加强理论学习".encode())  # a character boundary inside the text


def damaged(seq):
    return U8[:MID] + seq + U8[MID:]


# Small inputs: name -> bytes.  Each is used by a case below and kept in
# tests/hostile/ as a fuzz seed.
SMALL = {
    "empty.txt": b"",
    "bom_only_utf8.txt": b"\xef\xbb\xbf",
    "bom_only_utf16le.txt": b"\xff\xfe",
    "whitespace_only.txt": " \t\r\n\u3000\u3000\n\n   \r\n\f\n".encode(),
    "nul_bytes.txt": U8[:30] + b"\0" + U8[30:],
    "binary_png.bin": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "binary_controls.bin": bytes([1, 2, 3, 4, 5, 6, 7, 8, 0x0e, 0x0f, 0x1b, 0x7f, ord("a")]) * 64,
    "undecodable.txt": b"\x80" * 1000,
    "utf8_lone_continuation.txt": damaged(b"\x80"),
    "utf8_overlong_2.txt": damaged(b"\xc0\xaf"),
    "utf8_overlong_3.txt": damaged(b"\xe0\x80\xaf"),
    "utf8_overlong_4.txt": damaged(b"\xf0\x80\x80\xaf"),
    "utf8_surrogate.txt": damaged(b"\xed\xa0\x80"),
    "utf8_above_10ffff.txt": damaged(b"\xf4\x90\x80\x80"),
    "utf8_invalid_lead.txt": damaged(b"\xf5\xfe\xff"),
    "utf8_five_byte.txt": damaged(b"\xf8\x88\x80\x80\x80"),
    "utf8_truncated_mid.txt": damaged("加".encode()[:2]),
    "utf8_truncated_end.txt": U8 + "加".encode()[:2],
    "gb18030_truncated_2byte.txt": REPORT.encode("gb18030") + "党".encode("gb18030")[:1],
    "gb18030_truncated_4byte.txt": REPORT.encode("gb18030") + "\U0001F600".encode("gb18030")[:2],
    "utf16le_nobom_cjk.txt": REPORT.encode("utf-16-le"),
    "utf16be_nobom_cjk.txt": REPORT.encode("utf-16-be"),
    "utf16le_nobom_ascii.txt": ("Party building report 2024\n" * 4 + REPORT).encode("utf-16-le"),
    "unbalanced_quotes.txt": "".join("“党建”《学习》「" if i % 3 else "”》』‘" for i in range(60)).encode()
    + "\n提出“两个维护\n学习《章程\n”“》《\n".encode(),
    "nested_titles_short.txt": ("学习" + "《" * 40 + "书" + "》" * 40 + "。\n").encode(),
    "number_400_digits.txt": ("共有党员" + "9" * 400 + "人。\n").encode(),
    "stars_short.txt": ("完成投资" + "**" * 500 + "万元。\n").encode(),
    "bom_utf8_gb18030_body.txt": b"\xef\xbb\xbf" + REPORT.encode("gb18030"),
    "bom_utf16le_utf8_body.txt": b"\xff\xfe" + U8,
    "utf16le_nobom_odd.txt": REPORT.encode("utf-16-le")[:-1],
    "zero_width_number.txt": REPORT.replace("12次", "1\u200b2次").replace("236名", "2\u200d3\ufeff6名").encode(),
    "ignorable_number.txt": REPORT.replace("12次", "1\u00ad2次").replace("236名", "2\u180e3\u200e6名").encode(),
}


def sample(v, keep=500):
    """v with every list cut to its first `keep` elements: validating a
    million list items in Python takes minutes, and they share a schema."""
    if isinstance(v, list):
        return [sample(x, keep) for x in v[:keep]]
    if isinstance(v, dict):
        return {k: sample(x, keep) for k, x in v.items()}
    return v


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


class Ctx:
    def __init__(self, tmp):
        self.tmp = tmp

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def small(self, name):
        return self.write(name, SMALL[name])

    def run(self, args, limit=30, prefix=(), bare=False, **kw):
        """bare: without the HUIBAO runner (valgrind), for cases that take
        away a descriptor the runner itself needs."""
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        t0 = time.monotonic()
        p = subprocess.run(list(prefix) + (HUIBAO[-1:] if bare else HUIBAO) + args, **kw)
        p.seconds = time.monotonic() - t0
        if TIME_FACTOR is not None:
            check(p.seconds <= limit * TIME_FACTOR,
                  f"took {p.seconds:.1f}s, limit {limit * TIME_FACTOR}s (quadratic?)")
        p.errlines = [l for l in (p.stderr or b"").decode("utf-8", "replace").split("\n")
                      if not l.startswith("huibao: note:")]
        return p

    def error(self, args, code, message, prefix_only=False, **kw):
        """Exit `code` and exactly `message` on stderr (or a line starting
        with it), nothing on stdout."""
        p = self.run(args, **kw)
        check(p.returncode == code, f"exit {p.returncode}, want {code}; stderr: {p.errlines}")
        ok = any(l.startswith(message) for l in p.errlines) if prefix_only else message in p.errlines
        check(ok, f"stderr {p.errlines}, want {message!r}")
        if p.stdout is not None:
            check(p.stdout == b"", f"unexpected output: {p.stdout[:200]!r}")
        return p

    def report(self, path, warning=None, limit=30, args=(), **expect):
        """Exit 0 and one JSON report that validates against the schema,
        holds `warning` (a code) and the `expect`ed values (dotted keys)."""
        p = self.run(["extract", *args, path], limit=limit)
        check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.errlines}")
        out = json.loads(p.stdout)
        errors = sorted(validator.iter_errors(sample(out)), key=lambda e: list(e.path))
        check(not errors, "schema: " + "; ".join(f"{'/'.join(map(str, e.path))}: {e.message[:200]}"
                                                  for e in errors[:3]))
        codes = {w["code"] for w in out["warnings"]}
        if warning:
            check(warning in codes, f"no {warning!r} warning; warnings: {sorted(codes)}")
        for key, want in expect.items():  # stats__lines=1: out["stats"]["lines"] == 1
            got = out
            for k in key.split("__"):
                got = got[k]
            if callable(want):
                check(want(got), f"{key}: unexpected {str(got)[:200]}")
            else:
                check(got == want, f"{key} = {got!r}, want {want!r}")
        return out


CASES = []


def case(name):
    def add(fn):
        CASES.append((name, fn))
        return fn
    return add


# ---- inputs refused with a reason ----

@case("empty file")
def _(c):
    p = c.small("empty.txt")
    c.error(["extract", p], 1, f"huibao: {p}: empty file")


@case("only a UTF-8 byte order mark")
def _(c):
    p = c.small("bom_only_utf8.txt")
    c.error(["extract", p], 1, f"huibao: {p}: empty file (only a byte order mark)")


@case("only a UTF-16 byte order mark")
def _(c):
    p = c.small("bom_only_utf16le.txt")
    c.error(["extract", p], 1, f"huibao: {p}: empty file (only a byte order mark)")


@case("NUL byte in UTF-8 text")
def _(c):
    p = c.small("nul_bytes.txt")
    c.error(["extract", p], 1, f"huibao: {p}: not a text file (NUL byte at offset 30)")


@case("binary file with NUL bytes")
def _(c):
    p = c.small("binary_png.bin")
    c.error(["extract", p], 1, f"huibao: {p}: not a text file (NUL byte at offset 8)")


@case("binary file of control characters")
def _(c):
    p = c.small("binary_controls.bin")
    c.error(["extract", p], 1, f"huibao: {p}: not a text file (more than 5% control characters)")


@case("bytes that are text in no encoding")
def _(c):
    p = c.small("undecodable.txt")
    c.error(["extract", p], 1, f"huibao: {p}: not text in UTF-8, UTF-16 or GB18030 (1000 undecodable bytes)")


@case("a path that is a directory")
def _(c):
    c.error(["extract", c.tmp], 1, f"huibao: {c.tmp}: is a directory")


@case("a path that does not exist")
def _(c):
    p = c.path("missing.txt")
    c.error(["extract", p], 1, f"huibao: {p}: No such file or directory")


@case("a file without read permission")
def _(c):
    p = c.write("unreadable.txt", U8)
    os.chmod(p, 0)
    prefix = ()
    if os.geteuid() == 0:
        # root reads any file: run as nobody, which needs to reach the file,
        # the CLI and dict/
        setpriv = shutil.which("setpriv")
        if not setpriv:
            return "skipped: running as root and setpriv is missing"
        prefix = (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")
        os.chmod(c.tmp, 0o755)
        probe = subprocess.run(list(prefix) + HUIBAO + ["--version"], capture_output=True)
        if probe.returncode != 0:
            return f"skipped: the CLI cannot run as nobody ({probe.stderr.decode()[:100].strip()})"
    c.error(["extract", "--dict", os.path.join(ROOT, "dict"), p], 1,
            f"huibao: {p}: Permission denied", prefix=prefix)


@case("--max-bytes exceeded")
def _(c):
    p = c.write("big.txt", U8)
    c.error(["extract", "--max-bytes", "100", p], 1,
            f"huibao: {p}: larger than the limit of 100 bytes (--max-bytes)")


@case("an unknown --encoding is a usage error and stops the batch")
def _(c):
    p = c.write("r.txt", U8)
    r = c.error(["extract", "--encoding", "ebcdic", p, p], 2,
                "huibao: unknown encoding (use utf-8, gb18030, utf-16le or utf-16be)")
    check(len([l for l in r.errlines if l]) == 1, f"said more than once: {r.errlines}")


@case("an unknown --profile is a usage error and leaves no output file")
def _(c):
    p = c.write("r.txt", U8)
    out = c.path("out.json")
    c.error(["check", "--profile", "no-such-profile", "-o", out, p], 2,
            "huibao: unknown profile 'no-such-profile'", prefix_only=True)
    check(not os.path.exists(out) and not any(f.startswith("out.json") for f in os.listdir(os.path.dirname(out))),
          "an output file was left behind")


@case("a --jsonl-in record larger than --max-bytes")
def _(c):
    f = c.write("records.jsonl", json.dumps({"path": "a", "text": REPORT}, ensure_ascii=False).encode() + b"\n")
    c.error(["extract", "--jsonl-in", "--max-bytes", "100", f], 1, "huibao: a: input larger than the limit of 100 bytes")


@case("a --jsonl-in line longer than --max-bytes allows stops that file as soon as the limit is passed")
def _(c):
    lines = [json.dumps({"path": "small", "text": "一、好"}, ensure_ascii=False),
             json.dumps({"path": "huge", "text": "党" * 100000}, ensure_ascii=False),
             json.dumps({"path": "after", "text": "一、好"}, ensure_ascii=False)]
    f = c.write("records.jsonl", ("\n".join(lines) + "\n").encode())
    p = c.run(["extract", "--jsonl-in", "--max-bytes", "10", f])
    check(p.returncode == 1, f"exit {p.returncode}")
    check(f"huibao: {f}:2: record longer than 65596 bytes (--max-bytes); the rest of the file is skipped"
          in p.errlines, f"stderr {p.errlines}")
    out = [json.loads(l) for l in p.stdout.decode().splitlines()]
    check([r["source"]["path"] for r in out] == ["small"], f"reports {out!r:.200}")


@case("check gates a batch: exit 3 names the report and the missing part, exit 0 when all pass")
def _(c):
    good = c.write("good.txt", U8)
    cut = REPORT[:REPORT.index("三、下一步工作计划")] + REPORT[REPORT.index("中共某某局"):]
    bad = c.write("bad.txt", cut.encode("utf-8"))
    p = c.run(["check", good, bad])
    check(p.returncode == 3, f"exit {p.returncode}, want 3")
    out = p.stdout.decode()
    check(f"{bad}: " in out and "(plans)" in out.split(f"{bad}: ", 1)[1], f"output {out!r:.300}")
    check("(plans)" not in out.split(f"{bad}: ", 1)[0], f"the passing report is blamed: {out!r:.300}")
    p = c.run(["check", good])
    check(p.returncode == 0, f"exit {p.returncode}, want 0")

# ---- damaged or unusual encodings: output with a named warning ----

@case("only whitespace")
def _(c):
    c.report(c.small("whitespace_only.txt"), "no-content", stats__paragraphs=0, title=None)


for _name in [n for n in SMALL if n.startswith("utf8_")]:
    @case("invalid UTF-8: " + _name[5:-4].replace("_", " "))
    def _(c, name=_name):
        c.report(c.small(name), "invalid-bytes", source__encoding="utf-8",
                 title="关于2024年度机关党建工作情况的报告")


@case("truncated GB18030 (two-byte character)")
def _(c):
    c.report(c.small("gb18030_truncated_2byte.txt"), "invalid-bytes", source__encoding="gb18030")


@case("truncated GB18030 (four-byte character)")
def _(c):
    c.report(c.small("gb18030_truncated_4byte.txt"), "invalid-bytes", source__encoding="gb18030")


@case("UTF-16LE without BOM, Chinese text")
def _(c):
    c.report(c.small("utf16le_nobom_cjk.txt"), "no-bom", source__encoding="utf-16le",
             title="关于2024年度机关党建工作情况的报告")


@case("UTF-16BE without BOM, Chinese text")
def _(c):
    c.report(c.small("utf16be_nobom_cjk.txt"), "no-bom", source__encoding="utf-16be",
             title="关于2024年度机关党建工作情况的报告")


@case("UTF-16LE without BOM, English lines first")
def _(c):
    c.report(c.small("utf16le_nobom_ascii.txt"), "no-bom", source__encoding="utf-16le")


@case("unbalanced quotation and title marks everywhere")
def _(c):
    c.report(c.small("unbalanced_quotes.txt"), "unbalanced-mark")


@case("a number with 400 digits")
def _(c):
    c.report(c.small("number_400_digits.txt"), "metric-overflow")


@case("40 nested 《")
def _(c):
    c.report(c.small("nested_titles_short.txt"), "unbalanced-mark")


# ---- big and pathological inputs: valid output in bounded time ----

def big(n):
    return max(1, n // SCALE)


def peak_rss(args):
    """Exit code and peak resident memory in bytes of one run (os.wait4 gives
    that child's own rusage)."""
    p = subprocess.Popen(HUIBAO + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, usage.ru_maxrss * 1024


DENSE = {  # 1 MiB each: what costs the most memory per input byte
    "a heading on every line": "一、标题\n",
    "a list marker on every line": "1.a\n",
    "a metric every few characters": "开展活动3次，",
    "a quotation every few characters": "“两个维护”《条例》",
    "one line without a break": "党建工作" * 64,
}


@case("memory stays within the documented 200 bytes per input byte on dense inputs")
def _(c):
    if VALGRIND or TIME_FACTOR != 1:
        return "skipped: a memory checker changes the footprint"
    size = 1 << 20
    _, base = peak_rss(["extract", c.write("tiny.txt", U8)])
    worst = []
    for name, unit in DENSE.items():
        text = c.write("dense.txt", (unit * (size // len(unit.encode()) + 1)).encode()[:size])
        code, peak = peak_rss(["extract", text])
        check(code == 0, f"{name}: exit {code}")
        worst.append(((peak - base) / size, name))
    per_byte, name = max(worst)
    check(per_byte <= 200, f"{name}: {per_byte:.0f} bytes per input byte")
    return f"worst {per_byte:.0f} bytes per input byte ({name})"


@case("a single 50 MB line")
def _(c):
    p = c.write("line.txt", "党建工作".encode() * big(50 * 1024 * 1024 // 12))
    c.report(p, limit=60, args=("--max-bytes", "60000000"), stats__lines=1, stats__paragraphs=1)


@case("300,000 leftover tags on one line are cut in linear time")
def _(c):
    n = big(300000)
    p = c.write("tags.txt", "党建<b>工作".encode() * n + b"\n")
    c.report(p, limit=10, args=("--max-bytes", "60000000"), stats__lines=1)


@case("a million one-character lines")
def _(c):
    n = big(1000000)
    c.report(c.write("lines.txt", "字\n".encode() * n), stats__lines=n)


@case("100,000 一、 headings")
def _(c):
    n = big(100000)
    c.report(c.write("headings.txt", "一、加强学习\n".encode() * n), "numbering-repeat",
             sections=lambda s: len(s) == n)


@case("a heading and an item of 100,000 characters")
def _(c):
    n = max(big(100000), 300)
    c.report(c.write("long_heading.txt", ("一、" + "标" * n + "\n（一）" + "题" * 10 + "。一是" + "项" * n + "。二是好。\n").encode()),
             "long-title",
             sections=lambda s: len(s[0]["title"]) == 200 and
             [len(i["title"]) for i in s[0]["children"][0]["items"]] == [200, 1])


@case("10,000 nested 《")
def _(c):
    n = big(10000)
    c.report(c.write("nested.txt", ("学习" + "《" * n + "书" + "》" * n + "。\n").encode()), "unbalanced-mark")


@case("10,000 unclosed 《 and “")
def _(c):
    n = big(10000)
    c.report(c.write("unclosed.txt", ("《“" * n + "\n").encode()), "unbalanced-mark")


@case("** a million times")
def _(c):
    c.report(c.write("stars.txt", ("完成" + "**" * big(1000000) + "万元。\n").encode()))


@case("a million-digit number")
def _(c):
    c.report(c.write("digits.txt", ("共" + "9" * big(1000000) + "人。\n").encode()), "metric-overflow")


@case("500,000 items in one paragraph (一是…：)")
def _(c):
    c.report(c.write("items.txt", ("存在问题：" + "一是加强:" * big(500000) + "\n").encode()))


@case("50,000 一、 each with a （一）")
def _(c):
    n = big(50000)
    c.report(c.write("nested_headings.txt", "一、标题\n（一）小标题\n".encode() * n),
             sections=lambda s: len(s) == n)


@case("a 5 MB 《》 title and a 5 MB quotation")
def _(c):
    n = big(5 * 1024 * 1024 // 3)
    c.report(c.write("long_marks.txt", ("学习《" + "书" * n + "》，提出“" + "词" * n + "”。\n").encode()),
             args=("--max-bytes", "20000000"))


# ---- dictionaries ----

def dict_copy(c):
    d = c.path("dict")
    if not os.path.isdir(d):
        shutil.copytree("dict", d)
    return d


def append_line(path, line):
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")
    with open(path, encoding="utf-8") as f:
        return sum(1 for _ in f)


@case("a malformed dictionary line names file and line")
def _(c):
    d = dict_copy(c)
    f = os.path.join(d, "section_kinds.txt")
    n = append_line(f, "achievements")
    c.error(["extract", "--dict", d, c.write("r.txt", U8)], 4,
            f"huibao: {f}:{n}: expected 2 TAB-separated fields, found 1")


@case("a dictionary regex that does not compile names file, line and offset")
def _(c):
    d = dict_copy(c)
    f = os.path.join(d, "layout.txt")
    pattern = "^(分享到|扫一扫"
    n = append_line(f, "clutter\t" + pattern)
    c.error(["extract", "--dict", d, c.write("r.txt", U8)], 4,
            f"huibao: {f}:{n}: regex does not compile at offset {len(pattern.encode())}: "
            "missing closing parenthesis")


@case("a catastrophic dictionary regex stops at the match limit")
def _(c):
    d = dict_copy(c)
    append_line(os.path.join(d, "layout.txt"), "clutter\t^(a+)+$")
    p = c.write("r.txt", U8 + b"a" * 5000 + b"!\n" + ("a" * 30 + "!\n").encode() * 200)
    c.run(["extract", "--dict", d, p], limit=10)
    c.report(p, args=("--dict", d), limit=10)


@case("a missing dictionary folder")
def _(c):
    d = c.path("no-such-dict")
    c.error(["extract", "--dict", d, c.write("r.txt", U8)], 4, f"huibao: {d}/", prefix_only=True)


def replace_rule_file(c, name, make):
    """A copy of dict/ where `name` is replaced by what make(path) creates."""
    d = dict_copy(c)
    f = os.path.join(d, name)
    os.remove(f)
    make(f)
    return f


@case("a rule file that is a directory")
def _(c):
    f = replace_rule_file(c, "stopwords.txt", os.mkdir)
    c.error(["extract", "--dict", c.path("dict"), c.write("r.txt", U8)], 4,
            f"huibao: {f}: not a regular file (a directory)")


@case("a rule file that is a FIFO with no writer does not block")
def _(c):
    f = replace_rule_file(c, "units.txt", os.mkfifo)
    c.error(["extract", "--dict", c.path("dict"), c.write("r.txt", U8)], 4,
            f"huibao: {f}: not a regular file (a FIFO)", limit=5)


@case("a rule file that is a device (a link to /dev/zero)")
def _(c):
    f = replace_rule_file(c, "layout.txt", lambda f: os.symlink("/dev/zero", f))
    c.error(["extract", "--dict", c.path("dict"), c.write("r.txt", U8)], 4,
            f"huibao: {f}: not a regular file (a device)", limit=5)


@case("an empty profile would pass every report: refused")
def _(c):
    d = dict_copy(c)
    f = os.path.join(d, "profiles", "work-plan.txt")
    open(f, "w").close()
    c.error(["check", "--dict", d, c.write("r.txt", U8)], 4,
            f"huibao: {f}: requires nothing (add a line: require<TAB>KIND)")


@case("a profiles folder without a profile: refused")
def _(c):
    d = dict_copy(c)
    shutil.rmtree(os.path.join(d, "profiles"))
    os.mkdir(os.path.join(d, "profiles"))
    c.error(["check", "--dict", d, c.write("r.txt", U8)], 4,
            f"huibao: {d}/profiles: no profile (NAME.txt) in the folder")


@case("an unknown slogan category names file and line")
def _(c):
    d = dict_copy(c)
    f = os.path.join(d, "slogans.txt")
    n = append_line(f, "星火燎原工程\tcampain")
    c.error(["extract", "--dict", d, c.write("r.txt", U8)], 4,
            f'huibao: {f}:{n}: unknown category "campain" (not in slogan_categories.txt)')


@case("an overlay folder that does not exist")
def _(c):
    d = c.path("no-such-overlay")
    c.error(["extract", "--dict-add", d, c.write("r.txt", U8)], 4,
            f"huibao: {d}: overlay folder: No such file or directory")


def rule_files(folder):
    return sorted(os.path.relpath(os.path.join(r, n), folder)
                  for r, _, names in os.walk(folder) for n in names if n.endswith(".txt"))


@case("dict check: every shipped rule file OK, exit 0")
def _(c):
    d = dict_copy(c)
    p = c.run(["dict", "check", "--dict", d])
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.errlines}")
    want = [f"{d}/{name}: OK" for name in rule_files(d)]
    got = sorted(p.stdout.decode().splitlines())
    check(got == sorted(want), f"stdout {got}, want {want}")


@case("dict without the subcommand check is a usage error")
def _(c):
    c.error(["dict", "frob"], 2, "huibao: dict takes the subcommand check: frob")


@case("dict check: each fault of a broken folder and of an overlay, exit 4")
def _(c):
    d = dict_copy(c)
    kinds = os.path.join(d, "section_kinds.txt")
    n1 = append_line(kinds, "achievements")
    n2 = append_line(kinds, "plans\t下一步\textra")
    ov = c.path("overlay")
    os.makedirs(os.path.join(ov, "profiles"))
    with open(os.path.join(ov, "units.txt"), "w") as f:
        f.write("趟\tactivity\n趟\tactivity\n")
    open(os.path.join(ov, "profiles", "strict.txt"), "w").close()
    p = c.run(["dict", "check", "--dict", d, ov])
    check(p.returncode == 4, f"exit {p.returncode}; stderr: {p.errlines}")
    want = [f"{kinds}:{n1}: expected 2 TAB-separated fields, found 1",
            f"{kinds}:{n2}: expected 2 TAB-separated fields, found 3",
            f'{ov}/units.txt:2: "趟" is listed twice',
            f"{ov}/profiles/strict.txt: requires nothing (add a line: require<TAB>KIND)"]
    check(sorted(l for l in p.errlines if l) == sorted(want), f"stderr {p.errlines}, want {want}")
    out = p.stdout.decode().splitlines()
    check(f"{d}/units.txt: OK" in out and f"{kinds}: OK" not in out and f"{ov}/units.txt: OK" not in out,
          f"stdout {out}")


# An unquoted made-up formulation, a made-up measure word, a problems
# heading no shipped cue names, and a profile that also requires causes.
OVERLAY_REPORT = """关于2024年度机关党建工作情况的报告

一、主要工作完成情况
全年深入推进星火燎原工程，组织集中学习12次，开展巡河9趟。
二、几点遗憾
一是学习深度不够；二是融合还有差距。
三、下一步工作计划
继续深化理论学习。
""".encode()


def overlay_folder(c):
    ov = c.path("overlay")
    os.makedirs(os.path.join(ov, "profiles"), exist_ok=True)
    for name, text in [("slogans.txt", "星火燎原工程\tcampaign\n"), ("units.txt", "趟\tactivity\n"),
                       ("section_kinds.txt", "problems\t遗憾\n"),
                       ("profiles/annual-report.txt",
                        "match\treport\nrequire\tachievements\nrequire\tproblems\nrequire\tcauses\n")]:
        with open(os.path.join(ov, name), "w", encoding="utf-8") as f:
            f.write(text)
    return ov


@case("--dict-add: an overlay's slogan, unit, cue and profile take effect")
def _(c):
    r = c.write("r.txt", OVERLAY_REPORT)
    plain = c.report(r)
    check(not plain["slogans"], f"slogans without the overlay: {plain['slogans']}")
    check(plain["required"]["missing"] == ["problems"], f"required: {plain['required']}")
    ov = overlay_folder(c)
    out = c.report(r, args=("--dict-add", ov), slogans=lambda s: [(t["term"], t["known"], t["category"])
                                                                 for t in s] == [("星火燎原工程", True, "campaign")])
    check([m["text"] for m in out["metrics"]][-1:] == ["开展巡河9趟"], f"metrics: {out['metrics']}")
    check([m["text"] for m in plain["metrics"]][-1:] != ["开展巡河9趟"], "the unit counted without the overlay")
    check(out["required"] == {"profile": "annual-report", "missing": ["causes"], "inline_only": []},
          f"required: {out['required']}")
    p = c.run(["check", "--dict-add", ov, r])
    check(p.returncode == 3 and "  缺少: 问题原因 (causes)" in p.stdout.decode().splitlines(),
          f"exit {p.returncode}, stdout {p.stdout!r}")


@case("--dict-add: an overlay's lexicon.txt words keep whole")
def _(c):
    ov = c.path("overlay")
    os.mkdir(ov)
    with open(os.path.join(ov, "lexicon.txt"), "w", encoding="utf-8") as f:
        f.write("巡河护岸 3000 n\n")
    r = c.write("r.txt", "开展巡河护岸行动。\n".encode())

    def words(*args):
        p = c.run(["tokens", "--words", *args, r])
        check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.errlines}")
        return [l.split("\t")[3] for l in p.stdout.decode().splitlines()]
    check("巡河护岸" not in words(), "the word is whole without the overlay")
    check("巡河护岸" in words("--dict-add", ov), "the overlay's word was cut")


@case("an overlay of 100,000 user words loads in linear time, each kept whole")
def _(c):
    # random two-to-five-character words of 3,000 common Han characters: the
    # overlay's double array once searched its dense slots for every word
    rnd = random.Random(7)
    chars = [chr(0x4E00 + i) for i in range(3000)]
    words = ["".join(rnd.choice(chars) for _ in range(rnd.randint(2, 5))) for _ in range(big(100000))]
    ov = c.path("overlay")
    os.mkdir(ov)
    with open(os.path.join(ov, "lexicon.txt"), "w", encoding="utf-8") as f:
        f.writelines(f"{w} 100000 n\n" for w in words)
    picked = [words[i] for i in range(0, len(words), max(1, len(words) // 20))]
    r = c.write("r.txt", ("，".join(picked) + "。\n").encode())
    p = c.run(["tokens", "--words", "--dict-add", ov, r], limit=10)
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.errlines}")
    got = [l.split("\t")[3] for l in p.stdout.decode().splitlines()]
    check(all(w in got for w in picked), f"words cut: {[w for w in picked if w not in got][:5]}")


@case("HUIBAO_DICT_PATH layers its folders like --dict-add")
def _(c):
    r = c.write("r.txt", OVERLAY_REPORT)
    ov = overlay_folder(c)
    p = c.run(["extract", r], env={**os.environ, "HUIBAO_DICT_PATH": f":{ov}:"})
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.errlines}")
    check([t["term"] for t in json.loads(p.stdout)["slogans"]] == ["星火燎原工程"], "overlay not read")


# ---- output failures: an error, a non-zero exit, no truncated file ----

@case("standard output is /dev/full")
def _(c):
    with open("/dev/full", "wb") as full:
        c.error(["extract", c.write("r.txt", U8)], 5,
                "huibao: standard output: write error: No space left on device", stdout=full)


@case("-o /dev/full")
def _(c):
    c.error(["extract", "-o", "/dev/full", c.write("r.txt", U8)], 5,
            "huibao: /dev/full: write error: No space left on device")
    check(stat.S_ISCHR(os.stat("/dev/full").st_mode), "/dev/full was replaced")


@case("standard output is a closed pipe (… | head): ends quietly, exit 0")
def _(c):
    r, w = os.pipe()
    os.close(r)
    try:
        p = c.run(["extract", c.write("r.txt", U8)], stdout=w)
        check(p.returncode == 0, f"exit {p.returncode}, want 0")
        check(p.errlines == [""], f"stderr {p.errlines}")
    finally:
        os.close(w)


@case("-o FILE when writing fails midway leaves FILE as it was")
def _(c):
    out = c.write("out.json", b"previous content\n")
    inputs = [c.write(f"r{i}.txt", U8) for i in range(20)]

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    c.error(["extract", "--jsonl", "-o", out, *inputs], 5, f"huibao: {out}: write error: File too large",
            preexec_fn=small_files)
    check(open(out, "rb").read() == b"previous content\n", "the output file was changed")
    left = [n for n in os.listdir(c.tmp) if n.startswith("out.json.tmp")]
    check(not left, f"temporary files left: {left}")


@case("-o never follows a link planted at a temporary name")
def _(c):
    # The old temporary name was OUT.tmp.PID: plant a link there from the
    # child itself, whose pid the exec keeps.
    victim = c.write("victim.txt", b"precious\n")
    out = c.path("out.json")
    src = c.write("r.txt", U8)

    def plant():
        for name in (f"out.json.tmp.{os.getpid()}", "out.json.tmp"):
            os.symlink(victim, os.path.join(c.tmp, name))

    p = c.run(["extract", "-o", out, src], preexec_fn=plant)
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.errlines}")
    check(open(victim, "rb").read() == b"precious\n", "the file behind the planted link was overwritten")
    check(json.load(open(out, encoding="utf-8"))["title"], "no report written")


@case("-o LINK replaces the link's target and keeps the link")
def _(c):
    target = c.write("real.json", b"old\n")
    link = c.path("link.json")
    os.symlink("real.json", link)
    p = c.run(["extract", "-o", link, c.write("r.txt", U8)])
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.errlines}")
    check(os.path.islink(link), "the link became a regular file")
    check(json.load(open(target, encoding="utf-8"))["title"], "the link's target was not written")
    dangling = c.path("dangling.json")
    os.symlink("missing/nothing.json", dangling)
    c.error(["extract", "-o", dangling, c.write("r.txt", U8)], 5,
            f"huibao: {dangling}: a symbolic link to a missing file")
    check(os.path.islink(dangling), "the dangling link was replaced")


@case("-o LINK to a device writes the device and keeps the link")
def _(c):
    link = c.path("stdout-like")
    os.symlink("/dev/null", link)
    p = c.run(["extract", "-o", link, c.write("r.txt", U8)])
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.errlines}")
    check(os.path.islink(link) and stat.S_ISCHR(os.stat("/dev/null").st_mode), "link or device replaced")


@case("-o /dev/stdout on a pipe writes the pipe; -o FIFO nobody reads is an error, not a hang")
def _(c):
    p = c.run(["extract", "-o", "/dev/stdout", c.write("r.txt", U8)])
    check(p.returncode == 0 and json.loads(p.stdout)["title"], f"exit {p.returncode}; stderr: {p.errlines}")
    fifo = c.path("out.fifo")
    os.mkfifo(fifo)
    c.error(["extract", "-o", fifo, c.write("r.txt", U8)], 5, f"huibao: {fifo}: a FIFO nobody reads", timeout=60)
    check(stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced")


@case("-o file mode follows the umask")
def _(c):
    out = c.path("out.json")

    def mask():
        os.umask(0o027)

    p = c.run(["extract", "-o", out, c.write("r.txt", U8)], preexec_fn=mask)
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.errlines}")
    mode = stat.S_IMODE(os.stat(out).st_mode)
    check(mode == 0o640, f"mode {oct(mode)}, want 0o640")


@case("closed standard error never lands in the -o output")
def _(c):
    out = c.path("out.jsonl")
    bad = c.small("nul_bytes.txt")
    good = c.write("r.txt", U8)
    p = c.run(["extract", "--jsonl", "-o", out, bad, good], stderr=subprocess.DEVNULL,
              preexec_fn=lambda: os.close(2), bare=True)
    check(p.returncode == 1, f"exit {p.returncode}, want 1")
    lines = open(out, "rb").read().splitlines()
    check(len(lines) == 1 and json.loads(lines[0])["title"], f"output is not one report: {lines[:3]!r}")


@case("SIGTERM during -o removes the temporary file")
def _(c):
    out = c.write("out.jsonl", b"previous\n")
    src = c.write("big.txt", (REPORT * big(3000)).encode())
    for sig in (signal.SIGTERM, signal.SIGINT):
        p = subprocess.Popen(HUIBAO + ["extract", "--jsonl", "-o", out] + [src] * 50,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(n.startswith("out.jsonl.tmp.") for n in os.listdir(c.tmp)):
            time.sleep(0.01)
        time.sleep(0.2)
        p.send_signal(sig)
        p.wait()
        check(p.returncode == -sig, f"exit {p.returncode}, want death by {sig}")
        left = [n for n in os.listdir(c.tmp) if n.startswith("out.jsonl.tmp")]
        check(not left, f"temporary files left after {sig}: {left}")
        check(open(out, "rb").read() == b"previous\n", "the output file was changed")


@case("-o in a missing folder")
def _(c):
    out = c.path("no-such-dir/out.json")
    c.error(["extract", "-o", out, c.write("r.txt", U8)], 5, f"huibao: {out}: No such file or directory")


# ---- batches: one bad report never loses the others ----

@case("a batch with one unreadable report")
def _(c):
    good = [c.write(f"g{i}.txt", U8) for i in range(3)]
    bad = c.small("nul_bytes.txt")
    p = c.run(["extract", "--jsonl", good[0], bad, good[1], good[2]])
    check(p.returncode == 1, f"exit {p.returncode}, want 1")
    check(f"huibao: {bad}: not a text file (NUL byte at offset 30)" in p.errlines, f"stderr {p.errlines}")
    paths = [json.loads(l)["source"]["path"] for l in p.stdout.decode().split("\n")[:-1]]
    check(paths == good, f"reports {paths}")


@case("reports and messages keep their order when both streams are one (2>&1)")
def _(c):
    # the reports' JSON is held to be written several at once: a message
    # must still come after the reports of the inputs before it
    good = [c.write(f"g{i}.txt", U8) for i in range(3)]
    missing, bad = c.path("missing.txt"), c.small("nul_bytes.txt")
    p = c.run(["extract", "--jsonl", good[0], missing, good[1], bad, good[2]], stderr=subprocess.STDOUT)
    check(p.returncode == 1, f"exit {p.returncode}, want 1")
    got = [l if l.startswith("huibao: ") else json.loads(l)["source"]["path"]
           for l in p.stdout.decode().split("\n")[:-1] if not l.startswith("huibao: note:")]
    want = [good[0], f"huibao: {missing}: No such file or directory", good[1],
            f"huibao: {bad}: not a text file (NUL byte at offset 30)", good[2]]
    check(got == want, f"output {got}")


@case("--jsonl-in with one malformed record")
def _(c):
    recs = [json.dumps({"path": "a", "text": REPORT}, ensure_ascii=False), '{"path": "b", "text": ',
            json.dumps({"path": "c", "text": "\u0000"}), json.dumps({"path": "d", "text": REPORT})]
    f = c.write("records.jsonl", "\n".join(recs).encode() + b"\n")
    p = c.run(["extract", "--jsonl-in", f])
    check(p.returncode == 1, f"exit {p.returncode}, want 1")
    check(any(l.startswith(f"huibao: {f}:2: invalid record: not JSON") for l in p.errlines),
          f"stderr {p.errlines}")
    check(any(l.startswith(f"huibao: {f}:3: invalid record: not JSON: \\u0000 is not allowed")
              for l in p.errlines), f"stderr {p.errlines}")
    paths = [json.loads(l)["source"]["path"] for l in p.stdout.decode().split("\n")[:-1]]
    check(paths == ["a", "d"], f"reports {paths}")


# ---- reliability round two (issue 12) ----

LEXC = os.path.join(os.path.dirname(HUIBAO[-1]), "lexc")
LEXICON = os.environ.get("HUIBAO_LEXICON") or os.path.join(os.path.dirname(HUIBAO[-1]), "jieba.lex")


@case("--top above INT_MAX and an empty number are usage errors")
def _(c):
    p = c.write("r.txt", U8)
    c.error(["extract", "--top", "2147483648", p], 2, "huibao: number too large: --top")
    c.error(["extract", "--top", "99999999999999999999", p], 2, "huibao: number too large: --top")
    c.error(["extract", "--top", "", p], 2, "huibao: not a non-negative number: --top")
    c.error(["extract", "--max-bytes", " 5", p], 2, "huibao: not a non-negative number: --max-bytes")


@case("the default --max-bytes is 8 MiB")
def _(c):
    p = c.write("big.txt", U8 * (8 * 1024 * 1024 // len(U8) + 1))
    c.error(["extract", p], 1, f"huibao: {p}: larger than the limit of 8388608 bytes (--max-bytes)")


@case("an input FIFO without a writer is refused, not waited for; - reads a pipe")
def _(c):
    fifo = c.path("fifo.txt")
    os.mkfifo(fifo)
    c.error(["extract", fifo], 1,
            f"huibao: {fifo}: not a regular file (a FIFO); give its contents on standard input as -", timeout=60)
    c.error(["extract", "--jsonl-in", fifo], 1,
            f"huibao: {fifo}: not a regular file (a FIFO); give its contents on standard input as -", timeout=60)
    c.error(["extract", "/dev/zero"], 1,
            "huibao: /dev/zero: not a regular file (a device); give its contents on standard input as -")
    p = c.run(["extract", "-"], input=U8, timeout=60)
    check(p.returncode == 0 and json.loads(p.stdout)["title"], f"exit {p.returncode}; stderr: {p.errlines}")


@case("--jsonl-in on an endless line (/dev/zero) stops at the limit")
def _(c):
    with open("/dev/zero", "rb") as zero:
        c.error(["extract", "--jsonl-in", "--max-bytes", "1000", "-"], 1,
                "huibao: -:1: record longer than 71536 bytes (--max-bytes); the rest of the file is skipped",
                stdin=zero, timeout=60)
    with open("/dev/zero", "rb") as zero:  # the default limit: 6 × 8 MiB + 64 KiB
        c.error(["extract", "--jsonl-in", "-"], 1, "huibao: -:1: record longer than", prefix_only=True,
                stdin=zero, timeout=120)


@case("--jsonl-in skips a UTF-8 BOM and blank or whitespace-only lines (CRLF too)")
def _(c):
    recs = [json.dumps({"path": "a", "text": REPORT}, ensure_ascii=False),
            json.dumps({"path": "b", "text": REPORT}, ensure_ascii=False)]
    f = c.write("records.jsonl", b"\xef\xbb\xbf" + recs[0].encode() + b"\r\n   \r\n\t\n\r\n\n" +
                recs[1].encode() + b"\r\n \r\n")
    p = c.run(["extract", "--jsonl-in", f])
    check(p.returncode == 0 and not any(p.errlines), f"exit {p.returncode}; stderr: {p.errlines}")
    paths = [json.loads(l)["source"]["path"] for l in p.stdout.decode().splitlines()]
    check(paths == ["a", "b"], f"reports {paths}")


@case("a named --lexicon that cannot be read is exit 4; a FIFO lexicon never blocks")
def _(c):
    p = c.write("r.txt", U8)
    missing = c.path("missing.lex")
    c.error(["extract", "--lexicon", missing, p], 4, f"huibao: {missing}: cannot open: No such file or directory")
    fifo = c.path("fifo.lex")
    os.mkfifo(fifo)
    c.error(["extract", "--lexicon", fifo, p], 4, f"huibao: {fifo}: not a regular file", timeout=60)
    # found by $HUIBAO_LEXICON, not named: a note, and the report still comes
    r = c.run(["extract", p], env=dict(os.environ, HUIBAO_LEXICON=fifo), timeout=60)
    check(r.returncode == 0 and b"general lexicon not loaded" in r.stderr, f"exit {r.returncode}; {r.stderr[:300]!r}")


@case("a --dict path longer than the library takes is refused whole, never cut")
def _(c):
    d = os.path.join(ROOT, "dict") + "/." * 2100  # 4200+ bytes naming dict/ itself
    c.error(["extract", "--dict", d, c.write("r.txt", U8)], 4,
            f"huibao: {d}: dictionary folder path longer than 900 bytes")


@case("a 20,000-character user word is refused: segmentation stays linear")
def _(c):
    d = dict_copy(c)
    f = os.path.join(d, "lexicon.txt")
    n = append_line(f, "啊" * 20000)
    c.error(["extract", "--dict", d, c.write("r.txt", ("啊" * 20000 + "\n").encode())], 4,
            f"huibao: {f}:{n}: word longer than 64 characters", limit=10)
    if os.path.exists(LEXC):
        src = c.write("dict.txt", ("一 5\n" + "啊" * 65 + " 3\n").encode())
        r = subprocess.run([LEXC, src, c.path("long.lex")], capture_output=True)
        check(r.returncode == 5 and r.stderr.decode() == f"lexc: {src}:2: word longer than 64 characters\n",
              f"lexc: exit {r.returncode}, {r.stderr!r}")


def lexicon_header(data):
    """The fields of a compiled lexicon's header (src/lexicon.c, struct lex_header)."""
    import struct
    names = ("nnodes nsupp ntags nlogv total nwords off_nodes off_vtag off_charmap "
             "off_supp off_tags file_size").split()
    return dict(zip(names, struct.unpack_from("=4I q 7Q", data, 16)))


@case("a crafted lexicon whose root loops on itself is refused, never quadratic")
def _(c):
    import struct
    if not os.path.exists(LEXC):
        return "skipped: no lexc"
    src = c.write("dict.txt", "啊 5\n好 3\n".encode())
    lex = c.path("loop.lex")
    subprocess.run([LEXC, src, lex], check=True)
    data = bytearray(open(lex, "rb").read())
    h = lexicon_header(data)
    cid = struct.unpack_from("=H", data, h["off_charmap"] + 2 * ord("啊"))[0]
    struct.pack_into("=i", data, h["off_nodes"], -cid)  # base[0] + id(啊) == 0: the root's own slot
    with open(lex, "wb") as f:
        f.write(data)
    text = c.write("a.txt", ("啊" * big(200000) + "\n").encode())
    c.error(["extract", "--lexicon", lex, text], 4,
            f"huibao: {lex}: damaged lexicon (its root is not a root); rebuild it with lexc", limit=10)
    r = c.run(["extract", text], env=dict(os.environ, HUIBAO_LEXICON=lex), limit=10)
    check(r.returncode == 0 and b"damaged lexicon" in r.stderr, f"exit {r.returncode}; {r.stderr[:300]!r}")


RULES = os.path.join(os.path.dirname(HUIBAO[-1]), "huibao.rules")


def rewrite_while_running(c, original, name, option, env_name, in_place):
    """Runs 20 reports with a copy of a compiled file and, once the first
    report is out, replaces the copy by rename or truncates and rewrites it
    in place: the run already started must finish whole."""
    if not os.path.exists(original):
        return f"skipped: no {original}"
    copy = c.path(name)
    shutil.copy(original, copy)
    src = c.write("big.txt", (REPORT * big(300)).encode())
    args = HUIBAO + ["extract", "--jsonl"] + (option + [copy] if option else []) + [src] * 20
    env = dict(os.environ, **({env_name: copy} if env_name else {}))
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = p.stdout.readline()  # the engine is loaded, the file with it
    if in_place:
        with open(copy, "r+b") as f:
            f.truncate(0)
            f.write(b"\0" * 4096)
    else:
        with open(copy + ".new", "wb") as f:
            f.write(b"\0" * 4096)
        os.replace(copy + ".new", copy)
    out, err = p.communicate(timeout=300)
    check(p.returncode == 0, f"exit {p.returncode}; {err[:300]!r}")
    check(len((first + out).splitlines()) == 20, "reports lost")


for _how, _in_place in (("replaced by rename (as lexc does)", False), ("truncated and rewritten in place", True)):
    @case(f"the lexicon {_how} while huibao runs: no crash")
    def _(c, in_place=_in_place):
        return rewrite_while_running(c, LEXICON, "copy.lex", ["--lexicon"], None, in_place)

    @case(f"the compiled rules {_how} while huibao runs: no crash")
    def _(c, in_place=_in_place):
        return rewrite_while_running(c, RULES, "copy.rules", None, "HUIBAO_RULES", in_place)




@case("huibao's built-in lexicon and rules give what the files they were made from give, and need no file")
def _(c):
    image = os.path.join(os.path.dirname(RULES), "huibao.image")
    if not (os.path.exists(LEXICON) and os.path.exists(image) and os.path.getsize(image)):
        return "skipped: built without the lexicon"
    alone = c.path("huibao")  # the program without the compiled files beside it
    shutil.copy(HUIBAO[-1], alone)
    reports = sorted(glob.glob(os.path.join(ROOT, "corpus", "*.txt")))
    env = {k: v for k, v in os.environ.items() if k not in ("HUIBAO_LEXICON", "HUIBAO_RULES")}
    files = dict(env, HUIBAO_LEXICON=LEXICON, HUIBAO_RULES=RULES)
    for args in (["extract", "--jsonl"], ["tokens", "--words"]):
        want = c.run(args + reports, env=files, limit=120)
        got = subprocess.run(HUIBAO[:-1] + [alone] + args + reports, env=env, capture_output=True)
        check(want.returncode == 0 and got.returncode == 0, f"exit {want.returncode}, {got.returncode}")
        check(got.stderr == b"", f"stderr {got.stderr[:300]!r}")  # no "general lexicon not loaded" note
        check(got.stdout == want.stdout, f"{args[0]}: the built-in files give other output")


@case("a damaged or crafted compiled rules file is refused naming it, never trusted")
def _(c):
    if not os.path.exists(RULES):
        return "skipped: no compiled rules"
    import struct
    text = c.write("r.txt", REPORT.encode())
    junk = c.write("junk.rules", b"HBRULES\x1a" + b"\xff" * 100)
    c.error(["extract", text], 4,
            f"huibao: {junk}: not a compiled rules file of this huibao (version 5); rebuild it with rulec (make)",
            env=dict(os.environ, HUIBAO_RULES=junk))
    data = bytearray(open(RULES, "rb").read())
    count, = struct.unpack_from("=I", data, 16)
    automata = 0
    for i in range(count):  # every automaton's output links pointing past its states
        off, size = struct.unpack_from("=QQ", data, 32 + 48 * i + 32)
        nstates, ncls = struct.unpack_from("=II", data, off)
        width, sparse = struct.unpack_from("=II", data, off + 20)  # bytes per link, 2 or 4; no table
        # after the 288-byte head: value (int32 per state), then a table or
        # edge starts (uint32 per state and one), first, out
        first = off + 288 + 4 * nstates + (4 * (nstates + 1) if sparse else width * nstates * ncls)
        if width not in (2, 4) or sparse > 1 or first + width * (nstates + 1) > off + size:
            continue  # not an automaton: the memo, a serialized regex
        struct.pack_into("=H" if width == 2 else "=I", data, first + width * nstates, (1 << 8 * width) - 1)
        automata += 1
    check(automata >= 2, f"{automata} automata damaged")
    bad = c.write("bad.rules", bytes(data))
    c.error(["extract", text], 4, f"huibao: {bad}: damaged compiled rules; rebuild them with rulec (make)",
            env=dict(os.environ, HUIBAO_RULES=bad))
    # the serialized regexes (their key's tail: pattern length, options with
    # bit 32) each with one byte changed: their checks fail, so they are
    # refused, not decoded (those of the layout and quote rules, filed again
    # with their stage's rules, are read only once their file is edited)
    data = bytearray(open(RULES, "rb").read())
    regexes = [struct.unpack_from("=QQ", data, 32 + 48 * i + 32) for i in range(count)
               if data[32 + 48 * i + 28:32 + 48 * i + 32] == b"\x01\0\0\0"]
    check(len(regexes) > 30, f"{len(regexes)} regexes in {RULES}")
    for off, size in regexes:
        data[off + size // 2] ^= 0x10
    bad = c.write("bad_regex.rules", bytes(data))
    c.error(["extract", text], 4, f"huibao: {bad}: damaged compiled rules; rebuild them with rulec (make)",
            env=dict(os.environ, HUIBAO_RULES=bad))


@case("an edited dict/lexicon.txt or slogans.txt is honoured though huibao.rules holds the words' overlay")
def _(c):
    if not os.path.exists(RULES):
        return "skipped: no compiled rules"
    import shutil
    text = c.write("t.txt", "我们落实杏花春雨工程和梨花细雨行动。\n".encode())
    for name, line in (("lexicon.txt", "梨花细雨行动 50 n\n"), ("slogans.txt", "梨花细雨行动\tcampaign\n")):
        d = c.path("dict_" + name)
        shutil.copytree(os.environ["HUIBAO_DICT"], d)
        with open(os.path.join(d, name), "a", encoding="utf-8") as f:
            f.write(line)
        p = c.run(["tokens", "--words", text], env=dict(os.environ, HUIBAO_DICT=d))
        check(p.returncode == 0, f"exit {p.returncode}; {p.errlines}")
        check("\t梨花细雨行动\n" in p.stdout.decode(), f"{name}: {p.stdout.decode()!r}")
    # the overlay's blob (its key ends in lexovl; a 24-byte head, 40-byte records) with a record
    # before its parent
    import struct
    data = bytearray(open(RULES, "rb").read())
    count, = struct.unpack_from("=I", data, 16)
    blobs = [struct.unpack_from("=QQ", data, 32 + 48 * i + 32) for i in range(count)
             if data[32 + 48 * i + 24:32 + 48 * i + 32] == b"lexovl\0\0"]
    check(len(blobs) == 1, f"{len(blobs)} overlays in {RULES}")
    off, size = blobs[0]
    struct.pack_into("=I", data, off + 24 + 40 * 2, 2)
    bad = c.write("bad_overlay.rules", bytes(data))
    c.error(["extract", text], 4, f"huibao: {bad}: damaged compiled rules; rebuild them with rulec (make)",
            env=dict(os.environ, HUIBAO_RULES=bad))


@case("an edited word list (stopwords.txt) is honoured though huibao.rules holds its compiled list")
def _(c):
    if not os.path.exists(RULES):
        return "skipped: no compiled rules"
    import shutil
    text = c.write("t.txt", "我们开展调研工作。调研调研调研，调研成效明显。\n".encode())
    d = c.path("dict")
    shutil.copytree(os.environ["HUIBAO_DICT"], d)
    for edited in (False, True):
        if edited:
            with open(os.path.join(d, "stopwords.txt"), "a", encoding="utf-8") as f:
                f.write("调研\n")
        p = c.run(["extract", text], env=dict(os.environ, HUIBAO_DICT=d))
        check(p.returncode == 0, f"exit {p.returncode}; {p.errlines}")
        terms = [t["term"] for t in json.loads(p.stdout)["terms"]]
        check(("调研" in terms) != edited, f"edited {edited}: terms {terms}")
    # each compiled list (its key ends in dictfil) with an index slot past its entries
    import struct
    data = bytearray(open(RULES, "rb").read())
    count, = struct.unpack_from("=I", data, 16)
    lists = [struct.unpack_from("=QQ", data, 32 + 48 * i + 32) for i in range(count)
             if data[32 + 48 * i + 24:32 + 48 * i + 32] == b"dictfil\0"]
    check(len(lists) >= 10, f"{len(lists)} compiled lists in {RULES}")
    damaged = 0
    for off, size in lists:  # the first list: a 192-byte head (entries, slots, ...), 32-byte entries
        n, nslots = struct.unpack_from("=QQ", data, off)
        if 0 < nslots <= size and 192 + 32 * n + 16 * nslots <= size:  # not the slogans' entries
            struct.pack_into("=I", data, off + 192 + 32 * n + 8, n + 1)
            damaged += 1
    check(damaged >= 10, f"{damaged} lists damaged")
    bad = c.write("bad_lists.rules", bytes(data))
    c.error(["extract", text], 4, f"huibao: {bad}: damaged compiled rules; rebuild them with rulec (make)",
            env=dict(os.environ, HUIBAO_RULES=bad))


@case("a slogan of a --dict-add overlay is found though huibao.rules was compiled without it")
def _(c):
    d = c.path("overlay")
    os.mkdir(d)
    with open(os.path.join(d, "slogans.txt"), "w", encoding="utf-8") as f:
        f.write("杏花春雨工程\tcampaign\n")
    text = c.write("r.txt", ("关于2024年工作情况的报告\n我们深入实施杏花春雨工程，成效明显。\n" + REPORT).encode())
    p = c.run(["extract", "--dict-add", d, text])
    check(p.returncode == 0, f"exit {p.returncode}; {p.errlines}")
    terms = {s["term"]: s for s in json.loads(p.stdout)["slogans"]}
    check(terms.get("杏花春雨工程", {}).get("known") is True, f"slogans {sorted(terms)}")


for _name, _mark in (("zero_width_number.txt", "\u200b"), ("ignorable_number.txt", "\u00ad")):
    @case(f"invisible characters inside a number are folded away: 1{ascii(_mark)[1:-1]}2次 is 12")
    def _(c, name=_name, mark=_mark):
        out = c.report(c.small(name))
        values = [(m["value"], m["unit"]) for m in out["metrics"]]
        check((12, "次") in values and (236, "名") in values, f"metrics {values}")
        raw = SMALL[name]
        m = next(m for m in out["metrics"] if m["unit"] == "次")
        check(raw[m["span"][0]:m["span"][1]].decode().endswith(f"1{mark}2次"), f"span {m['span']}")


for _name, _bom, _body in [("bom_utf8_gb18030_body.txt", "UTF-8", "gb18030"),
                           ("bom_utf16le_utf8_body.txt", "UTF-16LE", "utf-8")]:
    @case(f"a {_bom} BOM on a {_body} body is decoded by the body, with a warning")
    def _(c, name=_name, body=_body):
        c.report(c.small(name), "bom-mismatch", source__encoding=body, title="关于2024年度机关党建工作情况的报告")


@case("UTF-16LE without BOM and of odd length is decoded, its cut byte named")
def _(c):
    out = c.report(c.small("utf16le_nobom_odd.txt"), "no-bom", source__encoding="utf-16le",
                   title="关于2024年度机关党建工作情况的报告")
    check(any(w["code"] == "invalid-bytes" and w["message"].startswith("1 undecodable")
              for w in out["warnings"]), f"warnings {out['warnings']}")


@case("a file name that is not UTF-8 keeps its report, the name escaped with U+FFFD")
def _(c):
    name = os.fsdecode(os.path.join(os.fsencode(c.tmp), "报告".encode("gbk") + b".txt"))
    with open(name, "wb") as f:
        f.write(U8)
    c.report(name, source__path=c.tmp + "/\ufffd\ufffd\ufffd\ufffd.txt",
             title="关于2024年度机关党建工作情况的报告")


def write_seeds():
    os.makedirs(SEEDS, exist_ok=True)
    for name, data in SMALL.items():
        with open(os.path.join(SEEDS, name), "wb") as f:
            f.write(data)


def seeds_drift():
    drift = []
    for name, data in SMALL.items():
        p = os.path.join(SEEDS, name)
        if not os.path.exists(p) or open(p, "rb").read() != data:
            drift.append(name)
    return drift


def main():
    args = sys.argv[1:]
    if "--write-seeds" in args:
        write_seeds()
        return 0
    only = args[args.index("-k") + 1] if "-k" in args else None
    failed = passed = 0
    drift = seeds_drift()
    if drift:
        print(f"FAIL tests/hostile/ differs from tests/hostile.py for {drift}: run tests/hostile.py --write-seeds")
        failed += 1
    for name, fn in CASES:
        if only and only not in name:
            continue
        tmp = tempfile.mkdtemp(prefix="hb-hostile-")
        t0 = time.monotonic()
        try:
            note = fn(Ctx(tmp))
            print(f"ok   {name} ({time.monotonic() - t0:.1f}s){': ' + note if note else ''}")
            passed += 1
        except Failure as e:
            print(f"FAIL {name}: {e}")
            failed += 1
        except Exception as e:  # a crash of the suite itself is a failure too
            print(f"FAIL {name}: {type(e).__name__}: {e}")
            failed += 1
        finally:
            os.chmod(tmp, 0o700)
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"hostile: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
