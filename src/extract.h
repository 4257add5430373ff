/* The stages of the pipeline and their one lifecycle.  Every stage X has up
 * to four entry points, in its own file:
 *   hb_X_load(e, err)  reads its rules from dict/ into the engine;
 *   hb_X_unload(e)     frees them (also after a partial load);
 *   hb_X_run(d)        works on one document: HB_OK, or why it stopped;
 *   hb_X_json(d, out)  writes its fields of the report's JSON.
 * pipeline.c's table lists the stages in the order they run, with NULL
 * where a stage has no rules or no JSON; engine creation, engine release,
 * extraction, JSON output and the fuzz targets all walk that table. */
#ifndef HB_EXTRACT_H
#define HB_EXTRACT_H

#include "doc.h"
#include "json_out.h"

struct hb_engine;

#define HB_STAGE_RULES(name)                                        \
    hb_status hb_##name##_load(struct hb_engine *e, hb_error *err); \
    void hb_##name##_unload(struct hb_engine *e);
#define HB_STAGE_RUN(name) hb_status hb_##name##_run(hb_doc *d);
#define HB_STAGE_JSON(name) void hb_##name##_json(hb_doc *d, hb_json_out *out);

HB_STAGE_RULES(decode) HB_STAGE_RUN(decode) HB_STAGE_JSON(decode)
HB_STAGE_RUN(fold)
HB_STAGE_RUN(strip)
HB_STAGE_RULES(script) HB_STAGE_RUN(script)
HB_STAGE_RULES(lines) HB_STAGE_RUN(lines)
HB_STAGE_RUN(furniture)
HB_STAGE_RUN(paragraphs)
HB_STAGE_RULES(docfacts) HB_STAGE_RUN(docfacts) HB_STAGE_JSON(docfacts)
HB_STAGE_RUN(tokens) HB_STAGE_JSON(tokens)
HB_STAGE_RULES(sections) HB_STAGE_RUN(sections) HB_STAGE_JSON(sections)
HB_STAGE_RUN(quotes)
HB_STAGE_RULES(documents) HB_STAGE_RUN(documents) HB_STAGE_JSON(documents)
HB_STAGE_RULES(slogans) HB_STAGE_RUN(slogans) HB_STAGE_JSON(slogans)
HB_STAGE_RULES(metrics) HB_STAGE_RUN(metrics) HB_STAGE_JSON(metrics)
HB_STAGE_RULES(lists) HB_STAGE_RUN(lists) HB_STAGE_JSON(lists)
HB_STAGE_RULES(required) HB_STAGE_RUN(required) HB_STAGE_JSON(required)
HB_STAGE_RULES(terms) HB_STAGE_RUN(terms) HB_STAGE_JSON(terms)

typedef struct {
    const char *name;
    hb_status (*load)(struct hb_engine *e, hb_error *err);
    void (*unload)(struct hb_engine *e);
    hb_status (*run)(hb_doc *d);
    void (*json)(hb_doc *d, hb_json_out *out);
} hb_stage;

/* The table (pipeline.c), in running order. */
extern const hb_stage hb_stages[];
extern const size_t hb_nstages;

/* A document holding the input and options, before any stage has run
 * (pipeline.c); NULL when out of memory.  buf and err must outlive the
 * stages' runs: the decode stage reads buf and explains a refusal in err.
 * hb_extract() runs every stage on it; the fuzz targets run a prefix. */
hb_doc *hb_doc_start(const struct hb_engine *e, const char *buf, size_t len, const hb_extract_options *opts,
                     hb_error *err);

/* The report's JSON with only the fields a summary reads (hb_summary_add_report). */
char *hb_report_summary_json(const hb_report *report);

#endif
