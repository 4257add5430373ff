/* Word segmentation for the report: the engine's lexicon (jieba's dict.txt,
 * plus dict/lexicon.txt and every slogan so that 一岗双责 stays whole) and
 * the top content words (the 词频 analysts read reports by). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"
#include "extract.h"
#include "hash.h"
#include "lexicon.h"
#include "segment.h"
#include "normalize.h"
#include "words.h"

struct hb_term_rules {
    hb_wordlist stop;  /* stopwords.txt, hashed (units.h) */
};

typedef struct {
    const char *word;  /* in the view, not NUL-terminated */
    size_t len;
    int count;
    size_t first;      /* view offset of the first occurrence */
} term_count;

struct hb_terms_result {
    term_count *top;
    size_t n;
};

hb_status hb_terms_load(struct hb_engine *e, hb_error *err)
{
    e->terms = calloc(1, sizeof *e->terms);
    if (!e->terms)
        return HB_ERR_NOMEM;
    return hb_wordlist_read(e, "stopwords.txt", 1, &e->terms->stop, err);
}

void hb_terms_unload(struct hb_engine *e)
{
    if (e->terms) {
        hb_wordlist_free(&e->terms->stop);
        free(e->terms);
    }
}

/* Open-addressing table of word counts for one report: every word of two
 * characters or more is counted, and whether it is a content word is asked
 * once per distinct word, not per occurrence. */
typedef struct {
    hb_doc *d;
    const char *base;
    term_count *slots;
    size_t cap, used;
    int failed;
} counter;

static int is_content(const hb_doc *d, const char *w, size_t n)
{
    if (n < 6) /* single characters carry little meaning on their own */
        return 0;
    int cp = 0;
    for (size_t i = 0; i < n; i += (size_t)hb_utf8_len((unsigned char)w[i])) {
        hb_utf8_next(w + i, n - i, &cp);
        if (!hb_is_han(cp))
            return 0;
    }
    if (hb_wordlist_find(&d->engine->terms->stop, w, n))
        return 0;
    /* keep nouns, verbs, idioms and abbreviations; untagged added words too */
    const char *tag = hb_lexicon_tag(d->engine->lexicon, w, n);
    return !tag || tag[0] == 'n' || tag[0] == 'v' || tag[0] == 'l' || tag[0] == 'i' ||
           tag[0] == 'j';
}

static int grow(counter *c)
{
    size_t ncap = c->cap ? c->cap * 2 : 1024;
    term_count *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return 0;
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slots[i].word)
            continue;
        size_t h = hb_hash_bytes(c->slots[i].word, c->slots[i].len) & (ncap - 1);
        while (ns[h].word)
            h = (h + 1) & (ncap - 1);
        ns[h] = c->slots[i];
    }
    free(c->slots);
    c->slots = ns;
    c->cap = ncap;
    return 1;
}

static void count_word(void *ctx, size_t start, size_t end)
{
    counter *c = ctx;
    const char *w = c->base + start;
    size_t n = end - start;
    if (c->failed || n < 6) /* the rest of is_content once per distinct word, at the end */
        return;
    if ((c->used + 1) * 2 > c->cap && !grow(c)) {
        c->failed = 1;
        return;
    }
    size_t h = hb_hash_bytes(w, n) & (c->cap - 1);
    while (c->slots[h].word && !(c->slots[h].len == n && memcmp(c->slots[h].word, w, n) == 0))
        h = (h + 1) & (c->cap - 1);
    if (!c->slots[h].word) {
        c->slots[h] = (term_count){w, n, 0, (size_t)(w - c->d->view)};
        c->used++;
    }
    c->slots[h].count++;
}

/* More frequent first, then earlier first: a total order (first is unique). */
static int before(const term_count *x, const term_count *y)
{
    return x->count != y->count ? x->count > y->count : x->first < y->first;
}

/* Moves the `top` first content words in that order to the front of the
 * table; returns how many there are.  An insertion into a list of `top`
 * instead of sorting every distinct word: a report has hundreds. */
static size_t select_top(hb_doc *d, term_count *slots, size_t cap, size_t top)
{
    size_t n = 0;
    for (size_t i = 0; top && i < cap; i++) {
        if (!slots[i].word || (n == top && !before(&slots[i], &slots[n - 1])) ||
            !is_content(d, slots[i].word, slots[i].len))
            continue;
        term_count t = slots[i];
        size_t k = n < top ? n++ : n - 1; /* the slot t may take: a free one, or the last */
        while (k > 0 && before(&t, &slots[k - 1])) {
            slots[k] = slots[k - 1];
            k--;
        }
        slots[k] = t;
    }
    return n;
}

hb_status hb_terms_run(hb_doc *d)
{
    int top = d->opts.top_terms == 0 ? 20 : d->opts.top_terms;
    if (top < 0)
        return HB_OK;
    counter c = {.d = d};
    for (size_t p = 0; p < d->paras.n && !c.failed; p++) {
        const hb_para *pa = &d->paras.v[p];
        if (pa->role != HB_PARA_BODY)
            continue;
        c.base = d->view + pa->vstart;
        /* jieba's own words: gluing numbers whole never changes a word
         * holding a Han character, and only those are counted */
        if (hb_segment(d->engine->lexicon, c.base, pa->vend - pa->vstart, 0, count_word, &c) != HB_OK)
            c.failed = 1;
    }
    hb_status st = c.failed ? HB_ERR_NOMEM : HB_OK;
    if (st == HB_OK) {
        size_t n = select_top(d, c.slots, c.cap, (size_t)top);
        d->terms = hb_arena_alloc(&d->arena, sizeof *d->terms);
        term_count *keep = hb_arena_alloc(&d->arena, (n + 1) * sizeof *keep);
        if (!d->terms || !keep) {
            st = HB_ERR_NOMEM;
        } else {
            if (n)
                memcpy(keep, c.slots, n * sizeof *keep);
            d->terms->top = keep;
            d->terms->n = n;
        }
    }
    free(c.slots);
    return st;
}

void hb_terms_json(hb_doc *d, hb_json_out *out)
{
    hb_json_array_open(out, "terms"); /* empty, not absent, under --top 0: the shape stays the same */
    for (size_t i = 0; d->terms && i < d->terms->n; i++) {
        const term_count *t = &d->terms->top[i];
        hb_json_object_open(out, NULL);
        hb_json_strn(out, "term", t->word, t->len);
        hb_json_int(out, "count", t->count);
        hb_json_object_close(out);
    }
    hb_json_array_close(out);
}
