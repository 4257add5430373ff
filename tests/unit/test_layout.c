/* Folding with its map back to the text, line classification and paragraph
 * joining. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "doc.h"
#include "extract.h"
#include "lines.h"
#include "normalize.h"
#include "testutil.h"

static void test_fold_maps_back(void **s)
{
    (void)s;
    hb_arena a = {0};
    const char *text = "１２％（一）\r\n　ＡＢ①…";
    char *out;
    size_t n;
    hb_omap map;
    assert_true(hb_fold(&a, text, strlen(text), &out, &n, &map));
    assert_string_equal(out, "12%(一)\n AB①...");
    assert_int_equal(hb_omap_at(&map, out, 0), 0);          /* 1 ← １ */
    assert_int_equal(hb_omap_at(&map, out, 1), 3);          /* 2 ← ２ */
    assert_int_equal(hb_omap_at(&map, out, 2), 6);          /* % ← ％ */
    assert_int_equal(hb_omap_at(&map, out, 3), 9);          /* ( ← （ */
    assert_int_equal(hb_omap_at(&map, out, 8), 18);         /* LF ← CR of CRLF */
    assert_int_equal(hb_omap_at(&map, out, 9), 20);         /* space ← U+3000 */
    assert_int_equal(hb_omap_at(&map, out, n - 1), hb_omap_at(&map, out, n - 3)); /* ... all from one … */
    assert_int_equal(hb_omap_at(&map, out, n), strlen(text));
    free(out);
    hb_arena_release(&a);
}

/* hb_omap_seek from any run, ahead of pos or behind it, finds the run a
 * binary search does; so does hb_omap_get walking back and forth with one
 * hint; hb_omap_copy with a hint from anywhere (ahead of the piece, behind
 * it, past the map's end) makes the map a search from nothing makes. */
static void test_omap_seek_from_anywhere(void **s)
{
    (void)s;
    hb_arena a = {0};
    const char *text = "１２％（一）甲乙，丙：丁（二）ＡＢ，，，戊己";
    char *out;
    size_t n;
    hb_omap map;
    assert_true(hb_fold(&a, text, strlen(text), &out, &n, &map));
    assert_true(map.n > 8);
    size_t hint = 0;
    for (size_t pos = 0; pos <= n; pos++) {
        for (size_t k = 0; k <= map.n; k++)
            assert_int_equal(hb_omap_seek(&map, pos, k), hb_omap_find(&map, pos));
        size_t back = n - pos;
        assert_int_equal(hb_omap_get(&map, out, pos, &hint), hb_omap_at(&map, out, pos));
        assert_int_equal(hb_omap_get(&map, out, back, &hint), hb_omap_at(&map, out, back));
    }
    for (size_t from = 0; from < n; from++) {
        if (((unsigned char)out[from] & 0xC0) == 0x80)
            continue;
        for (size_t start = 0; start <= map.n + 1; start++) {
            hb_omap want = {0}, got = {0};
            size_t far = map.n, h = start;
            assert_true(hb_omap_copy(&a, &want, 5, &map, out, from, n - from, &far));
            assert_true(hb_omap_copy(&a, &got, 5, &map, out, from, n - from, &h));
            assert_int_equal(got.n, want.n);
            assert_memory_equal(got.v, want.v, got.n * sizeof *got.v);
            assert_int_equal(h, far);
        }
    }
    free(out);
    hb_arena_release(&a);
}

/* Characters folded many times over (their folding kept once per fold),
 * a folding too long to keep (㍿: 株式会社) and two that share a slot of the
 * keep give what folding each alone gives. */
static void test_fold_repeats_as_alone(void **s)
{
    (void)s;
    static const char *const chars[] = {"，", "（", "）", "１", "　", "㍿", "\xE2\x80\x8B", "ｶﾞ", "、"};
    hb_arena a = {0};
    char text[4096], want[8192];
    size_t tn = 0, wn = 0;
    for (int rep = 0; rep < 40; rep++)
        for (size_t c = 0; c < sizeof chars / sizeof *chars; c++) {
            char *one;
            size_t n;
            hb_omap m;
            assert_true(hb_fold(&a, chars[c], strlen(chars[c]), &one, &n, &m));
            memcpy(text + tn, chars[c], strlen(chars[c]));
            tn += strlen(chars[c]);
            memcpy(want + wn, one, n);
            wn += n;
            free(one);
        }
    char *out;
    size_t n;
    hb_omap map;
    assert_true(hb_fold(&a, text, tn, &out, &n, &map));
    assert_int_equal(n, wn);
    assert_memory_equal(out, want, n);
    free(out);
    hb_arena_release(&a);
}

static void test_fold_lone_cr_and_identity(void **s)
{
    (void)s;
    hb_arena a = {0};
    char *out;
    size_t n;
    hb_omap map;
    assert_true(hb_fold(&a, "甲\r乙", 7, &out, &n, &map));
    assert_string_equal(out, "甲\n乙");
    assert_int_equal(hb_omap_at(&map, out, 3), 3);
    assert_int_equal(hb_omap_at(&map, out, 5), 4); /* a continuation byte: its character's start */
    assert_int_equal(hb_omap_at(&map, out, 1), 0);
    free(out);
    assert_true(hb_fold(&a, "", 0, &out, &n, &map));
    assert_int_equal(n, 0);
    assert_int_equal(hb_omap_at(&map, out, 0), 0);
    free(out);
    hb_arena_release(&a);
}

static hb_report *doc(const char *text)
{
    hb_report *r = tu_extract(engine, text);
    assert_non_null(r);
    return r;
}

/* The document after the lines stage: the paragraphs stage gives the
 * lines back once it has joined them. */
static hb_doc *lines_of(hb_engine *e, const char *text)
{
    hb_error err;
    hb_doc *d = hb_doc_start(e, text, strlen(text), NULL, &err);
    assert_non_null(d);
    for (size_t i = 0; i < hb_nstages; i++) {
        assert_int_equal(hb_stages[i].run(d), HB_OK);
        if (!strcmp(hb_stages[i].name, "lines"))
            break;
    }
    return d;
}

/* The kinds of text's lines through e's lines stage, into kind[0..n). */
static void line_kinds(hb_engine *e, const char *text, int *kind, size_t n)
{
    hb_doc *d = lines_of(e, text);
    assert_true(d->lines.n >= n);
    for (size_t i = 0; i < n; i++)
        kind[i] = d->lines.v[i].kind;
    hb_report_free(d);
}

/* An engine of dict/ and an overlay folder whose layout.txt holds rules. */
static hb_engine *layout_engine(const char *rules)
{
    return tu_overlay_engine("layout.txt", rules);
}

/* A clutter list of more rules than its masks hold (list_sets: 64) and
 * more literal sets than the scan asks about (64): the rules with a set,
 * the rules left without one and the rules past the 64th all match. */
static void test_many_line_rules(void **s)
{
    (void)s;
    char rules[80 * 32];
    size_t n = 0;
    for (int i = 0; i < 80; i++)
        n += (size_t)snprintf(rules + n, sizeof rules - n, "clutter\t^杂项%d号$\n", i);
    hb_engine *e = layout_engine(rules);
    /* the overlay's rules follow dict/'s 17: 杂项45号 is rule 62, past
     * the 64 sets (dict/'s 22 and 42 of these), 杂项50号 rule 67 */
    int kind[6];
    line_kinds(e, "杂项3号\n杂项45号\n杂项50号\n杂项79号\n杂项80号\n今年以来，我们做了很多工作。\n", kind, 6);
    for (int i = 0; i < 4; i++)
        assert_int_equal(kind[i], HB_LINE_CLUTTER);
    assert_int_equal(kind[4], HB_LINE_TEXT);
    assert_int_equal(kind[5], HB_LINE_TEXT);
    hb_engine_free(e);
}

/* A rule anchored on a caseless first letter is tried on the lines
 * starting with either case, and for k and s on those starting with the
 * other character that folds to it (the Kelvin sign, long s). */
static void test_caseless_first_letters(void **s)
{
    (void)s;
    hb_engine *e = layout_engine("clutter\t^(?i:kb)\\d+$\nclutter\t^(?i:st)\\d+$\nclutter\t^(?i:m)x\\d+$\n");
    int kind[8];
    line_kinds(e, "kb12\nKB3\n\xE2\x84\xAA" "b4\nsT5\n\xC5\xBF" "t6\nMx7\nmx8\nnx9\n", kind, 8);
    for (int i = 0; i < 7; i++)
        assert_int_equal(kind[i], HB_LINE_CLUTTER);
    assert_int_equal(kind[7], HB_LINE_TEXT);
    hb_engine_free(e);
}

/* Furniture inside a line goes: the web-page field after a space, tags,
 * 此处隐藏…字; a text holding a rule's literals but none of its start
 * strings (来源 glued to the sentence), or a start string and none of its
 * literals, keeps all. */
static void test_inline_furniture(void **s)
{
    (void)s;
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"今年我们加强了学习 来源：新华网\n", "1 piece of leftover markup or page text removed inside lines"},
        {"今年我们加强了学习来源：新华网\n", NULL},
        {"今年 我们加强了学习\n", NULL},
        {"今年我们<b>加强</b>了学习\n", "2 pieces of leftover markup or page text removed inside lines"},
        {"此处隐藏 12 个字\n今年我们加强了学习\n", "1 piece of leftover markup or page text removed inside lines"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hb_report *r = doc(cases[i].text);
        const char *got = NULL;
        for (size_t k = 0; k < r->warnings.n; k++)
            if (!strcmp(r->warnings.v[k].code, "web-furniture"))
                got = r->warnings.v[k].message;
        if (cases[i].message ? !got || strcmp(got, cases[i].message) : got != NULL)
            fail_msg("'%s': warned '%s'", cases[i].text, got ? got : "nothing");
        hb_report_free(r);
    }
}

static void test_page_numbers_and_blank_lines_are_not_content(void **s)
{
    (void)s;
    const char *text = "一、概况\n\n— 3 —\n第2页 共5页\n- 4 -\n今年以来，我们做了很多工作。\n";
    hb_doc *d = lines_of(engine, text);
    assert_int_equal(d->lines.v[2].kind, HB_LINE_PAGENO);
    assert_int_equal(d->lines.v[3].kind, HB_LINE_PAGENO);
    assert_int_equal(d->lines.v[4].kind, HB_LINE_PAGENO);
    assert_int_equal(d->lines.v[1].kind, HB_LINE_BLANK);
    hb_report_free(d);
    hb_report *r = doc(text);
    assert_int_equal(r->paras.n, 2);
    hb_report_free(r);
}

/* A line's width and characters, counted 32 bytes at a time with AVX2,
 * then eight, are those of hb_display_width and hb_utf8_count: 2-byte,
 * 4-byte, and the E0/E1 leads (ก narrow, Ⴀ narrow, ᄀ wide) at every
 * place of the 32-byte block, of the eight-byte word and of the line's
 * tail. */
static void test_line_width_and_chars(void **s)
{
    (void)s;
    static const char *const pieces[] = {"é", "𠀀", "ก", "Ⴀ", "ᄀ", "工作。", "abc"};
    char text[16384];
    size_t n = 0;
    for (size_t p = 0; p < sizeof pieces / sizeof *pieces; p++)
        for (size_t lead = 0; lead < 40; lead++) {
            for (size_t k = 0; k < lead; k++)
                text[n++] = k % 2 ? 'x' : 'z';
            memcpy(text + n, pieces[p], strlen(pieces[p]));
            n += strlen(pieces[p]);
            memcpy(text + n, lead % 3 ? "报告书\n" : "\n", lead % 3 ? 10 : 1);
            n += lead % 3 ? 10 : 1;
        }
    text[n] = 0;
    hb_doc *d = lines_of(engine, text);
    assert_true(d->lines.n >= 70);
    for (size_t i = 0; i < d->lines.n; i++) {
        const hb_line *l = &d->lines.v[i];
        assert_int_equal(l->width, hb_display_width(d->fold + l->fstart, l->fend - l->fstart));
        assert_int_equal(l->chars, (int)hb_utf8_count(d->fold + l->fstart, l->fend - l->fstart));
    }
    hb_report_free(d);
    /* the plain way, for hb_utf8_count's words and tail */
    for (size_t len = 0; len <= n; len += 7) {
        size_t want = 0;
        for (size_t i = 0; i < len; i++)
            want += ((unsigned char)text[i] & 0xC0) != 0x80;
        assert_int_equal(hb_utf8_count(text, len), want);
    }
}

/* Rules anchored at the line start are tried only on lines starting with a
 * byte their match can start with; a rule whose first letter is caseless
 * still sees every case. */
static void test_anchored_rules_by_first_byte(void **s)
{
    (void)s;
    hb_doc *d = lines_of(engine, "PAGE 7\npage 8 of 9\nPage 3\n第 3 页\n12\n来源：新华网\n今年来源：新华网\n3/5\n");
    static const int want[] = {HB_LINE_PAGENO, HB_LINE_PAGENO, HB_LINE_PAGENO, HB_LINE_PAGENO,
                               HB_LINE_PAGENO, HB_LINE_CLUTTER, HB_LINE_TEXT, HB_LINE_PAGENO};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_int_equal(d->lines.v[i].kind, want[i]);
    hb_report_free(d);
}

/* The page-number and clutter patterns of dict/layout.txt, compiled as the
 * engine compiles them (kind: "pageno" or "clutter"), at most 64. */
static size_t layout_patterns(const char *kind, pcre2_code **out)
{
    size_t len, n = 0;
    char *text = tu_read_file("dict/layout.txt", &len);
    assert_non_null(text);
    for (char *line = strtok(text, "\n"); line && n < 64; line = strtok(NULL, "\n")) {
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab || (size_t)(tab - line) != strlen(kind) || strncmp(line, kind, strlen(kind)))
            continue;
        int code;
        PCRE2_SIZE off;
        out[n] = pcre2_compile((PCRE2_SPTR)(tab + 1), PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &code, &off, NULL);
        assert_non_null(out[n++]);
    }
    free(text);
    return n;
}

static int any_matches(pcre2_code *const *re, size_t n, const char *s, size_t len, pcre2_match_data *md)
{
    for (size_t i = 0; i < n; i++)
        if (pcre2_match(re[i], (PCRE2_SPTR)s, len, 0, 0, md, NULL) >= 0)
            return 1;
    return 0;
}

/* Random lines of pieces that the rules' first bytes, first characters
 * (a rule PCRE2 knows no first bytes of is asked once per character a
 * document's lines start with), needed bytes and literal sets are about:
 * the lines stage finds the kind each pattern run on each line finds. */
static void test_line_filters_never_reject_a_match(void **s)
{
    (void)s;
    static const char *const pieces[] = {
        "12", "3", "٣", "߁", "Page", "PAGE", "page", "K", "ſ", "K", " ", "/", "of", "第", "页", "共", "—", "-",
        "下载", "【", "】", "[", "|", "打印", "关闭", "一", "工作", "来源", ":", "。", ",", ">", "»", "篇",
        "精选", "范文", "图", "版权所有", "字号", "大", "中", "小", ".docx", "->", "→", "作者", "发布时间", "x"};
    pcre2_code *pageno[64], *clutter[64];
    size_t np = layout_patterns("pageno", pageno), nc = layout_patterns("clutter", clutter);
    assert_true(np > 3 && nc > 10);
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    static char text[1 << 17];
    unsigned seed = 12345;
    for (int round = 0; round < 8; round++) {
        size_t n = 0;
        for (int line = 0; line < 400; line++) {
            int parts = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 6;
            for (int k = 0; k < parts; k++) {
                const char *p = pieces[((seed = seed * 1103515245u + 12345u) >> 16) % (sizeof pieces / sizeof *pieces)];
                memcpy(text + n, p, strlen(p));
                n += strlen(p);
            }
            text[n++] = '\n';
        }
        text[n] = 0;
        hb_doc *d = lines_of(engine, text);
        for (size_t i = 0; i < d->lines.n; i++) {
            const hb_line *l = &d->lines.v[i];
            const char *t = d->fold + l->fstart;
            size_t len = l->fend - l->fstart;
            int want = !len ? HB_LINE_BLANK
                       : any_matches(pageno, np, t, len, md) ? HB_LINE_PAGENO
                       : any_matches(clutter, nc, t, len, md) ? HB_LINE_CLUTTER
                                                              : HB_LINE_TEXT;
            if (l->kind != want)
                fail_msg("line '%.*s': kind %d, its patterns say %d", (int)len, t, l->kind, want);
        }
        hb_report_free(d);
    }
    pcre2_match_data_free(md);
    for (size_t i = 0; i < np; i++)
        pcre2_code_free(pageno[i]);
    for (size_t i = 0; i < nc; i++)
        pcre2_code_free(clutter[i]);
}

static void test_wrapped_lines_join(void **s)
{
    (void)s;
    /* lines cut at the same width, one across a page break, join into one paragraph */
    hb_report *r = doc("一、主要工作\n"
                       "今年以来，局党委坚持以党的政治建设为统领，全面\n"
                       "落实管党治党政治责任，扎实推进机关党的建设，各\n"
                       "\n— 2 —\n\n"
                       "项工作取得明显成效，组织开展专题学习研讨十二次\n"
                       "，党员干部理论水平进一步提升。\n"
                       "　　二是加强队伍建设。\n");
    assert_int_equal(r->paras.n, 3);
    const hb_para *p = &r->paras.v[1];
    assert_int_equal(p->first_line, 2);
    assert_int_equal(p->last_line, 8);
    const char *want = "今年以来,局党委坚持以党的政治建设为统领,全面落实管党治党政治责任,扎实推进机关党的建设,"
                       "各项工作取得明显成效,组织开展专题学习研讨十二次,党员干部理论水平进一步提升。";
    assert_int_equal(p->vend - p->vstart, strlen(want));
    assert_memory_equal(r->view + p->vstart, want, strlen(want));
    hb_report_free(r);
}

/* A text exporter wraps by characters, not width: a line holding
 * half-width digits is narrower but just as full, and still continues. */
static void test_wrapped_by_character_count(void **s)
{
    (void)s;
    /* 26 characters a line; the third is narrower for its digits */
    hb_report *r = doc("今年以来，局党委坚持以党的政治建设为统领，全面落实管\n"
                       "党治党政治责任，扎实推进机关党的建设，各项工作取得明\n"
                       "显成效，力争2025年新建高标准农田3万亩，推动重点\n"
                       "项目按期建成见效，组织开展专题学习研讨十二次，理论水\n"
                       "平进一步提升。\n");
    assert_int_equal(r->paras.n, 1);
    hb_report_free(r);
}

static void test_short_lines_do_not_join(void **s)
{
    (void)s;
    hb_report *r = doc("关于2023年工作情况的报告\n县委组织部：\n一、工作情况\n今年以来，成效明显。\n");
    assert_int_equal(r->paras.n, 4);
    hb_report_free(r);
}

/* One line per paragraph: the headings share a width, the paragraphs are
 * long and of all widths, so that width is no wrap width and the title and
 * the 称谓 line stay alone. */
static void test_headings_of_one_width_are_no_wrap(void **s)
{
    (void)s;
    const char *clause = "全面落实管党治党政治责任，扎实推进机关党的建设，";
    char text[8192] = "某某区实验小学党支部书记抓基层党建工作述职报告\n各位领导、同志们：\n";
    const char *headings[] = {"一、扛牢政治责任，把准学校办学方向", "二、夯实基层基础，建强支部战斗堡垒",
                              "三、坚持立德树人，推动党建业务融合", "四、严格监督管理，纯洁党员教师队伍"};
    for (int h = 0; h < 4; h++) {
        strcat(text, headings[h]);
        strcat(text, "\n");
        for (int k = 0; k < 5 + 3 * h; k++) /* 120 to 240 characters */
            strcat(text, clause);
        strcat(text, "成效明显。\n");
    }
    hb_report *r = doc(text);
    assert_int_equal(r->paras.n, 10);
    assert_int_equal(r->title_para, 0);
    assert_int_equal(r->addressee_para, 1);
    hb_report_free(r);
}

static void test_clause_break_joins_without_wrap_width(void **s)
{
    (void)s;
    hb_report *r = doc("我们坚持学习，\n不断提高水平。\n");
    assert_int_equal(r->paras.n, 1);
    hb_report_free(r);
    /* a number cut from its measure word joins; a label line does not */
    r = doc("惠及居民3,400余\n户，加装电梯27部。\n联系电话：12345678\n报送单位盖章。\n");
    assert_int_equal(r->paras.n, 3);
    assert_int_equal(r->paras.v[0].last_line, 2);
    hb_report_free(r);
}

/* Runs of characters that fold to themselves are copied whole, one map run
 * each; the bytes around the ranges they are read from (U+4DFF before the
 * Han block, ①..⑳ among the enclosed numbers) still map one by one. */
static void test_fold_identity_runs(void **s)
{
    (void)s;
    hb_arena a = {0};
    char *out;
    size_t n;
    hb_omap map;
    const char *same = "一二三abc⑳龥\n";
    assert_true(hb_fold(&a, same, strlen(same), &out, &n, &map));
    assert_string_equal(out, same);
    assert_int_equal(map.n, 1); /* one run, to the end */
    free(out);
    const char *edges = "\xE4\xB7\xBF丁㉑Ａ⑳";   /* U+4DFF, U+4E01, ㉑ (folds to 21), Ａ */
    assert_true(hb_fold(&a, edges, strlen(edges), &out, &n, &map));
    assert_string_equal(out, "\xE4\xB7\xBF丁21A⑳");
    assert_int_equal(hb_omap_at(&map, out, 3), 3);   /* 丁 */
    assert_int_equal(hb_omap_at(&map, out, 6), 6);   /* 2 ← ㉑ */
    assert_int_equal(hb_omap_at(&map, out, 7), 6);   /* 1 ← ㉑ */
    assert_int_equal(hb_omap_at(&map, out, 8), 9);   /* A ← Ａ */
    assert_int_equal(hb_omap_at(&map, out, 9), 12);  /* ⑳ */
    assert_int_equal(hb_omap_at(&map, out, n), strlen(edges));
    free(out);
    hb_arena_release(&a);
}

/* hb_doc_orig takes the view's map runs whole: folded characters, an
 * expansion read from its middle, line ends inside the range and a range
 * over two paragraphs give the text as written, line ends left out. */
static void test_orig_by_runs(void **s)
{
    (void)s;
    hb_report *r = doc("今年完成ＡＢ项目１２个，㈱参与。\r\n第二段文字\r第三段\n");
    assert_int_equal(r->paras.n, 3);
    assert_string_equal(hb_doc_orig(r, r->paras.v[0].vstart, r->paras.v[0].vend), "今年完成ＡＢ项目１２个，㈱参与。");
    const char *v = strstr(r->view, "(株)");
    assert_non_null(v);
    size_t p = (size_t)(v - r->view);
    assert_string_equal(hb_doc_orig(r, p + 1, p + 5), "㈱");       /* from inside the expansion */
    assert_string_equal(hb_doc_orig(r, p, r->paras.v[0].vend), "㈱参与。");
    assert_string_equal(hb_doc_orig(r, 3, p), "年完成ＡＢ项目１２个，");
    assert_string_equal(hb_doc_orig(r, 1, 6), "今年");               /* from a continuation byte */
    assert_string_equal(hb_doc_orig(r, r->paras.v[0].vstart, r->paras.v[2].vend),
                        "今年完成ＡＢ项目１２个，㈱参与。第二段文字第三段");
    assert_string_equal(hb_doc_orig(r, r->paras.v[1].vstart + 3, r->paras.v[2].vstart + 3), "二段文字第");
    hb_report_free(r);
}

/* A run-together paragraph cuts after 。 and 。” wherever the bytes fall
 * in the 32-byte steps of the clause scan, and not after a Han character
 * whose last byte is that of 。 (丂, E4 B8 82) once a comma has ended the
 * glued title. */
static void test_mid_line_cuts_at_every_offset(void **s)
{
    (void)s;
    for (int pad = 0; pad < 70; pad++) {
        char text[1024], fill[256] = "";
        for (int k = 0; k < pad / 3; k++)
            strcat(fill, "工");
        strcat(fill, (const char *const[]){"", "a", "ab"}[pad % 3]);
        snprintf(text, sizeof text, "一、总体情况%s完成。二、主要问题，%s丂三、其他%s。”三、继续推进\n", fill, fill, fill);
        hb_report *r = doc(text);
        assert_int_equal(r->paras.n, 3);
        assert_memory_equal(r->view + r->paras.v[1].vstart, "二、主要问题", strlen("二、主要问题"));
        assert_memory_equal(r->view + r->paras.v[2].vstart, "三、继续推进", strlen("三、继续推进"));
        hb_report_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_maps_back),
        cmocka_unit_test(test_omap_seek_from_anywhere),
        cmocka_unit_test(test_fold_repeats_as_alone),
        cmocka_unit_test(test_fold_lone_cr_and_identity),
        cmocka_unit_test(test_line_width_and_chars),
        cmocka_unit_test(test_fold_identity_runs),
        cmocka_unit_test(test_orig_by_runs),
        cmocka_unit_test(test_mid_line_cuts_at_every_offset),
        cmocka_unit_test(test_page_numbers_and_blank_lines_are_not_content),
        cmocka_unit_test(test_anchored_rules_by_first_byte),
        cmocka_unit_test(test_line_filters_never_reject_a_match),
        cmocka_unit_test(test_many_line_rules),
        cmocka_unit_test(test_caseless_first_letters),
        cmocka_unit_test(test_inline_furniture),
        cmocka_unit_test(test_wrapped_lines_join),
        cmocka_unit_test(test_wrapped_by_character_count),
        cmocka_unit_test(test_short_lines_do_not_join),
        cmocka_unit_test(test_headings_of_one_width_are_no_wrap),
        cmocka_unit_test(test_clause_break_joins_without_wrap_width),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
