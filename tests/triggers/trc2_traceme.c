/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-2 trigger: ptrace(PTRACE_TRACEME), then exit without exec'ing (so the tracer, our parent,
 * never has to handle a stop). stdout, first line: our pid.
 */
#include <stdio.h>
#include <sys/ptrace.h>
#include <unistd.h>

int main(void)
{
        printf("%d\n", (int) getpid());
        fflush(stdout);
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
                perror("ptrace(PTRACE_TRACEME)");
                return 1;
        }
        return 0;
}
