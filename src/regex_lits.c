/* Required literals of a pattern: a small recursive reading of PCRE2's
 * syntax.  Each part of a pattern gives a set of strings one of which every
 * match of it holds, or none: a literal character gives itself, a run of
 * them one string, a class of listed characters each of them, a group the
 * union of its branches' sets (none when a branch has none), a sequence the
 * most selective set of its required parts (the longest shortest string).
 * A part that may be absent (?, *, {0,n}) or a lookaround gives none.
 * Anything not understood gives up on the whole pattern. */
#include "regex_lits.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include "hash.h"
#include "normalize.h"

enum { MAX_DEPTH = 32, MAX_RUN = 256 };

typedef struct {
    int n; /* -1: none */
    uint16_t off[HB_LITS_MAX], len[HB_LITS_MAX];
} set;

typedef struct {
    const char *p;
    int bad;
    int depth;
    int dotall;   /* . matches a line feed (PCRE2_DOTALL or (?s)) */
    int multiline; /* $ matches before a line feed (PCRE2_MULTILINE or (?m)) */
    int caseless; /* (?i): a character stands for its other cases, no literal */
    int newline;  /* some part may match a line feed or asserts the end (one_line) */
    int at_start; /* \\G: a match depends on where the search starts (no start set) */
    hb_lits *out;
    size_t used; /* of out->buf */
} parser;

static const set NONE = {.n = -1};

/* A part's most characters, MANY when they have no bound (or pass it). */
#define MANY LONG_MAX

/* What a part gives: the set any match of it holds, and the sets it holds
 * before any line feed it may consume: the cheapest to look for
 * (hb_regex_start_literals) and the most selective (line,
 * hb_regex_line_literals); the most
 * characters a match of it spans, and (whole) whether every match of it
 * spans the subject (each branch opens with ^ and closes with $, neither
 * in multiline mode: hb_regex_whole_max). */
typedef struct {
    set any, start, line;
    long most;
    int whole;
} sets;

static const sets NONE2 = {{.n = -1}, {.n = -1}, {.n = -1}, 0, 0};

static int ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Bytes of the UTF-8 character at p, 0 when cut short. */
static size_t char_len(const char *p)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    for (size_t i = 1; i < n; i++)
        if (!p[i])
            return 0;
    return n;
}

/* A set of one string, copied into the output's buffer. */
static set one(parser *ps, const char *s, size_t len)
{
    if (!len || ps->used + len > sizeof ps->out->buf) {
        ps->bad = 1;
        return NONE;
    }
    memcpy(ps->out->buf + ps->used, s, len);
    set r = {.n = 1};
    r.off[0] = (uint16_t)ps->used;
    r.len[0] = (uint16_t)len;
    ps->used += len;
    return r;
}

static set join(set a, set b)
{
    if (a.n < 0 || b.n < 0 || a.n + b.n > HB_LITS_MAX)
        return NONE;
    for (int i = 0; i < b.n; i++) {
        a.off[a.n] = b.off[i];
        a.len[a.n++] = b.len[i];
    }
    return a;
}

static size_t shortest(const set *s)
{
    size_t m = SIZE_MAX;
    for (int i = 0; i < s->n; i++)
        m = s->len[i] < m ? s->len[i] : m;
    return m;
}

/* The more selective of two sets: the longer shortest string, then fewer
 * strings, then, of strings of a character or more, the later (b): a
 * rule's words tend to open with common characters and close with rarer
 * ones (第\d+篇: 篇 turns away the lines with 第 and no 篇).  Not of ASCII
 * bytes: the fold makes full-width punctuation ASCII, so the later ; of
 * &…; is far commoner than its &. */
static set better(set a, set b)
{
    if (a.n < 0)
        return b;
    if (b.n < 0)
        return a;
    size_t sa = shortest(&a), sb = shortest(&b);
    return sb > sa || (sb == sa && (b.n < a.n || (b.n == a.n && sb > 1))) ? b : a;
}

/* The cheaper set to look for: fewer strings, then the longer shortest one. */
static set fewer(set a, set b)
{
    if (a.n < 0)
        return b;
    if (b.n < 0)
        return a;
    return b.n < a.n || (b.n == a.n && shortest(&b) > shortest(&a)) ? b : a;
}

static sets parse_alt(parser *ps);

/* a + b and a * n characters, MANY past a million */
static long more(long a, long b)
{
    return a > 1000000 || b > 1000000 ? MANY : a + b;
}

static long times(long a, long n)
{
    return !a || !n ? 0 : a > 1000000 || n > 1000000 ? MANY : a * n;
}

int hb_regex_quantifier(const char **pp, long *min, long *max)
{
    const char *p = *pp;
    *min = *max = 1;
    if (*p == '?' || *p == '*' || *p == '+') {
        *min = *p == '+';
        *max = *p == '?' ? 1 : -1;
        p++;
    } else if (*p == '{') {
        long lo = 0, hi;
        if (!(*++p >= '0' && *p <= '9'))
            return 0; /* {,n} or a literal brace */
        while (*p >= '0' && *p <= '9' && lo < 100000)
            lo = lo * 10 + (*p++ - '0');
        hi = lo;
        if (*p == ',') {
            hi = -1;
            if (*++p >= '0' && *p <= '9')
                for (hi = 0; *p >= '0' && *p <= '9' && hi < 100000;)
                    hi = hi * 10 + (*p++ - '0');
        }
        if (*p++ != '}' || (hi >= 0 && hi < lo))
            return 0;
        *min = lo;
        *max = hi;
    } else {
        return 1;
    }
    if (*p == '?' || *p == '+') /* lazy or possessive: the same counts */
        p++;
    *pp = p;
    return 1;
}

/* After a part: whether it must occur (min), exactly once, and its most
 * repeats (MANY: no bound, or past 100,000). */
static void quantifier(parser *ps, int *min, int *exactly_one, long *most)
{
    long lo, hi;
    if (!hb_regex_quantifier(&ps->p, &lo, &hi)) {
        ps->bad = 1;
        return;
    }
    *min = lo > 0;
    *exactly_one = lo == 1 && hi == 1;
    *most = hi < 0 || hi >= 100000 ? MANY : hi;
}

/* Escapes in a class that stand for one control character each, and
 * those characters (\n is left to the line-feed reckoning of the rest). */
#define CONTROL_ESCAPES "trf"
#define CONTROL_CHARS "\t\r\f"

/* A character class [...]: the set of its characters when they are all
 * listed one by one, else none. */
static set parse_class(parser *ps)
{
    const char *p = ps->p + 1;
    int negated = *p == '^', listed = 1, lf_in = 0, lf_out = 0; /* a line feed listed / excluded */
    if (negated)
        p++;
    set s = {.n = 0};
    for (int first = 1;; first = 0) {
        if (!*p) {
            ps->bad = 1;
            return NONE;
        }
        if (*p == ']' && !first) {
            p++;
            break;
        }
        if (p[0] == '[' && p[1] == ':') { /* [:alpha:] */
            const char *end = strstr(p + 2, ":]");
            if (!end) {
                ps->bad = 1;
                return NONE;
            }
            p = end + 2;
            listed = 0;
            lf_in = 1; /* [:space:], [:cntrl:]: not told apart */
            continue;
        }
        const char *c = p;
        size_t n;
        if (*p == '\\') {
            unsigned char e = (unsigned char)p[1];
            if (e && !ascii_alnum(e)) {
                c = p + 1;
                n = char_len(c);
                p = c + n;
            } else if (e && strchr(CONTROL_ESCAPES, e)) { /* \t: a tab, listed like a space */
                c = &CONTROL_CHARS[strchr(CONTROL_ESCAPES, e) - CONTROL_ESCAPES];
                n = 1;
                p += 2;
            } else if (e == 'x') { /* \x{4E00}: a code point, read as a range is (maybe a line feed) */
                p += 2;
                if (*p == '{' && strchr(p, '}'))
                    p = strchr(p, '}') + 1;
                else
                    for (int k = 0; k < 2 && *p && strchr("0123456789abcdefABCDEF", *p); k++)
                        p++;
                listed = 0;
                lf_in = 1;
                continue;
            } else if (e && strchr("dDsSwWhHvVnrtfae", e)) {
                p += 2;
                listed = 0;
                lf_in |= strchr("DsWHvn", e) != NULL;
                lf_out |= strchr("snv", e) != NULL;
                continue;
            } else {
                ps->bad = 1;
                return NONE;
            }
        } else {
            n = char_len(p);
            p += n;
        }
        if (!n) {
            ps->bad = 1;
            return NONE;
        }
        if (*c == '\n')
            lf_in = lf_out = 1;
        if (*p == '-' && p[1] != ']') {
            listed = 0; /* a range */
            lf_in |= (unsigned char)*c <= '\n';
        }
        if (listed) {
            set m = one(ps, c, n);
            s = ps->bad ? NONE : join(s, m);
            if (s.n < 0)
                listed = 0;
        }
    }
    ps->p = p;
    ps->newline |= negated ? !lf_out : lf_in;
    return negated || !listed || s.n <= 0 || ps->caseless ? NONE : s;
}

/* A group (...): its branches' sets, none for a lookaround. */
static sets parse_group(parser *ps)
{
    const char *p = ps->p + 1;
    int look = 0;
    /* (?m), (?i) inside hold to the group's end, (?m:…) (?i:…) to their own */
    int multiline = ps->multiline, caseless = ps->caseless;
    if (*p == '?') {
        const char *q = p + 1;
        if (*q == ':' || *q == '>' || *q == '|') {
            p = q + 1;
        } else if (*q == '=' || *q == '!') {
            look = 1;
            p = q + 1;
        } else if (*q == '<' && (q[1] == '=' || q[1] == '!')) {
            look = 1;
            p = q + 2;
        } else if (*q == '<' || *q == '\'' || (*q == 'P' && q[1] == '<')) {
            q += *q == 'P' ? 2 : 1;
            while (ascii_alnum((unsigned char)*q) || *q == '_')
                q++;
            if (*q != '>' && *q != '\'') {
                ps->bad = 1;
                return NONE2;
            }
            p = q + 1;
        } else if (*q == 'm' || *q == 's' || *q == 'i') { /* (?m) (?s) (?i) (?ms): no literal changes... */
            for (; *q == 'm' || *q == 's' || *q == 'i'; q++) {
                ps->dotall |= *q == 's'; /* kept past the group: only ever more careful */
                ps->multiline |= *q == 'm';
                ps->caseless |= *q == 'i'; /* ...but (?i): the literals stop */
            }
            if (*q == ')') {
                ps->p = q + 1;
                return NONE2;
            }
            if (*q != ':') {
                ps->bad = 1;
                return NONE2;
            }
            p = q + 1;
        } else { /* other options, comments, conditions, recursion */
            ps->bad = 1;
            return NONE2;
        }
    } else if (*p == '*') { /* verbs */
        ps->bad = 1;
        return NONE2;
    }
    if (++ps->depth > MAX_DEPTH) {
        ps->bad = 1;
        return NONE2;
    }
    ps->p = p;
    sets s = parse_alt(ps);
    ps->multiline = multiline;
    ps->caseless = caseless;
    ps->depth--;
    if (ps->bad || *ps->p != ')') {
        ps->bad = 1;
        return NONE2;
    }
    ps->p++;
    return look ? NONE2 : s; /* a lookaround spans no character */
}

/* Takes the required string set r of a sequence's part into *best; clean:
 * no line feed may be consumed before it. */
static void item_add(sets *best, set r, int clean)
{
    best->any = better(best->any, r);
    if (clean) {
        best->start = fewer(best->start, r);
        best->line = better(best->line, r);
    }
}

/* A sequence: its most selective required set, and (start, line) the
 * cheapest and the most selective required set among its parts before the
 * first that may consume a line feed. */
static sets parse_seq(parser *ps)
{
    sets best = NONE2;
    char run[MAX_RUN];
    size_t nrun = 0;
    int clean = 1, run_clean = 1; /* no line feed consumed before the part, the run */
    long most = 0;
    int opens = 0, closes = 0; /* the first part is ^, the last (so far) is $, outside multiline mode */
    for (int first = 1; !ps->bad && *ps->p && *ps->p != '|' && *ps->p != ')'; first = 0) {
        const char *p = ps->p;
        const char *lit = NULL; /* a literal character, litn bytes */
        size_t litn = 0;
        sets item = NONE2;
        long chars = 1; /* of one match of the part */
        int newline = ps->newline;
        ps->newline = 0;
        if (*p == '(') {
            item = parse_group(ps);
            chars = item.most;
        } else if (*p == '[') {
            item.any = item.start = item.line = parse_class(ps);
        } else if (*p == '\\') {
            unsigned char e = (unsigned char)p[1];
            if (e && !ascii_alnum(e)) {
                lit = p + 1;
                litn = char_len(lit);
                ps->p = lit + litn;
            } else if (e && strchr("dDsSwWhHvVRbBAzZGKnrtfae", e)) {
                ps->p = p + 2;
                chars = e == 'R' ? 2 : strchr("bBAzZGK", e) ? 0 : 1; /* \R: CR LF at most */
                ps->newline |= strchr("sDWHvRnZzG", e) != NULL;
                ps->at_start |= e == 'G';
            } else {
                ps->bad = 1;
            }
        } else if (*p == '^' || *p == '$' || *p == '.') {
            ps->newline |= (*p == '.' && ps->dotall) || (*p == '$' && !ps->multiline);
            ps->p = p + 1;
            chars = *p == '.';
        } else if (*p == '*' || *p == '+' || *p == '?' || *p == '{') {
            ps->bad = 1;
        } else {
            lit = p;
            litn = char_len(p);
            ps->newline |= *p == '\n';
            ps->p = p + litn;
        }
        if (ps->bad || (lit && !litn)) {
            ps->bad = 1;
            break;
        }
        int min, exactly_one;
        long count;
        quantifier(ps, &min, &exactly_one, &count);
        if (ps->bad)
            break;
        most = more(most, times(chars, count));
        opens = first ? *p == '^' && exactly_one && !ps->multiline : opens;
        closes = *p == '$' && exactly_one && !ps->multiline;
        if (lit && ps->caseless)
            lit = NULL; /* another case may match: no literal, one character */
        int crosses = ps->newline; /* this part may consume a line feed */
        ps->newline |= newline;
        if (lit && exactly_one && nrun + litn <= sizeof run) {
            run_clean = nrun ? run_clean : clean;
            memcpy(run + nrun, lit, litn);
            nrun += litn;
            clean &= !crosses;
            continue;
        }
        if (nrun) /* the run ends here */
            item_add(&best, one(ps, run, nrun), run_clean);
        nrun = 0;
        if (lit && min)
            item_add(&best, one(ps, lit, litn), clean);
        else if (min) {
            best.any = better(best.any, item.any);
            best.start = clean ? fewer(best.start, item.start) : best.start;
            best.line = clean ? better(best.line, item.line) : best.line;
        }
        clean &= !crosses;
    }
    if (nrun)
        item_add(&best, one(ps, run, nrun), run_clean);
    best.most = most;
    best.whole = opens && closes;
    return ps->bad ? NONE2 : best;
}

static sets parse_alt(parser *ps)
{
    sets s = parse_seq(ps);
    while (!ps->bad && *ps->p == '|') {
        ps->p++;
        sets b = parse_seq(ps);
        s = (sets){join(s.any, b.any), join(s.start, b.start), join(s.line, b.line), s.most > b.most ? s.most : b.most,
                   s.whole && b.whole};
    }
    return ps->bad ? NONE2 : s;
}

/* The reading of pattern into *got, its strings in out; 0 when not read. */
static int read_pattern(const char *pattern, uint32_t options, hb_lits *out, parser *ps, sets *got)
{
    const uint32_t known = PCRE2_ANCHORED | PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK | PCRE2_MULTILINE |
                           PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY;
    if (options & ~known)
        return 0;
    *ps = (parser){.p = pattern,
                   .out = out,
                   .dotall = (options & PCRE2_DOTALL) != 0,
                   .multiline = (options & PCRE2_MULTILINE) != 0};
    *got = parse_alt(ps);
    return !ps->bad && !*ps->p;
}

enum { READ_ANY, READ_START, READ_LINE };

/* The set of pattern read for one use (READ_*). */
static void literals(const char *pattern, uint32_t options, int use, hb_lits *out)
{
    parser ps;
    sets both;
    out->n = 0;
    out->one_line = 0;
    if (!read_pattern(pattern, options, out, &ps, &both))
        return;
    set s = use == READ_START ? both.start : use == READ_LINE ? both.line : both.any;
    if (s.n <= 0 || (use != READ_ANY && ps.at_start))
        return;
    out->n = (size_t)s.n;
    out->one_line = !ps.newline;
    for (int i = 0; i < s.n; i++) {
        out->off[i] = s.off[i];
        out->len[i] = s.len[i];
    }
}

void hb_regex_literals(const char *pattern, uint32_t options, hb_lits *out)
{
    literals(pattern, options, READ_ANY, out);
}

void hb_regex_start_literals(const char *pattern, uint32_t options, hb_lits *out)
{
    literals(pattern, options, READ_START, out);
}

void hb_regex_line_literals(const char *pattern, uint32_t options, hb_lits *out)
{
    literals(pattern, options, READ_LINE, out);
}

long hb_regex_whole_max(const char *pattern, uint32_t options)
{
    size_t n = strlen(pattern);
    /* most patterns are not read (some 8,000 instructions each at every
     * start): only one opening with ^ and closing with $ may have a bound,
     * and none with a * or + or {n,} anywhere (or one in a class) gets one */
    if (pattern[0] != '^' || pattern[n - 1] != '$' || strpbrk(pattern, "*+") || strstr(pattern, ",}"))
        return -1;
    hb_lits scratch;
    parser ps;
    sets got;
    return read_pattern(pattern, options, &scratch, &ps, &got) && got.whole && got.most != MANY ? got.most : -1;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include "cpu.h"
#include <immintrin.h>
#define HB_LIT_AVX2 1

/* Where lit[0..n) (n >= 2) may start in s[0..len): the places holding its
 * first byte and, n - 1 bytes on, its last, 32 a step, each compared;
 * *at: where the blocks stopped (the rest is shorter than one).  A Han
 * literal's last byte alone, a continuation byte, stopped memchr every
 * few dozen bytes (【: 78,000 calls on a 4 MB report). */
__attribute__((target("avx2"))) static const char *pair_find(const char *s, size_t len, const char *lit, size_t n,
                                                             size_t *at)
{
    const __m256i first = _mm256_set1_epi8(lit[0]), last = _mm256_set1_epi8(lit[n - 1]);
    size_t i = 0;
    for (; i + n - 1 + 32 <= len; i += 32) {
        __m256i a = _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(s + i)), first);
        __m256i b = _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(s + i + n - 1)), last);
        for (unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(a, b)); m; m &= m - 1) {
            size_t p = i + (size_t)__builtin_ctz(m);
            if (!memcmp(s + p + 1, lit + 1, n - 2))
                return s + p;
        }
    }
    *at = i;
    return NULL;
}
#endif

const char *hb_lit_find(const char *s, size_t len, const char *lit, size_t n)
{
    size_t k = n - 1; /* the byte looked for */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)lit[i] < 0x80) {
            k = i;
            break;
        }
    size_t from = 0;
#ifdef HB_LIT_AVX2
    if ((unsigned char)lit[k] >= 0x80 && n >= 2 && hb_cpu_avx2()) {
        const char *f = pair_find(s, len, lit, n, &from);
        if (f)
            return f;
    }
#endif
    for (size_t at = from + k; at < len;) {
        const char *q = memchr(s + at, lit[k], len - at);
        if (!q)
            return NULL;
        size_t start = (size_t)(q - s) - k;
        /* its first byte before a call: a Han literal is looked for by its
         * last byte, which many other characters end with */
        if (start + n <= len && s[start] == lit[0] && !memcmp(s + start, lit, n))
            return s + start;
        at = (size_t)(q - s) + 1;
    }
    return NULL;
}

int hb_lits_in(const hb_lits *l, const char *s, size_t len)
{
    if (!l->n)
        return 1;
    for (size_t i = 0; i < l->n; i++)
        if (memmem(s, len, l->buf + l->off[i], l->len[i]))
            return 1;
    return 0;
}

/* ---- hb_litset: literals by their first characters ---- */

/* No pointers: a set filed by rulec is used where it lies (hb_litset_view). */
typedef struct {
    uint32_t word, len;  /* its bytes: words[word..word + len) */
    uint32_t head, mask; /* its first four bytes (fewer: mask), as memcpy loads them */
    uint64_t sets;
    uint32_t next; /* the next literal of its slot, its index + 1 (an earlier one's); 0: none */
    uint32_t pad;
} lit;

enum { SLOTS = 4096 };

/* The bytes of the character at u, and its key into *k: 16 bits that tell
 * most characters apart.  An ASCII byte is its own key; a three-byte
 * character (all Han) has its two continuation bytes (the lead byte tells
 * apart only some 16 blocks, mostly Han's six: those sharing a key are
 * rare characters, a false hit each, checked); any other its first two
 * bytes.  The low byte's ranges keep the kinds apart (00..7F, 80..BF,
 * C2..DF, F0..F4).  u holds the character whole (n > 1: two bytes at least). */
static inline size_t char_at(const unsigned char *u, unsigned *k)
{
    if (__builtin_expect((u[0] & 0xF0) == 0xE0, 1)) {
        *k = u[1] | (unsigned)u[2] << 8;
        return 3;
    }
    if (u[0] < 0x80) {
        *k = u[0];
        return 1;
    }
    *k = u[0] | (unsigned)u[1] << 8;
    return (size_t)hb_utf8_len(u[0]);
}

/* Literals by their first character's key (char_at): a bit table of the
 * keys that start one, the sets of the one-byte literals (ASCII) by their
 * byte, the longer ones chained by the key's low 12 bits.  A text's
 * character costs a key and a bit; the literals are compared only where
 * one may start (some 15 instructions a Han character, where a hash of
 * three bytes and a table of two took 35). */
typedef struct {
    uint64_t keys[1024];       /* bit k: a literal's first character has key k */
    uint64_t byte_sets[128];   /* one-byte literals */
    uint32_t slot[SLOTS];      /* the longer literals by their key's low 12 bits, chained:
                                  the last one's index + 1, 0: none (calloc's zeros
                                  are the empty table, no 16 KB to fill at start) */
    uint64_t all;              /* every set with a literal */
    /* the vector scan's filter (scan32): for a three-byte first character,
     * its continuation bytes' low nibbles by the group of their high ones
     * (bits 4 and 5 of each: bit g % 8 of half g / 8, 16 groups), each
     * table indexed by a nibble; an ASCII one's byte by its low nibble
     * (bit: its high one) */
    uint8_t cont[2][2][16];    /* [half][low nibble of byte 1, of byte 2][nibble] */
    uint8_t ascii[16];
    uint64_t not_han;          /* nonzero: a literal opens with a character of one, two or
                                  four bytes (else the filter asks only three-byte places) */
} litset_tab;

/* The tables, literals and their bytes, made here or filed by rulec
 * (hb_litset_save: the tables, the count of literals and of their bytes,
 * the literals, the bytes) and read where they lie: a start then neither
 * zeroes nor faults in 26 KB a set. */
struct hb_litset {
    const litset_tab *t;
    const lit *v;         /* n literals, their bytes in words */
    const char *words;
    size_t n;
    litset_tab *own;      /* what t, v and words are while the set is being made; NULL in a filed one */
    lit *vown;
    char *wown;
    size_t cap, wlen, wcap;
};

hb_litset *hb_litset_new(void)
{
    hb_litset *x = calloc(1, sizeof *x);
    if (x && !(x->own = calloc(1, sizeof *x->own))) {
        free(x);
        return NULL;
    }
    if (x)
        x->t = x->own;
    return x;
}

void hb_litset_free(hb_litset *x)
{
    if (!x)
        return;
    free(x->own);
    free(x->vown);
    free(x->wown);
    free(x);
}

/* Room for n more bytes of literals; 0 when out of memory. */
static int words_room(hb_litset *x, size_t n)
{
    if (x->wcap - x->wlen >= n)
        return 1;
    size_t cap = x->wcap ? 2 * x->wcap : 256;
    while (cap - x->wlen < n)
        cap *= 2;
    char *w = realloc(x->wown, cap);
    if (!w)
        return 0;
    x->words = x->wown = w;
    x->wcap = cap;
    return 1;
}

int hb_litset_add(hb_litset *x, const char *s, size_t len, int which)
{
    litset_tab *t = x->own;
    uint64_t bit = 1ull << which;
    t->all |= bit;
    unsigned k;
    const unsigned char *u = (const unsigned char *)s;
    size_t first = char_at(u, &k);
    t->not_han |= first != 3;
    if (first == 3) {
        unsigned g = (u[1] >> 4 & 3) << 2 | (u[2] >> 4 & 3);
        uint8_t (*c)[16] = t->cont[g / 8], b = (uint8_t)(1u << (g % 8));
        c[0][u[1] & 15] |= b, c[1][u[2] & 15] |= b;
    } else if (u[0] < 0x80) {
        t->ascii[u[0] & 15] |= (uint8_t)(1u << (u[0] >> 4));
    }
    t->keys[k / 64] |= 1ull << (k % 64);
    if (len == 1) {
        t->byte_sets[k & 0x7F] |= bit;
        return 1;
    }
    for (uint32_t i = t->slot[k % SLOTS]; i; i = x->vown[i - 1].next)
        if (x->vown[i - 1].len == len && !memcmp(x->words + x->vown[i - 1].word, s, len)) {
            x->vown[i - 1].sets |= bit;
            return 1;
        }
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 32;
        lit *v = realloc(x->vown, cap * sizeof *v);
        if (!v)
            return 0;
        x->v = x->vown = v;
        x->cap = cap;
    }
    if (len > UINT32_MAX - x->wlen || !words_room(x, len))
        return 0;
    memcpy(x->wown + x->wlen, s, len);
    unsigned char head[4] = {0}, mask[4] = {0};
    memcpy(head, s, len < 4 ? len : 4);
    memset(mask, 0xFF, len < 4 ? len : 4);
    lit *l = &x->vown[x->n];
    *l = (lit){.word = (uint32_t)x->wlen, .len = (uint32_t)len, .sets = bit, .next = t->slot[k % SLOTS]};
    memcpy(&l->head, head, 4);
    memcpy(&l->mask, mask, 4);
    x->wlen += len;
    t->slot[k % SLOTS] = (uint32_t)++x->n;
    return 1;
}

int hb_litset_add_lits(hb_litset **x, const hb_lits *l, int which)
{
    if (!*x && !(*x = hb_litset_new()))
        return 0;
    for (size_t i = 0; i < l->n; i++)
        if (!hb_litset_add(*x, l->buf + l->off[i], l->len[i], which))
            return 0;
    return 1;
}

/* The counts between the tables and the literals in a filed set. */
typedef struct {
    uint32_t n, wlen;
} litset_counts;

size_t hb_litset_saved_size(const hb_litset *x)
{
    return sizeof(litset_tab) + sizeof(litset_counts) + x->n * sizeof(lit) + (x->wlen + 7) / 8 * 8;
}

void hb_litset_save(const hb_litset *x, void *to)
{
    char *b = to;
    litset_counts c = {(uint32_t)x->n, (uint32_t)x->wlen};
    size_t vsize = x->n * sizeof(lit);
    memcpy(b, x->t, sizeof(litset_tab));
    memcpy(b + sizeof(litset_tab), &c, sizeof c);
    if (vsize) /* an empty set has none of either */
        memcpy(b + sizeof(litset_tab) + sizeof c, x->v, vsize);
    char *w = b + sizeof(litset_tab) + sizeof c + vsize;
    memset(w, 0, (x->wlen + 7) / 8 * 8);
    if (x->wlen)
        memcpy(w, x->words, x->wlen);
}

hb_litset *hb_litset_view(const void *blob, size_t size, int trusted)
{
    const char *b = blob;
    litset_counts c;
    if ((uintptr_t)b % 8 || size < sizeof(litset_tab) + sizeof c)
        return NULL;
    memcpy(&c, b + sizeof(litset_tab), sizeof c);
    size_t vsize = (size_t)c.n * sizeof(lit);
    if (size - sizeof(litset_tab) - sizeof c < vsize ||
        size - sizeof(litset_tab) - sizeof c - vsize != ((size_t)c.wlen + 7) / 8 * 8)
        return NULL;
    const litset_tab *t = blob;
    const lit *v = (const lit *)(b + sizeof(litset_tab) + sizeof c);
    /* a crafted set gives wrong answers at worst: chains lead to earlier
     * literals (no loop), every literal lies in the bytes */
    for (size_t i = 0; !trusted && i < SLOTS; i++)
        if (t->slot[i] > c.n)
            return NULL;
    for (size_t i = 0; !trusted && i < c.n; i++)
        if (v[i].next > i || v[i].len < 1 || v[i].word > c.wlen || v[i].len > c.wlen - v[i].word)
            return NULL;
    hb_litset *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->t = t;
    x->v = v;
    x->words = (const char *)v + vsize;
    x->n = c.n;
    return x;
}

/* Whether s[0..left) starts with l: its first four bytes compared in one
 * (most candidates differ there), then the rest inline: around a call to
 * memcmp the vector scan put its filter's registers on the stack and back
 * at every candidate (a tenth of scan32_all's time). */
static inline __attribute__((always_inline)) int starts_with(const lit *l, const char *words, const char *s,
                                                             size_t left)
{
    uint32_t w;
    if (l->len > left)
        return 0;
    if (left < 4)
        return hb_same_bytes(words + l->word, s, l->len);
    memcpy(&w, s, 4);
    return (w & l->mask) == l->head && (l->len <= 4 || hb_same_bytes(words + l->word + 4, s + 4, l->len - 4));
}

/* A set's parts as a scan reads them: loaded once a scan, not through the
 * set at every candidate. */
typedef struct {
    const litset_tab *t;
    const lit *v;
    const char *words;
} scan_parts;

static scan_parts parts_of(const hb_litset *x)
{
    return (scan_parts){x->t, x->v, x->words};
}

/* The sets of the literals keyed k that s[0..left) starts with (n: the
 * bytes of its first character).  It, starts_with and step are inlined
 * into the scans, their parts in registers: with the tables behind a
 * pointer GCC made them calls (+0.1% on bb). */
static inline __attribute__((always_inline)) uint64_t sets_at(scan_parts x, unsigned k, size_t n, const char *s,
                                                              size_t left)
{
    uint64_t found = n == 1 ? x.t->byte_sets[k] : 0;
    for (uint32_t i = x.t->slot[k % SLOTS]; i; i = x.v[i - 1].next)
        if (starts_with(&x.v[i - 1], x.words, s, left))
            found |= x.v[i - 1].sets;
    return found;
}

/* Adds to *found the sets in `mask` of the literals u[0..left) starts with
 * (u holds the character there whole); returns the bytes to the next
 * character, or once the scan is done (every set found or, `first`,
 * hb_litset_find, any) 0 when `first`, else left: the loops of
 * hb_litset_scan then end without a test of their own. */
static inline __attribute__((always_inline)) size_t step(scan_parts x, const unsigned char *u, size_t left,
                                                         uint64_t mask, int first, uint64_t *found)
{
    unsigned k;
    size_t n = char_at(u, &k);
    if ((x.t->keys[k / 64] >> (k % 64)) & 1) {
        *found |= sets_at(x, k, n, (const char *)u, left) & mask;
        if (first ? *found != 0 : *found == x.t->all)
            return first ? 0 : left;
    }
    return n;
}

#ifdef HB_LIT_AVX2
/* x's filter in registers: may_start32's tables, loaded once a scan. */
typedef struct {
    __m256i cont[2][2], ascii;
} filter32;

/* The bit of each place of the 32 at u that may start a literal: an ASCII
 * byte of x->t->ascii, a three-byte character whose continuation bytes pass
 * x->t->cont (the low nibbles of a literal's, in its group: few false
 * hits), any other lead byte.  Reads u[0..34).  The group is read from the
 * bytes (a bit of eight in each half, by a table), not from tables of the
 * high nibbles: continuation bytes have only those two bits free, and four
 * tables fewer kept the filter in registers (-9% instructions in lists'
 * scan, -3% in the lines'). */
__attribute__((target("avx2"), always_inline)) static inline unsigned may_start32(const filter32 *f,
                                                                                  const unsigned char *u, int han)
{
#define B(c) _mm256_set1_epi8((char)(c))
    const __m256i b0 = _mm256_loadu_si256((const __m256i *)u), b1 = _mm256_loadu_si256((const __m256i *)(u + 1)),
                  b2 = _mm256_loadu_si256((const __m256i *)(u + 2)), low = B(15), no = _mm256_setzero_si256();
    const __m256i lo1 = _mm256_and_si256(b1, low), lo2 = _mm256_and_si256(b2, low);
    /* n as a bit for n < 8, else 0 (bits), and n - 8 as a bit from 8 up (bits8) */
    const __m256i bits = _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, (char)128, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16,
                                          32, 64, (char)128, 0, 0, 0, 0, 0, 0, 0, 0),
                  bits8 = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, (char)128, 0, 0, 0, 0, 0,
                                           0, 0, 0, 1, 2, 4, 8, 16, 32, 64, (char)128);
    /* the group: bits 4 and 5 of the first continuation byte, then of the second */
    const __m256i grp = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(b1, 2), B(0x0C)),
                                        _mm256_and_si256(_mm256_srli_epi16(b2, 4), B(0x03)));
    const __m256i g = _mm256_or_si256(
        _mm256_and_si256(_mm256_and_si256(_mm256_shuffle_epi8(f->cont[0][0], lo1), _mm256_shuffle_epi8(f->cont[0][1], lo2)),
                         _mm256_shuffle_epi8(bits, grp)),
        _mm256_and_si256(_mm256_and_si256(_mm256_shuffle_epi8(f->cont[1][0], lo1), _mm256_shuffle_epi8(f->cont[1][1], lo2)),
                         _mm256_shuffle_epi8(bits8, grp)));
    if (han) /* a set of Han literals (not_han 0): three-byte places alone */
        return (unsigned)_mm256_movemask_epi8(
            _mm256_andnot_si256(_mm256_cmpeq_epi8(g, no), _mm256_cmpeq_epi8(_mm256_and_si256(b0, B(0xF0)), B(0xE0))));
    /* an ASCII byte's high nibble as a bit, 0 from 80 up: bits */
    const __m256i hi0 = _mm256_and_si256(_mm256_srli_epi16(b0, 4), low);
    const __m256i ascii =
        _mm256_and_si256(_mm256_shuffle_epi8(f->ascii, _mm256_and_si256(b0, low)), _mm256_shuffle_epi8(bits, hi0));
    const __m256i three = _mm256_cmpeq_epi8(hi0, B(0xE)),
                  other = _mm256_andnot_si256(three, _mm256_cmpeq_epi8(_mm256_max_epu8(b0, B(0xC0)), b0));
    const __m256i may = _mm256_or_si256(_mm256_andnot_si256(_mm256_cmpeq_epi8(ascii, no), B(0xFF)),
                                        _mm256_or_si256(other, _mm256_andnot_si256(_mm256_cmpeq_epi8(g, no), three)));
#undef B
    return (unsigned)_mm256_movemask_epi8(may);
}

/* scan_sets' places 32 a step while 34 bytes are left, only those that
 * may start a literal asked (step); returns where it stopped, at a
 * character's start: where the scan is done, else where the rest starts.
 * Inlined into one function for each way to stop (scan32_all,
 * scan32_first): with `first` an argument, the loop of hb_litset_scan
 * kept one more register and took 7% more instructions. */
__attribute__((target("avx2"), always_inline)) static inline const unsigned char *
scan32(scan_parts x, const unsigned char *u, const unsigned char *end, uint64_t mask, int first, int han,
       uint64_t *found)
{
#define TABLE(t) _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(t)))
    filter32 f = {.ascii = TABLE(x.t->ascii)};
    for (int h = 0; h < 2; h++)
        for (int t = 0; t < 2; t++)
            f.cont[h][t] = TABLE(x.t->cont[h][t]);
#undef TABLE
    uint64_t got = *found;
    for (; end - u >= 34; u += 32)
        for (unsigned m = may_start32(&f, u, han); m; m &= m - 1) {
            const unsigned char *p = u + __builtin_ctz(m);
            step(x, p, (size_t)(end - p), mask, first, &got);
            if (first ? got != 0 : got == x.t->all) {
                *found = got;
                return p;
            }
        }
    while (u < end && (*u & 0xC0) == 0x80)
        u++;
    *found = got;
    return u;
}

__attribute__((target("avx2"))) static const unsigned char *scan32_all(scan_parts x, const unsigned char *u,
                                                                       const unsigned char *end, uint64_t *found)
{
    return x.t->not_han ? scan32(x, u, end, ~0ull, 0, 0, found) : scan32(x, u, end, ~0ull, 0, 1, found);
}

__attribute__((target("avx2"))) static const unsigned char *scan32_first(scan_parts x, const unsigned char *u,
                                                                         const unsigned char *end, uint64_t mask,
                                                                         uint64_t *found)
{
    return x.t->not_han ? scan32(x, u, end, mask, 1, 0, found) : scan32(x, u, end, mask, 1, 1, found);
}
#endif

/* The scan of hb_litset_scan and hb_litset_find: the sets in `mask` of the
 * literals of s[0..len) into *found, until every set is found or, `first`,
 * any; returns where it stopped (the literal's start), else len. */
static inline __attribute__((always_inline)) size_t scan_sets(const hb_litset *ls, const char *s, size_t len,
                                                              uint64_t mask, int first, uint64_t *found)
{
    const scan_parts x = parts_of(ls);
    const unsigned char *u = (const unsigned char *)s, *end = u + len;
    const unsigned char *whole = len > 3 ? end - 3 : u; /* any character before it lies whole in the text */
    size_t n;
#ifdef HB_LIT_AVX2
    /* Han text holds few of a literal's first characters (some one in
     * twelve): 32 places a step, some 15 instructions a character before */
    if (len >= 64 && hb_cpu_avx2()) {
        u = first ? scan32_first(x, u, end, mask, found) : scan32_all(x, u, end, found);
        if (first ? *found != 0 : *found == x.t->all)
            return (size_t)(u - (const unsigned char *)s);
    }
#endif
    /* a literal starts at a character: from one to the next, first where
     * any character lies whole in the text, then where its lead says so
     * (one cut short at the end starts none) */
    for (; u < whole; u += n)
        if (!(n = step(x, u, (size_t)(end - u), mask, first, found)) && first)
            return (size_t)(u - (const unsigned char *)s);
    for (; u < end && (size_t)hb_utf8_len(u[0]) <= (size_t)(end - u); u += n)
        if (!(n = step(x, u, (size_t)(end - u), mask, first, found)) && first)
            return (size_t)(u - (const unsigned char *)s);
    return len;
}

uint64_t hb_litset_scan(const hb_litset *ls, const char *s, size_t len)
{
    uint64_t found = 0;
    scan_sets(ls, s, len, ~0ull, 0, &found);
    return found;
}

size_t hb_litset_find(const hb_litset *ls, const char *s, size_t len, uint64_t which)
{
    uint64_t found = 0;
    return which ? scan_sets(ls, s, len, which, 1, &found) : len;
}
