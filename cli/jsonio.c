/* JSON streams for the commands that read reports back: a splitter for
 * concatenated JSON values, and whole writes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cli.h"

int write_vec_full(int fd, struct iovec *vec, int n)
{
    while (n > 0) {
        if (vec->iov_len == 0) { /* writev of nothing but empty ones writes 0 */
            vec++, n--;
            continue;
        }
        ssize_t k = writev(fd, vec, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        for (; n > 0 && (size_t)k >= vec->iov_len; vec++, n--)
            k -= (ssize_t)vec->iov_len;
        if (n > 0) {
            vec->iov_base = (char *)vec->iov_base + k;
            vec->iov_len -= (size_t)k;
        }
    }
    return 0;
}

int write_full(int fd, const char *buf, size_t len)
{
    struct iovec v = {(void *)buf, len};
    return write_vec_full(fd, &v, 1);
}

/* Appends bytes to the value being gathered (NUL-terminated). */
static int gather(char **buf, size_t *n, size_t *size, const char *from, size_t len)
{
    if (*n + len + 1 > *size) {
        size_t ns = *size ? *size : 65536;
        while (ns < *n + len + 1)
            ns *= 2;
        char *nb = realloc(*buf, ns);
        if (!nb)
            return -1;
        *buf = nb;
        *size = ns;
    }
    memcpy(*buf + *n, from, len);
    *n += len;
    (*buf)[*n] = '\0';
    return 0;
}

/* Splits the stream at the ends of its top-level values.  Between the bytes
 * that matter (quotes, backslashes, brackets, line breaks) it jumps with
 * strcspn and copies whole spans, as a value is mostly string content. */
int json_values(FILE *f, json_value_fn fn, void *ctx, char *why, size_t cap)
{
    enum { CHUNK = 1 << 16 };
    char *chunk = malloc(CHUNK + 1), *buf = NULL;
    size_t n = 0, size = 0, got;
    int depth = 0, in_str = 0, esc = 0, rc = chunk ? 0 : -1;
    long line = 1, start_line = 1;
    if (!chunk)
        snprintf(why, cap, "out of memory");
    while (rc == 0 && (got = fread(chunk, 1, CHUNK, f)) > 0) {
        chunk[got] = '\0'; /* stops strcspn; a NUL inside the data is stepped over below */
        const char *p = chunk, *end = chunk + got, *from = chunk;
        while (p < end && rc == 0) {
            if (depth == 0 && !in_str) {
                if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
                    line += *p++ == '\n';
                    continue;
                }
                if (*p != '{' && *p != '[') {
                    snprintf(why, cap, "line %ld: not JSON (a report, error record or summary object)", line);
                    rc = -1;
                    break;
                }
                start_line = line;
                from = p;
            }
            if (esc) {
                esc = 0;
                p++;
                continue;
            }
            p += strcspn(p, in_str ? "\"\\\n" : "\"{}[]\n");
            if (p >= end)
                break;
            char c = *p++;
            if (c == '\n')
                line++;
            else if (in_str)
                esc = c == '\\', in_str = c != '"';
            else if (c == '"')
                in_str = 1;
            else if (c == '{' || c == '[')
                depth++;
            else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    if (gather(&buf, &n, &size, from, (size_t)(p - from)) != 0) {
                        snprintf(why, cap, "out of memory");
                        rc = -1;
                    } else if ((rc = fn(ctx, buf, n, start_line)) == 0)
                        n = 0;
                }
            }
        }
        if (rc == 0 && (depth > 0 || in_str) && gather(&buf, &n, &size, from, (size_t)(end - from)) != 0) {
            snprintf(why, cap, "out of memory");
            rc = -1;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(why, cap, "%s", strerror(errno ? errno : EIO));
        rc = -1;
    } else if (rc == 0 && (depth > 0 || in_str)) {
        snprintf(why, cap, "line %ld: the last JSON value is cut short", start_line);
        rc = -1;
    }
    free(chunk);
    free(buf);
    return rc;
}
