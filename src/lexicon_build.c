/* Building the lexicon: jieba's dict.txt compiled to the double-array trie
 * file that lexicon.c maps.  See lexicon.h for the jieba semantics. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_CLOEXEC, strdup */
#endif
#include "lexicon_file.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "normalize.h"

/* Decodes valid UTF-8 into code points; returns the count. */
static size_t decode_cps(const char *s, size_t len, int32_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        int cp;
        i += (size_t)hb_utf8_next(s + i, len - i, &cp);
        out[n++] = cp;
    }
    return n;
}

/* ================= compiling ================= */

typedef struct {
    uint32_t *ids;   /* char ids of the word */
    size_t at;       /* where they start in the pool */
    uint32_t len;    /* in characters */
    uint32_t freq;
    uint32_t line;
    uint8_t tag;
} lex_entry;

typedef struct {
    hb_lex_slot *nodes;
    uint8_t *based;      /* per slot: 1 when a node has it as its base, which no other may take */
    uint32_t *freq;      /* per slot; 0 for a prefix */
    uint8_t *tag;
    size_t size;         /* slots allocated */
    size_t top;          /* highest slot used + 1 */
    uint32_t *up;        /* up[i] == i: slot i is free; else a slot nearer the next
                            free one (a union-find forest, paths halved) */
    lex_entry *e;
} da_builder;

static int da_reserve(da_builder *b, size_t need)
{
    if (need <= b->size)
        return 0;
    size_t n = b->size ? b->size : 1 << 16;
    while (n < need)
        n *= 2;
    if (n > (size_t)INT32_MAX)
        return -1;
    hb_lex_slot *nodes = realloc(b->nodes, n * sizeof *nodes);
    if (!nodes)
        return -1;
    b->nodes = nodes;
    uint8_t *based = realloc(b->based, n);
    if (!based)
        return -1;
    b->based = based;
    uint32_t *freq = realloc(b->freq, n * sizeof *freq);
    if (!freq)
        return -1;
    b->freq = freq;
    uint8_t *tag = realloc(b->tag, n);
    if (!tag)
        return -1;
    b->tag = tag;
    uint32_t *up = realloc(b->up, n * sizeof *up);
    if (!up)
        return -1;
    b->up = up;
    for (size_t i = b->size; i < n; i++) {
        b->up[i] = (uint32_t)i;
        b->nodes[i] = (hb_lex_slot){0, HB_LEX_NO_LABEL, 0};
        b->based[i] = 0;
        b->freq[i] = 0;
        b->tag[i] = 0;
    }
    b->size = n;
    return 0;
}

typedef struct {
    uint32_t c;
    size_t lo, hi;
} da_group;

/* The first free slot at or after i (slots past the array are free). */
static size_t da_free_from(da_builder *b, size_t i)
{
    while (i < b->size && b->up[i] != i) {
        uint32_t u = b->up[i];
        if (u < b->size)
            b->up[i] = b->up[u];
        i = u;
    }
    return i;
}

static void da_take(da_builder *b, size_t t, uint16_t label)
{
    b->nodes[t].label = label;
    b->up[t] = (uint32_t)(t + 1);
    if (t + 1 > b->top)
        b->top = t + 1;
}

/* First-fit base for a set of child ids, trying only free slots for the
 * first child: no region is given up, so holes are filled to the end.  A
 * base another node has is passed over: the labels tell parents apart only
 * so (lexicon.h). */
static int da_find_base(da_builder *b, const da_group *g, size_t ng, size_t *base_out)
{
    size_t c1 = g[0].c, cmax = g[ng - 1].c;
    for (size_t pos = da_free_from(b, c1 + 1);; pos = da_free_from(b, pos + 1)) {
        if (da_reserve(b, pos + cmax + 1) < 0)
            return -1;
        size_t begin = pos - c1;
        if (b->based[begin])
            continue;
        size_t k = 1;
        while (k < ng && b->nodes[begin + g[k].c].label == HB_LEX_NO_LABEL)
            k++;
        if (k == ng) {
            *base_out = begin;
            return 0;
        }
    }
}

/* A trie node: the prefix of length d shared by the sorted entries
 * e[lo, hi), reached from its parent by char id c; its nkids children are
 * the nodes kid0, kid0 + 1, …  (breadth-first order keeps them together). */
typedef struct {
    size_t lo, hi;
    uint32_t d, c, nkids, kid0, slot;
    int32_t base;
} da_node;

/* A key ranked by a count, most first, then by key: characters by how
 * often they occur (their ids), trie nodes by their number of children. */
typedef struct {
    int32_t cp;
    uint32_t count;
} char_count;

static int count_cmp(const void *pa, const void *pb)
{
    const char_count *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return a->cp < b->cp ? -1 : a->cp > b->cp;
}

/* The children of node t, as groups of entries by their next character;
 * *g grows as needed.  Returns the count, or -1 when out of memory. */
static long da_groups(const lex_entry *e, const da_node *t, da_group **g, size_t *cap)
{
    size_t lo = t->lo, ng = 0;
    while (lo < t->hi && e[lo].len == t->d)
        lo++;
    for (size_t i = lo; i < t->hi;) {
        uint32_t c = e[i].ids[t->d];
        size_t j = i + 1;
        while (j < t->hi && e[j].ids[t->d] == c)
            j++;
        if (ng == *cap) {
            size_t ncap = *cap ? *cap * 2 : 64;
            da_group *ng2 = realloc(*g, ncap * sizeof **g);
            if (!ng2)
                return -1;
            *g = ng2;
            *cap = ncap;
        }
        (*g)[ng++] = (da_group){c, i, j};
        i = j;
    }
    return (long)ng;
}

/* Every node of the trie over the n entries, breadth first; NULL when out
 * of memory. */
static da_node *da_nodes(const lex_entry *e, size_t n, size_t *count)
{
    size_t nv = 1, cap = 1024, gcap = 0;
    da_node *v = malloc(cap * sizeof *v);
    da_group *g = NULL;
    if (!v)
        return NULL;
    v[0] = (da_node){.lo = 0, .hi = n};
    for (size_t i = 0; i < nv; i++) {
        long ng = da_groups(e, &v[i], &g, &gcap);
        da_node *nv2 = ng >= 0 && nv + (size_t)ng > cap ? realloc(v, (cap = (nv + (size_t)ng) * 2) * sizeof *v) : v;
        if (ng < 0 || !nv2) {
            free(v);
            free(g);
            return NULL;
        }
        v = nv2;
        v[i].nkids = (uint32_t)ng;
        v[i].kid0 = (uint32_t)nv;
        for (long k = 0; k < ng; k++)
            v[nv++] = (da_node){.lo = g[k].lo, .hi = g[k].hi, .d = v[i].d + 1, .c = g[k].c};
    }
    free(g);
    *count = nv;
    return v;
}

/* Places the trie: the bases of the nodes with the most children first,
 * each at the first slot where all its children fit (a base does not
 * depend on where its own node lies), so the narrow ones fill the holes
 * the wide ones leave and the array is nearly full (depth first with a
 * skip over 95%-full regions left a third of it empty, bytes every run
 * reads); then the slots follow from the bases, root down. */
static int da_build(da_builder *b, size_t n)
{
    size_t nv = 0, gcap = 0, no = 0;
    da_node *v = da_nodes(b->e, n, &nv);
    char_count *ord = v ? malloc(nv * sizeof *ord) : NULL; /* node index, its children */
    da_group *g = NULL;
    int rc = ord ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < nv; i++)
        if (v[i].nkids)
            ord[no++] = (char_count){(int32_t)i, v[i].nkids};
    if (rc == 0 && no > 1)
        qsort(ord, no, sizeof *ord, count_cmp);
    for (size_t k = 0; rc == 0 && k < no; k++) {
        da_node *t = &v[ord[k].cp];
        size_t base;
        if (da_groups(b->e, t, &g, &gcap) < 0 || da_find_base(b, g, t->nkids, &base) < 0) {
            rc = -1;
            break;
        }
        t->base = (int32_t)base;
        b->based[base] = 1;
        for (uint32_t j = 0; j < t->nkids; j++)
            da_take(b, base + g[j].c, (uint16_t)g[j].c);
    }
    for (size_t i = 0; rc == 0 && i < nv; i++) { /* parents come before their children */
        const da_node *t = &v[i];
        if (!t->nkids) {
            /* a leaf's children are past every slot: the segmenter's walk
             * leaves as it arrives, without a step that fails */
            if (i)
                b->nodes[t->slot].base = HB_LEX_LEAF_BASE;
            continue;
        }
        b->nodes[t->slot].base = t->base;
        for (uint32_t j = 0; j < t->nkids; j++) {
            da_node *kid = &v[t->kid0 + j];
            kid->slot = (uint32_t)t->base + kid->c;
            /* Equal words sit together in line order: the last line wins, as
             * in jieba's lfreq[word] = freq. */
            size_t last = SIZE_MAX;
            for (size_t x = kid->lo; x < kid->hi && b->e[x].len == kid->d; x++)
                last = x;
            if (last != SIZE_MAX) {
                b->tag[kid->slot] = b->e[last].tag;
                b->freq[kid->slot] = b->e[last].freq;
            }
        }
    }
    free(v);
    free(ord);
    free(g);
    return rc;
}

static int entry_cmp(const void *pa, const void *pb)
{
    const lex_entry *a = pa, *b = pb;
    uint32_t n = a->len < b->len ? a->len : b->len;
    for (uint32_t i = 0; i < n; i++)
        if (a->ids[i] != b->ids[i])
            return a->ids[i] < b->ids[i] ? -1 : 1;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int cp_cmp(const void *pa, const void *pb)
{
    const int32_t *a = pa, *b = pb;
    return *a < *b ? -1 : *a > *b;
}

static int supp_cmp(const void *pa, const void *pb)
{
    const uint32_t *a = pa, *b = pb;
    return a[0] < b[0] ? -1 : a[0] > b[0];
}

/* A whole regular file of at most HB_LEX_MAX_FILE bytes.  O_NONBLOCK: a
 * FIFO without a writer must not block the open; it is then refused like
 * any file that is not regular. */
hb_status hb_lex_read_file(const char *path, char **buf, size_t *len, hb_error *err)
{
    size_t cap, n = 0;
    int fd = hb_file_open(path, &cap, err);
    if (fd < 0)
        return HB_ERR_IO;
    const char *why = NULL;
    char *p = malloc(cap + 1);
    while (p && n < cap) {
        ssize_t r = read(fd, p + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            why = r < 0 ? strerror(errno) : "changed while being read";
            break;
        }
        n += (size_t)r;
    }
    close(fd);
    if (!why && !p)
        why = "out of memory";
    if (why) {
        free(p);
        hb_status st = p || strcmp(why, "out of memory") ? HB_ERR_IO : HB_ERR_NOMEM;
        hb_dict_fail(err, st, path, 0, 0, "%s", why);
        return st;
    }
    p[n] = '\0';
    *buf = p;
    *len = n;
    return HB_OK;
}

int hb_lex_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

long long hb_lex_parse_freq(const char *s, size_t n, long long max)
{
    if (n == 0)
        return -1;
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
        if (v > max)
            return -1;
    }
    return v;
}

typedef struct {
    char names[MAX_TAGS + 1][8];
    uint32_t n;   /* names[0] is the empty "no tag" */
} tag_table;

static int tag_index(tag_table *t, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (n > 7)
        return -1;
    for (uint32_t i = 1; i < t->n; i++)
        if (strlen(t->names[i]) == n && memcmp(t->names[i], s, n) == 0)
            return (int)i;
    if (t->n > MAX_TAGS)
        return -1;
    memcpy(t->names[t->n], s, n);
    t->names[t->n][n] = '\0';
    return (int)t->n++;
}

typedef struct {
    lex_entry *e;
    size_t n;
    uint32_t *ids;        /* pool behind every entry's ids */
    int32_t *cps;         /* code points, same layout, before ids are known */
    long long total;
    tag_table tags;
} dict_parse;

/* jieba's gen_pfdict: strip, "word freq [tag]" split on single spaces,
 * total summed over every line (duplicates included). */
static hb_status parse_dict(const char *path, char *buf, size_t len, dict_parse *dp, hb_error *err)
{
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    dp->e = calloc(lines, sizeof *dp->e);
    dp->cps = malloc((len + 1) * sizeof *dp->cps);
    if (!dp->e || !dp->cps) {
        hb_dict_fail(err, HB_ERR_NOMEM, path, 0, 0, "out of memory");
        return HB_ERR_NOMEM;
    }
    size_t ncps = 0;
    uint32_t lineno = 0;
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && buf[end] != '\n')
            end++;
        size_t next = end < len ? end + 1 : end;
        lineno++;
        size_t a = i, z = end;
        i = next;
        if (z == len && a == z)
            break; /* no line after a final newline */
        while (a < z && hb_lex_is_space((unsigned char)buf[a]))
            a++;
        while (z > a && hb_lex_is_space((unsigned char)buf[z - 1]))
            z--;
        const char *s = buf + a;
        size_t n = z - a;
        if (memchr(s, '\0', n) || !hb_utf8_valid(s, n)) {
            hb_dict_fail(err, HB_ERR_DICT, path, (int)lineno, 0, "line is not valid UTF-8");
            return HB_ERR_DICT;
        }
        const char *sp1 = memchr(s, ' ', n);
        if (!sp1 || sp1 == s) {
            hb_dict_fail(err, HB_ERR_DICT, path, (int)lineno, 0,
                         "invalid dictionary entry: expected \"word freq [tag]\"");
            return HB_ERR_DICT;
        }
        if (hb_utf8_count(s, (size_t)(sp1 - s)) > HB_LEX_MAX_WORD) {
            hb_dict_fail(err, HB_ERR_DICT, path, (int)lineno, 0, "word longer than %d characters",
                         HB_LEX_MAX_WORD);
            return HB_ERR_DICT;
        }
        const char *f = sp1 + 1;
        const char *sp2 = memchr(f, ' ', (size_t)(s + n - f));
        size_t flen = (size_t)((sp2 ? sp2 : s + n) - f);
        long long freq = hb_lex_parse_freq(f, flen, UINT32_MAX);
        if (freq < 0) {
            hb_dict_fail(err, HB_ERR_DICT, path, (int)lineno, 0,
                         "invalid frequency \"%.*s\"", (int)(flen > 40 ? 40 : flen), f);
            return HB_ERR_DICT;
        }
        int tag = 0;
        if (sp2) {
            const char *t = sp2 + 1;
            const char *sp3 = memchr(t, ' ', (size_t)(s + n - t));
            tag = tag_index(&dp->tags, t, (size_t)((sp3 ? sp3 : s + n) - t));
            if (tag < 0) {
                hb_dict_fail(err, HB_ERR_DICT, path, (int)lineno, 0,
                             "tag longer than 7 bytes or more than %d tags", MAX_TAGS);
                return HB_ERR_DICT;
            }
        }
        lex_entry *e = &dp->e[dp->n++];
        e->at = ncps;
        e->len = (uint32_t)decode_cps(s, (size_t)(sp1 - s), dp->cps + ncps);
        ncps += e->len;
        e->freq = (uint32_t)freq;
        e->line = lineno;
        e->tag = (uint8_t)tag;
        dp->total += freq;
    }
    if (dp->n == 0) {
        hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "no words");
        return HB_ERR_DICT;
    }
    return HB_OK;
}

/* Gives each distinct character an id, the most frequent first so the
 * busiest transitions pack densely; fills ids and the two maps. */
static hb_status assign_ids(dict_parse *dp, size_t ncps, uint16_t *charmap, uint32_t **supp,
                            uint32_t *nsupp, const char *path, hb_error *err)
{
    int32_t *sorted = malloc((ncps + 1) * sizeof *sorted);
    char_count *cc = malloc((ncps + 1) * sizeof *cc);
    dp->ids = malloc((ncps + 1) * sizeof *dp->ids);
    if (!sorted || !cc || !dp->ids) {
        free(sorted);
        free(cc);
        hb_dict_fail(err, HB_ERR_NOMEM, path, 0, 0, "out of memory");
        return HB_ERR_NOMEM;
    }
    memcpy(sorted, dp->cps, ncps * sizeof *sorted);
    if (ncps > 1)
        qsort(sorted, ncps, sizeof *sorted, cp_cmp);
    size_t nc = 0;
    for (size_t i = 0; i < ncps;) {
        size_t j = i;
        while (j < ncps && sorted[j] == sorted[i])
            j++;
        cc[nc++] = (char_count){sorted[i], (uint32_t)(j - i)};
        i = j;
    }
    free(sorted);
    if (nc > HB_LEX_MAX_CHARS) { /* a slot's label holds a char id in 15 bits */
        free(cc);
        hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "more than %u distinct characters", HB_LEX_MAX_CHARS);
        return HB_ERR_DICT;
    }
    if (nc > 1)
        qsort(cc, nc, sizeof *cc, count_cmp);
    size_t ns = 0;
    for (size_t i = 0; i < nc; i++)
        ns += cc[i].cp >= CHARMAP_N;
    *supp = malloc((ns + 1) * 2 * sizeof **supp);
    if (!*supp) {
        free(cc);
        hb_dict_fail(err, HB_ERR_NOMEM, path, 0, 0, "out of memory");
        return HB_ERR_NOMEM;
    }
    ns = 0;
    for (size_t i = 0; i < nc; i++) {
        if (cc[i].cp < CHARMAP_N) {
            charmap[cc[i].cp] = (uint16_t)(i + 1);
        } else {
            (*supp)[2 * ns] = (uint32_t)cc[i].cp;
            (*supp)[2 * ns + 1] = (uint32_t)(i + 1);
            ns++;
        }
    }
    if (ns > 1)
        qsort(*supp, ns, 2 * sizeof **supp, supp_cmp);
    *nsupp = (uint32_t)ns;
    free(cc);
    /* Ids through the same lookup the segmenter uses. */
    struct hb_lexicon tmp = {.charmap = charmap, .supp = *supp, .nsupp = (uint32_t)ns};
    for (size_t i = 0; i < ncps; i++)
        dp->ids[i] = hb_lex_char_id(&tmp, dp->cps[i]);
    for (size_t i = 0; i < dp->n; i++)
        dp->e[i].ids = dp->ids + dp->e[i].at;
    return HB_OK;
}

static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

static int write_section(FILE *f, size_t *at, size_t off, const void *p, size_t n)
{
    static const char zeros[16];
    if (off > *at && fwrite(zeros, 1, off - *at, f) != off - *at)
        return -1;
    if (n && fwrite(p, 1, n, f) != n)
        return -1;
    *at = off + n;
    return 0;
}

static int u64_cmp(const void *pa, const void *pb)
{
    const uint64_t *a = pa, *b = pb;
    return *a < *b ? -1 : *a > *b;
}

/* A slot's value: its frequency and tag, 0 for a bare prefix. */
static uint64_t slot_value(const da_builder *b, size_t t)
{
    return (uint64_t)b->freq[t] << 8 | b->tag[t];
}

/* The slots' (frequency, tag) pairs as indexes (each slot's val) into a
 * table of the distinct ones, as log(freq) (-1 for frequency 0) and tag;
 * [0] is a bare prefix.  Returns 0, or -1 when out of memory or when there
 * are more than MAX_LOGV - 1 distinct pairs (*nlogv is then MAX_LOGV). */
static int index_values(da_builder *b, double **logv, uint8_t **vtag, uint32_t *nlogv)
{
    uint64_t *v = malloc((b->top + 1) * sizeof *v);
    *logv = NULL;
    *vtag = NULL;
    *nlogv = 0;
    if (!v)
        return -1;
    size_t n = 0;
    for (size_t t = 0; t < b->top; t++)
        if (slot_value(b, t))
            v[n++] = slot_value(b, t);
    if (n > 1)
        qsort(v, n, sizeof *v, u64_cmp);
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        if (d == 0 || v[d - 1] != v[i])
            v[d++] = v[i];
    if (d + 1 > MAX_LOGV) {
        free(v);
        *nlogv = MAX_LOGV;
        return -1;
    }
    *logv = malloc((d + 1) * sizeof **logv);
    *vtag = malloc(d + 1);
    if (!*logv || !*vtag) {
        free(v);
        return -1;
    }
    (*logv)[0] = -1.0;
    (*vtag)[0] = 0;
    for (size_t i = 0; i < d; i++) {
        (*logv)[i + 1] = log_or_none((long long)(v[i] >> 8));
        (*vtag)[i + 1] = (uint8_t)v[i];
    }
    for (size_t t = 0; t < b->top; t++) {
        uint64_t x = slot_value(b, t);
        const uint64_t *at = x ? bsearch(&x, v, d, sizeof *v, u64_cmp) : NULL;
        b->nodes[t].val = (uint16_t)(at ? at - v + 1 : 0);
    }
    *nlogv = (uint32_t)(d + 1);
    free(v);
    return 0;
}

static hb_status write_lexicon(const char *dict_txt, const char *out_path, da_builder *b,
                               const uint16_t *charmap,
                               const uint32_t *supp, uint32_t nsupp, const dict_parse *dp,
                               size_t nwords, hb_error *err)
{
    double *logv;
    uint8_t *vtag;
    uint32_t nlogv;
    if (index_values(b, &logv, &vtag, &nlogv) < 0) {
        free(logv);
        free(vtag);
        hb_status st = nlogv ? HB_ERR_DICT : HB_ERR_NOMEM;
        hb_dict_fail(err, st, dict_txt, 0, 0,
                     nlogv ? "more than %d distinct (frequency, tag) pairs (the compiled form indexes them "
                             "in 16 bits)" : "out of memory", MAX_LOGV - 1);
        return st;
    }
    struct lex_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, LEX_MAGIC, 8);
    h.version = LEX_VERSION;
    h.endian = LEX_ENDIAN;
    h.nnodes = (uint32_t)b->top;
    h.nsupp = nsupp;
    h.ntags = dp->tags.n;
    h.total = dp->total;
    h.nwords = nwords;
    h.off_nodes = align16(sizeof h);
    h.nlogv = nlogv;
    h.off_vtag = align16(h.off_nodes + b->top * sizeof(hb_lex_slot));
    h.off_charmap = align16(h.off_vtag + nlogv);
    h.off_supp = align16(h.off_charmap + CHARMAP_N * sizeof(uint16_t));
    h.off_tags = align16(h.off_supp + (size_t)nsupp * 2 * sizeof(uint32_t));
    h.off_logv = align16(h.off_tags + (size_t)h.ntags * 8);
    h.file_size = h.off_logv + (size_t)nlogv * sizeof(double);

    /* Write beside the target and rename, so a reader never maps half a file. */
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", out_path, (long)getpid()) >= (int)sizeof tmp) {
        hb_dict_fail(err, HB_ERR_IO, out_path, 0, 0, "path too long");
        free(logv);
        free(vtag);
        return HB_ERR_IO;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        hb_dict_fail(err, HB_ERR_IO, out_path, 0, 0, "cannot create: %s", strerror(errno));
        free(logv);
        free(vtag);
        return HB_ERR_IO;
    }
    size_t at = 0;
    int bad = write_section(f, &at, 0, &h, sizeof h) ||
              write_section(f, &at, h.off_nodes, b->nodes, b->top * sizeof(hb_lex_slot)) ||
              write_section(f, &at, h.off_vtag, vtag, nlogv) ||
              write_section(f, &at, h.off_charmap, charmap, CHARMAP_N * sizeof(uint16_t)) ||
              write_section(f, &at, h.off_supp, supp, (size_t)nsupp * 2 * sizeof(uint32_t)) ||
              write_section(f, &at, h.off_tags, dp->tags.names, (size_t)h.ntags * 8) ||
              write_section(f, &at, h.off_logv, logv, (size_t)nlogv * sizeof(double));
    free(logv);
    free(vtag);
    if (fclose(f) != 0)
        bad = 1;
    if (bad || rename(tmp, out_path) != 0) {
        int e = errno;
        remove(tmp);
        hb_dict_fail(err, HB_ERR_IO, out_path, 0, 0, "cannot write: %s", strerror(e));
        return HB_ERR_IO;
    }
    return HB_OK;
}

hb_status hb_lexicon_compile(const char *dict_txt, const char *out_path, hb_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    hb_status st = hb_lex_read_file(dict_txt, &buf, &len, err);
    if (st != HB_OK)
        return st;
    dict_parse dp;
    memset(&dp, 0, sizeof dp);
    dp.tags.n = 1;
    da_builder b;
    memset(&b, 0, sizeof b);
    uint16_t *charmap = calloc(CHARMAP_N, sizeof *charmap);
    uint32_t *supp = NULL, nsupp = 0;
    if (!charmap) {
        st = HB_ERR_NOMEM;
        hb_dict_fail(err, st, dict_txt, 0, 0, "out of memory");
        goto done;
    }
    st = parse_dict(dict_txt, buf, len, &dp, err);
    if (st != HB_OK)
        goto done;
    size_t ncps = 0;
    for (size_t i = 0; i < dp.n; i++)
        ncps += dp.e[i].len;
    st = assign_ids(&dp, ncps, charmap, &supp, &nsupp, dict_txt, err);
    if (st != HB_OK)
        goto done;
    if (dp.n > 1)
        qsort(dp.e, dp.n, sizeof *dp.e, entry_cmp);
    size_t nwords = 0;
    for (size_t i = 0; i < dp.n; i++) {
        const lex_entry *x = &dp.e[i], *y = i + 1 < dp.n ? &dp.e[i + 1] : NULL;
        nwords += !y || x->len != y->len || memcmp(x->ids, y->ids, x->len * sizeof *x->ids) != 0;
    }
    b.e = dp.e;
    if (da_reserve(&b, 1 << 16) < 0) {
        st = HB_ERR_NOMEM;
        hb_dict_fail(err, st, dict_txt, 0, 0, "out of memory");
        goto done;
    }
    da_take(&b, 0, HB_LEX_NO_LABEL); /* the root; no transition reaches slot 0 */
    if (da_build(&b, dp.n) < 0) {
        st = HB_ERR_NOMEM;
        hb_dict_fail(err, st, dict_txt, 0, 0, "out of memory building the trie");
        goto done;
    }
    st = write_lexicon(dict_txt, out_path, &b, charmap, supp, nsupp, &dp, nwords, err);
done:
    free(buf);
    free(dp.e);
    free(dp.cps);
    free(dp.ids);
    free(charmap);
    free(supp);
    free(b.nodes);
    free(b.based);
    free(b.freq);
    free(b.tag);
    free(b.up);
    return st;
}
