/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * The bottom layer of the kernel side: kernel headers (vmlinux.h, CO-RE), the wire format, the
 * kernel structure flavors, and the constants the kernel headers would give a module.
 *
 * Layers, bottom up; a header includes only the ones below it:
 *   defs.bpf.h     this file
 *   maps.bpf.h     every map, each with its writer and reader
 *   base.bpf.h     counters, settings, submitting records
 *   ctx.bpf.h      the common event header (pids, namespaces, cgroup, comm) and cgroup records
 *   filter.bpf.h   context filters (pid, comm, uid, namespaces, container)
 *   record.bpf.h   appending arguments to a record: integers, strings, string arrays, sockaddrs
 *   file.bpf.h     what a file is: fd lookup, file classes, fd info, the path walk
 *   terms.bpf.h    per-event predicates, on arguments, return value and file classes
 * and the programs, one file per hook family, on top:
 *   common.bpf.c   the global (verified once) functions the programs share
 *   syscall.bpf.c  per-syscall tracepoints and the raw sys_enter/sys_exit fallback
 *   process.bpf.c  sched_process_fork/exec/exit
 *   iouring.bpf.c  io_uring requests that do what a watched syscall does (io_uring tracepoints)
 */
#ifndef TRACEE_DEFS_BPF_H
#define TRACEE_DEFS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "events.h"
#include "core_fixes.bpf.h"

#define S_IFMT          00170000
#define S_IFSOCK        0140000
#define S_IFREG         0100000
#define S_IFDIR         0040000
#define S_IFIFO         0010000
#define TMPFS_MAGIC     0x01021994
#define RAMFS_MAGIC     0x858458f6
#define HUGETLBFS_MAGIC 0x958458f6
#define PROC_SUPER_MAGIC 0x9fa0
#define AF_UNIX         1
#define AF_INET         2
#define AF_INET6        10
#define VM_READ         0x1
#define VM_WRITE        0x2
#define VM_EXEC         0x4
#define VM_SHARED       0x8
#define FMODE_READ      0x1
#define FMODE_WRITE     0x2
#define AT_FDCWD        -100
#define MNT_NS_INTERNAL ((void *)-22)   /* fs/mount.h: ERR_PTR(-EINVAL), the ns of kern_mount()s */

#define SCRATCH_MASK    (TR_SCRATCH_SIZE - 1)
#define PATHBUF_HALF    TR_PATH_MAX
#define PATH_DEPTH      40
#define ENV_MAX_BYTES   8192
#define FILE_HEAD       128     /* bytes of a struct file read at once (f_mode, f_inode are in them) */

#endif
