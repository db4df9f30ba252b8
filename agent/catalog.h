/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event catalogue: every event Tracee can trace, its arguments, how the kernel side captures
 * them and how they are printed. It is the single source of truth: the agent writes the BPF-side
 * capture table (tr_sysdesc) from it, the decoder names arguments with it, `tracee trace
 * --list-events` prints it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "../bpf/events.h"
#include "format.h"

#define CATALOG_MAX_ARGS 16

/* Event sets, for --events NAME and --list-events. */
typedef enum EventSet {
        EVSET_PROCESS = 1u << 0,
        EVSET_FILE = 1u << 1,
        EVSET_NETWORK = 1u << 2,
        EVSET_MEMORY = 1u << 3,
        EVSET_MODULE = 1u << 4,
        EVSET_CREDENTIALS = 1u << 5,
} EventSet;

/* Argument value kinds as the decoder and outputs see them. */
typedef enum ArgKind {
        ARGK_INT,       /* integer, printed with ArgDef.fmt */
        ARGK_STR,       /* string (path, name) */
        ARGK_STRARR,    /* argv, envp */
        ARGK_SOCKADDR,  /* struct sockaddr */
        ARGK_FDINFO,    /* what an fd refers to */
} ArgKind;

typedef struct ArgDef {
        uint8_t idx;            /* tr_arg.idx on the wire */
        const char *name;       /* as Tracee names it */
        const char *type;       /* C type, as Tracee prints it in args[].type */
        ArgKind kind;
        ArgFmt fmt;             /* ARGK_INT only */
        uint8_t cap;            /* TR_CAP_* for syscall arguments 0..5; 0 for derived ones */
        uint8_t pathbase;       /* TR_PB_*: a path the kernel resolves against a directory (16 + idx) */
} ArgDef;

typedef struct EventDef {
        uint32_t id;
        const char *name;
        const char *tracepoint; /* syscalls: the tracepoint suffix (sys_enter_<tp>); NULL otherwise */
        unsigned sets;          /* EventSet */
        uint16_t sysflags;      /* TR_SYS_* */
        /* the io_uring opcode (IORING_OP_*) whose requests do what this syscall does and are reported
         * as this event (bpf/iouring.bpf.c); 0 for none */
        uint8_t iouring_op;
        unsigned nargs;
        ArgDef args[CATALOG_MAX_ARGS];
} EventDef;

const EventDef *catalog_all(size_t *ret_n);
const EventDef *catalog_by_id(uint32_t id);
const EventDef *catalog_by_name(const char *name);
const ArgDef *catalog_arg(const EventDef *e, uint8_t idx);
int catalog_arg_position(const EventDef *e, const char *name);
bool catalog_is_syscall(const EventDef *e);

const char *event_set_name(unsigned bit);
/* Parses a set name ("process", "file", …) into its bit; 0 if unknown. */
unsigned event_set_from_name(const char *name);

/* The width the kernel reads an argument of this C type with (TR_W_*). */
uint8_t catalog_type_width(const char *ctype);

/* Fills a tr_sysdesc for a syscall event; returns false for non-syscall events. */
bool catalog_sysdesc(const EventDef *e, struct tr_sysdesc *ret);
