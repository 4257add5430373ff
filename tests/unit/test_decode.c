/* Decoding at the byte level: encodings, BOMs, damage, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"
#include "doc.h"
#include "testutil.h"

static hb_report *run(const char *bytes, size_t len, const char *force, hb_error *err)
{
    hb_extract_options xo = {.encoding = force};
    return hb_extract(engine, bytes, len, &xo, err);
}

static int has_warning(const hb_report *r, const char *code)
{
    for (size_t i = 0; i < r->warnings.n; i++)
        if (!strcmp(r->warnings.v[i].code, code))
            return 1;
    return 0;
}

#define DECODES(bytes, enc, want)                                   \
    do {                                                            \
        hb_error err;                                               \
        hb_report *r = run(bytes, sizeof bytes - 1, NULL, &err);   \
        assert_non_null(r);                                         \
        assert_string_equal(r->encoding, enc);                      \
        assert_int_equal(r->len, strlen(want));                     \
        assert_memory_equal(r->text, want, r->len);                 \
        hb_report_free(r);                                          \
    } while (0)

static void test_utf8_plain_and_bom(void **s)
{
    (void)s;
    DECODES("测试\n", "utf-8", "测试\n");
    DECODES("\xEF\xBB\xBF测试\r\n", "utf-8-bom", "测试\r\n");
}

static void test_utf16_with_bom(void **s)
{
    (void)s;
    DECODES("\xFF\xFE\x4B\x6D\xD5\x8B", "utf-16le", "测试");
    DECODES("\xFE\xFF\x6D\x4B\x8B\xD5", "utf-16be", "测试");
}

static void test_gb18030(void **s)
{
    (void)s;
    DECODES("\xB2\xE2\xCA\xD4\xB1\xA8\xB8\xE6", "gb18030", "测试报告");
}

static void test_utf16_without_bom_by_nul_pattern(void **s)
{
    (void)s;
    hb_error err;
    static const char le[] = "a\0b\0c\0\x4B\x6D\n\0";
    hb_report *r = run(le, sizeof le - 1, NULL, &err);
    assert_non_null(r);
    assert_string_equal(r->encoding, "utf-16le");
    assert_true(has_warning(r, "no-bom"));
    hb_report_free(r);
}

/* Without NUL bytes UTF-16 is told by its code units, 19 in 20 plausible:
 * 40 pairs may have two implausible ones (here first, where a guess that
 * stops early would stop), not three.  产 is A7 4E in UTF-16LE: no UTF-8,
 * and implausible read the other way (U+A74E). */
static void test_utf16_without_nul_at_the_bound(void **s)
{
    (void)s;
    char buf[80];
    for (int bad = 2; bad <= 3; bad++) {
        for (int i = 0; i < 40; i++) {
            buf[2 * i] = i < bad ? '\xA1' : '\xA7';
            buf[2 * i + 1] = i < bad ? '\xA1' : '\x4E';
        }
        hb_error err;
        hb_report *r = run(buf, sizeof buf, NULL, &err);
        assert_non_null(r);
        assert_string_equal(r->encoding, bad == 2 ? "utf-16le" : "gb18030");
        hb_report_free(r);
    }
}

static void expect_repair(const char *bytes, size_t len, const char *want)
{
    hb_error err;
    hb_report *r = run(bytes, len, NULL, &err);
    assert_non_null(r);
    assert_string_equal(r->encoding, "utf-8");
    assert_int_equal(r->len, strlen(want));
    assert_memory_equal(r->text, want, r->len);
    assert_true(has_warning(r, "invalid-bytes"));
    hb_report_free(r);
}

static void test_damaged_utf8_is_repaired(void **s)
{
    (void)s;
    /* truncated at the end */
    expect_repair("测试报告\xE6\xB5", 14, "测试报告\xEF\xBF\xBD\xEF\xBF\xBD");
    /* overlong slash */
    expect_repair("测试报告\xC0\xAF完", 17, "测试报告\xEF\xBF\xBD\xEF\xBF\xBD完");
    /* an encoded lone surrogate */
    expect_repair("测试报告\xED\xA0\x80完", 18, "测试报告\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD完");
    /* a stray continuation byte */
    expect_repair("测试\x80报告", 13, "测试\xEF\xBF\xBD报告");
}

/* Damage after a long valid stretch: the stretch is taken whole (its
 * characters counted by their lead bytes) and the count of UTF-16 code
 * units stops early; the result is the same as for damage near the start. */
static void test_damage_after_long_valid_text(void **s)
{
    (void)s;
    enum { REPS = 3000 };
    static const char unit[] = "报告a，1"; /* 3 + 3 + 1 + 3 + 1 bytes */
    size_t un = sizeof unit - 1, len = REPS * un;
    char *in = malloc(len + 8), *want = malloc(len + 16);
    assert_non_null(in);
    assert_non_null(want);
    for (size_t i = 0; i < REPS; i++)
        memcpy(in + i * un, unit, un);
    memcpy(want, in, len);
    memcpy(in + len, "\xE6\xB5", 2); /* cut short at the end */
    memcpy(want + len, "\xEF\xBF\xBD\xEF\xBF\xBD", 7);
    expect_repair(in, len + 2, want);
    free(in);
    free(want);
}

/* Damage up front, the valid characters after it: four invalid runs ask
 * for 32 characters, which only the text's end brings, so the count may
 * not stop at the damage (it stops where the rest could not make it UTF-8
 * were its every two bytes a character). */
static void test_damage_before_its_valid_text(void **s)
{
    (void)s;
    char in[4 * 2 + 32 * 3 + 1], want[4 * 4 + 32 * 3 + 1];
    size_t n = 0, w = 0;
    for (int i = 0; i < 4; i++, n += 2, w += 4) {
        memcpy(in + n, "\x80" "a", 2);
        memcpy(want + w, "\xEF\xBF\xBD" "a", 4);
    }
    for (int i = 0; i < 32; i++, n += 3, w += 3) {
        memcpy(in + n, "报", 3);
        memcpy(want + w, "报", 3);
    }
    want[w] = '\0';
    expect_repair(in, n, want);
}

static void test_utf16_lone_surrogate(void **s)
{
    (void)s;
    hb_error err;
    static const char b[] = "\xFF\xFE\x4B\x6D\x00\xD8\xD5\x8B";
    hb_report *r = run(b, sizeof b - 1, NULL, &err);
    assert_non_null(r);
    assert_non_null(strstr(r->text, "\xEF\xBF\xBD"));
    assert_true(has_warning(r, "invalid-bytes"));
    hb_report_free(r);
}

static void test_truncated_gb18030(void **s)
{
    (void)s;
    hb_error err;
    static const char b[] = "\xB2\xE2\xCA\xD4\xB1\xA8\xB8";
    hb_report *r = run(b, sizeof b - 1, NULL, &err);
    assert_non_null(r);
    assert_string_equal(r->encoding, "gb18030");
    assert_memory_equal(r->text, "测试报\xEF\xBF\xBD", r->len);
    hb_report_free(r);
}

static void test_refusals(void **s)
{
    (void)s;
    hb_error err;
    assert_null(run("", 0, NULL, &err));
    assert_int_equal(err.code, HB_ERR_EMPTY);
    assert_null(run("\xEF\xBB\xBF", 3, NULL, &err));
    assert_int_equal(err.code, HB_ERR_EMPTY);
    assert_null(run("abc\0def", 7, NULL, &err));
    assert_int_equal(err.code, HB_ERR_BINARY);
    assert_string_equal(err.message, "not a text file (NUL byte at offset 3)");
    assert_null(run("\x01\x02\x03\x04\x05\x06\x07\x08", 8, NULL, &err));
    assert_int_equal(err.code, HB_ERR_BINARY);
    assert_null(run("abc", 3, "latin-1", &err));
    assert_int_equal(err.code, HB_ERR_ARG);
    hb_extract_options xo = {.max_bytes = 2};
    assert_null(hb_extract(engine, "abc", 3, &xo, &err));
    assert_int_equal(err.code, HB_ERR_TOO_LARGE);
}

static void test_forced_encoding(void **s)
{
    (void)s;
    hb_error err;
    /* valid UTF-8 bytes read as GB18030 when the user says so */
    hb_report *r = run("\xB2\xE2\xCA\xD4", 4, "gbk", &err);
    assert_non_null(r);
    assert_string_equal(r->encoding, "gb18030");
    assert_string_equal(r->text, "测试");
    hb_report_free(r);
}

static void test_only_whitespace_is_valid_with_warning(void **s)
{
    (void)s;
    hb_error err;
    hb_report *r = run(" \n\t\n　\n", 8, NULL, &err);
    assert_non_null(r);
    assert_int_equal(r->paras.n, 0);
    assert_true(has_warning(r, "no-content"));
    hb_report_free(r);
}

/* The control bytes' count, AVX2 against portable: each byte value below
 * 0x21 (and 0x7F, 0x80, 0xFF) at every place of texts of every length up
 * to 200, around the 32-byte blocks' edges; then random mixes. */
static void test_control_bytes_paths(void **state)
{
    (void)state;
    char buf[200];
    for (size_t len = 0; len <= sizeof buf; len++) {
        memset(buf, 'a', len);
        assert_int_equal(hb_control_bytes(buf, len), 0);
        for (size_t at = 0; at < len; at++)
            for (unsigned c = 0; c <= 0xFF; c++) {
                if (c > 0x20 && c != 0x7F && c != 0x80 && c != 0xFF)
                    continue;
                buf[at] = (char)c;
                size_t want = hb_control_bytes_portable(buf, len);
                assert_int_equal(want, c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f');
                assert_int_equal(hb_control_bytes(buf, len), want);
                buf[at] = 'a';
            }
    }
    uint64_t seed = 5;
    for (int t = 0; t < 20000; t++) {
        size_t len = (size_t)(seed >> 40) % (sizeof buf + 1);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            buf[i] = (char)(seed >> 60 ? 0x40 + (seed >> 33) % 0xC0 : (seed >> 33) % 0x21);
        }
        assert_int_equal(hb_control_bytes(buf, len), hb_control_bytes_portable(buf, len));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_plain_and_bom),
        cmocka_unit_test(test_utf16_with_bom),
        cmocka_unit_test(test_gb18030),
        cmocka_unit_test(test_utf16_without_bom_by_nul_pattern),
        cmocka_unit_test(test_utf16_without_nul_at_the_bound),
        cmocka_unit_test(test_damaged_utf8_is_repaired),
        cmocka_unit_test(test_damage_after_long_valid_text),
        cmocka_unit_test(test_damage_before_its_valid_text),
        cmocka_unit_test(test_utf16_lone_surrogate),
        cmocka_unit_test(test_truncated_gb18030),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_forced_encoding),
        cmocka_unit_test(test_only_whitespace_is_valid_with_warning),
        cmocka_unit_test(test_control_bytes_paths),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
