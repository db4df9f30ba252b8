/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `tracee` with no subcommand: the agent. It runs every enabled rule over the events of the whole
 * host and sends findings to its sinks (standard output, the journal, the D-Bus Detection signal),
 * on one sd-event loop that also serves the bus, signals and timers. Works the same under systemd
 * (Type=notify, watchdog, reload) and in a terminal.
 */
#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "agent.h"
#include "bus-api.h"
#include "catalog.h"
#include "detect.h"
#include "finding.h"
#include "journal.h"
#include "log.h"
#include "preload.h"
#include "strutil.h"
#include "webhook.h"

#define STATUS_INTERVAL_USEC (5 * 1000000ULL)
/* At stop, how long journald may take the last entries (the stop message among them). */
#define JOURNAL_STOP_TIMEOUT_USEC (2 * 1000000ULL)

static uint64_t now_usec(clockid_t clk)
{
        struct timespec ts;

        clock_gettime(clk, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

static void help(void)
{
        printf("Usage: tracee [OPTIONS]\n"
               "       tracee trace [OPTIONS]      (stream raw events; see tracee trace --help)\n\n"
               "Watch this host with eBPF and report behaviour attackers use. With no options every rule\n"
               "runs, findings are printed on standard output and logged to the journal, and the agent is\n"
               "controlled over D-Bus (traceectl).\n\n"
               "Options:\n"
               "  -c, --config PATH       configuration file (default " CONFIG_DEFAULT_PATH "; a missing\n"
               "                          default file means built-in defaults)\n"
               "  -r, --rules LIST        run only these rules (IDs, comma separated, e.g. TRC-2,TRC-5)\n"
               "  -o, --output FORMAT     findings on standard output: table (default), json or none\n"
               "      --journal=yes|no    log findings to the journal (default yes)\n"
               "  -x, --exceptions FILE   per-rule exceptions, INI: [rule TRC-N] with exception_exe=GLOB,\n"
               "                          exception_comm=NAME, exception_uid=N, exception_container=ID,\n"
               "                          exception=COND... (all at once: exe=, exec_by=, parent=init,\n"
               "                          parent_uid=, comm=, uid=, container=, event=), default_exceptions=no;\n"
               "                          added to the configuration's, re-read on reload\n"
               "      --ld-library-path   TRC-7 also fires on LD_LIBRARY_PATH\n"
               "      --raw-syscall-fallback  watch syscalls that have no tracepoint of their own (init_module\n"
               "                          and finit_module on kernels without module support) through raw\n"
               "                          sys_enter/sys_exit: costs every syscall on the machine ~40 ns\n"
               "      --compat-syscalls[=yes|no]  watch 32-bit syscalls (int $0x80, 32-bit programs) through\n"
               "                          raw sys_exit (default no: it costs every syscall on the machine;\n"
               "                          without it the rules they could evade are listed as degraded)\n"
               "      --ringbuf-size N    ring buffer size in bytes (power of two; default 8 MiB)\n"
               "      --btf-file PATH     BTF of the running kernel, when it has no /sys/kernel/btf/vmlinux\n"
               "      --check             check the configuration and exit\n"
               "      --list              print the rules (ID, name, severity, MITRE, tags, exceptions) and exit\n"
               "  -v, --verbose           debug messages\n"
               "  -h, --help              this help\n"
               "      --version           print the version\n\n"
               "Signals: SIGHUP reloads the configuration; SIGINT and SIGTERM stop.\n"
               "Environment: TRACEE_BPF_FILE loads a prebuilt BPF object instead of the built-in one;\n"
               "TRACEE_FOLD=no sends every finding one by one, without folding or rate limits.\n\n"
               "Examples:\n"
               "  tracee\n"
               "  tracee --rules TRC-2,TRC-5 --output json\n"
               "  tracee --list\n");
}

/* One "what: text" line of --list. The text is in the configuration's syntax, backslashes
 * included, so it is shown as it is unless it holds control characters (then escaped, as every
 * other string on a terminal). */
static void list_line(FILE *f, const char *what, const char *text)
{
        char out[EXCEPTION_TEXT_MAX * 4];
        bool controls = false;

        for (const unsigned char *u = (const unsigned char *) text; *u; u++)
                controls = controls || *u < 0x20 || *u == 0x7f || (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f);
        if (controls)
                str_escape_terminal(text, strlen(text), out, sizeof(out));
        else
                utf8_sanitize(text, strlen(text), out, sizeof(out));
        fprintf(f, "       %s: %s\n", what, out);
}

/* A rule's exceptions for --list: its defaults (and whether they apply), then the configured ones
 * in the syntax of the configuration file. */
static void list_exceptions(FILE *f, const RuleState *s)
{
        const RuleException *x = &s->exc;
        char buf[EXCEPTION_TEXT_MAX];

        for (unsigned i = 0; i < s->n_defaults; i++)
                list_line(f, s->defaults_enabled ? "default exception" : "default exception (off)",
                          exception_to_string(&s->defaults[i], buf, sizeof(buf)));
        for (unsigned i = 0; i < x->n_exe; i++)
                list_line(f, "exception_exe", x->exe_glob[i]);
        for (unsigned i = 0; i < x->n_comm; i++)
                list_line(f, "exception_comm", x->comm[i]);
        for (unsigned i = 0; i < x->n_uid; i++) {
                snprintf(buf, sizeof(buf), "%u", x->uid[i]);
                list_line(f, "exception_uid", buf);
        }
        for (unsigned i = 0; i < x->n_container; i++)
                list_line(f, "exception_container", x->container[i]);
        for (unsigned i = 0; i < x->n_combined; i++)
                list_line(f, "exception", exception_to_string(&x->combined[i], buf, sizeof(buf)));
}

static void list_rules(FILE *f, Engine *e)
{
        size_t n;
        RuleState *rs = engine_rules(e, &n);

        fprintf(f, "%-6s %-34s %-8s %-7s %-44s %s\n", "ID", "NAME", "SEVERITY", "ENABLED", "MITRE ATT&CK", "TAGS");
        for (size_t i = 0; i < n; i++) {
                const Rule *r = rs[i].rule;
                char mitre[128], tags[128] = "";
                size_t o = 0;

                snprintf(mitre, sizeof(mitre), "%s: %s (%s)", r->mitre_tactic, r->mitre_technique, r->mitre_id);
                for (unsigned t = 0; t < RULE_MAX_TAGS && r->tags[t]; t++)
                        o += snprintf(tags + o, sizeof(tags) - o, "%s%s", o ? "," : "", r->tags[t]);
                fprintf(f, "%-6s %-34s %-8s %-7s %-44s %s\n", r->id, r->name, severity_to_string(r->severity),
                        rs[i].enabled ? "yes" : "no", mitre, tags);
                fprintf(f, "       %s\n", r->description);
                if (!rs[i].available)
                        fprintf(f, "       unavailable: %s\n", rs[i].unavailable_reason);
                else if (rs[i].degraded)
                        fprintf(f, "       degraded: %s\n", rs[i].degraded_reason);
                list_exceptions(f, &rs[i]);
        }
}

/* ---------------------------------------------------------------------------------------------- */
/* sinks */

/* A finding to the journal writer. The first drop since journald last took an entry is said (in
 * the journal too, where it may be dropped in turn: it is counted then). */
static void context_journal_finding(Context *c, const Finding *f, const FoldSummary *s)
{
        JournalQueueStats js;
        int r = s ? journal_send_fold_summary(c->journal_queue, f, s, c->w.buf) :
                    journal_send_finding(c->journal_queue, f, c->w.buf);

        if (r != -ENOBUFS)
                return;
        journal_queue_get_stats(c->journal_queue, &js);
        if (js.unreported != 1)
                return;
        log_struct(LOG_WARNING, TRACEE_MESSAGE_JOURNAL_DROPPED, "journald is not accepting entries (%" PRIu64
                   " waiting, %" PRIu64 " of %" PRIu64 " bytes): dropping the oldest and counting them, detection "
                   "goes on", js.queued, js.queued_bytes, js.max_bytes);
}

/* Every sink gets f; s is set for a summary of folded or rate-limited findings (fold.h). */
static void send_finding(Context *c, const Finding *f, const FoldSummary *s)
{
        jsonw_reset(&c->w);
        finding_write_json(&c->w, f);
        if (!jsonw_ok(&c->w))
                return;
        switch (c->out) {
        case STDOUT_JSON:
                fwrite(c->w.buf, 1, c->w.len, stdout);
                fputc('\n', stdout);
                break;
        case STDOUT_TABLE:
                finding_print_table(stdout, f);
                break;
        case STDOUT_NONE:
                break;
        }
        if (c->journal) {
                if (journal_available())
                        context_journal_finding(c, f, s);
                else if (!c->journal_warned) {
                        c->journal_warned = true;
                        log_warning("the journal is not available (/run/systemd/journal/socket is missing): "
                                    "findings go to standard output%s and D-Bus only",
                                    c->out == STDOUT_NONE ? " (off: --output none)" : "");
                }
        }
        webhooks_submit(c->webhooks, f, c->w.buf);
        bus_emit_detection(c, f, c->w.buf);
}

static void on_finding(void *userdata, const Finding *f)
{
        Context *c = userdata;

        c->findings++;
        c->detections_changed = true;
        /* the first of a kind goes out at once; repeats and floods are counted into summaries */
        if (c->fold && fold_submit(c->fold, f, now_usec(CLOCK_MONOTONIC)) != FOLD_SEND)
                return;
        send_finding(c, f, NULL);
}

static void on_fold_summary(void *userdata, const Finding *f, const FoldSummary *s)
{
        send_finding(userdata, f, s);
}

static int on_event(void *userdata, Event *e)
{
        Context *c = userdata;

        engine_dispatch(c->engine, e);
        return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* configuration */

static int select_rules(Engine *e, const char *list, const char *what, char *err, size_t errsz)
{
        char buf[1024], *save = NULL, *tok;

        if (strcmp(list, "all") == 0 || !*list) {
                engine_set_all_enabled(e, true);
                return 0;
        }
        if (strlen(list) >= sizeof(buf)) {
                snprintf(err, errsz, "%s: list too long", what);
                return -EINVAL;
        }
        strcpy(buf, list);
        engine_set_all_enabled(e, false);
        for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
                if (engine_set_enabled(e, tok, true) < 0) {
                        const char *m = rule_closest_id(tok);

                        snprintf(err, errsz, "%s: no rule '%.40s'%s%s%s; see tracee --list", what, tok,
                                 m ? " (did you mean " : "", m ? m : "", m ? "?)" : "");
                        return -ENOENT;
                }
        return 0;
}

/* Checks what cannot be checked while parsing: rule IDs. */
static int config_validate(const Config *cfg, ConfigDiag *d)
{
        char buf[256], *save = NULL, *tok;

        if (strcmp(cfg->rules, "all") != 0 && *cfg->rules) {
                snprintf(buf, sizeof(buf), "%s", cfg->rules);
                for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
                        if (!rule_by_id(tok)) {
                                const char *m = rule_closest_id(tok);

                                snprintf(d->errors[d->n_errors < CONFIG_MAX_DIAG ? d->n_errors : CONFIG_MAX_DIAG - 1],
                                         sizeof(d->errors[0]), "[agent] rules: no rule '%.40s'%s%s%s", tok,
                                         m ? " (did you mean " : "", m ? m : "", m ? "?)" : "");
                                d->n_errors++;
                        }
        }
        for (unsigned i = 0; i < cfg->n_rule; i++)
                if (!rule_by_id(cfg->rule[i].id)) {
                        const char *m = rule_closest_id(cfg->rule[i].id);

                        snprintf(d->errors[d->n_errors < CONFIG_MAX_DIAG ? d->n_errors : CONFIG_MAX_DIAG - 1],
                                 sizeof(d->errors[0]), "[rule %s]: no such rule%s%s%s", cfg->rule[i].id,
                                 m ? " (did you mean " : "", m ? m : "", m ? "?)" : "");
                        d->n_errors++;
                }
        return d->n_errors ? -EINVAL : 0;
}

/* Reads the configuration into a new Config. Problems are logged; -EINVAL if it must not be used. */
static int config_read(Context *c, Config **ret, char *err, size_t errsz)
{
        const char *path = c->arg_config ? c->arg_config : CONFIG_DEFAULT_PATH;
        Config *cfg = calloc(1, sizeof(Config));
        ConfigDiag *d = calloc(1, sizeof(ConfigDiag));
        const char *extra = getenv("TRACEE_WEBHOOK_CONFIG");
        int r;

        if (!cfg || !d) {
                free(cfg);
                free(d);
                return -ENOMEM;
        }
        config_defaults(cfg);
        r = config_parse_file(path, cfg, d);
        if (r == -ENOENT && !c->arg_config)
                r = 0;          /* no default file: built-in defaults */
        else if (r == -ENOENT) {
                snprintf(err, errsz, "configuration file %s does not exist", path);
                goto fail;
        } else if (r < 0 && r != -EINVAL) {
                snprintf(err, errsz, "cannot read %s: %s", path, strerror(-r));
                goto fail;
        }
        if (extra && *extra) {
                int k = config_parse_webhooks_file(extra, cfg, d);

                if (k == -ENOENT) {
                        snprintf(err, errsz, "TRACEE_WEBHOOK_CONFIG names %s, which does not exist", extra);
                        r = k;
                        goto fail;
                }
                if (k < 0 && k != -EINVAL) {
                        snprintf(err, errsz, "cannot read %s: %s", extra, strerror(-k));
                        r = k;
                        goto fail;
                }
        }
        /* --exceptions: its [rule] sections add to the configuration's, read again at every reload */
        if (c->arg_exceptions) {
                int k = config_parse_exceptions_file(c->arg_exceptions, cfg, d);

                if (k < 0 && k != -EINVAL) {
                        snprintf(err, errsz, "cannot read exceptions file %s: %s", c->arg_exceptions, strerror(-k));
                        r = k;
                        goto fail;
                }
        }
        (void) config_validate(cfg, d);
        for (unsigned i = 0; i < d->n_warnings && i < CONFIG_MAX_DIAG; i++)
                log_struct(LOG_WARNING, TRACEE_MESSAGE_CONFIG, "%s", d->warnings[i]);
        for (unsigned i = 0; i < d->n_errors && i < CONFIG_MAX_DIAG; i++)
                log_struct(LOG_ERR, TRACEE_MESSAGE_CONFIG, "%s", d->errors[i]);
        if (d->n_errors) {
                snprintf(err, errsz, "%s: %u error(s) in the configuration, first: %s", path, d->n_errors,
                         d->errors[0]);
                r = -EINVAL;
                goto fail;
        }
        free(d);
        *ret = cfg;
        return 0;
fail:
        free(cfg);
        free(d);
        return r < 0 ? r : -EINVAL;
}

/* Applies a validated configuration, then the run-time state, then the command line. */
static int context_apply(Context *c, Config *cfg, char *err, size_t errsz)
{
        ConfigDiag *d = calloc(1, sizeof(ConfigDiag));
        RuleOptions ro;
        int r;

        if (!d)
                return -ENOMEM;
        r = select_rules(c->engine, cfg->rules, "[agent] rules", err, errsz);
        if (r >= 0)
                r = config_apply_rules(cfg, c->engine, d);
        if (r < 0 && d->n_errors)
                snprintf(err, errsz, "%s", d->errors[0]);
        free(d);
        if (r < 0)
                return r;
        state_apply(&c->state, c->engine);
        if (c->arg_rules) {
                r = select_rules(c->engine, c->arg_rules, "--rules", err, errsz);
                if (r < 0)
                        return r;
        }
        /* TRACEE_FOLD=no: every finding one by one, no rate limits (tests that count each finding) */
        {
                const char *fold = getenv("TRACEE_FOLD");

                if (fold && strcmp(fold, "no") == 0) {
                        cfg->fold.window_sec = 0;
                        cfg->fold.rule_rate = 0;
                        cfg->fold.uid_rate = 0;
                }
        }
        ro.ld_library_path = cfg->ld_library_path || c->arg_ld_library_path;
        engine_set_options(c->engine, &ro);
        c->out = c->arg_output >= 0 ? (StdoutMode) c->arg_output : cfg->stdout_mode;
        c->journal = c->arg_journal >= 0 ? c->arg_journal : cfg->journal;
        journal_queue_set_max_bytes(c->journal_queue, cfg->journal_queue_bytes);
        free(c->config);
        c->config = cfg;
        return 0;
}

/* Tells the kernel side what the enabled rules need now. */
static int context_update_kernel(Context *c)
{
        EventWant *wants;
        bool env = false;
        int r;

        if (!c->pipeline)
                return 0;
        wants = calloc(TR_MAX_EVENT_ID, sizeof(EventWant));
        if (!wants)
                return -ENOMEM;
        engine_wants(c->engine, wants, &env);
        r = bpf_set_exec_env(c->pipeline->bpf, env);
        if (r >= 0)
                r = bpf_set_exec_scan(c->pipeline->bpf, engine_exec_scan(c->engine));
        if (r >= 0) {
                char names[16][TR_NAME_MAX];

                r = bpf_set_names(c->pipeline->bpf, names, engine_watch_names(c->engine, names, 16));
        }
        if (r >= 0)
                r = bpf_set_events(c->pipeline->bpf, wants, NULL, 0, NULL);
        free(wants);
        return r;
}

/* Is k given on the command line (or in the environment), so the configuration file's value never counts? */
static bool startup_overridden(const Context *c, StartupKey k)
{
        const char *f = getenv("TRACEE_BPF_FILE");

        switch (k) {
        case STARTUP_RINGBUF_SIZE:
                return c->arg_ringbuf_size != 0;
        case STARTUP_BTF_FILE:
                return c->arg_btf_file != NULL;
        case STARTUP_BPF_OBJECT:
                return f && *f;
        case STARTUP_RAW_SYSCALL_FALLBACK:
                return c->arg_raw_fallback;
        case STARTUP_COMPAT_SYSCALLS:
                return c->arg_compat_syscalls >= 0;
        default:
                return false;
        }
}

/* At start: a non-empty /etc/ld.so.preload is loaded into every program, the agent included. */
static void log_preload(void)
{
        char list[256];
        size_t size = 0;
        int r;

        r = preload_check(PRELOAD_PATH, list, sizeof(list), &size);
        if (r < 0)
                log_warning_errno(r, "cannot read %s to check it is empty, ignoring: %m", PRELOAD_PATH);
        else if (r > 0)
                log_struct(LOG_WARNING, TRACEE_MESSAGE_PRELOAD, "%s is not empty (%zu bytes: %s): the dynamic loader "
                           "maps these libraries into every dynamically linked program on this host, this agent "
                           "included; unless they are known and wanted, treat the host as compromised (T1574.006)",
                           PRELOAD_PATH, size, list);
}

/* Records the startup settings the agent runs with (at start). */
static void context_startup_record(Context *c)
{
        for (int k = 0; k < _STARTUP_KEY_MAX; k++)
                (void) config_startup_value(c->config, k, c->startup_values[k], sizeof(c->startup_values[k]));
        c->restart_needed = 0;
}

/* After a reload: which startup settings the configuration now sets otherwise than the agent runs
 * with. Each is logged (naming the file:line that sets it) and listed in RestartNeeded. */
static void context_startup_check(Context *c, const char *path)
{
        uint32_t needed = 0;

        for (int k = 0; k < _STARTUP_KEY_MAX; k++) {
                char now[256];

                if (startup_overridden(c, k))
                        continue;
                (void) config_startup_value(c->config, k, now, sizeof(now));
                if (strcmp(now, c->startup_values[k]) == 0)
                        continue;
                needed |= 1u << k;
                if (*c->config->startup_where[k])
                        log_struct(LOG_WARNING, TRACEE_MESSAGE_CONFIG, "%s: [agent] %s=%s takes effect when the agent "
                                   "restarts; it goes on with %s=%s until then", c->config->startup_where[k],
                                   startup_key_to_string(k), now, startup_key_to_string(k), c->startup_values[k]);
                else
                        log_struct(LOG_WARNING, TRACEE_MESSAGE_CONFIG, "%s: [agent] %s is no longer set (default %s), "
                                   "which takes effect when the agent restarts; it goes on with %s=%s until then",
                                   path, startup_key_to_string(k), *now ? now : "none", startup_key_to_string(k),
                                   c->startup_values[k]);
        }
        if (needed != c->restart_needed) {
                c->restart_needed = needed;
                bus_emit_changed(c, "RestartNeeded");
        }
}

unsigned context_rules_enabled(Context *c)
{
        size_t n;
        unsigned on = 0;
        RuleState *rs = engine_rules(c->engine, &n);

        for (size_t i = 0; i < n; i++)
                on += rs[i].enabled && rs[i].available;
        return on;
}

unsigned context_rules_degraded(Context *c)
{
        size_t n;
        unsigned k = 0;
        RuleState *rs = engine_rules(c->engine, &n);

        for (size_t i = 0; i < n; i++)
                k += rs[i].enabled && rs[i].available && rs[i].degraded;
        return k;
}

int context_set_rule(Context *c, const char *id, bool enabled)
{
        RuleState *s = engine_rule(c->engine, id);
        int r;

        if (!s)
                return -ENOENT;
        state_set(&c->state, s->rule->id, enabled);
        r = state_save(c->state_path, &c->state);
        if (r < 0)
                log_warning_errno(r, "cannot save the rule state to %s, the change will not survive a restart: %m",
                                  c->state_path);
        if (s->enabled == enabled)
                return 0;
        (void) engine_set_enabled(c->engine, s->rule->id, enabled);
        r = context_update_kernel(c);
        if (r < 0)
                return r;
        log_info("rule %s (%s) %s", s->rule->id, s->rule->name, enabled ? "enabled" : "disabled");
        bus_emit_changed(c, "RulesEnabled");
        if (s->degraded)
                bus_emit_changed(c, "DegradedRules");
        return 0;
}

static void notify_status(Context *c)
{
        PipelineStats st = {};

        if (c->pipeline)
                (void) pipeline_get_stats(c->pipeline, &st);
        (void) sd_notifyf(0, "STATUS=%u rules enabled, %.0f events/s, %llu detections, %llu events lost",
                          context_rules_enabled(c), c->events_per_sec, (unsigned long long) c->findings,
                          (unsigned long long) st.lost);
}

int context_reload(Context *c, char *err, size_t errsz)
{
        Config *cfg = NULL;
        State st;
        int r;

        (void) sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long) now_usec(CLOCK_MONOTONIC));
        c->status = "reloading";
        bus_emit_changed(c, "State");
        r = config_read(c, &cfg, err, errsz);
        if (r >= 0) {
                r = state_load(c->state_path, &st);
                if (r == -EBADMSG)
                        log_warning("state file %s is corrupt; using what could be read", c->state_path);
                c->state = st;
                r = context_apply(c, cfg, err, errsz);
                if (r < 0)
                        free(cfg);
                else
                        context_startup_check(c, c->arg_config ? c->arg_config : CONFIG_DEFAULT_PATH);
        }
        if (r >= 0)
                r = context_update_kernel(c);
        if (r >= 0 && c->fold && fold_reconfigure(c->fold, &c->config->fold) < 0)
                log_warning("reload: cannot resize the folding table to %u keys, keeping the previous folding "
                            "settings", c->config->fold.keys);
        if (r >= 0 && c->webhooks && webhooks_reconfigure(c->webhooks, c->config) < 0)
                log_struct(LOG_ERR, TRACEE_MESSAGE_WEBHOOK, "reload: cannot set up the new webhooks, keeping the "
                           "previous ones");
        c->status = "running";
        bus_emit_changed(c, "State");
        bus_emit_changed(c, "RulesEnabled");
        bus_emit_changed(c, "DegradedRules");
        (void) sd_notify(0, "READY=1");
        notify_status(c);
        if (r < 0)
                log_struct(LOG_ERR, TRACEE_MESSAGE_CONFIG, "reload failed, keeping the previous configuration: %s",
                           err);
        else
                log_struct(LOG_INFO, TRACEE_MESSAGE_RELOADED, "configuration reloaded; %u rules enabled",
                           context_rules_enabled(c));
        return r;
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
        char err[512] = "";

        (void) context_reload(userdata, err, sizeof(err));
        return 0;
}

static int on_status_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
        Context *c = userdata;
        PipelineStats st = {};
        uint64_t now = now_usec(CLOCK_MONOTONIC);

        if (c->pipeline && pipeline_get_stats(c->pipeline, &st) == 0) {
                if (c->last_status_usec && now > c->last_status_usec)
                        c->events_per_sec = (double) (st.events - c->last_events) * 1e6 /
                                            (double) (now - c->last_status_usec);
                c->last_events = st.events;
        }
        c->last_status_usec = now;
        notify_status(c);
        if (c->detections_changed) {
                c->detections_changed = false;
                bus_emit_changed(c, "Detections");
        }
        (void) sd_event_source_set_time_relative(s, STATUS_INTERVAL_USEC);
        return 0;
}

static void on_tick(void *userdata)
{
        Context *c = userdata;

        if (c->fold)
                fold_expire(c->fold, now_usec(CLOCK_MONOTONIC));
        fflush(stdout);
}

/* At stop: the summaries still pending go out, and the totals go to the journal (once). */
static void log_fold_totals(Context *c)
{
        FoldStats st;

        if (!c->fold)
                return;
        fold_flush(c->fold);
        if (c->fold_logged)
                return;
        c->fold_logged = true;
        fold_get_stats(c->fold, &st);
        if (st.folded || st.rate_limited)
                log_struct(LOG_NOTICE, TRACEE_MESSAGE_FOLDED,
                           "findings: %llu sent one by one, %llu folded into summaries of repeats, %llu over the rate "
                           "limits, in %llu summaries (%llu keys closed early, the table being full)",
                           (unsigned long long) st.sent, (unsigned long long) st.folded,
                           (unsigned long long) st.rate_limited, (unsigned long long) st.summaries,
                           (unsigned long long) st.evicted);
}

/*
 * The loop is exiting (SIGTERM, SIGINT): drain the ring and send the pending summaries now, while
 * the bus is still up (sd-bus closes it from an exit source of its own, at a later priority).
 */
static int on_loop_exit(sd_event_source *s, void *userdata)
{
        Context *c = userdata;

        (void) pipeline_drain(c->pipeline);
        log_fold_totals(c);
        return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* Describe() */

static void write_rule_brief(JsonW *w, const RuleState *s)
{
        jsonw_obj_open(w);
        jsonw_kv_str(w, "id", s->rule->id);
        jsonw_kv_str(w, "name", s->rule->name);
        jsonw_kv_str(w, "severity", severity_to_string(s->rule->severity));
        jsonw_key(w, "enabled");
        jsonw_bool(w, s->enabled);
        jsonw_key(w, "available");
        jsonw_bool(w, s->available);
        if (!s->available)
                jsonw_kv_str(w, "unavailableReason", s->unavailable_reason);
        jsonw_key(w, "degraded");
        jsonw_bool(w, s->available && s->degraded);
        if (s->available && s->degraded)
                jsonw_kv_str(w, "degradedReason", s->degraded_reason);
        jsonw_kv_uint(w, "detections", s->findings);
        jsonw_kv_uint(w, "suppressed", s->suppressed);
        jsonw_kv_uint(w, "suppressedByDefaults", s->suppressed_by_defaults);
        jsonw_obj_close(w);
}

/* key: [{"exception": TEXT, "suppressed": N}, ...] */
static void write_exception_list(JsonW *w, const char *key, const Exception *x, const uint64_t *counts, unsigned n)
{
        char buf[EXCEPTION_TEXT_MAX];

        jsonw_key(w, key);
        jsonw_arr_open(w);
        for (unsigned i = 0; i < n; i++) {
                jsonw_obj_open(w);
                jsonw_kv_str(w, "exception", exception_to_string(&x[i], buf, sizeof(buf)));
                jsonw_kv_uint(w, "suppressed", counts[i]);
                jsonw_obj_close(w);
        }
        jsonw_arr_close(w);
}

/* key: [n strings stored stride bytes apart from first], for the fixed-size exception lists */
static void write_str_array(JsonW *w, const char *key, const char *first, size_t stride, unsigned n)
{
        jsonw_key(w, key);
        jsonw_arr_open(w);
        for (unsigned i = 0; i < n; i++)
                jsonw_str(w, first + i * stride);
        jsonw_arr_close(w);
}

void context_describe_rule_json(Context *c, const RuleState *s, JsonW *w, bool full)
{
        const Rule *r = s->rule;

        jsonw_obj_open(w);
        rule_write_json_fields(w, r);
        jsonw_key(w, "events");
        jsonw_arr_open(w);
        for (unsigned k = 0; k < r->nneeds; k++)
                jsonw_str(w, r->needs[k].event);
        jsonw_arr_close(w);
        jsonw_key(w, "enabled");
        jsonw_bool(w, s->enabled);
        jsonw_key(w, "available");
        jsonw_bool(w, s->available);
        jsonw_kv_str(w, "unavailableReason", s->available ? "" : s->unavailable_reason);
        jsonw_key(w, "degraded");
        jsonw_bool(w, s->available && s->degraded);
        jsonw_kv_str(w, "degradedReason", s->available && s->degraded ? s->degraded_reason : "");
        jsonw_kv_uint(w, "detections", s->findings);
        jsonw_kv_uint(w, "suppressed", s->suppressed);
        jsonw_kv_uint(w, "suppressedByDefaults", s->suppressed_by_defaults);
        jsonw_key(w, "defaultExceptionsEnabled");
        jsonw_bool(w, s->defaults_enabled);
        if (!full) {
                /* the exceptions are the ways not to be seen: how many, for root what */
                jsonw_kv_uint(w, "defaultExceptionsCount", s->n_defaults);
                jsonw_kv_uint(w, "exceptionsCount", s->exc.n_exe + s->exc.n_comm + s->exc.n_uid +
                              s->exc.n_container + s->exc.n_combined);
                jsonw_kv_str(w, "exceptionsShown", "root only");
                jsonw_obj_close(w);
                return;
        }
        write_exception_list(w, "defaultExceptions", s->defaults, s->default_suppressed, s->n_defaults);
        jsonw_key(w, "exceptions");
        jsonw_obj_open(w);
        write_str_array(w, "exe", s->exc.exe_glob[0], sizeof(s->exc.exe_glob[0]), s->exc.n_exe);
        write_str_array(w, "comm", s->exc.comm[0], sizeof(s->exc.comm[0]), s->exc.n_comm);
        jsonw_key(w, "uid");
        jsonw_arr_open(w);
        for (unsigned i = 0; i < s->exc.n_uid; i++)
                jsonw_uint(w, s->exc.uid[i]);
        jsonw_arr_close(w);
        write_str_array(w, "container", s->exc.container[0], sizeof(s->exc.container[0]), s->exc.n_container);
        write_exception_list(w, "combined", s->exc.combined, s->combined_suppressed, s->exc.n_combined);
        jsonw_obj_close(w);
        jsonw_obj_close(w);
}

/* "sinks": what the journal writer and the Detection signal could not deliver, and why. */
static void describe_sinks(Context *c, JsonW *w)
{
        JournalQueueStats js;

        journal_queue_get_stats(c->journal_queue, &js);
        jsonw_key(w, "sinks");
        jsonw_obj_open(w);
        jsonw_key(w, "journal");
        jsonw_obj_open(w);
        jsonw_kv_str(w, "state", !c->journal_queue ? "off" : js.stalled_usec >= JOURNAL_STALLED_USEC ? "stalled" :
                     "ok");
        jsonw_kv_uint(w, "sent", js.sent);
        jsonw_kv_uint(w, "dropped", js.dropped);
        jsonw_kv_uint(w, "failed", js.failed);
        jsonw_kv_uint(w, "queued", js.queued);
        jsonw_kv_uint(w, "queuedBytes", js.queued_bytes);
        jsonw_kv_uint(w, "maxBytes", js.max_bytes);
        jsonw_kv_uint(w, "stalledMs", js.stalled_usec / 1000);
        jsonw_kv_str(w, "lastError", js.last_error ? strerror(-js.last_error) : "");
        jsonw_obj_close(w);
        jsonw_key(w, "dbusSignals");
        jsonw_obj_open(w);
        jsonw_kv_uint(w, "sent", c->bus_signals_sent);
        jsonw_kv_uint(w, "dropped", c->bus_signals_dropped);
        jsonw_kv_uint(w, "maxQueued", BUS_WQUEUE_MAX);
        jsonw_obj_close(w);
        jsonw_obj_close(w);
}

void context_describe_json(Context *c, JsonW *w, bool full)
{
        PipelineStats st = {};
        size_t n;
        RuleState *rs = engine_rules(c->engine, &n);

        if (c->pipeline)
                (void) pipeline_get_stats(c->pipeline, &st);
        jsonw_obj_open(w);
        jsonw_kv_str(w, "version", TRACEE_VERSION);
        jsonw_kv_str(w, "state", c->status);
        jsonw_kv_uint(w, "pid", getpid());
        jsonw_kv_uint(w, "startedAt", c->started_at_usec);
        jsonw_kv_uint(w, "eventsReceived", st.events);
        jsonw_kv_uint(w, "eventsLost", st.lost);
        jsonw_kv_uint(w, "eventsShed", st.shed);
        jsonw_kv_uint(w, "eventsShedReported", st.shed_reported);
        jsonw_kv_uint(w, "eventsFilteredInKernel", st.filtered);
        jsonw_kv_uint(w, "recordsMalformed", st.malformed);
        /* the cgroup and process tables (pipeline.h PipelineStats) */
        jsonw_kv_uint(w, "cgroupsEvicted", st.cgroups_evicted);
        jsonw_kv_uint(w, "cgroupsLearntFromProc", st.cgroups_learnt);
        jsonw_kv_uint(w, "cgroupsRefusedAsContainers", st.cgroups_refused);
        jsonw_kv_uint(w, "processesRelearnt", st.procs_relearnt);
        jsonw_kv_int(w, "eventsPerSecond", (int64_t) c->events_per_sec);
        jsonw_kv_uint(w, "detections", c->findings);
        jsonw_kv_uint(w, "rulesEnabled", context_rules_enabled(c));
        jsonw_kv_uint(w, "rulesDegraded", context_rules_degraded(c));
        /* startup settings a reload changed: they take effect at the next restart */
        jsonw_key(w, "restartNeeded");
        jsonw_arr_open(w);
        for (int k = 0; k < _STARTUP_KEY_MAX; k++)
                if (c->restart_needed & (1u << k))
                        jsonw_str(w, startup_key_to_string(k));
        jsonw_arr_close(w);
        /* the 32-bit syscall ABI: whether this kernel takes it, whether it is watched */
        jsonw_key(w, "compatSyscalls");
        jsonw_obj_open(w);
        jsonw_kv_str(w, "ia32Emulation", compat_abi_to_string(c->ia32.abi));
        jsonw_kv_str(w, "probe", c->ia32.seen);
        jsonw_kv_str(w, "kernelCommandLine", c->ia32.cmdline < 0 ? "" : c->ia32.cmdline ? "ia32_emulation=1" :
                     "ia32_emulation=0");
        jsonw_key(w, "watched");
        jsonw_bool(w, c->compat_watch);
        jsonw_kv_uint(w, "syscallsWatched", c->pipeline ? bpf_compat_watched(c->pipeline->bpf) : 0);
        jsonw_key(w, "degraded");
        jsonw_bool(w, context_rules_degraded(c) > 0);
        if (context_rules_degraded(c) > 0)
                jsonw_kv_str(w, "howToClose", "compat_syscalls=yes in [agent] of " CONFIG_DEFAULT_PATH
                             " (or --compat-syscalls) and a restart, or ia32_emulation=0 on the kernel command line");
        jsonw_obj_close(w);
        jsonw_key(w, "journal");
        jsonw_bool(w, c->journal && journal_available());
        jsonw_kv_str(w, "configFile", c->arg_config ? c->arg_config : CONFIG_DEFAULT_PATH);
        jsonw_kv_str(w, "stateFile", c->state_path);
        jsonw_key(w, "rules");
        jsonw_arr_open(w);
        for (size_t i = 0; i < n; i++)
                write_rule_brief(w, &rs[i]);
        jsonw_arr_close(w);
        jsonw_key(w, "webhooks");
        webhooks_describe_json(c->webhooks, w, full);
        jsonw_key(w, "fold");
        fold_describe_json(c->fold, w);
        describe_sinks(c, w);
        jsonw_obj_close(w);
}

/* ---------------------------------------------------------------------------------------------- */

static void mark_unavailable(Engine *e)
{
        size_t n;
        const EventDef *all = catalog_all(&n);
        uint32_t missing[64];
        unsigned nm = 0;

        if (tracefs_ensure() < 0 && access("/sys/kernel/tracing/events/syscalls", F_OK) < 0)
                return;         /* can't tell without tracefs (unprivileged --list) */
        for (size_t i = 0; i < n && nm < 64; i++)
                if (all[i].tracepoint && !bpf_event_available(all[i].tracepoint))
                        missing[nm++] = all[i].id;
        engine_mark_unavailable(e, missing, nm);
}

/*
 * The rules 32-bit syscalls could evade, when this kernel takes them (or may) and they are not
 * watched. Returns how many enabled rules are degraded.
 */
static unsigned mark_degraded(Context *c)
{
        const char *fix = c->ia32.abi == COMPAT_ABI_ON ?
                "ia32 emulation is on: compat_syscalls=yes (--compat-syscalls) watches 32-bit syscalls, "
                "ia32_emulation=0 on the kernel command line turns them off" :
                "ia32 emulation may be on (the probe could not tell): compat_syscalls=yes (--compat-syscalls) "
                "watches 32-bit syscalls, ia32_emulation=0 on the kernel command line turns them off";

        if (c->ia32.abi == COMPAT_ABI_OFF || c->compat_watch)
                return engine_mark_degraded(c->engine, NULL, NULL);
        return engine_mark_degraded(c->engine, compat_event_translated, fix);
}

/* One message at start about 32-bit syscalls: degraded rules, or the watch and what it costs. */
static void log_compat(Context *c)
{
        size_t n;
        RuleState *rs = engine_rules(c->engine, &n);
        char ids[128] = "";
        size_t o = 0;
        unsigned k = 0;

        if (c->ia32.abi == COMPAT_ABI_OFF) {
                log_full_errno(c->compat_watch ? LOG_INFO : LOG_DEBUG, 0, "32-bit syscalls: this kernel refuses them "
                               "(%s), nothing to watch", c->ia32.seen);
                return;
        }
        if (c->compat_watch) {
                log_info("watching %u 32-bit syscall(s) through raw sys_exit (ia32 emulation %s: %s); every "
                         "syscall on this machine pays for it, see tracee.conf(5)",
                         c->pipeline ? bpf_compat_watched(c->pipeline->bpf) : 0, compat_abi_to_string(c->ia32.abi),
                         c->ia32.seen);
                return;
        }
        for (size_t i = 0; i < n; i++)
                if (rs[i].enabled && rs[i].available && rs[i].degraded) {
                        k++;
                        if (o < sizeof(ids))
                                o += snprintf(ids + o, sizeof(ids) - o, "%s%s", o ? ", " : "", rs[i].rule->id);
                }
        if (k == 0)
                return;
        log_struct(LOG_WARNING, TRACEE_MESSAGE_DEGRADED,
                   "%u enabled rule(s) degraded (%s): this kernel runs 32-bit syscalls (ia32 emulation %s: %s) and "
                   "they are not watched; set compat_syscalls=yes in [agent] of %s (or --compat-syscalls) to watch "
                   "them, or boot with ia32_emulation=0 to turn them off", k, ids,
                   compat_abi_to_string(c->ia32.abi), c->ia32.seen, c->arg_config ? c->arg_config : CONFIG_DEFAULT_PATH);
}

static int parse_args(Context *c, int argc, char **argv, bool *ret_list, bool *ret_check)
{
        enum { ARG_LIST = 0x100, ARG_RINGBUF, ARG_BTF, ARG_LDLP, ARG_VERSION, ARG_JOURNAL, ARG_CHECK, ARG_RAW,
               ARG_COMPAT };
        static const struct option opts[] = {
                { "config", required_argument, NULL, 'c' },
                { "rules", required_argument, NULL, 'r' },
                { "output", required_argument, NULL, 'o' },
                { "journal", required_argument, NULL, ARG_JOURNAL },
                { "exceptions", required_argument, NULL, 'x' },
                { "ld-library-path", no_argument, NULL, ARG_LDLP },
                { "raw-syscall-fallback", no_argument, NULL, ARG_RAW },
                { "compat-syscalls", optional_argument, NULL, ARG_COMPAT },
                { "list", no_argument, NULL, ARG_LIST },
                { "check", no_argument, NULL, ARG_CHECK },
                { "ringbuf-size", required_argument, NULL, ARG_RINGBUF },
                { "btf-file", required_argument, NULL, ARG_BTF },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        int opt;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "c:r:o:x:vh", opts, NULL)) >= 0) {
                switch (opt) {
                case 'c':
                        c->arg_config = optarg;
                        break;
                case 'r':
                        c->arg_rules = optarg;
                        break;
                case 'o':
                        if (strcmp(optarg, "json") == 0)
                                c->arg_output = STDOUT_JSON;
                        else if (strcmp(optarg, "table") == 0)
                                c->arg_output = STDOUT_TABLE;
                        else if (strcmp(optarg, "none") == 0)
                                c->arg_output = STDOUT_NONE;
                        else
                                return log_error_errno(EINVAL, "--output '%s': expected table, json or none", optarg);
                        break;
                case ARG_JOURNAL: {
                        bool b;

                        if (!parse_boolean(optarg, &b))
                                return log_error_errno(EINVAL, "--journal '%s': expected yes or no", optarg);
                        c->arg_journal = b;
                        break;
                }
                case 'x':
                        c->arg_exceptions = optarg;
                        break;
                case ARG_LDLP:
                        c->arg_ld_library_path = true;
                        break;
                case ARG_RAW:
                        c->arg_raw_fallback = true;
                        break;
                case ARG_COMPAT: {
                        bool b = true;

                        if (optarg && !parse_boolean(optarg, &b))
                                return log_error_errno(EINVAL, "--compat-syscalls '%s': expected yes or no", optarg);
                        c->arg_compat_syscalls = b;
                        break;
                }
                case ARG_LIST:
                        *ret_list = true;
                        break;
                case ARG_CHECK:
                        *ret_check = true;
                        break;
                case ARG_RINGBUF:
                        if (!parse_ringbuf_size(optarg, &c->arg_ringbuf_size))
                                return log_error_errno(EINVAL, "--ringbuf-size '%s': expected a power of two "
                                                       "from 4096 bytes to 1G (K, M, G suffixes allowed)", optarg);
                        break;
                case ARG_BTF:
                        c->arg_btf_file = optarg;
                        break;
                case 'v':
                        log_set_max_level(LOG_DEBUG);
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("tracee " TRACEE_VERSION "\n");
                        return 0;
                default:
                        return -EINVAL;
                }
        }
        if (optind < argc)
                return log_error_errno(EINVAL, "unexpected argument '%s' (see tracee --help)", argv[optind]);
        return 1;
}

static int log_to_journal_queue(const struct iovec *iov, unsigned n, void *userdata)
{
        (void) journal_queue_sendv(userdata, iov, n);  /* dropped: counted */
        return 0;
}

static void context_done(Context *c)
{
        pipeline_free(c->pipeline);
        c->pipeline = NULL;
        c->webhooks = webhooks_free(c->webhooks);
        c->fold = fold_free(c->fold);
        bus_done(c);
        sd_event_source_disable_unref(c->status_timer);
        sd_event_source_disable_unref(c->sighup);
        sd_event_unref(c->event);
        engine_free(c->engine);
        free(c->config);
        jsonw_done(&c->w);
        /* last: the messages above went through it */
        log_set_journal_writer(NULL, NULL);
        c->journal_queue = journal_queue_free(c->journal_queue, JOURNAL_STOP_TIMEOUT_USEC);
}

int detect_main(int argc, char **argv)
{
        Context c = { .arg_output = -1, .arg_journal = -1, .arg_compat_syscalls = -1, .status = "starting" };
        BpfOptions bo = {};
        Config *cfg = NULL;
        char err[512] = "";
        bool list = false, check = false;
        int r;

        /* Under systemd, our own messages go to the journal with their fields. */
        if ((getenv("INVOCATION_ID") || getenv("JOURNAL_STREAM")) && journal_available())
                log_set_target(LOG_TARGET_JOURNAL);
        else if (journal_available())
                log_set_journal_copy(true);     /* in a terminal: start, stop, config problems also go there */

        r = engine_new(on_finding, &c, &c.engine);
        if (r < 0)
                return log_error_errno(r, "cannot set up the rule engine: %m");
        r = parse_args(&c, argc, argv, &list, &check);
        if (r <= 0)
                goto out;

        r = config_read(&c, &cfg, err, sizeof(err));
        if (r < 0) {
                log_struct(LOG_ERR, TRACEE_MESSAGE_CONFIG, "not starting: %s", err);
                goto out;
        }
        snprintf(c.state_path, sizeof(c.state_path), "%s/" STATE_FILE_NAME, cfg->state_directory);
        if (!list && !check) {
                r = state_load(c.state_path, &c.state);
                if (r == -EBADMSG)
                        log_warning("state file %s is corrupt or truncated; using what could be read and the "
                                    "configuration for the rest", c.state_path);
                else if (r < 0)
                        log_warning_errno(r, "cannot read state file %s, ignoring: %m", c.state_path);
        }
        r = context_apply(&c, cfg, err, sizeof(err));
        if (r < 0) {
                free(cfg);
                log_struct(LOG_ERR, TRACEE_MESSAGE_CONFIG, "not starting: %s", err);
                goto out;
        }
        if (check) {
                printf("configuration OK: %u rules enabled\n", context_rules_enabled(&c));
                r = 0;
                goto out;
        }
        if (!c.arg_raw_fallback && !c.config->raw_syscall_fallback)
                mark_unavailable(c.engine);
        c.compat_watch = c.arg_compat_syscalls >= 0 ? c.arg_compat_syscalls : c.config->compat_syscalls;
        context_startup_record(&c);
        compat_probe(&c.ia32);
        (void) mark_degraded(&c);
        if (list) {
                list_rules(stdout, c.engine);
                r = 0;
                goto out;
        }
        if (geteuid() != 0) {
                r = log_error_errno(EPERM, "detection needs root (or CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE); "
                                    "run it with sudo");
                goto out;
        }
        log_preload();
        {
                size_t n;
                RuleState *rs = engine_rules(c.engine, &n);

                for (size_t i = 0; i < n; i++)
                        if (rs[i].enabled && !rs[i].available)
                                log_warning("rule %s (%s) is unavailable: %s", rs[i].rule->id, rs[i].rule->name,
                                            rs[i].unavailable_reason);
        }

        /* From here on the journal is written by a thread of its own: journald never blocks the loop. */
        r = journal_queue_new(c.config->journal_queue_bytes, &c.journal_queue);
        if (r < 0) {
                log_error_errno(r, "cannot start the journal writer thread: %m");
                goto out;
        }
        if (journal_available())
                log_set_journal_writer(log_to_journal_queue, c.journal_queue);

        r = sd_event_default(&c.event);
        if (r < 0) {
                log_error_errno(r, "cannot create the event loop: %m");
                goto out;
        }
        {
                sigset_t ss;

                sigemptyset(&ss);
                sigaddset(&ss, SIGINT);
                sigaddset(&ss, SIGTERM);
                sigaddset(&ss, SIGHUP);
                sigprocmask(SIG_BLOCK, &ss, NULL);
                (void) sd_event_add_signal(c.event, NULL, SIGINT, NULL, NULL);
                (void) sd_event_add_signal(c.event, NULL, SIGTERM, NULL, NULL);
                (void) sd_event_add_signal(c.event, &c.sighup, SIGHUP, on_sighup, &c);
        }
        (void) sd_event_set_watchdog(c.event, true);

        bo.ringbuf_size = c.arg_ringbuf_size ? c.arg_ringbuf_size : c.config->ringbuf_size;
        bo.raw_fallback = c.arg_raw_fallback || c.config->raw_syscall_fallback;
        bo.shed = true;
        /* no 32-bit syscall to watch on a kernel that refuses them: nothing to pay for */
        bo.compat_syscalls = c.compat_watch && c.ia32.abi != COMPAT_ABI_OFF;
        bo.btf_file = c.arg_btf_file ? c.arg_btf_file : (*c.config->btf_file ? c.config->btf_file : NULL);
        {
                const char *f = getenv("TRACEE_BPF_FILE");

                bo.bpf_object = f && *f ? f : (*c.config->bpf_object ? c.config->bpf_object : NULL);
        }
        setvbuf(stdout, NULL, _IOFBF, 1 << 16);
        r = pipeline_new(c.event, &bo, on_event, &c, &c.pipeline);
        if (r < 0)
                goto out;
        c.pipeline->on_tick = on_tick;
        engine_set_proctable(c.engine, &c.pipeline->procs);
        r = context_update_kernel(&c);
        if (r < 0)
                goto out;
        r = webhooks_new(c.event, c.config, &c.webhooks);
        if (r < 0) {
                log_error_errno(r, "not starting: cannot set up the webhooks: %m");
                goto out;
        }
        r = fold_new(&c.config->fold, on_fold_summary, &c, &c.fold);
        if (r < 0) {
                log_error_errno(r, "not starting: cannot set up the folding table (%u keys): %m", c.config->fold.keys);
                goto out;
        }
        {
                sd_event_source *x = NULL;

                r = sd_event_add_exit(c.event, &x, on_loop_exit, &c);
                if (r >= 0) {
                        (void) sd_event_source_set_priority(x, SD_EVENT_PRIORITY_IMPORTANT);
                        (void) sd_event_source_set_floating(x, true);
                        sd_event_source_unref(x);
                }
                r = 0;
        }

        r = bus_setup(&c);
        if (r < 0) {
                log_warning_errno(r, "D-Bus control is off for now: cannot serve %s on the system bus: %m "
                                  "(detection goes on; retrying in the background)", TRACEE_BUS_NAME);
                r = 0;
        }
        if (c.journal && !journal_available()) {
                c.journal_warned = true;
                log_warning("the journal is not available (/run/systemd/journal/socket is missing): findings go "
                            "to standard output%s and D-Bus only", c.out == STDOUT_NONE ? " (off: --output none)" : "");
        }
        r = sd_event_add_time_relative(c.event, &c.status_timer, CLOCK_MONOTONIC, STATUS_INTERVAL_USEC, 100000,
                                       on_status_timer, &c);
        if (r >= 0)
                (void) sd_event_source_set_enabled(c.status_timer, SD_EVENT_ON);

        c.started_at_usec = now_usec(CLOCK_REALTIME);
        c.status = "running";
        log_compat(&c);
        log_struct(LOG_INFO, TRACEE_MESSAGE_STARTED, "started: %u rules enabled, %u programs attached",
                   context_rules_enabled(&c), bpf_attached_count(c.pipeline->bpf));
        (void) sd_notify(0, "READY=1");
        notify_status(&c);
        r = sd_event_loop(c.event);

        c.status = "stopping";
        (void) sd_notify(0, "STOPPING=1");
        (void) pipeline_drain(c.pipeline);
        log_fold_totals(&c);
        fflush(stdout);
        pipeline_report_gaps(c.pipeline);
        {
                PipelineStats st;

                if (pipeline_get_stats(c.pipeline, &st) == 0)
                        log_struct(st.lost || st.shed ? LOG_WARNING : LOG_INFO, TRACEE_MESSAGE_STOPPED,
                                   "stopped: %llu events, %llu detections, %llu events lost, %llu shed",
                                   (unsigned long long) st.events, (unsigned long long) c.findings,
                                   (unsigned long long) st.lost, (unsigned long long) st.shed);
        }
out:
        context_done(&c);
        return r < 0 ? r : 0;
}
