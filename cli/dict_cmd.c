/* huibao dict check, and the overlay folders of a run (see dict_cmd.h). */
#include "dict_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "huibao.h"
#include "page.h"

const char **dict_overlays(const char *const *adds, size_t nadds, size_t *n)
{
    const char *env = getenv("HUIBAO_DICT_PATH");
    size_t cap = nadds + 1, envlen = env ? strlen(env) : 0;
    for (const char *p = env; p && *p; p++)
        cap += *p == ':';
    /* one block: the pointers, then a copy of the variable split at its colons */
    const char **v = malloc(cap * sizeof *v + envlen + 1);
    *n = 0;
    if (!v)
        return NULL;
    char *parts = memcpy((char *)(v + cap), env ? env : "", envlen + 1);
    for (char *p = parts, *colon; p; p = colon ? colon + 1 : NULL) {
        if ((colon = strchr(p, ':')))
            *colon = '\0';
        if (*p)
            v[(*n)++] = p;
    }
    for (size_t i = 0; i < nadds; i++)
        v[(*n)++] = adds[i];
    return v;
}

typedef struct {
    char **files; /* every rule file read, in order */
    int *faults;
    size_t n;
    int nomem;
} tally;

static void on_report(void *ctx, const char *file, const hb_error *fault)
{
    tally *t = ctx;
    size_t i = 0;
    while (i < t->n && strcmp(t->files[i], file))
        i++;
    if (i == t->n) {
        char **nf = realloc(t->files, (t->n + 1) * sizeof *nf);
        int *nc = nf ? realloc(t->faults, (t->n + 1) * sizeof *nc) : NULL;
        if (nf)
            t->files = nf;
        if (nc)
            t->faults = nc;
        if (!nf || !nc || !(nf[t->n] = strdup(file))) {
            t->nomem = 1;
            return;
        }
        nc[t->n++] = 0;
    }
    if (!fault)
        return;
    t->faults[i]++;
    if (fault->line > 0)
        fprintf(stderr, "%s:%d: %s\n", fault->file, fault->line, fault->message);
    else
        fprintf(stderr, "%s: %s\n", fault->file[0] ? fault->file : "huibao", fault->message);
}

int dict_check(const char *dict_dir, const char *const *overlays, size_t n)
{
    hb_engine_options eo = {.dict_dir = dict_dir, .dict_overlays = overlays, .n_dict_overlays = n};
    tally t = {0};
    int faults = hb_dict_check(&eo, on_report, &t);
    /* the page's names are no rule of the library: checked here */
    char labels[4096], why[1024];
    snprintf(labels, sizeof labels, "%s/labels.txt", dict_dir);
    if (faults >= 0 && access(labels, F_OK) == 0) {
        if (page_labels_check(dict_dir, why, sizeof why) == 0)
            printf("%s: OK\n", labels);
        else
            fprintf(stderr, "%s\n", why), faults++;
    }
    for (size_t i = 0; i < t.n; i++) {
        if (!t.faults[i])
            printf("%s: OK\n", t.files[i]);
        free(t.files[i]);
    }
    free(t.files);
    free(t.faults);
    if (faults < 0 || t.nomem) {
        fprintf(stderr, "huibao: out of memory\n");
        return 1;
    }
    return faults ? 4 : fflush(stdout) ? 5 : 0;
}
