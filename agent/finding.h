/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A finding as JSON (the form every sink carries: stdout, journal TRACEE_DETECTION, webhooks, D-Bus;
 * its event never holds the process's whole environment, only what the rule matched) and
 * as a short block for people. Pure code.
 */
#pragma once

#include <stdio.h>

#include "engine.h"
#include "jsonw.h"

void finding_write_json(JsonW *w, const Finding *f);
/* What anyone on the bus may be told of a finding: when, which rule, which pid and uid, and
 * "redacted": true; no summary, data, executable, ancestry or event (argv, paths, addresses). */
void finding_write_json_redacted(JsonW *w, const Finding *f);
/* The members of a rule's metadata object (id, name, description, severity, severityName, mitre,
 * tags), into an object the caller opened. */
void rule_write_json_fields(JsonW *w, const Rule *r);
void finding_print_table(FILE *out, const Finding *f);
/* One sentence: "TRC-2 Anti-Debugging: process strace (pid 42, uid 0, /usr/bin/strace) called …" */
void finding_message(const Finding *f, char *buf, size_t n);
