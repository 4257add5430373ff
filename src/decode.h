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

/* The report's path as arena text for source.path: a name that is not
 * UTF-8 (GBK bytes from a Windows archive) has each invalid byte replaced
 * with U+FFFD, as the text's own damage is.  NULL when out of memory. */
const char *hb_decode_path(hb_doc *d, const char *path);

/* Control bytes in buf[0..len) other than tab, LF, CR and FF: text with
 * more than 5% of them is refused as binary.  The portable count is the one
 * CPUs without AVX2 run, for the tests to compare. */
size_t hb_control_bytes(const char *buf, size_t len);
size_t hb_control_bytes_portable(const char *buf, size_t len);

/* glibc loads an iconv converter on iconv_open and unloads it when the last
 * descriptor closes; the engine keeps one descriptor per converter open
 * from the first report that needs it to its release, so that reports
 * decoded in parallel do not load and unload modules over and over (slow,
 * and a dlclose race for ThreadSanitizer).  hb_decode_load reads nothing. */
hb_status hb_decode_load(struct hb_engine *e, hb_error *err);
void hb_decode_unload(struct hb_engine *e);

#endif
