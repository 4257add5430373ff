/* Shared by the fuzz targets (libFuzzer, and fuzz/replay.c for the test
 * suite): the engine, loaded once; options taken from the first input bytes;
 * a document built stage by stage from hb_extract()'s table; invariant checks
 * that abort, so a broken invariant is a finding like a crash.
 *
 * Options: an input starting with the byte 0xF8 (never in UTF-8 text, and
 * not a BOM) takes its options from the second byte, the rest is the
 * report; any other input is the report itself with default options, so
 * corpus/ files are seeds as they are.  Second byte: bits 0-2 the forced
 * encoding (none, utf-8, gb18030, utf-16le, utf-16be, gbk, utf-8-bom, an
 * unknown name), bit 3 a 64-byte --max-bytes, bits 4-5 a profile (none,
 * annual-report, work-plan, an unknown name), bit 6 pretty JSON, bit 7 no
 * terms. */
#ifndef HB_FUZZ_H
#define HB_FUZZ_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "doc.h"
#include "engine.h"
#include "extract.h"
#include "huibao.h"
#include "json_out.h"
#include "normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(cond)                                                                   \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                     \
        }                                                                                \
    } while (0)

enum { FZ_OPTION_MAGIC = 0xF8 };

/* A whole file, malloc'd (the compiled files the loaders' targets damage). */
static inline char *fz_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    FZ_CHECK(f && fseek(f, 0, SEEK_END) == 0);
    *n = (size_t)ftell(f);
    char *bytes = malloc(*n ? *n : 1);
    rewind(f);
    FZ_CHECK(bytes && fread(bytes, 1, *n, f) == *n);
    fclose(f);
    return bytes;
}

/* Writes to path a compiled file for a loader to open: the input itself when
 * it starts with the file's 8-byte magic, else base[0..n) damaged by the
 * input read as 4-byte edits (a 3-byte offset and a byte; offset 0xFFFFFF
 * cuts the file to byte/256 of its length). */
static inline void fz_write_damaged(const char *path, const char *base, size_t n, const uint8_t *data, size_t size,
                                    const char magic[8])
{
    char *file;
    if (size >= 8 && memcmp(data, magic, 8) == 0) {
        file = malloc(size);
        FZ_CHECK(file);
        memcpy(file, data, size);
        n = size;
    } else {
        file = malloc(n ? n : 1);
        FZ_CHECK(file);
        memcpy(file, base, n);
        for (size_t i = 0; i + 4 <= size; i += 4) {
            size_t off = data[i] | (size_t)data[i + 1] << 8 | (size_t)data[i + 2] << 16;
            if (off == 0xFFFFFF)
                n = n * data[i + 3] / 256;
            else if (n)
                file[off % n] = (char)data[i + 3];
        }
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FZ_CHECK(fd >= 0 && write(fd, file, n) == (ssize_t)n && close(fd) == 0);
    free(file);
}

typedef struct {
    hb_extract_options xo;
    unsigned flags;         /* the option byte, 0 without one */
    const char *data;
    size_t size;
} fz_input;

static inline fz_input fz_options(const uint8_t *data, size_t size)
{
    static const char *const encodings[8] = {NULL, "utf-8", "gb18030", "utf-16le",
                                             "utf-16be", "gbk", "utf-8-bom", "ebcdic"};
    static const char *const profiles[4] = {NULL, "annual-report", "work-plan", "no-such-profile"};
    fz_input in = {.data = (const char *)data, .size = size};
    in.xo.path = "fuzz.txt";
    if (size >= 2 && data[0] == FZ_OPTION_MAGIC) {
        unsigned b = data[1];
        in.flags = b;
        in.xo.encoding = encodings[b & 7];
        in.xo.max_bytes = b & 8 ? 64 : 0;
        in.xo.profile = profiles[(b >> 4) & 3];
        in.xo.top_terms = b & 128 ? -1 : 0;
        in.data += 2;
        in.size -= 2;
    }
    return in;
}

/* The engine of $HUIBAO_DICT (default dict/) with the general lexicon of
 * $HUIBAO_LEXICON (default build/jieba.lex, when it exists), loaded once. */
static inline hb_engine *fz_engine(void)
{
    static hb_engine *engine;
    if (engine)
        return engine;
    const char *dict = getenv("HUIBAO_DICT");
    const char *lex = getenv("HUIBAO_LEXICON");
    if (!lex && access("build/jieba.lex", R_OK) == 0)
        lex = "build/jieba.lex";
    hb_engine_options eo = {.dict_dir = dict && *dict ? dict : "dict", .lexicon_path = lex && *lex ? lex : NULL};
    hb_error err;
    engine = hb_engine_new(&eo, &err);
    if (!engine) {
        fprintf(stderr, "fuzz: cannot load the engine: %s:%d: %s\n", err.file, err.line, err.message);
        abort();
    }
    return engine;
}

/* A document taken through the stages of hb_extract() (extract.h's table)
 * up to and including the one named `upto`; NULL when decoding refuses the
 * input (after checking that it said why).  Free it with hb_report_free(). */
static inline hb_doc *fz_doc(const fz_input *in, const char *upto)
{
    hb_error err;
    memset(&err, 0, sizeof err);
    hb_extract_options xo = in->xo;
    xo.profile = NULL;
    hb_doc *d = hb_doc_start(fz_engine(), in->data, in->size, &xo, &err);
    FZ_CHECK(d);
    size_t i = 0;
    while (i < hb_nstages && strcmp(hb_stages[i].name, upto))
        i++;
    FZ_CHECK(i < hb_nstages);
    for (size_t k = 0; k <= i; k++) {
        hb_status st = hb_stages[k].run(d);
        if (k == 0 && st != HB_OK) {
            FZ_CHECK(err.code == st && err.message[0]);
            hb_report_free(d);
            return NULL;
        }
        FZ_CHECK(st == HB_OK);
        if (k == 0)
            FZ_CHECK(d->text && d->encoding && hb_utf8_valid(d->text, d->len) && d->text[d->len] == '\0');
    }
    d->src = NULL;
    d->err = NULL;
    return d;
}

/* A map of n bytes into their source: every entry at a character start of
 * the source (or its end, for a line end added after the last line), never
 * decreasing, the last one the source length. */
static inline void fz_check_map(const hb_omap *map, const char *derived, size_t n, const char *src, size_t srclen)
{
    size_t hint = 0, prev = 0;
    for (size_t i = 0; i <= n; i++) {
        size_t at = hb_omap_get(map, derived, i, &hint);
        FZ_CHECK(at <= srclen);
        FZ_CHECK(at == srclen || ((unsigned char)src[at] & 0xC0) != 0x80);
        FZ_CHECK(at >= prev);
        prev = at;
    }
    FZ_CHECK(hb_omap_at(map, derived, n) == srclen);
}

/* One extractor's part of the report, written as the report writes it and
 * parsed back: it must be valid JSON. */
static inline json_t *fz_extractor_json(hb_doc *d, void (*write)(hb_doc *, hb_json_out *))
{
    hb_json_out *out = hb_json_out_new(d->len & 1); /* both layouts, by input */
    FZ_CHECK(out);
    write(d, out);
    char *s = hb_json_out_finish(out, "");
    FZ_CHECK(s);
    json_t *root = json_loads(s, 0, NULL);
    free(s);
    FZ_CHECK(root);
    return root;
}

#endif
