/* jieba's cut(HMM=False), step for step:
 *   1. re_han_default splits the text into blocks of [\u4E00-\u9FD5a-zA-Z0-9+#&._%-];
 *      outside them every character is a word, except "\r\n" (re_skip).
 *   2. In a block, DAG[k] holds every end i whose substring k..i has a
 *      frequency > 0 (the walk goes on while the substring is "in FREQ").
 *   3. route[k] = max over DAG[k] of (log(freq or 1) - logtotal + route[i+1], i),
 *      a tuple max, so an equal score goes to the larger i.
 *   4. Walking the route, one-character words matching [a-zA-Z0-9] are
 *      buffered and come out as one word (__cut_DAG_NO_HMM).
 * The arithmetic is Python's: IEEE doubles, log() from the same libm, the
 * same order of operations. */
#include "segment.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chars.h"
#include "lexicon.h"
#include "normalize.h"

/* Sets of bytes, a bit each: a test reads one word where a chain of
 * compares took ten instructions or more. */
#define BIT(c) (1ull << ((c) & 63))
#define BITS(lo, hi) ((BIT(hi) << 1) - BIT(lo)) /* lo..hi, in one word, hi & 63 < 63 */

static inline int in_set(const uint64_t set[4], unsigned char b)
{
    return set[b >> 6] >> (b & 63) & 1;
}

/* The ASCII members of re_han_default, [a-zA-Z0-9+#&._%-]. */
static const uint64_t ascii_word[4] = {
    BIT('#') | BIT('%') | BIT('&') | BIT('+') | BIT('-') | BIT('.') | BITS('0', '9'),
    BITS('A', 'Z') | BIT('_') | BITS('a', 'z'),
};

/* The first bytes of the chars glued() looks at: ASCII, and C3, E2 and EF
 * (× ✕ ○ □ ‰ and the full-width forms). */
static const uint64_t glue_lead[4] = {~0ull, ~0ull, 0, BIT(0xC3) | BIT(0xE2) | BIT(0xEF)};

/* The length of the block char at u (valid UTF-8), its code point in
 * *cp; 0 when it is no block char.  Block chars are ASCII or Han
 * U+4E00..U+9FD5, three bytes led by E4..E9: the first byte tells which,
 * and only they are decoded. */
static inline int block_char(const unsigned char *u, int *cp)
{
    if (u[0] < 0x80) {
        *cp = u[0];
        return in_set(ascii_word, u[0]);
    }
    if (u[0] - 0xE4u > 0xE9 - 0xE4)
        return 0;
    /* 1110xxxx 10yyyyyy 10zzzzzz: the marker bits taken off at once */
    int c = (u[0] << 12) + (u[1] << 6) + u[2] - ((0xE0 << 12) + (0x80 << 6) + 0x80);
    *cp = c;
    return (unsigned)(c - 0x4E00) <= 0x9FD5 - 0x4E00 ? 3 : 0;
}

/* re_eng, [a-zA-Z0-9]: a test of a Han char's code point and no more */
static const uint64_t eng_chars[2] = {BITS('0', '9'), BITS('A', 'Z') | BITS('a', 'z')};

static inline int is_eng(int cp)
{
    return (uint32_t)cp < 0x80 && (eng_chars[cp >> 6] >> (cp & 63) & 1);
}
#undef BITS
#undef BIT

enum { STACK_CHARS = 256 };

/* Per-call scratch for one block: code points, char ids, byte offsets and
 * the route (score and end index). */
typedef struct {
    int32_t *cp;
    uint32_t *id;
    size_t *off;
    double *score;
    int32_t *next;
    size_t cap;
    void *heap;
    int32_t s_cp[STACK_CHARS + 1];
    uint32_t s_id[STACK_CHARS + 1];
    size_t s_off[STACK_CHARS + 1];
    double s_score[STACK_CHARS + 1];
    int32_t s_next[STACK_CHARS + 1];
} scratch;

static void scratch_init(scratch *s)
{
    s->cp = s->s_cp;
    s->id = s->s_id;
    s->off = s->s_off;
    s->score = s->s_score;
    s->next = s->s_next;
    s->cap = STACK_CHARS;
    s->heap = NULL;
}

/* Room for n chars, keeping the first `used` chars' code points, ids and
 * offsets (the block is decoded as it is measured). */
static int scratch_reserve(scratch *s, size_t n, size_t used)
{
    if (n <= s->cap)
        return 0;
    size_t cap = s->cap * 2;
    while (cap < n)
        cap *= 2;
    if (cap > (size_t)INT32_MAX)
        return -1;
    size_t each = sizeof(int32_t) + sizeof(uint32_t) + sizeof(size_t) + sizeof(double) +
                  sizeof(int32_t);
    char *p = malloc((cap + 1) * each);
    if (!p)
        return -1;
    /* Widest first keeps every array aligned. */
    size_t *off = (size_t *)p;
    double *score = (double *)(off + cap + 1);
    int32_t *cp = (int32_t *)(score + cap + 1);
    uint32_t *id = (uint32_t *)(cp + cap + 1);
    memcpy(off, s->off, used * sizeof *off);
    memcpy(cp, s->cp, used * sizeof *cp);
    memcpy(id, s->id, used * sizeof *id);
    free(s->heap);
    s->heap = p;
    s->off = off;
    s->score = score;
    s->cp = cp;
    s->id = id;
    s->next = (int32_t *)(id + cap + 1);
    s->cap = cap;
    return 0;
}

/* ---- huibao mode: gluing the pieces of numbers, masks, percentages ---- */

typedef struct {
    hb_word_fn fn;
    void *ctx;
    const char *text;
    size_t len;
    size_t ps, pe;
    int have;
    int phan;   /* pending word holds a Han character; -1 not yet known */
} whole_ctx;

/* The segmenter reads the text as written, the classes of chars.h are
 * those of the folded view: full-width ASCII (０ ＊ Ｘ ％ ．) is narrowed
 * before it is asked about. */
static int narrow(int cp)
{
    return cp >= 0xFF01 && cp <= 0xFF5E ? cp - 0xFEE0 : cp;
}

static int is_digit(int cp)
{
    cp = narrow(cp);
    return cp >= '0' && cp <= '9';
}

/* A mask that combines with digits (1*, **%): * × ✕. */
static int is_star(int cp)
{
    cp = narrow(cp);
    return hb_is_mask_char(cp) && !hb_is_shape_mask(cp);
}

static int is_numish(int cp)
{
    return is_digit(cp) || is_star(cp);
}

static int is_point(int cp)
{
    return narrow(cp) == '.';
}

static int is_percent(int cp)
{
    return narrow(cp) == '%' || cp == 0x2030; /* ‰ */
}

/* Letter and shape masks that only repeat: XX, xx, ＸＸ, ○○, □□. */
static int is_shape_mask(int cp)
{
    cp = narrow(cp);
    return cp == 'X' || cp == 'x' || hb_is_shape_mask(cp);
}

static int cp_at(const char *t, size_t len, size_t i)
{
    int cp;
    if (i >= len)
        return -1;
    hb_utf8_next(t + i, len - i, &cp);
    return cp;
}

static size_t prev_start(const char *t, size_t i)
{
    do
        i--;
    while (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80);
    return i;
}

/* ",ddd" not followed by another digit: a thousands separator. */
static int thousands_after(const char *t, size_t len, size_t comma)
{
    size_t i = comma + 1;
    for (int k = 0; k < 3; k++, i++)
        if (i >= len || t[i] < '0' || t[i] > '9')
            return 0;
    return !(i < len && t[i] >= '0' && t[i] <= '9');
}

/* glued() past its first test: a and b may be number, mask or percent
 * characters.  Kept apart, so that the test alone is inlined. */
static __attribute__((noinline)) int glued_slow(const char *t, size_t len, size_t p)
{
    size_t pa = prev_start(t, p);
    int a = cp_at(t, len, pa), b = cp_at(t, len, p);
    if (is_numish(a) && (is_numish(b) || is_percent(b)))
        return 1;
    if (is_shape_mask(a) && a == b)
        return 1;
    if (is_numish(a) && is_point(b))
        return is_numish(cp_at(t, len, p + (size_t)hb_utf8_len((unsigned char)t[p])));
    if (is_point(a) && is_numish(b))
        return pa > 0 && is_numish(cp_at(t, len, prev_start(t, pa)));
    if (is_digit(a) && b == ',')
        return thousands_after(t, len, p);
    if (a == ',' && is_digit(b))
        return pa > 0 && is_digit(cp_at(t, len, prev_start(t, pa))) && thousands_after(t, len, pa);
    return 0;
}

/* Is byte position p (a character boundary, 0 < p < len) strictly inside a
 * number, mask or percentage? */
static inline int glued(const char *t, size_t len, size_t p)
{
    /* `a` and `b` are none of the characters glued_slow looks for unless they
     * are ASCII or start with C3, E2 or EF (× ✕ ○ □ ‰ and full-width forms):
     * Han text's common case, told from the bytes around p without decoding
     * (valid UTF-8: a lead byte C3 two bytes back, or E2/EF three back,
     * starts the last char) */
    const unsigned char *u = (const unsigned char *)t;
    if (!in_set(glue_lead, u[p]))
        return 0;
    if (u[p - 1] >= 0x80 && !(p >= 2 && u[p - 2] == 0xC3) &&
        !(p >= 3 && (u[p - 3] == 0xE2 || u[p - 3] == 0xEF)))
        return 0;
    return glued_slow(t, len, p);
}

static int has_han(const char *t, size_t s, size_t e)
{
    while (s < e) {
        int cp;
        s += (size_t)hb_utf8_next(t + s, e - s, &cp);
        if (hb_is_han(cp))
            return 1;
    }
    return 0;
}

static inline __attribute__((always_inline)) void whole_word(whole_ctx *w, size_t s, size_t e)
{
    if (w->have && glued(w->text, w->len, s)) {
        if (w->phan < 0)
            w->phan = has_han(w->text, w->ps, w->pe);
        if (!w->phan && !has_han(w->text, s, e)) {
            w->pe = e;
            return;
        }
    }
    if (w->have)
        w->fn(w->ctx, w->ps, w->pe);
    w->ps = s;
    w->pe = e;
    w->phan = -1;
    w->have = 1;
}

/* Where the words go: to the caller's fn, or under HB_SEG_WHOLE through
 * whole_word, called directly rather than through a pointer, so that it
 * is inlined where a word is cut. */
typedef struct {
    hb_word_fn fn;
    void *ctx;
    whole_ctx *whole; /* NULL: jieba's words as they are */
} word_sink;

static inline __attribute__((always_inline)) void put_word(const word_sink *o, size_t s, size_t e)
{
    if (o->whole)
        whole_word(o->whole, s, e);
    else
        o->fn(o->ctx, s, e);
}

/* ---- the jieba core ---- */

/* The char id after a block: no char's, and past every slot from any base a
 * valid trie holds (fewer than 2^31 slots), so that a walk arriving at the
 * block's last char ends there; a label, masked, never equals it, so that
 * a crafted base cannot walk past it either. */
#define END_ID 0x80000000u

/* DAG[k] for up to WIN positions at once: the walks are independent, so
 * each round steps every live walk and prefetches its next trie slot, and
 * the cache misses of the walks overlap instead of following one another
 * (the misses are most of the segmenter's time).  The general trie and the
 * overlay are walked apart: both hold every prefix of their words, so the
 * combined walk reaches exactly as far as the longer of the two, and an
 * overlay word then sets its end's frequency (ov_walks).
 * DAG[k0 + j] is kept dense, one slot per end the walks reached: a walk
 * step is one store, an added word's end one store too (no sorted insert),
 * and the route reads a row in ascending end without an index.  The slots
 * are filed by length first: a round of the walks stores into one line of
 * them and reads one line of ids, each from a base it sets once, where the
 * walks' loop had no register left for those bases. */
/* 32: a report's blocks are some 8 chars, but its long ones hold many of
 * them, and twice the walks a round overlap more of their misses (16:
 * 2% more time for tokens --words, 0.3M more instructions on 600 KB). */
enum { WIN = 32 };
_Static_assert(WIN <= 64, "walk_window returns a bit per position in 64");

typedef struct {
    uint8_t len[WIN];                   /* row j holds ends k0 + j .. k0 + j + len[j] - 1 */
    double lf[HB_LEX_MAX_WORD][WIN];    /* [r][j]: log(freq) of the word k0 + j .. k0 + j + r,
                                           NaN: none */
} dag_window;

/* The general trie as its walks read it. */
typedef struct {
    const hb_lex_slot *nodes;
    const uint64_t *dagx;
    uint32_t nn;
} trie_view;

/* Walk j arrives at slot t with char r of its word: DAG slot (r, j), in
 * row = g->lf[r], gets t's log(freq); idn is the window's char ids from
 * r + 1 on.  Returns the slot the walk asks for next, fetched ahead, or
 * one >= nn when there is none. */
static inline uint32_t walk_arrive(trie_view tv, const uint32_t *idn, double *row, dag_window *g, size_t j,
                                   size_t r, uint32_t t)
{
    uint64_t lf = tv.dagx[tv.nodes[t].val] ^ HB_LEX_NAN_BITS; /* a crafted index: NaN, a prefix */
    memcpy(&row[j], &lf, sizeof lf);
    g->len[j] = (uint8_t)(r + 1);
    uint32_t next = (uint32_t)tv.nodes[t].base + idn[j];
    if (next < tv.nn)
        __builtin_prefetch(&tv.nodes[next]);
    return next;
}

/* The general trie's part of DAG[k0 + j], j < w; id is the block's char ids
 * from k0 on, END_ID after them.  Walk j reads char j + r in round r: the
 * rounds stop at HB_LEX_MAX_WORD (no word is longer: a crafted trie cannot
 * make a walk quadratic) and a walk ends at the block's end on END_ID,
 * which no label equals, without a test of its own: the walk that reads
 * it is one that arrived at the block's last char, whose next slot is past
 * the trie (a valid one) or fails its label.  The live walks' state, in
 * ascending j, is kept packed
 * (at and live by the same index), so a round reads it in order.  Not
 * inlined: in its caller the loop ran out of registers.  Returns the
 * positions the overlay is walked from, a bit each: those whose walk
 * arrives where an added word leaves the general trie (HB_LEX_OV_HERE) or
 * fails at its first char (an added word may start with a char the
 * general trie has not). */
static __attribute__((noinline)) uint64_t walk_window(const struct hb_lexicon *lx, const uint32_t *id,
                                                       size_t w, dag_window *g)
{
    const trie_view tv = {lx->nodes, lx->dagx, lx->nnodes};
    const hb_lex_slot *nodes = tv.nodes;
    uint32_t nn = tv.nn;
    uint32_t at[WIN]; /* the slot the walk asks for, its label the char id of round r's char */
    uint8_t live[WIN];
    size_t nlive = 0;
    uint64_t ov = 0;
    /* round 0 apart: every walk starts at the root, none has left yet */
    uint32_t root_base = nn ? (uint32_t)nodes[0].base : 0; /* an empty lexicon has no root:
                                                              every t >= nn */
    for (size_t j = 0; j < w; j++) {
        uint32_t t = root_base + id[j];
        if (t >= nn || (nodes[t].label & HB_LEX_LABEL) != id[j]) {
            g->len[j] = 0; /* else walk_arrive's */
            ov |= 1ull << j;
            continue;
        }
        ov |= (uint64_t)((nodes[t].label & HB_LEX_OV_HERE) != 0) << j;
        uint32_t next = walk_arrive(tv, id + 1, g->lf[0], g, j, 0, t);
        if (next >= nn)
            continue;
        at[nlive] = next;
        live[nlive++] = (uint8_t)j;
    }
    for (size_t r = 1; nlive && r < HB_LEX_MAX_WORD; r++) {
        size_t kept = 0;
        const uint32_t *idr = id + r;
        double *row = g->lf[r];
        for (size_t a = 0; a < nlive; a++) { /* kept <= a: the packed state is read before it is written */
            size_t j = live[a];
            uint32_t t = at[a], c = nodes[t].label;
            if ((c & HB_LEX_LABEL) != idr[j])
                continue;
            ov |= (uint64_t)((c & HB_LEX_OV_HERE) != 0) << j;
            uint32_t next = walk_arrive(tv, idr + 1, row, g, j, r, t);
            if (next >= nn)
                continue;
            at[kept] = next;
            live[kept++] = (uint8_t)j;
        }
        nlive = kept;
    }
    return ov;
}

/* An added word of r + 1 chars from k0 + j sets DAG[k0 + j]'s slot there:
 * its log(freq), or none (-1) for frequency 0.  Slots between the general
 * walk's reach and it are no words. */
static void dag_set(dag_window *g, size_t j, size_t r, double lf)
{
    size_t n = g->len[j]; /* in a register: a store to lf may alias len, a byte */
    for (; n <= r; n++)
        g->lf[n][j] = NAN;
    g->len[j] = (uint8_t)n;
    g->lf[r][j] = hb_lex_dag_value(lf);
}

/* The overlay walk from position j at slot x, char r of its word: every
 * added word on from there sets its DAG slot.  A walk stops at the block's
 * end on the code point -1 after it (no slot's child), and within
 * HB_LEX_MAX_WORD characters, as the overlay is no deeper. */
static void ov_walk_on(const struct hb_lex_overlay *ov, const int32_t *cp, size_t j, size_t r, uint32_t x,
                       dag_window *g)
{
    const hb_lex_node *da = ov->da;
    for (uint32_t c = da[x].check;;) {
        if (c & HB_LEX_OV_WORD)
            dag_set(g, j, r, ov->val[x]);
        uint32_t t = (uint32_t)da[x].base + (uint32_t)cp[j + ++r];
        if (t >= ov->cap || ((c = da[t].check) & ~HB_LEX_OV_WORD) != x + 1)
            break;
        x = t;
    }
}

/* The child slot of overlay slot x by cp, for ov_walks, if any: slot 0
 * (the root, no slot's child) when it is past the slots. */
static inline uint32_t ov_next(const struct hb_lex_overlay *ov, uint32_t x, int32_t cp)
{
    uint32_t t = (uint32_t)ov->da[x].base + (uint32_t)cp;
    return t & (0u - (uint32_t)(t < ov->cap)); /* a mask: a branch here mispredicted as the walks' ends did */
}

/* The overlay's part of DAG[k0 + j], for the positions of the set bits
 * of `from` (walk_window's answer): from other positions no added word
 * can start (half of a report's positions start one's first char, a
 * quarter get here).  Of the walks that start, two in five end at their
 * first char and two at their second, so that the walks' ends were the
 * segmenter's most mispredicted branches: each walk's first three chars
 * are stepped without a branch, and only one that finds a word there or
 * goes on (one in five) takes one.  A block char is below U+10000, so the
 * first step, from the root, is in bounds; a free slot's base is 0, and
 * the overlay has more than U+10000 slots, so the second is too. */
static void ov_walks(const struct hb_lex_overlay *ov, const int32_t *cp, uint64_t from, dag_window *g)
{
    const hb_lex_node *da = ov->da;
    for (; from; from &= from - 1) {
        size_t j = (size_t)__builtin_ctzll(from);
        uint32_t x = (uint32_t)cp[j] + HB_LEX_OV_ROOT_BASE, t1 = ov_next(ov, x, cp[j + 1]);
        uint32_t t2 = ov_next(ov, t1, cp[j + 1] < 0 ? -1 : cp[j + 2]); /* none past the block's end */
        uint32_t c0 = da[x].check, c1 = da[t1].check, c2 = da[t2].check;
        uint32_t on0 = (c0 & ~HB_LEX_OV_WORD) == 1, on1 = on0 & ((c1 & ~HB_LEX_OV_WORD) == x + 1),
                 on2 = on1 & ((c2 & ~HB_LEX_OV_WORD) == t1 + 1), word0 = on0 & c0 >> 31, word1 = on1 & c1 >> 31;
        if (!(word0 | word1 | on2))
            continue;
        if (word0)
            dag_set(g, j, 0, ov->val[x]);
        if (word1)
            dag_set(g, j, 1, ov->val[t1]);
        if (on2)
            ov_walk_on(ov, cp, j, 2, t2, g);
    }
}

/* route[k] for k in [k0, hi), right to left, from DAG row k - k0. */
static void route_window(double logtotal, scratch *s, size_t k0, size_t hi, const dag_window *g)
{
    for (size_t k = hi; k-- > k0;) {
        const double *lf = &g->lf[0][k - k0], *after = s->score + k + 1;
        double best = -INFINITY;
        int32_t bx = -1;
        for (size_t r = 0, m = g->len[k - k0]; r < m; r++, lf += WIN) { /* lf: slot (r, k - k0) */
            double sc = *lf - logtotal + after[r]; /* NaN for no word: never >= */
            /* ascending ends: >= gives ties to the larger end.  GCC 12 makes
             * this a short branch; a branchless form (maxsd and a mask) took
             * three instructions more a slot for no clear gain in time */
            int take = sc >= best;
            bx = take ? (int32_t)(k + r) : bx;
            best = take ? sc : best;
        }
        if (bx < 0) { /* DAG[k] = [k], FREQ 0 or missing: log(1) */
            best = 0.0 - logtotal + after[0];
            bx = (int32_t)k;
        }
        s->score[k] = best;
        s->next[k] = bx;
    }
}

/* route[] over block chars 0..n-1 (scratch filled), right to left. */
static void calc_route(const struct hb_lexicon *lx, scratch *s, size_t n, dag_window *g)
{
    s->score[n] = 0.0;
    s->next[n] = 0;
    for (size_t hi = n; hi > 0;) {
        size_t k0 = hi > WIN ? hi - WIN : 0;
        uint64_t ov = walk_window(lx, s->id + k0, hi - k0, g);
        if (lx->ov)
            ov_walks(lx->ov, s->cp + k0, ov, g);
        route_window(lx->logtotal, s, k0, hi, g);
        hi = k0;
    }
}

static inline __attribute__((always_inline)) void cut_block(const struct hb_lexicon *lx, scratch *s,
                                                            dag_window *g, size_t n, size_t base,
                                                            const word_sink *out)
{
    if (n == 1) { /* one way to cut it */
        put_word(out, base, base + s->off[1]);
        return;
    }
    s->id[n] = END_ID;
    s->cp[n] = -1;
    calc_route(lx, s, n, g);
    size_t x = 0, buf = SIZE_MAX;
    while (x < n) {
        size_t y = (size_t)s->next[x] + 1;
        if (is_eng(s->cp[x]) && y - x == 1) { /* the word's length first, in Han text one or two
                                                 chars alike, was the most mispredicted branch here */
            if (buf == SIZE_MAX)
                buf = x;
        } else {
            if (buf != SIZE_MAX) {
                put_word(out, base + s->off[buf], base + s->off[x]);
                buf = SIZE_MAX;
            }
            put_word(out, base + s->off[x], base + s->off[y]);
        }
        x = y;
    }
    if (buf != SIZE_MAX)
        put_word(out, base + s->off[buf], base + s->off[n]);
}

/* Reads the block starting at text[i] into s (code points, char ids,
 * offsets from i); returns its length in chars, 0 when scratch for it
 * cannot be had.  Apart from hb_segment, and growing scratch outside its
 * inner loop, so that the loop keeps its pointers in registers.  Block
 * chars are below U+10000, so their ids are all in charmap. */
static __attribute__((noinline)) size_t read_block(const struct hb_lexicon *lx, scratch *s, const char *text,
                                                   size_t len, size_t i)
{
    const uint16_t *charmap = lx->charmap;
    const char *b = text + i, *p = b, *end = text + len;
    size_t n = 0;
    for (;;) {
        size_t cap = s->cap, *off = s->off;
        int32_t *cps = s->cp;
        uint32_t *ids = s->id;
        for (; n < cap; n++) {
            int cp, l;
            if (p == end || !(l = block_char((const unsigned char *)p, &cp)))
                goto done;
            off[n] = (size_t)(p - b);
            cps[n] = cp;
            ids[n] = charmap[cp];
            p += l;
        }
        if (scratch_reserve(s, n + 1, n) < 0)
            return 0;
    }
done:
    s->off[n] = (size_t)(p - b);
    return n;
}

/* The loop over the text, made twice (segment_plain, segment_whole), each
 * with out->whole known, so that whole_word is inlined where it is used
 * and the plain words pay no test for it. */
static inline __attribute__((always_inline)) hb_status segment_run(const struct hb_lexicon *lx, const char *text,
                                                                    size_t len, const word_sink *out)
{
    scratch s;
    scratch_init(&s);
    dag_window g;
    hb_status st = HB_OK;
    for (size_t i = 0; i < len;) {
        int cp;
        if (!block_char((const unsigned char *)text + i, &cp)) {
            int l = hb_utf8_next(text + i, len - i, &cp);
            if (cp == '\r' && i + 1 < len && text[i + 1] == '\n')
                l = 2;
            put_word(out, i, i + (size_t)l);
            i += (size_t)l;
            continue;
        }
        size_t n = read_block(lx, &s, text, len, i);
        if (!n) {
            st = HB_ERR_NOMEM;
            break;
        }
        cut_block(lx, &s, &g, n, i, out);
        i += s.off[n];
    }
    free(s.heap);
    return st;
}

static __attribute__((noinline)) hb_status segment_plain(const struct hb_lexicon *lx, const char *text,
                                                          size_t len, hb_word_fn fn, void *ctx)
{
    const word_sink out = {fn, ctx, NULL};
    return segment_run(lx, text, len, &out);
}

static __attribute__((noinline)) hb_status segment_whole(const struct hb_lexicon *lx, const char *text,
                                                          size_t len, hb_word_fn fn, void *ctx)
{
    whole_ctx w = {fn, ctx, text, len, 0, 0, 0, -1};
    const word_sink out = {fn, ctx, &w};
    hb_status st = segment_run(lx, text, len, &out);
    if (w.have)
        w.fn(w.ctx, w.ps, w.pe);
    return st;
}

hb_status hb_segment(const struct hb_lexicon *lx, const char *text, size_t len, unsigned flags,
                     hb_word_fn fn, void *ctx)
{
    return flags & HB_SEG_WHOLE ? segment_whole(lx, text, len, fn, ctx) : segment_plain(lx, text, len, fn, ctx);
}
