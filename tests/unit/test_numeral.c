/* Unit tests for the numeral parser (src/numeral.c): every form and trap
 * listed in numeral.h, with the approximation words of dict/. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chars.h"
#include "engine.h"
#include "normalize.h"
#include "numeral.h"
#include "testutil.h"

/* Parses text at pos and checks that exactly `taken` (from pos) was read. */
static hb_numeral num_at(const char *text, size_t pos, const char *taken)
{
    hb_numeral n;
    size_t want = strlen(taken);
    if (!hb_numeral_parse(&engine->numerals, text, strlen(text), pos, &n))
        fail_msg("%s: no number", text);
    if (n.start != pos || n.end != pos + want || memcmp(text + pos, taken, want) != 0)
        fail_msg("%s: read [%zu, %zu), want \"%s\"", text, n.start, n.end, taken);
    return n;
}

static hb_numeral num(const char *text, const char *taken) { return num_at(text, 0, taken); }

static void eq(const char *text, double got, double want)
{
    if (!(got == want))
        fail_msg("%s: %.17g, want %.17g", text, got, want);
}

/* A number with nothing special about it. */
static void plain(const char *text, const char *taken, double v)
{
    hb_numeral n = num(text, taken);
    eq(text, n.value, v);
    assert_false(n.has_max);
    assert_true(isnan(n.value_max));
    assert_false(n.masked);
    assert_false(n.approx);
    assert_false(n.overflow);
    assert_false(n.percent);
    eq(text, n.scale, 1);
    assert_int_equal(n.scale_start, n.end);
    assert_int_equal(n.scale_end, n.end);
    assert_null(n.approx_word);
}

/* A number whose scale word `word` is split off. */
static void scaled(const char *text, const char *taken, double v, double scale, const char *word)
{
    hb_numeral n = num(text, taken);
    eq(text, n.value, v);
    eq(text, n.scale, scale);
    assert_false(n.overflow);
    assert_int_equal(n.scale_end - n.scale_start, strlen(word));
    assert_memory_equal(text + n.scale_start, word, strlen(word));
}

static void approx(const char *text, const char *taken, double v, const char *word)
{
    hb_numeral n = num(text, taken);
    eq(text, n.value, v);
    assert_true(n.approx);
    assert_false(n.masked);
    assert_non_null(n.approx_word);
    assert_string_equal(n.approx_word, word);
    assert_int_equal(n.approx_end - n.approx_start, strlen(word));
    assert_memory_equal(text + n.approx_start, word, strlen(word));
}

static void range(const char *text, const char *taken, double lo, double hi)
{
    hb_numeral n = num(text, taken);
    assert_true(n.has_max);
    eq(text, n.value, lo);
    eq(text, n.value_max, hi);
    assert_false(n.masked);
}

static hb_numeral masked(const char *text, const char *taken)
{
    hb_numeral n = num(text, taken);
    assert_true(n.masked);
    assert_true(isnan(n.value));
    assert_false(n.has_max);
    return n;
}

static void none_at(const char *text, size_t pos)
{
    hb_numeral n;
    if (hb_numeral_parse(&engine->numerals, text, strlen(text), pos, &n))
        fail_msg("%s at %zu: read a number [%zu, %zu)", text, pos, n.start, n.end);
    assert_int_equal(n.end, pos);
}

static void none(const char *text) { none_at(text, 0); }

static void test_arabic(void **state)
{
    (void)state;
    plain("6次", "6", 6);
    plain("0", "0", 0);
    plain("007号", "007", 7);
    plain("0.5个百分点", "0.5", 0.5);
}

static void test_arabic_decimals(void **state)
{
    (void)state;
    hb_numeral n = num("1.15亿元", "1.15亿");
    eq("1.15亿元", n.value, 1.15);
    plain("3.14159265358979323846264338327950288", "3.14159265358979323846264338327950288",
          3.141592653589793);
    plain("3.5", "3.5", 3.5);
    plain("3.", "3", 3); /* the dot ends the sentence */
    none(".5");
    none("3.5.6");
    none("2023.12.20");
    none_at("3.5", 2); /* inside a decimal */
}

static void test_thousands(void **state)
{
    (void)state;
    plain("1,200人", "1,200", 1200);
    plain("12,345,678元", "12,345,678", 12345678);
    plain("1,234.5吨", "1,234.5", 1234.5);
    plain("1,2", "1", 1);          /* a list */
    plain("1,2000", "1", 1);       /* not a thousands group */
    plain("1234,567", "1234", 1234); /* first group too long */
    plain("1,200,00", "1,200", 1200);
    num_at("1,2", 2, "2"); /* the next list item */
    none_at("1,200", 2);
}

static void test_lookback(void **state)
{
    (void)state;
    none_at("123", 1);
    none_at("G20峰会", 1);
    none_at("PM2.5", 2);
    none_at("2022-12-20", 5);
    none_at("10:30", 3);
    none_at("二十三", 3);
    none_at("一二三四", 3);
    plain("2022-12-20", "2022", 2022); /* 12 < 2022: no range */
    hb_numeral n = num_at("开展研讨交流6次", strlen("开展研讨交流"), "6");
    eq("开展研讨交流6次", n.value, 6);
}

static void test_overflow(void **state)
{
    (void)state;
    char big[401];
    memset(big, '9', 400);
    big[400] = '\0';
    hb_numeral n = num(big, big);
    assert_true(n.overflow);
    assert_true(isnan(n.value));
    n = num("9007199254740992", "9007199254740992");
    assert_false(n.overflow);
    eq("2^53", n.value, 9007199254740992.0);
    n = num("9007199254740993", "9007199254740993");
    assert_true(n.overflow);
    n = num("9,007,199,254,740,993", "9,007,199,254,740,993");
    assert_true(n.overflow);
    const char *huge = "九千九百九十九万九千九百九十九亿九千九百九十九万九千九百九十九";
    n = num(huge, huge);
    assert_true(n.overflow);
    assert_true(isnan(n.value));
    /* value as written stays small: the scale carries the size */
    scaled("九千九百万亿元", "九千九百万亿", 9900, 1e12, "万亿");
    n = num("一二三四五六七八九〇一二三四五六七八九年", "一二三四五六七八九〇一二三四五六七八九");
    assert_true(n.overflow);
}

static void test_chinese(void **state)
{
    (void)state;
    plain("两千三百名", "两千三百", 2300);
    plain("一百二十", "一百二十", 120);
    plain("十", "十", 10);
    plain("十三个", "十三", 13);
    plain("二十人", "二十", 20);
    plain("一十", "一十", 10);
    plain("一百零五", "一百零五", 105);
    plain("一千零一十", "一千零一十", 1010);
    plain("三千零五", "三千零五", 3005);
    plain("一百〇五", "一百〇五", 105);
    plain("三万五千", "三万五千", 35000);
    plain("两万三千", "两万三千", 23000);
    plain("一万零五百", "一万零五百", 10500);
    plain("一万五", "一万五", 15000);  /* spoken 一万五千 */
    plain("两千三人", "两千三", 2300);
    plain("三千一线职工", "三千", 3000);
    scaled("两万一批", "两万", 2, 1e4, "万");
    plain("一百一十", "一百一十", 110);
    plain("九十九", "九十九", 99);
    plain("零", "零", 0);
    plain("一百零", "一百", 100);     /* a dangling 零 is not read */
}

static void test_big_units(void **state)
{
    (void)state;
    scaled("十亿", "十亿", 10, 1e8, "亿");
    scaled("三万亿元", "三万亿", 3, 1e12, "万亿");
    scaled("1.2亿", "1.2亿", 1.2, 1e8, "亿");
    scaled("3.68万亿元", "3.68万亿", 3.68, 1e12, "万亿");
    scaled("3.5万人", "3.5万", 3.5, 1e4, "万");
    scaled("1.5万元", "1.5万", 1.5, 1e4, "万");
    scaled("三千万元", "三千万", 3000, 1e4, "万");
    scaled("3千万元", "3千万", 3000, 1e4, "万");
    scaled("十万", "十万", 10, 1e4, "万");
    scaled("一万亿亿", "一万亿", 1, 1e12, "万亿");
    scaled("百万人口", "百万", 100, 1e4, "万");
    scaled("三点五万", "三点五万", 3.5, 1e4, "万");
    plain("两亿三千万元", "两亿三千万", 230000000); /* two big units: read whole */
    plain("3亿5000万", "3亿5000万", 350000000);
    plain("1万2000人", "1万2000", 12000);
    plain("3千人", "3千", 3000);       /* 千 is a numeral, not a scale */
    plain("5百", "5百", 500);
    none("百姓");
    none("千方百计");
    none("万众一心");
    none("百分点");
}

static void test_liang(void **state)
{
    (void)state;
    plain("两个", "两", 2);
    plain("两学一做", "两", 2);
    plain("十两黄金", "十", 10);
    plain("一千两百", "一千两百", 1200);
    plain("一万两千", "一万两千", 12000);
}

static void test_chinese_decimals(void **state)
{
    (void)state;
    plain("三点五", "三点五", 3.5);
    plain("二十点五", "二十点五", 20.5);
    plain("零点五", "零点五", 0.5);
    hb_numeral n = num_at("提出三点意见", strlen("提出"), "三"); /* 三点 alone: unit 点 */
    eq("三点意见", n.value, 3);
}

static void test_readings(void **state)
{
    (void)state;
    plain("二〇二三年", "二〇二三", 2023);
    plain("二零二三年", "二零二三", 2023);
    plain("一九四九年", "一九四九", 1949);
    none("一二三四");
    none("一二三");
    none("二五仔");
    masked("〇〇名", "〇〇");
}

static void test_approx(void **state)
{
    (void)state;
    approx("百余名", "百余", 100, "余");
    approx("千余人", "千余", 1000, "余");
    approx("三十多人", "三十多", 30, "多");
    approx("二十余年", "二十余", 20, "余");
    approx("1000多人", "1000多", 1000, "多");
    approx("十来个", "十来", 10, "来");
    plain("一来", "一", 1);
    approx("近百名", "近百", 100, "近");
    approx("约3000人", "约3000", 3000, "约");
    approx("逾千", "逾千", 1000, "逾");
    approx("至少3次", "至少3", 3, "至少");
    approx("将近两千人", "将近两千", 2000, "将近");
    approx("大约5个", "大约5", 5, "大约");
    approx("不少于10次", "不少于10", 10, "不少于");
    approx("近3年", "近3", 3, "近"); /* the caller reads 近+time as "recent" */
    approx("100左右", "100左右", 100, "左右");
    approx("50上下", "50上下", 50, "上下");
    approx("3以上", "3以上", 3, "以上");
    approx("100+名", "100+", 100, "+");
    plain("1+N", "1", 1);
    none("约谈");
    none("上3");
    none_at("以上百分之八十", strlen("以"));
    num_at("以上百分之八十", strlen("以上"), "百分之八十");
    none("近年来");
}

static void test_approx_scale(void **state)
{
    (void)state;
    hb_numeral n = num("两万余人", "两万余");
    eq("两万余", n.value, 2);
    eq("两万余", n.scale, 1e4);
    assert_true(n.approx);
    assert_int_equal(n.scale_start, strlen("两"));
    assert_int_equal(n.scale_end, strlen("两万"));
    n = num("2万余元", "2万余");
    eq("2万余", n.value, 2);
    assert_true(n.approx);
    n = num("三十多万", "三十多万");
    eq("三十多万", n.value, 30);
    eq("三十多万", n.scale, 1e4);
    assert_string_equal(n.approx_word, "多");
    n = num("20多万人", "20多万");
    eq("20多万", n.value, 20);
    n = num("万余人", "万余");
    eq("万余", n.value, 1);
    eq("万余", n.scale, 1e4);
    n = num("上万人", "上万");
    eq("上万", n.value, 1);
    assert_string_equal(n.approx_word, "上");
    n = num("超过1.5万元", "超过1.5万");
    eq("超过1.5万", n.value, 1.5);
    assert_int_equal(n.approx_start, 0);
    assert_int_equal(n.approx_end, strlen("超过"));
}

static void test_ji(void **state)
{
    (void)state;
    approx("几十人", "几十", 10, "几");
    approx("十几人", "十几", 10, "几");
    approx("二十几", "二十几", 20, "几");
    approx("一百几十", "一百几十", 110, "几");
    approx("数百名", "数百", 100, "数");
    hb_numeral n = num("几十万", "几十万");
    eq("几十万", n.value, 10);
    eq("几十万", n.scale, 1e4);
    assert_true(n.approx);
    n = num("十几万人", "十几万");
    eq("十几万", n.value, 10);
    eq("十几万", n.scale, 1e4);
    approx("一万几千", "一万几千", 11000, "几");
    none("几个方面");
    none("数据");
}

static void test_ranges(void **state)
{
    (void)state;
    range("3至5次", "3至5", 3, 5);
    range("3-5", "3-5", 3, 5);
    range("3~5", "3~5", 3, 5);
    range("3—5", "3—5", 3, 5);
    range("3到5个", "3到5", 3, 5);
    range("三至五", "三至五", 3, 5);
    range("1.5-2.5", "1.5-2.5", 1.5, 2.5);
    range("三五个", "三五", 3, 5);
    range("七八个", "七八", 7, 8);
    range("一两个", "一两", 1, 2);
    range("三四十人", "三四十", 30, 40);
    range("十五六岁", "十五六", 15, 16);
    range("二十七八", "二十七八", 27, 28);
    range("两三千", "两三千", 2000, 3000);
    range("一百二三十", "一百二三十", 120, 130);
    range("2022-2023年", "2022-2023", 2022, 2023);
    plain("5-3", "5", 5);
    plain("5千至1万", "5千", 5000);
    plain("十五六七", "十五", 15);
}

static void test_range_scales(void **state)
{
    (void)state;
    hb_numeral n = num("3至5万人", "3至5万");
    eq("3至5万", n.value, 3);
    eq("3至5万", n.value_max, 5);
    eq("3至5万", n.scale, 1e4);
    n = num("3万至5万人", "3万至5万");
    eq("3万至5万", n.value, 3);
    eq("3万至5万", n.value_max, 5);
    assert_int_equal(n.scale_start, strlen("3万至5"));
    n = num("三四十万", "三四十万");
    eq("三四十万", n.value, 30);
    eq("三四十万", n.value_max, 40);
    eq("三四十万", n.scale, 1e4);
    scaled("3万至5人", "3万", 3, 1e4, "万"); /* 5 has no scale: no range */
}

static void test_percent(void **state)
{
    (void)state;
    hb_numeral n = num("百分之八十", "百分之八十");
    eq("百分之八十", n.value, 80);
    assert_true(n.percent);
    n = num("百分之百", "百分之百");
    eq("百分之百", n.value, 100);
    n = num("百分之五点五", "百分之五点五");
    eq("百分之五点五", n.value, 5.5);
    n = num("80%", "80%");
    eq("80%", n.value, 80);
    assert_true(n.percent);
    n = num("超过90%", "超过90%");
    assert_true(n.percent && n.approx);
    n = num("80%以上", "80%以上");
    assert_true(n.percent && n.approx);
    assert_string_equal(n.approx_word, "以上");
    n = num("30%-50%", "30%-50%");
    assert_true(n.percent && n.has_max);
    eq("30%-50%", n.value_max, 50);
    n = num("30-50%", "30-50%");
    assert_true(n.percent);
    eq("30-50%", n.value, 30);
    n = num("30%至50", "30%");
    assert_false(n.has_max);
    n = num("百分之八十至九十", "百分之八十至九十");
    assert_true(n.percent);
    eq("百分之八十至九十", n.value_max, 90);
    n = masked("百分之**", "百分之**");
    assert_true(n.percent);
    n = masked("**%", "**%");
    assert_true(n.percent);
    none("百分之");
}

static void test_masks(void **state)
{
    (void)state;
    masked("*名", "*");
    masked("**期", "**");
    masked("××人", "××");
    masked("XX个", "XX");
    masked("xx个", "xx");
    masked("Xx个", "Xx");
    masked("1*人", "1*");
    masked("2**", "2**");
    masked("□□名", "□□");
    masked("*.*万元", "*.*万");
    hb_numeral n = masked("***万元", "***万");
    eq("***万", n.scale, 1e4);
    n = masked("***余场次", "***余");
    assert_true(n.approx);
    assert_string_equal(n.approx_word, "余");
    n = masked("约**人", "约**");
    assert_true(n.approx);
    n = masked("**余万元", "**余万");
    assert_true(n.approx);
    eq("**余万", n.scale, 1e4);
    n = masked("**-**", "**"); /* no masked ranges */
    none("XXL");
    none_at("AXX", 1);
    none("X光");
    none("X射线");
    masked("x次", "x");
    masked("X人次", "X");
    masked("x.6亿元", "x.6亿");
    masked("1x.5万元", "1x.5万");
    masked("x万元", "x万");
    none("Windows");
    none_at("**", 1);
}

static void test_approx_after(void **state)
{
    (void)state;
    size_t n = 0;
    assert_string_equal(hb_numeral_approx_after(&engine->numerals, "以上。", strlen("以上。"), &n), "以上");
    assert_int_equal(n, strlen("以上"));
    assert_string_equal(hb_numeral_approx_after(&engine->numerals, "多月", strlen("多月"), &n), "多");
    assert_string_equal(hb_numeral_approx_after(&engine->numerals, "左右", strlen("左右"), &n), "左右");
    assert_null(hb_numeral_approx_after(&engine->numerals, "人", strlen("人"), &n));
    assert_int_equal(n, 0);
    assert_null(hb_numeral_approx_after(&engine->numerals, "以", strlen("以"), &n)); /* truncated word */
}

static void test_edges(void **state)
{
    (void)state;
    hb_numeral n;
    assert_int_equal(hb_numeral_parse(&engine->numerals, "", 0, 0, &n), 0);
    assert_int_equal(hb_numeral_parse(&engine->numerals, "3", 1, 1, &n), 0);
    assert_int_equal(hb_numeral_parse(&engine->numerals, NULL, 0, 0, &n), 0);
    /* len bounds the text: no reading past it */
    assert_int_equal(hb_numeral_parse(&engine->numerals, "12345", 2, 0, &n), 1);
    assert_int_equal(n.end, 2);
    eq("12345/2", n.value, 12);
    assert_int_equal(hb_numeral_parse(&engine->numerals, "百分之八十", strlen("百分"), 0, &n), 0);
    none_at("核", 1); /* not a character boundary: 0xa0 0xb8 would decode as '8' */
    assert_int_equal(hb_numeral_parse(&engine->numerals, "两万", strlen("两万") - 1, 0, &n), 1);
    assert_int_equal(n.end, strlen("两"));
}

/* Repeated units parsed at every character: a parser that rescans a run from
 * each of its positions would be quadratic here and hang the suite. */
static void test_pathological(void **state)
{
    (void)state;
    static const char *const units[] = {"1,000", ",000", "1.", "1-", "*", "X", "一", "十",
                                        "万", "百余", "近", "3至", "百分之", "1万", "点五"};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        size_t ul = strlen(units[u]), reps = 50000, len = ul * reps;
        char *t = malloc(len);
        assert_non_null(t);
        for (size_t i = 0; i < reps; i++)
            memcpy(t + i * ul, units[u], ul);
        for (size_t p = 0; p < len; p++) {
            hb_numeral n;
            if (hb_numeral_parse(&engine->numerals, t, len, p, &n))
                assert_true(n.end > p && n.end <= len);
        }
        free(t);
    }
}

/* Random strings over the numeral alphabet: the result is always coherent. */
/* The inline filter in front of the switch turns away no numeral: both
 * give the same value and classes for every code point. */
static void test_filter_agrees(void **state)
{
    (void)state;
    int numerals = 0;
    for (int cp = 0; cp <= 0x10FFFF; cp++) {
        unsigned a, b;
        int va = hb_cn_numeral(cp, &a), vb = hb_cn_numeral_lookup(cp, &b);
        if (va != vb || a != b)
            fail_msg("U+%04X: filtered %d/%u, switch %d/%u", cp, va, a, vb, b);
        numerals += vb >= 0;
    }
    assert_int_equal(numerals, 17);
}

/* hb_plain_han3's bits, made at compile time, say for every character of
 * U+4000..U+9FFF what hb_is_han and the numeral switch say; it says no for
 * every other three-byte character (the tokenizer asks hb_is_han then). */
static void test_plain_han(void **state)
{
    (void)state;
    for (int cp = 0x800; cp <= 0xFFFF; cp++) {
        unsigned char u[3] = {(unsigned char)(0xE0 | cp >> 12), (unsigned char)(0x80 | (cp >> 6 & 63)),
                              (unsigned char)(0x80 | (cp & 63))};
        unsigned cls;
        int want = cp >= 0x4000 && cp <= 0x9FFF && hb_is_han(cp) && hb_cn_numeral_lookup(cp, &cls) < 0;
        if (hb_plain_han3(u) != want)
            fail_msg("U+%04X: plain %d, expected %d", cp, hb_plain_han3(u), want);
    }
}

static void test_random_invariants(void **state)
{
    (void)state;
    static const char *const alpha[] = {
        "0", "1", "5", "9", ",", ".", "-", "~", "%", "*", "×", "X", "x", "a", "+",
        "零", "〇", "一", "二", "两", "三", "五", "八", "十", "百", "千", "万", "亿", "几",
        "数", "点", "余", "多", "来", "至", "到", "年", "近", "超过", "上", "百分之",
        "以上", "左右", "人", "—", "○"};
    uint32_t seed = 12345;
    char buf[256];
    for (int it = 0; it < 20000; it++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int parts = (int)(seed >> 16) % 10;
        for (int i = 0; i < parts; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = alpha[(seed >> 16) % (sizeof alpha / sizeof *alpha)];
            memcpy(buf + len, a, strlen(a));
            len += strlen(a);
        }
        for (size_t p = 0; p < len; p++) {
            hb_numeral n;
            if (!hb_numeral_parse(&engine->numerals, buf, len, p, &n)) {
                assert_int_equal(n.end, p);
                continue;
            }
            assert_true(n.start == p && n.end > p && n.end <= len);
            assert_true(n.end == len || ((unsigned char)buf[n.end] & 0xC0) != 0x80);
            assert_true(n.scale_start <= n.scale_end && n.scale_end <= n.end);
            assert_true((n.masked || n.overflow) == (isnan(n.value) != 0));
            if (!isnan(n.value))
                assert_true(n.value >= 0 && n.value <= 9007199254740992.0);
            if (n.has_max && !isnan(n.value))
                assert_true(n.value_max >= n.value);
            if (!n.has_max)
                assert_true(isnan(n.value_max));
            assert_true(!n.approx || n.approx_word);
            assert_true(n.scale == 1 || n.scale == 1e4 || n.scale == 1e8 || n.scale == 1e12);
        }
    }
}

/* Whether two readings are the same, field by field (NaN equal to NaN). */
static int same_reading(const hb_numeral *a, const hb_numeral *b)
{
#define SAME_D(x, y) ((isnan(x) && isnan(y)) || (x) == (y))
    return a->start == b->start && a->end == b->end && SAME_D(a->value, b->value) &&
           SAME_D(a->value_max, b->value_max) && a->has_max == b->has_max && a->masked == b->masked &&
           a->approx == b->approx && a->overflow == b->overflow && a->percent == b->percent &&
           a->scale == b->scale && a->scale_start == b->scale_start && a->scale_end == b->scale_end &&
           a->approx_word == b->approx_word && a->approx_start == b->approx_start &&
           a->approx_end == b->approx_end;
#undef SAME_D
}

/* The shortcut for plain numbers reads what the whole grammar reads, at
 * every position of buf[0..len) and with every shorter len. */
static void agree_everywhere(const char *buf, size_t len)
{
    for (size_t cut = len; cut > 0; cut--)
        for (size_t p = 0; p < cut; p++) {
            hb_numeral fast, full;
            int a = hb_numeral_parse(&engine->numerals, buf, cut, p, &fast);
            int b = hb_numeral_parse_full(&engine->numerals, buf, cut, p, &full);
            if (a != b || !same_reading(&fast, &full))
                fail_msg("%.*s (len %zu) at %zu: shortcut %d [%zu, %zu) %.17g, grammar %d [%zu, %zu) %.17g",
                         (int)len, buf, cut, p, a, fast.start, fast.end, fast.value, b, full.start, full.end,
                         full.value);
        }
}

/* The edges of the shortcuts: what may follow the digits (masks, X, scale
 * words, 余 / 多 before one, a second dot, 点, a dot before a mark or a
 * word, %, a range mark or + after the %), thousands groups and
 * decimals, full-width digits (folded before the reader, not read as
 * digits), a lone Chinese digit before a measure word, and what stands
 * before a number (a mask, a numeral, a bracket, a quotation mark). */
static void test_plain_shortcut_edges(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "6次", "12.5个", "1,200人", "1,234.5吨", "1234,567元", "3.5.6", "3.", "12.X", "12.5*", "12**人",
        "1××万元", "1XX家", "2X次", "1x.5万元", "3X光", "12XL", "3十", "3百人", "2千", "5万元", "1.5亿",
        "2万亿", "20多万", "30余万人", "20余人", "20多个", "100来人", "3几", "3数", "3点5", "3〇", "3零",
        "3两", "3○", "3□", "3✕", "3×", "100+人", "100%", "30%~50%", "3至5万", "3-5", "3~5个", "近300人",
        "超过300", "约3.5万", "１２人", "１2人", "9007199254740993人", "9,007,199,254,740,993元",
        "99999999999999999999.5个", "0.000000000000000000001", "1,2", "1,2000", "1,200,00", "2023年",
        "G20峰会", "PM2.5", "3个多月", "5年以上", "100左右", "3 个", "3\n个", "3\"", "百分之3",
        "三个", "一是", "两人", "十两", "零个", "〇", "零点五", "三点", "三点五", "三余万", "三多", "三〇",
        "一2", "三几", "三数", "十个", "三十", "一百", "三万", "七八个", "三四", "一二三四", "近三个", "三来人",
        "三%", "三至五", "三-5", "三X", "三*", "几个", "数百", "1.推动", "3.*人", "3.x次", "3.X", "(三)", "“一是",
        "三、", "××三", "×3", "一×", "80%以上", "95%~98%", "5%%", "5%+", "一至三", "一部分", "二十三", "3.5.推",
        "3万2000", "3万余人", "3万多", "3万几", "3万点", "3万%", "3万至5万", "3万以上", "3万+", "3万X", "3万*",
        "3亿万", "3万零", "3万两", "3万十", "1.2亿人", "12万.5", "3万万", "3万来人"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        agree_everywhere(cases[i], strlen(cases[i]));
}

/* An approximation word of dict/ that starts with a digit (a user's
 * 一共, 3成以上 is no such word) turns the shortcut's skip of the list
 * off: 一共3人 reads 3 with 一共, not 一. */
static void test_before_word_opening_with_digit(void **state)
{
    (void)state;
    hb_engine *own = tu_overlay_engine("numeral_approx.txt", "before\t一共\n"), *shared = engine;
    assert_true(own->numerals.digit_before);
    assert_false(shared->numerals.digit_before);
    hb_numeral n;
    assert_true(hb_numeral_parse(&own->numerals, "一共3人", strlen("一共3人"), 0, &n));
    assert_string_equal(n.approx_word, "一共");
    eq("一共3人", n.value, 3);
    engine = own;
    agree_everywhere("一共3人", strlen("一共3人"));
    agree_everywhere("一人", strlen("一人"));
    engine = shared;
    hb_engine_free(own);
}

/* The same over random strings of digits, marks and the grammar's
 * characters. */
static void test_plain_shortcut_random(void **state)
{
    (void)state;
    static const char *const alpha[] = {
        "0", "1", "5", "9", "0", "3", "7", ",", ".", "-", "~", "%", "*", "×", "X", "x", "a", "+", " ",
        "零", "〇", "一", "两", "十", "百", "千", "万", "亿", "几", "数", "点", "余", "多", "来", "至",
        "年", "近", "以上", "人", "个", "元", "—", "○", "１", "，"};
    uint32_t seed = 4242;
    char buf[256];
    for (int it = 0; it < 4000; it++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int parts = 1 + (int)(seed >> 16) % 8;
        for (int i = 0; i < parts; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = alpha[(seed >> 16) % (sizeof alpha / sizeof *alpha)];
            memcpy(buf + len, a, strlen(a));
            len += strlen(a);
        }
        agree_everywhere(buf, len);
    }
}

/* hb_char_before agrees with walking back over continuation bytes and
 * decoding, at every character end of a text of one- to four-byte
 * characters (the three-byte ones read from their lead byte three back). */
static void test_char_before(void **state)
{
    (void)state;
    const char *t = "a\xc3\x97" "3\xe4\xb8\x87\xf0\xa0\x80\x80\xe3\x80\x87" "b\xe9\xbe\xa5";
    size_t len = strlen(t);
    for (size_t s = 1; s <= len; s++) {
        if (s < len && ((unsigned char)t[s] & 0xC0) == 0x80)
            continue; /* not a character end */
        size_t p = s - 1;
        while (p > 0 && ((unsigned char)t[p] & 0xC0) == 0x80)
            p--;
        int want, got;
        hb_utf8_next(t + p, len - p, &want);
        assert_int_equal(hb_char_before(t, s, &got), p);
        assert_int_equal(got, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arabic),
        cmocka_unit_test(test_char_before),
        cmocka_unit_test(test_arabic_decimals),
        cmocka_unit_test(test_thousands),
        cmocka_unit_test(test_lookback),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_chinese),
        cmocka_unit_test(test_big_units),
        cmocka_unit_test(test_liang),
        cmocka_unit_test(test_chinese_decimals),
        cmocka_unit_test(test_readings),
        cmocka_unit_test(test_approx),
        cmocka_unit_test(test_approx_scale),
        cmocka_unit_test(test_ji),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_range_scales),
        cmocka_unit_test(test_percent),
        cmocka_unit_test(test_masks),
        cmocka_unit_test(test_approx_after),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_filter_agrees),
        cmocka_unit_test(test_plain_han),
        cmocka_unit_test(test_pathological),
        cmocka_unit_test(test_random_invariants),
        cmocka_unit_test(test_plain_shortcut_edges),
        cmocka_unit_test(test_plain_shortcut_random),
        cmocka_unit_test(test_before_word_opening_with_digit),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
