/* Heading markers (一、 （一） 1. （1） ① 第一部分) and inline item markers
 * (一是 第一， 一方面 另一方面, ① inside a paragraph) recognised at a
 * position of the folded view.  Shared by paragraph joining (a marker
 * starts a paragraph) and sections. */
#ifndef HB_MARKERS_H
#define HB_MARKERS_H

#include <stddef.h>
#include <string.h>

#include "chars.h"
#include "units.h"

enum hb_marker_style {
    HB_MS_PART = 1, /* 第一部分 第一章 */
    HB_MS_CN,       /* 一、 */
    HB_MS_PCN,      /* （一） (一) */
    HB_MS_NUM,      /* 1. 1、 １． */
    HB_MS_PNUM,     /* （1） (1) */
    HB_MS_NUMP,     /* 1） 1) */
    HB_MS_CIRCLED   /* ① */
};

typedef struct {
    int style;   /* enum hb_marker_style */
    int rank;    /* nesting order: part 0, 一、 1, （一） 2, 1. 3, （1） 4, 1) 4, ① 5 */
    int level;   /* GB/T 9704 level 1..4 */
    int number;
    size_t len;  /* bytes of the marker in the view, trailing separator included */
} hb_marker;

/* ① … ⑳: a heading marker at a paragraph start, an item marker inside one. */
static inline int hb_is_circled(int cp)
{
    return cp >= 0x2460 && cp <= 0x2473;
}

/* Whether the three-byte character at u may be a Chinese numeral (the
 * filter of chars.h on its last two bytes' six bits) or is 第. */
static inline int hb_numeral_or_di(const unsigned char *u)
{
    return hb_cn_numeral_may(u[2] & 63u, u[1] & 63u) || (u[0] == 0xE7 && u[1] == 0xAC && u[2] == 0xAC);
}

/* Whether a heading marker may start at s: its first character is a digit,
 * (, ① (lead byte E2), 🔟 (F0), 第 or maybe a numeral.  Paragraphs ask at
 * every sentence start and at every character of a glued title, most of
 * them a Han character of no marker: inline, so that those cost no call. */
static inline int hb_heading_may_start(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80)
        return u[0] == '(' || (u[0] >= '0' && u[0] <= '9');
    return len >= 3 && (u[0] == 0xE2 || u[0] == 0xF0 || ((u[0] & 0xF0) == 0xE0 && hb_numeral_or_di(u)));
}

/* hb_heading_marker past its first test (out of line, so that the texts
 * turned away pay no saving of the registers it uses). */
int hb_heading_marker_past(const hb_wordlist *counts, const char *s, size_t len, hb_marker *m);

/* A heading marker at s[0..len)?  Requires some text after it.  counts:
 * the engine's counts_on words (dict/marker_words.txt). */
static inline int hb_heading_marker(const hb_wordlist *counts, const char *s, size_t len, hb_marker *m)
{
    return len && hb_heading_may_start(s, len) && hb_heading_marker_past(counts, s, len, m);
}

/* The marker words of dict/marker_words.txt into the engine, shared by
 * paragraphs, docfacts, tokens and sections.  Loaded before the stages. */
struct hb_engine;
hb_status hb_markers_load(struct hb_engine *e, hb_error *err);
void hb_markers_unload(struct hb_engine *e);

enum hb_item_family { HB_IF_SHI = 1, HB_IF_DI, HB_IF_FANGMIAN, HB_IF_QI, HB_IF_CIRCLED };

/* hb_item_marker past its first test, out of line as hb_heading_marker_past. */
int hb_item_marker_past(const char *s, size_t len, int *family, int *number, size_t *mlen);

/* An inline item marker at s[0..len)?  Fills family, number and marker length
 * (separator such as "，" included).  Its first test inline: ①, or 另, 第,
 * 其 or a numeral first (sections ask at every clause start). */
static inline int hb_item_marker(const char *s, size_t len, int *family, int *number, size_t *mlen)
{
    const unsigned char *u = (const unsigned char *)s;
    return len >= 3 && (u[0] & 0xF0) == 0xE0 &&
           (u[0] == 0xE2 || hb_numeral_or_di(u) || !memcmp(u, "另", 3) || !memcmp(u, "其", 3)) &&
           hb_item_marker_past(s, len, family, number, mlen);
}

/* Value of a small Chinese numeral (一 … 九十九) spanning s[0..len) exactly; -1 if not one. */
int hb_small_cn_number(const char *s, size_t len);

#endif
