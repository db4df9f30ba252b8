/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tr_ptrace_traceme: ptrace(PTRACE_TRACEME). */
#include <stdio.h>
#include <sys/ptrace.h>
#include <unistd.h>

int main(void)
{
        long r;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        r = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        if (r < 0) {
                perror("ptrace");
                return 1;
        }
        return 0;
}
