/* What the first characters of a match must be: classes at fixed
 * character offsets from where a match starts, read from a pattern's
 * text.  An anchored pattern tried at many places (the numeric formulations
 * of slogan_patterns.txt, at every numeral) is run only where the
 * characters after the place fit, at a few instructions a place instead of
 * a PCRE2 call's hundreds. */
#ifndef HB_REGEX_PREFIX_H
#define HB_REGEX_PREFIX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Offsets read (characters from the start), classes kept, ranges a class. */
enum { HB_PREFIX_CHARS = 8, HB_PREFIX_MAX = 12, HB_PREFIX_RANGES = 24, HB_PREFIX_LOWS = 1024 };

/* One condition: the character at one of the offsets `at` (bit k: offset
 * k; several when what comes before varies in length, as after a? or
 * (?:x|yz), or for the union of branches) is in the class. */
typedef struct {
    uint8_t at;
    uint8_t negated;  /* [^...]: a character in none of the ranges */
    uint16_t nr;
    /* bit k: some character the class lets through has k as its low ten
     * bits; most characters are turned away here, before the ranges */
    uint64_t lows[HB_PREFIX_LOWS / 64];
    uint32_t lo[HB_PREFIX_RANGES], hi[HB_PREFIX_RANGES]; /* code points, inclusive */
} hb_prefix_cond;

typedef struct {
    size_t n;         /* 0: nothing known, every place may match */
    hb_prefix_cond c[HB_PREFIX_MAX];
} hb_prefix;

/* Raise when hb_regex_prefix reads a pattern differently: the prefixes
 * rulec filed in huibao.rules by another reading are then not taken (a
 * condition too narrow would turn away a place where a match starts). */
#define HB_PREFIX_VERSION 1

/* The conditions every match of pattern (PCRE2, UTF, with `options`) meets
 * at its start.  The reading is conservative: a part it does not know (\R,
 * \K, an inline option, a verb...) gives no conditions at all, as a branch
 * after it would make those before it not necessary; a part that may be
 * absent and a lookaround give conditions only on the length of what they
 * match, branches of several the union of their first conditions.  Options
 * it does not know (caseless, extended) give none. */
void hb_regex_prefix(const char *pattern, uint32_t options, hb_prefix *out);

/* p as rulec files it into the zeroed *to: only what is read of it set,
 * so that a rules file holds the same bytes every build, none from the
 * stack. */
void hb_prefix_file(hb_prefix *to, const hb_prefix *p);
/* Whether a filed prefix's counts stay inside its arrays (a crafted one
 * gives wrong answers at worst, never a read past them). */
int hb_prefix_valid(const hb_prefix *p);

/* 0 when no match can start at s (valid UTF-8, len bytes to the subject's
 * end); 1 when one may: every condition asked. */
int hb_prefix_may_match_all(const hb_prefix *p, const char *s, size_t len);

/* Characters of three bytes (lead 1110xxxx, then 10xxxxxx twice) that
 * open s, a character's start with sixteen bytes readable, at most five:
 * the first byte out of that pattern (the two words XORed with it) ends
 * them. */
static inline unsigned hb_prefix_han_chars(const char *s)
{
    uint64_t w[2];
    memcpy(w, s, 16);
    uint64_t x0 = (w[0] & 0xC0F0C0C0F0C0C0F0ull) ^ 0x80E08080E08080E0ull,
             x1 = (w[1] & 0xF0C0C0F0C0C0F0C0ull) ^ 0xE08080E08080E080ull;
    unsigned bad = x0 ? (unsigned)__builtin_ctzll(x0) >> 3 : x1 ? 8 + ((unsigned)__builtin_ctzll(x1) >> 3) : 16;
    return bad * 11 >> 5; /* bad / 3 for bad <= 16 */
}

/* hb_prefix_may_match_all's answer.  The first condition is asked here,
 * inline, by the low bits of its characters alone where they are among
 * the Han characters that open s: it turns away most places the slogans
 * try (a numeral not followed by another), which no longer pay a call and
 * the walk over the conditions. */
static inline int hb_prefix_may_match(const hb_prefix *p, const char *s, size_t len)
{
    if (p->n && len >= 16) {
        const hb_prefix_cond *c = &p->c[0];
        unsigned han = hb_prefix_han_chars(s), offs = c->at;
        for (; offs; offs &= offs - 1) {
            unsigned o = (unsigned)__builtin_ctz(offs);
            if (o >= han)
                break; /* not decoded here */
            const unsigned char *u = (const unsigned char *)s + 3 * o;
            uint32_t cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
            if ((c->lows[cp % HB_PREFIX_LOWS / 64] >> (cp % 64)) & 1)
                break; /* may fit */
        }
        if (!offs)
            return 0;
    }
    return hb_prefix_may_match_all(p, s, len);
}

#endif
