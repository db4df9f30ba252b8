/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Workload: mprotect one anonymous page RW -> R -> RW ... (one op = one mprotect call). */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wl.h"

int main(int argc, char **argv)
{
        long n = wl_iters(argc, argv, 200000);
        long pg = sysconf(_SC_PAGESIZE);
        long long t0, t1;
        char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED) {
                perror("mmap");
                return 1;
        }
        p[0] = 1;
        t0 = wl_now_ns();
        for (long i = 0; i < n; i++)
                if (mprotect(p, pg, (i & 1) ? PROT_READ | PROT_WRITE : PROT_READ) < 0) {
                        perror("mprotect");
                        return 1;
                }
        t1 = wl_now_ns();
        wl_report("mprotect", n, t0, t1);
        return 0;
}
