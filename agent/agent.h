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
#include "jsonw.h"
#include "pipeline.h"
#include "state.h"
#include "webhook.h"

typedef struct Context {
        sd_event *event;
        sd_bus *bus;
        sd_bus_slot *vtable_slot;
        sd_event_source *status_timer, *sighup;
        Engine *engine;
        Pipeline *pipeline;
        Config *config;
        Webhooks *webhooks;

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
void bus_emit_detection(Context *c, const Finding *f, const char *json);
void bus_emit_changed(Context *c, const char *property);

/* detect.c */
int context_reload(Context *c, char *err, size_t errsz);
int context_set_rule(Context *c, const char *id, bool enabled);
unsigned context_rules_enabled(Context *c);
/* The enabled rules degraded by unwatched 32-bit syscalls (RuleState.degraded). */
unsigned context_rules_degraded(Context *c);
void context_describe_json(Context *c, JsonW *w);
void context_describe_rule_json(Context *c, const RuleState *s, JsonW *w);
