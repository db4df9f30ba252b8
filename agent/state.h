/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The state file: rules enabled or disabled at run time (over D-Bus), so the choice survives restarts
 * and reloads. One line per rule, "TRC-2 disabled" or "TRC-2 enabled", written atomically (a new file
 * beside it, fsync, rename, fsync of the directory) with mode 0600.
 */
#pragma once

#include "engine.h"

#define STATE_FILE_NAME "rules.state"
#define STATE_MAX_ENTRIES 64

typedef struct StateEntry {
        char id[16];
        bool enabled;
} StateEntry;

typedef struct State {
        StateEntry e[STATE_MAX_ENTRIES];
        unsigned n;
} State;

/* Reads path. A missing file is an empty state (0). A corrupt file gives -EBADMSG with *ret holding
 * the entries that were readable; the caller warns and carries on. */
int state_load(const char *path, State *ret);
int state_save(const char *path, const State *s);
void state_set(State *s, const char *id, bool enabled);
/* Applies the entries to the engine; unknown rule IDs are skipped (a rule removed in an upgrade). */
void state_apply(const State *s, Engine *e);
/* Pure: parses the text of a state file. */
int state_parse(const char *text, size_t len, State *ret);
