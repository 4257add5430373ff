/* Script: a report written in traditional characters is converted to
 * simplified ones (OpenCC, dict/script.txt) before any rule reads it, so
 * every dictionary applies unchanged.  Only the folded text changes; its map
 * still points each character at the one written in the input. */
#include <dlfcn.h>
#include <opencc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "engine.h"
#include "extract.h"
#include "regex_lits.h"
#include "units.h"

/* TAILS: the keys of the last two bytes of a character of three bytes
 * (tail_key()), six bits each */
enum { BMP = 0x10000, TAILS = 0x4000 };

/* A tail key's entry in tail_class, 0 when no evidence character ends so:
 * that character's lead byte's low nibble (with the key, all of its code
 * point) and its class. */
enum { TAIL_NIBBLE = 0x0F, TAIL_PLAIN = 0x10, TAIL_MARK = 0x20 };

struct hb_script_rules {
    hb_wordlist config, min, marks, plain;
    int threshold;
    /* bit sets over the BMP, looked up for every character of a report
     * until enough evidence (a mark or a plain character) is found */
    uint64_t is_mark[BMP / 64], is_evidence[BMP / 64];
    /* the evidence by its last two bytes (tail_key()): a character is
     * evidence when its lead nibble is its entry's; tails_shared: two
     * characters share a key, and tail_class only turns others away */
    uint8_t tail_class[TAILS];
    int tails_shared;
    hb_litset *mark_lits; /* the marks of three bytes, set 0 (mark_literals) */
};

/* The six low bits of each of the two bytes at p (continuation bytes,
 * little-endian) as one key below TAILS: one load and one mask. */
static inline unsigned tail_key(const unsigned char *p)
{
    uint16_t k;
    memcpy(&k, p, 2);
    return (unsigned)k & 0x3F3F;
}

static int in_set(const uint64_t *set, unsigned i)
{
    return (set[i / 64] >> (i % 64)) & 1;
}

/* The characters of three bytes of w into set and into tail_class as cls
 * (a mark's entry stays a mark). */
static void char_set(struct hb_script_rules *r, uint64_t *set, const hb_wordlist *w, unsigned cls)
{
    int cp;
    for (size_t i = 0; i < w->n; i++)
        if (hb_utf8_next(w->v[i].word, w->v[i].len, &cp) == 3 && w->v[i].len == 3) {
            set[cp / 64] |= 1ull << (cp % 64);
            const unsigned char *u = (const unsigned char *)w->v[i].word;
            uint8_t *e = &r->tail_class[tail_key(u + 1)];
            if (*e && (*e & TAIL_NIBBLE) != (u[0] & TAIL_NIBBLE))
                r->tails_shared = 1;
            else if (!(*e & TAIL_MARK))
                *e = (uint8_t)((u[0] & TAIL_NIBBLE) | cls);
        }
}

/* The marks that are counted (char_set: three bytes) as literals of one
 * set; NULL when out of memory. */
static hb_litset *mark_literals(const hb_wordlist *w)
{
    hb_litset *x = hb_litset_new();
    int cp;
    for (size_t i = 0; x && i < w->n; i++)
        if (hb_utf8_next(w->v[i].word, w->v[i].len, &cp) == 3 && w->v[i].len == 3 &&
            !hb_litset_add(x, w->v[i].word, 3, 0)) {
            hb_litset_free(x);
            x = NULL;
        }
    return x;
}

hb_status hb_script_load(struct hb_engine *e, hb_error *err)
{
    struct hb_script_rules *r = e->script = calloc(1, sizeof *r);
    if (!r)
        return HB_ERR_NOMEM;
    hb_status st = hb_kind_lists_read(e, "script.txt", (const char *const[]){"config", "min", "mark", "plain"},
                                      (hb_wordlist *const[]){&r->config, &r->min, &r->marks, &r->plain}, 4, err);
    if (st != HB_OK)
        return st;
    if (!(r->mark_lits = mark_literals(&r->marks)))
        return HB_ERR_NOMEM;
    char_set(r, r->is_mark, &r->marks, TAIL_MARK);
    char_set(r, r->is_evidence, &r->marks, TAIL_MARK);
    char_set(r, r->is_evidence, &r->plain, TAIL_PLAIN);
    if (r->config.n == 1 && r->min.n == 1 && (r->threshold = atoi(r->min.v[0].word)) >= 1)
        return HB_OK;
    hb_dict_fail(err, HB_ERR_DICT, "script.txt", 0, 0, "needs one config line and one min line (a count >= 1)");
    return hb_dict_fault(e, err);
}

void hb_script_unload(struct hb_engine *e)
{
    struct hb_script_rules *r = e->script;
    if (!r)
        return;
    hb_wordlist_free(&r->config);
    hb_wordlist_free(&r->min);
    hb_wordlist_free(&r->marks);
    hb_wordlist_free(&r->plain);
    hb_litset_free(r->mark_lits);
    free(r);
}

/* OpenCC is opened by name (HB_OPENCC_SONAME, from the build) the first
 * time a report needs it: a run that meets no traditional text never maps
 * OpenCC and the C++ runtime under it, which cost a small report's run a
 * fifth of its instructions in dynamic linking. */
static struct {
    __typeof__(opencc_open) *open;
    __typeof__(opencc_close) *close;
    __typeof__(opencc_convert_utf8) *convert;
    __typeof__(opencc_convert_utf8_free) *free;
} occ;
static int occ_loaded;
static pthread_once_t occ_once = PTHREAD_ONCE_INIT;

static void occ_load(void)
{
    void *h = dlopen(HB_OPENCC_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return;
#define SYM(f, name) (f = (__typeof__(f))dlsym(h, name))
    occ_loaded = SYM(occ.open, "opencc_open") && SYM(occ.close, "opencc_close") &&
                 SYM(occ.convert, "opencc_convert_utf8") && SYM(occ.free, "opencc_convert_utf8_free");
#undef SYM
    if (!occ_loaded)
        dlclose(h);
}

/* At least `min` traditional marks, and more of them than of their
 * simplified forms: a simplified report quoting a few traditional names
 * (or many reports run together) stays as it is.  Both are common
 * characters, so the first few hundred decide. */
enum { SCRIPT_EVIDENCE = 400 };

/* Whether the plain characters already outnumber every mark still to
 * come: at most the evidence left to count, and one per three bytes left
 * (evidence takes three).  A simplified report stops here, well before its
 * end, instead of reading all of a short report. */
static int plain_decided(size_t marks, size_t plain, size_t bytes_left)
{
    size_t left = SCRIPT_EVIDENCE - marks - plain;
    if (bytes_left / 3 < left)
        left = bytes_left / 3;
    return marks + left <= plain;
}

/* Two characters of three bytes at the start of eight bytes x
 * (little-endian): Han text, read two characters a step. */
enum { TWO_3BYTE_MASK = 0x0000C0C0F0C0C0F0ull, TWO_3BYTE = 0x00008080E08080E0ull };

/* Whether the character of three bytes at u is evidence: its tail key
 * first, which turns most characters away; then all of it. */
static inline int evidence_at(const struct hb_script_rules *r, const unsigned char *u, int *cp)
{
    if (!r->tail_class[tail_key(u + 1)])
        return 0;
    *cp = (u[0] & 0x0F) << 12 | (u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    return in_set(r->is_evidence, (unsigned)*cp);
}

/* Past the next evidence character, three bytes starting before `last`
 * (the fold's end less two), its code point in *cp; NULL when there is
 * none.  The fold's zero padding (HB_TEXT_PAD) makes eight bytes readable
 * at any place before its end, and no pair of characters reaches into it. */
static const unsigned char *next_evidence(const struct hb_script_rules *r, const unsigned char *u,
                                          const unsigned char *last, int *cp)
{
    while (u < last) {
        uint64_t x;
        memcpy(&x, u, 8);
        if ((x & TWO_3BYTE_MASK) == TWO_3BYTE) {
            if (evidence_at(r, u, cp))
                return u + 3;
            if (evidence_at(r, u + 3, cp))
                return u + 6;
            u += 6;
        } else if ((x & 0xF0) != 0xE0) {
            u += hb_utf8_len((unsigned char)x);
        } else {
            u += 3;
            if (evidence_at(r, u - 3, cp))
                return u;
        }
    }
    return NULL;
}

/* The verdict, counting on from u (marks and plain found before it), one
 * piece of evidence at a time up to SCRIPT_EVIDENCE. */
static int verdict(const struct hb_script_rules *r, const unsigned char *u, const unsigned char *end, size_t marks,
                   size_t plain)
{
    int cp;
    while (marks + plain < SCRIPT_EVIDENCE && (u = next_evidence(r, u, end - 2, &cp)) != NULL) {
        if (in_set(r->is_mark, (unsigned)cp))
            marks++;
        else if (plain_decided(marks, ++plain, (size_t)(end - u)))
            return 0;
    }
    return marks >= (size_t)r->threshold && marks > plain;
}

/* What the character of three bytes at u adds to a tally: 1 when plain,
 * 1 << 32 when a mark (tail_class, exact when no tail is shared).  No
 * branch: a fifth of Han text is evidence, at no foreseeable place. */
static inline uint64_t weight(const struct hb_script_rules *r, const unsigned char *u)
{
    static const uint64_t by_class[4] = {0, 1, 1ull << 32, 0};
    unsigned e = r->tail_class[tail_key(u + 1)];
    return by_class[((e ^ u[0]) & TAIL_NIBBLE) ? 0 : e >> 4];
}

/* The marks (high half) and plain characters (low half) from u to the
 * first character starting at or past stop (<= the fold's end less two),
 * which is *at. */
static uint64_t tally(const struct hb_script_rules *r, const unsigned char *u, const unsigned char *stop,
                      const unsigned char **at)
{
    uint64_t n = 0;
    while (u < stop) {
        uint64_t x;
        memcpy(&x, u, 8);
        if ((x & TWO_3BYTE_MASK) == TWO_3BYTE) {
            n += weight(r, u) + weight(r, u + 3);
            u += 6;
        } else if ((x & 0xF0) != 0xE0) {
            u += hb_utf8_len((unsigned char)x);
        } else {
            n += weight(r, u);
            u += 3;
        }
    }
    *at = u;
    return n;
}

/* Bytes of the fold tallied between two tests of the verdict: a plain
 * verdict, once reached, holds for the rest (plain_decided() bounds every
 * mark to come), so testing it a chunk late reads past it, no more. */
enum { SCRIPT_CHUNK = 256 };

/* A fold of up to this many bytes is first asked whether it holds any mark
 * at all, by the literal set's vector scan (none: not traditional): a
 * simplified report is decided some 3 KB in, and 5 KB looked at 32 bytes a
 * step took less than half the time of those 3 KB tallied (793 reports of
 * 5 KB); a longer one is decided as far in, and only tallied. */
enum { SCRIPT_SCAN_MAX = 8192 };

static int traditional(const hb_doc *d)
{
    const struct hb_script_rules *r = d->engine->script;
    size_t marks = 0, plain = 0;
    /* the fold is valid UTF-8 and the evidence characters take three bytes */
    if (d->fold_len < 3)
        return 0;
    if (d->fold_len <= SCRIPT_SCAN_MAX && hb_cpu_avx2() && !hb_litset_scan(r->mark_lits, d->fold, d->fold_len))
        return 0; /* no mark at all: fewer than the threshold, which is 1 at least */
    const unsigned char *u = (const unsigned char *)d->fold, *end = u + d->fold_len, *last = end - 2;
    while (!r->tails_shared && u < last) {
        const unsigned char *stop = (size_t)(last - u) > SCRIPT_CHUNK ? u + SCRIPT_CHUNK : last, *next;
        uint64_t n = tally(r, u, stop, &next);
        size_t m = marks + (size_t)(n >> 32), p = plain + (uint32_t)n;
        if (m + p >= SCRIPT_EVIDENCE)
            break; /* the count ends in this chunk: counted one by one from its start */
        marks = m, plain = p, u = next;
        if (plain_decided(marks, plain, (size_t)(end - u)))
            return 0;
    }
    return verdict(r, u, end, marks, plain);
}

typedef struct {
    hb_doc *d;
    char *out;
    hb_omap map;
    size_t n, cap, hint; /* hint: the fold's map run last read */
} conv_buf;

/* Appends s[0..len), the converted form of the character at fold byte at
 * (or a line end): each byte maps to that character's text offset. */
static int put(conv_buf *b, const char *s, size_t len, size_t at)
{
    const hb_doc *d = b->d;
    if (b->n + len + 1 + HB_TEXT_PAD > b->cap) {
        size_t ncap = (b->n + len + 1 + HB_TEXT_PAD) * 2;
        char *no = realloc(b->out, ncap);
        if (!no)
            return 0;
        b->out = no, b->cap = ncap;
    }
    memcpy(b->out + b->n, s, len);
    size_t src = hb_omap_get(&d->fmap, d->fold, at, &b->hint);
    /* a character left as it was keeps its run; any other maps byte by byte */
    size_t same = (size_t)hb_utf8_len((unsigned char)d->fold[at]) == len && memcmp(s, d->fold + at, len) == 0 ? 1 : len;
    for (size_t k = 0; k < same; k++)
        if (!hb_omap_put(&b->d->arena, &b->map, b->n + k, src))
            return 0;
    b->n += len;
    return 1;
}

/* One line [a, b) of the fold.  OpenCC converts phrases as a whole, which
 * almost always keeps the character count; then output character k maps to
 * input character k.  Where a phrase changed the count, the line is
 * converted character by character, which keeps the map exact. */
static int convert_line(conv_buf *b, opencc_t cc, size_t a, size_t e)
{
    const hb_doc *d = b->d;
    const char *s = d->fold + a;
    size_t len = e - a;
    char *c = len ? occ.convert(cc, s, len) : NULL;
    if (c && hb_utf8_count(c, strlen(c)) == hb_utf8_count(s, len)) {
        size_t i = 0, j = 0, cl = strlen(c);
        while (j < cl) {
            size_t on = (size_t)hb_utf8_len((unsigned char)c[j]);
            if (!put(b, c + j, on, a + i))
                return occ.free(c), 0;
            i += (size_t)hb_utf8_len((unsigned char)s[i]);
            j += on;
        }
        occ.free(c);
        return 1;
    }
    if (c)
        occ.free(c);
    for (size_t i = 0; i < len;) {
        size_t n = (size_t)hb_utf8_len((unsigned char)s[i]);
        char *one = n > 1 ? occ.convert(cc, s + i, n) : NULL;
        int ok = one ? put(b, one, strlen(one), a + i) : put(b, s + i, n, a + i);
        if (one)
            occ.free(one);
        if (!ok)
            return 0;
        i += n;
    }
    return 1;
}

/* Converts d->fold (a new buffer and map in the arena) when the text holds
 * enough traditional-only characters; warns `traditional-script`. */
hb_status hb_script_run(hb_doc *d)
{
    if (!traditional(d))
        return HB_OK;
    const char *config = d->engine->script->config.v[0].word;
    /* opened per report: only traditional reports pay for loading it, and
     * no converter is shared between threads */
    pthread_once(&occ_once, occ_load);
    opencc_t cc = occ_loaded ? occ.open(config) : (opencc_t)-1;
    if (cc == (opencc_t)-1)
        return hb_doc_warn(d, "traditional-script", 0,
                           "the text is in traditional script but OpenCC '%s' does not open%s: read as written",
                           config, occ_loaded ? "" : " (" HB_OPENCC_SONAME " not found)")
                   ? HB_OK
                   : HB_ERR_NOMEM;
    conv_buf b = {d, NULL, {0}, 0, 0, 0};
    int ok = 1;
    for (size_t a = 0; ok && a <= d->fold_len;) {
        const char *nl = memchr(d->fold + a, '\n', d->fold_len - a);
        size_t e = nl ? (size_t)(nl - d->fold) : d->fold_len;
        ok = convert_line(&b, cc, a, e) && (!nl || put(&b, "\n", 1, e));
        if (!nl)
            break;
        a = e + 1;
    }
    occ.close(cc);
    if (!ok || !hb_omap_put(&d->arena, &b.map, b.n, hb_omap_at(&d->fmap, d->fold, d->fold_len)) ||
        (!b.out && !(b.out = malloc(1 + HB_TEXT_PAD)))) {
        free(b.out);
        return HB_ERR_NOMEM;
    }
    memset(b.out + b.n, 0, 1 + HB_TEXT_PAD);
    hb_doc_set_fold(d, b.out);
    d->fold_len = b.n;
    hb_arena_free(&d->arena, d->fmap.v);
    d->fmap = b.map;
    d->converted_script = 1;
    return hb_doc_warn(d, "traditional-script", 0,
                       "traditional script converted to simplified for analysis (OpenCC %s); spans point into the text as written",
                       config)
               ? HB_OK
               : HB_ERR_NOMEM;
}
