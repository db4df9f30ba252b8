/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-4 Dynamic Code Loading: code written at run time and then run, as unpackers and in-memory
 * loaders do (JITs do too, so expect them in the exceptions). Judged from the kernel's memory
 * regions, read at mprotect entry for every VMA of the range (not only the first):
 *
 *   - a range made executable that had a writable region ("W to E"), or made writable and
 *     executable at once ("W+E");
 *   - a range made executable that had a region holding written private pages (its anon_vma):
 *     written, then made read-only, then executable — the kernel remembers the writes, whatever
 *     the protection was in between ("to Executable");
 *   - a range made executable whose file is also mapped writable and shared elsewhere, and an
 *     executable mapping of such a file (the dual-mapping loader: write through one view, run the
 *     other);
 *   - a range of more regions than the kernel side looks at, made executable: it cannot tell, so
 *     it says so;
 *   - mmap asking for write and execute at once;
 *   - personality(READ_IMPLIES_EXEC): every readable mapping made from then on is executable.
 *
 * Only the calls that add or keep PROT_EXEC (or ask for it through the persona) leave the kernel
 * (predicates below): RW↔R toggling costs no event.
 *
 * A 32-bit mprotect is seen at its exit alone (TR_VMA_PREV_UNKNOWN): the protection before is not
 * known, so what counts is that the range, executable now, has private pages that were written.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "../engine.h"
#include "../format.h"

#define VM_WRITE 0x2
#define VM_EXEC 0x4
#define VM_SHARED 0x8
#define READ_IMPLIES_EXEC 0x0400000

static bool match_mmap(const Event *e, Finding *f, int64_t prot, int64_t len)
{
        const EventArg *fa = event_arg(e, "fd_info");
        struct tr_fdinfo fi = { 0 };
        int64_t flags = 0;
        char newp[64];

        if (e->h.retval < 0)
                return false;
        if (fa && fa->len == sizeof(fi))
                memcpy(&fi, fa->data, sizeof(fi));
        (void) event_arg_int(e, "flags", &flags);
        format_value(FMT_PROT, prot, newp, sizeof(newp));
        if ((prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC)) {
                finding_add_str(f, "alert", "Mmaped region with W+E permissions!");
                snprintf(f->summary, sizeof(f->summary), "mapped %lld bytes at 0x%llx writable and executable",
                         (long long) len, (unsigned long long) e->h.retval);
        } else if ((prot & PROT_EXEC) && !(flags & MAP_ANONYMOUS) && (fi.fclass & TR_FC_SHARED_WMAP)) {
                finding_add_str(f, "alert", "Mmaped executable a file that is mapped writable elsewhere!");
                snprintf(f->summary, sizeof(f->summary),
                         "mapped %lld bytes at 0x%llx executable from a file that is also mapped writable and "
                         "shared (write through one view, run the other)", (long long) len,
                         (unsigned long long) e->h.retval);
        } else
                return false;
        finding_add_int(f, "address", e->h.retval);
        finding_add_int(f, "length", len);
        finding_add_str(f, "new_protection", newp);
        finding_add_str(f, "backing", (flags & MAP_ANONYMOUS) ? "anonymous" :
                        fi.kind == TR_FD_MEMFD ? "memfd" : "file");
        return true;
}

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        char oldp[64] = "", newp[64];
        int64_t addr = 0, len = 0, prot, prev = 0;
        const char *alert, *what;

        if (strcmp(e->def->name, "personality") == 0) {
                int64_t persona;
                char p[128];

                if (!event_arg_int(e, "persona", &persona) || persona == 0xffffffff ||
                    !(persona & READ_IMPLIES_EXEC) || e->h.retval < 0)
                        return false;
                format_value(FMT_PERSONALITY, persona, p, sizeof(p));
                finding_add_str(f, "alert", "Personality READ_IMPLIES_EXEC: readable memory is executable!");
                finding_add_str(f, "persona", p);
                snprintf(f->summary, sizeof(f->summary),
                         "set the personality %s: every readable mapping made from now on is executable", p);
                return true;
        }
        if (!event_arg_int(e, "prot", &prot))
                return false;
        (void) event_arg_int(e, "addr", &addr);
        if (strcmp(e->def->name, "mmap") == 0) {
                (void) event_arg_int(e, "length", &len);
                return match_mmap(e, f, prot, len);
        }
        (void) event_arg_int(e, "len", &len);
        if (e->h.retval < 0 || !(prot & PROT_EXEC))
                return false;           /* refused: nothing changed; or not made executable */
        if (!event_arg_int(e, "prev_prot", &prev))
                return false;
        if (prev & TR_VMA_PREV_UNKNOWN)
                snprintf(oldp, sizeof(oldp), "unknown");
        else
                format_value(FMT_VM_FLAGS, prev, oldp, sizeof(oldp));
        format_value(FMT_PROT, prot, newp, sizeof(newp));
        if (prot & PROT_WRITE) {
                alert = "Protection changed to W+E!";
                what = "made memory writable and executable at once";
        } else if (prev & TR_VMA_PREV_UNKNOWN) {
                /* a 32-bit mprotect, seen after the call: only what the range holds now counts */
                if (!(prev & TR_VMA_WRITTEN))
                        return false;
                alert = "Written memory made executable!";
                what = "made memory whose pages were written executable";
        } else if (prev & VM_WRITE) {
                alert = "Protection changed from W to E!";
                what = "made writable memory executable";
        } else if (prev & TR_VMA_WRITTEN) {
                alert = "Protection changed to Executable!";
                what = "made memory executable that was written since it was mapped";
        } else if (prev & TR_VMA_DUALMAP) {
                alert = "Protection changed to Executable on a file mapped writable elsewhere!";
                what = "made executable a mapping of a file that is also mapped writable and shared";
        } else if (prev & TR_VMA_MANY) {
                alert = "Protection changed to Executable on more regions than looked at!";
                what = "made executable a range of more memory regions than Tracee looks at (it cannot tell "
                       "whether they were written)";
        } else
                return false;
        finding_add_str(f, "alert", alert);
        snprintf(f->summary, sizeof(f->summary), "%s at 0x%llx (%s -> %s)", what, (unsigned long long) addr, oldp,
                 newp);
        finding_add_int(f, "address", addr);
        finding_add_int(f, "length", len);
        finding_add_str(f, "old_protection", oldp);
        finding_add_str(f, "new_protection", newp);
        finding_add_str(f, "backing", (prev & TR_VMA_FILE_BACKED) && (prev & TR_VMA_ANON) ? "file and anonymous" :
                        (prev & TR_VMA_FILE_BACKED) ? "file" : "anonymous");
        if (prev & TR_VMA_WRITTEN)
                finding_add_str(f, "written", "yes");
        return true;
}

const Rule rule_trc4 = {
        .id = "TRC-4",
        .name = "Dynamic Code Loading",
        .description = "Memory that was writable, or was written, became executable, or was mapped writable "
                       "and executable at once: code written at run time and then run, as unpackers and "
                       "loaders do.",
        .severity = SEVERITY_MEDIUM,
        .mitre_tactic = "Defense Evasion",
        .mitre_technique = "Software Packing",
        .mitre_id = "T1027.002",
        .tags = { "linux", "container" },
        .nneeds = 4,
        .needs = {
                { .event = "mprotect", .nterms = 1,
                  .terms = { TERM(2, TR_OP_MASK_NE, PROT_EXEC, 0) } },
                { .event = "pkey_mprotect", .nterms = 1,
                  .terms = { TERM(2, TR_OP_MASK_NE, PROT_EXEC, 0) } },
                /* W+X at once, or executable from a file mapped writable and shared elsewhere */
                { .event = "mmap", .nterms = 3,
                  .terms = { HAS(2, PROT_WRITE | PROT_EXEC),
                             HAS_AND(2, PROT_EXEC), HAS(TR_FIELD_FDCLASS + 4, TR_FC_SHARED_WMAP) } },
                /* READ_IMPLIES_EXEC asked for, not the query personality(0xffffffff) */
                { .event = "personality", .nterms = 2,
                  .terms = { HAS_AND(0, READ_IMPLIES_EXEC), TERM(0, TR_OP_MASK_NE, ~0ull, 0xffffffff) } },
        },
        .match = match,
};
