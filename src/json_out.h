/* JSON output helpers shared by the extractors' own writers. */
#ifndef HB_JSON_OUT_H
#define HB_JSON_OUT_H

#include <jansson.h>

#include "doc.h"

/* [start, end) in text bytes for a view range. */
json_t *hb_json_span(const hb_doc *d, size_t vs, size_t ve);
/* The input text behind a view range as a JSON string (null when out of memory). */
json_t *hb_json_orig(hb_doc *d, size_t vs, size_t ve);
/* A string or null. */
json_t *hb_json_str_or_null(const char *s);

#endif
