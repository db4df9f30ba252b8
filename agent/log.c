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
                char lbuf[16], ebuf[16];

                snprintf(lbuf, sizeof(lbuf), "%d", line);
                snprintf(ebuf, sizeof(ebuf), "%d", e);
                if (sd_journal_send("MESSAGE=%s", buf, "PRIORITY=%d", level, "SYSLOG_IDENTIFIER=%s", prefix,
                                    "CODE_FILE=%s", file, "CODE_LINE=%s", lbuf, "CODE_FUNC=%s", func,
                                    e ? "ERRNO=%s" : NULL, ebuf, NULL) >= 0)
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
                int r = sd_journal_send("MESSAGE=%s", buf, "PRIORITY=%d", level, "SYSLOG_IDENTIFIER=%s", prefix,
                                        "MESSAGE_ID=%s", message_id, NULL);

                if (r >= 0 && target == LOG_TARGET_JOURNAL)
                        return 0;
        }
        fprintf(stderr, "%s: %s\n", prefix, buf);
        return 0;
}
