/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rule behaviours and look-alikes done through io_uring requests, never the syscall that does the
 * same (raw io_uring_setup/io_uring_enter/io_uring_register, the rings mapped by hand).
 *
 *   mem MODE       TRC-3: IORING_OP_OPENAT of /proc/self/mem O_RDWR. MODE: fd (a new fd), openat2
 *                  (IORING_OP_OPENAT2), alloc (into a free fixed-file slot, IORING_FILE_INDEX_ALLOC),
 *                  slot (into fixed-file slot 2), overflow (its completion finds the CQ full and is
 *                  kept aside: two NOPs fill a 2-entry CQ first)
 *   connect MODE PORT
 *                  TRC-1: IORING_OP_CONNECT of a TCP socket that is on fd 0 to 127.0.0.1:PORT, then
 *                  a line written to it. MODE: fd (through fd 0), fixed (through a fixed-file slot
 *                  holding the socket, which is also fd 0), dup (through fd 7, a dup of fd 0)
 *   preload MODE   TRC-7, in a private mount namespace with a tmpfs on /etc (the host's files are
 *                  never touched): a file put in place as /etc/ld.so.preload by IORING_OP_RENAMEAT
 *                  (rename), by it relative to a dirfd on /etc (rename-dirfd), by IORING_OP_LINKAT
 *                  (link), IORING_OP_SYMLINKAT (symlink), or IORING_OP_RENAMEAT submitted with
 *                  IOSQE_CQE_SKIP_SUCCESS, so that its success posts no completion (rename-skip);
 *                  or opened for writing by IORING_OP_OPENAT (open), chrooted into a tmpfs mounted
 *                  on /tmp in a private mount namespace, with an etc/ in it: the preload list of
 *                  the process's root, at the kernel path /tmp/etc/ld.so.preload
 * Look-alikes (must stay silent):
 *   la-open        IORING_OP_OPENAT of /proc/self/mem read-only, of /etc/passwd read-only, of a
 *                  temporary file for writing (fd and fixed slot)
 *   la-connect PORT
 *                  IORING_OP_CONNECT to 127.0.0.1:PORT of a socket on fd 5 only (a line is written),
 *                  and of an AF_UNIX socket on fd 0 (to a path that does not exist)
 *   la-preload     in a private mount namespace with a tmpfs on /etc: IORING_OP_RENAMEAT,
 *                  LINKAT and SYMLINKAT onto /etc/ld.so.preload.bak, /etc/notld.so.preload and
 *                  /etc/hosts, and a RENAMEAT onto /etc/ld.so.preload that fails (no such source)
 * stdout: our pid, then "key value" lines (fd, slot, overflowed...). Exit 0 when every request did
 * what was asked of it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

struct ring {
        int fd;
        unsigned *sq_head, *sq_tail, *sq_mask, *sq_array, *sq_flags;
        unsigned *cq_head, *cq_tail, *cq_mask;
        struct io_uring_sqe *sqes;
        struct io_uring_cqe *cqes;
};

static int ring_init(struct ring *r, unsigned entries, unsigned cq_entries)
{
        struct io_uring_params p = {};
        void *sq, *cq;

        if (cq_entries) {
                p.flags = IORING_SETUP_CQSIZE;
                p.cq_entries = cq_entries;
        }
        r->fd = (int) syscall(__NR_io_uring_setup, entries, &p);
        if (r->fd < 0) {
                perror("io_uring_setup");
                return -1;
        }
        sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE, MAP_SHARED,
                  r->fd, IORING_OFF_SQ_RING);
        cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe), PROT_READ | PROT_WRITE,
                  MAP_SHARED, r->fd, IORING_OFF_CQ_RING);
        r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED,
                       r->fd, IORING_OFF_SQES);
        if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED) {
                perror("mmap of the rings");
                return -1;
        }
        r->sq_head = (unsigned *) ((char *) sq + p.sq_off.head);
        r->sq_tail = (unsigned *) ((char *) sq + p.sq_off.tail);
        r->sq_mask = (unsigned *) ((char *) sq + p.sq_off.ring_mask);
        r->sq_array = (unsigned *) ((char *) sq + p.sq_off.array);
        r->sq_flags = (unsigned *) ((char *) sq + p.sq_off.flags);
        r->cq_head = (unsigned *) ((char *) cq + p.cq_off.head);
        r->cq_tail = (unsigned *) ((char *) cq + p.cq_off.tail);
        r->cq_mask = (unsigned *) ((char *) cq + p.cq_off.ring_mask);
        r->cqes = (struct io_uring_cqe *) ((char *) cq + p.cq_off.cqes);
        return 0;
}

/* The next SQE, zeroed, with user_data set. */
static struct io_uring_sqe *ring_sqe(struct ring *r, __u64 user_data)
{
        unsigned tail = *r->sq_tail, i = tail & *r->sq_mask;
        struct io_uring_sqe *sqe = &r->sqes[i];

        memset(sqe, 0, sizeof(*sqe));
        sqe->user_data = user_data;
        r->sq_array[i] = i;
        __atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
        return sqe;
}

/* The SQE queued last. */
static struct io_uring_sqe *ring_sqe_last(struct ring *r)
{
        return &r->sqes[(*r->sq_tail - 1) & *r->sq_mask];
}

static int ring_enter(struct ring *r, unsigned submit, unsigned wait)
{
        int n = (int) syscall(__NR_io_uring_enter, r->fd, submit, wait, wait ? IORING_ENTER_GETEVENTS : 0, NULL, 0);

        if (n < 0)
                perror("io_uring_enter");
        return n;
}

/* Takes one CQE if there is one: 1, or 0. */
static int ring_reap(struct ring *r, struct io_uring_cqe *ret)
{
        unsigned head = *r->cq_head;

        if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
                return 0;
        *ret = r->cqes[head & *r->cq_mask];
        __atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
        return 1;
}

/* Submits what is queued and waits for the completion of user_data; its result, or -EIO. */
static int ring_run(struct ring *r, __u64 user_data)
{
        struct io_uring_cqe c;

        if (ring_enter(r, 1, 1) < 0)
                return -EIO;
        for (int tries = 0; tries < 100; tries++) {
                while (ring_reap(r, &c))
                        if (c.user_data == user_data)
                                return c.res;
                if (ring_enter(r, 0, 1) < 0)
                        return -EIO;
        }
        return -EIO;
}

static void prep_openat(struct io_uring_sqe *sqe, const char *path, int flags, __u32 file_index)
{
        sqe->opcode = IORING_OP_OPENAT;
        sqe->fd = AT_FDCWD;
        sqe->addr = (unsigned long) path;
        sqe->open_flags = flags;
        sqe->file_index = file_index;
}

static void prep_names(struct io_uring_sqe *sqe, int op, int olddfd, const char *oldp, int newdfd, const char *newp)
{
        sqe->opcode = op;
        if (op == IORING_OP_SYMLINKAT) {
                sqe->fd = newdfd;
                sqe->addr = (unsigned long) oldp;       /* the target */
                sqe->addr2 = (unsigned long) newp;
                return;
        }
        sqe->fd = olddfd;
        sqe->addr = (unsigned long) oldp;
        sqe->len = newdfd;
        sqe->addr2 = (unsigned long) newp;
}

/* A sparse fixed-file table of n slots. */
static int register_sparse(struct ring *r, unsigned n)
{
        int fds[8];

        for (unsigned i = 0; i < n; i++)
                fds[i] = -1;
        if (syscall(__NR_io_uring_register, r->fd, IORING_REGISTER_FILES, fds, n) < 0) {
                perror("IORING_REGISTER_FILES");
                return -1;
        }
        return 0;
}

static int do_mem(const char *mode)
{
        struct ring r;
        int res;

        if (strcmp(mode, "overflow") == 0) {
                struct io_uring_cqe c;
                int got = 0;

                if (ring_init(&r, 1, 2) < 0)
                        return 1;
                /* fill the 2-entry CQ with two NOP completions that are not reaped */
                for (int i = 0; i < 2; i++) {
                        ring_sqe(&r, 100 + i)->opcode = IORING_OP_NOP;
                        if (ring_enter(&r, 1, 0) != 1)
                                return 1;
                }
                prep_openat(ring_sqe(&r, 1), "/proc/self/mem", O_RDWR | O_CLOEXEC, 0);
                if (ring_enter(&r, 1, 0) != 1)
                        return 1;
                for (int i = 0; i < 200; i++) {
                        if (__atomic_load_n(r.sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_CQ_OVERFLOW)
                                break;
                        usleep(5000);
                }
                printf("overflowed %d\n", !!(*r.sq_flags & IORING_SQ_CQ_OVERFLOW));
                /* make room: the kernel moves the kept completion into the CQ */
                res = -EIO;
                for (int tries = 0; tries < 100 && !got; tries++) {
                        while (ring_reap(&r, &c))
                                if (c.user_data == 1) {
                                        res = c.res;
                                        got = 1;
                                }
                        if (!got && ring_enter(&r, 0, 1) < 0)
                                break;
                }
        } else {
                __u32 index = 0;

                if (ring_init(&r, 4, 0) < 0)
                        return 1;
                if (strcmp(mode, "alloc") == 0 || strcmp(mode, "slot") == 0) {
                        if (register_sparse(&r, 4) < 0)
                                return 1;
                        index = strcmp(mode, "alloc") == 0 ? IORING_FILE_INDEX_ALLOC : 3;
                }
                if (strcmp(mode, "openat2") == 0) {
                        static struct open_how how = { .flags = O_RDWR | O_CLOEXEC };
                        struct io_uring_sqe *sqe = ring_sqe(&r, 1);

                        sqe->opcode = IORING_OP_OPENAT2;
                        sqe->fd = AT_FDCWD;
                        sqe->addr = (unsigned long) "/proc/self/mem";
                        sqe->addr2 = (unsigned long) &how;
                        sqe->len = sizeof(how);
                } else if (strcmp(mode, "fd") == 0 || index)
                        prep_openat(ring_sqe(&r, 1), "/proc/self/mem", O_RDWR | (index ? 0 : O_CLOEXEC), index);
                else {
                        fprintf(stderr, "unknown mem mode %s\n", mode);
                        return 2;
                }
                res = ring_run(&r, 1);
        }
        if (res < 0) {
                fprintf(stderr, "open of /proc/self/mem: %s\n", strerror(-res));
                return 1;
        }
        if (strcmp(mode, "alloc") == 0 || strcmp(mode, "slot") == 0)
                printf("slot %d\n", strcmp(mode, "slot") == 0 ? 2 : res);
        else
                printf("fd %d\n", res);
        return 0;
}

static int do_connect(const char *mode, int port)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        static const char line[] = "hello from trc_iouring connect\n";
        struct io_uring_sqe *sqe;
        struct ring r;
        int s, res;

        close(0);
        s = socket(AF_INET, SOCK_STREAM, 0);
        if (s != 0) {
                fprintf(stderr, "socket() returned fd %d, wanted 0\n", s);
                return 1;
        }
        if (ring_init(&r, 4, 0) < 0)
                return 1;
        sqe = ring_sqe(&r, 1);
        sqe->opcode = IORING_OP_CONNECT;
        sqe->addr = (unsigned long) &sa;
        sqe->off = sizeof(sa);
        if (strcmp(mode, "fixed") == 0) {
                int fds[1] = { 0 };

                if (syscall(__NR_io_uring_register, r.fd, IORING_REGISTER_FILES, fds, 1) < 0) {
                        perror("IORING_REGISTER_FILES");
                        return 1;
                }
                sqe->fd = 0;            /* slot 0 */
                sqe->flags = IOSQE_FIXED_FILE;
        } else if (strcmp(mode, "dup") == 0) {
                if (dup2(0, 7) != 7) {
                        perror("dup2");
                        return 1;
                }
                sqe->fd = 7;
        } else
                sqe->fd = 0;
        res = ring_run(&r, 1);
        if (res < 0) {
                fprintf(stderr, "connect: %s\n", strerror(-res));
                return 1;
        }
        if (write(0, line, sizeof(line) - 1) != (ssize_t) sizeof(line) - 1) {
                perror("write");
                return 1;
        }
        return 0;
}

/* A private mount namespace whose /etc is an empty tmpfs: what is done there stays there. */
static int private_etc(void)
{
        if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tracee-test", "/etc", "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755") < 0) {
                perror("private mount namespace with a tmpfs on /etc");
                return -1;
        }
        return 0;
}

/* A private mount namespace with a tmpfs on /tmp holding etc/, chrooted into: its /etc/ld.so.preload
 * is the process's preload list, nobody else's. */
static int chroot_tmpfs(void)
{
        if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tracee-test", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755") < 0 ||
            mkdir("/tmp/etc", 0755) < 0 || chroot("/tmp") < 0 || chdir("/") < 0) {
                perror("chroot into a tmpfs in a private mount namespace");
                return -1;
        }
        return 0;
}

static int make_file(const char *path)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

        if (fd < 0) {
                perror(path);
                return -1;
        }
        close(fd);
        return 0;
}

static int names_req(struct ring *r, int op, int olddfd, const char *oldp, int newdfd, const char *newp, int flags,
                     int want)
{
        struct io_uring_sqe *sqe = ring_sqe(r, 1);
        int res;

        prep_names(sqe, op, olddfd, oldp, newdfd, newp);
        sqe->flags = flags;
        res = ring_run(r, 1);
        if (res != want) {
                fprintf(stderr, "io_uring op %d %s -> %s: result %d, wanted %d\n", op, oldp, newp, res, want);
                return -1;
        }
        return 0;
}

static int do_preload(const char *mode)
{
        struct ring r;

        if (strcmp(mode, "open") == 0) {
                int res;

                if (chroot_tmpfs() < 0 || ring_init(&r, 4, 0) < 0)
                        return 1;
                prep_openat(ring_sqe(&r, 1), "/etc/ld.so.preload", O_WRONLY | O_CREAT | O_CLOEXEC, 0);
                ring_sqe_last(&r)->len = 0644;
                res = ring_run(&r, 1);
                if (res < 0) {
                        fprintf(stderr, "open of /etc/ld.so.preload: %s\n", strerror(-res));
                        return 1;
                }
                printf("fd %d\n", res);
                return 0;
        }
        if (private_etc() < 0 || ring_init(&r, 4, 0) < 0 || make_file("/etc/.tracee-src") < 0)
                return 1;
        if (strcmp(mode, "rename") == 0)
                return names_req(&r, IORING_OP_RENAMEAT, AT_FDCWD, "/etc/.tracee-src", AT_FDCWD,
                                 "/etc/ld.so.preload", 0, 0) < 0;
        if (strcmp(mode, "rename-dirfd") == 0) {
                int dfd = open("/etc", O_PATH | O_DIRECTORY | O_CLOEXEC);

                if (dfd < 0) {
                        perror("/etc");
                        return 1;
                }
                return names_req(&r, IORING_OP_RENAMEAT, dfd, ".tracee-src", dfd, "ld.so.preload", 0, 0) < 0;
        }
        if (strcmp(mode, "link") == 0)
                return names_req(&r, IORING_OP_LINKAT, AT_FDCWD, "/etc/.tracee-src", AT_FDCWD,
                                 "/etc/ld.so.preload", 0, 0) < 0;
        if (strcmp(mode, "symlink") == 0)
                return names_req(&r, IORING_OP_SYMLINKAT, 0, "/nonexistent/libtracee-test.so", AT_FDCWD,
                                 "/etc/ld.so.preload", 0, 0) < 0;
        if (strcmp(mode, "rename-skip") == 0) {
                struct io_uring_sqe *sqe = ring_sqe(&r, 1);
                struct io_uring_cqe c;

                prep_names(sqe, IORING_OP_RENAMEAT, AT_FDCWD, "/etc/.tracee-src", AT_FDCWD, "/etc/ld.so.preload");
                sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
                if (ring_enter(&r, 1, 0) != 1)
                        return 1;
                /* no completion comes: wait until the rename is done */
                for (int i = 0; i < 400 && access("/etc/ld.so.preload", F_OK) < 0; i++)
                        usleep(5000);
                if (ring_reap(&r, &c) || access("/etc/ld.so.preload", F_OK) < 0) {
                        fprintf(stderr, "the skipped rename did not happen\n");
                        return 1;
                }
                return 0;
        }
        fprintf(stderr, "unknown preload mode %s\n", mode);
        return 2;
}

static int do_la_open(void)
{
        char tmp[] = "/tmp/tracee-iouring-XXXXXX";
        struct ring r;
        int fd, res;

        if (ring_init(&r, 4, 0) < 0 || register_sparse(&r, 4) < 0)
                return 1;
        fd = mkstemp(tmp);
        if (fd < 0) {
                perror("mkstemp");
                return 1;
        }
        close(fd);
        prep_openat(ring_sqe(&r, 1), "/proc/self/mem", O_RDONLY | O_CLOEXEC, 0);
        if ((res = ring_run(&r, 1)) < 0)
                goto fail;
        prep_openat(ring_sqe(&r, 1), "/etc/passwd", O_RDONLY | O_CLOEXEC, 0);
        if ((res = ring_run(&r, 1)) < 0)
                goto fail;
        prep_openat(ring_sqe(&r, 1), tmp, O_RDWR | O_CLOEXEC, 0);
        if ((res = ring_run(&r, 1)) < 0)
                goto fail;
        prep_openat(ring_sqe(&r, 1), tmp, O_WRONLY, IORING_FILE_INDEX_ALLOC);
        if ((res = ring_run(&r, 1)) < 0)
                goto fail;
        prep_openat(ring_sqe(&r, 1), "/proc/self/mem", O_RDONLY, IORING_FILE_INDEX_ALLOC);
        if ((res = ring_run(&r, 1)) < 0)
                goto fail;
        unlink(tmp);
        return 0;
fail:
        fprintf(stderr, "open: %s\n", strerror(-res));
        unlink(tmp);
        return 1;
}

static int do_la_connect(int port)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        struct sockaddr_un su = { .sun_family = AF_UNIX, .sun_path = "/nonexistent/tracee-test.sock" };
        static const char line[] = "hello from trc_iouring la-connect\n";
        struct io_uring_sqe *sqe;
        struct ring r;
        int s, res;

        if (ring_init(&r, 4, 0) < 0)
                return 1;
        s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0 || dup2(s, 5) != 5) {
                perror("socket/dup2");
                return 1;
        }
        if (s != 5)
                close(s);
        sqe = ring_sqe(&r, 1);
        sqe->opcode = IORING_OP_CONNECT;
        sqe->fd = 5;
        sqe->addr = (unsigned long) &sa;
        sqe->off = sizeof(sa);
        res = ring_run(&r, 1);
        if (res < 0) {
                fprintf(stderr, "connect: %s\n", strerror(-res));
                return 1;
        }
        if (write(5, line, sizeof(line) - 1) != (ssize_t) sizeof(line) - 1) {
                perror("write");
                return 1;
        }
        close(0);
        s = socket(AF_UNIX, SOCK_STREAM, 0);
        if (s != 0) {
                fprintf(stderr, "unix socket got fd %d, wanted 0\n", s);
                return 1;
        }
        sqe = ring_sqe(&r, 2);
        sqe->opcode = IORING_OP_CONNECT;
        sqe->fd = 0;
        sqe->addr = (unsigned long) &su;
        sqe->off = sizeof(su);
        (void) ring_run(&r, 2);         /* ENOENT */
        return 0;
}

static int do_la_preload(void)
{
        struct ring r;

        if (private_etc() < 0 || ring_init(&r, 4, 0) < 0 || make_file("/etc/.tracee-a") < 0 ||
            make_file("/etc/.tracee-b") < 0)
                return 1;
        if (names_req(&r, IORING_OP_RENAMEAT, AT_FDCWD, "/etc/.tracee-a", AT_FDCWD, "/etc/ld.so.preload.bak", 0, 0) ||
            names_req(&r, IORING_OP_LINKAT, AT_FDCWD, "/etc/.tracee-b", AT_FDCWD, "/etc/notld.so.preload", 0, 0) ||
            names_req(&r, IORING_OP_SYMLINKAT, 0, "/etc/ld.so.preload", AT_FDCWD, "/etc/hosts", 0, 0) ||
            names_req(&r, IORING_OP_RENAMEAT, AT_FDCWD, "/etc/.tracee-none", AT_FDCWD, "/etc/ld.so.preload", 0,
                      -ENOENT))
                return 1;
        return 0;
}

int main(int argc, char **argv)
{
        const char *what = argc > 1 ? argv[1] : "";
        int rc;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (strcmp(what, "mem") == 0 && argc == 3)
                rc = do_mem(argv[2]);
        else if (strcmp(what, "connect") == 0 && argc == 4)
                rc = do_connect(argv[2], atoi(argv[3]));
        else if (strcmp(what, "preload") == 0 && argc == 3)
                rc = do_preload(argv[2]);
        else if (strcmp(what, "la-open") == 0)
                rc = do_la_open();
        else if (strcmp(what, "la-connect") == 0 && argc == 3)
                rc = do_la_connect(atoi(argv[2]));
        else if (strcmp(what, "la-preload") == 0)
                rc = do_la_preload();
        else {
                fprintf(stderr, "usage: %s mem fd|openat2|alloc|slot|overflow | connect fd|fixed|dup PORT |\n"
                        "       preload rename|rename-dirfd|link|symlink|rename-skip|open |\n"
                        "       la-open | la-connect PORT | la-preload\n", argv[0]);
                rc = 2;
        }
        fflush(stdout);
        return rc;
}
