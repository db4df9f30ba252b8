/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The 32-bit (ia32) syscall ABI of a 64-bit kernel. With ia32 emulation on (the default of most
 * distribution kernels), any process, 64-bit ones included, can make 32-bit syscalls (`int $0x80`):
 * other numbers, 32-bit arguments, and no per-syscall tracepoint ever fires for them. The compat
 * watch (bpf/syscall.bpf.c, tr_raw_exit) translates them into the events of the x86_64 syscalls
 * they do, from the table here; without it, the rules that need those syscalls are degraded.
 *
 * compat.c is pure code (the table, the tr_compat entries built from the catalogue); the probe that
 * asks the running kernel whether it takes 32-bit syscalls is compat-probe.c.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "../bpf/events.h"

typedef struct CompatSyscall {
        uint16_t key;           /* the ia32 syscall number, or TR_COMPAT_SOCKETCALL + socketcall's call */
        const char *name;       /* its ia32 name (socketcall's calls: "socketcall(SYS_CONNECT)") */
        const char *event;      /* the x86_64 event it is, by catalogue name; NULL for socketcall itself */
        uint8_t how;            /* TR_CX_* */
        uint8_t nargs;          /* socketcall's calls: how many 32-bit words of arguments the kernel reads */
} CompatSyscall;

/* Every ia32 syscall the compat watch translates (numbers from arch/x86/entry/syscalls/syscall_32.tbl). */
const CompatSyscall *compat_table(size_t *ret_n);

/* The tr_compat entry of c, with on = false; false if c names no catalogue event (socketcall itself
 * has no event: its entry only says where its calls are). */
bool compat_entry(const CompatSyscall *c, struct tr_compat *ret);

/* Does a 32-bit syscall do what event id does, so that without the compat watch it goes unseen? */
bool compat_event_translated(uint32_t id);

typedef enum CompatAbi {
        COMPAT_ABI_OFF,         /* this kernel refuses 32-bit syscalls */
        COMPAT_ABI_ON,
        COMPAT_ABI_UNKNOWN,     /* the probe could not tell: taken as on */
        _COMPAT_ABI_MAX,
        _COMPAT_ABI_INVALID = -EINVAL,
} CompatAbi;

const char *compat_abi_to_string(CompatAbi a);

typedef struct CompatProbe {
        CompatAbi abi;
        char seen[160];         /* what the probe saw, for the messages */
        int cmdline;            /* ia32_emulation= on the kernel command line: 1, 0, or -1 when absent */
} CompatProbe;

/*
 * Asks the running kernel whether it takes 32-bit syscalls: a forked child (never this process)
 * executes `int $0x80` with the ia32 getpid number, and its fate says (its pid back: on; SIGSEGV or
 * ENOSYS: off; a seccomp filter's SIGSYS or EPERM, as under the service's SystemCallArchitectures=:
 * on, the kernel took it for a 32-bit syscall). ia32_emulation= on /proc/cmdline is the hint when the
 * child cannot tell. Never fails: what cannot be told is COMPAT_ABI_UNKNOWN.
 */
void compat_probe(CompatProbe *ret);
