/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-4 trigger: mmap asking for PROT_READ|PROT_WRITE|PROT_EXEC at once, of anonymous memory
 * (default) or of a memfd ("memfd", MAP_SHARED). Usage: trc4_mmap_wx [anon|memfd]
 * stdout: our pid, then "addr 0xADDR len N".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        const char *mode = argc > 1 ? argv[1] : "anon";
        size_t len = (size_t) sysconf(_SC_PAGESIZE);
        void *p;

        if (strcmp(mode, "anon") && strcmp(mode, "memfd")) {
                fprintf(stderr, "usage: %s [anon|memfd]\n", argv[0]);
                return 2;
        }
        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (strcmp(mode, "anon") == 0) {
                p = mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        } else {
                int fd = memfd_create("tracee-test-wx", MFD_CLOEXEC);

                if (fd < 0 || ftruncate(fd, (off_t) len) < 0) {
                        perror("memfd_create");
                        return 1;
                }
                p = mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED, fd, 0);
                close(fd);
        }
        if (p == MAP_FAILED) {
                perror("mmap");
                return 1;
        }
        printf("addr %p len %zu\n", p, len);
        fflush(stdout);
        munmap(p, len);
        return 0;
}
