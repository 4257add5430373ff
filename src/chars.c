/* The character class tables (chars.h). */
#include "chars.h"

#include <stddef.h>

static const struct {
    int cp, value;
    unsigned cls;
} CN[] = {
    {0x3007, 0, HB_CN_DIGIT | HB_CN_ALT}, /* 〇 */
    {0x96F6, 0, HB_CN_DIGIT | HB_CN_ALT}, /* 零 */
    {0x4E00, 1, HB_CN_DIGIT},             /* 一 */
    {0x4E8C, 2, HB_CN_DIGIT},             /* 二 */
    {0x4E24, 2, HB_CN_DIGIT | HB_CN_ALT}, /* 两 */
    {0x4E09, 3, HB_CN_DIGIT},             /* 三 */
    {0x56DB, 4, HB_CN_DIGIT},             /* 四 */
    {0x4E94, 5, HB_CN_DIGIT},             /* 五 */
    {0x516D, 6, HB_CN_DIGIT},             /* 六 */
    {0x4E03, 7, HB_CN_DIGIT},             /* 七 */
    {0x516B, 8, HB_CN_DIGIT},             /* 八 */
    {0x4E5D, 9, HB_CN_DIGIT},             /* 九 */
    {0x5341, 10, HB_CN_SCALE},            /* 十 */
    {0x767E, 100, HB_CN_SCALE},           /* 百 */
    {0x5343, 1000, HB_CN_SCALE},          /* 千 */
    {0x4E07, 10000, HB_CN_SCALE},         /* 万 */
    {0x4EBF, 100000000, HB_CN_SCALE},     /* 亿 */
};

int hb_cn_numeral(int cp, unsigned *cls)
{
    for (size_t i = 0; i < sizeof CN / sizeof *CN; i++)
        if (CN[i].cp == cp) {
            *cls = CN[i].cls;
            return CN[i].value;
        }
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
