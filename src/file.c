/* Reading the compiled files (lexicon, rules) whole: apart from dict.c,
 * which reads dict/ and takes records from the rules file, so that the
 * rules file's reader (rules.c) does not depend on it. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "lexicon.h"

int hb_file_open(const char *path, size_t *size, hb_error *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        hb_dict_fail(err, HB_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    const char *why = !S_ISREG(sb.st_mode)                   ? "not a regular file"
                      : (uint64_t)sb.st_size > HB_LEX_MAX_FILE ? "larger than 1 GiB"
                                                             : NULL;
    if (why) {
        hb_dict_fail(err, HB_ERR_IO, path, 0, 0, "%s", why);
        close(fd);
        return -1;
    }
    *size = (size_t)sb.st_size;
    return fd;
}

/* Compiled files are read into anonymous memory in huge pages where the
 * kernel gives them on request: a fault each 2 MiB instead of each 4 KiB,
 * which in a virtual machine costs more than clearing the page.  Only
 * whole aligned huge pages can be huge, so the buffer starts on one and
 * ends on one (a 1 MB rules file: one fault instead of 270; the 2 MiB
 * cleared cost less than the faults they replace). */
#define HUGE_PAGE ((size_t)2 << 20)

static size_t buffer_span(size_t size)
{
    return (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
}

static void *file_buffer(size_t size)
{
    size_t span = buffer_span(size);
    char *p = mmap(NULL, span + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    size_t head = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    if (head)
        munmap(p, head);
    munmap(p + head + span, HUGE_PAGE - head);
    p += head;
#ifdef MADV_HUGEPAGE
    madvise(p, span, MADV_HUGEPAGE);
#endif
    return p;
}

hb_status hb_file_load(const char *path, void **data, size_t *size, hb_error *err)
{
    int fd = hb_file_open(path, size, err);
    if (fd < 0)
        return HB_ERR_IO;
    /* read, not mapped: a file truncated or rewritten in place under a
     * mapping kills its reader (SIGBUS); an empty file gives NULL */
    char *b = *size ? file_buffer(*size) : NULL;
    size_t n = 0;
    ssize_t r = 1;
    while (b && n < *size && (r = read(fd, b + n, *size - n)) != 0) {
        if (r < 0 && errno != EINTR)
            break;
        n += r > 0 ? (size_t)r : 0;
    }
    int e = errno;
    close(fd);
    if (*size && (!b || n != *size)) {
        hb_dict_fail(err, HB_ERR_IO, path, 0, 0, "%s",
                     !b ? "out of memory" : r < 0 ? strerror(e) : "changed while being read");
        hb_file_release(b, *size);
        return HB_ERR_IO;
    }
    *data = b;
    return HB_OK;
}

void *hb_file_copy(const void *data, size_t size)
{
    void *b = size ? file_buffer(size) : NULL;
    if (b)
        memcpy(b, data, size);
    return b;
}

size_t hb_file_room(size_t size)
{
    return buffer_span(size);
}

void hb_file_release(void *data, size_t size)
{
    if (data)
        munmap(data, buffer_span(size));
}
