/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-4 evasion trigger: memory written and then run, the ways around a rule that only compares
 * an mprotect's new protection with the first region's current one. Nothing is ever executed (the
 * code written is a single `ret`). Usage: ev_mprotect MODE, MODE one of
 *   written    an anonymous page written, mprotect R, then mprotect R|X
 *   range      two pages: the first read-only, the second written and writable; one mprotect R|X
 *              of both
 *   pkey       written, R, then pkey_mprotect R|X (pkey -1)
 *   dualmap    a memfd mapped writable and shared, written, then mapped again R|X: write through
 *              one view, run the other
 *   dualprot   the same with the second view mapped read-only, then mprotect R|X
 *   persona    personality(READ_IMPLIES_EXEC)
 *   many       18 regions (alternately PROT_READ and PROT_NONE), the last written then read-only;
 *              one mprotect R|X of all of them: more than the kernel side looks at
 * stdout: our pid, then "addr 0x..." of the range made executable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *what)
{
        perror(what);
        exit(1);
}

int main(int argc, char **argv)
{
        const char *mode = argc > 1 ? argv[1] : "";
        size_t pg = (size_t) sysconf(_SC_PAGESIZE);
        unsigned char *p = NULL;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (strcmp(mode, "written") == 0 || strcmp(mode, "pkey") == 0) {
                p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED)
                        die("mmap");
                p[0] = 0xc3;    /* ret */
                if (mprotect(p, pg, PROT_READ) < 0)
                        die("mprotect R");
                if (strcmp(mode, "written") == 0 ? mprotect(p, pg, PROT_READ | PROT_EXEC) :
                    syscall(SYS_pkey_mprotect, p, pg, PROT_READ | PROT_EXEC, -1))
                        die("mprotect RX");
        } else if (strcmp(mode, "range") == 0) {
                p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED)
                        die("mmap");
                if (mprotect(p, pg, PROT_READ) < 0)
                        die("mprotect first page R");
                p[pg] = 0xc3;
                if (mprotect(p, 2 * pg, PROT_READ | PROT_EXEC) < 0)
                        die("mprotect RX");
        } else if (strcmp(mode, "dualmap") == 0 || strcmp(mode, "dualprot") == 0) {
                int fd = (int) syscall(SYS_memfd_create, "ev-dualmap", 0);
                unsigned char *w;

                if (fd < 0 || ftruncate(fd, (off_t) pg) < 0)
                        die("memfd");
                w = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                if (w == MAP_FAILED)
                        die("mmap RW");
                w[0] = 0xc3;
                if (strcmp(mode, "dualmap") == 0) {
                        p = mmap(NULL, pg, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
                        if (p == MAP_FAILED)
                                die("mmap RX");
                } else {
                        p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
                        if (p == MAP_FAILED || mprotect(p, pg, PROT_READ | PROT_EXEC) < 0)
                                die("mmap R, mprotect RX");
                }
        } else if (strcmp(mode, "persona") == 0) {
                if (personality(READ_IMPLIES_EXEC) < 0)
                        die("personality");
        } else if (strcmp(mode, "many") == 0) {
                size_t n = 18;

                p = mmap(NULL, n * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED)
                        die("mmap");
                for (size_t i = 1; i < n; i += 2)
                        if (mprotect(p + i * pg, pg, PROT_NONE) < 0)
                                die("mprotect NONE");
                if (mprotect(p + (n - 1) * pg, pg, PROT_READ | PROT_WRITE) < 0)
                        die("mprotect last RW");
                p[(n - 1) * pg] = 0xc3;
                if (mprotect(p + (n - 1) * pg, pg, PROT_READ) < 0 || mprotect(p, n * pg, PROT_READ | PROT_EXEC) < 0)
                        die("mprotect RX");
        } else {
                fprintf(stderr, "usage: %s written|range|pkey|dualmap|dualprot|persona|many\n", argv[0]);
                return 2;
        }
        printf("addr %p\n", (void *) p);
        return 0;
}
