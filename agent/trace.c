/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `tracee trace`: stream raw events with filters, as JSON lines or a table.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "catalog.h"
#include "compat.h"
#include "config.h"
#include "evfmt.h"
#include "filter.h"
#include "log.h"
#include "pipeline.h"
#include "trace.h"

typedef enum OutputMode {
        OUTPUT_JSON,
        OUTPUT_TABLE,
        OUTPUT_NONE,
} OutputMode;

/* JSON lines are gathered in TraceCtx.w and written with write(2) once this many bytes are pending,
 * and after every drain of the ring buffer (so at least every 10 ms tick). */
#define JSON_FLUSH_BYTES (128u << 10)

typedef struct TraceCtx {
        bool want[TR_MAX_EVENT_ID];
        TraceFilter filter;
        OutputMode mode;
        FILE *out;              /* table output; for JSON only its fd is used, see json_flush() */
        JsonW w;                /* JSON lines not written yet */
        bool write_failed;
        uint64_t printed;
} TraceCtx;

static void help(void)
{
        printf("Usage: tracee trace [OPTIONS]\n\n"
               "Stream system events (syscalls with decoded arguments, process exec/fork/exit).\n\n"
               "Options:\n"
               "  -e, --events LIST       events or sets to trace, comma separated (default: all)\n"
               "  -f, --filter EXPR       only events matching EXPR (repeatable; all must match):\n"
               "                            comm=NAME[,NAME]  pid=N  uid=N  mntns=N  pidns=N  (and !=)\n"
               "                            container  host  EVENT.ARG=VALUE (VALUE may use *)\n"
               "                            EVENT.retval=N  EVENT.retval<N  EVENT.retval>N\n"
               "  -o, --output FORMAT     json (default), table or none\n"
               "      --output-file PATH  write events to PATH instead of standard output\n"
               "      --exec-env          capture the environment of exec'd programs\n"
               "      --raw-syscall-fallback  trace syscalls that have no tracepoint of their own through raw\n"
               "                          sys_enter/sys_exit (costs every syscall on the machine ~40 ns)\n"
               "      --compat-syscalls[=yes|no]  also trace 32-bit syscalls (int $0x80, 32-bit programs),\n"
               "                          as the x86_64 syscall events they do, with \"compat\": true (raw\n"
               "                          sys_exit: costs every syscall on the machine; default no)\n"
               "      --ringbuf-size N    ring buffer size in bytes (power of two; default 8 MiB)\n"
               "      --btf-file PATH     BTF of the running kernel, when it has no /sys/kernel/btf/vmlinux\n"
               "      --list-events       print the events, their arguments and sets, and exit\n"
               "  -v, --verbose           debug messages\n"
               "  -h, --help              this help\n\n"
               "The environment variable TRACEE_BPF_FILE names a prebuilt BPF object to load instead of\n"
               "the built-in one. Lost events are counted and reported on standard error.\n\n"
               "Examples:\n"
               "  tracee trace --events execve,openat\n"
               "  tracee trace --events file --filter comm=bash --filter 'openat.pathname=/etc/*'\n"
               "  tracee trace --events process --filter container --output table\n");
}

static void list_events(void)
{
        size_t n;
        const EventDef *all = catalog_all(&n);

        printf("%-20s %-28s %s\n", "EVENT", "SETS", "ARGUMENTS");
        for (size_t i = 0; i < n; i++) {
                char sets[128] = "";
                size_t o = 0;

                for (unsigned b = 1; b < (1u << 6); b <<= 1)
                        if (all[i].sets & b)
                                o += snprintf(sets + o, sizeof(sets) - o, "%s%s", o ? "," : "", event_set_name(b));
                printf("%-20s %-28s ", all[i].name, sets);
                for (unsigned a = 0; a < all[i].nargs; a++)
                        printf("%s%s %s", a ? ", " : "", all[i].args[a].type, all[i].args[a].name);
                if (all[i].tracepoint && !bpf_event_available(all[i].tracepoint))
                        printf("  [unavailable: no tracepoint syscalls:sys_enter_%s on this kernel]",
                               all[i].tracepoint);
                printf("\n");
        }
}

/* Writes the pending JSON lines. The output is blocking in all but odd cases (an inherited non-blocking
 * pipe): then wait for it, as stdio would have failed instead. */
static void json_flush(TraceCtx *t)
{
        int fd = fileno(t->out);
        size_t o = 0;

        while (o < t->w.len) {
                ssize_t k = write(fd, t->w.buf + o, t->w.len - o);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && errno == EAGAIN) {
                        struct pollfd pfd = { .fd = fd, .events = POLLOUT };

                        (void) poll(&pfd, 1, -1);
                        continue;
                }
                if (k <= 0) {
                        if (!t->write_failed)
                                log_warning_errno(k < 0 ? errno : EIO, "cannot write events: %m; dropping them");
                        t->write_failed = true;
                        break;
                }
                o += k;
        }
        jsonw_reset(&t->w);
}

static void json_append(TraceCtx *t, const Event *e)
{
        size_t start = t->w.len;

        event_write_json(&t->w, e);
        if (!jsonw_ok(&t->w) && start > 0) {
                /* Past the bound, which is per event: write out the lines before it and try it alone. */
                jsonw_truncate(&t->w, start);
                json_flush(t);
                event_write_json(&t->w, e);
        }
        if (!jsonw_ok(&t->w)) {
                /* larger than JSONW_MAX on its own: not printed */
                jsonw_truncate(&t->w, 0);
                return;
        }
        jsonw_newline(&t->w);
        if (t->w.len >= JSON_FLUSH_BYTES)
                json_flush(t);
}

static int on_event(void *userdata, Event *e)
{
        TraceCtx *t = userdata;

        if (e->h.type >= TR_MAX_EVENT_ID || !t->want[e->h.type])
                return 0;
        if (!filter_match_args(&t->filter, e))
                return 0;
        t->printed++;
        switch (t->mode) {
        case OUTPUT_JSON:
                json_append(t, e);
                break;
        case OUTPUT_TABLE:
                event_print_table(t->out, e);
                break;
        case OUTPUT_NONE:
                break;
        }
        return 0;
}

static void on_drained(void *userdata)
{
        TraceCtx *t = userdata;

        if (t->mode == OUTPUT_JSON)
                json_flush(t);
        else if (t->out)
                fflush(t->out);
}

int trace_main(int argc, char **argv)
{
        enum { ARG_OUTPUT_FILE = 0x100, ARG_LIST_EVENTS, ARG_EXEC_ENV, ARG_RINGBUF, ARG_BTF, ARG_RAW, ARG_COMPAT };
        static const struct option opts[] = {
                { "events", required_argument, NULL, 'e' },
                { "filter", required_argument, NULL, 'f' },
                { "output", required_argument, NULL, 'o' },
                { "output-file", required_argument, NULL, ARG_OUTPUT_FILE },
                { "list-events", no_argument, NULL, ARG_LIST_EVENTS },
                { "exec-env", no_argument, NULL, ARG_EXEC_ENV },
                { "raw-syscall-fallback", no_argument, NULL, ARG_RAW },
                { "compat-syscalls", optional_argument, NULL, ARG_COMPAT },
                { "ringbuf-size", required_argument, NULL, ARG_RINGBUF },
                { "btf-file", required_argument, NULL, ARG_BTF },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        TraceCtx *t;
        BpfOptions bo = { .compat_syscalls = CONFIG_COMPAT_SYSCALLS_DEFAULT };
        CompatProbe ia32;
        sd_event *ev = NULL;
        Pipeline *p = NULL;
        const char *events = NULL, *output_file = NULL;
        EventWant *wants = NULL;
        PipelineStats st;
        char err[512];
        int c, r;

        t = calloc(1, sizeof(*t));
        if (!t)
                return log_error_errno(ENOMEM, "out of memory");
        t->mode = OUTPUT_JSON;
        t->out = stdout;
        optind = 1;
        while ((c = getopt_long(argc, argv, "e:f:o:vh", opts, NULL)) >= 0) {
                switch (c) {
                case 'e':
                        events = optarg;
                        break;
                case 'f':
                        if (filter_parse(&t->filter, optarg, err, sizeof(err)) < 0) {
                                r = log_error_errno(EINVAL, "%s", err);
                                goto out;
                        }
                        break;
                case 'o':
                        if (strcmp(optarg, "json") == 0)
                                t->mode = OUTPUT_JSON;
                        else if (strcmp(optarg, "table") == 0)
                                t->mode = OUTPUT_TABLE;
                        else if (strcmp(optarg, "none") == 0)
                                t->mode = OUTPUT_NONE;
                        else {
                                r = log_error_errno(EINVAL, "--output '%s': expected json, table or none", optarg);
                                goto out;
                        }
                        break;
                case ARG_OUTPUT_FILE:
                        output_file = optarg;
                        break;
                case ARG_LIST_EVENTS:
                        list_events();
                        r = 0;
                        goto out;
                case ARG_EXEC_ENV:
                        bo.exec_env = true;
                        break;
                case ARG_RAW:
                        bo.raw_fallback = true;
                        break;
                case ARG_COMPAT:
                        bo.compat_syscalls = true;
                        if (optarg && !parse_boolean(optarg, &bo.compat_syscalls)) {
                                r = log_error_errno(EINVAL, "--compat-syscalls '%s': expected yes or no", optarg);
                                goto out;
                        }
                        break;
                case ARG_RINGBUF:
                        if (!parse_ringbuf_size(optarg, &bo.ringbuf_size)) {
                                r = log_error_errno(EINVAL, "--ringbuf-size '%s': expected a power of two "
                                                    "from 4096 bytes to 1G (K, M, G suffixes allowed)", optarg);
                                goto out;
                        }
                        break;
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
                default:
                        r = -EINVAL;
                        goto out;
                }
        }
        if (optind < argc) {
                r = log_error_errno(EINVAL, "unexpected argument '%s' (see tracee trace --help)", argv[optind]);
                goto out;
        }
        if (events) {
                if (events_parse(events, t->want, err, sizeof(err)) < 0) {
                        r = log_error_errno(EINVAL, "%s", err);
                        goto out;
                }
        } else
                (void) events_parse("all", t->want, err, sizeof(err));
        /* an argument filter on an event that is not traced would silently match nothing */
        for (unsigned i = 0; i < t->filter.n_args; i++)
                if (!t->want[t->filter.args[i].event_id]) {
                        r = log_error_errno(EINVAL, "a filter names event %s, which --events does not trace",
                                            catalog_by_id(t->filter.args[i].event_id)->name);
                        goto out;
                }
        if (output_file) {
                int fd = open(output_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

                if (fd < 0) {
                        r = log_error_errno(errno, "cannot open output file %s: %m", output_file);
                        goto out;
                }
                t->out = fdopen(fd, "w");
                if (!t->out) {
                        close(fd);
                        r = log_error_errno(errno, "cannot open output file %s: %m", output_file);
                        goto out;
                }
        }
        setvbuf(t->out, NULL, _IOFBF, 1 << 16);

        if (geteuid() != 0) {
                r = log_error_errno(EPERM, "tracing needs root (or CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE); "
                                    "run it with sudo");
                goto out;
        }
        r = sd_event_default(&ev);
        if (r < 0) {
                log_error_errno(r, "cannot create the event loop: %m");
                goto out;
        }
        (void) sd_event_set_signal_exit(ev, true);
        {
                sigset_t ss;

                sigemptyset(&ss);
                sigaddset(&ss, SIGINT);
                sigaddset(&ss, SIGTERM);
                sigprocmask(SIG_BLOCK, &ss, NULL);
                (void) sd_event_add_signal(ev, NULL, SIGINT, NULL, NULL);
                (void) sd_event_add_signal(ev, NULL, SIGTERM, NULL, NULL);
        }
        {
                const char *f = getenv("TRACEE_BPF_FILE");

                if (f && *f)
                        bo.bpf_object = f;
        }
        compat_probe(&ia32);
        if (ia32.abi == COMPAT_ABI_OFF)
                bo.compat_syscalls = false;     /* nothing to watch */
        else if (!bo.compat_syscalls)
                log_notice("32-bit syscalls are not traced (ia32 emulation %s: %s); --compat-syscalls traces them",
                            compat_abi_to_string(ia32.abi), ia32.seen);
        r = pipeline_new(ev, &bo, on_event, t, &p);
        if (r < 0)
                goto out;
        p->on_drained = on_drained;
        if (t->filter.k.flags) {
                r = bpf_set_filter(p->bpf, &t->filter.k);
                if (r < 0)
                        goto out;
        }
        wants = calloc(TR_MAX_EVENT_ID, sizeof(EventWant));
        if (!wants) {
                r = log_error_errno(ENOMEM, "out of memory");
                goto out;
        }
        for (unsigned i = 0; i < TR_MAX_EVENT_ID; i++)
                wants[i].on = t->want[i];
        {
                uint32_t unavail[64];
                unsigned nun = 0;

                r = bpf_set_events(p->bpf, wants, unavail, 64, &nun);
                if (r < 0)
                        goto out;
                for (unsigned i = 0; i < nun && i < 64; i++) {
                        const EventDef *d = catalog_by_id(unavail[i]);

                        log_warning("event %s is unavailable: this kernel has no tracepoint syscalls:sys_enter_%s",
                                    d->name, d->tracepoint);
                }
        }
        if (t->mode == OUTPUT_TABLE)
                event_print_table_header(t->out);
        log_info("tracing (%u programs attached); stop with Ctrl-C", bpf_attached_count(p->bpf));
        (void) sd_notify(0, "READY=1\nSTATUS=Tracing");
        r = sd_event_loop(ev);
        (void) sd_notify(0, "STOPPING=1");
        (void) pipeline_drain(p);       /* and writes out what it drained */
        if (pipeline_get_stats(p, &st) == 0)
                /* the losses are said here whatever the periodic warning said (a short run may end before it) */
                log_full_errno(st.lost ? LOG_WARNING : LOG_INFO, 0,
                               "%llu events received, %llu printed, %llu lost, %llu malformed%s",
                               (unsigned long long) st.events, (unsigned long long) t->printed,
                               (unsigned long long) st.lost, (unsigned long long) st.malformed,
                               st.lost ? " (lost: the ring buffer was full; a larger --ringbuf-size or narrower "
                                         "--events/--filter keeps more)" : "");
out:
        pipeline_free(p);
        sd_event_unref(ev);
        free(wants);
        if (t->out && t->out != stdout)
                fclose(t->out);
        jsonw_done(&t->w);
        free(t);
        return r < 0 ? r : 0;
}
