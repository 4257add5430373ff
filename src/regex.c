/* PCRE2 with the engine's limits, so no dictionary pattern can hang a batch.
 * A pattern is interpreted at first and JIT-compiled once it has been run
 * often: JIT-compiling the ~40 patterns of dict/ at start cost a small
 * report an eighth of its instructions, more than it spent matching. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"

#ifndef HB_REGEX_JIT_AFTER
#define HB_REGEX_JIT_AFTER 16384
#endif

/* A pattern is JIT-compiled once it has been run over this many bytes of
 * subject (an anchored one counting at most JIT_ANCHORED_RUN a match, as it
 * stops early): about where the interpreter's extra time has cost as much
 * as compiling (some 120,000 instructions a pattern). */
enum { JIT_AFTER = HB_REGEX_JIT_AFTER, JIT_ANCHORED_RUN = 256 };

struct hb_regex {
    pcre2_code *code;            /* as compiled, never changed */
    size_t run_max;              /* the most bytes one match counts */
    _Atomic(pcre2_code *) jit;   /* a JIT-compiled copy, once published */
    atomic_size_t work;         /* subject bytes run interpreted */
    atomic_flag compiling;       /* one thread compiles the copy */
};

hb_regex *hb_regex_compile(const char *pattern, uint32_t options, const char *file, int line, hb_error *err)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_NO_UTF_CHECK | PCRE2_UCP | options, &code, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        hb_dict_fail(err, HB_ERR_REGEX, file, line, (int)off, "regex does not compile at offset %d: %s", (int)off, msg);
        return NULL;
    }
    hb_regex *rx = malloc(sizeof *rx);
    if (!rx) {
        pcre2_code_free(re);
        hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
        return NULL;
    }
    rx->code = re;
    uint32_t all = 0;
    pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &all);
    rx->run_max = all & PCRE2_ANCHORED ? JIT_ANCHORED_RUN : SIZE_MAX;
    atomic_init(&rx->jit, NULL);
    atomic_init(&rx->work, 0);
    atomic_flag_clear(&rx->compiling);
    return rx;
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

/* The code to match with: the JIT copy when there is one; the JIT-compiling
 * thread publishes its copy only when complete, and the others go on with
 * the interpreter meanwhile (both give the same matches). */
static const pcre2_code *code_for(hb_regex *rx, size_t bytes)
{
    pcre2_code *j = atomic_load_explicit(&rx->jit, memory_order_acquire);
    if (j)
        return j;
    /* one long subject (a flattened report's only line) is reason enough */
    if ((bytes < JIT_AFTER &&
         atomic_fetch_add_explicit(&rx->work, bytes < rx->run_max ? bytes : rx->run_max, memory_order_relaxed) <
             JIT_AFTER) ||
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

int hb_regex_match(const struct hb_engine *e, hb_regex *rx, const char *s, size_t len, size_t start,
                   pcre2_match_data *md)
{
    const pcre2_code *code = code_for(rx, len - start);
    /* the JIT copy straight away, without pcre2_match's checks of what is
     * known here (valid UTF-8, offset in range): it runs per line and per
     * candidate */
    int rc = code != rx->code ? pcre2_jit_match(code, (PCRE2_SPTR)s, len, start, 0, md, e->mctx)
                              : pcre2_match(code, (PCRE2_SPTR)s, len, start, PCRE2_NO_UTF_CHECK, md, e->mctx);
    /* a pattern that ran into the match limit backtracks hard: the JIT
     * reaches that limit several times faster, so compile it at once */
    if (code == rx->code && (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT))
        atomic_fetch_add_explicit(&rx->work, JIT_AFTER, memory_order_relaxed);
    return rc;
}

int hb_regex_find(const struct hb_engine *e, hb_regex *rx, const char *s, size_t len,
                  size_t start, pcre2_match_data *md, size_t ov[2])
{
    if (start > len || hb_regex_match(e, rx, s, len, start, md) < 0)
        return 0;
    PCRE2_SIZE *v = pcre2_get_ovector_pointer(md);
    ov[0] = v[0];
    ov[1] = v[1];
    return 1;
}
