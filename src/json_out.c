/* The report as JSON (docs/report.schema.json), built with jansson. */
#include "json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "strbuf.h"
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

enum { MAX_DEPTH = 8 };

struct hb_json_out {
    hb_strbuf buf;
    int pretty;
    int depth;              /* of the values being written; the report's fields are at 1 */
    int count[MAX_DEPTH];   /* values written so far at each depth */
    char closer[MAX_DEPTH]; /* what ends the container holding that depth */
};

static void put(hb_json_out *out, const char *s, size_t n)
{
    hb_strbuf_add(&out->buf, s, n);
}

static void puts_(hb_json_out *out, const char *s)
{
    put(out, s, strlen(s));
}

/* A line break and the indentation of `depth` when pretty. */
static void newline(hb_json_out *out, int depth)
{
    if (out->pretty) {
        put(out, "\n", 1);
        for (int i = 0; i < depth; i++)
            put(out, "  ", 2);
    }
}

/* The separator before the next value at the current depth, and its key
 * when it is an object member (name != NULL). */
static void next(hb_json_out *out, const char *name)
{
    if (out->count[out->depth]++)
        put(out, ",", 1);
    newline(out, out->depth);
    if (name) {
        put(out, "\"", 1);
        puts_(out, name); /* member names are plain ASCII */
        puts_(out, out->pretty ? "\": " : "\":");
    }
}

size_t hb_json_shortest(double x, char *out, size_t cap)
{
    int n = 0;
    for (int p = 1; p <= 17; p++) {
        n = snprintf(out, cap, "%.*g", p, x);
        if (strtod(out, NULL) == x)
            break;
    }
    if (!strpbrk(out, ".eEni") && (size_t)n + 2 < cap) /* inf and nan never reach JSON */
        n += snprintf(out + n, cap - (size_t)n, ".0");
    return (size_t)n;
}

void hb_json_shorten_reals(char *s)
{
    char *w = s;
    int in_str = 0;
    for (const char *r = s; *r;) {
        if (in_str) {
            if (*r == '\\' && r[1])
                *w++ = *r++;
            else if (*r == '"')
                in_str = 0;
            *w++ = *r++;
        } else if (*r == '"') {
            in_str = 1;
            *w++ = *r++;
        } else if (*r == '-' || (*r >= '0' && *r <= '9')) {
            size_t n = strspn(r, "-+0123456789.eE");
            if (memchr(r, '.', n) || memchr(r, 'e', n) || memchr(r, 'E', n)) {
                char num[40];
                size_t k = hb_json_shortest(strtod(r, NULL), num, sizeof num);
                memcpy(w, num, k);
                w += k;
            } else {
                memmove(w, r, n);
                w += n;
            }
            r += n;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* Dumps v as it prints at the current depth: jansson indents from column 0,
 * so each of its line breaks gets the outer indentation (strings never hold
 * a raw line break).  Frees v. */
static void value(hb_json_out *out, json_t *v)
{
    char *s = v ? json_dumps(v, JSON_ENCODE_ANY | (out->pretty ? JSON_INDENT(2) : JSON_COMPACT)) : NULL;
    json_decref(v);
    if (!s) {
        out->buf.failed = 1;
        return;
    }
    hb_json_shorten_reals(s);
    for (const char *p = s, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (!nl) {
            puts_(out, p);
            break;
        }
        put(out, p, (size_t)(nl - p));
        newline(out, out->depth);
    }
    free(s);
}

static void begin(hb_json_out *out, const char *name, char opener)
{
    next(out, name);
    put(out, &opener, 1);
    if (out->depth + 1 >= MAX_DEPTH) {
        out->buf.failed = 1;
        return;
    }
    out->count[++out->depth] = 0;
    out->closer[out->depth] = opener == '{' ? '}' : ']';
}

static void end(hb_json_out *out)
{
    if (out->depth == 0)
        return;
    char closer = out->closer[out->depth];
    if (out->count[out->depth--])
        newline(out, out->depth);
    put(out, &closer, 1);
}

void hb_json_field(hb_json_out *out, const char *name, json_t *v)
{
    next(out, name);
    value(out, v);
}

void hb_json_object_open(hb_json_out *out, const char *name)
{
    begin(out, name, '{');
}

void hb_json_object_close(hb_json_out *out)
{
    end(out);
}

void hb_json_array_open(hb_json_out *out, const char *name)
{
    begin(out, name, '[');
}

void hb_json_array_elem(hb_json_out *out, json_t *v)
{
    hb_json_field(out, NULL, v);
}

void hb_json_array_close(hb_json_out *out)
{
    end(out);
}

hb_json_out *hb_json_out_new(int pretty)
{
    hb_json_out *out = calloc(1, sizeof *out);
    if (!out)
        return NULL;
    out->pretty = pretty;
    put(out, "{", 1);
    out->depth = 1;
    out->closer[1] = '}';
    return out;
}

char *hb_json_out_finish(hb_json_out *out)
{
    if (!out)
        return NULL;
    while (out->depth > 0)
        end(out);
    char *s = hb_strbuf_take(&out->buf);
    free(out);
    return s;
}

/* The early stages' fields (extract.h), in the order the report lists
 * them; pipeline.c writes schema_version before and warnings after. */
void hb_decode_json(hb_doc *d, hb_json_out *out)
{
    hb_json_field(out, "source", source_json(d));
}

void hb_docfacts_json(hb_doc *d, hb_json_out *out)
{
    hb_json_field(out, "title", hb_json_str_or_null(d->title));
    hb_json_field(out, "addressee", hb_json_str_or_null(d->addressee));
    hb_json_field(out, "signature",
                  d->sign_org || d->sign_date || d->sign_name
                      ? json_pack("{s:o,s:o,s:o}", "organization", hb_json_str_or_null(d->sign_org), "date",
                                  hb_json_str_or_null(d->sign_date), "name", hb_json_str_or_null(d->sign_name))
                      : json_null());
    hb_json_field(out, "doc_type", json_string(d->doc_type ? d->doc_type : "unknown"));
    hb_json_field(out, "organization", hb_json_str_or_null(d->organization));
    hb_json_field(out, "period", d->period ? json_pack("{s:s,s:i,s:i}", "text", d->period, "from", d->period_from,
                                                       "to", d->period_to)
                                           : json_null());
    hb_json_field(out, "years", years_json(d));
}

void hb_tokens_json(hb_doc *d, hb_json_out *out)
{
    hb_json_field(out, "stats", stats_json(d));
}

void hb_sections_json(hb_doc *d, hb_json_out *out)
{
    json_t *loose = NULL;
    hb_json_field(out, "sections", sections_json(d, &loose));
    if (loose && json_array_size(loose))
        hb_json_field(out, "items", loose);
    else
        json_decref(loose);
}

void hb_json_warnings(hb_doc *d, hb_json_out *out)
{
    hb_json_field(out, "warnings", warnings_json(d));
}
