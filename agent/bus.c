/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The D-Bus service org.tracee.Agent1 (see bus-api.h). Handlers go: read the arguments, validate
 * them (quoting the bad value), return early if nothing changes, authorise, act, signal, reply.
 *
 * Authorisation is enforced twice: the installed D-Bus policy denies the mutating methods,
 * SubscribeDetections and the Detection signal to non-root callers, and the handlers check the
 * caller's effective uid from the bus itself (never from an argument), so a permissive bus
 * configuration alone does not open them: the whole finding is sent only to subscribers root made,
 * the broadcast is redacted, and Describe/DescribeRule leave out exceptions and webhook URL paths
 * for others. All methods are marked UNPRIVILEGED for sd-bus because the handlers do their own check.
 *
 * The connection is not taken for granted: when the bus goes away (dbus-daemon restarted, or not
 * there yet at start) detection goes on, and a timer tries to connect again and re-own the name,
 * after 0.5 s, then doubling up to 30 s between attempts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-bus.h>

#include "agent.h"
#include "bus-api.h"
#include "finding.h"
#include "log.h"

/* The caller's effective uid, from the bus (never from an argument). */
static int sender_euid(sd_bus_message *m, uid_t *ret, sd_bus_error *error)
{
        sd_bus_creds *creds = NULL;
        int r;

        r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &creds);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot determine the caller's credentials: %m");
        r = sd_bus_creds_get_euid(creds, ret);
        sd_bus_creds_unref(creds);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot determine the caller's uid: %m");
        return 0;
}

/* what: "Changing Tracee's rules", for "… needs root (caller uid N)" */
static int check_root_for(sd_bus_message *m, const char *what, sd_bus_error *error)
{
        uid_t euid;
        int r;

        r = sender_euid(m, &euid, error);
        if (r < 0)
                return r;
        if (euid != 0)
                return sd_bus_error_setf(error, TRACEE_ERROR_ACCESS_DENIED, "%s needs root (caller uid %u)",
                                         what, (unsigned) euid);
        return 0;
}

static int check_root(sd_bus_message *m, sd_bus_error *error)
{
        return check_root_for(m, "Changing Tracee's rules", error);
}

/* Whether the reply may hold what only root may read (exceptions, webhook URLs); when the uid
 * cannot be told, it may not. */
static bool caller_is_root(sd_bus_message *m)
{
        uid_t euid;

        return sender_euid(m, &euid, NULL) >= 0 && euid == 0;
}

static int no_such_rule(sd_bus_error *error, const char *id)
{
        const char *m = rule_closest_id(id);
        char shown[80];

        /* the id comes from the caller: show it bounded and printable */
        snprintf(shown, sizeof(shown), "%s", id);
        for (char *p = shown; *p; p++)
                if ((unsigned char) *p < 0x20 || (unsigned char) *p >= 0x7f)
                        *p = '?';
        if (m)
                return sd_bus_error_setf(error, TRACEE_ERROR_NO_SUCH_RULE, "No rule '%s' (did you mean %s?)", shown, m);
        return sd_bus_error_setf(error, TRACEE_ERROR_NO_SUCH_RULE, "No rule '%s'", shown);
}

static int method_list_rules(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Context *c = userdata;
        sd_bus_message *reply = NULL;
        size_t n;
        RuleState *rs = engine_rules(c->engine, &n);
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(sssiasbbs)");
        for (size_t i = 0; r >= 0 && i < n; i++) {
                const Rule *rule = rs[i].rule;

                r = sd_bus_message_open_container(reply, 'r', "sssiasbbs");
                if (r >= 0)
                        r = sd_bus_message_append(reply, "sssi", rule->id, rule->name, rule->description,
                                                  (int32_t) rule->severity);
                if (r >= 0)
                        r = sd_bus_message_open_container(reply, 'a', "s");
                for (unsigned t = 0; r >= 0 && t < RULE_MAX_TAGS && rule->tags[t]; t++)
                        r = sd_bus_message_append(reply, "s", rule->tags[t]);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "bbs", (int) rs[i].enabled, (int) rs[i].available,
                                                  rs[i].available ? "" : rs[i].unavailable_reason);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

/* Reads the rule-ID argument of m; NoSuchRule (with the close match) for an unknown one. */
static int read_rule(sd_bus_message *m, Context *c, sd_bus_error *error, RuleState **ret)
{
        const char *id;
        int r;

        r = sd_bus_message_read(m, "s", &id);
        if (r < 0)
                return r;
        *ret = engine_rule(c->engine, id);
        if (!*ret)
                return no_such_rule(error, id);
        return 0;
}

/*
 * Describe and DescribeRule answer root with everything and others without what only root may read.
 * Who the caller is, the bus daemon tells (GetConnectionUnixUser: the uid it saw connect), asked
 * without blocking: a caller anyone can be must not be able to stall the event loop, and with it
 * detection, one round trip to the bus daemon per call. The method call waits in DescribeCall.
 */
typedef struct DescribeCall DescribeCall;
struct DescribeCall {
        Context *c;
        sd_bus_message *m;              /* the method call, answered when the uid is known */
        sd_bus_slot *slot;              /* the question to the bus daemon */
        bool rule;                      /* DescribeRule, else Describe */
        DescribeCall *prev, *next;
};

/* The calls waiting: at most DESCRIBE_PENDING_MAX; each holds the connection (through its
 * message), so bus_done() drops them before closing it. */
#define DESCRIBE_PENDING_MAX 256
static DescribeCall *describe_pending;
static unsigned describe_n_pending;

/* The slot's destroy callback: the slot goes after the reply, or with bus_done(). */
static void describe_call_free(void *userdata)
{
        DescribeCall *d = userdata;

        if (d->prev)
                d->prev->next = d->next;
        else
                describe_pending = d->next;
        if (d->next)
                d->next->prev = d->prev;
        describe_n_pending--;
        sd_bus_message_unref(d->m);
        free(d);
}

static int describe_reply(Context *c, sd_bus_message *m, bool rule, bool full)
{
        sd_bus_error error = SD_BUS_ERROR_NULL;
        RuleState *s = NULL;
        int r;

        if (rule) {
                r = sd_bus_message_rewind(m, true);
                if (r >= 0)
                        r = read_rule(m, c, &error, &s);
                if (r < 0) {
                        r = sd_bus_error_is_set(&error) ? sd_bus_reply_method_error(m, &error) :
                                sd_bus_reply_method_errnof(m, r, "Cannot read the rule ID: %m");
                        sd_bus_error_free(&error);
                        return r;
                }
        }
        jsonw_reset(&c->w);
        if (rule)
                context_describe_rule_json(c, s, &c->w, full);
        else
                context_describe_json(c, &c->w, full);
        if (!jsonw_ok(&c->w))
                return sd_bus_reply_method_errnof(m, ENOMEM, "Cannot write the description: %m");
        return sd_bus_reply_method_return(m, "s", c->w.buf);
}

static int on_caller_uid(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        DescribeCall *d = userdata;
        uint32_t uid = UINT32_MAX;
        sd_bus_slot *slot;

        /* an error (the caller left, the daemon refused): not root */
        if (!sd_bus_message_is_method_error(reply, NULL))
                (void) sd_bus_message_read(reply, "u", &uid);
        (void) describe_reply(d->c, d->m, d->rule, uid == 0);
        /* frees d once sd-bus is done with the callback (it holds the slot while calling it) */
        slot = d->slot;
        d->slot = NULL;
        sd_bus_slot_unref(slot);
        return 0;
}

static int describe_async(sd_bus_message *m, Context *c, bool rule, sd_bus_error *error)
{
        const char *sender = sd_bus_message_get_sender(m);
        sd_bus_slot *slot = NULL;
        DescribeCall *d;
        int r;

        if (!sender)            /* not through a bus daemon: ask the credentials directly */
                return describe_reply(c, m, rule, caller_is_root(m));
        if (describe_n_pending >= DESCRIBE_PENDING_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED, "%u descriptions are being "
                                         "prepared already, try again", DESCRIBE_PENDING_MAX);
        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        r = sd_bus_call_method_async(sd_bus_message_get_bus(m), &slot, "org.freedesktop.DBus",
                                     "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixUser",
                                     on_caller_uid, d, "s", sender);
        if (r < 0) {
                free(d);
                return sd_bus_error_set_errnof(error, r, "Cannot ask the bus who the caller is: %m");
        }
        d->c = c;
        d->m = sd_bus_message_ref(m);
        d->slot = slot;
        d->rule = rule;
        d->next = describe_pending;
        if (describe_pending)
                describe_pending->prev = d;
        describe_pending = d;
        describe_n_pending++;
        (void) sd_bus_slot_set_destroy_callback(slot, describe_call_free);
        return 1;
}

static int method_describe_rule(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Context *c = userdata;
        RuleState *s;
        int r;

        /* an unknown rule is an error for anyone: no need to ask who is calling */
        r = read_rule(m, c, error, &s);
        if (r < 0)
                return r;
        return describe_async(m, c, true, error);
}

static int set_rule(sd_bus_message *m, Context *c, bool enable, sd_bus_error *error)
{
        RuleState *s;
        int r;

        r = read_rule(m, c, error, &s);
        if (r < 0)
                return r;
        r = check_root(m, error);
        if (r < 0)
                return r;
        if (enable && !s->available)
                return sd_bus_error_setf(error, TRACEE_ERROR_RULE_UNAVAILABLE, "Rule %s is unavailable: %s",
                                         s->rule->id, s->unavailable_reason);
        r = context_set_rule(c, s->rule->id, enable);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot %s rule %s: %m", enable ? "enable" : "disable",
                                               s->rule->id);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_enable_rule(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        return set_rule(m, userdata, true, error);
}

static int method_disable_rule(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        return set_rule(m, userdata, false, error);
}

static int method_reload(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Context *c = userdata;
        char err[512] = "";
        int r;

        r = check_root(m, error);
        if (r < 0)
                return r;
        r = context_reload(c, err, sizeof(err));
        if (r < 0)
                return sd_bus_error_setf(error, TRACEE_ERROR_RELOAD_FAILED, "Reload failed, the previous "
                                         "configuration stays in force: %s", err);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_describe(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        return describe_async(m, userdata, false, error);
}

/*
 * The whole finding goes only to the connections root subscribed (SubscribeDetections), addressed
 * to each; the broadcast Detection carries the redacted form (finding_write_json_redacted()). The
 * bus forgets a connection that leaves, and so does the tracker. One agent per process: the tracker
 * lives here, not in Context, and goes with the connection it belongs to (bus_done()).
 */
#define SUBSCRIBERS_MAX 32
static sd_bus_track *subscribers;

static int method_subscribe_detections(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Context *c = userdata;
        int r;

        r = check_root_for(m, "Following the whole findings", error);
        if (r < 0)
                return r;
        if (!subscribers) {
                r = sd_bus_track_new(c->bus, &subscribers, NULL, NULL);
                if (r < 0)
                        return sd_bus_error_set_errnof(error, r, "Cannot track subscribers: %m");
        }
        if (sd_bus_track_count_sender(subscribers, m) > 0)
                return sd_bus_reply_method_return(m, NULL);
        if (sd_bus_track_count(subscribers) >= SUBSCRIBERS_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                         "Already %u subscribers to the whole findings", SUBSCRIBERS_MAX);
        r = sd_bus_track_add_sender(subscribers, m);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot track the subscriber %s: %m",
                                               sd_bus_message_get_sender(m) ?: "?");
        return sd_bus_reply_method_return(m, NULL);
}

static int property_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                        sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Context *c = userdata;
        PipelineStats st = {};

        if (c->pipeline)
                (void) pipeline_get_stats(c->pipeline, &st);
        if (strcmp(property, "Version") == 0)
                return sd_bus_message_append(reply, "s", TRACEE_VERSION);
        if (strcmp(property, "State") == 0)
                return sd_bus_message_append(reply, "s", c->status);
        if (strcmp(property, "StartedAt") == 0)
                return sd_bus_message_append(reply, "t", c->started_at_usec);
        if (strcmp(property, "EventsReceived") == 0)
                return sd_bus_message_append(reply, "t", st.events);
        if (strcmp(property, "EventsLost") == 0)
                return sd_bus_message_append(reply, "t", st.lost);
        if (strcmp(property, "EventsShed") == 0)
                return sd_bus_message_append(reply, "t", st.shed);
        if (strcmp(property, "Detections") == 0)
                return sd_bus_message_append(reply, "t", c->findings);
        if (strcmp(property, "RulesEnabled") == 0)
                return sd_bus_message_append(reply, "u", context_rules_enabled(c));
        return -EINVAL;
}

/* DegradedRules as: the IDs of the enabled rules that unwatched 32-bit syscalls can evade. */
static int property_get_degraded(sd_bus *bus, const char *path, const char *interface, const char *property,
                                 sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Context *c = userdata;
        size_t n;
        RuleState *rs = engine_rules(c->engine, &n);
        int r;

        r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && i < n; i++)
                if (rs[i].enabled && rs[i].available && rs[i].degraded)
                        r = sd_bus_message_append(reply, "s", rs[i].rule->id);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        return r;
}

/* RestartNeeded as: the [agent] keys a reload changed that take effect only when the agent restarts. */
static int property_get_restart(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Context *c = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "s");
        for (int k = 0; r >= 0 && k < _STARTUP_KEY_MAX; k++)
                if (c->restart_needed & (1u << k))
                        r = sd_bus_message_append(reply, "s", startup_key_to_string(k));
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        return r;
}

static const sd_bus_vtable agent_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("StartedAt", "t", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        /* counters change all the time: no signal per change; read them when needed */
        SD_BUS_PROPERTY("EventsReceived", "t", property_get, 0, 0),
        SD_BUS_PROPERTY("EventsLost", "t", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("EventsShed", "t", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Detections", "t", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("RulesEnabled", "u", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("DegradedRules", "as", property_get_degraded, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("RestartNeeded", "as", property_get_restart, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD_WITH_ARGS("ListRules", SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("a(sssiasbbs)", rules), method_list_rules,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("DescribeRule", SD_BUS_ARGS("s", id), SD_BUS_RESULT("s", json),
                                method_describe_rule, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("EnableRule", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT, method_enable_rule,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("DisableRule", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT, method_disable_rule,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Reload", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_reload,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Describe", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", json), method_describe,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SubscribeDetections", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT,
                                method_subscribe_detections, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("Detection", SD_BUS_ARGS("s", rule_id, "s", severity, "s", finding), 0),
        SD_BUS_VTABLE_END
};

void bus_emit_detection(Context *c, const Finding *f, const char *json)
{
        const char *sev = severity_to_string(f->rule->severity);
        uint64_t queued = 0;
        JsonW w = {};
        int r;

        if (!c->bus)
                return;
        /* the bus daemon falls behind: drop, count, and say so once per streak */
        if (sd_bus_get_n_queued_write(c->bus, &queued) >= 0 && queued >= BUS_WQUEUE_MAX) {
                c->bus_signals_dropped++;
                if (c->bus_signals_unreported++ == 0)
                        log_struct(LOG_WARNING, TRACEE_MESSAGE_SINK_DROPPED, "D-Bus: the bus daemon is not reading "
                                   "the agent's messages (%" PRIu64 " queued): dropping Detection signals and "
                                   "counting them", queued);
                return;
        }
        for (const char *to = sd_bus_track_first(subscribers); to; to = sd_bus_track_next(subscribers)) {
                sd_bus_message *s = NULL;

                r = sd_bus_message_new_signal(c->bus, &s, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE, "Detection");
                if (r >= 0)
                        r = sd_bus_message_set_destination(s, to);
                if (r >= 0)
                        r = sd_bus_message_append(s, "sss", f->rule->id, sev, json);
                if (r >= 0)
                        r = sd_bus_send(c->bus, s, NULL);
                sd_bus_message_unref(s);
                if (r < 0)
                        log_debug_errno(r, "D-Bus: cannot send the finding to %s, ignoring: %m", to);
        }
        finding_write_json_redacted(&w, f);
        r = jsonw_ok(&w) ? sd_bus_emit_signal(c->bus, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE, "Detection", "sss",
                                              f->rule->id, sev, w.buf) : -ENOMEM;
        jsonw_done(&w);
        if (r < 0) {
                c->bus_signals_dropped++;
                c->bus_signals_unreported++;
                return;
        }
        c->bus_signals_sent++;
        if (c->bus_signals_unreported) {
                log_struct(LOG_WARNING, TRACEE_MESSAGE_SINK_DROPPED, "D-Bus: %" PRIu64 " Detection signals dropped "
                           "while the bus daemon was not reading them (%" PRIu64 " in all)",
                           c->bus_signals_unreported, c->bus_signals_dropped);
                c->bus_signals_unreported = 0;
        }
}

void bus_done(Context *c)
{
        /* unanswered descriptions: the caller gets no reply (its connection goes too, or it times out) */
        while (describe_pending)
                sd_bus_slot_unref(describe_pending->slot);      /* frees it: describe_call_free() */
        subscribers = sd_bus_track_unref(subscribers);
        c->vtable_slot = sd_bus_slot_unref(c->vtable_slot);
        c->bus = sd_bus_flush_close_unref(c->bus);
}

void bus_emit_changed(Context *c, const char *property)
{
        if (!c->bus)
                return;
        (void) sd_bus_emit_properties_changed(c->bus, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE, property, NULL);
}

#define RECONNECT_MIN_USEC (500 * 1000ULL)
#define RECONNECT_MAX_USEC (30 * 1000000ULL)

/* One agent per process: the reconnection timer lives here rather than in Context. It is floating
 * (owned by the event loop, freed with it); this is a borrowed pointer to re-arm it. */
static sd_event_source *reconnect_timer;
static uint64_t reconnect_delay;
static unsigned reconnect_attempts;

static int bus_connect(Context *c);
static void schedule_reconnect(Context *c);

static int on_reconnect_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
        Context *c = userdata;
        int r;

        bus_done(c);
        reconnect_attempts++;
        r = bus_connect(c);
        if (r < 0) {
                if (reconnect_attempts == 1)
                        log_warning_errno(r, "D-Bus: cannot connect to the system bus and own %s yet (%m); "
                                          "retrying with backoff, detection goes on", TRACEE_BUS_NAME);
                schedule_reconnect(c);
                return 0;
        }
        log_info("D-Bus: connected again, serving %s (after %u attempt(s))", TRACEE_BUS_NAME, reconnect_attempts);
        reconnect_delay = 0;
        reconnect_attempts = 0;
        bus_emit_changed(c, "State");
        return 0;
}

static void schedule_reconnect(Context *c)
{
        int r;

        if (!c->event)
                return;
        reconnect_delay = reconnect_delay ? reconnect_delay * 2 : RECONNECT_MIN_USEC;
        if (reconnect_delay > RECONNECT_MAX_USEC)
                reconnect_delay = RECONNECT_MAX_USEC;
        if (!reconnect_timer) {
                r = sd_event_add_time_relative(c->event, &reconnect_timer, CLOCK_MONOTONIC, reconnect_delay,
                                               100 * 1000, on_reconnect_timer, c);
                if (r < 0) {
                        log_warning_errno(r, "D-Bus: cannot arm the reconnection timer: %m");
                        return;
                }
                (void) sd_event_source_set_description(reconnect_timer, "bus-reconnect");
                (void) sd_event_source_set_floating(reconnect_timer, true);
                sd_event_source_unref(reconnect_timer);         /* the event loop owns it now */
        } else
                (void) sd_event_source_set_time_relative(reconnect_timer, reconnect_delay);
        (void) sd_event_source_set_enabled(reconnect_timer, SD_EVENT_ONESHOT);
}

/* sd-bus synthesises org.freedesktop.DBus.Local.Disconnected when the connection drops. The bus
 * object cannot be freed from inside its own dispatch: the timer does it. */
static int on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Context *c = userdata;

        log_warning("D-Bus: lost the connection to the system bus; detection goes on, reconnecting");
        reconnect_delay = 0;
        reconnect_attempts = 0;
        schedule_reconnect(c);
        return 0;
}

static int bus_connect(Context *c)
{
        int r;

        r = sd_bus_open_system(&c->bus);
        if (r < 0)
                return r;
        (void) sd_bus_set_exit_on_disconnect(c->bus, false);
        /* floating match (NULL slot): freed with the bus */
        r = sd_bus_match_signal(c->bus, NULL, "org.freedesktop.DBus.Local", NULL, "org.freedesktop.DBus.Local",
                                "Disconnected", on_disconnected, c);
        if (r < 0)
                goto fail;
        r = sd_bus_add_object_vtable(c->bus, &c->vtable_slot, TRACEE_BUS_PATH, TRACEE_BUS_INTERFACE, agent_vtable,
                                     c);
        if (r < 0)
                goto fail;
        r = sd_bus_request_name(c->bus, TRACEE_BUS_NAME, 0);
        if (r < 0)
                goto fail;
        r = sd_bus_attach_event(c->bus, c->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                goto fail;
        return 0;
fail:
        c->vtable_slot = sd_bus_slot_unref(c->vtable_slot);
        c->bus = sd_bus_flush_close_unref(c->bus);
        return r;
}

/* Connects and owns the name. On failure the caller logs it; a retry is scheduled either way. */
int bus_setup(Context *c)
{
        int r = bus_connect(c);

        if (r < 0) {
                reconnect_attempts = 1;         /* the caller logs this first failure */
                schedule_reconnect(c);
        }
        return r;
}
