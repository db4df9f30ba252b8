/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-2 Anti-Debugging: ptrace(PTRACE_TRACEME). A process that makes itself traced by its parent
 * keeps any other debugger from attaching; packed malware does it to resist analysis.
 */
#include <stdio.h>

#include "../engine.h"

#define PTRACE_TRACEME 0

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        int64_t req;

        if (!event_arg_int(e, "request", &req) || req != PTRACE_TRACEME)
                return false;
        finding_add_str(f, "request", "PTRACE_TRACEME");
        snprintf(f->summary, sizeof(f->summary), "called ptrace(PTRACE_TRACEME) to keep debuggers away");
        return true;
}

const Rule rule_trc2 = {
        .id = "TRC-2",
        .name = "Anti-Debugging",
        .description = "A process used ptrace(PTRACE_TRACEME), a common way to block debuggers and evade "
                       "analysis.",
        .severity = SEVERITY_HIGH,
        .mitre_tactic = "Defense Evasion",
        .mitre_technique = "Debugger Evasion",
        .mitre_id = "T1622",
        .tags = { "linux", "container" },
        .nneeds = 1,
        .needs = {
                { .event = "ptrace", .nterms = 1,
                  .terms = { { .field = 0, .op = TR_OP_MASK_EQ, .mask = ~0ull, .value = PTRACE_TRACEME } } },
        },
        .match = match,
};
