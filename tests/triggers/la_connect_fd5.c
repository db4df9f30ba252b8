/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Look-alike for TRC-1 (must not fire): a TCP connect to 127.0.0.1:PORT made on fd 5 (the socket
 * is moved there with dup2 first), and a connect() of an AF_UNIX socket made on fd 0 (to a path
 * that does not exist: it fails with ENOENT, which is fine).
 * Usage: la_connect_fd5 PORT
 * stdout, first line: our pid.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        struct sockaddr_in sa = { .sin_family = AF_INET };
        struct sockaddr_un su = { .sun_family = AF_UNIX, .sun_path = "/nonexistent/tracee-test.sock" };
        int s;

        if (argc != 2) {
                fprintf(stderr, "usage: %s PORT\n", argv[0]);
                return 2;
        }
        printf("%d\n", (int) getpid());
        fflush(stdout);
        sa.sin_port = htons((unsigned short) atoi(argv[1]));
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0 || dup2(s, 5) != 5) {
                perror("socket/dup2");
                return 1;
        }
        if (s != 5)
                close(s);
        if (connect(5, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                perror("connect");
                return 1;
        }
        if (write(5, "hello from la_connect_fd5\n", 26) != 26) {
                perror("write");
                return 1;
        }
        close(0);
        s = socket(AF_UNIX, SOCK_STREAM, 0);
        if (s != 0) {
                fprintf(stderr, "unix socket got fd %d, wanted 0\n", s);
                return 1;
        }
        (void) connect(s, (struct sockaddr *) &su, sizeof(su));
        return 0;
}
