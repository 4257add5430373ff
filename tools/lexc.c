/* lexc: compiles jieba's dict.txt to the binary lexicon huibao reads.
 *
 *     lexc DICT_TXT OUT
 */
#include <stdio.h>
#include <string.h>

#include "huibao.h"
#include "lexicon.h"

int main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: lexc DICT_TXT OUT\n"
               "Compiles a jieba dictionary (\"word freq [tag]\" lines) to a huibao lexicon.\n");
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: lexc DICT_TXT OUT\n");
        return 2;
    }
    hb_error err;
    memset(&err, 0, sizeof err);
    hb_status st = hb_lexicon_compile(argv[1], argv[2], &err);
    if (st != HB_OK) {
        if (err.line > 0)
            fprintf(stderr, "lexc: %s:%d: %s\n", err.file, err.line, err.message);
        else
            fprintf(stderr, "lexc: %s: %s\n", err.file[0] ? err.file : argv[1], err.message);
        return st == HB_ERR_NOMEM ? 3 : st == HB_ERR_IO ? 4 : 5;
    }
    return 0;
}
