/* Fuzz target: document facts (title, addressee, signature, years),
 * heading and item markers, the section tree, items and numbering
 * warnings. */
#include "fuzz.h"
#include "markers.h"

static void check_markers(const hb_doc *d, const char *s, size_t len)
{
    hb_marker m;
    int fam, num;
    size_t ml;
    if (hb_heading_marker(&d->engine->counts_on, s, len, &m))
        FZ_CHECK(m.len > 0 && m.len < len && m.number > 0 && m.level >= 1 && m.level <= 4);
    if (hb_item_marker(s, len, &fam, &num, &ml))
        FZ_CHECK(ml > 0 && ml <= len && num > 0);
    if (len <= 9)
        FZ_CHECK(hb_small_cn_number(s, len) <= 99);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    hb_doc *d = fz_doc(&in, "sections");
    if (!d)
        return 0;
    if (d->view) {
        for (size_t i = 0; i < d->view_len && i < 4096; i++)
            if (((unsigned char)d->view[i] & 0xC0) != 0x80)
                check_markers(d, d->view + i, d->view_len - i);
        for (size_t i = 0; i < d->sections.n; i++) {
            const hb_section *s = &d->sections.v[i];
            FZ_CHECK(s->parent < (int)i && s->level >= 1 && s->level <= 4 && s->id[0]);
            FZ_CHECK(s->vstart <= s->tstart && s->tstart < s->tend && s->tend <= s->vend &&
                     s->vend <= d->view_len);
            FZ_CHECK(s->marker && s->kind >= HB_KIND_OTHER && s->kind <= HB_KIND_PLANS);
            if (s->parent >= 0)
                FZ_CHECK(d->sections.v[s->parent].rank < s->rank &&
                         d->sections.v[s->parent].vend >= s->vend);
        }
        for (size_t i = 0; i < d->items.n; i++) {
            const hb_item *it = &d->items.v[i];
            FZ_CHECK(it->section >= -1 && it->section < (int)d->sections.n && it->marker);
            FZ_CHECK(it->vstart <= it->tstart && it->tstart <= it->tend && it->tend <= it->vend &&
                     it->vend <= d->view_len);
        }
        for (size_t i = 0; i < d->paras.n; i++)
            FZ_CHECK(d->paras.v[i].section >= -1 && d->paras.v[i].section < (int)d->sections.n);
        FZ_CHECK(d->doc_type || d->sections.n == 0); /* NULL: no cue and no headings, printed unknown */
        if (d->sign_date)
            FZ_CHECK(strlen(d->sign_date) == 10);
        for (size_t i = 0; i < d->years.n; i++)
            FZ_CHECK(d->years.v[i] >= 1900 && d->years.v[i] <= 2099);
        for (size_t i = 0; i < d->warnings.n; i++)
            FZ_CHECK(d->warnings.v[i].code && d->warnings.v[i].message &&
                     hb_utf8_valid(d->warnings.v[i].message, strlen(d->warnings.v[i].message)));
    }
    hb_report_free(d);
    return 0;
}
