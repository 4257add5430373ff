/* Metrics: every count a report states (开展研讨交流6次, **余人次, 3.5万人,
 * 百分之八十), read from the view as a number (numeral.h) followed by a
 * measure word of dict/units.txt, minus the ordinals, dates, names and
 * idioms of dict/metric_exclusions.txt and the numbers inside quoted terms,
 * known slogans and book titles (slogans.h).  Each metric carries what it
 * counts (its subject) and the clause fragment it was read from. */
#ifndef HB_METRICS_H
#define HB_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"

/* 96 bytes: a flattened statistical report has a metric for every 150
 * bytes or so.  The strings are shared: units are kept once per report
 * (hb_doc_keep; norm_unit is the tail of unit), words and categories are the engine's. */
typedef struct {
    double value, value_max;   /* as written, scale not applied; NAN: null */
    double norm_value;         /* value with every scale applied; NAN: null */
    double norm_max;           /* value_max likewise */
    const char *approx_word;   /* 余 多 近 约 以上 …; static, NULL when not approx */
    const char *unit;          /* folded, scale included: 万人, 人次, % */
    const char *norm_unit;     /* the unit without its scale: 人 */
    const char *category;      /* from dict/units.txt, refined by the subject; may be NULL */
    hb_off vstart, vend;       /* the metric in the view: approximation word to unit */
    hb_off tstart, tend;       /* the clause fragment it was read from */
    hb_off sstart, send;       /* what it counts; empty when nothing was found */
    int para;
    uint8_t masked, approx;
} hb_metric;

struct hb_metrics_result {
    HB_VEC(hb_metric) list;    /* in document order */
};

/* A metric's `target`: a goal rather than a result. */
int hb_metric_target(const hb_doc *d, const hb_metric *m);

#endif
