/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-3 trigger: open a process's mem file for reading and writing: /proc/self/mem,
 * /proc/thread-self/mem, /proc/self/task/<tid>/mem, or /proc/<child>/mem of a forked sleeping child.
 * HOW: rdwr (open O_RDWR, the default), wronly (O_WRONLY), openat2 (the openat2 syscall, O_RDWR) or
 * creat (the creat syscall: write-only; truncating a mem file does nothing).
 * Opening is the behaviour; one word of a global is read and written back unchanged.
 * Usage: trc3_procmem self|thread-self|task|child [rdwr|wronly|openat2|creat]
 * stdout: our pid, then "path PATH", then "child PID" for the child variant.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long word = 0x6d656d;

int main(int argc, char **argv)
{
        const char *how = argc == 3 ? argv[2] : "rdwr", *who;
        bool wronly = strcmp(how, "wronly") == 0 || strcmp(how, "creat") == 0;
        char path[64];
        pid_t child = 0;
        long v = word;
        int fd, rc = 0;

        if (argc < 2 || argc > 3 ||
            (strcmp(how, "rdwr") && strcmp(how, "wronly") && strcmp(how, "openat2") && strcmp(how, "creat"))) {
                fprintf(stderr, "usage: %s self|thread-self|task|child [rdwr|wronly|openat2|creat]\n", argv[0]);
                return 2;
        }
        who = argv[1];
        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (strcmp(who, "self") == 0) {
                snprintf(path, sizeof(path), "/proc/self/mem");
        } else if (strcmp(who, "thread-self") == 0) {
                snprintf(path, sizeof(path), "/proc/thread-self/mem");
        } else if (strcmp(who, "task") == 0) {
                snprintf(path, sizeof(path), "/proc/self/task/%d/mem", (int) gettid());
        } else if (strcmp(who, "child") == 0) {
                child = fork();
                if (child < 0) {
                        perror("fork");
                        return 1;
                }
                if (child == 0) {
                        for (;;)
                                pause();
                }
                printf("child %d\n", (int) child);
                fflush(stdout);
                snprintf(path, sizeof(path), "/proc/%d/mem", (int) child);
        } else {
                fprintf(stderr, "unknown target %s\n", who);
                return 2;
        }
        printf("path %s\n", path);
        fflush(stdout);
        if (strcmp(how, "openat2") == 0) {
                struct { unsigned long long flags, mode, resolve; } oh = { O_RDWR | O_CLOEXEC, 0, 0 };

                fd = (int) syscall(SYS_openat2, AT_FDCWD, path, &oh, sizeof(oh));
        } else if (strcmp(how, "creat") == 0) {
                fd = (int) syscall(SYS_creat, path, 0600);
        } else {
                fd = open(path, (wronly ? O_WRONLY : O_RDWR) | O_CLOEXEC);
        }
        if (fd < 0) {
                perror(path);
                rc = 1;
                goto out;
        }
        if (!wronly && pread(fd, &v, sizeof(v), (off_t) (unsigned long) &word) != sizeof(v)) {
                perror("pread");
                rc = 1;
        } else if (pwrite(fd, &v, sizeof(v), (off_t) (unsigned long) &word) != sizeof(v)) {
                perror("pwrite");
                rc = 1;
        }
        close(fd);
out:
        if (child > 0) {
                kill(child, SIGKILL);
                waitpid(child, NULL, 0);
        }
        return rc;
}
