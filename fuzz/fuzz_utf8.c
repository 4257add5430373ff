/* Fuzz target: the UTF-8 validator's vector path (AVX2, normalize.c)
 * against its portable one, on the input as bytes from each of the first
 * 32 offsets, so that every byte meets every place in a 32-byte block. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    for (size_t at = 0; at < 32 && at <= size; at++)
        FZ_CHECK(hb_utf8_valid_prefix(s + at, size - at) == hb_utf8_valid_prefix_portable(s + at, size - at));
    return 0;
}
