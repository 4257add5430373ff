/* The report as JSON (docs/report.schema.json), built with jansson. */
#include "json_out.h"

#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "sections.h"
#include "tokens.h"

json_t *hb_json_span(const hb_doc *d, size_t vs, size_t ve)
{
    return json_pack("[II]", (json_int_t)hb_doc_vstart(d, vs), (json_int_t)hb_doc_vend(d, ve));
}

json_t *hb_json_orig(hb_doc *d, size_t vs, size_t ve)
{
    const char *s = hb_doc_orig(d, vs, ve);
    return s ? json_string(s) : json_null();
}

json_t *hb_json_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *source_json(const hb_doc *d)
{
    return json_pack("{s:o,s:I,s:s,s:s}", "path", hb_json_str_or_null(d->path), "bytes",
                     (json_int_t)d->src_bytes, "encoding", d->encoding, "sha256", d->sha256);
}

static json_t *stats_json(const hb_doc *d)
{
    size_t chars = 0;
    for (size_t i = 0; i < d->len; i++) {
        unsigned char c = (unsigned char)d->text[i];
        if ((c & 0xC0) == 0x80 || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (i + 3 <= d->len && memcmp(d->text + i, "\xE3\x80\x80", 3) == 0) /* U+3000 */
            continue;
        chars++;
    }
    size_t tokens = 0;
    for (size_t i = 0; i < d->tokens.n; i++)
        tokens += d->tokens.v[i].type != HB_TOK_SPACE;
    return json_pack("{s:I,s:i,s:I,s:i,s:I}", "chars", (json_int_t)chars, "lines", d->nlines,
                     "paragraphs", (json_int_t)d->paras.n, "sentences", d->sentences, "tokens",
                     (json_int_t)tokens);
}

static json_t *item_json(hb_doc *d, const hb_item *it)
{
    return json_pack("{s:s,s:i,s:o,s:i,s:o}", "marker", it->marker, "number", it->number, "title",
                     hb_json_orig(d, it->tstart, it->tend), "line", hb_doc_vline(d, it->vstart),
                     "span", hb_json_span(d, it->vstart, it->vend));
}

static json_t *sections_json(hb_doc *d, json_t **loose_items)
{
    size_t n = d->sections.n;
    json_t **objs = calloc(n + 1, sizeof *objs);
    json_t *top = json_array();
    *loose_items = json_array();
    if (!objs || !top || !*loose_items) {
        free(objs);
        return top;
    }
    for (size_t i = 0; i < n; i++) {
        const hb_section *s = &d->sections.v[i];
        objs[i] = json_pack("{s:s,s:i,s:s,s:i,s:o,s:s,s:i,s:o,s:[],s:[]}", "id", s->id, "level",
                            s->level, "marker", s->marker, "number", s->number, "title",
                            hb_json_orig(d, s->tstart, s->tend), "kind", hb_kind_name(s->kind),
                            "line", s->line, "span", hb_json_span(d, s->vstart, s->vend), "items",
                            "children");
        if (!objs[i])
            continue;
        json_t *parent = s->parent >= 0 && objs[s->parent] ? json_object_get(objs[s->parent], "children") : top;
        json_array_append_new(parent, objs[i]);
    }
    for (size_t k = 0; k < d->items.n; k++) {
        const hb_item *it = &d->items.v[k];
        json_t *dest = it->section >= 0 && objs[it->section] ? json_object_get(objs[it->section], "items")
                                                             : *loose_items;
        json_array_append_new(dest, item_json(d, it));
    }
    free(objs);
    return top;
}

static json_t *years_json(const hb_doc *d)
{
    json_t *a = json_array();
    for (size_t i = 0; i < d->years.n; i++)
        json_array_append_new(a, json_integer(d->years.v[i]));
    return a;
}

static json_t *warnings_json(const hb_doc *d)
{
    json_t *a = json_array();
    for (size_t i = 0; i < d->warnings.n; i++) {
        const hb_warning *w = &d->warnings.v[i];
        json_t *o = json_pack("{s:s,s:s}", "code", w->code, "message", w->message);
        if (o && w->line > 0)
            json_object_set_new(o, "line", json_integer(w->line));
        json_array_append_new(a, o);
    }
    return a;
}

char *hb_report_json(const hb_report *report, unsigned flags)
{
    hb_doc *d = (hb_doc *)report; /* output only adds arena strings */
    json_t *root = json_object();
    if (!root)
        return NULL;
    json_t *loose = NULL;
    json_object_set_new(root, "schema_version", json_string(HB_SCHEMA_VERSION));
    json_object_set_new(root, "source", source_json(d));
    json_object_set_new(root, "title", hb_json_str_or_null(d->title));
    json_object_set_new(root, "addressee", hb_json_str_or_null(d->addressee));
    json_object_set_new(root, "signature",
                        d->sign_org || d->sign_date
                            ? json_pack("{s:o,s:o}", "organization", hb_json_str_or_null(d->sign_org),
                                        "date", hb_json_str_or_null(d->sign_date))
                            : json_null());
    json_object_set_new(root, "doc_type", json_string(d->doc_type ? d->doc_type : "unknown"));
    json_object_set_new(root, "years", years_json(d));
    json_object_set_new(root, "stats", stats_json(d));
    json_object_set_new(root, "sections", sections_json(d, &loose));
    if (loose && json_array_size(loose))
        json_object_set_new(root, "items", loose);
    else
        json_decref(loose);
    hb_extractors_json(d, root);
    json_object_set_new(root, "warnings", warnings_json(d));
    char *out = json_dumps(root, JSON_ENSURE_ASCII * 0 | (flags & HB_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT));
    json_decref(root);
    return out;
}
