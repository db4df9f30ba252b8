/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/proctable.c: insert/get/remove, eviction of the oldest entry when the table
 * is full (counted), ancestor chains (bounded, loops terminate), and the cgroup table including
 * its reset on overflow. A randomized run is compared with a naive model. Tracking from canned
 * sched_process_fork/exec records: exe and exec_by (inherited at fork, shifted at exec), paths cut
 * short, trusted mount namespaces, forks by the namespace's init and the forker's uid, and entries
 * left over from an earlier process with the same pid.
 */

#undef NDEBUG

#include "record-builder.h"

#include "../../agent/proctable.h"

static ProcTable *t;

static void fresh(void)
{
        if (t->procs)
                proctable_done(t);
        CHECK_INT(proctable_init(t), 0);
}

static void test_basic(void)
{
        Proc *p, *q;

        fresh();
        CHECK_INT(t->count, 0);
        CHECK(proctable_get(t, 1) == NULL);
        CHECK(proctable_get(t, 0) == NULL);
        p = proctable_upsert(t, 42);
        CHECK(p && p->pid == 42 && p->ppid == 0 && p->comm[0] == 0 && p->exe[0] == 0);
        CHECK_INT(t->count, 1);
        p->ppid = 7;
        p->uid = 1000;
        strcpy(p->comm, "bash");
        strcpy(p->exe, "/usr/bin/bash");
        q = proctable_upsert(t, 42);            /* the same entry, unchanged */
        CHECK(q == p && q->ppid == 7 && strcmp(q->comm, "bash") == 0);
        CHECK_INT(t->count, 1);
        CHECK(proctable_get(t, 42) == p);
        CHECK(proctable_get(t, 43) == NULL);

        /* colliding pids (same bucket: the hash is mod 4096 of pid * odd constant) */
        for (uint32_t i = 0; i < 10; i++) {
                Proc *c = proctable_upsert(t, 100 + i * 4096);

                CHECK(c != NULL);
                c->uid = i;
        }
        CHECK_INT(t->count, 11);
        for (uint32_t i = 0; i < 10; i++) {
                Proc *c = proctable_get(t, 100 + i * 4096);

                CHECK(c && c->pid == 100 + i * 4096 && c->uid == i);
        }
        /* remove from the middle of a chain */
        proctable_remove(t, 100 + 5 * 4096);
        CHECK(proctable_get(t, 100 + 5 * 4096) == NULL);
        CHECK(proctable_get(t, 100 + 4 * 4096) && proctable_get(t, 100 + 6 * 4096));
        CHECK_INT(t->count, 10);
        /* removing what is not there changes nothing */
        proctable_remove(t, 99999);
        proctable_remove(t, 100 + 5 * 4096);
        CHECK_INT(t->count, 10);
        proctable_remove(t, 42);
        CHECK(proctable_get(t, 42) == NULL);
        CHECK_INT(t->count, 9);
        /* re-inserted: a fresh entry */
        p = proctable_upsert(t, 42);
        CHECK(p && p->ppid == 0 && p->comm[0] == 0);
        /* extreme pids */
        CHECK(proctable_upsert(t, 0) != NULL && proctable_get(t, 0) != NULL);
        CHECK(proctable_upsert(t, UINT32_MAX) != NULL && proctable_get(t, UINT32_MAX)->pid == UINT32_MAX);
        CHECK_INT(t->evicted, 0);
}

static void test_eviction(void)
{
        fresh();
        for (uint32_t i = 0; i < PROCTABLE_MAX; i++)
                proctable_upsert(t, 1000 + i);
        CHECK_INT(t->count, PROCTABLE_MAX);
        CHECK_INT(t->evicted, 0);
        /* touching an existing entry does not make room or evict */
        proctable_upsert(t, 1000);
        CHECK_INT(t->evicted, 0);
        /* one more: the oldest-inserted goes */
        CHECK(proctable_upsert(t, 500000) != NULL);
        CHECK_INT(t->count, PROCTABLE_MAX);
        CHECK_INT(t->evicted, 1);
        CHECK(proctable_get(t, 1000) == NULL);
        CHECK(proctable_get(t, 1001) != NULL);
        CHECK(proctable_get(t, 500000) != NULL);
        /* 100 more: the next 100 oldest go, in order */
        for (uint32_t i = 0; i < 100; i++)
                CHECK(proctable_upsert(t, 600000 + i) != NULL);
        CHECK_INT(t->evicted, 101);
        CHECK(proctable_get(t, 1100) == NULL);
        CHECK(proctable_get(t, 1101) != NULL);
        CHECK_INT(t->count, PROCTABLE_MAX);
        /* a removal makes room: no eviction for the next insert */
        proctable_remove(t, 1500);
        CHECK(proctable_upsert(t, 700000) != NULL);
        CHECK_INT(t->evicted, 101);
        CHECK(proctable_get(t, 1101) != NULL);
        /* removing the oldest, then inserting into a full table, evicts the next oldest */
        proctable_remove(t, 1101);
        CHECK(proctable_upsert(t, 700001) != NULL);
        CHECK(proctable_upsert(t, 700002) != NULL);
        CHECK_INT(t->evicted, 102);
        CHECK(proctable_get(t, 1102) == NULL);
        CHECK(proctable_get(t, 1103) != NULL);
}

/* Randomized: compare with a naive model (a pid list in insertion order). */
static void test_random_model(void)
{
        enum { CAP = PROCTABLE_MAX, RANGE = PROCTABLE_MAX + PROCTABLE_MAX / 2 };
        uint32_t *order = calloc(CAP + 1, sizeof(uint32_t));
        unsigned n = 0;
        uint64_t evicted = 0, seed = 1234;

        if (!order)
                abort();
        fresh();
        for (unsigned iter = 0; iter < 200000; iter++) {
                uint32_t pid = (uint32_t) (test_rand(&seed) % RANGE) + 2;
                unsigned op = test_rand(&seed) % 4, k;

                for (k = 0; k < n && order[k] != pid; k++)
                        ;
                if (op == 0) {
                        proctable_remove(t, pid);
                        if (k < n) {
                                memmove(order + k, order + k + 1, (n - k - 1) * sizeof(uint32_t));
                                n--;
                        }
                } else {
                        Proc *p = proctable_upsert(t, pid);

                        CHECK(p && p->pid == pid);
                        if (k == n) {
                                if (n == CAP) {
                                        memmove(order, order + 1, (n - 1) * sizeof(uint32_t));
                                        n--;
                                        evicted++;
                                }
                                order[n++] = pid;
                        }
                }
                if (iter % 20000 == 0 || iter == 199999) {
                        CHECK_INT(t->count, n);
                        CHECK_INT(t->evicted, evicted);
                        for (unsigned i = 0; i < n; i++)
                                if (!proctable_get(t, order[i])) {
                                        fprintf(stderr, "pid %u missing at iteration %u\n", order[i], iter);
                                        failures++;
                                        break;
                                }
                }
                if (failures > 10)
                        break;
        }
        CHECK(evicted > 0);
        free(order);
}

static Proc *mk(uint32_t pid, uint32_t ppid, const char *comm)
{
        Proc *p = proctable_upsert(t, pid);

        p->ppid = ppid;
        snprintf(p->comm, sizeof(p->comm), "%s", comm);
        return p;
}

static void test_ancestors(void)
{
        const Proc *a[ANCESTORS_MAX + 3];
        unsigned n;

        fresh();
        mk(1, 0, "systemd");
        mk(100, 1, "sshd");
        mk(200, 100, "bash");
        mk(300, 200, "python");
        n = proctable_ancestors(t, 300, a, ANCESTORS_MAX);
        CHECK_INT(n, 3);
        if (n == 3)
                CHECK(a[0]->pid == 200 && a[1]->pid == 100 && a[2]->pid == 1);
        CHECK_INT(proctable_ancestors(t, 300, a, 1), 1);
        CHECK_INT(proctable_ancestors(t, 300, a, 0), 0);
        CHECK_INT(proctable_ancestors(t, 1, a, ANCESTORS_MAX), 0);      /* init has none */
        CHECK_INT(proctable_ancestors(t, 12345, a, ANCESTORS_MAX), 0);  /* unknown pid */

        /* a parent that is not in the table ends the chain */
        mk(400, 399, "orphan");
        CHECK_INT(proctable_ancestors(t, 400, a, ANCESTORS_MAX), 0);
        mk(401, 400, "child");
        CHECK_INT(proctable_ancestors(t, 401, a, ANCESTORS_MAX), 1);

        /* a long chain is cut at max (and at ANCESTORS_MAX even if more is asked) */
        for (uint32_t i = 0; i < 20; i++)
                mk(1000 + i, i ? 1000 + i - 1 : 1, "chain");
        CHECK_INT(proctable_ancestors(t, 1019, a, ANCESTORS_MAX), ANCESTORS_MAX);
        CHECK_INT(proctable_ancestors(t, 1019, a, ANCESTORS_MAX + 3), ANCESTORS_MAX);
        CHECK(a[0]->pid == 1018 && a[ANCESTORS_MAX - 1]->pid == 1019 - ANCESTORS_MAX);

        /* loops terminate: a → b → a, a self-parent, a longer cycle */
        mk(500, 501, "a");
        mk(501, 500, "b");
        n = proctable_ancestors(t, 500, a, ANCESTORS_MAX);
        CHECK(n >= 1 && n <= 2);
        CHECK(a[0]->pid == 501);
        for (unsigned i = 0; i < n; i++)
                for (unsigned j = i + 1; j < n; j++)
                        CHECK(a[i] != a[j]);
        mk(600, 600, "self");
        CHECK_INT(proctable_ancestors(t, 600, a, ANCESTORS_MAX), 0);
        mk(700, 702, "x");
        mk(701, 700, "y");
        mk(702, 701, "z");
        n = proctable_ancestors(t, 700, a, ANCESTORS_MAX);
        CHECK(n >= 2 && n <= 3);
        for (unsigned i = 0; i < n; i++)
                for (unsigned j = i + 1; j < n; j++)
                        CHECK(a[i] != a[j]);
        /* a cycle that does not pass through the start */
        mk(800, 801, "s");
        mk(801, 802, "c1");
        mk(802, 801, "c2");
        n = proctable_ancestors(t, 800, a, ANCESTORS_MAX);
        CHECK_INT(n, 2);
}

static void test_cgtable(void)
{
        char id[CONTAINER_ID_MAX + 1];
        char longid[200];
        CgEntry *e;

        fresh();
        CHECK(cgtable_get(t, 77) == NULL);
        cgtable_set(t, 77, "4f2c9a7e1b3d", CG_E_CHECKED);
        CHECK_STREQ(cgtable_get(t, 77), "4f2c9a7e1b3d");
        cgtable_set(t, 78, "", CG_E_CHECKED);
        CHECK_STREQ(cgtable_get(t, 78), "");            /* known, not a container */
        cgtable_set(t, 79, NULL, CG_E_CHECKED);
        CHECK_STREQ(cgtable_get(t, 79), "");
        cgtable_set(t, 77, "abc", 0);                   /* update in place */
        CHECK_STREQ(cgtable_get(t, 77), "abc");
        CHECK_INT(cgtable_lookup(t, 77)->flags, 0);
        CHECK_INT(t->cg_count, 3);
        memset(longid, 'f', sizeof(longid) - 1);
        longid[sizeof(longid) - 1] = 0;
        cgtable_set(t, 80, longid, 0);                  /* cut to CONTAINER_ID_MAX */
        CHECK_INT(strlen(cgtable_get(t, 80)), CONTAINER_ID_MAX);
        cgtable_set(t, 0, "zero", 0);
        cgtable_set(t, UINT64_MAX, "max", 0);
        CHECK_STREQ(cgtable_get(t, 0), "zero");
        CHECK_STREQ(cgtable_get(t, UINT64_MAX), "max");
        /* an unresolved cgroup is known to the table but has no container id yet */
        e = cgtable_set(t, 81, "", CG_E_UNRESOLVED);
        e->retry_ns = 5;
        CHECK(cgtable_get(t, 81) == NULL);
        CHECK(cgtable_lookup(t, 81) == e && e->retry_ns == 5);
        cgtable_set(t, 81, "def", CG_E_CHECKED);        /* learnt later: the retry time is gone */
        CHECK_STREQ(cgtable_get(t, 81), "def");
        CHECK_INT(cgtable_lookup(t, 81)->retry_ns, 0);

        /* full: the least recently used entry makes room, one at a time, and is counted */
        fresh();
        for (uint64_t i = 0; i < CGTABLE_MAX; i++) {
                snprintf(id, sizeof(id), "c%llu", (unsigned long long) i);
                cgtable_set(t, 1000 + i * 7919, id, CG_E_CHECKED);
        }
        CHECK_INT(t->cg_count, CGTABLE_MAX);
        CHECK_INT(t->cg_evicted, 0);
        CHECK_STREQ(cgtable_get(t, 1000), "c0");        /* used: now the most recent */
        cgtable_set(t, 5, "new", CG_E_CHECKED);
        CHECK_INT(t->cg_count, CGTABLE_MAX);
        CHECK_INT(t->cg_evicted, 1);
        CHECK_STREQ(cgtable_get(t, 5), "new");
        CHECK_STREQ(cgtable_get(t, 1000), "c0");        /* kept: it was used */
        CHECK(cgtable_get(t, 1000 + 7919) == NULL);     /* c1, the least recently used, is gone */
        CHECK_STREQ(cgtable_get(t, 1000 + 2 * 7919), "c2");
        CHECK_STREQ(cgtable_get(t, 1000 + (CGTABLE_MAX - 1) * 7919ull), "c4095");
        /* updating an existing entry in a full table evicts nothing */
        fresh();
        for (uint64_t i = 0; i < CGTABLE_MAX; i++)
                cgtable_set(t, i + 1, "x", CG_E_CHECKED);
        cgtable_set(t, 1, "y", CG_E_CHECKED);
        CHECK_INT(t->cg_count, CGTABLE_MAX);
        CHECK_INT(t->cg_evicted, 0);
        CHECK_STREQ(cgtable_get(t, 1), "y");
        CHECK_STREQ(cgtable_get(t, CGTABLE_MAX), "x");
        /* churn: 3 tables' worth of new cgroups while one stays in use; it is never pushed out,
         * and the newest are all there */
        for (uint64_t i = 0; i < 3 * CGTABLE_MAX; i++) {
                cgtable_set(t, 100000 + i, "z", CG_E_CHECKED);
                if (i % 100 == 0)
                        CHECK_STREQ(cgtable_get(t, 1), "y");
        }
        CHECK_INT(t->cg_count, CGTABLE_MAX);
        CHECK_INT(t->cg_evicted, 3 * CGTABLE_MAX);
        CHECK_STREQ(cgtable_get(t, 1), "y");
        for (uint64_t i = 2 * CGTABLE_MAX + 1; i < 3 * CGTABLE_MAX; i++)
                CHECK(cgtable_get(t, 100000 + i) != NULL);
        CHECK(cgtable_get(t, 100000) == NULL);
        /* the use order is a consistent list of all entries */
        {
                unsigned n = 0;

                for (int32_t i = t->cg_oldest; i >= 0 && n <= CGTABLE_MAX; i = t->cgs[i].newer)
                        n++;
                CHECK_INT(n, CGTABLE_MAX);
        }
}

/* ------------------------------------------------------------------------------------------------ */
/* tracking fork and exec */

#define HOST_MNTNS 4026531841u
#define OTHER_MNTNS 4026532999u

static RecBuilder rb;

/* A fork by pid (ns pid ns_pid, uid) of child, then tracked. */
static void track_fork(uint32_t pid, uint32_t ns_pid, uint32_t uid, uint32_t child, int64_t child_ns)
{
        Event e;

        rb_init(&rb, TR_EV_SCHED_PROCESS_FORK);
        rb.h.pid = rb.h.tid = pid;
        rb.h.ns_pid = rb.h.ns_tid = ns_pid;
        rb.h.uid = uid;
        rb_int(&rb, 0, child);
        rb_int(&rb, 1, 7000000000ll + child);
        rb_int(&rb, 2, child_ns);
        CHECK_INT(rb_decode(&rb, &e), 0);
        proctable_track(t, &e);
}

/* An exec of path by pid in mount namespace mntns; trunc marks the path argument as cut. */
static void track_exec(uint32_t pid, const char *path, bool trunc, uint32_t mntns)
{
        Event e;

        rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
        rb.h.pid = rb.h.tid = pid;
        rb.h.mntns = mntns;
        rb.h.start_time = 7000000000ull + pid;
        if (path)
                rb_arg(&rb, 0, TR_ARG_STR | (trunc ? TR_ARG_F_TRUNC : 0), path, (uint16_t) strlen(path));
        CHECK_INT(rb_decode(&rb, &e), 0);
        proctable_track(t, &e);
}

static void test_track(void)
{
        static char longpath[PROC_EXE_MAX + 40];
        Proc *init, *p;

        fresh();
        proctable_set_trusted_mntns(t, HOST_MNTNS, 0);
        CHECK(proctable_mntns_trusted(t, HOST_MNTNS));
        CHECK(!proctable_mntns_trusted(t, OTHER_MNTNS));
        CHECK(!proctable_mntns_trusted(t, 0));          /* unknown is never trusted */
        init = proctable_upsert(t, 1);
        proc_set_exe(init, "/usr/lib/systemd/systemd", 24, false, true);
        CHECK_STREQ(init->exe, "/usr/lib/systemd/systemd");
        CHECK_INT(init->exe_flags, PATH_F_TRUSTED_NS);

        /* PID 1 forks 100: it inherits exe (and its flags), is marked as forked by init as root */
        track_fork(1, 1, 0, 100, 100);
        p = proctable_get(t, 100);
        CHECK(p && strcmp(p->exe, "/usr/lib/systemd/systemd") == 0 && p->exe_flags == PATH_F_TRUSTED_NS);
        CHECK(p && p->exec_by[0] == 0 && p->ppid == 1);
        CHECK(p && p->flags == (PROC_F_FORK_SEEN | PROC_F_FORKED_BY_INIT) && p->fork_uid == 0);
        /* 100 execs the executor, which execs the service: each exec shifts exe into exec_by */
        track_exec(100, "/usr/lib/systemd/systemd-executor", false, HOST_MNTNS);
        p = proctable_get(t, 100);
        CHECK(p && strcmp(p->exe, "/usr/lib/systemd/systemd-executor") == 0);
        CHECK(p && strcmp(p->exec_by, "/usr/lib/systemd/systemd") == 0 && p->exec_by_flags == PATH_F_TRUSTED_NS);
        track_exec(100, "/usr/sbin/sshd", false, OTHER_MNTNS);       /* the service's own namespace */
        p = proctable_get(t, 100);
        CHECK(p && strcmp(p->exe, "/usr/sbin/sshd") == 0 && p->exe_flags == 0);
        CHECK(p && strcmp(p->exec_by, "/usr/lib/systemd/systemd-executor") == 0 &&
              p->exec_by_flags == PATH_F_TRUSTED_NS);
        CHECK(p && (p->flags & PROC_F_FORKED_BY_INIT));  /* a property of the process: kept across execs */

        /* 100 forks 101 (not init: ns pid 100), as uid 1000; 101 execs from another namespace */
        track_fork(100, 100, 1000, 101, 101);
        p = proctable_get(t, 101);
        CHECK(p && p->flags == PROC_F_FORK_SEEN && p->fork_uid == 1000);
        CHECK(p && strcmp(p->exec_by, "/usr/lib/systemd/systemd-executor") == 0);
        track_exec(101, "/usr/local/bin/runc", false, OTHER_MNTNS);
        track_exec(101, "memfd:x (deleted)", false, OTHER_MNTNS);
        p = proctable_get(t, 101);
        CHECK(p && strcmp(p->exec_by, "/usr/local/bin/runc") == 0 && p->exec_by_flags == 0);

        /* a shell exec'd on a connected socket (ino 77): its children start with it as their
         * parent's; an exec on no socket forgets it for the process's own children */
        {
                Event e;
                struct tr_fdinfo fi = { .kind = TR_FD_SOCKET, .family = 2, .rport = 4444, .ino = 77 };

                track_fork(1, 1, 0, 600, 600);
                rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
                rb.h.pid = 600;
                rb.h.start_time = 7000000600ull;
                rb_str(&rb, 0, "/usr/bin/bash");
                rb_arg(&rb, 8, TR_ARG_FDINFO, &fi, sizeof(fi));
                CHECK_INT(rb_decode(&rb, &e), 0);
                proctable_track(t, &e);
                p = proctable_get(t, 600);
                CHECK(p && p->stdio_sock == 77 && p->parent_stdio_sock == 0);
                track_fork(600, 600, 0, 601, 601);
                p = proctable_get(t, 601);
                CHECK(p && p->stdio_sock == 77 && p->parent_stdio_sock == 77);
                track_exec(601, "/usr/bin/ls", false, HOST_MNTNS);
                p = proctable_get(t, 601);
                CHECK(p && p->stdio_sock == 0 && p->parent_stdio_sock == 77);
                fi.rport = 0;                   /* a listening socket: not a connection */
                rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
                rb.h.pid = 600;
                rb.h.start_time = 7000000600ull;
                rb_arg(&rb, 8, TR_ARG_FDINFO, &fi, sizeof(fi));
                CHECK_INT(rb_decode(&rb, &e), 0);
                proctable_track(t, &e);
                CHECK(proctable_get(t, 600)->stdio_sock == 0);
        }

        /* a child that is the init of a new pid namespace was not forked by "its" init */
        track_fork(1, 1, 0, 102, 1);
        p = proctable_get(t, 102);
        CHECK(p && p->flags == PROC_F_FORK_SEEN);

        /* paths cut short: by the kernel (flag), by length, by a NUL in the record */
        track_fork(1, 1, 0, 200, 200);
        track_exec(200, "/usr/bin/runc", true, HOST_MNTNS);
        p = proctable_get(t, 200);
        CHECK(p && strcmp(p->exe, "/usr/bin/runc") == 0 && p->exe_flags == (PATH_F_TRUNCATED | PATH_F_TRUSTED_NS));
        track_exec(200, "memfd:y", false, HOST_MNTNS);
        p = proctable_get(t, 200);
        CHECK(p && strcmp(p->exec_by, "/usr/bin/runc") == 0 && (p->exec_by_flags & PATH_F_TRUNCATED));
        memset(longpath, 'a', sizeof(longpath) - 1);
        longpath[0] = '/';
        track_exec(200, longpath, false, HOST_MNTNS);
        p = proctable_get(t, 200);
        CHECK(p && strlen(p->exe) == PROC_EXE_MAX - 1 && (p->exe_flags & PATH_F_TRUNCATED));
        longpath[PROC_EXE_MAX - 1] = 0;         /* exactly PROC_EXE_MAX - 1 bytes: fits */
        track_exec(200, longpath, false, HOST_MNTNS);
        p = proctable_get(t, 200);
        CHECK(p && strlen(p->exe) == PROC_EXE_MAX - 1 && !(p->exe_flags & PATH_F_TRUNCATED));
        {
                Event e;

                rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
                rb.h.pid = 200;
                rb.h.mntns = HOST_MNTNS;
                rb.h.start_time = 7000000200ull;
                rb_arg(&rb, 0, TR_ARG_STR, "/usr/bin/runc\0/x", 16);
                CHECK_INT(rb_decode(&rb, &e), 0);
                proctable_track(t, &e);
                p = proctable_get(t, 200);
                CHECK(p && strcmp(p->exe, "/usr/bin/runc") == 0 && (p->exe_flags & PATH_F_TRUNCATED));
                /* an exec record without its path: unknown */
                rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
                rb.h.pid = 200;
                rb.h.start_time = 7000000200ull;
                rb.h.flags = TR_F_ARGS_TRUNC;
                CHECK_INT(rb_decode(&rb, &e), 0);
                proctable_track(t, &e);
                p = proctable_get(t, 200);
                CHECK(p && p->exe[0] == 0 && p->exe_flags == 0 && strcmp(p->exec_by, "/usr/bin/runc") == 0);
        }

        /* an exec of a process the table does not know: exec_by unknown */
        track_exec(300, "/usr/bin/ls", false, HOST_MNTNS);
        p = proctable_get(t, 300);
        CHECK(p && strcmp(p->exe, "/usr/bin/ls") == 0 && p->exec_by[0] == 0 && p->flags == 0);
        /* an entry left by an earlier process with the same pid (another start time) */
        p = proctable_get(t, 100);
        if (p)
                p->start_time = 1;
        track_exec(100, "/usr/bin/true", false, HOST_MNTNS);
        p = proctable_get(t, 100);
        CHECK(p && p->exec_by[0] == 0 && p->flags == 0);

        /* a fork whose parent is evicted to make room for the child still copies the parent */
        fresh();
        proctable_set_trusted_mntns(t, HOST_MNTNS, 0);
        p = proctable_upsert(t, 5);
        proc_set_exe(p, "/usr/bin/runc", 13, false, true);
        for (uint32_t i = 0; i < PROCTABLE_MAX - 1; i++)
                (void) proctable_upsert(t, 1000 + i);
        CHECK_INT(t->count, PROCTABLE_MAX);
        track_fork(5, 5, 0, 999999, 999999);
        CHECK(proctable_get(t, 5) == NULL);
        p = proctable_get(t, 999999);
        CHECK(p && strcmp(p->exe, "/usr/bin/runc") == 0 && p->exe_flags == PATH_F_TRUSTED_NS);

        /* events other than fork and exec change nothing; a fork without a child pid neither */
        {
                Event e;
                unsigned n = t->count;

                rb_init(&rb, 101);
                CHECK_INT(rb_decode(&rb, &e), 0);
                proctable_track(t, &e);
                rb_init(&rb, TR_EV_SCHED_PROCESS_FORK);
                CHECK_INT(rb_decode(&rb, &e), 0);
                proctable_track(t, &e);
                CHECK_INT(t->count, n);
        }
}

int main(void)
{
        t = calloc(1, sizeof(*t));
        if (!t)
                return EXIT_FAILURE;
        test_basic();
        test_eviction();
        test_random_model();
        test_ancestors();
        test_cgtable();
        test_track();
        proctable_done(t);
        proctable_done(t);      /* twice is harmless */
        free(t);
        return test_exit("test-proctable");
}
