/* Lines: splits the folded text at LF and classifies each line (text, blank,
 * page number, web clutter) with the patterns of dict/layout.txt. */
#ifndef HB_LINES_H
#define HB_LINES_H

#include "doc.h"

/* Fills d->lines, d->line_starts and d->nlines.  Returns 0 when out of memory. */
int hb_lines(hb_doc *d);

/* Removes the inline rules' matches (leftover HTML tags, 此处隐藏955个字)
 * from d->fold and its map, with a `web-furniture` warning.  Runs before
 * hb_lines().  Returns 0 when out of memory. */
int hb_strip_inline(hb_doc *d);

/* Warns `web-furniture` naming the layout lines skipped as web or export
 * furniture (breadcrumbs, toolbars, source lines).  Returns 0 when out of memory. */
int hb_furniture_warn(hb_doc *d);

/* Display width of s[0..len): Han and full-width characters count 2, others 1. */
int hb_display_width(const char *s, size_t len);

#endif
