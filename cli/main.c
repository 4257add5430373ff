/* huibao: the command-line client of libhuibao.  It uses only huibao.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dict_cmd.h"
#include "huibao.h"
#include "outfile.h"
#include "page.h"
#include "records.h"

enum {
    EXIT_OK = 0,
    EXIT_INPUT = 1,   /* at least one input file could not be read */
    EXIT_USAGE = 2,
    EXIT_CHECK = 3,   /* check: a report misses a required part */
    EXIT_SETUP = 4,   /* the dictionaries could not be loaded */
    EXIT_OUTPUT = 5   /* writing the output failed */
};

static const char USAGE[] =
    "Usage: huibao COMMAND [OPTIONS] FILE...\n"
    "\n"
    "Commands:\n"
    "  extract   print each report as JSON (one object; several files: JSON Lines)\n"
    "  check     print a verdict on required sections; exit 3 if any report misses one\n"
    "  tokens    print the typed token stream of one file\n"
    "  dict check [DIR...]  check the rule files (the dict folder and its overlays,\n"
    "            or DIR... layered over it) without reading a report; exit 4 on a fault\n"
    "  page      render summary.html from reports.jsonl files (--summary required)\n"
    "\n"
    "Options:\n"
    "  --pretty            indent the JSON (a single file only)\n"
    "  --jsonl             one JSON object per line, even for a single file\n"
    "  --jsonl-in          the files hold JSON Lines records {\"path\": …, \"text\": …},\n"
    "                      one report each\n"
    "  -o, --output FILE   write to FILE (replaced only when everything succeeded)\n"
    "  --encoding ENC      utf-8, gb18030, utf-16le or utf-16be instead of detecting\n"
    "  --profile NAME      required-section profile (dict/profiles/NAME.txt)\n"
    "  --top N             number of top terms (default 20; 0: an empty list)\n"
    "  --max-bytes N       refuse larger inputs (default 8388608)\n"
    "  --dict DIR          dictionary folder (default: $HUIBAO_DICT, then the installed one)\n"
    "  --dict-add DIR      layer DIR's rule files over the dictionary folder (repeatable;\n"
    "                      after those of $HUIBAO_DICT_PATH, a colon-separated list)\n"
    "  --lexicon FILE      compiled general lexicon (default: $HUIBAO_LEXICON, then installed)\n"
    "  --summary FILE      page: the summary.json of the same reports\n"
    "  --template FILE     page: the page template (default: the installed one)\n"
    "  --words             tokens: split Han runs into dictionary words\n"
    "  --no-domain         tokens: general lexicon only (the jieba-compatible mode)\n"
    "  -h, --help          show this help\n"
    "  --version           show the version\n"
    "\n"
    "Exit status: 0 success, 1 an input failed, 2 usage, 3 check found a missing part,\n"
    "4 dictionaries failed to load, 5 output could not be written.\n";

typedef struct {
    const char *command;
    int pretty, jsonl, jsonl_in, words, no_domain;
    const char *output, *encoding, *profile, *dict, *lexicon, *summary, *template_path;
    const char **dict_add;     /* --dict-add, in order */
    size_t ndict_add;
    long top;
    size_t max_bytes;
    char **files;
    int nfiles;
} cli_opts;

static void die_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "huibao: %s%s%s\nTry 'huibao --help'.\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(EXIT_USAGE);
}

/* A non-negative decimal number no larger than max; anything else
 * (empty, signs, trailing bytes, overflow) is a usage error. */
static long parse_number(const char *s, const char *opt, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !*s || *end || *s < '0' || *s > '9' || v < 0)
        die_usage("not a non-negative number", opt);
    if (v > max)
        die_usage("number too large", opt);
    return v;
}

static void parse_args(int argc, char **argv, cli_opts *o)
{
    o->top = 20;
    o->files = calloc((size_t)argc, sizeof *o->files);
    o->dict_add = calloc((size_t)argc, sizeof *o->dict_add);
    if (!o->files || !o->dict_add) {
        fprintf(stderr, "huibao: out of memory\n");
        exit(EXIT_INPUT);
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
#define VALUE() (i + 1 < argc ? argv[++i] : (die_usage("option needs a value", a), ""))
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(USAGE, stdout);
            exit(fclose(stdout) ? EXIT_OUTPUT : EXIT_OK);
        } else if (!strcmp(a, "--version")) {
            printf("huibao %s\n", HB_VERSION);
            exit(fclose(stdout) ? EXIT_OUTPUT : EXIT_OK);
        } else if (!strcmp(a, "--pretty")) {
            o->pretty = 1;
        } else if (!strcmp(a, "--jsonl")) {
            o->jsonl = 1;
        } else if (!strcmp(a, "--jsonl-in")) {
            o->jsonl_in = 1;
        } else if (!strcmp(a, "--words")) {
            o->words = 1;
        } else if (!strcmp(a, "--no-domain")) {
            o->no_domain = 1;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            o->output = VALUE();
        } else if (!strcmp(a, "--encoding")) {
            o->encoding = VALUE();
        } else if (!strcmp(a, "--profile")) {
            o->profile = VALUE();
        } else if (!strcmp(a, "--dict")) {
            o->dict = VALUE();
        } else if (!strcmp(a, "--dict-add")) {
            o->dict_add[o->ndict_add++] = VALUE();
        } else if (!strcmp(a, "--lexicon")) {
            o->lexicon = VALUE();
        } else if (!strcmp(a, "--summary")) {
            o->summary = VALUE();
        } else if (!strcmp(a, "--template")) {
            o->template_path = VALUE();
        } else if (!strcmp(a, "--top")) {
            o->top = parse_number(VALUE(), a, INT_MAX);
        } else if (!strcmp(a, "--max-bytes")) {
            o->max_bytes = (size_t)parse_number(VALUE(), a, LONG_MAX);
        } else if (!strcmp(a, "--")) {
            while (++i < argc)
                o->files[o->nfiles++] = argv[i];
        } else if (a[0] == '-' && a[1]) {
            die_usage("unknown option", a);
        } else if (!o->command) {
            o->command = a;
        } else {
            o->files[o->nfiles++] = argv[i];
        }
#undef VALUE
    }
    if (!o->command)
        die_usage("no command given", NULL);
    if (strcmp(o->command, "extract") && strcmp(o->command, "check") && strcmp(o->command, "tokens") &&
        strcmp(o->command, "dict") && strcmp(o->command, "page"))
        die_usage("unknown command", o->command);
    if (!strcmp(o->command, "dict") && (o->nfiles == 0 || strcmp(o->files[0], "check")))
        die_usage("dict takes the subcommand check", o->nfiles ? o->files[0] : NULL);
    if (o->nfiles == 0)
        die_usage("no input file given", NULL);
    if (!strcmp(o->command, "page") && !o->summary)
        die_usage("page needs --summary FILE", NULL);
}

/* The page template: --template, else templates/ beside the rule folder in
 * use (an uninstalled build's dict/, an installation's share/huibao/dict). */
static const char *find_template(const cli_opts *o, const char *dict_dir, char *buf, size_t cap)
{
    if (o->template_path)
        return o->template_path;
    const char *slash = strrchr(dict_dir, '/');
    int dirlen = slash ? (int)(slash - dict_dir) : 1;
    if ((size_t)snprintf(buf, cap, "%.*s/templates/summary.html", dirlen, slash ? dict_dir : ".") >= cap)
        return NULL;
    return buf;
}

/* Opens an input: "-" is standard input (a pipe is welcome there); a named
 * path must be a regular file.  O_NONBLOCK keeps a FIFO without a writer
 * from blocking the open; such a path is then refused.  On failure returns
 * NULL with a reason in why. */
static FILE *open_input(const char *path, struct stat *st, char *why, size_t cap)
{
    if (!strcmp(path, "-")) {
        if (fstat(STDIN_FILENO, st) != 0)
            memset(st, 0, sizeof *st);
        return stdin;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 || fstat(fd, st) != 0) {
        snprintf(why, cap, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    FILE *f = NULL;
    if (S_ISDIR(st->st_mode))
        snprintf(why, cap, "is a directory");
    else if (!S_ISREG(st->st_mode))
        snprintf(why, cap, "not a regular file (%s); give its contents on standard input as -",
                 S_ISFIFO(st->st_mode) ? "a FIFO" : S_ISSOCK(st->st_mode) ? "a socket" : "a device");
    else if (fcntl(fd, F_SETFL, 0) != 0 || !(f = fdopen(fd, "rb")))
        snprintf(why, cap, "%s", strerror(errno));
    if (!f)
        close(fd);
    return f;
}

/* Reads a whole file; on failure returns NULL with a reason in why. */
static char *read_file(const char *path, size_t max, size_t *len, char *why, size_t cap)
{
    struct stat st = {0};
    FILE *f = open_input(path, &st, why, cap);
    if (!f)
        return NULL;
    size_t bufcap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
    if (bufcap > max + 1)
        bufcap = max + 1;
    char *buf = malloc(bufcap);
    size_t n = 0;
    while (buf) {
        size_t r = fread(buf + n, 1, bufcap - n, f);
        n += r;
        if (n > max) {
            snprintf(why, cap, "larger than the limit of %zu bytes (--max-bytes)", max);
            free(buf);
            buf = NULL;
            break;
        }
        if (r == 0) {
            if (ferror(f)) {
                snprintf(why, cap, "%s", strerror(errno ? errno : EIO));
                free(buf);
                buf = NULL;
            }
            break;
        }
        if (n == bufcap) {
            size_t ncap = bufcap * 2 > max + 1 ? max + 1 : bufcap * 2;
            char *nb = ncap > bufcap ? realloc(buf, ncap) : NULL;
            if (!nb) {
                snprintf(why, cap, ncap > bufcap ? "out of memory" : "larger than the limit of %zu bytes", max);
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            bufcap = ncap;
        }
    }
    if (!buf && !*why)
        snprintf(why, cap, "out of memory");
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
}

static int write_all(FILE *out, const char *s)
{
    size_t n = strlen(s);
    return fwrite(s, 1, n, out) == n;
}

typedef struct {
    const cli_opts *o;
    hb_engine *engine;
    FILE *out;
    int single;       /* one report, not JSON Lines */
    int status, write_failed, usage_error;
} run_state;

/* Runs the command on one report; `label` names it in messages. */
static void process(run_state *st, const char *label, const char *path, const char *buf, size_t len)
{
    const cli_opts *o = st->o;
    hb_error err;
    hb_extract_options xo = {.path = path, .encoding = o->encoding, .profile = o->profile,
                             .max_bytes = o->max_bytes, .top_terms = o->top == 0 ? -1 : (int)o->top};
    hb_report *r = hb_extract(st->engine, buf, len, &xo, &err);
    if (!r && err.code == HB_ERR_ARG) {
        /* a wrong --encoding or --profile would fail every report alike */
        fprintf(stderr, "huibao: %s\n", err.message);
        st->usage_error = 1;
        return;
    }
    if (!r) {
        fprintf(stderr, "huibao: %s: %s\n", label, err.message);
        st->status = EXIT_INPUT;
        return;
    }
    char *text = NULL;
    const char *end = ""; /* a JSON report is no copy: its line end is written after it */
    if (!strcmp(o->command, "extract")) {
        text = hb_report_json(r, st->single && o->pretty ? HB_JSON_PRETTY : 0);
        end = "\n";
    } else if (!strcmp(o->command, "tokens")) {
        text = hb_report_tokens(r, o->words ? HB_TOKENS_WORDS : 0);
    } else {
        int passed = 0;
        char *verdict = hb_report_verdict(r, &passed);
        if (verdict && asprintf(&text, "%s: %s", label, verdict) < 0)
            text = NULL;
        hb_free(verdict);
        if (!passed && st->status == EXIT_OK)
            st->status = EXIT_CHECK;
    }
    hb_report_free(r);
    if (!text) {
        fprintf(stderr, "huibao: %s: out of memory\n", label);
        st->status = EXIT_INPUT;
        return;
    }
    if (!write_all(st->out, text) || !write_all(st->out, end) || fflush(st->out) != 0)
        st->write_failed = 1;
    free(text);
}

/* --jsonl-in: every line of the file is one report record. */
static void read_records(run_state *st, const char *file)
{
    struct stat sb;
    char why[256] = "";
    FILE *f = open_input(file, &sb, why, sizeof why);
    if (!f) {
        fprintf(stderr, "huibao: %s: %s\n", file, why);
        st->status = EXIT_INPUT;
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = LINE_EOF;
    long lineno = 0;
    /* a record escapes each byte of its text in at most 6 (\u00XX) */
    size_t max = st->o->max_bytes ? st->o->max_bytes : HB_DEFAULT_MAX_BYTES;
    size_t limit = max < (SIZE_MAX - 65536) / 6 ? max * 6 + 65536 : SIZE_MAX;
    char *rec;
    while (!st->write_failed && !st->usage_error &&
           (n = records_next(f, &line, &cap, limit, &lineno, &rec)) >= 0) {
        char *path, *text, label[PATH_MAX + 32];
        size_t len;
        hb_error err;
        snprintf(label, sizeof label, "%s:%ld", file, lineno);
        if (hb_record_parse(rec, (size_t)n, &path, &text, &len, &err) != HB_OK) {
            fprintf(stderr, "huibao: %s: %s\n", label, err.message);
            st->status = EXIT_INPUT;
            continue;
        }
        process(st, path ? path : label, path ? path : label, text, len);
        hb_free(path);
        hb_free(text);
    }
    if (n == LINE_TOO_LONG) {
        fprintf(stderr, "huibao: %s:%ld: record longer than %zu bytes (--max-bytes); the rest of the file is skipped\n",
                file, lineno, limit);
        st->status = EXIT_INPUT;
    } else if (n == LINE_NOMEM || ferror(f)) {
        fprintf(stderr, "huibao: %s: %s\n", file, n == LINE_NOMEM ? "out of memory" : strerror(errno));
        st->status = EXIT_INPUT;
    }
    free(line);
    if (f != stdin)
        fclose(f);
}

int main(int argc, char **argv)
{
    out_init();
    cli_opts o = {0};
    parse_args(argc, argv, &o);
    signal(SIGPIPE, SIG_IGN); /* a closed pipe becomes a write error we report */
    /* the library finds the default rules as hb_engine_new(NULL, …) does */
    char *dict = o.dict ? NULL : hb_default_dict_dir(), *lexicon = o.lexicon ? NULL : hb_default_lexicon();
    const char *dict_dir = o.dict ? o.dict : dict;
    size_t noverlays;
    const char **overlays = dict_overlays(o.dict_add, o.ndict_add, &noverlays);
    if (!overlays || !dict_dir) {
        fprintf(stderr, "huibao: out of memory\n");
        return EXIT_INPUT;
    }
    if (!strcmp(o.command, "page")) {
        char tmplbuf[PATH_MAX];
        const char *tmpl = find_template(&o, dict_dir, tmplbuf, sizeof tmplbuf);
        int rc = tmpl ? page_command(o.files, o.nfiles, o.summary, tmpl, o.output) : EXIT_USAGE;
        free(overlays);
        free(o.files);
        free(o.dict_add);
        free(dict);
        free(lexicon);
        return rc;
    }
    if (!strcmp(o.command, "dict")) {
        int status = o.nfiles > 1 ? dict_check(dict_dir, (const char *const *)o.files + 1, (size_t)o.nfiles - 1)
                                  : dict_check(dict_dir, overlays, noverlays);
        free(overlays);
        free(o.files);
        free(o.dict_add);
        free(dict);
        free(lexicon);
        return status;
    }
    hb_engine_options eo = {.dict_dir = dict_dir, .lexicon_path = o.lexicon ? o.lexicon : lexicon,
                            .domain_off = o.no_domain,
                            .dict_overlays = overlays, .n_dict_overlays = noverlays,
                            .lexicon_required = o.lexicon != NULL};
    hb_error err;
    hb_engine *engine = eo.lexicon_path ? hb_engine_new(&eo, &err) : NULL;
    free(overlays); /* the engine keeps its own copies */
    free(o.dict_add);
    if (!engine) {
        if (!eo.dict_dir || !eo.lexicon_path)
            fprintf(stderr, "huibao: out of memory\n");
        else if (err.file[0] && err.line)
            fprintf(stderr, "huibao: %s:%d: %s\n", err.file, err.line, err.message);
        else if (err.file[0])
            fprintf(stderr, "huibao: %s: %s\n", err.file, err.message);
        else
            fprintf(stderr, "huibao: %s: %s\n", eo.dict_dir, err.message);
        free(dict);
        free(lexicon);
        free(o.files);
        return EXIT_SETUP;
    }
    free(dict);
    free(lexicon);
    const char *notes = hb_engine_notes(engine);
    if (notes)
        fprintf(stderr, "huibao: note: %s", notes);

    out_file of;
    char out_why[512];
    if (out_open(&of, o.output ? o.output : "-", out_why, sizeof out_why) != 0) {
        fprintf(stderr, "huibao: %s: %s\n", o.output, out_why);
        hb_engine_free(engine);
        free(o.files);
        return EXIT_OUTPUT;
    }
    FILE *out = of.fp;

    run_state st = {.o = &o, .engine = engine, .out = out,
                    .single = o.nfiles == 1 && !o.jsonl && !o.jsonl_in};
    for (int i = 0; i < o.nfiles && !st.write_failed && !st.usage_error; i++) {
        const char *path = o.files[i];
        char why[256] = "";
        size_t len;
        size_t max = o.max_bytes ? o.max_bytes : HB_DEFAULT_MAX_BYTES;
        if (o.jsonl_in) {
            read_records(&st, path);
            continue;
        }
        char *buf = read_file(path, max, &len, why, sizeof why);
        if (!buf) {
            fprintf(stderr, "huibao: %s: %s\n", path, why);
            st.status = EXIT_INPUT;
            continue;
        }
        process(&st, path, path, buf, len);
        free(buf);
    }
    int status = st.status;
    if (st.usage_error) {
        out_abort(&of);
        status = EXIT_USAGE;
    } else if (st.write_failed) {
        fprintf(stderr, "huibao: %s: write error: %s\n", o.output ? o.output : "standard output",
                strerror(errno ? errno : EIO));
        out_abort(&of);
        status = EXIT_OUTPUT;
    } else if (out_commit(&of, out_why, sizeof out_why) != 0) {
        fprintf(stderr, "huibao: %s: %s\n", o.output ? o.output : "standard output", out_why);
        status = EXIT_OUTPUT;
    }
    free(o.files);
    hb_engine_free(engine);
    return status;
}
