#!/usr/bin/python3
"""huibao on a Dask cluster: the batch, split into partitions across machines.

Each partition of input paths is extracted on a worker, either in-process
through the Python module (python/huibao, over libhuibao.so) or by the
huibao binary through a pipe (`huibao batch --files-from -`): with
--engine auto each worker checks once whether the module loads there and
uses the binary when it does not.  A partition lands in OUTDIR/parts/NNNNN/
as reports.jsonl, errors.jsonl and summary.json -- exactly what `huibao
batch` writes for those inputs.  The partition summaries are then merged
pairwise on the cluster (a tree reduction) with the same merge as `huibao
summary`, into OUTDIR/summary.json; the installed binary then writes what
`huibao batch` writes beside it from the partitions: reports.csv,
metrics.csv, summary.html and run.json.

A partition's results are written under a temporary name and renamed into
place, so a task that is run again after a worker died replaces its own
earlier result instead of adding to it: every report lands exactly once.

Usage:
    huibao_dask.py INPUT... -o OUTDIR [--scheduler tcp://HOST:8786]
                   [--workers 2] [--partition-size 50] [--files-from FILE]
                   [--engine auto|module|binary]
Without --scheduler a LocalCluster of --workers processes is started.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

# The Python module, when it can be imported on this machine (the workers
# check again for themselves).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))


def find_huibao(explicit=None):
    """The huibao binary: --huibao, $HUIBAO, the build beside this checkout, PATH."""
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in (explicit, os.environ.get("HUIBAO"), os.path.join(here, "..", "..", "build", "huibao"),
                 shutil.which("huibao")):
        if cand and os.access(cand, os.X_OK):
            return os.path.abspath(cand)
    raise SystemExit("huibao_dask: no huibao binary found (--huibao PATH or $HUIBAO)")


def collect(inputs, files_from=None, suffix=".txt"):
    """Input paths in order: files as given, folders walked recursively in
    sorted order (files ending in suffix), then the lines of files_from."""
    paths = []
    for item in inputs:
        if os.path.isdir(item):
            for root, dirs, files in os.walk(item):
                dirs.sort()
                paths.extend(os.path.join(root, f) for f in sorted(files) if f.endswith(suffix))
        else:
            paths.append(item)
    if files_from:
        with (sys.stdin if files_from == "-" else open(files_from, encoding="utf-8")) as f:
            paths.extend(line.rstrip("\r\n") for line in f if line.strip())
    return paths


def partitions(paths, size):
    return [paths[i:i + size] for i in range(0, len(paths), size)]


def _replace_dir(tmp, final):
    if os.path.isdir(final):
        shutil.rmtree(final)
    os.rename(tmp, final)


_module_here = None


def module_available():
    """True when the Python module and its shared library load in this
    process; tried once per process (a worker's tasks ask it each time)."""
    global _module_here
    if _module_here is None:
        try:
            import huibao  # noqa: F401
            _module_here = True
        except ImportError:
            _module_here = False
    return _module_here


def _env(dict_dir):
    """The environment of a huibao command: the rule folder, if one is given."""
    env = dict(os.environ)
    if dict_dir:
        env["HUIBAO_DICT"] = dict_dir
    return env


_engines = {}


def _module_partition(paths, tmp, dict_dir):
    """reports.jsonl, errors.jsonl and summary.json of one partition through
    the Python module, in the process of the worker: the same JSON lines
    and error records as `huibao batch` writes."""
    import huibao
    engine = _engines.get(dict_dir)
    if engine is None:  # one engine per worker process, loaded once
        engine = _engines[dict_dir] = huibao.Engine(dict_dir=dict_dir)
    summary = huibao.Summary()
    with open(os.path.join(tmp, "reports.jsonl"), "w", encoding="utf-8") as rep, \
            open(os.path.join(tmp, "errors.jsonl"), "w", encoding="utf-8") as err:
        for path in paths:
            try:
                line = engine.extract_json(path, path=path)
                rep.write(line + "\n")
            except huibao.HuibaoError as e:
                line = json.dumps({"path": path, "code": e.status, "message": e.message},
                                  ensure_ascii=False, separators=(",", ":"))
                err.write(line + "\n")
            summary.add(line)
    with open(os.path.join(tmp, "summary.json"), "w", encoding="utf-8") as f:
        f.write(summary.json(pretty=True))


def _binary_partition(paths, tmp, huibao, dict_dir):
    """The same through the huibao binary, fed the paths through a pipe; one
    thread, since the cluster already runs one task per worker thread."""
    proc = subprocess.run([huibao, "batch", "--quiet", "-j", "1", "--files-from", "-", "-o", tmp],
                          input="\n".join(paths) + "\n", text=True, env=_env(dict_dir),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode not in (0, 1):  # 1: some inputs failed, recorded in errors.jsonl
        raise RuntimeError("huibao batch failed: %s" % proc.stderr.strip())


def extract_partition(index, paths, outdir, huibao, dict_dir=None, engine="auto"):
    """Runs on a worker: extracts one partition into OUTDIR/parts/NNNNN and
    returns the path of its summary.json.  engine: "module" (the Python
    module, an error where it does not load), "binary", or "auto" (the
    module where it loads on this worker, else the binary)."""
    if engine == "module" and not module_available():
        raise RuntimeError("huibao_dask: the Python module does not load on this worker")
    use_module = engine != "binary" and module_available()
    parts = os.path.join(outdir, "parts")
    os.makedirs(parts, exist_ok=True)
    final = os.path.join(parts, "%05d" % index)
    tmp = tempfile.mkdtemp(prefix=".%05d-" % index, dir=parts)
    try:
        if use_module:
            _module_partition(paths, tmp, dict_dir)
        else:
            _binary_partition(paths, tmp, huibao, dict_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _replace_dir(tmp, final)
    return os.path.join(final, "summary.json")


def merge_summaries(a, b, outdir, huibao):
    """Runs on a worker: the merge of two summary files, written beside them."""
    merged = os.path.join(outdir, "reduce")
    os.makedirs(merged, exist_ok=True)
    proc = subprocess.run([huibao, "summary", "--json", "--pretty", a, b], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise RuntimeError("huibao summary failed: %s" % proc.stderr.decode("utf-8", "replace").strip())
    fd, tmp = tempfile.mkstemp(prefix=".merge-", suffix=".json", dir=merged)
    with os.fdopen(fd, "wb") as f:
        f.write(proc.stdout)
    return tmp


def tree_reduce(client, summaries, outdir, huibao):
    """Pairwise merges on the cluster until one summary future is left."""
    level = list(summaries)
    while len(level) > 1:
        nxt = [client.submit(merge_summaries, level[i], level[i + 1], outdir, huibao, pure=False)
               for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def write_beside(outdir, nparts, huibao, dict_dir, run_info):
    """What `huibao batch` writes beside summary.json, by the binary from the
    partitions: reports.csv and metrics.csv (the reports, then the
    unreadable inputs, each in input order, as batch's tables list them),
    summary.html and run.json."""
    parts = [os.path.join(outdir, "parts", "%05d" % i) for i in range(nparts)]
    reports = [os.path.join(p, "reports.jsonl") for p in parts]
    errors = [os.path.join(p, "errors.jsonl") for p in parts]
    env = _env(dict_dir)
    for name, opts in (("reports.csv", []), ("metrics.csv", ["--metrics"])):
        subprocess.run([huibao, "table", "--format", "csv", *opts, "-o", os.path.join(outdir, name)]
                       + reports + errors, check=True, env=env)
    subprocess.run([huibao, "page", "--summary", os.path.join(outdir, "summary.json"),
                    "-o", os.path.join(outdir, "summary.html")] + reports, check=True, env=env)
    with open(os.path.join(outdir, "run.json"), "w", encoding="utf-8") as f:
        json.dump(run_info, f, indent=2)
        f.write("\n")


def input_bytes(paths):
    total = 0
    for p in paths:
        try:
            total += os.path.getsize(p)
        except OSError:  # unreadable: recorded in errors.jsonl
            pass
    return total


def run(paths, outdir, client, huibao, partition_size=50, dict_dir=None, engine="auto"):
    """Extracts every path on the cluster (engine: see extract_partition);
    returns (summary dict, number of unreadable inputs)."""
    started = time.time()
    # OUTDIR's earlier parts and merges are replaced, never mixed in.
    for sub in ("parts", "reduce"):
        shutil.rmtree(os.path.join(outdir, sub), ignore_errors=True)
    os.makedirs(outdir, exist_ok=True)
    parts = partitions(paths, partition_size)
    futures = [client.submit(extract_partition, i, part, outdir, huibao, dict_dir, engine, pure=False)
               for i, part in enumerate(parts)]
    final = tree_reduce(client, futures, outdir, huibao).result() if futures else None
    summary_path = os.path.join(outdir, "summary.json")
    if final:
        os.replace(final, summary_path) if final.startswith(os.path.join(outdir, "reduce")) \
            else shutil.copyfile(final, summary_path)
    else:
        subprocess.run([huibao, "summary", "--json", "--pretty", "-o", summary_path, os.devnull], check=True)
    shutil.rmtree(os.path.join(outdir, "reduce"), ignore_errors=True)
    # temporaries of tasks whose worker died
    for tmp in glob.glob(os.path.join(outdir, "parts", ".*")):
        shutil.rmtree(tmp, ignore_errors=True)
    with open(summary_path, encoding="utf-8") as f:
        summary = json.load(f)
    version = subprocess.run([huibao, "--version"], stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    r = summary["reports"]
    # what decides the results (version, rules, options), as batch records it
    write_beside(outdir, len(parts), huibao, dict_dir, {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "milliseconds": int((time.time() - started) * 1000), "threads": sum(client.nthreads().values()),
        "files": len(paths), "bytes": input_bytes(paths), "reports": r["total"] - r["unreadable"],
        "failed": r["unreadable"],
        "resumed": 0, "huibao": version[-1], "results": results_identity(huibao, dict_dir)})
    return summary, r["unreadable"]


def results_identity(huibao, dict_dir):
    """The `results` object of batch's run.json (version, a hash of the rules
    and lexicon, the options), from the binary itself: a batch of no input."""
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "none.lst")
        open(empty, "w").close()
        out = os.path.join(tmp, "out")
        subprocess.run([huibao, "batch", "--quiet", "--files-from", empty, "-o", out], check=True, env=_env(dict_dir))
        with open(os.path.join(out, "run.json"), encoding="utf-8") as f:
            return json.load(f)["results"]


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run huibao batch extraction on a Dask cluster.")
    ap.add_argument("inputs", nargs="*", help="report files or folders")
    ap.add_argument("-o", "--output", required=True, help="output folder")
    ap.add_argument("--files-from", help="a file listing input paths, one per line (- for stdin)")
    ap.add_argument("--scheduler", help="address of a running scheduler (default: a LocalCluster)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    ap.add_argument("--partition-size", type=int, default=50, help="reports per task (default 50)")
    ap.add_argument("--huibao", help="the huibao binary on every worker (default: $HUIBAO, the build, PATH)")
    ap.add_argument("--dict", help="rule folder on every worker (default: the binary's own)")
    ap.add_argument("--engine", choices=("auto", "module", "binary"), default="auto",
                    help="extract through the Python module or the binary (auto: on each worker, the module "
                    "where it loads, else the binary)")
    args = ap.parse_args(argv)
    if args.partition_size < 1:
        ap.error("--partition-size must be at least 1")
    paths = collect(args.inputs, args.files_from)
    if not paths:
        ap.error("no input files")
    from distributed import Client, LocalCluster
    huibao = find_huibao(args.huibao)
    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    try:
        summary, failed = run(paths, args.output, client, huibao, args.partition_size, args.dict, args.engine)
    finally:
        client.close()
        if cluster:
            cluster.close()
    r = summary["reports"]
    print("huibao_dask: %d reports, %d passed, %d failed, %d unreadable -> %s"
          % (r["total"], r["passed"], r["failed"], r["unreadable"], args.output), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
