/* Top terms (src/terms.c): more frequent first, a tie to the word met
 * first, stopwords and words of other classes left out however frequent,
 * and on a report large enough that the count table grows, distinct words
 * counted apart (the table compares words by their last 16 bytes, kept,
 * and the bytes before them 8 at a time). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "testutil.h"

/* The `terms` of text under --top top (a new reference). */
static json_t *terms_of(const char *text, size_t len, int top)
{
    hb_extract_options o = {.top_terms = top};
    hb_error err;
    hb_report *r = hb_extract(engine, text, len, &o, &err);
    assert_non_null(r);
    json_t *root = tu_json(r);
    hb_report_free(r);
    assert_non_null(root);
    json_t *t = json_incref(json_object_get(root, "terms"));
    json_decref(root);
    assert_true(json_is_array(t));
    return t;
}

static const char *term_at(const json_t *terms, size_t i)
{
    return json_string_value(json_object_get(json_array_get(terms, i), "term"));
}

static json_int_t count_at(const json_t *terms, size_t i)
{
    return json_integer_value(json_object_get(json_array_get(terms, i), "count"));
}

static size_t index_of(const json_t *terms, const char *word)
{
    for (size_t i = 0; i < json_array_size(terms); i++)
        if (!strcmp(term_at(terms, i), word))
            return i;
    return SIZE_MAX;
}

/* jieba cuts the body into 创新 ×4, 教育 ×2 then 改革 ×2 (教育 first met
 * earlier), 进一步 ×2 (an adverb), 工作 ×2 (a stopword) and words once. */
static const char REPORT[] = "关于学校情况的汇报\n\n"
                             "一、主要做法\n"
                             "我们坚持创新发展，推进教育改革。进一步推进改革创新，进一步深化教育改革，"
                             "工作扎实，工作有力，工作到位。坚持创新，坚持创新。\n";

static void test_order_and_ties(void **s)
{
    (void)s;
    json_t *t = terms_of(REPORT, strlen(REPORT), 5);
    assert_int_equal(json_array_size(t), 5);
    assert_string_equal(term_at(t, 0), "创新");
    assert_int_equal(count_at(t, 0), 4);
    assert_string_equal(term_at(t, 1), "教育");
    assert_string_equal(term_at(t, 2), "改革");
    assert_int_equal(count_at(t, 1), 2);
    assert_int_equal(count_at(t, 2), 2);
    for (size_t i = 3; i < 5; i++)
        assert_int_equal(count_at(t, i), 1);
    json_decref(t);
}

static void test_left_out_however_frequent(void **s)
{
    (void)s;
    json_t *t = terms_of(REPORT, strlen(REPORT), 1000);
    assert_int_equal(index_of(t, "进一步"), SIZE_MAX);
    assert_int_equal(index_of(t, "工作"), SIZE_MAX);
    assert_int_equal(index_of(t, "的"), SIZE_MAX); /* one character */
    assert_true(index_of(t, "做法") != SIZE_MAX);
    json_decref(t);
}

/* Only the words counted more than once are sorted; those counted once
 * follow them in order of first occurrence (做法, 推进改革, 有力, 工作到位
 * in REPORT), as when every word was sorted. */
static void test_once_in_text_order(void **s)
{
    (void)s;
    json_t *t = terms_of(REPORT, strlen(REPORT), 1000);
    size_t n = json_array_size(t), ones = 0;
    const char *last = REPORT;
    for (size_t i = 0; i < n; i++) {
        if (count_at(t, i) > 1) {
            assert_int_equal(ones, 0); /* no word counted more after one counted once */
            continue;
        }
        const char *at = strstr(REPORT, term_at(t, i));
        assert_true(at > last);
        last = at;
        ones++;
    }
    assert_int_equal(ones, 4);
    json_decref(t);
}

static size_t occurrences(const char *text, const char *word)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, word)); p += strlen(word))
        n++;
    return n;
}

/* The largest reports of corpus/ as one: thousands of distinct words. */
static char *big_report(size_t *len)
{
    static const char *const files[] = {"corpus/jiwei_annual.txt", "corpus/annual_transport.txt",
                                        "corpus/school_duty.txt"};
    char *all = NULL;
    *len = 0;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        size_t n;
        char *one = tu_read_file(files[i], &n);
        assert_non_null(one);
        all = realloc(all, *len + n + 2);
        assert_non_null(all);
        memcpy(all + *len, one, n);
        *len += n;
        all[(*len)++] = '\n';
        free(one);
    }
    all[*len] = '\0';
    return all;
}

static void test_large_report(void **s)
{
    (void)s;
    size_t len;
    char *text = big_report(&len);
    json_t *all = terms_of(text, len, 100000);
    size_t n = json_array_size(all);
    assert_true(n > 600); /* more distinct words than the table first holds */
    for (size_t i = 0; i < n; i++) {
        const char *w = term_at(all, i);
        json_int_t c = count_at(all, i);
        assert_true(c >= 1);
        if (i > 0)
            assert_true(c <= count_at(all, i - 1));
        /* two words taken as one would count more than the text holds */
        assert_true((size_t)c <= occurrences(text, w));
        /* one word taken as two would be listed twice */
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(w, term_at(all, k));
    }
    /* a shorter list is the longer one's beginning */
    json_t *top = terms_of(text, len, 30);
    assert_int_equal(json_array_size(top), 30);
    for (size_t i = 0; i < 30; i++)
        assert_true(json_equal(json_array_get(top, i), json_array_get(all, i)));
    json_decref(top);
    json_decref(all);
    free(text);
}

/* Two words of 24 bytes alike in their last 16 (the ends the table keeps):
 * told apart by the bytes before them, read from the text. */
static void test_long_words_alike_at_the_end(void **s)
{
    (void)s;
    static const char text[] = "关于两县情况的汇报\n\n一、基本情况\n"
                               "五峰土家族自治县和长阳土家族自治县开展合作，五峰土家族自治县成效明显。\n";
    json_t *t = terms_of(text, strlen(text), 2);
    assert_int_equal(json_array_size(t), 2);
    assert_string_equal(term_at(t, 0), "五峰土家族自治县");
    assert_int_equal(count_at(t, 0), 2);
    assert_string_equal(term_at(t, 1), "长阳土家族自治县");
    assert_int_equal(count_at(t, 1), 1);
    json_decref(t);
}

/* A word of 21 bytes (seven characters): its hash and its entry take the
 * last 13, the 8 before them read from the text; a new word's entry is made
 * apart from its probe, and must keep the same ends, or each later
 * occurrence would be counted as another word. */
static void test_word_of_21_bytes(void **s)
{
    (void)s;
    static const char text[] = "关于对外交流情况的汇报\n\n一、基本情况\n"
                               "中华人民共和国成立以来，中华人民共和国发展迅速，中华人民共和国。\n";
    json_t *t = terms_of(text, strlen(text), 1);
    assert_int_equal(json_array_size(t), 1);
    assert_string_equal(term_at(t, 0), "中华人民共和国");
    assert_int_equal(count_at(t, 0), 3);
    json_decref(t);
}

/* Body paragraphs parted only by blank lines are segmented as one text:
 * the words either side of the break stay apart (中华 | 人民共和国), as the
 * blanks end jieba's blocks. */
static void test_paragraphs_segmented_together(void **s)
{
    (void)s;
    static const char text[] = "关于对外交流情况的汇报\n\n一、基本情况\n"
                               "我们热爱中华\n\n人民共和国成立以来发展迅速。\n";
    json_t *t = terms_of(text, strlen(text), 100);
    assert_true(index_of(t, "中华") != SIZE_MAX);
    assert_true(index_of(t, "人民共和国") != SIZE_MAX);
    assert_int_equal(index_of(t, "中华人民共和国"), SIZE_MAX);
    json_decref(t);
}

/* Reports extracted as a group (hb_extract_owned_n) are counted in the
 * group's one first table, lent to each in turn: every report's terms are
 * those it has alone, after a report whose table grew past it (the big
 * one) and after one that left its words in it (REPORT, then a text whose
 * words are REPORT's and others); the group's memo of content words
 * answers each word as itself (工作, a stopword, before 工程 of as many
 * bytes and the same first character). */
static void test_group_counts_each_report_alone(void **s)
{
    (void)s;
    size_t big_len;
    char *big = big_report(&big_len);
    static const char other[] = "关于学校情况的汇报\n\n一、主要做法\n"
                                "推进教育改革，深化教育改革，坚持创新。学校发展，学校建设。\n";
    static const char stop[] = "关于工程情况的汇报\n\n一、主要做法\n推进工作，落实工作，工作创新。\n",
                      word[] = "关于工程情况的汇报\n\n一、主要做法\n推进工程，落实工程，工程创新。\n";
    const char *texts[] = {REPORT, big, REPORT, other, stop, word};
    const size_t lens[] = {strlen(REPORT), big_len, strlen(REPORT), strlen(other), strlen(stop), strlen(word)};
    enum { N = sizeof texts / sizeof *texts };
    char *bufs[N];
    hb_extract_options xo[N];
    hb_report *r[N];
    hb_error err[N];
    for (size_t i = 0; i < N; i++) {
        bufs[i] = malloc(lens[i]);
        assert_non_null(bufs[i]);
        memcpy(bufs[i], texts[i], lens[i]);
        xo[i] = (hb_extract_options){.top_terms = 1000};
    }
    hb_extract_owned_n(engine, N, bufs, lens, xo, r, err);
    for (size_t i = 0; i < N; i++) {
        assert_non_null(r[i]);
        json_t *root = tu_json(r[i]);
        hb_report_free(r[i]);
        assert_non_null(root);
        json_t *alone = terms_of(texts[i], lens[i], 1000);
        assert_true(json_array_size(alone) > 0);
        assert_true(json_equal(json_object_get(root, "terms"), alone));
        json_decref(alone);
        json_decref(root);
    }
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_ties),
        cmocka_unit_test(test_left_out_however_frequent),
        cmocka_unit_test(test_once_in_text_order),
        cmocka_unit_test(test_large_report),
        cmocka_unit_test(test_long_words_alike_at_the_end),
        cmocka_unit_test(test_word_of_21_bytes),
        cmocka_unit_test(test_paragraphs_segmented_together),
        cmocka_unit_test(test_group_counts_each_report_alone),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
