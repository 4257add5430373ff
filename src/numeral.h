/* Numerals: reads one number of a Chinese work report from the folded text
 * (NFKC: ASCII digits, %, *, X; 〇, ×, ○, □ and Chinese numerals as written).
 *
 * Forms: Arabic (1,200  3.5), Chinese (两千三百  一百零五  十三  三点五),
 * mixed (1.5万  3千  1万2000), digit-by-digit readings (二〇二三), masks
 * (*  **  ××  XX  xx  ○○  1*), approximations before (近 约 超过 逾 至少 上 …),
 * inside (几十 数百) and after the number (余 多 来 以上 左右 上下 +: 100+人,
 * not 1+N), ranges (3至5  3-5  3~5  三四十  七八  十五六), percentages (80%
 * 百分之八十  百分之**).
 *
 * Decisions the callers rely on:
 * - Scale: a trailing 万 / 亿 / 万亿 that is the numeral's only big unit is
 *   split off: value as written, scale and its span reported so the caller
 *   puts the word into the unit (3.5万人 → 3.5, scale 1e4, unit 万人: the
 *   scale word, then the unit the caller reads from `end`).
 *   When digits follow (两万三千, 一万五) or there are two big units
 *   (两亿三千万) the numeral is read whole with scale 1.  十 / 百 / 千 are
 *   never scales: 3千人 is 3000 人, 两千人 2000 人; 三千万 is 3000 scale 万.
 * - Ranges take their scale from the upper end: 3至5万 is 3..5 scale 万;
 *   different explicit scales (5千至1万), upper < lower (2022-12) or a
 *   masked side are not ranges: only the first number is read.
 * - 余 / 多 / 几 / 数 keep the written base as the value (lower bound):
 *   百余 100, 三十多 30, 几十 10, 十几 10, 数百 100, all approx.  几 and 数
 *   alone (几个方面, 数据) are not numbers.
 * - Runs of bare Chinese digits: a pair of neighbours is a range (七八 7..8,
 *   三五 3..5, 一两 1..2); a run holding 〇/零, or followed by 年, is read
 *   digit by digit (二〇二三 2023, 一九四九年 1949); other runs (一二三四)
 *   are not numbers; 〇〇 alone is a mask.  Readings take no unit, scale
 *   or range (二〇二二至二〇二三 gives 2022, then the caller goes on).
 * - A last digit right after 百 and up is spoken shorthand: 一千五 1500,
 *   两万三 23000; except 一, which starts words (三千一线 is 3000).
 * - 两 is a digit only at the start or before 百/千/万/亿: 两学一做 gives 2
 *   and stops before 学, 十两 gives 10.
 * - Bare 百/千/万/亿 start a number only after an approximation prefix or
 *   before 余/多/来 or a bigger unit: 百余, 近百, 上万, 百万; never 百姓,
 *   千方百计, 万众.
 * - Masks: a run of digits and *, ×, ○, □ or XX/xx holding at least one
 *   mask (1* and 3×4 are masked); a lone X is a letter unless a decimal part
 *   or a measure word follows (x次, X人次, x.6亿, 1x.5万); an X run touching a
 *   Latin letter (XXL, AXX) is not a mask.  Masked numbers take a scale,
 *   余/多 and %, never a range.
 * - 1,200 is twelve hundred only with groups of exactly three digits after a
 *   first group of one to three (1,2 and 1,2000 stop at 1).  Folding turns
 *   the Chinese comma ， into ',' too, so "100，200人" reads 100200: callers
 *   that care look at the original byte through the fold map.
 * - Not numbers: a leading dot (.5), dotted runs (3.5.6, 2023.12.20),
 *   digits after a Latin letter (G20, PM2.5), a start inside another number
 *   (the 3 of 123, the 三 of 二十三, the 12 of 2022-12-20).
 * - Left to the caller: ordinals (第三), years and dates (2023年), slogans
 *   (两学一做, 三会一课), words that start with a numeral (一是, 十分), the
 *   time reading of 近 (近3年: approx_word says 近), and approximations
 *   written after the unit (100人以上: see hb_numeral_approx_after).
 * - More than 2^53 (beyond exact integers) sets overflow and a NAN value,
 *   whatever the length of the digit run. */
#ifndef HB_NUMERAL_H
#define HB_NUMERAL_H

#include <stddef.h>

#include "normalize.h"
#include "units.h"

/* The approximation words of dict/numeral_approx.txt, shared by every stage
 * that reads numbers (the engine's e->numerals). */
typedef struct {
    hb_wordlist before;      /* 约 近 超过 上 …: right before the number (kinds before, bound) */
    hb_wordlist bound;       /* 约 近 超过 …: also bound words of the metrics stage (units.h) */
    hb_wordlist after;       /* 以上 左右 上下: right after it */
    hb_wordlist after_unit;  /* 以上 左右 之多 多 余 …: after its unit */
    const hb_wordlist *units; /* the engine's measure words: a lone X before one is a mask */
    int digit_before;        /* a word of before starts with a digit, 0-9 or Chinese: else a
                                number that does has no approximation word at its start */
} hb_numeral_words;

struct hb_engine;
hb_status hb_numerals_load(struct hb_engine *e, hb_error *err);
void hb_numerals_unload(struct hb_engine *e);

/* Offsets are byte offsets into the text given to hb_numeral_parse. */
typedef struct {
    size_t start, end;        /* all consumed: prefix, number, range, scale, suffix, % */
    double value;             /* as written, scale not applied; NAN when masked or overflow */
    double value_max;         /* upper end of a range, else NAN */
    int has_max;
    int masked;               /* digits hidden: **, ××, XX, 1*, 百分之** */
    int approx;               /* 余 多 近 约 几 以上 左右 …: value is the written base */
    int overflow;             /* more than 2^53: value (and value_max) NAN */
    int percent;              /* 80%, 百分之八十: value is 80 */
    double scale;             /* 1, 1e4 (万), 1e8 (亿), 1e12 (万亿): normalized = value * scale */
    size_t scale_start, scale_end;   /* the scale word, empty (== end) when scale is 1 */
    const char *approx_word;  /* the first approximation word (the engine's, or static), or NULL */
    size_t approx_start, approx_end; /* where that word is */
} hb_numeral;

/* Reads a number starting at text[pos] (text holds len bytes of valid folded
 * UTF-8; the bytes before pos are looked at to refuse a start inside a word
 * or another number).  Returns 1 and fills *out when a number starts here,
 * else 0 (out->end == pos). */
int hb_numeral_parse(const hb_numeral_words *words, const char *text, size_t len, size_t pos, hb_numeral *out);
/* The same without the shortcut for plain numbers (ASCII digits, then a
 * measure word or a mark), every number read by the whole grammar: for the
 * tests to compare. */
int hb_numeral_parse_full(const hb_numeral_words *words, const char *text, size_t len, size_t pos, hb_numeral *out);
/* Where the character ending at text[s] starts (s > 0, a boundary of
 * valid UTF-8), its code point in *cp: the reader and the metrics look at
 * the characters before a number.  A three-byte character, most Han, is
 * told by the lead byte three back (it spans [s - 3, s)). */
static inline size_t hb_char_before(const char *text, size_t s, int *cp)
{
    const unsigned char *u = (const unsigned char *)text;
    if (s >= 3 && (u[s - 3] & 0xF0) == 0xE0) {
        *cp = (u[s - 3] & 0x0F) << 12 | (u[s - 2] & 0x3F) << 6 | (u[s - 1] & 0x3F);
        return s - 3;
    }
    size_t p = s - 1;
    while (p > 0 && (u[p] & 0xC0) == 0x80)
        p--;
    hb_utf8_next(text + p, s - p, cp);
    return p;
}

/* 几 and 数: an unknown digit (几十, 数百), approximate in itself. */
enum { HB_CP_JI = 0x51E0, HB_CP_SHU = 0x6570 };

/* Whether a numeral read at pos (< len), whose character cp the caller
 * has decoded, may open with an approximation word (one of words->before,
 * or 几 数): only then can hb_numeral_parse report one starting at pos, so
 * callers looking for that skip the full reading.  Inline: asked at up to
 * three places before every number, most of which the word list's filter
 * of first characters turns away at once. */
static inline int hb_numeral_opens_approx(const hb_numeral_words *words, int cp, const char *text, size_t len,
                                          size_t pos)
{
    return cp == HB_CP_JI || cp == HB_CP_SHU || hb_wordlist_prefix(&words->before, text + pos, len - pos);
}

/* An approximation word written after the unit (100人以上, 一个多月, 3年左右)
 * at the start of s[0..len): returns the word (words->after_unit) and its
 * byte length in *word_len, else NULL. */
const char *hb_numeral_approx_after(const hb_numeral_words *words, const char *s, size_t len, size_t *word_len);

#endif
