/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ia32 syscalls the compat watch translates; see compat.h.
 *
 * Every number is checked against the kernel's arch/x86/entry/syscalls/syscall_32.tbl. Left out on
 * purpose: execve (11) and execveat (358), since exec of any ABI is seen by sched_process_exec; the
 * 16-bit-uid setuid, setgid, setreuid and setresuid (23, 46, 70, 164), whose ids are not the
 * x86_64 calls' (their 32-bit-uid versions are here); umount (22), which has no flags argument.
 * Only the socket calls the catalogue has are translated out of socketcall (102); the others
 * (send, recv, setsockopt...) are not events.
 */
#include <string.h>

#include "catalog.h"
#include "compat.h"

#define SC(call)        (TR_COMPAT_SOCKETCALL + (call))

static const CompatSyscall table[] = {
        /* process */
        { 26, "ptrace", "ptrace", TR_CX_REGS, 0 },
        { 37, "kill", "kill", TR_CX_REGS, 0 },
        { 270, "tgkill", "tgkill", TR_CX_REGS, 0 },
        { 136, "personality", "personality", TR_CX_REGS, 0 },
        { 172, "prctl", "prctl", TR_CX_REGS, 0 },
        /* memory */
        { 348, "process_vm_writev", "process_vm_writev", TR_CX_REGS, 0 },
        { 347, "process_vm_readv", "process_vm_readv", TR_CX_REGS, 0 },
        { 192, "mmap2", "mmap", TR_CX_MMAP2, 0 },
        { 90, "mmap", "mmap", TR_CX_OLD_MMAP, 0 },
        { 125, "mprotect", "mprotect", TR_CX_REGS, 0 },
        { 380, "pkey_mprotect", "pkey_mprotect", TR_CX_REGS, 0 },
        { 356, "memfd_create", "memfd_create", TR_CX_REGS, 0 },
        /* module */
        { 128, "init_module", "init_module", TR_CX_REGS, 0 },
        { 350, "finit_module", "finit_module", TR_CX_REGS, 0 },
        { 357, "bpf", "bpf", TR_CX_REGS, 0 },
        /* file descriptors and network */
        { 41, "dup", "dup", TR_CX_REGS, 0 },
        { 63, "dup2", "dup2", TR_CX_REGS, 0 },
        { 330, "dup3", "dup3", TR_CX_REGS, 0 },
        { 55, "fcntl", "fcntl", TR_CX_REGS, 0 },
        { 221, "fcntl64", "fcntl", TR_CX_REGS, 0 },
        { 438, "pidfd_getfd", "pidfd_getfd", TR_CX_REGS, 0 },
        { 6, "close", "close", TR_CX_REGS, 0 },
        { 359, "socket", "socket", TR_CX_REGS, 0 },
        { 362, "connect", "connect", TR_CX_REGS, 0 },
        { 361, "bind", "bind", TR_CX_REGS, 0 },
        { 363, "listen", "listen", TR_CX_REGS, 0 },
        { 364, "accept4", "accept4", TR_CX_REGS, 0 },
        { 102, "socketcall", NULL, TR_CX_SOCKETCALL, 0 },
        /* socketcall's calls (include/uapi/linux/net.h), with the words of arguments each reads */
        { SC(1), "socketcall(SYS_SOCKET)", "socket", TR_CX_REGS, 3 },
        { SC(2), "socketcall(SYS_BIND)", "bind", TR_CX_REGS, 3 },
        { SC(3), "socketcall(SYS_CONNECT)", "connect", TR_CX_REGS, 3 },
        { SC(4), "socketcall(SYS_LISTEN)", "listen", TR_CX_REGS, 2 },
        { SC(5), "socketcall(SYS_ACCEPT)", "accept", TR_CX_REGS, 3 },
        { SC(18), "socketcall(SYS_ACCEPT4)", "accept4", TR_CX_REGS, 4 },
        /* file */
        { 5, "open", "open", TR_CX_REGS, 0 },
        { 295, "openat", "openat", TR_CX_REGS, 0 },
        { 437, "openat2", "openat2", TR_CX_REGS, 0 },
        { 8, "creat", "creat", TR_CX_REGS, 0 },
        { 342, "open_by_handle_at", "open_by_handle_at", TR_CX_REGS, 0 },
        { 10, "unlink", "unlink", TR_CX_REGS, 0 },
        { 301, "unlinkat", "unlinkat", TR_CX_REGS, 0 },
        { 38, "rename", "rename", TR_CX_REGS, 0 },
        { 302, "renameat", "renameat", TR_CX_REGS, 0 },
        { 353, "renameat2", "renameat2", TR_CX_REGS, 0 },
        { 9, "link", "link", TR_CX_REGS, 0 },
        { 303, "linkat", "linkat", TR_CX_REGS, 0 },
        { 83, "symlink", "symlink", TR_CX_REGS, 0 },
        { 304, "symlinkat", "symlinkat", TR_CX_REGS, 0 },
        { 15, "chmod", "chmod", TR_CX_REGS, 0 },
        { 306, "fchmodat", "fchmodat", TR_CX_REGS, 0 },
        { 21, "mount", "mount", TR_CX_REGS, 0 },
        { 52, "umount2", "umount2", TR_CX_REGS, 0 },
        /* credentials */
        { 213, "setuid32", "setuid", TR_CX_REGS, 0 },
        { 214, "setgid32", "setgid", TR_CX_REGS, 0 },
        { 203, "setreuid32", "setreuid", TR_CX_REGS, 0 },
        { 208, "setresuid32", "setresuid", TR_CX_REGS, 0 },
        { 185, "capset", "capset", TR_CX_REGS, 0 },
};

const CompatSyscall *compat_table(size_t *ret_n)
{
        *ret_n = sizeof(table) / sizeof(table[0]);
        return table;
}

/*
 * How the kernel reads a 32-bit syscall's argument of this catalogue type: every register is 32
 * bits, so the signed types (int and its kin, and long: compat_long_t) are sign-extended, the rest
 * (unsigned types, size_t, pointers) zero-extended.
 */
static uint8_t compat_width(const ArgDef *a)
{
        uint8_t w = catalog_type_width(a->type);

        if (w != TR_W_64)
                return w;
        if (a->kind == ARGK_INT && (strcmp(a->type, "long") == 0 || strcmp(a->type, "off_t") == 0))
                return TR_W_S32;
        return TR_W_U32;
}

bool compat_entry(const CompatSyscall *c, struct tr_compat *ret)
{
        struct tr_compat t = { .how = c->how, .nargs = c->nargs };
        const EventDef *e;

        for (unsigned i = 0; i < TR_MAX_ARGS; i++)
                t.width[i] = TR_W_U32;
        if (!c->event) {
                *ret = t;
                return c->how == TR_CX_SOCKETCALL;
        }
        e = catalog_by_name(c->event);
        if (!e || !catalog_is_syscall(e))
                return false;
        t.id = (uint16_t) e->id;
        for (unsigned i = 0; i < e->nargs; i++)
                if (e->args[i].idx < TR_MAX_ARGS)
                        t.width[e->args[i].idx] = compat_width(&e->args[i]);
        /* mmap2's page offset (unsigned long) and old mmap's offset (u32) are unsigned */
        if (c->how == TR_CX_MMAP2 || c->how == TR_CX_OLD_MMAP)
                t.width[5] = TR_W_U32;
        *ret = t;
        return true;
}

bool compat_event_translated(uint32_t id)
{
        const EventDef *e = catalog_by_id(id);

        if (!e)
                return false;
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
                if (table[i].event && strcmp(table[i].event, e->name) == 0)
                        return true;
        return false;
}

static const char *const abi_names[_COMPAT_ABI_MAX] = {
        [COMPAT_ABI_OFF] = "off",
        [COMPAT_ABI_ON] = "on",
        [COMPAT_ABI_UNKNOWN] = "unknown",
};

const char *compat_abi_to_string(CompatAbi a)
{
        return a >= 0 && a < _COMPAT_ABI_MAX ? abi_names[a] : NULL;
}
