/* huibao: the command-line client of libhuibao.  It uses only huibao.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dict_cmd.h"
#include "cli.h"
#include "huibao.h"
#include "outfile.h"
#include "page.h"
#include "records.h"

static const char USAGE[] =
    "Usage: huibao COMMAND [OPTIONS] FILE...\n"
    "\n"
    "Commands (huibao COMMAND --help for each):\n"
    "  extract   print each report as JSON (one object; several files: JSON Lines)\n"
    "  check     print a verdict on required sections; exit 3 if any report misses one\n"
    "  tokens    print the typed token stream of one file\n"
    "  batch     many reports into a folder: reports.jsonl, errors.jsonl, summary.json, tables\n"
    "  table     one row per report (or per metric) as CSV, TSV or XLSX\n"
    "  summary   totals over reports.jsonl files or earlier summaries\n"
    "  dict check [DIR...]  check the rule files (the dict folder and its overlays,\n"
    "            or DIR... layered over it) without reading a report; exit 4 on a fault\n"
    "  page      render summary.html from reports.jsonl files (as batch writes it)\n"
    "\n"
    "FILE '-' is standard input.  Options take their value as --opt VALUE or --opt=VALUE.\n"
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
    "  --summary FILE      page: read the reports' summary.json instead of computing it\n"
    "  --template FILE     page: the page template (default: the installed one)\n"
    "  --words             tokens: split Han runs into dictionary words\n"
    "  --no-domain         tokens: general lexicon only (the jieba-compatible mode)\n"
    "  -h, --help          show this help\n"
    "  -V, --version       show the version\n"
    "\n"
    "Exit status: 0 success, 1 an input failed, 2 usage, 3 check found a missing part,\n"
    "4 dictionaries failed to load, 5 output could not be written.  When several apply:\n"
    "2, 4 and 5 first (they stop the run), then 3, then 1: a report that misses a part\n"
    "is never hidden by another input's read error.\n";

static const char USAGE_CHECK[] =
    "Usage: huibao check [OPTIONS] FILE...\n"
    "\n"
    "A verdict per report on its required sections (dict/profiles/), with numbering\n"
    "notes as FILE:LINE: message.\n"
    "\n"
    "  --jsonl             one JSON object a report: path, profile, passed, missing,\n"
    "                      inline_only, notes; a closing tally on stderr\n"
    "  --notes             also the notes the tool calls usual (a 工作要点 numbering its\n"
    "                      items across parts)\n"
    "  --profile NAME      required-section profile instead of the one by document type\n"
    "  --jsonl-in, --encoding, --max-bytes, --dict, --lexicon, -o: as for extract\n"
    "\n"
    "Exit status, first that applies: 2 usage, 4 dictionaries, 5 output; then 3 when\n"
    "any report misses a required part (even if another input could not be read);\n"
    "then 1 when an input could not be read; else 0.\n";

static const char USAGE_BATCH[] =
    "Usage: huibao batch [OPTIONS] INPUT... -o OUTDIR\n"
    "\n"
    "Extracts every input into OUTDIR: reports.jsonl (input order), errors.jsonl (one\n"
    "record per input that failed: path, code, message), summary.json, run.json,\n"
    "reports.csv and metrics.csv.  Each is written under a temporary name and renamed\n"
    "when complete; reports.jsonl.part and errors.jsonl.part grow while it runs.\n"
    "\n"
    "  INPUT               a file, or a folder searched recursively; '-': stdin\n"
    "  --glob PATTERN      file names taken from folders (default *.txt)\n"
    "  --files-from FILE   one input path a line ('-': standard input)\n"
    "  --jsonl-in          inputs hold {\"path\": …, \"text\": …} records\n"
    "  -j, --jobs N        threads (default: the cores available)\n"
    "  --resume            keep the results already in OUTDIR for inputs with the same\n"
    "                      path and sha256 (after an interrupted run), do the rest\n"
    "  --format xlsx       also reports.xlsx (sheets reports and metrics)\n"
    "  --progress, --quiet force or silence the progress line (default: on a terminal)\n"
    "  --encoding, --profile, --max-bytes, --top, --dict, --lexicon: as for extract\n"
    "\n"
    "Exit status: 0 all inputs succeeded, 1 some failed (the rest written), 2 usage,\n"
    "4 dictionaries, 5 OUTDIR could not be written.\n";

static const char USAGE_TABLE[] =
    "Usage: huibao table [OPTIONS] FILE...\n"
    "\n"
    "One row per input (failed ones with their status) or, with --metrics, one row per\n"
    "metric.  FILE is a report text, or JSON Lines (*.jsonl, '-') of reports and error\n"
    "records as batch and extract --jsonl write: both give the same table.\n"
    "\n"
    "  --format FMT        csv (RFC 4180, the default), tsv or xlsx (a workbook with the\n"
    "                      sheets reports and metrics; needs -o or a non-terminal stdout)\n"
    "  --metrics           the long form: one row per metric\n"
    "  --bom               CSV: start with a UTF-8 byte order mark (for Excel)\n"
    "  -o, --output FILE   write to FILE (replaced only when complete)\n";

static const char USAGE_SUMMARY[] =
    "Usage: huibao summary [OPTIONS] FILE...\n"
    "\n"
    "Totals over JSON Lines of reports and error records (reports.jsonl, errors.jsonl)\n"
    "and earlier summaries (summary.json), merged: by type, organisation and profile;\n"
    "passed, failed, unreadable; missing parts; duplicates; metrics by category, unit\n"
    "and target; slogans; documents; warnings.  '-' reads standard input.\n"
    "\n"
    "  --json              summary.json (deterministic) instead of text for people\n"
    "  --pretty            indent the JSON\n"
    "  -o, --output FILE   write to FILE (replaced only when complete)\n";

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
    if ((errno && errno != ERANGE) || !*s || *end || *s < '0' || *s > '9' || v < 0)
        die_usage("not a non-negative number", opt);
    if (errno == ERANGE || v > max)
        die_usage("number too large", opt);
    return v;
}

static const char *command_usage(const char *command)
{
    if (!command)
        return USAGE;
    if (!strcmp(command, "check"))
        return USAGE_CHECK;
    if (!strcmp(command, "batch"))
        return USAGE_BATCH;
    if (!strcmp(command, "table"))
        return USAGE_TABLE;
    if (!strcmp(command, "summary"))
        return USAGE_SUMMARY;
    return USAGE;
}

/* The options that take no value: each sets its int field of cli_opts. */
static const struct {
    const char *name;
    size_t field;
} FLAGS[] = {
    {"--pretty", offsetof(cli_opts, pretty)},     {"--jsonl", offsetof(cli_opts, jsonl)},
    {"--jsonl-in", offsetof(cli_opts, jsonl_in)}, {"--words", offsetof(cli_opts, words)},
    {"--no-domain", offsetof(cli_opts, no_domain)}, {"--resume", offsetof(cli_opts, resume)},
    {"--progress", offsetof(cli_opts, progress)}, {"--quiet", offsetof(cli_opts, quiet)},
    {"--bom", offsetof(cli_opts, bom)},           {"--metrics", offsetof(cli_opts, metrics)},
    {"--json", offsetof(cli_opts, json)},         {"--notes", offsetof(cli_opts, notes)},
};

static void parse_args(int argc, char **argv, cli_opts *o)
{
    int help = 0;
    o->top = 20;
    o->files = calloc((size_t)argc, sizeof *o->files);
    o->dict_add = calloc((size_t)argc, sizeof *o->dict_add);
    if (!o->files || !o->dict_add) {
        fprintf(stderr, "huibao: out of memory\n");
        exit(EXIT_INPUT);
    }
    char name[64];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *inline_value = NULL;
        const char *eq = strncmp(a, "--", 2) ? NULL : strchr(a, '=');
        if (eq && (size_t)(eq - a) < sizeof name) { /* --opt=value */
            snprintf(name, sizeof name, "%.*s", (int)(eq - a), a);
            inline_value = eq + 1;
            a = name;
        }
#define VALUE() (inline_value ? inline_value : i + 1 < argc ? argv[++i] : (die_usage("option needs a value", a), ""))
        int flag = -1;
        for (size_t k = 0; k < sizeof FLAGS / sizeof *FLAGS; k++)
            if (!strcmp(a, FLAGS[k].name))
                flag = (int)k;
        if (inline_value && (flag >= 0 || !strcmp(a, "--help") || !strcmp(a, "--version")))
            die_usage("option takes no value", argv[i]);
        if (flag >= 0) {
            *(int *)((char *)o + FLAGS[flag].field) = 1;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help = 1;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            printf("huibao %s\n", HB_VERSION);
            exit(fclose(stdout) ? EXIT_OUTPUT : EXIT_OK);
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
        } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
            o->jobs = parse_number(VALUE(), a, 4096);
        } else if (!strncmp(a, "-j", 2) && a[2] >= '0' && a[2] <= '9') { /* -j2 */
            o->jobs = parse_number(a + 2, "-j", 4096);
        } else if (!strcmp(a, "--glob")) {
            o->glob = VALUE();
        } else if (!strcmp(a, "--files-from")) {
            o->files_from = VALUE();
        } else if (!strcmp(a, "--format")) {
            o->format = VALUE();
            if (table_format_of(o->format) < 0)
                die_usage("unknown format (csv, tsv or xlsx)", o->format);
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
    static const char *const commands[] = {"extract", "check", "tokens", "batch", "table", "summary", "dict", "page"};
    int known = 0;
    for (size_t k = 0; o->command && k < sizeof commands / sizeof *commands; k++)
        known |= !strcmp(o->command, commands[k]);
    if (help) {
        fputs(command_usage(known ? o->command : NULL), stdout);
        exit(fclose(stdout) ? EXIT_OUTPUT : EXIT_OK);
    }
    if (!o->command)
        die_usage("no command given", NULL);
    if (!known)
        die_usage("unknown command", o->command);
    if (o->nfiles == 0 && !o->files_from)
        die_usage("no input file given", NULL);
    if (!strcmp(o->command, "batch") && !o->output)
        die_usage("batch needs an output folder", "-o OUTDIR");
    if (!strcmp(o->command, "dict") && (o->nfiles == 0 || strcmp(o->files[0], "check")))
        die_usage("dict takes the subcommand check", o->nfiles ? o->files[0] : NULL);
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

/* Opens a named input, which must be a regular file.  O_NONBLOCK keeps a
 * FIFO without a writer from blocking the open; such a path is then
 * refused.  Returns the descriptor, or -1 with a reason in why.  O_NONBLOCK
 * stays set: it has no effect on a regular file (open(2)), and clearing it
 * was a system call a file. */
static int open_named(const char *path, struct stat *st, char *why, size_t cap)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 || fstat(fd, st) != 0) {
        snprintf(why, cap, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int ok = 0;
    if (S_ISDIR(st->st_mode))
        snprintf(why, cap, "is a directory");
    else if (!S_ISREG(st->st_mode))
        snprintf(why, cap, "not a regular file (%s); give its contents on standard input as -",
                 S_ISFIFO(st->st_mode) ? "a FIFO" : S_ISSOCK(st->st_mode) ? "a socket" : "a device");
    else
        ok = 1;
    if (!ok)
        close(fd);
    return ok ? fd : -1;
}

/* Opens an input: "-" is standard input (a pipe is welcome there), else a
 * regular file (open_named).  On failure returns NULL with a reason in
 * why. */
static FILE *open_input(const char *path, struct stat *st, char *why, size_t cap)
{
    if (!strcmp(path, "-")) {
        if (fstat(STDIN_FILENO, st) != 0)
            memset(st, 0, sizeof *st);
        return stdin;
    }
    int fd = open_named(path, st, why, cap);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (fd >= 0 && !f) {
        snprintf(why, cap, "%s", strerror(errno));
        close(fd);
    }
    return f;
}

/* Up to n bytes of the input into p: through stdio for standard input, by
 * read() for a named file, which is read whole into the caller's buffer
 * (stdio took four more system calls a file: an fstat, an fcntl, and
 * reads of 4 KiB).  0 at the end, or on an error, with *failed set. */
static size_t read_some(FILE *f, int fd, char *p, size_t n, int *failed)
{
    if (f) {
        size_t r = fread(p, 1, n, f);
        *failed = r == 0 && ferror(f);
        return r;
    }
    ssize_t r;
    while ((r = read(fd, p, n)) < 0 && errno == EINTR)
        ;
    *failed = r < 0;
    return r > 0 ? (size_t)r : 0;
}

char *read_file(const char *path, size_t max, size_t *len, char *why, size_t cap)
{
    struct stat st = {0};
    int stdin_input = !strcmp(path, "-");
    FILE *f = stdin_input ? open_input(path, &st, why, cap) : NULL;
    int fd = stdin_input ? -1 : open_named(path, &st, why, cap);
    if (!f && fd < 0)
        return NULL;
    size_t bufcap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
    /* a file over the limit is refused once max + 1 bytes are read: it
     * gets no room for a report */
    char *buf = bufcap <= max + 1 ? cli_input_buffer(bufcap) : malloc(bufcap = max + 1);
    size_t n = 0;
    while (buf) {
        int failed;
        size_t r = read_some(f, fd, buf + n, bufcap - n, &failed);
        n += r;
        if (n > max) {
            snprintf(why, cap, "larger than the limit of %zu bytes (--max-bytes)", max);
            free(buf);
            buf = NULL;
            break;
        }
        if (r == 0) {
            if (failed) {
                snprintf(why, cap, "%s", strerror(errno ? errno : EIO));
                free(buf);
                buf = NULL;
            }
            break;
        }
        /* a named file is read up to the size fstat gave, without a read
         * more to meet its end (a file growing meanwhile is read as it was
         * when opened); a size of 0 (/proc) is read to the end */
        if (fd >= 0 && st.st_size > 0 && n == (size_t)st.st_size)
            break;
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
    if (fd >= 0)
        close(fd);
    *len = n;
    return buf;
}

/* Output goes through out_write (outfile.h): a report that comes in one
 * piece is written in one write(), never interleaved with another
 * writer's.  ctx: the out_file. */
static int write_piece(void *ctx, const char *s, size_t n)
{
    return out_write(ctx, s, n);
}

typedef struct {
    const cli_opts *o;
    hb_engine *engine;
    out_file *out;
    int single;       /* one report, not JSON Lines */
    int status, usage_error;
    int write_failed;  /* the errno of a failed write, 0: none */
    long check_failed; /* check: reports that miss a required part */
    long checked, unreadable;
} run_state;

/* Counts an input that failed; called before its message, so that the
 * output held for the inputs before it comes first when both streams go
 * to one terminal or file. */
static void input_failed(run_state *st)
{
    int e = errno; /* for the message */
    if (!st->write_failed && !out_flush(st->out))
        st->write_failed = errno ? errno : EIO;
    errno = e;
    st->status = EXIT_INPUT;
    st->unreadable++;
}

static hb_extract_options extract_options(const cli_opts *o, const char *path)
{
    return (hb_extract_options){.path = path, .encoding = o->encoding, .profile = o->profile,
                                .max_bytes = o->max_bytes, .top_terms = o->top == 0 ? -1 : (int)o->top,
                                .until = strcmp(o->command, "tokens") ? HB_UNTIL_ALL
                                         : o->words                   ? HB_UNTIL_TEXT
                                                                      : HB_UNTIL_TOKENS};
}

/* The inputs up to this size have their JSON made whole and held to be
 * written with the next reports' (out_give); a larger one's is streamed. */
enum { HELD_INPUT_MAX = 64 << 10 };

/* Writes what the command makes of one report, r (freed here), of an
 * input of len bytes, or of its failure, err; `label` names it in
 * messages. */
static void emit(run_state *st, const char *label, size_t len, hb_report *r, const hb_error *err)
{
    const cli_opts *o = st->o;
    if (!r && err->code == HB_ERR_ARG) {
        /* a wrong --encoding or --profile would fail every report alike */
        fprintf(stderr, "huibao: %s\n", err->message);
        st->usage_error = 1;
        return;
    }
    if (!r) {
        input_failed(st);
        fprintf(stderr, "huibao: %s: %s\n", label, err->message);
        return;
    }
    int tokens = !strcmp(o->command, "tokens");
    if (tokens || (!strcmp(o->command, "extract") && (!st->out->hold || len > HELD_INPUT_MAX))) {
        /* streamed: a large report's JSON or words are never held whole */
        errno = 0;
        hb_status ws = tokens ? hb_report_tokens_write(r, o->words ? HB_TOKENS_WORDS : 0, write_piece, st->out)
                              : hb_report_write(r, (st->single && o->pretty ? HB_JSON_PRETTY : 0) | HB_JSON_LINE,
                                                write_piece, st->out);
        hb_report_free(r);
        if (ws == HB_ERR_IO)
            st->write_failed = errno ? errno : EIO;
        if (ws == HB_ERR_NOMEM) {
            input_failed(st);
            fprintf(stderr, "huibao: %s: out of memory\n", label);
        }
        return;
    }
    int check = !strcmp(o->command, "check"), passed = 0;
    char *text = check ? check_verdict(r, label, o, &passed) : hb_report_json(r, HB_JSON_LINE);
    st->checked += check;
    st->check_failed += check && !passed;
    hb_report_free(r);
    if (!text) {
        input_failed(st);
        fprintf(stderr, "huibao: %s: out of memory\n", label);
        return;
    }
    if (!out_give(st->out, text, strlen(text), check ? free : hb_free))
        st->write_failed = errno ? errno : EIO;
}

/* Runs the command on one report.  buf (from malloc) is handed to the
 * report: a large input is never held twice. */
static void process(run_state *st, const char *label, const char *path, char *buf, size_t len)
{
    hb_error err;
    hb_extract_options xo = extract_options(st->o, path);
    emit(st, label, len, hb_extract_owned(st->engine, buf, len, &xo, &err), &err);
}

/* Small files read ahead and extracted together (hb_extract_owned_n), so
 * that a batch of small reports runs stage by stage: up to as many as the
 * library's group (pipeline.c), and no more than GROUP_BYTES of input, what
 * 32 files of GROUP_FILE_MAX hold, so a group of larger files holds some
 * 22 MB at most (eleven times its input).  A file that cannot be read
 * keeps its place, so every message comes in the order of the files.  Kept
 * off the stack: an hb_error is 1 KiB. */
enum { GROUP_FILES = 128, GROUP_BYTES = 32 * GROUP_FILE_MAX };
typedef struct {
    size_t n, bytes;
    const char *path[GROUP_FILES];
    char *buf[GROUP_FILES]; /* NULL: not read, why[] says why */
    size_t len[GROUP_FILES];
    char why[GROUP_FILES][256];
    /* flush_group's own: the inputs read, and their reports */
    char *bufs[GROUP_FILES];
    size_t lens[GROUP_FILES];
    hb_extract_options xo[GROUP_FILES];
    hb_report *r[GROUP_FILES];
    hb_error err[GROUP_FILES];
} file_group;

static void flush_group(run_state *st, file_group *g)
{
    char **bufs = g->bufs;
    size_t *lens = g->lens, m = 0;
    hb_extract_options *xo = g->xo;
    hb_report **r = g->r;
    hb_error *err = g->err;
    for (size_t k = 0; k < g->n; k++)
        if (g->buf[k]) {
            bufs[m] = g->buf[k];
            lens[m] = g->len[k];
            xo[m++] = extract_options(st->o, g->path[k]);
        }
    cli_memory_huge_for_group(g->bytes, m);
    hb_extract_owned_n(st->engine, m, bufs, lens, xo, r, err);
    for (size_t k = 0, j = 0; k < g->n; k++) {
        if (st->write_failed || st->usage_error) {
            if (g->buf[k])
                hb_report_free(r[j++]);
        } else if (!g->buf[k]) {
            input_failed(st);
            fprintf(stderr, "huibao: %s: %s\n", g->path[k], g->why[k]);
        } else {
            emit(st, g->path[k], g->len[k], r[j], &err[j]);
            j++;
        }
    }
    g->n = g->bytes = 0;
}

/* --jsonl-in: every line of the file is one report record. */
static void read_records(run_state *st, const char *file)
{
    struct stat sb;
    char why[256] = "";
    FILE *f = open_input(file, &sb, why, sizeof why);
    if (!f) {
        input_failed(st);
        fprintf(stderr, "huibao: %s: %s\n", file, why);
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
            input_failed(st);
            fprintf(stderr, "huibao: %s: %s\n", label, err.message);
            continue;
        }
        process(st, path ? path : label, path ? path : label, text, len);
        hb_free(path);
    }
    if (n == LINE_TOO_LONG) {
        input_failed(st);
        fprintf(stderr, "huibao: %s:%ld: record longer than %zu bytes (--max-bytes); the rest of the file is skipped\n",
                file, lineno, limit);
    } else if (n == LINE_NOMEM || ferror(f)) {
        input_failed(st);
        fprintf(stderr, "huibao: %s: %s\n", file, n == LINE_NOMEM ? "out of memory" : strerror(errno));
    }
    free(line);
    if (f != stdin)
        fclose(f);
}

int main(int argc, char **argv)
{
    cli_memory_init();
    out_init();
    cli_opts o = {0};
    parse_args(argc, argv, &o);
    signal(SIGPIPE, SIG_IGN); /* a closed pipe becomes a write error: quiet on stdout */
    if (!strcmp(o.command, "summary")) {
        int rc = cmd_summary(&o);
        free(o.files);
        free(o.dict_add);
        return rc;
    }
    /* the library finds the default rules as hb_engine_new(NULL, …) does;
     * the lexicon is huibao's own unless one is named */
    const char *lexenv = getenv("HUIBAO_LEXICON");
    cli_image lex_image = o.lexicon || (lexenv && *lexenv) ? (cli_image){NULL, 0} : builtin_lexicon();
    char *dict = o.dict ? NULL : hb_default_dict_dir(),
         *lexicon = o.lexicon || lex_image.size ? NULL : hb_default_lexicon();
    const char *dict_dir = o.dict ? o.dict : dict;
    size_t noverlays;
    const char **overlays = dict_overlays(o.dict_add, o.ndict_add, &noverlays);
    if (!overlays || !dict_dir) {
        fprintf(stderr, "huibao: out of memory\n");
        return EXIT_INPUT;
    }
    char tmplbuf[PATH_MAX], rulesbuf[PATH_MAX];
    o.template_path = find_template(&o, dict_dir, tmplbuf, sizeof tmplbuf);
    /* a copy: batch writes its page after the default folder's name is freed */
    if ((size_t)snprintf(rulesbuf, sizeof rulesbuf, "%s", dict_dir) < sizeof rulesbuf)
        o.rules_dir = rulesbuf;
    if (!strcmp(o.command, "page")) {
        int rc = o.template_path ? page_command(o.files, o.nfiles, o.summary, o.template_path, o.rules_dir, o.output)
                                 : EXIT_USAGE;
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
    if (!strcmp(o.command, "batch") &&
        rules_identity(dict_dir, overlays, noverlays, o.lexicon ? o.lexicon : lexicon, lex_image, o.rules_id) != 0)
        o.rules_id[0] = '\0'; /* the engine load below names what is wrong */
    cli_image rules_image = builtin_rules();
    hb_engine_options eo = {.dict_dir = dict_dir, .lexicon_path = o.lexicon ? o.lexicon : lexicon,
                            .lexicon_image = lex_image.data, .lexicon_image_size = lex_image.size,
                            .rules_image = rules_image.data, .rules_image_size = rules_image.size,
                            .domain_off = o.no_domain,
                            .dict_overlays = overlays, .n_dict_overlays = noverlays,
                            .lexicon_required = o.lexicon != NULL,
                            /* tokens --words segments only: no stage's rules */
                            .words_only = !strcmp(o.command, "tokens") && o.words};
    hb_error err;
    int lexicon_known = eo.lexicon_path || lex_image.size;
    hb_engine *engine = lexicon_known ? hb_engine_new(&eo, &err) : NULL;
    free(overlays); /* the engine keeps its own copies */
    free(o.dict_add);
    if (!engine) {
        if (!eo.dict_dir || !lexicon_known)
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
    if (!strcmp(o.command, "batch") || !strcmp(o.command, "table")) {
        int rc = !strcmp(o.command, "batch") ? cmd_batch(&o, engine) : cmd_table(&o, engine);
        hb_engine_free(engine);
        free(o.files);
        return rc;
    }

    out_file of;
    char out_why[512];
    if (out_open(&of, o.output ? o.output : "-", out_why, sizeof out_why) != 0) {
        fprintf(stderr, "huibao: %s: %s\n", o.output, out_why);
        hb_engine_free(engine);
        free(o.files);
        return EXIT_OUTPUT;
    }
    of.hold = o.nfiles > 1 || o.jsonl_in; /* one report: nothing to write it with */
    cli_memory_want_huge();
    run_state st = {.o = &o, .engine = engine, .out = &of,
                    .single = o.nfiles == 1 && !o.jsonl && !o.jsonl_in};
    /* not cleared (86 KB, most of them error texts): each entry is set before it is read */
    file_group *group = o.jsonl_in ? NULL : malloc(sizeof *group);
    if (group)
        group->n = group->bytes = 0;
    if (!o.jsonl_in && !group) {
        fprintf(stderr, "huibao: out of memory\n");
        out_abort(&of);
        hb_engine_free(engine);
        free(o.files);
        return EXIT_INPUT;
    }
    for (int i = 0; i < o.nfiles && !st.write_failed && !st.usage_error; i++) {
        const char *path = o.files[i];
        if (o.jsonl_in) {
            read_records(&st, path);
            continue;
        }
        size_t k = group->n++;
        size_t max = o.max_bytes ? o.max_bytes : HB_DEFAULT_MAX_BYTES;
        group->path[k] = path;
        group->why[k][0] = '\0';
        group->buf[k] = read_file(path, max, &group->len[k], group->why[k], sizeof group->why[k]);
        group->bytes += group->buf[k] ? group->len[k] : 0;
        if (group->n == GROUP_FILES || group->bytes >= GROUP_BYTES ||
            (group->buf[k] && group->len[k] > GROUP_FILE_MAX) || i + 1 == o.nfiles)
            flush_group(&st, group);
    }
    free(group);
    if (!st.write_failed && !st.usage_error && !out_flush(&of))
        st.write_failed = errno ? errno : EIO;
    int status = st.check_failed ? EXIT_CHECK : st.status;
    if (!strcmp(o.command, "check") && o.jsonl)
        check_tally(st.checked, st.check_failed, st.unreadable);
    if (st.usage_error) {
        out_abort(&of);
        status = EXIT_USAGE;
    } else if (st.write_failed == EPIPE && !o.output) {
        out_abort(&of); /* standard output: only what is held goes */
        status = EXIT_OK; /* … | head: the reader has all it wanted */
    } else if (st.write_failed) {
        fprintf(stderr, "huibao: %s: write error: %s\n", o.output ? o.output : "standard output",
                strerror(st.write_failed));
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
