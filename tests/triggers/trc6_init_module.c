/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-6 trigger: attempts init_module and finit_module with no module (on a kernel without module
 * support they fail with ENOSYS; elsewhere with EFAULT/EBADF: no module is ever loaded). Prints its
 * pid, then the two return values and errnos.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
        long r1, r2;
        int e1, e2;

        printf("%d\n", (int) getpid());
        fflush(stdout);
        r1 = syscall(SYS_init_module, (void *) 0, 0UL, "tracee_test=1");
        e1 = errno;
        r2 = syscall(SYS_finit_module, -1, "tracee_test=1", 0);
        e2 = errno;
        printf("init_module %ld %d\nfinit_module %ld %d\n", r1, e1, r2, e2);
        return 0;
}
