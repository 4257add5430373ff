/* Fuzz target: the numeral reader, from every character start of the
 * folded input, and the approximation words written after a unit. */
#include <math.h>

#include "fuzz.h"
#include "numeral.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    in.xo.encoding = "utf-8";
    in.xo.max_bytes = 0;
    hb_doc *d = fz_doc(&in, "fold");
    if (!d)
        return 0;
    const char *s = d->fold;
    size_t len = d->fold ? d->fold_len : 0;
    for (size_t pos = 0; pos < len && pos < 4096; pos++) {
        if (((unsigned char)s[pos] & 0xC0) == 0x80)
            continue;
        hb_numeral n;
        if (!hb_numeral_parse(&d->engine->numerals, s, len, pos, &n)) {
            FZ_CHECK(n.end == pos);
        } else {
            FZ_CHECK(n.start >= pos && n.start < n.end && n.end <= len);
            FZ_CHECK(n.end == len || ((unsigned char)s[n.end] & 0xC0) != 0x80);
            FZ_CHECK(n.masked || n.overflow || isfinite(n.value));
            FZ_CHECK(!n.has_max || n.masked || n.overflow || isfinite(n.value_max));
            FZ_CHECK(n.scale == 1 || n.scale == 1e4 || n.scale == 1e8 || n.scale == 1e12);
            FZ_CHECK(n.scale_start <= n.scale_end && n.scale_end <= n.end);
            if (n.approx_word)
                FZ_CHECK(n.approx_start <= n.approx_end && n.approx_end <= len);
        }
        size_t wl = 0;
        const char *w = hb_numeral_approx_after(&d->engine->numerals, s + pos, len - pos, &wl);
        if (w)
            FZ_CHECK(wl > 0 && wl <= len - pos);
    }
    hb_report_free(d);
    return 0;
}
