/* Fuzz target: decoding (BOMs, detection, UTF-16 without BOM, GB18030,
 * repair of damaged UTF-8, forced encodings, the size limit).  The text must
 * come out as valid UTF-8; a refusal must say why. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    hb_doc *d = fz_doc(&in, "decode");
    if (!d)
        return 0;
    static const char *const known[] = {"utf-8", "utf-8-bom", "gb18030", "utf-16le", "utf-16be"};
    int ok = 0;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        ok |= strcmp(d->encoding, known[i]) == 0;
    FZ_CHECK(ok);
    /* valid UTF-8 without NUL or BOM, decoded by detection, is kept as is */
    if (!in.xo.encoding && !memchr(in.data, '\0', in.size) && hb_utf8_valid(in.data, in.size) &&
        strcmp(d->encoding, "utf-8") == 0)
        FZ_CHECK(d->len == in.size && memcmp(d->text, in.data, in.size) == 0);
    hb_report_free(d);
    return 0;
}
