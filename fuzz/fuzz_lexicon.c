/* Fuzz target: the compiled lexicon file (what lexc writes and the engine
 * reads) from damaged bytes.  A small lexicon is compiled once; each input
 * damages a copy of it, which hb_lexicon_open must refuse with a reason or
 * accept, and an accepted one must segment text into words that tile it,
 * answer lookups and take added words.  The same edits damage the image of
 * it that a program carries (hb_lexicon_image_save: the lexicon, a trailer
 * with an overlay's key and the DAG values), which hb_lexicon_open_image
 * must refuse or accept alike, and never write into.
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

typedef struct {
    char *bytes;
    size_t n;
    char path[64];
} base_file;

/* The compiled lexicon's bytes and its image's, each with a file the
 * damaged copies go to. */
static void base_files(base_file *lex, base_file *image)
{
    static base_file l, m;
    static char dir[] = "/tmp/fuzz_lexicon.XXXXXX";
    if (!l.bytes) {
        char src[64];
        FZ_CHECK(mkdtemp(dir));
        snprintf(src, sizeof src, "%s/dict.txt", dir);
        snprintf(l.path, sizeof l.path, "%s/base.lex", dir);
        snprintf(m.path, sizeof m.path, "%s/base.image", dir);
        FILE *f = fopen(src, "wb");
        FZ_CHECK(f && fwrite(DICT, 1, sizeof DICT - 1, f) == sizeof DICT - 1 && fclose(f) == 0);
        hb_error err;
        FZ_CHECK(hb_lexicon_compile(src, l.path, &err) == HB_OK);
        l.bytes = fz_slurp(l.path, &l.n);
        struct hb_lexicon *lx = hb_lexicon_open(l.path, &err);
        static const unsigned char key[32] = {1};
        FZ_CHECK(lx && (m.bytes = hb_lexicon_image_save(lx, key, &m.n)));
        hb_lexicon_free(lx);
    }
    *lex = l;
    *image = m;
}

/* An accepted lexicon segments, answers lookups and takes a word. */
static void exercise(struct hb_lexicon *lx)
{
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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    base_file lex, image;
    base_files(&lex, &image);
    fz_write_damaged(lex.path, lex.bytes, lex.n, data, size, "HBLEX\r\n\x1a");
    hb_error err;
    memset(&err, 0, sizeof err);
    struct hb_lexicon *lx = hb_lexicon_open(lex.path, &err);
    FZ_CHECK(lx || (err.code != HB_OK && err.message[0]));
    if (lx)
        exercise(lx);
    hb_lexicon_free(lx);

    fz_write_damaged(image.path, image.bytes, image.n, data, size, "HBLEX\r\n\x1a");
    size_t n;
    char *bytes = fz_slurp(image.path, &n), *kept = malloc(n ? n : 1);
    FZ_CHECK(kept);
    memcpy(kept, bytes, n);
    memset(&err, 0, sizeof err);
    lx = hb_lexicon_open_image(bytes, n, &err);
    FZ_CHECK(lx || (err.code != HB_OK && err.message[0]));
    if (lx)
        exercise(lx);
    hb_lexicon_free(lx);
    FZ_CHECK(memcmp(bytes, kept, n) == 0); /* a program's image is read only */
    free(bytes);
    free(kept);
    return 0;
}
