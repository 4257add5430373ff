/* Documents: outermost titles, counts, nesting, kinds, runaway titles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "doc.h"
#include "documents.h"
#include "testutil.h"

static json_t *documents_of(const char *text, int *warnings)
{
    json_t *root = tu_extract_json(engine, text);
    assert_non_null(root);
    json_t *a = json_incref(json_object_get(root, "documents"));
    if (warnings)
        *warnings = (int)json_array_size(json_object_get(root, "warnings"));
    json_decref(root);
    return a;
}

static void expect(json_t *a, size_t i, const char *title, int count, const char *kind)
{
    json_t *d = json_array_get(a, i);
    assert_non_null(d);
    assert_string_equal(json_string_value(json_object_get(d, "title")), title);
    assert_int_equal(json_integer_value(json_object_get(d, "count")), count);
    assert_string_equal(json_string_value(json_object_get(d, "kind")), kind);
}

static void test_counts_and_order(void **s)
{
    (void)s;
    json_t *a = documents_of("学习《习近平谈治国理政》第四卷和《中国共产党章程》。\n"
                             "重温《中国共产党章程》，观看警示教育片《固本清源》。\n", NULL);
    assert_int_equal(json_array_size(a), 3);
    expect(a, 0, "习近平谈治国理政", 1, "book");
    expect(a, 1, "中国共产党章程", 2, "charter");
    expect(a, 2, "固本清源", 1, "film");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 1), "first_line")), 1);
    json_decref(a);
}

static void test_nested_titles_are_cited(void **s)
{
    (void)s;
    json_t *a = documents_of("制定《**落实《关于推动党史学习教育常态化长效化的实施意见》方案》和"
                             "《区委学习贯彻<条例>对标落实<标准>活动方案》。\n", NULL);
    assert_int_equal(json_array_size(a), 2);
    expect(a, 0, "**落实《关于推动党史学习教育常态化长效化的实施意见》方案", 1, "plan");
    json_t *c = json_object_get(json_array_get(a, 0), "cites");
    assert_int_equal(json_array_size(c), 1);
    assert_string_equal(json_string_value(json_array_get(c, 0)), "关于推动党史学习教育常态化长效化的实施意见");
    expect(a, 1, "区委学习贯彻<条例>对标落实<标准>活动方案", 1, "plan");
    assert_int_equal(json_array_size(json_object_get(json_array_get(a, 1), "cites")), 2);
    json_decref(a);
}

static void test_kinds_by_ending(void **s)
{
    (void)s;
    json_t *a = documents_of("《中国共产党国有企业基层组织工作条例（试行）》《中共中央政治局贯彻落实中央八项规定实施细则》"
                             "《政务诚信承诺书》《禁止燃放烟花爆竹倡议书》《**党务工作手册》《2023年工作要点》"
                             "《关于报送党建工作情况的通知》《中华人民共和国监察法》《党委（党组）落实全面从严治党主体责任规定》\n",
                             NULL);
    const char *kinds[] = {"regulation", "rules", "pledge", "proposal", "handbook", "key-points", "notice", "law", "provisions"};
    assert_int_equal(json_array_size(a), 9);
    for (size_t i = 0; i < 9; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(a, i), "kind")), kinds[i]);
    json_decref(a);
}

static void test_quotes_inside_titles_kept(void **s)
{
    (void)s;
    json_t *a = documents_of("签订《**履行“一岗双责”承诺书》。\n", NULL);
    expect(a, 0, "**履行“一岗双责”承诺书", 1, "pledge");
    json_decref(a);
}

static void test_unbalanced_and_runaway_titles(void **s)
{
    (void)s;
    int warnings = 0;
    json_t *a = documents_of("学习《没有闭合的书名号，后面还有很多文字。\n下一段《党章》。\n", &warnings);
    assert_int_equal(json_array_size(a), 1);
    expect(a, 0, "党章", 1, "book");
    assert_true(warnings >= 1);
    json_decref(a);
    char text[1024] = "《";
    for (int i = 0; i < HB_TITLE_MAX_CHARS + 1; i++)
        strcat(text, "字");
    strcat(text, "》\n");
    a = documents_of(text, &warnings);
    assert_int_equal(json_array_size(a), 0);
    assert_true(warnings >= 1);
    json_decref(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_order),
        cmocka_unit_test(test_nested_titles_are_cited),
        cmocka_unit_test(test_kinds_by_ending),
        cmocka_unit_test(test_quotes_inside_titles_kept),
        cmocka_unit_test(test_unbalanced_and_runaway_titles),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
