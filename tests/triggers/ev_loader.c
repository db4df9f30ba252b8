/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-7 evasion trigger: the loader told to preload a library past what a capture limit looks at,
 * or without the environment at all. Execs (same pid) /bin/true with a library that does not
 * exist (the loader warns; /bin/true still runs). Usage: ev_loader MODE, MODE one of
 *   padded     LD_PRELOAD= after 64 KiB of other variables
 *   longval    LD_AUDIT= whose value is 20 KiB long (only its start is sent)
 *   many       LD_PRELOAD= as the 2000th of 2000 variables
 *   preload    the loader run directly: ld.so --preload LIB /bin/true
 *   audit      ld.so --audit LIB /bin/true
 *   copy       a copy of the loader under another name (/var/tmp/ev-loader-PID) with --preload
 *   padopts    ld.so --library-path <8 KiB> --preload LIB /bin/true: past argv's capture limit
 * and look-alikes (no finding): list (ld.so --list /bin/true), plain (ld.so /bin/true),
 * named (variables MY_LD_PRELOAD=, LD_PRELOADX= and a value holding "LD_PRELOAD=" after padding).
 * stdout: our pid.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define LDSO "/lib64/ld-linux-x86-64.so.2"
#define LIB "/nonexistent/libtracee-ev.so"

static char *pad(size_t n, char c)
{
        char *s = malloc(n + 1);

        if (!s)
                exit(1);
        memset(s, c, n);
        s[n] = 0;
        return s;
}

int main(int argc, char **argv)
{
        const char *mode = argc > 1 ? argv[1] : "";
        char *env[2100] = { "PATH=/usr/bin:/bin" };
        char *args[16] = { "true", NULL };
        const char *prog = "/bin/true";
        char copy[64];
        int ne = 1;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (strcmp(mode, "padded") == 0) {
                char *v = pad(64 * 1024, 'x');

                memcpy(v, "PADDING=", 8);
                env[ne++] = v;
                env[ne++] = "LD_PRELOAD=" LIB;
        } else if (strcmp(mode, "longval") == 0) {
                char *v = pad(20 * 1024, 'a');

                memcpy(v, "LD_AUDIT=/", 10);
                env[ne++] = v;
        } else if (strcmp(mode, "many") == 0) {
                for (int i = 0; i < 1998; i++) {
                        char *v = malloc(16);

                        snprintf(v, 16, "V%d=1", i);
                        env[ne++] = v;
                }
                env[ne++] = "LD_PRELOAD=" LIB;
        } else if (strcmp(mode, "named") == 0) {
                char *v = pad(16 * 1024, 'y');

                memcpy(v, "NOTE=", 5);
                memcpy(v + 16 * 1024 - 24, "LD_PRELOAD=/x.so", 16);
                env[ne++] = v;
                env[ne++] = "MY_LD_PRELOAD=" LIB;
                env[ne++] = "LD_PRELOADX=" LIB;
        } else if (strcmp(mode, "preload") == 0 || strcmp(mode, "audit") == 0 || strcmp(mode, "copy") == 0 ||
                   strcmp(mode, "padopts") == 0 || strcmp(mode, "list") == 0 || strcmp(mode, "plain") == 0) {
                int n = 0;

                prog = LDSO;
                if (strcmp(mode, "copy") == 0) {
                        int in = open(LDSO, O_RDONLY | O_CLOEXEC), out;
                        struct stat st;

                        snprintf(copy, sizeof(copy), "/var/tmp/ev-loader-%d", (int) getpid());
                        out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
                        if (in < 0 || out < 0 || fstat(in, &st) < 0 ||
                            sendfile(out, in, NULL, (size_t) st.st_size) != st.st_size) {
                                perror("copy the loader");
                                return 1;
                        }
                        close(in);
                        close(out);
                        prog = copy;
                        /* gone once exec'd: the kernel holds the file */
                        if (fork() == 0) {
                                usleep(300000);
                                unlink(copy);
                                _exit(0);
                        }
                }
                args[n++] = (char *) prog;
                if (strcmp(mode, "padopts") == 0) {
                        args[n++] = "--library-path";
                        args[n++] = pad(8 * 1024, 'L');
                        memcpy(args[n - 1], "/nonexistent/", 13);
                }
                if (strcmp(mode, "audit") == 0)
                        args[n++] = "--audit";
                else if (strcmp(mode, "list") == 0)
                        args[n++] = "--list";
                else if (strcmp(mode, "plain") != 0)
                        args[n++] = "--preload";
                if (strcmp(mode, "list") != 0 && strcmp(mode, "plain") != 0)
                        args[n++] = LIB;
                args[n++] = "/bin/true";
                args[n] = NULL;
                if (strcmp(mode, "list") == 0) {
                        int nul = open("/dev/null", O_WRONLY);

                        dup2(nul, 1);
                }
        } else {
                fprintf(stderr, "usage: %s MODE (see the source)\n", argv[0]);
                return 2;
        }
        env[ne] = NULL;
        execve(prog, args, env);
        perror("execve");
        return 1;
}
