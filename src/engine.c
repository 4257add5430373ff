/* Loading and freeing the engine: every stage's rules from dict/. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "engine.h"
#include "extract.h"
#include "script.h"

/* Generous for any sane rule, small enough that a catastrophic pattern
 * fails fast instead of hanging a batch. */
enum { MATCH_LIMIT = 1000000, DEPTH_LIMIT = 10000 };

typedef hb_status (*loader)(struct hb_engine *, hb_error *);

static const loader LOADERS[] = {hb_decode_load, hb_layout_load, hb_sections_load, hb_docfacts_load,
                                 hb_script_load, hb_extractors_load};

hb_engine *hb_engine_new(const hb_engine_options *opts, hb_error *err)
{
    hb_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof *err);
    if (!opts || !opts->dict_dir) {
        err->code = HB_ERR_ARG;
        snprintf(err->message, sizeof err->message, "no dictionary folder given");
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
    e->lexicon_off = opts->lexicon_off;
    e->domain_off = opts->domain_off;
    pcre2_set_match_limit(e->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(e->mctx, DEPTH_LIMIT);
    for (size_t i = 0; i < sizeof LOADERS / sizeof *LOADERS; i++) {
        hb_status st = LOADERS[i](e, err);
        if (st != HB_OK) {
            if (!err->code) {
                err->code = st;
                snprintf(err->message, sizeof err->message, "%s", hb_strerror(st));
            }
            hb_engine_free(e);
            return NULL;
        }
    }
    return e;
}

void hb_engine_free(hb_engine *e)
{
    if (!e)
        return;
    hb_decode_unload(e);
    hb_layout_free(e->layout);
    hb_sections_rules_free(e->sections);
    hb_docfacts_rules_free(e->docfacts);
    hb_script_rules_free(e->script);
    hb_extractors_unload(e);
    pcre2_match_context_free(e->mctx);
    free(e->notes);
    free(e->dict_dir);
    free(e->lexicon_path);
    free(e);
}

void hb_engine_note(struct hb_engine *e, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t old = e->notes ? strlen(e->notes) : 0, add = strlen(line);
    char *nn = realloc(e->notes, old + add + 2);
    if (!nn)
        return;
    memcpy(nn + old, line, add);
    nn[old + add] = '\n';
    nn[old + add + 1] = '\0';
    e->notes = nn;
}

const char *hb_engine_notes(const hb_engine *e)
{
    return e ? e->notes : NULL;
}
