/* The CLI's heap (cli/memory.c): only once asked for, and only for the
 * first input extracted alone (over GROUP_FILE_MAX, up to HUGE_INPUT_MAX
 * bytes) or the first group of smaller inputs (HUGE_INPUT_MAX of input at
 * most), is the heap grown by the room its reports take, 4 MiB at least,
 * and that span advised huge, the reports served from its first huge page
 * on, but for small ones that fit in the stretch of small pages below it;
 * inputs read for a group, inputs and groups
 * too large, and later ones leave it as it is.  The
 * state is once per process: each test runs in a process of its own.
 * Skipped where malloc is not glibc's (ASan, valgrind) or the kernel has
 * no huge pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <malloc.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "cli.h"

#define HUGE_PAGE ((uintptr_t)2 << 20)

/* Whether the mapping that holds address a is advised huge (VmFlags hg);
 * -1 when none holds it. */
static int advised_huge(uintptr_t a)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    assert_non_null(f);
    char line[512];
    int inside = 0, huge = -1;
    while (fgets(line, sizeof line, f)) {
        uintptr_t lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) { /* a mapping's first line */
            inside = a >= lo && a < hi;
            continue;
        }
        if (inside && !strncmp(line, "VmFlags:", 8)) {
            huge = strstr(line, " hg") != NULL;
            break;
        }
    }
    fclose(f);
    return huge;
}

/* The first 2 MiB boundary after p: inside a buffer of more than 2 MiB. */
static uintptr_t boundary_in(const void *p)
{
    return ((uintptr_t)p + HUGE_PAGE) & ~(HUGE_PAGE - 1);
}

static int kernel_has_huge_pages(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    char s[128] = "";
    if (f) {
        if (!fgets(s, sizeof s, f))
            s[0] = '\0';
        fclose(f);
    }
    return strstr(s, "[never]") == NULL && s[0];
}

/* Whether huge pages can be seen here at all: glibc's malloc (its heap
 * non-empty once p is had) and a kernel that gives them. */
static int huge_pages_testable(void)
{
    return mallinfo2().arena != 0 && kernel_has_huge_pages();
}

/* The test skipped (p freed) where huge pages cannot be seen; else p,
 * had before any span was asked for, is in none. */
static void unadvised_or_skip(char *p)
{
    assert_non_null(p);
    if (!huge_pages_testable()) {
        free(p);
        skip();
    }
    assert_int_equal(advised_huge(boundary_in(p)), 0);
}

static void test_only_the_first_large_input(void **state)
{
    (void)state;
    cli_memory_init();
    char *before = cli_input_buffer(4 << 20); /* not yet asked for */
    unadvised_or_skip(before);
    cli_memory_want_huge();
    char *grouped = cli_input_buffer(GROUP_FILE_MAX); /* read for a group, which decides */
    assert_non_null(grouped);
    assert_int_equal(advised_huge((uintptr_t)grouped), 0);
    char *over = cli_input_buffer(HUGE_INPUT_MAX + 1);
    assert_non_null(over);
    assert_int_equal(advised_huge(boundary_in(over)), 0);
    free(over);

    size_t size = 3 << 20;
    char *large = cli_input_buffer(size);
    assert_non_null(large);
    assert_int_equal(advised_huge(boundary_in(large)), 1);
    /* the heap grew by what the report takes: its free top is that room */
    assert_true(mallinfo2().keepcost >= 4 * size);
    void *later = cli_input_buffer(size); /* from that room: no second growth */
    assert_non_null(later);
    assert_int_equal(advised_huge(boundary_in(later)), 1);
    free(later);
    free(large);
    free(grouped);
    free(before);
}

/* p, the first block had after the span was made, lies in its huge
 * pages: advised, and past all the heap had touched (touched: the heap's
 * end before), where a 2 MiB page can be had whole.  Where the heap starts
 * is random, and so was the stretch of small pages below the first huge
 * one that a report was served from first. */
static void untouched_huge(const char *p, const char *touched)
{
    assert_int_equal(advised_huge((uintptr_t)p), 1);
    assert_true(((uintptr_t)p & ~(HUGE_PAGE - 1)) >= (uintptr_t)touched);
}

/* 3 MiB from malloc: past the 1 MiB threshold of cli_memory_init, so a
 * mapping of its own unless a span has raised it.  ALONE: an input
 * extracted alone whose reports take more than SMALL_ROOM. */
enum { PROBE = 3 << 20, ALONE = 256 << 10 };

static void test_a_small_input_alone(void **state)
{
    (void)state;
    cli_memory_init();
    char *before = malloc(PROBE);
    unadvised_or_skip(before);
    cli_memory_want_huge();
    /* its reports take less than a huge page (but over SMALL_ROOM): the
     * least span that holds one */
    char *touched = sbrk(0);
    char *input = cli_input_buffer(ALONE);
    assert_non_null(input);
    untouched_huge(input, touched);
    assert_true(mallinfo2().keepcost >= SPAN_MIN - ALONE - 4096);
    char *report = malloc(PROBE);
    assert_non_null(report);
    assert_int_equal(advised_huge(boundary_in(report)), 1);
    free(report);
    free(input);
    free(before);
}

static void test_only_the_first_group(void **state)
{
    (void)state;
    cli_memory_init();
    cli_memory_huge_for_group(8 << 20, 128); /* not yet asked for */
    char *before = malloc(PROBE);
    unadvised_or_skip(before);
    cli_memory_want_huge();
    cli_memory_huge_for_group(HUGE_INPUT_MAX + 1, 1); /* one input too large for huge pages */
    char *over = malloc(PROBE);
    assert_non_null(over);
    assert_int_equal(advised_huge(boundary_in(over)), 0);
    free(over);

    char *touched = sbrk(0);
    cli_memory_huge_for_group(100 << 10, 20); /* 20 reports of 5 KB: the least span */
    assert_true(mallinfo2().keepcost >= SPAN_MIN);
    char *first = malloc(64 << 10); /* what the group's first report asks */
    assert_non_null(first);
    untouched_huge(first, touched);
    free(first);
    char *group = malloc(PROBE);
    assert_non_null(group);
    assert_int_equal(advised_huge(boundary_in(group)), 1);
    /* and a group or a large input after it takes no second span (one of
     * 3 MiB would leave 18 MiB free) */
    cli_memory_huge_for_group(1 << 20, 128);
    char *large = cli_input_buffer(3 << 20);
    assert_non_null(large);
    assert_true(mallinfo2().keepcost < SPAN_MIN);
    free(large);
    free(group);
    free(before);
}

/* The heap's free top made to start `below` bytes under a 2 MiB boundary
 * and end before it (a block taken up to there, kept); returns the
 * boundary, 0 where the heap is not glibc's.  The top is the heap's end
 * less its free size (keepcost); a chunk's size is its request and a
 * header of 8 bytes. */
static uintptr_t top_below_boundary(size_t below)
{
    mallopt(M_MMAP_THRESHOLD, 32 << 20); /* the block below from the heap too */
    uintptr_t top = (uintptr_t)sbrk(0) - mallinfo2().keepcost;
    uintptr_t boundary = ((top + below + (256 << 10)) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    char *block = malloc(boundary - below - top - sizeof(size_t)); /* kept: the child ends */
    if (!block || (uintptr_t)block != top + 2 * sizeof(size_t)) {
        free(block);
        return 0;
    }
    assert_true((uintptr_t)sbrk(0) - mallinfo2().keepcost == boundary - below);
    assert_true((uintptr_t)sbrk(0) <= boundary);
    return boundary;
}

enum { STRETCH = 512 << 10, FIRST = 128 << 10 };

/* The first block (FIRST bytes) a first group of `reports` small inputs
 * of `bytes` in all is served, the heap's top STRETCH below *boundary;
 * the test skipped where that cannot be seen. */
static char *first_of_group(size_t bytes, size_t reports, uintptr_t *boundary)
{
    cli_memory_init();
    cli_memory_want_huge();
    *boundary = top_below_boundary(STRETCH);
    if (!*boundary || !huge_pages_testable())
        skip();
    cli_memory_huge_for_group(bytes, reports);
    char *first = malloc(FIRST);
    assert_non_null(first);
    return first;
}

/* A first group whose reports fit in the 512 KiB below the span, and take
 * less than SMALL_ROOM, is served from there, in small pages. */
static void test_a_small_group_in_the_stretch(void **state)
{
    (void)state;
    uintptr_t boundary;
    char *first = first_of_group(3 << 10, 1, &boundary); /* room 18 KiB + a 64 KiB block */
    assert_true((uintptr_t)first >= boundary - STRETCH && (uintptr_t)first + FIRST <= boundary);
    assert_int_equal(advised_huge(boundary), 1);
    free(first);
}

/* One whose reports do not fit there skips it: the span's first huge page
 * serves them from the start. */
static void test_a_larger_group_past_the_stretch(void **state)
{
    (void)state;
    uintptr_t boundary;
    char *first = first_of_group(50 << 10, 5, &boundary); /* room 300 KiB + 5 blocks of 64: over 512 KiB */
    assert_true((uintptr_t)first >= boundary && (uintptr_t)first < boundary + 4096);
    assert_int_equal(advised_huge((uintptr_t)first), 1);
    free(first);
}

/* Runs one test in a child process, where the heap's state is fresh. */
static int in_child(const struct CMUnitTest *test, const char *name)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(_cmocka_run_group_tests(name, test, 1, NULL, NULL) ? 1 : 0);
    int status;
    return pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

int main(void)
{
    const struct CMUnitTest large[] = {cmocka_unit_test(test_only_the_first_large_input)};
    const struct CMUnitTest small[] = {cmocka_unit_test(test_a_small_input_alone)};
    const struct CMUnitTest group[] = {cmocka_unit_test(test_only_the_first_group)};
    const struct CMUnitTest stretch[] = {cmocka_unit_test(test_a_small_group_in_the_stretch)};
    const struct CMUnitTest past[] = {cmocka_unit_test(test_a_larger_group_past_the_stretch)};
    int failed = in_child(large, "cli_memory_large");
    failed |= in_child(stretch, "cli_memory_stretch");
    failed |= in_child(past, "cli_memory_past_stretch");
    failed |= in_child(small, "cli_memory_small");
    failed |= in_child(group, "cli_memory_group");
    return failed;
}
