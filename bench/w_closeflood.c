/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Throughput producer: close(-1) (an event in the catalogue; fails with EBADF) in a loop.
 *   w_closeflood SECONDS [RATE]
 * RATE (calls per second, 0 = as fast as possible) is paced in batches of 1000 against the clock.
 * Prints: RESULT name=closeflood iters=<calls> seconds=<s> ns_per_op=<ns>
 */
#include <time.h>
#include <unistd.h>

#include "wl.h"

int main(int argc, char **argv)
{
        double secs = argc > 1 ? atof(argv[1]) : 3.0;
        double rate = argc > 2 ? atof(argv[2]) : 0;
        long long t0 = wl_now_ns(), end = t0 + (long long) (secs * 1e9), now = t0;
        long n = 0;

        while (now < end) {
                for (int i = 0; i < 1000; i++)
                        close(-1);
                n += 1000;
                now = wl_now_ns();
                if (rate > 0) {
                        long long due = t0 + (long long) ((double) n * 1e9 / rate);

                        if (due > now) {
                                struct timespec ts = { (due - now) / 1000000000LL, (due - now) % 1000000000LL };

                                nanosleep(&ts, NULL);
                                now = wl_now_ns();
                        }
                }
        }
        wl_report("closeflood", n, t0, now);
        return 0;
}
