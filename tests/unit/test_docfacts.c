/* Document facts: title, addressee, signature (organisation, date, the
 * signer's name) and the document type, on small reports built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "testutil.h"

static json_t *facts(const char *text)
{
    json_t *j = tu_extract_json(engine, text);
    assert_non_null(j);
    return j;
}

static const char *field(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The signature's organisation, date and name, "-" for null: "org|date|name". */
static void expect_signature(const char *ending, const char *want)
{
    char text[1024];
    snprintf(text, sizeof text, "关于2024年工作情况的报告\n县委组织部：\n一、主要工作\n全年开展学习12次。\n%s", ending);
    json_t *j = facts(text);
    json_t *sig = json_object_get(j, "signature");
    char got[512] = "none";
    if (json_is_object(sig)) {
        const char *o = field(sig, "organization"), *d = field(sig, "date"), *n = field(sig, "name");
        snprintf(got, sizeof got, "%s|%s|%s", o ? o : "-", d ? d : "-", n ? n : "-");
    }
    if (strcmp(got, want))
        fail_msg("%s: got %s, want %s", ending, got, want);
    json_decref(j);
}

static void test_signature(void **s)
{
    (void)s;
    expect_signature("中共××县交通运输局委员会\n2023年12月20日\n", "中共××县交通运输局委员会|2023-12-20|-");
    expect_signature("××街道办事处\n二〇二三年十二月二十日\n", "××街道办事处|2023-12-20|-");
    /* dates written with dots, dashes or slashes; a month alone is a date
     * line without an ISO date, never the organisation */
    expect_signature("县财政局\n2025.2.18\n", "县财政局|2025-02-18|-");
    expect_signature("县财政局\n2025-02-18\n", "县财政局|2025-02-18|-");
    expect_signature("中共××市委组织部\n2025年2月\n", "中共××市委组织部|-|-");
    /* a person signs: a bare name, a labelled name, a title and a name */
    expect_signature("周立新\n2025年1月16日\n", "-|2025-01-16|周立新");
    expect_signature("述职人：王××\n2025年1月10日\n", "-|2025-01-10|王××");
    expect_signature("述职人：××区实验小学党支部书记　王××\n2025年1月10日\n", "-|2025-01-10|王××");
    expect_signature("青山街道党工委书记　陈××\n2024年1月10日\n", "-|2024-01-10|陈××");
    /* short organisations are no names */
    expect_signature("县财政局\n2024年1月10日\n", "县财政局|2024-01-10|-");
    expect_signature("2024年1月10日\n", "-|2024-01-10|-");
    expect_signature("以上报告，请审阅。\n", "none");
}

static void test_title_addressee_type(void **s)
{
    (void)s;
    json_t *j = facts("关于2024年工作情况的报告\n县委组织部、县委农办：\n一、主要工作\n全年开展学习12次。\n");
    assert_string_equal(field(j, "title"), "关于2024年工作情况的报告");
    assert_string_equal(field(j, "addressee"), "县委组织部、县委农办");
    assert_string_equal(field(j, "doc_type"), "report");
    json_decref(j);
    /* web-page clutter before the title is no part of it */
    j = facts("首页 > 工作动态 > 正文\n发布时间：2025-01-06　来源：区直机关工委\n"
              "区直机关工委2025年工作要点\n一、加强政治建设\n全年开展学习12次。\n分享到：\n");
    assert_string_equal(field(j, "title"), "区直机关工委2025年工作要点");
    assert_string_equal(field(j, "doc_type"), "plan");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signature),
        cmocka_unit_test(test_title_addressee_type),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
