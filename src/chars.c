/* The character class tables (chars.h). */
#include "chars.h"

#include <stddef.h>

/* A switch, not a table walk: every character of a numeral candidate is
 * asked about, and the compiler turns the cases into a few comparisons. */
int hb_cn_numeral_lookup(int cp, unsigned *cls)
{
    enum { D = HB_CN_DIGIT, A = HB_CN_DIGIT | HB_CN_ALT, S = HB_CN_SCALE };
#define CN(c, v, k) \
    case c: \
        *cls = k; \
        return v
    switch (cp) {
        CN(0x3007, 0, A);         /* 〇 */
        CN(0x96F6, 0, A);         /* 零 */
        CN(0x4E00, 1, D);         /* 一 */
        CN(0x4E8C, 2, D);         /* 二 */
        CN(0x4E24, 2, A);         /* 两 */
        CN(0x4E09, 3, D);         /* 三 */
        CN(0x56DB, 4, D);         /* 四 */
        CN(0x4E94, 5, D);         /* 五 */
        CN(0x516D, 6, D);         /* 六 */
        CN(0x4E03, 7, D);         /* 七 */
        CN(0x516B, 8, D);         /* 八 */
        CN(0x4E5D, 9, D);         /* 九 */
        CN(0x5341, 10, S);        /* 十 */
        CN(0x767E, 100, S);       /* 百 */
        CN(0x5343, 1000, S);      /* 千 */
        CN(0x4E07, 10000, S);     /* 万 */
        CN(0x4EBF, 100000000, S); /* 亿 */
    }
#undef CN
    *cls = 0;
    return -1;
}

int hb_is_mask_char(int cp)
{
    return cp == '*' || cp == 0xD7 /* × */ || cp == 0x2715 /* ✕ */ || hb_is_shape_mask(cp);
}

int hb_is_shape_mask(int cp)
{
    return cp == 0x25CB /* ○ */ || cp == 0x25A1 /* □ */;
}
