/* Fuzz target: --jsonl-in records ({"path": …, "text": …}), then the report
 * read from an accepted record, as the CLI does. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    char *path, *text;
    size_t len;
    hb_error err;
    if (hb_record_parse(in.data, in.size, &path, &text, &len, &err) != HB_OK) {
        FZ_CHECK(err.code != HB_OK && err.message[0] && !path && !text);
        return 0;
    }
    FZ_CHECK(text && text[len] == '\0');
    in.xo.path = path;
    hb_report *r = hb_extract(fz_engine(), text, len, &in.xo, &err);
    if (r) {
        char *json = hb_report_json(r, 0);
        FZ_CHECK(json);
        hb_free(json);
    } else {
        FZ_CHECK(err.message[0]);
    }
    hb_report_free(r);
    hb_free(path);
    hb_free(text);
    return 0;
}
