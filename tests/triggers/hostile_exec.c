/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostile_exec TMPDIR: a traced process that makes every string Tracee reports hostile.
 *
 *   stage A  execs itself through a symlink TMPDIR/<ESC, newline, 0xff 0xfe in the name> with
 *            10 000 arguments (eight of 128 KiB - 1, about 1 MiB in all, some with newlines, terminal
 *            escapes, C1 controls and invalid UTF-8) and 10 000 environment entries, the first one
 *            LD_PRELOAD with a hostile value (a TRC-7 finding; the loader ignores the missing file);
 *   stage B  a child renames itself with prctl(PR_SET_NAME) to a comm holding ESC, a newline and
 *            invalid UTF-8 and calls ptrace(PTRACE_TRACEME) (TRC-2); a second child writes another
 *            hostile name to /proc/self/comm and does the same; then it copies its binary into a
 *            memfd with a hostile name and executes it (TRC-5, whose executable is that name);
 *   stage C  exits 0.
 * stdout: our pid (kept across the execs), then "child PID" twice, then "done" from stage C.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NARGS 10000
#define NENV 10000
#define NBIG 8
#define BIG (128 * 1024 - 1)

#define HOSTILE_COMM "\x1b[2J\n\xff\xfe\xc2\x9bX"       /* 11 bytes: fits comm's 15 */
#define HOSTILE_COMM2 "\x1b]0;pwn\x07\r\t"
#define HOSTILE_LINK "evil\x1b[31m\nname\xff\xfe\xc2\x9b"
#define HOSTILE_MEMFD "\x1b[1mfile\nless\xff"
#define HOSTILE_PRELOAD "LD_PRELOAD=/nonexistent/\x1b]0;pwned\x07\n\xff\xfe.so"

static int stage_a(const char *self, const char *tmpdir)
{
        static char *argv[NARGS + 1], *envp[NENV + 1];
        char link[4096];

        snprintf(link, sizeof(link), "%s/%s", tmpdir, HOSTILE_LINK);
        (void) unlink(link);
        if (symlink(self, link) < 0) {
                perror("symlink");
                return 1;
        }
        argv[0] = link;
        argv[1] = "B";
        argv[2] = "line1\nline2\r\n";
        argv[3] = "\x1b[31mred\x1b[0m\x07\x7f";
        argv[4] = "bad\xff\xfeutf8\xc0\xaf\xed\xa0\x80\xc2\x9b";
        for (int i = 5; i < NARGS; i++) {
                size_t n = i < 5 + NBIG ? BIG : 16;
                char *s = malloc(n + 1);

                if (!s)
                        return 1;
                if (i < 5 + NBIG) {
                        memset(s, 'A' + (i - 5), n);
                        memcpy(s + 100, "\x1b[2J\n\xff", 6);
                        s[n] = 0;
                } else
                        snprintf(s, n + 1, "a%d\x1b", i);
                argv[i] = s;
        }
        envp[0] = HOSTILE_PRELOAD;
        for (int i = 1; i < NENV; i++) {
                char *s = malloc(32);

                if (!s)
                        return 1;
                snprintf(s, 32, "V%d=\x1b[%dm\xff", i, i % 100);
                envp[i] = s;
        }
        execve(link, argv, envp);
        perror("execve");
        return 1;
}

static int traceme(void)
{
        return (int) ptrace(PTRACE_TRACEME, 0, 0, 0);
}

static int stage_b(const char *self)
{
        char *argv[] = { HOSTILE_MEMFD, "C", "\x1b[0m\n", NULL };
        char *envp[] = { "PATH=/usr/bin:/bin", NULL };
        struct stat st;
        pid_t child;
        int fd, mfd, status;

        /* traced processes stop at their next exec: only children that exit call PTRACE_TRACEME */
        for (int k = 0; k < 2; k++) {
                child = fork();
                if (child == 0) {
                        if (k == 0) {
                                if (prctl(PR_SET_NAME, HOSTILE_COMM, 0, 0, 0) < 0)
                                        perror("prctl");
                        } else {
                                int c = open("/proc/self/comm", O_WRONLY);

                                if (c >= 0) {
                                        (void) write(c, HOSTILE_COMM2, strlen(HOSTILE_COMM2));
                                        close(c);
                                }
                        }
                        (void) traceme();
                        _exit(0);
                }
                printf("child %d\n", (int) child);
                fflush(stdout);
                waitpid(child, &status, 0);
        }

        fd = open(self, O_RDONLY | O_CLOEXEC);
        mfd = (int) syscall(SYS_memfd_create, HOSTILE_MEMFD, 0);
        if (fd < 0 || mfd < 0 || fstat(fd, &st) < 0 || sendfile(mfd, fd, NULL, st.st_size) != st.st_size) {
                perror("memfd");
                return 1;
        }
        close(fd);
        syscall(SYS_execveat, mfd, "", argv, envp, AT_EMPTY_PATH);
        perror("execveat");
        return 1;
}

int main(int argc, char **argv)
{
        char self[4096];
        ssize_t n;

        if (argc > 1 && strcmp(argv[1], "C") == 0) {
                printf("done\n");
                return 0;
        }
        n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0) {
                perror("readlink");
                return 1;
        }
        self[n] = 0;
        if (argc > 1 && strcmp(argv[1], "B") == 0)
                return stage_b(self);
        if (argc != 2) {
                fprintf(stderr, "usage: hostile_exec TMPDIR\n");
                return 2;
        }
        printf("%d\n", (int) getpid());
        fflush(stdout);
        return stage_a(self, argv[1]);
}
