/* metricbench: how fast the metrics stage reads counts.
 *
 *   metricbench DICT_DIR LEXICON CORPUS_FILE
 *
 * CORPUS_FILE holds reports separated by lines holding only a form feed
 * ("\f\n"), as bench/bench_metrics.sh builds it.  Each report goes through
 * the whole pipeline once (hb_extract), then the metrics stage alone runs
 * again on it and is timed.  Prints one line: MB, reports, metrics, stage
 * MB/s, pipeline MB/s, peak RSS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "doc.h"
#include "extract.h"
#include "metrics.h"
#include "toolutil.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: metricbench DICT_DIR LEXICON CORPUS_FILE\n");
        return 2;
    }
    hb_engine_options eo = {.dict_dir = argv[1], .lexicon_path = argv[2]};
    hb_error err;
    hb_engine *e = hb_engine_new(&eo, &err);
    if (!e) {
        fprintf(stderr, "metricbench: %s:%d: %s\n", err.file, err.line, err.message);
        return 1;
    }
    size_t len;
    char *buf = slurp(argv[3], &len);
    if (!buf) {
        fprintf(stderr, "metricbench: cannot read %s\n", argv[3]);
        hb_engine_free(e);
        return 1;
    }
    double stage = 0, pipeline = 0;
    size_t reports = 0, metrics = 0;
    for (size_t p = 0; p < len;) {
        const char *sep = memmem(buf + p, len - p, "\f\n", 2);
        size_t n = sep ? (size_t)(sep - (buf + p)) : len - p;
        double t0 = now();
        hb_report *r = n ? hb_extract(e, buf + p, n, NULL, &err) : NULL;
        double t1 = now();
        if (r) {
            hb_metrics_run(r);
            pipeline += t1 - t0;
            stage += now() - t1;
            metrics += r->metrics->list.n;
            reports++;
            hb_report_free(r);
        }
        p += n + (sep ? 2 : 0);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double mb = (double)len / 1048576;
    printf("%.1f MB, %zu reports, %zu metrics: metrics stage %.1f MB/s, whole pipeline %.1f MB/s, "
           "peak RSS %ld MB\n",
           mb, reports, metrics, mb / (stage > 0 ? stage : 1e-9), mb / (pipeline > 0 ? pipeline : 1e-9),
           ru.ru_maxrss / 1024);
    free(buf);
    hb_engine_free(e);
    return 0;
}
