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

/* Rewrites every real of a dumped JSON text in its shortest form (hb_json_shortest), in place
 * (jansson prints 17 significant digits; the shortest form is never longer). */
void hb_json_shorten_reals(char *json);

/* The report object written field by field: each value is dumped and freed
 * as soon as it is made, so a huge report never holds its whole JSON tree
 * (a tree costs many times the text it prints). */
typedef struct hb_json_out hb_json_out;

/* A writer with an object opened (NULL when out of memory). */
hb_json_out *hb_json_out_new(int pretty);
/* Closes the object, frees the writer and returns the text, which the
 * caller frees; NULL when anything ran out of memory. */
char *hb_json_out_finish(hb_json_out *out);

/* Writes "name": value into the open object and frees value (NULL counts
 * as out of memory). */
void hb_json_field(hb_json_out *out, const char *name, json_t *value);
/* Object and array members written one at a time; name is NULL for an
 * element of an array. */
void hb_json_object_open(hb_json_out *out, const char *name);
void hb_json_object_close(hb_json_out *out);
void hb_json_array_open(hb_json_out *out, const char *name);
void hb_json_array_elem(hb_json_out *out, json_t *value);
void hb_json_array_close(hb_json_out *out);

/* "warnings": every warning of the report, written last (pipeline.c). */
void hb_json_warnings(hb_doc *d, hb_json_out *out);

#endif
