/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-7 trigger: execve /bin/true with LD_PRELOAD (default) or LD_AUDIT set to a library that does
 * not exist (the loader warns that it cannot load it; /bin/true still runs). Same pid across exec.
 * Usage: trc7_env [preload|audit]
 * stdout: our pid.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        bool audit = argc > 1 && strcmp(argv[1], "audit") == 0;
        char *args[] = { "true", NULL };
        char *env[] = { "PATH=/usr/bin:/bin",
                        audit ? "LD_AUDIT=/nonexistent/libtracee-test.so" :
                                "LD_PRELOAD=/nonexistent/libtracee-test.so",
                        NULL };

        printf("%d\n", (int) getpid());
        fflush(stdout);
        execve("/bin/true", args, env);
        perror("execve /bin/true");
        return 1;
}
