/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Does the running kernel take 32-bit syscalls? See compat_probe() in compat.h.
 *
 * Asked of the kernel itself rather than inferred from its configuration: CONFIG_IA32_EMULATION,
 * CONFIG_IA32_EMULATION_DEFAULT_DISABLED, ia32_emulation= on the command line and confidential-
 * computing guests (which turn it off) all decide, and only a real `int $0x80` says what they
 * decided. The child does nothing but that one syscall and _exit(), so forking a process that may
 * have threads is safe.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat.h"

#define IA32_NR_GETPID  20

/* the child's exit statuses */
enum {
        PROBE_PID = 0,          /* the syscall answered with our pid */
        PROBE_ENOSYS = 1,
        PROBE_REFUSED = 2,      /* EPERM or EACCES: a seccomp filter's errno */
        PROBE_OTHER = 3,
};

static void probe_child(void)
{
        struct rlimit none = { 0, 0 };
        long r;

        /* if a seccomp filter kills us for the 32-bit syscall, no core dump for it */
        (void) setrlimit(RLIMIT_CORE, &none);
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        /* int $0x80 from 64-bit code: a 32-bit syscall; the kernel may clobber r8-r11 */
        __asm__ volatile("int $0x80" : "=a"(r) : "a"((long) IA32_NR_GETPID) : "r8", "r9", "r10", "r11", "memory");
        _exit(r == (long) getpid() ? PROBE_PID : r == -ENOSYS ? PROBE_ENOSYS :
              r == -EPERM || r == -EACCES ? PROBE_REFUSED : PROBE_OTHER);
}

/* ia32_emulation= on /proc/cmdline (kstrtobool: 1/y/t/on, 0/n/f/off): 1, 0, or -1 when absent. */
static int cmdline_hint(void)
{
        char buf[4096], *p;
        FILE *f = fopen("/proc/cmdline", "re");
        size_t n;
        int v = -1;

        if (!f)
                return -1;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = 0;
        for (p = buf; (p = strstr(p, "ia32_emulation=")); p++) {
                const char *val = p + strlen("ia32_emulation=");

                if (p != buf && p[-1] != ' ')
                        continue;
                if (strchr("1yYtT", val[0]) || strncasecmp(val, "on", 2) == 0)
                        v = 1;
                else if (strchr("0nNfF", val[0]) || strncasecmp(val, "off", 3) == 0)
                        v = 0;
        }
        return v;
}

void compat_probe(CompatProbe *ret)
{
        CompatProbe p = { .abi = COMPAT_ABI_UNKNOWN, .cmdline = cmdline_hint() };
        int status;
        pid_t pid;

        pid = fork();
        if (pid == 0)
                probe_child();
        if (pid < 0)
                snprintf(p.seen, sizeof(p.seen), "cannot fork the probe: %s", strerror(errno));
        else if (waitpid(pid, &status, 0) != pid)
                snprintf(p.seen, sizeof(p.seen), "cannot wait for the probe: %s", strerror(errno));
        else if (WIFEXITED(status) && WEXITSTATUS(status) == PROBE_PID) {
                p.abi = COMPAT_ABI_ON;
                snprintf(p.seen, sizeof(p.seen), "a 32-bit getpid (int $0x80) answered");
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == PROBE_ENOSYS) {
                p.abi = COMPAT_ABI_OFF;
                snprintf(p.seen, sizeof(p.seen), "a 32-bit getpid (int $0x80) failed with ENOSYS");
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == PROBE_REFUSED) {
                p.abi = COMPAT_ABI_ON;
                snprintf(p.seen, sizeof(p.seen), "a 32-bit getpid (int $0x80) reached this process's seccomp "
                         "filter, which refused it");
        } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
                p.abi = COMPAT_ABI_ON;
                snprintf(p.seen, sizeof(p.seen), "a 32-bit getpid (int $0x80) reached this process's seccomp "
                         "filter, which killed it");
        } else if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS)) {
                p.abi = COMPAT_ABI_OFF;
                snprintf(p.seen, sizeof(p.seen), "a 32-bit getpid (int $0x80) faulted");
        } else
                snprintf(p.seen, sizeof(p.seen), "the probe ended with status 0x%x", (unsigned) status);
        if (p.abi == COMPAT_ABI_UNKNOWN && p.cmdline >= 0)
                p.abi = p.cmdline ? COMPAT_ABI_ON : COMPAT_ABI_OFF;
        *ret = p;
}
