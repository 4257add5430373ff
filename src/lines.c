#include "lines.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "engine.h"
#include "extract.h"
#include "normalize.h"
#include "regex_lits.h"
#include "rules.h"

/* need: an ASCII byte every match contains (PCRE2's last required code
 * unit, when it is no letter, so case cannot change it), or -1: a text
 * without it is not searched at all. */
typedef struct {
    hb_regex *re;
    int need;
    int anchored;          /* the match can only start at the line's start... */
    uint8_t first[32];     /* ...with one of these bytes (bit c) */
    int lits;              /* bit of its literal set (regex_lits.h): in a line's probe, or for an
                              inline rule in what inline_lits says of the whole text; -1: none */
    const char *lit;       /* inline rules: the one literal every match holds, when a match
                              lies on one line (regex_lits.h one_line), else NULL */
    size_t litlen;
    const hb_lits *few;    /* other inline rules: a set of at most FEW_LITS literals, or NULL */
    const hb_lits *start;  /* other inline rules: at most START_LITS strings, one of which every
                              match holds on the line its attempt starts on, or NULL */
    int line;              /* with start: the bit in inline_lits of a more selective such set
                              (start_find), -1: none */
    size_t line_most;      /* the longest string of that set */
    int by_char;           /* bit of a line rule whose first characters a document's lines are
                              asked about (first_chars), -1: none */
    long most;             /* a line rule whose matches span the line: its most characters
                              (hb_regex_whole_max), -1: none */
} layout_rule;

/* At most this many line rules have a literal set (regex_lits.h): one
 * pass over a line says which of them may match it at all, where a match
 * per rule cost most lines a dozen PCRE2 calls. */
enum { MAX_LIT_SETS = 64 };

/* At most this many line rules are asked about the first characters of a
 * document's lines (index_by_char): a bit each in first_char. */
enum { MAX_BY_CHAR = 32 };

/* A line list's rules by their literal sets, so that a line is tried only
 * on the rules without one and on those whose set it holds (one scan of
 * the line says which), not each rule's tests in turn (some 30
 * instructions a rule, 20 rules a line).  Rules past the 64th are tried
 * one by one. */
typedef struct {
    uint64_t free; /* bit i: rule i has no literal set */
    uint64_t sets; /* the literal sets of its rules (bits of hb_layout_rules.lits) */
} list_sets;

enum { MASKED_RULES = 64 };

struct hb_layout_rules {
    hb_arena mem;          /* the rule lists and the inline rules' literals (a few blocks: a
                              realloc a rule cost the start 12K instructions) */
    layout_rule *pageno;
    size_t npageno, pageno_cap;
    layout_rule *clutter;
    size_t nclutter, clutter_cap;
    list_sets pageno_sets, clutter_sets, masthead_sets;
    unsigned char owner[MAX_LIT_SETS]; /* the rule of each literal set, its index in its list */
    layout_rule *inlines;  /* furniture inside a line: leftover HTML tags, 此处隐藏955个字 */
    size_t ninlines, inlines_cap;
    layout_rule *masthead; /* 版头 and 文号 lines: kept, but never the title */
    size_t nmasthead, masthead_cap;
    hb_litset *lits;       /* the line rules' literal sets */
    int nlits;
    hb_litset *inline_lits; /* the inline rules' sets, asked once about a whole text */
    int ninline_lits;
    int nby_char;          /* line rules with a by_char bit */
};

static int needed_byte(const hb_regex *rx)
{
    int unit = hb_regex_required_unit(rx);
    return unit < 0 || unit >= 0x80 || ((unit | 32) >= 'a' && (unit | 32) <= 'z') ? -1 : unit;
}

static void first_add(layout_rule *r, unsigned c)
{
    r->first[c / 8] |= (uint8_t)(1u << (c % 8));
}

/* For a pattern anchored at the line start, the bytes its match may start
 * with, as PCRE2 itself knows them: a line starting with another is not
 * matched at all (most lines, for most rules), without a call.  A first
 * unit that is an ASCII letter may stand for its other case, caseless:
 * both, and the lead byte of the one other character that folds to it
 * for k (the Kelvin sign, E2 84 AA) and s (long s, C5 BF); page numbers
 * (^(?i:page)...) were asked of PCRE2 for each first character. */
static void first_bytes(const hb_regex *rx, layout_rule *r)
{
    const pcre2_code *re = hb_regex_code(rx);
    uint32_t all, type, unit;
    const uint8_t *map = NULL;
    r->anchored = 0;
    if (pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &all) != 0 || !(all & PCRE2_ANCHORED) ||
        pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &type) != 0)
        return;
    if (type == 1 && pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODEUNIT, &unit) == 0 && unit < 256) {
        memset(r->first, 0, sizeof r->first);
        first_add(r, unit);
        if ((unit | 32) >= 'a' && (unit | 32) <= 'z')
            first_add(r, unit ^ 32);
        if ((unit | 32) == 'k' || (unit | 32) == 's')
            first_add(r, (unit | 32) == 'k' ? 0xE2 : 0xC5);
        r->anchored = 1;
    } else if (type == 0 && pcre2_pattern_info(re, PCRE2_INFO_FIRSTBITMAP, &map) == 0 && map) {
        memcpy(r->first, map, sizeof r->first);
        r->anchored = 1;
    }
}

/* Whether a match of the anchored pattern rx may start with the character
 * s[0..n): a partial match of it alone, PCRE2_PARTIAL_HARD, which reports
 * a partial match as soon as the attempt reaches the subject's end, so
 * that only a character no match of any line starts with gives no match.
 * An error (a limit) says it may. */
static int may_start_with(const pcre2_code *re, const char *s, size_t n, pcre2_match_data *md,
                          pcre2_match_context *mc)
{
    return pcre2_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_PARTIAL_HARD, md, mc) != PCRE2_ERROR_NOMATCH;
}

/* A line rule anchored at the line start that PCRE2 knows no first bytes
 * of (^\d{1,3}$ under UCP, a caseless letter, an optional group first)
 * gets a bit of its own, so that each document asks PCRE2 once for each
 * character its lines start with whether the rule's match may start so
 * (first_chars): such a rule was run on every line.  Only one that no
 * match starts with 一 by: the others start with Han characters, so the
 * question would cost more than it spares.  Returns 0 when out of memory. */
static int index_by_char(struct hb_layout_rules *r, const struct hb_engine *e, layout_rule *rule)
{
    uint32_t all;
    rule->by_char = -1;
    if (rule->anchored || r->nby_char == MAX_BY_CHAR ||
        pcre2_pattern_info(hb_regex_code(rule->re), PCRE2_INFO_ALLOPTIONS, &all) != 0 || !(all & PCRE2_ANCHORED))
        return 1;
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!md)
        return 0;
    if (!may_start_with(hb_regex_code(rule->re), "一", 3, md, e->mctx))
        rule->by_char = r->nby_char++;
    pcre2_match_data_free(md);
    return 1;
}

/* Gives rule a bit of *set for the literal set l, when it has one and a
 * bit is left; returns 0 when out of memory. */
static int index_set(hb_litset **set, int *nsets, layout_rule *rule, const hb_lits *l)
{
    if (!l->n || *nsets == MAX_LIT_SETS)
        return 1;
    if (!hb_litset_add_lits(set, l, *nsets))
        return 0;
    rule->lits = (*nsets)++;
    return 1;
}

/* Sets of at most this many literals are looked for one by one (memmem,
 * about a byte an instruction, stopping at the first found) when the rule
 * has no start set (which is looked for anyway, may_run); larger ones by
 * r->inline_lits, one pass of some 14 instructions a byte for all. */
enum { FEW_LITS = 2 };

/* An inline rule whose matches may run on past a line is run only on the
 * lines holding one of the strings of its start set (at most this many,
 * each looked for on its own), when it has one: the web-page field rule
 * (发布时间…来源…) tried a match at every line start, some 1,500
 * instructions a line, and the 字号 rule at every space and E3 byte. */
enum { START_LITS = 4 };

static int one_literal(const hb_lits *l)
{
    return l->n == 1 && l->one_line;
}

/* An inline rule whose every match holds one literal on the line where it
 * starts keeps a copy.  Any other with a literal set keeps it (but for
 * one with a start set), or gets a bit of r->inline_lits when it is large,
 * so that a text holding none of
 * its literals is not searched at all: the web-page field rule
 * (发布时间…来源…, 20 literals) tries its match at every line start, a
 * third of a million instructions on a small report.  Returns 0 when out
 * of memory. */
static int inline_literal(struct hb_layout_rules *r, layout_rule *rule, const hb_lits *l)
{
    if (!l->n)
        return 1;
    if (l->n > FEW_LITS)
        return index_set(&r->inline_lits, &r->ninline_lits, rule, l);
    if (!one_literal(l) && rule->start) /* its start set, looked for anyway, tells as much */
        return 1;
    if (!one_literal(l)) {
        hb_lits *few = hb_arena_take(&r->mem, sizeof *l);
        return few ? (*few = *l, rule->few = few, 1) : 0;
    }
    char *lit = hb_arena_take(&r->mem, l->len[0]);
    if (!lit)
        return 0;
    memcpy(lit, l->buf + l->off[0], l->len[0]);
    rule->lit = lit;
    rule->litlen = l->len[0];
    return 1;
}

/* Gives line rule i of list its bit of r->lits, when it has a set and
 * both fit the masks (list_sets); returns 0 when out of memory. */
static int line_literal(struct hb_layout_rules *r, layout_rule **list, size_t i, layout_rule *rule, const hb_lits *l)
{
    list_sets *m = list == &r->pageno ? &r->pageno_sets : list == &r->clutter ? &r->clutter_sets : &r->masthead_sets;
    if (i >= MASKED_RULES)
        return 1;
    if (!index_set(&r->lits, &r->nlits, rule, l))
        return 0;
    if (rule->lits < 0) {
        m->free |= 1ull << i;
    } else {
        m->sets |= 1ull << rule->lits;
        r->owner[rule->lits] = (unsigned char)i;
    }
    return 1;
}

static int same_lits(const hb_lits *a, const hb_lits *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->len[i] != b->len[i] || memcmp(a->buf + a->off[i], b->buf + b->off[i], a->len[i]))
            return 0;
    return 1;
}

/* Gives an inline rule with a start set a bit of r->inline_lits for the
 * most selective set its match attempts' lines hold
 * (hb_regex_line_literals) when that is another: start_find looks for it
 * on a line before running the rule there (the web-page field rule, whose
 * start set is a space, a tab or |, cost a report some 10,000
 * instructions a line holding one).  Returns 0 on failure, *err filled. */
static int line_set(const struct hb_engine *e, struct hb_layout_rules *r, layout_rule *rule, const char *pattern,
                    const char *file, int line, hb_error *err)
{
    hb_lits l;
    if (hb_regex_line_literals_of(e, pattern, 0, &l, file, line, err) != HB_OK)
        return 0;
    if (!l.n || same_lits(&l, rule->start) || r->ninline_lits == MAX_LIT_SETS)
        return 1;
    if (!hb_litset_add_lits(&r->inline_lits, &l, r->ninline_lits))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory"), 0;
    rule->line = r->ninline_lits++;
    for (size_t k = 0; k < l.n; k++)
        rule->line_most = l.len[k] > rule->line_most ? l.len[k] : rule->line_most;
    return 1;
}

static int add_rule(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    const struct hb_engine *e = ctx; /* whose compiled rules may hold the pattern */
    struct hb_layout_rules *r = e->layout;
    (void)nf;
    layout_rule **list;
    size_t *n, *cap;
    if (strcmp(f[0], "pageno") == 0)
        list = &r->pageno, n = &r->npageno, cap = &r->pageno_cap;
    else if (strcmp(f[0], "clutter") == 0)
        list = &r->clutter, n = &r->nclutter, cap = &r->clutter_cap;
    else if (strcmp(f[0], "inline") == 0)
        list = &r->inlines, n = &r->ninlines, cap = &r->inlines_cap;
    else if (strcmp(f[0], "masthead") == 0)
        list = &r->masthead, n = &r->nmasthead, cap = &r->masthead_cap;
    else
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "unknown line kind '%s' (use pageno, clutter, inline or masthead)", f[0]);
    hb_lits l, start = {0};
    if (hb_regex_literals_of(e, f[1], 0, &l, file, line, err) != HB_OK ||
        (list == &r->inlines && !one_literal(&l) &&
         hb_regex_start_literals_of(e, f[1], 0, &start, file, line, err) != HB_OK))
        return -1;
    int by_start = start.n > 0 && start.n <= START_LITS;
    hb_regex *re = hb_regex_compile(e, f[1], by_start ? PCRE2_USE_OFFSET_LIMIT : 0, file, line, err);
    if (!re)
        return -1;
    if (*n == *cap && !hb_vec_grow(&r->mem, (void **)list, cap, *n, sizeof **list)) {
        hb_regex_free(re);
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    }
    layout_rule *rule = &(*list)[(*n)++];
    *rule = (layout_rule){.re = re, .need = needed_byte(re), .lits = -1, .by_char = -1, .line = -1,
                          .most = list == &r->inlines ? -1 : hb_regex_whole_max(f[1], 0)};
    first_bytes(re, rule);
    hb_lits *starts = by_start ? hb_arena_take(&r->mem, sizeof start) : NULL;
    if (starts)
        *starts = start, rule->start = starts;
    if (rule->start && !line_set(e, r, rule, f[1], file, line, err))
        return -1;
    /* inline rules search the whole text, not a line */
    if ((by_start && !rule->start) ||
        (list != &r->inlines && list != &r->masthead && !index_by_char(r, e, rule)) ||
        !(list == &r->inlines ? inline_literal(r, rule, &l) : line_literal(r, list, *n - 1, rule, &l)))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    return 0;
}

/* ---- the rules filed whole in huibao.rules ---- */

/* rulec files what add_rule made of layout.txt whole, under the key of the
 * file's bytes (hb_dict_file_key: an edited file, an overlay or a checker
 * misses and is read as before): a start takes it where it lies, the
 * literal sets' tables unzeroed and unfaulted, the regexes decoded at once
 * (PCRE2's tables once), no pattern read again nor PCRE2 asked about its
 * first characters: some 200,000 instructions and a dozen page faults a
 * start.  Layout, each part 8-byte aligned: filed_head, the rules
 * (filed_rule, list by list), the hb_lits sets they point to, the inline
 * literals' bytes, the two literal sets (hb_litset_save), the regexes
 * (hb_regex_encode_set). */
static const char LAYOUT_FILED[] = "layout rules 1, literals " HB_STR(HB_LITS_VERSION);

enum { NLISTS = 4 }; /* pageno, clutter, inlines, masthead: list_rules' order */

typedef struct {
    uint32_t n[NLISTS];  /* rules of each list */
    uint32_t nsets, nbytes;
    int32_t nlits, ninline_lits, nby_char, pad;
    uint64_t lits_size, inline_size, codes_size;
    list_sets masks[3];  /* pageno, clutter, masthead */
    unsigned char owner[MAX_LIT_SETS];
} filed_head;

typedef struct {
    int32_t need, anchored, lits, line, by_char;
    int32_t few, start;   /* the index of a filed hb_lits, -1: none */
    uint32_t lit, litlen; /* an inline rule's one literal in the filed bytes; litlen 0: none */
    uint32_t pad;
    int64_t most;
    uint64_t line_most;
    uint8_t first[32];
} filed_rule;

typedef struct {
    layout_rule **v;
    size_t *n, *cap;
} rule_list;

static rule_list list_rules(struct hb_layout_rules *r, int k)
{
    switch (k) {
    case 0: return (rule_list){&r->pageno, &r->npageno, &r->pageno_cap};
    case 1: return (rule_list){&r->clutter, &r->nclutter, &r->clutter_cap};
    case 2: return (rule_list){&r->inlines, &r->ninlines, &r->inlines_cap};
    default: return (rule_list){&r->masthead, &r->nmasthead, &r->masthead_cap};
    }
}

static list_sets *list_masks(struct hb_layout_rules *r, int k)
{
    return k == 0 ? &r->pageno_sets : k == 1 ? &r->clutter_sets : k == 3 ? &r->masthead_sets : NULL;
}

/* l's strings into the zeroed *to, no byte of l's padding or unused room
 * (a rules file holds the same bytes every build). */
static void lits_file(hb_lits *to, const hb_lits *l)
{
    to->n = l->n;
    to->one_line = l->one_line;
    for (size_t i = 0; i < l->n; i++) {
        to->off[i] = l->off[i];
        to->len[i] = l->len[i];
        memcpy(to->buf + l->off[i], l->buf + l->off[i], l->len[i]);
    }
}

/* Files e->layout under key for rulec. */
static hb_status layout_record(const struct hb_engine *e, const unsigned char *key)
{
    struct hb_layout_rules *r = e->layout;
    filed_head h = {.nlits = r->nlits, .ninline_lits = r->ninline_lits, .nby_char = r->nby_char};
    size_t nrules = 0;
    for (int k = 0; k < NLISTS; k++) {
        rule_list L = list_rules(r, k);
        h.n[k] = (uint32_t)*L.n;
        nrules += *L.n;
        for (size_t i = 0; i < *L.n; i++) {
            const layout_rule *ru = &(*L.v)[i];
            h.nsets += (ru->few != NULL) + (ru->start != NULL);
            h.nbytes += (uint32_t)ru->litlen;
        }
        if (list_masks(r, k))
            h.masks[k == 3 ? 2 : k] = *list_masks(r, k);
    }
    memcpy(h.owner, r->owner, sizeof h.owner);
    hb_regex **res = malloc((nrules ? nrules : 1) * sizeof *res);
    size_t codes_size = 0, at = 0;
    for (int k = 0; res && k < NLISTS; k++)
        for (size_t i = 0; i < *list_rules(r, k).n; i++)
            res[at++] = (*list_rules(r, k).v)[i].re;
    void *codes = res && nrules ? hb_regex_encode_set(res, nrules, &codes_size) : NULL;
    free(res);
    h.lits_size = r->lits ? hb_litset_saved_size(r->lits) : 0;
    h.inline_size = r->inline_lits ? hb_litset_saved_size(r->inline_lits) : 0;
    h.codes_size = codes_size;
    size_t size = sizeof h + nrules * sizeof(filed_rule) + h.nsets * sizeof(hb_lits) + hb_pad8(h.nbytes) +
                  h.lits_size + h.inline_size + hb_pad8(codes_size);
    unsigned char *b = (codes || !nrules) ? calloc(1, size) : NULL;
    if (!b) {
        free(codes);
        return HB_ERR_NOMEM;
    }
    filed_rule *fr = (filed_rule *)(b + sizeof h);
    hb_lits *sets = (hb_lits *)(fr + nrules);
    char *bytes = (char *)(sets + h.nsets), *lits = bytes + hb_pad8(h.nbytes);
    uint32_t nsets = 0, nbytes = 0;
    memcpy(b, &h, sizeof h);
    for (int k = 0; k < NLISTS; k++)
        for (size_t i = 0; i < *list_rules(r, k).n; i++, fr++) {
            const layout_rule *ru = &(*list_rules(r, k).v)[i];
            *fr = (filed_rule){.need = ru->need, .anchored = ru->anchored, .lits = ru->lits, .line = ru->line,
                               .by_char = ru->by_char, .few = -1, .start = -1, .most = ru->most,
                               .line_most = ru->line_most};
            memcpy(fr->first, ru->first, sizeof fr->first);
            if (ru->few)
                lits_file(&sets[fr->few = (int32_t)nsets++], ru->few);
            if (ru->start)
                lits_file(&sets[fr->start = (int32_t)nsets++], ru->start);
            if (ru->lit) {
                memcpy(bytes + nbytes, ru->lit, ru->litlen);
                fr->lit = nbytes;
                fr->litlen = (uint32_t)ru->litlen;
                nbytes += (uint32_t)ru->litlen;
            }
        }
    if (r->lits)
        hb_litset_save(r->lits, lits);
    if (r->inline_lits)
        hb_litset_save(r->inline_lits, lits + h.lits_size);
    if (codes)
        memcpy(lits + h.lits_size + h.inline_size, codes, codes_size);
    free(codes);
    hb_status st = hb_rules_record_checked(e->record, key, b, size);
    free(b);
    return st;
}

/* Whether l, filed, holds 1..most strings inside its buffer. */
static int lits_ok(const hb_lits *l, size_t most)
{
    if (l->n < 1 || l->n > most)
        return 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->len[i] < 1 || l->off[i] > sizeof l->buf || l->len[i] > sizeof l->buf - l->off[i])
            return 0;
    return 1;
}

/* Whether the filed rule of list k points only inside the filed rules
 * (a crafted file gives wrong answers at worst, never a read astray). */
static int rule_ok(const filed_head *h, int k, const filed_rule *fr, const hb_lits *sets)
{
    int32_t nbits = k == 2 ? h->ninline_lits : h->nlits;
    return fr->need >= -1 && fr->need < 0x80 && fr->lits >= -1 && fr->lits < nbits && fr->line >= -1 &&
           fr->line < h->ninline_lits && fr->by_char >= -1 && fr->by_char < h->nby_char && fr->few >= -1 &&
           fr->few < (int32_t)h->nsets && (fr->few < 0 || lits_ok(&sets[fr->few], HB_LITS_MAX)) &&
           fr->start >= -1 && fr->start < (int32_t)h->nsets &&
           (fr->start < 0 || lits_ok(&sets[fr->start], START_LITS)) && fr->lit <= h->nbytes &&
           fr->litlen <= h->nbytes - fr->lit;
}

/* Whether the filed head's counts and masks fit each other and size
 * bytes: the rules' total into *nrules. */
static int head_ok(const filed_head *h, size_t size, size_t *nrules)
{
    size_t n = 0;
    for (int k = 0; k < NLISTS; k++)
        n += h->n[k];
    *nrules = n;
    int ok = n <= 4096 && h->nsets <= 2 * n && h->nbytes <= 1u << 20 && h->nlits >= 0 &&
             h->nlits <= MAX_LIT_SETS && h->ninline_lits >= 0 && h->ninline_lits <= MAX_LIT_SETS &&
             h->nby_char >= 0 && h->nby_char <= MAX_BY_CHAR && (h->nlits > 0) == (h->lits_size > 0) &&
             (h->ninline_lits > 0) == (h->inline_size > 0) && h->lits_size % 8 == 0 && h->inline_size % 8 == 0 &&
             h->lits_size < 1u << 28 && h->inline_size < 1u << 28 && h->codes_size < 1u << 28 &&
             size == sizeof *h + n * sizeof(filed_rule) + h->nsets * sizeof(hb_lits) + hb_pad8(h->nbytes) +
                         h->lits_size + h->inline_size + hb_pad8(h->codes_size);
    static const int line_lists[3] = {0, 1, 3};
    for (int m = 0; ok && m < 3; m++) {
        size_t nk = h->n[line_lists[m]];
        const list_sets *s = &h->masks[m];
        ok = (nk >= 64 || !(s->free >> nk)) && (h->nlits >= 64 || !(s->sets >> h->nlits));
        for (uint64_t b = s->sets; ok && b; b &= b - 1)
            ok = h->owner[__builtin_ctzll(b)] < nk;
    }
    return ok;
}

/* e->layout as filed for key: 1 when taken, or on an error (*st, *err:
 * damaged); 0 when none is filed or its regexes were serialized by
 * another PCRE2 (then layout.txt is read). */
static int layout_take(struct hb_engine *e, const unsigned char *key, hb_status *st, hb_error *err)
{
    struct hb_layout_rules *r = e->layout;
    size_t size, nrules;
    filed_head h;
    const unsigned char *b = hb_rules_find_head(e, key, &h, sizeof h, &size, st, err);
    if (!b)
        return *st != HB_OK;
    int trusted = hb_rules_builtin(e->rules), ok = head_ok(&h, size, &nrules);
    const filed_rule *fr = (const filed_rule *)(b + sizeof h);
    const hb_lits *sets = (const hb_lits *)(fr + (ok ? nrules : 0));
    const char *bytes = (const char *)(sets + (ok ? h.nsets : 0)), *lits = bytes + (ok ? hb_pad8(h.nbytes) : 0);
    for (int k = 0, i = 0; ok && !trusted && k < NLISTS; k++)
        for (uint32_t j = 0; ok && j < h.n[k]; j++)
            ok = rule_ok(&h, k, &fr[i++], sets);
    if (ok && h.lits_size && !(r->lits = hb_litset_view(lits, h.lits_size, trusted)))
        ok = 0;
    if (ok && h.inline_size && !(r->inline_lits = hb_litset_view(lits + h.lits_size, h.inline_size, trusted)))
        ok = 0;
    if (!ok) {
        hb_rules_damaged(e, err);
        *st = HB_ERR_DICT;
        return 1;
    }
    hb_regex **res = malloc((nrules ? nrules : 1) * sizeof *res);
    if (!res || (nrules && !hb_regex_decode_set(lits + h.lits_size + h.inline_size, h.codes_size, res, nrules))) {
        free(res);
        hb_litset_free(r->lits);
        hb_litset_free(r->inline_lits);
        r->lits = r->inline_lits = NULL;
        return 0;
    }
    size_t at = 0;
    for (int k = 0; k < NLISTS && ok; k++) {
        rule_list L = list_rules(r, k);
        layout_rule *v = h.n[k] ? hb_arena_take(&r->mem, h.n[k] * sizeof *v) : NULL;
        if (h.n[k] && !v)
            ok = 0;
        *L.v = v;
        *L.cap = v ? h.n[k] : 0;
        for (uint32_t j = 0; v && j < h.n[k]; j++, at++) {
            const filed_rule *f = &fr[at];
            v[j] = (layout_rule){.re = res[at], .need = f->need, .anchored = f->anchored, .lits = f->lits,
                                 .lit = f->litlen ? bytes + f->lit : NULL, .litlen = f->litlen,
                                 .few = f->few >= 0 ? &sets[f->few] : NULL,
                                 .start = f->start >= 0 ? &sets[f->start] : NULL, .line = f->line,
                                 .line_most = f->line_most, .by_char = f->by_char, .most = f->most};
            memcpy(v[j].first, f->first, sizeof v[j].first);
            *L.n = j + 1;
        }
    }
    for (; at < nrules; at++) /* out of memory: those not in a list */
        hb_regex_free(res[at]);
    free(res);
    if (!ok) {
        *st = HB_ERR_NOMEM;
        hb_dict_fail(err, HB_ERR_NOMEM, "layout.txt", 0, 0, "out of memory");
        return 1;
    }
    r->pageno_sets = h.masks[0];
    r->clutter_sets = h.masks[1];
    r->masthead_sets = h.masks[2];
    memcpy(r->owner, h.owner, sizeof r->owner);
    r->nlits = h.nlits;
    r->ninline_lits = h.ninline_lits;
    r->nby_char = h.nby_char;
    return 1;
}

hb_status hb_lines_load(struct hb_engine *e, hb_error *err)
{
    e->layout = calloc(1, sizeof *e->layout);
    if (!e->layout)
        return HB_ERR_NOMEM;
    unsigned char key[32];
    hb_status st = HB_OK;
    int keyed = (e->rules || e->record) && hb_dict_file_key(e, "layout.txt", LAYOUT_FILED, key);
    if (keyed && !e->record && layout_take(e, key, &st, err))
        return st;
    st = hb_dict_read(e, "layout.txt", 2, 2, 0, add_rule, e, err);
    if (st == HB_OK && keyed && e->record && layout_record(e, key) != HB_OK)
        return hb_dict_fail(err, HB_ERR_NOMEM, "layout.txt", 0, 0, "out of memory"), HB_ERR_NOMEM;
    return st;
}

void hb_lines_unload(struct hb_engine *e)
{
    struct hb_layout_rules *r = e->layout;
    if (!r)
        return;
    for (size_t i = 0; i < r->npageno; i++)
        hb_regex_free(r->pageno[i].re);
    for (size_t i = 0; i < r->nclutter; i++)
        hb_regex_free(r->clutter[i].re);
    for (size_t i = 0; i < r->ninlines; i++)
        hb_regex_free(r->inlines[i].re);
    for (size_t i = 0; i < r->nmasthead; i++)
        hb_regex_free(r->masthead[i].re);
    hb_litset_free(r->lits);
    hb_litset_free(r->inline_lits);
    hb_arena_release(&r->mem);
    free(r);
}

int hb_display_width(const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0; i < len;) {
        int cp;
        i += (size_t)hb_utf8_next(s + i, len - i, &cp);
        w += cp < 0x1100 ? 1 : 2;
    }
    return w;
}

/* What a document's lines start with: for a first character (cp), which
 * by_char rules were asked about it (known) and which may match a line
 * starting with it (may).  A cache of at most FIRST_SLOTS by the code
 * point (a zeroed slot knows nothing, whatever its cp): a report's lines
 * start with a few hundred characters (a 600 KB one asked PCRE2 1,103
 * times with 256 slots, 617 with 1,024).  A report of few lines zeroes
 * only the slots its lines can fill (first_slots): the whole table was a
 * memset of 12 KB a report. */
enum { FIRST_SLOTS = 1024 };
typedef struct {
    int cp;
    uint32_t known, may;
} first_char;

typedef struct {
    first_char slot[FIRST_SLOTS];
    unsigned mask; /* the slots in use, a power of two, less one */
    pcre2_match_data *md;
    pcre2_match_context *mc;
} first_chars;

/* Zeroes the slots for a document of nl lines: twice as many as its
 * lines (a power of two), so that few of their first characters share one. */
static void first_slots(first_chars *f, size_t nl)
{
    size_t n = 16;
    while (n < FIRST_SLOTS && n < 2 * nl)
        n *= 2;
    memset(f->slot, 0, n * sizeof *f->slot);
    f->mask = (unsigned)n - 1;
}

/* What is known of one line before its rules run: its display width and
 * characters, and (found when first asked) which literal sets occur in
 * it; firsts: the document's cache of first characters, NULL: none. */
typedef struct {
    const char *s;
    size_t len;
    int width, chars;
    int probed;
    uint64_t sets;
    first_chars *firsts;
} line_probe;

#if defined(__x86_64__) && defined(__GNUC__)
#include "cpu.h"
#include <immintrin.h>
#define HB_PROBE_AVX2 1

_Static_assert(HB_TEXT_PAD >= 31, "probe32 reads up to 31 bytes past the line");

/* probe_start's counts 32 bytes a step, the last block read past the
 * line into its text's padding (the fold's or the view's, HB_TEXT_PAD)
 * and cut to the line: the continuation bytes (80..BF) out of *chars,
 * the bytes from E0 up into *wide, and whether one is E0 or E1 into
 * *e0e1.  A line of a report is some 130 bytes: eight at a time it was
 * 600 instructions. */
__attribute__((target("avx2,popcnt"))) static void probe32(const char *s, size_t len, size_t *chars,
                                                           size_t *wide, int *e0e1)
{
    const __m256i c0 = _mm256_set1_epi8((char)0xC0), e0 = _mm256_set1_epi8((char)0xE0),
                  fe = _mm256_set1_epi8((char)0xFE);
    size_t cont = 0, high = 0;
    unsigned e = 0;
    for (size_t i = 0; i < len; i += 32) {
        __m256i w = _mm256_loadu_si256((const __m256i *)(s + i));
        unsigned in = len - i < 32 ? (1u << (len - i)) - 1 : ~0u;
        /* signed, 80..BF are the bytes below C0 */
        cont += (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(_mm256_cmpgt_epi8(c0, w)) & in);
        high += (size_t)__builtin_popcount(
            (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(w, e0), w)) & in);
        e |= (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(w, fe), e0)) & in;
    }
    *chars = len - cont;
    *wide = high;
    *e0e1 = e != 0;
}

/* The line feeds in s[0..n), 32 bytes a step: a memchr for each line
 * cost a call and its set-up every 130 bytes. */
__attribute__((target("avx2,popcnt"))) static size_t line_feeds32(const char *s, size_t n)
{
    const __m256i lf = _mm256_set1_epi8('\n');
    size_t count = 0, i = 0;
    for (; i + 32 <= n; i += 32)
        count += (size_t)__builtin_popcount(
            (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(s + i)), lf)));
    for (; i < n; i++)
        count += s[i] == '\n';
    return count;
}
#endif

static size_t line_feeds(const char *s, size_t n)
{
#ifdef HB_PROBE_AVX2
    if (hb_cpu_avx2() && hb_cpu_popcnt())
        return line_feeds32(s, n);
#endif
    size_t count = 0;
    for (const char *q = s, *end = s + n; (q = memchr(q, '\n', (size_t)(end - q))); q++)
        count++;
    return count;
}

/* The same counts eight bytes at a time, then byte by byte. */
static void probe8(const char *s, size_t len, size_t *chars, size_t *wide, int *e0e1)
{
    const uint64_t ones = 0x0101010101010101u, highs = ones * 0x80;
    size_t n = len, w8 = 0, i = 0;
    int e = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        n -= hb_high_bits(hb_utf8_cont8(w));
        w8 += hb_high_bits(w & w << 1 & w << 2 & highs); /* E0 and up */
        uint64_t z = (w ^ ones * 0xE0) & ones * 0xFE;      /* a zero byte: E0 or E1 */
        e |= ((z - ones) & ~z & highs) != 0;
    }
    for (; i < len; i++) {
        unsigned c = (unsigned char)s[i];
        n -= (c & 0xC0) == 0x80;
        w8 += c >= 0xE0;
        e |= (c & 0xFE) == 0xE0;
    }
    *chars = n;
    *wide = w8;
    *e0e1 = e;
}

/* One pass over the line (of the fold or the view: padded), 32 bytes at a
 * time with AVX2 (probe32), else eight (probe8), for the characters and
 * the width (hb_display_width): a character is wide from U+1100, so a
 * lead byte from E2 up makes it wide and one below E0 narrow; leads E0
 * and E1 (U+0800..U+1FFF, rare here) send the width to hb_display_width.
 * The line is valid UTF-8, as the fold is. */
static void probe_start(line_probe *p, const char *s, size_t len)
{
    size_t chars, wide;
    int e0e1;
    p->s = s;
    p->len = len;
    p->firsts = NULL;
    p->probed = 0;
    p->sets = 0;
#ifdef HB_PROBE_AVX2
    if (hb_cpu_avx2())
        probe32(s, len, &chars, &wide, &e0e1);
    else
#endif
        probe8(s, len, &chars, &wide, &e0e1);
    p->chars = (int)chars;
    p->width = e0e1 ? hb_display_width(s, len) : (int)(chars + wide);
}

/* Whether by_char rule r may match the probed line (not empty), from its
 * first character, asked of PCRE2 the first time a line starts with it. */
static int may_start(const layout_rule *r, line_probe *p)
{
    int cp;
    size_t n = (size_t)hb_utf8_next(p->s, p->len, &cp);
    first_char *f = &p->firsts->slot[(unsigned)cp & p->firsts->mask];
    uint32_t bit = 1u << r->by_char;
    if (f->cp != cp)
        *f = (first_char){cp, 0, 0};
    if (!(f->known & bit)) {
        f->known |= bit;
        f->may |= may_start_with(hb_regex_code(r->re), p->s, n, p->firsts->md, p->firsts->mc) ? bit : 0;
    }
    return (f->may & bit) != 0;
}

/* Whether rule r may match the probed line, from what the probe knows but
 * the literal sets (any_match), and its needed byte, looked for only in
 * the lines that pass the rest: they are few, and noting every line's
 * ASCII bytes in the probe cost a sixth of its time. */
static int may_match(const layout_rule *r, line_probe *p)
{
    unsigned c = p->len ? (unsigned char)p->s[0] : 0;
    /* a match spanning the line leaves out a final line feed at most */
    if ((r->most >= 0 && p->chars - (p->len && p->s[p->len - 1] == '\n') > r->most) ||
        (r->anchored && p->len && !((r->first[c / 8] >> (c % 8)) & 1)) ||
        (r->need >= 0 && !memchr(p->s, r->need, p->len)))
        return 0;
    /* the first character last: asking PCRE2 costs a match */
    return r->by_char < 0 || !p->firsts || !p->len || may_start(r, p);
}

static int try_rule(const hb_doc *d, const layout_rule *r, line_probe *p, pcre2_match_data *md)
{
    size_t ov[2];
    return may_match(r, p) && hb_regex_find(d->engine, r->re, p->s, p->len, 0, md, ov);
}

/* Whether a rule of the list (n rules, sets m) matches the probed line:
 * the line is scanned once for the literal sets, the first time a list
 * with some asks, and only the rules without one and those whose set it
 * holds are tried, in any order (which matches does not matter). */
static int any_match(const hb_doc *d, const layout_rule *rules, size_t n, const list_sets *m, line_probe *p,
                     pcre2_match_data *md)
{
    const struct hb_layout_rules *r = d->engine->layout;
    uint64_t tried = m->free;
    if (m->sets && !p->probed) {
        p->sets = hb_litset_scan(r->lits, p->s, p->len);
        p->probed = 1;
    }
    for (uint64_t s = p->sets & m->sets; s; s &= s - 1)
        tried |= 1ull << r->owner[__builtin_ctzll(s)];
    for (; tried; tried &= tried - 1)
        if (try_rule(d, &rules[__builtin_ctzll(tried)], p, md))
            return 1;
    for (size_t i = MASKED_RULES; i < n; i++)
        if (try_rule(d, &rules[i], p, md))
            return 1;
    return 0;
}

int hb_layout_masthead(const hb_doc *d, const char *s, size_t len, pcre2_match_data *md)
{
    line_probe p;
    probe_start(&p, s, len);
    const struct hb_layout_rules *r = d->engine->layout;
    return any_match(d, r->masthead, r->nmasthead, &r->masthead_sets, &p, md);
}

hb_status hb_lines_run(hb_doc *d)
{
    const struct hb_layout_rules *r = d->engine->layout;
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    if (!md)
        return HB_ERR_NOMEM;
    first_chars firsts;
    firsts.md = md;
    firsts.mc = d->engine->mctx;
    size_t nl = 1 + line_feeds(d->fold, d->fold_len);
    if (r->nby_char)
        first_slots(&firsts, nl);
    d->line_starts = hb_arena_alloc(&d->arena, (nl + 1) * sizeof *d->line_starts);
    if (!d->line_starts)
        goto oom;
    int k = 0;
    size_t hint = 0;
    for (size_t start = 0; start <= d->fold_len;) {
        const char *nlp = memchr(d->fold + start, '\n', d->fold_len - start);
        size_t end = nlp ? (size_t)(nlp - d->fold) : d->fold_len;
        if (!nlp && start == d->fold_len && k > 0)
            break; /* a final LF does not open another line */
        d->line_starts[k++] = (hb_off)hb_omap_get(&d->fmap, d->fold, start, &hint);
        hb_line ln = {.fstart = start, .fend = end, .kind = HB_LINE_TEXT};
        size_t a = start, b = end;
        ln.indented = a < b && (d->fold[a] == ' ' || d->fold[a] == '\t');
        while (a < b && (d->fold[a] == ' ' || d->fold[a] == '\t' || d->fold[a] == '\f'))
            a++;
        while (b > a && (d->fold[b - 1] == ' ' || d->fold[b - 1] == '\t' || d->fold[b - 1] == '\f'))
            b--;
        /* U+FEFF inside the text (a BOM glued in by concatenation) is no content */
        while (b - a >= 3 && memcmp(d->fold + a, "\xEF\xBB\xBF", 3) == 0)
            a += 3;
        line_probe probe;
        probe_start(&probe, d->fold + a, b - a);
        probe.firsts = r->nby_char ? &firsts : NULL;
        if (a == b)
            ln.kind = HB_LINE_BLANK;
        else if (any_match(d, r->pageno, r->npageno, &r->pageno_sets, &probe, md))
            ln.kind = HB_LINE_PAGENO;
        else if (any_match(d, r->clutter, r->nclutter, &r->clutter_sets, &probe, md))
            ln.kind = HB_LINE_CLUTTER;
        ln.fstart = a;
        ln.fend = b;
        ln.width = probe.width;
        ln.chars = probe.chars;
        if (!hb_vec_push(&d->arena, &d->lines, ln))
            goto oom;
        if (!nlp)
            break;
        start = end + 1;
    }
    d->nlines = k;
    d->line_starts[k] = (hb_off)d->len;
    hb_vec_trim(&d->arena, &d->lines);
    pcre2_match_data_free(md);
    return HB_OK;
oom:
    pcre2_match_data_free(md);
    return HB_ERR_NOMEM;
}

/* The line holding s[q] from `at` on, into line ({start, end}: no LF in
 * [start, end), end at one or at len), unless the last one asked holds it
 * (a long line of many matches is not looked through again for each). */
static void line_of(const char *s, size_t len, size_t at, size_t q, size_t line[2])
{
    if (line[0] <= q && q < line[1])
        return;
    const char *nl = memrchr(s + at, '\n', q - at);
    line[0] = nl ? (size_t)(nl + 1 - s) : at;
    nl = memchr(s + q, '\n', len - q);
    line[1] = nl ? (size_t)(nl - s) : len;
}

/* Where string k of l first occurs in s[at..len), SIZE_MAX: nowhere. */
static size_t lit_at(const hb_lits *l, size_t k, const char *s, size_t len, size_t at)
{
    const char *f = hb_lit_find(s + at, len - at, l->buf + l->off[k], l->len[k]);
    return f ? (size_t)(f - s) : SIZE_MAX;
}

/* Whether s[from..len) may hold a string of ru's line set (none: it may)
 * starting at or before end, the line's end: where an attempt from `from`
 * to end must find one.  One scan of the line and the longest string past
 * it. */
static int on_line(const struct hb_layout_rules *r, const layout_rule *ru, const char *s, size_t len, size_t from,
                   size_t end)
{
    if (ru->line < 0)
        return 1;
    size_t to = len - end < ru->line_most ? len : end + ru->line_most;
    return (hb_litset_scan(r->inline_lits, s + from, to - from) >> ru->line) & 1;
}

/* Rule ru's first match in s[from..len) into ov, for a rule with a start
 * set: searched only from the lines holding one of its strings, the whole
 * text still its subject (a match may run on past the line), no attempt
 * starting past the line's end (mc's offset limit).  A line holding none
 * after `from` starts no match, nor one holding none of its line set
 * (on_line).  pos[k]: where string k was last found
 * (SIZE_MAX: nowhere after), looked for again once passed, so each string
 * is looked for through the text once; line as for inline_find. */
static int start_find(const struct hb_layout_rules *r, const layout_rule *ru, const char *s, size_t len, size_t from,
                      pcre2_match_context *mc, pcre2_match_data *md, size_t ov[2], size_t *pos, size_t line[2])
{
    const hb_lits *l = ru->start;
    for (size_t at = from; at < len;) {
        size_t q = SIZE_MAX;
        for (size_t k = 0; k < l->n; k++) {
            if (pos[k] < at)
                pos[k] = lit_at(l, k, s, len, at);
            q = pos[k] < q ? pos[k] : q;
        }
        if (q == SIZE_MAX)
            return 0;
        line_of(s, len, at, q, line);
        size_t first = at > line[0] ? at : line[0];
        if (on_line(r, ru, s, len, first, line[1]) &&
            hb_regex_find_upto(mc, ru->re, s, len, first, line[1], md, ov))
            return 1;
        at = line[1] + 1;
    }
    return 0;
}

/* Rule ru's first match in s[from..len) into ov.  A rule with a literal
 * is run only on the lines holding it, each as if the text ended there:
 * its matches lie on one line and hold the literal, and on such a line it
 * finds what it would in the whole text (regex_lits.h).  line: the rule's
 * last line ([0] > [1]: none yet), whose end is not looked for again while
 * its matches are taken one by one (a long line of many). */
static int inline_find(const hb_doc *d, const layout_rule *ru, const char *s, size_t len, size_t from,
                       pcre2_match_data *md, size_t ov[2], size_t line[2])
{
    if (!ru->lit)
        return (ru->need < 0 || memchr(s + from, ru->need, len - from)) &&
               hb_regex_find(d->engine, ru->re, s, len, from, md, ov);
    for (size_t at = from; at < len;) {
        const char *q = hb_lit_find(s + at, len - at, ru->lit, ru->litlen);
        if (!q)
            return 0;
        line_of(s, len, at, (size_t)(q - s), line);
        at = at > line[0] ? at : line[0];
        if ((ru->need < 0 || memchr(s + at, ru->need, line[1] - at)) &&
            hb_regex_find(d->engine, ru->re, s, line[1], at, md, ov))
            return 1;
        at = line[1] + 1;
    }
    return 0;
}

typedef struct {
    pcre2_match_data *md;
    pcre2_match_context *mc; /* for the rules with a start set */
    size_t (*next)[2], (*line)[2];
    size_t (*pos)[START_LITS];   /* start_find's */
} inline_state;

/* The earliest match of any inline rule in s[from..len), or 0.  next[i]
 * caches rule i's next match ({start, end}; start SIZE_MAX: none left;
 * empty: not searched yet), searched again only once `from` passes its
 * start, so each rule walks the text once however many matches are removed. */
static int first_inline(const hb_doc *d, const char *s, size_t len, size_t from, inline_state *st, size_t best[2])
{
    size_t(*next)[2] = st->next;
    const struct hb_layout_rules *r = d->engine->layout;
    int found = 0;
    for (size_t i = 0; i < r->ninlines; i++) {
        const layout_rule *ru = &r->inlines[i];
        if (next[i][0] != SIZE_MAX && (next[i][0] < from || next[i][1] <= next[i][0]) &&
            !((ru->start ? start_find(r, ru, s, len, from, st->mc, st->md, next[i], st->pos[i], st->line[i])
                         : inline_find(d, ru, s, len, from, st->md, next[i], st->line[i])) &&
              next[i][1] > next[i][0]))
            next[i][0] = SIZE_MAX;
        if (next[i][0] != SIZE_MAX && (!found || next[i][0] < best[0]))
            best[0] = next[i][0], best[1] = next[i][1], found = 1;
    }
    return found;
}

typedef struct {
    size_t start, end;
} piece;
typedef HB_VEC(piece) pieces;

/* The sets of r->inline_lits the fold holds, scanned for the first time
 * a rule asks (known): a text whose rules are all turned away first (no
 * start string of theirs in it) is not scanned at all. */
typedef struct {
    int known;
    uint64_t sets;
} text_sets;

static uint64_t sets_of_text(const hb_doc *d, text_sets *t)
{
    if (!t->known) {
        t->sets = hb_litset_scan(d->engine->layout->inline_lits, d->fold, d->fold_len);
        t->known = 1;
    }
    return t->sets;
}

/* Whether inline rule ru may match the fold: a rule with a start set gets
 * where each of its strings first occurs (pos), and a text holding none
 * of them has no match of it; then a rule with a bit of r->inline_lits
 * needs one of those literals in the text, another with a set of few
 * (ru->few) one of those. */
static int may_run(const hb_doc *d, const layout_rule *ru, text_sets *t, size_t *pos)
{
    if (ru->start) {
        int any = 0;
        for (size_t k = 0; k < ru->start->n; k++) {
            pos[k] = lit_at(ru->start, k, d->fold, d->fold_len, 0);
            any |= pos[k] != SIZE_MAX;
        }
        if (!any)
            return 0;
    }
    return ru->lits >= 0 ? (sets_of_text(d, t) >> ru->lits) & 1 : !ru->few || hb_lits_in(ru->few, d->fold, d->fold_len);
}

/* Every inline rule's matches, earliest first, none overlapping, into cuts
 * (in the arena).  Returns HB_OK or why not. */
static hb_status find_cuts(hb_doc *d, pieces *cuts)
{
    const struct hb_layout_rules *r = d->engine->layout;
    size_t ni = r->ninlines;
    inline_state st = {.md = pcre2_match_data_create(4, NULL), .mc = pcre2_match_context_copy(d->engine->mctx)};
    st.next = hb_arena_alloc(&d->arena, 2 * ni * sizeof *st.next);
    st.pos = hb_arena_alloc(&d->arena, ni * sizeof *st.pos);
    int ok = st.md && st.mc && st.next && st.pos;
    /* a rule none of whose literals the text holds has no match */
    text_sets sets = {0};
    st.line = st.next ? st.next + ni : NULL;
    for (size_t i = 0; ok && i < ni; i++) {
        st.next[i][0] = may_run(d, &r->inlines[i], &sets, st.pos[i]) ? 0 : SIZE_MAX; /* 0, empty: not searched yet */
        st.next[i][1] = 0;
        st.line[i][0] = 1, st.line[i][1] = 0; /* no line yet */
    }
    size_t at = 0, found[2] = {0, 0};
    while (ok && at < d->fold_len && first_inline(d, d->fold, d->fold_len, at, &st, found)) {
        ok = hb_vec_push(&d->arena, cuts, ((piece){found[0], found[1]}));
        at = found[1];
    }
    pcre2_match_data_free(st.md);
    pcre2_match_context_free(st.mc);
    return ok ? HB_OK : HB_ERR_NOMEM;
}

/* Removes the inline rules' matches (leftover HTML tags, 此处隐藏955个字)
 * from d->fold and its map, with a `web-furniture` warning.  Runs before
 * the lines stage, on the rules it loads.  The matches are all found first,
 * on the fold as it is, then the fold is closed up in its own buffer: a
 * large input's fold is never held twice. */
hb_status hb_strip_run(hb_doc *d)
{
    if (!d->engine->layout->ninlines)
        return HB_OK;
    pieces cuts = {0};
    hb_status st = find_cuts(d, &cuts);
    if (st != HB_OK || !cuts.n)
        return st;
    int first_line = 1 + (int)line_feeds(d->fold, cuts.v[0].start), ok = 1;
    char *out = d->fold_own; /* the fold stage's own copy: closed up in place */
    hb_omap map = {0};
    size_t n = 0, hint = 0, at = 0;
    for (size_t k = 0; ok && k <= cuts.n; k++) {
        /* the kept bytes before cut k, or the rest and the end */
        size_t to = k < cuts.n ? cuts.v[k].start : d->fold_len;
        ok = hb_omap_copy(&d->arena, &map, n, &d->fmap, d->fold, at, to - at + (k == cuts.n), &hint);
        memmove(out + n, d->fold + at, to - at);
        n += to - at;
        at = k < cuts.n ? cuts.v[k].end : at;
    }
    if (!ok)
        return HB_ERR_NOMEM;
    memset(out + n, 0, 1 + HB_TEXT_PAD);
    d->fold_len = n;
    hb_arena_free(&d->arena, d->fmap.v);
    hb_arena_free(&d->arena, cuts.v);
    d->fmap = map;
    return hb_doc_warn(d, "web-furniture", first_line, "%d piece%s of leftover markup or page text removed inside lines",
                       (int)cuts.n, cuts.n == 1 ? "" : "s")
               ? HB_OK
               : HB_ERR_NOMEM;
}

/* Warns `web-furniture` naming the layout lines skipped as web or export
 * furniture (breadcrumbs, toolbars, source lines). */
hb_status hb_furniture_run(hb_doc *d)
{
    char buf[300];
    size_t used = 0;
    int n = 0, first = 0;
    for (size_t i = 0; i < d->lines.n; i++) {
        const hb_line *l = &d->lines.v[i];
        if (l->kind != HB_LINE_CLUTTER)
            continue;
        if (!n++)
            first = (int)i + 1;
        if (n <= 3 && used + 4 < sizeof buf) {
            /* a short excerpt of each: the warning says what was skipped */
            size_t end = hb_utf8_cap(d->fold, l->fstart, l->fend, 12);
            int w = snprintf(buf + used, sizeof buf - used, "%s%d %.*s%s", n > 1 ? "; " : "", (int)i + 1,
                             (int)(end - l->fstart), d->fold + l->fstart, end < l->fend ? "…" : "");
            used = w > 0 && used + (size_t)w < sizeof buf ? used + (size_t)w : used;
        }
    }
    if (!n)
        return HB_OK;
    return hb_doc_warn(d, "web-furniture", first, "%d line%s of web or export furniture skipped (line %s%s)", n,
                       n == 1 ? "" : "s", buf, n > 3 ? "; …" : "")
               ? HB_OK
               : HB_ERR_NOMEM;
}
