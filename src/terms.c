/* SKELETON: to be written (owner: see the issue); keeps the pipeline linking. */
#include "extract.h"

hb_status hb_terms_load(struct hb_engine *e, hb_error *err)
{
    (void)e;
    (void)err;
    return HB_OK;
}

void hb_terms_unload(struct hb_engine *e)
{
    (void)e;
}

hb_status hb_terms_run(hb_doc *d)
{
    (void)d;
    return HB_OK;
}

void hb_terms_json(hb_doc *d, json_t *root)
{
    (void)d;
    (void)root;
}
