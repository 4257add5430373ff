#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

char *hb_strbuf_reserve(hb_strbuf *b, size_t n)
{
    if (b->failed)
        return NULL;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->n + n + 1 > cap)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->failed = 1;
            return NULL;
        }
        b->s = ns;
        b->cap = cap;
    }
    return b->s + b->n;
}

void hb_strbuf_add(hb_strbuf *b, const char *s, size_t n)
{
    char *w = hb_strbuf_reserve(b, n);
    if (!w)
        return;
    memcpy(w, s, n);
    b->n += n;
}

char *hb_strbuf_take(hb_strbuf *b)
{
    if (!b->failed)
        hb_strbuf_add(b, "", 0);
    if (!b->failed)
        b->s[b->n] = '\0'; /* appenders leave the terminator out */
    if (b->failed) {
        free(b->s);
        b->s = NULL;
    }
    return b->s;
}
