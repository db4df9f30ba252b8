/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal sink: each finding becomes one journal entry with structured TRACEE_* fields, so that
 * `journalctl TRACEE_RULE_ID=TRC-2` finds it, and a MESSAGE_ID with a catalog entry.
 *
 * The journal writer: sd_journal_sendv() blocks while journald's socket is full (a stopped or busy
 * journald: the kernel queues only net.unix.max_dgram_qlen datagrams), and the event loop must not
 * wait on it (ring buffer, watchdog, D-Bus). So every entry of the agent, findings and its own
 * messages alike, is copied into a FIFO bounded in bytes, the entry being sent included, and a
 * thread of its own sends them in order. When an entry does not fit, the oldest waiting ones are
 * dropped (a flood that came first does not push out what came last) and counted; once journald
 * takes an entry again, the writer says how many were dropped, in one entry (MESSAGE_ID
 * TRACEE_MESSAGE_JOURNAL_DROPPED, TRACEE_JOURNAL_DROPPED=N).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "engine.h"
#include "fold.h"

#define JOURNAL_DETECTION_MAX (256 * 1024)

/* Is a journald listening here? sd_journal_send() succeeds silently when none is. */
bool journal_available(void);

typedef struct JournalQueue JournalQueue;

typedef struct JournalQueueStats {
        uint64_t sent;                  /* entries journald took */
        uint64_t dropped;               /* entries dropped because the queue was full */
        uint64_t unreported;            /* dropped since journald last took an entry */
        uint64_t failed;                /* entries sd_journal_sendv() refused (no journald, too big) */
        uint64_t queued;                /* entries waiting, the one being sent included */
        uint64_t queued_bytes;          /* their memory */
        uint64_t max_bytes;             /* the bound */
        uint64_t stalled_usec;          /* how long the entry being sent has waited for journald, 0 = none */
        int last_error;                 /* negative errno of the last refused entry, 0 = none */
} JournalQueueStats;

/* A send waiting this long means journald is not accepting: "stalled" in Describe(). */
#define JOURNAL_STALLED_USEC (1000 * 1000ULL)

/* Starts the writer thread. Fails only if the thread cannot be started. */
int journal_queue_new(uint64_t max_bytes, JournalQueue **ret);
/* Sends what is queued, waiting at most timeout_usec for journald; what is left is dropped (said
 * on stderr) and the thread, if stuck in a send, is left to the process's exit. Accepts NULL. */
JournalQueue *journal_queue_free(JournalQueue *q, uint64_t timeout_usec);
void journal_queue_set_max_bytes(JournalQueue *q, uint64_t max_bytes);
/* Queues one entry (copied). Never blocks. Returns 0, or -ENOBUFS when it was dropped (counted). */
int journal_queue_sendv(JournalQueue *q, const struct iovec *iov, unsigned n);
void journal_queue_get_stats(JournalQueue *q, JournalQueueStats *ret);

/* One finding, through q (or sd_journal_sendv() itself when q is NULL). */
int journal_send_finding(JournalQueue *q, const Finding *f, const char *finding_json);
/* A summary of folded or rate-limited findings (fold.h): the finding's fields, MESSAGE_ID
 * TRACEE_MESSAGE_FOLDED, and TRACEE_FOLDED (how many), TRACEE_FOLDED_BY (process, executable,
 * rateLimit); through q like a finding. */
int journal_send_fold_summary(JournalQueue *q, const Finding *f, const FoldSummary *s, const char *finding_json);
int severity_to_priority(Severity s);
