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
/* Renders one argument's value as text for tables and messages (bounded, not escaped). */
void event_arg_to_text(const EventArg *a, char *buf, size_t n);
void event_print_table_header(FILE *f);
void event_print_table(FILE *f, const Event *e);
