/* Summary merge (associative, commutative: random splits of the corpus give
 * the same bytes as the whole) and the shortest form of reals. */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "huibao.h"
#include "json_out.h"
#include "testutil.h"

static char **reports;   /* the corpus reports' JSON, one line each */
static size_t nreports;
static char *from_reports; /* their summary made by hb_summary_add_report */

static int setup(void **state)
{
    if (tu_setup(state))
        return -1;
    glob_t g;
    if (glob("corpus/*.txt", 0, NULL, &g))
        return -1;
    reports = calloc(g.gl_pathc, sizeof *reports);
    hb_summary *direct = hb_summary_new();
    for (size_t i = 0; i < g.gl_pathc; i++) {
        size_t len;
        char *buf = tu_read_file(g.gl_pathv[i], &len);
        hb_extract_options xo = {.path = g.gl_pathv[i]};
        hb_report *r = buf ? hb_extract(engine, buf, len, &xo, NULL) : NULL;
        free(buf);
        if (!r)
            return -1;
        reports[nreports++] = hb_report_json(r, 0);
        if (hb_summary_add_report(direct, r) != HB_OK)
            return -1;
        hb_report_free(r);
    }
    globfree(&g);
    from_reports = hb_summary_json(direct, HB_JSON_PRETTY);
    hb_summary_free(direct);
    return 0;
}

static int teardown(void **state)
{
    for (size_t i = 0; i < nreports; i++)
        hb_free(reports[i]);
    free(reports);
    hb_free(from_reports);
    return tu_teardown(state);
}

static void add(hb_summary *s, const char *json)
{
    hb_error err;
    hb_status st = hb_summary_add_json(s, json, strlen(json), &err);
    if (st != HB_OK)
        fail_msg("add: %s", err.message);
}

static const char ERROR_A[] = "{\"path\":\"bad/x.bin\",\"code\":\"binary\",\"message\":\"not a text file\"}";
static const char ERROR_B[] = "{\"path\":\"bad/empty.txt\",\"code\":\"empty\",\"message\":\"empty file\"}";

/* Every report, each error record, and report 0 again (a duplicate). */
static char *whole_summary(void)
{
    hb_summary *s = hb_summary_new();
    assert_non_null(s);
    for (size_t i = 0; i < nreports; i++)
        add(s, reports[i]);
    add(s, reports[0]);
    add(s, ERROR_A);
    add(s, ERROR_B);
    char *j = hb_summary_json(s, HB_JSON_PRETTY);
    hb_summary_free(s);
    assert_non_null(j);
    return j;
}

/* hb_summary_add_report reads only the fields a summary needs, and gives
 * what the whole JSON of each report gives. */
static void test_add_report_equals_add_json(void **state)
{
    (void)state;
    hb_summary *s = hb_summary_new();
    assert_non_null(s);
    for (size_t i = 0; i < nreports; i++)
        add(s, reports[i]);
    char *j = hb_summary_json(s, HB_JSON_PRETTY);
    hb_summary_free(s);
    assert_non_null(from_reports);
    assert_string_equal(from_reports, j);
    hb_free(j);
}

/* The summary of one report added from its fields against the summary of
 * its JSON. */
static void assert_add_report_as_json(const char *text, const hb_extract_options *xo)
{
    hb_report *r = hb_extract(engine, text, strlen(text), xo, NULL);
    assert_non_null(r);
    hb_summary *direct = hb_summary_new(), *parsed = hb_summary_new();
    char *json = hb_report_json(r, 0);
    assert_int_equal(hb_summary_add_report(direct, r), HB_OK);
    add(parsed, json);
    char *a = hb_summary_json(direct, HB_JSON_PRETTY), *b = hb_summary_json(parsed, HB_JSON_PRETTY);
    assert_string_equal(a, b);
    hb_free(a);
    hb_free(b);
    hb_free(json);
    hb_summary_free(direct);
    hb_summary_free(parsed);
    hb_report_free(r);
}

/* hb_summary_add_report reads the report's fields, not its JSON: where the
 * JSON has null or leaves a field out, it counts what the JSON gives. */
static void test_add_report_edges(void **state)
{
    (void)state;
    static const char *const TEXTS[] = {
        /* no organisation, title or profile beyond the default */
        "今年以来开展活动三次。\n",
        /* a document cited twice (one report), one nested in another, a
         * quotation that is no slogan, masked and approximate figures */
        "某某县教育局2023年工作总结\n一、主要成绩\n认真学习《关于进一步加强〈学校安全工作条例〉落实的通知》，"
        "再次学习《关于进一步加强〈学校安全工作条例〉落实的通知》。坚持“以人为本”，所谓“躺平”不可取。"
        "培训教师××人，新建学校约3所，投入资金1.25亿元，完成全年任务的103.5%。\n"
        "二、存在问题\n一是投入不足。\n三、下一步计划\n力争新增学位500个以上。\n",
    };
    for (size_t i = 0; i < sizeof TEXTS / sizeof *TEXTS; i++) {
        assert_add_report_as_json(TEXTS[i], &(hb_extract_options){.path = "edge.txt"});
        assert_add_report_as_json(TEXTS[i], &(hb_extract_options){.path = NULL, .top_terms = -1});
        /* a report stopped after its tokens: no lists, no required, no metrics */
        assert_add_report_as_json(TEXTS[i], &(hb_extract_options){.path = "t.txt", .until = HB_UNTIL_TOKENS});
    }
}

static void test_random_splits_equal_whole(void **state)
{
    (void)state;
    char *want = whole_summary();
    size_t n = nreports + 3;
    const char **items = calloc(n, sizeof *items);
    for (size_t i = 0; i < nreports; i++)
        items[i] = reports[i];
    items[nreports] = reports[0];
    items[nreports + 1] = ERROR_A;
    items[nreports + 2] = ERROR_B;
    srand(13);
    for (int round = 0; round < 20; round++) {
        for (size_t i = n - 1; i > 0; i--) { /* shuffle */
            size_t k = (size_t)rand() % (i + 1);
            const char *t = items[i];
            items[i] = items[k];
            items[k] = t;
        }
        size_t parts = 1 + (size_t)rand() % 6;
        hb_summary **p = calloc(parts, sizeof *p);
        for (size_t k = 0; k < parts; k++)
            p[k] = hb_summary_new();
        for (size_t i = 0; i < n; i++)
            add(p[(size_t)rand() % parts], items[i]);
        /* fold the parts in a random order, half of them through their JSON */
        hb_summary *all = hb_summary_new();
        for (size_t k = parts; k-- > 0;) {
            if (rand() % 2) {
                char *j = hb_summary_json(p[k], 0);
                add(all, j);
                hb_free(j);
            } else {
                assert_int_equal(hb_summary_merge(all, p[k]), HB_OK);
            }
            hb_summary_free(p[k]);
        }
        char *got = hb_summary_json(all, HB_JSON_PRETTY);
        assert_string_equal(got, want);
        hb_free(got);
        hb_summary_free(all);
        free(p);
    }
    free(items);
    hb_free(want);
}

static void test_counts_duplicates_and_errors(void **state)
{
    (void)state;
    char *text = whole_summary();
    json_t *j = json_loads(text, 0, NULL);
    hb_free(text);
    assert_non_null(j);
    json_t *rep = json_object_get(j, "reports");
    assert_int_equal(json_integer_value(json_object_get(rep, "total")), nreports + 3);
    assert_int_equal(json_integer_value(json_object_get(rep, "unreadable")), 2);
    assert_int_equal(json_integer_value(json_object_get(rep, "passed")) +
                         json_integer_value(json_object_get(rep, "failed")),
                     nreports + 1);
    json_t *dups = json_object_get(j, "duplicates");
    assert_int_equal(json_array_size(dups), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(dups, 0), "paths")), 2);
    assert_int_equal(json_array_size(json_object_get(j, "files")), nreports);
    /* unreadable sorted by path */
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "unreadable"), 0), "path")),
                        "bad/empty.txt");
    /* metric rows: achieved figures and targets apart, units never added together */
    size_t i;
    json_t *m;
    int seen_target = 0, seen_achieved = 0;
    json_array_foreach(json_object_get(j, "metrics"), i, m) {
        seen_target |= json_is_true(json_object_get(m, "target"));
        seen_achieved |= json_is_false(json_object_get(m, "target"));
        assert_true(json_integer_value(json_object_get(m, "known")) <= json_integer_value(json_object_get(m, "count")));
    }
    assert_true(seen_target && seen_achieved);
    json_decref(j);
}

/* Ten times 0.1 is exactly 1: sums are decimal, not binary. */
static void test_exact_sums(void **state)
{
    (void)state;
    hb_summary *s = hb_summary_new();
    static const char R[] =
        "{\"schema_version\":\"1\",\"source\":{\"path\":\"a\",\"sha256\":\"00\"},\"doc_type\":\"report\","
        "\"organization\":null,\"metrics\":[{\"value\":0.1,\"unit\":\"万元\",\"category\":\"money\","
        "\"masked\":false,\"approx\":false,\"target\":false}]}";
    for (int i = 0; i < 10; i++)
        add(s, R);
    char *j = hb_summary_json(s, 0);
    assert_non_null(strstr(j, "\"sum\":1,"));
    assert_non_null(strstr(j, "\"organization\":\"\""));
    hb_free(j);
    add(s, R); /* 1.1, not 1.1000000000000001 */
    j = hb_summary_json(s, 0);
    assert_non_null(strstr(j, "\"sum\":1.1,"));
    hb_free(j);
    hb_error err;
    assert_int_equal(hb_summary_add_json(s, "[1]", 3, &err), HB_ERR_ARG);
    assert_int_equal(hb_summary_add_json(s, "{\"x\":1}", 7, &err), HB_ERR_ARG);
    assert_int_equal(hb_summary_add_json(s, "{", 1, &err), HB_ERR_ARG);
    assert_int_equal(hb_summary_merge(s, s), HB_ERR_ARG);
    hb_summary_free(s);
}

static void test_shortest_reals(void **state)
{
    (void)state;
    static const struct {
        double x;
        const char *want;
    } cases[] = {{6.8, "6.8"}, {0.1 + 0.2, "0.30000000000000004"}, {5.0, "5.0"}, {-0.5, "-0.5"},
                 {1e21, "1e+21"}, {123456.789, "123456.789"}, {1.0 / 3, "0.3333333333333333"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[40];
        size_t n = hb_json_shortest(cases[i].x, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
        assert_int_equal(n, strlen(buf));
        assert_true(strtod(buf, NULL) == cases[i].x);
    }
    char text[] = "{\"a\":6.7999999999999998,\"s\":\"1.2999999999999998 \\\"3.0000000000000004\",\"b\":[-1.1000000000000001,7]}";
    hb_json_shorten_reals(text);
    assert_string_equal(text, "{\"a\":6.8,\"s\":\"1.2999999999999998 \\\"3.0000000000000004\",\"b\":[-1.1,7]}");
    json_t *v = json_pack("[f,f]", 1e-05, 2.5e300); /* what jansson prints, shortened */
    char *dumped = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    hb_json_shorten_reals(dumped);
    assert_string_equal(dumped, "[1e-05,2.5e+300]");
    free(dumped);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_splits_equal_whole),
        cmocka_unit_test(test_add_report_equals_add_json),
        cmocka_unit_test(test_add_report_edges),
        cmocka_unit_test(test_counts_duplicates_and_errors),
        cmocka_unit_test(test_exact_sums),
        cmocka_unit_test(test_shortest_reals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
