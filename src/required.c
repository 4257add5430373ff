/* Required sections: the profiles of dict/profiles/, the choice of one per
 * report, what it misses, and the verdict `huibao check` prints. */
#include "required.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "sections.h"

typedef struct {
    char *doc_type;   /* report | plan | unknown | * */
    char *cue;        /* NULL: any document of that type */
} profile_match;

typedef struct {
    char *name;       /* the file name without .txt: what --profile takes */
    char *label;      /* shown by the verdict; NULL: none */
    unsigned require; /* bit (1u << kind) per required list */
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
        for (int k = HB_KIND_ACHIEVEMENTS; k <= HB_KIND_PLANS; k++)
            if (!strcmp(f[1], hb_kind_name(k))) {
                p->require |= 1u << k;
                return nf == 2 ? 0 : hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "require takes one kind");
            }
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "unknown kind '%s' (use achievements, problems, causes or plans)", f[1]);
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

static hb_status load_one(const char *dict_dir, const char *file, struct hb_profiles *ps, hb_error *err)
{
    profile *nv = realloc(ps->v, (ps->n + 1) * sizeof *nv);
    if (!nv)
        return HB_ERR_NOMEM;
    ps->v = nv;
    profile *p = &nv[ps->n++];
    memset(p, 0, sizeof *p);
    if (!(p->name = strndup(file, strlen(file) - 4)))
        return HB_ERR_NOMEM;
    char rel[512];
    snprintf(rel, sizeof rel, "profiles/%s", file);
    return hb_dict_read(dict_dir, rel, 2, 3, HB_DICT_FOLD, profile_line, p, err);
}

hb_status hb_profiles_load(const char *dict_dir, struct hb_profiles **out, hb_error *err)
{
    struct hb_profiles *ps = *out = calloc(1, sizeof *ps);
    if (!ps)
        return HB_ERR_NOMEM;
    char path[1024];
    snprintf(path, sizeof path, "%s/profiles", dict_dir);
    DIR *dir = opendir(path);
    if (!dir)
        return HB_OK;
    hb_status st = HB_OK;
    for (struct dirent *de; st == HB_OK && (de = readdir(dir));) {
        size_t n = strlen(de->d_name);
        if (de->d_name[0] != '.' && n > 4 && n < 256 && !strcmp(de->d_name + n - 4, ".txt"))
            st = load_one(dict_dir, de->d_name, ps, err);
    }
    closedir(dir);
    if (st == HB_OK && ps->n > 1)
        qsort(ps->v, ps->n, sizeof *ps->v, by_name);
    return st;
}

void hb_profiles_free(struct hb_profiles *ps)
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

static const profile *find_profile(const struct hb_profiles *ps, const char *name)
{
    for (size_t i = 0; ps && i < ps->n; i++)
        if (!strcmp(ps->v[i].name, name))
            return &ps->v[i];
    return NULL;
}

hb_status hb_profile_check(const struct hb_engine *e, const char *name, hb_error *err)
{
    if (find_profile(hb_lists_profiles(e), name))
        return HB_OK;
    err->code = HB_ERR_ARG;
    snprintf(err->message, sizeof err->message, "unknown profile '%.200s' (no %.200s/profiles/%.60s.txt)", name,
             e->dict_dir, name);
    return HB_ERR_ARG;
}

/* ---- choosing and checking ---------------------------------------------- */

/* Is the cue in the title block (both lines of a split title, a subtitle)
 * or the opening paragraph? */
static int cue_in_head(const hb_doc *d, const char *cue)
{
    size_t n = strlen(cue);
    int opening_seen = 0;
    for (size_t p = 0; p < d->paras.n && !opening_seen; p++) {
        const hb_para *pa = &d->paras.v[p];
        if (pa->role != HB_PARA_TITLE && pa->role != HB_PARA_HEAD && pa->role != HB_PARA_BODY)
            continue;
        opening_seen = pa->role == HB_PARA_BODY;
        if (memmem(d->view + pa->vstart, pa->vend - pa->vstart, cue, n))
            return 1;
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

void hb_required(hb_doc *d, struct hb_lists_result *r)
{
    const struct hb_profiles *ps = hb_lists_profiles(d->engine);
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
}

static json_t *kinds_json(unsigned mask)
{
    json_t *a = json_array();
    for (int k = HB_KIND_ACHIEVEMENTS; k <= HB_KIND_PLANS; k++)
        if (mask & (1u << k))
            json_array_append_new(a, json_string(hb_kind_name(k)));
    return a;
}

json_t *hb_required_json(const struct hb_lists_result *r)
{
    return json_pack("{s:o,s:o,s:o}", "profile", r->profile ? json_string(r->profile) : json_null(), "missing",
                     kinds_json(r->missing), "inline_only", kinds_json(r->inline_only));
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
    const profile *p = r && r->profile ? find_profile(hb_lists_profiles(d->engine), r->profile) : NULL;
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
