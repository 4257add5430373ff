#include "markers.h"

#include <string.h>

#include "chars.h"
#include "engine.h"
#include "normalize.h"

/* 一 … 九 and 十: what a heading number is written with (no 〇 零 两). */
static int cn_digit(int cp)
{
    unsigned cls;
    int v = hb_cn_numeral(cp, &cls);
    return v >= 1 && v <= 10 && !(cls & HB_CN_ALT) ? v : -1;
}

/* Length in bytes of the run of small-numeral characters at s, read up to
 * four: no marker number has more than three (二十三), and a bound keeps
 * trying a marker at every position of a long run linear. */
static size_t cn_run(const char *s, size_t len)
{
    size_t i = 0;
    while (i + 3 <= len && i < 12) {
        int cp;
        hb_utf8_next(s + i, len - i, &cp);
        if (cn_digit(cp) < 0)
            break;
        i += 3;
    }
    return i;
}

int hb_small_cn_number(const char *s, size_t len)
{
    int d[3], n = 0;
    for (size_t i = 0; i < len; i += 3) {
        int cp;
        if (n == 3 || len - i < 3)
            return -1;
        hb_utf8_next(s + i, len - i, &cp);
        if ((d[n++] = cn_digit(cp)) < 0)
            return -1;
    }
    if (n == 1)
        return d[0];
    if (n == 2 && d[0] == 10 && d[1] < 10)
        return 10 + d[1];               /* 十三 */
    if (n == 2 && d[0] < 10 && d[0] > 1 && d[1] == 10)
        return d[0] * 10;               /* 二十 */
    if (n == 3 && d[0] > 1 && d[0] < 10 && d[1] == 10 && d[2] < 10)
        return d[0] * 10 + d[2];        /* 二十三 */
    return -1;
}

/* Digits at s, read up to three (a marker has at most two). */
static size_t digit_run(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && i < 3 && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

static int atoi_n(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n && v < 100000; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int starts(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len >= n && memcmp(s, lit, n) == 0;
}

/* The keycap sign after a digit (1️⃣: U+FE0F U+20E3, or U+20E3 alone):
 * its length in bytes, 0 when there is none. */
static size_t keycap(const char *s, size_t len)
{
    size_t at = starts(s, len, "\xEF\xB8\x8F") ? 3 : 0;
    return starts(s + at, len - at, "\xE2\x83\xA3") ? at + 3 : 0;
}

/* Some visible text must follow a heading marker. */
static int has_text_after(const char *s, size_t len, size_t at)
{
    while (at < len && (s[at] == ' ' || s[at] == '\t'))
        at++;
    return at < len;
}

static int set(hb_marker *m, int style, int rank, int level, int number, size_t mlen,
               const char *s, size_t len)
{
    if (number <= 0 || !has_text_after(s, len, mlen))
        return 0;
    m->style = style;
    m->rank = rank;
    m->level = level;
    m->number = number;
    m->len = mlen;
    return 1;
}

hb_status hb_markers_load(struct hb_engine *e, hb_error *err)
{
    return hb_kind_lists_read(e, "marker_words.txt", (const char *const[]){"counts-on"},
                              (hb_wordlist *const[]){&e->counts_on}, 1, err);
}

void hb_markers_unload(struct hb_engine *e)
{
    hb_wordlist_free(&e->counts_on);
}

/* 一、二季度 and 三、四月份 enumerate numerals, they open no section: the
 * text after 一、 is the next numeral, then a word of counts_on (、 or a
 * word of time or rank). */
static int counts_on(const hb_wordlist *words, const char *s, size_t len, int v)
{
    size_t n = cn_run(s, len);
    if (n != 3 || hb_small_cn_number(s, n) != v + 1)
        return 0;
    return hb_wordlist_prefix(words, s + n, len - n) != NULL;
}

int hb_heading_marker_past(const hb_wordlist *counts, const char *s, size_t len, hb_marker *m)
{
    size_t n;
    int cp;
    /* 第一部分 第一章 */
    if (starts(s, len, "第") && (n = cn_run(s + 3, len - 3)) > 0) {
        int v = hb_small_cn_number(s + 3, n);
        size_t at = 3 + n;
        size_t w = starts(s + at, len - at, "部分") ? 6 : starts(s + at, len - at, "章") ? 3 : 0;
        if (v > 0 && w) {
            at += w;
            while (at < len && (s[at] == ' ' || s[at] == ':' || s[at] == ',' ||
                                starts(s + at, len - at, "、")))
                at += starts(s + at, len - at, "、") ? 3 : 1;
            return set(m, HB_MS_PART, 0, 1, v, at, s, len);
        }
        return 0;
    }
    /* 一、 (also 一. when written that way) */
    if ((n = cn_run(s, len)) > 0) {
        int v = hb_small_cn_number(s, n);
        if (v > 0 && starts(s + n, len - n, "、"))
            return !counts_on(counts, s + n + 3, len - n - 3, v) && set(m, HB_MS_CN, 1, 1, v, n + 3, s, len);
        if (v > 0 && n < len && s[n] == '.') /* 一．2024年主要工作: no decimal after a Chinese numeral */
            return set(m, HB_MS_CN, 1, 1, v, n + 1, s, len);
        return 0;
    }
    /* (一) and (1), folded from full-width parentheses */
    if (s[0] == '(') {
        size_t k = 1;
        while (k < len && s[k] == ' ')
            k++;
        if ((n = cn_run(s + k, len - k)) > 0 && k + n < len && s[k + n] == ')') {
            int v = hb_small_cn_number(s + k, n);
            size_t at = k + n + 1;
            if (starts(s + at, len - at, "、"))
                at += 3;
            return set(m, HB_MS_PCN, 2, 2, v, at, s, len);
        }
        if ((n = digit_run(s + k, len - k)) > 0 && n <= 2 && k + n < len && s[k + n] == ')') {
            size_t at = k + n + 1;
            if (starts(s + at, len - at, "、"))
                at += 3;
            return set(m, HB_MS_PNUM, 4, 4, atoi_n(s + k, n), at, s, len);
        }
        return 0;
    }
    /* 1. 1、 2, 1) 1)、 1️⃣ — at most two digits, so years and amounts are
     * not headings; no digit after . or , (1.5万, 1,200名) */
    if ((n = digit_run(s, len)) > 0) {
        if (n > 2 || n >= len)
            return 0;
        int v = atoi_n(s, n);
        int digit_next = n + 1 < len && s[n + 1] >= '0' && s[n + 1] <= '9';
        if ((s[n] == '.' || s[n] == ',') && !digit_next)
            return set(m, HB_MS_NUM, 3, 3, v, n + 1, s, len);
        if (starts(s + n, len - n, "、"))
            return set(m, HB_MS_NUM, 3, 3, v, n + 3, s, len);
        if (s[n] == ')')
            return set(m, HB_MS_NUMP, 4, 4, v, n + 1 + (starts(s + n + 1, len - n - 1, "、") ? 3 : 0), s, len);
        size_t k = keycap(s + n, len - n);
        if (k)
            return set(m, HB_MS_NUM, 3, 3, v, n + k, s, len);
        return 0;
    }
    hb_utf8_next(s, len, &cp);
    if (cp == 0x1F51F) /* 🔟, the keycap ten after 9️⃣ */
        return set(m, HB_MS_NUM, 3, 3, 10, 4 + (starts(s + 4, len - 4, "\xEF\xB8\x8F") ? 3 : 0), s, len);
    if (hb_is_circled(cp)) { /* ① … ⑳ */
        size_t at = 3;
        if (starts(s + at, len - at, "、") || starts(s + at, len - at, "."))
            at += s[at] == '.' ? 1 : 3;
        return set(m, HB_MS_CIRCLED, 5, 4, cp - 0x2460 + 1, at, s, len);
    }
    return 0;
}

static size_t separator(const char *s, size_t len)
{
    if (len && (s[0] == ',' || s[0] == ':'))
        return 1;
    if (starts(s, len, "、"))
        return 3;
    return 0;
}

int hb_item_marker_past(const char *s, size_t len, int *family, int *number, size_t *mlen)
{
    size_t n;
    int cp;
    if (len >= 3 && hb_utf8_next(s, len, &cp) == 3 && hb_is_circled(cp)) { /* ：①…；②… */
        *family = HB_IF_CIRCLED, *number = cp - 0x2460 + 1, *mlen = 3;
        *mlen += separator(s + 3, len - 3);
        return 1;
    }
    if (starts(s, len, "另一方面")) {
        *family = HB_IF_FANGMIAN, *number = 2, *mlen = 12;
        *mlen += separator(s + 12, len - 12);
        return 1;
    }
    if (starts(s, len, "一方面")) {
        *family = HB_IF_FANGMIAN, *number = 1, *mlen = 9;
        *mlen += separator(s + 9, len - 9);
        return 1;
    }
    if ((starts(s, len, "第") || starts(s, len, "其")) && (n = cn_run(s + 3, len - 3)) > 0) {
        int v = hb_small_cn_number(s + 3, n);
        size_t sep = separator(s + 3 + n, len - 3 - n), at = 3 + n + sep;
        /* 第一、二季度: the next numeral follows, numerals are enumerated */
        if (sep == 3 && at + 3 <= len && hb_small_cn_number(s + at, 3) == v + 1)
            return 0;
        if (v > 0 && sep) {
            *family = s[1] == "第"[1] && s[2] == "第"[2] ? HB_IF_DI : HB_IF_QI;
            *number = v, *mlen = 3 + n + sep;
            return 1;
        }
        return 0;
    }
    if ((n = cn_run(s, len)) > 0 && starts(s + n, len - n, "是")) {
        int v = hb_small_cn_number(s, n);
        if (v > 0) {
            *family = HB_IF_SHI, *number = v, *mlen = n + 3;
            *mlen += separator(s + *mlen, len - *mlen);
            return 1;
        }
    }
    return 0;
}
