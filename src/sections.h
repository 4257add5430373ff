/* Sections: headings recognised at paragraph starts, nested by what appears
 * (keeping the GB/T level), their kinds from dict/section_kinds.txt, inline
 * enumerations as items, and numbering warnings. */
#ifndef HB_SECTIONS_H
#define HB_SECTIONS_H

#include "doc.h"

/* Fills d->sections, d->items, paragraph sections and numbering warnings.
 * HB_ERR_NOMEM when out of memory. */
hb_status hb_sections_run(hb_doc *d);

/* The kind named by cue words in s[0..len) of the view, HB_KIND_OTHER if
 * none: the cue found earliest wins (存在的主要问题及原因 → problems). */
int hb_section_kind_of(const hb_doc *d, const char *s, size_t len);

/* Every kind named anywhere in s[0..len): bit (1u << kind) per kind
 * (存在的问题及原因 → problems and causes). */
unsigned hb_section_kinds_in(const hb_doc *d, const char *s, size_t len);

const char *hb_kind_name(int kind);

#endif
