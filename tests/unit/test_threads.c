/* One engine, many threads: every corpus report extracted concurrently by
 * several threads must give byte for byte the JSON a single thread gives.
 * `make tsan` runs this under ThreadSanitizer to catch data races in what
 * the engine shares (dictionaries, lexicon, compiled regexes). */
#include <glob.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "huibao.h"
#include "testutil.h"

enum { THREADS = 4, ROUNDS = 3, MAX_FILES = 64 };

typedef struct {
    char *bytes;
    size_t len;
    const char *path;
    char *expected; /* JSON from a single thread */
} input;

static input inputs[MAX_FILES];
static size_t ninputs;

static char *extract_json(const input *in)
{
    hb_extract_options xo = {.path = in->path};
    hb_error err;
    hb_report *r = hb_extract(engine, in->bytes, in->len, &xo, &err);
    if (!r)
        return NULL;
    char *json = hb_report_json(r, 0);
    hb_report_free(r);
    return json;
}

/* Each thread starts at another report so that different reports really
 * run at the same time; returns the number of mismatches. */
static void *worker(void *arg)
{
    size_t first = (size_t)(uintptr_t)arg, bad = 0;
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t k = 0; k < ninputs; k++) {
            const input *in = &inputs[(first + k) % ninputs];
            char *json = extract_json(in);
            if (!json || strcmp(json, in->expected) != 0) {
                fprintf(stderr, "thread %zu: %s differs\n", first, in->path);
                bad++;
            }
            hb_free(json);
        }
    }
    return (void *)(uintptr_t)bad;
}

static void test_threads_agree_with_one_thread(void **s)
{
    (void)s;
    glob_t g;
    assert_int_equal(glob("corpus/*.txt", 0, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc && ninputs < MAX_FILES; i++) {
        FILE *f = fopen(g.gl_pathv[i], "rb");
        assert_non_null(f);
        input *in = &inputs[ninputs++];
        fseek(f, 0, SEEK_END);
        in->len = (size_t)ftell(f);
        rewind(f);
        in->bytes = malloc(in->len + 1);
        assert_non_null(in->bytes);
        assert_int_equal(fread(in->bytes, 1, in->len, f), in->len);
        fclose(f);
        in->path = g.gl_pathv[i];
        assert_non_null(in->expected = extract_json(in));
    }
    assert_true(ninputs >= 12);
    pthread_t t[THREADS];
    for (size_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i * ninputs / THREADS)), 0);
    size_t bad = 0;
    for (size_t i = 0; i < THREADS; i++) {
        void *ret;
        assert_int_equal(pthread_join(t[i], &ret), 0);
        bad += (size_t)(uintptr_t)ret;
    }
    assert_int_equal(bad, 0);
    for (size_t i = 0; i < ninputs; i++) {
        free(inputs[i].bytes);
        hb_free(inputs[i].expected);
    }
    globfree(&g);
}

/* A fresh engine loads its iconv converters when a report first needs
 * one (decode.c, pin): threads that all start with a GB18030 or UTF-16
 * report pin them at once, under the lock, and agree with one thread
 * (`make tsan` sees the writes into the engine). */
static const char *const FIRST_ENCODED[THREADS] = {"corpus/plan_gb18030.txt", "corpus/duty_utf16le.txt",
                                                    "corpus/points_utf16be.txt", "corpus/halfyear_gb18030.txt"};
static hb_engine *fresh;
static pthread_barrier_t at_once;

static void *first_encoded(void *arg)
{
    const input *in = arg;
    pthread_barrier_wait(&at_once);
    hb_extract_options xo = {.path = in->path};
    hb_error err;
    hb_report *r = hb_extract(fresh, in->bytes, in->len, &xo, &err);
    char *json = r ? hb_report_json(r, 0) : NULL;
    hb_report_free(r);
    int same = json && !strcmp(json, in->expected);
    hb_free(json);
    return (void *)(uintptr_t)same;
}

static void test_converters_pinned_at_once(void **s)
{
    (void)s;
    input in[THREADS];
    for (size_t i = 0; i < THREADS; i++) {
        in[i].path = FIRST_ENCODED[i];
        assert_non_null(in[i].bytes = tu_read_file(in[i].path, &in[i].len));
        assert_non_null(in[i].expected = extract_json(&in[i]));
    }
    assert_non_null(fresh = tu_engine());
    assert_int_equal(pthread_barrier_init(&at_once, NULL, THREADS), 0);
    pthread_t t[THREADS];
    for (size_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, first_encoded, &in[i]), 0);
    size_t same = 0;
    for (size_t i = 0; i < THREADS; i++) {
        void *ret;
        assert_int_equal(pthread_join(t[i], &ret), 0);
        same += (size_t)(uintptr_t)ret;
    }
    assert_int_equal(same, THREADS);
    pthread_barrier_destroy(&at_once);
    hb_engine_free(fresh);
    for (size_t i = 0; i < THREADS; i++) {
        free(in[i].bytes);
        hb_free(in[i].expected);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_agree_with_one_thread),
        cmocka_unit_test(test_converters_pinned_at_once),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
