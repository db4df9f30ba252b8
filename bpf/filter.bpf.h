/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Context filters (TR_FILT_*): pid, comm, uid, mount and pid namespaces, container or host. They
 * run before anything else is read.
 */
#ifndef TRACEE_FILTER_BPF_H
#define TRACEE_FILTER_BPF_H

#include "ctx.bpf.h"

static __always_inline int list_match(void *map, void *key, __u32 flags, __u32 on, __u32 neg)
{
        int found;

        if (!(flags & on))
                return 1;
        found = bpf_map_lookup_elem(map, key) != NULL;
        return (flags & neg) ? !found : found;
}

/* Is the current comm allowed by the comm filter? */
static __always_inline int comm_allowed(struct tr_settings *s)
{
        struct comm_key ck = {};

        if (!(s->filter_flags & TR_FILT_COMM))
                return 1;
        bpf_get_current_comm(ck.comm, sizeof(ck.comm));
        return list_match(&tr_f_comm, &ck, s->filter_flags, TR_FILT_COMM, TR_FILT_NOT_COMM);
}

/*
 * Context filters that need no kernel reads beyond the cheap helpers. skip_comm: an exec changes the
 * comm, so for execve/execveat the comm filter is applied at exit, to the name the event shows.
 */
static __always_inline int filter_early_x(struct tr_settings *s, int skip_comm)
{
        __u32 f = s->filter_flags;
        __u32 tgid = bpf_get_current_pid_tgid() >> 32;
        __u32 uid;

        if (tgid == s->self_tgid)
                return 0;
        if (!f)
                return 1;
        if (!list_match(&tr_f_pid, &tgid, f, TR_FILT_PID, TR_FILT_NOT_PID))
                return 0;
        uid = (__u32)bpf_get_current_uid_gid();
        if (!list_match(&tr_f_uid, &uid, f, TR_FILT_UID, TR_FILT_NOT_UID))
                return 0;
        if (!skip_comm && !comm_allowed(s))
                return 0;
        if (f & (TR_FILT_MNTNS | TR_FILT_PIDNS | TR_FILT_CONTAINER | TR_FILT_HOST)) {
                struct task_struct *task = (struct task_struct *)bpf_get_current_task();
                struct pid *tpid = BPF_CORE_READ(task, thread_pid);
                __u32 level = BPF_CORE_READ(tpid, level);
                __u32 mntns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
                struct upid up = {};
                __u32 pidns;

                if (f & (TR_FILT_CONTAINER | TR_FILT_HOST)) {
                        /* in a container: its own pid namespace, or a container runtime's cgroup */
                        int in = level > 0 || (cgroup_class(task, bpf_get_current_cgroup_id()) & CG_CONTAINER);

                        if ((f & TR_FILT_CONTAINER) && !in)
                                return 0;
                        if ((f & TR_FILT_HOST) && in)
                                return 0;
                }
                if (!list_match(&tr_f_mntns, &mntns, f, TR_FILT_MNTNS, TR_FILT_NOT_MNTNS))
                        return 0;
                if (f & TR_FILT_PIDNS) {
                        bpf_probe_read_kernel(&up, sizeof(up), &tpid->numbers[level & 31]);
                        pidns = BPF_CORE_READ(up.ns, ns.inum);
                        if (!list_match(&tr_f_pidns, &pidns, f, TR_FILT_PIDNS, TR_FILT_NOT_PIDNS))
                                return 0;
                }
        }
        return 1;
}

static __always_inline int filter_early(struct tr_settings *s)
{
        return filter_early_x(s, 0);
}

#endif
