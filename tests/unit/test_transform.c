/* Layout and encoding do not change structure: every corpus file (and the
 * shared seeds when present) re-encoded as GB18030, as UTF-8 with BOM and
 * CRLF, and re-laid with 　　 indentation and blank lines between paragraphs
 * must give the same sections as the original. */
#include <glob.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doc.h"
#include "testutil.h"

/* "level number title kind" per section, one a line, in a malloc'd string. */
static char *outline(hb_report *r)
{
    size_t cap = 256, n = 0;
    char *s = malloc(cap);
    s[0] = '\0';
    for (size_t i = 0; i < r->sections.n; i++) {
        const hb_section *sec = &r->sections.v[i];
        const char *title = hb_doc_orig(r, sec->tstart, sec->tend);
        size_t need = strlen(title) + 64;
        if (n + need >= cap)
            s = realloc(s, cap = (n + need) * 2);
        n += (size_t)sprintf(s + n, "%d %d %s %d %s\n", sec->level, sec->number, title, sec->kind, sec->id);
    }
    return s;
}

static char *to_gb18030(const char *in, size_t len, size_t *outlen)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t cap = len * 2 + 16;
    char *out = malloc(cap), *op = out, *ip = (char *)in;
    size_t il = len, ol = cap;
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    *outlen = cap - ol;
    return out;
}

static char *bom_crlf(const char *in, size_t len, size_t *outlen)
{
    char *out = malloc(len * 2 + 4), *o = out;
    memcpy(o, "\xEF\xBB\xBF", 3), o += 3;
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
            *o++ = '\r';
        *o++ = in[i];
    }
    *outlen = (size_t)(o - out);
    return out;
}

/* Every paragraph on its own indented line, a blank line after each. */
static char *indent_blank(hb_report *r, size_t *outlen)
{
    size_t cap = r->len * 2 + 64, n = 0;
    char *out = malloc(cap);
    for (size_t p = 0; p < r->paras.n; p++) {
        const char *para = hb_doc_orig(r, r->paras.v[p].vstart, r->paras.v[p].vend);
        size_t need = strlen(para) + 16;
        if (n + need >= cap)
            out = realloc(out, cap = (n + need) * 2);
        n += (size_t)sprintf(out + n, "　　%s\n\n", para);
    }
    *outlen = n;
    return out;
}

static void same_outline(const char *name, const char *variant, const char *want, char *buf, size_t len)
{
    hb_error err;
    hb_report *r = hb_extract(engine, buf, len, NULL, &err);
    free(buf);
    if (!r)
        fail_msg("%s (%s): %s", name, variant, err.message);
    char *got = outline(r);
    hb_report_free(r);
    if (strcmp(got, want))
        fail_msg("%s (%s): sections differ\n--- original\n%s--- %s\n%s", name, variant, want, variant, got);
    free(got);
}

static void check(const char *path)
{
    size_t len;
    char *buf = tu_read_file(path, &len);
    assert_non_null(buf);
    hb_error err;
    hb_report *r = hb_extract(engine, buf, len, NULL, &err);
    free(buf);
    if (!r)
        fail_msg("%s: %s", path, err.message);
    char *want = outline(r);
    size_t n;
    char *variant = to_gb18030(r->text, r->len, &n);
    same_outline(path, "GB18030", want, variant, n);
    variant = bom_crlf(r->text, r->len, &n);
    same_outline(path, "BOM+CRLF", want, variant, n);
    variant = indent_blank(r, &n);
    same_outline(path, "indented, blank lines", want, variant, n);
    free(want);
    hb_report_free(r);
}

static void run_glob(const char *pattern, size_t at_least)
{
    glob_t g;
    int rc = glob(pattern, 0, NULL, &g);
    if (at_least == 0 && rc == GLOB_NOMATCH)
        return;
    assert_int_equal(rc, 0);
    assert_true(g.gl_pathc >= at_least);
    for (size_t i = 0; i < g.gl_pathc; i++)
        check(g.gl_pathv[i]);
    globfree(&g);
}

static void test_corpus(void **s)
{
    (void)s;
    run_glob("corpus/*.txt", 12);
}

static void test_shared_seeds_when_present(void **s)
{
    (void)s;
    run_glob("../shared/seeds/*.txt", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_shared_seeds_when_present),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
