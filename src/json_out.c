/* The report as JSON (docs/report.schema.json), written as it is walked. */
#include "json_out.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chars.h"
#include "decimal.h"
#include "extract.h"
#include "sections.h"
#include "strbuf.h"
#include "tokens.h"

/* Sections nest at most one level per marker rank (six), each level two
 * containers deep; beyond this the writer fails rather than grow. */
enum { MAX_DEPTH = 64 };

/* A streaming writer hands its text on in pieces of about this size. */
enum { CHUNK = 1 << 20 };

/* Long strings are escaped this many bytes at a time, so that the room
 * asked for stays far below a streaming writer's piece. */
enum { SLICE = 1 << 16 };

struct hb_json_out {
    hb_strbuf buf;
    hb_write_fn sink;       /* NULL: the whole text is kept for hb_json_out_finish */
    void *ctx;
    int sink_failed;
    int pretty;
    int depth;              /* of the values being written; the report's fields are at 1 */
    int empty;              /* the innermost open container holds no value yet */
    size_t slack;           /* the room a value takes besides its key and its own text */
    size_t vrun;            /* the view map's run of the last start read: spans come in input order */
    size_t line;            /* the input line last found (an index) */
    char closer[MAX_DEPTH]; /* what ends the container holding that depth */
};

/* Hands the buffer on to the sink and empties it. */
static void flush(hb_json_out *out)
{
    hb_strbuf *b = &out->buf;
    if (b->n && !out->sink_failed && !out->sink(out->ctx, b->s, b->n))
        out->sink_failed = 1;
    b->n = 0;
}

/* Out of line: room()'s rare way, so that its callers stay small. */
static __attribute__((noinline, cold)) char *grow(hb_json_out *out, size_t n)
{
    if (out->sink && out->buf.n + n >= CHUNK)
        flush(out);
    return hb_strbuf_reserve(&out->buf, n);
}

/* Room for n more bytes at the end of the text, where the caller writes
 * them and then calls wrote(); NULL after a failure. */
static inline char *room(hb_json_out *out, size_t n)
{
    hb_strbuf *b = &out->buf;
    return b->n + n < b->cap ? b->s + b->n : grow(out, n);
}

static inline void wrote(hb_json_out *out, const char *end)
{
    out->buf.n = (size_t)(end - out->buf.s);
}

/* memcpy for the short strings of most calls (keys, units, ids), in two
 * overlapping moves instead of a call. */
static inline void copy_short(char *p, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        memcpy(p, s, 8);
        memcpy(p + n - 8, s + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(p, s, 4);
        memcpy(p + n - 4, s + n - 4, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            p[i] = s[i];
    } else {
        memcpy(p, s, n);
    }
}

static inline void put(hb_json_out *out, const char *s, size_t n)
{
    char *p = room(out, n);
    if (p) {
        copy_short(p, s, n);
        wrote(out, p + n);
    }
}

/* A line break and the indentation of `depth` when pretty. */
static char *newline(hb_json_out *out, char *p, int depth)
{
    if (out->pretty) {
        *p++ = '\n';
        memset(p, ' ', 2 * (size_t)depth);
        p += 2 * (size_t)depth;
    }
    return p;
}

/* The depth changed: the room a value takes besides its key and text is a
 * separator, the key's quotes and colon, and when pretty a line break, the
 * indentation and the space after the colon. */
static void set_depth(hb_json_out *out, int depth)
{
    out->depth = depth;
    out->slack = 4 + (out->pretty ? 2 + 2 * (size_t)depth : 0);
}

/* Starts the next value at the current depth: the separator before it, and
 * its key when it is an object member (name != NULL, plain ASCII, klen
 * bytes), with room for `more` bytes after them.  Returns where the value
 * goes (the caller ends with wrote()), NULL after a failure.  One check of
 * the room for everything: this runs for every value of the report. */
static inline __attribute__((always_inline)) char *next(hb_json_out *out, const char *name, size_t klen,
                                                       size_t more)
{
    char *p = room(out, klen + more + out->slack);
    if (!p)
        return NULL;
    *p = ',';
    p += !out->empty;
    out->empty = 0;
    if (out->pretty)
        p = newline(out, p, out->depth);
    if (name) {
        *p++ = '"';
        copy_short(p, name, klen);
        p += klen;
        p[0] = '"';
        p[1] = ':';
        p += 2;
        if (out->pretty)
            *p++ = ' ';
    }
    return p;
}

/* A value of n bytes (short: a literal, a number); inlined, so that a
 * literal's copy is two moves. */
static inline __attribute__((always_inline)) void value(hb_json_out *out, const char *name, size_t klen, const char *s, size_t n)
{
    char *p = next(out, name, klen, n);
    if (p) {
        copy_short(p, s, n);
        wrote(out, p + n);
    }
}

/* Sixteen bytes, compared lane by lane (GCC and Clang vectors: SSE2 on
 * x86-64, NEON on arm64). */
typedef unsigned char hb_bytes16 __attribute__((vector_size(16)));

static inline hb_bytes16 load16(const char *s)
{
    hb_bytes16 v;
    memcpy(&v, s, sizeof v);
    return v;
}

static inline int any_lane(hb_bytes16 mask)
{
    uint64_t w[2];
    memcpy(w, &mask, sizeof w);
    return (w[0] | w[1]) != 0;
}

/* Whether a byte of x is below 0x20, '"' or '\\'. */
static inline int any_escape16(hb_bytes16 x)
{
    return any_lane((hb_bytes16)(x < 0x20) | (hb_bytes16)(x == '"') | (hb_bytes16)(x == '\\'));
}

static inline int needs_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

/* Whether s[0..n), 4 <= n < 16, holds a byte that needs an escape: two
 * overlapping reads that cover it, never past its end, checked as one
 * vector (a read of 4 bytes doubled: a zero byte would need one). */
static inline int any_escape_short(const char *s, size_t n)
{
    uint64_t w[2];
    if (n >= 8) {
        memcpy(&w[0], s, 8);
        memcpy(&w[1], s + n - 8, 8);
    } else {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        w[0] = w[1] = (uint64_t)lo | (uint64_t)hi << 32;
    }
    hb_bytes16 x;
    memcpy(&x, w, sizeof x);
    return any_escape16(x);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include "cpu.h"
#include <immintrin.h>
#define HB_JSON_AVX2 1

/* copy_plain's loop 32 bytes a step (texts of list items and metrics run to
 * hundreds of bytes): copies s's whole blocks of 32 to p up to the first
 * that holds a byte to escape, and returns how many bytes that is. */
__attribute__((target("avx2"))) static size_t plain_blocks_avx2(char *p, const char *s, size_t n)
{
    const __m256i ctl = _mm256_set1_epi8(0x1F), quote = _mm256_set1_epi8('"'), bs = _mm256_set1_epi8('\\');
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(s + i));
        __m256i esc = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(x, ctl), x),
                                      _mm256_or_si256(_mm256_cmpeq_epi8(x, quote), _mm256_cmpeq_epi8(x, bs)));
        if (_mm256_movemask_epi8(esc))
            break;
        _mm256_storeu_si256((__m256i *)(p + i), x);
    }
    return i;
}
#endif

/* Copies to p the bytes of s[0..n) that pass as they are, up to the first
 * that needs an escape, and returns how many; p has room for n + 16 bytes,
 * of which those past the returned count may be overwritten.  One pass
 * that reads and writes sixteen bytes at a time (the last sixteen read
 * whole, overlapping those before), short strings in two overlapping
 * reads: most text is plain, and most strings are short. */
static size_t copy_plain(char *p, const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 16) {
#ifdef HB_JSON_AVX2
        if (n >= 32 && hb_cpu_avx2())
            i = plain_blocks_avx2(p, s, n);
#endif
        for (; i + 16 <= n; i += 16) {
            hb_bytes16 x = load16(s + i);
            if (any_escape16(x))
                break;
            memcpy(p + i, &x, 16);
        }
        if (i == n)
            return n;
        if (i + 16 > n) {
            hb_bytes16 x = load16(s + n - 16);
            if (!any_escape16(x)) {
                memcpy(p + n - 16, &x, 16);
                return n;
            }
        }
    } else if (n >= 4 && !any_escape_short(s, n)) {
        copy_short(p, s, n);
        return n;
    }
    for (; i < n && !needs_escape((unsigned char)s[i]); i++)
        p[i] = s[i];
    return i;
}

/* jansson's escape of c (one that needs one) at p; returns its end. */
static char *put_escape(char *p, unsigned char c)
{
    static const char HEX[] = "0123456789ABCDEF";
    *p++ = '\\';
    switch (c) {
    case '"': *p++ = '"'; break;
    case '\\': *p++ = '\\'; break;
    case '\b': *p++ = 'b'; break;
    case '\f': *p++ = 'f'; break;
    case '\n': *p++ = 'n'; break;
    case '\r': *p++ = 'r'; break;
    case '\t': *p++ = 't'; break;
    default:
        memcpy(p, "u00", 3);
        p[3] = HEX[c >> 4];
        p[4] = HEX[c & 15];
        p += 5;
    }
    return p;
}

/* Writes s[0..n) escaped as jansson escapes: '"', '\\' and control
 * characters; UTF-8 passes as is.  The input text's line ends are left
 * out instead when `text` (hb_doc_orig_piece keeps them).  Written in
 * slices of at most SLICE bytes, each with one room check and another
 * after each escape. */
static void put_escaped(hb_json_out *out, const char *s, size_t n, int text)
{
    while (n > 0) {
        size_t take = n < SLICE ? n : SLICE;
        char *p = room(out, take + 16);
        if (!p)
            return;
        size_t k = copy_plain(p, s, take);
        p += k;
        if (k < take) {
            unsigned char c = (unsigned char)s[k++];
            if (!text || (c != '\n' && c != '\r'))
                p = put_escape(p, c);
        }
        wrote(out, p);
        s += k;
        n -= k;
    }
}

void hb_json_null_k(hb_json_out *out, const char *name, size_t klen)
{
    value(out, name, klen, "null", 4);
}

/* Inline for hb_json_metric, where the key's length is a constant. */
static inline __attribute__((always_inline)) void bool_value(hb_json_out *out, const char *name, size_t klen,
                                                            int b)
{
    if (b)
        value(out, name, klen, "true", 4);
    else
        value(out, name, klen, "false", 5);
}

void hb_json_bool_k(hb_json_out *out, const char *name, size_t klen, int b)
{
    bool_value(out, name, klen, b);
}

static inline __attribute__((always_inline)) void int_value(hb_json_out *out, const char *name, size_t klen,
                                                           long long v)
{
    char *p = next(out, name, klen, 21);
    if (!p)
        return;
    if (v < 0)
        *p++ = '-';
    wrote(out, hb_put_uint(p, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v));
}

void hb_json_int_k(hb_json_out *out, const char *name, size_t klen, long long v)
{
    int_value(out, name, klen, v);
}

/* x as %.*g writes it with precision p, given its p significant digits
 * (no trailing zero) and the exponent e of the first (|e| < 100): exponent
 * form below 1e-4 and from 10^p on, else positional without trailing zeros. */
static size_t like_g(double x, const char *digits, int p, int e, char *out)
{
    char *o = out;
    if (x < 0)
        *o++ = '-';
    if (e < -4 || e >= p) {
        *o++ = digits[0];
        if (p > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)p - 1);
            o += p - 1;
        }
        *o++ = 'e';
        *o++ = e < 0 ? '-' : '+';
        int a = e < 0 ? -e : e; /* two digits: |e| <= 22 on the fast path */
        *o++ = (char)('0' + a / 10);
        *o++ = (char)('0' + a % 10);
    } else if (e < 0) {
        memcpy(o, "0.0000", (size_t)(1 - e));
        o += 1 - e;
        memcpy(o, digits, (size_t)p);
        o += p;
    } else {
        memcpy(o, digits, (size_t)e + 1);
        o += e + 1;
        if (p > e + 1) {
            *o++ = '.';
            memcpy(o, digits + e + 1, (size_t)(p - e - 1));
            o += p - e - 1;
        }
    }
    return (size_t)(o - out);
}

/* The fast path of hb_json_shortest, for x = m / 10^k with m an integer
 * below 10^15 and k <= 22 (most reals of a report: 12.5, 0.35): m and 10^k
 * are exact doubles, so the division rounds as strtod reads m·10^-k, and two
 * decimals of at most 15 significant digits never read as one double; so
 * m·10^-k (k the least that works) is what the search by precision finds
 * first, and %.*g writes its digits.  0 for any other x. */
static size_t short_decimal(double x, char *out)
{
    static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    double a = fabs(x);
    if (!(a >= 1e-300 && a < 1e15))
        return 0;
    for (int k = 0; k < (int)(sizeof POW10 / sizeof *POW10); k++) {
        double m = nearbyint(a * POW10[k]);
        if (m >= 1e15)
            return 0;
        if (m / POW10[k] != a)
            continue;
        char digits[24];
        int n = (int)(hb_put_uint(digits, (size_t)m) - digits), p = n;
        while (p > 1 && digits[p - 1] == '0')
            p--;
        return like_g(x, digits, p, n - 1 - k, out);
    }
    return 0;
}

size_t hb_json_shortest(double x, char *out, size_t cap)
{
    size_t fast = cap >= 32 ? short_decimal(x, out) : 0;
    if (fast) {
        if (!memchr(out, '.', fast) && !memchr(out, 'e', fast)) {
            memcpy(out + fast, ".0", 2);
            fast += 2;
        }
        out[fast] = '\0';
        return fast;
    }
    int n = 0;
    for (int p = 1; p <= 17; p++) {
        n = snprintf(out, cap, "%.*g", p, x);
        if (strtod(out, NULL) == x)
            break;
    }
    if (!strpbrk(out, ".eEni") && (size_t)n + 2 < cap) /* inf and nan never reach JSON */
        n += snprintf(out + n, cap - (size_t)n, ".0");
    return (size_t)n;
}

/* For text dumped by jansson (summary.c): it prints 17 significant digits. */
void hb_json_shorten_reals(char *s)
{
    char *w = s;
    int in_str = 0;
    for (const char *r = s; *r;) {
        if (in_str) {
            if (*r == '\\' && r[1])
                *w++ = *r++;
            else if (*r == '"')
                in_str = 0;
            *w++ = *r++;
        } else if (*r == '"') {
            in_str = 1;
            *w++ = *r++;
        } else if (*r == '-' || (*r >= '0' && *r <= '9')) {
            size_t n = strspn(r, "-+0123456789.eE");
            if (memchr(r, '.', n) || memchr(r, 'e', n) || memchr(r, 'E', n)) {
                char num[40];
                size_t k = hb_json_shortest(strtod(r, NULL), num, sizeof num);
                memcpy(w, num, k);
                w += k;
            } else {
                memmove(w, r, n);
                w += n;
            }
            r += n;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

void hb_json_real_k(hb_json_out *out, const char *name, size_t klen, double x)
{
    if (!isfinite(x)) {
        hb_json_null_k(out, name, klen);
        return;
    }
    char buf[40];
    value(out, name, klen, buf, hb_json_shortest(x, buf, sizeof buf));
}

void hb_json_strn_k(hb_json_out *out, const char *name, size_t klen, const char *s, size_t n)
{
    size_t take = n < SLICE ? n : SLICE;
    char *p = next(out, name, klen, take + 18);
    if (!p)
        return;
    *p++ = '"';
    size_t k = copy_plain(p, s, take);
    if (k == n) { /* most: copied as it was checked */
        p[n] = '"';
        wrote(out, p + n + 1);
        return;
    }
    wrote(out, p + k);
    put_escaped(out, s + k, n - k, 0);
    hb_json_string_close(out);
}

/* The bytes that end a NUL-terminated string's plain run: those jansson
 * escapes, and the NUL. */
static const unsigned char STOPS[256] = {
    [0 ... 0x1F] = 1, ['"'] = 1, ['\\'] = 1,
};

/* How far a NUL-terminated string is copied a byte at a time before its
 * length is asked: units, kinds, ids and most other strings are shorter. */
enum { SHORT_STR = 24 };

/* The string s (not NULL) at p, where next() left room for SHORT_STR + 2
 * bytes, copied as its end is looked for, a byte at a time: for the short
 * strings of most calls, one pass instead of strlen, an escape check and a
 * copy. */
static inline __attribute__((always_inline)) void str_at(hb_json_out *out, char *p, const char *s)
{
    *p++ = '"';
    size_t i = 0;
#pragma GCC unroll 24 /* SHORT_STR: no count to test at each byte */
    for (; i < SHORT_STR; i++) {
        unsigned char c = (unsigned char)s[i];
        if (STOPS[c])
            break;
        p[i] = (char)c;
    }
    if (i < SHORT_STR && !s[i]) {
        p[i] = '"';
        wrote(out, p + i + 1);
        return;
    }
    wrote(out, p + i);
    put_escaped(out, s + i, strlen(s + i), 0);
    hb_json_string_close(out);
}

/* str_at out of line, for str_value's many places. */
static __attribute__((noinline)) void str_after_key(hb_json_out *out, char *p, const char *s)
{
    str_at(out, p, s);
}

/* hb_json_str_k inlined where the key's length is a constant: the
 * separator and key written in line, the string's bytes out of line. */
static inline __attribute__((always_inline)) void str_value(hb_json_out *out, const char *name, size_t klen,
                                                           const char *s)
{
    char *p;
    if (!s)
        value(out, name, klen, "null", 4);
    else if ((p = next(out, name, klen, SHORT_STR + 2)) != NULL)
        str_after_key(out, p, s);
}

void hb_json_str_k(hb_json_out *out, const char *name, size_t klen, const char *s)
{
    char *p;
    if (!s)
        hb_json_null_k(out, name, klen);
    else if ((p = next(out, name, klen, SHORT_STR + 2)) != NULL)
        str_at(out, p, s);
}

void hb_json_string_open_k(hb_json_out *out, const char *name, size_t klen)
{
    char *p = next(out, name, klen, 1);
    if (p) {
        *p++ = '"';
        wrote(out, p);
    }
}

void hb_json_string_add(hb_json_out *out, const char *s, size_t n)
{
    put_escaped(out, s, n, 0);
}

/* The text of view bytes [vs, ve) piece by piece, escaped, its line ends
 * left out. */
static void orig_runs(hb_json_out *out, const hb_doc *d, size_t vs, size_t ve)
{
    size_t s, n;
    for (size_t v = vs; v < ve && (n = hb_doc_orig_piece(d, &v, ve, &s, &out->vrun)) > 0;)
        put_escaped(out, d->text + s, n, 1);
}

/* The text of view bytes [vs, ve) at p, where there is room for
 * avail + 16 bytes: one stretch of the input (most titles and texts) copied
 * as it is checked, the map's runs not walked again.  Returns its end when
 * it fit there without a byte to escape (nothing counts as written then);
 * else NULL, the text written (escaped, line ends left out) a slice, or a
 * piece of the map (orig_runs), at a time. */
static char *orig_text(hb_json_out *out, char *p, size_t avail, const hb_doc *d, size_t vs, size_t ve)
{
    size_t s, n = hb_doc_orig_whole(d, vs, ve, &s, &out->vrun), k = 0;
    if (n && n <= avail && (k = copy_plain(p, d->text + s, n)) == n)
        return p + n;
    wrote(out, p + k);
    if (n)
        put_escaped(out, d->text + s + k, n - k, 1);
    else
        orig_runs(out, d, vs, ve);
    return NULL;
}

/* The room hb_json_string_add_orig and hb_json_orig_k ask for the text of
 * view bytes [vs, ve): three bytes a view byte (full-width punctuation is
 * folded to ASCII), at most a slice; a longer text (a longer range, a
 * character of four bytes folded to one, line ends) is written escaped
 * (orig_text). */
static inline size_t orig_avail(size_t vs, size_t ve)
{
    return ve - vs < SLICE / 3 ? 3 * (ve - vs) : SLICE;
}

void hb_json_string_add_orig(hb_json_out *out, const hb_doc *d, size_t vs, size_t ve)
{
    size_t avail = orig_avail(vs, ve);
    char *p = room(out, avail + 16), *e;
    if (p && (e = orig_text(out, p, avail, d, vs, ve)) != NULL)
        wrote(out, e);
}

void hb_json_string_close(hb_json_out *out)
{
    put(out, "\"", 1);
}

/* The text of view bytes [vs, ve) as a string at p, where next() left room
 * for it. */
static inline __attribute__((always_inline)) void orig_at(hb_json_out *out, char *p, const hb_doc *d, size_t vs,
                                                         size_t ve)
{
    char *e;
    *p++ = '"';
    if ((e = orig_text(out, p, orig_avail(vs, ve), d, vs, ve)) != NULL) {
        *e++ = '"';
        wrote(out, e);
        return;
    }
    hb_json_string_close(out);
}

/* The room hb_json_orig_k asks besides its key: the text's and its quotes. */
static inline size_t orig_room(size_t vs, size_t ve)
{
    return orig_avail(vs, ve) + 18;
}

/* orig_at out of line, for orig_value's places. */
static __attribute__((noinline)) void orig_after_key(hb_json_out *out, char *p, const hb_doc *d, size_t vs,
                                                    size_t ve)
{
    orig_at(out, p, d, vs, ve);
}

/* hb_json_orig_k inlined where the key's length is a constant (str_value's
 * way). */
static inline __attribute__((always_inline)) void orig_value(hb_json_out *out, const char *name, size_t klen,
                                                            const hb_doc *d, size_t vs, size_t ve)
{
    char *p = next(out, name, klen, orig_room(vs, ve));
    if (p)
        orig_after_key(out, p, d, vs, ve);
}

void hb_json_orig_k(hb_json_out *out, const char *name, size_t klen, const hb_doc *d, size_t vs, size_t ve)
{
    char *p = next(out, name, klen, orig_room(vs, ve));
    if (p)
        orig_at(out, p, d, vs, ve);
}

/* The span [start, end] as an array at p (room for it there), as
 * array_open, two ints and array_close would write it, depth that of the
 * member holding it, pretty out->pretty (a constant where the caller is
 * specialized for it); returns its end. */
static inline __attribute__((always_inline)) char *span_at(hb_json_out *out, char *p, int pretty, int depth,
                                                          size_t start, size_t end)
{
    *p++ = '[';
    if (pretty)
        p = newline(out, p, depth + 1);
    p = hb_put_uint(p, start);
    *p++ = ',';
    if (pretty)
        p = newline(out, p, depth + 1);
    p = hb_put_uint(p, end);
    if (pretty)
        p = newline(out, p, depth);
    *p++ = ']';
    return p;
}

/* The span of view bytes up to ve, written in one piece (span_at): a span
 * follows every item of the report.  Its start the caller mapped; its end
 * is looked for from the start's run and not kept: the next start is
 * nearer this start than this end (a section's end is past its
 * children). */
static inline __attribute__((always_inline)) void span_from(hb_json_out *out, const char *name, size_t klen,
                                                           const hb_doc *d, size_t start, size_t ve)
{
    size_t k = out->vrun, end = hb_doc_vend_hint(d, ve, &k);
    int depth = out->depth;
    if (depth + 1 >= MAX_DEPTH) {
        out->buf.failed = 1;
        return;
    }
    size_t inner = out->pretty ? 3 + 2 * (size_t)depth : 0; /* a line break at depth + 1 */
    char *p = next(out, name, klen, 3 * inner + 2 * 20 + 3);
    if (p)
        wrote(out, span_at(out, p, out->pretty, depth, start, end));
}

void hb_json_span_k(hb_json_out *out, const char *name, size_t klen, const hb_doc *d, size_t vs, size_t ve)
{
    span_from(out, name, klen, d, hb_doc_vstart_hint(d, vs, &out->vrun), ve);
}

/* The input line of view position v; inline, for the objects written
 * here with their keys' lengths constant. */
static inline __attribute__((always_inline)) void line_value(hb_json_out *out, const char *name, size_t klen,
                                                            const hb_doc *d, size_t v)
{
    int_value(out, name, klen, hb_doc_line_at_hint(d, hb_doc_vstart_hint(d, v, &out->vrun), &out->line));
}

void hb_json_line_k(hb_json_out *out, const char *name, size_t klen, const hb_doc *d, size_t v)
{
    line_value(out, name, klen, d, v);
}

/* Opens a container (closed by end()); both inline, as next() is: every
 * metric opens two. */
static inline __attribute__((always_inline)) void begin(hb_json_out *out, const char *name, size_t klen,
                                                       char opener)
{
    char *p = next(out, name, klen, 1);
    if (p) {
        *p++ = opener;
        wrote(out, p);
    }
    if (out->depth + 1 >= MAX_DEPTH) {
        out->buf.failed = 1;
        return;
    }
    set_depth(out, out->depth + 1);
    out->empty = 1;
    out->closer[out->depth] = opener == '{' ? '}' : ']';
}

static inline __attribute__((always_inline)) void end(hb_json_out *out)
{
    if (out->depth == 0)
        return;
    char closer = out->closer[out->depth];
    int any = !out->empty;
    set_depth(out, out->depth - 1);
    out->empty = 0; /* the parent holds what closes here */
    char *p = room(out, out->slack + 1);
    if (!p)
        return;
    if (any)
        p = newline(out, p, out->depth);
    *p++ = closer;
    wrote(out, p);
}

void hb_json_object_open_k(hb_json_out *out, const char *name, size_t klen)
{
    begin(out, name, klen, '{');
}

void hb_json_object_close(hb_json_out *out)
{
    end(out);
}

void hb_json_array_open_k(hb_json_out *out, const char *name, size_t klen)
{
    begin(out, name, klen, '[');
}

void hb_json_array_close(hb_json_out *out)
{
    end(out);
}

/* The room a writer starts with: a 5 KB report's JSON (some 25 KB) is
 * written without growing the buffer, which from 4 KiB took four copies
 * of it (12,000 instructions a report of a batch). */
enum { STREAM_START = 64 << 10 };

static hb_json_out *out_new(int pretty, size_t start)
{
    hb_json_out *out = malloc(sizeof *out); /* calloc takes no cached chunk: 600 instructions a report */
    if (!out)
        return NULL;
    *out = (hb_json_out){.pretty = pretty};
    hb_strbuf_reserve(&out->buf, start - 1); /* a capacity of `start` */
    put(out, "{", 1);
    set_depth(out, 1);
    out->empty = 1;
    out->closer[1] = '}';
    return out;
}

hb_json_out *hb_json_out_new(int pretty)
{
    return out_new(pretty, STREAM_START);
}

char *hb_json_out_finish(hb_json_out *out, const char *tail)
{
    if (!out)
        return NULL;
    while (out->depth > 0)
        end(out);
    put(out, tail, strlen(tail));
    hb_strbuf *b = &out->buf;
    char *s = hb_strbuf_take(b), *fit;
    /* a short text gives back the start's room (in place: no copy) */
    if (s && b->cap - b->n > 4096 && (fit = realloc(s, b->n + 1)))
        s = fit;
    free(out);
    return s;
}

hb_json_out *hb_json_out_stream(int pretty, hb_write_fn write, void *ctx)
{
    hb_json_out *out = out_new(pretty, STREAM_START);
    if (out) {
        out->sink = write;
        out->ctx = ctx;
    }
    return out;
}

hb_status hb_json_out_end(hb_json_out *out, const char *tail)
{
    while (out->depth > 0)
        end(out);
    put(out, tail, strlen(tail));
    hb_status st = out->buf.failed ? HB_ERR_NOMEM : HB_OK;
    if (st == HB_OK)
        flush(out);
    if (st == HB_OK && out->sink_failed)
        st = HB_ERR_IO;
    free(out->buf.s);
    free(out);
    return st;
}

/* ---- the report's own fields ---- */

static void source_json(hb_json_out *out, const hb_doc *d)
{
    hb_json_object_open(out, "source");
    hb_json_str(out, "path", d->path);
    hb_json_int(out, "bytes", (long long)d->src_bytes);
    hb_json_str(out, "encoding", d->encoding);
    hb_json_str(out, "sha256", d->sha256);
    hb_json_object_close(out);
}

static void signature_json(hb_json_out *out, const hb_doc *d)
{
    if (!d->sign_org && !d->sign_date && !d->sign_name) {
        hb_json_null(out, "signature");
        return;
    }
    hb_json_object_open(out, "signature");
    hb_json_str(out, "organization", d->sign_org);
    hb_json_str(out, "date", d->sign_date);
    hb_json_str(out, "name", d->sign_name);
    hb_json_object_close(out);
}

/* How many characters of text[i..len) are not white space: hb_visible_at over
 * sixteen bytes at once. */
static size_t visible_chars_from(const char *text, size_t len, size_t i)
{
    size_t chars = 0;
    while (i + 18 <= len) {
        hb_bytes16 lanes = {0}; /* a count per byte, summed before one can pass 255 */
        for (int k = 0; k < 255 && i + 18 <= len; k++, i += 16) {
            hb_bytes16 x = load16(text + i), x1 = load16(text + i + 1), x2 = load16(text + i + 2);
            hb_bytes16 skip = (hb_bytes16)((x & 0xC0) == 0x80) | (hb_bytes16)(x == ' ') | (hb_bytes16)(x == '\t') |
                              (hb_bytes16)(x == '\n') | (hb_bytes16)(x == '\r') |
                              (hb_bytes16)((x == 0xE3) & (x1 == 0x80) & (x2 == 0x80));
            lanes += ~skip & 1;
        }
        for (size_t k = 0; k < sizeof lanes; k++)
            chars += lanes[k];
    }
    for (; i < len; i++)
        chars += (size_t)hb_visible_at(text, len, i);
    return chars;
}

#ifdef HB_JSON_AVX2

/* The same, 32 bytes a step (the count runs over every byte of the input:
 * 2 instructions a byte sixteen at a time, under 1 here), the rest as
 * above. */
__attribute__((target("avx2,popcnt"))) static size_t visible_chars_avx2(const char *text, size_t len)
{
    size_t skipped = 0, i = 0;
    for (; i + 34 <= len; i += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(text + i));
        __m256i x1 = _mm256_loadu_si256((const __m256i *)(text + i + 1));
        __m256i x2 = _mm256_loadu_si256((const __m256i *)(text + i + 2));
        __m256i cont = _mm256_cmpeq_epi8(_mm256_and_si256(x, _mm256_set1_epi8((char)0xC0)), _mm256_set1_epi8((char)0x80));
        __m256i space = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8(' ')), _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\t'))),
            _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('\n')), _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\r'))));
        __m256i ideo = _mm256_and_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)0xE3)),
                                        _mm256_and_si256(_mm256_cmpeq_epi8(x1, _mm256_set1_epi8((char)0x80)),
                                                         _mm256_cmpeq_epi8(x2, _mm256_set1_epi8((char)0x80))));
        __m256i skip = _mm256_or_si256(cont, _mm256_or_si256(space, ideo));
        skipped += (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(skip));
    }
    return i - skipped + visible_chars_from(text, len, i);
}
#endif

/* How many characters of the text are not white space (stats.chars). */
static size_t visible_chars(const char *text, size_t len)
{
#ifdef HB_JSON_AVX2
    if (hb_cpu_avx2() && hb_cpu_popcnt())
        return visible_chars_avx2(text, len);
#endif
    return visible_chars_from(text, len, 0);
}

static void stats_json(hb_json_out *out, const hb_doc *d)
{
    size_t chars = visible_chars(d->text, d->len);
    size_t tokens = d->text_tokens;
    hb_json_object_open(out, "stats");
    hb_json_int(out, "chars", (long long)chars);
    hb_json_int(out, "lines", d->nlines);
    hb_json_int(out, "paragraphs", (long long)d->paras.n);
    hb_json_int(out, "sentences", d->sentences);
    hb_json_int(out, "tokens", (long long)tokens);
    hb_json_object_close(out);
}

/* An item and a section (below) are written as hb_json_metric is, through
 * the inline writers with each key's length a constant: a large report
 * holds thousands of them, and a call per member cost a third of each.
 * An item's line and span share the lookup of its start. */
static void item_json(hb_json_out *out, const hb_doc *d, const hb_item *it)
{
#define KEY(k) k, sizeof k - 1
    begin(out, NULL, 0, '{');
    str_value(out, KEY("marker"), it->marker);
    int_value(out, KEY("number"), it->number);
    orig_value(out, KEY("title"), d, it->tstart, it->tend);
    size_t start = hb_doc_vstart_hint(d, it->vstart, &out->vrun);
    int_value(out, KEY("line"), hb_doc_line_at_hint(d, start, &out->line));
    span_from(out, KEY("span"), d, start, it->vend);
    end(out);
#undef KEY
}

/* The section tree as linked lists over the flat vectors, in input order:
 * a section's first child and next sibling, its first item and the next. */
typedef struct {
    int *child, *sibling, *item, *next_item;
} section_links;

/* An empty array as begin() and end() write it, in one value: most
 * sections have no items and no children (two containers opened and
 * closed each, a tenth of the sections' JSON). */
static inline __attribute__((always_inline)) void empty_array(hb_json_out *out, const char *name, size_t klen)
{
    value(out, name, klen, "[]", 2);
    if (out->depth + 1 >= MAX_DEPTH)
        out->buf.failed = 1;
}

static void section_json(hb_json_out *out, const hb_doc *d, const section_links *l, int i)
{
#define KEY(k) k, sizeof k - 1
    const hb_section *s = &d->sections.v[i];
    begin(out, NULL, 0, '{');
    str_value(out, KEY("id"), s->id);
    int_value(out, KEY("level"), s->level);
    str_value(out, KEY("marker"), s->marker);
    int_value(out, KEY("number"), s->number);
    orig_value(out, KEY("title"), d, s->tstart, s->tend);
    str_value(out, KEY("kind"), hb_kind_name(s->kind));
    int_value(out, KEY("line"), s->line);
    span_from(out, KEY("span"), d, hb_doc_vstart_hint(d, s->vstart, &out->vrun), s->vend);
    if (l->item[i] < 0) {
        empty_array(out, KEY("items"));
    } else {
        begin(out, KEY("items"), '[');
        for (int k = l->item[i]; k >= 0; k = l->next_item[k])
            item_json(out, d, &d->items.v[k]);
        end(out);
    }
    if (l->child[i] < 0) {
        empty_array(out, KEY("children"));
    } else {
        begin(out, KEY("children"), '[');
        for (int c = l->child[i]; c >= 0; c = l->sibling[c])
            section_json(out, d, l, c);
        end(out);
    }
    end(out);
#undef KEY
}

/* "sections", then "items" for those before any heading when there are some. */
static void sections_json(hb_json_out *out, const hb_doc *d)
{
    size_t n = d->sections.n, ni = d->items.n;
    int *mem = malloc((3 * n + ni + 2) * sizeof *mem);
    if (!mem) {
        out->buf.failed = 1;
        return;
    }
    /* index n of child/item is the top level: sections without a parent, items before any */
    section_links l = {mem, mem + n + 1, mem + 2 * n + 1, mem + 3 * n + 2};
    for (size_t i = 0; i <= n; i++)
        l.child[i] = l.item[i] = -1;
    for (size_t i = n; i-- > 0;) {
        int p = d->sections.v[i].parent >= 0 ? d->sections.v[i].parent : (int)n;
        l.sibling[i] = l.child[p];
        l.child[p] = (int)i;
    }
    for (size_t k = ni; k-- > 0;) {
        int s = d->items.v[k].section >= 0 ? d->items.v[k].section : (int)n;
        l.next_item[k] = l.item[s];
        l.item[s] = (int)k;
    }
    hb_json_array_open(out, "sections");
    for (int c = l.child[n]; c >= 0; c = l.sibling[c])
        section_json(out, d, &l, c);
    hb_json_array_close(out);
    if (l.item[n] >= 0) {
        hb_json_array_open(out, "items");
        for (int k = l.item[n]; k >= 0; k = l.next_item[k])
            item_json(out, d, &d->items.v[k]);
        hb_json_array_close(out);
    }
    free(mem);
}

/* The early stages' fields (extract.h), in the order the report lists
 * them; pipeline.c writes schema_version before and warnings after. */
void hb_decode_json(hb_doc *d, hb_json_out *out)
{
    source_json(out, d);
}

void hb_docfacts_json(hb_doc *d, hb_json_out *out)
{
    hb_json_str(out, "title", d->title);
    hb_json_str(out, "addressee", d->addressee);
    signature_json(out, d);
    hb_json_str(out, "doc_type", d->doc_type ? d->doc_type : "unknown");
    hb_json_str(out, "organization", d->organization);
    if (d->period) {
        hb_json_object_open(out, "period");
        hb_json_str(out, "text", d->period);
        hb_json_int(out, "from", d->period_from);
        hb_json_int(out, "to", d->period_to);
        hb_json_object_close(out);
    } else {
        hb_json_null(out, "period");
    }
    hb_json_array_open(out, "years");
    for (size_t i = 0; i < d->years.n; i++)
        hb_json_int(out, NULL, d->years.v[i]);
    hb_json_array_close(out);
}

void hb_tokens_json(hb_doc *d, hb_json_out *out)
{
    stats_json(out, d);
}

void hb_sections_json(hb_doc *d, hb_json_out *out)
{
    sections_json(out, d);
}

/* ---- a metric (hb_metrics_json, metrics.c) ---- */

#define EXACT_INT 9007199254740992.0 /* 2^53: past it doubles skip integers */

/* A metric, the most numerous object of a large report (one every 150
 * bytes), is written at a cursor: the room is asked once for each run of
 * members up to a string, the string's own included, and each separator
 * is known where it is written; a member through next() (a room check,
 * the container's flag, the buffer's end stored) cost half the object.
 * MEMBER_ROOM bounds a member other than a string: its separator, its key
 * (with quotes and colon, at most 16 bytes) and a number (at most 40
 * bytes, hb_json_shortest's NUL included); pretty output adds a line break
 * and the indentation. */
enum { MEMBER_ROOM = 64 };

/* The separator (sep: not the first member), in pretty output the line
 * break and indentation of depth, and the key: a literal with its quotes
 * and colon, klen bytes; returns where the value goes. */
static inline __attribute__((always_inline)) char *key_at(hb_json_out *out, char *p, int pretty, int depth, int sep,
                                                         const char *key, size_t klen)
{
    if (sep)
        *p++ = ',';
    if (pretty)
        p = newline(out, p, depth);
    copy_short(p, key, klen);
    p += klen;
    if (pretty)
        *p++ = ' ';
    return p;
}

static inline __attribute__((always_inline)) char *null_at(char *p)
{
    memcpy(p, "null", 4);
    return p + 4;
}

static inline __attribute__((always_inline)) char *bool_at(char *p, int b)
{
    if (b) {
        memcpy(p, "true", 4);
        return p + 4;
    }
    memcpy(p, "fals", 4);
    p[4] = 'e';
    return p + 5;
}

static inline __attribute__((always_inline)) char *int_at(char *p, long long v)
{
    if (v < 0)
        *p++ = '-';
    return hb_put_uint(p, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v);
}

/* A whole number within 2^53 is an integer, anything else finite a real;
 * NaN (no value) is null. */
static inline __attribute__((always_inline)) char *number_at(char *p, double x)
{
    if (!isfinite(x))
        return null_at(p);
    if (fabs(x) <= EXACT_INT && x == (double)(long long)x) /* no call to floor */
        return int_at(p, (long long)x);
    return p + hb_json_shortest(x, p, 40);
}

/* The string s at p, where there is room for SHORT_STR + 2 bytes, or null
 * when s is NULL: the last member of a run. */
static inline __attribute__((always_inline)) void str_last(hb_json_out *out, char *p, const char *s)
{
    if (s)
        str_after_key(out, p, s);
    else
        wrote(out, null_at(p));
}

/* The members in the order of docs/report.schema.json, in runs that end
 * at a string (str_last, orig_after_key).  Its line and span share the
 * lookup of its start in the view map.  pretty is out->pretty, a constant
 * in each of hb_json_metric's two copies: the test at every member (the
 * flag read again after each byte stored) cost a tenth of the object. */
static inline __attribute__((always_inline)) void metric_at(hb_json_out *out, const hb_doc *d, const hb_metric *m,
                                                           int target, int pretty)
{
#define KEY(k) "\"" k "\":", sizeof k + 2
    int sec = d->paras.v[m->para].section, depth = out->depth + 1; /* its members' */
    size_t each = MEMBER_ROOM + (pretty ? 2 * (size_t)depth + 8 : 0), str = each + SHORT_STR + 2;
    if (depth + 1 >= MAX_DEPTH) { /* normalized and span open one more */
        out->buf.failed = 1;
        return;
    }
    char *p = room(out, 5 * each + str);
    if (!p)
        return;
    *p = ',';
    p += !out->empty;
    out->empty = 0;
    if (pretty)
        p = newline(out, p, depth - 1);
    *p++ = '{';
    p = number_at(key_at(out, p, pretty, depth, 0, KEY("value")), m->value);
    p = number_at(key_at(out, p, pretty, depth, 1, KEY("value_max")), m->value_max);
    p = bool_at(key_at(out, p, pretty, depth, 1, KEY("masked")), m->masked);
    p = bool_at(key_at(out, p, pretty, depth, 1, KEY("approx")), m->approx);
    str_last(out, key_at(out, p, pretty, depth, 1, KEY("approx_word")), m->approx_word);
    if (!(p = room(out, str)))
        return;
    str_last(out, key_at(out, p, pretty, depth, 1, KEY("unit")), m->unit);
    if (!(p = room(out, str)))
        return;
    str_last(out, key_at(out, p, pretty, depth, 1, KEY("category")), m->category);
    if (!(p = room(out, 3 * each + str)))
        return;
    p = key_at(out, p, pretty, depth, 1, KEY("normalized"));
    *p++ = '{';
    p = number_at(key_at(out, p, pretty, depth + 1, 0, KEY("value")), m->norm_value);
    p = number_at(key_at(out, p, pretty, depth + 1, 1, KEY("value_max")), m->norm_max);
    str_last(out, key_at(out, p, pretty, depth + 1, 1, KEY("unit")), m->norm_unit);
    int subject = m->send > m->sstart;
    if (!(p = room(out, 2 * each + (subject ? orig_room(m->sstart, m->send) : 0))))
        return;
    if (pretty)
        p = newline(out, p, depth);
    *p++ = '}';
    p = key_at(out, p, pretty, depth, 1, KEY("subject"));
    if (subject)
        orig_after_key(out, p, d, m->sstart, m->send);
    else
        wrote(out, null_at(p));
    if (!(p = room(out, each + orig_room(m->tstart, m->tend))))
        return;
    orig_after_key(out, key_at(out, p, pretty, depth, 1, KEY("text")), d, m->tstart, m->tend);
    if (!(p = room(out, str)))
        return;
    str_last(out, key_at(out, p, pretty, depth, 1, KEY("section")), sec >= 0 ? d->sections.v[sec].id : NULL);
    if (!(p = room(out, str)))
        return;
    str_last(out, key_at(out, p, pretty, depth, 1, KEY("section_kind")),
             hb_kind_name(sec >= 0 ? d->sections.v[sec].kind : HB_KIND_OTHER));
    size_t start = hb_doc_vstart_hint(d, m->vstart, &out->vrun), k = out->vrun;
    int line = hb_doc_line_at_hint(d, start, &out->line);
    size_t end = hb_doc_vend_hint(d, m->vend, &k);
    if (!(p = room(out, 6 * each)))
        return;
    p = bool_at(key_at(out, p, pretty, depth, 1, KEY("target")), target);
    p = int_at(key_at(out, p, pretty, depth, 1, KEY("line")), line);
    p = span_at(out, key_at(out, p, pretty, depth, 1, KEY("span")), pretty, depth, start, end);
    if (pretty)
        p = newline(out, p, depth - 1);
    *p++ = '}';
    wrote(out, p);
#undef KEY
}

void hb_json_metric(hb_json_out *out, const hb_doc *d, const hb_metric *m, int target)
{
    if (out->pretty)
        metric_at(out, d, m, target, 1);
    else
        metric_at(out, d, m, target, 0);
}

/* hb_json_metric's way for the other objects a report holds dozens of:
 * a call per member cost some 80 instructions of its 100. */
void hb_json_slogan(hb_json_out *out, const hb_doc *d, const hb_json_slogan_fields *f)
{
#define KEY(k) k, sizeof k - 1
    begin(out, NULL, 0, '{');
    orig_value(out, KEY("term"), d, f->vs, f->ve);
    int_value(out, KEY("count"), f->count);
    int_value(out, KEY("quoted"), f->quoted);
    bool_value(out, KEY("known"), f->known);
    str_value(out, KEY("category"), f->category);
    line_value(out, KEY("first_line"), d, f->vs);
    if (f->canonical)
        str_value(out, KEY("canonical"), f->canonical);
    end(out);
#undef KEY
}

/* The text behind view bytes [vs, ve) as a string, its paragraphs joined
 * by line ends (a list item spans several). */
static void paras_value(hb_json_out *out, const char *name, size_t klen, const hb_doc *d, size_t vs, size_t ve)
{
    hb_json_string_open_k(out, name, klen);
    for (size_t a = vs; a <= ve;) {
        const char *nl = a < ve ? memchr(d->view + a, '\n', ve - a) : NULL;
        size_t b = nl ? (size_t)(nl - d->view) : ve;
        if (a > vs)
            put(out, "\\n", 2); /* the line end, escaped */
        hb_json_string_add_orig(out, d, a, b);
        a = b + 1;
    }
    hb_json_string_close(out);
}

/* hb_json_metric's way for a list's items (hundreds in a large report). */
void hb_json_list_item(hb_json_out *out, const hb_doc *d, const hb_json_list_item_fields *f)
{
#define KEY(k) k, sizeof k - 1
    begin(out, NULL, 0, '{');
    paras_value(out, KEY("text"), d, f->ts, f->te);
    orig_value(out, KEY("title"), d, f->ts, f->title_end);
    str_value(out, KEY("marker"), f->marker);
    str_value(out, KEY("section"), f->section);
    size_t start = hb_doc_vstart_hint(d, f->vs, &out->vrun);
    int_value(out, KEY("line"), hb_doc_line_at_hint(d, start, &out->line));
    span_from(out, KEY("span"), d, start, f->te);
    end(out);
#undef KEY
}

void hb_json_warnings(hb_doc *d, hb_json_out *out)
{
    hb_json_array_open(out, "warnings");
    for (size_t i = 0; i < d->warnings.n; i++) {
        const hb_warning *w = &d->warnings.v[i];
        hb_json_object_open(out, NULL);
        hb_json_str(out, "code", w->code);
        hb_json_str(out, "message", w->message);
        if (w->line > 0)
            hb_json_int(out, "line", w->line);
        hb_json_object_close(out);
    }
    hb_json_array_close(out);
}
