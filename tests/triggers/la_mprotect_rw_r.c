/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Look-alike for TRC-4 (must not fire): protection changes that never give executable memory that
 * was writable:
 *   - an anonymous page toggled RW -> R -> RW -> R -> RW (with writes in between);
 *   - a page mapped read-only and never writable, then made R|X;
 *   - mmap with PROT_READ|PROT_EXEC (no write) of /bin/true, like the loader does.
 * stdout, first line: our pid.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
        size_t len = (size_t) sysconf(_SC_PAGESIZE);
        unsigned char *p, *q, *r;
        int i, fd;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        q = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED || q == MAP_FAILED) {
                perror("mmap");
                return 1;
        }
        for (i = 0; i < 2; i++) {
                memset(p, i, len);
                if (mprotect(p, len, PROT_READ) < 0 || mprotect(p, len, PROT_READ | PROT_WRITE) < 0) {
                        perror("mprotect RW/R");
                        return 1;
                }
        }
        p[0] = 1;
        if (mprotect(q, len, PROT_READ | PROT_EXEC) < 0) {
                perror("mprotect R -> RX");
                return 1;
        }
        fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                perror("/bin/true");
                return 1;
        }
        r = mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
        if (r == MAP_FAILED) {
                perror("mmap R|X");
                return 1;
        }
        close(fd);
        munmap(r, len);
        munmap(q, len);
        munmap(p, len);
        return 0;
}
