/* Fuzz target: the compiled lexicon file (what lexc writes and the engine
 * reads) from damaged bytes.  A small lexicon is compiled once; each input
 * damages a copy of it, which hb_lexicon_open must refuse with a reason or
 * accept, and an accepted one must segment text into words that tile it,
 * answer lookups and take added words.
 *
 * Input: a file starting with the lexicon magic is the lexicon itself (a
 * kept crasher stays replayable); any other input is a list of edits, 4
 * bytes each: a 24-bit offset (little-endian, taken modulo the file size)
 * and the byte to store there, except that an edit whose offset is 0xFFFFFF
 * cuts the file to value × 1/256 of its size.  The text segmented is fixed:
 * the dictionary's words, a supplementary-plane character, long runs. */
#include <stdlib.h>

#include "fuzz.h"
#include "lexicon.h"
#include "segment.h"

static const char DICT[] = "中国 100 ns\n中国共产党 50 nt\n党建 30 n\n党建工作 12\n工作 200 vn\n"
                           "汇报 20 v\n𠀀字 5\n字 9\n2024 3 m\n啊啊啊 1\n";
static const char TEXT[] = "中国共产党党建工作汇报，2024年𠀀字字啊啊啊啊啊啊啊啊啊啊中国abc党建工作";

typedef struct {
    size_t at, len;
} tiling;

static void on_word(void *ctx, size_t start, size_t end)
{
    tiling *t = ctx;
    FZ_CHECK(start == t->at && end > start && end <= t->len);
    FZ_CHECK(end == t->len || ((unsigned char)TEXT[end] & 0xC0) != 0x80);
    t->at = end;
}

/* The compiled lexicon's bytes, and a file the damaged copies go to. */
static char *base_file(size_t *len, const char **path)
{
    static char *bytes;
    static size_t n;
    static char dir[] = "/tmp/fuzz_lexicon.XXXXXX", src[64], lex[64];
    if (!bytes) {
        FZ_CHECK(mkdtemp(dir));
        snprintf(src, sizeof src, "%s/dict.txt", dir);
        snprintf(lex, sizeof lex, "%s/base.lex", dir);
        FILE *f = fopen(src, "wb");
        FZ_CHECK(f && fwrite(DICT, 1, sizeof DICT - 1, f) == sizeof DICT - 1 && fclose(f) == 0);
        hb_error err;
        FZ_CHECK(hb_lexicon_compile(src, lex, &err) == HB_OK);
        bytes = fz_slurp(lex, &n);
    }
    *len = n;
    *path = lex;
    return bytes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    const char *path;
    const char *base = base_file(&n, &path);
    fz_write_damaged(path, base, n, data, size, "HBLEX\r\n\x1a");

    hb_error err;
    memset(&err, 0, sizeof err);
    struct hb_lexicon *lx = hb_lexicon_open(path, &err);
    if (!lx) {
        FZ_CHECK(err.code != HB_OK && err.message[0]);
        return 0;
    }
    for (unsigned flags = 0; flags <= HB_SEG_WHOLE; flags += HB_SEG_WHOLE) {
        tiling t = {0, sizeof TEXT - 1};
        FZ_CHECK(hb_segment(lx, TEXT, t.len, flags, on_word, &t) == HB_OK);
        FZ_CHECK(t.at == t.len);
    }
    static const char *const words[] = {"中国", "中国共产党", "党建工作", "𠀀字", "啊啊啊", "无"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        FZ_CHECK(hb_lexicon_freq(lx, words[i], strlen(words[i])) >= -1);
        const char *tag = hb_lexicon_tag(lx, words[i], strlen(words[i]));
        FZ_CHECK(!tag || strlen(tag) < 8);
    }
    hb_status st = hb_lexicon_add(lx, "党建引领", strlen("党建引领"), HB_LEX_SUGGEST, "n");
    FZ_CHECK(st == HB_OK || st == HB_ERR_ARG);
    tiling t = {0, sizeof TEXT - 1};
    FZ_CHECK(hb_segment(lx, TEXT, t.len, 0, on_word, &t) == HB_OK && t.at == t.len);
    hb_lexicon_free(lx);
    return 0;
}
