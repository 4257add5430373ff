/* Metrics: one pass over the number tokens' starts (the tokens stage keeps
 * no more of its stream); at each the numeral
 * is read (with an approximation word written before it), checked against
 * the exclusions, and kept when a measure word follows.  See metrics.h. */
#include "metrics.h"

#include <math.h>
#include <string.h>

#include "chars.h"
#include "engine.h"
#include "extract.h"
#include "json_out.h"
#include "metric_subject.h"
#include "normalize.h"
#include "numeral.h"
#include "sections.h"
#include "slogans.h"
#include "words.h"
#include "tokens.h"
#include "units.h"

/* How far a clause fragment or a subject reaches from the number, in bytes:
 * enough for any real phrase, and a bound that keeps a report without
 * punctuation linear. */
enum { WINDOW = 120, MAX_PREFIX_CHARS = 3 };

/* The shortest report run alone whose subject walks keep a memo of word
 * facts (metric_subject.h): in a 5 KB report one word in six was asked
 * about before, and the memo cost more than it saved (callgrind, 100
 * reports of 5 KB each with its own: +3%); from about 64 KiB on it pays
 * (600 KB: -3.5%), and so it does for reports run as a group (hb_group;
 * the same 100 reports in groups of 64: -0.5%). */
enum { MEMO_MIN_VIEW = 64 * 1024 };

/* How many number starts ahead the view is fetched: the first read of a
 * number's bytes was a fifth of read_metric's time (perf), a miss each,
 * the numbers too far apart (some 60 bytes, with the segmenter's lexicon
 * read in between) for the hardware to fetch them ahead. */
enum { AHEAD = 4 };

/* A report with more number starts than fit in twice this many bytes of
 * metrics has room made for a metric at every other one at once
 * (hb_metrics_run): more than the arena's 64 KiB blocks, it is a block of
 * its own (arena.c), which hb_vec_trim shrinks in place.  Under it the
 * vector grows as it fills: a small report's arena would hold the room
 * unused. */
enum { RESERVE_MIN = 64 * 1024 };

#define EXACT_MAX 9007199254740992.0 /* 2^53 */

hb_status hb_metrics_load(struct hb_engine *e, hb_error *err)
{
    return hb_metric_rules_load(e, err);
}

void hb_metrics_unload(struct hb_engine *e)
{
    hb_metric_rules_free(e->metrics);
    e->metrics = NULL;
}

static size_t prev_char(const char *s, size_t p)
{
    do
        p--;
    while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80);
    return p;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Folding turns the Chinese comma into ',': 100，200人 must not read as
 * 100200.  A thousands group whose comma was written ， after an ASCII digit
 * ends the number.  Only the groups the numeral reader would take are
 * looked at (at most three digits, then ",ddd" groups), so the scan stays
 * within the number and linear over 1,1,1,… */
static size_t comma_limit(const hb_doc *d, size_t pos, size_t lim)
{
    const char *v = d->view;
    size_t q = pos;
    while (q < lim && is_digit(v[q]))
        q++;
    if (q - pos > 3)
        return lim;
    while (q + 3 < lim && v[q] == ',' && is_digit(v[q + 1]) && is_digit(v[q + 2]) &&
           is_digit(v[q + 3]) && (q + 4 == lim || !is_digit(v[q + 4]))) {
        if ((unsigned char)d->text[hb_doc_vstart(d, q)] != ',' && (unsigned char)d->text[hb_doc_vstart(d, q - 1)] < 0x80)
            return q;
        q += 4;
    }
    return lim;
}

typedef struct {
    size_t at;      /* the position asked about, relative to the segmented window */
    int boundary;   /* a word starts there */
} boundary_query;

static void note_boundary(void *ctx, size_t s, size_t e)
{
    boundary_query *q = ctx;
    (void)e;
    q->boundary |= s == q->at;
}

/* Whether the word at [ws, we) is the tail of a longer word (约 of 签约, 近
 * of 最近 are no approximation): segments a few characters before it. */
static int glued(const hb_doc *d, size_t from, size_t ws, size_t we)
{
    size_t s = ws;
    for (int k = 0; k < 4 && s > from; k++)
        s = prev_char(d->view, s);
    if (s == ws)
        return 0;
    boundary_query q = {ws - s, 0};
    hb_words(d, d->view + s, we - s, 0, note_boundary, &q);
    return !q.boundary;
}

/* The numeral at pos, taking an approximation word written right before it
 * (近百, 超过300, 不少于5): the longest such start wins. */
static int parse_at(const hb_doc *d, size_t lim, size_t pos, size_t from, hb_numeral *n)
{
    const char *v = d->view;
    size_t starts[MAX_PREFIX_CHARS];
    unsigned opens = 0; /* bit k: a word may open at starts[k] (most numbers: none) */
    for (size_t s = pos, k = 0; k < MAX_PREFIX_CHARS && s > from; k++) {
        int cp;
        s = hb_char_before(v, s, &cp);
        if (s < from || !hb_is_han(cp)) /* approximation words are Han */
            break;
        starts[k] = s;
        opens |= (unsigned)hb_numeral_opens_approx(&d->engine->numerals, cp, v, lim, s) << k;
    }
    for (int k; opens; opens &= ~(1u << k)) {
        k = 31 - __builtin_clz(opens); /* the farthest first */
        if (hb_numeral_parse(&d->engine->numerals, v, lim, starts[k], n) && n->approx_word &&
            n->approx_start == starts[k] && n->end > pos && !glued(d, from, n->approx_start, n->approx_end))
            return 1;
    }
    return hb_numeral_parse(&d->engine->numerals, v, lim, pos, n);
}

/* A bound word (metric_approx.txt, numeral_approx.txt's kind bound) before
 * the number, right before it (突破18万户) or before one verb (至少培育1个);
 * NULL when none, else *at is where the bound word starts. */
static const hb_rule_word *bound_before(const hb_doc *d, size_t from, size_t pos, size_t *at)
{
    const struct hb_metric_rules *r = d->engine->metrics;
    const char *v = d->view;
    const hb_rule_word *b = hb_wordlist_suffix(&r->bounds, v + from, pos - from);
    if (!b) {
        const hb_rule_word *verb = hb_wordlist_suffix(&r->verbs, v + from, pos - from);
        if (!verb)
            return NULL;
        pos -= verb->len;
        b = hb_wordlist_suffix(&r->bounds, v + from, pos - from);
    }
    if (!b || glued(d, from, pos - b->len, pos))
        return NULL;
    *at = pos - b->len;
    return b;
}

/* Punctuation that ends a clause.  Quotation, title and bracket marks do
 * not: “最强党支部”**个 and 专（兼）职党务干部**人 are one phrase. */
static int is_separator(const hb_token *t)
{
    return t->type == HB_TOK_PUNCT &&
           (t->sub == HB_P_STOP || t->sub == HB_P_SEMI || t->sub == HB_P_COLON ||
            t->sub == HB_P_COMMA || t->sub == HB_P_PAUSE);
}

/* Whether view position p starts a separator (or the paragraph ends);
 * with names_too 0, a 、 does not count: it lists names (**部、**处). */
static int at_clause_end(const char *v, size_t p, size_t lim, int names_too)
{
    if (p >= lim)
        return 1;
    int type, sub;
    hb_token_at(v + p, lim - p, 0, &type, &sub);
    hb_token t = {0, 0, (uint8_t)type, (uint8_t)sub};
    return is_separator(&t) && (names_too || sub != HB_P_PAUSE);
}

/* The length of the separator (is_separator) starting at v[p], 0 when
 * none: ，；：！？ (ASCII once folded), 。 and 、. */
static inline int separator_len(const char *v, size_t p, size_t end)
{
    const unsigned char *u = (const unsigned char *)v + p;
    switch (u[0]) {
    case ',': case ';': case ':': case '!': case '?':
        return 1;
    case 0xE3: /* 、 。 */
        return p + 2 < end && u[1] == 0x80 && (u[2] == 0x81 || u[2] == 0x82) ? 3 : 0;
    default:
        return 0;
    }
}

/* The bytes of v[at, at + 8) that may start a separator (separator_len):
 * an ASCII byte or E3, the top bit of each one's lane set (lane i the byte
 * at + i).  Han text, lead bytes E4..E9 and continuation bytes, has none,
 * so the clause scans skip it eight bytes at a time and in a block with
 * some go from one to the next (the classic has-zero-byte trick finds E3,
 * and may flag an E2 above one: a superset, each checked). */
static uint64_t separator_lanes8(const char *v, size_t at)
{
    const uint64_t ones = 0x0101010101010101ull, highs = ones * 0x80;
    uint64_t x;
    memcpy(&x, v + at, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    uint64_t e3 = x ^ (ones * 0xE3);
    return (~x & highs) | ((e3 - ones) & ~e3 & highs);
}

/* Whether the separator at q is a ',' inside a number token (1,200: the
 * only separator a token other than itself can hold), found among the
 * number tokens' starts (d->number_starts); *ts, *te: that token. */
static int in_number(const hb_doc *d, const hb_para *pa, size_t q, size_t *ts, size_t *te)
{
    const char *v = d->view;
    if (v[q] != ',' || q == pa->vstart || q + 1 >= pa->vend || !is_digit(v[q - 1]) || !is_digit(v[q + 1]))
        return 0;
    const hb_off *st = d->number_starts.v;
    size_t lo = 0, hi = d->number_starts.n;
    while (lo < hi) { /* the last start at or before q */
        size_t mid = lo + (hi - lo) / 2;
        if (st[mid] <= q)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || st[lo - 1] < pa->vstart)
        return 0;
    int type, sub;
    *ts = st[lo - 1];
    *te = *ts + hb_token_at(v + *ts, pa->vend - *ts, 0, &type, &sub);
    return q < *te;
}

/* The clause around [vs, ve): from just after the separator before vs to
 * the separator after ve, each at most WINDOW bytes away.  The separators
 * are read off the view (a token of their own but for a thousands comma),
 * not from the paragraph's tokens, which are not kept.  The scans go eight
 * bytes at a time (separator_lanes8), byte by byte in the last few: a
 * separator's first byte is never a continuation byte, so every byte it
 * is found at starts a character. */
static void clause_bounds(const hb_doc *d, const hb_para *pa, size_t vs, size_t ve, size_t *cs, size_t *ce)
{
    const char *v = d->view;
    size_t lo = vs > pa->vstart + WINDOW ? vs - WINDOW : pa->vstart;
    size_t hi = ve + WINDOW < pa->vend ? ve + WINDOW : pa->vend;
    size_t ts, te, first = lo, len;
    while (first > 0 && ((unsigned char)v[first] & 0xC0) == 0x80)
        first--; /* the character holding lo is the first looked at */
    *cs = lo;
    for (size_t b = vs; b > first;) {
        uint64_t lanes = b - first >= 8 ? separator_lanes8(v, b - 8) : 0x80; /* else the byte at b - 1 */
        size_t base = b - first >= 8 ? b - 8 : b - 1;
        for (b = base; lanes; lanes &= ~(0x80ull << 8 * ((63 - __builtin_clzll(lanes)) >> 3))) {
            size_t q = base + ((63 - (size_t)__builtin_clzll(lanes)) >> 3); /* the last left */
            if (!(len = (size_t)separator_len(v, q, pa->vend)))
                continue;
            if (in_number(d, pa, q, &ts, &te)) {
                b = ts;
                break;
            }
            *cs = q + len;
            goto after;
        }
    }
after:
    *ce = hi;
    for (size_t s = ve; s < hi;) {
        uint64_t lanes = hi - s >= 8 ? separator_lanes8(v, s) : 0x80; /* else the byte at s */
        size_t base = s;
        for (s += hi - s >= 8 ? 8 : 1; lanes; lanes &= lanes - 1) {
            size_t q = base + ((size_t)__builtin_ctzll(lanes) >> 3); /* the first left */
            if (!separator_len(v, q, pa->vend))
                continue;
            if (in_number(d, pa, q, &ts, &te)) {
                s = te;
                break;
            }
            *ce = q;
            goto done;
        }
    }
done:
    while (*cs > lo && *cs < pa->vend && ((unsigned char)v[*cs] & 0xC0) == 0x80)
        (*cs)++; /* the window may start inside a character */
    while (*ce < hi && ((unsigned char)v[*ce] & 0xC0) == 0x80)
        (*ce)--;
}

/* Applies the scale a unit word itself carries (万元, 万亿元 matched whole):
 * returns the product of the 万 and 亿 it opens with (chars.h; 十, 百, 千
 * are part of units such as 千米, 百分点) and their length in *skip.  Some
 * of the unit is always left. */
static double unit_scale(const char *u, size_t len, size_t *skip)
{
    double mult = 1;
    size_t at = 0;
    while (at < len) {
        int cp;
        unsigned cls;
        size_t n = (size_t)hb_utf8_next(u + at, len - at, &cp);
        int v = hb_cn_numeral(cp, &cls);
        if (!(cls & HB_CN_SCALE) || v < 10000 || at + n >= len)
            break;
        mult *= v;
        at += n;
    }
    *skip = at;
    return mult;
}

/* value × mult rounded to the integer it is meant to be (1.26万 is 12600,
 * not 12600.000000000002); NAN when it leaves the exact range. */
static double scaled(double value, double mult)
{
    if (isnan(value))
        return NAN;
    double x = value * mult;
    double r = round(x);
    if (fabs(x - r) <= 1e-9 * fabs(x))
        x = r;
    return fabs(x) <= EXACT_MAX ? x : NAN;
}

static const char *category_of(const hb_doc *d, const hb_rule_word *unit, const hb_metric *m)
{
    const struct hb_metric_rules *r = d->engine->metrics;
    const char *cat = unit ? unit->cat : NULL;
    if (!cat || m->send <= m->sstart || !r->refined_unit[unit - d->engine->units.v])
        return cat;
    /* the head noun is last: 支部党员大会 is a meeting, not a branch */
    const hb_rule_word *cue = hb_wordlist_last(&r->subjects, d->view + m->sstart, m->send - m->sstart);
    if (cue)
        cat = cue->cat;
    return cat;
}

/* The unit, scale word then measure word, NUL-terminated and kept once per
 * report (hb_doc_keep): a large report states thousands of metrics in a few
 * dozen units.  NULL when out of memory. */
static const char *unit_kept(hb_doc *d, const char *scale, size_t sclen, const char *word, size_t wlen)
{
    char key[HB_KEEP_MAX];
    size_t len = sclen + wlen;
    char *u = len < sizeof key ? key : hb_arena_alloc(&d->arena, len + 1);
    if (!u)
        return NULL;
    memcpy(u, scale, sclen);
    memcpy(u + sclen, word, wlen);
    u[len] = '\0';
    return u != key ? u /* no unit is that long: not worth a slot */ : hb_doc_keep(d, key, len);
}

/* What a run of the stage keeps for its metrics: the memo of word facts
 * (NULL: none). */
typedef struct {
    hb_subject_memo *memo;
} metric_run;

/* The unit, scale word then measure word: with no scale word first (most
 * metrics) the measure word's entry, which is the unit as written, is the
 * engine's string, which the report holds as it holds the category; else
 * unit_kept. */
static const char *unit_of(hb_doc *d, const hb_rule_word *unit, const char *scale, size_t sclen, const char *word,
                           size_t wlen)
{
    return unit && !sclen ? unit->word : unit_kept(d, scale, sclen, word, wlen);
}

/* Reads the metric whose number token starts at view position at of
 * paragraph para, if any; *consumed is where the next number may start.
 * Returns 0 when out of memory. */
static int read_metric(hb_doc *d, metric_run *run, size_t para, size_t at, size_t done, size_t *consumed)
{
    const struct hb_metric_rules *r = d->engine->metrics;
    const hb_para *pa = &d->paras.v[para];
    const char *v = d->view;
    size_t lim = comma_limit(d, at, pa->vend);
    hb_numeral n;

    size_t from = done > pa->vstart ? done : pa->vstart;
    if (!parse_at(d, lim, at, from, &n)) {
        int type, sub; /* no numeral: the next may start after the token */
        *consumed = at + hb_token_at(v + at, pa->vend - at, 0, &type, &sub);
        return 1;
    }
    *consumed = n.end;

    /* the measure word, asked first: most numbers without one (years,
     * item numbers) are turned away by it in one lookup */
    const hb_rule_word *unit;
    size_t us = n.end, ue;
    if (n.percent) {
        unit = hb_wordlist_find(&d->engine->units, "%", 1);
        ue = n.end;
    } else {
        while (us < lim && v[us] == ' ')
            us++;
        unit = hb_wordlist_prefix(&d->engine->units, v + us, lim - us);
        /* **所 names an office (**所所长, **部、**处), but 示范校××所。
         * counts schools */
        if (!unit || (unit->digits_only && n.masked && !at_clause_end(v, us + unit->len, lim, 0)))
            return 1;
        ue = us + unit->len;
    }

    /* ordinals, dates, names and idioms */
    size_t core = n.approx_word && n.approx_start == n.start ? n.approx_end : n.start;
    if (hb_wordlist_suffix(&r->before, v + pa->vstart, n.start - pa->vstart) ||
        hb_wordlist_prefix(&r->words, v + core, lim - core) ||
        hb_wordlist_prefix(&r->after, v + n.end, lim - n.end) ||
        (!n.approx && !n.has_max && !n.percent &&
         hb_wordlist_find(&r->numerals, v + n.start, n.end - n.start)))
        return 1;
    size_t end = ue, wl;
    const char *aw = hb_numeral_approx_after(&d->engine->numerals, v + ue, lim - ue, &wl);
    /* 3小时多。 but not 3个多部门: a lone 多 / 余 after the unit only at a clause end */
    if (aw && (wl > 3 || at_clause_end(v, ue + wl, lim, 1)))
        end = ue + wl;
    else
        aw = NULL;
    if (hb_slogan_covered(d, n.start, end))
        return 1;
    *consumed = end;

    hb_metric m = {0};
    m.para = (int)para;
    m.vstart = n.start;
    m.vend = end;
    m.masked = n.masked;
    m.approx = n.approx || aw;
    m.approx_word = n.approx_word ? n.approx_word : aw;
    size_t lead = n.start; /* where the words before the number end */
    const hb_rule_word *bound = m.approx ? NULL : bound_before(d, from, n.start, &lead);
    if (bound) {
        m.approx = 1;
        if (!(m.approx_word = hb_arena_strndup(&d->arena, bound->word, bound->len)))
            return 0;
    }
    m.value = n.masked ? NAN : n.value;
    m.value_max = n.masked || !n.has_max ? NAN : n.value_max;
    /* 约亿元: the number itself is missing, a scale word alone counts nothing */
    if (!n.masked && n.scale_end > n.scale_start && core == n.scale_start)
        m.value = m.value_max = NAN;
    /* 增速为-6.4%: a sign written right before the number (not 3-5, a range) */
    if (!n.masked && !n.has_max && n.start > pa->vstart && v[n.start - 1] == '-' &&
        (n.start - 1 == pa->vstart || v[n.start - 2] < '0' || v[n.start - 2] > '9')) {
        m.value = -m.value;
        m.vstart = n.start - 1;
    }

    /* unit as written: the numeral's scale word, then the measure word */
    const char *uw = n.percent ? "%" : v + us;
    size_t ulen = n.percent ? 1 : ue - us, sclen = n.scale_end - n.scale_start, skip;
    const char *u = unit_of(d, unit, v + n.scale_start, sclen, uw, ulen);
    if (!u)
        return 0;
    m.unit = u;
    /* read in simplified characters, but reported as written (27項) */
    if (d->converted_script && !n.percent && (!sclen || n.scale_end == us))
        m.unit = hb_doc_orig_kept(d, sclen ? n.scale_start : us, ue);
    if (!m.unit)
        return 0;
    double mult = n.scale * unit_scale(uw, ulen, &skip);
    m.norm_unit = u + sclen + skip;
    m.norm_value = scaled(m.value, mult);
    m.norm_max = scaled(m.value_max, mult);
    if (n.overflow || (!isnan(m.value) && isnan(m.norm_value))) {
        /* a million-digit number is quoted by its start */
        const char *as_written = hb_doc_orig(d, n.start, end - n.start > 60 ? n.start + 60 : end);
        if (!as_written || !hb_doc_warn(d, "metric-overflow", hb_doc_vline(d, n.start),
                                        "number too large to be exact: %s", as_written))
            return 0;
    }

    /* the clause fragment and what it counts */
    size_t cs, ce, ss, se;
    clause_bounds(d, pa, n.start, end, &cs, &ce);
    if (!hb_subject_after(d, run->memo, end, ce, &ss, &se))
        return 0;
    int after = se > ss;
    if (!after && !hb_subject_before(d, run->memo, cs, lead, &ss, &se))
        return 0;
    m.tstart = (hb_off)cs;
    m.tend = (hb_off)(after ? se : end);
    m.sstart = (hb_off)ss;
    m.send = (hb_off)se;
    if (!after && !m.approx && se > ss && (bound = bound_before(d, cs, ss, &lead))) {
        /* 不低于职工总数1%: the bound word stands before what is counted */
        m.approx = 1;
        if (!(m.approx_word = hb_arena_strndup(&d->arena, bound->word, bound->len)))
            return 0;
    }
    m.category = category_of(d, unit, &m); /* the engine's, which the report holds */
    return hb_vec_push(&d->arena, &d->metrics->list, m);
}

/* The memo of word facts for d's metrics (NULL: none): its group's, made
 * by the group's first report when there are several or it is long;
 * without a group (a stage run by itself), one of its own in *own for a
 * long report.  Without one (or out of memory for it) every word is looked
 * up. */
static hb_subject_memo *memo_for(const hb_doc *d, hb_subject_memo **own)
{
    hb_group *g = d->group;
    int pays = d->view_len >= MEMO_MIN_VIEW;
    if (!g)
        return *own = pays ? hb_subject_memo_new() : NULL;
    if (!g->subject_memo && (g->reports > 1 || pays))
        g->subject_memo = hb_subject_memo_new();
    return g->subject_memo;
}

hb_status hb_metrics_run(hb_doc *d)
{
    d->metrics = hb_arena_alloc(&d->arena, sizeof *d->metrics);
    if (!d->metrics)
        return HB_ERR_NOMEM;
    /* room for a metric at every other number start (each is read at its
     * own; a report's metrics are 35-56% of them), doubled once if short:
     * doubled as it filled, a large report's vector was copied at each
     * step (realloc) into pages touched anew.  The room past the last
     * metric is never written, but the heap's top past it is (glibc's
     * header of its free top): room for every start was a huge page more
     * to clear for that header alone (a 4 MB report: 6.6 MiB of room for
     * 2.4 of metrics) */
    size_t most = (d->number_starts.n + 1) / 2;
    if (most * sizeof *d->metrics->list.v > RESERVE_MIN &&
        (d->metrics->list.v = hb_arena_take(&d->arena, most * sizeof *d->metrics->list.v)))
        d->metrics->list.cap = most;
    hb_subject_memo *own = NULL;
    metric_run run = {memo_for(d, &own)};
    size_t done = 0;
    hb_status st = HB_OK;
    const hb_off *at = d->number_starts.v;
    size_t k = 0, n = d->number_starts.n;
    for (size_t p = 0; st == HB_OK && p < d->paras.n && k < n; p++) {
        if (!d->paras.v[p].numbers)
            continue;
        /* the paragraphs before took the starts before this one */
        for (; st == HB_OK && k < n && at[k] < d->paras.v[p].vend; k++) {
            if (k + AHEAD < n)
                __builtin_prefetch(d->view + at[k + AHEAD]);
            if (at[k] >= done && !read_metric(d, &run, p, at[k], done, &done))
                st = HB_ERR_NOMEM;
        }
    }
    hb_subject_memo_free(own);
    hb_arena_free(&d->arena, d->number_starts.v);
    d->number_starts.v = NULL;
    d->number_starts.n = d->number_starts.cap = 0;
    hb_vec_trim(&d->arena, &d->metrics->list);
    return st;
}

/* The clause of a target scan and the phrases that mask a target word. */
typedef struct {
    const char *s;
    size_t len;
    const hb_wordlist *no;
} target_scan;

/* Stops the scan (0) at a target word no `not` phrase masks: 拟 in
 * 拟提拔人选, 计划 in 完成年度计划的103.5% are no goal. */
static int on_target_word(void *ctx, size_t start, size_t end, int value)
{
    const target_scan *t = ctx;
    (void)value;
    for (size_t k = 0; k < t->no->n; k++)
        if (hb_cue_masked(t->no->v[k].word, t->no->v[k].len, t->s, t->len, start, end - start))
            return 1;
    return 0;
}

/* Whether the report is a plan, whose every metric is a goal. */
static int is_plan(const hb_doc *d)
{
    return d->doc_type && !strcmp(d->doc_type, "plan");
}

/* A goal rather than a result: a target word of dict/metric_targets.txt in
 * its clause, a plans section around it, or a plan document (plan:
 * is_plan, asked once for all metrics). */
static int is_target(const hb_doc *d, const hb_metric *m, int sec, int plan)
{
    if (plan || (sec >= 0 && d->sections.v[sec].kind == HB_KIND_PLANS))
        return 1;
    const struct hb_metric_rules *r = d->engine->metrics;
    target_scan t = {d->view + m->tstart, m->tend - m->tstart, &r->not_targets};
    return !hb_ac_scan_all(r->target_ac, t.s, t.len, on_target_word, &t);
}

int hb_metric_target(const hb_doc *d, const hb_metric *m)
{
    return is_target(d, m, d->paras.v[m->para].section, is_plan(d));
}

void hb_metrics_json(hb_doc *d, hb_json_out *out)
{
    int plan = is_plan(d);
    hb_json_array_open(out, "metrics");
    for (size_t i = 0; d->metrics && i < d->metrics->list.n; i++) {
        const hb_metric *m = &d->metrics->list.v[i];
        hb_json_metric(out, d, m, is_target(d, m, d->paras.v[m->para].section, plan));
    }
    hb_json_array_close(out);
}
