#!/usr/bin/python3
"""The Dask runner (contrib/dask/huibao_dask.py) against `huibao batch`.

A LocalCluster of two worker processes talking over loopback TCP extracts
the corpus replicated to 995 files; its summary.json, reports.csv,
metrics.csv and summary.html must equal the bytes of `huibao batch -j2`'s on
the same inputs, its run.json must count the same, and its partitions must
hold every report exactly once -- also when a worker process is killed
mid-run.  A worker where the Python module does not load uses the binary."""
import collections
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "contrib", "dask"))
import huibao_dask  # noqa: E402

HUIBAO = os.path.abspath(os.environ.get("HUIBAO", os.path.join(ROOT, "build", "huibao")))
# the worker processes import the runner and the Python module over this build
os.environ["PYTHONPATH"] = os.pathsep.join([os.path.join(ROOT, "contrib", "dask"), os.path.join(ROOT, "python")]
                                           + [p for p in [os.environ.get("PYTHONPATH")] if p])
os.environ.setdefault("HUIBAO_LIB", os.path.join(os.path.dirname(HUIBAO), "libhuibao.so.0"))
# one time stamp for every summary.html, so batch's and Dask's compare byte for byte
os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
COPIES = 14
# what `huibao batch` writes that the Dask run must write the same bytes of
SAME = ["summary.json", "reports.csv", "metrics.csv", "summary.html"]


def replicate(dst):
    """The corpus, COPIES times under dst/cNN/, plus one unreadable file."""
    paths = []
    for k in range(COPIES):
        d = os.path.join(dst, "c%02d" % k)
        os.makedirs(d)
        for src in sorted(glob.glob(os.path.join(ROOT, "corpus", "*.txt"))):
            p = os.path.join(d, os.path.basename(src))
            shutil.copyfile(src, p)
            paths.append(p)
    bad = os.path.join(dst, "binary.txt")
    with open(bad, "wb") as f:
        f.write(b"\x00\x01\x02" * 100)
    paths.append(bad)
    return paths


def reports_in(outdir):
    seen = collections.Counter()
    for part in glob.glob(os.path.join(outdir, "parts", "*", "reports.jsonl")):
        with open(part, encoding="utf-8") as f:
            for line in f:
                seen[json.loads(line)["source"]["path"]] += 1
    return seen


class DaskRunner(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from distributed import Client, LocalCluster
        cls.tmp = tempfile.mkdtemp(prefix="hb-dask-")
        cls.paths = replicate(os.path.join(cls.tmp, "in"))
        assert len(cls.paths) >= 500
        listing = os.path.join(cls.tmp, "list.txt")
        with open(listing, "w", encoding="utf-8") as f:
            f.write("\n".join(cls.paths) + "\n")
        cls.batch = os.path.join(cls.tmp, "batch")
        t0 = time.monotonic()
        p = subprocess.run([HUIBAO, "batch", "--quiet", "-j", "2", "--files-from", listing, "-o", cls.batch],
                           stderr=subprocess.PIPE)
        cls.batch_seconds = time.monotonic() - t0
        assert p.returncode == 1, p.stderr  # the one unreadable file
        cls.want = {}
        for name in SAME:
            with open(os.path.join(cls.batch, name), "rb") as f:
                cls.want[name] = f.read()
        with open(os.path.join(cls.batch, "run.json"), encoding="utf-8") as f:
            cls.want_run = json.load(f)
        cls.cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None)
        cls.client = Client(cls.cluster)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def check_run(self, out):
        for name in SAME:
            with open(os.path.join(out, name), "rb") as f:
                self.assertEqual(f.read(), self.want[name], "the Dask %s differs from huibao batch's" % name)
        with open(os.path.join(out, "run.json"), encoding="utf-8") as f:
            got = json.load(f)
        self.assertEqual(sorted(got), sorted(self.want_run), "run.json keys")
        for key in ("files", "bytes", "reports", "failed", "huibao", "results"):
            self.assertEqual(got[key], self.want_run[key], "run.json " + key)
        good = [p for p in self.paths if not p.endswith("binary.txt")]
        self.assertEqual(reports_in(out), collections.Counter(good), "a report is missing or repeated")

    def same_summary_as_batch(self, use_module):
        self.assertTrue(all(a.startswith("tcp://127.0.0.1") for a in self.client.scheduler_info()["workers"]))
        out = os.path.join(self.tmp, "dask-module" if use_module else "dask-binary")
        t0 = time.monotonic()
        summary, unreadable = huibao_dask.run(self.paths, out, self.client, HUIBAO, partition_size=20,
                                              engine="module" if use_module else "binary")
        seconds = time.monotonic() - t0
        self.assertEqual(unreadable, 1)
        self.check_run(out)
        print("\n  %d files: dask (2 workers, %s) %.2f s, huibao batch -j2 %.2f s"
              % (len(self.paths), "module" if use_module else "binary", seconds, self.batch_seconds),
              file=sys.stderr)

    def test_same_summary_as_batch_module(self):
        self.assertTrue(huibao_dask.module_available())
        self.same_summary_as_batch(True)

    def test_same_summary_as_batch_binary(self):
        self.same_summary_as_batch(False)

    def test_worker_without_module_uses_binary(self):
        """A worker whose module cannot load (here: its library is missing)
        extracts with the binary under --engine auto, and refuses under
        --engine module."""
        out = os.path.join(self.tmp, "no-module")
        some = self.paths[:5] + self.paths[-1:]
        code = ("import sys, huibao_dask\n"
                "assert not huibao_dask.module_available()\n"
                "huibao_dask.extract_partition(0, sys.argv[3:], sys.argv[1], sys.argv[2], engine='auto')\n"
                "try:\n"
                "    huibao_dask.extract_partition(1, sys.argv[3:], sys.argv[1], sys.argv[2], engine='module')\n"
                "except RuntimeError as e:\n"
                "    print(e)\n")
        p = subprocess.run([sys.executable, "-c", code, out, HUIBAO] + some, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True,
                           env=dict(os.environ, HUIBAO_LIB=os.path.join(self.tmp, "no-such-lib.so")))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("does not load on this worker", p.stdout)
        self.assertEqual(reports_in(out), collections.Counter(some[:-1]))
        self.assertFalse(os.path.exists(os.path.join(out, "parts", "00001")))
        with open(os.path.join(out, "parts", "00000", "errors.jsonl"), encoding="utf-8") as f:
            self.assertEqual([json.loads(l)["path"] for l in f], some[-1:])

    def test_worker_killed_mid_run(self):
        out = os.path.join(self.tmp, "dask-kill")
        pids = list(self.client.run(os.getpid).values())
        result = {}

        def go():
            result["value"] = huibao_dask.run(self.paths, out, self.client, HUIBAO, partition_size=8,
                                              engine="module")

        t = threading.Thread(target=go)
        t.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(glob.glob(os.path.join(out, "parts", "0*"))) < 2:
            time.sleep(0.01)
        self.assertTrue(t.is_alive(), "the run ended before a worker could be killed; make it longer")
        os.kill(pids[0], signal.SIGKILL)
        t.join(300)
        self.assertFalse(t.is_alive(), "the run did not finish after a worker was killed")
        self.assertEqual(result["value"][1], 1)
        self.check_run(out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
