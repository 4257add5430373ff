/* Unit tests for the JSON writer (src/json_out.c): numbers in their shortest
 * round-trip form, jansson's string escapes and both of its layouts, with
 * jansson itself as the oracle. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "extract.h"
#include "json_out.h"

/* One real written as the only field of an object, without its braces. */
static char *real_text(double x)
{
    hb_json_out *out = hb_json_out_new(0);
    assert_non_null(out);
    hb_json_real(out, "x", x);
    char *s = hb_json_out_finish(out, "");
    assert_non_null(s);
    assert_true(strncmp(s, "{\"x\":", 5) == 0);
    size_t n = strlen(s);
    memmove(s, s + 5, n - 5);
    s[n - 6] = '\0'; /* the closing brace */
    return s;
}

static void test_reals(void **state)
{
    (void)state;
    static const struct {
        double x;
        const char *want;
    } cases[] = {
        {6.8, "6.8"},          {0.1 + 0.2, "0.30000000000000004"}, {-2.5, "-2.5"},
        {100.0, "1e+02"},      {1e21, "1e+21"},                     {1.5e-7, "1.5e-07"},
        {123456.789, "123456.789"}, {5e-324, "5e-324"},             {1e16, "1e+16"},
        {96.2, "96.2"},
        /* the fast path (m / 10^k) at its edges, as the search by precision writes them */
        {3.0, "3.0"},          {1200.0, "1.2e+03"},                 {1e-5, "1e-05"},
        {0.0001, "0.0001"},    {-0.00012, "-0.00012"},              {0.0, "0.0"},
        {-0.0, "-0.0"},        {123456789012345.0, "123456789012345.0"}, {1e15, "1e+15"},
        {999999999999999.9, "999999999999999.9"}, {12345678901234.5, "12345678901234.5"},
        {1.0 / 3, "0.3333333333333333"}, {1e-22, "1e-22"}, {1.5e-23, "1.5e-23"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *s = real_text(cases[i].x);
        if (strcmp(s, cases[i].want) != 0)
            fail_msg("%.17g: got %s, want %s", cases[i].x, s, cases[i].want);
        free(s);
    }
    char *s = real_text(NAN);
    assert_string_equal(s, "null");
    free(s);
}

/* Random doubles: each reads back exactly, jansson reads it as a real, and
 * one significant digit fewer would not read back. */
static void test_random_reals_round_trip(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 20000; i++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        double x;
        if (i % 2) {
            uint64_t bits = seed & ~(0x7FFull << 52);
            bits |= (uint64_t)(1023 - 30 + (int)(seed >> 58)) << 52; /* moderate exponents */
            memcpy(&x, &bits, sizeof x);
        } else {
            x = (double)(seed % 100000) / 100.0; /* report-like decimals */
        }
        char *s = real_text(x);
        assert_true(strtod(s, NULL) == x);
        json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);
        assert_non_null(v);
        assert_true(json_is_real(v));
        json_decref(v);
        int digits = 0; /* significant: from the first nonzero one; not the ".0" jansson's reals get */
        size_t n = strlen(s);
        const char *end = n > 2 && !strcmp(s + n - 2, ".0") ? s + n - 2 : s + n;
        for (const char *p = s; p < end && *p != 'e'; p++)
            digits += (digits > 0 || (*p >= '1' && *p <= '9')) && *p >= '0' && *p <= '9';
        char shorter[400];
        if (digits > 1) {
            snprintf(shorter, sizeof shorter, "%.*g", digits - 1, x);
            if (strtod(shorter, NULL) == x)
                fail_msg("%.17g: %s is not the shortest (%s)", x, s, shorter);
        }
        free(s);
    }
}

/* Strings with every escape, nested containers and empty ones: byte for
 * byte what jansson dumps for the same value, in both layouts. */
static void test_layout_matches_jansson(void **state)
{
    (void)state;
    static const char text[] = "a\"b\\c/\b\f\n\r\t\x01\x1f\x7f 中文\xe2\x80\xa8";
    for (int pretty = 0; pretty <= 1; pretty++) {
        hb_json_out *out = hb_json_out_new(pretty);
        hb_json_str(out, "s", text);
        hb_json_str(out, "none", NULL);
        hb_json_array_open(out, "empty");
        hb_json_array_close(out);
        hb_json_object_open(out, "o");
        hb_json_object_close(out);
        hb_json_array_open(out, "deep");
        hb_json_object_open(out, NULL);
        hb_json_int(out, "min", INT64_MIN);
        hb_json_int(out, "max", INT64_MAX);
        hb_json_bool(out, "t", 1);
        hb_json_bool(out, "f", 0);
        hb_json_array_open(out, "a");
        for (int i = 0; i < 3; i++)
            hb_json_int(out, NULL, i - 1);
        hb_json_array_close(out);
        hb_json_string_open(out, "parts");
        hb_json_string_add(out, "x\n", 2);
        hb_json_string_add(out, "\"y", 2);
        hb_json_string_close(out);
        hb_json_object_close(out);
        hb_json_array_close(out);
        char *got = hb_json_out_finish(out, "");
        assert_non_null(got);

        json_t *v = json_pack("{s:s,s:n,s:[],s:{},s:[{s:I,s:I,s:b,s:b,s:[i,i,i],s:s}]}", "s", text, "none",
                              "empty", "o", "deep", "min", (json_int_t)INT64_MIN, "max",
                              (json_int_t)INT64_MAX, "t", 1, "f", 0, "a", -1, 0, 1, "parts", "x\n\"y");
        assert_non_null(v);
        char *want = json_dumps(v, pretty ? JSON_INDENT(2) : JSON_COMPACT);
        json_decref(v);
        assert_string_equal(got, want);
        free(got);
        free(want);
    }
}

/* The escaper reads 32 (with AVX2), sixteen, eight or four bytes at once,
 * the last ones overlapping, and a C string a byte at a time up to 24
 * bytes: a byte to escape at every place of strings of every length up to
 * 100, as jansson escapes it, bytes next to those to escape (space, DEL)
 * among the plain ones. */
static void test_escape_at_every_place(void **state)
{
    (void)state;
    static const char specials[] = {'"', '\\', '\n', 0x01, 0x1f}, plain[] = "a b~\x7f" "0!";
    char text[101];
    for (size_t n = 0; n <= 100; n++) {
        for (size_t at = 0; at <= n; at++) { /* at == n: none */
            for (size_t k = 0; k < sizeof specials; k++) {
                for (size_t i = 0; i < n; i++)
                    text[i] = plain[i % (sizeof plain - 1)];
                if (at < n)
                    text[at] = specials[k];
                text[n] = '\0'; /* and as a C string (hb_json_str: copied as its end is found) */
                hb_json_out *out = hb_json_out_new(0);
                hb_json_strn(out, "s", text, n);
                hb_json_str(out, "t", text);
                char *got = hb_json_out_finish(out, "");
                assert_non_null(got);
                json_t *v = json_pack("{s:s%,s:s}", "s", text, n, "t", text);
                assert_non_null(v);
                char *want = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
                json_decref(v);
                assert_string_equal(got, want);
                free(got);
                free(want);
            }
        }
    }
}

/* Strings longer than the writer's slice (64 KiB) with bytes to escape at
 * its edges and between, and keys not known until run time (the wrappers
 * count them then): as jansson dumps them. */
static void test_long_strings_and_runtime_keys(void **state)
{
    (void)state;
    enum { LEN = 140000 };
    static const size_t at[] = {0, 15, 16, 17, 65535, 65536, 65537, 65551, 131071, 131072, LEN - 1};
    char *text = malloc(LEN);
    assert_non_null(text);
    for (size_t i = 0; i < LEN; i++)
        text[i] = (char)('a' + i % 26);
    for (size_t i = 0; i < sizeof at / sizeof *at; i++)
        text[at[i]] = i % 2 ? '"' : '\n';
    char key[32];
    snprintf(key, sizeof key, "key_%d", LEN); /* not a literal: counted at run time */
    for (int pretty = 0; pretty <= 1; pretty++) {
        hb_json_out *out = hb_json_out_new(pretty);
        hb_json_strn(out, key, text, LEN);
        hb_json_strn(out, "plain", text + 1, 15); /* no escape, under 16 bytes */
        hb_json_int(out, key + 4, -7);
        char *got = hb_json_out_finish(out, "");
        assert_non_null(got);
        json_t *v = json_pack("{s:s%,s:s%,s:i}", key, text, (size_t)LEN, "plain", text + 1, (size_t)15, key + 4, -7);
        assert_non_null(v);
        char *want = json_dumps(v, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
        json_decref(v);
        assert_string_equal(got, want);
        free(got);
        free(want);
    }
    free(text);
}

/* stats.chars of a text: its characters but white space (space, tab, line
 * ends, U+3000), counted here one character at a time. */
static size_t chars_by_hand(const char *t, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if ((c & 0xC0) == 0x80 || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        chars += !(c == 0xE3 && i + 3 <= n && !memcmp(t + i, "\xE3\x80\x80", 3));
    }
    return chars;
}

/* stats.chars (32 bytes a step where the CPU has AVX2, else 16, the last
 * bytes one at a time) on random mixes of Han characters, U+3000, ASCII
 * letters and white space, from every offset of the buffer and of every
 * length up to 300: the count one character at a time. */
static void test_stats_chars(void **state)
{
    (void)state;
    static const char *const pieces[] = {"中", "\xE3\x80\x80", "a", " ", "\t", "\r\n", "\n", "、", "\xE3\x80\x81", "1"};
    char text[400];
    size_t n = 0;
    uint64_t seed = 0x2545F4914F6CDD1Du;
    while (n < 360) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        const char *p = pieces[seed % (sizeof pieces / sizeof *pieces)];
        memcpy(text + n, p, strlen(p));
        n += strlen(p);
    }
    hb_doc *d = calloc(1, sizeof *d);
    assert_non_null(d);
    for (size_t from = 0; from < 40; from++)
        for (size_t len = 0; from + len <= n && len <= 300; len++) {
            d->text = text + from;
            d->len = len;
            hb_json_out *out = hb_json_out_new(0);
            hb_tokens_json(d, out);
            char *got = hb_json_out_finish(out, "");
            assert_non_null(got);
            json_t *v = json_loads(got, 0, NULL);
            assert_non_null(v);
            json_int_t chars = json_integer_value(json_object_get(json_object_get(v, "stats"), "chars"));
            if ((size_t)chars != chars_by_hand(text + from, len))
                fail_msg("from %zu, %zu bytes: %lld, by hand %zu", from, len, (long long)chars,
                         chars_by_hand(text + from, len));
            json_decref(v);
            free(got);
        }
    free(d);
}

typedef struct {
    char *s;
    size_t n, calls;
    size_t fail_at; /* the call that fails, 0: none */
} sink;

static int collect(void *ctx, const char *s, size_t n)
{
    sink *k = ctx;
    if (++k->calls == k->fail_at)
        return 0;
    k->s = realloc(k->s, k->n + n + 1);
    assert_non_null(k->s);
    memcpy(k->s + k->n, s, n);
    k->n += n;
    k->s[k->n] = '\0';
    return 1;
}

/* The same fields through both writers; `big` long strings make it large. */
static void fields(hb_json_out *out, size_t big)
{
    static char text[70000];
    memset(text, 'x', sizeof text - 1);
    hb_json_str(out, "a", "short");
    hb_json_array_open(out, "list");
    for (size_t i = 0; i < big; i++)
        hb_json_strn(out, NULL, text, i % 2 ? sizeof text - 1 : 1000);
    hb_json_array_close(out);
    hb_json_int(out, "n", 42);
}

static void test_stream_equals_whole(void **state)
{
    (void)state;
    for (size_t big = 0; big <= 40; big += 40) {
        hb_json_out *whole = hb_json_out_new(1);
        fields(whole, big);
        char *expect = hb_json_out_finish(whole, "");
        assert_non_null(expect);
        sink k = {0};
        hb_json_out *out = hb_json_out_stream(1, collect, &k);
        assert_non_null(out);
        fields(out, big);
        assert_int_equal(hb_json_out_end(out, "\n"), HB_OK);
        assert_int_equal(k.n, strlen(expect) + 1);
        assert_memory_equal(k.s, expect, k.n - 1);
        assert_int_equal(k.s[k.n - 1], '\n');
        if (big)
            assert_true(k.calls > 1); /* ~1.4 MB: not held whole */
        else
            assert_int_equal(k.calls, 1); /* a short report in one piece */
        free(k.s);
        free(expect);
    }
}

static void test_stream_write_failure(void **state)
{
    (void)state;
    sink k = {.fail_at = 1};
    hb_json_out *out = hb_json_out_stream(0, collect, &k);
    assert_non_null(out);
    fields(out, 40);
    assert_int_equal(hb_json_out_end(out, ""), HB_ERR_IO);
    assert_int_equal(k.calls, 1); /* nothing more after the failure */
    free(k.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reals),
        cmocka_unit_test(test_random_reals_round_trip),
        cmocka_unit_test(test_layout_matches_jansson),
        cmocka_unit_test(test_escape_at_every_place),
        cmocka_unit_test(test_long_strings_and_runtime_keys),
        cmocka_unit_test(test_stats_chars),
        cmocka_unit_test(test_stream_equals_whole),
        cmocka_unit_test(test_stream_write_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
