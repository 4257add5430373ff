/* summary.html: one self-contained page (inline CSS and SVG) from a
 * summary.json text and the reports of one or more reports.jsonl files,
 * rendered through a template file (templates/summary.html; the syntax is
 * in templates/README.md). */
#ifndef HB_CLI_PAGE_H
#define HB_CLI_PAGE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* Writes the page to `out`.  `summary_json` is the summary (SUMMARY_SPEC:
 * summary_version 1), `reports_jsonl` the files holding one report JSON per
 * line (regular files: they are read twice, for the table and for the
 * per-report sections).  Codes are shown by the names of `dict_dir`'s
 * labels.txt and profiles/ (NULL: as written).  Returns 0; -1 when an input is wrong, with a reason
 * naming the file and line in why ("summary: …" for the summary text); -2
 * when writing failed.  On failure the output is incomplete and the caller
 * discards it. */
int page_write(FILE *out, const char *template_path, const char *dict_dir, const char *summary_json,
               size_t summary_len, char *const *reports_jsonl, int n, char *why, size_t cap);

/* Reads DICT_DIR/labels.txt as the page does: 0, or -1 with the file and
 * line of the fault in why (`huibao dict check`). */
int page_labels_check(const char *dict_dir, char *why, size_t cap);

/* `huibao page`: reads the summary file (NULL: the summary of the reports,
 * computed with hb_summary as `huibao summary` does), renders into `output` ("-" or NULL:
 * standard output) through a temporary file.  Returns an exit status
 * (0, 1 input, 5 output) after printing any error to stderr. */
int page_command(char *const *reports_jsonl, int n, const char *summary_path,
                 const char *template_path, const char *dict_dir, const char *output);

/* The per-report parts of the page rendered as each report comes, in input
 * order (batch: no second read of reports.jsonl).  A template whose
 * per-report parts ask for the page's own names (counts, charts: known only
 * at the end), or a fault in the template or labels, leaves the run unused:
 * page_from_summary then reads the reports files as `huibao page` does. */
typedef struct page_run page_run;
page_run *page_begin(const char *template_path, const char *dict_dir);
void page_run_free(page_run *run);

/* A report into the page in two steps, so that the rendering runs on
 * batch's workers: page_render_part (any thread, any order; NULL when out
 * of memory) renders a report's part with holes where its index goes,
 * page_put_part (one thread, in input order; NULL: out of memory) fills
 * them and adds the part to the page. */
typedef struct page_part page_part;
page_part *page_render_part(page_run *run, const json_t *report);
void page_put_part(page_run *run, const page_part *part);
void page_part_free(page_part *part);

/* The same from a summary already made (batch), through `run` (NULL: none)
 * when it holds every report. */
int page_from_summary(char *const *reports_jsonl, int n, const char *summary, const char *summary_path,
                      const char *template_path, const char *dict_dir, const char *output, page_run *run);

#endif
