/* The engine's notes; creating and freeing the engine walks the stage table
 * (pipeline.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

void hb_engine_note(struct hb_engine *e, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t old = e->notes ? strlen(e->notes) : 0, add = strlen(line);
    char *nn = realloc(e->notes, old + add + 2);
    if (!nn)
        return;
    memcpy(nn + old, line, add);
    nn[old + add] = '\n';
    nn[old + add + 1] = '\0';
    e->notes = nn;
}

const char *hb_engine_notes(const hb_engine *e)
{
    return e ? e->notes : NULL;
}
