#include "lines.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "extract.h"
#include "normalize.h"

/* need: an ASCII byte every match contains (PCRE2's last required code
 * unit, when it is no letter, so case cannot change it), or -1: a text
 * without it is not searched at all. */
typedef struct {
    hb_regex *re;
    int need;
} layout_rule;

struct hb_layout_rules {
    layout_rule *pageno;
    size_t npageno;
    layout_rule *clutter;
    size_t nclutter;
    layout_rule *inlines;  /* furniture inside a line: leftover HTML tags, 此处隐藏955个字 */
    size_t ninlines;
    layout_rule *masthead; /* 版头 and 文号 lines: kept, but never the title */
    size_t nmasthead;
};

static int needed_byte(const hb_regex *rx)
{
    const pcre2_code *re = hb_regex_code(rx);
    uint32_t type, unit;
    if (pcre2_pattern_info(re, PCRE2_INFO_LASTCODETYPE, &type) != 0 || type != 1 ||
        pcre2_pattern_info(re, PCRE2_INFO_LASTCODEUNIT, &unit) != 0 || unit >= 0x80 ||
        ((unit | 32) >= 'a' && (unit | 32) <= 'z'))
        return -1;
    return (int)unit;
}

static int add_rule(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    struct hb_layout_rules *r = ctx;
    (void)nf;
    layout_rule **list;
    size_t *n;
    if (strcmp(f[0], "pageno") == 0)
        list = &r->pageno, n = &r->npageno;
    else if (strcmp(f[0], "clutter") == 0)
        list = &r->clutter, n = &r->nclutter;
    else if (strcmp(f[0], "inline") == 0)
        list = &r->inlines, n = &r->ninlines;
    else if (strcmp(f[0], "masthead") == 0)
        list = &r->masthead, n = &r->nmasthead;
    else
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "unknown line kind '%s' (use pageno, clutter, inline or masthead)", f[0]);
    hb_regex *re = hb_regex_compile(f[1], 0, file, line, err);
    if (!re)
        return -1;
    layout_rule *nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (!nl) {
        hb_regex_free(re);
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    }
    nl[(*n)++] = (layout_rule){re, needed_byte(re)};
    *list = nl;
    return 0;
}

hb_status hb_lines_load(struct hb_engine *e, hb_error *err)
{
    e->layout = calloc(1, sizeof *e->layout);
    if (!e->layout)
        return HB_ERR_NOMEM;
    return hb_dict_read(e, "layout.txt", 2, 2, 0, add_rule, e->layout, err);
}

void hb_lines_unload(struct hb_engine *e)
{
    struct hb_layout_rules *r = e->layout;
    if (!r)
        return;
    for (size_t i = 0; i < r->npageno; i++)
        hb_regex_free(r->pageno[i].re);
    for (size_t i = 0; i < r->nclutter; i++)
        hb_regex_free(r->clutter[i].re);
    for (size_t i = 0; i < r->ninlines; i++)
        hb_regex_free(r->inlines[i].re);
    for (size_t i = 0; i < r->nmasthead; i++)
        hb_regex_free(r->masthead[i].re);
    free(r->masthead);
    free(r->pageno);
    free(r->clutter);
    free(r->inlines);
    free(r);
}

int hb_display_width(const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0; i < len;) {
        int cp;
        i += (size_t)hb_utf8_next(s + i, len - i, &cp);
        w += cp < 0x1100 ? 1 : 2;
    }
    return w;
}

/* has[c]: whether ASCII byte c occurs in the line. */
static int any_match(const hb_doc *d, const layout_rule *rules, size_t n, const char *s, size_t len,
                     const unsigned char has[128], pcre2_match_data *md)
{
    size_t ov[2];
    for (size_t i = 0; i < n; i++)
        if ((rules[i].need < 0 || has[rules[i].need]) && hb_regex_find(d->engine, rules[i].re, s, len, 0, md, ov))
            return 1;
    return 0;
}

/* has[c]: whether ASCII byte c occurs in s[0..len). */
static void ascii_in(const char *s, size_t len, unsigned char has[128])
{
    memset(has, 0, 128);
    for (size_t c = 0; c < len; c++)
        if ((unsigned char)s[c] < 0x80)
            has[(unsigned char)s[c]] = 1;
}

int hb_layout_masthead(const hb_doc *d, const char *s, size_t len, pcre2_match_data *md)
{
    unsigned char has[128];
    ascii_in(s, len, has);
    return any_match(d, d->engine->layout->masthead, d->engine->layout->nmasthead, s, len, has, md);
}

hb_status hb_lines_run(hb_doc *d)
{
    const struct hb_layout_rules *r = d->engine->layout;
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    if (!md)
        return HB_ERR_NOMEM;
    size_t nl = 1;
    for (size_t i = 0; i < d->fold_len; i++)
        nl += d->fold[i] == '\n';
    d->line_starts = hb_arena_alloc(&d->arena, (nl + 1) * sizeof *d->line_starts);
    if (!d->line_starts)
        goto oom;
    int k = 0;
    size_t hint = 0;
    for (size_t start = 0; start <= d->fold_len;) {
        const char *nlp = memchr(d->fold + start, '\n', d->fold_len - start);
        size_t end = nlp ? (size_t)(nlp - d->fold) : d->fold_len;
        if (!nlp && start == d->fold_len && k > 0)
            break; /* a final LF does not open another line */
        d->line_starts[k++] = (hb_off)hb_omap_get(&d->fmap, d->fold, start, &hint);
        hb_line ln = {.fstart = start, .fend = end, .kind = HB_LINE_TEXT};
        size_t a = start, b = end;
        ln.indented = a < b && (d->fold[a] == ' ' || d->fold[a] == '\t');
        while (a < b && (d->fold[a] == ' ' || d->fold[a] == '\t' || d->fold[a] == '\f'))
            a++;
        while (b > a && (d->fold[b - 1] == ' ' || d->fold[b - 1] == '\t' || d->fold[b - 1] == '\f'))
            b--;
        /* U+FEFF inside the text (a BOM glued in by concatenation) is no content */
        while (b - a >= 3 && memcmp(d->fold + a, "\xEF\xBB\xBF", 3) == 0)
            a += 3;
        unsigned char has[128];
        ascii_in(d->fold + a, b - a, has);
        if (a == b)
            ln.kind = HB_LINE_BLANK;
        else if (any_match(d, r->pageno, r->npageno, d->fold + a, b - a, has, md))
            ln.kind = HB_LINE_PAGENO;
        else if (any_match(d, r->clutter, r->nclutter, d->fold + a, b - a, has, md))
            ln.kind = HB_LINE_CLUTTER;
        ln.fstart = a;
        ln.fend = b;
        ln.width = hb_display_width(d->fold + a, b - a);
        ln.chars = (int)hb_utf8_count(d->fold + a, b - a);
        if (!hb_vec_push(&d->arena, &d->lines, ln))
            goto oom;
        if (!nlp)
            break;
        start = end + 1;
    }
    d->nlines = k;
    d->line_starts[k] = (hb_off)d->len;
    hb_vec_trim(&d->arena, &d->lines);
    pcre2_match_data_free(md);
    return HB_OK;
oom:
    pcre2_match_data_free(md);
    return HB_ERR_NOMEM;
}

/* The earliest match of any inline rule in s[from..len), or 0.  next[i]
 * caches rule i's next match ({start, end}; start SIZE_MAX: none left;
 * empty: not searched yet), searched again only once `from` passes its
 * start, so each rule walks the text once however many matches are removed. */
static int first_inline(const hb_doc *d, const char *s, size_t len, size_t from, pcre2_match_data *md,
                        size_t (*next)[2], size_t best[2])
{
    const struct hb_layout_rules *r = d->engine->layout;
    int found = 0;
    for (size_t i = 0; i < r->ninlines; i++) {
        const layout_rule *ru = &r->inlines[i];
        if (next[i][0] != SIZE_MAX && (next[i][0] < from || next[i][1] <= next[i][0]) &&
            !((ru->need < 0 || memchr(s + from, ru->need, len - from)) &&
              hb_regex_find(d->engine, ru->re, s, len, from, md, next[i]) && next[i][1] > next[i][0]))
            next[i][0] = SIZE_MAX;
        if (next[i][0] != SIZE_MAX && (!found || next[i][0] < best[0]))
            best[0] = next[i][0], best[1] = next[i][1], found = 1;
    }
    return found;
}

/* Removes the inline rules' matches (leftover HTML tags, 此处隐藏955个字)
 * from d->fold and its map, with a `web-furniture` warning.  Runs before
 * the lines stage, on the rules it loads.  The matches are all found first,
 * on the fold as it is, then the fold is closed up in its own buffer: a
 * large input's fold is never held twice. */
hb_status hb_strip_run(hb_doc *d)
{
    if (!d->engine->layout->ninlines)
        return HB_OK;
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    if (!md)
        return HB_ERR_NOMEM;
    size_t(*next)[2] = hb_arena_alloc(&d->arena, d->engine->layout->ninlines * sizeof *next);
    if (!next) {
        pcre2_match_data_free(md);
        return HB_ERR_NOMEM;
    }
    for (size_t i = 0; i < d->engine->layout->ninlines; i++)
        next[i][0] = next[i][1] = 0; /* empty: not searched yet */
    typedef struct {
        size_t start, end;
    } piece;
    HB_VEC(piece) cuts = {0};
    size_t at = 0, found[2] = {0, 0};
    int first_line = 0, ok = 1;
    while (ok && at < d->fold_len && first_inline(d, d->fold, d->fold_len, at, md, next, found)) {
        ok = hb_vec_push(&d->arena, &cuts, ((piece){found[0], found[1]}));
        at = found[1];
    }
    pcre2_match_data_free(md);
    if (!ok)
        return HB_ERR_NOMEM;
    if (!cuts.n)
        return HB_OK;
    first_line = 1;
    for (size_t k = 0; k < cuts.v[0].start; k++)
        first_line += d->fold[k] == '\n';
    char *out = d->fold_own; /* the fold stage's own copy: closed up in place */
    hb_omap map = {0};
    size_t n = 0;
    at = 0;
    for (size_t k = 0; ok && k <= cuts.n; k++) {
        /* the kept bytes before cut k, or the rest and the end */
        size_t to = k < cuts.n ? cuts.v[k].start : d->fold_len;
        ok = hb_omap_copy(&d->arena, &map, n, &d->fmap, d->fold, at, to - at + (k == cuts.n));
        memmove(out + n, d->fold + at, to - at);
        n += to - at;
        at = k < cuts.n ? cuts.v[k].end : at;
    }
    if (!ok)
        return HB_ERR_NOMEM;
    memset(out + n, 0, 1 + HB_TEXT_PAD);
    d->fold_len = n;
    hb_arena_free(&d->arena, d->fmap.v);
    hb_arena_free(&d->arena, cuts.v);
    d->fmap = map;
    return hb_doc_warn(d, "web-furniture", first_line, "%d piece%s of leftover markup or page text removed inside lines",
                       (int)cuts.n, cuts.n == 1 ? "" : "s")
               ? HB_OK
               : HB_ERR_NOMEM;
}

/* Warns `web-furniture` naming the layout lines skipped as web or export
 * furniture (breadcrumbs, toolbars, source lines). */
hb_status hb_furniture_run(hb_doc *d)
{
    char buf[300];
    size_t used = 0;
    int n = 0, first = 0;
    for (size_t i = 0; i < d->lines.n; i++) {
        const hb_line *l = &d->lines.v[i];
        if (l->kind != HB_LINE_CLUTTER)
            continue;
        if (!n++)
            first = (int)i + 1;
        if (n <= 3 && used + 4 < sizeof buf) {
            /* a short excerpt of each: the warning says what was skipped */
            size_t end = hb_utf8_cap(d->fold, l->fstart, l->fend, 12);
            int w = snprintf(buf + used, sizeof buf - used, "%s%d %.*s%s", n > 1 ? "; " : "", (int)i + 1,
                             (int)(end - l->fstart), d->fold + l->fstart, end < l->fend ? "…" : "");
            used = w > 0 && used + (size_t)w < sizeof buf ? used + (size_t)w : used;
        }
    }
    if (!n)
        return HB_OK;
    return hb_doc_warn(d, "web-furniture", first, "%d line%s of web or export furniture skipped (line %s%s)", n,
                       n == 1 ? "" : "s", buf, n > 3 ? "; …" : "")
               ? HB_OK
               : HB_ERR_NOMEM;
}
