/* The pipeline: decode → fold → lines → paragraphs → document facts →
 * tokens → sections → extractors.  Also the document's offset helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "docfacts.h"
#include "engine.h"
#include "extract.h"
#include "lines.h"
#include "normalize.h"
#include "paragraphs.h"
#include "required.h"
#include "script.h"
#include "sections.h"
#include "sha256.h"
#include "tokens.h"

const char *hb_strerror(hb_status code)
{
    switch (code) {
    case HB_OK: return "success";
    case HB_ERR_NOMEM: return "out of memory";
    case HB_ERR_IO: return "input/output error";
    case HB_ERR_ENCODING: return "not text in a supported encoding";
    case HB_ERR_BINARY: return "not a text file";
    case HB_ERR_TOO_LARGE: return "input too large";
    case HB_ERR_EMPTY: return "empty file";
    case HB_ERR_DICT: return "malformed dictionary file";
    case HB_ERR_REGEX: return "dictionary regex does not compile";
    case HB_ERR_ARG: return "invalid argument";
    }
    return "unknown error";
}

void hb_free(void *p)
{
    free(p);
}

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

const char *hb_doc_orig(hb_doc *d, size_t vs, size_t ve)
{
    /* Copy each source character once: several view bytes may come from one
     * (NFKC expansions), and wrap breaks were never in the view. */
    size_t cap = 0;
    for (size_t v = vs; v < ve; v++)
        if (v == vs || d->vmap[v] != d->vmap[v - 1])
            cap += (size_t)hb_utf8_len((unsigned char)d->text[d->vmap[v]]);
    char *out = hb_arena_alloc(&d->arena, cap + 1);
    if (!out)
        return NULL;
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
        memcpy(out + n, d->text + s, k);
        n += k;
    }
    out[n] = '\0';
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

static hb_report *fail(hb_doc *d, hb_error *err, hb_status code, const char *msg)
{
    if (err && code != HB_OK) {
        if (!err->code) {
            err->code = code;
            snprintf(err->message, sizeof err->message, "%s", msg ? msg : hb_strerror(code));
        }
    }
    hb_report_free(d);
    return NULL;
}

hb_report *hb_extract(const hb_engine *e, const char *buf, size_t len, const hb_extract_options *opts,
                      hb_error *err)
{
    hb_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof *err);
    hb_doc *d = calloc(1, sizeof *d);
    if (!d)
        return fail(NULL, err, HB_ERR_NOMEM, NULL);
    d->engine = e;
    if (opts)
        d->opts = *opts;
    d->path = d->opts.path ? hb_arena_strndup(&d->arena, d->opts.path, strlen(d->opts.path)) : NULL;
    d->src_bytes = len;
    d->title_para = d->addressee_para = -1;
    if (d->opts.profile && hb_profile_check(e, d->opts.profile, err) != HB_OK)
        return fail(d, err, HB_ERR_ARG, NULL);
    hb_status st = hb_decode(d, buf, len, err);
    if (st != HB_OK)
        return fail(d, err, st, NULL);
    if (d->len >= HB_OFF_MAX)
        return fail(d, err, HB_ERR_TOO_LARGE, "the decoded text is larger than 4 GiB");
    if (memchr(d->text, '\0', d->len))
        return fail(d, err, HB_ERR_BINARY, "not a text file (NUL character after decoding)");
    hb_sha256_hex(buf, len, d->sha256);
    char *fold;
    if (!hb_fold(&d->arena, d->text, d->len, &fold, &d->fold_len, &d->fmap))
        return fail(d, err, HB_ERR_NOMEM, NULL);
    d->fold = fold;
    if (!hb_strip_inline(d) || !hb_script(d) || !hb_lines(d) || !hb_furniture_warn(d) || !hb_paragraphs(d) || !hb_docfacts(d) || !hb_tokens(d) || !hb_sections(d))
        return fail(d, err, HB_ERR_NOMEM, NULL);
    if (d->paras.n == 0 && !hb_doc_warn(d, "no-content", 0, "the file holds only blank or layout lines"))
        return fail(d, err, HB_ERR_NOMEM, NULL);
    st = hb_extractors(d);
    if (st != HB_OK)
        return fail(d, err, st, NULL);
    return d;
}

void hb_report_free(hb_report *r)
{
    if (!r)
        return;
    hb_arena_release(&r->arena);
    free(r);
}
