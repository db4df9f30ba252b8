/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Workload: open(O_RDONLY) + read + close of a small file, in a loop. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wl.h"

int main(int argc, char **argv)
{
        long n = wl_iters(argc, argv, 200000);
        char path[] = "/tmp/tracee-bench-fileio-XXXXXX";
        char buf[256], data[128];
        long long t0, t1;
        int fd = mkstemp(path);

        if (fd < 0) {
                perror("mkstemp");
                return 1;
        }
        memset(data, 'x', sizeof(data));
        if (write(fd, data, sizeof(data)) != (ssize_t) sizeof(data)) {
                perror("write");
                return 1;
        }
        close(fd);
        t0 = wl_now_ns();
        for (long i = 0; i < n; i++) {
                fd = open(path, O_RDONLY);
                if (fd < 0) {
                        perror("open");
                        unlink(path);
                        return 1;
                }
                if (read(fd, buf, sizeof(buf)) < 0)
                        perror("read");
                close(fd);
        }
        t1 = wl_now_ns();
        unlink(path);
        wl_report("fileio", n, t0, t1);
        return 0;
}
