/* Metrics: every written form of a count, masks, approximations, ranges,
 * exclusions (dates, ordinals, names, idioms, quoted terms), subjects,
 * normalisation, overflow, dictionary errors and pathological inputs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "doc.h"
#include "engine.h"
#include "metric_subject.h"
#include "metrics.h"
#include "numeral.h"
#include "testutil.h"
#include "units.h"

/* The scorer's view of one metric: value or *, + when approximate, a range
 * as lo-hi, then the unit: "6次", "*+场次", "3-5次", "3.5万人". */
static void key_of(const hb_metric *m, char *buf, size_t cap)
{
    char v[64];
    if (m->masked)
        snprintf(v, sizeof v, "*");
    else if (isnan(m->value))
        snprintf(v, sizeof v, "null");
    else if (!isnan(m->value_max))
        snprintf(v, sizeof v, "%g-%g", m->value, m->value_max);
    else
        snprintf(v, sizeof v, "%.10g", m->value);
    snprintf(buf, cap, "%s%s%s", v, m->approx ? "+" : "", m->unit);
}

/* All metric keys of a text, joined with ';'. */
static char *keys(const char *text, hb_report **keep)
{
    hb_report *r = tu_extract(engine, text);
    assert_non_null(r);
    static char out[8192];
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r->metrics->list.n; i++) {
        char k[128];
        key_of(&r->metrics->list.v[i], k, sizeof k);
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", i ? ";" : "", k);
    }
    if (keep)
        *keep = r;
    else
        hb_report_free(r);
    return out;
}

static void expect_keys(const char *text, const char *want)
{
    const char *got = keys(text, NULL);
    if (strcmp(got, want))
        fail_msg("%s\n  want %s\n  got  %s", text, want, got);
}

static void test_written_forms(void **s)
{
    (void)s;
    expect_keys("开展研讨交流6次，举办培训班１９期，覆盖党员1,200名，投入资金3.5万元。",
                "6次;19期;1200名;3.5万元");
    expect_keys("全县两千三百人参加，召开会议十三次，培训一百二十人，发放1.5万册、3千份。",
                "2300人;13次;120人;1.5万册;3000份");
    expect_keys("其中党员四十三名，走访一百零五户，完成12.5公里。", "43名;105户;12.5公里");
    expect_keys("覆盖2.1万人次，资产3.68万亿元，收入4.2亿元。", "2.1万人次;3.68万亿元;4.2亿元");
    /* compound measure words win over their first character */
    expect_keys("组织活动11场次，走访600家次、380户次，刊发20篇次，学习48课时，8批次。",
                "11场次;600家次;380户次;20篇次;48课时;8批次");
    expect_keys("较上年提升2.1个百分点，历时3个月。", "2.1个百分点;3个月");
}

static void test_masks(void **s)
{
    (void)s;
    expect_keys("发展党员**名，组织活动***余场次，占比**％，**余人次参加。",
                "*名;*+场次;*%;*+人次");
    expect_keys("阅读XX篇，经费xx万元，覆盖××人次，共＊＊个单位。", "*篇;*万元;*人次;*个");
    /* every mask character of chars.c masks a metric: □ and ○ repeated
     * (alone they are boxes and bullets), ✕ like × */
    expect_keys("发展党员□□名，走访○○户，培训✕✕人次。", "*名;*户;*人次");
    expect_keys("□名单位、○户代表参加。", "");
    /* one x / X before a measure word, and digits hidden in part */
    expect_keys("开展活动x次，培训X人次，营收x.6亿元，利润1x.5万元，签约X个项目，争取资金x万元。",
                "*次;*人次;*亿元;*万元;*个;*万元");
    expect_keys("配备X光机，开展X射线检测，X型结构。", "");
    /* offices, systems and ranks are not measure words after a mask */
    expect_keys("**局、**系统、**党校、**级领导、**部门、**单位推进落实。", "");
    expect_keys("建成率达***。为期***的培训。", "");
    expect_keys("**部、**处、**所负责，**人民政府，**人大常委会，落实**批示，**组织部。", "");
    expect_keys("整改隐患386处，新建4所学校，拍摄2部专题片。", "386处;4所;2部");
    /* …but one at a clause end counts */
    expect_keys("创建示范校××所，拍摄专题片**部。", "*所;*部");
    /* a Chinese decimal and its unit is a count, not a formulation shaped
     * like 一X五Y; 门 and 宗 count, 一门心思 does not */
    expect_keys("剩下的一点五公里也要修。修路三点五公里。", "1.5公里;3.5公里");
    expect_keys("开发精品课程30门，盘活资产3至5宗，一门心思抓发展。", "30门;3-5宗");
    hb_report *r;
    keys("发展党员**名。", &r);
    const hb_metric *m = &r->metrics->list.v[0];
    assert_true(m->masked);
    assert_true(isnan(m->value));
    assert_string_equal(m->unit, "名");
    assert_string_equal(m->category, "people");
    hb_report_free(r);
}

static void test_approximations(void **s)
{
    (void)s;
    expect_keys("百余名干部参赛，近百户受益，约15万元，超过90%，逾千人次，三十多次。",
                "100+名;100+户;15+万元;90+%;1000+人次;30+次");
    expect_keys("开展监督2次以上，发展党员25名左右，至少培育1个品牌，收入突破50万元。",
                "2+次;25+名;1+个;50+万元");
    expect_keys("力争年内新建党组织5个以上，1,580余名党员报到。", "5+个;1580+名");
    /* a bound word before what is counted */
    expect_keys("按照不低于职工总数1%的比例配备。", "1+%");
    hb_report *r;
    keys("服务群众2万余户。", &r);
    const hb_metric *m = &r->metrics->list.v[0];
    assert_string_equal(m->approx_word, "余");
    assert_string_equal(m->unit, "万户");
    hb_report_free(r);
    /* 约 of 签约 and 近 of 最近 belong to other words */
    expect_keys("家庭医生签约21.6万人，最近3次会议。", "21.6万人;3次");
}

static void test_ranges_and_percentages(void **s)
{
    (void)s;
    expect_keys("每季度3至5次，分3-5批次，组建三五支队伍，每人联系1至2个村。",
                "3-5次;3-5批次;3-5支;1-2个");
    expect_keys("增长5%，下降５％，达到百分之八十，实现百分之百，95%以上。",
                "5%;5%;80%;100%;95+%");
    /* 三个百分 is no numbered formulation that would hide the count */
    expect_keys("同比提高零点五个百分点，下降三个百分点。", "0.5个百分点;3个百分点");
}

static void test_exclusions(void **s)
{
    (void)s;
    expect_keys("2023年，2023年度，5月份，11月，12月20日，二〇二三年，近3年。", "");
    expect_keys("每周2次，周一上午，星期五下午，2022-2023学年，10:30，G20。", "2次");
    expect_keys("第二届运动会，第十四次会议，第三批试点，第四卷***本。", "*本");
    expect_keys("党的二十大，十四五规划，中央八项规定，发现一起查处一起，一批干部，一些问题。", "");
    expect_keys("当前和今后一个时期，每季度开展一次，一岗双责。", "");
    expect_keys("历时约一个月，一百二十人参加。", "1+个月;120人");
    expect_keys("建立两台账，落实两条例，二支部，建党100周年，保持两位数增长。", "");
    /* numbers inside quoted terms, book titles and known slogans */
    expect_keys("摸排“不足3人党支部”，学习《2023年工作要点》，增强“四个意识”。", "");
    expect_keys("增强四个意识，坚定四个自信，落实三会一课。", "");
    /* section and item markers */
    expect_keys("一、工作情况\n（一）强化学习\n1.提高站位\n一是抓学习。", "");
    /* the Chinese comma is no thousands separator */
    expect_keys("培训100，200人次参加。", "");
    /* the text counting its own parts, sessions of a congress, ages, classes */
    expect_keys("重点抓好以下五个方面工作，归纳为如下三点。", "");
    expect_keys("五个方面分别是，主要集中在两个方面：，概括为“严实细快”四个字，讲三句话，谈三点体会。", "");
    /* …but another document's parts still count */
    expect_keys("制定工作要点，共6个方面、28项任务。", "6个;28项");
    expect_keys("政协十届五次会议，职代会三届二次会议期间收到提案12件。", "12件");
    expect_keys("本文浏览次数:356次，访问量：1873次。", "");
    expect_keys("完成县十八届人大二次会议和政协三次会议确定的任务。", "");
    expect_keys("为60岁以上老年人、年满70周岁的老人体检。", "");
    expect_keys("对一类、二类出口企业即报即审。", "");
}

/* Compound measure words and the units of farms, finance, health and buildings. */
static void test_more_units(void **s)
{
    (void)s;
    expect_keys("购置智能装备312台套，吸引外资1.86亿美元、2350万美元。", "312台套;1.86亿美元;2350万美元");
    expect_keys("出栏生猪23.5万头、家禽180万羽，发放贷款326笔，接诊1.2万例，改造危房137栋。",
                "23.5万头;180万羽;326笔;1.2万例;137栋");
    /* traditional script: read through OpenCC, the unit reported as written */
    expect_keys("縣教育局2024年工作總結\n一、主要工作\n開設興趣社團41個，完成項目27項，發展黨員12名，投入經費1260萬元。\n",
                "41個;27項;12名;1260萬元");
    /* a sign before the number; a range is no sign; a missing number is null, not 1 */
    expect_keys("增速为-6.4%，收益率为-3.2%，招募3-5名，完成投资约亿元。", "-6.4%;-3.2%;3-5名;null+亿元");
}

static void test_subjects_and_text(void **s)
{
    (void)s;
    hb_report *r;
    keys("区直工委有4个机关事业单位党支部荣获市级称号，开展研讨交流6次，主持召开工委委员会议2次。", &r);
    assert_int_equal(r->metrics->list.n, 3);
    json_t *root = tu_json(r);
    assert_non_null(root);
    json_t *a = json_object_get(root, "metrics");
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "subject")),
                        "机关事业单位党支部");
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "category")),
                        "organisation");
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "subject")), "研讨交流");
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "text")),
                        "开展研讨交流6次");
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 2), "subject")),
                        "工委委员会议");
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 2), "category")), "meeting");
    json_decref(root);
    hb_report_free(r);
}

/* The subject and category of the only metric of a sentence. */
static void expect_subject(const char *text, const char *subject, const char *category)
{
    hb_report *r;
    keys(text, &r);
    assert_int_equal(r->metrics->list.n, 1);
    const hb_metric *m = &r->metrics->list.v[0];
    char got[256];
    snprintf(got, sizeof got, "%.*s", (int)(m->send - m->sstart), r->view + m->sstart);
    if (strcmp(got, subject))
        fail_msg("%s: subject %s, expected %s", text, got, subject);
    assert_string_equal(m->category, category);
    hb_report_free(r);
}

static void test_subject_phrases(void **s)
{
    (void)s;
    /* what follows the last leading verb, tagged as a noun or not */
    expect_subject("全年召开中心组集中学习会14次。", "中心组集中学习会", "meeting");
    expect_subject("委党委理论学习中心组全年开展集体学习15次。", "集体学习", "training");
    /* the head noun decides the category: a meeting, not a branch */
    expect_subject("全年召开支部党员大会5次。", "支部党员大会", "meeting");
    /* the object of another verb; a quoted name stays whole */
    expect_subject("党委班子成员到基层所队讲授专题党课××场次。", "专题党课", "training");
    expect_subject("评选表彰“最美养护工”10名。", "“最美养护工”", "people");
    /* function words do not start or end a phrase; a lone character joins its verb */
    expect_subject("推动解决企业改革发展中的难点问题38个。", "难点问题", "count");
    expect_subject("党员法官占员额法官总数的91%。", "员额法官总数", "percent");
    expect_subject("诉求办结率达97.4%。", "办结率", "percent");
    /* without a leading verb the walk by part of speech decides */
    expect_subject("其中预备党员1名。", "预备党员", "people");
    /* dict/metric_phrases.txt: a suffix makes one noun of the words before
     * it; a comparison before the verb is skipped (the 比 of 占比 is none);
     * 清单 counts as a noun */
    expect_subject("城乡居民医保参保率达到96.7%。", "城乡居民医保参保率", "percent");
    expect_subject("信访投诉件同比减少17件。", "信访投诉件", "case");
    expect_subject("农村生活污水治理率比去年同期提高3.5个百分点。", "农村生活污水治理率", "percent");
    expect_subject("子企业中年轻干部占比达到25%。", "占比", "percent");
    expect_subject("细化集体决策事项清单26项。", "集体决策事项清单", "document");
    /* 收入 is a noun there, whatever its tag; a table's label cell counts */
    expect_subject("全镇村集体经济收入达到386万元。", "全镇村集体经济收入", "money");
    expect_subject("营业收入　86.4亿元", "营业收入", "money");
}

/* The clause text of metric i of a text, as written. */
static void expect_clause(const char *text, size_t i, const char *want)
{
    hb_report *r;
    keys(text, &r);
    assert_true(i < r->metrics->list.n);
    json_t *root = tu_json(r);
    assert_non_null(root);
    json_t *m = json_array_get(json_object_get(root, "metrics"), i);
    assert_string_equal(json_string_value(json_object_get(m, "text")), want);
    json_decref(root);
    hb_report_free(r);
}

/* A clause ends at a comma, but not at the thousands comma of a number
 * token (1,200; 3，500 folded), which the clause walk reads off the view
 * and the number tokens' starts; after a decimal the comma is one again. */
static void test_clause_commas(void **s)
{
    (void)s;
    expect_clause("全县投入1,200万元帮扶困难群众35户。", 1, "全县投入1,200万元帮扶困难群众35户");
    expect_clause("其中3，500名党员参加学习8次。", 0, "其中3，500名党员参加学习8次");
    expect_clause("增长1.5,234户农户参加培训2次。", 0, "234户农户参加培训2次");
    expect_clause("召开会议3次、培训5次。", 1, "培训5次");
}

/* The clause scans skip Han text eight bytes at a time and look closer at
 * ASCII and E3 bytes (，；：！？ folded, 、。): every separator ends a
 * clause, however far into a run; a 。 holding the window's first byte
 * (WINDOW, 120 bytes, back from the number) still ends it. */
static void test_clause_scan(void **s)
{
    (void)s;
    const char *t = "问：全年召开会议研讨交流3次；开展学习教育培训活动5次！其余?另有专题会议7场:结束";
    expect_clause(t, 0, "全年召开会议研讨交流3次");
    expect_clause(t, 1, "开展学习教育培训活动5次");
    expect_clause(t, 2, "另有专题会议7场");
    /* in one block of eight: a thousands comma, then the separator below
     * it (backward) or after the number (forward) */
    expect_clause("开会;1,200元35户,2次。", 1, "1,200元35户");
    expect_clause("开会;1,200元35户,2次。", 2, "2次");
    /* 119 bytes between the 。 and the number: the window starts in the 。 */
    expect_clause("前文内容。ab党员干部群众参加学习教育培训活动推动工作落实见效全面提升能力水平建设基层组织强5次。", 0,
                  "ab党员干部群众参加学习教育培训活动推动工作落实见效全面提升能力水平建设基层组织强5次");
}

/* JSON: every field of the contract; span covers the metric as written. */
static void test_json_fields(void **s)
{
    (void)s;
    const char *text = "一、工作情况\n全年发展党员**名，服务３．５万人次。\n";
    hb_report *r = tu_extract(engine, text);
    assert_non_null(r);
    json_t *root = tu_json(r);
    assert_non_null(root);
    json_t *a = json_object_get(root, "metrics");
    assert_int_equal(json_array_size(a), 2);
    json_t *m0 = json_array_get(a, 0), *m1 = json_array_get(a, 1);
    const char *fields[] = {"value", "value_max", "masked", "approx", "unit", "category", "normalized",
                            "subject", "text", "section", "line", "span"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        assert_non_null(json_object_get(m0, fields[i]));
    assert_true(json_is_null(json_object_get(m0, "value")));
    assert_true(json_is_true(json_object_get(m0, "masked")));
    assert_string_equal(json_string_value(json_object_get(m0, "section")), "1");
    assert_int_equal(json_integer_value(json_object_get(m0, "line")), 2);
    assert_true(json_number_value(json_object_get(m1, "value")) == 3.5);
    assert_string_equal(json_string_value(json_object_get(m1, "unit")), "万人次");
    json_t *norm = json_object_get(m1, "normalized");
    assert_int_equal(json_integer_value(json_object_get(norm, "value")), 35000);
    assert_string_equal(json_string_value(json_object_get(norm, "unit")), "人次");
    json_t *span = json_object_get(m1, "span");
    size_t b = (size_t)json_integer_value(json_array_get(span, 0));
    size_t e = (size_t)json_integer_value(json_array_get(span, 1));
    assert_true(e > b && e <= strlen(text));
    assert_memory_equal(text + b, "３．５万人次", e - b);
    json_decref(root);
    hb_report_free(r);
}

/* "1" or "0" for each metric's target flag, in order. */
static void expect_targets(const char *text, const char *want)
{
    hb_report *r = tu_extract(engine, text);
    assert_non_null(r);
    json_t *root = tu_json(r);
    assert_non_null(root);
    json_t *a = json_object_get(root, "metrics");
    char got[64] = "";
    for (size_t i = 0; i < json_array_size(a) && i + 1 < sizeof got; i++)
        got[i] = json_is_true(json_object_get(json_array_get(a, i), "target")) ? '1' : '0';
    if (strcmp(got, want))
        fail_msg("%s: got %s, want %s", text, got, want);
    json_decref(root);
    hb_report_free(r);
}

/* A target word makes a goal unless a `not` phrase of metric_targets.txt
 * holds it: 拟提拔 is a step taken, 完成…计划 an achieved rate. */
static void test_targets(void **s)
{
    (void)s;
    expect_targets("2024年工作总结\n一、主要工作\n力争新发展党员10名，已发展党员8名。\n", "10");
    expect_targets("2024年工作总结\n一、主要工作\n对6名拟提拔人选开展廉政审查，拟新建站点3个。\n", "01");
    expect_targets("2024年工作总结\n一、主要工作\n产值完成全年计划的103.5%，完成年度目标任务的112%。\n", "00");
    /* …but a goal word before the phrase still makes a goal */
    expect_targets("2024年工作总结\n一、主要工作\n力争完成年度计划的110%。\n计划投资5亿元。\n", "11");
    /* a masked target word does not hide a later one in the same clause */
    expect_targets("2024年工作总结\n一、主要工作\n拟提拔人选中拟增补干部3名，拟提拔人选5名。\n", "10");
}

static void test_normalized_values(void **s)
{
    (void)s;
    hb_report *r;
    keys("上缴1.26万元，资产3.68万亿元，3千万元。", &r);
    assert_int_equal(r->metrics->list.n, 3);
    assert_true(r->metrics->list.v[0].norm_value == 12600);
    assert_true(r->metrics->list.v[1].norm_value == 3.68e12);
    assert_string_equal(r->metrics->list.v[1].norm_unit, "元");
    assert_true(r->metrics->list.v[2].norm_value == 3e7);
    hb_report_free(r);
    /* 万 and 亿 scale a unit, 千 is part of 千瓦 */
    keys("装机1.2万千瓦。", &r);
    assert_true(r->metrics->list.v[0].norm_value == 12000);
    assert_string_equal(r->metrics->list.v[0].norm_unit, "千瓦");
    hb_report_free(r);
}

static void test_overflow(void **s)
{
    (void)s;
    hb_report *r;
    /* the value as written fits; 9999999999亿 does not once scaled */
    assert_string_equal(keys("累计12345678901234567890人，9999999999亿元。", &r), "null人;9999999999亿元");
    assert_true(isnan(r->metrics->list.v[1].norm_value));
    int warned = 0;
    for (size_t i = 0; i < r->warnings.n; i++)
        warned += !strcmp(r->warnings.v[i].code, "metric-overflow");
    assert_int_equal(warned, 2);
    assert_false(r->metrics->list.v[0].masked);
    hb_report_free(r);
}

/* A bad dictionary line names its file and line; the partly loaded engine is freed. */
static void test_dict_errors(void **s)
{
    (void)s;
    char dir[] = "/tmp/hb_metrics_dictXXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cp -r dict/. %s/ && printf '次\\tactivity\\textra\\n' >> %s/units.txt", dir, dir);
    assert_int_equal(system(cmd), 0);
    hb_engine_options eo = {.dict_dir = dir, .lexicon_off = 1};
    hb_error err;
    assert_null(hb_engine_new(&eo, &err));
    assert_int_equal(err.code, HB_ERR_DICT);
    assert_non_null(strstr(err.file, "units.txt"));
    assert_true(err.line > 0);
    snprintf(cmd, sizeof cmd,
             "cp -r dict/. %s/ && printf 'suffix\\t年\\n' >> %s/metric_exclusions.txt", dir, dir);
    assert_int_equal(system(cmd), 0);
    assert_null(hb_engine_new(&eo, &err));
    assert_non_null(strstr(err.message, "unknown kind"));
    snprintf(cmd, sizeof cmd, "cp -r dict/. %s/ && printf 'prefix\\t总\\n' >> %s/metric_phrases.txt", dir, dir);
    assert_int_equal(system(cmd), 0);
    assert_null(hb_engine_new(&eo, &err));
    assert_non_null(strstr(err.file, "metric_phrases.txt"));
    assert_string_equal(err.message, "unknown kind \"prefix\" (expected suffix, compare or noun)");
    snprintf(cmd, sizeof cmd, "cp -r dict/. %s/ && printf '届\\tcount\\tnomask\\n' >> %s/units.txt", dir, dir);
    assert_int_equal(system(cmd), 0);
    assert_null(hb_engine_new(&eo, &err));
    assert_non_null(strstr(err.message, "unknown flag"));
    snprintf(cmd, sizeof cmd, "cp -r dict/. %s/ && printf '名\\tpeople\\n' >> %s/units.txt", dir, dir);
    assert_int_equal(system(cmd), 0);
    assert_null(hb_engine_new(&eo, &err));
    assert_non_null(strstr(err.message, "listed twice"));
    snprintf(cmd, sizeof cmd, "rm -r %s", dir);
    assert_int_equal(system(cmd), 0);
}

static char *repeat(const char *unit, size_t times, size_t *len)
{
    size_t ul = strlen(unit);
    char *buf = malloc(ul * times + 1);
    assert_non_null(buf);
    for (size_t i = 0; i < times; i++)
        memcpy(buf + i * ul, unit, ul);
    buf[ul * times] = '\0';
    *len = ul * times;
    return buf;
}

/* Inputs built to make a naive extractor quadratic give the right count
 * (their time is measured by make bench: bench/bench_pathological.sh). */
static void test_pathological(void **s)
{
    (void)s;
    static const struct { const char *unit; size_t times; size_t metrics; } cases[] = {
        {"**", 1000000, 0},            /* one mask run of two million stars */
        {"** ", 300000, 0},            /* masks without units */
        {"3次", 200000, 200000},       /* a single line of metrics, no punctuation */
        {"1,1", 200000, 0},            /* commas that are no thousands groups */
        {"第", 300000, 0},
        {"近约超过", 100000, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        char *text = repeat(cases[i].unit, cases[i].times, &len);
        hb_error err;
        hb_report *r = hb_extract(engine, text, len, NULL, &err);
        assert_non_null(r);
        assert_int_equal(r->metrics->list.n, cases[i].metrics);
        hb_report_free(r);
        free(text);
    }
}

/* A large report's list has room for a metric at every other number start
 * at first: when each start is a metric it grows, every metric kept in
 * order. */
static void test_room_grows(void **s)
{
    (void)s;
    enum { N = 3000 };
    char *text = malloc(N * 16);
    assert_non_null(text);
    size_t len = 0;
    for (int i = 1; i <= N; i++)
        len += (size_t)sprintf(text + len, "%d次，", i);
    hb_error err;
    hb_report *r = hb_extract(engine, text, len, NULL, &err);
    assert_non_null(r);
    assert_int_equal(r->metrics->list.n, N);
    for (int i = 0; i < N; i++)
        assert_true(r->metrics->list.v[i].value == i + 1);
    hb_report_free(r);
    free(text);
}

static int cont_byte(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* The longest entry at s's start (at_end 0) or end (1) by trying them all,
 * whole characters of s only, as the lookups promise; exact: len only. */
static const hb_rule_word *brute(const hb_wordlist *l, const char *s, size_t len, int how)
{
    const hb_rule_word *best = NULL;
    for (size_t i = 0; i < l->n; i++) {
        const hb_rule_word *w = &l->v[i];
        size_t n = w->len;
        if (n > len || (how == 0 && n != len) || (best && best->len >= n))
            continue;
        if (how == 1 && !memcmp(s, w->word, n) && (n == len || !cont_byte(s[n])))
            best = w;
        else if (how == 2 && !memcmp(s + len - n, w->word, n) && !cont_byte(s[len - n]))
            best = w;
        else if (how == 0 && !memcmp(s, w->word, n))
            best = w;
    }
    return best;
}

/* The entries of l, entry i * step % n in place i, each followed by
 * fill[i % nfill]; malloc'd, its length in *len. */
static char *list_text(const hb_wordlist *l, size_t step, const char *const *fill, size_t nfill, size_t *len)
{
    size_t cap = 16, n = 0;
    for (size_t i = 0; i < l->n; i++)
        cap += l->v[i].len + 8;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t i = 0; i < l->n; i++) {
        const hb_rule_word *w = &l->v[i * step % l->n];
        memcpy(text + n, w->word, w->len);
        n += w->len;
        memcpy(text + n, fill[i % nfill], strlen(fill[i % nfill]));
        n += strlen(fill[i % nfill]);
    }
    *len = n;
    return text;
}

static void same_word(const hb_rule_word *got, const hb_rule_word *want, const char *s, size_t len, int how)
{
    if (!got != !want || (got && (got->len != want->len || memcmp(got->word, want->word, got->len))))
        fail_msg("lookup %d of \"%.*s\": got %s, want %s", how, (int)len, s, got ? got->word : "none",
                 want ? want->word : "none");
}

/* The hashed lookups of every rule list agree with trying each entry, on
 * text made of the entries themselves (cut anywhere, even inside a
 * character) and the characters around them. */
static void test_wordlist_lookups(void **state)
{
    (void)state;
    const struct hb_metric_rules *r = engine->metrics;
    const hb_wordlist *lists[] = {&r->before, &r->after, &r->words, &r->numerals, &r->verbs, &r->bounds,
                                  &r->refined, &r->suffixes, &r->compares, &r->nouns, &r->targets,
                                  &r->not_targets, &engine->units, &engine->numerals.before,
                                  &engine->numerals.after, &engine->numerals.after_unit};
    for (size_t li = 0; li < sizeof lists / sizeof *lists; li++) {
        const hb_wordlist *l = lists[li];
        /* after every other entry a character cut short, then one more */
        static const char *const fill[] = {"的", "\xe7\x9a" "a"};
        size_t n;
        char *text = list_text(l, 1, fill, 2, &n);
        for (size_t a = 0; a < n; a++) {
            if (cont_byte(text[a]))
                continue;
            for (size_t b = a + 1; b <= n && b <= a + l->maxlen + 4; b++) {
                for (int how = 0; how < 3; how++) {
                    const hb_rule_word *got = how == 0   ? hb_wordlist_find(l, text + a, b - a)
                                              : how == 1 ? hb_wordlist_prefix(l, text + a, b - a)
                                                         : hb_wordlist_suffix(l, text + a, b - a);
                    same_word(got, brute(l, text + a, b - a, how), text + a, b - a, how);
                }
            }
        }
        free(text);
    }
}

/* A suffix lookup finds the last character's start from its lead three
 * bytes back only when the two bytes after that lead are its own: an
 * entry after a lead cut short (\xE4 then "a%", \xE4\xB8 then "%") or
 * after a lone continuation byte is found as the byte-by-byte walk finds
 * it, in every list and for every way the text ends. */
static void test_suffix_after_cut_character(void **state)
{
    (void)state;
    const struct hb_metric_rules *r = engine->metrics;
    const hb_wordlist *lists[] = {&engine->units, &r->verbs, &r->bounds, &r->before, &r->subjects};
    static const char *const junk[] = {"\xE4", "\xE4\xB8", "\xE4" "a", "\xB8", "\xF0\x9F\x98"};
    char text[64];
    for (size_t li = 0; li < sizeof lists / sizeof *lists; li++)
        for (size_t i = 0; i < lists[li]->n; i++)
            for (size_t j = 0; j < sizeof junk / sizeof *junk; j++) {
                const hb_rule_word *w = &lists[li]->v[i];
                size_t jl = strlen(junk[j]);
                if (jl + w->len > sizeof text)
                    continue;
                memcpy(text, junk[j], jl);
                memcpy(text + jl, w->word, w->len);
                for (size_t b = 1; b <= jl + w->len; b++)
                    same_word(hb_wordlist_suffix(lists[li], text, b), brute(lists[li], text, b, 2), text, b, 2);
            }
}

/* The entry occurring last in s, the longest of those ending there, by
 * searching s for each entry in list order (the first listed wins a tie). */
static const hb_rule_word *brute_last(const hb_wordlist *l, const char *s, size_t len)
{
    const hb_rule_word *best = NULL;
    size_t best_end = 0;
    for (size_t i = 0; i < l->n; i++) {
        const hb_rule_word *w = &l->v[i];
        for (const char *p = s; (p = memmem(p, len - (size_t)(p - s), w->word, w->len)); p++) {
            size_t e = (size_t)(p - s) + w->len;
            if (e > best_end || (e == best_end && w->len > best->len))
                best = w, best_end = e;
        }
    }
    return best;
}

/* hb_same_bytes agrees with memcmp at every length up to 24 (its byte,
 * 4-byte, 8-byte and memcmp paths), a difference at every place, reading
 * from unaligned starts. */
static void test_same_bytes(void **state)
{
    (void)state;
    char a[32], b[32];
    for (size_t n = 0; n <= 24; n++)
        for (size_t at = 0; at <= n; at++) { /* at == n: no difference */
            for (size_t i = 0; i < n; i++)
                a[1 + i] = b[3 + i] = (char)(0x80 + i * 7);
            if (at < n)
                b[3 + at] ^= 0x10;
            assert_int_equal(hb_same_bytes(a + 1, b + 3, n), !memcmp(a + 1, b + 3, n));
            assert_int_equal(hb_same_bytes(a + 1, b + 3, n), at == n);
        }
}

/* hb_wordlist_last agrees with searching for every subject cue, on runs of
 * cues and other characters in every order and every cut of them. */
/* hb_sort_strings against qsort with the plain comparison (memcmp order, a
 * prefix first, then the tie, then the index: stable): strings sharing
 * their first 8 bytes, shorter and longer than 8, repeated, with and
 * without a tie field. */
typedef struct {
    const char *s;
    size_t len;
    int tie;
} sort_rec;

static const sort_rec *sort_base;
static int sort_by_tie;

static int sort_ref(const void *x, const void *y)
{
    int i = *(const int *)x, j = *(const int *)y;
    const sort_rec *a = &sort_base[i], *b = &sort_base[j];
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, n);
    if (!c)
        c = (a->len > b->len) - (a->len < b->len);
    if (!c && sort_by_tie)
        c = (a->tie > b->tie) - (a->tie < b->tie);
    return c ? c : (i > j) - (i < j);
}

static void test_sort_strings(void **state)
{
    (void)state;
    static const char *const parts[] = {"党建", "引领", "a", "ab", "\xff", "一岗双责", "", "12345678"};
    enum { N = 600 };
    static char text[N][64];
    static sort_rec recs[N];
    int got[N], want[N];
    unsigned seed = 7;
    for (int round = 0; round < 40; round++) {
        size_t n = (size_t)(round * 15) % N + 1;
        for (size_t i = 0; i < n; i++) {
            text[i][0] = '\0';
            for (int k = 0; k < 4; k++) {
                seed = seed * 1103515245u + 12345u;
                if (seed >> 28 < 11)
                    strcat(text[i], parts[(seed >> 16) % 8]);
            }
            seed = seed * 1103515245u + 12345u;
            recs[i] = (sort_rec){text[i], strlen(text[i]), (int)(seed >> 16) % 5};
        }
        sort_base = recs;
        sort_by_tie = round % 2;
        for (size_t i = 0; i < n; i++)
            want[i] = (int)i;
        qsort(want, n, sizeof *want, sort_ref);
        assert_true(hb_sort_strings(got, recs, n, sizeof *recs, offsetof(sort_rec, s), offsetof(sort_rec, len),
                                    sort_by_tie ? (long)offsetof(sort_rec, tie) : -1));
        assert_memory_equal(got, want, n * sizeof *got);
    }
}

static void test_wordlist_last(void **state)
{
    (void)state;
    const hb_wordlist *lists[] = {&engine->metrics->subjects, &engine->metrics->nouns, &engine->units};
    static const char *const filler[] = {"的", "党", "a", "12", "员", "会议"};
    for (size_t li = 0; li < sizeof lists / sizeof *lists; li++) {
        const hb_wordlist *l = lists[li];
        assert_true(l->n > 0);
        size_t n;
        char *text = list_text(l, 7, filler, 6, &n);
        for (size_t a = 0; a < n; a++) {
            if (cont_byte(text[a]))
                continue;
            for (size_t b = a; b <= n && b <= a + 40; b++) {
                if (b < n && cont_byte(text[b]))
                    continue;
                same_word(hb_wordlist_last(l, text + a, b - a), brute_last(l, text + a, b - a), text + a, b - a, 3);
            }
        }
        free(text);
    }
}

/* hb_cue_masked by trying every place: a plain mask covering [at, at+n),
 * or A...B with the first A at or before at and some B after it ending at
 * or past at+n. */
static int brute_masked(const char *mask, size_t mlen, const char *s, size_t len, size_t at, size_t n)
{
    const char *gap = memmem(mask, mlen, "...", 3);
    if (!gap) {
        for (size_t p = 0; p + mlen <= len; p++)
            if (p <= at && p + mlen >= at + n && !memcmp(s + p, mask, mlen))
                return 1;
        return 0;
    }
    size_t al = (size_t)(gap - mask), bl = mlen - al - 3, pa = 0;
    while (pa + al <= len && memcmp(s + pa, mask, al))
        pa++;
    if (pa + al > len || pa > at)
        return 0;
    for (size_t q = pa + al; q + bl <= len; q++)
        if (!memcmp(s + q, gap + 3, bl) && q + bl >= at + n)
            return 1;
    return 0;
}

/* hb_cue_masked against trying every place, on texts of a few letters. */
static void test_cue_masked(void **state)
{
    (void)state;
    /* dots that make no gap (a.b, a..b) are letters of the word; the
     * first "..." of a.b...c or a....b is the gap */
    static const char *const masks[] = {"ab",   "a",    "abc",  "ba",  "a...b", "ab...c", "...b",  "c...",
                                        "b...ab", "a.b", "a..b", ".",  "..",    "a....b", "a.b...c"};
    unsigned seed = 99;
    for (int round = 0; round < 40000; round++) {
        char s[24];
        size_t len = ((seed = seed * 1103515245u + 12345u) >> 16) % sizeof s;
        for (size_t i = 0; i < len; i++)
            s[i] = "abc."[((seed = seed * 1103515245u + 12345u) >> 16) % 4];
        if (!len)
            continue;
        size_t at = ((seed = seed * 1103515245u + 12345u) >> 16) % len;
        size_t n = 1 + ((seed = seed * 1103515245u + 12345u) >> 16) % (len - at);
        const char *m = masks[((seed = seed * 1103515245u + 12345u) >> 16) % (sizeof masks / sizeof *masks)];
        int got = hb_cue_masked(m, strlen(m), s, len, at, n), want = brute_masked(m, strlen(m), s, len, at, n);
        if (got != want)
            fail_msg("mask %s over \"%.*s\" at %zu+%zu: %d, want %d", m, (int)len, s, at, n, got, want);
    }
}

/* Every metric of r gets the same subjects from the walks with memo as
 * without one. */
static void expect_memo_agrees(const hb_report *r, hb_subject_memo *memo)
{
    for (size_t i = 0; i < r->metrics->list.n; i++) {
        const hb_metric *m = &r->metrics->list.v[i];
        size_t a0, a1, b0, b1;
        assert_true(hb_subject_before(r, NULL, m->tstart, m->vstart, &a0, &a1));
        assert_true(hb_subject_before(r, memo, m->tstart, m->vstart, &b0, &b1));
        assert_int_equal(a0, b0);
        assert_int_equal(a1, b1);
        assert_true(hb_subject_after(r, NULL, m->vend, m->tend, &a0, &a1));
        assert_true(hb_subject_after(r, memo, m->vend, m->tend, &b0, &b1));
        assert_int_equal(a0, b0);
        assert_int_equal(a1, b1);
    }
}

/* The memo of word facts kept through a long report's metrics answers as
 * the lookups it saves: every window of five corpus reports read as one
 * (hundreds of distinct words, so the memo grows) gets the same subject
 * from the shared memo as without one, asked twice (the second time from
 * the memo). */
static void test_subject_memo(void **state)
{
    (void)state;
    const char *files[] = {"corpus/jiwei_annual.txt", "corpus/annual_transport.txt", "corpus/school_duty.txt",
                           "corpus/company_plan.txt", "corpus/street_summary.txt"};
    char *text = NULL;
    size_t len = 0;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        size_t n;
        char *one = tu_read_file(files[f], &n);
        assert_non_null(one);
        text = realloc(text, len + n + 2);
        assert_non_null(text);
        memcpy(text + len, one, n);
        len += n;
        text[len++] = '\n';
        text[len] = '\0';
        free(one);
    }
    hb_report *r = tu_extract(engine, text);
    assert_non_null(r);
    assert_true(r->metrics->list.n > 200);
    hb_subject_memo *memo = hb_subject_memo_new();
    assert_non_null(memo);
    for (int round = 0; round < 2; round++)
        expect_memo_agrees(r, memo);
    hb_subject_memo_free(memo);
    hb_report_free(r);
    free(text);
}

/* The memo of a group of reports (extract.h) outlives the report that
 * filled it: it keeps each word's bytes, not a pointer into that report's
 * text.  Filled by every window of one corpus report, which is then freed
 * (ASan would see a read of its text), it answers another report's walks
 * as the lookups do. */
static void test_subject_memo_outlives_report(void **state)
{
    (void)state;
    hb_subject_memo *memo = hb_subject_memo_new();
    assert_non_null(memo);
    const char *files[] = {"corpus/jiwei_annual.txt", "corpus/annual_transport.txt"};
    for (size_t f = 0; f < 2; f++) {
        size_t n;
        char *text = tu_read_file(files[f], &n);
        assert_non_null(text);
        hb_report *r = tu_extract(engine, text);
        assert_non_null(r);
        assert_true(r->metrics->list.n > 20);
        expect_memo_agrees(r, memo);
        hb_report_free(r);
        free(text);
    }
    hb_subject_memo_free(memo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_written_forms),
        cmocka_unit_test(test_masks),
        cmocka_unit_test(test_approximations),
        cmocka_unit_test(test_ranges_and_percentages),
        cmocka_unit_test(test_exclusions),
        cmocka_unit_test(test_more_units),
        cmocka_unit_test(test_subjects_and_text),
        cmocka_unit_test(test_clause_commas),
        cmocka_unit_test(test_clause_scan),
        cmocka_unit_test(test_subject_phrases),
        cmocka_unit_test(test_json_fields),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_normalized_values),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_dict_errors),
        cmocka_unit_test(test_pathological),
        cmocka_unit_test(test_room_grows),
        cmocka_unit_test(test_wordlist_lookups),
        cmocka_unit_test(test_suffix_after_cut_character),
        cmocka_unit_test(test_wordlist_last),
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_sort_strings),
        cmocka_unit_test(test_cue_masked),
        cmocka_unit_test(test_subject_memo),
        cmocka_unit_test(test_subject_memo_outlives_report),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
