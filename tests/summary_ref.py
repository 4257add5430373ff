#!/usr/bin/python3
"""Reference summary.json (SUMMARY_SPEC.md, summary_version 1) from JSON Lines.

Usage: summary_ref.py FILE.jsonl... > summary.json

Each line is a report, an error record {"path", "code", "message"} (an
unreadable input) or a summary (merged).  Written from the spec alone, to make
fixtures for the page tests and to cross-check the C implementation
(hb_summary) when it lands: same input, same bytes.
"""
import json
import sys
from collections import Counter, defaultdict
from decimal import Decimal



def organization(rep):
    # reports written before the field existed fall back to the signature's
    if "organization" in rep:
        return rep["organization"] or ""
    sig = rep.get("signature") or {}
    return sig.get("organization") or ""


def number(text):
    """Exact decimal from the JSON text of a number."""
    return Decimal(text)


def shortest(d):
    """The shortest JSON number that reads back as `d`."""
    if d == d.to_integral_value():
        return int(d)
    f = float(d)
    return f


class Summary:
    def __init__(self):
        self.total = self.passed = self.failed = self.unreadable_n = 0
        self.by_doc_type = Counter()
        self.by_profile = Counter()
        self.orgs = defaultdict(lambda: [0, 0])
        self.missing = Counter()
        self.inline_only = Counter()
        self.unreadable = []
        self.files = defaultdict(list)
        self.metrics = defaultdict(lambda: [0, 0, Decimal(0), 0, 0])
        self.slogans = defaultdict(lambda: [0, 0])
        self.documents = defaultdict(lambda: [0, 0])
        self.warnings = Counter()

    def add_report(self, rep):
        self.total += 1
        req = rep.get("required") or {}
        ok = not req.get("missing")
        self.passed += ok
        self.failed += not ok
        self.by_doc_type[rep.get("doc_type") or "unknown"] += 1
        self.by_profile[req.get("profile") or ""] += 1
        org = self.orgs[organization(rep)]
        org[0] += 1
        org[1] += not ok
        for k in req.get("missing") or []:
            self.missing[k] += 1
        for k in req.get("inline_only") or []:
            self.inline_only[k] += 1
        src = rep["source"]
        self.files[src["sha256"]].append(src.get("path") or "")
        for m in rep.get("metrics") or []:
            row = self.metrics[(m.get("category") or "", m.get("unit") or "", bool(m.get("target")))]
            row[0] += 1
            if m.get("value") is not None:
                row[1] += 1
                row[2] += m["value"]
            row[3] += bool(m.get("masked"))
            row[4] += bool(m.get("approx"))
        for table, items, key in ((self.slogans, rep.get("slogans"), "term"),
                                  (self.documents, rep.get("documents"), "title")):
            seen = set()
            for it in items or []:
                row = table[it[key]]
                row[1] += it.get("count", 1)
                if it[key] not in seen:
                    seen.add(it[key])
                    row[0] += 1
        for w in rep.get("warnings") or []:
            self.warnings[w["code"]] += 1

    def add_error(self, rec):
        self.total += 1
        self.unreadable_n += 1
        self.unreadable.append({"path": rec["path"], "code": rec["code"], "message": rec["message"]})

    def add_summary(self, s):
        r = s["reports"]
        self.total += r["total"]
        self.passed += r["passed"]
        self.failed += r["failed"]
        self.unreadable_n += r["unreadable"]
        self.by_doc_type.update(s["by_doc_type"])
        self.by_profile.update(s["by_profile"])
        for o in s["by_organization"]:
            row = self.orgs[o["organization"]]
            row[0] += o["reports"]
            row[1] += o["failed"]
        self.missing.update(s["missing"])
        self.inline_only.update(s["inline_only"])
        self.unreadable.extend(s["unreadable"])
        for f in s["files"]:
            self.files[f["sha256"]].extend(f["paths"])
        for m in s["metrics"]:
            row = self.metrics[(m["category"], m["unit"], m["target"])]
            for i, k in enumerate(("count", "known", "sum", "masked", "approx")):
                row[i] += m[k]
        for table, items, key in ((self.slogans, s["slogans"], "term"), (self.documents, s["documents"], "title")):
            for it in items:
                table[it[key]][0] += it["reports"]
                table[it[key]][1] += it["count"]
        self.warnings.update(s["warnings"])

    def add(self, obj):
        if "summary_version" in obj:
            self.add_summary(obj)
        elif "source" in obj:
            self.add_report(obj)
        else:
            self.add_error(obj)

    def json(self):
        files = [{"sha256": h, "paths": sorted(p)} for h, p in sorted(self.files.items())]
        ranked = lambda table, key: [{key: k, "reports": v[0], "count": v[1]}
                                     for k, v in sorted(table.items(), key=lambda kv: (-kv[1][0], kv[0]))]
        return {
            "summary_version": "1",
            "reports": {"total": self.total, "passed": self.passed, "failed": self.failed,
                        "unreadable": self.unreadable_n},
            "by_doc_type": dict(sorted(self.by_doc_type.items())),
            "by_profile": dict(sorted(self.by_profile.items())),
            "by_organization": [{"organization": k, "reports": v[0], "failed": v[1]}
                                for k, v in sorted(self.orgs.items())],
            "missing": dict(sorted(self.missing.items())),
            "inline_only": dict(sorted(self.inline_only.items())),
            "unreadable": sorted(self.unreadable, key=lambda e: (e["path"], e["message"])),
            "files": files,
            "duplicates": [f for f in files if len(f["paths"]) >= 2],
            "metrics": [{"category": c, "unit": u, "target": t, "count": v[0], "known": v[1],
                         "sum": shortest(v[2]), "masked": v[3], "approx": v[4]}
                        for (c, u, t), v in sorted(self.metrics.items())],
            "slogans": ranked(self.slogans, "term"),
            "documents": ranked(self.documents, "title"),
            "warnings": dict(sorted(self.warnings.items())),
        }


def main(paths):
    s = Summary()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        obj = json.loads(line, parse_float=number, parse_int=number)
                    except ValueError as e:
                        sys.exit(f"summary_ref.py: {path}:{n}: {e}")
                    s.add(ints(obj))
    json.dump(s.json(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def ints(obj):
    """Integral Decimals back to int, except metric values (kept exact)."""
    if isinstance(obj, dict):
        return {k: (v if k in ("value", "sum") else ints(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [ints(v) for v in obj]
    if isinstance(obj, Decimal) and obj == obj.to_integral_value():
        return int(obj)
    return obj


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
