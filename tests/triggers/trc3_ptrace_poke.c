/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-3 trigger: ptrace writes into a child. Forks a child that sleeps, attaches (PTRACE_ATTACH,
 * or PTRACE_SEIZE + PTRACE_INTERRUPT with "seize"), reads a word of a global (text, data) or its
 * registers (user: one word of the user area; regs, fpregs, regset: all of them) and writes the
 * same value back with PTRACE_POKETEXT/POKEDATA/POKEUSER/SETREGS/SETFPREGS/SETREGSET (nothing
 * changes), then detaches and kills the child.
 * Usage: trc3_ptrace_poke text|data|user|regs|fpregs|regset [attach|seize]
 * stdout: our pid, then "child PID".
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <elf.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
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

        const char *mode = argc > 1 ? argv[1] : "";

        if (strcmp(mode, "text") && strcmp(mode, "data") && strcmp(mode, "user") && strcmp(mode, "regs") &&
            strcmp(mode, "fpregs") && strcmp(mode, "regset")) {
                fprintf(stderr, "usage: %s text|data|user|regs|fpregs|regset [attach|seize]\n", argv[0]);
                return 2;
        }
        poke = strcmp(mode, "text") == 0 ? PTRACE_POKETEXT : PTRACE_POKEDATA;
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
        if (strcmp(mode, "user") == 0 || strcmp(mode, "regs") == 0 || strcmp(mode, "fpregs") == 0 ||
            strcmp(mode, "regset") == 0) {
                struct user_regs_struct regs;
                struct user_fpregs_struct fp;
                struct iovec iov = { .iov_base = &regs, .iov_len = sizeof(regs) };
                long r;

                errno = 0;
                if (strcmp(mode, "user") == 0) {
                        long off = offsetof(struct user, regs) + offsetof(struct user_regs_struct, r15);

                        v = ptrace(PTRACE_PEEKUSER, child, (void *) off, NULL);
                        r = errno ? -1 : ptrace(PTRACE_POKEUSER, child, (void *) off, (void *) v);
                } else if (strcmp(mode, "regs") == 0)
                        r = ptrace(PTRACE_GETREGS, child, NULL, &regs) < 0 ? -1 :
                            ptrace(PTRACE_SETREGS, child, NULL, &regs);
                else if (strcmp(mode, "fpregs") == 0)
                        r = ptrace(PTRACE_GETFPREGS, child, NULL, &fp) < 0 ? -1 :
                            ptrace(PTRACE_SETFPREGS, child, NULL, &fp);
                else
                        r = ptrace(PTRACE_GETREGSET, child, (void *) NT_PRSTATUS, &iov) < 0 ? -1 :
                            ptrace(PTRACE_SETREGSET, child, (void *) NT_PRSTATUS, &iov);
                if (r < 0) {
                        perror(mode);
                        rc = 1;
                }
                ptrace(PTRACE_DETACH, child, NULL, NULL);
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
