/* The folded view: utf8proc's NFKC per character, except what layout needs
 * to keep (circled numbers, which mark level-4 headings). */
#include "normalize.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "extract.h"

/* Two 3-byte characters at the start of the 8 bytes w (little-endian) led
 * by E1..EC or EE..EF, which need no check past the continuation bits (E0
 * can be overlong, ED a surrogate): Han and CJK punctuation.  Bit n of
 * 0xDFFE is set for every low nibble n of a lead byte but 0 and D. */
static inline int two_plain_3byte(uint64_t w)
{
    return (w & 0xC0C0F0C0C0F0u) == 0x8080E08080E0u &&
           (0xDFFEu >> (w & 0x0F) & 0xDFFEu >> (w >> 24 & 0x0F) & 1);
}

size_t hb_utf8_valid_prefix_portable(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            uint64_t high = w & 0x8080808080808080u;
            if (!high) { /* eight ASCII bytes at a time */
                i += 8;
                continue;
            }
            if (two_plain_3byte(w)) {
                i += 6;
                continue;
            }
            if (!(w & 0x80)) { /* ASCII up to the first byte that is not */
                i += (size_t)__builtin_ctzll(high) >> 3;
                continue;
            }
        }
        size_t n = hb_utf8_seq(s + i, len - i);
        if (!n)
            return i;
        i += n;
    }
    return len;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include "cpu.h"
#include <immintrin.h>
#define HB_UTF8_AVX2 1

/* Keiser and Lemire's validation ("Validating UTF-8 in less than one
 * instruction per byte", 2021), 32 bytes a step: each byte with the one
 * before it is looked up by three nibbles in tables whose bits name the
 * errors a pair can show; a bit set in all three is an error.  The third
 * and fourth bytes of a character are checked apart, from the bytes two
 * and three back.  Its error bits: */
enum {
    U8_SHORT = 1 << 0,      /* a lead not followed by a continuation */
    U8_LONG = 1 << 1,       /* a continuation after ASCII */
    U8_OVERLONG3 = 1 << 2,  /* E0 80..9F */
    U8_LARGE = 1 << 3,      /* F4 90..BF, F5..FF 90..BF */
    U8_SURROGATE = 1 << 4,  /* ED A0..BF */
    U8_OVERLONG2 = 1 << 5,  /* C0, C1 */
    U8_LARGE_1000 = 1 << 6, /* F5..FF 80..8F; F0 80..8F (overlong 4) */
    U8_TWO_CONTS = 1 << 7,  /* a continuation after one: right only as a 3rd or 4th byte */
    U8_CARRY = U8_SHORT | U8_LONG | U8_TWO_CONTS,
};

/* The three tables, by the high nibble of the byte before, its low nibble,
 * and the high nibble of the byte itself. */
static const uint8_t U8_HI1[16] = {
    U8_LONG, U8_LONG, U8_LONG, U8_LONG, U8_LONG, U8_LONG, U8_LONG, U8_LONG, /* ASCII */
    U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS,                 /* continuation */
    U8_SHORT | U8_OVERLONG2, U8_SHORT, U8_SHORT | U8_OVERLONG3 | U8_SURROGATE,
    U8_SHORT | U8_LARGE | U8_LARGE_1000,
};
static const uint8_t U8_LO1[16] = {
    U8_CARRY | U8_OVERLONG3 | U8_OVERLONG2 | U8_LARGE_1000, U8_CARRY | U8_OVERLONG2, U8_CARRY, U8_CARRY,
    U8_CARRY | U8_LARGE, U8_CARRY | U8_LARGE | U8_LARGE_1000, U8_CARRY | U8_LARGE | U8_LARGE_1000,
    U8_CARRY | U8_LARGE | U8_LARGE_1000, U8_CARRY | U8_LARGE | U8_LARGE_1000, U8_CARRY | U8_LARGE | U8_LARGE_1000,
    U8_CARRY | U8_LARGE | U8_LARGE_1000, U8_CARRY | U8_LARGE | U8_LARGE_1000, U8_CARRY | U8_LARGE | U8_LARGE_1000,
    U8_CARRY | U8_LARGE | U8_LARGE_1000 | U8_SURROGATE, U8_CARRY | U8_LARGE | U8_LARGE_1000,
    U8_CARRY | U8_LARGE | U8_LARGE_1000,
};
static const uint8_t U8_HI2[16] = {
    U8_SHORT, U8_SHORT, U8_SHORT, U8_SHORT, U8_SHORT, U8_SHORT, U8_SHORT, U8_SHORT, /* ASCII */
    U8_LONG | U8_OVERLONG2 | U8_TWO_CONTS | U8_OVERLONG3 | U8_LARGE_1000,           /* 80..8F */
    U8_LONG | U8_OVERLONG2 | U8_TWO_CONTS | U8_OVERLONG3 | U8_LARGE,                /* 90..9F */
    U8_LONG | U8_OVERLONG2 | U8_TWO_CONTS | U8_SURROGATE | U8_LARGE,                /* A0..BF */
    U8_LONG | U8_OVERLONG2 | U8_TWO_CONTS | U8_SURROGATE | U8_LARGE,
    U8_SHORT, U8_SHORT, U8_SHORT, U8_SHORT, /* leads */
};

/* The bytes of the 64 bytes (prev, cur) that stand n before each of cur's. */
#define U8_BACK(cur, prev, n) _mm256_alignr_epi8(cur, _mm256_permute2x128_si256(prev, cur, 0x21), 16 - (n))

/* The tables in both lanes, loaded once for all the blocks. */
typedef struct {
    __m256i hi1, lo1, hi2;
} u8_tables;

__attribute__((target("avx2"))) static __m256i u8_table(const uint8_t t[16])
{
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t));
}

__attribute__((target("avx2"))) static __m256i utf8_errors(const u8_tables *t, __m256i cur, __m256i prev)
{
    const __m256i nib = _mm256_set1_epi8(0x0F);
    __m256i prev1 = U8_BACK(cur, prev, 1);
    __m256i pairs = _mm256_and_si256(
        _mm256_and_si256(_mm256_shuffle_epi8(t->hi1, _mm256_and_si256(_mm256_srli_epi16(prev1, 4), nib)),
                         _mm256_shuffle_epi8(t->lo1, _mm256_and_si256(prev1, nib))),
        _mm256_shuffle_epi8(t->hi2, _mm256_and_si256(_mm256_srli_epi16(cur, 4), nib)));
    /* a byte two after E0..FF or three after F0..FF must be a continuation:
     * there the pair's TWO_CONTS is right, elsewhere an error */
    __m256i third = _mm256_subs_epu8(U8_BACK(cur, prev, 2), _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i fourth = _mm256_subs_epu8(U8_BACK(cur, prev, 3), _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i must = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must, pairs);
}

/* The offset up to which s[0..len) is checked valid, 32 bytes a step: the
 * start of the first block with an error, or the end of the last whole
 * block, moved back to the start of a character that a later byte may
 * finish; the scalar loop goes on from there. */
__attribute__((target("avx2"))) static size_t valid_blocks_avx2(const char *s, size_t len)
{
    const u8_tables t = {u8_table(U8_HI1), u8_table(U8_LO1), u8_table(U8_HI2)};
    __m256i prev = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        __m256i cur = _mm256_loadu_si256((const __m256i *)(s + i));
        __m256i err = utf8_errors(&t, cur, prev);
        if (!_mm256_testz_si256(err, err))
            break;
        prev = cur;
    }
    /* the last lead in the three bytes before i; past it i is a boundary */
    for (size_t j = i; j > 0 && j + 3 > i; j--)
        if (((unsigned char)s[j - 1] & 0xC0) != 0x80)
            return (unsigned char)s[j - 1] >= 0xC0 ? j - 1 : i;
    return i;
}
#endif

size_t hb_utf8_valid_prefix(const char *s, size_t len)
{
#ifdef HB_UTF8_AVX2
    if (len >= 64 && hb_cpu_avx2()) {
        size_t i = valid_blocks_avx2(s, len);
        return i + hb_utf8_valid_prefix_portable(s + i, len - i);
    }
#endif
    return hb_utf8_valid_prefix_portable(s, len);
}

/* ASCII, Han and ①..⑳ (kept for layout) map to themselves: the fast path. */
static int folds_to_itself(int cp)
{
    return cp < 0x80 || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x2460 && cp <= 0x2473);
}

/* Punctuation that NFKC keeps as it is (。、“”《》—), by code point from
 * U+2000 (bits 0..127) and from U+3000 (bits 128..191): it ends no identity
 * run, so it costs neither a lookup in the memo nor a run of the map.  Built
 * from fold_char at first use, so it says what utf8proc says. */
enum { PUNCT_GENERAL = 0x2000, PUNCT_CJK = 0x3000, PUNCT_GENERAL_N = 128, PUNCT_CJK_N = 64 };
static uint64_t punct_same[(PUNCT_GENERAL_N + PUNCT_CJK_N) / 64];
static pthread_once_t punct_once = PTHREAD_ONCE_INIT;

static size_t fold_char(int cp, const char *src, int srclen, char *buf);

/* The bit of punct_same for code point cp, or -1 when it has none. */
static inline int punct_bit(unsigned cp)
{
    if (cp - PUNCT_GENERAL < PUNCT_GENERAL_N)
        return (int)(cp - PUNCT_GENERAL);
    if (cp - PUNCT_CJK < PUNCT_CJK_N)
        return (int)(cp - PUNCT_CJK) + PUNCT_GENERAL_N;
    return -1;
}

static void punct_build(void)
{
    for (unsigned cp = PUNCT_GENERAL; cp < PUNCT_CJK + PUNCT_CJK_N; cp++) {
        int bit = punct_bit(cp);
        if (bit < 0)
            continue;
        char src[4], buf[32];
        size_t n = (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)src);
        if (fold_char((int)cp, src, (int)n, buf) == n && memcmp(buf, src, n) == 0)
            punct_same[bit / 64] |= 1ull << (bit % 64);
    }
}

/* Whether the 3-byte character at u (valid UTF-8) folds to itself: Han,
 * ①..⑳, or punctuation in punct_same. */
static inline int same_3byte(const unsigned char *u)
{
    unsigned c = u[0];
    if (c - 0xE5u <= 4 || (c == 0xE4 && u[1] >= 0xB8)) /* U+4E00..U+9FFF */
        return 1;
    if (c == 0xE2 && u[1] == 0x91 && u[2] >= 0xA0 && u[2] <= 0xB3) /* ①..⑳ */
        return 1;
    int bit = punct_bit(((c & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu));
    return bit >= 0 && (punct_same[bit / 64] >> (bit % 64) & 1);
}

/* identity_prefix one character at a time, from i on: the portable way,
 * and the end of the vector one. */
static size_t identity_chars(const unsigned char *u, size_t i, size_t n)
{
    while (i < n) {
        unsigned c = u[i];
        if (c < 0x80) {
            if (c == '\r')
                break;
            i++;
            continue;
        }
        /* the text is valid UTF-8: a lead has its continuation bytes */
        if (n - i < 3 || (c & 0xF0) != 0xE0 || !same_3byte(u + i))
            break;
        i += 3;
    }
    return i;
}

#ifdef HB_UTF8_AVX2
/* The first byte of the 32 at s that no identity run passes by itself: a
 * CR, or a lead other than that of Han (E5..E9, E4 B8..BF); 32 when none.
 * Continuation bytes pass: their lead has passed.  ①..⑳ stop it too, for
 * the scalar test (same_3byte): they are rare, and every constant here is
 * a register the loop keeps.  Reads s[0..33). */
__attribute__((target("avx2"))) static unsigned identity_stop32(const char *s)
{
    const __m256i b0 = _mm256_loadu_si256((const __m256i *)s), b1 = _mm256_loadu_si256((const __m256i *)(s + 1));
#define B(c) _mm256_set1_epi8((char)(c))
#define AT_LEAST(x, c) _mm256_cmpeq_epi8(_mm256_max_epu8(x, B(c)), x) /* unsigned x >= c */
    __m256i han = _mm256_cmpeq_epi8(_mm256_min_epu8(_mm256_sub_epi8(b0, B(0xE5)), B(4)), _mm256_sub_epi8(b0, B(0xE5)));
    han = _mm256_or_si256(han, _mm256_and_si256(_mm256_cmpeq_epi8(b0, B(0xE4)), AT_LEAST(b1, 0xB8)));
    __m256i stop = _mm256_or_si256(_mm256_andnot_si256(han, AT_LEAST(b0, 0xC0)), _mm256_cmpeq_epi8(b0, B('\r')));
#undef AT_LEAST
#undef B
    unsigned m = (unsigned)_mm256_movemask_epi8(stop);
    return m ? (unsigned)__builtin_ctz(m) : 32;
}

/* The vector loop, 32 bytes a step; at a stop, the character there passes
 * when it is punctuation of punct_same (the vector knows no table).  The
 * last bytes go a character at a time, from the start of the character the
 * last block may have cut. */
__attribute__((target("avx2"))) static size_t identity_prefix_avx2(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i + 34 <= n) {
        unsigned k = identity_stop32(s + i);
        i += k;
        if (k == 32)
            continue;
        /* a CR or a lead, whose character ends before n */
        if ((u[i] & 0xF0) != 0xE0 || !same_3byte(u + i))
            return i;
        i += 3;
    }
    while (i > 0 && i < n && (u[i] & 0xC0) == 0x80)
        i--;
    return identity_chars(u, i, n);
}
#endif

/* The table built, and whether the vector scan runs here: asked once a fold. */
static int identity_setup(void)
{
    pthread_once(&punct_once, punct_build);
#ifdef HB_UTF8_AVX2
    return hb_cpu_avx2();
#else
    return 0;
#endif
}

/* The length of the longest prefix of s[0..n) made of whole characters that
 * fold to themselves, other than CR: ASCII, Han, ①..⑳ and the punctuation
 * NFKC keeps, read from their bytes; most of a report.  vector: what
 * identity_setup said. */
static inline size_t identity_prefix(const char *s, size_t n, int vector)
{
#ifdef HB_UTF8_AVX2
    if (vector)
        return identity_prefix_avx2(s, n);
#endif
    (void)vector;
    return identity_chars((const unsigned char *)s, 0, n);
}

size_t hb_fold_identity_prefix(const char *s, size_t n)
{
    return identity_prefix(s, n, identity_setup());
}

size_t hb_fold_identity_prefix_portable(const char *s, size_t n)
{
    identity_setup();
    return identity_prefix(s, n, 0);
}

/* Writes the folding of one code point into buf (at least 32 bytes); returns
 * the byte count. */
static size_t fold_char(int cp, const char *src, int srclen, char *buf)
{
    if (folds_to_itself(cp)) {
        memcpy(buf, src, (size_t)srclen);
        return (size_t)srclen;
    }
    /* Default-ignorable characters (zero-width space and joiners, soft
     * hyphen, BOM inside the text, bidi marks, Mongolian vowel separator):
     * NFKC keeps them, yet they split what a reader sees as one number
     * (1\u00AD2次 is 12) or one word; the map still spans them.  Variation
     * selectors stay: they belong to the character before (keycap 1️⃣). */
    if (utf8proc_get_property(cp)->ignorable && !(cp >= 0xFE00 && cp <= 0xFE0F))
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

/* The folding of the characters between identity runs (full-width and CJK
 * punctuation, mostly: ，（）：) repeats a few dozen code points all through a
 * report: each is asked of utf8proc once per fold, then read from here.
 * A folding longer than a slot holds is not kept; a slot says too whether
 * the folding is the character itself (its map is then byte for byte). */
typedef struct {
    int32_t cp; /* -1: empty */
    uint8_t len;
    uint8_t same; /* the folding is the character itself */
    char out[10];
} fold_memo_slot;
enum { FOLD_MEMO_SLOTS = 256 };

static size_t fold_char_memo(fold_memo_slot *memo, int cp, const char *src, int srclen, char *buf, int *same)
{
    fold_memo_slot *slot = &memo[(uint32_t)cp * 2654435761u >> 24];
    if (slot->cp == cp) {
        memcpy(buf, slot->out, slot->len);
        *same = slot->same;
        return slot->len;
    }
    size_t k = fold_char(cp, src, srclen, buf);
    *same = k == (size_t)srclen && memcmp(buf, src, k) == 0;
    if (k <= sizeof slot->out) {
        slot->cp = cp;
        slot->len = (uint8_t)k;
        slot->same = (uint8_t)*same;
        memcpy(slot->out, buf, k);
    }
    return k;
}

/* The last run of [lo, hi] whose start is at or before pos (lo when none). */
static inline size_t run_in(const hb_omap *m, size_t lo, size_t hi, size_t pos)
{
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (m->v[mid].from <= pos)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

size_t hb_omap_find(const hb_omap *m, size_t pos)
{
    return run_in(m, 0, m->n - 1, pos);
}

size_t hb_omap_seek(const hb_omap *m, size_t pos, size_t k)
{
    if (k >= m->n)
        return hb_omap_find(m, pos);
    size_t step = 1;
    if (m->v[k].from > pos) { /* then k > 0: run 0 starts at 0 */
        while (step < k && m->v[k - step].from > pos) {
            k -= step;
            step *= 2;
        }
        return run_in(m, step < k ? k - step : 0, k - 1, pos);
    }
    while (k + step < m->n && m->v[k + step].from <= pos) {
        k += step;
        step *= 2;
    }
    return run_in(m, k, k + step < m->n ? k + step - 1 : m->n - 1, pos);
}

int hb_omap_copy(hb_arena *a, hb_omap *m, size_t pos, const hb_omap *src, const char *s, size_t from, size_t n,
                 size_t *hint)
{
    if (n == 0)
        return 1;
    size_t k = *hint;
    if (!hb_omap_put(a, m, pos, hb_omap_get(src, s, from, &k)))
        return 0;
    for (k++; k < src->n && src->v[k].from < from + n; k++)
        if (!hb_omap_put(a, m, pos + (src->v[k].from - from), src->v[k].to))
            return 0;
    *hint = k - 1; /* the run holding the piece's last byte */
    return 1;
}

int hb_fold(hb_arena *a, const char *text, size_t len, char **out, size_t *out_len, hb_omap *map)
{
    /* NFKC never grows a character beyond 18 code points; 32 bytes per input
     * character is ample, but allocate by need to stay lean on Han text. */
    size_t cap = len + 64;
    char *o = malloc(cap);
    hb_omap m = {0};
    if (!o)
        return 0;
    size_t j = 0;
    fold_memo_slot memo[FOLD_MEMO_SLOTS];
    memset(memo, 0xFF, sizeof memo); /* every cp -1 */
    int vector = identity_setup();
    /* a run the rest of the text bounded stopped at a character that does
     * not fold to itself (or a CR): it is not asked again */
    int stopped = 0;
    for (size_t i = 0; i < len;) {
        if (cap - j < 40) {
            size_t ncap = cap + cap / 2;
            char *no = realloc(o, ncap);
            if (!no)
                goto fail;
            o = no;
            cap = ncap;
        }
        if (text[i] == '\r') {
            o[j] = '\n';
            if (!hb_omap_put(a, &m, j++, i))
                goto fail;
            i += (i + 1 < len && text[i + 1] == '\n') ? 2 : 1;
            stopped = 0;
            continue;
        }
        size_t most = len - i < cap - j - 40 ? len - i : cap - j - 40;
        size_t run = stopped ? 0 : identity_prefix(text + i, most, vector);
        if (run) { /* one run of the map, as it is */
            if (!hb_omap_put(a, &m, j, i))
                goto fail;
            memcpy(o + j, text + i, run);
            i += run;
            j += run;
            stopped = most == len - (i - run);
            continue;
        }
        stopped = 0;
        int cp;
        int n = hb_utf8_next(text + i, len - i, &cp);
        int same;
        size_t k = fold_char_memo(memo, cp, text + i, n, o + j, &same);
        /* a character kept as it is maps byte for byte; any other maps
         * each of its bytes to where it starts */
        if (same) {
            if (!hb_omap_put(a, &m, j, i))
                goto fail;
        } else {
            for (size_t t = 0; t < k; t++)
                if (!hb_omap_put(a, &m, j + t, i))
                    goto fail;
        }
        j += k;
        i += (size_t)n;
    }
    if (!hb_omap_put(a, &m, j, len))
        goto fail;
    hb_vec_trim(a, &m);
    char *shrunk = realloc(o, j + 1 + HB_TEXT_PAD);
    if (!shrunk)
        goto fail;
    o = shrunk;
    memset(o + j, 0, 1 + HB_TEXT_PAD);
    *out = o;
    *out_len = j;
    *map = m;
    return 1;
fail:
    free(o);
    return 0;
}

/* Rule fields are folded one by one at every engine load: most are ASCII
 * and Han, which fold to themselves, so they are copied without building
 * the map hb_fold() keeps for documents. */
int hb_fold_is_identity(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        int cp;
        i += (size_t)hb_utf8_next(s + i, len - i, &cp);
        if (cp == '\r' || !folds_to_itself(cp))
            return 0;
    }
    return 1;
}

char *hb_fold_cstr(const char *s)
{
    size_t len = strlen(s);
    if (hb_fold_is_identity(s, len))
        return strdup(s);
    hb_arena a = {0};
    char *o = NULL;
    size_t n;
    hb_omap m;
    hb_fold(&a, s, len, &o, &n, &m);
    hb_arena_release(&a);
    return o;
}

/* The fold stage: the decoded text folded (normalize.h), with its map. */
hb_status hb_fold_run(hb_doc *d)
{
    char *fold;
    if (!hb_fold(&d->arena, d->text, d->len, &fold, &d->fold_len, &d->fmap))
        return HB_ERR_NOMEM;
    d->fold = d->fold_own = fold; /* the first fold: nothing to free before it */
    return HB_OK;
}
