/* Encoding detection and conversion with iconv.  Order: BOM, forced
 * encoding, UTF-16 without BOM (NUL or code-unit pattern), binary check, valid UTF-8,
 * mostly-UTF-8 with damage, else GB18030 (a superset of GBK and GB2312). */
#include "decode.h"

#include <errno.h>
#include <stdarg.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"
#include "error.h"
#include "extract.h"
#include "sha256.h"
#include "normalize.h"

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

static hb_status fail(hb_error *err, hb_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static hb_status fail(hb_error *err, hb_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

static const char *const CONVERTERS[] = {"GB18030", "UTF-16LE", "UTF-16BE"};
static pthread_mutex_t pin_lock = PTHREAD_MUTEX_INITIALIZER;

/* Keeps the converter from `from` (one of CONVERTERS) loaded for the
 * engine's life (decode.h), by a descriptor of the engine's own opened the
 * first time a report needs it: a run that meets only UTF-8 loads neither
 * module (GB18030.so and UTF-16.so took some 130 us of every start).
 * Under a lock, so that threads never load a module at once; a missing
 * converter is asked again, and convert() then says so. */
static void pin(const hb_doc *d, const char *from)
{
    /* the pins are the one part of a shared engine, with its holders,
     * that changes after loading */
    struct hb_engine *e = (struct hb_engine *)d->engine;
    for (size_t i = 0; i < sizeof CONVERTERS / sizeof *CONVERTERS; i++)
        if (!strcmp(from, CONVERTERS[i])) {
            pthread_mutex_lock(&pin_lock);
            if (!e->converters[i]) {
                iconv_t cd = iconv_open("UTF-8", from);
                e->converters[i] = cd == (iconv_t)-1 ? NULL : cd;
            }
            pthread_mutex_unlock(&pin_lock);
        }
}

/* Converts with iconv, replacing each undecodable sequence with U+FFFD.
 * Returns the number of replacements, or -1 when out of memory. */
static long convert(hb_doc *d, const char *from, const char *buf, size_t len, char **out, size_t *outlen)
{
    pin(d, from);
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return -1;
    size_t cap = len * 2 + 16;
    char *o = malloc(cap);
    if (!o) {
        iconv_close(cd);
        return -1;
    }
    char *in = (char *)buf;
    size_t inleft = len;
    char *op = o;
    size_t oleft = cap - 1;
    long repaired = 0;
    int unit = strncasecmp(from, "UTF-16", 6) == 0 ? 2 : 1;
    while (inleft > 0) {
        size_t r = iconv(cd, &in, &inleft, &op, &oleft);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG || oleft < 4) {
            size_t used = (size_t)(op - o);
            cap *= 2;
            char *no = realloc(o, cap);
            if (!no) {
                free(o);
                iconv_close(cd);
                return -1;
            }
            o = no;
            op = o + used;
            oleft = cap - used - 1;
            continue;
        }
        /* EILSEQ or EINVAL (truncated at the end): skip one unit, mark it. */
        memcpy(op, REPLACEMENT, 3);
        op += 3;
        oleft -= 3;
        size_t skip = inleft < (size_t)unit ? inleft : (size_t)unit;
        in += skip;
        inleft -= skip;
        repaired++;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    *out = o;
    *outlen = (size_t)(op - o);
    return repaired;
}

/* Copies UTF-8 text, replacing each invalid sequence with U+FFFD; its
 * first `valid` bytes (hb_utf8_valid_prefix) are copied whole. */
static long repair_utf8(const char *buf, size_t len, size_t valid, char **out, size_t *outlen)
{
    char *o = malloc(len * 3 + 1);
    if (!o)
        return -1;
    memcpy(o, buf, valid);
    size_t j = valid;
    long repaired = 0;
    for (size_t i = valid; i < len;) {
        size_t n = hb_utf8_seq(buf + i, len - i);
        if (n == 0) {
            memcpy(o + j, REPLACEMENT, 3);
            j += 3;
            i++;
            repaired++;
        } else {
            memcpy(o + j, buf + i, (size_t)n);
            j += (size_t)n;
            i += (size_t)n;
        }
    }
    *out = o;
    *outlen = j;
    return repaired;
}

/* The multi-byte characters of valid UTF-8 s[0..len): their lead bytes
 * (C0 and up), counted eight bytes at a time. */
static size_t utf8_leads(const char *s, size_t len)
{
    size_t n = 0, i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        n += hb_high_bits(w & w << 1 & 0x8080808080808080u); /* bits 7 and 6 set */
    }
    for (; i < len; i++)
        n += (unsigned char)s[i] >= 0xC0;
    return n;
}

/* Whether buf is UTF-8 with a little damage, by its valid multi-byte
 * characters and runs of invalid bytes: a damaged UTF-8 file has few runs
 * among many valid characters, while GBK text forms a valid UTF-8
 * sequence only by accident.  Its first `valid` bytes
 * (hb_utf8_valid_prefix) hold no invalid run.  The count stops once the
 * rest could not make it so were its every two bytes a valid character:
 * a GB18030 report is told by its first third, not read to its end. */
static int mostly_utf8(const char *buf, size_t len, size_t valid)
{
    size_t good = utf8_leads(buf, valid), bad_runs = 0;
    int in_bad = 0;
    for (size_t i = valid; i < len;) {
        if ((unsigned char)buf[i] < 0x80) {
            i++;
            in_bad = 0;
            continue;
        }
        size_t n = hb_utf8_seq(buf + i, len - i);
        if (n == 0) {
            bad_runs += !in_bad;
            in_bad = 1;
            i++;
            if (bad_runs > 3 && bad_runs * 8 > good + (len - i) / 2)
                return 0;
        } else {
            good++;
            in_bad = 0;
            i += (size_t)n;
        }
    }
    return good > 0 && (bad_runs * 8 <= good || (bad_runs <= 3 && bad_runs <= good));
}

/* A code unit of what these reports are written in: ASCII text, Latin-1,
 * general punctuation to dingbats (… ① ○), CJK punctuation and ideographs,
 * surrogates, full-width forms. */
static int plausible_unit(unsigned u)
{
    return (u >= 0x20 && u < 0x7F) || u == '\t' || u == '\n' || u == '\r' || (u >= 0xA0 && u <= 0xFF) ||
           (u >= 0x2000 && u <= 0x27BF) || (u >= 0x3000 && u <= 0x9FFF) || (u >= 0xD800 && u <= 0xDFFF) ||
           (u >= 0xFF00 && u <= 0xFFEF);
}

/* UTF-16 without BOM.  ASCII leaves a NUL in one byte of most pairs; CJK
 * text has few NULs and is told by its code units instead: read in the
 * right byte order nearly all are plausible, in the wrong one about half. */
static const char *utf16_guess(const char *buf, size_t len, int has_nul)
{
    /* A file cut short by a byte is still UTF-16 (its last byte becomes
     * U+FFFD), when there are enough pairs to tell. */
    if (len < 4 || (len % 2 && len < 33))
        return NULL;
    len -= len % 2;
    size_t even = 0, odd = 0, le = 0, be = 0, pairs = len / 2;
    /* the implausible units an order may have and still be told (19 in 20
     * plausible): without NUL bytes only the units can tell, so a text
     * past that in both orders is no UTF-16, and a GB18030 report is known
     * from its first lines instead of read to its end */
    size_t most_bad = pairs - (pairs * 19 + 19) / 20;
    for (size_t i = 0; i < len; i += 2) {
        unsigned a = (unsigned char)buf[i], b = (unsigned char)buf[i + 1];
        even += a == 0;
        odd += b == 0;
        le += plausible_unit(a | b << 8);
        be += plausible_unit(b | a << 8);
        size_t seen = i / 2 + 1;
        if (!has_nul && seen - le > most_bad && seen - be > most_bad)
            return NULL;
    }
    if (odd * 4 >= pairs && even * 50 < pairs)
        return "UTF-16LE";
    if (even * 4 >= pairs && odd * 50 < pairs)
        return "UTF-16BE";
    if (pairs >= 8 && le * 20 >= pairs * 19 && be * 10 < pairs * 7)
        return "UTF-16LE";
    if (pairs >= 8 && be * 20 >= pairs * 19 && le * 10 < pairs * 7)
        return "UTF-16BE";
    return NULL;
}

static const char *first_nul(const char *buf, size_t len)
{
    return memchr(buf, '\0', len);
}

size_t hb_control_bytes_portable(const char *buf, size_t len)
{
    size_t ctl = 0;
    for (size_t i = 0; i < len; i++) {
        if (i + 8 <= len) { /* eight bytes at a time when none is below 0x20 */
            uint64_t w;
            memcpy(&w, buf + i, 8);
            if (!((w - 0x2020202020202020u) & ~w & 0x8080808080808080u)) {
                i += 7;
                continue;
            }
        }
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            ctl++;
    }
    return ctl;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include "cpu.h"
#include <immintrin.h>
#define HB_CONTROL_AVX2 1

/* 32 bytes a step: the portable loop went byte by byte for eight bytes
 * around every line end, most of this count's time. */
__attribute__((target("avx2,popcnt"))) static size_t control_bytes_avx2(const char *buf, size_t len)
{
    size_t ctl = 0, i = 0;
    for (; i + 32 <= len; i += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(buf + i));
        __m256i low = _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8(0x1F)), x);
        __m256i white = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('\t')), _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\n'))),
            _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('\r')), _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\f'))));
        ctl += (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(_mm256_andnot_si256(white, low)));
    }
    return ctl + hb_control_bytes_portable(buf + i, len - i);
}
#endif

size_t hb_control_bytes(const char *buf, size_t len)
{
#ifdef HB_CONTROL_AVX2
    if (hb_cpu_avx2() && hb_cpu_popcnt())
        return control_bytes_avx2(buf, len);
#endif
    return hb_control_bytes_portable(buf, len);
}

/* Share of control bytes (hb_control_bytes) that marks a file as binary. */
static int looks_binary(const char *buf, size_t len)
{
    return hb_control_bytes(buf, len) * 20 > len;
}

static const struct {
    const char *name, *iconv_name;
} FORCED[] = {
    {"utf-8", "UTF-8"},       {"utf8", "UTF-8"},         {"gb18030", "GB18030"},
    {"gbk", "GB18030"},       {"gb2312", "GB18030"},     {"utf-16le", "UTF-16LE"},
    {"utf-16be", "UTF-16BE"}, {"utf-8-bom", "UTF-8"},
};

/* Valid UTF-8 buf[0..len) as the text: the input itself when it was handed
 * over (hb_extract_owned) and buf runs to its end, where a NUL follows;
 * else a copy. */
static hb_status take_text(hb_doc *d, const char *buf, size_t len, hb_error *err)
{
    const char *t = buf;
    if (!d->src_own || buf + len != d->src_own + d->src_bytes)
        t = hb_arena_strndup(&d->arena, buf, len);
    if (!t)
        return fail(err, HB_ERR_NOMEM, "out of memory");
    d->text = t;
    d->len = len;
    return HB_OK;
}

static hb_status finish(hb_doc *d, char *owned, size_t n, long repaired, hb_error *err)
{
    if (repaired < 0) {
        free(owned);
        return fail(err, HB_ERR_NOMEM, "out of memory");
    }
    /* the decoder's output becomes the text, trimmed to its length */
    char *t = realloc(owned, n + 1);
    if (!t) {
        free(owned);
        return fail(err, HB_ERR_NOMEM, "out of memory");
    }
    t[n] = '\0';
    d->text = d->text_own = t;
    d->len = n;
    if (repaired > 0)
        hb_doc_warn(d, "invalid-bytes", 0, "%ld undecodable byte sequence%s replaced with U+FFFD",
                    repaired, repaired == 1 ? "" : "s");
    return HB_OK;
}

/* A byte order mark the body contradicts: after a UTF-8 mark, bytes that are
 * neither UTF-8 nor UTF-8 with a little damage (the test decoding by the body
 * uses); after a UTF-16 mark, a body without NUL bytes that is valid UTF-8
 * with multi-byte characters (UTF-16 text with a line end or an
 * ASCII letter has NUL bytes; pure Han UTF-16 is valid UTF-8 only by rare
 * accident, which a few characters can be, so at least four). */
static int bom_contradicted(const char *body, size_t len, int utf16)
{
    if (!utf16) {
        size_t valid = hb_utf8_valid_prefix(body, len);
        return valid != len && !mostly_utf8(body, len, valid);
    }
    size_t multibyte = 0;
    for (size_t i = 0; i < len; i++)
        multibyte += (unsigned char)body[i] >= 0xC0;
    return multibyte >= 4 && !first_nul(body, len) && hb_utf8_valid(body, len);
}

static hb_status decode_body(hb_doc *d, const char *buf, size_t len, hb_error *err);

/* Decodes the body after a contradicted byte order mark by what it is. */
static hb_status decode_despite_bom(hb_doc *d, const char *bom, const char *body, size_t len, hb_error *err)
{
    hb_status st = decode_body(d, body, len, err);
    if (st == HB_OK)
        hb_doc_warn(d, "bom-mismatch", 0, "a %s byte order mark on a %s body: decoded by the body", bom,
                    d->encoding);
    return st;
}

const char *hb_decode_path(hb_doc *d, const char *path)
{
    size_t len = strlen(path), n, valid = hb_utf8_valid_prefix(path, len);
    char *o;
    if (valid == len)
        return hb_arena_strndup(&d->arena, path, len);
    if (repair_utf8(path, len, valid, &o, &n) < 0)
        return NULL;
    char *t = hb_arena_strndup(&d->arena, o, n);
    free(o);
    return t;
}

/* Nothing to read: the converters are pinned as reports need them (pin). */
hb_status hb_decode_load(struct hb_engine *e, hb_error *err)
{
    (void)e;
    (void)err;
    return HB_OK;
}

void hb_decode_unload(struct hb_engine *e)
{
    for (size_t i = 0; i < sizeof CONVERTERS / sizeof *CONVERTERS; i++)
        if (e->converters[i])
            iconv_close((iconv_t)e->converters[i]);
}

hb_status hb_decode(hb_doc *d, const char *buf, size_t len, hb_error *err)
{
    size_t max = d->opts.max_bytes ? d->opts.max_bytes : HB_DEFAULT_MAX_BYTES;
    if (len > max)
        return fail(err, HB_ERR_TOO_LARGE, "input larger than the limit of %zu bytes", max);
    char *o;
    size_t n;

    if (d->opts.encoding) {
        const char *iname = NULL;
        for (size_t i = 0; i < sizeof FORCED / sizeof *FORCED; i++)
            if (strcasecmp(d->opts.encoding, FORCED[i].name) == 0)
                iname = FORCED[i].iconv_name;
        if (!iname)
            return fail(err, HB_ERR_ARG, "unknown encoding (use utf-8, gb18030, utf-16le or utf-16be)");
        d->encoding = strcmp(iname, "UTF-8") == 0 ? "utf-8" : strcmp(iname, "GB18030") == 0 ? "gb18030"
                      : strcmp(iname, "UTF-16LE") == 0 ? "utf-16le" : "utf-16be";
        if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 && strcmp(iname, "UTF-8") == 0) {
            buf += 3, len -= 3;
            d->encoding = "utf-8-bom";
        } else if (len >= 2 && strncmp(iname, "UTF-16", 6) == 0 &&
                   ((iname[6] == 'L' && memcmp(buf, "\xFF\xFE", 2) == 0) ||
                    (iname[6] == 'B' && memcmp(buf, "\xFE\xFF", 2) == 0))) {
            buf += 2, len -= 2;
        }
        long r = strcmp(iname, "UTF-8") == 0 ? repair_utf8(buf, len, hb_utf8_valid_prefix(buf, len), &o, &n)
                                             : convert(d, iname, buf, len, &o, &n);
        return finish(d, o, n, r, err);
    }

    if (len == 0)
        return fail(err, HB_ERR_EMPTY, "empty file");
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        if (len == 3)
            return fail(err, HB_ERR_EMPTY, "empty file (only a byte order mark)");
        if (bom_contradicted(buf + 3, len - 3, 0))
            return decode_despite_bom(d, "UTF-8", buf + 3, len - 3, err);
        d->encoding = "utf-8-bom";
        size_t valid = hb_utf8_valid_prefix(buf + 3, len - 3);
        if (valid == len - 3)
            return take_text(d, buf + 3, len - 3, err);
        long r = repair_utf8(buf + 3, len - 3, valid, &o, &n);
        return finish(d, o, n, r, err);
    }
    if (len >= 2 && (memcmp(buf, "\xFF\xFE", 2) == 0 || memcmp(buf, "\xFE\xFF", 2) == 0)) {
        int le = buf[0] == '\xFF';
        if (len == 2)
            return fail(err, HB_ERR_EMPTY, "empty file (only a byte order mark)");
        if (bom_contradicted(buf + 2, len - 2, 1))
            return decode_despite_bom(d, le ? "UTF-16LE" : "UTF-16BE", buf + 2, len - 2, err);
        d->encoding = le ? "utf-16le" : "utf-16be";
        long r = convert(d, le ? "UTF-16LE" : "UTF-16BE", buf + 2, len - 2, &o, &n);
        return finish(d, o, n, r, err);
    }
    return decode_body(d, buf, len, err);
}

/* Decoding by the bytes themselves, without a byte order mark. */
static hb_status decode_body(hb_doc *d, const char *buf, size_t len, hb_error *err)
{
    char *o;
    size_t n;
    const char *nul = first_nul(buf, len);
    size_t valid = nul ? 0 : hb_utf8_valid_prefix(buf, len);
    int utf8 = !nul && valid == len;
    const char *u16 = utf8 ? NULL : utf16_guess(buf, len, nul != NULL);
    if (u16) {
        d->encoding = u16[6] == 'L' ? "utf-16le" : "utf-16be";
        long r = convert(d, u16, buf, len, &o, &n);
        hb_doc_warn(d, "no-bom", 0, "no byte order mark; decoded as %s by its byte pattern", d->encoding);
        return finish(d, o, n, r, err);
    }
    if (nul)
        return fail(err, HB_ERR_BINARY, "not a text file (NUL byte at offset %zu)", (size_t)(nul - buf));
    if (looks_binary(buf, len))
        return fail(err, HB_ERR_BINARY, "not a text file (more than 5%% control characters)");
    if (utf8) {
        d->encoding = "utf-8";
        return take_text(d, buf, len, err);
    }
    if (mostly_utf8(buf, len, valid)) {
        d->encoding = "utf-8";
        long r = repair_utf8(buf, len, valid, &o, &n);
        return finish(d, o, n, r, err);
    }
    d->encoding = "gb18030";
    long r = convert(d, "GB18030", buf, len, &o, &n);
    if (r >= 0 && (size_t)r * 4 > len)  {
        free(o);
        return fail(err, HB_ERR_ENCODING, "not text in UTF-8, UTF-16 or GB18030 (%zu undecodable bytes)", (size_t)r);
    }
    return finish(d, o, n, r, err);
}

/* The decode stage: the input bytes to UTF-8 text, refused when the text is
 * too large for hb_off or holds a NUL; and the input's SHA-256. */
hb_status hb_decode_run(hb_doc *d)
{
    hb_status st = hb_decode(d, d->src, d->src_bytes, d->err);
    if (st != HB_OK)
        return st;
    if (d->len >= HB_OFF_MAX)
        return hb_error_set(d->err, HB_ERR_TOO_LARGE, "the decoded text is larger than 4 GiB");
    if (memchr(d->text, '\0', d->len))
        return hb_error_set(d->err, HB_ERR_BINARY, "not a text file (NUL character after decoding)");
    if (d->opts.until == HB_UNTIL_ALL) /* the token paths print no source */
        hb_sha256_hex(d->src, d->src_bytes, d->sha256);
    uintptr_t t = (uintptr_t)d->text, own = (uintptr_t)d->src_own;
    if (own && (t < own || t > own + d->src_bytes)) {
        free(d->src_own); /* an input handed over, read no more */
        d->src_own = NULL;
        d->src = NULL;
    }
    return HB_OK;
}
