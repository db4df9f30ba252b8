/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-1 evasion trigger: puts a connected inet socket on fd 0, 1 or 2 by the roads other than
 * dup/dup2/dup3 of a connected socket. Usage: ev_stdio MODE [PORT], MODE one of
 *   fcntl PORT   connect; close(0), fcntl(s, F_DUPFD, 0); close(1), fcntl(s, F_DUPFD_CLOEXEC, 1)
 *   accept       listen on 127.0.0.1 (prints "listening PORT"), close(0), accept() lands on fd 0;
 *                writes a line to the peer through fd 0 (a bind shell that closed its stdio first)
 *   scm PORT     a child connects and sends the socket over a unix socketpair (SCM_RIGHTS); we
 *                closed fd 0, so recvmsg() installs it there; then exec /bin/true on it
 *   late PORT    dup2 an unconnected socket onto fd 0, then connect() it through its first fd
 *   width PORT   connect; dup2(s | 1 << 32, 0 | 1 << 32) as raw registers: the kernel reads ints
 *   exec PORT    connect; dup2 onto 0, 1, 2; exec /bin/true (the new program on the socket)
 *   shell PORT   the same with /bin/sh -c, which runs /bin/true twice: the shell is reported, its
 *                commands (on the socket it was started on) are not, one by one
 *   pidfd PORT   a child connects; we close fd 0 and take its socket with pidfd_getfd()
 * and look-alikes, no finding: quiet (a socketpair on 0-1, /dev/null reopened on 0-2 as daemons
 * do, a listening socket on fd 0 as inetd's wait mode passes it, an accepted socket on fd 5, then
 * exec /bin/true with a unix socket on stdin).
 * stdout: our pid first (before stdout may be redirected), "child PID" where there is one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int die(const char *what)
{
        fprintf(stderr, "%s: %s\n", what, strerror(errno));
        exit(1);
}

static int connected(int port)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short) port),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (s < 0 || connect(s, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                die("connect");
        return s;
}

static int listener(int *port)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t l = sizeof(sa);
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (s < 0 || bind(s, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(s, 4) < 0 ||
            getsockname(s, (struct sockaddr *) &sa, &l) < 0)
                die("listen");
        *port = ntohs(sa.sin_port);
        return s;
}

static void say(int fd, const char *mode)
{
        dprintf(fd, "hello from ev_stdio %s\n", mode);
}

int main(int argc, char **argv)
{
        const char *mode = argc > 1 ? argv[1] : "";
        int port = argc > 2 ? atoi(argv[2]) : 0;
        int s, r;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (strcmp(mode, "fcntl") == 0) {
                s = connected(port);
                close(0);
                if (fcntl(s, F_DUPFD, 0) != 0)
                        die("F_DUPFD");
                close(1);
                if (fcntl(s, F_DUPFD_CLOEXEC, 1) != 1)
                        die("F_DUPFD_CLOEXEC");
                say(1, mode);
        } else if (strcmp(mode, "accept") == 0) {
                int l = listener(&port);

                printf("listening %d\n", port);
                fflush(stdout);
                close(0);
                r = accept(l, NULL, NULL);
                if (r != 0)
                        die("accept onto fd 0");
                say(0, mode);
        } else if (strcmp(mode, "scm") == 0) {
                int sp[2];
                pid_t c;
                char b = 0;
                char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
                struct iovec iov = { .iov_base = &b, .iov_len = 1 };
                struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                                    .msg_controllen = sizeof(cbuf) };
                struct cmsghdr *cm;

                if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
                        die("socketpair");
                c = fork();
                if (c == 0) {
                        s = connected(port);
                        cm = CMSG_FIRSTHDR(&m);
                        cm->cmsg_level = SOL_SOCKET;
                        cm->cmsg_type = SCM_RIGHTS;
                        cm->cmsg_len = CMSG_LEN(sizeof(int));
                        memcpy(CMSG_DATA(cm), &s, sizeof(int));
                        if (sendmsg(sp[1], &m, 0) != 1)
                                die("sendmsg");
                        _exit(0);
                }
                printf("child %d\n", (int) c);
                fflush(stdout);
                close(0);
                if (recvmsg(sp[0], &m, 0) != 1)
                        die("recvmsg");
                waitpid(c, NULL, 0);
                cm = CMSG_FIRSTHDR(&m);
                memcpy(&r, CMSG_DATA(cm), sizeof(int));
                if (r != 0)
                        die("SCM_RIGHTS onto fd 0");
                say(0, mode);
                execl("/bin/true", "true", (char *) NULL);
                die("exec");
        } else if (strcmp(mode, "late") == 0) {
                struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short) port),
                                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

                s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                if (s < 0 || dup2(s, 0) != 0)
                        die("dup2 of an unconnected socket");
                if (connect(s, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                        die("connect");
                say(0, mode);
        } else if (strcmp(mode, "width") == 0) {
                s = connected(port);
                r = (int) syscall(SYS_dup2, (long) s | (1L << 32), 0L | (1L << 32));
                if (r != 0)
                        die("dup2 with wide registers");
                say(0, mode);
        } else if (strcmp(mode, "exec") == 0 || strcmp(mode, "shell") == 0) {
                s = connected(port);
                for (int fd = 0; fd <= 2; fd++)
                        if (dup2(s, fd) != fd)
                                die("dup2");
                say(1, mode);
                if (strcmp(mode, "shell") == 0)
                        execl("/bin/sh", "sh", "-c", "/bin/true; /bin/true; exit 0", (char *) NULL);
                else
                        execl("/bin/true", "true", (char *) NULL);
                die("exec");
        } else if (strcmp(mode, "pidfd") == 0) {
                int pfd, p2[2];
                pid_t c;

                if (pipe(p2) < 0)
                        die("pipe");
                c = fork();
                if (c == 0) {
                        s = connected(port);
                        if (write(p2[1], &s, sizeof(s)) != sizeof(s))
                                _exit(1);
                        pause();
                        _exit(0);
                }
                printf("child %d\n", (int) c);
                fflush(stdout);
                if (read(p2[0], &s, sizeof(s)) != sizeof(s))
                        die("read");
                pfd = (int) syscall(SYS_pidfd_open, c, 0);
                close(0);
                r = pfd < 0 ? -1 : (int) syscall(SYS_pidfd_getfd, pfd, s, 0);
                kill(c, SIGKILL);
                waitpid(c, NULL, 0);
                if (r != 0)
                        die("pidfd_getfd onto fd 0");
                say(0, mode);
        } else if (strcmp(mode, "quiet") == 0) {
                int sp[2], l, a, c, nul;

                if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0 || dup2(sp[0], 0) != 0 || dup2(sp[0], 1) != 1)
                        die("socketpair on stdio");
                nul = open("/dev/null", O_RDWR);
                for (int fd = 0; fd <= 2; fd++)
                        if (dup2(nul, fd) != fd)
                                die("/dev/null on stdio");
                l = listener(&port);
                if (dup2(l, 0) != 0)
                        die("listening socket on fd 0");
                c = connected(port);
                a = accept(l, NULL, NULL);
                if (a < 3 || fcntl(a, F_DUPFD, 5) < 5)
                        die("accept");
                close(c);
                if (dup2(sp[1], 0) != 0)
                        die("unix socket on stdin");
                execl("/bin/true", "true", (char *) NULL);
                die("exec");
        } else {
                fprintf(stderr, "usage: %s fcntl|accept|scm|late|width|exec|shell|pidfd|quiet [PORT]\n", argv[0]);
                return 2;
        }
        return 0;
}
