/* Plain-text outputs: the token stream (the verdict is in required.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "extract.h"
#include "strbuf.h"
#include "words.h"
#include "tokens.h"

static void sb_token(hb_strbuf *b, const hb_doc *d, const char *type, size_t vs, size_t ve)
{
    char head[96];
    size_t ts = hb_doc_vstart(d, vs), te = hb_doc_vend(d, ve);
    int n = snprintf(head, sizeof head, "%s\t%zu\t%zu\t", type, ts, te);
    hb_strbuf_add(b, head, (size_t)n);
    hb_strbuf_add(b, d->text + ts, te - ts);
    hb_strbuf_add(b, "\n", 1);
}

typedef struct {
    hb_strbuf *b;
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
    hb_strbuf_add(w->b, head, (size_t)k);
    hb_strbuf_add(w->b, w->d->text + start, end - start);
    hb_strbuf_add(w->b, "\n", 1);
}

/* With HB_TOKENS_WORDS: the decoded text as jieba would cut it (numbers and
 * masks kept whole), so the output compares with jieba.cut line for line. */
char *hb_report_tokens(const hb_report *r, unsigned flags)
{
    hb_strbuf b = {0};
    if (flags & HB_TOKENS_WORDS) {
        word_ctx w = {&b, r};
        if (hb_words(r, r->text, r->len, HB_SEG_WHOLE, on_word, &w) != HB_OK)
            b.failed = 1;
        return hb_strbuf_take(&b);
    }
    for (size_t i = 0; i < r->tokens.n; i++) {
        const hb_token *t = &r->tokens.v[i];
        if (t->type == HB_TOK_SPACE)
            continue;
        sb_token(&b, r, hb_token_type_name(t->type), t->vstart, t->vend);
    }
    return hb_strbuf_take(&b);
}
