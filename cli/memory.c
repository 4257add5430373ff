/* How the CLI's heap is kept (glibc malloc), and where a large input's
 * report takes its memory from. */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

void cli_memory_init(void)
{
    /* what a report gives back early (its input, the uncut view, its
     * tokens) is unmapped at once: glibc's moving threshold would keep it
     * in the heap, out of reach of the report's later, smaller arrays */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    /* and the heap's free top is kept up to 8 MiB: trimmed after every
     * report, it was grown again and its pages faulted in anew by the next
     * (a third of the faults of 793 small reports) */
    mallopt(M_TRIM_THRESHOLD, 8 << 20);
}

/* A report takes up to this many bytes per input byte at its peak (make
 * bench: 5.3 for 10 MB, less for larger inputs). */
enum { PEAK_PER_BYTE = 6 };
#define HUGE_PAGE ((uintptr_t)2 << 20)

static int huge_wanted, huge_done;

void cli_memory_want_huge(void)
{
    huge_wanted = 1;
}

/* The heap grows once by room, and that span is advised huge.  Each fresh
 * 4 KiB page costs a fault, and in a virtual machine the faults of a 4 MB
 * report were a sixth of its time; in 2 MiB pages they are a dozen
 * (extract --top 0: -15%; 10 MB: -9%).  glibc gives huge pages itself only
 * by a tunable read at start (glibc.malloc.hugetlb).  Done once, for the
 * first input or group: the span is kept and reused by all that follow. */
static void heap_span(size_t room)
{
    huge_done = 1;
    /* buffers up to glibc's largest threshold (32 MiB) come from that span
     * too, and it is kept to the end: trimmed and grown again, its pages
     * would be faulted anew, and in small ones */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, INT32_MAX);
    /* room (SPAN_MIN at least), and the stretch to the first huge page past
     * what the heap has touched (a page table there already: no huge page) */
    size_t grow = (room > SPAN_MIN ? room : SPAN_MIN) + 2 * HUGE_PAGE;
    mallopt(M_TOP_PAD, (int)grow);
    /* more than the heap's free top: it grows, by the pad with it */
    size_t ask = mallinfo2().keepcost + 4096;
    char *touched = sbrk(0), *probe = malloc(ask), *end = sbrk(0);
    mallopt(M_TOP_PAD, 128 << 10); /* glibc's own, for any later growth */
    /* the span only if the probe came from the heap's top, as glibc's
     * malloc gives it (not a sanitizer's or valgrind's) */
    if (!probe || touched == (char *)-1 || end == (char *)-1 || probe >= end ||
        (size_t)(end - probe) > ask + grow + HUGE_PAGE) {
        free(probe);
        return;
    }
    uintptr_t from = ((uintptr_t)touched + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t to = (uintptr_t)end & ~(HUGE_PAGE - 1);
    if (to > from)
        madvise((void *)from, to - from, MADV_HUGEPAGE);
    /* The heap's top up to the span's first huge page is kept (the probe,
     * cut or grown in place to end there), never touched but for its
     * header, so that what follows is served from the span: left to glibc,
     * a large report took that stretch first, in small pages (up to 2 MiB
     * of them: where the heap starts is random), and then the span too.  A
     * small one that fits there is left to it. */
    size_t lead = from - (uintptr_t)probe;
    if (lead >= 4096 && (room > lead || room > SMALL_ROOM)) {
        void *kept = realloc(probe, lead - sizeof(size_t));
        if (kept == probe)
            return; /* kept to the end */
        if (kept)
            probe = kept;
    }
    free(probe);
}

static void first_span(size_t room)
{
    if (huge_wanted && !huge_done)
        heap_span(room);
}

/* A group of small reports is extracted at once (main.c): its reports'
 * memory is some PEAK_PER_BYTE times their input, and each takes an arena
 * block of 64 KiB at least, touched in part.  Reused group after group, the
 * span is cleared once; in small pages its 1,700 faults of 793 reports of
 * 5 KB and the misses of their page walks cost more (-3% in time).  A
 * group of more than HUGE_INPUT_MAX bytes (a large input flushes the group
 * it ends, or is one alone) is left as cli_input_buffer leaves it. */
enum { REPORT_BLOCK = 64 << 10 };

void cli_memory_huge_for_group(size_t bytes, size_t reports)
{
    if (bytes <= HUGE_INPUT_MAX)
        first_span(bytes * PEAK_PER_BYTE + reports * REPORT_BLOCK);
}

/* An input extracted alone: not one over HUGE_INPUT_MAX, for which the
 * kernel clears more huge pages than it has just freed, and clearing fresh
 * ones cost more than the faults they save (50 MB: +7%). */
void *cli_input_buffer(size_t size)
{
    if (size > GROUP_FILE_MAX && size <= HUGE_INPUT_MAX)
        first_span(size * PEAK_PER_BYTE);
    return malloc(size);
}
