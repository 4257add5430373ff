/* The summary of many reports (summary.json): counts that add, lists that
 * concatenate, so that merging summaries is associative and commutative and
 * a run can be split anywhere.  Counters are kept in jansson objects (key →
 * count); metric sums are exact millionths in __int128, never doubles, so
 * the order of the additions cannot change a digit. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "huibao.h"
#include "documents.h"
#include "json_out.h"
#include "lists.h"
#include "metrics.h"
#include "quotes.h"
#include "sections.h"
#include "slogans.h"

#define SUMMARY_VERSION "1"

typedef __int128 hb_i128;

typedef struct {
    char *category;   /* "" when the metric has none */
    char *unit;
    int target;
    json_int_t count, known, masked, approx;
    hb_i128 sum;      /* millionths */
} metric_row;

struct hb_summary {
    json_int_t passed, failed;    /* readable reports */
    json_t *doc_type, *profile, *missing, *inline_only, *warnings;  /* key → count */
    json_t *orgs;                 /* organisation → [reports, failed] */
    json_t *slogans, *documents;  /* term or title → [reports, count] */
    char **files;                 /* "sha256\0path" per report (a multiset): a few
                                   * bytes beyond the path, however many files */
    size_t nfiles, capfiles;
    json_t *unreadable;           /* [{path, code, message}, …] */
    metric_row *rows;             /* sorted by category, unit, target */
    size_t nrows, caprows;
};

hb_summary *hb_summary_new(void)
{
    hb_summary *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    json_t **objs[] = {&s->doc_type, &s->profile, &s->missing, &s->inline_only, &s->warnings,
                       &s->orgs,     &s->slogans, &s->documents};
    for (size_t i = 0; i < sizeof objs / sizeof *objs; i++)
        *objs[i] = json_object();
    s->unreadable = json_array();
    for (size_t i = 0; i < sizeof objs / sizeof *objs; i++)
        if (!*objs[i]) {
            hb_summary_free(s);
            return NULL;
        }
    if (!s->unreadable) {
        hb_summary_free(s);
        return NULL;
    }
    return s;
}

void hb_summary_free(hb_summary *s)
{
    if (!s)
        return;
    json_t *objs[] = {s->doc_type, s->profile, s->missing, s->inline_only, s->warnings,
                      s->orgs,     s->slogans, s->documents, s->unreadable};
    for (size_t i = 0; i < sizeof objs / sizeof *objs; i++)
        json_decref(objs[i]);
    for (size_t i = 0; i < s->nfiles; i++)
        free(s->files[i]);
    free(s->files);
    for (size_t i = 0; i < s->nrows; i++) {
        free(s->rows[i].category);
        free(s->rows[i].unit);
    }
    free(s->rows);
    free(s);
}

/* --- counters ---------------------------------------------------------- */

static int count_add(json_t *obj, const char *key, json_int_t n)
{
    json_t *v = json_object_get(obj, key);
    if (v)
        return json_integer_set(v, json_integer_value(v) + n);
    return json_object_set_new(obj, key, json_integer(n));
}

/* obj[key] is an array of counters; adds add[0..n) to it. */
static int counts_add(json_t *obj, const char *key, const json_int_t *add, size_t n)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (!(v = json_array()) || json_object_set_new(obj, key, v))
            return -1;
        for (size_t i = 0; i < n; i++)
            if (json_array_append_new(v, json_integer(0)))
                return -1;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(v, i);
        if (!c || json_integer_set(c, json_integer_value(c) + add[i]))
            return -1;
    }
    return 0;
}

/* One more file under sha256 `sha`; -1 when out of memory. */
static int file_add(hb_summary *s, const char *sha, size_t shalen, const char *path)
{
    if (s->nfiles == s->capfiles) {
        size_t cap = s->capfiles ? s->capfiles * 2 : 64;
        char **v = realloc(s->files, cap * sizeof *v);
        if (!v)
            return -1;
        s->files = v;
        s->capfiles = cap;
    }
    size_t plen = strlen(path);
    char *f = malloc(shalen + plen + 2);
    if (!f)
        return -1;
    memcpy(f, sha, shalen);
    f[shalen] = '\0';
    memcpy(f + shalen + 1, path, plen + 1);
    s->files[s->nfiles++] = f;
    return 0;
}

static const char *file_path(const char *f)
{
    return f + strlen(f) + 1;
}

static int key_cmp(const char *a, const char *b, int ta, int tb)
{
    int c = strcmp(a, b);
    return c ? c : ta - tb;
}

static metric_row *row_for(hb_summary *s, const char *category, const char *unit, int target)
{
    size_t lo = 0, hi = s->nrows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        metric_row *r = &s->rows[mid];
        int c = key_cmp(r->category, category, 0, 0);
        if (!c)
            c = key_cmp(r->unit, unit, r->target, target);
        if (!c)
            return r;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (s->nrows == s->caprows) {
        size_t cap = s->caprows ? s->caprows * 2 : 16;
        metric_row *nr = realloc(s->rows, cap * sizeof *nr);
        if (!nr)
            return NULL;
        s->rows = nr;
        s->caprows = cap;
    }
    metric_row r = {.category = strdup(category), .unit = strdup(unit), .target = target};
    if (!r.category || !r.unit) {
        free(r.category);
        free(r.unit);
        return NULL;
    }
    memmove(s->rows + lo + 1, s->rows + lo, (s->nrows - lo) * sizeof *s->rows);
    s->rows[lo] = r;
    s->nrows++;
    return &s->rows[lo];
}

/* A written value in exact millionths: the integer part exactly, the
 * fraction rounded to six places (what a report writes). */
static hb_i128 millionths(double x)
{
    double ip = floor(x);
    hb_i128 v = (hb_i128)ip * 1000000;
    return v + (hb_i128)llround((x - ip) * 1e6);
}

static const char *str_or(const json_t *v, const char *dflt)
{
    return json_is_string(v) ? json_string_value(v) : dflt;
}

/* --- adding one report, error record or summary ------------------------ */

/* What a report adds, field by field: its JSON (add_report) and the report
 * itself (hb_summary_add_report) go through these same steps. */

/* A report's head: whether it failed, its type, organisation and file. */
static int head_add(hb_summary *s, int failed, const char *doc_type, const char *org, const char *sha,
                    const char *path)
{
    failed ? s->failed++ : s->passed++;
    return count_add(s->doc_type, doc_type, 1) | counts_add(s->orgs, org, (json_int_t[]){1, failed}, 2) |
           file_add(s, sha, strlen(sha), path);
}

/* A document cited by several entries of one report counts one report:
 * `seen` holds the titles this report has given. */
static int document_add(hb_summary *s, json_t *seen, const char *title, json_int_t count)
{
    return counts_add(s->documents, title, (json_int_t[]){!json_object_get(seen, title), count}, 2) |
           json_object_set_new(seen, title, json_true());
}

static int metric_add(hb_summary *s, const char *category, const char *unit, int target, int masked, int approx,
                      int known, double value)
{
    metric_row *row = row_for(s, category, unit, target);
    if (!row)
        return -1;
    row->count++;
    row->masked += masked;
    row->approx += approx;
    if (known) {
        row->known++;
        row->sum += millionths(value);
    }
    return 0;
}

static hb_status add_report(hb_summary *s, const json_t *r)
{
    const json_t *req = json_object_get(r, "required");
    const json_t *missing = json_object_get(req, "missing");
    const json_t *src = json_object_get(r, "source");
    int bad = head_add(s, json_array_size(missing) > 0, str_or(json_object_get(r, "doc_type"), "unknown"),
                       str_or(json_object_get(r, "organization"), ""), str_or(json_object_get(src, "sha256"), ""),
                       str_or(json_object_get(src, "path"), ""));
    if (req)
        bad |= count_add(s->profile, str_or(json_object_get(req, "profile"), ""), 1);
    size_t i;
    const json_t *v;
    json_array_foreach(missing, i, v) bad |= count_add(s->missing, str_or(v, ""), 1);
    json_array_foreach(json_object_get(req, "inline_only"), i, v) bad |= count_add(s->inline_only, str_or(v, ""), 1);
    json_array_foreach(json_object_get(r, "warnings"), i, v)
        bad |= count_add(s->warnings, str_or(json_object_get(v, "code"), ""), 1);
    json_array_foreach(json_object_get(r, "slogans"), i, v)
        bad |= counts_add(s->slogans, str_or(json_object_get(v, "term"), ""),
                          (json_int_t[]){1, json_integer_value(json_object_get(v, "count"))}, 2);
    json_t *seen = json_object();
    bad |= !seen;
    json_array_foreach(json_object_get(r, "documents"), i, v)
        bad |= document_add(s, seen, str_or(json_object_get(v, "title"), ""),
                            json_integer_value(json_object_get(v, "count")));
    json_decref(seen);
    json_array_foreach(json_object_get(r, "metrics"), i, v) {
        const json_t *val = json_object_get(v, "value");
        bad |= metric_add(s, str_or(json_object_get(v, "category"), ""), str_or(json_object_get(v, "unit"), ""),
                          json_is_true(json_object_get(v, "target")), json_is_true(json_object_get(v, "masked")),
                          json_is_true(json_object_get(v, "approx")), json_is_number(val), json_number_value(val));
    }
    return bad ? HB_ERR_NOMEM : HB_OK;
}

static hb_status add_error(hb_summary *s, const json_t *e)
{
    json_t *o = json_pack("{s:s,s:s,s:s}", "path", str_or(json_object_get(e, "path"), ""), "code",
                          str_or(json_object_get(e, "code"), ""), "message",
                          str_or(json_object_get(e, "message"), ""));
    return o && !json_array_append_new(s->unreadable, o) ? HB_OK : HB_ERR_NOMEM;
}

/* Adds every key → count of `from` to `to`. */
static int counters_merge(json_t *to, const json_t *from)
{
    const char *k;
    json_t *v;
    int bad = 0;
    json_object_foreach((json_t *)from, k, v) bad |= count_add(to, k, json_integer_value(v));
    return bad;
}

/* Adds every key → [a, b] of `from` to `to`. */
static int pairs_merge(json_t *to, const json_t *from)
{
    const char *k;
    json_t *v;
    int bad = 0;
    json_object_foreach((json_t *)from, k, v)
        bad |= counts_add(to, k, (json_int_t[]){json_integer_value(json_array_get(v, 0)),
                                                 json_integer_value(json_array_get(v, 1))}, 2);
    return bad;
}

static int paths_merge(hb_summary *s, const char *sha, const json_t *paths)
{
    size_t i;
    json_t *p;
    int bad = 0;
    json_array_foreach(paths, i, p) bad |= file_add(s, sha, strlen(sha), str_or(p, ""));
    return bad;
}

static hb_status merge_row(hb_summary *dst, const metric_row *r)
{
    metric_row *d = row_for(dst, r->category, r->unit, r->target);
    if (!d)
        return HB_ERR_NOMEM;
    d->count += r->count;
    d->known += r->known;
    d->masked += r->masked;
    d->approx += r->approx;
    d->sum += r->sum;
    return HB_OK;
}

hb_status hb_summary_merge(hb_summary *dst, const hb_summary *src)
{
    if (!dst || !src || dst == src)
        return HB_ERR_ARG;
    dst->passed += src->passed;
    dst->failed += src->failed;
    int bad = counters_merge(dst->doc_type, src->doc_type) | counters_merge(dst->profile, src->profile) |
              counters_merge(dst->missing, src->missing) | counters_merge(dst->inline_only, src->inline_only) |
              counters_merge(dst->warnings, src->warnings) | pairs_merge(dst->orgs, src->orgs) |
              pairs_merge(dst->slogans, src->slogans) | pairs_merge(dst->documents, src->documents);
    json_t *v;
    for (size_t f = 0; f < src->nfiles && !bad; f++)
        bad |= file_add(dst, src->files[f], strlen(src->files[f]), file_path(src->files[f]));
    size_t i;
    json_array_foreach(src->unreadable, i, v) bad |= json_array_append(dst->unreadable, v);
    for (size_t r = 0; r < src->nrows && !bad; r++)
        bad |= merge_row(dst, &src->rows[r]) != HB_OK;
    return bad ? HB_ERR_NOMEM : HB_OK;
}

/* A sum as hb_summary_json writes it (an integer, or the shortest real of
 * an exact decimal with at most six places) back in millionths. */
static int parse_sum(const json_t *v, hb_i128 *out)
{
    if (json_is_integer(v)) {
        *out = (hb_i128)json_integer_value(v) * 1000000;
        return 1;
    }
    if (!json_is_real(v))
        return 0;
    *out = millionths(json_real_value(v));
    return 1;
}

static hb_status fail_arg(hb_error *err, const char *what)
{
    if (err) {
        err->code = HB_ERR_ARG;
        snprintf(err->message, sizeof err->message, "%s", what);
    }
    return HB_ERR_ARG;
}

/* Counters written as a list of objects back into key → count or key → [a, b]. */
static int list_into(json_t *to, const json_t *list, const char *key, const char *a, const char *b)
{
    size_t i;
    json_t *v;
    int bad = !json_is_array(list);
    json_array_foreach(list, i, v) {
        const char *k = str_or(json_object_get(v, key), NULL);
        if (!k)
            return -1;
        json_int_t n[2] = {json_integer_value(json_object_get(v, a)), json_integer_value(json_object_get(v, b))};
        bad |= counts_add(to, k, n, 2);
    }
    return bad;
}

static hb_status add_summary(hb_summary *s, const json_t *j, hb_error *err)
{
    hb_summary *t = hb_summary_new();
    if (!t)
        return HB_ERR_NOMEM;
    const json_t *rep = json_object_get(j, "reports");
    t->passed = json_integer_value(json_object_get(rep, "passed"));
    t->failed = json_integer_value(json_object_get(rep, "failed"));
    int bad = counters_merge(t->doc_type, json_object_get(j, "by_doc_type")) |
              counters_merge(t->profile, json_object_get(j, "by_profile")) |
              counters_merge(t->missing, json_object_get(j, "missing")) |
              counters_merge(t->inline_only, json_object_get(j, "inline_only")) |
              counters_merge(t->warnings, json_object_get(j, "warnings")) |
              list_into(t->orgs, json_object_get(j, "by_organization"), "organization", "reports", "failed") |
              list_into(t->slogans, json_object_get(j, "slogans"), "term", "reports", "count") |
              list_into(t->documents, json_object_get(j, "documents"), "title", "reports", "count");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(j, "files"), i, v)
        bad |= paths_merge(t, str_or(json_object_get(v, "sha256"), ""), json_object_get(v, "paths"));
    json_array_foreach(json_object_get(j, "unreadable"), i, v) bad |= add_error(t, v) != HB_OK;
    json_array_foreach(json_object_get(j, "metrics"), i, v) {
        const json_t *cat = json_object_get(v, "category");
        metric_row *r = row_for(t, str_or(cat, ""), str_or(json_object_get(v, "unit"), ""),
                                json_is_true(json_object_get(v, "target")));
        hb_i128 sum = 0;
        if (!r || !parse_sum(json_object_get(v, "sum"), &sum)) {
            bad = 1;
            break;
        }
        r->count += json_integer_value(json_object_get(v, "count"));
        r->known += json_integer_value(json_object_get(v, "known"));
        r->masked += json_integer_value(json_object_get(v, "masked"));
        r->approx += json_integer_value(json_object_get(v, "approx"));
        r->sum += sum;
    }
    hb_status st = bad ? fail_arg(err, "malformed summary") : hb_summary_merge(s, t);
    hb_summary_free(t);
    return st;
}

hb_status hb_summary_add_json(hb_summary *s, const char *json, size_t len, hb_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (!s || !json)
        return fail_arg(err, "no summary or no JSON text");
    json_error_t jerr;
    json_t *j = json_loadb(json, len, 0, &jerr);
    if (!j || !json_is_object(j)) {
        char why[300];
        snprintf(why, sizeof why, "not a JSON object: %s", j ? "another JSON value" : jerr.text);
        json_decref(j);
        return fail_arg(err, why);
    }
    hb_status st;
    if (json_object_get(j, "summary_version"))
        st = add_summary(s, j, err);
    else if (json_object_get(j, "schema_version"))
        st = add_report(s, j);
    else if (json_is_string(json_object_get(j, "code")) && json_object_get(j, "path"))
        st = add_error(s, j);
    else
        st = fail_arg(err, "neither a report, an error record nor a summary");
    json_decref(j);
    if (st == HB_ERR_NOMEM && err) {
        err->code = st;
        snprintf(err->message, sizeof err->message, "%s", hb_strerror(st));
    }
    return st;
}

/* The required kinds in a mask, by name, each added to `to`; how many. */
static int kinds_add(json_t *to, unsigned mask, int *bad)
{
    int n = 0;
    for (int k = HB_KIND_ACHIEVEMENTS; k <= HB_KIND_PLANS; k++)
        if (mask & (1u << k)) {
            *bad |= count_add(to, hb_kind_name(k), 1);
            n++;
        }
    return n;
}

/* The report's fields as its JSON writes them (a string NULL where the JSON
 * has null, a number not finite where it has null), without the JSON. */
static int doc_add(hb_summary *s, hb_doc *d)
{
    const struct hb_lists_result *req = d->lists;
    int bad = 0, failed = 0;
    if (req) {
        bad |= count_add(s->profile, req->profile ? req->profile : "", 1);
        failed = kinds_add(s->missing, req->missing, &bad) > 0;
        kinds_add(s->inline_only, req->inline_only, &bad);
    }
    bad |= head_add(s, failed, d->doc_type ? d->doc_type : "unknown", d->organization ? d->organization : "",
                    d->sha256, d->path ? d->path : "");
    for (size_t i = 0; i < d->warnings.n; i++)
        bad |= count_add(s->warnings, d->warnings.v[i].code ? d->warnings.v[i].code : "", 1);
    size_t vs, ve;
    int count;
    for (size_t i = 0; i < hb_slogan_terms(d); i++)
        if (hb_slogan_listed(d, i, &vs, &ve, &count)) {
            const char *term = hb_doc_orig(d, vs, ve);
            bad |= !term || counts_add(s->slogans, term, (json_int_t[]){1, count}, 2);
        }
    json_t *seen = json_object();
    bad |= !seen;
    for (size_t i = 0; seen && d->documents && i < d->documents->docs.n; i++) {
        const hb_document *doc = &d->documents->docs.v[i];
        const char *title = hb_doc_orig(d, doc->vs, doc->ve);
        bad |= !title || document_add(s, seen, title, doc->count);
    }
    json_decref(seen);
    for (size_t i = 0; d->metrics && i < d->metrics->list.n; i++) {
        const hb_metric *m = &d->metrics->list.v[i];
        bad |= metric_add(s, m->category ? m->category : "", m->unit ? m->unit : "", hb_metric_target(d, m),
                          m->masked != 0, m->approx != 0, isfinite(m->value), m->value);
    }
    return bad;
}

hb_status hb_summary_add_report(hb_summary *s, const hb_report *r)
{
    if (!s || !r)
        return HB_ERR_ARG;
    /* texts are copied out into a scratch arena: the report is not written */
    hb_doc scratch = *r;
    scratch.arena = (hb_arena){0};
    int bad = doc_add(s, &scratch);
    hb_arena_release(&scratch.arena);
    return bad ? HB_ERR_NOMEM : HB_OK;
}

/* --- output ------------------------------------------------------------ */

/* The exact decimal of a sum of millionths, read back as the nearest
 * double (jansson holds numbers as doubles; the writer prints its shortest
 * form, which is the decimal itself for any sum a report can reach). */
static json_t *sum_json(hb_i128 v)
{
    int neg = v < 0;
    unsigned __int128 u = neg ? -(unsigned __int128)v : (unsigned __int128)v;
    unsigned long long frac = (unsigned long long)(u % 1000000);
    unsigned __int128 ip = u / 1000000;
    if (frac == 0 && ip < ((unsigned __int128)1 << 53))
        return json_integer(neg ? -(json_int_t)ip : (json_int_t)ip);
    char digits[64], *p = digits + sizeof digits;
    *--p = '\0';
    do {
        *--p = (char)('0' + (int)(ip % 10));
        ip /= 10;
    } while (ip);
    char text[96];
    snprintf(text, sizeof text, "%s%s.%06llu", neg ? "-" : "", p, frac);
    return json_real(strtod(text, NULL));
}

typedef struct {
    const char *key;
    json_int_t a, b;
} entry;

static int by_key(const void *x, const void *y)
{
    return strcmp(((const entry *)x)->key, ((const entry *)y)->key);
}

/* reports (a) descending, then key */
static int by_reports(const void *x, const void *y)
{
    const entry *p = x, *q = y;
    return p->a != q->a ? (p->a < q->a ? 1 : -1) : strcmp(p->key, q->key);
}

/* The entries of key → count or key → [a, b], sorted. */
static entry *entries(const json_t *obj, int (*cmp)(const void *, const void *), size_t *n)
{
    *n = json_object_size(obj);
    entry *e = calloc(*n + 1, sizeof *e);
    if (!e)
        return NULL;
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        e[i].key = k;
        e[i].a = json_is_array(v) ? json_integer_value(json_array_get(v, 0)) : json_integer_value(v);
        e[i].b = json_integer_value(json_array_get(v, 1));
        i++;
    }
    qsort(e, *n, sizeof *e, cmp);
    return e;
}

static json_t *counters_json(const json_t *obj)
{
    size_t n;
    entry *e = entries(obj, by_key, &n);
    json_t *o = e ? json_object() : NULL;
    for (size_t i = 0; o && i < n; i++)
        json_object_set_new(o, e[i].key, json_integer(e[i].a));
    free(e);
    return o;
}

static json_t *pairs_json(const json_t *obj, int (*cmp)(const void *, const void *), const char *key,
                          const char *a, const char *b)
{
    size_t n;
    entry *e = entries(obj, cmp, &n);
    json_t *arr = e ? json_array() : NULL;
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_pack("{s:s,s:I,s:I}", key, e[i].key, a, (json_int_t)e[i].a, b,
                                             (json_int_t)e[i].b));
    free(e);
    return arr;
}

static int by_path_message(const void *x, const void *y)
{
    const json_t *p = *(json_t *const *)x, *q = *(json_t *const *)y;
    const char *keys[] = {"path", "message", "code"};
    for (size_t i = 0; i < 3; i++) {
        int c = strcmp(str_or(json_object_get(p, keys[i]), ""), str_or(json_object_get(q, keys[i]), ""));
        if (c)
            return c;
    }
    return 0;
}

/* A sorted copy of an array of JSON values. */
static json_t *sorted(const json_t *arr, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(arr);
    json_t **v = calloc(n + 1, sizeof *v);
    json_t *out = v ? json_array() : NULL;
    for (size_t i = 0; v && i < n; i++)
        v[i] = json_array_get(arr, i);
    if (out)
        qsort(v, n, sizeof *v, cmp);
    for (size_t i = 0; out && i < n; i++)
        json_array_append(out, v[i]);
    free(v);
    return out;
}

static int by_sha_path(const void *x, const void *y)
{
    const char *a = *(const char *const *)x, *b = *(const char *const *)y;
    int c = strcmp(a, b);
    return c ? c : strcmp(file_path(a), file_path(b));
}

/* The files sorted by sha256 then path; NULL when out of memory. */
static const char **sorted_files(const hb_summary *s)
{
    const char **v = malloc((s->nfiles + 1) * sizeof *v);
    if (v && s->nfiles) { /* none: s->files may be NULL, which memcpy may not take */
        memcpy(v, s->files, s->nfiles * sizeof *v);
        qsort(v, s->nfiles, sizeof *v, by_sha_path);
    }
    return v;
}

/* The end of the group of files under v[i]'s sha256. */
static size_t group_end(const char **v, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && !strcmp(v[j], v[i]))
        j++;
    return j;
}

/* The files under two or more paths. */
static json_t *duplicates_json(const char **v, size_t n)
{
    json_t *dups = json_array();
    for (size_t i = 0, j; dups && i < n; i = j) {
        json_t *paths = (j = group_end(v, n, i)) - i >= 2 ? json_array() : NULL;
        for (size_t k = i; paths && k < j; k++)
            json_array_append_new(paths, json_string(file_path(v[k])));
        if (paths)
            json_array_append_new(dups, json_pack("{s:s,s:o}", "sha256", v[i], "paths", paths));
    }
    return dups;
}

/* A JSON string as jansson writes it; nothing for text that is not UTF-8
 * (jansson refuses it too). */
static void put_string(FILE *m, const char *s)
{
    json_t *j = json_string(s);
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    if (t)
        fputs(t, m);
    free(t);
    json_decref(j);
}

/* The elements of "files", written as json_dumps would write them, straight
 * from the sorted list: no JSON value per file, whatever their number. */
static void files_text(FILE *m, const char **v, size_t n, int pretty)
{
    for (size_t i = 0, j; i < n; i = j) {
        j = group_end(v, n, i);
        fputs(i ? "," : "", m);
        fputs(pretty ? "\n    {\n      \"sha256\": " : "{\"sha256\":", m);
        put_string(m, v[i]);
        fputs(pretty ? ",\n      \"paths\": [" : ",\"paths\":[", m);
        for (size_t k = i; k < j; k++) {
            fputs(k > i ? "," : "", m);
            fputs(pretty ? "\n        " : "", m);
            put_string(m, file_path(v[k]));
        }
        fputs(pretty ? "\n      ]\n    }" : "]}", m);
    }
    fputs(pretty && n ? "\n  " : "", m);
}

static json_t *metrics_json(const hb_summary *s)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < s->nrows; i++) {
        const metric_row *r = &s->rows[i];
        json_array_append_new(a, json_pack("{s:o,s:s,s:b,s:I,s:I,s:o,s:I,s:I}", "category",
                                           *r->category ? json_string(r->category) : json_null(), "unit", r->unit,
                                           "target", r->target, "count", (json_int_t)r->count, "known",
                                           (json_int_t)r->known, "sum", sum_json(r->sum), "masked",
                                           (json_int_t)r->masked, "approx", (json_int_t)r->approx));
    }
    return a;
}

char *hb_summary_json(const hb_summary *s, unsigned flags)
{
    if (!s)
        return NULL;
    json_int_t unreadable = (json_int_t)json_array_size(s->unreadable);
    const char **v = sorted_files(s);
    if (!v)
        return NULL;
    json_t *files = json_array(), *dups = duplicates_json(v, s->nfiles);
    json_t *o = json_pack(
        "{s:s,s:{s:I,s:I,s:I,s:I},s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "summary_version",
        SUMMARY_VERSION, "reports", "total", s->passed + s->failed + unreadable, "passed", s->passed, "failed",
        s->failed, "unreadable", unreadable, "by_doc_type", counters_json(s->doc_type), "by_profile",
        counters_json(s->profile), "by_organization",
        pairs_json(s->orgs, by_key, "organization", "reports", "failed"), "missing", counters_json(s->missing),
        "inline_only", counters_json(s->inline_only), "unreadable", sorted(s->unreadable, by_path_message),
        "files", files, "duplicates", dups, "metrics", metrics_json(s), "slogans",
        pairs_json(s->slogans, by_reports, "term", "reports", "count"), "documents",
        pairs_json(s->documents, by_reports, "title", "reports", "count"), "warnings",
        counters_json(s->warnings));
    int pretty = (flags & HB_JSON_PRETTY) != 0;
    char *text = o ? json_dumps(o, pretty ? JSON_INDENT(2) : JSON_COMPACT) : NULL;
    json_decref(o);
    /* the files go into the empty array left for them */
    const char *mark = pretty ? "\"files\": [" : "\"files\":[";
    char *at = text && !(flags & HB_SUMMARY_NO_FILES) ? strstr(text, mark) : NULL, *out = text;
    if (at) {
        size_t len, head = (size_t)(at - text) + strlen(mark);
        FILE *m = open_memstream(&out, &len);
        if (m) {
            fwrite(text, 1, head, m);
            files_text(m, v, s->nfiles, pretty);
            fputs(text + head, m);
        }
        if (!m || fclose(m) != 0) {
            free(out);
            out = NULL;
        }
        free(text);
    }
    free(v);
    if (out)
        hb_json_shorten_reals(out);
    return out;
}
