/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Look-alike for TRC-1 (must not fire): a pipe put on fd 0, 1 and 2 with dup2, dup3 and
 * close+dup, the way shells build pipelines. stdout, first line: our pid.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
        int p[2], saved;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        saved = dup(1);
        if (saved < 0 || pipe(p) < 0) {
                perror("pipe");
                return 1;
        }
        if (dup2(p[0], 0) != 0 || dup3(p[1], 1, O_CLOEXEC) != 1) {
                perror("dup2");
                return 1;
        }
        close(2);
        if (dup(p[1]) != 2) {
                dprintf(saved, "dup did not return 2\n");
                return 1;
        }
        if (write(1, "x", 1) != 1 || write(2, "y", 1) != 1) {
                dprintf(saved, "write to pipe failed\n");
                return 1;
        }
        return 0;
}
