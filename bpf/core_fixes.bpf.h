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

/*
 * io_uring. Linux 6.13 moved a request's task behind its io_uring_task (io_kiocb::task became
 * io_kiocb::tctx->task) and made the fixed-file table an array of resource nodes
 * (io_file_table::data.nodes[i]->file_ptr, io_file_table::data.nr) instead of an array of
 * io_fixed_file (io_file_table::files[i].file_ptr, io_ring_ctx::nr_user_files). Before 5.19 a
 * request's user_data was io_kiocb::user_data, not io_kiocb::cqe.user_data.
 * FIXME: drop the flavors once the baseline is 6.13.
 */
struct io_kiocb___old {
        struct task_struct *task;
        __u64 user_data;        /* before 5.19's struct io_cqe cqe */
} __attribute__((preserve_access_index));

struct io_fixed_file___old {
        unsigned long file_ptr;
} __attribute__((preserve_access_index));

struct io_file_table___old {
        struct io_fixed_file___old *files;
} __attribute__((preserve_access_index));

struct io_ring_ctx___old {
        struct io_file_table___old file_table;
        unsigned int nr_user_files;
} __attribute__((preserve_access_index));

/* The thread that submitted the request (for SQPOLL rings, the ring's SQ thread). */
static __always_inline struct task_struct *core__iou_req_task(struct io_kiocb *req)
{
        if (bpf_core_field_exists(req->tctx))
                return BPF_CORE_READ(req, tctx, task);
        return BPF_CORE_READ((struct io_kiocb___old *)req, task);
}

/* The file in fixed-file slot `slot` of a ring, or NULL. The low bits of file_ptr are flags
 * (FFS_NOWAIT, FFS_ISREG, formerly FFS_SCM); a struct file is at least 8-byte aligned. */
static __always_inline struct file *core__iou_fixed_file(struct io_ring_ctx *ctx, __u32 slot)
{
        unsigned long ptr = 0;

        if (bpf_core_field_exists(ctx->file_table.data)) {
                struct io_rsrc_node **nodes = BPF_CORE_READ(ctx, file_table.data.nodes);
                struct io_rsrc_node *node = NULL;

                if (slot >= BPF_CORE_READ(ctx, file_table.data.nr) || !nodes)
                        return NULL;
                bpf_probe_read_kernel(&node, sizeof(node), &nodes[slot]);
                if (!node)
                        return NULL;
                ptr = BPF_CORE_READ(node, file_ptr);
        } else {
                struct io_ring_ctx___old *c = (struct io_ring_ctx___old *)ctx;
                struct io_fixed_file___old *files = BPF_CORE_READ(c, file_table.files);

                if (slot >= BPF_CORE_READ(c, nr_user_files) || !files)
                        return NULL;
                bpf_probe_read_kernel(&ptr, sizeof(ptr), &files[slot]);
        }
        return (struct file *)(ptr & ~7ul);
}

#endif
