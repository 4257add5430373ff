#include "paragraphs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "markers.h"
#include "normalize.h"

/* The line length at which this file's lines were wrapped, or 0 when they
 * were not: the most common length among long lines, allowing the ±2 that
 * punctuation and Latin characters cause.  Few lines may be longer than a
 * wrap length: where many are, the common length is that of headings in a
 * file of one line per paragraph.  Measured in display width (a word
 * processor wraps by width: half-width digits are narrow) and in characters
 * (a text exporter counts them), as by_width says. */
enum { MAXLEN = 400 };
static int line_length(const hb_line *l, int by_width)
{
    return by_width ? l->width : l->chars;
}

static int wrap_length(const hb_doc *d, int by_width)
{
    int hist[MAXLEN + 1] = {0};
    uint64_t seen[MAXLEN / 64 + 1] = {0}; /* the lengths counted: only windows holding one can win */
    int longs = 0, floor = by_width ? 30 : 20; /* no wrap is narrower than 20 characters */
    for (size_t i = 0; i < d->lines.n; i++) {
        const hb_line *l = &d->lines.v[i];
        int len = line_length(l, by_width);
        if (l->kind == HB_LINE_TEXT && len >= floor && len <= MAXLEN) {
            hist[len]++, longs++;
            seen[len / 64] |= 1ull << (len % 64);
        }
    }
    /* the windows w-2..w in ascending w, each weighed once: a report's few
     * dozen lengths, not all 400 */
    int best = 0, bestn = 0, next = 0;
    for (int k = 0; k <= MAXLEN / 64; k++)
        for (uint64_t b = seen[k]; b; b &= b - 1) {
            int len = k * 64 + __builtin_ctzll(b);
            for (int w = len > next ? len : next; w <= len + 2 && w <= MAXLEN; w++) {
                int n = hist[w] + hist[w - 1] + hist[w - 2];
                if (n > bestn)
                    bestn = n, best = w;
            }
            next = len + 3;
        }
    int longer = 0;
    for (size_t i = 0; i < d->lines.n; i++)
        longer += d->lines.v[i].kind == HB_LINE_TEXT && line_length(&d->lines.v[i], by_width) > best + 2;
    return bestn >= 3 && bestn * 10 >= longs * 4 && longer * 4 <= bestn ? best : 0;
}

typedef struct {
    int width, chars;
} wrap_at;

/* Whether s[0..len) ends with the string literal lit: its length known at
 * compile time, so the compare is a load or two, not a call. */
#define ENDS_WITH(s, len, lit) ((len) >= sizeof(lit) - 1 && memcmp((s) + (len) - (sizeof(lit) - 1), lit, sizeof(lit) - 1) == 0)

/* On the folded line: full-width ！？；：） and … have become ASCII.  Asked
 * of every line that may continue a paragraph. */
static int ends_sentence(const char *s, size_t len)
{
    return ENDS_WITH(s, len, "。") || ENDS_WITH(s, len, "!") || ENDS_WITH(s, len, "?") || ENDS_WITH(s, len, ";") ||
           ENDS_WITH(s, len, ":") || ENDS_WITH(s, len, "...") || ENDS_WITH(s, len, "。”") ||
           ENDS_WITH(s, len, "。」") || ENDS_WITH(s, len, "。)");
}

static int ends_mid_clause(const char *s, size_t len)
{
    return (len >= 1 && s[len - 1] == ',') || (len >= 3 && memcmp(s + len - 3, "、", 3) == 0);
}

/* 惠及居民3,400余⏎户: a line that ends in a number (with 余 or 多) and is no
 * label (电话:12345678) was cut before the measure word that follows. */
static int ends_in_cut_number(const char *s, size_t len, const char *next, size_t next_len)
{
    size_t n = len;
    if (n >= 3 && (memcmp(s + n - 3, "余", 3) == 0 || memcmp(s + n - 3, "多", 3) == 0))
        n -= 3;
    if (n == 0 || s[n - 1] < '0' || s[n - 1] > '9' || memchr(s, ':', len))
        return 0;
    int cp;
    return next_len > 0 && hb_utf8_next(next, next_len, &cp) == 3 && cp >= 0x4E00 && cp <= 0x9FFF;
}

static int opens_block(const hb_doc *d, const char *s, size_t len)
{
    hb_marker m;
    int fam, num;
    size_t ml;
    return hb_heading_marker(&d->engine->counts_on, s, len, &m) || hb_item_marker(s, len, &fam, &num, &ml);
}

/* Whether line `cur` continues the paragraph whose last line is `prev`
 * (both still in the fold: the view is copied behind them). */
static int continues(const hb_doc *d, const hb_line *prev, const hb_line *cur, wrap_at wrap)
{
    const char *ps = d->fold + prev->fstart, *cs = d->fold + cur->fstart;
    size_t pl = prev->fend - prev->fstart, cl = cur->fend - cur->fstart;
    if (cur->indented || ends_sentence(ps, pl) || opens_block(d, cs, cl))
        return 0;
    if (ends_mid_clause(ps, pl) || ends_in_cut_number(ps, pl, cs, cl))
        return 1;
    return (wrap.width > 0 && prev->width >= wrap.width - 4) || (wrap.chars > 0 && prev->chars >= wrap.chars - 2);
}

/* The view is built in the buffer of the text it is made from (the fold,
 * then the uncut view), front to back: it never gets ahead of what it reads,
 * so no text is held twice. */
typedef struct {
    hb_doc *d;
    char *v;        /* malloc'd; room for the fold and a final LF: the view is never longer */
    hb_omap m;
    size_t n;
    size_t hint;    /* the run of the map read from (the fold's, the uncut view's) last read */
} view_buf;

/* Appends fold bytes [at, at + n) (at >= b->n); s: other bytes standing for
 * them (a joining space, a paragraph's LF), NULL: the fold's own. */
static int put(view_buf *b, const char *s, size_t at, size_t n)
{
    hb_doc *d = b->d;
    int ok = hb_omap_copy(&d->arena, &b->m, b->n, &d->fmap, d->fold, at, n, &b->hint); /* before the move */
    memmove(b->v + b->n, s ? s : d->fold + at, n);
    b->n += n;
    return ok;
}

/* Run-together text (a PDF or web copy flattened into long lines) carries
 * its headings in mid-line: …问题。二、当前存在的主要问题从机关…, or a child
 * glued to its parent's title: 一、主要工作完成情况（一）生产经营….  Such a
 * heading must follow the level order of the headings before it, so that
 * 一、二年级, 第一、二季度 or a list 1、2、3 inside a sentence never cuts. */
enum { OPEN_MAX = 8 };
typedef struct {
    hb_marker open[OPEN_MAX]; /* the headings in force, outermost first */
    int n;
} heading_order;

static void order_push(heading_order *o, const hb_marker *m)
{
    while (o->n > 0 && o->open[o->n - 1].rank >= m->rank)
        o->n--;
    if (o->n < OPEN_MAX)
        o->open[o->n++] = *m;
}

/* Whether m may open a heading here: glued (no punctuation since the
 * heading this piece opens with) only as its first child or its next
 * sibling (（一）推进老旧小区改造（二）加强…, a run of bare titles); else as the next
 * of a heading in force, or as the first of a deeper level (the first 一、
 * or 第一部分 of all when none is in force). */
static int order_fits(const heading_order *o, const hb_marker *m, int glued)
{
    if (glued)
        return o->n > 0 && ((m->number == 1 && m->rank > o->open[o->n - 1].rank) ||
                            (m->style == o->open[o->n - 1].style && m->number == o->open[o->n - 1].number + 1));
    for (int k = o->n - 1; k >= 0; k--)
        if (o->open[k].style == m->style)
            return m->number == o->open[k].number + 1;
    if (m->number != 1)
        return 0;
    return o->n > 0 ? m->rank > o->open[o->n - 1].rank : m->rank <= 1;
}

/* 1、2、3号楼, (1)(2)两类: after the marker comes the next number, so the
 * marker counts numbers in a sentence. */
static int enumerates(const char *s, size_t len, const hb_marker *m)
{
    size_t at = m->len < len && s[m->len] == '(' ? m->len + 1 : m->len, k = at;
    int v = 0;
    while (k < len && k - at < 3 && s[k] >= '0' && s[k] <= '9')
        v = v * 10 + (s[k++] - '0');
    if (k == at && at + 3 <= len)
        v = hb_small_cn_number(s + at, 3);
    return v == m->number + 1;
}

/* The bytes a sentence end (。 ” 」 ! ? ) and space) or a colon ends with:
 * a heading in mid-line comes after one of them, so a character after any
 * other byte is turned away at once.  The ASCII ones, and the last bytes
 * of 。 」 ” (E3 80 82, E3 80 8D, E2 80 9D): */
#define CLAUSE_END_ASCII(X) X(' ') X('!') X('?') X(')') X(':')
#define CLAUSE_END_TAIL(X) X(0x82) X(0x8D) X(0x9D)
#define CLAUSE_END_SET(c) [c] = 1,
static const unsigned char ENDS_CLAUSE[256] = {CLAUSE_END_ASCII(CLAUSE_END_SET) CLAUSE_END_TAIL(CLAUSE_END_SET)};
#undef CLAUSE_END_SET

/* The text before position i (not before from) ends a sentence (。！？,
 * maybe closed by one quote or bracket) or is a space standing for a lost
 * line break. */
static int after_sentence(const char *s, size_t from, size_t i)
{
    if (i == from)
        return 0;
    unsigned char c = (unsigned char)s[i - 1];
    if (!ENDS_CLAUSE[c])
        return 0;
    if (c == ' ' || c == '!' || c == '?')
        return 1;
    if (s[i - 1] == ')')
        i--;
    else if (i >= from + 3 && (memcmp(s + i - 3, "\xE2\x80\x9D", 3) == 0 || /* ” */
                               memcmp(s + i - 3, "\xE3\x80\x8D", 3) == 0))  /* 」 */
        i -= 3;
    return i >= from + 3 && memcmp(s + i - 3, "。", 3) == 0;
}

/* A 1. or （1） in mid-line (not glued to its parent's title) opens a run of
 * headings only when its 2. follows after a sentence end of the same
 * paragraph: one lone 1. after a sentence is an inline enumeration.  The
 * search is bounded so that many lone 1. stay linear. */
enum { SIBLING_WINDOW = 4096 };
static int sibling_follows(const hb_doc *d, const char *s, size_t from, size_t at, size_t end, const hb_marker *m)
{
    hb_marker n;
    size_t lim = end - at > SIBLING_WINDOW ? at + SIBLING_WINDOW : end;
    for (size_t i = at + m->len; i < lim; i++)
        if (after_sentence(s, from, i) && hb_heading_marker(&d->engine->counts_on, s + i, end - i, &n) &&
            n.style == m->style && n.number == 2)
            return 1;
    return 0;
}

/* Sentence or clause punctuation (。 , ; : ! ? 、): a heading title has
 * ended before it.  Asked at every character: the first byte rules out
 * most at once (。 and 、 start E3). */
static int is_punct(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ',' || c == ';' || c == ':' || c == '!' || c == '?')
        return 1;
    return c == 0xE3 && len >= 3 && (memcmp(s, "。", 3) == 0 || memcmp(s, "、", 3) == 0);
}

enum { MIN_TITLE = 6 }; /* bytes of title before a glued sibling: two characters */

/* A cut of a run-together paragraph: the piece before it ends at keep
 * (spaces before the heading dropped), the next starts at at. */
typedef struct {
    size_t keep, at;
} cut;
typedef HB_VEC(cut) cut_list;

/* The bytes a clause may end with, as next_clause_start's skips test them:
 * one below 0x40, or 82, 8D, 9D (。 」 ” end so); a superset of
 * ENDS_CLAUSE, which the loop asks at each place a skip stops. */
enum { CLAUSE_ASCII_BELOW = 0x40 };

/* From s[i - 1] on, eight bytes at a time, to the first such byte: i moved
 * to the place after it, or by eight past none. */
static inline size_t clause_skip8(const char *s, size_t i)
{
    const uint64_t highs = 0x8080808080808080u;
    uint64_t w;
    memcpy(&w, s + i - 1, 8);
    uint64_t m = (~w & ~w << 1 & highs) | hb_bytes_eq8(w, 0x82) | hb_bytes_eq8(w, 0x8D) | hb_bytes_eq8(w, 0x9D);
    return i + (m ? (size_t)__builtin_ctzll(m) >> 3 : 8);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include "cpu.h"
#include <immintrin.h>
#define HB_CLAUSE_AVX2 1

/* The same 32 bytes a step (s[i - 2 .. i + 31), i >= 2) while 32 are left
 * before end, and only to the bytes that may let a heading open: an ASCII
 * one, or a last byte of 。 」 ” after the 80 they hold.  Any other byte
 * of ENDS_CLAUSE (the last byte of a Han character such as 丂, E4 B8 82)
 * is no sentence end to after_sentence nor a colon, so find_cuts would
 * step over the place. */
__attribute__((target("avx2"))) static size_t clause_skip32(const char *s, size_t i, size_t end)
{
    const __m256i cont80 = _mm256_set1_epi8((char)0x80);
    for (; i + 32 <= end; i += 32) {
        __m256i w = _mm256_loadu_si256((const __m256i *)(s + i - 1)), ascii = _mm256_setzero_si256(),
                tail = _mm256_setzero_si256();
#define CLAUSE_EQ(into, c) into = _mm256_or_si256(into, _mm256_cmpeq_epi8(w, _mm256_set1_epi8((char)(c))));
#define CLAUSE_EQ_ASCII(c) CLAUSE_EQ(ascii, c)
#define CLAUSE_EQ_TAIL(c) CLAUSE_EQ(tail, c)
        CLAUSE_END_ASCII(CLAUSE_EQ_ASCII)
        CLAUSE_END_TAIL(CLAUSE_EQ_TAIL)
#undef CLAUSE_EQ_TAIL
#undef CLAUSE_EQ_ASCII
#undef CLAUSE_EQ
        tail = _mm256_and_si256(tail, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(s + i - 2)), cont80));
        unsigned bits = (unsigned)_mm256_movemask_epi8(_mm256_or_si256(ascii, tail));
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
    return i;
}
#endif

/* The first character start from i on (i > the paragraph's start) whose
 * byte before is in ENDS_CLAUSE, or end: only there may a heading open
 * when none glues to the one before.  Byte by byte it was a sixth of the
 * stage: the skips go to the next byte that may be one, 32 bytes a step
 * where the CPU has AVX2 (vector), else eight. */
static size_t next_clause_start(const char *s, size_t i, size_t end, int vector)
{
    (void)vector;
    while (i < end && (!ENDS_CLAUSE[(unsigned char)s[i - 1]] || ((unsigned char)s[i] & 0xC0) == 0x80)) {
        i++;
#ifdef HB_CLAUSE_AVX2
        if (vector && i >= 2 && i + 32 <= end) {
            i = clause_skip32(s, i, end);
            continue;
        }
#endif
        if (i + 8 <= end)
            i = clause_skip8(s, i);
    }
    return i;
}

/* Finds where paragraph pa of the view cuts at a heading begun in mid-line. */
static int find_cuts(hb_doc *d, heading_order *o, const char *s, const hb_para *pa, cut_list *cuts, int vector)
{
    hb_marker m;
    size_t piece = pa->vstart, i = piece + 1, title = piece;
    int glued = 0;
    if (hb_heading_marker(&d->engine->counts_on, s + piece, pa->vend - piece, &m))
        order_push(o, &m), glued = 1, i = title = piece + m.len;
    while (i < pa->vend) {
        if (!glued && (i = next_clause_start(s, i, pa->vend, vector)) == pa->vend)
            break;
        size_t clen = (size_t)hb_utf8_len((unsigned char)s[i]);
        /* 重点做好以下工作：（一）…。（二）…: a first child after a colon,
         * when its sibling follows a sentence end */
        int colon = !glued && i > pa->vstart && s[i - 1] == ':';
        if ((glued || colon || after_sentence(s, pa->vstart, i)) &&
            hb_heading_marker(&d->engine->counts_on, s + i, pa->vend - i, &m) && order_fits(o, &m, glued) &&
            !enumerates(s + i, pa->vend - i, &m) && (!glued || m.number == 1 || i >= title + MIN_TITLE) &&
            (colon ? m.number == 1 && sibling_follows(d, s, pa->vstart, i, pa->vend, &m)
                   : glued || m.number > 1 || m.rank < 3 || sibling_follows(d, s, pa->vstart, i, pa->vend, &m))) {
            cut c = {i, i};
            while (c.keep > piece && s[c.keep - 1] == ' ')
                c.keep--;
            if (!hb_vec_push(&d->arena, cuts, c))
                return 0;
            piece = i;
            order_push(o, &m);
            glued = 1;
            i = title = i + m.len;
            continue;
        }
        if (is_punct(s + i, pa->vend - i))
            glued = 0;
        i += clen;
    }
    return 1;
}

/* Appends view bytes [from, from + n) of in to out, with their map. */
static int put_view(view_buf *out, view_buf *in, const char *s, size_t from, size_t n)
{
    int ok = hb_omap_copy(&out->d->arena, &out->m, out->n, &in->m, in->v, from, n, &in->hint);
    memmove(out->v + out->n, s ? s : in->v + from, n);
    out->n += n;
    return ok;
}

/* Cuts every paragraph at its mid-line headings (see heading_order); each
 * piece becomes a paragraph marked glued.  When some paragraph is cut, the
 * view grows by one LF a cut: the uncut view moves to the end of its grown
 * buffer and the cut one is written from the start, never past what is left
 * to read. */
static int split_run_together(hb_doc *d, view_buf *b)
{
    heading_order o = {.n = 0};
    cut_list cuts = {0};
#ifdef HB_CLAUSE_AVX2
    int vector = hb_cpu_avx2();
#else
    int vector = 0;
#endif
    size_t np = d->paras.n, *first = hb_arena_take(&d->arena, (np + 1) * sizeof *first); /* all written */
    if (!first)
        return 0;
    for (size_t p = 0; p < np; p++) {
        first[p] = cuts.n;
        if (!find_cuts(d, &o, b->v, &d->paras.v[p], &cuts, vector))
            return 0;
    }
    first[np] = cuts.n;
    if (!cuts.n)
        return 1;
    char *grown = realloc(b->v, b->n + cuts.n + 2 + HB_TEXT_PAD);
    if (!grown)
        return 0;
    d->view_own = b->v = grown;
    memmove(grown + cuts.n, grown, b->n);
    view_buf in = {.d = d, .v = grown + cuts.n, .m = b->m, .n = b->n}, out = {.d = d, .v = grown};
    /* the cut paragraphs and their map in arrays of the most they can
     * hold, written once: a piece copies the runs starting in it and one
     * more, a piece and a line feed for a cut and a piece for a paragraph
     * (the last run of the map, to the text's end, after them) */
    hb_para *old = d->paras.v;
    d->paras.v = hb_arena_take(&d->arena, (np + cuts.n) * sizeof *d->paras.v);
    d->paras.n = 0;
    d->paras.cap = np + cuts.n;
    out.m.cap = in.m.n + 2 * cuts.n + np + 1;
    out.m.v = hb_arena_take(&d->arena, out.m.cap * sizeof *out.m.v);
    if (!d->paras.v || !out.m.v)
        return 0;
    for (size_t p = 0; p < np; p++) {
        const hb_para *pa = &old[p];
        hb_para cur = *pa;
        size_t piece = pa->vstart;
        cur.vstart = out.n;
        for (size_t k = first[p]; k < first[p + 1]; k++) {
            const cut *c = &cuts.v[k];
            /* the lines before the bytes are overwritten */
            int last = hb_doc_line_at(d, hb_omap_at(&in.m, in.v, c->keep > piece ? c->keep - 1 : piece));
            int next = hb_doc_line_at(d, hb_omap_at(&in.m, in.v, c->at));
            if (!put_view(&out, &in, NULL, piece, c->keep - piece) || !put_view(&out, &in, "\n", c->keep, 1))
                return 0;
            cur.vend = out.n - 1;
            cur.last_line = last;
            cur.glued = 1;
            if (!hb_vec_push(&d->arena, &d->paras, cur))
                return 0;
            cur = *pa;
            cur.vstart = out.n;
            cur.first_line = next;
            piece = c->at;
        }
        /* the piece and the LF after it, which the uncut view holds: one copy */
        if (!put_view(&out, &in, NULL, piece, pa->vend + 1 - piece))
            return 0;
        cur.vend = out.n - 1;
        cur.glued = first[p + 1] > first[p] || cur.glued;
        if (!hb_vec_push(&d->arena, &d->paras, cur))
            return 0;
    }
    /* the uncut view's map and paragraphs are read no more */
    hb_arena_free(&d->arena, in.m.v);
    hb_arena_free(&d->arena, old);
    hb_arena_free(&d->arena, first);
    hb_arena_free(&d->arena, cuts.v);
    *b = out;
    return 1;
}

/* Appends line l, the last of paragraph pa, and the LF that ends pa
 * (pa->vend): one copy of bytes and map when the fold holds that LF right
 * after the line, as most lines end. */
static int put_last(view_buf *b, const hb_line *l, hb_para *pa)
{
    size_t n = l->fend - l->fstart;
    pa->vend = (uint32_t)(b->n + n);
    if (l->fend < b->d->fold_len && b->d->fold[l->fend] == '\n')
        return put(b, NULL, l->fstart, n + 1);
    return put(b, NULL, l->fstart, n) && put(b, "\n", l->fend, 1);
}

hb_status hb_paragraphs_run(hb_doc *d)
{
    wrap_at wrap = {wrap_length(d, 1), wrap_length(d, 0)};
    size_t cap = d->fold_len + 2 + HB_TEXT_PAD;
    /* the fold's own buffer when it has one (else the fold is the text) */
    view_buf b = {.d = d, .v = d->fold_own ? realloc(d->fold_own, cap) : malloc(cap)};
    if (!b.v)
        return HB_ERR_NOMEM;
    if (d->fold_own)
        d->fold = b.v;
    d->fold_own = NULL;
    d->view_own = b.v;
    /* the paragraphs and the map in arrays of the most they can hold,
     * written once: a paragraph a line at most, and a copy (at most two a
     * line) maps the runs of the fold's map starting in it and one more */
    b.m.cap = d->fmap.n + 2 * d->lines.n + 1;
    b.m.v = hb_arena_take(&d->arena, b.m.cap * sizeof *b.m.v);
    d->paras.cap = d->lines.n;
    d->paras.v = hb_arena_take(&d->arena, d->paras.cap * sizeof *d->paras.v);
    if (!b.m.v || !d->paras.v)
        return HB_ERR_NOMEM;
    hb_para cur = {0};
    /* prev, the last line read, is copied once the next tells whether it
     * ends its paragraph: till then its text is still in the fold, which
     * the view has not reached */
    const hb_line *prev = NULL;
    int open = 0;
    for (size_t i = 0; i < d->lines.n; i++) {
        const hb_line *l = &d->lines.v[i];
        if (l->kind != HB_LINE_TEXT)
            continue;
        if (open && continues(d, prev, l, wrap)) {
            /* Latin words wrapped at a line end need their space back. */
            char last = prev->fend > prev->fstart ? d->fold[prev->fend - 1] : 0;
            char first = d->fold[l->fstart];
            if (!put(&b, NULL, prev->fstart, prev->fend - prev->fstart))
                return HB_ERR_NOMEM;
            if (((last | 32) >= 'a' && (last | 32) <= 'z') && ((first | 32) >= 'a' && (first | 32) <= 'z'))
                if (!put(&b, " ", prev->fend, 1))
                    return HB_ERR_NOMEM;
        } else {
            if (open && (!put_last(&b, prev, &cur) || !hb_vec_push(&d->arena, &d->paras, cur)))
                return HB_ERR_NOMEM;
            cur = (hb_para){.vstart = b.n, .first_line = (int)i + 1, .section = -1};
            open = 1;
        }
        cur.last_line = (int)i + 1;
        prev = l;
    }
    if (open && (!put_last(&b, prev, &cur) || !hb_vec_push(&d->arena, &d->paras, cur)))
        return HB_ERR_NOMEM;
    /* no stage after this point reads the fold's map or its lines (the
     * fold is now the view, or the text): given back before the cut
     * paragraphs take their arrays, which then fit in their room, below
     * the uncut ones, and those, freed last, leave the heap's top as low
     * as before them (a large report: 3 MiB, a huge page or two, less) */
    d->fold = NULL;
    hb_arena_free(&d->arena, d->fmap.v);
    hb_arena_free(&d->arena, d->lines.v);
    d->fmap = (hb_omap){0};
    d->lines.v = NULL;
    d->lines.n = d->lines.cap = 0;
    if (!split_run_together(d, &b) || !hb_omap_put(&d->arena, &b.m, b.n, d->len))
        return HB_ERR_NOMEM;
    memset(b.v + b.n, 0, 1 + HB_TEXT_PAD);
    /* blank lines and indentation left room the view does not use */
    char *fit = realloc(b.v, b.n + 1 + HB_TEXT_PAD);
    if (fit)
        d->view_own = b.v = fit;
    d->view = b.v;
    d->view_len = b.n;
    d->vmap = b.m;
    hb_vec_trim(&d->arena, &d->vmap);
    hb_vec_trim(&d->arena, &d->paras);
    return HB_OK;
}
