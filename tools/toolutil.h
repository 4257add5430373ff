/* What the measuring tools share: a monotonic clock and reading a whole
 * file (or standard input, "-") into memory. */
#ifndef HB_TOOLUTIL_H
#define HB_TOOLUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The bytes of path, NUL-terminated; NULL when it cannot be read. */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    while (p) {
        n += fread(p + n, 1, cap - 1 - n, f);
        if (n < cap - 1)
            break;
        char *q = realloc(p, cap *= 2);
        if (!q)
            free(p);
        p = q;
    }
    int failed = ferror(f);
    if (f != stdin)
        fclose(f);
    if (p && failed) {
        free(p);
        p = NULL;
    }
    if (p)
        p[n] = '\0';
    *len = n;
    return p;
}

#endif
