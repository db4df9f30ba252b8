/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An Event as JSON (field names follow Tracee's event JSON so that existing scripts keep working)
 * and as a table row for people (every control character escaped, so no terminal escape sequence
 * from a traced process reaches a terminal). Pure code.
 */
#pragma once

#include <stdio.h>

#include "decode.h"
#include "jsonw.h"

/* Appends the event as one JSON object. */
void event_write_json(JsonW *w, const Event *e);

/* What event_write_json_opts() leaves out. */
typedef enum EventJsonFlags {
        /* a process's environment (exec's env, execve's envp): the tokens and passwords of whoever
         * ran it; a finding keeps what its rule matched instead (TRC-7: the loader variables) */
        EVENT_JSON_NO_ENV = 1 << 0,
} EventJsonFlags;

/* event_write_json() without what flags (EventJsonFlags) name; argsNum counts what is written. */
void event_write_json_opts(JsonW *w, const Event *e, unsigned flags);
/* The argument is a process's whole environment. */
bool event_arg_is_env(const EventArg *a);
/* Renders one argument's value as text for tables and messages (bounded, not escaped). */
void event_arg_to_text(const EventArg *a, char *buf, size_t n);
void event_print_table_header(FILE *f);
void event_print_table(FILE *f, const Event *e);
