/* Quotations and titles: one linear scan of each paragraph's tokens pairs
 * the quotation marks “…” 「…」 『…』 ‘…’ "…" and the title marks 《…》
 * (with 〈…〉 and <…> recognised inside a 《》 title) on one stack per
 * paragraph.  Marks nest (an inner quote stays inside the outer term, an
 * inner title inside the outer title); a closing mark pairs with the nearest
 * open mark of its own family, and the opens it skips are unbalanced.  An
 * open mark spans no more than one paragraph break: a mark opened near the
 * end of a paragraph that ends in no 。！？ pairs with a closing mark near
 * the start of the next one (a web copy that broke a title or a quotation
 * over two lines: the term is the joined text, its span covers both lines);
 * whatever is still open then is dropped with an "unbalanced-mark" warning,
 * so a missing closing mark never swallows the rest of the text.  At most HB_QUOTE_MAX_DEPTH
 * marks stay open: one more drops the oldest, the likeliest to have lost its
 * partner, so a run of unclosed marks cannot stop later pairs from matching.
 * One warning per paragraph, at most 50 per report plus a summary.
 *
 * The spans are computed once per report, on first use, and shared by the
 * documents, slogans and metrics stages.  They are sorted by start. */
#ifndef HB_QUOTES_H
#define HB_QUOTES_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"

enum { HB_QUOTE_MAX_DEPTH = 8 };

enum hb_quote_kind {
    HB_Q_QUOTE,       /* “…” 「…」 『…』 ‘…’ "…" */
    HB_Q_TITLE,       /* 《…》 */
    HB_Q_INNER_TITLE  /* 〈…〉 or <…> inside a 《》 title */
};

typedef struct {
    uint32_t ostart, oend;  /* view range including the marks */
    uint32_t vstart, vend;  /* the content between the marks */
    uint8_t kind;           /* enum hb_quote_kind */
    uint8_t depth;          /* 0: not inside any other span */
    int32_t parent;         /* index of the enclosing span, -1: none */
    int32_t para;           /* paragraph of the opening mark */
} hb_quote;

/* The end of the paragraph holding q's closing mark (q may span a break). */
size_t hb_quote_para_end(const hb_doc *d, const hb_quote *q);

/* The content of q as one line: the view bytes, or (when q spans a
 * paragraph break) an arena copy without the break.  *len receives its
 * length; NULL when out of memory. */
const char *hb_quote_text(hb_doc *d, size_t vs, size_t ve, size_t *len);

typedef struct {
    const hb_quote *v;
    size_t n;
} hb_quote_list;

/* Fills *out with the paired quotation and title spans of the report,
 * sorted by ostart (a parent before its children; empty pairs are left
 * out).  Computed on the first call, which also adds the warnings for
 * unbalanced marks.  Returns 0 when out of memory. */
int hb_quotes(hb_doc *d, hb_quote_list *out);

/* 1 when span i of the list lies inside a span of the given kind. */
int hb_quote_inside(const hb_quote_list *q, size_t i, int kind);

#endif
