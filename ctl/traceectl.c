/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * traceectl: the command-line client of the tracee agent.
 *
 * Talks to the agent over the system bus (org.tracee.Agent1, see agent/bus-api.h) to show its
 * status, list, describe, enable and disable rules and reload the configuration, and reads recent
 * detections from the journal (or follows them live through the Detection signal). Every verb can
 * print JSON for scripts. A failure is reported as one line on standard error, and the exit status
 * tells the main causes apart (see traceectl(8)).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include <systemd/sd-journal.h>

#include "bus-api.h"
#include "jsonw.h"
#include "log.h"
#include "strutil.h"

#define USEC_PER_SEC 1000000ULL
#define DETECTIONS_DEFAULT 10U

/* A detection entry is the agent's only if journald itself recorded that root wrote it, from the
 * agent's unit or from the agent's executable. Fields beginning with "_" are set by journald from
 * the sender's credentials and cgroup (a client cannot send them), so an unprivileged user's forged
 * entry (logger --journald, sd_journal_send) carries its own _UID whatever else it claims; _COMM and
 * SYSLOG_IDENTIFIER are chosen by the sender and prove nothing. */
#define AGENT_UNIT "tracee.service"
#ifndef TRACEE_AGENT_PATH
#error "TRACEE_AGENT_PATH (the installed agent) is set by ctl/meson.build"
#endif

/* Exit statuses besides EXIT_SUCCESS and EXIT_FAILURE; documented in traceectl(8). */
enum {
        EXIT_USAGE = 2,
        EXIT_NOT_RUNNING = 3,
        EXIT_DENIED = 4,
        EXIT_NO_SUCH_RULE = 5,
};

static bool arg_json = false;
static bool arg_pager = true;           /* accepted for systemctl-style scripts; we never page */
static bool arg_follow = false;
static bool arg_since_set = false;
static uint64_t arg_since = 0;          /* CLOCK_REALTIME µs */
static bool arg_lines_set = false;
static unsigned arg_lines = DETECTIONS_DEFAULT;
static bool arg_lines_all = false;
static const char *arg_rule = NULL;
static const char *arg_directory = NULL;
static char arg_agent_exe[PATH_MAX];   /* --agent-exe, resolved; empty: TRACEE_AGENT_PATH */

static const char *const severity_names[] = { "info", "low", "medium", "high", "critical" };

static const char *severity_name(int s)
{
        return s >= 0 && s < (int) (sizeof(severity_names) / sizeof(severity_names[0])) ? severity_names[s] : "unknown";
}

/* For terminal output: untrusted text with control characters made visible. */
static const char *esc(const char *s, char *buf, size_t n)
{
        str_escape_terminal(s ? s : "", s ? strlen(s) : 0, buf, n);
        return buf;
}

static uint64_t now_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
}

static const char *format_time(uint64_t usec, char *buf, size_t n)
{
        time_t t = (time_t) (usec / USEC_PER_SEC);
        struct tm tm;

        if (usec == 0 || !localtime_r(&t, &tm) || strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm) == 0)
                snprintf(buf, n, "n/a");
        return buf;
}

static const char *format_timespan(uint64_t usec, char *buf, size_t n)
{
        uint64_t s = usec / USEC_PER_SEC;
        uint64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;

        if (d > 0)
                snprintf(buf, n, "%" PRIu64 "d %" PRIu64 "h %" PRIu64 "min", d, h, m);
        else if (h > 0)
                snprintf(buf, n, "%" PRIu64 "h %" PRIu64 "min", h, m);
        else if (m > 0)
                snprintf(buf, n, "%" PRIu64 "min %" PRIu64 "s", m, s % 60);
        else
                snprintf(buf, n, "%" PRIu64 "s", s);
        return buf;
}

/* Writes a finished JSON document as one line on standard output. */
static int json_emit(JsonW *w)
{
        if (!jsonw_ok(w))
                return log_error_errno(ENOBUFS, "JSON output too large");
        fwrite(w->buf, 1, w->len, stdout);
        fputc('\n', stdout);
        return 0;
}

/*
 * Parses text (n bytes) as exactly one JSON document: strict syntax, valid UTF-8, nothing after it.
 * Return: the parsed value (the caller puts it), or NULL if text is anything else.
 */
static struct json_object *json_parse_strict(const char *text, size_t n)
{
        struct json_tokener *tok;
        struct json_object *o;

        /* The agent writes its documents with jsonw, never larger than JSONW_MAX. */
        if (!text || n == 0 || n > JSONW_MAX)
                return NULL;
        tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
        if (!tok)
                return NULL;
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        o = json_tokener_parse_ex(tok, text, (int) n);
        if (o && (json_tokener_get_error(tok) != json_tokener_success || json_tokener_get_parse_end(tok) != n)) {
                json_object_put(o);
                o = NULL;
        }
        json_tokener_free(tok);
        return o;
}

/*
 * Writes a parsed JSON value again, member by member, with the same writer (and so the same
 * escaping: control characters, C1 controls, invalid UTF-8) as the agent: what is printed is what
 * was parsed, one line, each key once, never the stored text copied through. The depth is bounded
 * by the tokener's.
 */
static void json_write_value(JsonW *w, struct json_object *o)
{
        switch (json_object_get_type(o)) {
        case json_type_boolean:
                jsonw_bool(w, json_object_get_boolean(o));
                break;
        case json_type_int:
                if (json_object_get_int64(o) < 0)
                        jsonw_int(w, json_object_get_int64(o));
                else
                        jsonw_uint(w, json_object_get_uint64(o));
                break;
        case json_type_double: {
                double d = json_object_get_double(o);
                char buf[64];

                if (!isfinite(d)) {
                        jsonw_null(w);
                        break;
                }
                /* the shortest of these that reads back as the same number */
                for (int prec = 15; prec <= 17; prec++) {
                        snprintf(buf, sizeof(buf), "%.*g", prec, d);
                        if (strtod(buf, NULL) == d)
                                break;
                }
                jsonw_raw(w, buf, strlen(buf));
                break;
        }
        case json_type_string:
                jsonw_strn(w, json_object_get_string(o), (size_t) json_object_get_string_len(o));
                break;
        case json_type_array:
                jsonw_arr_open(w);
                for (size_t i = 0; i < json_object_array_length(o); i++)
                        json_write_value(w, json_object_array_get_idx(o, i));
                jsonw_arr_close(w);
                break;
        case json_type_object:
                jsonw_obj_open(w);
                json_object_object_foreach(o, key, v) {
                        jsonw_key(w, key);
                        json_write_value(w, v);
                }
                jsonw_obj_close(w);
                break;
        case json_type_null:
        default:
                jsonw_null(w);
                break;
        }
}

/* Appends text re-serialised if it is one JSON document, otherwise as a string. */
static void json_embed(JsonW *w, const char *text)
{
        struct json_object *o = text ? json_parse_strict(text, strlen(text)) : NULL;

        if (o) {
                json_write_value(w, o);
                json_object_put(o);
        } else if (text && *text)
                jsonw_str(w, text);
        else
                jsonw_null(w);
}

/* ------------------------------------------------------------------------------------------------
 * Time specifications for --since */

static int parse_relative(const char *s, int sign, uint64_t now, uint64_t *ret)
{
        static const struct {
                const char *name;
                uint64_t usec;
        } units[] = {
                { "seconds", USEC_PER_SEC }, { "second", USEC_PER_SEC }, { "secs", USEC_PER_SEC },
                { "sec", USEC_PER_SEC },     { "s", USEC_PER_SEC },
                { "minutes", 60 * USEC_PER_SEC }, { "minute", 60 * USEC_PER_SEC },
                { "mins", 60 * USEC_PER_SEC },    { "min", 60 * USEC_PER_SEC }, { "m", 60 * USEC_PER_SEC },
                { "hours", 3600 * USEC_PER_SEC }, { "hour", 3600 * USEC_PER_SEC },
                { "hr", 3600 * USEC_PER_SEC },    { "h", 3600 * USEC_PER_SEC },
                { "days", 86400 * USEC_PER_SEC }, { "day", 86400 * USEC_PER_SEC }, { "d", 86400 * USEC_PER_SEC },
                { "weeks", 604800 * USEC_PER_SEC }, { "week", 604800 * USEC_PER_SEC },
                { "w", 604800 * USEC_PER_SEC },
        };
        uint64_t total = 0;
        const char *p = s;

        while (*p == ' ')
                p++;
        if (!*p)
                return -EINVAL;
        while (*p) {
                unsigned long long x;
                uint64_t mult = USEC_PER_SEC;   /* a bare number means seconds */
                char *end;
                size_t i;

                if (*p < '0' || *p > '9')
                        return -EINVAL;
                errno = 0;
                x = strtoull(p, &end, 10);
                if (errno)
                        return -ERANGE;
                p = end;
                while (*p == ' ')
                        p++;
                for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
                        size_t l = strlen(units[i].name);

                        if (strncmp(p, units[i].name, l) == 0 && !(p[l] >= 'a' && p[l] <= 'z')) {
                                mult = units[i].usec;
                                p += l;
                                break;
                        }
                }
                if (i == sizeof(units) / sizeof(units[0]) && *p && !(*p >= '0' && *p <= '9'))
                        return -EINVAL;
                if (x > (UINT64_MAX - total) / mult)
                        return -ERANGE;
                total += x * mult;
                while (*p == ' ')
                        p++;
        }
        if (sign < 0)
                *ret = total > now ? 0 : now - total;
        else {
                if (total > UINT64_MAX - now)
                        return -ERANGE;
                *ret = now + total;
        }
        return 0;
}

static int local_midnight(int day_offset, uint64_t *ret)
{
        time_t t = time(NULL);
        struct tm tm;

        if (!localtime_r(&t, &tm))
                return -EINVAL;
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        tm.tm_mday += day_offset;
        tm.tm_isdst = -1;
        t = mktime(&tm);
        if (t == (time_t) -1 || t < 0)
                return -EINVAL;
        *ret = (uint64_t) t * USEC_PER_SEC;
        return 0;
}

/*
 * Accepts "YYYY-MM-DD HH:MM:SS" (also with a 'T', without seconds, or a date alone), "HH:MM[:SS]"
 * (today), "now", "today", "yesterday", "tomorrow", "@EPOCH", and relative times "-10min",
 * "+1h", "-1h 30min", "2 days ago". Local time. Returns 0 and CLOCK_REALTIME µs, or -EINVAL.
 */
static int parse_timestamp(const char *s, uint64_t *ret)
{
        static const char *const formats[] = {
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
        };
        uint64_t now = now_usec();
        size_t l = strlen(s);

        if (strcmp(s, "now") == 0) {
                *ret = now;
                return 0;
        }
        if (strcmp(s, "today") == 0)
                return local_midnight(0, ret);
        if (strcmp(s, "yesterday") == 0)
                return local_midnight(-1, ret);
        if (strcmp(s, "tomorrow") == 0)
                return local_midnight(1, ret);
        if (s[0] == '-' || s[0] == '+')
                return parse_relative(s + 1, s[0] == '-' ? -1 : 1, now, ret);
        if (l > 4 && strcmp(s + l - 4, " ago") == 0) {
                char buf[128];
                int r;

                if (l - 4 >= sizeof(buf))
                        return -EINVAL;
                memcpy(buf, s, l - 4);
                buf[l - 4] = 0;
                r = parse_relative(buf, -1, now, ret);
                return r;
        }
        if (s[0] == '@') {
                char *end;
                unsigned long long x;

                errno = 0;
                x = strtoull(s + 1, &end, 10);
                if (errno || end == s + 1 || *end || x > UINT64_MAX / USEC_PER_SEC)
                        return -EINVAL;
                *ret = x * USEC_PER_SEC;
                return 0;
        }

        for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]) + 2; i++) {
                struct tm tm = {};
                const char *end;
                time_t t;

                if (i < sizeof(formats) / sizeof(formats[0]))
                        end = strptime(s, formats[i], &tm);
                else {
                        /* a time of day alone means today */
                        time_t n = time(NULL);

                        if (!localtime_r(&n, &tm))
                                return -EINVAL;
                        tm.tm_sec = 0;
                        end = strptime(s, i == sizeof(formats) / sizeof(formats[0]) ? "%H:%M:%S" : "%H:%M", &tm);
                }
                if (!end || *end)
                        continue;
                tm.tm_isdst = -1;
                t = mktime(&tm);
                if (t == (time_t) -1 || t < 0)
                        return -EINVAL;
                *ret = (uint64_t) t * USEC_PER_SEC;
                return 0;
        }
        return -EINVAL;
}

/* ------------------------------------------------------------------------------------------------
 * Bus helpers */

/* Turns a failed call into one line on stderr and an errno that main() maps to an exit status. */
static int call_failed(const char *what, const sd_bus_error *error, int r)
{
        char buf[1024];

        if (sd_bus_error_has_name(error, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
            sd_bus_error_has_name(error, SD_BUS_ERROR_NAME_HAS_NO_OWNER)) {
                log_error("tracee is not running; start it with: systemctl start tracee");
                return -EHOSTDOWN;
        }
        if (sd_bus_error_has_name(error, SD_BUS_ERROR_ACCESS_DENIED) || (!sd_bus_error_is_set(error) &&
                                                                         (r == -EACCES || r == -EPERM))) {
                if (strcmp(what, "reload") == 0)
                        log_error("permission denied: reloading the configuration needs root");
                else if (strstr(what, "rule"))
                        log_error("permission denied: changing rules needs root");
                else
                        log_error("permission denied: %s", what);
                return -EACCES;
        }
        if (sd_bus_error_has_name(error, TRACEE_ERROR_NO_SUCH_RULE)) {
                log_error("%s", esc(error->message, buf, sizeof(buf)));
                return -ENXIO;
        }
        if (sd_bus_error_has_name(error, TRACEE_ERROR_RULE_UNAVAILABLE) ||
            sd_bus_error_has_name(error, TRACEE_ERROR_RELOAD_FAILED) ||
            sd_bus_error_has_name(error, TRACEE_ERROR_INVALID_ARGS)) {
                log_error("%s", esc(error->message, buf, sizeof(buf)));
                return -EIO;
        }
        if (!sd_bus_error_is_set(error) && (r == -ENOENT || r == -ECONNREFUSED || r == -ECONNRESET))
                return log_error_errno(r, "cannot connect to the system bus: %m");
        if (sd_bus_error_is_set(error) && error->message)
                log_error("failed to %s: %s", what, esc(error->message, buf, sizeof(buf)));
        else
                log_error_errno(r, "failed to %s: %m", what);
        return r < 0 ? r : -EIO;
}

static int call(sd_bus *bus, const char *what, const char *member, sd_bus_message **reply, const char *types,
                const char *arg)
{
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        if (types)
                r = sd_bus_call_method(bus, TRACEE_BUS_NAME, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE, member, &error,
                                       reply, types, arg);
        else
                r = sd_bus_call_method(bus, TRACEE_BUS_NAME, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE, member, &error,
                                       reply, NULL);
        if (r < 0)
                r = call_failed(what, &error, r);
        sd_bus_error_free(&error);
        return r;
}

static int bad_reply(int r)
{
        return log_error_errno(r, "cannot parse the agent's reply: %m");
}

/* ------------------------------------------------------------------------------------------------
 * status */

static const char *jstr(struct json_object *o, const char *key)
{
        struct json_object *v;

        return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static int64_t jint(struct json_object *o, const char *key)
{
        struct json_object *v;

        return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

/* The "webhooks" array of Describe(): one line of counters each, and the last error if any. */
static void print_webhooks_human(const char *details)
{
        struct json_object *doc = json_tokener_parse(details), *arr;
        size_t n;

        if (!doc)
                return;
        if (json_object_object_get_ex(doc, "webhooks", &arr) && json_object_is_type(arr, json_type_array) &&
            (n = json_object_array_length(arr)) > 0)
                for (size_t i = 0; i < n && i < 64; i++) {
                        struct json_object *o = json_object_array_get_idx(arr, i);
                        char e1[128], e2[256], e3[32], e4[64], e5[64], e6[512];

                        printf("%s %s %s (%s): %s, %" PRId64 " sent, %" PRId64 " retried, %" PRId64 " failed, %"
                               PRId64 " dropped, %" PRId64 " queued\n", i == 0 ? "    Webhooks:" : "             ",
                               esc(jstr(o, "name"), e1, sizeof(e1)), esc(jstr(o, "url"), e2, sizeof(e2)),
                               esc(jstr(o, "format"), e3, sizeof(e3)), esc(jstr(o, "state"), e4, sizeof(e4)),
                               jint(o, "sent"), jint(o, "retried"), jint(o, "failed"), jint(o, "dropped"),
                               jint(o, "queued"));
                        if (*jstr(o, "lastError"))
                                printf("               last error %s: %s\n", esc(jstr(o, "lastErrorAt"), e5, sizeof(e5)),
                                       esc(jstr(o, "lastError"), e6, sizeof(e6)));
                }
        json_object_put(doc);
}

/* Describe()'s "fold": what was folded into summaries or held back by the rate limits. */
static void print_fold_human(const char *details)
{
        struct json_object *doc = json_tokener_parse(details), *fo;

        if (doc && json_object_object_get_ex(doc, "fold", &fo) && json_object_is_type(fo, json_type_object))
                printf("      Folded: %" PRId64 " sent one by one, %" PRId64 " folded, %" PRId64 " rate-limited, in %"
                       PRId64 " summaries (window %" PRId64 " s, %" PRId64 "/%" PRId64 " keys in use)\n",
                       jint(fo, "sent"), jint(fo, "folded"), jint(fo, "rateLimited"), jint(fo, "summaries"),
                       jint(fo, "windowSeconds"), jint(fo, "keysInUse"), jint(fo, "keys"));
        json_object_put(doc);
}

/* Describe()'s "sinks": the journal writer and the Detection signal, when they dropped or wait. */
static void print_sinks_human(const char *details)
{
        struct json_object *doc = json_tokener_parse(details), *sinks, *o;
        char e1[64], e2[256];

        if (!doc)
                return;
        if (json_object_object_get_ex(doc, "sinks", &sinks)) {
                if (json_object_object_get_ex(sinks, "journal", &o) && strcmp(jstr(o, "state"), "off") != 0)
                        printf("     Journal: %s, %" PRId64 " sent, %" PRId64 " dropped, %" PRId64 " failed, %" PRId64
                               " queued (%" PRId64 " of %" PRId64 " bytes)%s%s\n", esc(jstr(o, "state"), e1, sizeof(e1)),
                               jint(o, "sent"), jint(o, "dropped"), jint(o, "failed"), jint(o, "queued"),
                               jint(o, "queuedBytes"), jint(o, "maxBytes"), *jstr(o, "lastError") ? ", last error: " : "",
                               esc(jstr(o, "lastError"), e2, sizeof(e2)));
                if (json_object_object_get_ex(sinks, "dbusSignals", &o))
                        printf("       D-Bus: %" PRId64 " Detection signals sent, %" PRId64 " dropped\n",
                               jint(o, "sent"), jint(o, "dropped"));
        }
        json_object_put(doc);
}

static void strv_free(char **l);

/*
 * The rules 32-bit syscalls can evade: DegradedRules, and how to close it from Describe()'s
 * "compatSyscalls". An agent without the property has nothing to say.
 */
static void print_degraded_human(char **ids, const char *details)
{
        struct json_object *doc, *cs;
        char list[512] = "", e1[1024], e2[512];
        size_t o = 0;

        if (!ids || !*ids)
                return;
        for (char **p = ids; *p && o < sizeof(list); p++)
                o += snprintf(list + o, sizeof(list) - o, "%s%s", p == ids ? "" : ", ", *p);
        printf("    Degraded: %s (32-bit syscalls are not watched)\n", esc(list, e1, sizeof(e1)));
        doc = details ? json_tokener_parse(details) : NULL;
        if (doc && json_object_object_get_ex(doc, "compatSyscalls", &cs) && *jstr(cs, "howToClose"))
                printf("              to close it: %s\n", esc(jstr(cs, "howToClose"), e2, sizeof(e2)));
        else
                printf("              to close it: compat_syscalls=yes in tracee.conf and a restart, or "
                       "ia32_emulation=0 on the kernel command line\n");
        json_object_put(doc);
}

static int verb_status(sd_bus *bus, char **args, unsigned n)
{
        static const char *const counters[] = { "StartedAt", "EventsReceived", "EventsLost", "Detections" };
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        char *version = NULL, *state = NULL, **degraded = NULL, **restart = NULL;
        const char *details = NULL;
        uint64_t v[4] = {}, shed = 0;
        uint32_t rules_enabled = 0;
        int r;

        r = sd_bus_get_property_string(bus, TRACEE_BUS_NAME, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE, "Version",
                                       &error, &version);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, TRACEE_BUS_NAME, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE, "State",
                                               &error, &state);
        for (unsigned i = 0; r >= 0 && i < 4; i++)
                r = sd_bus_get_property_trivial(bus, TRACEE_BUS_NAME, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE,
                                                counters[i], &error, 't', &v[i]);
        if (r >= 0)
                r = sd_bus_get_property_trivial(bus, TRACEE_BUS_NAME, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE,
                                                "RulesEnabled", &error, 'u', &rules_enabled);
        if (r < 0) {
                r = call_failed("read the agent's properties", &error, r);
                goto finish;
        }
        /* newer than some agents: absent means none */
        if (sd_bus_get_property_strv(bus, TRACEE_BUS_NAME, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE, "DegradedRules",
                                     NULL, &degraded) < 0)
                degraded = NULL;
        if (sd_bus_get_property_trivial(bus, TRACEE_BUS_NAME, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE, "EventsShed",
                                        NULL, 't', &shed) < 0)
                shed = 0;
        if (sd_bus_get_property_strv(bus, TRACEE_BUS_NAME, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE, "RestartNeeded",
                                     NULL, &restart) < 0)
                restart = NULL;

        if (arg_json) {
                JsonW w = {};

                /* The agent's own status document is added as "details" when it has one. */
                if (call(bus, "describe the agent", "Describe", &reply, NULL, NULL) >= 0 &&
                    sd_bus_message_read(reply, "s", &details) < 0)
                        details = NULL;
                jsonw_obj_open(&w);
                jsonw_kv_str(&w, "version", version);
                jsonw_kv_str(&w, "state", state);
                jsonw_kv_uint(&w, "startedAt", v[0]);
                jsonw_kv_uint(&w, "eventsReceived", v[1]);
                jsonw_kv_uint(&w, "eventsLost", v[2]);
                jsonw_kv_uint(&w, "eventsShed", shed);
                jsonw_kv_uint(&w, "detections", v[3]);
                jsonw_kv_uint(&w, "rulesEnabled", rules_enabled);
                jsonw_key(&w, "degradedRules");
                jsonw_arr_open(&w);
                for (char **p = degraded; p && *p; p++)
                        jsonw_str(&w, *p);
                jsonw_arr_close(&w);
                jsonw_key(&w, "restartNeeded");
                jsonw_arr_open(&w);
                for (char **p = restart; p && *p; p++)
                        jsonw_str(&w, *p);
                jsonw_arr_close(&w);
                if (details) {
                        jsonw_key(&w, "details");
                        json_embed(&w, details);
                }
                jsonw_obj_close(&w);
                r = json_emit(&w);
                jsonw_done(&w);
        } else {
                char b1[64], b2[64], e1[128], e2[64];
                uint64_t now = now_usec();

                printf("tracee %s: %s\n", esc(version, e1, sizeof(e1)), esc(state, e2, sizeof(e2)));
                printf("       Since: %s (%s ago)\n", format_time(v[0], b1, sizeof(b1)),
                       format_timespan(now > v[0] ? now - v[0] : 0, b2, sizeof(b2)));
                printf("      Events: %" PRIu64 " received, %" PRIu64 " lost, %" PRIu64 " shed from flooding processes\n",
                       v[1], v[2], shed);
                printf("  Detections: %" PRIu64 "\n", v[3]);
                printf("       Rules: %" PRIu32 " enabled\n", rules_enabled);
                if (restart && *restart) {
                        char e[80];

                        printf("     Restart: needed for");
                        for (char **p = restart; *p; p++)
                                printf("%s %s", p == restart ? "" : ",", esc(*p, e, sizeof(e)));
                        printf(" (changed by a reload; see the journal)\n");
                }
                if (call(bus, "describe the agent", "Describe", &reply, NULL, NULL) >= 0 &&
                    sd_bus_message_read(reply, "s", &details) >= 0) {
                        print_fold_human(details);
                        print_sinks_human(details);
                        print_webhooks_human(details);
                } else
                        details = NULL;
                print_degraded_human(degraded, details);
                r = 0;
        }

finish:
        free(version);
        free(state);
        strv_free(degraded);
        strv_free(restart);
        sd_bus_message_unref(reply);
        sd_bus_error_free(&error);
        return r;
}

/* ------------------------------------------------------------------------------------------------
 * rule list / show / enable / disable */

typedef struct RuleRow {
        const char *id, *name, *description, *reason;
        int32_t severity;
        char **tags;
        int enabled, available;
} RuleRow;

static void strv_free(char **l)
{
        if (!l)
                return;
        for (char **p = l; *p; p++)
                free(*p);
        free(l);
}

static const char *rule_state(const RuleRow *row)
{
        return !row->available ? "unavailable" : row->enabled ? "enabled" : "disabled";
}

static void tags_join(char **tags, char *buf, size_t n)
{
        size_t len = 0;

        buf[0] = 0;
        for (char **t = tags; t && *t && len < n; t++) {
                int l = snprintf(buf + len, n - len, "%s%s", t == tags ? "" : ",", *t);

                if (l < 0)
                        break;
                len += (size_t) l;
        }
}

static int print_rules(RuleRow *rows, size_t n)
{
        if (arg_json) {
                JsonW w = {};
                int r;

                jsonw_arr_open(&w);
                for (size_t i = 0; i < n; i++) {
                        jsonw_obj_open(&w);
                        jsonw_kv_str(&w, "id", rows[i].id);
                        jsonw_kv_str(&w, "name", rows[i].name);
                        jsonw_kv_str(&w, "description", rows[i].description);
                        jsonw_kv_int(&w, "severity", rows[i].severity);
                        jsonw_kv_str(&w, "severityName", severity_name(rows[i].severity));
                        jsonw_key(&w, "tags");
                        jsonw_arr_open(&w);
                        for (char **t = rows[i].tags; t && *t; t++)
                                jsonw_str(&w, *t);
                        jsonw_arr_close(&w);
                        jsonw_key(&w, "enabled");
                        jsonw_bool(&w, rows[i].enabled);
                        jsonw_key(&w, "available");
                        jsonw_bool(&w, rows[i].available);
                        jsonw_kv_str(&w, "unavailableReason", rows[i].reason);
                        jsonw_obj_close(&w);
                }
                jsonw_arr_close(&w);
                r = json_emit(&w);
                jsonw_done(&w);
                return r;
        }

        int wid = 2, wname = 4, wsev = 8, wstate = 5;
        unsigned n_enabled = 0;

        for (size_t i = 0; i < n; i++) {
                int l;

                if ((l = (int) strlen(rows[i].id)) > wid)
                        wid = l;
                if ((l = (int) strlen(rows[i].name)) > wname)
                        wname = l;
                if ((l = (int) strlen(severity_name(rows[i].severity))) > wsev)
                        wsev = l;
                if ((l = (int) strlen(rule_state(&rows[i]))) > wstate)
                        wstate = l;
                if (rows[i].enabled && rows[i].available)
                        n_enabled++;
        }
        wid = wid > 32 ? 32 : wid;
        wname = wname > 48 ? 48 : wname;

        printf("%-*s  %-*s  %-*s  %-*s  %s\n", wid, "ID", wname, "NAME", wsev, "SEVERITY", wstate, "STATE", "TAGS");
        for (size_t i = 0; i < n; i++) {
                char id[128], name[256], tags[512], etags[1024];

                tags_join(rows[i].tags, tags, sizeof(tags));
                printf("%-*s  %-*s  %-*s  %-*s  %s\n", wid, esc(rows[i].id, id, sizeof(id)), wname,
                       esc(rows[i].name, name, sizeof(name)), wsev, severity_name(rows[i].severity), wstate,
                       rule_state(&rows[i]), esc(tags, etags, sizeof(etags)));
        }
        putchar('\n');
        for (size_t i = 0; i < n; i++) {
                char id[128], reason[1024];

                if (!rows[i].available && rows[i].reason && *rows[i].reason)
                        printf("%s is unavailable: %s\n", esc(rows[i].id, id, sizeof(id)),
                               esc(rows[i].reason, reason, sizeof(reason)));
        }
        printf("%zu rules, %u enabled.\n", n, n_enabled);
        return 0;
}

static int verb_rule_list(sd_bus *bus, char **args, unsigned n)
{
        sd_bus_message *reply = NULL;
        RuleRow *rows = NULL;
        size_t n_rows = 0;
        int r;

        r = call(bus, "list the rules", "ListRules", &reply, NULL, NULL);
        if (r < 0)
                return r;

        r = sd_bus_message_enter_container(reply, 'a', "(sssiasbbs)");
        if (r < 0) {
                r = bad_reply(r);
                goto finish;
        }
        for (;;) {
                RuleRow row = {};
                RuleRow *grown;

                r = sd_bus_message_enter_container(reply, 'r', "sssiasbbs");
                if (r < 0) {
                        r = bad_reply(r);
                        goto finish;
                }
                if (r == 0)
                        break;
                r = sd_bus_message_read(reply, "sssi", &row.id, &row.name, &row.description, &row.severity);
                if (r >= 0)
                        r = sd_bus_message_read_strv(reply, &row.tags);
                if (r >= 0)
                        r = sd_bus_message_read(reply, "bbs", &row.enabled, &row.available, &row.reason);
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
                if (r < 0) {
                        strv_free(row.tags);
                        r = bad_reply(r);
                        goto finish;
                }
                grown = realloc(rows, (n_rows + 1) * sizeof(RuleRow));
                if (!grown) {
                        strv_free(row.tags);
                        r = log_error_errno(ENOMEM, "out of memory");
                        goto finish;
                }
                rows = grown;
                rows[n_rows++] = row;
        }
        r = sd_bus_message_exit_container(reply);
        if (r < 0) {
                r = bad_reply(r);
                goto finish;
        }

        r = print_rules(rows, n_rows);

finish:
        for (size_t i = 0; i < n_rows; i++)
                strv_free(rows[i].tags);
        free(rows);
        sd_bus_message_unref(reply);
        return r;
}

static void print_value_human(struct json_object *v, unsigned indent);

/* "key: value" lines for a JSON object, nested objects indented below their key. */
static void print_object_human(struct json_object *o, unsigned indent)
{
        int width = 0;

        json_object_object_foreach(o, key, val) {
                int l = (int) strlen(key);

                (void) val;
                if (l > width)
                        width = l;
        }
        json_object_object_foreach(o, k, v) {
                char ek[256];
                enum json_type t = json_object_get_type(v);
                bool nested = t == json_type_object ||
                              (t == json_type_array && json_object_array_length(v) > 0 &&
                               json_object_get_type(json_object_array_get_idx(v, 0)) == json_type_object);

                esc(k, ek, sizeof(ek));
                if (nested) {
                        printf("%*s%s:\n", (int) indent, "", ek);
                        print_value_human(v, indent + 2);
                } else {
                        printf("%*s%s:%*s", (int) indent, "", ek, width - (int) strlen(ek) + 1, "");
                        print_value_human(v, 0);
                }
        }
}

static void print_value_human(struct json_object *v, unsigned indent)
{
        char buf[4096];

        switch (json_object_get_type(v)) {
        case json_type_object:
                print_object_human(v, indent);
                break;
        case json_type_array: {
                size_t n = json_object_array_length(v);

                if (n > 0 && json_object_get_type(json_object_array_get_idx(v, 0)) == json_type_object) {
                        for (size_t i = 0; i < n; i++) {
                                printf("%*s[%zu]\n", (int) indent, "", i);
                                print_value_human(json_object_array_get_idx(v, i), indent + 2);
                        }
                        break;
                }
                for (size_t i = 0; i < n; i++)
                        printf("%s%s", i ? ", " : "",
                               esc(json_object_get_string(json_object_array_get_idx(v, i)), buf, sizeof(buf)));
                printf("%s\n", n ? "" : "-");
                break;
        }
        case json_type_null:
                printf("-\n");
                break;
        default:
                printf("%s\n", esc(json_object_get_string(v), buf, sizeof(buf)));
                break;
        }
}

static int verb_rule_show(sd_bus *bus, char **args, unsigned n)
{
        sd_bus_message *reply = NULL;
        struct json_object *o = NULL;
        const char *text;
        int r;

        r = call(bus, "describe the rule", "DescribeRule", &reply, "s", args[0]);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "s", &text);
        if (r < 0) {
                r = bad_reply(r);
                goto finish;
        }
        if (arg_json) {
                JsonW w = {};

                json_embed(&w, text);
                r = json_emit(&w);
                jsonw_done(&w);
                goto finish;
        }
        o = json_tokener_parse(text);
        if (!o) {
                char buf[4096];

                printf("%s\n", esc(text, buf, sizeof(buf)));
        } else
                print_value_human(o, 0);
        r = 0;

finish:
        json_object_put(o);
        sd_bus_message_unref(reply);
        return r;
}

static int set_rules(sd_bus *bus, char **ids, unsigned n, bool enable)
{
        int r;

        for (unsigned i = 0; i < n; i++) {
                sd_bus_message *reply = NULL;

                r = call(bus, enable ? "enable the rule" : "disable the rule", enable ? "EnableRule" : "DisableRule",
                         &reply, "s", ids[i]);
                sd_bus_message_unref(reply);
                if (r < 0)
                        return r;
        }
        if (arg_json) {
                JsonW w = {};

                jsonw_obj_open(&w);
                jsonw_key(&w, enable ? "enabled" : "disabled");
                jsonw_arr_open(&w);
                for (unsigned i = 0; i < n; i++)
                        jsonw_str(&w, ids[i]);
                jsonw_arr_close(&w);
                jsonw_obj_close(&w);
                r = json_emit(&w);
                jsonw_done(&w);
                return r;
        }
        return 0;
}

static int verb_rule_enable(sd_bus *bus, char **args, unsigned n)
{
        return set_rules(bus, args, n, true);
}

static int verb_rule_disable(sd_bus *bus, char **args, unsigned n)
{
        return set_rules(bus, args, n, false);
}

static int verb_reload(sd_bus *bus, char **args, unsigned n)
{
        sd_bus_message *reply = NULL;
        int r;

        r = call(bus, "reload", "Reload", &reply, NULL, NULL);
        sd_bus_message_unref(reply);
        if (r < 0)
                return r;
        if (arg_json) {
                JsonW w = {};

                jsonw_obj_open(&w);
                jsonw_key(&w, "reloaded");
                jsonw_bool(&w, true);
                jsonw_obj_close(&w);
                r = json_emit(&w);
                jsonw_done(&w);
                return r;
        }
        return 0;
}

/* ------------------------------------------------------------------------------------------------
 * detections: from the journal */

enum {
        F_MESSAGE,
        F_RULE_ID,
        F_RULE_NAME,
        F_SEVERITY,
        F_MITRE,
        F_PID,
        F_PPID,
        F_UID,
        F_COMM,
        F_EXE,
        F_CONTAINER,
        F_DETECTION,
        F_TRUSTED_UID,          /* the fields journald sets itself (see AGENT_UNIT) */
        F_TRUSTED_UNIT,
        F_TRUSTED_EXE,
        _F_MAX,
};

static const char *const field_names[_F_MAX] = {
        [F_MESSAGE] = "MESSAGE",
        [F_RULE_ID] = "TRACEE_RULE_ID",
        [F_RULE_NAME] = "TRACEE_RULE_NAME",
        [F_SEVERITY] = "TRACEE_SEVERITY",
        [F_MITRE] = "TRACEE_MITRE_TECHNIQUE",
        [F_PID] = "TRACEE_PID",
        [F_PPID] = "TRACEE_PPID",
        [F_UID] = "TRACEE_UID",
        [F_COMM] = "TRACEE_COMM",
        [F_EXE] = "TRACEE_EXE",
        [F_CONTAINER] = "TRACEE_CONTAINER_ID",
        [F_DETECTION] = "TRACEE_DETECTION",
        [F_TRUSTED_UID] = "_UID",
        [F_TRUSTED_UNIT] = "_SYSTEMD_UNIT",
        [F_TRUSTED_EXE] = "_EXE",
};

typedef struct Entry {
        uint64_t realtime;
        char *f[_F_MAX];
} Entry;

static void entry_clear(Entry *e)
{
        for (unsigned i = 0; i < _F_MAX; i++)
                free(e->f[i]);
        *e = (Entry) {};
}

static const char *agent_exe(void)
{
        return arg_agent_exe[0] ? arg_agent_exe : TRACEE_AGENT_PATH;
}

/* What the journal matches already ask (journal_open), checked again on what was read. */
static bool entry_is_agents(const Entry *e)
{
        const char *unit = e->f[F_TRUSTED_UNIT], *exe = e->f[F_TRUSTED_EXE];

        return e->f[F_TRUSTED_UID] && strcmp(e->f[F_TRUSTED_UID], "0") == 0 &&
               ((unit && strcmp(unit, AGENT_UNIT) == 0) || (exe && strcmp(exe, agent_exe()) == 0));
}

static int entry_read(sd_journal *j, Entry *e)
{
        int r;

        *e = (Entry) {};
        r = sd_journal_get_realtime_usec(j, &e->realtime);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < _F_MAX; i++) {
                const void *data;
                size_t len, l = strlen(field_names[i]);

                r = sd_journal_get_data(j, field_names[i], &data, &len);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        goto fail;
                if (len <= l || ((const char *) data)[l] != '=')
                        continue;
                e->f[i] = strndup((const char *) data + l + 1, len - l - 1);
                if (!e->f[i]) {
                        r = -ENOMEM;
                        goto fail;
                }
        }
        return 0;

fail:
        entry_clear(e);
        return r;
}

static void json_kv_number_or_null(JsonW *w, const char *key, const char *v)
{
        char *end;
        unsigned long long x;

        jsonw_key(w, key);
        errno = 0;
        x = v && *v ? strtoull(v, &end, 10) : 0;
        if (v && *v && !errno && !*end)
                jsonw_uint(w, x);
        else
                jsonw_null(w);
}

static int entry_print(const Entry *e)
{
        if (arg_json) {
                JsonW w = {};
                struct json_object *o = e->f[F_DETECTION] ? json_parse_strict(e->f[F_DETECTION],
                                                                              strlen(e->f[F_DETECTION])) : NULL;
                int r;

                if (o && json_object_is_type(o, json_type_object)) {
                        /* The agent's finding document, parsed and written again. */
                        json_write_value(&w, o);
                } else {
                        /* No (valid) finding document: the same shape, from the other fields. */
                        jsonw_obj_open(&w);
                        jsonw_kv_uint(&w, "timestamp", e->realtime * 1000);
                        jsonw_key(&w, "rule");
                        jsonw_obj_open(&w);
                        jsonw_kv_str(&w, "id", e->f[F_RULE_ID] ?: "");
                        jsonw_kv_str(&w, "name", e->f[F_RULE_NAME] ?: "");
                        jsonw_kv_str(&w, "severityName", e->f[F_SEVERITY] ?: "");
                        jsonw_obj_close(&w);
                        jsonw_kv_str(&w, "summary", e->f[F_MESSAGE] ?: "");
                        jsonw_key(&w, "process");
                        jsonw_obj_open(&w);
                        json_kv_number_or_null(&w, "pid", e->f[F_PID]);
                        json_kv_number_or_null(&w, "ppid", e->f[F_PPID]);
                        json_kv_number_or_null(&w, "uid", e->f[F_UID]);
                        jsonw_kv_str(&w, "comm", e->f[F_COMM] ?: "");
                        jsonw_kv_str(&w, "executable", e->f[F_EXE] ?: "");
                        jsonw_kv_str(&w, "containerId", e->f[F_CONTAINER] ?: "");
                        jsonw_obj_close(&w);
                        jsonw_obj_close(&w);
                }
                json_object_put(o);
                r = json_emit(&w);
                jsonw_done(&w);
                return r;
        }

        char ts[64], sev[64], msg[4096];

        printf("%s [%s] %s\n", format_time(e->realtime, ts, sizeof(ts)), esc(e->f[F_SEVERITY] ?: "?", sev, sizeof(sev)),
               esc(e->f[F_MESSAGE] ?: "", msg, sizeof(msg)));
        return 0;
}

/*
 * Matches (MESSAGE_ID ∧ _UID=0 ∧ [TRACEE_RULE_ID] ∧ origin) for each origin the agent writes from:
 * its unit, or its executable. Fields of one conjunction are ANDed; sd_journal_add_disjunction()
 * starts the next alternative.
 */
static int journal_add_matches(sd_journal *j)
{
        char *rule = NULL, *exe = NULL;
        const char *origins[2];
        int r = 0;

        if (arg_rule) {
                if (asprintf(&rule, "TRACEE_RULE_ID=%s", arg_rule) < 0) {
                        rule = NULL;
                        r = -ENOMEM;
                        goto finish;
                }
                /* Rule IDs are upper case ("trc-2" means TRC-2). */
                for (char *p = rule + strlen("TRACEE_RULE_ID="); *p; p++)
                        *p = (char) toupper((unsigned char) *p);
        }
        if (asprintf(&exe, "_EXE=%s", agent_exe()) < 0) {
                exe = NULL;
                r = -ENOMEM;
                goto finish;
        }
        origins[0] = "_SYSTEMD_UNIT=" AGENT_UNIT;
        origins[1] = exe;

        for (unsigned i = 0; i < 2 && r >= 0; i++) {
                if (i > 0)
                        r = sd_journal_add_disjunction(j);
                if (r >= 0)
                        r = sd_journal_add_match(j, "MESSAGE_ID=" TRACEE_MESSAGE_DETECTION, 0);
                if (r >= 0)
                        r = sd_journal_add_match(j, "_UID=0", 0);
                if (r >= 0 && rule)
                        r = sd_journal_add_match(j, rule, 0);
                if (r >= 0)
                        r = sd_journal_add_match(j, origins[i], 0);
        }

finish:
        free(rule);
        free(exe);
        return r < 0 ? r : 0;
}

static int journal_open(sd_journal **ret)
{
        sd_journal *j = NULL;
        int r;

        if (arg_directory)
                r = sd_journal_open_directory(&j, arg_directory, 0);
        else
                r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
        if (r < 0)
                return log_error_errno(r, "cannot open the journal: %m");
        /* Finding documents can be larger than the default 64 KiB threshold. */
        (void) sd_journal_set_data_threshold(j, 0);

        r = journal_add_matches(j);
        if (r < 0) {
                sd_journal_close(j);
                return log_error_errno(r, "cannot add a journal match: %m");
        }
        *ret = j;
        return 0;
}

/* Everything since --since, oldest first. */
static int detections_forward(sd_journal *j)
{
        int r;

        r = sd_journal_seek_realtime_usec(j, arg_since);
        if (r < 0)
                return log_error_errno(r, "cannot seek in the journal: %m");
        for (;;) {
                Entry e;

                r = sd_journal_next(j);
                if (r < 0)
                        return log_error_errno(r, "cannot read the journal: %m");
                if (r == 0)
                        return 0;
                r = entry_read(j, &e);
                if (r < 0)
                        return log_error_errno(r, "cannot read a journal entry: %m");
                if (e.realtime >= arg_since && entry_is_agents(&e))
                        r = entry_print(&e);
                entry_clear(&e);
                if (r < 0)
                        return r;
        }
}

/* The last arg_lines entries (not older than --since), oldest first. */
static int detections_tail(sd_journal *j)
{
        Entry *entries;
        unsigned n = 0;
        int r = 0;

        if (arg_lines == 0)
                return 0;
        entries = calloc(arg_lines, sizeof(Entry));
        if (!entries)
                return log_error_errno(ENOMEM, "out of memory");

        r = sd_journal_seek_tail(j);
        if (r < 0) {
                r = log_error_errno(r, "cannot seek in the journal: %m");
                goto finish;
        }
        while (n < arg_lines) {
                r = sd_journal_previous(j);
                if (r < 0) {
                        r = log_error_errno(r, "cannot read the journal: %m");
                        goto finish;
                }
                if (r == 0)
                        break;
                r = entry_read(j, &entries[n]);
                if (r < 0) {
                        r = log_error_errno(r, "cannot read a journal entry: %m");
                        goto finish;
                }
                if (arg_since_set && entries[n].realtime < arg_since) {
                        entry_clear(&entries[n]);
                        break;
                }
                if (!entry_is_agents(&entries[n])) {
                        entry_clear(&entries[n]);
                        continue;
                }
                n++;
        }
        r = 0;
        for (unsigned i = n; i > 0 && r >= 0; i--)
                r = entry_print(&entries[i - 1]);

finish:
        for (unsigned i = 0; i < n; i++)
                entry_clear(&entries[i]);
        free(entries);
        return r;
}

/* ------------------------------------------------------------------------------------------------
 * detections --follow: the Detection signal */

static void print_signal_human(const char *rule_id, const char *severity, const char *finding)
{
        struct json_object *o = json_tokener_parse(finding), *x, *p;
        const char *time = NULL, *name = "", *summary = "", *comm = "", *exe = "", *container = "";
        int64_t pid = 0, uid = 0;
        char t[64], b0[64], b1[64], b2[128], b3[256], b4[128], b5[1024], b6[256], b7[2048];

        if (o) {
                /* Nanoseconds since the epoch; shown in local time, as the journal's entries are. */
                if (json_object_object_get_ex(o, "timestamp", &x) && json_object_get_uint64(x) > 0)
                        time = format_time(json_object_get_uint64(x) / 1000, t, sizeof(t));
                else if (json_object_object_get_ex(o, "time", &x))
                        time = json_object_get_string(x);
                if (json_object_object_get_ex(o, "rule", &x) && json_object_object_get_ex(x, "name", &p))
                        name = json_object_get_string(p);
                if (json_object_object_get_ex(o, "summary", &x))
                        summary = json_object_get_string(x);
                if (json_object_object_get_ex(o, "process", &p)) {
                        if (json_object_object_get_ex(p, "pid", &x))
                                pid = json_object_get_int64(x);
                        if (json_object_object_get_ex(p, "uid", &x))
                                uid = json_object_get_int64(x);
                        if (json_object_object_get_ex(p, "comm", &x))
                                comm = json_object_get_string(x);
                        if (json_object_object_get_ex(p, "executable", &x))
                                exe = json_object_get_string(x);
                        if (json_object_object_get_ex(p, "containerId", &x))
                                container = json_object_get_string(x);
                }
        }
        if (!time)
                time = format_time(now_usec(), t, sizeof(t));
        printf("%s [%s] %s %s: process %s (pid %" PRId64 ", uid %" PRId64 ", %s)%s%s %s\n", esc(time, b0, sizeof(b0)),
               esc(severity, b1, sizeof(b1)), esc(rule_id, b2, sizeof(b2)), esc(name, b3, sizeof(b3)),
               esc(comm, b4, sizeof(b4)), pid, uid, *exe ? esc(exe, b5, sizeof(b5)) : "executable unknown",
               *container ? " in container " : "", esc(container, b6, sizeof(b6)), esc(summary, b7, sizeof(b7)));
        json_object_put(o);
}

/* Subscribed (SubscribeDetections): the whole findings come addressed to us, and the broadcast
 * (redacted) copies, if any reach us, are skipped. */
static bool follow_subscribed;

static int on_detection(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        const char *rule_id, *severity, *finding;
        int r;

        if (follow_subscribed && !sd_bus_message_get_destination(m))
                return 0;

        r = sd_bus_message_read(m, "sss", &rule_id, &severity, &finding);
        if (r < 0) {
                log_warning_errno(r, "ignoring a malformed Detection signal: %m");
                return 0;
        }
        if (arg_rule && strcasecmp(rule_id, arg_rule) != 0)
                return 0;
        if (arg_json) {
                JsonW w = {};

                json_embed(&w, finding);
                (void) json_emit(&w);
                jsonw_done(&w);
        } else
                print_signal_human(rule_id, severity, finding);
        fflush(stdout);
        return 0;
}

/*
 * Asks for the whole findings (root only). An agent without the method (older) broadcasts them
 * whole: follow the broadcast then. Returns 0, or the failed call's error (one line logged).
 */
static int follow_subscribe(sd_bus *bus)
{
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_call_method(bus, TRACEE_BUS_NAME, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE,
                               "SubscribeDetections", &error, NULL, NULL);
        follow_subscribed = r >= 0;
        if (r < 0 && sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_METHOD))
                r = 0;
        else if (r < 0 && sd_bus_error_has_name(&error, SD_BUS_ERROR_ACCESS_DENIED))
                r = call_failed("following detections live needs root", &error, r);
        else if (r < 0)
                r = call_failed("subscribe to the detections", &error, r);
        sd_bus_error_free(&error);
        return r;
}

static int on_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        const char *name, *old_owner, *new_owner;

        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0)
                return 0;
        if (!*new_owner)
                log_info("tracee stopped; waiting for it to come back (Ctrl-C to quit)");
        else if (!*old_owner) {
                log_info("tracee started");
                /* a new agent knows no subscribers */
                (void) follow_subscribe(sd_bus_message_get_bus(m));
        }
        return 0;
}

static int on_exit_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int detections_follow(sd_bus *bus)
{
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_event *event = NULL;
        const char *unique = NULL;
        char match[512];
        sigset_t mask;
        int r;

        /* Fail now, with the usual line, if the agent is not there. */
        r = sd_bus_call_method(bus, TRACEE_BUS_NAME, TRACEE_BUS_PATH, "org.freedesktop.DBus.Peer", "Ping", &error,
                               NULL, NULL);
        if (r < 0) {
                r = call_failed("reach the agent", &error, r);
                goto finish;
        }

        /* The sender is the well-known name, so the bus only passes the agent's own signals; the
         * destination is us, so it passes the whole findings sent to us and not the broadcast. */
        r = sd_bus_get_unique_name(bus, &unique);
        if (r >= 0 && snprintf(match, sizeof(match), "type='signal',sender='" TRACEE_BUS_NAME "',path='"
                               TRACEE_BUS_PATH "',interface='" TRACEE_BUS_INTERFACE "',member='Detection',"
                               "destination='%s'", unique) >= (int) sizeof(match))
                r = -ENAMETOOLONG;
        if (r >= 0)
                r = sd_bus_add_match(bus, NULL, match, on_detection, NULL);
        if (r < 0) {
                r = log_error_errno(r, "cannot subscribe to the Detection signal: %m");
                goto finish;
        }
        r = sd_bus_add_match(bus, NULL,
                             "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                             "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='" TRACEE_BUS_NAME "'",
                             on_owner_changed, NULL);
        if (r < 0) {
                r = log_error_errno(r, "cannot watch the agent's bus name: %m");
                goto finish;
        }
        r = follow_subscribe(bus);
        if (r < 0)
                goto finish;
        /* an agent without SubscribeDetections broadcasts the whole findings */
        if (!follow_subscribed) {
                r = sd_bus_match_signal(bus, NULL, TRACEE_BUS_NAME, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE,
                                        "Detection", on_detection, NULL);
                if (r < 0) {
                        r = log_error_errno(r, "cannot subscribe to the Detection signal: %m");
                        goto finish;
                }
        }

        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
                r = log_error_errno(errno, "cannot block signals: %m");
                goto finish;
        }
        r = sd_event_default(&event);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, on_exit_signal, NULL);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGTERM, on_exit_signal, NULL);
        if (r >= 0)
                r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0) {
                r = log_error_errno(r, "cannot set up the event loop: %m");
                goto finish;
        }
        r = sd_event_loop(event);
        if (r < 0)
                r = log_error_errno(r, "event loop failed: %m");

finish:
        if (event) {
                (void) sd_bus_detach_event(bus);
                sd_event_unref(event);
        }
        sd_bus_error_free(&error);
        return r;
}

static int verb_detections(sd_bus *bus, char **args, unsigned n)
{
        sd_journal *j = NULL;
        int r;

        if (arg_follow)
                return detections_follow(bus);

        r = journal_open(&j);
        if (r < 0)
                return r;
        if (arg_since_set && (!arg_lines_set || arg_lines_all))
                r = detections_forward(j);
        else if (arg_lines_all) {
                arg_since = 0;
                r = detections_forward(j);
        } else
                r = detections_tail(j);
        sd_journal_close(j);
        return r;
}

/* ------------------------------------------------------------------------------------------------
 * Command line */

typedef struct Verb {
        const char *verb;
        const char *subverb;            /* NULL: the verb takes no subverb */
        unsigned min_args, max_args;    /* after the verb and subverb */
        int (*run)(sd_bus *bus, char **args, unsigned n);
} Verb;

static const Verb verbs[] = {
        { "status",     NULL,      0, 0,        verb_status },
        { "rule",       "list",    0, 0,        verb_rule_list },
        { "rule",       "show",    1, 1,        verb_rule_show },
        { "rule",       "enable",  1, UINT_MAX, verb_rule_enable },
        { "rule",       "disable", 1, UINT_MAX, verb_rule_disable },
        { "reload",     NULL,      0, 0,        verb_reload },
        { "detections", NULL,      0, 0,        verb_detections },
};

static void help(void)
{
        printf("Usage: traceectl [OPTIONS] VERB [ARGS]\n"
               "\n"
               "Control the tracee agent and show its detections.\n"
               "\n"
               "Verbs:\n"
               "  status                  the agent's state, uptime and counters\n"
               "  rule list               every rule: ID, name, severity, state, tags\n"
               "  rule show ID            one rule in detail: metadata, state, exceptions, counters\n"
               "  rule enable ID...       enable rules (root only; persists across restarts)\n"
               "  rule disable ID...      disable rules (root only; persists across restarts)\n"
               "  reload                  re-read the configuration (root only)\n"
               "  detections              recent detections from the journal (the last %u)\n"
               "\n"
               "Options:\n"
               "      --json              machine-readable output (JSON; one object a line for detections)\n"
               "      --no-pager          accepted for compatibility; output is never paged\n"
               "  -S, --since TIME        detections: from TIME on: \"2026-01-31 12:00:00\", \"-10min\",\n"
               "                          \"-2h\", \"1 day ago\", \"today\", \"yesterday\", \"@EPOCH\"\n"
               "  -n, --lines N           detections: at most the last N (or \"all\")\n"
               "      --rule ID           detections: only those of this rule\n"
               "  -f, --follow            detections: new ones as they happen, root only (Ctrl-C stops)\n"
               "  -D, --directory DIR     detections: read the journal files in DIR\n"
               "      --agent-exe PATH    detections: the agent runs from PATH, not " TRACEE_AGENT_PATH "\n"
               "                          (only root's entries from it or from " AGENT_UNIT " are shown)\n"
               "  -h, --help              this help\n"
               "      --version           print the version\n"
               "\n"
               "Examples:\n"
               "  traceectl status\n"
               "  traceectl rule list --json\n"
               "  traceectl rule disable TRC-4\n"
               "  traceectl detections --since -1h --rule TRC-2\n"
               "  traceectl detections --follow --json\n"
               "\n"
               "See traceectl(8) for details.\n",
               DETECTIONS_DEFAULT);
}

static int parse_argv(int argc, char *argv[])
{
        enum {
                ARG_JSON = 0x100,
                ARG_NO_PAGER,
                ARG_RULE,
                ARG_VERSION,
                ARG_AGENT_EXE,
        };
        static const struct option options[] = {
                { "json",      no_argument,       NULL, ARG_JSON     },
                { "no-pager",  no_argument,       NULL, ARG_NO_PAGER },
                { "since",     required_argument, NULL, 'S'          },
                { "lines",     required_argument, NULL, 'n'          },
                { "rule",      required_argument, NULL, ARG_RULE     },
                { "follow",    no_argument,       NULL, 'f'          },
                { "directory", required_argument, NULL, 'D'          },
                { "help",      no_argument,       NULL, 'h'          },
                { "version",   no_argument,       NULL, ARG_VERSION  },
                { "agent-exe", required_argument, NULL, ARG_AGENT_EXE },
                {}
        };
        int c, r;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "hS:n:fD:", options, NULL)) >= 0) {
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("traceectl %s\n", TRACEE_VERSION);
                        return 0;
                case ARG_JSON:
                        arg_json = true;
                        break;
                case ARG_NO_PAGER:
                        arg_pager = false;
                        break;
                case 'S':
                        r = parse_timestamp(optarg, &arg_since);
                        if (r < 0)
                                return log_error_errno(EINVAL, "invalid time '%s' for --since (try \"-10min\", "
                                                       "\"today\" or \"2026-01-31 12:00:00\")", optarg);
                        arg_since_set = true;
                        break;
                case 'n': {
                        char *end;
                        unsigned long x;

                        arg_lines_set = true;
                        if (strcmp(optarg, "all") == 0) {
                                arg_lines_all = true;
                                break;
                        }
                        errno = 0;
                        x = strtoul(optarg, &end, 10);
                        if (errno || end == optarg || *end || optarg[0] == '-' || x > 1000000)
                                return log_error_errno(EINVAL, "invalid number '%s' for --lines (0 to 1000000, or all)",
                                                       optarg);
                        arg_lines = (unsigned) x;
                        arg_lines_all = false;
                        break;
                }
                case ARG_RULE:
                        arg_rule = optarg;
                        break;
                case 'f':
                        arg_follow = true;
                        break;
                case 'D':
                        arg_directory = optarg;
                        break;
                case ARG_AGENT_EXE: {
                        char buf[PATH_MAX];

                        /* journald records the resolved path (/proc/PID/exe); resolve ours likewise
                         * where it exists here (it need not, for the files of another machine). */
                        if (strlen(optarg) >= sizeof(arg_agent_exe))
                                return log_error_errno(EINVAL, "--agent-exe: the path is longer than %zu bytes",
                                                       sizeof(arg_agent_exe) - 1);
                        if (realpath(optarg, buf))
                                strcpy(arg_agent_exe, buf);
                        else if (optarg[0] == '/')
                                strcpy(arg_agent_exe, optarg);
                        else
                                return log_error_errno(EINVAL, "--agent-exe: no file '%s' here (give the "
                                                       "absolute path of another machine's agent)", esc(optarg, buf, sizeof(buf)));
                        break;
                }
                case '?':
                        if (optopt)
                                return log_error_errno(EINVAL, "unknown option '-%c' (see traceectl --help)", optopt);
                        return log_error_errno(EINVAL, "unknown option '%s' (see traceectl --help)",
                                               argv[optind - 1]);
                case ':':
                default:
                        return log_error_errno(EINVAL, "option '%s' needs an argument", argv[optind - 1]);
                }
        }
        return 1;
}

static const Verb *find_verb(char **args, unsigned n, unsigned *ret_used)
{
        bool verb_known = false;

        if (n == 0) {
                log_error("missing verb (see traceectl --help)");
                return NULL;
        }
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
                if (strcmp(verbs[i].verb, args[0]) != 0)
                        continue;
                verb_known = true;
                if (!verbs[i].subverb) {
                        *ret_used = 1;
                        return &verbs[i];
                }
                if (n >= 2 && strcmp(verbs[i].subverb, args[1]) == 0) {
                        *ret_used = 2;
                        return &verbs[i];
                }
        }
        if (!verb_known) {
                char buf[256];

                log_error("unknown verb '%s' (see traceectl --help)", esc(args[0], buf, sizeof(buf)));
        } else if (n < 2)
                log_error("'%s' needs a subverb: list, show, enable or disable", args[0]);
        else {
                char buf[256];

                log_error("unknown subverb '%s %s' (expected list, show, enable or disable)", args[0],
                          esc(args[1], buf, sizeof(buf)));
        }
        return NULL;
}

static int exit_status(int r)
{
        switch (r) {
        case 0:
                return EXIT_SUCCESS;
        case -EINVAL:
                return EXIT_USAGE;
        case -EHOSTDOWN:
                return EXIT_NOT_RUNNING;
        case -EACCES:
        case -EPERM:
                return EXIT_DENIED;
        case -ENXIO:
                return EXIT_NO_SUCH_RULE;
        default:
                return EXIT_FAILURE;
        }
}

int main(int argc, char *argv[])
{
        const Verb *verb;
        sd_bus *bus = NULL;
        unsigned used = 0, n_args;
        char **args;
        int r;

        log_set_prefix("traceectl");
        r = parse_argv(argc, argv);
        if (r <= 0)
                return exit_status(r);

        args = argv + optind;
        n_args = (unsigned) (argc - optind);
        verb = find_verb(args, n_args, &used);
        if (!verb)
                return EXIT_USAGE;
        args += used;
        n_args -= used;
        if (n_args < verb->min_args || n_args > verb->max_args) {
                if (verb->max_args == 0)
                        log_error("'%s%s%s' takes no arguments", verb->verb, verb->subverb ? " " : "",
                                  verb->subverb ?: "");
                else
                        log_error("'%s %s' needs %s rule ID", verb->verb, verb->subverb,
                                  verb->max_args == 1 ? "exactly one" : "at least one");
                return EXIT_USAGE;
        }
        if (verb->run != verb_detections && (arg_since_set || arg_lines_set || arg_rule || arg_follow || arg_directory ||
                                             arg_agent_exe[0])) {
                log_error("--since, --lines, --rule, --follow, --directory and --agent-exe only apply to 'detections'");
                return EXIT_USAGE;
        }
        if (arg_follow && (arg_since_set || arg_lines_set || arg_directory || arg_agent_exe[0])) {
                log_error("--follow cannot be combined with --since, --lines, --directory or --agent-exe");
                return EXIT_USAGE;
        }

        /* Only the journal reader does without the bus. */
        if (verb->run != verb_detections || arg_follow) {
                r = sd_bus_open_system(&bus);
                if (r < 0) {
                        log_error_errno(r, "cannot connect to the system bus: %m");
                        return EXIT_FAILURE;
                }
        }

        r = verb->run(bus, args, n_args);
        fflush(stdout);
        if (ferror(stdout) && r >= 0)
                r = log_error_errno(EIO, "cannot write the output");
        sd_bus_flush_close_unref(bus);
        return exit_status(r < 0 ? r : 0);
}
