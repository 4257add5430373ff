/* The folded view: utf8proc's NFKC per character, except what layout needs
 * to keep (circled numbers, which mark level-4 headings). */
#include "normalize.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "extract.h"

int hb_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return 0;
        i += (size_t)n;
    }
    return 1;
}

/* Writes the folding of one code point into buf (at least 32 bytes); returns
 * the byte count.  ASCII and Han map to themselves: the fast path. */
static size_t fold_char(int cp, const char *src, int srclen, char *buf)
{
    if (cp < 0x80 || (cp >= 0x4E00 && cp <= 0x9FFF)) {
        memcpy(buf, src, (size_t)srclen);
        return (size_t)srclen;
    }
    if (cp >= 0x2460 && cp <= 0x2473) { /* ①..⑳ */
        memcpy(buf, src, (size_t)srclen);
        return (size_t)srclen;
    }
    /* Zero-width space, joiners, word joiner, BOM inside the text: NFKC
     * keeps them, yet they split what a reader sees as one number
     * (1\u200B2次 is 12) or one word; the map still spans them. */
    if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF)
        return 0;
    utf8proc_int32_t dec[8];
    int last = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, dec, 8, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STABLE, &last);
    if (n <= 0 || n > 8) {
        memcpy(buf, src, (size_t)srclen);
        return (size_t)srclen;
    }
    n = utf8proc_reencode(dec, n, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    if (n <= 0) {
        memcpy(buf, src, (size_t)srclen);
        return (size_t)srclen;
    }
    size_t out = 0;
    const utf8proc_uint8_t *enc = (const utf8proc_uint8_t *)dec;
    out = (size_t)n; /* reencode wrote n bytes of UTF-8 over dec */
    if (out > 32)
        out = 32;
    memcpy(buf, enc, out);
    return out;
}

int hb_fold(hb_arena *a, const char *text, size_t len, char **out, size_t *out_len, hb_off **map)
{
    /* NFKC never grows a character beyond 18 code points; 32 bytes per input
     * character is ample, but allocate by need to stay lean on Han text. */
    size_t cap = len + len / 2 + 64;
    char *o = malloc(cap);
    hb_off *m = malloc((cap + 1) * sizeof *m);
    if (!o || !m) {
        free(o);
        free(m);
        return 0;
    }
    size_t j = 0;
    for (size_t i = 0; i < len;) {
        if (cap - j < 40) {
            size_t ncap = cap * 2;
            char *no = realloc(o, ncap);
            if (!no)
                goto fail;
            o = no;
            hb_off *nm = realloc(m, (ncap + 1) * sizeof *m);
            if (!nm)
                goto fail;
            m = nm;
            cap = ncap;
        }
        if (text[i] == '\r') {
            o[j] = '\n';
            m[j++] = (hb_off)i;
            i += (i + 1 < len && text[i + 1] == '\n') ? 2 : 1;
            continue;
        }
        int cp;
        int n = hb_utf8_next(text + i, len - i, &cp);
        size_t k = fold_char(cp, text + i, n, o + j);
        for (size_t t = 0; t < k; t++)
            m[j + t] = (hb_off)i;
        j += k;
        i += (size_t)n;
    }
    m[j] = (hb_off)len;
    char *ao = hb_arena_alloc(a, j + 1);
    hb_off *am = hb_arena_alloc(a, (j + 1) * sizeof *am);
    if (!ao || !am)
        goto fail;
    memcpy(ao, o, j);
    ao[j] = '\0';
    memcpy(am, m, (j + 1) * sizeof *am);
    free(o);
    free(m);
    *out = ao;
    *out_len = j;
    *map = am;
    return 1;
fail:
    free(o);
    free(m);
    return 0;
}

char *hb_fold_cstr(const char *s)
{
    hb_arena a = {0};
    char *o;
    size_t n;
    hb_off *m;
    char *r = NULL;
    if (hb_fold(&a, s, strlen(s), &o, &n, &m))
        r = strdup(o);
    hb_arena_release(&a);
    return r;
}

/* The fold stage: the decoded text folded (normalize.h), with its map. */
hb_status hb_fold_run(hb_doc *d)
{
    char *fold;
    if (!hb_fold(&d->arena, d->text, d->len, &fold, &d->fold_len, &d->fmap))
        return HB_ERR_NOMEM;
    d->fold = fold;
    return HB_OK;
}
