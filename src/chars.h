/* Character classes shared by tokens, numerals, markers and document facts,
 * so that they agree on what a Chinese numeral or a mask is.  Code points
 * of the folded view (normalize.h): ＊ has become *. */
#ifndef HB_CHARS_H
#define HB_CHARS_H

#include <stddef.h>
#include <string.h>

enum {
    HB_CN_DIGIT = 1u << 0, /* 〇 零 一 二 两 三 四 五 六 七 八 九: 0-9 */
    HB_CN_ALT = 1u << 1,   /* 〇 零 两: a digit no heading number or date field uses for 0 or 2 alone */
    HB_CN_SCALE = 1u << 2  /* 十 百 千 万 亿 */
};

/* The Chinese numerals: X(code point, value, classes, a), one table for the
 * table (hb_cn_numeral_lookup), the filter in front of it and the bits of
 * hb_plain_han_bits; a is passed through (the word the bits are for). */
#define HB_CN_D HB_CN_DIGIT
#define HB_CN_A (HB_CN_DIGIT | HB_CN_ALT)
#define HB_CN_S HB_CN_SCALE
#define HB_CN_NUMERALS(X, a) \
    X(0x3007, 0, HB_CN_A, a)      /* 〇 */ \
    X(0x96F6, 0, HB_CN_A, a)      /* 零 */ \
    X(0x4E00, 1, HB_CN_D, a)      /* 一 */ \
    X(0x4E8C, 2, HB_CN_D, a)      /* 二 */ \
    X(0x4E24, 2, HB_CN_A, a)      /* 两 */ \
    X(0x4E09, 3, HB_CN_D, a)      /* 三 */ \
    X(0x56DB, 4, HB_CN_D, a)      /* 四 */ \
    X(0x4E94, 5, HB_CN_D, a)      /* 五 */ \
    X(0x516D, 6, HB_CN_D, a)      /* 六 */ \
    X(0x4E03, 7, HB_CN_D, a)      /* 七 */ \
    X(0x516B, 8, HB_CN_D, a)      /* 八 */ \
    X(0x4E5D, 9, HB_CN_D, a)      /* 九 */ \
    X(0x5341, 10, HB_CN_S, a)     /* 十 */ \
    X(0x767E, 100, HB_CN_S, a)    /* 百 */ \
    X(0x5343, 1000, HB_CN_S, a)   /* 千 */ \
    X(0x4E07, 10000, HB_CN_S, a)  /* 万 */ \
    X(0x4EBF, 100000000, HB_CN_S, a) /* 亿 */

/* The numerals in a table of 64 slots, each at HB_CN_SLOT of its code
 * point (a perfect hash of these 17: test_numeral checks that it finds
 * each and nothing else).  It replaced a switch, which GCC made a tree of
 * compares: a mispredicted branch or two for every numeral asked. */
enum { HB_CN_SLOTS = 64 };
#define HB_CN_SLOT(cp) (((unsigned)(cp) + ((unsigned)(cp) >> 5)) & (HB_CN_SLOTS - 1))
typedef struct {
    int cp, value;
    unsigned cls; /* 0: a free slot */
} hb_cn_slot;
extern const hb_cn_slot hb_cn_slots[HB_CN_SLOTS];

/* The value of a Chinese numeral character (0-9, or 10 … 1e8 for a scale
 * word) with its classes in *cls; -1 (and *cls 0) for any other.  The
 * table itself; callers use hb_cn_numeral, which asks a filter of two
 * 64-bit masks (low six bits of the code point, next six) first: the
 * tokenizer asks about every Han character, twice.  test_numeral checks
 * the two agree on every code point. */
static inline int hb_cn_numeral_lookup(int cp, unsigned *cls)
{
    const hb_cn_slot *t = &hb_cn_slots[HB_CN_SLOT(cp)];
    int hit = t->cp == cp && t->cls;
    *cls = hit ? t->cls : 0;
    return hit ? t->value : -1;
}

#define HB_CN_LOW_BIT(c, v, k, a) | (1ull << ((c) & 63))
#define HB_CN_HIGH_BIT(c, v, k, a) | (1ull << (((c) >> 6) & 63))

/* The filter: may a code point with these low six bits and next six bits
 * be a numeral?  (Also asked of a character's UTF-8 bytes, whose last two
 * carry those bits: tokens.c.) */
static inline int hb_cn_numeral_may(unsigned low6, unsigned mid6)
{
    const unsigned long long low = 0 HB_CN_NUMERALS(HB_CN_LOW_BIT, 0), high = 0 HB_CN_NUMERALS(HB_CN_HIGH_BIT, 0);
    return (low >> low6 & 1) && (high >> mid6 & 1);
}

static inline int hb_cn_numeral(int cp, unsigned *cls)
{
    if (!hb_cn_numeral_may((unsigned)cp & 63, ((unsigned)cp >> 6) & 63)) {
        *cls = 0;
        return -1;
    }
    return hb_cn_numeral_lookup(cp, cls);
}

/* The Han characters other than numerals among the three-byte characters
 * led by E4..E9 (U+4000..U+9FFF): bit cp & 63 of word (cp - 0x4000) >> 6,
 * that is bit (byte 3 & 63) of word (lead - E4) << 6 | (byte 2 & 63).  All
 * of U+4000..U+9FFF is Han by hb_is_han but U+4DC0..U+4DFF (hexagrams),
 * so the words are all ones but that one and the numerals' (chars.c, at
 * compile time from HB_CN_NUMERALS); test_plain_han checks each bit. */
enum { HB_PLAIN_HAN_WORDS = 0x6000 / 64 };
extern const unsigned long long hb_plain_han_bits[HB_PLAIN_HAN_WORDS];

/* Whether the three bytes at u (at least three left, valid UTF-8) are a
 * Han character other than a numeral: the bulk of a report's text, told
 * by one bit from its bytes without decoding it. */
static inline int hb_plain_han3(const unsigned char *u)
{
    unsigned lead = u[0] - 0xE4u;
    return lead <= 5 && (hb_plain_han_bits[lead << 6 | (u[1] & 63u)] >> (u[2] & 63u) & 1);
}

/* ○ and □ are bullets or boxes when alone: a mask only when repeated. */
static inline int hb_is_shape_mask(int cp)
{
    return cp == 0x25CB /* ○ */ || cp == 0x25A1 /* □ */;
}

/* A character that stands for a hidden digit: * × ✕ ○ □ (X and x only in
 * runs, which the callers check).  Inline: the tokenizer asks it of every
 * character that starts no Han run. */
static inline int hb_is_mask_char(int cp)
{
    return cp == '*' || cp == 0xD7 /* × */ || cp == 0x2715 /* ✕ */ || hb_is_shape_mask(cp);
}

/* Whether text[i] starts a character that is not white space (space, tab,
 * line ends, U+3000): what stats.chars counts, and what a quotation or a
 * title must hold one of. */
static inline int hb_visible_at(const char *text, size_t len, size_t i)
{
    unsigned char c = (unsigned char)text[i];
    if ((c & 0xC0) == 0x80 || c == ' ' || c == '\t' || c == '\n' || c == '\r')
        return 0;
    return !(c == 0xE3 && i + 3 <= len && memcmp(text + i, "\xE3\x80\x80", 3) == 0);
}

#endif
