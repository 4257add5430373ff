/* check: the verdict on each report, for people (text, notes as FILE:LINE:)
 * or for scripts (--jsonl). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A note the tool itself calls usual: a 工作要点 numbering its items across
 * parts (the library says so in the message); shown only with --notes. */
static int usual(const json_t *report, const json_t *w)
{
    const char *type = json_string_value(json_object_get(report, "doc_type"));
    return !strcmp(json_string_value(json_object_get(w, "code")), "numbering-continues") && type &&
           !strcmp(type, "plan");
}

/* The numbering warnings of a report worth showing. */
static json_t *notes_of(const json_t *report, int all)
{
    json_t *notes = json_array();
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(report, "warnings"), i, w) {
        const char *code = json_string_value(json_object_get(w, "code"));
        if (!code || strncmp(code, "numbering-", 10) || (!all && usual(report, w)))
            continue;
        json_t *line = json_object_get(w, "line");
        json_array_append_new(notes, json_pack("{s:I,s:s,s:O}", "line", json_integer_value(line), "code", code,
                                               "message", json_object_get(w, "message")));
    }
    return notes;
}

static char *verdict_text(const hb_report *r, const char *label, const json_t *notes, int *passed)
{
    char *v = hb_report_verdict(r, passed), *out = NULL;
    size_t len = 0;
    FILE *f = v ? open_memstream(&out, &len) : NULL;
    if (!f) {
        hb_free(v);
        return NULL;
    }
    /* the library's own numbering lines give way to FILE:LINE: notes */
    fprintf(f, "%s: ", label);
    for (char *line = v, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            nl = line + strlen(line) - 1;
        if (strncmp(line, "  编号:", strlen("  编号:")))
            fwrite(line, 1, (size_t)(nl - line) + 1, f);
    }
    size_t i;
    json_t *n;
    json_array_foreach(notes, i, n)
        fprintf(f, "%s:%lld: %s\n", label, (long long)json_integer_value(json_object_get(n, "line")),
                json_string_value(json_object_get(n, "message")));
    hb_free(v);
    if (fclose(f)) {
        free(out);
        return NULL;
    }
    return out;
}

char *check_verdict(const hb_report *r, const char *label, const cli_opts *o, int *passed)
{
    char *text = hb_report_json(r, 0);
    json_t *report = text ? json_loads(text, 0, NULL) : NULL;
    hb_free(text);
    if (!report)
        return NULL;
    json_t *req = json_object_get(report, "required");
    *passed = json_array_size(json_object_get(req, "missing")) == 0;
    json_t *notes = notes_of(report, o->notes);
    char *out = NULL;
    if (!o->jsonl) {
        out = verdict_text(r, label, notes, passed);
    } else {
        json_t *profile = json_object_get(req, "profile"), *missing = json_object_get(req, "missing"),
               *inline_only = json_object_get(req, "inline_only");
        json_t *rec = json_pack("{s:s,s:o,s:b,s:o,s:o,s:O}", "path", label, "profile",
                                profile ? json_incref(profile) : json_null(), "passed", *passed, "missing",
                                missing ? json_incref(missing) : json_array(), "inline_only",
                                inline_only ? json_incref(inline_only) : json_array(), "notes", notes);
        char *line = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
        if (line && asprintf(&out, "%s\n", line) < 0)
            out = NULL;
        free(line);
        json_decref(rec);
    }
    json_decref(notes);
    json_decref(report);
    return out;
}

void check_tally(long checked, long failed, long unreadable)
{
    fprintf(stderr, "huibao: checked %ld, failed %ld, unreadable %ld\n", checked, failed, unreadable);
}
