/* FNV-1a over bytes: the hash of the open-addressing tables that count
 * terms per report (slogans.c, terms.c); and the 128-bit mix that keys and
 * checks the blobs of the compiled rules file (aho.c, regex.c). */
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

/* Folds n bytes into h, eight at a time. */
static inline void hb_hash_mix(uint64_t h[2], const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w = 0;
        memcpy(&w, b + i, n - i < 8 ? n - i : 8);
        h[0] = (h[0] ^ w) * 0x9E3779B97F4A7C15ull;
        h[0] ^= h[0] >> 32;
        h[1] = (h[1] + w) * 0xC2B2AE3D27D4EB4Full;
        h[1] ^= h[1] >> 29;
    }
}

#endif
