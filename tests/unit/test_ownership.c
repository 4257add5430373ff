/* The ownership contract of huibao.h, as regression tests:
 *  - a report keeps its engine alive: hb_engine_free() before
 *    hb_report_free() is allowed, and every output still works (ASan saw a
 *    heap-use-after-free in the slogans' JSON before the engine was
 *    reference-counted);
 *  - the output functions take a const report and never write into it, so
 *    two threads may print one report at the same time (`make tsan` runs
 *    this file under ThreadSanitizer; before the outputs had a scratch
 *    arena of their own, both threads allocated in the report's arena);
 *  - hb_extract_owned() takes the input: its report is the one hb_extract()
 *    makes of the same bytes, whether the text is the input itself (UTF-8,
 *    with or without a byte order mark), lies inside it after a mark the
 *    body contradicts, or is the decoder's (repaired) output and the input
 *    is freed once decoded (ASan saw a use-after-free of the second);
 *  - a full report's token stream, given back after the last stage that
 *    reads it, is made again for hb_report_tokens();
 *  - hb_extract_owned_n() gives every input the report (or the error)
 *    hb_extract_owned() gives it alone, over more inputs than one group,
 *    whatever the other inputs of its group do. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glob.h>

#include "huibao.h"
#include "testutil.h"

/* A corpus report with slogans, cited documents, metrics and lists, so
 * every extractor's output reads what the engine loaded. */
static const char *const SAMPLE = "corpus/jiwei_annual.txt";

static hb_report *sample_report(hb_engine *e)
{
    hb_error err;
    hb_report *r = hb_extract_file(e, SAMPLE, NULL, &err);
    assert_non_null(r);
    return r;
}

static void test_report_outlives_engine(void **s)
{
    (void)s;
    hb_engine *e = tu_engine();
    assert_non_null(e);
    hb_report *r = sample_report(e);
    char *before = hb_report_json(r, 0);
    assert_non_null(before);
    hb_engine_free(e); /* the report still holds the engine */
    char *after = hb_report_json(r, 0);
    assert_non_null(after);
    assert_string_equal(after, before);
    json_t *j = json_loads(after, 0, NULL);
    assert_non_null(j);
    assert_true(json_array_size(json_object_get(j, "slogans")) > 0);
    json_decref(j);
    char *words = hb_report_tokens(r, HB_TOKENS_WORDS); /* segments with the engine's lexicon */
    assert_non_null(words);
    assert_non_null(strstr(words, "word\t"));
    int passed = -1;
    char *verdict = hb_report_verdict(r, &passed); /* reads the engine's profiles */
    assert_non_null(verdict);
    assert_true(passed == 0 || passed == 1);
    hb_free(words);
    hb_free(verdict);
    hb_free(before);
    hb_free(after);
    hb_report_free(r); /* releases the engine too: valgrind/ASan see no leak */
}

typedef struct {
    const hb_report *r;
    const char *expected;
    int bad;
} printer;

static void *print_many(void *arg)
{
    printer *p = arg;
    for (int i = 0; i < 20; i++) {
        char *json = hb_report_json(p->r, i % 2 ? HB_JSON_PRETTY : 0);
        char *pretty = i % 2 ? json : hb_report_json(p->r, HB_JSON_PRETTY);
        char *tokens = hb_report_tokens(p->r, i % 2 ? HB_TOKENS_WORDS : 0);
        int passed;
        char *verdict = hb_report_verdict(p->r, &passed);
        if (!pretty || !tokens || !verdict || strcmp(pretty, p->expected) != 0)
            p->bad++;
        if (pretty != json)
            hb_free(pretty);
        hb_free(json);
        hb_free(tokens);
        hb_free(verdict);
    }
    return NULL;
}

static void test_two_threads_print_one_report(void **s)
{
    (void)s;
    hb_report *r = sample_report(engine);
    char *expected = hb_report_json(r, HB_JSON_PRETTY);
    assert_non_null(expected);
    printer p[2] = {{r, expected, 0}, {r, expected, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, print_many, &p[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(p[0].bad + p[1].bad, 0);
    hb_free(expected);
    hb_report_free(r);
}

/* The report of buf[0..len) as JSON, by hb_extract and by hb_extract_owned. */
static void owned_matches_borrowed(const char *buf, size_t len)
{
    hb_error err;
    hb_report *a = hb_extract(engine, buf, len, NULL, &err);
    assert_non_null(a);
    char *own = malloc(len);
    assert_non_null(own);
    memcpy(own, buf, len);
    hb_report *b = hb_extract_owned(engine, own, len, NULL, &err);
    assert_non_null(b);
    char *ja = hb_report_json(a, 0), *jb = hb_report_json(b, 0);
    assert_non_null(ja);
    assert_non_null(jb);
    assert_string_equal(ja, jb);
    hb_free(ja);
    hb_free(jb);
    hb_report_free(a);
    hb_report_free(b);
}

/* A full report gives its tokens back after the metrics stage; its token
 * stream, made again, is the one the tokens-only path prints. */
static void test_released_tokens_made_again(void **s)
{
    (void)s;
    hb_error err;
    hb_extract_options xo = {.until = HB_UNTIL_TOKENS};
    hb_report *full = hb_extract_file(engine, SAMPLE, NULL, &err), *part = hb_extract_file(engine, SAMPLE, &xo, &err);
    assert_non_null(full);
    assert_non_null(part);
    char *a = hb_report_tokens(full, 0), *b = hb_report_tokens(part, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(strlen(a) > 1000);
    assert_string_equal(a, b);
    hb_free(a);
    hb_free(b);
    hb_report_free(full);
    hb_report_free(part);
}

static void test_owned_input_matches_borrowed(void **s)
{
    (void)s;
    size_t n;
    char *text = tu_read_file(SAMPLE, &n);
    assert_non_null(text);
    char *buf = malloc(n + 3);
    assert_non_null(buf);
    owned_matches_borrowed(text, n);
    memcpy(buf, "\xEF\xBB\xBF", 3);
    memcpy(buf + 3, text, n);
    owned_matches_borrowed(buf, n + 3);
    memcpy(buf, "\xFF\xFE", 2); /* a UTF-16LE mark on a UTF-8 body */
    memcpy(buf + 2, text, n);
    owned_matches_borrowed(buf, n + 2);
    memcpy(buf, text, n);
    buf[n / 2] = '\xFF'; /* repaired: the decoder's copy is the text */
    owned_matches_borrowed(buf, n);
    free(buf);
    free(text);
}

/* What hb_extract_owned() makes of one input: its JSON and tokens, or its
 * error (code and message). */
static char *outcome(hb_report *r, const hb_error *err)
{
    char *s = NULL;
    if (!r)
        return assert_true(asprintf(&s, "error %d %s", err->code, err->message) > 0), s;
    char *json = hb_report_json(r, 0), *tokens = hb_report_tokens(r, 0);
    assert_non_null(json);
    assert_non_null(tokens);
    assert_true(asprintf(&s, "%s\n%s", json, tokens) > 0);
    hb_free(json);
    hb_free(tokens);
    hb_report_free(r);
    return s;
}

static char *copy_of(const char *s, size_t n)
{
    char *c = malloc(n ? n : 1);
    assert_non_null(c);
    memcpy(c, s, n);
    return c;
}

static void test_owned_n_matches_one_by_one(void **s)
{
    (void)s;
    glob_t g;
    assert_int_equal(glob("corpus/*.txt", 0, NULL, &g), 0);
    enum { N = 80 }; /* more than a group (64) */
    assert_true(g.gl_pathc >= 8);
    char *text[N];
    size_t len[N];
    hb_extract_options xo[N];
    for (size_t i = 0; i < N; i++) {
        text[i] = tu_read_file(g.gl_pathv[i % g.gl_pathc], &len[i]);
        assert_non_null(text[i]);
        xo[i] = (hb_extract_options){.path = g.gl_pathv[i % g.gl_pathc]};
    }
    /* among them: an input over its limit, a bad profile, a tokens-only
     * path, an empty input and another encoding's bytes */
    xo[1].max_bytes = 100;
    xo[5].profile = "no-such-profile";
    xo[6].until = HB_UNTIL_TOKENS;
    len[7] = 0;
    xo[20].encoding = "utf-16le";
    char *bufs[N], *expected[N];
    hb_report *r[N];
    hb_error err[N];
    for (size_t i = 0; i < N; i++) {
        hb_error e1;
        expected[i] = outcome(hb_extract_owned(engine, copy_of(text[i], len[i]), len[i], &xo[i], &e1), &e1);
        bufs[i] = copy_of(text[i], len[i]);
    }
    hb_extract_owned_n(engine, N, bufs, len, xo, r, err);
    for (size_t i = 0; i < N; i++) {
        char *got = outcome(r[i], &err[i]);
        assert_string_equal(got, expected[i]);
        free(got);
        bufs[i] = copy_of(text[i], len[i]);
    }
    assert_null(r[1]);
    assert_null(r[5]);
    assert_null(r[7]); /* an empty input is an error */
    assert_non_null(strstr(expected[6], "\n"));
    /* default options and no errors asked for; nothing at all */
    hb_extract_owned_n(engine, N, bufs, len, NULL, r, NULL);
    for (size_t i = 0; i < N; i++) {
        assert_true(i == 7 ? r[i] == NULL : r[i] != NULL);
        hb_report_free(r[i]);
        free(expected[i]);
        free(text[i]);
    }
    hb_extract_owned_n(engine, 0, NULL, NULL, NULL, NULL, NULL);
    globfree(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_outlives_engine),
        cmocka_unit_test(test_two_threads_print_one_report),
        cmocka_unit_test(test_owned_input_matches_borrowed),
        cmocka_unit_test(test_released_tokens_made_again),
        cmocka_unit_test(test_owned_n_matches_one_by_one),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
