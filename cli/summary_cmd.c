/* huibao summary: merges reports.jsonl files, errors.jsonl files and earlier
 * summaries with hb_summary, and prints the result for people or as JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outfile.h"

typedef struct {
    hb_summary *s;
    const char *file;
    int bad;
} add_ctx;

static int add_value(void *ctx, const char *text, size_t len, long line)
{
    add_ctx *a = ctx;
    hb_error err;
    if (hb_summary_add_json(a->s, text, len, &err) != HB_OK) {
        fprintf(stderr, "huibao: %s:%ld: %s\n", a->file, line, err.message);
        a->bad = 1;
        return err.code == HB_ERR_NOMEM ? -1 : 0;
    }
    return 0;
}

static void counters(FILE *f, const char *label, const json_t *obj)
{
    const char *k;
    json_t *v;
    int first = 1;
    fprintf(f, "%s:", label);
    json_object_foreach((json_t *)obj, k, v) {
        fprintf(f, "%s %s %lld", first ? "" : ",", *k ? k : "未识别", (long long)json_integer_value(v));
        first = 0;
    }
    fputs(first ? " -\n" : "\n", f);
}

static const char *s_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : "未识别";
}

static long long i_of(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* The summary for people: the same facts as summary.json, one block each. */
static void print_text(FILE *f, const json_t *j, int top)
{
    const json_t *r = json_object_get(j, "reports");
    fprintf(f, "报告 reports: %lld（通过 passed %lld，未通过 failed %lld，无法读取 unreadable %lld）\n",
            i_of(r, "total"), i_of(r, "passed"), i_of(r, "failed"), i_of(r, "unreadable"));
    counters(f, "类型 by type", json_object_get(j, "by_doc_type"));
    counters(f, "检查模板 by profile", json_object_get(j, "by_profile"));
    counters(f, "缺少 missing", json_object_get(j, "missing"));
    counters(f, "仅在段落中 inline only", json_object_get(j, "inline_only"));
    counters(f, "警告 warnings", json_object_get(j, "warnings"));
    size_t i;
    json_t *v;
    fputs("\n单位 by organization (reports, failed):\n", f);
    json_array_foreach(json_object_get(j, "by_organization"), i, v)
        fprintf(f, "  %s\t%lld\t%lld\n", s_of(v, "organization"), i_of(v, "reports"), i_of(v, "failed"));
    fputs("\n指标 metrics (category, unit, achieved/target: count, known, sum, masked, approx):\n", f);
    json_array_foreach(json_object_get(j, "metrics"), i, v) {
        char sum[40];
        hb_json_shortest(json_number_value(json_object_get(v, "sum")), sum, sizeof sum);
        if (json_is_integer(json_object_get(v, "sum")))
            snprintf(sum, sizeof sum, "%lld", i_of(v, "sum"));
        fprintf(f, "  %s\t%s\t%s\t%lld\t%lld\t%s\t%lld\t%lld\n", s_of(v, "category"), s_of(v, "unit"),
                json_is_true(json_object_get(v, "target")) ? "target" : "achieved", i_of(v, "count"),
                i_of(v, "known"), sum, i_of(v, "masked"), i_of(v, "approx"));
    }
    fprintf(f, "\n提法 slogans (top %d: reports, count):\n", top);
    json_array_foreach(json_object_get(j, "slogans"), i, v) {
        if ((int)i >= top)
            break;
        fprintf(f, "  %s\t%lld\t%lld\n", s_of(v, "term"), i_of(v, "reports"), i_of(v, "count"));
    }
    fprintf(f, "\n引用文件 documents (top %d: reports, count):\n", top);
    json_array_foreach(json_object_get(j, "documents"), i, v) {
        if ((int)i >= top)
            break;
        fprintf(f, "  %s\t%lld\t%lld\n", s_of(v, "title"), i_of(v, "reports"), i_of(v, "count"));
    }
    const json_t *dups = json_object_get(j, "duplicates");
    fprintf(f, "\n重复报送 duplicates: %zu\n", json_array_size(dups));
    json_array_foreach(dups, i, v) {
        size_t k;
        json_t *p;
        fprintf(f, "  %.12s…", s_of(v, "sha256"));
        json_array_foreach(json_object_get(v, "paths"), k, p) fprintf(f, "%s%s", k ? ", " : " ", json_string_value(p));
        fputc('\n', f);
    }
    const json_t *bad = json_object_get(j, "unreadable");
    fprintf(f, "\n无法读取 unreadable: %zu\n", json_array_size(bad));
    json_array_foreach(bad, i, v) fprintf(f, "  %s: %s (%s)\n", s_of(v, "path"), s_of(v, "message"), s_of(v, "code"));
}

int cmd_summary(const cli_opts *o)
{
    hb_summary *s = hb_summary_new();
    if (!s) {
        fprintf(stderr, "huibao: out of memory\n");
        return EXIT_OUTPUT;
    }
    int status = EXIT_OK;
    for (int i = 0; i < o->nfiles; i++) {
        const char *p = o->files[i];
        FILE *f = strcmp(p, "-") ? fopen(p, "rb") : stdin;
        if (!f) {
            fprintf(stderr, "huibao: %s: %s\n", p, strerror(errno));
            status = EXIT_INPUT;
            continue;
        }
        add_ctx a = {s, p, 0};
        char why[256];
        if (json_values(f, add_value, &a, why, sizeof why) != 0) {
            fprintf(stderr, "huibao: %s: %s\n", p, why);
            a.bad = 1;
        }
        if (a.bad)
            status = EXIT_INPUT;
        if (f != stdin)
            fclose(f);
    }
    char *json = hb_summary_json(s, o->json && o->pretty ? HB_JSON_PRETTY : 0);
    hb_summary_free(s);
    out_file of;
    char why[512];
    if (!json) {
        fprintf(stderr, "huibao: out of memory\n");
        return EXIT_OUTPUT;
    }
    if (out_open(&of, o->output ? o->output : "-", why, sizeof why) != 0) {
        fprintf(stderr, "huibao: %s: %s\n", o->output, why);
        hb_free(json);
        return EXIT_OUTPUT;
    }
    if (o->json) {
        fputs(json, of.fp);
        fputc('\n', of.fp);
    } else {
        json_t *j = json_loads(json, 0, NULL);
        if (j)
            print_text(of.fp, j, o->top > 0 ? (int)o->top : 20);
        json_decref(j);
    }
    hb_free(json);
    int werr = ferror(of.fp) || fflush(of.fp) ? errno : 0;
    if (werr == EPIPE && !o->output)
        return status; /* … | head */
    if (werr) {
        out_abort(&of);
        fprintf(stderr, "huibao: %s: write error: %s\n", o->output ? o->output : "standard output", strerror(werr));
        return EXIT_OUTPUT;
    }
    if (out_commit(&of, why, sizeof why) != 0) {
        fprintf(stderr, "huibao: %s: %s\n", o->output ? o->output : "standard output", why);
        return EXIT_OUTPUT;
    }
    return status;
}
