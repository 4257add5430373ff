/* The segmentation lexicon: jieba's dict.txt compiled to a position-free
 * character-level double-array trie, plus an in-memory overlay of words added
 * at engine load (dict/lexicon.txt, slogans).
 *
 * Semantics follow jieba 0.42 exactly, because the segmenter must reproduce
 * jieba.cut(HMM=False): every prefix of every word is "in FREQ" (with
 * frequency 0 unless it is a word itself), a later duplicate line overrides
 * an earlier one while `total` counts both, and an added word overrides the
 * stored frequency while `total` grows by the added frequency. */
#ifndef HB_LEXICON_H
#define HB_LEXICON_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "huibao.h"

struct hb_lexicon;

/* Compiles a jieba dict.txt ("word freq [tag]" a line, UTF-8) to the binary
 * form at out_path.  Errors name the file and line. */
hb_status hb_lexicon_compile(const char *dict_txt, const char *out_path, hb_error *err);

/* Reads a compiled lexicon into memory; bin_path NULL gives an empty general
 * lexicon (only added words).  It must be a regular file of at most
 * HB_LEX_MAX_FILE bytes whose header and sections lie inside it; the trie is
 * not scanned (that took longer than a small report): every walk
 * bounds-checks its slots and stops after HB_LEX_MAX_WORD characters.
 * It is read, not mapped, so a file rewritten in place while a run uses it
 * cannot crash the run (a mapping would die of SIGBUS).
 * Returns a new lexicon the caller frees with hb_lexicon_free(), or NULL
 * with *err filled (HB_ERR_IO when the file cannot be read, HB_ERR_DICT
 * when it is not a lexicon of this version). */
struct hb_lexicon *hb_lexicon_open(const char *bin_path, hb_error *err);
#define HB_LEX_MAX_FILE ((size_t)1 << 30)
void hb_lexicon_free(struct hb_lexicon *lx);

/* The lexicon built into a program (hb_engine_options.lexicon_image), used
 * where it lies: its pages are the program's, which the kernel keeps
 * whole while it runs (an executable cannot be written, ETXTBSY), paged
 * in as the walks reach them rather than read and copied at every start.
 * The image is a compiled lexicon, optionally followed (at the next
 * multiple of 8) by a trailer naming the overlay of added words whose
 * HB_LEX_OV_HERE marks its slots already carry, the DAG values (dagx) and
 * that overlay's slots, values and words' table (hb_lexicon_image_save):
 * taking that overlay (hb_lexicon_overlay_take with its key) then writes
 * nothing; any other added word copies the lexicon first (and clears
 * those marks).  image must be 8-byte aligned.  Errors as hb_lexicon_open,
 * naming "huibao's built-in lexicon". */
struct hb_lexicon *hb_lexicon_open_image(const void *image, size_t size, hb_error *err);
/* The image of lx, its slots marked for the overlay filed under
 * overlay_key (rulec, with the rules file); malloc'd, NULL when out of
 * memory. */
void *hb_lexicon_image_save(const struct hb_lexicon *lx, const unsigned char overlay_key[32], size_t *size);
/* Once every word is added: marks an image carries that no overlay
 * claimed are cleared (the lexicon copied to do so).  HB_OK or
 * HB_ERR_NOMEM. */
hb_status hb_lexicon_settle(struct hb_lexicon *lx);

/* The longest word, in characters, the lexicon holds (jieba's longest has
 * 16): the segmenter walks the trie from every position, so a longer word
 * would make segmentation quadratic.  Longer words are refused. */
#define HB_LEX_MAX_WORD 64

/* freq for hb_lexicon_add: jieba's suggest_freq(word), the smallest
 * frequency that keeps the word whole. */
#define HB_LEX_SUGGEST (-1LL)

/* jieba's add_word(word, freq, tag): freq replaces the word's frequency
 * (0 removes it from segmentation), total grows by freq, missing prefixes
 * are added with frequency 0.  tag may be NULL.  word must be valid UTF-8
 * and at most HB_LEX_MAX_WORD characters (else HB_ERR_ARG).
 * Not thread-safe: call only while the engine is being built. */
hb_status hb_lexicon_add(struct hb_lexicon *lx, const char *word, size_t len, long long freq,
                         const char *tag);

/* hb_lexicon_add with a known frequency (freq >= 0) on valid UTF-8: the
 * overlay insert alone (lexicon.c); hb_lexicon_add (userdict.c) suggests
 * frequencies with the segmenter and calls it. */
hb_status hb_lexicon_set(struct hb_lexicon *lx, const char *word, size_t len, long long freq,
                         const char *tag);

/* The suggested frequencies of the words an engine adds at load
 * (dict/lexicon.txt, the slogans), recorded by rulec in the rules file and
 * replayed at start, so that each word is not segmented again: while the
 * words added are those recorded, in order and with the frequencies asked,
 * hb_lexicon_add takes the recorded frequency; from the first that differs
 * (an edited dict/ file, an overlay) it segments, as without a memo.
 * The key: the memo made with this general lexicon (its header). */
void hb_lexicon_memo_key(const struct hb_lexicon *lx, unsigned char key[32]);

/* Starts replaying blob[0..size) (NULL: nothing to replay) and, when
 * record is set, recording.  Returns HB_ERR_NOMEM or HB_OK. */
hb_status hb_lexicon_memo_start(struct hb_lexicon *lx, const void *blob, size_t size, int record);

/* Ends the memo; when recording, returns the blob to write (malloc'd, its
 * size in *size), else NULL. */
void *hb_lexicon_memo_end(struct hb_lexicon *lx, size_t *size);

/* The overlay of added words as a blob (malloc'd, its size in *size; NULL
 * when out of memory or when the overlay was itself taken from a blob), for
 * rulec to file in the rules file; and the overlay taken from such a blob
 * by a lexicon no word was added to yet, with the total it had: HB_OK,
 * HB_ERR_NOMEM, or HB_ERR_DICT for a blob that is no overlay (damaged or
 * crafted: every node is checked).  A taken overlay is read only: adding a
 * word to its lexicon gives HB_ERR_ARG. */
void *hb_lexicon_overlay_save(const struct hb_lexicon *lx, size_t *size);
/* key: the one the blob was filed under when the blob is the program's own
 * (its built-in rules), which the image's marks and overlay may stand for;
 * else NULL: the blob is checked and its words marked as any. */
hb_status hb_lexicon_overlay_load(struct hb_lexicon *lx, const void *blob, size_t size, const unsigned char key[32]);
/* The same, the overlay keeping its slots and its words' table in zeroed
 * memory spare lends (its fn returns NULL when it has not `size` bytes
 * more): memory the caller has in hand already, kept as long as the
 * lexicon, so that filing the records faults no page in. */
typedef struct {
    void *(*fn)(void *ctx, size_t size);
    void *ctx;
} hb_lex_spare;
hb_status hb_lexicon_overlay_take(struct hb_lexicon *lx, const void *blob, size_t size, const unsigned char key[32],
                                  const hb_lex_spare *spare);

/* jieba's load_userdict (userdict.c) on a UTF-8 file: each line "word [freq] [tag]"
 * (word may hold spaces; a TAB also separates fields), blank lines and
 * lines starting with '#' skipped.  Errors name the file and line. */
hb_status hb_lexicon_load_user(struct hb_lexicon *lx, const char *path, hb_error *err);
/* The same on the file's text, read already (buf[len] is NUL; its lines are
 * changed); errors name path. */
hb_status hb_lexicon_load_user_text(struct hb_lexicon *lx, char *buf, size_t len, const char *path, hb_error *err);

/* jieba's FREQ.get(word): the frequency, 0 for a prefix that is not a word,
 * -1 when the string is not in the lexicon at all. */
long long hb_lexicon_freq(const struct hb_lexicon *lx, const char *word, size_t len);

/* The part-of-speech tag ("n", "vn", "nr"…) of a word, an added word's tag
 * winning over dict.txt's; NULL when it has none.  Owned by the lexicon. */
const char *hb_lexicon_tag(const struct hb_lexicon *lx, const char *word, size_t len);

/* jieba's `total`: the sum of all frequencies read and added. */
long long hb_lexicon_total(const struct hb_lexicon *lx);

/* ---- internal: the walk the segmenter runs at every position ---- */

/* One slot of the general trie's double array, one 8-byte load a step:
 * the child of slot s by char id c is t = base[s] + c when t's label, but
 * for its HB_LEX_OV_HERE bit, is c.  lexc gives no two nodes with children
 * the same base, so base[p] + c == base[q] + c only for p == q: the label
 * tells the parent as the parent's index did, in 2 bytes, and the slot's
 * log(freq) and tag, a 2-byte index into a table of the distinct pairs
 * (jieba's dict.txt has 16,838), fit beside it (issue 15: 8 bytes a slot,
 * was 10 in two arrays; the file fits three 2 MiB pages, was four). */
typedef struct {
    int32_t base;
    uint16_t label; /* the char id of the edge into the slot; HB_LEX_NO_LABEL: free, the root */
    uint16_t val;   /* index into logv and vtag; 0: a bare prefix */
} hb_lex_slot;

/* A slot of the overlay's double array (below): child of s at base[s] +
 * cp when check is s + 1. */
typedef struct {
    int32_t base;
    uint32_t check;
} hb_lex_node;

#define HB_LEX_NONE UINT32_MAX

/* The bits of a label that hold the char id; lexc gives at most
 * HB_LEX_MAX_CHARS distinct characters (jieba's dict.txt has 12,045), so
 * that a free slot's and the root's label is no char's id. */
#define HB_LEX_LABEL 0x7FFFu
#define HB_LEX_NO_LABEL 0x7FFFu
#define HB_LEX_MAX_CHARS 0x7FFEu

/* The bit of a general slot's label that marks where an added word
 * leaves the general trie (the slot of its longest prefix there): the
 * segmenter walks the overlay only from positions whose general walk
 * arrives at such a slot, or fails at its first char (segment.c).  Set as
 * the word is added, never cleared.  Every reader of a label masks it, so
 * that a file's own bits (a crafted one: the trie is not scanned at load)
 * only make the overlay walked from more places, with the same words. */
#define HB_LEX_OV_HERE 0x8000u

/* A leaf's base in the general trie: base + any char id is past the last
 * slot (the array has fewer than 2^31), so a walk knows it ends there;
 * the one base that nodes share, as no walk steps from it. */
#define HB_LEX_LEAF_BASE INT32_MAX

/* The general trie's child of slot s by char id (nonzero), HB_LEX_NONE
 * when it has none: every walk's step, bounds-checked. */
static inline uint32_t hb_lex_child(const hb_lex_slot *slots, uint32_t nn, uint32_t s, uint32_t id)
{
    uint32_t t = (uint32_t)slots[s].base + id;
    return t < nn && (slots[t].label & HB_LEX_LABEL) == id ? t : HB_LEX_NONE;
}

/* The overlay of added words (dict/lexicon.txt, the slogans): small, walked
 * beside the general trie, as a double array of its own over code points:
 * the child of slot o by cp is t = da[o].base + cp when da[t].check, but
 * for its HB_LEX_OV_WORD bit, is o + 1 (0: a free slot), one load and a
 * compare a step.  The root is slot 0,
 * its base HB_LEX_OV_ROOT_BASE and it never moves, so a walk's first step
 * is da[cp + 1]; the overlay has at least HB_LEX_OV_MIN_SLOTS slots, so
 * that step needs no bounds test for a char below U+10000.  A slot where
 * an added word ends has HB_LEX_OV_WORD set in its check: a walk reads its
 * value from val only there, and otherwise one line a step. */
typedef struct {
    uint32_t first, next; /* the slot's first child, its next sibling; 0: none (0 is the root) */
    uint32_t tag;         /* 0: none, else 1 + its index in tags */
    long long freq;       /* of the added word ending here */
} hb_lex_ov_aux;

struct hb_lex_overlay {
    hb_lex_node *da;    /* cap slots */
    double *val;        /* log(freq) of the added word ending at a slot, -1 for freq 0 */
    hb_lex_ov_aux *aux; /* what only adding, saving and lookups read; not written in an
                           overlay taken from a blob, whose words' tags and freqs are in words */
    int taken;          /* taken from a blob: read only (no word added, never saved) */
    uint32_t cap, n;    /* slots, of which used */
    uint32_t free_from; /* no free slot below it (but 0) */
    uint32_t fit_from;  /* where the last search past free_from's window found its base */
    char **tags;        /* each distinct tag once: a few dozen for thousands of words */
    size_t ntags, tagcap;
    int da_lent, words_lent, val_lent; /* taken: they lie in memory lent at load (or in a
                                          built-in image), not freed */
    struct hb_lex_ov_word *words; /* taken from a blob: the tags and frequencies, not aux */
    uint32_t words_mask;          /* the table's slots less one */
};

#define HB_LEX_OV_ROOT_BASE 1
#define HB_LEX_OV_MIN_SLOTS (0x10000u + HB_LEX_OV_ROOT_BASE)
#define HB_LEX_OV_WORD 0x80000000u

struct hb_lexicon {
    const hb_lex_slot *nodes;   /* nnodes slots, root at 0 */
    uint32_t nnodes;
    const double *logv;         /* log(freq) of each distinct (freq, tag); [0] = -1: a bare
                                   prefix; freq is exp(logv) rounded (exact below 2^32) */
    const uint8_t *vtag;        /* the tag of each, index into tags; 0: none */
    uint32_t nlogv;
    uint64_t *dagx;             /* the value the segmenter's DAG takes for each index a
                                   slot can hold (HB_LEX_DAG_SLOTS): hb_lex_dag_value of
                                   logv, its bits XORed with HB_LEX_NAN_BITS, so that the
                                   zero words past nlogv (a crafted file's indices) read
                                   as NaN and a walk's arrival is one load, no bounds test;
                                   past the file's end in its buffer, mapped apart, or
                                   in a built-in image (read only) */
    int dagx_mapped;            /* dagx is a mapping of its own, unmapped with the lexicon */
    const uint16_t *charmap;    /* code point < 0x10000 -> char id, 0: absent; all 0 for an
                                   empty lexicon */
    const uint32_t *supp;       /* (code point, id) pairs for the rest, sorted */
    uint32_t nsupp;
    const char (*tags)[8];      /* tag names, [0] empty */
    uint32_t ntags;
    long long total;
    double logtotal;            /* log(total), as jieba's calc() computes it */
    struct hb_lex_overlay *ov;  /* NULL until a word is added */
    void *file;                 /* the file's bytes, read at load; NULL: none */
    size_t file_size;
    int image;                  /* file is a built-in image (hb_lexicon_open_image): the
                                   program's read-only pages, never written nor released */
    int stale_marks;            /* the slots carry the HB_LEX_OV_HERE marks of overlay
                                   image_key, which no overlay loaded has claimed yet */
    unsigned char image_key[32];
    const struct hb_lex_image_ov *image_ov; /* the overlay image_key names, in the image; NULL: none */
    struct hb_lex_memo *memo;   /* while an engine adds its words (userdict.c), which
                                   ends it (hb_lexicon_memo_end) before the lexicon is shared */
};

#define HB_LEX_DAG_SLOTS 0x10000u
#define HB_LEX_NAN_BITS 0x7FF8000000000000ull

/* What the segmenter's DAG holds for log(freq) lf (-1: a prefix, not a
 * word): a slot without a word holds NaN, so that its score is NaN and
 * never taken (segment.c, route_window) without a test of its own. */
static inline double hb_lex_dag_value(double lf)
{
    return lf >= 0 ? lf : NAN;
}

/* A position in the combined trie (general and overlay). */
typedef struct {
    uint32_t b, o;
} hb_lex_cursor;

static inline hb_lex_cursor hb_lex_root(void)
{
    hb_lex_cursor c = {0, 0};
    return c;
}

/* Char id of a code point in the general trie, 0 when it has none. */
static inline uint32_t hb_lex_char_id(const struct hb_lexicon *lx, int cp)
{
    if (cp < 0x10000)
        return lx->charmap[cp];
    uint32_t lo = 0, hi = lx->nsupp;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (lx->supp[2 * mid] < (uint32_t)cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < lx->nsupp && lx->supp[2 * lo] == (uint32_t)cp ? lx->supp[2 * lo + 1] : 0;
}

/* The overlay's child of slot o by cp, 0 when it has none. */
static inline uint32_t hb_lex_ov_step(const struct hb_lex_overlay *ov, uint32_t o, int cp)
{
    uint32_t t = (uint32_t)ov->da[o].base + (uint32_t)cp;
    return t < ov->cap && (ov->da[t].check & ~HB_LEX_OV_WORD) == o + 1 ? t : 0;
}

/* Does an added word end at used slot x? */
static inline int hb_lex_ov_word(const struct hb_lex_overlay *ov, uint32_t x)
{
    return (ov->da[x].check & HB_LEX_OV_WORD) != 0;
}

/* Extends the cursor by one character.  Returns 0 when the longer string is
 * not "in FREQ" (the walk ends); else 1 with *logf = log(freq) for a word or
 * -1 for a prefix of frequency 0. */
static inline int hb_lex_step(const struct hb_lexicon *lx, hb_lex_cursor *c, int cp, uint32_t id,
                              double *logf)
{
    uint32_t b = c->b != HB_LEX_NONE && id ? hb_lex_child(lx->nodes, lx->nnodes, c->b, id) : HB_LEX_NONE;
    c->b = b;
    uint32_t x = lx->ov && c->o != HB_LEX_NONE ? hb_lex_ov_step(lx->ov, c->o, cp) : 0;
    c->o = x ? x : HB_LEX_NONE;
    if (x && hb_lex_ov_word(lx->ov, x)) {
        *logf = lx->ov->val[x];
        return 1;
    }
    if (b != HB_LEX_NONE) {
        uint32_t f = lx->nodes[b].val;
        *logf = f < lx->nlogv ? lx->logv[f] : -1; /* a crafted index: a prefix */
        return 1;
    }
    if (c->o != HB_LEX_NONE) {
        *logf = -1;
        return 1;
    }
    return 0;
}

#endif
