/* Folding: the matching view of a text (NFKC width folding, line ends to LF)
 * with a map back to the bytes as written. */
#ifndef HB_NORMALIZE_H
#define HB_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

/* The length of the longest prefix of s[0..len) made of whole valid UTF-8
 * characters (no overlongs, surrogates or > U+10FFFF): where a repair of
 * damaged text has its first work to do. */
size_t hb_utf8_valid_prefix(const char *s, size_t len);

/* The same without the vector code that CPUs with AVX2 run (normalize.c):
 * for the tests to compare. */
size_t hb_utf8_valid_prefix_portable(const char *s, size_t len);

/* 1 when s[0..len) is valid UTF-8. */
static inline int hb_utf8_valid(const char *s, size_t len)
{
    return hb_utf8_valid_prefix(s, len) == len;
}

/* The length of the valid UTF-8 character at s (n > 0 bytes left), by the
 * same rules; 0 when it is not one. */
static inline size_t hb_utf8_seq(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xE1 && c <= 0xEC && n >= 3 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80)
        return 3; /* most of Chinese text, no special case to check */
    if (c < 0xC2 || c > 0xF4)
        return 0;
    size_t k = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n < k)
        return 0;
    for (size_t i = 1; i < k; i++)
        if ((u[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && u[1] < 0xA0) || (c == 0xED && u[1] >= 0xA0) || /* overlong, surrogate */
        (c == 0xF0 && u[1] < 0x90) || (c == 0xF4 && u[1] >= 0x90))   /* overlong, past U+10FFFF */
        return 0;
    return k;
}

/* Zero bytes kept after every text a regex reads (the fold, the view, a
 * joined quote), after its NUL: PCRE2's JIT reads whole 16-byte words,
 * which may pass the end of the subject, and the AVX2 scans read past a
 * line's or the view's end, up to 31 bytes (lines.c, probe32) and 33 (the
 * NUL and all of these: sections.c, SET_SCAN32). */
#define HB_TEXT_PAD 32

/* An offset into a report's text; texts are capped below HB_OFF_MAX. */
typedef uint32_t hb_off;
#define HB_OFF_MAX UINT32_MAX

/* A map from the bytes of a text derived from the report's text (the fold,
 * the view) back to text offsets: each byte maps to the start of the
 * character it came from.  It is kept only where it breaks: run k says that
 * the characters from byte v[k].from on are those of the text from v[k].to
 * on, byte for byte, up to the next run; a character that folding changed
 * has a run for each of its bytes.  Folding changes few characters, so a map
 * costs a small fraction of the one offset per byte it stands for. */
typedef struct {
    hb_off from, to;
} hb_omap_run;
typedef HB_VEC(hb_omap_run) hb_omap;

/* Maps the character at byte pos (past every byte given so far; the end of
 * the derived text too) to text offset off; 0 when out of memory. */
static inline int hb_omap_put(hb_arena *a, hb_omap *m, size_t pos, size_t off)
{
    if (m->n && m->v[m->n - 1].to + (pos - m->v[m->n - 1].from) == off)
        return 1;
    hb_omap_run r = {(hb_off)pos, (hb_off)off};
    return hb_vec_push(a, m, r);
}

/* The run holding byte pos (maps start at 0). */
size_t hb_omap_find(const hb_omap *m, size_t pos);
/* The same, searched from run k (any value; m->n: a plain binary search)
 * by doubling steps, forward or backward, so a walk costs the log of how
 * far it goes, not of the map's size (the JSON writer's spans and texts
 * step back a little now and then: a metric's text starts before its
 * subject). */
size_t hb_omap_seek(const hb_omap *m, size_t pos, size_t k);

/* The text offset of byte pos of the derived text s.  *hint is a run index
 * kept between calls (start it at 0): a walk forward costs no search, or a
 * short one (hb_omap_seek). */
static inline size_t hb_omap_get(const hb_omap *m, const char *s, size_t pos, size_t *hint)
{
    size_t k = *hint;
    if (k >= m->n || m->v[k].from > pos || (k + 1 < m->n && m->v[k + 1].from <= pos)) {
        k = k + 1 < m->n && m->v[k + 1].from <= pos && (k + 2 >= m->n || m->v[k + 2].from > pos)
                ? k + 1
                : hb_omap_seek(m, pos, k);
        *hint = k;
    }
    size_t from = m->v[k].from;
    while (pos > from && ((unsigned char)s[pos] & 0xC0) == 0x80)
        pos--; /* to the start of the character */
    return m->v[k].to + (pos - from);
}

static inline size_t hb_omap_at(const hb_omap *m, const char *s, size_t pos)
{
    size_t k = m->n;
    return hb_omap_get(m, s, pos, &k);
}

/* Maps bytes [pos, pos + n) of a new text as bytes [from, from + n) of the
 * derived text s that src maps (from at a character start); 0 when out of
 * memory.  *hint is a run index of src kept between calls, as for
 * hb_omap_get: callers copy pieces in order, so each starts its search
 * where the last one ended. */
int hb_omap_copy(hb_arena *a, hb_omap *m, size_t pos, const hb_omap *src, const char *s, size_t from, size_t n,
                 size_t *hint);

/* Folds text[0..len) (valid UTF-8, len < HB_OFF_MAX).  *out is malloc'd
 * (the caller frees it) and NUL-terminated; *map (in the arena) gives for each
 * output byte, and for out_len, the offset in text of the character it came
 * from; it maps out_len to len.  Returns 0 when out of memory. */
int hb_fold(hb_arena *a, const char *text, size_t len, char **out, size_t *out_len, hb_omap *map);

/* The length of the longest prefix of s[0..n) (valid UTF-8) made of whole
 * characters that folding leaves as they are, other than CR: what hb_fold
 * copies as one run.  With the vector code CPUs with AVX2 run, and without
 * it, for the tests to compare. */
size_t hb_fold_identity_prefix(const char *s, size_t n);
size_t hb_fold_identity_prefix_portable(const char *s, size_t n);

/* Folds a NUL-terminated string; returns a malloc'd string, NULL when out of
 * memory.  Used for dictionary entries so they compare with the view. */
char *hb_fold_cstr(const char *s);
/* Whether folding leaves s[0..len) as it is (ASCII without CR, Han, ①..⑳):
 * such text needs no copy. */
int hb_fold_is_identity(const char *s, size_t len);

/* Decodes one UTF-8 character at s (valid UTF-8, n > 0 bytes left);
 * stores the code point and returns its length. */
static inline int hb_utf8_next(const char *s, size_t n, int *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80 || n < 2) {
        *cp = u[0];
        return 1;
    }
    if (u[0] < 0xE0) {
        *cp = ((u[0] & 0x1F) << 6) | (u[1] & 0x3F);
        return 2;
    }
    if (u[0] < 0xF0 || n < 4) {
        if (n < 3) {
            *cp = u[0];
            return 1;
        }
        *cp = ((u[0] & 0x0F) << 12) | ((u[1] & 0x3F) << 6) | (u[2] & 0x3F);
        return 3;
    }
    *cp = ((u[0] & 0x07) << 18) | ((u[1] & 0x3F) << 12) | ((u[2] & 0x3F) << 6) | (u[3] & 0x3F);
    return 4;
}

/* Length of the UTF-8 character starting with byte c (a continuation
 * byte, never first in valid UTF-8, counts 2), by c's high nibble: read
 * from a table, as a chain of compares mispredicted at every change
 * between ASCII and Han in the loops that step by it. */
static inline int hb_utf8_len(unsigned char c)
{
    static const unsigned char len[16] = {1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 4};
    return len[c >> 4];
}

/* How many bytes of m have their high bit set (m: high bits only, as the
 * masks below are): bytes are counted eight at a time. */
static inline unsigned hb_high_bits(uint64_t m)
{
    return (unsigned)((m >> 7) * 0x0101010101010101u >> 56);
}

/* The eight-byte scans (here, lines.c, docfacts.c, sections.c) take a
 * word's first byte as its lowest: byte k of s is bits 8k..8k+7. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "eight-byte scans assume little-endian words");

/* The bytes of the eight of w equal to c, as high bits: exact for each
 * byte, so the first is found by its trailing zeros. */
static inline uint64_t hb_bytes_eq8(uint64_t w, unsigned char c)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Fu, x = w ^ 0x0101010101010101u * c;
    return ~(((x & low7) + low7) | x) & ~low7;
}

/* The continuation bytes (10xxxxxx) of the eight bytes of w, as high bits. */
static inline uint64_t hb_utf8_cont8(uint64_t w)
{
    return w & ~(w << 1) & 0x8080808080808080u;
}

/* Characters in s[0..len) (valid UTF-8): the bytes that start one. */
static inline size_t hb_utf8_count(const char *s, size_t len)
{
    size_t n = len, i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        n -= hb_high_bits(hb_utf8_cont8(w));
    }
    for (; i < len; i++)
        n -= ((unsigned char)s[i] & 0xC0) == 0x80;
    return n;
}

/* CJK unified ideograph (the Han characters of these reports). */
static inline int hb_is_han(int cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2FFFF) || cp == 0x3007;
}

/* Titles (headings, items, list entries) are for reading, not for holding
 * a whole paragraph: at most this many characters are kept. */
enum { HB_HEADING_MAX_CHARS = 200 };

/* The end of the first max_chars characters of s[from..to) (valid UTF-8). */
static inline size_t hb_utf8_cap(const char *s, size_t from, size_t to, size_t max_chars)
{
    int cp;
    for (size_t n = 0; from < to && n < max_chars; n++)
        from += (size_t)hb_utf8_next(s + from, to - from, &cp);
    return from;
}

#endif
