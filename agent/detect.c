/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `tracee` with no subcommand: run the detection rules and print findings.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "catalog.h"
#include "config.h"
#include "detect.h"
#include "engine.h"
#include "finding.h"
#include "log.h"
#include "pipeline.h"

typedef enum FindingOutput {
        FOUT_TABLE,
        FOUT_JSON,
        FOUT_NONE,
} FindingOutput;

typedef struct DetectCtx {
        Engine *engine;
        Pipeline *pipeline;
        FindingOutput out;
        JsonW w;
        uint64_t findings;
} DetectCtx;

static void help(void)
{
        printf("Usage: tracee [OPTIONS]\n"
               "       tracee trace [OPTIONS]      (stream raw events; see tracee trace --help)\n\n"
               "Watch this host with eBPF and report behaviour attackers use. With no options every rule\n"
               "runs and findings are printed on standard output.\n\n"
               "Options:\n"
               "  -r, --rules LIST        run only these rules (IDs, comma separated, e.g. TRC-2,TRC-5)\n"
               "  -o, --output FORMAT     table (default), json or none\n"
               "  -x, --exceptions FILE   per-rule exceptions, INI: [rule TRC-N] with exception_exe=GLOB,\n"
               "                          exception_comm=NAME, exception_uid=N, exception_container=ID\n"
               "      --ld-library-path   TRC-7 also fires on LD_LIBRARY_PATH\n"
               "      --list              print the rules (ID, name, severity, MITRE, tags) and exit\n"
               "      --ringbuf-size N    ring buffer size in bytes (power of two; default 8 MiB)\n"
               "      --btf-file PATH     BTF of the running kernel, when it has no /sys/kernel/btf/vmlinux\n"
               "  -v, --verbose           debug messages\n"
               "  -h, --help              this help\n"
               "      --version           print the version\n\n"
               "Examples:\n"
               "  tracee\n"
               "  tracee --rules TRC-2,TRC-5 --output json\n"
               "  tracee --list\n");
}

static void list_rules(FILE *f, Engine *e)
{
        size_t n;
        RuleState *rs = engine_rules(e, &n);

        fprintf(f, "%-6s %-34s %-8s %-44s %s\n", "ID", "NAME", "SEVERITY", "MITRE ATT&CK", "TAGS");
        for (size_t i = 0; i < n; i++) {
                const Rule *r = rs[i].rule;
                char mitre[128], tags[128] = "";
                size_t o = 0;

                snprintf(mitre, sizeof(mitre), "%s: %s (%s)", r->mitre_tactic, r->mitre_technique, r->mitre_id);
                for (unsigned t = 0; t < RULE_MAX_TAGS && r->tags[t]; t++)
                        o += snprintf(tags + o, sizeof(tags) - o, "%s%s", o ? "," : "", r->tags[t]);
                fprintf(f, "%-6s %-34s %-8s %-44s %s\n", r->id, r->name, severity_to_string(r->severity), mitre,
                        tags);
                fprintf(f, "       %s\n", r->description);
                if (!rs[i].available)
                        fprintf(f, "       unavailable: %s\n", rs[i].unavailable_reason);
        }
}

static void on_finding(void *userdata, const Finding *f)
{
        DetectCtx *c = userdata;

        c->findings++;
        switch (c->out) {
        case FOUT_JSON:
                jsonw_reset(&c->w);
                finding_write_json(&c->w, f);
                if (jsonw_ok(&c->w)) {
                        fwrite(c->w.buf, 1, c->w.len, stdout);
                        fputc('\n', stdout);
                }
                break;
        case FOUT_TABLE:
                finding_print_table(stdout, f);
                break;
        case FOUT_NONE:
                break;
        }
}

static int on_event(void *userdata, Event *e)
{
        DetectCtx *c = userdata;

        engine_dispatch(c->engine, e);
        return 0;
}

static void on_tick(void *userdata)
{
        fflush(stdout);
}

/* Applies --rules: enables exactly the listed IDs. */
static int select_rules(Engine *e, const char *list)
{
        char buf[1024], *save = NULL, *tok;

        if (strlen(list) >= sizeof(buf) || !*list)
                return log_error_errno(EINVAL, "--rules: expected a list of rule IDs such as TRC-2,TRC-5");
        strcpy(buf, list);
        engine_set_all_enabled(e, false);
        for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
                if (engine_set_enabled(e, tok, true) < 0) {
                        const char *c = rule_closest_id(tok);

                        return log_error_errno(ENOENT, "--rules: no rule '%s'%s%s%s; see tracee --list", tok,
                                               c ? " (did you mean " : "", c ? c : "", c ? "?)" : "");
                }
        return 0;
}

int detect_main(int argc, char **argv)
{
        enum { ARG_LIST = 0x100, ARG_RINGBUF, ARG_BTF, ARG_LDLP, ARG_VERSION };
        static const struct option opts[] = {
                { "rules", required_argument, NULL, 'r' },
                { "output", required_argument, NULL, 'o' },
                { "exceptions", required_argument, NULL, 'x' },
                { "ld-library-path", no_argument, NULL, ARG_LDLP },
                { "list", no_argument, NULL, ARG_LIST },
                { "ringbuf-size", required_argument, NULL, ARG_RINGBUF },
                { "btf-file", required_argument, NULL, ARG_BTF },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        DetectCtx c = { .out = FOUT_TABLE };
        BpfOptions bo = {};
        RuleOptions ro = {};
        sd_event *ev = NULL;
        EventWant *wants = NULL;
        const char *rules = NULL, *exceptions = NULL;
        bool list = false;
        int opt, r;

        r = engine_new(on_finding, &c, &c.engine);
        if (r < 0)
                return log_error_errno(r, "cannot set up the rule engine: %m");
        optind = 1;
        while ((opt = getopt_long(argc, argv, "r:o:x:vh", opts, NULL)) >= 0) {
                switch (opt) {
                case 'r':
                        rules = optarg;
                        break;
                case 'o':
                        if (strcmp(optarg, "json") == 0)
                                c.out = FOUT_JSON;
                        else if (strcmp(optarg, "table") == 0)
                                c.out = FOUT_TABLE;
                        else if (strcmp(optarg, "none") == 0)
                                c.out = FOUT_NONE;
                        else {
                                r = log_error_errno(EINVAL, "--output '%s': expected table, json or none", optarg);
                                goto out;
                        }
                        break;
                case 'x':
                        exceptions = optarg;
                        break;
                case ARG_LDLP:
                        ro.ld_library_path = true;
                        break;
                case ARG_LIST:
                        list = true;
                        break;
                case ARG_RINGBUF: {
                        char *end;

                        errno = 0;
                        bo.ringbuf_size = strtoull(optarg, &end, 0);
                        if (errno || *end || bo.ringbuf_size < 4096 || (bo.ringbuf_size & (bo.ringbuf_size - 1))) {
                                r = log_error_errno(EINVAL, "--ringbuf-size '%s': expected a power of two "
                                                    "of at least 4096 bytes", optarg);
                                goto out;
                        }
                        break;
                }
                case ARG_BTF:
                        bo.btf_file = optarg;
                        break;
                case 'v':
                        log_set_max_level(LOG_DEBUG);
                        break;
                case 'h':
                        help();
                        r = 0;
                        goto out;
                case ARG_VERSION:
                        printf("tracee " TRACEE_VERSION "\n");
                        r = 0;
                        goto out;
                default:
                        r = -EINVAL;
                        goto out;
                }
        }
        if (optind < argc) {
                r = log_error_errno(EINVAL, "unexpected argument '%s' (see tracee --help)", argv[optind]);
                goto out;
        }
        if (rules && (r = select_rules(c.engine, rules)) < 0)
                goto out;
        if (exceptions && (r = exceptions_load(exceptions, c.engine)) < 0)
                goto out;
        engine_set_options(c.engine, &ro);
        {
                /* Which rules this kernel can serve (listing needs no privileges). */
                size_t n;
                const EventDef *all = catalog_all(&n);
                uint32_t missing[64];
                unsigned nm = 0;

                if (tracefs_ensure() == 0 || access("/sys/kernel/tracing/events/syscalls", F_OK) == 0)
                        for (size_t i = 0; i < n && nm < 64; i++)
                                if (all[i].tracepoint && !bpf_event_available(all[i].tracepoint))
                                        missing[nm++] = all[i].id;
                engine_mark_unavailable(c.engine, missing, nm);
        }
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
        {
                size_t n;
                RuleState *rs = engine_rules(c.engine, &n);

                for (size_t i = 0; i < n; i++)
                        if (rs[i].enabled && !rs[i].available)
                                log_warning("rule %s (%s) is unavailable: %s", rs[i].rule->id, rs[i].rule->name,
                                            rs[i].unavailable_reason);
        }
        r = sd_event_default(&ev);
        if (r < 0) {
                log_error_errno(r, "cannot create the event loop: %m");
                goto out;
        }
        {
                sigset_t ss;

                sigemptyset(&ss);
                sigaddset(&ss, SIGINT);
                sigaddset(&ss, SIGTERM);
                sigprocmask(SIG_BLOCK, &ss, NULL);
                (void) sd_event_add_signal(ev, NULL, SIGINT, NULL, NULL);
                (void) sd_event_add_signal(ev, NULL, SIGTERM, NULL, NULL);
        }
        wants = calloc(TR_MAX_EVENT_ID, sizeof(EventWant));
        if (!wants) {
                r = log_error_errno(ENOMEM, "out of memory");
                goto out;
        }
        engine_wants(c.engine, wants, &bo.exec_env);
        {
                const char *f = getenv("TRACEE_BPF_FILE");

                if (f && *f)
                        bo.bpf_object = f;
        }
        setvbuf(stdout, NULL, _IOFBF, 1 << 16);
        r = pipeline_new(ev, &bo, on_event, &c, &c.pipeline);
        if (r < 0)
                goto out;
        c.pipeline->on_tick = on_tick;
        engine_set_proctable(c.engine, &c.pipeline->procs);
        r = bpf_set_events(c.pipeline->bpf, wants, NULL, 0, NULL);
        if (r < 0)
                goto out;
        {
                size_t n;
                unsigned on = 0;
                RuleState *rs = engine_rules(c.engine, &n);

                for (size_t i = 0; i < n; i++)
                        on += rs[i].enabled && rs[i].available;
                log_info("watching with %u rule(s), %u programs attached; stop with Ctrl-C", on,
                         bpf_attached_count(c.pipeline->bpf));
        }
        (void) sd_notify(0, "READY=1\nSTATUS=Detecting");
        r = sd_event_loop(ev);
        (void) sd_notify(0, "STOPPING=1");
        (void) pipeline_drain(c.pipeline);
        fflush(stdout);
        {
                PipelineStats st;

                if (pipeline_get_stats(c.pipeline, &st) == 0)
                        log_full_errno(st.lost ? LOG_WARNING : LOG_INFO, 0,
                                       "%llu events, %llu findings, %llu events lost",
                                       (unsigned long long) st.events, (unsigned long long) c.findings,
                                       (unsigned long long) st.lost);
        }
out:
        pipeline_free(c.pipeline);
        engine_free(c.engine);
        sd_event_unref(ev);
        free(wants);
        jsonw_done(&c.w);
        return r < 0 ? r : 0;
}
