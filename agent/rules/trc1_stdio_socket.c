/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TRC-1 Standard Input/Output Over Socket: an inet socket with a remote peer on fd 0, 1 or 2 —
 * the shape of reverse and bind shells. Judged on the kernel's objects, never on the numbers or
 * the address the process passed:
 *
 *   - a new fd 0-2 that is such a socket: dup, dup2, dup3, fcntl(F_DUPFD, F_DUPFD_CLOEXEC),
 *     accept, accept4 (a bind shell that closed its stdio first), pidfd_getfd — the return value
 *     is the fd the kernel installed, and the kernel side reads the socket it holds;
 *   - a connect() that succeeded (or is in progress) on a socket that is on fd 0-2, through
 *     whichever fd it was made (dup'ed while unconnected, connected afterwards), or an io_uring
 *     IORING_OP_CONNECT of such a socket, whichever fd or fixed-file slot named it;
 *   - a new program (exec) whose fd 0, 1 or 2 is such a socket: whatever road the socket took there
 *     (SCM_RIGHTS, io_uring, inheritance), the shell that runs on it is seen; the commands that
 *     shell then runs on the same socket (its children's execs) are not reported again.
 *
 * Services started with their standard input on an accepted connection (systemd's Accept=yes,
 * inetd) have that shape legitimately: see the rule's default exceptions.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../engine.h"
#include "../format.h"

#define F_DUPFD_CLOEXEC 1030

static const char *const stdio_names[3] = { "stdin", "stdout", "stderr" };

/* An inet socket with a peer: its address into ip, port. */
static bool socket_peer(const EventArg *a, char *ip, size_t n, int *port)
{
        struct tr_fdinfo fi;

        if (!a || a->type != TR_ARG_FDINFO || a->len != sizeof(fi))
                return false;
        memcpy(&fi, a->data, sizeof(fi));
        if (fi.kind != TR_FD_SOCKET || (fi.family != AF_INET && fi.family != AF_INET6) || fi.rport == 0)
                return false;
        if (inet_addr_to_str(fi.family, fi.raddr, ip, n) < 0)
                return false;
        *port = fi.rport;
        return true;
}

static void add_peer(Finding *f, const char *ip, int port, int fd)
{
        finding_add_str(f, "ip", ip);
        finding_add_int(f, "port", port);
        finding_add_int(f, "fd", fd);
}

/* A new program started with a socket on fd 0-2 (sched_process_exec, args 8-10). */
static bool match_exec(const Event *e, Finding *f)
{
        char ip[64], path[TR_PATH_MAX + 1] = "";
        int port, fd = -1;
        unsigned fds = 0;

        for (int i = 2; i >= 0; i--) {
                const EventArg *a = event_arg_idx(e, 8 + i);
                struct tr_fdinfo fi;
                char ip_i[64];
                int port_i;

                if (!socket_peer(a, ip_i, sizeof(ip_i), &port_i))
                        continue;
                /* a program its parent started on the socket the parent itself was exec'd on: the
                 * commands a shell on a connection runs, reported with the shell, not each one */
                memcpy(&fi, a->data, sizeof(fi));
                if (fi.ino && fi.ino == e->parent_stdio_sock)
                        continue;
                fds |= 1u << i;
                fd = i;
                memcpy(ip, ip_i, sizeof(ip));
                port = port_i;
        }
        if (fd < 0)
                return false;
        (void) event_arg_str(e, "pathname", path, sizeof(path));
        add_peer(f, ip, port, fd);
        finding_add_str(f, "program", path);
        finding_add_str(f, "stdio", fds == 7 ? "stdin|stdout|stderr" : fds == 3 ? "stdin|stdout" :
                        fds == 6 ? "stdout|stderr" : fds == 5 ? "stdin|stderr" : stdio_names[fd]);
        snprintf(f->summary, sizeof(f->summary), "started %.300s with its %s on a socket connected to %s port %d",
                 path, fds == 7 ? "stdin, stdout and stderr" : stdio_names[fd], ip, port);
        return true;
}

static bool match(const Event *e, const RuleOptions *o, Finding *f)
{
        const char *name = e->def->name;
        char ip[64];
        int port;
        int64_t fd = -1;

        if (e->h.type == TR_EV_SCHED_PROCESS_EXEC)
                return match_exec(e, f);
        if (strcmp(name, "connect") == 0) {
                const EventArg *a = event_arg(e, "sockfd_info");
                struct tr_fdinfo fi;

                if (e->h.retval != 0 && e->h.retval != -EINPROGRESS)
                        return false;
                if (!socket_peer(a, ip, sizeof(ip), &port))
                        return false;
                memcpy(&fi, a->data, sizeof(fi));
                if (!(fi.fclass & TR_FC_ON_STDIO) || !(fi.stdio & 7))
                        return false;
                {
                        int on = fi.stdio & 1 ? 0 : fi.stdio & 2 ? 1 : 2;
                        int64_t slot;

                        add_peer(f, ip, port, on);
                        /* an io_uring request may name its socket by a fixed-file slot, not an fd */
                        if (!event_arg_int(e, "sockfd", &fd))
                                fd = -1;
                        if (fd == on)
                                snprintf(f->summary, sizeof(f->summary), "connected its fd %d (%s) to %s port %d",
                                         on, stdio_names[on], ip, port);
                        else if (fd >= 0)
                                snprintf(f->summary, sizeof(f->summary),
                                         "connected fd %lld, the socket that is also its %s, to %s port %d",
                                         (long long) fd, stdio_names[on], ip, port);
                        else if (event_arg_int(e, "fixed_file", &slot))
                                snprintf(f->summary, sizeof(f->summary),
                                         "connected fixed file %lld, the socket that is also its %s, to %s port %d",
                                         (long long) slot, stdio_names[on], ip, port);
                        else
                                snprintf(f->summary, sizeof(f->summary),
                                         "connected the socket that is its %s to %s port %d", stdio_names[on], ip,
                                         port);
                }
                return true;
        }
        /* dup, dup2, dup3, fcntl, accept, accept4, pidfd_getfd: the new fd is the return value */
        if (e->h.retval < 0 || e->h.retval > 2)
                return false;
        fd = e->h.retval;
        if (!socket_peer(event_arg(e, "ret_info"), ip, sizeof(ip), &port))
                return false;
        add_peer(f, ip, port, fd);
        if (strncmp(name, "accept", 6) == 0)
                snprintf(f->summary, sizeof(f->summary), "accepted a connection from %s port %d onto fd %d (%s)",
                         ip, port, (int) fd, stdio_names[fd]);
        else if (strcmp(name, "pidfd_getfd") == 0)
                snprintf(f->summary, sizeof(f->summary),
                         "took a socket connected to %s port %d from another process onto fd %d (%s)", ip, port,
                         (int) fd, stdio_names[fd]);
        else
                snprintf(f->summary, sizeof(f->summary), "duplicated a socket connected to %s port %d onto fd %d (%s)",
                         ip, port, (int) fd, stdio_names[fd]);
        return true;
}

/* a new fd 0-2 holding an inet socket with a peer */
#define NEW_STDIO_SOCKET                                                                        \
        TERM_AND(TR_FIELD_RETVAL, TR_OP_LE, 0, 2),                                              \
        HAS(TR_FIELD_RETCLASS, TR_FC_INET | TR_FC_PEER)

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
        .nneeds = 9,
        .needs = {
                { .event = "dup", .nterms = 2, .terms = { NEW_STDIO_SOCKET } },
                { .event = "dup2", .nterms = 2, .terms = { NEW_STDIO_SOCKET } },
                { .event = "dup3", .nterms = 2, .terms = { NEW_STDIO_SOCKET } },
                { .event = "fcntl", .nterms = 3,
                  .terms = { TERM_AND(1, TR_OP_EQ2, F_DUPFD_CLOEXEC, 0), NEW_STDIO_SOCKET } },
                { .event = "accept", .nterms = 2, .terms = { NEW_STDIO_SOCKET } },
                { .event = "accept4", .nterms = 2, .terms = { NEW_STDIO_SOCKET } },
                { .event = "pidfd_getfd", .nterms = 2, .terms = { NEW_STDIO_SOCKET } },
                /* succeeded or in progress (EINPROGRESS), on a socket that is on fd 0-2 */
                { .event = "connect", .nterms = 2,
                  .terms = { TERM_AND(TR_FIELD_RETVAL, TR_OP_EQ2, (uint64_t) -EINPROGRESS, 0),
                             HAS(TR_FIELD_FDCLASS + 0, TR_FC_INET | TR_FC_ON_STDIO) } },
                { .event = "sched_process_exec" },
        },
        .match = match,
        /*
         * Programs started with a connection on their standard input and output by design, at their
         * exec only (a dup or connect the same process makes later is still reported): services that
         * systemd (PID 1, not a user's `systemd --user`, whose children have another parent) starts
         * with Accept=yes or StandardInput=socket, exec'd by systemd itself or by systemd-executor
         * (systemd 255 and later), and servers started by inetd-style super-servers running as root
         * (any user can run inetd or tcpd, but then that user forked the server's process). And
         * the child of those that puts the connection on fds 0-2 before the exec: a child of PID 1
         * still running systemd's binary (or systemd-executor, which systemd exec'd), a child of
         * root's inetd still running inetd.
         */
        .default_exceptions = {
                "event=dup,dup2,dup3,fcntl exe=/usr/lib/systemd/systemd parent=init",
                "event=dup,dup2,dup3,fcntl exe=/lib/systemd/systemd parent=init",
                "event=dup,dup2,dup3,fcntl exe=/usr/lib/systemd/systemd-executor exec_by=/usr/lib/systemd/systemd "
                "parent=init",
                "event=dup,dup2,dup3,fcntl exe=/usr/sbin/inetd parent_uid=0",
                "event=dup,dup2,dup3,fcntl exe=/usr/sbin/xinetd parent_uid=0",
                "event=dup,dup2,dup3,fcntl exe=/usr/sbin/inetutils-inetd parent_uid=0",
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
