/* The pipeline: the one table of stages, and everything that walks it —
 * engine creation and release, extraction, JSON output.  The stages and
 * their order are HB_STAGE_LIST of extract.h.  This file depends on every
 * stage; no stage depends on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "engine.h"
#include "error.h"
#include "extract.h"
#include "markers.h"
#include "metric_subject.h"
#include "numeral.h"
#include "required.h"
#include "rules.h"
#include "tokens.h"
#include "units.h"
#include "words.h"

#define ROW_RULES(name) hb_##name##_load, hb_##name##_unload
#define ROW_NO_RULES(name) NULL, NULL
#define ROW_JSON(name) hb_##name##_json
#define ROW_NO_JSON(name) NULL
#define ROW(name, rules, json) {#name, ROW_##rules(name), hb_##name##_run, ROW_##json(name)},

const hb_stage hb_stages[] = {HB_STAGE_LIST(ROW)};
const size_t hb_nstages = sizeof hb_stages / sizeof *hb_stages;

/* Generous for any sane rule, small enough that a catastrophic pattern
 * fails fast instead of hanging a batch. */
enum { MATCH_LIMIT = 1000000, DEPTH_LIMIT = 10000 };

/* hb_engine_new() without a dictionary folder: the defaults. */
static hb_engine *engine_new_default(const hb_engine_options *opts, struct hb_dict_checker *check,
                                     struct hb_rules_record *record,
                                     hb_error *err)
{
    hb_engine_options o = {0};
    if (opts)
        o = *opts;
    char *dict = hb_default_dict_dir(), *lexicon = opts ? NULL : hb_default_lexicon();
    hb_engine *e = NULL;
    if (!dict || (!opts && !lexicon)) {
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = HB_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "%s", hb_strerror(HB_ERR_NOMEM));
        }
    } else {
        o.dict_dir = dict;
        if (!opts)
            o.lexicon_path = lexicon;
        e = hb_engine_load(&o, check, record, err);
    }
    free(dict);
    free(lexicon);
    return e;
}

/* What several stages share, then each stage's own rules. */
static hb_status load_stages(hb_engine *e, hb_error *err)
{
    hb_status st = hb_units_load(e, err);
    if (st == HB_OK)
        st = hb_numerals_load(e, err);
    if (st == HB_OK)
        st = hb_markers_load(e, err);
    for (size_t i = 0; st == HB_OK && i < hb_nstages; i++)
        if (hb_stages[i].load)
            st = hb_stages[i].load(e, err);
    return st;
}

hb_engine *hb_engine_load(const hb_engine_options *opts, struct hb_dict_checker *check,
                          struct hb_rules_record *record, hb_error *err)
{
    hb_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof *err);
    if (!opts || !opts->dict_dir)
        return engine_new_default(opts, check, record, err);
    if (strlen(opts->dict_dir) > HB_DICT_DIR_MAX) {
        err->code = HB_ERR_ARG;
        snprintf(err->message, sizeof err->message, "dictionary folder path longer than %d bytes",
                 HB_DICT_DIR_MAX);
        return NULL;
    }
    hb_engine *e = calloc(1, sizeof *e);
    if (!e || !(e->dict_dir = strdup(opts->dict_dir)) || !(e->mctx = pcre2_match_context_create(NULL)) ||
        (opts->lexicon_path && !(e->lexicon_path = strdup(opts->lexicon_path)))) {
        hb_engine_free(e);
        err->code = HB_ERR_NOMEM;
        snprintf(err->message, sizeof err->message, "out of memory");
        return NULL;
    }
    e->check = check;
    hb_status ost = hb_dict_layers_init(e, opts, err);
    if (ost != HB_OK) {
        hb_error_set(err, ost, NULL);
        hb_engine_free(e);
        return NULL;
    }
    e->lexicon_off = opts->lexicon_off;
    e->domain_off = opts->domain_off;
    e->lexicon_required = opts->lexicon_required;
    e->words_only = opts->words_only;
    e->lexicon_image = opts->lexicon_image_size ? opts->lexicon_image : NULL;
    e->lexicon_image_size = opts->lexicon_image_size;
    e->rules_image = opts->rules_image_size ? opts->rules_image : NULL;
    e->rules_image_size = opts->rules_image_size;
    pcre2_set_match_limit(e->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(e->mctx, DEPTH_LIMIT);
    e->record = record;
    hb_status st = record ? HB_OK : hb_rules_load(e, err);
    if (st == HB_OK)
        st = hb_words_load(e, err);
    if (st == HB_OK) /* a words-only engine: decoding and the segmenter, no stage's rules */
        st = e->words_only ? HB_OK : load_stages(e, err);
    if (st != HB_OK) {
        hb_error_set(err, st, NULL);
        hb_engine_free(e);
        return NULL;
    }
    e->check = NULL;
    e->record = NULL;
    return e;
}

hb_engine *hb_engine_new(const hb_engine_options *opts, hb_error *err)
{
    return hb_engine_load(opts, NULL, NULL, err);
}

const struct hb_engine *hb_engine_hold(const struct hb_engine *e)
{
    /* the count is the one part of a shared engine that changes */
    atomic_fetch_add_explicit(&((struct hb_engine *)e)->holders, 1, memory_order_relaxed);
    return e;
}

void hb_engine_free(hb_engine *e)
{
    if (!e || atomic_fetch_sub_explicit(&e->holders, 1, memory_order_acq_rel) > 0)
        return;
    for (size_t i = hb_nstages; i-- > 0;)
        if (hb_stages[i].unload)
            hb_stages[i].unload(e);
    hb_markers_unload(e);
    hb_numerals_unload(e);
    hb_units_unload(e);
    hb_words_unload(e);
    hb_rules_free(e->rules); /* after the stages: their automata may point into it */
    pcre2_match_context_free(e->mctx);
    free(e->notes);
    free(e->dict_dir);
    hb_dict_layers_free(e);
    free(e->lexicon_path);
    free(e);
}

hb_doc *hb_doc_start(const hb_engine *e, const char *buf, size_t len, const hb_extract_options *opts,
                     hb_error *err)
{
    hb_doc *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->engine = hb_engine_hold(e);
    if (opts)
        d->opts = *opts;
    d->path = d->opts.path ? hb_decode_path(d, d->opts.path) : NULL;
    d->src = buf;
    d->src_bytes = len;
    d->err = err;
    d->title_para = d->addressee_para = -1;
    return d;
}

static hb_report *fail(hb_doc *d, hb_error *err, hb_status code)
{
    hb_error_set(err, code, NULL);
    hb_report_free(d);
    return NULL;
}

/* The report of buf[0..len) before its stages run, its options checked;
 * NULL with *err filled on failure.  own: buf is malloc'd and the report's
 * to keep or free (hb_extract_owned). */
static hb_doc *begin(const hb_engine *e, char *own, const char *buf, size_t len,
                     const hb_extract_options *opts, hb_error *err)
{
    memset(err, 0, sizeof *err);
    hb_doc *d = hb_doc_start(e, buf, len, opts, err);
    if (!d) {
        free(own);
        return fail(NULL, err, HB_ERR_NOMEM);
    }
    d->src_own = own;
    if (d->opts.until < HB_UNTIL_ALL || d->opts.until > HB_UNTIL_TEXT) {
        hb_error_set(err, HB_ERR_ARG, "unknown hb_extract_options.until");
        return fail(d, err, HB_ERR_ARG);
    }
    if (e->words_only && d->opts.until != HB_UNTIL_TEXT) {
        hb_error_set(err, HB_ERR_ARG, "engine loaded for words only (hb_engine_options.words_only)");
        return fail(d, err, HB_ERR_ARG);
    }
    if (d->opts.profile && !e->words_only && hb_profile_check(e, d->opts.profile, err) != HB_OK)
        return fail(d, err, HB_ERR_ARG);
    return d;
}

/* The stage a report stops after: the segmentation-only paths stop after
 * the stage they serve; NULL runs them all. */
static hb_status (*last_stage(const hb_doc *d))(hb_doc *)
{
    return d->opts.until == HB_UNTIL_TEXT ? hb_decode_run : d->opts.until == HB_UNTIL_TOKENS ? hb_tokens_run : NULL;
}

/* Runs the stages over the reports d[0..n) (n <= GROUP, NULL entries
 * skipped) stage by stage, not report by report: a stage's rules are still
 * in the processor's caches for the next report.  A report whose stage
 * fails is freed, its entry set to NULL and errs[k] filled.  64 reports of
 * 5 KB took 9% less time than 16 (best of 25, the 793 reports of the
 * issue's batch row): each stage starts cold once per group, and a group's
 * reports stay small beside the rules.  128 took 3% less than 64 once the
 * CLI kept a group's memory in huge pages (in small ones, the faults of the
 * larger group ate the gain); 256 no less than 128. */
enum { GROUP = 128 };
static void run_stages(hb_doc **d, hb_error **errs, size_t n)
{
    unsigned char done[GROUP] = {0};
    hb_group group = {0};
    for (size_t k = 0; k < n; k++)
        if (d[k]) {
            d[k]->group = &group;
            group.reports++;
        }
    for (size_t i = 0; i < hb_nstages; i++)
        for (size_t k = 0; k < n; k++) {
            if (!d[k] || done[k])
                continue;
            hb_status st = hb_stages[i].run(d[k]);
            if (st != HB_OK) {
                d[k] = fail(d[k], errs[k], st);
                continue;
            }
            done[k] = hb_stages[i].run == last_stage(d[k]);
        }
    for (size_t k = 0; k < n; k++)
        if (d[k]) {
            d[k]->src = NULL; /* the caller's, gone after this call */
            d[k]->err = NULL;
            d[k]->group = NULL;
        }
    hb_subject_memo_free(group.subject_memo);
    free(group.terms_first);
    free(group.terms_content);
}

static hb_report *extract(const hb_engine *e, char *own, const char *buf, size_t len,
                          const hb_extract_options *opts, hb_error *err)
{
    hb_error local;
    if (!err)
        err = &local;
    hb_doc *d = begin(e, own, buf, len, opts, err);
    if (d)
        run_stages(&d, &err, 1);
    return d;
}

hb_report *hb_extract(const hb_engine *e, const char *buf, size_t len, const hb_extract_options *opts,
                      hb_error *err)
{
    return extract(e, NULL, buf, len, opts, err);
}

/* A NUL after the input lets valid UTF-8 be the text as it is; NULL (buf
 * freed, *err filled) when there is no room for it. */
static char *terminated(char *buf, size_t len, hb_error *err)
{
    char *own = realloc(buf, len + 1);
    if (!own) {
        free(buf);
        memset(err, 0, sizeof *err);
        hb_error_set(err, HB_ERR_NOMEM, NULL);
        return NULL;
    }
    own[len] = '\0';
    return own;
}

hb_report *hb_extract_owned(const hb_engine *e, char *buf, size_t len, const hb_extract_options *opts,
                            hb_error *err)
{
    hb_error local;
    if (!err)
        err = &local;
    char *own = terminated(buf, len, err);
    return own ? extract(e, own, own, len, opts, err) : NULL;
}

void hb_extract_owned_n(const hb_engine *e, size_t n, char *const bufs[], const size_t lens[],
                        const hb_extract_options opts[], hb_report *reports[], hb_error errs[])
{
    hb_error unread; /* where the errors go that the caller does not ask for */
    for (size_t from = 0; from < n; from += GROUP) {
        size_t m = n - from < GROUP ? n - from : GROUP;
        hb_doc *d[GROUP];
        hb_error *err[GROUP];
        for (size_t k = 0; k < m; k++) {
            size_t at = from + k;
            err[k] = errs ? &errs[at] : &unread;
            char *own = terminated(bufs[at], lens[at], err[k]);
            d[k] = own ? begin(e, own, own, lens[at], opts ? &opts[at] : NULL, err[k]) : NULL;
        }
        run_stages(d, err, m);
        memcpy(reports + from, d, m * sizeof *d);
    }
}

void hb_report_free(hb_report *r)
{
    if (!r)
        return;
    free(r->fold_own);
    free(r->view_own);
    free(r->text_own);
    free(r->src_own);
    hb_arena_release(&r->arena);
    hb_engine_free((hb_engine *)r->engine);
    free(r);
}

/* Every field of the report in order.  The writers copy text into an
 * arena: a copy of the report's header with a scratch arena of its own, so
 * that printing never writes into the report and two threads may print one
 * report at once. */
static void report_fields(const hb_report *report, hb_json_out *out)
{
    hb_doc scratch = *report, *d = &scratch;
    scratch.arena = (hb_arena){0};
    hb_json_str(out, "schema_version", HB_SCHEMA_VERSION);
    for (size_t i = 0; i < hb_nstages; i++)
        if (hb_stages[i].json)
            hb_stages[i].json(d, out);
    hb_json_warnings(d, out);
    hb_arena_release(&scratch.arena);
}

char *hb_report_json(const hb_report *report, unsigned flags)
{
    hb_json_out *out = hb_json_out_new((flags & HB_JSON_PRETTY) != 0);
    if (!out)
        return NULL;
    report_fields(report, out);
    return hb_json_out_finish(out, flags & HB_JSON_LINE ? "\n" : "");
}

hb_status hb_report_write(const hb_report *report, unsigned flags, hb_write_fn write, void *ctx)
{
    if (!report || !write)
        return HB_ERR_ARG;
    hb_json_out *out = hb_json_out_stream((flags & HB_JSON_PRETTY) != 0, write, ctx);
    if (!out)
        return HB_ERR_NOMEM;
    report_fields(report, out);
    return hb_json_out_end(out, flags & HB_JSON_LINE ? "\n" : "");
}

/* Loads every rule file in check mode: each fault is reported, and loading
 * goes on where it can. */
int hb_dict_check(const hb_engine_options *opts, hb_dict_report_fn fn, void *ctx)
{
    struct hb_dict_checker check = {fn, ctx, 0};
    hb_engine_options o = *opts;
    o.lexicon_off = 1; /* the general lexicon is no rule file */
    hb_error err;
    hb_engine *e = hb_engine_load(&o, &check, NULL, &err);
    if (!e && err.code == HB_ERR_NOMEM)
        return -1;
    if (!e) { /* a fault that stopped loading: the rest was not read */
        fn(ctx, err.file, &err);
        check.faults++;
    }
    hb_engine_free(e);
    return check.faults;
}
