/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See journal.h. Values from traced processes (comm, executable) are made visible-safe with
 * str_escape_terminal() before they become fields; the finding JSON is already escaped.
 *
 * The writer thread shares only the JournalQueue with the event loop, under its mutex, which is
 * never held across a send: the event loop waits at most for a list operation. libsystemd's
 * journal socket is set up once, atomically, and sd_journal_sendv() is safe from any thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include "bus-api.h"
#include "finding.h"
#include "journal.h"
#include "strutil.h"

bool journal_available(void)
{
        struct stat st;

        return stat("/run/systemd/journal/socket", &st) == 0 && S_ISSOCK(st.st_mode);
}

int severity_to_priority(Severity s)
{
        switch (s) {
        case SEVERITY_CRITICAL:
                return LOG_CRIT;
        case SEVERITY_HIGH:
                return LOG_ERR;
        case SEVERITY_MEDIUM:
                return LOG_WARNING;
        case SEVERITY_LOW:
                return LOG_NOTICE;
        default:
                return LOG_INFO;
        }
}

#define NFIELDS 19

static int send_finding(JournalQueue *q, const Finding *f, const char *json, const FoldSummary *s)
{
        const Event *e = f->event;
        static char fields[NFIELDS][2048];
        static char det[JOURNAL_DETECTION_MAX];
        char msg[2048], comm[80], exe[1200], exec_by[1200];
        struct iovec iov[NFIELDS + 1];
        unsigned n = 0;

        finding_message(f, msg, sizeof(msg));
        str_escape_terminal(e->h.comm, strnlen(e->h.comm, sizeof(e->h.comm)), comm, sizeof(comm));
        str_escape_terminal(e->exe ? e->exe : "", e->exe ? strlen(e->exe) : 0, exe, sizeof(exe));
        str_escape_terminal(e->exec_by ? e->exec_by : "", e->exec_by ? strlen(e->exec_by) : 0, exec_by,
                            sizeof(exec_by));

#define F(...) do { \
                int _l = snprintf(fields[n], sizeof(fields[n]), __VA_ARGS__); \
                iov[n].iov_base = fields[n]; \
                iov[n].iov_len = _l < 0 ? 0 : (size_t) _l >= sizeof(fields[n]) ? sizeof(fields[n]) - 1 : (size_t) _l; \
                n++; \
        } while (0)
        F("MESSAGE=%s", msg);
        F("PRIORITY=%d", severity_to_priority(f->rule->severity));
        F("SYSLOG_IDENTIFIER=tracee");
        F("MESSAGE_ID=%s", s ? TRACEE_MESSAGE_FOLDED : TRACEE_MESSAGE_DETECTION);
        if (s) {
                F("TRACEE_FOLDED=%llu", (unsigned long long) s->count);
                F("TRACEE_FOLDED_BY=%s", fold_kind_to_string(s->kind));
        }
        F("TRACEE_RULE_ID=%s", f->rule->id);
        F("TRACEE_RULE_NAME=%s", f->rule->name);
        F("TRACEE_SEVERITY=%s", severity_to_string(f->rule->severity));
        F("TRACEE_MITRE_TECHNIQUE=%s", f->rule->mitre_id);
        F("TRACEE_PID=%u", e->h.pid);
        F("TRACEE_PPID=%u", e->h.ppid);
        F("TRACEE_UID=%u", e->h.uid);
        F("TRACEE_COMM=%s", comm);
        F("TRACEE_EXE=%s", exe);
        F("TRACEE_EXEC_BY=%s", exec_by);
        F("TRACEE_CONTAINER_ID=%s", e->container_id ? e->container_id : "");
#undef F
        {
                int l = snprintf(det, sizeof(det), "TRACEE_DETECTION=%s", json);

                iov[n].iov_base = det;
                iov[n].iov_len = l < 0 ? 0 : (size_t) l >= sizeof(det) ? sizeof(det) - 1 : (size_t) l;
                n++;
        }
        if (q)
                return journal_queue_sendv(q, iov, n);
        return sd_journal_sendv(iov, (int) n);
}

int journal_send_finding(JournalQueue *q, const Finding *f, const char *json)
{
        return send_finding(q, f, json, NULL);
}

int journal_send_fold_summary(JournalQueue *q, const Finding *f, const FoldSummary *s, const char *json)
{
        return send_finding(q, f, json, s);
}

/* ---------------------------------------------------------------------------------------------- */
/* the writer */

/* One entry: its iovecs point into the same allocation, right after them. */
typedef struct JEntry {
        struct JEntry *next;
        size_t size;                    /* what it costs, counted against the bound */
        unsigned n;
        struct iovec iov[];
} JEntry;

struct JournalQueue {
        pthread_mutex_t lock;
        pthread_cond_t wake;            /* the writer: an entry came, or stop */
        pthread_cond_t idle;            /* journal_queue_free(): the writer finished */
        pthread_t thread;
        JEntry *head, *tail;            /* waiting */
        JEntry *sending;                /* taken by the writer, in sd_journal_sendv() */
        uint64_t sending_since;         /* CLOCK_MONOTONIC µs */
        uint64_t n_queued, bytes, max_bytes;
        uint64_t sent, dropped, failed;
        uint64_t dropped_unreported;    /* since journald last took an entry */
        int last_error;
        bool stopping, finished;
};

static uint64_t mono_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

/* Says once that entries were dropped, from the writer, after journald took an entry again. */
static int writer_report_dropped(uint64_t n)
{
        char msg[200], num[32];
        struct iovec iov[5];
        unsigned k = 0;

        snprintf(msg, sizeof(msg), "MESSAGE=%" PRIu64 " journal entries dropped while journald was not "
                 "accepting (the agent's queue was full); see traceectl status", n);
        snprintf(num, sizeof(num), "TRACEE_JOURNAL_DROPPED=%" PRIu64, n);
        iov[k++] = (struct iovec) { msg, strlen(msg) };
        iov[k++] = (struct iovec) { (char *) "PRIORITY=4", 10 };
        iov[k++] = (struct iovec) { (char *) "SYSLOG_IDENTIFIER=tracee", 24 };
        iov[k++] = (struct iovec) { (char *) "MESSAGE_ID=" TRACEE_MESSAGE_JOURNAL_DROPPED,
                                    strlen("MESSAGE_ID=" TRACEE_MESSAGE_JOURNAL_DROPPED) };
        iov[k++] = (struct iovec) { num, strlen(num) };
        return sd_journal_sendv(iov, (int) k);
}

static void *writer_main(void *userdata)
{
        JournalQueue *q = userdata;

        pthread_mutex_lock(&q->lock);
        for (;;) {
                JEntry *e;
                uint64_t report = 0;
                int r;

                while (!q->head && !q->stopping)
                        pthread_cond_wait(&q->wake, &q->lock);
                if (!q->head)
                        break;
                e = q->head;
                q->head = e->next;
                if (!q->head)
                        q->tail = NULL;
                q->sending = e;
                q->sending_since = mono_usec();
                pthread_mutex_unlock(&q->lock);

                r = sd_journal_sendv(e->iov, (int) e->n);

                pthread_mutex_lock(&q->lock);
                q->sending = NULL;
                q->n_queued--;
                q->bytes -= e->size;
                if (r >= 0) {
                        q->sent++;
                        report = q->dropped_unreported;
                        q->dropped_unreported = 0;
                } else {
                        q->failed++;
                        q->last_error = r;
                }
                pthread_mutex_unlock(&q->lock);
                free(e);
                if (report && writer_report_dropped(report) < 0) {
                        /* not said: say it with the next entry journald takes */
                        pthread_mutex_lock(&q->lock);
                        q->dropped_unreported += report;
                        pthread_mutex_unlock(&q->lock);
                }
                pthread_mutex_lock(&q->lock);
        }
        q->finished = true;
        pthread_cond_broadcast(&q->idle);
        pthread_mutex_unlock(&q->lock);
        return NULL;
}

int journal_queue_new(uint64_t max_bytes, JournalQueue **ret)
{
        JournalQueue *q = calloc(1, sizeof(*q));
        pthread_condattr_t ca;
        sigset_t all, old;
        int r;

        if (!q)
                return -ENOMEM;
        q->max_bytes = max_bytes;
        pthread_mutex_init(&q->lock, NULL);
        pthread_cond_init(&q->wake, NULL);
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&q->idle, &ca);
        pthread_condattr_destroy(&ca);
        /* the event loop takes the signals (signalfd): the writer gets none of them */
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        r = -pthread_create(&q->thread, NULL, writer_main, q);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (r < 0) {
                pthread_cond_destroy(&q->wake);
                pthread_cond_destroy(&q->idle);
                pthread_mutex_destroy(&q->lock);
                free(q);
                return r;
        }
        *ret = q;
        return 0;
}

/* The writer may still be in a send when the agent stops: it and its queue are left to the exit. */
static JournalQueue *abandoned;

JournalQueue *journal_queue_free(JournalQueue *q, uint64_t timeout_usec)
{
        struct timespec until;
        uint64_t left = 0, dropped = 0;
        bool finished;

        if (!q)
                return NULL;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += (time_t) (timeout_usec / 1000000ULL);
        until.tv_nsec += (long) (timeout_usec % 1000000ULL) * 1000;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&q->lock);
        q->stopping = true;
        pthread_cond_signal(&q->wake);
        while (!q->finished)
                if (pthread_cond_timedwait(&q->idle, &q->lock, &until) == ETIMEDOUT)
                        break;
        finished = q->finished;
        if (!finished) {
                /* what the writer has not taken yet is dropped; it stops after the send it is in */
                while (q->head) {
                        JEntry *e = q->head;

                        q->head = e->next;
                        q->n_queued--;
                        q->bytes -= e->size;
                        q->dropped++;
                        free(e);
                }
                q->tail = NULL;
                left = q->n_queued;
                dropped = q->dropped;
        }
        pthread_mutex_unlock(&q->lock);
        if (!finished) {
                /* not through the log: that would be the journal again */
                fprintf(stderr, "tracee: journald did not take the last entries within %" PRIu64 " ms of the "
                        "stop: %" PRIu64 " journal entries dropped in all, %" PRIu64 " still being sent\n",
                        timeout_usec / 1000, dropped, left);
                pthread_detach(q->thread);
                abandoned = q;
                return NULL;
        }
        pthread_join(q->thread, NULL);
        pthread_cond_destroy(&q->wake);
        pthread_cond_destroy(&q->idle);
        pthread_mutex_destroy(&q->lock);
        free(q);
        return NULL;
}

void journal_queue_set_max_bytes(JournalQueue *q, uint64_t max_bytes)
{
        if (!q)
                return;
        pthread_mutex_lock(&q->lock);
        q->max_bytes = max_bytes;
        pthread_mutex_unlock(&q->lock);
}

int journal_queue_sendv(JournalQueue *q, const struct iovec *iov, unsigned n)
{
        size_t size = sizeof(JEntry) + (size_t) n * sizeof(struct iovec);
        JEntry *e;
        char *p;

        for (unsigned i = 0; i < n; i++)
                size += iov[i].iov_len;

        pthread_mutex_lock(&q->lock);
        /* make room: the oldest waiting entries go first */
        while (q->head && q->bytes + size > q->max_bytes) {
                JEntry *old = q->head;

                q->head = old->next;
                if (!q->head)
                        q->tail = NULL;
                q->n_queued--;
                q->bytes -= old->size;
                q->dropped++;
                q->dropped_unreported++;
                free(old);
        }
        if (q->bytes + size > q->max_bytes) {
                /* larger than the room left beside the entry being sent */
                q->dropped++;
                q->dropped_unreported++;
                pthread_mutex_unlock(&q->lock);
                return -ENOBUFS;
        }
        pthread_mutex_unlock(&q->lock);

        e = malloc(size);
        if (!e) {
                pthread_mutex_lock(&q->lock);
                q->dropped++;
                q->dropped_unreported++;
                pthread_mutex_unlock(&q->lock);
                return -ENOBUFS;
        }
        e->next = NULL;
        e->size = size;
        e->n = n;
        p = (char *) &e->iov[n];
        for (unsigned i = 0; i < n; i++) {
                memcpy(p, iov[i].iov_base, iov[i].iov_len);
                e->iov[i] = (struct iovec) { p, iov[i].iov_len };
                p += iov[i].iov_len;
        }

        pthread_mutex_lock(&q->lock);
        /* only this thread adds: the room made above is still there, or more */
        if (q->tail)
                q->tail->next = e;
        else
                q->head = e;
        q->tail = e;
        q->n_queued++;
        q->bytes += size;
        pthread_cond_signal(&q->wake);
        pthread_mutex_unlock(&q->lock);
        return 0;
}

void journal_queue_get_stats(JournalQueue *q, JournalQueueStats *ret)
{
        *ret = (JournalQueueStats) {};
        if (!q)
                return;
        pthread_mutex_lock(&q->lock);
        ret->sent = q->sent;
        ret->dropped = q->dropped;
        ret->unreported = q->dropped_unreported;
        ret->failed = q->failed;
        ret->queued = q->n_queued;
        ret->queued_bytes = q->bytes;
        ret->max_bytes = q->max_bytes;
        ret->last_error = q->last_error;
        if (q->sending) {
                uint64_t now = mono_usec();

                ret->stalled_usec = now > q->sending_since ? now - q->sending_since : 0;
        }
        pthread_mutex_unlock(&q->lock);
}
