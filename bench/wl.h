/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the benchmark workloads: the iteration count from argv[1], a monotonic clock, and the
 * one result line the driver (bench/run.py) parses:
 *   RESULT name=<workload> iters=<n> seconds=<s> ns_per_op=<ns>
 * Only the measured loop is timed; process start-up and set-up are outside it.
 */
#ifndef TRACEE_BENCH_WL_H
#define TRACEE_BENCH_WL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline long long wl_now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline long wl_iters(int argc, char **argv, long fallback)
{
        long n = argc > 1 ? strtol(argv[1], NULL, 10) : fallback;

        return n > 0 ? n : fallback;
}

static inline void wl_report(const char *name, long iters, long long t0, long long t1)
{
        double s = (double) (t1 - t0) / 1e9;

        printf("RESULT name=%s iters=%ld seconds=%.6f ns_per_op=%.2f\n", name, iters, s,
               (double) (t1 - t0) / (double) iters);
        fflush(stdout);
}

#endif
