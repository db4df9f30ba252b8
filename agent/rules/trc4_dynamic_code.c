/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-4 Dynamic Code Loading: memory that was writable becoming executable, judged from the
 * region's real protection before the call (read from the VMA in the kernel at mprotect entry),
 * or a mapping/protection asking for write and execute at once. Unpackers and in-memory loaders
 * write code and then flip it executable; JITs do too, so expect them in the exceptions.
 *
 * Only mprotect/pkey_mprotect calls that add or keep PROT_EXEC and mmaps asking for W+X leave the
 * kernel (predicates below): RW↔R toggling costs no event.
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

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        char oldp[64] = "", newp[64];
        int64_t addr = 0, len = 0, prot, prev = 0;
        bool is_mmap = strcmp(e->def->name, "mmap") == 0;

        if (!event_arg_int(e, "prot", &prot))
                return false;
        (void) event_arg_int(e, "addr", &addr);
        (void) event_arg_int(e, is_mmap ? "length" : "len", &len);
        if (e->h.retval < 0 && !is_mmap)
                return false;           /* refused: nothing changed */
        if (is_mmap) {
                if ((prot & (PROT_WRITE | PROT_EXEC)) != (PROT_WRITE | PROT_EXEC) || e->h.retval < 0)
                        return false;
                addr = e->h.retval;
                format_value(FMT_PROT, prot, newp, sizeof(newp));
                finding_add_str(f, "alert", "Mmaped region with W+E permissions!");
                snprintf(f->summary, sizeof(f->summary), "mapped %lld bytes at 0x%llx writable and executable",
                         (long long) len, (unsigned long long) addr);
        } else {
                if (!(prot & PROT_EXEC))
                        return false;
                if (!event_arg_int(e, "prev_prot", &prev))
                        return false;
                format_value(FMT_VM_FLAGS, prev, oldp, sizeof(oldp));
                format_value(FMT_PROT, prot, newp, sizeof(newp));
                if (prot & PROT_WRITE) {
                        finding_add_str(f, "alert", "Protection changed to W+E!");
                        snprintf(f->summary, sizeof(f->summary),
                                 "made memory at 0x%llx writable and executable at once (%s -> %s)",
                                 (unsigned long long) addr, oldp, newp);
                } else if (!(prev & TR_VMA_PREV_UNKNOWN) && (prev & VM_WRITE)) {
                        finding_add_str(f, "alert", "Protection changed from W to E!");
                        snprintf(f->summary, sizeof(f->summary),
                                 "made writable memory at 0x%llx executable (%s -> %s)", (unsigned long long) addr,
                                 oldp, newp);
                } else if ((prev & TR_VMA_PREV_UNKNOWN) && (prev & TR_VMA_WRITTEN)) {
                        finding_add_str(f, "alert", "Written memory made executable!");
                        snprintf(f->summary, sizeof(f->summary),
                                 "made memory at 0x%llx whose pages were written executable (-> %s)",
                                 (unsigned long long) addr, newp);
                } else
                        return false;
        }
        finding_add_int(f, "address", addr);
        finding_add_int(f, "length", len);
        if (!is_mmap)
                finding_add_str(f, "old_protection", oldp);
        finding_add_str(f, "new_protection", newp);
        if (!is_mmap)
                finding_add_str(f, "backing", (prev & TR_VMA_FILE_BACKED) ? "file" : "anonymous");
        if (is_mmap) {
                const EventArg *fi = event_arg(e, "fd_info");
                int64_t flags = 0;

                (void) event_arg_int(e, "flags", &flags);
                finding_add_str(f, "backing", (flags & MAP_ANONYMOUS) ? "anonymous" :
                                fi && ((const struct tr_fdinfo *) (const void *) fi->data)->kind == TR_FD_MEMFD ?
                                "memfd" : "file");
        }
        return true;
}

const Rule rule_trc4 = {
        .id = "TRC-4",
        .name = "Dynamic Code Loading",
        .description = "Memory that was writable became executable, or was mapped writable and executable "
                       "at once: code written at run time and then run, as unpackers and loaders do.",
        .severity = SEVERITY_MEDIUM,
        .mitre_tactic = "Defense Evasion",
        .mitre_technique = "Software Packing",
        .mitre_id = "T1027.002",
        .tags = { "linux", "container" },
        .nneeds = 3,
        .needs = {
                { .event = "mprotect", .nterms = 1,
                  .terms = { { .field = 2, .op = TR_OP_MASK_NE, .mask = PROT_EXEC, .value = 0 } } },
                { .event = "pkey_mprotect", .nterms = 1,
                  .terms = { { .field = 2, .op = TR_OP_MASK_NE, .mask = PROT_EXEC, .value = 0 } } },
                { .event = "mmap", .nterms = 1,
                  .terms = { { .field = 2, .op = TR_OP_MASK_EQ, .mask = PROT_WRITE | PROT_EXEC,
                               .value = PROT_WRITE | PROT_EXEC } } },
        },
        .match = match,
};
