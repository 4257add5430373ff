#include "docfacts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aho.h"
#include "chars.h"
#include "engine.h"
#include "extract.h"
#include "lines.h"
#include "markers.h"
#include "normalize.h"
#include "regex_lits.h"
#include "rules.h"
#include "units.h"

/* dict/doc_types.txt: `plan|report|other<TAB>title|end|opening<TAB>cue` */
enum { CUE_REPORT, CUE_PLAN, CUE_OTHER };
enum { AT_TITLE, AT_END, AT_OPENING };
typedef struct {
    char *cue;
    int type;      /* CUE_*: other is a document that is neither (a speech) */
    int place;     /* AT_*: anywhere in the title, ending it, in the opening paragraph */
} type_cue;

struct hb_docfact_rules {
    type_cue *cues;
    size_t ncues;
    /* the cues of places title and opening (not empty), values their
     * indexes: a line is read once for all of them (cue_in) */
    hb_ac *in_title, *in_opening;
    hb_regex *date;   /* a whole-line date: groups year, month, day */
    hb_regex *dateline; /* a line that opens with a date (2018年11月22日在…) */
    hb_regex *period; /* a year or span: groups from, to (span) or year */
    hb_wordlist orgs;   /* signature.txt: endings of organisation names */
    hb_wordlist labels; /* signature.txt: 述职人 … before a signer's name */
    hb_wordlist recipients; /* signature.txt: 各 … opening a long list of recipients */
    hb_wordlist opens;  /* title_words.txt: a second title line opening with one (及, 暨) */
    hb_wordlist leads;  /* title_words.txt: a first title line opening with one (关于, 在) goes on */
    hb_wordlist hangs;  /* title_words.txt: a first title line ending with one (…的) goes on */
    hb_wordlist roles;  /* signature.txt: 书记 局长 … after an organisation in a title */
    hb_wordlist reports; /* signature.txt: 现将 … before the reporting organisation in the opening */
    hb_wordlist holds;  /* signature.txt: 担任 当选 … before an organisation and a post in the opening */
    hb_wordlist announces; /* signature.txt: 如下: the opening sentence naming what is reported */
};

static int add_cue(void *ctx, char **f, int nf, const char *file, int line, hb_error *err)
{
    struct hb_docfact_rules *r = ctx;
    (void)nf;
    static const char *const types[] = {"report", "plan", "other"}, *const places[] = {"title", "end", "opening"};
    int type = 0, place = 0;
    while (type < 3 && strcmp(f[0], types[type]))
        type++;
    while (place < 3 && strcmp(f[1], places[place]))
        place++;
    if (type == 3)
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "unknown type '%s' (use report, plan or other)", f[0]);
    if (place == 3)
        return hb_dict_fail(err, HB_ERR_DICT, file, line, 0, "unknown place '%s' (use title, end or opening)", f[1]);
    type_cue *nc = realloc(r->cues, (r->ncues + 1) * sizeof *nc);
    if (!nc || !(f[2] = strdup(f[2])))
        return hb_dict_fail(err, HB_ERR_NOMEM, file, line, 0, "out of memory");
    r->cues = nc;
    nc[r->ncues++] = (type_cue){f[2], type, place};
    return 0;
}

/* A whole-line date in numerals or digits (2023年12月20日, 二〇二三年十二月,
 * 2023.12.20, 2023-12-20, 2023/12/20): groups year, month and, unless only
 * a month is written, day.  Kept here rather than in dict/ because the ISO
 * conversion below depends on the group layout. */
static const char DATE_RE[] =
    "^(?|(\\d{4}|[〇○零一二三四五六七八九]{4})\\s*年\\s*(\\d{1,2}|[一二三四五六七八九十]{1,3})\\s*月"
    "(?:\\s*(\\d{1,2}|[一二三四五六七八九十]{1,3})\\s*日)?"
    "|(\\d{4})(?|\\.(\\d{1,2})\\.(\\d{1,2})|-(\\d{1,2})-(\\d{1,2})|/(\\d{1,2})/(\\d{1,2})))$";

static const char DATELINE_RE[] =
    "^[(（]?\\s*(\\d{4}|[〇○零一二三四五六七八九]{4})\\s*年\\s*(\\d{1,2}|[一二三四五六七八九十]{1,3})\\s*月";
/* The period a report is about, as its title or opening writes it:
 * 2021—2023年, 2021年至2023年, 2023—2024学年(度)(第一学期) (groups 1, 2) or
 * 2023年, 2023年度, 二〇二三年度, 2024年上半年, 2024年第三季度 (group 3); a
 * year in digits or in four Chinese numerals (○ for 〇, as dates write it).
 * Here for the same reason as DATE_RE. */
#define YEAR_RE "(\\d{4}|[〇○零一二三四五六七八九]{4})"
static const char PERIOD_RE[] =
    YEAR_RE "\\s*(?:学?年度?)?\\s*[-~至到—–]{1,2}\\s*" YEAR_RE
    "\\s*(?:学年度?(?:第[一二12]学期|[上下]学期)?|年度?)"
    "|" YEAR_RE "\\s*年(?:度|上半年|下半年|前三季度|第?[一二三四1-4]季度|(?:1[0-2]|[1-9])月(?:份)?)?";
#undef YEAR_RE

/* Whether a cue is looked for by its place's automaton; the others (end
 * cues, empty ones) one by one. */
static int by_automaton(const type_cue *c)
{
    return c->place != AT_END && c->cue[0];
}

/* The automaton of the cues of a place (by_automaton) into *ac. */
static hb_status build_cues(struct hb_engine *e, int place, hb_ac **ac, hb_error *err)
{
    const struct hb_docfact_rules *r = e->docfacts;
    if (!(*ac = hb_ac_new()))
        return HB_ERR_NOMEM;
    for (size_t i = 0; i < r->ncues; i++)
        if (r->cues[i].place == place && by_automaton(&r->cues[i]) &&
            !hb_ac_add(*ac, r->cues[i].cue, strlen(r->cues[i].cue), (int)i))
            return HB_ERR_NOMEM;
    return hb_engine_build_ac(e, *ac, err);
}

hb_status hb_docfacts_load(struct hb_engine *e, hb_error *err)
{
    e->docfacts = calloc(1, sizeof *e->docfacts);
    if (!e->docfacts)
        return HB_ERR_NOMEM;
    e->docfacts->date = hb_regex_compile(e, DATE_RE, 0, "docfacts.c", 0, err);
    if (!e->docfacts->date || !(e->docfacts->dateline = hb_regex_compile(e, DATELINE_RE, 0, "docfacts.c", 0, err)))
        return HB_ERR_REGEX;
    /* anchored: tried only where a year's characters start (period_match) */
    e->docfacts->period = hb_regex_compile(e, PERIOD_RE, PCRE2_ANCHORED, "docfacts.c", 0, err);
    if (!e->docfacts->period)
        return HB_ERR_REGEX;
    /* an overlay's PLACE and CUE replace the shipped type of that cue */
    hb_status st = hb_dict_read(e, "doc_types.txt", 3, 3, HB_DICT_FOLD | HB_DICT_KEY(1) | HB_DICT_KEY(2), add_cue,
                                e->docfacts, err);
    if (st == HB_OK)
        st = build_cues(e, AT_TITLE, &e->docfacts->in_title, err);
    if (st == HB_OK)
        st = build_cues(e, AT_OPENING, &e->docfacts->in_opening, err);
    if (st != HB_OK)
        return st;
    st = hb_kind_lists_read(e, "signature.txt",
                            (const char *const[]){"org", "label", "role", "recipient", "reports", "holds", "announce"},
                            (hb_wordlist *const[]){&e->docfacts->orgs, &e->docfacts->labels, &e->docfacts->roles,
                                                   &e->docfacts->recipients, &e->docfacts->reports,
                                                   &e->docfacts->holds, &e->docfacts->announces},
                            7, err);
    if (st != HB_OK)
        return st;
    return hb_kind_lists_read(e, "title_words.txt", (const char *const[]){"opens", "leads", "hangs"},
                              (hb_wordlist *const[]){&e->docfacts->opens, &e->docfacts->leads, &e->docfacts->hangs},
                              3, err);
}

void hb_docfacts_unload(struct hb_engine *e)
{
    struct hb_docfact_rules *r = e->docfacts;
    if (!r)
        return;
    for (size_t i = 0; i < r->ncues; i++)
        free(r->cues[i].cue);
    free(r->cues);
    hb_ac_free(r->in_title);
    hb_ac_free(r->in_opening);
    hb_wordlist_free(&r->orgs);
    hb_wordlist_free(&r->labels);
    hb_wordlist_free(&r->opens);
    hb_wordlist_free(&r->leads);
    hb_wordlist_free(&r->hangs);
    hb_wordlist_free(&r->recipients);
    hb_wordlist_free(&r->roles);
    hb_wordlist_free(&r->reports);
    hb_wordlist_free(&r->holds);
    hb_wordlist_free(&r->announces);
    hb_regex_free(r->date);
    hb_regex_free(r->dateline);
    hb_regex_free(r->period);
    free(r);
}

static int contains(const char *s, size_t len, const char *lit)
{
    return hb_lit_find(s, len, lit, strlen(lit)) != NULL;
}

/* No sentence punctuation at all: what title and signature lines look like. */
static int unpunctuated(const char *s, size_t len)
{
    return !contains(s, len, "。") && !memchr(s, ',', len) && !memchr(s, ';', len) &&
           !memchr(s, ':', len) && !memchr(s, '!', len) && !memchr(s, '?', len);
}

/* Whether the paragraph is wider than limit columns (hb_display_width):
 * a character takes one or two, so a column or more per three bytes and
 * at most one per byte; only a length between limit and three times it
 * is measured. */
static int wider(const hb_doc *d, const hb_para *p, size_t limit)
{
    size_t n = p->vend - p->vstart;
    if (n <= limit || n > 3 * limit)
        return n > limit;
    return (size_t)hb_display_width(d->view + p->vstart, n) > limit;
}

static int is_heading(const hb_doc *d, const hb_para *p)
{
    hb_marker m;
    int fam, num;
    size_t ml;
    const char *s = d->view + p->vstart;
    size_t n = p->vend - p->vstart;
    return hb_heading_marker(&d->engine->counts_on, s, n, &m) || hb_item_marker(s, n, &fam, &num, &ml);
}

/* 〇 零 一 … 九 and 十 as a date writes them (no 两). */
static int cn_digit_value(int cp)
{
    if (cp == 0x25CB) /* ○ written for 〇 in a date (二○二○年); elsewhere a mask */
        return 0;
    unsigned cls;
    int v = hb_cn_numeral(cp, &cls);
    return v >= 0 && v <= 10 && cp != 0x4E24 /* 两 */ ? v : -1;
}

/* Value of a date field in digits or Chinese numerals: 二〇二三 is read
 * digit by digit, 十二 and 二十一 as tens; -1 when it is neither. */
static int date_field(const char *s, size_t len)
{
    if (len && s[0] >= '0' && s[0] <= '9')
        return atoi(s);
    int v = 0, tens = -1, cp;
    for (size_t i = 0; i < len;) {
        i += (size_t)hb_utf8_next(s + i, len - i, &cp);
        int dg = cn_digit_value(cp);
        if (dg < 0)
            return -1;
        if (dg == 10)
            tens = v ? v : 1, v = 0;
        else
            v = v * 10 + dg;
    }
    return tens >= 0 ? tens * 10 + v : v;
}

/* Whether a character may be one of a year's four in DATE_RE and PERIOD_RE:
 * a digit of \d, which PCRE2_UCP makes any script's (none lies in the
 * ranges below, U+2000..U+9FFF and U+AC00..U+FFFF but the fullwidth
 * digits), or 〇○零一…九. */
static int year_char(int cp)
{
    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    if (cp < 0x660)
        return 0;
    if ((cp >= 0x2000 && cp < 0xA000) || (cp >= 0xAC00 && cp < 0x10000 && (cp < 0xFF10 || cp > 0xFF19))) {
        int v = cn_digit_value(cp);
        return v >= 0 && v <= 9;
    }
    return 1;
}

/* The first place in s[from..to) where four characters that may write a
 * year start (year_char), to when none: no match of DATE_RE or PERIOD_RE
 * starts before it, and a PCRE2 call costs some thousands of instructions
 * on a paragraph without one. */
static size_t year_chars_at(const char *s, size_t from, size_t to)
{
    size_t run = 0, start = from;
    for (size_t i = from; i < to;) {
        if (to - i >= 3 && hb_plain_han3((const unsigned char *)s + i)) {
            run = 0, i += 3; /* most of the text: Han, no numeral, told undecoded */
            continue;
        }
        int cp;
        size_t n = (size_t)hb_utf8_next(s + i, to - i, &cp);
        if (!year_char(cp))
            run = 0;
        else if (run++ == 0)
            start = i;
        if (run == 4)
            return start;
        i += n;
    }
    return to;
}

static int parse_date(hb_doc *d, const char *s, size_t n, pcre2_match_data *md, char iso[11])
{
    /* a date line opens with a year: four characters, 16 bytes at most */
    if (year_chars_at(s, 0, n < 16 ? n : 16) != 0 || hb_regex_match(d->engine, d->engine->docfacts->date, s, n, 0, md) < 0)
        return 0;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    int y = date_field(s + ov[2], ov[3] - ov[2]);
    int mo = date_field(s + ov[4], ov[5] - ov[4]);
    int da = ov[6] == PCRE2_UNSET ? 0 : date_field(s + ov[6], ov[7] - ov[6]);
    if (mo < 1 || mo > 12 || da < 0 || da > 31 || y < 1000 || y > 9999)
        return 0;
    iso[0] = '\0'; /* a month without its day is a date line but no ISO date */
    if (da > 0)
        snprintf(iso, 11, "%04d-%02d-%02d", y, mo, da);
    return 1;
}

/* PERIOD_RE's first match in view[vs..ve) into md; 0 when none.  The
 * pattern is anchored and tried at each place four year characters start,
 * in order: what an unanchored search would find, without PCRE2 trying
 * every Han character (its first bytes include E4..E9). */
static int period_match(hb_doc *d, size_t vs, size_t ve, pcre2_match_data *md)
{
    for (size_t at = year_chars_at(d->view, vs, ve); at < ve;
         at = year_chars_at(d->view, at + (size_t)hb_utf8_len((unsigned char)d->view[at]), ve))
        if (hb_regex_match(d->engine, d->engine->docfacts->period, d->view, ve, at, md) >= 0)
            return 1;
    return 0;
}

/* The paragraph stops inside a sentence (…12次，推动各项工作): it holds
 * punctuation, so it is prose, yet does not end with a sentence's last mark.
 * What follows it is the rest of that sentence. */
static int ends_mid_sentence(const hb_doc *d, const hb_para *p)
{
    static const char *const finals[] = {"。", "！", "？", "…", "”", "」", "』", "）", "!", "?", ";", ":", ")", "."};
    const char *s = d->view + p->vstart;
    size_t n = p->vend - p->vstart;
    if (unpunctuated(s, n) || is_heading(d, p))
        return 0;
    for (size_t i = 0; i < sizeof finals / sizeof *finals; i++) {
        size_t k = strlen(finals[i]);
        if (n >= k && memcmp(s + n - k, finals[i], k) == 0)
            return 0;
    }
    return 1;
}

static int ends_with_org(const hb_doc *d, const char *s, size_t len)
{
    return hb_wordlist_suffix(&d->engine->docfacts->orgs, s, len) != NULL;
}

/* A short word that ends with no organisation word of signature.txt: the
 * signer's own name (周立新), not an organisation. */
static int is_person(const hb_doc *d, const char *s, size_t len)
{
    return len > 0 && hb_utf8_count(s, len) <= 4 && !memchr(s, ' ', len) && !ends_with_org(d, s, len);
}

/* Where the name starts in 述职人：…王××, or 0 when the line is no such
 * label: the last word after the label (a title may come before it). */
static size_t name_after_label(const hb_doc *d, const char *s, size_t len)
{
    const hb_rule_word *label = hb_wordlist_prefix(&d->engine->docfacts->labels, s, len);
    size_t n = label ? label->len : 0;
    if (!label || len <= n + 1 || s[n] != ':')
        return 0;
    size_t at = len;
    while (at > n + 1 && s[at - 1] == ' ')
        at--;
    size_t end = at;
    while (at > n + 1 && s[at - 1] != ' ')
        at--;
    return at < end ? at : 0;
}

/* The offset past the last space of s[0..n), 0 when none: one memrchr,
 * not a step back a byte at a time through a last paragraph that is most
 * often body text (an eighth of the stage on a batch of small reports). */
static size_t after_last_space(const char *s, size_t n)
{
    const char *p = memrchr(s, ' ', n);
    return p ? (size_t)(p - s) + 1 : 0;
}

static void find_signature(hb_doc *d, pcre2_match_data *md)
{
    if (d->paras.n < 2)
        return;
    size_t last = d->paras.n - 1;
    char iso[11];
    int date_para = -1, org_para = -1, name_para = -1;
    const hb_para *l = &d->paras.v[last];
    const char *ls = d->view + l->vstart;
    size_t ln = l->vend - l->vstart, sp = after_last_space(ls, ln);
    size_t head = sp;
    while (head > 0 && ls[head - 1] == ' ')
        head--;
    if (parse_date(d, ls, ln, md, iso))
        date_para = (int)last;
    else if (head > 0 && !wider(d, l, 60) && ends_with_org(d, ls, head) && unpunctuated(ls, head) &&
             parse_date(d, ls + sp, ln - sp, md, iso)) {
        /* 沧源县政府　2024年1月: organisation and date on one line */
        d->sign_date = *iso ? hb_arena_strndup(&d->arena, iso, 10) : NULL;
        d->sign_org = hb_doc_orig(d, l->vstart, l->vstart + head);
        d->paras.v[last].role = HB_PARA_SIGNATURE;
        d->sign_line = l->first_line;
        return;
    }
    size_t org_at = date_para >= 0 ? last - 1 : last;
    const hb_para *o = &d->paras.v[org_at];
    const char *os = d->view + o->vstart;
    size_t on = o->vend - o->vstart, name_from = 0, org_end = o->vend;
    /* a text cut mid-sentence ends with the rest of that sentence, no signature */
    if (date_para < 0 && org_at > 0 && ends_mid_sentence(d, &d->paras.v[org_at - 1]))
        return;
    int after_head = (int)org_at > d->addressee_para && (int)org_at > d->title_para;
    if (after_head && !wider(d, o, 60) && unpunctuated(os, on) && !is_heading(d, o) &&
        (date_para >= 0 || org_at + 1 == d->paras.n))
        org_para = (int)org_at;
    /* an organisation line alone must be at the very end and look like a name */
    if (date_para < 0 && org_para >= 0 && wider(d, o, 40))
        org_para = -1;
    sp = after_last_space(os, on); /* 青山街道党工委书记　陈××: a title, then the name */
    if (org_para >= 0 && is_person(d, os + sp, on - sp)) {
        name_para = org_para, name_from = sp;
        head = sp;
        while (head > 0 && os[head - 1] == ' ')
            head--;
        if (!head || is_person(d, os, head) || !ends_with_org(d, os, head))
            org_para = -1;
        else
            org_end = o->vstart + head;
    } else if (org_para < 0 && after_head && !wider(d, o, 60) && (name_from = name_after_label(d, os, on)))
        name_para = (int)org_at;
    if (date_para < 0 && org_para < 0 && name_para < 0)
        return;
    if (date_para >= 0) {
        d->sign_date = *iso ? hb_arena_strndup(&d->arena, iso, 10) : NULL;
        d->paras.v[date_para].role = HB_PARA_SIGNATURE;
        d->sign_line = d->paras.v[date_para].first_line;
    }
    if (org_para >= 0)
        d->sign_org = hb_doc_orig(d, o->vstart, org_end);
    if (name_para >= 0)
        d->sign_name = hb_doc_orig(d, o->vstart + name_from, o->vend);
    if (org_para >= 0 || name_para >= 0) {
        d->paras.v[org_at].role = HB_PARA_SIGNATURE;
        d->sign_line = o->first_line;
    }
}

/* The earliest cue of a place and type in a text: its offset and index
 * (the first listed of those at one offset), as memmem over each in the
 * file's order would find it. */
typedef struct {
    const struct hb_docfact_rules *r;
    int want;           /* CUE_* or -1: any */
    long best;          /* -1: none yet */
    size_t index;
} cue_best;

static void cue_offer(cue_best *b, long at, size_t i)
{
    if (b->best < 0 || at < b->best || (at == b->best && i < b->index))
        b->best = at, b->index = i;
}

static int on_cue_hit(void *ctx, size_t start, size_t end, int value)
{
    cue_best *b = ctx;
    (void)end;
    if (b->want < 0 || b->r->cues[value].type == b->want)
        cue_offer(b, (long)start, (size_t)value);
    return 1;
}

/* The earliest cue of place (title or opening; end cues count with title,
 * only where they end the text) and type want (-1: any) in s[0..n): its
 * offset, or -1; *type gets its CUE_* type.  The place's automaton finds
 * its cues in one pass; end and empty cues are compared one by one. */
static long cue_in(const struct hb_docfact_rules *r, int place, const char *s, size_t n, int want, int *type)
{
    cue_best b = {r, want, -1, 0};
    hb_ac_scan_all(place == AT_TITLE ? r->in_title : r->in_opening, s, n, on_cue_hit, &b);
    for (size_t i = 0; i < r->ncues; i++) {
        const type_cue *c = &r->cues[i];
        if (by_automaton(c) || (want >= 0 && c->type != want) ||
            (place == AT_OPENING ? c->place != AT_OPENING : c->place == AT_OPENING))
            continue;
        size_t cl = strlen(c->cue);
        if (c->place != AT_END)
            cue_offer(&b, 0, i); /* an empty cue is found at once */
        else if (n >= cl && memcmp(s + n - cl, c->cue, cl) == 0)
            cue_offer(&b, (long)(n - cl), i);
    }
    if (b.best >= 0)
        *type = r->cues[b.index].type;
    return b.best;
}

/* Lines of the title block, before the addressee and the body. */
enum { HEAD_TEXT, HEAD_DATE, HEAD_SUB, HEAD_SPEAKER, HEAD_AUTHORITY, HEAD_MASTHEAD };
enum { HEAD_MAX = 8, LATE_MAX = 4 };

static int starts_with_date(const hb_doc *d, const char *s, size_t n, pcre2_match_data *md)
{
    size_t ov[2];
    return hb_regex_find(d->engine, d->engine->docfacts->dateline, s, n, 0, md, ov);
}

static int head_kind(const hb_doc *d, const hb_para *p, pcre2_match_data *md)
{
    const char *s = d->view + p->vstart;
    size_t n = p->vend - p->vstart;
    int type;
    int cue = cue_in(d->engine->docfacts, AT_TITLE, s, n, -1, &type) >= 0;
    /* ——在全县工作会议上的讲话: a subtitle */
    if (n >= 3 && (memcmp(s, "—", 3) == 0 || memcmp(s, "--", 2) == 0))
        return HEAD_SUB;
    /* 2018年11月22日在…会议上, （二〇二四年一月十日）: a dateline, unless
     * it opens a title (2024年1月至6月工作总结) */
    if (starts_with_date(d, s, n, md) && (!cue || type == CUE_OTHER))
        return HEAD_DATE;
    if (cue)
        return HEAD_TEXT;
    size_t sp = n;
    while (sp > 0 && s[sp - 1] != ' ')
        sp--;
    /* 县人民政府县长　王××, or a name alone: the speaker */
    if ((sp > 0 && is_person(d, s + sp, n - sp)) || is_person(d, s, n))
        return HEAD_SPEAKER;
    return ends_with_org(d, s, n) ? HEAD_AUTHORITY : HEAD_TEXT;
}

/* Commas in a 称谓 that lists recipients (各乡镇人民政府，县直各单位，局机关
 *各股室、各下属单位): it opens with a recipient word of signature.txt or
 * its first part names an organisation, and no part is as long as a clause. */
static int recipient_list(const hb_doc *d, const char *s, size_t n)
{
    const struct hb_docfact_rules *r = d->engine->docfacts;
    const char *comma = memchr(s, ',', n);
    if (!hb_wordlist_prefix(&r->recipients, s, n) && !ends_with_org(d, s, (size_t)(comma - s)))
        return 0;
    for (const char *at = s, *end = s + n; at < end;) {
        const char *c = memchr(at, ',', (size_t)(end - at));
        if (!c)
            c = end;
        if (hb_utf8_count(at, (size_t)(c - at)) > 20)
            return 0;
        at = c + 1;
    }
    return 1;
}

/* The 称谓: a short line ending with ：, no sentence punctuation but a comma
 * between recipients (尊敬的各位领导，同志们：), and no 如下 (现将…汇报如下：). */
static int is_addressee(const hb_doc *d, const hb_para *a)
{
    const char *s = d->view + a->vstart;
    size_t n = a->vend - a->vstart;
    if (n < 2 || s[n - 1] != ':' || wider(d, a, 120) || is_heading(d, a) || contains(s, n - 1, "如下"))
        return 0;
    if (contains(s, n - 1, "。") || memchr(s, ';', n - 1) || memchr(s, ':', n - 1) || memchr(s, '!', n - 1) ||
        memchr(s, '?', n - 1))
        return 0;
    if (!memchr(s, ',', n - 1))
        return !wider(d, a, 80);
    return !wider(d, a, 40) || recipient_list(d, s, n - 1);
}

static void set_title(hb_doc *d, size_t from, size_t to)
{
    char *joined = NULL;
    size_t len = 0;
    for (size_t k = from; k <= to; k++) {
        const hb_para *t = &d->paras.v[k];
        const char *part = hb_doc_orig(d, t->vstart, t->vend);
        char *nj = part ? realloc(joined, len + strlen(part) + 1) : NULL;
        if (!nj)
            break;
        memcpy(nj + len, part, strlen(part) + 1);
        joined = nj, len += strlen(part);
        d->paras.v[k].role = HB_PARA_TITLE;
    }
    d->title_para = (int)from;
    d->title = joined ? hb_arena_strndup(&d->arena, joined, len) : NULL;
    free(joined);
}

/* The title block from paragraph start: up to HEAD_MAX masthead lines and
 * short unpunctuated lines that are no heading.  Their kinds go to kind[];
 * returns how many there are. */
static size_t head_block(const hb_doc *d, size_t start, int *kind, pcre2_match_data *md)
{
    size_t nhead = 0;
    while (nhead < HEAD_MAX && start + nhead + 1 < d->paras.n) {
        const hb_para *t = &d->paras.v[start + nhead];
        const char *s = d->view + t->vstart;
        size_t n = t->vend - t->vstart;
        if (hb_layout_masthead(d, s, n, md))
            kind[nhead++] = HEAD_MASTHEAD;
        else if (wider(d, t, 100) || !unpunctuated(s, n) || is_heading(d, t))
            break;
        else
            kind[nhead++] = head_kind(d, t, md);
    }
    return nhead;
}

/* The block's first plain line naming a kind of document, or -1. */
static int cue_line(const hb_doc *d, size_t start, const int *kind, size_t nhead)
{
    int type;
    for (size_t k = 0; k < nhead; k++) {
        const hb_para *t = &d->paras.v[start + k];
        if (kind[k] == HEAD_TEXT &&
            cue_in(d->engine->docfacts, AT_TITLE, d->view + t->vstart, t->vend - t->vstart, -1, &type) >= 0)
            return (int)k;
    }
    return -1;
}

static int ends_sentence(const hb_doc *d, const hb_para *p)
{
    const char *s = d->view + p->vstart;
    size_t n = p->vend - p->vstart;
    return (n >= 3 && memcmp(s + n - 3, "。", 3) == 0) || (n && (s[n - 1] == '!' || s[n - 1] == '?'));
}

/* Where the title block starts when page text the layout rules do not know
 * (a site's own toolbar or field line) stands above the title: after up to
 * LATE_MAX short lines that end no sentence and are no heading or 称谓, the
 * first block holding a line that names a kind of document.  0 when the
 * first block has one or no later block does. */
static size_t late_start(const hb_doc *d, int *kind, size_t *nhead, int *title, pcre2_match_data *md)
{
    int k2[HEAD_MAX];
    for (size_t s0 = 1; *title < 0 && s0 <= LATE_MAX && s0 < d->paras.n; s0++) {
        const hb_para *p = &d->paras.v[s0 - 1];
        if (is_heading(d, p) || wider(d, p, 100) || ends_sentence(d, p) || is_addressee(d, p))
            break;
        size_t n2 = head_block(d, s0, k2, md);
        int t2 = cue_line(d, s0, k2, n2);
        if (t2 >= 0) {
            memcpy(kind, k2, n2 * sizeof *kind);
            *nhead = n2, *title = t2;
            return s0;
        }
    }
    return 0;
}

/* The title block: up to HEAD_MAX short unpunctuated lines before the
 * addressee, the first heading or the body.  The title is its first line
 * naming a kind of document (or else its first plain line), with a plain
 * line, an issuing authority or an opening fragment before it joined, and a
 * continuation after it (及2024年工作计划); the other lines (masthead,
 * subtitle, dateline, speaker) are HEAD. */
static int find_title_and_addressee(hb_doc *d, pcre2_match_data *md)
{
    d->title_para = d->addressee_para = -1;
    if (d->paras.n == 0)
        return 1;
    const struct hb_docfact_rules *r = d->engine->docfacts;
    int kind[HEAD_MAX];
    size_t nhead = head_block(d, 0, kind, md);
    int title = cue_line(d, 0, kind, nhead), type;
    size_t start = title < 0 ? late_start(d, kind, &nhead, &title, md) : 0;
    hb_para *const p = d->paras.v + start;
    /* no line names the kind: the line above a subtitle (a slogan title may
     * end like an organisation: …开新局), else the first plain line */
    for (size_t k = 1; k < nhead && title < 0; k++)
        if (kind[k] == HEAD_SUB && (kind[k - 1] == HEAD_TEXT || kind[k - 1] == HEAD_AUTHORITY))
            title = (int)k - 1;
    for (size_t k = 0; k < nhead && title < 0; k++)
        if (kind[k] == HEAD_TEXT)
            title = (int)k;
    size_t from = (size_t)title, to = (size_t)title;
    /* 县人力资源和社会保障局 / 2025年工作要点: the organisation is the first
     * part of the title (发文机关+事由+文种), unless the title repeats it */
    if (title > 0 && !wider(d, &p[title - 1], 60) &&
        (kind[title - 1] == HEAD_TEXT || kind[title - 1] == HEAD_AUTHORITY) &&
        !(p[title].vend - p[title].vstart >= p[title - 1].vend - p[title - 1].vstart &&
          memcmp(d->view + p[title].vstart, d->view + p[title - 1].vstart, p[title - 1].vend - p[title - 1].vstart) == 0))
        from--;
    /* 中共××委员会 / 关于2024年度 / …的报告: the issuer before a first line
     * that goes on (关于, 在) */
    if (from < (size_t)title && from > 0 && kind[from - 1] == HEAD_AUTHORITY &&
        hb_wordlist_prefix(&r->leads, d->view + p[from].vstart, p[from].vend - p[from].vstart))
        from--;
    if (title >= 0 && to + 1 < nhead) {
        /* a title broken over two lines: the second short and naming the
         * kind (a title cue of doc_types.txt) or opening with 及, 和, 暨; or
         * the first unfinished: ending with 的, or opening with 关于, 在 and
         * naming no kind (then a short word such as 通知 is no speaker) */
        const hb_para *t = &p[to], *u = &p[to + 1];
        const char *us = d->view + u->vstart, *ts = d->view + t->vstart;
        size_t un = u->vend - u->vstart, tn = t->vend - t->vstart;
        int unfinished = hb_wordlist_suffix(&r->hangs, ts, tn) ||
                         (hb_wordlist_prefix(&r->leads, ts, tn) && cue_in(r, AT_TITLE, ts, tn, -1, &type) < 0);
        if (!wider(d, u, 60) && (kind[to + 1] == HEAD_TEXT || (unfinished && kind[to + 1] == HEAD_SPEAKER)) &&
            (unfinished || cue_in(r, AT_TITLE, us, un, -1, &type) >= 0 ||
             hb_wordlist_prefix(&r->opens, us, un)))
            to++;
    }
    if (title >= 0)
        set_title(d, start + from, start + to);
    for (size_t k = 0; k < start; k++)
        if (d->paras.v[k].role == HB_PARA_BODY)
            d->paras.v[k].role = HB_PARA_HEAD;
    for (size_t k = 0; k < nhead; k++)
        if (p[k].role == HB_PARA_BODY && (title >= 0 || kind[k] != HEAD_TEXT))
            p[k].role = HB_PARA_HEAD;
    /* the addressee ends the title block, or follows it within two short lines */
    for (size_t k = start + nhead; k < d->paras.n && k <= start + nhead + 2; k++) {
        const hb_para *a = &d->paras.v[k];
        if (is_addressee(d, a)) {
            d->addressee_para = (int)k;
            d->paras.v[k].role = HB_PARA_ADDRESSEE;
            d->addressee = hb_doc_orig(d, a->vstart, a->vend - 1);
            break;
        }
        if (wider(d, a, 60) || is_heading(d, a))
            break;
    }
    return !start || hb_doc_warn(d, "web-furniture", d->paras.v[0].first_line,
                                 "%zu line%s above the title skipped as page text", start, start == 1 ? "" : "s");
}

/* A cue of type want (-1: any) in the lines of the given role among the
 * first lines: the earliest one's type, or -1. */
static int block_cue(const hb_doc *d, int role, int want)
{
    int type, found = -1;
    for (size_t k = 0; found < 0 && k < d->paras.n && k < HEAD_MAX + LATE_MAX + 3; k++) {
        const hb_para *p = &d->paras.v[k];
        if (p->role == role &&
            cue_in(d->engine->docfacts, AT_TITLE, d->view + p->vstart, p->vend - p->vstart, want, &type) >= 0)
            found = type;
    }
    return found;
}

/* The type from the title and subtitle lines, else the opening paragraph,
 * else the first short lines before any heading (a title no block took:
 * 某镇2024年工作总结 under a line of page text ending a sentence).
 * A cue of type other anywhere in the title block (在…会议上的讲话) makes the
 * type unknown; else the cue written first in the title decides (2023年工作
 * 总结和2024年工作计划 is a report), then the one in a subtitle. */
static void find_doc_type(hb_doc *d)
{
    static const char *const names[] = {"report", "plan", "unknown"};
    const struct hb_docfact_rules *r = d->engine->docfacts;
    int found = block_cue(d, HB_PARA_TITLE, CUE_OTHER);
    if (found < 0)
        found = block_cue(d, HB_PARA_HEAD, CUE_OTHER);
    if (found < 0)
        found = block_cue(d, HB_PARA_TITLE, -1);
    if (found < 0)
        found = block_cue(d, HB_PARA_HEAD, -1);
    /* NULL: undecided, left to the headings (sections.c); "unknown" when
     * a cue of type other decided it */
    d->doc_type = found >= 0 ? names[found] : NULL;
    if (found >= 0)
        return;
    const hb_para *p = NULL;
    for (size_t k = 0; k < d->paras.n && !p; k++)
        if (d->paras.v[k].role == HB_PARA_BODY)
            p = &d->paras.v[k];
    if (!p)
        return;
    int type;
    if (cue_in(r, AT_OPENING, d->view + p->vstart, p->vend - p->vstart, -1, &type) >= 0)
        d->doc_type = names[type];
    for (size_t k = 0; !d->doc_type && k < d->paras.n && k < HEAD_MAX + LATE_MAX; k++) {
        const hb_para *q = &d->paras.v[k];
        if (is_heading(d, q))
            break;
        if (q->role == HB_PARA_BODY && !wider(d, q, 100) &&
            cue_in(r, AT_TITLE, d->view + q->vstart, q->vend - q->vstart, -1, &type) >= 0)
            d->doc_type = names[type];
    }
}

/* Whether a year's number ending at v[at] is a year: 年 or 学年 follows,
 * or a range to a year that is one (2024—2026年, 2023—2024学年, 2021至2023年). */
static int year_follows(const char *v, size_t len, size_t at)
{
    static const char *const dashes[] = {"\xE2\x80\x94\xE2\x80\x94", "\xE2\x80\x94", "\xE2\x80\x93", "-",
                                         "~", "至", "到"};
    while (at < len && v[at] == ' ')
        at++;
    if ((at + 3 <= len && memcmp(v + at, "年", 3) == 0) || (at + 6 <= len && memcmp(v + at, "学年", 6) == 0))
        return 1;
    for (size_t k = 0; k < sizeof dashes / sizeof *dashes; k++) {
        size_t n = strlen(dashes[k]), y = at + n;
        if (at + n > len || memcmp(v + at, dashes[k], n) != 0)
            continue;
        if (y + 4 < len && (v[y] == '1' || v[y] == '2') && v[y + 1] >= '0' && v[y + 1] <= '9' &&
            v[y + 2] >= '0' && v[y + 2] <= '9' && v[y + 3] >= '0' && v[y + 3] <= '9')
            return year_follows(v, len, y + 4) == 1;
        return 0;
    }
    return 0;
}

/* The bytes of the eight of w where a year may start, as high bits: a '1'
 * or '2', or 一 or 二 (E4 B8 80, E4 BA 8C: E4 alone leads a tenth of Han
 * text; an E4 whose next bytes lie past w counts). */
static uint64_t year_starts8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u;
    /* digits only in words holding ASCII; B8 and BA, which differ in bit 1
     * alone, as one byte, only after an E4 */
    uint64_t m = ~w & ones * 0x80 ? hb_bytes_eq8(w, '1') | hb_bytes_eq8(w, '2') : 0, e4 = hb_bytes_eq8(w, 0xE4);
    if (!e4)
        return m;
    /* the third byte, 80 or 8C (84 and 88 let through), turns away the
     * other characters of U+4E00..U+4E3F and U+4E80..U+4EBF (上 不 人 以 …) */
    uint64_t second = hb_bytes_eq8(w | ones * 2, 0xBA) >> 8 | 1ull << 63;
    uint64_t third = hb_bytes_eq8(w | ones * 0x0C, 0x8C) >> 16 | 1ull << 63 | 1ull << 55;
    return m | (e4 & second & third);
}

/* Whether v (six bytes readable) opens a year of 1900..2099 written in
 * numerals: 一九, or 二 and 〇 (○, 零).  一 and 二 alone lead many words. */
static int numeral_year_opens(const char *v)
{
    if (memcmp(v, "一", 3) == 0)
        return memcmp(v + 3, "九", 3) == 0;
    return memcmp(v, "二", 3) == 0 &&
           (memcmp(v + 3, "〇", 3) == 0 || memcmp(v + 3, "○", 3) == 0 || memcmp(v + 3, "零", 3) == 0);
}

/* Takes the year that may start at v[i] (i + 4 <= view_len) into the
 * report's sorted distinct years; 0 when out of memory. */
static int year_at(hb_doc *d, size_t i)
{
    const char *v = d->view;
    if (v[i] != '1' && v[i] != '2' && v[i] != "一"[0]) /* 一 and 二 share their first byte */
        return 1;
    int y = -1;
    size_t after = 0;
    if ((v[i] == '1' || v[i] == '2') && (i == 0 || v[i - 1] < '0' || v[i - 1] > '9') &&
        v[i + 1] >= '0' && v[i + 1] <= '9' && v[i + 2] >= '0' && v[i + 2] <= '9' &&
        v[i + 3] >= '0' && v[i + 3] <= '9') {
        y = atoi(v + i);
        after = i + 4;
    } else if (i + 12 <= d->view_len && numeral_year_opens(v + i)) {
        /* 二〇二三年: four numerals read digit by digit */
        int val = date_field(v + i, 12);
        if (val >= 1900 && !hb_lit_find(v + i, 12, "十", 3))
            y = val, after = i + 12;
    }
    if (y < 1900 || y > 2099 || after == 0 || !year_follows(v, d->view_len, after))
        return 1;
    /* kept sorted ascending and distinct */
    size_t at = 0;
    while (at < d->years.n && d->years.v[at] < y)
        at++;
    if (at < d->years.n && d->years.v[at] == y)
        return 1;
    if (!hb_vec_push(&d->arena, &d->years, y))
        return 0;
    memmove(d->years.v + at + 1, d->years.v + at, (d->years.n - 1 - at) * sizeof *d->years.v);
    d->years.v[at] = y;
    return 1;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include "cpu.h"
#include <immintrin.h>
#define HB_YEARS_AVX2 1

/* The ASCII digits of x as bytes of ones. */
__attribute__((target("avx2"))) static inline __m256i digits32(__m256i x)
{
    __m256i d = _mm256_sub_epi8(x, _mm256_set1_epi8('0'));
    return _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d);
}

/* year_starts8 for the 32 bytes at v, as bits (v[0..37) readable), but
 * only the starts that pass what year_at() asks next: three digits after
 * a '1' or '2' (a 1 or 2 alone is most of them: 12个, 1.5亿), after 一 or
 * 二 the lead byte of 〇 ○ 零 or 九, 九 by its second byte too (一些, 进一步
 * are most of them).  Each start let through cost a call and, at no
 * foreseeable place, a mispredicted branch: 50,536 in bb.txt, now 7,616.
 * The tests take more instructions than the calls they save
 * (testing them only in a step with a start was slower: its branch is as
 * unforeseeable). */
__attribute__((target("avx2"))) static unsigned year_starts32(const char *v)
{
#define AT(k) _mm256_loadu_si256((const __m256i *)(v + (k)))
#define EQ(x, c) _mm256_cmpeq_epi8((x), _mm256_set1_epi8((char)(c)))
    __m256i w = AT(0), w1 = AT(1), w2 = AT(2), w3 = AT(3), w4 = AT(4);
    __m256i digit = _mm256_and_si256(_mm256_or_si256(EQ(w, '1'), EQ(w, '2')),
                                     _mm256_and_si256(digits32(w1), _mm256_and_si256(digits32(w2), digits32(w3))));
    __m256i second = EQ(_mm256_or_si256(w1, _mm256_set1_epi8(2)), 0xBA);
    __m256i third = EQ(_mm256_or_si256(w2, _mm256_set1_epi8(0x0C)), 0x8C);
    __m256i next = _mm256_or_si256(_mm256_or_si256(EQ(w3, 0xE2), EQ(w3, 0xE3)),
                                   _mm256_or_si256(EQ(w3, 0xE9), _mm256_and_si256(EQ(w3, 0xE4), EQ(w4, 0xB9))));
    __m256i han = _mm256_and_si256(_mm256_and_si256(EQ(w, 0xE4), next), _mm256_and_si256(second, third));
#undef AT
#undef EQ
    return (unsigned)_mm256_movemask_epi8(_mm256_or_si256(digit, han));
}

/* Every year from v[0] while 37 bytes are left, 32 bytes a step; returns
 * where it stopped, or (size_t)-1 when out of memory. */
__attribute__((target("avx2"))) static size_t years_avx2(hb_doc *d)
{
    size_t i = 0;
    for (; i + 37 <= d->view_len; i += 32)
        for (unsigned m = year_starts32(d->view + i); m; m &= m - 1)
            if (!year_at(d, i + (size_t)__builtin_ctz(m)))
                return (size_t)-1;
    return i;
}
#endif

/* Every year of the view: 32 bytes a step where the CPU has AVX2, else
 * eight: each place where one may start (year_starts8) is tried in turn
 * from one load, the word not read again from the place after it. */
static int find_years(hb_doc *d)
{
    const char *v = d->view;
    size_t i = 0, n = d->view_len;
#ifdef HB_YEARS_AVX2
    if (hb_cpu_avx2() && (i = years_avx2(d)) == (size_t)-1)
        return 0;
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, v + i, 8);
        for (uint64_t m = year_starts8(w); m; m &= m - 1) {
            size_t at = i + ((size_t)__builtin_ctzll(m) >> 3);
            if (at + 4 <= n && !year_at(d, at))
                return 0;
        }
    }
    for (; i + 4 <= n; i++)
        if (!year_at(d, i))
            return 0;
    return 1;
}

/* The title's view range, every line of a title broken over lines; 0 when there is none. */
static int title_range(const hb_doc *d, size_t *vs, size_t *ve)
{
    if (d->title_para < 0)
        return 0;
    *vs = *ve = d->paras.v[d->title_para].vstart;
    for (size_t k = (size_t)d->title_para; k < d->paras.n && d->paras.v[k].role == HB_PARA_TITLE; k++)
        *ve = d->paras.v[k].vend;
    return 1;
}

static const hb_para *opening(const hb_doc *d)
{
    for (size_t k = 0; k < d->paras.n; k++)
        if (d->paras.v[k].role == HB_PARA_BODY)
            return &d->paras.v[k];
    return NULL;
}

/* The organisation a title names before its year or 关于, or before a role
 * (柏树岭村党支部书记抓…): 市第三人民医院党委书记2024年度… → 市第三人民医院党委. */
static const char *title_org(hb_doc *d, pcre2_match_data *md)
{
    const struct hb_docfact_rules *r = d->engine->docfacts;
    size_t vs, ve;
    if (!title_range(d, &vs, &ve))
        return NULL;
    size_t end = ve;
    const char *about = hb_lit_find(d->view + vs, ve - vs, "关于", strlen("关于"));
    if (about)
        end = (size_t)(about - d->view);
    const hb_rule_word *lead = hb_wordlist_prefix(&r->leads, d->view + vs, end - vs);
    if (lead) /* 在县某局机关第二党支部 ⏎ …会上的讲话: the organisation follows 在 */
        vs += lead->len;
    if (period_match(d, vs, end, md))
        end = pcre2_get_ovector_pointer(md)[0];
    if (end == ve) { /* no year: up to the first post (柏树岭村党支部书记抓…) */
        for (size_t i = 0; i < r->roles.n; i++) {
            const char *hit = hb_lit_find(d->view + vs, end - vs, r->roles.v[i].word, r->roles.v[i].len);
            if (hit)
                end = (size_t)(hit - d->view);
        }
    }
    while (end > vs && (d->view[end - 1] == '\n' || d->view[end - 1] == ' '))
        end--; /* 县人社局 ⏎ 2025年工作要点: the line break is no part of the name */
    const hb_rule_word *role = hb_wordlist_suffix(&r->roles, d->view + vs, end - vs);
    if (role) /* a post right before the year: 局长2024年 */
        end -= role->len;
    const hb_rule_word *w = hb_wordlist_suffix(&r->orgs, d->view + vs, end - vs);
    if (!w || end - vs <= w->len)
        return NULL;
    return hb_doc_orig(d, vs, end);
}

/* 我局, 我委, 我院 … in the opening paragraph. */
static const char *opening_org(hb_doc *d)
{
    const hb_para *p = opening(d);
    if (!p)
        return NULL;
    const char *s = d->view + p->vstart, *e = d->view + p->vend;
    for (const char *at = s; (at = hb_lit_find(at, (size_t)(e - at), "我", strlen("我"))); at += strlen("我")) {
        const char *w0 = at + strlen("我");
        const hb_rule_word *w = hb_wordlist_prefix(&d->engine->docfacts->orgs, w0, (size_t)(e - w0));
        if (w)
            return hb_doc_orig(d, (size_t)(at - d->view), (size_t)(w0 - d->view) + w->len);
    }
    return NULL;
}

/* A character of a name: Han, or a mask (××县). */
static int name_char(int cp)
{
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || hb_is_mask_char(cp);
}

/* Where an organisation's name written from view[at] ends: the shortest run
 * of name characters ending with an organisation word that a post of
 * signature.txt follows (柳湾村党支部书记), or, unless need_post, a figure,
 * punctuation or a `leads` word (第三分局党委2023年…, …党委关于…); 0 if none. */
static size_t org_end(const hb_doc *d, size_t at, size_t end, int need_post)
{
    const struct hb_docfact_rules *r = d->engine->docfacts;
    const char *v = d->view;
    for (size_t p = at; p < end && hb_utf8_count(v + at, p - at) < 30;) {
        int cp, next = 0;
        p += (size_t)hb_utf8_next(v + p, end - p, &cp);
        if (!name_char(cp))
            return 0;
        const hb_rule_word *w = hb_wordlist_suffix(&r->orgs, v + at, p - at);
        if (!w || p - at <= w->len)
            continue;
        if (hb_wordlist_prefix(&r->roles, v + p, end - p))
            return p;
        if (p < end)
            hb_utf8_next(v + p, end - p, &next);
        if (!need_post && (p == end || !name_char(next) || hb_wordlist_prefix(&r->leads, v + p, end - p)))
            return p;
    }
    return 0;
}

/* The organisation a line of the title block names before a post or a year
 * (述职人：县林业局副局长　赵文博; 青岚县人民法院党组书记、院长; ——在县林业局2023年度…会上):
 * a line above the body, or above the addressee. */
static const char *head_org(hb_doc *d)
{
    const struct hb_docfact_rules *r = d->engine->docfacts;
    const char *v = d->view;
    for (size_t k = 0; k < d->paras.n; k++) {
        const hb_para *p = &d->paras.v[k];
        size_t at = p->vstart;
        int cp;
        if (p->role == HB_PARA_BODY && (int)k > d->addressee_para)
            break;
        if (p->role != HB_PARA_HEAD && p->role != HB_PARA_BODY)
            continue;
        for (size_t n; at < p->vend; at += n) /* past ——, （ and spaces */
            if (n = (size_t)hb_utf8_next(v + at, p->vend - at, &cp), name_char(cp))
                break;
        const hb_rule_word *w = hb_wordlist_prefix(&r->labels, v + at, p->vend - at);
        if (w && at + w->len < p->vend && v[at + w->len] == ':')
            for (at += w->len + 1; at < p->vend && v[at] == ' ';)
                at++;
        if ((w = hb_wordlist_prefix(&r->leads, v + at, p->vend - at)))
            at += w->len;
        size_t end = org_end(d, at, p->vend, 0);
        if (end)
            return hb_doc_orig(d, at, end);
    }
    return NULL;
}

/* The organisation the opening names after a `reports` word (现将第三分局党委
 * 2023年…汇报如下) or, before its post, after a `holds` word (当选柳湾村党支部
 * 书记): the first one written. */
static const char *opening_name(hb_doc *d, const hb_para *p)
{
    const struct hb_docfact_rules *r = d->engine->docfacts;
    const hb_wordlist *lists[] = {&r->reports, &r->holds};
    size_t best = p->vend, best_end = 0;
    for (int need_post = 0; need_post < 2; need_post++)
        for (size_t i = 0; i < lists[need_post]->n; i++) {
            const hb_rule_word *w = &lists[need_post]->v[i];
            for (const char *at = d->view + p->vstart; (at = hb_lit_find(at, (size_t)(d->view + p->vend - at), w->word, w->len));
                 at += w->len) {
                size_t from = (size_t)(at - d->view) + w->len, end = org_end(d, from, p->vend, need_post);
                if (end && from < best)
                    best = from, best_end = end;
            }
        }
    return best_end ? hb_doc_orig(d, best, best_end) : NULL;
}

static int period_in(hb_doc *d, size_t vs, size_t ve, pcre2_match_data *md)
{
    if (!period_match(d, vs, ve, md))
        return 0;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    int span = ov[2] != PCRE2_UNSET, g = span ? 2 : 6;
    int from = date_field(d->view + ov[g], ov[g + 1] - ov[g]);
    int to = span ? date_field(d->view + ov[4], ov[5] - ov[4]) : from;
    if (from < 1900 || to > 2099 || to < from)
        return 0;
    d->period = hb_doc_orig(d, ov[0], ov[1]);
    d->period_from = from;
    d->period_to = to;
    return 1;
}

/* The period of the opening sentence that announces the report (下面，我将
 * 2023年度的履职情况报告如下), before an earlier year of the opening
 * (本人自2021年…以来). */
static int announced_period(hb_doc *d, const hb_para *p, pcre2_match_data *md)
{
    const hb_wordlist *l = &d->engine->docfacts->announces;
    const char *s = d->view + p->vstart;
    for (size_t i = 0; i < l->n; i++) {
        const char *hit = hb_lit_find(s, p->vend - p->vstart, l->v[i].word, l->v[i].len);
        if (!hit)
            continue;
        size_t from = (size_t)(hit - s);
        while (from > 0 && s[from - 1] != '!' && s[from - 1] != '?' &&
               !(from >= 3 && memcmp(s + from - 3, "。", 3) == 0))
            from--;
        if (period_in(d, p->vstart + from, (size_t)(hit - d->view), md))
            return 1;
    }
    return 0;
}

static void find_period_and_org(hb_doc *d, pcre2_match_data *md)
{
    size_t vs, ve;
    const hb_para *p = opening(d);
    if (!(title_range(d, &vs, &ve) && period_in(d, vs, ve, md)) && p && !announced_period(d, p, md))
        period_in(d, p->vstart, p->vend, md);
    d->organization = d->sign_org;
    if (!d->organization)
        d->organization = title_org(d, md);
    if (!d->organization)
        d->organization = head_org(d);
    if (!d->organization && p)
        d->organization = opening_name(d, p);
    if (!d->organization)
        d->organization = opening_org(d);
}

hb_status hb_docfacts_run(hb_doc *d)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(hb_regex_code(d->engine->docfacts->date), NULL);
    if (!md)
        return HB_ERR_NOMEM;
    if (!find_title_and_addressee(d, md)) {
        pcre2_match_data_free(md);
        return HB_ERR_NOMEM;
    }
    find_signature(d, md);
    find_doc_type(d);
    find_period_and_org(d, md);
    pcre2_match_data_free(md);
    return find_years(d) ? HB_OK : HB_ERR_NOMEM;
}
