/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * The header of every event (pids in both namespaces, namespaces, cgroup, comm), and the
 * description of a cgroup sent to the agent the first time it is seen (TR_REC_CGROUP).
 */
#ifndef TRACEE_CTX_BPF_H
#define TRACEE_CTX_BPF_H

#include "base.bpf.h"

static __always_inline __u32 pid_nr_at(struct pid *pid, __u32 level)
{
        struct upid up = {};

        if (!pid || level > BPF_CORE_READ(pid, level))
                return 0;
        bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]);
        return up.nr;
}

/*
 * The header of every event. The task's fields are read through its BTF pointer: plain loads the
 * verifier guards (a fault reads 0), much cheaper than a probe-read helper call each. Tasks in the
 * initial pid namespace (level 0) have their namespace ids equal to the host ones; only the others
 * need the probe reads that index struct pid's numbers[] by level.
 */
static __always_inline void ctx_fill(struct tr_event_hdr *h, __u32 type, __u64 cgid)
{
        struct task_struct *task = bpf_get_current_task_btf();
        __u64 pid_tgid = bpf_get_current_pid_tgid();
        __u64 uid_gid = bpf_get_current_uid_gid();
        struct task_struct *leader = task->group_leader;
        struct task_struct *parent = task->real_parent;
        struct pid *tpid = task->thread_pid;
        __u32 level = tpid->level;

        h->type = type;
        h->ts = bpf_ktime_get_boot_ns();
        h->pid = pid_tgid >> 32;
        h->tid = (__u32)pid_tgid;
        h->ppid = parent->tgid;
        h->uid = (__u32)uid_gid;
        h->gid = uid_gid >> 32;
        if (level == 0) {
                h->ns_tid = h->tid;
                h->ns_pid = h->pid;
                h->ns_ppid = h->ppid;
                h->pidns = tpid->numbers[0].ns->ns.inum;
        } else {
                struct task_struct *t = (struct task_struct *)bpf_get_current_task();
                struct pid *tp = BPF_CORE_READ(t, thread_pid);
                struct upid up = {};

                bpf_probe_read_kernel(&up, sizeof(up), &tp->numbers[level & 31]);
                h->ns_tid = up.nr;
                h->pidns = BPF_CORE_READ(up.ns, ns.inum);
                h->ns_pid = pid_nr_at(BPF_CORE_READ(t, group_leader, thread_pid), level);
                h->ns_ppid = pid_nr_at(BPF_CORE_READ(t, real_parent, group_leader, thread_pid), level);
        }
        h->mntns = task->nsproxy->mnt_ns->ns.inum;
        h->cgroup_id = cgid;
        h->start_time = leader->start_time;
        bpf_get_current_comm(h->comm, sizeof(h->comm));
        h->nargs = 0;
        h->flags = level > 0 ? TR_F_CONTAINER : 0;
        h->retval = 0;
        h->cpu = bpf_get_smp_processor_id();
        h->size = sizeof(*h);
}

/* tr_cgseen values */
#define CG_CLASSIFIED   1
#define CG_CONTAINER    2
#define CG_DESCRIBED    4
#define CG_UNTRUSTED    8       /* a directory of its chain is not root's, or the chain is too deep */

/* Directories of a cgroup's chain (itself, its parent, ...) whose owner is checked. */
#define CG_OWNER_DEPTH  16

static __always_inline int has_prefix(const char *s, const char *p, int n)
{
        for (int i = 0; i < n; i++)
                if (s[i] != p[i])
                        return 0;
        return 1;
}

/* Does a cgroup named `name` (length len, under `parent`) hold a container? Kept in step with the
 * agent's container-id parser (agent/container.c), which decides the id itself. */
static __always_inline int cgroup_name_is_container(const char *name, long len, const char *parent)
{
        int scope = len > 6 && name[(len - 6) & 127] == '.' && name[(len - 5) & 127] == 's' &&
                    name[(len - 4) & 127] == 'c' && name[(len - 3) & 127] == 'o' &&
                    name[(len - 2) & 127] == 'p' && name[(len - 1) & 127] == 'e';
        int hex = len == 64;

        if (scope && (has_prefix(name, "docker-", 7) || has_prefix(name, "cri-containerd-", 15)))
                return 1;
        if (scope && has_prefix(name, "crio-", 5) && !has_prefix(name, "crio-conmon-", 12))
                return 1;
        if (has_prefix(name, "libpod-", 7) && !has_prefix(name, "libpod-conmon-", 14))
                return 1;
        if (scope && has_prefix(name, "machine-", 8))
                return 1;
        if (has_prefix(name, "payload", 8) && has_prefix(parent, "machine-", 8))
                return 1;
        if (!hex)
                return 0;
        /* 64 lower-case hex digits, eight bytes at a time and without a branch per byte (the
         * verifier would follow each): for a byte b < 0x80, b >= '0' sets the top bit of b + 0x50,
         * b <= '9' leaves it clear in b + 0x46; likewise 'a'..'f' with 0x1f and 0x19 */
        for (int i = 0; i < 8; i++) {
                __u64 v = *(const __u64 *)(name + i * 8);
                __u64 hi = 0x8080808080808080ull;
                __u64 digit = (v + 0x5050505050505050ull) & ~(v + 0x4646464646464646ull);
                __u64 alpha = (v + 0x1f1f1f1f1f1f1f1full) & ~(v + 0x1919191919191919ull);

                if ((v & hi) || ((digit | alpha) & hi) != hi)
                        return 0;
        }
        return hex;
}

/*
 * Was every directory from this cgroup up to the root made by root, and is it outside user.slice?
 * A cgroup directory belongs to whoever made it (the kernel sets a non-root creator's uid on it,
 * kernel/cgroup/cgroup.c cgroup_kn_set_ugid()), and a delegated one (systemd's Delegate=,
 * user@UID.service) is chown()ed to its user: kernfs keeps that uid in kn->iattr, which is NULL
 * while the node has root's default owner. So a user can name a cgroup "docker-<id>.scope" only
 * below a directory that is not root's, and such a cgroup is not taken for a container; nor is
 * anything under user.slice, where no container runtime running as root puts one. A chain deeper
 * than CG_OWNER_DEPTH is not trusted either (a user can nest their delegated subtree that deep; no
 * runtime does).
 */
static __always_inline int cgroup_chain_trusted(struct kernfs_node *kn)
{
        struct kernfs_node *top = NULL;         /* the last one below the root: a top-level cgroup */
        int done = !kn;
        char name[12];

        for (int i = 0; i < CG_OWNER_DEPTH && !done; i++) {
                struct kernfs_iattrs *ia = BPF_CORE_READ(kn, iattr);
                struct kernfs_node *parent;

                if (ia && BPF_CORE_READ(ia, ia_uid.val) != 0)
                        return 0;
                parent = core__kernfs_parent(kn);
                if (!parent) {
                        done = 1;       /* kn is the root */
                        break;
                }
                top = kn;
                kn = parent;
        }
        if (!done)
                return 0;               /* deeper than CG_OWNER_DEPTH */
        if (!top)
                return 1;
        name[0] = 0;
        if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(top, name)) == 11 &&
            has_prefix(name, "user.slice", 11))
                return 0;
        return 1;
}

/* CG_* bits for the current task's cgroup (v2 default hierarchy), classifying it on first sight. */
static __always_inline __u8 cgroup_class_body(struct task_struct *task, __u64 id)
{
        __u8 *v = bpf_map_lookup_elem(&tr_cgseen, &id);
        struct kernfs_node *kn, *pkn;
        struct pathbuf *pb;
        __u32 zero = 0;
        __u8 cls;
        long len;

        if (v && (*v & CG_CLASSIFIED))
                return *v;
        pb = bpf_map_lookup_elem(&tr_pathbuf, &zero);
        if (!pb)
                return 0;
        kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
        pkn = core__kernfs_parent(kn);
        pb->buf[0] = 0;
        pb->buf[128] = 0;
        len = bpf_probe_read_kernel_str(pb->buf, 128, BPF_CORE_READ(kn, name));
        if (pkn)
                bpf_probe_read_kernel_str(pb->buf + 128, 128, BPF_CORE_READ(pkn, name));
        len = len > 0 ? len - 1 : 0;
        cls = CG_CLASSIFIED | (v ? (*v & CG_DESCRIBED) : 0) | (cgroup_chain_trusted(kn) ? 0 : CG_UNTRUSTED);
        if (!(cls & CG_UNTRUSTED) && cgroup_name_is_container(pb->buf, len, pb->buf + 128))
                cls |= CG_CONTAINER;
        bpf_map_update_elem(&tr_cgseen, &id, &cls, BPF_ANY);
        return cls;
}

/* The same, as a global function (common.bpf.c): checked once per program. task: the current one. */
__u32 tr_cgroup_class(__u64 id);

static __always_inline __u8 cgroup_class(struct task_struct *task, __u64 id)
{
        return (__u8)tr_cgroup_class(id);
}

/*
 * The first time a cgroup id shows up, tell the agent its name and its parent's name, from which
 * it derives a container id. Costs one LRU lookup per emitted event.
 */
static __always_inline void cgroup_describe(struct tr_settings *s, struct task_struct *task, __u64 id,
                                            void *buf)
{
        struct tr_event_hdr *h = buf;
        struct tr_cgroup_rec *c = buf + sizeof(*h);
        struct kernfs_node *kn, *pkn;
        __u8 cls = cgroup_class(task, id);

        if (cls & CG_DESCRIBED)
                return;
        cls |= CG_DESCRIBED;
        bpf_map_update_elem(&tr_cgseen, &id, &cls, BPF_ANY);
        kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
        pkn = core__kernfs_parent(kn);
        __builtin_memset(h, 0, sizeof(*h));
        h->type = TR_REC_CGROUP;
        h->size = sizeof(*h) + sizeof(*c);
        h->ts = bpf_ktime_get_boot_ns();
        c->id = id;
        c->name[0] = 0;
        c->parent[0] = 0;
        c->flags = cls & CG_UNTRUSTED ? TR_CGREC_F_UNTRUSTED : 0;
        c->pad = 0;
        bpf_probe_read_kernel_str(c->name, sizeof(c->name), BPF_CORE_READ(kn, name));
        if (pkn)
                bpf_probe_read_kernel_str(c->parent, sizeof(c->parent), BPF_CORE_READ(pkn, name));
        output(s, buf, sizeof(*h) + sizeof(*c));
}

/* Global functions (common.bpf.c), verified once per program instead of once per call site. */
int tr_ctx_fill(struct tr_event_hdr *h, __u32 type, __u64 cgid);
int tr_cgroup_describe(struct scratch *sc, __u64 cgid);
int tr_shed_exit(void);

/*
 * Describes the current cgroup to the agent if it has never been, and fills the event header in
 * sc. tl, the task's storage if it has one, remembers the cgroup it last checked: the next events
 * of the thread in the same cgroup skip the tr_cgseen lookup.
 */
static __always_inline void event_begin(struct scratch *sc, __u32 type, struct task_local *tl)
{
        __u64 cgid = bpf_get_current_cgroup_id();

        if (!tl || tl->cg_checked != cgid) {
                tr_cgroup_describe(sc, cgid);
                if (tl)
                        tl->cg_checked = cgid;
        }
        tr_ctx_fill((struct tr_event_hdr *)sc->buf, type, cgid);
}

#endif
