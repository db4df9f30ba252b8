/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Look-alike for TRC-7 (must not fire): /etc/ld.so.preload opened read-only (ENOENT is fine), files
 * whose names only resemble it written and renamed: /etc/ld.so.preload.tracee-la-PID and
 * TMPDIR/xetc/ld.so.preload, and an exec with LD_PRELOAD only in a variable of another name
 * (MY_LD_PRELOAD=) and LD_PRELOAD set empty. stdout, first line: our pid.
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
        char dir[] = "/tmp/tracee-la-XXXXXX", etc[64], a[96], b[96], near[96];
        char *args[] = { "true", NULL };
        char *env[] = { "PATH=/usr/bin:/bin", "MY_LD_PRELOAD=/nonexistent/lib.so", "LD_PRELOAD=", NULL };
        int fd;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        /* never the host's /etc: a mount namespace of our own with an empty tmpfs on /etc */
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tracee-test-etc", "/etc", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=1m") < 0) {
                perror("private /etc");
                return 1;
        }
        fd = open("/etc/ld.so.preload", O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
                close(fd);
        snprintf(near, sizeof(near), "/etc/ld.so.preload.tracee-la-%d", (int) getpid());
        fd = open(near, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
                perror(near);
                return 1;
        }
        close(fd);
        unlink(near);
        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                return 1;
        }
        snprintf(etc, sizeof(etc), "%s/xetc", dir);
        snprintf(a, sizeof(a), "%s/ld.so.preload", etc);
        snprintf(b, sizeof(b), "%s/new", etc);
        if (mkdir(etc, 0755) < 0 || (fd = open(a, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
                perror(a);
                return 1;
        }
        if (write(fd, "/nonexistent/lib.so\n", 20) != 20) {
                perror("write");
                return 1;
        }
        close(fd);
        fd = open(b, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || rename(b, a) < 0) {
                perror("rename");
                return 1;
        }
        close(fd);
        unlink(a);
        rmdir(etc);
        rmdir(dir);
        execve("/bin/true", args, env);
        perror("execve /bin/true");
        return 1;
}
