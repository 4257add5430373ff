/* The extractors that run after sections, in this order: documents,
 * slogans, metrics, lists, terms.  Each lives in its own file with the same
 * four entry points: load its rules into the engine, free them, run on a
 * document, and add its part of the JSON. */
#ifndef HB_EXTRACT_H
#define HB_EXTRACT_H

#include "doc.h"
#include "json_out.h"

struct hb_engine;

#define HB_EXTRACTOR(name)                                                   \
    hb_status hb_##name##_load(struct hb_engine *e, hb_error *err);          \
    void hb_##name##_unload(struct hb_engine *e);                            \
    hb_status hb_##name##_run(hb_doc *d);                                    \
    void hb_##name##_json(hb_doc *d, hb_json_out *out);

HB_EXTRACTOR(documents)
HB_EXTRACTOR(slogans)
HB_EXTRACTOR(metrics)
HB_EXTRACTOR(lists)
HB_EXTRACTOR(terms)

/* Loads every extractor's rules; on failure unloads what was loaded. */
hb_status hb_extractors_load(struct hb_engine *e, hb_error *err);
void hb_extractors_unload(struct hb_engine *e);
hb_status hb_extractors(hb_doc *d);
void hb_extractors_json(hb_doc *d, hb_json_out *out);

#endif
