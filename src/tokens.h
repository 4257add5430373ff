/* Tokens: the typed token stream of the view (Han runs, Latin words,
 * numbers, Chinese numerals, masked numbers, punctuation by class, quote and
 * book-title marks, spaces), and the sentence count. */
#ifndef HB_TOKENS_H
#define HB_TOKENS_H

#include "doc.h"

/* Fills d->tokens and d->sentences.  HB_ERR_NOMEM when out of memory. */
hb_status hb_tokens_run(hb_doc *d);

/* Classifies the token starting at s[0] (len > 0) of the view; returns its
 * length and sets *type and *sub.  `quote_open` tells whether a straight
 * double quote here closes (1) or opens (0) a quotation. */
size_t hb_token_at(const char *s, size_t len, int quote_open, int *type, int *sub);

/* Whether cp is a Chinese numeral character (零〇一二两三…十百千万亿). */
int hb_is_cn_numeral(int cp);

/* Gives the tokens back (hb_extract calls it once no later stage reads
 * them): on a large report they are the largest array after the texts.
 * d->text_tokens keeps their count; hb_report_tokens makes them again. */
void hb_tokens_release(hb_doc *d);

const char *hb_token_type_name(int type);

#endif
