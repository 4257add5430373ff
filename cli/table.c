/* Tables for people and tools: one row per input (reports table) or per
 * metric (metrics table), as CSV (RFC 4180), TSV or an XLSX workbook written
 * with libxlsxwriter (a sheet per table, header row frozen, numbers as
 * numbers).  Everything is read from report JSON, so a table made from the
 * texts and one made from reports.jsonl are the same: reports in input
 * order, then the inputs that could not be read. */
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "cli.h"
#include "outfile.h"

/* libxlsxwriter (and the libcrypto and zlib under it) is opened by its
 * soname (HB_XLSXWRITER_SONAME, from the build) only when a workbook is
 * written: every other command starts without linking it. */
static struct {
    __typeof__(workbook_new_opt) *new_opt;
    __typeof__(workbook_add_format) *add_format;
    __typeof__(format_set_bold) *set_bold;
    __typeof__(workbook_add_worksheet) *add_worksheet;
    __typeof__(worksheet_freeze_panes) *freeze_panes;
    __typeof__(worksheet_write_string) *write_string;
    __typeof__(worksheet_write_number) *write_number;
    __typeof__(worksheet_write_boolean) *write_boolean;
    __typeof__(workbook_close) *close;
    __typeof__(lxw_strerror) *error_text;
} xl;

static int xlsx_lib(void)
{
    static int loaded = -1;
    if (loaded >= 0)
        return loaded;
    void *h = dlopen(HB_XLSXWRITER_SONAME, RTLD_NOW | RTLD_LOCAL);
#define SYM(f, name) (f = (__typeof__(f))dlsym(h, name))
    loaded = h && SYM(xl.new_opt, "workbook_new_opt") &&
           SYM(xl.add_format, "workbook_add_format") &&
           SYM(xl.set_bold, "format_set_bold") &&
           SYM(xl.add_worksheet, "workbook_add_worksheet") &&
           SYM(xl.freeze_panes, "worksheet_freeze_panes") &&
           SYM(xl.write_string, "worksheet_write_string") &&
           SYM(xl.write_number, "worksheet_write_number") &&
           SYM(xl.write_boolean, "worksheet_write_boolean") &&
           SYM(xl.close, "workbook_close") &&
           SYM(xl.error_text, "lxw_strerror");
#undef SYM
    return loaded;
}

int table_format_of(const char *name)
{
    return !strcmp(name, "csv") ? TABLE_CSV : !strcmp(name, "tsv") ? TABLE_TSV : !strcmp(name, "xlsx") ? TABLE_XLSX : -1;
}

/* --- cells and sinks --------------------------------------------------- */

typedef enum { CELL_EMPTY, CELL_STR, CELL_NUM, CELL_BOOL } cell_type;
typedef struct {
    cell_type type;
    const char *s;
    double x;
} cell;

static cell str_cell(const char *s)
{
    return s ? (cell){CELL_STR, s, 0} : (cell){CELL_EMPTY, NULL, 0};
}

static cell num_cell(double x)
{
    return (cell){CELL_NUM, NULL, x};
}

/* A JSON value as a cell: strings, numbers, booleans; null is empty. */
static cell json_cell(const json_t *v)
{
    if (json_is_string(v))
        return str_cell(json_string_value(v));
    if (json_is_number(v))
        return num_cell(json_number_value(v));
    if (json_is_boolean(v))
        return (cell){CELL_BOOL, NULL, json_is_true(v)};
    return (cell){CELL_EMPTY, NULL, 0};
}

typedef struct {
    table_format fmt;
    int kind;                /* 0 the reports table, 1 the metrics table, 2 both */
    const char *file;        /* "-": standard output */
    const char *path;        /* the file's name in messages */
    out_file of;
    int opened;
    char scratch[32];        /* an XLSX for a stream is written here first */
    FILE *out;               /* csv, tsv */
    lxw_workbook *wb;        /* xlsx */
    lxw_worksheet *ws[2];
    lxw_format *bold;
    lxw_row_t row[2];
    int failed;
} sink;

/* An integral value as an integer ("%.0f": -0 too), any other in its
 * shortest exact form.  Most cells are counts: their digits are made here
 * rather than by printf's arithmetic on doubles. */
static void number_text(double x, char *buf, size_t cap)
{
    if (x != floor(x) || fabs(x) >= 9007199254740992.0) {
        hb_json_shortest(x, buf, cap);
        return;
    }
    char digits[24], *d = digits + sizeof digits;
    unsigned long long v = (unsigned long long)fabs(x);
    *--d = '\0';
    do
        *--d = (char)('0' + v % 10);
    while (v /= 10);
    if (signbit(x))
        *--d = '-';
    size_t n = (size_t)(digits + sizeof digits - d);
    memcpy(buf, d, n <= cap ? n : 0);
}

static void csv_field(FILE *f, const char *s, table_format fmt)
{
    if (fmt == TABLE_TSV) { /* TSV cannot quote: tabs and line breaks become spaces */
        for (; *s; s++)
            putc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
        return;
    }
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

/* XLSX cells hold at most 32,767 characters: a longer text is cut at a
 * character boundary rather than refused. */
static const char *xlsx_text(const char *s, char *buf, size_t cap)
{
    size_t n = strlen(s);
    if (n < cap)
        return s;
    n = cap - 1;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* A row as CSV or TSV text. */
static void text_row(FILE *out, table_format fmt, const cell *c, int n)
{
    for (int i = 0; i < n; i++) {
        char num[40];
        if (i)
            putc(fmt == TABLE_TSV ? '\t' : ',', out);
        if (c[i].type == CELL_STR)
            csv_field(out, c[i].s, fmt);
        else if (c[i].type == CELL_NUM)
            number_text(c[i].x, num, sizeof num), fputs(num, out);
        else if (c[i].type == CELL_BOOL)
            fputs(c[i].x ? "true" : "false", out);
    }
    fputs(fmt == TABLE_CSV ? "\r\n" : "\n", out); /* RFC 4180 ends records with CRLF */
}

static void sink_row(sink *k, int sheet, const cell *c, int n, int header)
{
    if (k->fmt != TABLE_XLSX) {
        text_row(k->out, k->fmt, c, n);
        return;
    }
    lxw_worksheet *ws = k->ws[sheet];
    lxw_row_t r = k->row[sheet]++;
    static char cut[32767];
    for (int i = 0; i < n; i++) {
        lxw_error e = LXW_NO_ERROR;
        if (c[i].type == CELL_STR)
            e = xl.write_string(ws, r, (lxw_col_t)i, xlsx_text(c[i].s, cut, sizeof cut), header ? k->bold : NULL);
        else if (c[i].type == CELL_NUM)
            e = xl.write_number(ws, r, (lxw_col_t)i, c[i].x, NULL);
        else if (c[i].type == CELL_BOOL)
            e = xl.write_boolean(ws, r, (lxw_col_t)i, (int)c[i].x, NULL);
        k->failed |= e != LXW_NO_ERROR;
    }
}

/* --- the two tables ---------------------------------------------------- */

static const char *const REPORT_HEAD[] = {"path", "status", "error", "organization", "title", "period",
                                          "period_from", "period_to", "doc_type", "profile", "missing",
                                          "inline_only", "warnings", "metrics", "targets"};
enum { NREPORT_HEAD = sizeof REPORT_HEAD / sizeof *REPORT_HEAD };

static const char *const METRIC_HEAD[] = {"path", "organization", "title", "period", "doc_type", "section",
                                          "section_kind", "target", "category", "subject", "value", "value_max",
                                          "unit", "normalized_value", "normalized_unit", "masked", "approx",
                                          "line", "text"};
enum { NMETRIC_HEAD = sizeof METRIC_HEAD / sizeof *METRIC_HEAD };

typedef struct {
    sink *sinks;
    int nsinks;
    int reports, metrics; /* whether some sink takes that table */
    json_t *columns;      /* "category\tunit" → its place among the sorted keys
                             (achieved figures by normalized unit) */
    const char **colname; /* the keys, sorted once every report is read */
    size_t ncol;
    FILE *parked;         /* report rows waiting for the columns to be known */
    int errors_pass;      /* rows of unreadable inputs come after every report's */
    int write_failed;     /* the output, not an input, failed */
    const char *const *names;  /* of the inputs, for messages */
    char *why;
    size_t cap;
} table_ctx;

/* table_run, the incremental form (cli.h), is the same context */
struct table_run {
    table_ctx t;
};

/* A metric's column key: its category and normalized unit, so that a sum
 * never adds 万元 to 人. */
static int column_key(const json_t *m, char *buf, size_t cap)
{
    const char *cat = json_string_value(json_object_get(m, "category"));
    const char *unit = json_string_value(json_object_get(json_object_get(m, "normalized"), "unit"));
    return snprintf(buf, cap, "%s\t%s", cat ? cat : "other", unit ? unit : "") < (int)cap;
}

static int is_report(const json_t *v)
{
    return json_object_get(v, "schema_version") != NULL;
}

static int is_error(const json_t *v)
{
    return json_is_string(json_object_get(v, "code")) && json_object_get(v, "path");
}

static json_t *parse_row(table_ctx *t, const char *text, size_t len, long line)
{
    json_error_t jerr;
    json_t *v = json_loadb(text, len, 0, &jerr);
    if (!v || !json_is_object(v) || (!is_report(v) && !is_error(v))) {
        snprintf(t->why, t->cap, "line %ld: %s", line, v ? "neither a report nor an error record" : jerr.text);
        json_decref(v);
        return NULL;
    }
    return v;
}

static char *joined(const json_t *arr)
{
    size_t n = 1, i;
    json_t *v;
    json_array_foreach(arr, i, v) n += strlen(json_string_value(v) ? json_string_value(v) : "") + 1;
    char *s = calloc(n, 1);
    json_array_foreach(arr, i, v) {
        if (s && i)
            strcat(s, ";");
        if (s && json_string_value(v))
            strcat(s, json_string_value(v));
    }
    return s;
}

/* A row of table 0 (reports) or 1 (metrics) to every sink that takes it. */
static void emit(table_ctx *t, int table, const cell *c, int n, int header)
{
    for (int i = 0; i < t->nsinks; i++) {
        sink *k = &t->sinks[i];
        if (k->kind == 2 || k->kind == table)
            sink_row(k, k->kind == 2 ? table : 0, c, n, header);
    }
}

/* A parked row: its fixed cells, then (column key, count, sum) for each
 * column the report has figures in. */
static void park_cell(FILE *f, const cell *c)
{
    putc(c->type, f);
    if (c->type == CELL_STR) {
        uint32_t n = (uint32_t)strlen(c->s);
        fwrite(&n, sizeof n, 1, f);
        fwrite(c->s, 1, n, f);
    } else if (c->type != CELL_EMPTY) {
        fwrite(&c->x, sizeof c->x, 1, f);
    }
}

/* An error record's row, all metric columns empty: written at once in the
 * errors pass, when every column is known. */
static int error_row(table_ctx *t, const json_t *v)
{
    cell *all = calloc(NREPORT_HEAD + 2 * t->ncol, sizeof *all);
    if (!all)
        return -1;
    all[0] = json_cell(json_object_get(v, "path"));
    all[1] = str_cell("unreadable");
    all[2] = json_cell(json_object_get(v, "message"));
    emit(t, 0, all, (int)(NREPORT_HEAD + 2 * t->ncol), 0);
    free(all);
    return 0;
}

/* A report's figures summed by column, in the order the columns appear. */
typedef struct {
    struct column_sum {
        char *key;
        long count;
        double sum;
    } *v;
    size_t n, cap;
} column_sums;

static struct column_sum *column_sum_of(column_sums *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].key, key))
            return &s->v[i];
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        struct column_sum *nv = realloc(s->v, cap * sizeof *nv);
        if (!nv)
            return NULL;
        s->v = nv;
        s->cap = cap;
    }
    if (!(s->v[s->n].key = strdup(key)))
        return NULL;
    s->v[s->n] = (struct column_sum){s->v[s->n].key, 0, 0};
    return &s->v[s->n++];
}

/* A report's row parked to `row`; its metric columns start at *cols_at:
 * the columns are known only once every report is. */
static int report_row(const json_t *v, FILE *row, long *cols_at)
{
    cell c[NREPORT_HEAD];
    const json_t *src = json_object_get(v, "source"), *req = json_object_get(v, "required");
    const json_t *period = json_object_get(v, "period");
    for (size_t i = 0; i < NREPORT_HEAD; i++)
        c[i] = (cell){CELL_EMPTY, NULL, 0};
    int passed = json_array_size(json_object_get(req, "missing")) == 0;
    char *missing = joined(json_object_get(req, "missing")), *inl = joined(json_object_get(req, "inline_only"));
    c[0] = json_cell(json_object_get(src, "path"));
    c[1] = str_cell(passed ? "passed" : "failed");
    c[3] = json_cell(json_object_get(v, "organization"));
    c[4] = json_cell(json_object_get(v, "title"));
    c[5] = json_cell(json_object_get(period, "text"));
    c[6] = json_cell(json_object_get(period, "from"));
    c[7] = json_cell(json_object_get(period, "to"));
    c[8] = json_cell(json_object_get(v, "doc_type"));
    c[9] = json_cell(json_object_get(req, "profile"));
    c[10] = str_cell(missing);
    c[11] = str_cell(inl);
    c[12] = num_cell((double)json_array_size(json_object_get(v, "warnings")));
    long metrics = 0, targets = 0;
    size_t i;
    json_t *m;
    char key[512];
    int rc = missing && inl ? 0 : -1;
    column_sums sums = {0};
    json_array_foreach(json_object_get(v, "metrics"), i, m) {
        metrics++;
        if (json_is_true(json_object_get(m, "target"))) {
            targets++;
            continue;
        }
        if (!column_key(m, key, sizeof key))
            continue;
        struct column_sum *col = column_sum_of(&sums, key);
        if (!col) {
            rc = -1;
            break;
        }
        col->count++;
        json_t *x = json_object_get(json_object_get(m, "normalized"), "value");
        if (json_is_number(x))
            col->sum += json_number_value(x);
    }
    c[13] = num_cell((double)metrics);
    c[14] = num_cell((double)targets);
    for (size_t j = 0; j < NREPORT_HEAD; j++)
        park_cell(row, &c[j]);
    *cols_at = ftell(row);
    uint32_t n = (uint32_t)sums.n;
    fwrite(&n, sizeof n, 1, row);
    for (size_t j = 0; j < sums.n; j++) {
        uint32_t len = (uint32_t)strlen(sums.v[j].key);
        fwrite(&len, sizeof len, 1, row);
        fwrite(sums.v[j].key, 1, len, row);
        fwrite(&sums.v[j].count, sizeof sums.v[j].count, 1, row);
        fwrite(&sums.v[j].sum, sizeof sums.v[j].sum, 1, row);
        free(sums.v[j].key);
    }
    free(sums.v);
    free(missing);
    free(inl);
    return rc;
}

/* One parked cell; a text goes to text[*used…], its offset in *off (the
 * buffer may move until the row is complete). */
static int unpark_cell(FILE *f, cell *c, char **text, size_t *cap, size_t *used, size_t *off)
{
    int type = getc(f);
    uint32_t n;
    *c = (cell){(cell_type)type, NULL, 0};
    if (type == CELL_STR) {
        if (fread(&n, sizeof n, 1, f) != 1)
            return -1;
        if (*used + n + 1 > *cap) {
            char *nt = realloc(*text, 2 * (*used + n + 1));
            if (!nt)
                return -1;
            *text = nt;
            *cap = 2 * (*used + n + 1);
        }
        if (fread(*text + *used, 1, n, f) != n)
            return -1;
        (*text)[*used + n] = '\0';
        *off = *used;
        *used += n + 1;
        return 0;
    }
    if (type == CELL_NUM || type == CELL_BOOL)
        return fread(&c->x, sizeof c->x, 1, f) == 1 ? 0 : -1;
    return type == CELL_EMPTY ? 0 : -1;
}

/* `n` parked cells (n <= NREPORT_HEAD + NMETRIC_HEAD), their texts in *text. */
static int unpark_cells(FILE *f, cell *c, size_t n, char **text, size_t *cap)
{
    size_t off[NREPORT_HEAD + NMETRIC_HEAD], used = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = unpark_cell(f, &c[i], text, cap, &used, &off[i]);
    for (size_t i = 0; i < n && rc == 0; i++)
        if (c[i].type == CELL_STR)
            c[i].s = *text + off[i];
    return rc;
}

/* A parked column: its key's place among the sorted keys, its count, sum. */
static int unpark_column(FILE *f, const table_ctx *t, size_t *place, long *count, double *sum)
{
    uint32_t len;
    char key[512];
    if (fread(&len, sizeof len, 1, f) != 1 || len >= sizeof key || fread(key, 1, len, f) != len ||
        fread(count, sizeof *count, 1, f) != 1 || fread(sum, sizeof *sum, 1, f) != 1)
        return -1;
    key[len] = '\0';
    json_t *at = json_object_get(t->columns, key);
    *place = at ? (size_t)json_integer_value(at) : SIZE_MAX;
    return *place < t->ncol ? 0 : -1;
}

/* The parked rows, each with every metric column, in input order. */
static int unpark_rows(table_ctx *t)
{
    FILE *f = t->parked;
    cell *c = calloc(NREPORT_HEAD + 2 * t->ncol, sizeof *c);
    char *text = NULL;
    size_t cap = 0;
    int rc = c && fflush(f) == 0 && !ferror(f) ? 0 : -1, next;
    rewind(f);
    while (rc == 0 && (next = getc(f)) != EOF) {
        ungetc(next, f);
        rc = unpark_cells(f, c, NREPORT_HEAD, &text, &cap);
        for (size_t k = 0; k < 2 * t->ncol; k++)
            c[NREPORT_HEAD + k] = num_cell(0);
        uint32_t n = 0;
        rc = rc == 0 && fread(&n, sizeof n, 1, f) == 1 ? 0 : -1;
        for (uint32_t j = 0; j < n && rc == 0; j++) {
            size_t at;
            long count;
            double sum;
            if ((rc = unpark_column(f, t, &at, &count, &sum)) == 0) {
                c[NREPORT_HEAD + 2 * at] = num_cell((double)count);
                c[NREPORT_HEAD + 2 * at + 1] = num_cell(sum);
            }
        }
        if (rc == 0)
            emit(t, 0, c, (int)(NREPORT_HEAD + 2 * t->ncol), 0);
    }
    if (rc != 0)
        snprintf(t->why, t->cap, "temporary file: %s", strerror(errno ? errno : EIO));
    free(text);
    free(c);
    return rc;
}

/* A report's rows made on any thread (table_render_part): for each sink its
 * metric rows (text, or cells parked for libxlsxwriter, which writes on the
 * one thread that puts the parts), and its reports-table row parked. */
struct table_part {
    char *row;           /* report_row's */
    size_t row_len, cols_at;
    int nout, failed;
    struct part_out {
        char *s;
        size_t n;
        FILE *f;         /* writing to s while the part is made */
    } out[];             /* by sink */
};

/* A report's metric rows, to each sink's stream in `out` (none: the sink
 * does not take them): CSV or TSV text, or for a workbook the cells parked. */
static void metric_rows(const table_ctx *t, const json_t *v, const struct part_out *out)
{
    const json_t *period = json_object_get(v, "period");
    const cell report[] = { /* the same in each of the report's rows */
        json_cell(json_object_get(json_object_get(v, "source"), "path")),
        json_cell(json_object_get(v, "organization")),
        json_cell(json_object_get(v, "title")),
        json_cell(json_object_get(period, "text")),
        json_cell(json_object_get(v, "doc_type")),
    };
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(v, "metrics"), i, m) {
        const json_t *norm = json_object_get(m, "normalized");
        cell c[NMETRIC_HEAD] = {
            report[0], report[1], report[2], report[3], report[4],
            json_cell(json_object_get(m, "section")),
            json_cell(json_object_get(m, "section_kind")),
            json_cell(json_object_get(m, "target")),
            json_cell(json_object_get(m, "category")),
            json_cell(json_object_get(m, "subject")),
            json_cell(json_object_get(m, "value")),
            json_cell(json_object_get(m, "value_max")),
            json_cell(json_object_get(m, "unit")),
            json_cell(json_object_get(norm, "value")),
            json_cell(json_object_get(norm, "unit")),
            json_cell(json_object_get(m, "masked")),
            json_cell(json_object_get(m, "approx")),
            json_cell(json_object_get(m, "line")),
            json_cell(json_object_get(m, "text")),
        };
        for (int k = 0; k < t->nsinks; k++) {
            if (!out[k].f)
                continue;
            if (t->sinks[k].fmt != TABLE_XLSX)
                text_row(out[k].f, t->sinks[k].fmt, c, NMETRIC_HEAD);
            else
                for (size_t j = 0; j < NMETRIC_HEAD; j++)
                    park_cell(out[k].f, &c[j]);
        }
    }
}

void table_part_free(table_part *p)
{
    if (!p)
        return;
    free(p->row);
    for (int k = 0; k < p->nout; k++)
        free(p->out[k].s);
    free(p);
}

static table_part *render_part(const table_ctx *t, const json_t *report)
{
    table_part *p = calloc(1, sizeof *p + (size_t)t->nsinks * sizeof *p->out);
    if (!p || is_error(report)) /* an error's row comes in the errors pass */
        return p;
    p->nout = t->nsinks;
    FILE *row = NULL;
    for (int k = 0; k < t->nsinks; k++)
        if (t->sinks[k].kind != 0)
            p->failed |= !(p->out[k].f = open_memstream(&p->out[k].s, &p->out[k].n));
    if (!p->failed && t->reports) {
        long cols_at = -1;
        row = open_memstream(&p->row, &p->row_len);
        p->failed = !row || report_row(report, row, &cols_at) != 0 || cols_at < 0;
        p->cols_at = (size_t)cols_at;
    }
    if (!p->failed && t->metrics)
        metric_rows(t, report, p->out);
    for (int k = 0; k < t->nsinks; k++) {
        p->failed |= p->out[k].f && fclose(p->out[k].f) != 0;
        p->out[k].f = NULL;
    }
    p->failed |= row && fclose(row) != 0;
    return p;
}

/* A workbook's metric rows, parked by metric_rows. */
static int put_parked(sink *k, const struct part_out *out)
{
    FILE *f = out->n ? fmemopen(out->s, out->n, "rb") : NULL;
    cell c[NMETRIC_HEAD];
    char *text = NULL;
    size_t cap = 0;
    int rc = out->n && !f ? -1 : 0, next;
    while (f && rc == 0 && (next = getc(f)) != EOF) {
        ungetc(next, f);
        if ((rc = unpark_cells(f, c, NMETRIC_HEAD, &text, &cap)) == 0)
            sink_row(k, k->kind == 2 ? 1 : 0, c, NMETRIC_HEAD, 0);
    }
    if (f)
        fclose(f);
    free(text);
    return rc;
}

/* Its metric columns known, its row parked, its metric rows written. */
static int put_part(table_ctx *t, const table_part *p)
{
    int rc = p && !p->failed ? 0 : -1;
    if (rc == 0 && p->row) {
        /* the row's columns as report_row parked them: n, then (key length,
           key, count, sum) each */
        const char *at = p->row + p->cols_at;
        uint32_t n, len;
        memcpy(&n, at, sizeof n);
        at += sizeof n;
        for (uint32_t j = 0; rc == 0 && j < n; j++) {
            memcpy(&len, at, sizeof len);
            at += sizeof len;
            if (!json_object_getn(t->columns, at, len)) {
                rc = json_object_setn_new(t->columns, at, len, json_integer(0));
                t->ncol += rc == 0;
            }
            at += len + sizeof(long) + sizeof(double);
        }
        if (rc == 0)
            fwrite(p->row, 1, p->row_len, t->parked);
    }
    for (int k = 0; rc == 0 && k < p->nout; k++) {
        sink *s = &t->sinks[k];
        if (s->fmt == TABLE_XLSX)
            rc = put_parked(s, &p->out[k]);
        else if (p->out[k].n) /* a report without metric rows has no text at all */
            fwrite(p->out[k].s, 1, p->out[k].n, s->out);
    }
    return rc;
}

/* Whether a write failed, in which case why says where. */
static int sinks_failed(table_ctx *t)
{
    for (int i = 0; i < t->nsinks && !t->write_failed; i++) {
        sink *k = &t->sinks[i];
        if (k->failed || (k->out && ferror(k->out))) {
            snprintf(t->why, t->cap, "%s: write error", k->path);
            t->write_failed = 1;
        }
    }
    return t->write_failed;
}

/* After a report's rows: 0, or -1 with why set when memory, the temporary
 * file or an output failed. */
static int added(table_ctx *t, int rc)
{
    if (rc != 0 && !t->write_failed) {
        snprintf(t->why, t->cap, "out of memory");
        t->write_failed = 1;
    }
    if (t->parked && ferror(t->parked) && !t->write_failed) {
        snprintf(t->why, t->cap, "temporary file: %s", strerror(errno ? errno : EIO));
        t->write_failed = 1;
    }
    return sinks_failed(t) ? -1 : 0;
}

/* One report or error record, in the pass that takes it. */
static int add_value(table_ctx *t, const json_t *v)
{
    int rc = 0;
    if (!t->errors_pass) {
        table_part *p = render_part(t, v);
        rc = put_part(t, p);
        table_part_free(p);
    } else if (t->reports && is_error(v)) {
        rc = error_row(t, v);
    }
    return added(t, rc);
}

static int write_rows(void *ctx, const char *text, size_t len, long line)
{
    table_ctx *t = ctx;
    static const char REPORT_START[] = "{\"schema_version\"";
    if (t->errors_pass && !strncmp(text, REPORT_START, sizeof REPORT_START - 1))
        return 0; /* a report as hb_report_json writes it: not parsed again for nothing */
    json_t *v = parse_row(t, text, len, line);
    if (!v)
        return -1;
    int rc = add_value(t, v);
    json_decref(v);
    return rc;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The reports table's head: its fixed columns, then a count and a sum for
 * each metric column in sorted order. */
static int reports_head(table_ctx *t)
{
    t->colname = calloc(t->ncol + 1, sizeof *t->colname);
    cell *c = calloc(NREPORT_HEAD + 2 * t->ncol, sizeof *c);
    char **names = calloc(2 * t->ncol + 1, sizeof *names);
    if (!t->colname || !c || !names) {
        free(c);
        free(names);
        snprintf(t->why, t->cap, "out of memory");
        return -1;
    }
    size_t i = 0;
    const char *key;
    json_t *v;
    json_object_foreach(t->columns, key, v) t->colname[i++] = key;
    qsort(t->colname, t->ncol, sizeof *t->colname, by_str);
    for (i = 0; i < t->ncol; i++) /* what a parked row's keys stand for */
        json_integer_set(json_object_get(t->columns, t->colname[i]), (json_int_t)i);
    for (i = 0; i < NREPORT_HEAD; i++)
        c[i] = str_cell(REPORT_HEAD[i]);
    for (size_t k = 0; k < t->ncol; k++) {
        const char *name = t->colname[k], *tab = strchr(name, '\t');
        if (asprintf(&names[2 * k], "%.*s %s count", (int)(tab - name), name, tab + 1) < 0)
            names[2 * k] = NULL;
        if (asprintf(&names[2 * k + 1], "%.*s %s sum", (int)(tab - name), name, tab + 1) < 0)
            names[2 * k + 1] = NULL;
        c[NREPORT_HEAD + 2 * k] = str_cell(names[2 * k] ? names[2 * k] : "");
        c[NREPORT_HEAD + 2 * k + 1] = str_cell(names[2 * k + 1] ? names[2 * k + 1] : "");
    }
    emit(t, 0, c, (int)(NREPORT_HEAD + 2 * t->ncol), 1);
    for (size_t k = 0; k < 2 * t->ncol; k++)
        free(names[k]);
    free(names);
    free(c);
    return 0;
}

static void metrics_head(table_ctx *t)
{
    cell c[NMETRIC_HEAD];
    for (size_t i = 0; i < NMETRIC_HEAD; i++)
        c[i] = str_cell(METRIC_HEAD[i]);
    emit(t, 1, c, NMETRIC_HEAD, 1);
}

/* Returns 0, or 1 with "INPUT: line N: reason" in why. */
static int each_input(FILE *const *in, int n, json_value_fn fn, table_ctx *t)
{
    for (int i = 0; i < n; i++) {
        rewind(in[i]);
        if (json_values(in[i], fn, t, t->why, t->cap)) {
            if (t->write_failed)
                return -1;
            char *msg = strdup(t->why);
            snprintf(t->why, t->cap, "%s: %s", t->names[i], msg ? msg : "unreadable");
            free(msg);
            return 1;
        }
    }
    return 0;
}

static int xlsx_open(sink *k, const char *file, int kind)
{
    lxw_workbook_options wo = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    k->wb = xl.new_opt(file, &wo);
    if (!k->wb)
        return -1;
    k->bold = xl.add_format(k->wb);
    xl.set_bold(k->bold);
    const char *names[2] = {kind == 1 ? "metrics" : "reports", "metrics"};
    for (int s = 0; s < (kind == 2 ? 2 : 1); s++) {
        if (!(k->ws[s] = xl.add_worksheet(k->wb, names[s])))
            return -1;
        xl.freeze_panes(k->ws[s], 1, 0);
    }
    return 0;
}

/* Copies a finished file to an open stream (an XLSX for a pipe or stdout). */
static int copy_file(const char *path, FILE *to)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (fwrite(buf, 1, n, to) != n)
            break;
    int bad = ferror(f) || ferror(to);
    fclose(f);
    return bad ? -1 : 0;
}

/* Opens a sink's output; an XLSX goes to the output's own temporary file
 * when it has one (libxlsxwriter writes by file name), else to a scratch
 * file copied at the end. */
static int sink_open(sink *k, char *why, size_t cap)
{
    char whyo[512];
    if (out_open(&k->of, k->file, whyo, sizeof whyo) != 0) {
        snprintf(why, cap, "%s: %s", k->path, whyo);
        return -1;
    }
    k->opened = 1;
    if (k->fmt != TABLE_XLSX) {
        k->out = k->of.fp;
        return 0;
    }
    const char *file = k->of.tmp;
    if (!file) {
        snprintf(k->scratch, sizeof k->scratch, "/tmp/huibao-xlsx-XXXXXX");
        int fd = mkstemp(k->scratch);
        file = fd >= 0 ? (close(fd), k->scratch) : (k->scratch[0] = '\0', NULL);
    }
    if (!xlsx_lib())
        snprintf(why, cap, "%s: cannot write XLSX: %s does not open", k->path, HB_XLSXWRITER_SONAME);
    else if (!file || xlsx_open(k, file, k->kind) != 0)
        snprintf(why, cap, "%s: cannot create the workbook", k->path);
    else
        return 0;
    return -1;
}

/* Closes the workbook and copies a scratch one; returns rc, or -1 with why. */
static int sink_close(sink *k, int rc, char *why, size_t cap)
{
    if (k->wb) {
        lxw_error e = xl.close(k->wb);
        k->wb = NULL;
        if (rc == 0 && e != LXW_NO_ERROR) {
            snprintf(why, cap, "%s: workbook: %s", k->path, xl.error_text(e));
            rc = -1;
        }
        if (rc == 0 && k->scratch[0] && copy_file(k->scratch, k->of.fp) != 0) {
            snprintf(why, cap, "%s: write error: %s", k->path, strerror(errno ? errno : EIO));
            rc = -1;
        }
    }
    if (k->scratch[0])
        unlink(k->scratch);
    return rc;
}

/* Opens every output and writes the metrics table's head; NULL with why
 * when one cannot be opened (those opened are removed). */
table_run *table_begin(const table_out *outs, int nouts, int bom, char *why, size_t cap)
{
    table_run *run = calloc(1, sizeof *run);
    table_ctx *t = run ? &run->t : NULL;
    if (!t) {
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    *t = (table_ctx){.nsinks = nouts, .why = why, .cap = cap, .columns = json_object(),
                     .sinks = calloc((size_t)nouts, sizeof(sink))};
    int rc = t->columns && t->sinks ? 0 : (snprintf(why, cap, "out of memory"), -1);
    for (int i = 0; rc == 0 && i < nouts; i++) {
        t->sinks[i] = (sink){.fmt = outs[i].fmt, .kind = outs[i].kind,
                             .file = outs[i].path, .path = strcmp(outs[i].path, "-") ? outs[i].path : "standard output"};
        t->reports |= outs[i].kind != 1;
        t->metrics |= outs[i].kind != 0;
    }
    for (int i = 0; rc == 0 && i < nouts; i++) {
        rc = sink_open(&t->sinks[i], why, cap);
        if (rc == 0 && bom && t->sinks[i].fmt == TABLE_CSV)
            fputs("\xEF\xBB\xBF", t->sinks[i].out);
    }
    if (rc == 0 && t->reports && !(t->parked = tmpfile())) {
        snprintf(why, cap, "temporary file: %s", strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        table_end(run, rc, NULL, NULL, 0);
        return NULL;
    }
    /* one read: metric rows go out, report rows wait for their columns */
    if (t->metrics)
        metrics_head(t);
    return run;
}

table_part *table_render_part(const table_run *run, const json_t *report)
{
    return render_part(&run->t, report);
}

int table_put_part(table_run *run, const table_part *part)
{
    return added(&run->t, put_part(&run->t, part));
}

int table_end(table_run *run, int rc, FILE *const *inputs, const char *const *names, int ninputs)
{
    table_ctx *t = &run->t;
    t->names = names;
    if (rc == 0 && t->reports && (reports_head(t) != 0 || unpark_rows(t) != 0 || sinks_failed(t)))
        rc = -1;
    t->errors_pass = 1;
    if (rc == 0 && t->reports)
        rc = each_input(inputs, ninputs, write_rows, t);
    for (int i = 0; t->sinks && i < t->nsinks; i++)
        rc = sink_close(&t->sinks[i], rc, t->why, t->cap);
    for (int i = 0; t->sinks && i < t->nsinks; i++) {
        sink *k = &t->sinks[i];
        char whyc[512];
        if (rc == 0 && out_commit(&k->of, whyc, sizeof whyc) != 0) {
            snprintf(t->why, t->cap, "%s: %s", k->path, whyc);
            rc = -1;
        } else if (rc != 0 && k->opened)
            out_abort(&k->of);
        k->opened = 0;
    }
    if (t->parked)
        fclose(t->parked);
    free(t->sinks);
    free(t->colname);
    json_decref(t->columns);
    free(run);
    return rc == 1 ? 1 : rc ? -1 : 0;
}

int table_write(FILE *const *inputs, const char *const *names, int ninputs, const table_out *outs, int nouts,
                int bom, char *why, size_t cap)
{
    table_run *run = table_begin(outs, nouts, bom, why, cap);
    if (!run)
        return -1;
    run->t.names = names;
    int rc = each_input(inputs, ninputs, write_rows, &run->t);
    return table_end(run, rc, inputs, names, ninputs);
}

/* --- huibao table ------------------------------------------------------ */

static int is_jsonl(const char *path)
{
    size_t n = strlen(path);
    return !strcmp(path, "-") || (n > 6 && !strcmp(path + n - 6, ".jsonl")) || (n > 5 && !strcmp(path + n - 5, ".json"));
}

/* Standard input copied to a scratch file: the table reads its input twice. */
static FILE *spool_stdin(void)
{
    FILE *t = tmpfile();
    char buf[65536];
    size_t n;
    while (t && (n = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (fwrite(buf, 1, n, t) != n) {
            fclose(t);
            return NULL;
        }
    return t;
}

/* A report text extracted into JSON Lines: the report, or an error record. */
static int extract_into(FILE *to, const cli_opts *o, hb_engine *engine, const char *path)
{
    size_t max = o->max_bytes ? o->max_bytes : HB_DEFAULT_MAX_BYTES, len;
    char why[600] = "";
    char *buf = read_file(path, max, &len, why, sizeof why);
    hb_error err = {.code = HB_ERR_IO};
    hb_report *r = NULL;
    if (buf) {
        hb_extract_options xo = {.path = path, .encoding = o->encoding, .profile = o->profile, .max_bytes = o->max_bytes,
                                 .top_terms = o->top == 0 ? -1 : (int)o->top};
        r = hb_extract(engine, buf, len, &xo, &err);
        free(buf);
        snprintf(why, sizeof why, "%s", err.message);
    }
    char *line = NULL;
    if (r) {
        line = hb_report_json(r, 0);
        hb_report_free(r);
    } else {
        fprintf(stderr, "huibao: %s: %s\n", path, why);
        json_t *e = json_pack("{s:s,s:s,s:s}", "path", path, "code", hb_status_code(err.code), "message", why);
        line = e ? json_dumps(e, JSON_COMPACT) : NULL;
        json_decref(e);
    }
    int ok = line && fputs(line, to) >= 0 && putc('\n', to) != EOF;
    free(line);
    return ok ? (r ? 0 : 1) : -1;
}

int cmd_table(const cli_opts *o, hb_engine *engine)
{
    table_format fmt = o->format ? (table_format)table_format_of(o->format) : TABLE_CSV;
    if (fmt == TABLE_XLSX && !o->output && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "huibao: an XLSX workbook is binary: give -o FILE.xlsx or redirect stdout\n");
        return EXIT_USAGE;
    }
    FILE **in = calloc((size_t)o->nfiles + 1, sizeof *in);
    const char **names = calloc((size_t)o->nfiles + 1, sizeof *names);
    int n = 0, status = EXIT_OK;
    FILE *texts = NULL; /* consecutive report texts, extracted */
    for (int i = 0; in && names && i < o->nfiles && status != EXIT_OUTPUT; i++) {
        const char *p = o->files[i];
        if (is_jsonl(p)) {
            texts = NULL;
            FILE *f = strcmp(p, "-") ? fopen(p, "rb") : spool_stdin();
            if (!f) {
                fprintf(stderr, "huibao: %s: %s\n", p, strerror(errno));
                status = EXIT_INPUT;
                continue;
            }
            names[n] = p;
            in[n++] = f;
            continue;
        }
        if (!texts) {
            if (!(texts = in[n] = tmpfile())) {
                status = EXIT_OUTPUT;
                break;
            }
            names[n++] = "the reports extracted from the texts";
        }
        int rc = extract_into(texts, o, engine, p);
        if (rc < 0)
            status = EXIT_OUTPUT;
        else if (rc > 0)
            status = EXIT_INPUT;
    }
    char why[1024] = "";
    int rc = 0;
    if (!in || !names || status == EXIT_OUTPUT) {
        fprintf(stderr, "huibao: out of memory or scratch space\n");
        status = EXIT_OUTPUT;
    } else if ((rc = table_write(in, names, n, &(table_out){o->output ? o->output : "-", fmt, fmt == TABLE_XLSX ? 2 : o->metrics},
                                 1, o->bom, why, sizeof why)) > 0) {
        fprintf(stderr, "huibao: %s\n", why); /* an input that holds no report JSON */
        status = EXIT_INPUT;
    } else if (rc < 0 && !o->output && out_reader_gone()) {
        /* … | head: the reader has all it wanted */
    } else if (rc < 0) {
        fprintf(stderr, "huibao: %s\n", why);
        status = EXIT_OUTPUT;
    }
    for (int i = 0; i < n; i++)
        fclose(in[i]);
    free(in);
    free(names);
    return status;
}
