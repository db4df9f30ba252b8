/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The D-Bus API of the agent, shared by the service (agent/bus.c) and its client (ctl/traceectl.c).
 *
 * Name org.tracee.Agent1 on the system bus, object /org/tracee/Agent1, interface org.tracee.Agent1:
 *
 *   ListRules() → a(sssiasbbs)   id, name, description, severity (0-4), tags, enabled, available,
 *                                unavailable reason ("" when available)
 *   DescribeRule(s id) → s       the rule as JSON: metadata, state, exceptions, counters
 *   EnableRule(s id)             root only; persists across restarts
 *   DisableRule(s id)            root only; persists across restarts
 *   Reload()                     root only; re-reads the configuration (keeps the old one if the new
 *                                one has errors, and fails with Error.ReloadFailed saying why)
 *   Describe() → s               the agent's status as JSON (counters, rules, webhooks)
 *   SubscribeDetections()        root only; the caller's connection is sent each whole finding in a
 *                                Detection signal addressed to it, until it leaves the bus
 *
 *   Properties: Version s, State s ("starting", "running", "reloading", "stopping"), StartedAt t
 *   (CLOCK_REALTIME µs), EventsReceived t, EventsLost t, Detections t, RulesEnabled u,
 *   DegradedRules as (the enabled rules that unwatched 32-bit syscalls can evade)
 *
 *   Signal Detection(s rule_id, s severity_name, s finding_json): addressed to each subscriber with
 *   the whole finding, and broadcast with a redacted one (time, rule, pid, uid, "redacted": true)
 *
 * Everyone may list and read the status; DescribeRule and Describe leave out, for callers other than
 * root, the exceptions (counts only) and webhook URL paths and queries. The mutating methods and
 * SubscribeDetections need root, and only root may receive Detection: the D-Bus policy denies them
 * to others and the agent checks the caller's credentials itself as well.
 */
#pragma once

#define TRACEE_BUS_NAME         "org.tracee.Agent1"
#define TRACEE_BUS_PATH         "/org/tracee/Agent1"
#define TRACEE_BUS_INTERFACE    "org.tracee.Agent1"

#define TRACEE_ERROR_NO_SUCH_RULE       "org.tracee.Agent1.Error.NoSuchRule"
#define TRACEE_ERROR_RULE_UNAVAILABLE   "org.tracee.Agent1.Error.RuleUnavailable"
#define TRACEE_ERROR_RELOAD_FAILED      "org.tracee.Agent1.Error.ReloadFailed"
#define TRACEE_ERROR_INVALID_ARGS       "org.freedesktop.DBus.Error.InvalidArgs"
#define TRACEE_ERROR_ACCESS_DENIED      "org.freedesktop.DBus.Error.AccessDenied"

/* Journal MESSAGE_IDs (also in units/tracee.catalog). */
#define TRACEE_MESSAGE_DETECTION        "91deb1d1573346378d31cbd905ff1af1"
#define TRACEE_MESSAGE_STARTED          "c6b553b8b4774dc5ad032489c6b4b6e3"
#define TRACEE_MESSAGE_STOPPED          "0c54f041487943979976ccd126098619"
#define TRACEE_MESSAGE_EVENTS_LOST      "fe99157b772846a6ad0387274a72a50d"
#define TRACEE_MESSAGE_CONFIG           "c93b09f753a14a66ae8602e96c9bef5e"
#define TRACEE_MESSAGE_RELOADED         "d9925afab4204dc8b8b47f7626887b15"
#define TRACEE_MESSAGE_WEBHOOK          "4304f47353b34c418fa7e6c9c300e027"
#define TRACEE_MESSAGE_DEGRADED         "db05b9606f304d0a95b63a6f2958c80c"
/* a summary of findings folded or rate-limited (agent/fold.h), and the agent's totals at stop */
#define TRACEE_MESSAGE_FOLDED           "97f22247934542db964e81a959633bac"
#define TRACEE_MESSAGE_JOURNAL_DROPPED  "38aabcd8e2c24d558b1f8328e63c2616"
#define TRACEE_MESSAGE_SINK_DROPPED     "38267276d8bf48e8929b691e5d15c65a"
#define TRACEE_MESSAGE_PRELOAD          "506445b124eb424e99df631ddad73441"
