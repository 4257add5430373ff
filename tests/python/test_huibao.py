"""The Python module over the shared library (make python)."""
import glob
import json
import os
import subprocess
import threading
import unittest

import huibao

REPORT = "corpus/jiwei_annual.txt"
CORPUS = sorted(glob.glob("corpus/*.txt"))
HUIBAO = os.environ.get("HUIBAO", "build/huibao")


def cli_json(path):
    return json.loads(subprocess.run([HUIBAO, "extract", path], check=True, capture_output=True).stdout)


class Extract(unittest.TestCase):
    def test_file_equals_cli(self):
        self.assertEqual(huibao.extract(REPORT), cli_json(REPORT))

    def test_text(self):
        text = "关于2024年度工作情况的报告\n一、主要工作\n全年开展专题培训12次，覆盖干部800余人次。\n二、存在问题\n一是学习不深入。\n"
        r = huibao.extract(text)
        self.assertIsNone(r["source"]["path"])
        self.assertEqual([s["title"] for s in r["sections"]], ["主要工作", "存在问题"])
        self.assertEqual([(m["value"], m["unit"]) for m in r["metrics"]], [(12, "次"), (800, "人次")])
        labelled = huibao.extract(text.encode("gb18030"), path="memo.txt")
        self.assertEqual(labelled["source"]["path"], "memo.txt")
        self.assertEqual(labelled["source"]["encoding"], "gb18030")
        self.assertEqual(labelled["metrics"], r["metrics"])

    def test_one_line_text(self):
        r = huibao.extract("全年开展活动3.5万次")
        self.assertIsNone(r["source"]["path"])
        self.assertEqual([(m["value"], m["unit"]) for m in r["metrics"]], [(3.5, "万次")])

    def test_options(self):
        self.assertEqual(huibao.extract(REPORT, top_terms=0)["terms"], [])
        self.assertEqual(len(huibao.extract(REPORT, top_terms=3)["terms"]), 3)
        with self.assertRaises(TypeError):
            huibao.extract(REPORT, colour="red")

    def test_missing_file_names_it(self):
        with self.assertRaises(huibao.HuibaoError) as cm:
            huibao.extract("corpus/no_such_report.txt")
        self.assertIn("corpus/no_such_report.txt", str(cm.exception))
        self.assertIn("No such file", str(cm.exception))
        self.assertEqual(cm.exception.code, "HB_ERR_IO")

    def test_bad_inputs(self):
        with self.assertRaises(huibao.HuibaoError) as cm:
            huibao.extract("corpus")
        self.assertIn("is a directory", str(cm.exception))
        with self.assertRaises(huibao.HuibaoError) as cm:
            huibao.extract(REPORT, max_bytes=100)
        self.assertIn("larger than the limit of 100 bytes", str(cm.exception))
        with self.assertRaises(huibao.HuibaoError) as cm:
            huibao.extract(b"\x00\x01\x02binary\x00" * 50)
        self.assertEqual(cm.exception.code, "HB_ERR_BINARY")
        with self.assertRaises(huibao.HuibaoError):
            huibao.Engine(dict_dir="no/such/dict")

    def test_many(self):
        paths = [CORPUS[0], "corpus/no_such_report.txt", CORPUS[1]]
        with self.assertRaises(huibao.HuibaoError):
            huibao.extract_many(paths)
        kept = huibao.extract_many(paths, errors="skip")
        self.assertEqual([r["source"]["path"] for r in kept], [CORPUS[0], CORPUS[1]])
        collected = huibao.extract_many(paths, errors="collect")
        self.assertIn("No such file", collected[1]["error"])
        self.assertEqual(collected[2], kept[1])

    def test_threads_share_the_engine(self):
        expected = {p: huibao.extract(p) for p in CORPUS[:6]}
        bad = []

        def work():
            for p in CORPUS[:6]:
                if huibao.extract(p) != expected[p]:
                    bad.append(p)
        threads = [threading.Thread(target=work) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(bad, [])

    def test_version(self):
        self.assertRegex(huibao.version(), r"^\d+\.\d+\.\d+")


def walk_sections(sections):
    for s in sections:
        yield s
        yield from walk_sections(s["children"])


class Frames(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reports = [cli_json(p) for p in CORPUS]
        cls.frames = huibao.frames(CORPUS)

    def test_row_counts_equal_json(self):
        f = self.frames
        self.assertEqual(sorted(f), ["lists", "metrics", "reports", "sections"])
        self.assertEqual(len(f["reports"]), len(CORPUS))
        self.assertEqual(len(f["metrics"]), sum(len(r["metrics"]) for r in self.reports))
        self.assertEqual(len(f["sections"]), sum(len(list(walk_sections(r["sections"]))) for r in self.reports))
        self.assertEqual(len(f["lists"]),
                         sum(len(r[k]["items"]) for r in self.reports
                             for k in ("achievements", "problems", "causes", "plans")))

    def test_keyed_by_path(self):
        f = self.frames
        for r in self.reports:
            p = r["source"]["path"]
            row = f["reports"][f["reports"]["path"] == p].iloc[0]
            self.assertEqual(row["doc_type"], r["doc_type"])
            self.assertEqual(row["metrics"], len(r["metrics"]))
            self.assertEqual(len(f["metrics"][f["metrics"]["path"] == p]), len(r["metrics"]))
            self.assertEqual(list(f["metrics"][f["metrics"]["path"] == p]["unit"]), [m["unit"] for m in r["metrics"]])
            ids = [s["id"] for s in walk_sections(r["sections"])]
            self.assertEqual(list(f["sections"][f["sections"]["path"] == p]["id"]), ids)

    def test_sections_know_parents(self):
        s = self.frames["sections"]
        nested = s[s["parent"].notna()]
        self.assertGreater(len(nested), 0)
        for _, row in nested.iterrows():
            self.assertTrue(row["id"].startswith(row["parent"] + "."))


if __name__ == "__main__":
    unittest.main()


class Summaries(unittest.TestCase):
    def test_extract_json_is_the_cli_line(self):
        out = subprocess.run([HUIBAO, "extract", "--jsonl", CORPUS[2]], capture_output=True, text=True)
        self.assertEqual(huibao.Engine().extract_json(CORPUS[2], path=CORPUS[2]), out.stdout.rstrip("\n"))

    def test_summary_equals_cli_and_merges(self):
        lines = [huibao.Engine().extract_json(p, path=p) for p in CORPUS]
        whole = huibao.Summary()
        for line in lines:
            whole.add(line)
        whole.add({"path": "gone.txt", "code": "io", "message": "No such file or directory"})
        left, right = huibao.Summary(), huibao.Summary()
        for i, line in enumerate(lines):
            (left if i % 3 else right).add(line)
        right.add({"path": "gone.txt", "code": "io", "message": "No such file or directory"})
        self.assertEqual(left.merge(right).json(), whole.json())
        data = json.loads(whole.json(pretty=True))
        self.assertEqual(data["reports"]["total"], len(CORPUS) + 1)
        self.assertEqual(data["reports"]["unreadable"], 1)
        with self.assertRaises(huibao.HuibaoError):
            huibao.Summary().add('{"not": "a report"}')

    def test_error_status_word(self):
        with self.assertRaises(huibao.HuibaoError) as cm:
            huibao.extract("corpus/no_such_report.txt")
        self.assertEqual(cm.exception.status, "io")
