/* Lists: what a report says it achieved, what is wrong, why, and what it
 * will do (achievements, problems, causes, plans), each found under a
 * heading, introduced inline by a cue from dict/list_cues.txt, or implied by
 * the document's type and layout. */
#ifndef HB_LISTS_H
#define HB_LISTS_H

#include "doc.h"

enum hb_found { HB_FOUND_NONE, HB_FOUND_HEADING, HB_FOUND_INLINE, HB_FOUND_IMPLICIT };

typedef struct {
    size_t vstart, vend;   /* the whole item in the view, marker included */
    size_t tstart, tend;   /* its text: after the marker */
    size_t title_end;      /* its title: tstart..title_end (up to the first 。) */
    const char *marker;    /* as written, NULL when the item has none */
    int section;           /* index of the section holding it, -1: none */
} hb_list_item;

typedef struct {
    int found;             /* enum hb_found */
    int section;           /* heading section, or the section of an inline cue; -1: none */
    size_t vstart;         /* where it begins: its heading, or its cue's paragraph */
    HB_VEC(hb_list_item) items;
} hb_list;

struct hb_lists_result {
    hb_list list[HB_KIND_PLANS + 1];  /* indexed by enum hb_kind; [HB_KIND_OTHER] unused */
    /* written by the required stage (required.c), which runs after lists */
    const char *profile;              /* required-section profile name, NULL: none applies */
    unsigned missing, inline_only;    /* bit (1u << kind) per required kind */
};

#endif
