/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Look-alike for TRC-5 (must not fire): a memfd used as a scratch buffer (written, mapped
 * read-only, never executed), a file in /dev/shm written and read but not executed, then an exec
 * of /bin/true from disk (same pid). stdout, first line: our pid.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

extern char **environ;

int main(void)
{
        char *args[] = { "true", NULL };
        char path[64], c;
        void *p;
        int mfd, fd;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        mfd = memfd_create("tracee-scratch", MFD_CLOEXEC);
        if (mfd < 0 || write(mfd, "scratch", 7) != 7) {
                perror("memfd");
                return 1;
        }
        p = mmap(NULL, 7, PROT_READ, MAP_SHARED, mfd, 0);
        if (p == MAP_FAILED) {
                perror("mmap");
                return 1;
        }
        munmap(p, 7);
        snprintf(path, sizeof(path), "/dev/shm/tracee-la-%d", (int) getpid());
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || write(fd, "x", 1) != 1 || pread(fd, &c, 1, 0) != 1) {
                perror(path);
                return 1;
        }
        close(fd);
        unlink(path);
        execve("/bin/true", args, environ);
        perror("execve /bin/true");
        return 1;
}
