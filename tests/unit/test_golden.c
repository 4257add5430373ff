/* Golden tests: every corpus/NAME.txt through the library must give exactly
 * tests/golden/NAME.json: the same JSON value (a mismatch names the first
 * differing field), then the same bytes.  UPDATE_GOLDEN=1 rewrites
 * the golden files instead; review the diff by hand before committing. */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "huibao.h"
#include "json_out.h"
#include "testutil.h"

/* The first path at which two JSON values differ, for a readable failure. */
static void first_difference(const json_t *a, const json_t *b, char *path, size_t cap)
{
    if (json_typeof(a) != json_typeof(b) || (!json_is_object(a) && !json_is_array(a)))
        return;
    size_t used = strlen(path);
    if (json_is_object(a)) {
        const char *key;
        json_t *va;
        json_object_foreach((json_t *)a, key, va) {
            json_t *vb = json_object_get(b, key);
            if (!vb || !json_equal(va, vb)) {
                snprintf(path + used, cap - used, ".%s", key);
                if (vb)
                    first_difference(va, vb, path, cap);
                return;
            }
        }
        snprintf(path + used, cap - used, " (extra keys in golden)");
        return;
    }
    for (size_t i = 0; i < json_array_size(a) && i < json_array_size(b); i++)
        if (!json_equal(json_array_get(a, i), json_array_get(b, i))) {
            snprintf(path + used, cap - used, "[%zu]", i);
            first_difference(json_array_get(a, i), json_array_get(b, i), path, cap);
            return;
        }
    snprintf(path + used, cap - used, " (array length %zu vs %zu)", json_array_size(a), json_array_size(b));
}

/* The report is written field by field, not dumped as one tree: both
 * layouts must still be exactly what jansson prints for the whole value,
 * reals in their shortest form. */
static void check_layout(const char *pretty, const char *compact)
{
    json_error_t jerr;
    json_t *v = json_loads(pretty, 0, &jerr);
    if (!v)
        fail_msg("pretty output is not JSON: %s at line %d", jerr.text, jerr.line);
    char *want_pretty = json_dumps(v, JSON_INDENT(2));
    char *want_compact = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    hb_json_shorten_reals(want_pretty);
    hb_json_shorten_reals(want_compact);
    assert_string_equal(pretty, want_pretty);
    assert_string_equal(compact, want_compact);
    free(want_pretty);
    free(want_compact);
}

static void check_file(const char *txt)
{
    size_t len;
    char *buf = tu_read_file(txt, &len);
    assert_non_null(buf);
    hb_extract_options xo = {.path = txt};
    hb_error err;
    hb_report *r = hb_extract(engine, buf, len, &xo, &err);
    free(buf);
    if (!r)
        fail_msg("%s: %s", txt, err.message);
    char *out = hb_report_json(r, HB_JSON_PRETTY);
    char *compact = hb_report_json(r, 0);
    hb_report_free(r);
    assert_non_null(out);
    assert_non_null(compact);
    check_layout(out, compact);
    hb_free(compact);

    const char *base = strrchr(txt, '/') ? strrchr(txt, '/') + 1 : txt;
    char golden[512];
    snprintf(golden, sizeof golden, "tests/golden/%.*s.json", (int)(strlen(base) - 4), base);
    if (getenv("UPDATE_GOLDEN")) {
        FILE *f = fopen(golden, "w");
        assert_non_null(f);
        fputs(out, f);
        fputc('\n', f);
        assert_int_equal(fclose(f), 0);
        hb_free(out);
        return;
    }
    size_t glen;
    char *gbytes = tu_read_file(golden, &glen);
    if (!gbytes)
        fail_msg("%s: cannot read it (UPDATE_GOLDEN=1 creates it)", golden);
    json_error_t jerr;
    json_t *want = json_loadb(gbytes, glen, 0, &jerr);
    if (!want)
        fail_msg("%s: %s at line %d", golden, jerr.text, jerr.line);
    json_t *got = json_loads(out, 0, &jerr);
    assert_non_null(got);
    if (!json_equal(got, want)) {
        char path[1024] = "$";
        first_difference(got, want, path, sizeof path);
        fail_msg("%s differs from %s at %s", txt, golden, path);
    }
    json_decref(got);
    json_decref(want);
    /* the same value must also be the same bytes (key order, spacing, reals'
     * form), the golden file ending in one line end */
    size_t n = strlen(out), at = 0;
    while (at < n && at < glen && out[at] == gbytes[at])
        at++;
    if (!(at == n && glen == n + 1 && gbytes[n] == '\n')) {
        int line = 1;
        for (size_t i = 0; i < at; i++)
            line += out[i] == '\n';
        fail_msg("%s: output differs in its bytes from %s at byte %zu (line %d), though the JSON is equal",
                 txt, golden, at, line);
    }
    free(gbytes);
    hb_free(out);
}

static void test_corpus_matches_golden(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob("corpus/*.txt", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 12);
    for (size_t i = 0; i < g.gl_pathc; i++)
        check_file(g.gl_pathv[i]);
    globfree(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_corpus_matches_golden)};
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
