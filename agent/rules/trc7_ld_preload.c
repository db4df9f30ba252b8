/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-7 LD_PRELOAD: a program started with LD_PRELOAD or LD_AUDIT in its environment (and
 * LD_LIBRARY_PATH when configured: it is common in legitimate use), or /etc/ld.so.preload opened
 * for writing or renamed onto. Either makes every dynamically linked program load the attacker's
 * library.
 *
 * The environment is read from the new image at exec, up to 8 KiB; a variable set past that is
 * not seen (the event is marked truncated).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "../engine.h"

#define PRELOAD_FILE "/etc/ld.so.preload"

/* The path names /etc/ld.so.preload, absolutely or through a prefix (../../etc/ld.so.preload,
 * /proc/1/root/etc/ld.so.preload). PRELOAD_FILE starts with '/', so a suffix match is already at a
 * path-component boundary. */
static bool ends_with_preload(const char *p)
{
        size_t l = strlen(p), k = strlen(PRELOAD_FILE);

        return l >= k && strcmp(p + l - k, PRELOAD_FILE) == 0;
}

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        const char *name = e->def->name;
        char path[TR_PATH_MAX + 1];

        if (strcmp(name, "sched_process_exec") == 0) {
                const EventArg *env = event_arg(e, "env");
                size_t pos = 0, l;
                const char *s;

                while (strarr_next(env, &pos, &s, &l)) {
                        const char *var = NULL;

                        if (l > 11 && strncmp(s, "LD_PRELOAD=", 11) == 0)
                                var = "LD_PRELOAD";
                        else if (l > 9 && strncmp(s, "LD_AUDIT=", 9) == 0)
                                var = "LD_AUDIT";
                        else if (o->ld_library_path && l > 16 && strncmp(s, "LD_LIBRARY_PATH=", 16) == 0)
                                var = "LD_LIBRARY_PATH";
                        if (!var)
                                continue;
                        finding_add_str(f, "variable", var);
                        finding_add_strn(f, "value", s + strlen(var) + 1, l - strlen(var) - 1);
                        snprintf(f->summary, sizeof(f->summary), "was started with %s=%.300s", var, f->data[1].s);
                        return true;
                }
                return false;
        }
        if (strncmp(name, "rename", 6) == 0) {
                if (!event_arg_str(e, "newpath", path, sizeof(path)) || !ends_with_preload(path))
                        return false;
                finding_add_str(f, "path", path);
                finding_add_str(f, "operation", "rename");
                snprintf(f->summary, sizeof(f->summary), "replaced %s by renaming a file onto it", PRELOAD_FILE);
                return true;
        }
        {
                int64_t fl;

                if (!event_arg_str(e, "pathname", path, sizeof(path)) || !ends_with_preload(path))
                        return false;
                if (strcmp(name, "creat") == 0)
                        fl = O_WRONLY;
                else if (!event_arg_int(e, "flags", &fl))
                        return false;
                if ((fl & O_ACCMODE) == O_RDONLY)
                        return false;
                finding_add_str(f, "path", path);
                finding_add_str(f, "operation", "open for write");
                snprintf(f->summary, sizeof(f->summary), "opened %s for writing", PRELOAD_FILE);
                return true;
        }
}

#define WRITE_TERM(arg) { .field = (arg), .op = TR_OP_MASK_NE, .mask = O_ACCMODE, .value = O_RDONLY }

const Rule rule_trc7 = {
        .id = "TRC-7",
        .name = "LD_PRELOAD",
        .description = "A program was started with LD_PRELOAD or LD_AUDIT set, or /etc/ld.so.preload was "
                       "written: a library injected into processes to hook them.",
        .severity = SEVERITY_MEDIUM,
        .mitre_tactic = "Persistence",
        .mitre_technique = "Hijack Execution Flow",
        .mitre_id = "T1574.006",
        .tags = { "linux", "container" },
        .nneeds = 8,
        .needs = {
                { .event = "sched_process_exec" },
                { .event = "open", .nterms = 1, .terms = { WRITE_TERM(1) } },
                { .event = "openat", .nterms = 1, .terms = { WRITE_TERM(2) } },
                { .event = "openat2" },
                { .event = "creat" },
                { .event = "rename" },
                { .event = "renameat" },
                { .event = "renameat2" },
        },
        .needs_exec_env = true,
        .match = match,
};
