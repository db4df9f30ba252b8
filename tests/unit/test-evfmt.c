/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/evfmt.c: the exact JSON of a simple openat, JSON of other argument kinds,
 * strict validity of the JSON for hostile strings everywhere a traced process controls bytes, the
 * table row (no control character other than its final newline, no ESC), and the bounds of
 * event_arg_to_text().
 */

#undef NDEBUG

#include "record-builder.h"

#include "../../agent/evfmt.h"
#include "../../agent/jsonw.h"

static RecBuilder rb;

static void check_json_at(int line, const Event *e, const char *expected)
{
        JsonW w = {};

        event_write_json(&w, e);
        if (!jsonw_ok(&w) || strcmp(w.buf, expected) != 0) {
                fprintf(stderr, "%s:%d: event JSON mismatch\n  got:      %s\n  expected: %s\n", __FILE__, line,
                        w.buf ? w.buf : "(null)", expected);
                failures++;
        }
        jsonw_done(&w);
}
#define CHECK_EVENT_JSON(e, lit) check_json_at(__LINE__, (e), (lit))

/* The event's JSON, strict-validated; caller frees. */
static char *event_json(const Event *e, int line)
{
        JsonW w = {};
        char *s;
        const char *err = NULL;
        size_t at = 0;

        event_write_json(&w, e);
        if (!jsonw_ok(&w) || !json_valid_ex(w.buf, w.len, true, &err, &at)) {
                fprintf(stderr, "%s:%d: invalid event JSON (%s at %zu): ", __FILE__, line, err ? err : "failed", at);
                print_escaped(stderr, w.buf ? w.buf : "", w.buf ? w.len : 0);
                fputc('\n', stderr);
                failures++;
        }
        s = strdup(w.buf ? w.buf : "");
        jsonw_done(&w);
        return s;
}

/* The table row as printed, checked: one line, '\n' only at its end, no other byte < 0x20, no DEL,
 * no C1 control. Caller frees. */
static char *table_row(const Event *e, int line)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        if (!f)
                abort();
        event_print_table(f, e);
        fclose(f);
        if (len == 0 || buf[len - 1] != '\n') {
                fprintf(stderr, "%s:%d: table row does not end with a newline\n", __FILE__, line);
                failures++;
        }
        for (size_t i = 0; i + 1 < len; i++) {
                unsigned char c = (unsigned char) buf[i];

                if (c < 0x20 || c == 0x7f || (c == 0xc2 && i + 2 < len && (unsigned char) buf[i + 1] >= 0x80 &&
                                              (unsigned char) buf[i + 1] <= 0x9f)) {
                        fprintf(stderr, "%s:%d: table row has control byte 0x%02x at %zu: ", __FILE__, line, c, i);
                        print_escaped(stderr, buf, len);
                        fputc('\n', stderr);
                        failures++;
                        break;
                }
        }
        if (memchr(buf, 0x1b, len)) {
                fprintf(stderr, "%s:%d: table row holds ESC\n", __FILE__, line);
                failures++;
        }
        return buf;
}

static void build_openat(void)
{
        rb_init(&rb, 257);
        rb.h.retval = 3;
        /* out of catalogue order on the wire */
        rb_int(&rb, 3, 0);
        rb_str(&rb, 1, "/etc/passwd");
        rb_int(&rb, 0, -100);
        rb_int(&rb, 2, 02000000);       /* O_RDONLY|O_CLOEXEC */
}

static void test_openat_exact(void)
{
        Event e;
        char *row;

        build_openat();
        CHECK_INT(rb_decode(&rb, &e), 0);
        e.wall_ns = 1700000000123456789ull;
        e.exe = "/usr/bin/cat";
        e.hostname = "host1";
        CHECK_EVENT_JSON(&e,
                "{\"timestamp\":1700000000123456789,\"threadStartTime\":5000000000,\"processorId\":3,"
                "\"processId\":4242,\"threadId\":4243,\"parentProcessId\":1,\"hostProcessId\":4242,"
                "\"hostThreadId\":4243,\"hostParentProcessId\":1,\"userId\":1000,\"groupId\":1000,"
                "\"mountNamespace\":4026531841,\"pidNamespace\":4026531836,\"processName\":\"testproc\","
                "\"executable\":{\"path\":\"/usr/bin/cat\"},\"hostName\":\"host1\",\"containerId\":\"\","
                "\"container\":{\"id\":\"\"},\"cgroupId\":77,\"eventId\":\"257\",\"eventName\":\"openat\","
                "\"argsNum\":4,\"returnValue\":3,\"args\":["
                "{\"name\":\"dirfd\",\"type\":\"int\",\"value\":\"AT_FDCWD\"},"
                "{\"name\":\"pathname\",\"type\":\"const char*\",\"value\":\"/etc/passwd\"},"
                "{\"name\":\"flags\",\"type\":\"int\",\"value\":\"O_RDONLY|O_CLOEXEC\"},"
                "{\"name\":\"mode\",\"type\":\"mode_t\",\"value\":\"0\"}]}");

        row = table_row(&e, __LINE__);
        CHECK_CONTAINS(row, "openat");
        CHECK_CONTAINS(row, "testproc");
        CHECK_CONTAINS(row, "dirfd: AT_FDCWD, pathname: /etc/passwd, flags: O_RDONLY|O_CLOEXEC, mode: 0");
        free(row);

        /* container, truncated arguments, unknown-index arguments not counted */
        build_openat();
        rb.h.flags = TR_F_ARGS_TRUNC;
        rb.h.retval = -2;
        rb_int(&rb, 60, 1);
        CHECK_INT(rb_decode(&rb, &e), 0);
        e.args[1].truncated = true;
        e.container_id = "0123456789ab";
        {
                char *j = event_json(&e, __LINE__);

                CHECK_CONTAINS(j, "\"containerId\":\"0123456789ab\",\"container\":{\"id\":\"0123456789ab\"}");
                CHECK_CONTAINS(j, "\"argsNum\":4,\"returnValue\":-2,\"argsTruncated\":true,\"args\":[");
                CHECK_CONTAINS(j, "\"value\":\"/etc/passwd\",\"truncated\":true}");
                CHECK_CONTAINS(j, "\"executable\":{\"path\":\"\"},\"hostName\":\"\"");
                free(j);
        }
        row = table_row(&e, __LINE__);
        CHECK_CONTAINS(row, "pathname: /etc/passwd…");
        CHECK_CONTAINS(row, " -2 ");
        free(row);
}

static void test_other_kinds(void)
{
        static const char *const argv[] = { "/bin/ls", "-l", "", NULL };
        Event e;
        char *j, *row;
        struct tr_fdinfo fi = fdinfo_inet("198.51.100.4", 4444);

        rb_init(&rb, 42);
        rb_int(&rb, 0, 1);
        rb_sockaddr_in(&rb, 1, "192.0.2.7", 4444);
        rb_int(&rb, 2, 16);
        rb_fdinfo(&rb, 8, &fi);
        CHECK_INT(rb_decode(&rb, &e), 0);
        j = event_json(&e, __LINE__);
        CHECK_CONTAINS(j, "{\"name\":\"addr\",\"type\":\"struct sockaddr*\",\"value\":{\"sa_family\":\"AF_INET\","
                          "\"sin_addr\":\"192.0.2.7\",\"sin_port\":4444}}");
        CHECK_CONTAINS(j, "\"value\":{\"type\":\"socket\",\"family\":\"AF_INET\",\"sock_type\":\"SOCK_STREAM\","
                          "\"local_addr\":\"10.0.0.2\",\"local_port\":40000,\"remote_addr\":\"198.51.100.4\","
                          "\"remote_port\":4444}");
        free(j);
        row = table_row(&e, __LINE__);
        CHECK_CONTAINS(row, "addr: AF_INET:192.0.2.7:4444");
        CHECK_CONTAINS(row, "sockfd_info: socket peer 198.51.100.4:4444");
        free(row);

        /* IPv6 and a short sockaddr */
        rb_init(&rb, 42);
        rb_sockaddr_in6(&rb, 1, "2001:db8::1", 443);
        CHECK_INT(rb_decode(&rb, &e), 0);
        j = event_json(&e, __LINE__);
        CHECK_CONTAINS(j, "\"sin6_addr\":\"2001:db8::1\",\"sin6_port\":443");
        free(j);
        rb_init(&rb, 42);
        rb_arg(&rb, 1, TR_ARG_SOCKADDR, "\x02", 1);
        CHECK_INT(rb_decode(&rb, &e), 0);
        j = event_json(&e, __LINE__);
        CHECK_CONTAINS(j, "\"name\":\"addr\",\"type\":\"struct sockaddr*\",\"value\":{}");
        free(j);
        free(table_row(&e, __LINE__));

        /* strarr */
        rb_init(&rb, 59);
        rb_str(&rb, 0, "/bin/ls");
        rb_strarr(&rb, 1, argv);
        CHECK_INT(rb_decode(&rb, &e), 0);
        j = event_json(&e, __LINE__);
        CHECK_CONTAINS(j, "{\"name\":\"argv\",\"type\":\"const char*const*\",\"value\":[\"/bin/ls\",\"-l\",\"\"]}");
        free(j);
        row = table_row(&e, __LINE__);
        CHECK_CONTAINS(row, "argv: [/bin/ls -l ]");
        free(row);

        /* unsigned formats print as unsigned numbers, pointers as hex strings */
        rb_init(&rb, 10);
        rb_int(&rb, 0, 0x1000);
        rb_int(&rb, 1, -1);
        rb_int(&rb, 2, 7);
        rb_int(&rb, 7, 0x3);
        CHECK_INT(rb_decode(&rb, &e), 0);
        j = event_json(&e, __LINE__);
        CHECK_CONTAINS(j, "{\"name\":\"len\",\"type\":\"size_t\",\"value\":18446744073709551615}");
        CHECK_CONTAINS(j, "{\"name\":\"addr\",\"type\":\"void*\",\"value\":\"0x1000\"}");
        CHECK_CONTAINS(j, "\"value\":\"PROT_READ|PROT_WRITE|PROT_EXEC\"");
        free(j);

        /* an unknown event: no arguments shown, a name that says so */
        rb_init(&rb, 999);
        rb_int(&rb, 0, 1);
        CHECK_INT(rb_decode(&rb, &e), -ENOENT);
        j = event_json(&e, __LINE__);
        CHECK_CONTAINS(j, "\"eventId\":\"999\",\"eventName\":\"unknown\",\"argsNum\":0");
        CHECK_CONTAINS(j, "\"args\":[]}");
        free(j);
        row = table_row(&e, __LINE__);
        CHECK_CONTAINS(row, " ? ");
        free(row);

        /* fd info of other kinds */
        {
                struct tr_fdinfo p = fdinfo_kind(TR_FD_PIPE), u = fdinfo_kind(77);

                rb_init(&rb, 33);
                rb_fdinfo(&rb, 8, &p);
                CHECK_INT(rb_decode(&rb, &e), 0);
                j = event_json(&e, __LINE__);
                CHECK_CONTAINS(j, "\"value\":{\"type\":\"pipe\"}");
                free(j);
                rb_init(&rb, 33);
                rb_fdinfo(&rb, 8, &u);
                CHECK_INT(rb_decode(&rb, &e), 0);
                j = event_json(&e, __LINE__);
                CHECK_CONTAINS(j, "\"value\":{\"type\":\"unknown\"}");
                free(j);
        }
}

static const char hostile[] = "\x1b]0;owned\x07\x1b[2J\r\n\"\\\xc2\x9b" "31m\x7f\xff\xfe\xc0\xaf\xed\xa0\x80"
                              "\xf4\x90\x80\x80\xe2\x82\x08\x01\xc3\xa9\xf0\x9f\x98";

static void test_hostile(void)
{
        const char *argv[] = { hostile, "\x1b[31mred", "\xc2\x9b\xc2\x9d", "", NULL };
        Event e;
        char *j, *row;

        /* pathname with every kind of nasty byte, plus a NUL in the middle */
        rb_init(&rb, 257);
        rb_comm(&rb, "\x1b[2J\xff\x07\n\"\\\xc2\x9b\x7f");
        {
                char p[256];
                size_t n = sizeof(hostile) - 1;

                memcpy(p, hostile, n);
                p[n] = 0;
                memcpy(p + n + 1, "tail", 4);
                rb_strn(&rb, 1, p, n + 5);
        }
        rb_int(&rb, 2, 0x7fffffff);
        rb_int(&rb, 3, -1);
        rb_int(&rb, 0, INT64_MIN);
        CHECK_INT(rb_decode(&rb, &e), 0);
        e.exe = hostile;
        e.container_id = hostile;
        e.hostname = hostile;
        j = event_json(&e, __LINE__);
        CHECK_NOT_CONTAINS(j, "tail");  /* cut at the NUL */
        CHECK_CONTAINS(j, "\\u001b]0;owned\\u0007");
        CHECK_CONTAINS(j, "\\u009b31m\\u007f");
        free(j);
        row = table_row(&e, __LINE__);
        CHECK_CONTAINS(row, "\\e]0;owned");
        free(row);

        /* argv/env of exec */
        rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
        rb_str(&rb, 0, hostile);
        rb_str(&rb, 1, hostile);
        rb_strarr(&rb, 3, argv);
        rb_strarr(&rb, 4, argv);
        rb_arg(&rb, 2, TR_ARG_STR | TR_ARG_F_TRUNC, hostile, 5);
        CHECK_INT(rb_decode(&rb, &e), 0);
        j = event_json(&e, __LINE__);
        free(j);
        free(table_row(&e, __LINE__));

        /* a unix socket path with escapes, and an abstract one with NULs */
        rb_init(&rb, 42);
        rb_sockaddr_un(&rb, 1, "/tmp/\x1b[31m\xff");
        CHECK_INT(rb_decode(&rb, &e), 0);
        free(event_json(&e, __LINE__));
        free(table_row(&e, __LINE__));
        rb_init(&rb, 42);
        {
                uint8_t sa[110] = { AF_UNIX, 0, 0, '\x1b', '[', 'x', 0, 0x9b, 0xc2, 0x9b };

                rb_arg(&rb, 1, TR_ARG_SOCKADDR, sa, sizeof(sa));
        }
        CHECK_INT(rb_decode(&rb, &e), 0);
        free(event_json(&e, __LINE__));
        free(table_row(&e, __LINE__));

        /* random bytes in every string of a record */
        {
                uint64_t seed = 42;

                for (unsigned iter = 0; iter < 2000; iter++) {
                        char s[4][64];
                        size_t n[4];
                        char buf[4 * 65];
                        size_t o = 0;

                        for (int k = 0; k < 4; k++) {
                                n[k] = test_rand(&seed) % sizeof(s[k]);
                                for (size_t i = 0; i < n[k]; i++)
                                        s[k][i] = (char) test_rand(&seed);
                        }
                        rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
                        for (int c = 0; c < TR_COMM_LEN; c++)
                                rb.h.comm[c] = (char) test_rand(&seed);
                        rb_strn(&rb, 0, s[0], n[0]);
                        for (int k = 1; k < 4; k++) {
                                memcpy(buf + o, s[k], n[k]);
                                o += n[k];
                                if (test_rand(&seed) % 2)
                                        buf[o++] = 0;
                        }
                        rb_arg(&rb, 3, TR_ARG_STRARR, buf, (uint16_t) o);
                        rb_arg(&rb, 4, TR_ARG_STRARR | TR_ARG_F_TRUNC, s[1], (uint16_t) n[1]);
                        CHECK_INT(rb_decode(&rb, &e), 0);
                        e.exe = s[2][0] ? "x\x1b" : "";
                        free(event_json(&e, __LINE__));
                        free(table_row(&e, __LINE__));
                        if (failures > 20)
                                return;
                }
        }
}

static void test_arg_to_text_bounds(void)
{
        static const char *const argv[] = { "aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbb", "c", "", "dddddddd", NULL };
        Event e;
        char buf[128];

        rb_init(&rb, 59);
        rb_str(&rb, 0, "/a/long/path/name/for/testing");
        rb_strarr(&rb, 1, argv);
        rb_arg(&rb, 2, TR_ARG_STRARR, "no-nul-at-end", 13);
        CHECK_INT(rb_decode(&rb, &e), 0);
        for (unsigned a = 0; a < e.nargs; a++) {
                for (size_t n = 0; n < 80; n++) {
                        /* exactly sized heap block, so ASan sees a write past n */
                        char *out = malloc(n ? n : 1);

                        if (!out)
                                abort();
                        if (n)
                                memset(out, 'Z', n);
                        event_arg_to_text(&e.args[a], out, n);
                        if (n > 0)
                                CHECK_MSG(memchr(out, 0, n) != NULL, "arg %u n=%zu not terminated", a, n);
                        free(out);
                }
        }
        event_arg_to_text(event_arg(&e, "argv"), buf, sizeof(buf));
        CHECK_STREQ(buf, "[aaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbb c  dddddddd]");
        event_arg_to_text(event_arg(&e, "envp"), buf, sizeof(buf));
        CHECK_STREQ(buf, "[no-nul-at-end]");
        event_arg_to_text(event_arg(&e, "argv"), buf, 10);
        CHECK(strlen(buf) < 10 && buf[0] == '[' && buf[strlen(buf) - 1] == ']');
        event_arg_to_text(event_arg(&e, "pathname"), buf, 7);
        CHECK_STREQ(buf, "/a/lon");
}

static void test_table_header(void)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        if (!f)
                abort();
        event_print_table_header(f);
        fclose(f);
        CHECK_CONTAINS(buf, "TIME");
        CHECK_CONTAINS(buf, "EVENT");
        CHECK(len > 0 && buf[len - 1] == '\n' && memchr(buf, '\n', len) == buf + len - 1);
        free(buf);
}

int main(void)
{
        test_openat_exact();
        test_other_kinds();
        test_hostile();
        test_arg_to_text_bounds();
        test_table_header();
        return test_exit("test-evfmt");
}
