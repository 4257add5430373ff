/* Aho–Corasick: one automaton for a whole word list, so matching costs one
 * pass over the text whatever the number of words (the slogan dictionary,
 * 50 or 5,000 entries).  Works on bytes; UTF-8 patterns therefore match only
 * at character boundaries of valid UTF-8 text. */
#ifndef HB_AHO_H
#define HB_AHO_H

#include <stddef.h>

typedef struct hb_ac hb_ac;

/* Returns a new empty automaton, NULL when out of memory; free it with hb_ac_free(). */
hb_ac *hb_ac_new(void);
void hb_ac_free(hb_ac *ac);

/* Adds pattern s[0..len) (non-empty, no '\n') with a caller's value; a
 * repeated pattern keeps its first value.  Only before hb_ac_build().
 * Returns 0 when out of memory. */
int hb_ac_add(hb_ac *ac, const char *s, size_t len, int value);

/* Freezes the automaton (failure links, compact edges).  Returns 0 when out
 * of memory.  Afterwards it is read-only and may be shared by threads. */
int hb_ac_build(hb_ac *ac);

/* Number of patterns added. */
size_t hb_ac_count(const hb_ac *ac);

/* Calls fn(ctx, start, end, value) for the leftmost-longest non-overlapping
 * matches in s[0..len), in text order; fn returns 0 to stop with a failure.
 * Linear in len plus the matches seen; memory bounded by the longest
 * pattern.  Returns 0 when out of memory or stopped by fn. */
typedef int (*hb_ac_fn)(void *ctx, size_t start, size_t end, int value);
int hb_ac_scan(const hb_ac *ac, const char *s, size_t len, hb_ac_fn fn, void *ctx);

#endif
