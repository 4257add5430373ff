/* jieba's added words beside the segmenter: suggest_freq (the smallest
 * frequency that keeps a word whole, found by segmenting it), add_word and
 * load_userdict over a hb_lexicon. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "hash.h"
#include "lexicon_file.h"
#include "normalize.h"
#include "segment.h"
#include "strbuf.h"

/* ---- the memo of an engine's added words ----
 * Blob: a head, n entries, then the words' bytes.  From a rules file it may
 * be damaged or crafted: each entry is checked when it is reached, and a bad
 * one ends the replay (the words are then segmented, as without a memo). */
struct memo_head {
    uint32_t n, reserved;
    uint64_t words;   /* bytes of the words after the entries */
};

struct memo_entry {
    uint64_t off;     /* of the word in the words' bytes */
    uint32_t len, reserved;
    int64_t asked;    /* the frequency asked for, HB_LEX_SUGGEST: a suggestion */
    int64_t freq;     /* the frequency given */
};

struct hb_lex_memo {
    /* replaying: the next entry, while every word so far matched */
    const struct memo_entry *v;
    const char *words;
    uint64_t nwords;
    uint32_t n, at;
    int on;
    /* recording: the entries and the words' bytes (a failed allocation
     * sticks in the buffer and leaves the memo unwritten) */
    int record;
    hb_strbuf rv, rw;
};

void hb_lexicon_memo_key(const struct hb_lexicon *lx, unsigned char key[32])
{
    /* the general lexicon's header stands for it (its sizes and total);
     * the last half keeps the key apart from any automaton's (hb_ac_key) */
    struct lex_header h;
    memset(&h, 0, sizeof h);
    if (lx->file && lx->file_size >= sizeof h)
        memcpy(&h, lx->file, sizeof h);
    uint64_t k[4] = {hb_hash_bytes((const char *)&h, sizeof h), hb_hash_bytes((const char *)&h + 1, sizeof h - 1),
                     UINT64_MAX, 0};
    memcpy(&k[3], "lexmemo", 8);
    memcpy(key, k, 32);
}

hb_status hb_lexicon_memo_start(struct hb_lexicon *lx, const void *blob, size_t size, int record)
{
    struct hb_lex_memo *m = calloc(1, sizeof *m);
    if (!m)
        return HB_ERR_NOMEM;
    const struct memo_head *h = blob;
    if (blob && (uintptr_t)blob % 8 == 0 && size >= sizeof *h && h->n <= (size - sizeof *h) / sizeof *m->v &&
        h->words == size - sizeof *h - h->n * sizeof *m->v) {
        m->v = (const struct memo_entry *)(h + 1);
        m->n = h->n;
        m->words = (const char *)(m->v + h->n);
        m->nwords = h->words;
        m->on = 1;
    }
    m->record = record;
    lx->memo = m;
    return HB_OK;
}

void *hb_lexicon_memo_end(struct hb_lexicon *lx, size_t *size)
{
    struct hb_lex_memo *m = lx->memo;
    void *out = NULL;
    *size = 0;
    if (m && m->record && !m->rv.failed && !m->rw.failed) {
        struct memo_head h = {(uint32_t)(m->rv.n / sizeof(struct memo_entry)), 0, m->rw.n};
        size_t n = sizeof h + m->rv.n + m->rw.n;
        if ((out = malloc(n))) {
            memcpy(out, &h, sizeof h);
            if (m->rv.n)
                memcpy((char *)out + sizeof h, m->rv.s, m->rv.n);
            if (m->rw.n)
                memcpy((char *)out + sizeof h + m->rv.n, m->rw.s, m->rw.n);
            *size = n;
        }
    }
    if (m) {
        free(m->rv.s);
        free(m->rw.s);
        free(m);
    }
    lx->memo = NULL;
    return out;
}

/* The frequency the memo gives the next word added (asked: as passed to
 * hb_lexicon_add), 0 when it has none: then and ever after the words are
 * segmented, as the lexicon has left the recorded path. */
static int memo_take(struct hb_lex_memo *m, const char *word, size_t len, long long asked, long long *freq)
{
    if (!m || !m->on)
        return 0;
    const struct memo_entry *x = m->at < m->n ? &m->v[m->at] : NULL;
    m->on = x && x->len == len && x->off <= m->nwords && len <= m->nwords - x->off &&
            !memcmp(m->words + x->off, word, len) && x->asked == asked && x->freq >= 0 &&
            x->freq <= (1LL << 53) && (asked < 0 || x->freq == asked);
    if (!m->on)
        return 0;
    m->at++;
    *freq = x->freq;
    return 1;
}

/* Notes a word added, when recording. */
static void memo_note(struct hb_lex_memo *m, const char *word, size_t len, long long asked, long long freq)
{
    if (!m || !m->record)
        return;
    struct memo_entry x = {m->rw.n, (uint32_t)len, 0, asked, freq};
    hb_strbuf_add(&m->rv, (const char *)&x, sizeof x);
    hb_strbuf_add(&m->rw, word, len);
}

typedef struct {
    const struct hb_lexicon *lx;
    const char *text;
    double f, ftotal;
} suggest_ctx;

static void suggest_word(void *ctx, size_t start, size_t end)
{
    suggest_ctx *s = ctx;
    long long g = hb_lexicon_freq(s->lx, s->text + start, end - start);
    s->f *= (double)(g < 0 ? 1 : g) / s->ftotal;
}

/* jieba's suggest_freq(word, tune=False) for a single string. */
static hb_status suggest_freq(const struct hb_lexicon *lx, const char *word, size_t len,
                              long long *out)
{
    long long own = hb_lexicon_freq(lx, word, len);
    if (own < 0)
        own = 1;
    if (lx->total <= 0) {
        *out = own > 1 ? own : 1;
        return HB_OK;
    }
    suggest_ctx s = {lx, word, 1.0, (double)lx->total};
    hb_status st = hb_segment(lx, word, len, 0, suggest_word, &s);
    if (st != HB_OK)
        return st;
    long long f = (long long)(s.f * (double)lx->total) + 1;
    *out = f > own ? f : own;
    return HB_OK;
}

hb_status hb_lexicon_add(struct hb_lexicon *lx, const char *word, size_t len, long long freq,
                         const char *tag)
{
    if (len == 0 || !hb_utf8_valid(word, len) || memchr(word, '\0', len) ||
        hb_utf8_count(word, len) > HB_LEX_MAX_WORD)
        return HB_ERR_ARG;
    long long asked = freq;
    if (!memo_take(lx->memo, word, len, asked, &freq) && freq < 0) {
        hb_status st = suggest_freq(lx, word, len, &freq);
        if (st != HB_OK)
            return st;
    }
    hb_status st = hb_lexicon_set(lx, word, len, freq, tag);
    if (st == HB_OK)
        memo_note(lx->memo, word, len, asked, freq);
    else if (lx->memo)
        lx->memo->on = 0;
    return st;
}

/* jieba's re_userdict ^(.+?)( [0-9]+)?( [a-z]+)?$ : does the tail after the
 * word match ( [0-9]+)?( [a-z]+)?$ ?  Sets the freq and tag spans. */
static int user_tail(const char *s, size_t n, size_t *fa, size_t *fn, size_t *ta, size_t *tn)
{
    size_t i = 0;
    *fn = *tn = 0;
    if (i < n && s[i] == ' ' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
        size_t j = i + 1;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j == n || s[j] == ' ') {
            *fa = i + 1;
            *fn = j - i - 1;
            i = j;
        }
    }
    if (i < n && s[i] == ' ' && i + 1 < n && s[i + 1] >= 'a' && s[i + 1] <= 'z') {
        size_t j = i + 1;
        while (j < n && s[j] >= 'a' && s[j] <= 'z')
            j++;
        if (j == n) {
            *ta = i + 1;
            *tn = j - i - 1;
            i = j;
        }
    }
    return i == n;
}

/* Splits one stripped line into word, freq (-1: none) and tag. */
static int user_line(char *s, size_t n, size_t *wlen, long long *freq, char **tag)
{
    size_t fa = 0, fn = 0, ta = 0, tn = 0;
    *tag = NULL;
    *freq = HB_LEX_SUGGEST;
    if (memchr(s, '\t', n)) {
        /* TAB-separated, as huibao's other dictionaries are. */
        char *t1 = memchr(s, '\t', n);
        *wlen = (size_t)(t1 - s);
        char *f = t1 + 1, *t2 = memchr(f, '\t', (size_t)(s + n - f));
        size_t flen = (size_t)((t2 ? t2 : s + n) - f);
        if (flen && (*freq = hb_lex_parse_freq(f, flen, 1LL << 53)) < 0)
            return -1;
        if (flen == 0)
            *freq = HB_LEX_SUGGEST;
        if (t2) {
            *tag = t2 + 1;
            s[n] = '\0';
        }
        return *wlen ? 0 : -1;
    }
    size_t i = (size_t)hb_utf8_len((unsigned char)s[0]);
    while (!user_tail(s + i, n - i, &fa, &fn, &ta, &tn))
        i += (size_t)hb_utf8_len((unsigned char)s[i]);
    *wlen = i;
    if (fn && (*freq = hb_lex_parse_freq(s + i + fa, fn, 1LL << 53)) < 0)
        return -1;
    if (tn) {
        *tag = s + i + ta;
        s[i + ta + tn] = '\0';
    }
    return 0;
}

hb_status hb_lexicon_load_user(struct hb_lexicon *lx, const char *path, hb_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    hb_status st = hb_lex_read_file(path, &buf, &len, err);
    if (st == HB_OK)
        st = hb_lexicon_load_user_text(lx, buf, len, path, err);
    free(buf);
    return st;
}

hb_status hb_lexicon_load_user_text(struct hb_lexicon *lx, char *buf, size_t len, const char *path, hb_error *err)
{
    hb_status st = HB_OK;
    int lineno = 0;
    for (size_t i = 0; i < len && st == HB_OK;) {
        size_t end = i;
        while (end < len && buf[end] != '\n')
            end++;
        lineno++;
        size_t a = i, z = end;
        i = end < len ? end + 1 : end;
        /* jieba strips bytes (ASCII whitespace) and then leading BOMs. */
        while (a < z && hb_lex_is_space((unsigned char)buf[a]))
            a++;
        while (z > a && hb_lex_is_space((unsigned char)buf[z - 1]))
            z--;
        if (memchr(buf + a, '\0', z - a) || !hb_utf8_valid(buf + a, z - a)) {
            st = HB_ERR_DICT;
            hb_dict_fail(err, st, path, lineno, 0, "line is not valid UTF-8");
            break;
        }
        while (z - a >= 3 && memcmp(buf + a, "\xEF\xBB\xBF", 3) == 0)
            a += 3;
        if (a == z || buf[a] == '#')
            continue;
        size_t wlen;
        long long freq;
        char *tag;
        if (user_line(buf + a, z - a, &wlen, &freq, &tag) < 0) {
            st = HB_ERR_DICT;
            hb_dict_fail(err, st, path, lineno, 0, "invalid entry: expected \"word [freq] [tag]\"");
            break;
        }
        st = hb_lexicon_add(lx, buf + a, wlen, freq, tag);
        if (st != HB_OK && hb_utf8_count(buf + a, wlen) > HB_LEX_MAX_WORD)
            hb_dict_fail(err, st, path, lineno, 0, "word longer than %d characters", HB_LEX_MAX_WORD);
        else if (st != HB_OK)
            hb_dict_fail(err, st, path, lineno, 0, "cannot add \"%.*s\": %s",
                         (int)(wlen > 60 ? 60 : wlen), buf + a, hb_strerror(st));
    }
    return st;
}
