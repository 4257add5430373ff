/* Per-report memory: every allocation a report makes comes from its arena and
 * is released with it in one call, so no stage frees piecemeal. */
#ifndef HB_ARENA_H
#define HB_ARENA_H

#include <stddef.h>

typedef struct hb_arena_block hb_arena_block;

typedef struct {
    hb_arena_block *head;
} hb_arena;

/* Zeroed memory owned by the arena; NULL when out of memory. */
void *hb_arena_alloc(hb_arena *a, size_t size);
/* The same, not cleared: for an array its owner writes before it reads. */
void *hb_arena_take(hb_arena *a, size_t size);
/* A NUL-terminated copy of len bytes at s. */
char *hb_arena_strndup(hb_arena *a, const char *s, size_t len);
/* Gives back early an allocation with a block of its own (larger than 64
 * KiB, or a vector grown past 16 KiB: a text, a map or a vector a later
 * stage no longer reads); others stay until the release. */
void hb_arena_free(hb_arena *a, void *p);
void hb_arena_release(hb_arena *a);

/* A growable array in an arena: HB_VEC(type) name; hb_vec_push(arena, &name, value). */
#define HB_VEC(T) struct { T *v; size_t n, cap; }

/* Makes room for one more element; returns 0 when out of memory.  The
 * room past the n elements is not cleared: a vector never reads it. */
int hb_vec_grow(hb_arena *a, void **v, size_t *cap, size_t n, size_t elem);

/* Gives a complete vector's spare room back when it is large enough to have
 * a block of its own (doubling leaves up to half of it unused). */
void hb_vec_shrink(hb_arena *a, void **v, size_t *cap, size_t n, size_t elem);
#define hb_vec_trim(arena, vec) hb_vec_shrink((arena), (void **)&(vec)->v, &(vec)->cap, (vec)->n, sizeof *(vec)->v)

/* Room for one more of the n elements of a heap array (not an arena's):
 * doubled when full, from `first` elements; a realloc an element cost
 * the loaders thousands of instructions.  Returns 0 when out of memory,
 * the array kept. */
int hb_heap_grow(void **v, size_t *cap, size_t n, size_t first, size_t elem);

#define hb_vec_push(arena, vec, value)                                              \
    (((vec)->n < (vec)->cap ||                                                      \
      hb_vec_grow((arena), (void **)&(vec)->v, &(vec)->cap, (vec)->n, sizeof *(vec)->v)) \
         ? ((vec)->v[(vec)->n++] = (value), 1)                                      \
         : 0)

#endif
