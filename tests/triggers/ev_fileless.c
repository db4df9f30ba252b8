/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-5 evasion trigger: programs and code run from memory the ways around a rule that looks at
 * the executed path's spelling or at the memfd's name. Usage: ev_fileless MODE, MODE one of
 *   runcname   a memfd named "runc_cloned:x" holding /bin/true, run with fexecve: a name is no
 *              exemption
 *   deleted    /bin/true copied to an O_TMPFILE file (no name at all), run with fexecve
 *   script     a memfd holding "#!/bin/sh\nexit 0\n", run with fexecve (the interpreter is what
 *              the kernel's exec file says)
 *   shmscript  /dev/shm/ev-PID.sh, run after chdir("/dev/shm") as "./ev-PID.sh"
 *   bind       in a private mount namespace /dev/shm bind-mounted on /mnt, /mnt/ev-PID run: the
 *              path says /mnt, the superblock says /dev/shm
 *   ldso       the loader run on /dev/shm/ev-PID: ld.so maps it, nothing execs it
 *   ldsofd     the loader run on /proc/self/fd/N of a memfd holding /bin/true
 *   dlopen     dlopen("/proc/self/fd/N") of a memfd holding a copy of libm
 * and look-alikes (no finding): tmpexec (a copy of /bin/true run from a private tmpfs on /mnt,
 * not /dev/shm), ldsolist (the loader with --list), dlopenlib (dlopen of libm from disk).
 * Files it makes in /dev/shm are removed. stdout: our pid (it is the exec'ing process's, or that of
 * a child that execs: "child PID").
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define LDSO "/lib64/ld-linux-x86-64.so.2"
#define LIBM "/lib/x86_64-linux-gnu/libm.so.6"

extern char **environ;

static void die(const char *what)
{
        perror(what);
        exit(1);
}

static void copy(const char *from, int to)
{
        int fd = open(from, O_RDONLY | O_CLOEXEC);
        struct stat st;

        if (fd < 0 || fstat(fd, &st) < 0 || sendfile(to, fd, NULL, (size_t) st.st_size) != st.st_size)
                die(from);
        close(fd);
}

static void copy_to(const char *from, const char *path)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

        if (fd < 0)
                die(path);
        copy(from, fd);
        close(fd);
}

/* Runs argv in a child and waits: our pid stays out of the exec (the child's is printed). */
static int run(char *const *argv, int execfd)
{
        pid_t c = fork();
        int st;

        if (c == 0) {
                if (execfd >= 0)
                        syscall(SYS_execveat, execfd, "", argv, environ, AT_EMPTY_PATH);
                else
                        execv(argv[0], argv);
                _exit(127);
        }
        printf("child %d\n", (int) c);
        fflush(stdout);
        if (c < 0 || waitpid(c, &st, 0) != c)
                die("wait");
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int main(int argc, char **argv)
{
        const char *mode = argc > 1 ? argv[1] : "";
        char path[128], fdpath[64];
        char *true_argv[] = { "true", NULL };
        int fd, rc = 0;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        snprintf(path, sizeof(path), "/dev/shm/ev-%d", (int) getpid());
        if (strcmp(mode, "runcname") == 0 || strcmp(mode, "script") == 0 || strcmp(mode, "ldsofd") == 0) {
                fd = (int) syscall(SYS_memfd_create, strcmp(mode, "runcname") == 0 ? "runc_cloned:x" : "ev", 0);
                if (fd < 0)
                        die("memfd_create");
                if (strcmp(mode, "script") == 0) {
                        if (write(fd, "#!/bin/sh\nexit 0\n", 17) != 17)
                                die("write");
                } else
                        copy("/bin/true", fd);
                if (strcmp(mode, "ldsofd") == 0) {
                        snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
                        char *a[] = { LDSO, fdpath, NULL };

                        rc = run(a, -1);
                } else
                        rc = run(true_argv, fd);
        } else if (strcmp(mode, "deleted") == 0) {
                fd = open("/var/tmp", O_TMPFILE | O_RDWR, 0755);
                if (fd < 0)
                        die("O_TMPFILE");
                copy("/bin/true", fd);
                fchmod(fd, 0755);
                /* an O_TMPFILE fd cannot be exec'd while open for writing: reopen it read-only */
                snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
                {
                        int ro = open(fdpath, O_RDONLY | O_CLOEXEC);

                        close(fd);
                        rc = run(true_argv, ro);
                }
        } else if (strcmp(mode, "shmscript") == 0) {
                char name[64];

                snprintf(path, sizeof(path), "/dev/shm/ev-%d.sh", (int) getpid());
                fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
                if (fd < 0 || write(fd, "#!/bin/sh\nexit 0\n", 17) != 17)
                        die(path);
                close(fd);
                if (chdir("/dev/shm") < 0)
                        die("chdir");
                snprintf(name, sizeof(name), "./ev-%d.sh", (int) getpid());
                {
                        char *a[] = { name, NULL };

                        rc = run(a, -1);
                }
                unlink(path);
        } else if (strcmp(mode, "bind") == 0 || strcmp(mode, "tmpexec") == 0) {
                char mpath[64];

                if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                        die("private mount namespace");
                if (strcmp(mode, "bind") == 0) {
                        copy_to("/bin/true", path);
                        if (mount("/dev/shm", "/mnt", NULL, MS_BIND, NULL) < 0)
                                die("bind /dev/shm on /mnt");
                } else if (mount("ev-tmp", "/mnt", "tmpfs", 0, "size=8m") < 0)
                        die("tmpfs on /mnt");
                snprintf(mpath, sizeof(mpath), "/mnt/ev-%d", (int) getpid());
                if (strcmp(mode, "tmpexec") == 0)
                        copy_to("/bin/true", mpath);
                {
                        char *a[] = { mpath, NULL };

                        rc = run(a, -1);
                }
                unlink(path);
        } else if (strcmp(mode, "ldso") == 0) {
                copy_to("/bin/true", path);
                {
                        char *a[] = { LDSO, path, NULL };

                        rc = run(a, -1);
                }
                unlink(path);
        } else if (strcmp(mode, "ldsolist") == 0) {
                char *a[] = { LDSO, "--list", "/bin/true", NULL };
                pid_t c = fork();

                if (c == 0) {
                        int nul = open("/dev/null", O_WRONLY);

                        dup2(nul, 1);
                        execv(a[0], a);
                        _exit(127);
                }
                printf("child %d\n", (int) c);
                fflush(stdout);
                waitpid(c, NULL, 0);
        } else if (strcmp(mode, "dlopen") == 0) {
                fd = (int) syscall(SYS_memfd_create, "ev-lib", MFD_CLOEXEC);
                if (fd < 0)
                        die("memfd_create");
                copy(LIBM, fd);
                snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
                if (!dlopen(fdpath, RTLD_NOW)) {
                        fprintf(stderr, "dlopen: %s\n", dlerror());
                        return 1;
                }
        } else if (strcmp(mode, "dlopenlib") == 0) {
                if (!dlopen(LIBM, RTLD_NOW)) {
                        fprintf(stderr, "dlopen: %s\n", dlerror());
                        return 1;
                }
        } else {
                fprintf(stderr, "usage: %s MODE (see the source)\n", argv[0]);
                return 2;
        }
        if (rc) {
                fprintf(stderr, "%s: the program exited %d\n", mode, rc);
                return 1;
        }
        return 0;
}
