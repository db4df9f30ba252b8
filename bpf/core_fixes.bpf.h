/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Kernel structure drift, in one place. Each flavor is checked with bpf_core_field_exists(), so the
 * same object loads on kernels before and after the change.
 */
#ifndef TRACEE_CORE_FIXES_BPF_H
#define TRACEE_CORE_FIXES_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>

/* Linux 6.15 renamed kernfs_node::parent to __parent (RCU-protected access).
 * FIXME: drop the flavor once the baseline is 6.15. */
struct kernfs_node___old {
        struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *core__kernfs_parent(struct kernfs_node *kn)
{
        if (bpf_core_field_exists(kn->__parent))
                return BPF_CORE_READ(kn, __parent);
        return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

#endif
