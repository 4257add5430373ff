/* The stages of the pipeline and their one lifecycle.  Every stage X has up
 * to four entry points, in its own file:
 *   hb_X_load(e, err)  reads its rules from dict/ into the engine;
 *   hb_X_unload(e)     frees them (also after a partial load);
 *   hb_X_run(d)        works on one document: HB_OK, or why it stopped;
 *   hb_X_json(d, out)  writes its fields of the report's JSON.
 * HB_STAGE_LIST below names the stages in the order they run, each with
 * RULES or NO_RULES and JSON or NO_JSON: this header declares their entry
 * points from it and pipeline.c builds the table hb_stages from it, which
 * engine creation, engine release, extraction, JSON output and the fuzz
 * targets all walk.  Adding a stage is one line of the list. */
#ifndef HB_EXTRACT_H
#define HB_EXTRACT_H

#include "doc.h"
#include "json_out.h"

struct hb_engine;

/* Order matters: each stage reads what the ones above it wrote (metrics
 * skip numbers inside slogans and titles found before them; required reads
 * the lists).  strip removes inline furniture with the rules lines loads
 * (it runs before script so that converting skips the markup); furniture
 * warns about the lines that lines marked as clutter.  quotes runs after
 * sections so that its warnings follow the heading warnings, as they always
 * have. */
#define HB_STAGE_LIST(X)                 \
    X(decode, RULES, JSON)               \
    X(fold, NO_RULES, NO_JSON)           \
    X(strip, NO_RULES, NO_JSON)          \
    X(script, RULES, NO_JSON)            \
    X(lines, RULES, NO_JSON)             \
    X(furniture, NO_RULES, NO_JSON)      \
    X(paragraphs, NO_RULES, NO_JSON)     \
    X(docfacts, RULES, JSON)             \
    X(tokens, NO_RULES, JSON)            \
    X(sections, RULES, JSON)             \
    X(quotes, NO_RULES, NO_JSON)         \
    X(documents, RULES, JSON)            \
    X(slogans, RULES, JSON)              \
    X(metrics, RULES, JSON)              \
    X(lists, RULES, JSON)                \
    X(required, RULES, JSON)             \
    X(terms, RULES, JSON)

#define HB_DECLARE_RULES(name)                                      \
    hb_status hb_##name##_load(struct hb_engine *e, hb_error *err); \
    void hb_##name##_unload(struct hb_engine *e);
#define HB_DECLARE_NO_RULES(name)
#define HB_DECLARE_JSON(name) void hb_##name##_json(hb_doc *d, hb_json_out *out);
#define HB_DECLARE_NO_JSON(name)
#define HB_DECLARE_STAGE(name, rules, json) \
    HB_DECLARE_##rules(name) hb_status hb_##name##_run(hb_doc *d); HB_DECLARE_##json(name)
HB_STAGE_LIST(HB_DECLARE_STAGE)

typedef struct {
    const char *name;
    hb_status (*load)(struct hb_engine *e, hb_error *err);
    void (*unload)(struct hb_engine *e);
    hb_status (*run)(hb_doc *d);
    void (*json)(hb_doc *d, hb_json_out *out);
} hb_stage;

/* What the stages keep over the reports whose stages run together
 * (pipeline.c: up to 64 reports of hb_extract_owned_n, or one): the memo
 * of word facts the metrics' subject walks ask (metric_subject.h), which
 * pays over several reports as over one long one, the terms' first
 * counting table, lent to one report at a time, and their memo of content
 * words (terms.c).  Set up before the first stage, all freed after the
 * last (pipeline.c). */
typedef struct hb_group {
    size_t reports;                       /* in the group */
    struct hb_subject_memo *subject_memo; /* NULL until made, or out of memory */
    void *terms_first;                    /* malloc'd; NULL until made, or out of memory */
    void *terms_content;                  /* calloc'd, as terms_first */
} hb_group;

/* The table (pipeline.c), in running order. */
extern const hb_stage hb_stages[];
extern const size_t hb_nstages;

/* A document holding the input and options, before any stage has run
 * (pipeline.c); NULL when out of memory.  buf and err must outlive the
 * stages' runs: the decode stage reads buf and explains a refusal in err.
 * hb_extract() runs every stage on it; the fuzz targets run a prefix. */
hb_doc *hb_doc_start(const struct hb_engine *e, const char *buf, size_t len, const hb_extract_options *opts,
                     hb_error *err);

#endif
