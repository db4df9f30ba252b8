/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-3 trigger: process_vm_writev() into a forked child's buffer. The child waits on a pipe, then
 * checks the buffer holds what the parent wrote and exits 0 if so.
 * stdout: our pid, then "child PID".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[32] = "original";

int main(void)
{
        static const char msg[] = "written by process_vm_writev";
        struct iovec local = { (void *) msg, sizeof(msg) }, remote = { buf, sizeof(msg) };
        int p[2], st;
        pid_t child;
        char c;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (pipe(p) < 0) {
                perror("pipe");
                return 1;
        }
        child = fork();
        if (child < 0) {
                perror("fork");
                return 1;
        }
        if (child == 0) {
                close(p[1]);
                if (read(p[0], &c, 1) != 1)
                        _exit(3);
                _exit(strcmp(buf, msg) == 0 ? 0 : 4);
        }
        close(p[0]);
        printf("child %d\n", (int) child);
        fflush(stdout);
        if (process_vm_writev(child, &local, 1, &remote, 1, 0) != (ssize_t) sizeof(msg)) {
                perror("process_vm_writev");
                close(p[1]);
                waitpid(child, NULL, 0);
                return 1;
        }
        if (write(p[1], "x", 1) != 1)
                perror("write");
        close(p[1]);
        if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                fprintf(stderr, "child did not see the write (status %#x)\n", st);
                return 1;
        }
        return 0;
}
