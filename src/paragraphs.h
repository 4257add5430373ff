/* Paragraphs: joins lines that a word processor or PDF copy wrapped, drops
 * blank, page-number and clutter lines, and builds the view (one paragraph
 * per LF-terminated line) with its map back to the text. */
#ifndef HB_PARAGRAPHS_H
#define HB_PARAGRAPHS_H

#include "doc.h"

/* Fills d->view, d->vmap and d->paras.  HB_ERR_NOMEM when out of memory. */
hb_status hb_paragraphs_run(hb_doc *d);

#endif
