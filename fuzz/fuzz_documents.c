/* Fuzz target: titles in 《》 (nesting, runaway marks, the length cap) and
 * their kinds, after the stages that come before them. */
#include <jansson.h>

#include "documents.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    hb_doc *d = fz_doc(&in, "documents");
    if (!d)
        return 0;
    if (d->view) {
        const struct hb_documents_result *r = d->documents;
        for (size_t i = 0; i < r->docs.n; i++) {
            const hb_document *doc = &r->docs.v[i];
            FZ_CHECK(doc->vs < doc->ve && doc->ve <= d->view_len && doc->count >= 1 && doc->kind);
            FZ_CHECK(hb_utf8_valid(d->view + doc->vs, doc->ve - doc->vs));
            if (i > 0)
                FZ_CHECK(r->docs.v[i - 1].vs < doc->vs); /* first occurrences, in order */
        }
        json_t *root = fz_extractor_json(d, hb_documents_json);
        json_t *docs = json_object_get(root, "documents");
        FZ_CHECK(json_is_array(docs) && json_array_size(docs) == r->docs.n);
        json_decref(root);
    }
    hb_report_free(d);
    return 0;
}
