/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See fold.h.
 *
 * The key table is a ring of entries in the order they were opened, which is also the order their
 * windows end (one window length for all; a reload closes every key): expiry and eviction both
 * take the head. A chained hash (seeded, so that nobody can aim keys at one chain) finds an entry
 * by key. Token buckets count millionths of a token so that refills need no floating point.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "fold.h"
#include "strutil.h"

#define MICRO 1000000ull
#define UID_PROBE 8

typedef struct Bucket {
        uint64_t tokens;                /* millionths of a token */
        uint64_t at_usec;               /* last refill */
} Bucket;

typedef struct Sample {
        struct tr_event_hdr h;
        const EventDef *def;
        uint64_t wall_ns;
        char container[65];
        char hostname[65];
} Sample;

/* Findings held back by a rate limit, waiting for their summary. */
typedef struct Limited {
        uint64_t n;
        uint64_t first_ns;
        uint64_t due_usec;              /* when the summary is sent */
        char exe[FOLD_EXE_MAX];
        Sample last;
} Limited;

typedef struct UidBucket {
        bool used;
        uint16_t rule;
        uint32_t uid;
        Bucket b;
        Limited lim;                    /* held back for this (rule, uid) */
} UidBucket;

typedef struct FoldEntry {
        uint64_t hash;
        int32_t next;                   /* hash chain, -1 = end */
        uint8_t kind;                   /* FOLD_BY_PROCESS or FOLD_BY_EXECUTABLE */
        uint16_t rule;
        uint32_t pid, uid;
        uint64_t start_time;
        char exe[FOLD_EXE_MAX];
        uint64_t close_usec;
        uint64_t count;
        uint64_t first_wall_ns;
        unsigned window_sec;
        Sample last;
} FoldEntry;

typedef struct RuleSlot {
        FoldRuleStats st;
        Bucket b;
        /* held back without a (rule, uid) bucket (rate_limit_uid = 0), or moved here from a
         * (rule, uid) bucket that had to make room */
        Limited lim;
} RuleSlot;

struct Fold {
        FoldConfig cfg;
        fold_summary_fn fn;
        void *userdata;
        uint64_t seed;

        FoldEntry *entries;             /* cfg.keys */
        int32_t *heads;                 /* nheads chains */
        unsigned nheads;
        unsigned head, used;            /* the ring */

        UidBucket uid[FOLD_UID_BUCKETS];
        unsigned uid_limited;           /* buckets with lim.n > 0 */
        RuleSlot rule[FOLD_RULES_MAX + 1];      /* the last one for a rule not in rules_all() */
        uint64_t evicted;

        /* the summary being sent */
        Event ev;
        Finding f;
};

const char *fold_kind_to_string(FoldKind k)
{
        static const char *const names[_FOLD_KIND_MAX] = {
                [FOLD_BY_PROCESS] = "process",
                [FOLD_BY_EXECUTABLE] = "executable",
                [FOLD_BY_RATE_LIMIT] = "rateLimit",
        };

        return k >= 0 && k < _FOLD_KIND_MAX ? names[k] : "?";
}

void fold_config_defaults(FoldConfig *c)
{
        *c = (FoldConfig) {
                .window_sec = FOLD_WINDOW_DEFAULT,
                .keys = FOLD_KEYS_DEFAULT,
                .rule_rate = FOLD_RULE_RATE_DEFAULT,
                .rule_burst = FOLD_RULE_BURST_DEFAULT,
                .uid_rate = FOLD_UID_RATE_DEFAULT,
                .uid_burst = FOLD_UID_BURST_DEFAULT,
        };
}

static bool parse_uint_range(const char *v, unsigned lo, unsigned hi, unsigned *ret)
{
        char *end;
        unsigned long x;

        if (!*v || *v < '0' || *v > '9')
                return false;
        errno = 0;
        x = strtoul(v, &end, 10);
        if (errno || *end || x < lo || x > hi)
                return false;
        *ret = (unsigned) x;
        return true;
}

int fold_config_set(FoldConfig *c, const char *key, const char *value, const char **ret_expected)
{
        static const struct {
                const char *key;
                size_t off;
                unsigned lo, hi;
                const char *expected;
        } keys[] = {
                { "fold_window", offsetof(FoldConfig, window_sec), 0, FOLD_WINDOW_MAX,
                  "seconds, from 0 (no folding) to 3600" },
                { "fold_keys", offsetof(FoldConfig, keys), FOLD_KEYS_MIN, FOLD_KEYS_MAX,
                  "a number of keys from 16 to 65536" },
                { "rate_limit_rule", offsetof(FoldConfig, rule_rate), 0, FOLD_RATE_MAX,
                  "findings per second, from 0 (no limit) to 100000" },
                { "rate_limit_rule_burst", offsetof(FoldConfig, rule_burst), 1, FOLD_RATE_MAX,
                  "a number of findings from 1 to 100000" },
                { "rate_limit_uid", offsetof(FoldConfig, uid_rate), 0, FOLD_RATE_MAX,
                  "findings per second, from 0 (no limit) to 100000" },
                { "rate_limit_uid_burst", offsetof(FoldConfig, uid_burst), 1, FOLD_RATE_MAX,
                  "a number of findings from 1 to 100000" },
        };

        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                if (strcmp(key, keys[i].key) != 0)
                        continue;
                if (!parse_uint_range(value, keys[i].lo, keys[i].hi, (unsigned *) ((char *) c + keys[i].off))) {
                        if (ret_expected)
                                *ret_expected = keys[i].expected;
                        return -EINVAL;
                }
                return 1;
        }
        return 0;
}

/* ---------------------------------------------------------------------------------------------- */

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
        const unsigned char *u = p;

        for (size_t i = 0; i < n; i++) {
                h ^= u[i];
                h *= 0x100000001b3ull;
        }
        return h;
}

static uint64_t finish(uint64_t h)
{
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ull;
        return h ^ (h >> 33);
}

static uint64_t hash_process(const Fold *fo, unsigned ri, uint32_t pid, uint64_t start)
{
        uint64_t h = fo->seed ^ 0xcbf29ce484222325ull;
        uint8_t k = FOLD_BY_PROCESS;

        h = mix(h, &k, 1);
        h = mix(h, &ri, sizeof(ri));
        h = mix(h, &pid, sizeof(pid));
        return finish(mix(h, &start, sizeof(start)));
}

static uint64_t hash_exe(const Fold *fo, unsigned ri, uint32_t uid, const char *exe)
{
        uint64_t h = fo->seed ^ 0xcbf29ce484222325ull;
        uint8_t k = FOLD_BY_EXECUTABLE;

        h = mix(h, &k, 1);
        h = mix(h, &ri, sizeof(ri));
        h = mix(h, &uid, sizeof(uid));
        return finish(mix(h, exe, strlen(exe)));
}

static unsigned rule_index(const Rule *r)
{
        size_t n;
        const Rule *const *all = rules_all(&n);

        for (size_t i = 0; i < n && i < FOLD_RULES_MAX; i++)
                if (all[i] == r)
                        return (unsigned) i;
        return FOLD_RULES_MAX;
}

static const Rule *rule_at(unsigned ri)
{
        size_t n;
        const Rule *const *all = rules_all(&n);

        return ri < n ? all[ri] : NULL;
}

static void sample_take(Sample *s, const Event *e)
{
        s->h = e->h;
        s->def = e->def;
        s->wall_ns = e->wall_ns;
        snprintf(s->container, sizeof(s->container), "%s", e->container_id ? e->container_id : "");
        snprintf(s->hostname, sizeof(s->hostname), "%s", e->hostname ? e->hostname : "");
}

static void refill(Bucket *b, unsigned rate, unsigned burst, uint64_t now)
{
        uint64_t cap = (uint64_t) burst * MICRO;

        if (b->at_usec == 0)            /* never used: full */
                b->tokens = cap;
        else if (now > b->at_usec) {
                uint64_t dt = now - b->at_usec;

                /* a bucket idle for more than burst/rate seconds is full: no overflow */
                if (rate == 0 || dt >= (uint64_t) burst * MICRO / rate + 1)
                        b->tokens = cap;
                else
                        b->tokens = b->tokens + dt * rate > cap ? cap : b->tokens + dt * rate;
        }
        b->at_usec = now;
        if (b->tokens > cap)
                b->tokens = cap;
}

static void bucket_fill(Bucket *b, unsigned burst, uint64_t now)
{
        b->tokens = (uint64_t) burst * MICRO;
        b->at_usec = now;
}

static unsigned window_or_default(const Fold *fo)
{
        return fo->cfg.window_sec ? fo->cfg.window_sec : FOLD_WINDOW_DEFAULT;
}

static void limited_add(Fold *fo, Limited *l, const Event *ev, const char *exe, uint64_t now)
{
        if (l->n == 0) {
                l->first_ns = ev->wall_ns;
                l->due_usec = now + (uint64_t) window_or_default(fo) * MICRO;
        }
        l->n++;
        snprintf(l->exe, sizeof(l->exe), "%s", exe);
        sample_take(&l->last, ev);
}

/* A (rule, uid) bucket makes room: what it held back goes to its rule's count, not lost and not
 * sent now (only root can make findings under many uids; sending here would let it make a summary
 * per finding). */
static void uid_bucket_retire(Fold *fo, UidBucket *u)
{
        Limited *to;

        if (!u->used || u->lim.n == 0)
                return;
        to = &fo->rule[u->rule].lim;
        if (to->n == 0) {
                to->first_ns = u->lim.first_ns;
                to->due_usec = u->lim.due_usec;
        }
        to->n += u->lim.n;
        memcpy(to->exe, u->lim.exe, sizeof(to->exe));
        to->last = u->lim.last;
        u->lim.n = 0;
        fo->uid_limited--;
}

/* The (rule, uid) bucket: the existing one, else a free or the fullest slot of its probe run. */
static UidBucket *uid_bucket(Fold *fo, unsigned ri, uint32_t uid, uint64_t now)
{
        uint64_t h = fo->seed ^ 0x9e3779b97f4a7c15ull;
        unsigned start, best = 0;
        uint64_t best_tokens = 0;
        bool have = false;

        h = finish(mix(mix(h, &ri, sizeof(ri)), &uid, sizeof(uid)));
        start = (unsigned) (h % FOLD_UID_BUCKETS);
        for (unsigned i = 0; i < UID_PROBE; i++) {
                UidBucket *u = &fo->uid[(start + i) % FOLD_UID_BUCKETS];

                if (u->used && u->rule == ri && u->uid == uid) {
                        refill(&u->b, fo->cfg.uid_rate, fo->cfg.uid_burst, now);
                        return u;
                }
        }
        for (unsigned i = 0; i < UID_PROBE; i++) {
                unsigned k = (start + i) % FOLD_UID_BUCKETS;
                UidBucket *u = &fo->uid[k];

                if (!u->used) {
                        best = k;
                        have = true;
                        break;
                }
                refill(&u->b, fo->cfg.uid_rate, fo->cfg.uid_burst, now);
                if (!have || u->b.tokens > best_tokens) {
                        best = k;
                        best_tokens = u->b.tokens;
                        have = true;
                }
        }
        uid_bucket_retire(fo, &fo->uid[best]);
        memset(&fo->uid[best], 0, sizeof(fo->uid[best]));
        fo->uid[best].used = true;
        fo->uid[best].rule = (uint16_t) ri;
        fo->uid[best].uid = uid;
        bucket_fill(&fo->uid[best].b, fo->cfg.uid_burst, now);
        return &fo->uid[best];
}

/* ---------------------------------------------------------------------------------------------- */
/* summaries */

static void emit(Fold *fo, unsigned ri, const Sample *s, const char *exe, FoldKind kind, uint64_t count,
                 uint64_t first_ns, unsigned window, bool early)
{
        const Rule *r = rule_at(ri);
        FoldSummary sum = {
                .kind = kind, .count = count, .first_wall_ns = first_ns, .last_wall_ns = s->wall_ns,
                .window_sec = window, .early = early,
        };
        Finding *f = &fo->f;

        fo->rule[ri].st.summaries++;
        if (!r || !fo->fn)
                return;
        memset(&fo->ev, 0, sizeof(fo->ev));
        fo->ev.h = s->h;
        fo->ev.h.nargs = 0;
        fo->ev.def = s->def;
        fo->ev.wall_ns = s->wall_ns;
        fo->ev.exe = exe;
        fo->ev.exec_by = "";
        fo->ev.container_id = s->container;
        fo->ev.hostname = s->hostname;
        memset(f, 0, sizeof(*f));
        f->rule = r;
        f->event = &fo->ev;
        if (kind == FOLD_BY_RATE_LIMIT)
                snprintf(f->summary, sizeof(f->summary), "%llu more finding(s) of this rule were not sent one by one "
                         "within %u s: over its rate limit (the last one is shown)", (unsigned long long) count,
                         window);
        else
                snprintf(f->summary, sizeof(f->summary), "repeated %llu more time(s) by the same %s within %u s "
                         "(folded; the last one is shown)", (unsigned long long) count,
                         kind == FOLD_BY_PROCESS ? "process" : "user and executable", window);
        finding_add_int(f, kind == FOLD_BY_RATE_LIMIT ? "rateLimited" : "folded", (int64_t) count);
        finding_add_str(f, "foldedBy", fold_kind_to_string(kind));
        finding_add_int(f, "windowSeconds", window);
        finding_add_int(f, "firstSeen", (int64_t) first_ns);
        finding_add_int(f, "lastSeen", (int64_t) s->wall_ns);
        if (early)
                finding_add_str(f, "closedEarly", "yes");
        fo->fn(fo->userdata, f, &sum);
}

static void chain_unlink(Fold *fo, int32_t idx)
{
        FoldEntry *e = &fo->entries[idx];
        int32_t *p = &fo->heads[e->hash & (fo->nheads - 1)];

        while (*p >= 0) {
                if (*p == idx) {
                        *p = e->next;
                        return;
                }
                p = &fo->entries[*p].next;
        }
}

/* Closes the oldest key: its summary if it folded anything. */
static void close_head(Fold *fo, bool early)
{
        int32_t idx = (int32_t) fo->head;
        FoldEntry *e = &fo->entries[idx];

        chain_unlink(fo, idx);
        fo->head = (fo->head + 1) % fo->cfg.keys;
        fo->used--;
        if (e->count > 0)
                emit(fo, e->rule, &e->last, e->exe, e->kind, e->count, e->first_wall_ns, e->window_sec, early);
}

static void emit_limited(Fold *fo, unsigned ri, Limited *l, bool early)
{
        uint64_t n = l->n;

        if (n == 0)
                return;
        l->n = 0;
        emit(fo, ri, &l->last, l->exe, FOLD_BY_RATE_LIMIT, n, l->first_ns, window_or_default(fo), early);
}

static void emit_uid_limited(Fold *fo, UidBucket *u, bool early)
{
        if (u->lim.n == 0)
                return;
        fo->uid_limited--;
        emit_limited(fo, u->rule, &u->lim, early);
}

void fold_expire(Fold *fo, uint64_t now)
{
        while (fo->used > 0 && fo->entries[fo->head].close_usec <= now)
                close_head(fo, false);
        for (unsigned ri = 0; ri <= FOLD_RULES_MAX; ri++)
                if (fo->rule[ri].lim.n && fo->rule[ri].lim.due_usec <= now)
                        emit_limited(fo, ri, &fo->rule[ri].lim, false);
        for (unsigned i = 0; fo->uid_limited > 0 && i < FOLD_UID_BUCKETS; i++)
                if (fo->uid[i].lim.n && fo->uid[i].lim.due_usec <= now)
                        emit_uid_limited(fo, &fo->uid[i], false);
}

void fold_flush(Fold *fo)
{
        while (fo->used > 0)
                close_head(fo, true);
        for (unsigned i = 0; fo->uid_limited > 0 && i < FOLD_UID_BUCKETS; i++)
                emit_uid_limited(fo, &fo->uid[i], true);
        for (unsigned ri = 0; ri <= FOLD_RULES_MAX; ri++)
                emit_limited(fo, ri, &fo->rule[ri].lim, true);
}

/* ---------------------------------------------------------------------------------------------- */

static FoldEntry *lookup(Fold *fo, uint64_t h, FoldKind kind, unsigned ri, uint32_t pid, uint64_t start,
                         uint32_t uid, const char *exe)
{
        for (int32_t i = fo->heads[h & (fo->nheads - 1)]; i >= 0; i = fo->entries[i].next) {
                FoldEntry *e = &fo->entries[i];

                if (e->hash != h || e->kind != kind || e->rule != ri)
                        continue;
                if (kind == FOLD_BY_PROCESS ? e->pid == pid && e->start_time == start :
                    e->uid == uid && strncmp(e->exe, exe, sizeof(e->exe) - 1) == 0)
                        return e;
        }
        return NULL;
}

static void open_key(Fold *fo, uint64_t h, FoldKind kind, unsigned ri, const Event *ev, const char *exe,
                     uint64_t now)
{
        FoldEntry *e;
        int32_t idx;

        if (fo->used == fo->cfg.keys) {
                fo->evicted++;
                close_head(fo, true);
        }
        idx = (int32_t) ((fo->head + fo->used) % fo->cfg.keys);
        e = &fo->entries[idx];
        *e = (FoldEntry) {
                .hash = h, .kind = (uint8_t) kind, .rule = (uint16_t) ri, .pid = ev->h.pid, .uid = ev->h.uid,
                .start_time = ev->h.start_time, .close_usec = now + (uint64_t) fo->cfg.window_sec * MICRO,
                .first_wall_ns = ev->wall_ns, .window_sec = fo->cfg.window_sec,
        };
        snprintf(e->exe, sizeof(e->exe), "%s", exe);
        sample_take(&e->last, ev);
        e->next = fo->heads[h & (fo->nheads - 1)];
        fo->heads[h & (fo->nheads - 1)] = idx;
        fo->used++;
}

FoldVerdict fold_submit(Fold *fo, const Finding *f, uint64_t now)
{
        const Event *ev = f->event;
        unsigned ri = rule_index(f->rule);
        RuleSlot *rs = &fo->rule[ri];
        const char *exe = ev->exe ? ev->exe : "";
        uint64_t h1 = 0, h2 = 0;
        UidBucket *ub = NULL;

        fold_expire(fo, now);
        if (fo->cfg.window_sec) {
                FoldEntry *e;

                h1 = hash_process(fo, ri, ev->h.pid, ev->h.start_time);
                e = lookup(fo, h1, FOLD_BY_PROCESS, ri, ev->h.pid, ev->h.start_time, 0, NULL);
                if (!e) {
                        h2 = hash_exe(fo, ri, ev->h.uid, exe);
                        e = lookup(fo, h2, FOLD_BY_EXECUTABLE, ri, 0, 0, ev->h.uid, exe);
                }
                if (e) {
                        e->count++;
                        sample_take(&e->last, ev);
                        rs->st.folded++;
                        return FOLD_FOLDED;
                }
        }
        refill(&rs->b, fo->cfg.rule_rate, fo->cfg.rule_burst, now);
        if (fo->cfg.uid_rate)
                ub = uid_bucket(fo, ri, ev->h.uid, now);
        if ((fo->cfg.rule_rate && rs->b.tokens < MICRO) || (ub && ub->b.tokens < MICRO)) {
                /* one summary per (rule, uid) and window, so that it says whose they were */
                if (ub) {
                        fo->uid_limited += ub->lim.n == 0;
                        limited_add(fo, &ub->lim, ev, exe, now);
                } else
                        limited_add(fo, &rs->lim, ev, exe, now);
                rs->st.rate_limited++;
                return FOLD_RATE_LIMITED;
        }
        if (fo->cfg.rule_rate)
                rs->b.tokens -= MICRO;
        if (ub)
                ub->b.tokens -= MICRO;
        rs->st.sent++;
        if (fo->cfg.window_sec) {
                open_key(fo, h1, FOLD_BY_PROCESS, ri, ev, exe, now);
                open_key(fo, h2, FOLD_BY_EXECUTABLE, ri, ev, exe, now);
        }
        return FOLD_SEND;
}

/* ---------------------------------------------------------------------------------------------- */

static int table_alloc(const FoldConfig *c, FoldEntry **ret_entries, int32_t **ret_heads, unsigned *ret_nheads)
{
        unsigned nh = 1;
        FoldEntry *e;
        int32_t *h;

        while (nh < c->keys)
                nh <<= 1;
        e = calloc(c->keys, sizeof(FoldEntry));
        h = malloc(nh * sizeof(int32_t));
        if (!e || !h) {
                free(e);
                free(h);
                return -ENOMEM;
        }
        for (unsigned i = 0; i < nh; i++)
                h[i] = -1;
        *ret_entries = e;
        *ret_heads = h;
        *ret_nheads = nh;
        return 0;
}

static bool config_ok(const FoldConfig *c)
{
        return c->window_sec <= FOLD_WINDOW_MAX && c->keys >= FOLD_KEYS_MIN && c->keys <= FOLD_KEYS_MAX &&
               c->rule_rate <= FOLD_RATE_MAX && c->uid_rate <= FOLD_RATE_MAX && c->rule_burst >= 1 &&
               c->rule_burst <= FOLD_RATE_MAX && c->uid_burst >= 1 && c->uid_burst <= FOLD_RATE_MAX;
}

int fold_new(const FoldConfig *c, fold_summary_fn fn, void *userdata, Fold **ret)
{
        Fold *fo;
        int r;

        if (!config_ok(c))
                return -EINVAL;
        fo = calloc(1, sizeof(Fold));
        if (!fo)
                return -ENOMEM;
        fo->cfg = *c;
        fo->fn = fn;
        fo->userdata = userdata;
        if (getrandom(&fo->seed, sizeof(fo->seed), GRND_NONBLOCK) != sizeof(fo->seed)) {
                struct timespec ts;

                clock_gettime(CLOCK_MONOTONIC, &ts);
                fo->seed = ((uint64_t) ts.tv_sec << 32) ^ (uint64_t) ts.tv_nsec ^ (uint64_t) (uintptr_t) fo;
        }
        r = table_alloc(c, &fo->entries, &fo->heads, &fo->nheads);
        if (r < 0) {
                free(fo);
                return r;
        }
        /* buckets start full: at_usec 0 and tokens 0 refill to the burst on first use */
        *ret = fo;
        return 0;
}

Fold *fold_free(Fold *fo)
{
        if (!fo)
                return NULL;
        free(fo->entries);
        free(fo->heads);
        free(fo);
        return NULL;
}

int fold_reconfigure(Fold *fo, const FoldConfig *c)
{
        FoldEntry *e = NULL;
        int32_t *h = NULL;
        unsigned nh = 0;
        int r;

        if (!config_ok(c))
                return -EINVAL;
        if (c->keys != fo->cfg.keys) {
                r = table_alloc(c, &e, &h, &nh);
                if (r < 0)
                        return r;
        }
        fold_flush(fo);
        if (e) {
                free(fo->entries);
                free(fo->heads);
                fo->entries = e;
                fo->heads = h;
                fo->nheads = nh;
        }
        fo->head = fo->used = 0;
        fo->cfg = *c;
        for (unsigned ri = 0; ri <= FOLD_RULES_MAX; ri++)
                if (fo->rule[ri].b.tokens > (uint64_t) c->rule_burst * MICRO)
                        fo->rule[ri].b.tokens = (uint64_t) c->rule_burst * MICRO;
        for (unsigned i = 0; i < FOLD_UID_BUCKETS; i++)
                if (fo->uid[i].b.tokens > (uint64_t) c->uid_burst * MICRO)
                        fo->uid[i].b.tokens = (uint64_t) c->uid_burst * MICRO;
        return 0;
}

void fold_get_stats(const Fold *fo, FoldStats *ret)
{
        FoldStats s = {};

        for (unsigned ri = 0; ri <= FOLD_RULES_MAX; ri++) {
                s.sent += fo->rule[ri].st.sent;
                s.folded += fo->rule[ri].st.folded;
                s.rate_limited += fo->rule[ri].st.rate_limited;
                s.summaries += fo->rule[ri].st.summaries;
                s.pending += fo->rule[ri].lim.n;
        }
        for (unsigned i = 0; i < FOLD_UID_BUCKETS; i++)
                s.pending += fo->uid[i].lim.n;
        for (unsigned i = 0; i < fo->used; i++)
                s.pending += fo->entries[(fo->head + i) % fo->cfg.keys].count;
        s.evicted = fo->evicted;
        s.keys_in_use = fo->used;
        s.table_bytes = (uint64_t) fo->cfg.keys * sizeof(FoldEntry) + (uint64_t) fo->nheads * sizeof(int32_t) +
                        sizeof(Fold);
        *ret = s;
}

const FoldRuleStats *fold_rule_stats(const Fold *fo, const Rule *r)
{
        return &fo->rule[rule_index(r)].st;
}

void fold_describe_json(const Fold *fo, JsonW *w)
{
        FoldStats s;

        jsonw_obj_open(w);
        if (!fo) {
                jsonw_obj_close(w);
                return;
        }
        fold_get_stats(fo, &s);
        jsonw_kv_uint(w, "windowSeconds", fo->cfg.window_sec);
        jsonw_kv_uint(w, "keys", fo->cfg.keys);
        jsonw_kv_uint(w, "keysInUse", s.keys_in_use);
        jsonw_kv_uint(w, "tableBytes", s.table_bytes);
        jsonw_kv_uint(w, "rateLimitRule", fo->cfg.rule_rate);
        jsonw_kv_uint(w, "rateLimitRuleBurst", fo->cfg.rule_burst);
        jsonw_kv_uint(w, "rateLimitUid", fo->cfg.uid_rate);
        jsonw_kv_uint(w, "rateLimitUidBurst", fo->cfg.uid_burst);
        jsonw_kv_uint(w, "sent", s.sent);
        jsonw_kv_uint(w, "folded", s.folded);
        jsonw_kv_uint(w, "rateLimited", s.rate_limited);
        jsonw_kv_uint(w, "summaries", s.summaries);
        jsonw_kv_uint(w, "evicted", s.evicted);
        jsonw_kv_uint(w, "pending", s.pending);
        jsonw_key(w, "rules");
        jsonw_arr_open(w);
        for (unsigned ri = 0; ri < FOLD_RULES_MAX; ri++) {
                const RuleSlot *rs = &fo->rule[ri];
                const Rule *r = rule_at(ri);

                if (!r || (rs->st.sent | rs->st.folded | rs->st.rate_limited) == 0)
                        continue;
                jsonw_obj_open(w);
                jsonw_kv_str(w, "id", r->id);
                jsonw_kv_uint(w, "sent", rs->st.sent);
                jsonw_kv_uint(w, "folded", rs->st.folded);
                jsonw_kv_uint(w, "rateLimited", rs->st.rate_limited);
                jsonw_kv_uint(w, "summaries", rs->st.summaries);
                jsonw_obj_close(w);
        }
        jsonw_arr_close(w);
        jsonw_obj_close(w);
}
