/* Reading the plain-text rule files of dict/: the shipped folder, then the
 * same-named file of each overlay folder (--dict-add, HUIBAO_DICT_PATH). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "engine.h"
#include "hash.h"
#include "lexicon.h"
#include "normalize.h"
#include "rules.h"

hb_status hb_dict_fault(const struct hb_engine *e, hb_error *err)
{
    hb_status st = err->code ? err->code : HB_ERR_DICT;
    if (!e->check || st == HB_ERR_NOMEM)
        return st;
    e->check->fn(e->check->ctx, err->file, err);
    e->check->faults++;
    memset(err, 0, sizeof *err);
    return HB_OK;
}

/* ---- layers ------------------------------------------------------------- */

static const char *layer_dir(const struct hb_engine *e, size_t layer)
{
    return layer == 0 ? e->dict_dir : e->overlays[layer - 1];
}

size_t hb_dict_layers(const struct hb_engine *e)
{
    return 1 + e->n_overlays;
}

int hb_dict_path(const struct hb_engine *e, size_t layer, const char *name, char *buf, size_t cap)
{
    /* joined by hand: snprintf cost 900 instructions a path, some fifty a start */
    const char *dir = layer_dir(e, layer);
    size_t dl = strlen(dir), nl = strlen(name);
    if (dl + 1 + nl >= cap)
        return 0;
    memcpy(buf, dir, dl);
    buf[dl] = '/';
    memcpy(buf + dl + 1, name, nl + 1);
    return 1;
}

static struct hb_dict_kept *kept_new(void);

hb_status hb_dict_layers_init(struct hb_engine *e, const hb_engine_options *opts, hb_error *err)
{
    if (!(e->kept = kept_new()))
        return HB_ERR_NOMEM;
    if (opts->n_dict_overlays && !opts->dict_overlays)
        return hb_dict_fail(err, HB_ERR_ARG, NULL, 0, 0, "n_dict_overlays without dict_overlays"), HB_ERR_ARG;
    if (opts->n_dict_overlays && !(e->overlays = calloc(opts->n_dict_overlays, sizeof *e->overlays)))
        return HB_ERR_NOMEM;
    for (size_t i = 0; i < opts->n_dict_overlays; i++) {
        const char *dir = opts->dict_overlays[i];
        struct stat st;
        int found = dir && stat(dir, &st) == 0;
        if (!found || !S_ISDIR(st.st_mode)) {
            hb_dict_fail(err, HB_ERR_DICT, dir ? dir : "(null)", 0, 0, "overlay folder: %s",
                         !dir ? "no name" : !found ? strerror(errno) : "not a folder");
            return HB_ERR_DICT;
        }
        if (!(e->overlays[e->n_overlays++] = strdup(dir)))
            return HB_ERR_NOMEM;
    }
    return HB_OK;
}


/* ---- one file ----------------------------------------------------------- */

/* A rule file is small text: this bound keeps a runaway file (or /dev/zero
 * linked into dict/) from exhausting memory. */
#define DICT_MAX_BYTES ((size_t)16 << 20)

static const char *file_kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) || S_ISBLK(m) ? "a device"
           : S_ISSOCK(m) ? "a socket" : "an unknown kind";
}

/* Opens path without blocking on a FIFO and refuses anything but a regular
 * file.  Returns the descriptor, -1 with *err filled, or -2 when the file
 * does not exist. */
static int open_rule_file(const char *path, struct stat *st, hb_error *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT)
            return -2;
        hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    int ok = fstat(fd, st) == 0;
    if (!ok || !S_ISREG(st->st_mode)) {
        if (!ok)
            hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "cannot read: %s", strerror(errno));
        else
            hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "not a regular file (%s)", file_kind(st->st_mode));
        close(fd);
        return -1;
    }
    return fd;
}

hb_status hb_dict_regular(const char *path, hb_error *err)
{
    struct stat st;
    int fd = open_rule_file(path, &st, err);
    if (fd == -2)
        return HB_OK; /* the reader that follows names the missing file */
    if (fd < 0)
        return HB_ERR_DICT;
    close(fd);
    return HB_OK;
}

/* Reads the whole file into *buf (NUL-terminated), at most DICT_MAX_BYTES. */
static int slurp(const char *path, char **buf, size_t *len, hb_error *err)
{
    struct stat st;
    int fd = open_rule_file(path, &st, err);
    if (fd < 0)
        return fd;
    size_t cap = (size_t)st.st_size < DICT_MAX_BYTES ? (size_t)st.st_size + 1 : DICT_MAX_BYTES + 1, n = 0;
    char *b = malloc(cap + 1);
    ssize_t r = 0;
    while (b && n < cap && (r = read(fd, b + n, cap - n)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        n += (size_t)r;
        /* the size fstat gave, read whole: no read more to meet the end (a
         * file grown meanwhile filled cap and is read on; 0, as in /proc:
         * read to the end) */
        if (st.st_size > 0 && n == (size_t)st.st_size)
            break;
        if (n == cap && cap <= DICT_MAX_BYTES) { /* the file grew while read */
            size_t ncap = cap * 2 > DICT_MAX_BYTES + 1 ? DICT_MAX_BYTES + 1 : cap * 2;
            char *nb = realloc(b, ncap + 1);
            if (!nb)
                free(b);
            b = nb;
            cap = ncap;
        }
    }
    int e = errno;
    close(fd);
    if (!b || r < 0 || n > DICT_MAX_BYTES) {
        if (!b)
            hb_dict_fail(err, HB_ERR_NOMEM, path, 0, 0, "out of memory");
        else if (r < 0)
            hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "cannot read: %s", strerror(e));
        else
            hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "larger than %zu bytes: not a rule file",
                         DICT_MAX_BYTES);
        free(b);
        return -1;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

/* A dict/ file's bytes hashed once per engine: several readers key what
 * they make of one file (slogans.txt has three), each by this digest with
 * its own name and kind, so the file is read and hashed once.  Only the
 * loaders ask (the engine is being built on one thread). */
enum { DIGEST_SLOTS = 64 };

struct dict_digest {
    char name[48]; /* "": a free slot */
    uint64_t h[2];
};

/* ---- lines of every layer ----------------------------------------------- */

enum { MAX_FIELDS = 16 };

/* Fields point into the file's text, or into the arena when folding
 * changed them; keys are in the arena: one allocation per file and a few
 * per read instead of several per line. */
typedef struct {
    size_t layer;
    int line, nf;
    char *fields[MAX_FIELDS];
    char *key;   /* the key fields joined by TAB */
    int dropped; /* replaced by a later layer */
} rec;

typedef struct {
    rec *v;
    size_t n, cap;
    char **paths; /* per layer, NULL when the layer lacks the file */
    char **texts; /* per layer, the file's text the fields point into */
    int keys;     /* resolve_keys() will compare keys: make them */
    hb_arena mem;
} recs;

static void recs_free(recs *rs, size_t layers)
{
    free(rs->v);
    for (size_t l = 0; rs->paths && l < layers; l++)
        free(rs->paths[l]);
    for (size_t l = 0; rs->texts && l < layers; l++)
        free(rs->texts[l]);
    free(rs->paths);
    free(rs->texts);
    hb_arena_release(&rs->mem);
}

/* Records a reader left for the next reader of the same file: without
 * overlays keys drop nothing, so two readers asking the same fields and
 * flags (keys aside) get the same records. */
struct hb_dict_kept {
    char name[64];
    int min_fields, max_fields;
    unsigned flags; /* without the key bits and HB_DICT_KEEP */
    int full;
    recs rs;
    size_t layers;
    struct dict_digest digests[DIGEST_SLOTS]; /* file_digest's memo */
};

static struct hb_dict_kept *kept_new(void)
{
    return calloc(1, sizeof(struct hb_dict_kept));
}

/* The digest of dict/name, through the memo; 0 when the file cannot be
 * read (its reader then says why). */
static int file_digest(const struct hb_engine *e, const char *name, uint64_t h[2])
{
    size_t nlen = strlen(name);
    struct dict_digest *d = NULL;
    if (e->kept && nlen < sizeof d->name) { /* an engine made by hand may have no memo */
        struct dict_digest *memo = e->kept->digests;
        size_t i = hb_hash_bytes(name, nlen) % DIGEST_SLOTS;
        for (size_t probes = 0; probes < DIGEST_SLOTS && !d; probes++, i = (i + 1) % DIGEST_SLOTS)
            if (!memo[i].name[0] || !strcmp(memo[i].name, name))
                d = &memo[i];
        if (d && d->name[0]) {
            memcpy(h, d->h, sizeof d->h);
            return 1;
        }
    }
    char path[4096], *buf;
    size_t len;
    hb_error err;
    if (!hb_dict_path(e, 0, name, path, sizeof path) || slurp(path, &buf, &len, &err) != 0)
        return 0;
    h[0] = 0x64696374666B6579ull ^ len;
    h[1] = 0x8F14E45FCEEA167Aull;
    hb_hash_mix(h, buf, len);
    free(buf);
    if (d) {
        memcpy(d->name, name, nlen + 1);
        memcpy(d->h, h, sizeof d->h);
    }
    return 1;
}

/* hb_dict_file_key of what[0..n). */
static int file_key(const struct hb_engine *e, const char *name, const void *what, size_t n, unsigned char key[32])
{
    uint64_t h[2];
    if (e->n_overlays || e->check || !file_digest(e, name, h))
        return 0;
    hb_hash_mix(h, name, strlen(name) + 1);
    hb_hash_mix(h, what, n);
    uint64_t k[4] = {h[0], h[1], UINT64_MAX, 0};
    memcpy(&k[3], "dictfil", 8);
    memcpy(key, k, 32);
    return 1;
}

int hb_dict_file_key(const struct hb_engine *e, const char *name, const char *what, unsigned char key[32])
{
    return file_key(e, name, what, strlen(what) + 1, key);
}

void hb_dict_layers_free(struct hb_engine *e)
{
    for (size_t i = 0; i < e->n_overlays; i++)
        free(e->overlays[i]);
    free(e->overlays);
    if (e->kept && e->kept->full)
        recs_free(&e->kept->rs, e->kept->layers);
    free(e->kept);
}

static unsigned same_flags(unsigned flags)
{
    return flags & ~(HB_DICT_KEEP | HB_DICT_KEY(0) * 0xFFu);
}

static unsigned key_mask(unsigned flags)
{
    return (flags >> 8) & 0xFF;
}

/* Splits one line into a record; 0, -1 for a fault in the line (reported
 * through *err), -2 when out of memory. */
static int add_rec(recs *rs, size_t layer, int lineno, char *line, size_t n, int min_fields, int max_fields,
                   unsigned flags, const char *path, hb_error *err)
{
    if (strlen(line) != n)
        return hb_dict_fail(err, HB_ERR_DICT, path, lineno, 0, "NUL byte in line");
    if (!hb_utf8_valid(line, n))
        return hb_dict_fail(err, HB_ERR_DICT, path, lineno, 0, "line is not valid UTF-8");
    char *fields[MAX_FIELDS + 1];
    int nf = 0;
    for (char *s = line;;) {
        char *tab = strchr(s, '\t');
        fields[nf++] = s;
        if (!tab || nf > MAX_FIELDS)
            break;
        *tab = '\0';
        s = tab + 1;
    }
    if (nf < min_fields || nf > max_fields) {
        if (min_fields == max_fields)
            return hb_dict_fail(err, HB_ERR_DICT, path, lineno, 0, "expected %d TAB-separated fields, found %d",
                                min_fields, nf);
        return hb_dict_fail(err, HB_ERR_DICT, path, lineno, 0, "expected %d to %d TAB-separated fields, found %d",
                            min_fields, max_fields, nf);
    }
    if (rs->n == rs->cap) {
        size_t ncap = rs->cap ? rs->cap * 2 : 256;
        rec *nv = realloc(rs->v, ncap * sizeof *nv);
        if (!nv)
            return -2;
        rs->v = nv;
        rs->cap = ncap;
    }
    rec *r = &rs->v[rs->n++];
    memset(r, 0, sizeof *r);
    r->layer = layer;
    r->line = lineno;
    size_t flen[MAX_FIELDS], klen = 0;
    unsigned mask = key_mask(flags);
    for (int i = 0; i < nf; i++) {
        r->fields[i] = fields[i];
        flen[i] = strlen(fields[i]);
        if ((flags & HB_DICT_FOLD) && !hb_fold_is_identity(fields[i], flen[i])) {
            char *f = hb_fold_cstr(fields[i]);
            r->fields[i] = f ? hb_arena_strndup(&rs->mem, f, flen[i] = strlen(f)) : NULL;
            free(f);
            if (!r->fields[i])
                return -2;
        }
        r->nf = i + 1;
        if (!mask || (mask & (1u << i)))
            klen += flen[i] + 1;
    }
    if (!rs->keys)
        return 0;
    if (!(r->key = hb_arena_alloc(&rs->mem, klen + 1)))
        return -2;
    char *k = r->key;
    for (int i = 0; i < nf; i++)
        if (!mask || (mask & (1u << i))) {
            if (k != r->key)
                *k++ = '\t';
            memcpy(k, r->fields[i], flen[i]);
            k += flen[i];
        }
    *k = '\0';
    return 0;
}

/* Splits a file's text into records; faults go to the checker in check mode
 * (the file is read on), else stop the reading. */
static hb_status split_lines(const struct hb_engine *e, recs *rs, size_t layer, char *buf, size_t len,
                             int min_fields, int max_fields, unsigned flags, const char *path, hb_error *err)
{
    int lineno = 0;
    for (size_t i = 0; i < len;) {
        char *line = buf + i, *nl = memchr(line, '\n', len - i);
        size_t n = nl ? (size_t)(nl - line) : len - i;
        i += n + (nl != NULL);
        lineno++;
        while (n > 0 && line[n - 1] == '\r')
            n--;
        line[n] = '\0';
        if (lineno == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
            line += 3, n -= 3;
        const char *p = line;
        while (*p == ' ')
            p++;
        if ((*p == '\0' && strlen(line) == n) || *p == '#')
            continue;
        int r = add_rec(rs, layer, lineno, line, n, min_fields, max_fields, flags, path, err);
        if (r == -2)
            return hb_dict_fail(err, HB_ERR_NOMEM, path, lineno, 0, "out of memory"), HB_ERR_NOMEM;
        if (r < 0 && hb_dict_fault(e, err) != HB_OK)
            return err->code;
    }
    return HB_OK;
}

static int by_key(const void *a, const void *b)
{
    const rec *x = *(rec *const *)a, *y = *(rec *const *)b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    if (x->layer != y->layer)
        return x->layer < y->layer ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* No key twice (the usual case), found without sorting; 0 also when out
 * of memory (the sort then finds out). */
static int keys_distinct(const recs *rs)
{
    size_t size = 16;
    while (size < 2 * rs->n)
        size *= 2;
    const char **slot = calloc(size, sizeof *slot);
    int distinct = slot != NULL;
    for (size_t i = 0; i < rs->n && distinct; i++) {
        const char *k = rs->v[i].key;
        size_t h = (size_t)hb_hash_bytes(k, strlen(k)) & (size - 1);
        for (; slot[h] && (distinct = strcmp(slot[h], k) != 0); h = (h + 1) & (size - 1))
            ;
        slot[h] = k;
    }
    free(slot);
    return distinct;
}

/* A key of a later layer replaces every line of earlier layers with that
 * key; HB_DICT_UNIQUE: a key twice in one file is a fault. */
static hb_status resolve_keys(const struct hb_engine *e, recs *rs, unsigned flags, hb_error *err)
{
    if (rs->n < 2 || (e->n_overlays == 0 && !(flags & HB_DICT_UNIQUE)) ||
        (e->n_overlays == 0 && keys_distinct(rs)))
        return HB_OK;
    rec **order = malloc(rs->n * sizeof *order);
    if (!order)
        return HB_ERR_NOMEM;
    for (size_t i = 0; i < rs->n; i++)
        order[i] = &rs->v[i];
    qsort(order, rs->n, sizeof *order, by_key);
    hb_status st = HB_OK;
    for (size_t i = 0; i < rs->n && st == HB_OK;) {
        size_t j = i + 1;
        while (j < rs->n && !strcmp(order[j]->key, order[i]->key))
            j++;
        size_t top = order[j - 1]->layer;
        for (size_t k = i; k < j && st == HB_OK; k++) {
            if (order[k]->layer < top) {
                order[k]->dropped = 1;
            } else if (k > i && order[k - 1]->layer == top && (flags & HB_DICT_UNIQUE)) {
                const rec *r = order[k];
                const char *tab = strrchr(r->key, '\t'); /* a kind list's word, a unit */
                hb_dict_fail(err, HB_ERR_DICT, rs->paths[r->layer], r->line, 0, "\"%s\" is listed twice",
                             tab ? tab + 1 : r->key);
                st = hb_dict_fault(e, err);
            }
        }
        i = j;
    }
    free(order);
    return st;
}

static hb_status read_layers(const struct hb_engine *e, recs *rs, const char *name, int min_fields,
                             int max_fields, unsigned flags, hb_error *err)
{
    size_t layers = hb_dict_layers(e);
    if (!(rs->paths = calloc(layers, sizeof *rs->paths)) || !(rs->texts = calloc(layers, sizeof *rs->texts)))
        return HB_ERR_NOMEM;
    size_t found = 0;
    for (size_t l = layers; l-- > 0;) {
        char path[4096];
        if (!hb_dict_path(e, l, name, path, sizeof path))
            return hb_dict_fail(err, HB_ERR_DICT, layer_dir(e, l), 0, 0, "path too long"), HB_ERR_DICT;
        char *buf = NULL;
        size_t len = 0;
        int r = slurp(path, &buf, &len, err);
        if (r == -2) {
            if (l == 0 && !found && !(flags & HB_DICT_OPTIONAL)) {
                hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "cannot open: %s", strerror(ENOENT));
                return hb_dict_fault(e, err);
            }
            continue;
        }
        if (r < 0) {
            if (hb_dict_fault(e, err) != HB_OK)
                return err->code;
            continue;
        }
        rs->texts[l] = buf;
        if (!(rs->paths[l] = strdup(path)))
            return HB_ERR_NOMEM;
        found++;
        hb_status st = split_lines(e, rs, l, buf, len, min_fields, max_fields, flags, path, err);
        if (st != HB_OK)
            return st;
        if (flags & HB_DICT_TOP)
            break;
    }
    return HB_OK;
}

/* ---- records compiled into huibao.rules ---------------------------------- */

/* A file's records as rulec read them (split, folded, checked): taken from
 * huibao.rules while the file is unchanged (hb_dict_file_key: its bytes
 * and the reader's fields and flags), so that a start neither splits nor
 * folds it; an edited file is read as before.  Layout: the head, the
 * records' words (of each its line, its field count, each field's offset
 * in the text), the fields' text, each field ending in a NUL. */
struct recs_head {
    uint32_t n, words, text;
};

/* The key of the file's records for this reader, 0: none (overlays, check
 * mode, no rules file to take them from or to write). */
static int recs_key(const struct hb_engine *e, const char *name, int min_fields, int max_fields, unsigned flags,
                    unsigned char key[32])
{
    if (!e->rules && !e->record)
        return 0;
    /* the reader's fields and flags as words, not formatted: snprintf cost 1,400 instructions a file */
    const int64_t what[4] = {0x7265636F726473, min_fields, max_fields, flags & ~(unsigned)HB_DICT_KEEP};
    return file_key(e, name, what, sizeof what, key);
}

/* Calls fn for each record of blob (size bytes, recs_save's form), in
 * file order, as the reader of the file at path: no array of records is
 * made (a thousand records of 160 bytes a start).  The fields point into
 * the blob, which the engine keeps (no reader writes into its fields'
 * bytes: the program's image lies in read-only pages).  The blob may be
 * damaged or crafted: its counts and offsets are checked as read, its text
 * for UTF-8 first unless trusted (the program's own image).  1 when every
 * record was handed on, 0 when the blob is damaged, -1 when fn faulted
 * (*err filled). */
static int recs_each(const char *blob, size_t size, int min_fields, int max_fields, const char *path, int trusted,
                     hb_dict_line_fn fn, void *ctx, hb_error *err)
{
    struct recs_head h;
    if (size < sizeof h)
        return 0;
    memcpy(&h, blob, sizeof h);
    size_t left = size - sizeof h;
    if (h.words > left / 4 || h.text != left - (size_t)h.words * 4 || h.n > h.words / 2)
        return 0;
    const char *wv = blob + sizeof h, *t0 = wv + (size_t)h.words * 4;
    if ((h.text && t0[h.text - 1] != '\0') || (!trusted && !hb_utf8_valid(t0, h.text)))
        return 0;
    size_t at = 0;
    for (size_t i = 0; i < h.n; i++) {
        uint32_t w[2 + MAX_FIELDS];
        if (h.words - at < 2)
            return 0;
        memcpy(w, wv + at * 4, 8);
        if ((int32_t)w[0] < 1 || w[1] < (unsigned)min_fields || w[1] > (unsigned)max_fields ||
            w[1] > MAX_FIELDS || h.words - at - 2 < w[1])
            return 0;
        memcpy(w + 2, wv + (at + 2) * 4, w[1] * 4);
        at += 2 + w[1];
        char *fields[MAX_FIELDS];
        for (uint32_t f = 0; f < w[1]; f++) {
            if (w[2 + f] >= h.text)
                return 0;
            fields[f] = (char *)t0 + w[2 + f];
        }
        if (fn(ctx, fields, (int)w[1], path, (int)w[0], err) != 0)
            return -1;
    }
    return at == h.words;
}

/* The blob recs_each reads of rs's records (one layer, none dropped);
 * NULL when out of memory. */
static void *recs_save(const recs *rs, size_t *size)
{
    size_t text = 0, words = 0;
    for (size_t i = 0; i < rs->n; i++) {
        words += 2 + (size_t)rs->v[i].nf;
        for (int f = 0; f < rs->v[i].nf; f++)
            text += strlen(rs->v[i].fields[f]) + 1;
    }
    if (text > UINT32_MAX || words > UINT32_MAX / 4)
        return NULL;
    struct recs_head h = {(uint32_t)rs->n, (uint32_t)words, (uint32_t)text};
    *size = sizeof h + words * 4 + text;
    char *b = malloc(*size);
    if (!b)
        return NULL;
    memcpy(b, &h, sizeof h);
    char *wv = b + sizeof h, *t = wv + words * 4;
    for (size_t i = 0, at = 0; i < rs->n; i++) {
        uint32_t w[2 + MAX_FIELDS] = {(uint32_t)rs->v[i].line, (uint32_t)rs->v[i].nf};
        for (int f = 0; f < rs->v[i].nf; f++) {
            size_t n = strlen(rs->v[i].fields[f]) + 1;
            w[2 + f] = (uint32_t)(t - (wv + words * 4));
            memcpy(t, rs->v[i].fields[f], n);
            t += n;
        }
        memcpy(wv + at * 4, w, (2 + (size_t)rs->v[i].nf) * 4);
        at += 2 + (size_t)rs->v[i].nf;
    }
    return b;
}

/* The file's records from huibao.rules, each handed to fn: HB_OK, the
 * callback's fault, HB_ERR_DICT with *err filled when they are damaged; -1
 * (no status) when there are none. */
static int recs_compiled(const struct hb_engine *e, const char *name, int min_fields, int max_fields,
                         const unsigned char key[32], hb_dict_line_fn fn, void *ctx, hb_error *err)
{
    size_t size;
    char path[4096];
    const char *blob = e->record ? NULL : hb_rules_find(e->rules, key, &size);
    if (!blob || !hb_dict_path(e, 0, name, path, sizeof path))
        return -1;
    int took = recs_each(blob, size, min_fields, max_fields, path, hb_rules_builtin(e->rules), fn, ctx, err);
    if (took < 0)
        return hb_dict_fault(e, err);
    if (took == 0)
        hb_rules_damaged(e, err);
    return took ? HB_OK : HB_ERR_DICT;
}

/* Records were read from the top layer down; callers see file order. */
static int by_layer_line(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    if (x->layer != y->layer)
        return x->layer < y->layer ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

hb_status hb_dict_read(const struct hb_engine *e, const char *name, int min_fields, int max_fields,
                       unsigned flags, hb_dict_line_fn fn, void *ctx, hb_error *err)
{
    recs rs = {0};
    size_t layers = hb_dict_layers(e);
    struct hb_dict_kept *k = e->kept;
    hb_status st = HB_OK;
    unsigned char key[32];
    int keyed = 0;
    void *made = NULL; /* rulec: the records to record */
    size_t made_size = 0;
    if (k && k->full && !strcmp(k->name, name) && k->min_fields == min_fields && k->max_fields == max_fields &&
        k->flags == same_flags(flags)) {
        rs = k->rs; /* the last reader's: taken over, freed below */
        k->full = 0;
    } else {
        keyed = recs_key(e, name, min_fields, max_fields, flags, key);
        /* records rulec read go straight to fn: one layer, in order, keys resolved, none kept */
        int took = keyed ? recs_compiled(e, name, min_fields, max_fields, key, fn, ctx, err) : -1;
        if (took >= 0)
            return (hb_status)took;
        rs.keys = e->n_overlays > 0 || (flags & HB_DICT_UNIQUE);
        st = read_layers(e, &rs, name, min_fields, max_fields, flags, err);
    }
    /* one layer (the usual case) is read in order already */
    size_t sorted = 1;
    while (sorted < rs.n && by_layer_line(&rs.v[sorted - 1], &rs.v[sorted]) < 0)
        sorted++;
    if (st == HB_OK && sorted < rs.n)
        qsort(rs.v, rs.n, sizeof *rs.v, by_layer_line);
    if (st == HB_OK)
        st = resolve_keys(e, &rs, flags, err);
    if (st == HB_OK && keyed && e->record && !(made = recs_save(&rs, &made_size)))
        st = HB_ERR_NOMEM;
    for (size_t i = 0; i < rs.n && st == HB_OK; i++) {
        rec *r = &rs.v[i];
        if (r->dropped)
            continue;
        /* callbacks may keep or change fields: hand them copies' pointers */
        char *fields[MAX_FIELDS];
        memcpy(fields, r->fields, sizeof fields);
        if (fn(ctx, fields, r->nf, rs.paths[r->layer], r->line, err) != 0)
            st = hb_dict_fault(e, err);
    }
    if (made && st == HB_OK)
        st = hb_rules_record_blob(e->record, key, made, made_size); /* freed there when it fails */
    else
        free(made);
    if (st == HB_OK && e->check)
        for (size_t l = 0; l < layers; l++)
            if (rs.paths[l])
                e->check->fn(e->check->ctx, rs.paths[l], NULL);
    if (st == HB_ERR_NOMEM && !err->code)
        hb_dict_fail(err, st, name, 0, 0, "out of memory");
    /* not in check mode: its checker hears of every file read, each time */
    if (st == HB_OK && (flags & HB_DICT_KEEP) && k && !k->full && !e->check && e->n_overlays == 0 &&
        strlen(name) < sizeof k->name) {
        strcpy(k->name, name);
        k->min_fields = min_fields;
        k->max_fields = max_fields;
        k->flags = same_flags(flags);
        k->rs = rs;
        k->layers = layers;
        k->full = 1;
        return st;
    }
    recs_free(&rs, layers);
    return st;
}
