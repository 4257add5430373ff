/* The lexicon in use: mapping the compiled trie, the overlay of added
 * words, and lookups.  See lexicon.h for the jieba semantics. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_CLOEXEC, strdup */
#endif
#include "lexicon_file.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "normalize.h"


static void set_total(struct hb_lexicon *lx, long long total)
{
    lx->total = total;
    /* jieba would raise on log(0); an empty lexicon just never scores. */
    lx->logtotal = total > 0 ? log((double)total) : 0.0;
}

/* ================= opening ================= */

/* lx->dagv from the file's logv (lexicon.h): a pass over the distinct
 * values (jieba's dict.txt has 16,838), not over the trie. */
static int set_dag_values(struct hb_lexicon *lx)
{
    lx->dagv = malloc(((size_t)lx->nlogv + 1) * sizeof *lx->dagv);
    if (!lx->dagv)
        return -1;
    for (uint32_t f = 0; f < lx->nlogv; f++)
        lx->dagv[f] = hb_lex_dag_value(lx->logv[f]);
    lx->dagv[lx->nlogv] = NAN;
    return 0;
}

static int section_ok(const struct lex_header *h, uint64_t off, uint64_t n, uint64_t elem)
{
    return off % 8 == 0 && off <= h->file_size && n <= (h->file_size - off) / elem;
}

struct hb_lexicon *hb_lexicon_open(const char *bin_path, hb_error *err)
{
    struct hb_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx) {
        hb_dict_fail(err, HB_ERR_NOMEM, bin_path, 0, 0, "out of memory");
        return NULL;
    }
    if (!bin_path)
        return lx;
    void *map;
    size_t size;
    if (hb_file_load(bin_path, &map, &size, err) != HB_OK) {
        free(lx);
        return NULL;
    }
    const struct lex_header *h = (const struct lex_header *)map;
    if (size < sizeof *h || memcmp(h->magic, LEX_MAGIC, 8) != 0 || h->version != LEX_VERSION ||
        h->endian != LEX_ENDIAN || h->file_size != size || h->nnodes == 0 || h->ntags == 0 ||
        !section_ok(h, h->off_nodes, h->nnodes, sizeof(hb_lex_node)) ||
        !section_ok(h, h->off_fidx, h->nnodes, sizeof(uint16_t)) || h->nlogv == 0 ||
        !section_ok(h, h->off_logv, h->nlogv, sizeof(double)) ||
        !section_ok(h, h->off_vtag, h->nlogv, 1) ||
        !section_ok(h, h->off_charmap, CHARMAP_N, sizeof(uint16_t)) ||
        !section_ok(h, h->off_supp, (uint64_t)h->nsupp * 2, sizeof(uint32_t)) ||
        !section_ok(h, h->off_tags, h->ntags, 8) || h->total < 0) {
        hb_file_release(map, size);
        hb_dict_fail(err, HB_ERR_DICT, bin_path, 0, 0,
                     "not a huibao lexicon (version %u); rebuild it with lexc", LEX_VERSION);
        free(lx);
        return NULL;
    }
    const char *base = map;
    lx->file = map;
    lx->file_size = size;
    lx->nodes = (const hb_lex_node *)(base + h->off_nodes);
    lx->nnodes = h->nnodes;
    lx->fidx = (const uint16_t *)(base + h->off_fidx);
    lx->logv = (const double *)(base + h->off_logv);
    lx->nlogv = h->nlogv;
    lx->vtag = (const uint8_t *)(base + h->off_vtag);
    lx->charmap = (const uint16_t *)(base + h->off_charmap);
    lx->supp = (const uint32_t *)(base + h->off_supp);
    lx->nsupp = h->nsupp;
    lx->tags = (const char(*)[8])(base + h->off_tags);
    lx->ntags = h->ntags;
    set_total(lx, h->total);
    if (set_dag_values(lx) < 0) {
        hb_dict_fail(err, HB_ERR_NOMEM, bin_path, 0, 0, "out of memory");
        hb_lexicon_free(lx);
        return NULL;
    }
    /* No pass over the trie: a walk bounds-checks every slot and stops
     * after HB_LEX_MAX_WORD characters (hb_lex_step, segment.c), so a
     * crafted trie can give odd words but never a crash, a loop or a
     * quadratic walk.  A root that is not a root is refused here. */
    if (lx->nodes[0].check != 0 || lx->nodes[0].base < 0) {
        hb_dict_fail(err, HB_ERR_DICT, bin_path, 0, 0,
                     "damaged lexicon (its root is not a root); rebuild it with lexc");
        hb_lexicon_free(lx);
        return NULL;
    }
    return lx;
}

/* ================= the overlay ================= */

static int ov_rehash(struct hb_lex_overlay *ov, uint32_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    free(ov->slots);
    ov->slots = slots;
    ov->mask = nslots - 1;
    for (uint32_t x = 1; x < ov->n; x++) {
        uint32_t i = hb_lex_ov_hash(ov->v[x].parent, ov->v[x].cp) & ov->mask;
        while (slots[i])
            i = (i + 1) & ov->mask;
        slots[i] = x;
    }
    return 0;
}

/* Files node x (parent and cp set) where the walks find it: the hash
 * slots, the edge bits, the root's tables. */
static void ov_index(struct hb_lexicon *lx, uint32_t x)
{
    struct hb_lex_overlay *ov = lx->ov;
    uint32_t parent = ov->v[x].parent;
    int32_t cp = ov->v[x].cp;
    uint32_t i = hb_lex_ov_hash(parent, cp) & ov->mask;
    while (ov->slots[i])
        i = (i + 1) & ov->mask;
    ov->slots[i] = x;
    uint32_t h = hb_lex_ov_hash(parent, cp) >> 16;
    lx->ov_edges[h >> 3] |= (uint8_t)(1u << (h & 7));
    if (parent != 0)
        return;
    if ((uint32_t)cp < 0x10000)
        ov->root[cp] = x;
    uint32_t id = hb_lex_char_id(lx, cp);
    if (id && id < HB_LEX_OV_ROOT_IDS)
        ov->root_id[id] |= x;
}

/* Marks node x as ending an added word (its value set by the caller). */
static void ov_valued(struct hb_lexicon *lx, uint32_t x)
{
    struct hb_lex_overlay *ov = lx->ov;
    ov->v[x].has_value = 1;
    if (ov->v[x].parent != 0)
        return;
    if ((uint32_t)ov->v[x].cp < 0x10000)
        ov->root_word[ov->v[x].cp >> 5] |= 1u << (ov->v[x].cp & 31);
    uint32_t id = hb_lex_char_id(lx, ov->v[x].cp);
    if (id && id < HB_LEX_OV_ROOT_IDS)
        ov->root_id[id] |= HB_LEX_OV_VALUED;
}

/* The child of parent by cp, created (without a value) when missing;
 * 0 when out of memory. */
static uint32_t ov_child(struct hb_lexicon *lx, uint32_t parent, int32_t cp)
{
    struct hb_lex_overlay *ov = lx->ov;
    uint32_t x = hb_lex_ov_find(ov, parent, cp);
    if (x)
        return x;
    if (ov->n == ov->cap) {
        uint32_t cap = ov->cap * 2;
        hb_lex_ov_node *v = realloc(ov->v, cap * sizeof *v);
        if (!v)
            return 0;
        ov->v = v;
        ov->cap = cap;
    }
    if ((ov->n + 1) * 2 > ov->mask + 1 && ov_rehash(ov, (ov->mask + 1) * 2) < 0)
        return 0;
    x = ov->n++;
    ov->v[x] = (hb_lex_ov_node){.parent = parent, .cp = cp, .logf = -1.0};
    ov_index(lx, x);
    return x;
}

/* The root's tables (overlay struct): 520 KiB of which a run touches a few
 * pages, so mapped zero pages rather than calloc's, which clears them all
 * when it takes them from the heap. */
#define OV_ROOT_WORDS (0x10000 + 0x10000 / 32 + HB_LEX_OV_ROOT_IDS)

static uint32_t *ov_root_new(void)
{
    void *p = mmap(NULL, OV_ROOT_WORDS * sizeof(uint32_t), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void ov_root_free(uint32_t *root)
{
    if (root)
        munmap(root, OV_ROOT_WORDS * sizeof(uint32_t));
}

/* An empty overlay with room for cap nodes. */
static struct hb_lex_overlay *ov_new(uint32_t cap)
{
    struct hb_lex_overlay *ov = calloc(1, sizeof *ov);
    if (!ov)
        return NULL;
    /* a node is written whole when it is made, so only the root needs zeroing */
    ov->cap = cap;
    ov->v = malloc(ov->cap * sizeof *ov->v);
    if (ov->v)
        memset(&ov->v[0], 0, sizeof ov->v[0]);
    ov->n = 1;
    ov->root = ov_root_new();
    if (ov->root) {
        ov->root_word = ov->root + 0x10000;
        ov->root_id = ov->root_word + 0x10000 / 32;
    }
    if (!ov->v || !ov->root || ov_rehash(ov, 2 * ov->cap) < 0) {
        ov_root_free(ov->root);
        free(ov->v);
        free(ov);
        return NULL;
    }
    return ov;
}

/* The overlay's copy of tag, made on its first use (among the first 64
 * tags: past them, a copy each, so that a crafted file of distinct tags
 * does not cost a search per word); NULL when out of memory. */
static const char *ov_tag(struct hb_lex_overlay *ov, const char *tag)
{
    for (size_t i = 0; i < ov->ntags && i < 64; i++)
        if (!strcmp(ov->tags[i], tag))
            return ov->tags[i];
    if (ov->ntags == ov->tagcap) {
        size_t cap = ov->tagcap ? ov->tagcap * 2 : 16;
        char **v = realloc(ov->tags, cap * sizeof *v);
        if (!v)
            return NULL;
        ov->tags = v;
        ov->tagcap = cap;
    }
    char *t = strdup(tag);
    if (t)
        ov->tags[ov->ntags++] = t;
    return t;
}

static void ov_free(struct hb_lex_overlay *ov)
{
    if (!ov)
        return;
    for (size_t i = 0; i < ov->ntags; i++)
        free(ov->tags[i]);
    free(ov->tags);
    free(ov->v);
    free(ov->slots);
    ov_root_free(ov->root);
    free(ov);
}

void hb_lexicon_free(struct hb_lexicon *lx)
{
    if (!lx)
        return;
    hb_file_release(lx->file, lx->file_size);
    free(lx->dagv);
    ov_free(lx->ov);
    free(lx->ov_edges);
    free(lx);
}

/* ---- the overlay as a blob: rulec files it in the rules file ----
 * A head, a record per node (node 0, the root, included), then the tags,
 * each ending in NUL.  From a rules file it may be damaged or crafted:
 * every record is checked before it is filed. */
struct ov_head {
    uint32_t n, ntags;
    uint64_t tagbytes;
    int64_t total;  /* the lexicon's total with the words added */
};

struct ov_rec {
    uint32_t parent;
    int32_t cp;
    uint32_t tag;   /* 0: none, else 1 + its index */
    uint32_t has_value;
    int64_t freq;
    double logf;
};

void *hb_lexicon_overlay_save(const struct hb_lexicon *lx, size_t *size)
{
    const struct hb_lex_overlay *ov = lx->ov;
    uint32_t n = ov ? ov->n : 1, ntags = ov ? (uint32_t)ov->ntags : 0;
    uint64_t tagbytes = 0;
    for (uint32_t i = 0; i < ntags; i++)
        tagbytes += strlen(ov->tags[i]) + 1;
    *size = sizeof(struct ov_head) + n * sizeof(struct ov_rec) + tagbytes;
    char *b = malloc(*size);
    if (!b)
        return NULL;
    struct ov_head h = {n, ntags, tagbytes, lx->total};
    memcpy(b, &h, sizeof h);
    struct ov_rec *r = (struct ov_rec *)(b + sizeof h);
    r[0] = (struct ov_rec){0, 0, 0, 0, 0, 0.0}; /* the root, also of no overlay */
    for (uint32_t x = 1; x < n; x++) {
        const hb_lex_ov_node *v = &ov->v[x];
        uint32_t tag = 0;
        while (v->tag && ov->tags[tag] != v->tag)
            tag++;
        r[x] = (struct ov_rec){v->parent, v->cp, v->tag ? tag + 1 : 0, (uint32_t)v->has_value, v->freq, v->logf};
    }
    char *t = (char *)(r + n);
    for (uint32_t i = 0; i < ntags; i++)
        t = stpcpy(t, ov->tags[i]) + 1;
    return b;
}

/* Is the blob an overlay whose every node hangs below an earlier one? */
static int overlay_ok(const struct ov_head *h, size_t size)
{
    if (size < sizeof *h || h->n == 0 || h->n > (1u << 26) || h->tagbytes > size ||
        (size - sizeof *h - h->tagbytes) / sizeof(struct ov_rec) != h->n ||
        (size - sizeof *h - h->tagbytes) % sizeof(struct ov_rec) || h->total < 0)
        return 0;
    const struct ov_rec *r = (const struct ov_rec *)(h + 1);
    for (uint32_t x = 1; x < h->n; x++)
        if (r[x].parent >= x || r[x].cp < 0 || r[x].cp >= 0x110000 || r[x].tag > h->ntags ||
            r[x].has_value > 1 || r[x].freq < 0 || r[x].freq > (1LL << 53))
            return 0;
    const char *t = (const char *)(r + h->n);
    size_t ends = 0;
    for (uint64_t i = 0; i < h->tagbytes; i++)
        ends += t[i] == '\0';
    return ends == h->ntags && (h->tagbytes == 0 || t[h->tagbytes - 1] == '\0');
}

hb_status hb_lexicon_overlay_load(struct hb_lexicon *lx, const void *blob, size_t size)
{
    const struct ov_head *h = blob;
    if (lx->ov || (uintptr_t)blob % 8 || !overlay_ok(h, size))
        return HB_ERR_DICT;
    if (h->n == 1) { /* no word added: no overlay */
        set_total(lx, h->total);
        return HB_OK;
    }
    uint32_t cap = 8192;
    while (cap < h->n)
        cap *= 2;
    if (!(lx->ov_edges = calloc(HB_LEX_OV_BITS / 8, 1)) || !(lx->ov = ov_new(cap)) ||
        (h->ntags && !(lx->ov->tags = malloc(h->ntags * sizeof *lx->ov->tags))))
        return HB_ERR_NOMEM;
    struct hb_lex_overlay *ov = lx->ov;
    ov->tagcap = h->ntags;
    const struct ov_rec *r = (const struct ov_rec *)(h + 1);
    for (const char *t = (const char *)(r + h->n); ov->ntags < h->ntags; t += strlen(t) + 1)
        if (!(ov->tags[ov->ntags++] = strdup(t)))
            return HB_ERR_NOMEM;
    for (uint32_t x = 1; x < h->n; x++) {
        ov->v[x] = (hb_lex_ov_node){.parent = r[x].parent, .cp = r[x].cp, .logf = r[x].logf, .freq = r[x].freq,
                                    .tag = r[x].tag ? ov->tags[r[x].tag - 1] : NULL};
        ov_index(lx, x);
        if (r[x].has_value)
            ov_valued(lx, x);
    }
    ov->n = h->n;
    set_total(lx, h->total);
    return HB_OK;
}

/* ================= lookups ================= */

typedef struct {
    int found;          /* the string is in FREQ */
    uint32_t b, o;      /* final slots, HB_LEX_NONE where absent */
} lex_hit;

static lex_hit lookup(const struct hb_lexicon *lx, const char *word, size_t len)
{
    lex_hit r = {0, HB_LEX_NONE, HB_LEX_NONE};
    if (len == 0)
        return r;
    hb_lex_cursor c = hb_lex_root();
    for (size_t i = 0; i < len;) {
        int cp;
        i += (size_t)hb_utf8_next(word + i, len - i, &cp);
        double lf;
        if (!hb_lex_step(lx, &c, cp, hb_lex_char_id(lx, cp), &lf))
            return r;
    }
    r.found = 1;
    r.b = c.b;
    r.o = c.o;
    return r;
}

long long hb_lexicon_freq(const struct hb_lexicon *lx, const char *word, size_t len)
{
    lex_hit h = lookup(lx, word, len);
    if (!h.found)
        return -1;
    if (h.o != HB_LEX_NONE && lx->ov->v[h.o].has_value)
        return lx->ov->v[h.o].freq;
    if (h.b == HB_LEX_NONE)
        return 0;
    /* The file keeps log(freq) only: freq < 2^32 comes back exactly, as the
     * error of exp(log(f)) is far below 0.5; a crafted value stays in range. */
    double lf = lx->fidx[h.b] < lx->nlogv ? lx->logv[lx->fidx[h.b]] : -1;
    return lf >= 0 && lf < 23.0 ? llround(exp(lf)) : 0;
}

const char *hb_lexicon_tag(const struct hb_lexicon *lx, const char *word, size_t len)
{
    lex_hit h = lookup(lx, word, len);
    if (!h.found)
        return NULL;
    if (h.o != HB_LEX_NONE && lx->ov->v[h.o].tag)
        return lx->ov->v[h.o].tag;
    uint32_t v = h.b != HB_LEX_NONE ? lx->fidx[h.b] : UINT32_MAX;
    if (v < lx->nlogv && lx->vtag[v] && lx->vtag[v] < lx->ntags && lx->tags[lx->vtag[v]][7] == '\0')
        return lx->tags[lx->vtag[v]];
    return NULL;
}

long long hb_lexicon_total(const struct hb_lexicon *lx)
{
    return lx->total;
}

/* hb_lexicon_add once the frequency is known (userdict.c computes
 * suggested ones with the segmenter). */
hb_status hb_lexicon_set(struct hb_lexicon *lx, const char *word, size_t len, long long freq,
                         const char *tag)
{
    if (freq > (1LL << 53) || lx->total > (1LL << 53) - freq)
        return HB_ERR_ARG; /* beyond exact doubles: log() would no longer match jieba */
    if (!lx->ov_edges && !(lx->ov_edges = calloc(HB_LEX_OV_BITS / 8, 1)))
        return HB_ERR_NOMEM;
    /* room for the engine's own words (dict/lexicon.txt and the slogans:
     * some 5,000 nodes) without growing on the way there */
    if (!lx->ov && !(lx->ov = ov_new(8192)))
        return HB_ERR_NOMEM;
    struct hb_lex_overlay *ov = lx->ov;
    uint32_t x = 0;
    for (size_t i = 0; i < len;) {
        int cp;
        i += (size_t)hb_utf8_next(word + i, len - i, &cp);
        if (!(x = ov_child(lx, x, cp)))
            return HB_ERR_NOMEM;
    }
    if (tag && *tag) {
        const char *t = ov_tag(ov, tag);
        if (!t)
            return HB_ERR_NOMEM;
        ov->v[x].tag = t;
    }
    ov_valued(lx, x);
    ov->v[x].freq = freq;
    ov->v[x].logf = log_or_none(freq);
    set_total(lx, lx->total + freq);
    return HB_OK;
}
