/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/format.c: symbolic syscall argument formatting and socket address decoding.
 */

#undef NDEBUG
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <linux/types.h>

#include "../../bpf/events.h"
#include "../../agent/format.h"

static int failures;

#define CHECK(cond)                                                                     \
        do {                                                                            \
                if (!(cond)) {                                                          \
                        fprintf(stderr, "%s:%d: check failed: %s\n",                    \
                                __FILE__, __LINE__, #cond);                             \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

#define CHECK_STR(got, expected)                                                        \
        do {                                                                            \
                const char *_g = (got), *_e = (expected);                               \
                if (strcmp(_g, _e) != 0) {                                              \
                        fprintf(stderr, "%s:%d: got \"%s\", expected \"%s\"\n",         \
                                __FILE__, __LINE__, _g, _e);                            \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

static void check_format_at(int line, ArgFmt fmt, int64_t v, const char *expected) {
        char buf[512];
        int r;

        memset(buf, 'X', sizeof(buf));
        r = format_value(fmt, v, buf, sizeof(buf));
        if (r < 0 || strcmp(buf, expected) != 0 || (size_t) r != strlen(buf)) {
                fprintf(stderr, "%s:%d: format_value(%d, %lld): got \"%s\" (r=%d), expected \"%s\"\n",
                        __FILE__, line, (int) fmt, (long long) v, buf, r, expected);
                failures++;
        }
}

#define CHECK_FORMAT(fmt, v, expected) check_format_at(__LINE__, (fmt), (int64_t) (v), (expected))

static void test_numbers(void) {
        CHECK_FORMAT(FMT_INT, 0, "0");
        CHECK_FORMAT(FMT_INT, -1, "-1");
        CHECK_FORMAT(FMT_INT, 1234567, "1234567");
        CHECK_FORMAT(FMT_INT, INT64_MIN, "-9223372036854775808");
        CHECK_FORMAT(FMT_INT, INT64_MAX, "9223372036854775807");
        CHECK_FORMAT(FMT_UINT, -1, "18446744073709551615");
        CHECK_FORMAT(FMT_UINT, 42, "42");
        CHECK_FORMAT(FMT_HEX, 0, "0x0");
        CHECK_FORMAT(FMT_HEX, 0x7fffdeadbeefLL, "0x7fffdeadbeef");
        CHECK_FORMAT(FMT_HEX, -1, "0xffffffffffffffff");
        CHECK_FORMAT(FMT_CAP_VERSION, 0x20080522, "0x20080522");
        CHECK_FORMAT(FMT_OPENAT2_RESOLVE, 0x8, "0x8");
        CHECK_FORMAT(FMT_OCTAL_MODE, 0644, "0644");
        CHECK_FORMAT(FMT_OCTAL_MODE, 04755, "04755");
        CHECK_FORMAT(FMT_OCTAL_MODE, 0100600, "0100600");
        CHECK_FORMAT(FMT_OCTAL_MODE, 0, "0");
        CHECK_FORMAT(FMT_DIRFD, -100, "AT_FDCWD");
        CHECK_FORMAT(FMT_DIRFD, 0xffffff9cLL, "AT_FDCWD");
        CHECK_FORMAT(FMT_DIRFD, 3, "3");
        CHECK_FORMAT(FMT_DIRFD, -1, "-1");
}

static void test_open_flags(void) {
        CHECK_FORMAT(FMT_OPEN_FLAGS, O_RDONLY, "O_RDONLY");
        CHECK_FORMAT(FMT_OPEN_FLAGS, O_WRONLY | O_CREAT | O_TRUNC, "O_WRONLY|O_CREAT|O_TRUNC");
        CHECK_FORMAT(FMT_OPEN_FLAGS, O_RDONLY | O_CLOEXEC | O_DIRECTORY | O_NONBLOCK,
                     "O_RDONLY|O_NONBLOCK|O_DIRECTORY|O_CLOEXEC");
        CHECK_FORMAT(FMT_OPEN_FLAGS, O_RDWR | O_TMPFILE, "O_RDWR|O_TMPFILE");
        CHECK_FORMAT(FMT_OPEN_FLAGS, O_RDWR | O_TMPFILE | O_EXCL, "O_RDWR|O_EXCL|O_TMPFILE");
        CHECK_FORMAT(FMT_OPEN_FLAGS, O_WRONLY | O_SYNC, "O_WRONLY|O_SYNC");
        CHECK_FORMAT(FMT_OPEN_FLAGS, O_WRONLY | O_DSYNC, "O_WRONLY|O_DSYNC");
        CHECK_FORMAT(FMT_OPEN_FLAGS, O_RDONLY | O_DIRECTORY, "O_RDONLY|O_DIRECTORY");
        CHECK_FORMAT(FMT_OPEN_FLAGS, O_PATH | O_NOFOLLOW, "O_RDONLY|O_NOFOLLOW|O_PATH");
        CHECK_FORMAT(FMT_OPEN_FLAGS, O_WRONLY | O_APPEND | O_EXCL | O_NOCTTY | O_ASYNC | O_DIRECT | O_NOATIME,
                     "O_WRONLY|O_EXCL|O_NOCTTY|O_APPEND|O_ASYNC|O_DIRECT|O_NOATIME");
        /* Kernel value of O_LARGEFILE on x86_64 (glibc defines it to 0 there). */
        CHECK_FORMAT(FMT_OPEN_FLAGS, 0100000 | O_RDONLY, "O_RDONLY|O_LARGEFILE");
        /* Unknown bits (__FMODE_EXEC 040) and access mode 3. */
        CHECK_FORMAT(FMT_OPEN_FLAGS, O_RDONLY | 040, "O_RDONLY|0x20");
        CHECK_FORMAT(FMT_OPEN_FLAGS, 3, "0x3");
        CHECK_FORMAT(FMT_OPEN_FLAGS, 3 | O_CREAT, "O_CREAT|0x3");
        CHECK_FORMAT(FMT_DUP3_FLAGS, O_CLOEXEC, "O_CLOEXEC");
        CHECK_FORMAT(FMT_DUP3_FLAGS, 0, "0");
        CHECK_FORMAT(FMT_DUP3_FLAGS, O_CLOEXEC | 1, "O_CLOEXEC|0x1");
        CHECK_FORMAT(FMT_FCNTL_CMD, 0, "F_DUPFD");
        CHECK_FORMAT(FMT_FCNTL_CMD, 1030, "F_DUPFD_CLOEXEC");
        CHECK_FORMAT(FMT_FCNTL_CMD, 4, "F_SETFL");
        CHECK_FORMAT(FMT_FCNTL_CMD, 99999, "99999");
        CHECK_FORMAT(FMT_FILE_CLASS, 0, "none");
        CHECK_FORMAT(FMT_FILE_CLASS, TR_FC_OPEN | TR_FC_WRITE | TR_FC_PROC_MEM, "open|write|proc_mem");
        CHECK_FORMAT(FMT_FILE_CLASS, TR_FC_SOCKET | TR_FC_INET | TR_FC_PEER | TR_FC_ON_STDIO, "socket|inet|peer|on_stdio");
        CHECK_FORMAT(FMT_FILE_CLASS, TR_FC_PRELOAD | TR_FC_PRELOAD_NEW | (1u << 30), "preload|preload_new|0x40000000");
        CHECK_FORMAT(FMT_PERSONALITY, 0, "PER_LINUX");
        CHECK_FORMAT(FMT_PERSONALITY, 0x0400000, "PER_LINUX|READ_IMPLIES_EXEC");
        CHECK_FORMAT(FMT_PERSONALITY, 0x0040008, "PER_LINUX32|ADDR_NO_RANDOMIZE");
        CHECK_FORMAT(FMT_PERSONALITY, 0xffffffff, "0xffffffff");
        CHECK_FORMAT(FMT_PERSONALITY, 0x11, "0x11");
}

static void test_mm(void) {
        CHECK_FORMAT(FMT_PROT, 0, "PROT_NONE");
        CHECK_FORMAT(FMT_PROT, 5, "PROT_READ|PROT_EXEC");
        CHECK_FORMAT(FMT_PROT, PROT_READ | PROT_WRITE | PROT_EXEC, "PROT_READ|PROT_WRITE|PROT_EXEC");
        CHECK_FORMAT(FMT_PROT, PROT_READ | PROT_GROWSDOWN, "PROT_READ|PROT_GROWSDOWN");
        CHECK_FORMAT(FMT_PROT, 0x8 | 0x1, "PROT_READ|PROT_SEM");
        CHECK_FORMAT(FMT_PROT, PROT_READ | 0x100, "PROT_READ|0x100");
        CHECK_FORMAT(FMT_PROT, 0x100, "0x100");

        CHECK_FORMAT(FMT_VM_FLAGS, 0, "PROT_NONE");
        CHECK_FORMAT(FMT_VM_FLAGS, 0x1 | 0x4, "PROT_READ|PROT_EXEC");
        CHECK_FORMAT(FMT_VM_FLAGS, 0x7 | 0x70 | 0x100000, "PROT_READ|PROT_WRITE|PROT_EXEC");
        CHECK_FORMAT(FMT_VM_FLAGS, 0x70, "PROT_NONE");

        CHECK_FORMAT(FMT_MAP_FLAGS, MAP_PRIVATE | MAP_ANONYMOUS, "MAP_PRIVATE|MAP_ANONYMOUS");
        CHECK_FORMAT(FMT_MAP_FLAGS, MAP_SHARED, "MAP_SHARED");
        CHECK_FORMAT(FMT_MAP_FLAGS, MAP_SHARED_VALIDATE | MAP_SYNC, "MAP_SHARED_VALIDATE|MAP_SYNC");
        CHECK_FORMAT(FMT_MAP_FLAGS, MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE,
                     "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE");
        CHECK_FORMAT(FMT_MAP_FLAGS, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_GROWSDOWN | MAP_NORESERVE,
                     "MAP_PRIVATE|MAP_ANONYMOUS|MAP_GROWSDOWN|MAP_NORESERVE|MAP_STACK");
        CHECK_FORMAT(FMT_MAP_FLAGS, MAP_PRIVATE | MAP_FIXED_NOREPLACE | MAP_32BIT | MAP_POPULATE,
                     "MAP_PRIVATE|MAP_32BIT|MAP_POPULATE|MAP_FIXED_NOREPLACE");
        CHECK_FORMAT(FMT_MAP_FLAGS, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (21 << 26),
                     "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB");
        CHECK_FORMAT(FMT_MAP_FLAGS, MAP_PRIVATE | MAP_HUGETLB | (30LL << 26),
                     "MAP_PRIVATE|MAP_HUGETLB|MAP_HUGE_1GB");
        /* Size bits without MAP_HUGETLB are just unknown bits. */
        CHECK_FORMAT(FMT_MAP_FLAGS, MAP_PRIVATE | (21 << 26), "MAP_PRIVATE|0x54000000");
        CHECK_FORMAT(FMT_MAP_FLAGS, MAP_PRIVATE | 0x200, "MAP_PRIVATE|0x200");
        CHECK_FORMAT(FMT_MAP_FLAGS, 0, "0");
        CHECK_FORMAT(FMT_MAP_FLAGS, 0x7 | MAP_ANONYMOUS, "MAP_ANONYMOUS|0x7");

        CHECK_FORMAT(FMT_MFD_FLAGS, 0, "0");
        CHECK_FORMAT(FMT_MFD_FLAGS, 1, "MFD_CLOEXEC");
        CHECK_FORMAT(FMT_MFD_FLAGS, 1 | 2, "MFD_CLOEXEC|MFD_ALLOW_SEALING");
        CHECK_FORMAT(FMT_MFD_FLAGS, 0x8 | 0x1, "MFD_CLOEXEC|MFD_NOEXEC_SEAL");
        CHECK_FORMAT(FMT_MFD_FLAGS, 0x10, "MFD_EXEC");
        CHECK_FORMAT(FMT_MFD_FLAGS, 0x4 | (21 << 26), "MFD_HUGETLB|MFD_HUGE_2MB");
        CHECK_FORMAT(FMT_MFD_FLAGS, 0x1 | 0x100, "MFD_CLOEXEC|0x100");
}

static void test_enums(void) {
        /* io_uring opcodes, UAPI numbers */
        CHECK_FORMAT(FMT_IOURING_OP, 0, "IORING_OP_NOP");
        CHECK_FORMAT(FMT_IOURING_OP, 16, "IORING_OP_CONNECT");
        CHECK_FORMAT(FMT_IOURING_OP, 18, "IORING_OP_OPENAT");
        CHECK_FORMAT(FMT_IOURING_OP, 28, "IORING_OP_OPENAT2");
        CHECK_FORMAT(FMT_IOURING_OP, 35, "IORING_OP_RENAMEAT");
        CHECK_FORMAT(FMT_IOURING_OP, 38, "IORING_OP_SYMLINKAT");
        CHECK_FORMAT(FMT_IOURING_OP, 39, "IORING_OP_LINKAT");
        CHECK_FORMAT(FMT_IOURING_OP, 54, "IORING_OP_FIXED_FD_INSTALL");
        CHECK_FORMAT(FMT_IOURING_OP, 62, "IORING_OP_PIPE");
        CHECK_FORMAT(FMT_IOURING_OP, 63, "63");
        CHECK_FORMAT(FMT_IOURING_OP, -1, "-1");
        CHECK_FORMAT(FMT_PTRACE_REQ, 0, "PTRACE_TRACEME");
        CHECK_FORMAT(FMT_PTRACE_REQ, 3, "PTRACE_PEEKUSR");
        CHECK_FORMAT(FMT_PTRACE_REQ, 4, "PTRACE_POKETEXT");
        CHECK_FORMAT(FMT_PTRACE_REQ, 6, "PTRACE_POKEUSR");
        CHECK_FORMAT(FMT_PTRACE_REQ, 16, "PTRACE_ATTACH");
        CHECK_FORMAT(FMT_PTRACE_REQ, 17, "PTRACE_DETACH");
        CHECK_FORMAT(FMT_PTRACE_REQ, 24, "PTRACE_SYSCALL");
        CHECK_FORMAT(FMT_PTRACE_REQ, 30, "PTRACE_ARCH_PRCTL");
        CHECK_FORMAT(FMT_PTRACE_REQ, 33, "PTRACE_SINGLEBLOCK");
        CHECK_FORMAT(FMT_PTRACE_REQ, 0x4200, "PTRACE_SETOPTIONS");
        CHECK_FORMAT(FMT_PTRACE_REQ, 0x4206, "PTRACE_SEIZE");
        CHECK_FORMAT(FMT_PTRACE_REQ, 0x420f, "PTRACE_GET_RSEQ_CONFIGURATION");
        CHECK_FORMAT(FMT_PTRACE_REQ, 20, "20");
        CHECK_FORMAT(FMT_PTRACE_REQ, -5, "-5");

        CHECK_FORMAT(FMT_SOCK_DOMAIN, AF_UNSPEC, "AF_UNSPEC");
        CHECK_FORMAT(FMT_SOCK_DOMAIN, AF_UNIX, "AF_UNIX");
        CHECK_FORMAT(FMT_SOCK_DOMAIN, AF_INET, "AF_INET");
        CHECK_FORMAT(FMT_SOCK_DOMAIN, AF_INET6, "AF_INET6");
        CHECK_FORMAT(FMT_SOCK_DOMAIN, AF_NETLINK, "AF_NETLINK");
        CHECK_FORMAT(FMT_SOCK_DOMAIN, AF_PACKET, "AF_PACKET");
        CHECK_FORMAT(FMT_SOCK_DOMAIN, AF_BLUETOOTH, "AF_BLUETOOTH");
        CHECK_FORMAT(FMT_SOCK_DOMAIN, AF_VSOCK, "AF_VSOCK");
        CHECK_FORMAT(FMT_SOCK_DOMAIN, AF_ALG, "AF_ALG");
        CHECK_FORMAT(FMT_SOCK_DOMAIN, 44, "AF_XDP");
        CHECK_FORMAT(FMT_SOCK_DOMAIN, 200, "200");
        CHECK_FORMAT(FMT_SOCK_DOMAIN, -1, "-1");

        CHECK_FORMAT(FMT_SOCK_TYPE, SOCK_STREAM, "SOCK_STREAM");
        CHECK_FORMAT(FMT_SOCK_TYPE, SOCK_DGRAM | SOCK_CLOEXEC, "SOCK_DGRAM|SOCK_CLOEXEC");
        CHECK_FORMAT(FMT_SOCK_TYPE, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, "SOCK_RAW|SOCK_NONBLOCK|SOCK_CLOEXEC");
        CHECK_FORMAT(FMT_SOCK_TYPE, SOCK_SEQPACKET, "SOCK_SEQPACKET");
        CHECK_FORMAT(FMT_SOCK_TYPE, SOCK_PACKET, "SOCK_PACKET");
        CHECK_FORMAT(FMT_SOCK_TYPE, 7 | SOCK_CLOEXEC, "SOCK_CLOEXEC|0x7");
        CHECK_FORMAT(FMT_SOCK_TYPE, SOCK_STREAM | 0x100, "SOCK_STREAM|0x100");
        CHECK_FORMAT(FMT_SOCK_TYPE, 0, "0");

        CHECK_FORMAT(FMT_ACCEPT_FLAGS, 0, "0");
        CHECK_FORMAT(FMT_ACCEPT_FLAGS, SOCK_CLOEXEC, "SOCK_CLOEXEC");
        CHECK_FORMAT(FMT_ACCEPT_FLAGS, SOCK_NONBLOCK | SOCK_CLOEXEC, "SOCK_NONBLOCK|SOCK_CLOEXEC");
        CHECK_FORMAT(FMT_ACCEPT_FLAGS, 0x1, "0x1");

        CHECK_FORMAT(FMT_SIGNAL, 0, "0");
        CHECK_FORMAT(FMT_SIGNAL, 1, "SIGHUP");
        CHECK_FORMAT(FMT_SIGNAL, 9, "SIGKILL");
        CHECK_FORMAT(FMT_SIGNAL, 11, "SIGSEGV");
        CHECK_FORMAT(FMT_SIGNAL, 15, "SIGTERM");
        CHECK_FORMAT(FMT_SIGNAL, 16, "SIGSTKFLT");
        CHECK_FORMAT(FMT_SIGNAL, 17, "SIGCHLD");
        CHECK_FORMAT(FMT_SIGNAL, 19, "SIGSTOP");
        CHECK_FORMAT(FMT_SIGNAL, 31, "SIGSYS");
        CHECK_FORMAT(FMT_SIGNAL, 32, "SIGRTMIN");
        CHECK_FORMAT(FMT_SIGNAL, 34, "SIGRTMIN+2");
        CHECK_FORMAT(FMT_SIGNAL, 64, "SIGRTMIN+32");
        CHECK_FORMAT(FMT_SIGNAL, 65, "65");
        CHECK_FORMAT(FMT_SIGNAL, -9, "-9");

        CHECK_FORMAT(FMT_PRCTL_OPT, 1, "PR_SET_PDEATHSIG");
        CHECK_FORMAT(FMT_PRCTL_OPT, 4, "PR_SET_DUMPABLE");
        CHECK_FORMAT(FMT_PRCTL_OPT, 15, "PR_SET_NAME");
        CHECK_FORMAT(FMT_PRCTL_OPT, 22, "PR_SET_SECCOMP");
        CHECK_FORMAT(FMT_PRCTL_OPT, 24, "PR_CAPBSET_DROP");
        CHECK_FORMAT(FMT_PRCTL_OPT, 35, "PR_SET_MM");
        CHECK_FORMAT(FMT_PRCTL_OPT, 38, "PR_SET_NO_NEW_PRIVS");
        CHECK_FORMAT(FMT_PRCTL_OPT, 47, "PR_CAP_AMBIENT");
        CHECK_FORMAT(FMT_PRCTL_OPT, 0x59616d61, "PR_SET_PTRACER");
        CHECK_FORMAT(FMT_PRCTL_OPT, 0x53564d41, "PR_SET_VMA");
        CHECK_FORMAT(FMT_PRCTL_OPT, 65, "PR_SET_MDWE");
        CHECK_FORMAT(FMT_PRCTL_OPT, 78, "PR_FUTEX_HASH");
        CHECK_FORMAT(FMT_PRCTL_OPT, 17, "17");
        CHECK_FORMAT(FMT_PRCTL_OPT, 9999, "9999");

        CHECK_FORMAT(FMT_BPF_CMD, 0, "BPF_MAP_CREATE");
        CHECK_FORMAT(FMT_BPF_CMD, 5, "BPF_PROG_LOAD");
        CHECK_FORMAT(FMT_BPF_CMD, 17, "BPF_RAW_TRACEPOINT_OPEN");
        CHECK_FORMAT(FMT_BPF_CMD, 28, "BPF_LINK_CREATE");
        CHECK_FORMAT(FMT_BPF_CMD, 35, "BPF_PROG_BIND_MAP");
        CHECK_FORMAT(FMT_BPF_CMD, 36, "BPF_TOKEN_CREATE");
        CHECK_FORMAT(FMT_BPF_CMD, 37, "37");
        CHECK_FORMAT(FMT_BPF_CMD, -1, "-1");
}

static void test_fs_flags(void) {
        CHECK_FORMAT(FMT_MOUNT_FLAGS, 0, "0");
        CHECK_FORMAT(FMT_MOUNT_FLAGS, 1, "MS_RDONLY");
        CHECK_FORMAT(FMT_MOUNT_FLAGS, 4096 | 16384, "MS_BIND|MS_REC");
        CHECK_FORMAT(FMT_MOUNT_FLAGS, (1 << 18) | (1 << 14), "MS_REC|MS_PRIVATE");
        CHECK_FORMAT(FMT_MOUNT_FLAGS, 0x2 | 0x4 | 0x8, "MS_NOSUID|MS_NODEV|MS_NOEXEC");
        CHECK_FORMAT(FMT_MOUNT_FLAGS, 0xC0ED0000 | 0x1, "MS_RDONLY");
        CHECK_FORMAT(FMT_MOUNT_FLAGS, (int64_t) (int32_t) 0xC0ED0000u | 0x20, "MS_REMOUNT");
        CHECK_FORMAT(FMT_MOUNT_FLAGS, 0xC0ED0000, "0");
        CHECK_FORMAT(FMT_MOUNT_FLAGS, (1 << 25) | (1 << 24) | 0x100, "MS_NOSYMFOLLOW|MS_STRICTATIME|MS_LAZYTIME");
        CHECK_FORMAT(FMT_MOUNT_FLAGS, 0x1 | (1 << 30), "MS_RDONLY|0x40000000");

        CHECK_FORMAT(FMT_UMOUNT_FLAGS, 0, "0");
        CHECK_FORMAT(FMT_UMOUNT_FLAGS, 2, "MNT_DETACH");
        CHECK_FORMAT(FMT_UMOUNT_FLAGS, 1 | 8, "MNT_FORCE|UMOUNT_NOFOLLOW");
        CHECK_FORMAT(FMT_UMOUNT_FLAGS, 4 | 0x10, "MNT_EXPIRE|0x10");

        CHECK_FORMAT(FMT_AT_FLAGS, 0, "0");
        CHECK_FORMAT(FMT_AT_FLAGS, AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW");
        CHECK_FORMAT(FMT_AT_FLAGS, AT_REMOVEDIR, "AT_REMOVEDIR");
        CHECK_FORMAT(FMT_AT_FLAGS, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
        CHECK_FORMAT(FMT_AT_FLAGS, AT_SYMLINK_FOLLOW | AT_NO_AUTOMOUNT, "AT_SYMLINK_FOLLOW|AT_NO_AUTOMOUNT");
        CHECK_FORMAT(FMT_AT_FLAGS, 0x1, "0x1");

        CHECK_FORMAT(FMT_RENAME_FLAGS, 0, "0");
        CHECK_FORMAT(FMT_RENAME_FLAGS, 1, "RENAME_NOREPLACE");
        CHECK_FORMAT(FMT_RENAME_FLAGS, 2 | 4, "RENAME_EXCHANGE|RENAME_WHITEOUT");
        CHECK_FORMAT(FMT_RENAME_FLAGS, 1 | 8, "RENAME_NOREPLACE|0x8");
}

static void test_bounds(void) {
        char buf[8], big[64];
        int r;

        /* Truncation with a tiny buffer: NUL-terminated, n-1 bytes, returns what was written. */
        memset(buf, 'X', sizeof(buf));
        r = format_value(FMT_OPEN_FLAGS, O_WRONLY | O_CREAT | O_TRUNC, buf, sizeof(buf));
        CHECK(r == 7);
        CHECK_STR(buf, "O_WRONL");

        memset(buf, 'X', sizeof(buf));
        r = format_value(FMT_OPEN_FLAGS, O_WRONLY, buf, 1);
        CHECK(r == 0);
        CHECK(buf[0] == 0);
        CHECK(buf[1] == 'X');

        memset(buf, 'X', sizeof(buf));
        r = format_value(FMT_INT, -123456789, buf, 4);
        CHECK(r == 3);
        CHECK_STR(buf, "-12");
        CHECK(buf[4] == 'X');

        r = format_value(FMT_HEX, 0x1234, buf, 0);
        CHECK(r == 0);
        r = format_value(FMT_HEX, 0x1234, NULL, 0);
        CHECK(r == 0);
        CHECK(format_value(FMT_HEX, 0x1234, NULL, 10) == -EINVAL);

        CHECK(format_value(_FMT_MAX, 1, big, sizeof(big)) == -EINVAL);
        CHECK(format_value((ArgFmt) -1, 1, big, sizeof(big)) == -EINVAL);
        CHECK(format_value((ArgFmt) 1000, 1, big, sizeof(big)) == -EINVAL);

        /* Everything set: must stay within the buffer and terminate. */
        for (int f = 0; f < _FMT_MAX; f++) {
                for (size_t n = 1; n <= sizeof(big); n++) {
                        memset(big, 'X', sizeof(big));
                        r = format_value((ArgFmt) f, -1, big, n);
                        CHECK(r >= 0 && (size_t) r < n);
                        CHECK(strlen(big) == (size_t) r);
                        if (n < sizeof(big))
                                CHECK(big[n] == 'X');
                }
        }

        CHECK(!format_is_string(FMT_INT));
        CHECK(!format_is_string(FMT_UINT));
        CHECK(format_is_string(FMT_HEX));
        CHECK(format_is_string(FMT_OPEN_FLAGS));
        CHECK(format_is_string(FMT_DIRFD));
        CHECK(format_is_string(FMT_SIGNAL));
        CHECK(!format_is_string(_FMT_MAX));
}

static void test_inet(void) {
        static const uint8_t lo4[4] = { 127, 0, 0, 1 };
        static const uint8_t bcast[4] = { 255, 255, 255, 255 };
        uint8_t a6[16] = { 0 };
        char buf[64];

        CHECK(inet_addr_to_str(AF_INET, lo4, buf, sizeof(buf)) == 0);
        CHECK_STR(buf, "127.0.0.1");
        CHECK(inet_addr_to_str(AF_INET, bcast, buf, sizeof(buf)) == 0);
        CHECK_STR(buf, "255.255.255.255");
        CHECK(inet_addr_to_str(AF_INET, bcast, buf, 16) == 0);
        CHECK(inet_addr_to_str(AF_INET, bcast, buf, 15) == -ENOSPC);
        CHECK_STR(buf, "255.255.255.25");

        CHECK(inet_addr_to_str(AF_INET6, a6, buf, sizeof(buf)) == 0);
        CHECK_STR(buf, "::");
        a6[15] = 1;
        CHECK(inet_addr_to_str(AF_INET6, a6, buf, sizeof(buf)) == 0);
        CHECK_STR(buf, "::1");

        /* fe80::1:2 */
        memset(a6, 0, sizeof(a6));
        a6[0] = 0xfe; a6[1] = 0x80; a6[13] = 1; a6[15] = 2;
        CHECK(inet_addr_to_str(AF_INET6, a6, buf, sizeof(buf)) == 0);
        CHECK_STR(buf, "fe80::1:2");

        /* 2001:db8:0:1:0:0:0:1 -> longest run compressed */
        memset(a6, 0, sizeof(a6));
        a6[0] = 0x20; a6[1] = 0x01; a6[2] = 0x0d; a6[3] = 0xb8; a6[7] = 1; a6[15] = 1;
        CHECK(inet_addr_to_str(AF_INET6, a6, buf, sizeof(buf)) == 0);
        CHECK_STR(buf, "2001:db8:0:1::1");

        /* 2001:db8:0:0:1:0:0:1 -> first of two equal runs */
        memset(a6, 0, sizeof(a6));
        a6[0] = 0x20; a6[1] = 0x01; a6[2] = 0x0d; a6[3] = 0xb8; a6[9] = 1; a6[15] = 1;
        CHECK(inet_addr_to_str(AF_INET6, a6, buf, sizeof(buf)) == 0);
        CHECK_STR(buf, "2001:db8::1:0:0:1");

        /* single zero group is not compressed; trailing run is */
        memset(a6, 0, sizeof(a6));
        a6[1] = 1; a6[5] = 3; a6[7] = 4;
        CHECK(inet_addr_to_str(AF_INET6, a6, buf, sizeof(buf)) == 0);
        CHECK_STR(buf, "1:0:3:4::");

        /* no zeros at all */
        for (size_t i = 0; i < 16; i++)
                a6[i] = 0xff;
        CHECK(inet_addr_to_str(AF_INET6, a6, buf, sizeof(buf)) == 0);
        CHECK_STR(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

        /* IPv4-mapped */
        memset(a6, 0, sizeof(a6));
        a6[10] = 0xff; a6[11] = 0xff; a6[12] = 10; a6[15] = 1;
        CHECK(inet_addr_to_str(AF_INET6, a6, buf, sizeof(buf)) == 0);
        CHECK_STR(buf, "::ffff:10.0.0.1");

        CHECK(inet_addr_to_str(AF_UNIX, lo4, buf, sizeof(buf)) == -EINVAL);
        CHECK(inet_addr_to_str(AF_INET, NULL, buf, sizeof(buf)) == -EINVAL);
        CHECK(inet_addr_to_str(AF_INET, lo4, NULL, 10) == -EINVAL);
        CHECK(inet_addr_to_str(AF_INET, lo4, buf, 0) == -EINVAL);
}

static void test_sockaddr(void) {
        struct sockaddr_in sin = {
                .sin_family = AF_INET,
                .sin_port = htons(4444),
                .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
        };
        struct sockaddr_in6 sin6 = {
                .sin6_family = AF_INET6,
                .sin6_port = htons(80),
                .sin6_addr = IN6ADDR_LOOPBACK_INIT,
        };
        struct sockaddr_un sun = {
                .sun_family = AF_UNIX,
        };
        uint8_t raw[256];
        SockAddr sa;

        CHECK(sockaddr_decode(&sin, sizeof(sin), &sa) == 0);
        CHECK(sa.family == AF_INET);
        CHECK_STR(sa.family_name, "AF_INET");
        CHECK_STR(sa.addr, "127.0.0.1");
        CHECK(sa.port == 4444);
        CHECK(!sa.truncated);

        /* Unaligned input. */
        memcpy(raw + 1, &sin, sizeof(sin));
        CHECK(sockaddr_decode(raw + 1, sizeof(sin), &sa) == 0);
        CHECK_STR(sa.addr, "127.0.0.1");
        CHECK(sa.port == 4444);

        /* Short inet: port only, then nothing but the family. */
        CHECK(sockaddr_decode(&sin, 4, &sa) == 0);
        CHECK(sa.truncated);
        CHECK(sa.port == 4444);
        CHECK_STR(sa.addr, "");
        CHECK(sockaddr_decode(&sin, 8, &sa) == 0);
        CHECK(sa.truncated);
        CHECK_STR(sa.addr, "127.0.0.1");
        CHECK(sockaddr_decode(&sin, 3, &sa) == 0);
        CHECK(sa.truncated);
        CHECK(sa.port == -1);
        CHECK(sockaddr_decode(&sin, 2, &sa) == 0);
        CHECK(sa.truncated);

        CHECK(sockaddr_decode(&sin6, sizeof(sin6), &sa) == 0);
        CHECK(sa.family == AF_INET6);
        CHECK_STR(sa.family_name, "AF_INET6");
        CHECK_STR(sa.addr, "::1");
        CHECK(sa.port == 80);
        CHECK(!sa.truncated);
        CHECK(sockaddr_decode(&sin6, 24, &sa) == 0);
        CHECK(sa.truncated);
        CHECK_STR(sa.addr, "::1");
        CHECK(sockaddr_decode(&sin6, 23, &sa) == 0);
        CHECK(sa.truncated);
        CHECK_STR(sa.addr, "");
        CHECK(sa.port == 80);

        /* Pathname unix socket. */
        strcpy(sun.sun_path, "/run/docker.sock");
        CHECK(sockaddr_decode(&sun, offsetof(struct sockaddr_un, sun_path) + strlen(sun.sun_path) + 1, &sa) == 0);
        CHECK(sa.family == AF_UNIX);
        CHECK_STR(sa.family_name, "AF_UNIX");
        CHECK_STR(sa.addr, "/run/docker.sock");
        CHECK(sa.port == -1);
        CHECK(!sa.truncated);
        CHECK(sockaddr_decode(&sun, sizeof(sun), &sa) == 0);
        CHECK_STR(sa.addr, "/run/docker.sock");
        /* Length without the NUL, and cut short. */
        CHECK(sockaddr_decode(&sun, offsetof(struct sockaddr_un, sun_path) + 4, &sa) == 0);
        CHECK_STR(sa.addr, "/run");

        /* Abstract. */
        memset(&sun, 0, sizeof(sun));
        sun.sun_family = AF_UNIX;
        memcpy(sun.sun_path, "\0my-abstract", 12);
        CHECK(sockaddr_decode(&sun, offsetof(struct sockaddr_un, sun_path) + 12, &sa) == 0);
        CHECK_STR(sa.addr, "@my-abstract");
        /* Embedded/trailing NULs are part of an abstract name. */
        CHECK(sockaddr_decode(&sun, offsetof(struct sockaddr_un, sun_path) + 14, &sa) == 0);
        CHECK_STR(sa.addr, "@my-abstract@@");

        /* Unnamed. */
        CHECK(sockaddr_decode(&sun, 2, &sa) == 0);
        CHECK_STR(sa.addr, "");

        /* Raw bytes are copied as they are; long paths are cut to fit. */
        memset(raw, 0, sizeof(raw));
        raw[0] = AF_UNIX;
        for (size_t i = 2; i < 2 + 108; i++)
                raw[i] = (uint8_t) (0x80 + (i & 0x3f));
        CHECK(sockaddr_decode(raw, sizeof(raw), &sa) == 0);
        CHECK(strlen(sa.addr) == sizeof(sa.addr) - 1);
        CHECK((uint8_t) sa.addr[0] == 0x82);

        /* Unknown family. */
        memset(raw, 0, sizeof(raw));
        raw[0] = 200;
        CHECK(sockaddr_decode(raw, 16, &sa) == 0);
        CHECK(sa.family == 200);
        CHECK_STR(sa.family_name, "AF_200");
        CHECK_STR(sa.addr, "");
        CHECK(sa.port == -1);
        raw[0] = AF_NETLINK;
        CHECK(sockaddr_decode(raw, 12, &sa) == 0);
        CHECK_STR(sa.family_name, "AF_NETLINK");
        raw[0] = 0xff; raw[1] = 0xff;
        CHECK(sockaddr_decode(raw, 2, &sa) == 0);
        CHECK(sa.family == 65535);
        CHECK_STR(sa.family_name, "AF_65535");

        /* Too short / bad args. */
        CHECK(sockaddr_decode(&sin, 1, &sa) == -EINVAL);
        CHECK(sockaddr_decode(&sin, 0, &sa) == -EINVAL);
        CHECK(sockaddr_decode(NULL, 16, &sa) == -EINVAL);
        CHECK(sockaddr_decode(&sin, 16, NULL) == -EINVAL);

        /* Every length of every family stays in bounds. */
        for (unsigned fam = 0; fam < 50; fam++)
                for (size_t len = 2; len <= sizeof(raw); len++) {
                        for (size_t i = 0; i < sizeof(raw); i++)
                                raw[i] = (uint8_t) (i * 7 + fam);
                        raw[0] = (uint8_t) fam;
                        raw[1] = 0;
                        CHECK(sockaddr_decode(raw, len, &sa) == 0);
                        CHECK(strlen(sa.addr) < sizeof(sa.addr));
                        CHECK(strlen(sa.family_name) < sizeof(sa.family_name));
                }
}

int main(void) {
        test_numbers();
        test_open_flags();
        test_mm();
        test_enums();
        test_fs_flags();
        test_bounds();
        test_inet();
        test_sockaddr();

        if (failures > 0) {
                fprintf(stderr, "test-format: %d check(s) failed\n", failures);
                return EXIT_FAILURE;
        }

        printf("test-format: all checks passed\n");
        return EXIT_SUCCESS;
}
