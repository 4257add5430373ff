/* JSON streams for the commands that read reports back: a splitter for
 * concatenated JSON values, and whole writes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int write_full(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int json_values(FILE *f, json_value_fn fn, void *ctx, char *why, size_t cap)
{
    char *buf = NULL;
    size_t n = 0, size = 0;
    int depth = 0, in_str = 0, esc = 0, c, rc = 0;
    long line = 1, start_line = 1;
    while ((c = getc_unlocked(f)) != EOF) {
        if (c == '\n')
            line++;
        if (depth == 0 && !in_str) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                continue;
            if (c != '{' && c != '[') {
                snprintf(why, cap, "line %ld: not JSON (a report, error record or summary object)", line);
                rc = -1;
                break;
            }
            start_line = line;
        }
        if (n + 2 > size) {
            size_t ns = size ? size * 2 : 65536;
            char *nb = realloc(buf, ns);
            if (!nb) {
                snprintf(why, cap, "out of memory");
                rc = -1;
                break;
            }
            buf = nb;
            size = ns;
        }
        buf[n++] = (char)c;
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"')
            in_str = 1;
        else if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && --depth == 0) {
            buf[n] = '\0';
            if ((rc = fn(ctx, buf, n, start_line)) != 0)
                break;
            n = 0;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(why, cap, "%s", strerror(errno ? errno : EIO));
        rc = -1;
    } else if (rc == 0 && n > 0) {
        snprintf(why, cap, "line %ld: the last JSON value is cut short", start_line);
        rc = -1;
    }
    free(buf);
    return rc;
}
