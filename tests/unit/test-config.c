/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/config.c: a full valid file (every section and key), warnings and errors
 * with file:line and the value, over-long lines (refused whole: their tail is never parsed as a
 * line of its own), NUL bytes, binary junk, an empty file, keys outside sections, indented lines,
 * and applying [rule] sections to the engine; combined exceptions, default_exceptions, the comm
 * warnings and an exceptions file on top of the configuration. Everything is parsed from strings, except NUL bytes,
 * which only a file can hold (a temporary file).
 */

#undef NDEBUG

#include "record-builder.h"

#include <unistd.h>

#include "../../agent/config.h"
#include "../../agent/engine.h"

static Config *cfg;
static ConfigDiag *dg;

static int parse(const char *text)
{
        config_defaults(cfg);
        memset(dg, 0, sizeof(*dg));
        return config_parse_string("t.conf", text, cfg, dg);
}

static void dump_diag(void)
{
        for (unsigned i = 0; i < dg->n_errors && i < CONFIG_MAX_DIAG; i++)
                fprintf(stderr, "    error: %s\n", dg->errors[i]);
        for (unsigned i = 0; i < dg->n_warnings && i < CONFIG_MAX_DIAG; i++)
                fprintf(stderr, "    warning: %s\n", dg->warnings[i]);
}

static bool has_diag(bool error, const char *text)
{
        unsigned n = error ? dg->n_errors : dg->n_warnings;

        for (unsigned i = 0; i < n && i < CONFIG_MAX_DIAG; i++)
                if (strstr(error ? dg->errors[i] : dg->warnings[i], text))
                        return true;
        return false;
}

#define CHECK_ERROR(text)                                                                       \
        do {                                                                                    \
                if (!has_diag(true, (text))) {                                                  \
                        fprintf(stderr, "%s:%d: no error containing \"%s\"; have:\n",           \
                                __FILE__, __LINE__, (text));                                    \
                        dump_diag();                                                            \
                        failures++;                                                             \
                }                                                                               \
        } while (0)

#define CHECK_WARNING(text)                                                                     \
        do {                                                                                    \
                if (!has_diag(false, (text))) {                                                 \
                        fprintf(stderr, "%s:%d: no warning containing \"%s\"; have:\n",         \
                                __FILE__, __LINE__, (text));                                    \
                        dump_diag();                                                            \
                        failures++;                                                             \
                }                                                                               \
        } while (0)

#define CHECK_CLEAN(r)                                                                          \
        do {                                                                                    \
                int _r = (r);                                                                   \
                if (_r != 0 || dg->n_errors || dg->n_warnings) {                                \
                        fprintf(stderr, "%s:%d: parse returned %d with diagnostics:\n",         \
                                __FILE__, __LINE__, _r);                                        \
                        dump_diag();                                                            \
                        failures++;                                                             \
                }                                                                               \
        } while (0)

static const RuleConfig *rule_cfg(const char *id)
{
        for (unsigned i = 0; i < cfg->n_rule; i++)
                if (strcmp(cfg->rule[i].id, id) == 0)
                        return &cfg->rule[i];
        return NULL;
}

static const char full[] =
        "; Tracee configuration\n"
        "# another comment style\n"
        "\n"
        "[agent]\n"
        "rules = TRC-1,TRC-2,TRC-7\n"
        "state_directory = /var/lib/tracee-test\n"
        "ringbuf_size = 8M\n"
        "btf_file = /boot/vmlinux.btf\n"
        "bpf_object = /usr/lib/tracee/tracee.bpf.o\n"
        "\n"
        "[output]\n"
        "journal = no\n"
        "stdout = json\n"
        "\n"
        "[rule TRC-2]\n"
        "enabled = no\n"
        "exception_exe = /usr/bin/strace\n"
        "exception_exe = /opt/debuggers/*\n"
        "exception_comm = gdb\n"
        "exception_uid = 0\n"
        "exception_uid = 4294967294\n"
        "exception_container = 4f2c9a7e1b3d\n"
        "\n"
        "[rule TRC-7]\n"
        "enabled = yes\n"
        "ld_library_path = yes\n"
        "\n"
        "[webhook siem]\n"
        "url = https://siem.example.com/hook\n"
        "format = json\n"
        "min_severity = high\n"
        "rules = TRC-1,TRC-3\n"
        "header = Authorization: Bearer abc\n"
        "header = X-Tenant: 7\n"
        "timeout = 10\n"
        "queue_size = 500\n"
        "queue_bytes = 2M\n"
        "ca_file = /etc/tracee/ca.pem\n"
        "client_cert = /etc/tracee/client.pem\n"
        "client_key = /etc/tracee/client.key\n"
        "insecure = no\n"
        "\n"
        "[webhook sidekick]\n"
        "url = http://127.0.0.1:2801/\n"
        "format = falcosidekick\n";

static void test_full(void)
{
        const RuleConfig *r;
        const WebhookConfig *w;

        /* exception_comm: a warning, the only diagnostic */
        CHECK_INT(parse(full), 0);
        CHECK_INT(dg->n_errors, 0);
        CHECK_INT(dg->n_warnings, 1);
        CHECK_STREQ(dg->warnings[0], "t.conf:19: [rule TRC-2] exception_comm=gdb: comm is chosen by the process "
                    "itself (prctl(PR_SET_NAME)); any process can take this name");
        CHECK_STREQ(cfg->rules, "TRC-1,TRC-2,TRC-7");
        CHECK_STREQ(cfg->state_directory, "/var/lib/tracee-test");
        CHECK_INT(cfg->ringbuf_size, 8u << 20);
        CHECK_STREQ(cfg->btf_file, "/boot/vmlinux.btf");
        CHECK_STREQ(cfg->bpf_object, "/usr/lib/tracee/tracee.bpf.o");
        CHECK(!cfg->journal);
        CHECK_INT(cfg->stdout_mode, STDOUT_JSON);
        CHECK(cfg->ld_library_path);
        CHECK_INT(cfg->n_rule, 2);
        r = rule_cfg("TRC-2");
        CHECK(r != NULL);
        if (r) {
                CHECK_INT(r->enabled, 0);
                CHECK_INT(r->exc.n_exe, 2);
                CHECK_STREQ(r->exc.exe_glob[0], "/usr/bin/strace");
                CHECK_STREQ(r->exc.exe_glob[1], "/opt/debuggers/*");
                CHECK_INT(r->exc.n_comm, 1);
                CHECK_STREQ(r->exc.comm[0], "gdb");
                CHECK_INT(r->exc.n_uid, 2);
                CHECK(r->exc.uid[0] == 0 && r->exc.uid[1] == 4294967294u);
                CHECK_INT(r->exc.n_container, 1);
                CHECK_STREQ(r->exc.container[0], "4f2c9a7e1b3d");
        }
        r = rule_cfg("TRC-7");
        CHECK(r && r->enabled == 1 && r->exc.n_exe == 0);
        CHECK_INT(cfg->n_webhook, 2);
        w = &cfg->webhook[0];
        CHECK_STREQ(w->name, "siem");
        CHECK_STREQ(w->url, "https://siem.example.com/hook");
        CHECK(w->format_json);
        CHECK_INT(w->min_severity, SEVERITY_HIGH);
        CHECK_STREQ(w->rules, "TRC-1,TRC-3");
        CHECK_INT(w->n_headers, 2);
        CHECK_STREQ(w->headers[0], "Authorization: Bearer abc");
        CHECK_STREQ(w->headers[1], "X-Tenant: 7");
        CHECK_INT(w->timeout_ms, 10000);
        CHECK_INT(w->queue_size, 500);
        CHECK_INT(w->queue_bytes, 2u << 20);
        CHECK_STREQ(w->ca_file, "/etc/tracee/ca.pem");
        CHECK_STREQ(w->client_cert, "/etc/tracee/client.pem");
        CHECK_STREQ(w->client_key, "/etc/tracee/client.key");
        CHECK(!w->insecure);
        CHECK_STREQ(w->source, "t.conf");
        w = &cfg->webhook[1];
        CHECK_STREQ(w->name, "sidekick");
        CHECK(!w->format_json);
        CHECK_INT(w->timeout_ms, 5000);         /* defaults */
        CHECK_INT(w->queue_size, 1000);
        CHECK_INT(w->queue_bytes, CONFIG_WEBHOOK_QUEUE_BYTES_DEFAULT);
        CHECK_INT(w->min_severity, SEVERITY_INFO);

        /* defaults */
        CHECK_CLEAN(parse(""));
        CHECK_STREQ(cfg->rules, "all");
        CHECK_STREQ(cfg->state_directory, "/var/lib/tracee");
        CHECK(cfg->journal);
        CHECK_INT(cfg->stdout_mode, STDOUT_TABLE);
        CHECK_INT(cfg->ringbuf_size, 0);
        CHECK_INT(cfg->n_rule, 0);
        CHECK_INT(cfg->n_webhook, 0);

        /* other accepted spellings */
        CHECK_CLEAN(parse("[agent]\nringbuf_size=4096\n[output]\njournal=TRUE\nstdout=none\n"
                          "[rule trc-2]\nenabled=Off\n[rule TRC-2]\nexception_uid=7\n"));
        CHECK_INT(cfg->ringbuf_size, 4096);
        CHECK(cfg->journal);
        CHECK_INT(cfg->stdout_mode, STDOUT_NONE);
        CHECK_INT(cfg->n_rule, 1);              /* the same section, case-insensitively */
        CHECK_CLEAN(parse("[agent]\nringbuf_size = 1G\n[output]\nstdout = table ; inline comment\n"));
        CHECK_INT(cfg->ringbuf_size, 1u << 30);
        CHECK_INT(cfg->stdout_mode, STDOUT_TABLE);
        CHECK_CLEAN(parse("[agent]\r\nringbuf_size = 64KiB\r\n"));     /* CRLF */
        CHECK_INT(cfg->ringbuf_size, 65536);

        /* a second file adds to the first */
        CHECK_CLEAN(parse("[webhook a]\nurl=http://a/\n"));
        CHECK_INT(config_parse_string("u.conf", "[webhook b]\nurl=http://b/\n", cfg, dg), 0);
        CHECK_INT(cfg->n_webhook, 2);
        CHECK_STREQ(cfg->webhook[1].source, "u.conf");
}

static void test_warnings(void)
{
        CHECK_INT(parse("[agent]\nrules = all\nx = 1\n"), 0);
        CHECK_INT(dg->n_errors, 0);
        CHECK_INT(dg->n_warnings, 1);
        CHECK_STREQ(dg->warnings[0], "t.conf:3: unknown key 'x' in [agent], ignoring");
        CHECK_INT(parse("\n\n[output]\ncolour = yes\n"), 0);
        CHECK_STREQ(dg->warnings[0], "t.conf:4: unknown key 'colour' in [output], ignoring");
        CHECK_INT(parse("[rule TRC-2]\nld_library_path = yes\n"), 0);   /* TRC-7 only */
        CHECK_STREQ(dg->warnings[0], "t.conf:2: unknown key 'ld_library_path' in [rule TRC-2], ignoring");
        CHECK(!cfg->ld_library_path);
        CHECK_INT(parse("[webhook w]\nurl=http://x/\nretries=3\n"), 0);
        CHECK_STREQ(dg->warnings[0], "t.conf:3: unknown key 'retries' in [webhook w], ignoring");
        CHECK_INT(parse("[agnet]\nrules=all\n"), 0);
        CHECK_STREQ(dg->warnings[0], "t.conf:2: unknown section [agnet], ignoring");
}

static void test_errors(void)
{
        CHECK_INT(parse("[agent]\nringbuf_size=3000\n"), -EINVAL);
        CHECK_INT(dg->n_errors, 1);
        CHECK_ERROR("t.conf:2: [agent] ringbuf_size=3000 is invalid: expected a power of two");
        CHECK_INT(cfg->ringbuf_size, 0);
        CHECK_INT(parse("[agent]\nringbuf_size=2048\nringbuf_size=2G\nringbuf_size=-4096\nringbuf_size=4X\n"
                        "ringbuf_size=\nringbuf_size=99999999999999999999G\n"), -EINVAL);
        CHECK_INT(dg->n_errors, 6);
        CHECK_ERROR("t.conf:2: [agent] ringbuf_size=2048 is invalid");
        CHECK_ERROR("t.conf:3: [agent] ringbuf_size=2G is invalid");
        CHECK_ERROR("t.conf:4: [agent] ringbuf_size=-4096 is invalid");
        CHECK_ERROR("t.conf:5: [agent] ringbuf_size=4X is invalid");
        CHECK_ERROR("t.conf:6: [agent] ringbuf_size= is invalid");
        CHECK_ERROR("t.conf:7: [agent] ringbuf_size=99999999999999999999G is invalid");
        CHECK_INT(parse("[agent]\nstate_directory = relative/dir\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [agent] state_directory=relative/dir is invalid: expected an absolute path");

        CHECK_INT(parse("[output]\njournal=maybe\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [output] journal=maybe is invalid: expected yes or no");
        CHECK(cfg->journal);
        CHECK_INT(parse("[output]\nstdout=xml\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [output] stdout=xml is invalid: expected none, json or table");

        CHECK_INT(parse("[rule TRC-2]\nenabled=perhaps\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [rule TRC-2] enabled=perhaps is invalid: expected yes or no");
        CHECK(rule_cfg("TRC-2") && rule_cfg("TRC-2")->enabled == -1);
        CHECK_INT(parse("[rule TRC-2]\nexception_uid=-1\nexception_uid=abc\nexception_uid=4294967295\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [rule TRC-2] exception_uid=-1 is invalid: expected a numeric uid");
        CHECK_ERROR("t.conf:3: [rule TRC-2] exception_uid=abc is invalid");
        CHECK_ERROR("t.conf:4: [rule TRC-2] exception_uid=4294967295 is invalid");
        CHECK(rule_cfg("TRC-2") && rule_cfg("TRC-2")->exc.n_uid == 0);
        CHECK_INT(parse("[rule TRC-2]\nexception_comm=averyveryverylongname\nexception_exe=\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [rule TRC-2] exception_comm=averyveryverylongname is invalid: expected a process "
                    "name of at most 15 bytes");
        CHECK_ERROR("t.conf:3: [rule TRC-2] exception_exe= is invalid: expected a non-empty value");
        CHECK_INT(parse("[rule TRC-7]\nld_library_path=sometimes\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [rule TRC-7] ld_library_path=sometimes is invalid");

        CHECK_INT(parse("[webhook w]\nurl=ftp://x\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [webhook w] url=ftp://x is invalid: expected an http:// or https:// URL");
        CHECK_INT(parse("[webhook w]\nurl=http://x/\ntimeout=0\ntimeout=301\ntimeout=ten\n"), -EINVAL);
        CHECK_ERROR("t.conf:3: [webhook w] timeout=0 is invalid: expected seconds, from 1 to 300");
        CHECK_ERROR("t.conf:4: [webhook w] timeout=301 is invalid");
        CHECK_ERROR("t.conf:5: [webhook w] timeout=ten is invalid");
        CHECK_INT(parse("[webhook w]\nmin_severity=urgent\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [webhook w] min_severity=urgent is invalid: expected info, low, medium, high or "
                    "critical");
        CHECK_INT(parse("[webhook w]\nheader=NoColonHere\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [webhook w] header=NoColonHere is invalid: expected Name: value");
        CHECK_INT(cfg->webhook[0].n_headers, 0);
        CHECK_INT(parse("[webhook w]\nformat=xml\nqueue_size=0\ninsecure=kinda\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [webhook w] format=xml is invalid");
        CHECK_ERROR("t.conf:3: [webhook w] queue_size=0 is invalid");
        CHECK_ERROR("t.conf:4: [webhook w] insecure=kinda is invalid");
        /* byte bounds: 64K to 1G */
        CHECK_INT(parse("[webhook w]\nqueue_bytes=1000\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [webhook w] queue_bytes=1000 is invalid: expected bytes, from 64K to 1G");
        CHECK_INT(parse("[webhook w]\nqueue_bytes=2G\n"), -EINVAL);
        CHECK_INT(parse("[output]\njournal_queue_bytes=-1\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [output] journal_queue_bytes=-1 is invalid");
        CHECK_CLEAN(parse("[output]\njournal_queue_bytes=64K\n[webhook w]\nqueue_bytes=1G\n"));
        CHECK_INT(cfg->journal_queue_bytes, 64 * 1024);
        CHECK_INT(cfg->webhook[0].queue_bytes, 1u << 30);
        CHECK_CLEAN(parse(""));
        CHECK_INT(cfg->journal_queue_bytes, CONFIG_JOURNAL_QUEUE_BYTES_DEFAULT);
        {
                char text[2048];
                size_t o = (size_t) snprintf(text, sizeof(text), "[webhook w]\n");

                for (int i = 0; i < CONFIG_MAX_HEADERS + 1; i++)
                        o += (size_t) snprintf(text + o, sizeof(text) - o, "header=H%d: v\n", i);
                CHECK_INT(parse(text), -EINVAL);
                CHECK_ERROR("t.conf:10: [webhook w] too many headers (at most 8)");
                CHECK_INT(cfg->webhook[0].n_headers, CONFIG_MAX_HEADERS);
        }
        {
                char text[4096];
                size_t o = 0;

                for (int i = 0; i < CONFIG_MAX_WEBHOOKS + 1; i++)
                        o += (size_t) snprintf(text + o, sizeof(text) - o, "[webhook w%d]\nurl=http://x/\n", i);
                CHECK_INT(parse(text), -EINVAL);
                CHECK_ERROR("t.conf:34: too many [webhook] sections (at most 16) or a bad name 'w16'");
                CHECK_INT(cfg->n_webhook, CONFIG_MAX_WEBHOOKS);
        }
        {
                char text[4096];
                size_t o = (size_t) snprintf(text, sizeof(text), "[rule TRC-1]\n");

                for (int i = 0; i < EXCEPTIONS_MAX + 1; i++)
                        o += (size_t) snprintf(text + o, sizeof(text) - o, "exception_uid=%d\n", i);
                CHECK_INT(parse(text), -EINVAL);
                CHECK_ERROR("t.conf:34: [rule TRC-1] too many exception_uid entries");
        }
        CHECK_INT(parse("[rule TRC-1-and-a-very-long-id]\nenabled=no\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: too many [rule] sections or rule ID 'TRC-1-and-a-very-long-id' too long");

        /* keys outside any section, syntax errors */
        CHECK_INT(parse("rules = all\n[agent]\n"), -EINVAL);
        CHECK_ERROR("t.conf:1: 'rules' is outside any section");
        CHECK_INT(parse("[agent]\nrules all\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: syntax error");
        CHECK_INT(parse("[agent\nrules=all\n"), -EINVAL);
        CHECK_ERROR("t.conf:1: syntax error");

        /* a value that does not fit its field */
        {
                char text[512];

                snprintf(text, sizeof(text), "[agent]\nbtf_file=/%0180d\n", 0);
                CHECK_INT(parse(text), 0);      /* 181 bytes fit in 200 */
                snprintf(text, sizeof(text), "[rule TRC-1]\nexception_exe=/%0180d\n", 0);
                CHECK_INT(parse(text), 0);      /* and in 256 */
                snprintf(text, sizeof(text), "[rule TRC-1]\nexception_container=%0100d\n", 0);
                CHECK_INT(parse(text), -EINVAL); /* but not in 65 */
                CHECK_ERROR("t.conf:2: [rule TRC-1] exception_container=0000");
        }
}

static void test_long_lines(void)
{
        char text[2048], line[400];
        const RuleConfig *r;

        /* 300 bytes whose tail reads "enabled=no": refused whole, the rule is not disabled */
        memset(line, 0, sizeof(line));
        strcpy(line, "exception_exe=/");
        memset(line + strlen(line), 'x', 290 - strlen(line));
        strcpy(line + 290, "enabled=no");
        CHECK_INT(strlen(line), 300);
        snprintf(text, sizeof(text), "[rule TRC-2]\nenabled=yes\n%s\nexception_comm=ok\n", line);
        CHECK_INT(parse(text), -EINVAL);
        CHECK_INT(dg->n_errors, 1);
        CHECK_ERROR("t.conf:3: line is longer than 198 bytes or holds a NUL byte, ignoring it");
        r = rule_cfg("TRC-2");
        CHECK(r && r->enabled == 1);
        CHECK(r && r->exc.n_exe == 0);
        CHECK(r && r->exc.n_comm == 1);         /* the next line is read, with the right number */

        /* the same with the tail split exactly where a 200-byte buffer would cut */
        for (size_t at = 190; at < 210; at++) {
                memset(line, 'y', at);
                line[0] = ';';
                strcpy(line + at, "\nenabled=no");
                line[at] = 0;
                snprintf(text, sizeof(text), "[rule TRC-2]\n%senabled=no\n", line);
                parse(text);
                r = rule_cfg("TRC-2");
                if (at + strlen("enabled=no") > 198)
                        CHECK_MSG(!r || r->enabled == -1, "tail of a %zu+10 byte line was parsed", at);
        }

        /* boundary: 198 bytes of content is fine, 199 is not */
        memset(line, 0, sizeof(line));
        strcpy(line, "btf_file=/");
        memset(line + strlen(line), 'b', 198 - strlen(line));
        snprintf(text, sizeof(text), "[agent]\n%s\n", line);
        CHECK_CLEAN(parse(text));
        CHECK_INT(strlen(cfg->btf_file), 189);
        line[198] = 'b';
        snprintf(text, sizeof(text), "[agent]\n%s\n", line);
        CHECK_INT(parse(text), -EINVAL);
        CHECK_ERROR("t.conf:2: line is longer than 198 bytes");
        CHECK_STREQ(cfg->btf_file, "");
        /* the last line, without a newline */
        snprintf(text, sizeof(text), "[agent]\n%s", line);
        CHECK_INT(parse(text), -EINVAL);
        CHECK_ERROR("t.conf:2: line is longer");

        /* a very long line */
        {
                char *big = malloc(100000);

                memset(big, 'k', 99990);
                strcpy(big + 99990, "=v\n[x\n");
                memcpy(big, "[agent]\n", 8);
                CHECK_INT(parse(big), -EINVAL);
                CHECK_ERROR("t.conf:2: line is longer");
                CHECK_ERROR("t.conf:3: syntax error");
                free(big);
        }
}

static void test_indented(void)
{
        const RuleConfig *r;

        /* indented keys are keys, not continuations of the previous value */
        CHECK_INT(parse("[rule TRC-2]\n    exception_exe = /usr/bin/a\n    enabled = no\n\t exception_comm = b\n"), 0);
        CHECK_INT(dg->n_errors, 0);
        CHECK_INT(dg->n_warnings, 1);           /* comm */
        r = rule_cfg("TRC-2");
        CHECK(r && r->enabled == 0);
        CHECK(r && r->exc.n_exe == 1 && strcmp(r->exc.exe_glob[0], "/usr/bin/a") == 0);
        CHECK(r && r->exc.n_comm == 1 && strcmp(r->exc.comm[0], "b") == 0);
        CHECK_CLEAN(parse("  [agent]\n  rules = TRC-1\n   \n\t\n"));
        CHECK_STREQ(cfg->rules, "TRC-1");
}

static int write_temp(const void *data, size_t n, char *path, size_t pathsz)
{
        const char *dir = getenv("TMPDIR");
        int fd;

        snprintf(path, pathsz, "%s/tracee-test-config-XXXXXX", dir && *dir ? dir : "/tmp");
        fd = mkstemp(path);
        if (fd < 0)
                return -errno;
        if (write(fd, data, n) != (ssize_t) n) {
                close(fd);
                unlink(path);
                return -EIO;
        }
        close(fd);
        return 0;
}

static int parse_bytes(const void *data, size_t n)
{
        char path[4096];
        int r;

        config_defaults(cfg);
        memset(dg, 0, sizeof(*dg));
        if (write_temp(data, n, path, sizeof(path)) < 0) {
                fprintf(stderr, "cannot write a temporary file; skipping\n");
                return 0;
        }
        r = config_parse_file(path, cfg, dg);
        unlink(path);
        return r;
}

static void test_nul_and_junk(void)
{
        static const char nul_text[] = "[rule TRC-2]\nenabled=n\0o\nexception_comm=a\0enabled=no\nexception_uid=7\n";
        const RuleConfig *r;
        uint64_t seed = 99;

        /* a NUL inside a line: the line is refused, not cut at the NUL ("enabled=n" would be "no") */
        CHECK_INT(parse_bytes(nul_text, sizeof(nul_text) - 1), -EINVAL);
        CHECK_INT(dg->n_errors, 2);
        r = rule_cfg("TRC-2");
        CHECK(r && r->enabled == -1);
        CHECK(r && r->exc.n_comm == 0);
        CHECK(r && r->exc.n_uid == 1 && r->exc.uid[0] == 7);
        if (dg->n_errors >= 2) {
                CHECK_CONTAINS(dg->errors[0], ":2: line is longer than 198 bytes or holds a NUL byte");
                CHECK_CONTAINS(dg->errors[1], ":3: line is longer than 198 bytes or holds a NUL byte");
        }

        /* a file that does not exist */
        config_defaults(cfg);
        memset(dg, 0, sizeof(*dg));
        CHECK_INT(config_parse_file("/nonexistent/tracee.conf", cfg, dg), -ENOENT);
        /* an empty file */
        CHECK_INT(parse_bytes("", 0), 0);
        CHECK_INT(dg->n_errors + dg->n_warnings, 0);
        /* a UTF-8 BOM */
        CHECK_INT(parse_bytes("\xef\xbb\xbf[agent]\nrules=TRC-3\n", 23), 0);
        CHECK_STREQ(cfg->rules, "TRC-3");

        /* binary junk: never crashes, diagnostics stay bounded and NUL-terminated */
        for (unsigned iter = 0; iter < 300; iter++) {
                static char junk[4096];
                size_t n = test_rand(&seed) % sizeof(junk);
                int rr;

                for (size_t i = 0; i < n; i++) {
                        uint64_t x = test_rand(&seed);

                        /* some structure now and then, so the handlers see junk too */
                        junk[i] = x % 7 == 0 ? '\n' : x % 11 == 0 ? '=' : x % 13 == 0 ? '[' : (char) (x >> 8);
                }
                if (iter % 2) {
                        rr = parse_bytes(junk, n);
                } else {
                        junk[n] = 0;
                        rr = parse(junk);
                }
                CHECK(rr == 0 || rr == -EINVAL);
                for (unsigned i = 0; i < dg->n_errors && i < CONFIG_MAX_DIAG; i++)
                        CHECK(memchr(dg->errors[i], 0, sizeof(dg->errors[i])) != NULL);
                for (unsigned i = 0; i < cfg->n_webhook; i++)
                        CHECK(strlen(cfg->webhook[i].url) < sizeof(cfg->webhook[i].url));
                CHECK(cfg->n_rule <= CONFIG_MAX_RULES && cfg->n_webhook <= CONFIG_MAX_WEBHOOKS);
        }
        /* more diagnostics than fit: counted, not stored */
        {
                char text[4096];
                size_t o = (size_t) snprintf(text, sizeof(text), "[output]\n");

                for (int i = 0; i < 40; i++)
                        o += (size_t) snprintf(text + o, sizeof(text) - o, "journal=maybe\n");
                CHECK_INT(parse(text), -EINVAL);
                CHECK_INT(dg->n_errors, 40);
        }
}

static void test_apply(void)
{
        Engine *e = NULL;
        RuleState *s;
        RecBuilder *rb = calloc(1, sizeof(RecBuilder));
        Event ev;
        static const char *const env[] = { "LD_LIBRARY_PATH=/opt/x", NULL };

        CHECK_INT(engine_new(NULL, NULL, &e), 0);
        if (!e || !rb)
                return;

        CHECK_INT(parse(full), 0);
        memset(dg, 0, sizeof(*dg));
        CHECK_INT(config_apply_rules(cfg, e, dg), 0);
        CHECK_INT(dg->n_errors, 0);
        s = engine_rule(e, "TRC-2");
        CHECK(s && !s->enabled);
        CHECK(s && s->exc.n_exe == 2 && strcmp(s->exc.exe_glob[1], "/opt/debuggers/*") == 0);
        CHECK(s && s->exc.n_comm == 1 && s->exc.n_uid == 2 && s->exc.n_container == 1);
        s = engine_rule(e, "TRC-7");
        CHECK(s && s->enabled);
        CHECK(engine_rule(e, "TRC-1")->enabled);        /* not mentioned: unchanged */

        /* the options reach the rules: LD_LIBRARY_PATH now counts */
        rb_init(rb, TR_EV_SCHED_PROCESS_EXEC);
        rb_str(rb, 0, "/usr/bin/ls");
        rb_strarr(rb, 4, env);
        CHECK_INT(rb_decode(rb, &ev), 0);
        CHECK_INT(engine_dispatch(e, &ev), 1);

        /* the exceptions reach the rules */
        CHECK_INT(parse("[rule TRC-7]\nexception_exe=/usr/bin/*\nexception_uid=1000\nld_library_path=yes\n"), 0);
        CHECK_INT(config_apply_rules(cfg, e, dg), 0);
        ev.exe = "/usr/bin/ls";
        CHECK_INT(engine_dispatch(e, &ev), 0);
        CHECK_INT(engine_rule(e, "TRC-7")->suppressed, 1);
        ev.exe = "/opt/ls";
        CHECK_INT(engine_dispatch(e, &ev), 0);          /* uid 1000 */
        CHECK_INT(engine_rule(e, "TRC-7")->suppressed, 2);
        ev.h.uid = 0;
        CHECK_INT(engine_dispatch(e, &ev), 1);
        CHECK_INT(engine_rule(e, "TRC-7")->findings, 2);
        /* ld_library_path not set in this config: back to the default, no match at all */
        CHECK_INT(parse("[rule TRC-7]\nexception_comm=zz\n"), 0);
        CHECK_INT(config_apply_rules(cfg, e, dg), 0);
        CHECK_INT(engine_dispatch(e, &ev), 0);
        CHECK_INT(engine_rule(e, "TRC-7")->suppressed, 2);
        CHECK_INT(engine_rule(e, "TRC-7")->exc.n_exe, 0);       /* replaced, not merged */

        /* unknown rule ids: an error with a suggestion, other sections still applied */
        CHECK_INT(parse("[rule TRC-22]\nenabled=no\n[rule TRC-3]\nenabled=no\n[rule NOPE-NOPE]\nenabled=no\n"), 0);
        memset(dg, 0, sizeof(*dg));
        CHECK_INT(config_apply_rules(cfg, e, dg), -EINVAL);
        CHECK_INT(dg->n_errors, 2);
        CHECK_ERROR("[rule TRC-22]: no such rule (did you mean TRC-2?)");
        CHECK_ERROR("[rule NOPE-NOPE]: no such rule");
        CHECK(!has_diag(true, "NOPE-NOPE]: no such rule (did you mean"));
        CHECK(!engine_rule(e, "TRC-3")->enabled);

        engine_free(e);
        free(rb);

        /* parse_boolean */
        {
                bool b;

                CHECK(parse_boolean("YES", &b) && b);
                CHECK(parse_boolean("off", &b) && !b);
                CHECK(parse_boolean("1", &b) && b);
                CHECK(!parse_boolean("", &b));
                CHECK(!parse_boolean("2", &b));
                CHECK(!parse_boolean("yes ", &b));
        }
}

/* `exception =` (combined), default_exceptions, the comm warnings, an exceptions file on top of
 * the configuration, and applying it all to an engine. */
static void test_exceptions(void)
{
        const RuleConfig *r;
        Engine *e = NULL;
        RuleState *s;
        char path[256];
        static const char file[] =
                "[rule TRC-2]\n"
                "exception = exe=/usr/bin/gdb uid=1000\n"
                "default_exceptions = no\n"
                "[agent]\n"
                "rules = TRC-2\n"
                "[rule TRC-5]\n"
                "exception_exe = /opt/x/**\n";

        CHECK_CLEAN(parse("[rule TRC-4]\n"
                          "exception = exe=/usr/lib/jvm/** uid=1000\n"
                          "exception =   exec_by=/usr/bin/runc\tparent=init parent_uid=0  \n"
                          "exception = exe=/opt/my\\ app/** container=c0ffee\n"
                          "exception = event=mprotect exe=/usr/bin/node\n"
                          "exception = comm=node exe=/usr/bin/node\n"
                          "default_exceptions = no\n"
                          "[rule TRC-5]\n"
                          "default_exceptions = yes\n"));
        r = rule_cfg("TRC-4");
        CHECK(r && r->exc.n_combined == 5 && r->default_exceptions == 0);
        if (r && r->exc.n_combined == 5) {
                CHECK_INT(r->exc.combined[0].conds, EXC_EXE | EXC_UID);
                CHECK_STREQ(r->exc.combined[0].exe, "/usr/lib/jvm/**");
                CHECK_INT(r->exc.combined[1].conds, EXC_EXEC_BY | EXC_PARENT_INIT | EXC_PARENT_UID);
                CHECK_STREQ(r->exc.combined[2].exe, "/opt/my\\ app/**");
                CHECK_STREQ(r->exc.combined[2].container, "c0ffee");
        }
        r = rule_cfg("TRC-5");
        CHECK(r && r->default_exceptions == 1 && r->exc.n_combined == 0);
        CHECK_CLEAN(parse("[rule TRC-5]\nenabled = yes\n"));
        CHECK(rule_cfg("TRC-5") && rule_cfg("TRC-5")->default_exceptions == -1);

        /* bad input: an error naming the file, the line and the value */
        CHECK_INT(parse("[rule TRC-4]\n\nexception = exe=/x user=1000\n"), -EINVAL);
        CHECK_ERROR("t.conf:3: [rule TRC-4] exception=exe=/x user=1000 is invalid: unknown condition 'user=1000'");
        CHECK_INT(parse("[rule TRC-4]\nexception = uid=12x\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [rule TRC-4] exception=uid=12x is invalid: uid=12x: expected a numeric user ID");
        CHECK_INT(parse("[rule TRC-4]\nexception = exe=/a exe=/b\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [rule TRC-4] exception=exe=/a exe=/b is invalid: exe= is given twice");
        CHECK_INT(parse("[rule TRC-4]\nexception =\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [rule TRC-4] exception= is invalid: no condition");
        CHECK_INT(parse("[rule TRC-4]\nexception = parent=2\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [rule TRC-4] exception=parent=2 is invalid: parent=2: expected parent=init");
        CHECK_INT(parse("[rule TRC-4]\nexception = event=nope\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [rule TRC-4] exception=event=nope is invalid: event=nope: no event named 'nope'");
        CHECK_INT(parse("[rule TRC-4]\ndefault_exceptions = maybe\n"), -EINVAL);
        CHECK_ERROR("t.conf:2: [rule TRC-4] default_exceptions=maybe is invalid: expected yes or no");
        {
                char big[8192];
                size_t o = (size_t) snprintf(big, sizeof(big), "[rule TRC-4]\n");

                for (int i = 0; i <= EXCEPTIONS_COMBINED_MAX; i++)
                        o += (size_t) snprintf(big + o, sizeof(big) - o, "exception = uid=%d\n", i);
                CHECK_INT(parse(big), -EINVAL);
                CHECK_ERROR("t.conf:18: [rule TRC-4] too many exception entries (at most 16)");
                CHECK_INT(rule_cfg("TRC-4")->exc.n_combined, EXCEPTIONS_COMBINED_MAX);
        }

        /* warnings: comm chosen by the process (alone, or without an executable to pin it), an
         * event the rule never sees */
        CHECK_INT(parse("[rule TRC-2]\nexception_comm = gdb\n"), 0);
        CHECK_INT(dg->n_errors, 0);
        CHECK_WARNING("t.conf:2: [rule TRC-2] exception_comm=gdb: comm is chosen by the process itself "
                      "(prctl(PR_SET_NAME)); any process can take this name");
        CHECK_INT(parse("[rule TRC-2]\nexception = comm=gdb uid=1000\n"), 0);
        CHECK_WARNING("t.conf:2: [rule TRC-2] exception=comm=gdb uid=1000: comm is chosen by the process itself");
        CHECK_CLEAN(parse("[rule TRC-2]\nexception = comm=gdb exe=/usr/bin/gdb\n"));
        CHECK_CLEAN(parse("[rule TRC-2]\nexception = comm=gdb exec_by=/usr/bin/gdb\n"));
        CHECK_INT(parse("[rule TRC-2]\nexception = event=openat uid=0\n"), 0);
        CHECK_WARNING("t.conf:2: [rule TRC-2] exception=event=openat uid=0: rule TRC-2 does not watch openat, "
                      "so that part never applies");
        CHECK_INT(parse("[rule TRC-2]\nexception = event=ptrace,openat uid=0\n"), 0);
        CHECK_INT(dg->n_warnings, 1);
        CHECK_WARNING("does not watch openat");
        CHECK_CLEAN(parse("[rule TRC-2]\nexception = event=ptrace uid=0\n"));

        /* an exceptions file: only its [rule] sections, added to the configuration's */
        if (write_temp(file, sizeof(file) - 1, path, sizeof(path)) == 0) {
                CHECK_CLEAN(parse("[agent]\nrules = all\n[rule TRC-2]\nexception_exe = /usr/bin/strace\n"
                                  "exception = uid=5\n"));
                CHECK_INT(config_parse_exceptions_file(path, cfg, dg), 0);
                CHECK_INT(dg->n_errors, 0);
                CHECK_INT(dg->n_warnings, 1);
                CHECK(has_diag(false, ":5: only [rule] sections are read from an exceptions file, ignoring "
                               "'rules' in [agent]"));
                CHECK_STREQ(cfg->rules, "all");
                r = rule_cfg("TRC-2");
                CHECK(r && r->exc.n_exe == 1 && r->exc.n_combined == 2 && r->default_exceptions == 0);
                r = rule_cfg("TRC-5");
                CHECK(r && r->exc.n_exe == 1 && strcmp(r->exc.exe_glob[0], "/opt/x/**") == 0);
                unlink(path);
        }
        CHECK_INT(config_parse_exceptions_file("/nonexistent/tracee-exceptions", cfg, dg), -ENOENT);

        /* applied: every rule's exceptions replaced, defaults on unless turned off */
        CHECK_INT(engine_new(NULL, NULL, &e), 0);
        if (!e)
                return;
        CHECK_INT(parse("[rule TRC-5]\ndefault_exceptions = no\nexception = uid=1\n[rule TRC-2]\nexception = uid=2\n"),
                  0);
        CHECK_INT(config_apply_rules(cfg, e, dg), 0);
        s = engine_rule(e, "TRC-5");
        CHECK(s && !s->defaults_enabled && s->exc.n_combined == 1 && s->n_defaults == 4);
        s = engine_rule(e, "TRC-1");
        CHECK(s && s->defaults_enabled && s->n_defaults == 18);
        CHECK_INT(parse("[rule TRC-2]\nexception = uid=3\n"), 0);
        CHECK_INT(config_apply_rules(cfg, e, dg), 0);
        s = engine_rule(e, "TRC-5");    /* its section is gone: no exceptions, defaults back on */
        CHECK(s && s->defaults_enabled && s->exc.n_combined == 0);
        s = engine_rule(e, "TRC-2");
        CHECK(s && s->exc.n_combined == 1 && s->exc.combined[0].uid == 3);
        engine_free(e);
}

int main(void)
{
        cfg = calloc(1, sizeof(*cfg));
        dg = calloc(1, sizeof(*dg));
        if (!cfg || !dg)
                return EXIT_FAILURE;
        test_full();
        test_warnings();
        test_errors();
        test_long_lines();
        test_indented();
        test_nul_and_junk();
        test_apply();
        test_exceptions();
        free(cfg);
        free(dg);
        return test_exit("test-config");
}
