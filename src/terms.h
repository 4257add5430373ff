/* Words of a report through the engine's lexicon (jieba-compatible DAG
 * segmentation) and its top content words. */
#ifndef HB_TERMS_H
#define HB_TERMS_H

#include "doc.h"
#include "segment.h"

/* Segments text[0..len) with the engine's lexicon; see hb_segment(). */
hb_status hb_words(const hb_doc *d, const char *text, size_t len, unsigned flags, hb_word_fn fn, void *ctx);

#endif
