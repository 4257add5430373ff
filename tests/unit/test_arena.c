/* The arena's growing vectors: grown in place when they are the last
 * allocation, copied otherwise, past 16 KiB in a block of their own,
 * their elements kept either way; and the heap arrays the loaders double. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

typedef HB_VEC(int) int_vec;

static void push_n(hb_arena *a, int_vec *v, int from, int n)
{
    for (int i = from; i < from + n; i++)
        assert_true(hb_vec_push(a, v, i));
}

static void assert_counts(const int_vec *v)
{
    for (size_t i = 0; i < v->n; i++)
        assert_int_equal(v->v[i], (int)i);
}

static void test_last_grows_in_place(void **s)
{
    (void)s;
    hb_arena a = {0};
    int_vec v = {0};
    push_n(&a, &v, 0, 16);
    int *first = v.v;
    push_n(&a, &v, 16, 100); /* 16 -> 32 -> 64 -> 128, nothing taken between */
    assert_ptr_equal(v.v, first);
    assert_int_equal(v.n, 116);
    assert_counts(&v);
    hb_arena_release(&a);
}

static void test_not_last_is_copied(void **s)
{
    (void)s;
    hb_arena a = {0};
    int_vec v = {0};
    push_n(&a, &v, 0, 16);
    int *first = v.v;
    char *between = hb_arena_strndup(&a, "abc", 3);
    push_n(&a, &v, 16, 1);
    assert_ptr_not_equal(v.v, first);
    assert_string_equal(between, "abc");
    assert_counts(&v);
    hb_arena_release(&a);
}

/* Past the head block's room the vector moves; past 64 KiB it has a block
 * of its own. */
static void test_grows_past_the_block(void **s)
{
    (void)s;
    hb_arena a = {0};
    char *before = hb_arena_strndup(&a, "x", 1);
    int_vec v = {0};
    push_n(&a, &v, 0, 100000);
    assert_int_equal(v.n, 100000);
    assert_counts(&v);
    assert_string_equal(before, "x");
    hb_arena_release(&a);
}

/* Past 16 KiB a vector has a block of its own, even with allocations
 * between its steps: trimmed, it gives its spare room back. */
static void test_own_block_from_16k(void **s)
{
    (void)s;
    hb_arena a = {0};
    int_vec v = {0};
    for (int i = 0; i < 5000; i++) {
        assert_true(hb_vec_push(&a, &v, i));
        if (i % 1000 == 0)
            assert_non_null(hb_arena_strndup(&a, "between", 7));
    }
    assert_int_equal(v.cap, 8192); /* 32 KiB */
    hb_vec_trim(&a, &v);
    assert_int_equal(v.cap, 5000);
    assert_counts(&v);
    push_n(&a, &v, 5000, 1000); /* grows again from the trimmed room */
    assert_counts(&v);
    hb_arena_free(&a, v.v);
    hb_arena_release(&a);
}

/* A vector whose room is a shared block's first allocation is copied out
 * when it grows, never moved with the block: what follows it stays. */
static void test_shared_room_is_copied(void **s)
{
    (void)s;
    hb_arena a = {0};
    int_vec v = {.v = hb_arena_take(&a, 20 << 10), .cap = (20 << 10) / sizeof(int)};
    assert_non_null(v.v);
    char *after = hb_arena_strndup(&a, "after", 5);
    push_n(&a, &v, 0, (int)v.cap + 1);
    assert_string_equal(after, "after");
    assert_counts(&v);
    hb_arena_free(&a, after); /* not a block of its own: kept */
    assert_string_equal(after, "after");
    hb_arena_release(&a);
}

/* A heap array: grown only when full, doubled from `first`. */
static void test_heap_grow(void **s)
{
    (void)s;
    int *v = NULL;
    size_t cap = 0;
    for (size_t n = 0; n < 100; n++) {
        assert_true(hb_heap_grow((void **)&v, &cap, n, 8, sizeof *v));
        v[n] = (int)n;
    }
    assert_int_equal(cap, 128);
    for (size_t n = 0; n < 100; n++)
        assert_int_equal(v[n], (int)n);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_last_grows_in_place),
        cmocka_unit_test(test_not_last_is_copied),
        cmocka_unit_test(test_grows_past_the_block),
        cmocka_unit_test(test_own_block_from_16k),
        cmocka_unit_test(test_shared_room_is_copied),
        cmocka_unit_test(test_heap_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
