/* The compiled rules file (huibao.rules): automata that the engine would
 * otherwise build at every start from dict/, compiled once by rulec at
 * build time and read whole at start.  Each automaton is found by the key of
 * its patterns (hb_ac_key), so rules that differ from the compiled ones (an
 * overlay, an edited dict/ file) simply miss and are built at start. */
#ifndef HB_RULES_H
#define HB_RULES_H

#include "aho.h"
#include "huibao.h"

struct hb_engine;
struct hb_rules;

/* What an engine being compiled made, for rulec to write: its automata,
 * and blobs filed by key (the memo of the words its lexicon was given,
 * serialized regexes). */
struct hb_rules_record {
    hb_ac **v;
    size_t n, cap;
    struct hb_rules_blob *blobs; /* owned */
    size_t nblobs, blobs_cap;
};

struct hb_rules_blob {
    unsigned char key[32];
    void *data;
    size_t size;
};

/* x's value as a string literal: the format versions in the text a filed
 * record's key is made from (hb_dict_file_key's `what`). */
#define HB_STR_(x) #x
#define HB_STR(x) HB_STR_(x)

/* Files data[0..size) (from malloc; the record's from now on, also on
 * failure) under key. */
hb_status hb_rules_record_blob(struct hb_rules_record *rec, const unsigned char *key, void *data, size_t size);
/* Files a copy of data[0..size) under key, after a check of its bytes:
 * what a scan cannot bounds-check as it reads (a serialized regex) is
 * trusted only when its check matches (hb_rules_find_checked). */
hb_status hb_rules_record_checked(struct hb_rules_record *rec, const unsigned char *key, const void *data,
                                  size_t size);
/* Frees what the record owns (not the struct). */
void hb_rules_record_free(struct hb_rules_record *rec);

/* Maps path.  The file may be damaged or crafted: its header and directory
 * are bounds-checked here, each automaton when it is taken (hb_ac_adopt).
 * Returns HB_OK with *out set, or HB_ERR_IO / HB_ERR_DICT with *err naming
 * the file. */
hb_status hb_rules_open(const char *path, struct hb_rules **out, hb_error *err);
void hb_rules_free(struct hb_rules *r);
/* `size` zeroed bytes past the file in the buffer it was read into, 64-byte
 * aligned, each lent once, for what a loader keeps as long as the rules
 * (the engine); NULL when they do not fit (or r is NULL).  The read
 * faulted that huge page in whole: touching them costs no fault. */
void *hb_rules_spare(struct hb_rules *r, size_t size);
/* Are r the program's own rules (hb_engine_options.rules_image), made by
 * the same rulec run as its lexicon image?  0 for a file or NULL. */
int hb_rules_builtin(const struct hb_rules *r);

/* The blob filed under key in r (NULL: none), its size in *size; NULL when
 * there is none. */
const void *hb_rules_find(const struct hb_rules *r, const unsigned char *key, size_t *size);

/* The engine's compiled rules: $HUIBAO_RULES (an error when it cannot be
 * used), else huibao.rules found as the lexicon is (beside the program or
 * library, share/huibao, HB_DATADIR; none found: none).  Sets e->rules. */
hb_status hb_rules_load(struct hb_engine *e, hb_error *err);

/* The bytes filed under key by hb_rules_record_checked in the engine's
 * compiled rules, their size in *size; NULL when none are (*st HB_OK) or
 * when they fail their check (*st HB_ERR_DICT, *err naming the file). */
const void *hb_rules_find_checked(const struct hb_engine *e, const unsigned char *key, size_t *size,
                                  hb_status *st, hb_error *err);

/* hb_rules_find_checked for a blob that opens with a head of head_size
 * bytes, copied to head: NULL when there is none (*st HB_OK) or when it
 * fails its check or is shorter than its head (*st HB_ERR_DICT, *err
 * naming the file). */
const unsigned char *hb_rules_find_head(const struct hb_engine *e, const unsigned char *key, void *head,
                                        size_t head_size, size_t *size, hb_status *st, hb_error *err);

/* Fills *err: the engine's compiled rules are damaged (naming the file). */
void hb_rules_damaged(const struct hb_engine *e, hb_error *err);

/* hb_ac_build(), or the same automaton taken from the engine's compiled
 * rules; records it when the engine is being compiled.  A compiled one
 * that is refused is an error naming the rules file. */
hb_status hb_engine_build_ac(const struct hb_engine *e, hb_ac *ac, hb_error *err);

/* An automaton of n entries' patterns (pat[i] NULL: entry i left out), the
 * value of a match being the first entry with that pattern, and next[i]
 * the next entry with the same pattern (-1: none), so that a match reaches
 * every entry it stands for.  *ac and *next are the caller's to free, also
 * on failure. */
hb_status hb_engine_build_entries(const struct hb_engine *e, const char *const *pat, const size_t *len,
                                  size_t n, hb_ac **ac, int **next, hb_error *err);

/* Writes the recorded automata and blobs to path (a new file renamed over it). */
hb_status hb_rules_write(const struct hb_rules_record *rec, const char *path, hb_error *err);

#endif
