/* The character class tables (chars.h). */
#include "chars.h"

#include <stddef.h>

/* A switch, not a table walk: every character of a numeral candidate is
 * asked about, and the compiler turns the cases into a few comparisons. */
int hb_cn_numeral_lookup(int cp, unsigned *cls)
{
#define CN(c, v, k) \
    case c: \
        *cls = k; \
        return v;
    switch (cp) {
        HB_CN_NUMERALS(CN)
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
