#include "lines.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "extract.h"
#include "normalize.h"

struct hb_layout_rules {
    pcre2_code **pageno;
    size_t npageno;
    pcre2_code **clutter;
    size_t nclutter;
};

static int add_rule(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    struct hb_layout_rules *r = ctx;
    (void)nf;
    pcre2_code ***list;
    size_t *n;
    if (strcmp(f[0], "pageno") == 0)
        list = &r->pageno, n = &r->npageno;
    else if (strcmp(f[0], "clutter") == 0)
        list = &r->clutter, n = &r->nclutter;
    else
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "unknown line kind '%s' (use pageno or clutter)", f[0]);
    pcre2_code *re = hb_regex_compile(f[1], 0, file, line, err);
    if (!re)
        return -1;
    pcre2_code **nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (!nl) {
        pcre2_code_free(re);
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    }
    nl[(*n)++] = re;
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
        pcre2_code_free(r->pageno[i]);
    for (size_t i = 0; i < r->nclutter; i++)
        pcre2_code_free(r->clutter[i]);
    free(r->pageno);
    free(r->clutter);
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

static int any_match(const hb_doc *d, pcre2_code **res, size_t n, const char *s, size_t len,
                     pcre2_match_data *md)
{
    size_t ov[2];
    for (size_t i = 0; i < n; i++)
        if (hb_regex_find(d->engine, res[i], s, len, 0, md, ov))
            return 1;
    return 0;
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
    for (size_t start = 0; start <= d->fold_len;) {
        const char *nlp = memchr(d->fold + start, '\n', d->fold_len - start);
        size_t end = nlp ? (size_t)(nlp - d->fold) : d->fold_len;
        if (!nlp && start == d->fold_len && k > 0)
            break; /* a final LF does not open another line */
        d->line_starts[k++] = d->fmap[start];
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
        if (a == b)
            ln.kind = HB_LINE_BLANK;
        else if (any_match(d, r->pageno, r->npageno, d->fold + a, b - a, md))
            ln.kind = HB_LINE_PAGENO;
        else if (any_match(d, r->clutter, r->nclutter, d->fold + a, b - a, md))
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
    d->line_starts[k] = d->len;
    pcre2_match_data_free(md);
    return HB_OK;
oom:
    pcre2_match_data_free(md);
    return HB_ERR_NOMEM;
}
