#!/usr/bin/python3
"""Segmentation speed: huibao (build/segdump --bench) against
jieba.cut(text, HMM=False) on the same text in the same run.

    /usr/bin/python3 bench/bench_segment.py [--mb 20] [--runs 3] [--strict]

The text is corpus/*.txt and ../shared/seeds/*.txt (decoded as the oracle
does) repeated up to --mb megabytes (10^6 bytes of UTF-8).  Prints MB/s for
both, the ratio, huibao's lexicon load time and peak RSS.  Targets: ratio
>= 10, load < 20 ms; --strict exits 1 when one is missed.
"""
import argparse
import glob
import importlib.util
import logging
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, os.pardir))


def load_oracle():
    spec = importlib.util.spec_from_file_location(
        "jieba_oracle", os.path.join(ROOT, "tests", "oracle", "jieba_oracle.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def segdump_bench(args, path, jieba_mode):
    cmd = [args.segdump, "--lexicon", args.lexicon, "--bench"]
    if jieba_mode:
        cmd.append("--jieba")
    cmd.append(path)
    best = None
    for _ in range(args.runs):
        out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True).stdout.decode()
        r = dict(kv.split("=") for kv in out.split())
        r = {k: float(v) for k, v in r.items()}
        if best is None or r["mb_per_s"] > best["mb_per_s"]:
            best = r
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--segdump", default=os.path.join(ROOT, "build", "segdump"))
    ap.add_argument("--lexicon", default=os.path.join(ROOT, "build", "jieba.lex"))
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--runs", type=int, default=3, help="segdump runs (best is kept)")
    ap.add_argument("--strict", action="store_true")
    args = ap.parse_args()
    for p in (args.segdump, args.lexicon):
        if not os.path.exists(p):
            sys.exit("bench_segment: %s not found (run make)" % p)

    oracle = load_oracle()
    files = sorted(glob.glob(os.path.join(ROOT, "corpus", "*.txt")))
    files += sorted(glob.glob(os.path.join(ROOT, os.pardir, "shared", "seeds", "*.txt")))
    files += sorted(glob.glob("/work/shared/seeds/*.txt"))
    texts, seen = [], set()
    for f in files:
        real = os.path.realpath(f)
        if real in seen:
            continue
        seen.add(real)
        with open(f, "rb") as fh:
            try:
                texts.append(oracle.decode(fh.read()))
            except UnicodeDecodeError:
                pass
    if not texts:
        sys.exit("bench_segment: no input texts in corpus/ or shared/seeds/")
    unit = "\n".join(texts) + "\n"
    reps = max(1, int(args.mb * 1e6 / len(unit.encode("utf-8"))) + 1)
    text = unit * reps
    data = text.encode("utf-8")

    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as tf:
        tf.write(data)
        path = tf.name
    try:
        ours = segdump_bench(args, path, False)
        ours_j = segdump_bench(args, path, True)
    finally:
        os.unlink(path)

    import jieba
    jieba.setLogLevel(logging.WARNING)
    t0 = time.perf_counter()
    jieba.dt.check_initialized()
    jload = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = 0
    for _ in jieba.dt.cut(text, HMM=False):
        n += 1
    jsec = time.perf_counter() - t0
    mb = len(data) / 1e6
    jmbs = mb / jsec

    print("text: %.1f MB (%d files x %d), %d jieba words" % (mb, len(texts), reps, n))
    print("huibao  (HB_SEG_WHOLE): %8.1f MB/s  %.3f s  %d words" %
          (ours["mb_per_s"], ours["seconds"], ours["words"]))
    print("huibao  (jieba mode)  : %8.1f MB/s  %.3f s  %d words" %
          (ours_j["mb_per_s"], ours_j["seconds"], ours_j["words"]))
    print("jieba   (HMM=False)   : %8.2f MB/s  %.3f s" % (jmbs, jsec))
    ratio = ours["mb_per_s"] / jmbs
    print("ratio huibao/jieba    : %8.1fx   (target >= 10x)" % ratio)
    print("lexicon load          : %8.3f ms  (target < 20 ms; jieba: %.0f ms)" %
          (ours["load_ms"], jload * 1e3))
    print("peak RSS (segdump)    : %8.1f MB  (text %.1f MB included)" %
          (ours["peak_rss_kb"] / 1024, mb))
    ok = ratio >= 10 and ours["load_ms"] < 20
    print("verdict: %s" % ("targets met" if ok else "TARGET MISSED"))
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
