/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The BPF loader: opens the embedded object (or the one named by TRACEE_BPF_FILE), loads it against
 * the running kernel's BTF (or an external BTF file), writes the capture table from the catalogue,
 * attaches exactly the syscall tracepoints that the wanted events need (and detaches the rest, at
 * run time), the io_uring tracepoints while a wanted event has an io_uring road (where the kernel
 * has them: otherwise a warning), and hands ring-buffer records to a callback.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "../bpf/events.h"

typedef struct Bpf Bpf;

typedef struct BpfOptions {
        const char *bpf_object;         /* path of a prebuilt object; NULL = the embedded one */
        const char *btf_file;           /* external vmlinux BTF; NULL = /sys/kernel/btf/vmlinux */
        uint64_t ringbuf_size;          /* bytes, power of two >= page size; 0 = default */
        uint64_t wakeup_bytes;          /* 0 = default batching */
        bool exec_env;                  /* capture the environment on exec */
        bool raw_fallback;              /* watch syscalls without their own tracepoint through raw
                                         * sys_enter/sys_exit (costs every syscall ~40 ns) */
        bool shed;                      /* shed the records of flooding processes when the ring is
                                         * 1/16 full (events.h, TR_SHED_*), reported as TR_REC_SHED */
        bool compat_syscalls;           /* watch 32-bit syscalls through raw sys_exit (the same program
                                         * as the fallback's; costs every syscall, see bench/README.md) */
        int (*on_record)(void *userdata, const void *rec, size_t len);
        void *userdata;
} BpfOptions;

/* What the rules or the trace command want of one event. */
typedef struct EventWant {
        bool on;
        struct tr_evcfg cfg;            /* flags and predicates; TR_EVCFG_ON is set by the loader */
} EventWant;

typedef struct KernelFilter {
        uint32_t flags;                 /* TR_FILT_* */
        uint32_t pids[64];
        unsigned n_pids;
        uint32_t uids[64];
        unsigned n_uids;
        char comms[64][TR_COMM_LEN];
        unsigned n_comms;
        uint32_t mntns[64];
        unsigned n_mntns;
        uint32_t pidns[64];
        unsigned n_pidns;
} KernelFilter;

typedef struct BpfStats {
        uint64_t lost;
        uint64_t submitted;
        uint64_t filtered;
        uint64_t pending_miss;
        uint64_t read_err;
        uint64_t iou_untracked;         /* io_uring requests not remembered at submission (TR_STAT_IOU_UNTRACKED) */
        uint64_t iou_foreign;           /* io_uring completions run outside their process (TR_STAT_IOU_FOREIGN) */
        uint64_t shed;                  /* records shed from flooding processes (TR_STAT_SHED) */
} BpfStats;

int bpf_new(const BpfOptions *o, Bpf **ret);
Bpf *bpf_free(Bpf *b);

/*
 * Sets the wanted events: wants[] is indexed by event id (TR_MAX_EVENT_ID entries). Attaches the
 * tracepoints newly needed, detaches those no longer needed, and updates the in-kernel predicates.
 * An event whose tracepoint this kernel lacks is watched through the raw sys_enter/sys_exit
 * fallback when BpfOptions.raw_fallback is set; otherwise it is reported through ret_unavailable
 * (ids, up to max) and skipped; that is not an error. With BpfOptions.compat_syscalls, the 32-bit
 * syscalls that do what a watched event does are watched too (raw sys_exit, attached while any is).
 */
int bpf_set_events(Bpf *b, const EventWant *wants, uint32_t *ret_unavailable, unsigned max,
                   unsigned *ret_n_unavailable);
/* Does this kernel have the tracepoints for this syscall event? */
bool bpf_event_available(const char *tracepoint);

int bpf_set_filter(Bpf *b, const KernelFilter *f);
/* When the kernel side counts processes with shed records not yet reported, recounts them from its
 * table: a process the table evicted, or whose report found no room at its exit, is not waited for. */
void bpf_shed_recount(Bpf *b);
/* What tr_evcfg.retwant must be for cfg's terms (the loader sets it whenever it writes one). */
uint64_t evcfg_retwant(const struct tr_evcfg *cfg);
/* The names TR_OP_BASENAME predicates look for (NUL-padded, n of them); replaces the previous set. */
int bpf_set_names(Bpf *b, const char (*names)[TR_NAME_MAX], unsigned n);
/* Whether exec events capture the environment (a rule may need it). */
int bpf_set_exec_env(Bpf *b, bool on);
/* What exec events search the environment and argv for (TR_SET_LDSCAN, TR_SET_LDSCAN_LLP). */
int bpf_set_exec_scan(Bpf *b, uint32_t flags);
int bpf_epoll_fd(Bpf *b);
/* Consumes everything pending; returns records consumed or a negative errno. */
int bpf_consume(Bpf *b);
int bpf_get_stats(Bpf *b, BpfStats *ret);
unsigned bpf_attached_count(Bpf *b);
/* How many ia32 syscalls the compat watch translates now (0: not attached). */
unsigned bpf_compat_watched(Bpf *b);
/* Makes sure tracefs is mounted (libbpf resolves tracepoint ids through it). */
int tracefs_ensure(void);
