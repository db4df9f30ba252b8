/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See config.h. inih calls our reader once per line, so the reader counts lines for the messages
 * and refuses lines that would not fit inih's buffer (instead of letting inih split them, which
 * would parse the tail of a long line as a line of its own).
 */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "config.h"
#include "log.h"

typedef enum ParseScope {
        SCOPE_ALL,
        SCOPE_RULES,                    /* an exceptions file: [rule] sections only */
        SCOPE_WEBHOOKS,                 /* TRACEE_WEBHOOK_CONFIG: [webhook] sections only */
} ParseScope;

typedef struct Parser {
        const char *name;
        Config *c;
        ConfigDiag *diag;
        unsigned line;
        /* source: a FILE or a string */
        FILE *f;
        const char *s;
        ParseScope scope;
} Parser;

static void diag_add(ConfigDiag *d, bool error, const char *fmt, ...)
{
        va_list ap;
        char *dst;

        if (error) {
                if (d->n_errors >= CONFIG_MAX_DIAG) {
                        d->n_errors++;
                        return;
                }
                dst = d->errors[d->n_errors++];
        } else {
                if (d->n_warnings >= CONFIG_MAX_DIAG) {
                        d->n_warnings++;
                        return;
                }
                dst = d->warnings[d->n_warnings++];
        }
        va_start(ap, fmt);
        vsnprintf(dst, 320, fmt, ap);
        va_end(ap);
}

void config_defaults(Config *c)
{
        memset(c, 0, sizeof(*c));
        strcpy(c->rules, "all");
        strcpy(c->state_directory, "/var/lib/tracee");
        c->journal = true;
        c->journal_queue_bytes = CONFIG_JOURNAL_QUEUE_BYTES_DEFAULT;
        c->stdout_mode = STDOUT_TABLE;
        c->compat_syscalls = CONFIG_COMPAT_SYSCALLS_DEFAULT;
        fold_config_defaults(&c->fold);
}

bool parse_boolean(const char *v, bool *ret)
{
        static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
        static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

        for (size_t i = 0; i < 6; i++) {
                if (strcasecmp(v, yes[i]) == 0) {
                        *ret = true;
                        return true;
                }
                if (strcasecmp(v, no[i]) == 0) {
                        *ret = false;
                        return true;
                }
        }
        return false;
}

static bool parse_u64(const char *v, uint64_t *ret)
{
        char *end;
        unsigned long long x;
        uint64_t mult = 1;

        if (!*v || *v == '-')
                return false;
        errno = 0;
        x = strtoull(v, &end, 10);
        if (errno)
                return false;
        if (*end) {
                if (strcmp(end, "K") == 0 || strcmp(end, "KiB") == 0)
                        mult = 1024;
                else if (strcmp(end, "M") == 0 || strcmp(end, "MiB") == 0)
                        mult = 1024 * 1024;
                else if (strcmp(end, "G") == 0 || strcmp(end, "GiB") == 0)
                        mult = 1024 * 1024 * 1024;
                else
                        return false;
        }
        if (x > UINT64_MAX / mult)
                return false;
        *ret = x * mult;
        return true;
}

bool parse_ringbuf_size(const char *v, uint64_t *ret)
{
        uint64_t x;

        if (!parse_u64(v, &x) || x < 4096 || (x & (x - 1)) || x > (1ull << 30))
                return false;
        *ret = x;
        return true;
}

bool parse_queue_bytes(const char *v, uint64_t *ret)
{
        uint64_t x;

        if (!parse_u64(v, &x) || x < CONFIG_QUEUE_BYTES_MIN || x > CONFIG_QUEUE_BYTES_MAX)
                return false;
        *ret = x;
        return true;
}

static bool copy_value(Parser *p, const char *key, const char *v, char *dst, size_t n)
{
        if (strlen(v) >= n) {
                diag_add(p->diag, true, "%s:%u: value of %s is too long (at most %zu bytes)", p->name, p->line, key,
                         n - 1);
                return false;
        }
        strcpy(dst, v);
        return true;
}

static RuleConfig *rule_section(Parser *p, const char *id)
{
        Config *c = p->c;

        for (unsigned i = 0; i < c->n_rule; i++)
                if (strcasecmp(c->rule[i].id, id) == 0)
                        return &c->rule[i];
        if (c->n_rule >= CONFIG_MAX_RULES || strlen(id) >= sizeof(c->rule[0].id)) {
                diag_add(p->diag, true, "%s:%u: too many [rule] sections or rule ID '%s' too long", p->name,
                         p->line, id);
                return NULL;
        }
        memset(&c->rule[c->n_rule], 0, sizeof(RuleConfig));
        strcpy(c->rule[c->n_rule].id, id);
        c->rule[c->n_rule].enabled = -1;
        c->rule[c->n_rule].default_exceptions = -1;
        return &c->rule[c->n_rule++];
}

static WebhookConfig *webhook_section(Parser *p, const char *name)
{
        Config *c = p->c;
        WebhookConfig *w;

        for (unsigned i = 0; i < c->n_webhook; i++)
                if (strcmp(c->webhook[i].name, name) == 0)
                        return &c->webhook[i];
        if (c->n_webhook >= CONFIG_MAX_WEBHOOKS || strlen(name) >= sizeof(c->webhook[0].name) || !*name) {
                diag_add(p->diag, true, "%s:%u: too many [webhook] sections (at most %d) or a bad name '%s'",
                         p->name, p->line, CONFIG_MAX_WEBHOOKS, name);
                return NULL;
        }
        w = &c->webhook[c->n_webhook++];
        memset(w, 0, sizeof(*w));
        strcpy(w->name, name);
        w->min_severity = SEVERITY_INFO;
        w->timeout_ms = 5000;
        w->queue_size = 1000;
        w->queue_bytes = CONFIG_WEBHOOK_QUEUE_BYTES_DEFAULT;
        snprintf(w->source, sizeof(w->source), "%s", p->name);
        return w;
}

static void bad_value(Parser *p, const char *section, const char *key, const char *v, const char *expected)
{
        diag_add(p->diag, true, "%s:%u: [%s] %s=%s is invalid: expected %s", p->name, p->line, section, key, v,
                 expected);
}

static void unknown_key(Parser *p, const char *section, const char *key)
{
        diag_add(p->diag, false, "%s:%u: unknown key '%s' in [%s], ignoring", p->name, p->line, key, section);
}

static const char *const startup_keys[_STARTUP_KEY_MAX] = {
        [STARTUP_RINGBUF_SIZE] = "ringbuf_size",
        [STARTUP_BPF_OBJECT] = "bpf_object",
        [STARTUP_BTF_FILE] = "btf_file",
        [STARTUP_STATE_DIRECTORY] = "state_directory",
        [STARTUP_RAW_SYSCALL_FALLBACK] = "raw_syscall_fallback",
        [STARTUP_COMPAT_SYSCALLS] = "compat_syscalls",
};

const char *startup_key_to_string(StartupKey k)
{
        return k >= 0 && k < _STARTUP_KEY_MAX ? startup_keys[k] : NULL;
}

const char *config_startup_value(const Config *c, StartupKey k, char *buf, size_t n)
{
        switch (k) {
        case STARTUP_RINGBUF_SIZE:
                snprintf(buf, n, "%llu", (unsigned long long) c->ringbuf_size);
                break;
        case STARTUP_BPF_OBJECT:
                snprintf(buf, n, "%s", c->bpf_object);
                break;
        case STARTUP_BTF_FILE:
                snprintf(buf, n, "%s", c->btf_file);
                break;
        case STARTUP_STATE_DIRECTORY:
                snprintf(buf, n, "%s", c->state_directory);
                break;
        case STARTUP_RAW_SYSCALL_FALLBACK:
                snprintf(buf, n, "%s", c->raw_syscall_fallback ? "yes" : "no");
                break;
        case STARTUP_COMPAT_SYSCALLS:
                snprintf(buf, n, "%s", c->compat_syscalls ? "yes" : "no");
                break;
        default:
                snprintf(buf, n, "?");
        }
        return buf;
}

bool config_startup_differs(const Config *a, const Config *b, StartupKey k)
{
        char x[256], y[256];

        return strcmp(config_startup_value(a, k, x, sizeof(x)), config_startup_value(b, k, y, sizeof(y))) != 0;
}

static int handle_agent(Parser *p, const char *k, const char *v)
{
        Config *c = p->c;

        for (int i = 0; i < _STARTUP_KEY_MAX; i++)
                if (strcmp(k, startup_keys[i]) == 0)
                        snprintf(c->startup_where[i], sizeof(c->startup_where[i]), "%s:%u", p->name, p->line);

        if (strcmp(k, "rules") == 0)
                copy_value(p, k, v, c->rules, sizeof(c->rules));
        else if (strcmp(k, "state_directory") == 0) {
                if (v[0] != '/')
                        bad_value(p, "agent", k, v, "an absolute path");
                else
                        copy_value(p, k, v, c->state_directory, sizeof(c->state_directory));
        } else if (strcmp(k, "ringbuf_size") == 0) {
                if (!parse_ringbuf_size(v, &c->ringbuf_size))
                        bad_value(p, "agent", k, v, "a power of two from 4096 to 1G bytes (K, M, G suffixes allowed)");
        } else if (strcmp(k, "btf_file") == 0)
                copy_value(p, k, v, c->btf_file, sizeof(c->btf_file));
        else if (strcmp(k, "bpf_object") == 0)
                copy_value(p, k, v, c->bpf_object, sizeof(c->bpf_object));
        else if (strcmp(k, "raw_syscall_fallback") == 0) {
                if (!parse_boolean(v, &c->raw_syscall_fallback))
                        bad_value(p, "agent", k, v, "yes or no");
        } else if (strcmp(k, "compat_syscalls") == 0) {
                if (!parse_boolean(v, &c->compat_syscalls))
                        bad_value(p, "agent", k, v, "yes or no");
        }
        else
                unknown_key(p, "agent", k);
        return 1;
}

static int handle_output(Parser *p, const char *k, const char *v)
{
        Config *c = p->c;

        if (strcmp(k, "journal") == 0) {
                if (!parse_boolean(v, &c->journal))
                        bad_value(p, "output", k, v, "yes or no");
        } else if (strcmp(k, "stdout") == 0) {
                if (strcmp(v, "none") == 0)
                        c->stdout_mode = STDOUT_NONE;
                else if (strcmp(v, "json") == 0)
                        c->stdout_mode = STDOUT_JSON;
                else if (strcmp(v, "table") == 0)
                        c->stdout_mode = STDOUT_TABLE;
                else
                        bad_value(p, "output", k, v, "none, json or table");
        } else if (strcmp(k, "journal_queue_bytes") == 0) {
                if (!parse_queue_bytes(v, &c->journal_queue_bytes))
                        bad_value(p, "output", k, v, "bytes, from 64K to 1G (K, M, G suffixes allowed)");
        } else {
                const char *expected = NULL;
                int r = fold_config_set(&c->fold, k, v, &expected);

                if (r < 0)
                        bad_value(p, "output", k, v, expected);
                else if (r == 0)
                        unknown_key(p, "output", k);
        }
        return 1;
}

static void add_list(Parser *p, const char *section, const char *k, const char *v, char (*arr)[256], size_t elem,
                     unsigned *n)
{
        if (*n >= EXCEPTIONS_MAX) {
                diag_add(p->diag, true, "%s:%u: [%s] too many %s entries (at most %d)", p->name, p->line, section, k,
                         EXCEPTIONS_MAX);
                return;
        }
        if (strlen(v) >= elem || !*v) {
                bad_value(p, section, k, v, elem == 16 ? "a process name of at most 15 bytes" : "a non-empty value");
                return;
        }
        strcpy((char *) arr + (*n) * elem, v);
        (*n)++;
}

static void comm_warning(Parser *p, const char *section, const char *k, const char *v)
{
        diag_add(p->diag, false, "%s:%u: [%s] %s=%s: comm is chosen by the process itself (prctl(PR_SET_NAME)); "
                 "any process can take this name", p->name, p->line, section, k, v);
}

/* `exception = COND...`: every condition at once. */
static void add_combined(Parser *p, const char *section, const char *id, const char *v, RuleException *x)
{
        const Rule *rule = rule_by_id(id);
        char err[256];
        Exception ex;

        if (x->n_combined >= EXCEPTIONS_COMBINED_MAX) {
                diag_add(p->diag, true, "%s:%u: [%s] too many exception entries (at most %d)", p->name, p->line,
                         section, EXCEPTIONS_COMBINED_MAX);
                return;
        }
        if (exception_parse(v, &ex, err, sizeof(err)) < 0) {
                diag_add(p->diag, true, "%s:%u: [%s] exception=%s is invalid: %s", p->name, p->line, section, v,
                         err);
                return;
        }
        if ((ex.conds & EXC_COMM) && !(ex.conds & (EXC_EXE | EXC_EXEC_BY)))
                comm_warning(p, section, "exception", v);
        for (unsigned k = 0; rule && (ex.conds & EXC_EVENT) && k < ex.n_events; k++) {
                const EventDef *d = catalog_by_id(ex.events[k]);
                bool watched = false;

                for (unsigned i = 0; i < rule->nneeds; i++)
                        watched = watched || (d && strcmp(rule->needs[i].event, d->name) == 0);
                if (!watched)
                        diag_add(p->diag, false, "%s:%u: [%s] exception=%s: rule %s does not watch %s, so that "
                                 "part never applies", p->name, p->line, section, v, rule->id, d ? d->name : "?");
        }
        x->combined[x->n_combined++] = ex;
}

static int handle_rule(Parser *p, const char *section, const char *id, const char *k, const char *v)
{
        RuleConfig *r = rule_section(p, id);
        bool b;

        if (!r)
                return 1;
        if (strcmp(k, "enabled") == 0) {
                if (!parse_boolean(v, &b))
                        bad_value(p, section, k, v, "yes or no");
                else
                        r->enabled = b;
        } else if (strcmp(k, "default_exceptions") == 0) {
                if (!parse_boolean(v, &b))
                        bad_value(p, section, k, v, "yes or no");
                else
                        r->default_exceptions = b;
        } else if (strcmp(k, "exception") == 0)
                add_combined(p, section, id, v, &r->exc);
        else if (strcmp(k, "exception_exe") == 0)
                add_list(p, section, k, v, r->exc.exe_glob, sizeof(r->exc.exe_glob[0]), &r->exc.n_exe);
        else if (strcmp(k, "exception_comm") == 0) {
                unsigned n = r->exc.n_comm;

                add_list(p, section, k, v, (char (*)[256]) r->exc.comm, sizeof(r->exc.comm[0]), &r->exc.n_comm);
                if (r->exc.n_comm > n)
                        comm_warning(p, section, k, v);
        } else if (strcmp(k, "exception_container") == 0)
                add_list(p, section, k, v, (char (*)[256]) r->exc.container, sizeof(r->exc.container[0]),
                         &r->exc.n_container);
        else if (strcmp(k, "exception_uid") == 0) {
                uint64_t x;

                if (!parse_u64(v, &x) || x > UINT32_MAX - 1)
                        bad_value(p, section, k, v, "a numeric uid");
                else if (r->exc.n_uid >= EXCEPTIONS_MAX)
                        diag_add(p->diag, true, "%s:%u: [%s] too many exception_uid entries", p->name, p->line,
                                 section);
                else
                        r->exc.uid[r->exc.n_uid++] = (uint32_t) x;
        } else if (strcmp(k, "ld_library_path") == 0 && strcasecmp(id, "TRC-7") == 0) {
                if (!parse_boolean(v, &p->c->ld_library_path))
                        bad_value(p, section, k, v, "yes or no");
        } else
                unknown_key(p, section, k);
        return 1;
}

static int handle_webhook(Parser *p, const char *section, const char *name, const char *k, const char *v)
{
        WebhookConfig *w = webhook_section(p, name);
        uint64_t x;

        if (!w)
                return 1;
        if (strcmp(k, "url") == 0) {
                if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
                        bad_value(p, section, k, v, "an http:// or https:// URL");
                else
                        copy_value(p, k, v, w->url, sizeof(w->url));
        } else if (strcmp(k, "format") == 0) {
                if (strcmp(v, "json") == 0)
                        w->format_json = true;
                else if (strcmp(v, "falcosidekick") == 0)
                        w->format_json = false;
                else
                        bad_value(p, section, k, v, "falcosidekick or json");
        } else if (strcmp(k, "min_severity") == 0) {
                Severity s = severity_from_string(v);

                if (s < 0)
                        bad_value(p, section, k, v, "info, low, medium, high or critical");
                else
                        w->min_severity = s;
        } else if (strcmp(k, "rules") == 0)
                copy_value(p, k, v, w->rules, sizeof(w->rules));
        else if (strcmp(k, "header") == 0) {
                if (!strchr(v, ':') || strchr(v, '\r') || strchr(v, '\n'))
                        bad_value(p, section, k, v, "Name: value");
                else if (w->n_headers >= CONFIG_MAX_HEADERS)
                        diag_add(p->diag, true, "%s:%u: [%s] too many headers (at most %d)", p->name, p->line, section,
                                 CONFIG_MAX_HEADERS);
                else if (copy_value(p, k, v, w->headers[w->n_headers], sizeof(w->headers[0])))
                        w->n_headers++;
        } else if (strcmp(k, "timeout") == 0) {
                if (!parse_u64(v, &x) || x == 0 || x > 300)
                        bad_value(p, section, k, v, "seconds, from 1 to 300");
                else
                        w->timeout_ms = (unsigned) x * 1000;
        } else if (strcmp(k, "queue_size") == 0) {
                if (!parse_u64(v, &x) || x == 0 || x > 1000000)
                        bad_value(p, section, k, v, "a number from 1 to 1000000");
                else
                        w->queue_size = (unsigned) x;
        } else if (strcmp(k, "queue_bytes") == 0) {
                if (!parse_queue_bytes(v, &w->queue_bytes))
                        bad_value(p, section, k, v, "bytes, from 64K to 1G (K, M, G suffixes allowed)");
        } else if (strcmp(k, "ca_file") == 0)
                copy_value(p, k, v, w->ca_file, sizeof(w->ca_file));
        else if (strcmp(k, "client_cert") == 0)
                copy_value(p, k, v, w->client_cert, sizeof(w->client_cert));
        else if (strcmp(k, "client_key") == 0)
                copy_value(p, k, v, w->client_key, sizeof(w->client_key));
        else if (strcmp(k, "insecure") == 0) {
                if (!parse_boolean(v, &w->insecure))
                        bad_value(p, section, k, v, "yes or no");
        } else
                unknown_key(p, section, k);
        return 1;
}

static int handler(void *user, const char *section, const char *k, const char *v)
{
        Parser *p = user;

        if (!k) /* a new section, with INI_CALL_HANDLER_ON_NEW_SECTION */
                return 1;
        if (p->scope == SCOPE_WEBHOOKS && !(strncmp(section, "webhook ", 8) == 0 && section[8])) {
                diag_add(p->diag, true, "%s:%u: only [webhook NAME] sections are read from TRACEE_WEBHOOK_CONFIG; "
                         "'%s' in [%s] belongs in tracee.conf", p->name, p->line, k, section);
                return 1;
        }
        if (p->scope == SCOPE_RULES && !(strncmp(section, "rule ", 5) == 0 && section[5])) {
                diag_add(p->diag, false, "%s:%u: only [rule] sections are read from an exceptions file, ignoring "
                         "'%s' in [%s]", p->name, p->line, k, section);
                return 1;
        }
        if (strcmp(section, "agent") == 0)
                return handle_agent(p, k, v);
        if (strcmp(section, "output") == 0)
                return handle_output(p, k, v);
        if (strncmp(section, "rule ", 5) == 0 && section[5])
                return handle_rule(p, section, section + 5, k, v);
        if (strncmp(section, "webhook ", 8) == 0 && section[8])
                return handle_webhook(p, section, section + 8, k, v);
        if (!*section)
                diag_add(p->diag, true, "%s:%u: '%s' is outside any section (start with [agent], [output], "
                         "[rule ID] or [webhook NAME])", p->name, p->line, k);
        else
                diag_add(p->diag, false, "%s:%u: unknown section [%s], ignoring", p->name, p->line, section);
        return 1;
}

/* Returns the next line into buf (with its newline, NUL-terminated), or NULL at the end. */
static char *reader(char *buf, int num, void *stream)
{
        Parser *p = stream;
        size_t n = 0, cap;
        bool bad = false;
        int ch;

        if (num < 3)
                return NULL;
        cap = (size_t) num - 2;         /* room for the newline and the NUL */
        for (;;) {
                if (p->f)
                        ch = fgetc(p->f);
                else
                        ch = *p->s ? (unsigned char) *p->s++ : EOF;
                if (ch == EOF) {
                        if (n == 0 && !bad)
                                return NULL;
                        break;
                }
                if (ch == '\n')
                        break;
                /* Leading blanks are dropped: inih would take an indented line as the continuation
                 * of the previous key's value ("  enabled = no" after "exception_exe = /x" would
                 * add an exe glob instead of disabling the rule). */
                if (n == 0 && !bad && (ch == ' ' || ch == '\t'))
                        continue;
                if (ch == 0 || n >= cap) {
                        bad = true;
                        continue;
                }
                buf[n++] = (char) ch;
        }
        p->line++;
        if (bad) {
                diag_add(p->diag, true, "%s:%u: line is longer than %zu bytes or holds a NUL byte, ignoring it",
                         p->name, p->line, cap);
                strcpy(buf, ";\n");
                return buf;
        }
        buf[n] = '\n';
        buf[n + 1] = 0;
        return buf;
}

static int parse(Parser *p)
{
        int r = ini_parse_stream(reader, p, handler, p);

        if (r > 0)
                diag_add(p->diag, true, "%s:%d: syntax error (expected [section], key = value, or a ; comment)",
                         p->name, r);
        if (r == -2)
                return -ENOMEM;
        return p->diag->n_errors ? -EINVAL : 0;
}

static int parse_path(const char *path, Config *c, ConfigDiag *diag, ParseScope scope)
{
        Parser p = { .name = path, .c = c, .diag = diag, .scope = scope };
        int r;

        p.f = fopen(path, "re");
        if (!p.f)
                return -errno;
        r = parse(&p);
        if (ferror(p.f) && r == 0)
                r = -EIO;
        fclose(p.f);
        return r;
}

int config_parse_file(const char *path, Config *c, ConfigDiag *diag)
{
        return parse_path(path, c, diag, SCOPE_ALL);
}

int config_parse_exceptions_file(const char *path, Config *c, ConfigDiag *diag)
{
        return parse_path(path, c, diag, SCOPE_RULES);
}

int config_parse_webhooks_file(const char *path, Config *c, ConfigDiag *diag)
{
        return parse_path(path, c, diag, SCOPE_WEBHOOKS);
}

int config_parse_string(const char *name, const char *text, Config *c, ConfigDiag *diag)
{
        Parser p = { .name = name, .c = c, .diag = diag, .s = text };

        return parse(&p);
}

int config_apply_rules(const Config *c, Engine *e, ConfigDiag *diag)
{
        RuleOptions ro = { .ld_library_path = c->ld_library_path };
        static const RuleException none;
        size_t n;
        RuleState *all = engine_rules(e, &n);
        int r = 0;

        for (size_t i = 0; i < n; i++)
                rule_state_set_exceptions(&all[i], &none, true);
        for (unsigned i = 0; i < c->n_rule; i++) {
                RuleState *s = engine_rule(e, c->rule[i].id);

                if (!s) {
                        const char *m = rule_closest_id(c->rule[i].id);

                        diag_add(diag, true, "[rule %s]: no such rule%s%s%s", c->rule[i].id,
                                 m ? " (did you mean " : "", m ? m : "", m ? "?)" : "");
                        r = -EINVAL;
                        continue;
                }
                rule_state_set_exceptions(s, &c->rule[i].exc, c->rule[i].default_exceptions != 0);
                if (c->rule[i].enabled >= 0)
                        (void) engine_set_enabled(e, s->rule->id, c->rule[i].enabled);
        }
        engine_set_options(e, &ro);
        return r;
}
