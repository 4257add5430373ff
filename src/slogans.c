/* The slogans stage: quoted terms, known formulations and discovered numeric
 * formulations, counted per report, and the covered ranges the metrics stage
 * reads (see slogans.h). */
#include "slogans.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aho.h"
#include "arena.h"
#include "engine.h"
#include "extract.h"
#include "hash.h"
#include "json_out.h"
#include "normalize.h"
#include "numeral.h"
#include "quotes.h"
#include "regex_lits.h"
#include "regex_prefix.h"
#include "rules.h"
#include "units.h"
#include "words.h"

/* The places (quotations, numeral starts) read in a pass over a view of
 * FAR_VIEW bytes or more, whose bytes are then fetched AHEAD places ahead:
 * a shorter one stays in the caches from one pass to the next. */
enum { AHEAD = 8, FAR_VIEW = 256 << 10 };

/* The number of places of a pass over n of them whose bytes are fetched
 * ahead: those AHEAD before its end, none in a short view. */
static size_t fetched_ahead(const hb_doc *d, size_t n)
{
    return d->view_len >= FAR_VIEW && n > AHEAD ? n - AHEAD : 0;
}

/* A quotation longer than this (in characters) is a quotation, not a term. */
enum { TERM_MAX_CHARS = 40 };

typedef struct {
    hb_regex *re;
    char *category;
    int mgroup;       /* number of the group named "m", -1: none */
    int agroup;       /* number of the group named "a" (the first part), -1: none */
    hb_prefix first;  /* what the characters at a match's start must be */
} pattern;

typedef struct {
    char *word;       /* in the rules' arena */
    int measure;      /* 1: compared with group m; 0: an idiom, searched in the text */
    uint32_t at;      /* its place in the file's order, before the sort */
} stopword;

/* quote_kinds.txt: what a quotation is when it is not a slogan */
enum { QK_TERM, QK_BEFORE, QK_AFTER };
enum { QK_REMARK, QK_HONOUR };
static const char *const QUOTE_KINDS[] = {"remark", "honour", "organization", "product"};
static const char *const QUOTE_PLACES[] = {"term", "before", "after"};

typedef struct {
    hb_regex *re;
    int kind;         /* index into QUOTE_KINDS */
    int place;        /* QK_* */
    int unit;         /* a byte every match holds (PCRE2's required code unit), -1: none */
    const uint8_t *first; /* an `after` rule: PCRE2's map of the bytes its match may start
                             with (in its compiled code), NULL: any */
    const hb_prefix *chars; /* an `after` rule: the classes of its match's first characters
                               (in the rules' arena or their file), else NULL */
} quote_rule;

/* The characters a numeric formulation may start with lie in U+3000…U+9FFF. */
enum { NUMERAL_LO = 0x3000, NUMERAL_SPAN = 0x7000 };

struct hb_slogan_rules {
    hb_wordlist categories; /* slogan_categories.txt */
    quote_rule *qk;
    size_t nqk, qkcap;
    struct hb_slogan_dict *dict;
    pattern *pat;
    size_t npat, patcap;
    stopword *stop;
    size_t nstop, stopcap;
    hb_arena words;   /* the stop words: one allocation a block, not one a word */
    hb_ac *idioms;    /* the idiom stop words, found in one pass */
    hb_litset *qlits; /* the literals quote rule k cannot match without: set k */
    uint64_t qlit_rules; /* bit k: quote rule k has a set in qlits */
    uint64_t numerals[NUMERAL_SPAN / 64]; /* is_numeral_start() of U+3000…U+9FFF, for the scan */
    /* bit k of word j: a numeral start's low twelve bits are 64 j + k (the
     * payloads of its two continuation bytes), nearly exact for the scan */
    uint64_t numeral_low12[64];
    /* the numeral starts in eight groups by their first two bytes (E4 B8:
     * 一 两 三 七 万; the j-th such pair in group j % 8): [k][0][n], the
     * groups with one whose byte k has low nibble n, [k][1][n] with high
     * nibble n (each twice, for both lanes of a vector's table lookup;
     * numeral_leads32) */
    uint8_t numeral_nibbles[3][2][32];
};

/* ---- rules ---- */

static int add_pattern(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    const struct hb_engine *e = ctx; /* whose compiled rules may hold the pattern */
    struct hb_slogan_rules *r = e->slogans;
    (void)nf;
    if (!hb_heap_grow((void **)&r->pat, &r->patcap, r->npat, 8, sizeof *r->pat))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    if (!hb_wordlist_find(&r->categories, f[0], strlen(f[0])))
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "unknown category \"%s\" (not in slogan_categories.txt)", f[0]);
    pattern *p = &r->pat[r->npat];
    *p = (pattern){NULL, NULL, -1, -1, {0}};
    if (!(p->re = hb_regex_compile(e, f[1], PCRE2_ANCHORED, file, line, err)))
        return -1;
    r->npat++;
    if (!(p->category = strdup(f[0])))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    int g = pcre2_substring_number_from_name(hb_regex_code(p->re), (PCRE2_SPTR) "m");
    p->mgroup = g > 0 ? g : -1;
    g = pcre2_substring_number_from_name(hb_regex_code(p->re), (PCRE2_SPTR) "a");
    p->agroup = g > 0 ? g : -1;
    return hb_regex_prefix_of(e, f[1], PCRE2_ANCHORED, &p->first, file, line, err) == HB_OK ? 0 : -1;
}

static int add_stop(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    struct hb_slogan_rules *r = ctx;
    (void)nf;
    int measure = strcmp(f[1], "measure") == 0;
    if (!measure && strcmp(f[1], "idiom") != 0)
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "kind must be idiom or measure, not \"%s\"", f[1]);
    if (!hb_heap_grow((void **)&r->stop, &r->stopcap, r->nstop, 64, sizeof *r->stop))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    if (!(r->stop[r->nstop].word = hb_arena_strndup(&r->words, f[0], strlen(f[0]))))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    r->stop[r->nstop].at = (uint32_t)r->nstop;
    r->stop[r->nstop++].measure = measure;
    return 0;
}

/* Gives quote rule k (of the first 64) the set of literals its pattern
 * cannot match without (regex_lits.h), so that a quotation whose text
 * around it holds none skips the rule; returns 0 when out of memory.  The
 * end anchor of a `before` rule only says where a match ends, not what it
 * holds: the set is read without it. */
static int index_quote_literals(struct hb_slogan_rules *r, size_t k, const hb_lits *l)
{
    if (!l->n || k >= 64)
        return 1;
    if (!hb_litset_add_lits(&r->qlits, l, (int)k))
        return 0;
    r->qlit_rules |= (uint64_t)1 << k;
    return 1;
}

/* The code unit PCRE2 says every match of re holds (its last literal
 * character's last byte: 号 of …号$), -1: none.  Only a byte of a non-ASCII
 * character, which no case folding changes. */
static int required_unit(const hb_regex *re)
{
    int unit = hb_regex_required_unit(re);
    return unit >= 0x80 && unit <= 0xFF ? unit : -1;
}

/* An `after` rule's map of first bytes, in its compiled code (PCRE2's),
 * NULL: any (or another place). */
static const uint8_t *after_map(const hb_regex *re, int place)
{
    const uint8_t *first = NULL;
    if (place == QK_AFTER && pcre2_pattern_info(hb_regex_code(re), PCRE2_INFO_FIRSTBITMAP, &first) != 0)
        first = NULL;
    return first;
}

static int add_quote_rule(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    const struct hb_engine *e = ctx; /* whose compiled rules may hold the pattern */
    struct hb_slogan_rules *r = e->slogans;
    (void)nf;
    int kind = -1, place = -1;
    for (int i = 0; i < (int)(sizeof QUOTE_KINDS / sizeof *QUOTE_KINDS); i++)
        if (strcmp(f[0], QUOTE_KINDS[i]) == 0)
            kind = i;
    for (int i = 0; i < (int)(sizeof QUOTE_PLACES / sizeof *QUOTE_PLACES); i++)
        if (strcmp(f[1], QUOTE_PLACES[i]) == 0)
            place = i;
    if (kind < 0)
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "kind must be remark, honour, organization or product, not \"%s\"", f[0]);
    if (place < 0)
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "place must be term, before or after, not \"%s\"",
                            f[1]);
    if (!hb_heap_grow((void **)&r->qk, &r->qkcap, r->nqk, 16, sizeof *r->qk))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    uint32_t opts = place == QK_BEFORE ? PCRE2_ENDANCHORED : place == QK_AFTER ? PCRE2_ANCHORED : 0;
    hb_regex *re = hb_regex_compile(e, f[2], opts, file, line, err);
    if (!re)
        return -1;
    quote_rule *q = &r->qk[r->nqk++];
    *q = (quote_rule){re, kind, place, required_unit(re), after_map(re, place), NULL};
    hb_prefix *chars = place == QK_AFTER ? hb_arena_take(&r->words, sizeof *chars) : NULL;
    if (place == QK_AFTER && !chars)
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    if (chars && hb_regex_prefix_of(e, f[2], opts, chars, file, line, err) != HB_OK)
        return -1;
    q->chars = chars;
    hb_lits l;
    if (hb_regex_literals_of(e, f[2], opts & ~(uint32_t)PCRE2_ENDANCHORED, &l, file, line, err) != HB_OK)
        return -1;
    if (!index_quote_literals(r, r->nqk - 1, &l))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    return 0;
}

/* ---- the quote rules filed whole in huibao.rules ---- */

/* rulec files what add_quote_rule made of quote_kinds.txt whole, under the
 * key of the file's bytes (an edited file, an overlay or a checker misses
 * and is read as before): a start takes the rules' literal sets and
 * prefixes where they lie, the regexes decoded at once, where reading each
 * rule zeroed and faulted in 26 KB of literal tables and some 40 KB of
 * prefixes.  Layout: quote_head, the rules (filed_quote), their prefixes
 * (hb_prefix_file), the literal sets (hb_litset_save), the regexes
 * (hb_regex_encode_set). */
static const char QUOTES_FILED[] =
    "quote rules 1, literals " HB_STR(HB_LITS_VERSION) ", prefix " HB_STR(HB_PREFIX_VERSION);

typedef struct {
    uint32_t n, nprefix;
    uint64_t qlit_rules, lits_size, codes_size;
} quote_head;

typedef struct {
    int32_t kind, place, unit, chars; /* chars: the index of its filed prefix, -1: none */
} filed_quote;

/* Files r's quote rules under key for rulec. */
static hb_status quotes_record(const struct hb_engine *e, const struct hb_slogan_rules *r, const unsigned char *key)
{
    quote_head h = {.n = (uint32_t)r->nqk, .qlit_rules = r->qlit_rules};
    hb_regex **res = malloc((r->nqk ? r->nqk : 1) * sizeof *res);
    for (size_t i = 0; res && i < r->nqk; i++) {
        res[i] = r->qk[i].re;
        h.nprefix += r->qk[i].chars != NULL;
    }
    size_t codes_size = 0;
    void *codes = res && r->nqk ? hb_regex_encode_set(res, r->nqk, &codes_size) : NULL;
    free(res);
    h.lits_size = r->qlits ? hb_litset_saved_size(r->qlits) : 0;
    h.codes_size = codes_size;
    size_t head = sizeof h + hb_pad8(r->nqk * sizeof(filed_quote)), prefixes = h.nprefix * sizeof(hb_prefix),
           size = head + prefixes + h.lits_size + hb_pad8(codes_size);
    unsigned char *b = codes || !r->nqk ? calloc(1, size) : NULL;
    if (!b) {
        free(codes);
        return HB_ERR_NOMEM;
    }
    memcpy(b, &h, sizeof h);
    filed_quote *fq = (filed_quote *)(b + sizeof h);
    hb_prefix *pv = (hb_prefix *)(b + head);
    for (size_t i = 0, np = 0; i < r->nqk; i++) {
        const quote_rule *q = &r->qk[i];
        fq[i] = (filed_quote){q->kind, q->place, q->unit, q->chars ? (int32_t)np : -1};
        if (q->chars)
            hb_prefix_file(&pv[np++], q->chars);
    }
    if (r->qlits)
        hb_litset_save(r->qlits, b + head + prefixes);
    if (codes)
        memcpy(b + head + prefixes + h.lits_size, codes, codes_size);
    free(codes);
    hb_status st = hb_rules_record_checked(e->record, key, b, size);
    free(b);
    return st;
}

/* r's quote rules as filed for key: 1 when taken, or on an error (*st,
 * *err: damaged); 0 when none are filed or their regexes were serialized
 * by another PCRE2 (then quote_kinds.txt is read). */
static int quotes_take(const struct hb_engine *e, struct hb_slogan_rules *r, const unsigned char *key,
                       hb_status *st, hb_error *err)
{
    size_t size;
    quote_head h;
    const unsigned char *b = hb_rules_find_head(e, key, &h, sizeof h, &size, st, err);
    if (!b)
        return *st != HB_OK;
    int trusted = hb_rules_builtin(e->rules);
    size_t head = sizeof h + hb_pad8((size_t)h.n * sizeof(filed_quote));
    int ok = h.n <= 4096 && h.nprefix <= h.n && h.lits_size < 1u << 28 && h.codes_size < 1u << 28 &&
         (h.lits_size > 0) == (h.qlit_rules != 0) && (h.n >= 64 || !(h.qlit_rules >> h.n)) &&
         size == head + h.nprefix * sizeof(hb_prefix) + h.lits_size + hb_pad8(h.codes_size);
    const filed_quote *fq = (const filed_quote *)(b + sizeof h);
    const hb_prefix *pv = (const hb_prefix *)(b + head);
    for (uint32_t i = 0; ok && !trusted && i < h.n; i++)
        ok = fq[i].kind >= 0 && fq[i].kind < (int32_t)(sizeof QUOTE_KINDS / sizeof *QUOTE_KINDS) &&
             fq[i].place >= QK_TERM && fq[i].place <= QK_AFTER && fq[i].unit >= -1 && fq[i].unit < 256 &&
             fq[i].chars >= -1 && fq[i].chars < (int32_t)h.nprefix;
    for (uint32_t i = 0; ok && !trusted && i < h.nprefix; i++)
        ok = hb_prefix_valid(&pv[i]);
    const unsigned char *lits = b + head + (ok ? h.nprefix * sizeof(hb_prefix) : 0);
    if (ok && h.lits_size && !(r->qlits = hb_litset_view(lits, h.lits_size, trusted)))
        ok = 0;
    if (!ok) {
        hb_rules_damaged(e, err);
        *st = HB_ERR_DICT;
        return 1;
    }
    hb_regex **res = malloc((h.n ? h.n : 1) * sizeof *res);
    if (!res || !(r->qk = malloc((h.n ? h.n : 1) * sizeof *r->qk)) ||
        (h.n && !hb_regex_decode_set(lits + h.lits_size, h.codes_size, res, h.n))) {
        free(res);
        free(r->qk);
        r->qk = NULL;
        hb_litset_free(r->qlits);
        r->qlits = NULL;
        return 0;
    }
    for (uint32_t i = 0; i < h.n; i++) {
        const filed_quote *f = &fq[i];
        r->qk[i] = (quote_rule){res[i], f->kind, f->place, f->unit, after_map(res[i], f->place),
                                f->chars >= 0 ? &pv[f->chars] : NULL};
    }
    free(res);
    r->nqk = r->qkcap = h.n;
    r->qlit_rules = h.qlit_rules;
    return 1;
}

/* quote_kinds.txt's rules: as filed, else read (and filed for rulec). */
static hb_status quote_rules_load(const struct hb_engine *e, struct hb_slogan_rules *r, hb_error *err)
{
    unsigned char key[32];
    hb_status st = HB_OK;
    int keyed = (e->rules || e->record) && hb_dict_file_key(e, "quote_kinds.txt", QUOTES_FILED, key);
    if (keyed && !e->record && quotes_take(e, r, key, &st, err))
        return st;
    st = hb_dict_read(e, "quote_kinds.txt", 3, 3, HB_DICT_KEY(1) | HB_DICT_KEY(2), add_quote_rule, (void *)e, err);
    if (st == HB_OK && keyed && e->record && quotes_record(e, r, key) != HB_OK)
        return hb_dict_fail(err, HB_ERR_NOMEM, "quote_kinds.txt", 0, 0, "out of memory"), HB_ERR_NOMEM;
    return st;
}

static int by_stop(const void *a, const void *b)
{
    const stopword *x = a, *y = b;
    return x->measure != y->measure ? x->measure - y->measure : strcmp(x->word, y->word);
}

/* Puts the stop words in the order (n bytes): 1; 0 when it is not a
 * permutation of them (a damaged rules file).  A crafted one may give
 * another order: wrong answers, as a crafted automaton's, never a fault. */
static int take_stop_order(struct hb_slogan_rules *r, const uint32_t *order, size_t n)
{
    if (n != r->nstop * sizeof *order)
        return 0;
    stopword *was = malloc(r->nstop * sizeof *was);
    uint64_t *seen = calloc(r->nstop / 64 + 1, sizeof *seen);
    int ok = was && seen;
    if (ok)
        memcpy(was, r->stop, r->nstop * sizeof *was);
    for (size_t i = 0; ok && i < r->nstop; i++) {
        uint32_t k = order[i];
        ok = k < r->nstop && !(seen[k / 64] >> (k % 64) & 1);
        if (ok) {
            seen[k / 64] |= 1ull << (k % 64);
            r->stop[i] = was[k];
        }
    }
    if (!ok && was)
        memcpy(r->stop, was, r->nstop * sizeof *was);
    free(was);
    free(seen);
    return ok;
}

/* The stop words in by_stop order (is_measure's search, the idioms'
 * values).  rulec files the order it sorted them in beside the file's
 * digest, taken while the file is unchanged: their sort was a tenth of the
 * slogans' load; an edited file (or an overlay) is sorted here. */
static hb_status sort_stops(const struct hb_engine *e, struct hb_slogan_rules *r, hb_error *err)
{
    unsigned char key[32];
    size_t size = 0;
    int keyed = r->nstop > 1 && hb_dict_file_key(e, "slogan_stop.txt", "stop order", key);
    const uint32_t *order = keyed && !e->record ? hb_rules_find(e->rules, key, &size) : NULL;
    if (order) {
        if (take_stop_order(r, order, size))
            return HB_OK;
        hb_rules_damaged(e, err);
        return HB_ERR_DICT;
    }
    if (r->nstop > 1)
        qsort(r->stop, r->nstop, sizeof *r->stop, by_stop);
    if (!keyed || !e->record)
        return HB_OK;
    uint32_t *made = malloc(r->nstop * sizeof *made);
    if (!made)
        return HB_ERR_NOMEM;
    for (size_t i = 0; i < r->nstop; i++)
        made[i] = r->stop[i].at;
    return hb_rules_record_blob(e->record, key, made, r->nstop * sizeof *made);
}

/* Whether s[0..len) is a measure word of slogan_stop.txt. */
static int is_measure(const struct hb_slogan_rules *r, const char *s, size_t len)
{
    size_t lo = 0, hi = r->nstop;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const stopword *w = &r->stop[mid];
        int c = w->measure - 1;
        if (!c) {
            c = strncmp(w->word, s, len);
            if (!c)
                c = w->word[len] != '\0';
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nstop && r->stop[lo].measure && strncmp(r->stop[lo].word, s, len) == 0 &&
           r->stop[lo].word[len] == '\0';
}

/* The characters a numeric formulation starts with (dict/README.md). */
static const int NUMERAL_STARTS[] = {
    0x3007, 0x96F6, 0x4E00, 0x4E8C, 0x4E24, 0x4E09, 0x56DB, /* 〇零一二两三四 */
    0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D, 0x5341, 0x767E, /* 五六七八九十百 */
    0x5343, 0x4E07, 0x53CC,                                 /* 千万双 */
};

static int is_numeral_start(int cp)
{
    for (size_t i = 0; i < sizeof NUMERAL_STARTS / sizeof *NUMERAL_STARTS; i++)
        if (cp == NUMERAL_STARTS[i])
            return 1;
    return 0;
}

hb_status hb_slogans_load(struct hb_engine *e, hb_error *err)
{
    struct hb_slogan_rules *r = calloc(1, sizeof *r);
    if (!(e->slogans = r))
        return HB_ERR_NOMEM;
    hb_status st = hb_wordlist_read(e, "slogan_categories.txt", 2, &r->categories, err);
    if (st == HB_OK)
        st = hb_slogan_dict_read(e, "slogans.txt", &r->categories, &r->dict, err);
    if (st == HB_OK)
        st = hb_dict_read(e, "slogan_patterns.txt", 2, 2, HB_DICT_KEY(1), add_pattern, e, err);
    if (st == HB_OK)
        st = hb_dict_read(e, "slogan_stop.txt", 2, 2, HB_DICT_FOLD, add_stop, r, err);
    if (st == HB_OK)
        st = quote_rules_load(e, r, err);
    if (st != HB_OK)
        return st;
    st = sort_stops(e, r, err);
    if (st != HB_OK)
        return st;
    unsigned pairs[sizeof NUMERAL_STARTS / sizeof *NUMERAL_STARTS], npairs = 0;
    for (size_t i = 0; i < sizeof NUMERAL_STARTS / sizeof *NUMERAL_STARTS; i++) {
        int cp = NUMERAL_STARTS[i]; /* all in U+3000…U+9FFF */
        r->numerals[(cp - NUMERAL_LO) / 64] |= (uint64_t)1 << (cp % 64);
        r->numeral_low12[cp >> 6 & 63] |= (uint64_t)1 << (cp & 63);
        unsigned char b[3] = {(unsigned char)(0xE0 | cp >> 12), (unsigned char)(0x80 | (cp >> 6 & 63)),
                              (unsigned char)(0x80 | (cp & 63))};
        unsigned g = 0;
        while (g < npairs && pairs[g] != (unsigned)(b[0] << 8 | b[1]))
            g++;
        if (g == npairs)
            pairs[npairs++] = (unsigned)(b[0] << 8 | b[1]);
        for (int k = 0; k < 3; k++)
            for (int h = 0; h < 2; h++) {
                unsigned nib = h ? b[k] >> 4 : b[k] & 15u;
                r->numeral_nibbles[k][h][nib] = r->numeral_nibbles[k][h][16 + nib] |= (uint8_t)(1u << (g % 8));
            }
    }
    if (!(r->idioms = hb_ac_new()))
        return HB_ERR_NOMEM;
    for (size_t i = 0; i < r->nstop; i++)
        if (!r->stop[i].measure && !hb_ac_add(r->idioms, r->stop[i].word, strlen(r->stop[i].word), (int)i))
            return HB_ERR_NOMEM;
    return hb_engine_build_ac(e, r->idioms, err);
}

void hb_slogans_unload(struct hb_engine *e)
{
    struct hb_slogan_rules *r = e->slogans;
    if (!r)
        return;
    hb_slogan_dict_free(r->dict);
    hb_wordlist_free(&r->categories);
    for (size_t i = 0; i < r->npat; i++) {
        hb_regex_free(r->pat[i].re);
        free(r->pat[i].category);
    }
    free(r->pat);
    for (size_t i = 0; i < r->nqk; i++)
        hb_regex_free(r->qk[i].re);
    free(r->qk);
    hb_arena_release(&r->words);
    free(r->stop);
    hb_ac_free(r->idioms);
    hb_litset_free(r->qlits);
    free(r);
    e->slogans = NULL;
}

/* ---- per report ---- */

typedef struct {
    const char *key;       /* folded surface, in the view */
    uint32_t klen;
    size_t vs, ve;         /* earliest occurrence */
    int count, quoted;
    int entry;             /* dictionary entry, -1: not listed */
    const char *category;  /* of the discovery pattern, when not listed */
    int qkind;             /* QUOTE_KINDS index when a quotation, not a slogan; -1 */
} sl_term;

/* The covered ranges are looked up by view position in buckets of
 * 1 << COVER_SHIFT bytes (about a line's characters) before a search, in a
 * report of COVER_MIN buckets or more (index_covered()). */
enum { COVER_SHIFT = 8, COVER_MIN = 64 };

struct hb_slogans_result {
    HB_VEC(sl_term) terms;
    uint32_t *slots;       /* open addressing: term index + 1, 0 empty */
    size_t nslots;
    HB_VEC(hb_vrange) covered;
    /* firsts[b]: the first covered range starting at or past b << COVER_SHIFT,
     * for the buckets 0..nbuckets (the last past the view); NULL: none made */
    uint32_t *firsts;
    size_t nbuckets;
};

typedef struct {
    size_t start, end;
    int entry;
    int absorbed;              /* inside a longer discovered formulation */
} known_match;

typedef struct {
    hb_doc *d;
    const struct hb_slogan_rules *rules;
    struct hb_slogans_result *r;
    HB_VEC(hb_vrange) qterms;  /* quoted terms' content, by start */
    HB_VEC(known_match) known; /* dictionary matches, by start */
    HB_VEC(known_match) idioms; /* idiom stop words written in the text */
    size_t base;               /* view offset of the text the idioms are scanned in */
} run_ctx;

static int rehash(hb_doc *d, struct hb_slogans_result *r)
{
    size_t n = r->nslots ? r->nslots * 2 : 256;
    uint32_t *slots = hb_arena_alloc(&d->arena, n * sizeof *slots);
    if (!slots)
        return 0;
    for (size_t i = 0; i < r->terms.n; i++) {
        const sl_term *t = &r->terms.v[i];
        size_t h = hb_hash_bytes(t->key, t->klen) & (n - 1);
        while (slots[h])
            h = (h + 1) & (n - 1);
        slots[h] = (uint32_t)(i + 1);
    }
    r->slots = slots;
    r->nslots = n;
    return 1;
}

/* t, met again at view[vs..ve): its earliest occurrence kept. */
static sl_term *seen_at(sl_term *t, size_t vs, size_t ve)
{
    if (vs < t->vs)
        t->vs = vs, t->ve = ve;
    return t;
}

/* The term with surface key[0..len) first written at view[vs..ve), created
 * on first sight; NULL when out of memory. */
static sl_term *term_keyed(run_ctx *c, const char *key, size_t len, size_t vs, size_t ve, int entry)
{
    struct hb_slogans_result *r = c->r;
    if ((r->terms.n + 1) * 2 > r->nslots && !rehash(c->d, r))
        return NULL;
    size_t h = hb_hash_bytes(key, len) & (r->nslots - 1);
    for (; r->slots[h]; h = (h + 1) & (r->nslots - 1)) {
        sl_term *t = &r->terms.v[r->slots[h] - 1];
        if (t->klen == len && memcmp(t->key, key, len) == 0)
            return seen_at(t, vs, ve);
    }
    if (entry < 0 && c->rules->dict)
        entry = hb_slogan_dict_find(c->rules->dict, key, len);
    sl_term t = {key, (uint32_t)len, vs, ve, 0, 0, entry, NULL, -1};
    if (!hb_vec_push(&c->d->arena, &r->terms, t))
        return NULL;
    r->slots[h] = (uint32_t)r->terms.n;
    return &r->terms.v[r->terms.n - 1];
}

/* The term with surface view[vs..ve). */
static sl_term *term_at(run_ctx *c, size_t vs, size_t ve, int entry)
{
    return term_keyed(c, c->d->view + vs, ve - vs, vs, ve, entry);
}

static int cover(run_ctx *c, size_t s, size_t e)
{
    hb_vrange v = {s, e};
    return hb_vec_push(&c->d->arena, &c->r->covered, v);
}

/* The quotation view[vs..ve) (spaces trimmed): 0 when it holds no word
 * character, 2 when longer than a term can be (a remark), else 1. */
static int term_shape(const char *v, size_t vs, size_t ve)
{
    int chars = 0, word = 0;
    for (size_t i = vs; i < ve;) {
        int cp;
        i += (size_t)hb_utf8_next(v + i, ve - i, &cp);
        int alnum = cp < 0x80 && ((unsigned)((cp | 32) - 'a') < 26u || (unsigned)(cp - '0') < 10u);
        if (hb_is_han(cp) || alnum || cp == '*' || cp == 0xD7)
            word = 1;
        ++chars;
    }
    return !word ? 0 : chars > TERM_MAX_CHARS ? 2 : 1;
}

/* How far before the opening mark a `before` rule looks, in bytes. */
enum { BEFORE_REACH = 16 * 3 };

/* The QUOTE_KINDS index of the first quote_kinds.txt rule that fits the
 * quotation q (its content, trimmed and on one line, is key[0..klen)), -1
 * when it reads as a slogan.
 * A `before` rule of an honour counts only when the quotation closes the
 * phrase: a Han character after it (“五星级”党支部) makes it a grade inside
 * a longer name. */
static int quote_kind(const run_ctx *c, const hb_quote *q, const char *key, size_t klen, pcre2_match_data *md)
{
    const hb_doc *d = c->d;
    const hb_para *pa = &d->paras.v[q->para];
    size_t ov[2], pend = hb_quote_para_end(d, q);
    int next = 0;
    if (q->oend < pend)
        hb_utf8_next(d->view + q->oend, pend - q->oend, &next);
    size_t from = q->ostart > pa->vstart + BEFORE_REACH ? q->ostart - BEFORE_REACH : pa->vstart;
    while (from < q->ostart && ((unsigned char)d->view[from] & 0xC0) == 0x80)
        from++;
    /* the literal sets found in the quotation and in the text before it,
     * asked once each when a rule with a set is met (`after` rules run on
     * the rest of the paragraph, too long to look through each time) */
    uint64_t in_term = 0, in_before = 0;
    int probed_term = 0, probed_before = 0;
    const struct hb_slogan_rules *rules = c->rules;
    for (size_t i = 0; i < rules->nqk; i++) {
        const quote_rule *r = &rules->qk[i];
        int has_set = i < 64 && (rules->qlit_rules >> i) & 1, hit;
        if (r->place == QK_TERM) {
            if (has_set && !probed_term)
                in_term = hb_litset_scan(rules->qlits, key, klen), probed_term = 1;
            hit = (!has_set || (in_term >> i) & 1) && (r->unit < 0 || memchr(key, r->unit, klen)) &&
                  hb_regex_find(d->engine, r->re, key, klen, 0, md, ov);
        } else if (r->place == QK_AFTER) {
            unsigned b = q->oend < pend ? (unsigned char)d->view[q->oend] : 0;
            hit = (!r->first || q->oend == pend || (r->first[b / 8] >> (b % 8)) & 1) &&
                  hb_prefix_may_match(r->chars, d->view + q->oend, pend - q->oend) &&
                  hb_regex_find(d->engine, r->re, d->view + q->oend, pend - q->oend, 0, md, ov);
        } else {
            if (has_set && !probed_before)
                in_before = hb_litset_scan(rules->qlits, d->view + from, q->ostart - from), probed_before = 1;
            hit = !(r->kind == QK_HONOUR && hb_is_han(next)) && (!has_set || (in_before >> i) & 1) &&
                  (r->unit < 0 || memchr(d->view + from, r->unit, q->ostart - from)) &&
                  hb_regex_find(d->engine, r->re, d->view + from, q->ostart - from, 0, md, ov);
        }
        if (hit)
            return r->kind;
    }
    return -1;
}

/* Whether [s, e) is among v[0..n), sorted by start, none starting before s. */
static int range_first(const hb_vrange *v, size_t n, size_t s, size_t e)
{
    for (size_t i = 0; i < n && v[i].start == s; i++)
        if (v[i].end == e)
            return 1;
    return 0;
}

/* Whether [s, e) is among v[0..n), sorted by start. */
static int find_range(const hb_vrange *v, size_t n, size_t s, size_t e)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid].start < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && range_first(v + lo, n - lo, s, e); /* v is NULL when n is 0 */
}

static int quoted_terms(run_ctx *c, const hb_quote_list *ql)
{
    const char *v = c->d->view;
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!md)
        return 0;
    int ok = 1;
    size_t ahead = fetched_ahead(c->d, ql->n);
    for (size_t i = 0; ok && i < ql->n; i++) {
        const hb_quote *q = &ql->v[i];
        if (i < ahead) /* the first read of a quotation's bytes missed the cache */
            __builtin_prefetch(v + ql->v[i + AHEAD].vstart);
        if (q->kind == HB_Q_TITLE && !hb_quote_inside(ql, i, HB_Q_TITLE) && !cover(c, q->ostart, q->oend))
            return 0;
        if (q->kind != HB_Q_QUOTE)
            continue;
        size_t s = q->vstart, e = q->vend;
        while (s < e && (v[s] == ' ' || v[s] == '\t'))
            s++;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        int shape = s == e ? 0 : term_shape(v, s, e);
        if (!shape)
            continue;
        size_t klen;
        const char *key = hb_quote_text(c->d, s, e, &klen);
        int kind = !key || shape == 2 ? QK_REMARK : quote_kind(c, q, key, klen, md);
        sl_term *t = key ? term_keyed(c, key, klen, s, e, -1) : NULL;
        hb_vrange qr = {s, e};
        /* a remark's numbers are read as usual; a term's or a name's are not */
        if (!t || !hb_vec_push(&c->d->arena, &c->qterms, qr) ||
            (kind != QK_REMARK && t->qkind != QK_REMARK && !cover(c, q->ostart, q->oend))) {
            ok = 0;
            break;
        }
        if (kind >= 0 && (t->qkind < 0 || kind == QK_REMARK))
            t->qkind = kind;
        t->count++;
        t->quoted++;
    }
    pcre2_match_data_free(md);
    return ok;
}

static int on_known(void *ctx, size_t s, size_t e, int entry)
{
    run_ctx *c = ctx;
    known_match k = {s, e, entry, 0};
    return hb_vec_push(&c->d->arena, &c->known, k);
}

/* Entries whose term count_known() remembers. */
enum { KNOWN_SEEN = 64 };

/* Counts the dictionary matches that are not a quoted term's content (that
 * occurrence is counted already) nor part of a discovered formulation. */
static int count_known(run_ctx *c)
{
    /* the term of an entry met before, by the entry's low bits: the same
     * formulations come again and again (党支部), their surface hashed and
     * compared once */
    struct {
        uint32_t entry1, term; /* entry + 1, 0: none */
    } seen[KNOWN_SEEN] = {{0, 0}};
    const hb_vrange *qv = c->qterms.v;
    size_t q = 0; /* the first quoted term not starting before the match: both ascend */
    for (size_t i = 0; i < c->known.n; i++) {
        const known_match *k = &c->known.v[i];
        while (q < c->qterms.n && qv[q].start < k->start)
            q++;
        if (k->absorbed || (q < c->qterms.n && range_first(qv + q, c->qterms.n - q, k->start, k->end)))
            continue;
        sl_term *t;
        unsigned h = (unsigned)k->entry % KNOWN_SEEN;
        if (seen[h].entry1 == (uint32_t)k->entry + 1) {
            t = seen_at(&c->r->terms.v[seen[h].term], k->start, k->end);
        } else if ((t = term_at(c, k->start, k->end, k->entry))) {
            seen[h].entry1 = (uint32_t)k->entry + 1;
            seen[h].term = (uint32_t)(t - c->r->terms.v);
        }
        if (!t || !cover(c, k->start, k->end))
            return 0;
        t->count++;
    }
    return 1;
}

/* A report's few terms and candidates, sorted by insertion: they come in
 * a few ascending runs, and glibc's qsort of a few dozen took a malloc and
 * a pass over pointers to them (some 2,600 instructions a report).  Both
 * are stable, as glibc's merge sort is, so the order is qsort's. */
enum { FEW = 64, FEW_SIZE = 64 };

static void sort_few(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > FEW || size > FEW_SIZE) {
        qsort(base, n, size, cmp);
        return;
    }
    char *v = base, t[FEW_SIZE];
    for (size_t i = 1; i < n; i++) {
        size_t j = i;
        while (j > 0 && cmp(v + (j - 1) * size, v + i * size) > 0)
            j--;
        if (j == i)
            continue;
        memcpy(t, v + i * size, size);
        memmove(v + (j + 1) * size, v + j * size, (i - j) * size);
        memcpy(v + j * size, t, size);
    }
}

typedef struct {
    size_t s, e;
    const char *category;
} found;

static int by_found(const void *a, const void *b)
{
    const found *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return x->e > y->e ? -1 : x->e < y->e;
}

static int on_idiom(void *ctx, size_t s, size_t e, int entry)
{
    run_ctx *c = ctx;
    known_match k = {c->base + s, c->base + e, entry, 0};
    return hb_vec_push(&c->d->arena, &c->idioms, k);
}

/* 一点五公里 has the shape of 一X五Y but is a decimal and its measure
 * word (units.txt): a count, no formulation. */
static int is_decimal_count(const hb_doc *d, size_t at)
{
    hb_numeral n;
    if (!hb_numeral_parse(&d->engine->numerals, d->view, d->view_len, at, &n) || !memmem(d->view + n.start, n.end - n.start, "点", 3))
        return 0;
    return hb_wordlist_prefix(&d->engine->units, d->view + n.end, d->view_len - n.end) != NULL;
}

/* How far the words around a candidate are segmented: jieba cuts Han runs
 * independently, so a run is segmented whole up to this many bytes each side. */
enum { SEG_REACH = 96 };

typedef struct {
    size_t s, e;          /* the candidate, relative to the segmented window */
    int start_ok, end_ok; /* a word starts at s / at e */
    size_t last_ws, last_we; /* the word holding the candidate's last character */
} bounds_query;

static void note_bounds(void *ctx, size_t ws, size_t we)
{
    bounds_query *q = ctx;
    q->start_ok |= ws == q->s;
    q->end_ok |= ws == q->e;
    if (ws < q->e && we >= q->e)
        q->last_ws = ws, q->last_we = we;
}

/* A formulation never cuts a word of the lexicon: the candidate view[s..*e)
 * must start and end where words do.  When its last character starts a
 * two-character word (一区一特 + 色: 特色) the candidate grows to that word's
 * end (unless grow is 0); when the word began earlier (九年一贯 of 一贯制,
 * 一年三明 of 三明市) it is no formulation.  Returns 0 to drop the candidate. */
static int on_word_bounds(const hb_doc *d, size_t s, size_t *e, int grow)
{
    const char *v = d->view;
    size_t ws = s, we = *e;
    for (int cp; ws > 0 && s - ws < SEG_REACH;) {
        size_t p = ws;
        do
            p--;
        while (p > 0 && ((unsigned char)v[p] & 0xC0) == 0x80);
        hb_utf8_next(v + p, ws - p, &cp);
        if (!hb_is_han(cp))
            break;
        ws = p;
    }
    for (int cp; we < d->view_len && we - *e < SEG_REACH;) {
        int n = hb_utf8_next(v + we, d->view_len - we, &cp);
        if (!hb_is_han(cp))
            break;
        we += (size_t)n;
    }
    bounds_query q = {s - ws, *e - ws, 0, we == *e, 0, 0};
    if (hb_words(d, v + ws, we - ws, 0, note_bounds, &q) != HB_OK || !q.start_ok)
        return 0;
    if (q.end_ok)
        return 1;
    if (!grow)
        return 0;
    size_t last = *e;
    do
        last--;
    while (last > s && ((unsigned char)v[last] & 0xC0) == 0x80);
    int cp;
    /* the grown word: two characters, the second no numeral */
    if (q.last_ws != last - ws || q.last_we - q.e != 3 || q.last_we - q.last_ws != 6 ||
        (hb_utf8_next(v + *e, we - *e, &cp), is_numeral_start(cp)))
        return 0;
    *e = ws + q.last_we;
    return 1;
}

/* Whether the first part (group a of slogan_patterns.txt) is a measure word. */
static int measure_first(const struct hb_slogan_rules *rules, const pattern *pt, const char *v,
                         const PCRE2_SIZE *m)
{
    int g = pt->agroup;
    return g > 0 && m[2 * g] != PCRE2_UNSET && is_measure(rules, v + m[2 * g], m[2 * g + 1] - m[2 * g]);
}

/* 九年一贯, 三人一组: a first part that is a measure word, followed by another
 * numeral, is a rate or a count; with the same numeral again it is a
 * formulation (一户一策, 一周一学). */
static int is_rate(const struct hb_slogan_rules *rules, const pattern *pt, const char *v, size_t s,
                   const PCRE2_SIZE *m)
{
    if (!measure_first(rules, pt, v, m))
        return 0;
    int g = pt->agroup;
    return memcmp(v + s, v + m[2 * g + 1], m[2 * g] - s) != 0;
}

/* Whether the character of three bytes at the low end of w (little-endian)
 * may be a numeral start: the low twelve bits of its code point are one's. */
static inline int may_be_numeral(const struct hb_slogan_rules *r, uint64_t w)
{
    return (r->numeral_low12[w >> 8 & 63] >> (w >> 16 & 63)) & 1;
}

/* Places in the view, ascending. */
typedef HB_VEC(size_t) places;

/* Whether the character at u (three bytes readable) is a numeral start. */
static inline int numeral_start_at(const struct hb_slogan_rules *r, const unsigned char *u)
{
    if (hb_utf8_len(u[0]) != 3 || !((r->numeral_low12[u[1] & 63] >> (u[2] & 63)) & 1))
        return 0;
    unsigned cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
    return cp - NUMERAL_LO < NUMERAL_SPAN && (r->numerals[(cp - NUMERAL_LO) / 64] >> (cp % 64)) & 1;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include "cpu.h"
#include <immintrin.h>
#define HB_NUMERALS_AVX2 1

/* The places of the 32 bytes at u (34 readable) whose three bytes may each
 * be the byte at that place of a numeral start of one group (numeral_nibbles:
 * a byte's groups are those of its low nibble and of its high one), as
 * bits: the numeral starts and the few characters whose third byte mixes
 * the nibbles of a group's (一 两 三 七 万: E4 B8 80 A4 89 83 87 let E4 B8
 * 84 … through), on some thirty instructions. */
__attribute__((target("avx2"))) static unsigned numeral_leads32(const struct hb_slogan_rules *r,
                                                                 const unsigned char *u)
{
    const __m256i low = _mm256_set1_epi8(0x0F);
    __m256i groups = _mm256_set1_epi8(-1);
    for (int k = 0; k < 3; k++) {
        __m256i w = _mm256_loadu_si256((const __m256i *)(u + k));
        __m256i lo = _mm256_loadu_si256((const __m256i *)r->numeral_nibbles[k][0]);
        __m256i hi = _mm256_loadu_si256((const __m256i *)r->numeral_nibbles[k][1]);
        groups = _mm256_and_si256(groups, _mm256_and_si256(_mm256_shuffle_epi8(lo, _mm256_and_si256(w, low)),
                                                           _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(w, 4), low))));
    }
    return ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(groups, _mm256_setzero_si256()));
}

/* The numeral starts of u[0..len) while 34 bytes are left, 32 a step, into
 * *starts; returns where it stopped (a character's start), or (size_t)-1
 * when out of memory. */
__attribute__((target("avx2"))) static size_t numerals_avx2(const struct hb_slogan_rules *r, hb_doc *d,
                                                            const unsigned char *u, size_t len, places *v)
{
    size_t i = 0;
    for (; i + 34 <= len; i += 32)
        for (unsigned m = numeral_leads32(r, u + i); m; m &= m - 1) {
            size_t at = i + (size_t)__builtin_ctz(m);
            if (numeral_start_at(r, u + at) && !hb_vec_push(&d->arena, v, at))
                return (size_t)-1;
        }
    while (i < len && (u[i] & 0xC0) == 0x80)
        i++;
    return i;
}
#endif

/* The numeral starts of the view into *starts, ascending; 0 when out of
 * memory.  The view is valid UTF-8: 32 bytes a step with AVX2
 * (numerals_avx2), then by characters, two at a time in Han text, looking
 * up those of three bytes whose low twelve bits may be a numeral start's
 * (may_be_numeral). */
static int numeral_starts(const struct hb_slogan_rules *rules, hb_doc *d, places *starts)
{
    const unsigned char *u = (const unsigned char *)d->view;
    size_t i = 0;
#ifdef HB_NUMERALS_AVX2
    if (hb_cpu_avx2() && (i = numerals_avx2(rules, d, u, d->view_len, starts)) == (size_t)-1)
        return 0;
#endif
    while (i < d->view_len) {
        if (d->view_len - i >= 8) {
            /* two characters of three bytes, neither a numeral start by
             * its low twelve bits (may_be_numeral): one load and two bit
             * tests for both (Han text, mostly) */
            uint64_t w;
            memcpy(&w, u + i, 8);
            if ((w & 0xC0C0F0C0C0F0u) == 0x8080E08080E0u && !may_be_numeral(rules, w) &&
                !may_be_numeral(rules, w >> 24)) {
                i += 6;
                continue;
            }
        }
        size_t n = (size_t)hb_utf8_len(u[i]);
        if (n == 3 && numeral_start_at(rules, u + i) && !hb_vec_push(&d->arena, starts, i))
            return 0;
        i += n;
    }
    return 1;
}

/* Numeric formulations the dictionary does not list, found by the patterns
 * of dict/slogan_patterns.txt.  Where one overlaps dictionary matches, the
 * longer wins: 双报到双报告双考核 absorbs 双报到, 四个意识 stays known. */
static int discover(run_ctx *c)
{
    const struct hb_slogan_rules *rules = c->rules;
    hb_doc *d = c->d;
    HB_VEC(found) fs = {0};
    /* A numeric formulation starts at a Chinese numeral (dict/README.md):
     * the patterns, compiled anchored, are tried there only. */
    places starts = {0};
    if (!numeral_starts(rules, d, &starts))
        return 0;
    pcre2_match_data *md = NULL;
    for (size_t p = 0; p < rules->npat && starts.n; p++) {
        pcre2_match_data_free(md);
        if (!(md = pcre2_match_data_create_from_pattern(hb_regex_code(rules->pat[p].re), NULL)))
            return 0;
        size_t ov[2];
        hb_regex *re = rules->pat[p].re;
        const hb_prefix *first = &rules->pat[p].first;
        for (size_t k = 0, at = 0, ahead = fetched_ahead(d, starts.n); k < starts.n; k++) {
            /* most numerals start no match: the characters after them say so */
            size_t sk = starts.v[k];
            if (k < ahead) /* each pattern reads the view again: a large one's left the cache */
                __builtin_prefetch(d->view + starts.v[k + AHEAD]);
            if (sk < at || !hb_prefix_may_match(first, d->view + sk, d->view_len - sk) ||
                !hb_regex_find(d->engine, re, d->view, d->view_len, sk, md, ov))
                continue;
            at = ov[1] > ov[0] ? ov[1] : ov[0] + (size_t)hb_utf8_len((unsigned char)d->view[ov[0]]);
            int g = rules->pat[p].mgroup;
            PCRE2_SIZE *m = pcre2_get_ovector_pointer(md);
            size_t fe = ov[1];
            if (is_rate(rules, &rules->pat[p], d->view, ov[0], m)) {
                /* 三人一组 counts no people: no formulation, no metric either */
                if (!cover(c, ov[0], ov[1])) {
                    pcre2_match_data_free(md);
                    return 0;
                }
                continue;
            }
            if ((g > 0 && m[2 * g] != PCRE2_UNSET &&
                 is_measure(rules, d->view + m[2 * g], m[2 * g + 1] - m[2 * g])) ||
                is_decimal_count(d, ov[0]) ||
                !on_word_bounds(d, ov[0], &fe, !measure_first(rules, &rules->pat[p], d->view, m)))
                continue;
            found f = {ov[0], fe, rules->pat[p].category};
            if (!hb_vec_push(&d->arena, &fs, f)) {
                pcre2_match_data_free(md);
                return 0;
            }
        }
    }
    pcre2_match_data_free(md);
    hb_arena_free(&d->arena, starts.v); /* the scratch vectors of a large report go at once */
    if (fs.n == 0)
        return 1;
    if (fs.n > 1)
        sort_few(fs.v, fs.n, sizeof *fs.v, by_found);
    /* idioms written in the text: a candidate overlapping one is dropped
     * (举一反三 around 一反三堵 in 举一反三堵塞漏洞).  No idiom holds a line
     * break, so the paragraphs of the candidates are scanned alone. */
    for (size_t i = 0, done = 0; i < fs.n; i++) {
        if (fs.v[i].e <= done)
            continue;
        const char *v = d->view;
        size_t ps = fs.v[i].s > done ? fs.v[i].s : done, pe = fs.v[i].e;
        while (ps > done && v[ps - 1] != '\n')
            ps--;
        const char *nl = memchr(v + pe, '\n', d->view_len - pe);
        pe = nl ? (size_t)(nl - v) : d->view_len;
        c->base = ps;
        if (!hb_ac_scan(rules->idioms, v + ps, pe - ps, on_idiom, c))
            return 0;
        done = pe;
    }
    size_t k0 = 0, id = 0, last = 0;
    for (size_t i = 0; i < fs.n; i++) {
        const found *f = &fs.v[i];
        if (f->s < last)
            continue;
        while (id < c->idioms.n && c->idioms.v[id].end <= f->s)
            id++;
        if (id < c->idioms.n && c->idioms.v[id].start < f->e)
            continue;
        while (k0 < c->known.n && c->known.v[k0].end <= f->s)
            k0++;
        size_t k = k0;
        int inside = 1;
        for (; k < c->known.n && c->known.v[k].start < f->e; k++)
            if (c->known.v[k].start < f->s || c->known.v[k].end > f->e ||
                c->known.v[k].end - c->known.v[k].start == f->e - f->s)
                inside = 0;
        if (!inside)
            continue;
        for (size_t j = k0; j < k; j++)
            c->known.v[j].absorbed = 1;
        last = f->e;
        sl_term *t = term_at(c, f->s, f->e, -1);
        if (!t)
            return 0;
        if (t->entry < 0 && !t->category)
            t->category = f->category;
        if (find_range(c->qterms.v, c->qterms.n, f->s, f->e))
            continue;
        t->count++;
        if (!cover(c, f->s, f->e))
            return 0;
    }
    hb_arena_free(&d->arena, fs.v);
    return 1;
}

static int by_range(const void *a, const void *b)
{
    const hb_vrange *x = a, *y = b;
    return x->start != y->start ? (x->start < y->start ? -1 : 1) : (x->end < y->end) - (x->end > y->end);
}

/* The end of the ascending run of v[0..n) that starts at i. */
static size_t run_end(const hb_vrange *v, size_t n, size_t i)
{
    for (i++; i < n && by_range(&v[i - 1], &v[i]) <= 0; i++)
        ;
    return i;
}

/* Sorts v[0..n) as by_range does.  The ranges come in a few ascending
 * runs (quotations, dictionary matches, each pattern's discoveries), which
 * are merged pairwise through scratch until one is left, instead of a
 * qsort calling by_range n log n times.  Ranges that compare equal are the
 * same range, so the order is qsort's.  Returns 0 when out of memory. */
static int sort_ranges(hb_doc *d, hb_vrange *v, size_t n)
{
    hb_vrange *src = v, *dst = NULL, *scratch = NULL;
    while (run_end(src, n, 0) < n) {
        if (!scratch && !(scratch = dst = hb_arena_alloc(&d->arena, n * sizeof *dst)))
            return 0;
        for (size_t i = 0; i < n;) {
            size_t mid = run_end(src, n, i), end = mid < n ? run_end(src, n, mid) : n;
            for (size_t x = i, y = mid; i < end; i++)
                dst[i] = y == end || (x < mid && by_range(&src[x], &src[y]) <= 0) ? src[x++] : src[y++];
        }
        hb_vrange *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
    if (scratch)
        hb_arena_free(&d->arena, scratch);
    return 1;
}

/* The buckets of r's covered ranges over the view (a metric asks after
 * every number: a search of a bucket's few ranges, not of all); 0 when out
 * of memory.  A report of fewer than COVER_MIN buckets has few ranges, and
 * making the index would cost what it saves: its ranges are searched whole. */
static int index_covered(hb_doc *d, struct hb_slogans_result *r)
{
    const hb_vrange *v = r->covered.v;
    size_t n = r->covered.n, nb = (d->view_len >> COVER_SHIFT) + 1, k = 0;
    if (nb < COVER_MIN || n > UINT32_MAX)
        return 1;
    uint32_t *f = hb_arena_take(&d->arena, (nb + 1) * sizeof *f);
    if (!f)
        return 0;
    for (size_t b = 0; b <= nb; b++) {
        while (k < n && v[k].start >> COVER_SHIFT < b)
            k++;
        f[b] = (uint32_t)k;
    }
    r->firsts = f;
    r->nbuckets = nb;
    return 1;
}

static int by_first(const void *a, const void *b)
{
    const sl_term *x = a, *y = b;
    return x->vs != y->vs ? (x->vs < y->vs ? -1 : 1) : (x->ve < y->ve) - (x->ve > y->ve);
}

hb_status hb_slogans_run(hb_doc *d)
{
    const struct hb_slogan_rules *rules = d->engine->slogans;
    struct hb_slogans_result *r = hb_arena_alloc(&d->arena, sizeof *r);
    hb_quote_list ql;
    if (!r || !hb_quotes(d, &ql))
        return HB_ERR_NOMEM;
    run_ctx c = {d, rules, r, {0}, {0}, {0}, 0};
    if (!quoted_terms(&c, &ql))
        return HB_ERR_NOMEM;
    if (rules->dict && !hb_slogan_dict_scan(rules->dict, d->view, d->view_len, on_known, &c))
        return HB_ERR_NOMEM;
    if (!discover(&c) || !count_known(&c))
        return HB_ERR_NOMEM;
    hb_arena_free(&d->arena, c.known.v);
    hb_arena_free(&d->arena, c.qterms.v);
    hb_arena_free(&d->arena, c.idioms.v);
    /* covered: sorted and merged into disjoint ranges */
    hb_vrange *cv = r->covered.v;
    size_t n = r->covered.n, m = 0;
    if (n > 1 && !sort_ranges(d, cv, n))
        return HB_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && cv[i].start < cv[m - 1].end) {
            if (cv[i].end > cv[m - 1].end)
                cv[m - 1].end = cv[i].end;
        } else {
            cv[m++] = cv[i];
        }
    }
    r->covered.n = m;
    hb_vec_trim(&d->arena, &r->covered);
    if (!index_covered(d, r))
        return HB_ERR_NOMEM;
    if (r->terms.n > 1)
        sort_few(r->terms.v, r->terms.n, sizeof *r->terms.v, by_first);
    r->slots = NULL; /* indexes are stale after the sort */
    d->slogans = r;
    return HB_OK;
}

/* "quotations": the quoted spans that quote_kinds.txt says are no slogans. */
static void quotations_json(hb_doc *d, hb_json_out *out)
{
    const struct hb_slogans_result *r = d->slogans;
    hb_json_array_open(out, "quotations");
    for (size_t i = 0; r && i < r->terms.n; i++) {
        const sl_term *t = &r->terms.v[i];
        if (t->qkind < 0 || t->count == 0)
            continue;
        hb_json_object_open(out, NULL);
        hb_json_orig(out, "text", d, t->vs, t->ve);
        hb_json_str(out, "kind", QUOTE_KINDS[t->qkind]);
        hb_json_int(out, "count", t->count);
        hb_json_line(out, "first_line", d, t->vs);
        hb_json_object_close(out);
    }
    hb_json_array_close(out);
}

/* Whether a term is one of "slogans" (counted, and not a quotation). */
static int listed(const sl_term *t)
{
    return t->count != 0 && t->qkind < 0;
}

size_t hb_slogan_terms(const hb_doc *d)
{
    return d->slogans ? d->slogans->terms.n : 0;
}

int hb_slogan_listed(const hb_doc *d, size_t i, size_t *vs, size_t *ve, int *count)
{
    const sl_term *t = &d->slogans->terms.v[i];
    if (!listed(t))
        return 0;
    *vs = t->vs;
    *ve = t->ve;
    *count = t->count;
    return 1;
}

void hb_slogans_json(hb_doc *d, hb_json_out *out)
{
    const struct hb_slogans_result *r = d->slogans;
    const struct hb_slogan_dict *sd = d->engine->slogans ? d->engine->slogans->dict : NULL;
    hb_json_array_open(out, "slogans");
    for (size_t i = 0; r && i < r->terms.n; i++) {
        const sl_term *t = &r->terms.v[i];
        if (!listed(t))
            continue;
        const char *cat = t->entry >= 0 ? hb_slogan_dict_category(sd, t->entry) : t->category;
        const char *canon = t->entry >= 0 ? hb_slogan_dict_canonical(sd, t->entry) : NULL;
        hb_json_slogan_fields f = {t->vs, t->ve, t->count, t->quoted, t->entry >= 0, cat, canon};
        hb_json_slogan(out, d, &f);
    }
    hb_json_array_close(out);
    quotations_json(d, out);
}

/* ---- coverage queries ---- */

const hb_vrange *hb_slogan_ranges(const hb_doc *d, size_t *n)
{
    *n = d->slogans ? d->slogans->covered.n : 0;
    return d->slogans ? d->slogans->covered.v : NULL;
}

/* Index of the last range starting before `before`, or -1. */
static long last_before(const hb_doc *d, size_t before)
{
    size_t n;
    const hb_vrange *v = hb_slogan_ranges(d, &n);
    size_t lo = 0, hi = n;
    const struct hb_slogans_result *r = d->slogans;
    if (r && r->firsts) {
        /* the ranges before the bucket of before start before it, those
         * past it after it */
        size_t b = before >> COVER_SHIFT;
        lo = b < r->nbuckets ? r->firsts[b] : n;
        hi = b < r->nbuckets ? r->firsts[b + 1] : n;
    }
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid].start < before)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

int hb_in_quote_or_title(const hb_doc *d, size_t vpos)
{
    long i = last_before(d, vpos + 1);
    return i >= 0 && vpos < d->slogans->covered.v[i].end;
}

int hb_slogan_covered(const hb_doc *d, size_t vs, size_t ve)
{
    long i = last_before(d, ve);
    return ve > vs && i >= 0 && d->slogans->covered.v[i].end > vs;
}
