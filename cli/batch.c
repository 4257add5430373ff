/* huibao batch: many reports into one folder, on every core.
 *
 * Worker threads share the engine (immutable) and take inputs in order; the
 * main thread writes their results in that same order through a reorder
 * window of a few slots per thread, so memory stays bounded whatever the
 * number of inputs and however long one report takes.  Each result goes to
 * reports.jsonl.part or errors.jsonl.part in one write() call as soon as its
 * turn comes, so a killed run leaves whole lines that --resume reuses; the
 * final names appear only by rename when the run is complete. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"
#include "page.h"

/* --- inputs ------------------------------------------------------------ */

typedef struct {
    char **v;
    size_t n, cap;
} strvec;

static int push(strvec *s, const char *p)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        char **nv = realloc(s->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        s->v = nv;
        s->cap = cap;
    }
    if (!(s->v[s->n] = strdup(p)))
        return -1;
    s->n++;
    return 0;
}

static void strvec_free(strvec *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of a folder, recursively, in byte order of their names. */
static int walk(const char *dir, const char *pattern, strvec *out, int depth)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "huibao: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    strvec names = {0};
    struct dirent *e;
    int bad = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            bad |= push(&names, e->d_name) != 0;
    closedir(d);
    qsort(names.v, names.n, sizeof *names.v, by_name);
    for (size_t i = 0; i < names.n && !bad; i++) {
        char *p;
        if (asprintf(&p, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names.v[i]) < 0) {
            bad = 1;
            break;
        }
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (depth < 64) /* a link loop ends here */
                bad |= walk(p, pattern, out, depth + 1) < 0;
        } else if (fnmatch(pattern, names.v[i], 0) == 0) {
            bad |= push(out, p) != 0;
        }
        free(p);
    }
    strvec_free(&names);
    return bad ? -1 : 0;
}

static int add_input(const char *p, const cli_opts *o, strvec *out)
{
    struct stat st;
    if (strcmp(p, "-") && stat(p, &st) == 0 && S_ISDIR(st.st_mode))
        return walk(p, o->glob ? o->glob : "*.txt", out, 0) < 0 ? -1 : 0;
    return push(out, p); /* a missing file becomes an error record, not a stop */
}

static int read_list(const char *from, const cli_opts *o, strvec *out)
{
    FILE *f = strcmp(from, "-") ? fopen(from, "r") : stdin;
    if (!f) {
        fprintf(stderr, "huibao: %s: %s\n", from, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int bad = 0;
    while (!bad && (n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n > 0)
            bad = add_input(line, o, out) < 0;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return bad ? -1 : 0;
}

/* --- results kept from an earlier run (--resume) ------------------------ */

static int hash_files(FILE *acc, const char *dir)
{
    strvec files = {0};
    int bad = walk(dir, "*", &files, 0) != 0;
    for (size_t i = 0; i < files.n && !bad; i++) {
        char why[600], hex[65];
        size_t len;
        char *buf = read_file(files.v[i], (size_t)1 << 30, &len, why, sizeof why);
        if (buf) {
            hb_sha256_hex(buf, len, hex);
            fprintf(acc, "%s\t%s\n", files.v[i] + strlen(dir), hex);
        }
        bad = !buf;
        free(buf);
    }
    strvec_free(&files);
    return bad ? -1 : 0;
}

int rules_identity(const char *dict_dir, const char *const *overlays, size_t n, const char *lexicon,
                   cli_image image, char hex[65])
{
    char *text = NULL;
    size_t len = 0;
    FILE *acc = open_memstream(&text, &len);
    int bad = !acc || hash_files(acc, dict_dir) != 0;
    for (size_t i = 0; i < n && !bad; i++)
        bad = hash_files(acc, overlays[i]) != 0;
    char why[600], lex[65] = "";
    size_t llen;
    char *buf = bad || !lexicon ? NULL : read_file(lexicon, (size_t)1 << 30, &llen, why, sizeof why);
    if (buf) /* a lexicon that does not load leaves the engine on dict/ alone */
        hb_sha256_hex(buf, llen, lex);
    else if (!bad && image.size)
        hb_sha256_hex(image.data, image.size, lex);
    free(buf);
    if (acc)
        bad |= fprintf(acc, "lexicon\t%s\n", lex) < 0 || fclose(acc) != 0;
    if (!bad)
        hb_sha256_hex(text, len, hex);
    free(text);
    return bad ? -1 : 0;
}

/* What decides a report's JSON besides its text: results of a run that
 * differs in any of these are not reused. */
static json_t *results_identity(const cli_opts *o)
{
    return json_pack("{s:s,s:s,s:s?,s:s?,s:I,s:I,s:b}", "huibao", HB_VERSION, "rules", o->rules_id, "encoding",
                     o->encoding, "profile", o->profile, "top", (json_int_t)o->top, "max_bytes",
                     (json_int_t)o->max_bytes, "no_domain", o->no_domain);
}

/* Whether the run facts in `file` (run.json, or run.json.part of a killed
 * run) name the same results as this run; says why not on stderr. */
static int same_results(const char *file, const json_t *mine)
{
    json_t *facts = json_load_file(file, 0, NULL);
    int same = json_equal(json_object_get(facts, "results"), (json_t *)mine);
    if (!same)
        fprintf(stderr, "huibao: %s: %s; --resume extracts every input again\n", file,
                facts ? "the earlier results were made by another huibao, other rules or other options"
                      : "no record of how the earlier results were made");
    json_decref(facts);
    return same;
}

typedef struct {
    char *key;   /* sha256 '\n' path */
    off_t off;
    size_t len;
} kept_line;

typedef struct {
    kept_line *v;
    size_t n, cap;
    int fd;      /* the earlier reports file, read back with pread */
} kept_index;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const kept_line *)a)->key, ((const kept_line *)b)->key);
}

static char *kept_key(const char *sha, const char *path)
{
    char *k;
    return asprintf(&k, "%s\n%s", sha, path) < 0 ? NULL : k;
}

/* Indexes each whole line of an earlier reports file by sha256 and path;
 * a line cut short by a kill is left out. */
static int index_kept(kept_index *ix, const char *file)
{
    ix->fd = open(file, O_RDONLY | O_CLOEXEC);
    if (ix->fd < 0)
        return errno == ENOENT ? 0 : -1;
    FILE *f = fdopen(dup(ix->fd), "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    off_t off = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        json_t *j = line[n - 1] == '\n' ? json_loadb(line, (size_t)n, 0, NULL) : NULL;
        json_t *src = json_object_get(j, "source");
        const char *sha = json_string_value(json_object_get(src, "sha256"));
        const char *path = json_string_value(json_object_get(src, "path"));
        if (sha && path && ix->n == ix->cap) {
            size_t nc = ix->cap ? ix->cap * 2 : 1024;
            kept_line *nv = realloc(ix->v, nc * sizeof *nv);
            if (nv)
                ix->v = nv, ix->cap = nc;
        }
        if (sha && path && ix->n < ix->cap && (ix->v[ix->n].key = kept_key(sha, path))) {
            ix->v[ix->n].off = off;
            ix->v[ix->n].len = (size_t)n;
            ix->n++;
        }
        json_decref(j);
        off += n;
    }
    free(line);
    fclose(f);
    qsort(ix->v, ix->n, sizeof *ix->v, by_key);
    return 0;
}

static const kept_line *find_kept(const kept_index *ix, const char *sha, const char *path)
{
    if (!ix->n)
        return NULL;
    char *k = kept_key(sha, path);
    kept_line want = {.key = k};
    const kept_line *hit = k ? bsearch(&want, ix->v, ix->n, sizeof *ix->v, by_key) : NULL;
    free(k);
    return hit;
}

/* --- the run ----------------------------------------------------------- */

typedef struct {
    int done;
    char *report;      /* a report's JSON line, or NULL */
    size_t len;
    page_part *part;   /* its part of the page, rendered by the worker */
    table_part *rows;  /* its rows of the tables, likewise */
    char *error;       /* an error record's JSON line, or NULL */
    int reused;        /* the report is a line of the earlier run */
    int unread;        /* that line could not be read back */
    size_t bytes;
    int no_memory;     /* the report could not be summed or parsed */
} slot;

typedef struct {
    const cli_opts *o;
    hb_engine *engine;
    const kept_index *kept;
    pthread_mutex_t mu;
    pthread_cond_t can_take, can_write;
    strvec inputs;          /* paths, or with --jsonl-in the record files */
    size_t next_input;
    FILE *records;          /* --jsonl-in: the record file being read */
    long record_line;
    char *line;
    size_t line_cap;
    size_t next_seq, write_seq, window;
    slot *ring;
    int no_more, usage_error;
    hb_summary *sum;        /* each worker sums its reports apart and adds them here at its end */
    page_run *page;         /* each worker renders its reports' parts of the page */
    table_run *tables;      /* and their rows of the tables */
    int sum_failed;
} batch;

typedef struct {
    char *label;   /* the path shown in the results */
    char *buf;     /* the report bytes, or NULL with why set */
    size_t len;
    char why[600];
    hb_status code;
} job;

/* The next input, in input order; called with the lock held.  Returns 0
 * when there is none. */
static int next_job(batch *b, job *j)
{
    memset(j, 0, sizeof *j);
    if (!b->o->jsonl_in) {
        if (b->next_input >= b->inputs.n)
            return 0;
        j->label = strdup(b->inputs.v[b->next_input++]);
        return 1;
    }
    for (;;) {
        if (!b->records) {
            if (b->next_input >= b->inputs.n)
                return 0;
            const char *file = b->inputs.v[b->next_input++];
            b->records = strcmp(file, "-") ? fopen(file, "rb") : stdin;
            b->record_line = 0;
            if (!b->records) {
                j->label = strdup(file);
                snprintf(j->why, sizeof j->why, "%s", strerror(errno));
                j->code = HB_ERR_IO;
                return 1;
            }
        }
        ssize_t n = getline(&b->line, &b->line_cap, b->records);
        if (n < 0) {
            if (b->records != stdin)
                fclose(b->records);
            b->records = NULL;
            continue;
        }
        b->record_line++;
        if (n == 0 || (n == 1 && b->line[0] == '\n'))
            continue;
        char *path = NULL, *text = NULL;
        hb_error err;
        if (hb_record_parse(b->line, (size_t)n, &path, &text, &j->len, &err) != HB_OK) {
            if (asprintf(&j->label, "%s:%ld", b->inputs.v[b->next_input - 1], b->record_line) < 0)
                j->label = NULL;
            snprintf(j->why, sizeof j->why, "%s", err.message);
            j->code = HB_ERR_ARG;
            return 1;
        }
        if (path) {
            j->label = strdup(path);
        } else if (asprintf(&j->label, "%s:%ld", b->inputs.v[b->next_input - 1], b->record_line) < 0) {
            j->label = NULL;
        }
        hb_free(path);
        /* the text is copied so it is freed like a file's bytes */
        j->buf = malloc(j->len + 1);
        if (j->buf)
            memcpy(j->buf, text, j->len + 1);
        hb_free(text);
        return 1;
    }
}

/* An error record's JSON line; the error is also said on stderr. */
static char *error_line(const char *path, hb_status code, const char *message)
{
    fprintf(stderr, "huibao: %s: %s\n", path && *path ? path : "?", message);
    json_t *e = json_pack("{s:s,s:s,s:s}", "path", path ? path : "", "code", hb_status_code(code), "message", message);
    char *s = e ? json_dumps(e, JSON_COMPACT) : NULL, *line = NULL;
    json_decref(e);
    if (s && asprintf(&line, "%s\n", s) < 0)
        line = NULL;
    free(s);
    return line;
}

/* While a worker parses a report (and only then), jansson allocates from
 * a pool: the parsed report lives only until its rows and its part of the
 * page are made, and is then released whole, not freed node by node.
 * Nothing else on that thread allocates through jansson meanwhile, and
 * nothing of the report outlives the pool: the page's models release the
 * references they take before page_render_part returns, and the parts
 * hold bytes of their own. */
static _Thread_local hb_pool *parse_pool;

static void *parse_malloc(size_t n)
{
    return parse_pool ? hb_pool_alloc(parse_pool, n) : malloc(n);
}

/* what the parse frees of its own (the lexer's buffers) waits for the pool */
static void parse_free(void *p)
{
    if (!parse_pool)
        free(p);
}

/* A report's JSON line made into its part of the page and its rows of the
 * tables here, in parallel: the thread that writes only puts them in order. */
static void render_parts(const batch *b, slot *out)
{
    hb_pool *pool = hb_pool_new();
    parse_pool = pool;
    json_t *v = pool ? json_loadb(out->report, out->len, 0, NULL) : NULL;
    parse_pool = NULL;
    out->part = v ? page_render_part(b->page, v) : NULL;
    out->rows = v && b->tables ? table_render_part(b->tables, v) : NULL;
    out->no_memory |= !v; /* our own JSON: only memory can fail it */
    hb_pool_free(pool); /* v with it */
}

/* A line of the earlier run, read back here rather than by the writer. */
static void reuse_line(const batch *b, const kept_line *k, slot *out)
{
    out->reused = 1;
    out->report = malloc(k->len + 1);
    if (!out->report || pread(b->kept->fd, out->report, k->len, k->off) != (ssize_t)k->len) {
        free(out->report);
        out->report = NULL;
        out->unread = 1;
        return;
    }
    out->report[k->len] = '\0';
    out->len = k->len;
    render_parts(b, out);
}

static void run_job(batch *b, job *j, slot *out, hb_summary *sum)
{
    const cli_opts *o = b->o;
    size_t max = o->max_bytes ? o->max_bytes : HB_DEFAULT_MAX_BYTES;
    if (!j->label) {
        out->error = error_line("", HB_ERR_NOMEM, "out of memory");
        return;
    }
    if (!j->buf && !j->code) {
        j->buf = read_file(j->label, max, &j->len, j->why, sizeof j->why);
        if (!j->buf)
            j->code = HB_ERR_IO;
    }
    if (!j->buf) {
        out->error = error_line(j->label, j->code, j->why);
        return;
    }
    out->bytes = j->len;
    if (b->kept->n) {
        char sha[65];
        hb_sha256_hex(j->buf, j->len, sha);
        const kept_line *k = find_kept(b->kept, sha, j->label);
        if (k) {
            reuse_line(b, k, out);
            return;
        }
    }
    hb_error err;
    hb_extract_options xo = {.path = j->label, .encoding = o->encoding, .profile = o->profile,
                             .max_bytes = o->max_bytes, .top_terms = o->top == 0 ? -1 : (int)o->top};
    hb_report *r = hb_extract(b->engine, j->buf, j->len, &xo, &err);
    if (!r) {
        if (err.code == HB_ERR_ARG && (o->encoding || o->profile)) {
            /* a wrong --encoding or --profile would fail every input alike */
            pthread_mutex_lock(&b->mu);
            if (!b->usage_error)
                fprintf(stderr, "huibao: %s\n", err.message);
            b->usage_error = 1;
            pthread_mutex_unlock(&b->mu);
        }
        out->error = error_line(j->label, err.code, err.message);
        return;
    }
    /* summed here, in parallel, not by the one thread that writes */
    out->no_memory = hb_summary_add_report(sum, r) != HB_OK;
    char *json = hb_report_json(r, 0);
    hb_report_free(r);
    size_t n = json ? strlen(json) : 0;
    if (json && (out->report = realloc(json, n + 2))) {
        memcpy(out->report + n, "\n", 2);
        out->len = n + 1;
        render_parts(b, out);
    } else {
        hb_free(json);
        out->error = error_line(j->label, HB_ERR_NOMEM, "out of memory");
    }
}

static void *worker(void *arg)
{
    batch *b = arg;
    hb_summary *sum = hb_summary_new();
    for (;;) {
        job j;
        pthread_mutex_lock(&b->mu);
        while (!b->no_more && !b->usage_error && b->next_seq >= b->write_seq + b->window)
            pthread_cond_wait(&b->can_take, &b->mu);
        if (!sum || b->no_more || b->usage_error || !next_job(b, &j)) {
            if (!sum || hb_summary_merge(b->sum, sum) != HB_OK)
                b->sum_failed = 1;
            hb_summary_free(sum);
            b->no_more = 1;
            pthread_cond_broadcast(&b->can_write);
            pthread_cond_broadcast(&b->can_take);
            pthread_mutex_unlock(&b->mu);
            return NULL;
        }
        size_t seq = b->next_seq++;
        pthread_mutex_unlock(&b->mu);

        slot res = {0};
        run_job(b, &j, &res, sum);
        free(j.label);
        free(j.buf);
        res.done = 1;
        pthread_mutex_lock(&b->mu);
        b->ring[seq % b->window] = res;
        pthread_cond_broadcast(&b->can_write);
        pthread_mutex_unlock(&b->mu);
    }
}

static int available_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(size_t done, size_t total, size_t failed, size_t bytes, double t0, int final)
{
    double dt = now() - t0;
    double mbs = dt > 0 ? (double)bytes / 1e6 / dt : 0;
    char eta[32] = "";
    if (total && done && done < total)
        snprintf(eta, sizeof eta, ", ETA %.0fs", dt / (double)done * (double)(total - done));
    if (total)
        fprintf(stderr, "\r%zu/%zu files, %.1f MB/s%s, %zu failed   ", done, total, mbs, eta, failed);
    else
        fprintf(stderr, "\r%zu files, %.1f MB/s, %zu failed   ", done, mbs, failed);
    if (final)
        fputc('\n', stderr);
}

static char *in_dir(const char *dir, const char *name)
{
    char *p;
    return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

static const char *const OUTPUTS[] = {"reports.jsonl", "errors.jsonl", "summary.json", "reports.csv",
                                      "metrics.csv",   "reports.tsv",  "metrics.tsv",  "reports.xlsx",
                                      "summary.html",  "run.json"};

/* Temporary files (NAME.tmp.XXXXXX) a killed run left behind. */
static void remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        for (size_t i = 0; i < sizeof OUTPUTS / sizeof *OUTPUTS; i++) {
            size_t n = strlen(OUTPUTS[i]);
            if (!strncmp(e->d_name, OUTPUTS[i], n) && !strncmp(e->d_name + n, ".tmp.", 5)) {
                char *p = in_dir(dir, e->d_name);
                if (p)
                    unlink(p);
                free(p);
            }
        }
    }
    if (d)
        closedir(d);
}

/* The outputs of an earlier run that the new reports.jsonl would contradict,
 * run.json (the mark of a complete run) first: a run killed while it writes
 * them leaves no old table beside new reports, and none this run's format
 * does not write. */
static void remove_previous(const char *dir)
{
    for (size_t i = sizeof OUTPUTS / sizeof *OUTPUTS; i-- > 2;) {
        char *p = in_dir(dir, OUTPUTS[i]);
        if (p)
            unlink(p);
        free(p);
    }
}

static int write_text_file(const char *dir, const char *name, const char *text)
{
    char *p = in_dir(dir, name), why[512];
    out_file of;
    int rc = p && out_open(&of, p, why, sizeof why) == 0 ? 0 : -1;
    if (rc == 0) {
        fputs(text, of.fp);
        fputc('\n', of.fp);
        rc = out_commit(&of, why, sizeof why);
    }
    if (rc)
        fprintf(stderr, "huibao: %s: %s\n", p ? p : name, p ? why : "out of memory");
    free(p);
    return rc;
}

/* The files made from the reports besides reports.jsonl: the tables and
 * the page.  Each report reaches them as it is written, already parsed by
 * its worker; what is left once every report is in (the reports table's
 * rows, which wait for its columns; the page around its per-report parts)
 * runs side by side on the run's threads; with one thread, one after the
 * other. */
typedef struct {
    const cli_opts *o;
    const char *dir;
    const char *brief;     /* the summary without its file list, for the page */
    table_run *tables;     /* NULL: they could not be opened, why says why */
    page_run *page;
    char why[1024];
    int next, failed;
    pthread_mutex_t mu;
} finish;

/* Opens every table this run writes. */
static void tables_begin(finish *f)
{
    const cli_opts *o = f->o;
    int tsv = o->format && !strcmp(o->format, "tsv");
    table_format fmt = tsv ? TABLE_TSV : TABLE_CSV;
    const char *names[3] = {tsv ? "reports.tsv" : "reports.csv", tsv ? "metrics.tsv" : "metrics.csv", "reports.xlsx"};
    int nouts = o->format && !strcmp(o->format, "xlsx") ? 3 : 2;
    char *paths[3] = {0};
    table_out outs[3];
    int bad = 0;
    for (int t = 0; t < nouts; t++) {
        bad |= !(paths[t] = in_dir(f->dir, names[t]));
        outs[t] = (table_out){paths[t], t < 2 ? fmt : TABLE_XLSX, t};
    }
    if (bad)
        snprintf(f->why, sizeof f->why, "%s: %s", f->dir, strerror(ENOMEM));
    else
        f->tables = table_begin(outs, nouts, o->bom, f->why, sizeof f->why);
    for (int t = 0; t < nouts; t++)
        free(paths[t]);
}

/* A report into the tables and the page as it is written, from the part
 * and the rows its worker made. */
static int feed_outputs(finish *f, const page_part *part, const table_part *rows)
{
    page_put_part(f->page, part);
    if (f->tables && table_put_part(f->tables, rows) != 0) {
        fprintf(stderr, "huibao: %s\n", f->why);
        return -1;
    }
    return 0;
}

/* The tables completed with the rows of errors.jsonl. */
static int write_tables(finish *f)
{
    char *ep = in_dir(f->dir, "errors.jsonl");
    static const char *const inputs[1] = {"errors.jsonl"};
    FILE *in[1] = {ep ? fopen(ep, "rb") : NULL};
    int rc = f->tables ? 0 : -1;
    if (rc == 0 && !in[0]) {
        snprintf(f->why, sizeof f->why, "%s: %s", f->dir, strerror(errno ? errno : ENOMEM));
        rc = -1;
    }
    if (f->tables)
        rc = table_end(f->tables, rc, in, inputs, 1) != 0 ? -1 : rc;
    f->tables = NULL;
    if (rc)
        fprintf(stderr, "huibao: %s\n", f->why);
    if (in[0])
        fclose(in[0]);
    free(ep);
    return rc;
}

static int write_page(const finish *f)
{
    char *rp = in_dir(f->dir, "reports.jsonl"), *sp = in_dir(f->dir, "summary.json"), *hp = in_dir(f->dir, "summary.html");
    int rc = rp && sp && hp && f->brief
                 ? page_from_summary(&rp, 1, f->brief, sp, f->o->template_path, f->o->rules_dir, hp, f->page)
                 : -1;
    free(rp);
    free(sp);
    free(hp);
    return rc;
}

/* The tables and the page, side by side when there are two threads. */
static void *finish_worker(void *arg)
{
    finish *f = arg;
    for (;;) {
        pthread_mutex_lock(&f->mu);
        int task = f->failed ? -1 : f->next++;
        pthread_mutex_unlock(&f->mu);
        if (task < 0 || task > 1)
            return NULL;
        int rc = task == 0 ? write_tables(f) : write_page(f);
        pthread_mutex_lock(&f->mu);
        f->failed |= rc != 0;
        pthread_mutex_unlock(&f->mu);
    }
}

static int write_outputs(finish *f, const char *brief, int threads)
{
    f->brief = brief;
    pthread_mutex_init(&f->mu, NULL);
    pthread_t tid;
    int started = threads > 1 && pthread_create(&tid, NULL, finish_worker, f) == 0;
    finish_worker(f);
    if (started)
        pthread_join(tid, NULL);
    pthread_mutex_destroy(&f->mu);
    return f->failed ? -1 : 0;
}

/* What a run that did not complete leaves of the tables and the page: nothing. */
static void outputs_discard(finish *f)
{
    if (f->tables)
        table_end(f->tables, -1, NULL, NULL, 0);
    f->tables = NULL;
    page_run_free(f->page);
    f->page = NULL;
}

static int open_part(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

int cmd_batch(const cli_opts *o, hb_engine *engine)
{
    const char *dir = o->output;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "huibao: %s: %s\n", dir, strerror(errno));
        return EXIT_OUTPUT;
    }
    batch b = {.o = o, .engine = engine};
    int bad = 0;
    for (int i = 0; i < o->nfiles && !bad; i++)
        bad = o->jsonl_in ? push(&b.inputs, o->files[i]) : add_input(o->files[i], o, &b.inputs);
    if (!bad && o->files_from)
        bad = read_list(o->files_from, o, &b.inputs);
    if (bad) {
        strvec_free(&b.inputs);
        return EXIT_INPUT;
    }
    char *part_r = in_dir(dir, "reports.jsonl.part"), *part_e = in_dir(dir, "errors.jsonl.part");
    char *prev = in_dir(dir, "reports.jsonl.prev"), *final_r = in_dir(dir, "reports.jsonl");
    char *final_e = in_dir(dir, "errors.jsonl");
    kept_index kept = {.fd = -1};
    int status = part_r && part_e && prev && final_r && final_e ? EXIT_OK : EXIT_OUTPUT;
    remove_stale(dir);
    json_t *results = results_identity(o);
    char *facts = in_dir(dir, "run.json"), *facts_part = in_dir(dir, "run.json.part");
    if (!results || !facts || !facts_part)
        status = EXIT_OUTPUT;
    if (status == EXIT_OK && o->resume) {
        /* the journal of a killed run, else the reports of a finished one */
        struct stat st;
        const char *made_by = facts;
        if (stat(part_r, &st) == 0)
            rename(part_r, prev), made_by = facts_part;
        else if (stat(final_r, &st) == 0 && link(final_r, prev) != 0 && errno == EEXIST)
            unlink(prev), link(final_r, prev);
        if (stat(prev, &st) == 0 && !same_results(made_by, results))
            unlink(prev);
        if (index_kept(&kept, prev) != 0) {
            fprintf(stderr, "huibao: %s: %s\n", prev, strerror(errno));
            status = EXIT_OUTPUT;
        }
    }
    if (status == EXIT_OK) { /* how the journal's results are made, for a --resume after a kill */
        json_t *pj = json_pack("{s:O}", "results", results);
        char *text = pj ? json_dumps(pj, JSON_INDENT(2)) : NULL;
        if (!text || write_text_file(dir, "run.json.part", text) != 0)
            status = EXIT_OUTPUT;
        free(text);
        json_decref(pj);
    }
    int fd_r = status == EXIT_OK ? open_part(part_r) : -1, fd_e = status == EXIT_OK ? open_part(part_e) : -1;
    if (status == EXIT_OK && (fd_r < 0 || fd_e < 0)) {
        fprintf(stderr, "huibao: %s: %s\n", dir, strerror(errno));
        status = EXIT_OUTPUT;
    }
    int threads = o->jobs > 0 ? (int)(o->jobs > 256 ? 256 : o->jobs) : available_cores();
    json_set_alloc_funcs(parse_malloc, parse_free); /* malloc and free but where a worker parses */
    b.kept = &kept;
    b.window = (size_t)threads * 4;
    b.ring = calloc(b.window, sizeof *b.ring);
    hb_summary *sum = b.sum = hb_summary_new();
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.can_take, NULL);
    pthread_cond_init(&b.can_write, NULL);
    int nstarted = 0;
    if (status == EXIT_OK && (!b.ring || !sum || !tid))
        status = EXIT_OUTPUT;
    finish fin = {.o = o, .dir = dir};
    if (status == EXIT_OK) { /* a table that does not open fails the run at its end, as it always did */
        tables_begin(&fin);
        fin.page = b.page = page_begin(o->template_path, o->rules_dir);
        b.tables = fin.tables;
    }
    for (int t = 0; status == EXIT_OK && t < threads; t++)
        if (pthread_create(&tid[nstarted], NULL, worker, &b) == 0)
            nstarted++;
    if (status == EXIT_OK && nstarted == 0) {
        fprintf(stderr, "huibao: cannot start a thread\n");
        status = EXIT_OUTPUT;
    }
    int show = !o->quiet && (o->progress || isatty(STDERR_FILENO));
    size_t total = o->jsonl_in ? 0 : b.inputs.n, done = 0, failed = 0, reused = 0, bytes = 0;
    double t0 = now(), last = 0;
    time_t started = time(NULL);
    for (;;) {
        pthread_mutex_lock(&b.mu);
        while (nstarted && !b.ring[b.write_seq % b.window].done && !(b.no_more && b.write_seq == b.next_seq))
            pthread_cond_wait(&b.can_write, &b.mu);
        if (!nstarted || !b.ring[b.write_seq % b.window].done) {
            pthread_mutex_unlock(&b.mu);
            break;
        }
        slot s = b.ring[b.write_seq % b.window];
        memset(&b.ring[b.write_seq % b.window], 0, sizeof s);
        b.write_seq++;
        pthread_cond_broadcast(&b.can_take);
        pthread_mutex_unlock(&b.mu);

        if (s.unread) {
            fprintf(stderr, "huibao: %s: cannot read an earlier result back\n", prev);
            status = EXIT_OUTPUT;
        }
        if (s.report && status == EXIT_OK) {
            reused += s.reused;
            if (write_full(fd_r, s.report, s.len) != 0)
                status = EXIT_OUTPUT;
            else if (s.no_memory)
                status = EXIT_OUTPUT, errno = ENOMEM;
            else if (s.reused && hb_summary_add_json(sum, s.report, s.len, NULL) != HB_OK)
                status = EXIT_OUTPUT;
            else if (feed_outputs(&fin, s.part, s.rows) != 0)
                status = EXIT_OUTPUT;
        } else if (s.error && status == EXIT_OK) {
            failed++;
            if (write_full(fd_e, s.error, strlen(s.error)) != 0 ||
                hb_summary_add_json(sum, s.error, strlen(s.error), NULL) != HB_OK)
                status = EXIT_OUTPUT;
        }
        done++;
        bytes += s.bytes;
        free(s.report);
        page_part_free(s.part);
        table_part_free(s.rows);
        free(s.error);
        if (status != EXIT_OK) {
            pthread_mutex_lock(&b.mu);
            b.no_more = 1; /* stop taking inputs; the ones under way finish */
            pthread_cond_broadcast(&b.can_take);
            pthread_mutex_unlock(&b.mu);
        }
        if (show && now() - last > 0.2) {
            progress(done, total, failed, bytes, t0, 0);
            last = now();
        }
    }
    for (int t = 0; t < nstarted; t++)
        pthread_join(tid[t], NULL);
    /* results of inputs still in the window when the run stopped */
    for (size_t k = 0; k < b.window && b.ring; k++) {
        free(b.ring[k].report);
        page_part_free(b.ring[k].part);
        table_part_free(b.ring[k].rows);
        free(b.ring[k].error);
    }
    if (show)
        progress(done, total, failed, bytes, t0, 1);
    if (status == EXIT_OK && b.sum_failed)
        status = EXIT_OUTPUT;
    if (status == EXIT_OK && b.usage_error)
        status = EXIT_USAGE;
    if (status == EXIT_OUTPUT)
        fprintf(stderr, "huibao: %s: the output could not be written: %s\n", dir, strerror(errno ? errno : EIO));
    if ((fd_r >= 0 && close(fd_r) != 0) || (fd_e >= 0 && close(fd_e) != 0))
        status = status == EXIT_OK ? EXIT_OUTPUT : status;
    if (status == EXIT_OK)
        remove_previous(dir);
    if (status == EXIT_OK && (rename(part_r, final_r) != 0 || rename(part_e, final_e) != 0)) {
        fprintf(stderr, "huibao: %s: %s\n", dir, strerror(errno));
        status = EXIT_OUTPUT;
    }
    if (status == EXIT_USAGE) {
        unlink(part_r);
        unlink(part_e);
        unlink(facts_part);
    }
    if (status == EXIT_OK) {
        unlink(prev);
        char *sj = hb_summary_json(sum, HB_JSON_PRETTY);
        if (!sj || write_text_file(dir, "summary.json", sj) != 0)
            status = EXIT_OUTPUT;
        hb_free(sj);
        /* the page needs no list of files: memory does not follow their number */
        char *brief = status == EXIT_OK ? hb_summary_json(sum, HB_SUMMARY_NO_FILES) : NULL;
        hb_summary_free(sum);
        sum = NULL;
        if (status == EXIT_OK && write_outputs(&fin, brief, nstarted) != 0)
            status = EXIT_OUTPUT;
        hb_free(brief);
        if (status == EXIT_OK) { /* last: it marks a complete run */
            char when[32];
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&started));
            json_t *rj = json_pack("{s:s,s:I,s:i,s:I,s:I,s:I,s:I,s:I,s:s,s:O}", "started", when, "milliseconds",
                                   (json_int_t)((now() - t0) * 1000), "threads", nstarted, "files", (json_int_t)done,
                                   "bytes", (json_int_t)bytes, "reports", (json_int_t)(done - failed), "failed",
                                   (json_int_t)failed, "resumed", (json_int_t)reused, "huibao", HB_VERSION,
                                   "results", results);
            char *run = rj ? json_dumps(rj, JSON_INDENT(2)) : NULL;
            json_decref(rj);
            if (!run || write_text_file(dir, "run.json", run) != 0)
                status = EXIT_OUTPUT;
            else
                unlink(facts_part);
            free(run);
        }
        if (status == EXIT_OK && failed)
            status = EXIT_INPUT;
    }
    outputs_discard(&fin);
    pthread_mutex_destroy(&b.mu);
    pthread_cond_destroy(&b.can_take);
    pthread_cond_destroy(&b.can_write);
    if (b.records && b.records != stdin)
        fclose(b.records);
    free(b.line);
    free(b.ring);
    free(tid);
    hb_summary_free(sum);
    for (size_t k = 0; k < kept.n; k++)
        free(kept.v[k].key);
    free(kept.v);
    if (kept.fd >= 0)
        close(kept.fd);
    strvec_free(&b.inputs);
    json_decref(results);
    free(facts);
    free(facts_part);
    free(part_r);
    free(part_e);
    free(prev);
    free(final_r);
    free(final_e);
    return status;
}
