/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/fold.c: repeats of one process and of one (uid, executable) are folded and
 * summarised once their window closes; the per-rule and per-(rule, uid) token buckets hold back
 * new keys over their rate and refill; a full key table closes its oldest key early with its
 * summary; the counts always add up (sent + folded + rate-limited = submitted, and the summaries
 * = folded + rate-limited once flushed), under a random workload too; [output] keys parse.
 */

#undef NDEBUG

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/fold.h"

static int failures;

#define CHECK(cond)                                                                     \
        do {                                                                            \
                if (!(cond)) {                                                          \
                        fprintf(stderr, "%s:%d: check failed: %s\n",                    \
                                __FILE__, __LINE__, #cond);                             \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

#define SEC 1000000ull

typedef struct Got {
        unsigned n;
        uint64_t total;
        uint64_t by_kind[_FOLD_KIND_MAX];
        unsigned early;
        char last_summary[512];
        const char *last_rule;
        uint32_t last_pid;
        int64_t last_data_count;
} Got;

static void on_summary(void *userdata, const Finding *f, const FoldSummary *s)
{
        Got *g = userdata;

        g->n++;
        g->total += s->count;
        g->by_kind[s->kind] += s->count;
        g->early += s->early;
        snprintf(g->last_summary, sizeof(g->last_summary), "%s", f->summary);
        g->last_rule = f->rule->id;
        g->last_pid = f->event->h.pid;
        g->last_data_count = f->ndata > 0 ? f->data[0].i : -1;
        CHECK(f->ndata >= 5);
        CHECK(strcmp(f->data[1].s, fold_kind_to_string(s->kind)) == 0);
}

static Event ev;
static Finding fnd;

static FoldVerdict submit(Fold *fo, const char *rule, uint32_t pid, uint32_t uid, const char *exe, uint64_t now)
{
        memset(&ev, 0, sizeof(ev));
        memset(&fnd, 0, sizeof(fnd));
        ev.h.pid = pid;
        ev.h.tid = pid;
        ev.h.uid = uid;
        ev.h.start_time = 1000 + pid;
        ev.exe = exe;
        ev.wall_ns = now * 1000;
        fnd.rule = rule_by_id(rule);
        fnd.event = &ev;
        CHECK(fnd.rule != NULL);
        return fold_submit(fo, &fnd, now);
}

static FoldConfig cfg(unsigned window, unsigned keys, unsigned rr, unsigned rb, unsigned ur, unsigned ub)
{
        return (FoldConfig) { .window_sec = window, .keys = keys, .rule_rate = rr, .rule_burst = rb,
                              .uid_rate = ur, .uid_burst = ub };
}

static void test_process(void)
{
        Got g = {};
        FoldConfig c = cfg(10, 64, 0, 1, 0, 1);
        Fold *fo = NULL;
        FoldStats st;
        uint64_t t = 5 * SEC;

        CHECK(fold_new(&c, on_summary, &g, &fo) == 0);
        CHECK(submit(fo, "TRC-2", 100, 1000, "/usr/bin/x", t) == FOLD_SEND);
        for (unsigned i = 0; i < 999; i++)
                CHECK(submit(fo, "TRC-2", 100, 1000, "/usr/bin/x", t + i) == FOLD_FOLDED);
        /* another rule, same process: its own key */
        CHECK(submit(fo, "TRC-4", 100, 1000, "/usr/bin/x", t + 2000) == FOLD_SEND);
        fold_expire(fo, t + 10 * SEC - 1);
        CHECK(g.n == 0);
        fold_expire(fo, t + 10 * SEC);
        CHECK(g.n == 1 && g.total == 999 && g.by_kind[FOLD_BY_PROCESS] == 999 && g.early == 0);
        CHECK(strcmp(g.last_rule, "TRC-2") == 0 && g.last_pid == 100 && g.last_data_count == 999);
        CHECK(strstr(g.last_summary, "repeated 999 more time(s) by the same process within 10 s"));
        /* the window closed: the next one is a first again */
        CHECK(submit(fo, "TRC-2", 100, 1000, "/usr/bin/x", t + 11 * SEC) == FOLD_SEND);
        fold_get_stats(fo, &st);
        CHECK(st.sent == 3 && st.folded == 999 && st.rate_limited == 0 && st.summaries == 1 && st.pending == 0);
        fold_flush(fo);
        CHECK(g.n == 1);                /* nothing folded since: no empty summary */
        fold_free(fo);
}

static void test_executable(void)
{
        Got g = {};
        FoldConfig c = cfg(10, 64, 0, 1, 0, 1);
        Fold *fo = NULL;
        uint64_t t = 5 * SEC;

        CHECK(fold_new(&c, on_summary, &g, &fo) == 0);
        CHECK(submit(fo, "TRC-2", 200, 1000, "/tmp/a", t) == FOLD_SEND);
        for (uint32_t p = 201; p < 251; p++)
                CHECK(submit(fo, "TRC-2", p, 1000, "/tmp/a", t + p) == FOLD_FOLDED);
        /* same executable, another uid; another executable, same uid: not folded */
        CHECK(submit(fo, "TRC-2", 300, 0, "/tmp/a", t + 400) == FOLD_SEND);
        CHECK(submit(fo, "TRC-2", 301, 1000, "/tmp/b", t + 401) == FOLD_SEND);
        fold_expire(fo, t + 10 * SEC);
        CHECK(g.n == 1 && g.by_kind[FOLD_BY_EXECUTABLE] == 50);
        CHECK(g.last_pid == 250);
        CHECK(strstr(g.last_summary, "same user and executable"));
        fold_free(fo);
}

static void test_rate_limits(void)
{
        Got g = {};
        FoldConfig c = cfg(10, 1024, 50, 30, 2, 5);
        Fold *fo = NULL;
        FoldStats st;
        const FoldRuleStats *rs;
        uint64_t t = 5 * SEC;
        char exe[32];
        unsigned sent = 0, limited = 0;

        CHECK(fold_new(&c, on_summary, &g, &fo) == 0);
        /* one uid, new executables (nothing to fold): a burst of 5, then held back */
        for (unsigned i = 0; i < 20; i++) {
                FoldVerdict v;

                snprintf(exe, sizeof(exe), "/tmp/e%u", i);
                v = submit(fo, "TRC-2", 1000 + i, 65534, exe, t);
                sent += v == FOLD_SEND;
                limited += v == FOLD_RATE_LIMITED;
        }
        CHECK(sent == 5 && limited == 15);
        /* another uid, and another rule of the same uid: their own buckets */
        CHECK(submit(fo, "TRC-2", 5000, 0, "/usr/bin/real", t) == FOLD_SEND);
        CHECK(submit(fo, "TRC-3", 5001, 65534, "/tmp/e0", t) == FOLD_SEND);
        /* 2 per second: after 1 s two more */
        sent = 0;
        for (unsigned i = 0; i < 5; i++) {
                snprintf(exe, sizeof(exe), "/tmp/f%u", i);
                sent += submit(fo, "TRC-2", 2000 + i, 65534, exe, t + SEC) == FOLD_SEND;
        }
        CHECK(sent == 2);
        rs = fold_rule_stats(fo, rule_by_id("TRC-2"));
        CHECK(rs->sent == 8 && rs->rate_limited == 18);
        /* the rate-limit summary: when the window after the first held-back one ends */
        fold_expire(fo, t + 10 * SEC - 1);
        CHECK(g.by_kind[FOLD_BY_RATE_LIMIT] == 0);
        fold_expire(fo, t + 10 * SEC);
        CHECK(g.by_kind[FOLD_BY_RATE_LIMIT] == 18);
        CHECK(strstr(g.last_summary, "18 more finding(s) of this rule were not sent one by one"));
        CHECK(g.n == 1);                /* all of uid 65534's: one summary */
        fold_get_stats(fo, &st);
        CHECK(st.pending == 0);
        fold_free(fo);

        /* the per-rule bucket, across uids */
        g = (Got) {};
        c = cfg(10, 1024, 1, 10, 0, 1);
        CHECK(fold_new(&c, on_summary, &g, &fo) == 0);
        sent = 0;
        for (unsigned i = 0; i < 100; i++) {
                snprintf(exe, sizeof(exe), "/x/%u", i);
                sent += submit(fo, "TRC-4", 100 + i, i, exe, t) == FOLD_SEND;
        }
        CHECK(sent == 10);
        fold_flush(fo);
        /* no (rule, uid) buckets: one summary for the rule */
        CHECK(g.by_kind[FOLD_BY_RATE_LIMIT] == 90 && g.n == 1 && g.early == 1);
        fold_free(fo);

        /* more uids than buckets: the counts of a bucket that makes room move to its rule's */
        g = (Got) {};
        c = cfg(10, 1024, 1, 1, 1, 1);
        CHECK(fold_new(&c, on_summary, &g, &fo) == 0);
        sent = 0;
        for (unsigned i = 0; i < 5000; i++)
                sent += submit(fo, "TRC-4", 100 + i, 1000 + i, "/x/y", t + i) == FOLD_SEND;
        CHECK(sent == 1);
        fold_get_stats(fo, &st);
        CHECK(st.rate_limited == 4999 && st.pending == 4999);
        CHECK(g.n == 0);                        /* making room sends nothing */
        fold_expire(fo, t + 11 * SEC);
        CHECK(g.by_kind[FOLD_BY_RATE_LIMIT] == 4999);
        CHECK(g.n <= FOLD_UID_BUCKETS + 1);
        fold_free(fo);
}

static void test_eviction(void)
{
        Got g = {};
        FoldConfig c = cfg(60, 16, 0, 1, 0, 1);
        Fold *fo = NULL;
        FoldStats st;
        uint64_t t = 5 * SEC;
        char exe[32];

        CHECK(fold_new(&c, on_summary, &g, &fo) == 0);
        /* each first opens two keys; 16 keys hold 8 processes */
        for (unsigned i = 0; i < 20; i++) {
                snprintf(exe, sizeof(exe), "/bin/p%u", i);
                CHECK(submit(fo, "TRC-2", 10 + i, 1, exe, t + i) == FOLD_SEND);
                CHECK(submit(fo, "TRC-2", 10 + i, 1, exe, t + i) == FOLD_FOLDED);
                CHECK(submit(fo, "TRC-2", 10 + i, 1, exe, t + i) == FOLD_FOLDED);
        }
        fold_get_stats(fo, &st);
        CHECK(st.keys_in_use == 16);
        CHECK(st.evicted == 24);
        /* the evicted process keys had the counts: 12 of them, early */
        CHECK(g.n == 12 && g.total == 24 && g.early == 12);
        CHECK(st.folded == 40 && st.pending == 16);
        fold_flush(fo);
        CHECK(g.total == 40);
        fold_get_stats(fo, &st);
        CHECK(st.keys_in_use == 0 && st.pending == 0);
        CHECK(st.table_bytes > 16 * 300 && st.table_bytes < 1024 * 1024);
        fold_free(fo);
}

/* A random mix of processes, executables, uids and rules over 100 s: the counts add up. */
static void test_random(void)
{
        static const char *const rules[] = { "TRC-2", "TRC-3", "TRC-4" };
        Got g = {};
        FoldConfig c = cfg(3, 64, 20, 40, 3, 8);
        Fold *fo = NULL;
        FoldStats st;
        uint64_t t = SEC, n = 0, sent = 0, folded = 0, limited = 0;
        char exe[32];

        srand(7);
        CHECK(fold_new(&c, on_summary, &g, &fo) == 0);
        for (unsigned i = 0; i < 200000; i++) {
                FoldVerdict v;

                t += (uint64_t) (rand() % 1000);
                snprintf(exe, sizeof(exe), "/bin/%d", rand() % 50);
                v = submit(fo, rules[rand() % 3], 100 + rand() % 300, rand() % 5, exe, t);
                n++;
                sent += v == FOLD_SEND;
                folded += v == FOLD_FOLDED;
                limited += v == FOLD_RATE_LIMITED;
                if (i % 100 == 0)
                        fold_expire(fo, t);
                if (i == 100000)
                        CHECK(fold_reconfigure(fo, &(FoldConfig) { 5, 32, 10, 20, 2, 4 }) == 0);
        }
        fold_get_stats(fo, &st);
        CHECK(sent + folded + limited == n);
        CHECK(st.sent == sent && st.folded == folded && st.rate_limited == limited);
        CHECK(st.keys_in_use <= 64);
        fold_flush(fo);
        CHECK(g.total == folded + limited);
        fold_get_stats(fo, &st);
        CHECK(st.pending == 0 && st.summaries == g.n);
        /* the bound: summaries at most twice the findings sent plus one per rule and window */
        CHECK(g.n <= 2 * sent + 3 * (t / SEC / 3 + 2));
        /* the per-rule rate bound on what is sent: burst + rate × seconds, per rule */
        CHECK(sent <= 3 * (40 + 20 * (t / SEC + 1)));
        fold_free(fo);
}

static void test_config(void)
{
        FoldConfig c;
        const char *exp = NULL;
        Fold *fo = NULL;

        fold_config_defaults(&c);
        CHECK(c.window_sec == FOLD_WINDOW_DEFAULT && c.keys == FOLD_KEYS_DEFAULT);
        CHECK(fold_config_set(&c, "fold_window", "30", &exp) == 1 && c.window_sec == 30);
        CHECK(fold_config_set(&c, "fold_window", "0", &exp) == 1 && c.window_sec == 0);
        CHECK(fold_config_set(&c, "fold_window", "3601", &exp) == -EINVAL && strstr(exp, "3600"));
        CHECK(fold_config_set(&c, "fold_keys", "8", &exp) == -EINVAL);
        CHECK(fold_config_set(&c, "fold_keys", "-1", &exp) == -EINVAL);
        CHECK(fold_config_set(&c, "fold_keys", "99999999999999999999", &exp) == -EINVAL);
        CHECK(fold_config_set(&c, "fold_keys", "4096", &exp) == 1 && c.keys == 4096);
        CHECK(fold_config_set(&c, "rate_limit_uid", "0", &exp) == 1 && c.uid_rate == 0);
        CHECK(fold_config_set(&c, "rate_limit_uid_burst", "0", &exp) == -EINVAL);
        CHECK(fold_config_set(&c, "rate_limit_rule", "5x", &exp) == -EINVAL);
        CHECK(fold_config_set(&c, "rate_limit_rule", "", &exp) == -EINVAL);
        CHECK(fold_config_set(&c, "journal", "yes", &exp) == 0);
        c.keys = 1;
        CHECK(fold_new(&c, on_summary, NULL, &fo) == -EINVAL);

        /* folding off: everything within the rates is sent */
        fold_config_defaults(&c);
        c.window_sec = 0;
        CHECK(fold_new(&c, on_summary, NULL, &fo) == 0);
        CHECK(submit(fo, "TRC-2", 1, 1, "/a", SEC) == FOLD_SEND);
        CHECK(submit(fo, "TRC-2", 1, 1, "/a", SEC) == FOLD_SEND);
        fold_free(fo);
}

int main(void)
{
        test_process();
        test_executable();
        test_rate_limits();
        test_eviction();
        test_random();
        test_config();
        if (failures)
                fprintf(stderr, "%d check(s) failed\n", failures);
        return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
