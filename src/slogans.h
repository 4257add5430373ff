/* Slogans: quoted terms, known formulations (dict/slogans.txt, matched
 * quoted or not with one Aho–Corasick automaton) and discovered numeric
 * formulations (dict/slogan_patterns.txt, known: false), counted per report.
 *
 * Quoted terms: the content of every “…” 「…」 『…』 ‘…’ "…" pair (quotes.h),
 * spaces trimmed, kept as written (masks, ＋).  Quotes inside a title or
 * inside another quote are terms too (《履行“一岗双责”承诺书》, “深化‘两个
 * 确立’学习研讨月” gives both terms).  A quotation of more than 40
 * characters, or one holding 。！？；： or …, is a quotation, not a term: it
 * is not reported nor covered, but the terms quoted inside it and the known
 * formulations in it still count.  `count` is every occurrence, `quoted` the
 * quoted ones; an occurrence is a quoted term, or a dictionary or pattern
 * match that is not exactly a quoted term's content.
 *
 * Coverage for later stages: after hb_slogans_run() the report holds a
 * sorted list of disjoint view ranges that are names, not measurements:
 * every quoted term with its marks, every known formulation and discovered
 * numeric formulation matched without quotes (三会一课, 四个意识,
 * 双报到双报告双考核) and every outermost 《》 title with its marks.  A number
 * inside one of them (四个意识, “不足3人党支部”, 《…2023年…》) is part of a
 * name, so the metrics stage skips it: hb_in_quote_or_title() answers for one
 * view position and hb_slogan_covered() for a range, each by a binary search
 * (in a report of 16 KiB or more, of the ranges starting in the position's
 * bucket of 256 view bytes).
 * Both return 0 before the slogans stage has run. */
#ifndef HB_SLOGANS_H
#define HB_SLOGANS_H

#include <stddef.h>

#include "doc.h"
#include "units.h"

typedef struct {
    size_t start, end;  /* view range [start, end) */
} hb_vrange;

/* 1 when view position vpos lies inside a covered range (see above). */
int hb_in_quote_or_title(const hb_doc *d, size_t vpos);

/* 1 when the view range [vs, ve) overlaps a covered range. */
int hb_slogan_covered(const hb_doc *d, size_t vs, size_t ve);

/* The covered ranges themselves, sorted and disjoint; *n receives their number. */
const hb_vrange *hb_slogan_ranges(const hb_doc *d, size_t *n);

/* The report's terms, slogans and quotations (hb_summary_add_report walks
 * them), and whether term i is one the JSON lists under "slogans": then its
 * view range (its text is hb_doc_orig of it) and count. */
size_t hb_slogan_terms(const hb_doc *d);
int hb_slogan_listed(const hb_doc *d, size_t i, size_t *vs, size_t *ve, int *count);

/* The formulation dictionary: a file of the dict/slogans.txt format
 * (term<TAB>category[<TAB>alias|alias…]) with every term and alias folded
 * into one Aho–Corasick automaton.  The stage loads dict/slogans.txt; the
 * benchmark loads larger lists through the same reader. */
struct hb_slogan_dict;

/* Reads name from the engine's dict folder and overlays; a category not in
 * cats (NULL: any) is an error.  Returns HB_OK and a new dictionary in *out
 * (free it with hb_slogan_dict_free), or an error naming the file and line. */
struct hb_engine;
hb_status hb_slogan_dict_read(const struct hb_engine *e, const char *name, const hb_wordlist *cats,
                              struct hb_slogan_dict **out, hb_error *err);
void hb_slogan_dict_free(struct hb_slogan_dict *sd);

/* Number of surfaces (terms and aliases). */
size_t hb_slogan_dict_size(const struct hb_slogan_dict *sd);

/* The entry whose folded surface is s[0..len), -1 when none. */
int hb_slogan_dict_find(const struct hb_slogan_dict *sd, const char *s, size_t len);

/* The category of entry i (its term's for an alias). */
const char *hb_slogan_dict_category(const struct hb_slogan_dict *sd, int i);
/* For an alias, its canonical term as written in the file; NULL for a term. */
const char *hb_slogan_dict_canonical(const struct hb_slogan_dict *sd, int i);

/* Calls fn(ctx, start, end, entry) for each leftmost-longest known surface
 * in the folded text s[0..len); one pass whatever the dictionary size.
 * Returns 0 when out of memory or stopped by fn. */
int hb_slogan_dict_scan(const struct hb_slogan_dict *sd, const char *s, size_t len,
                        int (*fn)(void *ctx, size_t start, size_t end, int entry), void *ctx);

#endif
