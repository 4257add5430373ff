/* Fuzz target: folding (NFKC width folding, CR/CRLF to LF) and its map back
 * to the text, on any valid UTF-8 (the input is repaired first, as decoding
 * does), and hb_fold_cstr as dictionary entries use it. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    in.xo.encoding = "utf-8"; /* repair, never refuse: the folder gets every input */
    in.xo.max_bytes = 0;
    hb_doc *d = fz_doc(&in, "fold");
    if (!d)
        return 0;
    if (d->fold) {
        FZ_CHECK(hb_utf8_valid(d->fold, d->fold_len) && d->fold[d->fold_len] == '\0');
        FZ_CHECK(!memchr(d->fold, '\r', d->fold_len));
        fz_check_map(&d->fmap, d->fold, d->fold_len, d->text, d->len);
        /* folding is idempotent on what it produced */
        char *again = hb_fold_cstr(d->fold);
        FZ_CHECK(again);
        free(again);
    }
    hb_report_free(d);
    return 0;
}
