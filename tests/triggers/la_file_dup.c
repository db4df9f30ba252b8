/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Look-alike for TRC-1 (must not fire): a regular file put on fd 1 and 2 (dup2, dup3) and on 0
 * (close+dup), the way output redirection does. stdout, first line: our pid.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
        int f, saved;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        saved = dup(1);
        f = open("/tmp", O_TMPFILE | O_RDWR, 0600);
        if (f < 0) {
                perror("open O_TMPFILE");
                return 1;
        }
        if (dup2(f, 1) != 1 || dup3(f, 2, O_CLOEXEC) != 2) {
                dprintf(saved, "dup2/dup3 failed\n");
                return 1;
        }
        close(0);
        if (dup(f) != 0) {
                dprintf(saved, "dup did not return 0\n");
                return 1;
        }
        if (write(1, "redirected\n", 11) != 11) {
                dprintf(saved, "write failed\n");
                return 1;
        }
        return 0;
}
