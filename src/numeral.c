/* Numerals: one number at a position of the folded text.  The contract and
 * the decisions are in numeral.h; this file is the grammar. */
#include "numeral.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "chars.h"
#include "engine.h"
#include "normalize.h"

/* 2^53: past it doubles skip integers, so a count could silently change. */
#define EXACT_MAX 9007199254740992.0
#define EXACT_MAX_U ((uint64_t)1 << 53)
/* Up to this m, m * 10 + 9 is at most 2^53: a digit needs no check (and
 * once over 2^53, m stays above it). */
#define SAFE_TIMES10 ((EXACT_MAX_U - 9) / 10)

enum {
    CP_OZERO = 0x3007,  /* 〇 */
    CP_LIANG = 0x4E24,  /* 两 */
    CP_WAN = 0x4E07,    /* 万 */
    CP_YI = 0x4EBF,     /* 亿 */
    CP_JI = HB_CP_JI,   /* 几 */
    CP_SHU = HB_CP_SHU, /* 数 */
    CP_DIAN = 0x70B9,   /* 点 */
    CP_YU = 0x4F59,     /* 余 */
    CP_DUO = 0x591A,    /* 多 */
    CP_LAI = 0x6765,    /* 来 */
    CP_NIAN = 0x5E74,   /* 年 */
    CP_ZHI = 0x81F3,    /* 至 */
    CP_DAO = 0x5230,    /* 到 */
    CP_EMDASH = 0x2014,
    CP_ENDASH = 0x2013,
    CP_WAVE = 0x301C    /* 〜 */
};

static const double pow10_tab[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                   1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
                                   1e17, 1e18};

/* The code point at p and its length; 0 (cp -1) past the end.  Inlined:
 * the grammar asks for every character and the one after it, and a call
 * cost more than the decoding. */
static inline __attribute__((always_inline)) int cp_at(const char *s, size_t len, size_t p, int *cp)
{
    if (p >= len) {
        *cp = -1;
        return 0;
    }
    return hb_utf8_next(s + p, len - p, cp);
}

static int starts(const char *s, size_t len, size_t p, const char *w)
{
    size_t n = strlen(w);
    return p <= len && len - p >= n && memcmp(s + p, w, n) == 0;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_latin(int c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static int is_mask(int c) { return hb_is_mask_char(c); }

/* The character classes below are asked about every character, several
 * times: inlined, most end on chars.h's inline filter. */
#define HB_HOT static inline __attribute__((always_inline))

/* cn_digit of a character whose lookup (hb_cn_numeral's v and cls) is
 * made. */
HB_HOT int digit_of(int v, unsigned cls)
{
    return cls & HB_CN_DIGIT ? v : -1;
}

/* 0-9 of a Chinese digit (两 = 2), -1 otherwise. */
HB_HOT int cn_digit(int cp)
{
    unsigned cls;
    int v = hb_cn_numeral(cp, &cls);
    return digit_of(v, cls);
}

/* 十 百 千: 10, 100, 1000; 0 otherwise. */
HB_HOT double small_unit(int cp)
{
    unsigned cls;
    int v = hb_cn_numeral(cp, &cls);
    return cls & HB_CN_SCALE && v <= 1000 ? v : 0;
}

/* 万 亿 */
HB_HOT int is_big(int cp)
{
    unsigned cls;
    return hb_cn_numeral(cp, &cls) >= 10000 && cls & HB_CN_SCALE;
}
HB_HOT int is_unit(int cp) { return small_unit(cp) > 0 || is_big(cp); }
/* A digit, a scale word or 几: every numeral of chars.h is a digit or a
 * scale word, so one lookup answers. */
HB_HOT int is_cn_numeral(int cp)
{
    unsigned cls;
    return hb_cn_numeral(cp, &cls) >= 0 || cp == CP_JI;
}

/* Neighbouring digits read as a range: 七八 7..8, 三五 3..5, 一两 1..2. */
static int pair_ok(int a, int b) { return (a >= 1 && b == a + 1) || (a == 3 && b == 5); }

/* One number as read by parse_one, before the range and the suffixes. */
typedef struct {
    size_t end;
    double lo, hi;
    int pair, masked, approx, overflow, reading, round;
    const char *aw;
    size_t aw_start, aw_end;
    double scale;
    size_t sc_start, sc_end;
} num;

static void note_approx(num *n, const char *w, size_t a, size_t b)
{
    n->approx = 1;
    if (!n->aw) {
        n->aw = w;
        n->aw_start = a;
        n->aw_end = b;
    }
}

typedef struct {
    size_t end;
    double v;
    int ovf, bad;
} arabic;

/* [0-9]+ (,ddd)* (.[0-9]+)? at p.  bad: a second dot follows (3.5.6).
 * Inlined: most numbers are read here, a call and the struct in memory
 * cost a tenth of parse_common's reading. */
HB_HOT void read_arabic(const char *s, size_t len, size_t p, arabic *a)
{
    uint64_t m = 0;
    int k = 0;
    size_t q = p;

    a->ovf = a->bad = 0;
    while (q < len && is_digit(s[q])) {
        unsigned d = (unsigned)(s[q++] - '0');
        if (m <= SAFE_TIMES10) /* all but the 16th digit on: no bound to ask */
            m = m * 10 + d;
        else if (!a->ovf && m <= (EXACT_MAX_U - d) / 10)
            m = m * 10 + d;
        else
            a->ovf = 1; /* keep scanning: the whole run is one (unusable) number */
    }
    if (q - p <= 3)
        while (q + 4 <= len && s[q] == ',' && is_digit(s[q + 1]) && is_digit(s[q + 2]) &&
               is_digit(s[q + 3]) && (q + 4 == len || !is_digit(s[q + 4]))) {
            for (size_t i = q + 1; i < q + 4; i++) {
                unsigned d = (unsigned)(s[i] - '0');
                if (!a->ovf && m <= (EXACT_MAX_U - d) / 10)
                    m = m * 10 + d;
                else
                    a->ovf = 1;
            }
            q += 4;
        }
    if (q + 1 < len && s[q] == '.' && is_digit(s[q + 1])) {
        q++;
        while (q < len && is_digit(s[q])) {
            unsigned d = (unsigned)(s[q++] - '0');
            /* digits past double precision are dropped, not an overflow */
            if (!a->ovf && k < 18 && m <= (EXACT_MAX_U - d) / 10) {
                m = m * 10 + d;
                k++;
            }
        }
        if (q + 1 < len && s[q] == '.' && is_digit(s[q + 1])) {
            a->bad = 1;
            while (q < len && (is_digit(s[q]) || s[q] == '.'))
                q++;
        }
    }
    /* m and 10^k are exact, so one division rounds the decimal correctly */
    a->v = a->ovf ? NAN : (double)m / pow10_tab[k];
    a->end = q;
}

/* Whether a lone x / X ending at q stands for a hidden digit: a decimal
 * part follows (x.6亿元, 1x.5万元) or a measure word of units.txt, after
 * 万 / 亿 if written (开展活动x次, 培训X人次, x万元).  X光, X射线 name things. */
static int lone_x_mask(const hb_wordlist *units, const char *s, size_t len, size_t q)
{
    int cp, l;
    if (q + 1 < len && s[q] == '.' && cp_at(s, len, q + 1, &cp) &&
        (is_digit(cp) || is_mask(cp) || cp == 'X' || cp == 'x'))
        return 1;
    if ((l = cp_at(s, len, q, &cp)) > 0 && is_big(cp))
        q += (size_t)l;
    return units && q < len && hb_wordlist_prefix(units, s + q, len - q) != NULL;
}

/* A run of digits and masks at p holding at least one mask.  Returns 1 with
 * *end, 0 when no mask, -1 when an X run touches a Latin letter (XXL). */
static int mask_run(const hb_wordlist *units, const char *s, size_t len, size_t p, size_t *end)
{
    size_t q = p;
    int masks = 0, xs = 0;

    for (;;) {
        int cp, cp2;
        while (q < len && is_digit(s[q])) /* a run of ASCII digits: no decoding */
            q++;
        int l = cp_at(s, len, q, &cp);
        if (!l)
            break;
        if (is_mask(cp)) {
            masks++;
            q += (size_t)l;
            continue;
        }
        if (cp == 'X' || cp == 'x') {
            size_t r = q;
            while (r < len && (s[r] == 'X' || s[r] == 'x'))
                r++;
            if (r - q < 2 && !lone_x_mask(units, s, len, r)) /* a lone X is a letter */
                break;
            masks++;
            xs = 1;
            q = r;
            continue;
        }
        if (cp == '.' && q > p && cp_at(s, len, q + 1, &cp2) &&
            (is_digit(cp2) || is_mask(cp2) || cp2 == 'X' || cp2 == 'x')) {
            q++;
            continue;
        }
        break;
    }
    if (!masks)
        return 0;
    if (xs && q < len && is_latin(s[q]))
        return -1;
    *end = q;
    return 1;
}

/* 万 / 亿 / 万亿 at q (optionally after 余/多: **余万) for masked numbers. */
static void masked_tail(const char *s, size_t len, size_t q, num *n)
{
    int cp, c2;
    int l = cp_at(s, len, q, &cp);

    if ((cp == CP_YU || cp == CP_DUO) && cp_at(s, len, q + (size_t)l, &c2) && is_big(c2)) {
        note_approx(n, cp == CP_YU ? "余" : "多", q, q + (size_t)l);
        q += (size_t)l;
        l = cp_at(s, len, q, &cp);
    }
    if (is_big(cp)) {
        n->sc_start = q;
        n->scale = cp == CP_WAN ? 1e4 : 1e8;
        q += (size_t)l;
        if (cp == CP_WAN && starts(s, len, q, "亿")) {
            n->scale = 1e12;
            q += 3;
        }
        n->sc_end = q;
    }
    n->end = q;
}

enum { TK_NONE, TK_DIGIT, TK_SMALL, TK_BIG, TK_ZERO };

/* The Chinese (and mixed) numeral grammar.  Two accumulators run side by
 * side, [0] the lower and [1] the upper reading, which differ only after a
 * digit pair (三四十 → 30 and 40).  bare: a prefix (近, 百分之) came first,
 * so 百 / 千 / 万 may stand alone. */
static int parse_core(const char *s, size_t len, size_t p, int bare, num *n)
{
    double res[2] = {0, 0}, tmp[2] = {0, 0}, sec[2] = {0, 0}, dig[2] = {0, 0};
    double pre[2] = {0, 0}, mult = 1, small = 0, last_unit = 0, abbr = 0;
    int have = 0, kind = 0 /* 1: one Chinese digit */, last = TK_NONE, ntok = 0;
    int wan = 0, yi = 0, nbig = 0, dec = 0, stop_after_big = 0;
    size_t q = p, bs = 0, be = 0;

    for (;;) {
        int cp, c2, d;
        int l = cp_at(s, len, q, &cp);
        if (!l)
            break;
        cp_at(s, len, q + (size_t)l, &c2);
        d = cn_digit(cp);

        if (is_digit(cp)) {
            arabic a;
            if (have || dec)
                break;
            read_arabic(s, len, q, &a);
            if (a.bad) { /* 3.5.6 is a section number or a date */
                if (!ntok)
                    return 0;
                break;
            }
            dig[0] = dig[1] = a.v;
            n->overflow |= a.ovf;
            have = 1;
            kind = 2;
            abbr = 0;
            last = TK_DIGIT;
            ntok++;
            q = a.end;
            continue;
        }
        if (d > 0 || (d == 0 && !ntok)) {
            if (dec)
                break;
            if (have) {
                /* 七八个, 十五六: a pair unless a third digit follows */
                if (kind != 1 || n->pair || !pair_ok((int)dig[0], d) || cn_digit(c2) >= 0 ||
                    is_digit(c2))
                    break;
                dig[1] = d;
                n->pair = 1;
                q += (size_t)l;
                continue;
            }
            /* 两 inside a number only counts hundreds and up: 十两 is ten taels */
            if (cp == CP_LIANG && ntok && !(small_unit(c2) > 10 || is_big(c2)))
                break;
            abbr = (last == TK_SMALL || last == TK_BIG) ? last_unit : 0;
            /* 一千五 is 1500, but a trailing 一 is a word: 三千一线职工, 两万一批 */
            if (abbr >= 100 && d == 1 && !is_unit(c2) && cn_digit(c2) < 0)
                break;
            dig[0] = dig[1] = d;
            have = 1;
            kind = 1;
            last = TK_DIGIT;
            ntok++;
            q += (size_t)l;
            continue;
        }
        if (d == 0) { /* 零 inside: 一百零五; only when a digit follows */
            if (have || dec || last == TK_ZERO || !(cn_digit(c2) > 0 || c2 == CP_JI) ||
                c2 == CP_LIANG)
                break;
            last = TK_ZERO;
            q += (size_t)l;
            continue;
        }
        if (cp == CP_JI || cp == CP_SHU) {
            /* 几十, 十几, 数百: an unknown digit, read as 1 before a unit, 0 after */
            if (have || dec || (cp == CP_SHU && ntok))
                break;
            if (is_unit(c2) && !(last == TK_SMALL && is_big(c2)))
                dig[0] = dig[1] = 1;
            else if (cp == CP_JI && last == TK_SMALL) /* 十几, 十几万 */
                dig[0] = dig[1] = 0;
            else if (!ntok)
                return 0; /* 几个方面, 数据 */
            else
                break;
            note_approx(n, cp == CP_JI ? "几" : "数", q, q + (size_t)l);
            have = 1;
            kind = 2;
            abbr = 0;
            last = TK_DIGIT;
            ntok++;
            q += (size_t)l;
            continue;
        }
        if (small_unit(cp) > 0) {
            double u = small_unit(cp);
            if (dec || last == TK_ZERO || (small > 0 && small <= u))
                break;
            if (!have) {
                if (u > 10) {
                    if (ntok)
                        break;
                    if (!(bare || c2 == CP_YU || c2 == CP_DUO || c2 == CP_LAI || is_big(c2)))
                        return 0; /* 百姓, 千方百计 */
                }
                dig[0] = dig[1] = 1; /* 十三, 一百十, 百余 */
            }
            sec[0] += dig[0] * u;
            sec[1] += dig[1] * u;
            dig[0] = dig[1] = 0;
            have = 0;
            small = last_unit = u;
            last = TK_SMALL;
            ntok++;
            q += (size_t)l;
            continue;
        }
        if (cp == CP_YI && last == TK_BIG && last_unit == 1e4) {
            /* 万亿: one scale word, 1e12 */
            res[0] = tmp[0] * 1e8;
            res[1] = tmp[1] * 1e8;
            tmp[0] = tmp[1] = 0;
            mult = 1e12;
            be = q + (size_t)l;
            yi = 1;
            wan = 0;
            last_unit = 1e8;
            q += (size_t)l;
            if (stop_after_big)
                break;
            continue;
        }
        if (is_big(cp)) {
            int w = cp == CP_WAN;
            if ((w ? wan : yi) || last == TK_ZERO)
                break;
            if (!have && sec[0] == 0 && sec[1] == 0) {
                if (ntok)
                    break;
                if (!(bare || c2 == CP_YU || c2 == CP_DUO))
                    return 0; /* 万众一心 */
                dig[0] = dig[1] = 1;
            }
            for (int i = 0; i < 2; i++) {
                double v = sec[i] + dig[i];
                if (nbig == 0)
                    pre[i] = v;
                if (w)
                    tmp[i] = v * 1e4;
                else {
                    res[i] = (res[i] + tmp[i] + v) * 1e8;
                    tmp[i] = 0;
                }
                sec[i] = dig[i] = 0;
            }
            nbig++;
            mult = w ? 1e4 : 1e8;
            bs = q;
            be = q + (size_t)l;
            if (w)
                wan = 1;
            else {
                yi = 1;
                wan = 0;
            }
            have = 0;
            small = 0;
            last_unit = mult;
            last = TK_BIG;
            ntok++;
            q += (size_t)l;
            if (stop_after_big && !(w && c2 == CP_YI))
                break;
            continue;
        }
        if (cp == CP_DIAN) {
            /* 三点五, 二十点五; 三点 alone is 3 of the unit 点 (三点意见) */
            int d2 = cn_digit(c2);
            uint64_t m = 0, ip;
            int k = 0;
            double frac;
            if (dec || n->pair || d2 < 0 || c2 == CP_LIANG ||
                !((have && kind == 1) || (!have && last == TK_SMALL && last_unit == 10)))
                break;
            q += (size_t)l;
            while ((l = cp_at(s, len, q, &cp)) > 0 && (d = cn_digit(cp)) >= 0 && cp != CP_LIANG) {
                if (k < 15) {
                    m = m * 10 + (uint64_t)d;
                    k++;
                }
                q += (size_t)l;
            }
            ip = (uint64_t)(sec[0] + dig[0]); /* below 10000: one section */
            if (ip <= (EXACT_MAX_U - m) / (uint64_t)pow10_tab[k]) /* exact, rounded once */
                frac = (double)(ip * (uint64_t)pow10_tab[k] + m) / pow10_tab[k];
            else
                frac = (double)ip + (double)m / pow10_tab[k];
            sec[0] = sec[1] = 0;
            dig[0] = dig[1] = frac;
            have = 1;
            kind = 2;
            abbr = 0;
            dec = 1;
            last = TK_DIGIT;
            ntok++;
            continue;
        }
        if ((cp == CP_YU || cp == CP_DUO) && is_big(c2) && (have || sec[0] > 0) && nbig == 0 &&
            !stop_after_big) {
            /* 二十多万, 三十余万: the approximation sits before the scale */
            note_approx(n, cp == CP_YU ? "余" : "多", q, q + (size_t)l);
            stop_after_big = 1;
            q += (size_t)l;
            continue;
        }
        break;
    }
    if (!ntok || last == TK_ZERO)
        return 0;
    if (stop_after_big && last != TK_BIG)
        return 0; /* cannot happen: 余/多 is taken only before 万/亿 */
    /* 一千五 = 1500, 两万三 = 23000: a last digit right after 百 and up */
    if (have && kind == 1 && abbr >= 100) {
        dig[0] *= abbr / 10;
        dig[1] *= abbr / 10;
    }
    if (nbig == 1 && last == TK_BIG) {
        n->lo = pre[0];
        n->hi = pre[1];
        n->scale = mult;
        n->sc_start = bs;
        n->sc_end = be;
    } else {
        n->lo = res[0] + tmp[0] + sec[0] + dig[0];
        n->hi = res[1] + tmp[1] + sec[1] + dig[1];
    }
    n->round = last == TK_SMALL;
    n->end = q;
    return 1;
}

/* Whether parse_core, after one digit token, stops at the character cp
 * (-1: the end): it goes on only at a Chinese numeral, 几, 数, 点 (三点五)
 * and 余 / 多 before a scale word (20多万).  Inlined, as ends_plain:
 * asked after every plain number. */
HB_HOT int ends_number(int cp)
{
    unsigned cls;
    return hb_cn_numeral(cp, &cls) < 0 && cp != CP_JI && cp != CP_SHU && cp != CP_DIAN && cp != CP_YU &&
           cp != CP_DUO;
}

/* Whether a dot ending ASCII digits where read_arabic stopped (so no
 * digit follows it) ends the number: mask_run goes on before a mask or
 * an X (1.X, 12.*), and the list markers (1.推动) stop. */
static int dot_ends(const char *s, size_t len, size_t e)
{
    int cp;
    return !cp_at(s, len, e + 1, &cp) || !(is_mask(cp) || cp == 'X' || cp == 'x');
}

/* Whether the character at e, right after ASCII digits (and a decimal
 * part) read by read_arabic, lets no rule of the grammar go on:
 * ends_number, and mask_run goes on at a mask, an X or a dot before one
 * (12**, 1XX, 1.X).  *cp: the character (-1 at the end). */
HB_HOT int ends_plain(const char *s, size_t len, size_t e, int *cp)
{
    if (!cp_at(s, len, e, cp))
        return 1;
    if (*cp < 0x80)
        return *cp == '.' ? dot_ends(s, len, e) : *cp != 'X' && *cp != 'x' && !is_mask(*cp);
    return !is_mask(*cp) && ends_number(*cp);
}

/* The two numbers most reports are full of, read without the grammar's
 * walk (seven calls in eight, some 570 instructions each there): ASCII
 * digits, thousands groups and a decimal part before a measure word or a
 * mark (ends_plain: 3个, 1.推动, 80%), or before 万 or 亿 and nothing more
 * of a number (12.5万元, not 1万2000 nor 3万余); a lone Chinese digit
 * before no numeral (一是, 三会).  p < len.  Returns 1 with n's reading
 * as parse_core makes it (lo, hi, overflow, end and the scale with its
 * span, which no one reads at scale 1; the rest of n untouched), *cur the
 * character at p and *after the one at n->end (-1: the end); 0, n
 * untouched, when the grammar has to read it. */
HB_HOT int plain_number(const char *s, size_t len, size_t p, num *n, int *cur, int *after)
{
    unsigned char b = (unsigned char)s[p];
    double v, scale = 1;
    size_t q, sc = 0;
    int c, ovf = 0;
    if (is_digit(b)) {
        arabic a;
        read_arabic(s, len, p, &a);
        if (a.bad)
            return 0;
        *cur = b;
        v = a.v;
        ovf = a.ovf;
        q = a.end;
        if (!ends_plain(s, len, q, &c)) {
            /* 3.5万元, 12亿: the scale word split off, as parse_core does
             * when no digit, numeral, 几, 数, 点, 余 or 多 follows it */
            if (!is_big(c))
                return 0;
            scale = c == CP_WAN ? 1e4 : 1e8;
            sc = q;
            q += 3; /* 万 and 亿 are three bytes */
            if (cp_at(s, len, q, &c) && (is_digit(c) || !ends_number(c)))
                return 0;
        }
    } else if ((b & 0xF0) == 0xE0) { /* the Chinese digits are three bytes */
        int d;
        q = p + (size_t)cp_at(s, len, p, cur);
        if ((d = cn_digit(*cur)) < 0 || (cp_at(s, len, q, &c) && !ends_number(c)))
            return 0;
        v = d;
    } else {
        return 0;
    }
    n->lo = n->hi = v;
    n->overflow = ovf;
    n->end = q;
    n->scale = scale;
    n->sc_start = sc;
    n->sc_end = sc + 3;
    *after = c;
    return 1;
}

/* A number at p without prefix, range or suffix; fast: plain_number may
 * read it. */
static int parse_one(const hb_wordlist *units, const char *s, size_t len, size_t p, int bare, int fast, num *n)
{
    int cp;
    int l = cp_at(s, len, p, &cp);

    memset(n, 0, sizeof *n);
    n->scale = 1;
    if (!l)
        return 0;
    int cur, after; /* plain_number's, not needed here */
    if (fast && plain_number(s, len, p, n, &cur, &after))
        return 1;
    if (is_digit(cp) || is_mask(cp) || cp == 'X' || cp == 'x') {
        size_t e;
        int m = mask_run(units, s, len, p, &e);
        if (m < 0)
            return 0;
        if (m > 0) {
            n->masked = 1;
            masked_tail(s, len, e, n);
            return 1;
        }
        return is_digit(cp) && parse_core(s, len, p, bare, n);
    }
    unsigned cls;
    int v = hb_cn_numeral(cp, &cls), d0 = digit_of(v, cls);
    if (d0 >= 0) {
        /* a run of bare digits: one digit, a pair, a reading or nothing;
         * each character is decoded and looked up once */
        size_t q = p;
        int nd = 0, zero = 0, allo = 1, d1 = -1, c = cp, dc = d0;
        uint64_t m = 0;
        for (;;) {
            if (nd == 1)
                d1 = dc;
            zero |= dc == 0;
            allo &= c == CP_OZERO;
            if (nd < 16)
                m = m * 10 + (uint64_t)dc;
            nd++;
            q += (size_t)l;
            if (!(l = cp_at(s, len, q, &c)))
                break;
            v = hb_cn_numeral(c, &cls);
            if ((dc = digit_of(v, cls)) < 0)
                break;
        }
        if (nd == 1 || (nd == 2 && !zero && pair_ok(d0, d1)))
            return parse_core(s, len, p, bare, n);
        if (allo) { /* 〇〇 stands for hidden digits */
            n->masked = 1;
            masked_tail(s, len, q, n);
            return 1;
        }
        cp_at(s, len, q, &c);
        if (!zero && c != CP_NIAN)
            return 0; /* 一二三四 counts, it is not a number */
        n->reading = 1;
        n->overflow = nd > 16 || m > EXACT_MAX_U;
        n->lo = n->hi = (double)m;
        n->end = q;
        return 1;
    }
    if (is_cn_numeral(cp) || cp == CP_SHU)
        return parse_core(s, len, p, bare, n);
    return 0;
}

/* Refuses a start inside a word or another number; cur: the character
 * at pos.  Inlined: asked at every number, where a call cost a sixth of
 * parse_common's reading. */
HB_HOT int start_ok(const char *s, size_t len, size_t pos, int cur)
{
    int prev, prev2 = -1;
    size_t a;

    if (pos == 0)
        return 1;
    /* most numbers follow a Han character other than a numeral or 几,
     * which no test below refuses: told by its bytes, not decoded */
    if (pos >= 3 && hb_plain_han3((const unsigned char *)s + pos - 3) && memcmp(s + pos - 3, "几", 3) != 0)
        return 1;
    a = hb_char_before(s, pos, &prev);
    if (is_digit(prev))
        return 0; /* the 3 of 123 */
    if (cur >= 0x80) /* a Chinese numeral or a mask: a numeral or a mask before it refuses */
        return !(is_mask(prev) && is_mask(cur)) && !(is_cn_numeral(prev) && is_cn_numeral(cur)); /* 二十三 */
    if (is_mask(prev) && (is_digit(cur) || is_mask(cur)))
        return 0;
    if (is_latin(prev) && (is_digit(cur) || cur == 'X' || cur == 'x'))
        return 0; /* G20, PM2.5, AXX */
    /* the character before that matters only after these marks */
    if (a > 0 && (prev == '.' || prev == '-' || prev == '/' || prev == ':' || prev == ','))
        hb_char_before(s, a, &prev2);
    if ((prev == '.' || prev == '-' || prev == '/' || prev == ':') && is_digit(cur) &&
        (is_digit(prev2) || is_latin(prev2)))
        return 0; /* 3.5, 2022-12-20, 10:30, COVID-19 */
    return !(prev == ',' && is_digit(prev2) && pos + 3 <= len && is_digit(s[pos + 1]) && is_digit(s[pos + 2]) &&
             (pos + 3 == len || !is_digit(s[pos + 3]))); /* the 200 of 1,200 (and linear time over 1,000,000,…) */
}

/* Whether a word of l starts with a digit, 0-9 or a Chinese one. */
static int digit_opens(const hb_wordlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        int cp;
        if (l->v[i].len && (hb_utf8_next(l->v[i].word, l->v[i].len, &cp), is_digit(cp) || cn_digit(cp) >= 0))
            return 1;
    }
    return 0;
}

hb_status hb_numerals_load(struct hb_engine *e, hb_error *err)
{
    hb_numeral_words *w = &e->numerals;
    w->units = &e->units;
    hb_status st = hb_kind_lists_read(e, "numeral_approx.txt",
                                      (const char *const[]){"before", "bound", "after", "after-unit"},
                                      (hb_wordlist *const[]){&w->before, &w->bound, &w->after, &w->after_unit}, 4,
                                      err);
    if (!st)
        st = hb_wordlist_add_all(&w->before, &w->bound);
    w->digit_before = digit_opens(&w->before);
    return st;
}

void hb_numerals_unload(struct hb_engine *e)
{
    hb_wordlist_free(&e->numerals.before);
    hb_wordlist_free(&e->numerals.bound);
    hb_wordlist_free(&e->numerals.after);
    hb_wordlist_free(&e->numerals.after_unit);
}

/* The longest word of l at s[p], or NULL.  Inlined: it is asked at
 * every number, before and after it, and most places start no word, which
 * the list's inline filter tells at once. */
HB_HOT const char *match_word(const char *s, size_t len, size_t p, const hb_wordlist *l)
{
    const hb_rule_word *w = hb_wordlist_prefix(l, s + p, len - p);
    return w ? w->word : NULL;
}

static int is_range_sep(int cp)
{
    return cp == '-' || cp == '~' || cp == CP_ZHI || cp == CP_DAO || cp == CP_EMDASH ||
           cp == CP_ENDASH || cp == CP_WAVE;
}

/* hb_numeral_parse; fast: plain numbers take plain_number's way. */
static int parse_numeral(const hb_numeral_words *words, const char *text, size_t len, size_t pos, int fast,
                         hb_numeral *out)
{
    num a, b;
    size_t q = pos;
    int cp, l, bare = 0, pct_prefix = 0, suffix = 0;
    const char *w;

    memset(out, 0, sizeof *out);
    out->start = out->end = out->scale_start = out->scale_end = pos;
    out->value = out->value_max = NAN;
    out->scale = 1;
    /* a pos inside a character would decode as garbage (even as a digit) */
    if (!text || pos >= len || ((unsigned char)text[pos] & 0xC0) == 0x80)
        return 0;
    cp_at(text, len, pos, &cp);
    if (!start_ok(text, len, pos, cp))
        return 0;

    w = match_word(text, len, q, &words->before);
    if (w) {
        int c;
        size_t wl = strlen(w);
        cp_at(text, len, q + wl, &c);
        /* 上 (if listed) only before a bare unit: 上百, 上万 (not 上3, nor 以上百分之八十) */
        if (!strcmp(w, "上") &&
            (!(small_unit(c) > 10 || is_big(c)) || starts(text, len, q + wl, "百分之")))
            return 0;
        out->approx = 1;
        out->approx_word = w;
        out->approx_start = q;
        out->approx_end = q + wl;
        q += wl;
        bare = 1;
    }
    if (starts(text, len, q, "百分之")) {
        pct_prefix = 1;
        bare = 1; /* 百分之百 */
        q += strlen("百分之");
    }
    if (!parse_one(words->units, text, len, q, bare, fast, &a))
        return 0;
    q = a.end;

    l = cp_at(text, len, q, &cp);
    if (!a.reading && !a.pair &&
        (cp == CP_YU || cp == CP_DUO || (cp == CP_LAI && a.round && !a.masked))) {
        note_approx(&a, cp == CP_YU ? "余" : cp == CP_DUO ? "多" : "来", q, q + (size_t)l);
        q += (size_t)l;
        suffix = 1;
    }
    if (!pct_prefix && q < len && text[q] == '%') {
        out->percent = 1;
        q++;
    }
    if (suffix || out->percent) /* else cp is still the character at q */
        l = cp_at(text, len, q, &cp);
    out->percent |= pct_prefix;
    out->value = a.lo;
    out->scale = a.scale;
    out->scale_start = a.sc_start;
    out->scale_end = a.sc_end;
    if (a.pair) {
        out->has_max = 1;
        out->value_max = a.hi;
    }

    /* a range: 3至5, 3-5万, 30%~50%, 三至五 */
    if (!a.masked && !a.pair && !a.approx && !a.reading && !suffix && is_range_sep(cp)) {
        size_t r = q + (size_t)l;
        if (pct_prefix && starts(text, len, r, "百分之"))
            r += strlen("百分之");
        if (parse_one(words->units, text, len, r, pct_prefix, fast, &b) && !b.masked && !b.pair && !b.approx &&
            !b.reading) {
            size_t e = b.end;
            int pb = 0;
            if (!pct_prefix && e < len && text[e] == '%') {
                pb = 1;
                e++;
            }
            /* 3至5万: the lower end takes the upper end's scale; 30%至50 is no range */
            if (!(out->percent && !pct_prefix && !pb) &&
                (a.scale == b.scale || a.scale == 1) && b.lo > a.lo) {
                out->has_max = 1;
                out->value_max = b.lo;
                out->scale = b.scale;
                out->scale_start = b.sc_start;
                out->scale_end = b.sc_end;
                out->percent |= pb;
                a.overflow |= b.overflow;
                q = e;
            }
        }
    }

    w = match_word(text, len, q, &words->after);
    if (w) {
        note_approx(&a, w, q, q + strlen(w));
        q += strlen(w);
    } else if (q < len && text[q] == '+' &&
               !(q + 1 < len && (is_digit(text[q + 1]) || is_latin(text[q + 1])))) {
        note_approx(&a, "+", q, q + 1); /* 100+人, but not 1+N */
        q++;
    }
    if (a.approx) {
        out->approx = 1;
        if (!out->approx_word) {
            out->approx_word = a.aw;
            out->approx_start = a.aw_start;
            out->approx_end = a.aw_end;
        }
    }
    out->masked = a.masked;
    if (a.masked) {
        out->value = out->value_max = NAN;
    } else if (a.overflow || !(out->value <= EXACT_MAX) ||
               (out->has_max && !(out->value_max <= EXACT_MAX))) {
        out->overflow = 1;
        out->value = out->value_max = NAN;
    }
    if (out->scale == 1)
        out->scale_start = out->scale_end = q;
    out->end = q;
    return 1;
}

/* Whether the character cp at q (-1: the end), right after a number read
 * without range, suffix or scale (and its %), adds nothing to it in
 * parse_numeral: no % (a second), range mark, + nor a word of
 * words->after (asked by the list's filter: a maybe is a no).  余, 多 and
 * what goes on with the number, the callers have turned away; 来 counts
 * only after 十/百/千. */
static int adds_nothing(const hb_numeral_words *words, const char *s, size_t len, size_t q, int cp)
{
    return cp < 0 || (cp != '%' && cp != '+' && !is_range_sep(cp) &&
                      !hb_wordlist_may_start(&words->after, s + q, len - q));
}

/* A plain_number in a place that adds nothing to it: neither where an
 * approximation word may start (none of dict/ starts with a digit:
 * digit_before) nor before anything adds_nothing refuses, and not past
 * 2^53.  Returns 1 with *out as parse_numeral fills it, -1 when the
 * grammar has to read. */
static int parse_common(const hb_numeral_words *words, const char *s, size_t len, size_t pos, hb_numeral *out)
{
    num n;
    int cur, c;
    if (!s || pos >= len || !plain_number(s, len, pos, &n, &cur, &c) || n.overflow)
        return -1;
    size_t q = n.end;
    int pct = c == '%';
    if (pct)
        cp_at(s, len, ++q, &c);
    if (!start_ok(s, len, pos, cur) ||
        (words->digit_before && hb_wordlist_may_start(&words->before, s + pos, len - pos)) ||
        !adds_nothing(words, s, len, q, c))
        return -1;
    int whole = n.scale == 1;
    /* field by field: a compound literal was cleared whole first, by a
     * rep stos whose start-up was a sixth of hb_numeral_parse's time */
    out->start = pos;
    out->end = q;
    out->value = n.lo;
    out->value_max = NAN;
    out->has_max = out->masked = out->approx = out->overflow = 0;
    out->percent = pct;
    out->scale = n.scale;
    out->scale_start = whole ? q : n.sc_start;
    out->scale_end = whole ? q : n.sc_end;
    out->approx_word = NULL;
    out->approx_start = out->approx_end = 0;
    return 1;
}

int hb_numeral_parse(const hb_numeral_words *words, const char *text, size_t len, size_t pos, hb_numeral *out)
{
    int r = parse_common(words, text, len, pos, out);
    return r >= 0 ? r : parse_numeral(words, text, len, pos, 1, out);
}

int hb_numeral_parse_full(const hb_numeral_words *words, const char *text, size_t len, size_t pos, hb_numeral *out)
{
    return parse_numeral(words, text, len, pos, 0, out);
}

const char *hb_numeral_approx_after(const hb_numeral_words *words, const char *s, size_t len, size_t *word_len)
{
    const char *w = s ? match_word(s, len, 0, &words->after_unit) : NULL;
    if (word_len)
        *word_len = w ? strlen(w) : 0;
    return w;
}
