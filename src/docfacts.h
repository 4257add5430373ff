/* Document facts: title, addressee (称谓), signature, document type and
 * years.  Marks the title, addressee and signature paragraphs so later
 * stages read only the body. */
#ifndef HB_DOCFACTS_H
#define HB_DOCFACTS_H

#include "doc.h"

/* Returns 0 when out of memory. */
int hb_docfacts(hb_doc *d);

#endif
