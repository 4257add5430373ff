/* What the command files of the CLI share: the parsed options, the exit
 * codes and a few helpers.  Each command file uses only huibao.h, jansson,
 * libc and (table.c) libxlsxwriter. */
#ifndef HB_CLI_H
#define HB_CLI_H

#include <stdio.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <jansson.h>

#include "huibao.h"

/* Exit codes, in the order of precedence when several apply: a usage,
 * dictionary or output error ends the run; otherwise a report that misses
 * a required part (3) is never hidden by another input's read error (1). */
enum {
    EXIT_OK = 0,
    EXIT_INPUT = 1,   /* at least one input file could not be read */
    EXIT_USAGE = 2,
    EXIT_CHECK = 3,   /* check: a report misses a required part */
    EXIT_SETUP = 4,   /* the dictionaries could not be loaded */
    EXIT_OUTPUT = 5   /* writing the output failed */
};

typedef struct {
    const char *command;
    int pretty, jsonl, jsonl_in, words, no_domain;
    const char *output, *encoding, *profile, *dict, *lexicon;
    const char **dict_add;  /* --dict-add, in order */
    size_t ndict_add;
    long top;
    size_t max_bytes;
    char **files;
    int nfiles;
    /* batch, table, summary, check */
    long jobs;              /* -j: 0 = the cores available */
    const char *glob;       /* batch: file name pattern in folders (default *.txt) */
    const char *files_from; /* batch: one input path a line ("-": stdin) */
    int resume, progress, quiet;  /* progress: 1 --progress, 0 auto */
    const char *format;     /* table: csv, tsv or xlsx; batch: xlsx adds reports.xlsx */
    int bom, metrics, json, notes;
    const char *summary, *template_path;  /* page */
    const char *rules_dir;  /* the rule folder in use (--dict or the default): page labels */
    char rules_id[65];      /* batch: sha256 of the rule files and lexicon in use */
} cli_opts;

/* The compiled files built into huibao (builtin.c); size 0: none. */
typedef struct {
    const void *data;
    size_t size;
} cli_image;
cli_image builtin_lexicon(void);
cli_image builtin_rules(void);

/* batch: the sha256 of every rule file (their names and bytes, in the
 * order the engine layers them) and of the lexicon (the file, or else the
 * built-in image), into hex; 0, or -1 when one cannot be read. */
int rules_identity(const char *dict_dir, const char *const *overlays, size_t n, const char *lexicon,
                   cli_image image, char hex[65]);

/* Reads a whole file ("-": standard input) into a buffer of
 * cli_input_buffer; on failure returns NULL with a reason in why. */
char *read_file(const char *path, size_t max, size_t *len, char *why, size_t cap);

/* memory.c: the heap's settings, made once at start; then, after
 * cli_memory_want_huge, the first input extracted alone (over
 * GROUP_FILE_MAX bytes, up to HUGE_INPUT_MAX), or else the first group of
 * smaller inputs (main.c), has its reports' memory in huge pages where the
 * kernel gives them.  cli_input_buffer is malloc for the input's bytes. */
enum { GROUP_FILE_MAX = 64 << 10, HUGE_INPUT_MAX = 8 << 20 };
/* The span is SPAN_MIN at least: a smaller one holds no whole huge page
 * once aligned.  Reports that take less than SMALL_ROOM are served first
 * from the small pages below the span, where they fit: their faults there
 * (some 1 us each) cost less than clearing a huge page (0.15-0.3 ms in
 * this VM; a report of 3 KB ran 7-9% slower in one). */
enum { SPAN_MIN = 4 << 20, SMALL_ROOM = 1 << 20 };
void cli_memory_init(void);
void cli_memory_want_huge(void);
void cli_memory_huge_for_group(size_t bytes, size_t reports);
void *cli_input_buffer(size_t size);

/* Writes all of buf with as few write() calls as the kernel allows (one for
 * a regular file): a JSON line never interleaves with another writer's.
 * Returns 0, or -1 with errno set. */
int write_full(int fd, const char *buf, size_t len);
/* The same for vec[0..n) in order, by writev() (vec is moved past what a
 * short write took). */
int write_vec_full(int fd, struct iovec *vec, int n);

/* Calls fn on each JSON value of a stream of concatenated values (JSON
 * Lines, or one pretty-printed object), one value in memory at a time.
 * fn returns 0 to go on.  Returns 0, -1 with a reason in why (a read error
 * or text that is not JSON), or what fn returned. */
typedef int (*json_value_fn)(void *ctx, const char *text, size_t len, long line);
int json_values(FILE *f, json_value_fn fn, void *ctx, char *why, size_t cap);

/* Commands (each returns an exit code). */
int cmd_batch(const cli_opts *o, hb_engine *engine);
int cmd_table(const cli_opts *o, hb_engine *engine);
int cmd_summary(const cli_opts *o);

/* check: the verdict on one report, as text or one JSON line (--jsonl),
 * into a new string the caller frees; *passed is 1 when nothing required
 * is missing.  NULL when out of memory. */
char *check_verdict(const hb_report *r, const char *label, const cli_opts *o, int *passed);
/* The closing tally of check on stderr. */
void check_tally(long checked, long failed, long unreadable);

/* Table files from report and error JSON Lines (reports.jsonl,
 * errors.jsonl; names[] for messages), read twice: the reports' rows, then
 * the unreadable inputs' rows.  Each read feeds every output.  An output's kind: 0 the
 * reports table, 1 the metrics table, 2 both (an XLSX workbook with a sheet
 * each).  Returns 0; 1 when an input is not report JSON ("NAME: line N:
 * reason" in why); -1 when an output failed ("OUTPUT: reason" in why; every
 * output is then left as it was). */
typedef enum { TABLE_CSV, TABLE_TSV, TABLE_XLSX } table_format;
typedef struct {
    const char *path; /* "-": standard output */
    table_format fmt;
    int kind;
} table_out;
int table_write(FILE *const *inputs, const char *const *names, int ninputs, const table_out *outs, int nouts,
                int bom, char *why, size_t cap);
/* The same fed one report at a time by a caller that holds each one parsed
 * already (batch): table_begin opens the outputs (NULL with why when one
 * cannot be); table_render_part (any thread, any order; NULL when out of
 * memory) makes a report's rows, so that batch's workers make them;
 * table_put_part (one thread, in input order) writes them (0, or -1 when
 * memory or an output failed); table_end (rc: 0, or nonzero to discard the
 * outputs) reads the unreadable inputs' rows from `errors` and commits or
 * removes every output; it frees the run and returns as table_write does. */
typedef struct table_run table_run;
typedef struct table_part table_part;
table_run *table_begin(const table_out *outs, int nouts, int bom, char *why, size_t cap);
table_part *table_render_part(const table_run *run, const json_t *report);
int table_put_part(table_run *run, const table_part *part);
void table_part_free(table_part *part);
int table_end(table_run *run, int rc, FILE *const *errors, const char *const *names, int n);
/* "csv", "tsv", "xlsx" → format; -1 for anything else. */
int table_format_of(const char *name);

#endif
