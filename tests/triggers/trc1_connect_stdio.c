/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-1 trigger: connect() made on fd 0. Closes stdin so socket() gets fd 0, then connects it to
 * the loopback address on PORT (127.0.0.1, or ::1 with "6").
 * Usage: trc1_connect_stdio PORT [4|6]
 * stdout, first line: our pid.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        bool v6 = argc == 3 && strcmp(argv[2], "6") == 0;
        int s, r;

        if (argc < 2 || argc > 3) {
                fprintf(stderr, "usage: %s PORT [4|6]\n", argv[0]);
                return 2;
        }
        printf("%d\n", (int) getpid());
        fflush(stdout);

        close(0);
        s = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
        if (s != 0) {
                fprintf(stderr, "socket() returned fd %d, wanted 0\n", s);
                return 1;
        }
        if (v6) {
                struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };

                sa.sin6_port = htons((unsigned short) atoi(argv[1]));
                r = connect(s, (struct sockaddr *) &sa, sizeof(sa));
        } else {
                struct sockaddr_in sa = { .sin_family = AF_INET };

                sa.sin_port = htons((unsigned short) atoi(argv[1]));
                sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                r = connect(s, (struct sockaddr *) &sa, sizeof(sa));
        }
        if (r < 0) {
                perror("connect");
                return 1;
        }
        if (write(s, "hello from trc1_connect_stdio\n", 30) != 30) {
                perror("write");
                return 1;
        }
        return 0;
}
