/* The document's helpers every stage calls: offsets between the view and
 * the input, input lines, copies of the original text, and warnings. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "hash.h"

int hb_doc_line_at(const hb_doc *d, size_t off)
{
    int lo = 0, hi = d->nlines - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (d->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo + 1;
}

int hb_doc_line_at_hint(const hb_doc *d, size_t off, size_t *hint)
{
    size_t k = *hint, n = (size_t)d->nlines;
    for (int step = 0; step < 16 && k < n && d->line_starts[k] <= off; step++, k++)
        if (k + 1 == n || d->line_starts[k + 1] > off) {
            *hint = k;
            return (int)k + 1;
        }
    int line = hb_doc_line_at(d, off);
    *hint = (size_t)line - 1;
    return line;
}

size_t hb_doc_vstart_hint(const hb_doc *d, size_t v, size_t *hint)
{
    return hb_omap_get(&d->vmap, d->view, v < d->view_len ? v : d->view_len, hint);
}

size_t hb_doc_vstart(const hb_doc *d, size_t v)
{
    size_t hint = d->vmap.n;
    return hb_doc_vstart_hint(d, v, &hint);
}

size_t hb_doc_vend_hint(const hb_doc *d, size_t ve, size_t *hint)
{
    if (ve == 0)
        return hb_omap_get(&d->vmap, d->view, 0, hint);
    if (ve > d->view_len)
        ve = d->view_len;
    size_t s = hb_omap_get(&d->vmap, d->view, ve - 1, hint);
    if (s >= d->len)
        return d->len;
    size_t e = s + (size_t)hb_utf8_len((unsigned char)d->text[s]);
    if (d->text[s] == '\r' && s + 1 < d->len && d->text[s + 1] == '\n')
        e = s + 2;
    return e < d->len ? e : d->len;
}

size_t hb_doc_vend(const hb_doc *d, size_t ve)
{
    size_t hint = d->vmap.n;
    return hb_doc_vend_hint(d, ve, &hint);
}

int hb_doc_vline(const hb_doc *d, size_t v)
{
    return hb_doc_line_at(d, hb_doc_vstart(d, v));
}

/* The start of the last character of view bytes [lo, hi), lo a
 * character's start. */
static inline size_t last_char(const unsigned char *view, size_t lo, size_t hi)
{
    size_t c = hi - 1;
    while (c > lo && (view[c] & 0xC0) == 0x80)
        c--;
    return c;
}

/* Whether text[from, to) is line ends only (none: yes). */
static inline int line_ends_only(const char *text, size_t from, size_t to)
{
    for (; from < to; from++)
        if (text[from] != '\n' && text[from] != '\r')
            return 0;
    return 1;
}

/* hb_doc_orig_whole over runs of the map from run k (holding v, whose
 * text is at s): hb_doc_orig_piece's walk, the common case only.  Each run
 * is checked where it meets the next: the text of its last character
 * (full-width punctuation folded to ASCII among them), line ends at most,
 * then the next run's; the text is one stretch from the first character's
 * to the end of the last's. */
static __attribute__((noinline)) size_t orig_stretch(const hb_doc *d, size_t v, size_t ve, size_t s, size_t *hint)
{
    const hb_omap *m = &d->vmap;
    const unsigned char *view = (const unsigned char *)d->view;
    size_t k = *hint, lo = v, tc, e;
    for (; k + 1 < m->n && m->v[k + 1].from < ve; k++, lo = m->v[k].from) {
        size_t next = m->v[k + 1].from, t = m->v[k + 1].to;
        tc = m->v[k].to + (last_char(view, lo, next) - m->v[k].from);
        if ((view[next] & 0xC0) == 0x80 || t >= d->len || tc >= t)
            return 0;
        e = tc + (size_t)hb_utf8_len((unsigned char)d->text[tc]);
        if (e > t || !line_ends_only(d->text, e, t))
            return 0;
    }
    tc = m->v[k].to + (last_char(view, lo, ve) - m->v[k].from);
    if (tc >= d->len)
        return 0;
    e = tc + (size_t)hb_utf8_len((unsigned char)d->text[tc]);
    *hint = k;
    return (e < d->len ? e : d->len) - s;
}

size_t hb_doc_orig_whole(const hb_doc *d, size_t v, size_t ve, size_t *start, size_t *hint)
{
    const hb_omap *m = &d->vmap;
    const unsigned char *view = (const unsigned char *)d->view;
    if (v >= ve || ve > d->view_len || (view[v] & 0xC0) == 0x80 || (ve < d->view_len && (view[ve] & 0xC0) == 0x80))
        return 0;
    size_t s = hb_omap_get(m, d->view, v, hint), n;
    if (*hint + 1 < m->n && ve < m->v[*hint + 1].from) /* most: in one run, before its last character */
        n = s + (ve - v) <= d->len ? ve - v : 0;
    else
        n = s < d->len ? orig_stretch(d, v, ve, s, hint) : 0;
    *start = s;
    return n;
}

/* Whether x holds a byte equal to '\n' or '\r' (XORed away, a zero byte:
 * the classic "has a zero byte" test, never a false yes or no). */
static inline int line_end8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = ones * 0x80;
    uint64_t a = x ^ (ones * '\n'), b = x ^ (ones * '\r');
    return (((a - ones) & ~a) | ((b - ones) & ~b)) & highs ? 1 : 0;
}

/* Whether s[0..n) holds a line end: eight bytes at a time, the last eight
 * overlapping those before, four and four under eight: the texts asked
 * about are short (units, markers, a metric's text), where two memchr
 * calls cost some twenty instructions each. */
static int has_line_end(const char *s, size_t n)
{
    uint64_t x;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, s + i, 8);
            if (line_end8(x))
                return 1;
        }
        memcpy(&x, s + n - 8, 8);
        return line_end8(x);
    }
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        return line_end8((uint64_t)lo | (uint64_t)hi << 32);
    }
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || s[i] == '\r')
            return 1;
    return 0;
}

/* Each source character is taken once (several view bytes may come from
 * one: NFKC expansions), and a piece ends where the next character is not
 * the next in the text.  A run at a time: in a run of the map (normalize.h)
 * the view's characters before its last are the text's own, of the same
 * length, each following the one before in the text, so the characters of
 * a segment of the range in one run are one stretch of the text, from the
 * text of its first character to the end of its last's.  A stretch's first
 * character is left out when it is the last one taken (an NFKC expansion's
 * bytes, each a run of its own, all come from one character), and a
 * stretch that does not follow the piece in the text ends it. */
size_t hb_doc_orig_piece(const hb_doc *d, size_t *vpos, size_t ve, size_t *start, size_t *hint)
{
    const hb_omap *m = &d->vmap;
    const unsigned char *view = (const unsigned char *)d->view;
    size_t v = *vpos, k = *hint, rs = 0, re = 0, prev = SIZE_MAX;
    while (v < ve) {
        if (v > *vpos && (view[v] & 0xC0) == 0x80) { /* maps where its character's first byte does */
            v++;
            continue;
        }
        size_t s = hb_omap_get(m, d->view, v, &k), from = m->v[k].from, to = m->v[k].to;
        size_t end = k + 1 < m->n && m->v[k + 1].from < ve ? m->v[k + 1].from : ve, last = end - 1;
        while (last > v && (view[last] & 0xC0) == 0x80)
            last--; /* the segment's last character */
        size_t tl = last > v ? to + (last - from) : s, first = s, at = v;
        if (s == prev) { /* taken already: from the next character on */
            if (tl == s) {
                v = end;
                continue;
            }
            first = s + (size_t)hb_utf8_len((unsigned char)d->text[s]);
            at = v + (size_t)hb_utf8_len(view[v]);
        }
        if (first >= d->len) {
            prev = tl;
            v = end;
            continue;
        }
        if (re > rs && first != re) {
            v = at;
            break;
        }
        prev = tl;
        if (re == rs)
            rs = first;
        size_t after = tl < d->len ? tl + (size_t)hb_utf8_len((unsigned char)d->text[tl]) : d->len;
        re = after < d->len ? after : d->len;
        v = end;
    }
    *vpos = v < ve ? v : ve;
    *start = rs;
    *hint = k;
    return re - rs;
}

/* The length of the text behind view bytes [vs, ve), its line ends left
 * out (wrap breaks were never in the view), written to out as far as it
 * fits in cap bytes: all of it when the length is at most cap.  *hint: a
 * run of the view map to start from (hb_omap_get). */
static size_t orig_upto(const hb_doc *d, size_t vs, size_t ve, char *out, size_t cap, size_t *hint)
{
    size_t total = 0, s, n;
    for (size_t v = vs; v < ve && (n = hb_doc_orig_piece(d, &v, ve, &s, hint)) > 0;) {
        const char *t = d->text + s;
        if (!has_line_end(t, n)) { /* most */
            if (total + n <= cap)
                memcpy(out + total, t, n);
            total += n;
            continue;
        }
        for (size_t i = 0; i < n; i++)
            if (t[i] != '\n' && t[i] != '\r') {
                if (total < cap)
                    out[total] = t[i];
                total++;
            }
    }
    return total;
}

size_t hb_doc_orig_copy(const hb_doc *d, size_t vs, size_t ve, char *out)
{
    size_t hint = d->vmap.n, total = orig_upto(d, vs, ve, out, out ? SIZE_MAX : 0, &hint);
    if (out)
        out[total] = '\0';
    return total;
}

const char *hb_doc_orig(hb_doc *d, size_t vs, size_t ve)
{
    size_t n = orig_upto(d, vs, ve, NULL, 0, &d->orig_hint);
    char *out = hb_arena_alloc(&d->arena, n + 1);
    if (out)
        out[orig_upto(d, vs, ve, out, n, &d->orig_hint)] = '\0';
    return out;
}

const char *hb_doc_keep(hb_doc *d, const char *s, size_t len)
{
    if (2 * (d->nkept + 1) > d->kept_slots) {
        size_t n = d->kept_slots ? 2 * d->kept_slots : 64;
        const char **slots = hb_arena_alloc(&d->arena, n * sizeof *slots);
        if (!slots)
            return NULL;
        for (size_t i = 0; i < d->kept_slots; i++) {
            if (!d->kept[i])
                continue;
            size_t k = (size_t)hb_hash_bytes(d->kept[i], strlen(d->kept[i])) & (n - 1);
            while (slots[k])
                k = (k + 1) & (n - 1);
            slots[k] = d->kept[i];
        }
        hb_arena_free(&d->arena, d->kept);
        d->kept = slots;
        d->kept_slots = n;
    }
    size_t k = (size_t)hb_hash_bytes(s, len) & (d->kept_slots - 1);
    for (; d->kept[k]; k = (k + 1) & (d->kept_slots - 1))
        if (!strncmp(d->kept[k], s, len) && !d->kept[k][len])
            return d->kept[k];
    const char *u = hb_arena_strndup(&d->arena, s, len);
    if (u) {
        d->nkept++;
        d->kept[k] = u;
    }
    return u;
}

const char *hb_doc_orig_kept(hb_doc *d, size_t vs, size_t ve)
{
    char key[HB_KEEP_MAX];
    size_t n = orig_upto(d, vs, ve, key, sizeof key, &d->orig_hint); /* one walk: most are short */
    return n < sizeof key ? hb_doc_keep(d, key, n) : hb_doc_orig(d, vs, ve);
}

void hb_doc_set_fold(hb_doc *d, char *fold)
{
    if (d->fold_own != fold)
        free(d->fold_own);
    d->fold = d->fold_own = fold;
}

int hb_doc_warn(hb_doc *d, const char *code, int line, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    hb_warning w = {code, hb_arena_strndup(&d->arena, buf, strlen(buf)), line};
    return w.message && hb_vec_push(&d->arena, &d->warnings, w);
}
