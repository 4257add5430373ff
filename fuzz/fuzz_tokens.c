/* Fuzz target: the typed token stream and sentence count.  Tokens must tile
 * every paragraph; hb_token_at must make progress anywhere in the view. */
#include "fuzz.h"
#include "tokens.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    hb_doc *d = fz_doc(&in, "tokens");
    if (!d)
        return 0;
    if (d->view) {
        size_t k = 0;
        for (size_t p = 0; p < d->paras.n; p++) {
            const hb_para *pa = &d->paras.v[p];
            size_t at = pa->vstart;
            for (; k < d->tokens.n && d->tokens.v[k].vstart < pa->vend; k++) {
                const hb_token *t = &d->tokens.v[k];
                FZ_CHECK(t->vstart == at && t->vend > t->vstart && t->vend <= pa->vend);
                FZ_CHECK(t->type <= HB_TOK_OTHER);
                FZ_CHECK(hb_utf8_valid(d->view + t->vstart, t->vend - t->vstart));
                at = t->vend;
            }
            FZ_CHECK(at == pa->vend);
        }
        FZ_CHECK(k == d->tokens.n && d->sentences >= 0);
        /* from any character start (of the first 4 KiB: each call may scan
         * to the end of a run), with either quote state */
        for (size_t i = 0; i < d->view_len && i < 4096; i++) {
            if (((unsigned char)d->view[i] & 0xC0) == 0x80)
                continue;
            int type, sub;
            size_t n = hb_token_at(d->view + i, d->view_len - i, (int)(i & 1), &type, &sub);
            FZ_CHECK(n > 0 && n <= d->view_len - i && type >= 0 && type <= HB_TOK_OTHER);
            FZ_CHECK(hb_token_type_name(type) != NULL);
        }
    }
    hb_report_free(d);
    return 0;
}
