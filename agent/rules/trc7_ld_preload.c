/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-7 LD_PRELOAD: a program started with LD_PRELOAD or LD_AUDIT in its environment (and
 * LD_LIBRARY_PATH when configured: it is common in legitimate use), or the dynamic loader's preload
 * list /etc/ld.so.preload written or put in place. Either makes every dynamically linked program
 * load the attacker's library.
 *
 * Writes are judged from the file the open returned: the kernel side classes it as the preload
 * list (etc/ld.so.preload at the root of a filesystem or of the process, or one of its hard links),
 * whatever path, directory fd or symlink reached it. Putting a file in place (rename, renameat2
 * with RENAME_EXCHANGE on either side, link, linkat — O_TMPFILE + AT_EMPTY_PATH included —,
 * symlink) leaves the kernel only when the last component of the target is ld.so.preload; the
 * directory it is resolved against is read from the kernel (the dirfd's file, the cwd, the root)
 * and joined here.
 *
 * At exec the kernel side searches the new image's whole environment for the loader's variables
 * (sending only those entries, so padding the environment hides nothing; one it could not read
 * whole is "cannot tell", a finding too), and for a program without an interpreter (the loader run
 * directly: ld.so --preload LIB PROG, under any name) its argv for --preload and --audit.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "../engine.h"
#include "../strutil.h"

#define PRELOAD_FILE "/etc/ld.so.preload"

/* The path names /etc/ld.so.preload, absolutely or through a prefix (../../etc/ld.so.preload,
 * /proc/1/root/etc/ld.so.preload). PRELOAD_FILE starts with '/', so a suffix match is already at a
 * path-component boundary. */
static bool ends_with_preload(const char *p)
{
        size_t l = strlen(p), k = strlen(PRELOAD_FILE);

        return l >= k && strcmp(p + l - k, PRELOAD_FILE) == 0;
}

/* The path argument `name`, resolved against the directory the kernel side read for it (argument
 * 16 + its index), lexically normalised. False if absent. */
static bool resolved_path(const Event *e, const char *name, char *buf, size_t n)
{
        char path[TR_PATH_MAX + 1], dir[TR_PATH_MAX + 1] = "";
        const EventArg *a = event_arg(e, name), *base;

        if (!a || !event_arg_str(e, name, path, sizeof(path)))
                return false;
        base = event_arg_idx(e, 16 + a->idx);
        if (base)
                (void) event_arg_str(e, base->def ? base->def->name : "", dir, sizeof(dir));
        if (base && !*dir && base->len)
                snprintf(dir, sizeof(dir), "%.*s", (int) base->len, (const char *) base->data);
        return path_join_normalize(dir, path, buf, n) >= 0;
}

/* The first LD_PRELOAD=, LD_AUDIT= (LD_LIBRARY_PATH= when configured) entry of a string array. */
static bool find_ld_var(const EventArg *a, const RuleOptions *o, Finding *f)
{
        size_t pos = 0, l;
        const char *s;

        while (strarr_next(a, &pos, &s, &l)) {
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

/*
 * exec: the kernel side searched the whole environment (ld_env, and ld_env_complete says whether
 * all of it could be read) and, for a program without an interpreter, argv's loader options
 * (loader_opts); a captured environment (env) is looked at too.
 */
static bool match_exec(const Event *e, const RuleOptions *o, Finding *f)
{
        const EventArg *opts = event_arg(e, "loader_opts");
        int64_t complete = 1;

        if (find_ld_var(event_arg(e, "ld_env"), o, f) || find_ld_var(event_arg(e, "env"), o, f))
                return true;
        if (opts) {
                size_t pos = 0, l, vl = 0;
                const char *opt = NULL, *val = NULL;

                if (strarr_next(opts, &pos, &opt, &l) && strarr_next(opts, &pos, &val, &vl)) {
                        char prog[TR_PATH_MAX + 1] = "";

                        (void) event_arg_str(e, "pathname", prog, sizeof(prog));
                        finding_add_strn(f, "variable", opt, l);
                        finding_add_strn(f, "value", val, vl);
                        finding_add_str(f, "loader", prog);
                        snprintf(f->summary, sizeof(f->summary), "ran the dynamic loader %.200s with %.*s %.200s",
                                 prog, (int) (l > 16 ? 16 : l), opt, f->data[1].s);
                        return true;
                }
        }
        if (event_arg_int(e, "ld_env_complete", &complete) && !complete) {
                finding_add_str(f, "variable", "(unknown)");
                finding_add_str(f, "value", "");
                snprintf(f->summary, sizeof(f->summary),
                         "was started with an environment that could not be read whole: whether it sets "
                         "LD_PRELOAD cannot be told");
                return true;
        }
        return false;
}

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        const char *name = e->def->name;
        char path[TR_PATH_MAX + 1];

        if (strcmp(name, "sched_process_exec") == 0)
                return match_exec(e, o, f);
        if (strncmp(name, "rename", 6) == 0 || strncmp(name, "link", 4) == 0 || strncmp(name, "symlink", 7) == 0) {
                const char *target = name[0] == 's' ? "linkpath" : "newpath";
                const char *op = name[0] == 'r' ? "rename" : name[0] == 'l' ? "link" : "symlink";
                int64_t flags = 0;

                if (e->h.retval != 0)
                        return false;
                if (strcmp(name, "renameat2") == 0 && event_arg_int(e, "flags", &flags) && (flags & RENAME_EXCHANGE))
                        op = "exchange";
                if (!resolved_path(e, target, path, sizeof(path)) || !ends_with_preload(path)) {
                        /* renameat2(RENAME_EXCHANGE): the preload list may be the other side */
                        if (strcmp(name, "renameat2") != 0 || !event_arg_int(e, "flags", &flags) ||
                            !(flags & RENAME_EXCHANGE) || !resolved_path(e, "oldpath", path, sizeof(path)) ||
                            !ends_with_preload(path))
                                return false;
                        op = "exchange";
                }
                finding_add_str(f, "path", path);
                finding_add_str(f, "operation", op);
                snprintf(f->summary, sizeof(f->summary), "%s %s",
                         op[0] == 'r' ? "replaced it by renaming a file onto" :
                         op[0] == 'e' ? "swapped a file with" :
                         op[0] == 'l' ? "made a hard link in its place:" : "made a symlink in its place:", path);
                return true;
        }
        {
                const EventArg *ri = event_arg(e, "ret_info");
                struct tr_fdinfo fi;
                char asked[TR_PATH_MAX + 1] = "";

                if (e->h.retval < 0 || !ri || ri->len != sizeof(fi))
                        return false;
                memcpy(&fi, ri->data, sizeof(fi));
                if (!event_arg_str(e, "ret_path", path, sizeof(path)))
                        snprintf(path, sizeof(path), "%s", PRELOAD_FILE);
                (void) event_arg_str(e, "pathname", asked, sizeof(asked));
                if ((fi.fclass & (TR_FC_PRELOAD_NEW | TR_FC_WRITE)) == TR_FC_PRELOAD_NEW) {
                        /* read by its name for the first time: however it was put there, it is in
                         * effect for every program started from now on (the reader is the first) */
                        finding_add_str(f, "path", path);
                        finding_add_str(f, "operation", "in effect");
                        finding_add_int(f, "inode", (int64_t) fi.ino);
                        snprintf(f->summary, sizeof(f->summary),
                                 "read a preload list never seen before, %.300s (inode %llu): every program "
                                 "started from now on loads what it names", path, (unsigned long long) fi.ino);
                        return true;
                }
                if ((fi.fclass & (TR_FC_PRELOAD | TR_FC_WRITE)) != (TR_FC_PRELOAD | TR_FC_WRITE))
                        return false;
                finding_add_str(f, "path", path);
                finding_add_str(f, "operation", "open for write");
                if (*asked && strcmp(asked, path) != 0)
                        finding_add_str(f, "requested_path", asked);
                snprintf(f->summary, sizeof(f->summary), "opened %.300s (the preload list) for writing", path);
                return true;
        }
}

/* written, or read for the first time by its name (a list put in place some way not seen) */
#define WROTE_PRELOAD HAS(TR_FIELD_RETCLASS, TR_FC_WRITE | TR_FC_PRELOAD),                      \
        TERM(TR_FIELD_RETCLASS, TR_OP_MASK_EQ, TR_FC_WRITE | TR_FC_PRELOAD_NEW, TR_FC_PRELOAD_NEW)
/* succeeded, and the last component of argument i is a watched name (ld.so.preload) */
#define PLACED(i) TERM_AND(TR_FIELD_RETVAL, TR_OP_MASK_EQ, ~0ull, 0), TERM(i, TR_OP_BASENAME, 0, 0)
#define RENAME_EXCHANGE_ 2

const Rule rule_trc7 = {
        .id = "TRC-7",
        .name = "LD_PRELOAD",
        .description = "A program was started with LD_PRELOAD or LD_AUDIT set, or /etc/ld.so.preload was "
                       "written or put in place: a library injected into processes to hook them.",
        .severity = SEVERITY_MEDIUM,
        .mitre_tactic = "Persistence",
        .mitre_technique = "Hijack Execution Flow",
        .mitre_id = "T1574.006",
        .tags = { "linux", "container" },
        .nneeds = 13,
        .needs = {
                { .event = "sched_process_exec" },
                { .event = "open", .nterms = 2, .terms = { WROTE_PRELOAD } },
                { .event = "openat", .nterms = 2, .terms = { WROTE_PRELOAD } },
                { .event = "openat2", .nterms = 2, .terms = { WROTE_PRELOAD } },
                { .event = "creat", .nterms = 2, .terms = { WROTE_PRELOAD } },
                { .event = "open_by_handle_at", .nterms = 2, .terms = { WROTE_PRELOAD } },
                { .event = "rename", .nterms = 2, .terms = { PLACED(1) } },
                { .event = "renameat", .nterms = 2, .terms = { PLACED(3) } },
                { .event = "renameat2", .nterms = 5,
                  .terms = { PLACED(3), TERM_AND(TR_FIELD_RETVAL, TR_OP_MASK_EQ, ~0ull, 0),
                             TERM_AND(4, TR_OP_MASK_NE, RENAME_EXCHANGE_, 0), TERM(1, TR_OP_BASENAME, 0, 0) } },
                { .event = "link", .nterms = 2, .terms = { PLACED(1) } },
                { .event = "linkat", .nterms = 2, .terms = { PLACED(3) } },
                { .event = "symlink", .nterms = 2, .terms = { PLACED(1) } },
                { .event = "symlinkat", .nterms = 2, .terms = { PLACED(2) } },
        },
        .watch_names = { "ld.so.preload" },
        .needs_ld_scan = true,
        .match = match,
};
