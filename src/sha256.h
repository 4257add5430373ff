/* SHA-256 of the source bytes, for source.sha256 (FIPS 180-4).  Small enough
 * that a crypto library dependency is not worth it. */
#ifndef HB_SHA256_H
#define HB_SHA256_H

#include <stddef.h>

/* Writes 64 lowercase hex digits and a NUL to hex. */
void hb_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
