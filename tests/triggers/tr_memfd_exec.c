/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tr_memfd_exec: copies /bin/true into memfd_create("tr-memfd") and runs it with fexecve. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
        char buf[65536];
        char *argv[] = { "tr-memfd-true", NULL };
        char *envp[] = { NULL };
        int in, fd;
        ssize_t n;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        fd = memfd_create("tr-memfd", MFD_CLOEXEC);
        if (fd < 0) {
                perror("memfd_create");
                return 1;
        }
        in = open("/bin/true", O_RDONLY | O_CLOEXEC);
        if (in < 0) {
                perror("/bin/true");
                return 1;
        }
        while ((n = read(in, buf, sizeof(buf))) > 0)
                if (write(fd, buf, (size_t) n) != n) {
                        perror("write");
                        return 1;
                }
        if (n < 0) {
                perror("read");
                return 1;
        }
        close(in);
        fexecve(fd, argv, envp);
        perror("fexecve");
        return 1;
}
