/* The engine's lexicon, shared by every stage that segments (metrics and
 * their subjects, terms): jieba's dict.txt, dict/lexicon.txt and every
 * slogan, so that 一岗双责 stays whole.  The engine loads it before the
 * stages; no stage owns it. */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include <sys/stat.h>

#include "lexicon.h"
#include "rules.h"
#include "words.h"

static int add_slogan_word(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    struct hb_lexicon *lx = ctx;
    (void)nf;
    size_t len = strlen(f[0]);
    if (hb_utf8_count(f[0], len) > HB_LEX_MAX_WORD)
        return 0; /* too long to be one word for the segmenter; still matched as a slogan */
    if (hb_lexicon_add(lx, f[0], len, HB_LEX_SUGGEST, NULL) != HB_OK)
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    return 0;
}

static hb_status add_words(struct hb_engine *e, hb_error *err);

hb_status hb_words_load(struct hb_engine *e, hb_error *err)
{
    const char *general = e->lexicon_off ? NULL : e->lexicon_path;
    hb_error lerr;
    e->lexicon = hb_lexicon_open(general, &lerr);
    if (!e->lexicon && general && !e->lexicon_required) {
        hb_engine_note(e, "general lexicon not loaded (%s: %s); segmenting with dict/ words only",
                       general, lerr.message);
        e->lexicon = hb_lexicon_open(NULL, &lerr);
    }
    if (!e->lexicon) {
        *err = lerr;
        return lerr.code ? lerr.code : HB_ERR_NOMEM;
    }
    if (e->domain_off)
        return HB_OK;
    unsigned char key[32];
    size_t size = 0;
    hb_lexicon_memo_key(e->lexicon, key);
    const void *memo = hb_rules_find(e->rules, key, &size);
    if (hb_lexicon_memo_start(e->lexicon, memo, size, e->record != NULL) != HB_OK)
        return hb_dict_fail(err, HB_ERR_NOMEM, e->dict_dir, 0, 0, "out of memory"), HB_ERR_NOMEM;
    hb_status st = add_words(e, err);
    void *made = hb_lexicon_memo_end(e->lexicon, &size);
    if (made && e->record && hb_rules_record_blob(e->record, key, made, size) != HB_OK)
        return hb_dict_fail(err, HB_ERR_NOMEM, e->dict_dir, 0, 0, "out of memory"), HB_ERR_NOMEM;
    if (!e->record)
        free(made);
    return st;
}

/* dict/lexicon.txt of each layer, then the slogans: each overlay's words are
 * added after the shipped ones (a word listed again takes the later
 * frequency and tag, as in jieba). */
static hb_status add_words(struct hb_engine *e, hb_error *err)
{
    for (size_t l = 0; l < hb_dict_layers(e); l++) {
        char path[4096];
        struct stat sb;
        if (!hb_dict_path(e, l, "lexicon.txt", path, sizeof path))
            return hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "path too long"), HB_ERR_DICT;
        if (l > 0 && stat(path, &sb) != 0)
            continue;
        hb_status st = hb_dict_regular(path, err);
        if (st == HB_OK)
            st = hb_lexicon_load_user(e->lexicon, path, err);
        if (st != HB_OK && (st = hb_dict_fault(e, err)) != HB_OK)
            return st;
        if (e->check)
            e->check->fn(e->check->ctx, path, NULL);
    }
    /* the slogan stage reads the file next: its records are kept for it */
    return hb_dict_read(e, "slogans.txt", 2, 3, e->words_only ? 0 : HB_DICT_KEEP, add_slogan_word, e->lexicon, err);
}

void hb_words_unload(struct hb_engine *e)
{
    hb_lexicon_free(e->lexicon);
    e->lexicon = NULL;
}

hb_status hb_words(const hb_doc *d, const char *text, size_t len, unsigned flags, hb_word_fn fn, void *ctx)
{
    return hb_segment(d->engine->lexicon, text, len, flags, fn, ctx);
}
