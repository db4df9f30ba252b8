/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/exception.c: the syntax of combined exceptions (every condition, escapes,
 * blanks, bounds, each error with the word that is wrong), writing them back (a round trip), and
 * matching on canned events: each condition alone, all of them at once, paths unknown or cut
 * short, exec_by only from a trusted mount namespace, parent=init only for a process init forked
 * (not for an orphan it adopted), parent_uid from the fork; and the rules' default exceptions,
 * TRC-1's among them (its exec-time check is not written yet: they are tried on exec events here).
 */

#undef NDEBUG

#include "record-builder.h"

#include "../../agent/catalog.h"
#include "../../agent/engine.h"
#include "../../agent/exception.h"

static Exception x;
static char err[256];

static int parse(const char *text)
{
        memset(&x, 0x5a, sizeof(x));    /* must be fully set on success */
        return exception_parse(text, &x, err, sizeof(err));
}

#define CHECK_PARSE_ERROR(text, msg)                                                                    \
        do {                                                                                            \
                int _r = parse(text);                                                                   \
                if (_r != -EINVAL || !strstr(err, (msg))) {                                             \
                        fprintf(stderr, "%s:%d: parse(\"%s\") = %d, \"%s\": expected -EINVAL and \"%s\"\n", \
                                __FILE__, __LINE__, (text), _r, err, (msg));                            \
                        failures++;                                                                     \
                }                                                                                       \
        } while (0)

/* text parses, and writes back as want */
static void check_round_trip_at(int line, const char *text, const char *want)
{
        char buf[EXCEPTION_TEXT_MAX];
        Exception again;

        if (parse(text) != 0) {
                fprintf(stderr, "%s:%d: parse(\"%s\") failed: %s\n", __FILE__, line, text, err);
                failures++;
                return;
        }
        exception_to_string(&x, buf, sizeof(buf));
        if (strcmp(buf, want) != 0) {
                fprintf(stderr, "%s:%d: \"%s\" writes back as \"%s\", expected \"%s\"\n", __FILE__, line, text, buf,
                        want);
                failures++;
        }
        if (exception_parse(buf, &again, err, sizeof(err)) != 0 || !exception_equal(&again, &x)) {
                fprintf(stderr, "%s:%d: \"%s\" does not parse back to the same exception\n", __FILE__, line, buf);
                failures++;
        }
}
#define CHECK_ROUND_TRIP(t, w) check_round_trip_at(__LINE__, (t), (w))

static void test_syntax(void)
{
        CHECK_INT(parse("exe=/usr/lib/jvm/** uid=1000"), 0);
        CHECK_INT(x.conds, EXC_EXE | EXC_UID);
        CHECK_STREQ(x.exe, "/usr/lib/jvm/**");
        CHECK_INT(x.uid, 1000);
        CHECK_INT(parse("  \texec_by=/usr/bin/runc\t parent=init parent_uid=0 comm=gdb container=c0ffee "
                        "event=sched_process_exec  "), 0);
        CHECK_INT(x.conds, EXC_EXEC_BY | EXC_PARENT_INIT | EXC_PARENT_UID | EXC_COMM | EXC_CONTAINER | EXC_EVENT);
        CHECK_STREQ(x.exec_by, "/usr/bin/runc");
        CHECK_INT(x.parent_uid, 0);
        CHECK_STREQ(x.comm, "gdb");
        CHECK_STREQ(x.container, "c0ffee");
        CHECK(x.n_events == 1 && x.events[0] == TR_EV_SCHED_PROCESS_EXEC);
        /* event= takes a list: any one of them */
        CHECK_INT(parse("event=dup,dup2,dup3,sched_process_exec"), 0);
        CHECK(x.n_events == 4 && x.events[1] == 33 && x.events[3] == TR_EV_SCHED_PROCESS_EXEC);
        CHECK_INT(parse("event=dup,dup,dup,dup,dup,dup,dup,dup"), 0);  /* 8: the bound */
        CHECK_INT(parse("uid=0"), 0);
        CHECK_INT(parse("uid=4294967294"), 0);
        CHECK_INT(x.uid, 4294967294u);

        /* escapes: a blank inside a value; a glob keeps its backslashes, a name loses them */
        CHECK_INT(parse("exe=/opt/my\\ app/** comm=Web\\ Content"), 0);
        CHECK_STREQ(x.exe, "/opt/my\\ app/**");
        CHECK_STREQ(x.comm, "Web Content");
        CHECK_INT(parse("comm=a\\\\b"), 0);
        CHECK_STREQ(x.comm, "a\\b");

        /* the fixed order and escapes written back */
        CHECK_ROUND_TRIP("uid=1000 exe=/usr/lib/jvm/**", "exe=/usr/lib/jvm/** uid=1000");
        CHECK_ROUND_TRIP("container=c0 comm=Web\\ Content parent_uid=0 parent=init exec_by=/usr/bin/r\\*nc "
                         "exe=/x/\\ y event=dup2 uid=7",
                         "event=dup2 exe=/x/\\ y exec_by=/usr/bin/r\\*nc parent=init parent_uid=0 comm=Web\\ Content "
                         "uid=7 container=c0");
        CHECK_ROUND_TRIP("comm=a\\\\b", "comm=a\\\\b");
        CHECK_ROUND_TRIP("uid=0 event=dup3,connect", "event=dup3,connect uid=0");
        {
                Exception a = {}, b = {};

                CHECK_INT(exception_parse("exe=/a uid=1", &a, err, sizeof(err)), 0);
                CHECK_INT(exception_parse("uid=1 exe=/a", &b, err, sizeof(err)), 0);
                CHECK(exception_equal(&a, &b));
                CHECK_INT(exception_parse("uid=2 exe=/a", &b, err, sizeof(err)), 0);
                CHECK(!exception_equal(&a, &b));
                CHECK_INT(exception_parse("uid=1 exe=/a comm=x", &b, err, sizeof(err)), 0);
                CHECK(!exception_equal(&a, &b));
        }

        /* errors name the word and what was expected */
        CHECK_PARSE_ERROR("", "no condition");
        CHECK_PARSE_ERROR("   \t ", "no condition");
        CHECK_PARSE_ERROR("exe", "unknown condition 'exe' (expected exe=, exec_by=, parent=init, parent_uid=");
        CHECK_PARSE_ERROR("user=1000", "unknown condition 'user=1000'");
        CHECK_PARSE_ERROR("EXE=/x", "unknown condition 'EXE=/x'");
        CHECK_PARSE_ERROR("exe=/a exe=/b", "exe= is given twice");
        CHECK_PARSE_ERROR("exe=", "exe= has no value");
        CHECK_PARSE_ERROR("uid=-1", "uid=-1: expected a numeric user ID");
        CHECK_PARSE_ERROR("uid=4294967295", "uid=4294967295: expected a numeric user ID");
        CHECK_PARSE_ERROR("uid=12x", "expected a numeric user ID");
        CHECK_PARSE_ERROR("uid=+1", "expected a numeric user ID");
        CHECK_PARSE_ERROR("parent_uid=root", "parent_uid=root: expected a numeric user ID");
        CHECK_PARSE_ERROR("parent=1", "parent=1: expected parent=init");
        CHECK_PARSE_ERROR("comm=0123456789abcdef", "expected a process name of at most 15 bytes");
        CHECK_PARSE_ERROR("event=execv", "event=execv: no event named 'execv'");
        CHECK_PARSE_ERROR("event=dup,nope", "event=dup,nope: no event named 'nope'");
        CHECK_PARSE_ERROR("event=dup,", "event=dup,: no event named ''");
        CHECK_PARSE_ERROR("event=,dup", "no event named");
        CHECK_PARSE_ERROR("event=dup,dup,dup,dup,dup,dup,dup,dup,dup", "event= names more than 8 events");
        CHECK_PARSE_ERROR("exe=/a uid=1 bogus", "unknown condition 'bogus'");
        /* a lone backslash at the end would escape the blank that separates it from what follows
         * once written back (found by fuzz_config) */
        CHECK_PARSE_ERROR("exec_by=/usr/bin/x exe=/opt/my\\", "a backslash at the end escapes nothing");
        CHECK_PARSE_ERROR("comm=x\\", "a backslash at the end escapes nothing");
        CHECK_INT(parse("exe=/opt/my\\\\ uid=1"), 0);     /* an escaped one is fine */
        CHECK_STREQ(x.exe, "/opt/my\\\\");
        CHECK_INT(parse("comm=0123456789abcde"), 0);    /* 15 bytes: fits */
        {
                char big[EXCEPTION_TEXT_MAX + 64];

                snprintf(big, sizeof(big), "exe=/%0300d", 0);
                CHECK_PARSE_ERROR(big, "is too long (at most 255 bytes)");
                snprintf(big, sizeof(big), "container=%065d", 0);
                CHECK_PARSE_ERROR(big, "at most 64 bytes");
                memset(big, 'a', sizeof(big) - 1);
                big[sizeof(big) - 1] = 0;
                CHECK_PARSE_ERROR(big, "a condition is longer than");
        }
        /* an error message never overflows a small buffer */
        {
                char small[8];
                Exception y;

                CHECK_INT(exception_parse("bogus", &y, small, sizeof(small)), -EINVAL);
                CHECK(memchr(small, 0, sizeof(small)) != NULL);
                CHECK_INT(exception_parse("bogus", &y, NULL, 0), -EINVAL);
        }
}

/* ------------------------------------------------------------------------------------------------ */
/* matching */

static RecBuilder rb;
static Event ev;

/* A canned event of type id by a process running exe (exec'd by exec_by). */
static void event(uint32_t id, const char *exe, uint8_t exe_flags, const char *exec_by, uint8_t exec_by_flags)
{
        rb_init(&rb, id);
        if (rb_decode(&rb, &ev) != 0)
                abort();
        ev.exe = exe;
        ev.exe_flags = exe_flags;
        ev.exec_by = exec_by;
        ev.exec_by_flags = exec_by_flags;
        ev.container_id = "";
}

static bool holds(const char *text)
{
        if (parse(text) != 0) {
                fprintf(stderr, "test bug: \"%s\" does not parse: %s\n", text, err);
                failures++;
                return false;
        }
        return exception_matches(&x, &ev);
}

#define T PATH_F_TRUSTED_NS

static void test_match(void)
{
        Exception none = {};

        /* each condition alone (ptrace by uid 1000, comm testproc, ns ppid 1, see rb_init) */
        event(101, "/usr/lib/jvm/java-17/bin/java", 0, "/usr/bin/bash", T);
        CHECK(holds("exe=/usr/lib/jvm/**"));
        CHECK(!holds("exe=/usr/lib/jvm/*"));            /* '*' stays in one directory */
        CHECK(holds("exe=/usr/lib/jvm/*/bin/java"));
        CHECK(holds("exec_by=/usr/bin/bash"));
        CHECK(!holds("exec_by=/usr/bin/ba"));
        CHECK(holds("comm=testproc"));
        CHECK(!holds("comm=testpro"));
        CHECK(holds("uid=1000"));
        CHECK(!holds("uid=0"));
        CHECK(holds("event=ptrace"));
        CHECK(!holds("event=sched_process_exec"));
        CHECK(holds("event=dup2,ptrace"));
        CHECK(!holds("event=dup2,dup3"));
        CHECK(!holds("container=c0ffee"));
        ev.container_id = "c0ffee";
        CHECK(holds("container=c0ffee"));
        ev.container_id = NULL;
        CHECK(!holds("container=c0ffee"));
        CHECK(!exception_matches(&none, &ev));          /* no condition: never */

        /* all at once: AND, not OR */
        CHECK(holds("exe=/usr/lib/jvm/** uid=1000"));
        CHECK(!holds("exe=/usr/lib/jvm/** uid=1001"));
        CHECK(!holds("exe=/opt/** uid=1000"));
        CHECK(holds("exe=/usr/lib/jvm/** exec_by=/usr/bin/bash comm=testproc uid=1000 event=ptrace"));
        CHECK(!holds("exe=/usr/lib/jvm/** exec_by=/usr/bin/bash comm=testproc uid=1000 event=dup2"));

        /* a path cut short or unknown never matches a glob, not even "**" */
        event(101, "/usr/lib/jvm/java", PATH_F_TRUNCATED, "/usr/bin/runc", T | PATH_F_TRUNCATED);
        CHECK(!holds("exe=/usr/lib/jvm/**"));
        CHECK(!holds("exe=**"));
        CHECK(!holds("exec_by=/usr/bin/runc"));
        CHECK(!holds("exec_by=**"));
        event(101, NULL, 0, NULL, 0);
        CHECK(!holds("exe=**"));
        CHECK(!holds("exec_by=**"));
        event(101, "", 0, "", T);
        CHECK(!holds("exe=*"));
        CHECK(!holds("exec_by=*"));

        /* exec_by needs a path seen in a trusted mount namespace; exe does not */
        event(101, "/usr/local/bin/x", 0, "/usr/local/bin/runc", 0);
        CHECK(!holds("exec_by=/usr/local/bin/runc"));
        CHECK(holds("exe=/usr/local/bin/x"));
        CHECK(exception_path_matches("/usr/local/bin/runc", "/usr/local/bin/runc", T, true));
        CHECK(!exception_path_matches("/usr/local/bin/runc", "/usr/local/bin/runc", 0, true));
        CHECK(exception_path_matches("/usr/local/bin/runc", "/usr/local/bin/runc", 0, false));

        /* parent=init: the ns parent is 1 and init forked it; an orphan adopted by init is not */
        event(TR_EV_SCHED_PROCESS_EXEC, "/usr/sbin/sshd", 0, "/usr/lib/systemd/systemd", T);
        ev.h.ns_ppid = 1;
        ev.proc_flags = PROC_F_FORK_SEEN | PROC_F_FORKED_BY_INIT;
        CHECK(holds("parent=init"));
        ev.proc_flags = PROC_F_FORK_SEEN;               /* double-forked, reparented to 1 */
        CHECK(!holds("parent=init"));
        ev.proc_flags = 0;                              /* fork not seen */
        CHECK(!holds("parent=init"));
        ev.proc_flags = PROC_F_FORK_SEEN | PROC_F_FORKED_BY_INIT;
        ev.h.ns_ppid = 4000;                            /* forked by init, now another parent? */
        CHECK(!holds("parent=init"));

        /* parent_uid: the uid of the forker, known only if the fork was seen */
        ev.proc_flags = PROC_F_FORK_SEEN;
        ev.fork_uid = 0;
        CHECK(holds("parent_uid=0"));
        CHECK(!holds("parent_uid=1000"));
        ev.proc_flags = 0;
        CHECK(!holds("parent_uid=0"));
}

/* ------------------------------------------------------------------------------------------------ */
/* the rules' default exceptions */

static const Exception *defaults_of(const char *id, unsigned *ret_n)
{
        static Exception d[RULE_MAX_DEFAULT_EXCEPTIONS];
        const Rule *r = rule_by_id(id);
        unsigned n = 0;

        for (; r && n < RULE_MAX_DEFAULT_EXCEPTIONS && r->default_exceptions[n]; n++)
                CHECK_MSG(exception_parse(r->default_exceptions[n], &d[n], err, sizeof(err)) == 0, "%s: \"%s\": %s",
                          id, r->default_exceptions[n], err);
        *ret_n = n;
        return d;
}

static bool any_default(const char *id)
{
        unsigned n;
        const Exception *d = defaults_of(id, &n);

        for (unsigned i = 0; i < n; i++)
                if (exception_matches(&d[i], &ev))
                        return true;
        return false;
}

static void test_defaults(void)
{
        size_t n;
        const Rule *const *all = rules_all(&n);
        unsigned nd;

        /* every rule's defaults parse, within the bound */
        for (size_t i = 0; i < n; i++) {
                (void) defaults_of(all[i]->id, &nd);
                CHECK(all[i]->default_exceptions[RULE_MAX_DEFAULT_EXCEPTIONS] == NULL);
        }
        (void) defaults_of("TRC-1", &nd);
        CHECK_INT(nd, 18);
        (void) defaults_of("TRC-5", &nd);
        CHECK_INT(nd, 4);

        /* TRC-1: a service systemd (PID 1) started with a socket on its stdio, at its exec */
        static const char *const systemds[] = { "/usr/lib/systemd/systemd", "/lib/systemd/systemd",
                                                "/usr/lib/systemd/systemd-executor", "/lib/systemd/systemd-executor" };
        for (unsigned i = 0; i < 4; i++) {
                event(TR_EV_SCHED_PROCESS_EXEC, "/usr/sbin/in.tftpd", 0, systemds[i], T);
                ev.h.ns_ppid = 1;
                ev.proc_flags = PROC_F_FORK_SEEN | PROC_F_FORKED_BY_INIT;
                CHECK_MSG(any_default("TRC-1"), "%s", systemds[i]);
                /* a user's systemd --user runs the same binary, but its children's parent is not init */
                ev.h.ns_ppid = 2345;
                ev.proc_flags = PROC_F_FORK_SEEN;
                CHECK_MSG(!any_default("TRC-1"), "%s as systemd --user", systemds[i]);
                /* ... nor when it was killed and the child adopted by init before the exec */
                ev.h.ns_ppid = 1;
                CHECK_MSG(!any_default("TRC-1"), "%s, orphan", systemds[i]);
                /* the binary at that path in a namespace of its own (a bind mount) */
                ev.proc_flags = PROC_F_FORK_SEEN | PROC_F_FORKED_BY_INIT;
                ev.exec_by_flags = 0;
                CHECK_MSG(!any_default("TRC-1"), "%s, untrusted", systemds[i]);
        }
        /* never for a dup2 or connect made by such a service later: only its exec */
        event(33, "/usr/sbin/in.tftpd", 0, "/usr/lib/systemd/systemd", T);
        ev.h.ns_ppid = 1;
        ev.proc_flags = PROC_F_FORK_SEEN | PROC_F_FORKED_BY_INIT;
        CHECK(!any_default("TRC-1"));
        /* ... but the dup2 systemd's child makes before that exec, still running systemd */
        for (unsigned i = 0; i < 2; i++) {
                event(i ? 292 : 33, systemds[i], 0, systemds[i], T);
                ev.exe_flags = T;
                ev.h.ns_ppid = 1;
                ev.proc_flags = PROC_F_FORK_SEEN | PROC_F_FORKED_BY_INIT;
                CHECK_MSG(any_default("TRC-1"), "dup by %s's child", systemds[i]);
                ev.proc_flags = PROC_F_FORK_SEEN;       /* a child of systemd --user */
                ev.h.ns_ppid = 3456;
                CHECK_MSG(!any_default("TRC-1"), "dup by a child of %s --user", systemds[i]);
        }
        event(72, "/usr/sbin/inetd", 0, "/usr/sbin/inetd", T);
        ev.exe_flags = T;
        ev.proc_flags = PROC_F_FORK_SEEN;
        ev.fork_uid = 0;
        CHECK(any_default("TRC-1"));                    /* root's inetd's child, before its exec */
        ev.fork_uid = 1000;
        CHECK(!any_default("TRC-1"));
        /* a double-forked orphan of a shell: parent 1, but not init's fork, and exec_by a shell */
        event(TR_EV_SCHED_PROCESS_EXEC, "/usr/bin/bash", 0, "/usr/bin/bash", T);
        ev.h.ns_ppid = 1;
        ev.proc_flags = PROC_F_FORK_SEEN;
        CHECK(!any_default("TRC-1"));

        /* inetd-style super-servers, running as root */
        static const char *const inetds[] = { "/usr/sbin/inetd", "/usr/bin/inetd", "/usr/sbin/xinetd", "/usr/bin/xinetd",
                                              "/usr/sbin/inetutils-inetd", "/usr/bin/inetutils-inetd",
                                              "/usr/sbin/tcpd", "/usr/bin/tcpd" };
        for (unsigned i = 0; i < 8; i++) {
                event(TR_EV_SCHED_PROCESS_EXEC, "/usr/sbin/in.telnetd", 0, inetds[i], T);
                ev.h.ns_ppid = 812;
                ev.proc_flags = PROC_F_FORK_SEEN;
                ev.fork_uid = 0;
                CHECK_MSG(any_default("TRC-1"), "%s", inetds[i]);
                /* any user can run inetd or tcpd: then the user forked the server's process */
                ev.fork_uid = 1000;
                CHECK_MSG(!any_default("TRC-1"), "%s run by a user", inetds[i]);
                ev.proc_flags = 0;
                ev.fork_uid = 0;
                CHECK_MSG(!any_default("TRC-1"), "%s, fork not seen", inetds[i]);
        }
        event(TR_EV_SCHED_PROCESS_EXEC, "/bin/sh", 0, "/usr/sbin/inetd2", T);
        ev.proc_flags = PROC_F_FORK_SEEN;
        CHECK(!any_default("TRC-1"));

        /* TRC-5: a memfd executed by runc (trusted, whole), as root */
        event(TR_EV_SCHED_PROCESS_EXEC, "memfd:runc_cloned:/proc/self/exe (deleted)", 0, "/usr/sbin/runc", T);
        ev.h.uid = 0;
        CHECK(any_default("TRC-5"));
        ev.h.uid = 1000;                                /* rootless runc runs a user's programs */
        CHECK(!any_default("TRC-5"));
        ev.h.uid = 0;
        ev.exec_by_flags = T | PATH_F_TRUNCATED;
        CHECK(!any_default("TRC-5"));
        ev.exec_by_flags = 0;
        CHECK(!any_default("TRC-5"));
        event(TR_EV_SCHED_PROCESS_EXEC, "/dev/shm/x", 0, "/usr/sbin/runc", T);
        ev.h.uid = 0;
        CHECK(!any_default("TRC-5"));                   /* not a memfd */
        event(TR_EV_SCHED_PROCESS_EXEC, "/tmp/memfd:x", 0, "/usr/sbin/runc", T);
        ev.h.uid = 0;
        CHECK(!any_default("TRC-5"));
        event(TR_EV_SCHED_PROCESS_EXEC, "memfd:runc", 0, "/home/u/runc", T);
        ev.h.uid = 0;
        CHECK(!any_default("TRC-5"));
        /* rules without defaults */
        CHECK(!any_default("TRC-2") && !any_default("TRC-3") && !any_default("TRC-7"));
}

int main(void)
{
        test_syntax();
        test_match();
        test_defaults();
        return test_exit("test-exception");
}
