/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-3 Code injection: writing into another process's memory. Any of
 *   - ptrace(PTRACE_POKETEXT or PTRACE_POKEDATA), the attempt, whatever it returns;
 *   - an open for writing of /proc/<pid>/mem, /proc/self/mem (or a task's mem);
 *   - process_vm_writev() into another process.
 * The path is the one the process passed (an open through a relative path and a directory fd of
 * /proc/<pid> is not seen: a known limit of syscall-argument matching).
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "../engine.h"
#include "../format.h"

#define PTRACE_POKETEXT 4
#define PTRACE_POKEDATA 5

/* /proc/<pid|self|thread-self>/[task/<tid>/]mem → the target ("self" or the pid), or NULL */
static bool proc_mem_target(const char *p, char *target, size_t n)
{
        const char *s, *e;

        if (strncmp(p, "/proc/", 6) != 0)
                return false;
        s = p + 6;
        e = strchr(s, '/');
        if (!e || e == s || (size_t) (e - s) >= n)
                return false;
        if (!((e - s == 4 && strncmp(s, "self", 4) == 0) || (e - s == 11 && strncmp(s, "thread-self", 11) == 0))) {
                for (const char *c = s; c < e; c++)
                        if (!isdigit((unsigned char) *c))
                                return false;
        }
        memcpy(target, s, e - s);
        target[e - s] = 0;
        e++;
        if (strncmp(e, "task/", 5) == 0) {
                const char *t = e + 5;

                if (!isdigit((unsigned char) *t))
                        return false;
                while (isdigit((unsigned char) *t))
                        t++;
                if (*t != '/')
                        return false;
                e = t + 1;
        }
        return strcmp(e, "mem") == 0;
}

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        const char *name = e->def->name;
        char path[TR_PATH_MAX + 1], target[32], flags[128];
        int64_t v, fl;

        if (strcmp(name, "ptrace") == 0) {
                int64_t pid = 0;

                if (!event_arg_int(e, "request", &v) || (v != PTRACE_POKETEXT && v != PTRACE_POKEDATA))
                        return false;
                (void) event_arg_int(e, "pid", &pid);
                finding_add_str(f, "request", v == PTRACE_POKETEXT ? "PTRACE_POKETEXT" : "PTRACE_POKEDATA");
                finding_add_int(f, "target_pid", pid);
                snprintf(f->summary, sizeof(f->summary), "wrote into the memory of process %lld with ptrace(%s)",
                         (long long) pid, v == PTRACE_POKETEXT ? "PTRACE_POKETEXT" : "PTRACE_POKEDATA");
                return true;
        }
        if (strcmp(name, "process_vm_writev") == 0) {
                if (!event_arg_int(e, "pid", &v) || v == (int64_t) e->h.ns_pid || v == (int64_t) e->h.pid || v <= 0)
                        return false;
                finding_add_int(f, "target_pid", v);
                snprintf(f->summary, sizeof(f->summary),
                         "wrote into the memory of process %lld with process_vm_writev()", (long long) v);
                return true;
        }
        /* open, openat, openat2, creat */
        if (!event_arg_str(e, "pathname", path, sizeof(path)))
                return false;
        if (strcmp(name, "creat") == 0)
                fl = O_WRONLY | O_CREAT | O_TRUNC;
        else if (!event_arg_int(e, "flags", &fl))
                return false;
        if ((fl & O_ACCMODE) == O_RDONLY)
                return false;
        if (!proc_mem_target(path, target, sizeof(target)))
                return false;
        format_value(FMT_OPEN_FLAGS, fl, flags, sizeof(flags));
        finding_add_str(f, "target_pid", strcmp(target, "self") == 0 || strcmp(target, "thread-self") == 0 ?
                        "self" : target);
        finding_add_str(f, "path", path);
        finding_add_str(f, "flags", flags);
        snprintf(f->summary, sizeof(f->summary), "opened %.200s for writing (%.100s)", path, flags);
        return true;
}

#define WRITE_TERM(arg) { .field = (arg), .op = TR_OP_MASK_NE, .mask = O_ACCMODE, .value = O_RDONLY }

const Rule rule_trc3 = {
        .id = "TRC-3",
        .name = "Code injection",
        .description = "A process wrote into the memory of another process (ptrace POKETEXT/POKEDATA, "
                       "/proc/<pid>/mem opened for writing, or process_vm_writev), a way to inject code.",
        .severity = SEVERITY_HIGH,
        .mitre_tactic = "Defense Evasion",
        .mitre_technique = "Process Injection",
        .mitre_id = "T1055",
        .tags = { "linux", "container" },
        .nneeds = 6,
        .needs = {
                { .event = "ptrace", .nterms = 2,
                  .terms = { { .field = 0, .op = TR_OP_MASK_EQ, .mask = ~0ull, .value = PTRACE_POKETEXT },
                             { .field = 0, .op = TR_OP_MASK_EQ, .mask = ~0ull, .value = PTRACE_POKEDATA } } },
                { .event = "process_vm_writev" },
                { .event = "open", .nterms = 1, .terms = { WRITE_TERM(1) } },
                { .event = "openat", .nterms = 1, .terms = { WRITE_TERM(2) } },
                { .event = "openat2" },
                { .event = "creat" },
        },
        .match = match,
};
