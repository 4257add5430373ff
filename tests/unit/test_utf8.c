/* hb_utf8_valid and hb_utf8_valid_prefix (normalize.c, which reads Han two characters at a time)
 * against a validator written from RFC 3629 the plain way: edge cases at
 * every alignment, then random bytes and random mixes of characters; and
 * the vector path (AVX2, 32-byte blocks) against the portable one on long
 * inputs: each edge case at every place, every byte value at every place,
 * every truncation, random bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "normalize.h"

/* Decode each character, refuse overlongs, surrogates and > U+10FFFF. */
static int naive_valid(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        size_t k;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            k = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            k = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (len - i < k)
            return 0;
        for (size_t j = 1; j < k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k;
    }
    return 1;
}

static uint64_t seed = 88172645463325252u;

static unsigned rnd(unsigned n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed % n);
}

/* The longest valid prefix, the plain way (a valid prefix holds whole
 * characters). */
static size_t naive_prefix(const unsigned char *s, size_t len)
{
    size_t best = 0;
    for (size_t k = 1; k <= len; k++)
        if (naive_valid(s, k))
            best = k;
    return best;
}

/* The input of a failed check, in hex. */
static void show(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fprintf(stderr, " %02X", s[i]);
    fprintf(stderr, "\n");
}

static void check(const unsigned char *s, size_t len)
{
    assert_int_equal(hb_utf8_valid_prefix((const char *)s, len), naive_prefix(s, len));
    int want = naive_valid(s, len), got = hb_utf8_valid((const char *)s, len);
    if (want != got) {
        fprintf(stderr, "hb_utf8_valid %d, expected %d on", got, want);
        show(s, len);
    }
    assert_int_equal(got, want);
}

/* `piece` after 0..9 ASCII bytes and before Han, ASCII or nothing, so it
 * falls at every place of the 8-byte window and at the very end. */
static void check_everywhere(const char *piece)
{
    static const char *const after[] = {"", "a", "工作", "ab", "。中", "abcdefghij", "x工"};
    unsigned char buf[64];
    size_t pn = strlen(piece);
    for (size_t lead = 0; lead < 10; lead++)
        for (size_t a = 0; a < sizeof after / sizeof after[0]; a++) {
            size_t n = 0;
            memset(buf, 'z', lead);
            n += lead;
            memcpy(buf + n, piece, pn);
            n += pn;
            memcpy(buf + n, after[a], strlen(after[a]));
            n += strlen(after[a]);
            check(buf, n);
        }
}

/* Characters and broken ones: each kind of error the rules name. */
static const char *const pieces[] = {
    "", "a", "\x7F", "\xC2\x80", "\xDF\xBF", "\xC0\x80", "\xC1\xBF", "\xC2", "\xC2\x41",
    "\xE0\xA0\x80", "\xE0\x9F\xBF", "\xE0\x80\x80", "\xE1\x80\x80", "\xEC\xBF\xBF",
    "\xED\x9F\xBF", "\xED\xA0\x80", "\xED\xBF\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
    "\xEF\xBC\x8C", "\xE4\xB8\x80", "\xE9\xBF\xBF", "\xE4\xB8", "\xE4", "\xE4\x41\x80",
    "\xE4\x80\x41", "\xE4\xC0\x80", "\xF0\x90\x80\x80", "\xF0\x8F\xBF\xBF",
    "\xF4\x8F\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF8\x88\x80\x80\x80",
    "\xFF", "\x80", "\xBF", "\xF0\x90\x80", "\xF0\x9F\x98\x80", "工作\xED\xA0\x80作",
    "工\xE0\x80\x80作", "中文中文", "中文\xE4\xB8", "中\xE4文", "\xE4\xB8\xE4\xB8\x80",
};

static void test_edge_cases(void **s)
{
    (void)s;
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++)
        check_everywhere(pieces[i]);
    /* every two-byte tail after a Han character, so each lead of the pair tested */
    for (unsigned lead = 0xE0; lead <= 0xEF; lead++)
        for (unsigned b1 = 0x70; b1 <= 0xC8; b1++) {
            char p[8] = "\xE5\xB7\xA5";
            p[3] = (char)lead;
            p[4] = (char)b1;
            p[5] = (char)0x80;
            p[6] = 0;
            check_everywhere(p);
        }
}

static void test_random_bytes(void **s)
{
    (void)s;
    unsigned char buf[48];
    for (int t = 0; t < 200000; t++) {
        size_t n = rnd(sizeof buf + 1);
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)(rnd(4) ? 0x80 + rnd(0x80) : rnd(0x100));
        check(buf, n);
    }
}

/* Valid characters of every length, with now and then one byte changed,
 * dropped or cut off: most inputs are long runs of valid text. */
static void test_random_text(void **s)
{
    (void)s;
    static const char *const chars[] = {"a", " ", "\n", "1", "\xC3\x97", "\xE5\xB7\xA5", "\xE4\xBD\x9C",
                                        "\xEF\xBC\x8C", "\xE3\x80\x82", "\xE2\x91\xA0", "\xE0\xA4\x85",
                                        "\xED\x95\x9C", "\xEE\x80\x80", "\xF0\x9F\x98\x80"};
    unsigned char buf[300];
    for (int t = 0; t < 50000; t++) {
        size_t n = 0, want = 20 + rnd(250);
        while (n < want) {
            const char *c = chars[rnd(sizeof chars / sizeof chars[0])];
            memcpy(buf + n, c, strlen(c));
            n += strlen(c);
        }
        check(buf, n);
        switch (rnd(4)) {
        case 0:
            buf[rnd((unsigned)n)] = (unsigned char)rnd(0x100);
            break;
        case 1:
            n--;
            break;
        case 2: {
            size_t at = rnd((unsigned)n);
            memmove(buf + at, buf + at + 1, n - at - 1);
            n--;
            break;
        }
        default:
            n = rnd((unsigned)n);
        }
        check(buf, n);
    }
}

/* The vector path's answer is the portable one's (and so the RFC's). */
static void same_paths(const unsigned char *s, size_t len)
{
    size_t want = hb_utf8_valid_prefix_portable((const char *)s, len);
    size_t got = hb_utf8_valid_prefix((const char *)s, len);
    if (got != want) {
        fprintf(stderr, "prefix %zu, portable %zu on", got, want);
        show(s, len);
    }
    assert_int_equal(got, want);
}

/* Valid text of n bytes or a few more (ASCII, Han, 2- and 4-byte
 * characters) at buf; returns its length. */
static size_t valid_text(unsigned char *buf, size_t n)
{
    static const char *const chars[] = {"a", "\xE5\xB7\xA5", "\xC3\x97", "\xF0\x9F\x98\x80", "\xEF\xBC\x8C", "7"};
    size_t k = 0;
    while (k < n) {
        const char *c = chars[rnd(sizeof chars / sizeof chars[0])];
        memcpy(buf + k, c, strlen(c));
        k += strlen(c);
    }
    return k;
}

static void test_vector_path(void **s)
{
    (void)s;
    unsigned char buf[400], text[200];
    size_t tn = valid_text(text, 160);
    /* each piece at every place of a long valid text, so across the blocks'
     * edges at every alignment */
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        size_t pn = strlen(pieces[i]);
        for (size_t at = 0; at <= tn; at++) {
            memcpy(buf, text, at);
            memcpy(buf + at, pieces[i], pn);
            memcpy(buf + at + pn, text + at, tn - at);
            same_paths(buf, tn + pn);
        }
    }
    /* every byte value at every place */
    for (size_t at = 0; at < tn; at++)
        for (unsigned b = 0; b < 0x100; b++) {
            memcpy(buf, text, tn);
            buf[at] = (unsigned char)b;
            same_paths(buf, tn);
        }
    /* every truncation, also inside a character */
    for (size_t n = 0; n <= tn; n++)
        same_paths(text, n);
    for (int t = 0; t < 20000; t++) {
        size_t n = 64 + rnd(300);
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)(rnd(4) ? 0x80 + rnd(0x80) : rnd(0x100));
        same_paths(buf, n);
        n = valid_text(buf, 64 + rnd(300));
        buf[rnd((unsigned)n)] = (unsigned char)rnd(0x100);
        same_paths(buf, n);
    }
}

/* hb_fold_identity_prefix, the plain way: character by character, whether
 * it is no CR and is ASCII, Han, ①..⑳, or punctuation of U+2000..U+207F or
 * U+3000..U+303F that hb_fold_cstr leaves as it is. */
static size_t naive_identity(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        int cp, k = hb_utf8_next((const char *)s + i, n - i, &cp);
        if ((size_t)k > n - i || cp == '\r')
            break;
        int same = cp < 0x80 || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x2460 && cp <= 0x2473);
        if (!same && ((cp >= 0x2000 && cp < 0x2080) || (cp >= 0x3000 && cp < 0x3040))) {
            char c[5] = {0}, *f;
            memcpy(c, s + i, (size_t)k);
            assert_non_null(f = hb_fold_cstr(c));
            same = strcmp(f, c) == 0;
            free(f);
        }
        if (!same)
            break;
        i += (size_t)k;
    }
    return i;
}

/* Random valid text of ASCII, CR, Han (both sides of U+4E00), circled
 * numbers and their neighbours, punctuation that folds to itself and that
 * does not (…, ，, ideographic space, zero-width space), 2- and 4-byte
 * characters: the vector scan and the portable one agree with the plain
 * way from every start and for every bound. */
static void test_identity_prefix(void **s)
{
    (void)s;
    static const char *const chars[] = {"a", "\r", "\n", "7", "\xE5\xB7\xA5", "\xE4\xB8\x80", "\xE4\xB7\xBF",
                                        "\xE9\xBF\xBF", "\xE2\x91\xA0", "\xE2\x91\xB3", "\xE2\x91\xB4",
                                        "\xE2\x91\x9F", "\xE3\x80\x82", "\xE3\x80\x81", "\xE2\x80\x9C",
                                        "\xE2\x80\x94", "\xE3\x80\x8A", "\xE2\x80\xA6", "\xEF\xBC\x8C",
                                        "\xE3\x80\x80", "\xE2\x80\x8B", "\xC3\x97", "\xF0\x9F\x98\x80",
                                        "\xE3\x89\x91"};
    unsigned char buf[200];
    for (int t = 0; t < 300; t++) {
        size_t n = 0, want = rnd(150);
        /* long identity stretches now and then, so the vector loop runs */
        unsigned odd = 2 + rnd(30);
        while (n < want) {
            const char *c = rnd(odd) ? chars[rnd(2) ? 0 : 4] : chars[rnd(sizeof chars / sizeof chars[0])];
            memcpy(buf + n, c, strlen(c));
            n += strlen(c);
        }
        for (size_t from = 0; from <= n; from++) {
            if ((buf[from] & 0xC0) == 0x80 && from < n)
                continue;
            for (size_t to = from; to <= n; to++) {
                size_t want_len = naive_identity(buf + from, to - from);
                assert_int_equal(hb_fold_identity_prefix_portable((const char *)buf + from, to - from), want_len);
                assert_int_equal(hb_fold_identity_prefix((const char *)buf + from, to - from), want_len);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_random_text),
        cmocka_unit_test(test_vector_path),
        cmocka_unit_test(test_identity_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
