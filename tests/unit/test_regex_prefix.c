/* The classes a match's first characters must be in (src/regex_prefix.c):
 * what is read from each construct, and that the filter never turns away
 * a place where PCRE2 matches (the slogan patterns and made ones, on
 * random text of the characters they name). */
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

#include "regex_prefix.h"
#include "testutil.h"

/* The conditions of pattern as "offsets:class" joined by spaces, a class
 * written as its ranges' ends in hex ("^" first when negated), the
 * conditions in the order they are asked (the narrowest, then the
 * furthest, first). */
static const char *conds(const char *pattern)
{
    static char out[1024];
    hb_prefix p;
    hb_regex_prefix(pattern, PCRE2_ANCHORED, &p);
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < p.n; i++) {
        const hb_prefix_cond *c = &p.c[i];
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%x:%s", i ? " " : "", c->at, c->negated ? "^" : "");
        for (unsigned r = 0; r < c->nr; r++)
            n += (size_t)snprintf(out + n, sizeof out - n, c->lo[r] == c->hi[r] ? "%s%x" : "%s%x-%x", r ? "," : "",
                                  c->lo[r], c->hi[r]);
    }
    return out;
}

static void test_reads(void **state)
{
    (void)state;
    assert_string_equal(conds("abc"), "4:63 2:62 1:61");
    assert_string_equal(conds("a?b"), "3:62");                  /* b first or second */
    assert_string_equal(conds("(?:x|yz)w"), "6:77 1:78,79");    /* branches: the union of their first */
    assert_string_equal(conds("a|b"), "1:61,62");
    assert_string_equal(conds("abc|d"), "1:61,64");
    assert_string_equal(conds("(?:a?b|c)"), "3:62,63");          /* b at 0 or 1, c at 0 */
    assert_string_equal(conds("(?:a|[^b])c"), "2:63");           /* a negated class: no union */
    assert_string_equal(conds("x(?:ab|cd)?y"), "a:79 1:78");
    assert_string_equal(conds("a{2,3}b"), "c:62 2:61 1:61");
    assert_string_equal(conds("a+b"), "fe:62 1:61");
    assert_string_equal(conds("(?=x)y"), "1:79");               /* a lookahead consumes nothing */
    assert_string_equal(conds("(?<![xy])z"), "1:7a");
    assert_string_equal(conds("[^a-c]d"), "2:64 1:^61-63");     /* the narrowest asked first */
    assert_string_equal(conds("\\x{4e00}\\x41\\."), "4:2e 2:41 1:4e00");
    assert_string_equal(conds("([一二])x\\1"), "2:78 4:4e00,4e8c 1:4e00,4e8c");
    assert_string_equal(conds("(?<m>甲)乙"), "2:4e59 1:7532");
    assert_string_equal(conds(".\\d\\p{Han}x"), "8:78");         /* any character: its length only */
    assert_string_equal(conds("(?:ab){1,2}c"), "14:63 2:62 1:61");
    assert_string_equal(conds("^\\bx$"), "1:78");
    assert_string_equal(conds("(a)+\\1"), "fe:61 1:61");
    assert_string_equal(conds("(?:)*x"), "1:78");               /* a repeat of nothing ends where it began */
    assert_string_equal(conds("abcdefghij"), "80:68 40:67 20:66 10:65 8:64 4:63 2:62 1:61"); /* eight read */
    /* what is not read gives nothing at all */
    const char *none[] = {"a|b*", "a*", "x\\R", "x\\Ky", "(?i)x", "(?|(a)|(b))", "a\\2", "x(?#c)",
                          "(*UTF)x", "[a-\\d]", "[z-a]", "(abc", "a{x}", "a\\Qb\\E", "\\10"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        if (*conds(none[i]))
            fail_msg("pattern %s: %s, want nothing", none[i], conds(none[i]));
    /* nested repeats are read again and again: their reading is bounded */
    char nested[256] = "";
    for (int k = 0; k < 30; k++)
        strcat(nested, "(");
    strcat(nested, "a?");
    for (int k = 0; k < 30; k++)
        strcat(nested, "){0,9}");
    assert_string_equal(conds(nested), "");
    hb_prefix p;
    hb_regex_prefix("abc", PCRE2_CASELESS, &p);
    assert_int_equal(p.n, 0);
    /* the text's end: no character where one must be */
    hb_regex_prefix("ab", 0, &p);
    assert_int_equal(hb_prefix_may_match(&p, "ab", 2), 1);
    assert_int_equal(hb_prefix_may_match(&p, "ab", 1), 0);
    assert_int_equal(hb_prefix_may_match(&p, "ax", 2), 0);
}

/* Adds to pats the last field of each line of the dict file `name` that
 * has `fields` fields, the one before it `place` (NULL: any); returns the
 * file, which the patterns point into. */
static char *patterns_of(const char *name, int fields, const char *place, const char **pats, size_t *n,
                         size_t max)
{
    size_t len;
    char *file = tu_read_file(name, &len), *rest = file;
    assert_non_null(file);
    file[len - 1] = '\0'; /* its last line feed */
    for (char *line; (line = strsep(&rest, "\n")) && *n < max;) {
        char *f[3] = {line, NULL, NULL};
        for (int k = 1; k < fields && f[k - 1]; k++)
            f[k] = strchr(f[k - 1], '\t') ? strchr(f[k - 1], '\t') + 1 : NULL;
        if (line[0] != '#' && f[fields - 1] && (!place || !strncmp(f[fields - 2], place, strlen(place))))
            pats[(*n)++] = f[fields - 1];
    }
    return file;
}

/* Every pattern of dict/slogan_patterns.txt, the `after` rules of
 * dict/quote_kinds.txt and made ones, tried anchored at every character of
 * random texts drawn from the characters they name: wherever PCRE2
 * matches, the filter lets the place through. */
static void test_sound(void **state)
{
    (void)state;
    enum { MAX_PATS = 64 };
    const char *pats[MAX_PATS];
    size_t npats = 0;
    char *slogans = patterns_of("dict/slogan_patterns.txt", 2, NULL, pats, &npats, MAX_PATS);
    char *kinds = patterns_of("dict/quote_kinds.txt", 3, "after", pats, &npats, MAX_PATS);
    assert_true(npats >= 6);
    const char *more[] = {"一?二三", "(?:一|二三)个", "(一|二)+三", "一{2,}个", "(?:[一二]个|三){1,3}双",
                          "([一二])人\\1", "[^一二]三", "一(?=二)二?三", "(?:一(?:二|三个)?){2}x", "(一)?二",
                          "(?:(?:一|)个){1,2}三", ".个.", "\\p{Han}{2}三", "[一-三]个", "(?:一二|三)个|双",
                          "(一|二三)?个", "一|(?:二|三?个)人"};
    for (size_t i = 0; i < sizeof more / sizeof *more && npats < MAX_PATS; i++)
        pats[npats++] = more[i];

    static const char *alphabet[] = {"一", "二", "三", "两", "十", "双", "个", "人", "组", "岗", "责", "活", "动",
                                     "制", "度", "第", "荣", "誉", "称", "号", "公", "司", "集", "团", "牌", "品",
                                     "产", "x", "\n", "。", "、"};
    enum { NA = sizeof alphabet / sizeof *alphabet, TEXTS = 5000, CHARS = 24 };
    unsigned seed = 12345;
#define RAND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7FFF)
    pcre2_match_data *md = pcre2_match_data_create(8, NULL);
    size_t matched = 0, turned = 0;
    for (size_t p = 0; p < npats; p++) {
        size_t matched0 = matched;
        int ec;
        PCRE2_SIZE eo;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)pats[p], PCRE2_ZERO_TERMINATED,
                                       PCRE2_ANCHORED | PCRE2_UTF | PCRE2_UCP, &ec, &eo, NULL);
        if (!re)
            fail_msg("pattern %s does not compile", pats[p]);
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* when it cannot, the interpreter answers */
        hb_prefix pre;
        hb_regex_prefix(pats[p], PCRE2_ANCHORED, &pre);
        /* the characters the pattern names, and a few it does not */
        const char *chars[NA];
        size_t nc = 0;
        for (size_t k = 0; k < NA; k++)
            if (strstr(pats[p], alphabet[k]) || k >= NA - 4)
                chars[nc++] = alphabet[k];
        char text[CHARS * 4 + 1] = ""; /* all set: PCRE2's JIT reads words that may pass the subject's end */
        for (int t = 0; t < TEXTS; t++) {
            size_t n = 0;
            for (int k = 0; k < CHARS; k++)
                n += (size_t)sprintf(text + n, "%s", chars[RAND() % nc]);
            for (size_t at = 0; at < n; at += (size_t)((text[at] & 0x80) ? 3 : 1)) {
                int may = hb_prefix_may_match(&pre, text + at, n - at);
                /* the first condition asked inline answers as the walk over all does */
                assert_int_equal(may, hb_prefix_may_match_all(&pre, text + at, n - at));
                turned += !may;
                if (pcre2_match(re, (PCRE2_SPTR)text, n, at, 0, md, NULL) < 0)
                    continue;
                matched++;
                if (!may)
                    fail_msg("pattern %s matches \"%s\" at %zu, which the filter turns away (%s)", pats[p], text,
                             at, conds(pats[p]));
            }
        }
        pcre2_code_free(re);
        if (matched == matched0)
            fail_msg("pattern %s never matches: the test tells nothing of it", pats[p]);
    }
#undef RAND
    assert_true(matched > 1000);
    assert_true(turned > 10000); /* the filter does turn most places away */
    pcre2_match_data_free(md);
    free(slogans);
    free(kinds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads),
        cmocka_unit_test(test_sound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
