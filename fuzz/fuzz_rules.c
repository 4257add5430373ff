/* Fuzz target: the compiled rules file (what rulec writes and the engine
 * maps, src/rules.h) from damaged bytes.  Two small automata are compiled
 * once, one with a transition table and one without (the form of large
 * ones: edges and failure links), and a regex serialized; each input
 * damages a copy of the file, which hb_rules_open must refuse with a reason
 * or accept, and each automaton in an accepted one must
 * be refused naming the file or taken and scanned: matches inside the text,
 * values among those added, never a crash or a loop; the regex is refused
 * naming the file, or taken (or compiled, when it is stale) and run.
 *
 * Input: a file starting with the rules magic is the rules file itself (a
 * kept crasher stays replayable); any other input is a list of edits, 4
 * bytes each: a 24-bit offset (little-endian, taken modulo the file size)
 * and the byte to store there. */

#include "aho.h"
#include "fuzz.h"
#include "rules.h"

static const char *const PATS[] = {"党建", "党建引领", "一岗双责", "双责", "两学一做", "引领", "ab", "b"};
enum { NPATS = sizeof PATS / sizeof *PATS };
static const char TEXT[] = "坚持党建引领，落实一岗双责，推进两学一做。abab党建";
static const char REGEX[] = "(党建|两学)(引领|一做)";

/* The patterns in order (with a table), or reversed (another key) without one. */
static hb_ac *patterns(int sparse)
{
    hb_ac *ac = hb_ac_new();
    FZ_CHECK(ac);
    if (sparse)
        hb_ac_set_table_max(ac, 0);
    for (int i = 0; i < NPATS; i++) {
        int k = sparse ? NPATS - 1 - i : i;
        FZ_CHECK(hb_ac_add(ac, PATS[k], strlen(PATS[k]), k));
    }
    return ac;
}

static int on_match(void *ctx, size_t start, size_t end, int value)
{
    (void)ctx;
    FZ_CHECK(start < end && end <= sizeof TEXT - 1 && value >= 0 && value < NPATS);
    return 1;
}

/* The compiled file's bytes, and a file the damaged copies go to. */
static char *base_file(size_t *len, const char **path)
{
    static char *bytes;
    static size_t n;
    static char dir[] = "/tmp/fuzz_rules.XXXXXX", file[64];
    if (!bytes) {
        FZ_CHECK(mkdtemp(dir));
        snprintf(file, sizeof file, "%s/huibao.rules", dir);
        hb_ac *v[2] = {patterns(0), patterns(1)};
        FZ_CHECK(hb_ac_build(v[0]) && hb_ac_build(v[1]));
        struct hb_rules_record rec = {.v = v, .n = 2, .cap = 2};
        struct hb_engine e;
        memset(&e, 0, sizeof e);
        e.record = &rec;
        hb_error err;
        hb_regex *rx = hb_regex_compile(&e, REGEX, 0, "t", 1, &err);
        FZ_CHECK(rx && rec.nblobs == 1);
        hb_regex_free(rx);
        FZ_CHECK(hb_rules_write(&rec, file, &err) == HB_OK);
        rec.v = NULL; /* not the record's to free */
        hb_rules_record_free(&rec);
        hb_ac_free(v[0]);
        hb_ac_free(v[1]);
        bytes = fz_slurp(file, &n);
    }
    *len = n;
    *path = file;
    return bytes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    const char *path;
    const char *base = base_file(&n, &path);
    fz_write_damaged(path, base, n, data, size, "HBRULES\x1a");

    hb_error err;
    memset(&err, 0, sizeof err);
    struct hb_rules *r;
    if (hb_rules_open(path, &r, &err) != HB_OK) {
        FZ_CHECK(err.code != HB_OK && err.message[0] && !strcmp(err.file, path));
        return 0;
    }
    struct hb_engine e;
    memset(&e, 0, sizeof e);
    e.rules = r;
    e.dict_dir = (char *)"dict";
    for (int sparse = 0; sparse < 2; sparse++) {
        hb_ac *ac = patterns(sparse);
        hb_status st = hb_engine_build_ac(&e, ac, &err);
        if (st == HB_OK) {
            FZ_CHECK(hb_ac_scan(ac, TEXT, sizeof TEXT - 1, on_match, NULL));
            FZ_CHECK(hb_ac_scan_all(ac, TEXT, sizeof TEXT - 1, on_match, NULL));
        } else {
            FZ_CHECK(st == HB_ERR_DICT && !strcmp(err.file, path));
        }
        hb_ac_free(ac);
    }
    /* the serialized regex: refused naming the file, or run */
    memset(&err, 0, sizeof err);
    hb_regex *rx = hb_regex_compile(&e, REGEX, 0, "t", 1, &err);
    if (rx) {
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(hb_regex_code(rx), NULL);
        FZ_CHECK(md);
        pcre2_match(hb_regex_code(rx), (PCRE2_SPTR)TEXT, sizeof TEXT - 1, 0, 0, md, NULL);
        pcre2_match_data_free(md);
        hb_regex_free(rx);
    } else {
        FZ_CHECK(err.code == HB_ERR_DICT && !strcmp(err.file, path));
    }
    hb_rules_free(r);
    return 0;
}
