#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

void hb_strbuf_add(hb_strbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->n + n + 1 > cap)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->failed = 1;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

char *hb_strbuf_take(hb_strbuf *b)
{
    if (!b->failed)
        hb_strbuf_add(b, "", 0); /* the terminator, which fast appenders leave out */
    if (b->failed) {
        free(b->s);
        b->s = NULL;
    }
    return b->s;
}
