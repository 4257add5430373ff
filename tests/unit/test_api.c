/* The library's conveniences: hb_version, the default engine,
 * hb_extract_file and its errors, and the typed accessors, which must say
 * what the JSON says for every corpus report. */
#include <glob.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "huibao.h"
#include "testutil.h"

static void test_version(void **s)
{
    (void)s;
    assert_string_equal(hb_version(), HB_VERSION);
}

static const char *json_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void assert_same_str(const char *a, const char *b)
{
    if (a || b) {
        assert_non_null(a);
        assert_non_null(b);
        assert_string_equal(a, b);
    }
}

/* NAN for the JSON's null. */
static double json_num(json_t *v)
{
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static void assert_same_num(double a, double b)
{
    assert_true(isnan(a) ? isnan(b) : a == b);
}

/* The sections of the JSON tree, walked as the accessors number them (a
 * section, then its children), against hb_report_section(); returns the
 * next index. */
static size_t check_sections(const hb_report *r, json_t *list, int parent, size_t i)
{
    for (size_t k = 0; k < json_array_size(list); k++) {
        json_t *s = json_array_get(list, k);
        hb_section_info si;
        assert_int_equal(hb_report_section(r, i, &si), 1);
        assert_string_equal(si.id, json_str(s, "id"));
        assert_string_equal(si.marker, json_str(s, "marker"));
        assert_int_equal(si.level, json_integer_value(json_object_get(s, "level")));
        assert_int_equal(si.number, json_integer_value(json_object_get(s, "number")));
        assert_string_equal(si.kind, json_str(s, "kind"));
        assert_int_equal(si.parent, parent);
        assert_int_equal(si.line, json_integer_value(json_object_get(s, "line")));
        const char *title = json_str(s, "title");
        char buf[1024];
        assert_int_equal(hb_report_section_title(r, i, buf, sizeof buf), title ? strlen(title) : 0);
        assert_string_equal(buf, title ? title : "");
        i = check_sections(r, json_object_get(s, "children"), (int)i, i + 1);
    }
    return i;
}

static void check_accessors(const hb_report *r, json_t *j)
{
    json_t *src = json_object_get(j, "source");
    assert_same_str(hb_report_path(r), json_str(src, "path"));
    assert_string_equal(hb_report_sha256(r), json_str(src, "sha256"));
    assert_same_str(hb_report_title(r), json_str(j, "title"));
    assert_string_equal(hb_report_doc_type(r), json_str(j, "doc_type"));
    assert_same_str(hb_report_organization(r), json_str(json_object_get(j, "signature"), "organization"));
    json_t *period = json_object_get(j, "period");
    int from = -1, to = -1;
    assert_same_str(hb_report_period(r, &from, &to), json_str(period, "text"));
    assert_int_equal(from, json_integer_value(json_object_get(period, "from")));
    assert_int_equal(to, json_integer_value(json_object_get(period, "to")));
    assert_ptr_equal(hb_report_period(r, NULL, NULL), hb_report_period(r, &from, NULL));

    json_t *metrics = json_object_get(j, "metrics");
    assert_int_equal(hb_report_metric_count(r), json_array_size(metrics));
    for (size_t i = 0; i < json_array_size(metrics); i++) {
        json_t *m = json_array_get(metrics, i);
        hb_metric_info mi;
        assert_int_equal(hb_report_metric(r, i, &mi), 1);
        assert_same_num(mi.value, json_num(json_object_get(m, "value")));
        assert_same_num(mi.value_max, json_num(json_object_get(m, "value_max")));
        assert_int_equal(mi.masked, json_is_true(json_object_get(m, "masked")));
        assert_int_equal(mi.approx, json_is_true(json_object_get(m, "approx")));
        assert_same_str(mi.approx_word, json_str(m, "approx_word"));
        assert_string_equal(mi.unit, json_str(m, "unit"));
        assert_same_str(mi.category, json_str(m, "category"));
        assert_same_str(mi.section, json_str(m, "section"));
        assert_int_equal(mi.line, json_integer_value(json_object_get(m, "line")));
        json_t *span = json_object_get(m, "span");
        assert_int_equal(mi.start, json_integer_value(json_array_get(span, 0)));
        assert_int_equal(mi.end, json_integer_value(json_array_get(span, 1)));
        const char *subject = json_str(m, "subject");
        char buf[1024];
        size_t n = hb_report_metric_subject(r, i, buf, sizeof buf);
        assert_int_equal(n, subject ? strlen(subject) : 0);
        assert_string_equal(buf, subject ? subject : "");
    }
    hb_metric_info none;
    assert_int_equal(hb_report_metric(r, json_array_size(metrics), &none), 0);

    size_t nsec = check_sections(r, json_object_get(j, "sections"), -1, 0);
    assert_int_equal(hb_report_section_count(r), nsec);
    hb_section_info no_section;
    assert_int_equal(hb_report_section(r, nsec, &no_section), 0);
    assert_int_equal(hb_report_section_title(r, nsec, NULL, 0), 0);

    json_t *missing = json_object_get(json_object_get(j, "required"), "missing");
    assert_int_equal(hb_report_missing_count(r), json_array_size(missing));
    for (size_t i = 0; i < json_array_size(missing); i++)
        assert_string_equal(hb_report_missing(r, i), json_string_value(json_array_get(missing, i)));
    assert_null(hb_report_missing(r, json_array_size(missing)));
}

/* Every corpus file read with hb_extract_file gives the JSON of hb_extract
 * on its bytes, and the accessors agree with that JSON. */
static void test_extract_file_and_accessors(void **s)
{
    (void)s;
    glob_t g;
    assert_int_equal(glob("corpus/*.txt", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 12);
    size_t with_metrics = 0, with_missing = 0, with_subject_cut = 0, with_period = 0, with_nested = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        hb_error err;
        hb_report *r = hb_extract_file(engine, path, NULL, &err);
        assert_non_null(r);
        size_t len;
        char *bytes = tu_read_file(path, &len);
        hb_extract_options xo = {.path = path};
        hb_report *r2 = hb_extract(engine, bytes, len, &xo, &err);
        free(bytes);
        assert_non_null(r2);
        char *a = hb_report_json(r, 0), *b = hb_report_json(r2, 0);
        assert_string_equal(a, b);
        json_t *j = json_loads(a, 0, NULL);
        assert_non_null(j);
        check_accessors(r, j);
        with_metrics += hb_report_metric_count(r) > 0;
        with_missing += hb_report_missing_count(r) > 0;
        with_period += hb_report_period(r, NULL, NULL) != NULL;
        with_nested += hb_report_section_count(r) > json_array_size(json_object_get(j, "sections"));
        /* a buffer too small keeps whole characters and says the full length */
        for (size_t k = 0; k < hb_report_metric_count(r); k++) {
            char small[5];
            size_t n = hb_report_metric_subject(r, k, small, sizeof small);
            assert_true(strlen(small) < sizeof small);
            if (n >= sizeof small) {
                with_subject_cut++;
                assert_true(strlen(small) <= 4 && strlen(small) >= 2); /* 3-byte Han: one fits */
            }
        }
        json_decref(j);
        hb_free(a);
        hb_free(b);
        hb_report_free(r);
        hb_report_free(r2);
    }
    assert_true(with_metrics > 10);
    assert_true(with_missing > 0);
    assert_true(with_period > 0 && with_period < g.gl_pathc); /* both cases met */
    assert_true(with_nested > 0); /* some report has children under a section */
    assert_true(with_subject_cut > 0);
    globfree(&g);
}

static void expect_file_error(const char *path, size_t max, hb_status code, const char *message)
{
    hb_extract_options xo = {.max_bytes = max};
    hb_error err;
    assert_null(hb_extract_file(engine, path, &xo, &err));
    assert_int_equal(err.code, code);
    assert_string_equal(err.file, path);
    assert_string_equal(err.message, message);
}

static int append(void *ctx, const char *s, size_t n)
{
    char **acc = ctx;
    size_t had = *acc ? strlen(*acc) : 0;
    *acc = realloc(*acc, had + n + 1);
    assert_non_null(*acc);
    memcpy(*acc + had, s, n);
    (*acc)[had + n] = '\0';
    return 1;
}

/* hb_report_write hands on exactly hb_report_json's text, then the line
 * end, which hb_report_json adds too when asked (HB_JSON_LINE). */
static void test_report_write_streams_the_json(void **s)
{
    (void)s;
    hb_error err;
    hb_report *r = hb_extract_file(engine, "corpus/jiwei_annual.txt", NULL, &err);
    assert_non_null(r);
    for (unsigned flags = 0; flags <= HB_JSON_PRETTY; flags++) {
        char *whole = hb_report_json(r, flags), *got = NULL;
        assert_non_null(whole);
        assert_int_equal(hb_report_write(r, flags | HB_JSON_LINE, append, &got), HB_OK);
        assert_int_equal(strlen(got), strlen(whole) + 1);
        assert_memory_equal(got, whole, strlen(whole));
        assert_int_equal(got[strlen(whole)], '\n');
        char *line = hb_report_json(r, flags | HB_JSON_LINE);
        assert_non_null(line);
        assert_string_equal(line, got);
        hb_free(line);
        free(got);
        hb_free(whole);
    }
    assert_int_equal(hb_report_write(r, 0, NULL, NULL), HB_ERR_ARG);
    hb_report_free(r);
}

/* A span in the title gives its first and last year; a report without a
 * year gives NULL and zeros. */
static void test_period(void **s)
{
    (void)s;
    static const char span[] = "某县2021—2023年工作总结\n\n三年来，我们推进各项工作。\n",
                      none[] = "工作总结\n\n一年来，我们推进各项工作。\n";
    hb_error err;
    hb_report *r = hb_extract(engine, span, sizeof span - 1, NULL, &err);
    assert_non_null(r);
    int from = 0, to = 0;
    assert_string_equal(hb_report_period(r, &from, &to), "2021—2023年");
    assert_int_equal(from, 2021);
    assert_int_equal(to, 2023);
    hb_report_free(r);
    r = hb_extract(engine, none, sizeof none - 1, NULL, &err);
    assert_non_null(r);
    from = to = -1;
    assert_null(hb_report_period(r, &from, &to));
    assert_int_equal(from, 0);
    assert_int_equal(to, 0);
    hb_report_free(r);
}

static void test_extract_file_errors(void **s)
{
    (void)s;
    expect_file_error("corpus/no_such_report.txt", 0, HB_ERR_IO, "No such file or directory");
    expect_file_error("corpus", 0, HB_ERR_IO, "is a directory");
    expect_file_error("/dev/null", 0, HB_ERR_IO, "not a regular file");
    expect_file_error("corpus/jiwei_annual.txt", 100, HB_ERR_TOO_LARGE, "larger than the limit of 100 bytes");
    /* an error of the extraction itself still names the file */
    hb_extract_options xo = {.encoding = "ebcdic"};
    hb_error err;
    assert_null(hb_extract_file(engine, "corpus/jiwei_annual.txt", &xo, &err));
    assert_int_equal(err.code, HB_ERR_ARG);
    assert_string_equal(err.file, "corpus/jiwei_annual.txt");
}

/* hb_engine_new(NULL, …) reads $HUIBAO_DICT and $HUIBAO_LEXICON and gives
 * the engine the tests build by hand. */
static void test_default_engine(void **s)
{
    (void)s;
    const char *lex = getenv("HUIBAO_LEXICON");
    setenv("HUIBAO_DICT", "dict", 1);
    setenv("HUIBAO_LEXICON", lex ? lex : "build/jieba.lex", 1);
    char *dict = hb_default_dict_dir(), *lexicon = hb_default_lexicon();
    assert_string_equal(dict, "dict");
    assert_string_equal(lexicon, lex ? lex : "build/jieba.lex");
    hb_error err;
    hb_engine *e = hb_engine_new(NULL, &err);
    assert_non_null(e);
    hb_report *a = hb_extract_file(e, "corpus/jiwei_annual.txt", NULL, &err);
    hb_report *b = hb_extract_file(engine, "corpus/jiwei_annual.txt", NULL, &err);
    assert_non_null(a);
    assert_non_null(b);
    char *ja = hb_report_json(a, 0), *jb = hb_report_json(b, 0);
    assert_string_equal(ja, jb);
    hb_free(ja);
    hb_free(jb);
    hb_report_free(a);
    hb_report_free(b);
    hb_engine_free(e);
    /* a dictionary folder that is not there is named in the error */
    setenv("HUIBAO_DICT", "no/such/dict", 1);
    assert_null(hb_engine_new(NULL, &err));
    assert_non_null(strstr(err.file, "no/such/dict"));
    unsetenv("HUIBAO_DICT");
    hb_free(dict);
    hb_free(lexicon);
}

/* A pool's pieces are aligned for any type, never overlap, and stay
 * readable until the pool goes, small and large (a block of their own). */
static void test_pool(void **s)
{
    (void)s;
    hb_pool_free(NULL);
    hb_pool *pool = hb_pool_new();
    assert_non_null(pool);
    enum { N = 3000 };
    unsigned char *piece[N];
    size_t size[N];
    for (size_t i = 0; i < N; i++) {
        size[i] = i % 100 == 99 ? 70000 + i : 1 + i % 37;
        piece[i] = hb_pool_alloc(pool, size[i]);
        assert_non_null(piece[i]);
        assert_int_equal((uintptr_t)piece[i] % _Alignof(max_align_t), 0);
        memset(piece[i], (int)(i & 0xff), size[i]);
    }
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(piece[i][0], i & 0xff);
        assert_int_equal(piece[i][size[i] - 1], i & 0xff);
    }
    assert_non_null(hb_pool_alloc(pool, 0)); /* a piece, not NULL */
    hb_pool_free(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_extract_file_and_accessors),
        cmocka_unit_test(test_period),
        cmocka_unit_test(test_extract_file_errors),
        cmocka_unit_test(test_report_write_streams_the_json),
        cmocka_unit_test(test_default_engine),
        cmocka_unit_test(test_pool),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
