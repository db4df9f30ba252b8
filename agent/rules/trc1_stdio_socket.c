/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-1 Standard Input/Output Over Socket: an inet socket with a remote peer (connected or
 * accepted) duplicated onto fd 0, 1 or 2, or a connect() to an inet address made on fd 0, 1 or 2.
 * Catches reverse shells (connect, then dup2 onto stdio) and bind shells (accept, then dup2).
 *
 * Stateless: the kernel side reads what the old fd is at the dup itself, and only sends dups of
 * inet sockets with a peer onto fd 0-2 (the TR_EVCFG_FDINFO_INET flag and the fd predicates).
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../engine.h"
#include "../format.h"


static bool peer_of(const Event *e, char *ip, size_t n, int *port)
{
        const EventArg *a = event_arg(e, "oldfd_info");
        struct tr_fdinfo fi;

        if (!a)
                return false;
        memcpy(&fi, a->data, sizeof(fi));
        if (fi.kind != TR_FD_SOCKET || (fi.family != AF_INET && fi.family != AF_INET6) || fi.rport == 0)
                return false;
        if (inet_addr_to_str(fi.family, fi.raddr, ip, n) < 0)
                return false;
        *port = fi.rport;
        return true;
}

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        const char *name = e->def->name;
        char ip[64];
        int port;
        int64_t fd = -1;

        if (strcmp(name, "connect") == 0) {
                const EventArg *a = event_arg(e, "addr");
                SockAddr sa;

                if (!event_arg_int(e, "sockfd", &fd) || fd < 0 || fd > 2 || !a)
                        return false;
                if (sockaddr_decode(a->data, a->len, &sa) < 0 || (sa.family != AF_INET && sa.family != AF_INET6) ||
                    sa.port <= 0)
                        return false;
                finding_add_str(f, "ip", sa.addr);
                finding_add_int(f, "port", sa.port);
                finding_add_int(f, "fd", fd);
                snprintf(f->summary, sizeof(f->summary), "connected its fd %d to %s port %d", (int) fd, sa.addr,
                         sa.port);
                return true;
        }
        /* dup, dup2, dup3: the new fd is the return value */
        if (e->h.retval < 0 || e->h.retval > 2)
                return false;
        fd = e->h.retval;
        if (!peer_of(e, ip, sizeof(ip), &port))
                return false;
        finding_add_str(f, "ip", ip);
        finding_add_int(f, "port", port);
        finding_add_int(f, "fd", fd);
        snprintf(f->summary, sizeof(f->summary), "duplicated a socket connected to %s port %d onto fd %d (%s)", ip,
                 port, (int) fd, fd == 0 ? "stdin" : fd == 1 ? "stdout" : "stderr");
        return true;
}

const Rule rule_trc1 = {
        .id = "TRC-1",
        .name = "Standard Input/Output Over Socket",
        .description = "A process redirected its standard input, output or error to a network socket, "
                       "the way reverse and bind shells do.",
        .severity = SEVERITY_HIGH,
        .mitre_tactic = "Execution",
        .mitre_technique = "Unix Shell",
        .mitre_id = "T1059.004",
        .tags = { "linux", "container" },
        .nneeds = 4,
        .needs = {
                { .event = "dup", .evflags = TR_EVCFG_FDINFO_INET, .nterms = 1,
                  .terms = { { .field = TR_FIELD_RETVAL, .op = TR_OP_LE, .value = 2 } } },
                { .event = "dup2", .evflags = TR_EVCFG_FDINFO_INET, .nterms = 1,
                  .terms = { { .field = 1, .op = TR_OP_LE, .value = 2 } } },
                { .event = "dup3", .evflags = TR_EVCFG_FDINFO_INET, .nterms = 1,
                  .terms = { { .field = 1, .op = TR_OP_LE, .value = 2 } } },
                { .event = "connect", .nterms = 1,
                  .terms = { { .field = 0, .op = TR_OP_LE, .value = 2 } } },
        },
        .match = match,
        /*
         * Programs started with a connection on their standard input and output by design, at their
         * exec only (a dup or connect the same process makes later is still reported): services that
         * systemd (PID 1, not a user's `systemd --user`, whose children have another parent) starts
         * with Accept=yes or StandardInput=socket, exec'd by systemd itself or by systemd-executor
         * (systemd 255 and later), and servers started by inetd-style super-servers running as root
         * (any user can run inetd or tcpd, but then that user forked the server's process).
         */
        .default_exceptions = {
                "event=sched_process_exec exec_by=/usr/lib/systemd/systemd parent=init",
                "event=sched_process_exec exec_by=/lib/systemd/systemd parent=init",
                "event=sched_process_exec exec_by=/usr/lib/systemd/systemd-executor parent=init",
                "event=sched_process_exec exec_by=/lib/systemd/systemd-executor parent=init",
                "event=sched_process_exec exec_by=/usr/sbin/inetd parent_uid=0",
                "event=sched_process_exec exec_by=/usr/bin/inetd parent_uid=0",
                "event=sched_process_exec exec_by=/usr/sbin/xinetd parent_uid=0",
                "event=sched_process_exec exec_by=/usr/bin/xinetd parent_uid=0",
                "event=sched_process_exec exec_by=/usr/sbin/inetutils-inetd parent_uid=0",
                "event=sched_process_exec exec_by=/usr/bin/inetutils-inetd parent_uid=0",
                "event=sched_process_exec exec_by=/usr/sbin/tcpd parent_uid=0",
                "event=sched_process_exec exec_by=/usr/bin/tcpd parent_uid=0",
        },
};
