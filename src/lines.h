/* Lines: splits the folded text at LF and classifies each line (text, blank,
 * page number, web clutter) with the patterns of dict/layout.txt. */
#ifndef HB_LINES_H
#define HB_LINES_H

#include "doc.h"
#include "engine.h"

/* Fills d->lines, d->line_starts and d->nlines.  HB_ERR_NOMEM when out of memory. */
hb_status hb_lines_run(hb_doc *d);

/* Whether the trimmed line s[0..len) is a masthead line of dict/layout.txt
 * (a 版头 …局文件, a document number …〔2025〕6号); md is any match data.
 * s lies in the document's view (read up to 32 bytes past the line, in
 * the view's padding). */
int hb_layout_masthead(const hb_doc *d, const char *s, size_t len, pcre2_match_data *md);

/* Display width of s[0..len): Han and full-width characters count 2, others 1. */
int hb_display_width(const char *s, size_t len);

#endif
