/* The report as JSON (docs/report.schema.json), written as it is walked. */
#include "json_out.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "sections.h"
#include "strbuf.h"
#include "tokens.h"

/* Sections nest at most one level per marker rank (six), each level two
 * containers deep; beyond this the writer fails rather than grow. */
enum { MAX_DEPTH = 64 };

/* A streaming writer hands its text on in pieces of about this size. */
enum { CHUNK = 1 << 20 };

struct hb_json_out {
    hb_strbuf buf;
    hb_write_fn sink;       /* NULL: the whole text is kept for hb_json_out_finish */
    void *ctx;
    int sink_failed;
    int pretty;
    int depth;              /* of the values being written; the report's fields are at 1 */
    int count[MAX_DEPTH];   /* values written so far at each depth */
    char closer[MAX_DEPTH]; /* what ends the container holding that depth */
};

/* Hands the buffer on to the sink and empties it. */
static void flush(hb_json_out *out)
{
    hb_strbuf *b = &out->buf;
    if (b->n && !out->sink_failed && !out->sink(out->ctx, b->s, b->n))
        out->sink_failed = 1;
    b->n = 0;
}

static void spill(hb_json_out *out, const char *s, size_t n)
{
    hb_strbuf *b = &out->buf;
    if (out->sink && b->n + n >= CHUNK) {
        flush(out);
        if (n >= CHUNK) {
            if (!out->sink_failed && !out->sink(out->ctx, s, n))
                out->sink_failed = 1;
            return;
        }
    }
    hb_strbuf_add(b, s, n);
}

static inline void put(hb_json_out *out, const char *s, size_t n)
{
    hb_strbuf *b = &out->buf;
    if (b->n + n < b->cap) { /* the common case, without a call */
        memcpy(b->s + b->n, s, n);
        b->n += n;
    } else {
        spill(out, s, n);
    }
}

/* A line break and the indentation of `depth` when pretty. */
static void newline(hb_json_out *out, int depth)
{
    static const char SPACES[] = "                                ";
    if (!out->pretty)
        return;
    put(out, "\n", 1);
    for (size_t n = 2 * (size_t)depth, k; n > 0; n -= k) {
        k = n < sizeof SPACES - 1 ? n : sizeof SPACES - 1;
        put(out, SPACES, k);
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
        put(out, name, strlen(name)); /* member names are plain ASCII */
        put(out, "\": ", out->pretty ? 3 : 2);
    }
}

/* Whether one of the eight bytes of x is below 0x20, '"' or '\\' (the
 * classic "has a byte less than / equal to" bit tricks: never a false no). */
static int any_escape8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = ones * 0x80;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    uint64_t below = (x - ones * 0x20) & ~x, quote = (q - ones) & ~q, backslash = (b - ones) & ~b;
    return ((below | quote | backslash) & highs) != 0;
}

/* jansson's escapes: '"', '\\' and control characters; UTF-8 passes as is.
 * Eight bytes at a time while none needs escaping: most text is plain. */
static void put_escaped(hb_json_out *out, const char *s, size_t n)
{
    static const char HEX[] = "0123456789ABCDEF";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x;
        while (n - i >= 8 && (memcpy(&x, s + i, 8), !any_escape8(x)))
            i += 8;
        if (i == n)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(out, s + run, i - run);
        run = i + 1;
        char esc[6] = {'\\', 0};
        size_t k = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = HEX[c >> 4];
            esc[5] = HEX[c & 15];
            k = 6;
        }
        put(out, esc, k);
    }
    put(out, s + run, n - run);
}

void hb_json_null(hb_json_out *out, const char *name)
{
    next(out, name);
    put(out, "null", 4);
}

void hb_json_bool(hb_json_out *out, const char *name, int b)
{
    next(out, name);
    if (b)
        put(out, "true", 4);
    else
        put(out, "false", 5);
}

void hb_json_int(hb_json_out *out, const char *name, long long v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    next(out, name);
    put(out, p, (size_t)(tmp + sizeof tmp - p));
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

/* For text dumped by jansson (summary.c): it prints 17 significant digits. */
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

void hb_json_real(hb_json_out *out, const char *name, double x)
{
    if (!isfinite(x)) {
        hb_json_null(out, name);
        return;
    }
    char buf[40];
    size_t n = hb_json_shortest(x, buf, sizeof buf);
    next(out, name);
    put(out, buf, n);
}

void hb_json_strn(hb_json_out *out, const char *name, const char *s, size_t n)
{
    next(out, name);
    put(out, "\"", 1);
    put_escaped(out, s, n);
    put(out, "\"", 1);
}

void hb_json_str(hb_json_out *out, const char *name, const char *s)
{
    if (s)
        hb_json_strn(out, name, s, strlen(s));
    else
        hb_json_null(out, name);
}

void hb_json_string_open(hb_json_out *out, const char *name)
{
    next(out, name);
    put(out, "\"", 1);
}

void hb_json_string_add(hb_json_out *out, const char *s, size_t n)
{
    put_escaped(out, s, n);
}

void hb_json_string_add_orig(hb_json_out *out, const hb_doc *d, size_t vs, size_t ve)
{
    size_t s, n;
    for (size_t v = vs; (n = hb_doc_orig_run(d, &v, ve, &s)) > 0;)
        put_escaped(out, d->text + s, n);
}

void hb_json_string_close(hb_json_out *out)
{
    put(out, "\"", 1);
}

void hb_json_orig(hb_json_out *out, const char *name, const hb_doc *d, size_t vs, size_t ve)
{
    hb_json_string_open(out, name);
    hb_json_string_add_orig(out, d, vs, ve);
    hb_json_string_close(out);
}

void hb_json_span(hb_json_out *out, const char *name, const hb_doc *d, size_t vs, size_t ve)
{
    hb_json_array_open(out, name);
    hb_json_int(out, NULL, (long long)hb_doc_vstart(d, vs));
    hb_json_int(out, NULL, (long long)hb_doc_vend(d, ve));
    hb_json_array_close(out);
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

hb_json_out *hb_json_out_stream(int pretty, hb_write_fn write, void *ctx)
{
    hb_json_out *out = hb_json_out_new(pretty);
    if (out) {
        out->sink = write;
        out->ctx = ctx;
    }
    return out;
}

hb_status hb_json_out_end(hb_json_out *out, const char *tail)
{
    while (out->depth > 0)
        end(out);
    put(out, tail, strlen(tail));
    hb_status st = out->buf.failed ? HB_ERR_NOMEM : HB_OK;
    if (st == HB_OK)
        flush(out);
    if (st == HB_OK && out->sink_failed)
        st = HB_ERR_IO;
    free(out->buf.s);
    free(out);
    return st;
}

/* ---- the report's own fields ---- */

static void source_json(hb_json_out *out, const hb_doc *d)
{
    hb_json_object_open(out, "source");
    hb_json_str(out, "path", d->path);
    hb_json_int(out, "bytes", (long long)d->src_bytes);
    hb_json_str(out, "encoding", d->encoding);
    hb_json_str(out, "sha256", d->sha256);
    hb_json_object_close(out);
}

static void signature_json(hb_json_out *out, const hb_doc *d)
{
    if (!d->sign_org && !d->sign_date && !d->sign_name) {
        hb_json_null(out, "signature");
        return;
    }
    hb_json_object_open(out, "signature");
    hb_json_str(out, "organization", d->sign_org);
    hb_json_str(out, "date", d->sign_date);
    hb_json_str(out, "name", d->sign_name);
    hb_json_object_close(out);
}

static void stats_json(hb_json_out *out, const hb_doc *d)
{
    size_t chars = 0;
    for (size_t i = 0; i < d->len; i++) {
        unsigned char c = (unsigned char)d->text[i];
        if ((c & 0xC0) == 0x80 || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == 0xE3 && i + 3 <= d->len && memcmp(d->text + i, "\xE3\x80\x80", 3) == 0) /* U+3000 */
            continue;
        chars++;
    }
    size_t tokens = d->text_tokens;
    hb_json_object_open(out, "stats");
    hb_json_int(out, "chars", (long long)chars);
    hb_json_int(out, "lines", d->nlines);
    hb_json_int(out, "paragraphs", (long long)d->paras.n);
    hb_json_int(out, "sentences", d->sentences);
    hb_json_int(out, "tokens", (long long)tokens);
    hb_json_object_close(out);
}

static void item_json(hb_json_out *out, const hb_doc *d, const hb_item *it)
{
    hb_json_object_open(out, NULL);
    hb_json_str(out, "marker", it->marker);
    hb_json_int(out, "number", it->number);
    hb_json_orig(out, "title", d, it->tstart, it->tend);
    hb_json_int(out, "line", hb_doc_vline(d, it->vstart));
    hb_json_span(out, "span", d, it->vstart, it->vend);
    hb_json_object_close(out);
}

/* The section tree as linked lists over the flat vectors, in input order:
 * a section's first child and next sibling, its first item and the next. */
typedef struct {
    int *child, *sibling, *item, *next_item;
} section_links;

static void section_json(hb_json_out *out, const hb_doc *d, const section_links *l, int i)
{
    const hb_section *s = &d->sections.v[i];
    hb_json_object_open(out, NULL);
    hb_json_str(out, "id", s->id);
    hb_json_int(out, "level", s->level);
    hb_json_str(out, "marker", s->marker);
    hb_json_int(out, "number", s->number);
    hb_json_orig(out, "title", d, s->tstart, s->tend);
    hb_json_str(out, "kind", hb_kind_name(s->kind));
    hb_json_int(out, "line", s->line);
    hb_json_span(out, "span", d, s->vstart, s->vend);
    hb_json_array_open(out, "items");
    for (int k = l->item[i]; k >= 0; k = l->next_item[k])
        item_json(out, d, &d->items.v[k]);
    hb_json_array_close(out);
    hb_json_array_open(out, "children");
    for (int c = l->child[i]; c >= 0; c = l->sibling[c])
        section_json(out, d, l, c);
    hb_json_array_close(out);
    hb_json_object_close(out);
}

/* "sections", then "items" for those before any heading when there are some. */
static void sections_json(hb_json_out *out, const hb_doc *d)
{
    size_t n = d->sections.n, ni = d->items.n;
    int *mem = malloc((3 * n + ni + 2) * sizeof *mem);
    if (!mem) {
        out->buf.failed = 1;
        return;
    }
    /* index n of child/item is the top level: sections without a parent, items before any */
    section_links l = {mem, mem + n + 1, mem + 2 * n + 1, mem + 3 * n + 2};
    for (size_t i = 0; i <= n; i++)
        l.child[i] = l.item[i] = -1;
    for (size_t i = n; i-- > 0;) {
        int p = d->sections.v[i].parent >= 0 ? d->sections.v[i].parent : (int)n;
        l.sibling[i] = l.child[p];
        l.child[p] = (int)i;
    }
    for (size_t k = ni; k-- > 0;) {
        int s = d->items.v[k].section >= 0 ? d->items.v[k].section : (int)n;
        l.next_item[k] = l.item[s];
        l.item[s] = (int)k;
    }
    hb_json_array_open(out, "sections");
    for (int c = l.child[n]; c >= 0; c = l.sibling[c])
        section_json(out, d, &l, c);
    hb_json_array_close(out);
    if (l.item[n] >= 0) {
        hb_json_array_open(out, "items");
        for (int k = l.item[n]; k >= 0; k = l.next_item[k])
            item_json(out, d, &d->items.v[k]);
        hb_json_array_close(out);
    }
    free(mem);
}

/* The early stages' fields (extract.h), in the order the report lists
 * them; pipeline.c writes schema_version before and warnings after. */
void hb_decode_json(hb_doc *d, hb_json_out *out)
{
    source_json(out, d);
}

void hb_docfacts_json(hb_doc *d, hb_json_out *out)
{
    hb_json_str(out, "title", d->title);
    hb_json_str(out, "addressee", d->addressee);
    signature_json(out, d);
    hb_json_str(out, "doc_type", d->doc_type ? d->doc_type : "unknown");
    hb_json_str(out, "organization", d->organization);
    if (d->period) {
        hb_json_object_open(out, "period");
        hb_json_str(out, "text", d->period);
        hb_json_int(out, "from", d->period_from);
        hb_json_int(out, "to", d->period_to);
        hb_json_object_close(out);
    } else {
        hb_json_null(out, "period");
    }
    hb_json_array_open(out, "years");
    for (size_t i = 0; i < d->years.n; i++)
        hb_json_int(out, NULL, d->years.v[i]);
    hb_json_array_close(out);
}

void hb_tokens_json(hb_doc *d, hb_json_out *out)
{
    stats_json(out, d);
}

void hb_sections_json(hb_doc *d, hb_json_out *out)
{
    sections_json(out, d);
}

void hb_json_warnings(hb_doc *d, hb_json_out *out)
{
    hb_json_array_open(out, "warnings");
    for (size_t i = 0; i < d->warnings.n; i++) {
        const hb_warning *w = &d->warnings.v[i];
        hb_json_object_open(out, NULL);
        hb_json_str(out, "code", w->code);
        hb_json_str(out, "message", w->message);
        if (w->line > 0)
            hb_json_int(out, "line", w->line);
        hb_json_object_close(out);
    }
    hb_json_array_close(out);
}
