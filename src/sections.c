#include "sections.h"

#include <stdlib.h>
#include <string.h>

#include "aho.h"
#include "arena.h"
#include "decimal.h"
#include "engine.h"
#include "extract.h"
#include "markers.h"
#include "normalize.h"
#include "regex_lits.h"
#include "rules.h"

typedef struct {
    char *cue;
    size_t len;
    int kind;
} kind_cue;

/* Buckets of the title-word index: a cue's first two bytes pick one. */
enum { TITLE_BUCKETS = 1024 };

struct hb_section_rules {
    kind_cue *cues;
    size_t ncues, cap;
    hb_arena words; /* the cues' text: one allocation a block, not one a cue */
    hb_wordlist ends, joins, inner; /* heading_words.txt: a glued title's last word, what links two, what sits between */
    hb_ac *kinds;   /* the cues of a kind other than `other`, coming and work words, found in one pass */
    int *same;      /* the next cue with the same words, -1: none */
    /* the `other` cues that may mask a hit of cue i: maskers + masker_at[i],
     * ending at -1; masker_at[ncues]: every `other` cue (a later year's hit) */
    int *maskers;
    size_t *masker_at;
    /* the cues of a kind other than `other` by their first two bytes
     * (title_bucket), chained by title_next; one-byte cues in title_short */
    int title_head[TITLE_BUCKETS];
    int *title_next;
    int title_short;
    int next_year;  /* the {next-year} cue of kind coming (one: cues are keyed), -1: none */
    struct char_set *chars; /* of each `other` cue: the characters it cannot occur without */
    int last_kind;  /* the kind of the line read last (kind_named) */
};

/* The kinds, then SK_COMING and SK_WORK. */
static const char *const KIND_NAMES[] = {"other", "achievements", "problems", "causes", "plans", "coming", "work"};

/* Not kinds of their own: a `coming` word (明年, a later year) followed by a
 * `work` word (任务, 部署) names the plans (2025年工作部署). */
enum { SK_COMING = HB_KIND_PLANS + 1, SK_WORK, NEXT_YEAR_LEN = 11 };
static const char NEXT_YEAR[] = "{next-year}";

const char *hb_kind_name(int kind)
{
    return kind >= 0 && kind <= HB_KIND_PLANS ? KIND_NAMES[kind] : "other";
}

static int is_next_year(const kind_cue *q)
{
    return q->len == NEXT_YEAR_LEN && !memcmp(q->cue, NEXT_YEAR, NEXT_YEAR_LEN);
}

/* The kind (or SK_COMING, SK_WORK) named `name`, -1: none.  The lines of
 * a kind come together: the last line's is asked first (seven strcmp a
 * line cost the start 16K instructions). */
static int kind_named(const char *name, int last)
{
    if (!strcmp(name, KIND_NAMES[last]))
        return last;
    for (int k = 0; k <= SK_WORK; k++)
        if (!strcmp(name, KIND_NAMES[k]))
            return k;
    return -1;
}

static int add_cue(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    struct hb_section_rules *r = ctx;
    (void)nf;
    int kind = kind_named(f[0], r->last_kind);
    if (kind < 0)
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "unknown kind '%s' (use achievements, problems, causes, plans, other, coming or work)",
                            f[0]);
    if (!*f[1])
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "empty cue");
    r->last_kind = kind;
    /* doubled: a realloc a cue cost the start 26K instructions */
    if (!hb_heap_grow((void **)&r->cues, &r->cap, r->ncues, 64, sizeof *r->cues))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    kind_cue *nc = r->cues;
    nc[r->ncues].len = strlen(f[1]);
    nc[r->ncues].cue = hb_arena_strndup(&r->words, f[1], nc[r->ncues].len);
    nc[r->ncues].kind = kind;
    if (!nc[r->ncues].cue)
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    r->ncues++;
    return 0;
}

/* Whether the words of cue m hold those of cue c: a few bytes each, so
 * compared in place (hb_lit_find's memchr cost the start-up 70,000
 * instructions over the 1,600 pairs). */
static int holds(const kind_cue *m, const kind_cue *c)
{
    for (size_t at = 0; at + c->len <= m->len; at++)
        if (m->cue[at] == c->cue[0] && !memcmp(m->cue + at, c->cue, c->len))
            return 1;
    return 0;
}

/* Characters by a hash of their code points, a bit each of 256: an
 * `other` cue whose characters are not all in a title masks nothing in
 * it, and is not looked for (hb_cue_masked: two searches of the title
 * for each cue written A...B, seven of them asked about every kind cue
 * hit).  A hash shared by two characters only lets a cue through. */
enum { CHAR_HASHES = 256 };

typedef struct char_set {
    uint64_t bit[CHAR_HASHES / 64];
} char_set;

static unsigned char_hash(int cp)
{
    return (unsigned)cp * 2654435761u >> 24;
}

static void char_set_add(char_set *cs, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int cp;
        i += (size_t)hb_utf8_next(s + i, n - i, &cp);
        unsigned h = char_hash(cp);
        cs->bit[h / 64] |= 1ull << (h % 64);
    }
}

static int char_set_holds(const char_set *all, const char_set *part)
{
    return !((part->bit[0] & ~all->bit[0]) | (part->bit[1] & ~all->bit[1]) | (part->bit[2] & ~all->bit[2]) |
             (part->bit[3] & ~all->bit[3]));
}

/* The characters of `other` cue q, but for the ... of a cue written A...B
 * (the first, as hb_cue_masked reads it). */
static void cue_chars(char_set *cs, const kind_cue *q)
{
    const char *gap = hb_lit_find(q->cue, q->len, "...", 3);
    size_t a = gap ? (size_t)(gap - q->cue) : q->len;
    char_set_add(cs, q->cue, a);
    if (gap)
        char_set_add(cs, gap + 3, q->len - a - 3);
}

/* Fills r->maskers: a title's kind cues were each checked against every
 * `other` cue (16), a fifth of the stage's instructions.  An `other` cue
 * may mask a hit of cue c when its words hold c's (hb_cue_masked: a hit
 * covering c's holds them), or when it is written A...B, which covers
 * whatever lies between A and B.  A superset is safe: masked() asks
 * hb_cue_masked of each. */
static int index_maskers(struct hb_section_rules *r)
{
    size_t nother = 0, n = 0;
    for (size_t i = 0; i < r->ncues; i++)
        nother += r->cues[i].kind == HB_KIND_OTHER;
    int *other = malloc((nother + 1) * sizeof *other), *gap = malloc((nother + 1) * sizeof *gap);
    r->maskers = malloc((r->ncues + 1) * (nother + 1) * sizeof *r->maskers);
    r->masker_at = malloc((r->ncues + 1) * sizeof *r->masker_at);
    r->chars = calloc(r->ncues + 1, sizeof *r->chars);
    if (!other || !gap || !r->maskers || !r->masker_at || !r->chars) {
        free(other);
        free(gap);
        return 0;
    }
    nother = 0;
    for (size_t i = 0; i < r->ncues; i++)
        if (r->cues[i].kind == HB_KIND_OTHER) {
            gap[nother] = hb_lit_find(r->cues[i].cue, r->cues[i].len, "...", 3) != NULL;
            other[nother++] = (int)i;
            cue_chars(&r->chars[i], &r->cues[i]);
        }
    /* the pairs told apart by their characters are not compared: a check
     * of each of the 1,600 pairs cost the start 65K instructions (words
     * holding c's hold each of its characters) */
    for (size_t c = 0; c < r->ncues; c++) {
        char_set cs = {{0}};
        char_set_add(&cs, r->cues[c].cue, r->cues[c].len);
        r->masker_at[c] = n;
        for (size_t k = 0; k < nother; k++)
            if (gap[k] || (char_set_holds(&r->chars[other[k]], &cs) && holds(&r->cues[other[k]], &r->cues[c])))
                r->maskers[n++] = other[k];
        r->maskers[n++] = -1;
    }
    r->masker_at[r->ncues] = n; /* past the cues: every `other` cue */
    for (size_t k = 0; k < nother; k++)
        r->maskers[n++] = other[k];
    r->maskers[n++] = -1;
    free(other);
    free(gap);
    int *fit = realloc(r->maskers, n * sizeof *fit); /* most pairs are none */
    r->maskers = fit ? fit : r->maskers;
    return 1;
}

static unsigned title_bucket(const char *s)
{
    return ((unsigned char)s[0] << 6 ^ (unsigned char)s[1]) % TITLE_BUCKETS;
}

/* Fills the title-word index: title_word_end compared every cue at every
 * character of a glued title. */
static int index_title_words(struct hb_section_rules *r)
{
    r->title_next = malloc((r->ncues ? r->ncues : 1) * sizeof *r->title_next);
    if (!r->title_next)
        return 0;
    for (size_t b = 0; b < TITLE_BUCKETS; b++)
        r->title_head[b] = -1;
    r->title_short = -1;
    for (size_t i = r->ncues; i-- > 0;)
        if (r->cues[i].kind != HB_KIND_OTHER) {
            int *head = r->cues[i].len < 2 ? &r->title_short : &r->title_head[title_bucket(r->cues[i].cue)];
            r->title_next[i] = *head;
            *head = (int)i;
        }
    return 1;
}

hb_status hb_sections_load(struct hb_engine *e, hb_error *err)
{
    e->sections = calloc(1, sizeof *e->sections);
    if (!e->sections)
        return HB_ERR_NOMEM;
    struct hb_section_rules *r = e->sections;
    /* keyed by the cue: an overlay re-classifies it */
    hb_status st = hb_dict_read(e, "section_kinds.txt", 2, 2, HB_DICT_FOLD | HB_DICT_KEY(1), add_cue, r, err);
    const char **pat = calloc(r->ncues ? r->ncues : 1, sizeof *pat);
    size_t *len = calloc(r->ncues ? r->ncues : 1, sizeof *len);
    if (st == HB_OK && (!pat || !len))
        st = HB_ERR_NOMEM;
    /* the coming and work words too: one pass finds all a title holds */
    for (size_t i = 0; st == HB_OK && i < r->ncues; i++)
        if (r->cues[i].kind != HB_KIND_OTHER && !is_next_year(&r->cues[i])) {
            pat[i] = r->cues[i].cue;
            len[i] = r->cues[i].len;
        }
    if (st == HB_OK)
        st = hb_engine_build_entries(e, pat, len, r->ncues, &r->kinds, &r->same, err);
    free(pat);
    free(len);
    if (st == HB_OK && (!index_maskers(r) || !index_title_words(r)))
        st = HB_ERR_NOMEM;
    r->next_year = -1;
    for (size_t i = 0; i < r->ncues; i++)
        if (r->cues[i].kind == SK_COMING && is_next_year(&r->cues[i]))
            r->next_year = (int)i;
    if (st != HB_OK)
        return st;
    return hb_kind_lists_read(e, "heading_words.txt", (const char *const[]){"ends", "joins", "inner"},
                              (hb_wordlist *const[]){&r->ends, &r->joins, &r->inner}, 3, err);
}

void hb_sections_unload(struct hb_engine *e)
{
    struct hb_section_rules *r = e->sections;
    if (!r)
        return;
    hb_arena_release(&r->words);
    free(r->cues);
    hb_wordlist_free(&r->ends);
    hb_wordlist_free(&r->joins);
    hb_wordlist_free(&r->inner);
    hb_ac_free(r->kinds);
    free(r->same);
    free(r->maskers);
    free(r->masker_at);
    free(r->title_next);
    free(r->chars);
    free(r);
}

/* Whether [at, at+n) lies inside quotation or title marks: a name
 * (实施“强村计划”情况), not what the heading is about.  One pass before
 * at for the three pairs, asking only at their lead bytes (E2, E3). */
static int quoted(const char *s, size_t len, size_t at, size_t n)
{
    static const char *const pairs[][2] = {{"“", "”"}, {"《", "》"}, {"「", "」"}};
    enum { NPAIRS = sizeof pairs / sizeof *pairs };
    int open[NPAIRS] = {0};
    for (size_t i = 0; i + 3 <= at; i++) {
        if (((unsigned char)s[i] & 0xFE) != 0xE2)
            continue;
        for (size_t k = 0; k < NPAIRS; k++) {
            if (!memcmp(s + i, pairs[k][0], 3))
                open[k] = 1;
            else if (open[k] && !memcmp(s + i, pairs[k][1], 3))
                open[k] = 0;
        }
    }
    for (size_t k = 0; k < NPAIRS; k++)
        if (open[k] && memmem(s + at + n, len - at - n, pairs[k][1], 3))
            return 1;
    return 0;
}

/* Whether [at, at+n), a hit of cue c (r->ncues: a later year), lies inside
 * a hit of an `other` cue (问题 in 问题导向) or inside quotation marks.
 * title: the characters of s (NULL: not known), which each `other` cue's
 * must be among. */
static int masked(const struct hb_section_rules *r, size_t c, const char *s, size_t len, size_t at, size_t n,
                  const char_set *title)
{
    if (quoted(s, len, at, n))
        return 1;
    for (const int *m = r->maskers + r->masker_at[c]; *m >= 0; m++)
        if ((!title || char_set_holds(title, &r->chars[*m])) &&
            hb_cue_masked(r->cues[*m].cue, r->cues[*m].len, s, len, at, n))
            return 1;
    return 0;
}

/* The first 1 or 2 (a year's lead digit) in v[k..last], eight bytes a
 * step; last + 1 when there is none.  Titles are Han text: a byte at a
 * time was most of the time the search for a title year took. */
static size_t year_lead(const char *v, size_t k, size_t last)
{
    for (; k + 8 <= last + 1; k += 8) {
        uint64_t w;
        memcpy(&w, v + k, 8);
        uint64_t m = hb_bytes_eq8(w, '1') | hb_bytes_eq8(w, '2');
        if (m)
            return k + ((size_t)__builtin_ctzll(m) >> 3);
    }
    while (k <= last && v[k] != '1' && v[k] != '2')
        k++;
    return k;
}

/* Length of a year later than the report's own (2025年, 2025年度) at s[at], 0 if none. */
static size_t next_year_at(const hb_doc *d, const char *s, size_t len, size_t at)
{
    if (!d->ref_year || at + 7 > len || (at > 0 && s[at - 1] >= '0' && s[at - 1] <= '9'))
        return 0;
    int y = 0;
    for (size_t k = 0; k < 4; k++) {
        if (s[at + k] < '0' || s[at + k] > '9')
            return 0;
        y = y * 10 + (s[at + k] - '0');
    }
    if (y <= d->ref_year || y > d->ref_year + 5 || memcmp(s + at + 4, "年", 3) != 0)
        return 0;
    return at + 10 <= len && !memcmp(s + at + 7, "度", 3) ? 10 : 7;
}

typedef struct {
    const hb_doc *d;
    const struct hb_section_rules *r;
    const char *s;
    size_t len;
    int best;              /* the leftmost cue's kind, HB_KIND_OTHER: none */
    size_t best_at, best_len;
    unsigned mask;         /* every kind named */
    size_t work_after;     /* 1 + where the last work word starts, 0: none */
    int coming;            /* a coming word was seen */
    size_t come_at, come_len;
    size_t come_cue;       /* the coming cue found at come_at, first listed */
    int titled;            /* title holds the characters of s (made when first asked) */
    char_set title;
} kind_scan;

/* The characters of the scanned text, for masked(). */
static const char_set *scan_chars(kind_scan *k)
{
    if (!k->titled) {
        char_set_add(&k->title, k->s, k->len);
        k->titled = 1;
    }
    return &k->title;
}

/* A coming word at s[at..at+n) (cue i) that a work word follows and no
 * `other` cue masks: kept if it is the leftmost, at one place the first listed. */
static void coming_at(kind_scan *k, size_t at, size_t n, size_t i)
{
    if (k->work_after > at + n && (at < k->come_at || (at == k->come_at && i < k->come_cue)) &&
        !masked(k->r, is_next_year(&k->r->cues[i]) ? k->r->ncues : i, k->s, k->len, at, n, scan_chars(k)))
        k->come_at = at, k->come_len = n, k->come_cue = i;
}

/* The second pass, once the work words are known. */
static int on_coming(void *ctx, size_t at, size_t end, int value)
{
    kind_scan *k = ctx;
    for (int i = value; i >= 0; i = k->r->same[i])
        if (k->r->cues[i].kind == SK_COMING)
            coming_at(k, at, end - at, (size_t)i);
    return 1;
}

/* Every cue, overlapping ones included: the leftmost kind cue not inside an
 * `other` cue (at one place the longest, then the first listed), the kinds
 * named, and where the work words and the coming words are. */
static int on_cue(void *ctx, size_t at, size_t end, int value)
{
    kind_scan *k = ctx;
    size_t n = end - at;
    int kind = -1;
    for (int i = value; i >= 0; i = k->r->same[i]) {
        int ki = k->r->cues[i].kind;
        if (ki == SK_WORK && k->work_after < at + 1)
            k->work_after = at + 1;
        else if (ki == SK_COMING)
            k->coming = 1;
        else if (ki != HB_KIND_OTHER && ki <= HB_KIND_PLANS) {
            k->mask |= 1u << ki;
            if (kind < 0)
                kind = ki;
        }
    }
    if (kind >= 0 && (at < k->best_at || (at == k->best_at && n > k->best_len)) && !masked(k->r, (size_t)value, k->s, k->len, at, n, scan_chars(k)))
        k->best = kind, k->best_at = at, k->best_len = n;
    return 1;
}

/* Scans s[0..len): the kind cues, then where the first `coming` word
 * followed by a `work` word starts (come_at, len if none). */
static void scan_kinds(const hb_doc *d, const char *s, size_t len, kind_scan *k)
{
    const struct hb_section_rules *r = d->engine->sections;
    *k = (kind_scan){.d = d, .r = r, .s = s, .len = len, .best = HB_KIND_OTHER, .best_at = len,
                     .come_at = len, .come_cue = r->ncues};
    hb_ac_scan_all(r->kinds, s, len, on_cue, k);
    if (!k->work_after)
        return;
    if (k->coming)
        hb_ac_scan_all(r->kinds, s, len, on_coming, k);
    if (!d->ref_year || r->next_year < 0)
        return;
    /* a later year starts with its 1 or 2 (next_year_at), before the coming word found */
    for (size_t at = 0; len > 0; at++) {
        size_t last = k->come_at < len ? k->come_at : len - 1;
        if ((at = year_lead(s, at, last)) > last)
            break;
        size_t cl = next_year_at(d, s, len, at);
        if (cl)
            coming_at(k, at, cl, (size_t)r->next_year);
    }
}

int hb_section_kind_of(const hb_doc *d, const char *s, size_t len)
{
    kind_scan k;
    scan_kinds(d, s, len, &k);
    /* the coming word wins unless a kind cue starts before it, or there and longer */
    if (k.come_at < len && !(k.best_at < k.come_at || (k.best_at == k.come_at && k.best_len > k.come_len)))
        return HB_KIND_PLANS;
    return k.best;
}

unsigned hb_section_kinds_in(const hb_doc *d, const char *s, size_t len)
{
    kind_scan k;
    scan_kinds(d, s, len, &k);
    return k.mask | (k.come_at < len ? 1u << HB_KIND_PLANS : 0);
}

/* A heading's kind from its own title, else its parent's.  Under problems,
 * causes or plans a title word of another kind (紧盯问题整改 under 下一步打算)
 * does not change it unless the parent names that kind too (存在的问题及原因
 * → （二）原因分析). */
enum { GLUED_KIND_CHARS = 24 };
static int child_kind(const hb_doc *d, const hb_section *s)
{
    /* A heading glued to its body whose title end no title word found runs
     * on into the body (…落地见效围绕…整改问题157个): its kind comes from
     * the first characters only, about the longest a heading title is. */
    size_t te = d->paras.v[s->para].glued ? hb_utf8_cap(d->view, s->tstart, s->tend, GLUED_KIND_CHARS) : s->tend;
    int own = hb_section_kind_of(d, d->view + s->tstart, te - s->tstart);
    if (s->parent < 0)
        return own;
    const hb_section *p = &d->sections.v[s->parent];
    if (own == HB_KIND_OTHER)
        return p->kind;
    if (own != p->kind && (p->kind == HB_KIND_PROBLEMS || p->kind == HB_KIND_CAUSES || p->kind == HB_KIND_PLANS) &&
        !(hb_section_kinds_in(d, d->view + p->tstart, p->tend - p->tstart) & (1u << own)))
        return p->kind;
    return own;
}

/* Sets of first bytes the scans below look for: each byte is below 0x40
 * or E2/E3 (next_in).  CLAUSE_LEAD: what add_items() reads inside a
 * clause, a boundary (；：！？，space, 。 of lead byte E3) or a circled
 * number (E2); TITLE_END: where a heading title may end (：, 。); ITEM_END:
 * where an item's title may end (；！？, 。).  Each is a list of its ASCII
 * bytes, for its table (with E3, and E2 for CLAUSE_LEAD) and its vector
 * scan (with 。 itself, and ① … ⑳ for CLAUSE_LEAD). */
#define CLAUSE_LEAD_ASCII(X) X(';') X(':') X('!') X('?') X(',') X(' ')
#define TITLE_END_ASCII(X) X(':')
#define ITEM_END_ASCII(X) X(';') X('!') X('?')
#define BYTE_IN_SET(c) [c] = 1,
static const unsigned char CLAUSE_LEAD[256] = {CLAUSE_LEAD_ASCII(BYTE_IN_SET)[0xE2] = 1, [0xE3] = 1};
static const unsigned char CLAUSE_BOUNDARY[256] = {CLAUSE_LEAD_ASCII(BYTE_IN_SET)}; /* with 。: add_items() */
static const unsigned char TITLE_END[256] = {TITLE_END_ASCII(BYTE_IN_SET)[0xE3] = 1};
static const unsigned char ITEM_END[256] = {ITEM_END_ASCII(BYTE_IN_SET)[0xE3] = 1};
#undef BYTE_IN_SET

/* From v[i] on (i < end), 32 bytes a step, to the first byte of a set
 * before end, or to end: the last block reads up to 33 bytes past end,
 * into the view's NUL and padding (HB_TEXT_PAD) at the view's end, and
 * drops what it finds there.  NULL where the CPU has no AVX2. */
typedef size_t (*set_scan32)(const char *v, size_t i, size_t end);
_Static_assert(HB_TEXT_PAD >= 32, "the set scans read the view's NUL and 32 bytes after it");

#if defined(__x86_64__) && defined(__GNUC__)
#include "cpu.h"
#include <immintrin.h>
#define SET_EQ(c) m = _mm256_or_si256(m, _mm256_cmpeq_epi8(w, _mm256_set1_epi8((char)(c))));
#define EQ(x, c) _mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)(c)))
/* The set's ASCII bytes, 。 (E3 80 82), and with circled the characters
 * E2 91 (U+2440 … U+247F, ① … ⑳ among them): not every E3 and E2 byte, as
 * the tables (、 “ ” 《 》 stopped add_items() at every one, to go on at
 * once).  The bytes after a lead are read two past the block, inside the
 * view's padding too. */
#define SET_SCAN32(name, ASCII, circled) \
    __attribute__((target("avx2"))) static size_t name(const char *v, size_t i, size_t end) \
    { \
        for (; i < end; i += 32) { \
            __m256i w = _mm256_loadu_si256((const __m256i *)(v + i)), m = _mm256_setzero_si256(); \
            __m256i w1 = _mm256_loadu_si256((const __m256i *)(v + i + 1)); \
            __m256i w2 = _mm256_loadu_si256((const __m256i *)(v + i + 2)); \
            ASCII(SET_EQ) \
            m = _mm256_or_si256(m, _mm256_and_si256(_mm256_and_si256(EQ(w, 0xE3), EQ(w1, 0x80)), EQ(w2, 0x82))); \
            if (circled) \
                m = _mm256_or_si256(m, _mm256_and_si256(EQ(w, 0xE2), EQ(w1, 0x91))); \
            unsigned bits = (unsigned)_mm256_movemask_epi8(m); \
            if (end - i < 32) \
                bits &= (1u << (end - i)) - 1; \
            if (bits) \
                return i + (size_t)__builtin_ctz(bits); \
        } \
        return end; \
    }
SET_SCAN32(clause_lead32, CLAUSE_LEAD_ASCII, 1)
SET_SCAN32(title_end32, TITLE_END_ASCII, 0)
SET_SCAN32(item_end32, ITEM_END_ASCII, 0)
#undef SET_SCAN32
#undef EQ
#undef SET_EQ
#define SCAN32(f) (hb_cpu_avx2() ? (f) : NULL)
#else
#define SCAN32(f) ((set_scan32)NULL)
#endif

/* The first byte of v[i..end) (of the view) in the set t, or end: 32
 * bytes a step with scan32 (the set's vector scan, NULL: none), else
 * eight at a time to the next byte below 0x40 or E2/E3 (digits too), then
 * the table. */
static inline size_t next_in(const unsigned char *t, set_scan32 scan32, const char *v, size_t i, size_t end)
{
    const uint64_t highs = 0x8080808080808080u;
    while (i < end && !t[(unsigned char)v[i]]) {
        i++;
        if (scan32 && i < end) {
            i = scan32(v, i, end);
            continue;
        }
        if (i + 8 <= end) {
            uint64_t w;
            memcpy(&w, v + i, 8);
            uint64_t m = (~w & ~w << 1 & highs) | hb_bytes_eq8(w, 0xE2) | hb_bytes_eq8(w, 0xE3);
            i += m ? (size_t)__builtin_ctzll(m) >> 3 : 8;
        }
    }
    return i < end ? i : end;
}

/* The end of a title's first HB_HEADING_MAX_CHARS characters: most
 * titles have no more bytes than that, and their characters are not
 * counted (a walk a character at a time, a tenth of this stage). */
static size_t title_cap(const char *v, size_t from, size_t to)
{
    return to - from <= HB_HEADING_MAX_CHARS ? to : hb_utf8_cap(v, from, to, HB_HEADING_MAX_CHARS);
}

static int is_full_stop(const char *s, size_t i, size_t to)
{
    return i + 3 <= to && memcmp(s + i, "。", 3) == 0;
}

/* End of a heading title: the first 。 or ： (folded :), else the paragraph end. */
static size_t title_end(const char *s, size_t from, size_t to)
{
    for (size_t i = from; (i = next_in(TITLE_END, SCAN32(title_end32), s, i, to)) < to; i++)
        if (s[i] == ':' || is_full_stop(s, i, to))
            return i;
    return to;
}

/* best, or the end of the hit of a cue of chain i (from r->title_head or
 * title_short) at s[at] that ends later and no `other` cue masks. */
static size_t later_cue_end(const struct hb_section_rules *r, int i, const char *s, size_t len, size_t at,
                            size_t best)
{
    for (; i >= 0; i = r->title_next[i])
        if (at + r->cues[i].len > best && r->cues[i].len <= len - at &&
            memcmp(s + at, r->cues[i].cue, r->cues[i].len) == 0 && !masked(r, (size_t)i, s, len, at, r->cues[i].len, NULL))
            best = at + r->cues[i].len;
    return best;
}

/* The end of the longest word at s[at..len) that may end a heading title:
 * a word of heading_words.txt or a section-kind cue (not masked by an
 * `other` cue); 0 when none starts there. */
static size_t title_word_end(const struct hb_section_rules *r, const char *s, size_t len, size_t at)
{
    const hb_rule_word *w = hb_wordlist_prefix(&r->ends, s + at, len - at);
    size_t best = later_cue_end(r, r->title_short, s, len, at, w ? at + w->len : 0);
    return len - at >= 2 ? later_cue_end(r, r->title_head[title_bucket(s + at)], s, len, at, best) : best;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A heading of run-together text glued to its body with no punctuation
 * (二、存在的主要问题对照年初目标，…), so that its title runs on into a
 * sentence of several clauses: in its first clause, the title ends
 * after the first title word that the body follows at once, not a joiner
 * (问题及原因), an inner word (下一步工作打算) nor another title word
 * (工作完成情况) unless a figure follows (工作计划2025年，公司将…: the body
 * opens with its year).  te when no title word is followed by more text of its
 * clause. */
static size_t glued_title_end(const hb_doc *d, size_t ts, size_t te)
{
    const struct hb_section_rules *r = d->engine->sections;
    /* offsets from the title start: an `other` cue or a quote mark before
     * the heading (…工作完成情况… 计划) masks nothing in it */
    const char *v = d->view + ts;
    size_t clause = 0, n = te - ts;
    while (clause < n && v[clause] != ',' && v[clause] != ';')
        clause++;
    if (clause == n) /* a title of one clause (教育教学工作成效显著) is no sentence run into */
        return te;
    for (size_t i = 0; i < clause;) {
        int cp;
        size_t e = title_word_end(r, v, clause, i);
        if (e && e < clause && !hb_wordlist_prefix(&r->joins, v + e, clause - e) &&
            !hb_wordlist_prefix(&r->inner, v + e, clause - e) &&
            (is_digit(v[e]) || !title_word_end(r, v, clause, e)))
            return ts + e;
        i += (size_t)hb_utf8_next(v + i, clause - i, &cp);
    }
    return te;
}

static size_t trim_end(const char *s, size_t from, size_t to)
{
    while (to > from && (s[to - 1] == ' ' || s[to - 1] == '\t'))
        to--;
    return to;
}

/* s copied to p; returns its end. */
static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

/* The number of m in Chinese numerals (a marker's is at most 99) at p;
 * returns its end. */
static char *put_cn(char *p, int number)
{
    static const char *const cn[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    if (number <= 10)
        return put_str(p, cn[number]);
    if (number >= 20)
        p = put_str(p, cn[number / 10]);
    return put_str(put_str(p, "十"), cn[number % 10]);
}

/* m as written in a warning (a marker's number is from 1 to 99); buf
 * holds 32 bytes.  Strings put together, where snprintf cost some 1,200
 * instructions a warning. */
static const char *marker_text(const hb_marker *m, char *buf)
{
    char *p = buf;
    size_t n = (size_t)m->number;
    switch (m->style) {
    case HB_MS_PART: p = put_str(put_cn(put_str(p, "第"), m->number), "部分"); break;
    case HB_MS_CN: p = put_str(put_cn(p, m->number), "、"); break;
    case HB_MS_PCN: p = put_str(put_cn(put_str(p, "（"), m->number), "）"); break;
    case HB_MS_NUM: p = put_str(hb_put_uint(p, n), "."); break;
    case HB_MS_PNUM: p = put_str(hb_put_uint(put_str(p, "（"), n), "）"); break;
    case HB_MS_NUMP: p = put_str(hb_put_uint(p, n), ")"); break;
    default: p = put_str(hb_put_uint(put_str(p, "("), n), ")"); break;
    }
    *p = 0;
    return buf;
}

/* The last section of each marker style under each parent (slot
 * (parent + 1) * HB_NSTYLES + style; style 0: of any style), and under any
 * parent of each style, so the numbering check looks back in constant time:
 * 100,000 headings must not make it quadratic. */
enum { HB_NSTYLES = 8, ANY_STYLE = 0 };
typedef struct {
    HB_VEC(int) last_child;
    int last_by_parent_style[HB_NSTYLES][HB_NSTYLES];
    unsigned seen_styles;
} numbering;

static int last_child(const numbering *nb, int parent, int style)
{
    return nb->last_child.v[(size_t)(parent + 1) * HB_NSTYLES + style];
}

/* Makes room for the children of one more possible parent: the room for
 * all its slots first, then the slots, not a push each. */
static int numbering_open(hb_doc *d, numbering *nb)
{
    while (nb->last_child.cap < nb->last_child.n + HB_NSTYLES)
        if (!hb_vec_grow(&d->arena, (void **)&nb->last_child.v, &nb->last_child.cap, nb->last_child.n,
                         sizeof *nb->last_child.v))
            return 0;
    for (int k = 0; k < HB_NSTYLES; k++)
        nb->last_child.v[nb->last_child.n++] = -1;
    return 1;
}

/* Numbering checks among siblings of one marker style. */
static int check_numbering(hb_doc *d, numbering *nb, int idx, const hb_marker *m)
{
    const hb_section *s = &d->sections.v[idx];
    int pstyle = s->parent >= 0 ? d->sections.v[s->parent].style : 0;
    int *slot = &nb->last_child.v[(size_t)(s->parent + 1) * HB_NSTYLES + s->style];
    int prev = *slot, prev_parent_last = -1;
    if (prev < 0 && s->parent >= 0)
        prev_parent_last = nb->last_by_parent_style[s->style][pstyle];
    *slot = idx;
    nb->last_child.v[(size_t)(s->parent + 1) * HB_NSTYLES + ANY_STYLE] = idx;
    nb->seen_styles |= 1u << s->style;
    if (s->parent >= 0)
        nb->last_by_parent_style[s->style][pstyle] = idx;
    char a[32], b[32];
    hb_marker pm = *m;
    if (prev >= 0) {
        int pn = d->sections.v[prev].number;
        pm.number = pn;
        if (s->number == pn)
            return hb_doc_warn(d, "numbering-repeat", s->line, "%s repeats %s",
                               marker_text(m, a), marker_text(&pm, b));
        if (s->number == 1)
            return hb_doc_warn(d, "numbering-restart", s->line, "%s restarts after %s under the same parent",
                               marker_text(m, a), marker_text(&pm, b));
        if (s->number != pn + 1)
            return hb_doc_warn(d, "numbering-gap", s->line, "%s follows %s",
                               marker_text(m, a), marker_text(&pm, b));
        return 1;
    }
    if (s->number == 1)
        return 1;
    if (prev_parent_last >= 0 && d->sections.v[prev_parent_last].number + 1 == s->number) {
        int plan = d->doc_type && strcmp(d->doc_type, "plan") == 0;
        return hb_doc_warn(d, "numbering-continues", s->line,
                           plan ? "%s continues the numbering of the previous part (usual in a 工作要点)"
                                : "%s continues the numbering of the previous part instead of restarting at 1",
                           marker_text(m, a));
    }
    return hb_doc_warn(d, "numbering-gap", s->line, "%s is the first of its level here",
                       marker_text(m, a));
}

/* 1、 （二） 3、 or （一） 2、 （三）: a marker of another style that carries
 * on the numbering of the run it interrupts is a slip of the typist.  It
 * nests and is numbered as the next of that run (its level stays as
 * written), with a warning.  Returns 0 only when out of memory. */
static int marker_slip(hb_doc *d, const numbering *nb, const int *stack, int depth, hb_marker *m, int line)
{
    int k = depth;
    while (k > 0 && d->sections.v[stack[k - 1]].rank >= m->rank)
        k--;
    int parent = k ? stack[k - 1] : -1;
    int run = -1;
    if (k < depth) { /* shallower than the run it follows */
        int prev = last_child(nb, parent, ANY_STYLE);
        if (prev >= 0 && last_child(nb, parent, m->style) < 0)
            run = prev;
    } else if (depth > 0 && !(nb->seen_styles & (1u << m->style)) &&
               last_child(nb, stack[depth - 1], ANY_STYLE) < 0) { /* deeper, as a first child */
        run = stack[depth - 1];
    }
    if (run < 0)
        return 1;
    const hb_section *r = &d->sections.v[run];
    if (r->style == m->style || r->number + 1 != m->number)
        return 1;
    char a[32];
    marker_text(m, a);
    m->rank = r->rank;
    m->style = r->style;
    return hb_doc_warn(d, "marker-style", line, "%s continues the numbering of %s in another marker style", a,
                       r->marker);
}

static int add_items(hb_doc *d, int p, size_t from, int section, int *last_family, int *last_number)
{
    const hb_para *pa = &d->paras.v[p];
    const char *v = d->view;
    size_t first_item = d->items.n;
    int at_boundary = 1;
    /* First title terminator at or after the last title start: items only
     * move forward, so reusing it keeps "一是…，一是…，" linear. */
    size_t stop = 0;
    for (size_t i = from; i < pa->vend;) {
        /* inside a clause only ① (U+2460…, lead byte E2) may start an item:
         * step to the next byte that may end the clause or start one */
        if (!at_boundary)
            i = next_in(CLAUSE_LEAD, SCAN32(clause_lead32), v, i, pa->vend);
        if (i == pa->vend)
            break;
        int fam, num;
        size_t ml;
        int cp;
        size_t clen = (size_t)hb_utf8_next(v + i, pa->vend - i, &cp);
        /* ① needs no punctuation before it: 做到①…，②… */
        if ((at_boundary || hb_is_circled(cp)) && hb_item_marker(v + i, pa->vend - i, &fam, &num, &ml) &&
            (num == 1 || (fam == *last_family && num == *last_number + 1))) {
            hb_item it = {.number = num, .vstart = i, .para = p, .section = section};
            /* the separator after the marker is not part of the marker */
            size_t mend = i + ml;
            it.marker = hb_doc_orig_kept(d, i, mend - ((v[mend - 1] == ',' || v[mend - 1] == ':') ? 1
                                                  : (mend - i >= 3 && memcmp(v + mend - 3, "、", 3) == 0 && fam != HB_IF_SHI) ? 3 : 0));
            if (!it.marker)
                return 0;
            size_t t = mend;
            while (t < pa->vend && (v[t] == ' ' || v[t] == ',' || v[t] == ':'))
                t++;
            it.tstart = t;
            if (stop < t) {
                stop = t;
                while ((stop = next_in(ITEM_END, SCAN32(item_end32), v, stop, pa->vend)) < pa->vend && v[stop] != ';' &&
                       v[stop] != '!' && v[stop] != '?' && !is_full_stop(v, stop, pa->vend))
                    stop++;
            }
            it.tend = trim_end(v, t, stop);
            if (!hb_vec_push(&d->arena, &d->items, it))
                return 0;
            *last_family = fam;
            *last_number = num;
            i = mend;
            at_boundary = 0;
            continue;
        }
        /* 剖析原因，一是… : a comma is a boundary too, and a space (a line
         * break lost in run-together text: …加强。 一是…); 统一是 is not */
        at_boundary = CLAUSE_BOUNDARY[(unsigned char)v[i]] || is_full_stop(v, i, pa->vend);
        i += clen;
    }
    /* an item runs to the next item of this paragraph or the paragraph end;
     * its title never runs into the next item (nor its separator) */
    for (size_t k = first_item; k < d->items.n; k++) {
        hb_item *it = &d->items.v[k];
        it->vend = k + 1 < d->items.n ? d->items.v[k + 1].vstart : pa->vend;
        if (it->tend > it->vend)
            it->tend = it->vend;
        /* …不足，⏎三是: a paragraph cut at the next item's line ends with a comma */
        while (it->tend > it->tstart && (v[it->tend - 1] == ' ' || v[it->tend - 1] == ',' || v[it->tend - 1] == ':'))
            it->tend--;
        it->tend = title_cap(v, it->tstart, it->tend);
    }
    /* 一是 (or 第一，) alone on its line: its title is the next line */
    hb_item *last = d->items.n > first_item ? &d->items.v[d->items.n - 1] : NULL;
    if (last && last->tstart >= pa->vend && (size_t)p + 1 < d->paras.n &&
        d->paras.v[p + 1].role == HB_PARA_BODY) {
        const hb_para *nx = &d->paras.v[p + 1];
        hb_marker m;
        int fam, num;
        size_t ml, te = nx->vstart;
        if (!hb_heading_marker(&d->engine->counts_on, v + nx->vstart, nx->vend - nx->vstart, &m) &&
            !hb_item_marker(v + nx->vstart, nx->vend - nx->vstart, &fam, &num, &ml)) {
            while (te < nx->vend && v[te] != ';' && !is_full_stop(v, te, nx->vend))
                te++;
            last->tstart = nx->vstart;
            last->tend = title_cap(v, nx->vstart, trim_end(v, nx->vstart, te));
            last->vend = nx->vend;
        }
    }
    return 1;
}

/* "parent.n" at id (room for the parent's id, at most HB_SECTION_ID_MAX
 * bytes, and 22 more); returns its length.  Was snprintf, 900
 * instructions a section. */
static size_t child_id(char *id, const char *parent, int n)
{
    size_t pl = strlen(parent);
    memcpy(id, parent, pl);
    id[pl] = '.';
    return (size_t)(hb_put_uint(id + pl + 1, (size_t)n) - id);
}

hb_status hb_sections_run(hb_doc *d)
{
    int stack[16];
    int depth = 0;
    int last_family = 0, last_number = 0, items_section = -2;
    numbering nb = {0};
    memset(nb.last_by_parent_style, -1, sizeof nb.last_by_parent_style);
    if (!numbering_open(d, &nb))
        return HB_ERR_NOMEM;
    for (size_t p = 0; p < d->paras.n; p++) {
        hb_para *pa = &d->paras.v[p];
        if (pa->role != HB_PARA_BODY) {
            pa->section = depth ? stack[depth - 1] : -1;
            continue;
        }
        const char *s = d->view + pa->vstart;
        size_t len = pa->vend - pa->vstart;
        hb_marker m;
        size_t body_from = pa->vstart;
        if (hb_heading_marker(&d->engine->counts_on, s, len, &m)) {
            size_t ts = pa->vstart + m.len;
            while (ts < pa->vend && d->view[ts] == ' ')
                ts++;
            size_t te = trim_end(d->view, ts, title_end(d->view, ts, pa->vend));
            /* a level-1 title runs into its body in any layout once the
             * line break after it is lost; other levels only where the
             * line was cut from run-together text */
            if (pa->glued || m.rank <= 1)
                te = glued_title_end(d, ts, te);
            /* 一、强化党建引领 全年发展党员9名: a space stands for the line
             * break after the title (a run-together copy lost it) */
            const char *sp = memchr(d->view + ts, ' ', te - ts);
            te = sp ? (size_t)(sp - d->view) : te;
            size_t cap = title_cap(d->view, ts, te);
            if (cap < te && !hb_doc_warn(d, "long-title", pa->first_line,
                                         "a heading title longer than %d characters was cut", HB_HEADING_MAX_CHARS))
                return HB_ERR_NOMEM;
            te = cap;
            if (te > ts) {
                if (!marker_slip(d, &nb, stack, depth, &m, pa->first_line))
                    return HB_ERR_NOMEM;
                while (depth > 0 && d->sections.v[stack[depth - 1]].rank >= m.rank)
                    depth--;
                hb_section sec = {.level = m.level, .rank = m.rank, .style = m.style,
                                  .number = m.number, .vstart = pa->vstart, .tstart = ts,
                                  .tend = te, .para = (int)p, .line = pa->first_line,
                                  .parent = depth ? stack[depth - 1] : -1};
                size_t mend = pa->vstart + m.len; /* 第一部分　: the space after is no part of it */
                while (mend > pa->vstart + 1 && strchr(" :,", d->view[mend - 1]))
                    mend--;
                sec.marker = hb_doc_orig_kept(d, pa->vstart, mend);
                if (!sec.marker)
                    return HB_ERR_NOMEM;
                int idx = (int)d->sections.n;
                if (!hb_vec_push(&d->arena, &d->sections, sec) || !numbering_open(d, &nb))
                    return HB_ERR_NOMEM;
                if (depth < 16)
                    stack[depth++] = idx;
                if (!check_numbering(d, &nb, idx, &m))
                    return HB_ERR_NOMEM;
                body_from = te;
            }
        }
        pa->section = depth ? stack[depth - 1] : -1;
        if (pa->section != items_section)
            last_family = last_number = 0, items_section = pa->section;
        if (!add_items(d, (int)p, body_from, pa->section, &last_family, &last_number))
            return HB_ERR_NOMEM;
    }
    hb_arena_free(&d->arena, nb.last_child.v);
    hb_vec_trim(&d->arena, &d->sections);
    hb_vec_trim(&d->arena, &d->items);
    /* spans: heading to the next heading of the same or a higher rank, and
     * never into the signature; one pass with a stack keeps this linear */
    size_t end_all = d->view_len;
    for (size_t p = 0; p < d->paras.n; p++)
        if (d->paras.v[p].role == HB_PARA_SIGNATURE) {
            end_all = d->paras.v[p].vstart;
            break;
        }
    int *open = malloc((d->sections.n + 1) * sizeof *open);
    int *children = calloc(d->sections.n + 1, sizeof *children);
    if (!open || !children) {
        free(open);
        free(children);
        return HB_ERR_NOMEM;
    }
    int nopen = 0, top_count = 0;
    for (size_t i = 0; i < d->sections.n; i++) {
        hb_section *s = &d->sections.v[i];
        while (nopen > 0 && d->sections.v[open[nopen - 1]].rank >= s->rank)
            d->sections.v[open[--nopen]].vend = s->vstart;
        open[nopen++] = (int)i;
        char id[HB_SECTION_ID_MAX + 24];
        size_t len = s->parent >= 0 ? child_id(id, d->sections.v[s->parent].id, ++children[s->parent])
                                    : (size_t)(hb_put_uint(id, (size_t)++top_count) - id);
        if (!(s->id = hb_arena_strndup(&d->arena, id, len < HB_SECTION_ID_MAX ? len : HB_SECTION_ID_MAX))) {
            free(open);
            free(children);
            return HB_ERR_NOMEM;
        }
    }
    while (nopen > 0)
        d->sections.v[open[--nopen]].vend = end_all;
    for (size_t i = 0; i < d->sections.n; i++)
        if (d->sections.v[i].vend > end_all)
            d->sections.v[i].vend = end_all;
    free(open);
    free(children);
    /* kinds once every heading is known: a later year names the plans only
     * against the year the report looks back on */
    d->ref_year = d->period_to;
    for (size_t i = 0; !d->period_to && i < d->sections.n; i++) {
        const hb_section *s = &d->sections.v[i];
        if (s->tend < s->tstart + 7)
            continue;
        size_t last = s->tend - 7; /* the last place a year (2024年) fits */
        for (size_t k = s->tstart; (k = year_lead(d->view, k, last)) <= last; k++)
            if (k == s->tstart || d->view[k - 1] < '0' || d->view[k - 1] > '9') {
                int y = atoi(d->view + k);
                if (y >= 1900 && y <= 2099 && !memcmp(d->view + k + 4, "年", 3) && (!d->ref_year || y < d->ref_year))
                    d->ref_year = y;
            }
    }
    for (size_t i = 0; i < d->sections.n; i++)
        d->sections.v[i].kind = child_kind(d, &d->sections.v[i]);
    /* Without a title or opening cue (doc_type still NULL), the headings
     * tell: work done or problems make a report, only plans a plan. */
    if (!d->doc_type && d->sections.n > 0) {
        int report = 0, plans = 0;
        for (size_t i = 0; i < d->sections.n; i++) {
            int k = d->sections.v[i].kind;
            report |= k == HB_KIND_ACHIEVEMENTS || k == HB_KIND_PROBLEMS || k == HB_KIND_CAUSES;
            plans |= k == HB_KIND_PLANS;
        }
        d->doc_type = report ? "report" : plans ? "plan" : "unknown";
    }
    /* after the heading warnings, where the report has always listed it */
    if (d->paras.n == 0 && !hb_doc_warn(d, "no-content", 0, "the file holds only blank or layout lines"))
        return HB_ERR_NOMEM;
    return HB_OK;
}
