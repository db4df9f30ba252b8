/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The detection engine. A rule is one file (agent/rules/) holding a `const Rule`: its metadata, the
 * events it needs (with in-kernel predicates, so benign calls never leave the kernel) and a match
 * function that sees decoded, enriched events and emits findings. A rule never touches BPF, the bus
 * or the journal.
 *
 * The engine keeps which rules are enabled, computes the events (and predicates) the kernel side
 * must collect for exactly those rules, hands each event only to the rules that asked for it,
 * applies per-rule exceptions, and passes findings to one sink callback.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "bpfload.h"
#include "decode.h"
#include "exception.h"
#include "proctable.h"

typedef enum Severity {
        SEVERITY_INFO = 0,
        SEVERITY_LOW = 1,
        SEVERITY_MEDIUM = 2,
        SEVERITY_HIGH = 3,
        SEVERITY_CRITICAL = 4,
        _SEVERITY_MAX,
        _SEVERITY_INVALID = -EINVAL,
} Severity;

const char *severity_to_string(Severity s);
Severity severity_from_string(const char *s);

#define RULE_MAX_NEEDS 16
#define RULE_MAX_TAGS 6
#define FINDING_MAX_DATA 8
#define FINDING_VALUE_MAX 1024
#define RULE_MAX_DEFAULT_EXCEPTIONS 24

/*
 * One event a rule needs, and which instances of it: the terms are groups ORed, each group a run of
 * terms ANDed (TR_TERM_AND on every term of the group but its last); none = every instance. They
 * run in the kernel at the syscall's exit (bpf/terms.bpf.h), on the arguments at their C width, the
 * return value and the classes of the files involved (TR_FIELD_*).
 */
typedef struct RuleNeed {
        const char *event;
        unsigned nterms;
        struct tr_term terms[TR_MAX_TERMS];
} RuleNeed;

/* Term helpers for the rules' need tables. */
#define TERM(f, o, m, v)        { .field = (f), .op = (o), .mask = (m), .value = (v) }
#define TERM_AND(f, o, m, v)    { .field = (f), .op = (o), .flags = TR_TERM_AND, .mask = (m), .value = (v) }
/* (x & bits) == bits */
#define HAS(f, bits)            TERM(f, TR_OP_MASK_EQ, (bits), (bits))
#define HAS_AND(f, bits)        TERM_AND(f, TR_OP_MASK_EQ, (bits), (bits))
#define RULE_MAX_NAMES 4

typedef enum DataKind {
        DATA_STR,
        DATA_INT,
} DataKind;

typedef struct FindingData {
        const char *key;
        DataKind kind;
        int64_t i;
        char s[FINDING_VALUE_MAX];
} FindingData;

typedef struct Rule Rule;

typedef struct Finding {
        const Rule *rule;
        const Event *event;
        unsigned ndata;
        FindingData data[FINDING_MAX_DATA];
        /* what the process did, for a person: "duplicated a socket connected to 10.0.0.1:4444 onto fd 0" */
        char summary[512];
        /* filled by the engine */
        const Proc *ancestors[ANCESTORS_MAX];
        unsigned nancestors;
} Finding;

typedef struct RuleOptions {
        bool ld_library_path;           /* TRC-7: LD_LIBRARY_PATH counts too */
} RuleOptions;

struct Rule {
        const char *id;                 /* "TRC-2" */
        const char *name;
        const char *description;
        Severity severity;
        const char *mitre_tactic;
        const char *mitre_technique;
        const char *mitre_id;
        const char *tags[RULE_MAX_TAGS];        /* NULL-terminated */
        unsigned nneeds;
        RuleNeed needs[RULE_MAX_NEEDS];
        /* the names TR_OP_BASENAME terms look for (tr_names), NULL-terminated */
        const char *watch_names[RULE_MAX_NAMES];
        bool needs_exec_env;
        /* exec must search the environment and argv for the loader's variables and options
         * (TR_SET_LDSCAN; with RuleOptions.ld_library_path, LD_LIBRARY_PATH= too) */
        bool needs_ld_scan;
        /* Returns true and fills f (f->summary and data) when the event is a finding. */
        bool (*match)(const Event *e, const RuleOptions *o, Finding *f);
        /*
         * Default exceptions, each a combined exception in the syntax of exception.h, NULL-terminated:
         * benign programs that match() cannot tell apart, recognised by what a process cannot choose
         * (the program that exec'd it, its parent). Listed by tracee --list and DescribeRule();
         * `default_exceptions = no` in the rule's [rule] section turns them off.
         */
        const char *default_exceptions[RULE_MAX_DEFAULT_EXCEPTIONS + 1];
};

void finding_add_str(Finding *f, const char *key, const char *s);
void finding_add_strn(Finding *f, const char *key, const char *s, size_t n);
void finding_add_int(Finding *f, const char *key, int64_t v);

/* All rules, in ID order. */
const Rule *const *rules_all(size_t *ret_n);
const Rule *rule_by_id(const char *id);
/* The closest rule ID to id, for "did you mean"; NULL if none is close. */
const char *rule_closest_id(const char *id);

#define EXCEPTIONS_MAX 32
#define EXCEPTIONS_COMBINED_MAX 16

/*
 * A rule's configured exceptions: any one that holds drops the finding. The single-condition lists
 * (exception_exe, exception_comm, exception_uid, exception_container) and the combined ones
 * (`exception =`, every condition at once). exe globs are path globs (path_glob_match()), and never
 * match an executable path that is unknown or was cut short.
 */
typedef struct RuleException {
        char exe_glob[EXCEPTIONS_MAX][256];
        unsigned n_exe;
        char comm[EXCEPTIONS_MAX][16];
        unsigned n_comm;
        uint32_t uid[EXCEPTIONS_MAX];
        unsigned n_uid;
        char container[EXCEPTIONS_MAX][65];
        unsigned n_container;
        Exception combined[EXCEPTIONS_COMBINED_MAX];
        unsigned n_combined;
} RuleException;

typedef struct RuleState {
        const Rule *rule;
        bool enabled;
        bool available;
        char unavailable_reason[160];
        /* some syscall it needs can be made by the 32-bit ABI, which is not watched */
        bool degraded;
        char degraded_reason[400];
        RuleException exc;
        bool defaults_enabled;          /* the rule's default exceptions apply */
        Exception defaults[RULE_MAX_DEFAULT_EXCEPTIONS];        /* parsed from rule->default_exceptions */
        unsigned n_defaults;
        uint64_t findings;
        uint64_t suppressed;            /* matched, but an exception applied (configured or default) */
        uint64_t suppressed_by_defaults;
        uint64_t default_suppressed[RULE_MAX_DEFAULT_EXCEPTIONS];       /* per default exception */
        uint64_t combined_suppressed[EXCEPTIONS_COMBINED_MAX];          /* per exc.combined[] */
} RuleState;

/* Replaces a rule's configured exceptions (their counters start again) and turns its defaults on
 * or off. */
void rule_state_set_exceptions(RuleState *s, const RuleException *x, bool defaults_enabled);

typedef struct Engine Engine;
typedef void (*finding_fn)(void *userdata, const Finding *f);

int engine_new(finding_fn fn, void *userdata, Engine **ret);
Engine *engine_free(Engine *e);
void engine_set_proctable(Engine *e, ProcTable *t);
void engine_set_options(Engine *e, const RuleOptions *o);

RuleState *engine_rule(Engine *e, const char *id);
RuleState *engine_rules(Engine *e, size_t *ret_n);
/* Enables or disables; -ENOENT for an unknown id. */
int engine_set_enabled(Engine *e, const char *id, bool enabled);
void engine_set_all_enabled(Engine *e, bool enabled);

/*
 * The kernel collection the enabled rules need: wants[] (TR_MAX_EVENT_ID entries) is filled,
 * predicates included. *ret_exec_env tells whether exec must capture the environment.
 */
void engine_wants(Engine *e, EventWant *wants, bool *ret_exec_env);
/* The names the enabled rules' TR_OP_BASENAME terms look for, into names (up to max, each at most
 * TR_NAME_MAX - 1 bytes); returns how many. */
unsigned engine_watch_names(Engine *e, char (*names)[TR_NAME_MAX], unsigned max);
/* TR_SET_LDSCAN* flags the enabled rules need exec events to carry. */
uint32_t engine_exec_scan(Engine *e);
/* Marks rules whose every needed syscall lacks a tracepoint on this kernel as unavailable. */
void engine_mark_unavailable(Engine *e, const uint32_t *ids, unsigned n);
/*
 * Marks as degraded the rules that need a syscall event for which evadable(id) holds (a 32-bit
 * syscall does the same unseen), with a reason naming those syscalls, then fix (how to close it);
 * evadable NULL clears every mark. Returns how many enabled rules are degraded.
 */
unsigned engine_mark_degraded(Engine *e, bool (*evadable)(uint32_t id), const char *fix);

/* Hands one event to the rules that asked for it. Returns the number of findings emitted. */
unsigned engine_dispatch(Engine *e, const Event *ev);
