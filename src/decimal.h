/* Offsets as decimal text, for the token lines: most of their bytes. */
#ifndef HB_DECIMAL_H
#define HB_DECIMAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* v in decimal at p (up to 20 digits), two digits at a time; returns the end. */
static inline char *hb_put_uint(char *p, size_t v)
{
    static const char PAIRS[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    static const unsigned long long POW10[] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
                                               10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
                                               100000000000ull, 1000000000000ull, 10000000000000ull,
                                               100000000000000ull, 1000000000000000ull, 10000000000000000ull,
                                               100000000000000000ull, 1000000000000000000ull,
                                               10000000000000000000ull};
    /* log10 from the bit length (1233/4096 ~ log10 2), then one correction */
    size_t digits = (size_t)((64 - __builtin_clzll((unsigned long long)v | 1)) * 1233 >> 12);
    digits += digits < 20 && (unsigned long long)v >= POW10[digits];
    digits += digits == 0; /* 0 */
    char *e = p + digits;
    for (; v >= 100; v /= 100) {
        e -= 2;
        memcpy(e, PAIRS + 2 * (v % 100), 2);
    }
    if (v >= 10)
        memcpy(e - 2, PAIRS + 2 * v, 2);
    else
        e[-1] = (char)('0' + v);
    return p + digits;
}

/* An offset as decimal text, kept up to date by adding the step to the
 * next offset: the steps between words are a few bytes, so this is one
 * addition on the last eight digits, where a conversion divides the whole
 * number (the offsets were most of the words' output time).  The digits
 * end at d[HB_DEC_END], zeros before them. */
#define HB_DEC_END 24
typedef struct {
    size_t v;
    unsigned n;              /* digits, d[HB_DEC_END - n .. HB_DEC_END) */
    char d[HB_DEC_END + 24]; /* the bytes past the digits let callers copy 24 at once */
} hb_dec_offset;

/* c = v, converted whole.  Out of line: hb_dec_advance's rare way, kept
 * out of its callers' bodies so that the common way inlines cheaply
 * (unused: not every file that includes this converts). */
static __attribute__((noinline, cold, unused)) void hb_dec_set(hb_dec_offset *c, size_t v)
{
    char tmp[24];
    c->n = (unsigned)(hb_put_uint(tmp, v) - tmp);
    memset(c->d, '0', HB_DEC_END);
    memcpy(c->d + HB_DEC_END - c->n, tmp, c->n);
    c->v = v;
}

/* c = v, v usually a little past c: the step (< 100) added to the last
 * eight digits at once, one byte a
 * digit: each byte gets 246 more, so that a digit sum of 10 or more carries
 * into the next byte by itself, and the bytes that did not carry (246 or
 * more now) give the 246 back. */
static inline void hb_dec_advance(hb_dec_offset *c, size_t v)
{
    if (v == c->v) /* a word starts where the last one ended */
        return;
    size_t step = v - c->v;
    if (v > c->v && step < 100) {
        const uint64_t ones = 0x0101010101010101u;
        uint64_t x;
        memcpy(&x, c->d + HB_DEC_END - 8, 8);
        /* the step's tens in the second byte: step + 246 * (step / 10),
         * the tenth as a multiply (exact below 1029) */
        x = __builtin_bswap64(x) - '0' * ones + step + 246 * (step * 205 >> 11);
        uint64_t y = x + 0xF6 * ones;
        if (y >= x) { /* else the eighth digit carried: a number this long is rare */
            y -= ((y >> 7) & ones) * 0xF6;
            if (c->n <= 8) /* the highest digit not 0 */
                c->n = (unsigned)(71 - __builtin_clzll(y)) >> 3;
            y = __builtin_bswap64(y + '0' * ones);
            memcpy(c->d + HB_DEC_END - 8, &y, 8);
            c->v = v;
            return;
        }
    }
    hb_dec_set(c, v);
}

/* An offset below HB_DEC8_LIMIT as its eight digits' values in a register,
 * the units in the low byte: the word lines' offsets, where hb_dec_offset
 * kept the digits in memory and every line copied 24 bytes of them.  The
 * digits' count is kept, not found from the highest digit each time: an
 * offset that reaches the next power of ten is converted whole. */
#define HB_DEC8_LIMIT 100000000u
typedef struct {
    uint64_t x;
    size_t v;
    size_t next;     /* 10^n: the first offset with more digits */
    unsigned n;      /* digits */
    unsigned zeros;  /* bits of the zeros before them in x */
} hb_dec8;

/* c = v (< HB_DEC8_LIMIT), converted whole: the rare way. */
static __attribute__((noinline, cold, unused)) void hb_dec8_set(hb_dec8 *c, size_t v)
{
    c->v = v;
    c->x = 0;
    c->n = 0;
    c->next = 1;
    do {
        c->x |= (uint64_t)(v % 10) << 8 * c->n++;
        c->next *= 10;
        v /= 10;
    } while (v);
    c->zeros = 64 - 8 * c->n;
}

/* c = v (< HB_DEC8_LIMIT): a step below 100 that keeps the number of digits
 * added as in hb_dec_advance, the eighth digit never carrying. */
static inline void hb_dec8_advance(hb_dec8 *c, size_t v)
{
    const uint64_t ones = 0x0101010101010101u;
    size_t step = v - c->v;
    if (step < 100 && v < c->next) {
        uint64_t x = c->x + step + 246 * (step * 205 >> 11) + 0xF6 * ones;
        c->x = x - ((x >> 7) & ones) * 0xF6;
        c->v = v;
    } else {
        hb_dec8_set(c, v);
    }
}

/* c's decimal text as the low c->n bytes of the result (little-endian). */
static inline uint64_t hb_dec8_text(const hb_dec8 *c)
{
    return __builtin_bswap64(c->x | 0x3030303030303030u) >> c->zeros;
}

#endif
