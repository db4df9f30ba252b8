/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Every map of the kernel side, each with who writes it and who reads it. The maps are __weak so
 * that the objects of every hook family (*.bpf.c) share one of each when bpftool links them.
 */
#ifndef TRACEE_MAPS_BPF_H
#define TRACEE_MAPS_BPF_H

#include "defs.bpf.h"

/* Every record, for the agent. Sized by the agent before load (ringbuf_size). */
struct {
        __uint(type, BPF_MAP_TYPE_RINGBUF);
        __uint(max_entries, 4 * 1024 * 1024);
} tr_events SEC(".maps") __weak;

/* Per-CPU counters, TR_STAT_*: written here, summed by the agent. */
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, TR_STAT_MAX);
        __type(key, __u32);
        __type(value, __u64);
} tr_stats SEC(".maps") __weak;

/* One entry: filters, wakeup batching, self tgid. Written by the agent at run time. */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct tr_settings);
} tr_settings SEC(".maps") __weak;

/* Per event id: on/off and predicates. Written by the agent whenever the wanted events change. */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, TR_MAX_EVENT_ID);
        __type(key, __u32);
        __type(value, struct tr_evcfg);
} tr_evcfg SEC(".maps") __weak;

/* Per syscall number: how to capture each argument. Written once by the agent from its catalogue. */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, TR_MAX_SYSCALL);
        __type(key, __u32);
        __type(value, struct tr_sysdesc);
} tr_sysdesc SEC(".maps") __weak;

/* Per ia32 syscall number (and socketcall call): the x86_64 event it is and where its arguments are
 * (events.h). Written by the agent whenever the wanted events change; read by tr_raw_exit for 32-bit
 * syscalls. */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, TR_COMPAT_KEYS);
        __type(key, __u32);
        __type(value, struct tr_compat);
} tr_compat SEC(".maps") __weak;

struct pending {
        __u64 args[TR_MAX_ARGS];
        __u64 aux;              /* mprotect: the range's vm_flags before the call (TR_VMA_* added) */
        __u32 nr;
        __u32 live;             /* saved at entry, not yet consumed by the exit */
};

/*
 * Per thread, in the task itself (task-local storage: no hashing, no locks, freed with the task, so
 * bounded by the number of threads): the syscall saved between entry and exit (only for syscalls
 * flagged TR_SYS_NEEDS_ENTER), and the cgroup this thread last checked with tr_cgseen, so that one
 * of its events after the other skips that lookup.
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
} tr_task SEC(".maps") __weak;

/* Shedding (events.h, TR_SHED_*): per process, its token bucket as the time its next record is due
 * (GCRA: admitted while that is at most a burst ahead of now) and what it had shed and not yet
 * reported. Keyed by tgid; start_time tells a reused pid. LRU: a process evicted loses its unreported
 * count, which the per-CPU TR_STAT_SHED counter still holds. */
struct {
        __uint(type, BPF_MAP_TYPE_LRU_HASH);
        __uint(max_entries, 4096);
        __type(key, __u32);
        __type(value, struct tr_shed_proc);
} tr_shedproc SEC(".maps") __weak;

/* Shedding: per uid other than root, the bucket of all its processes (the time its next record is due). */
struct {
        __uint(type, BPF_MAP_TYPE_LRU_HASH);
        __uint(max_entries, 1024);
        __type(key, __u32);
        __type(value, __u64);
} tr_sheduid SEC(".maps") __weak;

/* Shedding: how many processes have shed records not yet reported; while not 0, admitted records
 * look up their process to report its count even when the ring is no longer under pressure. */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, __s64);
} tr_shedpending SEC(".maps") __weak;

/* execve/execveat pathname saved at entry: on success the caller's memory is gone at exit. */
struct {
        __uint(type, BPF_MAP_TYPE_LRU_HASH);
        __uint(max_entries, 256);
        __type(key, __u64);
        __type(value, char[TR_PATH_MAX]);
} tr_execpath SEC(".maps") __weak;

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
} tr_scratch SEC(".maps") __weak;

/* The head of a struct file, read at once by the file classifier (file.bpf.h). Here and not on
 * the stack: the classifier is deep in call chains that have 512 bytes of stack in all, on kernels
 * without private BPF stacks (6.1). It is only used between the read and the two loads after it. */
struct filehead {
        char b[FILE_HEAD];
};
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct filehead);
} tr_filehead SEC(".maps") __weak;

/* A syscall's arguments at its exit, judged and captured from here (sys_exit_common). Not on the
 * stack, for the same reason as struct filehead. */
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct pending);
} tr_exitargs SEC(".maps") __weak;

/* Path assembly: components are written backwards into the first half. Also the scratch for
 * strings a predicate looks at before the record is built. */
struct pathbuf {
        char buf[PATHBUF_HALF * 2];
};
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct pathbuf);
} tr_pathbuf SEC(".maps") __weak;

/* Cgroups already described to the agent (TR_REC_CGROUP). */
struct {
        __uint(type, BPF_MAP_TYPE_LRU_HASH);
        __uint(max_entries, 4096);
        __type(key, __u64);
        __type(value, __u8);
} tr_cgseen SEC(".maps") __weak;

/* Context filter sets (TR_FILT_*): presence means "listed". Written by the agent. */
struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 256);
        __type(key, __u32);
        __type(value, __u8);
} tr_f_pid SEC(".maps") __weak;

struct comm_key {
        char comm[TR_COMM_LEN];
};
struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 256);
        __type(key, struct comm_key);
        __type(value, __u8);
} tr_f_comm SEC(".maps") __weak;

struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 256);
        __type(key, __u32);
        __type(value, __u8);
} tr_f_uid SEC(".maps") __weak;

struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 256);
        __type(key, __u32);
        __type(value, __u8);
} tr_f_mntns SEC(".maps") __weak;

struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 256);
        __type(key, __u32);
        __type(value, __u8);
} tr_f_pidns SEC(".maps") __weak;

/* Superblocks (s_dev) of the host's /dev/shm and /run/shm, for TR_FC_SHM. Written by the agent. */
struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 16);
        __type(key, __u32);
        __type(value, __u8);
} tr_shmdev SEC(".maps") __weak;

/* Inodes that are the preload list under another name (hard links), for TR_FC_PRELOAD: written by
 * the agent (what /etc/ld.so.preload is at start) and here, whenever a file is seen by that name. */
struct watch_ino {
        __u64 ino;
        __u32 dev;
        __u32 gen;              /* i_generation: an inode number freed and reused is another file */
};
struct {
        __uint(type, BPF_MAP_TYPE_LRU_HASH);
        __uint(max_entries, 256);
        __type(key, struct watch_ino);
        __type(value, __u8);
} tr_watchino SEC(".maps") __weak;

/* Names for TR_OP_BASENAME predicates ("ld.so.preload"): NUL-padded keys. Written by the agent. */
struct name_key {
        char name[TR_NAME_MAX];
};
struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 64);
        __type(key, struct name_key);
        __type(value, __u8);
} tr_names SEC(".maps") __weak;

/*
 * io_uring (iouring.bpf.c). Which event an opcode stands for (IORING_OP_OPENAT: openat...), 0 for
 * none: written once by the agent from its catalogue.
 */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, TR_IOU_MAX_OP);
        __type(key, __u32);
        __type(value, __u32);
} tr_iouop SEC(".maps") __weak;

/*
 * Watched io_uring requests between their submission and their completion, keyed by the request
 * (struct io_kiocb *): what the completion no longer has (the fd a connect named: its cqe.fd is
 * overwritten by the result) and what a completion that overflowed the ring is matched by (the
 * overflow tracepoint names the ring and user_data, not the request). Written at submission,
 * deleted at completion; tr_iouopen counts the entries, so that an overflow looks them up only
 * when there is one. Preallocated (48 KiB): an entry per watched request, so no allocation on that
 * path.
 */
struct iou_req {
        __u64 ctx;              /* struct io_ring_ctx * */
        __u64 user_data;
        __s64 fd;               /* sqe->fd: an fd, or a fixed-file slot if fixed */
        __u32 fixed;            /* IOSQE_FIXED_FILE */
        __u32 pad;
};
struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 1024);
        __type(key, __u64);
        __type(value, struct iou_req);
} tr_iou_req SEC(".maps") __weak;

/* One entry: how many tr_iou_req entries there are. */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, __u64);
} tr_iouopen SEC(".maps") __weak;

/*
 * The path names of a watched rename, link or symlink request, copied at submission from the
 * kernel's own copies (struct filename): the request frees them when it runs, before it completes.
 * Only for requests whose predicates on the names held (a rename onto ld.so.preload), so nearly
 * always empty. Keyed by the request, deleted at completion.
 */
struct iou_names {
        char name[2][TR_PATH_MAX];      /* old, new (symlink: target, linkpath) */
};
_Static_assert(sizeof(struct iou_names) == sizeof(struct pathbuf), "built in tr_pathbuf");
struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(map_flags, BPF_F_NO_PREALLOC);
        __uint(max_entries, 256);
        __type(key, __u64);
        __type(value, struct iou_names);
} tr_iou_names SEC(".maps") __weak;

#endif
