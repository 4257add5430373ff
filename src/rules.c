/* The compiled rules file (see rules.h).  Layout: a header, a directory of
 * (key, offset, size) entries, then each automaton's compiled form
 * (hb_ac_write_compiled) at an 8-byte aligned offset.  Native byte order;
 * `endian` catches a file from another machine. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "rules.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "hash.h"

#define RULES_MAGIC "HBRULES\x1a"
#define RULES_VERSION 5u /* 5: automata keep a second start filter (4: the lexicon overlay as a double array; 3: large automata as edges, not tables) */
#define RULES_ENDIAN 0x01020304u

struct rules_header {
    char magic[8];
    uint32_t version, endian;
    uint32_t count, reserved;
    uint64_t file_size;
};

struct rules_entry {
    unsigned char key[32];
    uint64_t off, size;
};

struct hb_rules {
    void *file; /* the whole file, read at open, or the program's image */
    size_t size;
    int image;  /* file is the program's (hb_engine_options.rules_image): not released */
    const struct rules_entry *dir;
    uint32_t count;
    /* The directory by key: some hundred lookups at start, each of which
     * compared with every entry before; an entry's index + 1, 0: empty. */
    uint32_t *slot;
    unsigned slot_shift; /* 64 - log2(slots) */
    char *path;
    size_t lent; /* bytes past the file lent by hb_rules_spare */
};

static size_t slot_of(const struct hb_rules *r, const unsigned char *key)
{
    uint64_t w;
    memcpy(&w, key, sizeof w); /* keys are hashes; the multiply spreads the odd crafted one */
    return (size_t)((w * 0x9E3779B97F4A7C15ull) >> r->slot_shift);
}

/* The first entry of each key, as the scan of the directory found it. */
static int index_dir(struct hb_rules *r)
{
    unsigned lg = 4;
    while (((size_t)1 << lg) < 2 * (size_t)r->count)
        lg++;
    size_t mask = ((size_t)1 << lg) - 1;
    if (!(r->slot = calloc(mask + 1, sizeof *r->slot)))
        return 0;
    r->slot_shift = 64 - lg;
    for (uint32_t i = 0; i < r->count; i++) {
        size_t h = slot_of(r, r->dir[i].key);
        while (r->slot[h] && memcmp(r->dir[r->slot[h] - 1].key, r->dir[i].key, 32) != 0)
            h = (h + 1) & mask;
        if (!r->slot[h])
            r->slot[h] = i + 1;
    }
    return 1;
}

void *hb_rules_spare(struct hb_rules *r, size_t size)
{
    /* none past a program's image: those bytes are its own */
    size_t room = r && !r->image ? hb_file_room(r->size) : 0, at = r ? (r->size + r->lent + 63) / 64 * 64 : 0;
    if (at > room || room - at < size)
        return NULL;
    r->lent = at + size - r->size;
    return (char *)r->file + at;
}

int hb_rules_builtin(const struct hb_rules *r)
{
    return r && r->image;
}

void hb_rules_free(struct hb_rules *r)
{
    if (!r)
        return;
    if (!r->image)
        hb_file_release(r->file, r->size);
    free(r->slot);
    free(r->path);
    free(r);
}

/* Checks r's bytes (r->file, r->size) and indexes them; HB_OK, or the
 * error with r freed. */
static hb_status rules_take(struct hb_rules *r, hb_error *err)
{
    const struct rules_header *h = r->file;
    /* a program's image may lie anywhere: its blobs are read in place as 8-byte aligned */
    int ok = (uintptr_t)r->file % 8 == 0 && r->size >= sizeof *h && memcmp(h->magic, RULES_MAGIC, 8) == 0 &&
             h->version == RULES_VERSION && h->endian == RULES_ENDIAN && h->file_size == r->size &&
             h->count <= (r->size - sizeof *h) / sizeof(struct rules_entry);
    r->dir = r->size >= sizeof *h ? (const struct rules_entry *)(h + 1) : NULL; /* an empty file reads as NULL */
    for (uint32_t i = 0; ok && i < h->count; i++)
        ok = r->dir[i].off % 8 == 0 && r->dir[i].off <= r->size && r->dir[i].size <= r->size - r->dir[i].off;
    if (!ok) {
        hb_dict_fail(err, HB_ERR_DICT, r->path, 0, 0,
                     "not a compiled rules file of this huibao (version %u); rebuild it with rulec (make)",
                     RULES_VERSION);
        hb_rules_free(r);
        return HB_ERR_DICT;
    }
    r->count = h->count;
    if (!index_dir(r)) {
        hb_dict_fail(err, HB_ERR_NOMEM, r->path, 0, 0, "out of memory");
        hb_rules_free(r);
        return HB_ERR_NOMEM;
    }
    return HB_OK;
}

static struct hb_rules *rules_new(const char *name, hb_error *err)
{
    struct hb_rules *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(name))) {
        free(r);
        hb_dict_fail(err, HB_ERR_NOMEM, name, 0, 0, "out of memory");
        return NULL;
    }
    return r;
}

hb_status hb_rules_open(const char *path, struct hb_rules **out, hb_error *err)
{
    *out = NULL;
    struct hb_rules *r = rules_new(path, err);
    if (!r)
        return HB_ERR_NOMEM;
    hb_status st = hb_file_load(path, &r->file, &r->size, err);
    if (st != HB_OK) {
        hb_rules_free(r);
        return st;
    }
    if ((st = rules_take(r, err)) == HB_OK)
        *out = r;
    return st;
}

/* The rules built into the program (hb_engine_options.rules_image), used
 * where they lie, as the lexicon's image is (hb_lexicon_open_image). */
static hb_status rules_image(struct hb_engine *e, hb_error *err)
{
    struct hb_rules *r = rules_new("huibao's built-in rules", err);
    if (!r)
        return HB_ERR_NOMEM;
    r->file = (void *)e->rules_image;
    r->size = e->rules_image_size;
    r->image = 1;
    hb_status st = rules_take(r, err);
    if (st == HB_OK)
        e->rules = r;
    return st;
}

hb_status hb_rules_load(struct hb_engine *e, hb_error *err)
{
    const char *env = getenv("HUIBAO_RULES");
    if (!(env && *env) && e->rules_image)
        return rules_image(e, err);
    if (e->words_only)
        return HB_OK; /* reading the file costs a words-only start more than its records save */
    char *path = env && *env ? strdup(env) : hb_default_rules();
    if (!path)
        return hb_dict_fail(err, HB_ERR_NOMEM, "huibao.rules", 0, 0, "out of memory"), HB_ERR_NOMEM;
    struct stat sb;
    hb_status st = HB_OK;
    if ((env && *env) || stat(path, &sb) == 0)
        st = hb_rules_open(path, &e->rules, err);
    free(path);
    return st;
}

const void *hb_rules_find(const struct hb_rules *r, const unsigned char *key, size_t *size)
{
    if (!r)
        return NULL;
    size_t mask = ((size_t)1 << (64 - r->slot_shift)) - 1;
    for (size_t h = slot_of(r, key); r->slot[h]; h = (h + 1) & mask) {
        const struct rules_entry *d = &r->dir[r->slot[h] - 1];
        if (memcmp(d->key, key, 32) == 0) {
            *size = d->size;
            return (const char *)r->file + d->off;
        }
    }
    return NULL;
}

void hb_rules_damaged(const struct hb_engine *e, hb_error *err)
{
    hb_dict_fail(err, HB_ERR_DICT, e->rules->path, 0, 0, "damaged compiled rules; rebuild them with rulec (make)");
}

hb_status hb_engine_build_ac(const struct hb_engine *e, hb_ac *ac, hb_error *err)
{
    size_t size;
    const void *blob = hb_rules_find(e->rules, hb_ac_key(ac), &size);
    if (blob) {
        /* the program's own image is as trusted as its code: not checked state by state */
        if (hb_rules_builtin(e->rules) ? hb_ac_adopt_trusted(ac, blob, size) : hb_ac_adopt(ac, blob, size))
            return HB_OK;
        hb_rules_damaged(e, err);
        return HB_ERR_DICT;
    }
    if (!hb_ac_build(ac))
        return hb_dict_fail(err, HB_ERR_NOMEM, e->dict_dir, 0, 0, "out of memory"), HB_ERR_NOMEM;
    struct hb_rules_record *rec = e->record;
    if (rec && hb_ac_compiled_size(ac)) {
        if (rec->n == rec->cap) {
            size_t cap = rec->cap ? rec->cap * 2 : 8;
            hb_ac **v = realloc(rec->v, cap * sizeof *v);
            if (!v)
                return hb_dict_fail(err, HB_ERR_NOMEM, e->dict_dir, 0, 0, "out of memory"), HB_ERR_NOMEM;
            rec->v = v;
            rec->cap = cap;
        }
        rec->v[rec->n++] = ac;
    }
    return HB_OK;
}

/* next[i]: the next entry after i with the same pattern, -1: none (or
 * no pattern).  Entries are walked from the last, a table by pattern
 * holding the nearest one seen, where comparing each with every later
 * entry cost more than taking their automaton.  0 when out of memory. */
static int link_same(const char *const *pat, const size_t *len, size_t n, int *next)
{
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    int *slot = malloc(size * sizeof *slot);
    if (!slot)
        return 0;
    memset(slot, 0xFF, size * sizeof *slot);
    for (size_t i = n; i-- > 0;) {
        next[i] = -1;
        if (!pat[i])
            continue;
        size_t h = (size_t)hb_hash_bytes(pat[i], len[i]) & (size - 1);
        for (int j; (j = slot[h]) >= 0; h = (h + 1) & (size - 1))
            if (len[j] == len[i] && !memcmp(pat[j], pat[i], len[i])) {
                next[i] = j;
                break;
            }
        slot[h] = (int)i;
    }
    free(slot);
    return 1;
}

hb_status hb_engine_build_entries(const struct hb_engine *e, const char *const *pat, const size_t *len,
                                  size_t n, hb_ac **ac, int **next, hb_error *err)
{
    if (!(*next = malloc((n ? n : 1) * sizeof **next)) || !(*ac = hb_ac_new()) || !link_same(pat, len, n, *next))
        return hb_dict_fail(err, HB_ERR_NOMEM, e->dict_dir, 0, 0, "out of memory"), HB_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (pat[i] && !hb_ac_add(*ac, pat[i], len[i], (int)i))
            return hb_dict_fail(err, HB_ERR_NOMEM, e->dict_dir, 0, 0, "out of memory"), HB_ERR_NOMEM;
    return hb_engine_build_ac(e, *ac, err);
}

/* The check of a blob's bytes, two words ahead of them. */
static void blob_check(const void *p, size_t n, uint64_t h[2])
{
    h[0] = 0xA4093822299F31D0ull ^ n;
    h[1] = 0x082EFA98EC4E6C89ull;
    hb_hash_mix(h, p, n);
}

hb_status hb_rules_record_blob(struct hb_rules_record *rec, const unsigned char *key, void *data, size_t size)
{
    if (rec->nblobs == rec->blobs_cap) {
        size_t cap = rec->blobs_cap ? rec->blobs_cap * 2 : 16;
        struct hb_rules_blob *v = realloc(rec->blobs, cap * sizeof *v);
        if (!v) {
            free(data);
            return HB_ERR_NOMEM;
        }
        rec->blobs = v;
        rec->blobs_cap = cap;
    }
    struct hb_rules_blob *x = &rec->blobs[rec->nblobs++];
    memcpy(x->key, key, 32);
    x->data = data;
    x->size = size;
    return HB_OK;
}

hb_status hb_rules_record_checked(struct hb_rules_record *rec, const unsigned char *key, const void *data,
                                  size_t size)
{
    uint64_t h[2];
    unsigned char *b = malloc(sizeof h + size);
    if (!b)
        return HB_ERR_NOMEM;
    blob_check(data, size, h);
    memcpy(b, h, sizeof h);
    memcpy(b + sizeof h, data, size);
    return hb_rules_record_blob(rec, key, b, sizeof h + size);
}

const void *hb_rules_find_checked(const struct hb_engine *e, const unsigned char *key, size_t *size,
                                  hb_status *st, hb_error *err)
{
    size_t n;
    const unsigned char *b = hb_rules_find(e->rules, key, &n);
    uint64_t h[2], want[2];
    *st = HB_OK;
    if (!b)
        return NULL;
    if (hb_rules_builtin(e->rules) && n >= sizeof want) { /* the program's own bytes: no check to make */
        *size = n - sizeof want;
        return b + sizeof want;
    }
    if (n >= sizeof want) {
        memcpy(want, b, sizeof want);
        blob_check(b + sizeof want, n - sizeof want, h);
    }
    if (n < sizeof want || memcmp(h, want, sizeof h) != 0) {
        *st = HB_ERR_DICT;
        hb_rules_damaged(e, err);
        return NULL;
    }
    *size = n - sizeof want;
    return b + sizeof want;
}

const unsigned char *hb_rules_find_head(const struct hb_engine *e, const unsigned char *key, void *head,
                                        size_t head_size, size_t *size, hb_status *st, hb_error *err)
{
    const unsigned char *b = hb_rules_find_checked(e, key, size, st, err);
    if (b && *size < head_size) {
        hb_rules_damaged(e, err);
        *st = HB_ERR_DICT;
        return NULL;
    }
    if (b)
        memcpy(head, b, head_size);
    return b;
}

void hb_rules_record_free(struct hb_rules_record *rec)
{
    for (size_t i = 0; i < rec->nblobs; i++)
        free(rec->blobs[i].data);
    free(rec->blobs);
    free(rec->v);
}

hb_status hb_rules_write(const struct hb_rules_record *rec, const char *path, hb_error *err)
{
    /* Write beside the target and rename, so a reader never loads half a file. */
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return hb_dict_fail(err, HB_ERR_IO, path, 0, 0, "path too long"), HB_ERR_IO;
    size_t n = rec->n + rec->nblobs; /* the automata, then the blobs */
    struct rules_header h = {RULES_MAGIC, RULES_VERSION, RULES_ENDIAN, (uint32_t)n, 0, 0};
    struct rules_entry *dir = calloc(n ? n : 1, sizeof *dir);
    if (!dir)
        return hb_dict_fail(err, HB_ERR_NOMEM, path, 0, 0, "out of memory"), HB_ERR_NOMEM;
    uint64_t off = sizeof h + n * sizeof *dir;
    for (size_t i = 0; i < n; i++) {
        off = hb_pad8(off);
        const struct hb_rules_blob *b = i < rec->n ? NULL : &rec->blobs[i - rec->n];
        memcpy(dir[i].key, b ? b->key : hb_ac_key(rec->v[i]), 32);
        dir[i].off = off;
        dir[i].size = b ? b->size : hb_ac_compiled_size(rec->v[i]);
        off += dir[i].size;
    }
    h.file_size = off;
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(&h, sizeof h, 1, f) == 1 && fwrite(dir, sizeof *dir, n, f) == n;
    for (size_t i = 0; ok && i < n; i++) {
        static const char zeros[8];
        long at = ftell(f);
        ok = at >= 0 && fwrite(zeros, 1, (size_t)(dir[i].off - (uint64_t)at), f) == dir[i].off - (uint64_t)at &&
             (i < rec->n ? hb_ac_write_compiled(rec->v[i], f)
                         : fwrite(rec->blobs[i - rec->n].data, 1, (size_t)dir[i].size, f) == dir[i].size);
    }
    if (f && fclose(f) != 0)
        ok = 0;
    free(dir);
    if (!ok || rename(tmp, path) != 0) {
        hb_dict_fail(err, HB_ERR_IO, path, 0, 0, "cannot write: %s", strerror(errno));
        remove(tmp);
        return HB_ERR_IO;
    }
    return HB_OK;
}
