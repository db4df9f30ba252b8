/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/engine.c and the seven rules: the kernel event set and predicates derived
 * from the enabled rules, dispatch of canned positive events (each rule fires with the right data)
 * and of canned look-alikes (silence), exceptions, counters, unavailability, and a dispatch
 * throughput micro-benchmark (printed, not asserted).
 */

#undef NDEBUG

#include "record-builder.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>

#include "../../agent/catalog.h"
#include "../../agent/engine.h"
#include "../../agent/proctable.h"

/* ------------------------------------------------------------------------------------------------ */
/* finding capture */

#define CAPTURE_MAX 8

static struct {
        unsigned n;
        Finding f[CAPTURE_MAX];
} cap;

static void on_finding(void *userdata, const Finding *f)
{
        (void) userdata;
        if (cap.n < CAPTURE_MAX)
                cap.f[cap.n] = *f;
        cap.n++;
}

static const FindingData *fdata(const Finding *f, const char *key)
{
        for (unsigned i = 0; i < f->ndata; i++)
                if (strcmp(f->data[i].key, key) == 0)
                        return &f->data[i];
        return NULL;
}

static void check_str_data_at(int line, const Finding *f, const char *key, const char *want)
{
        const FindingData *d = fdata(f, key);

        if (!d || d->kind != DATA_STR || strcmp(d->s, want) != 0) {
                fprintf(stderr, "%s:%d: %s finding: data '%s' is %s\"%s\", expected \"%s\"\n", __FILE__, line,
                        f->rule->id, key, d ? (d->kind == DATA_STR ? "" : "(int) ") : "missing ", d ? d->s : "",
                        want);
                failures++;
        }
}
#define CHECK_DATA_STR(f, k, v) check_str_data_at(__LINE__, (f), (k), (v))

static void check_int_data_at(int line, const Finding *f, const char *key, int64_t want)
{
        const FindingData *d = fdata(f, key);

        if (!d || d->kind != DATA_INT || d->i != want) {
                fprintf(stderr, "%s:%d: %s finding: data '%s' is %s%lld, expected %lld\n", __FILE__, line,
                        f->rule->id, key, d ? (d->kind == DATA_INT ? "" : "(str) ") : "missing ",
                        d ? (long long) d->i : 0LL, (long long) want);
                failures++;
        }
}
#define CHECK_DATA_INT(f, k, v) check_int_data_at(__LINE__, (f), (k), (v))

static Engine *eng;
static RecBuilder rb;

/* More enrichment for dispatch_rb(), as the process table would give it; reset with ENR_NONE. */
static struct {
        uint8_t exe_flags;
        const char *exec_by;
        uint8_t exec_by_flags;
        uint8_t proc_flags;
        uint32_t fork_uid;
        uint64_t parent_stdio_sock;
} enr;
#define ENR_NONE() memset(&enr, 0, sizeof(enr))

/* Dispatches the event built in rb (after decoding it) with the given enrichment; returns the
 * number of findings and leaves them in cap. */
static unsigned dispatch_rb(const char *exe, const char *container_id)
{
        Event e;
        unsigned n;

        memset(&cap, 0, sizeof(cap));
        if (rb_decode(&rb, &e) != 0) {
                fprintf(stderr, "canned record for event %u does not decode (test bug)\n", rb.h.type);
                failures++;
                return 0;
        }
        e.exe = exe;
        e.container_id = container_id;
        e.wall_ns = 1700000000000000000ull;
        e.exe_flags = enr.exe_flags;
        e.exec_by = enr.exec_by;
        e.exec_by_flags = enr.exec_by_flags;
        e.proc_flags = enr.proc_flags;
        e.fork_uid = enr.fork_uid;
        e.parent_stdio_sock = enr.parent_stdio_sock;
        n = engine_dispatch(eng, &e);
        if (n != cap.n) {
                fprintf(stderr, "engine_dispatch returned %u but the sink saw %u findings\n", n, cap.n);
                failures++;
        }
        return n;
}

/* Exactly one finding, from rule `id`. */
static const Finding *expect_one_at(int line, unsigned n, const char *id)
{
        if (n != 1 || cap.n != 1 || strcmp(cap.f[0].rule->id, id) != 0) {
                fprintf(stderr, "%s:%d: expected one %s finding, got %u%s%s\n", __FILE__, line, id, n,
                        cap.n ? ", first from " : "", cap.n ? cap.f[0].rule->id : "");
                failures++;
                return NULL;
        }
        if (!cap.f[0].summary[0] || strchr(cap.f[0].summary, '\n')) {
                fprintf(stderr, "%s:%d: %s finding has an empty or multi-line summary\n", __FILE__, line, id);
                failures++;
        }
        return &cap.f[0];
}
#define EXPECT_ONE(n, id) expect_one_at(__LINE__, (n), (id))

#define EXPECT_NONE(n)                                                                                  \
        do {                                                                                            \
                unsigned _n = (n);                                                                      \
                if (_n != 0) {                                                                          \
                        fprintf(stderr, "%s:%d: expected no finding, got %u (first from %s: %s)\n",     \
                                __FILE__, __LINE__, _n, cap.f[0].rule->id, cap.f[0].summary);           \
                        failures++;                                                                     \
                }                                                                                       \
        } while (0)

/* ------------------------------------------------------------------------------------------------ */
/* engine_wants */

static EventWant wants[TR_MAX_EVENT_ID];

static unsigned id_of(const char *name)
{
        const EventDef *d = catalog_by_name(name);

        if (!d) {
                fprintf(stderr, "no event %s in the catalogue\n", name);
                abort();
        }
        return d->id;
}

static const EventWant *want(const char *name)
{
        return &wants[id_of(name)];
}

static bool has_term(const EventWant *w, unsigned field, unsigned op, uint64_t mask, uint64_t value)
{
        for (unsigned i = 0; i < w->cfg.nterms && i < TR_MAX_TERMS; i++) {
                const struct tr_term *t = &w->cfg.terms[i];

                if (t->field == field && t->op == op && t->mask == mask && t->value == value)
                        return true;
        }
        return false;
}

static unsigned count_on(void)
{
        unsigned n = 0;

        for (unsigned i = 0; i < TR_MAX_EVENT_ID; i++)
                n += wants[i].on;
        return n;
}

/* Is there a group in w made of exactly these terms (in order)? */
static bool has_group(const EventWant *w, const struct tr_term *g, unsigned len)
{
        for (unsigned i = 0; i < w->cfg.nterms; ) {
                unsigned l = 0;
                bool same;

                while (i + l < w->cfg.nterms && (w->cfg.terms[i + l].flags & TR_TERM_AND))
                        l++;
                l++;
                same = l == len;
                for (unsigned j = 0; same && j < len; j++) {
                        const struct tr_term *a = &w->cfg.terms[i + j], *b = &g[j];

                        same = a->field == b->field && a->op == b->op && a->mask == b->mask &&
                               a->value == b->value && (a->flags & TR_TERM_AND) == (j + 1 < len ? TR_TERM_AND : 0);
                }
                if (same)
                        return true;
                i += l;
        }
        return false;
}

static void test_wants_all(void)
{
        static const char *const expected_on[] = {
                "dup", "dup2", "dup3", "fcntl", "accept", "accept4", "pidfd_getfd", "connect", "ptrace",
                "process_vm_writev", "open", "openat", "openat2", "creat", "open_by_handle_at", "mprotect",
                "pkey_mprotect", "mmap", "sched_process_exec", "init_module", "finit_module", "rename",
                "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat", "personality",
        };
        const struct tr_term new_stdio[] = { TERM_AND(TR_FIELD_RETVAL, TR_OP_LE, 0, 2),
                                             HAS(TR_FIELD_RETCLASS, TR_FC_INET | TR_FC_PEER) };
        const struct tr_term preload[] = { HAS(TR_FIELD_RETCLASS, TR_FC_WRITE | TR_FC_PRELOAD) };
        const struct tr_term procmem[] = { HAS(TR_FIELD_RETCLASS, TR_FC_WRITE | TR_FC_PROC_MEM) };
        const struct tr_term connect[] = { TERM_AND(TR_FIELD_RETVAL, TR_OP_EQ2, (uint64_t) -EINPROGRESS, 0),
                                           HAS(TR_FIELD_FDCLASS, TR_FC_INET | TR_FC_ON_STDIO) };
        const struct tr_term placed1[] = { TERM_AND(TR_FIELD_RETVAL, TR_OP_MASK_EQ, ~0ull, 0),
                                           TERM(1, TR_OP_BASENAME, 0, 0) };
        const struct tr_term placed3[] = { TERM_AND(TR_FIELD_RETVAL, TR_OP_MASK_EQ, ~0ull, 0),
                                           TERM(3, TR_OP_BASENAME, 0, 0) };
        const struct tr_term poke[] = { TERM_AND(0, TR_OP_EQ2, 4, 5), TERM(TR_FIELD_RETVAL, TR_OP_MASK_EQ, ~0ull, 0) };
        char names[4][TR_NAME_MAX];
        bool env = false;

        engine_set_all_enabled(eng, true);
        engine_wants(eng, wants, &env);
        /* no rule needs the environment captured: TRC-7's variables are searched in the kernel */
        CHECK(!env);
        CHECK_INT(engine_exec_scan(eng), TR_SET_LDSCAN);
        for (size_t i = 0; i < sizeof(expected_on) / sizeof(expected_on[0]); i++)
                CHECK_MSG(want(expected_on[i])->on, "%s is not collected", expected_on[i]);
        CHECK_INT(count_on(), sizeof(expected_on) / sizeof(expected_on[0]));
        CHECK(!want("execve")->on && !want("kill")->on && !want("close")->on && !want("sched_process_fork")->on);

        /* opens: the returned file written and the preload list (TRC-7) or a mem file (TRC-3) */
        CHECK_INT(want("openat")->cfg.nterms, 3);
        CHECK(has_group(want("openat"), preload, 1) && has_group(want("openat"), procmem, 1));
        CHECK(has_term(want("openat"), TR_FIELD_RETCLASS, TR_OP_MASK_EQ, TR_FC_WRITE | TR_FC_PRELOAD_NEW,
                       TR_FC_PRELOAD_NEW));
        CHECK(has_group(want("open_by_handle_at"), preload, 1) && has_group(want("creat"), procmem, 1));

        /* mprotect: a PROT_EXEC term on arg 2; mmap asks for W and X at once */
        CHECK(has_term(want("mprotect"), 2, TR_OP_MASK_NE, PROT_EXEC, 0));
        CHECK(has_term(want("pkey_mprotect"), 2, TR_OP_MASK_NE, PROT_EXEC, 0));
        CHECK(has_term(want("mmap"), 2, TR_OP_MASK_EQ, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC));

        /* TRC-1: a new fd 0..2 holding an inet socket with a peer; connect judged at exit */
        CHECK_INT(want("dup2")->cfg.nterms, 2);
        CHECK(has_group(want("dup2"), new_stdio, 2) && has_group(want("dup"), new_stdio, 2) &&
              has_group(want("dup3"), new_stdio, 2) && has_group(want("accept4"), new_stdio, 2));
        CHECK_INT(want("fcntl")->cfg.nterms, 3);
        CHECK(has_term(want("fcntl"), 1, TR_OP_EQ2, 1030, 0));
        CHECK(has_group(want("connect"), connect, 2));

        /* ptrace: TRC-2's TRACEME and TRC-3's writing requests, each group ORed */
        CHECK_INT(want("ptrace")->cfg.nterms, 7);
        CHECK(has_term(want("ptrace"), 0, TR_OP_MASK_EQ, ~0ull, 0));
        CHECK(has_group(want("ptrace"), poke, 2));
        CHECK(has_term(want("process_vm_writev"), TR_FIELD_RETVAL, TR_OP_GE, 0, 1));

        /* TRC-7's placements: the target's last component is a watched name */
        CHECK(has_group(want("rename"), placed1, 2) && has_group(want("renameat"), placed3, 2) &&
              has_group(want("linkat"), placed3, 2) && has_group(want("renameat2"), placed3, 2));
        CHECK_INT(want("renameat2")->cfg.nterms, 5);
        CHECK_INT(engine_watch_names(eng, names, 4), 1);
        CHECK(strcmp(names[0], "ld.so.preload") == 0);

        /* every instance of these */
        CHECK_INT(want("sched_process_exec")->cfg.nterms, 0);
        CHECK_INT(want("init_module")->cfg.nterms, 0);
        CHECK_INT(want("finit_module")->cfg.nterms, 0);

        /* a NULL exec_env pointer is allowed */
        engine_wants(eng, wants, NULL);
        CHECK_INT(count_on(), sizeof(expected_on) / sizeof(expected_on[0]));
}

/* Groups of several needs merge; a group too many for the table makes the event collected whole. */
static void test_wants_groups(void)
{
        for (size_t r = 0; r < 1; r++) {
                /* every need's terms end their last group */
                size_t n;
                const Rule *const *all = rules_all(&n);

                for (size_t i = 0; i < n; i++)
                        for (unsigned k = 0; k < all[i]->nneeds; k++) {
                                const RuleNeed *nd = &all[i]->needs[k];

                                CHECK_MSG(nd->nterms <= TR_MAX_TERMS, "%s %s", all[i]->id, nd->event);
                                CHECK_MSG(nd->nterms == 0 || !(nd->terms[nd->nterms - 1].flags & TR_TERM_AND),
                                          "%s %s: last term flagged AND", all[i]->id, nd->event);
                                CHECK_MSG(catalog_by_name(nd->event) != NULL, "%s: unknown event %s", all[i]->id,
                                          nd->event);
                        }
        }
}

static void test_wants_disable(void)
{
        bool env;

        /* TRC-4 and TRC-5 need the memory events; personality is TRC-4's alone */
        engine_set_all_enabled(eng, true);
        CHECK_INT(engine_set_enabled(eng, "TRC-4", false), 0);
        engine_wants(eng, wants, &env);
        CHECK(want("mprotect")->on && want("pkey_mprotect")->on && want("mmap")->on && !want("personality")->on);
        CHECK(want("openat")->on && want("ptrace")->on && !env && engine_exec_scan(eng) == TR_SET_LDSCAN);
        CHECK_INT(engine_set_enabled(eng, "TRC-5", false), 0);
        engine_wants(eng, wants, &env);
        CHECK(!want("mprotect")->on && !want("pkey_mprotect")->on && !want("mmap")->on);

        /* TRC-3 and TRC-7 both need the opens; one is enough to keep them */
        engine_set_all_enabled(eng, true);
        CHECK_INT(engine_set_enabled(eng, "TRC-3", false), 0);
        engine_wants(eng, wants, &env);
        CHECK(want("openat")->on && want("open")->on && want("openat2")->on && want("creat")->on);
        CHECK_INT(want("openat")->cfg.nterms, 2);
        CHECK(has_term(want("openat"), TR_FIELD_RETCLASS, TR_OP_MASK_EQ, TR_FC_WRITE | TR_FC_PRELOAD,
                       TR_FC_WRITE | TR_FC_PRELOAD));
        CHECK(!want("process_vm_writev")->on);
        /* ptrace now only for TRC-2's TRACEME */
        CHECK_INT(want("ptrace")->cfg.nterms, 1);
        CHECK(has_term(want("ptrace"), 0, TR_OP_MASK_EQ, ~0ull, 0));
        CHECK_INT(engine_set_enabled(eng, "TRC-7", false), 0);
        engine_wants(eng, wants, &env);
        CHECK(!want("openat")->on && !want("open")->on && !want("openat2")->on && !want("creat")->on);
        CHECK(!want("rename")->on && !want("renameat")->on && !want("renameat2")->on && !want("linkat")->on &&
              !want("symlinkat")->on);
        {
                char names[4][TR_NAME_MAX];

                CHECK_INT(engine_watch_names(eng, names, 4), 0);
        }
        CHECK(!env);                            /* only TRC-7 reads the environment */
        CHECK(want("sched_process_exec")->on);  /* still TRC-5 */

        /* TRC-2 off: ptrace for TRC-3's requests only */
        engine_set_all_enabled(eng, true);
        CHECK_INT(engine_set_enabled(eng, "trc-2", false), 0);  /* ids are case-insensitive */
        engine_wants(eng, wants, &env);
        CHECK_INT(want("ptrace")->cfg.nterms, 6);
        CHECK(!has_term(want("ptrace"), 0, TR_OP_MASK_EQ, ~0ull, 0));
        CHECK_INT(engine_set_enabled(eng, "TRC-3", false), 0);
        engine_wants(eng, wants, &env);
        CHECK(!want("ptrace")->on);

        /* TRC-1, TRC-5 and TRC-7 off: no exec events */
        engine_set_all_enabled(eng, true);
        engine_set_enabled(eng, "TRC-5", false);
        engine_set_enabled(eng, "TRC-7", false);
        engine_wants(eng, wants, &env);
        CHECK(want("sched_process_exec")->on && !env);  /* TRC-1 checks the new program's stdio */
        engine_set_enabled(eng, "TRC-1", false);
        engine_wants(eng, wants, &env);
        CHECK(!want("sched_process_exec")->on && !env);

        /* TRC-1 off: no dup*, no connect; TRC-6 off: no modules */
        engine_set_all_enabled(eng, true);
        engine_set_enabled(eng, "TRC-1", false);
        engine_set_enabled(eng, "TRC-6", false);
        engine_wants(eng, wants, &env);
        CHECK(!want("dup")->on && !want("dup2")->on && !want("dup3")->on && !want("connect")->on &&
              !want("fcntl")->on && !want("accept")->on);
        CHECK(!want("init_module")->on && !want("finit_module")->on);

        /* nothing enabled: nothing collected */
        engine_set_all_enabled(eng, false);
        engine_wants(eng, wants, &env);
        CHECK_INT(count_on(), 0);
        CHECK(!env);

        CHECK_INT(engine_set_enabled(eng, "TRC-99", true), -ENOENT);
        CHECK_INT(engine_set_enabled(eng, "", true), -ENOENT);
        engine_set_all_enabled(eng, true);
}

/* ------------------------------------------------------------------------------------------------ */
/* dispatch */

/* A syscall that returned fd newfd, holding fi (ret_info, 14). */
static void build_newfd(unsigned id, int64_t newfd, const struct tr_fdinfo *fi)
{
        rb_init(&rb, id);
        rb.h.retval = newfd;
        rb_int(&rb, 0, 5);
        if (id == 33 || id == 292)
                rb_int(&rb, 1, newfd);
        if (fi)
                rb_fdinfo(&rb, 14, fi);
}

static void build_connect(int64_t fd, int64_t ret, const struct tr_fdinfo *fi)
{
        rb_init(&rb, 42);
        rb.h.retval = ret;
        rb_int(&rb, 0, fd);
        /* what the process passed is not what decides */
        rb_sockaddr_in(&rb, 1, "10.9.9.9", 9);
        rb_int(&rb, 2, 16);
        if (fi)
                rb_fdinfo(&rb, 8, fi);
}

static void build_exec_stdio(const struct tr_fdinfo *in, const struct tr_fdinfo *out, const struct tr_fdinfo *err)
{
        rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
        rb_str(&rb, 0, "/usr/bin/bash");
        rb_str(&rb, 1, "/bin/sh");
        rb_fdinfo(&rb, 8, in);
        rb_fdinfo(&rb, 9, out);
        rb_fdinfo(&rb, 10, err);
}

static void test_trc1(void)
{
        const Finding *f;
        struct tr_fdinfo sock = fdinfo_inet("203.0.113.9", 4444), nopeer = fdinfo_inet("", 0),
                         pipe = fdinfo_kind(TR_FD_PIPE), unix_sock = fdinfo_kind(TR_FD_SOCKET),
                         tty = fdinfo_kind(TR_FD_OTHER), sock6 = fdinfo_inet("", 0);

        build_newfd(33, 1, &sock);
        f = EXPECT_ONE(dispatch_rb("/bin/bash", NULL), "TRC-1");
        if (f) {
                CHECK_DATA_STR(f, "ip", "203.0.113.9");
                CHECK_DATA_INT(f, "port", 4444);
                CHECK_DATA_INT(f, "fd", 1);
                CHECK_CONTAINS(f->summary, "203.0.113.9");
                CHECK_CONTAINS(f->summary, "stdout");
        }
        /* dup, dup3, fcntl(F_DUPFD), accept, accept4, pidfd_getfd: the new fd is the return value */
        for (unsigned i = 0; i < 6; i++) {
                static const unsigned ids[] = { 32, 292, 72, 43, 288, 438 };

                build_newfd(ids[i], (int64_t) (i % 3), &sock);
                f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-1");
                if (f)
                        CHECK_DATA_INT(f, "fd", i % 3);
                if (f && (ids[i] == 43 || ids[i] == 288))
                        CHECK_CONTAINS(f->summary, "accepted a connection from 203.0.113.9");
        }

        /* look-alikes: a pipe onto stdout (every shell pipeline), a socket without a peer, a socket
         * onto fd 5, a failed dup2, a non-inet socket, no fd info at all, the wrong wire type */
        build_newfd(33, 1, &pipe);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_newfd(33, 1, &nopeer);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_newfd(33, 5, &sock);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_newfd(33, -9, &sock);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        unix_sock.family = AF_UNIX;
        unix_sock.rport = 1;
        build_newfd(33, 0, &unix_sock);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_newfd(33, 1, NULL);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 33);
        rb.h.retval = 1;
        rb_arg(&rb, 14, TR_ARG_BYTES, "\x01\x00\x02\x00", 4);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        /* the old fd's info (8) is not what lands on the new fd: only ret_info decides */
        rb_init(&rb, 33);
        rb.h.retval = 1;
        rb_fdinfo(&rb, 8, &sock);
        EXPECT_NONE(dispatch_rb(NULL, NULL));

        /* connect, judged from the kernel's socket: on stdio, succeeded or in progress */
        sock.fclass = TR_FC_OPEN | TR_FC_SOCKET | TR_FC_INET | TR_FC_PEER | TR_FC_ON_STDIO;
        sock.stdio = 1 << 1;
        build_connect(1, 0, &sock);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-1");
        if (f) {
                CHECK_DATA_STR(f, "ip", "203.0.113.9");
                CHECK_DATA_INT(f, "port", 4444);
                CHECK_DATA_INT(f, "fd", 1);
        }
        build_connect(1, -EINPROGRESS, &sock);
        EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-1");
        /* connected through fd 7, the socket also being fd 1 (dup'ed before it was connected) */
        build_connect(7, 0, &sock);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-1");
        if (f) {
                CHECK_DATA_INT(f, "fd", 1);
                CHECK_CONTAINS(f->summary, "also its stdout");
        }
        memcpy(&sock6, &sock, sizeof(sock6));
        sock6.family = AF_INET6;
        inet_pton(AF_INET6, "2001:db8::5", sock6.raddr);
        sock6.stdio = 1 << 2;
        build_connect(2, 0, &sock6);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-1");
        if (f)
                CHECK_DATA_STR(f, "ip", "2001:db8::5");
        /* look-alikes: refused, not on stdio, no fd info, a unix socket */
        build_connect(1, -ECONNREFUSED, &sock);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        sock.fclass &= ~TR_FC_ON_STDIO;
        sock.stdio = 0;
        build_connect(5, 0, &sock);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_connect(1, 0, NULL);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        unix_sock.fclass = TR_FC_OPEN | TR_FC_SOCKET | TR_FC_ON_STDIO;
        unix_sock.stdio = 1;
        build_connect(0, 0, &unix_sock);
        EXPECT_NONE(dispatch_rb(NULL, NULL));

        /* a new program with a socket on its stdio, however it got there */
        sock.fclass = 0;
        build_exec_stdio(&sock, &sock, &sock);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-1");
        if (f) {
                CHECK_DATA_INT(f, "fd", 0);
                CHECK_DATA_STR(f, "program", "/usr/bin/bash");
                CHECK_DATA_STR(f, "stdio", "stdin|stdout|stderr");
                CHECK_CONTAINS(f->summary, "stdin, stdout and stderr");
        }
        build_exec_stdio(&tty, &sock, &tty);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-1");
        if (f)
                CHECK_DATA_INT(f, "fd", 1);
        /* the commands a shell on the socket runs: their parent was exec'd on that socket */
        sock.ino = 4242;
        enr.parent_stdio_sock = 4242;
        build_exec_stdio(&sock, &sock, &sock);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        enr.parent_stdio_sock = 4243;           /* another socket than the parent's: reported */
        build_exec_stdio(&sock, &sock, &sock);
        EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-1");
        ENR_NONE();
        /* look-alikes: a daemon with a listening socket on stdin (inetd wait mode), pipes, unix */
        build_exec_stdio(&nopeer, &pipe, &pipe);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_exec_stdio(&unix_sock, &unix_sock, &tty);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
}

static void build_ptrace(int64_t req, int64_t pid)
{
        rb_init(&rb, 101);
        rb_int(&rb, 0, req);
        rb_int(&rb, 1, pid);
        rb_int(&rb, 2, 0);
        rb_int(&rb, 3, 0);
}

static void test_trc2_trc3_ptrace(void)
{
        const Finding *f;

        build_ptrace(0, 0);
        f = EXPECT_ONE(dispatch_rb("/usr/bin/packed", NULL), "TRC-2");
        if (f)
                CHECK_DATA_STR(f, "request", "PTRACE_TRACEME");
        /* it fires whatever ptrace returned */
        build_ptrace(0, 0);
        rb.h.retval = -1;
        EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-2");

        build_ptrace(5, 1234);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-3");
        if (f) {
                CHECK_DATA_STR(f, "request", "PTRACE_POKEDATA");
                CHECK_DATA_INT(f, "target_pid", 1234);
        }
        build_ptrace(4, 99);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-3");
        if (f)
                CHECK_DATA_STR(f, "request", "PTRACE_POKETEXT");
        /* the registers set: the target runs the attacker's code */
        for (int64_t req = 6; req <= 0x4205; req = req == 6 ? 13 : req == 13 ? 15 : req == 15 ? 0x4205 : 0x4206) {
                build_ptrace(req, 77);
                f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-3");
                if (f)
                        CHECK_DATA_INT(f, "target_pid", 77);
        }
        /* a refused attempt wrote nothing: not a finding */
        build_ptrace(5, 1);
        rb.h.retval = -1;
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_ptrace(13, 1);
        rb.h.retval = -3;
        EXPECT_NONE(dispatch_rb(NULL, NULL));

        /* look-alikes: PEEKDATA, ATTACH, CONT; request as a string */
        build_ptrace(2, 1234);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_ptrace(16, 1234);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_ptrace(7, 1234);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 101);
        rb_str(&rb, 0, "\0\0\0\0\0\0\0\0");
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 101);
        EXPECT_NONE(dispatch_rb(NULL, NULL));

        /* process_vm_writev into another process; not into itself, not when nothing was written */
        rb_init(&rb, 311);
        rb.h.retval = 4096;
        rb_int(&rb, 0, 777);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-3");
        if (f)
                CHECK_DATA_INT(f, "target_pid", 777);
        rb_init(&rb, 311);
        rb.h.retval = 16;
        rb_int(&rb, 0, 4242);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 311);
        rb.h.retval = -1;
        rb_int(&rb, 0, 777);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 311);
        rb.h.ns_pid = 5;
        rb_int(&rb, 0, 5);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 311);
        rb_int(&rb, 0, 0);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
}

/* An open that returned fd 3, the kernel's file being of class fclass at kernel path kpath. */
static void build_open(unsigned id, const char *path, int64_t flags, uint32_t fclass, const char *kpath,
                       uint32_t proc_tgid)
{
        struct tr_fdinfo fi = fdinfo_kind(TR_FD_FILE);

        rb_init(&rb, id);
        rb.h.retval = 3;
        if (id == 257 || id == 437) {
                rb_int(&rb, 0, -100);
                rb_str(&rb, 1, path);
                rb_int(&rb, 2, flags);
        } else {
                rb_str(&rb, 0, path);
                if (id == 2)
                        rb_int(&rb, 1, flags);
        }
        fi.fclass = fclass | TR_FC_OPEN | TR_FC_REGULAR;
        fi.proc_tgid = proc_tgid;
        rb_fdinfo(&rb, 14, &fi);
        if (kpath)
                rb_str(&rb, 15, kpath);
}

#define W TR_FC_WRITE
#define R TR_FC_READ
#define MEM TR_FC_PROC_MEM

static void test_trc3_procmem(void)
{
        const Finding *f;

        build_open(257, "/proc/1234/mem", O_RDWR, R | W | MEM, "/proc/1234/mem", 1234);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-3");
        if (f) {
                CHECK_DATA_STR(f, "target_pid", "1234");
                CHECK_DATA_STR(f, "path", "/proc/1234/mem");
                CHECK_DATA_STR(f, "flags", "O_RDWR");
                CHECK(fdata(f, "requested_path") == NULL);
        }
        /* the target is the process the file belongs to: rb's own pid is "self" */
        build_open(2, "/proc/self/mem", O_WRONLY, W | MEM, "/proc/100/mem", 100);
        rb.h.pid = 100;
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-3");
        if (f) {
                CHECK_DATA_STR(f, "target_pid", "self");
                CHECK_DATA_STR(f, "path", "/proc/100/mem");
                CHECK_DATA_STR(f, "requested_path", "/proc/self/mem");
        }
        /* whatever was asked: a relative path, a symlink, a directory fd */
        build_open(257, "mem", O_RDWR | O_CLOEXEC, R | W | MEM, "/proc/99/task/100/mem", 99);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-3");
        if (f) {
                CHECK_DATA_STR(f, "target_pid", "99");
                CHECK_DATA_STR(f, "requested_path", "mem");
        }
        build_open(85, "/tmp/link-to-mem", 0, W | MEM, NULL, 4321);   /* creat is always for writing */
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-3");
        if (f)
                CHECK_DATA_STR(f, "path", "/proc/4321/mem");

        /* look-alikes: the mem file read-only, the path of a mem file for a file that is not one
         * (the class decides, not the name), a failed open, no fd info */
        build_open(257, "/proc/self/mem", O_RDONLY, R | MEM, "/proc/100/mem", 100);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_open(257, "/proc/self/mem", O_RDWR, R | W, "/tmp/proc/self/mem", 0);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_open(257, "/proc/self/mem", O_RDWR, R | W | MEM, "/proc/100/mem", 100);
        rb.h.retval = -13;
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 257);
        rb.h.retval = 3;
        rb_str(&rb, 1, "/proc/self/mem");
        rb_int(&rb, 2, O_RDWR);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
}

static void build_mprotect(int64_t prot, int64_t prev, int64_t ret)
{
        rb_init(&rb, 10);
        rb.h.retval = ret;
        rb_int(&rb, 0, 0x7f0000000000);
        rb_int(&rb, 1, 8192);
        rb_int(&rb, 2, prot);
        rb_int(&rb, 7, prev);
}

static void test_trc4(void)
{
        const Finding *f;

        /* RW -> RX */
        build_mprotect(PROT_READ | PROT_EXEC, 0x1 | 0x2, 0);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-4");
        if (f) {
                CHECK_DATA_STR(f, "alert", "Protection changed from W to E!");
                CHECK_DATA_INT(f, "address", 0x7f0000000000);
                CHECK_DATA_INT(f, "length", 8192);
                CHECK_DATA_STR(f, "old_protection", "PROT_READ|PROT_WRITE");
                CHECK_DATA_STR(f, "new_protection", "PROT_READ|PROT_EXEC");
        }
        /* asking for W+X at once */
        build_mprotect(PROT_READ | PROT_WRITE | PROT_EXEC, 0x1, 0);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-4");
        if (f)
                CHECK_DATA_STR(f, "alert", "Protection changed to W+E!");
        /* pkey_mprotect */
        rb_init(&rb, 329);
        rb_int(&rb, 2, PROT_EXEC);
        rb_int(&rb, 7, 0x2);
        EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-4");
        /* mmap W+X, anonymous and memfd-backed */
        rb_init(&rb, 9);
        rb.h.retval = 0x7f1234560000;
        rb_int(&rb, 1, 4096);
        rb_int(&rb, 2, PROT_READ | PROT_WRITE | PROT_EXEC);
        rb_int(&rb, 3, MAP_PRIVATE | MAP_ANONYMOUS);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-4");
        if (f) {
                CHECK_DATA_STR(f, "alert", "Mmaped region with W+E permissions!");
                CHECK_DATA_INT(f, "address", 0x7f1234560000);
                CHECK_DATA_STR(f, "backing", "anonymous");
                CHECK(fdata(f, "old_protection") == NULL);
        }
        {
                struct tr_fdinfo m = fdinfo_kind(TR_FD_MEMFD);

                rb_init(&rb, 9);
                rb.h.retval = 0x1000;
                rb_int(&rb, 2, PROT_WRITE | PROT_EXEC);
                rb_int(&rb, 3, MAP_SHARED);
                rb_int(&rb, 4, 3);
                rb_fdinfo(&rb, 12, &m);
                /* a memfd mapped executable is TRC-5's too */
                CHECK_INT(dispatch_rb(NULL, NULL), 2);
                CHECK(cap.n == 2 && strcmp(cap.f[0].rule->id, "TRC-4") == 0 && strcmp(cap.f[1].rule->id, "TRC-5") == 0);
                if (cap.n >= 1)
                        CHECK_DATA_STR(&cap.f[0], "backing", "memfd");
        }

        /* look-alikes: RW -> R, R -> RX (never writable), a refused mprotect, mmap R+X, failed mmap,
         * no previous protection known */
        build_mprotect(PROT_READ, 0x1 | 0x2, 0);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_mprotect(PROT_READ | PROT_EXEC, 0x1, 0);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_mprotect(PROT_READ | PROT_EXEC, 0x1 | 0x2, -13);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 9);
        rb.h.retval = 0x1000;
        rb_int(&rb, 2, PROT_READ | PROT_EXEC);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 9);
        rb.h.retval = -12;
        rb_int(&rb, 2, PROT_READ | PROT_WRITE | PROT_EXEC);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 10);
        rb_int(&rb, 2, PROT_EXEC);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
}

static void build_exec(const char *path, uint16_t flags, const char *const *env)
{
        rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
        rb.h.flags = flags;
        rb_str(&rb, 0, path);
        rb_str(&rb, 1, path);
        if (env)
                rb_strarr(&rb, 4, env);
}

static void test_trc5(void)
{
        static const char *const plain_env[] = { "PATH=/usr/bin", "HOME=/root", NULL };
        const Finding *f;
        RuleState *s5;
        uint64_t supp0;

        build_exec("memfd:payload (deleted)", TR_F_EXEC_MEMFD, plain_env);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-5");
        if (f) {
                CHECK_DATA_STR(f, "path", "memfd:payload (deleted)");
                CHECK_DATA_STR(f, "kind", "memfd");
        }
        build_exec("/dev/shm/x", 0, plain_env);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-5");
        if (f) {
                CHECK_DATA_STR(f, "path", "/dev/shm/x");
                CHECK_DATA_STR(f, "kind", "shm");
        }
        build_exec("/run/shm/y", 0, NULL);
        EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-5");

        /* runc re-executing itself from a memfd: a default exception on the program that made the
         * exec (runc's binary, seen in a trusted mount namespace), never on the memfd's name */
        s5 = engine_rule(eng, "TRC-5");
        supp0 = s5 ? s5->suppressed_by_defaults : 0;
        build_exec("memfd:runc_cloned:/proc/self/exe (deleted)", TR_F_EXEC_MEMFD, plain_env);
        f = EXPECT_ONE(dispatch_rb("memfd:runc_cloned:/proc/self/exe (deleted)", NULL), "TRC-5");
        if (f)
                CHECK_DATA_STR(f, "kind", "memfd");
        for (unsigned i = 0; i < 4; i++) {
                static const char *const runcs[] = { "/usr/bin/runc", "/usr/sbin/runc", "/usr/local/bin/runc",
                                                     "/usr/local/sbin/runc" };

                enr.exec_by = runcs[i];
                enr.exec_by_flags = PATH_F_TRUSTED_NS;
                build_exec("memfd:runc_cloned:/proc/self/exe (deleted)", TR_F_EXEC_MEMFD, plain_env);
                rb.h.uid = 0;
                EXPECT_NONE(dispatch_rb("memfd:runc_cloned:/proc/self/exe (deleted)", NULL));
                /* whatever the memfd's name */
                build_exec("memfd:payload (deleted)", TR_F_EXEC_MEMFD, plain_env);
                rb.h.uid = 0;
                EXPECT_NONE(dispatch_rb("memfd:payload (deleted)", NULL));
                /* but not as another user: runc runs rootless containers too, a user's program */
                build_exec("memfd:runc_cloned:/proc/self/exe (deleted)", TR_F_EXEC_MEMFD, plain_env);
                EXPECT_ONE(dispatch_rb("memfd:runc_cloned:/proc/self/exe (deleted)", NULL), "TRC-5");
                /* and not a file in /dev/shm, even executed by root's runc */
                build_exec("/dev/shm/x", 0, plain_env);
                rb.h.uid = 0;
                EXPECT_ONE(dispatch_rb("/dev/shm/x", NULL), "TRC-5");
        }
        if (s5) {
                CHECK_INT(s5->suppressed_by_defaults - supp0, 8);
                CHECK(s5->n_defaults == 4 && s5->default_suppressed[0] >= 2 && s5->default_suppressed[3] >= 2);
        }
        /* not runc: a look-alike path, a path cut short, a path from an untrusted mount namespace
         * (a bind mount in a namespace of the caller's own), no exec_by at all */
        enr.exec_by = "/usr/bin/runc2";
        build_exec("memfd:runc_cloned:/proc/self/exe (deleted)", TR_F_EXEC_MEMFD, plain_env);
        rb.h.uid = 0;
        EXPECT_ONE(dispatch_rb("memfd:runc_cloned:/proc/self/exe (deleted)", NULL), "TRC-5");
        enr.exec_by = "/tmp/usr/bin/runc";
        build_exec("memfd:x", TR_F_EXEC_MEMFD, plain_env);
        rb.h.uid = 0;
        EXPECT_ONE(dispatch_rb("memfd:x", NULL), "TRC-5");
        enr.exec_by = "/usr/bin/runc";
        enr.exec_by_flags = PATH_F_TRUSTED_NS | PATH_F_TRUNCATED;
        build_exec("memfd:x", TR_F_EXEC_MEMFD, plain_env);
        rb.h.uid = 0;
        EXPECT_ONE(dispatch_rb("memfd:x", NULL), "TRC-5");
        enr.exec_by_flags = 0;
        build_exec("memfd:x", TR_F_EXEC_MEMFD, plain_env);
        rb.h.uid = 0;
        EXPECT_ONE(dispatch_rb("memfd:x", NULL), "TRC-5");
        enr.exec_by = "";
        enr.exec_by_flags = PATH_F_TRUSTED_NS;
        build_exec("memfd:x", TR_F_EXEC_MEMFD, plain_env);
        rb.h.uid = 0;
        EXPECT_ONE(dispatch_rb("memfd:x", NULL), "TRC-5");
        /* defaults off: runc's exec is a finding again */
        if (s5) {
                s5->defaults_enabled = false;
                enr.exec_by = "/usr/bin/runc";
                build_exec("memfd:runc_cloned:/proc/self/exe (deleted)", TR_F_EXEC_MEMFD, plain_env);
                rb.h.uid = 0;
                EXPECT_ONE(dispatch_rb("memfd:runc_cloned:/proc/self/exe (deleted)", NULL), "TRC-5");
                s5->defaults_enabled = true;
                EXPECT_NONE(dispatch_rb("memfd:runc_cloned:/proc/self/exe (deleted)", NULL));
                CHECK_INT(s5->suppressed_by_defaults - supp0, 9);
        }
        ENR_NONE();

        /* look-alikes: a normal binary, a path that only contains /dev/shm, a "memfd:" path that is
         * not a memfd (the kernel flag decides) */
        build_exec("/usr/bin/ls", 0, plain_env);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_exec("/tmp/dev/shm/x", 0, plain_env);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_exec("/dev/shmx", 0, plain_env);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_exec("memfd:fake", 0, plain_env);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
        rb.h.flags = TR_F_EXEC_MEMFD;
        EXPECT_NONE(dispatch_rb(NULL, NULL));   /* no pathname at all */
}

static void test_trc6(void)
{
        const Finding *f;

        rb_init(&rb, 175);
        rb_int(&rb, 0, 0x1000);
        rb_int(&rb, 1, 4096);
        rb_str(&rb, 2, "debug=1");
        rb.h.retval = -1;
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-6");
        if (f) {
                CHECK_DATA_STR(f, "syscall", "init_module");
                CHECK_DATA_STR(f, "params", "debug=1");
                CHECK(fdata(f, "fd") == NULL);
        }
        rb_init(&rb, 313);
        rb_int(&rb, 0, 3);
        rb_int(&rb, 2, 0);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-6");
        if (f) {
                CHECK_DATA_STR(f, "syscall", "finit_module");
                CHECK_DATA_STR(f, "params", "");
                CHECK_DATA_INT(f, "fd", 3);
        }
        /* bpf() is in the module set but no rule asks for it */
        rb_init(&rb, 321);
        rb_int(&rb, 0, 5);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
}

static void test_trc7(void)
{
        static const char *const preload_env[] = { "PATH=/usr/bin", "LD_PRELOAD=/tmp/evil.so", NULL };
        static const char *const audit_env[] = { "LD_AUDIT=/tmp/a.so", NULL };
        static const char *const llp_env[] = { "HOME=/", "LD_LIBRARY_PATH=/opt/lib", NULL };
        static const char *const lookalike_env[] = {
                "LD_PRELOAD=", "XLD_PRELOAD=/x.so", "MY_LD_PRELOAD=/x.so", "LD_PRELOADX=/x.so", "LD_AUDIT=", NULL,
        };
        const Finding *f;
        RuleOptions on = { .ld_library_path = true }, off = { .ld_library_path = false };

        build_exec("/usr/bin/ls", 0, preload_env);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f) {
                CHECK_DATA_STR(f, "variable", "LD_PRELOAD");
                CHECK_DATA_STR(f, "value", "/tmp/evil.so");
                CHECK_CONTAINS(f->summary, "LD_PRELOAD=/tmp/evil.so");
        }
        build_exec("/usr/bin/ls", 0, audit_env);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f)
                CHECK_DATA_STR(f, "variable", "LD_AUDIT");

        /* LD_LIBRARY_PATH only counts when configured */
        build_exec("/usr/bin/ls", 0, llp_env);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        engine_set_options(eng, &on);
        build_exec("/usr/bin/ls", 0, llp_env);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f) {
                CHECK_DATA_STR(f, "variable", "LD_LIBRARY_PATH");
                CHECK_DATA_STR(f, "value", "/opt/lib");
        }
        engine_set_options(eng, &off);

        /* look-alike variables, an environment cut in the middle of the name */
        build_exec("/usr/bin/ls", 0, lookalike_env);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
        rb_str(&rb, 0, "/usr/bin/ls");
        rb_arg(&rb, 4, TR_ARG_STRARR | TR_ARG_F_TRUNC, "A=1\0LD_PRE", 10);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        /* cut in the value: still a finding, with what was seen */
        rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
        rb_str(&rb, 0, "/usr/bin/ls");
        rb_arg(&rb, 4, TR_ARG_STRARR | TR_ARG_F_TRUNC, "A=1\0LD_PRELOAD=/tm", 18);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f)
                CHECK_DATA_STR(f, "value", "/tm");
        /* memfd exec with LD_PRELOAD: both rules */
        build_exec("memfd:x", TR_F_EXEC_MEMFD, preload_env);
        CHECK_INT(dispatch_rb(NULL, NULL), 2);

        /* /etc/ld.so.preload written: the kernel's class of the returned file decides */
        build_open(257, "/etc/ld.so.preload", O_WRONLY | O_TRUNC, W | TR_FC_PRELOAD, "/etc/ld.so.preload", 0);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f) {
                CHECK_DATA_STR(f, "path", "/etc/ld.so.preload");
                CHECK_DATA_STR(f, "operation", "open for write");
        }
        build_open(2, "ld.so.preload", O_RDWR, R | W | TR_FC_PRELOAD, "/etc/ld.so.preload", 0);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f)
                CHECK_DATA_STR(f, "requested_path", "ld.so.preload");
        build_open(85, "/tmp/hardlink", 0, W | TR_FC_PRELOAD, "/tmp/hardlink", 0);
        EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        /* made by the open itself: one finding, for the write */
        build_open(257, "/etc/ld.so.preload", O_WRONLY | O_CREAT, W | TR_FC_PRELOAD | TR_FC_PRELOAD_NEW,
                   "/etc/ld.so.preload", 0);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f)
                CHECK_DATA_STR(f, "operation", "open for write");
        /* read by its name for the first time: put in place some way not seen */
        build_open(257, "/etc/ld.so.preload", O_RDONLY | O_CLOEXEC, R | TR_FC_PRELOAD | TR_FC_PRELOAD_NEW,
                   "/etc/ld.so.preload", 0);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f) {
                CHECK_DATA_STR(f, "operation", "in effect");
                CHECK_CONTAINS(f->summary, "never seen before");
        }

        /* put in place: the target resolved against the directory the kernel side read */
        rb_init(&rb, 82);
        rb_str(&rb, 0, "/tmp/p");
        rb_str(&rb, 1, "ld.so.preload");
        rb_str(&rb, 17, "/etc");
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f) {
                CHECK_DATA_STR(f, "operation", "rename");
                CHECK_DATA_STR(f, "path", "/etc/ld.so.preload");
        }
        rb_init(&rb, 316);
        rb_int(&rb, 0, -100);
        rb_str(&rb, 1, "/tmp/p");
        rb_int(&rb, 2, 5);
        rb_str(&rb, 3, "./sub/../ld.so.preload");
        rb_str(&rb, 19, "/etc");
        EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        /* an absolute target is resolved against the root the kernel side read (a container's or
         * chroot's root is "/" in its own mount namespace) */
        rb_init(&rb, 265);
        rb_int(&rb, 0, 3);
        rb_str(&rb, 1, "");
        rb_int(&rb, 2, -100);
        rb_str(&rb, 3, "//etc/./ld.so.preload");
        rb_int(&rb, 4, 0x1000);
        rb_str(&rb, 19, "/");
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f)
                CHECK_DATA_STR(f, "operation", "link");
        rb_init(&rb, 266);
        rb_str(&rb, 0, "/tmp/evil-list");
        rb_int(&rb, 1, -100);
        rb_str(&rb, 2, "../etc/ld.so.preload");
        rb_str(&rb, 18, "/root");
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f)
                CHECK_DATA_STR(f, "operation", "symlink");
        /* RENAME_EXCHANGE with the preload list on the old side */
        rb_init(&rb, 316);
        rb_int(&rb, 0, -100);
        rb_str(&rb, 1, "/etc/ld.so.preload");
        rb_int(&rb, 2, -100);
        rb_str(&rb, 3, "/tmp/x");
        rb_int(&rb, 4, RENAME_EXCHANGE);
        rb_str(&rb, 17, "/");
        rb_str(&rb, 19, "/");
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f)
                CHECK_DATA_STR(f, "operation", "exchange");

        /* look-alikes: a read-only open of the list, a backup file, a rename away from the list, a
         * failed rename, a rename to ld.so.preload in another directory */
        build_open(257, "/etc/ld.so.preload", O_RDONLY, R | TR_FC_PRELOAD, "/etc/ld.so.preload", 0);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_open(257, "/etc/ld.so.preload.bak", O_WRONLY, W, "/etc/ld.so.preload.bak", 0);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 82);
        rb_str(&rb, 0, "/etc/ld.so.preload");
        rb_str(&rb, 1, "/tmp/saved");
        rb_str(&rb, 16, "/");
        rb_str(&rb, 17, "/");
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 82);
        rb.h.retval = -2;
        rb_str(&rb, 0, "/tmp/p");
        rb_str(&rb, 1, "/etc/ld.so.preload");
        rb_str(&rb, 17, "/");
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        rb_init(&rb, 82);
        rb_str(&rb, 0, "/tmp/p");
        rb_str(&rb, 1, "ld.so.preload");
        rb_str(&rb, 17, "/home/user/src/etcx");
        EXPECT_NONE(dispatch_rb(NULL, NULL));
}

/* io_uring requests reported as their syscall's event (TR_F_IOURING, opcode in argument 22): the
 * rules judge them as the syscall, and the finding says how it was done */
static void test_iouring(void)
{
        struct tr_fdinfo sock = fdinfo_inet("203.0.113.9", 4444), mem = fdinfo_kind(TR_FD_FILE);
        const Finding *f;

        /* IORING_OP_OPENAT: no pathname (the request's copy is gone), the file it installed */
        rb_init(&rb, 257);
        rb.h.flags = TR_F_IOURING;
        rb.h.retval = 4;
        rb_int(&rb, 0, -100);
        rb_int(&rb, 2, O_RDWR);
        mem.fclass = TR_FC_OPEN | TR_FC_REGULAR | TR_FC_READ | TR_FC_WRITE | TR_FC_PROC_MEM;
        mem.proc_tgid = 4242;
        rb_fdinfo(&rb, 14, &mem);
        rb_str(&rb, 15, "/proc/4242/mem");
        rb_int(&rb, 22, 18);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-3");
        if (f) {
                CHECK_DATA_STR(f, "path", "/proc/4242/mem");
                CHECK_DATA_STR(f, "io_uring_op", "IORING_OP_OPENAT");
                CHECK_CONTAINS(f->summary, "opened /proc/4242/mem for writing");
                CHECK_CONTAINS(f->summary, "(an io_uring IORING_OP_OPENAT request)");
        }
        /* into a fixed-file slot: retval is the slot, not an fd; the file decides all the same */
        rb_init(&rb, 257);
        rb.h.flags = TR_F_IOURING;
        rb.h.retval = 0;
        rb_int(&rb, 0, -100);
        rb_int(&rb, 2, O_WRONLY);
        rb_fdinfo(&rb, 14, &mem);
        rb_int(&rb, 22, 18);
        rb_int(&rb, 23, 0);
        EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-3");
        mem.fclass &= ~TR_FC_WRITE;
        rb_init(&rb, 257);
        rb.h.flags = TR_F_IOURING;
        rb.h.retval = 4;
        rb_int(&rb, 2, O_RDONLY);
        rb_fdinfo(&rb, 14, &mem);
        rb_int(&rb, 22, 18);
        EXPECT_NONE(dispatch_rb(NULL, NULL));

        /* IORING_OP_CONNECT through a fixed-file slot: no sockfd, the slot in argument 23 */
        sock.fclass = TR_FC_OPEN | TR_FC_SOCKET | TR_FC_INET | TR_FC_PEER | TR_FC_ON_STDIO;
        sock.stdio = 1;
        rb_init(&rb, 42);
        rb.h.flags = TR_F_IOURING;
        rb_sockaddr_in(&rb, 1, "203.0.113.9", 4444);
        rb_int(&rb, 2, 16);
        rb_fdinfo(&rb, 8, &sock);
        rb_int(&rb, 22, 16);
        rb_int(&rb, 23, 3);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-1");
        if (f) {
                CHECK_DATA_INT(f, "fd", 0);
                CHECK_CONTAINS(f->summary, "connected fixed file 3, the socket that is also its stdin");
                CHECK_DATA_STR(f, "io_uring_op", "IORING_OP_CONNECT");
        }
        /* neither an fd nor a slot known (its submission unseen) */
        rb_init(&rb, 42);
        rb.h.flags = TR_F_IOURING;
        rb_fdinfo(&rb, 8, &sock);
        rb_int(&rb, 22, 16);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-1");
        if (f)
                CHECK_CONTAINS(f->summary, "connected the socket that is its stdin to 203.0.113.9 port 4444");
        sock.fclass &= ~TR_FC_ON_STDIO;
        sock.stdio = 0;
        rb_init(&rb, 42);
        rb.h.flags = TR_F_IOURING;
        rb_int(&rb, 0, 5);
        rb_fdinfo(&rb, 8, &sock);
        rb_int(&rb, 22, 16);
        EXPECT_NONE(dispatch_rb(NULL, NULL));

        /* IORING_OP_RENAMEAT judged at submission (IOSQE_CQE_SKIP_SUCCESS): its result unseen */
        rb_init(&rb, 316);
        rb.h.flags = TR_F_IOURING;
        rb_int(&rb, 0, -100);
        rb_str(&rb, 1, "/etc/.new");
        rb_int(&rb, 2, -100);
        rb_str(&rb, 3, "/etc/ld.so.preload");
        rb_int(&rb, 4, 0);
        rb_str(&rb, 17, "/");
        rb_str(&rb, 19, "/");
        rb_int(&rb, 22, 35);
        rb_int(&rb, 24, 1);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-7");
        if (f) {
                CHECK_DATA_STR(f, "operation", "rename");
                CHECK_DATA_STR(f, "io_uring_op", "IORING_OP_RENAMEAT");
                CHECK_DATA_STR(f, "result", "unseen (IOSQE_CQE_SKIP_SUCCESS)");
                CHECK_CONTAINS(f->summary, "judged at submission");
        }
        /* a syscall's finding says nothing of io_uring */
        build_connect(0, 0, NULL);
        sock.fclass |= TR_FC_ON_STDIO;
        sock.stdio = 1;
        rb_fdinfo(&rb, 8, &sock);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-1");
        if (f)
                CHECK(!strstr(f->summary, "io_uring") && f->ndata == 3);
}

static void test_exceptions_and_counters(void)
{
        RuleState *s = engine_rule(eng, "TRC-2");
        uint64_t found0, supp0;
        ProcTable *pt = calloc(1, sizeof(ProcTable));
        const Finding *f;

        CHECK(s && strcmp(s->rule->id, "TRC-2") == 0);
        CHECK(engine_rule(eng, "trc-2") == s);
        CHECK(engine_rule(eng, "TRC-0") == NULL);
        if (!s || !pt)
                return;
        found0 = s->findings;
        supp0 = s->suppressed;

        strcpy(s->exc.exe_glob[0], "/usr/bin/strace*");
        s->exc.n_exe = 1;
        strcpy(s->exc.comm[0], "gdb");
        s->exc.n_comm = 1;
        s->exc.uid[0] = 4321;
        s->exc.n_uid = 1;
        strcpy(s->exc.container[0], "c0ffee");
        s->exc.n_container = 1;

        build_ptrace(0, 0);
        EXPECT_NONE(dispatch_rb("/usr/bin/strace", NULL));
        build_ptrace(0, 0);
        rb_comm(&rb, "gdb");
        EXPECT_NONE(dispatch_rb("/usr/local/bin/other", NULL));
        build_ptrace(0, 0);
        rb.h.uid = 4321;
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        build_ptrace(0, 0);
        EXPECT_NONE(dispatch_rb(NULL, "c0ffee"));
        CHECK_INT(s->suppressed - supp0, 4);
        CHECK_INT(s->findings - found0, 0);

        /* near misses of each exception still fire */
        build_ptrace(0, 0);
        EXPECT_ONE(dispatch_rb("/usr/local/bin/strace", NULL), "TRC-2");
        build_ptrace(0, 0);
        rb_comm(&rb, "gdbx");
        EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-2");
        build_ptrace(0, 0);
        rb.h.uid = 4322;
        EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-2");
        build_ptrace(0, 0);
        EXPECT_ONE(dispatch_rb(NULL, "c0ffee1"), "TRC-2");
        CHECK_INT(s->findings - found0, 4);
        CHECK_INT(s->suppressed - supp0, 4);

        /* an exception on one rule does not touch another */
        build_ptrace(5, 9);
        EXPECT_ONE(dispatch_rb("/usr/bin/strace", NULL), "TRC-3");
        /* look-alikes are neither findings nor suppressions */
        build_ptrace(2, 9);
        EXPECT_NONE(dispatch_rb("/usr/bin/strace", NULL));
        CHECK_INT(s->suppressed - supp0, 4);
        memset(&s->exc, 0, sizeof(s->exc));

        /* a disabled rule sees nothing */
        engine_set_enabled(eng, "TRC-2", false);
        build_ptrace(0, 0);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        engine_set_enabled(eng, "TRC-2", true);

        /* ancestors from the process table */
        CHECK_INT(proctable_init(pt), 0);
        {
                Proc *p = proctable_upsert(pt, 4242), *pp = proctable_upsert(pt, 100), *init = proctable_upsert(pt, 1);

                p->ppid = 100;
                pp->ppid = 1;
                strcpy(pp->comm, "bash");
                strcpy(pp->exe, "/usr/bin/bash");
                init->ppid = 0;
                strcpy(init->comm, "systemd");
        }
        engine_set_proctable(eng, pt);
        build_ptrace(0, 0);
        f = EXPECT_ONE(dispatch_rb(NULL, NULL), "TRC-2");
        if (f) {
                CHECK_INT(f->nancestors, 2);
                if (f->nancestors == 2)
                        CHECK(f->ancestors[0]->pid == 100 && f->ancestors[1]->pid == 1);
                CHECK(f->event != NULL && f->rule == s->rule);
        }
        engine_set_proctable(eng, NULL);
        proctable_done(pt);
        free(pt);

        /* events nobody asked for, unknown ids, ids past the table */
        rb_init(&rb, 62);
        rb_int(&rb, 0, 1);
        rb_int(&rb, 1, 9);
        EXPECT_NONE(dispatch_rb(NULL, NULL));
        {
                Event e = {};

                e.h.type = TR_MAX_EVENT_ID;
                CHECK_INT(engine_dispatch(eng, &e), 0);
                e.h.type = UINT32_MAX;
                CHECK_INT(engine_dispatch(eng, &e), 0);
        }
}

/* Configured exceptions: path globs on exception_exe, paths cut short, combined exceptions (all
 * conditions at once) next to the single-condition lists (any one), and their counters. */
static void test_combined_exceptions(void)
{
        RuleState *s = engine_rule(eng, "TRC-2");
        RuleException *x = calloc(1, sizeof(RuleException));
        char err[256];
        uint64_t supp0;

        if (!s || !x)
                return;
        supp0 = s->suppressed;
        ENR_NONE();

        /* exception_exe: '*' within a directory, '**' across */
        strcpy(x->exe_glob[0], "/opt/dbg/*");
        strcpy(x->exe_glob[1], "/usr/lib/jvm/**");
        x->n_exe = 2;
        rule_state_set_exceptions(s, x, true);
        build_ptrace(0, 0);
        EXPECT_NONE(dispatch_rb("/opt/dbg/gdb", NULL));
        build_ptrace(0, 0);
        EXPECT_ONE(dispatch_rb("/opt/dbg/sub/gdb", NULL), "TRC-2");
        build_ptrace(0, 0);
        EXPECT_NONE(dispatch_rb("/usr/lib/jvm/java-17/bin/java", NULL));
        /* a path cut short never matches, even one whose visible part does */
        enr.exe_flags = PATH_F_TRUNCATED;
        build_ptrace(0, 0);
        EXPECT_ONE(dispatch_rb("/usr/lib/jvm/java-17/bin/java", NULL), "TRC-2");
        build_ptrace(0, 0);
        EXPECT_ONE(dispatch_rb("/opt/dbg/gdb", NULL), "TRC-2");
        ENR_NONE();
        CHECK_INT(s->suppressed - supp0, 2);

        /* combined: exe and uid at once */
        memset(x, 0, sizeof(*x));
        CHECK_INT(exception_parse("exe=/usr/bin/strace uid=4321", &x->combined[0], err, sizeof(err)), 0);
        CHECK_INT(exception_parse("comm=gdb exec_by=/usr/bin/gdb", &x->combined[1], err, sizeof(err)), 0);
        x->n_combined = 2;
        x->uid[0] = 7;
        x->n_uid = 1;
        rule_state_set_exceptions(s, x, true);
        supp0 = s->suppressed;
        build_ptrace(0, 0);
        rb.h.uid = 4321;
        EXPECT_NONE(dispatch_rb("/usr/bin/strace", NULL));      /* both hold */
        build_ptrace(0, 0);
        rb.h.uid = 4321;
        EXPECT_ONE(dispatch_rb("/usr/bin/other", NULL), "TRC-2");       /* only the uid */
        build_ptrace(0, 0);
        rb.h.uid = 1000;
        EXPECT_ONE(dispatch_rb("/usr/bin/strace", NULL), "TRC-2");      /* only the exe */
        build_ptrace(0, 0);
        rb.h.uid = 7;
        EXPECT_NONE(dispatch_rb("/usr/bin/other", NULL));       /* the single-condition list: alone */
        /* comm and exec_by: a process named gdb is not enough, gdb's child is */
        build_ptrace(0, 0);
        rb_comm(&rb, "gdb");
        EXPECT_ONE(dispatch_rb("/tmp/evil", NULL), "TRC-2");
        enr.exec_by = "/usr/bin/gdb";
        enr.exec_by_flags = PATH_F_TRUSTED_NS;
        build_ptrace(0, 0);
        rb_comm(&rb, "gdb");
        EXPECT_NONE(dispatch_rb("/tmp/evil", NULL));
        ENR_NONE();
        CHECK_INT(s->suppressed - supp0, 3);
        CHECK_INT(s->combined_suppressed[0], 1);
        CHECK_INT(s->combined_suppressed[1], 1);
        CHECK_INT(s->suppressed_by_defaults, 0);
        /* replacing the exceptions starts their counters again */
        rule_state_set_exceptions(s, x, false);
        CHECK(s->combined_suppressed[0] == 0 && s->combined_suppressed[1] == 0 && !s->defaults_enabled);
        memset(x, 0, sizeof(*x));
        rule_state_set_exceptions(s, x, true);
        free(x);
}

static void test_unavailable(void)
{
        uint32_t mods[] = { 175, 313 }, one[] = { 175 };
        RuleState *s6;
        size_t n;
        RuleState *all;

        /* a fresh engine so that earlier marks do not leak */
        Engine *e2;

        CHECK_INT(engine_new(NULL, NULL, &e2), 0);
        s6 = engine_rule(e2, "TRC-6");
        engine_mark_unavailable(e2, one, 1);
        CHECK(s6->available);
        engine_mark_unavailable(e2, mods, 2);
        CHECK(!s6->available);
        CHECK_CONTAINS(s6->unavailable_reason, "init_module, finit_module");
        all = engine_rules(e2, &n);
        CHECK_INT(n, 7);
        for (size_t i = 0; i < n; i++)
                if (&all[i] != s6)
                        CHECK_MSG(all[i].available, "%s marked unavailable", all[i].rule->id);
        engine_free(e2);

        /* every syscall missing: all but TRC-5 (which needs only a sched event) */
        CHECK_INT(engine_new(NULL, NULL, &e2), 0);
        {
                size_t nc;
                const EventDef *cat = catalog_all(&nc);
                uint32_t ids[128];
                unsigned k = 0;

                for (size_t i = 0; i < nc && k < 128; i++)
                        if (catalog_is_syscall(&cat[i]))
                                ids[k++] = cat[i].id;
                engine_mark_unavailable(e2, ids, k);
        }
        all = engine_rules(e2, &n);
        /* every syscall missing: the rules that also watch exec stay available */
        for (size_t i = 0; i < n; i++) {
                bool sched = false;

                for (unsigned k = 0; k < all[i].rule->nneeds; k++)
                        sched = sched || !catalog_is_syscall(catalog_by_name(all[i].rule->needs[k].event));
                CHECK_MSG(all[i].available == sched, "%s available=%d", all[i].rule->id, all[i].available);
        }
        /* engine_free(NULL) is fine */
        CHECK(engine_free(e2) == NULL);
        CHECK(engine_free(NULL) == NULL);
}

static void test_metadata(void)
{
        size_t n;
        const Rule *const *all = rules_all(&n);

        CHECK_INT(n, 7);
        for (size_t i = 0; i < n; i++) {
                char id[32];

                snprintf(id, sizeof(id), "TRC-%u", (unsigned) (i + 1));
                CHECK_STREQ(all[i]->id, id);
                CHECK(rule_by_id(id) == all[i]);
                CHECK(all[i]->name && *all[i]->name && all[i]->description && all[i]->mitre_id);
                CHECK(severity_to_string(all[i]->severity) != NULL);
                CHECK(all[i]->match != NULL);
                CHECK(all[i]->nneeds > 0 && all[i]->nneeds <= RULE_MAX_NEEDS);
                for (unsigned k = 0; k < all[i]->nneeds; k++) {
                        CHECK_MSG(catalog_by_name(all[i]->needs[k].event) != NULL, "%s needs unknown event %s",
                                  all[i]->id, all[i]->needs[k].event);
                        CHECK(all[i]->needs[k].nterms <= TR_MAX_TERMS);
                }
        }
        CHECK(rule_by_id("trc-3") == all[2]);
        CHECK(rule_by_id("TRC-8") == NULL);
        CHECK(rule_closest_id("TRC-8") != NULL);
        CHECK_STREQ(rule_closest_id("TRC_2"), "TRC-2");
        CHECK(rule_closest_id("completely-different") == NULL);
        CHECK_STREQ(severity_to_string(SEVERITY_CRITICAL), "critical");
        CHECK_STREQ(severity_to_string(SEVERITY_INFO), "info");
        CHECK(severity_to_string(_SEVERITY_MAX) == NULL);
        CHECK(severity_to_string(-1) == NULL);
        CHECK_INT(severity_from_string("high"), SEVERITY_HIGH);
        CHECK_INT(severity_from_string("HIGH"), _SEVERITY_INVALID);
        CHECK_INT(severity_from_string("urgent"), _SEVERITY_INVALID);

        /* finding data helpers are bounded */
        {
                Finding *f = calloc(1, sizeof(*f));
                char big[FINDING_VALUE_MAX * 2];

                memset(big, 'x', sizeof(big) - 1);
                big[sizeof(big) - 1] = 0;
                finding_add_str(f, "big", big);
                CHECK_INT(strlen(f->data[0].s), FINDING_VALUE_MAX - 1);
                for (int i = 0; i < FINDING_MAX_DATA + 3; i++)
                        finding_add_int(f, "n", i);
                CHECK_INT(f->ndata, FINDING_MAX_DATA);
                free(f);
        }
}

/* ------------------------------------------------------------------------------------------------ */
/* throughput */

static void bench(void)
{
        static const char *const env[] = { "PATH=/usr/bin:/bin", "HOME=/home/u", "LANG=C.UTF-8", "TERM=xterm", NULL };
        RecBuilder *recs = calloc(8, sizeof(RecBuilder));
        Event evs[8];
        struct tr_fdinfo pipe = fdinfo_kind(TR_FD_PIPE);
        struct timespec t0, t1;
        uint64_t n = 0;
        double secs;

        if (!recs)
                abort();
        /* a mix of what reaches the engine: mostly benign look-alikes, a few findings */
        rb_init(&recs[0], 257);
        rb_int(&recs[0], 0, -100);
        rb_str(&recs[0], 1, "/home/u/.cache/file.tmp");
        rb_int(&recs[0], 2, O_WRONLY | O_CREAT);
        rb_init(&recs[1], TR_EV_SCHED_PROCESS_EXEC);
        rb_str(&recs[1], 0, "/usr/bin/ls");
        rb_strarr(&recs[1], 4, env);
        rb_init(&recs[2], 10);
        rb_int(&recs[2], 2, PROT_READ | PROT_EXEC);
        rb_int(&recs[2], 7, 0x1);
        rb_init(&recs[3], 33);
        recs[3].h.retval = 1;
        rb_fdinfo(&recs[3], 8, &pipe);
        rb_init(&recs[4], 101);
        rb_int(&recs[4], 0, 0);
        rb_init(&recs[5], 42);
        rb_int(&recs[5], 0, 1);
        rb_sockaddr_in(&recs[5], 1, "10.0.0.1", 53);
        rb_init(&recs[6], 2);
        rb_str(&recs[6], 0, "/etc/ld.so.preload");
        rb_int(&recs[6], 1, O_RDWR);
        rb_init(&recs[7], 62);
        rb_int(&recs[7], 0, 1);
        for (int i = 0; i < 8; i++) {
                int r = rb_decode(&recs[i], &evs[i]);

                CHECK_MSG(r == 0, "bench record %d: %d", i, r);
                evs[i].exe = "/usr/bin/x";
        }
        engine_set_all_enabled(eng, true);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        do {
                for (int k = 0; k < 1024; k++) {
                        cap.n = 0;
                        (void) engine_dispatch(eng, &evs[n % 8]);
                        n++;
                }
                clock_gettime(CLOCK_MONOTONIC, &t1);
                secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
        } while (secs < 0.3);
        printf("engine dispatch: %.0f events/s (%llu events in %.3f s, all rules on, 8-event mix)\n", n / secs,
               (unsigned long long) n, secs);
        free(recs);
}

int main(void)
{
        CHECK_INT(engine_new(on_finding, NULL, &eng), 0);
        if (!eng)
                return EXIT_FAILURE;
        test_metadata();
        test_wants_all();
        test_wants_groups();
        test_wants_disable();
        test_trc1();
        test_trc2_trc3_ptrace();
        test_trc3_procmem();
        test_trc4();
        test_trc5();
        test_trc6();
        test_trc7();
        test_iouring();
        test_exceptions_and_counters();
        test_combined_exceptions();
        test_unavailable();
        bench();
        engine_free(eng);
        return test_exit("test-engine");
}
