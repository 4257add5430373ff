/* The character class tables (chars.h). */
#include "chars.h"

#include <stddef.h>

/* The numerals filed at their slots (chars.h, HB_CN_SLOT: no two share
 * one, test_numeral checks); the other slots are zeros, classes none. */
#define CN_SLOT(c, v, k, a) [HB_CN_SLOT(c)] = {c, v, k},
const hb_cn_slot hb_cn_slots[HB_CN_SLOTS] = {HB_CN_NUMERALS(CN_SLOT, 0)};
#undef CN_SLOT

/* Word k of hb_plain_han_bits: the numerals in it cleared (a numeral
 * outside U+4000..U+9FFF, 〇, falls in no word). */
#define PLAIN_NUMERAL(c, v, k, w) | ((c) >= 0x4000 && ((c) - 0x4000) >> 6 == (w) ? 1ull << ((c) & 63) : 0)
#define PLAIN_WORD(w) ((w) == (0x4DC0 - 0x4000) >> 6 ? 0 : ~(0 HB_CN_NUMERALS(PLAIN_NUMERAL, w)))
#define PLAIN_4(w) PLAIN_WORD(w), PLAIN_WORD((w) + 1), PLAIN_WORD((w) + 2), PLAIN_WORD((w) + 3)
#define PLAIN_16(w) PLAIN_4(w), PLAIN_4((w) + 4), PLAIN_4((w) + 8), PLAIN_4((w) + 12)
#define PLAIN_64(w) PLAIN_16(w), PLAIN_16((w) + 16), PLAIN_16((w) + 32), PLAIN_16((w) + 48)
const unsigned long long hb_plain_han_bits[HB_PLAIN_HAN_WORDS] = {
    PLAIN_64(0), PLAIN_64(64), PLAIN_64(128), PLAIN_64(192), PLAIN_64(256), PLAIN_64(320),
};
