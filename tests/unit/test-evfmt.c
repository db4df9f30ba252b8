/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/evfmt.c: the exact JSON of a simple openat, JSON of other argument kinds,
 * strict validity of the JSON for hostile strings everywhere a traced process controls bytes, the
 * table row (no control character other than its final newline, no ESC), and the bounds of
 * event_arg_to_text().
 */

#undef NDEBUG

#include "record-builder.h"

#include <inttypes.h>

#include "../../agent/evfmt.h"
#include "../../agent/format.h"
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

/* ------------------------------------------------------------------------------------------------ */
/* The reference: event_write_json() as it was before it was made fast (generic jsonw calls, every key
 * escaped, snprintf for the event id), kept verbatim. The fast one must give the same bytes. */

static const char *ref_fd_kind_name(unsigned k)
{
        switch (k) {
        case TR_FD_SOCKET:
                return "socket";
        case TR_FD_FILE:
                return "file";
        case TR_FD_MEMFD:
                return "memfd";
        case TR_FD_PIPE:
                return "pipe";
        case TR_FD_OTHER:
                return "other";
        case TR_FD_CLOSED:
                return "closed";
        case TR_FD_DIR:
                return "directory";
        default:
                return "unknown";
        }
}

static void ref_write_sockaddr(JsonW *w, const EventArg *a)
{
        SockAddr sa;

        if (sockaddr_decode(a->data, a->len, &sa) < 0) {
                jsonw_obj_open(w);
                jsonw_obj_close(w);
                return;
        }
        jsonw_obj_open(w);
        jsonw_kv_str(w, "sa_family", sa.family_name);
        if (sa.family == AF_INET) {
                jsonw_kv_str(w, "sin_addr", sa.addr);
                jsonw_key(w, "sin_port");
                jsonw_int(w, sa.port);
        } else if (sa.family == AF_INET6) {
                jsonw_kv_str(w, "sin6_addr", sa.addr);
                jsonw_key(w, "sin6_port");
                jsonw_int(w, sa.port);
        } else if (sa.family == AF_UNIX)
                jsonw_kv_str(w, "sun_path", sa.addr);
        jsonw_obj_close(w);
}

static void ref_write_fdinfo(JsonW *w, const EventArg *a)
{
        struct tr_fdinfo fi;
        char fam[160], addr[64];

        memcpy(&fi, a->data, sizeof(fi));
        jsonw_obj_open(w);
        jsonw_kv_str(w, "type", ref_fd_kind_name(fi.kind));
        if (fi.kind == TR_FD_SOCKET) {
                format_value(FMT_SOCK_DOMAIN, fi.family, fam, sizeof(fam));
                jsonw_kv_str(w, "family", fam);
                format_value(FMT_SOCK_TYPE, fi.sotype, fam, sizeof(fam));
                jsonw_kv_str(w, "sock_type", fam);
                if (fi.family == AF_INET || fi.family == AF_INET6) {
                        if (inet_addr_to_str(fi.family, fi.laddr, addr, sizeof(addr)) == 0)
                                jsonw_kv_str(w, "local_addr", addr);
                        jsonw_kv_int(w, "local_port", fi.lport);
                        if (inet_addr_to_str(fi.family, fi.raddr, addr, sizeof(addr)) == 0)
                                jsonw_kv_str(w, "remote_addr", addr);
                        jsonw_kv_int(w, "remote_port", fi.rport);
                }
        }
        /* what the kernel side found the file to be (TR_FC_*), and which inode it is */
        if (fi.fclass) {
                format_value(FMT_FILE_CLASS, fi.fclass, fam, sizeof(fam));
                jsonw_kv_str(w, "class", fam);
        }
        if (fi.kind != TR_FD_CLOSED && fi.kind != TR_FD_UNKNOWN && fi.ino) {
                snprintf(addr, sizeof(addr), "%u:%u", fi.dev >> 20, fi.dev & 0xfffff);
                jsonw_kv_str(w, "device", addr);
                jsonw_key(w, "inode");
                jsonw_uint(w, fi.ino);
                jsonw_kv_int(w, "nlink", fi.nlink);
        }
        if (fi.fclass & TR_FC_PROC_MEM)
                jsonw_kv_int(w, "proc_pid", fi.proc_tgid);
        if (fi.stdio)
                jsonw_kv_int(w, "stdio_fds", fi.stdio);
        jsonw_obj_close(w);
}

static void ref_write_arg_value(JsonW *w, const EventArg *a)
{
        char buf[256];

        switch (a->type) {
        case TR_ARG_INT:
                if (a->def && format_is_string(a->def->fmt)) {
                        format_value(a->def->fmt, a->i, buf, sizeof(buf));
                        jsonw_str(w, buf);
                } else if (a->def && a->def->fmt == FMT_UINT)
                        jsonw_uint(w, (uint64_t) a->i);
                else
                        jsonw_int(w, a->i);
                break;
        case TR_ARG_STR:
                jsonw_strn(w, (const char *) a->data, strnlen((const char *) a->data, a->len));
                break;
        case TR_ARG_STRARR: {
                size_t pos = 0, l;
                const char *s;

                jsonw_arr_open(w);
                while (strarr_next(a, &pos, &s, &l))
                        jsonw_strn(w, s, l);
                jsonw_arr_close(w);
                break;
        }
        case TR_ARG_SOCKADDR:
                ref_write_sockaddr(w, a);
                break;
        case TR_ARG_FDINFO:
                ref_write_fdinfo(w, a);
                break;
        default:
                jsonw_null(w);
        }
}

static void ref_event_write_json(JsonW *w, const Event *e)
{
        char id[16];
        unsigned n = 0;

        jsonw_obj_open(w);
        jsonw_kv_uint(w, "timestamp", e->wall_ns);
        jsonw_kv_uint(w, "threadStartTime", e->h.start_time);
        jsonw_kv_uint(w, "processorId", e->h.cpu);
        jsonw_kv_uint(w, "processId", e->h.ns_pid);
        jsonw_kv_uint(w, "threadId", e->h.ns_tid);
        jsonw_kv_uint(w, "parentProcessId", e->h.ns_ppid);
        jsonw_kv_uint(w, "hostProcessId", e->h.pid);
        jsonw_kv_uint(w, "hostThreadId", e->h.tid);
        jsonw_kv_uint(w, "hostParentProcessId", e->h.ppid);
        jsonw_kv_uint(w, "userId", e->h.uid);
        jsonw_kv_uint(w, "groupId", e->h.gid);
        jsonw_kv_uint(w, "mountNamespace", e->h.mntns);
        jsonw_kv_uint(w, "pidNamespace", e->h.pidns);
        jsonw_key(w, "processName");
        jsonw_strn(w, e->h.comm, strnlen(e->h.comm, sizeof(e->h.comm)));
        jsonw_key(w, "executable");
        jsonw_obj_open(w);
        jsonw_kv_str(w, "path", e->exe ? e->exe : "");
        jsonw_obj_close(w);
        jsonw_kv_str(w, "hostName", e->hostname ? e->hostname : "");
        jsonw_kv_str(w, "containerId", e->container_id ? e->container_id : "");
        jsonw_key(w, "container");
        jsonw_obj_open(w);
        jsonw_kv_str(w, "id", e->container_id ? e->container_id : "");
        jsonw_obj_close(w);
        jsonw_kv_uint(w, "cgroupId", e->h.cgroup_id);
        snprintf(id, sizeof(id), "%u", e->h.type);
        jsonw_kv_str(w, "eventId", id);
        jsonw_kv_str(w, "eventName", e->def ? e->def->name : "unknown");
        for (unsigned i = 0; i < e->nargs; i++)
                if (e->args[i].def)
                        n++;
        jsonw_kv_uint(w, "argsNum", n);
        jsonw_kv_int(w, "returnValue", e->h.retval);
        if (e->h.flags & TR_F_ARGS_TRUNC) {
                jsonw_key(w, "argsTruncated");
                jsonw_bool(w, true);
        }
        jsonw_key(w, "args");
        jsonw_arr_open(w);
        /* in catalogue order */
        for (unsigned d = 0; e->def && d < e->def->nargs; d++) {
                const EventArg *a = event_arg_idx(e, e->def->args[d].idx);

                if (!a)
                        continue;
                jsonw_obj_open(w);
                jsonw_kv_str(w, "name", a->def->name);
                jsonw_kv_str(w, "type", a->def->type);
                jsonw_key(w, "value");
                ref_write_arg_value(w, a);
                if (a->truncated) {
                        jsonw_key(w, "truncated");
                        jsonw_bool(w, true);
                }
                jsonw_obj_close(w);
        }
        jsonw_arr_close(w);
        jsonw_obj_close(w);
}

/* Random bytes, mostly printable, sometimes anything. */
static void random_bytes(uint64_t *seed, char *s, size_t n)
{
        bool wild = test_rand(seed) % 4 == 0;

        for (size_t i = 0; i < n; i++)
                s[i] = wild ? (char) test_rand(seed) : (char) (0x20 + test_rand(seed) % 0x5f);
}

/* A random value of random magnitude and sign. */
static uint64_t random_number(uint64_t *seed)
{
        uint64_t v = test_rand(seed) >> (test_rand(seed) % 64);

        return test_rand(seed) % 3 == 0 ? -v : v;
}

/* A random record of a random catalogue event (or an unknown one): every argument kind, random
 * header values, hostile strings, unknown argument indexes, truncation flags. */
static void build_random(uint64_t *seed, Event *e, char strs[3][80])
{
        size_t ncat;
        const EventDef *all = catalog_all(&ncat);
        const EventDef *d = &all[test_rand(seed) % ncat];
        uint32_t type = test_rand(seed) % 16 == 0 ? 900 + test_rand(seed) % 100 : d->id;

        rb_init(&rb, type);
        rb.h.ts = random_number(seed);
        rb.h.start_time = random_number(seed);
        rb.h.cpu = (uint32_t) random_number(seed);
        rb.h.pid = (uint32_t) random_number(seed);
        rb.h.tid = (uint32_t) random_number(seed);
        rb.h.ppid = (uint32_t) random_number(seed);
        rb.h.ns_pid = (uint32_t) random_number(seed);
        rb.h.ns_tid = (uint32_t) random_number(seed);
        rb.h.ns_ppid = (uint32_t) random_number(seed);
        rb.h.uid = (uint32_t) random_number(seed);
        rb.h.gid = (uint32_t) random_number(seed);
        rb.h.mntns = (uint32_t) random_number(seed);
        rb.h.pidns = (uint32_t) random_number(seed);
        rb.h.cgroup_id = random_number(seed);
        rb.h.retval = (int64_t) random_number(seed);
        rb.h.flags = test_rand(seed) % 4 == 0 ? TR_F_ARGS_TRUNC : 0;
        random_bytes(seed, rb.h.comm, test_rand(seed) % (TR_COMM_LEN + 1));
        for (unsigned i = 0; i < d->nargs && rb.nargs < TR_MAX_ARGS + 2; i++) {
                const ArgDef *a = &d->args[(i + test_rand(seed)) % d->nargs];
                uint8_t trunc = test_rand(seed) % 8 == 0 ? TR_ARG_F_TRUNC : 0;

                if (test_rand(seed) % 5 == 0)
                        continue;
                switch (a->kind) {
                case ARGK_INT:
                        rb_arg(&rb, a->idx, TR_ARG_INT | trunc, (int64_t[]) { (int64_t) random_number(seed) }, 8);
                        break;
                case ARGK_STR: {
                        char s[200];
                        size_t n = test_rand(seed) % sizeof(s);

                        random_bytes(seed, s, n);
                        rb_arg(&rb, a->idx, TR_ARG_STR | trunc, s, (uint16_t) n);
                        break;
                }
                case ARGK_STRARR: {
                        char s[200];
                        size_t n = test_rand(seed) % sizeof(s);

                        random_bytes(seed, s, n);
                        for (size_t k = 0; k < n; k++)
                                if (test_rand(seed) % 8 == 0)
                                        s[k] = 0;
                        rb_arg(&rb, a->idx, TR_ARG_STRARR | trunc, s, (uint16_t) n);
                        break;
                }
                case ARGK_SOCKADDR:
                        switch (test_rand(seed) % 4) {
                        case 0:
                                rb_sockaddr_in(&rb, a->idx, "192.0.2.7", (uint16_t) test_rand(seed));
                                break;
                        case 1:
                                rb_sockaddr_in6(&rb, a->idx, "2001:db8::1", (uint16_t) test_rand(seed));
                                break;
                        case 2:
                                rb_sockaddr_un(&rb, a->idx, "/run/\x1b[1m\xff.sock");
                                break;
                        default: {
                                uint8_t sa[40];
                                size_t n = test_rand(seed) % sizeof(sa);

                                random_bytes(seed, (char *) sa, n);
                                rb_arg(&rb, a->idx, TR_ARG_SOCKADDR, sa, (uint16_t) n);
                        }
                        }
                        break;
                case ARGK_FDINFO: {
                        struct tr_fdinfo fi;

                        random_bytes(seed, (char *) &fi, sizeof(fi));
                        fi.kind = test_rand(seed) % 9;
                        if (test_rand(seed) % 2)
                                fi.family = test_rand(seed) % 2 ? AF_INET : AF_INET6;
                        rb_fdinfo(&rb, a->idx, &fi);
                        break;
                }
                }
        }
        if (test_rand(seed) % 4 == 0)
                rb_int(&rb, 60 + test_rand(seed) % 4, 1);       /* an index the catalogue doesn't know */
        CHECK(!rb.overflow);
        (void) rb_decode(&rb, e);
        for (unsigned i = 0; i < e->nargs; i++)
                if (test_rand(seed) % 10 == 0)
                        e->args[i].truncated = true;
        e->wall_ns = random_number(seed);
        for (int k = 0; k < 3; k++) {
                size_t n = test_rand(seed) % 80;

                random_bytes(seed, strs[k], n);
                strs[k][n < 79 ? n : 79] = 0;
        }
        e->exe = test_rand(seed) % 4 == 0 ? NULL : strs[0];
        e->hostname = test_rand(seed) % 4 == 0 ? NULL : strs[1];
        e->container_id = test_rand(seed) % 4 == 0 ? NULL : strs[2];
}

static void test_same_as_reference(void)
{
        uint64_t seed = 0xE7E27;
        JsonW fast = {}, ref = {};

        for (unsigned iter = 0; iter < 20000; iter++) {
                char strs[3][80];
                Event e;
                unsigned before = test_rand(&seed) % 3;

                build_random(&seed, &e, strs);
                /* alone, after another value (a comma), and as a member (as in a finding) */
                jsonw_reset(&fast);
                jsonw_reset(&ref);
                if (before == 1) {
                        jsonw_arr_open(&fast);
                        jsonw_int(&fast, 1);
                        jsonw_arr_open(&ref);
                        jsonw_int(&ref, 1);
                } else if (before == 2) {
                        jsonw_obj_open(&fast);
                        jsonw_key(&fast, "event");
                        jsonw_obj_open(&ref);
                        jsonw_key(&ref, "event");
                }
                event_write_json(&fast, &e);
                ref_event_write_json(&ref, &e);
                jsonw_null(&fast);
                jsonw_null(&ref);
                if (!jsonw_ok(&fast) || !jsonw_ok(&ref) || fast.len != ref.len ||
                    memcmp(fast.buf, ref.buf, ref.len) != 0 || fast.buf[fast.len] != 0) {
                        fprintf(stderr, "%s: iteration %u: differs from the reference\n  got:      ", __FILE__, iter);
                        print_escaped(stderr, fast.buf ? fast.buf : "", fast.len);
                        fprintf(stderr, "\n  expected: ");
                        print_escaped(stderr, ref.buf ? ref.buf : "", ref.len);
                        fputc('\n', stderr);
                        failures++;
                }
                if (failures > 5)
                        break;
        }
        jsonw_done(&fast);
        jsonw_done(&ref);
}

int main(void)
{
        test_openat_exact();
        test_other_kinds();
        test_hostile();
        test_arg_to_text_bounds();
        test_table_header();
        test_same_as_reference();
        return test_exit("test-evfmt");
}
