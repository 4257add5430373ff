/* The library's conveniences over the pipeline: reading a report from a
 * file, and typed read access to a finished report.  Nothing here writes
 * into a report. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc.h"
#include "engine.h"
#include "lists.h"
#include "metrics.h"
#include "sections.h"

#ifndef HB_DATADIR
#define HB_DATADIR "/usr/local/share/huibao"
#endif

/* ---- reading a file ----------------------------------------------------- */

/* Fills *err for the input file; returns NULL for the caller to return. */
static void *file_fail(hb_error *err, const char *path, hb_status code, const char *why)
{
    memset(err, 0, sizeof *err);
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", path);
    snprintf(err->message, sizeof err->message, "%s", why);
    return NULL;
}

static void *too_large(hb_error *err, const char *path, size_t max)
{
    char why[96];
    snprintf(why, sizeof why, "larger than the limit of %zu bytes", max);
    return file_fail(err, path, HB_ERR_TOO_LARGE, why);
}

/* The whole regular file, at most max bytes; NULL with *err filled. */
static char *read_regular(const char *path, size_t max, size_t *len, hb_error *err)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return file_fail(err, path, HB_ERR_IO, strerror(errno));
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        why = "is a directory";
    else if (!S_ISREG(st.st_mode))
        why = "not a regular file";
    if (why || (size_t)st.st_size > max) {
        close(fd);
        return why ? file_fail(err, path, HB_ERR_IO, why) : too_large(err, path, max);
    }
    /* a file may grow while it is read (or report size 0, as /proc does):
     * read until the end, one byte past the limit at most */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            why = strerror(errno);
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n > max)
            break;
        if (n == cap) {
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb)
                free(buf);
            buf = nb;
            cap = ncap;
        }
    }
    close(fd);
    if (!buf || why || n > max) {
        free(buf);
        return !buf ? file_fail(err, path, HB_ERR_NOMEM, hb_strerror(HB_ERR_NOMEM))
               : why ? file_fail(err, path, HB_ERR_IO, why)
                     : too_large(err, path, max);
    }
    *len = n;
    return buf;
}

hb_report *hb_extract_file(const hb_engine *engine, const char *path, const hb_extract_options *opts,
                           hb_error *err)
{
    hb_error local;
    if (!err)
        err = &local;
    if (!path)
        return file_fail(err, "", HB_ERR_ARG, "no path given");
    size_t len;
    char *buf = read_regular(path, opts && opts->max_bytes ? opts->max_bytes : HB_DEFAULT_MAX_BYTES, &len, err);
    if (!buf)
        return NULL;
    hb_extract_options o = {0};
    if (opts)
        o = *opts;
    if (!o.path)
        o.path = path;
    hb_report *r = hb_extract_owned(engine, buf, len, &o, err);
    if (!r)
        snprintf(err->file, sizeof err->file, "%s", path);
    return r;
}

/* ---- typed read access -------------------------------------------------- */

const char *hb_report_path(const hb_report *r)
{
    return r->path;
}

const char *hb_report_sha256(const hb_report *r)
{
    return r->sha256;
}

const char *hb_report_title(const hb_report *r)
{
    return r->title;
}

const char *hb_report_doc_type(const hb_report *r)
{
    return r->doc_type ? r->doc_type : "unknown";
}

const char *hb_report_organization(const hb_report *r)
{
    return r->sign_org;
}

const char *hb_report_period(const hb_report *r, int *from, int *to)
{
    if (from)
        *from = r->period ? r->period_from : 0;
    if (to)
        *to = r->period ? r->period_to : 0;
    return r->period;
}

size_t hb_report_metric_count(const hb_report *r)
{
    return r->metrics ? r->metrics->list.n : 0;
}

int hb_report_metric(const hb_report *r, size_t i, hb_metric_info *out)
{
    if (i >= hb_report_metric_count(r))
        return 0;
    const hb_metric *m = &r->metrics->list.v[i];
    int sec = r->paras.v[m->para].section;
    *out = (hb_metric_info){
        .value = m->value,
        .value_max = m->value_max,
        .masked = m->masked != 0,
        .approx = m->approx != 0,
        .approx_word = m->approx_word,
        .unit = m->unit,
        .category = m->category,
        .section = sec >= 0 ? r->sections.v[sec].id : NULL,
        .line = hb_doc_vline(r, m->vstart),
        .start = hb_doc_vstart(r, m->vstart),
        .end = hb_doc_vend(r, m->vend),
    };
    return 1;
}

/* The text as written of view span [vs, ve) into buf, snprintf-style;
 * nothing when vs == ve. */
static size_t copy_orig(const hb_report *r, size_t vs, size_t ve, char *buf, size_t cap)
{
    size_t n = ve > vs ? hb_doc_orig_copy(r, vs, ve, NULL) : 0;
    if (cap == 0)
        return n;
    char *s = n ? malloc(n + 1) : NULL;
    size_t k = 0;
    if (s) {
        hb_doc_orig_copy(r, vs, ve, s);
        k = n < cap ? n : cap - 1;
        while (k > 0 && k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--; /* never cut a character in two */
        memcpy(buf, s, k);
        free(s);
    }
    buf[k] = '\0';
    return n;
}

size_t hb_report_metric_subject(const hb_report *r, size_t i, char *buf, size_t cap)
{
    const hb_metric *m = i < hb_report_metric_count(r) ? &r->metrics->list.v[i] : NULL;
    return copy_orig(r, m ? m->sstart : 0, m ? m->send : 0, buf, cap);
}

size_t hb_report_section_count(const hb_report *r)
{
    return r->sections.n;
}

int hb_report_section(const hb_report *r, size_t i, hb_section_info *out)
{
    if (i >= r->sections.n)
        return 0;
    const hb_section *s = &r->sections.v[i];
    *out = (hb_section_info){
        .id = s->id,
        .marker = s->marker,
        .level = s->level,
        .number = s->number,
        .kind = hb_kind_name(s->kind),
        .parent = s->parent,
        .line = s->line,
    };
    return 1;
}

size_t hb_report_section_title(const hb_report *r, size_t i, char *buf, size_t cap)
{
    const hb_section *s = i < r->sections.n ? &r->sections.v[i] : NULL;
    return copy_orig(r, s ? s->tstart : 0, s ? s->tend : 0, buf, cap);
}

size_t hb_report_missing_count(const hb_report *r)
{
    size_t n = 0;
    for (int k = HB_KIND_ACHIEVEMENTS; r->lists && k <= HB_KIND_PLANS; k++)
        n += (r->lists->missing >> k) & 1u;
    return n;
}

const char *hb_report_missing(const hb_report *r, size_t i)
{
    for (int k = HB_KIND_ACHIEVEMENTS; r->lists && k <= HB_KIND_PLANS; k++)
        if (((r->lists->missing >> k) & 1u) && i-- == 0)
            return hb_kind_name(k);
    return NULL;
}
