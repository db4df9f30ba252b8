/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tr_pidreuse PID: starts a child with exactly host pid PID (clone3 with set_tid: root only, PID
 * must be free), a stand-in for a new process that happens to get an old one's pid. The child
 * waits for a byte on stdin, then calls ptrace(PTRACE_TRACEME) (a TRC-2 trigger) without exec'ing,
 * and exits at the end of stdin (so that its /proc entry outlives the event). stdout, first line: the child's pid. Exits with the child's exit status (2 if the
 * clone failed).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        struct clone_args args;
        pid_t tid, pid;
        int status;
        char b;

        if (argc != 2 || (tid = (pid_t) atoi(argv[1])) <= 1) {
                fprintf(stderr, "usage: tr_pidreuse PID\n");
                return 2;
        }
        memset(&args, 0, sizeof(args));
        args.exit_signal = SIGCHLD;
        args.set_tid = (uint64_t) (uintptr_t) &tid;
        args.set_tid_size = 1;
        pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0) {
                perror("clone3(set_tid)");
                return 2;
        }
        if (pid == 0) {
                if (read(0, &b, 1) != 1)
                        _exit(3);
                if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
                        _exit(4);
                while (read(0, &b, 1) > 0)
                        ;
                _exit(0);
        }
        printf("%d\n", (int) pid);
        fflush(stdout);
        if (waitpid(pid, &status, 0) < 0)
                return 2;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
