/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tr_flood N: calls close(-1) N times as fast as it can. Before the burst it renames itself to
 * "tr_flood_burst" (prctl PR_SET_NAME), so that a comm filter on that name counts the burst and
 * nothing else (the dynamic loader's own close() calls run under the name "tr_flood"). After the
 * burst it takes the name "tr_flood" back, so that its exit is not counted either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        long n, bad = 0;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (argc != 2) {
                fprintf(stderr, "usage: tr_flood N\n");
                return 2;
        }
        n = atol(argv[1]);
        if (prctl(PR_SET_NAME, "tr_flood_burst", 0, 0, 0) < 0) {
                perror("prctl");
                return 1;
        }
        for (long i = 0; i < n; i++)
                if (syscall(SYS_close, -1) != -1)
                        bad++;
        if (prctl(PR_SET_NAME, "tr_flood", 0, 0, 0) < 0) {
                perror("prctl");
                return 1;
        }
        printf("closed %ld\n", n);
        return bad ? 1 : 0;
}
