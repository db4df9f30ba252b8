/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-5 Fileless Execution: a program run from a file that lives only in memory, judged from the
 * kernel's file, never from the path or fd number used to reach it:
 *   - exec of a memfd (a "memfd:" file on the internal shmem mount), of a file on the host's
 *     /dev/shm (its superblock, through any path or bind mount) or under /dev/shm or /run/shm in
 *     the process's own mount namespace (a container's), or of a deleted file (fexecve of an
 *     unlinked or O_TMPFILE file);
 *   - a script (#!) run that way: binfmt_script replaces the executed file by the interpreter,
 *     so the script's own file is read from the fd it was run through (/dev/fd/N, /proc/self/fd/N),
 *     or its name is resolved against the directory the kernel side read;
 *   - code mapped executable from such a file: the loader run directly on it (ld.so /dev/shm/x,
 *     ld.so /proc/self/fd/N), or dlopen() of a memfd.
 * A program run from another tmpfs (/tmp on tmpfs, where build tools run their test programs) is
 * not reported.
 *
 * runc re-executes itself from a memfd when it starts a container: a default exception, keyed on the
 * program that made the exec (runc's binary in a trusted mount namespace), not on the memfd's name,
 * which the caller of memfd_create() chooses; and only for a memfd executed as root: any user can
 * run runc (rootless containers) and have it execute a program of theirs, from a memfd too.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "../engine.h"
#include "../strutil.h"

#define MEMORY_FILE (TR_FC_MEMFD | TR_FC_SHM | TR_FC_DELETED)

static bool under_shm(const char *p)
{
        return strncmp(p, "/dev/shm/", 9) == 0 || strncmp(p, "/run/shm/", 9) == 0;
}

/* What kind of memory file fi (and its kernel path) is: "memfd", "shm", "deleted", or NULL. */
static const char *memory_kind(const struct tr_fdinfo *fi, const char *path)
{
        if (fi->kind == TR_FD_MEMFD || (fi->fclass & TR_FC_MEMFD))
                return "memfd";
        if ((fi->fclass & TR_FC_SHM) || (path && under_shm(path)))
                return "shm";
        if ((fi->fclass & TR_FC_DELETED) && (fi->fclass & TR_FC_REGULAR))
                return "deleted";
        return NULL;
}

static bool fdinfo_arg(const Event *e, const char *name, struct tr_fdinfo *fi)
{
        const EventArg *a = event_arg(e, name);

        memset(fi, 0, sizeof(*fi));
        if (!a || a->type != TR_ARG_FDINFO || a->len != sizeof(*fi))
                return false;
        memcpy(fi, a->data, sizeof(*fi));
        return true;
}

static void report(Finding *f, const char *kind, const char *path, const char *what)
{
        static const char *const words[][2] = {
                { "memfd", "memory (a memfd)" }, { "shm", "shared memory" }, { "deleted", "a deleted file" },
        };
        const char *w = kind;

        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strcmp(words[i][0], kind) == 0)
                        w = words[i][1];
        finding_add_str(f, "path", path);
        finding_add_str(f, "kind", kind);
        snprintf(f->summary, sizeof(f->summary), "%s from %s (%.300s)", what, w, path);
}

static bool match_mmap(const Event *e, Finding *f)
{
        char path[TR_PATH_MAX + 1] = "";
        struct tr_fdinfo fi;
        const char *kind;
        int64_t prot = 0, flags = 0;

        if (e->h.retval < 0 || !event_arg_int(e, "prot", &prot) || !(prot & PROT_EXEC) ||
            (event_arg_int(e, "flags", &flags) && (flags & MAP_ANONYMOUS)) || !fdinfo_arg(e, "fd_info", &fi))
                return false;
        (void) event_arg_str(e, "fd_path", path, sizeof(path));
        kind = memory_kind(&fi, path);
        if (!kind)
                return false;
        report(f, kind, *path ? path : "(unknown)", "mapped code executable");
        finding_add_str(f, "how", "mmap");
        return true;
}

/* mprotect/pkey_mprotect: a range with a region mapped from a memory file made executable */
static bool match_mprotect(const Event *e, Finding *f)
{
        int64_t prot = 0, prev = 0, addr = 0;
        char where[32];

        if (e->h.retval < 0 || !event_arg_int(e, "prot", &prot) || !(prot & PROT_EXEC) ||
            !event_arg_int(e, "prev_prot", &prev) || !(prev & TR_VMA_MEMFILE))
                return false;
        (void) event_arg_int(e, "addr", &addr);
        snprintf(where, sizeof(where), "0x%llx", (unsigned long long) addr);
        finding_add_str(f, "path", where);
        finding_add_str(f, "kind", "memory file");
        finding_add_str(f, "how", e->def->name);
        snprintf(f->summary, sizeof(f->summary),
                 "made executable a mapping of a file that lives in memory (a memfd, /dev/shm or a deleted "
                 "file) at %s", where);
        return true;
}

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        char path[TR_PATH_MAX + 1], name[TR_PATH_MAX + 1] = "", dir[TR_PATH_MAX + 1] = "", full[TR_PATH_MAX * 2 + 2];
        struct tr_fdinfo fi;
        const char *kind;

        if (strcmp(e->def->name, "mprotect") == 0 || strcmp(e->def->name, "pkey_mprotect") == 0)
                return match_mprotect(e, f);
        if (e->h.type != TR_EV_SCHED_PROCESS_EXEC)
                return match_mmap(e, f);
        if (!event_arg_str(e, "pathname", path, sizeof(path)))
                return false;
        (void) fdinfo_arg(e, "file_info", &fi);
        if (e->h.flags & TR_F_EXEC_MEMFD)
                fi.kind = TR_FD_MEMFD;
        kind = memory_kind(&fi, path);
        if (kind) {
                report(f, kind, path, "executed a program");
                return true;
        }
        /* a script: its own file, or its name where the kernel resolves it */
        if (fdinfo_arg(e, "script_info", &fi) && (kind = memory_kind(&fi, NULL))) {
                (void) event_arg_str(e, "filename", name, sizeof(name));
                report(f, kind, name, "ran a script");
                finding_add_str(f, "interpreter", path);
                return true;
        }
        if (event_arg_str(e, "script_dir", dir, sizeof(dir)) && event_arg_str(e, "filename", name, sizeof(name)) &&
            path_join_normalize(dir, name, full, sizeof(full)) >= 0 && under_shm(full)) {
                report(f, "shm", full, "ran a script");
                finding_add_str(f, "interpreter", path);
                return true;
        }
        return false;
}

const Rule rule_trc5 = {
        .id = "TRC-5",
        .name = "Fileless Execution",
        .description = "A process executed a program, or mapped code, that lives only in memory (a memfd, "
                       "a file in /dev/shm, a deleted file), leaving no file on disk.",
        .severity = SEVERITY_MEDIUM,
        .mitre_tactic = "Defense Evasion",
        .mitre_technique = "Reflective Code Loading",
        .mitre_id = "T1620",
        .tags = { "linux", "container" },
        .nneeds = 4,
        .needs = {
                { .event = "sched_process_exec" },
                { .event = "mprotect", .nterms = 1, .terms = { TERM(2, TR_OP_MASK_NE, PROT_EXEC, 0) } },
                { .event = "pkey_mprotect", .nterms = 1, .terms = { TERM(2, TR_OP_MASK_NE, PROT_EXEC, 0) } },
                /* executable, from a memfd, a file on /dev/shm or a deleted file */
                { .event = "mmap", .nterms = 2,
                  .terms = { HAS_AND(2, PROT_EXEC), TERM(TR_FIELD_FDCLASS + 4, TR_OP_MASK_NE, MEMORY_FILE, 0) } },
        },
        .match = match,
        .default_exceptions = {
                "exe=memfd:** exec_by=/usr/bin/runc uid=0",
                "exe=memfd:** exec_by=/usr/sbin/runc uid=0",
                "exe=memfd:** exec_by=/usr/local/bin/runc uid=0",
                "exe=memfd:** exec_by=/usr/local/sbin/runc uid=0",
        },
};
