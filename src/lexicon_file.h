/* The compiled lexicon's file format, shared by the code that writes it
 * (lexicon_build.c) and the code that maps it (lexicon.c), and the text
 * helpers both dict.txt and user dictionaries are read with. */
#ifndef HB_LEXICON_FILE_H
#define HB_LEXICON_FILE_H

#include <math.h>
#include <stdint.h>

#include "lexicon.h"

/* ---- file format ----
 * header, then 16-byte aligned sections: nodes (hb_lex_slot), vtag
 * (nlogv bytes), charmap (65536 × uint16), supp pairs, tag names (8 bytes
 * each), logv (nlogv doubles).  Native byte order; `endian` catches
 * a file from another machine. */
#define LEX_MAGIC "HBLEX\r\n\x1a"
/* 4: a slot's (freq, tag) index inside it, the check a label; 3: 8-byte
 * nodes (base, parent), the index in an array beside them; 2: 8-byte logf,
 * tag. */
#define LEX_VERSION 4u
#define LEX_ENDIAN 0x01020304u

struct lex_header {
    char magic[8];
    uint32_t version, endian;
    uint32_t nnodes, nsupp, ntags, nlogv;
    int64_t total;
    uint64_t nwords;
    uint64_t off_nodes, off_vtag, off_charmap, off_supp, off_tags, file_size;
    uint64_t off_logv;
};

enum { MAX_TAGS = 255, CHARMAP_N = 0x10000, MAX_LOGV = 0x10000 };

static inline double log_or_none(long long freq)
{
    return freq > 0 ? log((double)freq) : -1.0;
}

/* Reads a whole file (NUL-terminated); errors name the file. */
hb_status hb_lex_read_file(const char *path, char **buf, size_t *len, hb_error *err);

/* ASCII whitespace, as Python's bytes.strip() removes it. */
int hb_lex_is_space(unsigned char c);

/* Parses a decimal frequency; -1 when it is not one or exceeds max. */
long long hb_lex_parse_freq(const char *s, size_t n, long long max);

#endif
