/* Fuzz target: quoted terms, dictionary formulations, discovered numeric
 * formulations and the ranges they cover for the metrics stage. */
#include <jansson.h>

#include "fuzz.h"
#include "slogans.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    hb_doc *d = fz_doc(&in, "slogans");
    if (!d)
        return 0;
    if (d->view) {
        size_t n;
        const hb_vrange *cov = hb_slogan_ranges(d, &n);
        for (size_t i = 0; i < n; i++) {
            FZ_CHECK(cov[i].start < cov[i].end && cov[i].end <= d->view_len);
            if (i > 0)
                FZ_CHECK(cov[i - 1].end <= cov[i].start); /* sorted and disjoint */
            FZ_CHECK(hb_in_quote_or_title(d, cov[i].start) && hb_slogan_covered(d, cov[i].start, cov[i].end));
        }
        json_t *root = fz_extractor_json(d, hb_slogans_json);
        json_t *terms = json_object_get(root, "slogans"), *t;
        size_t i;
        FZ_CHECK(json_is_array(terms));
        json_array_foreach(terms, i, t) {
            const char *term = json_string_value(json_object_get(t, "term"));
            json_int_t count = json_integer_value(json_object_get(t, "count"));
            json_int_t quoted = json_integer_value(json_object_get(t, "quoted"));
            json_int_t line = json_integer_value(json_object_get(t, "first_line"));
            FZ_CHECK(term && *term && hb_utf8_valid(term, strlen(term)));
            FZ_CHECK(count >= 1 && quoted >= 0 && quoted <= count && line >= 1 && line <= d->nlines);
            FZ_CHECK(json_is_boolean(json_object_get(t, "known")));
        }
        json_decref(root);
    }
    hb_report_free(d);
    return 0;
}
