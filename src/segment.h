/* Word segmentation: jieba.cut(text, HMM=False) reproduced exactly over a
 * hb_lexicon (same blocks, DAG, log-frequency route and tie-breaking), with
 * an option to keep numbers, masks and percentages whole. */
#ifndef HB_SEGMENT_H
#define HB_SEGMENT_H

#include <stddef.h>

#include "huibao.h"

struct hb_lexicon;

/* Called once per word, in order; [start, end) are byte offsets into the
 * text, the words tile it without gaps. */
typedef void (*hb_word_fn)(void *ctx, size_t start, size_t end);

enum {
    /* huibao's own mode: a number ("2023", "12.5", "1,200"), a mask ("**",
     * "××", "XX") or a percentage ("5%", "**%") that jieba cuts into pieces
     * comes out as one word.  Words holding a Han character are never
     * changed, so they stay identical to jieba's. */
    HB_SEG_WHOLE = 1u << 0
};

/* Segments text[0..len) (valid UTF-8).  flags 0: exactly jieba's words.
 * Returns HB_OK, or HB_ERR_NOMEM when scratch memory for a long run of
 * word characters cannot be had (words before it have been reported).
 * Thread-safe on a lexicon no one is adding words to. */
hb_status hb_segment(const struct hb_lexicon *lx, const char *text, size_t len, unsigned flags,
                     hb_word_fn fn, void *ctx);

#endif
