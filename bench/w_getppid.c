/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Workload: syscall(SYS_getppid) in a loop. Not an event: measures the tax on unrelated syscalls. */
#include <sys/syscall.h>
#include <unistd.h>

#include "wl.h"

int main(int argc, char **argv)
{
        long n = wl_iters(argc, argv, 5000000);
        long long t0, t1;

        for (int i = 0; i < 1000; i++)          /* warm up */
                syscall(SYS_getppid);
        t0 = wl_now_ns();
        for (long i = 0; i < n; i++)
                syscall(SYS_getppid);
        t1 = wl_now_ns();
        wl_report("getppid", n, t0, t1);
        return 0;
}
