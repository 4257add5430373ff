/* segdump: prints the words of a UTF-8 text, one a line, for the jieba
 * oracle (tests/oracle/jieba_oracle.py) and the segmentation benchmark.
 *
 *     segdump [--lexicon PATH | --no-lexicon] [--user FILE]... [--jieba] [--bench] FILE|-
 *
 * Words are printed with \\ \n \r \t and other control bytes escaped (\xHH)
 * so each stays on one line.  --jieba: jieba's exact words (numbers and masks
 * in pieces); default: huibao's mode (HB_SEG_WHOLE).  --bench: segment
 * without printing and report speed, lexicon load time and peak RSS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "huibao.h"
#include "lexicon.h"
#include "normalize.h"
#include "segment.h"
#include "toolutil.h"

typedef struct {
    const char *text;
    size_t words;
} dump_ctx;

static void print_word(void *ctx, size_t s, size_t e)
{
    dump_ctx *d = ctx;
    for (size_t i = s; i < e; i++) {
        unsigned char c = (unsigned char)d->text[i];
        if (c == '\\')
            fputs("\\\\", stdout);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\r')
            fputs("\\r", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c < 0x20 || c == 0x7F)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    putchar('\n');
    d->words++;
}

static void count_word(void *ctx, size_t s, size_t e)
{
    (void)s;
    (void)e;
    ((dump_ctx *)ctx)->words++;
}

static int fail(const char *what, const hb_error *err)
{
    if (err->line > 0)
        fprintf(stderr, "segdump: %s:%d: %s\n", err->file, err->line, err->message);
    else
        fprintf(stderr, "segdump: %s: %s\n", err->file[0] ? err->file : what, err->message);
    return 1;
}

int main(int argc, char **argv)
{
    const char *lexicon = "build/jieba.lex", *input = NULL;
    const char *users[64];
    int nusers = 0, bench = 0;
    unsigned flags = HB_SEG_WHOLE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--lexicon") == 0 && i + 1 < argc)
            lexicon = argv[++i];
        else if (strcmp(a, "--no-lexicon") == 0)
            lexicon = NULL;
        else if (strcmp(a, "--user") == 0 && i + 1 < argc && nusers < 64)
            users[nusers++] = argv[++i];
        else if (strcmp(a, "--jieba") == 0)
            flags = 0;
        else if (strcmp(a, "--bench") == 0)
            bench = 1;
        else if ((a[0] != '-' || strcmp(a, "-") == 0) && !input)
            input = a;
        else {
            fprintf(stderr, "usage: segdump [--lexicon PATH | --no-lexicon] [--user FILE]... "
                            "[--jieba] [--bench] FILE|-\n");
            return 2;
        }
    }
    if (!input) {
        fprintf(stderr, "segdump: no input file (use - for stdin)\n");
        return 2;
    }
    size_t len;
    char *text = slurp(input, &len);
    if (!text) {
        perror(input);
        return 1;
    }
    size_t off = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (!hb_utf8_valid(text + off, len - off)) {
        fprintf(stderr, "segdump: %s: not valid UTF-8\n", input);
        return 1;
    }
    hb_error err;
    memset(&err, 0, sizeof err);
    double t0 = now();
    struct hb_lexicon *lx = hb_lexicon_open(lexicon, &err);
    if (!lx)
        return fail(lexicon, &err);
    for (int i = 0; i < nusers; i++)
        if (hb_lexicon_load_user(lx, users[i], &err) != HB_OK)
            return fail(users[i], &err);
    double t1 = now();
    dump_ctx d = {text + off, 0};
    hb_status st = hb_segment(lx, text + off, len - off, flags, bench ? count_word : print_word, &d);
    double t2 = now();
    if (st != HB_OK) {
        fprintf(stderr, "segdump: %s: %s\n", input, hb_strerror(st));
        return 1;
    }
    if (bench) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        double mb = (double)(len - off) / 1e6;
        printf("bytes=%zu words=%zu load_ms=%.3f seconds=%.3f mb_per_s=%.2f peak_rss_kb=%ld\n",
               len - off, d.words, (t1 - t0) * 1e3, t2 - t1, mb / (t2 - t1), ru.ru_maxrss);
    }
    hb_lexicon_free(lx);
    free(text);
    if (fclose(stdout) != 0) {
        perror("segdump: stdout");
        return 1;
    }
    return 0;
}
