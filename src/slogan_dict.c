/* The formulation dictionary (see slogans.h): surfaces folded like the view,
 * and one automaton for finding every surface in running text, which also
 * answers the exact lookups of quoted terms (hb_ac_find). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aho.h"
#include "arena.h"
#include "engine.h"
#include "hash.h"
#include "normalize.h"
#include "rules.h"
#include "slogans.h"
#include "units.h"

typedef struct {
    const char *surface; /* folded term or alias; in sd->mem, or in the rules file */
    size_t len;
    int canon;        /* entry of the canonical term */
    int file, line;   /* where it is listed: files[file] */
    const char *written; /* canonical entries: the term as written in the file */
    const char *category; /* canonical entries only */
} sd_entry;

struct hb_slogan_dict {
    sd_entry *e;
    size_t n, cap;
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

/* ---- the entries as rulec compiled them ----
 * A head (with the key of the entries' automaton), the entries (offsets of their strings in the text; UINT64_MAX:
 * none), the text.  From a rules file they may be damaged or crafted:
 * every offset and entry is checked. */
struct sd_head {
    uint64_t n, text;
    unsigned char ac_key[32]; /* hb_ac_key of the automaton of the surfaces */
};

struct sd_rec {
    uint64_t surface, len, written, category;
    int32_t canon, line;
};

/* The text's bytes of s (with its NUL), 0 for NULL. */
static size_t sd_strsize(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static void *sd_save(const struct hb_slogan_dict *sd, size_t *size)
{
    size_t text = 0;
    for (size_t i = 0; i < sd->n; i++)
        text += sd->e[i].len + 1 + sd_strsize(sd->e[i].written) + sd_strsize(sd->e[i].category);
    *size = sizeof(struct sd_head) + sd->n * sizeof(struct sd_rec) + hb_pad8(text);
    char *b = calloc(1, *size);
    if (!b)
        return NULL;
    struct sd_head h = {sd->n, text, {0}};
    memcpy(h.ac_key, hb_ac_key(sd->ac), sizeof h.ac_key);
    memcpy(b, &h, sizeof h);
    struct sd_rec *r = (struct sd_rec *)(b + sizeof h);
    char *t0 = (char *)(r + sd->n), *t = t0;
    for (size_t i = 0; i < sd->n; i++) {
        const sd_entry *x = &sd->e[i];
        r[i] = (struct sd_rec){(uint64_t)(t - t0), x->len, UINT64_MAX, UINT64_MAX, x->canon, x->line};
        memcpy(t, x->surface, x->len + 1);
        t += x->len + 1;
        if (x->written) {
            r[i].written = (uint64_t)(t - t0);
            t = stpcpy(t, x->written) + 1;
        }
        if (x->category) {
            r[i].category = (uint64_t)(t - t0);
            t = stpcpy(t, x->category) + 1;
        }
    }
    return b;
}

/* Is r[0..n) a dictionary over text[0..tn): strings inside it, each entry's
 * canonical entry a term with its written form and category? */
static int sd_ok(const struct sd_rec *r, size_t n, const char *text, uint64_t tn)
{
    if (tn && text[tn - 1])
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].surface >= tn || r[i].len >= tn - r[i].surface || text[r[i].surface + r[i].len] ||
            (r[i].written != UINT64_MAX && r[i].written >= tn) || (r[i].category != UINT64_MAX && r[i].category >= tn) ||
            r[i].canon < 0 || (uint64_t)r[i].canon >= n)
            return 0;
        const struct sd_rec *c = &r[r[i].canon];
        if (c->canon != r[i].canon || c->written == UINT64_MAX || c->category == UINT64_MAX)
            return 0;
    }
    return 1;
}

/* Takes the entries from blob into the empty sd, the key of their
 * automaton into ac_key: HB_OK, HB_ERR_DICT when damaged, HB_ERR_NOMEM.
 * trusted (the program's own image): its entries are not checked. */
static hb_status sd_load(struct hb_slogan_dict *sd, const char *blob, size_t size, unsigned char *ac_key,
                         int trusted)
{
    struct sd_head h;
    if (size < sizeof h)
        return HB_ERR_DICT;
    memcpy(&h, blob, sizeof h);
    size_t left = size - sizeof h;
    if (h.n > left / sizeof(struct sd_rec) || h.n > INT32_MAX || h.text > left ||
        h.n * sizeof(struct sd_rec) + hb_pad8(h.text) != left)
        return HB_ERR_DICT;
    const struct sd_rec *r = (const struct sd_rec *)(blob + sizeof h);
    const char *t0 = (const char *)(r + h.n);
    if (!trusted && !sd_ok(r, h.n, t0, h.text))
        return HB_ERR_DICT;
    memcpy(ac_key, h.ac_key, sizeof h.ac_key);
    if (!(sd->e = malloc((h.n ? h.n : 1) * sizeof *sd->e)))
        return HB_ERR_NOMEM;
    /* the strings stay in the rules file, which the engine keeps to its
     * end (its automata point into it too): not copied, 35 KB at start */
    for (size_t i = 0; i < h.n; i++)
        sd->e[i] = (sd_entry){t0 + r[i].surface, r[i].len, r[i].canon, 0, r[i].line,
                              r[i].written == UINT64_MAX ? NULL : t0 + r[i].written,
                              r[i].category == UINT64_MAX ? NULL : t0 + r[i].category};
    sd->n = sd->cap = h.n;
    return HB_OK;
}

/* The key of the dictionary made of the file name with these categories
 * (NULL: any), 0 when there is none (hb_dict_file_key). */
static int sd_key(const struct hb_engine *e, const char *name, const hb_wordlist *cats, unsigned char key[32])
{
    uint64_t h[2] = {0x736C6F67616E6463ull, cats ? cats->n : UINT64_MAX};
    for (size_t i = 0; cats && i < cats->n; i++)
        hb_hash_mix(h, cats->v[i].word, cats->v[i].len + 1);
    char what[64];
    /* "slogans3": the head holds the automaton's key and no sorted order
     * follows the entries (a file of an older form misses) */
    snprintf(what, sizeof what, "slogans3 %016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
    return hb_dict_file_key(e, name, what, key);
}

/* The entries of the file's lines, a surface listed under two terms
 * refused (told by sorting them). */
static hb_status sd_read(const struct hb_engine *e, struct hb_slogan_dict *sd, const char *name, hb_error *err)
{
    /* an overlay's line replaces the shipped line of its term */
    hb_status st = hb_dict_read(e, name, 2, 3, HB_DICT_KEY(0), add_line, sd, err);
    /* by surface, then where listed: entries are in file and line order */
    int *order = st == HB_OK ? malloc((sd->n ? sd->n : 1) * sizeof *order) : NULL;
    if (st == HB_OK && (!order || !hb_sort_strings(order, sd->e, sd->n, sizeof *sd->e, offsetof(sd_entry, surface),
                                                   offsetof(sd_entry, len), -1)))
        st = HB_ERR_NOMEM;
    if (st == HB_OK) {
        /* A surface listed under two terms would be counted under either;
         * an alias that folds to its own term (党建＋|党建+) is harmless. */
        for (size_t i = 1; i < sd->n && st == HB_OK; i++) {
            const sd_entry *a = &sd->e[order[i - 1]], *b = &sd->e[order[i]];
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
    free(order);
    return st;
}

/* The automaton of the entries taken from the blob rulec filed under
 * key, their hb_ac_key, when the program's own rules image holds it (its
 * entries were taken from there): 1; else 0, the automaton untouched (its
 * patterns are then added and it is built or adopted as ever). */
static int sd_automaton(const struct hb_engine *e, hb_ac *ac, const unsigned char *key)
{
    size_t size;
    const void *b = hb_rules_builtin(e->rules) ? hb_rules_find(e->rules, key, &size) : NULL;
    return b && hb_ac_adopt_vouched(ac, key, b, size);
}

hb_status hb_slogan_dict_read(const struct hb_engine *e, const char *name, const hb_wordlist *cats,
                              struct hb_slogan_dict **out, hb_error *err)
{
    struct hb_slogan_dict *sd = calloc(1, sizeof *sd);
    *out = NULL;
    if (!sd)
        return HB_ERR_NOMEM;
    sd->cats = cats;
    unsigned char key[32], ac_key[32];
    size_t size = 0;
    int keyed = sd_key(e, name, cats, key);
    const char *blob = keyed && !e->record ? hb_rules_find(e->rules, key, &size) : NULL;
    hb_status st = blob ? sd_load(sd, blob, size, ac_key, hb_rules_builtin(e->rules)) : sd_read(e, sd, name, err);
    if (blob && st == HB_ERR_DICT)
        hb_rules_damaged(e, err);
    if (st == HB_OK && !(sd->ac = hb_ac_new()))
        st = HB_ERR_NOMEM;
    int whole = st == HB_OK && blob && sd_automaton(e, sd->ac, ac_key);
    for (size_t i = 0; i < sd->n && st == HB_OK && !whole; i++)
        if (!hb_ac_add(sd->ac, sd->e[i].surface, sd->e[i].len, (int)i))
            st = HB_ERR_NOMEM;
    if (st == HB_OK && !whole)
        st = hb_engine_build_ac(e, sd->ac, err);
    if (st == HB_OK && keyed && e->record) {
        void *made = sd_save(sd, &size);
        st = made ? hb_rules_record_blob(e->record, key, made, size) : HB_ERR_NOMEM;
    }
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
    hb_ac_free(sd->ac);
    free(sd);
}

size_t hb_slogan_dict_size(const struct hb_slogan_dict *sd)
{
    return sd->n;
}

int hb_slogan_dict_find(const struct hb_slogan_dict *sd, const char *s, size_t len)
{
    return hb_ac_find(sd->ac, s, len); /* each entry's value is its index */
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
