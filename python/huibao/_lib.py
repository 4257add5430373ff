"""The C declarations huibao.py uses (a subset of huibao.h) and the
library they are loaded from."""
import os

from cffi import FFI

ffi = FFI()
ffi.cdef("""
typedef enum {
    HB_OK = 0, HB_ERR_NOMEM, HB_ERR_IO, HB_ERR_ENCODING, HB_ERR_BINARY, HB_ERR_TOO_LARGE,
    HB_ERR_EMPTY, HB_ERR_DICT, HB_ERR_REGEX, HB_ERR_ARG
} hb_status;
typedef struct {
    hb_status code;
    char file[512];
    int line;
    int offset;
    char message[512];
} hb_error;
typedef struct hb_engine hb_engine;
typedef struct hb_report hb_report;
typedef struct {
    const char *dict_dir;
    const char *lexicon_path;
    int lexicon_off;
    int domain_off;
    const char *const *dict_overlays;
    size_t n_dict_overlays;
    int lexicon_required;
    int words_only;
    const void *lexicon_image;
    size_t lexicon_image_size;
    const void *rules_image;
    size_t rules_image_size;
} hb_engine_options;
typedef struct {
    const char *path;
    const char *encoding;
    const char *profile;
    size_t max_bytes;
    int top_terms;
    int until;
} hb_extract_options;
const char *hb_version(void);
hb_engine *hb_engine_new(const hb_engine_options *opts, hb_error *err);
void hb_engine_free(hb_engine *engine);
char *hb_default_dict_dir(void);
char *hb_default_lexicon(void);
hb_report *hb_extract(const hb_engine *engine, const char *buf, size_t len,
                      const hb_extract_options *opts, hb_error *err);
hb_report *hb_extract_file(const hb_engine *engine, const char *path,
                           const hb_extract_options *opts, hb_error *err);
void hb_report_free(hb_report *report);
char *hb_report_json(const hb_report *report, unsigned flags);
void hb_free(void *p);
typedef struct hb_summary hb_summary;
hb_summary *hb_summary_new(void);
void hb_summary_free(hb_summary *s);
hb_status hb_summary_add_json(hb_summary *s, const char *json, size_t len, hb_error *err);
hb_status hb_summary_merge(hb_summary *dst, const hb_summary *src);
char *hb_summary_json(const hb_summary *s, unsigned flags);
const char *hb_status_code(hb_status code);
""")

SONAME = "libhuibao.so.0"


def _candidates():
    env = os.environ.get("HUIBAO_LIB")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.join(here, SONAME)                              # a copy beside the package
    yield os.path.join(here, "..", "..", "build", SONAME)         # python/huibao in a source tree
    try:
        from . import _installed                                   # written by `make install`
        yield os.path.join(_installed.LIBDIR, SONAME)
    except ImportError:
        pass
    yield SONAME                                                   # the system's library path


def _load():
    tried = []
    for c in _candidates():
        if os.sep in c and not os.path.exists(c):
            tried.append(c)
            continue
        try:
            return ffi.dlopen(c)
        except OSError as e:
            tried.append(f"{c} ({e})")
    raise ImportError("huibao: cannot load the shared library; tried " + ", ".join(tried) +
                      " (set HUIBAO_LIB to libhuibao.so.0)")


lib = _load()
