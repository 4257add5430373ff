/* FNV-1a over bytes: the hash of the open-addressing tables that count
 * terms per report (slogans.c, terms.c); the 128-bit mix that keys and
 * checks the blobs of the compiled rules file (aho.c, regex.c); and the
 * inline compare of a few bytes that tables and literal scans ask after
 * a hit (units.c, regex_lits.c). */
#ifndef HB_HASH_H
#define HB_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t hb_hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static inline uint64_t hb_hash_lane(uint64_t x, uint64_t w, uint64_t k)
{
    x = (x ^ w) * k;
    return x ^ (x >> 32);
}

/* Folds n bytes into h: 32 at a time in four lanes (the rules file's keys
 * and checks hash some 400 KB at every start), the rest eight at a time.
 * Each step is a bijection of its lane, so a changed word always changes
 * the lane. */
static inline void hb_hash_mix(uint64_t h[2], const void *p, size_t n)
{
    enum { K0 = 0x9E3779B97F4A7C15ull, K1 = 0xC2B2AE3D27D4EB4Full };
    const unsigned char *b = p;
    uint64_t a = h[0], c = h[1], x = h[0] ^ K1, y = h[1] ^ K0;
    size_t i = 0;
    for (; n - i >= 32; i += 32) {
        uint64_t w[4];
        memcpy(w, b + i, sizeof w);
        a = hb_hash_lane(a, w[0], K0);
        c = hb_hash_lane(c, w[1], K1);
        x = hb_hash_lane(x, w[2], K0);
        y = hb_hash_lane(y, w[3], K1);
    }
    for (; i < n; i += 8) {
        uint64_t w = 0;
        memcpy(&w, b + i, n - i < 8 ? n - i : 8);
        a = hb_hash_lane(a, w, K0);
        c = hb_hash_lane(c, w, K1);
    }
    h[0] = hb_hash_lane(a, x, K1);
    h[1] = hb_hash_lane(c, y, K0);
}

/* Whether a[0..n) equals b[0..n): a word list's key or a word is a few
 * characters, compared as two overlapping reads of 8 or 4 bytes each
 * (never a byte outside it), of 2 under 4; memcmp's call cost
 * more than the compare. */
static inline int hb_same_bytes(const char *a, const char *b, size_t n)
{
    if (n > 16)
        return !memcmp(a, b, n);
    if (n >= 8) {
        uint64_t a0, a1, b0, b1;
        memcpy(&a0, a, 8), memcpy(&a1, a + n - 8, 8), memcpy(&b0, b, 8), memcpy(&b1, b + n - 8, 8);
        return !((a0 ^ b0) | (a1 ^ b1));
    }
    if (n >= 4) {
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, a, 4), memcpy(&a1, a + n - 4, 4), memcpy(&b0, b, 4), memcpy(&b1, b + n - 4, 4);
        return !((a0 ^ b0) | (a1 ^ b1));
    }
    if (n >= 2) { /* most keys of a Chinese list are whole characters: 3 bytes */
        uint16_t a0, a1, b0, b1;
        memcpy(&a0, a, 2), memcpy(&a1, a + n - 2, 2), memcpy(&b0, b, 2), memcpy(&b1, b + n - 2, 2);
        return !((a0 ^ b0) | (a1 ^ b1));
    }
    return !n || a[0] == b[0];
}

#endif
