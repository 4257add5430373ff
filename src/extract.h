/* The extractors that run after sections: metrics, slogans, documents,
 * lists, terms.  Each lives in its own file; these are their one entry
 * point for running and for writing their part of the JSON. */
#ifndef HB_EXTRACT_H
#define HB_EXTRACT_H

#include <jansson.h>

#include "doc.h"

hb_status hb_extractors(hb_doc *d);
void hb_extractors_json(hb_doc *d, json_t *root);

#endif
