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
 * end); 1 when one may. */
int hb_prefix_may_match(const hb_prefix *p, const char *s, size_t len);

#endif
