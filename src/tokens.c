#include "tokens.h"

#include <string.h>

#include "chars.h"
#include "engine.h"
#include "markers.h"
#include "normalize.h"

int hb_is_cn_numeral(int cp)
{
    unsigned cls;
    return hb_cn_numeral(cp, &cls) >= 0;
}

static int is_latin(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* On the folded view: full-width ！？；：，（）～ and … have become ASCII. */
static int punct_class(int cp)
{
    switch (cp) {
    case 0x3002: case '!': case '?':
        return HB_P_STOP;
    case ';':
        return HB_P_SEMI;
    case ':':
        return HB_P_COLON;
    case ',':
        return HB_P_COMMA;
    case 0x3001:
        return HB_P_PAUSE;
    case '(': case '[': case 0x3010: case 0x3014:
        return HB_P_PAREN_OPEN;
    case ')': case ']': case 0x3011: case 0x3015:
        return HB_P_PAREN_CLOSE;
    case '-': case '~': case 0x2014: case 0x2013: case 0x2015:
        return HB_P_DASH;
    case '%': case 0x2030:
        return HB_P_PERCENT;
    default:
        return 0;
    }
}

/* Where the plain Han characters (hb_plain_han3) from u[i] end, before
 * u[len]: the loop over most of a report's bytes.  A lead byte and the
 * continuation byte after it make the bit table's word at once, checked
 * for a lead of E4..E9 by one comparison (the view is valid UTF-8), and
 * the table's address is loaded once: 15 instructions a character, not 18. */
static inline __attribute__((always_inline)) size_t plain_han_end(const unsigned char *u, size_t i,
                                                                  size_t len)
{
    const unsigned long long *bits = hb_plain_han_bits;
    for (; i + 3 <= len; i += 3) {
        unsigned word = ((unsigned)u[i] << 6) + u[i + 1] - (0xE4u << 6 | 0x80u);
        if (word >= HB_PLAIN_HAN_WORDS || !(bits[word] >> (u[i + 2] & 63u) & 1))
            break;
    }
    return i;
}

/* The length of the run of Han characters other than numerals at s: the
 * bulk of a report's text, so most characters are judged by their bytes
 * alone (hb_plain_han3), without decoding them; the rest of Han (U+3400..,
 * U+20000..) by their code points. */
static inline __attribute__((always_inline)) size_t han_run(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        i = plain_han_end(u, i, len);
        if (i == len)
            break;
        int c, k = hb_utf8_next(s + i, len - i, &c);
        if (!hb_is_han(c) || hb_is_cn_numeral(c))
            break;
        i += (size_t)k;
    }
    return i;
}

/* A mark (quotation and title marks, punctuation by class) or another
 * character alone: the end of token_at's tests, where ASCII punctuation
 * goes at once (inlined in both places: a call cost a mark 25
 * instructions). */
static inline __attribute__((always_inline)) size_t mark_token(int cp, size_t n, int quote_open, int *type,
                                                               int *sub)
{
    switch (cp) {
    case 0x201C: case 0x300C: case 0x300E: case 0x2018: /* “ 「 『 ‘ */
        *type = HB_TOK_QUOTE_OPEN;
        return n;
    case 0x201D: case 0x300D: case 0x300F: case 0x2019:
        *type = HB_TOK_QUOTE_CLOSE;
        return n;
    case '"':
        *type = quote_open ? HB_TOK_QUOTE_CLOSE : HB_TOK_QUOTE_OPEN;
        return n;
    case 0x300A: /* 《 */
        *type = HB_TOK_BOOK_OPEN, *sub = 1;
        return n;
    case 0x300B:
        *type = HB_TOK_BOOK_CLOSE, *sub = 1;
        return n;
    case 0x3008: case '<': /* 〈 < : titles inside titles */
        *type = HB_TOK_BOOK_OPEN, *sub = 2;
        return n;
    case 0x3009: case '>':
        *type = HB_TOK_BOOK_CLOSE, *sub = 2;
        return n;
    default:
        break;
    }
    int pc = punct_class(cp);
    if (pc) {
        *type = HB_TOK_PUNCT, *sub = pc;
        return n;
    }
    *type = HB_TOK_OTHER;
    return n;
}

/* hb_token_at's body, inlined into the walk over a paragraph: the call
 * and the type and class stored through pointers cost a token some 20
 * instructions, a tenth of the stage. */
static inline __attribute__((always_inline)) size_t token_at(const char *s, size_t len, int quote_open, int *type,
                                                             int *sub)
{
    *sub = 0;
    /* a Han character other than a numeral is no mask, Latin or digit */
    if (len >= 3 && hb_plain_han3((const unsigned char *)s)) {
        *type = HB_TOK_HAN;
        return han_run(s, len);
    }
    int cp;
    size_t n = (size_t)hb_utf8_next(s, len, &cp);
    if (cp >= '0' && cp <= '9') {
        size_t i = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        /* thousands groups: 1,200 (exactly three digits after each comma) */
        while (i + 3 < len + 0 && s[i] == ',' && i + 4 <= len &&
               s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9' &&
               s[i + 3] >= '0' && s[i + 3] <= '9' && (i + 4 == len || s[i + 4] < '0' || s[i + 4] > '9'))
            i += 4;
        if (i + 1 < len && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
            i++;
            while (i < len && s[i] >= '0' && s[i] <= '9')
                i++;
        }
        *type = HB_TOK_NUMBER;
        return i;
    }
    /* ，：（）and the like, folded to ASCII: a tenth of the tokens, past
     * none of the tests below */
    if (cp < 0x80 && cp != '*' && cp != ' ' && cp != '\t' && !is_latin(cp))
        return mark_token(cp, n, quote_open, type, sub);
    if (hb_is_mask_char(cp) && (!hb_is_shape_mask(cp) || (len > n && (unsigned char)s[n] == 0xE2))) {
        size_t i = 0;
        while (i < len) {
            int c;
            int k = hb_utf8_next(s + i, len - i, &c);
            if (!hb_is_mask_char(c) && c != 'X' && c != 'x')
                break;
            i += (size_t)k;
        }
        if (!hb_is_shape_mask(cp) || i > n) {
            *type = HB_TOK_MASK;
            return i;
        }
    }
    if (is_latin(cp)) {
        size_t i = 0;
        int only_x = 1;
        while (i < len && (is_latin(s[i]) || s[i] == '*')) {
            if (s[i] != 'X' && s[i] != 'x' && s[i] != '*')
                only_x = 0;
            i++;
        }
        /* XX, xx: digits hidden by a template, unless part of a word */
        *type = only_x ? HB_TOK_MASK : HB_TOK_LATIN;
        if (!only_x) {
            i = 0;
            while (i < len && is_latin(s[i]))
                i++;
        }
        return i;
    }
    if (hb_is_cn_numeral(cp)) {
        size_t i = 0;
        while (i < len) {
            int c;
            int k = hb_utf8_next(s + i, len - i, &c);
            if (!hb_is_cn_numeral(c))
                break;
            i += (size_t)k;
        }
        *type = HB_TOK_CNUM;
        return i;
    }
    if (hb_is_han(cp)) {
        *type = HB_TOK_HAN;
        return han_run(s, len);
    }
    if (cp == ' ' || cp == '\t') {
        size_t i = 0;
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        *type = HB_TOK_SPACE;
        return i;
    }
    return mark_token(cp, n, quote_open, type, sub);
}

size_t hb_token_at(const char *s, size_t len, int quote_open, int *type, int *sub)
{
    return token_at(s, len, quote_open, type, sub);
}

/* A ； ends a sentence when an enumeration continues after it (；二是…). */
static int semicolon_splits(const hb_doc *d, const char *s, size_t len)
{
    int fam, num;
    size_t ml;
    hb_marker m;
    return hb_item_marker(s, len, &fam, &num, &ml) || hb_heading_marker(&d->engine->counts_on, s, len, &m);
}

/* What a walk over a paragraph's tokens gathers. */
typedef struct {
    hb_token_vec *all;  /* every token, NULL: none */
    int starts;         /* whether to note where number tokens start (d->number_starts) */
    int *sentences;     /* sentences counted, NULL: not counted */
    size_t words;       /* tokens other than spaces */
    int numbers;        /* number tokens seen */
} tok_walk;

/* Inlined where its walk's fields are constants: extract's walk (no
 * stream, number starts noted, sentences counted) and the others. */
static inline __attribute__((always_inline)) int walk_para(hb_doc *d, size_t p, tok_walk *w)
{
    /* in locals: the stores of the pushes below may alias them */
    const char *view = d->view;
    size_t end = d->paras.v[p].vend;
    int straight_open = 0, depth = 0, pending = 0;
    for (size_t i = d->paras.v[p].vstart; i < end;) {
        int type, sub;
        size_t n = token_at(view + i, end - i, straight_open, &type, &sub);
        if (w->all && !hb_vec_push(&d->arena, w->all, ((hb_token){(uint32_t)i, (uint32_t)(i + n), (uint8_t)type, (uint8_t)sub})))
            return 0;
        if (type == HB_TOK_HAN) { /* half the tokens: no number, mark or quote */
            w->words++;
            pending = 1;
            i += n;
            continue;
        }
        if (type == HB_TOK_NUMBER || type == HB_TOK_CNUM || type == HB_TOK_MASK) {
            w->numbers++;
            if (w->starts && !hb_vec_push(&d->arena, &d->number_starts, (hb_off)i))
                return 0;
        }
        w->words += type != HB_TOK_SPACE;
        if (view[i] == '"')
            straight_open = !straight_open;
        i += n;
        if (!w->sentences)
            continue;
        if (type == HB_TOK_QUOTE_OPEN || type == HB_TOK_BOOK_OPEN)
            depth++;
        else if ((type == HB_TOK_QUOTE_CLOSE || type == HB_TOK_BOOK_CLOSE) && depth > 0)
            depth--;
        else if (type != HB_TOK_SPACE && type != HB_TOK_PUNCT)
            pending = 1;
        if (type == HB_TOK_PUNCT && depth == 0 && pending &&
            (sub == HB_P_STOP || (sub == HB_P_SEMI && semicolon_splits(d, view + i, end - i)))) {
            (*w->sentences)++;
            pending = 0;
        }
    }
    if (w->sentences)
        *w->sentences += pending;
    return 1;
}

/* A walk keeping the token stream: hb_report_tokens's. */
static __attribute__((noinline)) int walk_listed(hb_doc *d, size_t p, tok_walk *w)
{
    return walk_para(d, p, w);
}

/* Every paragraph walked with w (its sentences counted), inlined for each
 * kind of walk: extract's keeps its counts in registers. */
static inline __attribute__((always_inline)) int walk_all(hb_doc *d, tok_walk w)
{
    int sentences = 0;
    w.sentences = &sentences;
    for (size_t p = 0; p < d->paras.n; p++) {
        w.numbers = 0;
        if (!(w.all ? walk_listed(d, p, &w) : walk_para(d, p, &w)))
            return 0;
        d->paras.v[p].numbers = w.numbers > 0;
    }
    d->sentences = sentences;
    d->text_tokens = w.words;
    return 1;
}

int hb_tokens_para(hb_doc *d, size_t p, hb_token_vec *out, int *sentences)
{
    tok_walk w = {out, 0, sentences, 0, 0};
    return walk_listed(d, p, &w);
}

int hb_token_is_number(const hb_token *t)
{
    return t->type == HB_TOK_NUMBER || t->type == HB_TOK_CNUM || t->type == HB_TOK_MASK;
}

hb_status hb_tokens_run(hb_doc *d)
{
    /* The whole stream is kept for hb_report_tokens alone: at one token
     * for every eight bytes of text it was the largest array after the
     * texts.  Metrics, its only later reader, needs no more than where the
     * number tokens start (about one token in ten, four bytes each). */
    int keep = d->opts.until == HB_UNTIL_TOKENS;
    if (!(keep ? walk_all(d, (tok_walk){&d->tokens, 0, NULL, 0, 0})
               : walk_all(d, (tok_walk){NULL, 1, NULL, 0, 0})))
        return HB_ERR_NOMEM;
    hb_vec_trim(&d->arena, &d->tokens);
    hb_vec_trim(&d->arena, &d->number_starts);
    return HB_OK;
}

const char *hb_token_type_name(int type)
{
    static const char *const names[] = {"han", "latin", "number", "cnum", "mask", "punct",
                                        "quote_open", "quote_close", "book_open", "book_close",
                                        "space", "other"};
    return type >= 0 && type <= HB_TOK_OTHER ? names[type] : "other";
}
