/* Aho–Corasick over bytes (see aho.h).  While patterns are added the trie
 * keeps its children in sibling lists; hb_ac_build() computes the failure
 * and output links and then the full transition table over byte classes
 * (bytes that occur in no pattern share class 0), so the scan makes exactly
 * one table lookup per text byte, never a failure walk.  A table that would
 * exceed MAX_TABLE falls back to sorted edges and failure links. */
#include "aho.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t fail;    /* longest proper suffix that is a trie node */
    uint32_t out;     /* nearest node on the fail chain that ends a pattern, 0: none */
    uint32_t edge0;   /* first edge (after build) */
    uint32_t child;   /* first child (while adding) */
    uint32_t next;    /* next sibling (while adding) */
    uint16_t nedges;
    uint16_t depth;   /* bytes from the root */
    uint8_t byte;     /* label of the edge into this node */
    int32_t value;    /* -1: no pattern ends here */
} ac_node;

enum { MAX_TABLE = 64 << 20 };  /* bytes */

struct hb_ac {
    ac_node *n;
    size_t nn, cap;
    uint8_t *ebyte;   /* edges, grouped by node and sorted by byte */
    uint32_t *eto;
    uint32_t root[256];
    uint8_t cls[256]; /* byte -> class, 0: in no pattern */
    size_t ncls;
    uint32_t *delta;  /* state * ncls + class -> state; NULL: too large, walk the links */
    uint32_t *first;  /* state -> first node on its output chain, 0: none */
    size_t patterns;
    size_t maxlen;
    int built;
};

static uint32_t new_node(hb_ac *ac, uint8_t byte, uint16_t depth)
{
    if (ac->nn == ac->cap) {
        size_t cap = ac->cap ? ac->cap * 2 : 1024;
        ac_node *n = realloc(ac->n, cap * sizeof *n);
        if (!n)
            return 0;
        ac->n = n;
        ac->cap = cap;
    }
    ac_node *x = &ac->n[ac->nn];
    memset(x, 0, sizeof *x);
    x->byte = byte;
    x->depth = depth;
    x->value = -1;
    return (uint32_t)ac->nn++;
}

hb_ac *hb_ac_new(void)
{
    hb_ac *ac = calloc(1, sizeof *ac);
    if (ac && (new_node(ac, 0, 0) != 0 || ac->nn != 1)) {
        hb_ac_free(ac);
        return NULL;
    }
    return ac;
}

void hb_ac_free(hb_ac *ac)
{
    if (!ac)
        return;
    free(ac->n);
    free(ac->ebyte);
    free(ac->eto);
    free(ac->delta);
    free(ac->first);
    free(ac);
}

size_t hb_ac_count(const hb_ac *ac)
{
    return ac->patterns;
}

int hb_ac_add(hb_ac *ac, const char *s, size_t len, int value)
{
    if (ac->built || len == 0 || len > UINT16_MAX || memchr(s, '\n', len))
        return 0;
    uint32_t cur = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = (uint8_t)s[i];
        uint32_t c = ac->n[cur].child;
        while (c && ac->n[c].byte != b)
            c = ac->n[c].next;
        if (!c) {
            c = new_node(ac, b, (uint16_t)(i + 1));
            if (!c)
                return 0;
            ac->n[c].next = ac->n[cur].child;
            ac->n[cur].child = c;
        }
        cur = c;
    }
    if (ac->n[cur].value < 0) {
        ac->n[cur].value = value;
        ac->patterns++;
        if (len > ac->maxlen)
            ac->maxlen = len;
    }
    return 1;
}

static uint32_t child_of(const hb_ac *ac, uint32_t s, uint8_t b)
{
    if (s == 0)
        return ac->root[b];
    uint32_t lo = ac->n[s].edge0, hi = lo + ac->n[s].nedges;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (ac->ebyte[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ac->n[s].edge0 + ac->n[s].nedges && ac->ebyte[lo] == b ? ac->eto[lo] : 0;
}

static int by_label(const void *a, const void *b, void *nodes)
{
    const ac_node *n = nodes;
    return (int)n[*(const uint32_t *)a].byte - (int)n[*(const uint32_t *)b].byte;
}

int hb_ac_build(hb_ac *ac)
{
    if (ac->built)
        return 1;
    size_t ne = ac->nn - 1;
    ac->ebyte = malloc(ne ? ne : 1);
    ac->eto = malloc((ne ? ne : 1) * sizeof *ac->eto);
    uint32_t *queue = malloc(ac->nn * sizeof *queue);
    if (!ac->ebyte || !ac->eto || !queue) {
        free(queue);
        return 0;
    }
    /* Breadth-first: edges of each node laid out together and sorted, and
     * the failure link of a node computed from its parent's. */
    size_t head = 0, tail = 0, e = 0;
    queue[tail++] = 0;
    while (head < tail) {
        uint32_t s = queue[head++];
        ac_node *x = &ac->n[s];
        x->edge0 = (uint32_t)e;
        for (uint32_t c = x->child; c; c = ac->n[c].next)
            ac->eto[e++] = c;
        x->nedges = (uint16_t)(e - x->edge0);
        if (x->nedges > 1) /* eto is NULL in an automaton without words */
            qsort_r(ac->eto + x->edge0, x->nedges, sizeof *ac->eto, by_label, ac->n);
        for (uint32_t k = x->edge0; k < e; k++) {
            uint32_t c = ac->eto[k];
            uint8_t b = ac->n[c].byte;
            ac->ebyte[k] = b;
            if (s == 0) {
                ac->root[b] = c;
                ac->n[c].fail = 0;
            } else {
                uint32_t f = x->fail;
                uint32_t t;
                while ((t = child_of(ac, f, b)) == 0 && f != 0)
                    f = ac->n[f].fail;
                ac->n[c].fail = t;
            }
            uint32_t f = ac->n[c].fail;
            ac->n[c].out = ac->n[f].value >= 0 ? f : ac->n[f].out;
            queue[tail++] = c;
        }
    }
    /* byte classes, output chains, then the table in breadth-first order:
     * a missing edge goes where the failure state's edge goes */
    for (size_t i = 1; i < ac->nn; i++)
        if (!ac->cls[ac->n[i].byte])
            ac->cls[ac->n[i].byte] = (uint8_t)++ac->ncls;
    ac->ncls++;
    if (!(ac->first = malloc(ac->nn * sizeof *ac->first))) {
        free(queue);
        return 0;
    }
    for (size_t i = 0; i < ac->nn; i++)
        ac->first[i] = ac->n[i].value >= 0 ? (uint32_t)i : ac->n[i].out;
    if (ac->nn * ac->ncls * sizeof *ac->delta <= MAX_TABLE &&
        (ac->delta = calloc(ac->nn * ac->ncls, sizeof *ac->delta))) {
        for (size_t q = 0; q < tail; q++) {
            uint32_t s = queue[q];
            uint32_t *row = ac->delta + (size_t)s * ac->ncls;
            if (s != 0)
                memcpy(row, ac->delta + (size_t)ac->n[s].fail * ac->ncls, ac->ncls * sizeof *row);
            for (uint32_t k = ac->n[s].edge0; k < ac->n[s].edge0 + ac->n[s].nedges; k++)
                row[ac->cls[ac->ebyte[k]]] = ac->eto[k];
        }
    }
    free(queue);
    ac->built = 1;
    return 1;
}

/* The state after reading byte b in state s. */
static inline uint32_t step(const hb_ac *ac, uint32_t s, uint8_t b)
{
    if (ac->delta)
        return ac->delta[(size_t)s * ac->ncls + ac->cls[b]];
    uint32_t t;
    while ((t = child_of(ac, s, b)) == 0 && s != 0)
        s = ac->n[s].fail;
    return t;
}

typedef struct {
    size_t start, end;  /* end 0: empty slot */
    int value;
} pending;

int hb_ac_scan(const hb_ac *ac, const char *s, size_t len, hb_ac_fn fn, void *ctx)
{
    if (!ac->built || ac->patterns == 0 || len == 0)
        return ac->built || ac->patterns == 0;
    /* best[p % w]: the longest match starting at p, for the starts still
     * open; a start is decided once the scan is maxlen bytes past it. */
    size_t w = 1;
    while (w <= ac->maxlen)
        w <<= 1;
    pending *best = calloc(w, sizeof *best);
    if (!best)
        return 0;
    size_t mask = w - 1, next = 0, floor = 0, open = 0;
    uint32_t st = 0;
    int ok = 1;
    for (size_t i = 0; i <= len && ok; i++) {
        size_t end = i;
        if (i < len) {
            st = step(ac, st, (uint8_t)s[i]);
            end = i + 1;
            for (uint32_t o = ac->first[st]; o; o = ac->n[o].out) {
                size_t from = end - ac->n[o].depth;
                pending *p = &best[from & mask];
                if (p->end == 0)
                    open++;
                if (p->end == 0 || p->end < end)
                    *p = (pending){from, end, ac->n[o].value};
            }
        }
        size_t limit = i < len ? (end >= ac->maxlen ? end - ac->maxlen + 1 : 0) : len;
        if (open == 0 && next < limit)
            next = limit; /* nothing pending: skip ahead */
        for (; next < limit && ok; next++) {
            pending *p = &best[next & mask];
            if (p->end == 0)
                continue;
            if (next >= floor) {
                ok = fn(ctx, p->start, p->end, p->value);
                floor = p->end;
            }
            p->end = 0;
            open--;
        }
    }
    free(best);
    return ok;
}
