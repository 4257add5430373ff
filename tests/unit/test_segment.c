/* Lexicon and segmentation edge cases.  Expected words come from
 * jieba.cut(..., HMM=False) on the same dictionary (Debian python3-jieba
 * 0.42.1); the small dictionary below was run through jieba to get them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <math.h>

#include "engine.h"
#include "huibao.h"
#include "lexicon.h"
#include "segment.h"

/* Two lines for 中国: the last wins, total counts both (jieba total 525). */
static const char SMALL_DICT[] = "甲乙 5 n\n乙丙 5 n\n甲 3 v\n丙 3 n\n中国 100 ns\n"
                                 "中国人 50 n\n国人 20 n\n人民 80 n\nA股 3 n\nAT&T 3 nz\n"
                                 "1号店 3 n\n中国 120 ns\n工作 90 vn\n党建 40 n\n";

static char tmpdir[256];

static void write_file(const char *path, const char *s, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(s, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void tmp_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", tmpdir, name);
}

/* A fresh lexicon compiled from SMALL_DICT. */
static struct hb_lexicon *small_lexicon(void)
{
    char txt[512], bin[512];
    tmp_path(txt, sizeof txt, "small.txt");
    tmp_path(bin, sizeof bin, "small.lex");
    hb_error err;
    memset(&err, 0, sizeof err);
    struct hb_lexicon *lx = hb_lexicon_open(bin, &err);
    assert_non_null(lx);
    return lx;
}

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/hbsegXXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpdir))
        return -1;
    char txt[512], bin[512];
    tmp_path(txt, sizeof txt, "small.txt");
    tmp_path(bin, sizeof bin, "small.lex");
    FILE *f = fopen(txt, "wb");
    if (!f)
        return -1;
    fputs(SMALL_DICT, f);
    fclose(f);
    hb_error err;
    return hb_lexicon_compile(txt, bin, &err) == HB_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"small.txt", "small.lex", "bad.txt", "user.txt", "garbage.lex",
                           "empty.txt", "unsound.lex", "fifo.lex", "apart.txt", "apart.lex", "flagged.lex"};
    char p[512];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        tmp_path(p, sizeof p, names[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    return 0;
}

/* ---- collecting words as "a|b|c" ---- */

typedef struct {
    const char *text;
    char out[4096];
    size_t n, last_end;
    int words;
} collect;

static void add_word(void *ctx, size_t s, size_t e)
{
    collect *c = ctx;
    assert_int_equal(s, c->last_end); /* words tile the text */
    assert_true(e > s);
    c->last_end = e;
    if (c->words++)
        c->out[c->n++] = '|';
    assert_true(c->n + (e - s) < sizeof c->out);
    memcpy(c->out + c->n, c->text + s, e - s);
    c->n += e - s;
    c->out[c->n] = '\0';
}

static const char *seg(const struct hb_lexicon *lx, const char *text, unsigned flags)
{
    static collect c;
    memset(&c, 0, sizeof c);
    c.text = text;
    assert_int_equal(hb_segment(lx, text, strlen(text), flags, add_word, &c), HB_OK);
    assert_int_equal(c.last_end, strlen(text));
    return c.out;
}

/* ---- lexicon ---- */

static void test_lookup(void **state)
{
    (void)state;
    struct hb_lexicon *lx = small_lexicon();
    assert_int_equal(hb_lexicon_total(lx), 525);
    assert_int_equal(hb_lexicon_freq(lx, "中国", strlen("中国")), 120);
    assert_int_equal(hb_lexicon_freq(lx, "乙", strlen("乙")), 0);   /* prefix of 乙丙 */
    assert_int_equal(hb_lexicon_freq(lx, "丁", strlen("丁")), -1);  /* unknown */
    assert_int_equal(hb_lexicon_freq(lx, "中国人民", strlen("中国人民")), -1);
    assert_int_equal(hb_lexicon_freq(lx, "", 0), -1);
    assert_string_equal(hb_lexicon_tag(lx, "工作", strlen("工作")), "vn");
    assert_string_equal(hb_lexicon_tag(lx, "AT&T", 4), "nz");
    assert_null(hb_lexicon_tag(lx, "乙", strlen("乙")));
    assert_null(hb_lexicon_tag(lx, "丁", strlen("丁")));
    hb_lexicon_free(lx);
    hb_lexicon_free(NULL);
}

static void test_compile_errors(void **state)
{
    (void)state;
    char bad[512], out[512];
    tmp_path(bad, sizeof bad, "bad.txt");
    tmp_path(out, sizeof out, "garbage.lex");
    hb_error err;

    write_file(bad, "中国 100 ns\n党建\n", strlen("中国 100 ns\n党建\n"));
    memset(&err, 0, sizeof err);
    assert_int_equal(hb_lexicon_compile(bad, out, &err), HB_ERR_DICT);
    assert_string_equal(err.file, bad);
    assert_int_equal(err.line, 2);

    write_file(bad, "中国 1x0\n", strlen("中国 1x0\n"));
    assert_int_equal(hb_lexicon_compile(bad, out, &err), HB_ERR_DICT);
    assert_int_equal(err.line, 1);

    write_file(bad, "a 1\n\xff\xfe 2\n", 9);
    assert_int_equal(hb_lexicon_compile(bad, out, &err), HB_ERR_DICT);
    assert_int_equal(err.line, 2);

    tmp_path(bad, sizeof bad, "missing.txt");
    assert_int_equal(hb_lexicon_compile(bad, out, &err), HB_ERR_IO);
}

/* Characters beyond the BMP go through the lexicon's second char map. */
static void test_supplementary(void **state)
{
    (void)state;
    char txt[512], bin[512];
    tmp_path(txt, sizeof txt, "bad.txt");
    tmp_path(bin, sizeof bin, "garbage.lex");
    const char *d = "\xF0\xA0\x80\x80\xF0\xA0\x80\x81 5 n\n\xF0\x9F\x98\x80 2\n中 3\r\n";
    write_file(txt, d, strlen(d));
    hb_error err;
    assert_int_equal(hb_lexicon_compile(txt, bin, &err), HB_OK);
    struct hb_lexicon *lx = hb_lexicon_open(bin, &err);
    assert_non_null(lx);
    assert_int_equal(hb_lexicon_total(lx), 10);
    assert_int_equal(hb_lexicon_freq(lx, "\xF0\xA0\x80\x80\xF0\xA0\x80\x81", 8), 5);
    assert_int_equal(hb_lexicon_freq(lx, "\xF0\xA0\x80\x80", 4), 0);
    assert_int_equal(hb_lexicon_freq(lx, "\xF0\x9F\x98\x80", 4), 2);
    assert_int_equal(hb_lexicon_freq(lx, "\xF0\x9F\x98\x81", 4), -1);
    assert_int_equal(hb_lexicon_freq(lx, "中", strlen("中")), 3);
    /* Outside re_han_default, so never joined by the segmenter. */
    assert_string_equal(seg(lx, "\xF0\xA0\x80\x80\xF0\xA0\x80\x81中", 0),
                        "\xF0\xA0\x80\x80|\xF0\xA0\x80\x81|中");
    hb_lexicon_free(lx);
}

/* The bytes of the compiled SMALL_DICT, for damaging. */
static size_t small_lexicon_bytes(char *buf, size_t cap)
{
    char small[512];
    tmp_path(small, sizeof small, "small.lex");
    FILE *f = fopen(small, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* small_lexicon_bytes in buf, to be damaged and written at path (tmp_path
 * of name): its slots (struct lex_header's off_nodes, byte 48, in
 * lexicon_file.h), their count in *nnodes, the file's size in *n. */
static hb_lex_slot *small_lexicon_slots(char *path, const char *name, char *buf, size_t cap, size_t *n,
                                        uint32_t *nnodes)
{
    tmp_path(path, 512, name);
    *n = small_lexicon_bytes(buf, cap);
    uint64_t off;
    memcpy(nnodes, buf + 16, 4);
    memcpy(&off, buf + 48, 8);
    return (hb_lex_slot *)(buf + off);
}

static void test_open_errors(void **state)
{
    (void)state;
    char p[512];
    hb_error err;
    memset(&err, 0, sizeof err);
    tmp_path(p, sizeof p, "missing.lex");
    assert_null(hb_lexicon_open(p, &err));
    assert_int_equal(err.code, HB_ERR_IO);

    tmp_path(p, sizeof p, "garbage.lex");
    char junk[300];
    memset(junk, 'x', sizeof junk);
    write_file(p, junk, sizeof junk);
    assert_null(hb_lexicon_open(p, &err));
    assert_int_equal(err.code, HB_ERR_DICT);

    /* A truncated lexicon is refused, not read past its end. */
    static char buf[1 << 20];
    size_t n = small_lexicon_bytes(buf, sizeof buf);
    write_file(p, buf, n - 100);
    assert_null(hb_lexicon_open(p, &err));
    assert_int_equal(err.code, HB_ERR_DICT);
}

/* A slot's frequency index past the table of frequencies (a crafted file:
 * the table is not scanned at load) reads as a bare prefix. */
static void test_open_bad_freq_index(void **state)
{
    (void)state;
    char p[512];
    static char buf[1 << 20];
    size_t n;
    uint32_t nnodes;
    hb_lex_slot *nodes = small_lexicon_slots(p, "fidx.lex", buf, sizeof buf, &n, &nnodes);
    for (uint32_t t = 0; t < nnodes; t++)
        nodes[t].val = 0xffff;
    write_file(p, buf, n);
    hb_error err;
    struct hb_lexicon *lx = hb_lexicon_open(p, &err);
    assert_non_null(lx);
    assert_int_equal(hb_lexicon_freq(lx, "中国", strlen("中国")), 0);
    assert_string_equal(seg(lx, "中国工作", 0), "中|国|工|作"); /* no word: one character each */
    hb_lexicon_free(lx);
}

/* Writes n two-character words (U+4E00 + i / 512, U+4E00 + i % 512), word
 * i with frequency freq0 + i, to a dict.txt at path. */
static void write_counted_dict(const char *path, size_t n, long long freq0)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++) {
        unsigned a = 0x4E00 + (unsigned)(i / 512), b = 0x4E00 + (unsigned)(i % 512);
        fprintf(f, "%c%c%c%c%c%c %lld\n", 0xE0 | a >> 12, 0x80 | (a >> 6 & 63), 0x80 | (a & 63),
                0xE0 | b >> 12, 0x80 | (b >> 6 & 63), 0x80 | (b & 63), freq0 + (long long)i);
    }
    assert_int_equal(fclose(f), 0);
}

/* Every frequency comes back exactly through the table of distinct
 * (frequency, tag) pairs, up to the 65,535 a 2-byte index holds; one more
 * is refused with the file named. */
static void test_frequency_table(void **state)
{
    (void)state;
    char txt[512], bin[512];
    tmp_path(txt, sizeof txt, "counted.txt");
    tmp_path(bin, sizeof bin, "counted.lex");
    hb_error err;
    memset(&err, 0, sizeof err);
    write_counted_dict(txt, 65535, 4000000000LL - 65535);
    assert_int_equal(hb_lexicon_compile(txt, bin, &err), HB_OK);
    struct hb_lexicon *lx = hb_lexicon_open(bin, &err);
    assert_non_null(lx);
    static const size_t probe[] = {0, 1, 511, 512, 40000, 65534};
    for (size_t k = 0; k < sizeof probe / sizeof *probe; k++) {
        size_t i = probe[k];
        unsigned a = 0x4E00 + (unsigned)(i / 512), b = 0x4E00 + (unsigned)(i % 512);
        char w[7] = {(char)(0xE0 | a >> 12), (char)(0x80 | (a >> 6 & 63)), (char)(0x80 | (a & 63)),
                     (char)(0xE0 | b >> 12), (char)(0x80 | (b >> 6 & 63)), (char)(0x80 | (b & 63)), 0};
        assert_int_equal(hb_lexicon_freq(lx, w, 6), 4000000000LL - 65535 + (long long)i);
        assert_int_equal(hb_lexicon_freq(lx, w, 3), 0); /* a bare prefix */
    }
    hb_lexicon_free(lx);
    write_counted_dict(txt, 65536, 1);
    assert_int_equal(hb_lexicon_compile(txt, bin, &err), HB_ERR_DICT);
    assert_string_equal(err.file, txt);
    assert_non_null(strstr(err.message, "65535 distinct (frequency, tag) pairs"));
}

/* A root that is not a root (a base below 0, which could send it to
 * itself, or a label), a FIFO or a folder is refused at once.  A loop among
 * other slots (a slot its own child) is read and segments, its walks
 * stopped at HB_LEX_MAX_WORD characters, and so does a base that the char
 * id after a block (segment.c's END_ID, 2^31) wraps back onto its own
 * slot: the walk arriving at the block's last char takes that step and
 * ends on the label, which no id past the block equals.  A word over
 * HB_LEX_MAX_WORD characters is never added. */
static void test_open_unsound(void **state)
{
    (void)state;
    char p[512];
    static char buf[1 << 20];
    size_t n;
    uint32_t nnodes;
    hb_lex_slot *nodes = small_lexicon_slots(p, "unsound.lex", buf, sizeof buf, &n, &nnodes);
    uint64_t off_charmap; /* struct lex_header's field at byte 64 */
    uint16_t id;
    memcpy(&off_charmap, buf + 64, 8);
    memcpy(&id, buf + off_charmap + 2 * 0x4E2D, 2); /* 中 */
    assert_true(id > 0);
    uint32_t a = (uint32_t)nodes[0].base + id;
    assert_int_equal(nodes[a].label & HB_LEX_LABEL, id);
    nodes[a].base = (int32_t)(a - id); /* 中 the child of 中 */
    write_file(p, buf, n);
    hb_error err;
    memset(&err, 0, sizeof err);
    struct hb_lexicon *lx = hb_lexicon_open(p, &err);
    assert_non_null(lx);
    static char text[3 * 1000 + 1];
    for (int i = 0; i < 1000; i++)
        memcpy(text + 3 * i, i % 2 ? "国" : "中", 3);
    seg(lx, text, 0); /* the words tile the text */
    hb_lexicon_free(lx);
    nodes[a].base = (int32_t)(a - 0x80000000u); /* + 2^31: a */
    write_file(p, buf, n);
    lx = hb_lexicon_open(p, &err);
    assert_non_null(lx);
    /* 中 has no children now: 中国 is no word, 国人 still one */
    assert_string_equal(seg(lx, "国人中", 0), "国人|中");
    assert_string_equal(seg(lx, "国人中，中国人民", 0), "国人|中|，|中|国人|民");
    hb_lexicon_free(lx);
    int32_t base0 = nodes[0].base;
    nodes[0].base = -1;
    write_file(p, buf, n);
    assert_null(hb_lexicon_open(p, &err));
    assert_int_equal(err.code, HB_ERR_DICT);
    assert_non_null(strstr(err.message, "damaged lexicon"));
    nodes[0].base = base0;
    nodes[0].label = 1;
    write_file(p, buf, n);
    assert_null(hb_lexicon_open(p, &err));
    assert_int_equal(err.code, HB_ERR_DICT);

    tmp_path(p, sizeof p, "fifo.lex");
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_null(hb_lexicon_open(p, &err));
    assert_int_equal(err.code, HB_ERR_IO);
    assert_string_equal(err.message, "not a regular file");
    assert_null(hb_lexicon_open(tmpdir, &err));
    assert_string_equal(err.message, "not a regular file");

    lx = small_lexicon();
    char word[3 * (HB_LEX_MAX_WORD + 1)];
    for (int i = 0; i <= HB_LEX_MAX_WORD; i++)
        memcpy(word + 3 * i, "啊", 3);
    assert_int_equal(hb_lexicon_add(lx, word, sizeof word, 5, NULL), HB_ERR_ARG);
    assert_int_equal(hb_lexicon_add(lx, word, sizeof word - 3, 5, NULL), HB_OK);
    hb_lexicon_free(lx);
}

/* The segmenter's HB_LEX_OV_HERE bit in a file's own labels (a crafted
 * file: the trie is not scanned at load) marks slots no added word leaves
 * from: the overlay is then walked from more places, with the same words,
 * and every edge reads as its label less the bit.  A root whose label has
 * the bit is no root. */
static void test_flag_bits_in_file(void **state)
{
    (void)state;
    char p[512];
    static char buf[1 << 20];
    size_t n;
    uint32_t nnodes;
    hb_lex_slot *nodes = small_lexicon_slots(p, "flagged.lex", buf, sizeof buf, &n, &nnodes);
    for (uint32_t t = 1; t < nnodes; t++)
        nodes[t].label |= HB_LEX_OV_HERE;
    write_file(p, buf, n);
    hb_error err;
    memset(&err, 0, sizeof err);
    struct hb_lexicon *flagged = hb_lexicon_open(p, &err), *plain = small_lexicon();
    assert_non_null(flagged);
    static const char *const added[] = {"丁甲", "国人民", "工", "人民党建"};
    for (size_t i = 0; i < sizeof added / sizeof *added; i++) {
        assert_int_equal(hb_lexicon_add(flagged, added[i], strlen(added[i]), 30, NULL), HB_OK);
        assert_int_equal(hb_lexicon_add(plain, added[i], strlen(added[i]), 30, NULL), HB_OK);
    }
    static const char *const texts[] = {"中国人民工作党建", "丁甲乙丙中国人", "甲乙丙丁甲国人民党建工作"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char want[512];
        snprintf(want, sizeof want, "%s", seg(plain, texts[i], 0));
        assert_string_equal(seg(flagged, texts[i], 0), want);
    }
    assert_int_equal(hb_lexicon_freq(flagged, "中国人", strlen("中国人")), 50);
    hb_lexicon_free(flagged);
    hb_lexicon_free(plain);
    nodes[0].label |= HB_LEX_OV_HERE;
    write_file(p, buf, n);
    assert_null(hb_lexicon_open(p, &err));
    assert_int_equal(err.code, HB_ERR_DICT);
}

/* ---- segmentation, jieba mode ---- */

static void test_empty_and_single(void **state)
{
    (void)state;
    struct hb_lexicon *lx = small_lexicon();
    assert_string_equal(seg(lx, "", 0), "");
    assert_string_equal(seg(lx, "丁", 0), "丁");
    assert_string_equal(seg(lx, "甲", 0), "甲");
    assert_string_equal(seg(lx, "a", 0), "a");
    assert_string_equal(seg(lx, "，", 0), "，");
    hb_lexicon_free(lx);
}

static void test_dag_and_ties(void **state)
{
    (void)state;
    struct hb_lexicon *lx = small_lexicon();
    /* 甲乙|丙 and 甲|乙丙 score the same: jieba's tuple max takes the
     * larger end index. */
    assert_string_equal(seg(lx, "甲乙丙", 0), "甲乙|丙");
    assert_string_equal(seg(lx, "中国人民", 0), "中国|人民");
    assert_string_equal(seg(lx, "工作中国人民党建甲乙丙丁", 0),
                        "工作|中国|人民|党建|甲乙|丙|丁");
    hb_lexicon_free(lx);
}

static void test_unknown_and_mixed(void **state)
{
    (void)state;
    struct hb_lexicon *lx = small_lexicon();
    assert_string_equal(seg(lx, "AT&T和A股", 0), "AT&T|和|A股");
    assert_string_equal(seg(lx, "abc123中国", 0), "abc123|中国");
    assert_string_equal(seg(lx, "x中国x", 0), "x|中国|x");
    assert_string_equal(seg(lx, "1号店2023年", 0), "1号店|2023|年");
    /* re_eng's ends ([a-zA-Z0-9] glued, the other block chars alone) */
    assert_string_equal(seg(lx, "Az09_+#&.%-zA90", 0), "Az09|_|+|#|&|.|%|-|zA90");
    /* \r\n is one word, a lone \r is another (re_skip). */
    assert_string_equal(seg(lx, "a\r\r\nb 中国", 0), "a|\r|\r\n|b| |中国");
    /* Outside re_han_default: U+9FD6, Ext-A, 〇, emoji are single words. */
    assert_string_equal(seg(lx, "中国\xE9\xBF\x96\xE3\x90\x80〇\xF0\x9F\x98\x80党建", 0),
                        "中国|\xE9\xBF\x96|\xE3\x90\x80|〇|\xF0\x9F\x98\x80|党建");
    hb_lexicon_free(lx);
}

/* The block set, read from a char's first byte (segment.c, block_char):
 * each ASCII member joins an added word, a non-member cuts it; a char led
 * by E4..E9 outside U+4E00..U+9FD5 (U+4DC0, U+4DFF) is a block of its own. */
static void test_block_chars(void **state)
{
    (void)state;
    struct hb_lexicon *lx = small_lexicon();
    for (const char *c = "+#&._%-@/:!~ ^"; *c; c++) {
        char w[4] = {'x', *c, 'y', '\0'}, want[8];
        assert_int_equal(hb_lexicon_add(lx, w, 3, 10, NULL), HB_OK);
        int member = strchr("+#&._%-", *c) != NULL;
        snprintf(want, sizeof want, member ? "x%cy" : "x|%c|y", *c);
        assert_string_equal(seg(lx, w, 0), want);
    }
    assert_string_equal(seg(lx, "中\xE4\xB7\x80国中\xE4\xB7\xBF国", 0),
                        "中|\xE4\xB7\x80|国|中|\xE4\xB7\xBF|国");
    assert_string_equal(seg(lx, "\x7F中国\x7F", 0), "\x7F|中国|\x7F");
    hb_lexicon_free(lx);
}

static void test_numbers_masks(void **state)
{
    (void)state;
    struct hb_lexicon *lx = small_lexicon();
    const char *s = "比**％，12.5%的XX";
    assert_string_equal(seg(lx, s, 0), "比|*|*|％|，|12|.|5|%|的|XX");
    assert_string_equal(seg(lx, s, HB_SEG_WHOLE), "比|**％|，|12.5%|的|XX");
    assert_string_equal(seg(lx, "共1,200人，3,4月", HB_SEG_WHOLE), "共|1,200|人|，|3|,|4|月");
    assert_string_equal(seg(lx, "××局○○村2023.5.1", HB_SEG_WHOLE), "××|局|○○|村|2023.5.1");
    /* the masks of chars.h (✕, □), full-width forms as written */
    assert_string_equal(seg(lx, "✕✕局□□村１２．５％，ＸＸ与ｘｘ", HB_SEG_WHOLE),
                        "✕✕|局|□□|村|１２．５％|，|ＸＸ|与|ｘｘ");
    assert_string_equal(seg(lx, "1.工作", HB_SEG_WHOLE), "1|.|工作");
    assert_string_equal(seg(lx, "5‰", HB_SEG_WHOLE), "5‰");
    /* A Han word holding digits stays jieba's. */
    assert_string_equal(seg(lx, "11号店", HB_SEG_WHOLE), "1|1号店");
    assert_string_equal(seg(lx, "", HB_SEG_WHOLE), "");
    hb_lexicon_free(lx);
}

/* ---- the overlay ---- */

static void test_overlay(void **state)
{
    (void)state;
    struct hb_lexicon *lx = small_lexicon();
    const char *w = "一岗双责";
    assert_int_equal(hb_lexicon_add(lx, w, strlen(w), 10, "n"), HB_OK);
    assert_int_equal(hb_lexicon_total(lx), 535);
    assert_string_equal(seg(lx, "落实一岗双责工作", 0), "落|实|一岗双责|工作");
    assert_string_equal(hb_lexicon_tag(lx, w, strlen(w)), "n");
    assert_int_equal(hb_lexicon_freq(lx, "一岗", strlen("一岗")), 0);

    /* No frequency: jieba's suggest_freq, 14 here. */
    w = "人民工作";
    assert_int_equal(hb_lexicon_add(lx, w, strlen(w), HB_LEX_SUGGEST, NULL), HB_OK);
    assert_int_equal(hb_lexicon_freq(lx, w, strlen(w)), 14);
    assert_int_equal(hb_lexicon_total(lx), 549);
    assert_string_equal(seg(lx, "中国人民工作", 0), "中国|人民工作");

    /* freq 0 takes a word out (del_word); an added tag wins over dict.txt's. */
    assert_int_equal(hb_lexicon_add(lx, "中国", strlen("中国"), 0, "x"), HB_OK);
    assert_int_equal(hb_lexicon_total(lx), 549);
    assert_string_equal(seg(lx, "中国人民", 0), "中国人|民");
    assert_int_equal(hb_lexicon_freq(lx, "中国", strlen("中国")), 0);
    assert_string_equal(hb_lexicon_tag(lx, "中国", strlen("中国")), "x");

    assert_int_equal(hb_lexicon_add(lx, "\xff", 1, 5, NULL), HB_ERR_ARG);
    assert_int_equal(hb_lexicon_add(lx, "", 0, 5, NULL), HB_ERR_ARG);
    hb_lexicon_free(lx);
}

static void test_overlay_without_general(void **state)
{
    (void)state;
    hb_error err;
    struct hb_lexicon *lx = hb_lexicon_open(NULL, &err);
    assert_non_null(lx);
    assert_string_equal(seg(lx, "全面从严治党", 0), "全|面|从|严|治|党");
    assert_int_equal(hb_lexicon_add(lx, "从严治党", strlen("从严治党"), 5, "l"), HB_OK);
    assert_int_equal(hb_lexicon_add(lx, "全面", strlen("全面"), HB_LEX_SUGGEST, NULL), HB_OK);
    assert_string_equal(seg(lx, "全面从严治党", 0), "全面|从严治党");
    hb_lexicon_free(lx);
}

/* ---- the overlay as a blob (the rules file's) ---- */

static const char *const BLOB_WORDS[] = {"一岗双责", "人民工作", "中国", "\xF0\xA0\x80\x80甲", "乙", "一岗"};

static struct hb_lexicon *blob_lexicon(void)
{
    struct hb_lexicon *lx = small_lexicon();
    static const long long freq[] = {10, HB_LEX_SUGGEST, 0, 5, 4, 2};
    static const char *const tag[] = {"n", NULL, "x", "l", "n", NULL};
    for (size_t i = 0; i < sizeof BLOB_WORDS / sizeof *BLOB_WORDS; i++)
        assert_int_equal(hb_lexicon_add(lx, BLOB_WORDS[i], strlen(BLOB_WORDS[i]), freq[i], tag[i]), HB_OK);
    return lx;
}

/* A fresh lexicon taking blob: HB_OK, and then it answers as want does. */
static hb_status taken_as(const void *blob, size_t size, const struct hb_lexicon *want)
{
    struct hb_lexicon *lx = small_lexicon();
    hb_status st = hb_lexicon_overlay_load(lx, blob, size, NULL);
    if (st == HB_OK && want) {
        assert_int_equal(hb_lexicon_total(lx), hb_lexicon_total(want));
        static const char *const probe[] = {"一岗双责", "一岗", "一", "人民工作", "人民", "中国", "中国人",
                                            "\xF0\xA0\x80\x80甲", "\xF0\xA0\x80\x80", "乙", "甲乙", "丙"};
        for (size_t i = 0; i < sizeof probe / sizeof *probe; i++) {
            size_t n = strlen(probe[i]);
            assert_int_equal(hb_lexicon_freq(lx, probe[i], n), hb_lexicon_freq(want, probe[i], n));
            const char *a = hb_lexicon_tag(lx, probe[i], n), *b = hb_lexicon_tag(want, probe[i], n);
            assert_true(a == b || (a && b && !strcmp(a, b)));
        }
        const char *text = "落实一岗双责中国人民工作\xF0\xA0\x80\x80甲乙丙一岗乙";
        char cut[256];
        snprintf(cut, sizeof cut, "%s", seg(want, text, 0));
        assert_string_equal(seg(lx, text, 0), cut);
    }
    hb_lexicon_free(lx);
    return st;
}

/* Saved and taken by a fresh lexicon, the overlay answers every lookup
 * and segmentation as the one the words were added to, and adds or saves
 * no word of its own; a lexicon that has added words refuses one; a damaged blob (a node before its parent, a
 * code point or tag out of range, a slot off its parent's base, the root
 * moved, a cut, tags without their NUL) is
 * refused, not trusted; no words added give no overlay. */
static void test_overlay_blob(void **state)
{
    (void)state;
    struct hb_lexicon *lx = blob_lexicon();
    size_t size;
    unsigned char *blob = hb_lexicon_overlay_save(lx, &size);
    assert_non_null(blob);
    assert_int_equal(taken_as(blob, size, lx), HB_OK);
    assert_int_equal(hb_lexicon_overlay_load(lx, blob, size, NULL), HB_ERR_DICT);
    struct hb_lexicon *taker = small_lexicon(); /* a taken overlay is read only */
    assert_int_equal(hb_lexicon_overlay_load(taker, blob, size, NULL), HB_OK);
    assert_int_equal(hb_lexicon_add(taker, "丙", strlen("丙"), 3, NULL), HB_ERR_ARG);
    size_t resize;
    assert_null(hb_lexicon_overlay_save(taker, &resize));
    assert_int_equal(hb_lexicon_freq(taker, "丙", strlen("丙")), hb_lexicon_freq(lx, "丙", strlen("丙")));
    hb_lexicon_free(taker);

    /* a 24-byte head (records, tags, tag bytes, total), 40-byte records
     * (parent record, code point, tag, slot, freq, log freq, base, zero),
     * the tags */
    uint32_t n;
    memcpy(&n, blob, 4);
    assert_true(n > 8);
    unsigned char *copy = malloc(size);
    assert_non_null(copy);
    static const struct { size_t at; uint32_t value; } damage[] = {
        {24 + 40 * 2, 2}, {24 + 40 * 3, 7}, {24 + 40 * 2 + 4, 0x110000}, {24 + 40 * 2 + 8, 99},
        {24 + 40 * 2 + 12, 2},     /* a slot not where its parent's base puts it */
        {24 + 40 * 2 + 12, 0},     /* the root's slot */
        {24 + 32, 5},              /* the root's base moved */
    };
    for (size_t i = 0; i < sizeof damage / sizeof *damage; i++) {
        memcpy(copy, blob, size);
        memcpy(copy + damage[i].at, &damage[i].value, 4);
        assert_int_equal(taken_as(copy, size, NULL), HB_ERR_DICT);
    }
    memcpy(copy, blob, size);
    assert_int_equal(taken_as(copy, size - 1, NULL), HB_ERR_DICT);
    copy[size - 1] = 'x';
    assert_int_equal(taken_as(copy, size, NULL), HB_ERR_DICT);
    free(copy);
    free(blob);
    hb_lexicon_free(lx);

    lx = small_lexicon();
    blob = hb_lexicon_overlay_save(lx, &size);
    assert_non_null(blob);
    assert_int_equal(taken_as(blob, size, lx), HB_OK);
    free(blob);
    hb_lexicon_free(lx);
}

/* Writes code point c as UTF-8 at p; returns the bytes written (1 or 3). */
static size_t put_cp(char *p, unsigned c)
{
    if (c < 0x80) {
        p[0] = (char)c;
        return 1;
    }
    p[0] = (char)(0xE0 | c >> 12);
    p[1] = (char)(0x80 | (c >> 6 & 63));
    p[2] = (char)(0x80 | (c & 63));
    return 3;
}

/* Word i of the lexicon test_dag_values_apart compiles: three Han
 * characters, i's digits in base 300 (at most 270,000 words). */
static size_t apart_word(size_t i, char *w)
{
    size_t n = put_cp(w, 0x4E00 + (unsigned)(i % 300));
    n += put_cp(w + n, 0x4E00 + 300 + (unsigned)(i / 300 % 300));
    return n + put_cp(w + n, 0x4E00 + 600 + (unsigned)(i / 90000));
}
enum { APART_WORDS = 105000 };

/* Writes n one-character words, U+4E00 on, each with frequency 1, to a
 * dict.txt at path. */
static void write_chars_dict(const char *path, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    char w[4];
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.*s 1\n", (int)put_cp(w, 0x4E00 + (unsigned)i), w);
    assert_int_equal(fclose(f), 0);
}

/* The lexicon lexc compiles from the dict.txt at txt into bin, opened. */
static struct hb_lexicon *compiled_lexicon(const char *txt, const char *bin)
{
    hb_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(hb_lexicon_compile(txt, bin, &err), HB_OK);
    struct hb_lexicon *lx = hb_lexicon_open(bin, &err);
    assert_non_null(lx);
    return lx;
}

/* A slot's label holds a char id in 15 bits: HB_LEX_MAX_CHARS distinct
 * characters compile, the last of them found; one more is refused with
 * the file named. */
static void test_char_limit(void **state)
{
    (void)state;
    char txt[512], bin[512], w[4];
    tmp_path(txt, sizeof txt, "chars.txt");
    tmp_path(bin, sizeof bin, "chars.lex");
    hb_error err;
    memset(&err, 0, sizeof err);
    write_chars_dict(txt, HB_LEX_MAX_CHARS);
    assert_int_equal(hb_lexicon_compile(txt, bin, &err), HB_OK);
    struct hb_lexicon *lx = hb_lexicon_open(bin, &err);
    assert_non_null(lx);
    size_t n = put_cp(w, 0x4E00 + HB_LEX_MAX_CHARS - 1);
    assert_int_equal(hb_lex_char_id(lx, 0x4E00 + HB_LEX_MAX_CHARS - 1), HB_LEX_MAX_CHARS);
    assert_int_equal(hb_lexicon_freq(lx, w, n), 1);
    hb_lexicon_free(lx);
    write_chars_dict(txt, HB_LEX_MAX_CHARS + 1);
    assert_int_equal(hb_lexicon_compile(txt, bin, &err), HB_ERR_DICT);
    assert_string_equal(err.file, txt);
    assert_non_null(strstr(err.message, "more than 32766 distinct characters"));
}

/* A slot's label names its parent only because lexc gives no two nodes
 * with children one base: 60 nodes of one child each (first chars
 * U+4E00.., each followed by its own of U+5000..), children whose ids
 * would let first fit place every node on one base.  Each word is found
 * and no first char takes another's second as its child (not in the
 * lexicon at all: -1). */
static void test_labels_tell_parents(void **state)
{
    (void)state;
    enum { PAIRS = 60 };
    char txt[512], bin[512], w[8];
    tmp_path(txt, sizeof txt, "pairs.txt");
    tmp_path(bin, sizeof bin, "pairs.lex");
    FILE *f = fopen(txt, "wb");
    assert_non_null(f);
    for (unsigned i = 0; i < PAIRS; i++) {
        size_t n = put_cp(w, 0x4E00 + i);
        n += put_cp(w + n, 0x5000 + i);
        fprintf(f, "%.*s %u\n", (int)n, w, i + 2);
    }
    assert_int_equal(fclose(f), 0);
    struct hb_lexicon *lx = compiled_lexicon(txt, bin);
    for (unsigned i = 0; i < PAIRS; i++)
        for (unsigned k = 0; k < PAIRS; k++) {
            size_t n = put_cp(w, 0x4E00 + i);
            n += put_cp(w + n, 0x5000 + k);
            assert_int_equal(hb_lexicon_freq(lx, w, n), i == k ? (long long)i + 2 : -1);
        }
    hb_lexicon_free(lx);
}

/* The DAG's values (dagx) go in the zero room past the file's end in the
 * buffer it is read into, or, where the file ends less than their 512 KiB
 * before the buffer's end (a 1.7 MB lexicon in a 2 MiB buffer), in a
 * mapping of their own: its words are scored and found all the same. */
static void test_dag_values_apart(void **state)
{
    (void)state;
    struct hb_lexicon *lx = small_lexicon();
    assert_false(lx->dagx_mapped); /* in the room past a small file */
    hb_lexicon_free(lx);

    char txt[512], bin[512], w[16];
    tmp_path(txt, sizeof txt, "apart.txt");
    tmp_path(bin, sizeof bin, "apart.lex");
    FILE *f = fopen(txt, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < APART_WORDS; i++)
        fprintf(f, "%.*s %zu n\n", (int)apart_word(i, w), w, i % 1000 + 1);
    fclose(f);
    hb_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(hb_lexicon_compile(txt, bin, &err), HB_OK);
    struct stat st;
    assert_int_equal(stat(bin, &st), 0);
    size_t size = (size_t)st.st_size;
    assert_true(hb_file_room(size) < (size + 7) / 8 * 8 + HB_LEX_DAG_SLOTS * sizeof(uint64_t));
    lx = hb_lexicon_open(bin, &err);
    assert_non_null(lx);
    assert_true(lx->dagx_mapped);
    char two[32];
    size_t a = apart_word(7, two), b = apart_word(60301, two + a);
    two[a + b] = '\0';
    assert_int_equal(hb_lexicon_freq(lx, two, a), 8);
    assert_int_equal(hb_lexicon_freq(lx, two + a, b), 302);
    char want[40];
    snprintf(want, sizeof want, "%.*s|%s", (int)a, two, two + a);
    assert_string_equal(seg(lx, two, 0), want);
    hb_lexicon_free(lx);
}

/* Each DAG value, made two at a time with a scalar tail: a word's
 * log-frequency as it is, NaN's bits (0 in dagx) for a prefix's -1 and
 * for whatever a crafted file holds below 0 or not a number.  Seven
 * values (an odd count), overwritten in the file. */
static void test_dag_values_every_kind(void **state)
{
    (void)state;
    char txt[512], bin[512], w[4];
    tmp_path(txt, sizeof txt, "kinds.txt");
    tmp_path(bin, sizeof bin, "kinds.lex");
    FILE *f = fopen(txt, "wb");
    assert_non_null(f);
    for (unsigned i = 0; i < 6; i++)
        fprintf(f, "%.*s %u\n", (int)put_cp(w, 0x4E00 + i), w, i + 1);
    assert_int_equal(fclose(f), 0);
    struct hb_lexicon *lx = compiled_lexicon(txt, bin);
    assert_int_equal(lx->nlogv, 7);
    size_t off = (size_t)((const char *)lx->logv - (const char *)lx->file);
    hb_lexicon_free(lx);
    const double kinds[7] = {-1.0, 2.5, -0.0, NAN, INFINITY, -INFINITY, -3.0};
    f = fopen(bin, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)off, SEEK_SET), 0);
    assert_int_equal(fwrite(kinds, sizeof kinds, 1, f), 1);
    assert_int_equal(fclose(f), 0);
    hb_error err;
    assert_non_null(lx = hb_lexicon_open(bin, &err));
    for (unsigned k = 0; k < 7; k++) {
        double v = kinds[k] >= 0 ? kinds[k] : NAN;
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        assert_true(lx->dagx[k] == (bits ^ HB_LEX_NAN_BITS));
    }
    assert_true(lx->dagx[7] == 0); /* past the table: NaN */
    hb_lexicon_free(lx);
}

/* The words test_overlay_relocate adds: 中 and 国 in turn, each followed
 * by the next of 150 consecutive chars (the two nodes' children take
 * each other's slots, and move), then an ASCII char followed by 国 for
 * each of 0..z (the root's children fall on slots the other nodes took,
 * which are moved away). */
static size_t relocate_word(size_t i, char *w)
{
    size_t n = 0;
    if (i < 300) {
        n += put_cp(w, i % 2 ? 0x56FD : 0x4E2D);
        n += put_cp(w + n, 0x4E00 + (unsigned)i / 2);
    } else {
        n += put_cp(w, '0' + (unsigned)(i - 300));
        n += put_cp(w + n, 0x56FD);
    }
    return n;
}
enum { RELOCATE_WORDS = 300 + 'z' - '0' + 1 };

/* The tag of relocate_word(i): every third word has one (a taken
 * overlay keeps them in a table by slot, hundreds of entries here). */
static const char *relocate_tag(size_t i)
{
    return i % 3 ? NULL : i % 2 ? "n" : "vn";
}

/* Every word keeps its frequency and tag, and every prefix stays a bare
 * prefix. */
static void assert_relocated(const struct hb_lexicon *lx)
{
    char w[8];
    for (size_t i = 0; i < RELOCATE_WORDS; i++) {
        size_t n = relocate_word(i, w);
        assert_int_equal(hb_lexicon_freq(lx, w, n), (long long)i + 1);
        assert_int_equal(hb_lexicon_freq(lx, w, n - 3), 0);
        const char *tag = hb_lexicon_tag(lx, w, n);
        if (relocate_tag(i))
            assert_string_equal(tag, relocate_tag(i));
        else
            assert_null(tag);
    }
    assert_int_equal(hb_lexicon_freq(lx, "中国", strlen("中国")), -1);
    assert_string_equal(seg(lx, "中丁a国", 0), "中丁|a国");
}

/* The overlay's double array moves a node's children when a new child's
 * slot is taken, and the root's never: every lookup answers as before, and
 * so does the overlay saved and taken by a fresh lexicon.  A blob deeper
 * than the longest word (a record hung below a 64-character word's last)
 * is refused: the segmenter's walks are bounded by the depth. */
static void test_overlay_relocate(void **state)
{
    (void)state;
    hb_error err;
    struct hb_lexicon *lx = hb_lexicon_open(NULL, &err), *fresh = hb_lexicon_open(NULL, &err);
    assert_non_null(lx);
    assert_non_null(fresh);
    char w[8];
    for (size_t i = 0; i < RELOCATE_WORDS; i++)
        assert_int_equal(hb_lexicon_add(lx, w, relocate_word(i, w), (long long)i + 1, relocate_tag(i)), HB_OK);
    assert_relocated(lx);
    size_t size;
    void *blob = hb_lexicon_overlay_save(lx, &size);
    assert_non_null(blob);
    assert_int_equal(hb_lexicon_overlay_load(fresh, blob, size, NULL), HB_OK);
    assert_relocated(fresh);
    free(blob);
    hb_lexicon_free(fresh);
    hb_lexicon_free(lx);

    lx = hb_lexicon_open(NULL, &err);
    assert_non_null(lx);
    char deep[64 * 3 + 1] = "";
    for (int i = 0; i < 64; i++)
        strcat(deep, "深");
    assert_int_equal(hb_lexicon_add(lx, "浅", strlen("浅"), 5, NULL), HB_OK);
    assert_int_equal(hb_lexicon_add(lx, deep, strlen(deep), 5, NULL), HB_OK);
    blob = hb_lexicon_overlay_save(lx, &size);
    assert_non_null(blob);
    struct rec { uint32_t parent; int32_t cp; uint32_t tag, slot; int64_t freq; double logf; int32_t base; uint32_t zero; };
    unsigned char *r = (unsigned char *)blob + 24;
    uint32_t n, last = 0, shallow = 0;
    memcpy(&n, blob, 4);
    for (uint32_t x = 1; x < n; x++) {
        struct rec v;
        memcpy(&v, r + x * sizeof v, sizeof v);
        last = v.cp == 0x6DF1 && v.freq == 5 ? x : last;
        shallow = v.cp == 0x6D45 ? x : shallow;
    }
    assert_true(last && shallow && last < shallow);
    struct rec leaf, v;
    memcpy(&leaf, r + last * sizeof leaf, sizeof leaf);
    memcpy(&v, r + shallow * sizeof v, sizeof v);
    v.parent = last; /* 浅 as the 65th char, where the leaf's base puts it */
    v.cp = (int32_t)(v.slot - (uint32_t)leaf.base);
    memcpy(r + shallow * sizeof v, &v, sizeof v);
    fresh = hb_lexicon_open(NULL, &err);
    assert_non_null(fresh);
    assert_int_equal(hb_lexicon_overlay_load(fresh, blob, size, NULL), HB_ERR_DICT);
    hb_lexicon_free(fresh);
    free(blob);
    hb_lexicon_free(lx);
}

/* ---- the memo of suggested frequencies ---- */

static const char *const MEMO_WORDS[] = {"人民工作", "一岗双责", "中国人民工作", "工作人民"};
enum { NMEMO = 4 };

/* Adds the memo words (the second replaced by `second` unless NULL; the
 * third with a frequency of its own) and keeps their frequencies. */
static void add_memo_words(struct hb_lexicon *lx, const char *second, long long freq[NMEMO])
{
    for (int i = 0; i < NMEMO; i++) {
        const char *w = i == 1 && second ? second : MEMO_WORDS[i];
        assert_int_equal(hb_lexicon_add(lx, w, strlen(w), i == 2 ? 7 : HB_LEX_SUGGEST, NULL), HB_OK);
        freq[i] = hb_lexicon_freq(lx, w, strlen(w));
    }
}

/* The frequencies the memo words get on a fresh lexicon replaying blob. */
static long long replay(const void *blob, size_t size, const char *second, long long freq[NMEMO])
{
    struct hb_lexicon *lx = small_lexicon();
    assert_int_equal(hb_lexicon_memo_start(lx, blob, size, 0), HB_OK);
    add_memo_words(lx, second, freq);
    size_t n;
    assert_null(hb_lexicon_memo_end(lx, &n));
    long long total = hb_lexicon_total(lx);
    hb_lexicon_free(lx);
    return total;
}

/* Recorded while the words are added, the memo replayed on a fresh lexicon
 * gives them the frequencies they were given (and it is what gives them:
 * a changed recorded frequency is taken); from a word that differs from
 * the recorded one, words are segmented again; a damaged memo is not
 * trusted: a bad entry ends the replay there. */
static void test_memo(void **state)
{
    (void)state;
    long long want[NMEMO], got[NMEMO];
    struct hb_lexicon *lx = small_lexicon();
    add_memo_words(lx, NULL, want);
    long long total = hb_lexicon_total(lx);
    unsigned char key[32], other[32];
    hb_lexicon_memo_key(lx, key);
    hb_lexicon_free(lx);
    assert_int_equal(want[0], 14); /* jieba's suggest_freq (test_overlay) */

    lx = small_lexicon();
    hb_lexicon_memo_key(lx, other);
    assert_memory_equal(key, other, 32); /* the same general lexicon */
    assert_int_equal(hb_lexicon_memo_start(lx, NULL, 0, 1), HB_OK);
    add_memo_words(lx, NULL, got);
    assert_memory_equal(got, want, sizeof want);
    size_t size;
    unsigned char *blob = hb_lexicon_memo_end(lx, &size);
    hb_lexicon_free(lx);
    assert_non_null(blob);
    lx = hb_lexicon_open(NULL, NULL);
    hb_lexicon_memo_key(lx, other);
    assert_memory_not_equal(key, other, 32); /* another general lexicon */
    hb_lexicon_free(lx);

    /* blob: a 16-byte head, 32-byte entries (offset, length, asked, given) */
    unsigned char *copy = malloc(size);
    assert_non_null(copy);
    assert_int_equal(replay(blob, size, NULL, got), total);
    assert_memory_equal(got, want, sizeof want);
    memcpy(copy, blob, size);
    long long changed = 99;
    memcpy(copy + 16 + 24, &changed, 8);
    replay(copy, size, NULL, got);
    assert_int_equal(got[0], 99);
    assert_int_equal(replay(copy, size - 1, NULL, got), total); /* cut short: nothing taken */
    assert_memory_equal(got, want, sizeof want);

    /* an edited word: it and the words after it as without a memo */
    long long plain[NMEMO];
    lx = small_lexicon();
    add_memo_words(lx, "两学一做", plain);
    hb_lexicon_free(lx);
    replay(blob, size, "两学一做", got);
    assert_memory_equal(got, plain, sizeof plain);

    /* damaged entries: a word outside the blob, a frequency out of range */
    uint64_t far = UINT64_MAX - 2;
    long long bad = -5;
    for (int k = 0; k < 2; k++) {
        memcpy(copy, blob, size);
        if (k == 0)
            memcpy(copy + 16 + 32, &far, 8);
        else
            memcpy(copy + 16 + 32 + 24, &bad, 8);
        changed = 99;
        memcpy(copy + 16 + 3 * 32 + 24, &changed, 8); /* past the bad entry: not reached */
        assert_int_equal(replay(copy, size, NULL, got), total);
        assert_memory_equal(got, want, sizeof want);
    }
    free(copy);
    free(blob);
}

static void test_load_user(void **state)
{
    (void)state;
    char p[512];
    tmp_path(p, sizeof p, "user.txt");
    /* jieba's re_userdict: "word [freq] [tag]", the word may hold spaces;
     * a TAB also separates; '#' starts a comment. */
    const char *u = "\xEF\xBB\xBF# domain words\n一岗双责 10 n\n\n  两个维护  \n"
                    "new york 7\n三会一课\t20\tn\n";
    write_file(p, u, strlen(u));
    struct hb_lexicon *lx = small_lexicon();
    hb_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(hb_lexicon_load_user(lx, p, &err), HB_OK);
    assert_int_equal(hb_lexicon_freq(lx, "一岗双责", strlen("一岗双责")), 10);
    assert_true(hb_lexicon_freq(lx, "两个维护", strlen("两个维护")) > 0);
    assert_int_equal(hb_lexicon_freq(lx, "new york", 8), 7);
    assert_int_equal(hb_lexicon_freq(lx, "三会一课", strlen("三会一课")), 20);
    assert_string_equal(hb_lexicon_tag(lx, "三会一课", strlen("三会一课")), "n");
    assert_string_equal(seg(lx, "落实三会一课和两个维护", 0), "落|实|三会一课|和|两个维护");

    const char *bad = "一岗双责 10 n\n\xe4\xb8 5\n";
    write_file(p, bad, strlen(bad));
    assert_int_equal(hb_lexicon_load_user(lx, p, &err), HB_ERR_DICT);
    assert_string_equal(err.file, p);
    assert_int_equal(err.line, 2);

    tmp_path(p, sizeof p, "missing-user.txt");
    assert_int_equal(hb_lexicon_load_user(lx, p, &err), HB_ERR_IO);
    hb_lexicon_free(lx);
}

/* ---- the real general lexicon, when it has been built ---- */

static void test_general_lexicon(void **state)
{
    (void)state;
    const char *path = getenv("HB_LEXICON");
    if (!path)
        path = "build/jieba.lex";
    if (access(path, R_OK) != 0)
        skip();
    hb_error err;
    struct hb_lexicon *lx = hb_lexicon_open(path, &err);
    assert_non_null(lx);
    assert_int_equal(hb_lexicon_total(lx), 60101967);
    assert_int_equal(hb_lexicon_freq(lx, "中国", strlen("中国")), 129470);
    assert_string_equal(hb_lexicon_tag(lx, "工作", strlen("工作")), "vn");
    assert_string_equal(seg(lx, "紧紧围绕学习贯彻习近平新时代中国特色社会主义思想、党的二十大精神", 0),
                        "紧紧围绕|学习|贯彻|习近平|新|时代|中国|特色|社会主义|思想|、|党|的|二十大|精神");
    const char *s = "全年完成**项任务，占比**％，同比增长12.5%";
    assert_string_equal(seg(lx, s, 0),
                        "全年|完成|*|*|项|任务|，|占|比|*|*|％|，|同比|增长|12|.|5|%");
    assert_string_equal(seg(lx, s, HB_SEG_WHOLE),
                        "全年|完成|**|项|任务|，|占|比|**％|，|同比|增长|12.5%");
    assert_string_equal(seg(lx, "2023年1-6月，共开展培训3场次", 0),
                        "2023|年|1|-|6|月|，|共|开展|培训|3|场次");
    hb_lexicon_free(lx);
}

/* A block far longer than the on-stack scratch. */
typedef struct {
    size_t words, last_end;
} counter;

static void count_word(void *ctx, size_t s, size_t e)
{
    counter *c = ctx;
    assert_int_equal(s, c->last_end);
    assert_int_equal(e - s, strlen("中国"));
    c->last_end = e;
    c->words++;
}

static void test_long_block(void **state)
{
    (void)state;
    struct hb_lexicon *lx = small_lexicon();
    size_t n = 5000, w = strlen("中国");
    char *t = malloc(n * w);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++)
        memcpy(t + i * w, "中国", w);
    counter c = {0, 0};
    assert_int_equal(hb_segment(lx, t, n * w, HB_SEG_WHOLE, count_word, &c), HB_OK);
    assert_int_equal(c.words, n);
    free(t);
    hb_lexicon_free(lx);
}

/* Blocks ending just before, at and after the stack scratch's size (256
 * chars), where the block reader grows scratch between two chars, then
 * a block after them. */
static void test_block_at_scratch_edge(void **state)
{
    (void)state;
    struct hb_lexicon *lx = small_lexicon();
    for (size_t nch = 255; nch <= 258; nch++) {
        char text[3 * 260 + 16], want[4 * 260 + 16];
        size_t tn = 0, wn = 0;
        for (size_t i = 0; i < nch; i++) {
            memcpy(text + tn, i % 2 ? "国" : "中", 3);
            tn += 3;
        }
        strcpy(text + tn, "。中国");
        for (size_t i = 0; i + 1 < nch; i += 2)
            wn += (size_t)sprintf(want + wn, "中国|");
        wn += (size_t)sprintf(want + wn, nch % 2 ? "中|。|中国" : "。|中国");
        assert_string_equal(seg(lx, text, 0), want);
    }
    hb_lexicon_free(lx);
}

/* ---- hb_segment against jieba's algorithm written out plainly ---- */

/* cut(HMM=False) of one block of Han characters (3 bytes each) by the
 * book: DAG from FREQ.get (hb_lexicon_freq, the lexicon's own walk), the
 * route right to left with tuple max, words joined with '|'. */
static void naive_cut(const struct hb_lexicon *lx, const char *t, size_t nch, char *out, size_t *on)
{
    double route[80];
    int next[80];
    double logtotal = log((double)hb_lexicon_total(lx));
    route[nch] = 0.0;
    for (size_t k = nch; k-- > 0;) {
        double best = -INFINITY;
        int bx = -1;
        for (size_t i = k; i < nch; i++) {
            long long f = hb_lexicon_freq(lx, t + 3 * k, 3 * (i - k + 1));
            if (f < 0)
                break;
            if (f == 0)
                continue;
            double sc = log((double)f) - logtotal + route[i + 1];
            if (sc >= best) {
                best = sc;
                bx = (int)i;
            }
        }
        if (bx < 0) {
            best = 0.0 - logtotal + route[k + 1];
            bx = (int)k;
        }
        route[k] = best;
        next[k] = bx;
    }
    for (size_t x = 0; x < nch; x = (size_t)next[x] + 1) {
        if (*on)
            out[(*on)++] = '|';
        size_t len = 3 * ((size_t)next[x] + 1 - x);
        memcpy(out + *on, t + 3 * x, len);
        *on += len;
    }
    out[*on] = '\0';
}

/* Random added words (frequency 0 taking words out, words the general trie
 * has only a prefix of, words starting with a char it has not (丁), words
 * it holds whole, prefixes of added words) and random texts over a few
 * characters, with blocks longer than the segmenter's window of 32; the
 * overlay added word by word and taken by a fresh lexicon as a blob (each
 * marks where its words leave the general trie: segment.c walks the
 * overlay only from there). */
static void test_random_against_naive(void **state)
{
    (void)state;
    static const char *const alpha[] = {"甲", "乙", "丙", "中", "国", "人", "民", "工", "作", "党", "丁"};
    const size_t nalpha = sizeof alpha / sizeof *alpha;
    static const char *const known[] = {"甲乙", "乙丙", "甲", "丙", "中国", "中国人", "国人", "人民", "工作", "党建"};
    uint64_t seed = 12345;
#define RND(n) ((seed = seed * 6364136223846793005u + 1442695040888963407u), (size_t)(seed >> 33) % (n))
    for (int round = 0; round < 30; round++) {
        struct hb_lexicon *lx = small_lexicon();
        for (size_t a = RND(12); a > 0; a--) {
            char w[64];
            size_t n = 0;
            if (RND(2)) { /* a word of SMALL_DICT, often taken out */
                const char *k = known[RND(10)];
                n = strlen(k);
                memcpy(w, k, n);
            } else {
                for (size_t k = 1 + RND(6); k > 0; k--) {
                    memcpy(w + n, alpha[RND(nalpha)], 3);
                    n += 3;
                }
            }
            assert_int_equal(hb_lexicon_add(lx, w, n, RND(3) ? (long long)RND(200) : 0, NULL), HB_OK);
        }
        size_t size;
        void *blob = hb_lexicon_overlay_save(lx, &size);
        assert_non_null(blob);
        struct hb_lexicon *taker = small_lexicon();
        assert_int_equal(hb_lexicon_overlay_load(taker, blob, size, NULL), HB_OK);
        for (int t = 0; t < 100; t++) {
            char text[512], want[1024];
            size_t n = 0, on = 0, nch = 1 + RND(t % 10 ? 20 : 70);
            for (size_t k = 0; k < nch; k++) {
                memcpy(text + n, alpha[RND(nalpha)], 3);
                n += 3;
            }
            text[n] = '\0';
            naive_cut(lx, text, nch, want, &on);
            assert_string_equal(seg(lx, text, 0), want);
            assert_string_equal(seg(taker, text, 0), want);
        }
        free(blob);
        hb_lexicon_free(taker);
        hb_lexicon_free(lx);
    }
#undef RND
}

/* The overlay's walks past their first three chars take a branch of
 * their own (segment.c, ov_walks): added words ending at a walk's first,
 * second and third char and past it, from a char the general trie has not
 * and from slots it has, one in it whole, each at a block's end too, cut
 * as the book says, added and taken from a blob alike. */
static void test_overlay_walk_ends(void **state)
{
    (void)state;
    struct hb_lexicon *lx = small_lexicon();
    static const char *const words[] = {"丁", "乙丁", "中国丁", "丁甲乙丙", "人民", "甲", "国人民工作"};
    static const long long freq[] = {50, 60, 70, 40, 500, 1, 30};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        assert_int_equal(hb_lexicon_add(lx, words[i], strlen(words[i]), freq[i], NULL), HB_OK);
    size_t size;
    void *blob = hb_lexicon_overlay_save(lx, &size);
    assert_non_null(blob);
    struct hb_lexicon *taker = small_lexicon();
    assert_int_equal(hb_lexicon_overlay_load(taker, blob, size, NULL), HB_OK);
    static const char *const texts[] = {"丁", "乙丁", "中国丁", "丁甲乙丙", "丁甲乙", "人民", "甲乙丁",
                                        "中国人民工作", "乙丁中国丁甲乙丙人民", "国人民工", "丁丁"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char want[256];
        size_t on = 0;
        naive_cut(lx, texts[i], strlen(texts[i]) / 3, want, &on);
        assert_string_equal(seg(lx, texts[i], 0), want);
        assert_string_equal(seg(taker, texts[i], 0), want);
    }
    assert_string_equal(seg(lx, "乙丁", 0), "乙丁");
    assert_string_equal(seg(lx, "中国丁", 0), "中国丁");
    free(blob);
    hb_lexicon_free(taker);
    hb_lexicon_free(lx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_dag_values_apart),
        cmocka_unit_test(test_dag_values_every_kind),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_supplementary),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_open_bad_freq_index),
        cmocka_unit_test(test_frequency_table),
        cmocka_unit_test(test_char_limit),
        cmocka_unit_test(test_labels_tell_parents),
        cmocka_unit_test(test_open_unsound),
        cmocka_unit_test(test_flag_bits_in_file),
        cmocka_unit_test(test_empty_and_single),
        cmocka_unit_test(test_dag_and_ties),
        cmocka_unit_test(test_unknown_and_mixed),
        cmocka_unit_test(test_block_chars),
        cmocka_unit_test(test_numbers_masks),
        cmocka_unit_test(test_overlay),
        cmocka_unit_test(test_overlay_without_general),
        cmocka_unit_test(test_overlay_blob),
        cmocka_unit_test(test_overlay_relocate),
        cmocka_unit_test(test_memo),
        cmocka_unit_test(test_load_user),
        cmocka_unit_test(test_general_lexicon),
        cmocka_unit_test(test_long_block),
        cmocka_unit_test(test_block_at_scratch_edge),
        cmocka_unit_test(test_random_against_naive),
        cmocka_unit_test(test_overlay_walk_ends),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
