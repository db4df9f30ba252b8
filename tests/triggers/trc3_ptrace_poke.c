/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-3 trigger: ptrace POKETEXT or POKEDATA into a child. Forks a child that sleeps, attaches
 * (PTRACE_ATTACH, or PTRACE_SEIZE + PTRACE_INTERRUPT with "seize"), PEEKs a word of a global and
 * POKEs the same word back (nothing changes), then detaches and kills the child.
 * Usage: trc3_ptrace_poke text|data [attach|seize]
 * stdout: our pid, then "child PID".
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long word = 0x7472616365650a;  /* same address in the child: it is a fork */

int main(int argc, char **argv)
{
        enum __ptrace_request poke;
        bool seize = argc == 3 && strcmp(argv[2], "seize") == 0;
        pid_t child;
        long v;
        int st, rc = 0;

        if (argc < 2 || (strcmp(argv[1], "text") && strcmp(argv[1], "data"))) {
                fprintf(stderr, "usage: %s text|data [attach|seize]\n", argv[0]);
                return 2;
        }
        poke = strcmp(argv[1], "text") == 0 ? PTRACE_POKETEXT : PTRACE_POKEDATA;
        printf("%d\n", (int) getpid());
        fflush(stdout);

        child = fork();
        if (child < 0) {
                perror("fork");
                return 1;
        }
        if (child == 0) {
                for (;;)
                        pause();
        }
        printf("child %d\n", (int) child);
        fflush(stdout);

        if (seize) {
                if (ptrace(PTRACE_SEIZE, child, NULL, NULL) < 0 || ptrace(PTRACE_INTERRUPT, child, NULL, NULL) < 0) {
                        perror("ptrace(PTRACE_SEIZE)");
                        rc = 1;
                        goto out;
                }
        } else if (ptrace(PTRACE_ATTACH, child, NULL, NULL) < 0) {
                perror("ptrace(PTRACE_ATTACH)");
                rc = 1;
                goto out;
        }
        if (waitpid(child, &st, 0) != child || !WIFSTOPPED(st)) {
                fprintf(stderr, "child did not stop\n");
                rc = 1;
                goto out;
        }
        errno = 0;
        v = ptrace(PTRACE_PEEKDATA, child, (void *) &word, NULL);
        if (errno) {
                perror("ptrace(PTRACE_PEEKDATA)");
                rc = 1;
                goto out;
        }
        if (ptrace(poke, child, (void *) &word, (void *) v) < 0) {
                perror("ptrace(POKE)");
                rc = 1;
                goto out;
        }
        ptrace(PTRACE_DETACH, child, NULL, NULL);
out:
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return rc;
}
