/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tr_marker: an exec target with a unique name; prints its pid and exits 0. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
        printf("%d\n", (int) getpid());
        fflush(stdout);
        return 0;
}
