/* JSON Lines input: one report per record, for systems that hold reports in
 * a database rather than in files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "huibao.h"

static hb_status bad(hb_error *err, const char *msg, const char *detail)
{
    err->code = HB_ERR_ARG;
    snprintf(err->message, sizeof err->message, "invalid record: %s%s%s", msg, detail ? ": " : "",
             detail ? detail : "");
    return HB_ERR_ARG;
}

hb_status hb_record_parse(const char *line, size_t len, char **path, char **text, size_t *text_len,
                          hb_error *err)
{
    hb_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof *err);
    *path = *text = NULL;
    *text_len = 0;
    json_error_t jerr;
    json_t *rec = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!rec)
        return bad(err, "not JSON", jerr.text);
    hb_status st = HB_OK;
    json_t *t = json_object_get(rec, "text");
    json_t *p = json_object_get(rec, "path");
    if (!json_is_object(rec))
        st = bad(err, "not a JSON object", NULL);
    else if (!json_is_string(t))
        st = bad(err, "no \"text\" string", NULL);
    else if (p && !json_is_string(p) && !json_is_null(p))
        st = bad(err, "\"path\" is not a string", NULL);
    if (st == HB_OK) {
        size_t n = json_string_length(t);
        *text = malloc(n + 1);
        *path = json_is_string(p) ? strdup(json_string_value(p)) : NULL;
        if (!*text || (json_is_string(p) && !*path)) {
            free(*text);
            free(*path);
            *text = *path = NULL;
            err->code = st = HB_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory");
        } else {
            memcpy(*text, json_string_value(t), n);
            (*text)[n] = '\0';
            *text_len = n;
        }
    }
    json_decref(rec);
    return st;
}
