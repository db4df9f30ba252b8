/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event pipeline, one direction: ring buffer → decode → enrich (process table, container id,
 * wall clock) → the consumer (trace output or the rule engine). It runs on an sd-event loop that the
 * caller owns, so the agent adds its bus, signals and timers to the same loop.
 */
#pragma once

#include <stdint.h>
#include <systemd/sd-event.h>

#include "bpfload.h"
#include "decode.h"
#include "proctable.h"

typedef struct Pipeline Pipeline;
typedef int (*pipeline_event_fn)(void *userdata, Event *e);

typedef struct PipelineStats {
        uint64_t received;              /* records read from the ring buffer */
        uint64_t events;                /* events handed to the consumer */
        uint64_t malformed;             /* records the decoder refused */
        uint64_t lost;                  /* kernel-side ring-buffer failures (per-CPU counters) */
        uint64_t filtered;              /* dropped by in-kernel predicates */
        uint64_t shed;                  /* shed by the kernel side from flooding processes (per-CPU counters) */
        uint64_t shed_reported;         /* of those, reported per process by TR_REC_SHED records */
        uint64_t cgroups_evicted;       /* cgroup table entries pushed out by newer cgroups */
        uint64_t cgroups_learnt;        /* cgroups the kernel side did not describe (any more), learnt
                                         * from /proc/PID/cgroup */
        uint64_t cgroups_refused;       /* cgroups named like a container, refused: a directory of
                                         * theirs is not root's, or they are under user.slice */
        uint64_t procs_relearnt;        /* table entries of an earlier process with the same pid (its
                                         * exit or the new one's fork lost), learnt again */
} PipelineStats;

/* The processes the kernel side shed events of, since the last detection-gap report. */
#define PIPELINE_SHED_SLOTS 16
typedef struct ShedSlot {
        uint32_t pid, uid;
        uint64_t start_time;
        uint64_t count;
        char comm[16];
        char exe[256];
} ShedSlot;

struct Pipeline {
        sd_event *event;
        sd_event_source *io, *tick, *stats_timer;
        Bpf *bpf;
        ProcTable procs;
        int64_t boot_to_wall;           /* add to CLOCK_BOOTTIME ns to get CLOCK_REALTIME ns */
        char hostname[65];
        pipeline_event_fn on_event;
        void *userdata;
        void (*on_tick)(void *userdata);
        void (*on_drained)(void *userdata);     /* after every drain: flush buffered output here */
        PipelineStats stats;
        uint64_t lost_reported;
        uint64_t shed_logged;           /* stats.shed_reported when the last gap was logged */
        ShedSlot shed[PIPELINE_SHED_SLOTS]; /* the heaviest since then; the rest only counted */
        unsigned n_shed_procs;          /* distinct processes since then (saturating at the slots) */
        uint64_t tick_usec;
        /* The agent's own pid namespace, when it is not the initial one (a container): /proc then
         * numbers processes in it, not by the host pids the kernel side reports. 0 = initial. */
        uint32_t own_pidns;
        /* The cgroup v2 mount ("" if none): cgroup paths from /proc/PID/cgroup are checked there. */
        char cgroot[32];
};

int pipeline_new(sd_event *e, const BpfOptions *o, pipeline_event_fn fn, void *userdata, Pipeline **ret);
Pipeline *pipeline_free(Pipeline *p);
/* Drains the ring buffer now (also done by the loop, on each wakeup and each tick), then calls
 * on_drained. */
int pipeline_drain(Pipeline *p);
int pipeline_get_stats(Pipeline *p, PipelineStats *ret);
/* Logs what the kernel side lost and shed since the last report, if anything (done every 2 s and
 * by the caller at stop). */
void pipeline_report_gaps(Pipeline *p);
/* Seeds the process table from /proc (done by pipeline_new). */
int procfs_seed(ProcTable *t);
