/* huibao — structured extraction from Chinese work reports.
 *
 * One engine (dictionaries, compiled regexes, lexicon) is loaded once and is
 * immutable afterwards: any number of threads may call hb_extract() on it at
 * the same time.  Each call returns a report that owns everything it
 * allocated; hb_report_free() releases it in one call.  The library never
 * prints and never exits: every failure is a status code plus a message.
 *
 * Ownership:
 *  - A report holds a reference to its engine, so the engine may be freed
 *    before its reports: it goes away when the last of them is freed.
 *  - Functions taking a `const hb_report *` never write into the report:
 *    any number of threads may read and print one report at the same time.
 *  - A `const char *` a report accessor returns is owned by the report (or
 *    by its engine, which the report keeps alive) and valid until
 *    hb_report_free(); a `char *` return is new and the caller frees it
 *    with hb_free().
 *
 * Link with `pkg-config --cflags --libs huibao` (shared libhuibao.so, or
 * `--static` for libhuibao.a).  Only hb_ symbols are exported.
 */
#ifndef HUIBAO_H
#define HUIBAO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HB_VERSION "0.1.0"
#define HB_SCHEMA_VERSION "1"

/* Marks what the shared library exports; everything else is hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define HB_API __attribute__((visibility("default")))
#else
#define HB_API
#endif

/* The library's version, HB_VERSION of the build that made it (which may
 * differ from the header a program was compiled with).  Static string. */
HB_API const char *hb_version(void);

typedef enum {
    HB_OK = 0,
    HB_ERR_NOMEM,      /* allocation failed */
    HB_ERR_IO,         /* a file could not be read or written */
    HB_ERR_ENCODING,   /* the bytes are not text in any supported encoding */
    HB_ERR_BINARY,     /* the input looks like a binary file */
    HB_ERR_TOO_LARGE,  /* the input exceeds the configured maximum size */
    HB_ERR_EMPTY,      /* the input holds no text at all */
    HB_ERR_DICT,       /* a dictionary file is malformed */
    HB_ERR_REGEX,      /* a dictionary regex does not compile */
    HB_ERR_ARG         /* an argument is invalid (unknown profile, encoding…) */
} hb_status;

/* Where and why something failed.  `file`, `line` and `offset` are set when
 * the failure is in a dictionary file (line is 1-based, offset is the byte
 * offset of a regex error inside its pattern); hb_extract_file() sets `file`
 * to the input's path; otherwise they are empty / 0.  `message` never
 * repeats `file`. */
typedef struct {
    hb_status code;
    char file[512];
    int line;
    int offset;
    char message[512];
} hb_error;

/* A short English description of a status code; never NULL. */
HB_API const char *hb_strerror(hb_status code);

typedef struct hb_engine hb_engine;
typedef struct hb_report hb_report;

typedef struct {
    const char *dict_dir;      /* folder with slogans.txt, units.txt, …; NULL: hb_default_dict_dir() */
    const char *lexicon_path;  /* compiled general lexicon (jieba.lex); NULL: none */
    int lexicon_off;           /* 1: segment with dict/ words only (oracle tests) */
    int domain_off;            /* 1: leave dict/lexicon.txt and slogans out of the
                                  segmenter: the jieba compatibility mode */
    /* Folders layered over dict_dir, in order (--dict-add, HUIBAO_DICT_PATH):
     * each rule file is read from dict_dir, then from every overlay that
     * holds it; see dict/README.md for what a repeated entry means. */
    const char *const *dict_overlays;
    size_t n_dict_overlays;
    int lexicon_required;      /* 1: a lexicon_path that cannot be loaded is an
                                  error, not a note (a lexicon the user named) */
    int words_only;            /* 1: load only what HB_UNTIL_TEXT and
                                  hb_report_tokens(r, HB_TOKENS_WORDS) need (the
                                  lexicon with dict/lexicon.txt and the slogan
                                  words): a faster start; hb_extract with any
                                  other `until` then fails with HB_ERR_ARG, and
                                  hb_extract_options.profile is not checked */
    /* A compiled lexicon image (rulec's IMAGE) and rules file built into
     * the program (the huibao command carries its own), used in place: the
     * lexicon where lexicon_path is NULL and lexicon_off 0, the rules where
     * $HUIBAO_RULES is not set (no huibao.rules is then looked for).  Each
     * starts on an 8-byte boundary (else it is refused) and must outlive
     * the engine; neither is written nor freed (the lexicon is copied first
     * when given words other than those its image was marked for, or when
     * the rules are another's, $HUIBAO_RULES's).  The rules image is
     * trusted as the program's code is: its automata and serialized
     * regexes are taken without the checks a rules file's get (sizes
     * aside), so it must be rulec's output, unaltered.  Size 0: none. */
    const void *lexicon_image;
    size_t lexicon_image_size;
    const void *rules_image;
    size_t rules_image_size;
} hb_engine_options;

/* Longest dict_dir accepted: a longer one is refused (HB_ERR_ARG), never cut. */
#define HB_DICT_DIR_MAX 900

/* Loads the dictionaries.  opts NULL: the default rules and lexicon, as the
 * huibao command finds them (hb_default_dict_dir, hb_default_lexicon).
 * Returns a new engine, or NULL with *err filled.  The caller releases it
 * with hb_engine_free(). */
HB_API hb_engine *hb_engine_new(const hb_engine_options *opts, hb_error *err);
/* Releases the caller's engine; accepts NULL.  Reports made from it keep it
 * alive until they are freed, but no other thread may be inside a call
 * that takes this engine (hb_extract) when it is released. */
HB_API void hb_engine_free(hb_engine *engine);

/* Called by hb_dict_check once per fault (fault set, fault->file naming
 * the rule file) and once per rule file read (fault NULL). */
typedef void (*hb_dict_report_fn)(void *ctx, const char *file, const hb_error *fault);

/* Reads every rule file as hb_engine_new() would, without stopping at the
 * first fault.  Returns the number of faults (0: the rules load), or -1 when
 * out of memory. */
HB_API int hb_dict_check(const hb_engine_options *opts, hb_dict_report_fn fn, void *ctx);

/* Non-fatal notes about the engine itself (e.g. "general lexicon not
 * found"), one per line; NULL when there are none.  Owned by the engine. */
HB_API const char *hb_engine_notes(const hb_engine *engine);

/* Where the default rules are: $HUIBAO_DICT when set and not empty; else
 * dict/ of the source tree when the library (or the program it is linked
 * into) runs from its build folder; else share/huibao/dict beside the
 * folder holding the library or program (a moved installation); else the
 * compiled-in HB_DATADIR/dict.  A new string the caller frees with
 * hb_free(); NULL when out of memory. */
HB_API char *hb_default_dict_dir(void);
/* The default compiled general lexicon, found the same way: $HUIBAO_LEXICON,
 * jieba.lex in the build folder, share/huibao/jieba.lex beside it, then
 * HB_DATADIR/jieba.lex.  The file may not exist: the engine then runs on its
 * own dictionaries and says so in hb_engine_notes().  Freed with hb_free(). */
HB_API char *hb_default_lexicon(void);

typedef struct {
    const char *path;       /* shown in source.path; may be NULL */
    const char *encoding;   /* force: "utf-8", "gb18030", "utf-16le", "utf-16be"; NULL: detect */
    const char *profile;    /* required-section profile; NULL: from doc_type */
    size_t max_bytes;       /* 0: HB_DEFAULT_MAX_BYTES */
    int top_terms;          /* number of `terms`; 0: 20; negative: none */
    int until;              /* HB_UNTIL_ALL (0): every stage; see below */
} hb_extract_options;

/* Segmentation-only paths: hb_extract stops early and returns a report that
 * serves hb_report_tokens alone (it is owned and freed like any report;
 * hb_report_json and hb_report_verdict on it describe an empty document). */
enum {
    HB_UNTIL_ALL = 0,
    HB_UNTIL_TOKENS = 1,  /* up to the token stream: hb_report_tokens(r, 0) */
    HB_UNTIL_TEXT = 2     /* decoding only: hb_report_tokens(r, HB_TOKENS_WORDS) */
};

/* Memory grows by up to ~200 bytes per input byte on dense inputs (a line
 * per heading) and ~6 on ordinary reports: 8 MiB, far above any real
 * report, keeps one report within ~1.6 GB. */
#define HB_DEFAULT_MAX_BYTES ((size_t)8 << 20)

/* Reads one report from `len` bytes at `buf` (any supported encoding);
 * buf is not kept.  Returns a new report, or NULL with *err filled.  The
 * caller frees it with hb_report_free(). */
HB_API hb_report *hb_extract(const hb_engine *engine, const char *buf, size_t len,
                             const hb_extract_options *opts, hb_error *err);
/* As hb_extract, but the report takes buf (from malloc; freed by the
 * library, on failure too): valid UTF-8 becomes the report's text without a
 * copy, and any other input is freed once decoded, so a large input costs
 * one copy of itself less. */
HB_API hb_report *hb_extract_owned(const hb_engine *engine, char *buf, size_t len,
                                   const hb_extract_options *opts, hb_error *err);
/* hb_extract_owned() on n inputs: reports[i] and errs[i] are what
 * hb_extract_owned(engine, bufs[i], lens[i], &opts[i], &errs[i]) gives, and
 * one input's failure never touches another.  The stages run over a group
 * of inputs before the next stage starts, which keeps each stage's rules in
 * the processor's caches: a batch of small reports runs faster, for the
 * memory of the group's reports at once (a few inputs of ~5 KB to 64 KB
 * suit it; a large one is better alone).  opts and errs may be NULL. */
HB_API void hb_extract_owned_n(const hb_engine *engine, size_t n, char *const bufs[], const size_t lens[],
                               const hb_extract_options opts[], hb_report *reports[], hb_error errs[]);
/* Reads the regular file at `path` (opts->max_bytes bounds it) and extracts
 * it; source.path is opts->path, else `path`.  On failure returns NULL with
 * err->file = path and err->message the reason ("No such file or
 * directory", "not a regular file", "larger than the limit of N bytes", or
 * any hb_extract() error). */
HB_API hb_report *hb_extract_file(const hb_engine *engine, const char *path,
                                  const hb_extract_options *opts, hb_error *err);
/* Frees a report (and releases its engine); accepts NULL. */
HB_API void hb_report_free(hb_report *report);

enum {
    HB_JSON_PRETTY = 1u << 0,  /* indented output; default is one line */
    HB_JSON_LINE = 1u << 1,    /* a line end after the JSON */
    HB_SUMMARY_NO_FILES = 1u << 2  /* hb_summary_json: "files" left empty (the
                                      duplicates stay), for a page over many files */
};

/* The report as JSON (docs/OUTPUT.md, schema docs/report.schema.json,
 * installed in share/huibao/), NUL-terminated.  Returns a new string the
 * caller frees with hb_free(), or NULL when out of memory. */
HB_API char *hb_report_json(const hb_report *report, unsigned flags);

/* Receives output in pieces: s[0..n), not NUL-terminated.  Returns 0 when
 * it failed (then no more pieces come). */
typedef int (*hb_write_fn)(void *ctx, const char *s, size_t n);

/* The same JSON handed to write as it is made, in pieces of about a
 * megabyte, so that a large report's JSON is never held whole; a report
 * shorter than that (with its line end) arrives in one call.  Returns
 * HB_OK, HB_ERR_NOMEM, or HB_ERR_IO when write failed; after a failure the
 * pieces already given stay written. */
HB_API hb_status hb_report_write(const hb_report *report, unsigned flags, hb_write_fn write, void *ctx);

enum {
    HB_TOKENS_WORDS = 1u << 0   /* split Han runs into dictionary words */
};

/* The typed token stream, one token a line: "type<TAB>start<TAB>end<TAB>text"
 * with byte offsets into the decoded text.  Returns a new string the caller
 * frees with hb_free(), or NULL when out of memory. */
HB_API char *hb_report_tokens(const hb_report *report, unsigned flags);

/* The same lines handed to write as they are made, in pieces of about
 * 64 KiB (the last one shorter), so that a large text's words are never held
 * whole.  Returns HB_OK, HB_ERR_ARG, HB_ERR_NOMEM, or HB_ERR_IO when write
 * failed (no more pieces come after it). */
HB_API hb_status hb_report_tokens_write(const hb_report *report, unsigned flags, hb_write_fn write,
                                        void *ctx);

/* A short human-readable verdict on the required sections: one line per
 * finding.  *passed is set to 1 when nothing required is missing.  Returns a
 * new string the caller frees with hb_free(). */
HB_API char *hb_report_verdict(const hb_report *report, int *passed);

/* Typed read access, without parsing the JSON.  Strings are owned by the
 * report (valid until hb_report_free) and are NULL where the JSON has null. */

/* source.path (NULL when none was given), source.sha256 (64 hex digits). */
HB_API const char *hb_report_path(const hb_report *report);
HB_API const char *hb_report_sha256(const hb_report *report);
/* title; doc_type ("unknown" when not recognised); the signature's
 * organization. */
HB_API const char *hb_report_title(const hb_report *report);
HB_API const char *hb_report_doc_type(const hb_report *report);
HB_API const char *hb_report_organization(const hb_report *report);
/* period.text as written (2023年上半年, 2021—2023年), NULL when the JSON
 * has null; *from and *to (either may be NULL) get period.from and
 * period.to, 0 when there is no period. */
HB_API const char *hb_report_period(const hb_report *report, int *from, int *to);

/* One entry of `metrics`, copied out by hb_report_metric(). */
typedef struct {
    double value, value_max;   /* as written; NAN where the JSON has null */
    int masked, approx;        /* 0 or 1 */
    const char *approx_word;   /* 余, 约, 以上 …; NULL when not approx */
    const char *unit;          /* as folded, scale included: 万人, 次, % */
    const char *category;      /* NULL: none */
    const char *section;       /* id of the section holding it, NULL: none */
    int line;                  /* 1-based input line */
    size_t start, end;         /* span: byte offsets into the decoded text */
} hb_metric_info;

HB_API size_t hb_report_metric_count(const hb_report *report);
/* Fills *out with metric i (0-based, in document order); its strings are
 * owned by the report.  Returns 0 when i is out of range. */
HB_API int hb_report_metric(const hb_report *report, size_t i, hb_metric_info *out);
/* The metric's subject (what it counts) as written, NUL-terminated, into
 * buf of cap bytes (truncated at a character boundary when it does not
 * fit).  Returns the subject's full length in bytes (0: none, or i out of
 * range), like snprintf; buf may be NULL when cap is 0. */
HB_API size_t hb_report_metric_subject(const hb_report *report, size_t i, char *buf, size_t cap);

/* One entry of `sections`, copied out by hb_report_section().  The
 * sections are numbered in document order, which is the order of a walk of
 * the tree (a section, then its children); parent links them into it. */
typedef struct {
    const char *id;            /* "2.1.3" */
    const char *marker;        /* as written: 一、 （二） 3. */
    int level;                 /* GB/T 9704 level: 一、=1 （一）=2 1.=3 （1）=4 */
    int number;                /* the number the marker says */
    const char *kind;          /* achievements, problems, causes, plans, other */
    int parent;                /* index of the enclosing section, -1 at the top */
    int line;                  /* 1-based line of the heading */
} hb_section_info;

HB_API size_t hb_report_section_count(const hb_report *report);
/* Fills *out with section i (0-based); its strings are owned by the report
 * (kind: a static string).  Returns 0 when i is out of range. */
HB_API int hb_report_section(const hb_report *report, size_t i, hb_section_info *out);
/* The section's title as written, into buf as hb_report_metric_subject()
 * does (0: the heading has no title, or i out of range). */
HB_API size_t hb_report_section_title(const hb_report *report, size_t i, char *buf, size_t cap);

/* required.missing: the lists the report's profile requires and it lacks,
 * by name ("achievements", "problems", "causes", "plans"; static strings). */
HB_API size_t hb_report_missing_count(const hb_report *report);
/* Name of missing part i, NULL when i is out of range. */
HB_API const char *hb_report_missing(const hb_report *report, size_t i);

/* Reads one JSON Lines input record, {"path": "...", "text": "..."}, where
 * text is the report itself (path is optional).  On success *path (NULL when
 * absent) and *text are new NUL-terminated strings the caller frees with
 * hb_free(), *text_len is the length of the text.  Returns HB_ERR_ARG with
 * err->message set for a malformed record. */
HB_API hb_status hb_record_parse(const char *line, size_t len, char **path, char **text, size_t *text_len,
                                 hb_error *err);

/* A summary of many reports (summary.json, described in docs/huibao.1 and
 * the README): counts by type, organisation, missing
 * part, warning; metric counts and exact sums by (category, unit as written,
 * target); slogans and documents by the number of reports citing them;
 * unreadable inputs; every file's sha256 and duplicates.  Its JSON depends
 * only on what was added (keys and lists sorted), and adding is associative
 * and commutative: the summary of a union is the merge of the summaries of
 * its parts.  Not thread-safe: one summary per thread, merged at the end. */
typedef struct hb_summary hb_summary;

/* A new, empty summary (NULL when out of memory); free with hb_summary_free(). */
HB_API hb_summary *hb_summary_new(void);
HB_API void hb_summary_free(hb_summary *s);

/* Adds one JSON text: a report (hb_report_json), an error record
 * {"path", "code", "message"} for an input that could not be read, or a
 * summary (hb_summary_json).  HB_ERR_ARG with err->message for anything
 * else; err may be NULL. */
HB_API hb_status hb_summary_add_json(hb_summary *s, const char *json, size_t len, hb_error *err);
/* Adds a report, the same as adding its JSON, read from the report's own
 * fields: no JSON is written or parsed.  The report is not written to
 * (threads may add one report to their own summaries at once). */
HB_API hb_status hb_summary_add_report(hb_summary *s, const hb_report *r);
/* Adds everything in src to dst (src unchanged; dst != src). */
HB_API hb_status hb_summary_merge(hb_summary *dst, const hb_summary *src);
/* The summary as JSON (HB_JSON_PRETTY: indented), NUL-terminated; the
 * caller frees it with hb_free().  NULL when out of memory. */
HB_API char *hb_summary_json(const hb_summary *s, unsigned flags);

/* The short stable word for a status in error records: io, encoding,
 * binary, too-large, empty, nomem, arg, dict, regex ("ok" for HB_OK). */
HB_API const char *hb_status_code(hb_status code);

/* The shortest text that reads back as exactly x with strtod ("6.8", not
 * "6.7999999999999998"), ".0" added when it would read as an integer, as
 * every real of the JSON output is written.  Returns its length; cap >= 32. */
HB_API size_t hb_json_shortest(double x, char *out, size_t cap);

/* The SHA-256 of len bytes as 64 lowercase hex digits and a NUL, as in a
 * report's source.sha256 (computed on the bytes as read, before decoding). */
HB_API void hb_sha256_hex(const void *data, size_t len, char hex[65]);

/* Releases a string returned by this library; accepts NULL. */
HB_API void hb_free(void *p);

/* A pool: memory handed out in pieces and released all at once, for a
 * caller's short-lived trees.  `huibao batch` gives one to jansson
 * (json_set_alloc_funcs) while it parses a report it drops once its rows
 * are made, as cmark lends its arena.  Not thread-safe: one pool per
 * thread. */
typedef struct hb_pool hb_pool;
/* A new, empty pool; NULL when out of memory. */
HB_API hb_pool *hb_pool_new(void);
/* size bytes aligned for any type, not cleared; NULL when out of memory.
 * A piece lives until hb_pool_free() of its pool. */
HB_API void *hb_pool_alloc(hb_pool *pool, size_t size);
/* Releases the pool and every piece it gave; accepts NULL. */
HB_API void hb_pool_free(hb_pool *pool);

#ifdef __cplusplus
}
#endif
#endif
