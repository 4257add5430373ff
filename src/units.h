/* The metric rules of dict/: measure words with their categories
 * (units.txt), exclusions (metric_exclusions.txt), words that never belong
 * to a counted subject (metric_verbs.txt), bound words (metric_approx.txt,
 * and the numeral reader's of kind bound)
 * and subject cues that refine a category (metric_subjects.txt, for the
 * categories of metric_refined.txt).  Loaded once into the engine; lookups are
 * read-only and thread-safe. */
#ifndef HB_UNITS_H
#define HB_UNITS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "aho.h"
#include "hash.h"
#include "huibao.h"
#include "normalize.h"

/* One folded word of a rule list and its payload (a category, or NULL). */
typedef struct {
    char *word;
    size_t len;
    char *cat;        /* beside the word, in the list's text blocks */
    int line;         /* in its file, for error messages */
    int digits_only;  /* units.txt: not a unit after a mask (**部 is an office) */
} hb_rule_word;

/* One key of a list's hash index: an entry, or the first len bytes of one
 * (ending at a character boundary), so a prefix lookup stops at the first
 * character no entry continues with. */
typedef struct {
    uint64_t hash;
    uint32_t entry; /* index in v, plus 1; 0: an empty slot */
    uint32_t len;
} hb_word_slot;

/* A word list, sorted unless said otherwise, with a hash index of its
 * entries and their prefixes once loaded, and one of their endings: exact,
 * longest-prefix and longest-suffix lookups hash the bytes once. */
typedef struct {
    hb_rule_word *v;
    size_t n, cap;
    hb_word_slot *slots; /* the hash index; NULL until loaded */
    int lent_slots;      /* slots lie in the program's rules image: read only, not freed */
    size_t mask;         /* slots - 1, a power of two minus one */
    hb_word_slot *ends;  /* the same of each entry's endings, hashed from its
                            last byte back: a suffix lookup reads the text
                            from its end once; made at load, not compiled,
                            for a list whose owner set want_ends before */
    size_t ends_mask;
    int want_ends;       /* suffix lookups at every number: worth the index
                            (all 38 lists' endings cost 360K instructions a
                            start, a tenth of it) */
    size_t maxlen;   /* bytes of the longest entry */
    uint64_t lens[4]; /* bit n: an entry of n bytes (n < 256), so exact
                         lookups skip the lengths no entry has */
    uint64_t heads[8], tails[8]; /* bit k: an entry whose first (last) character
                                    hashes to k: most lookups end on one test */
    struct hb_word_block *text;  /* the words and categories, a few KiB a block:
                                    some 1,200 rule words are read at every start */
} hb_wordlist;

/* A character's bit in heads or tails (512 bits): h * 31 + byte over its
 * bytes.  Every lookup asks once; a character is one to four bytes, so the
 * sum is written out (the loop cost more than the rest of most lookups). */
static inline unsigned hb_word_char_key(const char *c, size_t n)
{
    const unsigned char *u = (const unsigned char *)c;
    unsigned h;
    switch (n) {
    case 1:
        h = u[0];
        break;
    case 2:
        h = u[0] * 31u + u[1];
        break;
    case 3:
        h = u[0] * 961u + u[1] * 31u + u[2];
        break;
    default:
        h = 0;
        for (size_t i = 0; i < n; i++)
            h = h * 31 + u[i];
    }
    return h & 511;
}

static inline int hb_word_has_key(const uint64_t *set, unsigned k)
{
    return set[k / 64] >> (k % 64) & 1;
}

/* Bytes of the character starting s[0..len), as its first byte says (the
 * words and texts are valid UTF-8): every lookup asks, and a scan of the
 * continuation bytes cost more than the rest of most lookups. */
static inline size_t hb_word_head_len(const char *s, size_t len)
{
    size_t m = (size_t)hb_utf8_len((unsigned char)s[0]);
    return m < len ? m : len;
}

/* Whether an entry of l may start s[0..len): the filter of first
 * characters alone (never a false no), inline for the callers that ask
 * at many places where none starts. */
static inline int hb_wordlist_may_start(const hb_wordlist *l, const char *s, size_t len)
{
    return len && hb_word_has_key(l->heads, hb_word_char_key(s, hb_word_head_len(s, len)));
}

struct hb_metric_rules {
    hb_wordlist before;    /* metric_exclusions.txt kinds */
    hb_wordlist after;
    hb_wordlist words;
    hb_wordlist numerals;
    hb_wordlist verbs;     /* metric_verbs.txt */
    hb_wordlist bounds;    /* metric_approx.txt and numeral_approx.txt's kind bound */
    hb_wordlist subjects;  /* metric_subjects.txt: cue → category (a cue listed twice: first line first) */
    hb_wordlist refined;   /* metric_refined.txt: categories the subject cues refine */
    unsigned char *refined_unit; /* by index in the engine's units: its category is
                                    refined (asked of every metric, answered at load) */
    hb_wordlist suffixes;  /* metric_phrases.txt kinds */
    hb_wordlist compares;
    hb_wordlist nouns;
    hb_wordlist targets;   /* metric_targets.txt: 力争 计划 目标 … */
    hb_wordlist not_targets; /* metric_targets.txt: 拟提拔, 完成…计划: no goal */
    hb_ac *target_ac;      /* the target words: one pass over a metric's clause,
                              not a memmem per word (eight a metric) */
};

struct hb_engine;

/* The measure words of units.txt (unit → category) into e->units: shared by
 * metrics and slogans, so the engine owns them.  Loaded before the stages. */
hb_status hb_units_load(struct hb_engine *e, hb_error *err);
void hb_units_unload(struct hb_engine *e);

/* Loads every metric rule file into e->metrics. */
hb_status hb_metric_rules_load(struct hb_engine *e, hb_error *err);
/* Frees the rules; accepts NULL and a partly loaded struct. */
void hb_metric_rules_free(struct hb_metric_rules *r);

/* Reads a KIND<TAB>WORD file of dict/ into one sorted list per kind
 * (kinds[i] → lists[i]); an unknown kind or a word listed twice in one
 * kind is an error naming the file and line. */
hb_status hb_kind_lists_read(const struct hb_engine *e, const char *name, const char *const *kinds,
                             hb_wordlist *const *lists, size_t n, hb_error *err);
/* Reads a file of WORD (nfields 1) or WORD<TAB>VALUE lines (2; the value
 * goes to cat) into a sorted list; a word listed twice is an error. */
hb_status hb_wordlist_read(const struct hb_engine *e, const char *name, int nfields, hb_wordlist *l,
                           hb_error *err);
/* The entry whose occurrence in s[0..len) ends last, the longest of those
 * ending there; NULL when none occurs.  One suffix lookup per character
 * from the end instead of a search per entry. */
const hb_rule_word *hb_wordlist_last(const hb_wordlist *l, const char *s, size_t len);
/* Adds copies of src's words to dst (a list shared by two rule files);
 * returns HB_ERR_NOMEM or HB_OK. */
hb_status hb_wordlist_add_all(hb_wordlist *dst, const hb_wordlist *src);
/* Whether a cue found at s[at, at+n) lies inside a hit of the masking word
 * mask (its folded bytes, mlen long): the word written over it (拟 in
 * 拟提拔), or a word A…B (folded A...B) with A before it and B ending at or
 * after its end (计划 in 完成年度计划). */
int hb_cue_masked(const char *mask, size_t mlen, const char *s, size_t len, size_t at, size_t n);

/* Fills order[0..n) with the indices of n records (at base, stride bytes
 * apart) sorted by the string each holds (a const char * at str_off, its
 * length a size_t at len_off): memcmp's order, a prefix first; equal
 * strings by the int at tie_off, or (tie_off -1) in index order.  A merge
 * sort on each string's first 8 bytes as a number: most comparisons end
 * there, without a call.  Returns 0 when out of memory. */
int hb_sort_strings(int *order, const void *base, size_t n, size_t stride, size_t str_off, size_t len_off,
                    long tie_off);

/* Frees a list's words and its storage (not the list struct). */
void hb_wordlist_free(hb_wordlist *l);

/* The entry equal to s[0..len), or NULL (the filter of first characters
 * asked inline, as for hb_wordlist_prefix). */
const hb_rule_word *hb_wordlist_find_indexed(const hb_wordlist *l, const char *s, size_t len);
static inline const hb_rule_word *hb_wordlist_find(const hb_wordlist *l, const char *s, size_t len)
{
    return hb_wordlist_may_start(l, s, len) ? hb_wordlist_find_indexed(l, s, len) : NULL;
}
/* The longest entry that s[0..len) starts with, or NULL.  The filter of
 * first characters is asked inline: most places asked about start none. */
const hb_rule_word *hb_wordlist_prefix_indexed(const hb_wordlist *l, const char *s, size_t len);
static inline const hb_rule_word *hb_wordlist_prefix(const hb_wordlist *l, const char *s, size_t len)
{
    return hb_wordlist_may_start(l, s, len) ? hb_wordlist_prefix_indexed(l, s, len) : NULL;
}
/* The longest entry that s[0..len) ends with, or NULL: through the index
 * of endings when the list has one (want_ends), else an exact lookup at
 * each character boundary up to the longest entry. */
const hb_rule_word *hb_wordlist_suffix(const hb_wordlist *l, const char *s, size_t len);

#endif
