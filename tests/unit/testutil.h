/* Helpers shared by the unit tests (header-only: each test is one binary). */
#ifndef HB_TESTUTIL_H
#define HB_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "huibao.h"

/* Whole file into a malloc'd buffer, NUL-terminated (its length in *len),
 * NULL on failure. */
static inline char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (buf) /* n < cap: a full buffer has grown */
        buf[n] = '\0';
    *len = n;
    return buf;
}

/* The engine the tests share: dict/ of this checkout and, when built, the
 * general lexicon ($HUIBAO_LEXICON or build/jieba.lex). */
static inline hb_engine *tu_engine(void)
{
    const char *lex = getenv("HUIBAO_LEXICON");
    hb_engine_options eo = {.dict_dir = "dict", .lexicon_path = lex ? lex : "build/jieba.lex"};
    hb_error err;
    hb_engine *e = hb_engine_new(&eo, &err);
    if (!e)
        fprintf(stderr, "engine: %s:%d: %s\n", err.file, err.line, err.message);
    return e;
}

/* An engine of dict/ and an overlay folder holding one file, name, of
 * text (the folder is gone once the engine has read it). */
static inline hb_engine *tu_overlay_engine(const char *name, const char *text)
{
    char dir[] = "/tmp/hb_overlayXXXXXX", path[300];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    const char *ov[] = {dir};
    hb_engine_options eo = {.dict_dir = "dict", .dict_overlays = ov, .n_dict_overlays = 1};
    hb_error err = {0};
    hb_engine *e = hb_engine_new(&eo, &err);
    assert_non_null(e);
    unlink(path);
    rmdir(dir);
    return e;
}

/* The engine of a test file, shared by its tests: tu_setup and tu_teardown
 * are the group fixtures that make and free it. */
static hb_engine *engine;

static inline int tu_setup(void **state)
{
    (void)state;
    return (engine = tu_engine()) ? 0 : -1;
}

static inline int tu_teardown(void **state)
{
    (void)state;
    hb_engine_free(engine);
    return 0;
}

/* Extracts a report from a NUL-terminated UTF-8 string; aborts the test on failure. */
static inline hb_report *tu_extract(hb_engine *e, const char *text)
{
    hb_error err;
    hb_report *r = hb_extract(e, text, strlen(text), NULL, &err);
    if (!r)
        fprintf(stderr, "extract: %s\n", err.message);
    return r;
}

/* The report as parsed JSON (NULL when it cannot be made); the report is
 * left to the caller. */
static inline json_t *tu_json(const hb_report *r)
{
    char *s = r ? hb_report_json(r, 0) : NULL;
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    hb_free(s);
    return j;
}

/* The report of `text` as parsed JSON, NULL when extraction fails. */
static inline json_t *tu_extract_json(hb_engine *e, const char *text)
{
    hb_report *r = tu_extract(e, text);
    json_t *root = tu_json(r);
    hb_report_free(r);
    return root;
}

/* One top-level field of the report of `text` (a new reference, NULL when
 * absent or when extraction fails). */
static inline json_t *tu_field(hb_engine *e, const char *text, const char *key)
{
    json_t *root = tu_extract_json(e, text);
    json_t *v = json_incref(json_object_get(root, key));
    json_decref(root);
    return v;
}

#endif
