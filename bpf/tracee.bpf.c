// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Tracee's kernel side: per-syscall tracepoints and the sched process tracepoints.
 *
 * Layers, bottom up (a layer only uses the ones above it in this list):
 *   maps        every map, each with its writer and reader
 *   ctx         the common event header: pids in both namespaces, namespaces, cgroup, comm
 *   filter      context filters (pid, comm, uid, namespaces, container) and per-event predicates
 *   read        argument readers: user strings and string arrays, sockaddrs, fd info, file paths
 *   programs    one tiny stub per syscall tracepoint that tail-calls the shared enter/exit handler,
 *               and the raw tracepoints sched_process_{fork,exec,exit}
 *
 * Why stubs and tail calls: the agent attaches only the syscalls the enabled rules need (an unrelated
 * syscall then pays ~8 ns, where a raw sys_enter dispatcher costs every syscall ~40 ns), but loading
 * ninety copies of a large handler would make start-up pay ninety verifications. The stubs are a few
 * instructions; the two handlers are verified once.
 *
 * A syscall is saved at entry (its six registers, after the filters pass) in tr_pending and emitted
 * at exit with its return value; user memory is read at exit, where it is still the caller's (execve
 * is the exception: see handle_exec_exit).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "events.h"
#include "core_fixes.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define S_IFMT          00170000
#define S_IFSOCK        0140000
#define S_IFREG         0100000
#define S_IFIFO         0010000
#define TMPFS_MAGIC     0x01021994
#define HUGETLBFS_MAGIC 0x958458f6
#define AF_INET         2
#define AF_INET6        10
#define AF_UNIX         1
#define VM_WRITE        0x2
#define VM_EXEC         0x4
#define VM_READ         0x1
#define MNT_NS_INTERNAL ((void *)-22)   /* fs/mount.h: ERR_PTR(-EINVAL), the ns of kern_mount()s */

#define SCRATCH_MASK    (TR_SCRATCH_SIZE - 1)
#define PATHBUF_HALF    TR_PATH_MAX
#define PATH_DEPTH      40
#define ENV_MAX_BYTES   8192

/* ------------------------------------------------------------------------------------------------ */
/* maps */

/* Every record, for the agent. Sized by the agent before load (ringbuf_size). */
struct {
        __uint(type, BPF_MAP_TYPE_RINGBUF);
        __uint(max_entries, 4 * 1024 * 1024);
} tr_events SEC(".maps");

/* Per-CPU counters, TR_STAT_*: written here, summed by the agent. */
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, TR_STAT_MAX);
        __type(key, __u32);
        __type(value, __u64);
} tr_stats SEC(".maps");

/* One entry: filters, wakeup batching, self tgid. Written by the agent at run time. */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct tr_settings);
} tr_settings SEC(".maps");

/* Per event id: on/off and predicates. Written by the agent whenever the wanted events change. */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, TR_MAX_EVENT_ID);
        __type(key, __u32);
        __type(value, struct tr_evcfg);
} tr_evcfg SEC(".maps");

/* Per syscall number: how to capture each argument. Written once by the agent from its catalogue. */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, TR_MAX_SYSCALL);
        __type(key, __u32);
        __type(value, struct tr_sysdesc);
} tr_sysdesc SEC(".maps");

struct pending {
        __u64 args[TR_MAX_ARGS];
        __u64 aux;              /* mprotect: the VMA's vm_flags before the call */
        __u32 nr;
        __u32 live;             /* saved at entry, not yet consumed by the exit */
};

/*
 * Per thread, in the task itself (task-local storage: no hashing, no locks, freed with the task, so
 * bounded by the number of threads): the syscall saved between entry and exit, and the cgroup this
 * thread last checked with tr_cgseen, so that one of its events after the other skips that lookup.
 */
struct task_local {
        struct pending p;
        __u64 cg_checked;
};
struct {
        __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
        __uint(map_flags, BPF_F_NO_PREALLOC);
        __type(key, int);
        __type(value, struct task_local);
} tr_task SEC(".maps");

/* execve/execveat pathname saved at entry: on success the caller's memory is gone at exit. */
struct {
        __uint(type, BPF_MAP_TYPE_LRU_HASH);
        __uint(max_entries, 256);
        __type(key, __u64);
        __type(value, char[TR_PATH_MAX]);
} tr_execpath SEC(".maps");

/* Records are built here, then copied out with bpf_ringbuf_output. Twice the record size so that a
 * masked offset plus a bounded length is always inside the value. */
struct scratch {
        char buf[TR_SCRATCH_SIZE * 2];
};
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct scratch);
} tr_scratch SEC(".maps");

/* Path assembly: components are written backwards into the first half. */
struct pathbuf {
        char buf[PATHBUF_HALF * 2];
};
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct pathbuf);
} tr_pathbuf SEC(".maps");

/* Cgroups already described to the agent (TR_REC_CGROUP). */
struct {
        __uint(type, BPF_MAP_TYPE_LRU_HASH);
        __uint(max_entries, 4096);
        __type(key, __u64);
        __type(value, __u8);
} tr_cgseen SEC(".maps");

/* Context filter sets (TR_FILT_*): presence means "listed". Written by the agent. */
struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 256);
        __type(key, __u32);
        __type(value, __u8);
} tr_f_pid SEC(".maps");

struct comm_key {
        char comm[TR_COMM_LEN];
};
struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 256);
        __type(key, struct comm_key);
        __type(value, __u8);
} tr_f_comm SEC(".maps");

struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 256);
        __type(key, __u32);
        __type(value, __u8);
} tr_f_uid SEC(".maps");

struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 256);
        __type(key, __u32);
        __type(value, __u8);
} tr_f_mntns SEC(".maps");

struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 256);
        __type(key, __u32);
        __type(value, __u8);
} tr_f_pidns SEC(".maps");

/* ------------------------------------------------------------------------------------------------ */
/* maps helpers */

static __always_inline void stat_inc(__u32 idx)
{
        __u64 *v = bpf_map_lookup_elem(&tr_stats, &idx);

        if (v)
                *v += 1;
}

static __always_inline struct tr_settings *settings_get(void)
{
        __u32 zero = 0;

        return bpf_map_lookup_elem(&tr_settings, &zero);
}

/*
 * Wake the consumer only when this record makes the unread data cross wakeup_bytes; its 10 ms
 * timer drains the rest. Not on every record past the mark: a consumer that is behind is awake
 * already, and a forced wakeup per record (an irq_work each) would slow every producer down.
 */
static __always_inline __u64 submit_flags(struct tr_settings *s, __u32 size)
{
        __u64 avail;

        if (!s->wakeup_bytes)
                return 0;
        avail = bpf_ringbuf_query(&tr_events, BPF_RB_AVAIL_DATA);
        return avail < s->wakeup_bytes && avail + size + 8 >= s->wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline int output(struct tr_settings *s, void *buf, __u32 size)
{
        __u64 flags = submit_flags(s, size);
        __u64 sz = size;
        long r;

        asm volatile("" : "+r"(sz));
        if (sz < sizeof(struct tr_event_hdr) || sz > TR_SCRATCH_SIZE)
                return -1;
        r = bpf_ringbuf_output(&tr_events, buf, sz, flags);
        stat_inc(r ? TR_STAT_LOST : TR_STAT_SUBMITTED);
        return r;
}

/* ------------------------------------------------------------------------------------------------ */
/* ctx */

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
        for (int i = 0; i < 64 && hex; i++) {
                char c = name[i];

                hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }
        return hex;
}

/* CG_* bits for the current task's cgroup (v2 default hierarchy), classifying it on first sight. */
static __always_inline __u8 cgroup_class(struct task_struct *task, __u64 id)
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
        cls = CG_CLASSIFIED | (cgroup_name_is_container(pb->buf, len, pb->buf + 128) ? CG_CONTAINER : 0) |
              (v ? (*v & CG_DESCRIBED) : 0);
        bpf_map_update_elem(&tr_cgseen, &id, &cls, BPF_ANY);
        return cls;
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
        bpf_probe_read_kernel_str(c->name, sizeof(c->name), BPF_CORE_READ(kn, name));
        if (pkn)
                bpf_probe_read_kernel_str(c->parent, sizeof(c->parent), BPF_CORE_READ(pkn, name));
        output(s, buf, sizeof(*h) + sizeof(*c));
}

/* ------------------------------------------------------------------------------------------------ */
/* filter */

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
        }
        return 0;
}

/*
 * Returns 1 if the event passes, 0 if not. At entry (have_ret == 0) a term on the return value
 * cannot be decided yet and counts as passing; exit decides again with everything known.
 */
static __always_inline int terms_pass(struct tr_evcfg *cfg, __u64 *args, __s64 ret, int have_ret)
{
        __u32 n = cfg->nterms;

        if (n == 0)
                return 1;
#pragma unroll
        for (int i = 0; i < TR_MAX_TERMS; i++) {
                struct tr_term *t = &cfg->terms[i];
                __u64 x;

                if (i >= n)
                        break;
                if (t->field == TR_FIELD_RETVAL) {
                        if (!have_ret)
                                return 1;
                        x = ret;
                } else {
                        if (t->field >= TR_MAX_ARGS)
                                continue;
                        x = args[t->field];
                }
                if (term_holds(t, x))
                        return 1;
        }
        return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* read */

/*
 * A pointer into the scratch record at pos, bounded for the verifier: the mask comes after a
 * compiler barrier so that clang cannot fold it into earlier arithmetic.
 */
static __always_inline void *slot(void *buf, __u32 pos)
{
        asm volatile("" : "+r"(pos));
        pos &= SCRATCH_MASK;
        return buf + pos;
}

/* Checks there is room for an argument of need payload bytes at *off; -1 if not. */
static __always_inline int arg_begin(void *buf, __u32 *off, __u32 need)
{
        if (*off + sizeof(struct tr_arg) + need > TR_SCRATCH_SIZE)
                return -1;
        return 0;
}

static __always_inline void arg_end(void *buf, __u32 *off, __u8 idx, __u8 type, __u32 len)
{
        struct tr_arg *a = slot(buf, *off);
        struct tr_event_hdr *h = buf;

        a->idx = idx;
        a->type = type;
        a->len = len;
        *off += sizeof(struct tr_arg) + len;
        h->nargs++;
}

static __always_inline void put_int(void *buf, __u32 *off, __u8 idx, __s64 v)
{
        if (arg_begin(buf, off, 8) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return;
        }
        *(__s64 *)slot(buf, *off + sizeof(struct tr_arg)) = v;
        arg_end(buf, off, idx, TR_ARG_INT, 8);
}

/* A string from user (user = 1) or kernel memory. */
static __always_inline void put_str(void *buf, __u32 *off, __u8 idx, const void *ptr, int user)
{
        void *dst;
        long n;
        __u8 type = TR_ARG_STR;

        if (arg_begin(buf, off, TR_PATH_MAX) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return;
        }
        dst = slot(buf, *off + sizeof(struct tr_arg));
        if (!ptr)
                n = 0;
        else if (user)
                n = bpf_probe_read_user_str(dst, TR_PATH_MAX, ptr);
        else
                n = bpf_probe_read_kernel_str(dst, TR_PATH_MAX, ptr);
        if (n < 0) {
                stat_inc(TR_STAT_READ_ERR);
                n = 0;
        } else if (n > 0) {
                if (n >= TR_PATH_MAX)
                        type |= TR_ARG_F_TRUNC;
                n -= 1;         /* drop the NUL */
        }
        arg_end(buf, off, idx, type, n & (TR_PATH_MAX - 1));
}

/*
 * argv-style: a user array of string pointers, NULL-terminated. A global (not inlined) function so
 * that the verifier checks its 128-iteration loop once, not once per argument slot of the caller.
 * Returns the new offset.
 */
__noinline int tr_put_strarr(struct scratch *sc, __u32 off, __u8 idx, __u64 uarr_addr, __u32 max_count)
{
        const char *const *uarr = (const char *const *)uarr_addr;
        __u32 base;
        __u64 used = 0;
        __u8 type = TR_ARG_STRARR;
        void *buf;

        if (!sc)
                return off;
        buf = sc->buf;
        if (arg_begin(buf, &off, TR_STRARR_MAX_BYTES) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return off;
        }
        base = off + sizeof(struct tr_arg);
        for (int i = 0; i < TR_STRARR_MAX_COUNT; i++) {
                const char *s = NULL;
                __u64 room;
                long n;

                if (!uarr)
                        break;
                if (i >= max_count) {
                        type |= TR_ARG_F_TRUNC;
                        break;
                }
                if (bpf_probe_read_user(&s, sizeof(s), &uarr[i]) < 0 || !s)
                        break;
                if (used >= TR_STRARR_MAX_BYTES) {
                        type |= TR_ARG_F_TRUNC;
                        break;
                }
                room = TR_STRARR_MAX_BYTES - used;
                asm volatile("" : "+r"(room));
                if (room > TR_STRARR_MAX_BYTES || room == 0)
                        break;
                n = bpf_probe_read_user_str(slot(buf, base + used), room, s);
                if (n <= 0)
                        break;
                used += (__u64) n;
                if (n == room) {
                        type |= TR_ARG_F_TRUNC;
                        break;
                }
        }
        arg_end(buf, &off, idx, type, used & (TR_STRARR_MAX_BYTES * 2 - 1));
        return off;
}

/* argv or envp of the current (new) image: the NUL-separated block between start and end. */
static __always_inline void put_mm_block(void *buf, __u32 *off, __u8 idx, __u64 start, __u64 end,
                                         __u32 max)
{
        __u32 len;
        __u8 type = TR_ARG_STRARR;

        if (arg_begin(buf, off, max) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return;
        }
        len = end > start ? end - start : 0;
        if (len > max) {
                len = max;
                type |= TR_ARG_F_TRUNC;
        }
        if (len) {
                void *dst = slot(buf, *off + sizeof(struct tr_arg));
                __u64 l = len;

                asm volatile("" : "+r"(l));
                l &= (ENV_MAX_BYTES * 2 - 1);
                if (l > ENV_MAX_BYTES || bpf_probe_read_user(dst, l, (void *)start) < 0) {
                        stat_inc(TR_STAT_READ_ERR);
                        len = 0;
                }
        }
        arg_end(buf, off, idx, type, len & (ENV_MAX_BYTES * 2 - 1));
}

static __always_inline void put_sockaddr(void *buf, __u32 *off, __u8 idx, const void *uptr, __u64 ulen)
{
        __u32 len = ulen > TR_SOCKADDR_MAX ? TR_SOCKADDR_MAX : ulen;

        if (arg_begin(buf, off, TR_SOCKADDR_MAX) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return;
        }
        if (uptr && len) {
                void *dst = slot(buf, *off + sizeof(struct tr_arg));

                asm volatile("" : "+r"(len));
                len &= 127;
                if (len > TR_SOCKADDR_MAX || bpf_probe_read_user(dst, len, uptr) < 0)
                        len = 0;
        } else
                len = 0;
        arg_end(buf, off, idx, TR_ARG_SOCKADDR, len & 127);
}

/* The current task's open file for fd, or NULL. The table is reached through the task's BTF
 * pointer (guarded loads); only the variable-index slot needs a probe read. */
static __always_inline struct file *fd_file(__u64 fd)
{
        struct task_struct *task = bpf_get_current_task_btf();
        struct fdtable *fdt = task->files->fdt;
        struct file **arr;
        struct file *f = NULL;

        if (!fdt || fd >= fdt->max_fds)
                return NULL;
        arr = fdt->fd;
        bpf_probe_read_kernel(&f, sizeof(f), &arr[fd & 0xfffff]);
        return f;
}

/* Is this file a memfd: on an internal (unmounted) shmem mount, named "memfd:…"? */
static __always_inline int file_is_memfd(struct file *f)
{
        struct vfsmount *vm = BPF_CORE_READ(f, f_path.mnt);
        struct mount *m = (struct mount *)((void *)vm - bpf_core_field_offset(struct mount, mnt));
        unsigned long magic = BPF_CORE_READ(f, f_inode, i_sb, s_magic);
        char name[8] = {};

        if (magic != TMPFS_MAGIC && magic != HUGETLBFS_MAGIC)
                return 0;
        if (BPF_CORE_READ(m, mnt_ns) != MNT_NS_INTERNAL)
                return 0;
        bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(f, f_path.dentry, d_name.name));
        return name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' &&
               name[5] == ':';
}

static __always_inline void fdinfo_read(__u64 fd, struct tr_fdinfo *fi)
{
        struct file *f = fd_file(fd);
        __u16 mode;

        __builtin_memset(fi, 0, sizeof(*fi));
        if (!f) {
                fi->kind = TR_FD_CLOSED;
                return;
        }
        mode = BPF_CORE_READ(f, f_inode, i_mode);
        switch (mode & S_IFMT) {
        case S_IFSOCK: {
                struct socket *sock = BPF_CORE_READ(f, private_data);
                struct sock *sk = BPF_CORE_READ(sock, sk);

                fi->kind = TR_FD_SOCKET;
                fi->sotype = BPF_CORE_READ(sock, type);
                fi->family = BPF_CORE_READ(sk, __sk_common.skc_family);
                fi->state = BPF_CORE_READ(sk, __sk_common.skc_state);
                fi->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
                fi->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
                if (fi->family == AF_INET) {
                        __u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
                        __u32 b = BPF_CORE_READ(sk, __sk_common.skc_daddr);

                        __builtin_memcpy(fi->laddr, &a, 4);
                        __builtin_memcpy(fi->raddr, &b, 4);
                } else if (fi->family == AF_INET6) {
                        BPF_CORE_READ_INTO(&fi->laddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
                        BPF_CORE_READ_INTO(&fi->raddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
                }
                break;
        }
        case S_IFREG:
                fi->kind = file_is_memfd(f) ? TR_FD_MEMFD : TR_FD_FILE;
                break;
        case S_IFIFO:
                fi->kind = TR_FD_PIPE;
                break;
        default:
                fi->kind = TR_FD_OTHER;
        }
}

static __always_inline void put_fdinfo(void *buf, __u32 *off, __u8 idx, struct tr_fdinfo *fi)
{
        if (arg_begin(buf, off, sizeof(*fi)) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return;
        }
        __builtin_memcpy(slot(buf, *off + sizeof(struct tr_arg)), fi, sizeof(*fi));
        arg_end(buf, off, idx, TR_ARG_FDINFO, sizeof(*fi));
}

struct path_walk {
        struct pathbuf *pb;
        struct dentry *dentry, *parent, *mnt_root;
        struct vfsmount *vfsmnt;
        struct mount *mnt, *mnt_parent;
        __u32 pos;
        __u8 trunc;
};

/* One step of the walk, for bpf_loop: the verifier checks it once, not once per component. */
static long path_step(__u64 i, void *data)
{
        struct path_walk *w = data;
        struct dentry *dentry = w->dentry, *parent, *mnt_root;
        struct vfsmount *vfsmnt = w->vfsmnt;
        struct mount *mnt = w->mnt, *mnt_parent = w->mnt_parent;
        struct qstr d_name;
        __u32 len, pos;

        /* locals only inside BPF_CORE_READ: it would record a relocation for w's own fields too */
        parent = BPF_CORE_READ(dentry, d_parent);
        mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
        w->parent = parent;
        w->mnt_root = mnt_root;
        if (dentry == mnt_root || dentry == parent) {
                if (dentry != mnt_root)
                        return 1;       /* not reachable from a mount root: unlinked or internal */
                if (mnt != mnt_parent) {
                        w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
                        w->mnt = mnt_parent;
                        w->mnt_parent = BPF_CORE_READ(mnt_parent, mnt_parent);
                        w->vfsmnt = (struct vfsmount *)((void *)mnt_parent +
                                                        bpf_core_field_offset(struct mount, mnt));
                        return 0;
                }
                return 1;               /* the root */
        }
        d_name = BPF_CORE_READ(dentry, d_name);
        len = d_name.len & (PATHBUF_HALF - 1);
        pos = w->pos;
        if (len + 1 > pos || pos >= PATHBUF_HALF) {
                w->trunc = 1;
                return 1;
        }
        pos -= len;
        bpf_probe_read_kernel(&w->pb->buf[pos & (PATHBUF_HALF - 1)], len, d_name.name);
        pos -= 1;
        w->pb->buf[pos & (PATHBUF_HALF - 1)] = '/';
        w->pos = pos;
        w->dentry = parent;
        if (i == PATH_DEPTH - 1)
                w->trunc = 1;
        return 0;
}

/*
 * The absolute path of a struct path, walking dentries and crossing mounts. bpf_d_path() would do
 * this, but the verifier only allows it in fentry/LSM programs, which these kernels refuse.
 * A file with no name in any mount (a memfd, an anonymous inode) gives its dentry name alone, as
 * "memfd:name". The path is appended as a TR_ARG_STR; TR_ARG_F_TRUNC if deeper than PATH_DEPTH.
 */
static __always_inline void put_path(void *buf, __u32 *off, __u8 idx, struct path *path)
{
        __u32 zero = 0;
        struct path_walk w = {};
        __u8 type = TR_ARG_STR;
        __u32 len;
        void *dst;

        w.pb = bpf_map_lookup_elem(&tr_pathbuf, &zero);
        if (!w.pb)
                return;
        if (arg_begin(buf, off, PATHBUF_HALF) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return;
        }
        w.pos = PATHBUF_HALF - 1;
        {
                struct vfsmount *vm = BPF_CORE_READ(path, mnt);
                struct mount *m = (struct mount *)((void *)vm - bpf_core_field_offset(struct mount, mnt));

                w.dentry = BPF_CORE_READ(path, dentry);
                w.vfsmnt = vm;
                w.mnt = m;
                w.mnt_parent = BPF_CORE_READ(m, mnt_parent);
        }
        w.pb->buf[PATHBUF_HALF - 1] = 0;
        bpf_loop(PATH_DEPTH, path_step, &w, 0);
        if (w.trunc)
                type |= TR_ARG_F_TRUNC;

        dst = slot(buf, *off + sizeof(struct tr_arg));
        if (w.pos == PATHBUF_HALF - 1) {
                /* Nothing walked: a pseudo file (memfd:…) or the root itself. */
                struct dentry *d = w.dentry;
                struct qstr d_name = BPF_CORE_READ(d, d_name);
                long n;

                if (w.dentry == w.parent && w.dentry != w.mnt_root) {
                        n = bpf_probe_read_kernel_str(dst, TR_PATH_MAX, d_name.name);
                        len = n > 0 ? n - 1 : 0;
                } else {
                        *(char *)dst = '/';
                        len = 1;
                }
        } else {
                __u64 l = (PATHBUF_HALF - 1 - w.pos);

                asm volatile("" : "+r"(l));
                l &= (PATHBUF_HALF - 1);
                bpf_probe_read_kernel(dst, l, &w.pb->buf[w.pos & (PATHBUF_HALF - 1)]);
                len = l;
        }
        arg_end(buf, off, idx, type, len & (TR_PATH_MAX - 1));
}

/* ------------------------------------------------------------------------------------------------ */
/* syscall handlers */

struct mprot_ctx {
        __u64 flags;
};

/* The VMA's vm_flags, plus TR_VMA_FILE_BACKED if a file backs it (the flag bits used stay below it). */
static long vma_flags_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
        ((struct mprot_ctx *)data)->flags = vma->vm_flags | (vma->vm_file ? TR_VMA_FILE_BACKED : 0);
        return 0;
}

static __always_inline struct tr_evcfg *evcfg_get(__u32 id)
{
        return bpf_map_lookup_elem(&tr_evcfg, &id);
}

/* Syscall entry, from the per-syscall tracepoints or the raw sys_enter fallback. */
static __always_inline int sys_enter_common(__u32 nr, const __u64 *a)
{
        __u64 id = bpf_get_current_pid_tgid();
        struct tr_settings *s = settings_get();
        struct task_local *tl;
        struct pending p;
        struct tr_sysdesc *d;
        struct tr_evcfg *cfg;

        if (!s || nr >= TR_MAX_SYSCALL)
                return 0;
        cfg = evcfg_get(nr);
        if (!cfg || !(cfg->flags & TR_EVCFG_ON))
                return 0;
        d = bpf_map_lookup_elem(&tr_sysdesc, &nr);
        if (!d)
                return 0;
        if (!filter_early_x(s, d->flags & TR_SYS_EXEC))
                return 0;
        p.args[0] = a[0];
        p.args[1] = a[1];
        p.args[2] = a[2];
        p.args[3] = a[3];
        p.args[4] = a[4];
        p.args[5] = a[5];
        if (!terms_pass(cfg, p.args, 0, 0)) {
                stat_inc(TR_STAT_FILTERED);
                return 0;
        }
        p.nr = nr;
        p.live = 1;
        p.aux = 0;
        if (d->arg[2] == TR_CAP_PROT_PREV) {
                struct mprot_ctx mc = {};
                struct task_struct *task = bpf_get_current_task_btf();

                bpf_find_vma(task, p.args[0], vma_flags_cb, &mc, 0);
                p.aux = mc.flags;
        }
        if (d->flags & TR_SYS_EXEC) {
                __u32 zero = 0;
                struct pathbuf *pb = bpf_map_lookup_elem(&tr_pathbuf, &zero);
                const char *fname = (const char *)p.args[d->arg[0] == TR_CAP_STR ? 0 : 1];

                if (pb) {
                        pb->buf[0] = 0;
                        bpf_probe_read_user_str(pb->buf, TR_PATH_MAX, fname);
                        bpf_map_update_elem(&tr_execpath, &id, pb->buf, BPF_ANY);
                }
        }
        tl = bpf_task_storage_get(&tr_task, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
        if (!tl) {
                stat_inc(TR_STAT_LOST);         /* no memory for the thread's storage: the event is lost */
                return 0;
        }
        tl->p = p;
        return 0;
}

static __always_inline void capture_arg(void *buf, __u32 *off, __u8 i, __u8 cap, struct pending *p,
                                        __s64 ret, struct task_struct *task, struct tr_settings *s)
{
        __u64 v = i < TR_MAX_ARGS ? p->args[i] : 0;
        __u64 next = i + 1 < TR_MAX_ARGS ? p->args[i + 1] : 0;

        switch (cap) {
        case TR_CAP_INT:
                put_int(buf, off, i, v);
                break;
        case TR_CAP_STR:
                put_str(buf, off, i, (const void *)v, 1);
                break;
        case TR_CAP_STRARR:
                *off = tr_put_strarr(buf, *off, i, v, s->strarr_max_count);
                break;
        case TR_CAP_SOCKADDR:
                put_sockaddr(buf, off, i, (const void *)v, next);
                break;
        case TR_CAP_SOCKADDR_OUT: {
                int ulen = 0;

                if (ret >= 0 && v && next)
                        bpf_probe_read_user(&ulen, sizeof(ulen), (void *)next);
                put_sockaddr(buf, off, i, ret >= 0 ? (const void *)v : NULL, ulen < 0 ? 0 : ulen);
                break;
        }
        case TR_CAP_FD:
                put_int(buf, off, i, v);
                break;
        case TR_CAP_OPEN_HOW: {
                __u64 flags = 0;

                if (v)
                        bpf_probe_read_user(&flags, sizeof(flags), (void *)v);
                put_int(buf, off, i, flags);
                break;
        }
        case TR_CAP_PROT_PREV:
                put_int(buf, off, i, v);
                break;
        }
}

/*
 * Global (not inlined) functions: the verifier checks each once per program instead of once per
 * call site, which keeps start-up (verification of every program) short.
 */
__noinline int tr_ctx_fill(struct tr_event_hdr *h, __u32 type, __u64 cgid)
{
        if (!h)
                return 0;
        ctx_fill(h, type, cgid);
        return 0;
}

__noinline int tr_cgroup_describe(struct scratch *sc, __u64 cgid)
{
        struct tr_settings *s = settings_get();

        if (!sc || !s)
                return 0;
        cgroup_describe(s, (struct task_struct *)bpf_get_current_task(), cgid, sc->buf);
        return 0;
}

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

/*
 * Appends argument i of a saved syscall, captured as cap, and the fd's info for fd arguments.
 * i_cap = i | cap << 8 (BPF functions take at most five arguments).
 */
__noinline int tr_capture_arg(struct scratch *sc, __u32 off, __u32 i_cap, struct pending *p, __s64 ret)
{
        struct tr_settings *s = settings_get();
        __u32 i = i_cap & 0xff, cap = i_cap >> 8;
        struct tr_fdinfo fi;

        if (!sc || !p || !s || i >= TR_MAX_ARGS)
                return off;
        capture_arg(sc->buf, &off, i, cap, p, ret, (struct task_struct *)bpf_get_current_task(), s);
        if (cap == TR_CAP_FD) {
                fdinfo_read(p->args[i], &fi);
                put_fdinfo(sc->buf, &off, 8 + i, &fi);
        }
        return off;
}

SEC("tracepoint")
int tr_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
        __u64 a[TR_MAX_ARGS];

        a[0] = ctx->args[0];
        a[1] = ctx->args[1];
        a[2] = ctx->args[2];
        a[3] = ctx->args[3];
        a[4] = ctx->args[4];
        a[5] = ctx->args[5];
        return sys_enter_common((__u32)ctx->id, a);
}

/* Syscall exit, from the per-syscall tracepoints or the raw sys_exit fallback. */
static __always_inline int sys_exit_common(__u32 ctx_nr, __s64 ret)
{
        __u64 id = bpf_get_current_pid_tgid();
        struct tr_settings *s = settings_get();
        struct task_struct *task;
        struct tr_event_hdr *h;
        struct tr_sysdesc *d;
        struct tr_evcfg *cfg;
        struct scratch *sc;
        struct task_local *tl;
        struct pending p;
        __u32 zero = 0, off, nr;

        tl = bpf_task_storage_get(&tr_task, bpf_get_current_task_btf(), 0, 0);
        if (!tl || !tl->p.live)
                return 0;
        p = tl->p;
        tl->p.live = 0;
        nr = p.nr;
        if (!s || nr >= TR_MAX_SYSCALL || nr != ctx_nr)
                return 0;
        cfg = evcfg_get(nr);
        d = bpf_map_lookup_elem(&tr_sysdesc, &nr);
        if (!cfg || !d || !(cfg->flags & TR_EVCFG_ON))
                return 0;
        if (!terms_pass(cfg, p.args, ret, 1) || ((d->flags & TR_SYS_EXEC) && !comm_allowed(s))) {
                if (d->flags & TR_SYS_EXEC)
                        bpf_map_delete_elem(&tr_execpath, &id);
                stat_inc(TR_STAT_FILTERED);
                return 0;
        }
        task = (struct task_struct *)bpf_get_current_task();

        /* dup family: only an inet socket with a peer matters to the rules that ask for it */
        if (cfg->flags & TR_EVCFG_FDINFO_INET) {
                struct tr_fdinfo fi;

                fdinfo_read(p.args[0], &fi);
                if (fi.kind != TR_FD_SOCKET || (fi.family != AF_INET && fi.family != AF_INET6) ||
                    fi.rport == 0) {
                        stat_inc(TR_STAT_FILTERED);
                        return 0;
                }
        }

        sc = bpf_map_lookup_elem(&tr_scratch, &zero);
        if (!sc)
                return 0;
        h = (struct tr_event_hdr *)sc->buf;
        event_begin(sc, nr, tl);
        h->retval = ret;
        off = sizeof(*h);

        if ((d->flags & TR_SYS_EXEC) && ret == 0) {
                /* The new image: the caller's pointers are gone; argv and envp are in the new mm. */
                struct mm_struct *mm = BPF_CORE_READ(task, mm);
                char *saved = bpf_map_lookup_elem(&tr_execpath, &id);
                __u8 pi = d->arg[0] == TR_CAP_STR ? 0 : 1;

                if (pi == 1)
                        put_int(sc->buf, &off, 0, p.args[0]);
                put_str(sc->buf, &off, pi, saved, 0);
                put_mm_block(sc->buf, &off, pi + 1, BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end),
                             TR_STRARR_MAX_BYTES);
                if (s->flags & TR_SET_EXEC_ENV)
                        put_mm_block(sc->buf, &off, pi + 2, BPF_CORE_READ(mm, env_start),
                                     BPF_CORE_READ(mm, env_end), ENV_MAX_BYTES);
                if (pi == 1)
                        put_int(sc->buf, &off, 4, p.args[4]);
        } else {
#pragma unroll
                for (int i = 0; i < TR_MAX_ARGS; i++) {
                        __u8 cap = d->arg[i];

                        if (cap == TR_CAP_NONE)
                                continue;
                        if (cap == TR_CAP_STRARR && (d->flags & TR_SYS_EXEC) && i == 2 + (d->arg[0] != TR_CAP_STR) &&
                            !(s->flags & TR_SET_EXEC_ENV))
                                continue;       /* envp only when asked for */
                        off = tr_capture_arg(sc, off, i | (__u32)cap << 8, &p, ret);
                }
                if (d->arg[2] == TR_CAP_PROT_PREV)
                        put_int(sc->buf, &off, 7, p.aux);
        }
        if (d->flags & TR_SYS_EXEC)
                bpf_map_delete_elem(&tr_execpath, &id);
        h->size = off;
        output(s, sc->buf, off);
        return 0;
}

SEC("tracepoint")
int tr_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
        return sys_exit_common((__u32)ctx->id, ctx->ret);
}

/*
 * The raw sys_enter/sys_exit fallback, for syscalls this kernel has no per-syscall tracepoint for
 * (init_module and finit_module on kernels built without module support). Attached only when the
 * agent is told to (raw_syscall_fallback) and such a syscall is wanted: a raw sys_enter program runs
 * on every syscall on the machine, ~40 ns each here. tr_rawnr says which numbers it handles.
 */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, TR_MAX_SYSCALL);
        __type(key, __u32);
        __type(value, __u8);
} tr_rawnr SEC(".maps");

static __always_inline int raw_wanted(__u32 nr)
{
        __u8 *on;

        if (nr >= TR_MAX_SYSCALL)
                return 0;
        on = bpf_map_lookup_elem(&tr_rawnr, &nr);
        return on && *on;
}

/* sys_enter(struct pt_regs *regs, long id); x86_64 syscall arguments: di, si, dx, r10, r8, r9 */
SEC("raw_tracepoint/sys_enter")
int tr_raw_enter(struct bpf_raw_tracepoint_args *ctx)
{
        struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
        __u32 nr = (__u32)ctx->args[1];
        __u64 a[TR_MAX_ARGS];

        if (!raw_wanted(nr))
                return 0;
        a[0] = BPF_CORE_READ(regs, di);
        a[1] = BPF_CORE_READ(regs, si);
        a[2] = BPF_CORE_READ(regs, dx);
        a[3] = BPF_CORE_READ(regs, r10);
        a[4] = BPF_CORE_READ(regs, r8);
        a[5] = BPF_CORE_READ(regs, r9);
        return sys_enter_common(nr, a);
}

/* sys_exit(struct pt_regs *regs, long ret) */
SEC("raw_tracepoint/sys_exit")
int tr_raw_exit(struct bpf_raw_tracepoint_args *ctx)
{
        struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
        __u32 nr = (__u32)BPF_CORE_READ(regs, orig_ax);

        if (!raw_wanted(nr))
                return 0;
        return sys_exit_common(nr, (__s64)ctx->args[1]);
}

/* The PROG_ARRAY that the stubs jump through; initialised here, so nothing to set up at run time. */
struct {
        __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
        __uint(max_entries, 2);
        __uint(key_size, sizeof(__u32));
        __array(values, int(void *));
} tr_tail SEC(".maps") = {
        .values = {
                [0] = (void *)&tr_sys_enter,
                [1] = (void *)&tr_sys_exit,
        },
};

#define TR_SYSCALL(tpname)                                                      \
SEC("tracepoint/syscalls/sys_enter_" #tpname)                                   \
int tp_enter_##tpname(void *ctx)                                                \
{                                                                               \
        bpf_tail_call(ctx, &tr_tail, 0);                                        \
        return 0;                                                               \
}                                                                               \
SEC("tracepoint/syscalls/sys_exit_" #tpname)                                    \
int tp_exit_##tpname(void *ctx)                                                 \
{                                                                               \
        bpf_tail_call(ctx, &tr_tail, 1);                                        \
        return 0;                                                               \
}

/* Tracepoint names (umount2's tracepoint is sys_enter_umount). Keep in step with the catalogue. */
TR_SYSCALL(execve)
TR_SYSCALL(execveat)
TR_SYSCALL(ptrace)
TR_SYSCALL(process_vm_writev)
TR_SYSCALL(process_vm_readv)
TR_SYSCALL(mmap)
TR_SYSCALL(mprotect)
TR_SYSCALL(pkey_mprotect)
TR_SYSCALL(memfd_create)
TR_SYSCALL(init_module)
TR_SYSCALL(finit_module)
TR_SYSCALL(dup)
TR_SYSCALL(dup2)
TR_SYSCALL(dup3)
TR_SYSCALL(close)
TR_SYSCALL(socket)
TR_SYSCALL(connect)
TR_SYSCALL(bind)
TR_SYSCALL(listen)
TR_SYSCALL(accept)
TR_SYSCALL(accept4)
TR_SYSCALL(open)
TR_SYSCALL(openat)
TR_SYSCALL(openat2)
TR_SYSCALL(creat)
TR_SYSCALL(unlink)
TR_SYSCALL(unlinkat)
TR_SYSCALL(rename)
TR_SYSCALL(renameat)
TR_SYSCALL(renameat2)
TR_SYSCALL(chmod)
TR_SYSCALL(fchmodat)
TR_SYSCALL(setuid)
TR_SYSCALL(setgid)
TR_SYSCALL(setreuid)
TR_SYSCALL(setresuid)
TR_SYSCALL(capset)
TR_SYSCALL(prctl)
TR_SYSCALL(mount)
TR_SYSCALL(umount)
TR_SYSCALL(kill)
TR_SYSCALL(tgkill)
TR_SYSCALL(bpf)

/* ------------------------------------------------------------------------------------------------ */
/* sched raw tracepoints */

static __always_inline struct scratch *sched_begin(struct tr_settings **sp, __u32 type, struct task_struct *task)
{
        struct tr_settings *s = settings_get();
        struct tr_evcfg *cfg = evcfg_get(type);
        struct scratch *sc;
        __u32 zero = 0;

        if (!s || !cfg || !(cfg->flags & TR_EVCFG_ON))
                return NULL;
        if (!filter_early(s))
                return NULL;
        sc = bpf_map_lookup_elem(&tr_scratch, &zero);
        if (!sc)
                return NULL;
        /* no storage created here: an exiting task would only free it again */
        event_begin(sc, type, bpf_task_storage_get(&tr_task, bpf_get_current_task_btf(), 0, 0));
        *sp = s;
        return sc;
}

/* sched_process_fork(struct task_struct *parent, struct task_struct *child): new processes only. */
SEC("raw_tracepoint/sched_process_fork")
int tr_sched_fork(struct bpf_raw_tracepoint_args *ctx)
{
        struct task_struct *child = (struct task_struct *)ctx->args[1];
        struct task_struct *task = (struct task_struct *)bpf_get_current_task();
        struct tr_settings *s = NULL;
        struct scratch *sc;
        __u32 off = sizeof(struct tr_event_hdr);

        if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
                return 0;
        sc = sched_begin(&s, TR_EV_SCHED_PROCESS_FORK, task);
        if (!sc)
                return 0;
        put_int(sc->buf, &off, 0, BPF_CORE_READ(child, tgid));
        put_int(sc->buf, &off, 1, BPF_CORE_READ(child, start_time));
        put_int(sc->buf, &off, 2, pid_nr_at(BPF_CORE_READ(child, thread_pid),
                                            BPF_CORE_READ(child, thread_pid, level)));
        ((struct tr_event_hdr *)sc->buf)->size = off;
        output(s, sc->buf, off);
        return 0;
}

/* sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) */
SEC("raw_tracepoint/sched_process_exec")
int tr_sched_exec(struct bpf_raw_tracepoint_args *ctx)
{
        struct task_struct *task = (struct task_struct *)bpf_get_current_task();
        struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
        struct tr_settings *s = NULL;
        struct tr_event_hdr *h;
        struct scratch *sc;
        struct file *file;
        struct mm_struct *mm;
        struct path fpath;
        __u32 off = sizeof(struct tr_event_hdr);

        sc = sched_begin(&s, TR_EV_SCHED_PROCESS_EXEC, task);
        if (!sc)
                return 0;
        h = (struct tr_event_hdr *)sc->buf;
        file = BPF_CORE_READ(bprm, file);
        mm = BPF_CORE_READ(task, mm);
        if (file_is_memfd(file))
                h->flags |= TR_F_EXEC_MEMFD;
        /* 0 pathname: the binary actually executed, from the kernel's file */
        fpath = BPF_CORE_READ(file, f_path);
        put_path(sc->buf, &off, 0, &fpath);
        /* 1 filename as passed to exec (bprm->filename; "/dev/fd/N" for fexecve) */
        put_str(sc->buf, &off, 1, BPF_CORE_READ(bprm, filename), 0);
        /* 2 interpreter (differs from filename for scripts) */
        put_str(sc->buf, &off, 2, BPF_CORE_READ(bprm, interp), 0);
        /* 3 argv, 4 env */
        put_mm_block(sc->buf, &off, 3, BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end),
                     TR_STRARR_MAX_BYTES);
        if (s->flags & TR_SET_EXEC_ENV)
                put_mm_block(sc->buf, &off, 4, BPF_CORE_READ(mm, env_start), BPF_CORE_READ(mm, env_end),
                             ENV_MAX_BYTES);
        /* 5 old pid (the thread that called exec, before de_thread) */
        put_int(sc->buf, &off, 5, (__s32)ctx->args[1]);
        /* 6 inode mode of the binary */
        put_int(sc->buf, &off, 6, BPF_CORE_READ(file, f_inode, i_mode));
        h->size = off;
        output(s, sc->buf, off);
        return 0;
}

/* sched_process_exit(struct task_struct *p, ...): once per process, when its last thread exits. */
SEC("raw_tracepoint/sched_process_exit")
int tr_sched_exit(struct bpf_raw_tracepoint_args *ctx)
{
        struct task_struct *task = (struct task_struct *)bpf_get_current_task();
        struct tr_settings *s = NULL;
        struct scratch *sc;
        __u32 off = sizeof(struct tr_event_hdr);

        if (BPF_CORE_READ(task, signal, live.counter) != 0)
                return 0;
        sc = sched_begin(&s, TR_EV_SCHED_PROCESS_EXIT, task);
        if (!sc)
                return 0;
        /* 0 exit code as wait(2) reports it */
        put_int(sc->buf, &off, 0, BPF_CORE_READ(task, exit_code));
        ((struct tr_event_hdr *)sc->buf)->size = off;
        output(s, sc->buf, off);
        return 0;
}
