/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/filter.c: every form of the --filter grammar, every error and the text of
 * its message, --events lists, and argument-filter matching on canned events.
 */

#undef NDEBUG

#include "record-builder.h"

#include "../../agent/catalog.h"
#include "../../agent/filter.h"

static RecBuilder rb;

/* A fresh filter for each expression list (TraceFilter is large: keep it off the stack). */
static TraceFilter *new_filter(void)
{
        TraceFilter *f = calloc(1, sizeof(*f));

        if (!f)
                abort();
        return f;
}

static void parse_ok_at(int line, TraceFilter *f, const char *expr)
{
        char err[512] = "";
        int r = filter_parse(f, expr, err, sizeof(err));

        if (r != 0) {
                fprintf(stderr, "%s:%d: filter_parse(\"%s\") = %d: %s\n", __FILE__, line, expr, r, err);
                failures++;
        }
}
#define PARSE_OK(f, expr) parse_ok_at(__LINE__, (f), (expr))

/* The expression must fail with -EINVAL and a message holding every one of the given parts. */
static void parse_err_at(int line, TraceFilter *f, const char *expr, const char *const *parts)
{
        char err[512];
        int r;

        memset(err, 0, sizeof(err));
        r = filter_parse(f, expr, err, sizeof(err));
        if (r != -EINVAL) {
                fprintf(stderr, "%s:%d: filter_parse(\"%s\") = %d, expected -EINVAL\n", __FILE__, line, expr, r);
                failures++;
                return;
        }
        if (!*err || strchr(err, '\n')) {
                fprintf(stderr, "%s:%d: filter_parse(\"%s\"): message empty or not one line: \"%s\"\n", __FILE__,
                        line, expr, err);
                failures++;
        }
        for (size_t i = 0; parts[i]; i++)
                if (!strstr(err, parts[i])) {
                        fprintf(stderr, "%s:%d: filter_parse(\"%s\"): message \"%s\" lacks \"%s\"\n", __FILE__, line,
                                expr, err, parts[i]);
                        failures++;
                }
}
#define PARSE_ERR(f, expr, ...) parse_err_at(__LINE__, (f), (expr), (const char *const[]){ __VA_ARGS__, NULL })

static void test_context_forms(void)
{
        TraceFilter *f = new_filter();

        PARSE_OK(f, "comm=bash,zsh");
        CHECK(f->k.flags == TR_FILT_COMM);
        CHECK_INT(f->k.n_comms, 2);
        CHECK_STREQ(f->k.comms[0], "bash");
        CHECK_STREQ(f->k.comms[1], "zsh");
        PARSE_OK(f, "comm=123456789012345");    /* exactly 15 */
        CHECK_INT(f->k.n_comms, 3);
        PARSE_OK(f, "pid=1,22,4294967295");
        CHECK(f->k.flags & TR_FILT_PID);
        CHECK(!(f->k.flags & TR_FILT_NOT_PID));
        CHECK_INT(f->k.n_pids, 3);
        CHECK(f->k.pids[0] == 1 && f->k.pids[1] == 22 && f->k.pids[2] == 4294967295u);
        PARSE_OK(f, "pid=7");                   /* adds to the same list */
        CHECK_INT(f->k.n_pids, 4);
        PARSE_OK(f, "uid=0");
        CHECK(f->k.flags & TR_FILT_UID);
        CHECK(f->k.n_uids == 1 && f->k.uids[0] == 0);
        PARSE_OK(f, "mntns=4026531841");
        CHECK(f->k.flags & TR_FILT_MNTNS);
        CHECK(f->k.n_mntns == 1 && f->k.mntns[0] == 4026531841u);
        PARSE_OK(f, "pidns=4026531836,5");
        CHECK(f->k.flags & TR_FILT_PIDNS);
        CHECK(f->k.n_pidns == 2 && f->k.pidns[1] == 5);
        PARSE_OK(f, "pid=1,,2");                /* empty items are skipped */
        CHECK_INT(f->k.n_pids, 6);
        CHECK(!(f->k.flags & (TR_FILT_NOT_PID | TR_FILT_NOT_COMM | TR_FILT_NOT_UID | TR_FILT_NOT_MNTNS |
                              TR_FILT_NOT_PIDNS | TR_FILT_CONTAINER | TR_FILT_HOST)));
        free(f);

        f = new_filter();
        PARSE_OK(f, "comm!=sshd");
        CHECK(f->k.flags == (TR_FILT_COMM | TR_FILT_NOT_COMM));
        PARSE_OK(f, "pid!=1");
        CHECK(f->k.flags & TR_FILT_NOT_PID);
        PARSE_OK(f, "uid!=0,1");
        CHECK(f->k.flags & TR_FILT_NOT_UID);
        CHECK_INT(f->k.n_uids, 2);
        PARSE_OK(f, "mntns!=1");
        CHECK(f->k.flags & TR_FILT_NOT_MNTNS);
        PARSE_OK(f, "pidns!=1");
        CHECK(f->k.flags & TR_FILT_NOT_PIDNS);
        free(f);

        f = new_filter();
        PARSE_OK(f, "container");
        CHECK(f->k.flags == TR_FILT_CONTAINER);
        PARSE_OK(f, "container");               /* twice is fine */
        PARSE_OK(f, "!host");
        CHECK(f->k.flags == TR_FILT_CONTAINER);
        free(f);
        f = new_filter();
        PARSE_OK(f, "host");
        CHECK(f->k.flags == TR_FILT_HOST);
        PARSE_OK(f, "!container");
        CHECK(f->k.flags == TR_FILT_HOST);
        free(f);
}

static void test_arg_forms(void)
{
        TraceFilter *f = new_filter();

        PARSE_OK(f, "openat.pathname=/etc/*,*.so");
        CHECK_INT(f->n_args, 1);
        CHECK(f->args[0].event_id == 257 && f->args[0].arg_pos == 1 && f->args[0].op == ARGOP_EQ);
        CHECK_INT(f->args[0].n_values, 2);
        CHECK_STREQ(f->args[0].values[0], "/etc/*");
        CHECK_STREQ(f->args[0].values[1], "*.so");
        PARSE_OK(f, "openat.flags!=O_RDONLY*");
        CHECK(f->args[1].op == ARGOP_NE && f->args[1].arg_pos == 2);
        PARSE_OK(f, "openat.retval=3");
        CHECK(f->args[2].arg_pos == -1 && f->args[2].op == ARGOP_EQ);
        PARSE_OK(f, "openat.retval<0");
        CHECK(f->args[3].op == ARGOP_LT);
        PARSE_OK(f, "openat.retval>-5");
        CHECK(f->args[4].op == ARGOP_GT);
        PARSE_OK(f, "openat.retval!=-2,-13");
        CHECK(f->args[5].op == ARGOP_NE && f->args[5].n_values == 2);
        PARSE_OK(f, "sched_process_exec.env=LD_PRELOAD=*");     /* '=' in the value */
        CHECK_STREQ(f->args[6].values[0], "LD_PRELOAD=*");
        PARSE_OK(f, "mprotect.prev_prot=PROT_READ*");
        CHECK(f->args[7].arg_pos == 3);
        CHECK_INT(f->n_args, 8);
        CHECK(f->k.flags == 0);
        free(f);
}

static void test_errors(void)
{
        TraceFilter *f = new_filter();
        char expr[1200];

        /* near misses get a suggestion */
        PARSE_ERR(f, "pidd=1", "filter 'pidd=1'", "unknown field 'pidd'", "did you mean 'pid'?");
        PARSE_ERR(f, "comn=bash", "unknown field 'comn'", "did you mean 'comm'?");
        PARSE_ERR(f, "uuid=0", "unknown field 'uuid'", "did you mean 'uid'?");
        PARSE_ERR(f, "contaner", "expected FIELD=VALUE, container or host", "did you mean 'container'?");
        PARSE_ERR(f, "hots", "did you mean 'host'?");
        PARSE_ERR(f, "opnat.pathname=/x", "unknown event 'opnat'", "did you mean 'openat'?");
        PARSE_ERR(f, "exceve.argv=x", "unknown event 'exceve'", "did you mean 'execve'?");
        /* far misses do not */
        PARSE_ERR(f, "frobnicate=1", "unknown field 'frobnicate'", "fields: comm, pid");
        {
                char err[512];

                CHECK(filter_parse(f, "frobnicate=1", err, sizeof(err)) == -EINVAL && !strstr(err, "did you mean"));
                CHECK(filter_parse(f, "zzzzzzzzzz.x=1", err, sizeof(err)) == -EINVAL && !strstr(err, "did you mean"));
                CHECK(filter_parse(f, "qwertyuiop", err, sizeof(err)) == -EINVAL && !strstr(err, "did you mean"));
        }
        PARSE_ERR(f, "=1", "expected FIELD=VALUE");
        PARSE_ERR(f, "", "expected FIELD=VALUE");
        PARSE_ERR(f, "!=1", "expected FIELD=VALUE");
        PARSE_ERR(f, "comm!bash", "bad operator at '!bash'");
        /* values */
        PARSE_ERR(f, "pid=", "pid needs a value");
        PARSE_ERR(f, "pid=,", "pid needs a value");
        PARSE_ERR(f, "uid=,,,", "uid needs a value");
        PARSE_ERR(f, "pid=abc", "'abc' is not a valid pid");
        PARSE_ERR(f, "pid=-1", "'-1' is not a valid pid");
        PARSE_ERR(f, "pid=1,2x", "'2x' is not a valid pid");
        PARSE_ERR(f, "uid=4294967296", "'4294967296' is not a valid uid");
        PARSE_ERR(f, "mntns=99999999999999999999999", "is not a valid mntns");
        PARSE_ERR(f, "pidns=0x10", "'0x10' is not a valid pidns");
        PARSE_ERR(f, "comm=", "comm needs a value");
        PARSE_ERR(f, "comm=,", "comm needs a value");
        PARSE_ERR(f, "comm=averyveryverylongname", "comm 'averyveryverylongname' is longer than the kernel's "
                                                   "15 characters");
        PARSE_ERR(f, "pid<3", "< and > work only on EVENT.retval");
        PARSE_ERR(f, "uid>0", "< and > work only on EVENT.retval");
        /* argument filters */
        PARSE_ERR(f, "openat.path=/x", "event openat has no argument 'path'; it has: retval, dirfd, pathname, "
                                       "flags, mode");
        PARSE_ERR(f, "openat.pathname</x", "< and > work only on retval");
        PARSE_ERR(f, "openat.retval=abc", "retval takes an integer, not 'abc'");
        PARSE_ERR(f, "openat.retval<1x", "retval takes an integer, not '1x'");
        PARSE_ERR(f, "openat.retval=99999999999999999999", "retval takes an integer");
        PARSE_ERR(f, "openat.pathname=", "a value is needed after the operator");
        PARSE_ERR(f, "openat.pathname=,,", "a value is needed after the operator");
        PARSE_ERR(f, "openat.pathname=1,2,3,4,5,6,7,8,9", "at most 8 values of at most 255 bytes");
        CHECK_INT(f->n_args, 0);        /* nothing half-added */
        PARSE_ERR(f, ".pathname=/x", "unknown event ''");
        /* too long parts */
        memset(expr, 'a', 200);
        strcpy(expr + 200, "=1");
        PARSE_ERR(f, expr, "field name too long");
        memset(expr, 'a', 100);
        strcpy(expr + 100, ".x=1");
        PARSE_ERR(f, expr, "is too long");
        strcpy(expr, "openat.pathname=");
        memset(expr + 16, 'v', 300);
        expr[316] = 0;
        PARSE_ERR(f, expr, "at most 8 values of at most 255 bytes");
        strcpy(expr, "pid=");
        memset(expr + 4, '1', 1100);
        expr[1104] = 0;
        /* Known issue (reported): every message starts by quoting the whole expression, so for an
         * expression this long the explanation is cut off in a 512-byte buffer (the one `tracee
         * trace` uses). Only the start of the message is checked here. */
        PARSE_ERR(f, expr, "filter 'pid=111");
        free(f);

        /* mixing = and != on one field; container with host */
        f = new_filter();
        PARSE_OK(f, "pid=1");
        PARSE_ERR(f, "pid!=2", "cannot mix = and != for the same field");
        PARSE_OK(f, "comm!=a");
        PARSE_ERR(f, "comm=b", "cannot mix = and !=");
        PARSE_OK(f, "container");
        PARSE_ERR(f, "host", "container and host together match nothing");
        PARSE_ERR(f, "!container", "container and host together match nothing");
        free(f);
        f = new_filter();
        PARSE_OK(f, "!container");
        PARSE_ERR(f, "container", "match nothing");
        PARSE_ERR(f, "!host", "match nothing");
        free(f);

        /* too many values / filters */
        f = new_filter();
        {
                size_t o = (size_t) snprintf(expr, sizeof(expr), "pid=1");

                for (int i = 2; i <= 65; i++)
                        o += (size_t) snprintf(expr + o, sizeof(expr) - o, ",%d", i);
                PARSE_ERR(f, expr, "too many values for pid (at most 64)");
        }
        free(f);
        f = new_filter();
        for (int i = 0; i < ARGFILTER_MAX; i++)
                PARSE_OK(f, "openat.retval=0");
        PARSE_ERR(f, "openat.retval=0", "too many argument filters (at most 32)");
        CHECK_INT(f->n_args, ARGFILTER_MAX);
        free(f);
        f = new_filter();
        {
                size_t o = (size_t) snprintf(expr, sizeof(expr), "comm=c0");

                for (int i = 1; i <= 64; i++)
                        o += (size_t) snprintf(expr + o, sizeof(expr) - o, ",c%d", i);
                PARSE_ERR(f, expr, "too many comm values (at most 64)");
        }
        free(f);

        /* a tiny error buffer is never overrun */
        f = new_filter();
        {
                char *small = malloc(8);

                CHECK(filter_parse(f, "openat.nosuch=1", small, 8) == -EINVAL);
                CHECK(strlen(small) == 7);
                CHECK(filter_parse(f, "pidd=1", small, 8) == -EINVAL && strlen(small) == 7);
                free(small);
        }
        free(f);
}

static void test_events_parse(void)
{
        bool *want = calloc(TR_MAX_EVENT_ID, sizeof(bool));
        char err[512];
        size_t n, count = 0;
        const EventDef *all = catalog_all(&n);

        CHECK_INT(events_parse("execve,openat", want, err, sizeof(err)), 0);
        for (unsigned i = 0; i < TR_MAX_EVENT_ID; i++)
                count += want[i];
        CHECK(want[59] && want[257] && count == 2);

        memset(want, 0, TR_MAX_EVENT_ID);
        CHECK_INT(events_parse("network", want, err, sizeof(err)), 0);
        CHECK(want[42] && want[49] && want[41] && want[33]);    /* connect, bind, socket, dup2 */
        CHECK(!want[59] && !want[257]);
        for (size_t i = 0; i < n; i++)
                CHECK(want[all[i].id] == !!(all[i].sets & EVSET_NETWORK));

        memset(want, 0, TR_MAX_EVENT_ID);
        CHECK_INT(events_parse("module,ptrace,sched_process_exec", want, err, sizeof(err)), 0);
        CHECK(want[175] && want[313] && want[321] && want[101] && want[TR_EV_SCHED_PROCESS_EXEC]);
        CHECK(!want[TR_EV_SCHED_PROCESS_FORK]);

        memset(want, 0, TR_MAX_EVENT_ID);
        CHECK_INT(events_parse("all", want, err, sizeof(err)), 0);
        for (size_t i = 0; i < n; i++)
                CHECK(want[all[i].id]);
        count = 0;
        for (unsigned i = 0; i < TR_MAX_EVENT_ID; i++)
                count += want[i];
        CHECK_INT(count, n);
        memset(want, 0, TR_MAX_EVENT_ID);
        CHECK_INT(events_parse("*", want, err, sizeof(err)), 0);
        CHECK(want[59] && want[TR_EV_SCHED_PROCESS_EXIT]);

        memset(want, 0, TR_MAX_EVENT_ID);
        CHECK_INT(events_parse("exceve", want, err, sizeof(err)), -EINVAL);
        CHECK_STREQ(err, "unknown event 'exceve' (did you mean 'execve'?); see 'tracee trace --list-events'");
        CHECK_INT(events_parse("execve,netwrk", want, err, sizeof(err)), -EINVAL);
        CHECK_CONTAINS(err, "unknown event 'netwrk' (did you mean 'network'?)");
        CHECK_INT(events_parse("xyzzyplugh", want, err, sizeof(err)), -EINVAL);
        CHECK_STREQ(err, "unknown event 'xyzzyplugh'; see 'tracee trace --list-events'");
        CHECK_INT(events_parse("", want, err, sizeof(err)), -EINVAL);
        CHECK_CONTAINS(err, "--events needs a list");
        CHECK_INT(events_parse(NULL, want, err, sizeof(err)), -EINVAL);
        CHECK_INT(events_parse("ALL", want, err, sizeof(err)), -EINVAL);  /* names are case-sensitive */
        {
                char *big = malloc(5000);

                memset(big, 'a', 4999);
                big[4999] = 0;
                CHECK_INT(events_parse(big, want, err, sizeof(err)), -EINVAL);
                CHECK_CONTAINS(err, "too long");
                free(big);
        }
        CHECK_STREQ(event_closest_name("opnat"), "openat");
        CHECK_STREQ(event_closest_name("memroy"), "memory");
        CHECK(event_closest_name("qqqqqqqqqqqqqqqqq") == NULL);
        CHECK(event_closest_name("") == NULL || strlen(event_closest_name("")) <= 3);
        free(want);
}

/* openat(dirfd, path, flags) returning ret */
static void build_openat(const char *path, int64_t flags, int64_t ret)
{
        rb_init(&rb, 257);
        rb.h.retval = ret;
        rb_int(&rb, 0, -100);
        rb_str(&rb, 1, path);
        rb_int(&rb, 2, flags);
        rb_int(&rb, 3, 0644);
}

static bool match_one(const char *expr, const Event *e)
{
        TraceFilter *f = new_filter();
        char err[512];
        bool m;

        if (filter_parse(f, expr, err, sizeof(err)) != 0) {
                fprintf(stderr, "filter \"%s\" does not parse: %s\n", expr, err);
                failures++;
        }
        m = filter_match_args(f, e);
        free(f);
        return m;
}

static void test_match(void)
{
        Event e, other;
        RecBuilder *orb = calloc(1, sizeof(RecBuilder));

        /* another event type is never affected by openat's filters */
        rb_init(orb, 2);
        rb_str(orb, 0, "/tmp/x");
        rb_int(orb, 1, 0);
        CHECK_INT(rb_decode(orb, &other), 0);

        build_openat("/etc/passwd", 01 | 0100, 3);      /* O_WRONLY|O_CREAT */
        CHECK_INT(rb_decode(&rb, &e), 0);

        CHECK(match_one("openat.pathname=/etc/*", &e));
        CHECK(match_one("openat.pathname=*passwd", &e));
        CHECK(match_one("openat.pathname=/etc/passwd", &e));
        CHECK(match_one("openat.pathname=/tmp/*,/etc/p?sswd", &e));
        CHECK(!match_one("openat.pathname=/tmp/*", &e));
        CHECK(!match_one("openat.pathname=/etc", &e));
        CHECK(match_one("openat.pathname!=/tmp/*", &e));
        CHECK(!match_one("openat.pathname!=/etc/*", &e));
        CHECK(!match_one("openat.pathname!=/tmp/*,/etc/*", &e));
        CHECK(match_one("openat.pathname=/tmp/*", &other));

        /* symbolic flags, and numbers */
        CHECK(match_one("openat.flags=O_WRONLY*", &e));
        CHECK(match_one("openat.flags=*O_CREAT*", &e));
        CHECK(match_one("openat.flags=O_WRONLY|O_CREAT", &e));
        CHECK(!match_one("openat.flags=O_RDONLY*", &e));
        CHECK(!match_one("openat.flags=O_WRONLY", &e));
        CHECK(match_one("openat.flags=65", &e));
        CHECK(match_one("openat.flags=0101", &e));     /* C octal */
        CHECK(match_one("openat.flags=0x41", &e));
        CHECK(!match_one("openat.flags=64", &e));
        CHECK(!match_one("openat.flags=65x", &e));
        CHECK(match_one("openat.flags!=O_RDONLY*", &e));
        CHECK(match_one("openat.dirfd=AT_FDCWD", &e));
        CHECK(match_one("openat.dirfd=-100", &e));
        CHECK(!match_one("openat.dirfd=100", &e));
        CHECK(match_one("openat.mode=0644", &e));
        CHECK(match_one("openat.mode=420", &e));

        /* return value */
        CHECK(match_one("openat.retval=3", &e));
        CHECK(match_one("openat.retval=1,3", &e));
        CHECK(!match_one("openat.retval=4", &e));
        CHECK(match_one("openat.retval>0", &e));
        CHECK(match_one("openat.retval>2", &e));
        CHECK(!match_one("openat.retval>3", &e));
        CHECK(match_one("openat.retval<4", &e));
        CHECK(!match_one("openat.retval<3", &e));
        CHECK(!match_one("openat.retval<0", &e));
        CHECK(match_one("openat.retval!=2", &e));
        CHECK(!match_one("openat.retval!=3", &e));
        CHECK(!match_one("openat.retval!=2,3", &e));

        build_openat("/etc/shadow", 0, -13);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(match_one("openat.retval<0", &e));
        CHECK(match_one("openat.retval=-13", &e));
        CHECK(!match_one("openat.retval>-13", &e));
        CHECK(match_one("openat.flags=O_RDONLY", &e));
        CHECK(!match_one("openat.flags=O_WRONLY*", &e));

        /* several filters are ANDed */
        {
                TraceFilter *f = new_filter();
                char err[256];

                CHECK(filter_parse(f, "openat.pathname=/etc/*", err, sizeof(err)) == 0);
                CHECK(filter_parse(f, "openat.retval<0", err, sizeof(err)) == 0);
                CHECK(filter_match_args(f, &e));
                CHECK(filter_parse(f, "openat.flags=O_WRONLY*", err, sizeof(err)) == 0);
                CHECK(!filter_match_args(f, &e));
                CHECK(filter_match_args(f, &other));
                free(f);
        }

        /* an argument missing from the event: = fails, != passes */
        rb_init(&rb, 257);
        rb_int(&rb, 2, 0);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(!match_one("openat.pathname=*", &e));
        CHECK(match_one("openat.pathname!=/etc/*", &e));
        /* or present with the wrong wire type (not trusted by name) */
        rb_init(&rb, 257);
        rb_int(&rb, 1, 5);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(!match_one("openat.pathname=*", &e));

        /* a string with a NUL is matched up to the NUL */
        rb_init(&rb, 257);
        rb_strn(&rb, 1, "/tmp/a\0/etc/passwd", 18);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(match_one("openat.pathname=/tmp/a", &e));
        CHECK(!match_one("openat.pathname=*passwd", &e));

        /* strarr values: the bracketed text form */
        {
                static const char *const env[] = { "HOME=/root", "LD_PRELOAD=/tmp/evil.so", NULL };

                rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
                rb_strarr(&rb, 4, env);
                CHECK_INT(rb_decode(&rb, &e), 0);
                CHECK(match_one("sched_process_exec.env=*LD_PRELOAD=*", &e));
                CHECK(!match_one("sched_process_exec.env=*LD_AUDIT=*", &e));
        }

        /* no filters: everything passes */
        {
                TraceFilter *f = new_filter();

                CHECK(filter_match_args(f, &e));
                free(f);
        }
        free(orb);
}

int main(void)
{
        test_context_forms();
        test_arg_forms();
        test_errors();
        test_events_parse();
        test_match();
        return test_exit("test-filter");
}
