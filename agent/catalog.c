/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event catalogue (see catalog.h). Syscall ids are x86_64 syscall numbers.
 *
 * Argument indexes on the wire: 0..5 are the syscall's arguments in order; 7 is mprotect's
 * previous protection (read from the VMA at entry); 8 + i is the fd information of argument i.
 */
#include <errno.h>
#include <string.h>

#include "catalog.h"

#define I(i, n, t, f)   { .idx = (i), .name = (n), .type = (t), .kind = ARGK_INT, .fmt = (f), .cap = TR_CAP_INT }
#define FD(i, n)        { .idx = (i), .name = (n), .type = "int", .kind = ARGK_INT, .fmt = FMT_INT, .cap = TR_CAP_FD }
#define FDI(i, n)       { .idx = 8 + (i), .name = (n), .type = "fd_info", .kind = ARGK_FDINFO }
#define DIRFD(i, n)     I(i, n, "int", FMT_DIRFD)
#define S(i, n)         { .idx = (i), .name = (n), .type = "const char*", .kind = ARGK_STR, .cap = TR_CAP_STR }
#define SA(i, n)        { .idx = (i), .name = (n), .type = "struct sockaddr*", .kind = ARGK_SOCKADDR, .cap = TR_CAP_SOCKADDR }
#define SAO(i, n)       { .idx = (i), .name = (n), .type = "struct sockaddr*", .kind = ARGK_SOCKADDR, .cap = TR_CAP_SOCKADDR_OUT }
#define SARR(i, n)      { .idx = (i), .name = (n), .type = "const char*const*", .kind = ARGK_STRARR, .cap = TR_CAP_STRARR }
#define P(i, n)         I(i, n, "void*", FMT_HEX)

#define SYSCALL(nr, nm, tp, st, ...) \
        { .id = (nr), .name = (nm), .tracepoint = (tp), .sets = (st), \
          .nargs = sizeof((ArgDef[]){ __VA_ARGS__ }) / sizeof(ArgDef), .args = { __VA_ARGS__ } }

static const EventDef catalog[] = {
        /* process */
        { .id = 59, .name = "execve", .tracepoint = "execve", .sets = EVSET_PROCESS, .sysflags = TR_SYS_EXEC,
          .nargs = 3, .args = { S(0, "pathname"), SARR(1, "argv"), SARR(2, "envp") } },
        { .id = 322, .name = "execveat", .tracepoint = "execveat", .sets = EVSET_PROCESS, .sysflags = TR_SYS_EXEC,
          .nargs = 5, .args = { DIRFD(0, "dirfd"), S(1, "pathname"), SARR(2, "argv"), SARR(3, "envp"),
                                I(4, "flags", "int", FMT_AT_FLAGS) } },
        SYSCALL(101, "ptrace", "ptrace", EVSET_PROCESS,
                I(0, "request", "long", FMT_PTRACE_REQ), I(1, "pid", "pid_t", FMT_INT),
                P(2, "addr"), P(3, "data")),
        SYSCALL(62, "kill", "kill", EVSET_PROCESS,
                I(0, "pid", "pid_t", FMT_INT), I(1, "sig", "int", FMT_SIGNAL)),
        SYSCALL(234, "tgkill", "tgkill", EVSET_PROCESS,
                I(0, "tgid", "int", FMT_INT), I(1, "tid", "int", FMT_INT), I(2, "sig", "int", FMT_SIGNAL)),
        SYSCALL(157, "prctl", "prctl", EVSET_PROCESS,
                I(0, "option", "int", FMT_PRCTL_OPT), I(1, "arg2", "unsigned long", FMT_HEX),
                I(2, "arg3", "unsigned long", FMT_HEX), I(3, "arg4", "unsigned long", FMT_HEX),
                I(4, "arg5", "unsigned long", FMT_HEX)),
        /* memory */
        SYSCALL(311, "process_vm_writev", "process_vm_writev", EVSET_PROCESS | EVSET_MEMORY,
                I(0, "pid", "pid_t", FMT_INT), P(1, "local_iov"), I(2, "liovcnt", "unsigned long", FMT_UINT),
                P(3, "remote_iov"), I(4, "riovcnt", "unsigned long", FMT_UINT),
                I(5, "flags", "unsigned long", FMT_UINT)),
        SYSCALL(310, "process_vm_readv", "process_vm_readv", EVSET_PROCESS | EVSET_MEMORY,
                I(0, "pid", "pid_t", FMT_INT), P(1, "local_iov"), I(2, "liovcnt", "unsigned long", FMT_UINT),
                P(3, "remote_iov"), I(4, "riovcnt", "unsigned long", FMT_UINT),
                I(5, "flags", "unsigned long", FMT_UINT)),
        SYSCALL(9, "mmap", "mmap", EVSET_MEMORY,
                P(0, "addr"), I(1, "length", "size_t", FMT_UINT), I(2, "prot", "int", FMT_PROT),
                I(3, "flags", "int", FMT_MAP_FLAGS), FD(4, "fd"), I(5, "off", "off_t", FMT_UINT),
                FDI(4, "fd_info")),
        { .id = 10, .name = "mprotect", .tracepoint = "mprotect", .sets = EVSET_MEMORY, .nargs = 4,
          .args = { P(0, "addr"), I(1, "len", "size_t", FMT_UINT),
                    { .idx = 2, .name = "prot", .type = "int", .kind = ARGK_INT, .fmt = FMT_PROT, .cap = TR_CAP_PROT_PREV },
                    { .idx = 7, .name = "prev_prot", .type = "int", .kind = ARGK_INT, .fmt = FMT_VM_FLAGS } } },
        { .id = 329, .name = "pkey_mprotect", .tracepoint = "pkey_mprotect", .sets = EVSET_MEMORY, .nargs = 5,
          .args = { P(0, "addr"), I(1, "len", "size_t", FMT_UINT),
                    { .idx = 2, .name = "prot", .type = "int", .kind = ARGK_INT, .fmt = FMT_PROT, .cap = TR_CAP_PROT_PREV },
                    I(3, "pkey", "int", FMT_INT),
                    { .idx = 7, .name = "prev_prot", .type = "int", .kind = ARGK_INT, .fmt = FMT_VM_FLAGS } } },
        SYSCALL(319, "memfd_create", "memfd_create", EVSET_MEMORY | EVSET_FILE,
                S(0, "name"), I(1, "flags", "unsigned int", FMT_MFD_FLAGS)),
        /* module */
        SYSCALL(175, "init_module", "init_module", EVSET_MODULE,
                P(0, "module_image"), I(1, "len", "unsigned long", FMT_UINT), S(2, "param_values")),
        SYSCALL(313, "finit_module", "finit_module", EVSET_MODULE,
                FD(0, "fd"), S(1, "param_values"), I(2, "flags", "int", FMT_HEX), FDI(0, "fd_info")),
        SYSCALL(321, "bpf", "bpf", EVSET_MODULE,
                I(0, "cmd", "int", FMT_BPF_CMD), P(1, "attr"), I(2, "size", "unsigned int", FMT_UINT)),
        /* file descriptors and network */
        SYSCALL(32, "dup", "dup", EVSET_FILE | EVSET_NETWORK, FD(0, "oldfd"), FDI(0, "oldfd_info")),
        SYSCALL(33, "dup2", "dup2", EVSET_FILE | EVSET_NETWORK,
                FD(0, "oldfd"), I(1, "newfd", "int", FMT_INT), FDI(0, "oldfd_info")),
        SYSCALL(292, "dup3", "dup3", EVSET_FILE | EVSET_NETWORK,
                FD(0, "oldfd"), I(1, "newfd", "int", FMT_INT), I(2, "flags", "int", FMT_DUP3_FLAGS),
                FDI(0, "oldfd_info")),
        SYSCALL(3, "close", "close", EVSET_FILE, I(0, "fd", "int", FMT_INT)),
        SYSCALL(41, "socket", "socket", EVSET_NETWORK,
                I(0, "domain", "int", FMT_SOCK_DOMAIN), I(1, "type", "int", FMT_SOCK_TYPE),
                I(2, "protocol", "int", FMT_INT)),
        SYSCALL(42, "connect", "connect", EVSET_NETWORK,
                FD(0, "sockfd"), SA(1, "addr"), I(2, "addrlen", "int", FMT_INT), FDI(0, "sockfd_info")),
        SYSCALL(49, "bind", "bind", EVSET_NETWORK,
                I(0, "sockfd", "int", FMT_INT), SA(1, "addr"), I(2, "addrlen", "int", FMT_INT)),
        SYSCALL(50, "listen", "listen", EVSET_NETWORK,
                I(0, "sockfd", "int", FMT_INT), I(1, "backlog", "int", FMT_INT)),
        SYSCALL(43, "accept", "accept", EVSET_NETWORK,
                I(0, "sockfd", "int", FMT_INT), SAO(1, "addr"), P(2, "addrlen")),
        SYSCALL(288, "accept4", "accept4", EVSET_NETWORK,
                I(0, "sockfd", "int", FMT_INT), SAO(1, "addr"), P(2, "addrlen"),
                I(3, "flags", "int", FMT_ACCEPT_FLAGS)),
        /* file */
        SYSCALL(2, "open", "open", EVSET_FILE,
                S(0, "pathname"), I(1, "flags", "int", FMT_OPEN_FLAGS), I(2, "mode", "mode_t", FMT_OCTAL_MODE)),
        SYSCALL(257, "openat", "openat", EVSET_FILE,
                DIRFD(0, "dirfd"), S(1, "pathname"), I(2, "flags", "int", FMT_OPEN_FLAGS),
                I(3, "mode", "mode_t", FMT_OCTAL_MODE)),
        { .id = 437, .name = "openat2", .tracepoint = "openat2", .sets = EVSET_FILE, .nargs = 4,
          .args = { DIRFD(0, "dirfd"), S(1, "pathname"),
                    { .idx = 2, .name = "flags", .type = "int", .kind = ARGK_INT, .fmt = FMT_OPEN_FLAGS, .cap = TR_CAP_OPEN_HOW },
                    I(3, "size", "size_t", FMT_UINT) } },
        SYSCALL(85, "creat", "creat", EVSET_FILE, S(0, "pathname"), I(1, "mode", "mode_t", FMT_OCTAL_MODE)),
        SYSCALL(87, "unlink", "unlink", EVSET_FILE, S(0, "pathname")),
        SYSCALL(263, "unlinkat", "unlinkat", EVSET_FILE,
                DIRFD(0, "dirfd"), S(1, "pathname"), I(2, "flags", "int", FMT_AT_FLAGS)),
        SYSCALL(82, "rename", "rename", EVSET_FILE, S(0, "oldpath"), S(1, "newpath")),
        SYSCALL(264, "renameat", "renameat", EVSET_FILE,
                DIRFD(0, "olddirfd"), S(1, "oldpath"), DIRFD(2, "newdirfd"), S(3, "newpath")),
        SYSCALL(316, "renameat2", "renameat2", EVSET_FILE,
                DIRFD(0, "olddirfd"), S(1, "oldpath"), DIRFD(2, "newdirfd"), S(3, "newpath"),
                I(4, "flags", "unsigned int", FMT_RENAME_FLAGS)),
        SYSCALL(90, "chmod", "chmod", EVSET_FILE, S(0, "pathname"), I(1, "mode", "mode_t", FMT_OCTAL_MODE)),
        SYSCALL(268, "fchmodat", "fchmodat", EVSET_FILE,
                DIRFD(0, "dirfd"), S(1, "pathname"), I(2, "mode", "mode_t", FMT_OCTAL_MODE)),
        SYSCALL(165, "mount", "mount", EVSET_FILE,
                S(0, "source"), S(1, "target"), S(2, "filesystemtype"),
                I(3, "mountflags", "unsigned long", FMT_MOUNT_FLAGS), P(4, "data")),
        SYSCALL(166, "umount2", "umount", EVSET_FILE, S(0, "target"), I(1, "flags", "int", FMT_UMOUNT_FLAGS)),
        /* credentials */
        SYSCALL(105, "setuid", "setuid", EVSET_CREDENTIALS, I(0, "uid", "uid_t", FMT_INT)),
        SYSCALL(106, "setgid", "setgid", EVSET_CREDENTIALS, I(0, "gid", "gid_t", FMT_INT)),
        SYSCALL(113, "setreuid", "setreuid", EVSET_CREDENTIALS,
                I(0, "ruid", "uid_t", FMT_INT), I(1, "euid", "uid_t", FMT_INT)),
        SYSCALL(117, "setresuid", "setresuid", EVSET_CREDENTIALS,
                I(0, "ruid", "uid_t", FMT_INT), I(1, "euid", "uid_t", FMT_INT), I(2, "suid", "uid_t", FMT_INT)),
        SYSCALL(126, "capset", "capset", EVSET_CREDENTIALS, P(0, "hdrp"), P(1, "datap")),
        /* sched */
        { .id = TR_EV_SCHED_PROCESS_FORK, .name = "sched_process_fork", .sets = EVSET_PROCESS, .nargs = 3,
          .args = { { .idx = 0, .name = "child_pid", .type = "int", .kind = ARGK_INT, .fmt = FMT_INT },
                    { .idx = 1, .name = "start_time", .type = "unsigned long", .kind = ARGK_INT, .fmt = FMT_UINT },
                    { .idx = 2, .name = "child_ns_pid", .type = "int", .kind = ARGK_INT, .fmt = FMT_INT } } },
        { .id = TR_EV_SCHED_PROCESS_EXEC, .name = "sched_process_exec", .sets = EVSET_PROCESS, .nargs = 7,
          .args = { { .idx = 0, .name = "pathname", .type = "const char*", .kind = ARGK_STR },
                    { .idx = 1, .name = "filename", .type = "const char*", .kind = ARGK_STR },
                    { .idx = 2, .name = "interpreter", .type = "const char*", .kind = ARGK_STR },
                    { .idx = 3, .name = "argv", .type = "const char**", .kind = ARGK_STRARR },
                    { .idx = 4, .name = "env", .type = "const char**", .kind = ARGK_STRARR },
                    { .idx = 5, .name = "old_pid", .type = "int", .kind = ARGK_INT, .fmt = FMT_INT },
                    { .idx = 6, .name = "inode_mode", .type = "umode_t", .kind = ARGK_INT, .fmt = FMT_OCTAL_MODE } } },
        { .id = TR_EV_SCHED_PROCESS_EXIT, .name = "sched_process_exit", .sets = EVSET_PROCESS, .nargs = 1,
          .args = { { .idx = 0, .name = "exit_code", .type = "int", .kind = ARGK_INT, .fmt = FMT_INT } } },
};

const EventDef *catalog_all(size_t *ret_n)
{
        *ret_n = sizeof(catalog) / sizeof(catalog[0]);
        return catalog;
}

/* id → entry for the ids below BY_ID_MAX (all of them today), built on first use: the decoder asks
 * for every record. */
#define BY_ID_MAX 2048

const EventDef *catalog_by_id(uint32_t id)
{
        static const EventDef *by_id[BY_ID_MAX];
        static bool indexed;

        if (!indexed) {
                for (size_t i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++)
                        if (catalog[i].id < BY_ID_MAX && !by_id[catalog[i].id])
                                by_id[catalog[i].id] = &catalog[i];
                indexed = true;
        }
        if (id < BY_ID_MAX)
                return by_id[id];
        for (size_t i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++)
                if (catalog[i].id == id)
                        return &catalog[i];
        return NULL;
}

const EventDef *catalog_by_name(const char *name)
{
        if (!name)
                return NULL;
        for (size_t i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++)
                if (strcmp(catalog[i].name, name) == 0)
                        return &catalog[i];
        return NULL;
}

const ArgDef *catalog_arg(const EventDef *e, uint8_t idx)
{
        for (unsigned i = 0; i < e->nargs; i++)
                if (e->args[i].idx == idx)
                        return &e->args[i];
        return NULL;
}

int catalog_arg_position(const EventDef *e, const char *name)
{
        for (unsigned i = 0; i < e->nargs; i++)
                if (strcmp(e->args[i].name, name) == 0)
                        return (int) i;
        return -ENOENT;
}

bool catalog_is_syscall(const EventDef *e)
{
        return e->tracepoint != NULL;
}

static const struct {
        unsigned bit;
        const char *name;
} set_names[] = {
        { EVSET_PROCESS, "process" },
        { EVSET_FILE, "file" },
        { EVSET_NETWORK, "network" },
        { EVSET_MEMORY, "memory" },
        { EVSET_MODULE, "module" },
        { EVSET_CREDENTIALS, "credentials" },
};

const char *event_set_name(unsigned bit)
{
        for (size_t i = 0; i < sizeof(set_names) / sizeof(set_names[0]); i++)
                if (set_names[i].bit == bit)
                        return set_names[i].name;
        return NULL;
}

unsigned event_set_from_name(const char *name)
{
        for (size_t i = 0; i < sizeof(set_names) / sizeof(set_names[0]); i++)
                if (strcmp(set_names[i].name, name) == 0)
                        return set_names[i].bit;
        return 0;
}

bool catalog_sysdesc(const EventDef *e, struct tr_sysdesc *ret)
{
        struct tr_sysdesc d = {};

        if (!catalog_is_syscall(e) || e->id >= TR_MAX_SYSCALL)
                return false;
        for (unsigned i = 0; i < e->nargs; i++)
                if (e->args[i].idx < TR_MAX_ARGS)
                        d.arg[e->args[i].idx] = e->args[i].cap;
        d.flags = e->sysflags;
        *ret = d;
        return true;
}
