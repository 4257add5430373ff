/* The lexicon and rules built into a program (hb_engine_options.lexicon_image,
 * rules_image; rulec writes the image): read-only bytes used in place.  An
 * engine on them segments and extracts exactly as one on the files they
 * were made from, with the same trie slots (the marks of dict/'s words
 * included) and the same added words; its lexicon and their overlay stay
 * in place while dict/ is the one the image was made for (a words-only
 * engine too), and the lexicon is copied, the image's marks cleared, when
 * other words are added (an overlay folder, an edited lexicon.txt) or none
 * (the jieba mode).  A named lexicon, lexicon_off and $HUIBAO_RULES take
 * the images' place.  A damaged or misaligned image is refused naming it.
 * The images are those of the build, beside $HUIBAO_LEXICON; the tests
 * skip when it was built without the lexicon. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"
#include "lexicon.h"
#include "testutil.h"

static char lexicon_path[4096], image_path[4096], rules_path[4096];

/* A file's bytes in pages of their own made read-only, as a program's
 * are: a write into them kills the test. */
typedef struct {
    void *data;
    size_t size, span;
} ro_bytes;

static ro_bytes read_only(const char *path, size_t cut)
{
    size_t len;
    char *buf = tu_read_file(path, &len);
    assert_non_null(buf);
    assert_true(len > cut);
    ro_bytes b = {NULL, len - cut, (len - cut + 4095) / 4096 * 4096};
    b.data = mmap(NULL, b.span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(b.data != MAP_FAILED);
    memcpy(b.data, buf, b.size);
    assert_int_equal(mprotect(b.data, b.span, PROT_READ), 0);
    free(buf);
    return b;
}

static void ro_free(ro_bytes b)
{
    munmap(b.data, b.span);
}

/* size bytes of junk, read only: an image that would be refused */
static ro_bytes ro_junk(size_t size)
{
    ro_bytes b = {NULL, size, (size + 4095) / 4096 * 4096};
    b.data = mmap(NULL, b.span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(b.data != MAP_FAILED);
    memset(b.data, 0x5A, size);
    assert_int_equal(mprotect(b.data, b.span, PROT_READ), 0);
    return b;
}

static int find_images(void **state)
{
    (void)state;
    const char *lex = getenv("HUIBAO_LEXICON");
    snprintf(lexicon_path, sizeof lexicon_path, "%s", lex ? lex : "build/jieba.lex");
    const char *slash = strrchr(lexicon_path, '/');
    int dir = slash ? (int)(slash - lexicon_path) : 1;
    snprintf(image_path, sizeof image_path, "%.*s/huibao.image", dir, slash ? lexicon_path : ".");
    snprintf(rules_path, sizeof rules_path, "%.*s/huibao.rules", dir, slash ? lexicon_path : ".");
    return 0;
}

static void need_images(void)
{
    size_t len;
    char *image = tu_read_file(image_path, &len);
    free(image);
    if (!image || len == 0 || access(lexicon_path, R_OK) != 0 || access(rules_path, R_OK) != 0)
        skip();
}

static hb_engine *engine_of(const hb_engine_options *base, const ro_bytes *lex, const ro_bytes *rules)
{
    hb_engine_options o = *base;
    if (lex) {
        o.lexicon_image = lex->data;
        o.lexicon_image_size = lex->size;
    } else {
        o.lexicon_path = lexicon_path;
    }
    if (rules) {
        o.rules_image = rules->data;
        o.rules_image_size = rules->size;
    }
    hb_error err;
    hb_engine *e = hb_engine_new(&o, &err);
    if (!e)
        fprintf(stderr, "engine: %s: %s\n", err.file, err.message);
    assert_non_null(e);
    return e;
}

static const char *const TEXTS[] = {
    "关于2023年度党建工作情况的汇报\n一、主要工作\n（一）坚持“两个维护”，落实“三会一课”制度，全年开展研讨交流6次，发展党员**名，"
    "培训党员百余人次，投入资金***万元。\n二、存在问题\n一是理论学习不够深入；二是党建与业务融合不紧。\n"
    "三、下一步计划\n深入学习贯彻党的二十大精神，推动全面从严治党向纵深发展。\n",
    "紧紧围绕学习贯彻习近平新时代中国特色社会主义思想，增强“四个意识”、坚定“四个自信”、做到“两个维护”。",
};

static void assert_same_lexicon(hb_engine *a, hb_engine *b);

/* The words hb_report_tokens gives a words-only engine for text. */
static char *words_of(hb_engine *e, const char *text)
{
    hb_extract_options x = {.until = HB_UNTIL_TEXT};
    hb_error err;
    hb_report *r = hb_extract(e, text, strlen(text), &x, &err);
    assert_non_null(r);
    char *w = hb_report_tokens(r, HB_TOKENS_WORDS);
    assert_non_null(w);
    hb_report_free(r);
    return w;
}

/* Same token words from two words-only engines, and the same lexicon. */
static void assert_same_words(hb_engine *a, hb_engine *b)
{
    for (size_t i = 0; i < sizeof TEXTS / sizeof *TEXTS; i++) {
        char *wa = words_of(a, TEXTS[i]), *wb = words_of(b, TEXTS[i]);
        assert_string_equal(wa, wb);
        hb_free(wa);
        hb_free(wb);
    }
    assert_same_lexicon(a, b);
}

/* Same report JSON and token words from both engines, and the same trie
 * slots, marks included. */
static void assert_same(hb_engine *a, hb_engine *b)
{
    for (size_t i = 0; i < sizeof TEXTS / sizeof *TEXTS; i++) {
        hb_report *ra = tu_extract(a, TEXTS[i]), *rb = tu_extract(b, TEXTS[i]);
        char *ja = hb_report_json(ra, 0), *jb = hb_report_json(rb, 0);
        char *wa = hb_report_tokens(ra, HB_TOKENS_WORDS), *wb = hb_report_tokens(rb, HB_TOKENS_WORDS);
        assert_non_null(ja);
        assert_string_equal(ja, jb);
        assert_non_null(wa);
        assert_string_equal(wa, wb);
        hb_free(ja);
        hb_free(jb);
        hb_free(wa);
        hb_free(wb);
        hb_report_free(ra);
        hb_report_free(rb);
    }
    assert_same_lexicon(a, b);
}

/* The added words' frequencies and tags, the trie's slots and the total. */
static void assert_same_lexicon(hb_engine *a, hb_engine *b)
{
    const struct hb_lexicon *la = a->lexicon, *lb = b->lexicon;
    static const char *const words[] = {"两个维护", "三会一课", "研讨交流", "纵深发展", "党建", "二十大", "汇报", "研讨交流会"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t n = strlen(words[i]);
        assert_int_equal(hb_lexicon_freq(la, words[i], n), hb_lexicon_freq(lb, words[i], n));
        const char *ta = hb_lexicon_tag(la, words[i], n), *tb = hb_lexicon_tag(lb, words[i], n);
        assert_true(ta == tb || (ta && tb && strcmp(ta, tb) == 0));
    }
    assert_int_equal(la->nnodes, lb->nnodes);
    assert_memory_equal(la->nodes, lb->nodes, la->nnodes * sizeof *la->nodes);
    assert_int_equal(hb_lexicon_total(la), hb_lexicon_total(lb));
}

/* assert_same, or for words-only engines assert_same_words. */
static void assert_same_as(hb_engine *a, hb_engine *b, int words_only)
{
    if (words_only)
        assert_same_words(a, b);
    else
        assert_same(a, b);
}

/* Does the engine's overlay of added words lie in the image? */
static int overlay_in(const hb_engine *e, const ro_bytes *image)
{
    const char *ov = e->lexicon->ov ? (const char *)e->lexicon->ov->da : NULL;
    return ov && ov > (const char *)image->data && ov < (const char *)image->data + image->size;
}

/* An engine on the images whose lexicon was copied (its words differ from
 * those the image was marked for), against the files' engine. */
static void assert_copied_and_same(const hb_engine_options *o, const ro_bytes *lex, const ro_bytes *rules)
{
    hb_engine *a = engine_of(o, lex, rules), *b = engine_of(o, NULL, NULL);
    assert_false(a->lexicon->image);
    assert_false(a->lexicon->stale_marks);
    assert_false(overlay_in(a, lex));
    assert_same_as(a, b, o->words_only);
    hb_engine_free(a);
    hb_engine_free(b);
}

static void test_image_used_in_place(void **state)
{
    (void)state;
    need_images();
    ro_bytes lex = read_only(image_path, 0), rules = read_only(rules_path, 0);
    /* tokens --words: a words-only engine takes the overlay from the image too */
    for (int words_only = 0; words_only <= 1; words_only++) {
        hb_engine_options o = {.dict_dir = "dict", .words_only = words_only};
        hb_engine *a = engine_of(&o, &lex, &rules), *b = engine_of(&o, NULL, NULL);
        /* the marks it carries are dict/'s: nothing was copied */
        assert_true(a->lexicon->image);
        assert_ptr_equal(a->lexicon->file, lex.data);
        assert_false(a->lexicon->stale_marks);
        /* and so does its overlay of dict/'s words */
        assert_true(overlay_in(a, &lex));
        assert_same_as(a, b, words_only);
        hb_engine_free(a);
        hb_engine_free(b);
    }
    ro_free(lex);
    ro_free(rules);
}

static void test_image_with_other_words_is_copied(void **state)
{
    (void)state;
    need_images();
    char dir[] = "/tmp/test_builtin.XXXXXX", path[4200];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/lexicon.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("研讨交流 20 n\n纵深发展 30 v\n", f);
    fclose(f);
    const char *overlays[] = {dir};
    ro_bytes lex = read_only(image_path, 0), rules = read_only(rules_path, 0);
    hb_engine_options o = {.dict_dir = "dict", .dict_overlays = overlays, .n_dict_overlays = 1};
    assert_copied_and_same(&o, &lex, &rules);
    /* no added word at all: the image's marks must go */
    hb_engine_options jieba = {.dict_dir = "dict", .domain_off = 1};
    assert_copied_and_same(&jieba, &lex, &rules);
    ro_free(lex);
    ro_free(rules);
    remove(path);
    rmdir(dir);
}

/* A lexicon file given as an image (no trailer, no marks) works too: the
 * words are marked on a copy. */
static void test_plain_lexicon_as_image(void **state)
{
    (void)state;
    need_images();
    ro_bytes lex = read_only(lexicon_path, 0);
    hb_engine_options o = {.dict_dir = "dict"};
    hb_engine *a = engine_of(&o, &lex, NULL), *b = engine_of(&o, NULL, NULL);
    assert_false(a->lexicon->image);
    assert_same(a, b);
    hb_engine_free(a);
    hb_engine_free(b);
    ro_free(lex);
}

static void test_damaged_images_refused(void **state)
{
    (void)state;
    need_images();
    ro_bytes lex = read_only(image_path, 100), rules = read_only(rules_path, 0);
    hb_engine_options o = {.dict_dir = "dict", .lexicon_image = lex.data, .lexicon_image_size = lex.size};
    hb_error err;
    assert_null(hb_engine_new(&o, &err));
    assert_int_equal(err.code, HB_ERR_DICT);
    assert_string_equal(err.file, "huibao's built-in lexicon");
    ro_free(lex);
    ro_bytes cut = read_only(rules_path, 8);
    o = (hb_engine_options){.dict_dir = "dict", .lexicon_path = lexicon_path, .rules_image = cut.data,
                            .rules_image_size = cut.size};
    assert_null(hb_engine_new(&o, &err));
    assert_int_equal(err.code, HB_ERR_DICT);
    assert_string_equal(err.file, "huibao's built-in rules");
    ro_free(cut);
    ro_free(rules);
}

/* An edited lexicon.txt (or slogans.txt) misses the image's key: its words
 * are marked on a copy, with no mark of the image's left. */
static void test_edited_words_copied(void **state)
{
    (void)state;
    need_images();
    char dir[] = "/tmp/test_builtin.XXXXXX", cmd[256];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cp -r dict/. %s/ && printf '研讨交流会 20 n\\n' >> %s/lexicon.txt", dir, dir);
    assert_int_equal(system(cmd), 0);
    ro_bytes lex = read_only(image_path, 0), rules = read_only(rules_path, 0);
    hb_engine_options o = {.dict_dir = dir};
    for (int words_only = 0; words_only <= 1; words_only++) {
        o.words_only = words_only;
        assert_copied_and_same(&o, &lex, &rules);
    }
    ro_free(lex);
    ro_free(rules);
    snprintf(cmd, sizeof cmd, "rm -r %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* Edited slogan files miss what rulec filed for them: slogan_stop.txt (a
 * measure word added, its lines reversed) its words' order, sorted at
 * start; slogans.txt (a term added) its entries and the automaton filed
 * beside them, built at start; slogan_patterns.txt (a pattern changed) its
 * pattern's prefix, read at start.  The images' engine counts as the
 * files' does, the edits heard (五查一改 is a count of 改, no longer a
 * formulation; 八查八改 a known term). */
static void test_edited_slogan_files(void **state)
{
    (void)state;
    need_images();
    char dir[] = "/tmp/test_builtin.XXXXXX", cmd[512];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "cp -r dict/. %s/ && printf '改\\tmeasure\\n' >> %s/slogan_stop.txt && "
             "tac %s/slogan_stop.txt > %s/stop && mv %s/stop %s/slogan_stop.txt && "
             "printf '八查八改\\trule\\n' >> %s/slogans.txt && sed -i 's/{1,2}/{1,3}/' %s/slogan_patterns.txt",
             dir, dir, dir, dir, dir, dir, dir, dir);
    assert_int_equal(system(cmd), 0);
    ro_bytes lex = read_only(image_path, 0), rules = read_only(rules_path, 0);
    hb_engine_options o = {.dict_dir = dir}, shipped = {.dict_dir = "dict"};
    hb_engine *a = engine_of(&o, &lex, &rules), *b = engine_of(&o, NULL, NULL), *c = engine_of(&shipped, &lex, &rules);
    assert_same(a, b);
    static const char text[] = "推行五查一改机制，八查八改。";
    hb_report *ra = tu_extract(a, text), *rc = tu_extract(c, text);
    char *ja = hb_report_json(ra, 0), *jc = hb_report_json(rc, 0);
    assert_non_null(ja);
    assert_non_null(jc);
    assert_null(strstr(ja, "\"term\":\"五查一改\""));
    assert_non_null(strstr(jc, "\"term\":\"五查一改\""));
    assert_non_null(strstr(ja, "\"term\":\"八查八改\",\"count\":1,\"quoted\":0,\"known\":true"));
    assert_null(strstr(jc, "\"term\":\"八查八改\",\"count\":1,\"quoted\":0,\"known\":true"));
    hb_free(ja);
    hb_free(jc);
    hb_report_free(ra);
    hb_report_free(rc);
    hb_engine_free(a);
    hb_engine_free(b);
    hb_engine_free(c);
    ro_free(lex);
    ro_free(rules);
    snprintf(cmd, sizeof cmd, "rm -r %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* What names a file (or no lexicon) takes the image's place: a junk image
 * that would be refused is then never read. */
static void test_named_files_win(void **state)
{
    (void)state;
    need_images();
    ro_bytes junk = ro_junk(8192);
    hb_error err;
    hb_engine_options o = {.dict_dir = "dict", .lexicon_path = lexicon_path, .lexicon_image = junk.data,
                           .lexicon_image_size = junk.size};
    hb_engine *e = hb_engine_new(&o, &err);
    assert_non_null(e);
    assert_false(e->lexicon->image);
    assert_true(e->lexicon->nnodes > 0);
    hb_engine_free(e);
    o.lexicon_path = NULL;
    o.lexicon_off = 1;
    assert_non_null(e = hb_engine_new(&o, &err));
    assert_int_equal(e->lexicon->nnodes, 0);
    hb_engine_free(e);
    /* $HUIBAO_RULES before the rules image; without it the junk is refused */
    o = (hb_engine_options){.dict_dir = "dict", .lexicon_path = lexicon_path, .rules_image = junk.data,
                            .rules_image_size = junk.size};
    assert_null(hb_engine_new(&o, &err));
    assert_string_equal(err.file, "huibao's built-in rules");
    setenv("HUIBAO_RULES", rules_path, 1);
    e = hb_engine_new(&o, &err);
    unsetenv("HUIBAO_RULES");
    assert_non_null(e);
    hb_engine_free(e);
    ro_free(junk);
}

/* Rules a file gives ($HUIBAO_RULES) hold the same overlay under the same
 * key, but not the program's: their blob is checked and marked on a copy
 * (a damaged one is refused, hostile.py), the image's overlay not lent. */
static void test_rules_file_with_image(void **state)
{
    (void)state;
    need_images();
    ro_bytes lex = read_only(image_path, 0), rules = read_only(rules_path, 0);
    setenv("HUIBAO_RULES", rules_path, 1);
    hb_engine_options o = {.dict_dir = "dict"};
    assert_copied_and_same(&o, &lex, &rules);
    unsetenv("HUIBAO_RULES");
    ro_free(lex);
    ro_free(rules);
}

/* An image off an 8-byte boundary is refused, not read misaligned. */
static void test_misaligned_images_refused(void **state)
{
    (void)state;
    need_images();
    size_t len;
    char *bytes = tu_read_file(image_path, &len);
    assert_non_null(bytes);
    char *off = malloc(len + 4);
    assert_non_null(off);
    memcpy(off + 4, bytes, len);
    hb_engine_options o = {.dict_dir = "dict", .lexicon_image = off + 4, .lexicon_image_size = len};
    hb_error err;
    assert_null(hb_engine_new(&o, &err));
    assert_int_equal(err.code, HB_ERR_DICT);
    assert_string_equal(err.file, "huibao's built-in lexicon");
    free(bytes);
    free(off);
    bytes = tu_read_file(rules_path, &len);
    assert_non_null(bytes);
    assert_non_null(off = malloc(len + 4));
    memcpy(off + 4, bytes, len);
    o = (hb_engine_options){.dict_dir = "dict", .lexicon_path = lexicon_path, .rules_image = off + 4,
                            .rules_image_size = len};
    assert_null(hb_engine_new(&o, &err));
    assert_int_equal(err.code, HB_ERR_DICT);
    assert_string_equal(err.file, "huibao's built-in rules");
    assert_non_null(strstr(err.message, "not a compiled rules file")); /* at its header, before any blob */
    free(bytes);
    free(off);
}

/* An overlay filed under the image's key that is not the image's (a
 * crafted rules file: other words, other tags) is taken from its own
 * records and marked on a copy, its tags its own: the image's words'
 * table, whose tags index the image's blob, is not lent to it. */
static void test_other_overlay_under_image_key(void **state)
{
    (void)state;
    need_images();
    hb_error err;
    struct hb_lexicon *src = hb_lexicon_open(lexicon_path, &err);
    assert_non_null(src);
    assert_int_equal(hb_lexicon_set(src, "甲乙丙丁戊", strlen("甲乙丙丁戊"), 77, "zz"), HB_OK);
    size_t size;
    void *blob = hb_lexicon_overlay_save(src, &size);
    assert_non_null(blob);
    ro_bytes lex = read_only(image_path, 0);
    struct hb_lexicon *lx = hb_lexicon_open_image(lex.data, lex.size, &err);
    assert_non_null(lx);
    assert_true(lx->stale_marks);
    assert_int_equal(hb_lexicon_overlay_load(lx, blob, size, lx->image_key), HB_OK);
    assert_false(lx->image);
    assert_false(lx->stale_marks);
    assert_int_equal(hb_lexicon_freq(lx, "甲乙丙丁戊", strlen("甲乙丙丁戊")), 77);
    assert_string_equal(hb_lexicon_tag(lx, "甲乙丙丁戊", strlen("甲乙丙丁戊")), "zz");
    assert_memory_equal(lx->nodes, src->nodes, lx->nnodes * sizeof *lx->nodes); /* the same marks */
    hb_lexicon_free(lx);
    hb_lexicon_free(src);
    free(blob);
    ro_free(lex);
}

static void on_check(void *ctx, const char *file, const hb_error *fault)
{
    (void)file;
    *(int *)ctx += fault != NULL;
}

/* hb_dict_check on the images adds dict/'s words one by one (a checker
 * takes no overlay): on a copy, the images read only. */
static void test_check_on_images(void **state)
{
    (void)state;
    need_images();
    ro_bytes lex = read_only(image_path, 0), rules = read_only(rules_path, 0);
    hb_engine_options o = {.dict_dir = "dict", .lexicon_image = lex.data, .lexicon_image_size = lex.size,
                           .rules_image = rules.data, .rules_image_size = rules.size};
    int faults = 0;
    assert_int_equal(hb_dict_check(&o, on_check, &faults), 0);
    assert_int_equal(faults, 0);
    ro_free(lex);
    ro_free(rules);
}

int main(void)
{
    unsetenv("HUIBAO_RULES"); /* it would take the rules' place */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image_used_in_place),
        cmocka_unit_test(test_image_with_other_words_is_copied),
        cmocka_unit_test(test_plain_lexicon_as_image),
        cmocka_unit_test(test_damaged_images_refused),
        cmocka_unit_test(test_edited_words_copied),
        cmocka_unit_test(test_edited_slogan_files),
        cmocka_unit_test(test_named_files_win),
        cmocka_unit_test(test_rules_file_with_image),
        cmocka_unit_test(test_misaligned_images_refused),
        cmocka_unit_test(test_check_on_images),
        cmocka_unit_test(test_other_overlay_under_image_key),
    };
    return cmocka_run_group_tests(tests, find_images, NULL);
}
