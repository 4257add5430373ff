/* PCRE2 with JIT and the engine's limits, so no dictionary pattern can hang a batch. */
#include <stdio.h>

#include "engine.h"

pcre2_code *hb_regex_compile(const char *pattern, uint32_t options, const char *file, int line, hb_error *err)
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
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter if JIT is unavailable */
    return re;
}

int hb_regex_find(const struct hb_engine *e, const pcre2_code *re, const char *s, size_t len,
                  size_t start, pcre2_match_data *md, size_t ov[2])
{
    if (start > len)
        return 0;
    /* the JIT code straight away, without pcre2_match's checks of what is
     * known here (valid UTF-8, offset in range): it is called per line and
     * per candidate.  A pattern without JIT code is left to the interpreter. */
    int rc = pcre2_jit_match(re, (PCRE2_SPTR)s, len, start, 0, md, e->mctx);
    if (rc == PCRE2_ERROR_JIT_BADOPTION)
        rc = pcre2_match(re, (PCRE2_SPTR)s, len, start, PCRE2_NO_UTF_CHECK, md, e->mctx);
    if (rc < 0)
        return 0;
    PCRE2_SIZE *v = pcre2_get_ovector_pointer(md);
    ov[0] = v[0];
    ov[1] = v[1];
    return 1;
}
