/* The documents stage (see documents.h). */
#include "documents.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "extract.h"
#include "json_out.h"
#include "normalize.h"
#include "quotes.h"

typedef struct {
    char *word;
    size_t len;
    char *kind;
} kind_cue;

typedef struct {
    kind_cue *v;
    size_t n, cap;
} cue_list;

struct hb_document_rules {
    cue_list end;         /* sorted longest first, so the first match is the longest */
    cue_list before;
    char *default_kind;
};

static int push_cue(cue_list *l, const char *word, const char *kind)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        kind_cue *c = realloc(l->v, cap * sizeof *c);
        if (!c)
            return 0;
        l->v = c;
        l->cap = cap;
    }
    kind_cue *c = &l->v[l->n];
    *c = (kind_cue){strdup(word), strlen(word), strdup(kind)};
    l->n++;
    return c->word && c->kind;
}

static int add_cue(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    struct hb_document_rules *r = ctx;
    (void)nf;
    if (f[2][0] == '\0')
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "empty kind");
    int ok;
    if (strcmp(f[0], "default") == 0) {
        free(r->default_kind);
        ok = (r->default_kind = strdup(f[2])) != NULL;
    } else if (strcmp(f[0], "end") == 0 || strcmp(f[0], "before") == 0) {
        if (f[1][0] == '\0')
            return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "empty word");
        ok = push_cue(f[0][0] == 'e' ? &r->end : &r->before, f[1], f[2]);
    } else {
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "place must be end, before or default, not \"%s\"", f[0]);
    }
    return ok ? 0 : hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
}

static int longest_first(const void *a, const void *b)
{
    const kind_cue *x = a, *y = b;
    return (y->len > x->len) - (y->len < x->len);
}

hb_status hb_documents_load(struct hb_engine *e, hb_error *err)
{
    struct hb_document_rules *r = calloc(1, sizeof *r);
    if (!(e->documents = r))
        return HB_ERR_NOMEM;
    hb_status st = hb_dict_read(e, "doc_kinds.txt", 3, 3, HB_DICT_FOLD | HB_DICT_KEY(0) | HB_DICT_KEY(1), add_cue,
                                r, err);
    if (st != HB_OK)
        return st;
    if (r->end.n > 1)
        qsort(r->end.v, r->end.n, sizeof *r->end.v, longest_first);
    if (!r->default_kind && !(r->default_kind = strdup("book")))
        return HB_ERR_NOMEM;
    return HB_OK;
}

static void free_cues(cue_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].word);
        free(l->v[i].kind);
    }
    free(l->v);
}

void hb_documents_unload(struct hb_engine *e)
{
    struct hb_document_rules *r = e->documents;
    if (!r)
        return;
    free_cues(&r->end);
    free_cues(&r->before);
    free(r->default_kind);
    free(r);
    e->documents = NULL;
}

/* The cue whose word ends s[0..len), NULL when none. */
static const kind_cue *cue_ending(const cue_list *l, const char *s, size_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].len <= len && memcmp(s + len - l->v[i].len, l->v[i].word, l->v[i].len) == 0)
            return &l->v[i];
    return NULL;
}

/* Kind of the title at view[vs..ve) whose 《 starts at `open` in paragraph pstart. */
static const char *title_kind(const struct hb_document_rules *r, const char *v, size_t pstart, size_t open,
                              size_t vs, size_t ve)
{
    /* set closing notes aside: 条例（试行）, 章程(修正案) */
    while (ve > vs && v[ve - 1] == ')') {
        size_t k = ve - 1;
        while (k > vs && v[k] != '(')
            k--;
        if (k == vs)
            break;
        ve = k;
    }
    while (ve > vs && v[ve - 1] == ' ')
        ve--;
    const kind_cue *c = cue_ending(&r->end, v + vs, ve - vs);
    if (!c)
        c = cue_ending(&r->before, v + pstart, open - pstart);
    return c ? c->kind : r->default_kind;
}

static int too_long(const char *v, size_t vs, size_t ve)
{
    size_t chars = 0;
    for (size_t i = vs; i < ve; i++)
        chars += ((unsigned char)v[i] & 0xC0) != 0x80;
    return chars > HB_TITLE_MAX_CHARS;
}

typedef struct {
    const char *view;
    const hb_quote *q;
} sort_ctx;

/* Occurrences grouped by title text, in text order within a group. */
static int by_title(const void *a, const void *b, void *ctx)
{
    const sort_ctx *c = ctx;
    const hb_quote *x = &c->q[*(const size_t *)a], *y = &c->q[*(const size_t *)b];
    size_t xl = x->vend - x->vstart, yl = y->vend - y->vstart;
    int r = memcmp(c->view + x->vstart, c->view + y->vstart, xl < yl ? xl : yl);
    if (r || xl != yl)
        return r ? r : (xl > yl) - (xl < yl);
    return (x->ostart > y->ostart) - (x->ostart < y->ostart);
}

static int by_first(const void *a, const void *b)
{
    const hb_document *x = a, *y = b;
    return (x->vs > y->vs) - (x->vs < y->vs);
}

hb_status hb_documents_run(hb_doc *d)
{
    const struct hb_document_rules *rules = d->engine->documents;
    struct hb_documents_result *r = hb_arena_alloc(&d->arena, sizeof *r);
    hb_quote_list ql;
    if (!r || !hb_quotes(d, &ql))
        return HB_ERR_NOMEM;
    HB_VEC(size_t) occ = {0};
    int long_warned = 0;
    for (size_t i = 0; i < ql.n; i++) {
        const hb_quote *q = &ql.v[i];
        if (q->kind != HB_Q_TITLE || hb_quote_inside(&ql, i, HB_Q_TITLE))
            continue;
        if (too_long(d->view, q->vstart, q->vend)) {
            if (!long_warned++ &&
                !hb_doc_warn(d, "long-title", hb_doc_vline(d, q->ostart),
                             "a title in 《》 longer than %d characters was not taken for a document",
                             HB_TITLE_MAX_CHARS))
                return HB_ERR_NOMEM;
            continue;
        }
        if (!hb_vec_push(&d->arena, &occ, i))
            return HB_ERR_NOMEM;
    }
    sort_ctx sc = {d->view, ql.v};
    if (occ.n > 1)
        qsort_r(occ.v, occ.n, sizeof *occ.v, by_title, &sc);
    for (size_t i = 0; i < occ.n; i++) {
        const hb_quote *q = &ql.v[occ.v[i]], *prev = i > 0 ? &ql.v[occ.v[i - 1]] : NULL;
        if (prev && prev->vend - prev->vstart == q->vend - q->vstart &&
            memcmp(d->view + prev->vstart, d->view + q->vstart, q->vend - q->vstart) == 0) {
            r->docs.v[r->docs.n - 1].count++;
            continue;
        }
        const char *kind = title_kind(rules, d->view, d->paras.v[q->para].vstart, q->ostart, q->vstart, q->vend);
        hb_document doc = {q->vstart, q->vend, occ.v[i], 1, kind};
        if (!hb_vec_push(&d->arena, &r->docs, doc))
            return HB_ERR_NOMEM;
    }
    if (r->docs.n > 1)
        qsort(r->docs.v, r->docs.n, sizeof *r->docs.v, by_first);
    d->documents = r;
    return HB_OK;
}

/* "cites": the titles nested in title i, as written, each once; absent
 * when there are none. */
static void cites_json(hb_json_out *out, hb_doc *d, const hb_quote_list *ql, size_t i)
{
    HB_VEC(const char *) seen = {0};
    for (size_t j = i + 1; j < ql->n && ql->v[j].ostart < ql->v[i].oend; j++) {
        if (ql->v[j].kind == HB_Q_QUOTE)
            continue;
        const char *s = hb_doc_orig(d, ql->v[j].vstart, ql->v[j].vend);
        size_t k = 0;
        while (s && k < seen.n && strcmp(seen.v[k], s) != 0)
            k++;
        if (s && k == seen.n && hb_vec_push(&d->arena, &seen, s)) {
            if (k == 0)
                hb_json_array_open(out, "cites");
            hb_json_str(out, NULL, s);
        }
    }
    if (seen.n)
        hb_json_array_close(out);
}

void hb_documents_json(hb_doc *d, hb_json_out *out)
{
    const struct hb_documents_result *r = d->documents;
    hb_quote_list ql;
    hb_json_array_open(out, "documents");
    for (size_t i = 0; r && hb_quotes(d, &ql) && i < r->docs.n; i++) {
        const hb_document *doc = &r->docs.v[i];
        hb_json_object_open(out, NULL);
        hb_json_orig(out, "title", d, doc->vs, doc->ve);
        hb_json_int(out, "count", doc->count);
        hb_json_str(out, "kind", doc->kind);
        hb_json_line(out, "first_line", d, doc->vs);
        cites_json(out, d, &ql, doc->quote);
        hb_json_object_close(out);
    }
    hb_json_array_close(out);
}
