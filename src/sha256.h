/* SHA-256 of the source bytes, for source.sha256 (FIPS 180-4).  Small enough
 * that a crypto library dependency is not worth it. */
#ifndef HB_SHA256_H
#define HB_SHA256_H

#include "huibao.h" /* hb_sha256_hex is public */

#endif
