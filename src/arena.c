/* Bump allocator behind every report. */
#include "arena.h"
#include "huibao.h"

#include <stdlib.h>
#include <string.h>

struct hb_arena_block {
    hb_arena_block *next;
    size_t used, size;
    int own; /* holds one allocation (a block of its own), as large as it */
    max_align_t data[];
};

/* The blocks the arena shares out; an allocation larger has a block of
 * its own, as has a growing vector from OWN_MIN bytes on (hb_vec_grow). */
enum { BLOCK_MIN = 64 * 1024, OWN_MIN = 16 * 1024 };

/* n rounded up to the alignment every piece of an arena keeps. */
static size_t aligned(size_t n)
{
    return (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
}

/* A block of its own holding size bytes (aligned); NULL when out of
 * memory.  It goes behind the head block, whose free tail stays usable. */
static void *own_take(hb_arena *a, size_t size)
{
    hb_arena_block *b = malloc(sizeof *b + size);
    if (!b)
        return NULL;
    b->size = b->used = size;
    b->own = 1;
    if (a->head) {
        b->next = a->head->next;
        a->head->next = b;
    } else {
        b->next = NULL;
        a->head = b;
    }
    return b->data;
}

/* size bytes from the arena, as they were left: hb_arena_alloc clears
 * them, a growing vector only copies into them (it never reads past its
 * elements), so its spare room is never touched. */
void *hb_arena_take(hb_arena *a, size_t size)
{
    size = aligned(size);
    if (size == 0)
        size = sizeof(max_align_t);
    hb_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        if (size > BLOCK_MIN)
            return own_take(a, size);
        b = malloc(sizeof *b + BLOCK_MIN);
        if (!b)
            return NULL;
        b->size = BLOCK_MIN;
        b->used = 0;
        b->own = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

void *hb_arena_alloc(hb_arena *a, size_t size)
{
    void *p = hb_arena_take(a, size);
    if (p)
        memset(p, 0, size);
    return p;
}

char *hb_arena_strndup(hb_arena *a, const char *s, size_t len)
{
    char *p = hb_arena_take(a, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

/* The link to the block of its own whose data is v; NULL: v has none (a
 * shared block's data may start with it and hold others). */
static hb_arena_block **own_block(hb_arena *a, const void *v)
{
    hb_arena_block **link = &a->head;
    while (*link && ((const void *)(*link)->data != v || !(*link)->own))
        link = &(*link)->next;
    return *link ? link : NULL;
}

void hb_arena_free(hb_arena *a, void *p)
{
    hb_arena_block **link = p ? own_block(a, p) : NULL;
    if (link) {
        hb_arena_block *b = *link;
        *link = b->next;
        free(b);
    }
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

/* A vector with a block of its own grows by realloc of its block, so
 * doubling a large array does not leave each smaller copy behind in the
 * arena: the heap takes them back.  Returns 1 when grown, 0 when out of
 * memory, -1 when v has no block of its own. */
static int grow_own_block(hb_arena *a, void **v, size_t bytes)
{
    hb_arena_block **link = own_block(a, *v);
    if (!link)
        return -1;
    hb_arena_block *b = realloc(*link, sizeof *b + bytes);
    if (!b)
        return 0;
    /* the room past the elements is left untouched (no memset): a vector
     * never reads it, and pages never written cost no memory */
    b->size = b->used = bytes;
    *link = b;
    *v = b->data;
    return 1;
}

/* Grows in place a vector of `had` bytes (rounded as hb_arena_take
 * rounds them) to `bytes` when it is the head block's last allocation and
 * the block has the room: a vector filled while nothing else is taken
 * leaves no smaller copies behind (each was a page more to touch). */
static int grow_at_end(hb_arena *a, void *v, size_t had, size_t bytes)
{
    hb_arena_block *b = a->head;
    if (!b || (char *)v + had != (char *)b->data + b->used || b->size - b->used < bytes - had)
        return 0;
    b->used += bytes - had;
    return 1;
}

/* A vector of more than OWN_MIN bytes moves to a block of its own: the
 * copies a vector leaves behind as it doubles in the shared blocks were
 * up to twice its size in the arena until its release, and a large
 * report's vectors that passed 64 KiB each left 128 (a 4 MB report: 1.5
 * MiB, ahead of its output's, a huge page more to clear). */
int hb_vec_grow(hb_arena *a, void **v, size_t *cap, size_t n, size_t elem)
{
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap > ((size_t)-1) / elem / 2)
        return 0;
    size_t bytes = aligned(ncap * elem);
    size_t had = aligned(*cap * elem);
    int own = had > OWN_MIN ? grow_own_block(a, v, bytes) : -1;
    if (own == 0)
        return 0;
    if (own == 1 || (*cap && bytes <= OWN_MIN && grow_at_end(a, *v, had, bytes))) {
        *cap = ncap;
        return 1;
    }
    void *nv = bytes > OWN_MIN ? own_take(a, bytes) : hb_arena_take(a, bytes);
    if (!nv)
        return 0;
    if (n)
        memcpy(nv, *v, n * elem);
    *v = nv;
    *cap = ncap;
    return 1;
}

int hb_heap_grow(void **v, size_t *cap, size_t n, size_t first, size_t elem)
{
    if (n < *cap)
        return 1;
    size_t ncap = *cap ? *cap * 2 : first;
    if (ncap > ((size_t)-1) / elem)
        return 0;
    void *nv = realloc(*v, ncap * elem);
    if (!nv)
        return 0;
    *v = nv;
    *cap = ncap;
    return 1;
}

void hb_vec_shrink(hb_arena *a, void **v, size_t *cap, size_t n, size_t elem)
{
    size_t bytes = aligned(n * elem);
    if (*cap * elem <= OWN_MIN || bytes >= *cap * elem)
        return;
    hb_arena_block **link = own_block(a, *v);
    hb_arena_block *b = link ? realloc(*link, sizeof *b + bytes) : NULL;
    if (!b)
        return; /* kept as it was */
    b->size = b->used = bytes;
    *link = b;
    *v = b->data;
    *cap = bytes / elem;
}

/* The public pool (huibao.h) is an arena behind an opaque name. */
struct hb_pool {
    hb_arena arena;
};

hb_pool *hb_pool_new(void)
{
    return calloc(1, sizeof(hb_pool));
}

void *hb_pool_alloc(hb_pool *pool, size_t size)
{
    return hb_arena_take(&pool->arena, size);
}

void hb_pool_free(hb_pool *pool)
{
    if (pool) {
        hb_arena_release(&pool->arena);
        free(pool);
    }
}
