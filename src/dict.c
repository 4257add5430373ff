/* Reading the plain-text rule files of dict/. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "normalize.h"

int hb_dict_fail(hb_error *err, hb_status code, const char *file, int line, int offset,
                 const char *fmt, ...)
{
    if (err) {
        err->code = code;
        snprintf(err->file, sizeof err->file, "%s", file ? file : "");
        err->line = line;
        err->offset = offset;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return -1;
}

enum { MAX_FIELDS = 16 };

hb_status hb_dict_read(const char *dict_dir, const char *name, int min_fields, int max_fields,
                       unsigned flags, hb_dict_line_fn fn, void *ctx, hb_error *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dict_dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if ((flags & HB_DICT_OPTIONAL) && errno == ENOENT)
            return HB_OK;
        hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "cannot open: %s", strerror(errno));
        return HB_ERR_DICT;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0;
    hb_status st = HB_OK;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (lineno == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
            memmove(line, line + 3, (size_t)(n -= 3) + 1);
        const char *p = line;
        while (*p == ' ')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        if (strlen(line) != (size_t)n) {
            st = HB_ERR_DICT;
            hb_dict_fail(err, st, path, lineno, 0, "NUL byte in line");
            break;
        }
        if (!hb_utf8_valid(line, (size_t)n)) {
            st = HB_ERR_DICT;
            hb_dict_fail(err, st, path, lineno, 0, "line is not valid UTF-8");
            break;
        }
        char *fields[MAX_FIELDS];
        int nf = 0;
        for (char *s = line;;) {
            char *tab = strchr(s, '\t');
            if (nf == MAX_FIELDS) {
                nf++;
                break;
            }
            fields[nf++] = s;
            if (!tab)
                break;
            *tab = '\0';
            s = tab + 1;
        }
        if (nf < min_fields || nf > max_fields) {
            st = HB_ERR_DICT;
            if (min_fields == max_fields)
                hb_dict_fail(err, st, path, lineno, 0, "expected %d TAB-separated fields, found %d",
                             min_fields, nf);
            else
                hb_dict_fail(err, st, path, lineno, 0,
                             "expected %d to %d TAB-separated fields, found %d", min_fields,
                             max_fields, nf);
            break;
        }
        char *folded[MAX_FIELDS] = {0};
        int bad = 0;
        if (flags & HB_DICT_FOLD) {
            for (int i = 0; i < nf; i++) {
                folded[i] = hb_fold_cstr(fields[i]);
                if (!folded[i])
                    bad = 1;
                else
                    fields[i] = folded[i];
            }
        }
        if (bad) {
            st = HB_ERR_NOMEM;
            hb_dict_fail(err, st, path, lineno, 0, "out of memory");
        } else if (fn(ctx, fields, nf, path, lineno, err) != 0) {
            st = err && err->code ? err->code : HB_ERR_DICT;
        }
        for (int i = 0; i < nf; i++)
            free(folded[i]);
        if (st != HB_OK)
            break;
    }
    free(line);
    fclose(f);
    return st;
}
