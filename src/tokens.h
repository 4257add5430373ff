/* Tokens: the typed token stream of the view (Han runs, Latin words,
 * numbers, Chinese numerals, masked numbers, punctuation by class, quote and
 * book-title marks, spaces), and the sentence count. */
#ifndef HB_TOKENS_H
#define HB_TOKENS_H

#include "doc.h"

/* Counts the tokens (d->text_tokens) and sentences, and marks the
 * paragraphs holding a number token (hb_para.numbers).  Keeps them all in
 * d->tokens only for HB_UNTIL_TOKENS (hb_report_tokens makes them again a
 * paragraph at a time, hb_tokens_para), else where the number tokens start
 * (d->number_starts, for metrics).  HB_ERR_NOMEM when out of memory. */
hb_status hb_tokens_run(hb_doc *d);

/* Appends the tokens of paragraph p to *out (in d's arena) and adds its
 * sentences to *sentences (NULL: not counted); 0 when out of memory. */
int hb_tokens_para(hb_doc *d, size_t p, hb_token_vec *out, int *sentences);

/* A number, a Chinese numeral or a masked number: where a metric may start. */
int hb_token_is_number(const hb_token *t);

/* Classifies the token starting at s[0] (len > 0) of the view; returns its
 * length and sets *type and *sub.  `quote_open` tells whether a straight
 * double quote here closes (1) or opens (0) a quotation. */
size_t hb_token_at(const char *s, size_t len, int quote_open, int *type, int *sub);

/* Whether cp is a Chinese numeral character (零〇一二两三…十百千万亿). */
int hb_is_cn_numeral(int cp);

const char *hb_token_type_name(int type);

#endif
