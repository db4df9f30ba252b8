/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Detection-latency trigger (TRC-2): prints "<pid> <CLOCK_REALTIME ns>" taken just before
 * ptrace(PTRACE_TRACEME), then exits without exec'ing.
 */
#include <stdio.h>
#include <sys/ptrace.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
        struct timespec ts;
        long r;

        clock_gettime(CLOCK_REALTIME, &ts);
        r = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        printf("%d %lld\n", (int) getpid(), (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec);
        return r < 0;
}
