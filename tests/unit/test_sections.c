/* Every heading variant, nesting by what appears, items, numbering warnings,
 * and numbers that are not headings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "doc.h"
#include "engine.h"
#include "chars.h"
#include "markers.h"
#include "testutil.h"

static void expect_marker(const char *s, int level, int rank, int number, size_t len)
{
    hb_marker m;
    if (!hb_heading_marker(&engine->counts_on, s, strlen(s), &m))
        fail_msg("no heading marker in '%s'", s);
    assert_int_equal(m.level, level);
    assert_int_equal(m.rank, rank);
    assert_int_equal(m.number, number);
    assert_int_equal(m.len, len);
}

static void expect_no_marker(const char *s)
{
    hb_marker m;
    if (hb_heading_marker(&engine->counts_on, s, strlen(s), &m))
        fail_msg("'%s' taken for a heading", s);
}

/* Markers are matched on the folded view: （一）→(一), １．→1. */
static void test_heading_variants(void **s)
{
    (void)s;
    expect_marker("一、总体情况", 1, 1, 1, 6);
    expect_marker("十二、其他", 1, 1, 12, 9);
    expect_marker("一、二〇二三年工作回顾", 1, 1, 1, 6); /* a year, not an enumeration */
    expect_marker("三、四个坚持", 1, 1, 3, 6);
    expect_marker("第三部分 下一步打算", 1, 0, 3, 13);
    expect_marker("第二章 工作", 1, 0, 2, 10);
    expect_marker("(一)强化责任", 2, 2, 1, 5);
    expect_marker("(二十一)强化责任", 2, 2, 21, 11);
    expect_marker("1.提高站位", 3, 3, 1, 2);
    expect_marker("12、加强学习", 3, 3, 12, 5);
    expect_marker("(3)细化措施", 4, 4, 3, 3);
    expect_marker("①加强学习", 4, 5, 1, 3);
    expect_marker("2)健全制度", 4, 4, 2, 2);
}

static void test_numbers_that_are_not_headings(void **s)
{
    (void)s;
    expect_no_marker("1.5万元用于购置设备");
    expect_no_marker("2023.12月完成");
    expect_no_marker("2023年以来");
    expect_no_marker("一是加强学习");
    expect_no_marker("一、");
    expect_no_marker("第一议题制度");
    expect_no_marker("(一");
    /* numerals enumerated, not a section */
    expect_no_marker("一、二季度，全市完成投资12亿元");
    expect_no_marker("三、四月份集中开展");
    expect_no_marker("一、二、三类问题");
}

static void test_item_markers(void **s)
{
    (void)s;
    int fam, num;
    size_t ml;
    assert_true(hb_item_marker("三是抓落实", 15, &fam, &num, &ml));
    assert_int_equal(num, 3);
    assert_int_equal(ml, 6);
    assert_true(hb_item_marker("第二,强化", 13, &fam, &num, &ml));
    assert_int_equal(fam, HB_IF_DI);
    assert_int_equal(num, 2);
    assert_true(hb_item_marker("另一方面,领导", 19, &fam, &num, &ml));
    assert_int_equal(num, 2);
    assert_false(hb_item_marker("第一议题", 12, &fam, &num, &ml));
    assert_false(hb_item_marker("统一思想", 12, &fam, &num, &ml));
    assert_true(hb_item_marker("②强化", 9, &fam, &num, &ml));
    assert_int_equal(fam, HB_IF_CIRCLED);
    assert_int_equal(num, 2);
}

static size_t put_utf8(char *out, int cp)
{
    if (cp < 0x80)
        return out[0] = (char)cp, 1;
    if (cp < 0x800)
        return out[0] = (char)(0xC0 | cp >> 6), out[1] = (char)(0x80 | (cp & 63)), 2;
    if (cp < 0x10000)
        return out[0] = (char)(0xE0 | cp >> 12), out[1] = (char)(0x80 | (cp >> 6 & 63)),
               out[2] = (char)(0x80 | (cp & 63)), 3;
    return out[0] = (char)(0xF0 | cp >> 18), out[1] = (char)(0x80 | (cp >> 12 & 63)),
           out[2] = (char)(0x80 | (cp >> 6 & 63)), out[3] = (char)(0x80 | (cp & 63)), 4;
}

/* The markers turn most characters away by the first (heading_may_start,
 * markers.c): a character opens a marker before one of the endings below
 * exactly when it is one of those markers are written with. */
static void test_marker_first_characters(void **s)
{
    (void)s;
    static const char *const heads[] = {"、标题", ".标题", ")标题", "一部分 标题", "一)标题", "\xEF\xB8\x8F\xE2\x83\xA3标题",
                                        " 标题", "十、标题", "2)标题"};
    static const char *const items[] = {"是标题", "一是标题", "一,标题", "一方面,标题", "方面,标题", ",标题"};
    for (int cp = 1; cp < 0x20000; cp++) {
        if (cp >= 0xD800 && cp < 0xE000)
            continue;
        char text[64];
        size_t n = put_utf8(text, cp);
        unsigned cls;
        int v = hb_cn_numeral(cp, &cls), numeral = v >= 1 && v <= 10 && !(cls & HB_CN_ALT);
        int heading = numeral || (cp >= '0' && cp <= '9') || cp == '(' || cp == 0x7B2C /* 第 */ ||
                      hb_is_circled(cp) || cp == 0x1F51F;
        int item = numeral || cp == 0x7B2C || cp == 0x5176 /* 其 */ || cp == 0x53E6 /* 另 */ || hb_is_circled(cp);
        int got_heading = 0, got_item = 0;
        for (size_t k = 0; k < sizeof heads / sizeof *heads; k++) {
            size_t len = n + (size_t)snprintf(text + n, sizeof text - n, "%s", heads[k]);
            hb_marker m;
            got_heading |= hb_heading_marker(&engine->counts_on, text, len, &m);
        }
        for (size_t k = 0; k < sizeof items / sizeof *items; k++) {
            size_t len = n + (size_t)snprintf(text + n, sizeof text - n, "%s", items[k]), ml;
            int fam, num;
            got_item |= hb_item_marker(text, len, &fam, &num, &ml);
        }
        if (got_heading != heading || got_item != item)
            fail_msg("U+%04X: heading %d (expected %d), item %d (expected %d)", cp, got_heading, heading, got_item, item);
    }
}

/* 一．2024年… (a full-width dot, then digits) is a heading; ① inside a
 * paragraph is an item, ① opening one a heading. */
static void test_odd_marks(void **s)
{
    (void)s;
    hb_report *r = tu_extract(engine, "一．2024年主要工作\n重点抓好三项工作：①抓学习；②抓队伍；③抓服务。\n"
                                      "①加强学习。内容。\n");
    assert_non_null(r);
    assert_int_equal(r->sections.n, 2);
    assert_string_equal(r->sections.v[0].marker, "一．");
    assert_int_equal(r->sections.v[0].level, 1);
    assert_int_equal(r->sections.v[1].level, 4);
    assert_int_equal(r->items.n, 3);
    assert_int_equal(r->items.v[2].number, 3);
    assert_memory_equal(r->view + r->items.v[1].tstart, "抓队伍", r->items.v[1].tend - r->items.v[1].tstart);
    hb_report_free(r);
    /* ① needs no punctuation before it; 第一部分's separator is no part of its marker */
    r = tu_extract(engine, "第一部分　履职情况\n全院做到①立案即查控，②有财产即拍卖。\n");
    assert_non_null(r);
    assert_string_equal(r->sections.v[0].marker, "第一部分");
    assert_int_equal(r->items.n, 2);
    hb_report_free(r);
}

static hb_report *doc(const char *text)
{
    hb_report *r = tu_extract(engine, text);
    assert_non_null(r);
    return r;
}

static int warned(const hb_report *r, const char *code)
{
    for (size_t i = 0; i < r->warnings.n; i++)
        if (!strcmp(r->warnings.v[i].code, code))
            return (int)i + 1;
    return 0;
}

/* Heading and item titles keep HB_HEADING_MAX_CHARS characters: 200 are
 * kept whole (in 600 bytes), the 201st cut; a heading's cut is warned. */
static void test_title_cap(void **s)
{
    (void)s;
    for (int n = 199; n <= 201; n++) {
        char text[2048] = "工作总结\n（一）";
        for (int i = 0; i < n; i++)
            strcat(text, i % 2 ? "建" : "党");
        strcat(text, "\n全年学习，一是");
        for (int i = 0; i < n; i++)
            strcat(text, "学");
        strcat(text, "。\n");
        hb_report *r = doc(text);
        size_t kept = (size_t)(n < HB_HEADING_MAX_CHARS ? n : HB_HEADING_MAX_CHARS) * 3;
        assert_int_equal(r->sections.n, 1);
        assert_int_equal(r->sections.v[0].tend - r->sections.v[0].tstart, kept);
        assert_int_equal(warned(r, "long-title") != 0, n > HB_HEADING_MAX_CHARS);
        assert_int_equal(r->items.n, 1);
        assert_int_equal(r->items.v[0].tend - r->items.v[0].tstart, kept);
        hb_report_free(r);
    }
}

static void test_nesting_skipped_levels_and_ids(void **s)
{
    (void)s;
    hb_report *r = doc("一、工作情况\n1.抓学习。内容。\n2.抓落实。内容。\n（1）细化。内容。\n"
                       "二、存在问题\n（一）思想不够解放。具体表现。\n");
    assert_int_equal(r->sections.n, 6);
    assert_string_equal(r->sections.v[1].id, "1.1");
    assert_int_equal(r->sections.v[1].level, 3);
    assert_string_equal(r->sections.v[3].id, "1.2.1");
    assert_string_equal(r->sections.v[4].id, "2");
    assert_string_equal(r->sections.v[5].id, "2.1");
    assert_int_equal(r->sections.v[0].kind, HB_KIND_ACHIEVEMENTS);
    assert_int_equal(r->sections.v[2].kind, HB_KIND_ACHIEVEMENTS); /* inherited */
    assert_int_equal(r->sections.v[4].kind, HB_KIND_PROBLEMS);
    /* the section span ends where the next sibling starts */
    assert_int_equal(r->sections.v[0].vend, r->sections.v[4].vstart);
    hb_report_free(r);
}

/* The first cue in a title decides; a cue inside an `other` cue (问题导向,
 * 问题整改) does not count. */
static void test_kind_cues(void **s)
{
    (void)s;
    hb_report *r = doc("一、坚持问题导向，抓好整改落实\n二、存在的主要问题及原因\n三、问题整改计划\n"
                       "四、统筹安排部署\n");
    assert_int_equal(r->sections.n, 4);
    assert_int_equal(r->sections.v[0].kind, HB_KIND_OTHER);
    assert_int_equal(r->sections.v[1].kind, HB_KIND_PROBLEMS);
    assert_int_equal(r->sections.v[2].kind, HB_KIND_PLANS);
    assert_int_equal(r->sections.v[3].kind, HB_KIND_OTHER);
    hb_report_free(r);
    /* solving a problem is a task; 措施和成效 is what was done; advice and
     * a review are plans and achievements */
    r = doc("一、着力解决群众反映强烈的办事难问题\n二、主要措施和成效\n三、相关建议\n四、过去一年工作回顾\n"
            "五、对下一步工作的建议\n");
    assert_int_equal(r->sections.n, 5);
    assert_int_equal(r->sections.v[0].kind, HB_KIND_OTHER);
    assert_int_equal(r->sections.v[1].kind, HB_KIND_ACHIEVEMENTS);
    assert_int_equal(r->sections.v[2].kind, HB_KIND_PLANS);
    assert_int_equal(r->sections.v[3].kind, HB_KIND_ACHIEVEMENTS);
    assert_int_equal(r->sections.v[4].kind, HB_KIND_PLANS);
    hb_report_free(r);
    /* a cue masked by an A…B cue whose words do not hold it (短板 inside
     * 解决…问题), and the same cue where no `other` cue covers it */
    r = doc("一、解决生产中的短板问题\n二、发展中的短板\n");
    assert_int_equal(r->sections.n, 2);
    assert_int_equal(r->sections.v[0].kind, HB_KIND_OTHER);
    assert_int_equal(r->sections.v[1].kind, HB_KIND_PROBLEMS);
    hb_report_free(r);
    /* the A…B cue's characters all in the title, but B before A, or B
     * missing: nothing masked */
    r = doc("一、问题短板待解决\n二、解决短板\n");
    assert_int_equal(r->sections.n, 2);
    assert_int_equal(r->sections.v[0].kind, HB_KIND_PROBLEMS);
    assert_int_equal(r->sections.v[1].kind, HB_KIND_PROBLEMS);
    hb_report_free(r);
}

static void test_heading_opening_a_paragraph(void **s)
{
    (void)s;
    hb_report *r = doc("（一）全面加强党的政治建设，推动“两个维护”落地见效。深入学习。一是抓学习。二是抓落实。\n");
    assert_int_equal(r->sections.n, 1);
    const hb_section *sec = &r->sections.v[0];
    assert_memory_equal(r->view + sec->tstart, "全面加强党的政治建设,推动“两个维护”落地见效",
                        sec->tend - sec->tstart);
    assert_int_equal(r->items.n, 2);
    assert_int_equal(r->items.v[1].number, 2);
    assert_int_equal(r->items.v[0].section, 0);
    hb_report_free(r);
}

static void test_numbering_warnings(void **s)
{
    (void)s;
    hb_report *r = doc("一、甲\n（一）子\n（三）子\n（三）子\n二、乙\n");
    assert_true(warned(r, "numbering-gap"));
    assert_true(warned(r, "numbering-repeat"));
    hb_report_free(r);
    r = doc("一、甲\n1.子\n2.子\n二、乙\n3.子\n");
    assert_true(warned(r, "numbering-continues"));
    hb_report_free(r);
    r = doc("一、甲\n（一）子\n（二）子\n（一）子\n");
    assert_true(warned(r, "numbering-restart"));
    hb_report_free(r);
}

/* A year later than the report's own, followed by a work word, names the
 * plans: at the title's start, after other words, as 年度, at the bound
 * of five years; not inside a longer number. */
static void test_later_year_titles(void **s)
{
    (void)s;
    hb_report *r = doc("关于2023年工作的总结\n一、2023年主要工作\n二、2024年工作安排\n三、12024年任务\n"
                       "四、为民服务2025年度工作部署\n五、2028年任务\n六、2029年任务\n");
    static const int want[] = {HB_KIND_ACHIEVEMENTS, HB_KIND_PLANS, HB_KIND_OTHER, HB_KIND_PLANS, HB_KIND_PLANS,
                               HB_KIND_OTHER};
    assert_int_equal(r->sections.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_int_equal(r->sections.v[i].kind, want[i]);
    hb_report_free(r);
}

/* Whether r warned `message` exactly. */
static int warned_text(const hb_report *r, const char *message)
{
    for (size_t i = 0; i < r->warnings.n; i++)
        if (!strcmp(r->warnings.v[i].message, message))
            return 1;
    return 0;
}

/* The markers a numbering warning names, in each style, with numbers of
 * one and two digits (十二, 二十, 二十三) as the warning writes them. */
static void test_numbering_warning_texts(void **s)
{
    (void)s;
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"第一部分 甲\n第三部分 乙\n", "第三部分 follows 第一部分"},
        {"十一、甲\n十三、乙\n", "十三、 follows 十一、"},
        {"十九、甲\n二十一、乙\n", "二十一、 follows 十九、"},
        {"二十、甲\n二十三、乙\n", "二十三、 follows 二十、"},
        {"一、甲\n（十二）子\n", "（十二） is the first of its level here"},
        {"一、甲\n（一）子\n（一）子\n", "（一） repeats （一）"},
        {"一、甲\n12.子\n14.子\n", "14. follows 12."},
        {"一、甲\n（1）子\n（3）子\n", "（3） follows （1）"},
        {"一、甲\n1)子\n3)子\n", "3) follows 1)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hb_report *r = doc(cases[i].text);
        if (!warned_text(r, cases[i].message))
            fail_msg("no warning '%s' for '%s'", cases[i].message, cases[i].text);
        hb_report_free(r);
    }
}

/* Section ids: "parent.n" with n of several digits, levels deep. */
static void test_ids(void **s)
{
    (void)s;
    char text[2048];
    size_t n = (size_t)snprintf(text, sizeof text, "一、甲\n（一）乙\n");
    for (int i = 1; i <= 12; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%d.第%d项工作\n", i, i);
    snprintf(text + n, sizeof text - n, "（1）丙\n二、丁\n");
    hb_report *r = doc(text);
    assert_int_equal(r->sections.n, 16);
    assert_string_equal(r->sections.v[13].id, "1.1.12");
    assert_string_equal(r->sections.v[13].marker, "12.");
    assert_string_equal(r->sections.v[14].id, "1.1.12.1");
    assert_string_equal(r->sections.v[15].id, "2");
    hb_report_free(r);
}

/* A marker of another style that carries on the run it interrupts nests as
 * the run's next sibling, keeps its written level, and is warned about. */
static void test_marker_slips(void **s)
{
    (void)s;
    hb_report *r = doc("一、甲\n1、子\n二、乙\n1、子\n（二）子\n3、子\n");
    assert_int_equal(r->sections.n, 6);
    assert_string_equal(r->sections.v[4].id, "2.2");
    assert_int_equal(r->sections.v[4].level, 2);
    assert_string_equal(r->sections.v[5].id, "2.3");
    assert_true(warned(r, "marker-style"));
    assert_false(warned(r, "numbering-gap"));
    hb_report_free(r);
    r = doc("一、甲\n（一）子\n2.子\n（三）子\n");
    assert_string_equal(r->sections.v[2].id, "1.2");
    assert_string_equal(r->sections.v[3].id, "1.3");
    assert_true(warned(r, "marker-style"));
    hb_report_free(r);
    /* a run that goes on across parts is no slip, nor is a heading whose
     * number does not follow */
    r = doc("一、甲\n1.子\n2.子\n二、乙\n3.子\n");
    assert_string_equal(r->sections.v[4].id, "2.1");
    assert_false(warned(r, "marker-style"));
    hb_report_free(r);
    r = doc("一、甲\n1.子\n（三）子\n4.子\n");
    assert_string_equal(r->sections.v[3].id, "1.2.1");
    assert_false(warned(r, "marker-style"));
    hb_report_free(r);
}

/* Under problems, causes or plans another kind's word in a title does not
 * change the kind, unless the parent names that kind too. */
static void test_kind_under_a_list(void **s)
{
    (void)s;
    hb_report *r = doc("一、下一步工作打算\n（一）紧盯未完成问题持续攻坚\n二、存在的问题及原因\n"
                       "（一）主要问题\n（二）原因分析\n");
    assert_int_equal(r->sections.v[1].kind, HB_KIND_PLANS);
    assert_int_equal(r->sections.v[3].kind, HB_KIND_PROBLEMS);
    assert_int_equal(r->sections.v[4].kind, HB_KIND_CAUSES);
    hb_report_free(r);
}

static void test_items_sequence_across_paragraphs(void **s)
{
    (void)s;
    hb_report *r = doc("二、存在问题\n一是学习不深。\n二是落实不够；三是作风不实。\n四是统一是好的。\n");
    assert_int_equal(r->items.n, 4);
    assert_int_equal(r->items.v[2].number, 3);
    /* 统一是 inside a clause is no item marker */
    assert_int_equal(r->items.v[3].number, 4);
    hb_report_free(r);
}

/* Keycap digits and 2, (level 3 like 1.), 1)、 (level 4 like （1）); a
 * thousands separator or a decimal is no marker. */
static void test_more_marker_styles(void **s)
{
    (void)s;
    expect_marker("1\xEF\xB8\x8F\xE2\x83\xA3做强肉牛养殖", 3, 3, 1, 7);
    expect_marker("2\xE2\x83\xA3整治村容", 3, 3, 2, 4);
    expect_marker("\xF0\x9F\x94\x9F\xEF\xB8\x8F完善制度", 3, 3, 10, 7);
    expect_marker("2,整治村容村貌", 3, 3, 2, 2);
    expect_marker("1)、组织生活", 4, 4, 1, 5);
    expect_no_marker("1,200名党员参加");
    expect_no_marker("3\xE2\x80\x83整治"); /* a digit before another sign */
    int fam, num;
    size_t ml;
    /* 第一、二季度 enumerates numerals: no item */
    assert_false(hb_item_marker("第一、二季度各一次", strlen("第一、二季度各一次"), &fam, &num, &ml));
    assert_true(hb_item_marker("第一、加强学习", strlen("第一、加强学习"), &fam, &num, &ml));
    /* the styles nest as their levels say */
    hb_report *r = doc("一、为民服务\n1\xEF\xB8\x8F\xE2\x83\xA3养老服务。上门体检312人次。\n"
                       "2\xEF\xB8\x8F\xE2\x83\xA3就业帮扶。招聘会4场。\n二、队伍建设\n1,组织生活\n1)、党员大会。召开4次。\n"
                       "2)、支委会。召开24次。\n");
    assert_int_equal(r->sections.n, 7);
    assert_string_equal(r->sections.v[2].id, "1.2");
    assert_memory_equal(r->view + r->sections.v[2].tstart, "就业帮扶", r->sections.v[2].tend - r->sections.v[2].tstart);
    assert_string_equal(r->sections.v[6].id, "2.1.2");
    assert_int_equal(r->sections.v[6].level, 4);
    assert_string_equal(r->sections.v[6].marker, "2)、");
    assert_memory_equal(r->view + r->sections.v[6].tstart, "支委会", r->sections.v[6].tend - r->sections.v[6].tstart);
    hb_report_free(r);
    /* 第一， alone on its line: an item titled by the next line */
    r = doc("一、发挥党员作用\n第一，\n党员亮身份\n在职党员报到186名。\n第二，\n党员作表率\n覆盖居民2800户。\n");
    assert_int_equal(r->items.n, 2);
    assert_memory_equal(r->view + r->items.v[1].tstart, "党员作表率", r->items.v[1].tend - r->items.v[1].tstart);
    assert_int_equal(r->items.v[1].section, 0);
    hb_report_free(r);
}

static void expect_title(const hb_report *r, size_t k, const char *id, const char *title)
{
    assert_true(k < r->sections.n);
    const hb_section *sec = &r->sections.v[k];
    if (strcmp(sec->id, id) || sec->tend - sec->tstart != strlen(title) ||
        memcmp(r->view + sec->tstart, title, strlen(title)))
        fail_msg("section %zu: got %s %.*s, want %s %s", k, sec->id, (int)(sec->tend - sec->tstart),
                 r->view + sec->tstart, id, title);
}

/* ① inside a clause starts an item wherever it falls in the eight bytes
 * the clause scan skips by, after a digit (a byte the scan stops at) too. */
static void test_circled_item_at_every_place(void **s)
{
    (void)s;
    for (int lead = 0; lead < 9; lead++) {
        char text[256];
        snprintf(text, sizeof text, "一、主要工作\n做到%.*s甲乙丙丁9①抓学习②抓落实。\n", lead, "abcdefghi");
        hb_report *r = doc(text);
        assert_int_equal(r->items.n, 2);
        hb_report_free(r);
    }
    /* and past the 32 bytes a step of the clause scan: 一是 after a colon,
     * 二是 after a comma and 三是 after a ； at every place of two blocks,
     * 二是's title ending at its ； */
    for (int lead = 0; lead < 70; lead++) {
        char text[1024], fill[256] = "";
        for (int k = 0; k < lead / 3; k++)
            strcat(fill, "甲");
        strcat(fill, (const char *const[]){"", "a", "ab"}[lead % 3]);
        snprintf(text, sizeof text, "一、主要工作\n%s9项重点：一是抓学习%s，二是抓落实%s；三是抓作风。\n", fill, fill, fill);
        hb_report *r = doc(text);
        assert_int_equal(r->items.n, 3);
        assert_int_equal(r->items.v[1].number, 2);
        assert_int_equal(r->items.v[1].tend - r->items.v[1].tstart, strlen("抓落实") + strlen(fill));
        hb_report_free(r);
    }
}

/* Run-together text: headings in mid-line follow the level order, a child
 * glued to its parent's title, a title glued to its body ending after its
 * title word, 一是 after a space, a page number glued to the next item. */
static void test_run_together(void **s)
{
    (void)s;
    hb_report *r = doc("2023年工作总结\n现将情况报告如下。一、主要工作完成情况（一）生产稳中有进。完成投资12亿元，"
                       "一、二年级学生参加，第一、二季度各一次。（二）改革持续深化。对1、2、3号楼改造。 一是 抓学习；"
                       "二是抓落实，\n2/37三是抓作风。二、存在的主要问题对照年初目标，仍有短板：一是储备不足；二是人才匮乏。"
                       "三、下一步工作打算（一）坚持规划引领，加快布局。\n");
    assert_int_equal(r->sections.n, 6);
    expect_title(r, 0, "1", "主要工作完成情况");
    expect_title(r, 1, "1.1", "生产稳中有进");
    expect_title(r, 2, "1.2", "改革持续深化");
    expect_title(r, 3, "2", "存在的主要问题");
    expect_title(r, 4, "3", "下一步工作打算");
    expect_title(r, 5, "3.1", "坚持规划引领,加快布局");
    assert_int_equal(r->sections.v[3].kind, HB_KIND_PROBLEMS);
    /* 一是 after a space, and 三是 behind the page number 2/37 */
    size_t in_12 = 0, in_2 = 0;
    for (size_t k = 0; k < r->items.n; k++)
        in_12 += r->items.v[k].section == 2, in_2 += r->items.v[k].section == 3;
    assert_int_equal(in_12, 3);
    assert_int_equal(in_2, 2);
    assert_null(memmem(r->view, r->view_len, "2/37", 4));
    hb_report_free(r);
    /* out of order, or inside a sentence: no heading */
    r = doc("一、主要工作\n全年完成投资12亿元。三、四月份集中开展。三、加强学习。（二）落实制度。1.5万人参加。\n");
    assert_int_equal(r->sections.n, 1);
    hb_report_free(r);
    /* a lone 1. after a sentence is inline; with its 2. it opens headings */
    r = doc("一、主要工作\n全年完成投资12亿元。1.抓好学习，开展培训。\n");
    assert_int_equal(r->sections.n, 1);
    hb_report_free(r);
    r = doc("一、主要工作\n全年完成投资12亿元。1.抓好学习，开展培训。2.抓好落实。\n");
    assert_int_equal(r->sections.n, 3);
    expect_title(r, 2, "1.2", "抓好落实");
    hb_report_free(r);
    /* a heading at its line's start keeps its whole title; a one-clause
     * glued title is whole */
    r = doc("一、主要工作\n（一）落实情况通报制度不健全，需加强。\n二、教学工作成效显著（一）质量提升。合格率96%。\n"
            "三、下一步工作打算对照目标，我们将：一是抓学习。\n");
    expect_title(r, 1, "1.1", "落实情况通报制度不健全,需加强");
    expect_title(r, 2, "2", "教学工作成效显著");
    expect_title(r, 3, "2.1", "质量提升");
    /* a level-1 title glued to its body at its line's start */
    expect_title(r, 4, "3", "下一步工作打算");
    hb_report_free(r);
    /* a flattened heading whose title end is unknown: its kind comes from its
     * first characters, not from 问题 deep in the body glued to it */
    r = doc("2024年工作总结\n现将情况报告如下。一、坚持服务发展，推动重点项目加快落地围绕全县中心工作开展督查20次，"
            "查实各类问题86个。二、存在的主要问题对照目标仍有短板：一是储备不足；二是人才匮乏。\n");
    assert_int_equal(r->sections.n, 2);
    assert_int_equal(r->sections.v[0].kind, HB_KIND_OTHER);
    assert_int_equal(r->sections.v[1].kind, HB_KIND_PROBLEMS);
    hb_report_free(r);
    /* after 。 closed by a quote or bracket, after ！: the scan goes from one
     * such byte to the next (ア holds the last byte of 。 inside it) */
    static const char *const ends[] = {"他说“抓好学习。”", "「抓好学习。」", "(抓好学习。)", "抓好学习！"};
    for (size_t k = 0; k < sizeof ends / sizeof *ends; k++) {
        char text[256];
        snprintf(text, sizeof text, "一、主要工作\nアア%s二、存在的问题不足。\n", ends[k]);
        r = doc(text);
        assert_int_equal(r->sections.n, 2);
        hb_report_free(r);
    }
    r = doc("一、主要工作\n抓好学习ア二、存在的问题不足。\n");
    assert_int_equal(r->sections.n, 1);
    hb_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heading_variants),
        cmocka_unit_test(test_numbers_that_are_not_headings),
        cmocka_unit_test(test_item_markers),
        cmocka_unit_test(test_marker_first_characters),
        cmocka_unit_test(test_nesting_skipped_levels_and_ids),
        cmocka_unit_test(test_kind_cues),
        cmocka_unit_test(test_heading_opening_a_paragraph),
        cmocka_unit_test(test_numbering_warnings),
        cmocka_unit_test(test_numbering_warning_texts),
        cmocka_unit_test(test_later_year_titles),
        cmocka_unit_test(test_items_sequence_across_paragraphs),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_marker_slips),
        cmocka_unit_test(test_odd_marks),
        cmocka_unit_test(test_kind_under_a_list),
        cmocka_unit_test(test_more_marker_styles),
        cmocka_unit_test(test_circled_item_at_every_place),
        cmocka_unit_test(test_run_together),
        cmocka_unit_test(test_title_cap),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
