/* Words of a report through the engine's lexicon (jieba-compatible DAG
 * segmentation), which the engine loads before the stages (words.c). */
#ifndef HB_WORDS_H
#define HB_WORDS_H

#include "doc.h"
#include "segment.h"

/* Segments text[0..len) with the engine's lexicon; see hb_segment(). */
hb_status hb_words(const hb_doc *d, const char *text, size_t len, unsigned flags, hb_word_fn fn, void *ctx);

struct hb_engine;

/* Opens the general lexicon (a note when it cannot) and adds dict/lexicon.txt
 * and the slogans' words unless the engine was built without its domain. */
hb_status hb_words_load(struct hb_engine *e, hb_error *err);
void hb_words_unload(struct hb_engine *e);

#endif
