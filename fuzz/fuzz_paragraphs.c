/* Fuzz target: lines (layout regexes of dict/layout.txt) and paragraphs
 * (wrap detection, joining, the view and its map). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    hb_doc *d = fz_doc(&in, "furniture");
    if (!d)
        return 0;
    /* the lines, checked before the paragraphs stage gives them back */
    FZ_CHECK(d->nlines >= 1 && (size_t)d->nlines == d->lines.n);
    for (int i = 0; i < d->nlines; i++)
        FZ_CHECK(d->line_starts[i] < d->line_starts[i + 1] || d->line_starts[i] == d->len);
    FZ_CHECK(d->line_starts[d->nlines] == d->len);
    for (size_t i = 0; i < d->lines.n; i++) {
        const hb_line *l = &d->lines.v[i];
        FZ_CHECK(l->fstart <= l->fend && l->fend <= d->fold_len && l->width >= 0);
    }
    FZ_CHECK(hb_paragraphs_run(d) == HB_OK && !d->lines.n && !d->fold);
    if (d->view) {
        FZ_CHECK(hb_utf8_valid(d->view, d->view_len) && d->view[d->view_len] == '\0');
        fz_check_map(&d->vmap, d->view, d->view_len, d->text, d->len);
        size_t at = 0;
        for (size_t p = 0; p < d->paras.n; p++) {
            const hb_para *pa = &d->paras.v[p];
            FZ_CHECK(pa->vstart == at && pa->vstart < pa->vend && pa->vend < d->view_len);
            FZ_CHECK(d->view[pa->vend] == '\n' && !memchr(d->view + pa->vstart, '\n', pa->vend - pa->vstart));
            FZ_CHECK(pa->first_line >= 1 && pa->first_line <= pa->last_line && pa->last_line <= d->nlines);
            FZ_CHECK(hb_doc_vline(d, pa->vstart) == pa->first_line);
            at = pa->vend + 1;
        }
        FZ_CHECK(at == d->view_len);
    }
    hb_report_free(d);
    return 0;
}
