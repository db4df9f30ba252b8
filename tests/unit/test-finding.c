/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/finding.c: the JSON structure of a finding (rule metadata, data, process
 * with ancestors, the event), checked with the strict validator and exact substrings; strict
 * validity with hostile strings everywhere; the one-line message and the table block free of
 * control characters whatever comm, exe, container id and summary hold; a finding never carries the
 * process's whole environment (exec's env, execve's envp), only what the rule matched in it.
 */

#undef NDEBUG

#include "record-builder.h"

#include "../../agent/engine.h"
#include "../../agent/finding.h"
#include "../../agent/jsonw.h"
#include "../../agent/proctable.h"

static RecBuilder rb;
static Event ev;
static Finding fnd;
static Proc anc[2];

static char *json_of(const Finding *f, int line)
{
        JsonW w = {};
        const char *err = NULL;
        size_t at = 0;
        char *s;

        finding_write_json(&w, f);
        if (!jsonw_ok(&w) || !json_valid_ex(w.buf, w.len, true, &err, &at)) {
                fprintf(stderr, "%s:%d: invalid finding JSON (%s at %zu): ", __FILE__, line, err ? err : "failed", at);
                print_escaped(stderr, w.buf ? w.buf : "", w.buf ? w.len : 0);
                fputc('\n', stderr);
                failures++;
        }
        s = strdup(w.buf ? w.buf : "");
        jsonw_done(&w);
        return s;
}

/* No byte < 0x20 (except '\n' where allowed), no DEL, no C1 control (UTF-8 c2 80..c2 9f). */
static bool clean_text(const char *s, size_t n, bool allow_newline)
{
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];

                if (c == '\n' && allow_newline)
                        continue;
                if (c < 0x20 || c == 0x7f)
                        return false;
                if (c == 0xc2 && i + 1 < n && (unsigned char) s[i + 1] >= 0x80 && (unsigned char) s[i + 1] <= 0x9f)
                        return false;
        }
        return true;
}

static void check_message_at(int line, const Finding *f)
{
        char msg[2048];

        memset(msg, 'Z', sizeof(msg));
        finding_message(f, msg, sizeof(msg));
        if (!memchr(msg, 0, sizeof(msg)) || !clean_text(msg, strlen(msg), false)) {
                fprintf(stderr, "%s:%d: finding message not one clean line: ", __FILE__, line);
                print_escaped(stderr, msg, strnlen(msg, sizeof(msg)));
                fputc('\n', stderr);
                failures++;
        }
}

static void check_table_at(int line, const Finding *f)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);

        if (!out)
                abort();
        finding_print_table(out, f);
        fclose(out);
        if (len == 0 || buf[len - 1] != '\n' || !clean_text(buf, len, true)) {
                fprintf(stderr, "%s:%d: finding table block not clean: ", __FILE__, line);
                print_escaped(stderr, buf, len);
                fputc('\n', stderr);
                failures++;
        }
        free(buf);
}

static void setup(void)
{
        rb_init(&rb, 101);
        rb_int(&rb, 0, 0);
        rb_int(&rb, 1, 0);
        if (rb_decode(&rb, &ev) != 0)
                abort();
        ev.wall_ns = 1700000000123456789ull;
        ev.exe = "/usr/bin/packed";
        ev.exec_by = "/usr/bin/bash";
        ev.container_id = NULL;

        memset(&fnd, 0, sizeof(fnd));
        fnd.rule = rule_by_id("TRC-2");
        fnd.event = &ev;
        finding_add_str(&fnd, "request", "PTRACE_TRACEME");
        finding_add_int(&fnd, "n", -5);
        snprintf(fnd.summary, sizeof(fnd.summary), "called ptrace(PTRACE_TRACEME) to keep debuggers away");

        memset(anc, 0, sizeof(anc));
        anc[0].pid = 100;
        strcpy(anc[0].comm, "bash");
        strcpy(anc[0].exe, "/usr/bin/bash");
        anc[1].pid = 1;
        strcpy(anc[1].comm, "systemd");
        strcpy(anc[1].exe, "/usr/lib/systemd/systemd");
        fnd.ancestors[0] = &anc[0];
        fnd.ancestors[1] = &anc[1];
        fnd.nancestors = 2;
}

static void test_json(void)
{
        char *j;

        setup();
        j = json_of(&fnd, __LINE__);
        CHECK(strncmp(j, "{\"timestamp\":1700000000123456789,\"time\":\"2023-11-14T22:13:20.123456789Z\",", 73) == 0);
        CHECK_CONTAINS(j, "\"rule\":{\"id\":\"TRC-2\",\"name\":\"Anti-Debugging\",\"description\":\"");
        CHECK_CONTAINS(j, "\"severity\":3,\"severityName\":\"high\","
                          "\"mitre\":{\"tactic\":\"Defense Evasion\",\"technique\":\"Debugger Evasion\","
                          "\"id\":\"T1622\"},\"tags\":[\"linux\",\"container\"]}");
        CHECK_CONTAINS(j, "\"summary\":\"called ptrace(PTRACE_TRACEME) to keep debuggers away\"");
        CHECK_CONTAINS(j, "\"data\":{\"request\":\"PTRACE_TRACEME\",\"n\":-5}");
        CHECK_CONTAINS(j, "\"process\":{\"pid\":4242,\"tid\":4243,\"ppid\":1,\"nsPid\":4242,\"uid\":1000,"
                          "\"comm\":\"testproc\",\"executable\":\"/usr/bin/packed\",\"execBy\":\"/usr/bin/bash\","
                          "\"containerId\":\"\","
                          "\"ancestors\":[{\"pid\":100,\"comm\":\"bash\",\"executable\":\"/usr/bin/bash\"},"
                          "{\"pid\":1,\"comm\":\"systemd\",\"executable\":\"/usr/lib/systemd/systemd\"}]}");
        CHECK_CONTAINS(j, ",\"event\":{\"timestamp\":1700000000123456789,");
        CHECK_CONTAINS(j, "\"eventName\":\"ptrace\"");
        CHECK(strlen(j) > 2 && strcmp(j + strlen(j) - 3, "]}}") == 0);
        free(j);

        /* no data, no ancestors, a container, every rule's metadata */
        {
                size_t n;
                const Rule *const *all = rules_all(&n);

                for (size_t i = 0; i < n; i++) {
                        char want[64];

                        setup();
                        fnd.rule = all[i];
                        fnd.ndata = 0;
                        fnd.nancestors = 0;
                        ev.container_id = "4f2c9a7e1b3d";
                        ev.exe = NULL;
                        ev.exec_by = NULL;
                        j = json_of(&fnd, __LINE__);
                        snprintf(want, sizeof(want), "\"rule\":{\"id\":\"%s\"", all[i]->id);
                        CHECK_CONTAINS(j, want);
                        snprintf(want, sizeof(want), "\"severityName\":\"%s\"", severity_to_string(all[i]->severity));
                        CHECK_CONTAINS(j, want);
                        CHECK_CONTAINS(j, "\"data\":{}");
                        CHECK_CONTAINS(j, "\"executable\":\"\",\"execBy\":\"\",\"containerId\":\"4f2c9a7e1b3d\","
                                          "\"ancestors\":[]}");
                        free(j);
                }
        }
}

static const char hostile[] = "\x1b]2;x\x07\x1b[1;31m\"\\\n\r\t\x7f\xc2\x9b" "6n\xff\xfe\xed\xa0\x80\xc0\xaf\xe2\x82"
                              "\xf0\x9f\x98\x80\x01";

static void test_hostile(void)
{
        char *j;

        setup();
        rb_comm(&rb, "\x1b[2J\xc2\x9b\x07\n\xff\"\\");
        if (rb_decode(&rb, &ev) != 0)
                abort();
        ev.exe = hostile;
        ev.exec_by = hostile;
        ev.container_id = hostile;
        ev.hostname = hostile;
        snprintf(fnd.summary, sizeof(fnd.summary), "did %s things", hostile);
        finding_add_str(&fnd, "value", hostile);
        memcpy(anc[0].comm, "\x1b[2J\n\xff\x9b", 8);
        snprintf(anc[0].exe, sizeof(anc[0].exe), "%s", hostile);
        j = json_of(&fnd, __LINE__);
        CHECK_CONTAINS(j, "\\u001b]2;x\\u0007");
        free(j);
        check_message_at(__LINE__, &fnd);
        check_table_at(__LINE__, &fnd);

        /* a comm that fills all 16 bytes without a NUL (Proc.comm may come from anywhere) */
        memset(anc[1].comm, 'A', sizeof(anc[1].comm));
        j = json_of(&fnd, __LINE__);
        CHECK_CONTAINS(j, "\"comm\":\"AAAAAAAAAAAAAAAA\"");
        free(j);

        /* a summary that fills its buffer with bytes that expand when escaped */
        memset(fnd.summary, 0x1b, sizeof(fnd.summary) - 1);
        fnd.summary[sizeof(fnd.summary) - 1] = 0;
        check_message_at(__LINE__, &fnd);
        free(json_of(&fnd, __LINE__));

        /* random bytes everywhere */
        {
                uint64_t seed = 7;
                static char exe[300], cid[70];

                for (unsigned iter = 0; iter < 1000; iter++) {
                        setup();
                        for (size_t i = 0; i < sizeof(exe) - 1; i++)
                                exe[i] = (char) (test_rand(&seed) | 1);
                        exe[test_rand(&seed) % sizeof(exe)] = 0;
                        exe[sizeof(exe) - 1] = 0;
                        for (size_t i = 0; i < sizeof(cid) - 1; i++)
                                cid[i] = (char) (test_rand(&seed) | 1);
                        cid[test_rand(&seed) % sizeof(cid)] = 0;
                        cid[sizeof(cid) - 1] = 0;
                        for (int c = 0; c < TR_COMM_LEN; c++)
                                rb.h.comm[c] = (char) test_rand(&seed);
                        if (rb_decode(&rb, &ev) != 0)
                                abort();
                        ev.exe = exe;
                        ev.container_id = cid;
                        for (size_t i = 0; i < sizeof(fnd.summary) - 1; i++)
                                fnd.summary[i] = (char) (test_rand(&seed) | 1);
                        fnd.summary[test_rand(&seed) % sizeof(fnd.summary)] = 0;
                        fnd.summary[sizeof(fnd.summary) - 1] = 0;
                        fnd.ndata = 0;
                        finding_add_strn(&fnd, "v", exe, strlen(exe));
                        free(json_of(&fnd, __LINE__));
                        check_message_at(__LINE__, &fnd);
                        check_table_at(__LINE__, &fnd);
                        if (failures > 20)
                                return;
                }
        }
}

static void test_message(void)
{
        char msg[1024];

        setup();
        finding_message(&fnd, msg, sizeof(msg));
        CHECK_STREQ(msg, "TRC-2 Anti-Debugging: process testproc (pid 4242, uid 1000, /usr/bin/packed) called "
                         "ptrace(PTRACE_TRACEME) to keep debuggers away");
        ev.exe = NULL;
        ev.container_id = "4f2c9a7e1b3d";
        finding_message(&fnd, msg, sizeof(msg));
        CHECK_STREQ(msg, "TRC-2 Anti-Debugging: process testproc (pid 4242, uid 1000, executable unknown) in "
                         "container 4f2c9a7e1b3d called ptrace(PTRACE_TRACEME) to keep debuggers away");
        ev.container_id = "";
        finding_message(&fnd, msg, sizeof(msg));
        CHECK_NOT_CONTAINS(msg, "container");

        /* bounded by n */
        for (size_t n = 1; n < 40; n++) {
                char *small = malloc(n);

                finding_message(&fnd, small, n);
                CHECK(strlen(small) == n - 1);
                free(small);
        }

        /* table block */
        {
                char *buf = NULL;
                size_t len = 0;
                FILE *out = open_memstream(&buf, &len);

                setup();
                finding_print_table(out, &fnd);
                fclose(out);
                CHECK_CONTAINS(buf, "*** Detection *** 2023-11-14T22:13:20.123456789Z [high] TRC-2 Anti-Debugging");
                CHECK_CONTAINS(buf, "\n    request: PTRACE_TRACEME\n    n: -5\n");
                free(buf);
        }
}

/* TRC-7 on an exec whose environment was captured whole: the finding keeps the loader variable it
 * matched and argv, not the other variables (a token set beside LD_PRELOAD). */
static void test_no_environment(void)
{
        static const char *const argv[] = { "/usr/bin/true", "ARGV_MARK", NULL };
        static const char *const env[] = { "HOME=/root", "SECRET_TOKEN=hunter2", "LD_PRELOAD=/tmp/evil.so",
                                           NULL };
        static const char *const ld_env[] = { "LD_PRELOAD=/tmp/evil.so", NULL };
        const RuleOptions opts = {};
        Finding f = {};
        Event e;
        char *j;

        rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
        rb_str(&rb, 0, "/usr/bin/true");
        rb_strarr(&rb, 3, argv);
        rb_strarr(&rb, 4, env);
        rb_strarr(&rb, 13, ld_env);
        rb_int(&rb, 14, 1);
        CHECK(rb_decode(&rb, &e) == 0);
        f.rule = rule_by_id("TRC-7");
        f.event = &e;
        CHECK(f.rule && f.rule->match(&e, &opts, &f));
        j = json_of(&f, __LINE__);
        CHECK_CONTAINS(j, "\"data\":{\"variable\":\"LD_PRELOAD\",\"value\":\"/tmp/evil.so\"}");
        CHECK_CONTAINS(j, "\"ARGV_MARK\"");
        CHECK_NOT_CONTAINS(j, "SECRET_TOKEN");
        CHECK_NOT_CONTAINS(j, "HOME=");
        CHECK_NOT_CONTAINS(j, "\"name\":\"env\"");
        free(j);

        /* execve's envp, the same */
        rb_init(&rb, 59);
        rb_str(&rb, 0, "/usr/bin/true");
        rb_strarr(&rb, 1, argv);
        rb_strarr(&rb, 2, env);
        CHECK(rb_decode(&rb, &e) == 0);
        memset(&f, 0, sizeof(f));
        f.rule = rule_by_id("TRC-2");
        f.event = &e;
        j = json_of(&f, __LINE__);
        CHECK_CONTAINS(j, "\"ARGV_MARK\"");
        CHECK_CONTAINS(j, "\"argsNum\":2,");
        CHECK_NOT_CONTAINS(j, "SECRET_TOKEN");
        CHECK_NOT_CONTAINS(j, "\"envp\"");
        free(j);
}

int main(void)
{
        test_no_environment();
        test_json();
        test_message();
        test_hostile();
        return test_exit("test-finding");
}
