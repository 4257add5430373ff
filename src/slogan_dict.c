/* The formulation dictionary (see slogans.h): surfaces folded like the view,
 * a sorted index for exact lookups of quoted terms, and one automaton for
 * finding every surface in running text. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aho.h"
#include "arena.h"
#include "engine.h"
#include "normalize.h"
#include "rules.h"
#include "slogans.h"
#include "units.h"

typedef struct {
    char *surface;    /* folded term or alias */
    size_t len;
    int canon;        /* entry of the canonical term */
    int file, line;   /* where it is listed: files[file] */
    char *written;    /* canonical entries: the term as written in the file */
    char *category;   /* canonical entries only */
} sd_entry;

struct hb_slogan_dict {
    sd_entry *e;
    size_t n, cap;
    int *order;       /* entries sorted by surface */
    hb_ac *ac;
    const hb_wordlist *cats; /* the categories a term may have; NULL: any */
    char **files;     /* the shipped file, then each overlay's */
    size_t nfiles;
    hb_arena mem;     /* the entries' strings: one allocation per block, not three per entry */
};

static int push_entry(struct hb_slogan_dict *sd, const char *raw, size_t rawlen, int canon, int line,
                      const char *category)
{
    if (sd->n == sd->cap) {
        size_t cap = sd->cap ? sd->cap * 2 : 512;
        sd_entry *e = realloc(sd->e, cap * sizeof *e);
        if (!e)
            return 0;
        sd->e = e;
        sd->cap = cap;
    }
    char *w = hb_arena_strndup(&sd->mem, raw, rawlen), *f = w;
    if (w && !hb_fold_is_identity(w, rawlen)) {
        char *folded = hb_fold_cstr(w);
        f = folded ? hb_arena_strndup(&sd->mem, folded, strlen(folded)) : NULL;
        free(folded);
    }
    sd_entry *x = &sd->e[sd->n];
    *x = (sd_entry){f, f ? strlen(f) : 0, canon < 0 ? (int)sd->n : canon, (int)sd->nfiles - 1, line, NULL, NULL};
    if (f && canon < 0) {
        x->written = w;
        x->category = hb_arena_strndup(&sd->mem, category, strlen(category));
    }
    sd->n++;
    return f && (canon >= 0 || x->category);
}

static int add_line(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    struct hb_slogan_dict *sd = ctx;
    size_t tl = strlen(f[0]);
    while (tl > 0 && f[0][tl - 1] == ' ')
        tl--;
    if (tl == 0 || f[1][0] == '\0')
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "empty term or category");
    if (sd->cats && !hb_wordlist_find(sd->cats, f[1], strlen(f[1])))
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "unknown category \"%s\" (not in slogan_categories.txt)", f[1]);
    if (!sd->nfiles || strcmp(sd->files[sd->nfiles - 1], file)) {
        char **files = realloc(sd->files, (sd->nfiles + 1) * sizeof *files);
        if (files)
            sd->files = files;
        if (!files || !(files[sd->nfiles] = strdup(file)))
            return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
        sd->nfiles++;
    }
    int canon = (int)sd->n;
    if (!push_entry(sd, f[0], tl, -1, line, f[1]))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    for (char *a = nf > 2 ? f[2] : NULL; a && *a;) {
        char *bar = strchr(a, '|');
        size_t al = bar ? (size_t)(bar - a) : strlen(a);
        if (al == 0)
            return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "empty alias");
        if (!push_entry(sd, a, al, canon, line, NULL))
            return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
        a = bar ? bar + 1 : NULL;
    }
    return 0;
}

static int cmp_surface(const char *a, size_t al, const char *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c ? c : (al > bl) - (al < bl);
}

hb_status hb_slogan_dict_read(const struct hb_engine *e, const char *name, const hb_wordlist *cats,
                              struct hb_slogan_dict **out, hb_error *err)
{
    struct hb_slogan_dict *sd = calloc(1, sizeof *sd);
    *out = NULL;
    if (!sd)
        return HB_ERR_NOMEM;
    sd->cats = cats;
    /* an overlay's line replaces the shipped line of its term */
    hb_status st = hb_dict_read(e, name, 2, 3, HB_DICT_KEY(0), add_line, sd, err);
    /* by surface, then where listed: entries are in file and line order */
    if (st == HB_OK && (!(sd->order = malloc((sd->n ? sd->n : 1) * sizeof *sd->order)) ||
                        !hb_sort_strings(sd->order, sd->e, sd->n, sizeof *sd->e, offsetof(sd_entry, surface),
                                         offsetof(sd_entry, len), -1)))
        st = HB_ERR_NOMEM;
    if (st == HB_OK) {
        /* A surface listed under two terms would be counted under either;
         * an alias that folds to its own term (党建＋|党建+) is harmless. */
        for (size_t i = 1; i < sd->n && st == HB_OK; i++) {
            const sd_entry *a = &sd->e[sd->order[i - 1]], *b = &sd->e[sd->order[i]];
            if (cmp_surface(a->surface, a->len, b->surface, b->len) == 0 && a->canon != b->canon) {
                if (a->file == b->file)
                    hb_dict_fail(err, HB_ERR_DICT, sd->files[b->file], b->line, 0,
                                 "\"%s\" already listed on line %d", b->surface, a->line);
                else
                    hb_dict_fail(err, HB_ERR_DICT, sd->files[b->file], b->line, 0,
                                 "\"%s\" already listed in %s:%d", b->surface, sd->files[a->file], a->line);
                st = hb_dict_fault(e, err);
            }
        }
    }
    if (st == HB_OK && !(sd->ac = hb_ac_new()))
        st = HB_ERR_NOMEM;
    for (size_t i = 0; i < sd->n && st == HB_OK; i++)
        if (!hb_ac_add(sd->ac, sd->e[i].surface, sd->e[i].len, (int)i))
            st = HB_ERR_NOMEM;
    if (st == HB_OK)
        st = hb_engine_build_ac(e, sd->ac, err);
    if (st != HB_OK) {
        if (st == HB_ERR_NOMEM && err && !err->code)
            hb_dict_fail(err, st, name, 0, 0, "out of memory");
        hb_slogan_dict_free(sd);
        return st;
    }
    *out = sd;
    return HB_OK;
}

void hb_slogan_dict_free(struct hb_slogan_dict *sd)
{
    if (!sd)
        return;
    hb_arena_release(&sd->mem);
    for (size_t i = 0; i < sd->nfiles; i++)
        free(sd->files[i]);
    free(sd->files);
    free(sd->e);
    free(sd->order);
    hb_ac_free(sd->ac);
    free(sd);
}

size_t hb_slogan_dict_size(const struct hb_slogan_dict *sd)
{
    return sd->n;
}

int hb_slogan_dict_find(const struct hb_slogan_dict *sd, const char *s, size_t len)
{
    size_t lo = 0, hi = sd->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const sd_entry *x = &sd->e[sd->order[mid]];
        if (cmp_surface(x->surface, x->len, s, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < sd->n) {
        const sd_entry *x = &sd->e[sd->order[lo]];
        if (cmp_surface(x->surface, x->len, s, len) == 0)
            return sd->order[lo];
    }
    return -1;
}

const char *hb_slogan_dict_category(const struct hb_slogan_dict *sd, int i)
{
    return sd->e[sd->e[i].canon].category;
}

const char *hb_slogan_dict_canonical(const struct hb_slogan_dict *sd, int i)
{
    return sd->e[i].canon == i ? NULL : sd->e[sd->e[i].canon].written;
}

int hb_slogan_dict_scan(const struct hb_slogan_dict *sd, const char *s, size_t len,
                        int (*fn)(void *ctx, size_t start, size_t end, int entry), void *ctx)
{
    return hb_ac_scan(sd->ac, s, len, fn, ctx);
}
