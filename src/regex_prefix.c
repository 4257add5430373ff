/* The classes a match's first characters must be in (regex_prefix.h): a
 * small reading of PCRE2's syntax that follows, part by part, the set of
 * offsets (in characters, below HB_PREFIX_CHARS) where the next part may
 * start.  A character or a class of listed characters and ranges is a
 * condition at those offsets, and moves them on by one; a group moves
 * them as its branches do; a repeat {n,m} is read as n to m copies.  Only
 * what every match passes through gives conditions: not a part that may be
 * absent or a lookaround; of a branch of several, only its first, united
 * with the other branches' first.  Anything not understood
 * gives no conditions at all (a branch after it would make those before it
 * not necessary). */
#include "regex_prefix.h"

#include <string.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include "normalize.h"
#include "regex_lits.h"

/* MAX_GROUPS: the groups \1 … \9 refer to; MAX_STEPS: parts read in all,
 * repeats read again included, so that nested repeats cannot make a
 * pattern's reading take long (the dict/ patterns read a few hundred) */
enum { MAX_DEPTH = 32, MAX_GROUPS = 9, MAX_STEPS = 4096 };

/* Bit k: a part may start k characters after the match's start. */
typedef uint32_t offsets;

#define IN_REACH ((offsets)((1u << HB_PREFIX_CHARS) - 1))

typedef struct {
    const char *p;
    int bad;      /* a part not understood: nothing is known */
    int depth;
    int steps;    /* parts read so far */
    int record;   /* conditions met here are necessary and kept */
    hb_prefix *out;
    int groups;   /* capturing groups opened so far */
    /* group N's one class, for \N: known[N] is 0 when the group is not a
     * single character of a class (or not closed yet) */
    int known[MAX_GROUPS + 1];
    hb_prefix_cond *one; /* MAX_GROUPS + 1 of them, not cleared: read where known */
} parser;

/* What one part is when it is a single character of a known class. */
typedef struct {
    int is;
    hb_prefix_cond c;
} single;

static offsets next(offsets s)
{
    return (s << 1) & IN_REACH;
}

/* Keeps the condition c at offsets s when it is necessary here. */
static void keep(parser *ps, offsets s, const hb_prefix_cond *c)
{
    hb_prefix *o = ps->out;
    if (!ps->record || !s || o->n == HB_PREFIX_MAX)
        return; /* a condition left out only lets more places through */
    o->c[o->n] = *c;
    o->c[o->n++].at = (uint8_t)s;
}

/* \x{hhh} or \xhh after the x at *pp: its code point, -1 when malformed. */
static long hex_escape(const char **pp)
{
    const char *p = *pp;
    int braced = *p == '{';
    long v = 0;
    int digits = 0;
    for (p += braced; digits < (braced ? 8 : 2); p++, digits++) {
        char ch = *p;
        int d = ch >= '0' && ch <= '9' ? ch - '0' : (ch | 32) >= 'a' && (ch | 32) <= 'f' ? (ch | 32) - 'a' + 10 : -1;
        if (d < 0)
            break;
        v = v * 16 + d;
    }
    if (braced && *p++ != '}')
        return -1;
    *pp = p;
    return digits ? v : -1;
}

/* Escapes that stand for one control character, and their code points. */
static const char CONTROL_ESCAPES[] = "ntrfea";
static const char CONTROL_CODES[] = "\n\t\r\f\033\a";

/* One character at *pp (inside a class or not): 1 and its code point, 0
 * for an escape standing for any of many (\d, \p{Han}), -1 for one not
 * read (ps->bad set). */
static int one_char(parser *ps, const char **pp, uint32_t *cp)
{
    const char *p = *pp;
    if (*p != '\\') {
        size_t n = (size_t)hb_utf8_len((unsigned char)*p);
        int c;
        if (strnlen(p, n) < n) { /* cut short by the pattern's end */
            ps->bad = 1;
            return -1;
        }
        hb_utf8_next(p, n, &c);
        *pp = p + n;
        *cp = (uint32_t)c;
        return 1;
    }
    char e = p[1];
    const char *ctl = e ? strchr(CONTROL_ESCAPES, e) : NULL;
    if (e && !((e | 32) >= 'a' && (e | 32) <= 'z') && !(e >= '0' && e <= '9')) {
        *pp = p + 1;
        return one_char(ps, pp, cp); /* \. \( \[: the character itself */
    }
    if (ctl) {
        *pp = p + 2;
        *cp = (unsigned char)CONTROL_CODES[ctl - CONTROL_ESCAPES];
        return 1;
    }
    if (e == 'x') {
        const char *q = p + 2;
        long v = hex_escape(&q);
        if (v < 0 || v > 0x10FFFF) {
            ps->bad = 1;
            return -1;
        }
        *pp = q;
        *cp = (uint32_t)v;
        return 1;
    }
    if (e == 'p' || e == 'P') { /* \pL, \p{Han} */
        const char *q = p + 2;
        if (*q == '{')
            q = strchr(q, '}');
        if (!q || !*q) {
            ps->bad = 1;
            return -1;
        }
        *pp = q + 1;
        return 0;
    }
    if (e && strchr("dDsSwWhHvV", e)) {
        *pp = p + 2;
        return 0;
    }
    ps->bad = 1;
    return -1;
}

/* A class [...] into *c: 1 when its characters are all read, 0 when it
 * holds some not read one by one ([:alpha:], \d): any character then. */
static int parse_class(parser *ps, hb_prefix_cond *c)
{
    const char *p = ps->p + 1;
    int listed = 1;
    c->nr = 0;
    if ((c->negated = *p == '^'))
        p++;
    for (int first = 1;; first = 0) {
        if (!*p) {
            ps->bad = 1;
            return 0;
        }
        if (*p == ']' && !first) {
            p++;
            break;
        }
        if (p[0] == '[' && p[1] == ':') {
            const char *end = strstr(p + 2, ":]");
            if (!end) {
                ps->bad = 1;
                return 0;
            }
            p = end + 2;
            listed = 0;
            continue;
        }
        uint32_t lo, hi;
        int r = one_char(ps, &p, &lo);
        if (r < 0)
            return 0;
        if (r == 0) {
            listed = 0;
            continue;
        }
        hi = lo;
        if (*p == '-' && p[1] != ']') {
            p++;
            if (one_char(ps, &p, &hi) != 1 || hi < lo) {
                ps->bad = 1; /* [a-\d], [z-a]: not read */
                return 0;
            }
        }
        if (c->nr == HB_PREFIX_RANGES) {
            listed = 0;
            continue;
        }
        c->lo[c->nr] = lo;
        c->hi[c->nr++] = hi;
    }
    ps->p = p;
    return listed;
}


static offsets parse_alt(parser *ps, offsets s, single *one);

/* A group (...) entered at offsets s: where it may end. */
static offsets parse_group(parser *ps, offsets s, single *one)
{
    const char *p = ps->p + 1;
    int look = 0, capture = 1;
    if (*p == '?') {
        const char *q = p + 1;
        capture = 0;
        if (*q == ':' || *q == '>') {
            p = q + 1;
        } else if (*q == '=' || *q == '!' || (*q == '<' && (q[1] == '=' || q[1] == '!'))) {
            look = 1;
            p = q + 1 + (*q == '<');
        } else if (*q == '<' || *q == '\'' || (*q == 'P' && q[1] == '<')) {
            q += *q == 'P' ? 2 : 1;
            while (((*q | 32) >= 'a' && (*q | 32) <= 'z') || (*q >= '0' && *q <= '9') || *q == '_')
                q++;
            if (*q != '>' && *q != '\'') {
                ps->bad = 1;
                return 0;
            }
            p = q + 1;
            capture = 1;
        } else { /* options, comments, conditions, recursion, branch reset */
            ps->bad = 1;
            return 0;
        }
    } else if (*p == '*') { /* verbs */
        ps->bad = 1;
        return 0;
    }
    if (++ps->depth > MAX_DEPTH) {
        ps->bad = 1;
        return 0;
    }
    int n = capture ? ++ps->groups : 0, record = ps->record;
    ps->p = p;
    /* a lookaround is read for its end only: it consumes nothing */
    if (look)
        ps->record = 0;
    offsets e = parse_alt(ps, look ? 0 : s, one);
    ps->record = record;
    ps->depth--;
    if (ps->bad || *ps->p != ')') {
        ps->bad = 1;
        return 0;
    }
    ps->p++;
    if (n > 0 && n <= MAX_GROUPS && one->is) {
        ps->known[n] = 1;
        ps->one[n] = one->c;
    }
    if (look) {
        one->is = 0;
        return s;
    }
    return e;
}

/* One part (no quantifier) entered at offsets s: where it ends. */
static offsets parse_atom(parser *ps, offsets s, single *one)
{
    const char *p = ps->p;
    one->is = 0;
    if (++ps->steps > MAX_STEPS) {
        ps->bad = 1;
        return 0;
    }
    if (*p == '(')
        return parse_group(ps, s, one);
    if (*p == '[') {
        if ((one->is = parse_class(ps, &one->c)))
            keep(ps, s, &one->c);
        return next(s);
    }
    if (*p == '^' || *p == '$' || *p == '.') {
        ps->p = p + 1;
        return *p == '.' ? next(s) : s;
    }
    if (*p == '*' || *p == '+' || *p == '?' || *p == '{') {
        ps->bad = 1;
        return 0;
    }
    if (*p == '\\' && p[1] && strchr("bBAzZG", p[1])) {
        ps->p = p + 2;
        return s;
    }
    if (*p == '\\' && p[1] >= '1' && p[1] <= '9' && !(p[2] >= '0' && p[2] <= '9')) {
        int n = p[1] - '0'; /* \1: what group 1 matched, a character of its class */
        if (n > ps->groups || !ps->known[n]) {
            ps->bad = 1;
            return 0;
        }
        ps->p = p + 2;
        keep(ps, s, &ps->one[n]);
        return next(s);
    }
    uint32_t cp;
    int r = one_char(ps, &ps->p, &cp);
    if (r < 0)
        return 0;
    if (r > 0) {
        one->c.negated = 0;
        one->c.nr = 1;
        one->c.lo[0] = one->c.hi[0] = cp;
        one->is = 1;
        keep(ps, s, &one->c);
    }
    return next(s);
}

/* A part and its quantifier, entered at offsets s: where they may end.  A
 * repeat is read copy by copy (the first min ones necessary) until the
 * offsets pass out of reach or stay the same (a part that may match
 * nothing), which takes at most HB_PREFIX_CHARS copies: from there on each
 * copy keeps what the last one kept and ends where it ended. */
static offsets parse_repeat(parser *ps, offsets s, single *one)
{
    const char *p0 = ps->p;
    size_t mark = ps->out->n;
    int groups = ps->groups, record = ps->record;
    offsets cur = parse_atom(ps, s, one);
    long min, max;
    if (!ps->bad && !hb_regex_quantifier(&ps->p, &min, &max))
        ps->bad = 1;
    if (ps->bad)
        return 0;
    const char *p1 = ps->p;
    if (min == 0)
        ps->out->n = mark;
    if (min != 1 || max != 1)
        one->is = 0;
    offsets ends = (min == 0 ? s : 0) | (min <= 1 ? cur : 0);
    single again;
    for (long k = 2; cur && (max < 0 || k <= max); k++) {
        if (k > HB_PREFIX_CHARS + 3) {
            ps->bad = 1; /* not reached: see above */
            return 0;
        }
        offsets last = cur;
        ps->p = p0;
        ps->groups = groups;
        ps->record = record && k <= min;
        cur = parse_atom(ps, cur, &again);
        ps->record = record;
        if (ps->bad)
            return 0;
        if (k >= min || cur == last)
            ends |= cur;
        if (cur == last)
            break;
    }
    ps->p = p1;
    return ends;
}

/* A sequence entered at offsets s: where it ends; *one when it is a single
 * character of a known class. */
static offsets parse_seq(parser *ps, offsets s, single *one)
{
    int parts = 0;
    single part;
    part.is = 0;
    while (!ps->bad && *ps->p && *ps->p != '|' && *ps->p != ')') {
        s = parse_repeat(ps, s, &part);
        parts++;
    }
    one->is = parts == 1 && part.is;
    if (one->is)
        one->c = part.c;
    return s;
}

/* Takes branch b's first condition (kept at ps->out->c[mark], if any)
 * into the union u of the branches' first conditions: some offset of one
 * of them holds a character of one of their classes.  u->nr set past
 * HB_PREFIX_RANGES: no union (a branch without a condition, a negated
 * class, too many ranges). */
static void unite(parser *ps, size_t mark, hb_prefix_cond *u)
{
    const hb_prefix_cond *b = &ps->out->c[mark];
    if (ps->out->n == mark || b->negated || u->nr + b->nr > HB_PREFIX_RANGES) {
        u->nr = HB_PREFIX_RANGES + 1;
        return;
    }
    u->at |= b->at;
    memcpy(u->lo + u->nr, b->lo, b->nr * sizeof *b->lo);
    memcpy(u->hi + u->nr, b->hi, b->nr * sizeof *b->hi);
    u->nr += b->nr;
}

/* Branches entered at offsets s: where any of them ends.  With several,
 * none of their conditions is necessary, but the union of their first
 * ones is: (有限公司|股份公司) starts with 有 or 股. */
static offsets parse_alt(parser *ps, offsets s, single *one)
{
    size_t mark = ps->out->n;
    offsets e = parse_seq(ps, s, one);
    if (ps->bad || *ps->p != '|')
        return e;
    hb_prefix_cond u;
    u.at = 0;
    u.negated = 0;
    u.nr = 0;
    unite(ps, mark, &u);
    ps->out->n = mark;
    one->is = 0;
    single other;
    while (!ps->bad && *ps->p == '|') {
        ps->p++;
        e |= parse_seq(ps, s, &other);
        unite(ps, mark, &u);
        ps->out->n = mark;
    }
    if (u.nr <= HB_PREFIX_RANGES)
        keep(ps, u.at, &u);
    return e;
}

/* How many code points a condition lets through (a negated one: most). */
static uint64_t span(const hb_prefix_cond *c)
{
    uint64_t n = 0;
    for (unsigned r = 0; r < c->nr; r++)
        n += (uint64_t)c->hi[r] - c->lo[r] + 1;
    return c->negated ? UINT64_MAX - n : n;
}

/* Whether condition a is asked before b: the narrower first, most places
 * failing on it; of two as narrow, the one further from the start (a
 * caller picks its places by the first character, which then fits). */
static int asked_before(const hb_prefix_cond *a, const hb_prefix_cond *b)
{
    uint64_t x = span(a), y = span(b);
    return x != y ? x < y : a->at > b->at;
}

static void set_lows(hb_prefix_cond *c)
{
    int all = c->negated; /* a negated class, or a range as wide as the map: every bit */
    for (unsigned r = 0; r < c->nr; r++)
        all |= c->hi[r] - c->lo[r] >= HB_PREFIX_LOWS - 1;
    memset(c->lows, all ? 0xFF : 0, sizeof c->lows);
    for (unsigned r = 0; r < c->nr && !all; r++)
        for (uint32_t cp = c->lo[r]; cp <= c->hi[r]; cp++)
            c->lows[cp % HB_PREFIX_LOWS / 64] |= (uint64_t)1 << (cp % 64);
}

void hb_regex_prefix(const char *pattern, uint32_t options, hb_prefix *out)
{
    const uint32_t known = PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK |
                           PCRE2_MULTILINE | PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY;
    out->n = 0; /* the conditions past n are never read */
    if (options & ~known)
        return;
    hb_prefix_cond groups[MAX_GROUPS + 1];
    parser ps = {.p = pattern, .record = 1, .out = out, .one = groups};
    single one;
    parse_alt(&ps, 1, &one);
    if (ps.bad || *ps.p) {
        out->n = 0;
        return;
    }
    for (size_t i = 0; i < out->n; i++)
        set_lows(&out->c[i]);
    for (size_t i = 1; i < out->n; i++)
        for (size_t j = i; j > 0 && asked_before(&out->c[j], &out->c[j - 1]); j--) {
            hb_prefix_cond t = out->c[j];
            out->c[j] = out->c[j - 1];
            out->c[j - 1] = t;
        }
}

static int in_class(const hb_prefix_cond *c, uint32_t cp)
{
    if (!((c->lows[cp % HB_PREFIX_LOWS / 64] >> (cp % 64)) & 1))
        return 0;
    for (unsigned r = 0; r < c->nr; r++)
        if (cp - c->lo[r] <= c->hi[r] - c->lo[r])
            return !c->negated;
    return c->negated;
}

void hb_prefix_file(hb_prefix *to, const hb_prefix *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const hb_prefix_cond *c = &p->c[i];
        hb_prefix_cond *f = &to->c[i];
        f->at = c->at;
        f->negated = c->negated;
        f->nr = c->nr;
        memcpy(f->lows, c->lows, sizeof f->lows);
        memcpy(f->lo, c->lo, c->nr * sizeof *c->lo);
        memcpy(f->hi, c->hi, c->nr * sizeof *c->hi);
    }
    to->n = p->n;
}

int hb_prefix_valid(const hb_prefix *p)
{
    int ok = p->n <= HB_PREFIX_MAX;
    for (size_t i = 0; ok && i < p->n; i++)
        ok = p->c[i].nr <= HB_PREFIX_RANGES;
    return ok;
}

int hb_prefix_may_match_all(const hb_prefix *p, const char *s, size_t len)
{
    size_t at[HB_PREFIX_CHARS + 1], n = 1; /* where characters 0..n-1 start */
    at[0] = 0;
    /* in Han text (the numerals' places) character o < han starts at 3 o,
     * decoded without stepping to it */
    unsigned han = len >= 16 ? hb_prefix_han_chars(s) : 0;
    for (size_t k = 0; k < p->n; k++) {
        const hb_prefix_cond *c = &p->c[k];
        int fits = 0;
        for (unsigned offs = c->at; offs && !fits; offs &= offs - 1) {
            unsigned o = (unsigned)__builtin_ctz(offs);
            int cp;
            if (o < han) {
                const unsigned char *u = (const unsigned char *)s + 3 * o;
                cp = ((u[0] & 0x0F) << 12) | ((u[1] & 0x3F) << 6) | (u[2] & 0x3F);
            } else {
                /* only the characters asked about are decoded */
                for (; n <= o && at[n - 1] < len; n++)
                    at[n] = at[n - 1] + (size_t)hb_utf8_len((unsigned char)s[at[n - 1]]);
                if (o >= n || at[o] >= len)
                    break; /* the text ends before */
                hb_utf8_next(s + at[o], len - at[o], &cp);
            }
            fits = in_class(c, (uint32_t)cp);
        }
        if (!fits)
            return 0;
    }
    return 1;
}
