/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Look-alike for TRC-2 and TRC-3 (must not fire): a debugger that only reads. Forks a sleeping
 * child, PTRACE_ATTACHes, PEEKs text and data, reads the registers, detaches and kills the child.
 * stdout: our pid, then "child PID".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long word = 0x7065656b;

int main(void)
{
        struct user_regs_struct regs;
        pid_t child;
        int st, rc = 0;

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
        if (ptrace(PTRACE_ATTACH, child, NULL, NULL) < 0 || waitpid(child, &st, 0) != child || !WIFSTOPPED(st)) {
                perror("ptrace(PTRACE_ATTACH)");
                rc = 1;
                goto out;
        }
        errno = 0;
        (void) ptrace(PTRACE_PEEKDATA, child, (void *) &word, NULL);
        (void) ptrace(PTRACE_PEEKTEXT, child, (void *) main, NULL);
        if (errno || ptrace(PTRACE_GETREGS, child, NULL, &regs) < 0) {
                perror("ptrace(PEEK/GETREGS)");
                rc = 1;
        }
        ptrace(PTRACE_DETACH, child, NULL, NULL);
out:
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return rc;
}
