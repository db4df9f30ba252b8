/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-3 Code injection: writing into another process's memory or registers, as the kernel carried
 * it out. Any of
 *   - ptrace(PTRACE_POKETEXT, POKEDATA, POKEUSER, SETREGS, SETFPREGS or SETREGSET) that succeeded:
 *     memory written, or the registers set so that the target runs the attacker's code;
 *   - a process's mem file (/proc/PID/mem, /proc/PID/task/TID/mem) opened for writing: judged from
 *     the file the open returned (procfs, a "mem" entry of a process; its f_mode), so no spelling,
 *     relative path, directory fd, symlink or race on the path changes the verdict, and the target
 *     is the process the file belongs to, not a number parsed from the path;
 *   - process_vm_writev() that wrote into another process.
 * A refused attempt (EPERM, EACCES, ESRCH) wrote nothing and is not a finding: any user could
 * raise one at will against any process.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>

#include "../engine.h"
#include "../format.h"

static const struct {
        int64_t request;
        const char *name;
        const char *what;
} requests[] = {
        { PTRACE_POKETEXT, "PTRACE_POKETEXT", "wrote into the memory" },
        { PTRACE_POKEDATA, "PTRACE_POKEDATA", "wrote into the memory" },
        { PTRACE_POKEUSER, "PTRACE_POKEUSER", "wrote into the user area (registers)" },
        { PTRACE_SETREGS, "PTRACE_SETREGS", "set the registers" },
        { PTRACE_SETFPREGS, "PTRACE_SETFPREGS", "set the floating-point registers" },
        { PTRACE_SETREGSET, "PTRACE_SETREGSET", "set the registers" },
};

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        const char *name = e->def->name;
        char path[TR_PATH_MAX + 1], asked[TR_PATH_MAX + 1] = "", flags[128] = "";
        const EventArg *ri;
        struct tr_fdinfo fi;
        int64_t v, fl;

        if (strcmp(name, "ptrace") == 0) {
                int64_t pid = 0;

                if (e->h.retval != 0 || !event_arg_int(e, "request", &v))
                        return false;
                for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
                        if (requests[i].request != v)
                                continue;
                        (void) event_arg_int(e, "pid", &pid);
                        finding_add_str(f, "request", requests[i].name);
                        finding_add_int(f, "target_pid", pid);
                        snprintf(f->summary, sizeof(f->summary), "%s of process %lld with ptrace(%s)",
                                 requests[i].what, (long long) pid, requests[i].name);
                        return true;
                }
                return false;
        }
        if (strcmp(name, "process_vm_writev") == 0) {
                if (e->h.retval <= 0 || !event_arg_int(e, "pid", &v) || v == (int64_t) e->h.ns_pid ||
                    v == (int64_t) e->h.pid || v <= 0)
                        return false;
                finding_add_int(f, "target_pid", v);
                snprintf(f->summary, sizeof(f->summary),
                         "wrote into the memory of process %lld with process_vm_writev()", (long long) v);
                return true;
        }
        /* open, openat, openat2, creat, open_by_handle_at: the file the kernel returned */
        ri = event_arg(e, "ret_info");
        if (e->h.retval < 0 || !ri || ri->len != sizeof(fi))
                return false;
        memcpy(&fi, ri->data, sizeof(fi));
        if ((fi.fclass & (TR_FC_PROC_MEM | TR_FC_WRITE)) != (TR_FC_PROC_MEM | TR_FC_WRITE))
                return false;
        if (!event_arg_str(e, "ret_path", path, sizeof(path)))
                snprintf(path, sizeof(path), "/proc/%u/mem", fi.proc_tgid);
        (void) event_arg_str(e, "pathname", asked, sizeof(asked));
        if (event_arg_int(e, "flags", &fl))
                format_value(FMT_OPEN_FLAGS, fl, flags, sizeof(flags));
        else if (strcmp(name, "creat") == 0)
                format_value(FMT_OPEN_FLAGS, O_WRONLY | O_CREAT | O_TRUNC, flags, sizeof(flags));
        if (fi.proc_tgid == e->h.pid)
                finding_add_str(f, "target_pid", "self");
        else {
                char t[16];

                snprintf(t, sizeof(t), "%u", fi.proc_tgid);
                finding_add_str(f, "target_pid", t);
        }
        finding_add_str(f, "path", path);
        finding_add_str(f, "flags", flags);
        if (*asked && strcmp(asked, path) != 0)
                finding_add_str(f, "requested_path", asked);
        snprintf(f->summary, sizeof(f->summary), "opened %.200s for writing (%.100s)", path, flags);
        return true;
}

/* a request that succeeded (ptrace returns 0 for these) */
#define REQ(a, b)                                                                               \
        TERM_AND(0, TR_OP_EQ2, (a), (b)), TERM(TR_FIELD_RETVAL, TR_OP_MASK_EQ, ~0ull, 0)
#define WROTE_PROC_MEM HAS(TR_FIELD_RETCLASS, TR_FC_WRITE | TR_FC_PROC_MEM)

const Rule rule_trc3 = {
        .id = "TRC-3",
        .name = "Code injection",
        .description = "A process wrote into the memory or the registers of another process (ptrace "
                       "POKETEXT/POKEDATA/POKEUSER/SETREGS, /proc/<pid>/mem opened for writing, or "
                       "process_vm_writev), a way to inject code.",
        .severity = SEVERITY_HIGH,
        .mitre_tactic = "Defense Evasion",
        .mitre_technique = "Process Injection",
        .mitre_id = "T1055",
        .tags = { "linux", "container" },
        .nneeds = 7,
        .needs = {
                { .event = "ptrace", .nterms = 6,
                  .terms = { REQ(PTRACE_POKETEXT, PTRACE_POKEDATA), REQ(PTRACE_POKEUSER, PTRACE_SETREGS),
                             REQ(PTRACE_SETFPREGS, PTRACE_SETREGSET) } },
                { .event = "process_vm_writev", .nterms = 1, .terms = { TERM(TR_FIELD_RETVAL, TR_OP_GE, 0, 1) } },
                { .event = "open", .nterms = 1, .terms = { WROTE_PROC_MEM } },
                { .event = "openat", .nterms = 1, .terms = { WROTE_PROC_MEM } },
                { .event = "openat2", .nterms = 1, .terms = { WROTE_PROC_MEM } },
                { .event = "creat", .nterms = 1, .terms = { WROTE_PROC_MEM } },
                { .event = "open_by_handle_at", .nterms = 1, .terms = { WROTE_PROC_MEM } },
        },
        .match = match,
};
