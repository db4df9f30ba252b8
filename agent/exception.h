/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Combined exceptions: a list of conditions that must all hold for a rule's finding to be dropped,
 * written as one line of blank-separated NAME=VALUE words (the value of an `exception =` key in a
 * [rule] section, and the form of a rule's default exceptions):
 *
 *   exe=GLOB         the process's executable (path glob, see path_glob_match())
 *   exec_by=GLOB     the executable that exec'd the running image (see proctable.h), as seen in a
 *                    trusted mount namespace
 *   parent=init      the parent is the init of the process's pid namespace, and created it
 *   parent_uid=N     the process that forked it ran as user N (its real uid at the fork; an
 *                    orphan adopted by init keeps the uid of the one that forked it)
 *   comm=NAME        the process's name (at most 15 bytes): the process chooses it
 *   uid=N            the process's user ID
 *   container=ID     the container ID
 *   event=NAME,...   the event the rule matched is one of these (e.g. sched_process_exec, or
 *                    dup,dup2,dup3), at most EXCEPTION_EVENTS_MAX
 *
 * Each name at most once. A blank or a backslash inside a value is written with a backslash before
 * it ("exe=/opt/my\ app/bin/java"); in a glob, a backslash before any other character makes it literal.
 * An executable path that is unknown or was cut short never matches exe= or exec_by=.
 *
 * Pure code: no I/O, no allocation.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

#define EXCEPTION_PATH_MAX      256     /* a glob, with its NUL */
#define EXCEPTION_EVENTS_MAX    8       /* names in one event= */
#define EXCEPTION_TEXT_MAX      1024    /* an exception as text, with its NUL: room for every field at its longest */

typedef enum ExceptionCond {
        EXC_EXE         = 1 << 0,
        EXC_EXEC_BY     = 1 << 1,
        EXC_PARENT_INIT = 1 << 2,
        EXC_COMM        = 1 << 3,
        EXC_UID         = 1 << 4,
        EXC_CONTAINER   = 1 << 5,
        EXC_EVENT       = 1 << 6,
        EXC_PARENT_UID  = 1 << 7,
} ExceptionCond;

typedef struct Exception {
        uint32_t conds;                 /* ExceptionCond bits: which fields below are set */
        uint32_t uid;
        uint32_t parent_uid;
        uint16_t events[EXCEPTION_EVENTS_MAX];  /* event ids, n_events of them */
        uint16_t n_events;
        char exe[EXCEPTION_PATH_MAX];
        char exec_by[EXCEPTION_PATH_MAX];
        char comm[16];
        char container[65];
} Exception;

/*
 * Parses text into ret. Returns 0, or -EINVAL with a message in err (at most errsz bytes, always
 * NUL-terminated) naming the word that is wrong and what was expected.
 */
int exception_parse(const char *text, Exception *ret, char *err, size_t errsz);

/* Does every condition of x hold for ev? An exception without conditions never holds. */
bool exception_matches(const Exception *x, const Event *ev);

/* Does an executable path (with its PATH_F_* flags) match glob? Never if the path is unknown or
 * was cut short, and for need_trusted also never unless it was seen in a trusted mount namespace. */
bool exception_path_matches(const char *glob, const char *path, uint8_t flags, bool need_trusted);

/* Same conditions with the same values? */
bool exception_equal(const Exception *a, const Exception *b);

/* x as text in the syntax exception_parse() reads, conditions in a fixed order; NUL-terminated,
 * at most n bytes. Returns buf. */
char *exception_to_string(const Exception *x, char *buf, size_t n);
