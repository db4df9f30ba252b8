/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See journal.h. Values from traced processes (comm, executable) are made visible-safe with
 * str_escape_terminal() before they become fields; the finding JSON is already escaped.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include "bus-api.h"
#include "finding.h"
#include "journal.h"
#include "strutil.h"

bool journal_available(void)
{
        struct stat st;

        return stat("/run/systemd/journal/socket", &st) == 0 && S_ISSOCK(st.st_mode);
}

int severity_to_priority(Severity s)
{
        switch (s) {
        case SEVERITY_CRITICAL:
                return LOG_CRIT;
        case SEVERITY_HIGH:
                return LOG_ERR;
        case SEVERITY_MEDIUM:
                return LOG_WARNING;
        case SEVERITY_LOW:
                return LOG_NOTICE;
        default:
                return LOG_INFO;
        }
}

#define NFIELDS 19

static int send_finding(const Finding *f, const char *json, const FoldSummary *s)
{
        const Event *e = f->event;
        static char fields[NFIELDS][2048];
        static char det[JOURNAL_DETECTION_MAX];
        char msg[2048], comm[80], exe[1200], exec_by[1200];
        struct iovec iov[NFIELDS + 1];
        unsigned n = 0;

        finding_message(f, msg, sizeof(msg));
        str_escape_terminal(e->h.comm, strnlen(e->h.comm, sizeof(e->h.comm)), comm, sizeof(comm));
        str_escape_terminal(e->exe ? e->exe : "", e->exe ? strlen(e->exe) : 0, exe, sizeof(exe));
        str_escape_terminal(e->exec_by ? e->exec_by : "", e->exec_by ? strlen(e->exec_by) : 0, exec_by,
                            sizeof(exec_by));

#define F(...) do { \
                int _l = snprintf(fields[n], sizeof(fields[n]), __VA_ARGS__); \
                iov[n].iov_base = fields[n]; \
                iov[n].iov_len = _l < 0 ? 0 : (size_t) _l >= sizeof(fields[n]) ? sizeof(fields[n]) - 1 : (size_t) _l; \
                n++; \
        } while (0)
        F("MESSAGE=%s", msg);
        F("PRIORITY=%d", severity_to_priority(f->rule->severity));
        F("SYSLOG_IDENTIFIER=tracee");
        F("MESSAGE_ID=%s", s ? TRACEE_MESSAGE_FOLDED : TRACEE_MESSAGE_DETECTION);
        if (s) {
                F("TRACEE_FOLDED=%llu", (unsigned long long) s->count);
                F("TRACEE_FOLDED_BY=%s", fold_kind_to_string(s->kind));
        }
        F("TRACEE_RULE_ID=%s", f->rule->id);
        F("TRACEE_RULE_NAME=%s", f->rule->name);
        F("TRACEE_SEVERITY=%s", severity_to_string(f->rule->severity));
        F("TRACEE_MITRE_TECHNIQUE=%s", f->rule->mitre_id);
        F("TRACEE_PID=%u", e->h.pid);
        F("TRACEE_PPID=%u", e->h.ppid);
        F("TRACEE_UID=%u", e->h.uid);
        F("TRACEE_COMM=%s", comm);
        F("TRACEE_EXE=%s", exe);
        F("TRACEE_EXEC_BY=%s", exec_by);
        F("TRACEE_CONTAINER_ID=%s", e->container_id ? e->container_id : "");
#undef F
        {
                int l = snprintf(det, sizeof(det), "TRACEE_DETECTION=%s", json);

                iov[n].iov_base = det;
                iov[n].iov_len = l < 0 ? 0 : (size_t) l >= sizeof(det) ? sizeof(det) - 1 : (size_t) l;
                n++;
        }
        return sd_journal_sendv(iov, (int) n);
}

int journal_send_finding(const Finding *f, const char *json)
{
        return send_finding(f, json, NULL);
}

int journal_send_fold_summary(const Finding *f, const FoldSummary *s, const char *json)
{
        return send_finding(f, json, s);
}
