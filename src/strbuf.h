/* A growing string for the outputs, NUL-terminated when taken.  A failed allocation
 * sticks, so a writer appends freely and checks once at the end. */
#ifndef HB_STRBUF_H
#define HB_STRBUF_H

#include <stddef.h>

typedef struct {
    char *s;
    size_t n, cap;
    int failed;
} hb_strbuf;

void hb_strbuf_add(hb_strbuf *b, const char *s, size_t n);
/* Room for n more bytes (and the terminator) at the end: the caller writes
 * there and adds what it wrote to b->n.  NULL after a failure. */
char *hb_strbuf_reserve(hb_strbuf *b, size_t n);
/* The string (terminated here), which the caller frees; NULL (and nothing to free) after a
 * failure. */
char *hb_strbuf_take(hb_strbuf *b);

#endif
