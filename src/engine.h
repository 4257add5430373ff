/* The immutable engine: dictionaries and compiled rules shared by all
 * threads.  Each stage keeps its rules in its own struct and loads them from
 * dict/ through hb_dict_read(). */
#ifndef HB_ENGINE_H
#define HB_ENGINE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "huibao.h"

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

struct hb_engine {
    char *dict_dir;
    char *lexicon_path;          /* compiled general lexicon, NULL: none */
    int lexicon_off, domain_off; /* from hb_engine_options */
    pcre2_match_context *mctx;   /* match and depth limits for every regex */
    void *converters[3];         /* iconv descriptors kept open (decode.h) */
    struct hb_layout_rules *layout;
    struct hb_section_rules *sections;
    struct hb_docfact_rules *docfacts;
    struct hb_metric_rules *metrics;
    struct hb_slogan_rules *slogans;
    struct hb_document_rules *documents;
    struct hb_list_rules *lists;
    struct hb_lexicon *lexicon;
    struct hb_term_rules *terms;
    struct hb_script_rules *script; /* script.txt: traditional-script detection */
    char *notes;
};

/* Called once per non-comment line of a dictionary file with its TAB-separated
 * fields (folded with hb_fold_cstr when the reader was asked to).  Returns 0
 * to accept the line, else fills *err (hb_dict_fail) and returns -1. */
typedef int (*hb_dict_line_fn)(void *ctx, char **fields, int nfields,
                               const char *file, int line, hb_error *err);

enum { HB_DICT_FOLD = 1, HB_DICT_OPTIONAL = 2 };

/* Reads dict_dir/name: '#' comments and blank lines skipped, fields split on
 * TAB, each line checked to have min..max fields.  HB_DICT_OPTIONAL: a
 * missing file is not an error. */
hb_status hb_dict_read(const char *dict_dir, const char *name, int min_fields, int max_fields,
                       unsigned flags, hb_dict_line_fn fn, void *ctx, hb_error *err);

/* Fills *err for a bad dictionary line and returns -1. */
int hb_dict_fail(hb_error *err, hb_status code, const char *file, int line, int offset,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Compiles a dictionary regex (UTF, JIT on); on failure fills *err with the
 * file, line and pattern offset and returns NULL. */
pcre2_code *hb_regex_compile(const char *pattern, const char *file, int line, hb_error *err);

/* Matches re against s[0..len) from `start` with the engine's limits.
 * Returns 1 and fills ov[0..1] (start, end) on a match, 0 otherwise
 * (including when a limit is hit). */
int hb_regex_find(const struct hb_engine *e, const pcre2_code *re, const char *s, size_t len,
                  size_t start, pcre2_match_data *md, size_t ov[2]);

/* Appends a line to the engine's notes (hb_engine_notes). */
void hb_engine_note(struct hb_engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Stage loaders and freers, each in its stage's file. */
hb_status hb_layout_load(struct hb_engine *e, hb_error *err);
void hb_layout_free(struct hb_layout_rules *r);
hb_status hb_sections_load(struct hb_engine *e, hb_error *err);
void hb_sections_rules_free(struct hb_section_rules *r);
hb_status hb_docfacts_load(struct hb_engine *e, hb_error *err);
void hb_docfacts_rules_free(struct hb_docfact_rules *r);

#endif
