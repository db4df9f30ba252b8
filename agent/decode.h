/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Ring-buffer record → Event. Pure code: no I/O, no allocation. The record is untrusted input
 * (a bug on the kernel side, or a record cut short, must not become a read past its end): every
 * length is checked against the bytes actually received.
 *
 * An Event points into the record it was decoded from; it is valid only as long as that buffer.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "../bpf/events.h"
#include "catalog.h"

#define EVENT_MAX_ARGS 16

typedef struct EventArg {
        const ArgDef *def;      /* NULL if the catalogue doesn't know this index */
        uint8_t idx;
        uint8_t type;           /* TR_ARG_* */
        bool truncated;
        uint16_t len;
        const uint8_t *data;    /* payload, len bytes, inside the record */
        int64_t i;              /* TR_ARG_INT value */
} EventArg;

typedef struct Event {
        struct tr_event_hdr h;  /* copied out (the record may be unaligned) */
        const EventDef *def;
        unsigned nargs;
        EventArg args[EVENT_MAX_ARGS];

        /* Filled by the enrichment step (process table, clock), not by the decoder. */
        uint64_t wall_ns;
        const char *exe;                /* the process's executable, from the kernel's file; NULL or "" unknown */
        const char *exec_by;            /* the executable that exec'd it (see proctable.h); NULL or "" unknown */
        uint8_t exe_flags;              /* PATH_F_* of exe */
        uint8_t exec_by_flags;          /* PATH_F_* of exec_by */
        uint8_t proc_flags;             /* PROC_F_* */
        uint32_t fork_uid;              /* uid of the process that forked it, if PROC_F_FORK_SEEN */
        uint64_t parent_stdio_sock;     /* inode of the socket its parent was exec'd on (fds 0-2), 0 none */
        const char *container_id;
        const char *hostname;
} Event;

/* What is known of an executable path (Event.exe_flags, Event.exec_by_flags, Proc). */
#define PATH_F_TRUNCATED        (1u << 0)   /* cut short: the kernel's walk ran out of room or depth, or
                                             * the path did not fit where it is kept */
#define PATH_F_TRUSTED_NS       (1u << 1)   /* seen in a trusted mount namespace: PID 1's or the agent's */

/* What is known of how a process was created (Event.proc_flags, Proc.flags). */
#define PROC_F_FORK_SEEN        (1u << 0)   /* its fork was seen: fork_uid is the forker's real uid */
#define PROC_F_FORKED_BY_INIT   (1u << 1)   /* forked by the init of its pid namespace (not adopted) */

/*
 * Decodes one record of len bytes. Returns 0, or a negative errno: -EBADMSG for a malformed record
 * (short, size field disagreeing with len, an argument running past the end), -ENOENT for an event
 * id the catalogue doesn't know (ret is still filled with the header). Unknown argument indexes
 * are kept with def = NULL.
 */
int event_decode(const void *rec, size_t len, Event *ret);

const EventArg *event_arg(const Event *e, const char *name);
const EventArg *event_arg_idx(const Event *e, uint8_t idx);
/* Integer argument by name; false if absent or not an integer. */
bool event_arg_int(const Event *e, const char *name, int64_t *ret);
/* String argument by name into a NUL-terminated copy (bounded by n); false if absent. */
bool event_arg_str(const Event *e, const char *name, char *buf, size_t n);

/* Iterates the strings of a TR_ARG_STRARR payload. *pos starts at 0; returns false at the end.
 * The last string may lack its NUL if the array was truncated. */
bool strarr_next(const EventArg *a, size_t *pos, const char **ret_s, size_t *ret_len);
