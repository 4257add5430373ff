/* The immutable engine: dictionaries and compiled rules shared by all
 * threads.  Each stage keeps its rules in its own struct and loads them from
 * dict/ through hb_dict_read(). */
#ifndef HB_ENGINE_H
#define HB_ENGINE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>

#include "error.h"
#include "huibao.h"
#include "numeral.h"
#include "regex_lits.h"
#include "regex_prefix.h"
#include "units.h"

struct hb_layout_rules;
struct hb_section_rules;
struct hb_docfact_rules;
struct hb_metric_rules;
struct hb_slogan_rules;
struct hb_document_rules;
struct hb_list_rules;
struct hb_lexicon;
struct hb_term_rules;
struct hb_script_rules;
struct hb_profiles;
struct hb_rules;
struct hb_rules_record;

/* dict check mode (hb_dict_check): faults are reported and reading goes on. */
struct hb_dict_checker {
    hb_dict_report_fn fn;
    void *ctx;
    int faults;
};

struct hb_engine {
    atomic_int holders;          /* reports holding it (hb_engine_hold); its creator is not counted */
    char *dict_dir;
    char **overlays;             /* folders layered over dict_dir, in order */
    size_t n_overlays;
    struct hb_dict_kept *kept;   /* a file's records between two readers (HB_DICT_KEEP) */
    struct hb_dict_checker *check; /* NULL except while hb_dict_check loads */
    char *lexicon_path;          /* compiled general lexicon, NULL: none */
    const void *lexicon_image, *rules_image; /* built into the program (hb_engine_options) */
    size_t lexicon_image_size, rules_image_size;
    unsigned char overlay_key[32]; /* the key dict/'s own words' overlay is filed under */
    int overlay_keyed;           /* overlay_key is set (no dict overlays, no checker) */
    int lexicon_off, domain_off, lexicon_required, words_only; /* from hb_engine_options */
    pcre2_match_context *mctx;   /* match and depth limits for every regex */
    void *converters[3];         /* iconv descriptors kept open from a report's first use (decode.c, pin) */
    struct hb_layout_rules *layout;
    struct hb_section_rules *sections;
    struct hb_docfact_rules *docfacts;
    struct hb_metric_rules *metrics;
    struct hb_slogan_rules *slogans;
    struct hb_document_rules *documents;
    struct hb_list_rules *lists;
    /* shared by several stages, loaded before them */
    struct hb_lexicon *lexicon;    /* every stage that segments (words.c) */
    hb_wordlist units;             /* measure words: metrics, slogans (units.c) */
    hb_numeral_words numerals;     /* approximation words: metrics, slogans (numeral.c) */
    hb_wordlist counts_on;         /* 一、二季度: paragraphs, docfacts, tokens, sections (markers.c) */
    struct hb_term_rules *terms;
    struct hb_script_rules *script; /* script.txt: traditional-script detection (script.c) */
    struct hb_profiles *profiles;  /* required.c */
    struct hb_rules *rules;        /* compiled automata, read at start (rules.c); NULL: none */
    struct hb_rules_record *record; /* rulec: the automata built, to write */
    char *notes;
};

/* Called once per non-comment line of a dictionary file with its TAB-separated
 * fields (folded with hb_fold_cstr when the reader was asked to).  Returns 0
 * to accept the line, else fills *err (hb_dict_fail) and returns -1. */
typedef int (*hb_dict_line_fn)(void *ctx, char **fields, int nfields,
                               const char *file, int line, hb_error *err);

enum {
    HB_DICT_FOLD = 1,     /* fold every field (hb_fold_cstr) */
    HB_DICT_OPTIONAL = 2, /* a missing file is not an error */
    HB_DICT_TOP = 4,      /* read only the last layer holding the file (profiles) */
    HB_DICT_UNIQUE = 8,   /* a key listed twice in one file is an error */
    HB_DICT_KEEP = 16     /* keep the records for the next reader of the file
                             (the same fields and flags, keys aside): slogans.txt
                             is read by the lexicon, then by the slogan stage */
};
/* The fields that make a line's key (bit i: field i); none: the whole line.
 * A key of an overlay replaces every line of the layers below with it. */
#define HB_DICT_KEY(i) (1u << (8 + (i)))

/* Reads `name` from the dict folder, then from each overlay holding it:
 * '#' comments and blank lines skipped, fields split on TAB, each line
 * checked to have min..max fields, lines with a key an upper layer has
 * dropped.  A file must be a regular file of at most 16 MiB. */
hb_status hb_dict_read(const struct hb_engine *e, const char *name, int min_fields, int max_fields,
                       unsigned flags, hb_dict_line_fn fn, void *ctx, hb_error *err);

/* The key of what a reader (`what`: its kind and parameters) makes of
 * dict/name's bytes, for the rules file (rulec files it, an engine takes
 * it instead of reading); 0 when there is none: overlay folders or a
 * checker (their files are read as ever), or the file cannot be read (its
 * reader then says why). */
int hb_dict_file_key(const struct hb_engine *e, const char *name, const char *what, unsigned char key[32]);

/* A fault found after reading (*err filled by hb_dict_fail): in check mode
 * reported and cleared, returning HB_OK so loading goes on; else returns
 * err->code. */
hb_status hb_dict_fault(const struct hb_engine *e, hb_error *err);

/* 1 + the number of overlays; layer 0 is the dict folder. */
size_t hb_dict_layers(const struct hb_engine *e);
/* Writes LAYER_DIR/name to buf; 0 when it does not fit. */
int hb_dict_path(const struct hb_engine *e, size_t layer, const char *name, char *buf, size_t cap);
/* Opens a regular file of at most HB_LEX_MAX_FILE bytes without blocking on
 * a FIFO: the descriptor and *size, or -1 with *err filled (HB_ERR_IO). */
int hb_file_open(const char *path, size_t *size, hb_error *err);
/* Reads a compiled file (lexicon, rules) whole into *data (NULL for an
 * empty file; release it with hb_file_release): a file checked at load and then rewritten in place must
 * not crash a run, as it would under a mapping.  Errors name the file
 * (HB_ERR_IO). */
hb_status hb_file_load(const char *path, void **data, size_t *size, hb_error *err);
void hb_file_release(void *data, size_t size);
/* A copy of size bytes in a buffer as hb_file_load's (released the same
 * way); NULL when out of memory. */
void *hb_file_copy(const void *data, size_t size);
/* The bytes of the buffer hb_file_load reads a file of `size` bytes into:
 * those past the file's end are zero and the caller's to use. */
size_t hb_file_room(size_t size);

/* The compiled rules file found as the lexicon is (defaults.c); malloc'd. */
char *hb_default_rules(void);

/* HB_ERR_DICT naming path when it exists and is not a regular file (a FIFO
 * would block its reader), else HB_OK. */
hb_status hb_dict_regular(const char *path, hb_error *err);
/* Copies and checks opts' overlay folders into e; hb_dict_layers_free undoes. */
hb_status hb_dict_layers_init(struct hb_engine *e, const hb_engine_options *opts, hb_error *err);
void hb_dict_layers_free(struct hb_engine *e);

/* A dictionary regex.  It is JIT-compiled after a number of matches (a
 * copy, published atomically), so it may be shared by threads. */
typedef struct hb_regex hb_regex;

/* Compiles a dictionary regex (UTF, plus options such as PCRE2_ANCHORED: a
 * match then starts where matching starts), or takes it from e's compiled
 * rules (e NULL: no rules); on failure fills *err with the file, line and
 * pattern offset (or the damaged rules file) and returns NULL. */
hb_regex *hb_regex_compile(const struct hb_engine *e, const char *pattern, uint32_t options, const char *file,
                           int line, hb_error *err);
void hb_regex_free(hb_regex *rx);
/* The compiled codes of v[0..n) serialized together (PCRE2's character
 * tables once, not once a code) into new bytes (*size of them), for a stage
 * that files its rules whole in huibao.rules; NULL when out of memory. */
void *hb_regex_encode_set(hb_regex *const *v, size_t n, size_t *size);
/* The n regexes of hb_regex_encode_set's bytes (checked by the rules
 * file's check) into out[0..n): 1, or 0 with out all NULL when they are
 * not n or were serialized by another PCRE2 (or out of memory). */
int hb_regex_decode_set(const void *bytes, size_t size, hb_regex **out, size_t n);
/* hb_regex_literals() of the pattern, or the set filed for it in e's
 * compiled rules (reading the layout rules' sets cost every start a quarter
 * of a million instructions); recorded when e is being compiled.  On
 * failure (out of memory, damaged rules) fills *err. */
hb_status hb_regex_literals_of(const struct hb_engine *e, const char *pattern, uint32_t options,
                               hb_lits *out, const char *file, int line, hb_error *err);
/* The same for hb_regex_start_literals(), filed under its own key. */
hb_status hb_regex_start_literals_of(const struct hb_engine *e, const char *pattern, uint32_t options,
                                     hb_lits *out, const char *file, int line, hb_error *err);
/* The same for hb_regex_line_literals(). */
hb_status hb_regex_line_literals_of(const struct hb_engine *e, const char *pattern, uint32_t options,
                                    hb_lits *out, const char *file, int line, hb_error *err);
/* hb_regex_prefix() of the pattern, or the prefix filed for it in e's
 * compiled rules (reading the slogan patterns' cost a start 87K
 * instructions), its counts checked; recorded when e is being compiled. */
hb_status hb_regex_prefix_of(const struct hb_engine *e, const char *pattern, uint32_t options,
                             hb_prefix *out, const char *file, int line, hb_error *err);
/* The compiled pattern, for pcre2's queries (group names, match data). */
const pcre2_code *hb_regex_code(const hb_regex *rx);
/* The code unit PCRE2 says every match holds (its last required one), -1
 * when it knows none: a text without it need not be matched. */
int hb_regex_required_unit(const hb_regex *rx);

/* pcre2_match of rx against s[0..len) from `start` with the engine's limits. */
int hb_regex_match(const struct hb_engine *e, hb_regex *rx, const char *s, size_t len, size_t start,
                   pcre2_match_data *md);
/* Returns 1 and fills ov[0..1] (start, end) on a match, 0 otherwise
 * (including when a limit is hit). */
int hb_regex_find(const struct hb_engine *e, hb_regex *rx, const char *s, size_t len,
                  size_t start, pcre2_match_data *md, size_t ov[2]);
/* hb_regex_find with no match attempt starting after `limit` (start <=
 * limit <= len; PCRE2's offset limit, set in mctx, a copy of the
 * engine's context: rx compiled with PCRE2_USE_OFFSET_LIMIT). */
int hb_regex_find_upto(pcre2_match_context *mctx, hb_regex *rx, const char *s, size_t len, size_t start,
                       size_t limit, pcre2_match_data *md, size_t ov[2]);

/* A report holds its engine so that hb_engine_free() may come first: the
 * engine is freed when its creator and every holder have released it (each
 * with hb_engine_free).  Returns e. */
const struct hb_engine *hb_engine_hold(const struct hb_engine *e);

/* hb_engine_new, with check set for hb_dict_check, and record set by rulec
 * (every automaton built, none taken from a compiled rules file). */
hb_engine *hb_engine_load(const hb_engine_options *opts, struct hb_dict_checker *check,
                          struct hb_rules_record *record, hb_error *err);

/* Appends a line to the engine's notes (hb_engine_notes). */
void hb_engine_note(struct hb_engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
