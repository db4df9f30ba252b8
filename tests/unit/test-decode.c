/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/decode.c: well-formed records of several events, and malformed ones (cut
 * short at every length, lying size and length fields, bad argument types and lengths, too many
 * arguments, random corruption). Records that are cut or corrupted are decoded from exactly sized
 * heap copies, so that under ASan any read past the end is caught.
 */

#undef NDEBUG

#include "record-builder.h"

#include "../../agent/catalog.h"
#include "../../agent/decode.h"

static RecBuilder rb;

/* Every argument's payload lies inside [rec, rec + len). */
static bool args_inside(const Event *e, const void *rec, size_t len)
{
        const uint8_t *lo = rec, *hi = lo + len;

        for (unsigned i = 0; i < e->nargs; i++) {
                const EventArg *a = &e->args[i];

                if (a->data < lo || a->data > hi || (size_t) (hi - a->data) < a->len)
                        return false;
        }
        return true;
}

/* Decoding every prefix of a valid record (0 .. len-1 bytes) must fail with -EBADMSG without
 * reading out of bounds; the full record must decode. */
static void check_all_prefixes(const char *what, const uint8_t *rec, size_t len)
{
        Event e;
        void *copy;
        int r;

        for (size_t n = 0; n < len; n++) {
                r = decode_exact(rec, n, &e, &copy);
                CHECK_MSG(r == -EBADMSG, "%s cut to %zu of %zu bytes: got %d", what, n, len, r);
                free(copy);
        }
        r = decode_exact(rec, len, &e, &copy);
        CHECK_MSG(r == 0, "%s full: got %d", what, r);
        free(copy);
        /* NULL record */
        CHECK_INT(event_decode(NULL, len, &e), -EBADMSG);
}

static void test_execve(void)
{
        static const char *const argv[] = { "/bin/sh", "-c", "echo hi", NULL };
        static const char *const envp[] = { "PATH=/usr/bin", "HOME=/root", "", NULL };
        const EventArg *a;
        Event e;
        size_t pos = 0, l;
        const char *s;
        char buf[64];
        unsigned n = 0;

        rb_init(&rb, 59);
        rb.h.retval = 0;
        rb_str(&rb, 0, "/bin/sh");
        rb_strarr(&rb, 1, argv);
        rb_strarr(&rb, 2, envp);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(e.def && strcmp(e.def->name, "execve") == 0);
        CHECK_INT(e.nargs, 3);
        CHECK_INT(e.h.pid, 4242);
        CHECK_INT(e.h.uid, 1000);
        CHECK_INT(e.h.size, rb.len);
        CHECK_STREQ(e.h.comm, "testproc");
        CHECK(e.exe == NULL && e.container_id == NULL && e.hostname == NULL && e.wall_ns == 0);
        CHECK(event_arg_str(&e, "pathname", buf, sizeof(buf)));
        CHECK_STREQ(buf, "/bin/sh");

        a = event_arg(&e, "argv");
        CHECK(a && a->type == TR_ARG_STRARR && !a->truncated && a->def && a->def->idx == 1);
        while (a && strarr_next(a, &pos, &s, &l)) {
                CHECK(n < 3);
                if (n < 3)
                        CHECK(l == strlen(argv[n]) && memcmp(s, argv[n], l) == 0);
                n++;
        }
        CHECK_INT(n, 3);
        CHECK(a == event_arg_idx(&e, 1));

        a = event_arg(&e, "envp");
        pos = 0;
        n = 0;
        while (a && strarr_next(a, &pos, &s, &l)) {
                if (n < 3)
                        CHECK(l == strlen(envp[n]) && memcmp(s, envp[n], l) == 0);
                n++;
        }
        CHECK_INT(n, 3);        /* the empty string counts */

        /* strarr_next on a non-strarr argument or NULL is the end */
        pos = 0;
        CHECK(!strarr_next(event_arg(&e, "pathname"), &pos, &s, &l));
        CHECK(!strarr_next(NULL, &pos, &s, &l));
        CHECK(event_arg(&e, "nosuch") == NULL);
        CHECK(event_arg_idx(&e, 5) == NULL);
        {
                int64_t v;

                CHECK(!event_arg_int(&e, "pathname", &v));  /* not an integer */
                CHECK(!event_arg_str(&e, "argv", buf, sizeof(buf)));  /* not a string */
        }
        check_all_prefixes("execve", rb.buf, rb.len);
}

static void test_openat(void)
{
        Event e;
        char buf[64];
        int64_t v;

        rb_init(&rb, 257);
        rb.h.retval = 3;
        rb_int(&rb, 0, -100);
        rb_str(&rb, 1, "/etc/passwd");
        rb_int(&rb, 2, 0101);  /* O_WRONLY|O_CREAT */
        rb_int(&rb, 3, 0644);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(e.def && strcmp(e.def->name, "openat") == 0);
        CHECK_INT(e.h.retval, 3);
        CHECK(event_arg_int(&e, "dirfd", &v) && v == -100);
        CHECK(event_arg_int(&e, "flags", &v) && v == 0101);
        CHECK(event_arg_int(&e, "mode", &v) && v == 0644);
        CHECK(event_arg_str(&e, "pathname", buf, sizeof(buf)));
        CHECK_STREQ(buf, "/etc/passwd");
        /* bounded copies */
        CHECK(event_arg_str(&e, "pathname", buf, 5));
        CHECK_STREQ(buf, "/etc");
        CHECK(event_arg_str(&e, "pathname", buf, 1));
        CHECK_STREQ(buf, "");
        CHECK(!event_arg_str(&e, "pathname", buf, 0));
        CHECK(!event_arg_str(&e, "nosuch", buf, sizeof(buf)));
        CHECK(!event_arg_int(&e, "nosuch", &v));
        check_all_prefixes("openat", rb.buf, rb.len);
}

static void test_connect(void)
{
        Event e;
        const EventArg *a;
        int64_t v;
        struct sockaddr_in sin;
        struct tr_fdinfo fi = fdinfo_inet("", 0), got;

        rb_init(&rb, 42);
        rb.h.retval = -115;
        rb_int(&rb, 0, 1);
        rb_sockaddr_in(&rb, 1, "192.0.2.7", 4444);
        rb_int(&rb, 2, sizeof(struct sockaddr_in));
        rb_fdinfo(&rb, 8, &fi);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(event_arg_int(&e, "sockfd", &v) && v == 1);
        a = event_arg(&e, "addr");
        CHECK(a && a->type == TR_ARG_SOCKADDR && a->len == sizeof(sin));
        if (a && a->len == sizeof(sin)) {
                memcpy(&sin, a->data, sizeof(sin));
                CHECK(sin.sin_family == AF_INET && ntohs(sin.sin_port) == 4444);
                CHECK(ntohl(sin.sin_addr.s_addr) == 0xc0000207u);
        }
        a = event_arg(&e, "sockfd_info");
        CHECK(a && a->type == TR_ARG_FDINFO && a->len == sizeof(got));
        if (a) {
                memcpy(&got, a->data, sizeof(got));
                CHECK(got.kind == TR_FD_SOCKET && got.family == AF_INET && got.lport == 40000);
        }
        CHECK_INT(e.h.retval, -115);
        check_all_prefixes("connect", rb.buf, rb.len);
}

static void test_dup2(void)
{
        Event e;
        const EventArg *a;
        struct tr_fdinfo fi = fdinfo_inet("203.0.113.9", 8080), got;
        int64_t v;

        rb_init(&rb, 33);
        rb.h.retval = 1;
        rb_int(&rb, 0, 5);
        rb_int(&rb, 1, 1);
        rb_fdinfo(&rb, 8, &fi);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(event_arg_int(&e, "oldfd", &v) && v == 5);
        CHECK(event_arg_int(&e, "newfd", &v) && v == 1);
        a = event_arg(&e, "oldfd_info");
        CHECK(a && a->idx == 8 && a->type == TR_ARG_FDINFO);
        if (a) {
                memcpy(&got, a->data, sizeof(got));
                CHECK(memcmp(&got, &fi, sizeof(fi)) == 0);
        }
        check_all_prefixes("dup2", rb.buf, rb.len);
}

static void test_mprotect(void)
{
        Event e;
        int64_t v;

        rb_init(&rb, 10);
        rb_int(&rb, 0, 0x7f0000001000);
        rb_int(&rb, 1, 4096);
        rb_int(&rb, 2, 5);      /* PROT_READ|PROT_EXEC */
        rb_int(&rb, 7, 3);      /* VM_READ|VM_WRITE */
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(event_arg_int(&e, "addr", &v) && v == 0x7f0000001000);
        CHECK(event_arg_int(&e, "len", &v) && v == 4096);
        CHECK(event_arg_int(&e, "prot", &v) && v == 5);
        CHECK(event_arg_int(&e, "prev_prot", &v) && v == 3);
        CHECK(event_arg_idx(&e, 7) && event_arg_idx(&e, 7)->def &&
              strcmp(event_arg_idx(&e, 7)->def->name, "prev_prot") == 0);
        check_all_prefixes("mprotect", rb.buf, rb.len);
}

static void test_sched_and_no_args(void)
{
        Event e;
        int64_t v;

        /* an event with no arguments at all is fine */
        rb_init(&rb, TR_EV_SCHED_PROCESS_EXIT);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK_INT(e.nargs, 0);
        CHECK(!event_arg_int(&e, "exit_code", &v));

        rb_init(&rb, TR_EV_SCHED_PROCESS_FORK);
        rb_int(&rb, 0, 777);
        rb_int(&rb, 1, 99);
        rb_int(&rb, 2, 1);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(event_arg_int(&e, "child_pid", &v) && v == 777);
        CHECK(event_arg_int(&e, "child_ns_pid", &v) && v == 1);
}

static void test_size_field(void)
{
        Event e;
        void *copy;
        size_t len;
        uint8_t big[512];

        rb_init(&rb, 257);
        rb_int(&rb, 0, -100);
        rb_str(&rb, 1, "/x");
        len = rb_finish(&rb);

        /* size larger than what was received */
        rb_patch_size(&rb, (uint32_t) len + 1);
        CHECK_INT(decode_exact(rb.buf, len, &e, &copy), -EBADMSG);
        free(copy);
        rb_patch_size(&rb, UINT32_MAX);
        CHECK_INT(decode_exact(rb.buf, len, &e, &copy), -EBADMSG);
        free(copy);

        /* size smaller than what was received: the record and its length disagree */
        rb_patch_size(&rb, (uint32_t) len - 1);
        CHECK_INT(decode_exact(rb.buf, len, &e, &copy), -EBADMSG);
        free(copy);
        rb_patch_size(&rb, (uint32_t) len);
        CHECK(len + 16 <= sizeof(big));
        memcpy(big, rb.buf, len);
        memset(big + len, 0xee, 16);
        CHECK_INT(decode_exact(big, len + 16, &e, &copy), -EBADMSG);
        free(copy);

        /* size smaller than a header */
        rb_patch_size(&rb, sizeof(struct tr_event_hdr) - 1);
        CHECK_INT(decode_exact(rb.buf, len, &e, &copy), -EBADMSG);
        free(copy);
        rb_patch_size(&rb, 0);
        CHECK_INT(decode_exact(rb.buf, len, &e, &copy), -EBADMSG);
        free(copy);

        /* exact */
        rb_patch_size(&rb, (uint32_t) len);
        CHECK_INT(decode_exact(rb.buf, len, &e, &copy), 0);
        free(copy);

        /* nargs larger than the arguments present: the next tr_arg runs past the end */
        rb_patch_nargs(&rb, 3);
        CHECK_INT(decode_exact(rb.buf, len, &e, &copy), -EBADMSG);
        free(copy);
        rb_patch_nargs(&rb, UINT16_MAX);
        CHECK_INT(decode_exact(rb.buf, len, &e, &copy), -EBADMSG);
        free(copy);
}

static void test_bad_args(void)
{
        Event e;
        void *copy;

        /* an argument whose len runs past the end of the record */
        rb_init(&rb, 257);
        rb_int(&rb, 0, -100);
        rb_arg_raw(&rb, 1, TR_ARG_STR, 100, "/etc", 4);
        rb_finish(&rb);
        CHECK_INT(decode_exact(rb.buf, rb.len, &e, &copy), -EBADMSG);
        free(copy);

        /* len 0xffff */
        rb_init(&rb, 257);
        rb_arg_raw(&rb, 1, TR_ARG_STR, 0xffff, "/etc", 4);
        rb_finish(&rb);
        CHECK_INT(decode_exact(rb.buf, rb.len, &e, &copy), -EBADMSG);
        free(copy);

        /* a tr_arg header cut in half */
        rb_init(&rb, 257);
        rb_int(&rb, 0, -100);
        rb_finish(&rb);
        rb_patch_nargs(&rb, 2);
        memcpy(rb.buf + rb.len, "\x01\x02", 2);
        rb.h.size = (uint32_t) rb.len + 2;
        rb_patch_size(&rb, (uint32_t) rb.len + 2);
        CHECK_INT(decode_exact(rb.buf, rb.len + 2, &e, &copy), -EBADMSG);
        free(copy);

        /* integers must be 8 bytes */
        for (uint16_t l = 0; l <= 16; l++) {
                if (l == 8)
                        continue;
                rb_init(&rb, 257);
                rb_arg(&rb, 2, TR_ARG_INT, "0123456789abcdef", l);
                rb_finish(&rb);
                CHECK_MSG(decode_exact(rb.buf, rb.len, &e, &copy) == -EBADMSG, "int of %u bytes", l);
                free(copy);
        }
        /* fdinfo must be sizeof(struct tr_fdinfo) */
        {
                uint8_t fi[sizeof(struct tr_fdinfo) + 1] = {};

                rb_init(&rb, 33);
                rb_arg(&rb, 8, TR_ARG_FDINFO, fi, sizeof(struct tr_fdinfo) - 1);
                rb_finish(&rb);
                CHECK_INT(decode_exact(rb.buf, rb.len, &e, &copy), -EBADMSG);
                free(copy);
                rb_init(&rb, 33);
                rb_arg(&rb, 8, TR_ARG_FDINFO, fi, sizeof(struct tr_fdinfo) + 1);
                rb_finish(&rb);
                CHECK_INT(decode_exact(rb.buf, rb.len, &e, &copy), -EBADMSG);
                free(copy);
        }

        /* unknown argument types, with and without the truncation flag */
        {
                static const uint8_t bad_types[] = { TR_ARG_NONE, 7, 8, 0x7f, TR_ARG_NONE | TR_ARG_F_TRUNC, 0xff };

                for (size_t i = 0; i < sizeof(bad_types); i++) {
                        rb_init(&rb, 257);
                        rb_arg(&rb, 1, bad_types[i], "abc", 3);
                        rb_finish(&rb);
                        CHECK_MSG(decode_exact(rb.buf, rb.len, &e, &copy) == -EBADMSG, "type 0x%02x",
                                  bad_types[i]);
                        free(copy);
                }
        }

        /* more arguments than EVENT_MAX_ARGS */
        rb_init(&rb, 257);
        for (unsigned i = 0; i < EVENT_MAX_ARGS; i++)
                rb_int(&rb, (uint8_t) (20 + i), i);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK_INT(e.nargs, EVENT_MAX_ARGS);
        rb_int(&rb, 40, 1);
        rb_finish(&rb);
        CHECK_INT(decode_exact(rb.buf, rb.len, &e, &copy), -EBADMSG);
        free(copy);
        CHECK(e.nargs <= EVENT_MAX_ARGS);

        /* unknown argument indexes are kept without a definition, and never found by name */
        rb_init(&rb, 257);
        rb_int(&rb, 55, 1);
        rb_str(&rb, 1, "/ok");
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK_INT(e.nargs, 2);
        CHECK(e.args[0].def == NULL && e.args[0].idx == 55);
        CHECK(event_arg_idx(&e, 55) == NULL);
        CHECK(event_arg(&e, "pathname") != NULL);
}

static void test_unknown_event(void)
{
        Event e;

        rb_init(&rb, 999);
        rb.h.pid = 31337;
        rb_int(&rb, 0, 1);
        rb_str(&rb, 1, "x");
        CHECK_INT(rb_decode(&rb, &e), -ENOENT);
        CHECK(e.def == NULL);
        CHECK_INT(e.h.type, 999);
        CHECK_INT(e.h.pid, 31337);      /* the header is still filled */
        CHECK(event_arg(&e, "pathname") == NULL);

        rb_init(&rb, UINT32_MAX);
        CHECK_INT(rb_decode(&rb, &e), -ENOENT);
        rb_init(&rb, TR_REC_CGROUP);
        CHECK_INT(rb_decode(&rb, &e), -ENOENT);

        /* a malformed record of an unknown event is malformed first */
        rb_init(&rb, 999);
        rb_arg_raw(&rb, 1, TR_ARG_STR, 50, "x", 1);
        CHECK_INT(rb_decode(&rb, &e), -EBADMSG);
}

static void test_wrong_wire_type(void)
{
        Event e;
        char buf[64];
        int64_t v;
        uint8_t junk[4] = { 1, 2, 3, 4 };

        /* openat's pathname sent as an integer, flags sent as a string */
        rb_init(&rb, 257);
        rb_int(&rb, 1, 0x41414141);
        rb_str(&rb, 2, "O_RDONLY");
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK_INT(e.nargs, 2);
        CHECK(event_arg(&e, "pathname") == NULL);
        CHECK(event_arg(&e, "flags") == NULL);
        CHECK(event_arg_idx(&e, 1) == NULL);
        CHECK(event_arg_idx(&e, 2) == NULL);
        CHECK(!event_arg_str(&e, "pathname", buf, sizeof(buf)));
        CHECK(!event_arg_int(&e, "flags", &v));

        /* dup2's fd info sent as 4 raw bytes: a rule reading 48 bytes from it would overrun */
        rb_init(&rb, 33);
        rb_int(&rb, 0, 3);
        rb_arg(&rb, 8, TR_ARG_BYTES, junk, sizeof(junk));
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(event_arg(&e, "oldfd_info") == NULL);
        CHECK(event_arg(&e, "oldfd") != NULL);

        /* a sockaddr sent as a string, argv sent as a string */
        rb_init(&rb, 42);
        rb_str(&rb, 1, "192.0.2.1");
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(event_arg(&e, "addr") == NULL);
        rb_init(&rb, 59);
        rb_str(&rb, 1, "argv");
        rb_arg(&rb, 0, TR_ARG_STRARR, "a\0b\0", 4);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(event_arg(&e, "argv") == NULL);
        CHECK(event_arg(&e, "pathname") == NULL);
}

static void test_trunc_flag(void)
{
        Event e;
        const EventArg *a;

        rb_init(&rb, 257);
        rb_arg(&rb, 1, TR_ARG_STR | TR_ARG_F_TRUNC, "/very/long/pa", 13);
        rb_int(&rb, 2, 0);
        CHECK_INT(rb_decode(&rb, &e), 0);
        a = event_arg(&e, "pathname");
        CHECK(a && a->truncated && a->type == TR_ARG_STR);
        a = event_arg(&e, "flags");
        CHECK(a && !a->truncated);

        rb_init(&rb, 59);
        rb_arg(&rb, 1, TR_ARG_STRARR | TR_ARG_F_TRUNC, "ls\0-l\0--col", 11);
        CHECK_INT(rb_decode(&rb, &e), 0);
        a = event_arg(&e, "argv");
        CHECK(a && a->truncated && a->type == TR_ARG_STRARR);

        /* the truncation flag on an integer is kept too */
        rb_init(&rb, 257);
        {
                int64_t v = 7;

                rb_arg(&rb, 2, TR_ARG_INT | TR_ARG_F_TRUNC, &v, 8);
        }
        CHECK_INT(rb_decode(&rb, &e), 0);
        a = event_arg(&e, "flags");
        CHECK(a && a->truncated && a->i == 7);
}

static void test_strarr_edges(void)
{
        Event e;
        const EventArg *a;
        size_t pos = 0, l;
        const char *s;
        void *copy;

        /* last string without its NUL: returned with its length, nothing read past the payload */
        rb_init(&rb, 59);
        rb_arg(&rb, 1, TR_ARG_STRARR | TR_ARG_F_TRUNC, "a\0bc", 4);
        rb_finish(&rb);
        CHECK_INT(decode_exact(rb.buf, rb.len, &e, &copy), 0);
        a = event_arg(&e, "argv");
        CHECK(a != NULL);
        CHECK(strarr_next(a, &pos, &s, &l) && l == 1 && s[0] == 'a');
        CHECK(strarr_next(a, &pos, &s, &l) && l == 2 && memcmp(s, "bc", 2) == 0);
        CHECK(!strarr_next(a, &pos, &s, &l));
        CHECK(!strarr_next(a, &pos, &s, &l));
        CHECK_INT(pos, 4);
        free(copy);

        /* one string without NUL, at the very end of the record */
        rb_init(&rb, 59);
        rb_arg(&rb, 1, TR_ARG_STRARR, "xyz", 3);
        rb_finish(&rb);
        CHECK_INT(decode_exact(rb.buf, rb.len, &e, &copy), 0);
        a = event_arg(&e, "argv");
        pos = 0;
        CHECK(a && strarr_next(a, &pos, &s, &l) && l == 3);
        CHECK(!strarr_next(a, &pos, &s, &l));
        free(copy);

        /* empty array, and empty strings */
        rb_init(&rb, 59);
        rb_arg(&rb, 1, TR_ARG_STRARR, "", 0);
        rb_arg(&rb, 2, TR_ARG_STRARR, "\0\0", 2);
        CHECK_INT(rb_decode(&rb, &e), 0);
        pos = 0;
        CHECK(!strarr_next(event_arg(&e, "argv"), &pos, &s, &l));
        pos = 0;
        a = event_arg(&e, "envp");
        CHECK(strarr_next(a, &pos, &s, &l) && l == 0);
        CHECK(strarr_next(a, &pos, &s, &l) && l == 0);
        CHECK(!strarr_next(a, &pos, &s, &l));

        /* a position past the end is the end */
        pos = 1000;
        CHECK(!strarr_next(a, &pos, &s, &l));
}

static void test_nul_in_strings(void)
{
        Event e;
        char buf[64];
        const EventArg *a;

        rb_init(&rb, 257);
        rb_strn(&rb, 1, "/tmp/a\0/proc/self/mem", 21);
        CHECK_INT(rb_decode(&rb, &e), 0);
        a = event_arg(&e, "pathname");
        CHECK(a && a->len == 21);
        memset(buf, 'Z', sizeof(buf));
        CHECK(event_arg_str(&e, "pathname", buf, sizeof(buf)));
        CHECK_STREQ(buf, "/tmp/a");

        /* leading NUL: empty */
        rb_init(&rb, 257);
        rb_strn(&rb, 1, "\0abc", 4);
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK(event_arg_str(&e, "pathname", buf, sizeof(buf)));
        CHECK_STREQ(buf, "");

        /* comm without a NUL in the header is cut to 15 bytes */
        rb_init(&rb, 257);
        memset(rb.h.comm, 'A', sizeof(rb.h.comm));
        CHECK_INT(rb_decode(&rb, &e), 0);
        CHECK_INT(strlen(e.h.comm), TR_COMM_LEN - 1);
}

/* Random corruption of valid records: never crashes, never reads out of bounds, and whatever
 * decodes has its arguments inside the record and consistent with the wire rules. */
static void test_fuzz(void)
{
        static const char *const argv[] = { "/usr/bin/python3", "-c", "import os", NULL };
        uint64_t seed = 0x5eedULL;
        RecBuilder *seeds = calloc(4, sizeof(RecBuilder));
        unsigned ok = 0, bad = 0;

        CHECK(seeds != NULL);
        if (!seeds)
                return;
        rb_init(&seeds[0], 59);
        rb_str(&seeds[0], 0, "/usr/bin/python3");
        rb_strarr(&seeds[0], 1, argv);
        rb_finish(&seeds[0]);
        rb_init(&seeds[1], 257);
        rb_int(&seeds[1], 0, -100);
        rb_str(&seeds[1], 1, "/proc/self/mem");
        rb_int(&seeds[1], 2, 2);
        rb_finish(&seeds[1]);
        rb_init(&seeds[2], 33);
        {
                struct tr_fdinfo fi = fdinfo_inet("10.1.1.1", 22);

                rb_int(&seeds[2], 0, 4);
                rb_int(&seeds[2], 1, 0);
                rb_fdinfo(&seeds[2], 8, &fi);
        }
        rb_finish(&seeds[2]);
        rb_init(&seeds[3], 42);
        rb_int(&seeds[3], 0, 0);
        rb_sockaddr_in6(&seeds[3], 1, "2001:db8::1", 443);
        rb_finish(&seeds[3]);

        for (unsigned iter = 0; iter < 20000; iter++) {
                const RecBuilder *s = &seeds[test_rand(&seed) % 4];
                uint8_t rec[512];
                size_t len = s->len, flips;
                Event e;
                void *copy;
                int r;

                memcpy(rec, s->buf, len);
                flips = 1 + test_rand(&seed) % 4;
                for (size_t k = 0; k < flips; k++) {
                        /* bias towards the size field and the argument headers */
                        size_t at = test_rand(&seed) % 3 == 0 ? sizeof(struct tr_event_hdr) + test_rand(&seed) % 8
                                                              : test_rand(&seed) % len;

                        if (at < len)
                                rec[at] = (uint8_t) test_rand(&seed);
                }
                if (test_rand(&seed) % 4 == 0) {
                        /* keep the size consistent so the argument parser is exercised */
                        uint32_t sz = (uint32_t) len;

                        memcpy(rec + offsetof(struct tr_event_hdr, size), &sz, sizeof(sz));
                }
                r = decode_exact(rec, len, &e, &copy);
                CHECK_MSG(r == 0 || r == -EBADMSG || r == -ENOENT, "fuzz iteration %u: r=%d", iter, r);
                if (r == 0 || r == -ENOENT) {
                        ok++;
                        CHECK_MSG(args_inside(&e, copy, len), "fuzz iteration %u: argument outside", iter);
                        CHECK(e.nargs <= EVENT_MAX_ARGS);
                        for (unsigned i = 0; i < e.nargs; i++) {
                                const EventArg *a = &e.args[i];

                                CHECK(a->type >= TR_ARG_INT && a->type <= TR_ARG_BYTES);
                                if (a->type == TR_ARG_INT)
                                        CHECK(a->len == 8);
                                if (a->type == TR_ARG_FDINFO)
                                        CHECK(a->len == sizeof(struct tr_fdinfo));
                                /* by-name access only returns arguments of the catalogue's kind */
                                if (a->def) {
                                        const EventArg *b = event_arg(&e, a->def->name);
                                        char buf[32];
                                        size_t pos = 0, l;
                                        const char *str;

                                        CHECK(b != NULL);
                                        (void) event_arg_str(&e, a->def->name, buf, sizeof(buf));
                                        while (strarr_next(a, &pos, &str, &l))
                                                CHECK((const uint8_t *) str + l <= (const uint8_t *) copy + len);
                                }
                        }
                        CHECK(strlen(e.h.comm) < TR_COMM_LEN);
                } else
                        bad++;
                free(copy);
        }
        CHECK(ok > 100 && bad > 100);
        free(seeds);
}

int main(void)
{
        test_execve();
        test_openat();
        test_connect();
        test_dup2();
        test_mprotect();
        test_sched_and_no_args();
        test_size_field();
        test_bad_args();
        test_unknown_event();
        test_wrong_wire_type();
        test_trunc_flag();
        test_strarr_edges();
        test_nul_in_strings();
        test_fuzz();
        return test_exit("test-decode");
}
