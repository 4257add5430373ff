/* Output files written through a safe temporary name (see outfile.h). */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cli.h"

/* Temporary files a signal must remove.  A thread claims a free slot
 * atomically (batch writes its tables side by side), writes the path, then
 * marks it complete; the mark is cleared before the file is renamed or
 * removed, so the handler only ever sees complete paths. */
enum { SLOTS = 32, SLOT_FREE = 0, SLOT_CLAIMED = 1, SLOT_USED = 2 };
static char slot_path[SLOTS][PATH_MAX];
static volatile sig_atomic_t slot_used[SLOTS];
static mode_t file_mode = 0644;

static void remove_temporaries(int sig)
{
    for (int i = 0; i < SLOTS; i++)
        if (slot_used[i] == SLOT_USED)
            unlink(slot_path[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

void out_init(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF && open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
            _exit(125); /* no /dev/null: nothing safe can be written */
    mode_t mask = umask(0);
    umask(mask);
    file_mode = 0666 & ~mask;
    struct sigaction sa = {.sa_handler = remove_temporaries};
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaction(sigs[i], &sa, NULL);
}

static int fail(char *why, size_t cap, const char *what)
{
    snprintf(why, cap, "%s", what);
    return -1;
}

static void release_slot(out_file *of)
{
    if (of->slot >= 0)
        __atomic_store_n(&slot_used[of->slot], SLOT_FREE, __ATOMIC_SEQ_CST);
    of->slot = -1;
}

/* Opens without waiting for a FIFO's reader: a FIFO nobody reads is an
 * error, not a hang. */
static int open_in_place(out_file *of, const char *path, const struct stat *st, char *why, size_t cap)
{
    if (S_ISDIR(st->st_mode))
        return fail(why, cap, strerror(EISDIR));
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return fail(why, cap, errno == ENXIO && S_ISFIFO(st->st_mode) ? "a FIFO nobody reads" : strerror(errno));
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1 || !(of->fp = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        return fail(why, cap, strerror(e));
    }
    return 0;
}

int out_open(out_file *of, const char *path, char *why, size_t cap)
{
    memset(of, 0, sizeof *of);
    of->slot = -1;
    if (!strcmp(path, "-")) {
        of->fp = stdout;
        return 0;
    }
    /* What the path names, links followed, if not a regular file (a device,
     * a pipe, /dev/stdout on a pipe) is written in place, never replaced. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return open_in_place(of, path, &st, why, cap);
    /* The file to replace is the link's final target, never the link. */
    char *target = NULL;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        if (!(target = realpath(path, NULL)))
            return fail(why, cap, errno == ENOENT ? "a symbolic link to a missing file" : strerror(errno));
    } else if (!(target = strdup(path))) {
        return fail(why, cap, strerror(errno));
    }
    char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
    const char *base = slash ? slash + 1 : target;
    size_t need = dirlen + strlen(base) + sizeof ".tmp.XXXXXX";
    char *tmp = malloc(need);
    if (!tmp) {
        free(target);
        return fail(why, cap, strerror(ENOMEM));
    }
    snprintf(tmp, need, "%.*s%s.tmp.XXXXXX", (int)dirlen, target, base);
    int fd = mkstemp(tmp); /* O_EXCL: a planted name fails instead of being followed */
    if (fd < 0 || fchmod(fd, file_mode) != 0 || !(of->fp = fdopen(fd, "wb"))) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        free(target);
        return fail(why, cap, strerror(e));
    }
    of->target = target;
    of->tmp = tmp;
    for (int i = 0; i < SLOTS && strlen(tmp) < PATH_MAX; i++) {
        sig_atomic_t free_slot = SLOT_FREE;
        if (__atomic_compare_exchange_n(&slot_used[i], &free_slot, SLOT_CLAIMED, 0, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST)) {
            memcpy(slot_path[i], tmp, strlen(tmp) + 1);
            __atomic_store_n(&slot_used[i], SLOT_USED, __ATOMIC_SEQ_CST);
            of->slot = i;
            break;
        }
    }
    return 0;
}

/* The strings out_give holds, written by one writev(): a handful of a
 * batch's reports (their JSON is some 25 KB each). */
enum { HOLD = 256 << 10, HOLD_STRINGS = 64 };
struct out_held {
    size_t n, bytes;
    struct iovec vec[HOLD_STRINGS];
    void (*release[HOLD_STRINGS])(void *);
};

int out_flush(out_file *of)
{
    struct out_held *h = of->held;
    int ok = fflush(of->fp) == 0;
    if (!h || !h->n)
        return ok;
    void *base[HOLD_STRINGS];
    for (size_t i = 0; i < h->n; i++)
        base[i] = h->vec[i].iov_base; /* write_vec_full moves them */
    ok = ok && write_vec_full(fileno(of->fp), h->vec, (int)h->n) == 0;
    int e = errno;
    for (size_t i = 0; i < h->n; i++)
        h->release[i](base[i]);
    h->n = h->bytes = 0;
    errno = e;
    return ok;
}

int out_write(out_file *of, const char *s, size_t n)
{
    return out_flush(of) && write_full(fileno(of->fp), s, n) == 0;
}

int out_give(out_file *of, char *s, size_t n, void (*release)(void *))
{
    if (!of->hold || (!of->held && !(of->held = calloc(1, sizeof *of->held)))) {
        int ok = out_write(of, s, n);
        release(s);
        return ok;
    }
    struct out_held *h = of->held;
    h->vec[h->n] = (struct iovec){s, n};
    h->release[h->n++] = release;
    h->bytes += n;
    return h->n < HOLD_STRINGS && h->bytes < HOLD ? 1 : out_flush(of);
}

static void drop_held(out_file *of)
{
    struct out_held *h = of->held;
    for (size_t i = 0; h && i < h->n; i++)
        h->release[i](h->vec[i].iov_base);
    free(h);
    of->held = NULL;
}

int out_commit(out_file *of, char *why, size_t cap)
{
    errno = 0;
    int bad = !out_flush(of) || fflush(of->fp) != 0 || ferror(of->fp);
    drop_held(of);
    int e = errno;
    if (fclose(of->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    of->fp = NULL;
    if (!bad && of->tmp && rename(of->tmp, of->target) != 0) {
        e = errno;
        snprintf(why, cap, "%s", strerror(e));
        out_abort(of);
        return -1;
    }
    if (bad) {
        snprintf(why, cap, "write error: %s", strerror(e ? e : EIO));
        out_abort(of);
        return -1;
    }
    release_slot(of);
    free(of->tmp);
    free(of->target);
    of->tmp = of->target = NULL;
    return 0;
}

void out_abort(out_file *of)
{
    drop_held(of);
    if (of->fp && of->fp != stdout)
        fclose(of->fp);
    of->fp = NULL;
    release_slot(of);
    if (of->tmp)
        unlink(of->tmp);
    free(of->tmp);
    free(of->target);
    of->tmp = of->target = NULL;
}

int out_reader_gone(void)
{
    /* the write end of a pipe polls POLLERR once no reader is left */
    struct pollfd p = {.fd = STDOUT_FILENO, .events = 0};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}
