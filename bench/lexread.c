/* lexread: the floor under one small report's start-up.  A process linked
 * as huibao is that reads the compiled lexicon whole, as every huibao start
 * must (read, not mapped, so that a lexicon rewritten in place cannot kill
 * a run: hb_file_load), and exits: no rule, no word, no report.
 * bench/table.py times it beside `cat`.
 *
 *   lexread LEXICON
 */
#include <stdio.h>

#include "engine.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: lexread LEXICON\n");
        return 2;
    }
    void *data;
    size_t size;
    hb_error err;
    if (hb_file_load(argv[1], &data, &size, &err) != HB_OK) {
        fprintf(stderr, "lexread: %s\n", err.message);
        return 1;
    }
    hb_file_release(data, size);
    return 0;
}
