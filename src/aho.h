/* Aho–Corasick: one automaton for a whole word list, so matching costs one
 * pass over the text whatever the number of words (the slogan dictionary,
 * 50 or 5,000 entries).  Works on bytes; UTF-8 patterns therefore match only
 * at character boundaries of valid UTF-8 text. */
#ifndef HB_AHO_H
#define HB_AHO_H

#include <stddef.h>
#include <stdio.h>

typedef struct hb_ac hb_ac;

/* Returns a new empty automaton, NULL when out of memory; free it with hb_ac_free(). */
hb_ac *hb_ac_new(void);
void hb_ac_free(hb_ac *ac);

/* Adds pattern s[0..len) (non-empty, no '\n') with a caller's value (>= 0);
 * a repeated pattern keeps its first value.  Only before hb_ac_build() or
 * hb_ac_adopt().  Returns 0 when out of memory. */
int hb_ac_add(hb_ac *ac, const char *s, size_t len, int value);

/* The key of the patterns and values added, in order (a 128-bit hash and
 * their counts): the automaton compiled from them is found by it in a compiled
 * rules file (rules.c).  Owned by the automaton. */
const unsigned char *hb_ac_key(hb_ac *ac);

/* Instead of hb_ac_build(): takes the automaton compiled from the same
 * patterns (hb_ac_write_compiled) from blob[0..size), which must stay
 * kept while the automaton lives.  The blob may be damaged or crafted:
 * it is checked (sizes, every state's links and values, a value never
 * beyond the largest added) and the scan bounds-checks its table, so a bad
 * blob gives 0 here or wrong matches, never a crash or a loop.  Returns 0
 * when the blob is refused (the automaton is then unchanged). */
int hb_ac_adopt(hb_ac *ac, const void *blob, size_t size);

/* hb_ac_adopt() of a blob in the program's own compiled image (linked
 * into it, as trusted as its code): only the header's sizes are checked,
 * not every state (a third of a small report's start went to those
 * checks), and the start table is read where it lies, not copied. */
int hb_ac_adopt_trusted(hb_ac *ac, const void *blob, size_t size);

/* hb_ac_adopt_trusted() into an automaton to which no pattern was added
 * (their hb_ac_add and key cost a fifth of a small report's start for the
 * slogan dictionary): the caller vouches that blob was compiled from the
 * patterns it stands for, having found it under key, their hb_ac_key, filed
 * beside what it read them from.  Its values are the blob's; key becomes
 * the automaton's. */
int hb_ac_adopt_vouched(hb_ac *ac, const unsigned char *key, const void *blob, size_t size);

/* The compiled form of a built automaton: its size (0 when it has none,
 * e.g. too large for a table) and writing it. */
size_t hb_ac_compiled_size(const hb_ac *ac);
int hb_ac_write_compiled(const hb_ac *ac, FILE *f);

/* n rounded up to 8: the compiled records of huibao.rules (automata and
 * the blobs beside them) and their parts start on 8-byte boundaries. */
static inline size_t hb_pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Bytes per state link of a built automaton: 2 up to 65,536 states, else 4. */
size_t hb_ac_width(const hb_ac *ac);

/* The largest transition table hb_ac_build() makes, in bytes (default
 * 256 KiB; tests give 0 to exercise the form without one). */
void hb_ac_set_table_max(hb_ac *ac, size_t bytes);

/* Freezes the automaton (failure links, compact edges).  Returns 0 when out
 * of memory.  Afterwards it is read-only and may be shared by threads. */
int hb_ac_build(hb_ac *ac);

/* Number of distinct patterns, once built. */
size_t hb_ac_count(const hb_ac *ac);

/* Calls fn(ctx, start, end, value) for the leftmost-longest non-overlapping
 * matches in s[0..len), in text order; fn returns 0 to stop with a failure.
 * Reads eight bytes at each character (each byte when some pattern starts
 * with a UTF-8 continuation byte), plus at most the longest pattern's
 * length where a pattern's first bytes are (a table of them says where);
 * no memory.
 * Returns 0 when stopped by fn. */
typedef int (*hb_ac_fn)(void *ctx, size_t start, size_t end, int value);
int hb_ac_scan(const hb_ac *ac, const char *s, size_t len, hb_ac_fn fn, void *ctx);

/* The value of the pattern s[0..len) (its first, when added twice), -1
 * when it is none; reads only s[0..len). */
int hb_ac_find(const hb_ac *ac, const char *s, size_t len);

/* Calls fn(ctx, start, end, value) for every occurrence of every pattern in
 * s[0..len), overlapping ones included, in order of their end (at one end,
 * longest first).  Returns 0 when stopped by fn. */
int hb_ac_scan_all(const hb_ac *ac, const char *s, size_t len, hb_ac_fn fn, void *ctx);

#endif
