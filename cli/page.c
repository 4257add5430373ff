/* summary.html: a template (templates/README.md) filled with models built
 * from summary.json and the reports.  Every value reaches the page through
 * one escaping function; the markup and wording are the template's. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "huibao.h"
#include "outfile.h"
#include "page.h"

/* ------------------------------------------------------------------ */
/* The template: text, {{slot}}, {{#section}}…{{/section}},            */
/* {{?if}}…{{/if}}, {{^inverted}}…{{/inverted}}, {{! comment }}.       */

enum { T_TEXT, T_SLOT, T_SECTION, T_IF, T_INVERTED };
#define TMPL_MAX_DEPTH 16

typedef struct tnode {
    int kind;
    char *name;          /* slot or section name */
    const char *text;    /* T_TEXT: points into the template source */
    size_t len;
    struct tnode *child, *next;
} tnode;

static void tnode_free(tnode *n)
{
    while (n) {
        tnode *next = n->next;
        tnode_free(n->child);
        free(n->name);
        free(n);
        n = next;
    }
}

static int count_lines(const char *a, const char *b)
{
    int n = 0;
    for (; a < b; a++)
        n += *a == '\n';
    return n;
}

static int valid_name(const char *s)
{
    if (!strcmp(s, "."))
        return 1;
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
            return 0;
    return 1;
}

/* Parses `src` (kept alive by the caller) into a tree under a root section. */
static tnode *tmpl_parse(const char *src, const char *path, char *why, size_t cap)
{
    tnode *root = calloc(1, sizeof *root);
    tnode *open[TMPL_MAX_DEPTH + 1];
    tnode **tail[TMPL_MAX_DEPTH + 1];
    int openline[TMPL_MAX_DEPTH + 1];
    int depth = 0, line = 1;
    if (!root)
        goto nomem;
    open[0] = root;
    tail[0] = &root->child;
    const char *p = src;
    while (*p) {
        const char *o = strstr(p, "{{");
        size_t tl = o ? (size_t)(o - p) : strlen(p);
        if (tl) {
            tnode *t = calloc(1, sizeof *t);
            if (!t)
                goto nomem;
            t->kind = T_TEXT;
            t->text = p;
            t->len = tl;
            *tail[depth] = t;
            tail[depth] = &t->next;
            line += count_lines(p, p + tl);
        }
        if (!o)
            break;
        const char *c = strstr(o + 2, "}}");
        if (!c) {
            snprintf(why, cap, "%s:%d: '{{' without '}}'", path, line);
            goto fail;
        }
        const char *a = o + 2, *b = c;
        char sigil = *a;
        int tagline = line;
        line += count_lines(o, c);
        p = c + 2;
        if (sigil == '!')
            continue;
        if (sigil == '#' || sigil == '?' || sigil == '^' || sigil == '/')
            a++;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        char *name = strndup(a, (size_t)(b - a));
        if (!name)
            goto nomem;
        if (!valid_name(name)) {
            snprintf(why, cap, "%s:%d: bad name in {{%.*s}}", path, tagline, (int)(c - o - 2), o + 2);
            free(name);
            goto fail;
        }
        if (sigil == '/') {
            int ok = depth > 0 && !strcmp(open[depth]->name, name);
            if (!ok && depth)
                snprintf(why, cap, "%s:%d: {{/%s}} does not close {{%c%s}}", path, tagline, name,
                         "#?^"[open[depth]->kind - T_SECTION], open[depth]->name);
            else if (!ok)
                snprintf(why, cap, "%s:%d: {{/%s}} closes no section", path, tagline, name);
            free(name);
            if (!ok)
                goto fail;
            depth--;
            continue;
        }
        tnode *t = calloc(1, sizeof *t);
        if (!t) {
            free(name);
            goto nomem;
        }
        t->kind = sigil == '#' ? T_SECTION : sigil == '?' ? T_IF : sigil == '^' ? T_INVERTED : T_SLOT;
        t->name = name;
        *tail[depth] = t;
        tail[depth] = &t->next;
        if (t->kind != T_SLOT) {
            if (depth == TMPL_MAX_DEPTH) {
                snprintf(why, cap, "%s:%d: sections nested deeper than %d", path, tagline, TMPL_MAX_DEPTH);
                goto fail;
            }
            depth++;
            open[depth] = t;
            tail[depth] = &t->child;
            openline[depth] = tagline;
        }
    }
    if (depth > 0) {
        snprintf(why, cap, "%s:%d: {{%c%s}} is never closed", path, openline[depth],
                 "#?^"[open[depth]->kind - T_SECTION], open[depth]->name);
        goto fail;
    }
    return root;
nomem:
    snprintf(why, cap, "%s: out of memory", path);
fail:
    tnode_free(root);
    return NULL;
}

/* Rendering: a stack of contexts; a name is looked up from the innermost
 * object outwards.  Two section names are streams, their elements made one
 * at a time from the reports, so neither the rows nor the per-report
 * sections ever all sit in memory at once: `rows` (failing reports first)
 * and `reports`.  One read of the reports renders every stream of the
 * template into temporary files, copied out where each stands; a report is
 * parsed once however many streams show it. */
typedef struct reader reader;
enum { MAX_STREAMS = 8 };
typedef struct {
    const tnode *node;
    FILE *first, *later; /* rows: the failing reports' rows, then the others' */
} stream;
typedef struct {
    FILE *out;
    json_t *stack[TMPL_MAX_DEPTH + 2];
    int depth;
    reader *rd;          /* the reports behind the streams */
    int any;             /* there is at least one report: `rows` is true */
    const tnode *tree;
    stream streams[MAX_STREAMS];
    int nstreams, prepared;
    int rows, sections;  /* whether some stream shows the rows, the sections */
    int early;           /* the streams rendered before the page's names are known */
    int stale;           /* meanwhile a name was looked up among the page's names */
    struct page_part *part;  /* a worker's rendering: where its holes go */
    int cur;             /* the stream being rendered */
} renderer;

static void put_escaped(FILE *out, const char *s, size_t n)
{
    const char *run = s;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        fwrite(run, 1, (size_t)(s + i - run), out);
        fputs(rep, out);
        run = s + i + 1;
    }
    fwrite(run, 1, (size_t)(s + n - run), out);
}

/* The shortest text that reads back as the same double. */
static void fmt_number(double v, char *buf, size_t cap)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, cap, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static void put_value(FILE *out, const json_t *v)
{
    char num[40];
    if (json_is_string(v)) {
        put_escaped(out, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    } else if (json_is_real(v)) {
        fmt_number(json_real_value(v), num, sizeof num);
        fputs(num, out);
    }
}

static json_t *lookup(renderer *r, const char *name)
{
    if (!strcmp(name, "."))
        return r->stack[r->depth - 1];
    for (int i = r->depth - 1; i >= 0; i--) {
        json_t *v = json_is_object(r->stack[i]) ? json_object_get(r->stack[i], name) : NULL;
        if (v)
            return v;
    }
    /* the page's own names would have answered (or a stream inside a stream) */
    r->stale |= r->early;
    return NULL;
}

static int truthy(const json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_OBJECT: case JSON_TRUE: return 1;
    case JSON_ARRAY: return json_array_size(v) > 0;
    case JSON_STRING: return json_string_length(v) > 0;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL: return json_real_value(v) != 0;
    default: return 0;
    }
}

static void render(renderer *r, const tnode *n);

static void render_in(renderer *r, json_t *ctx, const tnode *body)
{
    r->stack[r->depth++] = ctx;
    render(r, body);
    r->depth--;
}

static int render_failed(const renderer *r);
static void render_stream(renderer *r, const tnode *n);
static int put_hole(renderer *r, const json_t *v);

/* A section, condition or inversion over one of the two streams. */
static int names_stream(const tnode *n)
{
    return n->kind != T_TEXT && n->kind != T_SLOT && (!strcmp(n->name, "rows") || !strcmp(n->name, "reports"));
}

static void render(renderer *r, const tnode *n)
{
    for (; n && !render_failed(r); n = n->next) {
        json_t *v = n->kind == T_TEXT ? NULL : lookup(r, n->name);
        int streamed = !v && names_stream(n);
        if (n->kind == T_TEXT) {
            fwrite(n->text, 1, n->len, r->out);
        } else if (n->kind == T_SLOT) {
            if (!r->part || !put_hole(r, v))
                put_value(r->out, v);
        } else if (n->kind == T_IF || n->kind == T_INVERTED) {
            if ((streamed ? r->any && !strcmp(n->name, "rows") : truthy(v)) == (n->kind == T_IF))
                render(r, n->child);
        } else if (streamed) {
            render_stream(r, n);
        } else if (json_is_array(v)) {
            for (size_t i = 0; i < json_array_size(v); i++)
                render_in(r, json_array_get(v, i), n->child);
        } else if (truthy(v)) {
            render_in(r, v, n->child);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Reading reports.jsonl, one report at a time.                        */

struct reader {
    char *const *files;
    int n, fi;
    FILE *f;
    long line;
    char *buf;
    size_t bufcap;
    int index;           /* reports returned so far */
    int failed;
    char *why;
    size_t cap;
    struct labels *lb;
};

static void reader_rewind(reader *rd)
{
    if (rd->f)
        fclose(rd->f);
    rd->f = NULL;
    rd->fi = 0;
    rd->index = 0;
}

static json_t *reader_next(void *arg)
{
    reader *rd = arg;
    while (!rd->failed) {
        if (!rd->f) {
            if (rd->fi >= rd->n)
                return NULL;
            const char *path = rd->files[rd->fi];
            rd->f = fopen(path, "rb");
            if (!rd->f) {
                snprintf(rd->why, rd->cap, "%s: %s", path, strerror(errno));
                rd->failed = 1;
                return NULL;
            }
            rd->line = 0;
        }
        const char *path = rd->files[rd->fi];
        errno = 0;
        ssize_t len = getline(&rd->buf, &rd->bufcap, rd->f);
        if (len < 0) {
            if (ferror(rd->f)) {
                snprintf(rd->why, rd->cap, "%s: %s", path, strerror(errno ? errno : EIO));
                rd->failed = 1;
                return NULL;
            }
            fclose(rd->f);
            rd->f = NULL;
            rd->fi++;
            continue;
        }
        rd->line++;
        if (strspn(rd->buf, " \t\r\n") == (size_t)len)
            continue;
        json_error_t je;
        json_t *v = json_loadb(rd->buf, (size_t)len, 0, &je);
        if (!v) {
            snprintf(rd->why, rd->cap, "%s:%ld: not JSON: %s", path, rd->line, je.text);
            rd->failed = 1;
            return NULL;
        }
        if (!json_is_object(v) || !json_is_object(json_object_get(v, "source"))) {
            snprintf(rd->why, rd->cap, "%s:%ld: not a huibao report (no \"source\" object)", path, rd->line);
            json_decref(v);
            rd->failed = 1;
            return NULL;
        }
        rd->index++;
        return v;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Names for codes, as office staff read them: dict/labels.txt, and for */
/* a profile the `label` line of dict/profiles/NAME.txt (the name        */
/* `huibao check` shows).  A code without a name is shown as written.   */

typedef struct labels {
    json_t *names;       /* kind → {code: name}; profiles are added as met */
    json_t *ratio;       /* {category: true}: ratios, whose sum means nothing */
    const char *dict_dir;
    pthread_mutex_t mu;  /* the profiles met: batch's workers add them */
} labels;

static const char *const LABEL_KINDS[] = {"doc_type", "category", "warning", "error"};

/* Splits a line at its TABs into at most `max` fields; the count found. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line; p; n++) {
        char *tab = strchr(p, '\t');
        if (tab)
            *tab = '\0';
        if (n < max)
            f[n] = p;
        p = tab ? tab + 1 : NULL;
    }
    return n;
}

/* Reads DICT/labels.txt; a folder without one names nothing.  -1 with the
 * file and line in why for a malformed line. */
static int labels_read(labels *lb, const char *dict_dir, char *why, size_t cap)
{
    lb->dict_dir = dict_dir;
    pthread_mutex_init(&lb->mu, NULL);
    lb->names = json_object();
    lb->ratio = json_object();
    for (size_t k = 0; k < sizeof LABEL_KINDS / sizeof *LABEL_KINDS; k++)
        json_object_set_new(lb->names, LABEL_KINDS[k], json_object());
    json_object_set_new(lb->names, "profile", json_object());
    char path[4096];
    snprintf(path, sizeof path, "%s/labels.txt", dict_dir ? dict_dir : ".");
    FILE *f = dict_dir ? fopen(path, "rb") : NULL;
    if (!f) {
        if (dict_dir && errno != ENOENT) {
            snprintf(why, cap, "%s: %s", path, strerror(errno));
            return -1;
        }
        return 0;
    }
    char *line = NULL, *fld[4];
    size_t lcap = 0;
    long lineno = 0;
    int st = 0;
    while (!st && getline(&line, &lcap, f) >= 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!*line || *line == '#')
            continue;
        int nf = split_tabs(line, fld, 4);
        json_t *names = nf >= 3 && nf <= 4 ? json_object_get(lb->names, fld[0]) : NULL;
        json_t *name = names ? json_string(fld[2]) : NULL;
        if (nf < 3 || nf > 4)
            snprintf(why, cap, "%s:%ld: expected 3 or 4 TAB-separated fields, found %d", path, lineno, nf), st = -1;
        else if (!names || !strcmp(fld[0], "profile"))
            snprintf(why, cap, "%s:%ld: unknown kind '%s' (use doc_type, category, warning or error; "
                     "a profile is named by the label line of its file)", path, lineno, fld[0]), st = -1;
        else if (!*fld[1] || !name)
            snprintf(why, cap, "%s:%ld: an empty code or a name that is not UTF-8", path, lineno), st = -1;
        else if (nf == 4 && (strcmp(fld[0], "category") || strcmp(fld[3], "ratio")))
            snprintf(why, cap, "%s:%ld: the fourth field can only be 'ratio', on a category line", path, lineno), st = -1;
        if (!st) {
            json_object_set_new(names, fld[1], name);
            if (nf == 4)
                json_object_set_new(lb->ratio, fld[1], json_true());
        } else {
            json_decref(name);
        }
    }
    if (!st && ferror(f))
        snprintf(why, cap, "%s: read error", path), st = -1;
    free(line);
    fclose(f);
    return st;
}

static void labels_free(labels *lb)
{
    json_decref(lb->names);
    json_decref(lb->ratio);
    pthread_mutex_destroy(&lb->mu);
}

int page_labels_check(const char *dict_dir, char *why, size_t cap)
{
    labels lb;
    int st = labels_read(&lb, dict_dir, why, cap);
    labels_free(&lb);
    return st;
}

/* The `label` line of profiles/NAME.txt, else NULL. */
static json_t *profile_file_label(const char *dict_dir, const char *name)
{
    /* the name comes from a report: only a file name's characters, never a path */
    static const char OK[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
    if (!dict_dir || !*name || strspn(name, OK) != strlen(name))
        return NULL;
    char path[4096], *line = NULL;
    size_t lcap = 0;
    snprintf(path, sizeof path, "%s/profiles/%s.txt", dict_dir, name);
    FILE *f = fopen(path, "rb");
    json_t *label = NULL;
    while (f && !label && getline(&line, &lcap, f) >= 0) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!strncmp(line, "label\t", 6) && line[6])
            label = json_string(line + 6);
    }
    if (f)
        fclose(f);
    free(line);
    return label;
}

/* The name of `code` of `kind` (doc_type, category, warning, error,
 * profile), else the code itself. */
static json_t *label_of(labels *lb, const char *kind, const char *code)
{
    pthread_mutex_lock(&lb->mu);
    json_t *names = json_object_get(lb->names, kind);
    json_t *name = json_object_get(names, code);
    if (!name && !strcmp(kind, "profile")) {
        name = profile_file_label(lb->dict_dir, code);
        json_object_set_new(names, code, name ? name : json_string(code));
    }
    /* a code comes from parsed JSON, a name from labels.txt or a profile,
     * both made strings by jansson: already checked to be UTF-8 */
    json_t *label = json_string_nocheck(name ? json_string_value(name) : code);
    pthread_mutex_unlock(&lb->mu);
    return label;
}

/* ------------------------------------------------------------------ */
/* Models.  Objects always carry every key the template asks for, so a  */
/* missing value never falls through to an outer context's namesake.   */

static const char *const KINDS[] = {"achievements", "problems", "causes", "plans"};
#define NKINDS (sizeof KINDS / sizeof *KINDS)
/* The states of a completeness cell or of a list's `found`. */
static const char *const STATES[] = {"heading", "implicit", "inline", "missing", "not-required", "none"};

/* limits that keep one page readable whatever the batch */
enum { MAX_OUTLINE = 400, MAX_METRIC_ROWS = 500, MAX_ITEMS = 200, MAX_BARS = 20, MAX_METRIC_GROUPS = 30 };

static const char *str_or(const json_t *v, const char *dflt)
{
    return json_is_string(v) ? json_string_value(v) : dflt;
}

/* A copy of a JSON string (checked UTF-8 when it was parsed), or null. */
static json_t *str_or_null(const json_t *v)
{
    return json_is_string(v) && json_string_length(v) ? json_string_nocheck(json_string_value(v)) : json_null();
}

/* One flag per possible value, e.g. k_problems: true and the others false,
 * so the template words each case itself. */
static void set_flags(json_t *o, const char *prefix, const char *const *values, size_t n, const char *value)
{
    char key[64];
    size_t pl = strlen(prefix);
    memcpy(key, prefix, pl); /* the prefixes and values are short constants */
    for (size_t i = 0; i < n; i++) {
        /* copied, not formatted: every report's models set some 300 flags */
        size_t vl = strlen(values[i]);
        memcpy(key + pl, values[i], vl + 1);
        for (char *c = key + pl; *c; c++)
            if (*c == '-')
                *c = '_';
        json_object_set_new_nocheck(o, key, json_boolean(value && !strcmp(values[i], value)));
    }
}

static void set_kind_flags(json_t *o, const char *kind)
{
    static const char *const ALL[] = {"achievements", "problems", "causes", "plans", "other"};
    set_flags(o, "k_", ALL, sizeof ALL / sizeof *ALL, kind);
}

static int array_has(const json_t *a, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
        if (json_is_string(v) && !strcmp(json_string_value(v), s))
            return 1;
    return 0;
}

static json_t *joined(const json_t *a)
{
    size_t i, len = 0;
    json_t *v;
    json_array_foreach(a, i, v)
        len += json_string_length(v) + 2;
    char *s = calloc(1, len + 1);
    if (!s)
        return json_null();
    json_array_foreach(a, i, v)
        if (json_is_string(v)) {
            if (*s)
                strcat(s, ", ");
            strcat(s, json_string_value(v));
        }
    json_t *r = *s ? json_string(s) : json_null();
    free(s);
    return r;
}

/* The organisation: the report's own field; reports written before it
 * existed fall back to the signature's. */
static json_t *report_org(const json_t *rep)
{
    json_t *org = json_object_get(rep, "organization");
    if (!org && json_is_object(json_object_get(rep, "signature")))
        org = json_object_get(json_object_get(rep, "signature"), "organization");
    return str_or_null(org);
}

static const char *basename_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* What the table row and the report's own section share. */
static json_t *report_head(const json_t *rep, int index, labels *lb)
{
    json_t *src = json_object_get(rep, "source");
    json_t *req = json_object_get(rep, "required");
    json_t *missing = json_object_get(req, "missing");
    json_t *inl = json_object_get(req, "inline_only");
    json_t *period = json_object_get(rep, "period");
    const char *path = str_or(json_object_get(src, "path"), "");
    int ok = json_array_size(missing) == 0;
    const char *profile = str_or(json_object_get(req, "profile"), "");
    const char *doc_type = str_or(json_object_get(rep, "doc_type"), "");
    char anchor[32];
    snprintf(anchor, sizeof anchor, "r%d", index);
    return json_pack("{s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:s, s:o, s:s, s:b, s:i, s:o, s:o}",
                     "anchor", anchor, "index", index, "path", path, "name", *path ? basename_of(path) : anchor,
                     "title", str_or_null(json_object_get(rep, "title")), "org", report_org(rep),
                     "period", str_or_null(json_object_get(period, "text")),
                     "profile", profile, "profile_label", label_of(lb, "profile", profile),
                     "doc_type", doc_type, "doc_type_label", label_of(lb, "doc_type", doc_type),
                     "status", ok ? "passed" : "failed", "ok", ok, "rank", ok ? 1 : 0,
                     "missing", joined(missing), "inline_only", joined(inl));
}

/* A completeness cell.  A required kind is missing or inline only when the
 * profile says so; otherwise the report's `found` tells what is there, and a
 * kind absent or inline that the profile did not flag is not required.
 * `required.kinds`, when the report lists them, settles the rest. */
static json_t *cell(const json_t *rep, const char *kind)
{
    json_t *req = json_object_get(rep, "required");
    json_t *kinds = json_object_get(req, "kinds");
    const char *found = str_or(json_object_get(json_object_get(rep, kind), "found"), "none");
    const char *state;
    int rank;
    if (array_has(json_object_get(req, "missing"), kind))
        state = "missing", rank = 0;
    else if (array_has(json_object_get(req, "inline_only"), kind))
        state = "inline", rank = 1;
    else if (json_is_array(kinds) ? !array_has(kinds, kind) : strcmp(found, "heading") && strcmp(found, "implicit"))
        state = "not-required", rank = 4;
    else
        state = !strcmp(found, "implicit") ? "implicit" : "heading", rank = 3;
    json_t *c = json_pack("{s:s, s:s, s:i}", "kind", kind, "state", state, "rank", rank);
    set_flags(c, "s_", STATES, sizeof STATES / sizeof *STATES, state);
    return c;
}

static json_t *row_model(const json_t *rep, int index, labels *lb)
{
    json_t *row = report_head(rep, index, lb);
    json_t *cells = json_array();
    for (size_t k = 0; k < NKINDS; k++)
        json_array_append_new(cells, cell(rep, KINDS[k]));
    json_object_set_new(row, "cells", cells);
    return row;
}

static void outline_add(json_t *out, const json_t *sections, int *more)
{
    size_t i;
    json_t *s;
    json_array_foreach(sections, i, s) {
        if (json_array_size(out) >= MAX_OUTLINE) {
            (*more)++;
        } else {
            json_int_t level = json_integer_value(json_object_get(s, "level"));
            json_t *o = json_pack("{s:s, s:s, s:s, s:O, s:I}", "marker", str_or(json_object_get(s, "marker"), ""),
                                  "title", str_or(json_object_get(s, "title"), ""),
                                  "kind", str_or(json_object_get(s, "kind"), "other"),
                                  "line", json_object_get(s, "line") ? json_object_get(s, "line") : json_null(),
                                  "indent", (json_int_t)(level > 1 ? (level - 1) * 2 : 0));
            set_kind_flags(o, json_string_value(json_object_get(o, "kind")));
            json_array_append_new(out, o);
        }
        outline_add(out, json_object_get(s, "children"), more);
    }
}

static json_t *number_text(const json_t *v)
{
    char buf[40];
    if (json_is_integer(v))
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        fmt_number(json_real_value(v), buf, sizeof buf);
    else
        return json_null();
    return json_string(buf);
}

static json_t *metric_model(const json_t *m, labels *lb)
{
    json_t *value = number_text(json_object_get(m, "value"));
    json_t *vmax = number_text(json_object_get(m, "value_max"));
    json_t *target = json_object_get(m, "target");
    const char *sk = str_or(json_object_get(m, "section_kind"), NULL);
    const char *cat = str_or(json_object_get(m, "category"), "");
    json_t *o = json_pack("{s:o, s:o, s:b, s:b, s:s, s:o, s:o, s:o, s:s, s:O, s:b, s:b, s:b, s:b}",
                          "value", value, "value_max", vmax,
                          "masked", json_is_true(json_object_get(m, "masked")),
                          "approx", json_is_true(json_object_get(m, "approx")),
                          "unit", str_or(json_object_get(m, "unit"), ""),
                          "category", str_or_null(json_object_get(m, "category")),
                          "category_label", *cat ? label_of(lb, "category", cat) : json_null(),
                          "subject", str_or_null(json_object_get(m, "subject")),
                          "text", str_or(json_object_get(m, "text"), ""),
                          "line", json_object_get(m, "line") ? json_object_get(m, "line") : json_null(),
                          "is_target", json_is_true(target), "is_achieved", json_is_false(target),
                          "target_unknown", !json_is_boolean(target), "section_kind_known", sk != NULL);
    set_kind_flags(o, sk);
    return o;
}

/* The length of the punctuation or space that `s` starts with, else 0. */
static size_t lead_punct(const char *s)
{
    static const char *const P[] = {"。", "，", "：", "；", "、", ":", ";", ",", ".", " ", "\n", "\r", "\t"};
    for (size_t i = 0; i < sizeof P / sizeof *P; i++)
        if (!strncmp(s, P[i], strlen(P[i])))
            return strlen(P[i]);
    return 0;
}

static json_t *list_model(const json_t *rep, const char *kind)
{
    json_t *l = json_object_get(rep, kind);
    const char *found = str_or(json_object_get(l, "found"), "none");
    json_t *items = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(l, "items"), i, it) {
        if (i >= MAX_ITEMS)
            break;
        const char *title = str_or(json_object_get(it, "title"), "");
        const char *more = str_or(json_object_get(it, "text"), "");
        /* what the text says beyond its title, which it usually starts with */
        size_t tl = strlen(title);
        if (tl && !strncmp(more, title, tl)) {
            more += tl;
            for (size_t skip; (skip = lead_punct(more)) > 0;)
                more += skip;
        }
        json_array_append_new(items, json_pack("{s:s, s:s, s:o, s:O}", "marker", str_or(json_object_get(it, "marker"), ""),
                                               "title", title, "more", *more ? json_string(more) : json_null(),
                                               "line", json_object_get(it, "line") ? json_object_get(it, "line") : json_null()));
    }
    size_t total = json_array_size(json_object_get(l, "items"));
    json_t *o = json_pack("{s:s, s:s, s:o, s:I}", "kind", kind, "found", found, "items", items,
                          "items_more", (json_int_t)(total > MAX_ITEMS ? total - MAX_ITEMS : 0));
    set_kind_flags(o, kind);
    set_flags(o, "s_", STATES, sizeof STATES / sizeof *STATES, found);
    return o;
}

/* Warnings (`code`, `label`, `message`, `line`) or unreadable files
 * (`path`, `code`, `label`, `message`): the objects with their code named. */
static json_t *coded_list(const json_t *list, const char *kind, labels *lb)
{
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        const char *code = str_or(json_object_get(e, "code"), "");
        json_t *line = json_object_get(e, "line");
        json_array_append_new(out, json_pack("{s:s, s:o, s:s, s:s, s:O}", "code", code, "label", label_of(lb, kind, code),
                                             "message", str_or(json_object_get(e, "message"), ""),
                                             "path", str_or(json_object_get(e, "path"), ""),
                                             "line", line ? line : json_null()));
    }
    return out;
}

static json_t *section_model(const json_t *rep, int index, labels *lb)
{
    json_t *o = report_head(rep, index, lb);
    json_t *outline = json_array();
    int outline_more = 0;
    outline_add(outline, json_object_get(rep, "sections"), &outline_more);
    json_t *metrics = json_array();
    json_t *ms = json_object_get(rep, "metrics");
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m) {
        if (i >= MAX_METRIC_ROWS)
            break;
        json_array_append_new(metrics, metric_model(m, lb));
    }
    json_t *lists = json_array();
    for (size_t k = 1; k < NKINDS; k++) /* problems, causes, plans */
        json_array_append_new(lists, list_model(rep, KINDS[k]));
    json_t *warnings = coded_list(json_object_get(rep, "warnings"), "warning", lb);
    size_t nm = json_array_size(ms);
    json_object_set_new(o, "outline", outline);
    json_object_set_new(o, "outline_more", json_integer(outline_more));
    json_object_set_new(o, "metrics", metrics);
    json_object_set_new(o, "metric_count", json_integer((json_int_t)nm));
    json_object_set_new(o, "metrics_more", json_integer((json_int_t)(nm > MAX_METRIC_ROWS ? nm - MAX_METRIC_ROWS : 0)));
    json_object_set_new(o, "lists", lists);
    json_object_set_new(o, "warnings", warnings);
    return o;
}

/* ------------------------------------------------------------------ */
/* Charts: horizontal bars in a fixed viewBox, scaled by the page.      */

enum { CHART_W = 760, LABEL_W = 200, BAR_AREA = 300, BAR_H = 16, ROW_H = 22, CHART_PAD = 6 };

/* A label cut to at most `max` characters (code points), with "…". */
static json_t *short_label(const char *s, int max)
{
    size_t keep = 0;
    int n = 0;
    for (size_t i = 0; s[i]; i++) {
        if ((s[i] & 0xC0) == 0x80)
            continue;
        if (n == max - 1)
            keep = i;
        if (++n > max)
            break;
    }
    if (n <= max)
        return json_string(s);
    char *buf = malloc(keep + 4);
    if (!buf)
        return json_string("…");
    memcpy(buf, s, keep);
    memcpy(buf + keep, "…", 4);
    json_t *r = json_string(buf);
    free(buf);
    return r;
}

static double bar_width(double v, double max)
{
    return max > 0 ? round(v / max * BAR_AREA * 10) / 10 : 0;
}

/* One bar chart: `names` shown for `codes`, `values` (bar length) and
 * `values2` (a second number: drawn over the bar when `overlay`, else only
 * written). */
static json_t *bar_chart(const char *id, const char **names, const char **codes, const json_int_t *values,
                         const json_int_t *values2, size_t n, int overlay)
{
    json_int_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (values[i] > max)
            max = values[i];
    json_t *bars = json_array();
    int any_cut = 0;
    for (size_t i = 0; i < n; i++) {
        int y = CHART_PAD + (int)i * ROW_H;
        double w = bar_width((double)values[i], (double)max);
        json_t *label = short_label(names[i], 14);
        int cut = strcmp(json_string_value(label), names[i]) != 0;
        any_cut |= cut;
        json_t *b = json_pack("{s:s, s:s, s:b, s:o, s:b, s:b, s:I, s:I, s:i, s:i, s:i, s:i, s:i, s:f, s:f, s:f}",
                              "full", names[i], "code", codes[i], "named", strcmp(names[i], codes[i]) != 0,
                              "label", label, "cut", cut, "unnamed", !*names[i],
                              "value", values[i], "value2", values2 ? values2[i] : 0,
                              "label_x", LABEL_W - 6, "x", LABEL_W, "y", y, "h", BAR_H, "ty", y + BAR_H - 3, "w", w,
                              "w2", overlay && values2 ? bar_width((double)values2[i], (double)max) : 0.0,
                              "vx", LABEL_W + w + 6);
        json_array_append_new(bars, b);
    }
    json_t *c = json_pack("{s:s, s:o, s:b, s:b, s:i, s:i, s:i}", "id", id, "bars", bars, "has_bars", n > 0, "any_cut", any_cut,
                          "width", CHART_W, "height", (int)n * ROW_H + 2 * CHART_PAD, "x", LABEL_W);
    static const char *const IDS[] = {"orgs", "slogans", "documents", "doc_types", "profiles"};
    set_flags(c, "is_", IDS, sizeof IDS / sizeof *IDS, id);
    return c;
}

/* From a list of objects: label key, value key, second value key; an
 * object's `code`, when it has one, is what its label names. */
static json_t *list_chart(const char *id, const json_t *list, const char *lk, const char *vk, const char *v2k,
                          int overlay, size_t limit)
{
    size_t n = json_array_size(list) < limit ? json_array_size(list) : limit;
    const char **names = calloc(n + 1, sizeof *names), **codes = calloc(n + 1, sizeof *codes);
    json_int_t *v = calloc(n + 1, sizeof *v), *v2 = calloc(n + 1, sizeof *v2);
    json_t *c = NULL;
    if (names && codes && v && v2) {
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_array_get(list, i);
            names[i] = str_or(json_object_get(e, lk), "");
            codes[i] = str_or(json_object_get(e, "code"), names[i]);
            v[i] = json_integer_value(json_object_get(e, vk));
            v2[i] = json_integer_value(json_object_get(e, v2k));
        }
        c = bar_chart(id, names, codes, v, v2, n, overlay);
    }
    free(names);
    free(codes);
    free(v);
    free(v2);
    return c;
}

/* From an object {code: count}, in its key order, codes of `kind` named. */
static json_t *object_chart(const char *id, const json_t *obj, const char *kind, labels *lb)
{
    json_t *list = json_array();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
        json_array_append_new(list, json_pack("{s:o, s:s, s:O}", "label", label_of(lb, kind, k), "code", k, "value", v));
    json_t *c = list_chart(id, list, "label", "value", "", 0, SIZE_MAX);
    json_decref(list);
    return c;
}

static int org_order(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t rx = json_integer_value(json_object_get(x, "reports")), ry = json_integer_value(json_object_get(y, "reports"));
    json_int_t fx = json_integer_value(json_object_get(x, "failed")), fy = json_integer_value(json_object_get(y, "failed"));
    if (rx != ry)
        return rx < ry ? 1 : -1;
    if (fx != fy)
        return fx < fy ? 1 : -1;
    return strcmp(str_or(json_object_get(x, "organization"), ""), str_or(json_object_get(y, "organization"), ""));
}

/* Organisations with the most reports first. */
static json_t *org_chart(const json_t *orgs)
{
    size_t n = json_array_size(orgs);
    json_t **v = calloc(n + 1, sizeof *v);
    json_t *sorted = json_array();
    if (v) {
        for (size_t i = 0; i < n; i++)
            v[i] = json_array_get(orgs, i);
        qsort(v, n, sizeof *v, org_order);
        for (size_t i = 0; i < n; i++)
            json_array_append(sorted, v[i]);
    }
    free(v);
    json_t *c = list_chart("orgs", sorted, "organization", "reports", "failed", 1, MAX_BARS);
    json_decref(sorted);
    return c;
}

/* Metrics: one group per (category, unit), an achieved and a target bar in
 * it; a bar's length is the number of figures, its hatched end the masked
 * ones; sums are written per unit, never across units, and never for a
 * ratio (a category flagged so in labels.txt: 85% + 90% is no figure). */
typedef struct {
    const char *category, *unit;
    const json_t *row[2];   /* [0] achieved, [1] target */
    json_int_t total;
} mgroup;

static int mgroup_order(const void *a, const void *b)
{
    const mgroup *x = a, *y = b;
    if (x->total != y->total)
        return x->total < y->total ? 1 : -1;
    int c = strcmp(x->category, y->category);
    return c ? c : strcmp(x->unit, y->unit);
}

static json_t *metric_chart(const json_t *rows, labels *lb, json_int_t *more)
{
    size_t n = json_array_size(rows), ng = 0;
    mgroup *g = calloc(n + 1, sizeof *g);
    *more = 0;
    if (!g || n == 0) {
        free(g);
        return json_null();
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *r = json_array_get(rows, i);
        const char *cat = str_or(json_object_get(r, "category"), "");
        const char *unit = str_or(json_object_get(r, "unit"), "");
        size_t j = 0;
        while (j < ng && (strcmp(g[j].category, cat) || strcmp(g[j].unit, unit)))
            j++;
        if (j == ng)
            g[ng++] = (mgroup){.category = cat, .unit = unit};
        g[j].row[json_is_true(json_object_get(r, "target"))] = r;
        g[j].total += json_integer_value(json_object_get(r, "count"));
    }
    qsort(g, ng, sizeof *g, mgroup_order);
    if (ng > MAX_METRIC_GROUPS) {
        *more = (json_int_t)(ng - MAX_METRIC_GROUPS);
        ng = MAX_METRIC_GROUPS;
    }
    json_int_t max = 0;
    for (size_t j = 0; j < ng; j++)
        for (int t = 0; t < 2; t++)
            if (g[j].row[t] && json_integer_value(json_object_get(g[j].row[t], "count")) > max)
                max = json_integer_value(json_object_get(g[j].row[t], "count"));
    enum { MBAR_H = 12, MBAR_GAP = 2, GROUP_GAP = 8 };
    json_t *groups = json_array();
    int y = CHART_PAD;
    for (size_t j = 0; j < ng; j++) {
        json_t *bars = json_array();
        json_t *cat_label = label_of(lb, "category", g[j].category);
        int ratio = json_is_true(json_object_get(lb->ratio, g[j].category));
        int y0 = y;
        for (int t = 0; t < 2; t++) {
            const json_t *r = g[j].row[t];
            if (!r)
                continue;
            json_int_t count = json_integer_value(json_object_get(r, "count"));
            json_int_t masked = json_integer_value(json_object_get(r, "masked"));
            double w = bar_width((double)count, (double)max);
            double wm = count > 0 ? round(w * (double)masked / (double)count * 10) / 10 : 0;
            json_t *sum = json_object_get(r, "sum");
            json_array_append_new(bars, json_pack("{s:s, s:s, s:s, s:O, s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:O, s:i, s:i, s:i, s:f, s:f, s:f, s:f, s:i, s:I}",
                "cls", t ? "target" : "achieved", "cls_short", t ? "t" : "a", "category", g[j].category,
                "category_label", cat_label, "unit", g[j].unit, "is_target", t, "ratio", ratio, "count", count, "masked", masked,
                "known", json_integer_value(json_object_get(r, "known")),
                "approx", json_integer_value(json_object_get(r, "approx")), "sum", sum ? sum : json_null(),
                "y", y, "h", MBAR_H, "x", LABEL_W, "w_known", w - wm, "x_masked", LABEL_W + w - wm, "w_masked", wm,
                "vx", LABEL_W + w + 6, "vy", y + MBAR_H - 2,
                "masked_pct", count > 0 ? (json_int_t)llround(100.0 * (double)masked / (double)count) : 0));
            y += MBAR_H + MBAR_GAP;
        }
        json_array_append_new(groups, json_pack("{s:s, s:o, s:s, s:b, s:b, s:o, s:i, s:i}", "category", g[j].category,
                                                "category_label", cat_label, "unit", g[j].unit, "ratio", ratio,
                                                "unnamed", !*g[j].category,
                                                "bars", bars, "label_x", LABEL_W - 6, "ty", (y0 + y) / 2 + 3));
        y += GROUP_GAP;
    }
    free(g);
    return json_pack("{s:o, s:i, s:i, s:i}", "groups", groups, "width", CHART_W, "height", y + CHART_PAD, "x0", LABEL_W);
}

static json_t *dup_list(const json_t *dups)
{
    json_t *out = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(dups, i, d) {
        const char *sha = str_or(json_object_get(d, "sha256"), "");
        json_t *paths = json_object_get(d, "paths");
        json_array_append_new(out, json_pack("{s:s, s:s%, s:o}", "sha256", sha, "short", sha, strlen(sha) < 12 ? strlen(sha) : 12,
                                             "paths", json_is_array(paths) ? json_incref(paths) : json_array()));
    }
    return out;
}

static json_t *counts_list(const json_t *obj, const char *kind, labels *lb)
{
    json_t *out = json_array();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
        json_array_append_new(out, json_pack("{s:s, s:o, s:O}", "code", k, "label", label_of(lb, kind, k), "count", v));
    return out;
}

static void generated_at(char *buf, size_t cap)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH"); /* reproducible pages */
    time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int render_failed(const renderer *r)
{
    return r->rd->failed;
}

/* Whether the files hold a line that is not blank: a report, or an error
 * the first stream will name. */
static int any_line(reader *rd)
{
    json_t *v = reader_next(rd);
    int any = v != NULL || rd->failed;
    json_decref(v);
    reader_rewind(rd);
    return any;
}

/* A write error on `to` is left for the caller's check of the output. */
static int copy_back(FILE *from, FILE *to)
{
    char chunk[65536];
    size_t n;
    rewind(from);
    while ((n = fread(chunk, 1, sizeof chunk, from)) > 0 && fwrite(chunk, 1, n, to) == n)
        ;
    return ferror(from) ? -1 : 0;
}

/* The template's streams, in order (not those inside a stream). */
static void find_streams(renderer *r, const tnode *n)
{
    for (; n; n = n->next)
        if (n->kind == T_SECTION && names_stream(n)) {
            if (r->nstreams < MAX_STREAMS)
                r->streams[r->nstreams++].node = n;
            else if (!r->rd->failed) {
                snprintf(r->rd->why, r->rd->cap, "the template shows the reports more than %d times", MAX_STREAMS);
                r->rd->failed = 1;
            }
        } else if (n->kind != T_TEXT && n->kind != T_SLOT) {
            find_streams(r, n->child);
        }
}

/* A report's part of the page rendered by a worker, before its place among
 * the reports (its index) is known: where the index would be written, a
 * hole, filled in by page_put_part in input order. */
typedef struct page_part {
    char *text[MAX_STREAMS];
    size_t len[MAX_STREAMS];
    int later;            /* a passing report: its row after the failing ones' */
    struct hole {
        size_t at;        /* in text[stream] */
        int stream;
        int anchor;       /* "r" and the index, else the index alone */
    } *hole;
    size_t nhole, holecap;
    json_t *anchor, *index;  /* what the models hold in the index's places */
    int stale, failed;
} page_part;

/* The index's places in a model: its anchor, its index, and its name when
 * the report has no path (report_head names it by its anchor then). */
static void place_holes(page_part *part, const json_t *rep, json_t *model)
{
    if (!model)
        return;
    const char *path = str_or(json_object_get(json_object_get(rep, "source"), "path"), "");
    json_object_set(model, "anchor", part->anchor);
    json_object_set(model, "index", part->index);
    if (!*path)
        json_object_set(model, "name", part->anchor);
}

static void part_models(page_part *part, const json_t *rep, json_t *row, json_t *section, int later)
{
    place_holes(part, rep, row);
    place_holes(part, rep, section);
    part->later = later;
}

/* A slot showing the index: noted as a hole instead of written.  0 for any
 * other value. */
static int put_hole(renderer *r, const json_t *v)
{
    page_part *p = r->part;
    if (v != p->anchor && v != p->index)
        return 0;
    if (p->nhole == p->holecap) {
        size_t cap = p->holecap ? 2 * p->holecap : 8;
        struct hole *h = realloc(p->hole, cap * sizeof *h);
        if (!h) {
            p->failed = 1;
            return 1;
        }
        p->hole = h;
        p->holecap = cap;
    }
    long at = ftell(r->out);
    p->failed |= at < 0;
    p->hole[p->nhole++] = (struct hole){(size_t)(at < 0 ? 0 : at), r->cur, v == p->anchor};
    return 1;
}

/* The template's streams and a temporary file for each (two for rows). */
static void open_streams(renderer *r)
{
    reader *rd = r->rd;
    find_streams(r, r->tree);
    for (int i = 0; i < r->nstreams && !rd->failed; i++) {
        stream *s = &r->streams[i];
        int is_rows = !strcmp(s->node->name, "rows");
        r->rows |= is_rows;
        r->sections |= !is_rows;
        if (!(s->first = tmpfile()) || (is_rows && !(s->later = tmpfile()))) {
            snprintf(rd->why, rd->cap, "temporary file: %s", strerror(errno));
            rd->failed = 1;
        }
    }
}

/* One report into every stream, with the top-level names around it. */
static void render_report(renderer *r, const json_t *rep, int index)
{
    labels *lb = r->rd->lb;
    json_t *row = r->rows ? row_model(rep, index, lb) : NULL;
    json_t *section = r->sections ? section_model(rep, index, lb) : NULL;
    int later = row && json_integer_value(json_object_get(row, "rank"));
    if (r->part)
        part_models(r->part, rep, row, section, later);
    FILE *out = r->out;
    int depth = r->depth;
    r->depth = 1;
    for (int i = 0; i < r->nstreams; i++) {
        stream *s = &r->streams[i];
        r->cur = i;
        r->out = s->later ? (later ? s->later : s->first) : s->first;
        render_in(r, s->later ? row : section, s->node->child);
    }
    r->out = out;
    r->depth = depth;
    json_decref(row);
    json_decref(section);
}

/* Renders every stream in one pass over the reports. */
static void prepare_streams(renderer *r)
{
    reader *rd = r->rd;
    open_streams(r);
    reader_rewind(rd);
    json_t *rep;
    while (!rd->failed && (rep = reader_next(rd))) {
        render_report(r, rep, rd->index);
        json_decref(rep);
    }
}

static void render_stream(renderer *r, const tnode *n)
{
    reader *rd = r->rd;
    if (!r->prepared) {
        r->prepared = 1;
        prepare_streams(r);
    }
    for (int i = 0; i < r->nstreams && !rd->failed; i++) {
        stream *s = &r->streams[i];
        if (s->node != n)
            continue;
        for (FILE *f = s->first; f; f = f == s->first ? s->later : NULL)
            if (ferror(f) || copy_back(f, r->out) != 0) {
                snprintf(rd->why, rd->cap, "temporary file: %s", strerror(errno ? errno : EIO));
                rd->failed = 1;
                break;
            }
        return;
    }
}

static void streams_close(renderer *r)
{
    for (int i = 0; i < r->nstreams; i++) {
        if (r->streams[i].first)
            fclose(r->streams[i].first);
        if (r->streams[i].later)
            fclose(r->streams[i].later);
        r->streams[i].first = r->streams[i].later = NULL;
    }
}

static char *read_whole(const char *path, char *why, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, cap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char chunk[65536];
    size_t r;
    while (m && (r = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, r, m);
    int bad = ferror(f);
    fclose(f);
    if (!m || fclose(m) != 0 || bad) {
        snprintf(why, cap, "%s: %s", path, bad ? "read error" : "out of memory");
        free(buf);
        return NULL;
    }
    return buf;
}

/* The summary text as a JSON object; NULL with "summary: …" in why. */
static json_t *summary_value(const char *summary_json, size_t summary_len, char *why, size_t cap)
{
    json_error_t je;
    json_t *sum = json_loadb(summary_json, summary_len, 0, &je);
    if (!sum || !json_is_object(sum) || !json_is_object(json_object_get(sum, "reports"))) {
        if (sum)
            snprintf(why, cap, "summary: not a huibao summary (no \"reports\" object)");
        else
            snprintf(why, cap, "summary: line %d: %s", je.line, je.text);
        json_decref(sum);
        return NULL;
    }
    return sum;
}

/* The page's own names: counts, lists and charts of the summary. */
static json_t *page_model(const json_t *sum, labels *lb)
{
    char when[32];
    generated_at(when, sizeof when);
    json_t *reps = json_object_get(sum, "reports");
    json_t *kinds = json_array();
    for (size_t k = 0; k < NKINDS; k++) {
        json_t *o = json_pack("{s:s}", "kind", KINDS[k]);
        set_kind_flags(o, KINDS[k]);
        json_array_append_new(kinds, o);
    }
    json_t *charts = json_pack("[o, o, o, o, o]",
        org_chart(json_object_get(sum, "by_organization")),
        list_chart("slogans", json_object_get(sum, "slogans"), "term", "reports", "count", 0, MAX_BARS),
        list_chart("documents", json_object_get(sum, "documents"), "title", "reports", "count", 0, MAX_BARS),
        object_chart("doc_types", json_object_get(sum, "by_doc_type"), "doc_type", lb),
        object_chart("profiles", json_object_get(sum, "by_profile"), "profile", lb));
    json_int_t metric_more;
    json_t *mchart = metric_chart(json_object_get(sum, "metrics"), lb, &metric_more);
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:I}",
        "version", HB_VERSION, "generated", when,
        "total", json_integer_value(json_object_get(reps, "total")),
        "passed", json_integer_value(json_object_get(reps, "passed")),
        "failed", json_integer_value(json_object_get(reps, "failed")),
        "unreadable_count", json_integer_value(json_object_get(reps, "unreadable")),
        "unreadable", coded_list(json_object_get(sum, "unreadable"), "error", lb),
        "duplicate_count", (json_int_t)json_array_size(json_object_get(sum, "duplicates")),
        "duplicates", dup_list(json_object_get(sum, "duplicates")),
        "warnings", counts_list(json_object_get(sum, "warnings"), "warning", lb),
        "kinds", kinds, "charts", charts,
        "metric_chart", mchart, "metric_more", metric_more);
}

/* The whole page through r (its streams rendered already, or rendered
 * when first met); 0, -1 with why, -2 when writing failed. */
static int render_page(FILE *out, const json_t *sum, labels *lb, renderer *r, char *why, size_t cap)
{
    json_t *model = page_model(sum, lb);
    if (!model) {
        snprintf(why, cap, "out of memory");
        return -1;
    }
    r->out = out;
    render_in(r, model, r->tree);
    streams_close(r);
    json_decref(model);
    if (r->rd->failed) {
        if (r->rd->why != why)
            snprintf(why, cap, "%s", r->rd->why);
        return -1;
    }
    if (fflush(out) != 0 || ferror(out)) {
        snprintf(why, cap, "write error: %s", strerror(errno ? errno : EIO));
        return -2;
    }
    return 0;
}

/* The template read and parsed (its text in *src, kept alive for the
 * tree); NULL with why. */
static tnode *template_load(const char *template_path, char **src, char *why, size_t cap)
{
    *src = read_whole(template_path, why, cap);
    tnode *tree = *src ? tmpl_parse(*src, template_path, why, cap) : NULL;
    if (!tree) {
        free(*src);
        *src = NULL;
    }
    return tree;
}

int page_write(FILE *out, const char *template_path, const char *dict_dir, const char *summary_json,
               size_t summary_len, char *const *reports_jsonl, int n, char *why, size_t cap)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(reports_jsonl[i], "-")) {
            snprintf(why, cap, "-: the reports are read twice; give a file, not standard input");
            return -1;
        }
    json_t *sum = summary_value(summary_json, summary_len, why, cap);
    if (!sum)
        return -1;
    labels lb;
    int lst = labels_read(&lb, dict_dir, why, cap);
    char *src = NULL;
    tnode *tree = lst ? NULL : template_load(template_path, &src, why, cap);
    if (!tree) {
        labels_free(&lb);
        json_decref(sum);
        return -1;
    }
    reader rd = {.files = reports_jsonl, .n = n, .why = why, .cap = cap, .lb = &lb};
    renderer r = {.rd = &rd, .any = any_line(&rd), .tree = tree->child};
    int status = render_page(out, sum, &lb, &r, why, cap);
    reader_rewind(&rd);
    free(rd.buf);
    tnode_free(tree);
    free(src);
    labels_free(&lb);
    json_decref(sum);
    return status;
}

/* --- the page fed one report at a time (batch) ------------------------ */

struct page_run {
    labels lb;
    char *src;
    tnode *tree;
    reader rd;          /* no files: its index, failure and reason */
    renderer r;
    json_t *top;        /* stands for the page's names until the summary is known */
    int ready;          /* the template and streams are there (workers read this, never usable) */
    int usable;         /* the streams hold every report so far */
    char why[1024];
};

page_run *page_begin(const char *template_path, const char *dict_dir)
{
    page_run *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->rd = (reader){.why = p->why, .cap = sizeof p->why, .lb = &p->lb};
    /* a fault here is left for page_from_summary to find and say again */
    int lst = labels_read(&p->lb, dict_dir, p->why, sizeof p->why);
    p->tree = lst ? NULL : template_load(template_path, &p->src, p->why, sizeof p->why);
    p->top = json_object();
    p->r = (renderer){.rd = &p->rd, .tree = p->tree ? p->tree->child : NULL, .prepared = 1, .early = 1};
    p->r.stack[0] = p->top;
    p->r.depth = 1;
    if (p->tree && p->top)
        open_streams(&p->r);
    p->ready = p->usable = p->tree && p->top && !p->rd.failed;
    return p;
}

void page_part_free(page_part *part)
{
    if (!part)
        return;
    for (int i = 0; i < MAX_STREAMS; i++)
        free(part->text[i]);
    free(part->hole);
    json_decref(part->anchor);
    json_decref(part->index);
    free(part);
}

page_part *page_render_part(page_run *p, const json_t *report)
{
    page_part *part = p && p->ready ? calloc(1, sizeof *part) : NULL;
    if (!part)
        return NULL;
    /* nonzero, as an index and its anchor are: what a condition on them sees */
    part->anchor = json_string("r1");
    part->index = json_integer(1);
    renderer r = p->r; /* the template and streams; its own files, in memory */
    r.part = part;
    r.any = 1;
    int bad = !part->anchor || !part->index;
    FILE *mem[MAX_STREAMS] = {0};
    for (int i = 0; i < r.nstreams && !bad; i++) {
        bad = !(mem[i] = open_memstream(&part->text[i], &part->len[i]));
        r.streams[i].first = mem[i];
        r.streams[i].later = p->r.streams[i].later ? mem[i] : NULL;
    }
    if (!bad)
        render_report(&r, report, 1);
    for (int i = 0; i < r.nstreams; i++)
        bad |= mem[i] && fclose(mem[i]) != 0;
    part->stale = r.stale;
    if (bad || part->failed) {
        page_part_free(part);
        return NULL;
    }
    return part;
}

/* A stream's text with its holes filled by the index. */
static void put_filled(FILE *to, const page_part *part, int k, int index)
{
    size_t from = 0;
    for (size_t h = 0; h < part->nhole; h++) {
        const struct hole *at = &part->hole[h];
        if (at->stream != k)
            continue;
        fwrite(part->text[k] + from, 1, at->at - from, to);
        fprintf(to, at->anchor ? "r%d" : "%d", index);
        from = at->at;
    }
    fwrite(part->text[k] + from, 1, part->len[k] - from, to);
}

void page_put_part(page_run *p, const page_part *part)
{
    if (!p || !p->usable)
        return;
    p->usable = part && !part->stale;
    int index = ++p->rd.index;
    for (int i = 0; p->usable && i < p->r.nstreams; i++) {
        stream *s = &p->r.streams[i];
        put_filled(s->later && part->later ? s->later : s->first, part, i, index);
    }
}

void page_run_free(page_run *p)
{
    if (!p)
        return;
    streams_close(&p->r);
    tnode_free(p->tree);
    free(p->src);
    labels_free(&p->lb);
    json_decref(p->top);
    free(p);
}

/* The page from streams rendered as the reports came. */
static int page_write_run(FILE *out, page_run *p, const char *summary_json, char *why, size_t cap)
{
    json_t *sum = summary_value(summary_json, strlen(summary_json), why, cap);
    if (!sum)
        return -1;
    p->r.early = 0;
    p->r.depth = 0;
    p->r.any = p->rd.index > 0;
    int status = render_page(out, sum, &p->lb, &p->r, why, cap);
    json_decref(sum);
    return status;
}

/* The summary of the reports in the files, computed as `huibao summary`
 * does; NULL with a reason naming the file and line. */
static char *summary_of(char *const *files, int n, char *why, size_t cap)
{
    hb_summary *s = hb_summary_new();
    char *line = NULL, *json = NULL;
    size_t lcap = 0;
    int ok = s != NULL;
    for (int i = 0; ok && i < n; i++) {
        FILE *f = fopen(files[i], "rb");
        if (!f) {
            snprintf(why, cap, "%s: %s", files[i], strerror(errno));
            ok = 0;
            break;
        }
        ssize_t len;
        for (long lineno = 1; ok && (len = getline(&line, &lcap, f)) >= 0; lineno++) {
            hb_error err;
            size_t k = (size_t)len;
            while (k && (line[k - 1] == '\n' || line[k - 1] == '\r' || line[k - 1] == ' '))
                k--;
            if (k && hb_summary_add_json(s, line, k, &err) != HB_OK) {
                snprintf(why, cap, "%s:%ld: %s", files[i], lineno, err.message);
                ok = 0;
            }
        }
        fclose(f);
    }
    char *lib = ok ? hb_summary_json(s, HB_SUMMARY_NO_FILES) : NULL;
    if (ok && !(lib && (json = strdup(lib))))
        snprintf(why, cap, "out of memory");
    hb_free(lib);
    free(line);
    hb_summary_free(s);
    return json;
}

int page_command(char *const *reports_jsonl, int n, const char *summary_path, const char *template_path,
                 const char *dict_dir, const char *output)
{
    char why[1024] = "";
    char *summary = summary_path ? read_whole(summary_path, why, sizeof why)
                                 : summary_of(reports_jsonl, n, why, sizeof why);
    if (!summary) {
        fprintf(stderr, "huibao: %s\n", why);
        return 1;
    }
    int rc = page_from_summary(reports_jsonl, n, summary, summary_path, template_path, dict_dir, output, NULL);
    free(summary);
    return rc;
}

int page_from_summary(char *const *reports_jsonl, int n, const char *summary, const char *summary_path,
                      const char *template_path, const char *dict_dir, const char *output, page_run *run)
{
    char why[1024] = "";
    out_file of;
    const char *dest = output ? output : "-";
    if (out_open(&of, dest, why, sizeof why) != 0) {
        fprintf(stderr, "huibao: %s: %s\n", dest, why);
        return 5;
    }
    int rc = run && run->usable ? page_write_run(of.fp, run, summary, why, sizeof why)
                                : page_write(of.fp, template_path, dict_dir, summary, strlen(summary), reports_jsonl, n,
                                             why, sizeof why);
    if (rc == -2 && !output && out_reader_gone()) {
        out_abort(&of);
        return 0; /* … | head */
    }
    if (rc != 0) {
        if (rc == -2)
            fprintf(stderr, "huibao: %s: %s\n", output ? output : "standard output", why);
        else if (!strncmp(why, "summary: ", 9))
            fprintf(stderr, "huibao: %s: %s\n", summary_path, why + 9);
        else
            fprintf(stderr, "huibao: %s\n", why);
        out_abort(&of);
        return rc == -2 ? 5 : 1;
    }
    if (out_commit(&of, why, sizeof why) != 0) {
        fprintf(stderr, "huibao: %s: %s\n", output ? output : "standard output", why);
        return 5;
    }
    return 0;
}
