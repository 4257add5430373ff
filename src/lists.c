/* Lists: achievements, problems, causes and plans.
 *
 * Each kind is looked for in three ways, in this order:
 *  - heading: sections whose kind (from their title) is that kind; the items
 *    are their child sections, else their inline enumerations (一是…), else
 *    their sentences;
 *  - inline: a cue inside a paragraph (但仍存在以下不足：一是…) from
 *    dict/list_cues.txt; the items are the enumeration that follows it, else
 *    the clauses after its colon split at ；, else (a cue opening its
 *    sentence) the rest of that sentence;
 *  - implicit: in a plan document (工作要点) every section is a plan; in a
 *    report, the unlabelled sections before the problems are achievements.
 * Items taken by an inline list are not reused by a heading list, so causes
 * written inside a problems section (剖析原因：一是…) stay out of the problems.
 * Everything is linear in the size of the document. */
#include "lists.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "aho.h"
#include "arena.h"
#include "engine.h"
#include "extract.h"
#include "json_out.h"
#include "normalize.h"
#include "regex_lits.h"
#include "rules.h"
#include "sections.h"

enum {
    MAX_PARTS = 4,
    GAP_CHARS = 12,      /* at most this many characters between the parts of a cue */
    TAIL_CHARS = 4,      /* at most this many characters after a cue that ends its sentence */
    KIND_LEAD = -1,      /* words skipped before the first item */
    KIND_NOT = -2,       /* words that cancel any cue they overlap */
    KIND_GROUP = -3,     /* a title ending that makes a heading a group of items (…方面) */
    KIND_TASKS = -4      /* a title naming a plan's main tasks (重点任务) */
};

/* The names of the cues that name no list: KIND_LEAD to KIND_TASKS. */
static const char *const WORD_KINDS[] = {"lead", "not", "group", "tasks"};

typedef struct {
    char *part[MAX_PARTS];
    size_t len[MAX_PARTS];
    int nparts;
    int kind;
} list_cue;

struct hb_list_rules {
    list_cue *cues;
    size_t ncues, cap;
    hb_arena mem;   /* the cues' parts: a block, not an allocation a part */
    int last_kind;  /* the kind of the line read last (cue_kind), 0: none */
    int *same;      /* the next cue with the same first part, -1: none */
    hb_ac *first;   /* the first parts of the cues found in paragraphs; value: the first such cue */
    hb_litset *need; /* set k: the needed parts of kind k (need_part(), need_set()) */
    /* [k]: kind k's needed parts alone, made by the first report that asks
     * for kind k alone (most of a batch of short reports ask for causes
     * alone): the vector filter then passes no other kind's first
     * characters (不, 问); NULL until then */
    _Atomic(hb_litset *) need_of[HB_KIND_PLANS + 1];
};

#define BIT(k) (1u << (k))

/* ---- loading ------------------------------------------------------------ */

static const char *cue_kind_name(int kind)
{
    return kind < 0 ? WORD_KINDS[-kind - 1] : hb_kind_name(kind);
}

/* The kind named `name`, 0: none.  The lines of a kind come together: the
 * last line's (`last`, 0: none) is asked first. */
static int cue_kind(const char *name, int last)
{
    if (last && !strcmp(name, cue_kind_name(last)))
        return last;
    for (int k = KIND_TASKS; k <= HB_KIND_PLANS; k++)
        if (k != HB_KIND_OTHER && !strcmp(name, cue_kind_name(k)))
            return k;
    return 0;
}

static int add_cue(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    struct hb_list_rules *r = ctx;
    (void)nf;
    int kind = r->last_kind = cue_kind(f[0], r->last_kind);
    if (!kind)
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                            "unknown kind '%s' (use achievements, problems, causes, plans, lead, not, group or tasks)",
                            f[0]);
    /* doubled, the parts in an arena: a realloc a cue and a strndup a part
     * were 190 calls to malloc a start, 53K instructions */
    if (!hb_heap_grow((void **)&r->cues, &r->cap, r->ncues, 64, sizeof *r->cues))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    list_cue *c = &r->cues[r->ncues];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    r->ncues++;
    /* "…" folds to "..." */
    for (const char *s = f[1];;) {
        const char *dots = strstr(s, "...");
        size_t n = dots ? (size_t)(dots - s) : strlen(s);
        if (n == 0 || c->nparts == MAX_PARTS)
            return hb_dict_fail(err, HB_ERR_DICT, file, line, 0,
                                n ? "more than %d parts joined by …" : "empty cue or empty part around …",
                                MAX_PARTS);
        if (!(c->part[c->nparts] = hb_arena_strndup(&r->mem, s, n)))
            return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
        c->len[c->nparts++] = n;
        if (!dots)
            break;
        s = dots + 3;
    }
    return 0;
}

/* Cues that lead, group or name tasks are not looked for in paragraphs. */
static int searched(const list_cue *q)
{
    return q->kind != KIND_LEAD && q->kind != KIND_GROUP && q->kind != KIND_TASKS;
}

/* The part of cue q that a paragraph holding it must hold: its longest
 * (the last of those as long), the least common most often (原因 of
 * 剖析…原因), as a paragraph is looked at before its scan (find_hits()). */
enum { TWO_CHARS = 6 };
static int need_part(const list_cue *q)
{
    int best = 0;
    for (int p = 1; p < q->nparts; p++)
        if (q->len[p] >= q->len[best])
            best = p;
    return best;
}

/* The needed parts of the cues of `kinds` (bit k: kind k) as set k of a
 * new literal set, NULL when out of memory.  Those of two characters go
 * in first: a longer one holding one of its kind's is left out, as a
 * paragraph holding it holds that one too, and the scan's filter passes
 * fewer first characters (原因 answers for 问题的原因, 究其原因, 原因在于
 * …, and 问 is common). */
static hb_litset *need_set(const struct hb_list_rules *r, unsigned kinds)
{
    hb_litset *x = hb_litset_new();
    for (int pass = 0; x && pass < 2; pass++)
        for (size_t i = 0; x && i < r->ncues; i++) {
            const list_cue *q = &r->cues[i];
            int need = need_part(q);
            const char *s = q->part[need];
            size_t n = q->len[need];
            if (q->kind <= 0 || !(kinds & BIT(q->kind)) || (n <= TWO_CHARS) == pass ||
                (pass && hb_litset_find(x, s, n, BIT(q->kind)) < n))
                continue;
            if (!hb_litset_add(x, s, n, q->kind)) {
                hb_litset_free(x);
                x = NULL;
            }
        }
    return x;
}

hb_status hb_lists_load(struct hb_engine *e, hb_error *err)
{
    struct hb_list_rules *r = e->lists = calloc(1, sizeof *e->lists);
    if (!r)
        return HB_ERR_NOMEM;
    hb_status st = hb_dict_read(e, "list_cues.txt", 2, 2, HB_DICT_FOLD, add_cue, r, err);
    if (st != HB_OK)
        return st;
    /* one automaton pass per paragraph finds every cue's first part */
    const char **pat = calloc(r->ncues ? r->ncues : 1, sizeof *pat);
    size_t *len = calloc(r->ncues ? r->ncues : 1, sizeof *len);
    if (!pat || !len)
        st = HB_ERR_NOMEM;
    for (int k = 0; k <= HB_KIND_PLANS; k++)
        atomic_init(&r->need_of[k], NULL);
    if (st == HB_OK && !(r->need = need_set(r, ~0u)))
        st = HB_ERR_NOMEM;
    for (size_t i = 0; st == HB_OK && i < r->ncues; i++)
        if (searched(&r->cues[i])) {
            pat[i] = r->cues[i].part[0];
            len[i] = r->cues[i].len[0];
        }
    if (st == HB_OK)
        st = hb_engine_build_entries(e, pat, len, r->ncues, &r->first, &r->same, err);
    free(pat);
    free(len);
    return st;
}

void hb_lists_unload(struct hb_engine *e)
{
    struct hb_list_rules *r = e->lists;
    if (!r)
        return;
    hb_arena_release(&r->mem);
    free(r->cues);
    free(r->same);
    hb_ac_free(r->first);
    hb_litset_free(r->need);
    for (int k = 0; k <= HB_KIND_PLANS; k++)
        hb_litset_free(atomic_load(&r->need_of[k]));
    free(r);
    e->lists = NULL;
}

/* ---- the view, character by character ---------------------------------- */

static size_t char_len(const char *v, size_t i)
{
    return (size_t)hb_utf8_len((unsigned char)v[i]);
}

static int at(const char *v, size_t i, size_t to, const char *lit, size_t n)
{
    return i + n <= to && memcmp(v + i, lit, n) == 0;
}

/* Length of a sentence end (。 ! ?) at i, 0 if none. */
static size_t stop_len(const char *v, size_t i, size_t to)
{
    if (v[i] == '!' || v[i] == '?')
        return 1;
    return at(v, i, to, "。", 3) ? 3 : 0;
}

/* Punctuation no cue reaches across. */
static int clause_break(const char *v, size_t i, size_t to)
{
    return v[i] == ',' || v[i] == ';' || v[i] == ':' || stop_len(v, i, to);
}

static size_t skip_spaces(const char *v, size_t i, size_t to)
{
    while (i < to && (v[i] == ' ' || v[i] == '\t'))
        i++;
    return i;
}

static size_t trim_end(const char *v, size_t from, size_t to)
{
    while (to > from && (v[to - 1] == ' ' || v[to - 1] == '\t'))
        to--;
    return to;
}

/* ---- per-report state --------------------------------------------------- */

typedef struct {
    size_t vs, ve;
    int kind;
    int para;
    int cue;             /* its line in list_cues.txt: the order of hits that tie */
    size_t region_end;   /* the next cue of another kind in this paragraph, else its end */
} cue_hit;

typedef struct {
    hb_doc *d;
    const struct hb_list_rules *rules;
    struct hb_lists_result *r;
    int plan_doc;
    int *accepted;           /* per section: its kind when it heads a list of that kind, else 0 */
    size_t *body_from;       /* per paragraph: where text after a heading title starts */
    unsigned char *claimed;  /* per d->items entry: taken by an inline list */
    unsigned char *shape;    /* per section: HAS_SECTIONS | HAS_ITEMS | IN_RUN */
    size_t claimed_range[HB_KIND_PLANS + 1][2];
    size_t stop_cursor;      /* first sentence end at or after the last query */
    size_t colon_cursor;     /* first colon at or after the last query */
    int need_known;          /* need_at is known (holds_need()) */
    size_t need_at;          /* the first needed part of a wanted kind from the last search on */
    HB_VEC(cue_hit) hits;
} lists_ctx;

/* First sentence end (colon: first ：) at or after i, else `to`.  Queries
 * come in increasing order, so a cursor keeps all of them linear together. */
static size_t next_mark(const char *v, size_t *cursor, size_t i, size_t to, int colon)
{
    if (*cursor < i)
        *cursor = i;
    while (*cursor < to && !(colon ? v[*cursor] == ':' : stop_len(v, *cursor, to) > 0))
        *cursor += char_len(v, *cursor);
    return *cursor < to ? *cursor : to;
}

static int add_item(lists_ctx *c, int kind, size_t vs, size_t ts, size_t te, size_t title_end,
                    const char *marker, int section)
{
    /* no more bytes than the cap's characters: nothing to count */
    if (title_end - ts > HB_HEADING_MAX_CHARS)
        title_end = hb_utf8_cap(c->d->view, ts, title_end, HB_HEADING_MAX_CHARS);
    hb_list_item it = {.vstart = vs, .vend = te, .tstart = ts, .tend = te, .title_end = title_end,
                       .marker = marker, .section = section};
    return hb_vec_push(&c->d->arena, &c->r->list[kind].items, it);
}

/* Bytes of a lead word of list_cues.txt at v[from], 0 when none: only
 * leads longer than `longer_than` bytes count (a one-character lead such
 * as 如 starts many words: 如期, 如实). */
enum { ONE_CHAR = 3 };
static size_t lead_at(const lists_ctx *c, size_t from, size_t to, size_t longer_than)
{
    for (size_t i = 0; i < c->rules->ncues; i++) {
        const list_cue *q = &c->rules->cues[i];
        if (q->kind == KIND_LEAD && q->len[0] > longer_than && at(c->d->view, from, to, q->part[0], q->len[0]))
            return q->len[0];
    }
    return 0;
}

/* One clause or sentence [from, to) with its terminator (；。!?) at its end,
 * lead words and separators skipped; an empty one is dropped. */
static int add_clause(lists_ctx *c, int kind, size_t from, size_t to, int section)
{
    const char *v = c->d->view;
    for (int again = 1; again;) {
        again = 0;
        from = skip_spaces(v, from, to);
        while (from < to && (v[from] == ',' || v[from] == ':')) {
            from = skip_spaces(v, from + 1, to);
            again = 1;
        }
        size_t lead = lead_at(c, from, to, ONE_CHAR);
        if (lead) {
            from += lead;
            again = 1;
        }
    }
    size_t end = trim_end(v, from, to), title = end;
    if (title > from && v[title - 1] == ';')
        title--;
    else if (title > from && (v[title - 1] == '!' || v[title - 1] == '?'))
        title--;
    else if (title >= from + 3 && memcmp(v + title - 3, "。", 3) == 0)
        title -= 3;
    title = trim_end(v, from, title);
    if (title == from)
        return 1;
    return add_item(c, kind, from, from, end, title, NULL, section);
}

/* Clauses of [from, to) split at ；. */
static int add_clauses(lists_ctx *c, int kind, size_t from, size_t to, int section)
{
    const char *v = c->d->view;
    size_t start = from;
    for (size_t i = from; i < to; i += char_len(v, i))
        if (v[i] == ';') {
            if (!add_clause(c, kind, start, i + 1, section))
                return 0;
            start = i + 1;
        }
    return add_clause(c, kind, start, to, section);
}

static int add_enum_item(lists_ctx *c, int kind, size_t k, size_t limit)
{
    const hb_item *it = &c->d->items.v[k];
    size_t end = it->vend < limit ? it->vend : limit;
    end = trim_end(c->d->view, it->tstart, end);
    size_t title = it->tend < end ? it->tend : end;
    c->claimed[k] = 1;
    return add_item(c, kind, it->vstart, it->tstart, end, title, it->marker, it->section);
}

/* Index of the first item starting at or after v. */
static size_t first_item_from(const hb_doc *d, size_t v)
{
    size_t lo = 0, hi = d->items.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->items.v[mid].vstart < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The enumeration 1, 2, 3… starting with item k: inside [.., limit) of its
 * paragraph, then, when it runs to the paragraph end, on in the following
 * paragraphs that open with the next number. */
static int add_enumeration(lists_ctx *c, int kind, size_t k, size_t limit)
{
    const hb_doc *d = c->d;
    int para = d->items.v[k].para;
    int reaches_end = limit == d->paras.v[para].vend;
    for (int want = 1; k < d->items.n; k++, want++) {
        const hb_item *it = &d->items.v[k];
        if (it->number != want)
            break;
        if (it->para != para) {
            if (!reaches_end || it->para != para + 1 || it->vstart != d->paras.v[it->para].vstart)
                break;
            para = it->para;
            limit = d->paras.v[para].vend;
        } else if (it->vstart >= limit) {
            break;
        }
        if (!add_enum_item(c, kind, k, limit))
            return 0;
    }
    return 1;
}

/* Where the text of a paragraph opening with a dash (——审判质效…) starts,
 * 0 when it opens otherwise. */
static size_t dash_start(const hb_doc *d, const hb_para *pa)
{
    const char *v = d->view;
    size_t from = pa->vstart;
    while (from < pa->vend && (at(v, from, pa->vend, "—", 3) || v[from] == '-'))
        from += v[from] == '-' ? 1 : 3;
    return from - pa->vstart >= 2 && from < pa->vend ? from : 0;
}

/* A dash paragraph as one item, titled by its first sentence. */
static int add_dash_item(lists_ctx *c, int kind, const hb_para *pa, size_t from, int section)
{
    const char *v = c->d->view;
    const char *stop = hb_lit_find(v + from, pa->vend - from, "。", 3);
    size_t te = stop ? (size_t)(stop - v) : pa->vend;
    return add_item(c, kind, pa->vstart, from, pa->vend, trim_end(v, from, te), "——", section);
}

/* The dash paragraphs from p on, one item each. */
static int add_dash_paragraphs(lists_ctx *c, int kind, size_t p)
{
    const hb_doc *d = c->d;
    size_t from;
    for (; p < d->paras.n && d->paras.v[p].role == HB_PARA_BODY && (from = dash_start(d, &d->paras.v[p])); p++)
        if (!add_dash_item(c, kind, &d->paras.v[p], from, d->paras.v[p].section))
            return 0;
    return 1;
}

/* After a cue line ending with its colon (or a cue ending the line's last
 * sentence): an enumeration on the next lines, or one ——… paragraph per item. */
static int add_next_lines(lists_ctx *c, const cue_hit *h)
{
    const hb_doc *d = c->d;
    if (h->para + 1 >= (int)d->paras.n)
        return 1;
    size_t k = first_item_from(d, d->paras.v[h->para + 1].vstart);
    if (k < d->items.n && d->items.v[k].number == 1 && d->items.v[k].vstart == d->paras.v[h->para + 1].vstart)
        return add_enumeration(c, h->kind, k, d->paras.v[h->para + 1].vend);
    return add_dash_paragraphs(c, h->kind, (size_t)h->para + 1);
}

/* Does the sentence end within a few characters after the cue, with no
 * punctuation between (…突出问题。, …不容忽视。, …问题亟待解决。)? */
static int ends_sentence(const char *v, size_t from, size_t stop)
{
    int n = 0;
    for (size_t i = from; i < stop; i += char_len(v, i), n++)
        if (n == TAIL_CHARS || clause_break(v, i, stop) || v[i] == ')')
            return 0;
    return 1;
}

static int add_sentences(lists_ctx *c, int kind, size_t from, size_t to, int section);

/* The items a cue introduces; none when it introduces nothing. */
static int inline_items(lists_ctx *c, const cue_hit *h)
{
    const hb_doc *d = c->d;
    const char *v = d->view;
    const hb_para *pa = &d->paras.v[h->para];
    size_t p0 = h->ve, end = h->region_end;
    size_t stop = next_mark(v, &c->stop_cursor, p0, end, 0);
    int section = pa->section;
    /* an enumeration starting in the cue's sentence or right after it */
    size_t k = first_item_from(d, p0);
    size_t reach = stop < end ? skip_spaces(v, stop + stop_len(v, stop, end), end) : end;
    if (k < d->items.n && d->items.v[k].number == 1 && d->items.v[k].vstart <= reach &&
        d->items.v[k].vstart < end)
        return add_enumeration(c, h->kind, k, end);
    size_t colon = next_mark(v, &c->colon_cursor, p0, end, 1);
    if (colon < stop) {
        size_t after = skip_spaces(v, colon + 1, end);
        if (after == pa->vend)
            return add_next_lines(c, h);
        return add_clauses(c, h->kind, after, stop < end ? stop + stop_len(v, stop, end) : end, section);
    }
    /* 存在一些不足，如…；…: a lead word right after the cue's comma */
    size_t comma = skip_spaces(v, p0, end);
    if (comma < stop && v[comma] == ',') {
        size_t after = skip_spaces(v, comma + 1, end), lead = lead_at(c, after, end, 0);
        if (lead)
            return add_clauses(c, h->kind, after + lead, stop < end ? stop + stop_len(v, stop, end) : end, section);
    }
    /* 仍然存在一些突出问题。A。B。: a cue that ends its sentence introduces
     * the sentences after it in the paragraph, else the —— paragraphs or the
     * enumeration on the next lines */
    if (stop < end && ends_sentence(v, p0, stop) && h->kind != HB_KIND_PLANS) {
        size_t next = skip_spaces(v, stop + stop_len(v, stop, end), end);
        if (next < end)
            return add_sentences(c, h->kind, next, end, section);
        if (end == pa->vend)
            return add_next_lines(c, h);
    }
    /* a cue opening its sentence: 究其原因，主要是…；… */
    size_t b = h->vs;
    while (b > c->body_from[h->para] && (v[b - 1] == ' ' || v[b - 1] == '\t'))
        b--;
    int opens = b == c->body_from[h->para] || v[b - 1] == '!' || v[b - 1] == '?' ||
                (b >= 3 && memcmp(v + b - 3, "。", 3) == 0);
    if (!opens)
        return 1;
    /* 我们将同步建立…机制，…: one plan in a sentence about other things is
     * no plans list; it takes ；-clauses.  A cue and its comma opening the
     * paragraph (新的一年，我们将…。…) make the paragraph about plans: its
     * sentences are the items. */
    size_t send = stop < end ? stop : end;
    if (h->kind == HB_KIND_PLANS && !memchr(v + p0, ';', send - p0)) {
        size_t after = skip_spaces(v, p0, end);
        if (b != c->body_from[h->para] || after >= end || v[after] != ',')
            return 1;
        return add_sentences(c, h->kind, after + 1, end, section);
    }
    return add_clauses(c, h->kind, p0, stop < end ? stop + stop_len(v, stop, end) : end, section);
}

/* ---- finding cues ------------------------------------------------------- */

/* Does cue q match at a?  Sets *end past its last part. */
static int cue_at(const char *v, size_t a, size_t to, const list_cue *q, size_t *end)
{
    size_t pos = a + q->len[0];
    for (int p = 1; p < q->nparts; p++) {
        int found = 0;
        for (int n = 0; n <= GAP_CHARS && pos < to; n++) {
            if (at(v, pos, to, q->part[p], q->len[p])) {
                found = 1;
                break;
            }
            if (clause_break(v, pos, to))
                break;
            pos += char_len(v, pos);
        }
        if (!found)
            return 0;
        pos += q->len[p];
    }
    *end = pos;
    return 1;
}

static int hit_order(const void *a, const void *b)
{
    const cue_hit *x = a, *y = b;
    if (x->vs != y->vs)
        return x->vs < y->vs ? -1 : 1;
    if (x->ve != y->ve)
        return x->ve > y->ve ? -1 : 1;
    return (x->cue > y->cue) - (x->cue < y->cue);
}

typedef struct {
    lists_ctx *c;
    int p;
    unsigned want;
    size_t from, to;
} para_scan;

/* A first part at [start, end) of the paragraph: each cue it opens that
 * matches there whole is a hit. */
static int on_first_part(void *ctx, size_t start, size_t end, int value)
{
    para_scan *ps = ctx;
    lists_ctx *c = ps->c;
    const char *v = c->d->view;
    size_t a = ps->from + start;
    (void)end;
    for (int i = value; i >= 0; i = c->rules->same[i]) {
        const list_cue *q = &c->rules->cues[i];
        size_t e;
        if ((q->kind > 0 && !(ps->want & BIT(q->kind))) || !cue_at(v, a, ps->to, q, &e))
            continue;
        cue_hit h = {.vs = a, .ve = e, .kind = q->kind, .para = ps->p, .cue = i, .region_end = ps->to};
        if (!hb_vec_push(&c->d->arena, &c->hits, h))
            return 0;
    }
    return 1;
}

/* The set to search for the kinds of `want`: kind k's own when it is the
 * only one, made and published by the first report to ask (a thread that
 * loses the race frees its copy), else the set of all kinds. */
static const hb_litset *need_for(struct hb_list_rules *r, unsigned want)
{
    for (int k = HB_KIND_ACHIEVEMENTS; k <= HB_KIND_PLANS; k++) {
        if (want != BIT(k))
            continue;
        hb_litset *x = atomic_load_explicit(&r->need_of[k], memory_order_acquire), *none = NULL;
        if (x)
            return x;
        if (!(x = need_set(r, want)))
            return r->need; /* out of memory: the set of all answers as well */
        if (atomic_compare_exchange_strong_explicit(&r->need_of[k], &none, x, memory_order_acq_rel,
                                                    memory_order_acquire))
            return x;
        hb_litset_free(x);
        return none;
    }
    return r->need;
}

/* Whether v[from, to) holds a needed part (need_part()) of a cue of a
 * wanted kind.  Paragraphs are asked in order, with one `want`: one search
 * of the view from the first on finds the next part, which answers for
 * every paragraph before it (most hold none), not a scan and its set-up a
 * paragraph. */
static int holds_need(lists_ctx *c, size_t from, size_t to, unsigned want)
{
    const char *v = c->d->view;
    const hb_litset *set = need_for(c->d->engine->lists, want);
    if (!c->need_known || c->need_at < from) {
        c->need_at = from + hb_litset_find(set, v + from, c->d->view_len - from, want);
        c->need_known = 1;
    }
    if (c->need_at >= to)
        return 0;
    /* the first part from `from` on starts here: one lies whole in the
     * paragraph unless it runs past its end and no later one lies whole */
    return hb_litset_find(set, v + c->need_at, to - c->need_at, want) < to - c->need_at;
}

/* Cues of the wanted kinds in paragraph p: leftmost-longest, a cue inside
 * an earlier one dropped (or merged into it when of the same kind). */
static int find_hits(lists_ctx *c, int p, unsigned want)
{
    hb_doc *d = c->d;
    size_t from = c->body_from[p], to = d->paras.v[p].vend;
    /* no wanted kind's cue can match whole in a paragraph without one of
     * its needed parts: such a paragraph (most of one, in a report missing
     * causes) is not scanned, its "not" cues canceling nothing */
    if (!want || from >= to || !holds_need(c, from, to, want))
        return 1;
    size_t first = c->hits.n;
    para_scan ps = {c, p, want, from, to};
    if (!hb_ac_scan_all(c->rules->first, d->view + from, to - from, on_first_part, &ps))
        return 0;
    size_t n = c->hits.n - first;
    if (n == 0)
        return 1;
    cue_hit *hv = c->hits.v + first;
    qsort(hv, n, sizeof *hv, hit_order);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept && hv[i].vs < hv[kept - 1].ve) {
            if (hv[i].kind == hv[kept - 1].kind && hv[i].ve > hv[kept - 1].ve)
                hv[kept - 1].ve = hv[i].ve;
            continue;
        }
        hv[kept++] = hv[i];
    }
    /* "not" cues only cancel */
    size_t out = 0;
    for (size_t i = 0; i < kept; i++)
        if (hv[i].kind != KIND_NOT)
            hv[out++] = hv[i];
    for (size_t i = out; i-- > 0;)
        if (i + 1 < out)
            hv[i].region_end = hv[i + 1].kind != hv[i].kind ? hv[i + 1].vs : hv[i + 1].region_end;
    c->hits.n = first + out;
    return 1;
}

/* Where the sentence holding a cue starts: an inline list claims it with
 * its items, so no heading list takes the cue's sentence either. */
static size_t sentence_start(const lists_ctx *c, const cue_hit *h)
{
    const char *v = c->d->view;
    size_t from = c->body_from[h->para], b = h->vs;
    while (b > from && !(b >= from + 3 && memcmp(v + b - 3, "。", 3) == 0) && v[b - 1] != '!' && v[b - 1] != '?')
        b--;
    return skip_spaces(v, b, h->vs);
}

/* The first hit of each wanted kind that introduces items makes its list.
 * Paragraphs are taken one at a time and the scan stops once every wanted
 * kind has its list: a later hit could only be of a kind already found.
 * Hits stay filtered by the whole of `want` (a found kind's cue still hides
 * a cue inside it). */
static int find_inline(lists_ctx *c, unsigned want)
{
    hb_doc *d = c->d;
    unsigned open = want & (BIT(HB_KIND_ACHIEVEMENTS) | BIT(HB_KIND_PROBLEMS) | BIT(HB_KIND_CAUSES) |
                            BIT(HB_KIND_PLANS));
    for (size_t p = 0; p < d->paras.n && open; p++) {
        size_t i = c->hits.n;
        if (d->paras.v[p].role != HB_PARA_BODY)
            continue;
        if (!find_hits(c, (int)p, want))
            return 0;
        for (; i < c->hits.n; i++) {
            const cue_hit *h = &c->hits.v[i];
            hb_list *l = &c->r->list[h->kind];
            if (l->found != HB_FOUND_NONE)
                continue;
            if (!inline_items(c, h))
                return 0;
            if (l->items.n) {
                l->found = HB_FOUND_INLINE;
                l->section = d->paras.v[h->para].section;
                l->vstart = d->paras.v[h->para].vstart;
                c->claimed_range[h->kind][0] = sentence_start(c, h);
                c->claimed_range[h->kind][1] = l->items.v[l->items.n - 1].vend;
                open &= ~BIT(h->kind);
            }
        }
    }
    return 1;
}

/* ---- headings ----------------------------------------------------------- */

/* A section heads a list of its kind when it is the topmost of that kind and
 * not a sub-point of another list (坚持问题导向… under 下一步工作) unless its
 * parent names both (存在的问题及原因 → （二）原因分析).  In a plan document only
 * top-level sections head lists other than plans. */
static void accept_headings(lists_ctx *c)
{
    hb_doc *d = c->d;
    for (size_t i = 0; i < d->sections.n; i++) {
        const hb_section *s = &d->sections.v[i];
        int ok = s->kind != HB_KIND_OTHER;
        if (ok && s->parent >= 0) {
            const hb_section *p = &d->sections.v[s->parent];
            ok = p->kind == HB_KIND_OTHER ||
                 (p->kind != s->kind &&
                  (hb_section_kinds_in(d, d->view + p->tstart, p->tend - p->tstart) & BIT(s->kind)));
            if (c->plan_doc && s->kind != HB_KIND_PLANS)
                ok = 0;
        }
        c->accepted[i] = ok ? s->kind : 0;
    }
}

/* A heading that holds list headings of other kinds besides its own is a
 * container: its child that names its kind is the list. */
static int descend(lists_ctx *c, int h)
{
    const hb_doc *d = c->d;
    for (int depth = 0; depth < 16; depth++) {
        const hb_section *s = &d->sections.v[h];
        int mixed = 0, own = -1;
        size_t end = (size_t)h + 1;
        for (; end < d->sections.n && d->sections.v[end].vstart < s->vend; end++)
            mixed |= d->sections.v[end].parent == h && c->accepted[end] && c->accepted[end] != s->kind;
        /* the children's titles are read only for a container */
        for (size_t j = (size_t)h + 1; mixed && own < 0 && j < end; j++) {
            const hb_section *ch = &d->sections.v[j];
            if (ch->parent == h && hb_section_kind_of(d, d->view + ch->tstart, ch->tend - ch->tstart) == s->kind)
                own = (int)j;
        }
        if (own < 0)
            return h;
        h = own;
    }
    return h;
}

static int claimed_at(const lists_ctx *c, size_t vs, size_t ve)
{
    for (int k = HB_KIND_ACHIEVEMENTS; k <= HB_KIND_PLANS; k++)
        if (c->claimed_range[k][1] > vs && c->claimed_range[k][0] < ve)
            return 1;
    return 0;
}

/* The sentences of [from, to); a sentence of ；-clauses gives the clauses
 * (after its colon when it has one: 重点抓好：A；B), one that only
 * introduces (ends with ：) none. */
static int add_sentences(lists_ctx *c, int kind, size_t from, size_t to, int section)
{
    const char *v = c->d->view;
    for (size_t s = from; s < to;) {
        size_t e = s, colon = 0, semis = 0;
        while (e < to && !stop_len(v, e, to)) {
            if (v[e] == ':' && !colon)
                colon = e + 1;
            semis += v[e] == ';';
            e += char_len(v, e);
        }
        size_t next = e < to ? e + stop_len(v, e, to) : to;
        int ok = 1;
        if (!claimed_at(c, s, next) && !(colon && skip_spaces(v, colon, to) >= e))
            ok = semis ? add_clauses(c, kind, colon ? colon : s, next, section) : add_clause(c, kind, s, next, section);
        if (!ok)
            return 0;
        s = next;
    }
    return 1;
}

/* Per section: does it hold sections, or enumerations, of its own, and does
 * a sibling head a list of the same kind? */
enum { HAS_SECTIONS = 1, HAS_ITEMS = 2, IN_RUN = 4 };

static unsigned char *section_shapes(lists_ctx *c)
{
    hb_doc *d = c->d;
    size_t n = d->sections.n;
    unsigned char *shape = hb_arena_alloc(&d->arena, n + 1);
    int *runs = hb_arena_alloc(&d->arena, (n + 1) * (HB_KIND_PLANS + 1) * sizeof *runs);
    if (!shape || !runs)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int p = d->sections.v[i].parent;
        if (p >= 0)
            shape[p] |= HAS_SECTIONS;
        if (c->accepted[i])
            runs[(size_t)(p + 1) * (HB_KIND_PLANS + 1) + (size_t)c->accepted[i]]++;
    }
    for (size_t k = 0; k < d->items.n; k++)
        if (d->items.v[k].section >= 0)
            shape[d->items.v[k].section] |= HAS_ITEMS;
    for (size_t i = 0; i < n; i++)
        if (c->accepted[i] &&
            runs[(size_t)(d->sections.v[i].parent + 1) * (HB_KIND_PLANS + 1) + (size_t)c->accepted[i]] > 1)
            shape[i] |= IN_RUN;
    hb_arena_free(&d->arena, runs);
    return shape;
}

/* （一）党建工作方面 followed by 一是…二是…: a heading whose title ends in a
 * group word of list_cues.txt and that holds enumerations of its own but no
 * sections is a group; its enumerations are the items. */
static int is_group(const lists_ctx *c, int j)
{
    const hb_doc *d = c->d;
    const hb_section *s = &d->sections.v[j];
    if ((c->shape[j] & (HAS_SECTIONS | HAS_ITEMS)) != HAS_ITEMS)
        return 0;
    size_t te = trim_end(d->view, s->tstart, s->tend);
    while (te > s->tstart && strchr(".,:;!?", d->view[te - 1]))
        te--;
    for (size_t i = 0; i < c->rules->ncues; i++) {
        const list_cue *q = &c->rules->cues[i];
        if (q->kind == KIND_GROUP && te - s->tstart >= q->len[0] &&
            !memcmp(d->view + te - q->len[0], q->part[0], q->len[0]))
            return 1;
    }
    return 0;
}

/* Items of a container: section h (or the whole document, h < 0) — its
 * child sections (a group's enumerations in its place), else its
 * enumerations, else its sentences. */
static int container_items(lists_ctx *c, int kind, int h)
{
    hb_doc *d = c->d;
    size_t vs = h >= 0 ? d->sections.v[h].vstart : 0;
    size_t ve = h >= 0 ? d->sections.v[h].vend : d->view_len;
    hb_list *l = &c->r->list[kind];
    size_t before = l->items.n;
    for (size_t j = h >= 0 ? (size_t)h + 1 : 0; j < d->sections.n && d->sections.v[j].vstart < ve; j++) {
        const hb_section *s = &d->sections.v[j];
        if (s->parent != h || (c->accepted[j] && c->accepted[j] != kind))
            continue;
        if (is_group(c, (int)j)) {
            for (size_t k = first_item_from(d, s->vstart); k < d->items.n && d->items.v[k].section == (int)j; k++)
                if (!c->claimed[k] && !add_enum_item(c, kind, k, d->items.v[k].vend))
                    return 0;
        } else if (!add_item(c, kind, s->vstart, s->tstart, trim_end(d->view, s->tstart, s->vend), s->tend,
                             s->marker, (int)j)) {
            return 0;
        }
    }
    if (l->items.n > before)
        return 1;
    for (size_t k = first_item_from(d, vs); k < d->items.n && d->items.v[k].vstart < ve; k++)
        if (d->items.v[k].section == h && !c->claimed[k] && !add_enum_item(c, kind, k, d->items.v[k].vend))
            return 0;
    if (l->items.n > before)
        return 1;
    for (size_t p = h >= 0 ? (size_t)d->sections.v[h].para : 0; p < d->paras.n && d->paras.v[p].vstart < ve; p++) {
        if (d->paras.v[p].section != h || d->paras.v[p].role != HB_PARA_BODY)
            continue;
        size_t dash = dash_start(d, &d->paras.v[p]);
        if (dash && claimed_at(c, d->paras.v[p].vstart, d->paras.v[p].vend))
            continue;
        if (dash ? !add_dash_item(c, kind, &d->paras.v[p], dash, h)
                 : !add_sentences(c, kind, c->body_from[p], d->paras.v[p].vend, h))
            return 0;
    }
    return 1;
}

static int heading_lists(lists_ctx *c)
{
    hb_doc *d = c->d;
    for (size_t i = 0; i < d->sections.n; i++) {
        int kind = c->accepted[i];
        if (!kind)
            continue;
        hb_list *l = &c->r->list[kind];
        int h = descend(c, (int)i);
        if (l->found == HB_FOUND_NONE) {
            l->found = HB_FOUND_HEADING;
            l->section = h;
            l->vstart = d->sections.v[h].vstart;
        }
        /* 关于…的问题 （一） （二） … each heading one problem, its body what
         * was done about it: the headings are the items, not their sentences */
        const hb_section *s = &d->sections.v[h];
        int ok = h == (int)i && c->shape[i] == IN_RUN && (kind == HB_KIND_PROBLEMS || kind == HB_KIND_CAUSES)
                     ? add_item(c, kind, s->vstart, s->tstart, trim_end(d->view, s->tstart, s->vend), s->tend,
                                s->marker, h)
                     : container_items(c, kind, h);
        if (!ok)
            return 0;
    }
    return 1;
}

/* ---- implicit lists ----------------------------------------------------- */

/* Where a list starts: an inline one at its cue's sentence, so that the
 * section holding it (二、优化民生服务 …还存在一些短板：…) lies before it. */
static size_t list_start(const lists_ctx *c, int kind)
{
    const hb_list *l = &c->r->list[kind];
    return l->found == HB_FOUND_NONE     ? c->d->view_len
           : l->found == HB_FOUND_INLINE ? c->claimed_range[kind][0]
                                         : l->vstart;
}

/* A report's unlabelled top-level sections before its problems (or causes,
 * or plans) are its achievements (one such section is their heading);
 * without sections, its paragraphs are (bar one that only introduces:
 * 现将…汇报如下：). */
static int implicit_achievements(lists_ctx *c)
{
    hb_doc *d = c->d;
    const char *v = d->view;
    hb_list *l = &c->r->list[HB_KIND_ACHIEVEMENTS];
    size_t bound = list_start(c, HB_KIND_PROBLEMS);
    for (int k = HB_KIND_CAUSES; k <= HB_KIND_PLANS; k++)
        if (list_start(c, k) < bound)
            bound = list_start(c, k);
    int unlabelled = 0, only = -1;
    for (size_t j = 0; j < d->sections.n && d->sections.v[j].vstart < bound; j++)
        if (d->sections.v[j].parent < 0 && d->sections.v[j].kind == HB_KIND_OTHER)
            unlabelled++, only = (int)j;
    if (unlabelled == 1 && bound < d->view_len) {
        /* 一、这一年抓的几件事 then 二、存在的不足: one section holds the work
         * done, whatever its title says — a heading of the list */
        l->found = HB_FOUND_HEADING;
        l->section = only;
        l->vstart = d->sections.v[only].vstart;
        return container_items(c, HB_KIND_ACHIEVEMENTS, only);
    }
    for (size_t j = 0; j < d->sections.n && d->sections.v[j].vstart < bound; j++) {
        const hb_section *s = &d->sections.v[j];
        if (s->parent >= 0 || s->kind != HB_KIND_OTHER)
            continue;
        if (!add_item(c, HB_KIND_ACHIEVEMENTS, s->vstart, s->tstart, trim_end(v, s->tstart, s->vend), s->tend,
                      s->marker, (int)j))
            return 0;
    }
    for (size_t p = 0; !d->sections.n && p < d->paras.n && d->paras.v[p].vstart < bound; p++) {
        const hb_para *pa = &d->paras.v[p];
        size_t end = trim_end(v, pa->vstart, pa->vend), title = pa->vstart;
        if (pa->role != HB_PARA_BODY || end == pa->vstart || v[end - 1] == ':')
            continue;
        while (title < end && !stop_len(v, title, end))
            title += char_len(v, title);
        if (!add_item(c, HB_KIND_ACHIEVEMENTS, pa->vstart, pa->vstart, end, title, NULL, -1))
            return 0;
    }
    if (l->items.n)
        l->found = HB_FOUND_IMPLICIT;
    return 1;
}

/* The first top-level section with sections of its own whose title names
 * main tasks (二、重点任务, 本学期主要工作), -1 when none. */
static int tasks_heading(const lists_ctx *c)
{
    const hb_doc *d = c->d;
    for (size_t j = 0; j < d->sections.n; j++) {
        const hb_section *s = &d->sections.v[j];
        if (s->parent >= 0 || !(c->shape[j] & HAS_SECTIONS))
            continue;
        for (size_t i = 0; i < c->rules->ncues; i++) {
            const list_cue *q = &c->rules->cues[i];
            if (q->kind == KIND_TASKS && hb_lit_find(d->view + s->tstart, s->tend - s->tstart, q->part[0], q->len[0]))
                return (int)j;
        }
    }
    return -1;
}

/* ---- the stage ---------------------------------------------------------- */

hb_status hb_lists_run(hb_doc *d)
{
    hb_arena *a = &d->arena;
    struct hb_lists_result *r = hb_arena_alloc(a, sizeof *r);
    lists_ctx c = {.d = d, .rules = d->engine->lists, .r = r};
    if (!r || !(c.accepted = hb_arena_alloc(a, (d->sections.n + 1) * sizeof *c.accepted)) ||
        !(c.body_from = hb_arena_alloc(a, (d->paras.n + 1) * sizeof *c.body_from)) ||
        !(c.claimed = hb_arena_alloc(a, d->items.n + 1)))
        return HB_ERR_NOMEM;
    for (int k = 0; k <= HB_KIND_PLANS; k++)
        r->list[k].section = -1;
    c.plan_doc = d->doc_type && !strcmp(d->doc_type, "plan");
    for (size_t p = 0; p < d->paras.n; p++)
        c.body_from[p] = d->paras.v[p].vstart;
    for (size_t i = 0; i < d->sections.n; i++)
        c.body_from[d->sections.v[i].para] = d->sections.v[i].tend;

    accept_headings(&c);
    /* a plan (or a 规划 with a plans heading) laid out with a main-tasks
     * part: that part is the plans list, its sections the items, not the
     * 保障措施 after it; a part looking back (上学期工作回顾, 存在的不足)
     * keeps its own kind */
    int other_doc = d->doc_type && !strcmp(d->doc_type, "unknown");
    if (!(c.shape = section_shapes(&c)))
        return HB_ERR_NOMEM;
    int plans_headed = 0;
    for (size_t i = 0; i < d->sections.n; i++)
        plans_headed |= c.accepted[i] == HB_KIND_PLANS;
    /* titles are searched only where a tasks part counts: most reports are
     * neither plans nor unknown documents with a plans heading */
    int tasks = c.plan_doc || (other_doc && plans_headed) ? tasks_heading(&c) : -1;
    if (tasks >= 0)
        for (size_t i = 0; i < d->sections.n; i++)
            c.accepted[i] = (int)i == tasks ? HB_KIND_PLANS : c.accepted[i] == HB_KIND_PLANS ? 0 : c.accepted[i];
    unsigned headed = 0;
    for (size_t i = 0; i < d->sections.n; i++)
        headed |= c.accepted[i] ? BIT(c.accepted[i]) : 0;
    /* a plan document is all plans unless it is laid out in labelled parts */
    int plans_implicit = c.plan_doc && tasks < 0 && !(headed & BIT(HB_KIND_PLANS) && headed & ~BIT(HB_KIND_PLANS));
    if (plans_implicit)
        headed &= ~BIT(HB_KIND_PLANS);
    for (size_t i = 0; plans_implicit && i < d->sections.n; i++)
        if (c.accepted[i] == HB_KIND_PLANS)
            c.accepted[i] = 0;

    unsigned want = c.plan_doc ? 0 : ~headed & (BIT(HB_KIND_ACHIEVEMENTS) | BIT(HB_KIND_PROBLEMS) |
                                                BIT(HB_KIND_CAUSES) | BIT(HB_KIND_PLANS));
    /* shapes again: IN_RUN follows the headings accepted now */
    hb_arena_free(a, c.shape);
    if (!(c.shape = section_shapes(&c)) || !find_inline(&c, want) || !heading_lists(&c))
        return HB_ERR_NOMEM;
    if (plans_implicit) {
        if (!container_items(&c, HB_KIND_PLANS, -1))
            return HB_ERR_NOMEM;
        r->list[HB_KIND_PLANS].found = HB_FOUND_IMPLICIT;
    }
    /* a document that is neither report nor plan (a speech, an 意见) has
     * no work sections to read as achievements */
    if (!c.plan_doc && !other_doc && r->list[HB_KIND_ACHIEVEMENTS].found == HB_FOUND_NONE &&
        !implicit_achievements(&c))
        return HB_ERR_NOMEM;
    d->lists = r;
    /* the per-section and per-paragraph scratch: no later stage reads it */
    hb_arena_free(a, c.accepted);
    hb_arena_free(a, c.body_from);
    hb_arena_free(a, c.claimed);
    hb_arena_free(a, c.shape);
    hb_arena_free(a, c.hits.v);
    return HB_OK;
}

/* ---- output ------------------------------------------------------------- */

static const char *const FOUND_NAMES[] = {"none", "heading", "inline", "implicit"};

static const char *section_id(const hb_doc *d, int s)
{
    return s >= 0 ? d->sections.v[s].id : NULL;
}

static void item_json(hb_json_out *out, const hb_doc *d, const hb_list_item *it)
{
    hb_json_list_item(out, d,
                      &(hb_json_list_item_fields){.vs = it->vstart, .ts = it->tstart, .te = it->tend,
                                                  .title_end = it->title_end, .marker = it->marker,
                                                  .section = section_id(d, it->section)});
}

void hb_lists_json(hb_doc *d, hb_json_out *out)
{
    const struct hb_lists_result *r = d->lists;
    if (!r)
        return;
    for (int k = HB_KIND_ACHIEVEMENTS; k <= HB_KIND_PLANS; k++) {
        const hb_list *l = &r->list[k];
        hb_json_object_open(out, hb_kind_name(k));
        hb_json_str(out, "found", FOUND_NAMES[l->found]);
        hb_json_str(out, "section", section_id(d, l->section));
        hb_json_array_open(out, "items");
        for (size_t i = 0; i < l->items.n; i++)
            item_json(out, d, &l->items.v[i]);
        hb_json_array_close(out);
        hb_json_object_close(out);
    }
}
