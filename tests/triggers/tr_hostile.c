/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tr_hostile: execs tr_marker (next to this program) with hostile argv: an argument with a
 * newline, one with a terminal escape, one with invalid UTF-8 (0xff 0xfe), two big arguments of
 * 131071 and 80000 bytes (211071 in all; the kernel refuses any single argument of 128 KiB or
 * more, MAX_ARG_STRLEN), and 5000 arguments in all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NARGS 5000
#define BIG1 131071
#define BIG2 80000

int main(void)
{
        static char *argv[NARGS + 1];
        char self[4096], target[4200], *slash, *big1, *big2;
        char *envp[] = { "PATH=/usr/bin:/bin", NULL };
        ssize_t n;
        int i;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0) {
                perror("readlink");
                return 1;
        }
        self[n] = 0;
        slash = strrchr(self, '/');
        if (!slash)
                return 1;
        *slash = 0;
        snprintf(target, sizeof(target), "%s/tr_marker", self);
        big1 = malloc(BIG1 + 1);
        big2 = malloc(BIG2 + 1);
        if (!big1 || !big2)
                return 1;
        memset(big1, 'A', BIG1);
        big1[BIG1] = 0;
        memset(big2, 'B', BIG2);
        big2[BIG2] = 0;
        argv[0] = target;
        argv[1] = "line1\nline2";
        argv[2] = "\x1b[31mred\x1b[0m";
        argv[3] = "bad\xff\xfeutf8";
        argv[4] = big1;
        argv[5] = big2;
        for (i = 6; i < NARGS; i++) {
                char *s = malloc(16);

                if (!s)
                        return 1;
                snprintf(s, 16, "a%d", i);
                argv[i] = s;
        }
        argv[NARGS] = NULL;
        execve(target, argv, envp);
        perror("execve");
        return 1;
}
