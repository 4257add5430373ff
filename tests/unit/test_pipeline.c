/* The stage table (src/pipeline.c): the report's fields come out in the
 * contract's order (the golden test compares JSON semantically, so only
 * this catches a reordered table), stages that read others' results run
 * after them, and a run stopped after any stage frees cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "engine.h"
#include "extract.h"
#include "testutil.h"

static const char REPORT[] = "关于2023年党建工作情况的汇报\n\n"
                             "一、主要成效\n"
                             "全年发展党员12名，开展“三会一课”48次，学习《中国共产党章程》。\n"
                             "二、存在问题\n"
                             "一是学习不够深入。\n"
                             "三、下一步计划\n"
                             "继续加强理论学习。\n";

static size_t stage_index(const char *name)
{
    for (size_t i = 0; i < hb_nstages; i++)
        if (!strcmp(hb_stages[i].name, name))
            return i;
    fail_msg("no stage %s", name);
    return 0;
}

static void test_field_order(void **s)
{
    (void)s;
    static const char *const want[] = {"schema_version", "source", "title", "addressee", "signature",
                                       "doc_type", "organization", "period", "years", "stats", "sections", "documents",
                                       "slogans", "quotations", "metrics", "achievements", "problems", "causes",
                                       "plans", "required", "terms", "warnings"};
    hb_report *r = tu_extract(engine, REPORT);
    assert_non_null(r);
    char *text = hb_report_json(r, 0);
    assert_non_null(text);
    json_t *root = json_loads(text, JSON_PRESERVE_ORDER, NULL);
    assert_non_null(root);
    size_t i = 0;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (i >= sizeof want / sizeof *want || strcmp(key, want[i]))
            fail_msg("field %zu is \"%s\", want \"%s\"", i, key, i < sizeof want / sizeof *want ? want[i] : "none");
        i++;
    }
    assert_int_equal(i, sizeof want / sizeof *want);
    json_decref(root);
    hb_free(text);
    hb_report_free(r);
}

static void test_stage_order(void **s)
{
    (void)s;
    for (size_t i = 0; i < hb_nstages; i++) {
        assert_non_null(hb_stages[i].run);
        assert_true((hb_stages[i].load == NULL) == (hb_stages[i].unload == NULL));
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(hb_stages[i].name, hb_stages[k].name);
    }
    assert_int_equal(stage_index("decode"), 0);
    assert_true(stage_index("fold") < stage_index("lines"));
    assert_true(stage_index("sections") < stage_index("quotes"));
    assert_true(stage_index("quotes") < stage_index("documents"));
    assert_true(stage_index("slogans") < stage_index("metrics"));
    assert_true(stage_index("lists") < stage_index("required"));
}

/* What the fuzz targets do: run the table up to one stage, then free. */
static void test_partial_runs(void **s)
{
    (void)s;
    for (size_t upto = 0; upto < hb_nstages; upto++) {
        hb_error err;
        memset(&err, 0, sizeof err);
        hb_doc *d = hb_doc_start(engine, REPORT, strlen(REPORT), NULL, &err);
        assert_non_null(d);
        for (size_t k = 0; k <= upto; k++)
            assert_int_equal(hb_stages[k].run(d), HB_OK);
        hb_report_free(d);
    }
}

/* stats.chars counts the characters that are not white space sixteen bytes
 * at a time: against a count byte by byte, for texts whose spaces, line
 * ends and U+3000 fall on every side of the blocks' edges. */
static void test_stats_chars(void **s)
{
    (void)s;
    static const char *const pieces[] = {"中", "a", " ", "\t", "\r\n", "\n", "\xE3\x80\x80", "。", "1"};
    unsigned seed = 7;
    for (int round = 0; round < 200; round++) {
        char text[512] = "标题\n";
        size_t n = strlen(text);
        for (int k = round % 60; k > 0; k--) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)];
            memcpy(text + n, p, strlen(p) + 1);
            n += strlen(p);
        }
        hb_report *r = tu_extract(engine, text);
        assert_non_null(r);
        long long want = 0;
        for (size_t i = 0; i < r->len; i++) {
            unsigned char c = (unsigned char)r->text[i];
            if ((c & 0xC0) == 0x80 || c == ' ' || c == '\t' || c == '\n' || c == '\r')
                continue;
            if (c == 0xE3 && i + 3 <= r->len && memcmp(r->text + i, "\xE3\x80\x80", 3) == 0)
                continue;
            want++;
        }
        char *json = hb_report_json(r, 0);
        assert_non_null(json);
        json_t *root = json_loads(json, 0, NULL);
        assert_non_null(root);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "stats"), "chars")), want);
        json_decref(root);
        hb_free(json);
        hb_report_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_order),
        cmocka_unit_test(test_stage_order),
        cmocka_unit_test(test_partial_runs),
        cmocka_unit_test(test_stats_chars),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
