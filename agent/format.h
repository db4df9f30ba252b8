/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Symbolic formatting of syscall argument values.
 *
 * Turns raw integer arguments captured by the probes (open flags, mmap protections, ptrace
 * requests, signal numbers, ...) into the names a human expects to read, using the x86_64 Linux
 * ABI values. Also decodes raw socket addresses. Everything here is pure: no I/O, no allocation,
 * every output bounded by the caller's buffer.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ArgFmt {
        FMT_INT = 0,         /* decimal signed */
        FMT_UINT,            /* decimal unsigned */
        FMT_HEX,             /* 0x... (pointers, addresses) */
        FMT_OCTAL_MODE,      /* file mode, e.g. 0644 (leading 0; 0 -> "0") */
        FMT_OPEN_FLAGS,      /* O_RDONLY/O_WRONLY/O_RDWR first, then |O_CREAT|... */
        FMT_PROT,            /* PROT_NONE or PROT_READ|PROT_WRITE|PROT_EXEC|... */
        FMT_MAP_FLAGS,       /* MAP_SHARED/MAP_PRIVATE/MAP_SHARED_VALIDATE then |MAP_FIXED|... */
        FMT_VM_FLAGS,        /* kernel vm_flags: VM_READ/VM_WRITE/VM_EXEC as PROT_ names */
        FMT_PTRACE_REQ,      /* PTRACE_* request; unknown -> decimal */
        FMT_SOCK_DOMAIN,     /* AF_*; unknown -> decimal */
        FMT_SOCK_TYPE,       /* SOCK_STREAM/... then |SOCK_NONBLOCK|SOCK_CLOEXEC */
        FMT_SIGNAL,          /* SIGHUP..SIGSYS, 0 -> "0", SIGRTMIN / SIGRTMIN+n; unknown -> decimal */
        FMT_PRCTL_OPT,       /* PR_*; unknown -> decimal */
        FMT_MFD_FLAGS,       /* MFD_*, 0 -> "0" */
        FMT_MOUNT_FLAGS,     /* MS_*, 0 -> "0"; MS_MGC_VAL magic ignored */
        FMT_UMOUNT_FLAGS,    /* MNT_FORCE|MNT_DETACH|MNT_EXPIRE|UMOUNT_NOFOLLOW, 0 -> "0" */
        FMT_AT_FLAGS,        /* AT_*, 0 -> "0" (0x200 prints as AT_REMOVEDIR, == AT_EACCESS) */
        FMT_DIRFD,           /* AT_FDCWD (-100) -> "AT_FDCWD", else decimal */
        FMT_RENAME_FLAGS,    /* RENAME_NOREPLACE|RENAME_EXCHANGE|RENAME_WHITEOUT, 0 -> "0" */
        FMT_BPF_CMD,         /* BPF_* command; unknown -> decimal */
        FMT_CAP_VERSION,     /* hex */
        FMT_ACCEPT_FLAGS,    /* SOCK_NONBLOCK|SOCK_CLOEXEC, 0 -> "0" */
        FMT_DUP3_FLAGS,      /* O_CLOEXEC or 0 */
        FMT_OPENAT2_RESOLVE, /* hex */
        FMT_FCNTL_CMD,       /* F_DUPFD, F_GETFD, ...; unknown -> decimal */
        FMT_PERSONALITY,     /* PER_LINUX / PER_LINUX32 ... then |READ_IMPLIES_EXEC|ADDR_NO_RANDOMIZE|... */
        FMT_FILE_CLASS,      /* TR_FC_* bits: "open|write|proc_mem" */
        FMT_IOURING_OP,      /* IORING_OP_*; unknown -> decimal */
        _FMT_MAX,
} ArgFmt;

/* Writes the symbolic form of v into buf (always NUL-terminated when n > 0, truncated to n-1 bytes
 * if needed). Unknown flag bits left over are appended as "|0x..." in hex (or written alone as
 * "0x..." if no name matched). Returns the length written (strlen of the result), or -EINVAL for
 * an unknown fmt or buf == NULL with n > 0. With n == 0 nothing is written and 0 is returned. */
int format_value(ArgFmt fmt, int64_t v, char *buf, size_t n);

/* Whether the JSON value for this format should be a string: FMT_INT/FMT_UINT -> false, every
 * other valid format -> true, invalid formats -> false. */
bool format_is_string(ArgFmt fmt);

/* Decoded socket address. */
typedef struct SockAddr {
        int family;                /* AF_* value */
        char family_name[16];      /* "AF_INET", "AF_INET6", "AF_UNIX", ... known AF_ name, or "AF_<n>" */
        char addr[64];             /* "127.0.0.1", "::1", unix path (abstract: "@name"); "" if none */
        int port;                  /* host order, -1 if not inet */
        bool truncated;            /* len was shorter than the family's structure */
} SockAddr;

/* Decodes a raw struct sockaddr of len bytes (untrusted: len may be short, family may be
 * anything; raw need not be aligned). Fills *out and returns 0, or -EINVAL if raw/out is NULL or
 * len < 2.
 *
 * AF_INET: needs 16 bytes for the full structure; the port is decoded from >= 4 bytes and the
 *          address from >= 8 bytes, otherwise addr stays "" / port -1.
 * AF_INET6: needs 28 bytes; port from >= 4 bytes, address from >= 24 bytes.
 * AF_UNIX: variable length, never "truncated". Pathname addresses are copied as raw bytes up to
 *          the first NUL or the end of sun_path; abstract addresses (first byte NUL) print as "@"
 *          followed by all remaining bytes, each embedded NUL shown as '@' (the convention of
 *          /proc/net/unix). len == 2 (unnamed socket) gives "". Bytes are not escaped. Paths longer
 *          than 63 bytes are cut. */
int sockaddr_decode(const void *raw, size_t len, SockAddr *out);

/* Inet address bytes (4 for AF_INET, 16 for AF_INET6) to text: dotted quad, or RFC 5952 IPv6
 * ("::1", "fe80::1", "::ffff:10.0.0.1"). buf needs 16 (INET_ADDRSTRLEN) or 46 (INET6_ADDRSTRLEN)
 * bytes. Returns 0; -EINVAL for a bad family or NULL pointers / n == 0; -ENOSPC if the text did
 * not fit (buf then holds the NUL-terminated prefix). */
int inet_addr_to_str(int family, const uint8_t *addr, char *buf, size_t n);
