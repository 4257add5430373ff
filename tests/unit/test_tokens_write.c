/* hb_report_tokens_write: the streamed token and word lines are
 * hb_report_tokens' bytes, in bounded pieces, and a failed write stops
 * them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doc.h"
#include "huibao.h"
#include "strbuf.h"
#include "testutil.h"
#include "tokens.h"

typedef struct {
    char *s;
    size_t n, biggest;
    int calls, fail_at; /* fail_at: the call that fails, 0: none */
} sink;

static int collect(void *ctx, const char *s, size_t n)
{
    sink *k = ctx;
    k->calls++;
    if (k->fail_at && k->calls == k->fail_at)
        return 0;
    char *ns = realloc(k->s, k->n + n + 1);
    if (!ns)
        return 0;
    memcpy(ns + k->n, s, n);
    k->s = ns;
    k->n += n;
    k->s[k->n] = '\0';
    if (n > k->biggest)
        k->biggest = n;
    return 1;
}

/* A corpus report repeated to a few hundred KB: many pieces of output. */
static hb_report *big_report_of(const hb_engine *e, int until)
{
    size_t len;
    char *one = tu_read_file("corpus/jiwei_annual.txt", &len);
    assert_non_null(one);
    enum { TIMES = 40 };
    char *text = malloc(len * TIMES);
    assert_non_null(text);
    for (int i = 0; i < TIMES; i++)
        memcpy(text + (size_t)i * len, one, len);
    hb_extract_options xo = {.until = until};
    hb_error err;
    hb_report *r = hb_extract(e, text, len * TIMES, &xo, &err);
    assert_non_null(r);
    free(one);
    free(text);
    return r;
}

static hb_report *big_report(int until)
{
    return big_report_of(engine, until);
}

static void streamed_equals_whole(int until, unsigned flags)
{
    hb_report *r = big_report(until);
    char *whole = hb_report_tokens(r, flags);
    assert_non_null(whole);
    sink k = {0};
    assert_int_equal(hb_report_tokens_write(r, flags, collect, &k), HB_OK);
    assert_true(k.calls > 2);
    assert_true(k.biggest < (size_t)128 << 10); /* never held whole */
    assert_int_equal(k.n, strlen(whole));
    assert_string_equal(k.s, whole);
    free(k.s);
    hb_free(whole);
    hb_report_free(r);
}

static void test_words_streamed(void **s)
{
    (void)s;
    streamed_equals_whole(HB_UNTIL_TEXT, HB_TOKENS_WORDS);
}

static void test_tokens_streamed(void **s)
{
    (void)s;
    streamed_equals_whole(HB_UNTIL_TOKENS, 0);
}

static void test_write_failure_stops(void **s)
{
    (void)s;
    hb_report *r = big_report(HB_UNTIL_TEXT);
    sink k = {.fail_at = 2};
    assert_int_equal(hb_report_tokens_write(r, HB_TOKENS_WORDS, collect, &k), HB_ERR_IO);
    assert_int_equal(k.calls, 2); /* nothing more after the failure */
    assert_int_equal(hb_report_tokens_write(r, 0, NULL, &k), HB_ERR_ARG);
    free(k.s);
    hb_report_free(r);
}

/* hb_engine_options.words_only: the same words as a whole engine (the
 * lexicon's added words included: dict/lexicon.txt and the slogans), and
 * no other path. */
static void test_words_only_engine(void **s)
{
    (void)s;
    const char *lex = getenv("HUIBAO_LEXICON"); /* tu_engine's: build-asan/ has its own */
    hb_engine_options eo = {.dict_dir = "dict", .lexicon_path = lex ? lex : "build/jieba.lex", .words_only = 1};
    hb_error err;
    hb_engine *wo = hb_engine_new(&eo, &err);
    assert_non_null(wo);
    hb_report *a = big_report(HB_UNTIL_TEXT), *b = big_report_of(wo, HB_UNTIL_TEXT);
    char *wa = hb_report_tokens(a, HB_TOKENS_WORDS), *wb = hb_report_tokens(b, HB_TOKENS_WORDS);
    assert_non_null(wa);
    assert_non_null(wb);
    assert_string_equal(wa, wb);
    char *ja = hb_report_json(a, 0), *jb = hb_report_json(b, 0);
    assert_non_null(jb);
    assert_string_equal(ja, jb); /* the same empty document */
    hb_free(ja);
    hb_free(jb);
    hb_free(wa);
    hb_free(wb);
    hb_report_free(a);
    hb_report_free(b);
    hb_extract_options xo = {.until = HB_UNTIL_ALL};
    const int untils[] = {HB_UNTIL_ALL, HB_UNTIL_TOKENS};
    for (size_t i = 0; i < 2; i++) {
        xo.until = untils[i];
        assert_null(hb_extract(wo, "一", 3, &xo, &err));
        assert_int_equal(err.code, HB_ERR_ARG);
        assert_non_null(strstr(err.message, "words only"));
    }
    hb_engine_free(wo);
}

/* Word lines' offsets are kept as running decimals (text_out.c): every
 * line's offsets must still be those of its text, across digit-count
 * changes (9 -> 10 … 99999 -> 100000), carries, a jump over a long run of
 * skipped spaces, words longer than the 16 bytes copied at once and a
 * word at the very end of the text. */
static void test_word_offsets(void **s)
{
    (void)s;
    static const char *const pieces[] = {"工作", "a", "，", "2023年", "党建工作责任制", "x",
                                         "中华人民共和国全国人民代表大会", "。\n"};
    size_t cap = 300000, n = 0;
    char *text = malloc(cap + 20000);
    assert_non_null(text);
    for (size_t i = 0; n < cap; i++) {
        const char *p = pieces[i % 8];
        memcpy(text + n, p, strlen(p));
        n += strlen(p);
        if (i == 5000) { /* skipped whitespace words: the next offset jumps by more than 9999 */
            memset(text + n, ' ', 12000);
            n += 12000;
        }
    }
    memcpy(text + n, "结束", 6); /* the last word ends the text: no 16 bytes after it */
    n += 6;
    hb_extract_options xo = {.until = HB_UNTIL_TEXT};
    hb_error err;
    hb_report *r = hb_extract(engine, text, n, &xo, &err);
    assert_non_null(r);
    char *out = hb_report_tokens(r, HB_TOKENS_WORDS);
    assert_non_null(out);
    size_t last_end = 0, lines = 0;
    int jumped = 0;
    for (char *line = out; *line;) {
        char *nl = strchr(line, '\n');
        /* a word "\n" itself is skipped as whitespace, so each line ends at its own '\n' */
        assert_non_null(nl);
        assert_memory_equal(line, "word\t", 5);
        char *e;
        unsigned long long st = strtoull(line + 5, &e, 10);
        assert_int_equal(*e, '\t');
        unsigned long long en = strtoull(e + 1, &e, 10);
        assert_int_equal(*e, '\t');
        assert_true(st >= last_end && en > st && en <= n);
        jumped |= st - last_end > 9999;
        assert_int_equal((size_t)(nl - (e + 1)), en - st);
        assert_memory_equal(e + 1, text + st, en - st);
        last_end = en;
        lines++;
        line = nl + 1;
    }
    assert_true(jumped);
    assert_int_equal(last_end, n);
    assert_true(lines > 10000);
    hb_free(out);
    hb_report_free(r);
    free(text);
}

/* Token lines keep the view map's run between tokens and their offsets as
 * running decimals (text_out.c): each line must still be the token's own
 * span as hb_doc_vstart and hb_doc_vend give it from scratch, on a text the
 * fold changes (full-width forms, CRLF, circled numbers), both when the
 * report kept its tokens and when the lines are made a paragraph at a time. */
static void test_token_offsets(void **s)
{
    (void)s;
    static const char piece[] = "一、２０２３年ＡＢＣ工作 ①完成率98.5%\r\n  二是加强　党建, ok\r\n\r\n";
    size_t n = 0, times = 3000;
    char *text = malloc(sizeof piece * times);
    assert_non_null(text);
    for (size_t i = 0; i < times; i++, n += sizeof piece - 1)
        memcpy(text + n, piece, sizeof piece - 1);
    hb_extract_options xo = {.until = HB_UNTIL_TOKENS};
    hb_error err;
    hb_report *kept = hb_extract(engine, text, n, &xo, &err);
    assert_non_null(kept);
    hb_strbuf want = {0};
    char line[64];
    for (size_t i = 0; i < kept->tokens.n; i++) {
        const hb_token *t = &kept->tokens.v[i];
        if (t->type == HB_TOK_SPACE)
            continue;
        size_t st = hb_doc_vstart(kept, t->vstart), en = hb_doc_vend(kept, t->vend);
        snprintf(line, sizeof line, "%s\t%zu\t%zu\t", hb_token_type_name(t->type), st, en);
        hb_strbuf_add(&want, line, strlen(line));
        hb_strbuf_add(&want, text + st, en - st);
        hb_strbuf_add(&want, "\n", 1);
    }
    char *expect = hb_strbuf_take(&want);
    assert_non_null(expect);
    xo.until = HB_UNTIL_ALL;
    hb_report *full = hb_extract(engine, text, n, &xo, &err);
    assert_non_null(full);
    assert_null(full->tokens.v); /* the lines are made again a paragraph at a time */
    char *a = hb_report_tokens(kept, 0), *b = hb_report_tokens(full, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, expect);
    assert_string_equal(b, expect);
    hb_free(a);
    hb_free(b);
    free(expect);
    hb_report_free(kept);
    hb_report_free(full);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_streamed),
        cmocka_unit_test(test_tokens_streamed),
        cmocka_unit_test(test_write_failure_stops),
        cmocka_unit_test(test_words_only_engine),
        cmocka_unit_test(test_word_offsets),
        cmocka_unit_test(test_token_offsets),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
