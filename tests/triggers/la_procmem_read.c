/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Look-alike for TRC-3 (must not fire): /proc/self/mem opened read-only (and read, as debuggers
 * and memory scanners do), /proc/self/maps read, /proc/self/mem opened read-only with openat on
 * the /proc directory, and process_vm_readv of our own memory.
 * stdout, first line: our pid.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

static volatile long word = 0x72656164;

int main(void)
{
        char buf[256];
        long v = 0;
        struct iovec l = { &v, sizeof(v) }, r = { (void *) &word, sizeof(word) };
        int fd, dfd;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || pread(fd, &v, sizeof(v), (off_t) (unsigned long) &word) != sizeof(v) || v != word) {
                perror("/proc/self/mem");
                return 1;
        }
        close(fd);
        fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0) {
                perror("/proc/self/maps");
                return 1;
        }
        close(fd);
        dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        fd = dfd < 0 ? -1 : openat(dfd, "self/mem", O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                perror("openat /proc self/mem");
                return 1;
        }
        close(fd);
        close(dfd);
        v = 0;
        if (process_vm_readv(getpid(), &l, 1, &r, 1, 0) != sizeof(v) || v != word) {
                perror("process_vm_readv");
                return 1;
        }
        return 0;
}
