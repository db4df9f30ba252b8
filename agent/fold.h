/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Folding and rate limits between the rule engine and the sinks (stdout, journal, D-Bus, webhooks),
 * so that a flood of one finding (any user can make 10⁶ ptrace(PTRACE_TRACEME) a second) neither
 * drowns the sinks nor hides another finding. Pure code: the caller gives the time and sends what
 * it is told to send.
 *
 * For every finding, in this order:
 *   1. A key (rule, process) or (rule, uid, executable) open within its window: the finding is
 *      folded into it (counted, not sent). A key's window starts when it is opened, lasts
 *      window_sec, and when it closes one summary finding says how many were folded.
 *   2. Otherwise the finding needs a token from its rule's bucket and from its (rule, uid) bucket.
 *      With both it is sent at once and opens both keys; without, it is rate-limited: counted
 *      per (rule, uid) (per rule when rate_limit_uid is 0), and one summary per (rule, uid) and
 *      window says how many.
 *
 * Every finding is thus sent, folded or rate-limited, and every folded or rate-limited one is in
 * exactly one summary (at the latest when fold_flush() runs, at stop and reload): for each rule,
 * findings = sent + folded + rateLimited, and the summaries add up to folded + rateLimited.
 *
 * Bounds: keys are opened only by sent findings, so key summaries are at most twice the findings
 * sent; rate-limit summaries are at most one per (rule, uid) bucket (FOLD_UID_BUCKETS) and per rule
 * and window; the findings sent per rule are at most burst + rate × seconds.
 * The key table holds `keys` entries (FOLD_ENTRY_BYTES each); when it is full the oldest key is
 * closed early (its summary sent, never its count lost). The (rule, uid) buckets are a fixed
 * table; a (rule, uid) that finds no room takes the place of the fullest bucket nearby, which
 * gives that uid a fresh burst and moves what the old one held back to its rule's count (only
 * root can make findings under many uids).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "jsonw.h"

#define FOLD_EXE_MAX            256     /* executable path kept per key (longer ones: prefix + hash) */
#define FOLD_KEYS_MIN           16
#define FOLD_KEYS_MAX           65536
#define FOLD_WINDOW_MAX         3600
#define FOLD_RATE_MAX           100000
#define FOLD_UID_BUCKETS        1024    /* (rule, uid) token buckets */
#define FOLD_RULES_MAX          32

#define FOLD_WINDOW_DEFAULT     10      /* seconds */
#define FOLD_KEYS_DEFAULT       2048
#define FOLD_RULE_RATE_DEFAULT  20      /* findings sent per second and rule */
#define FOLD_RULE_BURST_DEFAULT 100
#define FOLD_UID_RATE_DEFAULT   5       /* findings sent per second, rule and uid */
#define FOLD_UID_BURST_DEFAULT  20

typedef struct FoldConfig {
        unsigned window_sec;            /* 0: no folding (the rate limits still hold) */
        unsigned keys;                  /* key table entries */
        unsigned rule_rate, rule_burst; /* rate 0: no limit per rule */
        unsigned uid_rate, uid_burst;   /* rate 0: no limit per (rule, uid) */
} FoldConfig;

typedef enum FoldVerdict {
        FOLD_SEND,                      /* send it now */
        FOLD_FOLDED,                    /* counted into an open key */
        FOLD_RATE_LIMITED,              /* counted into its rule's rate-limit summary */
} FoldVerdict;

typedef enum FoldKind {
        FOLD_BY_PROCESS,
        FOLD_BY_EXECUTABLE,
        FOLD_BY_RATE_LIMIT,
        _FOLD_KIND_MAX,
        _FOLD_KIND_INVALID = -EINVAL,
} FoldKind;

const char *fold_kind_to_string(FoldKind k);

/* What a summary finding stands for (also in its data: folded, rateLimited, foldedBy, ...). */
typedef struct FoldSummary {
        FoldKind kind;
        uint64_t count;                 /* findings folded or rate-limited, not sent one by one */
        uint64_t first_wall_ns, last_wall_ns;
        unsigned window_sec;
        bool early;                     /* closed before its window ended: table full, stop, reload */
} FoldSummary;

/* A summary to send: f is a finding of the rule (its event the last one counted, without
 * arguments), valid during the call only. */
typedef void (*fold_summary_fn)(void *userdata, const Finding *f, const FoldSummary *s);

typedef struct FoldRuleStats {
        uint64_t sent, folded, rate_limited, summaries;
} FoldRuleStats;

typedef struct FoldStats {
        uint64_t sent, folded, rate_limited, summaries;
        uint64_t evicted;               /* keys closed early because the table was full */
        uint64_t pending;               /* folded or rate-limited, summary not sent yet */
        unsigned keys_in_use;
        uint64_t table_bytes;           /* the key table and the bucket tables, allocated */
} FoldStats;

typedef struct Fold Fold;

void fold_config_defaults(FoldConfig *c);
/*
 * One [output] key of tracee.conf: fold_window, fold_keys, rate_limit_rule, rate_limit_rule_burst,
 * rate_limit_uid, rate_limit_uid_burst. Returns 1 when set, 0 for a key that is not one of these,
 * -EINVAL for a bad value (*ret_expected then says what is expected).
 */
int fold_config_set(FoldConfig *c, const char *key, const char *value, const char **ret_expected);

int fold_new(const FoldConfig *c, fold_summary_fn fn, void *userdata, Fold **ret);
Fold *fold_free(Fold *fo);
/* Closes every key and sends every pending summary, then takes the new settings (the buckets keep
 * their tokens, clamped to the new bursts). -ENOMEM keeps the previous table and settings. */
int fold_reconfigure(Fold *fo, const FoldConfig *c);

/* Decides about one finding; now_usec is CLOCK_MONOTONIC. Closes expired keys first. */
FoldVerdict fold_submit(Fold *fo, const Finding *f, uint64_t now_usec);
/* Closes the keys whose window has ended and sends the rate-limit summaries that are due. */
void fold_expire(Fold *fo, uint64_t now_usec);
/* Closes every key and sends every pending summary (at stop). */
void fold_flush(Fold *fo);

void fold_get_stats(const Fold *fo, FoldStats *ret);
const FoldRuleStats *fold_rule_stats(const Fold *fo, const Rule *r);
/* An object: the settings, the FoldStats counters and "rules": [{id, sent, folded, rateLimited,
 * summaries}] for every rule with a finding. */
void fold_describe_json(const Fold *fo, JsonW *w);
