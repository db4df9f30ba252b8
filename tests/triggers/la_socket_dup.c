/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Look-alike for TRC-1 (must not fire): sockets that are not an inet socket with a peer put on
 * stdio, and an inet socket with a peer put elsewhere:
 *   - a unix socketpair end on fd 0, 1, 2 (dup2, dup3, close+dup);
 *   - a listening TCP socket (no peer) on fd 0;
 *   - an unconnected UDP socket on fd 0;
 *   - a connected TCP socket (to our own listener on 127.0.0.1) on fds 20 and 21 (free: above every fd opened here).
 * stdout, first line: our pid.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
        struct sockaddr_in sa = { .sin_family = AF_INET };
        socklen_t sl = sizeof(sa);
        int sp[2], l, u, c, a = -1, saved;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        saved = dup(1);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        l = socket(AF_INET, SOCK_STREAM, 0);
        u = socket(AF_INET, SOCK_DGRAM, 0);
        c = socket(AF_INET, SOCK_STREAM, 0);
        if (saved < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0 || l < 0 || u < 0 || c < 0) {
                perror("socket");
                return 1;
        }
        if (bind(l, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(l, 1) < 0 ||
            getsockname(l, (struct sockaddr *) &sa, &sl) < 0 || connect(c, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
            (a = accept(l, NULL, NULL)) < 0) {
                perror("loopback connection");
                return 1;
        }
        if (dup2(c, 20) != 20 || dup3(a, 21, O_CLOEXEC) != 21) {
                perror("dup onto 20/21");
                return 1;
        }
        if (dup2(l, 0) != 0 || dup2(u, 0) != 0) {
                perror("dup2 listening/udp onto 0");
                return 1;
        }
        if (dup2(sp[0], 1) != 1 || dup3(sp[0], 2, O_CLOEXEC) != 2) {
                dprintf(saved, "dup2 unix socket onto 1/2 failed\n");
                return 1;
        }
        close(0);
        if (dup(sp[0]) != 0) {
                dprintf(saved, "dup of unix socket did not return 0\n");
                return 1;
        }
        if (write(1, "x", 1) != 1 || write(20, "y", 1) != 1) {
                dprintf(saved, "write failed\n");
                return 1;
        }
        return 0;
}
