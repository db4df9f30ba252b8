/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Counters, the settings and event tables, and submitting records to the ring buffer.
 */
#ifndef TRACEE_BASE_BPF_H
#define TRACEE_BASE_BPF_H

#include "maps.bpf.h"

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

static __always_inline struct tr_evcfg *evcfg_get(__u32 id)
{
        return bpf_map_lookup_elem(&tr_evcfg, &id);
}

/*
 * Wake the consumer only when this record makes the unread data (avail) cross wakeup_bytes; its
 * 10 ms timer drains the rest. Not on every record past the mark: a consumer that is behind is
 * awake already, and a forced wakeup per record (an irq_work each) would slow every producer down.
 */
static __always_inline __u64 submit_flags(struct tr_settings *s, __u64 avail, __u32 size)
{
        if (!s->wakeup_bytes)
                return 0;
        return avail < s->wakeup_bytes && avail + size + 8 >= s->wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* common.bpf.c: whether the record with header h may go to the ring (1) or is shed (0); under
 * pressure (the ring holds more than shed_bytes) it charges the process's and its uid's buckets.
 * Either way, first reports what the process had shed. */
int tr_shed_admit(struct tr_event_hdr *h, __u32 pressure);

static __always_inline __s64 shed_pending(void)
{
        __u32 zero = 0;
        __s64 *n = bpf_map_lookup_elem(&tr_shedpending, &zero);

        return n ? *n : 0;
}

static __always_inline int output(struct tr_settings *s, void *buf, __u32 size)
{
        __u64 avail = s->wakeup_bytes || s->shed_bytes ? bpf_ringbuf_query(&tr_events, BPF_RB_AVAIL_DATA) : 0;
        __u64 flags = submit_flags(s, avail, size);
        __u64 sz = size;
        __u32 type;
        long r;

        asm volatile("" : "+r"(sz));
        if (sz < sizeof(struct tr_event_hdr) || sz > TR_SCRATCH_SIZE)
                return -1;
        type = ((struct tr_event_hdr *)buf)->type;
        if (s->shed_bytes && type != TR_REC_CGROUP && type != TR_EV_SCHED_PROCESS_EXIT &&
            (avail >= s->shed_bytes || shed_pending() > 0) &&
            !tr_shed_admit((struct tr_event_hdr *)buf, avail >= s->shed_bytes)) {
                stat_inc(TR_STAT_SHED);
                return -1;
        }
        r = bpf_ringbuf_output(&tr_events, buf, sz, flags);
        stat_inc(r ? TR_STAT_LOST : TR_STAT_SUBMITTED);
        return r;
}

#endif
