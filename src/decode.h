/* Decoding: input bytes in any supported encoding to valid UTF-8, once, at
 * the boundary; every later stage trusts its input. */
#ifndef HB_DECODE_H
#define HB_DECODE_H

#include <stddef.h>

#include "doc.h"

/* Fills d->text, d->len and d->encoding from buf (d->opts.encoding forces an
 * encoding).  Repairs (U+FFFD) become warnings.  Returns HB_OK or an error
 * with err->message set. */
hb_status hb_decode(hb_doc *d, const char *buf, size_t len, hb_error *err);

#endif
