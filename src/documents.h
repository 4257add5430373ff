/* Documents: the outermost 《》 titles of a report, counted, with the kind of
 * document read from the title's ending (dict/doc_kinds.txt) and the titles
 * nested inside them recorded as cited.  A title longer than
 * HB_TITLE_MAX_CHARS is taken for a runaway mark and left out, with a
 * warning. */
#ifndef HB_DOCUMENTS_H
#define HB_DOCUMENTS_H

#include "doc.h"

enum { HB_TITLE_MAX_CHARS = 100 };

typedef struct {
    size_t vs, ve;      /* the title (marks excluded) at its first occurrence */
    size_t quote;       /* that occurrence's index in hb_quotes() */
    int count;
    const char *kind;   /* owned by the engine */
} hb_document;

struct hb_documents_result {
    HB_VEC(hb_document) docs;   /* in order of first occurrence */
};

#endif
