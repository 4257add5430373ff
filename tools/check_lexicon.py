#!/usr/bin/python3
"""Check huibao's domain lexicon (dict/lexicon.txt) against jieba.

Checks that every line is "word freq tag", that no word is listed twice, and
that with the lexicon loaded jieba cuts every word whole (with and without
HMM). Also reports how many words jieba's own dict.txt lacks or splits.

    /usr/bin/python3 tools/check_lexicon.py [LEXICON] [--context] [-v]

--context also cuts each word inside a few report-like sentences and lists
the words that do not come out whole there (informative, never an error:
a longer lexicon word may legitimately absorb a shorter one).
Exit status: 0 when every check passes, 1 otherwise.
"""
import argparse
import io
import logging
import os
import re
import sys

import jieba

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, os.pardir, "dict", "lexicon.txt")
LINE = re.compile(r"^(\S+) ([1-9][0-9]*) ([a-z]+)$")
FRAMES = ["深入推进{}工作", "把{}作为重点", "扎实开展{}。", "{}取得新成效", "加强{}，"]


def read_lexicon(path):
    """Return ([(word, freq, tag)], [error]) for a lexicon file."""
    entries, errors, seen = [], [], {}
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n").lstrip("\ufeff")
            if not line.strip() or line.startswith("#"):
                continue
            m = LINE.match(line)
            if not m:
                errors.append("%d: bad line %r (want 'word freq tag')" % (n, line))
                continue
            word = m.group(1)
            if word in seen:
                errors.append("%d: %s already on line %d" % (n, word, seen[word]))
                continue
            seen[word] = n
            entries.append((word, int(m.group(2)), m.group(3)))
    return entries, errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lexicon", nargs="?", default=DEFAULT)
    ap.add_argument("--context", action="store_true", help="also test inside sentences")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every word's class")
    args = ap.parse_args()

    entries, errors = read_lexicon(args.lexicon)
    for e in errors:
        print("format:", e)

    jieba.setLogLevel(logging.ERROR)
    jieba.initialize()
    # Classify against jieba's own dictionary before loading the lexicon.
    base = jieba.dt.FREQ
    lacks = splits = whole = 0
    for word, _, _ in entries:
        if base.get(word):
            if jieba.lcut(word, HMM=False) == [word]:
                whole += 1
                kind = "in dict.txt"
            else:
                splits += 1
                kind = "split by dict.txt"
        else:
            lacks += 1
            kind = "not in dict.txt"
        if args.verbose:
            print("%s\t%s" % (word, kind))

    # jieba's load_userdict has no comment syntax: feed it the parsed lines.
    jieba.load_userdict(io.StringIO("\n".join("%s %d %s" % e for e in entries)))

    bad = []
    for word, freq, _ in entries:
        for hmm in (False, True):
            cut = jieba.lcut(word, HMM=hmm)
            if cut != [word]:
                bad.append((word, freq, hmm, cut))
                break
    for word, freq, hmm, cut in bad:
        print("split: %s (freq %d, HMM=%s) -> %s" % (word, freq, hmm, " / ".join(cut)))

    if args.context:
        weak = []
        for word, _, _ in entries:
            cuts = [jieba.lcut(fr.format(word)) for fr in FRAMES]
            miss = [c for c in cuts if word not in c]
            if miss:
                weak.append((word, miss[0]))
        for word, cut in weak:
            print("context: %s -> %s" % (word, " / ".join(cut)))
        print("context: %d of %d words not whole in some sentence" % (len(weak), len(entries)))

    print("%d words: %d not in jieba's dict.txt, %d split by it, %d already whole there"
          % (len(entries), lacks, splits, whole))
    print("%d format errors, %d words not cut whole" % (len(errors), len(bad)))
    ok = not errors and not bad
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
