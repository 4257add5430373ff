/* Dictionary regexes: interpreted at first, JIT-compiled once run over
 * enough subject (src/regex.c).  A match must not depend on which of the
 * two ran it, nor on threads crossing the switch together. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "testutil.h"

/* Long enough that a few matches pass the JIT threshold (16 KiB). */
static char subject[40000];

static void fill_subject(void)
{
    size_t n = 0;
    for (int i = 0; n + 64 < sizeof subject; i++)
        n += (size_t)snprintf(subject + n, sizeof subject - n, "第%d页，共%d页。工作汇报", i, i + 1);
}

/* Every match of rx through subject, as the sum of its ends (a checksum)
 * and their count. */
static void scan(hb_regex *rx, size_t *count, size_t *sum)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(hb_regex_code(rx), NULL);
    assert_non_null(md);
    size_t ov[2], at = 0, len = strlen(subject);
    *count = *sum = 0;
    while (at < len && hb_regex_find(engine, rx, subject, len, at, md, ov)) {
        ++*count;
        *sum += ov[0] + ov[1];
        at = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
    }
    pcre2_match_data_free(md);
}

static void test_same_matches_before_and_after_jit(void **s)
{
    (void)s;
    hb_error err = {0};
    hb_regex *rx = hb_regex_compile(NULL, "第(\\d+)页", 0, "test", 1, &err);
    assert_non_null(rx);
    size_t c0, s0, c, sum;
    scan(rx, &c0, &s0); /* the first matches are interpreted, the later ones run JIT code */
    assert_true(c0 > 1000);
    for (int k = 0; k < 3; k++) {
        scan(rx, &c, &sum);
        assert_int_equal(c, c0);
        assert_int_equal(sum, s0);
    }
    hb_regex_free(rx);
}

/* A pattern PCRE2 knows no start for (\d under UCP is any digit) counts
 * each byte sixteen times: a few short subjects switch it to JIT code, and
 * the matches stay the same across the switch. */
static void test_startless_switches_early(void **s)
{
    (void)s;
    hb_error err = {0};
    hb_regex *rx = hb_regex_compile(NULL, "(\\d{4})\\s*年", 0, "test", 1, &err);
    assert_non_null(rx);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(hb_regex_code(rx), NULL);
    const char *piece = "本人自担任局长以来，认真履职尽责。现将2023年度工作情况报告如下，请予审议。";
    size_t ov[2], len = strlen(piece);
    for (int i = 0; i < 64; i++) { /* 64 short subjects: 8 KiB, weighed over 16 KiB */
        assert_true(hb_regex_find(engine, rx, piece, len, 0, md, ov));
        assert_memory_equal(piece + ov[0], "2023年", ov[1] - ov[0]);
    }
    pcre2_match_data_free(md);
    hb_regex_free(rx);
}

static void test_anchored_counts_little(void **s)
{
    (void)s;
    hb_error err = {0};
    hb_regex *rx = hb_regex_compile(NULL, "^第\\d+页", 0, "test", 1, &err);
    assert_non_null(rx);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(hb_regex_code(rx), NULL);
    size_t ov[2];
    for (int i = 0; i < 500; i++) { /* anchored: fails at once past the start, JIT or not */
        assert_true(hb_regex_find(engine, rx, subject, strlen(subject), 0, md, ov));
        assert_int_equal(ov[0], 0);
        assert_false(hb_regex_find(engine, rx, subject, strlen(subject), 1, md, ov));
    }
    pcre2_match_data_free(md);
    hb_regex_free(rx);
}

static void test_bad_pattern_names_file_and_offset(void **s)
{
    (void)s;
    hb_error err = {0};
    assert_null(hb_regex_compile(NULL, "第(\\d+页", 0, "layout.txt", 7, &err));
    assert_int_equal(err.code, HB_ERR_REGEX);
    assert_string_equal(err.file, "layout.txt");
    assert_int_equal(err.line, 7);
}

typedef struct {
    hb_regex *rx;
    size_t count, sum;
} job;

static void *run_job(void *p)
{
    job *j = p;
    scan(j->rx, &j->count, &j->sum);
    return NULL;
}

static void test_threads_cross_the_switch_together(void **s)
{
    (void)s;
    hb_error err = {0};
    hb_regex *rx = hb_regex_compile(NULL, "共(\\d+)页", 0, "test", 1, &err), *ref = hb_regex_compile(NULL, "共(\\d+)页", 0, "test", 1, &err);
    assert_non_null(rx);
    assert_non_null(ref);
    size_t c0, s0;
    scan(ref, &c0, &s0);
    enum { N = 4 };
    job jobs[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (job){rx, 0, 0};
        assert_int_equal(pthread_create(&t[i], NULL, run_job, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(jobs[i].count, c0);
        assert_int_equal(jobs[i].sum, s0);
    }
    hb_regex_free(rx);
    hb_regex_free(ref);
}

int main(void)
{
    fill_subject();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_matches_before_and_after_jit),
        cmocka_unit_test(test_startless_switches_early),
        cmocka_unit_test(test_anchored_counts_little),
        cmocka_unit_test(test_bad_pattern_names_file_and_offset),
        cmocka_unit_test(test_threads_cross_the_switch_together),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
