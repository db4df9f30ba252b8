/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-1 trigger, bind shell shape: listen on 127.0.0.1:PORT, accept one connection, dup2 the
 * accepted socket onto fds 0, 1 and 2, write one line and exit. No shell is executed.
 * Usage: trc1_bind_shell PORT   (0: any free port)
 * stdout: first line our pid, second line "listening PORT" once the test may connect.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        struct sockaddr_in sa = { .sin_family = AF_INET };
        socklen_t sl = sizeof(sa);
        int one = 1, l, c, fd;

        if (argc != 2) {
                fprintf(stderr, "usage: %s PORT\n", argv[0]);
                return 2;
        }
        printf("%d\n", (int) getpid());
        fflush(stdout);

        sa.sin_port = htons((unsigned short) atoi(argv[1]));
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        l = socket(AF_INET, SOCK_STREAM, 0);
        if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
            bind(l, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(l, 1) < 0 ||
            getsockname(l, (struct sockaddr *) &sa, &sl) < 0) {
                perror("listen");
                return 1;
        }
        printf("listening %d\n", ntohs(sa.sin_port));
        fflush(stdout);
        c = accept(l, NULL, NULL);
        if (c < 0) {
                perror("accept");
                return 1;
        }
        for (fd = 0; fd <= 2; fd++)
                if (dup2(c, fd) != fd) {
                        dprintf(c, "dup2 onto %d failed\n", fd);
                        return 1;
                }
        printf("hello from trc1_bind_shell\n");
        fflush(stdout);
        return 0;
}
