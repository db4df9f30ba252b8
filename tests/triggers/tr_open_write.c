/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tr_open_write PATH: openat(AT_FDCWD, PATH, O_WRONLY|O_CREAT|O_TRUNC, 0600), close, unlink. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        long fd;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (argc != 2) {
                fprintf(stderr, "usage: tr_open_write PATH\n");
                return 2;
        }
        fd = syscall(SYS_openat, AT_FDCWD, argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0) {
                perror("openat");
                return 1;
        }
        printf("fd %ld\n", fd);
        close((int) fd);
        unlink(argv[1]);
        return 0;
}
