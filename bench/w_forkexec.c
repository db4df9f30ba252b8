/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Workload: fork + execve("/bin/true") + waitpid, in a loop. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wl.h"

extern char **environ;

int main(int argc, char **argv)
{
        long n = wl_iters(argc, argv, 2000);
        char *const args[] = { "/bin/true", NULL };
        long long t0, t1;

        t0 = wl_now_ns();
        for (long i = 0; i < n; i++) {
                int st;
                pid_t pid = fork();

                if (pid < 0) {
                        perror("fork");
                        return 1;
                }
                if (pid == 0) {
                        execve(args[0], args, environ);
                        _exit(127);
                }
                if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                        fprintf(stderr, "child failed\n");
                        return 1;
                }
        }
        t1 = wl_now_ns();
        wl_report("forkexec", n, t0, t1);
        return 0;
}
