/* Robustness fixes pinned at the library level: UTF-16 without BOM told by
 * its code units, item titles that stop at the next item (their total size
 * stays linear in the input), numbering checks that look back in constant
 * time yet give the same warnings. */
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
#include "huibao.h"
#include "json_out.h"
#include "normalize.h"
#include "testutil.h"

static const char REPORT[] = "关于2024年度机关党建工作情况的报告\n"
                             "一、主要工作完成情况\n"
                             "全年组织集中学习12次，开展专题研讨4次。\n"
                             "二、存在的问题\n"
                             "一是学习深度不够；二是融合还有差距。\n";

/* UTF-8 (BMP only) to UTF-16 code units in the given byte order. */
static char *to_utf16(const char *s, int big_endian, size_t *n)
{
    size_t len = strlen(s);
    char *out = malloc(len * 2 + 2);
    assert_non_null(out);
    *n = 0;
    for (size_t i = 0; i < len;) {
        int cp;
        i += (size_t)hb_utf8_next(s + i, len - i, &cp);
        out[(*n)++] = (char)(big_endian ? cp >> 8 : cp & 0xFF);
        out[(*n)++] = (char)(big_endian ? cp & 0xFF : cp >> 8);
    }
    return out;
}

static int has_warning(const hb_report *r, const char *code)
{
    for (size_t i = 0; i < r->warnings.n; i++)
        if (strcmp(r->warnings.v[i].code, code) == 0)
            return 1;
    return 0;
}

static void check_utf16_without_bom(int big_endian)
{
    size_t n;
    char *buf = to_utf16(REPORT, big_endian, &n);
    hb_error err;
    hb_report *r = hb_extract(engine, buf, n, NULL, &err);
    free(buf);
    if (!r)
        fail_msg("%s", err.message);
    assert_string_equal(r->encoding, big_endian ? "utf-16be" : "utf-16le");
    assert_true(has_warning(r, "no-bom"));
    assert_int_equal(r->len, strlen(REPORT));
    assert_memory_equal(r->text, REPORT, r->len);
    hb_report_free(r);
}

static void test_utf16le_without_bom(void **state)
{
    (void)state;
    check_utf16_without_bom(0);
}

static void test_utf16be_without_bom(void **state)
{
    (void)state;
    check_utf16_without_bom(1);
}

/* Neither GB18030 nor damaged UTF-8 nor English text passes for UTF-16. */
static void test_no_false_utf16(void **state)
{
    (void)state;
    static const char gbk[] = "\xb5\xb3\xbd\xa8\xb9\xa4\xd7\xf7\xb1\xa8\xb8\xe6\xa3\xac"
                              "\xd7\xe9\xd6\xaf\xd1\xa7\xcf\xb0\x31\x32\xb4\xce\xa1\xa3\n"; /* 党建工作报告，组织学习12次。 */
    hb_report *r = hb_extract(engine, gbk, sizeof gbk - 1, NULL, NULL);
    assert_non_null(r);
    assert_string_equal(r->encoding, "gb18030");
    hb_report_free(r);

    char damaged[256];
    int n = snprintf(damaged, sizeof damaged, "%s\x80%s", "党建工作报告，组织学习", "十二次。\n");
    r = hb_extract(engine, damaged, (size_t)n, NULL, NULL);
    assert_non_null(r);
    assert_string_equal(r->encoding, "utf-8");
    assert_true(has_warning(r, "invalid-bytes"));
    hb_report_free(r);

    static const char english[] = "Party building report, second half of the year\xff\n";
    r = hb_extract(engine, english, sizeof english - 1, NULL, NULL);
    assert_non_null(r);
    assert_string_not_equal(r->encoding, "utf-16le");
    assert_string_not_equal(r->encoding, "utf-16be");
    hb_report_free(r);
}

static const char *item_title(hb_report *r, size_t k)
{
    return hb_doc_orig(r, r->items.v[k].tstart, r->items.v[k].tend);
}

/* Items after commas: each title ends where the next item begins. */
static void test_item_title_stops_at_next_item(void **state)
{
    (void)state;
    hb_report *r = tu_extract(engine, "存在问题：一是学习不深，二是融合不够，三是作风不实。\n");
    assert_non_null(r);
    assert_int_equal(r->items.n, 3);
    assert_string_equal(item_title(r, 0), "学习不深");
    assert_string_equal(item_title(r, 1), "融合不够");
    assert_string_equal(item_title(r, 2), "作风不实");
    hb_report_free(r);
}

/* 20,000 items in one paragraph with no 。 or ；: the titles together stay
 * within the paragraph, instead of each running to its end. */
static void test_item_titles_linear(void **state)
{
    (void)state;
    enum { N = 20000 };
    static const char unit[] = "一是加强:";
    char *text = malloc(N * (sizeof unit - 1) + 2);
    assert_non_null(text);
    size_t n = 0;
    for (int i = 0; i < N; i++)
        memcpy(text + n, unit, sizeof unit - 1), n += sizeof unit - 1;
    text[n++] = '\n';
    text[n] = '\0';
    hb_report *r = tu_extract(engine, text);
    free(text);
    assert_non_null(r);
    assert_int_equal(r->items.n, N);
    size_t total = 0;
    for (size_t k = 0; k < r->items.n; k++) {
        assert_true(r->items.v[k].tend <= r->items.v[k].vend);
        total += r->items.v[k].tend - r->items.v[k].tstart;
    }
    assert_true(total <= r->view_len);
    assert_string_equal(item_title(r, 0), "加强");
    hb_report_free(r);
}

/* The text behind a view range taken one character at a time: each text
 * character once, line ends left out (what hb_doc_orig_piece's jumps over
 * a run of the map must give). */
static size_t orig_by_char(const hb_report *r, size_t vs, size_t ve, char *out)
{
    size_t n = 0, prev = (size_t)-1;
    for (size_t v = vs; v < ve; v++) {
        if (((unsigned char)r->view[v] & 0xC0) == 0x80)
            continue;
        size_t s = hb_omap_at(&r->vmap, r->view, v);
        if (s == prev || s >= r->len || r->text[s] == '\n' || r->text[s] == '\r') {
            prev = s;
            continue;
        }
        prev = s;
        size_t k = (size_t)hb_utf8_len((unsigned char)r->text[s]);
        k = s + k < r->len ? k : r->len - s;
        memcpy(out + n, r->text + s, k);
        n += k;
    }
    out[n] = '\0';
    return n;
}

/* hb_doc_orig_copy of every range of r's view from about every step-th
 * byte (ranges start and end at characters) is the text taken character
 * by character; frees r. */
static void check_ranges(hb_report *r, size_t step)
{
    assert_non_null(r);
    char *got = malloc(4 * r->view_len + 1), *want = malloc(4 * r->view_len + 1);
    assert_non_null(got);
    assert_non_null(want);
    for (size_t vs = 0; vs <= r->view_len; vs += step) {
        while (vs < r->view_len && ((unsigned char)r->view[vs] & 0xC0) == 0x80)
            vs++;
        for (size_t ve = vs; ve <= r->view_len; ve++) {
            if (ve < r->view_len && ((unsigned char)r->view[ve] & 0xC0) == 0x80)
                continue;
            size_t n = hb_doc_orig_copy(r, vs, ve, got);
            assert_int_equal(n, orig_by_char(r, vs, ve, want));
            assert_string_equal(got, want);
        }
    }
    free(got);
    free(want);
    hb_report_free(r);
}

/* Folded punctuation and digits, an expansion (…), CRLF, indentation and a
 * wrapped line: every range of the view gives its text as taken character
 * by character. */
static void test_orig_every_range(void **state)
{
    (void)state;
    check_ranges(tu_extract(engine, "关于２０２３年工作的汇报\r\n\r\n"
                                    "　　一、主要成效：全年完成（１２）项，增长１５％……达到\r\n"
                                    "预期目标，“三会一课”４８次。\r\n"
                                    "　　二、存在问题；一是ＡＢ不够，二是…\n"),
                 1);
}

/* `rounds` texts of a title line, then pieces drawn at random (xorshift
 * from seed) until the text holds at least `least` bytes (at most 600),
 * each extracted and checked by check(r, step). */
static void on_random_texts(const char *const *pieces, size_t npieces, uint64_t seed, int rounds, size_t least,
                            void (*check)(hb_report *, size_t), size_t step)
{
    for (int round = 0; round < rounds; round++) {
        char text[700] = "关于工作的报告\n";
        size_t n = strlen(text);
        while (n < least) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            const char *p = pieces[seed % npieces];
            memcpy(text + n, p, strlen(p));
            n += strlen(p);
        }
        text[n] = '\0';
        check(tu_extract(engine, text), step);
    }
}

/* The same on random texts of folded characters (full-width digits and
 * punctuation, ㈱ and … that expand, U+3000), CRLF, lone CRs, indented and
 * blank lines: every range from about every fifth byte. */
static void test_orig_random_texts(void **state)
{
    (void)state;
    static const char *const pieces[] = {"中", "文", "１", "２", "，", "。", "：", "（", "）", "㈱", "…", "％",
                                         "\xE3\x80\x80", "a", "B", "3", " ", "\r\n", "\n", "\r", "\n\n", "\n　　",
                                         "一、", "（二）", "\"", "\t"};
    on_random_texts(pieces, sizeof pieces / sizeof *pieces, 0x9E3779B97F4A7C15u, 12, 600, check_ranges, 5);
}

/* The JSON writer's strings of the input text (hb_json_orig, and in parts
 * hb_json_string_add_orig) of the ranges from about every step-th byte are
 * what jansson dumps for the text taken character by character.  Each
 * start's ranges in one writer, ends ascending then descending: its places
 * in the map move both ways.  Frees r. */
static void check_json_ranges(hb_report *r, size_t step)
{
    assert_non_null(r);
    char *want = malloc(4 * r->view_len + 1);
    assert_non_null(want);
    for (size_t vs = 0; vs <= r->view_len; vs += step) {
        while (vs < r->view_len && ((unsigned char)r->view[vs] & 0xC0) == 0x80)
            vs++;
        hb_json_out *out = hb_json_out_new(0);
        json_t *expect = json_array();
        hb_json_array_open(out, "t");
        for (int down = 0; down <= 1; down++)
            for (size_t i = vs; i <= r->view_len; i++) {
                size_t ve = down ? r->view_len - (i - vs) : i;
                if (ve < r->view_len && ((unsigned char)r->view[ve] & 0xC0) == 0x80)
                    continue;
                size_t n = orig_by_char(r, vs, ve, want);
                json_array_append_new(expect, json_stringn(want, n));
                if (down) {
                    hb_json_string_open(out, NULL);
                    hb_json_string_add_orig(out, r, vs, ve);
                    hb_json_string_close(out);
                } else {
                    hb_json_orig(out, NULL, r, vs, ve);
                }
            }
        hb_json_array_close(out);
        char *got = hb_json_out_finish(out, ""), *dump = json_dumps(expect, JSON_COMPACT);
        assert_non_null(got);
        assert_non_null(dump);
        assert_true(strncmp(got, "{\"t\":", 5) == 0);
        got[strlen(got) - 1] = '\0';
        assert_string_equal(got + 5, dump);
        free(got);
        free(dump);
        json_decref(expect);
    }
    free(want);
    hb_report_free(r);
}

/* An ASCII quote, a tab and a backslash to escape inside one run of the
 * map and across runs, a lone CR, CRLF and wrapped lines. */
static void test_json_orig_every_range(void **state)
{
    (void)state;
    check_json_ranges(tu_extract(engine, "关于２０２３年工作的汇报\r\n\r\n"
                                         "　　一、主要\"成效\"：全年\t完成（１２）项\\增长１５％……达到\r\n"
                                         "预期目标，“三会一课”４８次。\r"
                                         "　　二、存在问题；一是ＡＢ\"不够\"，二是…\n"),
                      1);
}

/* The same on random texts: folded punctuation and expansions next to
 * wrapped lines (one stretch of the text but for its line ends), markup
 * that strip takes out from between characters, characters to escape. */
static void test_json_orig_random_texts(void **state)
{
    (void)state;
    static const char *const pieces[] = {"中", "文", "１", "，", "。", "：", "（", "）", "㈱", "…", "\xE3\x80\x80",
                                         "a", "3", " ", "\r\n", "\n", "\r", "\n　　", "<b>", "</span>", "\"",
                                         "\\", "\t", "一、", "工作"};
    on_random_texts(pieces, sizeof pieces / sizeof *pieces, 0x2545F4914F6CDD1Du, 8, 400, check_json_ranges, 7);
}

/* Characters of four bytes folded to one (mathematical letters and
 * digits): their text is one stretch longer than the room asked for three
 * bytes a view byte, written escaped after the fast copy is passed over;
 * line ends between them, and quotes to escape. */
static void test_json_orig_wide_folds(void **state)
{
    (void)state;
    check_json_ranges(tu_extract(engine, "关于工作的报告\n"
                                         "　　一、\xF0\x9D\x90\x80\xF0\x9D\x90\x81\xF0\x9D\x9F\x8F"
                                         "\xF0\x9D\x9F\x90增长\xF0\x9D\x90\x82\"\xF0\x9D\x90\x83\r\n"
                                         "\xF0\x9D\x90\x84\xF0\x9D\x90\x85完成。\n"),
                      1);
}

/* A line from a hint, walking ahead, back or far off, is the line the
 * binary search finds. */
static void test_line_at_hint(void **state)
{
    (void)state;
    char text[4000] = "";
    for (int i = 0; i < 200; i++)
        strcat(text, i % 7 ? "甲乙丙\n" : "\n");
    hb_report *r = tu_extract(engine, text);
    assert_non_null(r);
    size_t hint = 0;
    unsigned seed = 11;
    for (int i = 0; i < 3000; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t off = i < 1000 ? (size_t)i * r->len / 1000 : (seed >> 8) % (r->len + 1);
        assert_int_equal(hb_doc_line_at_hint(r, off, &hint), hb_doc_line_at(r, off));
    }
    hb_report_free(r);
}

/* The constant-time look-back gives the warnings the full scan gave. */
static void test_numbering_warnings(void **state)
{
    (void)state;
    hb_report *r = tu_extract(engine, "一、甲工作\n（一）子一\n（二）子二\n二、乙工作\n（三）子三\n（三）子三又\n"
                                      "（一）子一\n三、丙工作\n（一）丙一\n（三）丙三\n五、戊工作\n");
    assert_non_null(r);
    static const struct {
        const char *code;
        int line;
    } want[] = {{"numbering-continues", 5}, {"numbering-repeat", 6}, {"numbering-restart", 7},
                {"numbering-gap", 10}, {"numbering-gap", 11}};
    assert_int_equal(r->warnings.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < r->warnings.n; i++) {
        assert_string_equal(r->warnings.v[i].code, want[i].code);
        assert_int_equal(r->warnings.v[i].line, want[i].line);
    }
    hb_report_free(r);
}

/* 4,000 sections alternating 一、 and （一）: each （一） is the first under
 * its own parent, so no warning but the repeated 一、. */
static void test_numbering_many_parents(void **state)
{
    (void)state;
    enum { N = 2000 };
    static const char unit[] = "一、标题\n（一）小标题\n";
    char *text = malloc(N * (sizeof unit - 1) + 1);
    assert_non_null(text);
    for (int i = 0; i < N; i++)
        memcpy(text + i * (sizeof unit - 1), unit, sizeof unit - 1);
    text[N * (sizeof unit - 1)] = '\0';
    hb_report *r = tu_extract(engine, text);
    free(text);
    assert_non_null(r);
    assert_int_equal(r->sections.n, 2 * N);
    size_t repeats = 0;
    for (size_t i = 0; i < r->warnings.n; i++)
        repeats += strcmp(r->warnings.v[i].code, "numbering-repeat") == 0;
    assert_int_equal(repeats, N - 1);
    assert_int_equal(r->warnings.n, N - 1);
    hb_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf16le_without_bom),
        cmocka_unit_test(test_utf16be_without_bom),
        cmocka_unit_test(test_no_false_utf16),
        cmocka_unit_test(test_item_title_stops_at_next_item),
        cmocka_unit_test(test_item_titles_linear),
        cmocka_unit_test(test_orig_every_range),
        cmocka_unit_test(test_json_orig_every_range),
        cmocka_unit_test(test_json_orig_random_texts),
        cmocka_unit_test(test_json_orig_wide_folds),
        cmocka_unit_test(test_orig_random_texts),
        cmocka_unit_test(test_line_at_hint),
        cmocka_unit_test(test_numbering_warnings),
        cmocka_unit_test(test_numbering_many_parents),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
