/* Word segmentation for the report: the engine's lexicon (jieba's dict.txt,
 * plus dict/lexicon.txt and every slogan so that 一岗双责 stays whole) and
 * the top content words (the 词频 analysts read reports by). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"
#include "extract.h"
#include "lexicon.h"
#include "segment.h"
#include "normalize.h"
#include "words.h"

struct hb_term_rules {
    hb_wordlist stop;  /* stopwords.txt, hashed (units.h) */
};

/* 32 bytes, one to a half line of the table they are counted in (count_at).
 * A word's last 16 bytes at most are kept here (word_ends), so that a
 * word of five Han characters or fewer is compared without reading the
 * view at its first occurrence: on a 4 MB report that read was a cache
 * miss in most words counted. */
typedef struct {
    uint64_t head, tail; /* word_ends of the word's last 16 bytes at most */
    uint32_t first;      /* view offset of the first occurrence, where the word is read */
    uint32_t len;
    int count;
    uint32_t hash;       /* word_hash's low half: the table grows without reading the view */
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

/* Word counts for one report: every word of two characters or more is
 * counted, and whether it is a content word is asked once per distinct
 * word, and only of those the top list may take (select_top).  The words
 * are counted in an open-addressing table of their entries, each slot's
 * byte in `tags` (0: empty, else 0x80 and seven bits of the word's hash)
 * telling which to compare, so that a word seen before costs a probe of a
 * byte and one line, their addresses both known from the hash (a table of
 * indices into an array of entries made that two misses, the second
 * waiting on the first, on a large report), and only the tags are cleared;
 * `order` lists the words' slots in order of first occurrence (paragraphs
 * are in view order and the segmenter reports words left to right), which
 * the ranking keeps among words of one count.  All are in the report's
 * arena: malloc served tables of a few KiB from its large bins, at about
 * 30,000 instructions a report. */
typedef struct {
    hb_doc *d;
    const char *base, *view;
    term_count *table; /* cap slots, 32-byte aligned in `block`; at most half full */
    unsigned char *tags; /* cap, after the table in `block` */
    void *block;
    uint32_t *order;   /* the words' slots, first occurrence first: the view is
                          below 4 GiB (uint32_t offsets), so are the words */
    size_t n, room;    /* words counted, and how many the table takes before it grows */
    size_t mask;       /* cap - 1 */
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

/* A 5 KB report has 260 to 410 distinct words of two characters or
 * more: these sizes make room for them at once. */
enum { FIRST_WORDS = 512, FIRST_SLOTS = 2 * FIRST_WORDS, TABLE_ALIGN = 32 };

/* The counted words are 6 bytes or more (two characters at least).  The
 * last 16 bytes at most (five Han characters: most words whole) are read
 * as their first and last 8, overlapping, or under 8 as their first and
 * last 4; bytes before them 8 at a time: two loads for most words, never
 * a byte outside the word. */
static inline uint64_t load8(const char *s)
{
    uint64_t x;
    memcpy(&x, s, 8);
    return x;
}

/* The first and last bytes of s[0..n), 6 <= n <= 16, as two words. */
static inline void word_ends(const char *s, size_t n, uint64_t *head, uint64_t *tail)
{
    if (n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        *head = a;
        *tail = b;
    } else {
        *head = load8(s);
        *tail = load8(s + n - 8);
    }
}

/* The hash of a word, h mixed from the bytes before its last 16, with
 * head and tail, its last 16 bytes at most. */
static inline uint32_t ends_hash(uint64_t h, uint64_t head, uint64_t tail)
{
    h = (h ^ head) * 0x9E3779B97F4A7C15ull;
    h = (h ^ tail) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h ^ h >> 32); /* the table's index is the low bits: let the high ones in */
}

/* How many bytes of a word of n come before those word_ends reads: a
 * multiple of 8 that leaves 9 to 16, or none of n <= 16. */
static inline size_t ends_from(size_t n)
{
    return n > 16 ? (n - 9) / 8 * 8 : 0;
}

/* The hash of s[0..n), and its last 16 bytes at most as head and tail. */
static inline uint32_t word_hash(const char *s, size_t n, uint64_t *head, uint64_t *tail)
{
    uint64_t h = n;
    size_t k = ends_from(n);
    for (size_t i = 0; i < k; i += 8)
        h = (h ^ load8(s + i)) * 0x9E3779B97F4A7C15ull;
    word_ends(s + k, n - k, head, tail);
    return ends_hash(h, *head, *tail);
}

/* Whether t is the word w[0..n) with those head and tail: the view is read
 * only for the bytes before the last 16 of a longer word. */
static inline int same_word(const term_count *t, const char *view, const char *w, size_t n,
                            uint64_t head, uint64_t tail)
{
    if (t->head != head || t->tail != tail || t->len != (uint32_t)n) /* each compared in memory */
        return 0;
    for (const char *a = view + t->first; n > 16; a += 8, w += 8, n -= 8)
        if (load8(a) != load8(w))
            return 0;
    return 1;
}

/* The bytes a table of cap slots takes (table_in). */
static size_t table_bytes(size_t cap)
{
    return cap * (sizeof(term_count) + 1) + TABLE_ALIGN;
}

/* A table of cap empty slots in p (table_bytes(cap)): entries aligned so
 * that none straddles two lines, left as they are, then their tags,
 * cleared. */
static term_count *table_in(char *p, size_t cap, unsigned char **tags)
{
    term_count *table = (term_count *)(p + (-(uintptr_t)p & (TABLE_ALIGN - 1)));
    *tags = memset(table + cap, 0, cap);
    return table;
}

/* A table of cap empty slots from the arena; *block is what the arena
 * gave, for hb_arena_free. */
static term_count *table_new(hb_doc *d, size_t cap, unsigned char **tags, void **block)
{
    char *p = *block = hb_arena_take(&d->arena, table_bytes(cap));
    return p ? table_in(p, cap, tags) : NULL;
}

/* The first table and order of c: the group's (hb_group, extract.h), made
 * by its first report and lent to each of the others in turn, so that a
 * batch of small reports counts in lines still in cache rather than in 34
 * KiB more of each report's arena, first written here (a fixed cost of
 * every report: 6% of the time of 793 of 5 KB); else, without a group or
 * memory for it, the arena's.  c->block stays NULL for the group's: a
 * table that grows leaves it to the group (grow's hb_arena_free finds no
 * block of the arena's there). */
static void first_table(hb_doc *d, counter *c)
{
    hb_group *g = d->group;
    if (g && !g->terms_first)
        g->terms_first = malloc(table_bytes(FIRST_SLOTS) + FIRST_WORDS * sizeof *c->order);
    if (g && g->terms_first) {
        char *p = g->terms_first;
        c->table = table_in(p, FIRST_SLOTS, &c->tags);
        c->order = (uint32_t *)(p + table_bytes(FIRST_SLOTS));
        return;
    }
    c->table = table_new(d, FIRST_SLOTS, &c->tags, &c->block);
    c->order = hb_arena_take(&d->arena, FIRST_WORDS * sizeof *c->order); /* pushed into */
}

/* A slot's tag for a word hashed `hash`: never 0, the empty slot's. */
static inline unsigned char tag_of(uint32_t hash)
{
    return (unsigned char)(hash >> 25 | 0x80);
}

/* The empty slot where a word hashed `hash`, not in the table, goes. */
static inline size_t free_slot(const unsigned char *tags, size_t mask, uint32_t hash)
{
    size_t h = hash & mask;
    while (tags[h])
        h = (h + 1) & mask;
    return h;
}

/* Doubles the table, and the order with it; the words are moved in order
 * of first occurrence, their hashes kept, not the view read again. */
static int grow(counter *c)
{
    size_t cap = (c->mask + 1) * 2;
    void *block;
    unsigned char *tags;
    term_count *table = table_new(c->d, cap, &tags, &block);
    uint32_t *order = table ? hb_arena_take(&c->d->arena, cap / 2 * sizeof *order) : NULL;
    if (!order)
        return 0;
    for (size_t i = 0; i < c->n; i++) {
        const term_count *t = &c->table[c->order[i]];
        size_t h = free_slot(tags, cap - 1, t->hash);
        table[h] = *t;
        tags[h] = tag_of(t->hash);
        order[i] = (uint32_t)h;
    }
    hb_arena_free(&c->d->arena, c->block);
    hb_arena_free(&c->d->arena, c->order);
    c->table = table;
    c->tags = tags;
    c->block = block;
    c->order = order;
    c->mask = cap - 1;
    c->room = cap / 2;
    return 1;
}

/* Marks the slot h, its entry just written, taken and last in order. */
static inline void file_slot(counter *c, size_t h, uint32_t hash)
{
    c->tags[h] = tag_of(hash);
    c->order[c->n++] = (uint32_t)h;
}

/* Files the new word t at the empty slot h, last in order. */
static inline void put_word(counter *c, size_t h, const term_count *t)
{
    c->table[h] = *t;
    file_slot(c, h, t->hash);
}

/* A word not seen before, when the table is as full as it may be: it
 * grows first, or the counting stops (out of memory: room stays reached,
 * so every later new word comes here too). */
static __attribute__((noinline, cold)) void add_grown(counter *c, const term_count *t)
{
    if (c->failed || !grow(c)) {
        c->failed = 1;
        return;
    }
    put_word(c, free_slot(c->tags, c->mask, t->hash), t);
}

/* The word w[0..n) (hash), not in the table, which its probe left at the
 * empty slot h.  Its ends (word_ends) are read again here, so that the probe
 * keeps no register for them.  The entry is written in its slot field by
 * field: built on the stack and copied, its halves were read back before
 * their stores had left, a stall at every new word. */
static __attribute__((noinline)) void add_word(counter *c, size_t h, const char *w, size_t n, uint32_t hash)
{
    uint64_t head, tail;
    word_ends(w + ends_from(n), n - ends_from(n), &head, &tail);
    if (c->n == c->room) {
        term_count x = {head, tail, (uint32_t)(w - c->view), (uint32_t)n, 1, hash};
        add_grown(c, &x);
        return;
    }
    term_count *t = &c->table[h];
    t->head = head;
    t->tail = tail;
    t->first = (uint32_t)(w - c->view);
    t->len = (uint32_t)n;
    t->count = 1;
    t->hash = hash;
    file_slot(c, h, hash);
}

/* Counts the word w[0..n) (head, tail, hash) where its probe finds it, with
 * no other test, or adds it. */
static inline __attribute__((always_inline)) void count_at(counter *c, const char *w, size_t n, uint64_t head,
                                                           uint64_t tail, uint32_t hash)
{
    size_t h = hash & c->mask;
    unsigned char tag = tag_of(hash), at;
    for (; (at = c->tags[h]) != 0; h = (h + 1) & c->mask)
        if (at == tag && same_word(&c->table[h], c->view, w, n, head, tail)) {
            c->table[h].count++;
            return;
        }
    add_word(c, h, w, n, hash);
}

/* count_word for a word of more than 16 bytes, whose bytes before the last
 * 16 are hashed and compared in the view.  Apart, so that count_word's
 * loops are those of a shorter word only, in registers it need not save. */
static __attribute__((noinline)) void count_longer(counter *c, const char *w, size_t n)
{
    uint64_t head, tail;
    uint32_t hash = word_hash(w, n, &head, &tail);
    count_at(c, w, n, head, tail, hash);
}

/* Half the words are single characters: they leave first.  A word of 6 to
 * 16 bytes (two to five Han characters, most of the rest) is counted here,
 * calling nothing unless it is new. */
static void count_word(void *ctx, size_t start, size_t end)
{
    counter *c = ctx;
    const char *w = c->base + start;
    size_t n = end - start;
    if (n < 6) /* the rest of is_content once per distinct word, at the end */
        return;
    if (n > 16) {
        count_longer(c, w, n);
        return;
    }
    uint64_t head, tail;
    word_ends(w, n, &head, &tail);
    count_at(c, w, n, head, tail, ends_hash(n, head, tail));
}

/* The slots of the words counted more than once to rep, first occurrence
 * first; returns how many, and the largest count in *maxcount (1 when none). */
static size_t repeated(const counter *c, uint32_t *rep, int *maxcount)
{
    size_t n = 0;
    int max = 1;
    for (size_t i = 0; i < c->n; i++) {
        int k = c->table[c->order[i]].count;
        if (k > 1) {
            rep[n++] = c->order[i];
            max = k > max ? k : max;
        }
    }
    *maxcount = max;
    return n;
}

/* The n slots of rep to sorted, more frequent first: a counting sort,
 * stable, so words of one count stay in order of first occurrence; at
 * holds nb zeros (nb: the largest count + 1). */
static void by_count(const counter *c, const uint32_t *rep, size_t n, uint32_t *at, size_t nb, uint32_t *sorted)
{
    for (size_t i = 0; i < n; i++)
        at[c->table[rep[i]].count]++;
    uint32_t pos = 0; /* at[k]: where the words counted k times start */
    for (size_t k = nb; k-- > 1;) {
        uint32_t m = at[k];
        at[k] = pos;
        pos += m;
    }
    for (size_t i = 0; i < n; i++)
        sorted[at[c->table[rep[i]].count]++] = rep[i];
}

/* is_content's answers for a group of several reports (hb_group,
 * extract.h): the words a report asks about (its most frequent ones,
 * until the top are content words) are much the same from one report to
 * the next, and each answer was a stopword lookup and a walk of the
 * lexicon's trie.  A word of 16 bytes at most is its entry's head, tail
 * and length (word_ends), compared as they are; longer ones are asked
 * every time.  Filled up to half its slots, then only read. */
enum { CONTENT_SLOTS = 1024 };

typedef struct {
    uint64_t head, tail;
    uint32_t len; /* 0: an empty slot */
    uint32_t content;
} content_slot;

typedef struct {
    size_t used;
    content_slot v[CONTENT_SLOTS];
} content_memo;

/* Whether the counted word t is a content word, through the group's memo
 * where there is one to share. */
static int content_of(hb_doc *d, const term_count *t)
{
    const char *w = d->view + t->first;
    hb_group *g = d->group;
    if (t->len > 16 || !g || g->reports < 2)
        return is_content(d, w, t->len);
    if (!g->terms_content && !(g->terms_content = calloc(1, sizeof(content_memo))))
        return is_content(d, w, t->len);
    content_memo *m = g->terms_content;
    for (size_t h = t->hash & (CONTENT_SLOTS - 1);; h = (h + 1) & (CONTENT_SLOTS - 1)) {
        content_slot *e = &m->v[h];
        if (e->len == t->len && e->head == t->head && e->tail == t->tail)
            return (int)e->content;
        if (e->len)
            continue;
        int yes = is_content(d, w, t->len);
        if (m->used < CONTENT_SLOTS / 2) {
            *e = (content_slot){t->head, t->tail, t->len, (uint32_t)yes};
            m->used++;
        }
        return yes;
    }
}

/* Copies the `top` first content words, more frequent first, then earlier
 * first (a total order: first is unique), to out; returns how many, or
 * SIZE_MAX when memory runs out.  Most of a report's words are counted
 * once and already in order of first occurrence: only those counted more
 * often are sorted (by_count), after one pass over all; the words counted
 * once follow them in order.  is_content is asked down that order only
 * until `top` are found: tens of words, not the hundreds a report has, as
 * most of the top are content words. */
static size_t select_top(hb_doc *d, const counter *c, size_t top, term_count *out)
{
    if (!top)
        return 0;
    uint32_t *rep = hb_arena_take(&d->arena, (c->n + 1) * sizeof *rep);
    if (!rep)
        return SIZE_MAX;
    int maxcount;
    size_t nrep = repeated(c, rep, &maxcount), nb = (size_t)maxcount + 1;
    uint32_t *at = hb_arena_alloc(&d->arena, (nb + nrep) * sizeof *at); /* per count,
                                                                  then the sorted slots */
    if (!at)
        return SIZE_MAX;
    by_count(c, rep, nrep, at, nb, at + nb);
    size_t n = 0;
    for (size_t i = 0; i < nrep && n < top; i++) {
        const term_count *t = &c->table[at[nb + i]];
        if (content_of(d, t))
            out[n++] = *t;
    }
    for (size_t i = 0; i < c->n && n < top; i++) {
        const term_count *t = &c->table[c->order[i]];
        if (t->count == 1 && content_of(d, t))
            out[n++] = *t;
    }
    hb_arena_free(&d->arena, at);
    hb_arena_free(&d->arena, rep);
    return n;
}

/* Whether the view's bytes [s, e) are one or more spaces, tabs or line
 * ends: characters outside jieba's blocks, each a word of its own, too short
 * to count, and ending the blocks on either side as a paragraph's bounds do. */
static int blank_gap(const char *v, size_t s, size_t e)
{
    if (s >= e)
        return 0;
    for (; s < e; s++)
        if (v[s] != '\n' && v[s] != ' ' && v[s] != '\t' && v[s] != '\r')
            return 0;
    return 1;
}

/* The end of the run of body paragraphs from *p on that only blanks part,
 * *p left at its last: they are segmented as one text, so that a report's
 * thousands of paragraphs are not each a call of the segmenter, with the
 * same words (blocks end at the blanks either way). */
static size_t body_run(const hb_doc *d, size_t *p)
{
    const hb_para *pa = d->paras.v;
    size_t q = *p;
    while (q + 1 < d->paras.n && pa[q + 1].role == HB_PARA_BODY && blank_gap(d->view, pa[q].vend, pa[q + 1].vstart))
        q++;
    *p = q;
    return pa[q].vend;
}

hb_status hb_terms_run(hb_doc *d)
{
    int top = d->opts.top_terms == 0 ? 20 : d->opts.top_terms;
    if (top < 0)
        return HB_OK;
    counter c = {.d = d, .view = d->view, .room = FIRST_WORDS, .mask = FIRST_SLOTS - 1};
    first_table(d, &c);
    c.failed = !c.table || !c.order;
    for (size_t p = 0; p < d->paras.n && !c.failed; p++) {
        if (d->paras.v[p].role != HB_PARA_BODY)
            continue;
        size_t vs = d->paras.v[p].vstart, ve = body_run(d, &p);
        c.base = d->view + vs;
        /* jieba's own words: gluing numbers whole never changes a word
         * holding a Han character, and only those are counted */
        if (hb_segment(d->engine->lexicon, c.base, ve - vs, 0, count_word, &c) != HB_OK)
            c.failed = 1;
    }
    hb_status st = c.failed ? HB_ERR_NOMEM : HB_OK;
    if (st == HB_OK) {
        size_t room = c.n < (size_t)top ? c.n : (size_t)top;
        term_count *keep = hb_arena_alloc(&d->arena, (room + 1) * sizeof *keep);
        size_t n = keep ? select_top(d, &c, room, keep) : SIZE_MAX;
        d->terms = n != SIZE_MAX ? hb_arena_alloc(&d->arena, sizeof *d->terms) : NULL;
        if (!d->terms) {
            st = HB_ERR_NOMEM;
        } else {
            d->terms->top = keep;
            d->terms->n = n;
        }
    }
    /* a large input's tables have blocks of their own: given back now */
    hb_arena_free(&d->arena, c.order);
    hb_arena_free(&d->arena, c.block);
    return st;
}

void hb_terms_json(hb_doc *d, hb_json_out *out)
{
    hb_json_array_open(out, "terms"); /* empty, not absent, under --top 0: the shape stays the same */
    for (size_t i = 0; d->terms && i < d->terms->n; i++) {
        const term_count *t = &d->terms->top[i];
        hb_json_object_open(out, NULL);
        hb_json_strn(out, "term", d->view + t->first, t->len);
        hb_json_int(out, "count", t->count);
        hb_json_object_close(out);
    }
    hb_json_array_close(out);
}
