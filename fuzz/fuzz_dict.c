/* Fuzz target: dictionary loading.  The input's first line, a comment
 * "# NAME", names a file of dict/ (else the first byte picks one: the seeds
 * of fuzz/seeds.py carry the name); the whole input replaces that file
 * in a temporary copy of dict/ (the others are links to the real ones), an
 * engine is loaded from it, and a report — the input itself — is read with
 * it.  A refusal must name the file (in its place or its message: a
 * category missing from slogan_categories.txt is refused where slogans.txt
 * uses it), and a line (an empty profile, a fault of the whole file, has
 * none). */
#include <dirent.h>
#include <sys/stat.h>

#include "fuzz.h"

static char tmpdir[] = "/tmp/hb-fuzz-dict-XXXXXX";
static char *names[256];
static size_t nnames;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void path_of(char *buf, size_t cap, const char *dir, const char *name)
{
    FZ_CHECK((size_t)snprintf(buf, cap, "%s/%s", dir, name) < cap);
}

/* Links every file of src/sub into the temporary folder, remembering names. */
static void link_dir(const char *src, const char *sub)
{
    char from[1024], to[1024];
    path_of(from, sizeof from, src, sub);
    DIR *dir = opendir(from);
    FZ_CHECK(dir);
    struct dirent *e;
    while ((e = readdir(dir))) {
        char rel[512], abs[1024], real[4096];
        if (e->d_name[0] == '.')
            continue;
        FZ_CHECK((size_t)snprintf(rel, sizeof rel, "%s%s%s", sub, *sub ? "/" : "", e->d_name) < sizeof rel);
        path_of(abs, sizeof abs, src, rel);
        struct stat st;
        FZ_CHECK(stat(abs, &st) == 0);
        if (S_ISDIR(st.st_mode)) {
            path_of(to, sizeof to, tmpdir, rel);
            FZ_CHECK(mkdir(to, 0700) == 0);
            link_dir(src, rel);
            continue;
        }
        FZ_CHECK(realpath(abs, real) && nnames < sizeof names / sizeof *names);
        path_of(to, sizeof to, tmpdir, rel);
        FZ_CHECK(symlink(real, to) == 0);
        names[nnames++] = strdup(rel);
    }
    closedir(dir);
}

static void remove_tmpdir(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_dict: could not remove %s\n", tmpdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *dict = getenv("HUIBAO_DICT");
    FZ_CHECK(mkdtemp(tmpdir));
    atexit(remove_tmpdir);
    link_dir(dict && *dict ? dict : "dict", "");
    FZ_CHECK(nnames > 0);
    qsort(names, nnames, sizeof *names, by_name);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *nl = memchr(data, '\n', size);
    size_t first = nl ? (size_t)(nl - (const char *)data) : size;
    const char *name = names[data[0] % nnames];
    for (size_t i = 0; i < nnames; i++)
        if (first > 2 && strlen(names[i]) == first - 2 && memcmp(data, "# ", 2) == 0 &&
            memcmp(names[i], data + 2, first - 2) == 0)
            name = names[i];

    char path[1024], real[4096];
    path_of(path, sizeof path, tmpdir, name);
    FZ_CHECK(realpath(path, real) && unlink(path) == 0);
    FILE *f = fopen(path, "wb");
    FZ_CHECK(f && fwrite(data, 1, size, f) == size && fclose(f) == 0);

    hb_engine_options eo = {.dict_dir = tmpdir};
    hb_error err;
    hb_engine *e = hb_engine_new(&eo, &err);
    if (!e) {
        FZ_CHECK(err.code != HB_OK && err.message[0]);
        if (err.code == HB_ERR_DICT || err.code == HB_ERR_REGEX) {
            /* an empty profile, or script.txt without its one config and
             * one min line, is a fault of the whole file: no line to name;
             * a category missing from slogan_categories.txt is found at its
             * use in slogans.txt, whose message names the damaged file */
            int placed = err.line >= 1 || strstr(err.message, "requires nothing") ||
                         strstr(err.message, "needs one config line");
            int named = strstr(err.file, name) || strstr(err.message, name);
            if (!named || !placed)
                fprintf(stderr, "dictionary error without its place: file '%s' line %d: %s (fuzzed %s)\n",
                        err.file, err.line, err.message, name);
            FZ_CHECK(named && placed);
        }
    } else {
        hb_extract_options xo = {.path = name};
        hb_report *r = hb_extract(e, (const char *)data, size, &xo, &err);
        if (r) {
            char *json = hb_report_json(r, 0);
            FZ_CHECK(json);
            hb_free(json);
            hb_report_free(r);
        }
        hb_engine_free(e);
    }
    FZ_CHECK(unlink(path) == 0 && symlink(real, path) == 0);
    return 0;
}
