/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See log.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>

#include "log.h"

static int max_level = LOG_INFO;
static LogTarget target = LOG_TARGET_STDERR;
static const char *prefix = "tracee";
static bool journal_copy;
static LogJournalWriter journal_writer;
static void *journal_writer_data;

void log_set_journal_writer(LogJournalWriter fn, void *userdata)
{
        journal_writer = fn;
        journal_writer_data = userdata;
}

/* "KEY=value" fields for the journal, each from printf; n at most 8. */
static int journal_write(const char *const *fields, unsigned n)
{
        struct iovec iov[8];

        for (unsigned i = 0; i < n && i < 8; i++)
                iov[i] = (struct iovec) { (char *) fields[i], strlen(fields[i]) };
        if (journal_writer)
                return journal_writer(iov, n < 8 ? n : 8, journal_writer_data);
        return sd_journal_sendv(iov, (int) (n < 8 ? n : 8));
}

void log_set_journal_copy(bool on)
{
        journal_copy = on;
}

void log_set_max_level(int level)
{
        max_level = level;
}

int log_get_max_level(void)
{
        return max_level;
}

void log_set_target(LogTarget t)
{
        target = t;
}

void log_set_prefix(const char *p)
{
        prefix = p;
}

int log_internal(int level, int error, const char *file, int line, const char *func, const char *format, ...)
{
        char buf[2048];
        va_list ap;
        int e = error < 0 ? -error : error;

        if (level > max_level)
                return -e;
        errno = e;              /* for %m */
        va_start(ap, format);
        vsnprintf(buf, sizeof(buf), format, ap);
        va_end(ap);

        if (target == LOG_TARGET_JOURNAL) {
                char msg[sizeof(buf) + 16], pri[16], ident[64], cfile[256], cline[32], cfunc[128], eno[32];
                const char *fields[] = { msg, pri, ident, cfile, cline, cfunc, eno };

                snprintf(msg, sizeof(msg), "MESSAGE=%s", buf);
                snprintf(pri, sizeof(pri), "PRIORITY=%d", level);
                snprintf(ident, sizeof(ident), "SYSLOG_IDENTIFIER=%s", prefix);
                snprintf(cfile, sizeof(cfile), "CODE_FILE=%s", file);
                snprintf(cline, sizeof(cline), "CODE_LINE=%d", line);
                snprintf(cfunc, sizeof(cfunc), "CODE_FUNC=%s", func);
                snprintf(eno, sizeof(eno), "ERRNO=%d", e);
                if (journal_write(fields, e ? 7 : 6) >= 0)
                        return -e;
        }
        fprintf(stderr, "%s: %s\n", prefix, buf);
        return -e;
}

int log_internal_id(int level, const char *message_id, const char *format, ...)
{
        char buf[2048];
        va_list ap;

        if (level > max_level)
                return 0;
        va_start(ap, format);
        vsnprintf(buf, sizeof(buf), format, ap);
        va_end(ap);
        if (target == LOG_TARGET_JOURNAL || journal_copy) {
                char msg[sizeof(buf) + 16], pri[16], ident[64], mid[64];
                const char *fields[] = { msg, pri, ident, mid };
                int r;

                snprintf(msg, sizeof(msg), "MESSAGE=%s", buf);
                snprintf(pri, sizeof(pri), "PRIORITY=%d", level);
                snprintf(ident, sizeof(ident), "SYSLOG_IDENTIFIER=%s", prefix);
                snprintf(mid, sizeof(mid), "MESSAGE_ID=%s", message_id);
                r = journal_write(fields, 4);

                if (r >= 0 && target == LOG_TARGET_JOURNAL)
                        return 0;
        }
        fprintf(stderr, "%s: %s\n", prefix, buf);
        return 0;
}
