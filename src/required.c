/* Required sections: the profiles of dict/profiles/, the choice of one per
 * report, what it misses, and the verdict `huibao check` prints. */
#include "required.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"
#include "extract.h"
#include "sections.h"

typedef struct {
    char *doc_type;   /* report | plan | unknown | * */
    char *cue;        /* NULL: any document of that type */
} profile_match;

typedef struct {
    char *name;       /* the file name without .txt: what --profile takes */
    char *label;      /* shown by the verdict; NULL: none */
    unsigned require; /* bit (1u << kind) per required list */
    int nothing;      /* `require nothing`: meant to pass every report (a speech) */
    profile_match *match;
    size_t nmatch;
} profile;

struct hb_profiles {
    profile *v;
    size_t n;
};

/* ---- loading ------------------------------------------------------------ */

static int profile_line(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    profile *p = ctx;
    if (!strcmp(f[0], "require")) {
        if (!strcmp(f[1], "nothing")) {
            p->nothing = 1;
            return nf == 2 ? 0 : hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "require takes one kind");
        }
        for (int k = HB_KIND_ACHIEVEMENTS; k <= HB_KIND_PLANS; k++)
            if (!strcmp(f[1], hb_kind_name(k))) {
                p->require |= 1u << k;
                return nf == 2 ? 0 : hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "require takes one kind");
            }
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "unknown kind '%s' (use achievements, problems, causes, plans or nothing)", f[1]);
    }
    if (!strcmp(f[0], "match")) {
        if (strcmp(f[1], "report") && strcmp(f[1], "plan") && strcmp(f[1], "unknown") && strcmp(f[1], "*"))
            return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                                "unknown document type '%s' (use report, plan, unknown or *)", f[1]);
        profile_match *nm = realloc(p->match, (p->nmatch + 1) * sizeof *nm);
        if (!nm)
            return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
        p->match = nm;
        profile_match *m = &nm[p->nmatch++];
        m->doc_type = strdup(f[1]);
        m->cue = nf == 3 && *f[2] ? strdup(f[2]) : NULL;
        if (!m->doc_type || (nf == 3 && *f[2] && !m->cue))
            return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
        return 0;
    }
    if (!strcmp(f[0], "label") && nf == 2) {
        free(p->label);
        return (p->label = strdup(f[1])) ? 0 : hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    }
    return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                        "unknown line '%s' (use require KIND, match DOC_TYPE [CUE] or label TEXT)", f[0]);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const profile *)a)->name, ((const profile *)b)->name);
}

/* Reads profiles/NAME.txt from the topmost folder holding it: an overlay's
 * profile replaces the shipped one of that name. */
static hb_status load_one(const struct hb_engine *e, profile *p, hb_error *err)
{
    char rel[512], path[4096] = "";
    snprintf(rel, sizeof rel, "profiles/%s.txt", p->name);
    hb_status st = hb_dict_read(e, rel, 2, 3, HB_DICT_FOLD | HB_DICT_TOP, profile_line, p, err);
    if (st != HB_OK || p->require || p->nothing)
        return st;
    /* an empty profile would pass every report: only `require nothing` may */
    for (size_t l = hb_dict_layers(e); l-- > 0;) {
        struct stat sb;
        if (hb_dict_path(e, l, rel, path, sizeof path) && stat(path, &sb) == 0)
            break;
    }
    hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "requires nothing (add a line: require<TAB>KIND)");
    return hb_dict_fault(e, err);
}

/* Adds the profile names of LAYER/profiles not seen yet. */
static hb_status list_layer(const struct hb_engine *e, size_t layer, struct hb_profiles *ps)
{
    char path[4096];
    if (!hb_dict_path(e, layer, "profiles", path, sizeof path))
        return HB_OK;
    DIR *dir = opendir(path);
    if (!dir)
        return HB_OK;
    hb_status st = HB_OK;
    for (struct dirent *de; st == HB_OK && (de = readdir(dir));) {
        size_t n = strlen(de->d_name);
        if (de->d_name[0] == '.' || n <= 4 || n >= 256 || strcmp(de->d_name + n - 4, ".txt"))
            continue;
        size_t i = 0;
        while (i < ps->n && (strlen(ps->v[i].name) != n - 4 || strncmp(ps->v[i].name, de->d_name, n - 4)))
            i++;
        if (i < ps->n)
            continue;
        profile *nv = realloc(ps->v, (ps->n + 1) * sizeof *nv);
        if (!nv) {
            st = HB_ERR_NOMEM;
            break;
        }
        ps->v = nv;
        memset(&nv[ps->n], 0, sizeof *nv);
        if (!(nv[ps->n].name = strndup(de->d_name, n - 4)))
            st = HB_ERR_NOMEM;
        else
            ps->n++;
    }
    closedir(dir);
    return st;
}

static hb_status hb_profiles_load(const struct hb_engine *e, struct hb_profiles **out, hb_error *err)
{
    struct hb_profiles *ps = *out = calloc(1, sizeof *ps);
    if (!ps)
        return HB_ERR_NOMEM;
    hb_status st = HB_OK;
    for (size_t l = 0; l < hb_dict_layers(e) && st == HB_OK; l++)
        st = list_layer(e, l, ps);
    if (st == HB_OK && ps->n == 0) {
        /* without a profile `huibao check` would pass every report */
        char path[4096];
        hb_dict_path(e, 0, "profiles", path, sizeof path);
        hb_dict_fail(err, HB_ERR_DICT, path, 0, 0, "no profile (NAME.txt) in the folder");
        return hb_dict_fault(e, err);
    }
    if (ps->n > 1)
        qsort(ps->v, ps->n, sizeof *ps->v, by_name);
    for (size_t i = 0; i < ps->n && st == HB_OK; i++)
        st = load_one(e, &ps->v[i], err);
    return st;
}

static void hb_profiles_free(struct hb_profiles *ps)
{
    if (!ps)
        return;
    for (size_t i = 0; i < ps->n; i++) {
        for (size_t k = 0; k < ps->v[i].nmatch; k++) {
            free(ps->v[i].match[k].doc_type);
            free(ps->v[i].match[k].cue);
        }
        free(ps->v[i].match);
        free(ps->v[i].name);
        free(ps->v[i].label);
    }
    free(ps->v);
    free(ps);
}

hb_status hb_required_load(struct hb_engine *e, hb_error *err)
{
    return hb_profiles_load(e, &e->profiles, err);
}

void hb_required_unload(struct hb_engine *e)
{
    hb_profiles_free(e->profiles);
    e->profiles = NULL;
}

static const profile *find_profile(const struct hb_profiles *ps, const char *name)
{
    for (size_t i = 0; ps && i < ps->n; i++)
        if (!strcmp(ps->v[i].name, name))
            return &ps->v[i];
    return NULL;
}

hb_status hb_profile_check(const struct hb_engine *e, const char *name, hb_error *err)
{
    if (find_profile(e->profiles, name))
        return HB_OK;
    err->code = HB_ERR_ARG;
    snprintf(err->message, sizeof err->message, "unknown profile '%.200s' (no %.200s/profiles/%.60s.txt)", name,
             e->dict_dir, name);
    return HB_ERR_ARG;
}

/* ---- choosing and checking ---------------------------------------------- */

/* Is the cue in the title block (both lines of a split title, a subtitle)?
 * The opening paragraph counts only in a report without a title: where a
 * title names the document, the opening's words (下面我讲三点意见, 整改 in
 * a summary) do not rename it. */
static int cue_in_head(const hb_doc *d, const char *cue)
{
    size_t n = strlen(cue);
    for (size_t p = 0; p < d->paras.n; p++) {
        const hb_para *pa = &d->paras.v[p];
        if (pa->role != HB_PARA_TITLE && pa->role != HB_PARA_HEAD && pa->role != HB_PARA_BODY)
            continue;
        if (pa->role == HB_PARA_BODY && d->title_para >= 0)
            return 0;
        if (memmem(d->view + pa->vstart, pa->vend - pa->vstart, cue, n))
            return 1;
        if (pa->role == HB_PARA_BODY)
            return 0;
    }
    return 0;
}

/* The best match: one with a cue found beats one for the document type alone. */
static const profile *choose_profile(const hb_doc *d, const struct hb_profiles *ps)
{
    const profile *best = NULL;
    int best_score = 0;
    const char *type = d->doc_type ? d->doc_type : "unknown";
    for (size_t i = 0; ps && i < ps->n; i++)
        for (size_t k = 0; k < ps->v[i].nmatch; k++) {
            const profile_match *m = &ps->v[i].match[k];
            if (strcmp(m->doc_type, "*") && strcmp(m->doc_type, type))
                continue;
            int score = !m->cue ? 1 : cue_in_head(d, m->cue) ? 2 : 0;
            if (score > best_score)
                best = &ps->v[i], best_score = score;
        }
    return best;
}

/* Runs after lists: the profile that applies and the lists it misses. */
hb_status hb_required_run(hb_doc *d)
{
    struct hb_lists_result *r = d->lists;
    if (!r)
        return HB_OK;
    const struct hb_profiles *ps = d->engine->profiles;
    /* an unknown --profile was refused by hb_extract() before any work */
    const profile *p = d->opts.profile ? find_profile(ps, d->opts.profile) : choose_profile(d, ps);
    r->profile = p ? p->name : NULL;
    r->missing = r->inline_only = 0;
    for (int k = HB_KIND_ACHIEVEMENTS; p && k <= HB_KIND_PLANS; k++) {
        if (!(p->require & (1u << k)))
            continue;
        if (r->list[k].found == HB_FOUND_NONE)
            r->missing |= 1u << k;
        else if (r->list[k].found == HB_FOUND_INLINE)
            r->inline_only |= 1u << k;
    }
    return HB_OK;
}

static void kinds_json(hb_json_out *out, const char *name, unsigned mask)
{
    hb_json_array_open(out, name);
    for (int k = HB_KIND_ACHIEVEMENTS; k <= HB_KIND_PLANS; k++)
        if (mask & (1u << k))
            hb_json_str(out, NULL, hb_kind_name(k));
    hb_json_array_close(out);
}

void hb_required_json(hb_doc *d, hb_json_out *out)
{
    const struct hb_lists_result *r = d->lists;
    if (!r)
        return;
    hb_json_object_open(out, "required");
    hb_json_str(out, "profile", r->profile);
    kinds_json(out, "missing", r->missing);
    kinds_json(out, "inline_only", r->inline_only);
    hb_json_object_close(out);
}

/* ---- the verdict -------------------------------------------------------- */

/* What an office calls each list. */
static const char *const KIND_LABELS[] = {"", "工作成效", "存在问题", "问题原因", "下一步计划"};

static void print_kinds(FILE *f, const char *what, unsigned mask)
{
    for (int k = HB_KIND_ACHIEVEMENTS; k <= HB_KIND_PLANS; k++)
        if (mask & (1u << k))
            fprintf(f, "  %s: %s (%s)\n", what, KIND_LABELS[k], hb_kind_name(k));
}

char *hb_report_verdict(const hb_report *d, int *passed)
{
    const struct hb_lists_result *r = d->lists;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return NULL;
    *passed = !r || !r->missing;
    const profile *p = r && r->profile ? find_profile(d->engine->profiles, r->profile) : NULL;
    if (p)
        fprintf(f, "%s（检查模板 %s%s%s）\n", *passed ? "通过" : "未通过", p->name, p->label ? " " : "",
                p->label ? p->label : "");
    else
        fprintf(f, "通过（没有适用的检查模板）\n");
    if (r) {
        print_kinds(f, "缺少", r->missing);
        print_kinds(f, "仅在段落中提及、没有标题", r->inline_only);
    }
    for (size_t i = 0; i < d->warnings.n; i++) {
        const hb_warning *w = &d->warnings.v[i];
        if (!strncmp(w->code, "numbering-", 10))
            fprintf(f, "  编号: 第%d行 %s\n", w->line, w->message);
    }
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}
