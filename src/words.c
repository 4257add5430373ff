/* The engine's lexicon, shared by every stage that segments (metrics and
 * their subjects, terms): jieba's dict.txt, dict/lexicon.txt and every
 * slogan, so that 一岗双责 stays whole.  The engine loads it before the
 * stages; no stage owns it. */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>
#include <sys/stat.h>

#include "engine.h"
#include "hash.h"
#include "lexicon.h"
#include "lexicon_file.h"
#include "rules.h"
#include "words.h"

static int add_slogan(struct hb_lexicon *lx, const char *w, size_t len, const char *file, int line, hb_error *err)
{
    if (hb_utf8_count(w, len) > HB_LEX_MAX_WORD)
        return 0; /* too long to be one word for the segmenter; still matched as a slogan */
    if (hb_lexicon_add(lx, w, len, HB_LEX_SUGGEST, NULL) != HB_OK)
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    return 0;
}

static int add_slogan_word(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    (void)nf;
    return add_slogan(ctx, f[0], strlen(f[0]), file, line, err);
}

/* The slogans gathered from slogans.txt before any is added (the records
 * they point into are kept for the slogan stage). */
typedef struct {
    struct slogan_word {
        const char *w, *file;
        size_t len;
        int line;
    } *v;
    size_t n, cap;
} slogan_words;

static int gather_slogan(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    slogan_words *sw = ctx;
    (void)nf;
    if (sw->n == sw->cap) {
        size_t cap = sw->cap ? sw->cap * 2 : 1024;
        struct slogan_word *v = realloc(sw->v, cap * sizeof *v);
        if (!v)
            return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
        sw->v = v;
        sw->cap = cap;
    }
    sw->v[sw->n++] = (struct slogan_word){f[0], file, strlen(f[0]), line};
    return 0;
}

/* The key of the overlay made on this general lexicon (its header, as the
 * memo's key has it) by dict/lexicon.txt's bytes and slogans.txt's (its
 * file key, skey); the last half keeps it apart from other keys. */
static void overlay_key(const struct hb_lexicon *lx, const char *text, size_t len, const unsigned char *skey,
                        unsigned char key[32])
{
    unsigned char memo[32];
    hb_lexicon_memo_key(lx, memo);
    uint64_t h[2] = {0x6C65786F766C6179ull ^ len, 0x2F0C4F3E91D58A27ull};
    hb_hash_mix(h, memo, 16);
    hb_hash_mix(h, skey, 16);
    hb_hash_mix(h, text, len);
    uint64_t k[4] = {h[0], h[1], UINT64_MAX, 0};
    memcpy(&k[3], "lexovl", 7);
    memcpy(key, k, 32);
}

/* dict/lexicon.txt's words, then the slogans, added one by one (and the
 * overlay they made filed under key, unless NULL, when compiling the rules). */
static hb_status add_gathered(struct hb_engine *e, char *text, size_t len, const char *path,
                              const slogan_words *sw, const unsigned char *key, hb_error *err)
{
    if (hb_lexicon_load_user_text(e->lexicon, text, len, path, err) != HB_OK)
        return hb_dict_fault(e, err);
    for (size_t i = 0; i < sw->n; i++)
        if (add_slogan(e->lexicon, sw->v[i].w, sw->v[i].len, sw->v[i].file, sw->v[i].line, err) != 0)
            return err->code;
    if (!e->record || !key)
        return HB_OK;
    size_t size;
    void *made = hb_lexicon_overlay_save(e->lexicon, &size);
    hb_status st = made ? hb_rules_record_blob(e->record, key, made, size) : HB_ERR_NOMEM;
    if (st != HB_OK)
        hb_dict_fail(err, st, e->dict_dir, 0, 0, "out of memory");
    return st;
}

/* The rules file's spare bytes, lent to the overlay taken from it. */
static void *rules_spare(void *rules, size_t size)
{
    return hb_rules_spare(rules, size);
}

/* Without overlay folders or a checker: the overlay of dict/lexicon.txt's
 * words and the slogans comes whole from the rules file when rulec filed
 * it for the same two files and general lexicon (an edited file misses the
 * key; slogans.txt is then not even split here).  Else they are added as
 * add_words() does, lexicon.txt's faults first as there (its text and the
 * slogans are read before any word is added, and the overlay is filed
 * when compiling). */
static hb_status add_own_words(struct hb_engine *e, hb_error *err)
{
    char path[4096], *text = NULL;
    size_t len = 0, size;
    if (!hb_dict_path(e, 0, "lexicon.txt", path, sizeof path))
        return hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "path too long"), HB_ERR_DICT;
    if (hb_dict_regular(path, err) != HB_OK || hb_lex_read_file(path, &text, &len, err) != HB_OK)
        return hb_dict_fault(e, err);
    unsigned char skey[32], key[32];
    int keyed = hb_dict_file_key(e, "slogans.txt", "lexicon words", skey);
    if (keyed) {
        overlay_key(e->lexicon, text, len, skey, key);
        memcpy(e->overlay_key, key, sizeof key); /* rulec marks its image for this overlay */
    }
    e->overlay_keyed = keyed;
    const void *blob = keyed && !e->record ? hb_rules_find(e->rules, key, &size) : NULL;
    hb_status st = HB_OK;
    if (blob) {
        hb_lex_spare spare = {rules_spare, e->rules};
        /* the lexicon image may stand for the overlay of the rules built in
         * with it; a file's ($HUIBAO_RULES) is checked and marked as any */
        const unsigned char *own = hb_rules_builtin(e->rules) ? key : NULL;
        if ((st = hb_lexicon_overlay_take(e->lexicon, blob, size, own, &spare)) == HB_ERR_DICT)
            hb_rules_damaged(e, err);
        else if (st != HB_OK)
            hb_dict_fail(err, st, e->dict_dir, 0, 0, "out of memory");
        free(text);
        return st;
    }
    slogan_words sw = {0};
    hb_error serr;
    memset(&serr, 0, sizeof serr);
    st = hb_dict_read(e, "slogans.txt", 2, 3, HB_DICT_KEEP, gather_slogan, &sw, &serr);
    if (st != HB_OK) { /* slogans.txt's fault, unless lexicon.txt has one */
        if (hb_lexicon_load_user_text(e->lexicon, text, len, path, err) != HB_OK)
            st = hb_dict_fault(e, err);
        else
            *err = serr;
    } else {
        st = add_gathered(e, text, len, path, &sw, keyed ? key : NULL, err);
    }
    free(text);
    free(sw.v);
    return st;
}

static hb_status add_words(struct hb_engine *e, hb_error *err);
static hb_status add_domain_words(struct hb_engine *e, hb_error *err);

hb_status hb_words_load(struct hb_engine *e, hb_error *err)
{
    const char *general = e->lexicon_off ? NULL : e->lexicon_path;
    hb_error lerr;
    e->lexicon = !general && !e->lexicon_off && e->lexicon_image
                     ? hb_lexicon_open_image(e->lexicon_image, e->lexicon_image_size, &lerr)
                     : hb_lexicon_open(general, &lerr);
    if (!e->lexicon && general && !e->lexicon_required) {
        hb_engine_note(e, "general lexicon not loaded (%s: %s); segmenting with dict/ words only",
                       general, lerr.message);
        e->lexicon = hb_lexicon_open(NULL, &lerr);
    }
    if (!e->lexicon) {
        *err = lerr;
        return lerr.code ? lerr.code : HB_ERR_NOMEM;
    }
    hb_status st = e->domain_off ? HB_OK : add_domain_words(e, err);
    if (st == HB_OK && hb_lexicon_settle(e->lexicon) != HB_OK)
        return hb_dict_fail(err, HB_ERR_NOMEM, e->dict_dir, 0, 0, "out of memory"), HB_ERR_NOMEM;
    return st;
}

/* dict/'s words added to the general lexicon, with the memo of their
 * suggested frequencies (taken from the rules file, or made for it). */
static hb_status add_domain_words(struct hb_engine *e, hb_error *err)
{
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
    if (e->n_overlays == 0 && !e->check)
        return add_own_words(e, err);
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
    return hb_dict_read(e, "slogans.txt", 2, 3, 0, add_slogan_word, e->lexicon, err);
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
