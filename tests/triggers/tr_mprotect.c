/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tr_mprotect: maps an anonymous read-write page, then makes it read+exec. Prints the address. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
        long pg = sysconf(_SC_PAGESIZE);
        void *p;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        p = mmap(NULL, (size_t) pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
                perror("mmap");
                return 1;
        }
        memset(p, 0xc3, (size_t) pg);  /* ret */
        if (mprotect(p, (size_t) pg, PROT_READ | PROT_EXEC) < 0) {
                perror("mprotect");
                return 1;
        }
        printf("addr %p len %ld\n", p, pg);
        return 0;
}
