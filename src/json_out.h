/* The report's JSON, written straight into one growing buffer: no value
 * tree, one escape routine, numbers in their shortest round-trip form.  The
 * layout is exactly jansson's (compact, or JSON_INDENT(2) when pretty), which
 * the golden test checks; jansson reads records and builds summaries.
 *
 * Every value writer takes `name`: the member's key inside an object (plain
 * ASCII, written as is), NULL for an element of an array.  A field is one
 * call, so adding one is one line in the stage's hb_X_json.  A failed
 * allocation sticks: hb_json_out_finish then returns NULL.
 *
 * The writers are inline wrappers that count the key where they are
 * called, at compile time for a literal (nearly every key), around
 * functions that take its length (the _k ones): a report has a key for
 * every few dozen bytes of its text, and counting each at run time took
 * 13 of the 85 instructions a value cost. */
#ifndef HB_JSON_OUT_H
#define HB_JSON_OUT_H

#include "doc.h"
#include "metrics.h"

/* Rewrites every real of a JSON text dumped by jansson in its shortest
 * form (hb_json_shortest), in place; the shortest form is never longer. */
void hb_json_shorten_reals(char *json);

typedef struct hb_json_out hb_json_out;

/* A writer with the report's object opened (NULL when out of memory). */
hb_json_out *hb_json_out_new(int pretty);
/* Closes what is open, adds tail (a line end or ""), frees the writer and
 * returns the NUL-terminated text, which the caller frees; NULL when
 * anything ran out of memory. */
char *hb_json_out_finish(hb_json_out *out, const char *tail);

/* A writer that hands its text to write in pieces (hb_report_write)
 * instead of keeping it: about a megabyte at a time, all at once when
 * shorter.  NULL when out of memory. */
hb_json_out *hb_json_out_stream(int pretty, hb_write_fn write, void *ctx);
/* Closes what is open, writes tail (a line end or ""), hands on the rest and
 * frees the writer: HB_OK, HB_ERR_NOMEM, or HB_ERR_IO when write failed (the
 * pieces before stay written). */
hb_status hb_json_out_end(hb_json_out *out, const char *tail);

/* A key's length: folded to a constant for a literal; 0 for none. */
static inline size_t hb_json_key_len(const char *name)
{
    return name ? __builtin_strlen(name) : 0;
}

void hb_json_null_k(hb_json_out *out, const char *name, size_t klen);
void hb_json_bool_k(hb_json_out *out, const char *name, size_t klen, int b);
void hb_json_int_k(hb_json_out *out, const char *name, size_t klen, long long v);
void hb_json_real_k(hb_json_out *out, const char *name, size_t klen, double x);
void hb_json_str_k(hb_json_out *out, const char *name, size_t klen, const char *s);
void hb_json_strn_k(hb_json_out *out, const char *name, size_t klen, const char *s, size_t n);
void hb_json_orig_k(hb_json_out *out, const char *name, size_t klen, const hb_doc *d, size_t vs, size_t ve);
void hb_json_span_k(hb_json_out *out, const char *name, size_t klen, const hb_doc *d, size_t vs, size_t ve);
void hb_json_line_k(hb_json_out *out, const char *name, size_t klen, const hb_doc *d, size_t v);
void hb_json_string_open_k(hb_json_out *out, const char *name, size_t klen);
void hb_json_object_open_k(hb_json_out *out, const char *name, size_t klen);
void hb_json_array_open_k(hb_json_out *out, const char *name, size_t klen);

static inline void hb_json_null(hb_json_out *out, const char *name)
{
    hb_json_null_k(out, name, hb_json_key_len(name));
}

static inline void hb_json_bool(hb_json_out *out, const char *name, int b)
{
    hb_json_bool_k(out, name, hb_json_key_len(name), b);
}

static inline void hb_json_int(hb_json_out *out, const char *name, long long v)
{
    hb_json_int_k(out, name, hb_json_key_len(name), v);
}

/* A real as hb_json_shortest writes it (the one routine for every real
 * this library prints): the fewest significant digits that read back to the
 * same double, 6.8 not 6.7999999999999998, and a '.' or an exponent always.
 * Not finite: null. */
static inline void hb_json_real(hb_json_out *out, const char *name, double x)
{
    hb_json_real_k(out, name, hb_json_key_len(name), x);
}

/* A UTF-8 string, or null when s is NULL. */
static inline void hb_json_str(hb_json_out *out, const char *name, const char *s)
{
    hb_json_str_k(out, name, hb_json_key_len(name), s);
}

static inline void hb_json_strn(hb_json_out *out, const char *name, const char *s, size_t n)
{
    hb_json_strn_k(out, name, hb_json_key_len(name), s, n);
}

/* The input text behind a view range (hb_doc_orig) as a string. */
static inline void hb_json_orig(hb_json_out *out, const char *name, const hb_doc *d, size_t vs, size_t ve)
{
    hb_json_orig_k(out, name, hb_json_key_len(name), d, vs, ve);
}

/* [start, end] in text bytes for a view range. */
static inline void hb_json_span(hb_json_out *out, const char *name, const hb_doc *d, size_t vs, size_t ve)
{
    hb_json_span_k(out, name, hb_json_key_len(name), d, vs, ve);
}

/* The input line of view position v (hb_doc_vline).  These three map view
 * positions through the writer's place in the view map, so spans written
 * in input order cost no search of it. */
static inline void hb_json_line(hb_json_out *out, const char *name, const hb_doc *d, size_t v)
{
    hb_json_line_k(out, name, hb_json_key_len(name), d, v);
}

/* A string written in parts, each escaped as it comes. */
static inline void hb_json_string_open(hb_json_out *out, const char *name)
{
    hb_json_string_open_k(out, name, hb_json_key_len(name));
}
void hb_json_string_add(hb_json_out *out, const char *s, size_t n);
void hb_json_string_add_orig(hb_json_out *out, const hb_doc *d, size_t vs, size_t ve);
void hb_json_string_close(hb_json_out *out);

/* Containers; their members follow until the matching close. */
static inline void hb_json_object_open(hb_json_out *out, const char *name)
{
    hb_json_object_open_k(out, name, hb_json_key_len(name));
}
void hb_json_object_close(hb_json_out *out);
static inline void hb_json_array_open(hb_json_out *out, const char *name)
{
    hb_json_array_open_k(out, name, hb_json_key_len(name));
}
void hb_json_array_close(hb_json_out *out);

/* One metric as an element of "metrics" (hb_metrics_json); target: its
 * `target` member (hb_metric_target). */
void hb_json_metric(hb_json_out *out, const hb_doc *d, const hb_metric *m, int target);

/* One element of "slogans" (hb_slogans_json): the term behind view bytes
 * [vs, ve), where it is first read, its counts, and its dictionary
 * category and canonical form (canonical NULL: no such member). */
typedef struct {
    size_t vs, ve;
    int count, quoted, known;
    const char *category, *canonical;
} hb_json_slogan_fields;
void hb_json_slogan(hb_json_out *out, const hb_doc *d, const hb_json_slogan_fields *f);

/* One element of a list's "items" (hb_lists_json): its text, view bytes
 * [ts, te) (its paragraphs joined by line ends), its title [ts, title_end),
 * its marker and section id (NULL: null), its line and span from view
 * byte vs (the marker's) to te. */
typedef struct {
    size_t vs, ts, te, title_end;
    const char *marker, *section;
} hb_json_list_item_fields;
void hb_json_list_item(hb_json_out *out, const hb_doc *d, const hb_json_list_item_fields *f);

/* "warnings": every warning of the report, written last (pipeline.c). */
void hb_json_warnings(hb_doc *d, hb_json_out *out);

#endif
