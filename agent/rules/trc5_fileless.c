/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-5 Fileless Execution: exec of a binary that lives in memory: a memfd (judged from the kernel's
 * file: a "memfd:" file on an internal shmem mount, whatever path or fd number was used to run it),
 * or a file under /dev/shm or /run/shm.
 *
 * runc re-executes itself from a memfd when it starts a container: a default exception, keyed on the
 * program that made the exec (runc's binary in a trusted mount namespace), not on the memfd's name,
 * which the caller of memfd_create() chooses; and only for a memfd executed as root: any user can
 * run runc (rootless containers) and have it execute a program of theirs, from a memfd too.
 */
#include <stdio.h>
#include <string.h>

#include "../engine.h"

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        char path[TR_PATH_MAX + 1];
        bool memfd = e->h.flags & TR_F_EXEC_MEMFD;

        if (!event_arg_str(e, "pathname", path, sizeof(path)))
                return false;
        if (memfd) {
                finding_add_str(f, "path", path);
                finding_add_str(f, "kind", "memfd");
                snprintf(f->summary, sizeof(f->summary), "executed a program from memory (%.300s)", path);
                return true;
        }
        if (strncmp(path, "/dev/shm/", 9) != 0 && strncmp(path, "/run/shm/", 9) != 0)
                return false;
        finding_add_str(f, "path", path);
        finding_add_str(f, "kind", "shm");
        snprintf(f->summary, sizeof(f->summary), "executed a program from shared memory (%.300s)", path);
        return true;
}

const Rule rule_trc5 = {
        .id = "TRC-5",
        .name = "Fileless Execution",
        .description = "A process executed a program that lives only in memory (a memfd, or a file in "
                       "/dev/shm), leaving no file on disk.",
        .severity = SEVERITY_MEDIUM,
        .mitre_tactic = "Defense Evasion",
        .mitre_technique = "Reflective Code Loading",
        .mitre_id = "T1620",
        .tags = { "linux", "container" },
        .nneeds = 1,
        .needs = { { .event = "sched_process_exec" } },
        .match = match,
        .default_exceptions = {
                "exe=memfd:** exec_by=/usr/bin/runc uid=0",
                "exe=memfd:** exec_by=/usr/sbin/runc uid=0",
                "exe=memfd:** exec_by=/usr/local/bin/runc uid=0",
                "exe=memfd:** exec_by=/usr/local/sbin/runc uid=0",
        },
};
