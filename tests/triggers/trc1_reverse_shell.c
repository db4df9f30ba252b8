/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-1 trigger, reverse shell shape: connect to 127.0.0.1:PORT, then put the socket on fds 0, 1
 * and 2 with dup (after closing each), dup2 or dup3, write one line through stdout and exit.
 * No shell is executed. Usage: trc1_reverse_shell dup|dup2|dup3 PORT
 * stdout, first line: our pid (before stdout is redirected).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        struct sockaddr_in sa = { .sin_family = AF_INET };
        const char *mode;
        int s, fd;

        if (argc != 3 || (strcmp(argv[1], "dup") && strcmp(argv[1], "dup2") && strcmp(argv[1], "dup3"))) {
                fprintf(stderr, "usage: %s dup|dup2|dup3 PORT\n", argv[0]);
                return 2;
        }
        mode = argv[1];
        printf("%d\n", (int) getpid());
        fflush(stdout);

        sa.sin_port = htons((unsigned short) atoi(argv[2]));
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0 || connect(s, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                perror("connect");
                return 1;
        }
        if (s <= 2) {
                fprintf(stderr, "socket got fd %d: stdio must be open\n", s);
                return 1;
        }
        for (fd = 0; fd <= 2; fd++) {
                int r;

                if (strcmp(mode, "dup") == 0) {
                        close(fd);
                        r = dup(s);             /* lowest free fd: the one just closed */
                } else if (strcmp(mode, "dup2") == 0) {
                        r = dup2(s, fd);
                } else {
                        r = dup3(s, fd, O_CLOEXEC);
                }
                if (r != fd) {
                        /* stderr may already be the socket: say it there too */
                        dprintf(s, "%s onto %d returned %d\n", mode, fd, r);
                        return 1;
                }
        }
        printf("hello from trc1_reverse_shell %s\n", mode);
        fflush(stdout);
        return 0;
}
