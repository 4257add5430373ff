/* Fuzz target: metrics — numerals, units, bounds, ranges, masks, subjects
 * and categories — after the stages that come before them. */
#include <math.h>

#include "fuzz.h"
#include "metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    hb_doc *d = fz_doc(&in, "metrics");
    if (!d)
        return 0;
    if (d->view) {
        const struct hb_metrics_result *r = d->metrics;
        for (size_t i = 0; i < r->list.n; i++) {
            const hb_metric *m = &r->list.v[i];
            FZ_CHECK(m->vstart < m->vend && m->vend <= d->view_len);
            FZ_CHECK(m->tstart <= m->vstart && m->tend <= d->view_len && m->sstart <= m->send &&
                     m->send <= d->view_len);
            FZ_CHECK(m->unit && *m->unit && hb_utf8_valid(m->unit, strlen(m->unit)) && m->norm_unit);
            if (m->masked)
                FZ_CHECK(isnan(m->value) && isnan(m->value_max));
            if (!isnan(m->value))
                FZ_CHECK(fabs(m->value) <= 9007199254740992.0); /* signed: -6.4% */
            if (!isnan(m->value_max))
                FZ_CHECK(!isnan(m->value) && m->value_max >= m->value);
            FZ_CHECK(!m->approx_word || m->approx);
            if (i > 0)
                FZ_CHECK(r->list.v[i - 1].vstart < m->vstart); /* in document order */
        }
    }
    hb_report_free(d);
    return 0;
}
