/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostile_flood N [PROGRESS]: an unprivileged-style flood of events the detection agent must
 * collect: N times an anonymous page goes read-write, then read+exec (each one a TRC-4 finding), as
 * fast as it can, to overflow the agent's ring buffer. PROGRESS, a file: the number of rounds done
 * so far is kept in its first 8 bytes (host order, updated every 256 rounds), for a test that
 * waits on the flood's progress rather than on time. stdout: our pid, then "flooded N".
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        size_t len = (size_t) sysconf(_SC_PAGESIZE);
        long n = argc > 1 ? atol(argv[1]) : 100000;
        volatile uint64_t *progress = NULL;
        unsigned char *p;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (argc > 2) {
                int fd = open(argv[2], O_RDWR);

                if (fd < 0 || ftruncate(fd, sizeof(uint64_t)) < 0 ||
                    (progress = mmap(NULL, sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
                        perror(argv[2]);
                        return 1;
                }
                close(fd);
        }
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
                perror("mmap");
                return 1;
        }
        p[0] = 0xc3;
        for (long i = 0; i < n; i++) {
                if (mprotect(p, len, PROT_READ | PROT_WRITE) < 0 || mprotect(p, len, PROT_READ | PROT_EXEC) < 0) {
                        perror("mprotect");
                        return 1;
                }
                if (progress && (i & 255) == 255)
                        *progress = (uint64_t) i + 1;
        }
        printf("flooded %ld\n", n);
        return 0;
}
