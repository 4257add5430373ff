/* Document facts: title, addressee (称谓), signature, document type and
 * years.  Marks the title, addressee and signature paragraphs so later
 * stages read only the body. */
#ifndef HB_DOCFACTS_H
#define HB_DOCFACTS_H

#include "doc.h"

/* Title, addressee, signature, doc_type, years.  HB_ERR_NOMEM when out of memory. */
hb_status hb_docfacts_run(hb_doc *d);

#endif
