/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * The wire format between the BPF programs and the agent, and the layout of the maps the agent writes.
 *
 * Included by bpf/tracee.bpf.c (after vmlinux.h) and by userspace (after <linux/types.h>). Only
 * fixed-width __u8..__u64 fields, explicit padding; sizes are checked with _Static_assert on both sides.
 *
 * A ring-buffer record is:
 *
 *   +-----------------------+-----------+-----------+-----+
 *   | struct tr_event_hdr   | tr_arg #0 | tr_arg #1 | ... |      hdr.size bytes in all
 *   +-----------------------+-----------+-----------+-----+
 *
 * and each argument is a struct tr_arg (4 bytes: index, type, length) followed by `len` bytes of
 * payload, unaligned (userspace copies with memcpy). hdr.nargs says how many follow. The payload is:
 *
 *   TR_ARG_INT     8 bytes, signed, host order
 *   TR_ARG_STR     len bytes of a user or kernel string, without its NUL; TR_ARG_F_TRUNC if cut
 *   TR_ARG_STRARR  NUL-terminated strings back to back (argv, envp); TR_ARG_F_TRUNC if entries or
 *                  bytes were cut (a last string without its NUL was cut short)
 *   TR_ARG_SOCKADDR the raw struct sockaddr_* as the process passed it (at most TR_SOCKADDR_MAX)
 *   TR_ARG_FDINFO  struct tr_fdinfo: what an fd argument refers to, read from the kernel's file
 *   TR_ARG_BYTES   raw bytes
 *
 * Argument indexes (tr_arg.idx) of syscall events:
 *
 *   0..5    the syscall's arguments, each at its C type's width (see tr_sysdesc.width)
 *   7       mprotect, pkey_mprotect: the range's protection before the call (TR_VMA_* bits)
 *   8 + i   TR_ARG_FDINFO: what fd argument i refers to, read from the kernel's file
 *   14      TR_ARG_FDINFO: what the returned fd refers to (TR_SYS_RET_FD)
 *   15      TR_ARG_STR: the kernel's path of the returned fd's file (its dentry, mount by mount)
 *   16 + i  TR_ARG_STR: the directory path argument i is resolved against, from the kernel (the
 *           dirfd's file, the cwd, or the root for absolute paths); the agent joins them. For an
 *           fd argument i (TR_CAP_FD) of a regular file: that file's kernel path
 *   22      TR_ARG_INT: io_uring requests (TR_F_IOURING): the request's opcode (IORING_OP_*)
 *   23      TR_ARG_INT: io_uring requests: the ring's fixed-file slot that holds the file (a fixed
 *           file, or an open into a slot): the file is there, not at an fd
 *   24      TR_ARG_INT: io_uring requests judged at submission (1): the request asked for no
 *           completion on success (IOSQE_CQE_SKIP_SUCCESS), so its result is not seen; retval
 *           is 0, the result it would have on success
 *
 * Event type numbers: syscalls use the x86_64 syscall number; other events have fixed numbers from
 * 1000. Never renumber or reuse one.
 */
#ifndef TRACEE_EVENTS_H
#define TRACEE_EVENTS_H

#define TR_COMM_LEN             16
#define TR_MAX_SYSCALL          512     /* syscall numbers below this are traceable */
#define TR_MAX_EVENT_ID         1024    /* size of the per-event config array */
#define TR_MAX_ARGS             6
#define TR_IOU_MAX_OP           64      /* io_uring opcodes below this may stand for an event (tr_iouop) */

/* Non-syscall events. */
#define TR_EV_SCHED_PROCESS_FORK 1002
#define TR_EV_SCHED_PROCESS_EXEC 1003
#define TR_EV_SCHED_PROCESS_EXIT 1004
/* Internal record, never shown as an event: the names of a cgroup seen for the first time. */
#define TR_REC_CGROUP            1900
/* Internal record: statistics heartbeat (unused for now, reserved). */
#define TR_REC_RESERVED          1901
/* Internal record: events of one process that the kernel side shed while the ring buffer was under
 * pressure (struct tr_shed_rec after a header that describes the process). See tr_settings.shed_bytes. */
#define TR_REC_SHED              1902

/* hdr.flags */
#define TR_F_CONTAINER          (1u << 0)   /* the task is not in the initial pid namespace */
#define TR_F_ARGS_TRUNC         (1u << 1)   /* the record ran out of room; later args are missing */
#define TR_F_EXEC_MEMFD         (1u << 2)   /* exec: the binary is a memfd (internal shmem mount) */
#define TR_F_ENTER_ONLY         (1u << 3)   /* emitted at syscall entry: no return value */
#define TR_F_COMPAT             (1u << 4)   /* a 32-bit (ia32) syscall of a 64-bit kernel */
#define TR_F_IOURING            (1u << 5)   /* not a syscall: an io_uring request that did what the event's
                                             * syscall does (bpf/iouring.bpf.c); the same arguments, opcode
                                             * in argument 22; retval is the request's result (cqe.res) */

struct tr_event_hdr {
        __u32 type;             /* event id */
        __u32 size;             /* bytes in the record, header included */
        __u64 ts;               /* CLOCK_BOOTTIME ns (bpf_ktime_get_boot_ns) */
        __u32 pid;              /* host tgid */
        __u32 tid;              /* host thread id */
        __u32 ppid;             /* host tgid of real_parent */
        __u32 ns_pid;           /* tgid in the task's own pid namespace */
        __u32 ns_tid;
        __u32 ns_ppid;
        __u32 uid;
        __u32 gid;
        __u32 mntns;            /* mount namespace inode number */
        __u32 pidns;            /* pid namespace inode number */
        __u64 cgroup_id;        /* cgroup v2 (default hierarchy) id */
        __s64 retval;           /* syscall return value; 0 for enter-only and sched events */
        __u64 start_time;       /* group leader start, boot ns: with pid, identifies the process */
        char comm[TR_COMM_LEN];
        __u16 nargs;
        __u16 flags;            /* TR_F_* */
        __u32 cpu;
};
_Static_assert(sizeof(struct tr_event_hdr) == 104, "tr_event_hdr layout");

/* Argument types, stored in tr_arg.type; the high bit is a flag. */
enum {
        TR_ARG_NONE = 0,
        TR_ARG_INT = 1,
        TR_ARG_STR = 2,
        TR_ARG_STRARR = 3,
        TR_ARG_SOCKADDR = 4,
        TR_ARG_FDINFO = 5,
        TR_ARG_BYTES = 6,
};
#define TR_ARG_TYPE_MASK        0x7f
#define TR_ARG_F_TRUNC          0x80

struct tr_arg {
        __u8 idx;               /* which argument of the event (see the catalogue) */
        __u8 type;              /* TR_ARG_* | TR_ARG_F_TRUNC */
        __u16 len;              /* payload bytes that follow */
};
_Static_assert(sizeof(struct tr_arg) == 4, "tr_arg layout");

#define TR_SOCKADDR_MAX         112     /* sizeof(struct sockaddr_un) rounded up */
#define TR_PATH_MAX             1024    /* a path or string argument, bytes */
#define TR_STRARR_MAX_BYTES     4096    /* argv or envp, bytes in all */
#define TR_STRARR_MAX_COUNT     128     /* argv or envp, entries */
#define TR_SCRATCH_SIZE         16384   /* largest record, bytes; a power of two */

/* What an fd refers to (TR_ARG_FDINFO). */
enum {
        TR_FD_UNKNOWN = 0,
        TR_FD_SOCKET = 1,
        TR_FD_FILE = 2,         /* regular file */
        TR_FD_MEMFD = 3,
        TR_FD_PIPE = 4,
        TR_FD_OTHER = 5,
        TR_FD_CLOSED = 6,       /* no such fd */
        TR_FD_DIR = 7,
};

/*
 * File classes: what the kernel's objects say a file is, computed in the kernel from the struct
 * file (never from a path the process wrote), so no spelling, relative path, directory fd, symlink
 * or hard link changes them. In-kernel predicates test them (TR_FIELD_FDCLASS, TR_FIELD_RETCLASS);
 * tr_fdinfo.fclass carries them to the agent.
 */
#define TR_FC_OPEN              (1u << 0)       /* an open file is there */
#define TR_FC_READ              (1u << 1)       /* f_mode has FMODE_READ */
#define TR_FC_WRITE             (1u << 2)       /* f_mode has FMODE_WRITE */
#define TR_FC_SOCKET            (1u << 3)
#define TR_FC_INET              (1u << 4)       /* socket of family AF_INET or AF_INET6 */
#define TR_FC_PEER              (1u << 5)       /* inet socket with a remote peer (connected or accepted) */
#define TR_FC_ON_STDIO          (1u << 6)       /* the same file is also open on fd 0, 1 or 2 */
#define TR_FC_REGULAR           (1u << 7)
#define TR_FC_MEMFD             (1u << 8)       /* memfd_create(): "memfd:" on the internal shmem mount */
#define TR_FC_TMPFS             (1u << 9)       /* on a tmpfs, ramfs or hugetlbfs superblock */
#define TR_FC_SHM               (1u << 10)      /* on the superblock of the host's /dev/shm (tr_shmdev) */
#define TR_FC_DELETED           (1u << 11)      /* no name left in any directory (i_nlink == 0) */
#define TR_FC_PROC_MEM          (1u << 12)      /* a process's mem file in procfs (/proc/PID[/task/TID]/mem) */
#define TR_FC_PRELOAD           (1u << 13)      /* the dynamic loader's preload list: etc/ld.so.preload under a
                                                 * filesystem's or the process's root, or a watched inode */
#define TR_FC_SHARED_WMAP       (1u << 14)      /* the file is mapped writable and shared somewhere */
#define TR_FC_DIR               (1u << 15)
#define TR_FC_PRELOAD_NEW       (1u << 16)      /* TR_FC_PRELOAD, and this inode was never seen as it before
                                                 * (tr_watchino): a preload list that was put in place */

struct tr_fdinfo {
        __u16 kind;             /* TR_FD_* */
        __u16 family;           /* socket: AF_* */
        __u16 sotype;           /* socket: SOCK_* */
        __u16 state;            /* socket: sk_state */
        __u16 lport;            /* socket: local port, host order */
        __u16 rport;            /* socket: peer port, host order; 0 = no peer */
        __u32 fclass;           /* TR_FC_* */
        __u8 laddr[16];         /* socket: local address (4 bytes for AF_INET) */
        __u8 raddr[16];         /* socket: peer address */
        __u64 ino;              /* inode number */
        __u32 dev;              /* superblock s_dev (kernel encoding: major << 20 | minor) */
        __u32 mode;             /* i_mode */
        __u32 magic;            /* superblock s_magic (low 32 bits) */
        __u32 proc_tgid;        /* TR_FC_PROC_MEM: host tgid of the process whose memory it is */
        __u32 nlink;
        __u32 stdio;            /* TR_FC_ON_STDIO: which of fds 0, 1, 2 hold the same file (bit n = fd n) */
};
_Static_assert(sizeof(struct tr_fdinfo) == 80, "tr_fdinfo layout");

/* TR_REC_CGROUP payload, after the header: the cgroup's own name and its parent's, and what the
 * kernel side found of its owners (bpf/ctx.bpf.h cgroup_chain_trusted()). */
struct tr_cgroup_rec {
        __u64 id;
        char name[128];
        char parent[128];
        __u32 flags;            /* TR_CGREC_F_* */
        __u32 pad;
};
_Static_assert(sizeof(struct tr_cgroup_rec) == 272, "tr_cgroup_rec layout");

/* tr_cgroup_rec.flags */
#define TR_CGREC_F_UNTRUSTED    1       /* a directory from the cgroup up to the root is not owned by
                                         * root (a delegated subtree, a user's own cgroup), or the
                                         * chain is deeper than the kernel side checks: never a
                                         * container, whatever its name */

/* TR_REC_SHED payload. Sent before the process's next admitted event, or at its exit. */
struct tr_shed_rec {
        __u64 count;            /* events shed since `since` */
        __u64 since;            /* boot ns of the first of them */
        __u32 by_uid;           /* how many of them the per-uid bucket refused (the rest: the process's own) */
        __u32 exited;           /* sent at the process's exit */
};
_Static_assert(sizeof(struct tr_shed_rec) == 24, "tr_shed_rec layout");

/*
 * Shedding. While the ring buffer holds more than tr_settings.shed_bytes of unread records, each
 * process may add records at TR_SHED_PROC_RATE a second after a burst of TR_SHED_PROC_BURST, and
 * all processes of one uid other than root at TR_SHED_UID_RATE after TR_SHED_UID_BURST; the rest is
 * shed: counted per process, and reported to the agent as a TR_REC_SHED record. So one flooding
 * process, or one user's many, fills at most shed_bytes of the ring and cannot take the room other
 * processes' events need. Exit and cgroup records are never shed.
 */
#define TR_SHED_PROC_BURST      512
#define TR_SHED_PROC_NS         1000000ull      /* one record a millisecond */
#define TR_SHED_UID_BURST       2048
#define TR_SHED_UID_NS          250000ull       /* four records a millisecond */

/* tr_shedproc values, per tgid: the process's bucket as the time its next record is due (GCRA),
 * what it shed and has not reported, and its start_time, which tells a reused pid. */
struct tr_shed_proc {
        __u64 due;
        __u64 count;
        __u64 since;
        __u64 start_time;
        __u32 by_uid;
        __u32 pad;
};
_Static_assert(sizeof(struct tr_shed_proc) == 40, "tr_shed_proc layout");

/*
 * How the BPF side captures each syscall argument (tr_sysdesc.arg[i]); the agent fills the
 * tr_sysdesc map from its event catalogue, so the catalogue is the single source of truth.
 */
enum {
        TR_CAP_NONE = 0,        /* not captured */
        TR_CAP_INT = 1,         /* the register as a signed integer */
        TR_CAP_STR = 2,         /* pointer to a user string */
        TR_CAP_STRARR = 3,      /* pointer to a NULL-terminated array of user strings */
        TR_CAP_SOCKADDR = 4,    /* pointer to a sockaddr; its length is the next argument's value */
        TR_CAP_FD = 5,          /* an fd: the integer and a TR_ARG_FDINFO of what it is */
        TR_CAP_SOCKADDR_OUT = 6, /* accept(): sockaddr written by the kernel, length via pointer arg */
        TR_CAP_OPEN_HOW = 7,    /* openat2: pointer to struct open_how; captured as the flags integer */
        TR_CAP_PROT_PREV = 8,   /* mprotect: the int, plus the target VMA's protection before the call */
};

/* mprotect's prev_prot argument: the vm_flags of every VMA in the range ORed, with these bits added
 * (vm_flags itself never uses them). */
#define TR_VMA_FILE_BACKED      (1ull << 62)    /* a file backs some VMA of the range */
#define TR_VMA_WRITTEN          (1ull << 61)    /* some VMA of the range, not executable, has private pages
                                                 * that were written (an anon_vma: written since mapped, or
                                                 * copied on write): code may have been put there */
#define TR_VMA_DUALMAP          (1ull << 60)    /* some VMA's file is also mapped writable and shared */
#define TR_VMA_ANON             (1ull << 59)    /* some VMA of the range has no file */
#define TR_VMA_MANY             (1ull << 58)    /* more VMAs than walked: the others were not looked at */
#define TR_VMA_MEMFILE          (1ull << 57)    /* some VMA's file lives in memory: a memfd, on /dev/shm, deleted */
#define TR_VMA_PREV_UNKNOWN     (1ull << 56)    /* a 32-bit mprotect, seen at its exit alone: the flags are the
                                                 * range's after the call, its protection before is unknown */

/* tr_sysdesc.flags */
#define TR_SYS_EMIT_AT_ENTER    (1u << 0)       /* the syscall may not return (not used yet) */
#define TR_SYS_EXEC             (1u << 1)       /* execve/execveat: argv and envp from the new mm on success */
#define TR_SYS_NEEDS_ENTER      (1u << 2)       /* capture at entry what is gone at exit (exec path, VMA state);
                                                 * the others are captured at exit alone, arguments from pt_regs */
#define TR_SYS_RET_FD           (1u << 3)       /* the return value is a new fd: send its info (14) and path (15) */
#define TR_SYS_RET_FD_DUPFD     (1u << 4)       /* fcntl: the return value is an fd only for F_DUPFD* */

/* tr_sysdesc.width, tr_compat.width: how the kernel reads each argument register */
enum {
        TR_W_64 = 0,            /* long, size_t, pointers: the whole register */
        TR_W_S32 = 1,           /* int, pid_t, uid_t...: the low 32 bits, sign-extended */
        TR_W_U32 = 2,           /* unsigned int, mode_t: the low 32 bits, zero-extended */
};

/* tr_sysdesc.pathbase[i]: path argument i is resolved by the kernel against... */
#define TR_PB_NONE              0               /* not a path, or not resolved here */
#define TR_PB_CWD               7               /* the cwd (no dirfd argument), or the root if absolute */
/* 1..6: the dirfd in argument (value - 1), AT_FDCWD meaning the cwd */

struct tr_sysdesc {
        __u8 arg[TR_MAX_ARGS];  /* TR_CAP_* */
        __u8 width[TR_MAX_ARGS]; /* TR_W_* */
        __u8 pathbase[TR_MAX_ARGS]; /* TR_PB_* */
        __u16 flags;            /* TR_SYS_* */
};
_Static_assert(sizeof(struct tr_sysdesc) == 20, "tr_sysdesc layout");

/*
 * The 32-bit (ia32) syscall ABI of a 64-bit kernel: `int $0x80`, or sysenter/syscall from 32-bit code,
 * with its own syscall numbers and 32-bit arguments in bx, cx, dx, si, di, bp. The per-syscall
 * tracepoints never fire for these (the kernel drops compat syscalls in perf_syscall_enter/exit), so
 * the compat watch (tr_raw_exit on raw sys_exit) translates them at their exit into the events of the
 * x86_64 syscalls they do, flagged TR_F_COMPAT. The tr_compat map says how, keyed by the ia32 number
 * (below TR_COMPAT_NR_MAX), or by TR_COMPAT_SOCKETCALL + call for the calls of socketcall(call, args).
 * The agent writes it from its table (agent/compat.c) for the wanted events; the rest are off.
 */
#define TR_COMPAT_NR_MAX        512
#define TR_COMPAT_SOCKETCALL    512
#define TR_COMPAT_KEYS          (TR_COMPAT_SOCKETCALL + 32)

/* tr_compat.how: where the arguments are */
enum {
        TR_CX_REGS = 0,         /* in bx, cx, dx, si, di, bp, in the x86_64 syscall's order */
        TR_CX_MMAP2 = 1,        /* mmap2: as mmap, the offset (argument 5) in 4096-byte units */
        TR_CX_OLD_MMAP = 2,     /* old mmap: bx points to six 32-bit words, mmap's arguments */
        TR_CX_SOCKETCALL = 3,   /* socketcall: bx is the call (its entry at TR_COMPAT_SOCKETCALL + call),
                                 * cx points to its arguments, nargs 32-bit words */
};

struct tr_compat {
        __u16 id;               /* the x86_64 event it is */
        __u8 on;                /* watched (the event is wanted) */
        __u8 how;               /* TR_CX_* */
        __u8 nargs;             /* socketcall's calls: 32-bit words of arguments */
        __u8 width[TR_MAX_ARGS]; /* TR_W_S32 or TR_W_U32: a compat long is 32 bits */
        __u8 pad;
};
_Static_assert(sizeof(struct tr_compat) == 12, "tr_compat layout");

/*
 * Per-event in-kernel predicates. An event passes when it has no terms, or when any one group of
 * terms holds; a group is a run of terms each flagged TR_TERM_AND but the last, and holds when all
 * its terms hold (each enabled rule contributes the cases it cares about; a consumer that wants
 * every instance sets nterms = 0). Everything is decided at syscall exit, when the kernel's objects
 * exist (the returned fd's file, the connected socket); for an io_uring request, at its completion,
 * on the same fields (the file it installed, its socket, the kernel's copies of its path names).
 */
enum {
        TR_OP_MASK_EQ = 1,      /* (x & mask) == value */
        TR_OP_MASK_NE = 2,      /* (x & mask) != value */
        TR_OP_LE = 3,           /* (s64)x <= (s64)value */
        TR_OP_GE = 4,           /* (s64)x >= (s64)value */
        TR_OP_EQ2 = 5,          /* x == value || x == mask */
        TR_OP_BASENAME = 6,     /* the last component of string argument `field` is a name in tr_names */
};
#define TR_FIELD_RETVAL         6       /* term field: 0..5 are syscall arguments */
#define TR_FIELD_FDCLASS        8       /* 8 + i: TR_FC_* of the file at fd argument i */
#define TR_FIELD_RETCLASS       14      /* TR_FC_* of the file at the returned fd (io_uring: of the file
                                         * the request installed, at an fd or in a fixed-file slot) */
#define TR_MAX_TERMS            8
#define TR_TERM_AND             1       /* tr_term.flags: this term and the next must both hold */

struct tr_term {
        __u8 field;
        __u8 op;
        __u8 flags;             /* TR_TERM_* */
        __u8 pad;
        __u32 pad2;
        __u64 mask;
        __u64 value;
};

/* tr_evcfg.flags */
#define TR_EVCFG_ON             (1u << 0)       /* collect this event */

struct tr_evcfg {
        __u32 flags;
        __u32 nterms;
        /* the TR_FC_* bits the TR_FIELD_RETCLASS terms look at: low half for any file, high half
         * only for one open for writing (terms that need TR_FC_WRITE); written by the agent */
        __u64 retwant;
        struct tr_term terms[TR_MAX_TERMS];
};
_Static_assert(sizeof(struct tr_evcfg) == 16 + 24 * TR_MAX_TERMS, "tr_evcfg layout");

/* A name for TR_OP_BASENAME (tr_names key): NUL-padded. */
#define TR_NAME_MAX             16

/* Context filters (tr_settings.filter_flags); run in the kernel before anything is read. */
#define TR_FILT_PID             (1u << 0)       /* only tgids in tr_f_pid */
#define TR_FILT_COMM            (1u << 1)       /* only comms in tr_f_comm */
#define TR_FILT_UID             (1u << 2)       /* only uids in tr_f_uid */
#define TR_FILT_MNTNS           (1u << 3)
#define TR_FILT_PIDNS           (1u << 4)
#define TR_FILT_CONTAINER       (1u << 5)       /* only tasks in a container */
#define TR_FILT_HOST            (1u << 6)       /* only tasks not in a container */
#define TR_FILT_NOT_PID         (1u << 8)       /* negate the pid list */
#define TR_FILT_NOT_COMM        (1u << 9)
#define TR_FILT_NOT_UID         (1u << 10)
#define TR_FILT_NOT_MNTNS       (1u << 11)
#define TR_FILT_NOT_PIDNS       (1u << 12)

/* The one-entry settings map, written by the agent at run time. */
struct tr_settings {
        __u32 filter_flags;     /* TR_FILT_* */
        __u32 self_tgid;        /* the agent itself: never traced */
        __u64 wakeup_bytes;     /* wake the consumer only when this much is pending; 0 = always */
        __u32 strarr_max_count; /* argv/envp entries, <= TR_STRARR_MAX_COUNT */
        __u32 flags;            /* TR_SET_* */
        __u64 shed_bytes;       /* shed the records of flooding processes past this much unread; 0 = never */
};
_Static_assert(sizeof(struct tr_settings) == 32, "tr_settings layout");
#define TR_SET_EXEC_ENV         (1u << 0)       /* capture the environment on exec */
#define TR_SET_LDSCAN           (1u << 1)       /* exec: scan the whole environment for LD_PRELOAD= and LD_AUDIT=,
                                                 * and the argv of a program without an interpreter (the loader
                                                 * run directly) for --preload and --audit */
#define TR_SET_LDSCAN_LLP       (1u << 2)       /* ... and LD_LIBRARY_PATH= */
#define TR_SET_RAW_NATIVE       (1u << 3)       /* tr_raw_exit also watches 64-bit syscalls (tr_rawnr) */

/* Per-CPU counters (tr_stats), index = TR_STAT_*. */
enum {
        TR_STAT_LOST = 0,       /* events dropped: ring buffer full, or no memory to save a syscall entry */
        TR_STAT_SUBMITTED = 1,  /* records written */
        TR_STAT_FILTERED = 2,   /* events seen and dropped by an in-kernel filter */
        TR_STAT_PENDING_MISS = 3, /* syscall exits whose entry was not saved (map full or attached midway) */
        TR_STAT_READ_ERR = 4,   /* helper failures while reading arguments */
        TR_STAT_IOU_UNTRACKED = 5, /* watched io_uring requests whose submission could not be kept (table
                                 * full): a completion overflowing the ring is not matched to them,
                                 * a connect is reported without its fd number */
        TR_STAT_IOU_FOREIGN = 6, /* completions of watched io_uring requests run outside the submitting
                                 * process (the kernel's fallback worker): not judged */
        TR_STAT_SHED = 7,       /* records shed from flooding processes (see TR_SHED_*) */
        TR_STAT_MAX = 8,
};

#endif
