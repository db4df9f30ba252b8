/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attack behaviours done with 32-bit syscalls from this 64-bit process (`int $0x80`: the ia32
 * numbers, 32-bit arguments), which the per-syscall tracepoints never see. Every pointer passed
 * points below 4 GiB (a MAP_32BIT scratch page), as a 32-bit syscall can only name such memory.
 * Usage: compat32 MODE [PORT]
 *
 *   traceme      ptrace(PTRACE_TRACEME)                                            TRC-2
 *   dup2 PORT    a socket connected to 127.0.0.1:PORT put on fds 0, 1, 2 by dup2    TRC-1 (3 findings)
 *   socketcall PORT  socket() and connect() through socketcall() on fd 0            TRC-1
 *   procmem      open("/proc/self/mem", O_RDWR)                                    TRC-3
 *   mprotect     an anonymous page written, then mprotect(PROT_READ|PROT_EXEC)     TRC-4
 *   mmap2        mmap2(PROT_READ|PROT_WRITE|PROT_EXEC, anonymous)                  TRC-4
 *   oldmmap      the old mmap (arguments in a block in memory), W+X, anonymous      TRC-4
 *   preload      rename() of a file onto /etc/ld.so.preload, in a private mount namespace with a
 *                tmpfs on /etc (the host's /etc is never touched)                  TRC-7
 *   benign       look-alikes that must stay silent: getpid, /proc/self/mem opened read-only, an
 *                anonymous page never written made R|X, a written one RW -> R, a pipe dup2'ed onto
 *                fd 0, dup2 of a connected socket onto fd 5 (with PORT)
 *
 * stdout, first line: our pid; then "key value" lines (addr, len, path). Exit 0 when every
 * syscall did what was asked (checked), 1 otherwise, 77 when the kernel refuses 32-bit syscalls.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

/* arch/x86/entry/syscalls/syscall_32.tbl */
#define NR32_OPEN       5
#define NR32_GETPID     20
#define NR32_PTRACE     26
#define NR32_RENAME     38
#define NR32_DUP2       63
#define NR32_MMAP       90
#define NR32_SOCKETCALL 102
#define NR32_MPROTECT   125
#define NR32_MMAP2      192
#define SYS_SOCKET_     1       /* socketcall calls, include/uapi/linux/net.h */
#define SYS_CONNECT_    3

/* A 32-bit syscall. bp carries the sixth argument: swapped in and out around the call. */
static long sys32(long nr, long a, long b, long c, long d, long e, long f)
{
        long r;

        __asm__ volatile("xchg %[f], %%rbp\n\tint $0x80\n\txchg %[f], %%rbp"
                         : "=a"(r), [f] "+r"(f)
                         : "0"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                         : "r8", "r9", "r10", "r11", "memory", "cc");
        return r;
}

static char *low;               /* the scratch page below 4 GiB */

/* s copied into the scratch page at off, as a 32-bit address */
static long low_str(size_t off, const char *s)
{
        strcpy(low + off, s);
        return (long) (uintptr_t) (low + off);
}

static int fail(const char *what, long r)
{
        fprintf(stderr, "%s: %ld (%s)\n", what, r, r < 0 && r > -4096 ? strerror((int) -r) : "");
        return 1;
}

static int connect_loopback(const char *port)
{
        struct sockaddr_in sa = { .sin_family = AF_INET };
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

        sa.sin_port = htons((unsigned short) atoi(port));
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (s < 0 || connect(s, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                perror("connect");
                return -1;
        }
        return s;
}

static int do_dup2(const char *port)
{
        int s = connect_loopback(port);

        if (s < 0)
                return 1;
        for (int fd = 0; fd <= 2; fd++) {
                long r = sys32(NR32_DUP2, s, fd, 0, 0, 0, 0);

                if (r != fd) {
                        dprintf(s, "dup2 onto %d returned %ld\n", fd, r);
                        return 1;
                }
        }
        printf("hello from compat32 dup2\n");
        fflush(stdout);
        return 0;
}

static int do_socketcall(const char *port)
{
        uint32_t *args = (uint32_t *) (low + 256);
        struct sockaddr_in *sa = (struct sockaddr_in *) (low + 512);
        long r;

        close(0);
        args[0] = AF_INET;
        args[1] = SOCK_STREAM;
        args[2] = 0;
        r = sys32(NR32_SOCKETCALL, SYS_SOCKET_, (long) (uintptr_t) args, 0, 0, 0, 0);
        if (r != 0)
                return fail("socketcall(SYS_SOCKET) should give fd 0", r);
        memset(sa, 0, sizeof(*sa));
        sa->sin_family = AF_INET;
        sa->sin_port = htons((unsigned short) atoi(port));
        sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        args[0] = 0;
        args[1] = (uint32_t) (uintptr_t) sa;
        args[2] = sizeof(*sa);
        r = sys32(NR32_SOCKETCALL, SYS_CONNECT_, (long) (uintptr_t) args, 0, 0, 0, 0);
        if (r != 0)
                return fail("socketcall(SYS_CONNECT)", r);
        if (write(0, "hello from compat32 socketcall\n", 31) != 31)
                return fail("write", -errno);
        return 0;
}

static int do_mprotect(void)
{
        size_t len = (size_t) sysconf(_SC_PAGESIZE);
        unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        long r;

        if (p == MAP_FAILED)
                return fail("mmap", -errno);
        printf("addr %p len %zu\n", (void *) p, len);
        fflush(stdout);
        memset(p, 0xc3, len);   /* x86 "ret" */
        r = sys32(NR32_MPROTECT, (long) (uintptr_t) p, (long) len, PROT_READ | PROT_EXEC, 0, 0, 0);
        if (r != 0)
                return fail("mprotect", r);
        return 0;
}

static int do_mmap(int old)
{
        size_t len = (size_t) sysconf(_SC_PAGESIZE);
        uint32_t *block = (uint32_t *) (low + 256);
        long r;

        if (old) {
                block[0] = 0;
                block[1] = (uint32_t) len;
                block[2] = PROT_READ | PROT_WRITE | PROT_EXEC;
                block[3] = MAP_PRIVATE | MAP_ANONYMOUS;
                block[4] = (uint32_t) -1;
                block[5] = 0;
                r = sys32(NR32_MMAP, (long) (uintptr_t) block, 0, 0, 0, 0, 0);
        } else
                r = sys32(NR32_MMAP2, 0, (long) len, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                          (uint32_t) -1, 0);
        if (r < 0 && r > -4096)
                return fail(old ? "mmap" : "mmap2", r);
        printf("addr %#lx len %zu\n", (unsigned long) r, len);
        return 0;
}

static int do_preload(void)
{
        long r;
        int fd;

        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tracee-compat32", "/etc", "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755") < 0) {
                perror("a private /etc");
                return 1;
        }
        fd = open("/etc/tracee-compat32", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0)
                return fail("create /etc/tracee-compat32", -errno);
        close(fd);
        r = sys32(NR32_RENAME, low_str(0, "/etc/tracee-compat32"), low_str(256, "/etc/ld.so.preload"), 0, 0, 0, 0);
        if (r != 0)
                return fail("rename", r);
        printf("path /etc/ld.so.preload\n");
        return 0;
}

static int do_benign(const char *port)
{
        size_t len = (size_t) sysconf(_SC_PAGESIZE);
        unsigned char *p;
        int pfd[2];
        long r;

        r = sys32(NR32_GETPID, 0, 0, 0, 0, 0, 0);
        if (r != getpid())
                return fail("getpid", r);
        r = sys32(NR32_OPEN, low_str(0, "/proc/self/mem"), O_RDONLY | O_CLOEXEC, 0, 0, 0, 0);
        if (r < 0)
                return fail("open /proc/self/mem read-only", r);
        close((int) r);
        /* never written: no private page to run */
        p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (p == MAP_FAILED)
                return fail("mmap", -errno);
        r = sys32(NR32_MPROTECT, (long) (uintptr_t) p, (long) len, PROT_READ | PROT_EXEC, 0, 0, 0);
        if (r != 0)
                return fail("mprotect R -> R|X", r);
        /* written, then RW -> R: not executable */
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (p == MAP_FAILED)
                return fail("mmap", -errno);
        memset(p, 1, len);
        r = sys32(NR32_MPROTECT, (long) (uintptr_t) p, (long) len, PROT_READ, 0, 0, 0);
        if (r != 0)
                return fail("mprotect RW -> R", r);
        /* a pipe on fd 0 */
        if (pipe2(pfd, O_CLOEXEC) < 0)
                return fail("pipe", -errno);
        r = sys32(NR32_DUP2, pfd[0], 0, 0, 0, 0, 0);
        if (r != 0)
                return fail("dup2 pipe onto 0", r);
        if (port) {
                int s = connect_loopback(port);

                if (s < 0)
                        return 1;
                r = sys32(NR32_DUP2, s, 5, 0, 0, 0, 0);
                if (r != 5)
                        return fail("dup2 socket onto 5", r);
                if (write(5, "hello from compat32 benign\n", 27) != 27)
                        return fail("write", -errno);
        }
        return 0;
}

int main(int argc, char **argv)
{
        const char *mode = argc > 1 ? argv[1] : "";
        const char *port = argc > 2 ? argv[2] : NULL;
        long r;

        low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (low == MAP_FAILED) {
                perror("mmap MAP_32BIT");
                return 1;
        }
        printf("%d\n", (int) getpid());
        fflush(stdout);
        /* does this kernel take 32-bit syscalls at all? (it may kill us: then the caller sees it) */
        r = sys32(NR32_GETPID, 0, 0, 0, 0, 0, 0);
        if (r != getpid()) {
                fprintf(stderr, "32-bit getpid returned %ld: ia32 emulation is off\n", r);
                return 77;
        }
        if (strcmp(mode, "traceme") == 0) {
                r = sys32(NR32_PTRACE, 0 /* PTRACE_TRACEME */, 0, 0, 0, 0, 0);
                return r == 0 ? 0 : fail("ptrace(PTRACE_TRACEME)", r);
        }
        if (strcmp(mode, "dup2") == 0 && port)
                return do_dup2(port);
        if (strcmp(mode, "socketcall") == 0 && port)
                return do_socketcall(port);
        if (strcmp(mode, "procmem") == 0) {
                r = sys32(NR32_OPEN, low_str(0, "/proc/self/mem"), O_RDWR | O_CLOEXEC, 0, 0, 0, 0);
                if (r < 0)
                        return fail("open /proc/self/mem", r);
                printf("path /proc/self/mem\n");
                return 0;
        }
        if (strcmp(mode, "mprotect") == 0)
                return do_mprotect();
        if (strcmp(mode, "mmap2") == 0 || strcmp(mode, "oldmmap") == 0)
                return do_mmap(mode[0] == 'o');
        if (strcmp(mode, "preload") == 0)
                return do_preload();
        if (strcmp(mode, "benign") == 0)
                return do_benign(port);
        fprintf(stderr, "usage: %s traceme|dup2 PORT|socketcall PORT|procmem|mprotect|mmap2|oldmmap|preload|"
                "benign [PORT]\n", argv[0]);
        return 2;
}
