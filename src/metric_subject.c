/* Subjects of metrics: a walk over the words next to the number.  See
 * metric_subject.h. */
#include "metric_subject.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "hash.h"
#include "lexicon.h"
#include "normalize.h"
#include "words.h"
#include "tokens.h"
#include "units.h"

/* The windows are short (metrics.c bounds them), so a fixed list holds every
 * word; past it the first words are dropped. */
enum { MAX_WORDS = 64 };

/* What a word's bytes alone decide: its lexicon tag, and whether the verb
 * list and the nouns of metric_phrases.txt hold it. */
enum { F_KNOWN = 1, F_VERB = 2, F_NOUN = 4 };

/* A word of at most MEMO_KEY bytes as two words (word_key), which hold
 * all its bytes: the memo keeps no pointer into a report's text, as it
 * serves a group of reports (extract.h), and compares two words where it
 * compared a hash and the bytes.  A longer word is looked up each time. */
enum { MEMO_KEY = 16 };

typedef struct {
    uint64_t lo, hi;
    size_t len;
} word_key;

typedef struct {
    uint64_t lo, hi;
    const char *tag;
    unsigned char len;
    unsigned char flags;
} memo_slot;

/* An open-addressing table, kept at most half full: it starts small, for
 * a short report, and doubles as the words come.  Which slots are taken is
 * a byte each beside them (`full`), so a new or grown table clears a byte
 * a slot, not the slot's 32 (a group's memo grows to thousands of slots:
 * clearing them whole was a third of what it saved on 100 reports). */
enum { MEMO_START = 256 };

struct hb_subject_memo {
    memo_slot *slot;
    unsigned char *full;
    size_t mask, used;
};

/* Gives m a table of `size` slots, none taken; 0 when out of memory (m
 * left as it was). */
static int memo_table(hb_subject_memo *m, size_t size)
{
    memo_slot *slot = malloc(size * sizeof *slot);
    unsigned char *full = calloc(size, 1);
    if (!slot || !full) {
        free(slot);
        free(full);
        return 0;
    }
    m->slot = slot;
    m->full = full;
    m->mask = size - 1;
    return 1;
}

hb_subject_memo *hb_subject_memo_new(void)
{
    hb_subject_memo *m = malloc(sizeof *m);
    if (m && !memo_table(m, MEMO_START)) {
        free(m);
        return NULL;
    }
    if (m)
        m->used = 0;
    return m;
}

void hb_subject_memo_free(hb_subject_memo *m)
{
    if (m) {
        free(m->slot);
        free(m->full);
    }
    free(m);
}

/* The key of the word s[0..n), 0 < n <= MEMO_KEY: two overlapping loads of
 * 8, 4 or 2 bytes that cover it, or its one byte; with its length, they
 * tell every word of those lengths apart. */
static word_key key_of(const char *s, size_t n)
{
    word_key k = {0, 0, n};
    if (n >= 8) {
        memcpy(&k.lo, s, 8);
        memcpy(&k.hi, s + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        k.lo = x;
        k.hi = y;
    } else if (n >= 2) { /* a word of one character: 3 bytes */
        uint16_t x, y;
        memcpy(&x, s, 2);
        memcpy(&y, s + n - 2, 2);
        k.lo = x;
        k.hi = y;
    } else {
        k.lo = (unsigned char)s[0];
    }
    return k;
}

/* The memo's hash of a key: its two words mixed, where FNV went byte by
 * byte (a third of the lookup). */
static size_t key_hash(word_key k)
{
    const uint64_t mul = 0x9E3779B97F4A7C15ull;
    return (size_t)hb_hash_lane(hb_hash_lane(k.len, k.lo, mul), k.hi, mul);
}

/* The slot of key k, or the free slot where it goes (m->full tells).
 * Inlined: a key passed in memory was stored in halves and read back
 * whole, a stall on every word asked (perf: two fifths of facts_of). */
static inline __attribute__((always_inline)) size_t memo_find(const hb_subject_memo *m, word_key k)
{
    for (size_t i = key_hash(k) & m->mask;; i = (i + 1) & m->mask) {
        const memo_slot *t = &m->slot[i];
        if (!m->full[i] || (t->lo == k.lo && t->hi == k.hi && t->len == k.len))
            return i;
    }
}

/* Doubles the table; 0 when out of memory. */
static int memo_grow(hb_subject_memo *m)
{
    hb_subject_memo old = *m;
    if (!memo_table(m, 2 * (old.mask + 1)))
        return 0;
    for (size_t i = 0; i <= old.mask; i++) {
        if (!old.full[i])
            continue;
        const memo_slot *t = &old.slot[i];
        size_t k = memo_find(m, (word_key){t->lo, t->hi, t->len});
        m->slot[k] = *t;
        m->full[k] = 1;
    }
    free(old.slot);
    free(old.full);
    return 1;
}

/* Keeps the facts of key k, which the memo lacks, in the free slot `at`
 * found for it; a memo that cannot grow (out of memory) keeps the words it
 * has, and the others are looked up each time. */
static void memo_put(hb_subject_memo *m, size_t at, word_key k, const char *tag, unsigned flags)
{
    if (2 * (m->used + 1) > m->mask + 1) {
        if (!memo_grow(m))
            return;
        at = memo_find(m, k);
    }
    m->slot[at] = (memo_slot){k.lo, k.hi, tag, (unsigned char)k.len, (unsigned char)flags};
    m->full[at] = 1;
    m->used++;
}

/* Each word's facts and role are looked up once, when first asked: the
 * walks below ask about the same words several times. */
typedef struct {
    size_t s[MAX_WORDS], e[MAX_WORDS];
    int n;
    size_t base;
    hb_subject_memo *memo;
    const char *tag[MAX_WORDS];
    unsigned char flags[MAX_WORDS]; /* the facts of word k, 0 until asked (tag[k] with them) */
    signed char role[MAX_WORDS]; /* classify_word()'s answer, -1 until asked */
} word_list;

static void collect_word(void *ctx, size_t s, size_t e)
{
    word_list *w = ctx;
    if (w->n == MAX_WORDS) {
        memmove(w->s, w->s + 1, (MAX_WORDS - 1) * sizeof *w->s);
        memmove(w->e, w->e + 1, (MAX_WORDS - 1) * sizeof *w->e);
        w->n--;
    }
    w->s[w->n] = w->base + s;
    w->e[w->n] = w->base + e;
    w->flags[w->n] = 0; /* no facts asked yet: cleared here, not by a call to memset */
    w->n++;
}

static int words_of(const hb_doc *d, hb_subject_memo *memo, size_t vs, size_t ve, word_list *w)
{
    w->n = 0;
    w->base = vs;
    w->memo = memo;
    if (vs < ve && hb_words(d, d->view + vs, ve - vs, 0, collect_word, w) != HB_OK)
        return 0;
    memset(w->role, -1, sizeof w->role);
    return 1;
}

/* Word k's facts (F_*), from the memo when the same bytes were asked
 * about before. */
static unsigned facts_of(const hb_doc *d, word_list *w, int k)
{
    if (w->flags[k])
        return w->flags[k];
    const char *s = d->view + w->s[k];
    size_t n = w->e[k] - w->s[k];
    hb_subject_memo *memo = n <= MEMO_KEY ? w->memo : NULL;
    word_key key = memo ? key_of(s, n) : (word_key){0, 0, 0};
    size_t at = memo ? memo_find(memo, key) : 0;
    const char *tag;
    unsigned flags;
    if (memo && memo->full[at]) {
        tag = memo->slot[at].tag;
        flags = memo->slot[at].flags;
    } else {
        const struct hb_metric_rules *r = d->engine->metrics;
        tag = hb_lexicon_tag(d->engine->lexicon, s, n);
        flags = F_KNOWN | (hb_wordlist_find(&r->verbs, s, n) ? F_VERB : 0) |
                (hb_wordlist_find(&r->nouns, s, n) ? F_NOUN : 0);
        if (memo)
            memo_put(memo, at, key, tag, flags);
    }
    w->tag[k] = tag;
    return w->flags[k] = (unsigned char)flags;
}

static const char *tag_of(const hb_doc *d, word_list *w, int k)
{
    facts_of(d, w, k);
    return w->tag[k];
}

enum { W_NOUN, W_MOD, W_CONJ, W_VERB, W_OPEN, W_CLOSE, W_OTHER };

/* The role of word k in a noun phrase, not as its head (classify). */
static int classify_word(const hb_doc *d, word_list *w, int k)
{
    const char *s = d->view + w->s[k];
    size_t n = w->e[k] - w->s[k];
    int cp;
    hb_utf8_next(s, n, &cp);
    if (!hb_is_han(cp)) {
        int type, sub;
        hb_token_at(s, n, 0, &type, &sub);
        if (type == HB_TOK_QUOTE_OPEN || type == HB_TOK_BOOK_OPEN ||
            (type == HB_TOK_PUNCT && sub == HB_P_PAREN_OPEN))
            return W_OPEN;
        if (type == HB_TOK_QUOTE_CLOSE || type == HB_TOK_BOOK_CLOSE ||
            (type == HB_TOK_PUNCT && sub == HB_P_PAREN_CLOSE))
            return W_CLOSE;
        return W_OTHER;
    }
    unsigned f = facts_of(d, w, k);
    const char *tag = w->tag[k];
    if (f & F_VERB)
        return W_VERB;
    if (f & F_NOUN)
        return W_NOUN;
    if (!tag) /* an added term (a slogan) is a name; a lone unknown character is not */
        return n > 3 ? W_NOUN : W_OTHER;
    if (tag[0] == 'n' || tag[0] == 'j' || tag[0] == 'l' || !strcmp(tag, "vn"))
        return W_NOUN;
    if (tag[0] == 'a' || tag[0] == 'b')
        return W_MOD;
    return tag[0] == 'c' ? W_CONJ : W_OTHER;
}

/* The role of word k; head: a verbal noun of the verb list may be the
 * phrase itself (开展培训3期 counts 培训), a noun then whatever else it is.
 * The role is asked once for both (a word is often asked both ways). */
static int classify(const hb_doc *d, word_list *w, int k, int head)
{
    if (w->role[k] < 0)
        w->role[k] = (signed char)classify_word(d, w, k);
    int c = w->role[k];
    return head && c == W_VERB && w->tag[k] && !strcmp(w->tag[k], "vn") ? W_NOUN : c;
}

/* The word closing the group opened at k (step 1) or opening the group
 * closed at k (step -1); -1 when unbalanced in the window. */
static int match_group(const hb_doc *d, word_list *w, int k, int step)
{
    int depth = 0;
    for (int i = k; i >= 0 && i < w->n; i += step) {
        int c = classify(d, w, i, 0);
        if (c == (step > 0 ? W_OPEN : W_CLOSE))
            depth++;
        else if (c == (step > 0 ? W_CLOSE : W_OPEN) && --depth == 0)
            return i;
    }
    return -1;
}

int hb_subject_after(const hb_doc *d, hb_subject_memo *memo, size_t from, size_t to, size_t *ss, size_t *se)
{
    word_list w;
    *ss = *se = from;
    if (from >= to) /* most metrics end their clause: no list to set up */
        return 1;
    if (!words_of(d, memo, from, to, &w))
        return 0;
    int last = -1; /* the last head word taken */
    for (int k = 0; k < w.n; k++) {
        int c = classify(d, &w, k, 0);
        if (c == W_OPEN) {
            int j = match_group(d, &w, k, 1);
            if (j < 0)
                break;
            last = k = j;
        } else if (c == W_NOUN) {
            last = k;
        } else if (c != W_MOD && !(c == W_CONJ && last >= 0)) {
            break;
        }
    }
    *ss = from;
    *se = last >= 0 ? w.e[last] : from;
    return 1;
}

static int is_han_word(const hb_doc *d, word_list *w, int k)
{
    int cp;
    hb_utf8_next(d->view + w->s[k], w->e[k] - w->s[k], &cp);
    return hb_is_han(cp);
}

/* A set of tags' first letters, a bit each from 'a', for tag_starts. */
#define TAG_LETTER(c) (1u << ((c) - 'a'))

/* Whether tag (NULL: none) starts with a letter of `set`: a test of its
 * bits where strchr was a call for every word walked.  An empty tag is in
 * every set, as strchr found the terminator. */
static inline int tag_starts(const char *tag, uint32_t set)
{
    if (!tag)
        return 0;
    unsigned c = (unsigned char)tag[0];
    return !c || (c - 'a' < 26 && (set >> (c - 'a') & 1));
}

/* A function word that cannot start a phrase: a locality word, particle,
 * preposition or conjunction (中的难点问题, 等难题, 为群众…). */
static int is_function_word(const hb_doc *d, word_list *w, int k)
{
    return tag_starts(tag_of(d, w, k), TAG_LETTER('f') | TAG_LETTER('u') | TAG_LETTER('p') | TAG_LETTER('c'));
}

static int is_particle_de(const hb_doc *d, word_list *w, int k)
{
    const char *tag = tag_of(d, w, k);
    return tag && !strcmp(tag, "uj");
}

static int listed(const hb_doc *d, const hb_wordlist *l, word_list *w, int k)
{
    return hb_wordlist_find(l, d->view + w->s[k], w->e[k] - w->s[k]) != NULL;
}

/* Tagged as a verb, and not a noun of dict/metric_phrases.txt (收入). */
static int tagged_verb(const hb_doc *d, word_list *w, int k)
{
    const char *tag = tag_of(d, w, k);
    return tag && !strcmp(tag, "v") && !(facts_of(d, w, k) & F_NOUN);
}

/* 召开中心组集中学习会14次: whatever lies between the last leading word of
 * dict/metric_verbs.txt and the number is what is counted, tagged as a noun
 * or not (会 alone is no noun); so is the object after another verb
 * (观看警示教育片).  Sets the phrase's first and last word and returns 1
 * when such a word is at most MAX_PHRASE words (a quoted or bracketed group
 * is one) back; else 0 and the walk
 * by tags decides. */
enum { MAX_PHRASE = 6 };
static int phrase_after_verb(const hb_doc *d, word_list *w, int top, int *first, int *last)
{
    int k = top - 1, start = -1;
    for (int taken = 0; k >= 0 && taken < MAX_PHRASE; k--, taken++) {
        int c = classify(d, w, k, k == top - 1);
        if (c == W_VERB) {
            if (k == top - 1)
                return 0;
            start = k + 1;
            break;
        }
        if (c == W_CLOSE) { /* “最美养护工” is kept whole */
            if ((k = match_group(d, w, k, -1)) < 0)
                return 0;
            continue;
        }
        if (c == W_OTHER && !is_han_word(d, w, k)) /* a number or a mark */
            return 0;
        int next = k < top - 1 ? classify(d, w, k + 1, 0) : W_OTHER;
        if (tagged_verb(d, w, k) && (next == W_NOUN || next == W_OPEN)) {
            start = k + 1;
            break;
        }
    }
    if (start > 0 && start == top - 1 && w->e[start] - w->s[start] <= 3)
        start--; /* 办结率, 占比, 发案数: a lone character glued to the verb is one noun */
    int end = top - 1;
    while (start >= 0 && start < end && is_function_word(d, w, start))
        start++;
    while (start >= 0 && start < end && is_particle_de(d, w, end))
        end--; /* 职工总数的 */
    if (start < 0 || start > end || is_function_word(d, w, start))
        return 0;
    *first = start;
    *last = end;
    return 1;
}

/* A run of spaces or tabs: hb_token_at's HB_TOK_SPACE, which its first
 * byte decides (asking hb_token_at measured the whole run). */
static int is_space_word(const hb_doc *d, word_list *w, int k)
{
    char c = d->view[w->s[k]];
    return c == ' ' || c == '\t';
}

/* May word k be glued into a noun: a Han word that is neither a function
 * word, a pronoun or numeral, nor one of the metric verbs? */
static int gluable(const hb_doc *d, word_list *w, int k)
{
    const char *tag = tag_of(d, w, k);
    return is_han_word(d, w, k) &&
           !tag_starts(tag, TAG_LETTER('f') | TAG_LETTER('u') | TAG_LETTER('p') | TAG_LETTER('c') |
                                TAG_LETTER('r') | TAG_LETTER('m')) &&
           !(facts_of(d, w, k) & F_VERB);
}

/* 参保 + 率 → 参保率, 信访 投诉 + 件 → 信访投诉件: a suffix word of
 * dict/metric_phrases.txt makes one word of itself, the word before it and
 * up to two verbs glued before that.  The joined word is no lexicon entry,
 * so classify() takes it for a noun. */
enum { MAX_GLUED_VERBS = 2 };
static void glue_suffixes(const hb_doc *d, word_list *w)
{
    int out = 0;
    for (int k = 0; k < w->n; k++) {
        if (out > 0 && listed(d, &d->engine->metrics->suffixes, w, k) && gluable(d, w, out - 1)) {
            int j = out - 1;
            for (int glued = 0; glued < MAX_GLUED_VERBS && j > 0 && tagged_verb(d, w, j - 1) && gluable(d, w, j - 1);
                 glued++)
                j--;
            w->e[j] = w->e[k];
            w->flags[j] = 0; /* a new word */
            out = j + 1;
            continue;
        }
        w->s[out] = w->s[k];
        w->e[out] = w->e[k];
        w->tag[out] = w->tag[k];
        w->flags[out] = w->flags[k];
        out++;
    }
    w->n = out; /* no role was asked yet: glue_suffixes runs first */
}

int hb_subject_before(const hb_doc *d, hb_subject_memo *memo, size_t from, size_t to, size_t *ss, size_t *se)
{
    word_list w;
    if (!words_of(d, memo, from, to, &w))
        return 0;
    glue_suffixes(d, &w);
    int top = w.n; /* the word after the phrase */
    while (top > 0 && is_space_word(d, &w, top - 1))
        top--; /* 营业收入　86.4亿元: a table's label cell */
    /* 普及率达到98%, 数量同比分别下降15%: up to three verbs between the
     * phrase and the number are skipped (not a verbal noun such as 培训,
     * which is the phrase itself) */
    int skipped = 0;
    while (skipped < 3 && top > 0 && classify(d, &w, top - 1, 1) == W_VERB)
        top--, skipped++;
    /* 治理率比去年同期提高: so is a comparison before the verb (not the 比
     * of 占比, which compares with nothing) */
    for (int k = top - 2; skipped && k >= 0 && k >= top - 4; k--)
        if (listed(d, &d->engine->metrics->compares, &w, k)) {
            top = k;
            break;
        }
    int first, last;
    if (phrase_after_verb(d, &w, top, &first, &last)) {
        *ss = w.s[first];
        *se = w.e[last];
        return 1;
    }
    first = top; /* the first word taken */
    for (int k = top - 1; k >= 0; k--) {
        int c = classify(d, &w, k, first == top);
        if (c == W_CLOSE) {
            int j = match_group(d, &w, k, -1);
            if (j < 0)
                break;
            first = k = j;
        } else if (c == W_NOUN || (first < top && (c == W_MOD || c == W_CONJ))) {
            first = k;
        } else {
            break;
        }
    }
    while (first < top && classify(d, &w, first, 0) == W_CONJ)
        first++; /* 和党员 is no phrase */
    *ss = first < top ? w.s[first] : to;
    *se = first < top ? w.e[top - 1] : to;
    return 1;
}
