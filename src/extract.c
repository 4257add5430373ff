#include "extract.h"

#include "engine.h"

typedef struct {
    hb_status (*load)(struct hb_engine *, hb_error *);
    void (*unload)(struct hb_engine *);
    hb_status (*run)(hb_doc *);
    void (*json)(hb_doc *, hb_json_out *);
} extractor;

#define ENTRY(name) {hb_##name##_load, hb_##name##_unload, hb_##name##_run, hb_##name##_json}

/* Order matters: metrics skip numbers inside slogans and titles found before them. */
static const extractor EXTRACTORS[] = {ENTRY(documents), ENTRY(slogans), ENTRY(metrics),
                                       ENTRY(lists), ENTRY(terms)};
enum { N_EXTRACTORS = sizeof EXTRACTORS / sizeof *EXTRACTORS };

hb_status hb_extractors_load(struct hb_engine *e, hb_error *err)
{
    for (int i = 0; i < N_EXTRACTORS; i++) {
        hb_status st = EXTRACTORS[i].load(e, err);
        if (st != HB_OK)
            return st;
    }
    return HB_OK;
}

void hb_extractors_unload(struct hb_engine *e)
{
    for (int i = 0; i < N_EXTRACTORS; i++)
        EXTRACTORS[i].unload(e);
}

hb_status hb_extractors(hb_doc *d)
{
    for (int i = 0; i < N_EXTRACTORS; i++) {
        hb_status st = EXTRACTORS[i].run(d);
        if (st != HB_OK)
            return st;
    }
    return HB_OK;
}

void hb_extractors_json(hb_doc *d, hb_json_out *out)
{
    for (int i = 0; i < N_EXTRACTORS; i++)
        EXTRACTORS[i].json(d, out);
}
