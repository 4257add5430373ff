/* Fuzz target: word segmentation (jieba's DAG over the engine's lexicon:
 * general, dict/lexicon.txt and slogans), in both modes.  The words must
 * tile the text, each a whole number of characters. */
#include "fuzz.h"
#include "segment.h"

typedef struct {
    const char *text;
    size_t at, len;
} tiling;

static void on_word(void *ctx, size_t start, size_t end)
{
    tiling *t = ctx;
    FZ_CHECK(start == t->at && end > start && end <= t->len);
    FZ_CHECK(end == t->len || ((unsigned char)t->text[end] & 0xC0) != 0x80);
    t->at = end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    in.xo.encoding = "utf-8";
    in.xo.max_bytes = 0;
    hb_doc *d = fz_doc(&in, "fold");
    if (!d)
        return 0;
    for (unsigned flags = 0; flags <= HB_SEG_WHOLE && d->fold; flags += HB_SEG_WHOLE) {
        tiling t = {d->fold, 0, d->fold_len};
        FZ_CHECK(hb_segment(fz_engine()->lexicon, d->fold, d->fold_len, flags, on_word, &t) == HB_OK);
        FZ_CHECK(t.at == d->fold_len);
    }
    hb_report_free(d);
    return 0;
}
