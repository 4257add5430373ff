/* Loading and looking up the metric rules of dict/ (see units.h). */
#include "units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static int push_word(hb_wordlist *l, const char *w, const char *cat, int line)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 32;
        hb_rule_word *nv = realloc(l->v, ncap * sizeof *nv);
        if (!nv)
            return 0;
        l->v = nv;
        l->cap = ncap;
    }
    hb_rule_word *r = &l->v[l->n];
    r->len = strlen(w);
    r->line = line;
    r->digits_only = 0;
    r->word = strdup(w);
    r->cat = cat ? strdup(cat) : NULL;
    if (!r->word || (cat && !r->cat)) {
        free(r->word);
        free(r->cat);
        return 0;
    }
    l->n++;
    if (r->len > l->maxlen)
        l->maxlen = r->len;
    if (r->len < 256)
        l->lens[r->len / 64] |= 1ull << (r->len % 64);
    return 1;
}

/* memcmp's order, by hand: rule words are short and a binary search's
 * comparisons end within a few bytes, sooner than a library call returns. */
static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
    return (an > bn) - (an < bn);
}

static int cmp_word(const void *a, const void *b)
{
    const hb_rule_word *x = a, *y = b;
    return cmp_bytes(x->word, x->len, y->word, y->len);
}

/* Sorts the list for lookups; the reader (HB_DICT_UNIQUE) refused a word
 * listed twice. */
static void finish(hb_wordlist *l)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp_word);
}

const hb_rule_word *hb_wordlist_find(const hb_wordlist *l, const char *s, size_t len)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = cmp_bytes(l->v[mid].word, l->v[mid].len, s, len);
        if (c == 0)
            return &l->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

static int may_have(const hb_wordlist *l, size_t n)
{
    return n >= 256 || (l->lens[n / 64] >> (n % 64) & 1);
}

/* Narrows [*lo, *hi), the entries that begin with the k bytes before c, to
 * those whose byte k is c.  In sorted order the entry of exactly k bytes
 * comes first, then the others by byte k, so both ends are binary searches. */
static void narrow(const hb_wordlist *l, size_t k, unsigned char c, size_t *lo, size_t *hi)
{
    size_t a = *lo, b = *hi;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (l->v[m].len <= k || (unsigned char)l->v[m].word[k] < c)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    for (b = *hi; a < b;) {
        size_t m = (a + b) / 2;
        if ((unsigned char)l->v[m].word[k] <= c)
            a = m + 1;
        else
            b = m;
    }
    *hi = a;
}

/* The longest entry that s starts with, ending at a character boundary:
 * one byte at a time, the entries sharing the bytes read so far are
 * narrowed until none is left. */
const hb_rule_word *hb_wordlist_prefix(const hb_wordlist *l, const char *s, size_t len)
{
    size_t n = len < l->maxlen ? len : l->maxlen, lo = 0, hi = l->n;
    const hb_rule_word *best = NULL;
    for (size_t k = 0; k < n && lo < hi; k++) {
        narrow(l, k, (unsigned char)s[k], &lo, &hi);
        if (lo < hi && l->v[lo].len == k + 1 && (k + 1 == len || !is_cont((unsigned char)s[k + 1])))
            best = &l->v[lo];
    }
    return best;
}

const hb_rule_word *hb_wordlist_suffix(const hb_wordlist *l, const char *s, size_t len)
{
    size_t n = len < l->maxlen ? len : l->maxlen;
    for (; n > 0; n--) {
        if (!may_have(l, n) || is_cont((unsigned char)s[len - n]))
            continue;
        const hb_rule_word *r = hb_wordlist_find(l, s + len - n, n);
        if (r)
            return r;
    }
    return NULL;
}

hb_status hb_wordlist_add_all(hb_wordlist *dst, const hb_wordlist *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (!push_word(dst, src->v[i].word, src->v[i].cat, src->v[i].line))
            return HB_ERR_NOMEM;
    finish(dst);
    return HB_OK;
}

void hb_wordlist_free(hb_wordlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].word);
        free(l->v[i].cat);
    }
    free(l->v);
}

/* unit<TAB>category, cue<TAB>category */
static int add_pair(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    (void)nf;
    if (!*f[0] || !*f[1])
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "empty field");
    if (!push_word(ctx, f[0], f[1], line))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    return 0;
}

static int add_word(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    (void)nf;
    if (!*f[0])
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "empty word");
    if (!push_word(ctx, f[0], NULL, line))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    return 0;
}

/* unit<TAB>category[<TAB>digits] */
static int add_unit(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    hb_wordlist *l = ctx;
    if (nf == 3 && strcmp(f[2], "digits"))
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "unknown flag \"%s\" (expected digits or nothing)", f[2]);
    if (add_pair(ctx, f, 2, file, line, err))
        return -1;
    l->v[l->n - 1].digits_only = nf == 3;
    return 0;
}

typedef struct {
    const char *const *kinds;
    hb_wordlist *const *lists;
    size_t n;
} kind_lists;

/* kind<TAB>word: the word goes to the list of its kind */
static int add_kind_word(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    const kind_lists *k = ctx;
    for (size_t i = 0; i < k->n; i++)
        if (!strcmp(f[0], k->kinds[i]))
            return add_word(k->lists[i], f + 1, nf - 1, file, line, err);
    char expected[128] = "";
    for (size_t i = 0; i < k->n; i++)
        snprintf(expected + strlen(expected), sizeof expected - strlen(expected), "%s%s",
                 i == 0 ? "" : i + 1 < k->n ? ", " : " or ", k->kinds[i]);
    return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "unknown kind \"%s\" (expected %s)", f[0], expected);
}

hb_status hb_kind_lists_read(const struct hb_engine *e, const char *name, const char *const *kinds,
                             hb_wordlist *const *lists, size_t n, hb_error *err)
{
    kind_lists k = {kinds, lists, n};
    hb_status st = hb_dict_read(e, name, 2, 2, HB_DICT_FOLD | HB_DICT_UNIQUE, add_kind_word, &k, err);
    for (size_t i = 0; st == HB_OK && i < n; i++)
        finish(lists[i]);
    return st;
}

hb_status hb_wordlist_read(const struct hb_engine *e, const char *name, int nfields, hb_wordlist *l,
                           hb_error *err)
{
    hb_status st = hb_dict_read(e, name, nfields, nfields, HB_DICT_FOLD | HB_DICT_UNIQUE | HB_DICT_KEY(0),
                                nfields == 1 ? add_word : add_pair, l, err);
    if (st == HB_OK)
        finish(l);
    return st;
}

int hb_cue_masked(const char *mask, size_t mlen, const char *s, size_t len, size_t at, size_t n)
{
    const char *gap = memmem(mask, mlen, "...", 3);
    if (gap) {
        size_t al = (size_t)(gap - mask), bl = mlen - al - 3;
        const char *a = memmem(s, len, mask, al);
        if (!a || (size_t)(a - s) > at)
            return 0;
        for (const char *b = a + al; (b = memmem(b, len - (size_t)(b - s), gap + 3, bl)); b++)
            if ((size_t)(b - s) + bl >= at + n)
                return 1;
        return 0;
    }
    if (mlen < n)
        return 0;
    size_t lo = at + n > mlen ? at + n - mlen : 0;
    const char *hit = memmem(s + lo, len - lo, mask, mlen);
    return hit && (size_t)(hit - s) <= at;
}

hb_status hb_units_load(struct hb_engine *e, hb_error *err)
{
    hb_status st = hb_dict_read(e, "units.txt", 2, 3, HB_DICT_FOLD | HB_DICT_UNIQUE | HB_DICT_KEY(0), add_unit,
                                &e->units, err);
    if (st == HB_OK)
        finish(&e->units);
    return st;
}

void hb_units_unload(struct hb_engine *e)
{
    hb_wordlist_free(&e->units);
}

hb_status hb_metric_rules_load(struct hb_engine *e, hb_error *err)
{
    struct hb_metric_rules *r = e->metrics = calloc(1, sizeof *r);
    if (!r)
        return HB_ERR_NOMEM;
    hb_status st;
    if ((st = hb_kind_lists_read(e, "metric_exclusions.txt",
                                 (const char *const[]){"before", "after", "word", "numeral"},
                                 (hb_wordlist *const[]){&r->before, &r->after, &r->words, &r->numerals}, 4, err)) ||
        (st = hb_wordlist_read(e, "metric_verbs.txt", 1, &r->verbs, err)) ||
        (st = hb_wordlist_read(e, "metric_approx.txt", 1, &r->bounds, err)) ||
        (st = hb_wordlist_add_all(&r->bounds, &e->numerals.bound)) ||
        (st = hb_wordlist_read(e, "metric_refined.txt", 1, &r->refined, err)) ||
        (st = hb_kind_lists_read(e, "metric_targets.txt", (const char *const[]){"target", "not"},
                                 (hb_wordlist *const[]){&r->targets, &r->not_targets}, 2, err)) ||
        (st = hb_kind_lists_read(e, "metric_phrases.txt", (const char *const[]){"suffix", "compare", "noun"},
                                 (hb_wordlist *const[]){&r->suffixes, &r->compares, &r->nouns}, 3, err)))
        return st;
    /* cues stay in file order: the first one found in a subject wins */
    return hb_dict_read(e, "metric_subjects.txt", 2, 2, HB_DICT_FOLD | HB_DICT_KEY(0), add_pair, &r->subjects,
                        err);
}

void hb_metric_rules_free(struct hb_metric_rules *r)
{
    if (!r)
        return;
    hb_wordlist *all[] = {&r->before, &r->after, &r->words, &r->numerals, &r->verbs,
                          &r->bounds, &r->subjects, &r->suffixes, &r->compares, &r->nouns, &r->refined,
                          &r->targets, &r->not_targets};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        hb_wordlist_free(all[i]);
    free(r);
}
