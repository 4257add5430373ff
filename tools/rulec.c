/* rulec: compiles the automata the engine builds from a dict folder (the
 * slogan dictionary, the idiom stop words …) to the rules file the library
 * reads at start and the huibao command carries built in (huibao.rules;
 * src/rules.h).
 *
 *     rulec DICT_DIR OUT [LEXICON [IMAGE]]
 *
 * With LEXICON (build/jieba.lex), also the frequencies suggested for the
 * words dict/ adds to it (hb_lexicon_memo_key); with IMAGE, the lexicon
 * with the marks of those words, which the huibao command carries built in
 * (hb_lexicon_open_image). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "huibao.h"
#include "lexicon.h"
#include "rules.h"

/* The engine's lexicon as an image, marked for dict/'s own words, written
 * beside path and renamed over it. */
static int write_image(const struct hb_engine *e, const char *path)
{
    static const unsigned char no_key[32];
    size_t size;
    void *image = hb_lexicon_image_save(e->lexicon, e->overlay_keyed ? e->overlay_key : no_key, &size);
    char tmp[4096];
    FILE *f = NULL;
    int ok = image && snprintf(tmp, sizeof tmp, "%s.tmp", path) < (int)sizeof tmp && (f = fopen(tmp, "wb")) &&
             fwrite(image, 1, size, f) == size;
    ok = (f && fclose(f) == 0 && ok && rename(tmp, path) == 0);
    if (!ok) {
        fprintf(stderr, "rulec: %s: cannot write the lexicon image\n", path);
        if (f)
            remove(tmp);
    }
    free(image);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: rulec DICT_DIR OUT [LEXICON [IMAGE]]\n"
               "Compiles the automata of a huibao dictionary folder to a rules file, with the\n"
               "frequencies suggested for its words in the compiled general LEXICON, and\n"
               "writes to IMAGE that lexicon marked for those words (built into huibao).\n");
        return 0;
    }
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: rulec DICT_DIR OUT [LEXICON [IMAGE]]\n");
        return 2;
    }
    /* with the general lexicon, for the memo of the words added to it */
    hb_engine_options o = {.dict_dir = argv[1], .lexicon_path = argc >= 4 ? argv[3] : NULL, .lexicon_off = argc < 4};
    struct hb_rules_record rec = {0};
    hb_error err;
    memset(&err, 0, sizeof err);
    hb_engine *e = hb_engine_load(&o, NULL, &rec, &err);
    hb_status st = e ? hb_rules_write(&rec, argv[2], &err) : err.code;
    int image_ok = st != HB_OK || argc < 5 || write_image(e, argv[4]);
    hb_engine_free(e);
    hb_rules_record_free(&rec);
    if (st != HB_OK) {
        if (err.line > 0)
            fprintf(stderr, "rulec: %s:%d: %s\n", err.file, err.line, err.message);
        else
            fprintf(stderr, "rulec: %s: %s\n", err.file[0] ? err.file : argv[1], err.message);
        return st == HB_ERR_NOMEM ? 3 : st == HB_ERR_IO ? 4 : 5;
    }
    return image_ok ? 0 : 4;
}
