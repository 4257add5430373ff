/* rulec: compiles the automata the engine builds from a dict folder (the
 * slogan dictionary, the idiom stop words …) to the rules file huibao maps
 * at start (huibao.rules; src/rules.h).
 *
 *     rulec DICT_DIR OUT [LEXICON]
 *
 * With LEXICON (build/jieba.lex), also the frequencies suggested for the
 * words dict/ adds to it (hb_lexicon_memo_key). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "huibao.h"
#include "rules.h"

int main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: rulec DICT_DIR OUT [LEXICON]\n"
               "Compiles the automata of a huibao dictionary folder to a rules file, with the\n"
               "frequencies suggested for its words in the compiled general LEXICON.\n");
        return 0;
    }
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: rulec DICT_DIR OUT [LEXICON]\n");
        return 2;
    }
    /* with the general lexicon, for the memo of the words added to it */
    hb_engine_options o = {.dict_dir = argv[1], .lexicon_path = argc == 4 ? argv[3] : NULL, .lexicon_off = argc != 4};
    struct hb_rules_record rec = {0};
    hb_error err;
    memset(&err, 0, sizeof err);
    hb_engine *e = hb_engine_load(&o, NULL, &rec, &err);
    hb_status st = e ? hb_rules_write(&rec, argv[2], &err) : err.code;
    hb_engine_free(e);
    hb_rules_record_free(&rec);
    if (st != HB_OK) {
        if (err.line > 0)
            fprintf(stderr, "rulec: %s:%d: %s\n", err.file, err.line, err.message);
        else
            fprintf(stderr, "rulec: %s: %s\n", err.file[0] ? err.file : argv[1], err.message);
        return st == HB_ERR_NOMEM ? 3 : st == HB_ERR_IO ? 4 : 5;
    }
    return 0;
}
