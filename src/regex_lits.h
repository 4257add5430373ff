/* Literals a regular expression cannot match without: a set of strings of
 * which every match holds at least one, read from the pattern's text.  A
 * text holding none of them is not matched, so a caller can skip the match
 * (lines.c asks one automaton about every layout rule's set at once). */
#ifndef HB_REGEX_LITS_H
#define HB_REGEX_LITS_H

#include <stddef.h>
#include <stdint.h>

enum { HB_LITS_MAX = 32 };

typedef struct {
    size_t n;                    /* 0: no set known, the pattern must be run */
    int one_line;                /* no part of a match, lookarounds included, can be a line
                                    feed, and none asserts the subject's end ($ outside
                                    multiline mode, \Z, \z) or the start offset (\G): a
                                    match lies on one line, found there with the subject
                                    ending at that line's end */
    size_t off[HB_LITS_MAX], len[HB_LITS_MAX];  /* each string: bytes of buf */
    char buf[1024];
} hb_lits;

/* The set for a PCRE2 pattern compiled with PCRE2_UTF and `options`.  The
 * reading is conservative: whatever it does not know (case-insensitive or
 * extended options, backreferences, \p, \x outside a class, verbs, ranges in a class) gives
 * an empty set, and an empty set is always correct.  Sets out->n. */
void hb_regex_literals(const char *pattern, uint32_t options, hb_lits *out);

/* A set for the same pattern of which every match holds one string with
 * no line feed consumed before it: the string starts on the line where
 * the match attempt starts (with \\K, not where the match is said to),
 * at or after that start.  A search may then skip the lines holding none,
 * or start at any line.  No set when the pattern holds \\G, whose
 * matches depend on where a search starts.  The set of the fewest strings
 * among the parts that qualify (one byte each is looked for fastest). */
void hb_regex_start_literals(const char *pattern, uint32_t options, hb_lits *out);

/* The same but the most selective such set (as for hb_regex_literals)
 * rather than the cheapest to look for: of a match attempt's line, its
 * strings tell more than the start set's (the web-page field rule's start
 * set is a space, a tab or |, this one its twenty field names). */
void hb_regex_line_literals(const char *pattern, uint32_t options, hb_lits *out);

/* The most characters a subject matched by the pattern (as for
 * hb_regex_literals) can have when every match spans the whole subject
 * but for a final line feed: each branch opens with ^ and closes with $,
 * outside multiline mode (^\d{1,3}$: 3), so a longer line is not matched;
 * -1 when there is no such bound or the pattern is not read. */
long hb_regex_whole_max(const char *pattern, uint32_t options);

/* The first occurrence of lit[0..n) (n > 0) in s[0..len), or NULL: a
 * memchr for one of its bytes, an ASCII one when it has one (rare in
 * Chinese text), then a compare (memmem's set-up and shifts cost some
 * four instructions a byte on "<!--"); one without is looked for by its
 * first and last bytes together, 32 places a step with AVX2, else by a
 * memchr for its last. */
const char *hb_lit_find(const char *s, size_t len, const char *lit, size_t n);

/* Whether s[0..len) may hold a match: one of l's strings is in it, or l
 * has none (no set known). */
int hb_lits_in(const hb_lits *l, const char *s, size_t len);

/* Up to 64 numbered sets of literals, asked about together: one pass over a
 * text says which sets have a literal in it. */
typedef struct hb_litset hb_litset;

/* Raise when hb_regex_literals reads a pattern differently, or hb_litset's
 * filed tables change: the sets rulec filed in huibao.rules by another
 * reading or layout are then not taken (a set too narrow would skip a rule
 * that can match). */
#define HB_LITS_VERSION 6

/* The quantifier at *pp after a part of a pattern, read as both pattern
 * readers (this one and regex_prefix.c) need it: 1 with the counts
 * min..max (max -1: no bound; 1..1 and *pp as it was when there is none),
 * *pp past it and a lazy or possessive mark; 0 for a brace not read ({,n},
 * unclosed, out of order). */
int hb_regex_quantifier(const char **pp, long *min, long *max);

/* A new empty collection; NULL when out of memory. */
hb_litset *hb_litset_new(void);
void hb_litset_free(hb_litset *x);

/* Adds s[0..len) (non-empty, valid UTF-8) to set number which (0..63);
 * returns 0 when out of memory. */
int hb_litset_add(hb_litset *x, const char *s, size_t len, int which);

/* Adds every literal of l to set number which of *x, made first when *x is
 * NULL; returns 0 when out of memory. */
int hb_litset_add_lits(hb_litset **x, const hb_lits *l, int which);

/* The bytes hb_litset_save writes of x (a multiple of 8). */
size_t hb_litset_saved_size(const hb_litset *x);
/* Writes x to `to` (hb_litset_saved_size bytes, 8-byte aligned), for rulec. */
void hb_litset_save(const hb_litset *x, void *to);
/* The set saved as blob[0..size) (8-byte aligned), read where it lies,
 * which must outlive it; no literal can be added to it.  NULL when out of
 * memory or when its sizes do not add up, or, unless trusted (the
 * program's own rules), a chain or a literal leads out of it. */
hb_litset *hb_litset_view(const void *blob, size_t size, int trusted);

/* Bit k: a literal of set k occurs in the valid UTF-8 text s[0..len). */
uint64_t hb_litset_scan(const hb_litset *x, const char *s, size_t len);

/* Where the first literal of a set of `sets` (bit k: set k) starts that
 * lies whole in the valid UTF-8 text s[0..len): one pass for texts asked
 * about in order (a report's paragraphs), which stops there; len when
 * there is none. */
size_t hb_litset_find(const hb_litset *x, const char *s, size_t len, uint64_t sets);

#endif
