/* slogbench: how fast the slogan dictionary matches, whatever its size.
 *
 *   slogbench DICT_FILE TEXT_FILE [MB]
 *
 * Loads DICT_FILE (dict/slogans.txt format) into the one automaton the
 * slogans stage uses, folds TEXT_FILE (UTF-8) as the pipeline does, repeats
 * it to at least MB megabytes (default 64) and scans it once.  Prints one
 * line: entries, load time, scan MB/s, matches, peak RSS. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "arena.h"
#include "engine.h"
#include "normalize.h"
#include "slogans.h"
#include "toolutil.h"

static int count_match(void *ctx, size_t s, size_t e, int entry)
{
    (void)s, (void)e, (void)entry;
    ++*(size_t *)ctx;
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: slogbench DICT_FILE TEXT_FILE [MB]\n");
        return 2;
    }
    size_t want = (size_t)(argc > 3 ? atof(argv[3]) : 64) << 20;
    char *dpath = strdup(argv[1]), *fpath = strdup(argv[1]);
    struct hb_slogan_dict *sd;
    hb_error err = {0};
    double t0 = now();
    struct hb_engine files = {.dict_dir = dirname(dpath)}; /* no overlays; any category */
    if (hb_slogan_dict_read(&files, basename(fpath), NULL, &sd, &err) != HB_OK) {
        fprintf(stderr, "slogbench: %s:%d: %s\n", err.file, err.line, err.message);
        return 1;
    }
    double load = now() - t0;
    size_t len;
    char *text = slurp(argv[2], &len);
    if (!text || len == 0 || !hb_utf8_valid(text, len)) {
        fprintf(stderr, "slogbench: %s: cannot read UTF-8 text\n", argv[2]);
        return 1;
    }
    hb_arena arena = {0};
    char *fold;
    size_t flen;
    hb_omap map;
    if (!hb_fold(&arena, text, len, &fold, &flen, &map)) {
        fprintf(stderr, "slogbench: out of memory\n");
        return 1;
    }
    size_t reps = (want + flen - 1) / flen, total = reps * flen;
    char *big = malloc(total);
    if (!big) {
        fprintf(stderr, "slogbench: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * flen, fold, flen);
    free(fold);
    size_t matches = 0;
    t0 = now();
    if (!hb_slogan_dict_scan(sd, big, total, count_match, &matches)) {
        fprintf(stderr, "slogbench: out of memory\n");
        return 1;
    }
    double scan = now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%-28s entries %5zu  load %6.1f ms  scan %7.1f MB/s  matches %zu  peak RSS %ld MB\n", argv[1],
           hb_slogan_dict_size(sd), load * 1e3, (double)total / (1 << 20) / scan, matches,
           ru.ru_maxrss / 1024);
    hb_slogan_dict_free(sd);
    hb_arena_release(&arena);
    free(big);
    free(text);
    free(dpath);
    free(fpath);
    return 0;
}
