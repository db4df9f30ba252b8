/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-3 evasion trigger: opens the mem file of a child (or of itself) for writing the ways an
 * attacker who has read a path-matching rule would, and writes nothing (the file is closed at
 * once). Usage: ev_procmem MODE, MODE one of
 *   cwd       chdir("/proc/CHILD"), open("mem", O_RDWR)
 *   dirfd     openat(open("/proc/CHILD", O_PATH), "mem", O_RDWR)
 *   slashes   open("//proc/CHILD/./task/../mem", O_RDWR)
 *   symlink   symlink("/proc/CHILD/mem", TMP/link), open(link, O_RDWR)
 *   fdlink    open("/proc/self/fd/N/mem", O_RDWR) where N is an O_PATH fd of /proc/CHILD
 *   width     openat(AT_FDCWD | 1 << 32, "mem", ...) after chdir: the kernel reads the low 32 bits
 *   race      a thread flips the path buffer between "/proc/CHILD/mem" and "/Xroc/CHILD/mem" while
 *             open() is called until 20 opens got the mem file and 20 failed (at most 3 s):
 *             prints "opened N", the number of opens that returned the mem file
 *   refused   as uid 65534, open("/proc/1/mem", O_RDWR), which the kernel refuses: not a finding
 *   readonly  open("/proc/CHILD/mem", O_RDONLY) through a relative path: not a finding
 *   status    chdir("/proc/self"), read "status" and open "fd/1" (our stdout) for writing: not one
 * stdout: our pid, then "child PID" and, for race, "opened N".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROC_SUPER_MAGIC 0x9fa0

static char racebuf[64];
static volatile char *const raceb = racebuf;     /* the flipper's stores must happen */
static char memp[64];
static atomic_int stop;

static void *flipper(void *arg)
{
        /* one byte decides: "/proc/CHILD/mem" or "/Xroc/CHILD/mem" (no such file) */
        while (!atomic_load(&stop)) {
                raceb[1] = 'p';
                for (volatile int i = 0; i < 3000; i++)
                        ;
                raceb[1] = 'X';
                for (volatile int i = 0; i < 3000; i++)
                        ;
        }
        return NULL;
}

static int is_proc(int fd)
{
        struct statfs sf;

        return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

int main(int argc, char **argv)
{
        const char *mode = argc > 1 ? argv[1] : "";
        char dir[64], path[128], tmp[] = "/tmp/ev-procmem-XXXXXX";
        pid_t child;
        int fd = -1, d, rc = 0;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        child = fork();
        if (child < 0)
                return 1;
        if (child == 0) {
                for (;;)
                        pause();
        }
        printf("child %d\n", (int) child);
        fflush(stdout);
        snprintf(dir, sizeof(dir), "/proc/%d", (int) child);
        snprintf(memp, sizeof(memp), "/proc/%d/mem", (int) child);

        if (strcmp(mode, "cwd") == 0) {
                if (chdir(dir) == 0)
                        fd = open("mem", O_RDWR | O_CLOEXEC);
        } else if (strcmp(mode, "dirfd") == 0) {
                d = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
                fd = openat(d, "mem", O_RDWR | O_CLOEXEC);
        } else if (strcmp(mode, "slashes") == 0) {
                snprintf(path, sizeof(path), "/%s/./task/../mem", dir);
                fd = open(path, O_RDWR | O_CLOEXEC);
        } else if (strcmp(mode, "symlink") == 0) {
                if (mkdtemp(tmp)) {
                        snprintf(path, sizeof(path), "%s/link", tmp);
                        if (symlink(memp, path) == 0)
                                fd = open(path, O_RDWR | O_CLOEXEC);
                        unlink(path);
                        rmdir(tmp);
                }
        } else if (strcmp(mode, "fdlink") == 0) {
                d = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
                snprintf(path, sizeof(path), "/proc/self/fd/%d/mem", d);
                fd = open(path, O_RDWR | O_CLOEXEC);
        } else if (strcmp(mode, "width") == 0) {
                if (chdir(dir) == 0)
                        fd = (int) syscall(SYS_openat, (long) (AT_FDCWD & 0xffffffffL) | (1L << 32), "mem",
                                           (long) (O_RDWR | O_CLOEXEC) | (1L << 40), 0L);
        } else if (strcmp(mode, "race") == 0) {
                pthread_t t;
                int opened = 0;

                memcpy(racebuf, memp, strlen(memp) + 1);
                pthread_create(&t, NULL, flipper, NULL);
                /* until both outcomes were seen often enough (the other thread really raced), for at
                 * most 3 seconds */
                time_t until = time(NULL) + 3;

                for (int failed = 0; (opened < 20 || failed < 20) && time(NULL) < until;) {
                        int f = open(racebuf, O_RDWR | O_CLOEXEC);

                        if (f >= 0) {
                                opened += is_proc(f);
                                close(f);
                        } else
                                failed++;
                }
                atomic_store(&stop, 1);
                pthread_join(t, NULL);
                printf("opened %d\n", opened);
                fd = dup(1);            /* none opened is no error: the test runs it again */
        } else if (strcmp(mode, "refused") == 0) {
                /* the child (root) must still be killable: drop privileges in a grandchild, which
                 * keeps our pid's findings apart... so do it here, after the child is gone */
                kill(child, SIGKILL);
                waitpid(child, NULL, 0);
                if (setgid(65534) < 0 || setuid(65534) < 0) {
                        perror("setuid");
                        return 1;
                }
                fd = open("/proc/1/mem", O_RDWR | O_CLOEXEC);
                if (fd >= 0 || (errno != EACCES && errno != EPERM)) {
                        fprintf(stderr, "open of /proc/1/mem as nobody: %d, %m\n", fd);
                        return 1;
                }
                return 0;
        } else if (strcmp(mode, "status") == 0) {
                char b[256];

                if (chdir("/proc/self") == 0 && (fd = open("status", O_RDONLY | O_CLOEXEC)) >= 0) {
                        if (read(fd, b, sizeof(b)) <= 0)
                                rc = 1;
                        close(fd);
                        fd = open("fd/1", O_WRONLY | O_CLOEXEC);
                }
        } else if (strcmp(mode, "readonly") == 0) {
                if (chdir(dir) == 0)
                        fd = open("mem", O_RDONLY | O_CLOEXEC);
        } else {
                fprintf(stderr, "usage: %s cwd|dirfd|slashes|symlink|fdlink|width|race|refused|readonly|status\n", argv[0]);
                rc = 2;
        }
        if (fd < 0 && rc == 0) {
                perror(mode);
                rc = 1;
        }
        if (fd >= 0)
                close(fd);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return rc;
}
