/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostile_flood N: an unprivileged-style flood of events the detection agent must collect: N times
 * an anonymous page goes read-write, then read+exec (each one a TRC-4 finding), as fast as it can,
 * to overflow the agent's ring buffer. stdout: our pid, then "flooded N".
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        size_t len = (size_t) sysconf(_SC_PAGESIZE);
        long n = argc > 1 ? atol(argv[1]) : 100000;
        unsigned char *p;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
                perror("mmap");
                return 1;
        }
        p[0] = 0xc3;
        for (long i = 0; i < n; i++)
                if (mprotect(p, len, PROT_READ | PROT_WRITE) < 0 || mprotect(p, len, PROT_READ | PROT_EXEC) < 0) {
                        perror("mprotect");
                        return 1;
                }
        printf("flooded %ld\n", n);
        return 0;
}
