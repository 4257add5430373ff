/* huibao — structured extraction from Chinese work reports.
 *
 * One engine (dictionaries, compiled regexes, lexicon) is loaded once and is
 * immutable afterwards: any number of threads may call hb_extract() on it at
 * the same time.  Each call returns a report that owns everything it
 * allocated; hb_report_free() releases it in one call.  The library never
 * prints and never exits: every failure is a status code plus a message.
 */
#ifndef HUIBAO_H
#define HUIBAO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HB_VERSION "0.1.0"
#define HB_SCHEMA_VERSION "1"

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
 * offset of a regex error inside its pattern); otherwise they are empty / 0. */
typedef struct {
    hb_status code;
    char file[512];
    int line;
    int offset;
    char message[512];
} hb_error;

/* A short English description of a status code; never NULL. */
const char *hb_strerror(hb_status code);

typedef struct hb_engine hb_engine;
typedef struct hb_report hb_report;

typedef struct {
    const char *dict_dir;      /* folder with slogans.txt, units.txt, …; required */
    const char *lexicon_path;  /* compiled general lexicon (jieba.lex); NULL: none */
    int lexicon_off;           /* 1: segment with dict/ words only (oracle tests) */
    int domain_off;            /* 1: leave dict/lexicon.txt and slogans out of the
                                  segmenter: the jieba compatibility mode */
} hb_engine_options;

/* Loads the dictionaries.  Returns a new engine, or NULL with *err filled.
 * The caller frees it with hb_engine_free(). */
hb_engine *hb_engine_new(const hb_engine_options *opts, hb_error *err);
void hb_engine_free(hb_engine *engine);

/* Non-fatal notes about the engine itself (e.g. "general lexicon not
 * found"), one per line; NULL when there are none.  Owned by the engine. */
const char *hb_engine_notes(const hb_engine *engine);

typedef struct {
    const char *path;       /* shown in source.path; may be NULL */
    const char *encoding;   /* force: "utf-8", "gb18030", "utf-16le", "utf-16be"; NULL: detect */
    const char *profile;    /* required-section profile; NULL: from doc_type */
    size_t max_bytes;       /* 0: HB_DEFAULT_MAX_BYTES */
    int top_terms;          /* number of `terms`; 0: 20; negative: none */
} hb_extract_options;

#define HB_DEFAULT_MAX_BYTES ((size_t)256 << 20)

/* Reads one report from `len` bytes at `buf` (any supported encoding).
 * Returns a new report, or NULL with *err filled.  The caller frees it with
 * hb_report_free(). */
hb_report *hb_extract(const hb_engine *engine, const char *buf, size_t len,
                      const hb_extract_options *opts, hb_error *err);
void hb_report_free(hb_report *report);

enum {
    HB_JSON_PRETTY = 1u << 0   /* indented output; default is one line */
};

/* The report as JSON (schema ../docs/report.schema.json), NUL-terminated.
 * Returns a new string the caller frees with hb_free(), or NULL when out of
 * memory. */
char *hb_report_json(const hb_report *report, unsigned flags);

enum {
    HB_TOKENS_WORDS = 1u << 0   /* split Han runs into dictionary words */
};

/* The typed token stream, one token a line: "type<TAB>start<TAB>end<TAB>text"
 * with byte offsets into the decoded text.  Returns a new string the caller
 * frees with hb_free(), or NULL when out of memory. */
char *hb_report_tokens(const hb_report *report, unsigned flags);

/* A short human-readable verdict on the required sections: one line per
 * finding.  *passed is set to 1 when nothing required is missing.  Returns a
 * new string the caller frees with hb_free(). */
char *hb_report_verdict(const hb_report *report, int *passed);

/* Reads one JSON Lines input record, {"path": "...", "text": "..."}, where
 * text is the report itself (path is optional).  On success *path (NULL when
 * absent) and *text are new NUL-terminated strings the caller frees with
 * hb_free(), *text_len is the length of the text.  Returns HB_ERR_ARG with
 * err->message set for a malformed record. */
hb_status hb_record_parse(const char *line, size_t len, char **path, char **text, size_t *text_len,
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
hb_summary *hb_summary_new(void);
void hb_summary_free(hb_summary *s);

/* Adds one JSON text: a report (hb_report_json), an error record
 * {"path", "code", "message"} for an input that could not be read, or a
 * summary (hb_summary_json).  HB_ERR_ARG with err->message for anything
 * else; err may be NULL. */
hb_status hb_summary_add_json(hb_summary *s, const char *json, size_t len, hb_error *err);
/* Adds a report, the same as adding its JSON. */
hb_status hb_summary_add_report(hb_summary *s, const hb_report *r);
/* Adds everything in src to dst (src unchanged; dst != src). */
hb_status hb_summary_merge(hb_summary *dst, const hb_summary *src);
/* The summary as JSON (HB_JSON_PRETTY: indented), NUL-terminated; the
 * caller frees it with hb_free().  NULL when out of memory. */
char *hb_summary_json(const hb_summary *s, unsigned flags);

/* The short stable word for a status in error records: io, encoding,
 * binary, too-large, empty, nomem, arg, dict, regex ("ok" for HB_OK). */
const char *hb_status_code(hb_status code);

/* The shortest text that reads back as exactly x with strtod ("6.8", not
 * "6.7999999999999998"), ".0" added when it would read as an integer, as
 * every real of the JSON output is written.  Returns its length; cap >= 32. */
size_t hb_json_shortest(double x, char *out, size_t cap);

/* The SHA-256 of len bytes as 64 lowercase hex digits and a NUL, as in a
 * report's source.sha256 (computed on the bytes as read, before decoding). */
void hb_sha256_hex(const void *data, size_t len, char hex[65]);

/* Releases a string returned by this library; accepts NULL. */
void hb_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
