/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * flood_traceme SECONDS [RATE]: a flood of one rule (TRC-2) as any user can make it. For SECONDS,
 * ptrace(PTRACE_TRACEME) in a loop (the first call makes our parent our tracer, every later one
 * fails with EPERM: each is a TRC-2 finding either way), at most RATE calls a second (0 or none:
 * as fast as it can); every 100 ms a child is forked that makes 100 calls and exits, so that the
 * repeats come from new processes of the same executable too. stdout: our pid, then
 * "calls N" with N every call made, the children's included.
 *
 * Every signal is blocked: a traced process stops at each signal delivery until its tracer (our
 * parent, which does not know) lets it go, and SIGCHLD from the children would do that.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
        double seconds = argc > 1 ? atof(argv[1]) : 1.0, rate = argc > 2 ? atof(argv[2]) : 0;
        long *shared, calls = 0;
        double start, next_fork;
        sigset_t all;

        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
        shared = mmap(NULL, sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (shared == MAP_FAILED) {
                perror("mmap");
                return 1;
        }
        printf("%d\n", (int) getpid());
        fflush(stdout);
        start = now();
        next_fork = start + 0.1;
        for (;;) {
                double t;

                for (int i = 0; i < 256; i++)
                        (void) ptrace(PTRACE_TRACEME, 0, NULL, NULL);
                calls += 256;
                t = now();
                if (t - start >= seconds)
                        break;
                if (t >= next_fork) {
                        pid_t p = fork();

                        next_fork += 0.1;
                        if (p == 0) {
                                for (int i = 0; i < 100; i++)
                                        (void) ptrace(PTRACE_TRACEME, 0, NULL, NULL);
                                __atomic_add_fetch(shared, 100, __ATOMIC_SEQ_CST);
                                _exit(0);
                        }
                        while (waitpid(-1, NULL, WNOHANG) > 0)
                                ;
                }
                if (rate > 0)
                        while (calls > rate * (now() - start))
                                usleep(200);
        }
        while (wait(NULL) > 0)
                ;
        printf("calls %ld\n", calls + __atomic_load_n(shared, __ATOMIC_SEQ_CST));
        return 0;
}
