/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-4 trigger: an anonymous read-write page gets code written into it (a "ret"), then
 *   rx    mprotect(PROT_READ|PROT_EXEC)              "Protection changed from W to E!"
 *   wx    mprotect(PROT_READ|PROT_WRITE|PROT_EXEC)   "Protection changed to W+E!"
 *   pkey  pkey_mprotect(PROT_READ|PROT_EXEC, pkey -1) "Protection changed from W to E!"
 * The code is not run. Usage: trc4_mprotect [rx|wx|pkey]   (default rx)
 * stdout: our pid, then "addr 0xADDR len N".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        const char *mode = argc > 1 ? argv[1] : "rx";
        size_t len = (size_t) sysconf(_SC_PAGESIZE);
        unsigned char *p;
        int r;

        if (strcmp(mode, "rx") && strcmp(mode, "wx") && strcmp(mode, "pkey")) {
                fprintf(stderr, "usage: %s [rx|wx|pkey]\n", argv[0]);
                return 2;
        }
        printf("%d\n", (int) getpid());
        fflush(stdout);
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
                perror("mmap");
                return 1;
        }
        printf("addr %p len %zu\n", (void *) p, len);
        fflush(stdout);
        memset(p, 0xc3, len);   /* x86 "ret" */
        if (strcmp(mode, "rx") == 0)
                r = mprotect(p, len, PROT_READ | PROT_EXEC);
        else if (strcmp(mode, "wx") == 0)
                r = mprotect(p, len, PROT_READ | PROT_WRITE | PROT_EXEC);
        else
                r = (int) syscall(SYS_pkey_mprotect, p, len, PROT_READ | PROT_EXEC, -1);
        if (r < 0) {
                perror(mode);
                return 1;
        }
        munmap(p, len);
        return 0;
}
