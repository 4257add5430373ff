"""huibao for Python: the shared library libhuibao through cffi (ABI mode).

    import huibao
    report = huibao.extract("corpus/jiwei_annual.txt")     # a dict, as `huibao extract` prints
    report = huibao.extract("一、主要工作\\n开展活动3次。\\n")  # text works too
    tables = huibao.frames(["a.txt", "b.txt"])              # pandas DataFrames

The library is found through $HUIBAO_LIB, then beside this package (an
installed copy, or the build/ folder of a source tree), then the system's
library path.  The rules are the library's defaults ($HUIBAO_DICT,
$HUIBAO_LEXICON, then the installed ones); Engine(dict_dir=…) picks others.
"""
import json
import os
import re
import threading

from ._lib import ffi, lib

__all__ = ["HuibaoError", "Engine", "Summary", "extract", "extract_many", "frames", "version"]


class HuibaoError(Exception):
    """A report or the rules could not be read.  `path` names the file
    (None for text), `code` is the library's hb_status name."""

    def __init__(self, message, path=None, code=None, status=None):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.code = code
        self.message = message
        self.status = status  # the short word of errors.jsonl: io, encoding, binary …


_CODES = {getattr(lib, n): n for n in dir(lib) if n.startswith("HB_ERR_")}


def _error(err, path=None):
    where = ffi.string(err.file).decode("utf-8", "replace") or path
    line = f":{err.line}" if err.line else ""
    msg = ffi.string(err.message).decode("utf-8", "replace")
    return HuibaoError(msg, f"{where}{line}" if where else None, _CODES.get(err.code),
                       ffi.string(lib.hb_status_code(err.code)).decode())


def _take_string(s):
    """A string the library returned, decoded and freed."""
    if s == ffi.NULL:
        raise MemoryError("huibao: out of memory")
    try:
        return ffi.string(s).decode("utf-8")
    finally:
        lib.hb_free(s)


def version():
    """The version of the loaded library."""
    return ffi.string(lib.hb_version()).decode()


_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,7}")


def _is_path(source):
    """A path-like object is a path, bytes are text.  A str is a path when it
    names an existing file, or has no line break and looks like a file name
    (a folder, or an extension such as .txt), so that a missing file is an
    error rather than a one-line report; any other str is text."""
    if isinstance(source, os.PathLike):
        return True
    if isinstance(source, (bytes, bytearray)):
        return False
    if "\n" in source or "\r" in source or len(source) > 4096:
        return False
    return (os.path.exists(source) or os.sep in source or
            _EXTENSION.fullmatch(os.path.splitext(source)[1]) is not None)


class Engine:
    """Loaded rules, shared by every extraction (and by threads: the library
    releases the GIL while it works).  dict_dir and lexicon default to the
    library's defaults."""

    def __init__(self, dict_dir=None, lexicon=None, domain_off=False):
        err = ffi.new("hb_error *")
        if dict_dir is None and lexicon is None and not domain_off:
            ptr = lib.hb_engine_new(ffi.NULL, err)
        else:
            keep = []

            def cstr(s, default):
                if s is None:
                    s = default()
                b = ffi.new("char[]", os.fsencode(s))
                keep.append(b)
                return b

            def default_of(fn):
                def get():
                    p = fn()
                    try:
                        return ffi.string(p).decode()
                    finally:
                        lib.hb_free(p)
                return get

            opts = ffi.new("hb_engine_options *")
            opts.dict_dir = cstr(dict_dir, default_of(lib.hb_default_dict_dir))
            opts.lexicon_path = cstr(lexicon, default_of(lib.hb_default_lexicon))
            opts.domain_off = int(bool(domain_off))
            ptr = lib.hb_engine_new(opts, err)
        if ptr == ffi.NULL:
            raise _error(err)
        self._ptr = ffi.gc(ptr, lib.hb_engine_free)

    def _report(self, source, opts):
        err = ffi.new("hb_error *")
        xo = ffi.new("hb_extract_options *")
        keep = []

        def cstr(s):
            b = ffi.new("char[]", os.fsencode(s))
            keep.append(b)
            return b

        path = os.fspath(source) if _is_path(source) else None
        label = opts.pop("path", None)
        if label is not None:
            xo.path = cstr(label)
        for key in ("encoding", "profile"):
            if opts.get(key) is not None:
                setattr(xo, key, cstr(opts.pop(key)))
            opts.pop(key, None)
        xo.max_bytes = int(opts.pop("max_bytes", 0) or 0)
        top = opts.pop("top_terms", None)
        xo.top_terms = 0 if top is None else (-1 if top == 0 else int(top))
        if opts:
            raise TypeError(f"unknown option(s): {', '.join(sorted(opts))}")
        if path is not None:
            r = lib.hb_extract_file(self._ptr, cstr(path), xo, err)
        else:
            data = source.encode("utf-8") if isinstance(source, str) else bytes(source)
            r = lib.hb_extract(self._ptr, data, len(data), xo, err)
        if r == ffi.NULL:
            raise _error(err, path)
        return ffi.gc(r, lib.hb_report_free)

    def extract_json(self, source, **opts):
        """One report as its JSON text (one line), exactly as `huibao extract
        --jsonl` writes it; options as for extract."""
        return _take_string(lib.hb_report_json(self._report(source, dict(opts)), 0))

    def extract(self, source, **opts):
        """One report as a dict.  source: a path (str or os.PathLike) or the
        text itself (str with a line break, or bytes in any supported
        encoding).  opts: path (the label in source.path), encoding,
        profile, max_bytes, top_terms (0: none)."""
        return json.loads(self.extract_json(source, **opts))

    def extract_many(self, sources, errors="raise", **opts):
        """A list of reports, in order.  errors="raise" stops at the first
        bad input; errors="skip" leaves it out (one bad file never stops a
        batch), "collect" puts {"source": {"path": …}, "error": message}
        in its place."""
        if errors not in ("raise", "skip", "collect"):
            raise ValueError("errors must be 'raise', 'skip' or 'collect'")
        out = []
        for source in sources:
            try:
                out.append(self.extract(source, **opts))
            except HuibaoError as e:
                if errors == "raise":
                    raise
                if errors == "collect":
                    out.append({"source": {"path": e.path}, "error": str(e)})
        return out

    def frames(self, sources, errors="raise", **opts):
        """pandas DataFrames of many reports: see huibao.frames."""
        from ._frames import frames
        return frames([r for r in self.extract_many(sources, errors, **opts) if "error" not in r])


class Summary:
    """summary.json of many reports, as `huibao summary` computes it: add
    report JSON texts, error records {"path", "code", "message"} or earlier
    summaries; merging is associative and commutative."""

    def __init__(self):
        ptr = lib.hb_summary_new()
        if ptr == ffi.NULL:
            raise MemoryError("huibao: out of memory")
        self._ptr = ffi.gc(ptr, lib.hb_summary_free)

    def add(self, text):
        """Adds one JSON text (str or a dict, which is serialised)."""
        if not isinstance(text, str):
            text = json.dumps(text, ensure_ascii=False)
        data = text.encode("utf-8")
        err = ffi.new("hb_error *")
        if lib.hb_summary_add_json(self._ptr, data, len(data), err) != lib.HB_OK:
            raise _error(err)
        return self

    def merge(self, other):
        """Adds everything in another Summary."""
        if lib.hb_summary_merge(self._ptr, other._ptr) != lib.HB_OK:
            raise MemoryError("huibao: out of memory")
        return self

    def json(self, pretty=False):
        """The summary as JSON text, byte for byte what huibao writes."""
        return _take_string(lib.hb_summary_json(self._ptr, 1 if pretty else 0))


_default = None
_default_lock = threading.Lock()


def _engine():
    global _default
    with _default_lock:
        if _default is None:
            _default = Engine()
        return _default


def extract(source, **opts):
    """One report as a dict, with the default rules (Engine.extract)."""
    return _engine().extract(source, **opts)


def extract_many(sources, errors="raise", **opts):
    """Many reports as a list of dicts (Engine.extract_many)."""
    return _engine().extract_many(sources, errors, **opts)


def frames(sources, errors="raise", **opts):
    """A dict of pandas DataFrames, keyed by each report's source path:
    "reports" (one row per report), "metrics" (one per metric), "sections"
    (one per section, nested ones included, with the parent's id) and
    "lists" (one per item of achievements, problems, causes and plans)."""
    return _engine().frames(sources, errors, **opts)
