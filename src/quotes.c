/* Pairing quotation and title marks, paragraph by paragraph (see quotes.h). */
#include "quotes.h"

#include <stdlib.h>
#include <string.h>

#include "chars.h"
#include "extract.h"
#include "normalize.h"

struct hb_quotes_result {
    HB_VEC(hb_quote) spans;
};

/* Mark families: a closing mark pairs only with an open mark of its family. */
enum { F_NONE, F_DOUBLE, F_SINGLE, F_CORNER, F_WCORNER, F_STRAIGHT, F_BOOK, F_ANGLE, F_ASCII_ANGLE };

enum { MAX_WARNINGS = 50 };

/* A web copy may put a line break inside a title or a quotation (深入学习
 * 《中国共产党⏎纪律处分条例》): a mark left open at most this many bytes
 * before its paragraph's end stays open into the next paragraph, for as many
 * bytes, and pairs there across the break.  A paragraph ending in 。！？
 * carries nothing. */
enum { CARRY_REACH = 40 * 3 };

/* Family of the mark at s[0..n) and whether it opens (1), closes (-1) or
 * toggles (0, straight quotes); returns its byte length, 0 when s is no mark. */
static size_t mark_at(const char *s, size_t n, int *fam, int *dir)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == '"') {
        *fam = F_STRAIGHT, *dir = 0;
        return 1;
    }
    if (u[0] == '<' || u[0] == '>') {
        *fam = F_ASCII_ANGLE, *dir = u[0] == '<' ? 1 : -1;
        return 1;
    }
    if (n < 3 || u[1] != 0x80)
        return 0;
    if (u[0] == 0xE2) {
        switch (u[2]) {
        case 0x9C: *fam = F_DOUBLE, *dir = 1; return 3;   /* “ */
        case 0x9D: *fam = F_DOUBLE, *dir = -1; return 3;  /* ” */
        case 0x98: *fam = F_SINGLE, *dir = 1; return 3;   /* ‘ */
        case 0x99: *fam = F_SINGLE, *dir = -1; return 3;  /* ’ */
        default: return 0;
        }
    }
    if (u[0] == 0xE3 && u[2] >= 0x88 && u[2] <= 0x8F) {
        static const int fams[] = {F_ANGLE, F_ANGLE, F_BOOK, F_BOOK, F_CORNER, F_CORNER, F_WCORNER, F_WCORNER};
        *fam = fams[u[2] - 0x88];
        *dir = (u[2] & 1) ? -1 : 1;  /* 〈《「『 are even, 〉》」』 odd */
        return 3;
    }
    return 0;
}

/* The first bytes of the marks mark_at() knows. */
static const unsigned char MARK_LEAD[256] = {['"'] = 1, ['<'] = 1, ['>'] = 1, [0xE2] = 1, [0xE3] = 1};

#if defined(__x86_64__) && defined(__GNUC__)
#include "cpu.h"
#include <immintrin.h>
#define HB_MARKS_AVX2 1

/* From v[i] on, 32 bytes a step while 34 are left before end, to the first
 * place mark_at() takes: all three bytes of “ ” ‘ ’ (E2 80 98, 99, 9C, 9D)
 * and 〈 〉 《 》 「 」 『 』 (E3 80 88..8F), read from loads one and two
 * bytes on, so that 。 、 — … (E2 or E3 too) stop nothing; i moved there,
 * or to where fewer are left. */
__attribute__((target("avx2"))) static size_t marks32(const char *v, size_t i, size_t end)
{
    for (; i + 34 <= end; i += 32) {
        __m256i w = _mm256_loadu_si256((const __m256i *)(v + i)), w1 = _mm256_loadu_si256((const __m256i *)(v + i + 1)),
                w2 = _mm256_loadu_si256((const __m256i *)(v + i + 2));
        __m256i ascii = _mm256_or_si256(_mm256_cmpeq_epi8(w, _mm256_set1_epi8('"')),
                                        _mm256_cmpeq_epi8(_mm256_or_si256(w, _mm256_set1_epi8(2)), _mm256_set1_epi8('>')));
        __m256i e2 = _mm256_and_si256(
            _mm256_cmpeq_epi8(w, _mm256_set1_epi8((char)0xE2)),
            _mm256_cmpeq_epi8(_mm256_or_si256(w2, _mm256_set1_epi8(0x05)), _mm256_set1_epi8((char)0x9D)));
        __m256i e3 = _mm256_and_si256(
            _mm256_cmpeq_epi8(w, _mm256_set1_epi8((char)0xE3)),
            _mm256_cmpeq_epi8(_mm256_or_si256(w2, _mm256_set1_epi8(0x07)), _mm256_set1_epi8((char)0x8F)));
        __m256i mark = _mm256_and_si256(_mm256_or_si256(e2, e3), _mm256_cmpeq_epi8(w1, _mm256_set1_epi8((char)0x80)));
        unsigned bits = (unsigned)_mm256_movemask_epi8(_mm256_or_si256(ascii, mark));
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
    return i;
}
#endif

/* The first byte of MARK_LEAD at or after i in v[0..end), end when none:
 * with AVX2 first the marks themselves (marks32), then eight bytes a step
 * (a Han character's three bytes took a table lookup each), E2 and E3
 * found as one byte with bit 0 set, '<' and '>' with bit 1, the ASCII ones
 * looked for only in words holding ASCII. */
static size_t next_lead(const char *v, size_t i, size_t end)
{
    const uint64_t ones = 0x0101010101010101u;
#ifdef HB_MARKS_AVX2
    if (i + 34 <= end && hb_cpu_avx2() && (i = marks32(v, i, end)) + 34 <= end)
        return i;
#endif
    for (; i + 8 <= end; i += 8) {
        uint64_t w;
        memcpy(&w, v + i, 8);
        uint64_t m = hb_bytes_eq8(w | ones, 0xE3);
        if (~w & ones * 0x80)
            m |= hb_bytes_eq8(w, '"') | hb_bytes_eq8(w | ones * 2, '>');
        if (m)
            return i + (size_t)__builtin_ctzll(m) / 8;
    }
    while (i < end && !MARK_LEAD[(unsigned char)v[i]])
        i++;
    return i;
}

/* Whether view[s, e) holds a character that is not white space: a pair of
 * marks around nothing else (“ ”, 《 》 written across a line end) quotes
 * and names nothing. */
static int holds_visible(const char *v, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (hb_visible_at(v, e, i))
            return 1;
    return 0;
}

static int kind_of(int fam)
{
    return fam == F_BOOK ? HB_Q_TITLE : fam == F_ANGLE || fam == F_ASCII_ANGLE ? HB_Q_INNER_TITLE : HB_Q_QUOTE;
}

typedef struct {
    uint32_t pos, len;
    int fam;
    int32_t para;      /* paragraph of the mark (a carried one opens before this one) */
} open_mark;

/* The marks a paragraph leaves open for the next (see CARRY_REACH). */
typedef struct {
    open_mark v[HB_QUOTE_MAX_DEPTH];
    int n;
} carry_marks;

typedef struct {
    int dropped;       /* marks without a partner */
    size_t first_bad;  /* view position of the first of them */
} scan_notes;

static void note_bad(scan_notes *sn, size_t pos)
{
    if (sn->dropped++ == 0 || pos < sn->first_bad)
        sn->first_bad = pos;
}

static int by_start(const void *a, const void *b)
{
    const hb_quote *x = a, *y = b;
    if (x->ostart != y->ostart)
        return x->ostart < y->ostart ? -1 : 1;
    return x->oend > y->oend ? -1 : x->oend < y->oend;
}

/* Whether paragraph pa ends a sentence (then nothing is carried past it). */
static int ends_sentence(const hb_doc *d, const hb_para *pa)
{
    const char *v = d->view;
    size_t e = pa->vend;
    if (e == pa->vstart)
        return 1;
    return v[e - 1] == '!' || v[e - 1] == '?' || (e - pa->vstart >= 3 && memcmp(v + e - 3, "\xE3\x80\x82", 3) == 0);
}

/* Pairs the marks of paragraph p, appending its spans to r; *carry holds the
 * marks the previous paragraph left open and receives those p leaves. */
static int scan_para(hb_doc *d, struct hb_quotes_result *r, int32_t p, scan_notes *sn, carry_marks *carry)
{
    const hb_para *pa = &d->paras.v[p];
    open_mark st[HB_QUOTE_MAX_DEPTH];
    int sp = 0, titles = 0;
    size_t first = r->spans.n;
    for (int j = 0; j < carry->n; j++) {
        st[sp++] = carry->v[j];
        titles += carry->v[j].fam == F_BOOK;
    }
    carry->n = 0;
    for (size_t i = pa->vstart; i < pa->vend;) {
        /* most bytes start no mark: step over them (a carried mark past
         * the reach is dropped at the next mark or the end, as here) */
        if ((i = next_lead(d->view, i, pa->vend)) == pa->vend)
            break;
        /* carried marks still open past the reach lost their partner */
        while (sp > 0 && st[0].para != p && i >= pa->vstart + CARRY_REACH) {
            note_bad(sn, st[0].pos);
            titles -= st[0].fam == F_BOOK;
            memmove(st, st + 1, (size_t)(sp - 1) * sizeof *st);
            sp--;
        }
        int fam, dir;
        size_t n = mark_at(d->view + i, pa->vend - i, &fam, &dir);
        if (n == 0) {
            i++;
            continue;
        }
        /* 〈〉 and <> are title marks only inside a 《》 title */
        if ((fam == F_ANGLE || fam == F_ASCII_ANGLE) && titles == 0) {
            i += n;
            continue;
        }
        int k = sp - 1;
        while (k >= 0 && st[k].fam != fam)
            k--;
        if (dir == 0)
            dir = k >= 0 ? -1 : 1;
        if (dir > 0) {
            if (sp == HB_QUOTE_MAX_DEPTH) {
                /* the oldest open mark is the likeliest to have lost its
                 * partner: drop it so recent pairs still match */
                note_bad(sn, st[0].pos);
                titles -= st[0].fam == F_BOOK;
                memmove(st, st + 1, (HB_QUOTE_MAX_DEPTH - 1) * sizeof *st);
                sp--;
            }
            st[sp++] = (open_mark){(uint32_t)i, (uint32_t)n, fam, p};
            titles += fam == F_BOOK;
        } else if (k < 0) {
            if (fam != F_SINGLE) /* ’ doubles as an apostrophe */
                note_bad(sn, i);
        } else {
            for (int j = k + 1; j < sp; j++)
                note_bad(sn, st[j].pos);
            for (int j = k; j < sp; j++)
                titles -= st[j].fam == F_BOOK;
            uint32_t cs = st[k].pos + st[k].len;
            if (holds_visible(d->view, cs, i)) {
                hb_quote q = {st[k].pos, (uint32_t)(i + n), cs, (uint32_t)i, (uint8_t)kind_of(fam), 0, -1, st[k].para};
                if (!hb_vec_push(&d->arena, &r->spans, q))
                    return 0;
            }
            sp = k;
        }
        i += n;
    }
    int keep = !ends_sentence(d, pa) && p + 1 < (int32_t)d->paras.n;
    for (int j = 0; j < sp; j++) {
        if (keep && st[j].para == p && st[j].pos + CARRY_REACH >= pa->vend)
            carry->v[carry->n++] = st[j];
        else
            note_bad(sn, st[j].pos);
    }
    /* Pairs close inner-first; order them by start and link each to the
     * nearest span containing it (the pairs are nested or disjoint). */
    size_t k = r->spans.n - first;
    if (k == 0)
        return 1;
    hb_quote *v = r->spans.v + first;
    if (k > 1)
        qsort(v, k, sizeof *v, by_start);
    int32_t chain[HB_QUOTE_MAX_DEPTH];
    int depth = 0;
    for (size_t j = 0; j < k; j++) {
        while (depth > 0 && r->spans.v[chain[depth - 1]].oend <= v[j].ostart)
            depth--;
        v[j].parent = depth > 0 ? chain[depth - 1] : -1;
        v[j].depth = (uint8_t)depth;
        if (depth < HB_QUOTE_MAX_DEPTH)
            chain[depth++] = (int32_t)(first + j);
    }
    return 1;
}

int hb_quotes(hb_doc *d, hb_quote_list *out)
{
    if (!d->quotes) {
        struct hb_quotes_result *r = hb_arena_alloc(&d->arena, sizeof *r);
        if (!r)
            return 0;
        int warned = 0, more = 0;
        carry_marks carry = {.n = 0};
        for (size_t p = 0; p < d->paras.n; p++) {
            scan_notes sn = {0, 0};
            if (!scan_para(d, r, (int32_t)p, &sn, &carry))
                return 0;
            if (!sn.dropped)
                continue;
            if (warned == MAX_WARNINGS) {
                more++;
                continue;
            }
            warned++;
            if (!hb_doc_warn(d, "unbalanced-mark", hb_doc_vline(d, sn.first_bad),
                             "%d quotation or title mark(s) without a partner in this paragraph; "
                             "left unpaired",
                             sn.dropped))
                return 0;
        }
        if (more && !hb_doc_warn(d, "unbalanced-mark", 0,
                                 "%d more paragraphs with unpaired quotation or title marks", more))
            return 0;
        d->quotes = r;
    }
    out->v = d->quotes->spans.v;
    out->n = d->quotes->spans.n;
    return 1;
}

size_t hb_quote_para_end(const hb_doc *d, const hb_quote *q)
{
    size_t p = (size_t)q->para;
    while (p + 1 < d->paras.n && d->paras.v[p].vend < q->oend)
        p++;
    return d->paras.v[p].vend;
}

const char *hb_quote_text(hb_doc *d, size_t vs, size_t ve, size_t *len)
{
    const char *v = d->view + vs;
    *len = ve - vs;
    if (!memchr(v, '\n', *len))
        return v;
    char *out = hb_arena_alloc(&d->arena, *len + 1 + HB_TEXT_PAD);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < *len; i++)
        if (v[i] != '\n')
            out[n++] = v[i];
    memset(out + n, 0, 1 + HB_TEXT_PAD);
    *len = n;
    return out;
}

int hb_quote_inside(const hb_quote_list *q, size_t i, int kind)
{
    for (int32_t p = q->v[i].parent; p >= 0; p = q->v[p].parent)
        if (q->v[p].kind == kind)
            return 1;
    return 0;
}

/* The quotes stage: pairs the marks once, before the extractors that read
 * them (and before their warnings). */
hb_status hb_quotes_run(hb_doc *d)
{
    hb_quote_list ql;
    return hb_quotes(d, &ql) ? HB_OK : HB_ERR_NOMEM;
}
