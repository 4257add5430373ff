/* Plain-text outputs: the token stream (the verdict is in required.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "extract.h"
#include "terms.h"
#include "tokens.h"

typedef struct {
    char *s;
    size_t n, cap;
    int failed;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t ncap = (b->n + n + 1) * 2;
        char *ns = realloc(b->s, ncap);
        if (!ns) {
            b->failed = 1;
            return;
        }
        b->s = ns;
        b->cap = ncap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_token(strbuf *b, const hb_doc *d, const char *type, size_t vs, size_t ve)
{
    char head[96];
    size_t ts = hb_doc_vstart(d, vs), te = hb_doc_vend(d, ve);
    int n = snprintf(head, sizeof head, "%s\t%zu\t%zu\t", type, ts, te);
    sb_add(b, head, (size_t)n);
    sb_add(b, d->text + ts, te - ts);
    sb_add(b, "\n", 1);
}

typedef struct {
    strbuf *b;
    const hb_doc *d;
} word_ctx;

static void on_word(void *ctx, size_t start, size_t end)
{
    word_ctx *w = ctx;
    const char *s = w->d->text + start;
    size_t n = end - start;
    while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++, n--;
    if (n == 0)
        return;
    char head[64];
    int k = snprintf(head, sizeof head, "word\t%zu\t%zu\t", start, end);
    sb_add(w->b, head, (size_t)k);
    sb_add(w->b, w->d->text + start, end - start);
    sb_add(w->b, "\n", 1);
}

/* With HB_TOKENS_WORDS: the decoded text as jieba would cut it (numbers and
 * masks kept whole), so the output compares with jieba.cut line for line. */
char *hb_report_tokens(const hb_report *r, unsigned flags)
{
    strbuf b = {0};
    sb_add(&b, "", 0);
    if (flags & HB_TOKENS_WORDS) {
        word_ctx w = {&b, r};
        if (hb_words(r, r->text, r->len, HB_SEG_WHOLE, on_word, &w) != HB_OK)
            b.failed = 1;
        if (b.failed) {
            free(b.s);
            return NULL;
        }
        return b.s;
    }
    for (size_t i = 0; i < r->tokens.n; i++) {
        const hb_token *t = &r->tokens.v[i];
        if (t->type == HB_TOK_SPACE)
            continue;
        sb_token(&b, r, hb_token_type_name(t->type), t->vstart, t->vend);
    }
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
