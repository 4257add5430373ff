/* Slogans: quoted terms, known formulations, discovered numeric formulations,
 * the coverage queries for metrics, and the Aho–Corasick matcher itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "aho.h"
#include "doc.h"
#include "engine.h"
#include "slogans.h"
#include "testutil.h"

/* The report's slogans as JSON; the caller json_decref()s it. */
static json_t *slogans_of(const char *text)
{
    json_t *a = tu_field(engine, text, "slogans");
    assert_non_null(a);
    return a;
}

static json_t *find(json_t *a, const char *term)
{
    size_t i;
    json_t *s;
    json_array_foreach(a, i, s) if (!strcmp(json_string_value(json_object_get(s, "term")), term)) return s;
    return NULL;
}

static int ival(json_t *s, const char *key)
{
    return (int)json_integer_value(json_object_get(s, key));
}

static void expect(json_t *a, const char *term, int count, int quoted, int known, const char *category)
{
    json_t *s = find(a, term);
    if (!s)
        fail_msg("no slogan \"%s\"", term);
    assert_int_equal(ival(s, "count"), count);
    assert_int_equal(ival(s, "quoted"), quoted);
    assert_int_equal(json_is_true(json_object_get(s, "known")), known);
    const char *cat = json_string_value(json_object_get(s, "category"));
    if (category)
        assert_string_equal(cat, category);
    else
        assert_null(cat);
}

static void test_quoted_and_unquoted_counts(void **s)
{
    (void)s;
    json_t *a = slogans_of("增强“四个意识”，坚定四个自信，做到“两个维护”。坚决做到两个维护，“头雁”带头。\n"
                           "落实“三会一课”制度，三会一课经常化。\n");
    expect(a, "四个意识", 1, 1, 1, "formulation");
    expect(a, "四个自信", 1, 0, 1, "formulation");
    expect(a, "两个维护", 2, 1, 1, "formulation");
    expect(a, "三会一课", 2, 1, 1, "rule");
    expect(a, "头雁", 1, 1, 1, "work-method"); /* an alias, reported as written */
    assert_string_equal(json_string_value(json_object_get(find(a, "头雁"), "canonical")), "头雁效应");
    assert_int_equal(ival(find(a, "四个意识"), "first_line"), 1);
    assert_int_equal(ival(find(a, "三会一课"), "first_line"), 2);
    json_decref(a);
}

static void test_terms_as_written(void **s)
{
    (void)s;
    json_t *a = slogans_of("推进“**党建”和“1小时**圈”，用好“线上＋线下”、\"党建+\"、“比、学、赶、超”。\n");
    expect(a, "**党建", 1, 1, 0, NULL);
    expect(a, "1小时**圈", 1, 1, 0, NULL);
    expect(a, "线上＋线下", 1, 1, 0, NULL);
    expect(a, "党建+", 1, 1, 1, "work-method");
    expect(a, "比、学、赶、超", 1, 1, 0, NULL);
    json_decref(a);
}

static void test_nested_and_titles(void **s)
{
    (void)s;
    json_t *a = slogans_of("开展“深化‘两个确立’学习研讨月”活动，签订《履行“一岗双责”承诺书》。\n");
    expect(a, "深化‘两个确立’学习研讨月", 1, 1, 0, NULL);
    expect(a, "两个确立", 1, 1, 1, "formulation");
    expect(a, "一岗双责", 1, 1, 1, "rule");
    json_decref(a);
}

static void test_long_quotation_is_not_a_term(void **s)
{
    (void)s;
    json_t *a = slogans_of("总书记强调：“要坚持“两个维护”，这是最高政治原则。”提出“学习贯彻习近平总书记考察陕西延安和河南安阳重要讲话精神”"
                           "和“严肃政治纪律政治规矩，规范党内政治生活”。\n");
    assert_null(find(a, "要坚持“两个维护”，这是最高政治原则。"));
    expect(a, "两个维护", 1, 1, 1, "formulation");
    expect(a, "学习贯彻习近平总书记考察陕西延安和河南安阳重要讲话精神", 1, 1, 0, NULL);
    /* a quoted remark with a clause break is a quotation, not a term */
    assert_null(find(a, "严肃政治纪律政治规矩，规范党内政治生活"));
    json_decref(a);
}

static void test_discovery(void **s)
{
    (void)s;
    json_t *a = slogans_of("开展“三强三优”创建，推行三强三优、“五题五责”，坚持“双报到双报告双考核”和一支部一特色，做到三个确保。\n"
                           "分三个方面，每年一次，一心一意，举一反三堵塞漏洞，一年来一直坚持，一对一帮扶，进一步一体推进。\n");
    expect(a, "三强三优", 2, 1, 0, "numeric");
    expect(a, "五题五责", 1, 1, 0, "numeric");
    expect(a, "双报到双报告双考核", 1, 1, 0, "numeric");
    assert_null(find(a, "双报到")); /* absorbed by the longer formulation */
    expect(a, "一支部一特色", 1, 0, 0, "numeric");
    expect(a, "三个确保", 1, 0, 0, "numeric");
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        const char *t = json_string_value(json_object_get(x, "term"));
        if (json_integer_value(json_object_get(x, "first_line")) == 2)
            fail_msg("line 2 holds no formulation, found \"%s\"", t);
    }
    json_decref(a);
}

/* The numeral starts are looked for two characters a step in Han text:
 * a formulation whose numeral is the first or the second of a pair, after
 * one byte or two of ASCII, at the text's end, each found. */
static void test_discovery_at_every_alignment(void **s)
{
    (void)s;
    const char *before[] = {"", "要", "a", "ab", "推行", "推行a", "abc推行"};
    for (size_t k = 0; k < sizeof before / sizeof *before; k++) {
        char text[160];
        snprintf(text, sizeof text, "%s三强三优，%s五题五责", before[k], before[k]);
        json_t *a = slogans_of(text);
        expect(a, "三强三优", 1, 0, 0, "numeric");
        expect(a, "五题五责", 1, 0, 0, "numeric");
        json_decref(a);
    }
}

/* With AVX2 the numeral starts are looked for 32 bytes a step: each
 * formulation is found at every place of the block, after ASCII bytes. */
static void test_discovery_at_every_place(void **s)
{
    (void)s;
    for (int lead = 0; lead < 40; lead++) {
        char text[512];
        snprintf(text, sizeof text, "%.*s推行三强三优，落实五题五责，坚持一支部一特色，做到三个确保，实行双报到双报告双考核。",
                 lead, "abcdefghijklmnopqrstuvwxyzabcdefghijklmn");
        json_t *a = slogans_of(text);
        expect(a, "三强三优", 1, 0, 0, "numeric");
        expect(a, "五题五责", 1, 0, 0, "numeric");
        expect(a, "一支部一特色", 1, 0, 0, "numeric");
        expect(a, "三个确保", 1, 0, 0, "numeric");
        expect(a, "双报到双报告双考核", 1, 0, 0, "numeric");
        json_decref(a);
    }
}

static void test_coverage_queries(void **s)
{
    (void)s;
    const char *text = "增强四个意识，“不足3人党支部”共5个，学习《2023年工作要点》，开展研讨6次。\n";
    hb_report *r = tu_extract(engine, text);
    assert_non_null(r);
    const char *v = r->view;
    size_t four = (size_t)(strstr(v, "四个") - v);
    size_t three = (size_t)(strstr(v, "3人") - v);
    size_t year = (size_t)(strstr(v, "2023") - v);
    size_t five = (size_t)(strstr(v, "5个") - v);
    size_t six = (size_t)(strstr(v, "6次") - v);
    assert_true(hb_in_quote_or_title(r, four));
    assert_true(hb_in_quote_or_title(r, three));
    assert_true(hb_in_quote_or_title(r, year));
    assert_false(hb_in_quote_or_title(r, five));
    assert_false(hb_in_quote_or_title(r, six));
    assert_true(hb_slogan_covered(r, year - 3, year + 4));
    assert_false(hb_slogan_covered(r, five, five + 4));
    size_t n;
    const hb_vrange *rg = hb_slogan_ranges(r, &n);
    assert_true(n >= 3);
    for (size_t i = 1; i < n; i++)
        assert_true(rg[i - 1].end <= rg[i].start);
    hb_report_free(r);
}

/* The covered ranges come from quotations, dictionary matches and each
 * pattern's discoveries, each source in text order; merged, they are one
 * ascending list of disjoint ranges holding every one of them. */
static void test_coverage_merged_from_every_source(void **s)
{
    (void)s;
    const char *text = "落实三强三优，“红色引擎”增强四个意识，《工作要点》推进一岗双责，“五星支部”做到三强三优，"
                       "增强四个意识，学习《“红色引擎”工程方案》。\n";
    hb_report *r = tu_extract(engine, text);
    assert_non_null(r);
    const char *v = r->view;
    static const char *const parts[] = {"三强三优", "红色引擎", "四个意识", "工作要点", "一岗双责", "五星支部"};
    size_t n;
    const hb_vrange *rg = hb_slogan_ranges(r, &n);
    for (size_t i = 1; i < n; i++)
        assert_true(rg[i - 1].end <= rg[i].start);
    for (size_t k = 0; k < sizeof parts / sizeof *parts; k++)
        for (const char *p = strstr(v, parts[k]); p; p = strstr(p + 1, parts[k])) {
            size_t at = (size_t)(p - v);
            if (!hb_slogan_covered(r, at, at + strlen(parts[k])))
                fail_msg("\"%s\" at %zu is not covered", parts[k], at);
        }
    hb_report_free(r);
}

/* The lookups by bucket of 256 view bytes against every range: a report
 * of 16 KiB and more (smaller ones are searched whole), its ranges on either
 * side of the buckets' bounds, every position and ranges of several lengths,
 * empty ones too. */
static void test_coverage_by_bucket(void **s)
{
    (void)s;
    static char text[40000];
    text[0] = '\0';
    for (int k = 0; k < 400; k++)
        strcat(text, k % 3 ? "增强四个意识，“不足3人党支部”共5个，" : "学习《2023年工作要点》推进一岗双责，开展研讨6次。\n");
    hb_report *r = tu_extract(engine, text);
    assert_non_null(r);
    size_t n, len = r->view_len;
    const hb_vrange *rg = hb_slogan_ranges(r, &n);
    assert_true(n > 400 && len > 64 * 256);
    /* before[p]: covered bytes before view position p */
    size_t *before = calloc(len + 1, sizeof *before);
    assert_non_null(before);
    for (size_t i = 0; i < n; i++)
        for (size_t p = rg[i].start; p < rg[i].end; p++)
            before[p + 1] = 1;
    for (size_t p = 0; p < len; p++)
        before[p + 1] += before[p];
    for (size_t vs = 0; vs <= len; vs++) {
        assert_int_equal(hb_in_quote_or_title(r, vs), vs < len && before[vs + 1] > before[vs]);
        static const size_t LENS[] = {0, 1, 3, 10, 300};
        for (size_t l = 0; l < sizeof LENS / sizeof *LENS; l++) {
            size_t ve = vs + LENS[l] < len ? vs + LENS[l] : len;
            assert_int_equal(hb_slogan_covered(r, vs, ve), before[ve] > before[vs]);
        }
    }
    free(before);
    hb_report_free(r);
}

/* ---- the automaton ---- */

typedef struct {
    size_t s[64], e[64];
    int v[64];
    int n;
} hits;

static int collect(void *ctx, size_t s, size_t e, int v)
{
    hits *h = ctx;
    if (h->n < 64) {
        h->s[h->n] = s, h->e[h->n] = e, h->v[h->n] = v;
        h->n++;
    }
    return 1;
}

static void test_ac_leftmost_longest(void **s)
{
    (void)s;
    hb_ac *ac = hb_ac_new();
    const char *pats[] = {"ab", "abcd", "bc", "c", "de", "xyz"};
    for (int i = 0; i < 6; i++)
        assert_true(hb_ac_add(ac, pats[i], strlen(pats[i]), i));
    assert_true(hb_ac_add(ac, "ab", 2, 99)); /* a repeat keeps its first value */
    assert_true(hb_ac_build(ac));
    assert_int_equal(hb_ac_count(ac), 6);
    hits h = {0};
    assert_true(hb_ac_scan(ac, "abcdebcxyc", 10, collect, &h));
    assert_int_equal(h.n, 3); /* abcd, bc, c — de overlaps abcd; xyz absent */
    assert_int_equal(h.v[0], 1);
    assert_int_equal(h.s[0], 0);
    assert_int_equal(h.e[0], 4);
    assert_int_equal(h.v[1], 2);
    assert_int_equal(h.s[1], 5);
    assert_int_equal(h.v[2], 3);
    assert_int_equal(h.s[2], 9);
    hb_ac_free(ac);
}

static int count_all(void *ctx, size_t s, size_t e, int v)
{
    (void)s, (void)e, (void)v;
    ++*(int *)ctx;
    return 1;
}

/* The first of the np patterns equal to s[0..len) (a repeat keeps the
 * first value), -1: none. */
static int naive_find(char *const *pats, int np, const char *s, size_t len)
{
    for (int i = 0; i < np; i++)
        if (strlen(pats[i]) == len && !memcmp(pats[i], s, len))
            return i;
    return -1;
}

/* hb_ac_find of every pattern, of each pattern less its last byte and
 * plus the next, and of pieces of the text, against naive_find: keys
 * copied to the heap at their exact length, so that a read past one is
 * caught under ASan. */
static void check_find(const hb_ac *ac, char *const *pats, int np, const char *text, size_t n)
{
    for (int i = 0; i < np && i < 200; i++) {
        size_t l = strlen(pats[i]);
        for (size_t k = l - 1; k <= l + 1; k++) {
            char *key = malloc(k ? k : 1);
            assert_non_null(key);
            memcpy(key, pats[i], k < l ? k : l);
            if (k > l)
                key[l] = pats[(i + 1) % np][0];
            assert_int_equal(hb_ac_find(ac, key, k), naive_find(pats, np, key, k));
            free(key);
        }
    }
    for (size_t p = 0; p < n; p += 7)
        for (size_t k = 1; k <= 12 && p + k <= n; k++) {
            char *key = malloc(k);
            assert_non_null(key);
            memcpy(key, text + p, k);
            assert_int_equal(hb_ac_find(ac, key, k), naive_find(pats, np, key, k));
            free(key);
        }
}

/* Both scans of ac against naive ones over text[0..n): the leftmost-longest
 * matches and the count of every occurrence of the np patterns (a repeated
 * pattern is one pattern). */
static void check_naive(const hb_ac *ac, char *const *pats, int np, const char *text, size_t n)
{
    hits got = {0};
    assert_true(hb_ac_scan(ac, text, n, collect, &got));
    int m = 0, all = 0;
    for (int i = 0; i < np; i++) {
        int first = 1;
        for (int j = 0; j < i && first && np <= 64; j++) /* large sets are made without repeats */
            first = strcmp(pats[i], pats[j]) != 0;
        size_t l = strlen(pats[i]);
        for (size_t p = 0; first && p + l <= n; p++)
            all += !memcmp(text + p, pats[i], l);
    }
    int got_all = 0;
    assert_true(hb_ac_scan_all(ac, text, n, count_all, &got_all));
    assert_int_equal(got_all, all);
    for (size_t p = 0; p < n && m < 64;) {
        size_t best = 0;
        for (int i = 0; i < np; i++) {
            size_t l = strlen(pats[i]);
            if (l > best && p + l <= n && !memcmp(text + p, pats[i], l))
                best = l;
        }
        if (!best) {
            p++;
            continue;
        }
        assert_true(m < got.n);
        assert_int_equal(got.s[m], p);
        assert_int_equal(got.e[m], p + best);
        m++;
        p += best;
    }
    if (m < 64)
        assert_int_equal(m, got.n);
    check_find(ac, pats, np, text, n);
}

/* How an automaton takes a compiled form: checked (a rules file),
 * trusted (the program's own image: its start table read in place), or
 * vouched for by its key, no pattern added (the slogan dictionary's). */
enum { CHECKED, TRUSTED, VOUCHED };

/* ac's compiled form taken by a new automaton of the same patterns. */
static hb_ac *adopted(const hb_ac *ac, char *const *pats, int np, void **blob, int how)
{
    size_t n = hb_ac_compiled_size(ac);
    assert_true(n > 0);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_true(hb_ac_write_compiled(ac, f));
    rewind(f);
    *blob = malloc(n); /* malloc's alignment is the 8 bytes adopt asks for */
    assert_non_null(*blob);
    assert_int_equal(fread(*blob, 1, n, f), n);
    fclose(f);
    hb_ac *taken = hb_ac_new();
    assert_non_null(taken);
    for (int i = 0; i < np; i++)
        assert_true(hb_ac_add(taken, pats[i], strlen(pats[i]), i));
    if (how == VOUCHED) {
        unsigned char key[32];
        memcpy(key, hb_ac_key(taken), sizeof key);
        hb_ac_free(taken);
        assert_non_null(taken = hb_ac_new());
        assert_true(hb_ac_adopt_vouched(taken, key, *blob, n));
        assert_memory_equal(hb_ac_key(taken), key, sizeof key);
    } else {
        assert_true(how == TRUSTED ? hb_ac_adopt_trusted(taken, *blob, n) : hb_ac_adopt(taken, *blob, n));
    }
    assert_int_equal(hb_ac_width(taken), hb_ac_width(ac));
    return taken;
}

/* The naive comparison on the automaton as built and as taken back from
 * its compiled form in each way. */
static void check_built_and_adopted(const hb_ac *ac, char *const *pats, int np, const char *text, size_t n)
{
    check_naive(ac, pats, np, text, n);
    for (int how = CHECKED; how <= VOUCHED; how++) {
        void *blob;
        hb_ac *taken = adopted(ac, pats, np, &blob, how);
        check_naive(taken, pats, np, text, n);
        hb_ac_free(taken); /* a trusted one's start table is the blob's: not freed here */
        free(blob);
    }
}

/* Random dictionaries against a naive leftmost-longest matcher (and every
 * occurrence against a naive count): shortest patterns of 1 to 9 bytes, so
 * the start table keys on 1 to 8 bytes, over bytes of which some are UTF-8
 * lead and continuation bytes, matches up to the text's last byte.  Built
 * and taken from the compiled form; small, so with 16-bit links; every
 * third one without a table (edges and failure links, as large ones are). */
static void test_ac_against_naive(void **s)
{
    (void)s;
    static const char ALPHA[] = "ab\xE4\xB8";
    srand(7);
    for (int round = 0; round < 300; round++) {
        hb_ac *ac = hb_ac_new();
        if (round % 3 == 0)
            hb_ac_set_table_max(ac, 0);
        char store[40][13], *pats[40];
        int np = 1 + rand() % 40, minl = 1 + round % 9, nalpha = round % 2 ? 4 : 2;
        for (int i = 0; i < np; i++) {
            int l = minl + rand() % 4;
            pats[i] = store[i];
            for (int k = 0; k < l; k++)
                pats[i][k] = ALPHA[rand() % nalpha];
            pats[i][l] = '\0';
            hb_ac_add(ac, pats[i], (size_t)l, i);
        }
        assert_true(hb_ac_build(ac));
        assert_int_equal(hb_ac_width(ac), 2);
        char text[200];
        for (int k = 0; k < 199; k++)
            text[k] = ALPHA[rand() % nalpha];
        text[199] = '\0';
        /* a pattern at the very end, where fewer than 8 bytes are left */
        memcpy(text + 199 - strlen(pats[0]), pats[0], strlen(pats[0]));
        check_built_and_adopted(ac, pats, np, text, 199);
        hb_ac_free(ac);
    }
}

/* Han text as the dictionary's scan sees it: characters of three bytes
 * stepped two at a time, heads of 5 to 8 bytes, patterns shorter than 8
 * bytes (the second filter's short heads) and longer (their first 8 bytes),
 * a few characters of one byte between, patterns at the text's end.  The
 * filters never skip a match the naive scan finds.  With han_first, no
 * pattern begins with ASCII: the scan steps over the text's ASCII (1 and e
 * inside patterns, the comma and x in none) without hashing it, within its
 * loop of Han pairs, and over é (two bytes, in no pattern) outside it. */
static void han_against_naive(unsigned seed, int han_first)
{
    static const char *const CH[] = {"党", "建", "工", "作", "两", "学", "1", "e", ",", "x", "é"};
    srand(seed);
    for (int round = 0; round < 300; round++) {
        hb_ac *ac = hb_ac_new();
        if (round % 3 == 0)
            hb_ac_set_table_max(ac, 0);
        char store[30][40], *pats[30];
        int np = 1 + rand() % 30, nch = round % 2 ? 8 : 6, nascii = han_first ? 5 : 2;
        for (int i = 0; i < np; i++) {
            int l = 2 + rand() % 5;
            pats[i] = store[i];
            pats[i][0] = '\0';
            for (int k = 0; k < l; k++)
                strcat(pats[i], CH[rand() % (han_first && k == 0 ? 6 : nch)]);
            hb_ac_add(ac, pats[i], strlen(pats[i]), i);
        }
        assert_true(hb_ac_build(ac));
        char text[1000] = "";
        size_t n = 0;
        while (n < 900) {
            const char *c = CH[rand() % 10 < 9 ? rand() % 6 : 6 + rand() % nascii];
            memcpy(text + n, c, strlen(c));
            n += strlen(c);
        }
        for (int k = 0; k < 5; k++) { /* whole patterns here and there, one at the end */
            const char *p = pats[rand() % np];
            size_t at = k == 4 ? n - strlen(p) : (size_t)(rand() % 280) * 3;
            memcpy(text + at, p, strlen(p));
        }
        text[n] = '\0';
        check_built_and_adopted(ac, pats, np, text, n);
        hb_ac_free(ac);
    }
}

static void test_ac_han_against_naive(void **s)
{
    (void)s;
    han_against_naive(13, 0);
}

static void test_ac_han_ascii_against_naive(void **s)
{
    (void)s;
    han_against_naive(17, 1);
}

/* An automaton of more than 65,536 states has 32-bit links: the same scans,
 * built and taken from the compiled form, with a table (table_max raised)
 * and without (the default for one this large).  Distinct patterns (a prefix
 * keeps them apart), some of them planted in the text. */
static void wide_against_naive(size_t table_max)
{
    enum { NP = 20000, LEN = 8 };
    static char store[NP][LEN + 1];
    static char *pats[NP];
    srand(11);
    hb_ac *ac = hb_ac_new();
    assert_non_null(ac);
    if (table_max)
        hb_ac_set_table_max(ac, table_max);
    for (int i = 0; i < NP; i++) {
        pats[i] = store[i];
        snprintf(pats[i], 4, "%c%c%c", 'a' + i % 16, 'a' + i / 16 % 16, 'a' + i / 256 % 16);
        pats[i][3] = (char)('a' + i / 4096);
        for (int k = 4; k < LEN - i % 3; k++)
            pats[i][k] = (char)('a' + rand() % 16);
        pats[i][LEN - i % 3] = '\0';
        assert_true(hb_ac_add(ac, pats[i], strlen(pats[i]), i));
    }
    assert_true(hb_ac_build(ac));
    assert_int_equal(hb_ac_width(ac), 4);
    char text[400];
    for (int k = 0; k < 399; k++)
        text[k] = (char)('a' + rand() % 16);
    text[399] = '\0';
    for (int k = 0; k < 20; k++) {
        const char *p = pats[rand() % NP];
        memcpy(text + rand() % (399 - LEN), p, strlen(p));
    }
    check_built_and_adopted(ac, pats, NP, text, 399);
    hb_ac_free(ac);
}

static void test_ac_wide_against_naive(void **s)
{
    (void)s;
    wide_against_naive(0);
    wide_against_naive(SIZE_MAX);
}

static void test_dict_errors_name_the_line(void **s)
{
    (void)s;
    char dir[] = "/tmp/hb_slogans_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/s.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# test\n两个维护\tformulation\n党建＋\twork-method\t党建+\n四个意识\tformulation\t两个维护\n", f);
    fclose(f);
    struct hb_slogan_dict *sd;
    hb_error err = {0};
    struct hb_engine files = {.dict_dir = dir};
    assert_int_equal(hb_slogan_dict_read(&files, "s.txt", NULL, &sd, &err), HB_ERR_DICT);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.message, "line 2"));
    f = fopen(path, "w");
    fputs("两个维护\tformulation\n党建＋\twork-method\t党建+\n", f);
    fclose(f);
    assert_int_equal(hb_slogan_dict_read(&files, "s.txt", NULL, &sd, &err), HB_OK);
    assert_int_equal(hb_slogan_dict_size(sd), 3);
    assert_true(hb_slogan_dict_find(sd, "党建+", strlen("党建+")) >= 0);
    assert_int_equal(hb_slogan_dict_find(sd, "党建", strlen("党建")), -1);
    hb_slogan_dict_free(sd);
    unlink(path);
    rmdir(dir);
}

/* The quotations that quote_kinds.txt takes out of the slogans. */
static const char *quotation_kind(json_t *q, const char *text)
{
    size_t i;
    json_t *x;
    json_array_foreach(q, i, x) if (!strcmp(json_string_value(json_object_get(x, "text")), text)) return json_string_value(
        json_object_get(x, "kind"));
    return NULL;
}

static void test_names_and_remarks_are_no_slogans(void **s)
{
    (void)s;
    const char *text = "公司荣获“先进基层党组织”称号，3个支部获评“五星支部”，学校被评为全市第二批“书香校园”。"
                       "所属子公司“瀚海新能”与“云岭智造”公司签约，自主研发“蓝鲸一号”，“苍山牌”水泥畅销。"
                       "他说：“我们要把工作做实，把群众放在心上。”大家表示“干就完了！”，"
                       "开展“让群众满意，让组织放心”活动，推进“五星级”党支部创建，坚持“转作风、提效能”。"
                       "力争再创建“五星支部”2个。\n";
    json_t *a = slogans_of(text);
    json_t *q = tu_field(engine, text, "quotations");
    assert_non_null(q);
    static const char *const want[][2] = {
        {"先进基层党组织", "honour"}, {"五星支部", "honour"}, {"书香校园", "honour"},
        {"瀚海新能", "organization"}, {"云岭智造", "organization"}, {"蓝鲸一号", "product"},
        {"苍山牌", "product"}, {"我们要把工作做实，把群众放在心上。", "remark"}, {"干就完了！", "remark"},
        {"让群众满意，让组织放心", "remark"}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *k = quotation_kind(q, want[i][0]);
        if (!k || strcmp(k, want[i][1]))
            fail_msg("\"%s\": kind %s, want %s", want[i][0], k ? k : "none", want[i][1]);
        if (find(a, want[i][0]))
            fail_msg("\"%s\" is still a slogan", want[i][0]);
    }
    /* a grade inside a longer name and a list of demands stay slogans; a name
     * once judged is judged in every place (the second 五星支部) */
    expect(a, "五星级", 1, 1, 0, NULL);
    expect(a, "转作风、提效能", 1, 1, 0, NULL);
    size_t i;
    json_t *x;
    json_array_foreach(q, i, x) if (!strcmp(json_string_value(json_object_get(x, "text")), "五星支部"))
        assert_int_equal(ival(x, "count"), 2);
    json_decref(q);
    json_decref(a);
    /* numbers inside a name are no metrics, those after it are */
    json_t *m = tu_field(engine, "自主研发“蓝鲸一号”，力争再创建“五星支部”2个。\n", "metrics");
    assert_int_equal(json_array_size(m), 1);
    json_decref(m);
}

/* A `before` or `term` rule is tried only where the text it looks at holds
 * one of its pattern's literals (regex_lits.h): a cue at the paragraph's
 * start, one right before the mark and one inside a longer word are still
 * found; without a cue the quotation stays a slogan.  So are `after` rules
 * where their first bytes are. */
static void test_quote_rules_found_where_they_can_match(void **s)
{
    (void)s;
    const char *text = "荣获“先锋岗”。\n去年被命名为“示范点”，又有两个村旗下“星火科技”负责经营，“星火工坊”运行良好。\n";
    json_t *a = slogans_of(text);
    json_t *q = tu_field(engine, text, "quotations");
    assert_non_null(q);
    static const char *const want[][2] = {{"先锋岗", "honour"}, {"示范点", "honour"}, {"星火科技", "organization"}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *k = quotation_kind(q, want[i][0]);
        if (!k || strcmp(k, want[i][1]))
            fail_msg("\"%s\": kind %s, want %s", want[i][0], k ? k : "none", want[i][1]);
    }
    assert_int_equal(json_array_size(q), 3);
    expect(a, "星火工坊", 1, 1, 0, NULL);
    json_decref(q);
    json_decref(a);
    /* an `after` rule is tried only where PCRE2 says its match may start:
     * right after the mark, not after a comma, nor at the paragraph's end */
    text = "与“东岳能源”公司合作，“西岭材料”，公司认可，获评“红旗手”荣誉。\n再读“北辰精工”\n";
    a = slogans_of(text);
    q = tu_field(engine, text, "quotations");
    assert_string_equal(quotation_kind(q, "东岳能源"), "organization");
    assert_string_equal(quotation_kind(q, "红旗手"), "honour");
    assert_int_equal(json_array_size(q), 2);
    expect(a, "西岭材料", 1, 1, 0, NULL);
    expect(a, "北辰精工", 1, 1, 0, NULL);
    json_decref(q);
    json_decref(a);
}

/* A formulation never cuts a longer word, and a measure word followed by
 * another numeral is a rate. */
static void test_formulations_keep_whole_words(void **s)
{
    (void)s;
    json_t *a = slogans_of("坚持一区一特色，打造一镇一品牌、一村一品牌，配备一企一专员，推行一企一策、一人一档、一户一策，"
                           "推行一周一学、一月一评，坚持五题五责。全区九年一贯制学校5所，实行三人一组，近一年三明市来访，"
                           "一年一杭州。\n");
    static const char *const yes[] = {"一区一特色", "一镇一品牌", "一村一品牌", "一企一专员", "一企一策",
                                      "一人一档", "一户一策", "一周一学", "一月一评", "五题五责"};
    static const char *const no[] = {"一区一特", "一镇一品", "一村一品", "一企一专", "九年一贯", "九年一贯制",
                                     "三人一组", "一年三明", "一年一杭", "一年一杭州"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!find(a, yes[i]))
            fail_msg("no formulation \"%s\"", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (find(a, no[i]))
            fail_msg("\"%s\" is no formulation", no[i]);
    json_decref(a);
    /* 三人一组 counts no people either */
    json_t *m = tu_field(engine, "实行三人一组结对帮带。\n", "metrics");
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
}

static void test_quote_kinds_errors(void **s)
{
    (void)s;
    char dir[] = "/tmp/hb_qk_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/quote_kinds.txt", dir);
    static const char *const bad[][2] = {{"# x\nslogan\tterm\t,\n", "kind must be"},
                                         {"remark\tinside\t,\n", "place must be"},
                                         {"honour\tafter\t(称号\n", "quote_kinds.txt"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(bad[i][0], f);
        fclose(f);
        const char *ov[] = {dir};
        hb_engine_options eo = {.dict_dir = "dict", .dict_overlays = ov, .n_dict_overlays = 1};
        hb_error err = {0};
        hb_engine *e = hb_engine_new(&eo, &err);
        assert_null(e);
        if (!strstr(err.message, bad[i][1]) && !strstr(err.file, bad[i][1]))
            fail_msg("%s: %s", err.file, err.message);
    }
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoted_and_unquoted_counts),
        cmocka_unit_test(test_terms_as_written),
        cmocka_unit_test(test_nested_and_titles),
        cmocka_unit_test(test_long_quotation_is_not_a_term),
        cmocka_unit_test(test_discovery),
        cmocka_unit_test(test_discovery_at_every_alignment),
        cmocka_unit_test(test_discovery_at_every_place),
        cmocka_unit_test(test_coverage_queries),
        cmocka_unit_test(test_coverage_merged_from_every_source),
        cmocka_unit_test(test_coverage_by_bucket),
        cmocka_unit_test(test_ac_leftmost_longest),
        cmocka_unit_test(test_ac_against_naive),
        cmocka_unit_test(test_ac_han_against_naive),
        cmocka_unit_test(test_ac_han_ascii_against_naive),
        cmocka_unit_test(test_ac_wide_against_naive),
        cmocka_unit_test(test_dict_errors_name_the_line),
        cmocka_unit_test(test_names_and_remarks_are_no_slogans),
        cmocka_unit_test(test_quote_rules_found_where_they_can_match),
        cmocka_unit_test(test_formulations_keep_whole_words),
        cmocka_unit_test(test_quote_kinds_errors),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
