/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-6 kernel module loading: init_module or finit_module attempted, whatever the result. On a
 * kernel built without module support these syscalls have no tracepoints; the rule is then listed
 * as unavailable with that reason rather than silently never firing.
 */
#include <stdio.h>
#include <string.h>

#include "../engine.h"

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        char params[256] = "";

        (void) event_arg_str(e, "param_values", params, sizeof(params));
        finding_add_str(f, "syscall", e->def->name);
        finding_add_str(f, "params", params);
        if (strcmp(e->def->name, "finit_module") == 0) {
                int64_t fd = -1;

                (void) event_arg_int(e, "fd", &fd);
                finding_add_int(f, "fd", fd);
        }
        snprintf(f->summary, sizeof(f->summary), "tried to load a kernel module with %s()", e->def->name);
        return true;
}

const Rule rule_trc6 = {
        .id = "TRC-6",
        .name = "kernel module loading",
        .description = "A process tried to load a kernel module, which runs code with the kernel's full "
                       "privileges (rootkits do this).",
        .severity = SEVERITY_HIGH,
        .mitre_tactic = "Persistence",
        .mitre_technique = "Kernel Modules and Extensions",
        .mitre_id = "T1547.006",
        .tags = { "linux", "container" },
        .nneeds = 2,
        .needs = { { .event = "init_module" }, { .event = "finit_module" } },
        .match = match,
};
