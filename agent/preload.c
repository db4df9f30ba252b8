/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See preload.h. The file is read the way ld.so reads it: following a symlink, blanks (space, tab,
 * newline, colon) separating the entries.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preload.h"

static bool is_sep(unsigned char ch)
{
        return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ':';
}

int preload_check(const char *path, char *buf, size_t n, size_t *ret_size)
{
        unsigned char data[4096];
        struct stat st;
        size_t o = 0;
        ssize_t k;
        bool sep = false;
        int fd, r;

        if (n == 0)
                return -EINVAL;
        buf[0] = 0;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        if (!S_ISREG(st.st_mode)) {
                /* not a file (a FIFO would block ld.so, a device feed it): worth saying as well */
                close(fd);
                snprintf(buf, n, "(not a regular file)");
                *ret_size = 0;
                return 1;
        }
        k = read(fd, data, sizeof(data));
        r = k < 0 ? -errno : 0;
        close(fd);
        if (r < 0)
                return r;
        for (ssize_t i = 0; i < k; i++) {
                if (is_sep(data[i])) {
                        sep = o > 0;
                        continue;
                }
                if (sep && o + 1 < n)
                        buf[o++] = ' ';
                sep = false;
                if (o + 1 < n)
                        buf[o++] = data[i] >= 0x21 && data[i] < 0x7f ? (char) data[i] : '?';
        }
        buf[o] = 0;
        *ret_size = (size_t) st.st_size;
        return o > 0 ? 1 : 0;
}
