/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-7 trigger: /etc/ld.so.preload written, without ever putting content into it.
 *   open       open(O_WRONLY|O_CREAT|O_APPEND) of /etc/ld.so.preload, nothing written, closed;
 *   openat2    the same through the openat2 syscall;
 *   creat      creat() of it, which truncates: refused (exit 3) unless it is absent or empty;
 *   rename     an empty file created as /etc/.ld.so.preload.tracee-test-PID, renamed onto it;
 *   renameat2  the same through the renameat2 syscall (flags 0).
 * It runs in a mount namespace of its own with an empty tmpfs on /etc, so the host's /etc is never
 * touched; what it makes vanishes with the namespace.
 * Usage: trc7_preload_file open|openat2|creat|rename|renameat2
 * stdout: our pid, then "existed 0" (the private /etc starts empty).
 */
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PRELOAD "/etc/ld.so.preload"

int main(int argc, char **argv)
{
        char tmp[128], bak[128];
        struct stat st;
        const char *op;
        bool existed;
        int fd, rc = 0;

        op = argc == 2 ? argv[1] : "";
        if (strcmp(op, "open") && strcmp(op, "openat2") && strcmp(op, "creat") && strcmp(op, "rename") &&
            strcmp(op, "renameat2")) {
                fprintf(stderr, "usage: %s open|openat2|creat|rename|renameat2\n", argv[0]);
                return 2;
        }
        printf("%d\n", (int) getpid());
        /* never the host's /etc: a mount namespace of our own with an empty tmpfs on /etc */
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tracee-test-etc", "/etc", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=1m") < 0) {
                perror("private /etc");
                return 1;
        }
        if (lstat(PRELOAD, &st) == 0)
                existed = true;
        else if (errno == ENOENT)
                existed = false;
        else {
                perror(PRELOAD);
                return 1;
        }
        if (existed && !S_ISREG(st.st_mode)) {
                fprintf(stderr, "%s is not a regular file: not touching it\n", PRELOAD);
                return 1;
        }
        printf("existed %d\n", existed);
        fflush(stdout);
        if (strcmp(op, "creat") == 0 && existed && st.st_size != 0) {
                fprintf(stderr, "%s has content: creat() would truncate it, not doing that\n", PRELOAD);
                return 3;
        }

        if (strncmp(op, "rename", 6) != 0) {
                if (strcmp(op, "open") == 0) {
                        fd = open(PRELOAD, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
                } else if (strcmp(op, "openat2") == 0) {
                        struct { unsigned long long flags, mode, resolve; } oh = {
                                O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644, 0 };

                        fd = (int) syscall(SYS_openat2, AT_FDCWD, PRELOAD, &oh, sizeof(oh));
                } else {
                        /* the creat syscall itself (glibc creat() may use openat); absent or empty:
                         * truncating loses nothing */
                        fd = (int) syscall(SYS_creat, PRELOAD, 0644);
                }
                if (fd < 0) {
                        perror("open " PRELOAD);
                        return 1;
                }
                close(fd);
                if (!existed && unlink(PRELOAD) < 0) {
                        perror("unlink " PRELOAD);
                        return 1;
                }
                return 0;
        }

        snprintf(tmp, sizeof(tmp), "/etc/.ld.so.preload.tracee-test-%d", (int) getpid());
        snprintf(bak, sizeof(bak), "/etc/.ld.so.preload.tracee-bak-%d", (int) getpid());
        if (existed && link(PRELOAD, bak) < 0) {
                perror("link " PRELOAD " to a backup");
                return 1;
        }
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
                perror(tmp);
                rc = 1;
                goto restore;
        }
        close(fd);
        if ((strcmp(op, "rename") == 0 ? rename(tmp, PRELOAD) :
             (int) syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, PRELOAD, 0)) < 0) {
                perror("rename onto " PRELOAD);
                unlink(tmp);
                rc = 1;
        }
restore:
        if (!existed) {
                if (unlink(PRELOAD) < 0 && errno != ENOENT) {
                        perror("unlink " PRELOAD);
                        rc = 1;
                }
        } else {
                pid_t child = fork();
                int status;

                if (child < 0) {
                        perror("fork: restore by hand with: mv " "/etc/.ld.so.preload.tracee-bak-PID " PRELOAD);
                        return 1;
                }
                if (child == 0)
                        _exit(rename(bak, PRELOAD) == 0 ? 0 : 1);
                printf("restorer %d\n", (int) child);
                fflush(stdout);
                if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status)) {
                        fprintf(stderr, "restoring %s from %s failed\n", PRELOAD, bak);
                        rc = 1;
                }
        }
        return rc;
}
