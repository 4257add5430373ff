/* Fuzz target: the typed token stream and sentence count.  Each
 * paragraph's tokens must tile it and agree with what the stage counted,
 * marked and kept for metrics (where the number tokens start); hb_token_at
 * must make progress anywhere in the view. */
#include "fuzz.h"
#include "tokens.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    hb_doc *d = fz_doc(&in, "tokens");
    if (!d)
        return 0;
    if (d->view) {
        hb_token_vec tok = {0};
        int sentences = 0;
        size_t text_tokens = 0, starts = 0;
        for (size_t p = 0; p < d->paras.n; p++) {
            const hb_para *pa = &d->paras.v[p];
            size_t at = pa->vstart, numbers = 0;
            tok.n = 0;
            FZ_CHECK(hb_tokens_para(d, p, &tok, &sentences));
            for (size_t k = 0; k < tok.n; k++) {
                const hb_token *t = &tok.v[k];
                FZ_CHECK(t->vstart == at && t->vend > t->vstart && t->vend <= pa->vend);
                FZ_CHECK(t->type <= HB_TOK_OTHER);
                FZ_CHECK(hb_utf8_valid(d->view + t->vstart, t->vend - t->vstart));
                text_tokens += t->type != HB_TOK_SPACE;
                if (hb_token_is_number(t)) {
                    FZ_CHECK(starts < d->number_starts.n && d->number_starts.v[starts] == t->vstart);
                    numbers++, starts++;
                }
                at = t->vend;
            }
            FZ_CHECK(at == pa->vend && !numbers == !pa->numbers);
        }
        /* the stage counted the same stream */
        FZ_CHECK(sentences == d->sentences && text_tokens == d->text_tokens && starts == d->number_starts.n);
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
