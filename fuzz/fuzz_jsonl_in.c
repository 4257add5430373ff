/* Fuzz target: the --jsonl-in reader of the CLI (cli/records.c) over a
 * whole file: record lines found past a byte order mark, blank lines and
 * over-long lines, each parsed as fuzz_records parses one.  Every record is
 * a non-blank line within the limit, the lines counted never exceed the
 * line ends read, and parsing gives a record or a reason. */
#include "../cli/records.c"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fmemopen(size ? (void *)data : (void *)"", size, "rb");
    FZ_CHECK(f);
    size_t limit = size > 8 ? data[size - 1] * 4 + 16 : 64, newlines = 0;
    for (size_t i = 0; i < size; i++)
        newlines += data[i] == '\n';
    char *line = NULL, *rec;
    size_t cap = 0;
    long lineno = 0;
    ssize_t n;
    while ((n = records_next(f, &line, &cap, limit, &lineno, &rec)) >= 0) {
        FZ_CHECK(n > 0 && (size_t)n <= limit && !blank_line(rec, (size_t)n));
        FZ_CHECK(rec == line || (lineno == 1 && rec == line + 3));
        char *path, *text;
        size_t len;
        hb_error err;
        if (hb_record_parse(rec, (size_t)n, &path, &text, &len, &err) == HB_OK) {
            FZ_CHECK(text && text[len] == '\0');
            hb_free(path);
            hb_free(text);
        } else {
            FZ_CHECK(err.message[0]);
        }
    }
    FZ_CHECK(n == LINE_EOF || n == LINE_TOO_LONG);
    FZ_CHECK((size_t)lineno <= newlines + 1);
    free(line);
    fclose(f);
    return 0;
}
