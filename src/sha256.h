/* SHA-256 of the source bytes, for source.sha256 (FIPS 180-4).  Small enough
 * that a crypto library dependency is not worth it. */
#ifndef HB_SHA256_H
#define HB_SHA256_H

#include "huibao.h" /* hb_sha256_hex is public */

/* hb_sha256_hex uses the CPU's SHA extensions where it has them; this is
 * the portable code every CPU runs otherwise, for the tests to compare. */
void hb_sha256_hex_portable(const void *data, size_t len, char hex[65]);

#endif
