/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `tracee trace` selection: --events lists and --filter expressions. Pure code.
 *
 * Filter grammar (each --filter is one expression; several are ANDed):
 *   comm=NAME[,NAME…]   comm!=…      process name (as the kernel keeps it, 15 bytes)
 *   pid=N[,N…]          pid!=…       host tgid
 *   uid=N[,N…]          uid!=…
 *   mntns=N[,N…]        pidns=N[,N…] (and !=)
 *   container | host    only processes in / not in a container ("!container" = host)
 *   EVENT.ARG=VALUE[,VALUE…]  EVENT.ARG!=…   argument filter; VALUE may start or end with '*';
 *                       integers compare as numbers, flags by their symbolic text (O_WRONLY*)
 *   EVENT.retval=N  EVENT.retval<N  EVENT.retval>N
 * Context filters run in the kernel; argument filters run in the agent.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "bpfload.h"
#include "decode.h"

#define ARGFILTER_MAX 32
#define ARGFILTER_VALUES 8
#define ARGFILTER_VALUE_LEN 256

typedef enum ArgOp {
        ARGOP_EQ,
        ARGOP_NE,
        ARGOP_LT,
        ARGOP_GT,
} ArgOp;

typedef struct ArgFilter {
        uint32_t event_id;
        int arg_pos;                    /* position in the catalogue's args, or -1 for retval */
        ArgOp op;
        unsigned n_values;
        char values[ARGFILTER_VALUES][ARGFILTER_VALUE_LEN];
} ArgFilter;

typedef struct TraceFilter {
        KernelFilter k;
        ArgFilter args[ARGFILTER_MAX];
        unsigned n_args;
} TraceFilter;

/*
 * Parses one expression into f. On error returns -EINVAL and writes one sentence naming the bad
 * part (and a close match where there is one) into err.
 */
int filter_parse(TraceFilter *f, const char *expr, char *err, size_t errsz);

/* Parses an --events list (names and set names, comma separated) into want[] (indexed by event id,
 * TR_MAX_EVENT_ID entries). "all" or "*" selects every event. Error text as above. */
int events_parse(const char *list, bool *want, char *err, size_t errsz);

/* Do the argument filters (those for this event) accept it? */
bool filter_match_args(const TraceFilter *f, const Event *e);

/* The closest catalogue event name to name, or NULL if none is close. */
const char *event_closest_name(const char *name);
