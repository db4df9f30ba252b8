/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The process table: what the agent knows of each live process (parent, comm, executable, the
 * executable that started it, container), kept from the sched_process_{fork,exec,exit} events and
 * seeded from /proc at start. Bounded: at most PROCTABLE_MAX processes; when full, the
 * oldest-inserted entry is evicted (and counted). Pure code, no I/O.
 *
 * exec_by: at an exec, the image the process ran until then becomes its exec_by, and the kernel's
 * file of the new one its exe; a forked child inherits its parent's exe and exec_by. So exec_by
 * names the program that called execve() for the running image (for a service that systemd
 * forked and started, systemd's binary), which a process cannot choose without running that
 * program. Each path carries PATH_F_* flags: cut short (never to be matched against a glob), and
 * seen in a trusted mount namespace (PID 1's or the agent's own: elsewhere, in a mount namespace
 * of its own, a process can make any file appear under any path).
 *
 * Also the cgroup table: cgroup id → container id, from TR_REC_CGROUP records (or, for a cgroup the
 * kernel side described before this table forgot it, from /proc/PID/cgroup: see pipeline.c). A
 * least-recently-used cache of CGTABLE_MAX fixed-size entries (CGTABLE_BYTES in all, allocated at
 * init): a busy host's cgroups push out the ones not seen for longest, never the whole table.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "container.h"
#include "decode.h"

#define PROCTABLE_MAX   16384
#define PROC_EXE_MAX    256
#define ANCESTORS_MAX   5
#define CGTABLE_MAX     4096            /* the kernel side's tr_cgseen holds as many */
#define CGTABLE_BYTES   (CGTABLE_MAX * sizeof(CgEntry))

typedef struct Proc {
        uint32_t pid;
        uint32_t ppid;
        uint32_t uid;
        uint64_t start_time;            /* the kernel's task start_time (CLOCK_MONOTONIC ns); 0 =
                                         * unknown (seeded from /proc) */
        uint64_t start_ticks;           /* seeded from /proc: its starttime (clock ticks since
                                         * boot, CLOCK_BOOTTIME), until start_time is known */
        uint64_t cgroup_id;
        char comm[16];
        char exe[PROC_EXE_MAX];         /* "" = unknown */
        char exec_by[PROC_EXE_MAX];     /* "" = unknown */
        uint8_t exe_flags;              /* PATH_F_* */
        uint8_t exec_by_flags;
        uint8_t flags;                  /* PROC_F_* (decode.h) */
        uint32_t fork_uid;              /* real uid of the process that forked it (PROC_F_FORK_SEEN) */
        uint64_t stdio_sock;            /* inode of the inet socket with a peer its image was exec'd
                                         * on (fds 0-2), 0 for none; a forked child has the parent's */
        uint64_t parent_stdio_sock;     /* the parent's stdio_sock when it forked this process */
        /* private */
        int32_t next;
        int32_t older, newer;           /* insertion order, for eviction */
} Proc;

/* CgEntry.flags */
enum {
        CG_E_UNTRUSTED  = 1 << 0,       /* the kernel side found a directory of its chain that is not
                                         * root's (TR_CGREC_F_UNTRUSTED): never a container */
        CG_E_CHECKED    = 1 << 1,       /* its path was checked (pipeline.c cgroup_judge_path()), or
                                         * there is nothing to check: no container id */
        CG_E_UNRESOLVED = 1 << 2,       /* not learnt (the process was gone): ask again after retry_ns */
};

typedef struct CgEntry {
        uint64_t id;
        uint64_t retry_ns;              /* CG_E_UNRESOLVED: boot-time ns after which to ask again */
        int32_t next;                   /* hash chain */
        int32_t older, newer;           /* use order, for eviction */
        uint8_t flags;                  /* CG_E_* */
        char container_id[CONTAINER_ID_MAX + 1];
} CgEntry;

typedef struct ProcTable {
        int32_t buckets[4096];
        Proc *procs;                    /* PROCTABLE_MAX */
        int32_t free_head;
        int32_t oldest, newest;
        unsigned count;
        uint64_t evicted;

        int32_t cg_buckets[1024];
        CgEntry *cgs;                   /* CGTABLE_MAX */
        unsigned cg_count;
        int32_t cg_free;                /* the next entry never used (-1: all are in use) */
        int32_t cg_oldest, cg_newest;   /* least and most recently used */
        uint64_t cg_evicted;            /* entries pushed out by newer cgroups */

        uint32_t trusted_mntns[2];      /* mount namespace inode numbers; 0 = none */
} ProcTable;

int proctable_init(ProcTable *t);
void proctable_done(ProcTable *t);

Proc *proctable_get(ProcTable *t, uint32_t pid);
/* Returns the entry for pid, creating it (evicting the oldest if full). Never NULL after a
 * successful init. */
Proc *proctable_upsert(ProcTable *t, uint32_t pid);
void proctable_remove(ProcTable *t, uint32_t pid);

/* The mount namespaces whose paths are trusted (PID 1's and the agent's own; 0 = none). */
void proctable_set_trusted_mntns(ProcTable *t, uint32_t a, uint32_t b);
bool proctable_mntns_trusted(const ProcTable *t, uint32_t mntns);

/* Sets p's exe from len bytes of path (no NUL needed): PATH_F_TRUNCATED if truncated is set, if it
 * does not fit in PROC_EXE_MAX - 1 bytes or holds a NUL; PATH_F_TRUSTED_NS if trusted. */
void proc_set_exe(Proc *p, const char *path, size_t len, bool truncated, bool trusted);

/* Keeps the table up to date with a sched_process_fork event (the child, with its parent's exe and
 * exec_by) or a sched_process_exec event (exe and exec_by, comm, parent, uid); other events are
 * left alone. */
void proctable_track(ProcTable *t, const Event *e);

/* Ancestors of pid, nearest first, at most max (<= ANCESTORS_MAX); stops at pid 0/1 or a loop. */
unsigned proctable_ancestors(ProcTable *t, uint32_t pid, const Proc **ret, unsigned max);

/* Sets a cgroup's container id ("" or NULL: not a container) and CG_E_* flags, making it the most
 * recently used; when the table is full the least recently used entry makes room (counted in
 * cg_evicted). Returns the entry. */
CgEntry *cgtable_set(ProcTable *t, uint64_t id, const char *container_id, uint8_t flags);
/* A cgroup's entry, made the most recently used; NULL if unknown. */
CgEntry *cgtable_lookup(ProcTable *t, uint64_t id);
/* The container id for a cgroup, "" if it is not a container, NULL if unknown or unresolved. */
const char *cgtable_get(ProcTable *t, uint64_t id);
