/* The rule-file reader: overlay layers, keys, duplicates, file kinds,
 * records kept for a second reader (HB_DICT_KEEP), and hb_dict_check
 * collecting every fault. */
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

#include "engine.h"
#include "testutil.h"

static char root[] = "/tmp/hb_dict_XXXXXX";
static char base[64], over1[64], over2[64];

static void put(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **s)
{
    (void)s;
    if (!mkdtemp(root))
        return -1;
    snprintf(base, sizeof base, "%s/base", root);
    snprintf(over1, sizeof over1, "%s/o1", root);
    snprintf(over2, sizeof over2, "%s/o2", root);
    return mkdir(base, 0700) || mkdir(over1, 0700) || mkdir(over2, 0700);
}

static int teardown(void **s)
{
    (void)s;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -r %s", root);
    return system(cmd);
}

/* Every line the reader hands over, as "FIELD|FIELD@DIR:LINE;". */
static int collect(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    (void)err;
    char *out = ctx;
    for (int i = 0; i < nf; i++)
        snprintf(out + strlen(out), 1024 - strlen(out), "%s%s", i ? "|" : "", f[i]);
    const char *dir = strrchr(file, '/');
    while (dir > file && dir[-1] != '/')
        dir--;
    snprintf(out + strlen(out), 1024 - strlen(out), "@%.*s:%d;", (int)(strchr(dir, '/') - dir), dir, line);
    return 0;
}

static char *read_all(const struct hb_engine *e, const char *name, int nf, unsigned flags, hb_status *st,
                      hb_error *err)
{
    static char out[1024];
    out[0] = '\0';
    *st = hb_dict_read(e, name, nf, nf, flags, collect, out, err);
    return out;
}

/* A key of an overlay replaces the lines below with it, wherever they are;
 * the line itself is read in its overlay's place. */
static void test_overlay_key_replaces(void **s)
{
    (void)s;
    put(base, "k.txt", "# units\n人\tpeople\n次\tactivity\n个\tcount\n");
    put(over1, "k.txt", "次\tmeeting\n趟\tactivity\n");
    put(over2, "k.txt", "次\tevent\n");
    char *ov[] = {over1, over2};
    struct hb_engine e = {.dict_dir = base, .overlays = ov, .n_overlays = 2};
    hb_error err = {0};
    hb_status st;
    assert_string_equal(read_all(&e, "k.txt", 2, HB_DICT_KEY(0), &st, &err),
                        "人|people@base:2;个|count@base:4;趟|activity@o1:2;次|event@o2:1;");
    assert_int_equal(st, HB_OK);
    /* whole-line keys: an identical line is read once, a different one added */
    assert_string_equal(read_all(&e, "k.txt", 2, 0, &st, &err),
                        "人|people@base:2;次|activity@base:3;个|count@base:4;次|meeting@o1:1;趟|activity@o1:2;"
                        "次|event@o2:1;");
    e.n_overlays = 0; /* without overlays nothing is dropped */
    assert_string_equal(read_all(&e, "k.txt", 2, HB_DICT_KEY(0), &st, &err),
                        "人|people@base:2;次|activity@base:3;个|count@base:4;");
}

/* HB_DICT_KEEP: the next reader of the file asking the same fields and
 * flags (keys aside) gets the kept records, read once (the file rewritten
 * in between shows which); another reader, an overlay or a checker reads
 * the file itself. */
static void test_kept_for_next_reader(void **s)
{
    (void)s;
    char *ov[] = {over1};
    struct hb_engine e = {.dict_dir = base, .overlays = ov};
    hb_engine_options none = {0};
    hb_error err = {0};
    hb_status st;
    assert_int_equal(hb_dict_layers_init(&e, &none, &err), HB_OK);
    put(base, "s.txt", "两学一做\tformulation\n");
    assert_string_equal(read_all(&e, "s.txt", 2, HB_DICT_KEEP, &st, &err), "两学一做|formulation@base:1;");
    put(base, "s.txt", "# changed\n一岗双责\tformulation\n");
    assert_string_equal(read_all(&e, "s.txt", 2, HB_DICT_KEY(0), &st, &err), "两学一做|formulation@base:1;");
    assert_int_equal(st, HB_OK);
    assert_string_equal(read_all(&e, "s.txt", 2, HB_DICT_KEY(0), &st, &err), "一岗双责|formulation@base:2;");
    /* other flags, another file: not the kept records (freed with the layers) */
    read_all(&e, "s.txt", 2, HB_DICT_KEEP, &st, &err);
    assert_string_equal(read_all(&e, "s.txt", 2, HB_DICT_FOLD, &st, &err), "一岗双责|formulation@base:2;");
    put(base, "t.txt", "两学一做\tformulation\n");
    assert_string_equal(read_all(&e, "t.txt", 2, 0, &st, &err), "两学一做|formulation@base:1;");
    /* with an overlay nothing is kept */
    e.n_overlays = 1;
    put(over1, "u.txt", "x\ty\n");
    put(base, "u.txt", "a\tb\n");
    read_all(&e, "u.txt", 2, HB_DICT_KEEP, &st, &err);
    put(base, "u.txt", "c\td\n");
    assert_string_equal(read_all(&e, "u.txt", 2, 0, &st, &err), "c|d@base:1;x|y@o1:1;");
    e.n_overlays = 0; /* the overlays are this test's, not the layers' to free */
    e.overlays = NULL;
    hb_dict_layers_free(&e);
}

/* HB_DICT_UNIQUE refuses a key twice in one file, not across layers. */
static void test_unique_within_a_file(void **s)
{
    (void)s;
    put(base, "u.txt", "甲\n乙\n");
    put(over1, "u.txt", "乙\n丙\n丙\n");
    char *ov[] = {over1};
    struct hb_engine e = {.dict_dir = base, .overlays = ov, .n_overlays = 1};
    hb_error err = {0};
    hb_status st;
    read_all(&e, "u.txt", 1, HB_DICT_UNIQUE, &st, &err);
    assert_int_equal(st, HB_ERR_DICT);
    assert_non_null(strstr(err.file, "/o1/u.txt"));
    assert_int_equal(err.line, 3);
    assert_string_equal(err.message, "\"丙\" is listed twice");
    put(over1, "u.txt", "乙\n丙\n");
    assert_string_equal(read_all(&e, "u.txt", 1, HB_DICT_UNIQUE, &st, &err), "甲@base:1;乙@o1:1;丙@o1:2;");
}

/* HB_DICT_TOP reads the topmost layer only; a missing shipped file is an
 * error unless optional, a missing overlay file never is. */
static void test_top_and_missing(void **s)
{
    (void)s;
    put(base, "t.txt", "a\n");
    put(over2, "t.txt", "b\n");
    char *ov[] = {over1, over2};
    struct hb_engine e = {.dict_dir = base, .overlays = ov, .n_overlays = 2};
    hb_error err = {0};
    hb_status st;
    assert_string_equal(read_all(&e, "t.txt", 1, HB_DICT_TOP, &st, &err), "b@o2:1;");
    assert_string_equal(read_all(&e, "none.txt", 1, HB_DICT_OPTIONAL, &st, &err), "");
    assert_int_equal(st, HB_OK);
    read_all(&e, "none.txt", 1, 0, &st, &err);
    assert_int_equal(st, HB_ERR_DICT);
    assert_string_equal(err.message, "cannot open: No such file or directory");
}

/* A directory or FIFO where a rule file belongs fails at once, named. */
static void test_not_a_regular_file(void **s)
{
    (void)s;
    char path[256];
    snprintf(path, sizeof path, "%s/fifo.txt", over1);
    assert_int_equal(mkfifo(path, 0600), 0);
    put(base, "fifo.txt", "a\n");
    snprintf(path, sizeof path, "%s/dir.txt", base);
    assert_int_equal(mkdir(path, 0700), 0);
    char *ov[] = {over1};
    struct hb_engine e = {.dict_dir = base, .overlays = ov, .n_overlays = 1};
    hb_error err = {0};
    hb_status st;
    read_all(&e, "fifo.txt", 1, 0, &st, &err);
    assert_int_equal(st, HB_ERR_DICT);
    assert_non_null(strstr(err.file, "/o1/fifo.txt"));
    assert_string_equal(err.message, "not a regular file (a FIFO)");
    read_all(&e, "dir.txt", 1, 0, &st, &err);
    assert_string_equal(err.message, "not a regular file (a directory)");
}

typedef struct {
    int files, faults;
    char last[512];
} tally;

static void count(void *ctx, const char *file, const hb_error *fault)
{
    tally *t = ctx;
    if (fault) {
        t->faults++;
        snprintf(t->last, sizeof t->last, "%s", fault->message);
    } else {
        t->files++;
    }
}

/* hb_dict_check reads on past faults: two bad files, two faults. */
static void test_check_collects(void **s)
{
    (void)s;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cp -r dict/. %s/full", root);
    assert_int_equal(system(cmd), 0);
    char dir[128];
    snprintf(dir, sizeof dir, "%s/full", root);
    hb_engine_options eo = {.dict_dir = dir};
    tally good = {0};
    assert_int_equal(hb_dict_check(&eo, count, &good), 0);
    assert_true(good.files > 15);
    put(dir, "metric_verbs.txt", "开展\t多余\n");
    put(dir, "profiles/work-plan.txt", "# nothing required\n");
    tally bad = {0};
    assert_int_equal(hb_dict_check(&eo, count, &bad), 2);
    assert_int_equal(bad.faults, 2);
    assert_string_equal(bad.last, "requires nothing (add a line: require<TAB>KIND)");
    /* a normal load stops at the first */
    hb_error err;
    assert_null(hb_engine_new(&eo, &err));
    assert_non_null(strstr(err.file, "metric_verbs.txt"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overlay_key_replaces),
        cmocka_unit_test(test_kept_for_next_reader),
        cmocka_unit_test(test_unique_within_a_file),
        cmocka_unit_test(test_top_and_missing),
        cmocka_unit_test(test_not_a_regular_file),
        cmocka_unit_test(test_check_collects),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
