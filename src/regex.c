/* PCRE2 with the engine's limits, so no dictionary pattern can hang a batch.
 * A pattern is interpreted at first and JIT-compiled once it has been run
 * often: JIT-compiling the ~40 patterns of dict/ at start cost a small
 * report an eighth of its instructions, more than it spent matching. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "engine.h"
#include "hash.h"
#include "rules.h"

#ifndef HB_REGEX_JIT_AFTER
#define HB_REGEX_JIT_AFTER 16384
#endif

/* A pattern is JIT-compiled once it has been run over this many bytes of
 * subject (an anchored one counting at most JIT_ANCHORED_RUN a match, as it
 * stops early): about where the interpreter's extra time has cost as much
 * as compiling (some 120,000 instructions a pattern). */
enum { JIT_AFTER = HB_REGEX_JIT_AFTER, JIT_ANCHORED_RUN = 256 };

/* A pattern PCRE2 knows no start for (no first code unit, no map of first
 * bytes: \d under UCP is any digit) has the interpreter try a whole match
 * at every character, over ten times the work a byte of a pattern with
 * a start map costs; its bytes count sixteen times, so it is compiled
 * after the first few small reports, not after a hundred (docfacts'
 * period: 60,000 instructions a 5 KB report interpreted). */
enum { JIT_STARTLESS_WEIGHT = 16 };

struct hb_regex {
    pcre2_code *code;            /* as compiled, never changed */
    size_t run_max;              /* the most bytes one match counts */
    size_t weight;               /* what one byte counts (JIT_STARTLESS_WEIGHT or 1) */
    _Atomic(pcre2_code *) jit;   /* a JIT-compiled copy, once published */
    atomic_size_t work;         /* subject bytes run interpreted */
    atomic_flag compiling;       /* one thread compiles the copy */
};

/* What a pattern's key in the compiled rules files under it (a bit of the
 * key's tail above the options): its compiled code, its literal set, its
 * sets of strings on a match's first line (hb_regex_start_literals,
 * hb_regex_line_literals), its prefix (hb_regex_prefix). */
enum { KEY_CODE = 32, KEY_LITERALS = 33, KEY_START_LITERALS = 34, KEY_LINE_LITERALS = 35, KEY_PREFIX = 36 };

/* A pattern's key in the compiled rules: its text, all its options and
 * what is filed, so an edited pattern misses; the tail's bit 32 to 36
 * sets it apart from an automaton's key (hb_ac_key), whose tail is its
 * pattern count and bytes. */
static void regex_key(const char *pattern, uint32_t options, int filed, unsigned char key[32])
{
    /* a literal set is what regex_lits.c read then, a prefix what
     * regex_prefix.c read (with regex_lits.c's quantifiers) into a struct
     * of its size then: their readings' versions are in the key */
    uint64_t version = filed != KEY_CODE ? (uint64_t)HB_LITS_VERSION << 40 : 0;
    if (filed == KEY_PREFIX)
        version |= (uint64_t)HB_PREFIX_VERSION << 44 | (uint64_t)sizeof(hb_prefix) << 48;
    uint64_t h[2] = {0x452821E638D01377ull, 0xBE5466CF34E90C6Cull},
             tail[2] = {strlen(pattern), options | 1ull << filed | version};
    hb_hash_mix(h, pattern, tail[0]);
    hb_hash_mix(h, tail, sizeof tail);
    memcpy(key, h, 16);
    memcpy(key + 16, tail, 16);
}

/* The pattern compiled at build time (rulec): decoding it costs a tenth of
 * compiling.  NULL when there is none, or it was serialized by another
 * PCRE2 (then it is compiled here); a blob failing its check is an error. */
static pcre2_code *from_rules(const struct hb_engine *e, const unsigned char *key, hb_status *st, hb_error *err)
{
    size_t size;
    const unsigned char *b = e && e->rules ? hb_rules_find_checked(e, key, &size, st, err) : NULL;
    pcre2_code *re = NULL;
    /* 16 bytes: the serialized header pcre2 reads before checking it */
    if (b && size >= 16 && pcre2_serialize_get_number_of_codes(b) == 1 &&
        pcre2_serialize_decode(&re, 1, b, NULL) != 1)
        re = NULL;
    return re;
}

/* Files the compiled pattern for rulec to write. */
static hb_status record(const struct hb_engine *e, const unsigned char *key, const pcre2_code *re)
{
    uint8_t *bytes;
    PCRE2_SIZE n;
    if (pcre2_serialize_encode(&re, 1, &bytes, &n, NULL) != 1)
        return HB_ERR_NOMEM;
    hb_status st = hb_rules_record_checked(e->record, key, bytes, n);
    pcre2_serialize_free(bytes);
    return st;
}

/* Whether PCRE2 can skip to where a match may start: a first code unit, a
 * map of first bytes, or a start at line starts only. */
static int knows_start(const pcre2_code *re)
{
    uint32_t type = 0;
    const uint8_t *map = NULL;
    return (pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &type) == 0 && type != 0) ||
           (pcre2_pattern_info(re, PCRE2_INFO_FIRSTBITMAP, &map) == 0 && map);
}

/* rx for the compiled code re (owned from now on; freed when out of
 * memory, NULL then). */
static hb_regex *regex_new(pcre2_code *re)
{
    hb_regex *rx = malloc(sizeof *rx);
    if (!rx) {
        pcre2_code_free(re);
        return NULL;
    }
    rx->code = re;
    uint32_t all = 0;
    pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &all);
    rx->run_max = all & PCRE2_ANCHORED ? JIT_ANCHORED_RUN : SIZE_MAX;
    rx->weight = all & PCRE2_ANCHORED || knows_start(re) ? 1 : JIT_STARTLESS_WEIGHT;
    atomic_init(&rx->jit, NULL);
    atomic_init(&rx->work, 0);
    atomic_flag_clear(&rx->compiling);
    return rx;
}

hb_regex *hb_regex_compile(const struct hb_engine *e, const char *pattern, uint32_t options, const char *file,
                           int line, hb_error *err)
{
    int code;
    PCRE2_SIZE off;
    unsigned char key[32];
    hb_status st = HB_OK;
    options |= PCRE2_UTF | PCRE2_NO_UTF_CHECK | PCRE2_UCP;
    if (e && (e->rules || e->record))
        regex_key(pattern, options, KEY_CODE, key);
    pcre2_code *re = from_rules(e, key, &st, err);
    if (st != HB_OK)
        return NULL;
    if (!re) {
        re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options, &code, &off, NULL);
        if (!re) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(code, msg, sizeof msg);
            hb_dict_fail(err, HB_ERR_REGEX, file, line, (int)off, "regex does not compile at offset %d: %s", (int)off,
                         msg);
            return NULL;
        }
        if (e && e->record && record(e, key, re) != HB_OK) {
            pcre2_code_free(re);
            hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
            return NULL;
        }
    }
    hb_regex *rx = regex_new(re);
    if (!rx)
        hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    return rx;
}

void *hb_regex_encode_set(hb_regex *const *v, size_t n, size_t *size)
{
    const pcre2_code **codes = malloc((n ? n : 1) * sizeof *codes);
    uint8_t *bytes = NULL;
    PCRE2_SIZE len = 0;
    void *out = NULL;
    for (size_t i = 0; codes && i < n; i++)
        codes[i] = v[i]->code;
    if (codes && n && pcre2_serialize_encode(codes, (int32_t)n, &bytes, &len, NULL) == (int32_t)n &&
        (out = malloc(len)) != NULL) {
        memcpy(out, bytes, len);
        *size = len;
    }
    pcre2_serialize_free(bytes);
    free(codes);
    return out;
}

int hb_regex_decode_set(const void *bytes, size_t size, hb_regex **out, size_t n)
{
    pcre2_code **codes = calloc(n ? n : 1, sizeof *codes);
    int ok = codes && n && n <= INT32_MAX && size >= 16 &&
             pcre2_serialize_get_number_of_codes(bytes) == (int32_t)n &&
             pcre2_serialize_decode(codes, (int32_t)n, bytes, NULL) == (int32_t)n;
    for (size_t i = 0; i < n; i++)
        out[i] = NULL;
    for (size_t i = 0; ok && i < n; i++)
        if (!(out[i] = regex_new(codes[i])))
            ok = 0;
    for (size_t i = 0; !ok && codes && i < n; i++) {
        if (out[i])
            hb_regex_free(out[i]);
        else
            pcre2_code_free(codes[i]);
        out[i] = NULL;
    }
    free(codes);
    return ok;
}

/* A literal set in the compiled rules: its count and one_line, each
 * literal's length, then their bytes one after another (uint32_t each). */
enum { LITS_HEAD = 2 };

/* The set filed as blob[0..size), into *out; 0 when its sizes do not add
 * up (a crafted file), which the caller treats as damage. */
static int lits_decode(const unsigned char *blob, size_t size, void *to)
{
    hb_lits *out = to;
    uint32_t head[LITS_HEAD], len[HB_LITS_MAX];
    if (size < sizeof head)
        return 0;
    memcpy(head, blob, sizeof head);
    size_t at = sizeof head + head[0] * sizeof *len, used = 0;
    if (head[0] > HB_LITS_MAX || size < at)
        return 0;
    memcpy(len, blob + sizeof head, head[0] * sizeof *len);
    out->n = head[0];
    out->one_line = (int)head[1];
    for (size_t i = 0; i < out->n; i++) {
        if (len[i] > sizeof out->buf - used)
            return 0;
        out->off[i] = used;
        out->len[i] = len[i];
        used += len[i];
    }
    if (size != at + used)
        return 0;
    memcpy(out->buf, blob + at, used);
    return 1;
}

/* Files the set l for rulec to write. */
static hb_status lits_record(const struct hb_engine *e, const unsigned char *key, const hb_lits *l)
{
    uint32_t blob[LITS_HEAD + HB_LITS_MAX + sizeof l->buf / sizeof(uint32_t)];
    unsigned char *b = (unsigned char *)blob;
    uint32_t head[LITS_HEAD] = {(uint32_t)l->n, (uint32_t)l->one_line};
    size_t at = sizeof head + l->n * sizeof(uint32_t);
    memcpy(b, head, sizeof head);
    for (size_t i = 0; i < l->n; i++) {
        uint32_t len = (uint32_t)l->len[i];
        memcpy(b + sizeof head + i * sizeof len, &len, sizeof len);
        memcpy(b + at, l->buf + l->off[i], l->len[i]);
        at += l->len[i];
    }
    return hb_rules_record_checked(e->record, key, b, at);
}

/* What is filed as `filed` for pattern in e's compiled rules, taken into
 * out by decode (0: its sizes do not add up, which is damage): 1 when
 * taken or on an error (*st says which), 0 when none is filed; key is then
 * the key to record it under. */
static int take_filed(const struct hb_engine *e, const char *pattern, uint32_t options, int filed,
                      int (*decode)(const unsigned char *, size_t, void *), void *out, unsigned char key[32],
                      hb_status *st, hb_error *err)
{
    size_t size;
    *st = HB_OK;
    if (e && (e->rules || e->record))
        regex_key(pattern, options, filed, key);
    const unsigned char *b = e && e->rules ? hb_rules_find_checked(e, key, &size, st, err) : NULL;
    if (*st != HB_OK)
        return 1;
    if (!b)
        return 0;
    if (!decode(b, size, out)) {
        hb_rules_damaged(e, err);
        *st = HB_ERR_DICT;
    }
    return 1;
}

/* The set filed as `filed` for pattern, else read by `read` and recorded. */
static hb_status literals_of(const struct hb_engine *e, const char *pattern, uint32_t options, int filed,
                             void (*read)(const char *, uint32_t, hb_lits *), hb_lits *out, const char *file,
                             int line, hb_error *err)
{
    unsigned char key[32];
    hb_status st;
    if (take_filed(e, pattern, options, filed, lits_decode, out, key, &st, err))
        return st;
    read(pattern, options, out);
    if (e && e->record && lits_record(e, key, out) != HB_OK)
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory"), HB_ERR_NOMEM;
    return HB_OK;
}

hb_status hb_regex_literals_of(const struct hb_engine *e, const char *pattern, uint32_t options, hb_lits *out,
                               const char *file, int line, hb_error *err)
{
    return literals_of(e, pattern, options, KEY_LITERALS, hb_regex_literals, out, file, line, err);
}

hb_status hb_regex_start_literals_of(const struct hb_engine *e, const char *pattern, uint32_t options,
                                     hb_lits *out, const char *file, int line, hb_error *err)
{
    return literals_of(e, pattern, options, KEY_START_LITERALS, hb_regex_start_literals, out, file, line, err);
}

hb_status hb_regex_line_literals_of(const struct hb_engine *e, const char *pattern, uint32_t options,
                                    hb_lits *out, const char *file, int line, hb_error *err)
{
    return literals_of(e, pattern, options, KEY_LINE_LITERALS, hb_regex_line_literals, out, file, line, err);
}

/* A prefix as filed, its counts checked so that a crafted one gives
 * wrong answers at worst, never a read past its arrays. */
static int prefix_decode(const unsigned char *blob, size_t size, void *to)
{
    hb_prefix *out = to;
    if (size != sizeof *out)
        return 0;
    memcpy(out, blob, sizeof *out);
    return hb_prefix_valid(out);
}

hb_status hb_regex_prefix_of(const struct hb_engine *e, const char *pattern, uint32_t options, hb_prefix *out,
                             const char *file, int line, hb_error *err)
{
    unsigned char key[32];
    hb_status st;
    if (take_filed(e, pattern, options, KEY_PREFIX, prefix_decode, out, key, &st, err))
        return st;
    hb_regex_prefix(pattern, options, out);
    if (e && e->record) {
        /* zeroed but for what is read (hb_prefix_file) */
        hb_prefix *filed = calloc(1, sizeof *filed);
        hb_status rst = filed ? HB_OK : HB_ERR_NOMEM;
        if (filed) {
            hb_prefix_file(filed, out);
            rst = hb_rules_record_checked(e->record, key, filed, sizeof *filed);
        }
        free(filed);
        if (rst != HB_OK)
            return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory"), HB_ERR_NOMEM;
    }
    return HB_OK;
}

void hb_regex_free(hb_regex *rx)
{
    if (!rx)
        return;
    pcre2_code_free(atomic_load(&rx->jit));
    pcre2_code_free(rx->code);
    free(rx);
}

const pcre2_code *hb_regex_code(const hb_regex *rx)
{
    return rx->code;
}

int hb_regex_required_unit(const hb_regex *rx)
{
    uint32_t type, unit;
    if (pcre2_pattern_info(rx->code, PCRE2_INFO_LASTCODETYPE, &type) != 0 || type != 1 ||
        pcre2_pattern_info(rx->code, PCRE2_INFO_LASTCODEUNIT, &unit) != 0)
        return -1;
    return (int)unit;
}

/* The code to match with: the JIT copy when there is one; the JIT-compiling
 * thread publishes its copy only when complete, and the others go on with
 * the interpreter meanwhile (both give the same matches). */
static const pcre2_code *code_for(hb_regex *rx, size_t bytes)
{
    pcre2_code *j = atomic_load_explicit(&rx->jit, memory_order_acquire);
    if (j)
        return j;
    /* one long subject (a flattened report's only line) is reason enough */
    size_t work = (bytes < rx->run_max ? bytes : rx->run_max) * rx->weight;
    if ((work < JIT_AFTER && atomic_fetch_add_explicit(&rx->work, work, memory_order_relaxed) < JIT_AFTER) ||
        atomic_flag_test_and_set(&rx->compiling))
        return rx->code;
    j = pcre2_code_copy(rx->code);
    if (j && pcre2_jit_compile(j, PCRE2_JIT_COMPLETE) == 0) {
        atomic_store_explicit(&rx->jit, j, memory_order_release);
        return j;
    }
    pcre2_code_free(j); /* no JIT here: stay with the interpreter (the flag stays set) */
    return rx->code;
}

/* pcre2_match with mctx, counting `work` bytes of subject toward the JIT. */
static int match_in(pcre2_match_context *mctx, hb_regex *rx, const char *s, size_t len, size_t start, size_t work,
                    pcre2_match_data *md)
{
    const pcre2_code *code = code_for(rx, work);
    /* the JIT copy straight away, without pcre2_match's checks of what is
     * known here (valid UTF-8, offset in range): it runs per line and per
     * candidate */
    int rc = code != rx->code ? pcre2_jit_match(code, (PCRE2_SPTR)s, len, start, 0, md, mctx)
                              : pcre2_match(code, (PCRE2_SPTR)s, len, start, PCRE2_NO_UTF_CHECK, md, mctx);
    /* a pattern that ran into the match limit backtracks hard: the JIT
     * reaches that limit several times faster, so compile it at once */
    if (code == rx->code && (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT))
        atomic_fetch_add_explicit(&rx->work, JIT_AFTER, memory_order_relaxed);
    return rc;
}

int hb_regex_match(const struct hb_engine *e, hb_regex *rx, const char *s, size_t len, size_t start,
                   pcre2_match_data *md)
{
    return match_in(e->mctx, rx, s, len, start, len - start, md);
}

/* The match's place into ov; 0 when there is none (rc < 0). */
static int found(int rc, pcre2_match_data *md, size_t ov[2])
{
    if (rc < 0)
        return 0;
    PCRE2_SIZE *v = pcre2_get_ovector_pointer(md);
    ov[0] = v[0];
    ov[1] = v[1];
    return 1;
}

int hb_regex_find(const struct hb_engine *e, hb_regex *rx, const char *s, size_t len,
                  size_t start, pcre2_match_data *md, size_t ov[2])
{
    return start <= len && found(hb_regex_match(e, rx, s, len, start, md), md, ov);
}

int hb_regex_find_upto(pcre2_match_context *mctx, hb_regex *rx, const char *s, size_t len, size_t start,
                       size_t limit, pcre2_match_data *md, size_t ov[2])
{
    if (start > limit || limit > len)
        return 0;
    pcre2_set_offset_limit(mctx, limit);
    /* the bytes of the attempts' span count: what the search mostly reads */
    return found(match_in(mctx, rx, s, len, start, limit - start, md), md, ov);
}
