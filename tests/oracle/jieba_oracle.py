#!/usr/bin/python3
"""Compare huibao's word segmentation with jieba.cut(text, HMM=False).

    /usr/bin/python3 tests/oracle/jieba_oracle.py [--segdump build/segdump]
        [--lexicon build/jieba.lex] [--dict DICT_TXT] [--show N] [--fuzz N] [FILE...]

Each file is decoded (UTF-8, GB18030 or UTF-16, a BOM dropped) and given to
both sides with only the general lexicon loaded.  Two comparisons per file
(docs/SEGMENTATION.md):
  huibao  segdump's default (huibao) mode: the tokens holding a Han character
          must equal jieba's, in order; numbers and masks are left out.
  jieba   segdump --jieba: every token must equal jieba's.
--fuzz N adds N generated texts (dictionary words, their fragments, Latin,
digits, masks, punctuation, CRLF), seeded so a failure repeats.
Prints the first differences and exits 1 when any file differs, 2 on a usage
or setup error.  Run it with Debian's /usr/bin/python3, which has jieba.
"""
import argparse
import difflib
import logging
import os
import re
import subprocess
import sys

HAN = re.compile("[\u3007\u3400-\u4DBF\u4E00-\u9FFF\U00020000-\U0002FFFF]")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))


def decode(data):
    """The text of a file as huibao reads it: BOM dropped, UTF-8 first."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                     (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if len(data) % 2 == 0 and data[1::2].count(0) > len(data) // 4:
        return data.decode("utf-16-le")
    if len(data) % 2 == 0 and data[0::2].count(0) > len(data) // 4:
        return data.decode("utf-16-be")
    return data.decode("gb18030")


def escape(word):
    """segdump's escaping, so a word is one line."""
    out = []
    for ch in word:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def segdump(args, text, jieba_mode):
    cmd = [args.segdump, "--lexicon", args.lexicon]
    if jieba_mode:
        cmd.append("--jieba")
    cmd.append("-")
    r = subprocess.run(cmd, input=text.encode("utf-8"), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    if r.returncode != 0:
        sys.exit("jieba_oracle: %s failed: %s" % (" ".join(cmd), r.stderr.decode(errors="replace")))
    out = r.stdout.decode("utf-8")
    return out.split("\n")[:-1] if out else []


def cli_words(args, path):
    """The words of `huibao tokens --words --no-domain FILE` (the CLI reads and
    decodes the file itself)."""
    cmd = [args.huibao, "tokens", "--words", "--no-domain", "--lexicon", args.lexicon, path]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if r.returncode != 0:
        sys.exit("jieba_oracle: %s failed: %s" % (" ".join(cmd), r.stderr.decode(errors="replace")))
    return [ln.split("\t", 3)[3] for ln in r.stdout.decode("utf-8").split("\n") if ln]


def report(name, mode, ours, theirs, show):
    sm = difflib.SequenceMatcher(None, theirs, ours, autojunk=False)
    shown = 0
    print("%s: %s mode: MISMATCH (%d jieba tokens, %d huibao tokens)"
          % (name, mode, len(theirs), len(ours)))
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        ctx = " ".join(theirs[max(0, i1 - 3):i1])
        print("  after ...%s" % ctx)
        print("    jieba : %s" % " | ".join(theirs[i1:i2]))
        print("    huibao: %s" % " | ".join(ours[j1:j2]))
        shown += 1
        if shown >= show:
            break


def fuzz_texts(args, tk):
    """Texts built to hit the corners: overlapping words, prefixes that are
    not words, runs of Latin and digits inside blocks, characters outside
    re_han_default, CRLF and other whitespace."""
    import random
    if not args.fuzz:
        return []
    rnd = random.Random(args.seed)
    path = args.dict or os.path.join(os.path.dirname(sys.modules["jieba"].__file__), "dict.txt")
    with open(path, encoding="utf-8") as f:
        words = [ln.split(" ")[0] for ln in f if ln.strip()]
    extra = ["2023", "12.5%", "**", "***", "××", "XX", "x", "A股", "a", "Q", "3", "0", "_",
             "-", "+", "#", "&", ".", "%", "，", "。", "、", "“", "”", "（", "）", " ", "\t",
             "\r\n", "\n", "\r", "\u3000", "\u9fd6", "\u3400", "〇", "①", "１２", "％",
             "\U00020000", "é", "·"]
    out = []
    for _ in range(args.fuzz):
        parts = []
        for _ in range(rnd.randint(1, 400)):
            r = rnd.random()
            if r < 0.6:
                parts.append(rnd.choice(words))
            elif r < 0.75:
                w = rnd.choice(words)
                a = rnd.randrange(len(w))
                parts.append(w[a:rnd.randint(a + 1, len(w))])
            else:
                parts.append(rnd.choice(extra))
        out.append("".join(parts))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--segdump", default=os.path.join(ROOT, "build", "segdump"))
    ap.add_argument("--lexicon", default=os.path.join(ROOT, "build", "jieba.lex"))
    ap.add_argument("--huibao", default=os.path.join(ROOT, "build", "huibao"),
                    help="the CLI, whose `tokens --words` is compared too")
    ap.add_argument("--dict", default=None, help="dict.txt for jieba (default: its own)")
    ap.add_argument("--show", type=int, default=5, help="differences shown per file")
    ap.add_argument("--fuzz", type=int, default=0, help="generated texts to add")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    if not args.files and not args.fuzz:
        ap.error("no files (and no --fuzz)")
    for path in (args.segdump, args.lexicon):
        if not os.path.exists(path):
            sys.exit("jieba_oracle: %s not found (run make)" % path)

    import jieba
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer(args.dict) if args.dict else jieba.dt

    inputs = [(p, None) for p in args.files]
    inputs += [("fuzz#%d" % i, t) for i, t in enumerate(fuzz_texts(args, tk))]
    failed = 0
    total_words = 0
    for path, text in inputs:
        if text is None:
            with open(path, "rb") as f:
                text = decode(f.read())
        theirs = [escape(w) for w in tk.cut(text, HMM=False)]
        total_words += len(theirs)
        ok = True
        ours = segdump(args, text, True)
        if ours != theirs:
            report(path, "jieba", ours, theirs, args.show)
            ok = False
        ours_han = [w for w in segdump(args, text, False) if HAN.search(w)]
        theirs_han = [w for w in theirs if HAN.search(w)]
        if ours_han != theirs_han:
            report(path, "huibao", ours_han, theirs_han, args.show)
            ok = False
        if not path.startswith("fuzz#"):
            cli_han = [escape(w) for w in cli_words(args, path) if HAN.search(w)]
            if cli_han != theirs_han:
                report(path, "huibao tokens --words", cli_han, theirs_han, args.show)
                ok = False
        if ok:
            print("%s: ok (%d tokens, %d with Han)" % (path, len(theirs), len(theirs_han)))
        else:
            failed += 1
    print("jieba_oracle: %d of %d texts match (%d jieba tokens)"
          % (len(inputs) - failed, len(inputs), total_words))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
