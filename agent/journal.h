/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal sink: each finding becomes one journal entry with structured TRACEE_* fields, so that
 * `journalctl TRACEE_RULE_ID=TRC-2` finds it, and a MESSAGE_ID with a catalog entry.
 */
#pragma once

#include <stdbool.h>

#include "engine.h"
#include "fold.h"

#define JOURNAL_DETECTION_MAX (256 * 1024)

/* Is a journald listening here? sd_journal_send() succeeds silently when none is. */
bool journal_available(void);
int journal_send_finding(const Finding *f, const char *finding_json);
/* A summary of folded or rate-limited findings (fold.h): the finding's fields, MESSAGE_ID
 * TRACEE_MESSAGE_FOLDED, and TRACEE_FOLDED (how many), TRACEE_FOLDED_BY (process, executable,
 * rateLimit). */
int journal_send_fold_summary(const Finding *f, const FoldSummary *s, const char *finding_json);
int severity_to_priority(Severity s);
