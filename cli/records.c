/* --jsonl-in: the record lines of a file (see records.h). */
#include "records.h"

#include <stdlib.h>
#include <string.h>

/* One line, with its '\n', NUL-terminated. */
static ssize_t read_line(FILE *f, char **buf, size_t *cap, size_t limit)
{
    size_t n = 0;
    int c = EOF;
    while ((c = getc_unlocked(f)) != EOF) {
        if (n == limit)
            return LINE_TOO_LONG;
        if (n + 2 > *cap) {
            size_t ncap = *cap ? *cap * 2 : 4096;
            char *nb = realloc(*buf, ncap);
            if (!nb)
                return LINE_NOMEM;
            *buf = nb;
            *cap = ncap;
        }
        (*buf)[n++] = (char)c;
        if (c == '\n')
            break;
    }
    if (n == 0)
        return LINE_EOF;
    (*buf)[n] = '\0';
    return (ssize_t)n;
}

/* A line of only spaces, tabs and line ends holds no record. */
static int blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

ssize_t records_next(FILE *f, char **buf, size_t *cap, size_t limit, long *lineno, char **rec)
{
    ssize_t n;
    while ((n = read_line(f, buf, cap, limit)) != LINE_EOF) {
        ++*lineno;
        if (n < 0)
            return n;
        *rec = *buf;
        if (*lineno == 1 && n >= 3 && memcmp(*rec, "\xEF\xBB\xBF", 3) == 0)
            *rec += 3, n -= 3; /* as editors on Windows write */
        if (!blank_line(*rec, (size_t)n))
            return n;
    }
    return LINE_EOF;
}
