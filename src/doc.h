/* The per-report document: what each pipeline stage reads and adds to.
 *
 * Offsets: `text` is the decoded UTF-8 input (BOM removed), the coordinate
 * system of every span in the output.  `view` is the matching view built from
 * it: width-folded (NFKC: full-width digits, letters, ASCII-able punctuation,
 * U+3000 → space), CR/CRLF → LF, indentation and wrap breaks removed, blank
 * and page-number lines dropped, one paragraph per line.  vmap maps view
 * byte i to the `text` offset of the character that produced it
 * (hb_omap_at(&d->vmap, d->view, i)). */
#ifndef HB_DOC_H
#define HB_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "huibao.h"
#include "normalize.h"

typedef struct hb_engine hb_engine;

enum hb_line_kind { HB_LINE_TEXT, HB_LINE_BLANK, HB_LINE_PAGENO, HB_LINE_CLUTTER };

typedef struct {
    size_t fstart, fend;  /* content in the folded text, without the newline */
    int kind;             /* enum hb_line_kind */
    int indented;         /* starts with spaces (U+3000 or ASCII) or a tab */
    int width;            /* display width of the content (a Han character is 2), indentation excluded */
    int chars;            /* characters of the content */
} hb_line;

/* HEAD: a line of the title block that is not the title (subtitle, dateline,
 * speaker, issuing authority) */
enum hb_para_role { HB_PARA_BODY, HB_PARA_TITLE, HB_PARA_ADDRESSEE, HB_PARA_SIGNATURE, HB_PARA_HEAD };

/* 24 bytes: a flattened report has a paragraph for every few dozen bytes. */
typedef struct {
    uint32_t vstart, vend;  /* in view, without the trailing LF */
    int first_line, last_line;  /* 1-based input lines */
    int section;          /* index of the innermost section holding it, -1: none */
    uint8_t role;         /* enum hb_para_role */
    uint8_t glued;        /* cut from a run-together line at a heading in mid-line (paragraphs.c) */
    uint8_t numbers;      /* holds a number token (tokens.c): metrics reads no other paragraph */
} hb_para;

enum hb_token_type {
    HB_TOK_HAN, HB_TOK_LATIN, HB_TOK_NUMBER, HB_TOK_CNUM, HB_TOK_MASK,
    HB_TOK_PUNCT, HB_TOK_QUOTE_OPEN, HB_TOK_QUOTE_CLOSE, HB_TOK_BOOK_OPEN,
    HB_TOK_BOOK_CLOSE, HB_TOK_SPACE, HB_TOK_OTHER
};

/* Punctuation classes, in hb_token.sub for HB_TOK_PUNCT. */
enum hb_punct_class {
    HB_P_STOP = 1,   /* 。！？ and . ! ? ending a sentence */
    HB_P_SEMI,       /* ；; */
    HB_P_COLON,      /* ：: */
    HB_P_COMMA,      /* ，, */
    HB_P_PAUSE,      /* 、 */
    HB_P_PAREN_OPEN, HB_P_PAREN_CLOSE,
    HB_P_DASH,       /* — - ~ 至-like connectors written as punctuation */
    HB_P_PERCENT,    /* % ‰ */
    HB_P_OTHER
};

/* 9 bytes (packed: aligned it would be 12), as a report holds about one
 * for every eight bytes of text, more than any other per-byte array: the
 * paragraph is not kept, tokens are in paragraph order and never cross one. */
typedef struct __attribute__((packed)) {
    uint32_t vstart, vend;  /* in view */
    uint8_t type : 4;       /* hb_token_type */
    uint8_t sub : 4;        /* hb_punct_class for punctuation; quote and book-title mark kinds */
} hb_token;
typedef HB_VEC(hb_token) hb_token_vec;

enum hb_kind { HB_KIND_OTHER, HB_KIND_ACHIEVEMENTS, HB_KIND_PROBLEMS, HB_KIND_CAUSES, HB_KIND_PLANS };

typedef struct {
    const char *marker;   /* as written in the input, e.g. "一是", "第一，" */
    int number;
    hb_off vstart, vend;  /* marker to the next item or the paragraph end */
    hb_off tstart, tend;  /* title: after the marker up to the first 。 or ； */
    int para;
    int section;          /* -1: before any heading */
} hb_item;

typedef struct {
    int level;            /* GB/T 9704 level: 一、=1 （一）=2 1.=3 （1）=4 */
    int rank;             /* nesting rank: 第一部分=0 … ①=5 */
    int style;            /* marker family, for numbering checks */
    int number;
    const char *marker;   /* as written in the input */
    const char *id;       /* "2.1.3", at most HB_SECTION_ID_MAX bytes, in the arena */
    hb_off vstart, vend;  /* heading to the next heading of the same or higher rank */
    hb_off tstart, tend;  /* title in view */
    int para;             /* heading paragraph */
    int line;
    int kind;             /* enum hb_kind */
    int parent;           /* index, -1 for top level */
} hb_section;
enum { HB_SECTION_ID_MAX = 47 };

typedef struct {
    const char *code;
    const char *message;
    int line;             /* 0: not tied to a line */
} hb_warning;

/* Results of the later extractors live in their own modules. */
struct hb_metrics_result;
struct hb_slogans_result;
struct hb_documents_result;
struct hb_lists_result;
struct hb_terms_result;
struct hb_quotes_result;

struct hb_report {
    hb_arena arena;
    const hb_engine *engine;
    hb_extract_options opts;

    /* source */
    const char *path;
    const char *src;       /* the input bytes, during hb_extract() only */
    hb_error *err;         /* where a stage explains a refusal, during hb_extract() only */
    struct hb_group *group; /* the reports whose stages run with it (extract.h), during
                               hb_extract() only */
    size_t src_bytes;
    const char *encoding;
    char sha256[65];

    /* decoded text: in text_own (the decoder's output, malloc'd), in the
     * arena, or in src_own (the input itself, when hb_extract_owned was given
     * valid UTF-8); src_own is freed once decoded when the text is not in it */
    const char *text;
    size_t len;
    char *text_own, *src_own;
    hb_off *line_starts;   /* text offset of each input line, nlines + 1 entries */
    int nlines;

    /* folded text and lines; the fold is malloc'd (hb_doc_set_fold), closed
     * up in place by strip, and its buffer becomes the view's (view_own), as
     * no stage after paragraphs reads it */
    const char *fold;
    char *fold_own;
    size_t fold_len;
    int converted_script;  /* the fold was converted to simplified characters (script.c) */
    hb_omap fmap;          /* fold byte -> text offset, for fold_len + 1 bytes */
    HB_VEC(hb_line) lines;

    /* view and paragraphs; view_own is its malloc'd buffer, the fold's
     * own buffer rewritten in place (paragraphs.c) */
    const char *view;
    char *view_own;
    size_t view_len;
    hb_omap vmap;          /* view byte -> text offset, for view_len + 1 bytes */
    size_t orig_hint;      /* vmap's run of the last hb_doc_orig(_kept) text: stages ask in input order */
    HB_VEC(hb_para) paras;

    /* kept only for HB_UNTIL_TOKENS (hb_tokens_run); hb_report_tokens
     * makes a paragraph's again (hb_tokens_para) */
    hb_token_vec tokens;
    /* where each number token starts (hb_token_is_number), in view order:
     * what metrics reads of the stream; it frees them (empty for
     * HB_UNTIL_TOKENS) */
    HB_VEC(hb_off) number_starts;
    size_t text_tokens;    /* tokens other than spaces (stats.tokens) */
    int sentences;

    /* document facts */
    int title_para, addressee_para;  /* -1: none */
    const char *title, *addressee;
    const char *sign_org, *sign_date, *sign_name;
    int sign_line;
    const char *doc_type;
    const char *organization;        /* signature, else title, else opening (我局); NULL: none */
    const char *period;              /* 2023年上半年, 2021—2023年; NULL: none */
    int period_from, period_to;
    int ref_year;                    /* the year the report looks back on (sections.c): period_to, else
                                        the earliest year a heading names; 0: none */
    HB_VEC(int) years;

    HB_VEC(hb_section) sections;
    HB_VEC(hb_item) items;
    HB_VEC(hb_warning) warnings;
    /* short strings kept once per report (hb_doc_keep): an open-addressed
     * set, at most half full */
    const char **kept;
    size_t nkept, kept_slots;

    struct hb_metrics_result *metrics;
    struct hb_slogans_result *slogans;
    struct hb_documents_result *documents;
    struct hb_lists_result *lists;
    struct hb_terms_result *terms;
    struct hb_quotes_result *quotes;   /* quotes.c: paired quotation and title marks */
};

typedef struct hb_report hb_doc;

/* text offset -> 1-based input line */
int hb_doc_line_at(const hb_doc *d, size_t text_off);
/* The same from *hint, the line index last found (start it at 0): a line at
 * or a few after it is found by walking, others by the binary search. */
int hb_doc_line_at_hint(const hb_doc *d, size_t text_off, size_t *hint);
/* view range -> text range */
size_t hb_doc_vstart(const hb_doc *d, size_t vpos);
size_t hb_doc_vend(const hb_doc *d, size_t vpos_end);
/* The same with *hint, a run of the view map kept between calls (start it
 * at 0; hb_omap_get): positions asked in order cost (almost) no search. */
size_t hb_doc_vstart_hint(const hb_doc *d, size_t vpos, size_t *hint);
size_t hb_doc_vend_hint(const hb_doc *d, size_t vpos_end, size_t *hint);
/* A NUL-terminated copy of the input text behind view range [vs, ve). */
const char *hb_doc_orig(hb_doc *d, size_t vs, size_t ve);
/* The same, kept once per report when short (hb_doc_keep): a large report
 * writes thousands of headings and items with a few dozen markers. */
const char *hb_doc_orig_kept(hb_doc *d, size_t vs, size_t ve);
/* The report's one copy of the len bytes at s (len < HB_KEEP_MAX, no NUL
 * among them), NUL-terminated; NULL when out of memory. */
enum { HB_KEEP_MAX = 64 };
const char *hb_doc_keep(hb_doc *d, const char *s, size_t len);
/* The same text written to out (NUL-terminated; NULL: only measured);
 * returns its length without the NUL. */
size_t hb_doc_orig_copy(const hb_doc *d, size_t vs, size_t ve, char *out);
/* The next piece of that text from view position *vpos (advanced past
 * it), line ends kept (the caller leaves them out): a stretch of the text,
 * taken a run of the view map at a time.  Sets *start, returns its length,
 * 0 when the range is done.  *hint as for hb_doc_vstart_hint. */
size_t hb_doc_orig_piece(const hb_doc *d, size_t *vpos, size_t ve, size_t *start, size_t *hint);
/* When the text behind view bytes [vs, ve) is one stretch of the text from
 * *start on, but for line ends (the characters of the range, each in turn,
 * with nothing but line ends between them): its length; 0 when not (an
 * expansion, furniture stripped from between them).  The caller leaves its
 * line ends out as hb_doc_orig_piece's do (a writer that escapes control
 * characters finds them as it copies).  *hint as for hb_doc_vstart_hint:
 * the run of the range's end after a stretch, of its start after none. */
size_t hb_doc_orig_whole(const hb_doc *d, size_t vs, size_t ve, size_t *start, size_t *hint);
/* 1-based input line of view position v. */
int hb_doc_vline(const hb_doc *d, size_t v);

/* Makes fold (malloc'd or NULL) the document's fold, freeing the one before. */
void hb_doc_set_fold(hb_doc *d, char *fold);

/* Records a warning; message is printf-style and copied. Returns 0 when out of memory. */
int hb_doc_warn(hb_doc *d, const char *code, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
