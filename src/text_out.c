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

enum { PIECE = 64 << 10, WORDS_HELD = 256 };

/* Where the lines go: kept whole (write NULL) or handed to write in pieces
 * of PIECE bytes, so that a large text's lines are never held whole and the
 * buffer stays in cache. */
typedef struct {
    hb_strbuf b;
    const hb_doc *d;
    hb_write_fn write;
    void *ctx;
    int write_failed;
    hb_dec_offset at;   /* the last offset a type line printed */
    hb_dec8 at8;        /* the last offset a word line printed */
    size_t hint;        /* the view map's run of the last token (hb_doc_vstart_hint) */
    /* words held for word_lines: the callback only notes a word, and the
     * batch is written in one loop with one room check, where a line each
     * call cost more in the call's overhead than in its bytes */
    size_t words[WORDS_HELD][2];
    unsigned nwords;
} tok_out;

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

enum { DIGITS = 24 }; /* room for an offset: put_offset copies this many */

/* Offset v at p from the running decimal: a line's start is most often the
 * last line's end, and the end a few bytes on, where a conversion would
 * divide the whole number. */
static inline __attribute__((always_inline)) char *put_offset(hb_dec_offset *at, char *p, size_t v)
{
    hb_dec_advance(at, v);
    memcpy(p, at->d + HB_DEC_END - at->n, DIGITS);
    return p + at->n;
}

/* One output line: "type<TAB>start<TAB>end<TAB>text" for text range [start, end). */
static void sb_line(tok_out *o, const char *type, size_t start, size_t end)
{
    size_t tn = strlen(type);
    char *w = room(o, tn + 2 * DIGITS + 3 + (end - start)), *p = w;
    if (!w)
        return;
    memcpy(p, type, tn);
    p += tn;
    *p++ = '\t';
    p = put_offset(&o->at, p, start);
    *p++ = '\t';
    p = put_offset(&o->at, p, end);
    *p++ = '\t';
    memcpy(p, o->d->text + start, end - start);
    p += end - start;
    *p++ = '\n';
    line_done(o, w, p);
}

enum { WORD_TAB = 5, COPY = 16, WORD_LINE = WORD_TAB + 2 * 8 + 3 + COPY };

/* The line of word [start, end) at p (room for WORD_LINE and the word's
 * bytes) from its offsets' text, each stored as 8 bytes at once and short
 * words copied 16 bytes at once (the room covers the overshoot); returns
 * the line's end. */
static inline __attribute__((always_inline)) char *word_line(const char *text, size_t len, char *p,
                                                            uint64_t from, unsigned from_n, uint64_t to,
                                                            unsigned to_n, size_t start, size_t end)
{
    size_t n = end - start;
    memcpy(p, "word\t", WORD_TAB);
    p += WORD_TAB;
    memcpy(p, &from, 8);
    p += from_n;
    *p++ = '\t';
    memcpy(p, &to, 8);
    p += to_n;
    *p++ = '\t';
    if (n <= COPY && start + COPY <= len)
        memcpy(p, text + start, COPY);
    else
        memcpy(p, text + start, n);
    p += n;
    *p++ = '\n';
    return p;
}

/* Whether s[0..n) is all blanks, a word jieba's output leaves out. */
static int blank_word(const char *s, size_t n)
{
    if ((unsigned char)*s > ' ') /* most words */
        return 0;
    while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++, n--;
    return n == 0;
}

/* The held words' lines, in one room, their offsets from the running
 * decimal in a register: a word most often starts where the last ended, so
 * the last end's text serves as the start. */
static void held_lines(tok_out *o, unsigned k)
{
    /* the words' bytes: at most the span from the first word's start */
    char *w = room(o, k * (size_t)WORD_LINE + (o->words[k - 1][1] - o->words[0][0])), *p = w;
    if (!w)
        return;
    /* the state as locals: the lines' bytes written through p would
     * otherwise make the compiler load them again after each */
    hb_dec8 at = o->at8;
    const char *text = o->d->text;
    size_t len = o->d->len;
    uint64_t at_text = hb_dec8_text(&at);
    for (unsigned i = 0; i < k; i++) {
        size_t start = o->words[i][0], end = o->words[i][1];
        if (blank_word(text + start, end - start))
            continue;
        if (start != at.v) {
            hb_dec8_advance(&at, start);
            at_text = hb_dec8_text(&at);
        }
        uint64_t from = at_text;
        unsigned from_n = at.n;
        hb_dec8_advance(&at, end);
        at_text = hb_dec8_text(&at);
        p = word_line(text, len, p, from, from_n, at_text, at.n, start, end);
    }
    o->at8 = at;
    line_done(o, w, p);
}

/* The held words' lines: offsets past the register decimal's reach (a
 * text of 100 MB or more) a line at a time. */
static void word_lines(tok_out *o)
{
    unsigned k = o->nwords;
    o->nwords = 0;
    if (k && o->words[k - 1][1] < HB_DEC8_LIMIT) {
        held_lines(o, k);
    } else {
        for (unsigned i = 0; i < k; i++) {
            size_t start = o->words[i][0], end = o->words[i][1];
            if (!blank_word(o->d->text + start, end - start))
                sb_line(o, "word", start, end);
        }
    }
}

static void on_word(void *ctx, size_t start, size_t end)
{
    tok_out *o = ctx;
    o->words[o->nwords][0] = start;
    o->words[o->nwords][1] = end;
    if (++o->nwords == WORDS_HELD)
        word_lines(o);
}

/* One line for each token but the spaces: its type and its span in text.
 * The tokens come in order, so the view map's run is kept between them
 * (a search from scratch for each offset was most of this output's time). */
static void type_lines(const hb_report *r, const hb_token_vec *tok, tok_out *o)
{
    for (size_t i = 0; i < tok->n; i++) {
        const hb_token *t = &tok->v[i];
        if (t->type != HB_TOK_SPACE) {
            size_t start = hb_doc_vstart_hint(r, t->vstart, &o->hint);
            sb_line(o, hb_token_type_name(t->type), start, hb_doc_vend_hint(r, t->vend, &o->hint));
        }
    }
}

/* With HB_TOKENS_WORDS: the decoded text as jieba would cut it (numbers and
 * masks kept whole), so the output compares with jieba.cut line for line. */
static void tokens_out(const hb_report *r, unsigned flags, tok_out *o)
{
    if (flags & HB_TOKENS_WORDS) {
        if (hb_words(r, r->text, r->len, HB_SEG_WHOLE, on_word, o) != HB_OK)
            o->b.failed = 1;
        word_lines(o);
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
    hb_dec8_set(&o.at8, 0);
    tokens_out(r, flags, &o);
    return hb_strbuf_take(&o.b);
}

hb_status hb_report_tokens_write(const hb_report *r, unsigned flags, hb_write_fn write, void *ctx)
{
    if (!r || !write)
        return HB_ERR_ARG;
    tok_out o = {.d = r, .write = write, .ctx = ctx};
    hb_dec_set(&o.at, 0);
    hb_dec8_set(&o.at8, 0);
    tokens_out(r, flags, &o);
    flush(&o);
    free(o.b.s);
    return o.b.failed ? HB_ERR_NOMEM : o.write_failed ? HB_ERR_IO : HB_OK;
}
