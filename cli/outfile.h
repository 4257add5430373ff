/* Output files that are never half-written and never follow a planted link.
 *
 * A regular file (or a name that does not exist yet) is written through a
 * temporary file made with mkstemp() in the target's own folder and renamed
 * over the target only on out_commit().  A symbolic link is resolved first:
 * its final target is replaced and the link itself stays a link.  A device,
 * FIFO or socket (/dev/stdout, /dev/null, a pipe) is written in place:
 * renaming over it would replace the device node.  SIGINT, SIGTERM and SIGHUP
 * remove every temporary file still open before the process dies. */
#ifndef HB_CLI_OUTFILE_H
#define HB_CLI_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    FILE *fp;          /* where to write */
    char *target;      /* the file replaced on commit; NULL: written in place */
    char *tmp;         /* the temporary file; NULL: written in place */
    int slot;          /* index in the signal-cleanup table, -1: none */
    int hold;          /* out_give may hold strings: several reports are to come */
    struct out_held *held; /* out_give's strings not written yet (NULL: none so far) */
} out_file;

/* Makes sure descriptors 0, 1 and 2 are open (on /dev/null when closed), so
 * no file opened later can take the number of a standard stream; installs
 * the signal handlers that remove temporary files.  Call once, first. */
void out_init(void);

/* Opens `path` for writing ("-": standard output).  Returns 0, or -1 with a
 * reason in why. */
int out_open(out_file *of, const char *path, char *why, size_t cap);

/* Writes n bytes at s, past the stream's own buffer and after what
 * out_give holds, in one write() (a short write carries on with the rest).
 * Returns 1, or 0 with errno set when a write failed. */
int out_write(out_file *of, const char *s, size_t n);

/* Writes s[0..n), a string of its own, and frees it with release once
 * written.  With of->hold set, it is held and written with the strings
 * after it by one writev() when they fill 256 KiB: a report of a batch
 * still whole in one call, and a file or a pipe takes a call for several
 * reports.  Returns 1, or 0 with errno set when a write failed. */
int out_give(out_file *of, char *s, size_t n, void (*release)(void *));

/* Writes what out_give holds, as a message on standard error must follow
 * the output before it.  Returns 1, or 0 with errno set. */
int out_flush(out_file *of);

/* Writes what is held, flushes and closes; for a replaced file, renames
 * the temporary file over the target.  Returns 0, or -1 with a reason in
 * why (the temporary file is removed and the target left as it was). */
int out_commit(out_file *of, char *why, size_t cap);

/* Drops what is held, closes and removes the temporary file; the target
 * stays as it was. */
void out_abort(out_file *of);

/* Whether standard output is a pipe whose reader has gone (… | head): a
 * failed write there is no error to report. */
int out_reader_gone(void);

#endif
