/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-5 trigger: copy /bin/true to DIR/tracee-test-PID (DIR /dev/shm by default, or /run/shm) and
 * exec it by that path (same pid). The test removes the file afterwards.
 * Usage: trc5_shm [DIR]
 * stdout: our pid, then "path PATH".
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
        const char *dir = argc > 1 ? argv[1] : "/dev/shm";
        char path[256], buf[65536];
        char *args[] = { "true", NULL };
        ssize_t n;
        int in, out;

        printf("%d\n", (int) getpid());
        snprintf(path, sizeof(path), "%s/tracee-test-%d", dir, (int) getpid());
        printf("path %s\n", path);
        fflush(stdout);
        in = open("/bin/true", O_RDONLY | O_CLOEXEC);
        out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
        if (in < 0 || out < 0) {
                perror(path);
                return 1;
        }
        while ((n = read(in, buf, sizeof(buf))) > 0)
                if (write(out, buf, (size_t) n) != n) {
                        perror("write");
                        return 1;
                }
        close(in);
        if (n < 0 || close(out) < 0) {
                perror("copy");
                return 1;
        }
        execve(path, args, environ);
        perror("execve");
        unlink(path);
        return 1;
}
