/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-7 evasion trigger: puts a file at /etc/ld.so.preload, or writes it, the ways an attacker who
 * has read a path-matching rule would. It never touches the host's files: it first enters a mount
 * namespace of its own (CLONE_NEWNS, everything private) with empty tmpfs mounted on /etc and on
 * /tmp, so the /etc/ld.so.preload it makes exists only there and vanishes with it.
 * Usage: ev_preload MODE, MODE one of
 *   cwd         chdir("/etc"), open("ld.so.preload", O_WRONLY|O_CREAT)            (1 finding)
 *   dirfd       openat(open("/etc"), "ld.so.preload", O_WRONLY|O_CREAT)           (1)
 *   slashes     open("//etc/./ld.so.preload", O_WRONLY|O_CREAT)                   (1)
 *   symlink     symlink("/etc/ld.so.preload", "/tmp/l"), open("/tmp/l", O_WRONLY|O_CREAT)  (1)
 *   fdpath      open("/proc/self/fd/N/ld.so.preload", ...), N an O_PATH fd of /etc (1)
 *   width       openat(etcfd | 1 << 32, "ld.so.preload", ...)                     (1)
 *   hardlink    create it (1), link it to /etc/other, open("/etc/other", O_WRONLY)   (2)
 *   handle      create it (1), name_to_handle_at, open_by_handle_at(O_WRONLY)      (2)
 *   rename      chdir("/etc"), rename("new", "ld.so.preload") (new made in /etc)  (1)
 *   renameat    renameat(tmpdirfd, "new", etcfd, "ld.so.preload") (new made in /etc via a dirfd) (1)
 *   exchange    create it (1), renameat2("/etc/new", "/etc/ld.so.preload", RENAME_EXCHANGE) (2)
 *   exchange2   create it (1), renameat2("/etc/ld.so.preload", "/etc/new", RENAME_EXCHANGE) (2)
 *   link        link("/etc/new", "/etc/ld.so.preload")                            (1)
 *   tmpfile     open("/etc", O_TMPFILE|O_WRONLY), linkat(fd, "", AT_FDCWD, "/etc/ld.so.preload",
 *               AT_EMPTY_PATH)                                                     (1)
 *   symlinkat   symlinkat("/tmp/evil.so", etcfd, "ld.so.preload")                 (1)
 *   symlinkdir  symlink("/etc", "/tmp/e"), rename("/etc/new", "/tmp/e/ld.so.preload"): the rename's
 *               target is joined as written (a known limit), but a child then runs /bin/true, whose
 *               loader reads the new list: that first read is a finding of the child's ("child PID")
 * and look-alikes, with no finding for our pid:
 *   readonly    a child makes /etc/ld.so.preload (its finding, printed "child PID"); we read it the
 *               way the loader does, through a relative path too, and rename it away (a backup)
 *   otherdir    write /tmp/ld.so.preload, rename a file onto /tmp/etcx/ld.so.preload
 * stdout: our pid, then "done".
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PRELOAD "/etc/ld.so.preload"

static int must(int r, const char *what)
{
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", what, strerror(errno));
                exit(1);
        }
        return r;
}

static void make(const char *path)
{
        int fd = must(open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), path);

        if (write(fd, "/tmp/evil.so\n", 13) != 13)
                exit(1);
        close(fd);
}

/* A file in /etc made through a name the rule does not watch, then its content. */
static void make_new(void)
{
        make("/etc/new");
}

int main(int argc, char **argv)
{
        const char *mode = argc > 1 ? argv[1] : "";
        char path[128];
        int etc, fd = -1;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        must(unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)");
        must(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), "make / private");
        must(mount("tracee-ev-etc", "/etc", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=1m"), "tmpfs on /etc");
        must(mount("tracee-ev-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=1m"), "tmpfs on /tmp");
        etc = must(open("/etc", O_PATH | O_DIRECTORY | O_CLOEXEC), "/etc");

        if (strcmp(mode, "cwd") == 0) {
                must(chdir("/etc"), "chdir");
                fd = open("ld.so.preload", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        } else if (strcmp(mode, "dirfd") == 0) {
                fd = openat(etc, "ld.so.preload", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        } else if (strcmp(mode, "slashes") == 0) {
                fd = open("//etc/./ld.so.preload", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        } else if (strcmp(mode, "symlink") == 0) {
                must(symlink(PRELOAD, "/tmp/l"), "symlink");
                fd = open("/tmp/l", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        } else if (strcmp(mode, "fdpath") == 0) {
                snprintf(path, sizeof(path), "/proc/self/fd/%d/ld.so.preload", etc);
                fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        } else if (strcmp(mode, "width") == 0) {
                fd = (int) syscall(SYS_openat, (long) etc | (1L << 32), "ld.so.preload",
                                   (long) (O_WRONLY | O_CREAT | O_CLOEXEC), 0644L);
        } else if (strcmp(mode, "hardlink") == 0) {
                make(PRELOAD);
                must(link(PRELOAD, "/etc/other"), "link");
                fd = open("/etc/other", O_WRONLY | O_APPEND | O_CLOEXEC);
        } else if (strcmp(mode, "handle") == 0) {
                struct file_handle *h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
                int mount_id;

                make(PRELOAD);
                h->handle_bytes = MAX_HANDLE_SZ;
                must(name_to_handle_at(AT_FDCWD, PRELOAD, h, &mount_id, 0), "name_to_handle_at");
                fd = open_by_handle_at(must(open("/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC), "/etc"), h,
                                       O_WRONLY | O_APPEND | O_CLOEXEC);
        } else if (strcmp(mode, "rename") == 0) {
                make_new();
                must(chdir("/etc"), "chdir");
                fd = rename("new", "ld.so.preload");
        } else if (strcmp(mode, "renameat") == 0) {
                int tmp = must(open("/etc", O_PATH | O_DIRECTORY | O_CLOEXEC), "/etc");

                make_new();
                fd = renameat(tmp, "new", etc, "ld.so.preload");
        } else if (strcmp(mode, "exchange") == 0 || strcmp(mode, "exchange2") == 0) {
                make(PRELOAD);
                make_new();
                if (strcmp(mode, "exchange") == 0)
                        fd = (int) syscall(SYS_renameat2, AT_FDCWD, "/etc/new", AT_FDCWD, PRELOAD, RENAME_EXCHANGE);
                else
                        fd = (int) syscall(SYS_renameat2, AT_FDCWD, PRELOAD, AT_FDCWD, "/etc/new", RENAME_EXCHANGE);
        } else if (strcmp(mode, "link") == 0) {
                make_new();
                fd = link("/etc/new", PRELOAD);
        } else if (strcmp(mode, "tmpfile") == 0) {
                int t = must(open("/etc", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644), "O_TMPFILE");

                if (write(t, "/tmp/evil.so\n", 13) != 13)
                        return 1;
                fd = linkat(t, "", AT_FDCWD, PRELOAD, AT_EMPTY_PATH);
        } else if (strcmp(mode, "symlinkat") == 0) {
                fd = symlinkat("/tmp/evil.so", etc, "ld.so.preload");
        } else if (strcmp(mode, "symlinkdir") == 0) {
                make_new();
                must(symlink("/etc", "/tmp/e"), "symlink");
                fd = rename("/etc/new", "/tmp/e/ld.so.preload");
                if (fd == 0) {
                        pid_t c = fork();

                        if (c == 0) {
                                int nul = open("/dev/null", O_WRONLY);

                                dup2(nul, 2);   /* the loader complains that /tmp/evil.so is missing */
                                execl("/bin/true", "true", (char *) NULL);
                                _exit(127);
                        }
                        printf("child %d\n", (int) c);
                        if (c < 0 || waitpid(c, NULL, 0) != c)
                                return 1;
                }
        } else if (strcmp(mode, "readonly") == 0) {
                pid_t c = fork();

                if (c == 0) {
                        make(PRELOAD);
                        _exit(0);
                }
                printf("child %d\n", (int) c);
                if (c < 0 || waitpid(c, NULL, 0) != c)
                        return 1;
                close(must(open(PRELOAD, O_RDONLY | O_CLOEXEC), "read"));
                must(chdir("/etc"), "chdir");
                close(must(open("ld.so.preload", O_RDONLY | O_CLOEXEC), "read"));
                fd = rename("ld.so.preload", "ld.so.preload.bak");
        } else if (strcmp(mode, "otherdir") == 0) {
                make("/tmp/ld.so.preload");
                must(mkdir("/tmp/etcx", 0755), "mkdir");
                make("/tmp/etcx/new");
                fd = rename("/tmp/etcx/new", "/tmp/etcx/ld.so.preload");
        } else {
                fprintf(stderr, "usage: %s MODE (see the source)\n", argv[0]);
                return 2;
        }
        if (fd < 0) {
                fprintf(stderr, "%s: %s\n", mode, strerror(errno));
                return 1;
        }
        printf("done\n");
        return 0;
}
