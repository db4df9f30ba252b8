/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tr_connect PORT: a TCP connect to 127.0.0.1:PORT. Exit 0 if it connected. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        struct sockaddr_in sa;
        int fd, r;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (argc != 2) {
                fprintf(stderr, "usage: tr_connect PORT\n");
                return 2;
        }
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) {
                perror("socket");
                return 1;
        }
        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        sa.sin_port = htons((unsigned short) atoi(argv[1]));
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        r = connect(fd, (struct sockaddr *) &sa, sizeof(sa));
        if (r < 0)
                perror("connect");
        printf("fd %d\n", fd);
        close(fd);
        return r < 0 ? 1 : 0;
}
