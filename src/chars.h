/* Character classes shared by tokens, numerals, markers and document facts,
 * so that they agree on what a Chinese numeral or a mask is.  Code points
 * of the folded view (normalize.h): ＊ has become *. */
#ifndef HB_CHARS_H
#define HB_CHARS_H

enum {
    HB_CN_DIGIT = 1u << 0, /* 〇 零 一 二 两 三 四 五 六 七 八 九: 0-9 */
    HB_CN_ALT = 1u << 1,   /* 〇 零 两: a digit no heading number or date field uses for 0 or 2 alone */
    HB_CN_SCALE = 1u << 2  /* 十 百 千 万 亿 */
};

/* The value of a Chinese numeral character (0-9, or 10 … 1e8 for a scale
 * word) with its classes in *cls; -1 (and *cls 0) for any other.  The
 * switch itself; callers use hb_cn_numeral. */
int hb_cn_numeral_lookup(int cp, unsigned *cls);

/* The numerals of hb_cn_numeral_lookup's switch, for a filter of two
 * 64-bit masks (low six bits, next six) that turns away most characters
 * before the call: the tokenizer asks about every Han character, twice.
 * test_numeral checks the two agree on every code point. */
#define HB_CN_NUMERALS(X) \
    X(0x3007) X(0x96F6) X(0x4E00) X(0x4E8C) X(0x4E24) X(0x4E09) X(0x56DB) X(0x4E94) X(0x516D) \
    X(0x4E03) X(0x516B) X(0x4E5D) X(0x5341) X(0x767E) X(0x5343) X(0x4E07) X(0x4EBF)
#define HB_CN_LOW_BIT(c) | (1ull << ((c) & 63))
#define HB_CN_HIGH_BIT(c) | (1ull << (((c) >> 6) & 63))

static inline int hb_cn_numeral(int cp, unsigned *cls)
{
    const unsigned long long low = 0 HB_CN_NUMERALS(HB_CN_LOW_BIT), high = 0 HB_CN_NUMERALS(HB_CN_HIGH_BIT);
    if (!(low >> (cp & 63) & 1) || !(high >> ((cp >> 6) & 63) & 1)) {
        *cls = 0;
        return -1;
    }
    return hb_cn_numeral_lookup(cp, cls);
}

/* A character that stands for a hidden digit: * × ✕ ○ □ (X and x only in
 * runs, which the callers check). */
int hb_is_mask_char(int cp);

/* ○ and □ are bullets or boxes when alone: a mask only when repeated. */
int hb_is_shape_mask(int cp);

#endif
