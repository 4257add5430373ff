/* Required literals of a pattern (src/regex_lits.c) and the set scan that
 * asks about many at once: a text the filter turns away must be one PCRE2
 * does not match, and the scan must agree with searching for each literal. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "regex_lits.h"
#include "testutil.h"

/* The set pattern gets from read as "a|b|c" (empty: none known). */
static const char *joined(const char *pattern, void (*read)(const char *, uint32_t, hb_lits *))
{
    static char out[2048];
    hb_lits l;
    read(pattern, 0, &l);
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < l.n; i++)
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%.*s", i ? "|" : "", (int)l.len[i], l.buf + l.off[i]);
    return out;
}

static const char *set_of(const char *pattern)
{
    return joined(pattern, hb_regex_literals);
}

static void test_sets(void **state)
{
    (void)state;
    assert_string_equal(set_of("(版权所有|ICP备|©|\\(C\\)\\s*\\d{4})"), "版权所有|ICP备|©|(C)");
    assert_string_equal(set_of("^[^。]{0,40}(精选|范文)\\s*\\d+\\s*篇"), "精选|范文");
    assert_string_equal(set_of("^[^。,;]{1,20}(\\s*[>»›]\\s*[^。,;>»›]{1,20}){2,}$"), ">|»|›");
    assert_string_equal(set_of("(\\s*[>»›]\\s*x){2,}"), "x"); /* one string over three as short */
    assert_string_equal(set_of("字号:?\\s*[大中小]"), "字号");       /* the colon may be absent */
    assert_string_equal(set_of("ab+cde"), "cde");                   /* b+ breaks the run */
    assert_string_equal(set_of("(?:篇一|第\\d+篇)"), "篇一|篇"); /* a tie: the later */
    assert_string_equal(set_of("&(a|b);"), "&");                 /* but not of ASCII bytes */
    assert_string_equal(set_of("(?i:docx)文件"), "文件");          /* a caseless group: no literal of it */
    assert_string_equal(set_of("a(?i)bc"), "a");
    assert_string_equal(set_of("((?i)ab)cd"), "cd");            /* (?i) holds to its group's end */
    assert_string_equal(set_of("(?i)[甲乙]丙"), "");
    assert_string_equal(set_of("(?<name>文件)号"), "文件");
    assert_string_equal(set_of("x{1}yz"), "xyz");
    assert_string_equal(set_of("[\\x{4E00}-\\x{9FFF}]{2,}[0-9]+号$"), "号"); /* \x in a class: any character */
    assert_string_equal(set_of("[^\\x41]牌"), "牌");
    /* what may be absent, or is not read, gives nothing */
    const char *none[] = {"a?", "a*", "(abc)?", "a{0,3}", "(?=abc)", "(?<=报告)\\d", "(?!x)", "[a-z]", "[^abc]",
                          "abc|", "abc|.*", "(?i)abc", "(?i:page)", "a\\p{Han}", "(a)\\1", "(*UTF)abc", "a{,3}",
                          "a{x", "\\Qabc\\E", "\\x{41}", "(?#c)abc", "(abc", "abc)", "[abc", "", "\\d+",
                          "(?(1)a|b)", "(?1)", "(?P=n)"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        if (*set_of(none[i]))
            fail_msg("pattern %s: set %s, want none", none[i], set_of(none[i]));
    hb_lits l;
    hb_regex_literals("abc", PCRE2_CASELESS, &l);
    assert_int_equal(l.n, 0);
    hb_regex_literals("abc", PCRE2_EXTENDED, &l);
    assert_int_equal(l.n, 0);
}

static int has_literal(const hb_lits *l, const char *s, size_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (memmem(s, len, l->buf + l->off[i], l->len[i]))
            return 1;
    return 0;
}

typedef struct {
    char **v;
    size_t n, cap;
} lines;

static void add_line(lines *ls, const char *s, size_t len)
{
    if (ls->n == ls->cap) {
        ls->cap = ls->cap ? 2 * ls->cap : 1024;
        ls->v = realloc(ls->v, ls->cap * sizeof *ls->v);
        assert_non_null(ls->v);
    }
    ls->v[ls->n] = malloc(len + 1);
    assert_non_null(ls->v[ls->n]);
    memcpy(ls->v[ls->n], s, len);
    ls->v[ls->n++][len] = '\0';
}

static void add_lines_of(lines *ls, const char *text, size_t len)
{
    for (size_t a = 0; a < len;) {
        const char *nl = memchr(text + a, '\n', len - a);
        size_t b = nl ? (size_t)(nl - text) : len;
        add_line(ls, text + a, b - a);
        a = b + 1;
    }
}

/* The characters of s[0..len), but a final line feed. */
static long chars_of(const char *s, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n - (len && s[len - 1] == '\n');
}

/* hb_regex_whole_max: the bound of a pattern whose every match spans the
 * subject, none for any other. */
static void test_whole_max(void **state)
{
    (void)state;
    static const struct {
        const char *pattern;
        long most;
    } cases[] = {{"^\\d{1,3}$", 3},
                 {"^[^。,]{1,80}\\.(?i:docx?|wps)$", 85},
                 {"^(?!关于)[^。,;:]{2,40}文件$", 42},
                 {"^a\\Rb$", 4},
                 {"^ab$|^c$", 2},
                 {"^(a|bc)?d{2}\\b$", 4},
                 {"^x(?=abc)y$", 2},
                 {"^ab$|c$", -1},
                 {"^a+$", -1},
                 {"^a{2,}$", -1},
                 {"(?m)^a$", -1},
                 {"^(?m)a$", -1},
                 {"^a\\$", -1},
                 {"^a$(?=x)", -1},
                 {"^a\\1$", -1},
                 {"a$", -1}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (hb_regex_whole_max(cases[i].pattern, 0) != cases[i].most)
            fail_msg("pattern %s: bound %ld, want %ld", cases[i].pattern, hb_regex_whole_max(cases[i].pattern, 0),
                     cases[i].most);
    assert_int_equal(hb_regex_whole_max("^a$", PCRE2_MULTILINE), -1);
}

/* Every pattern of dict/layout.txt plus some of every construct read,
 * against every corpus line and lines made to match them: whenever PCRE2
 * matches, a literal of the set is in the line, and the line is no longer
 * than the pattern's bound (hb_regex_whole_max). */
static void test_sound(void **state)
{
    (void)state;
    lines pats = {0}, subj = {0};
    size_t len;
    char *layout = tu_read_file("dict/layout.txt", &len);
    assert_non_null(layout);
    for (size_t a = 0; a < len;) {
        const char *nl = memchr(layout + a, '\n', len - a);
        size_t b = nl ? (size_t)(nl - layout) : len;
        const char *tab = memchr(layout + a, '\t', b - a);
        if (layout[a] != '#' && tab)
            add_line(&pats, tab + 1, (size_t)(layout + b - tab - 1));
        a = b + 1;
    }
    free(layout);
    assert_true(pats.n > 20);
    const char *more[] = {"(ab|cd)+e", "x(?:y|z{2,})w", "[-—–─]+\\s*\\d", "[]ab]c", "[\\]x]y", "a\\.b\\(c",
                          "(?>ab)c", "(?|(a)|(b))c", "甲乙{1,3}丙", "(甲|乙丙){2}丁", "^.{0,5}(访问|点击)量$",
                          "(?i:ab)c", "^(?i:ab|c)\\d?$", "^a\\Rb$|^甲{2}$"};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++)
        add_line(&pats, more[i], strlen(more[i]));

    DIR *dir = opendir("corpus");
    assert_non_null(dir);
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t nl = strlen(de->d_name);
        if (nl < 4 || strcmp(de->d_name + nl - 4, ".txt"))
            continue;
        char path[512];
        snprintf(path, sizeof path, "corpus/%s", de->d_name);
        char *t = tu_read_file(path, &len);
        if (t) /* a file not in UTF-8 matches nothing (PCRE2 refuses it) */
            add_lines_of(&subj, t, len);
        free(t);
    }
    closedir(dir);
    const char *made[] = {"版权所有 ©2024", "(C) 2023 某某", "首页 > 新闻 > 正文", "首页 » 通知 » 2024",
                          "— 12 —", "-3-", "第 2 页, 共 9 页", "12/30", "分享到:", "字号:大 中 小", "abbbc", "ac",
                          "ababe", "xzzw", "xyw", "]c", "xy", "a.b(c", "abc", "bc", "甲乙乙乙丙", "甲乙丙乙丙丁",
                          "访问量", "今日点击量", "浏览次数: 123", "某某局关于印发文件", "某发〔2024〕3号", "图 1: 示意",
                          "(图为 某地)", "图片来源: 网络", "精选 5 篇", "篇一", "第3篇:", "主办单位:某局", "甲 -> 乙 -> 丙",
                          "12", "123", "1234", "٣", "报告.docx", "报告.DOC", "报告.doc.", "AbC", "aBc", "c7", "a\r\nb",
                          "甲甲"};
    for (size_t i = 0; i < sizeof made / sizeof *made; i++)
        add_line(&subj, made[i], strlen(made[i]));

    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    size_t filtered = 0, matched = 0, bounded = 0;
    for (size_t p = 0; p < pats.n; p++) {
        int ec;
        PCRE2_SIZE eo;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)pats.v[p], PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &ec, &eo,
                                       NULL);
        if (!re)
            fail_msg("pattern %s does not compile", pats.v[p]);
        hb_lits l;
        hb_regex_literals(pats.v[p], 0, &l);
        long most = hb_regex_whole_max(pats.v[p], 0);
        filtered += l.n > 0;
        bounded += most >= 0;
        for (size_t s = 0; s < subj.n; s++) {
            size_t sl = strlen(subj.v[s]);
            if (pcre2_match(re, (PCRE2_SPTR)subj.v[s], sl, 0, 0, md, NULL) < 0)
                continue;
            matched++;
            if (l.n && !has_literal(&l, subj.v[s], sl))
                fail_msg("pattern %s matches \"%s\", which holds none of %s", pats.v[p], subj.v[s],
                         set_of(pats.v[p]));
            if (most >= 0 && chars_of(subj.v[s], sl) > most)
                fail_msg("pattern %s matches \"%s\", longer than its bound %ld", pats.v[p], subj.v[s], most);
        }
        pcre2_code_free(re);
    }
    assert_true(filtered > 20); /* most layout rules do have a set */
    assert_true(bounded >= 5);
    assert_true(matched > 40);
    pcre2_match_data_free(md);
    for (size_t i = 0; i < pats.n; i++)
        free(pats.v[i]);
    for (size_t i = 0; i < subj.n; i++)
        free(subj.v[i]);
    free(pats.v);
    free(subj.v);
}

static int one_line(const char *pattern)
{
    hb_lits l;
    hb_regex_literals(pattern, 0, &l);
    assert_true(l.n > 0);
    return l.one_line;
}

/* The first match at or after from, the way strip runs a one-line rule:
 * line by line, each line a subject ending at its end (the text before it
 * kept for look-behinds).  ov[0] = SIZE_MAX: none. */
static void by_lines(pcre2_code *re, const char *t, size_t len, size_t from, pcre2_match_data *md, size_t ov[2])
{
    ov[0] = SIZE_MAX;
    for (size_t at = from; at <= len;) {
        const char *nl = memchr(t + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - t) : len;
        if (pcre2_match(re, (PCRE2_SPTR)t, end, at, 0, md, NULL) >= 0) {
            ov[0] = pcre2_get_ovector_pointer(md)[0];
            ov[1] = pcre2_get_ovector_pointer(md)[1];
            return;
        }
        at = end + 1;
    }
}

/* one_line: what may cross or see past a line end is refused, and for
 * what is accepted, matching line by line finds the whole text's matches. */
static void test_one_line(void **state)
{
    (void)state;
    const char *crossing[] = {"a\\s*b", "a[^x]b", "(?s)a.b", "(?s:a.b)", "ab$", "ab\\Z", "ab\\z", "\\Gab",
                              "a(?=\\n)", "a\\Db", "a[\\s]b", "a[[:space:]]b", "a\\Rb", "a\\Hb", "a(?=[^x])"};
    for (size_t i = 0; i < sizeof crossing / sizeof *crossing; i++)
        if (one_line(crossing[i]))
            fail_msg("%s taken for one line", crossing[i]);
    const char *pats[] = {"(?m)(?=[ \\t\\d])(?:^|(?<=[。,;!?:]))[ \\t]*\\d{1,3}[ \\t]*/[ \\t]*\\d{1,3}(?=[ \\t]*(?:[一二三]|第))",
                          "(?=[ \\t\\d])(?<=报告|总结)[ \\t]*\\d{1,3}[ \\t]*/[ \\t]*\\d{1,3}(?![\\d%.])",
                          "<!--[^\\n]{0,40}?-->", "&(nbsp|amp|#\\d{1,6});", "(?m)ab$", "(?m:a$)", "(?<=\\S)ab\\b",
                          "a(?!b)", "x(?=y)", "^ab", "(?m)^ab", "ab.{0,3}c", "\\Aab"};
    const char *parts[] = {"ab", "abc", "a", "b", "x", "y", "xy", "报告 3/12", "总结3/4", "3/4 一是", "。2/3第", "&amp;",
                           "&#12;x", "<!-- c -->", "<!-- c", "-->", "ab c", "abxc", "", " ", "a\tb", "abxx"};
    enum { NPARTS = sizeof parts / sizeof *parts };
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    unsigned seed = 7;
    for (size_t p = 0; p < sizeof pats / sizeof *pats; p++) {
        if (!one_line(pats[p]))
            fail_msg("%s not taken for one line", pats[p]);
        int ec;
        PCRE2_SIZE eo;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)pats[p], PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &ec, &eo, NULL);
        assert_non_null(re);
        for (int round = 0; round < 300; round++) {
            char t[512];
            size_t n = 0;
            int k = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 8;
            for (int j = 0; j < k; j++) {
                const char *w = parts[((seed = seed * 1103515245u + 12345u) >> 16) % NPARTS];
                memcpy(t + n, w, strlen(w));
                n += strlen(w);
                t[n++] = ((seed >> 20) & 3) ? '\n' : ' ';
            }
            for (size_t from = 0; from <= n; from++) {
                if (from < n && ((unsigned char)t[from] & 0xC0) == 0x80)
                    continue; /* strip searches from character starts */
                size_t want[2] = {SIZE_MAX, 0}, got[2];
                if (pcre2_match(re, (PCRE2_SPTR)t, n, from, 0, md, NULL) >= 0) {
                    want[0] = pcre2_get_ovector_pointer(md)[0];
                    want[1] = pcre2_get_ovector_pointer(md)[1];
                }
                by_lines(re, t, n, from, md, got);
                if (got[0] != want[0] || (want[0] != SIZE_MAX && got[1] != want[1]))
                    fail_msg("%s on \"%.*s\" from %zu: by lines %zu, whole text %zu", pats[p], (int)n, t, from,
                             got[0], want[0]);
            }
        }
        pcre2_code_free(re);
    }
    pcre2_match_data_free(md);
}

static const char *start_of(const char *pattern)
{
    return joined(pattern, hb_regex_start_literals);
}

static void test_start_sets(void **state)
{
    (void)state;
    assert_string_equal(start_of("a\\s*b"), "a");
    assert_string_equal(start_of("ab\\s*cdef"), "ab");              /* cdef may lie on a later line */
    assert_string_equal(start_of("[ \\t]+x|\\|y"), "x||y");          /* per branch the fewest strings */
    assert_string_equal(start_of("(?m)^[^\\n。]{2,9}?\\K(?:[ \\t]+|\\|)(?:来源|作者|时间|日期)\\s*:"), " |\t||");
    assert_string_equal(start_of("(?<=\\S)[ \\t]*[【\\[]\\s*(?:字号|字体)"), "【|[");
    assert_string_equal(start_of("x*(?:ab|cd)\\s*e"), "ab|cd");
    /* a line feed may come first: no set */
    const char *none[] = {"\\s*ab", "[^x]ab", "(?s).ab", "(?:a|\\n)*b\\s", "\\Gab", "ab\\G", "(?=\\n)ab",
                          "(?:\\s*a)b", "\\Dab", "a?b?"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        if (*start_of(none[i]))
            fail_msg("pattern %s: start set %s, want none", none[i], start_of(none[i]));
}

static const char *line_of(const char *pattern)
{
    return joined(pattern, hb_regex_line_literals);
}

/* The most selective set before any line feed: of the web-page field
 * rule, its field names rather than its separators. */
static void test_line_sets(void **state)
{
    (void)state;
    assert_string_equal(line_of("(?m)^[^\\n。]{2,9}?\\K(?:[ \\t]+|\\|)(?:来源|作者|时间|日期)\\s*:"), "来源|作者|时间|日期");
    assert_string_equal(line_of("ab\\s*cdef"), "ab");               /* cdef may lie on a later line */
    assert_string_equal(line_of("[ \\t]+来源x|\\|y"), "来源x||y");
    assert_string_equal(line_of("(?<=\\S)[ \\t]*[【\\[]\\s*(?:字号|字体)"), "【|[");
    const char *none[] = {"\\s*ab", "\\Gab", "a?b?"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        if (*line_of(none[i]))
            fail_msg("pattern %s: line set %s, want none", none[i], line_of(none[i]));
}

/* The first match at or after from, the way strip runs a rule with a
 * start set: from each line holding one of its strings, the whole text the
 * subject, no attempt starting past the line's end.  ov[0] = SIZE_MAX: none. */
static void by_start_lines(pcre2_code *re, const hb_lits *l, const char *t, size_t len, size_t from,
                           pcre2_match_context *mc, pcre2_match_data *md, size_t ov[2])
{
    ov[0] = SIZE_MAX;
    for (size_t at = from; at < len;) {
        const char *nl = memchr(t + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - t) : len;
        int holds = 0;
        for (size_t k = 0; k < l->n; k++) {
            const char *q = hb_lit_find(t + at, len - at, l->buf + l->off[k], l->len[k]);
            holds |= q && (size_t)(q - t) <= end;
        }
        pcre2_set_offset_limit(mc, end);
        if (holds && pcre2_match(re, (PCRE2_SPTR)t, len, at, 0, md, mc) >= 0) {
            ov[0] = pcre2_get_ovector_pointer(md)[0];
            ov[1] = pcre2_get_ovector_pointer(md)[1];
            return;
        }
        at = end + 1;
    }
}

/* Searching from the lines holding a start string, or a string of the
 * line set, finds the whole text's matches, on texts made of the
 * patterns' parts joined by spaces and line feeds. */
static void test_start_lines(void **state)
{
    (void)state;
    const char *pats[] = {"(?<=\\S)[ \\t]*[【\\[]\\s*(?:字号|字体)\\s*:?\\s*[大中小](?:\\s*[大中小]){1,2}\\s*[】\\]]",
                          "(?m)^[^\\n。:|]{2,8}?\\K(?:[ \\t]+|[ \\t]*\\|[ \\t]*)(?:来源|作者|(?:时间)(?=\\s*:\\s*\\d))\\s*:[^\\n。]*$",
                          "</?[a-z]{1,4}(\\s[^<>]{0,20})?/?>", "a\\s*b", "x*(?:ab|cd)\\s*e", "此处\\s*\\d+\\s*字"};
    const char *parts[] = {"a", "b", "ab", "cd", "e", "x", "<p", ">", "</b>", "【", "字号", ":", "大", "中", "】", "[",
                           "来源", "作者", "时间", "12", "|", "\t", "。", "文字", "此处", "3字", "", " "};
    enum { NPARTS = sizeof parts / sizeof *parts };
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    unsigned seed = 11;
    void (*readers[])(const char *, uint32_t, hb_lits *) = {hb_regex_start_literals, hb_regex_line_literals};
    for (size_t p = 0; p < 2 * (sizeof pats / sizeof *pats); p++) {
        hb_lits l;
        readers[p % 2](pats[p / 2], 0, &l);
        if (!l.n)
            fail_msg("%s: no set", pats[p / 2]);
        int ec;
        PCRE2_SIZE eo;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)pats[p / 2], PCRE2_ZERO_TERMINATED,
                                       PCRE2_UTF | PCRE2_UCP | PCRE2_USE_OFFSET_LIMIT, &ec, &eo, NULL);
        assert_non_null(re);
        for (int round = 0; round < 400; round++) {
            char t[512];
            size_t n = 0;
            int k = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 12;
            for (int j = 0; j < k; j++) {
                const char *w = parts[((seed = seed * 1103515245u + 12345u) >> 16) % NPARTS];
                memcpy(t + n, w, strlen(w));
                n += strlen(w);
                t[n++] = ((seed >> 20) & 3) ? ' ' : '\n';
            }
            for (size_t from = 0; from < n; from++) {
                if (((unsigned char)t[from] & 0xC0) == 0x80)
                    continue; /* strip searches from character starts */
                size_t want[2] = {SIZE_MAX, 0}, got[2];
                pcre2_set_offset_limit(mc, PCRE2_UNSET);
                if (pcre2_match(re, (PCRE2_SPTR)t, n, from, 0, md, mc) >= 0) {
                    want[0] = pcre2_get_ovector_pointer(md)[0];
                    want[1] = pcre2_get_ovector_pointer(md)[1];
                }
                by_start_lines(re, &l, t, n, from, mc, md, got);
                if (got[0] != want[0] || (want[0] != SIZE_MAX && got[1] != want[1]))
                    fail_msg("%s on \"%.*s\" from %zu: by start lines %zu, whole text %zu", pats[p / 2], (int)n, t, from,
                             got[0], want[0]);
            }
        }
        pcre2_code_free(re);
    }
    pcre2_match_context_free(mc);
    pcre2_match_data_free(md);
}

/* hb_lit_find finds what memmem finds, whichever byte it looks for. */
static void test_lit_find(void **state)
{
    (void)state;
    const char *text = "ab<!-- x --> 【字号】 a<!b <!--", *lits[] = {"<!--", "-->", "【", "字号", "号】", "b", "!b <", "x"};
    for (size_t i = 0; i < sizeof lits / sizeof *lits; i++)
        for (size_t from = 0; from <= strlen(text); from++) {
            const char *want = memmem(text + from, strlen(text) - from, lits[i], strlen(lits[i]));
            assert_ptr_equal(hb_lit_find(text + from, strlen(text) - from, lits[i], strlen(lits[i])), want);
        }
}

/* hb_lit_find on texts longer than the 32-byte blocks a literal without
 * ASCII is looked for by: each literal put at each place of a Han text
 * (across a block's edge, at the end, twice, after a near miss: 【 and 】
 * share their first bytes and their last with other characters), found
 * where memmem finds it, from every start. */
static void test_lit_find_blocks(void **state)
{
    (void)state;
    const char *lits[] = {"【", "字号", "此处隐藏", "号】"};
    const char *base = "工作总结报告今年以来全区上下认真贯彻落实各项决策部署字体字号";
    char text[512];
    for (size_t i = 0; i < sizeof lits / sizeof *lits; i++)
        for (size_t at = 0; at <= strlen(base); at += 3) {
            size_t n = strlen(lits[i]), len = 0;
            memcpy(text, base, at);
            memcpy(text + at, lits[i], n);
            strcpy(text + at + n, base + at);
            len = strlen(text);
            for (size_t from = 0; from <= len; from++) {
                const char *want = memmem(text + from, len - from, lits[i], n);
                assert_ptr_equal(hb_lit_find(text + from, len - from, lits[i], n), want);
            }
        }
}

/* hb_lits_in: a text holding none of a set's strings may not match; one
 * with no set known always may. */
static void test_lits_in(void **state)
{
    (void)state;
    hb_lits l;
    hb_regex_literals("(字号|字体)\\s*:", 0, &l);
    const char *with = "【字体：大 中 小】", *without = "本文共三段，字数不多。";
    assert_true(hb_lits_in(&l, with, strlen(with)));
    assert_false(hb_lits_in(&l, without, strlen(without)));
    assert_false(hb_lits_in(&l, with, 3)); /* the string must lie whole inside */
    hb_regex_literals("\\d+", 0, &l);
    assert_true(hb_lits_in(&l, without, strlen(without)));
}

/* hb_litset_scan and hb_litset_find against searching for every literal of
 * every set, on texts drawn from a small alphabet of ASCII, two-, three-
 * and four-byte characters (so that literals share first bytes and keys: 字
 * and 䭗 have the same continuation bytes, and occur overlapping, at the
 * text's edges, and not at all), some texts cut inside their last
 * character.  Every other set's literals open with a three-byte character
 * (a Han set, whose vector filter asks only those places). */
static void test_litset(void **state)
{
    (void)state;
    static const char *const alpha[] = {"a", "b", "-", ">", "©", "»", "第", "篇", "简", "签",
                                        "章", "字", "䭗", "\xF0\x9F\x98\x80"};
    enum { NA = sizeof alpha / sizeof *alpha, NSETS = 40, HAN = 6, NHAN = 7 }; /* alpha[HAN..HAN+NHAN) */
    unsigned seed = 12345;
#define RAND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
    for (int round = 0; round < 40; round++) {
        hb_litset *x = hb_litset_new();
        assert_non_null(x);
        char lit[NSETS][4][16];
        size_t litlen[NSETS][4], nlit[NSETS];
        int nsets = 1 + (int)(RAND() % NSETS);
        for (int s = 0; s < nsets; s++) {
            nlit[s] = 1 + RAND() % 4;
            for (size_t i = 0; i < nlit[s]; i++) {
                size_t n = 0, chars = 1 + RAND() % 3;
                for (size_t c = 0; c < chars; c++) {
                    const char *ch = alpha[c == 0 && round % 2 ? HAN + RAND() % NHAN : RAND() % NA];
                    memcpy(lit[s][i] + n, ch, strlen(ch));
                    n += strlen(ch);
                }
                litlen[s][i] = n;
                assert_true(hb_litset_add(x, lit[s][i], n, s));
            }
        }
        for (int t = 0; t < 200; t++) {
            char text[256];
            size_t n = 0, chars = RAND() % 60; /* past 64 bytes: the vector scan, then its tail */
            for (size_t c = 0; c < chars; c++) {
                const char *ch = alpha[RAND() % NA];
                memcpy(text + n, ch, strlen(ch));
                n += strlen(ch);
            }
            if (n && RAND() % 8 == 0)
                n--; /* a character cut short, which starts no literal */
            uint64_t want = 0;
            for (int s = 0; s < nsets; s++)
                for (size_t i = 0; i < nlit[s]; i++)
                    if (memmem(text, n, lit[s][i], litlen[s][i]))
                        want |= 1ull << s;
            uint64_t got = hb_litset_scan(x, text, n);
            if (got != want)
                fail_msg("text \"%.*s\": sets %llx, want %llx", (int)n, text, (unsigned long long)got,
                         (unsigned long long)want);
            /* hb_litset_find: the first place a literal of the asked sets
             * starts, lying whole in the text */
            uint64_t ask = (uint64_t)RAND() << 30 | (uint64_t)RAND() << 15 | RAND();
            size_t first = n;
            for (size_t at = 0; at < n && first == n; at++)
                for (int s = 0; s < nsets && first == n; s++)
                    for (size_t i = 0; (ask >> s & 1) && i < nlit[s]; i++)
                        if (litlen[s][i] <= n - at && !memcmp(text + at, lit[s][i], litlen[s][i]))
                            first = at;
            size_t found = hb_litset_find(x, text, n, ask);
            if (found != first)
                fail_msg("text \"%.*s\": sets %llx first at %zu, want %zu", (int)n, text,
                         (unsigned long long)ask, found, first);
        }
        hb_litset_free(x);
    }
#undef RAND
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sets),
        cmocka_unit_test(test_whole_max),
        cmocka_unit_test(test_sound),
        cmocka_unit_test(test_one_line),
        cmocka_unit_test(test_start_sets),
        cmocka_unit_test(test_start_lines),
        cmocka_unit_test(test_line_sets),
        cmocka_unit_test(test_lit_find),
        cmocka_unit_test(test_lit_find_blocks),
        cmocka_unit_test(test_lits_in),
        cmocka_unit_test(test_litset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
