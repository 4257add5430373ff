/* Lists and the required-section check on small synthetic reports: each
 * test pins one way a list is written (under a heading, inline with 一是,
 * inline with ； clauses, causes inside the problems, a plan document, a
 * 述职报告, a report without plans) and what `huibao check` says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "testutil.h"

/* The report as parsed JSON; profile NULL: chosen from the document. */
static json_t *extract(const char *text, const char *profile)
{
    hb_extract_options xo = {.path = "t.txt", .profile = profile};
    hb_error err;
    hb_report *r = hb_extract(engine, text, strlen(text), &xo, &err);
    if (!r)
        fail_msg("extract: %s", err.message);
    json_t *j = tu_json(r);
    hb_report_free(r);
    assert_non_null(j);
    return j;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* found, section and the titles of a list: "heading 2: 甲|乙". */
static void expect_list(json_t *doc, const char *kind, const char *found, const char *section,
                        const char *titles)
{
    json_t *l = json_object_get(doc, kind);
    assert_non_null(l);
    assert_string_equal(str(l, "found"), found);
    if (section)
        assert_string_equal(str(l, "section"), section);
    else
        assert_true(json_is_null(json_object_get(l, "section")));
    if (!titles)
        return;
    char got[2048] = "";
    json_t *items = json_object_get(l, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        if (i)
            strcat(got, "|");
        strncat(got, str(json_array_get(items, i), "title"), sizeof got - strlen(got) - 2);
    }
    assert_string_equal(got, titles);
}

static void expect_required(json_t *doc, const char *profile, const char *missing, const char *inline_only)
{
    json_t *r = json_object_get(doc, "required");
    assert_string_equal(str(r, "profile"), profile);
    const char *want[2] = {missing, inline_only};
    const char *keys[2] = {"missing", "inline_only"};
    for (int k = 0; k < 2; k++) {
        char got[256] = "";
        json_t *a = json_object_get(r, keys[k]);
        for (size_t i = 0; i < json_array_size(a); i++) {
            if (i)
                strcat(got, ",");
            strcat(got, json_string_value(json_array_get(a, i)));
        }
        assert_string_equal(got, want[k]);
    }
}

static const char HEADED[] =
    "2023年度党建工作总结\n"
    "一、主要工作成效\n"
    "（一）抓理论学习\n全年集中学习12次。\n"
    "（二）抓组织建设\n新建支部2个。\n"
    "二、存在的问题\n"
    "一是学习不够深入。部分党员满足于读原文。二是支部建设不平衡。三是融合不够紧密。\n"
    "三、下一步工作计划\n"
    "（一）深化理论武装。持续学习。\n"
    "（二）建强基层组织。\n";

static void test_problems_under_heading(void **s)
{
    (void)s;
    json_t *j = extract(HEADED, NULL);
    expect_list(j, "achievements", "heading", "1", "抓理论学习|抓组织建设");
    expect_list(j, "problems", "heading", "2", "学习不够深入|支部建设不平衡|融合不够紧密");
    expect_list(j, "causes", "none", NULL, "");
    expect_list(j, "plans", "heading", "3", "深化理论武装|建强基层组织");
    expect_required(j, "annual-report", "", "");
    json_t *first = json_array_get(json_object_get(json_object_get(j, "problems"), "items"), 0);
    assert_string_equal(str(first, "marker"), "一是");
    assert_string_equal(str(first, "text"), "学习不够深入。部分党员满足于读原文。");
    assert_string_equal(str(first, "section"), "2");
    json_decref(j);
}

static void test_inline_enumeration(void **s)
{
    (void)s;
    json_t *j = extract("2023年工作总结\n"
                        "一、工作情况\n"
                        "（一）抓学习\n全年学习12次。\n"
                        "（二）抓作风\n开展督查4次。今年以来，工作虽然取得了一些成绩，但仍存在以下不足：一是学习不深入，"
                        "效果不明显。二是作风不扎实。\n"
                        "二、2024年工作安排\n"
                        "（一）深化学习。\n（二）改进作风。\n",
                        NULL);
    expect_list(j, "problems", "inline", "1.2", "学习不深入，效果不明显|作风不扎实");
    expect_list(j, "causes", "none", NULL, "");
    expect_required(j, "annual-report", "", "problems");
    json_decref(j);

    /* the cue line ends with its colon; the enumeration follows line by line */
    j = extract("工作总结\n一、主要工作\n全年学习12次。\n工作中还存在以下问题：\n一是学习不深入。\n二是作风不实。\n"
                "三是其他。\n二、下一步打算\n加强学习。\n",
                NULL);
    expect_list(j, "problems", "inline", "1", "学习不深入|作风不实|其他");
    json_decref(j);
}

static void test_inline_clauses(void **s)
{
    (void)s;
    json_t *j = extract("工作总结\n"
                        "一、主要成效\n全年学习12次。\n"
                        "对照要求，我们的工作还存在一些短板，主要表现在：学习不够深入；支部建设不平衡；融合载体不多。\n"
                        "二、下一步打算\n一是深化学习。二是建强支部。\n",
                        NULL);
    expect_list(j, "problems", "inline", "1", "学习不够深入|支部建设不平衡|融合载体不多");
    json_t *first = json_array_get(json_object_get(json_object_get(j, "problems"), "items"), 0);
    assert_true(json_is_null(json_object_get(first, "marker")));
    expect_list(j, "plans", "heading", "2", "深化学习|建强支部");
    json_decref(j);
    /* a lead word right after the cue's comma starts the clauses; 如 does
     * not count at a clause start (如期) */
    j = extract("工作总结\n一、主要成效\n全年学习12次。\n但也还存在一些不足，如学习不够深入；如期整改率不高。\n", NULL);
    expect_list(j, "problems", "inline", "1", "学习不够深入|如期整改率不高");
    json_decref(j);
}

/* Cues whose longest or last part (差距 of 仍有…差距, 根源 of 剖析…根源),
 * which a paragraph must hold to be scanned for cues, lies some characters
 * after their first. */
static const char PARTS_APART[] = "工作总结\n一、主要成效\n全年学习12次。\n二、其他情况\n"
                                  "对照要求，我们的工作仍有不少差距：一是学习不深入。二是督导不到位。\n"
                                  "深入剖析产生这些问题的根源：一是思想认识不到位。二是工作方法不科学。\n"
                                  "三、下一步打算\n加强学习。\n";

/* Causes written inside the problems section stay out of the problems;
 * a cue opening its sentence takes the rest of it, lead words skipped;
 * cues found whose needed part follows their first (PARTS_APART). */
static void test_causes_after_problems(void **s)
{
    (void)s;
    json_t *j = extract("工作总结\n"
                        "一、主要成效\n全年学习12次。\n"
                        "二、存在的主要问题及原因\n"
                        "一是学习不深入。二是督导不到位。\n"
                        "剖析反思存在问题的原因：一是思想认识不到位。二是工作方法不科学。\n"
                        "三、下一步工作思路\n1.加强学习。\n2.坚持问题导向推进整改。\n",
                        NULL);
    expect_list(j, "problems", "heading", "2", "学习不深入|督导不到位");
    expect_list(j, "causes", "inline", "2", "思想认识不到位|工作方法不科学");
    /* 坚持问题导向 under the plans is a plan, not a problems heading */
    expect_list(j, "plans", "heading", "3", "加强学习|坚持问题导向推进整改");
    json_decref(j);

    j = extract("工作总结\n一、主要成效\n全年学习12次。\n二、存在问题\n学习不深入。\n"
                "究其原因，主要是思想认识不到位；工作方法不科学。\n三、下一步打算\n加强学习。\n",
                NULL);
    expect_list(j, "problems", "heading", "2", "学习不深入");
    expect_list(j, "causes", "inline", "2", "思想认识不到位|工作方法不科学");
    json_decref(j);

    j = extract(PARTS_APART, NULL);
    expect_list(j, "problems", "inline", "2", "学习不深入|督导不到位");
    expect_list(j, "causes", "inline", "2", "思想认识不到位|工作方法不科学");
    json_decref(j);
}

/* 存在的问题及原因 holding （一）存在的问题 and （二）原因分析: two lists. */
static void test_problems_and_causes_subsections(void **s)
{
    (void)s;
    json_t *j = extract("工作总结\n一、主要成效\n全年学习12次。\n"
                        "二、存在的问题及原因\n（一）存在的问题\n一是学习不深入。二是督导不到位。\n"
                        "（二）原因分析\n一是认识不到位。\n"
                        "三、下一步打算\n加强学习。\n",
                        NULL);
    expect_list(j, "problems", "heading", "2.1", "学习不深入|督导不到位");
    expect_list(j, "causes", "heading", "2.2", "认识不到位");
    json_decref(j);
}

/* A rectification report: one problem a heading, its body what was done.
 * The headings are the items; a lone problem heading still gives its
 * sentences. */
static void test_run_of_problem_headings(void **s)
{
    (void)s;
    json_t *j = extract("整改情况报告\n一、整改工作开展情况\n成立领导小组。\n二、问题整改落实情况\n"
                        "（一）关于理论学习不深入的问题\n修订学习制度。举办培训班2期。\n"
                        "（二）关于资金监管不到位的问题\n开展专项检查。追回资金12万元。\n"
                        "三、下一步工作打算\n（一）紧盯未完成问题持续攻坚\n（二）巩固整改成果\n",
                        NULL);
    expect_list(j, "problems", "heading", "2.1", "关于理论学习不深入的问题|关于资金监管不到位的问题");
    expect_list(j, "plans", "heading", "3", "紧盯未完成问题持续攻坚|巩固整改成果");
    json_decref(j);
    j = extract("工作总结\n一、主要成效\n全年学习12次。\n二、存在的问题\n学习不深入。督导不到位。\n", NULL);
    expect_list(j, "problems", "heading", "2", "学习不深入|督导不到位");
    json_decref(j);
}

/* （一）党建工作方面 holding 一是…二是…: a group (list_cues.txt), whose
 * enumerations are the items; a 方面 heading without any is one item. */
static void test_group_headings(void **s)
{
    (void)s;
    json_t *j = extract("工作总结\n一、主要工作\n全年学习12次。\n二、存在的问题\n（一）党建工作方面\n"
                        "一是融合不够深。二是发展不平衡。\n（二）生产经营方面\n一是盈利能力弱。\n"
                        "三、下一步打算\n加强学习。\n",
                        NULL);
    expect_list(j, "problems", "heading", "2", "融合不够深|发展不平衡|盈利能力弱");
    json_decref(j);
    j = extract("对照检查材料\n一、学习情况\n认真学习。\n二、存在的问题\n（一）在理论学习方面\n学得不深。\n"
                "（二）在担当作为方面\n闯劲不足。\n三、整改措施\n加强学习。\n",
                NULL);
    expect_list(j, "problems", "heading", "2", "在理论学习方面|在担当作为方面");
    json_decref(j);
}

/* One section before the problems, whatever its title, is the heading of
 * the achievements; several are implicit achievements. */
static void test_achievements_by_position(void **s)
{
    (void)s;
    json_t *j = extract("述职报告\n一、这一年抓的几件事\n一是修路。二是建园。\n二、存在的不足\n学习不够。\n"
                        "三、下一步打算\n加强学习。\n",
                        NULL);
    expect_list(j, "achievements", "heading", "1", "修路|建园");
    json_decref(j);
    j = extract("述职报告\n一、加强学习\n学习12次。\n二、履职尽责\n修路3公里。\n三、存在的不足\n学习不够。\n", NULL);
    expect_list(j, "achievements", "implicit", NULL, "加强学习|履职尽责");
    json_decref(j);
}

static void test_plan_document(void **s)
{
    (void)s;
    json_t *j = extract("2024年党建工作要点\n"
                        "一、加强政治建设\n1.深化理论学习。\n2.坚持问题导向，查找存在的问题。\n"
                        "二、加强组织建设\n3.规范组织生活。\n",
                        NULL);
    assert_string_equal(str(j, "doc_type"), "plan");
    expect_list(j, "plans", "implicit", NULL, "加强政治建设|加强组织建设");
    expect_list(j, "problems", "none", NULL, "");
    expect_list(j, "achievements", "none", NULL, "");
    expect_required(j, "work-plan", "", "");
    json_decref(j);
}

static void test_missing_plans(void **s)
{
    (void)s;
    static const char text[] = "工作总结\n一、主要成效\n全年学习12次。\n二、存在问题\n一是学习不深入。\n";
    json_t *j = extract(text, NULL);
    expect_list(j, "plans", "none", NULL, "");
    expect_required(j, "annual-report", "plans", "");
    json_decref(j);

    hb_report *r = hb_extract(engine, text, strlen(text), NULL, NULL);
    int passed = 1;
    char *v = hb_report_verdict(r, &passed);
    assert_int_equal(passed, 0);
    assert_non_null(strstr(v, "未通过"));
    assert_non_null(strstr(v, "缺少: 下一步计划 (plans)"));
    hb_free(v);
    hb_report_free(r);

    r = hb_extract(engine, HEADED, strlen(HEADED), NULL, NULL);
    v = hb_report_verdict(r, &passed);
    assert_int_equal(passed, 1);
    assert_non_null(strstr(v, "通过"));
    assert_null(strstr(v, "缺少"));
    hb_free(v);
    hb_report_free(r);
}

static void test_duty_report(void **s)
{
    (void)s;
    json_t *j = extract("2023年度抓基层党建工作述职报告\n"
                        "一、履职情况\n（一）抓学习\n带头讲党课2次。\n"
                        "二、存在的问题\n（一）学习不够系统\n（二）统筹力度不够\n"
                        "三、产生问题的原因\n一是认识不到位。\n"
                        "四、下一步打算\n一是加强学习。\n",
                        NULL);
    assert_string_equal(str(j, "doc_type"), "report");
    expect_required(j, "duty-report", "", "");
    expect_list(j, "problems", "heading", "2", "学习不够系统|统筹力度不够");
    expect_list(j, "causes", "heading", "3", "认识不到位");
    json_decref(j);
}

/* A report with no labels: its sections before the problems are achievements. */
static void test_implicit_achievements(void **s)
{
    (void)s;
    json_t *j = extract("工作总结\n一、抓理论学习\n学习12次。\n二、抓组织建设\n新建支部2个。\n"
                        "三、存在问题\n学习不深入。\n四、下一步打算\n加强学习。\n",
                        NULL);
    expect_list(j, "achievements", "implicit", NULL, "抓理论学习|抓组织建设");
    expect_list(j, "problems", "heading", "3", "学习不深入");
    json_decref(j);

    /* no headings at all: the paragraphs before the problems, bar the introduction */
    j = extract("关于2023年工作情况的汇报\n现将有关情况汇报如下：\n一年来，我们认真学习，成效明显。全年学习12次。\n"
                "但也存在一些不足：一是学习不深入。二是作风不实。\n下一步，我们将持续加强学习；不断改进作风。\n",
                NULL);
    expect_list(j, "achievements", "implicit", NULL, "一年来，我们认真学习，成效明显");
    expect_list(j, "problems", "inline", NULL, "学习不深入|作风不实");
    expect_list(j, "plans", "inline", NULL, "我们将持续加强学习|不断改进作风");
    expect_required(j, "annual-report", "", "problems,plans");
    json_decref(j);
}

/* Cues that do not introduce a list: mid-sentence, or cancelled by a `not` cue. */
static void test_cues_that_introduce_nothing(void **s)
{
    (void)s;
    json_t *j = extract("工作总结\n一、主要成效\n"
                        "我们着力解决存在的问题，把今后一个时期的任务抓实。\n"
                        "针对存在的问题，我们采取了以下措施：一是建立台账。二是跟踪督办。\n"
                        "二、下一步打算\n加强学习。\n",
                        NULL);
    expect_list(j, "problems", "none", NULL, "");
    expect_list(j, "causes", "none", NULL, "");
    expect_required(j, "annual-report", "problems", "");
    json_decref(j);
}

/* Problems stated without a heading in government idioms: the clauses
 * after 主要是：, or one —— paragraph per item after a cue line ending in ： */
static void test_government_idioms(void **s)
{
    (void)s;
    json_t *j = extract("县政府工作报告\n一、过去一年工作回顾\n全年增长6%。\n"
                        "我们也清醒看到，全县发展仍面临不少困难和挑战，主要是：产业结构偏重；财政收支矛盾突出；"
                        "少数干部担当不够。\n二、2025年工作安排\n（一）抓项目。\n",
                        NULL);
    expect_list(j, "problems", "inline", "1", "产业结构偏重|财政收支矛盾突出|少数干部担当不够");
    json_decref(j);
    j = extract("述职报告\n一、履职情况\n结案312件。\n二、存在的不足\n"
                "但对照新期待，工作中还存在一些不容忽视的问题：\n——审判质效仍有提升空间。部分案件审理周期偏长。\n"
                "——队伍专业化水平还有差距。青年干警占比高。\n三、今后努力方向\n（一）坚持政治建院。\n",
                NULL);
    expect_list(j, "problems", "heading", "2", "审判质效仍有提升空间|队伍专业化水平还有差距");
    json_decref(j);
    j = extract("工作总结\n一、主要工作\n开展学习12次。\n二、面临的困难和挑战\n"
                "一是\n经济增长内生动力不足\n工业投资占比下降。\n二是\n产业结构调整任务艰巨\n传统产业占比超过七成。\n"
                "三、下一步打算\n加强学习。\n",
                NULL);
    expect_list(j, "problems", "heading", "2", "经济增长内生动力不足|产业结构调整任务艰巨");
    json_decref(j);
}

/* 我们将… or 计划 inside a sentence about other things is no plans list. */
static void test_bare_plan_words(void **s)
{
    (void)s;
    json_t *j = extract("关于优化服务的实施意见\n一、总体要求\n推行网上办理。\n"
                        "我们将同步建立问题收集、分析、反馈闭环机制，有关计划由办公室另行制定。\n",
                        NULL);
    expect_list(j, "plans", "none", NULL, "");
    json_decref(j);
    /* a cue and its comma opening the paragraph: its sentences are plans,
     * and no longer problems of the section it closes */
    j = extract("县应急管理局2024年工作总结\n一、工作成效\n未发生较大事故。\n二、存在的问题\n企业主体责任落实不到位。\n"
                "新的一年，我们将以更加务实的作风推进各项工作。压实企业主体责任。\n",
                NULL);
    expect_list(j, "problems", "heading", "2", "企业主体责任落实不到位");
    expect_list(j, "plans", "inline", "2", "我们将以更加务实的作风推进各项工作|压实企业主体责任");
    json_decref(j);
}

/* A heading naming the coming year (later than the one the report looks
 * back on) or term with a word of work is a plans heading; the same year
 * as the report's, or a quoted 计划, is not. */
static void test_coming_period_headings(void **s)
{
    (void)s;
    json_t *j = extract("市科技局2024年工作总结\n一、2024年工作开展情况\n新建研发中心3家。\n二、存在的问题\n"
                        "一是研发投入不足。二是人才缺乏。\n三、2025年重点工作\n（一）培育创新主体。\n（二）推进成果转化。\n",
                        NULL);
    expect_list(j, "achievements", "heading", "1", NULL);
    expect_list(j, "plans", "heading", "3", "培育创新主体|推进成果转化");
    expect_required(j, "annual-report", "", "");
    json_decref(j);
    /* no year in the title or opening: the earliest year a heading names */
    j = extract("县政府工作报告\n一、2023年工作回顾\n全年增长6%。\n二、2024年工作部署\n"
                "（一）扩大有效投资。\n（二）稳定工业增长。\n",
                NULL);
    expect_list(j, "achievements", "heading", "1", NULL);
    expect_list(j, "plans", "heading", "2", "扩大有效投资|稳定工业增长");
    json_decref(j);
    j = extract("实验中学工作总结\n一、本学期工作回顾\n开展教研32次。\n二、存在的不足\n教师能力不强。\n"
                "三、新学期主要工作\n重点抓好：毕业班备考；课后服务提质。\n",
                NULL);
    expect_list(j, "plans", "heading", "3", "毕业班备考|课后服务提质");
    json_decref(j);
    j = extract("青山镇2024年上半年工作总结\n一、上半年工作开展情况\n完成投资3亿元。\n二、存在的问题\n项目落地慢。\n"
                "三、下半年重点工作\n一是抓项目落地。二是抓安全生产。\n",
                NULL);
    expect_list(j, "plans", "heading", "3", "抓项目落地|抓安全生产");
    json_decref(j);
    /* a plan carried out, or one named in quotation marks, is work done */
    j = extract("某某乡2024年工作总结\n一、年度计划执行情况\n各项指标均按计划完成。\n二、实施“强村计划”情况\n"
                "集体经济收入超过10万元。\n三、存在的问题\n产业基础薄弱。\n",
                NULL);
    expect_list(j, "achievements", "implicit", NULL, "年度计划执行情况|实施“强村计划”情况");
    expect_list(j, "plans", "none", NULL, "");
    expect_required(j, "annual-report", "plans", "");
    json_decref(j);
}

/* 意见建议 is a plans heading; a sentence of ；-clauses under a heading
 * gives one item per clause; 问题成因 is the causes. */
static void test_suggestions_and_causes(void **s)
{
    (void)s;
    json_t *j = extract("2024年度机关党建工作总结\n一、主要工作\n集中学习12次。\n二、存在问题及原因分析\n"
                        "（一）存在问题。产品同质化严重；配套设施不完善。\n（二）问题成因。一是规划引领不够。二是投入单一。\n"
                        "三、意见建议\n建议加大经费保障力度；建议增加培训名额。\n",
                        NULL);
    expect_list(j, "problems", "heading", "2.1", "产品同质化严重|配套设施不完善");
    expect_list(j, "causes", "heading", "2.2", "规划引领不够|投入单一");
    expect_list(j, "plans", "heading", "3", "建议加大经费保障力度|建议增加培训名额");
    json_decref(j);
    /* …问题的整改 is the work done on them; the problems are elsewhere */
    j = extract("县审计局2024年工作总结\n一、主要工作\n完成审计项目42个。\n二、审计查出问题的整改\n已建立台账。\n"
                "三、存在的不足\n审计力量不足。\n四、下一步打算\n加强队伍建设。\n",
                NULL);
    expect_list(j, "achievements", "heading", "1", NULL);
    expect_list(j, "problems", "heading", "3", "审计力量不足");
    json_decref(j);
}

/* A problems cue that ends its sentence (仍然存在一些突出问题。) introduces
 * the sentences after it; the cue's sentence and its items are no part of
 * the achievements heading's items. */
static void test_problems_in_following_sentences(void **s)
{
    (void)s;
    json_t *j = extract("县发改局2024年工作总结\n一、主要工作成效\n全年实施重点项目86个。\n"
                        "同时，我们也清醒认识到，工作中仍然存在一些突出问题。项目储备质量不高。要素保障压力较大；用地指标紧张。\n"
                        "二、下一步打算\n（一）抓项目储备。\n",
                        NULL);
    expect_list(j, "achievements", "heading", "1", "全年实施重点项目86个");
    expect_list(j, "problems", "inline", "1", "项目储备质量不高|要素保障压力较大|用地指标紧张");
    json_decref(j);
    /* …不容忽视。 at the end of its line, then one —— paragraph per problem */
    j = extract("县教育局2024年工作总结\n一、主要成绩\n新建幼儿园4所。\n"
                "同时，教育发展中的短板弱项不容忽视。\n——乡村学校师资薄弱。\n——学前教育普惠程度不高。\n"
                "二、下一步工作安排\n（一）推进优质均衡。\n",
                NULL);
    expect_list(j, "achievements", "heading", "1", "新建幼儿园4所");
    expect_list(j, "problems", "inline", "1", "乡村学校师资薄弱|学前教育普惠程度不高");
    json_decref(j);
    /* 仍有…短板。 ends its sentence: the sentences after it */
    j = extract("镇2024年工作总结\n一、主要工作\n新修道路8公里。我们也看到，全镇发展仍有一些短板。"
                "产业链条较短，附加值不高。集体经济增收渠道窄。\n二、下一步打算\n加强学习。\n",
                NULL);
    expect_list(j, "problems", "inline", "1", "产业链条较短，附加值不高|集体经济增收渠道窄");
    json_decref(j);
    /* a cue followed by more words in its sentence introduces nothing */
    j = extract("工作总结\n一、主要成效\n我们着力破解突出问题，取得明显成效。全年办结事项120件。\n二、下一步打算\n加强学习。\n",
                NULL);
    expect_list(j, "problems", "none", NULL, "");
    json_decref(j);
}

/* A speech, an 意见, a 方案: doc_type unknown and nothing required; the
 * title names the kind, not a word of the opening (我讲三点意见). */
static void test_other_kinds(void **s)
{
    (void)s;
    json_t *j = extract("在全县经济工作会议上的讲话\n同志们：\n下面，我讲三点意见。\n一、肯定成绩\n增长6%。\n", NULL);
    assert_string_equal(str(j, "doc_type"), "unknown");
    expect_required(j, "speech", "", "");
    json_decref(j);
    j = extract("双河村2025年人居环境整治行动方案\n为改善人居环境，制定本方案。\n一、工作目标\n改厕80户。\n"
                "我们将同步建立管护机制，具体计划另行制定。\n",
                NULL);
    assert_string_equal(str(j, "doc_type"), "unknown");
    expect_required(j, "programme", "", "");
    expect_list(j, "plans", "none", NULL, "");
    json_decref(j);
    /* 整改 in the opening of a titled summary does not make it a rectification report */
    j = extract("某公司2024年度工作总结\n全年完成隐患整改120项，现总结如下。\n一、主要工作\n营收增长5%。\n", NULL);
    expect_required(j, "annual-report", "problems,plans", "");
    json_decref(j);
}

static void test_profile_option(void **s)
{
    (void)s;
    json_t *j = extract(HEADED, "work-plan");
    expect_required(j, "work-plan", "", "");
    json_decref(j);

    hb_extract_options xo = {.profile = "no-such-profile"};
    hb_error err;
    assert_null(hb_extract(engine, HEADED, strlen(HEADED), &xo, &err));
    assert_int_equal(err.code, HB_ERR_ARG);
    assert_non_null(strstr(err.message, "no-such-profile"));
}

/* Inputs built to make a naive cue matcher quadratic: cue words without
 * punctuation in one paragraph, and cues before a colon that never comes
 * (their time is measured by make bench: bench/bench_pathological.sh). */
static void test_pathological(void **s)
{
    (void)s;
    const char *pieces[] = {"存在", "存在以下不足问题", "下一步"};
    for (int k = 0; k < 3; k++) {
        size_t n = 200000 / strlen(pieces[k]) + 1, len = strlen(pieces[k]);
        char *t = malloc(n * len + 64);
        strcpy(t, "工作总结\n");
        char *w = t + strlen(t);
        for (size_t i = 0; i < n; i++, w += len)
            memcpy(w, pieces[k], len);
        strcpy(w, "。\n");
        json_t *j = extract(t, NULL); /* the title and one paragraph */
        assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "stats"), "paragraphs")), 2);
        json_decref(j);
        free(t);
    }
}

/* Issue 14, round two: a list heading's items are its direct subsections,
 * never its introduction, their bodies, deeper points or page numbers. */
static void test_subsection_items(void **s)
{
    (void)s;
    json_t *j = extract("公司2024年工作总结\n一、工作成效\n（一）经营稳步增长\n收入增长7%。\n"
                        "二、2025年工作安排\n2025年，公司将紧扣发展主题，重点做好以下工作：\n"
                        "（一）拓宽融资渠道\n争取债券。推进试点。\n1.争取额度。\n2.盘活资产。\n"
                        "（二）提升运营效益\n新建充电桩320个。\n3/3\n",
                        NULL);
    expect_list(j, "plans", "heading", "2", "拓宽融资渠道|提升运营效益");
    json_decref(j);
}

/* Run-together text: a first subsection after the intro's colon, and bare
 * titles glued one after another, are headings of their own. */
static void test_glued_subsections(void **s)
{
    (void)s;
    json_t *j = extract("公司2024年工作总结\n一、主要工作完成情况全年开展排查42次。二、存在的不足人才短缺。"
                        "三、2025年工作计划围绕三条主线，重点做好以下工作：（一）保障安全运行开展管网改造。"
                        "（二）提升运营效益推进提质改造。四、有关要求（一）加强组织领导（二）强化考核督导\n",
                        NULL);
    expect_list(j, "plans", "heading", "3", "保障安全运行开展管网改造|提升运营效益推进提质改造");
    json_t *secs = json_object_get(j, "sections");
    json_t *last = json_array_get(secs, json_array_size(secs) - 1);
    json_t *kids = json_object_get(last, "children");
    assert_int_equal(json_array_size(kids), 2);
    assert_string_equal(str(json_array_get(kids, 0), "title"), "加强组织领导");
    assert_string_equal(str(json_array_get(kids, 1), "title"), "强化考核督导");
    json_decref(j);
}

/* A heading about fixing the problems (问题…整改, 针对…问题) lists work
 * done; the problems are those of the problems heading only. */
static void test_rectification_fixes(void **s)
{
    (void)s;
    static const char *const heads[] = {"对照巡察反馈问题逐项整改", "巡察反馈问题及整改情况", "對照反饋問題逐項整改"};
    for (size_t k = 0; k < sizeof heads / sizeof *heads; k++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "关于巡察整改情况的报告\n一、总体情况\n召开会议6次。\n二、%s\n"
                 "针对制度落实不到位的问题，已修订制度，整改完成。\n"
                 "三、存在的不足\n个别科室重视不够；部分事项推进较慢。\n四、下一步打算\n一是持续跟踪；二是健全机制。\n",
                 heads[k]);
        json_t *j = extract(text, NULL);
        expect_list(j, "problems", "heading", "3", "个别科室重视不够|部分事项推进较慢");
        expect_list(j, "achievements", "implicit", NULL, NULL);
        json_decref(j);
    }
}

/* Flattened text: unlabelled sections (titles ended by a space) before an
 * inline problems list are the achievements, the one holding it included. */
static void test_flat_inline_problems(void **s)
{
    (void)s;
    json_t *j = extract("街道2024年工作总结\n一、强化党建引领 全年发展党员9名。二、优化民生服务 新增站点3个。"
                        "我们也清醒认识到，工作中还存在一些短板：物业覆盖率仅为58%；队伍不够稳定。"
                        "三、2025年工作打算（一）推进小区改造（二）加强队伍建设\n",
                        NULL);
    expect_list(j, "achievements", "implicit", NULL, "强化党建引领|优化民生服务");
    expect_list(j, "problems", "inline", "2", "物业覆盖率仅为58%|队伍不够稳定");
    expect_list(j, "plans", "heading", "3", "推进小区改造|加强队伍建设");
    json_decref(j);
}

/* In a plan, or a 规划 with a plans heading, the main-tasks part is the
 * plans list: not implicit, not achievements, not its 保障措施. */
static void test_tasks_heading(void **s)
{
    (void)s;
    json_t *j = extract("小学2025年春季学期工作计划\n一、指导思想\n立德树人。\n二、本学期主要工作\n"
                        "（一）加强师德建设\n学习4次。\n（二）深化课堂改革\n三、保障措施\n（一）加强组织领导\n",
                        NULL);
    assert_string_equal(str(j, "doc_type"), "plan");
    expect_list(j, "plans", "heading", "2", "加强师德建设|深化课堂改革");
    expect_list(j, "achievements", "none", NULL, "");
    json_decref(j);
    j = extract("县农业发展规划\n一、发展基础\n产量稳定。\n二、主要任务\n（一）保障粮食安全\n（二）发展特色产业\n"
                "三、保障措施\n（一）加强组织领导\n（二）强化要素保障\n",
                NULL);
    expect_list(j, "plans", "heading", "2", "保障粮食安全|发展特色产业");
    json_decref(j);
    /* a plan's parts looking back keep their own kinds */
    j = extract("小学2025年春季学期工作计划\n一、上学期工作回顾\n开展教研活动12次。\n二、存在的不足\n"
                "一是课后服务较单一；二是安全排查不够细。\n三、本学期主要工作\n（一）加强师德建设\n学习4次。\n"
                "（二）深化课堂改革\n",
                NULL);
    expect_list(j, "achievements", "heading", "1", NULL);
    expect_list(j, "problems", "heading", "2", "课后服务较单一|安全排查不够细");
    expect_list(j, "plans", "heading", "3", "加强师德建设|深化课堂改革");
    json_decref(j);
    /* without a tasks part a plan stays implicit */
    j = extract("2024年党建工作要点\n一、加强政治建设\n（一）深化理论学习\n二、保障措施\n（一）加强领导\n", NULL);
    expect_list(j, "plans", "implicit", NULL, NULL);
    json_decref(j);
}

/* The first cue of a kind that introduces items makes its list; a later
 * cue of that kind is passed over, and paragraphs are still read for a
 * wanted kind not yet found (the causes here). */
static void test_first_inline_cue_wins(void **s)
{
    (void)s;
    json_t *j = extract("工作总结\n一、主要成效\n全年学习12次。\n"
                        "对照要求，我们的工作还存在一些短板，主要表现在：学习不够深入；支部建设不平衡。\n"
                        "同时仍存在一些不足，主要表现在：宣传不够；台账不全。\n"
                        "究其原因，主要是思想认识不到位；工作方法不科学。\n"
                        "二、下一步打算\n一是深化学习。二是建强支部。\n",
                        NULL);
    expect_list(j, "problems", "inline", "1", "学习不够深入|支部建设不平衡");
    expect_list(j, "causes", "inline", "1", "思想认识不到位|工作方法不科学");
    expect_list(j, "plans", "heading", "2", "深化学习|建强支部");
    json_decref(j);
}

/* Cues whose needed part holds a shorter one of their kind (原因在于 holds
 * 原因, 困难和挑战 holds 困难), alone in their report: the shorter part
 * answers for them, and their lists are found; so when causes alone are
 * looked for inline (the other kinds headed), by causes' own set. */
static void test_cues_holding_shorter_cues(void **s)
{
    (void)s;
    static const struct {
        const char *text;
        const char *found, *section, *titles; /* the problems list; the causes are inline in section */
    } cases[] = {
        {"工作总结\n一、主要成效\n全年学习12次。\n当前我们仍面临不少困难和挑战：资金紧张；人员不足。\n"
         "产生这些情况的原因在于：学习不够深入；制度执行不严。\n二、下一步打算\n一是深化学习。二是建强支部。\n",
         "inline", "1", "资金紧张|人员不足"},
        {"工作总结\n一、主要成效\n全年学习12次。\n二、存在的问题\n资金紧张。\n"
         "问题虽有客观因素，但根本原因在于：学习不够深入；制度执行不严。\n三、下一步打算\n一是深化学习。二是建强支部。\n",
         "heading", "2", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *j = extract(cases[i].text, NULL);
        expect_list(j, "problems", cases[i].found, cases[i].section, cases[i].titles);
        expect_list(j, "causes", "inline", cases[i].section, "学习不够深入|制度执行不严");
        json_decref(j);
    }
}

/* A report's 重点工作 part is no plans list: tasks parts count only in a
 * plan or an unknown document with a plans heading. */
static void test_tasks_part_in_report(void **s)
{
    (void)s;
    json_t *j = extract("2024年工作总结\n一、重点工作\n（一）加强理论学习\n全年学习12次。\n（二）推进支部建设\n"
                        "建成示范支部3个。\n二、存在问题\n学习不深入。\n三、下一步打算\n加强学习。\n",
                        NULL);
    assert_string_equal(str(j, "doc_type"), "report");
    expect_list(j, "achievements", "heading", "1", "加强理论学习|推进支部建设");
    expect_list(j, "plans", "heading", "3", "加强学习");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_problems_under_heading),
        cmocka_unit_test(test_inline_enumeration),
        cmocka_unit_test(test_inline_clauses),
        cmocka_unit_test(test_causes_after_problems),
        cmocka_unit_test(test_problems_and_causes_subsections),
        cmocka_unit_test(test_run_of_problem_headings),
        cmocka_unit_test(test_group_headings),
        cmocka_unit_test(test_achievements_by_position),
        cmocka_unit_test(test_plan_document),
        cmocka_unit_test(test_missing_plans),
        cmocka_unit_test(test_duty_report),
        cmocka_unit_test(test_implicit_achievements),
        cmocka_unit_test(test_subsection_items),
        cmocka_unit_test(test_glued_subsections),
        cmocka_unit_test(test_rectification_fixes),
        cmocka_unit_test(test_flat_inline_problems),
        cmocka_unit_test(test_tasks_heading),
        cmocka_unit_test(test_tasks_part_in_report),
        cmocka_unit_test(test_first_inline_cue_wins),
        cmocka_unit_test(test_cues_that_introduce_nothing),
        cmocka_unit_test(test_government_idioms),
        cmocka_unit_test(test_bare_plan_words),
        cmocka_unit_test(test_coming_period_headings),
        cmocka_unit_test(test_suggestions_and_causes),
        cmocka_unit_test(test_problems_in_following_sentences),
        cmocka_unit_test(test_other_kinds),
        cmocka_unit_test(test_profile_option),
        cmocka_unit_test(test_cues_holding_shorter_cues),
        cmocka_unit_test(test_pathological),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
