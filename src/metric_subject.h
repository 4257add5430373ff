/* What a metric counts: the noun phrase next to its number, found by
 * segmenting a short window with the engine's lexicon and walking its words
 * by part of speech.  Words of dict/metric_verbs.txt never belong to it;
 * quoted and bracketed groups (“最强党支部”, 专（兼）职) are kept whole. */
#ifndef HB_METRIC_SUBJECT_H
#define HB_METRIC_SUBJECT_H

#include <stddef.h>

#include "doc.h"

/* What the walks ask about a word by its bytes alone (its lexicon tag,
 * whether the verb and noun lists hold it), kept for the metrics of a
 * long report or of a group of reports (extract.h's hb_group): the words
 * next to numbers repeat through a long report, and from one report to the
 * next.  It holds the words' bytes, not pointers into a report, so it may
 * outlive the report that asked first.  hb_subject_memo_new gives NULL
 * when out of memory.  The walks take NULL too: every word is then looked
 * up. */
typedef struct hb_subject_memo hb_subject_memo;
hb_subject_memo *hb_subject_memo_new(void);
void hb_subject_memo_free(hb_subject_memo *m);

/* The noun phrase starting at view position `from` and ending before `to`
 * (4个机关事业单位党支部荣获… → 机关事业单位党支部).  Sets [*ss, *se), empty
 * when there is none.  Returns 0 when out of memory. */
int hb_subject_after(const hb_doc *d, hb_subject_memo *memo, size_t from, size_t to, size_t *ss, size_t *se);

/* The noun phrase ending at `to`, after `from`, with the verbs before it
 * dropped (开展研讨交流6次 → 研讨交流).  The word right before `to` is taken
 * when it is a verbal noun, even one the verb list holds (开展培训3期 → 培训).  Returns 0 when out
 * of memory. */
int hb_subject_before(const hb_doc *d, hb_subject_memo *memo, size_t from, size_t to, size_t *ss, size_t *se);

#endif
