/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /etc/tracee/tracee.conf: INI, parsed with inih. Sections:
 *   [agent]        rules, state_directory, ringbuf_size, btf_file, bpf_object, raw_syscall_fallback,
 *                  compat_syscalls
 *   [output]       journal (yes/no), stdout (none/json/table), journal_queue_bytes, fold_window, fold_keys,
 *                  rate_limit_rule, rate_limit_rule_burst, rate_limit_uid, rate_limit_uid_burst (fold.h)
 *   [rule TRC-N]   enabled (yes/no), exception_exe (path glob), exception_comm, exception_uid,
 *                  exception_container, exception (combined: every condition at once, see
 *                  exception.h; each repeatable), default_exceptions (yes/no), ld_library_path
 *                  (TRC-7 only)
 *   [webhook NAME] url, format, min_severity, rules, header (repeatable), timeout, queue_size,
 *                  queue_bytes, ca_file, client_cert, client_key, insecure
 * An unknown key is a warning naming file:line; an invalid value is an error naming file:line and
 * the value. Lines are at most 199 bytes (inih's line buffer); a longer line is an error.
 */
#pragma once

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "fold.h"

#define CONFIG_DEFAULT_PATH "/etc/tracee/tracee.conf"
#define CONFIG_MAX_RULES 32
#define CONFIG_MAX_WEBHOOKS 16
#define CONFIG_MAX_HEADERS 8
#define CONFIG_MAX_DIAG 32
/* compat_syscalls: off, because the watch costs every syscall more than the performance targets
 * allow (bench/README.md); the rules it would cover are said to be degraded instead. */
#define CONFIG_COMPAT_SYSCALLS_DEFAULT false
/* Memory bounds of the sinks, in bytes (see units/tracee.service.in for how they add up): the journal
 * entries waiting for journald, and each webhook's detections waiting for delivery. */
#define CONFIG_JOURNAL_QUEUE_BYTES_DEFAULT (4ull * 1024 * 1024)
#define CONFIG_WEBHOOK_QUEUE_BYTES_DEFAULT (16ull * 1024 * 1024)
#define CONFIG_QUEUE_BYTES_MIN (64ull * 1024)
#define CONFIG_QUEUE_BYTES_MAX (1ull << 30)

typedef enum StdoutMode {
        STDOUT_NONE,
        STDOUT_JSON,
        STDOUT_TABLE,
} StdoutMode;

typedef struct RuleConfig {
        char id[16];
        int enabled;                    /* -1 = not set */
        int default_exceptions;         /* -1 = not set (on) */
        RuleException exc;
} RuleConfig;

typedef struct WebhookConfig {
        char name[64];
        char url[200];
        bool format_json;               /* false = falcosidekick */
        Severity min_severity;
        char rules[200];
        char headers[CONFIG_MAX_HEADERS][200];
        unsigned n_headers;
        unsigned timeout_ms;
        unsigned queue_size;
        uint64_t queue_bytes;           /* the detections waiting, in bytes */
        char ca_file[200], client_cert[200], client_key[200];
        bool insecure;
        char source[PATH_MAX];          /* the file it came from */
} WebhookConfig;

/* The [agent] keys read only when the agent starts: a reload that changes one reports it (journal,
 * RestartNeeded) and goes on with the value the agent started with. */
typedef enum StartupKey {
        STARTUP_RINGBUF_SIZE,
        STARTUP_BPF_OBJECT,
        STARTUP_BTF_FILE,
        STARTUP_STATE_DIRECTORY,
        STARTUP_RAW_SYSCALL_FALLBACK,
        STARTUP_COMPAT_SYSCALLS,
        _STARTUP_KEY_MAX,
        _STARTUP_KEY_INVALID = -EINVAL,
} StartupKey;

typedef struct Config {
        char rules[200];                /* "" or "all" = every rule */
        char state_directory[200];
        uint64_t ringbuf_size;
        char btf_file[200];
        char bpf_object[200];
        bool raw_syscall_fallback;      /* watch syscalls without tracepoints via raw sys_enter/exit */
        bool compat_syscalls;           /* watch 32-bit syscalls via raw sys_exit */
        bool journal;
        uint64_t journal_queue_bytes;   /* journal entries waiting for journald, in bytes */
        StdoutMode stdout_mode;
        FoldConfig fold;                /* folding and rate limits in front of the sinks */
        bool ld_library_path;
        RuleConfig rule[CONFIG_MAX_RULES];
        unsigned n_rule;
        WebhookConfig webhook[CONFIG_MAX_WEBHOOKS];
        unsigned n_webhook;
        /* where each StartupKey was set, "file:line"; "" = not set (its default) */
        char startup_where[_STARTUP_KEY_MAX][PATH_MAX + 16];
} Config;

typedef struct ConfigDiag {
        unsigned n_errors, n_warnings;
        char errors[CONFIG_MAX_DIAG][320];
        char warnings[CONFIG_MAX_DIAG][320];
} ConfigDiag;

void config_defaults(Config *c);
/*
 * Parses path into c (on top of what c already holds, so a second file can add webhooks).
 * Returns 0, -ENOENT if the file does not exist, -EINVAL if it has errors (listed in diag), or
 * another negative errno if it cannot be read.
 */
int config_parse_file(const char *path, Config *c, ConfigDiag *diag);
/* The same on a string (for tests and fuzzing); name is used in messages. */
int config_parse_string(const char *name, const char *text, Config *c, ConfigDiag *diag);

/*
 * `tracee --exceptions FILE`: parses FILE on top of c like config_parse_file(), reading only its
 * [rule] sections (any other section is a warning), so that its exceptions add to those of the
 * configuration. Same return values.
 */
int config_parse_exceptions_file(const char *path, Config *c, ConfigDiag *diag);

/* Applies the [rule] sections (enabled, exceptions, default exceptions, options) to the engine:
 * every rule's exceptions are replaced, those of a rule without a section by none (its default
 * exceptions on). Unknown rule IDs are reported in diag as errors. */
int config_apply_rules(const Config *c, Engine *e, ConfigDiag *diag);

const char *startup_key_to_string(StartupKey k);
/* k's value in c as the configuration file would spell it ("" for an unset path), into buf. */
const char *config_startup_value(const Config *c, StartupKey k, char *buf, size_t n);
/* Do a and b differ in k? */
bool config_startup_differs(const Config *a, const Config *b, StartupKey k);

/*
 * `TRACEE_WEBHOOK_CONFIG=FILE`: parses FILE on top of c, reading only its [webhook] sections; any
 * other section is an error naming FILE:line. Same return values as config_parse_file().
 */
int config_parse_webhooks_file(const char *path, Config *c, ConfigDiag *diag);

bool parse_boolean(const char *v, bool *ret);
/* A ring-buffer size: a power of two from 4096 bytes to 1 GiB, K/M/G (or KiB/MiB/GiB) suffixes. */
bool parse_ringbuf_size(const char *v, uint64_t *ret);
/* A queue's bound: CONFIG_QUEUE_BYTES_MIN to CONFIG_QUEUE_BYTES_MAX bytes, K/M/G suffixes. */
bool parse_queue_bytes(const char *v, uint64_t *ret);
