/* A program as a user of the installed library writes it: default rules,
 * one file, a few typed fields, then the JSON.  The engine is released
 * before the report, as huibao.h allows. */
#include <huibao.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    hb_error err;
    hb_engine *engine = hb_engine_new(NULL, &err);
    hb_report *r = engine && argc > 1 ? hb_extract_file(engine, argv[1], NULL, &err) : NULL;
    hb_engine_free(engine);
    if (!r) {
        fprintf(stderr, "demo: %s: %s\n", err.file, err.message);
        return 1;
    }
    hb_metric_info m;
    int from, to;
    const char *period = hb_report_period(r, &from, &to);
    printf("version %s\ntitle %s\ndoc_type %s\nperiod %s %d %d\nmetrics %zu\n", hb_version(),
           hb_report_title(r), hb_report_doc_type(r), period ? period : "-", from, to, hb_report_metric_count(r));
    if (hb_report_metric(r, 0, &m))
        printf("first %g%s at line %d\n", m.value, m.unit, m.line);
    char *json = hb_report_json(r, 0);
    printf("%s\n", json ? json : "");
    hb_free(json);
    hb_report_free(r);
    return 0;
}
