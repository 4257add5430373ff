/* Script: a report written in traditional characters is converted to
 * simplified ones (OpenCC, dict/script.txt) before any rule reads it, so
 * every dictionary applies unchanged.  Only the folded text changes; its map
 * still points each character at the one written in the input. */
#ifndef HB_SCRIPT_H
#define HB_SCRIPT_H

#include "doc.h"

struct hb_engine;
struct hb_script_rules;
hb_status hb_script_load(struct hb_engine *e, hb_error *err);
void hb_script_rules_free(struct hb_script_rules *r);

/* Converts d->fold in place (a new buffer and map in the arena) when the
 * text holds enough traditional-only characters; warns `traditional-script`.
 * Returns 0 when out of memory. */
int hb_script(hb_doc *d);

#endif
