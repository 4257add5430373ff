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

/* Where dagx goes: zero words that stay readable for every index a slot
 * can hold.  Past the file's end in the buffer it was read into, when they
 * fit there (the 1.4 MiB that jieba's 6.9 MB take up to the buffer's last
 * 2 MiB page, already faulted in by the read: 33 page faults fewer at
 * every start), else mapped zero pages of their own. */
static uint64_t *dag_room(struct hb_lexicon *lx)
{
    size_t at = (lx->file_size + 7) / 8 * 8, need = HB_LEX_DAG_SLOTS * sizeof *lx->dagx;
    if (!lx->image && hb_file_room(lx->file_size) >= at + need)
        return (uint64_t *)((char *)lx->file + at);
    void *p = mmap(NULL, need, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    lx->dagx_mapped = p != MAP_FAILED;
    return p != MAP_FAILED ? p : NULL;
}

/* lx->dagx from the file's logv (lexicon.h): a pass over the distinct
 * values (jieba's dict.txt has 16,838), not over the trie.  In zero words
 * (dag_room), so that the indices past them, which a crafted file alone
 * has, cost no writes (they read as NaN). */
typedef double lex_f64x2 __attribute__((vector_size(16)));
typedef uint64_t lex_u64x2 __attribute__((vector_size(16)));

static int set_dag_values(struct hb_lexicon *lx)
{
    uint64_t *dagx = lx->dagx = dag_room(lx);
    if (!dagx)
        return -1;
    const double *logv = lx->logv;
    uint32_t n = lx->nlogv < HB_LEX_DAG_SLOTS ? lx->nlogv : HB_LEX_DAG_SLOTS, f = 0;
    /* hb_lex_dag_value two at a time, as a mask (a third of a start's
     * instructions in this loop went to its branch): a prefix's NaN gives
     * 0, as the words past n */
    for (; f + 2 <= n; f += 2) {
        lex_f64x2 v;
        lex_u64x2 bits;
        memcpy(&v, logv + f, sizeof v);
        memcpy(&bits, &v, sizeof bits);
        bits = (bits ^ HB_LEX_NAN_BITS) & (lex_u64x2)(v >= 0);
        memcpy(dagx + f, &bits, sizeof bits);
    }
    for (; f < n; f++) {
        double v = hb_lex_dag_value(logv[f]);
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        dagx[f] = bits ^ HB_LEX_NAN_BITS;
    }
    return 0;
}

static int section_ok(const struct lex_header *h, uint64_t off, uint64_t n, uint64_t elem)
{
    return off % 8 == 0 && off <= h->file_size && n <= (h->file_size - off) / elem;
}

/* The char map of an empty lexicon: no char has an id.  Never written;
 * not const, so that it takes zero pages (.bss), not 128 KiB of the
 * binary. */
static uint16_t no_char_ids[CHARMAP_N];

/* Points lx's sections into the compiled bytes at base (their header
 * checked by lexicon_bytes). */
static void point_sections(struct hb_lexicon *lx, const char *base)
{
    const struct lex_header *h = (const struct lex_header *)base;
    lx->file = (void *)base;
    lx->nodes = (const hb_lex_slot *)(base + h->off_nodes);
    lx->nnodes = h->nnodes;
    lx->logv = (const double *)(base + h->off_logv);
    lx->nlogv = h->nlogv;
    lx->vtag = (const uint8_t *)(base + h->off_vtag);
    lx->charmap = (const uint16_t *)(base + h->off_charmap);
    lx->supp = (const uint32_t *)(base + h->off_supp);
    lx->nsupp = h->nsupp;
    lx->tags = (const char(*)[8])(base + h->off_tags);
    lx->ntags = h->ntags;
}

/* Takes the compiled bytes at map (size of them: a file's, or an image's
 * lexicon part) into lx, named `name` in errors; HB_OK, or the error with
 * lx freed (and map with it unless lx->image). */
static hb_status lexicon_bytes(struct hb_lexicon *lx, void *map, size_t size, const char *name, hb_error *err)
{
    const struct lex_header *h = (const struct lex_header *)map;
    if (size < sizeof *h || memcmp(h->magic, LEX_MAGIC, 8) != 0 || h->version != LEX_VERSION ||
        h->endian != LEX_ENDIAN || h->file_size != size || h->nnodes == 0 || h->ntags == 0 ||
        !section_ok(h, h->off_nodes, h->nnodes, sizeof(hb_lex_slot)) || h->nlogv == 0 ||
        !section_ok(h, h->off_logv, h->nlogv, sizeof(double)) ||
        !section_ok(h, h->off_vtag, h->nlogv, 1) ||
        !section_ok(h, h->off_charmap, CHARMAP_N, sizeof(uint16_t)) ||
        !section_ok(h, h->off_supp, (uint64_t)h->nsupp * 2, sizeof(uint32_t)) ||
        !section_ok(h, h->off_tags, h->ntags, 8) || h->total < 0) {
        if (!lx->image)
            hb_file_release(map, size);
        hb_dict_fail(err, HB_ERR_DICT, name, 0, 0, "not a huibao lexicon (version %u); rebuild it with lexc",
                     LEX_VERSION);
        free(lx);
        return HB_ERR_DICT;
    }
    point_sections(lx, map);
    lx->file_size = size;
    set_total(lx, h->total);
    if (!lx->dagx && set_dag_values(lx) < 0) {
        hb_dict_fail(err, HB_ERR_NOMEM, name, 0, 0, "out of memory");
        hb_lexicon_free(lx);
        return HB_ERR_NOMEM;
    }
    /* No pass over the trie: a walk bounds-checks every slot and stops
     * after HB_LEX_MAX_WORD characters (hb_lex_step, segment.c), so a
     * crafted trie can give odd words but never a crash, a loop or a
     * quadratic walk.  A root that is not a root (a label, or a base
     * below 0 that could make it a child) is refused here. */
    if (lx->nodes[0].label != HB_LEX_NO_LABEL || lx->nodes[0].base < 0) {
        hb_dict_fail(err, HB_ERR_DICT, name, 0, 0, "damaged lexicon (its root is not a root); rebuild it with lexc");
        hb_lexicon_free(lx);
        return HB_ERR_DICT;
    }
    return HB_OK;
}

struct hb_lexicon *hb_lexicon_open(const char *bin_path, hb_error *err)
{
    struct hb_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx) {
        hb_dict_fail(err, HB_ERR_NOMEM, bin_path, 0, 0, "out of memory");
        return NULL;
    }
    lx->charmap = no_char_ids;
    if (!bin_path)
        return lx;
    void *map;
    size_t size;
    if (hb_file_load(bin_path, &map, &size, err) != HB_OK) {
        free(lx);
        return NULL;
    }
    return lexicon_bytes(lx, map, size, bin_path, err) == HB_OK ? lx : NULL;
}

/* A built-in image: the compiled lexicon, then (at the next multiple of 8)
 * a trailer naming the overlay whose marks its slots carry, the DAG values
 * made from its logv (lx->dagx), and that overlay as a start takes it from
 * the rules file (image_ov: its slots, values and words' table), so that a
 * start computes and writes none of them. */
struct image_trailer {
    char magic[8];
    unsigned char overlay_key[32];
    uint64_t dagx[HB_LEX_DAG_SLOTS];
};
struct hb_lex_image_ov {
    uint32_t cap, n, words_mask, ntags; /* then da[cap], val[cap], words[words_mask + 1] */
};
static const char IMAGE_MAGIC[8] = "HBLEXMK4";

static size_t image_ov_size(const struct hb_lex_image_ov *io);
static void *image_ov_save(const struct hb_lexicon *lx, size_t *size);

struct hb_lexicon *hb_lexicon_open_image(const void *image, size_t size, hb_error *err)
{
    const char *name = "huibao's built-in lexicon";
    struct hb_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx) {
        hb_dict_fail(err, HB_ERR_NOMEM, name, 0, 0, "out of memory");
        return NULL;
    }
    lx->image = 1;
    if ((uintptr_t)image % 8) /* its header and sections are read in place */
        size = 0;
    const struct lex_header *h = image;
    size_t lex_size = size, at = size >= sizeof *h ? (h->file_size + 7) / 8 * 8 : SIZE_MAX;
    const size_t head = sizeof(struct image_trailer) + sizeof(struct hb_lex_image_ov);
    if (at <= size && size - at >= head) {
        const struct image_trailer *t = (const struct image_trailer *)((const char *)image + at);
        const struct hb_lex_image_ov *io = (const struct hb_lex_image_ov *)(t + 1);
        if (memcmp(t->magic, IMAGE_MAGIC, 8) == 0 && image_ov_size(io) == size - at - sizeof *t) {
            lex_size = h->file_size;
            lx->image_ov = io->cap ? io : NULL;
            memcpy(lx->image_key, t->overlay_key, sizeof lx->image_key);
            lx->stale_marks = 1;
            lx->dagx = (uint64_t *)t->dagx; /* read only, as the rest */
        }
    }
    return lexicon_bytes(lx, (void *)image, lex_size, name, err) == HB_OK ? lx : NULL;
}

void *hb_lexicon_image_save(const struct hb_lexicon *lx, const unsigned char overlay_key[32], size_t *size)
{
    size_t at = (lx->file_size + 7) / 8 * 8, ov_size;
    void *ov = image_ov_save(lx, &ov_size);
    char *b = ov ? calloc(1, at + sizeof(struct image_trailer) + ov_size) : NULL;
    if (!b) {
        free(ov);
        return NULL;
    }
    memcpy(b, lx->file, lx->file_size);
    struct image_trailer *t = (struct image_trailer *)(b + at);
    memcpy(t->magic, IMAGE_MAGIC, 8);
    memcpy(t->overlay_key, overlay_key, sizeof t->overlay_key);
    memcpy(t->dagx, lx->dagx, sizeof t->dagx);
    memcpy(t + 1, ov, ov_size);
    free(ov);
    *size = at + sizeof *t + ov_size;
    return b;
}

/* ================= the overlay ================= */

/* The most slots an overlay takes: its slots and bases stay far inside
 * 32 bits, and a crafted word list cannot ask for more memory than this. */
#define OV_MAX_SLOTS (1u << 26)
/* room for the engine's own words (dict/lexicon.txt and the slogans: some
 * 5,000 slots beside the root's children) without growing on the way there */
#define OV_FIRST_SLOTS (HB_LEX_OV_MIN_SLOTS + 0x4000u)

/* The slots' arrays of the overlay struct: a few MiB of which a run touches
 * the pages its words are on, so mapped zero pages rather than calloc's,
 * which clears them all when it takes them from the heap; grown by
 * mremap, whose new pages are zero too. */
static void *ov_map(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void *ov_remap(void *p, size_t old, size_t size)
{
    p = mremap(p, old, size, MREMAP_MAYMOVE);
    return p == MAP_FAILED ? NULL : p;
}

/* Grows the overlay to `need` slots or more, the new ones free; -1 when
 * out of memory or past OV_MAX_SLOTS. */
static int ov_grow(struct hb_lex_overlay *ov, uint64_t need)
{
    if (need <= ov->cap)
        return 0;
    if (need > OV_MAX_SLOTS)
        return -1;
    uint32_t cap = ov->cap;
    while (cap < need)
        cap *= 2;
    /* val first: a larger val is harmless, while da and aux must stay
     * mapped as cap says, which is what ov_free unmaps */
    double *val = realloc(ov->val, cap * sizeof *val);
    if (!val)
        return -1;
    ov->val = val;
    hb_lex_node *da = ov_remap(ov->da, ov->cap * sizeof *da, cap * sizeof *da);
    if (!da)
        return -1;
    hb_lex_ov_aux *aux = ov_remap(ov->aux, ov->cap * sizeof *aux, cap * sizeof *aux);
    if (!aux) {
        hb_lex_node *back = ov_remap(da, cap * sizeof *da, ov->cap * sizeof *da); /* a shrink, in place */
        ov->da = back ? back : da;
        return -1;
    }
    ov->da = da;
    ov->aux = aux;
    ov->cap = cap;
    return 0;
}

/* Is slot t (maybe past cap, where all are free) taken? */
static int ov_used(const struct hb_lex_overlay *ov, int64_t t)
{
    return t < ov->cap && ov->da[t].check != 0;
}

static void ov_free(struct hb_lex_overlay *ov);

/* An empty overlay (its root alone) with room for cap slots. */
static struct hb_lex_overlay *ov_new(uint32_t cap)
{
    struct hb_lex_overlay *ov = calloc(1, sizeof *ov);
    if (!ov)
        return NULL;
    ov->cap = cap;
    ov->da = ov_map(cap * sizeof *ov->da);
    ov->aux = ov_map(cap * sizeof *ov->aux);
    ov->val = malloc(cap * sizeof *ov->val);
    if (!ov->da || !ov->aux || !ov->val) {
        ov_free(ov);
        return NULL;
    }
    /* the root's check is no slot's number + 1: it is no child */
    ov->da[0] = (hb_lex_node){HB_LEX_OV_ROOT_BASE, UINT32_MAX};
    ov->n = 1;
    ov->free_from = 1;
    return ov;
}

/* The slot arrays of an overlay taken from a blob, its slots up to top:
 * never grown, no aux (only adding and saving read it); da in the memory
 * the caller lends when it can (already in memory: the 78 pages of da a
 * start touched were as many faults), else mapped.  0 when out of memory. */
static int ov_taken_slots(struct hb_lex_overlay *ov, uint32_t top, const hb_lex_spare *spare)
{
    ov->cap = top < OV_FIRST_SLOTS ? OV_FIRST_SLOTS : top + 1;
    if (spare)
        ov->da_lent = (ov->da = spare->fn(spare->ctx, ov->cap * sizeof *ov->da)) != NULL;
    if (!ov->da && !(ov->da = ov_map(ov->cap * sizeof *ov->da)))
        return 0;
    if (!(ov->val = malloc(ov->cap * sizeof *ov->val)))
        return 0;
    ov->da[0] = (hb_lex_node){HB_LEX_OV_ROOT_BASE, UINT32_MAX};
    ov->n = 1;
    ov->free_from = 1;
    return 1;
}

/* Slot t (free, below cap) becomes a child of s with no children and no
 * value yet, base, tag and freq as given (0 for a new one). */
static void ov_take(struct hb_lex_overlay *ov, uint32_t s, uint32_t t, int32_t base, uint32_t tag,
                    long long freq)
{
    ov->da[t] = (hb_lex_node){base, s + 1};
    ov->aux[t] = (hb_lex_ov_aux){0, ov->aux[s].first, tag, freq};
    ov->aux[s].first = t;
    ov->n++;
}

/* Whether every f - m + lab[i] (k of them) is a free slot. */
static int ov_fits(const struct hb_lex_overlay *ov, int64_t f, const int64_t *lab, size_t k, int64_t m)
{
    for (size_t i = 0; i < k; i++)
        if (ov_used(ov, f - m + lab[i]))
            return 0;
    return 1;
}

/* A base b where every b + lab[i] (k of them, the least m) is a free slot
 * other than the root's: first fit from the lowest free slot, within
 * OV_FIT_WINDOW slots; past them, first fit from where the last such
 * search found its base, which only moves on.  Without the window, every
 * search crossed the dense slots behind the lowest free one, and adding
 * words took quadratic time (50,000 words: 11 s). */
enum { OV_FIT_WINDOW = 64 };
static int64_t ov_find_base(struct hb_lex_overlay *ov, const int64_t *lab, size_t k, int64_t m)
{
    while (ov_used(ov, ov->free_from))
        ov->free_from++;
    int64_t f = ov->free_from;
    for (int64_t end = f + OV_FIT_WINDOW; f < end; f++)
        if (!ov_used(ov, f) && ov_fits(ov, f, lab, k, m))
            return f - m;
    for (f = f > ov->fit_from ? f : ov->fit_from;; f++)
        if (!ov_used(ov, f) && ov_fits(ov, f, lab, k, m)) {
            ov->fit_from = (uint32_t)f;
            return f - m;
        }
}

/* Moves the children of s (s != 0), and makes room for a new one by cp
 * unless cp < 0, to a base where all fit; 0, or -1 when out of memory. */
static int ov_relocate(struct hb_lex_overlay *ov, uint32_t s, int32_t cp)
{
    int64_t stack[64], *lab = stack, old = ov->da[s].base, m = cp >= 0 ? cp : INT64_MAX, top = m;
    size_t k = cp >= 0;
    for (uint32_t c = ov->aux[s].first; c; c = ov->aux[c].next)
        k++;
    if (k > 64 && !(lab = malloc(k * sizeof *lab)))
        return -1;
    k = 0;
    if (cp >= 0)
        lab[k++] = cp;
    for (uint32_t c = ov->aux[s].first; c; c = ov->aux[c].next) {
        lab[k] = (int64_t)c - old;
        m = lab[k] < m ? lab[k] : m;
        top = lab[k] > top || top == INT64_MAX ? lab[k] : top;
        k++;
    }
    int64_t b = ov_find_base(ov, lab, k, m);
    if (lab != stack)
        free(lab);
    if (ov_grow(ov, (uint64_t)(b + top) + 1) < 0)
        return -1;
    uint32_t prev = 0;
    for (uint32_t c = ov->aux[s].first, next; c; c = next) {
        next = ov->aux[c].next;
        uint32_t t = (uint32_t)(b + ((int64_t)c - old));
        ov->da[t] = ov->da[c];
        ov->val[t] = ov->val[c];
        ov->aux[t] = ov->aux[c];
        for (uint32_t g = ov->aux[t].first; g; g = ov->aux[g].next)
            ov->da[g].check = (ov->da[g].check & HB_LEX_OV_WORD) | (t + 1);
        ov->da[c] = (hb_lex_node){0, 0};
        if (c < ov->free_from)
            ov->free_from = c;
        if (prev)
            ov->aux[prev].next = t;
        else
            ov->aux[s].first = t;
        prev = t;
    }
    ov->da[s].base = (int32_t)b;
    return 0;
}

/* The child of s by cp, made (without a value) when missing, moving s's
 * children, or the children of the slot's owner when s is the root (which
 * never moves); 0 when out of memory. */
static uint32_t ov_child(struct hb_lex_overlay *ov, uint32_t s, int32_t cp)
{
    uint32_t x = hb_lex_ov_step(ov, s, cp);
    if (x)
        return x;
    int64_t t = (int64_t)ov->da[s].base + cp;
    if (s != 0 && (!ov->aux[s].first || t < 1 || ov_used(ov, t))) {
        if (ov_relocate(ov, s, cp) < 0)
            return 0;
        t = (int64_t)ov->da[s].base + cp;
    } else if (s == 0 && ov_used(ov, t) && ov_relocate(ov, (ov->da[t].check & ~HB_LEX_OV_WORD) - 1, -1) < 0) {
        return 0;
    }
    if (ov_grow(ov, (uint64_t)t + 1) < 0)
        return 0;
    ov_take(ov, s, (uint32_t)t, 0, 0, 0);
    return (uint32_t)t;
}

/* The number (1 + index) of the overlay's copy of tag, made on its first
 * use (among the first 64 tags: past them, a copy each, so that a crafted
 * file of distinct tags does not cost a search per word); 0 when out of
 * memory. */
static uint32_t ov_tag(struct hb_lex_overlay *ov, const char *tag)
{
    for (size_t i = 0; i < ov->ntags && i < 64; i++)
        if (!strcmp(ov->tags[i], tag))
            return (uint32_t)i + 1;
    if (ov->ntags == ov->tagcap) {
        size_t cap = ov->tagcap ? ov->tagcap * 2 : 16;
        char **v = realloc(ov->tags, cap * sizeof *v);
        if (!v)
            return 0;
        ov->tags = v;
        ov->tagcap = cap;
    }
    char *t = strdup(tag);
    if (!t)
        return 0;
    ov->tags[ov->ntags++] = t;
    return (uint32_t)ov->ntags;
}

static void ov_free(struct hb_lex_overlay *ov)
{
    if (!ov)
        return;
    for (size_t i = 0; i < ov->ntags; i++)
        free(ov->tags[i]);
    free(ov->tags);
    if (!ov->words_lent)
        free(ov->words);
    if (!ov->val_lent)
        free(ov->val);
    if (ov->da && !ov->da_lent)
        munmap(ov->da, ov->cap * sizeof *ov->da);
    if (ov->aux)
        munmap(ov->aux, ov->cap * sizeof *ov->aux);
    free(ov);
}

void hb_lexicon_free(struct hb_lexicon *lx)
{
    if (!lx)
        return;
    if (!lx->image)
        hb_file_release(lx->file, lx->file_size);
    if (lx->dagx_mapped)
        munmap(lx->dagx, HB_LEX_DAG_SLOTS * sizeof *lx->dagx);
    ov_free(lx->ov);
    free(lx);
}

/* ---- the overlay as a blob: rulec files it in the rules file ----
 * A head, a record per used slot, each after its parent's (the root's,
 * record 0, first), then the tags, each ending in NUL.  A record gives the
 * slot, so that loading is a copy, not a placing.  From a rules file it may
 * be damaged or crafted: every record is checked before it is filed. */
struct ov_head {
    uint32_t n, ntags;
    uint64_t tagbytes;
    int64_t total;  /* the lexicon's total with the words added */
};

struct ov_rec {
    uint32_t parent; /* its record's index */
    int32_t cp;
    uint32_t tag;    /* 0: none, else 1 + its index */
    uint32_t slot;
    int64_t freq;
    double logf;     /* NaN: no word ends here */
    int32_t base;
    uint32_t zero;
};

/* Appends the records of slot x's children, and theirs, after record at
 * (x's own); returns the next free record's index. */
static uint32_t ov_save_below(const struct hb_lex_overlay *ov, uint32_t x, uint32_t at, struct ov_rec *r)
{
    uint32_t next = at + 1;
    for (uint32_t c = ov->aux[x].first; c; c = ov->aux[c].next) {
        r[next] = (struct ov_rec){at, (int32_t)((int64_t)c - ov->da[x].base), ov->aux[c].tag, c,
                                  ov->aux[c].freq, hb_lex_ov_word(ov, c) ? ov->val[c] : NAN, ov->da[c].base, 0};
        next = ov_save_below(ov, c, next, r);
    }
    return next;
}

void *hb_lexicon_overlay_save(const struct hb_lexicon *lx, size_t *size)
{
    const struct hb_lex_overlay *ov = lx->ov;
    if (ov && ov->taken)
        return NULL; /* no sibling links to follow */
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
    r[0] = (struct ov_rec){0, 0, 0, 0, 0, NAN, HB_LEX_OV_ROOT_BASE, 0}; /* the root, also of no overlay */
    if (ov)
        ov_save_below(ov, 0, 0, r);
    char *t = (char *)(r + n);
    for (uint32_t i = 0; i < ntags; i++)
        t = stpcpy(t, ov->tags[i]) + 1;
    return b;
}

/* Makes the general trie's slots writable, to mark an added word's
 * leaving on: a built-in image is copied first (its pages are the
 * program's, read-only), and the marks it carries, of an overlay not
 * loaded, are cleared.  -1 when out of memory. */
static int marks_writable(struct hb_lexicon *lx)
{
    if (lx->image) {
        void *copy = hb_file_copy(lx->file, lx->file_size);
        if (!copy)
            return -1;
        point_sections(lx, copy);
        lx->image = 0;
    }
    if (lx->stale_marks) {
        hb_lex_slot *nodes = (hb_lex_slot *)lx->nodes;
        for (uint32_t i = 0; i < lx->nnodes; i++)
            nodes[i].label &= (uint16_t)~HB_LEX_OV_HERE;
        lx->stale_marks = 0;
    }
    return 0;
}

hb_status hb_lexicon_settle(struct hb_lexicon *lx)
{
    return !lx->stale_marks || marks_writable(lx) == 0 ? HB_OK : HB_ERR_NOMEM;
}

/* Marks the general trie's slot where the added word cps[0..n) leaves it
 * (HB_LEX_OV_HERE on the slot of its longest prefix there); none when its
 * first char is not there, as the segmenter then walks the overlay anyway.
 * -1 when out of memory (marks_writable). */
static int mark_leaving(struct hb_lexicon *lx, const int32_t *cps, size_t n)
{
    if (marks_writable(lx) != 0)
        return -1;
    hb_lex_slot *nodes = (hb_lex_slot *)lx->nodes;
    uint32_t s = 0, last = HB_LEX_NONE;
    for (size_t i = 0; i < n && lx->nnodes; i++) {
        uint32_t id = hb_lex_char_id(lx, cps[i]);
        uint32_t t = id ? hb_lex_child(nodes, lx->nnodes, s, id) : HB_LEX_NONE;
        if (t == HB_LEX_NONE)
            break;
        last = s = t;
    }
    if (last != HB_LEX_NONE)
        nodes[last].label |= HB_LEX_OV_HERE;
    return 0;
}

/* Is the blob's head an overlay's: its size that of its records and tags,
 * its first record the root's, its tags each ending in NUL? */
static int overlay_head_ok(const struct ov_head *h, size_t size)
{
    if (size < sizeof *h || h->n == 0 || h->n > OV_MAX_SLOTS || h->tagbytes > size ||
        (size - sizeof *h - h->tagbytes) / sizeof(struct ov_rec) != h->n ||
        (size - sizeof *h - h->tagbytes) % sizeof(struct ov_rec) || h->total < 0)
        return 0;
    const struct ov_rec *r = (const struct ov_rec *)(h + 1);
    if (r[0].slot != 0 || r[0].base != HB_LEX_OV_ROOT_BASE || !isnan(r[0].logf))
        return 0;
    const char *t = (const char *)(r + h->n);
    size_t ends = 0;
    for (uint64_t i = 0; i < h->tagbytes; i++)
        ends += t[i] == '\0';
    return ends == h->ntags && (h->tagbytes == 0 || t[h->tagbytes - 1] == '\0');
}

/* Does record x hang below an earlier one, at the slot its parent's base
 * gives, its fields in range, no deeper than the longest word (depth: by
 * record, the earlier ones set)?  The segmenter's walks are bounded by the
 * depth. */
static int overlay_rec_ok(const struct ov_rec *r, uint32_t x, uint32_t ntags, uint8_t *depth)
{
    const struct ov_rec *v = &r[x];
    if (v->parent >= x || v->cp < 0 || v->cp >= 0x110000 || v->tag > ntags || v->freq < 0 ||
        v->freq > (1LL << 53) || v->slot == 0 || v->slot >= OV_MAX_SLOTS ||
        v->slot != (uint64_t)((int64_t)r[v->parent].base + v->cp))
        return 0;
    depth[x] = (uint8_t)(depth[v->parent] + 1);
    return depth[x] <= HB_LEX_MAX_WORD;
}

/* A taken overlay's tag and frequency of a slot, in a hash table by slot
 * (open addressing, slot 0, the root's, marks a free entry) rather than in
 * aux: its words lie on slots up to U+9FFF and past, so that aux's lines
 * took a hundred pages, each a fault at start, for 1,200 words. */
struct hb_lex_ov_word {
    uint32_t slot, tag;
    long long freq;
};

static uint32_t word_hash(uint32_t slot, uint32_t mask)
{
    return (slot * 0x9E3779B1u >> 7) & mask;
}

/* The table for n records holding a tag or a frequency, each slot once
 * (overlay_file refuses a slot taken twice before it files one); 0 when
 * out of memory. */
static int words_new(struct hb_lex_overlay *ov, uint32_t n, const hb_lex_spare *spare)
{
    uint32_t cap = 16;
    while (cap < n + n / 2)
        cap *= 2;
    ov->words_mask = cap - 1;
    if (spare)
        ov->words_lent = (ov->words = spare->fn(spare->ctx, cap * sizeof *ov->words)) != NULL;
    return ov->words || (ov->words = calloc(cap, sizeof *ov->words));
}

static void word_put(struct hb_lex_overlay *ov, uint32_t slot, uint32_t tag, long long freq)
{
    uint32_t i = word_hash(slot, ov->words_mask);
    while (ov->words[i].slot)
        i = (i + 1) & ov->words_mask;
    ov->words[i] = (struct hb_lex_ov_word){slot, tag, freq};
}

/* Slot t's tag (0: none) and frequency, from aux or the taken table. */
static uint32_t ov_tag_of(const struct hb_lex_overlay *ov, uint32_t t, long long *freq)
{
    if (!ov->taken) {
        *freq = ov->aux[t].freq;
        return ov->aux[t].tag;
    }
    for (uint32_t i = word_hash(t, ov->words_mask); ov->words[i].slot; i = (i + 1) & ov->words_mask)
        if (ov->words[i].slot == t) {
            *freq = ov->words[i].freq;
            return ov->words[i].tag;
        }
    *freq = 0;
    return 0;
}

/* Files the records past the root's, checking each as it goes: HB_OK,
 * HB_ERR_DICT for a damaged one or two on one slot, HB_ERR_NOMEM. */
static hb_status overlay_file(struct hb_lex_overlay *ov, const struct ov_head *h, const hb_lex_spare *spare)
{
    const struct ov_rec *r = (const struct ov_rec *)(h + 1);
    /* the slots filed, as bits: reading da to find a slot taken twice
     * would fault each of its pages twice, for the read and the write;
     * as many as the records reach (a slot past OV_MAX_SLOTS is refused
     * before its bit is read) */
    uint32_t top = 0, words = 0;
    for (uint32_t x = 1; x < h->n; x++) {
        top = r[x].slot > top && r[x].slot < OV_MAX_SLOTS ? r[x].slot : top;
        words += r[x].tag || r[x].freq;
    }
    uint8_t *depth = malloc(h->n);
    uint64_t *filed = calloc(top / 64 + 1, sizeof *filed);
    hb_status st = depth && filed && ov_taken_slots(ov, top, spare) && words_new(ov, words, spare) ? HB_OK
                                                                                                    : HB_ERR_NOMEM;
    if (depth)
        depth[0] = 0;
    for (uint32_t x = 1; x < h->n && st == HB_OK; x++) {
        uint32_t t = r[x].slot;
        if (!overlay_rec_ok(r, x, h->ntags, depth) || filed[t / 64] >> t % 64 & 1) {
            st = HB_ERR_DICT;
        } else {
            /* no sibling links, which only adding and saving follow */
            ov->da[t] = (hb_lex_node){r[x].base, r[r[x].parent].slot + 1};
            filed[t / 64] |= 1ull << t % 64;
            ov->n++;
            if (r[x].tag || r[x].freq)
                word_put(ov, t, r[x].tag, r[x].freq);
            if (!isnan(r[x].logf)) {
                ov->da[t].check |= HB_LEX_OV_WORD;
                ov->val[t] = r[x].logf;
            }
        }
    }
    free(depth);
    free(filed);
    return st;
}

/* The overlay of a checked head, with its tags and records; HB_OK,
 * HB_ERR_DICT or HB_ERR_NOMEM. */
static hb_status overlay_tags(struct hb_lex_overlay *ov, const struct ov_head *h)
{
    if (h->ntags && !(ov->tags = malloc(h->ntags * sizeof *ov->tags)))
        return HB_ERR_NOMEM;
    ov->tagcap = h->ntags;
    for (const char *t = (const char *)((const struct ov_rec *)(h + 1) + h->n); ov->ntags < h->ntags;
         t += strlen(t) + 1)
        if (!(ov->tags[ov->ntags++] = strdup(t)))
            return HB_ERR_NOMEM;
    return HB_OK;
}

static hb_status overlay_read(struct hb_lex_overlay *ov, const struct ov_head *h, const hb_lex_spare *spare)
{
    hb_status st = overlay_tags(ov, h);
    return st == HB_OK ? overlay_file(ov, h, spare) : st;
}

/* ---- the overlay in a built-in image ---- */

static size_t image_ov_size(const struct hb_lex_image_ov *io)
{
    if (io->cap > OV_MAX_SLOTS || io->n > io->cap || io->words_mask >= OV_MAX_SLOTS ||
        (io->words_mask & (io->words_mask + 1)))
        return 0; /* no overlay this huibao writes */
    return sizeof *io + (size_t)io->cap * (sizeof(hb_lex_node) + sizeof(double)) +
           (io->cap ? ((size_t)io->words_mask + 1) * sizeof(struct hb_lex_ov_word) : 0);
}

/* The overlay a start would take from lx's words (as the rules file files
 * them), laid out for an image; a head of cap 0 when lx has none.  NULL
 * when out of memory. */
static void *image_ov_save(const struct hb_lexicon *lx, size_t *size)
{
    struct hb_lex_image_ov head = {0};
    size_t blob_size;
    void *blob = lx->ov ? hb_lexicon_overlay_save(lx, &blob_size) : NULL;
    struct hb_lex_overlay *ov = blob ? calloc(1, sizeof *ov) : NULL;
    if (ov && overlay_read(ov, blob, NULL) == HB_OK)
        head = (struct hb_lex_image_ov){ov->cap, ov->n, ov->words_mask, (uint32_t)ov->ntags};
    *size = image_ov_size(&head);
    char *b = (!lx->ov || head.cap) ? calloc(1, *size) : NULL;
    if (b && head.cap) {
        hb_lex_node *da = (hb_lex_node *)(b + sizeof head);
        double *val = (double *)(da + head.cap);
        memcpy(da, ov->da, head.cap * sizeof *da);
        for (uint32_t t = 0; t < head.cap; t++) /* a value only where a word ends: the rest was never set */
            val[t] = hb_lex_ov_word(ov, t) ? ov->val[t] : 0.0;
        memcpy(val + head.cap, ov->words, ((size_t)head.words_mask + 1) * sizeof *ov->words);
    }
    if (b)
        memcpy(b, &head, sizeof head);
    ov_free(ov);
    free(blob);
    return b;
}

/* The taken overlay of blob h as the image has it: its slots, values and
 * words' table where they lie, its tags from the blob. */
static hb_status overlay_from_image(struct hb_lex_overlay *ov, const struct ov_head *h,
                                    const struct hb_lex_image_ov *io)
{
    hb_status st = overlay_tags(ov, h);
    if (st != HB_OK)
        return st;
    ov->cap = io->cap;
    ov->n = io->n;
    ov->words_mask = io->words_mask;
    ov->da = (hb_lex_node *)(io + 1);
    ov->val = (double *)(ov->da + io->cap);
    ov->words = (struct hb_lex_ov_word *)(ov->val + io->cap);
    ov->da_lent = ov->val_lent = ov->words_lent = 1;
    return HB_OK;
}

/* Marks where each word of a filed overlay's records leaves the general
 * trie (as mark_leaving), a general step a record: the records come each
 * after its parent's (checked), and at[x] is the general slot of record
 * x's chars (HB_LEX_NONE: the trie has not them all), deep[x] that of
 * their longest prefix there.  HB_OK or HB_ERR_NOMEM. */
static hb_status mark_overlay_words(struct hb_lexicon *lx, const struct ov_head *h)
{
    const struct ov_rec *r = (const struct ov_rec *)(h + 1);
    uint32_t *at = marks_writable(lx) == 0 ? malloc(2 * (size_t)h->n * sizeof *at) : NULL;
    if (!at)
        return HB_ERR_NOMEM;
    hb_lex_slot *nodes = (hb_lex_slot *)lx->nodes;
    uint32_t *deep = at + h->n;
    at[0] = lx->nnodes ? 0 : HB_LEX_NONE;
    deep[0] = HB_LEX_NONE;
    for (uint32_t x = 1; x < h->n; x++) {
        uint32_t p = r[x].parent, s = at[p], t = HB_LEX_NONE;
        uint32_t id = s != HB_LEX_NONE ? hb_lex_char_id(lx, r[x].cp) : 0;
        if (id)
            t = hb_lex_child(nodes, lx->nnodes, s, id);
        at[x] = t;
        deep[x] = t != HB_LEX_NONE ? t : deep[p];
        if (!isnan(r[x].logf) && deep[x] != HB_LEX_NONE)
            nodes[deep[x]].label |= HB_LEX_OV_HERE;
    }
    free(at);
    return HB_OK;
}

hb_status hb_lexicon_overlay_load(struct hb_lexicon *lx, const void *blob, size_t size, const unsigned char key[32])
{
    return hb_lexicon_overlay_take(lx, blob, size, key, NULL);
}

hb_status hb_lexicon_overlay_take(struct hb_lexicon *lx, const void *blob, size_t size, const unsigned char key[32],
                                  const hb_lex_spare *spare)
{
    const struct ov_head *h = blob;
    if (lx->ov || (uintptr_t)blob % 8 || !overlay_head_ok(h, size))
        return HB_ERR_DICT;
    if (h->n > 1) { /* else no word added: no overlay */
        if (!(lx->ov = calloc(1, sizeof *lx->ov)))
            return HB_ERR_NOMEM;
        lx->ov->taken = 1;
        /* a built-in image carries this overlay, its marks set; a blob of
         * another shape under its key is not its overlay, whose words' tags
         * index the blob's */
        const struct hb_lex_image_ov *io = lx->image_ov;
        int marked = lx->stale_marks && key && memcmp(key, lx->image_key, sizeof lx->image_key) == 0 && io &&
                     io->n == h->n && io->ntags == h->ntags;
        hb_status st = marked ? overlay_from_image(lx->ov, h, io) : overlay_read(lx->ov, h, spare);
        if (st == HB_OK && !marked)
            st = mark_overlay_words(lx, h);
        else if (st == HB_OK)
            lx->stale_marks = 0;
        if (st != HB_OK) {
            ov_free(lx->ov);
            lx->ov = NULL;
            return st;
        }
    }
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
    if (h.o != HB_LEX_NONE && hb_lex_ov_word(lx->ov, h.o)) {
        long long freq;
        ov_tag_of(lx->ov, h.o, &freq);
        return freq;
    }
    if (h.b == HB_LEX_NONE)
        return 0;
    /* The file keeps log(freq) only: freq < 2^32 comes back exactly, as the
     * error of exp(log(f)) is far below 0.5; a crafted value stays in range. */
    double lf = lx->nodes[h.b].val < lx->nlogv ? lx->logv[lx->nodes[h.b].val] : -1;
    return lf >= 0 && lf < 23.0 ? llround(exp(lf)) : 0;
}

const char *hb_lexicon_tag(const struct hb_lexicon *lx, const char *word, size_t len)
{
    lex_hit h = lookup(lx, word, len);
    if (!h.found)
        return NULL;
    long long freq;
    uint32_t tag = h.o != HB_LEX_NONE ? ov_tag_of(lx->ov, h.o, &freq) : 0;
    if (tag)
        return lx->ov->tags[tag - 1];
    uint32_t v = h.b != HB_LEX_NONE ? lx->nodes[h.b].val : UINT32_MAX;
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
    if (hb_utf8_count(word, len) > HB_LEX_MAX_WORD)
        return HB_ERR_ARG; /* the overlay's walks take no longer word (segment.c) */
    if (lx->ov && lx->ov->taken)
        return HB_ERR_ARG; /* the engine adds no word to an overlay it took whole */
    if (!lx->ov && !(lx->ov = ov_new(OV_FIRST_SLOTS)))
        return HB_ERR_NOMEM;
    struct hb_lex_overlay *ov = lx->ov;
    uint32_t x = 0;
    int32_t cps[HB_LEX_MAX_WORD];
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        int cp;
        i += (size_t)hb_utf8_next(word + i, len - i, &cp);
        if (!(x = ov_child(ov, x, cp)))
            return HB_ERR_NOMEM;
        cps[n++] = cp;
    }
    if (mark_leaving(lx, cps, n) != 0)
        return HB_ERR_NOMEM;
    if (tag && *tag && !(ov->aux[x].tag = ov_tag(ov, tag)))
        return HB_ERR_NOMEM;
    ov->aux[x].freq = freq;
    ov->da[x].check |= HB_LEX_OV_WORD;
    ov->val[x] = log_or_none(freq);
    set_total(lx, lx->total + freq);
    return HB_OK;
}
