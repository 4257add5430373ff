/* The running decimal offsets of the word lines (decimal.h) against
 * snprintf: small steps with carries through every digit, digit-count
 * changes, the eighth digit carrying, large jumps and numbers past 2^32;
 * the register decimal (hb_dec8) the same way below its limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "decimal.h"

static void same(const hb_dec_offset *c, size_t v)
{
    char want[32];
    int n = snprintf(want, sizeof want, "%zu", v);
    assert_int_equal(c->v, v);
    assert_int_equal(c->n, n);
    assert_memory_equal(c->d + HB_DEC_END - c->n, want, (size_t)n);
    for (size_t i = 0; i < HB_DEC_END - c->n; i++) /* the carry runs into zeros */
        assert_int_equal(c->d[i], '0');
}

/* Steps of 0..steps_max from `from` for `count` steps. */
static void walk(size_t from, size_t count, unsigned steps_max, uint64_t *seed)
{
    hb_dec_offset c;
    hb_dec_set(&c, from);
    same(&c, from);
    size_t v = from;
    for (size_t i = 0; i < count; i++) {
        *seed = *seed * 6364136223846793005u + 1442695040888963407u;
        v += (size_t)(*seed >> 33) % (steps_max + 1);
        hb_dec_advance(&c, v);
        same(&c, v);
    }
}

static void test_small_steps_everywhere(void **s)
{
    (void)s;
    uint64_t seed = 1;
    /* up to and across each power of ten, 10^1 .. 10^12 */
    size_t p = 10;
    for (int k = 1; k <= 12; k++, p *= 10) {
        walk(p > 300 ? p - 300 : 0, 400, 9, &seed);
        walk(p > 3000 ? p - 3000 : 0, 200, 99, &seed);
    }
    walk(0, 200000, 12, &seed); /* every carry pattern of the low digits */
    walk(99999990, 50, 3, &seed); /* the eighth digit carries */
    walk((size_t)UINT32_MAX - 500, 100, 20, &seed);
}

static void test_jumps_and_backwards(void **s)
{
    (void)s;
    hb_dec_offset c;
    hb_dec_set(&c, 0);
    same(&c, 0);
    const size_t to[] = {0, 1, 100, 99, 12345, 1000000, 999999, 10000100, 10000199, 5,
                         99999999, 100000000, 100000099, (size_t)1 << 40, 0};
    for (size_t i = 0; i < sizeof to / sizeof to[0]; i++) {
        hb_dec_advance(&c, to[i]);
        same(&c, to[i]);
    }
}

/* The register decimal (hb_dec8) against snprintf from `from` on, steps of
 * 0..steps_max, and its jumps of 100 or more. */
static void same8(const hb_dec8 *c, size_t v)
{
    char want[32], got[8];
    int n = snprintf(want, sizeof want, "%zu", v);
    uint64_t text = hb_dec8_text(c);
    memcpy(got, &text, 8);
    assert_int_equal(c->v, v);
    assert_int_equal(c->n, n);
    assert_memory_equal(got, want, (size_t)n);
}

static void walk8(size_t from, size_t count, unsigned steps_max, uint64_t *seed)
{
    hb_dec8 c;
    hb_dec8_set(&c, from);
    same8(&c, from);
    size_t v = from;
    for (size_t i = 0; i < count && v < HB_DEC8_LIMIT; i++) {
        same8(&c, v);
        *seed = *seed * 6364136223846793005u + 1442695040888963407u;
        v += (size_t)(*seed >> 33) % (steps_max + 1);
        if (v >= HB_DEC8_LIMIT)
            break;
        hb_dec8_advance(&c, v);
        same8(&c, v);
    }
}

static void test_register_decimal(void **s)
{
    (void)s;
    uint64_t seed = 7;
    hb_dec8 c;
    hb_dec8_set(&c, 0);
    same8(&c, 0);
    size_t p = 10;
    for (int k = 1; k <= 7; k++, p *= 10) {
        walk8(p - 10, 300, 9, &seed);
        walk8(p > 300 ? p - 300 : 0, 200, 99, &seed);
    }
    walk8(0, 200000, 12, &seed);
    walk8(HB_DEC8_LIMIT - 500, 1000, 20, &seed); /* up to the limit */
    const size_t to[] = {0, 99, 199, 198, 100, 12345, 9999999, 10000098, 5, 99999999, 0};
    for (size_t i = 0; i < sizeof to / sizeof to[0]; i++) { /* jumps and going back */
        hb_dec8_advance(&c, to[i]);
        same8(&c, to[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_steps_everywhere),
        cmocka_unit_test(test_jumps_and_backwards),
        cmocka_unit_test(test_register_decimal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
