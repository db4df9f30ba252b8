/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The process table: what the agent knows of each live process (parent, comm, executable,
 * container), kept from the sched_process_{fork,exec,exit} events and seeded from /proc at start.
 * Bounded: at most PROCTABLE_MAX processes; when full, the oldest-inserted entry is evicted (and
 * counted). Pure code, no I/O.
 *
 * Also the cgroup table: cgroup id → container id, from TR_REC_CGROUP records.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "container.h"

#define PROCTABLE_MAX   16384
#define PROC_EXE_MAX    256
#define ANCESTORS_MAX   5
#define CGTABLE_MAX     4096

typedef struct Proc {
        uint32_t pid;
        uint32_t ppid;
        uint32_t uid;
        uint64_t start_time;            /* 0 = unknown (seeded from /proc) */
        uint64_t cgroup_id;
        char comm[16];
        char exe[PROC_EXE_MAX];
        /* private */
        int32_t next;
        int32_t older, newer;           /* insertion order, for eviction */
} Proc;

typedef struct CgEntry {
        uint64_t id;
        int32_t next;
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
} ProcTable;

int proctable_init(ProcTable *t);
void proctable_done(ProcTable *t);

Proc *proctable_get(ProcTable *t, uint32_t pid);
/* Returns the entry for pid, creating it (evicting the oldest if full). Never NULL after a
 * successful init. */
Proc *proctable_upsert(ProcTable *t, uint32_t pid);
void proctable_remove(ProcTable *t, uint32_t pid);

/* Ancestors of pid, nearest first, at most max (<= ANCESTORS_MAX); stops at pid 0/1 or a loop. */
unsigned proctable_ancestors(ProcTable *t, uint32_t pid, const Proc **ret, unsigned max);

void cgtable_set(ProcTable *t, uint64_t id, const char *container_id);
/* The container id for a cgroup, "" if it is not a container, NULL if unknown. */
const char *cgtable_get(ProcTable *t, uint64_t id);
