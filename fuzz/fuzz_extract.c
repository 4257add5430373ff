/* Fuzz target: the whole report (every extractor: documents, slogans,
 * metrics, lists, terms, required sections) and its three outputs.  The JSON
 * must parse back, hold the contract's top-level fields, and every span and
 * line must lie inside the input.  Extracted in a group with its two halves
 * (hb_extract_owned_n), each gives what it gives alone. */
#include <jansson.h>

#include "fuzz.h"

static const char *const FIELDS[] = {"schema_version", "source", "title", "addressee", "signature",
                                     "doc_type", "years", "stats", "sections", "metrics", "slogans",
                                     "documents", "achievements", "problems", "causes", "plans",
                                     "required", "terms", "warnings"};

/* Spans are [start, end) byte offsets of the decoded text, on character
 * boundaries; lines are 1-based input lines. */
static void check_positions(const json_t *v, const hb_report *r)
{
    const hb_doc *d = r;
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) check_positions(x, r);
        return;
    }
    if (!json_is_object(v))
        return;
    const char *key;
    json_t *x;
    json_object_foreach((json_t *)v, key, x) {
        if (!strcmp(key, "span") && json_is_array(x)) {
            FZ_CHECK(json_array_size(x) == 2);
            json_int_t a = json_integer_value(json_array_get(x, 0));
            json_int_t b = json_integer_value(json_array_get(x, 1));
            FZ_CHECK(0 <= a && a <= b && (size_t)b <= d->len);
            FZ_CHECK((size_t)a == d->len || ((unsigned char)d->text[a] & 0xC0) != 0x80);
            FZ_CHECK((size_t)b == d->len || ((unsigned char)d->text[b] & 0xC0) != 0x80);
        } else if ((!strcmp(key, "line") || !strcmp(key, "first_line")) && json_is_integer(x)) {
            FZ_CHECK(json_integer_value(x) >= 1 && json_integer_value(x) <= d->nlines);
        } else {
            check_positions(x, r);
        }
    }
}

static void check_group(const fz_input *in)
{
    size_t half = in->size / 2;
    const char *part[3] = {in->data, in->data, in->data + half};
    size_t len[3] = {in->size, half, in->size - half};
    char *bufs[3];
    hb_extract_options xo[3];
    hb_report *r[3];
    hb_error err[3];
    for (int k = 0; k < 3; k++) {
        FZ_CHECK((bufs[k] = malloc(len[k] + 1)));
        memcpy(bufs[k], part[k], len[k]);
        xo[k] = in->xo;
    }
    hb_extract_owned_n(fz_engine(), 3, bufs, len, xo, r, err);
    for (int k = 0; k < 3; k++) {
        hb_error alone_err;
        hb_report *alone = hb_extract(fz_engine(), part[k], len[k], &in->xo, &alone_err);
        FZ_CHECK(!alone == !r[k]);
        if (alone) {
            char *a = hb_report_json(alone, 0), *b = hb_report_json(r[k], 0);
            FZ_CHECK(a && b && strcmp(a, b) == 0);
            hb_free(a);
            hb_free(b);
        } else {
            FZ_CHECK(alone_err.code == err[k].code && strcmp(alone_err.message, err[k].message) == 0);
        }
        hb_report_free(alone);
        hb_report_free(r[k]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = fz_options(data, size);
    check_group(&in);
    hb_error err;
    hb_report *r = hb_extract(fz_engine(), in.data, in.size, &in.xo, &err);
    if (!r) {
        FZ_CHECK(err.code != HB_OK && err.message[0]);
        return 0;
    }
    char *json = hb_report_json(r, in.flags & 64 ? HB_JSON_PRETTY : 0);
    FZ_CHECK(json);
    json_error_t jerr;
    json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        fprintf(stderr, "output is not JSON: %s at %d\n", jerr.text, jerr.line);
    FZ_CHECK(root && json_is_object(root));
    for (size_t i = 0; i < sizeof FIELDS / sizeof *FIELDS; i++)
        if (!json_object_get(root, FIELDS[i])) {
            fprintf(stderr, "no \"%s\" in %s\n", FIELDS[i], json);
            FZ_CHECK(!"every contract field is present");
        }
    check_positions(root, r);
    json_decref(root);
    hb_free(json);

    char *tokens = hb_report_tokens(r, in.flags & 1 ? HB_TOKENS_WORDS : 0);
    FZ_CHECK(tokens && hb_utf8_valid(tokens, strlen(tokens)));
    hb_free(tokens);
    int passed = -1;
    char *verdict = hb_report_verdict(r, &passed);
    FZ_CHECK(verdict && (passed == 0 || passed == 1));
    hb_free(verdict);
    hb_report_free(r);
    return 0;
}
