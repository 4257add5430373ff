/* Document facts: title, addressee, signature (organisation, date, the
 * signer's name) and the document type, on small reports built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
    /* organisation and date on one line, read apart */
    expect_signature("沧源县政府　2024年1月\n", "沧源县政府|-|-");
    expect_signature("青山县水务局  2024年12月10日\n", "青山县水务局|2024-12-10|-");
    /* a text cut mid-sentence: its last line is the rest of a sentence */
    expect_signature("全年开展学习12次，推动各项工作\n取得新进展\n", "none");
    expect_signature("全年开展学习12次，推动\n县财政局\n", "none");
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

/* The cue written first decides the type, in a title (the title cues'
 * automaton, end cues compared apart) and in the opening (its own). */
static void test_first_cue_decides(void **s)
{
    (void)s;
    static const char *const texts[][2] = {
        {"2024年工作计划及2023年工作总结\n一、主要工作\n开展学习12次。\n", "plan"},
        {"2023年工作总结和2024年工作计划\n一、主要工作\n开展学习12次。\n", "report"},
        {"在全县工作会议上的讲话\n一、主要工作\n开展学习12次。\n", "unknown"},
        {"东岭县林业局\n根据要求，现将2024年工作思路和2023年工作总结如下：\n一、主要工作\n开展学习12次。\n", "plan"},
        {"东岭县林业局\n根据要求，回顾2023年工作，现将2024年工作要点如下：\n一、主要工作\n开展学习12次。\n", "report"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        json_t *j = facts(texts[i][0]);
        if (strcmp(field(j, "doc_type"), texts[i][1]))
            fail_msg("%s: got %s, want %s", texts[i][0], field(j, "doc_type"), texts[i][1]);
        json_decref(j);
    }
}

/* title|addressee|doc_type|profile of a report, "-" for null */
static void expect_head(const char *text, const char *want)
{
    json_t *j = facts(text);
    const char *t = field(j, "title"), *a = field(j, "addressee"), *ty = field(j, "doc_type");
    const char *p = field(json_object_get(j, "required"), "profile");
    char got[1024];
    snprintf(got, sizeof got, "%s|%s|%s|%s", t ? t : "-", a ? a : "-", ty ? ty : "-", p ? p : "-");
    if (strcmp(got, want))
        fail_msg("%s: got %s, want %s", text, got, want);
    json_decref(j);
}

static void test_title_block(void **s)
{
    (void)s;
    /* an issuing authority before a title is its first part (发文机关+事由+
     * 文种), a 关于 title or one starting with its year; a dateline follows;
     * the addressee comes several lines after the title */
    expect_head("中共东岭县委员会\n关于2024年全面从严治党工作情况的报告\n（2025年1月8日）\n市委：\n"
                "现将有关情况报告如下。\n一、主要工作\n全年开展学习12次。\n",
                "中共东岭县委员会关于2024年全面从严治党工作情况的报告|市委|report|annual-report");
    expect_head("中共东岭县委员会\n2024年全面从严治党工作报告\n（2025年1月8日）\n\n市委：\n"
                "现将有关情况报告如下。\n一、主要工作\n全年开展学习12次。\n",
                "中共东岭县委员会2024年全面从严治党工作报告|市委|report|annual-report");
    /* a title over two lines, and 各位代表： after a dateline */
    expect_head("南平市人民政府关于2024年度\n法治政府建设情况的报告\n2025年1月10日在市十七届人大五次会议上\n"
                "市长　周××\n各位代表：\n现在，我代表市人民政府报告工作。\n一、主要工作\n全年办结议案12件。\n",
                "南平市人民政府关于2024年度法治政府建设情况的报告|各位代表|report|annual-report");
    /* a speech: title, subtitle, dateline, speaker; no report to check */
    expect_head("凝心聚力抓落实 真抓实干开新局\n——在全县2025年经济工作会议上的讲话\n（2024年12月22日）\n"
                "县委书记　李××\n同志们：\n这次会议的主要任务是总结今年工作。\n一、今年工作回顾\n全年增长6.1%。\n",
                "凝心聚力抓落实 真抓实干开新局|同志们|unknown|speech");
    expect_head("在全市组织工作会议上的讲话\n各位常委、同志们：\n今天召开会议，主要是总结工作。\n一、成绩\n开展培训9期。\n",
                "在全市组织工作会议上的讲话|各位常委、同志们|unknown|speech");
    /* an 意见, 规划 or 方案 (where it ends the title) is neither report nor
     * plan and nothing is required of it */
    expect_head("关于加强基层党组织建设的实施意见\n各乡镇党委：\n为加强基层党建，现提出如下意见。\n一、总体要求\n到2025年建成10个示范点。\n",
                "关于加强基层党组织建设的实施意见|各乡镇党委|unknown|opinion");
    expect_head("关于落实巡察反馈意见整改情况的报告\n一、整改情况\n已整改12项。\n",
                "关于落实巡察反馈意见整改情况的报告|-|report|rectification");
    expect_head("白河镇“十五五”乡村振兴规划\n一、发展基础\n全镇耕地3万亩。\n",
                "白河镇“十五五”乡村振兴规划|-|unknown|programme");
    expect_head("青山街道2025年人居环境整治行动方案\n一、工作目标\n完成改厕300户。\n",
                "青山街道2025年人居环境整治行动方案|-|unknown|programme");
    expect_head("关于行动方案执行情况的报告\n一、执行情况\n完成改厕300户。\n",
                "关于行动方案执行情况的报告|-|report|annual-report");
    expect_head("关于落实巡察反馈意见整改情况的报告\n一、整改进展\n已整改40项。\n",
                "关于落实巡察反馈意见整改情况的报告|-|report|rectification");
    /* the type from the subtitle when the title names no kind */
    expect_head("砥砺奋进谱新篇\n——青山街道2024年工作总结\n一、主要工作\n开展活动12次。\n",
                "砥砺奋进谱新篇|-|report|annual-report");
    /* the type from the opening sentence when nothing in the title block says */
    expect_head("青山街道党工委\n按照区委要求，现将2025年工作计划如下：\n一、加强学习\n开展学习12次。\n",
                "-|-|plan|work-plan");
    /* 现将…汇报如下： is the opening, no addressee */
    expect_head("县交通局工作总结\n现将工作汇报如下：\n一、主要工作\n开展学习12次。\n", "县交通局工作总结|-|report|annual-report");
}

/* "title|organization" of a report */
static void expect_title_org(const char *text, const char *want)
{
    json_t *j = facts(text);
    const char *t = field(j, "title"), *o = field(j, "organization");
    char got[1024];
    snprintf(got, sizeof got, "%s|%s", t ? t : "-", o ? o : "-");
    if (strcmp(got, want))
        fail_msg("%s: got %s, want %s", text, got, want);
    json_decref(j);
}

/* An organisation line above a title line is the title's first part, of
 * whatever kind the organisation; a masthead (版头, 文号), a speaker, a
 * dateline or a repeated organisation is not. */
static void test_title_organisation_line(void **s)
{
    (void)s;
    expect_title_org("东岭县人力资源和社会保障局\n2025年工作要点\n一、稳定就业\n（一）新增城镇就业3000人。\n",
                     "东岭县人力资源和社会保障局2025年工作要点|东岭县人力资源和社会保障局");
    expect_title_org("青溪职业技术学院\n2024年工作報告\n一、主要工作\n全年招生3000人。\n",
                     "青溪职业技术学院2024年工作報告|青溪职业技术学院");
    expect_title_org("白河乡柳湾村\n2025年工作安排\n一、发展产业\n新建大棚30个。\n", "白河乡柳湾村2025年工作安排|白河乡柳湾村");
    expect_title_org("东岭县实验小学\n2024年工作总结\n一、主要工作\n开展活动12次。\n",
                     "东岭县实验小学2024年工作总结|东岭县实验小学");
    /* the title names the organisation again: it is not doubled */
    expect_title_org("东岭县实验小学\n东岭县实验小学2024年工作总结\n一、主要工作\n开展活动12次。\n",
                     "东岭县实验小学2024年工作总结|东岭县实验小学");
    /* 版头 and 文号 (with its 签发人) stay out; the issuer line under them joins */
    expect_title_org("东岭县财政局文件\n东财发〔2025〕3号\n东岭县财政局\n2025年工作要点\n一、加强预算\n（一）压减支出5%。\n",
                     "东岭县财政局2025年工作要点|东岭县财政局");
    expect_title_org("中共东岭县委员会文件\n东发［2024］12号　　签发人：王××\n2024年落实主体责任情况的报告\n"
                     "一、主要工作\n开展学习12次。\n",
                     "2024年落实主体责任情况的报告|-");
    expect_title_org("〔2024〕12号\n2024年工作总结\n一、主要工作\n开展学习12次。\n", "2024年工作总结|-");
    /* a speaker line, a dateline stay out of the title; the speaker's post names the organisation */
    expect_title_org("2024年工作总结\n东岭县水务局局长　周××\n（2025年1月16日）\n一、主要工作\n开展学习12次。\n",
                     "2024年工作总结|东岭县水务局");
    /* an opening fragment (在…) goes on in the next line; the organisation follows 在 */
    expect_head("在县林业局机关第二党支部\n2024年度组织生活会上的讲话\n同志们：\n今天我们召开组织生活会。\n"
                "一、成绩\n开展学习12次。\n",
                "在县林业局机关第二党支部2024年度组织生活会上的讲话|同志们|unknown|speech");
    expect_title_org("在县林业局机关第二党支部\n2024年度组织生活会上的发言\n周××\n一、成绩\n开展学习12次。\n",
                     "在县林业局机关第二党支部2024年度组织生活会上的发言|县林业局机关第二党支部");
    expect_head("在全县2025年\n经济工作会议上的讲话\n县委书记　李××\n同志们：\n这次会议很重要。\n一、工作回顾\n增长6%。\n",
                "在全县2025年经济工作会议上的讲话|同志们|unknown|speech");
    /* a 关于 line naming no kind takes the next short line */
    expect_head("关于印发《东岭县2025年党建工作要点》的\n通知\n各乡镇党委：\n现印发给你们。\n一、加强学习\n开展学习12次。\n",
                "关于印发《东岭县2025年党建工作要点》的通知|各乡镇党委|plan|work-plan");
}

/* A title on one line with the page's fields, a title in leftover HTML under
 * page text, and page text no rule knows above the title. */
static void test_title_page_text(void **s)
{
    (void)s;
    expect_head("柳塘社区2024年工作总结　发布时间：2024-12-26　来源：柳塘居委会　作者：办公室\n"
                "一、主要工作\n开展活动12次。\n二、存在的问题\n一是活动形式单一。\n三、2025年工作计划\n（一）丰富活动。\n",
                "柳塘社区2024年工作总结|-|report|annual-report");
    expect_head("社区工作总结精选8篇\n【下载】【打印】【收藏】\n白河镇党委2024年度工作总结.docx\n"
                "<p style=\"text-align:center\"><strong>白河镇党委2024年度工作总结</strong></p>\n"
                "今年以来，镇党委坚持以党建引领发展。\n一、主要工作\n开展活动12次。\n",
                "白河镇党委2024年度工作总结|-|report|annual-report");
    /* the fields after a date or a bar, and a font-size bar glued to the title */
    expect_head("柳塘社区2024年工作总结 2024-12-26 10:30 来源：柳塘居委会\n一、主要工作\n开展活动12次。\n",
                "柳塘社区2024年工作总结|-|report|annual-report");
    expect_head("柳塘社区2024年工作总结 | 发布时间：2024-12-26 | 浏览次数：88\n一、主要工作\n开展活动12次。\n",
                "柳塘社区2024年工作总结|-|report|annual-report");
    expect_head("柳塘社区2024年工作总结【字体：大 中 小】\n一、主要工作\n开展活动12次。\n",
                "柳塘社区2024年工作总结|-|report|annual-report");
    /* Word's own tags and comments are leftover markup too */
    expect_head("<!--StartFragment--><p class=MsoNormal>白河镇2024年工作总结<o:p></o:p></p>\n一、主要工作\n开展活动12次。\n",
                "白河镇2024年工作总结|-|report|annual-report");
    /* a field in a body sentence stays */
    json_t *j = facts("白河镇2024年工作总结\n一、主要工作\n全年接待来访120人次　来源：信访台账。\n");
    assert_int_equal(json_array_size(json_object_get(j, "metrics")), 1);
    json_decref(j);
    /* lines of a site's own (栏目：…, 阅读数：…) above the title are skipped and
     * named; the type and the profile come from the title found after them */
    j = facts("栏目：工作总结　　字号：T|T\n阅读数：128\n东岭县应急管理局2024年工作总结\n"
              "2024年，我局坚持人民至上。\n一、安全生产\n开展检查120次。\n二、2025年工作安排\n（一）深化隐患排查。\n");
    assert_string_equal(field(j, "title"), "东岭县应急管理局2024年工作总结");
    assert_string_equal(field(j, "doc_type"), "report");
    assert_string_equal(field(j, "organization"), "东岭县应急管理局");
    json_t *w = json_object_get(j, "warnings");
    int named = 0;
    for (size_t i = 0; i < json_array_size(w); i++)
        named += strstr(field(json_array_get(w, i), "message"), "2 lines above the title") != NULL;
    assert_int_equal(named, 1);
    json_decref(j);
    /* a sentence above a short line ends the search: no title is taken from the body */
    expect_head("今年以来，我们认真落实各项工作。\n主要工作情况\n一、学习\n开展学习12次。\n", "-|-|report|annual-report");
}

/* A 称谓 listing recipients with commas and 、, after a 版头 and 文号. */
static void test_recipients(void **s)
{
    (void)s;
    expect_head("东岭县人力资源和社会保障局文件\n东人社发〔2025〕6号\n东岭县人力资源和社会保障局\n"
                "关于印发2025年工作要点的通知\n各乡镇人民政府，县直各单位，局机关各股室、各下属单位：\n"
                "现将要点印发给你们。\n一、稳定就业\n新增就业3000人。\n",
                "东岭县人力资源和社会保障局关于印发2025年工作要点的通知|各乡镇人民政府，县直各单位，局机关各股室、各下属单位|plan|work-plan");
    expect_head("东岭县教育局2024年工作报告\n各位代表、老师们、同志们：\n现在我代表县教育局作工作报告。\n"
                "一、主要工作\n开展活动12次。\n",
                "东岭县教育局2024年工作报告|各位代表、老师们、同志们|report|annual-report");
    expect_head("东岭县教育局2024年工作报告\n县委，县政府，市教育局：\n一、主要工作\n开展活动12次。\n",
                "东岭县教育局2024年工作报告|县委，县政府，市教育局|report|annual-report");
    expect_head("东岭县实验小学2024年工作总结\n尊敬的各位领导、各位评委，亲爱的老师们、同学们，家长朋友们：\n"
                "一、主要工作\n开展活动12次。\n",
                "东岭县实验小学2024年工作总结|尊敬的各位领导、各位评委，亲爱的老师们、同学们，家长朋友们|report|annual-report");
    expect_head("东岭县人民政府2024年工作报告\n县委各部委，县级国家机关各部门，各人民团体：\n一、主要工作\n开展活动12次。\n",
                "东岭县人民政府2024年工作报告|县委各部委，县级国家机关各部门，各人民团体|report|annual-report");
    /* a sentence with commas ending in ： is no 称谓 */
    expect_head("东岭县教育局2024年工作报告\n根据县委安排，结合我局实际，现将有关工作报告：\n一、主要工作\n开展活动12次。\n",
                "东岭县教育局2024年工作报告|-|report|annual-report");
    expect_head("东岭县教育局2024年工作报告\n各位领导，按照县委组织部统一部署和年初确定的工作目标任务要求：\n一、主要工作\n开展活动12次。\n",
                "东岭县教育局2024年工作报告|-|report|annual-report");
}

/* A dateline in Chinese numerals with ○ for zero is a date. */
static void test_circle_zero(void **s)
{
    (void)s;
    expect_signature("县财政局\n二○二四年十二月二十日\n", "县财政局|2024-12-20|-");
    json_t *j = facts("二○二○年工作总结\n一、主要工作\n二○二○年开展学习12次。\n");
    json_t *years = json_object_get(j, "years");
    assert_int_equal(json_array_size(years), 1);
    assert_int_equal(json_integer_value(json_array_get(years, 0)), 2020);
    json_decref(j);
}

/* The years found in a report whose body starts with lead ASCII bytes,
 * then `years`: n of them into got. */
static size_t years_after(size_t lead, const char *years, json_int_t got[2])
{
    char text[256];
    snprintf(text, sizeof text, "工作总结\n一、主要工作\n%.*s%s开展学习12次。\n", (int)lead, "abcdefgh", years);
    json_t *j = facts(text);
    json_t *v = json_object_get(j, "years");
    size_t n = json_array_size(v);
    for (size_t i = 0; i < n && i < 2; i++)
        got[i] = json_integer_value(json_array_get(v, i));
    json_decref(j);
    return n;
}

/* A year is found at each place of the eight bytes the scan skips by,
 * whether its first byte is a digit or the E4 of 二; two in one eight
 * bytes, or after a place that only looked like one (人: E4 BA). */
static void test_year_at_every_place(void **s)
{
    (void)s;
    static const char *const years[] = {"2023年", "二〇二三年"};
    static const char *const pairs[] = {"2022年2023年", "人二〇二二年人2023年"};
    for (size_t y = 0; y < 2; y++)
        for (size_t lead = 0; lead < 9; lead++) {
            json_int_t got[2];
            assert_int_equal(years_after(lead, years[y], got), 1);
            assert_int_equal(got[0], 2023);
            assert_int_equal(years_after(lead, pairs[y], got), 2);
            assert_int_equal(got[0], 2022);
            assert_int_equal(got[1], 2023);
        }
}

/* Every form of a year at every place of the vector scan's 32 bytes, in a
 * text long enough for it, after words its filter turns away (12个, 一些,
 * 一九 not a year, 二十). */
static void test_year_forms_at_every_place(void **s)
{
    (void)s;
    for (int lead = 0; lead < 40; lead++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "工作总结\n一、主要工作\n%.*s12个一些一九二十1.5亿，一九九八年、二〇二二年、二○二三年、二零二四年、2025年，"
                 "全年开展学习十二次，完成各项任务，群众满意度持续提升，各项工作取得新进展。\n",
                 lead, "abcdefghijabcdefghijabcdefghijabcdefghij");
        json_t *j = facts(text);
        json_t *v = json_object_get(j, "years");
        static const int want[] = {1998, 2022, 2023, 2024, 2025};
        assert_int_equal(json_array_size(v), 5);
        for (size_t i = 0; i < 5; i++)
            assert_int_equal(json_integer_value(json_array_get(v, i)), want[i]);
        json_decref(j);
    }
}

/* Years in numerals open with 一九 or 二〇 (○, 零): found among the many
 * words 一 and 二 open; a date line in numerals signs the report. */
static void test_year_numerals(void **s)
{
    (void)s;
    json_t *j = facts("东岭县林业局一九九九年工作总结\n一、主要工作\n一九九八年开展学习12次，一二三四年一个二十年，"
                      "二零二三年完成任务。\n东岭县林业局\n二〇二四年一月五日\n");
    json_t *years = json_object_get(j, "years");
    assert_int_equal(json_array_size(years), 4);
    assert_int_equal(json_integer_value(json_array_get(years, 0)), 1998);
    assert_int_equal(json_integer_value(json_array_get(years, 2)), 2023);
    assert_int_equal(json_integer_value(json_array_get(years, 3)), 2024);
    assert_string_equal(field(json_object_get(j, "signature"), "date"), "2024-01-05");
    json_decref(j);
}

/* The years of a range count, a school year too; a title glued to a page
 * number (…总结1/3) loses it. */
static void test_year_ranges(void **s)
{
    (void)s;
    json_t *j = facts("枫林中学2023—2024学年度工作总结1/3\n一、主要工作\n新建教室2间。\n三、今后打算\n到2026年建成智慧校园。\n");
    json_t *years = json_object_get(j, "years");
    assert_int_equal(json_array_size(years), 3);
    assert_int_equal(json_integer_value(json_array_get(years, 0)), 2023);
    assert_int_equal(json_integer_value(json_array_get(years, 2)), 2026);
    assert_string_equal(field(j, "title"), "枫林中学2023—2024学年度工作总结");
    json_decref(j);
    j = facts("云岭镇乡村振兴三年行动方案\n（2024—2026年）\n一、总体目标\n建成示范村5个。\n");
    years = json_object_get(j, "years");
    assert_int_equal(json_array_size(years), 2);
    assert_int_equal(json_integer_value(json_array_get(years, 0)), 2024);
    assert_string_equal(field(j, "title"), "云岭镇乡村振兴三年行动方案");
    json_decref(j);
    /* a fraction in a sentence is kept: 2/3 is no year, no page */
    j = facts("2023年工作总结\n一、主要工作\n占全体党员的2/3以上。\n");
    assert_int_equal(json_array_size(json_object_get(j, "years")), 1);
    json_decref(j);
}

/* "organization|period text|from|to" of a report, "-" for null. */
static void expect_org_period(const char *text, const char *want)
{
    json_t *j = facts(text);
    const char *o = field(j, "organization");
    json_t *p = json_object_get(j, "period");
    char got[1024];
    if (json_is_object(p))
        snprintf(got, sizeof got, "%s|%s|%lld|%lld", o ? o : "-", field(p, "text"),
                 (long long)json_integer_value(json_object_get(p, "from")),
                 (long long)json_integer_value(json_object_get(p, "to")));
    else
        snprintf(got, sizeof got, "%s|-", o ? o : "-");
    if (strcmp(got, want))
        fail_msg("%s: got %s, want %s", text, got, want);
    json_decref(j);
}

/* The period from school-year spans and Chinese-numeral years in a title,
 * from the sentence that announces the report rather than the first year of
 * the opening; the organisation from the opening (现将…, 当选…书记) or a
 * title-block line when nothing else names it. */
static void test_org_period(void **s)
{
    (void)s;
    expect_org_period("东湖中学2024—2025学年第一学期工作总结\n一、教学工作\n开展公开课12节。\n",
                      "东湖中学|2024—2025学年第一学期|2024|2025");
    expect_org_period("城南小学2023-2024学年度德育工作总结\n一、主要工作\n开展活动8次。\n",
                      "城南小学|2023-2024学年度|2023|2024");
    expect_org_period("中共东岭县林业局党组关于二〇二三年度党建工作情况的报告\n一、主要工作\n开展学习12次。\n",
                      "中共东岭县林业局党组|二〇二三年度|2023|2023");
    expect_org_period("二○二四年工作总结\n一、主要工作\n开展学习12次。\n", "-|二○二四年|2024|2024");
    /* another script's digits are \d to the period's pattern: no period,
     * but the organisation ends where they start */
    expect_org_period("东岭县林业局\u0662\u0660\u0662\u0663年工作总结\n一、主要工作\n开展学习12次。\n", "东岭县林业局|-");
    /* 2019年 opens the sentence about the post; the report is on 2023年度 */
    expect_org_period("述职报告\n各位领导：\n本人自2019年当选石桥村党支部书记以来，团结班子成员开展工作。"
                      "下面，我将2023年度履职情况报告如下。\n一、履职情况\n发展党员2名。\n",
                      "石桥村党支部|2023年度|2023|2023");
    /* 现将 + an organisation before its year, or before 关于 */
    expect_org_period("按照上级要求，现将第二分局党委2024年党建工作情况汇报如下：\n一、主要工作\n开展学习12次。\n",
                      "第二分局党委|2024年|2024|2024");
    expect_org_period("根据通知要求，现将中共东岭县审计局党组关于2024年落实主体责任的情况报告如下。\n"
                      "一、主要工作\n开展学习12次。\n",
                      "中共东岭县审计局党组|2024年|2024|2024");
    /* a post held: 任县人民政府副县长 */
    expect_org_period("2024年度述职报告\n各位领导：\n本人自2022年任东岭县人民政府副县长以来，分管农业农村工作。\n"
                      "一、主要工作\n新建农田3万亩。\n",
                      "东岭县人民政府|2024年度|2024|2024");
    /* 现将 before no organisation, 任 inside 任务: nothing */
    expect_org_period("2024年工作总结\n现将全年工作情况汇报如下：\n一、主要工作\n完成任务分解到各科室。\n",
                      "-|2024年|2024|2024");
    /* 述职人：… on a title-block line */
    expect_org_period("2024年度述职报告\n述职人：东岭县水务局副局长　周××\n尊敬的各位领导：\n一、主要工作\n开展学习12次。\n",
                      "东岭县水务局|2024年度|2024|2024");
}

/* Web furniture is skipped and named in a warning; leftover HTML goes. */
static void test_furniture(void **s)
{
    (void)s;
    json_t *j = facts("首页 -> 要闻 -> 工作动态\n作者：办公室　来源：县政府网　访问量：1234\n【下载】【打印】【关闭】\n"
                      "县林业局2024年工作总结精选8篇\n县林业局2024年工作总结.docx\n县林业局2024年工作总结\n"
                      "<p style=\"text-indent:2em\">一、主要工作<br></p>\n全年造林1.2万亩&nbsp;，此处隐藏955个字……\n"
                      "版权所有：东岭县人民政府　ICP备12345678号\n");
    assert_string_equal(field(j, "title"), "县林业局2024年工作总结");
    json_t *w = json_object_get(j, "warnings");
    int lines = 0, inl = 0;
    for (size_t i = 0; i < json_array_size(w); i++) {
        const char *code = field(json_array_get(w, i), "code"), *msg = field(json_array_get(w, i), "message");
        if (!strcmp(code, "web-furniture") && strstr(msg, "6 lines") && strstr(msg, "首页"))
            lines++;
        else if (!strcmp(code, "web-furniture"))
            inl++;
    }
    assert_int_equal(lines, 1);
    assert_int_equal(inl, 1);
    json_t *secs = json_object_get(j, "sections");
    assert_int_equal(json_array_size(secs), 1);
    assert_string_equal(field(json_array_get(secs, 0), "title"), "主要工作");
    json_decref(j);
}

/* Traditional script is read through OpenCC; spans point into the text. */
static void test_traditional(void **s)
{
    (void)s;
    const char *text = "東嶺縣水利局2024年工作總結\n各位領導：\n一、主要工作\n全年完成投資3.5億元，開展巡查860次。\n"
                       "二、存在的問題\n一是資金缺口較大；二是專業人員不足。\n三、2025年工作計劃\n（一）推進水庫加固。\n";
    json_t *j = facts(text);
    assert_string_equal(field(j, "title"), "東嶺縣水利局2024年工作總結");
    assert_string_equal(field(j, "doc_type"), "report");
    json_t *secs = json_object_get(j, "sections");
    assert_int_equal(json_array_size(secs), 3);
    assert_string_equal(field(json_array_get(secs, 1), "kind"), "problems");
    assert_string_equal(field(json_array_get(secs, 2), "kind"), "plans");
    json_t *m = json_array_get(json_object_get(j, "metrics"), 0);
    json_t *span = json_object_get(m, "span");
    size_t a = (size_t)json_integer_value(json_array_get(span, 0)), b = (size_t)json_integer_value(json_array_get(span, 1));
    assert_true(b > a && b <= strlen(text));
    assert_memory_equal(text + a, "3.5億元", b - a);
    json_t *probs = json_object_get(json_object_get(j, "problems"), "items");
    assert_int_equal(json_array_size(probs), 2);
    assert_string_equal(field(json_array_get(probs, 0), "title"), "資金缺口較大");
    json_decref(j);
    /* simplified text with a few shared characters is read as written */
    j = facts("县廉政教育中心工作总结\n一、主要工作\n开展廉政教育12次。\n");
    assert_int_equal(json_array_size(json_object_get(j, "warnings")), 0);
    json_decref(j);
    /* … and so is simplified text quoting traditional names (six marks),
     * where the simplified forms outnumber them: no OpenCC pass */
    j = facts("县文旅局2024年工作总结\n一、主要工作\n我们对接台湾“會員服務中心”“時報書店”“萬國書會”，"
              "开展交流活动6次，为来访团组提供了周到的服务。这些工作得到了各方的好评，我们会继续做好。\n");
    assert_int_equal(json_array_size(json_object_get(j, "warnings")), 0);
    assert_string_equal(field(j, "title"), "县文旅局2024年工作总结");
    json_decref(j);
}

/* The script check stops once the simplified forms outnumber every mark
 * still to come (at most 400 characters of evidence in all): 199 of them
 * before 300 marks leave the marks ahead when the count ends, 200 do not. */
static void test_traditional_decided_early(void **s)
{
    (void)s;
    for (int plain = 199; plain <= 200; plain++) {
        char text[4096], *t = text;
        for (int i = 0; i < plain; i++)
            t += sprintf(t, "们");
        for (int i = 0; i < 300; i++)
            t += sprintf(t, "們");
        json_t *j = facts(text);
        json_t *ws = json_object_get(j, "warnings");
        int converted = 0;
        for (size_t i = 0; i < json_array_size(ws); i++)
            converted |= !strcmp(field(json_array_get(ws, i), "code"), "traditional-script");
        assert_int_equal(converted, plain == 199);
        json_decref(j);
    }
}

/* Whether e converts text as traditional script. */
static int converted_by(hb_engine *e, const char *text)
{
    json_t *j = tu_extract_json(e, text);
    assert_non_null(j);
    json_t *ws = json_object_get(j, "warnings");
    int yes = 0;
    for (size_t i = 0; i < json_array_size(ws); i++)
        yes |= !strcmp(field(json_array_get(ws, i), "code"), "traditional-script");
    json_decref(j);
    return yes;
}

static int converted(const char *text)
{
    return converted_by(engine, text);
}

/* The check reads Han text two characters a step: the same verdicts as
 * above with each piece of evidence after an ASCII letter, a character of
 * two bytes, one of three that is no evidence, or a pair of those, so
 * that evidence falls first and second in a step and off the steps. */
static void test_traditional_at_every_place(void **s)
{
    (void)s;
    const char *before[] = {"a", "é", "的", "的地", "ab的"};
    for (size_t k = 0; k < sizeof before / sizeof *before; k++)
        for (int plain = 199; plain <= 200; plain++) {
            char text[16384], *t = text;
            for (int i = 0; i < plain; i++)
                t += sprintf(t, "%s们", before[k]);
            for (int i = 0; i < 300; i++)
                t += sprintf(t, "%s們", before[k]);
            assert_int_equal(converted(text), plain == 199);
        }
    /* five marks, each last in the text or after an odd byte count */
    assert_true(converted("x們x們x們x們x們"));
    assert_false(converted("x們x們x們x們x"));
}

/* A short report is first asked whether it holds any mark (one vector
 * scan, in 32-byte steps and the bytes after them): five marks at the end,
 * after every count of bytes of one block or two, are all found. */
static void test_traditional_marks_last(void **s)
{
    (void)s;
    for (int n = 0; n < 70; n++) {
        char text[512], *t = text;
        for (int i = 0; i < n; i++)
            t += sprintf(t, "%s", i % 3 ? "a" : "的");
        sprintf(t, "們們們們們");
        assert_true(converted(text));
        sprintf(t, "們們們們");
        assert_false(converted(text));
    }
}

/* A mark added in an overlay whose last two bytes are those of a plain
 * character (廬 E5 BB AC, 们 E4 BB AC): the tally by those bytes can no
 * longer tell them apart, and the check counts each one by its code point;
 * the verdicts stay those of dict/ alone. */
static void test_traditional_shared_tail(void **s)
{
    (void)s;
    hb_engine *e = tu_overlay_engine("script.txt", "mark\t廬\n");
    char text[4096], *t = text;
    for (int i = 0; i < 6; i++)
        t += sprintf(t, "们");
    for (int i = 0; i < 7; i++)
        t += sprintf(t, "廬");
    assert_true(converted_by(e, text));
    assert_false(converted(text));
    for (int plain = 199; plain <= 200; plain++) {
        t = text;
        for (int i = 0; i < plain; i++)
            t += sprintf(t, "们");
        for (int i = 0; i < 300; i++)
            t += sprintf(t, "們");
        assert_int_equal(converted_by(e, text), plain == 199);
    }
    hb_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signature),
        cmocka_unit_test(test_title_addressee_type),
        cmocka_unit_test(test_title_block),
        cmocka_unit_test(test_title_organisation_line),
        cmocka_unit_test(test_title_page_text),
        cmocka_unit_test(test_recipients),
        cmocka_unit_test(test_circle_zero),
        cmocka_unit_test(test_year_at_every_place),
        cmocka_unit_test(test_year_ranges),
        cmocka_unit_test(test_org_period),
        cmocka_unit_test(test_year_numerals),
        cmocka_unit_test(test_year_forms_at_every_place),
        cmocka_unit_test(test_first_cue_decides),
        cmocka_unit_test(test_furniture),
        cmocka_unit_test(test_traditional),
        cmocka_unit_test(test_traditional_decided_early),
        cmocka_unit_test(test_traditional_at_every_place),
        cmocka_unit_test(test_traditional_marks_last),
        cmocka_unit_test(test_traditional_shared_tail),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
