/* Pairing quotation and title marks: nesting, families, unbalanced marks,
 * paragraph ends, depth cap and pathological inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doc.h"
#include "quotes.h"
#include "testutil.h"

static int has_warning(const hb_report *r, const char *code)
{
    for (size_t i = 0; i < r->warnings.n; i++)
        if (!strcmp(r->warnings.v[i].code, code))
            return 1;
    return 0;
}

/* The content of span i as a NUL-terminated string (static buffer). */
static const char *content(hb_report *r, const hb_quote_list *q, size_t i)
{
    static char buf[256];
    size_t n = q->v[i].vend - q->v[i].vstart;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, r->view + q->v[i].vstart, n);
    buf[n] = '\0';
    return buf;
}

static hb_report *scan(const char *text, hb_quote_list *q)
{
    hb_report *r = tu_extract(engine, text);
    assert_non_null(r);
    assert_true(hb_quotes(r, q));
    return r;
}

static void test_nesting_and_order(void **s)
{
    (void)s;
    hb_quote_list q;
    hb_report *r = scan("开展“深化‘两个确立’学习研讨月”活动。\n", &q);
    assert_int_equal(q.n, 2);
    assert_string_equal(content(r, &q, 0), "深化‘两个确立’学习研讨月");
    assert_int_equal(q.v[0].depth, 0);
    assert_int_equal(q.v[0].parent, -1);
    assert_string_equal(content(r, &q, 1), "两个确立");
    assert_int_equal(q.v[1].parent, 0);
    assert_int_equal(q.v[1].depth, 1);
    assert_false(has_warning(r, "unbalanced-mark"));
    hb_report_free(r);
}

static void test_consecutive_and_families(void **s)
{
    (void)s;
    hb_quote_list q;
    hb_report *r = scan("通过“支部书记讲党课”“微党课大家讲”「文旅先锋」『书香机关』\"送戏下乡\"和\"非遗进社区\"。\n", &q);
    assert_int_equal(q.n, 6);
    const char *want[] = {"支部书记讲党课", "微党课大家讲", "文旅先锋", "书香机关", "送戏下乡", "非遗进社区"};
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(content(r, &q, i), want[i]);
        assert_int_equal(q.v[i].kind, HB_Q_QUOTE);
        assert_int_equal(q.v[i].depth, 0);
    }
    hb_report_free(r);
}

static void test_missing_close_does_not_swallow(void **s)
{
    (void)s;
    hb_quote_list q;
    /* the first “ never closes: the later pair is still found, the open
     * mark is dropped at the paragraph end with a warning */
    hb_report *r = scan("开展“文明旅游进景区志愿服务活动，坚持“三会一课”制度。\n下一段“两个维护”。\n", &q);
    assert_int_equal(q.n, 2);
    assert_string_equal(content(r, &q, 0), "三会一课");
    assert_int_equal(q.v[0].depth, 0);
    assert_string_equal(content(r, &q, 1), "两个维护");
    assert_true(has_warning(r, "unbalanced-mark"));
    hb_report_free(r);
}

static void test_marks_never_cross_paragraphs(void **s)
{
    (void)s;
    hb_quote_list q;
    hb_report *r = scan("第一段“开了引号。\n\n第二段才关”。\n", &q);
    assert_int_equal(q.n, 0);
    assert_true(has_warning(r, "unbalanced-mark"));
    hb_report_free(r);
}

/* A web copy that broke a title or a quotation over two lines: the pair
 * spans the break, the content reads joined, the spans stay in the text. */
static void test_marks_cross_one_line_break(void **s)
{
    (void)s;
    hb_quote_list q;
    const char *text = "一、主要工作\n全年组织学习《中国共产党\n纪律处分条例》，开展“清风\n廉洁”主题活动3次。\n";
    hb_report *r = scan(text, &q);
    assert_int_equal(q.n, 2);
    assert_int_equal(q.v[0].kind, HB_Q_TITLE);
    assert_false(has_warning(r, "unbalanced-mark"));
    json_t *docs = tu_field(engine, text, "documents");
    assert_string_equal(json_string_value(json_object_get(json_array_get(docs, 0), "title")), "中国共产党纪律处分条例");
    json_decref(docs);
    json_t *sl = tu_field(engine, text, "slogans");
    assert_string_equal(json_string_value(json_object_get(json_array_get(sl, 0), "term")), "清风廉洁");
    json_decref(sl);
    /* the spans point into the original text, line break included */
    const char *open = strstr(text, "《");
    assert_int_equal(hb_doc_vstart(r, q.v[0].ostart), (size_t)(open - text));
    hb_report_free(r);
    /* a mark far from the line end, or a paragraph ending a sentence, carries nothing */
    r = scan("开展“文明旅游进景区志愿服务活动，全年共组织志愿者服务游客一万余人次并发放宣传资料三千余份\n次日”。\n", &q);
    assert_int_equal(q.n, 0);
    hb_report_free(r);
}

static void test_stray_and_mismatched_marks(void **s)
{
    (void)s;
    hb_quote_list q;
    hb_report *r = scan("多余的右引号”和「不配对”以及》。Party’s view.\n", &q);
    assert_int_equal(q.n, 0);
    assert_true(has_warning(r, "unbalanced-mark"));
    hb_report_free(r);
    /* an apostrophe alone is no warning */
    r = scan("Party’s view and “两个维护”.\n", &q);
    assert_int_equal(q.n, 1);
    assert_false(has_warning(r, "unbalanced-mark"));
    hb_report_free(r);
}

static void test_titles_and_inner_titles(void **s)
{
    (void)s;
    hb_quote_list q;
    hb_report *r = scan("学习《关于落实〈条例〉和<标准>的《实施意见》方案》，a<b>c 不是书名。\n", &q);
    assert_int_equal(q.n, 4);
    assert_int_equal(q.v[0].kind, HB_Q_TITLE);
    assert_string_equal(content(r, &q, 0), "关于落实〈条例〉和<标准>的《实施意见》方案");
    assert_int_equal(q.v[1].kind, HB_Q_INNER_TITLE);
    assert_string_equal(content(r, &q, 1), "条例");
    assert_int_equal(q.v[2].kind, HB_Q_INNER_TITLE);
    assert_string_equal(content(r, &q, 2), "标准");
    assert_int_equal(q.v[3].kind, HB_Q_TITLE);
    assert_true(hb_quote_inside(&q, 3, HB_Q_TITLE));
    assert_false(hb_quote_inside(&q, 0, HB_Q_TITLE));
    hb_report_free(r);
}

static void test_empty_pairs_left_out(void **s)
{
    (void)s;
    hb_quote_list q;
    hb_report *r = scan("空的“”和《》不算。\n", &q);
    assert_int_equal(q.n, 0);
    hb_report_free(r);
    /* nor pairs around white space alone, a line end included (a fuzzer's
     * 《\n》 was a document titled "") */
    r = scan("也不算“ ”、《　》和《\n》，《党章《 》》里的《 》也不算。\n", &q);
    assert_int_equal(q.n, 1);
    assert_string_equal(content(r, &q, 0), "党章《 》");
    hb_report_free(r);
}

static void test_depth_cap_keeps_recent_pairs(void **s)
{
    (void)s;
    char text[2048] = "";
    for (int i = 0; i < 20; i++)
        strcat(text, "“");
    strcat(text, "深");
    for (int i = 0; i < 20; i++)
        strcat(text, "”");
    /* then unclosed marks interleaved with real pairs */
    for (int i = 0; i < 12; i++)
        strcat(text, "“不闭合，“两个维护”");
    strcat(text, "\n");
    hb_quote_list q;
    hb_report *r = scan(text, &q);
    assert_int_equal(q.n, HB_QUOTE_MAX_DEPTH + 12);
    for (size_t i = 0; i < HB_QUOTE_MAX_DEPTH; i++)
        assert_int_equal(q.v[i].depth, i);
    for (size_t i = HB_QUOTE_MAX_DEPTH; i < q.n; i++)
        assert_string_equal(content(r, &q, i), "两个维护");
    assert_true(has_warning(r, "unbalanced-mark"));
    hb_report_free(r);
}

/* A million open marks in one paragraph and a million pairs: linear, and
 * the warnings stay bounded. */
/* Every mark is found at each place of the eight bytes the scan steps by,
 * after ASCII or Han text. */
static void test_marks_at_every_place(void **s)
{
    (void)s;
    static const char *const fill[] = {"abcdefghijklmnop", "一二三四五六七八"};
    for (size_t f = 0; f < 2; f++)
        for (int lead = 0; lead < 16; lead += f ? 3 : 1) {
            char text[256];
            snprintf(text, sizeof text, "%.*s“甲”与《乙<丁>》及\"丙\"、‘戊’「己」『庚』。\n", lead, fill[f]);
            hb_quote_list q;
            hb_report *r = scan(text, &q);
            static const char *const want[] = {"甲", "乙<丁>", "丁", "丙", "戊", "己", "庚"};
            assert_int_equal(q.n, 7);
            for (size_t i = 0; i < 7; i++)
                assert_string_equal(content(r, &q, i), want[i]);
            assert_false(has_warning(r, "unbalanced-mark"));
            hb_report_free(r);
        }
}

/* Among punctuation that shares the marks' first two bytes (。、〔【 E3 80,
 * — … ‚ „ E2 80), every mark is found at each place of the 32 bytes the
 * vector scan steps by, and the others pair with nothing. */
static void test_marks_among_punctuation(void **s)
{
    (void)s;
    for (int lead = 0; lead < 40; lead++) {
        char text[512];
        snprintf(text, sizeof text,
                 "%.*s—…、。【一】‚“甲”〔二〕„、。《乙》—…、。一二三四五六七八九十、。—…一二三四五六七八九十‘丙’。\n",
                 lead, "abcdefghijklmnopqrstuvwxyzabcdefghijklmn");
        hb_quote_list q;
        hb_report *r = scan(text, &q);
        static const char *const want[] = {"甲", "乙", "丙"};
        assert_int_equal(q.n, 3);
        for (size_t i = 0; i < 3; i++)
            assert_string_equal(content(r, &q, i), want[i]);
        assert_false(has_warning(r, "unbalanced-mark"));
        hb_report_free(r);
    }
}

static void test_pathological(void **s)
{
    (void)s;
    size_t n = 1000000;
    char *text = malloc(n * 3 + 2);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        memcpy(text + 3 * i, "“", 3);
    strcpy(text + 3 * n, "\n");
    hb_quote_list q;
    hb_report *r = scan(text, &q);
    assert_int_equal(q.n, 0);
    assert_true(r->warnings.n < 10);
    hb_report_free(r);
    /* “a”"b" (two pairs) and 《a》<b>x (one title; <> outside a title is
     * no mark), 10 bytes each, alternating */
    size_t k = n * 3 / 10;
    for (size_t i = 0; i < k; i++)
        memcpy(text + 10 * i, i % 2 ? "“a”\"b\"" : "《a》<b>x", 10);
    strcpy(text + 10 * k, "\n");
    r = scan(text, &q);
    assert_int_equal(q.n, k + k / 2);
    hb_report_free(r);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nesting_and_order),
        cmocka_unit_test(test_consecutive_and_families),
        cmocka_unit_test(test_missing_close_does_not_swallow),
        cmocka_unit_test(test_marks_never_cross_paragraphs),
        cmocka_unit_test(test_marks_cross_one_line_break),
        cmocka_unit_test(test_stray_and_mismatched_marks),
        cmocka_unit_test(test_titles_and_inner_titles),
        cmocka_unit_test(test_empty_pairs_left_out),
        cmocka_unit_test(test_depth_cap_keeps_recent_pairs),
        cmocka_unit_test(test_marks_at_every_place),
        cmocka_unit_test(test_marks_among_punctuation),
        cmocka_unit_test(test_pathological),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
