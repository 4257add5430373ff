"""Reports as pandas DataFrames: one row per report, metric, section and
list item, each with the report's source path as key."""
import pandas as pd

LISTS = ("achievements", "problems", "causes", "plans")


def _sections(path, sections, parent=None):
    for s in sections:
        yield {"path": path, "id": s["id"], "parent": parent, "level": s["level"], "marker": s["marker"],
               "number": s["number"], "title": s["title"], "kind": s["kind"], "line": s["line"],
               "start": s["span"][0], "end": s["span"][1], "items": len(s["items"])}
        yield from _sections(path, s["children"], s["id"])


def frames(reports):
    rows = {"reports": [], "metrics": [], "sections": [], "lists": []}
    for r in reports:
        path = r["source"]["path"]
        sig = r.get("signature") or {}
        req = r.get("required") or {}
        rows["reports"].append({
            "path": path, "title": r["title"], "doc_type": r["doc_type"], "organization": sig.get("organization"),
            "date": sig.get("date"), "years": r["years"], "encoding": r["source"]["encoding"],
            "sha256": r["source"]["sha256"], "chars": r["stats"]["chars"], "sections": len(r["sections"]),
            "metrics": len(r.get("metrics", [])), "slogans": len(r.get("slogans", [])),
            "documents": len(r.get("documents", [])), "profile": req.get("profile"),
            "missing": req.get("missing", []), "warnings": len(r["warnings"])})
        for m in r.get("metrics", []):
            rows["metrics"].append({
                "path": path, "value": m["value"], "value_max": m["value_max"], "masked": m["masked"],
                "approx": m["approx"], "approx_word": m.get("approx_word"), "unit": m["unit"],
                "category": m["category"], "normalized_value": m["normalized"]["value"],
                "normalized_max": m["normalized"]["value_max"], "normalized_unit": m["normalized"]["unit"],
                "subject": m["subject"], "text": m["text"], "section": m["section"], "line": m["line"],
                "start": m["span"][0], "end": m["span"][1]})
        rows["sections"].extend(_sections(path, r["sections"]))
        for kind in LISTS:
            lst = r.get(kind)
            for i, it in enumerate(lst["items"] if lst else []):
                rows["lists"].append({
                    "path": path, "list": kind, "found": lst["found"], "index": i, "marker": it["marker"],
                    "title": it["title"], "text": it["text"], "section": it["section"], "line": it["line"],
                    "start": it["span"][0], "end": it["span"][1]})
    return {name: pd.DataFrame(v, columns=_COLUMNS[name]) for name, v in rows.items()}


_COLUMNS = {
    "reports": ["path", "title", "doc_type", "organization", "date", "years", "encoding", "sha256", "chars",
                "sections", "metrics", "slogans", "documents", "profile", "missing", "warnings"],
    "metrics": ["path", "value", "value_max", "masked", "approx", "approx_word", "unit", "category",
                "normalized_value", "normalized_max", "normalized_unit", "subject", "text", "section", "line",
                "start", "end"],
    "sections": ["path", "id", "parent", "level", "marker", "number", "title", "kind", "line", "start", "end",
                 "items"],
    "lists": ["path", "list", "found", "index", "marker", "title", "text", "section", "line", "start", "end"],
}
