/* Status messages, filling a hb_error (hb_dict_fail, which names a file)
 * and freeing what the library hands out: small, so every object can name
 * an error without pulling in the pipeline or dict.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"

const char *hb_strerror(hb_status code)
{
    switch (code) {
    case HB_OK: return "success";
    case HB_ERR_NOMEM: return "out of memory";
    case HB_ERR_IO: return "input/output error";
    case HB_ERR_ENCODING: return "not text in a supported encoding";
    case HB_ERR_BINARY: return "not a text file";
    case HB_ERR_TOO_LARGE: return "input too large";
    case HB_ERR_EMPTY: return "empty file";
    case HB_ERR_DICT: return "malformed dictionary file";
    case HB_ERR_REGEX: return "dictionary regex does not compile";
    case HB_ERR_ARG: return "invalid argument";
    }
    return "unknown error";
}

const char *hb_status_code(hb_status code)
{
    switch (code) {
    case HB_OK: return "ok";
    case HB_ERR_NOMEM: return "nomem";
    case HB_ERR_IO: return "io";
    case HB_ERR_ENCODING: return "encoding";
    case HB_ERR_BINARY: return "binary";
    case HB_ERR_TOO_LARGE: return "too-large";
    case HB_ERR_EMPTY: return "empty";
    case HB_ERR_DICT: return "dict";
    case HB_ERR_REGEX: return "regex";
    case HB_ERR_ARG: return "arg";
    }
    return "unknown";
}

void hb_free(void *p)
{
    free(p);
}

hb_status hb_error_set(hb_error *err, hb_status code, const char *msg)
{
    if (err && code != HB_OK && !err->code) {
        err->code = code;
        snprintf(err->message, sizeof err->message, "%s", msg ? msg : hb_strerror(code));
    }
    return code;
}

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
