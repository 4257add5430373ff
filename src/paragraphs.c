#include "paragraphs.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "markers.h"
#include "normalize.h"

/* The line length at which this file's lines were wrapped, or 0 when they
 * were not: the most common length among long lines, allowing the ±2 that
 * punctuation and Latin characters cause.  Few lines may be longer than a
 * wrap length: where many are, the common length is that of headings in a
 * file of one line per paragraph.  Measured in display width (a word
 * processor wraps by width: half-width digits are narrow) and in characters
 * (a text exporter counts them), as by_width says. */
enum { MAXLEN = 400 };
static int line_length(const hb_line *l, int by_width)
{
    return by_width ? l->width : l->chars;
}

static int wrap_length(const hb_doc *d, int by_width)
{
    int hist[MAXLEN + 1] = {0};
    int longs = 0, floor = by_width ? 30 : 20; /* no wrap is narrower than 20 characters */
    for (size_t i = 0; i < d->lines.n; i++) {
        const hb_line *l = &d->lines.v[i];
        int len = line_length(l, by_width);
        if (l->kind == HB_LINE_TEXT && len >= floor && len <= MAXLEN)
            hist[len]++, longs++;
    }
    int best = 0, bestn = 0;
    for (int w = 2; w <= MAXLEN; w++) {
        int n = hist[w] + hist[w - 1] + hist[w - 2];
        if (n > bestn)
            bestn = n, best = w;
    }
    int longer = 0;
    for (size_t i = 0; i < d->lines.n; i++)
        longer += d->lines.v[i].kind == HB_LINE_TEXT && line_length(&d->lines.v[i], by_width) > best + 2;
    return bestn >= 3 && bestn * 10 >= longs * 4 && longer * 4 <= bestn ? best : 0;
}

typedef struct {
    int width, chars;
} wrap_at;

/* On the folded line: full-width ！？；：） and … have become ASCII. */
static int ends_sentence(const char *s, size_t len)
{
    static const char *const finals[] = {"。", "!", "?", ";", ":", "...", "。”", "。」", "。)"};
    for (size_t i = 0; i < sizeof finals / sizeof *finals; i++) {
        size_t n = strlen(finals[i]);
        if (len >= n && memcmp(s + len - n, finals[i], n) == 0)
            return 1;
    }
    return 0;
}

static int ends_mid_clause(const char *s, size_t len)
{
    return (len >= 1 && s[len - 1] == ',') || (len >= 3 && memcmp(s + len - 3, "、", 3) == 0);
}

/* 惠及居民3,400余⏎户: a line that ends in a number (with 余 or 多) and is no
 * label (电话:12345678) was cut before the measure word that follows. */
static int ends_in_cut_number(const char *s, size_t len, const char *next, size_t next_len)
{
    size_t n = len;
    if (n >= 3 && (memcmp(s + n - 3, "余", 3) == 0 || memcmp(s + n - 3, "多", 3) == 0))
        n -= 3;
    if (n == 0 || s[n - 1] < '0' || s[n - 1] > '9' || memchr(s, ':', len))
        return 0;
    int cp;
    return next_len > 0 && hb_utf8_next(next, next_len, &cp) == 3 && cp >= 0x4E00 && cp <= 0x9FFF;
}

static int opens_block(const hb_doc *d, const char *s, size_t len)
{
    hb_marker m;
    int fam, num;
    size_t ml;
    return hb_heading_marker(&d->engine->counts_on, s, len, &m) || hb_item_marker(s, len, &fam, &num, &ml);
}

/* Whether line `cur` continues the paragraph whose last line is `prev`. */
static int continues(const hb_doc *d, const hb_line *prev, const hb_line *cur, wrap_at wrap)
{
    const char *ps = d->fold + prev->fstart, *cs = d->fold + cur->fstart;
    size_t pl = prev->fend - prev->fstart, cl = cur->fend - cur->fstart;
    if (cur->indented || ends_sentence(ps, pl) || opens_block(d, cs, cl))
        return 0;
    if (ends_mid_clause(ps, pl) || ends_in_cut_number(ps, pl, cs, cl))
        return 1;
    return (wrap.width > 0 && prev->width >= wrap.width - 4) || (wrap.chars > 0 && prev->chars >= wrap.chars - 2);
}

typedef struct {
    hb_doc *d;
    char *v;        /* room for the fold and a final LF: the view is never longer */
    hb_omap m;
    size_t n;
} view_buf;

/* Appends fold bytes [at, at + n); s: other bytes standing for them (a
 * joining space, a paragraph's LF), NULL: the fold's own. */
static int put(view_buf *b, const char *s, size_t at, size_t n)
{
    hb_doc *d = b->d;
    memcpy(b->v + b->n, s ? s : d->fold + at, n);
    int ok = hb_omap_copy(&d->arena, &b->m, b->n, &d->fmap, d->fold, at, n);
    b->n += n;
    return ok;
}

hb_status hb_paragraphs_run(hb_doc *d)
{
    wrap_at wrap = {wrap_length(d, 1), wrap_length(d, 0)};
    view_buf b = {d, hb_arena_alloc(&d->arena, d->fold_len + 2), {0}, 0};
    if (!b.v)
        return HB_ERR_NOMEM;
    hb_para cur = {0};
    const hb_line *prev = NULL;
    int open = 0;
    for (size_t i = 0; i < d->lines.n; i++) {
        const hb_line *l = &d->lines.v[i];
        if (l->kind != HB_LINE_TEXT)
            continue;
        if (open && continues(d, prev, l, wrap)) {
            /* Latin words wrapped at a line end need their space back. */
            char last = d->fold[prev->fend - 1], first = d->fold[l->fstart];
            if (((last | 32) >= 'a' && (last | 32) <= 'z') && ((first | 32) >= 'a' && (first | 32) <= 'z'))
                if (!put(&b, " ", prev->fend, 1))
                    return HB_ERR_NOMEM;
        } else {
            if (open) {
                cur.vend = b.n;
                if (!put(&b, "\n", prev->fend, 1) || !hb_vec_push(&d->arena, &d->paras, cur))
                    return HB_ERR_NOMEM;
            }
            cur = (hb_para){.vstart = b.n, .first_line = (int)i + 1, .section = -1};
            open = 1;
        }
        if (!put(&b, NULL, l->fstart, l->fend - l->fstart))
            return HB_ERR_NOMEM;
        cur.last_line = (int)i + 1;
        prev = l;
    }
    if (open) {
        cur.vend = b.n;
        if (!put(&b, "\n", prev->fend, 1) || !hb_vec_push(&d->arena, &d->paras, cur))
            return HB_ERR_NOMEM;
    }
    if (!hb_omap_put(&d->arena, &b.m, b.n, d->len))
        return HB_ERR_NOMEM;
    b.v[b.n] = '\0';
    d->view = b.v;
    d->view_len = b.n;
    d->vmap = b.m;
    hb_vec_trim(&d->arena, &d->vmap);
    hb_vec_trim(&d->arena, &d->paras);
    hb_doc_set_fold(d, NULL); /* no stage after this one reads the fold */
    return HB_OK;
}
