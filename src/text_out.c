/* Plain-text outputs: the token stream (the verdict is in required.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "doc.h"
#include "extract.h"
#include "strbuf.h"
#include "words.h"
#include "tokens.h"

/* Where the lines go: kept whole (write NULL) or handed to write in pieces
 * of PIECE bytes, so that a large text's lines are never held whole and the
 * buffer stays in cache. */
typedef struct {
    hb_strbuf b;
    const hb_doc *d;
    hb_write_fn write;
    void *ctx;
    int write_failed;
    hb_dec_offset at;   /* the last offset a word line printed */
} tok_out;

enum { PIECE = 64 << 10 };

static void flush(tok_out *o)
{
    if (!o->b.failed && !o->write_failed && o->b.n && !o->write(o->ctx, o->b.s, o->b.n))
        o->write_failed = 1;
    o->b.n = 0;
}

/* Room for n bytes more, the common case without a call. */
static char *room(tok_out *o, size_t n)
{
    return !o->b.failed && o->b.n + n < o->b.cap ? o->b.s + o->b.n : hb_strbuf_reserve(&o->b, n);
}

static void line_done(tok_out *o, const char *w, const char *p)
{
    o->b.n += (size_t)(p - w);
    if (o->write && o->b.n >= PIECE)
        flush(o);
}

/* One output line: "type<TAB>start<TAB>end<TAB>text" for text range [start, end). */
static void sb_line(tok_out *o, const char *type, size_t start, size_t end)
{
    size_t tn = strlen(type);
    char *w = room(o, tn + 2 * 20 + 4 + (end - start)), *p = w;
    if (!w)
        return;
    memcpy(p, type, tn);
    p += tn;
    *p++ = '\t';
    p = hb_put_uint(p, start);
    *p++ = '\t';
    p = hb_put_uint(p, end);
    *p++ = '\t';
    memcpy(p, o->d->text + start, end - start);
    p += end - start;
    *p++ = '\n';
    line_done(o, w, p);
}

/* sb_line for a word: the offsets from the running decimal, short words
 * copied 16 bytes at once (the room asked for covers the overshoot). */
static void word_line(tok_out *o, size_t start, size_t end)
{
    enum { WORD_TAB = 5, COPY = 16, DIGITS = 24 };
    size_t n = end - start;
    char *w = room(o, WORD_TAB + 2 * DIGITS + 3 + (n > COPY ? n : COPY)), *p = w;
    if (!w)
        return;
    memcpy(p, "word\t", WORD_TAB);
    p += WORD_TAB;
    hb_dec_advance(&o->at, start);
    memcpy(p, o->at.d + HB_DEC_END - o->at.n, DIGITS);
    p += o->at.n;
    *p++ = '\t';
    hb_dec_advance(&o->at, end);
    memcpy(p, o->at.d + HB_DEC_END - o->at.n, DIGITS);
    p += o->at.n;
    *p++ = '\t';
    if (n <= COPY && start + COPY <= o->d->len)
        memcpy(p, o->d->text + start, COPY);
    else
        memcpy(p, o->d->text + start, n);
    p += n;
    *p++ = '\n';
    line_done(o, w, p);
}

static void on_word(void *ctx, size_t start, size_t end)
{
    tok_out *o = ctx;
    const char *s = o->d->text + start;
    size_t n = end - start;
    if ((unsigned char)*s <= ' ') { /* else no blank to skip: most words */
        while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
            s++, n--;
        if (n == 0)
            return;
    }
    word_line(o, start, end);
}

/* One line for each token but the spaces: its type and its span in text. */
static void type_lines(const hb_report *r, const hb_token_vec *tok, tok_out *o)
{
    for (size_t i = 0; i < tok->n; i++) {
        const hb_token *t = &tok->v[i];
        if (t->type != HB_TOK_SPACE)
            sb_line(o, hb_token_type_name(t->type), hb_doc_vstart(r, t->vstart), hb_doc_vend(r, t->vend));
    }
}

/* With HB_TOKENS_WORDS: the decoded text as jieba would cut it (numbers and
 * masks kept whole), so the output compares with jieba.cut line for line. */
static void tokens_out(const hb_report *r, unsigned flags, tok_out *o)
{
    if (flags & HB_TOKENS_WORDS) {
        if (hb_words(r, r->text, r->len, HB_SEG_WHOLE, on_word, o) != HB_OK)
            o->b.failed = 1;
        return;
    }
    if (r->tokens.v || !r->paras.n) {
        type_lines(r, &r->tokens, o);
        return;
    }
    /* a full report kept no tokens (hb_tokens_run): made again a paragraph
     * at a time on a copy with an arena of its own, as printing never
     * writes into it */
    hb_doc scratch = *r;
    scratch.arena = (hb_arena){0};
    hb_token_vec tok = {0};
    for (size_t p = 0; p < r->paras.n && !o->b.failed; p++) {
        tok.n = 0;
        if (!hb_tokens_para(&scratch, p, &tok, NULL))
            o->b.failed = 1;
        type_lines(r, &tok, o);
    }
    hb_arena_release(&scratch.arena);
}

char *hb_report_tokens(const hb_report *r, unsigned flags)
{
    tok_out o = {.d = r};
    hb_dec_set(&o.at, 0);
    tokens_out(r, flags, &o);
    return hb_strbuf_take(&o.b);
}

hb_status hb_report_tokens_write(const hb_report *r, unsigned flags, hb_write_fn write, void *ctx)
{
    if (!r || !write)
        return HB_ERR_ARG;
    tok_out o = {.d = r, .write = write, .ctx = ctx};
    hb_dec_set(&o.at, 0);
    tokens_out(r, flags, &o);
    flush(&o);
    free(o.b.s);
    return o.b.failed ? HB_ERR_NOMEM : o.write_failed ? HB_ERR_IO : HB_OK;
}
