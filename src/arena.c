/* Bump allocator behind every report. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct hb_arena_block {
    hb_arena_block *next;
    size_t used, size;
    max_align_t data[];
};

enum { BLOCK_MIN = 64 * 1024 };

void *hb_arena_alloc(hb_arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (size == 0)
        size = sizeof(max_align_t);
    hb_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t want = size > BLOCK_MIN ? size : BLOCK_MIN;
        b = malloc(sizeof *b + want);
        if (!b)
            return NULL;
        b->size = want;
        b->used = 0;
        /* An oversized block goes behind the current one so the current
         * block's free tail stays usable. */
        if (a->head && want > BLOCK_MIN) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *hb_arena_strndup(hb_arena *a, const char *s, size_t len)
{
    char *p = hb_arena_alloc(a, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

void hb_arena_release(hb_arena *a)
{
    hb_arena_block *b = a->head;
    while (b) {
        hb_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

int hb_vec_grow(hb_arena *a, void **v, size_t *cap, size_t n, size_t elem)
{
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap > ((size_t)-1) / elem)
        return 0;
    void *nv = hb_arena_alloc(a, ncap * elem);
    if (!nv)
        return 0;
    if (n)
        memcpy(nv, *v, n * elem);
    *v = nv;
    *cap = ncap;
    return 1;
}
