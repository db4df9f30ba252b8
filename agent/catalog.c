/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event catalogue (see catalog.h). Syscall ids are x86_64 syscall numbers.
 *
 * Argument indexes on the wire (bpf/events.h): 0..5 are the syscall's arguments in order; 7 is
 * mprotect's previous protection (read from the VMAs at entry); 8 + i is the fd information of
 * argument i; 14 and 15 what the returned fd is and its path; 16 + i the directory path argument i
 * was resolved against; 22, 23 and 24 what an io_uring request reported as this event was (its
 * opcode, the fixed-file slot holding its file, its result unseen).
 *
 * An io_uring request carries the arguments its syscall would have, but not what the kernel no
 * longer has at its completion: an open's pathname (its ret_path says what was opened), openat2's
 * size, and a connect's sockfd when a fixed file or an unseen submission named the socket.
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
/* a path resolved against the cwd (or the root, if absolute), or against the dirfd in argument d */
#define SP(i, n)        { .idx = (i), .name = (n), .type = "const char*", .kind = ARGK_STR, .cap = TR_CAP_STR, \
                          .pathbase = TR_PB_CWD }
#define SPAT(i, n, d)   { .idx = (i), .name = (n), .type = "const char*", .kind = ARGK_STR, .cap = TR_CAP_STR, \
                          .pathbase = (d) + 1 }
#define BASE(i, n)      { .idx = 16 + (i), .name = (n), .type = "const char*", .kind = ARGK_STR }
/* what the returned fd is: its info and its path */
#define RETFD           { .idx = 14, .name = "ret_info", .type = "fd_info", .kind = ARGK_FDINFO }, \
                        { .idx = 15, .name = "ret_path", .type = "const char*", .kind = ARGK_STR }

/* what an io_uring request reported as the event was */
#define IOU_OP          { .idx = 22, .name = "iouring_op", .type = "u8", .kind = ARGK_INT, .fmt = FMT_IOURING_OP }
#define IOU_FIXED       { .idx = 23, .name = "fixed_file", .type = "unsigned int", .kind = ARGK_INT, .fmt = FMT_UINT }
#define IOU_UNSEEN      { .idx = 24, .name = "result_unseen", .type = "int", .kind = ARGK_INT, .fmt = FMT_INT }

#define SYSCALL(nr, nm, tp, st, ...) SYSCALLF(nr, nm, tp, st, 0, __VA_ARGS__)
#define SYSCALLF(nr, nm, tp, st, fl, ...) \
        { .id = (nr), .name = (nm), .tracepoint = (tp), .sets = (st), .sysflags = (fl), \
          .nargs = sizeof((ArgDef[]){ __VA_ARGS__ }) / sizeof(ArgDef), .args = { __VA_ARGS__ } }

static const EventDef catalog[] = {
        /* process */
        { .id = 59, .name = "execve", .tracepoint = "execve", .sets = EVSET_PROCESS,
          .sysflags = TR_SYS_EXEC | TR_SYS_NEEDS_ENTER,
          .nargs = 3, .args = { S(0, "pathname"), SARR(1, "argv"), SARR(2, "envp") } },
        { .id = 322, .name = "execveat", .tracepoint = "execveat", .sets = EVSET_PROCESS,
          .sysflags = TR_SYS_EXEC | TR_SYS_NEEDS_ENTER,
          .nargs = 5, .args = { DIRFD(0, "dirfd"), S(1, "pathname"), SARR(2, "argv"), SARR(3, "envp"),
                                I(4, "flags", "int", FMT_AT_FLAGS) } },
        SYSCALL(101, "ptrace", "ptrace", EVSET_PROCESS,
                I(0, "request", "long", FMT_PTRACE_REQ), I(1, "pid", "pid_t", FMT_INT),
                P(2, "addr"), P(3, "data")),
        SYSCALL(62, "kill", "kill", EVSET_PROCESS,
                I(0, "pid", "pid_t", FMT_INT), I(1, "sig", "int", FMT_SIGNAL)),
        SYSCALL(234, "tgkill", "tgkill", EVSET_PROCESS,
                I(0, "tgid", "int", FMT_INT), I(1, "tid", "int", FMT_INT), I(2, "sig", "int", FMT_SIGNAL)),
        SYSCALL(135, "personality", "personality", EVSET_PROCESS | EVSET_MEMORY,
                I(0, "persona", "unsigned int", FMT_PERSONALITY)),
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
                FDI(4, "fd_info"), BASE(4, "fd_path")),
        { .id = 10, .name = "mprotect", .tracepoint = "mprotect", .sets = EVSET_MEMORY, .nargs = 4,
          .sysflags = TR_SYS_NEEDS_ENTER,
          .args = { P(0, "addr"), I(1, "len", "size_t", FMT_UINT),
                    { .idx = 2, .name = "prot", .type = "int", .kind = ARGK_INT, .fmt = FMT_PROT, .cap = TR_CAP_PROT_PREV },
                    { .idx = 7, .name = "prev_prot", .type = "unsigned long", .kind = ARGK_INT, .fmt = FMT_VM_FLAGS } } },
        { .id = 329, .name = "pkey_mprotect", .tracepoint = "pkey_mprotect", .sets = EVSET_MEMORY, .nargs = 5,
          .sysflags = TR_SYS_NEEDS_ENTER,
          .args = { P(0, "addr"), I(1, "len", "size_t", FMT_UINT),
                    { .idx = 2, .name = "prot", .type = "int", .kind = ARGK_INT, .fmt = FMT_PROT, .cap = TR_CAP_PROT_PREV },
                    I(3, "pkey", "int", FMT_INT),
                    { .idx = 7, .name = "prev_prot", .type = "unsigned long", .kind = ARGK_INT, .fmt = FMT_VM_FLAGS } } },
        SYSCALLF(319, "memfd_create", "memfd_create", EVSET_MEMORY | EVSET_FILE, TR_SYS_RET_FD,
                 S(0, "name"), I(1, "flags", "unsigned int", FMT_MFD_FLAGS), RETFD),
        /* module */
        SYSCALL(175, "init_module", "init_module", EVSET_MODULE,
                P(0, "module_image"), I(1, "len", "unsigned long", FMT_UINT), S(2, "param_values")),
        SYSCALL(313, "finit_module", "finit_module", EVSET_MODULE,
                FD(0, "fd"), S(1, "param_values"), I(2, "flags", "int", FMT_HEX), FDI(0, "fd_info"),
                BASE(0, "fd_path")),
        SYSCALL(321, "bpf", "bpf", EVSET_MODULE,
                I(0, "cmd", "int", FMT_BPF_CMD), P(1, "attr"), I(2, "size", "unsigned int", FMT_UINT)),
        /* file descriptors and network */
        SYSCALLF(32, "dup", "dup", EVSET_FILE | EVSET_NETWORK, TR_SYS_RET_FD,
                 FD(0, "oldfd"), FDI(0, "oldfd_info"), BASE(0, "oldfd_path"), RETFD),
        SYSCALLF(33, "dup2", "dup2", EVSET_FILE | EVSET_NETWORK, TR_SYS_RET_FD,
                 FD(0, "oldfd"), I(1, "newfd", "int", FMT_INT), FDI(0, "oldfd_info"), BASE(0, "oldfd_path"), RETFD),
        SYSCALLF(292, "dup3", "dup3", EVSET_FILE | EVSET_NETWORK, TR_SYS_RET_FD,
                 FD(0, "oldfd"), I(1, "newfd", "int", FMT_INT), I(2, "flags", "int", FMT_DUP3_FLAGS),
                 FDI(0, "oldfd_info"), BASE(0, "oldfd_path"), RETFD),
        SYSCALLF(72, "fcntl", "fcntl", EVSET_FILE | EVSET_NETWORK, TR_SYS_RET_FD_DUPFD,
                 FD(0, "fd"), I(1, "cmd", "unsigned int", FMT_FCNTL_CMD), I(2, "arg", "unsigned long", FMT_HEX),
                 FDI(0, "fd_info"), BASE(0, "fd_path"), RETFD),
        SYSCALLF(438, "pidfd_getfd", "pidfd_getfd", EVSET_FILE | EVSET_PROCESS, TR_SYS_RET_FD,
                 I(0, "pidfd", "int", FMT_INT), I(1, "targetfd", "int", FMT_INT),
                 I(2, "flags", "unsigned int", FMT_HEX), RETFD),
        SYSCALL(3, "close", "close", EVSET_FILE, I(0, "fd", "int", FMT_INT)),
        SYSCALLF(41, "socket", "socket", EVSET_NETWORK, TR_SYS_RET_FD,
                I(0, "domain", "int", FMT_SOCK_DOMAIN), I(1, "type", "int", FMT_SOCK_TYPE),
                I(2, "protocol", "int", FMT_INT), RETFD),
        { .id = 42, .name = "connect", .tracepoint = "connect", .sets = EVSET_NETWORK, .iouring_op = 16,
          .nargs = 6,
          .args = { FD(0, "sockfd"), SA(1, "addr"), I(2, "addrlen", "int", FMT_INT), FDI(0, "sockfd_info"),
                    IOU_OP, IOU_FIXED } },
        SYSCALL(49, "bind", "bind", EVSET_NETWORK,
                I(0, "sockfd", "int", FMT_INT), SA(1, "addr"), I(2, "addrlen", "int", FMT_INT)),
        SYSCALL(50, "listen", "listen", EVSET_NETWORK,
                I(0, "sockfd", "int", FMT_INT), I(1, "backlog", "int", FMT_INT)),
        SYSCALLF(43, "accept", "accept", EVSET_NETWORK, TR_SYS_RET_FD,
                 I(0, "sockfd", "int", FMT_INT), SAO(1, "addr"), P(2, "addrlen"), RETFD),
        SYSCALLF(288, "accept4", "accept4", EVSET_NETWORK, TR_SYS_RET_FD,
                 I(0, "sockfd", "int", FMT_INT), SAO(1, "addr"), P(2, "addrlen"),
                 I(3, "flags", "int", FMT_ACCEPT_FLAGS), RETFD),
        /* file */
        SYSCALLF(2, "open", "open", EVSET_FILE, TR_SYS_RET_FD,
                 S(0, "pathname"), I(1, "flags", "int", FMT_OPEN_FLAGS), I(2, "mode", "mode_t", FMT_OCTAL_MODE),
                 RETFD),
        { .id = 257, .name = "openat", .tracepoint = "openat", .sets = EVSET_FILE, .sysflags = TR_SYS_RET_FD,
          .iouring_op = 18, .nargs = 8,
          .args = { DIRFD(0, "dirfd"), S(1, "pathname"), I(2, "flags", "int", FMT_OPEN_FLAGS),
                    I(3, "mode", "mode_t", FMT_OCTAL_MODE), RETFD, IOU_OP, IOU_FIXED } },
        { .id = 437, .name = "openat2", .tracepoint = "openat2", .sets = EVSET_FILE, .sysflags = TR_SYS_RET_FD,
          .iouring_op = 28, .nargs = 8,
          .args = { DIRFD(0, "dirfd"), S(1, "pathname"),
                    { .idx = 2, .name = "flags", .type = "int", .kind = ARGK_INT, .fmt = FMT_OPEN_FLAGS, .cap = TR_CAP_OPEN_HOW },
                    I(3, "size", "size_t", FMT_UINT), RETFD, IOU_OP, IOU_FIXED } },
        SYSCALLF(85, "creat", "creat", EVSET_FILE, TR_SYS_RET_FD,
                 S(0, "pathname"), I(1, "mode", "mode_t", FMT_OCTAL_MODE), RETFD),
        SYSCALLF(304, "open_by_handle_at", "open_by_handle_at", EVSET_FILE, TR_SYS_RET_FD,
                 I(0, "mount_fd", "int", FMT_INT), P(1, "handle"), I(2, "flags", "int", FMT_OPEN_FLAGS), RETFD),
        SYSCALL(87, "unlink", "unlink", EVSET_FILE, S(0, "pathname")),
        SYSCALL(263, "unlinkat", "unlinkat", EVSET_FILE,
                DIRFD(0, "dirfd"), S(1, "pathname"), I(2, "flags", "int", FMT_AT_FLAGS)),
        SYSCALL(82, "rename", "rename", EVSET_FILE, SP(0, "oldpath"), SP(1, "newpath"),
                BASE(0, "oldpath_dir"), BASE(1, "newpath_dir")),
        SYSCALL(264, "renameat", "renameat", EVSET_FILE,
                DIRFD(0, "olddirfd"), SPAT(1, "oldpath", 0), DIRFD(2, "newdirfd"), SPAT(3, "newpath", 2),
                BASE(1, "oldpath_dir"), BASE(3, "newpath_dir")),
        { .id = 316, .name = "renameat2", .tracepoint = "renameat2", .sets = EVSET_FILE, .iouring_op = 35,
          .nargs = 9,
          .args = { DIRFD(0, "olddirfd"), SPAT(1, "oldpath", 0), DIRFD(2, "newdirfd"), SPAT(3, "newpath", 2),
                    I(4, "flags", "unsigned int", FMT_RENAME_FLAGS), BASE(1, "oldpath_dir"), BASE(3, "newpath_dir"),
                    IOU_OP, IOU_UNSEEN } },
        SYSCALL(86, "link", "link", EVSET_FILE, SP(0, "oldpath"), SP(1, "newpath"),
                BASE(0, "oldpath_dir"), BASE(1, "newpath_dir")),
        { .id = 265, .name = "linkat", .tracepoint = "linkat", .sets = EVSET_FILE, .iouring_op = 39, .nargs = 9,
          .args = { DIRFD(0, "olddirfd"), SPAT(1, "oldpath", 0), DIRFD(2, "newdirfd"), SPAT(3, "newpath", 2),
                    I(4, "flags", "int", FMT_AT_FLAGS), BASE(1, "oldpath_dir"), BASE(3, "newpath_dir"),
                    IOU_OP, IOU_UNSEEN } },
        SYSCALL(88, "symlink", "symlink", EVSET_FILE, S(0, "target"), SP(1, "linkpath"), BASE(1, "linkpath_dir")),
        { .id = 266, .name = "symlinkat", .tracepoint = "symlinkat", .sets = EVSET_FILE, .iouring_op = 38,
          .nargs = 6,
          .args = { S(0, "target"), DIRFD(1, "newdirfd"), SPAT(2, "linkpath", 1), BASE(2, "linkpath_dir"),
                    IOU_OP, IOU_UNSEEN } },
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
        { .id = TR_EV_SCHED_PROCESS_EXEC, .name = "sched_process_exec", .sets = EVSET_PROCESS, .nargs = 16,
          .args = { { .idx = 0, .name = "pathname", .type = "const char*", .kind = ARGK_STR },
                    { .idx = 1, .name = "filename", .type = "const char*", .kind = ARGK_STR },
                    { .idx = 2, .name = "interpreter", .type = "const char*", .kind = ARGK_STR },
                    { .idx = 3, .name = "argv", .type = "const char**", .kind = ARGK_STRARR },
                    { .idx = 4, .name = "env", .type = "const char**", .kind = ARGK_STRARR },
                    { .idx = 5, .name = "old_pid", .type = "int", .kind = ARGK_INT, .fmt = FMT_INT },
                    { .idx = 6, .name = "inode_mode", .type = "umode_t", .kind = ARGK_INT, .fmt = FMT_OCTAL_MODE },
                    /* what the kernel says the executed file is */
                    { .idx = 7, .name = "file_info", .type = "fd_info", .kind = ARGK_FDINFO },
                    /* the new program's fds 0-2, sent when one of them is a socket */
                    { .idx = 8, .name = "stdin_info", .type = "fd_info", .kind = ARGK_FDINFO },
                    { .idx = 9, .name = "stdout_info", .type = "fd_info", .kind = ARGK_FDINFO },
                    { .idx = 10, .name = "stderr_info", .type = "fd_info", .kind = ARGK_FDINFO },
                    /* a script: its own file when run through /dev/fd/N, the directory it resolves in */
                    { .idx = 11, .name = "script_info", .type = "fd_info", .kind = ARGK_FDINFO },
                    { .idx = 12, .name = "script_dir", .type = "const char*", .kind = ARGK_STR },
                    /* what the loader will act on, from the whole environment and argv */
                    { .idx = 13, .name = "ld_env", .type = "const char**", .kind = ARGK_STRARR },
                    { .idx = 14, .name = "ld_env_complete", .type = "int", .kind = ARGK_INT, .fmt = FMT_INT },
                    { .idx = 15, .name = "loader_opts", .type = "const char**", .kind = ARGK_STRARR } } },
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

uint8_t catalog_type_width(const char *t)
{
        static const char *const s32[] = { "int", "pid_t", "uid_t", "gid_t", "key_serial_t", "clockid_t" };
        static const char *const u32[] = { "unsigned int", "mode_t", "umode_t", "u32", "__u32" };

        if (!t)
                return TR_W_64;
        for (size_t i = 0; i < sizeof(s32) / sizeof(s32[0]); i++)
                if (strcmp(t, s32[i]) == 0)
                        return TR_W_S32;
        for (size_t i = 0; i < sizeof(u32) / sizeof(u32[0]); i++)
                if (strcmp(t, u32[i]) == 0)
                        return TR_W_U32;
        return TR_W_64;
}

bool catalog_sysdesc(const EventDef *e, struct tr_sysdesc *ret)
{
        struct tr_sysdesc d = {};

        if (!catalog_is_syscall(e) || e->id >= TR_MAX_SYSCALL)
                return false;
        for (unsigned i = 0; i < e->nargs; i++)
                if (e->args[i].idx < TR_MAX_ARGS) {
                        d.arg[e->args[i].idx] = e->args[i].cap;
                        /* the register holds the integer itself only for these; else a pointer */
                        d.width[e->args[i].idx] = e->args[i].cap == TR_CAP_INT || e->args[i].cap == TR_CAP_FD ||
                                                          e->args[i].cap == TR_CAP_PROT_PREV ?
                                                  catalog_type_width(e->args[i].type) : TR_W_64;
                        d.pathbase[e->args[i].idx] = e->args[i].pathbase;
                }
        d.flags = e->sysflags;
        *ret = d;
        return true;
}
