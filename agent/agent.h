/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The agent's one Context: it owns the event loop, the bus, the BPF pipeline, the rule engine and
 * the configuration, and is torn down by context_done().
 */
#pragma once

#include <limits.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "compat.h"
#include "config.h"
#include "engine.h"
#include "fold.h"
#include "journal.h"
#include "jsonw.h"
#include "pipeline.h"
#include "state.h"
#include "webhook.h"

/*
 * Detection signals wait in sd-bus's write queue while the bus daemon does not read them (after the
 * socket's send buffer, which sd-bus raises to 8 MiB): past this many queued messages, signals are
 * dropped and counted rather than queued. A signal carries one finding JSON (at most
 * JOURNAL_DETECTION_MAX bytes, a few KiB as a rule; sd-bus holds about 6 KiB per such message), so
 * the queue stays under 64 × 256 KiB = 16 MiB; method replies and PropertiesChanged are always
 * queued.
 */
#define BUS_WQUEUE_MAX 64

typedef struct Context {
        sd_event *event;
        sd_bus *bus;
        sd_bus_slot *vtable_slot;
        sd_event_source *status_timer, *sighup;
        Engine *engine;
        Pipeline *pipeline;
        Config *config;
        Webhooks *webhooks;
        Fold *fold;                     /* folding and rate limits in front of the sinks */
        bool fold_logged;               /* the totals went to the journal at stop */
        JournalQueue *journal_queue;    /* the journal writer (journal.h), while the agent runs */

        /* command line: each overrides the configuration file when set */
        const char *arg_config;         /* --config: must exist */
        const char *arg_rules;
        const char *arg_exceptions;
        int arg_output;                 /* StdoutMode, -1 = from the config */
        int arg_journal;                /* -1 = from the config */
        const char *arg_btf_file;
        uint64_t arg_ringbuf_size;
        bool arg_ld_library_path;
        bool arg_raw_fallback;
        int arg_compat_syscalls;        /* -1 = from the config */

        StdoutMode out;
        bool journal;                   /* send findings to the journal */
        bool journal_warned;
        uint64_t bus_signals_sent, bus_signals_dropped;  /* Detection signals (bus.c) */
        uint64_t bus_signals_unreported;                 /* dropped since one was last sent */
        char state_path[PATH_MAX];
        State state;

        CompatProbe ia32;               /* does this kernel take 32-bit syscalls (at start) */
        bool compat_watch;              /* compat_syscalls as the agent started with it */
        /* the StartupKey settings of the configuration the agent started with (config_startup_value()),
         * and which of them a reload has changed since (1 << StartupKey): RestartNeeded */
        char startup_values[_STARTUP_KEY_MAX][256];
        uint32_t restart_needed;

        const char *status;             /* "starting", "running", "reloading", "stopping" */
        uint64_t started_at_usec;
        uint64_t findings;
        uint64_t last_events, last_status_usec;
        double events_per_sec;
        bool detections_changed;
        JsonW w;
} Context;

/* bus.c */
int bus_setup(Context *c);
/* json: the whole finding, for root's subscribers; everyone else is sent its redacted form */
void bus_emit_detection(Context *c, const Finding *f, const char *json);
/* Forgets the subscribers and closes the connection. */
void bus_done(Context *c);
void bus_emit_changed(Context *c, const char *property);

/* detect.c */
int context_reload(Context *c, char *err, size_t errsz);
int context_set_rule(Context *c, const char *id, bool enabled);
unsigned context_rules_enabled(Context *c);
/* The enabled rules degraded by unwatched 32-bit syscalls (RuleState.degraded). */
unsigned context_rules_degraded(Context *c);
/* full: for root; others get the exceptions as counts and webhook URLs as scheme://host[:port] */
void context_describe_json(Context *c, JsonW *w, bool full);
void context_describe_rule_json(Context *c, const RuleState *s, JsonW *w, bool full);
