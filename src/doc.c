/* The document's helpers every stage calls: offsets between the view and
 * the input, input lines, copies of the original text, and warnings. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "doc.h"

int hb_doc_line_at(const hb_doc *d, size_t off)
{
    int lo = 0, hi = d->nlines - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (d->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo + 1;
}

size_t hb_doc_vstart(const hb_doc *d, size_t v)
{
    return d->vmap[v < d->view_len ? v : d->view_len];
}

size_t hb_doc_vend(const hb_doc *d, size_t ve)
{
    if (ve == 0)
        return d->vmap[0];
    if (ve > d->view_len)
        ve = d->view_len;
    size_t s = d->vmap[ve - 1];
    if (s >= d->len)
        return d->len;
    size_t e = s + (size_t)hb_utf8_len((unsigned char)d->text[s]);
    if (d->text[s] == '\r' && s + 1 < d->len && d->text[s + 1] == '\n')
        e = s + 2;
    return e < d->len ? e : d->len;
}

int hb_doc_vline(const hb_doc *d, size_t v)
{
    return hb_doc_line_at(d, hb_doc_vstart(d, v));
}

size_t hb_doc_orig_copy(const hb_doc *d, size_t vs, size_t ve, char *out)
{
    /* Copy each source character once: several view bytes may come from one
     * (NFKC expansions), and wrap breaks were never in the view. */
    size_t n = 0;
    for (size_t v = vs; v < ve; v++) {
        if (v != vs && d->vmap[v] == d->vmap[v - 1])
            continue;
        size_t s = d->vmap[v];
        size_t k = (size_t)hb_utf8_len((unsigned char)d->text[s]);
        if (s + k > d->len)
            k = d->len - s;
        if (d->text[s] == '\n' || d->text[s] == '\r')
            continue;
        if (out)
            memcpy(out + n, d->text + s, k);
        n += k;
    }
    if (out)
        out[n] = '\0';
    return n;
}

const char *hb_doc_orig(hb_doc *d, size_t vs, size_t ve)
{
    char *out = hb_arena_alloc(&d->arena, hb_doc_orig_copy(d, vs, ve, NULL) + 1);
    if (out)
        hb_doc_orig_copy(d, vs, ve, out);
    return out;
}

int hb_doc_warn(hb_doc *d, const char *code, int line, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    hb_warning w = {code, hb_arena_strndup(&d->arena, buf, strlen(buf)), line};
    return w.message && hb_vec_push(&d->arena, &d->warnings, w);
}
