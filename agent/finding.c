/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See finding.h.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "evfmt.h"
#include "finding.h"
#include "strutil.h"

static void rfc3339(uint64_t ns, char *buf, size_t n)
{
        time_t s = ns / 1000000000ull;
        struct tm tm;
        char base[32];

        gmtime_r(&s, &tm);
        strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf, n, "%s.%09" PRIu64 "Z", base, (uint64_t) (ns % 1000000000ull));
}

void rule_write_json_fields(JsonW *w, const Rule *r)
{
        jsonw_kv_str(w, "id", r->id);
        jsonw_kv_str(w, "name", r->name);
        jsonw_kv_str(w, "description", r->description);
        jsonw_kv_int(w, "severity", r->severity);
        jsonw_kv_str(w, "severityName", severity_to_string(r->severity));
        jsonw_key(w, "mitre");
        jsonw_obj_open(w);
        jsonw_kv_str(w, "tactic", r->mitre_tactic);
        jsonw_kv_str(w, "technique", r->mitre_technique);
        jsonw_kv_str(w, "id", r->mitre_id);
        jsonw_obj_close(w);
        jsonw_key(w, "tags");
        jsonw_arr_open(w);
        for (unsigned i = 0; i < RULE_MAX_TAGS && r->tags[i]; i++)
                jsonw_str(w, r->tags[i]);
        jsonw_arr_close(w);
}

void finding_write_json(JsonW *w, const Finding *f)
{
        const Rule *r = f->rule;
        const Event *e = f->event;
        char ts[64];

        rfc3339(e->wall_ns, ts, sizeof(ts));
        jsonw_obj_open(w);
        jsonw_kv_uint(w, "timestamp", e->wall_ns);
        jsonw_kv_str(w, "time", ts);
        jsonw_key(w, "rule");
        jsonw_obj_open(w);
        rule_write_json_fields(w, r);
        jsonw_obj_close(w);

        jsonw_kv_str(w, "summary", f->summary);
        jsonw_key(w, "data");
        jsonw_obj_open(w);
        for (unsigned i = 0; i < f->ndata; i++) {
                jsonw_key(w, f->data[i].key);
                if (f->data[i].kind == DATA_INT)
                        jsonw_int(w, f->data[i].i);
                else
                        jsonw_str(w, f->data[i].s);
        }
        jsonw_obj_close(w);

        jsonw_key(w, "process");
        jsonw_obj_open(w);
        jsonw_kv_uint(w, "pid", e->h.pid);
        jsonw_kv_uint(w, "tid", e->h.tid);
        jsonw_kv_uint(w, "ppid", e->h.ppid);
        jsonw_kv_uint(w, "nsPid", e->h.ns_pid);
        jsonw_kv_uint(w, "uid", e->h.uid);
        jsonw_key(w, "comm");
        jsonw_strn(w, e->h.comm, strnlen(e->h.comm, sizeof(e->h.comm)));
        jsonw_kv_str(w, "executable", e->exe ? e->exe : "");
        jsonw_kv_str(w, "execBy", e->exec_by ? e->exec_by : "");
        jsonw_kv_str(w, "containerId", e->container_id ? e->container_id : "");
        jsonw_key(w, "ancestors");
        jsonw_arr_open(w);
        for (unsigned i = 0; i < f->nancestors; i++) {
                jsonw_obj_open(w);
                jsonw_kv_uint(w, "pid", f->ancestors[i]->pid);
                jsonw_key(w, "comm");
                jsonw_strn(w, f->ancestors[i]->comm, strnlen(f->ancestors[i]->comm, sizeof(f->ancestors[i]->comm)));
                jsonw_kv_str(w, "executable", f->ancestors[i]->exe);
                jsonw_obj_close(w);
        }
        jsonw_arr_close(w);
        jsonw_obj_close(w);

        /* the event without the process's environment: what the rule matched in it is in "data" */
        jsonw_key(w, "event");
        event_write_json_opts(w, e, EVENT_JSON_NO_ENV);
        jsonw_obj_close(w);
}

void finding_write_json_redacted(JsonW *w, const Finding *f)
{
        const Event *e = f->event;
        char ts[64];

        rfc3339(e->wall_ns, ts, sizeof(ts));
        jsonw_obj_open(w);
        jsonw_kv_uint(w, "timestamp", e->wall_ns);
        jsonw_kv_str(w, "time", ts);
        jsonw_key(w, "rule");
        jsonw_obj_open(w);
        jsonw_kv_str(w, "id", f->rule->id);
        jsonw_kv_str(w, "name", f->rule->name);
        jsonw_kv_int(w, "severity", f->rule->severity);
        jsonw_kv_str(w, "severityName", severity_to_string(f->rule->severity));
        jsonw_obj_close(w);
        jsonw_key(w, "process");
        jsonw_obj_open(w);
        jsonw_kv_uint(w, "pid", e->h.pid);
        jsonw_kv_uint(w, "uid", e->h.uid);
        jsonw_obj_close(w);
        jsonw_key(w, "redacted");
        jsonw_bool(w, true);
        jsonw_obj_close(w);
}

void finding_message(const Finding *f, char *buf, size_t n)
{
        const Event *e = f->event;
        char comm[80], exe[600], summary[1200], cid[280];

        str_escape_terminal(e->h.comm, strnlen(e->h.comm, sizeof(e->h.comm)), comm, sizeof(comm));
        str_escape_terminal(e->exe ? e->exe : "", e->exe ? strlen(e->exe) : 0, exe, sizeof(exe));
        str_escape_terminal(f->summary, strlen(f->summary), summary, sizeof(summary));
        /* container ids come from cgroup names (nspawn machine names may hold any byte but C0) */
        str_escape_terminal(e->container_id ? e->container_id : "", e->container_id ? strlen(e->container_id) : 0,
                            cid, sizeof(cid));
        snprintf(buf, n, "%s %s: process %s (pid %u, uid %u, %s)%s%s %s%s", f->rule->id, f->rule->name, comm,
                 e->h.pid, e->h.uid, *exe ? exe : "executable unknown", *cid ? " in container " : "", cid,
                 summary, e->h.flags & TR_F_COMPAT ? " (a 32-bit syscall)" : "");
}

void finding_print_table(FILE *out, const Finding *f)
{
        char msg[2048], ts[64], val[FINDING_VALUE_MAX * 4 + 8];

        rfc3339(f->event->wall_ns, ts, sizeof(ts));
        finding_message(f, msg, sizeof(msg));
        fprintf(out, "*** Detection *** %s [%s] %s\n", ts, severity_to_string(f->rule->severity), msg);
        for (unsigned i = 0; i < f->ndata; i++) {
                if (f->data[i].kind == DATA_INT)
                        fprintf(out, "    %s: %" PRId64 "\n", f->data[i].key, f->data[i].i);
                else {
                        str_escape_terminal(f->data[i].s, strlen(f->data[i].s), val, sizeof(val));
                        fprintf(out, "    %s: %s\n", f->data[i].key, val);
                }
        }
}
