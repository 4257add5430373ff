#include "extract.h"

hb_status hb_extractors(hb_doc *d)
{
    (void)d;
    return HB_OK;
}

void hb_extractors_json(hb_doc *d, json_t *root)
{
    (void)d;
    (void)root;
}
