/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See webhook.h. One CURLM for all webhooks, created (and libcurl loaded: curl-dl.h) with the first
 * webhook; its sockets become sd-event I/O sources (CURLMOPT_SOCKETFUNCTION) and its timeout one
 * sd-event time source (CURLMOPT_TIMERFUNCTION).
 * Each webhook owns one easy handle, used for one request at a time, and a FIFO of payloads whose
 * head is the detection being delivered (on the wire, or waiting for its retry).
 *
 * Severity → Falco priority: the same syslog numbering as the journal's PRIORITY= field
 * (severity_to_priority() in journal.c), spelled the way Falco spells its priorities in JSON:
 *   critical → Critical (2), high → Error (3), medium → Warning (4), low → Notice (5),
 *   info → Informational (6).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "bus-api.h"
#include "curl-dl.h"
#include "finding.h"
#include "journal.h"
#include "log.h"
#include "webhook.h"

#define BACKOFF_FIRST_USEC      (500 * 1000ULL)
#define BACKOFF_MAX_USEC        (30 * 1000000ULL)
#define WARN_INTERVAL_USEC      (60 * 1000000ULL)       /* at most one "failing" warning per minute */

typedef struct Item {
        struct Item *next;
        size_t len;
        char data[];
} Item;

/* What an item costs, counted against queue_bytes: its allocation. */
#define ITEM_SIZE(len) (sizeof(Item) + (len) + 1)

typedef struct Webhook {
        Webhooks *owner;
        WebhookConfig cfg;
        char url_safe[sizeof(((WebhookConfig *) 0)->url)];      /* url without user:password@ */
        CURL *easy;
        struct curl_slist *headers;
        char errbuf[CURL_ERROR_SIZE];

        Item *head, *tail;              /* head: the detection being delivered */
        unsigned n_queued;
        uint64_t queued_bytes;          /* their memory, counted against cfg.queue_bytes */
        bool active;                    /* head is on the wire */
        bool waiting;                   /* head waits for its retry */
        sd_event_source *retry_timer;
        unsigned attempts;              /* failed attempts at the head */
        unsigned backoff;               /* consecutive failed attempts, reset by a success */

        uint64_t sent, retried, failed, dropped;
        char last_error[256];
        uint64_t last_error_usec;       /* CLOCK_REALTIME, 0 = never */
        bool failing;
        bool failing_logged;            /* this failing streak was reported */
        long rejected_logged;           /* status of the last rejection reported in this streak */
        uint64_t last_warn_usec;        /* CLOCK_MONOTONIC */
} Webhook;

struct Webhooks {
        sd_event *event;
        CURLM *multi;
        sd_event_source *timer;
        Webhook *hook[CONFIG_MAX_WEBHOOKS];
        unsigned n;
        JsonW w;
        char hostname[256];
};

static uint64_t now_usec(clockid_t clk)
{
        struct timespec ts;

        clock_gettime(clk, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

static const char *falco_priority(Severity s)
{
        switch (severity_to_priority(s)) {
        case LOG_EMERG:
                return "Emergency";
        case LOG_ALERT:
                return "Alert";
        case LOG_CRIT:
                return "Critical";
        case LOG_ERR:
                return "Error";
        case LOG_WARNING:
                return "Warning";
        case LOG_NOTICE:
                return "Notice";
        case LOG_DEBUG:
                return "Debug";
        default:
                return "Informational";
        }
}

static void format_rfc3339_ns(uint64_t ns, char *buf, size_t n)
{
        time_t s = (time_t) (ns / 1000000000ULL);
        struct tm tm;
        char base[32];

        gmtime_r(&s, &tm);
        strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf, n, "%s.%09" PRIu64 "Z", base, (uint64_t) (ns % 1000000000ULL));
}

/* The URL for display: "scheme://user:password@host/…" loses "user:password@". */
static void url_strip_credentials(const char *url, char *buf, size_t n)
{
        const char *auth = strstr(url, "://"), *end, *at = NULL;

        if (!auth) {
                snprintf(buf, n, "%s", url);
                return;
        }
        auth += 3;
        end = auth + strcspn(auth, "/?#");
        for (const char *p = auth; p < end; p++)
                if (*p == '@')
                        at = p;
        if (!at)
                snprintf(buf, n, "%s", url);
        else
                snprintf(buf, n, "%.*s%s", (int) (auth - url), url, at + 1);
}

/* The URL's origin for those who may not see the rest: "scheme://host[:port]", without
 * user:password@, path, query or fragment (where webhook services put their tokens). */
static void url_origin(const char *url, char *buf, size_t n)
{
        const char *auth = strstr(url, "://"), *end, *host;

        if (!auth) {
                snprintf(buf, n, "(not shown)");
                return;
        }
        auth += 3;
        end = auth + strcspn(auth, "/?#");
        host = auth;
        for (const char *p = auth; p < end; p++)
                if (*p == '@')
                        host = p + 1;
        snprintf(buf, n, "%.*s%.*s", (int) (auth - url), url, (int) (end - host), host);
}

/* ---------------------------------------------------------------------------------------------- */
/* queue */

static void queue_pop(Webhook *h)
{
        Item *i = h->head;

        if (!i)
                return;
        h->head = i->next;
        if (!h->head)
                h->tail = NULL;
        h->n_queued--;
        h->queued_bytes -= ITEM_SIZE(i->len);
        h->attempts = 0;
        free(i);
}

/* Removes the oldest detection that is not on the wire; false if there is none. */
static bool queue_drop_oldest(Webhook *h)
{
        Item *victim;

        if (!h->head)
                return false;
        if (!h->active) {
                queue_pop(h);
                return true;
        }
        victim = h->head->next;
        if (!victim)
                return false;
        h->head->next = victim->next;
        if (h->tail == victim)
                h->tail = h->head;
        h->n_queued--;
        h->queued_bytes -= ITEM_SIZE(victim->len);
        free(victim);
        return true;
}

static void queue_clear(Webhook *h)
{
        while (h->head)
                queue_pop(h);
}

/* ---------------------------------------------------------------------------------------------- */
/* delivery */

static void hook_kick(Webhook *h);

static void hook_failed_attempt(Webhook *h, const char *why, bool permanent, long status)
{
        uint64_t mono = now_usec(CLOCK_MONOTONIC);

        snprintf(h->last_error, sizeof(h->last_error), "%s", why);
        h->last_error_usec = now_usec(CLOCK_REALTIME);
        h->failing = true;
        if (permanent) {
                /* the reason matters here: say it once per failing streak and status */
                if (h->rejected_logged != status) {
                        log_struct(LOG_WARNING, TRACEE_MESSAGE_WEBHOOK,
                                   "webhook %s (%s): %s; the detection is not retried and counts as failed",
                                   h->cfg.name, h->url_safe, why);
                        h->rejected_logged = status;
                        h->failing_logged = true;
                        h->last_warn_usec = mono;
                }
                return;
        }
        if (!h->failing_logged && (!h->last_warn_usec || mono - h->last_warn_usec >= WARN_INTERVAL_USEC)) {
                log_struct(LOG_WARNING, TRACEE_MESSAGE_WEBHOOK,
                           "webhook %s (%s) is failing: %s; retrying with backoff, keeping at most %u detections "
                           "and %" PRIu64 " bytes", h->cfg.name, h->url_safe, why, h->cfg.queue_size,
                           h->cfg.queue_bytes);
                h->failing_logged = true;
                h->last_warn_usec = mono;
        }
}

static void hook_succeeded(Webhook *h)
{
        if (h->failing && h->failing_logged)
                log_struct(LOG_INFO, TRACEE_MESSAGE_WEBHOOK,
                           "webhook %s (%s) recovered: delivering again (%" PRIu64 " dropped, %" PRIu64
                           " failed so far)", h->cfg.name, h->url_safe, h->dropped, h->failed);
        h->failing = false;
        h->failing_logged = false;
        h->rejected_logged = 0;
        h->backoff = 0;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
        Webhook *h = userdata;

        h->waiting = false;
        hook_kick(h);
        return 0;
}

static void hook_schedule_retry(Webhook *h)
{
        uint64_t base = BACKOFF_FIRST_USEC, delay;
        int r;

        for (unsigned i = 1; i < h->backoff && base < BACKOFF_MAX_USEC; i++)
                base *= 2;
        if (base > BACKOFF_MAX_USEC)
                base = BACKOFF_MAX_USEC;
        /* jitter: somewhere in [base/2, base], so that agents do not retry in step */
        delay = base / 2 + (uint64_t) random() % (base / 2 + 1);

        if (h->retry_timer)
                r = sd_event_source_set_time_relative(h->retry_timer, delay);
        else
                r = sd_event_add_time_relative(h->owner->event, &h->retry_timer, CLOCK_MONOTONIC, delay, 10000,
                                               on_retry, h);
        if (r >= 0)
                r = sd_event_source_set_enabled(h->retry_timer, SD_EVENT_ONESHOT);
        if (r < 0) {
                /* cannot wait: the next detection submitted kicks the queue again */
                log_warning_errno(r, "webhook %s: cannot arm the retry timer: %m", h->cfg.name);
                return;
        }
        h->waiting = true;
}

static void hook_start(Webhook *h)
{
        CURLMcode mc;

        if (h->attempts > 0)
                h->retried++;
        (void) sym_curl_easy_setopt(h->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) h->head->len);
        (void) sym_curl_easy_setopt(h->easy, CURLOPT_POSTFIELDS, (const char *) h->head->data);
        h->errbuf[0] = 0;
        mc = sym_curl_multi_add_handle(h->owner->multi, h->easy);
        if (mc != CURLM_OK) {
                char why[200];

                snprintf(why, sizeof(why), "cannot start a request: %s", sym_curl_multi_strerror(mc));
                h->attempts++;
                h->backoff++;
                hook_failed_attempt(h, why, false, 0);
                hook_schedule_retry(h);
                return;
        }
        h->active = true;
}

static void hook_kick(Webhook *h)
{
        if (!h->active && !h->waiting && h->head)
                hook_start(h);
}

/* Errors a retry cannot fix. */
static bool curl_error_permanent(CURLcode cc)
{
        switch (cc) {
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_NOT_BUILT_IN:
        case CURLE_BAD_FUNCTION_ARGUMENT:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CRL_BADFILE:
                return true;
        default:
                return false;
        }
}

static void hook_done(Webhook *h, CURLcode cc)
{
        long status = 0;
        char why[sizeof(h->last_error)];

        (void) sym_curl_multi_remove_handle(h->owner->multi, h->easy);
        h->active = false;
        if (cc == CURLE_OK)
                (void) sym_curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);

        if (cc == CURLE_OK && status >= 200 && status < 300) {
                h->sent++;
                queue_pop(h);
                hook_succeeded(h);
                hook_kick(h);
                return;
        }
        if (cc != CURLE_OK && !curl_error_permanent(cc)) {
                snprintf(why, sizeof(why), "%.240s", h->errbuf[0] ? h->errbuf : sym_curl_easy_strerror(cc));
        } else if (cc == CURLE_OK && (status == 429 || status >= 500)) {
                snprintf(why, sizeof(why), "HTTP %ld", status);
        } else {
                /* not worth retrying: the endpoint rejected this payload, or the setup is wrong */
                if (cc == CURLE_OK)
                        snprintf(why, sizeof(why), "the endpoint answered HTTP %ld", status);
                else
                        snprintf(why, sizeof(why), "%.240s", h->errbuf[0] ? h->errbuf : sym_curl_easy_strerror(cc));
                h->failed++;
                queue_pop(h);
                hook_failed_attempt(h, why, true, cc == CURLE_OK ? status : -(long) cc);
                hook_kick(h);
                return;
        }
        h->attempts++;
        h->backoff++;
        hook_failed_attempt(h, why, false, 0);
        hook_schedule_retry(h);
}

static void multi_check_done(Webhooks *w)
{
        CURLMsg *m;
        int left;

        while ((m = sym_curl_multi_info_read(w->multi, &left))) {
                Webhook *h = NULL;

                if (m->msg != CURLMSG_DONE)
                        continue;
                (void) sym_curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **) &h);
                if (h)
                        hook_done(h, m->data.result);
        }
}

/* ---------------------------------------------------------------------------------------------- */
/* libcurl ↔ sd-event */

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
        Webhooks *w = userdata;
        int action = 0, running;

        if (revents & EPOLLIN)
                action |= CURL_CSELECT_IN;
        if (revents & EPOLLOUT)
                action |= CURL_CSELECT_OUT;
        if (revents & (EPOLLERR | EPOLLHUP))
                action |= CURL_CSELECT_ERR;
        (void) sym_curl_multi_socket_action(w->multi, fd, action, &running);
        multi_check_done(w);
        return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
        Webhooks *w = userdata;
        int running;

        (void) sym_curl_multi_socket_action(w->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        multi_check_done(w);
        return 0;
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
        Webhooks *w = userp;
        sd_event_source *src = socketp;
        uint32_t events = 0;
        int r;

        if (what == CURL_POLL_REMOVE) {
                if (src) {
                        (void) sym_curl_multi_assign(w->multi, fd, NULL);
                        sd_event_source_disable_unref(src);
                }
                return 0;
        }
        if (what & CURL_POLL_IN)
                events |= EPOLLIN;
        if (what & CURL_POLL_OUT)
                events |= EPOLLOUT;
        if (src) {
                r = sd_event_source_set_io_events(src, events);
                if (r >= 0)
                        r = sd_event_source_set_enabled(src, SD_EVENT_ON);
        } else {
                r = sd_event_add_io(w->event, &src, fd, events, on_io, w);
                if (r >= 0)
                        (void) sym_curl_multi_assign(w->multi, fd, src);
        }
        if (r < 0) {
                log_warning_errno(r, "webhooks: cannot watch a connection: %m");
                return -1;      /* libcurl fails the transfer, which is then retried */
        }
        return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
        Webhooks *w = userp;
        int r;

        if (timeout_ms < 0)
                return sd_event_source_set_enabled(w->timer, SD_EVENT_OFF) < 0 ? -1 : 0;
        r = sd_event_source_set_time_relative(w->timer, (uint64_t) timeout_ms * 1000);
        if (r >= 0)
                r = sd_event_source_set_enabled(w->timer, SD_EVENT_ONESHOT);
        return r < 0 ? -1 : 0;
}

static size_t discard_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
        return size * nmemb;
}

/* ---------------------------------------------------------------------------------------------- */
/* set up */

static Webhook *hook_free(Webhook *h)
{
        if (!h)
                return NULL;
        if (h->active)
                (void) sym_curl_multi_remove_handle(h->owner->multi, h->easy);
        if (h->easy)
                sym_curl_easy_cleanup(h->easy);
        sym_curl_slist_free_all(h->headers);
        sd_event_source_disable_unref(h->retry_timer);
        queue_clear(h);
        free(h);
        return NULL;
}

static int hook_new(Webhooks *w, const WebhookConfig *cfg, Webhook **ret)
{
        Webhook *h;
        struct curl_slist *l;
        CURLcode cc = CURLE_OK;

        if (!*cfg->url)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "webhook %s (%s) has no url", cfg->name,
                                       cfg->source);
        h = calloc(1, sizeof(*h));
        if (!h)
                return log_error_errno(ENOMEM, "webhook %s: out of memory", cfg->name);
        h->owner = w;
        h->cfg = *cfg;
        url_strip_credentials(cfg->url, h->url_safe, sizeof(h->url_safe));
        h->easy = sym_curl_easy_init();
        if (!h->easy) {
                free(h);
                return log_error_errno(SYNTHETIC_ERRNO(ENOMEM), "webhook %s: cannot create a libcurl handle",
                                       cfg->name);
        }
        l = sym_curl_slist_append(NULL, "Content-Type: application/json");
        if (l)
                h->headers = l, l = sym_curl_slist_append(h->headers, "Expect:");   /* no 100-continue round trip */
        for (unsigned i = 0; l && i < cfg->n_headers && i < CONFIG_MAX_HEADERS; i++)
                l = sym_curl_slist_append(h->headers, cfg->headers[i]);
        if (!l) {
                hook_free(h);
                return log_error_errno(ENOMEM, "webhook %s: out of memory", cfg->name);
        }

#define SET(opt, val) do { if (cc == CURLE_OK) cc = sym_curl_easy_setopt(h->easy, opt, val); } while (0)
        SET(CURLOPT_URL, cfg->url);
        SET(CURLOPT_PROTOCOLS_STR, "http,https");
        SET(CURLOPT_POST, 1L);
        SET(CURLOPT_HTTPHEADER, h->headers);
        SET(CURLOPT_USERAGENT, "tracee/" TRACEE_VERSION);
        SET(CURLOPT_NOSIGNAL, 1L);
        SET(CURLOPT_TIMEOUT_MS, (long) cfg->timeout_ms);
        SET(CURLOPT_CONNECTTIMEOUT_MS, (long) cfg->timeout_ms);
        SET(CURLOPT_PRIVATE, h);
        SET(CURLOPT_ERRORBUFFER, h->errbuf);
        SET(CURLOPT_WRITEFUNCTION, discard_body);
        SET(CURLOPT_TCP_KEEPALIVE, 1L);
        SET(CURLOPT_SSL_VERIFYPEER, cfg->insecure ? 0L : 1L);
        SET(CURLOPT_SSL_VERIFYHOST, cfg->insecure ? 0L : 2L);
        if (*cfg->ca_file)
                SET(CURLOPT_CAINFO, cfg->ca_file);
        if (*cfg->client_cert)
                SET(CURLOPT_SSLCERT, cfg->client_cert);
        if (*cfg->client_key)
                SET(CURLOPT_SSLKEY, cfg->client_key);
#undef SET
        if (cc != CURLE_OK) {
                hook_free(h);
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "webhook %s: cannot set up libcurl: %s", cfg->name,
                                       sym_curl_easy_strerror(cc));
        }
        *ret = h;
        return 0;
}

/* A header or credentials in the URL are secrets: their file should be readable by root only. */
static void check_secrets(const Config *c)
{
        for (unsigned i = 0; i < c->n_webhook; i++) {
                const WebhookConfig *cfg = &c->webhook[i];
                char stripped[sizeof(cfg->url)];
                bool seen = false;
                struct stat st;

                url_strip_credentials(cfg->url, stripped, sizeof(stripped));
                if (cfg->n_headers == 0 && strcmp(stripped, cfg->url) == 0)
                        continue;
                for (unsigned k = 0; k < i && !seen; k++)
                        seen = strcmp(c->webhook[k].source, cfg->source) == 0 &&
                               (c->webhook[k].n_headers > 0 || strchr(c->webhook[k].url, '@'));
                if (seen || stat(cfg->source, &st) < 0 || !(st.st_mode & (S_IRWXG | S_IRWXO)))
                        continue;
                log_struct(LOG_WARNING, TRACEE_MESSAGE_WEBHOOK,
                           "%s holds secrets for webhook %s (a header or credentials in the url) but is readable "
                           "by group or others (mode %04o): chmod 600 it, or move the [webhook] sections into a "
                           "file readable by root only named by TRACEE_WEBHOOK_CONFIG",
                           cfg->source, cfg->name, (unsigned) (st.st_mode & 07777));
        }
}

static bool config_same(const WebhookConfig *a, const WebhookConfig *b)
{
        if (strcmp(a->name, b->name) || strcmp(a->url, b->url) || a->format_json != b->format_json ||
            a->min_severity != b->min_severity || strcmp(a->rules, b->rules) || a->n_headers != b->n_headers ||
            a->timeout_ms != b->timeout_ms || a->queue_size != b->queue_size || a->queue_bytes != b->queue_bytes ||
            strcmp(a->ca_file, b->ca_file) ||
            strcmp(a->client_cert, b->client_cert) || strcmp(a->client_key, b->client_key) ||
            a->insecure != b->insecure)
                return false;
        for (unsigned i = 0; i < a->n_headers && i < CONFIG_MAX_HEADERS; i++)
                if (strcmp(a->headers[i], b->headers[i]))
                        return false;
        return true;
}

static void hook_discard(Webhook *h, const char *why)
{
        if (h->n_queued > 0)
                log_struct(LOG_WARNING, TRACEE_MESSAGE_WEBHOOK, "webhook %s (%s): %u detections not delivered (%s)",
                           h->cfg.name, h->url_safe, h->n_queued, why);
        hook_free(h);
}

/* Loads libcurl and creates the multi handle, when the first webhook is set up: an agent without
 * webhooks (the default) never maps libcurl and its dependencies. */
static int webhooks_setup_curl(Webhooks *w)
{
        static bool curl_ready;
        CURLM *multi;
        int r;

        if (w->multi)
                return 0;
        if (!curl_ready) {
                CURLcode cc;

                r = dlopen_curl();
                if (r < 0)
                        return r;
                cc = sym_curl_global_init(CURL_GLOBAL_DEFAULT);
                if (cc != CURLE_OK)
                        return log_error_errno(SYNTHETIC_ERRNO(EIO), "webhooks: cannot initialize libcurl: %s",
                                               sym_curl_easy_strerror(cc));
                curl_ready = true;
                srandom((unsigned) (now_usec(CLOCK_MONOTONIC) ^ (uint64_t) getpid()));
        }
        multi = sym_curl_multi_init();
        if (!multi)
                return log_error_errno(SYNTHETIC_ERRNO(ENOMEM), "webhooks: cannot create a libcurl multi handle");
        if (sym_curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_cb) != CURLM_OK ||
            sym_curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, w) != CURLM_OK ||
            sym_curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_cb) != CURLM_OK ||
            sym_curl_multi_setopt(multi, CURLMOPT_TIMERDATA, w) != CURLM_OK) {
                sym_curl_multi_cleanup(multi);
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "webhooks: cannot set up libcurl");
        }
        w->multi = multi;
        return 0;
}

int webhooks_new(sd_event *e, const Config *c, Webhooks **ret)
{
        Webhooks *w;
        int r;

        w = calloc(1, sizeof(*w));
        if (!w)
                return log_error_errno(ENOMEM, "webhooks: out of memory");
        w->event = sd_event_ref(e);
        if (gethostname(w->hostname, sizeof(w->hostname) - 1) < 0 || !*w->hostname)
                snprintf(w->hostname, sizeof(w->hostname), "unknown");
        r = sd_event_add_time_relative(e, &w->timer, CLOCK_MONOTONIC, 0, 1000, on_timer, w);
        if (r >= 0)
                r = sd_event_source_set_enabled(w->timer, SD_EVENT_OFF);
        if (r < 0) {
                webhooks_free(w);
                return log_error_errno(r, "webhooks: cannot add a timer to the event loop: %m");
        }
        r = webhooks_reconfigure(w, c);
        if (r < 0) {
                webhooks_free(w);
                return r;
        }
        *ret = w;
        return 0;
}

Webhooks *webhooks_free(Webhooks *w)
{
        if (!w)
                return NULL;
        for (unsigned i = 0; i < w->n; i++)
                hook_discard(w->hook[i], "the agent is stopping");
        w->n = 0;
        if (w->multi)
                sym_curl_multi_cleanup(w->multi);   /* may still call socket_cb to drop sources */
        sd_event_source_disable_unref(w->timer);
        sd_event_unref(w->event);
        jsonw_done(&w->w);
        free(w);
        return NULL;
}

int webhooks_reconfigure(Webhooks *w, const Config *c)
{
        Webhook *next[CONFIG_MAX_WEBHOOKS] = {};
        bool kept[CONFIG_MAX_WEBHOOKS] = {};
        unsigned n = c->n_webhook < CONFIG_MAX_WEBHOOKS ? c->n_webhook : CONFIG_MAX_WEBHOOKS;
        int r;

        if (n > 0) {
                r = webhooks_setup_curl(w);
                if (r < 0)
                        return r;
        }
        for (unsigned i = 0; i < n; i++) {
                for (unsigned k = 0; k < w->n && !next[i]; k++)
                        if (!kept[k] && config_same(&w->hook[k]->cfg, &c->webhook[i])) {
                                next[i] = w->hook[k];
                                kept[k] = true;
                                /* the file may have moved */
                                memcpy(next[i]->cfg.source, c->webhook[i].source, sizeof(next[i]->cfg.source));
                        }
                if (next[i])
                        continue;
                r = hook_new(w, &c->webhook[i], &next[i]);
                if (r < 0) {
                        for (unsigned k = 0; k <= i; k++) {
                                bool old = false;

                                for (unsigned m = 0; m < w->n; m++)
                                        old = old || w->hook[m] == next[k];
                                if (!old)
                                        hook_free(next[k]);
                        }
                        return r;
                }
        }
        for (unsigned k = 0; k < w->n; k++)
                if (!kept[k])
                        hook_discard(w->hook[k], "its [webhook] section changed or was removed");
        memcpy(w->hook, next, sizeof(next));
        w->n = n;
        check_secrets(c);
        return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* payloads */

static bool rules_match(const char *list, const char *id)
{
        char buf[sizeof(((WebhookConfig *) 0)->rules)], *save = NULL, *tok;

        if (!*list || strcasecmp(list, "all") == 0)
                return true;
        snprintf(buf, sizeof(buf), "%s", list);
        for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
                if (strcasecmp(tok, id) == 0)
                        return true;
        return false;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* One Falco alert, as falcosidekick accepts it: see the comment at the top for the priority. */
static void write_falco(Webhooks *w, const Finding *f)
{
        const Rule *r = f->rule;
        const Event *e = f->event;
        JsonW *j = &w->w;
        const char *tags[RULE_MAX_TAGS + 1];
        unsigned nt = 0;
        char ts[64], msg[2400], out[2600], key[96];

        format_rfc3339_ns(e->wall_ns, ts, sizeof(ts));
        finding_message(f, msg, sizeof(msg));
        snprintf(out, sizeof(out), "%s: %s %s", ts, falco_priority(r->severity), msg);

        jsonw_reset(j);
        jsonw_obj_open(j);
        jsonw_kv_str(j, "time", ts);
        jsonw_kv_str(j, "rule", r->name);
        jsonw_kv_str(j, "priority", falco_priority(r->severity));
        jsonw_kv_str(j, "output", out);
        jsonw_kv_str(j, "source", "tracee");
        jsonw_kv_str(j, "hostname", w->hostname);

        jsonw_key(j, "tags");
        jsonw_arr_open(j);
        for (unsigned i = 0; i < RULE_MAX_TAGS && r->tags[i]; i++)
                tags[nt++] = r->tags[i];
        if (r->mitre_id && *r->mitre_id)
                tags[nt++] = r->mitre_id;
        qsort(tags, nt, sizeof(tags[0]), cmp_str);
        for (unsigned i = 0; i < nt; i++)
                if (i == 0 || strcmp(tags[i], tags[i - 1]) != 0)
                        jsonw_str(j, tags[i]);
        jsonw_arr_close(j);

        jsonw_key(j, "output_fields");
        jsonw_obj_open(j);
        jsonw_kv_uint(j, "evt.time", e->wall_ns);
        jsonw_kv_str(j, "evt.type", e->def ? e->def->name : "");
        jsonw_kv_uint(j, "proc.pid", e->h.pid);
        jsonw_kv_uint(j, "proc.ppid", e->h.ppid);
        jsonw_key(j, "proc.name");
        jsonw_strn(j, e->h.comm, strnlen(e->h.comm, sizeof(e->h.comm)));
        jsonw_key(j, "proc.exepath");
        if (e->exe && *e->exe)
                jsonw_str(j, e->exe);
        else
                jsonw_null(j);
        jsonw_kv_uint(j, "user.uid", e->h.uid);
        /* Falco says "host" for a process outside any container */
        jsonw_kv_str(j, "container.id", e->container_id && *e->container_id ? e->container_id : "host");
        jsonw_kv_str(j, "tracee.rule_id", r->id);
        jsonw_kv_str(j, "tracee.severity", severity_to_string(r->severity));
        jsonw_kv_str(j, "tracee.mitre_id", r->mitre_id ? r->mitre_id : "");
        jsonw_kv_str(j, "tracee.summary", f->summary);
        for (unsigned i = 0; i < f->ndata && i < FINDING_MAX_DATA; i++) {
                snprintf(key, sizeof(key), "tracee.data.%s", f->data[i].key);
                jsonw_key(j, key);
                if (f->data[i].kind == DATA_INT)
                        jsonw_int(j, f->data[i].i);
                else
                        jsonw_str(j, f->data[i].s);
        }
        jsonw_obj_close(j);
        jsonw_obj_close(j);
}

static void hook_enqueue(Webhook *h, const char *payload, size_t len)
{
        Item *i;

        if (len > WEBHOOK_PAYLOAD_MAX) {
                char why[160];

                snprintf(why, sizeof(why), "a detection of %zu bytes is larger than the %u bytes a payload may have",
                         len, WEBHOOK_PAYLOAD_MAX);
                h->failed++;
                hook_failed_attempt(h, why, true, -1000);
                return;
        }
        /* full in items or in bytes: the oldest waiting detections make room */
        while (h->n_queued >= h->cfg.queue_size || h->queued_bytes + ITEM_SIZE(len) > h->cfg.queue_bytes) {
                h->dropped++;
                if (!queue_drop_oldest(h))
                        return;         /* only the one on the wire is left, and no room beside it: the new one goes */
        }
        i = malloc(ITEM_SIZE(len));
        if (!i) {
                h->dropped++;
                return;
        }
        i->next = NULL;
        i->len = len;
        memcpy(i->data, payload, len);
        i->data[len] = 0;
        if (h->tail)
                h->tail->next = i;
        else
                h->head = i;
        h->tail = i;
        h->n_queued++;
        h->queued_bytes += ITEM_SIZE(len);
        hook_kick(h);
}

void webhooks_submit(Webhooks *w, const Finding *f, const char *finding_json)
{
        bool built = false;

        if (!w)
                return;
        for (unsigned i = 0; i < w->n; i++) {
                Webhook *h = w->hook[i];

                if (f->rule->severity < h->cfg.min_severity || !rules_match(h->cfg.rules, f->rule->id))
                        continue;
                if (h->cfg.format_json) {
                        hook_enqueue(h, finding_json, strlen(finding_json));
                        continue;
                }
                if (!built) {
                        write_falco(w, f);
                        built = true;
                }
                if (!jsonw_ok(&w->w)) {
                        h->failed++;
                        hook_failed_attempt(h, "the Falco event could not be written", true, -1001);
                        continue;
                }
                hook_enqueue(h, w->w.buf, w->w.len);
        }
}

/* ---------------------------------------------------------------------------------------------- */

void webhooks_describe_json(Webhooks *w, JsonW *j, bool full)
{
        jsonw_arr_open(j);
        for (unsigned i = 0; w && i < w->n; i++) {
                Webhook *h = w->hook[i];
                char at[64] = "";

                if (h->last_error_usec) {
                        time_t s = (time_t) (h->last_error_usec / 1000000ULL);
                        struct tm tm;

                        gmtime_r(&s, &tm);
                        strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
                }
                jsonw_obj_open(j);
                jsonw_kv_str(j, "name", h->cfg.name);
                if (full)
                        jsonw_kv_str(j, "url", h->url_safe);
                else {
                        char origin[sizeof(h->url_safe)];

                        url_origin(h->url_safe, origin, sizeof(origin));
                        jsonw_kv_str(j, "url", origin);
                }
                jsonw_kv_str(j, "format", h->cfg.format_json ? "json" : "falcosidekick");
                jsonw_kv_uint(j, "sent", h->sent);
                jsonw_kv_uint(j, "retried", h->retried);
                jsonw_kv_uint(j, "failed", h->failed);
                jsonw_kv_uint(j, "dropped", h->dropped);
                jsonw_kv_uint(j, "queued", h->n_queued);
                jsonw_kv_uint(j, "queuedBytes", h->queued_bytes);
                jsonw_kv_uint(j, "maxQueuedBytes", h->cfg.queue_bytes);
                jsonw_kv_str(j, "lastError", full || !*h->last_error ? h->last_error : "(root only)");
                jsonw_kv_str(j, "lastErrorAt", at);
                jsonw_kv_str(j, "state", h->failing ? "failing" : "ok");
                jsonw_obj_close(j);
        }
        jsonw_arr_close(j);
}
