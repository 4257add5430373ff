/* The compiled rules file (src/rules.h): an automaton taken from it matches
 * exactly as the one built at start; other patterns miss it and are built;
 * a damaged or crafted file is refused naming it, or (a bad table) gives
 * wrong matches, never a crash or a loop.  A regex is taken from it under
 * its pattern's key, compiled when it was serialized by another PCRE2, and
 * refused naming the file when its bytes fail their check.  A pattern's
 * literal set and its prefix are taken from it the same way (a prefix whose
 * counts overrun its arrays refused).  A dict/ file's records are
 * taken from it while the file is unchanged, read from the file once it
 * is edited, refused naming the file when damaged.  The directory's keys
 * are found through a hash table: colliding keys each, a key twice its
 * first entry.  Cue entries with the same pattern are linked in order.
 * The layout rules (lines.c) and the quote rules (slogans.c), filed whole
 * under the key of their file's bytes, are taken while it is unchanged (a
 * blob filed under another file's key shows it), read once it is edited
 * or when their regexes were serialized by another PCRE2; cut short or a
 * byte changed before the regexes, refused naming the file or taken (a
 * crafted one gives wrong answers at worst: ASan checks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aho.h"
#include "doc.h"
#include "engine.h"
#include "extract.h"
#include "lines.h"
#include "rules.h"
#include "testutil.h"

static const char *const PATS[] = {"一岗双责", "双责", "两学一做", "学一", "党建", "党建引领", "引领", "ab", "b"};
enum { NPATS = sizeof PATS / sizeof *PATS };
static const char TEXT[] = "坚持党建引领，落实一岗双责，推进两学一做学习教育常态化。abab党建";

static char dir[] = "/tmp/test_rules.XXXXXX";
static char path[256];

static hb_ac *patterns(int extra)
{
    hb_ac *ac = hb_ac_new();
    assert_non_null(ac);
    for (int i = 0; i < NPATS; i++)
        assert_true(hb_ac_add(ac, PATS[i], strlen(PATS[i]), i));
    if (extra)
        assert_true(hb_ac_add(ac, "常态化", strlen("常态化"), NPATS));
    return ac;
}

typedef struct {
    char s[2048];
    size_t n;
} matches;

static int collect(void *ctx, size_t start, size_t end, int value)
{
    matches *m = ctx;
    assert_true(start < end && end <= sizeof TEXT - 1);
    m->n += (size_t)snprintf(m->s + m->n, sizeof m->s - m->n, "%zu-%zu:%d ", start, end, value);
    assert_true(m->n < sizeof m->s);
    return 1;
}

static void scan(const hb_ac *ac, matches *m)
{
    memset(m, 0, sizeof *m);
    assert_true(hb_ac_scan(ac, TEXT, sizeof TEXT - 1, collect, m));
}

/* The leftmost-longest matches of pats[0..n) in t[0..len), byte by byte. */
static void naive_longest(const char *const *pats, int n, const char *t, size_t len, matches *m)
{
    for (size_t i = 0; i < len;) {
        size_t best = 0;
        int value = -1;
        for (int k = 0; k < n; k++) {
            size_t pl = strlen(pats[k]);
            if (pl <= len - i && i + pl > best && memcmp(t + i, pats[k], pl) == 0)
                best = i + pl, value = k;
        }
        if (best) {
            m->n += (size_t)snprintf(m->s + m->n, sizeof m->s - m->n, "%zu-%zu:%d ", i, best, value);
            i = best;
        } else {
            i++;
        }
    }
}

/* Every occurrence of pats[0..n) in t[0..len), by end, longest first. */
static void naive_all(const char *const *pats, int n, const char *t, size_t len, matches *m)
{
    for (size_t e = 1; e <= len; e++)
        for (size_t pl = e; pl >= 1; pl--)
            for (int k = 0; k < n; k++)
                if (strlen(pats[k]) == pl && memcmp(t + e - pl, pats[k], pl) == 0)
                    m->n += (size_t)snprintf(m->s + m->n, sizeof m->s - m->n, "%zu-%zu:%d ", e - pl, e, k);
}

/* The scans step a text a character at a time where no pattern starts: on
 * bytes of any kind (lone continuation bytes, cut characters, texts shorter
 * than the eight bytes read at once) they find what a byte-by-byte search
 * does, with patterns of one byte and of two characters at least. */
static void test_scan_any_bytes(void **state)
{
    (void)state;
    static const char *const HAN[] = {"一岗双责", "双责", "两学一做", "学一", "党建", "党建引领", "引领"};
    static const char *const PIECES[] = {"一岗双责", "双责", "两学一", "做", "党建", "引领", "ab", "b", "\x80", "\xBF\xBF",
                                         "\xE5", "\xE5\x85", "x", "，", "。"};
    const char *const *sets[] = {PATS, HAN};
    int counts[] = {NPATS, sizeof HAN / sizeof *HAN};
    srand(15);
    for (int set = 0; set < 2; set++) {
        for (int table = 0; table < 2; table++) {
            hb_ac *ac = hb_ac_new();
            assert_non_null(ac);
            for (int k = 0; k < counts[set]; k++)
                assert_true(hb_ac_add(ac, sets[set][k], strlen(sets[set][k]), k));
            if (!table)
                hb_ac_set_table_max(ac, 0);
            assert_true(hb_ac_build(ac));
            for (int round = 0; round < 400; round++) {
                char t[64];
                size_t len = 0;
                for (int parts = rand() % 8; parts > 0; parts--) {
                    const char *p = PIECES[rand() % (int)(sizeof PIECES / sizeof *PIECES)];
                    if (len + strlen(p) <= sizeof t)
                        memcpy(t + len, p, strlen(p)), len += strlen(p);
                }
                matches got, want;
                memset(&got, 0, sizeof got);
                memset(&want, 0, sizeof want);
                assert_true(hb_ac_scan(ac, t, len, collect, &got));
                naive_longest(sets[set], counts[set], t, len, &want);
                assert_string_equal(got.s, want.s);
                memset(&got, 0, sizeof got);
                memset(&want, 0, sizeof want);
                assert_true(hb_ac_scan_all(ac, t, len, collect, &got));
                naive_all(sets[set], counts[set], t, len, &want);
                assert_string_equal(got.s, want.s);
            }
            hb_ac_free(ac);
        }
    }
}

/* A rules file holding the automaton of PATS. */
static void write_rules(void)
{
    hb_ac *ac = patterns(0);
    assert_true(hb_ac_build(ac));
    hb_ac *v[1] = {ac};
    struct hb_rules_record rec = {.v = v, .n = 1, .cap = 1};
    hb_error err;
    assert_int_equal(hb_rules_write(&rec, path, &err), HB_OK);
    hb_ac_free(ac);
}

static hb_status take(struct hb_rules *r, hb_ac *ac, hb_error *err)
{
    struct hb_engine e;
    memset(&e, 0, sizeof e);
    e.rules = r;
    e.dict_dir = dir;
    return hb_engine_build_ac(&e, ac, err);
}

static void test_same_matches(void **state)
{
    (void)state;
    write_rules();
    struct hb_rules *r;
    hb_error err;
    assert_int_equal(hb_rules_open(path, &r, &err), HB_OK);
    hb_ac *built = patterns(0), *taken = patterns(0), *other = patterns(1);
    assert_true(hb_ac_build(built));
    assert_int_equal(take(r, taken, &err), HB_OK);
    assert_int_equal(hb_ac_count(taken), NPATS);
    matches a, b;
    scan(built, &a);
    scan(taken, &b);
    assert_string_equal(a.s, b.s);
    assert_non_null(strstr(a.s, ":5 ")); /* 党建引领, the longest */
    /* one more pattern: another key, built at start, and it matches */
    assert_int_equal(take(r, other, &err), HB_OK);
    scan(other, &b);
    assert_non_null(strstr(b.s, ":9 "));
    hb_ac_free(built);
    hb_ac_free(taken);
    hb_ac_free(other);
    hb_rules_free(r);
}

static char *file_bytes(size_t *n)
{
    char *b = tu_read_file(path, n);
    assert_non_null(b);
    return b;
}

static void put(const char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* Counts a damaged file's outcome: taken, or refused naming the rules file. */
static void tally(hb_status st, const hb_error *err, int *taken, int *refused)
{
    if (st == HB_OK) {
        ++*taken;
        return;
    }
    assert_int_equal(st, HB_ERR_DICT);
    assert_string_equal(err->file, path);
    assert_non_null(strstr(err->message, "damaged compiled rules"));
    ++*refused;
}

static void test_damaged_file(void **state)
{
    (void)state;
    write_rules();
    size_t n;
    char *good = file_bytes(&n);
    struct hb_rules *r;
    hb_error err;
    /* cut short, a wrong magic, a directory entry past the end */
    size_t cuts[] = {0, 10, 40, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        put(good, cuts[i]);
        memset(&err, 0, sizeof err);
        assert_int_equal(hb_rules_open(path, &r, &err), HB_ERR_DICT);
        assert_string_equal(err.file, path);
        assert_non_null(strstr(err.message, "rebuild"));
    }
    char *bad = malloc(n);
    assert_non_null(bad);
    memcpy(bad, good, n);
    bad[0] = 'X';
    put(bad, n);
    assert_int_equal(hb_rules_open(path, &r, &err), HB_ERR_DICT);
    memcpy(bad, good, n);
    uint64_t far = n; /* the first entry's offset (after the 32-byte header and its key) */
    memcpy(bad + 32 + 32, &far, 8);
    put(bad, n);
    assert_int_equal(hb_rules_open(path, &r, &err), HB_ERR_DICT);

    /* the start table after the block (its head: log2 of its slots, then
     * 16-byte slots, then three arrays of a 64-bit word of bits per four
     * slots): a state past the automaton's is refused */
    uint64_t aoff, asize;
    memcpy(&aoff, good + 64, 8);
    memcpy(&asize, good + 72, 8);
    uint32_t flag, lg = 4;
    memcpy(&flag, good + aoff + 28, 4);
    assert_int_equal(flag, 1);
    while (lg < 20 && !(16 + 22 * ((uint64_t)1 << lg) <= asize &&
                        !memcmp(good + aoff + asize - (16 + 22 * ((uint64_t)1 << lg)), &lg, 4)))
        lg++;
    assert_true(lg < 20);
    memcpy(bad, good, n);
    uint32_t past = UINT32_MAX;
    memcpy(bad + aoff + asize - (16 + 22 * ((uint64_t)1 << lg)) + 16 + 8, &past, 4);
    put(bad, n);
    assert_int_equal(hb_rules_open(path, &r, &err), HB_OK);
    hb_ac *starts = patterns(0);
    assert_int_equal(take(r, starts, &err), HB_ERR_DICT);
    hb_ac_free(starts);
    hb_rules_free(r);

    /* every byte of the automaton changed in turn, and random bytes: refused
     * naming the file, or taken and scanned within bounds (ASan checks) */
    uint64_t off;
    memcpy(&off, good + 64, 8);
    unsigned seed = 1;
    int refused = 0, taken = 0;
    for (size_t k = 0; k < 3000; k++) {
        memcpy(bad, good, n);
        seed = seed * 1103515245u + 12345u;
        size_t at = k < n - off ? off + k : off + seed % (n - off);
        bad[at] = (char)(k < n - off ? bad[at] ^ 0x5a : (char)(seed >> 16));
        put(bad, n);
        assert_int_equal(hb_rules_open(path, &r, &err), HB_OK);
        hb_ac *ac = patterns(0);
        memset(&err, 0, sizeof err);
        hb_status st = take(r, ac, &err);
        if (st == HB_OK) {
            matches m;
            scan(ac, &m);
        }
        tally(st, &err, &taken, &refused);
        hb_ac_free(ac);
        hb_rules_free(r);
    }
    assert_true(refused > 0 && taken > 0);
    free(bad);
    free(good);
}

/* The first group of rx's match in s, as "start-end", or "none". */
static const char *group1(const hb_regex *rx, const char *s, char *buf, size_t cap)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(hb_regex_code(rx), NULL);
    assert_non_null(md);
    int rc = pcre2_match(hb_regex_code(rx), (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    if (rc >= 2)
        snprintf(buf, cap, "%zu-%zu", (size_t)ov[2], (size_t)ov[3]);
    else
        snprintf(buf, cap, "none");
    pcre2_match_data_free(md);
    return buf;
}

static const char PAGE[] = "第(\\d+)页", SHEET[] = "共(\\d+)张", SUBJECT[] = "共12张 第3页";

/* Two regexes compiled for rulec, their blobs swapped when swap is set
 * (each key then holds the other pattern: only a regex taken from the file
 * can show it), written to the rules file. */
static void write_regexes(int swap)
{
    struct hb_rules_record rec = {0};
    struct hb_engine e;
    memset(&e, 0, sizeof e);
    e.record = &rec;
    hb_error err;
    hb_regex *a = hb_regex_compile(&e, PAGE, 0, "t", 1, &err), *b = hb_regex_compile(&e, SHEET, 0, "t", 2, &err);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(rec.nblobs, 2);
    if (swap) {
        void *d = rec.blobs[0].data;
        size_t n = rec.blobs[0].size;
        rec.blobs[0].data = rec.blobs[1].data, rec.blobs[0].size = rec.blobs[1].size;
        rec.blobs[1].data = d, rec.blobs[1].size = n;
    }
    assert_int_equal(hb_rules_write(&rec, path, &err), HB_OK);
    hb_rules_record_free(&rec);
    hb_regex_free(a);
    hb_regex_free(b);
}

/* PAGE compiled with the rules file as it is now: NULL when refused. */
static hb_regex *page_from_file(hb_error *err)
{
    struct hb_rules *r;
    assert_int_equal(hb_rules_open(path, &r, err), HB_OK);
    struct hb_engine e;
    memset(&e, 0, sizeof e);
    e.rules = r;
    memset(err, 0, sizeof *err);
    hb_regex *rx = hb_regex_compile(&e, PAGE, 0, "t", 1, err);
    hb_rules_free(r);
    return rx;
}

static void test_regex_taken(void **state)
{
    (void)state;
    char buf[32];
    hb_error err;
    write_regexes(0);
    hb_regex *rx = page_from_file(&err);
    assert_non_null(rx);
    assert_string_equal(group1(rx, SUBJECT, buf, sizeof buf), "12-13");
    hb_regex_free(rx);
    /* the key of PAGE holding SHEET's code: the file's code is the one run */
    write_regexes(1);
    rx = page_from_file(&err);
    assert_non_null(rx);
    assert_string_equal(group1(rx, SUBJECT, buf, sizeof buf), "3-5");
    hb_regex_free(rx);
    /* a pattern the file lacks is compiled */
    struct hb_rules *r;
    assert_int_equal(hb_rules_open(path, &r, &err), HB_OK);
    struct hb_engine e;
    memset(&e, 0, sizeof e);
    e.rules = r;
    rx = hb_regex_compile(&e, "(\\d)张", 0, "t", 1, &err);
    assert_non_null(rx);
    assert_string_equal(group1(rx, SUBJECT, buf, sizeof buf), "4-5");
    hb_regex_free(rx);
    hb_rules_free(r);
}

static void test_regex_damaged_or_stale(void **state)
{
    (void)state;
    char buf[32];
    hb_error err;
    write_regexes(0);
    size_t n;
    char *good = file_bytes(&n);
    /* the entries' offsets: the header (32 bytes), then 48 bytes an entry */
    uint64_t off[2];
    memcpy(&off[0], good + 32 + 32, 8);
    memcpy(&off[1], good + 32 + 48 + 32, 8);
    assert_true(off[0] < off[1] && off[1] < n);
    /* any byte of PAGE's blob changed, its check included: refused naming the file */
    for (uint64_t at = off[0]; at < off[1]; at += 97) {
        good[at] ^= 0x21;
        put(good, n);
        good[at] ^= 0x21;
        assert_null(page_from_file(&err));
        assert_int_equal(err.code, HB_ERR_DICT);
        assert_string_equal(err.file, path);
        assert_non_null(strstr(err.message, "damaged compiled rules"));
    }
    /* serialized by another PCRE2 (its version word changed, the check
     * made again): compiled from the pattern, no error */
    struct hb_rules_record rec = {0};
    size_t size = (size_t)(off[1] - off[0]) - 16;
    unsigned char key[32], *ser = malloc(size);
    assert_non_null(ser);
    memcpy(key, good + 32, 32);
    memcpy(ser, good + off[0] + 16, size);
    ser[4] ^= 0x40; /* the version: magic, version, config, count */
    assert_int_equal(hb_rules_record_checked(&rec, key, ser, size), HB_OK);
    assert_int_equal(hb_rules_write(&rec, path, &err), HB_OK);
    hb_rules_record_free(&rec);
    hb_regex *rx = page_from_file(&err);
    assert_non_null(rx);
    assert_string_equal(group1(rx, SUBJECT, buf, sizeof buf), "12-13");
    hb_regex_free(rx);
    free(ser);
    free(good);
}

static const char *const LIT_PATTERNS[] = {"(?:发布时间|来源|作者)[:：]", "^\\d+$", "第.{1,3}页"};
enum { NLIT_PATTERNS = sizeof LIT_PATTERNS / sizeof *LIT_PATTERNS };

/* The literal sets of pattern i read from the rules file and from the
 * pattern: the same strings in the same order, the same one_line. */
static void assert_same_literals(const hb_lits *a, const hb_lits *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->one_line, b->one_line);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->len[i], b->len[i]);
        assert_memory_equal(a->buf + a->off[i], b->buf + b->off[i], a->len[i]);
    }
}

/* An engine that only records what it reads for rulec, into *rec. */
static struct hb_engine recording(struct hb_rules_record *rec)
{
    struct hb_engine e;
    memset(&e, 0, sizeof e);
    *rec = (struct hb_rules_record){0};
    e.record = rec;
    return e;
}

/* Writes rec to the rules file, frees it and opens the file as the rules
 * of an engine that has nothing else, *e. */
static struct hb_rules *rules_of(struct hb_rules_record *rec, struct hb_engine *e)
{
    hb_error err;
    struct hb_rules *r;
    assert_int_equal(hb_rules_write(rec, path, &err), HB_OK);
    hb_rules_record_free(rec);
    assert_int_equal(hb_rules_open(path, &r, &err), HB_OK);
    memset(e, 0, sizeof *e);
    e->rules = r;
    return r;
}

/* A file holding only bytes[0..size) under key, their check made again
 * as a crafted file would, as the rules of *e. */
static struct hb_rules *crafted(const unsigned char *key, const void *bytes, size_t size, struct hb_engine *e)
{
    struct hb_rules_record rec = {0};
    assert_int_equal(hb_rules_record_checked(&rec, key, bytes, size), HB_OK);
    return rules_of(&rec, e);
}

/* The literal sets recorded for rulec are taken back as they were read
 * (an empty set too); a blob whose lengths do not add up, its check made
 * again as a crafted file would, is refused naming the file. */
static void test_literals_taken(void **state)
{
    (void)state;
    hb_error err;
    struct hb_rules_record rec;
    struct hb_engine e = recording(&rec);
    hb_lits l, want;
    for (int i = 0; i < NLIT_PATTERNS; i++)
        assert_int_equal(hb_regex_literals_of(&e, LIT_PATTERNS[i], 0, &l, "t", i, &err), HB_OK);
    assert_int_equal(rec.nblobs, NLIT_PATTERNS);
    /* the first pattern's blob with one byte short of its literals, for later */
    unsigned char key[32];
    memcpy(key, rec.blobs[0].key, 32);
    size_t size = rec.blobs[0].size - 16 - 1;
    unsigned char *bad = malloc(size);
    assert_non_null(bad);
    memcpy(bad, (unsigned char *)rec.blobs[0].data + 16, size);
    struct hb_rules *r = rules_of(&rec, &e);
    for (int i = 0; i < NLIT_PATTERNS; i++) {
        memset(&l, 0xA5, sizeof l);
        assert_int_equal(hb_regex_literals_of(&e, LIT_PATTERNS[i], 0, &l, "t", i, &err), HB_OK);
        hb_regex_literals(LIT_PATTERNS[i], 0, &want);
        assert_same_literals(&l, &want);
    }
    /* both kinds were taken: a set of three, and none (\d is no literal) */
    hb_regex_literals(LIT_PATTERNS[0], 0, &want);
    assert_int_equal(want.n, 3);
    hb_regex_literals(LIT_PATTERNS[1], 0, &want);
    assert_int_equal(want.n, 0);
    hb_rules_free(r);
    r = crafted(key, bad, size, &e);
    free(bad);
    assert_int_equal(hb_regex_literals_of(&e, LIT_PATTERNS[0], 0, &l, "t", 1, &err), HB_ERR_DICT);
    assert_string_equal(err.file, path);
    hb_rules_free(r);
}

/* A pattern's prefix recorded for rulec is taken back from the file as it
 * was read (the check made); one whose count of conditions overruns its
 * array, its check made again as a crafted file would, is refused naming
 * the file. */
static void test_prefix_taken(void **state)
{
    (void)state;
    static const char pattern[] = "[一二三四五六七八九十两]+(?:查|改|抓)";
    hb_error err;
    struct hb_rules_record rec;
    struct hb_engine e = recording(&rec);
    hb_prefix p, want;
    hb_regex_prefix(pattern, PCRE2_ANCHORED, &want);
    assert_true(want.n > 0);
    assert_int_equal(hb_regex_prefix_of(&e, pattern, PCRE2_ANCHORED, &p, "t", 1, &err), HB_OK);
    assert_int_equal(rec.nblobs, 1);
    unsigned char key[32];
    memcpy(key, rec.blobs[0].key, 32);
    struct hb_rules *r = rules_of(&rec, &e);
    memset(&p, 0xA5, sizeof p);
    assert_int_equal(hb_regex_prefix_of(&e, pattern, PCRE2_ANCHORED, &p, "t", 1, &err), HB_OK);
    assert_int_equal(p.n, want.n);
    for (size_t i = 0; i < p.n; i++) {
        const hb_prefix_cond *a = &p.c[i], *b = &want.c[i];
        assert_true(a->at == b->at && a->negated == b->negated && a->nr == b->nr);
        assert_memory_equal(a->lows, b->lows, sizeof a->lows);
        assert_memory_equal(a->lo, b->lo, a->nr * sizeof *a->lo);
        assert_memory_equal(a->hi, b->hi, a->nr * sizeof *a->hi);
    }
    hb_rules_free(r);
    hb_prefix overrun = {.n = HB_PREFIX_MAX + 1};
    r = crafted(key, &overrun, sizeof overrun, &e);
    assert_int_equal(hb_regex_prefix_of(&e, pattern, PCRE2_ANCHORED, &p, "t", 1, &err), HB_ERR_DICT);
    assert_string_equal(err.file, path);
    hb_rules_free(r);
}

/* ---- a dict/ file's records ---------------------------------------------- */

static char dict_file[300];

static void write_dict(const char *text)
{
    FILE *f = fopen(dict_file, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Each record as "line:field|field;" */
static int record_fields(void *ctx, char **fields, int nf, const char *file, int line, hb_error *err)
{
    (void)file, (void)err;
    char *out = ctx;
    snprintf(out + strlen(out), 512 - strlen(out), "%d:", line);
    for (int i = 0; i < nf; i++)
        snprintf(out + strlen(out), 512 - strlen(out), "%s%s", i ? "|" : "", fields[i]);
    strcat(out, ";");
    return 0;
}

/* The records of t.txt with the rules file at path (NULL: none, record
 * them into rec): the status, the records in out. */
static hb_status read_dict(struct hb_rules_record *rec, char out[512], hb_error *err)
{
    struct hb_engine e;
    memset(&e, 0, sizeof e);
    e.dict_dir = dir;
    e.record = rec;
    if (!rec)
        assert_int_equal(hb_rules_open(path, &e.rules, err), HB_OK);
    out[0] = '\0';
    memset(err, 0, sizeof *err);
    hb_status st = hb_dict_read(&e, "t.txt", 1, 2, HB_DICT_FOLD, record_fields, out, err);
    hb_rules_free(e.rules);
    return st;
}

/* Records t.txt for the rules file, its text's first byte changed to mark
 * (only records taken from the file show it) and, when damage is set, the
 * last record's field offset past the text. */
static void write_records(char mark, int damage)
{
    struct hb_rules_record rec = {0};
    char out[512];
    hb_error err;
    assert_int_equal(read_dict(&rec, out, &err), HB_OK);
    assert_int_equal(rec.nblobs, 1);
    char *b = rec.blobs[0].data;
    uint32_t head[3];
    memcpy(head, b, sizeof head);
    b[rec.blobs[0].size - head[2]] = mark;
    if (damage)
        memset(b + sizeof head + (head[1] - 1) * 4, 0x7F, 4);
    assert_int_equal(hb_rules_write(&rec, path, &err), HB_OK);
    hb_rules_record_free(&rec);
}

/* t.txt holding text, its records recorded for the rules file as
 * write_records does. */
static void dict_and_records(const char *text, char mark)
{
    snprintf(dict_file, sizeof dict_file, "%s/t.txt", dir);
    write_dict(text);
    write_records(mark, 0);
}

static void test_dict_records_taken(void **state)
{
    (void)state;
    char out[512];
    hb_error err;
    dict_and_records("# a comment\nab\tＡＢ１\r\n\n  cd\n", 'x');
    assert_int_equal(read_dict(NULL, out, &err), HB_OK);
    assert_string_equal(out, "2:xb|AB1;4:  cd;");
    write_dict("# a comment\nab\tＡＢ２\r\n\n  cd\n"); /* edited: read from the file */
    assert_int_equal(read_dict(NULL, out, &err), HB_OK);
    assert_string_equal(out, "2:ab|AB2;4:  cd;");
    write_records('a', 1);
    assert_int_equal(read_dict(NULL, out, &err), HB_ERR_DICT);
    assert_non_null(strstr(err.message, "damaged compiled rules"));
    unlink(dict_file);
}

/* Every byte of a file's records in the rules file changed in turn, and
 * every bit of their head: refused naming the rules file, or taken, each
 * record's fields inside the text (ASan checks), never a crash. */
static void test_dict_records_every_byte(void **state)
{
    (void)state;
    dict_and_records("# a comment\nab\tＡＢ１\r\n\n  cd\n\tx\n", 'a');
    char out[512];
    hb_error err;
    size_t n;
    char *good = file_bytes(&n), *bad = malloc(n);
    assert_non_null(bad);
    uint64_t off, size; /* the one entry's offset and size (after the 32-byte header and its key) */
    memcpy(&off, good + 64, 8);
    memcpy(&size, good + 72, 8);
    assert_true(off + size == n);
    int refused = 0, taken = 0;
    for (size_t k = 0; k < size + 12 * 8; k++) {
        memcpy(bad, good, n);
        if (k < size)
            bad[off + k] ^= 0x5a;
        else
            bad[off + (k - size) / 8] ^= (char)(1u << (k - size) % 8);
        put(bad, n);
        tally(read_dict(NULL, out, &err), &err, &taken, &refused);
    }
    assert_true(refused > 0 && taken > 0);
    free(bad);
    free(good);
    unlink(dict_file);
}

/* ---- the directory's hash table ------------------------------------------ */

/* Key k of test_directory_keys: its first eight bytes those of every other
 * (one slot of the table for all: each lookup probes past the others),
 * its last byte k. */
static void dir_key(unsigned char key[32], unsigned k)
{
    memset(key, 0xA5, 32);
    key[31] = (unsigned char)k;
}

/* The rules file rec makes (rec freed), opened. */
static struct hb_rules *written_rules(struct hb_rules_record *rec)
{
    hb_error err;
    assert_int_equal(hb_rules_write(rec, path, &err), HB_OK);
    hb_rules_record_free(rec);
    struct hb_rules *r;
    assert_int_equal(hb_rules_open(path, &r, &err), HB_OK);
    return r;
}

/* Keys that all hash to one slot are each found, a key missing from the
 * file is not (the probe ends at an empty slot), and a key written twice
 * gives its first entry, as the scan of the directory did. */
static void test_directory_keys(void **state)
{
    (void)state;
    enum { N = 40 };
    struct hb_rules_record rec = {0};
    unsigned char key[32];
    for (unsigned k = 0; k <= N; k++) { /* k == N: key 0 again */
        unsigned *v = malloc(sizeof *v);
        assert_non_null(v);
        *v = k;
        dir_key(key, k < N ? k : 0);
        assert_int_equal(hb_rules_record_blob(&rec, key, v, sizeof *v), HB_OK);
    }
    struct hb_rules *r = written_rules(&rec);
    for (unsigned k = 0; k < N; k++) {
        size_t size = 0;
        dir_key(key, k);
        const unsigned *v = hb_rules_find(r, key, &size);
        assert_non_null(v);
        assert_int_equal(size, sizeof *v);
        assert_int_equal(*v, k); /* key 0: the first entry, not the last */
    }
    size_t size;
    dir_key(key, N);
    assert_null(hb_rules_find(r, key, &size));
    key[0] = 0;
    assert_null(hb_rules_find(r, key, &size));
    hb_rules_free(r);
}

/* The bytes past the file are lent zeroed, 64-byte aligned, each once,
 * until its buffer's end; none past it, none from no rules. */
static void test_spare_bytes(void **state)
{
    (void)state;
    struct hb_rules_record rec = {0};
    unsigned char key[32];
    unsigned *v = malloc(sizeof *v);
    assert_non_null(v);
    *v = 7;
    dir_key(key, 1);
    assert_int_equal(hb_rules_record_blob(&rec, key, v, sizeof *v), HB_OK);
    struct hb_rules *r = written_rules(&rec);
    size_t size;
    const char *blob = hb_rules_find(r, key, &size);
    unsigned char *a = hb_rules_spare(r, 100), *b = hb_rules_spare(r, 1000);
    assert_non_null(a);
    assert_non_null(b);
    assert_true((uintptr_t)a % 64 == 0 && (uintptr_t)b % 64 == 0);
    assert_true(a > (const unsigned char *)blob && b >= a + 100);
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(b[i], 0);
    memset(a, 0xFF, 100); /* the caller's now: the file's bytes stay */
    assert_int_equal(*(const unsigned *)hb_rules_find(r, key, &size), 7);
    assert_null(hb_rules_spare(r, hb_file_room(4096))); /* past the buffer */
    assert_non_null(hb_rules_spare(r, 64));
    hb_rules_free(r);
    assert_null(hb_rules_spare(NULL, 1));
}

/* ---- entries with the same pattern --------------------------------------- */

/* hb_engine_build_entries links each entry to the next with the same
 * pattern, as comparing it with every later entry does: 600 patterns of
 * one to three letters of "ab" (every pattern many times, prefixes of
 * one another, so hashes of equal and unequal patterns meet), every
 * seventh missing. */
static void test_entries_linked(void **state)
{
    (void)state;
    enum { N = 600 };
    static char text[N][4];
    const char *pat[N];
    size_t len[N];
    unsigned seed = 7;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        len[i] = 1 + (seed >> 16) % 3;
        for (size_t k = 0; k < len[i]; k++)
            text[i][k] = "ab"[(seed >> (20 + k)) & 1];
        pat[i] = i % 7 == 3 ? NULL : text[i];
    }
    struct hb_engine e;
    memset(&e, 0, sizeof e);
    e.dict_dir = dir;
    hb_ac *ac;
    int *next;
    hb_error err;
    assert_int_equal(hb_engine_build_entries(&e, pat, len, N, &ac, &next, &err), HB_OK);
    for (size_t i = 0; i < N; i++) {
        int want = -1;
        for (size_t j = i + 1; pat[i] && j < N && want < 0; j++)
            if (pat[j] && len[j] == len[i] && !memcmp(pat[j], pat[i], len[i]))
                want = (int)j;
        assert_int_equal(next[i], want);
    }
    free(next);
    hb_ac_free(ac);
}

/* ---- stages filed whole ------------------------------------------------- */

/* dict/name in the test's folder holding text. */
static void write_named(const char *name, const char *text)
{
    snprintf(dict_file, sizeof dict_file, "%s/%s", dir, name);
    write_dict(text);
}

static void remove_named(const char *name)
{
    snprintf(dict_file, sizeof dict_file, "%s/%s", dir, name);
    unlink(dict_file);
}

typedef hb_status (*load_fn)(struct hb_engine *, hb_error *);
typedef void (*unload_fn)(struct hb_engine *);

/* A stage's rules filed whole for rulec (the largest blob it files: its
 * literal tables alone are 26 KB, the test's other files small): its key
 * and bytes (without their check). */
typedef struct {
    unsigned char key[32];
    unsigned char *bytes;
    size_t size;
} filed;

static filed record_stage(load_fn load, unload_fn unload)
{
    struct hb_rules_record rec;
    struct hb_engine e = recording(&rec);
    e.dict_dir = dir;
    hb_error err;
    memset(&err, 0, sizeof err);
    if (load(&e, &err) != HB_OK)
        fail_msg("%s:%d: %s", err.file, err.line, err.message);
    unload(&e);
    assert_true(rec.nblobs > 0);
    const struct hb_rules_blob *b = &rec.blobs[0];
    for (size_t i = 1; i < rec.nblobs; i++)
        b = rec.blobs[i].size > b->size ? &rec.blobs[i] : b;
    filed f = {.size = b->size - 16};
    memcpy(f.key, b->key, 32);
    assert_non_null(f.bytes = malloc(f.size));
    memcpy(f.bytes, (unsigned char *)b->data + 16, f.size);
    hb_rules_record_free(&rec);
    return f;
}

/* The stage loaded into *e with a rules file holding only bytes[0..size)
 * under key (their check made again as a crafted file would): its status,
 * *err filled.  unload_with_file undoes it. */
static hb_status load_crafted(struct hb_engine *e, const unsigned char *key, const void *bytes, size_t size,
                              load_fn load, hb_error *err)
{
    crafted(key, bytes, size, e);
    e->dict_dir = dir;
    memset(err, 0, sizeof *err);
    return load(e, err);
}

static void unload_with_file(struct hb_engine *e, unload_fn unload)
{
    unload(e);
    hb_rules_free(e->rules);
}

/* Where the serialized regexes start in a filed blob (after every other
 * part): PCRE2's header, its magic and version. */
static size_t codes_at(const unsigned char *b, size_t size)
{
    uint32_t want[2] = {0x50523253u, PCRE2_MAJOR | PCRE2_MINOR << 16};
    for (size_t at = size - sizeof want; at-- > 0;)
        if (!memcmp(b + at, want, sizeof want))
            return at;
    fail_msg("no serialized regexes");
    return 0;
}

/* f cut short by each of cuts[0..n) bytes: refused naming the file; then
 * each byte of its first `dense` (and every 61st past them) changed up to
 * its regexes (whose bytes only the file's check guards, as every
 * serialized regex's): refused so or taken, the stage then used by use
 * (NULL: none), never a crash. */
static void damage_each(const filed *f, const size_t *cuts, size_t n, size_t dense, load_fn load, unload_fn unload,
                        void (*use)(struct hb_engine *))
{
    struct hb_engine e;
    hb_error err;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(load_crafted(&e, f->key, f->bytes, f->size - cuts[i], load, &err), HB_ERR_DICT);
        assert_string_equal(err.file, path);
        unload_with_file(&e, unload);
    }
    int taken = 0, refused = 0;
    unsigned char *bad = malloc(f->size);
    assert_non_null(bad);
    for (size_t at = 0, codes = codes_at(f->bytes, f->size); at < codes; at += at < dense ? 1 : 61) {
        memcpy(bad, f->bytes, f->size);
        bad[at] ^= at % 2 ? 0x80 : 0x5a;
        hb_status st = load_crafted(&e, f->key, bad, f->size, load, &err);
        tally(st, &err, &taken, &refused);
        if (st == HB_OK && use)
            use(&e);
        unload_with_file(&e, unload);
    }
    assert_true(taken > 0 && refused > 0);
    free(bad);
}

/* Whether the layout rules of e take line s as a masthead line. */
static int masthead(struct hb_engine *e, const char *s)
{
    char line[128] = {0}; /* the probe reads past the line, into the text's padding */
    size_t n = strlen(s);
    assert_true(n + HB_TEXT_PAD <= sizeof line);
    memcpy(line, s, n);
    hb_doc d;
    memset(&d, 0, sizeof d);
    d.engine = e;
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    assert_non_null(md);
    int m = hb_layout_masthead(&d, line, n, md);
    pcre2_match_data_free(md);
    return m;
}

static void use_masthead(struct hb_engine *e)
{
    masthead(e, "文号:12");
}

static const char LAYOUT_REST[] = "pageno\t^第\\d+页$\n"
                                  "clutter\t^(?:打印|关闭)窗口$\n"
                                  "inline\t<!--.*?-->\n"
                                  "inline\t(?:发布时间|来源|作者|编辑|浏览次数)[:：]\\S*\n";
static const char NUMBER_RULE[] = "masthead\t^文号[:：]\\S+$\n", SIGNER_RULE[] = "masthead\t^签发人[:：]\\S+$\n";

static void write_layout(const char *masthead_rule, const char *more)
{
    char text[1024];
    snprintf(text, sizeof text, "%s%s%s", more, LAYOUT_REST, masthead_rule);
    write_named("layout.txt", text);
}

static void test_layout_filed(void **state)
{
    (void)state;
    struct hb_engine e;
    hb_error err;
    write_layout(NUMBER_RULE, "");
    filed number = record_stage(hb_lines_load, hb_lines_unload);
    write_layout(SIGNER_RULE, "");
    filed signer = record_stage(hb_lines_load, hb_lines_unload);
    /* its own rules: taken, as read */
    assert_int_equal(load_crafted(&e, signer.key, signer.bytes, signer.size, hb_lines_load, &err), HB_OK);
    assert_true(masthead(&e, "签发人:张三") && !masthead(&e, "文号:12") && !masthead(&e, "正文"));
    unload_with_file(&e, hb_lines_unload);
    /* the other file's rules under its key: those are the ones run */
    assert_int_equal(load_crafted(&e, signer.key, number.bytes, number.size, hb_lines_load, &err), HB_OK);
    assert_true(masthead(&e, "文号:12") && !masthead(&e, "签发人:张三"));
    unload_with_file(&e, hb_lines_unload);
    /* edited (a comment added): read again */
    write_layout(SIGNER_RULE, "# edited\n");
    assert_int_equal(load_crafted(&e, signer.key, number.bytes, number.size, hb_lines_load, &err), HB_OK);
    assert_true(masthead(&e, "签发人:张三") && !masthead(&e, "文号:12"));
    unload_with_file(&e, hb_lines_unload);
    /* regexes serialized by another PCRE2 (the version word of their header): read */
    write_layout(SIGNER_RULE, "");
    number.bytes[codes_at(number.bytes, number.size) + 4] ^= 0x40;
    assert_int_equal(load_crafted(&e, signer.key, number.bytes, number.size, hb_lines_load, &err), HB_OK);
    assert_true(masthead(&e, "签发人:张三") && !masthead(&e, "文号:12"));
    unload_with_file(&e, hb_lines_unload);
    static const size_t cuts[] = {1, 8, 64, 4096, 30000};
    damage_each(&signer, cuts, sizeof cuts / sizeof *cuts, 4096, hb_lines_load, hb_lines_unload, use_masthead);
    free(number.bytes);
    free(signer.bytes);
    remove_named("layout.txt");
}

static const char *const SLOGAN_FILES[] = {"slogan_categories.txt", "slogans.txt", "slogan_patterns.txt",
                                           "slogan_stop.txt", "quote_kinds.txt"};

/* a rule of each place, two with literal sets, one with a prefix */
static const char QUOTES[] = "remark\tterm\t[,;:!?。…]\nhonour\tafter\t(荣誉)?称号|荣誉\n"
                             "honour\tbefore\t(荣获|获评|被评为)[^,;:!?。]{0,10}\norganization\tterm\t(公司|集团)$\n";

/* The quote rules: taken while quote_kinds.txt is unchanged (a damaged
 * blob shows it), read again once it is edited. */
static void test_quote_rules_filed(void **state)
{
    (void)state;
    struct hb_engine e;
    hb_error err;
    for (size_t i = 0; i < 4; i++) { /* dict/'s own, but slogans.txt */
        char p[300];
        size_t n;
        snprintf(p, sizeof p, "dict/%s", SLOGAN_FILES[i]);
        char *text = i == 1 ? NULL : tu_read_file(p, &n);
        assert_true(text || i == 1);
        write_named(SLOGAN_FILES[i], text ? text : "党建引领\tformulation\n");
        free(text);
    }
    write_named("quote_kinds.txt", QUOTES);
    filed f = record_stage(hb_slogans_load, hb_slogans_unload);
    assert_int_equal(load_crafted(&e, f.key, f.bytes, f.size, hb_slogans_load, &err), HB_OK);
    unload_with_file(&e, hb_slogans_unload);
    static const size_t cuts[] = {1, 8, 100, 30000};
    damage_each(&f, cuts, sizeof cuts / sizeof *cuts, 1024, hb_slogans_load, hb_slogans_unload, NULL);
    /* edited: its key misses the damaged blob */
    char edited[sizeof QUOTES + 16];
    snprintf(edited, sizeof edited, "# edited\n%s", QUOTES);
    write_named("quote_kinds.txt", edited);
    assert_int_equal(load_crafted(&e, f.key, f.bytes, f.size - 1, hb_slogans_load, &err), HB_OK);
    unload_with_file(&e, hb_slogans_unload);
    free(f.bytes);
    for (size_t i = 0; i < sizeof SLOGAN_FILES / sizeof *SLOGAN_FILES; i++)
        remove_named(SLOGAN_FILES[i]);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/huibao.rules", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_matches),
        cmocka_unit_test(test_scan_any_bytes),
        cmocka_unit_test(test_damaged_file),
        cmocka_unit_test(test_regex_taken),
        cmocka_unit_test(test_regex_damaged_or_stale),
        cmocka_unit_test(test_literals_taken),
        cmocka_unit_test(test_prefix_taken),
        cmocka_unit_test(test_dict_records_taken),
        cmocka_unit_test(test_dict_records_every_byte),
        cmocka_unit_test(test_directory_keys),
        cmocka_unit_test(test_spare_bytes),
        cmocka_unit_test(test_entries_linked),
        cmocka_unit_test(test_layout_filed),
        cmocka_unit_test(test_quote_rules_filed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
