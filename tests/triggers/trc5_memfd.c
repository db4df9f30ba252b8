/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-5 trigger: copy /bin/true into a memfd named "tracee-test" and run it (same pid), with
 * fexecve (default) or with execve of its /proc/self/fd/N path ("procfd").
 * Usage: trc5_memfd [fexecve|procfd]
 * stdout: our pid. Exit status: that of /bin/true (0) when the exec worked.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
        char *args[] = { "true", NULL };
        const char *how = argc > 1 ? argv[1] : "fexecve";
        char buf[65536], path[64];
        ssize_t n;
        int in, mfd;

        if (strcmp(how, "fexecve") && strcmp(how, "procfd")) {
                fprintf(stderr, "usage: %s [fexecve|procfd]\n", argv[0]);
                return 2;
        }
        printf("%d\n", (int) getpid());
        fflush(stdout);
        mfd = memfd_create("tracee-test", MFD_CLOEXEC);
        in = open("/bin/true", O_RDONLY | O_CLOEXEC);
        if (mfd < 0 || in < 0) {
                perror("memfd_create or open /bin/true");
                return 1;
        }
        while ((n = read(in, buf, sizeof(buf))) > 0)
                if (write(mfd, buf, (size_t) n) != n) {
                        perror("write");
                        return 1;
                }
        if (n < 0) {
                perror("read");
                return 1;
        }
        close(in);
        if (strcmp(how, "fexecve") == 0) {
                fexecve(mfd, args, environ);
        } else {
                /* close-on-exec is fine for an ELF binary: the kernel has opened it by then */
                snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
                execve(path, args, environ);
        }
        perror(how);
        return 1;
}
