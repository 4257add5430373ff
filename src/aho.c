/* Aho–Corasick over bytes (see aho.h).  While patterns are added the trie
 * keeps its children in sibling lists; hb_ac_build() computes the failure
 * and output links and then the full transition table over byte classes
 * (bytes that occur in no pattern share class 0), so the scan makes exactly
 * one table lookup per text byte, never a failure walk.  A table larger than
 * the automaton's table_max (TABLE_MAX: the cue lists' tables, not the
 * slogan dictionary's 2 MB, which took a small report's start longer to read
 * than its scans gain) is replaced by the trie's sorted edges and failure
 * links, which the leftmost-longest scan barely walks.  Links are
 * 16-bit when every state fits (link_width()): half the bytes to read at
 * start and half the cache lines per row in the scan. */
#include "aho.h"
#include "hash.h"

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

/* TABLE_MAX: the default table_max; MAX_TABLE: the largest table a
 * compiled file may hold (its sizes are not trusted) */
enum { TABLE_MAX = 256 << 10, MAX_TABLE = 64 << 20 };  /* bytes */

struct hb_ac {
    ac_node *n;       /* the trie while adding; after a build, for the scan without a table */
    size_t nn, cap;
    char *pat;        /* the patterns added, built into the trie by hb_ac_build() */
    size_t patlen, patcap;
    struct ac_pattern { size_t off, len; int value; } *pv;
    size_t npv, pvcap;
    unsigned char key[32]; /* hb_ac_key, once asked for */
    int have_key;
    int maxvalue;
    uint8_t *ebyte;   /* edges, grouped by node and sorted by byte */
    uint32_t *eto;
    uint32_t root[256];
    uint8_t own_cls[256];
    /* what the scan reads: built here, or in a compiled rules file */
    const uint8_t *cls;     /* byte -> class, 0: in no pattern */
    size_t ncls, nstates;
    const void *delta;      /* state * ncls + class -> state; NULL: the edges below */
    size_t table_max;       /* the largest table hb_ac_build makes */
    const uint32_t *sedge0; /* without a table: state -> its first edge (nstates + 1) */
    const uint8_t *sbyte;   /* each edge's byte, sorted within a state */
    const void *sto, *sfail; /* each edge's target; each state's failure link */
    const void *first;      /* state -> first node on its output chain, 0: none */
    const void *out;        /* state -> next node on the chain */
    size_t width;           /* bytes of each link in the three arrays above: 2 or 4 */
    const uint16_t *depth;
    const int32_t *value;
    void *own;              /* the arrays above when built here */
    size_t patterns;
    size_t maxlen;
    int built;
    /* Where a pattern may start: the first head_len bytes of every pattern
     * (the shortest one's length, at most 8) in a small hash table with the
     * state they lead to, so the scans skip text where none begins and
     * start their walk past those bytes, without reading the table (whose
     * rows miss the cache).  NULL: none built, every byte is stepped. */
    struct ac_start { uint64_t head; uint32_t state; } *starts; /* state 0: empty slot */
    size_t start_mask;
    unsigned start_shift;   /* 64 - log2(slots) */
    uint64_t *start_bits;   /* a bit per hash of a head, 32 per pattern: most text is
                               turned away here, before a probe of the table */
    /* A second test where a head's bit is set (a tenth of Chinese text:
     * two characters that begin some entry), before the probe and the
     * walk: short_bits (same index) marks the heads of patterns shorter
     * than 8 bytes; long_bits, by the hash of all 8 bytes, the first 8
     * bytes of the others.  Three characters that begin no entry are
     * turned away.  All three in one allocation, start_bits first. */
    uint64_t *short_bits, *long_bits;
    int lent_starts;        /* the start table and bits lie in the program's own
                               compiled image (hb_ac_adopt_trusted): not freed */
    unsigned bits_shift;    /* 64 - log2(bits) */
    size_t head_len;
    unsigned char head_mask[8];
    int lead_only;          /* no pattern starts with a UTF-8 continuation byte */
};

/* Bytes per link for an automaton of nstates states. */
static size_t link_width(size_t nstates)
{
    return nstates <= 65536 ? 2 : 4;
}

size_t hb_ac_width(const hb_ac *ac)
{
    return ac->width;
}

static inline uint32_t link_at(const void *a, size_t width, size_t i)
{
    return width == 2 ? ((const uint16_t *)a)[i] : ((const uint32_t *)a)[i];
}

static inline void link_put(void *a, size_t width, size_t i, uint32_t v)
{
    if (width == 2)
        ((uint16_t *)a)[i] = (uint16_t)v;
    else
        ((uint32_t *)a)[i] = v;
}

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
    if (ac) {
        ac->maxvalue = -1;
        ac->table_max = TABLE_MAX;
    }
    return ac;
}

void hb_ac_set_table_max(hb_ac *ac, size_t bytes)
{
    ac->table_max = bytes;
}

static void drop_starts(hb_ac *ac);

void hb_ac_free(hb_ac *ac)
{
    if (!ac)
        return;
    free(ac->n);
    free(ac->pat);
    free(ac->pv);
    free(ac->ebyte);
    free(ac->eto);
    free(ac->own);
    drop_starts(ac);
    free(ac);
}

size_t hb_ac_count(const hb_ac *ac)
{
    return ac->patterns;
}

int hb_ac_add(hb_ac *ac, const char *s, size_t len, int value)
{
    if (ac->built || len == 0 || len > UINT16_MAX || value < 0 || memchr(s, '\n', len))
        return 0;
    if (ac->npv == ac->pvcap) {
        size_t cap = ac->pvcap ? ac->pvcap * 2 : 64;
        struct ac_pattern *pv = realloc(ac->pv, cap * sizeof *pv);
        if (!pv)
            return 0;
        ac->pv = pv;
        ac->pvcap = cap;
    }
    if (ac->patlen + len > ac->patcap) {
        size_t cap = ac->patcap ? ac->patcap : 1024;
        while (cap < ac->patlen + len)
            cap *= 2;
        char *pat = realloc(ac->pat, cap);
        if (!pat)
            return 0;
        ac->pat = pat;
        ac->patcap = cap;
    }
    memcpy(ac->pat + ac->patlen, s, len);
    ac->pv[ac->npv++] = (struct ac_pattern){ac->patlen, len, value};
    ac->patlen += len;
    if (value > ac->maxvalue)
        ac->maxvalue = value;
    ac->have_key = 0;
    return 1;
}

/* Puts pattern s[0..len) into the trie. */
static int trie_add(hb_ac *ac, const char *s, size_t len, int value)
{
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

/* Two 64-bit lanes of multiply-xorshift over 8-byte words: a key, not a
 * defence (a crafted rules file may hold anything; hb_ac_adopt checks it). */
const unsigned char *hb_ac_key(hb_ac *ac)
{
    if (!ac->have_key) {
        uint64_t h[2] = {0x243F6A8885A308D3ull, 0x13198A2E03707344ull}, tail[2] = {ac->npv, ac->patlen};
        hb_hash_mix(h, ac->pat, ac->patlen);
        for (size_t i = 0; i < ac->npv; i++) {
            uint64_t v[2] = {ac->pv[i].len, (uint64_t)(uint32_t)ac->pv[i].value};
            hb_hash_mix(h, v, sizeof v);
        }
        memcpy(ac->key, h, 16);
        memcpy(ac->key + 16, tail, 16);
        ac->have_key = 1;
    }
    return ac->key;
}

/* The index of byte b in bytes[lo..end), sorted; end when it is not there. */
static inline uint32_t find_byte(const uint8_t *bytes, uint32_t lo, uint32_t end, uint8_t b)
{
    uint32_t hi = end;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (bytes[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < end && bytes[lo] == b ? lo : end;
}

/* The child of s by b while building, 0: none. */
static uint32_t child_of(const hb_ac *ac, uint32_t s, uint8_t b)
{
    if (s == 0)
        return ac->root[b];
    uint32_t end = ac->n[s].edge0 + ac->n[s].nedges, k = find_byte(ac->ebyte, ac->n[s].edge0, end, b);
    return k < end ? ac->eto[k] : 0;
}

static int by_label(const void *a, const void *b, void *nodes)
{
    const ac_node *n = nodes;
    return (int)n[*(const uint32_t *)a].byte - (int)n[*(const uint32_t *)b].byte;
}

/* The avail bytes at p (1 to 8 of them) as one word, loaded little-endian
 * as the scans load eight (normalize.h asserts the byte order), zeros
 * above them.  Under eight bytes, two loads that may overlap, not a copy. */
static inline uint64_t word_upto8(const char *p, size_t avail)
{
    uint64_t w;
    if (avail >= 8) {
        memcpy(&w, p, 8);
    } else if (avail >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + avail - 4, 4);
        w = a | (uint64_t)b << (8 * (avail - 4));
    } else {
        const unsigned char *u = (const unsigned char *)p;
        w = u[0] | (uint64_t)u[avail / 2] << (8 * (avail / 2)) | (uint64_t)u[avail - 1] << (8 * (avail - 1));
    }
    return w;
}

/* The head_len bytes at p (avail of them readable, at least head_len) as
 * one word. */
static inline uint64_t head_word(const hb_ac *ac, const char *p, size_t avail)
{
    uint64_t m;
    memcpy(&m, ac->head_mask, 8);
    return word_upto8(p, avail) & m;
}

static inline uint64_t head_hash(uint64_t w)
{
    return w * 0x9E3779B97F4A7C15ull;
}

static inline void set_bit(uint64_t *bits, uint64_t i)
{
    bits[i / 64] |= (uint64_t)1 << (i % 64);
}

static inline int bit_at(const uint64_t *bits, uint64_t i)
{
    return (int)(bits[i / 64] >> (i % 64)) & 1;
}

/* The state after head hw (its hash hh) when a pattern starts with it, else 0. */
static inline uint32_t probe(const hb_ac *ac, uint64_t hw, uint64_t hh)
{
    for (size_t h = (size_t)(hh >> ac->start_shift);; h = (h + 1) & ac->start_mask)
        if (ac->starts[h].state == 0 || ac->starts[h].head == hw)
            return ac->starts[h].state;
}

static uint32_t step(const hb_ac *ac, uint32_t s, uint8_t b);

/* The three bit arrays of a start table of 2^lg slots (16 bits a slot
 * each), zeroed; 0 when out of memory. */
static int alloc_bits(hb_ac *ac, unsigned lg)
{
    size_t words = (size_t)1 << (lg + 4 - 6);
    if (!(ac->start_bits = calloc(3 * words, sizeof *ac->start_bits)))
        return 0;
    ac->short_bits = ac->start_bits + words;
    ac->long_bits = ac->short_bits + words;
    return 1;
}

/* No start table: the scans step every place. */
static void drop_starts(hb_ac *ac)
{
    if (!ac->lent_starts) {
        free(ac->starts);
        free(ac->start_bits);
    }
    ac->lent_starts = 0;
    ac->starts = NULL;
    ac->start_bits = ac->short_bits = ac->long_bits = NULL;
}

/* The start table, from the patterns added; without memory the scans step
 * every byte, as they would with it.  A head that leads nowhere in a damaged
 * compiled table is left out (its matches are lost, as the scan's would be). */
static void build_starts(hb_ac *ac)
{
    if (ac->npv == 0)
        return;
    size_t minlen = 8;
    for (size_t i = 0; i < ac->npv; i++)
        if (ac->pv[i].len < minlen)
            minlen = ac->pv[i].len;
    unsigned lg = 4; /* at most half full: short probes */
    while (((size_t)1 << lg) < 2 * ac->npv)
        lg++;
    ac->starts = calloc((size_t)1 << lg, sizeof *ac->starts);
    if (!ac->starts || !alloc_bits(ac, lg)) {
        drop_starts(ac);
        return;
    }
    ac->bits_shift = 64 - (lg + 4);
    ac->start_mask = ((size_t)1 << lg) - 1;
    ac->start_shift = 64 - lg;
    ac->head_len = minlen;
    memset(ac->head_mask, 0, 8);
    memset(ac->head_mask, 0xFF, minlen);
    ac->lead_only = 1;
    for (size_t i = 0; i < ac->npv; i++) {
        const char *p = ac->pat + ac->pv[i].off;
        if (((unsigned char)p[0] & 0xC0) == 0x80)
            ac->lead_only = 0;
        uint32_t st = 0;
        size_t k = 0;
        for (uint32_t t; k < minlen && ac->depth[t = step(ac, st, (uint8_t)p[k])] == k + 1; k++)
            st = t;
        if (k < minlen)
            continue;
        uint64_t w = head_word(ac, p, ac->pv[i].len), hh = head_hash(w), bit = hh >> ac->bits_shift;
        set_bit(ac->start_bits, bit);
        if (ac->pv[i].len < 8) {
            set_bit(ac->short_bits, bit);
        } else {
            uint64_t all;
            memcpy(&all, p, 8);
            set_bit(ac->long_bits, head_hash(all) >> ac->bits_shift);
        }
        size_t h = (size_t)(hh >> ac->start_shift);
        while (ac->starts[h].state && ac->starts[h].head != w)
            h = (h + 1) & ac->start_mask;
        ac->starts[h] = (struct ac_start){w, st};
    }
}

/* The scan's arrays in one block, built here or a compiled file's, widest
 * elements first so that every array is aligned for its type whatever the
 * width.  With a table (cells of it): value, delta, first, out, depth.
 * Without (sparse): value, edge0, first, out, fail, to, depth, byte, the
 * nstates - 1 edges of the trie grouped by state. */
struct ac_block {
    int32_t *value;
    uint32_t *edge0;
    void *delta, *first, *out, *fail, *to;
    uint16_t *depth;
    uint8_t *byte;
};

static size_t block_size(size_t nstates, size_t cells, int sparse, size_t width)
{
    size_t ne = sparse ? nstates - 1 : 0;
    return nstates * sizeof(int32_t) + (sparse ? (nstates + 1) * sizeof(uint32_t) : 0) +
           (cells + (sparse ? 3 : 2) * nstates + ne) * width + nstates * sizeof(uint16_t) + ne;
}

static struct ac_block block_at(void *p, size_t nstates, size_t cells, int sparse, size_t width)
{
    size_t ne = sparse ? nstates - 1 : 0;
    struct ac_block b;
    b.value = p;
    b.edge0 = (uint32_t *)(b.value + nstates);
    b.delta = b.edge0 + (sparse ? nstates + 1 : 0);
    b.first = (char *)b.delta + cells * width;
    b.out = (char *)b.first + nstates * width;
    b.fail = (char *)b.out + nstates * width;
    b.to = (char *)b.fail + (sparse ? nstates : 0) * width;
    b.depth = (uint16_t *)((char *)b.to + ne * width);
    b.byte = (uint8_t *)(b.depth + nstates);
    return b;
}

/* The scan's arrays, built or taken from a compiled file: the patterns
 * they came from are no longer needed. */
static void set_scan(hb_ac *ac, const struct ac_block *b, int sparse)
{
    ac->delta = sparse ? NULL : b->delta;
    ac->first = b->first;
    ac->out = b->out;
    ac->value = b->value;
    ac->depth = b->depth;
    ac->sedge0 = b->edge0;
    ac->sbyte = b->byte;
    ac->sto = b->to;
    ac->sfail = b->fail;
    if (!ac->starts)
        build_starts(ac);
    free(ac->pat);
    free(ac->pv);
    ac->pat = NULL;
    ac->pv = NULL;
    ac->built = 1;
}

int hb_ac_build(hb_ac *ac)
{
    if (ac->built)
        return 1;
    hb_ac_key(ac); /* before the patterns go */
    if (new_node(ac, 0, 0) != 0 || ac->nn != 1)
        return 0;
    for (size_t i = 0; i < ac->npv; i++)
        if (!trie_add(ac, ac->pat + ac->pv[i].off, ac->pv[i].len, ac->pv[i].value))
            return 0;
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
        if (!ac->own_cls[ac->n[i].byte])
            ac->own_cls[ac->n[i].byte] = (uint8_t)++ac->ncls;
    ac->ncls++;
    ac->cls = ac->own_cls;
    ac->nstates = ac->nn;
    size_t nn = ac->nn, w = ac->width = link_width(nn);
    int sparse = nn * ac->ncls * w > ac->table_max;
    size_t cells = sparse ? 0 : nn * ac->ncls;
    char *own = malloc(block_size(nn, cells, sparse, w));
    if (!own) {
        free(queue);
        return 0;
    }
    ac->own = own;
    struct ac_block b = block_at(own, nn, cells, sparse, w);
    size_t k2 = 0; /* edges laid out so far */
    for (size_t i = 0; i < nn; i++) {
        link_put(b.first, w, i, ac->n[i].value >= 0 ? (uint32_t)i : ac->n[i].out);
        link_put(b.out, w, i, ac->n[i].out);
        b.value[i] = ac->n[i].value;
        b.depth[i] = ac->n[i].depth;
        if (!sparse)
            continue;
        /* edges regrouped by state number (the build laid them out breadth-first) */
        link_put(b.fail, w, i, ac->n[i].fail);
        b.edge0[i] = (uint32_t)k2;
        for (uint32_t k = ac->n[i].edge0; k < ac->n[i].edge0 + ac->n[i].nedges; k++, k2++) {
            link_put(b.to, w, k2, ac->eto[k]);
            b.byte[k2] = ac->ebyte[k];
        }
    }
    if (sparse)
        b.edge0[nn] = (uint32_t)k2;
    else {
        size_t rowbytes = ac->ncls * w;
        for (size_t q = 0; q < tail; q++) {
            uint32_t s = queue[q];
            char *row = (char *)b.delta + s * rowbytes;
            if (s != 0)
                memcpy(row, (char *)b.delta + ac->n[s].fail * rowbytes, rowbytes);
            else
                memset(row, 0, rowbytes);
            for (uint32_t k = ac->n[s].edge0; k < ac->n[s].edge0 + ac->n[s].nedges; k++)
                link_put(row, w, ac->cls[ac->ebyte[k]], ac->eto[k]);
        }
    }
    set_scan(ac, &b, sparse);
    free(queue);
    /* the scans read only the block */
    free(ac->n);
    free(ac->ebyte);
    free(ac->eto);
    ac->n = NULL;
    ac->ebyte = NULL;
    ac->eto = NULL;
    return 1;
}

/* ---- compiled form: a header, then the arrays of the scan in one block ---- */

typedef struct {
    uint32_t nstates, ncls, patterns, maxlen;
    int32_t maxvalue;
    uint32_t width;   /* bytes per link: link_width(nstates) */
    uint32_t sparse;  /* 1: edges and failure links instead of a table */
    uint32_t starts;  /* 1: the start table follows the block */
    uint8_t cls[256];
} ac_head;

/* The start table after the block (ac_head.starts 1; 0: none, built at
 * adoption from the patterns, as files before it had): a head, the slots
 * (head word, state, 4 zero bytes), the bits (start, short, long), at an
 * 8-byte offset. */
struct starts_head {
    uint32_t lg, head_len, lead_only, reserved;
};

static size_t starts_size(size_t slots)
{
    return sizeof(struct starts_head) + slots * 16 + 3 * slots / 4 * 8;
}

static size_t compiled_block(const hb_ac *ac)
{
    return block_size(ac->nstates, ac->delta ? ac->nstates * ac->ncls : 0, !ac->delta, ac->width);
}

size_t hb_ac_compiled_size(const hb_ac *ac)
{
    if (!ac->built || !ac->own)
        return 0;
    size_t n = sizeof(ac_head) + compiled_block(ac);
    return ac->starts ? hb_pad8(n) + starts_size(ac->start_mask + 1) : n;
}

int hb_ac_write_compiled(const hb_ac *ac, FILE *f)
{
    if (!hb_ac_compiled_size(ac))
        return 0;
    ac_head h = {(uint32_t)ac->nstates, (uint32_t)ac->ncls, (uint32_t)ac->patterns, (uint32_t)ac->maxlen,
                 ac->maxvalue, (uint32_t)ac->width, !ac->delta, ac->starts != NULL, {0}};
    memcpy(h.cls, ac->cls, 256);
    size_t n = compiled_block(ac);
    static const char zeros[8];
    int ok = fwrite(&h, sizeof h, 1, f) == 1 && fwrite(ac->own, 1, n, f) == n;
    if (!ok || !ac->starts)
        return ok;
    size_t slots = ac->start_mask + 1, lg = 64 - ac->start_shift;
    struct starts_head sh = {(uint32_t)lg, (uint32_t)ac->head_len, (uint32_t)ac->lead_only, 0};
    ok = fwrite(zeros, 1, hb_pad8(sizeof h + n) - (sizeof h + n), f) == hb_pad8(sizeof h + n) - (sizeof h + n) &&
         fwrite(&sh, sizeof sh, 1, f) == 1;
    for (size_t i = 0; ok && i < slots; i++) {
        uint32_t st[2] = {ac->starts[i].state, 0};
        ok = fwrite(&ac->starts[i].head, 8, 1, f) == 1 && fwrite(st, sizeof st, 1, f) == 1;
    }
    return ok && fwrite(ac->start_bits, 8, 3 * slots / 4, f) == 3 * slots / 4;
}

/* The head of a compiled start table (p, n bytes) into *sh: 1; 0 when it
 * is damaged (its sizes out of range or not those of the table). */
static int starts_head_ok(const char *p, size_t n, struct starts_head *sh)
{
    if (n < sizeof *sh)
        return 0;
    memcpy(sh, p, sizeof *sh);
    return !(sh->lg < 4 || sh->lg > 30 || sh->head_len < 1 || sh->head_len > 8 || sh->lead_only > 1 ||
             n != starts_size((size_t)1 << sh->lg));
}

/* What the scans read of a start table of sh besides its slots and bits. */
static void set_starts(hb_ac *ac, const struct starts_head *sh)
{
    ac->start_mask = ((size_t)1 << sh->lg) - 1;
    ac->start_shift = 64 - sh->lg;
    ac->bits_shift = 64 - (sh->lg + 4);
    ac->head_len = sh->head_len;
    memset(ac->head_mask, 0, 8);
    memset(ac->head_mask, 0xFF, sh->head_len);
    ac->lead_only = (int)sh->lead_only;
}

/* Takes a compiled start table (p, n bytes) for an automaton of nn states:
 * 1; -1 when it is damaged (a state out of range, no empty slot to end a
 * probe); 0 when out of memory (the table is then built, as without one). */
static int adopt_starts(hb_ac *ac, const char *p, size_t n, size_t nn)
{
    struct starts_head sh;
    if (n < sizeof sh)
        return 0;
    if (!starts_head_ok(p, n, &sh))
        return -1;
    size_t slots = (size_t)1 << sh.lg;
    const char *sp = p + sizeof sh;
    int empty = 0;
    for (size_t i = 0; i < slots; i++) {
        uint32_t st;
        memcpy(&st, sp + i * 16 + 8, 4);
        if (st >= nn)
            return -1;
        empty |= st == 0;
    }
    if (!empty)
        return -1;
    if (!(ac->starts = malloc(slots * sizeof *ac->starts)) || !alloc_bits(ac, sh.lg))
        return 0;
    for (size_t i = 0; i < slots; i++) {
        memcpy(&ac->starts[i].head, sp + i * 16, 8);
        memcpy(&ac->starts[i].state, sp + i * 16 + 8, 4);
    }
    memcpy(ac->start_bits, sp + slots * 16, 3 * slots / 4 * 8);
    set_starts(ac, &sh);
    return 1;
}

/* A slot of a compiled start table is laid out as struct ac_start is
 * here (head, state, four zero bytes), so a trusted one is read in place. */
_Static_assert(sizeof(struct ac_start) == 16 && offsetof(struct ac_start, state) == 8, "start slot layout");

/* Points the start table at the program's own compiled one (p, n bytes,
 * 8-byte aligned): nothing copied, nothing checked but its sizes; 0 when
 * they are wrong (the table is then built, as without one). */
static int lend_starts(hb_ac *ac, const char *p, size_t n)
{
    struct starts_head sh;
    if (!starts_head_ok(p, n, &sh))
        return 0;
    size_t slots = (size_t)1 << sh.lg;
    ac->starts = (struct ac_start *)(p + sizeof sh);
    ac->start_bits = (uint64_t *)(p + sizeof sh + slots * 16);
    ac->short_bits = ac->start_bits + slots / 4;
    ac->long_bits = ac->short_bits + slots / 4;
    ac->lent_starts = 1;
    set_starts(ac, &sh);
    return 1;
}

/* Four lanes of 32 bits: GCC's generic vectors, SSE2 on any x86-64, so
 * that the checks below of a compiled automaton's arrays (tens of
 * thousands of entries, read once at start) take four entries a step. */
typedef uint32_t ac_u32x4 __attribute__((vector_size(16)));
typedef int32_t ac_i32x4 __attribute__((vector_size(16)));
typedef uint16_t ac_u16x4 __attribute__((vector_size(8)));

static inline ac_u32x4 load_u32x4(const void *p)
{
    ac_u32x4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline ac_u32x4 load_u16x4(const void *p)
{
    ac_u16x4 v;
    memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, ac_u32x4);
}

static inline int any_lane4(ac_i32x4 v)
{
    uint64_t w[2];
    memcpy(w, &v, sizeof w);
    return (w[0] | w[1]) != 0;
}

/* The edges of a compiled automaton without a table are grouped by state;
 * their targets and the failure links are checked as the scan reads them
 * (sparse_child(), step()), as a table's cells are. */
static int sparse_ok(const uint32_t *edge0, size_t nn)
{
    if (edge0[0] != 0 || edge0[nn] != nn - 1)
        return 0;
    ac_i32x4 bad = {0};
    size_t i = 0;
    for (; i + 4 <= nn; i += 4)
        bad |= load_u32x4(edge0 + i) > load_u32x4(edge0 + i + 1);
    for (; i < nn; i++)
        if (edge0[i] > edge0[i + 1])
            return 0;
    return !any_lane4(bad);
}

/* The checks of state i in hb_ac_adopt, for one link width w (2 or 4, a
 * constant where it is inlined, so link_at does not test it per link):
 * each value is -1 or one the caller added, each depth 1..maxlen, each
 * output link to a shallower node holding a pattern, each chain's first
 * the state itself or its output link. */
static inline int state_ok_w(const struct ac_block *b, size_t i, size_t nn, int maxvalue, unsigned maxlen,
                             size_t w)
{
    const int32_t *value = b->value;
    const uint16_t *depth = b->depth;
    uint32_t o = link_at(b->out, w, i), f = link_at(b->first, w, i);
    unsigned d = depth[i];
    return !(o >= nn || f >= nn || (uint32_t)value[i] + 1 > (uint32_t)maxvalue + 1 ||
             (i ? d - 1 >= maxlen : d != 0) || (o && (depth[o] >= d || value[o] < 0)) ||
             (f && (value[f] < 0 || (f != i && f != o))));
}

/* Where links are 16-bit (nearly every automaton), states 1..nn-1 four a
 * step: what reads only state i's own entries in lanes, the same checks
 * as state_ok_w (a first f equal to i needs value[i] >= 0, one equal to
 * the output link is checked with it); the output links' targets, which
 * need a lookup, only in the few lanes that have one.  Returns the states
 * checked (a multiple of four, plus one), 0 on a fault. */
static size_t states_ok4(const struct ac_block *b, size_t nn, int maxvalue, unsigned maxlen)
{
    const int32_t *value = b->value;
    const uint16_t *depth = b->depth, *out = b->out, *first = b->first;
    const ac_u32x4 lane = {0, 1, 2, 3}, zero = {0};
    const ac_u32x4 n = zero + (uint32_t)nn, vmax = zero + ((uint32_t)maxvalue + 1), lmax = zero + maxlen;
    ac_i32x4 bad = {0};
    int far = 0; /* an output link's target shallower than its state or holding no pattern */
    size_t i = 1;
    for (; i + 4 <= nn; i += 4) {
        ac_u32x4 o = load_u16x4(out + i), f = load_u16x4(first + i), d = load_u16x4(depth + i);
        ac_u32x4 v = load_u32x4(value + i), idx = lane + (uint32_t)i;
        ac_i32x4 has_f = f != zero;
        bad |= (o >= n) | (f >= n) | (v + 1 > vmax) | (d - 1 >= lmax) | (has_f & (f != idx) & (f != o)) |
               (has_f & (f == idx) & ((ac_i32x4)v < 0));
        if (any_lane4(o != zero))
            for (size_t k = i; k < i + 4; k++)
                far |= out[k] && out[k] < nn && (depth[out[k]] >= depth[k] || value[out[k]] < 0);
    }
    return any_lane4(bad) || far ? 0 : i;
}

static inline int states_from_w(const struct ac_block *b, size_t from, size_t nn, int maxvalue, unsigned maxlen,
                                size_t w)
{
    for (size_t i = from; i < nn; i++)
        if (!state_ok_w(b, i, nn, maxvalue, maxlen, w))
            return 0;
    return 1;
}

/* Every state of a compiled automaton (a few per pattern; a table is
 * checked as the scan reads it, see step()). */
static int states_ok(const struct ac_block *b, size_t nn, int maxvalue, unsigned maxlen, size_t w)
{
    if (w != 2)
        return states_from_w(b, 0, nn, maxvalue, maxlen, 4);
    size_t i = states_ok4(b, nn, maxvalue, maxlen);
    return i && state_ok_w(b, 0, nn, maxvalue, maxlen, 2) && states_from_w(b, i, nn, maxvalue, maxlen, 2);
}

/* The end of blob's block (from blob) when its header fits the
 * automaton and size; 0 when refused.  vouched: no pattern was added, the
 * values are the blob's (hb_ac_adopt_vouched). */
static size_t head_ok(const hb_ac *ac, const ac_head *h, size_t size, int vouched)
{
    if (ac->built || (uintptr_t)h % 8 || size < sizeof *h || h->nstates == 0 || h->ncls == 0 ||
        h->ncls > 256 || h->maxlen > UINT16_MAX ||
        (vouched ? ac->npv != 0 || h->maxvalue < -1 : h->maxvalue != ac->maxvalue || h->patterns > ac->npv) ||
        h->width != link_width(h->nstates) || h->sparse > 1 || h->starts > 1 ||
        (!h->sparse && (uint64_t)h->nstates * h->ncls * h->width > MAX_TABLE))
        return 0;
    size_t end = sizeof *h + block_size(h->nstates, h->sparse ? 0 : (size_t)h->nstates * h->ncls, (int)h->sparse,
                                        h->width);
    if (h->starts ? size < hb_pad8(end) : size != end)
        return 0;
    for (int b = 0; b < 256; b++)
        if (h->cls[b] >= h->ncls)
            return 0;
    return end;
}

static struct ac_block head_block(const ac_head *h)
{
    return block_at((void *)(h + 1), h->nstates, h->sparse ? 0 : (size_t)h->nstates * h->ncls, (int)h->sparse,
                    h->width); /* only read */
}

/* The automaton scans the compiled one of h, its arrays b. */
static void take(hb_ac *ac, const ac_head *h, const struct ac_block *b)
{
    size_t nn = h->nstates, w = h->width;
    int sparse = (int)h->sparse;
    ac->cls = h->cls;
    ac->ncls = h->ncls;
    ac->nstates = nn;
    ac->width = w;
    ac->patterns = h->patterns;
    ac->maxlen = h->maxlen;
    for (uint32_t k = sparse ? b->edge0[0] : 0; sparse && k < b->edge0[1]; k++) {
        uint32_t t = link_at(b->to, w, k);
        ac->root[b->byte[k]] = t < nn ? t : 0;
    }
    hb_ac_key(ac);
    set_scan(ac, b, sparse);
}

/* Every state of a compiled automaton is checked (states_ok()): the
 * output chains end, each at a shallower node holding a pattern, and every
 * value is one the caller added. */
int hb_ac_adopt(hb_ac *ac, const void *blob, size_t size)
{
    const ac_head *h = blob;
    size_t end = head_ok(ac, h, size, 0), nn = end ? h->nstates : 0;
    if (!end)
        return 0;
    struct ac_block b = head_block(h);
    if (!states_ok(&b, nn, ac->maxvalue, h->maxlen, h->width))
        return 0;
    if (h->sparse && !sparse_ok(b.edge0, nn))
        return 0;
    int took = h->starts ? adopt_starts(ac, (const char *)blob + hb_pad8(end), size - hb_pad8(end), nn) : 0;
    if (took < 1) {
        drop_starts(ac);
        if (took < 0)
            return 0;
    }
    take(ac, h, &b);
    return 1;
}

/* The trusted adoption: vouched, no pattern was added and key is the
 * automaton's. */
static int adopt_own(hb_ac *ac, const unsigned char *key, const void *blob, size_t size)
{
    const ac_head *h = blob;
    size_t end = head_ok(ac, h, size, key != NULL);
    if (!end)
        return 0;
    if (key) {
        ac->maxvalue = h->maxvalue;
        memcpy(ac->key, key, sizeof ac->key);
        ac->have_key = 1;
    }
    struct ac_block b = head_block(h);
    if (h->starts)
        lend_starts(ac, (const char *)blob + hb_pad8(end), size - hb_pad8(end));
    take(ac, h, &b);
    return 1;
}

int hb_ac_adopt_trusted(hb_ac *ac, const void *blob, size_t size)
{
    return adopt_own(ac, NULL, blob, size);
}

int hb_ac_adopt_vouched(hb_ac *ac, const unsigned char *key, const void *blob, size_t size)
{
    return adopt_own(ac, key, blob, size);
}

/* The child of state s by byte b in an automaton without a table, 0: none. */
static inline uint32_t sparse_child(const hb_ac *ac, uint32_t s, uint8_t b)
{
    if (s == 0)
        return ac->root[b];
    uint32_t end = ac->sedge0[s + 1], k = find_byte(ac->sbyte, ac->sedge0[s], end, b);
    uint32_t t = k < end ? link_at(ac->sto, ac->width, k) : 0;
    return t < ac->nstates ? t : 0; /* a compiled file's edges are not trusted */
}

/* The trie's child of state s by byte b, 0: none (a table's transition
 * that is no child lands no deeper, which the caller checks).  The
 * leftmost-longest scan needs no more: it stops where the trie ends,
 * without the failure links step() would follow. */
static inline uint32_t trie_child(const hb_ac *ac, uint32_t s, uint8_t b)
{
    if (ac->delta) {
        uint32_t t = link_at(ac->delta, ac->width, (size_t)s * ac->ncls + ac->cls[b]);
        return t < ac->nstates ? t : 0; /* a compiled file's table is not trusted */
    }
    return sparse_child(ac, s, b);
}

/* The root's child by byte b, 0: no pattern begins with b (a compiled
 * table keeps the root's edges in its first row, not in root[]). */
static inline uint32_t root_child(const hb_ac *ac, uint8_t b)
{
    return ac->delta ? link_at(ac->delta, ac->width, ac->cls[b]) : ac->root[b];
}

/* The state after reading byte b in state s. */
static inline uint32_t step(const hb_ac *ac, uint32_t s, uint8_t b)
{
    if (ac->delta)
        return trie_child(ac, s, b); /* the table's transition */
    uint32_t t;
    while ((t = sparse_child(ac, s, b)) == 0 && s != 0) {
        /* a compiled file's link that is not shallower would not end the walk */
        uint32_t f = link_at(ac->sfail, ac->width, s);
        s = f < ac->nstates && ac->depth[f] < ac->depth[s] ? f : 0;
    }
    return t;
}

/* The next place after i where a pattern may start: the next byte, or
 * when every pattern starts with a UTF-8 lead byte the next byte that is no
 * continuation byte, so a Chinese text is stepped a character at a time. */
static inline size_t next_place(const hb_ac *ac, const char *s, size_t len, size_t i)
{
    i++;
    if (ac->lead_only)
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    return i;
}

/* Bytes from the first byte of w (eight bytes of text, loaded little-endian
 * as in normalize.c) to the next that is no UTF-8 continuation byte, at
 * most 8: a continuation byte is 10xxxxxx, which the xor turns to zero. */
static inline size_t lead_gap(uint64_t w)
{
    uint64_t x = ((w >> 8) & 0x00C0C0C0C0C0C0C0ull) ^ 0x0080808080808080ull;
    return 1 + ((size_t)__builtin_ctzll(x | 1ull << 63) >> 3);
}

/* Where the head's bit of the eight bytes w is set (hw its head, hh the
 * head's hash; a tenth of Chinese text): the state after the head when a
 * pattern may start there, else 0.  The bit of a short pattern's head or
 * that of a long one's first eight bytes turns most of these places away
 * before the probe. */
static inline uint32_t head_state(const hb_ac *ac, uint64_t w, uint64_t hw, uint64_t hh)
{
    if (!bit_at(ac->short_bits, hh >> ac->bits_shift) && !bit_at(ac->long_bits, head_hash(w) >> ac->bits_shift))
        return 0;
    return probe(ac, hw, hh);
}

/* The bytes 1 to 5 of w (little-endian) when two characters of three bytes
 * (Han text) start w: the next places are 3 and 6 bytes on (lead_gap()
 * would step past a continuation byte at 6, where no pattern starts). */
enum { TWO_3BYTE_MASK = 0x0000C0C0F0C0C000ull, TWO_3BYTE = 0x00008080E0808000ull };
/* The same for one character of three bytes, its lead byte tested too. */
enum { ONE_3BYTE_MASK = 0xC0C0F0ull, ONE_3BYTE = 0x8080E0ull };

/* head_state() of the place whose eight bytes are w, its head's bit set
 * (a tenth of Han text): apart, so that the loop of skip_pairs() keeps
 * its registers. */
static __attribute__((noinline)) uint32_t state_of(const hb_ac *ac, uint64_t w, uint64_t mask)
{
    return head_state(ac, w, w & mask, head_hash(w & mask));
}

/* The first place from i on, before the last eleven bytes, where a
 * pattern may start (its state in *st) or a character of two or four
 * bytes, or an ASCII byte some pattern begins with, is (*st 0): Han text
 * two characters a step, on two loads of eight bytes and no lead_gap(),
 * the only work most of it needs; an ASCII byte no pattern begins with
 * (punctuation folded, digits) and a lone character of three bytes before
 * one are passed here too, not by a return to filter_heads() for each.  A
 * place whose head's bit is set is tested here (state_of()), not hashed
 * again by filter_heads(). */
static inline size_t skip_pairs(const hb_ac *ac, const char *s, size_t len, size_t i, uint64_t mask, uint32_t *st)
{
    const uint64_t *bits = ac->start_bits;
    unsigned shift = ac->bits_shift;
    uint32_t t = 0;
    for (size_t stop = len - 11; len >= 11 && i <= stop;) {
        uint64_t w, w2;
        memcpy(&w, s + i, 8);
        memcpy(&w2, s + i + 3, 8);
        if ((w & TWO_3BYTE_MASK) != TWO_3BYTE) {
            if (!(w & 0x80)) {
                if (root_child(ac, (uint8_t)w))
                    break;
                i++;
                continue;
            }
            if ((w & ONE_3BYTE_MASK) != ONE_3BYTE ||
                (bit_at(bits, head_hash(w & mask) >> shift) && (t = state_of(ac, w, mask))))
                break;
            i += 3;
            continue;
        }
        if (bit_at(bits, head_hash(w & mask) >> shift) && (t = state_of(ac, w, mask)))
            break;
        if (bit_at(bits, head_hash(w2 & mask) >> shift) && (t = state_of(ac, w2, mask))) {
            i += 3;
            break;
        }
        i += 6;
    }
    *st = t;
    return i;
}

/* The first place from i on, before the last eight bytes, where a
 * pattern may start (head_state()) and its head is (its state in *st);
 * else the first place in those bytes.  One load of eight bytes per place
 * for both the filter and the step; by_char, a constant where this is
 * inlined, steps characters, two at a time where it can (skip_pairs()). */
static inline size_t filter_heads(const hb_ac *ac, const char *s, size_t len, size_t i, uint32_t *st, int by_char)
{
    uint64_t mask;
    memcpy(&mask, ac->head_mask, 8);
    while (i + 8 <= len) {
        if (by_char && ((i = skip_pairs(ac, s, len, i, mask, st)), *st))
            return i;
        if (i + 8 > len)
            break;
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (by_char && !(w & 0x80) && !root_child(ac, (uint8_t)w)) {
            i++; /* ASCII that begins no pattern: most of what stops skip_pairs() */
            continue;
        }
        uint64_t hh = head_hash(w & mask);
        if (bit_at(ac->start_bits, hh >> ac->bits_shift) && (*st = head_state(ac, w, w & mask, hh)))
            return i;
        i += by_char ? lead_gap(w) : 1;
    }
    *st = 0;
    return i;
}

/* The first of the last places of s[0..len), from i on (fewer than eight
 * bytes left), where a pattern's head is (its state in *st), len when
 * none.  Every short text (a title, a metric's clause) ends here: its
 * places' bytes are shifted out of the eight that end it, not loaded a few
 * at a time, and tested as filter_heads() tests a place, the zeros past
 * the end dropped by the head's mask (no head is looked for where fewer
 * than head_len bytes are left) and turned away by the long patterns' bit
 * at worst, where none fits. */
static size_t last_start(const hb_ac *ac, const char *s, size_t len, size_t i, uint32_t *st)
{
    uint64_t mask, end = len >= 8 ? word_upto8(s + len - 8, 8) : word_upto8(s, len) << (8 * (8 - len));
    memcpy(&mask, ac->head_mask, 8);
    for (size_t head = ac->head_len; len - i >= head;) {
        uint64_t w = end >> (8 * (i + 8 - len)), hh = head_hash(w & mask);
        if (bit_at(ac->start_bits, hh >> ac->bits_shift) && (*st = head_state(ac, w, w & mask, hh)))
            return i;
        i += ac->lead_only ? lead_gap(w) : 1;
    }
    *st = 0;
    return len;
}

/* The first place from i on where a pattern's head is (its state in *st),
 * len when none. */
static size_t find_start(const hb_ac *ac, const char *s, size_t len, size_t i, uint32_t *st)
{
    i = ac->lead_only ? filter_heads(ac, s, len, i, st, 1) : filter_heads(ac, s, len, i, st, 0);
    return *st ? i : last_start(ac, s, len, i, st);
}

/* The end of the longest pattern at s[i] whose first j - i bytes led to
 * state st, 0 when none (its value in *value), the walk ending at stop
 * (the text's end or the longest pattern's).  Trie edges only: a step that
 * lands no deeper left the trie.  The link width w and sparse (no table)
 * are constants where this is inlined, so a step of a dictionary's walk
 * is a search of the state's few edges and no more. */
static inline size_t longest_w(const hb_ac *ac, const char *s, size_t i, size_t j, size_t stop, uint32_t st,
                               int *value, size_t w, int sparse)
{
    /* the arrays in locals and the value kept in one: a store through
     * value would make the compiler read them from *ac at every step */
    const int32_t *val = ac->value;
    const uint16_t *depth = ac->depth;
    const uint32_t *edge0 = ac->sedge0, *root = ac->root;
    const uint8_t *bytes = ac->sbyte, *cls = ac->cls;
    const void *to = ac->sto, *delta = ac->delta;
    size_t nstates = ac->nstates, ncls = ac->ncls, end = 0;
    int found = *value;
    for (;; j++) {
        if (val[st] >= 0)
            end = j, found = val[st];
        if (j == stop)
            break;
        uint8_t b = (uint8_t)s[j];
        uint32_t t;
        if (!sparse) {
            t = link_at(delta, w, (size_t)st * ncls + cls[b]);
        } else if (st == 0) {
            t = root[b];
        } else {
            /* deep in the trie most states have one edge: no search */
            uint32_t lo = edge0[st], hi = edge0[st + 1];
            uint32_t k = hi - lo == 1 ? (bytes[lo] == b ? lo : hi) : find_byte(bytes, lo, hi, b);
            t = k < hi ? link_at(to, w, k) : 0;
        }
        /* a compiled file's links are not trusted */
        if (t >= nstates || depth[t] != j - i + 1)
            break;
        st = t;
    }
    *value = found;
    return end;
}

/* Inlined where it is called: the scan's walk is not a call per place. */
static inline __attribute__((always_inline)) size_t longest(const hb_ac *ac, const char *s, size_t i, size_t j,
                                                            size_t stop, uint32_t st, int *value)
{
    if (ac->delta)
        return ac->width == 2 ? longest_w(ac, s, i, j, stop, st, value, 2, 0)
                              : longest_w(ac, s, i, j, stop, st, value, 4, 0);
    return ac->width == 2 ? longest_w(ac, s, i, j, stop, st, value, 2, 1)
                          : longest_w(ac, s, i, j, stop, st, value, 4, 1);
}

/* Leftmost-longest: at each place where a pattern's first bytes are (the
 * start table), the longest pattern there (longest()); then on past its
 * end. */
int hb_ac_scan(const hb_ac *ac, const char *s, size_t len, hb_ac_fn fn, void *ctx)
{
    if (!ac->built || ac->patterns == 0)
        return ac->built || ac->patterns == 0;
    for (size_t i = 0; i < len;) {
        uint32_t st = 0;
        size_t j = i;
        if (ac->starts) {
            if ((i = find_start(ac, s, len, i, &st)) == len)
                break;
            j = i + ac->head_len;
        }
        int value = -1;
        size_t end = longest(ac, s, i, j, len - i > ac->maxlen ? i + ac->maxlen : len, st, &value);
        if (end > i) {
            if (!fn(ctx, i, end, value))
                return 0;
            i = end;
        } else {
            i = next_place(ac, s, len, i);
        }
    }
    return 1;
}

/* The pattern's head probed in the start table, then the trie walked as
 * the scan walks it from a place: a few lines read where a binary search
 * of the patterns read some thirty (a quoted term is looked up in every
 * report, and most are no pattern, turned away by their head). */
int hb_ac_find(const hb_ac *ac, const char *s, size_t len)
{
    if (!ac->built || len == 0 || len > ac->maxlen)
        return -1;
    uint32_t st = 0;
    size_t j = 0;
    if (ac->starts) {
        if (len < ac->head_len)
            return -1;
        uint64_t w = head_word(ac, s, len), hh = head_hash(w);
        if (!bit_at(ac->start_bits, hh >> ac->bits_shift) || !(st = probe(ac, w, hh)))
            return -1;
        j = ac->head_len;
    }
    int value = -1;
    return longest(ac, s, 0, j, len, st, &value) == len ? value : -1;
}

int hb_ac_scan_all(const hb_ac *ac, const char *s, size_t len, hb_ac_fn fn, void *ctx)
{
    if (!ac->built || ac->patterns == 0)
        return 1;
    uint32_t st = 0;
    for (size_t i = 0; i < len; i++) {
        /* at the root, it stays there up to where a pattern's head is, and
         * goes to the head's state past its bytes: no pattern is shorter,
         * so none ends inside them */
        if (st == 0 && ac->starts) {
            if ((i = find_start(ac, s, len, i, &st)) == len)
                break;
            i += ac->head_len - 1;
        } else {
            st = step(ac, st, (uint8_t)s[i]);
        }
        for (uint32_t o = link_at(ac->first, ac->width, st); o && ac->depth[o] <= i + 1;
             o = link_at(ac->out, ac->width, o))
            if (!fn(ctx, i + 1 - ac->depth[o], i + 1, ac->value[o]))
                return 0;
    }
    return 1;
}
