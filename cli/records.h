/* --jsonl-in: the record lines of a file. */
#ifndef HB_CLI_RECORDS_H
#define HB_CLI_RECORDS_H

#include <stdio.h>
#include <sys/types.h>

enum { LINE_EOF = -1, LINE_NOMEM = -2, LINE_TOO_LONG = -3 };

/* Reads the next record line of f into *buf (capacity *cap) and points *rec
 * at the record in it: a UTF-8 byte order mark before the first line is
 * skipped, and so are blank or whitespace-only lines (CRLF too).  *lineno
 * counts the lines read, the record's included.  A line longer than `limit`
 * stops the reading as soon as the limit is passed (LINE_TOO_LONG, *lineno
 * naming that line), so an endless line (/dev/zero) cannot run forever.
 * Returns the record's length, or LINE_EOF at the end of the file,
 * LINE_NOMEM when out of memory. */
ssize_t records_next(FILE *f, char **buf, size_t *cap, size_t limit, long *lineno, char **rec);

#endif
