/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging for the agent and traceectl: to stderr with a "tracee: " prefix, or (when the agent runs
 * under systemd or is told to) to the journal with PRIORITY and CODE_* fields. The log_*_errno()
 * forms return the negative errno, so a caller can `return log_error_errno(r, "…: %m");` where %m
 * is the errno's text.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <sys/uio.h>
#include <syslog.h>

typedef enum LogTarget {
        LOG_TARGET_STDERR,
        LOG_TARGET_JOURNAL,
} LogTarget;

void log_set_max_level(int level);
int log_get_max_level(void);
void log_set_target(LogTarget t);
void log_set_prefix(const char *prefix);
/* Also send the messages that carry a MESSAGE_ID to the journal when logging to stderr. */
void log_set_journal_copy(bool on);
/* Entries for the journal go to fn instead of sd_journal_sendv(), so that the agent can queue them
 * rather than wait for journald (journal.h). fn returns 0 once it took the entry, queued or dropped
 * and counted; negative to fall back to stderr. NULL restores sd_journal_sendv(). */
typedef int (*LogJournalWriter)(const struct iovec *iov, unsigned n, void *userdata);
void log_set_journal_writer(LogJournalWriter fn, void *userdata);

int log_internal(int level, int error, const char *file, int line, const char *func,
                 const char *format, ...) __attribute__((format(printf, 6, 7)));

/* Like log_internal, with a journal MESSAGE_ID (ignored on stderr). */
int log_internal_id(int level, const char *message_id, const char *format, ...) __attribute__((format(printf, 3, 4)));
#define log_struct(level, message_id, ...) log_internal_id((level), (message_id), __VA_ARGS__)

#define log_full_errno(level, error, ...) \
        log_internal((level), (error), __FILE__, __LINE__, __func__, __VA_ARGS__)
#define log_debug(...)          log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...)           log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...)         log_full_errno(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...)        log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...)          log_full_errno(LOG_ERR, 0, __VA_ARGS__)
#define log_debug_errno(e, ...)   log_full_errno(LOG_DEBUG, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...)   log_full_errno(LOG_ERR, (e), __VA_ARGS__)

/* An error made up by us rather than returned by a call, e.g. SYNTHETIC_ERRNO(EINVAL). */
#define SYNTHETIC_ERRNO(e) (e)
