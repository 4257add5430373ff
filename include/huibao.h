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
    int lexicon_required;      /* 1: a lexicon_path that cannot be loaded is an
                                  error, not a note (a lexicon the user named) */
} hb_engine_options;

/* Longest dict_dir accepted: a longer one is refused (HB_ERR_ARG), never cut. */
#define HB_DICT_DIR_MAX 900

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

/* Memory grows by up to ~200 bytes per input byte on dense inputs (a line
 * per heading) and ~30 on ordinary reports: 8 MiB, far above any real
 * report, keeps one report within ~1.6 GB. */
#define HB_DEFAULT_MAX_BYTES ((size_t)8 << 20)

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

/* Releases a string returned by this library; accepts NULL. */
void hb_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
