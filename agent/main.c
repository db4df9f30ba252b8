/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tracee: the entry point. `tracee trace …` streams raw events; `tracee` with no subcommand runs the
 * detection rules.
 */
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "trace.h"

int main(int argc, char **argv)
{
        int r;

        if (argc > 1 && strcmp(argv[1], "trace") == 0)
                r = trace_main(argc - 1, argv + 1);
        else
                r = detect_main(argc, argv);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
