/* Loading and looking up the metric rules of dict/ (see units.h). */
#include "units.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "hash.h"
#include "normalize.h"
#include "rules.h"

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Where the last character of s[0..len) starts (len > 0), a text cut
 * inside a character too.  A three-byte character, most Han, is told by
 * its lead three back and the two bytes after it, the walk's answer. */
static inline __attribute__((always_inline)) size_t tail_start(const char *s, size_t len)
{
    if (len >= 3 && ((unsigned char)s[len - 3] & 0xF0) == 0xE0 && is_cont((unsigned char)s[len - 2]) &&
        is_cont((unsigned char)s[len - 1]))
        return len - 3;
    size_t j = len - 1;
    while (j > 0 && is_cont((unsigned char)s[j]))
        j--;
    return j;
}

/* A block of a list's words: each word and its category copied once into
 * it, not allocated one by one. */
struct hb_word_block {
    struct hb_word_block *next;
    size_t used, cap;
    char data[];
};

/* Room for n bytes of text in l's blocks, each twice the last (up to 8 KiB:
 * most lists are short); NULL when out of memory. */
static char *word_room(hb_wordlist *l, size_t n)
{
    struct hb_word_block *b = l->text;
    if (!b || b->cap - b->used < n) {
        size_t cap = !b ? 256 : b->cap < 8192 ? 2 * b->cap : b->cap;
        if (cap < n)
            cap = n;
        if (!(b = malloc(sizeof *b + cap)))
            return NULL;
        *b = (struct hb_word_block){l->text, 0, cap};
        l->text = b;
    }
    b->used += n;
    return b->data + b->used - n;
}

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
    size_t cl = cat ? strlen(cat) + 1 : 0;
    if (!(r->word = word_room(l, r->len + 1 + cl)))
        return 0;
    memcpy(r->word, w, r->len + 1);
    r->cat = cat ? memcpy(r->word + r->len + 1, cat, cl) : NULL;
    l->n++;
    if (r->len > l->maxlen)
        l->maxlen = r->len;
    if (r->len < 256)
        l->lens[r->len / 64] |= 1ull << (r->len % 64);
    if (r->len) {
        unsigned h = hb_word_char_key(w, hb_word_head_len(w, r->len));
        size_t t = tail_start(w, r->len);
        l->heads[h / 64] |= 1ull << (h % 64);
        h = hb_word_char_key(w + t, r->len - t);
        l->tails[h / 64] |= 1ull << (h % 64);
    }
    return 1;
}

/* The FNV-1a step of hb_hash_bytes, so a prefix's hash grows a byte at a time. */
static uint64_t hash_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * 1099511628211ull;
}

/* One record being sorted, 16 bytes to move: its string's first 8 bytes
 * big-endian (most comparisons end there, without a call), the
 * tie-breaker, its index (its string in the sort's arrays). */
typedef struct {
    uint64_t head;
    int tie, i;
} sort_item;

typedef struct {
    const char **s;
    size_t *len;
} sort_strs;

static int item_cmp(const sort_strs *t, const sort_item *a, const sort_item *b)
{
    if (a->head != b->head)
        return a->head < b->head ? -1 : 1;
    size_t la = t->len[a->i], lb = t->len[b->i], n = la < lb ? la : lb;
    int c = n > 8 ? memcmp(t->s[a->i] + 8, t->s[b->i] + 8, n - 8) : 0;
    if (!c)
        c = (la > lb) - (la < lb);
    return c ? c : (a->tie > b->tie) - (a->tie < b->tie);
}

enum { SORT_RUN = 8 }; /* sorted by insertion first: three merge passes fewer */

int hb_sort_strings(int *order, const void *base, size_t n, size_t stride, size_t str_off, size_t len_off,
                    long tie_off)
{
    size_t m = n ? n : 1;
    sort_item *v = malloc(2 * m * sizeof *v), *tmp = v ? v + m : NULL;
    sort_strs t = {malloc(m * sizeof *t.s), malloc(m * sizeof *t.len)};
    int ok = v && t.s && t.len;
    for (size_t i = 0; ok && i < n; i++) {
        const char *rec = (const char *)base + i * stride;
        memcpy(&t.s[i], rec + str_off, sizeof *t.s);
        memcpy(&t.len[i], rec + len_off, sizeof *t.len);
        unsigned char b[8] = {0};
        memcpy(b, t.s[i], t.len[i] < 8 ? t.len[i] : 8);
        uint64_t h = 0;
        for (int k = 0; k < 8; k++)
            h = h << 8 | b[k];
        v[i] = (sort_item){h, 0, (int)i};
        if (tie_off >= 0)
            memcpy(&v[i].tie, rec + tie_off, sizeof v[i].tie);
    }
    /* stable throughout: records equal in string and tie keep their order */
    for (size_t lo = 0; ok && lo < n; lo += SORT_RUN)
        for (size_t i = lo + 1; i < n && i < lo + SORT_RUN; i++) {
            sort_item x = v[i];
            size_t k = i;
            for (; k > lo && item_cmp(&t, &x, &v[k - 1]) < 0; k--)
                v[k] = v[k - 1];
            v[k] = x;
        }
    for (size_t w = SORT_RUN; ok && w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n, a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                tmp[k++] = item_cmp(&t, &v[b], &v[a]) < 0 ? v[b++] : v[a++];
            while (a < mid)
                tmp[k++] = v[a++];
            while (b < hi)
                tmp[k++] = v[b++];
        }
        sort_item *x = v;
        v = tmp;
        tmp = x;
    }
    for (size_t i = 0; ok && i < n; i++)
        order[i] = v[i].i;
    free(v < tmp ? v : tmp); /* the one allocation, whichever half holds the result */
    free(t.s);
    free(t.len);
    return ok;
}

/* The slot of index slots (mask: its size - 1) holding s[0..len) (hash h),
 * or the empty slot where it goes; the keys are the entries' first len
 * bytes, or with ends their last. */
static inline __attribute__((always_inline)) hb_word_slot *slot_in(const hb_wordlist *l, hb_word_slot *slots,
                                                                   size_t mask, int ends, uint64_t h,
                                                                   const char *s, size_t len)
{
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        hb_word_slot *t = &slots[i];
        if (!t->entry)
            return t;
        const hb_rule_word *w = &l->v[t->entry - 1];
        if (t->hash == h && t->len == len && hb_same_bytes(ends ? w->word + w->len - len : w->word, s, len))
            return t;
    }
}

/* slot_in of the entries' index; inline in the lookups, which probe it
 * at each character of a prefix (a measure word is asked after every
 * number). */
static inline __attribute__((always_inline)) hb_word_slot *slot_of(const hb_wordlist *l, uint64_t h, const char *s,
                                                                  size_t len)
{
    return slot_in(l, l->slots, l->mask, 0, h, s, len);
}

/* Puts entry i's first (ends: last) len bytes in that index; an entry wins
 * over a mere prefix or ending, the first of equal entries
 * (hb_wordlist_add_all) over the others. */
static void index_key(hb_wordlist *l, int ends, size_t i, size_t len, uint64_t h)
{
    const hb_rule_word *w = &l->v[i];
    hb_word_slot *t = ends ? slot_in(l, l->ends, l->ends_mask, 1, h, w->word + w->len - len, len)
                           : slot_of(l, h, w->word, len);
    if (!t->entry || (len == w->len && l->v[t->entry - 1].len != len))
        *t = (hb_word_slot){h, (uint32_t)(i + 1), (uint32_t)len};
}

/* A zeroed index for one key per character of every entry, kept at most
 * half full (a table sized by bytes was three times too large for Chinese
 * words, and zeroing it cost more than indexing); NULL when out of memory. */
static hb_word_slot *index_table(const hb_wordlist *l, size_t *mask)
{
    size_t keys = 0, size = 8;
    for (size_t i = 0; i < l->n; i++)
        for (size_t k = 0; k < l->v[i].len; k++)
            keys += !is_cont((unsigned char)l->v[i].word[k]);
    while (size < 2 * keys)
        size *= 2;
    *mask = size - 1;
    return calloc(size, sizeof(hb_word_slot));
}

/* No hash index: freed, unless it lies in the program's rules image. */
static void drop_slots(hb_wordlist *l)
{
    if (!l->lent_slots)
        free(l->slots);
    l->slots = NULL;
    l->lent_slots = 0;
}

/* Indexes every entry's endings at character boundaries, each hashed from
 * the entry's last byte back, as hb_wordlist_suffix reads a text, when the
 * list's owner asked for it (want_ends).  Returns 0 when out of memory. */
static int index_ends(hb_wordlist *l)
{
    free(l->ends);
    l->ends = NULL;
    if (!l->want_ends)
        return 1;
    if (!(l->ends = index_table(l, &l->ends_mask)))
        return 0;
    for (size_t i = 0; i < l->n; i++) {
        const char *w = l->v[i].word;
        size_t len = l->v[i].len;
        uint64_t h = hb_hash_bytes("", 0);
        for (size_t k = 1; k <= len; k++) {
            h = hash_step(h, (unsigned char)w[len - k]);
            if (!is_cont((unsigned char)w[len - k]))
                index_key(l, 1, i, k, h);
        }
    }
    return 1;
}

/* Sorts the list by its words (memcmp's order; by_line: a word listed
 * twice in one file, without HB_DICT_UNIQUE, earlier line first; else
 * equal words keep their order) and indexes it for lookups: a word listed
 * twice is found as its first entry.  Returns 0 when out of memory. */
static int index_sorted(hb_wordlist *l, int by_line)
{
    int *order = malloc((l->n ? l->n : 1) * sizeof *order);
    hb_rule_word *v = malloc((l->cap ? l->cap : 1) * sizeof *v);
    if (!order || !v || !hb_sort_strings(order, l->v, l->n, sizeof *l->v, offsetof(hb_rule_word, word),
                                         offsetof(hb_rule_word, len), by_line ? (long)offsetof(hb_rule_word, line) : -1)) {
        free(order);
        free(v);
        return 0;
    }
    for (size_t i = 0; i < l->n; i++)
        v[i] = l->v[order[i]];
    free(order);
    free(l->v);
    l->v = v;
    drop_slots(l);
    if (!(l->slots = index_table(l, &l->mask)))
        return 0;
    for (size_t i = 0; i < l->n; i++) {
        const char *w = l->v[i].word;
        uint64_t h = hb_hash_bytes("", 0);
        for (size_t k = 1; k <= l->v[i].len; k++) {
            h = hash_step(h, (unsigned char)w[k - 1]);
            if (k == l->v[i].len || !is_cont((unsigned char)w[k]))
                index_key(l, 0, i, k, h);
        }
    }
    return index_ends(l);
}

/* Sorts and indexes a list whose reader (HB_DICT_UNIQUE) refused a word
 * listed twice. */
static int finish(hb_wordlist *l)
{
    return index_sorted(l, 0);
}

static int may_have(const hb_wordlist *l, size_t n)
{
    return n >= 256 || (l->lens[n / 64] >> (n % 64) & 1);
}

const hb_rule_word *hb_wordlist_find_indexed(const hb_wordlist *l, const char *s, size_t len)
{
    if (!l->slots || !may_have(l, len)) /* hb_wordlist_find asked the filter */
        return NULL;
    const hb_word_slot *t = slot_of(l, hb_hash_bytes(s, len), s, len);
    return t->entry && l->v[t->entry - 1].len == len ? &l->v[t->entry - 1] : NULL;
}

/* The longest entry that s starts with, ending at a character boundary:
 * the hash grows a byte at a time and is looked up at each boundary until
 * no entry goes on with the bytes read. */
const hb_rule_word *hb_wordlist_prefix_indexed(const hb_wordlist *l, const char *s, size_t len)
{
    size_t n = len < l->maxlen ? len : l->maxlen;
    const hb_rule_word *best = NULL;
    if (!l->slots) /* hb_wordlist_prefix asked the filter */
        return NULL;
    uint64_t h = hb_hash_bytes("", 0);
    for (size_t k = 0; k < n;) {
        const unsigned char *u = (const unsigned char *)s + k;
        /* a three-byte character, most Han, hashed whole: no boundary
         * inside it to look up at */
        if (k + 3 <= n && (u[0] & 0xF0) == 0xE0 && is_cont(u[1]) && is_cont(u[2])) {
            h = hash_step(hash_step(hash_step(h, u[0]), u[1]), u[2]);
            k += 3;
        } else {
            h = hash_step(h, u[0]);
            k++;
        }
        if (k < len && is_cont((unsigned char)s[k]))
            continue;
        const hb_word_slot *t = slot_of(l, h, s, k);
        if (!t->entry)
            break;
        if (l->v[t->entry - 1].len == k)
            best = &l->v[t->entry - 1];
    }
    return best;
}

/* Whether an entry of l may end with s[t, len), the last character of s:
 * the filter of last characters. */
static int may_end(const hb_wordlist *l, const char *s, size_t len, size_t t)
{
    return hb_word_has_key(l->tails, hb_word_char_key(s + t, len - t));
}

/* hb_wordlist_suffix past the filter.  With an index of endings, as
 * hb_wordlist_prefix from the end: the hash grows a byte at a time
 * backward and is looked up at each character start, until no entry ends
 * with the bytes read. */
static const hb_rule_word *suffix_past_filter(const hb_wordlist *l, const char *s, size_t len)
{
    size_t n = len < l->maxlen ? len : l->maxlen;
    const hb_rule_word *best = NULL;
    if (!l->ends) {
        for (; n > 0; n--)
            if (may_have(l, n) && !is_cont((unsigned char)s[len - n]) && (best = hb_wordlist_find(l, s + len - n, n)))
                return best;
        return NULL;
    }
    uint64_t h = hb_hash_bytes("", 0);
    for (size_t k = 1; k <= n; k++) {
        h = hash_step(h, (unsigned char)s[len - k]);
        if (is_cont((unsigned char)s[len - k]))
            continue;
        const hb_word_slot *x = slot_in(l, l->ends, l->ends_mask, 1, h, s + len - k, k);
        if (!x->entry)
            break;
        if (l->v[x->entry - 1].len == k)
            best = &l->v[x->entry - 1];
    }
    return best;
}

const hb_rule_word *hb_wordlist_suffix(const hb_wordlist *l, const char *s, size_t len)
{
    return len && may_end(l, s, len, tail_start(s, len)) ? suffix_past_filter(l, s, len) : NULL;
}

const hb_rule_word *hb_wordlist_last(const hb_wordlist *l, const char *s, size_t len)
{
    /* the longest entry ending at each character boundary, from the right:
     * the first found ends last (entries are valid UTF-8, so none ends
     * inside a character); each character's start found once, for the
     * filter and the step */
    for (size_t e = len, t; e > 0; e = t) {
        const hb_rule_word *r = may_end(l, s, e, t = tail_start(s, e)) ? suffix_past_filter(l, s, e) : NULL;
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
    return finish(dst) ? HB_OK : HB_ERR_NOMEM;
}

void hb_wordlist_free(hb_wordlist *l)
{
    for (struct hb_word_block *b = l->text, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(l->v);
    drop_slots(l);
    free(l->ends);
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

/* ---- lists compiled by rulec ----
 * A file's lists as its reader left them, each: a head, the entries (the
 * offsets of word and category in the list's text), the index's slots, the
 * text (padded to 8 bytes).  From a rules file they may be damaged or
 * crafted: every offset, index entry and length is checked, and a lookup
 * needs an empty slot to end. */
struct list_head {
    uint64_t n, nslots, text, maxlen;
    uint64_t lens[4], heads[8], tails[8];
};

struct list_entry {
    uint64_t word, len, cat; /* cat UINT64_MAX: none */
    int32_t line, digits_only;
};

static size_t list_text(const hb_wordlist *l)
{
    size_t t = 0;
    for (size_t i = 0; i < l->n; i++)
        t += l->v[i].len + 1 + (l->v[i].cat ? strlen(l->v[i].cat) + 1 : 0);
    return t;
}

static size_t list_size(const hb_wordlist *l)
{
    return sizeof(struct list_head) + l->n * sizeof(struct list_entry) +
           (l->slots ? l->mask + 1 : 0) * sizeof(hb_word_slot) + hb_pad8(list_text(l));
}

/* Writes l's blob at p (list_size bytes). */
static void list_save(const hb_wordlist *l, char *p)
{
    struct list_head h = {l->n, l->slots ? l->mask + 1 : 0, list_text(l), l->maxlen, {0}, {0}, {0}};
    memcpy(h.lens, l->lens, sizeof h.lens);
    memcpy(h.heads, l->heads, sizeof h.heads);
    memcpy(h.tails, l->tails, sizeof h.tails);
    memcpy(p, &h, sizeof h);
    struct list_entry *x = (struct list_entry *)(p + sizeof h);
    char *slots = (char *)(x + l->n), *text = slots + h.nslots * sizeof(hb_word_slot), *t = text;
    if (h.nslots)
        memcpy(slots, l->slots, h.nslots * sizeof(hb_word_slot));
    memset(text, 0, hb_pad8(h.text));
    for (size_t i = 0; i < l->n; i++) {
        const hb_rule_word *r = &l->v[i];
        x[i] = (struct list_entry){(uint64_t)(t - text), r->len, UINT64_MAX, r->line, r->digits_only};
        memcpy(t, r->word, r->len + 1);
        t += r->len + 1;
        if (r->cat) {
            x[i].cat = (uint64_t)(t - text);
            t = stpcpy(t, r->cat) + 1;
        }
    }
}

/* Is the list at p (its head h, its sizes checked) whole: every entry's
 * word inside the text, every slot's entry and length an entry's, an empty
 * slot to end a probe? */
static int list_ok(const struct list_head *h, const char *p)
{
    const struct list_entry *x = (const struct list_entry *)(p + sizeof *h);
    const hb_word_slot *slots = (const hb_word_slot *)(x + h->n);
    const char *text = (const char *)(slots + h->nslots);
    int empty = 0;
    for (size_t i = 0; i < h->n; i++)
        if (x[i].word >= h->text || x[i].len >= h->text - x[i].word || text[x[i].word + x[i].len] ||
            (x[i].cat != UINT64_MAX && x[i].cat >= h->text))
            return 0;
    for (size_t i = 0; i < h->nslots; i++) {
        empty |= slots[i].entry == 0;
        if (slots[i].entry > h->n || (slots[i].entry && slots[i].len > x[slots[i].entry - 1].len))
            return 0;
    }
    return !h->nslots || empty;
}

/* Takes one list from p[0..size) into the empty list l: the bytes it took,
 * 0 when damaged, (size_t)-1 when out of memory.  From the program's own
 * image (trusted) nothing but the sizes is checked, and the index is read
 * where it lies, not copied (86 KB of heap at every start). */
static size_t list_load(hb_wordlist *l, const char *p, size_t size, int trusted)
{
    struct list_head h;
    if (size < sizeof h)
        return 0;
    memcpy(&h, p, sizeof h);
    size_t left = size - sizeof h;
    if (h.n > left / sizeof(struct list_entry) || h.nslots > left / sizeof(hb_word_slot) ||
        (h.nslots & (h.nslots - 1)) || h.text > left)
        return 0;
    size_t text_at = sizeof h + h.n * sizeof(struct list_entry) + h.nslots * sizeof(hb_word_slot);
    if (text_at - sizeof h + hb_pad8(h.text) > left || (h.text && p[text_at + h.text - 1]))
        return 0;
    if (!trusted && !list_ok(&h, p))
        return 0;
    const struct list_entry *x = (const struct list_entry *)(p + sizeof h);
    const hb_word_slot *slots = (const hb_word_slot *)(x + h.n);
    const char *text = (const char *)(slots + h.nslots);
    char *t = h.text ? word_room(l, h.text) : NULL;
    l->v = malloc((h.n ? h.n : 1) * sizeof *l->v);
    l->lent_slots = trusted && h.nslots;
    l->slots = l->lent_slots ? (hb_word_slot *)slots : h.nslots ? malloc(h.nslots * sizeof *l->slots) : NULL;
    if ((h.text && !t) || !l->v || (h.nslots && !l->slots))
        return (size_t)-1;
    if (h.text)
        memcpy(t, text, h.text);
    for (size_t i = 0; i < h.n; i++)
        l->v[i] = (hb_rule_word){t + x[i].word, x[i].len, x[i].cat == UINT64_MAX ? NULL : t + x[i].cat,
                                 x[i].line, x[i].digits_only};
    if (h.nslots && !l->lent_slots)
        memcpy(l->slots, slots, h.nslots * sizeof *l->slots);
    l->n = l->cap = h.n;
    l->mask = h.nslots ? h.nslots - 1 : 0;
    l->maxlen = h.maxlen;
    memcpy(l->lens, h.lens, sizeof h.lens);
    memcpy(l->heads, h.heads, sizeof h.heads);
    memcpy(l->tails, h.tails, sizeof h.tails);
    if (!index_ends(l))
        return (size_t)-1;
    return text_at + hb_pad8(h.text);
}

/* The lists a reader made of a file, as rulec compiled them: HB_OK when
 * taken, else whatever reading them gives (recording them when compiling). */
static hb_status read_lists(const struct hb_engine *e, const char *name, const char *what, hb_wordlist *const *lists,
                            size_t n, hb_status (*read)(const struct hb_engine *e, const char *name, void *ctx,
                                                        hb_error *err),
                            void *ctx, hb_error *err)
{
    unsigned char key[32];
    size_t size = 0;
    int keyed = hb_dict_file_key(e, name, what, key);
    const char *blob = keyed && !e->record ? hb_rules_find(e->rules, key, &size) : NULL;
    for (size_t i = 0; blob && i < n; i++) {
        size_t took = lists[i]->n || lists[i]->slots ? 0 : list_load(lists[i], blob, size, hb_rules_builtin(e->rules));
        if (took == (size_t)-1)
            return hb_dict_fail(err, HB_ERR_NOMEM, name, 0, 0, "out of memory"), HB_ERR_NOMEM;
        if (took == 0) {
            hb_rules_damaged(e, err);
            return HB_ERR_DICT;
        }
        blob += took;
        size -= took;
    }
    if (blob)
        return HB_OK;
    hb_status st = read(e, name, ctx, err);
    if (st != HB_OK || !keyed || !e->record)
        return st;
    size = 0;
    for (size_t i = 0; i < n; i++)
        size += list_size(lists[i]);
    char *made = malloc(size ? size : 1);
    if (!made)
        return hb_dict_fail(err, HB_ERR_NOMEM, name, 0, 0, "out of memory"), HB_ERR_NOMEM;
    for (size_t i = 0, at = 0; i < n; at += list_size(lists[i]), i++)
        list_save(lists[i], made + at);
    if ((st = hb_rules_record_blob(e->record, key, made, size)) != HB_OK)
        hb_dict_fail(err, st, name, 0, 0, "out of memory");
    return st;
}

static hb_status read_kinds(const struct hb_engine *e, const char *name, void *ctx, hb_error *err)
{
    const kind_lists *k = ctx;
    hb_status st = hb_dict_read(e, name, 2, 2, HB_DICT_FOLD | HB_DICT_UNIQUE, add_kind_word, ctx, err);
    for (size_t i = 0; st == HB_OK && i < k->n; i++)
        if (!finish(k->lists[i]))
            st = HB_ERR_NOMEM;
    return st;
}

hb_status hb_kind_lists_read(const struct hb_engine *e, const char *name, const char *const *kinds,
                             hb_wordlist *const *lists, size_t n, hb_error *err)
{
    kind_lists k = {kinds, lists, n};
    char what[256] = "kinds";
    size_t at = strlen(what);
    for (size_t i = 0; i < n && at < sizeof what; i++) { /* joined by hand: snprintf cost 600 instructions a kind */
        size_t kl = strlen(kinds[i]);
        if (at + 1 + kl + 1 >= sizeof what) {
            at = sizeof what;
            break;
        }
        what[at++] = ' ';
        memcpy(what + at, kinds[i], kl + 1);
        at += kl;
    }
    if (at >= sizeof what) /* cannot tell such kinds apart: read */
        return read_kinds(e, name, &k, err);
    return read_lists(e, name, what, lists, n, read_kinds, &k, err);
}

typedef struct {
    int nfields;
    hb_wordlist *l;
} one_list;

static hb_status read_one(const struct hb_engine *e, const char *name, void *ctx, hb_error *err)
{
    const one_list *o = ctx;
    hb_status st = hb_dict_read(e, name, o->nfields, o->nfields, HB_DICT_FOLD | HB_DICT_UNIQUE | HB_DICT_KEY(0),
                                o->nfields == 1 ? add_word : add_pair, o->l, err);
    if (st == HB_OK && !finish(o->l))
        st = HB_ERR_NOMEM;
    return st;
}

hb_status hb_wordlist_read(const struct hb_engine *e, const char *name, int nfields, hb_wordlist *l,
                           hb_error *err)
{
    one_list o = {nfields, l};
    return read_lists(e, name, nfields == 1 ? "words" : "pairs", &l, 1, read_one, &o, err);
}

/* The first "..." of mask[0..mlen), or NULL: asked at every call, and a
 * masking word seldom holds a dot (memmem's set-up cost more than this). */
static const char *gap_of(const char *mask, size_t mlen)
{
    for (const char *p = mask; mlen >= 3 && (p = memchr(p, '.', (size_t)(mask + mlen - 2 - p))); p++)
        if (p[1] == '.' && p[2] == '.')
            return p;
    return NULL;
}

/* memmem(s, len, w, n) for a rule's word: the places memchr finds its last
 * byte, each compared whole.  The last byte of a Han word is one of 64
 * continuation bytes, where a lead is one of six, and the generic memmem
 * costs some 160 instructions a search for these few-byte words. */
static const char *find_word(const char *s, size_t len, const char *w, size_t n)
{
    if (!n)
        return s;
    if (n > len)
        return NULL;
    const char *end = s + len;
    for (const char *p = s + n - 1; (p = memchr(p, (unsigned char)w[n - 1], (size_t)(end - p))) != NULL; p++)
        if (hb_same_bytes(p - (n - 1), w, n))
            return p - (n - 1);
    return NULL;
}

int hb_cue_masked(const char *mask, size_t mlen, const char *s, size_t len, size_t at, size_t n)
{
    /* a hit must start at or before at: the search stops there */
    const char *gap = gap_of(mask, mlen);
    if (gap) {
        size_t al = (size_t)(gap - mask), bl = mlen - al - 3;
        const char *a = find_word(s, at + al < len ? at + al : len, mask, al);
        if (!a)
            return 0;
        for (const char *b = a + al; (b = find_word(b, len - (size_t)(b - s), gap + 3, bl)); b++)
            if ((size_t)(b - s) + bl >= at + n)
                return 1;
        return 0;
    }
    if (mlen < n || !mlen)
        return 0;
    /* a hit covering the cue starts in [lo, hi - mlen]: a few places, each
     * turned away by its first byte but one */
    size_t lo = at + n > mlen ? at + n - mlen : 0, hi = at + mlen < len ? at + mlen : len;
    for (size_t p = lo; p + mlen <= hi; p++)
        if (s[p] == mask[0] && !memcmp(s + p + 1, mask + 1, mlen - 1))
            return 1;
    return 0;
}

static hb_status read_units(const struct hb_engine *e, const char *name, void *ctx, hb_error *err)
{
    hb_status st = hb_dict_read(e, name, 2, 3, HB_DICT_FOLD | HB_DICT_UNIQUE | HB_DICT_KEY(0), add_unit, ctx, err);
    if (st == HB_OK && !finish(ctx))
        st = HB_ERR_NOMEM;
    return st;
}

hb_status hb_units_load(struct hb_engine *e, hb_error *err)
{
    hb_wordlist *l = &e->units;
    return read_lists(e, "units.txt", "units", &l, 1, read_units, l, err);
}

void hb_units_unload(struct hb_engine *e)
{
    hb_wordlist_free(&e->units);
}

/* a cue listed twice: the first line wins (hb_wordlist_last finds it) */
static hb_status read_subjects(const struct hb_engine *e, const char *name, void *ctx, hb_error *err)
{
    hb_status st = hb_dict_read(e, name, 2, 2, HB_DICT_FOLD | HB_DICT_KEY(0), add_pair, ctx, err);
    if (st == HB_OK && !index_sorted(ctx, 1))
        st = HB_ERR_NOMEM;
    return st;
}

/* An automaton of a list's words, the value of a match the word's index. */
static hb_status wordlist_ac(const struct hb_engine *e, const hb_wordlist *l, hb_ac **ac, hb_error *err)
{
    if (!(*ac = hb_ac_new()))
        return hb_dict_fail(err, HB_ERR_NOMEM, e->dict_dir, 0, 0, "out of memory"), HB_ERR_NOMEM;
    for (size_t i = 0; i < l->n; i++)
        if (!hb_ac_add(*ac, l->v[i].word, l->v[i].len, (int)i))
            return hb_dict_fail(err, HB_ERR_NOMEM, e->dict_dir, 0, 0, "out of memory"), HB_ERR_NOMEM;
    return hb_engine_build_ac(e, *ac, err);
}

hb_status hb_metric_rules_load(struct hb_engine *e, hb_error *err)
{
    struct hb_metric_rules *r = e->metrics = calloc(1, sizeof *r);
    if (!r)
        return HB_ERR_NOMEM;
    /* asked of the text before every metric (ordinals, bound words and
     * the verbs before them, the subject cues): an index of endings */
    r->before.want_ends = r->bounds.want_ends = r->verbs.want_ends = r->subjects.want_ends = 1;
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
        (st = wordlist_ac(e, &r->targets, &r->target_ac, err)) ||
        (st = hb_kind_lists_read(e, "metric_phrases.txt", (const char *const[]){"suffix", "compare", "noun"},
                                 (hb_wordlist *const[]){&r->suffixes, &r->compares, &r->nouns}, 3, err)))
        return st;
    if (!(r->refined_unit = calloc(e->units.n ? e->units.n : 1, 1)))
        return hb_dict_fail(err, HB_ERR_NOMEM, e->dict_dir, 0, 0, "out of memory"), HB_ERR_NOMEM;
    for (size_t i = 0; i < e->units.n; i++) {
        const char *cat = e->units.v[i].cat;
        r->refined_unit[i] = cat && hb_wordlist_find(&r->refined, cat, strlen(cat));
    }
    hb_wordlist *l = &r->subjects;
    return read_lists(e, "metric_subjects.txt", "subjects", &l, 1, read_subjects, l, err);
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
    hb_ac_free(r->target_ac);
    free(r->refined_unit);
    free(r);
}
