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
 * word) with its classes in *cls; -1 (and *cls 0) for any other. */
int hb_cn_numeral(int cp, unsigned *cls);

/* A character that stands for a hidden digit: * × ✕ ○ □ (X and x only in
 * runs, which the callers check). */
int hb_is_mask_char(int cp);

/* ○ and □ are bullets or boxes when alone: a mask only when repeated. */
int hb_is_shape_mask(int cp);

#endif
