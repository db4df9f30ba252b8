/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Symbolic formatting of syscall argument values (x86_64 Linux ABI) and decoding of raw socket
 * addresses. All output goes into caller-provided, size-bounded buffers; nothing is allocated and
 * no state is kept between calls.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/bpf.h>
#include <linux/types.h>

#include "../bpf/events.h"
#include "format.h"

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* glibc defines O_LARGEFILE as 0 on 64-bit targets because userspace never needs it, but the
 * kernel still sets the bit in file->f_flags. This is the x86_64 kernel value. */
#define FORMAT_O_LARGEFILE 0100000

/* asm-generic/mman-common.h; glibc does not export it. */
#ifndef PROT_SEM
#define PROT_SEM 0x08
#endif

/* Mapping type added in Linux 6.11 (asm-generic/mman-common.h). */
#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif

/* Huge page size encoding shared by mmap() and memfd_create() (asm-generic/hugetlb_encode.h). */
#define FORMAT_HUGE_SHIFT 26
#define FORMAT_HUGE_MASK 0x3f

/* linux/memfd.h, Linux 6.3; not in older headers. */
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* Kernel realtime signal range (x86_64). glibc's SIGRTMIN is a function call that skips the two
 * signals it reserves for itself, which is not what the kernel reports. */
#define FORMAT_SIGRTMIN 32
#define FORMAT_SIGRTMAX 64

/* linux/ptrace.h, Linux 6.11; the glibc enum does not have them yet. */
#define FORMAT_PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG 0x4210
#define FORMAT_PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG 0x4211

/* linux/prctl.h options newer than the installed headers (values from the kernel UAPI). */
#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_GET_MDWE
#define PR_GET_MDWE 66
#endif
#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#endif
#ifndef PR_GET_MEMORY_MERGE
#define PR_GET_MEMORY_MERGE 68
#endif
#ifndef PR_RISCV_V_SET_CONTROL
#define PR_RISCV_V_SET_CONTROL 69
#endif
#ifndef PR_RISCV_V_GET_CONTROL
#define PR_RISCV_V_GET_CONTROL 70
#endif
#ifndef PR_RISCV_SET_ICACHE_FLUSH_CTX
#define PR_RISCV_SET_ICACHE_FLUSH_CTX 71
#endif
#ifndef PR_PPC_GET_DEXCR
#define PR_PPC_GET_DEXCR 72
#endif
#ifndef PR_PPC_SET_DEXCR
#define PR_PPC_SET_DEXCR 73
#endif
#ifndef PR_GET_SHADOW_STACK_STATUS
#define PR_GET_SHADOW_STACK_STATUS 74
#endif
#ifndef PR_SET_SHADOW_STACK_STATUS
#define PR_SET_SHADOW_STACK_STATUS 75
#endif
#ifndef PR_LOCK_SHADOW_STACK_STATUS
#define PR_LOCK_SHADOW_STACK_STATUS 76
#endif
#ifndef PR_TIMER_CREATE_RESTORE_IDS
#define PR_TIMER_CREATE_RESTORE_IDS 77
#endif
#ifndef PR_FUTEX_HASH
#define PR_FUTEX_HASH 78
#endif
#ifndef PR_GET_AUXV
#define PR_GET_AUXV 0x41555856
#endif
#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#endif

/* The bpf command table below is written out by number so that it does not depend on how recent
 * <linux/bpf.h> is; check it against the header for the commands the header knows. */
static_assert(BPF_MAP_CREATE == 0, "enum bpf_cmd mismatch");
static_assert(BPF_PROG_LOAD == 5, "enum bpf_cmd mismatch");
static_assert(BPF_LINK_CREATE == 28, "enum bpf_cmd mismatch");
static_assert(BPF_PROG_BIND_MAP == 35, "enum bpf_cmd mismatch");

static_assert(AT_FDCWD == -100, "AT_FDCWD mismatch");
static_assert(O_ACCMODE == 3, "O_ACCMODE mismatch");

typedef struct FlagName {
        uint64_t value;
        const char *name;
} FlagName;

typedef struct ValueName {
        int64_t value;
        const char *name;
} ValueName;

/* Bounded string builder: always NUL-terminated (if size > 0), silently truncates. */
typedef struct Writer {
        char *buf;
        size_t size;
        size_t len;
} Writer;

static void writer_init(Writer *w, char *buf, size_t size) {
        *w = (Writer) {
                .buf = buf,
                .size = size,
        };
        if (size > 0)
                buf[0] = 0;
}

static void writer_put_mem(Writer *w, const char *s, size_t l) {
        size_t room;

        if (w->size == 0)
                return;

        room = w->size - 1 - w->len;
        if (l > room)
                l = room;
        if (l > 0)
                memcpy(w->buf + w->len, s, l);
        w->len += l;
        w->buf[w->len] = 0;
}

static void writer_put_str(Writer *w, const char *s) {
        writer_put_mem(w, s, strlen(s));
}

static void writer_put_char(Writer *w, char c) {
        writer_put_mem(w, &c, 1);
}

static void writer_put_unsigned(Writer *w, uint64_t v, unsigned base) {
        static const char digits[] = "0123456789abcdef";
        char tmp[32];
        size_t i = sizeof(tmp);

        do {
                tmp[--i] = digits[v % base];
                v /= base;
        } while (v > 0);

        writer_put_mem(w, tmp + i, sizeof(tmp) - i);
}

static void writer_put_signed(Writer *w, int64_t v) {
        if (v < 0) {
                writer_put_char(w, '-');
                writer_put_unsigned(w, (uint64_t) 0 - (uint64_t) v, 10);
        } else
                writer_put_unsigned(w, (uint64_t) v, 10);
}

static void writer_put_hex(Writer *w, uint64_t v) {
        writer_put_str(w, "0x");
        writer_put_unsigned(w, v, 16);
}

static void writer_put_sep(Writer *w, bool *any) {
        if (*any)
                writer_put_char(w, '|');
        *any = true;
}

/* Writes the name of every table entry whose bits are all set in v, in table order, separated by
 * '|'. An entry is skipped when another matching entry covers a strict superset of its bits, so
 * that composite flags print once (O_TMPFILE hides O_DIRECTORY, O_SYNC hides O_DSYNC). Returns
 * the bits of v that no written name accounts for. */
static uint64_t writer_put_flag_names(Writer *w, uint64_t v, const FlagName *t, size_t n, bool *any) {
        uint64_t covered = 0;

        for (size_t i = 0; i < n; i++) {
                bool hidden = false;

                if (t[i].value == 0 || (v & t[i].value) != t[i].value)
                        continue;

                for (size_t j = 0; j < n; j++)
                        if (t[j].value != t[i].value &&
                            (v & t[j].value) == t[j].value &&
                            (t[j].value & t[i].value) == t[i].value) {
                                hidden = true;
                                break;
                        }
                if (hidden)
                        continue;

                writer_put_sep(w, any);
                writer_put_str(w, t[i].name);
                covered |= t[i].value;
        }

        return v & ~covered;
}

static void writer_put_rest(Writer *w, uint64_t rest, bool *any) {
        if (rest == 0)
                return;

        writer_put_sep(w, any);
        writer_put_hex(w, rest);
}

/* Flag names, then leftover bits in hex, and zero_name if nothing at all was written. */
static void writer_put_flags(Writer *w, uint64_t v, const FlagName *t, size_t n, const char *zero_name) {
        bool any = false;

        writer_put_rest(w, writer_put_flag_names(w, v, t, n, &any), &any);
        if (!any)
                writer_put_str(w, zero_name);
}

static bool writer_put_value_name(Writer *w, int64_t v, const ValueName *t, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (t[i].value == v) {
                        writer_put_str(w, t[i].name);
                        return true;
                }
        return false;
}

static bool writer_put_indexed_name(Writer *w, int64_t v, const char *const *t, size_t n) {
        if (v < 0 || (uint64_t) v >= n || !t[v])
                return false;

        writer_put_str(w, t[v]);
        return true;
}

/* The hugetlb page size encoded in bits 26..31 of mmap() and memfd_create() flags, as
 * prefix + "2MB" etc. Only meaningful together with the HUGETLB flag, which the caller checks.
 * Returns the bits consumed. */
static uint64_t writer_put_huge_size(Writer *w, uint64_t v, const char *prefix, bool *any) {
        unsigned shift = (unsigned) ((v >> FORMAT_HUGE_SHIFT) & FORMAT_HUGE_MASK);
        const char *unit;

        if (shift >= 30) {
                shift -= 30;
                unit = "GB";
        } else if (shift >= 20) {
                shift -= 20;
                unit = "MB";
        } else if (shift >= 10) {
                shift -= 10;
                unit = "KB";
        } else
                return 0; /* not a page size; left for the hex remainder */

        writer_put_sep(w, any);
        writer_put_str(w, prefix);
        writer_put_unsigned(w, UINT64_C(1) << shift, 10);
        writer_put_str(w, unit);

        return (uint64_t) FORMAT_HUGE_MASK << FORMAT_HUGE_SHIFT;
}

static const FlagName open_flag_names[] = {
        { O_CREAT,            "O_CREAT"     },
        { O_EXCL,             "O_EXCL"      },
        { O_NOCTTY,           "O_NOCTTY"    },
        { O_TRUNC,            "O_TRUNC"     },
        { O_APPEND,           "O_APPEND"    },
        { O_NONBLOCK,         "O_NONBLOCK"  },
        { O_DSYNC,            "O_DSYNC"     },
        { O_ASYNC,            "O_ASYNC"     },
        { O_DIRECT,           "O_DIRECT"    },
        { FORMAT_O_LARGEFILE, "O_LARGEFILE" },
        { O_DIRECTORY,        "O_DIRECTORY" },
        { O_NOFOLLOW,         "O_NOFOLLOW"  },
        { O_NOATIME,          "O_NOATIME"   },
        { O_CLOEXEC,          "O_CLOEXEC"   },
        { O_SYNC,             "O_SYNC"      },
        { O_PATH,             "O_PATH"      },
        { O_TMPFILE,          "O_TMPFILE"   },
};

static const FlagName prot_names[] = {
        { PROT_READ,      "PROT_READ"      },
        { PROT_WRITE,     "PROT_WRITE"     },
        { PROT_EXEC,      "PROT_EXEC"      },
        { PROT_SEM,       "PROT_SEM"       },
        { PROT_GROWSDOWN, "PROT_GROWSDOWN" },
        { PROT_GROWSUP,   "PROT_GROWSUP"   },
};

static const char *const map_type_names[] = {
        [MAP_SHARED]          = "MAP_SHARED",
        [MAP_PRIVATE]         = "MAP_PRIVATE",
        [MAP_SHARED_VALIDATE] = "MAP_SHARED_VALIDATE",
        [MAP_DROPPABLE]       = "MAP_DROPPABLE",
};

static const FlagName map_flag_names[] = {
        { MAP_FIXED,           "MAP_FIXED"           },
        { MAP_ANONYMOUS,       "MAP_ANONYMOUS"       },
        { MAP_32BIT,           "MAP_32BIT"           },
        { MAP_GROWSDOWN,       "MAP_GROWSDOWN"       },
        { MAP_DENYWRITE,       "MAP_DENYWRITE"       },
        { MAP_EXECUTABLE,      "MAP_EXECUTABLE"      },
        { MAP_LOCKED,          "MAP_LOCKED"          },
        { MAP_NORESERVE,       "MAP_NORESERVE"       },
        { MAP_POPULATE,        "MAP_POPULATE"        },
        { MAP_NONBLOCK,        "MAP_NONBLOCK"        },
        { MAP_STACK,           "MAP_STACK"           },
        { MAP_HUGETLB,         "MAP_HUGETLB"         },
        { MAP_SYNC,            "MAP_SYNC"            },
        { MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE" },
};

static const ValueName ptrace_request_names[] = {
        { PTRACE_TRACEME,                "PTRACE_TRACEME"                },
        { PTRACE_PEEKTEXT,               "PTRACE_PEEKTEXT"               },
        { PTRACE_PEEKDATA,               "PTRACE_PEEKDATA"               },
        { PTRACE_PEEKUSER,               "PTRACE_PEEKUSR"                },
        { PTRACE_POKETEXT,               "PTRACE_POKETEXT"               },
        { PTRACE_POKEDATA,               "PTRACE_POKEDATA"               },
        { PTRACE_POKEUSER,               "PTRACE_POKEUSR"                },
        { PTRACE_CONT,                   "PTRACE_CONT"                   },
        { PTRACE_KILL,                   "PTRACE_KILL"                   },
        { PTRACE_SINGLESTEP,             "PTRACE_SINGLESTEP"             },
        { PTRACE_GETREGS,                "PTRACE_GETREGS"                },
        { PTRACE_SETREGS,                "PTRACE_SETREGS"                },
        { PTRACE_GETFPREGS,              "PTRACE_GETFPREGS"              },
        { PTRACE_SETFPREGS,              "PTRACE_SETFPREGS"              },
        { PTRACE_ATTACH,                 "PTRACE_ATTACH"                 },
        { PTRACE_DETACH,                 "PTRACE_DETACH"                 },
        { PTRACE_GETFPXREGS,             "PTRACE_GETFPXREGS"             },
        { PTRACE_SETFPXREGS,             "PTRACE_SETFPXREGS"             },
        { PTRACE_SYSCALL,                "PTRACE_SYSCALL"                },
        { PTRACE_ARCH_PRCTL,             "PTRACE_ARCH_PRCTL"             },
        { PTRACE_SYSEMU,                 "PTRACE_SYSEMU"                 },
        { PTRACE_SYSEMU_SINGLESTEP,      "PTRACE_SYSEMU_SINGLESTEP"      },
        { PTRACE_SINGLEBLOCK,            "PTRACE_SINGLEBLOCK"            },
        { PTRACE_SETOPTIONS,             "PTRACE_SETOPTIONS"             },
        { PTRACE_GETEVENTMSG,            "PTRACE_GETEVENTMSG"            },
        { PTRACE_GETSIGINFO,             "PTRACE_GETSIGINFO"             },
        { PTRACE_SETSIGINFO,             "PTRACE_SETSIGINFO"             },
        { PTRACE_GETREGSET,              "PTRACE_GETREGSET"              },
        { PTRACE_SETREGSET,              "PTRACE_SETREGSET"              },
        { PTRACE_SEIZE,                  "PTRACE_SEIZE"                  },
        { PTRACE_INTERRUPT,              "PTRACE_INTERRUPT"              },
        { PTRACE_LISTEN,                 "PTRACE_LISTEN"                 },
        { PTRACE_PEEKSIGINFO,            "PTRACE_PEEKSIGINFO"            },
        { PTRACE_GETSIGMASK,             "PTRACE_GETSIGMASK"             },
        { PTRACE_SETSIGMASK,             "PTRACE_SETSIGMASK"             },
        { PTRACE_SECCOMP_GET_FILTER,     "PTRACE_SECCOMP_GET_FILTER"     },
        { PTRACE_SECCOMP_GET_METADATA,   "PTRACE_SECCOMP_GET_METADATA"   },
        { PTRACE_GET_SYSCALL_INFO,       "PTRACE_GET_SYSCALL_INFO"       },
        { PTRACE_GET_RSEQ_CONFIGURATION, "PTRACE_GET_RSEQ_CONFIGURATION" },
        { FORMAT_PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG, "PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG" },
        { FORMAT_PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG, "PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG" },
};

static const char *const sock_domain_names[] = {
        [AF_UNSPEC]     = "AF_UNSPEC",
        [AF_UNIX]       = "AF_UNIX",
        [AF_INET]       = "AF_INET",
        [AF_AX25]       = "AF_AX25",
        [AF_IPX]        = "AF_IPX",
        [AF_APPLETALK]  = "AF_APPLETALK",
        [AF_NETROM]     = "AF_NETROM",
        [AF_BRIDGE]     = "AF_BRIDGE",
        [AF_ATMPVC]     = "AF_ATMPVC",
        [AF_X25]        = "AF_X25",
        [AF_INET6]      = "AF_INET6",
        [AF_ROSE]       = "AF_ROSE",
        [AF_DECnet]     = "AF_DECnet",
        [AF_NETBEUI]    = "AF_NETBEUI",
        [AF_SECURITY]   = "AF_SECURITY",
        [AF_KEY]        = "AF_KEY",
        [AF_NETLINK]    = "AF_NETLINK",
        [AF_PACKET]     = "AF_PACKET",
        [AF_ASH]        = "AF_ASH",
        [AF_ECONET]     = "AF_ECONET",
        [AF_ATMSVC]     = "AF_ATMSVC",
        [AF_RDS]        = "AF_RDS",
        [AF_SNA]        = "AF_SNA",
        [AF_IRDA]       = "AF_IRDA",
        [AF_PPPOX]      = "AF_PPPOX",
        [AF_WANPIPE]    = "AF_WANPIPE",
        [AF_LLC]        = "AF_LLC",
        [AF_IB]         = "AF_IB",
        [AF_MPLS]       = "AF_MPLS",
        [AF_CAN]        = "AF_CAN",
        [AF_TIPC]       = "AF_TIPC",
        [AF_BLUETOOTH]  = "AF_BLUETOOTH",
        [AF_IUCV]       = "AF_IUCV",
        [AF_RXRPC]      = "AF_RXRPC",
        [AF_ISDN]       = "AF_ISDN",
        [AF_PHONET]     = "AF_PHONET",
        [AF_IEEE802154] = "AF_IEEE802154",
        [AF_CAIF]       = "AF_CAIF",
        [AF_ALG]        = "AF_ALG",
        [AF_NFC]        = "AF_NFC",
        [AF_VSOCK]      = "AF_VSOCK",
        [AF_KCM]        = "AF_KCM",
        [AF_QIPCRTR]    = "AF_QIPCRTR",
        [AF_SMC]        = "AF_SMC",
        [AF_XDP]        = "AF_XDP",
        [AF_MCTP]       = "AF_MCTP",
};

/* Low nibble of the socket type argument. */
#define FORMAT_SOCK_TYPE_MASK 0xf

static const char *const sock_type_names[] = {
        [SOCK_STREAM]    = "SOCK_STREAM",
        [SOCK_DGRAM]     = "SOCK_DGRAM",
        [SOCK_RAW]       = "SOCK_RAW",
        [SOCK_RDM]       = "SOCK_RDM",
        [SOCK_SEQPACKET] = "SOCK_SEQPACKET",
        [SOCK_DCCP]      = "SOCK_DCCP",
        [SOCK_PACKET]    = "SOCK_PACKET",
};

static const FlagName sock_flag_names[] = {
        { SOCK_NONBLOCK, "SOCK_NONBLOCK" },
        { SOCK_CLOEXEC,  "SOCK_CLOEXEC"  },
};

static const char *const signal_names[] = {
        [SIGHUP]    = "SIGHUP",
        [SIGINT]    = "SIGINT",
        [SIGQUIT]   = "SIGQUIT",
        [SIGILL]    = "SIGILL",
        [SIGTRAP]   = "SIGTRAP",
        [SIGABRT]   = "SIGABRT",
        [SIGBUS]    = "SIGBUS",
        [SIGFPE]    = "SIGFPE",
        [SIGKILL]   = "SIGKILL",
        [SIGUSR1]   = "SIGUSR1",
        [SIGSEGV]   = "SIGSEGV",
        [SIGUSR2]   = "SIGUSR2",
        [SIGPIPE]   = "SIGPIPE",
        [SIGALRM]   = "SIGALRM",
        [SIGTERM]   = "SIGTERM",
        [SIGSTKFLT] = "SIGSTKFLT",
        [SIGCHLD]   = "SIGCHLD",
        [SIGCONT]   = "SIGCONT",
        [SIGSTOP]   = "SIGSTOP",
        [SIGTSTP]   = "SIGTSTP",
        [SIGTTIN]   = "SIGTTIN",
        [SIGTTOU]   = "SIGTTOU",
        [SIGURG]    = "SIGURG",
        [SIGXCPU]   = "SIGXCPU",
        [SIGXFSZ]   = "SIGXFSZ",
        [SIGVTALRM] = "SIGVTALRM",
        [SIGPROF]   = "SIGPROF",
        [SIGWINCH]  = "SIGWINCH",
        [SIGIO]     = "SIGIO",
        [SIGPWR]    = "SIGPWR",
        [SIGSYS]    = "SIGSYS",
};

static const ValueName prctl_option_names[] = {
        { PR_SET_PDEATHSIG,              "PR_SET_PDEATHSIG"              },
        { PR_GET_PDEATHSIG,              "PR_GET_PDEATHSIG"              },
        { PR_GET_DUMPABLE,               "PR_GET_DUMPABLE"               },
        { PR_SET_DUMPABLE,               "PR_SET_DUMPABLE"               },
        { PR_GET_UNALIGN,                "PR_GET_UNALIGN"                },
        { PR_SET_UNALIGN,                "PR_SET_UNALIGN"                },
        { PR_GET_KEEPCAPS,               "PR_GET_KEEPCAPS"               },
        { PR_SET_KEEPCAPS,               "PR_SET_KEEPCAPS"               },
        { PR_GET_FPEMU,                  "PR_GET_FPEMU"                  },
        { PR_SET_FPEMU,                  "PR_SET_FPEMU"                  },
        { PR_GET_FPEXC,                  "PR_GET_FPEXC"                  },
        { PR_SET_FPEXC,                  "PR_SET_FPEXC"                  },
        { PR_GET_TIMING,                 "PR_GET_TIMING"                 },
        { PR_SET_TIMING,                 "PR_SET_TIMING"                 },
        { PR_SET_NAME,                   "PR_SET_NAME"                   },
        { PR_GET_NAME,                   "PR_GET_NAME"                   },
        { PR_GET_ENDIAN,                 "PR_GET_ENDIAN"                 },
        { PR_SET_ENDIAN,                 "PR_SET_ENDIAN"                 },
        { PR_GET_SECCOMP,                "PR_GET_SECCOMP"                },
        { PR_SET_SECCOMP,                "PR_SET_SECCOMP"                },
        { PR_CAPBSET_READ,               "PR_CAPBSET_READ"               },
        { PR_CAPBSET_DROP,               "PR_CAPBSET_DROP"               },
        { PR_GET_TSC,                    "PR_GET_TSC"                    },
        { PR_SET_TSC,                    "PR_SET_TSC"                    },
        { PR_GET_SECUREBITS,             "PR_GET_SECUREBITS"             },
        { PR_SET_SECUREBITS,             "PR_SET_SECUREBITS"             },
        { PR_SET_TIMERSLACK,             "PR_SET_TIMERSLACK"             },
        { PR_GET_TIMERSLACK,             "PR_GET_TIMERSLACK"             },
        { PR_TASK_PERF_EVENTS_DISABLE,   "PR_TASK_PERF_EVENTS_DISABLE"   },
        { PR_TASK_PERF_EVENTS_ENABLE,    "PR_TASK_PERF_EVENTS_ENABLE"    },
        { PR_MCE_KILL,                   "PR_MCE_KILL"                   },
        { PR_MCE_KILL_GET,               "PR_MCE_KILL_GET"               },
        { PR_SET_MM,                     "PR_SET_MM"                     },
        { PR_SET_PTRACER,                "PR_SET_PTRACER"                },
        { PR_SET_CHILD_SUBREAPER,        "PR_SET_CHILD_SUBREAPER"        },
        { PR_GET_CHILD_SUBREAPER,        "PR_GET_CHILD_SUBREAPER"        },
        { PR_SET_NO_NEW_PRIVS,           "PR_SET_NO_NEW_PRIVS"           },
        { PR_GET_NO_NEW_PRIVS,           "PR_GET_NO_NEW_PRIVS"           },
        { PR_GET_TID_ADDRESS,            "PR_GET_TID_ADDRESS"            },
        { PR_SET_THP_DISABLE,            "PR_SET_THP_DISABLE"            },
        { PR_GET_THP_DISABLE,            "PR_GET_THP_DISABLE"            },
        { PR_MPX_ENABLE_MANAGEMENT,      "PR_MPX_ENABLE_MANAGEMENT"      },
        { PR_MPX_DISABLE_MANAGEMENT,     "PR_MPX_DISABLE_MANAGEMENT"     },
        { PR_SET_FP_MODE,                "PR_SET_FP_MODE"                },
        { PR_GET_FP_MODE,                "PR_GET_FP_MODE"                },
        { PR_CAP_AMBIENT,                "PR_CAP_AMBIENT"                },
        { PR_SVE_SET_VL,                 "PR_SVE_SET_VL"                 },
        { PR_SVE_GET_VL,                 "PR_SVE_GET_VL"                 },
        { PR_GET_SPECULATION_CTRL,       "PR_GET_SPECULATION_CTRL"       },
        { PR_SET_SPECULATION_CTRL,       "PR_SET_SPECULATION_CTRL"       },
        { PR_PAC_RESET_KEYS,             "PR_PAC_RESET_KEYS"             },
        { PR_SET_TAGGED_ADDR_CTRL,       "PR_SET_TAGGED_ADDR_CTRL"       },
        { PR_GET_TAGGED_ADDR_CTRL,       "PR_GET_TAGGED_ADDR_CTRL"       },
        { PR_SET_IO_FLUSHER,             "PR_SET_IO_FLUSHER"             },
        { PR_GET_IO_FLUSHER,             "PR_GET_IO_FLUSHER"             },
        { PR_SET_SYSCALL_USER_DISPATCH,  "PR_SET_SYSCALL_USER_DISPATCH"  },
        { PR_PAC_SET_ENABLED_KEYS,       "PR_PAC_SET_ENABLED_KEYS"       },
        { PR_PAC_GET_ENABLED_KEYS,       "PR_PAC_GET_ENABLED_KEYS"       },
        { PR_SCHED_CORE,                 "PR_SCHED_CORE"                 },
        { PR_SME_SET_VL,                 "PR_SME_SET_VL"                 },
        { PR_SME_GET_VL,                 "PR_SME_GET_VL"                 },
        { PR_SET_MDWE,                   "PR_SET_MDWE"                   },
        { PR_GET_MDWE,                   "PR_GET_MDWE"                   },
        { PR_SET_MEMORY_MERGE,           "PR_SET_MEMORY_MERGE"           },
        { PR_GET_MEMORY_MERGE,           "PR_GET_MEMORY_MERGE"           },
        { PR_RISCV_V_SET_CONTROL,        "PR_RISCV_V_SET_CONTROL"        },
        { PR_RISCV_V_GET_CONTROL,        "PR_RISCV_V_GET_CONTROL"        },
        { PR_RISCV_SET_ICACHE_FLUSH_CTX, "PR_RISCV_SET_ICACHE_FLUSH_CTX" },
        { PR_PPC_GET_DEXCR,              "PR_PPC_GET_DEXCR"              },
        { PR_PPC_SET_DEXCR,              "PR_PPC_SET_DEXCR"              },
        { PR_GET_SHADOW_STACK_STATUS,    "PR_GET_SHADOW_STACK_STATUS"    },
        { PR_SET_SHADOW_STACK_STATUS,    "PR_SET_SHADOW_STACK_STATUS"    },
        { PR_LOCK_SHADOW_STACK_STATUS,   "PR_LOCK_SHADOW_STACK_STATUS"   },
        { PR_TIMER_CREATE_RESTORE_IDS,   "PR_TIMER_CREATE_RESTORE_IDS"   },
        { PR_FUTEX_HASH,                 "PR_FUTEX_HASH"                 },
        { PR_GET_AUXV,                   "PR_GET_AUXV"                   },
        { PR_SET_VMA,                    "PR_SET_VMA"                    },
};

static const FlagName mfd_flag_names[] = {
        { MFD_CLOEXEC,       "MFD_CLOEXEC"       },
        { MFD_ALLOW_SEALING, "MFD_ALLOW_SEALING" },
        { MFD_HUGETLB,       "MFD_HUGETLB"       },
        { MFD_NOEXEC_SEAL,   "MFD_NOEXEC_SEAL"   },
        { MFD_EXEC,          "MFD_EXEC"          },
};

static const FlagName mount_flag_names[] = {
        { MS_RDONLY,      "MS_RDONLY"      },
        { MS_NOSUID,      "MS_NOSUID"      },
        { MS_NODEV,       "MS_NODEV"       },
        { MS_NOEXEC,      "MS_NOEXEC"      },
        { MS_SYNCHRONOUS, "MS_SYNCHRONOUS" },
        { MS_REMOUNT,     "MS_REMOUNT"     },
        { MS_MANDLOCK,    "MS_MANDLOCK"    },
        { MS_DIRSYNC,     "MS_DIRSYNC"     },
        { MS_NOSYMFOLLOW, "MS_NOSYMFOLLOW" },
        { MS_NOATIME,     "MS_NOATIME"     },
        { MS_NODIRATIME,  "MS_NODIRATIME"  },
        { MS_BIND,        "MS_BIND"        },
        { MS_MOVE,        "MS_MOVE"        },
        { MS_REC,         "MS_REC"         },
        { MS_SILENT,      "MS_SILENT"      },
        { MS_POSIXACL,    "MS_POSIXACL"    },
        { MS_UNBINDABLE,  "MS_UNBINDABLE"  },
        { MS_PRIVATE,     "MS_PRIVATE"     },
        { MS_SLAVE,       "MS_SLAVE"       },
        { MS_SHARED,      "MS_SHARED"      },
        { MS_RELATIME,    "MS_RELATIME"    },
        { MS_KERNMOUNT,   "MS_KERNMOUNT"   },
        { MS_I_VERSION,   "MS_I_VERSION"   },
        { MS_STRICTATIME, "MS_STRICTATIME" },
        { MS_LAZYTIME,    "MS_LAZYTIME"    },
};

static const FlagName umount_flag_names[] = {
        { MNT_FORCE,       "MNT_FORCE"       },
        { MNT_DETACH,      "MNT_DETACH"      },
        { MNT_EXPIRE,      "MNT_EXPIRE"      },
        { UMOUNT_NOFOLLOW, "UMOUNT_NOFOLLOW" },
};

/* AT_EACCESS (faccessat) has the same value as AT_REMOVEDIR (unlinkat); without knowing the
 * syscall only one name can be shown, and the unlinkat one is the more interesting. */
static_assert(AT_EACCESS == AT_REMOVEDIR, "AT_EACCESS expected to alias AT_REMOVEDIR");

static const FlagName at_flag_names[] = {
        { AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW" },
        { AT_REMOVEDIR,        "AT_REMOVEDIR"        },
        { AT_SYMLINK_FOLLOW,   "AT_SYMLINK_FOLLOW"   },
        { AT_NO_AUTOMOUNT,     "AT_NO_AUTOMOUNT"     },
        { AT_EMPTY_PATH,       "AT_EMPTY_PATH"       },
        { AT_STATX_FORCE_SYNC, "AT_STATX_FORCE_SYNC" },
        { AT_STATX_DONT_SYNC,  "AT_STATX_DONT_SYNC"  },
        { AT_RECURSIVE,        "AT_RECURSIVE"        },
};

static const FlagName rename_flag_names[] = {
        { RENAME_NOREPLACE, "RENAME_NOREPLACE" },
        { RENAME_EXCHANGE,  "RENAME_EXCHANGE"  },
        { RENAME_WHITEOUT,  "RENAME_WHITEOUT"  },
};

/* enum bpf_cmd from linux/bpf.h, by value. */
static const ValueName fcntl_cmd_names[] = {
        { 0,    "F_DUPFD" },
        { 1,    "F_GETFD" },
        { 2,    "F_SETFD" },
        { 3,    "F_GETFL" },
        { 4,    "F_SETFL" },
        { 5,    "F_GETLK" },
        { 6,    "F_SETLK" },
        { 7,    "F_SETLKW" },
        { 8,    "F_SETOWN" },
        { 9,    "F_GETOWN" },
        { 10,   "F_SETSIG" },
        { 11,   "F_GETSIG" },
        { 15,   "F_SETOWN_EX" },
        { 16,   "F_GETOWN_EX" },
        { 36,   "F_OFD_GETLK" },
        { 37,   "F_OFD_SETLK" },
        { 38,   "F_OFD_SETLKW" },
        { 1024, "F_SETLEASE" },
        { 1025, "F_GETLEASE" },
        { 1026, "F_NOTIFY" },
        { 1030, "F_DUPFD_CLOEXEC" },
        { 1031, "F_SETPIPE_SZ" },
        { 1032, "F_GETPIPE_SZ" },
        { 1033, "F_ADD_SEALS" },
        { 1034, "F_GET_SEALS" },
};

/* personality(2): the low byte is the execution domain, the rest flags (<sys/personality.h>) */
static const ValueName persona_names[] = {
        { 0x0000, "PER_LINUX" },
        { 0x0008, "PER_LINUX32" },
};

static const FlagName persona_flag_names[] = {
        { 0x0020000, "UNAME26" },
        { 0x0040000, "ADDR_NO_RANDOMIZE" },
        { 0x0080000, "FDPIC_FUNCPTRS" },
        { 0x0100000, "MMAP_PAGE_ZERO" },
        { 0x0200000, "ADDR_COMPAT_LAYOUT" },
        { 0x0400000, "READ_IMPLIES_EXEC" },
        { 0x0800000, "ADDR_LIMIT_32BIT" },
        { 0x1000000, "SHORT_INODE" },
        { 0x2000000, "WHOLE_SECONDS" },
        { 0x4000000, "STICKY_TIMEOUTS" },
        { 0x8000000, "ADDR_LIMIT_3GB" },
};

static const FlagName file_class_names[] = {
        { TR_FC_OPEN,           "open" },
        { TR_FC_READ,           "read" },
        { TR_FC_WRITE,          "write" },
        { TR_FC_SOCKET,         "socket" },
        { TR_FC_INET,           "inet" },
        { TR_FC_PEER,           "peer" },
        { TR_FC_ON_STDIO,       "on_stdio" },
        { TR_FC_REGULAR,        "regular" },
        { TR_FC_MEMFD,          "memfd" },
        { TR_FC_TMPFS,          "tmpfs" },
        { TR_FC_SHM,            "shm" },
        { TR_FC_DELETED,        "deleted" },
        { TR_FC_PROC_MEM,       "proc_mem" },
        { TR_FC_PRELOAD,        "preload" },
        { TR_FC_SHARED_WMAP,    "shared_writable_mapping" },
        { TR_FC_DIR,            "directory" },
        { TR_FC_PRELOAD_NEW,    "preload_new" },
};

/* io_uring opcodes (<linux/io_uring.h>, enum io_uring_op), in order */
static const char *const iouring_op_names[] = {
        "IORING_OP_NOP",                    /*  0 */
        "IORING_OP_READV",
        "IORING_OP_WRITEV",
        "IORING_OP_FSYNC",
        "IORING_OP_READ_FIXED",
        "IORING_OP_WRITE_FIXED",            /*  5 */
        "IORING_OP_POLL_ADD",
        "IORING_OP_POLL_REMOVE",
        "IORING_OP_SYNC_FILE_RANGE",
        "IORING_OP_SENDMSG",
        "IORING_OP_RECVMSG",                /* 10 */
        "IORING_OP_TIMEOUT",
        "IORING_OP_TIMEOUT_REMOVE",
        "IORING_OP_ACCEPT",
        "IORING_OP_ASYNC_CANCEL",
        "IORING_OP_LINK_TIMEOUT",           /* 15 */
        "IORING_OP_CONNECT",
        "IORING_OP_FALLOCATE",
        "IORING_OP_OPENAT",
        "IORING_OP_CLOSE",
        "IORING_OP_FILES_UPDATE",           /* 20 */
        "IORING_OP_STATX",
        "IORING_OP_READ",
        "IORING_OP_WRITE",
        "IORING_OP_FADVISE",
        "IORING_OP_MADVISE",                /* 25 */
        "IORING_OP_SEND",
        "IORING_OP_RECV",
        "IORING_OP_OPENAT2",
        "IORING_OP_EPOLL_CTL",
        "IORING_OP_SPLICE",                 /* 30 */
        "IORING_OP_PROVIDE_BUFFERS",
        "IORING_OP_REMOVE_BUFFERS",
        "IORING_OP_TEE",
        "IORING_OP_SHUTDOWN",
        "IORING_OP_RENAMEAT",               /* 35 */
        "IORING_OP_UNLINKAT",
        "IORING_OP_MKDIRAT",
        "IORING_OP_SYMLINKAT",
        "IORING_OP_LINKAT",
        "IORING_OP_MSG_RING",               /* 40 */
        "IORING_OP_FSETXATTR",
        "IORING_OP_SETXATTR",
        "IORING_OP_FGETXATTR",
        "IORING_OP_GETXATTR",
        "IORING_OP_SOCKET",                 /* 45 */
        "IORING_OP_URING_CMD",
        "IORING_OP_SEND_ZC",
        "IORING_OP_SENDMSG_ZC",
        "IORING_OP_READ_MULTISHOT",
        "IORING_OP_WAITID",                 /* 50 */
        "IORING_OP_FUTEX_WAIT",
        "IORING_OP_FUTEX_WAKE",
        "IORING_OP_FUTEX_WAITV",
        "IORING_OP_FIXED_FD_INSTALL",
        "IORING_OP_FTRUNCATE",              /* 55 */
        "IORING_OP_BIND",
        "IORING_OP_LISTEN",
        "IORING_OP_RECV_ZC",
        "IORING_OP_EPOLL_WAIT",
        "IORING_OP_READV_FIXED",            /* 60 */
        "IORING_OP_WRITEV_FIXED",
        "IORING_OP_PIPE",
};

static const char *const bpf_cmd_names[] = {
        "BPF_MAP_CREATE",                  /*  0 */
        "BPF_MAP_LOOKUP_ELEM",
        "BPF_MAP_UPDATE_ELEM",
        "BPF_MAP_DELETE_ELEM",
        "BPF_MAP_GET_NEXT_KEY",
        "BPF_PROG_LOAD",                   /*  5 */
        "BPF_OBJ_PIN",
        "BPF_OBJ_GET",
        "BPF_PROG_ATTACH",
        "BPF_PROG_DETACH",
        "BPF_PROG_TEST_RUN",               /* 10 */
        "BPF_PROG_GET_NEXT_ID",
        "BPF_MAP_GET_NEXT_ID",
        "BPF_PROG_GET_FD_BY_ID",
        "BPF_MAP_GET_FD_BY_ID",
        "BPF_OBJ_GET_INFO_BY_FD",          /* 15 */
        "BPF_PROG_QUERY",
        "BPF_RAW_TRACEPOINT_OPEN",
        "BPF_BTF_LOAD",
        "BPF_BTF_GET_FD_BY_ID",
        "BPF_TASK_FD_QUERY",               /* 20 */
        "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
        "BPF_MAP_FREEZE",
        "BPF_BTF_GET_NEXT_ID",
        "BPF_MAP_LOOKUP_BATCH",
        "BPF_MAP_LOOKUP_AND_DELETE_BATCH", /* 25 */
        "BPF_MAP_UPDATE_BATCH",
        "BPF_MAP_DELETE_BATCH",
        "BPF_LINK_CREATE",
        "BPF_LINK_UPDATE",
        "BPF_LINK_GET_FD_BY_ID",           /* 30 */
        "BPF_LINK_GET_NEXT_ID",
        "BPF_ENABLE_STATS",
        "BPF_ITER_CREATE",
        "BPF_LINK_DETACH",
        "BPF_PROG_BIND_MAP",               /* 35 */
        "BPF_TOKEN_CREATE",
};

static void format_open_flags(Writer *w, uint64_t v) {
        static const char *const access_modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR" };
        uint64_t acc = v & O_ACCMODE;
        bool any = false;

        /* O_ACCMODE (3) is not a valid access mode; leave it for the hex remainder. */
        if (acc < ELEMENTSOF(access_modes)) {
                writer_put_str(w, access_modes[acc]);
                any = true;
                v &= ~(uint64_t) O_ACCMODE;
        }

        writer_put_rest(w, writer_put_flag_names(w, v, open_flag_names, ELEMENTSOF(open_flag_names), &any), &any);
}

static void format_prot(Writer *w, uint64_t v) {
        writer_put_flags(w, v, prot_names, ELEMENTSOF(prot_names), "PROT_NONE");
}

static void format_map_flags(Writer *w, uint64_t v) {
        uint64_t type = v & MAP_TYPE;
        bool any = false, hugetlb;

        if (writer_put_indexed_name(w, (int64_t) type, map_type_names, ELEMENTSOF(map_type_names))) {
                any = true;
                v &= ~(uint64_t) MAP_TYPE;
        }

        hugetlb = v & MAP_HUGETLB;
        v = writer_put_flag_names(w, v, map_flag_names, ELEMENTSOF(map_flag_names), &any);
        if (hugetlb)
                v &= ~writer_put_huge_size(w, v, "MAP_HUGE_", &any);

        writer_put_rest(w, v, &any);
        if (!any)
                writer_put_char(w, '0');
}

static void format_vm_flags(Writer *w, uint64_t v) {
        /* a 32-bit mprotect, seen at its exit only: what the range was is not known */
        if (v & TR_VMA_PREV_UNKNOWN) {
                writer_put_str(w, "unknown");
                return;
        }
        /* VM_READ, VM_WRITE, VM_EXEC have the same values as the PROT_ bits. */
        v &= PROT_READ | PROT_WRITE | PROT_EXEC;
        format_prot(w, v);
}

static void format_sock_type(Writer *w, uint64_t v) {
        bool any = false;

        if (writer_put_indexed_name(w, (int64_t) (v & FORMAT_SOCK_TYPE_MASK), sock_type_names, ELEMENTSOF(sock_type_names))) {
                any = true;
                v &= ~(uint64_t) FORMAT_SOCK_TYPE_MASK;
        }

        writer_put_rest(w, writer_put_flag_names(w, v, sock_flag_names, ELEMENTSOF(sock_flag_names), &any), &any);
        if (!any)
                writer_put_char(w, '0');
}

static void format_signal(Writer *w, int64_t v) {
        if (writer_put_indexed_name(w, v, signal_names, ELEMENTSOF(signal_names)))
                return;

        if (v == FORMAT_SIGRTMIN)
                writer_put_str(w, "SIGRTMIN");
        else if (v > FORMAT_SIGRTMIN && v <= FORMAT_SIGRTMAX) {
                writer_put_str(w, "SIGRTMIN+");
                writer_put_signed(w, v - FORMAT_SIGRTMIN);
        } else
                writer_put_signed(w, v);
}

static void format_mfd_flags(Writer *w, uint64_t v) {
        bool any = false, hugetlb;

        hugetlb = v & MFD_HUGETLB;
        v = writer_put_flag_names(w, v, mfd_flag_names, ELEMENTSOF(mfd_flag_names), &any);
        if (hugetlb)
                v &= ~writer_put_huge_size(w, v, "MFD_HUGE_", &any);

        writer_put_rest(w, v, &any);
        if (!any)
                writer_put_char(w, '0');
}

static void format_mount_flags(Writer *w, uint64_t v) {
        /* Before Linux 2.4 the top 16 bits had to carry the magic MS_MGC_VAL; the kernel strips
         * them when present. Also drop the upper 32 bits if they are just a sign extension. */
        if ((v & MS_MGC_MSK) == MS_MGC_VAL) {
                v &= ~(uint64_t) MS_MGC_MSK;
                if ((v >> 32) == UINT32_MAX)
                        v &= UINT32_MAX;
        }

        writer_put_flags(w, v, mount_flag_names, ELEMENTSOF(mount_flag_names), "0");
}

static void format_dirfd(Writer *w, int64_t v) {
        /* Accept AT_FDCWD both sign-extended and zero-extended from 32 bits. */
        if (v == AT_FDCWD || v == (int64_t) (uint32_t) AT_FDCWD)
                writer_put_str(w, "AT_FDCWD");
        else
                writer_put_signed(w, v);
}

int format_value(ArgFmt fmt, int64_t v, char *buf, size_t n) {
        uint64_t u = (uint64_t) v;
        Writer w;

        if (!buf && n > 0)
                return -EINVAL;

        writer_init(&w, buf, n);

        switch (fmt) {

        case FMT_INT:
                writer_put_signed(&w, v);
                break;

        case FMT_UINT:
                writer_put_unsigned(&w, u, 10);
                break;

        case FMT_HEX:
        case FMT_CAP_VERSION:
        case FMT_OPENAT2_RESOLVE:
                writer_put_hex(&w, u);
                break;

        case FMT_OCTAL_MODE:
                if (u != 0)
                        writer_put_char(&w, '0');
                writer_put_unsigned(&w, u, 8);
                break;

        case FMT_OPEN_FLAGS:
                format_open_flags(&w, u);
                break;

        case FMT_PROT:
                format_prot(&w, u);
                break;

        case FMT_MAP_FLAGS:
                format_map_flags(&w, u);
                break;

        case FMT_VM_FLAGS:
                format_vm_flags(&w, u);
                break;

        case FMT_PTRACE_REQ:
                if (!writer_put_value_name(&w, v, ptrace_request_names, ELEMENTSOF(ptrace_request_names)))
                        writer_put_signed(&w, v);
                break;

        case FMT_SOCK_DOMAIN:
                if (!writer_put_indexed_name(&w, v, sock_domain_names, ELEMENTSOF(sock_domain_names)))
                        writer_put_signed(&w, v);
                break;

        case FMT_SOCK_TYPE:
                format_sock_type(&w, u);
                break;

        case FMT_SIGNAL:
                format_signal(&w, v);
                break;

        case FMT_PRCTL_OPT:
                if (!writer_put_value_name(&w, v, prctl_option_names, ELEMENTSOF(prctl_option_names)))
                        writer_put_signed(&w, v);
                break;

        case FMT_MFD_FLAGS:
                format_mfd_flags(&w, u);
                break;

        case FMT_MOUNT_FLAGS:
                format_mount_flags(&w, u);
                break;

        case FMT_UMOUNT_FLAGS:
                writer_put_flags(&w, u, umount_flag_names, ELEMENTSOF(umount_flag_names), "0");
                break;

        case FMT_AT_FLAGS:
                writer_put_flags(&w, u, at_flag_names, ELEMENTSOF(at_flag_names), "0");
                break;

        case FMT_DIRFD:
                format_dirfd(&w, v);
                break;

        case FMT_RENAME_FLAGS:
                writer_put_flags(&w, u, rename_flag_names, ELEMENTSOF(rename_flag_names), "0");
                break;

        case FMT_BPF_CMD:
                if (!writer_put_indexed_name(&w, v, bpf_cmd_names, ELEMENTSOF(bpf_cmd_names)))
                        writer_put_signed(&w, v);
                break;

        case FMT_ACCEPT_FLAGS:
                writer_put_flags(&w, u, sock_flag_names, ELEMENTSOF(sock_flag_names), "0");
                break;

        case FMT_DUP3_FLAGS: {
                static const FlagName dup3_flag_names[] = {
                        { O_CLOEXEC, "O_CLOEXEC" },
                };

                writer_put_flags(&w, u, dup3_flag_names, ELEMENTSOF(dup3_flag_names), "0");
                break;
        }

        case FMT_FCNTL_CMD:
                if (!writer_put_value_name(&w, v, fcntl_cmd_names, ELEMENTSOF(fcntl_cmd_names)))
                        writer_put_signed(&w, v);
                break;

        case FMT_PERSONALITY:
                if (u == 0xffffffffu) {
                        writer_put_str(&w, "0xffffffff");       /* the query: personality(0xffffffff) */
                        break;
                }
                if (!writer_put_value_name(&w, (int64_t) (u & 0xff), persona_names, ELEMENTSOF(persona_names)))
                        writer_put_hex(&w, u & 0xff);
                if (u & ~0xffull) {
                        writer_put_char(&w, '|');
                        writer_put_flags(&w, u & ~0xffull, persona_flag_names, ELEMENTSOF(persona_flag_names), "0");
                }
                break;

        case FMT_FILE_CLASS:
                writer_put_flags(&w, u, file_class_names, ELEMENTSOF(file_class_names), "none");
                break;

        case FMT_IOURING_OP:
                if (!writer_put_indexed_name(&w, v, iouring_op_names, ELEMENTSOF(iouring_op_names)))
                        writer_put_signed(&w, v);
                break;

        case _FMT_MAX:
        default:
                return -EINVAL;
        }

        return (int) w.len;
}

bool format_is_string(ArgFmt fmt) {
        if ((unsigned) fmt >= _FMT_MAX)
                return false;

        return fmt != FMT_INT && fmt != FMT_UINT;
}

static void writer_put_inet4(Writer *w, const uint8_t *a) {
        for (size_t i = 0; i < 4; i++) {
                if (i > 0)
                        writer_put_char(w, '.');
                writer_put_unsigned(w, a[i], 10);
        }
}

static void writer_put_inet6(Writer *w, const uint8_t *a) {
        uint16_t g[8];
        int best = -1, best_len = 0;

        for (size_t i = 0; i < 8; i++)
                g[i] = (uint16_t) (a[2 * i] << 8 | a[2 * i + 1]);

        /* IPv4-mapped addresses use the mixed notation (RFC 5952, section 5). */
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
                writer_put_str(w, "::ffff:");
                writer_put_inet4(w, a + 12);
                return;
        }

        /* The longest run of two or more zero groups becomes "::", the first one on a tie. */
        for (int i = 0; i < 8;) {
                int j = i;

                while (j < 8 && g[j] == 0)
                        j++;
                if (j - i > best_len && j - i >= 2) {
                        best = i;
                        best_len = j - i;
                }
                i = j > i ? j : i + 1;
        }

        for (int i = 0; i < 8;) {
                if (i == best) {
                        writer_put_str(w, "::");
                        i += best_len;
                        continue;
                }
                if (i > 0 && i != best + best_len)
                        writer_put_char(w, ':');
                writer_put_unsigned(w, g[i], 16);
                i++;
        }
}

int inet_addr_to_str(int family, const uint8_t *addr, char *buf, size_t n) {
        char tmp[INET6_ADDRSTRLEN];
        Writer w;

        if (!addr || !buf || n == 0)
                return -EINVAL;

        writer_init(&w, tmp, sizeof(tmp));

        if (family == AF_INET)
                writer_put_inet4(&w, addr);
        else if (family == AF_INET6)
                writer_put_inet6(&w, addr);
        else {
                buf[0] = 0;
                return -EINVAL;
        }

        if (w.len >= n) {
                memcpy(buf, tmp, n - 1);
                buf[n - 1] = 0;
                return -ENOSPC;
        }

        memcpy(buf, tmp, w.len + 1);
        return 0;
}

static void sockaddr_decode_unix(const uint8_t *raw, size_t len, SockAddr *out) {
        const size_t path_offset = offsetof(struct sockaddr_un, sun_path);
        const uint8_t *path = raw + path_offset;
        size_t plen = len - path_offset;
        Writer w;

        if (plen > sizeof(((struct sockaddr_un *) NULL)->sun_path))
                plen = sizeof(((struct sockaddr_un *) NULL)->sun_path);

        writer_init(&w, out->addr, sizeof(out->addr));

        if (plen == 0)
                return; /* unnamed */

        if (path[0] == 0) {
                /* Abstract: the name is exactly plen bytes, embedded NULs included. */
                writer_put_char(&w, '@');
                for (size_t i = 1; i < plen; i++)
                        writer_put_char(&w, path[i] == 0 ? '@' : (char) path[i]);
                return;
        }

        /* Pathname: the kernel treats sun_path as NUL-terminated within plen. */
        const uint8_t *nul = memchr(path, 0, plen);
        writer_put_mem(&w, (const char *) path, nul ? (size_t) (nul - path) : plen);
}

int sockaddr_decode(const void *raw, size_t len, SockAddr *out) {
        const uint8_t *p = raw;
        sa_family_t family;

        if (!raw || !out || len < sizeof(family))
                return -EINVAL;

        *out = (SockAddr) {
                .port = -1,
        };

        memcpy(&family, p, sizeof(family));
        out->family = family;

        Writer w;
        writer_init(&w, out->family_name, sizeof(out->family_name));
        if (!writer_put_indexed_name(&w, family, sock_domain_names, ELEMENTSOF(sock_domain_names))) {
                writer_put_str(&w, "AF_");
                writer_put_unsigned(&w, family, 10);
        }

        switch (family) {

        case AF_INET: {
                const size_t port_off = offsetof(struct sockaddr_in, sin_port);
                const size_t addr_off = offsetof(struct sockaddr_in, sin_addr);

                out->truncated = len < sizeof(struct sockaddr_in);
                if (len >= port_off + 2)
                        out->port = p[port_off] << 8 | p[port_off + 1];
                if (len >= addr_off + 4)
                        (void) inet_addr_to_str(AF_INET, p + addr_off, out->addr, sizeof(out->addr));
                break;
        }

        case AF_INET6: {
                const size_t port_off = offsetof(struct sockaddr_in6, sin6_port);
                const size_t addr_off = offsetof(struct sockaddr_in6, sin6_addr);

                out->truncated = len < sizeof(struct sockaddr_in6);
                if (len >= port_off + 2)
                        out->port = p[port_off] << 8 | p[port_off + 1];
                if (len >= addr_off + 16)
                        (void) inet_addr_to_str(AF_INET6, p + addr_off, out->addr, sizeof(out->addr));
                break;
        }

        case AF_UNIX:
                sockaddr_decode_unix(p, len, out);
                break;

        default:
                break;
        }

        return 0;
}
