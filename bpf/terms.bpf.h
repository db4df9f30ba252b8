/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Per-event predicates (tr_evcfg terms, see events.h): on the syscall's arguments at their C width,
 * its return value, the classes of the files at its fd arguments and at the fd it returned, and the
 * last component of a path argument. The terms of the enabled rules are ORed groups of ANDed terms,
 * so that an open only leaves the kernel when it opened a process's mem file or the preload list
 * for writing, a dup2 only when it put an inet socket with a peer on fd 0, 1 or 2.
 */
#ifndef TRACEE_TERMS_BPF_H
#define TRACEE_TERMS_BPF_H

#include "file.bpf.h"

static __always_inline int term_holds(struct tr_term *t, __u64 x)
{
        switch (t->op) {
        case TR_OP_MASK_EQ:
                return (x & t->mask) == t->value;
        case TR_OP_MASK_NE:
                return (x & t->mask) != t->value;
        case TR_OP_LE:
                return (__s64)x <= (__s64)t->value;
        case TR_OP_GE:
                return (__s64)x >= (__s64)t->value;
        case TR_OP_EQ2:
                return x == t->value || x == t->mask;
        }
        return 0;
}

/* Each argument at the width the kernel reads it with: an int argument is its low 32 bits,
 * whatever the caller left in the upper half of the register. */
static __always_inline void args_normalize(struct tr_sysdesc *d, __u64 *a)
{
#pragma unroll
        for (int i = 0; i < TR_MAX_ARGS; i++) {
                if (d->width[i] == TR_W_S32)
                        a[i] = (__u64)(__s64)(__s32)a[i];
                else if (d->width[i] == TR_W_U32)
                        a[i] = (__u32)a[i];
        }
}

/*
 * Returns 1 if the event passes its terms, 0 if not (common.bpf.c). At entry (have_ret == 0)
 * terms on what exists only at exit (the return value, file classes, path names) count as holding:
 * the exit decides again with everything known.
 */
int tr_terms_pass(struct tr_evcfg *cfg, struct pending *p, __s64 ret, __u32 have_ret);
/* At entry: the terms on arguments only (tr_terms_pass() with have_ret 0, lighter to verify). */
int tr_terms_pass_args(struct tr_evcfg *cfg, struct pending *p);

/*
 * What an io_uring request's terms are judged on where a syscall's come from its fd table and its
 * memory: the file standing for fd argument i (a request's own file: it may be a fixed file, in no
 * fd table), the file it installed (at an fd, or in a fixed-file slot), and whether its string
 * arguments are kernel memory (the kernel's copies of its names: final, so judged before the
 * result is known too).
 */
#define TR_TO_ARGFILE(i)        (1u << (i))     /* argfile[i] stands for fd argument i */
#define TR_TO_RETFILE           (1u << 6)       /* retfile is the file the result names */
#define TR_TO_KSTR              (1u << 7)       /* string arguments point to kernel memory */
#define TR_TO_RETCLS            (1u << 8)       /* retcls holds the returned file's class */
struct term_objs {
        __u64 argfile[8];       /* struct file * */
        __u64 retfile;          /* struct file *, or 0 for none */
        __u32 have;             /* TR_TO_* */
        __u32 retcls;           /* TR_FC_* of the returned file, with every bit a term asks for */
};

/* tr_terms_pass() with o saying where the files and strings are (common.bpf.c). */
int tr_terms_pass_objs(struct tr_evcfg *cfg, struct pending *p, __s64 ret, __u32 have_ret, struct term_objs *o);

#endif
