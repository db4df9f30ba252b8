/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See evfmt.h.
 */
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "evfmt.h"
#include "format.h"
#include "strutil.h"

static const char *fd_kind_name(unsigned k)
{
        switch (k) {
        case TR_FD_SOCKET:
                return "socket";
        case TR_FD_FILE:
                return "file";
        case TR_FD_MEMFD:
                return "memfd";
        case TR_FD_PIPE:
                return "pipe";
        case TR_FD_OTHER:
                return "other";
        case TR_FD_CLOSED:
                return "closed";
        case TR_FD_DIR:
                return "directory";
        default:
                return "unknown";
        }
}

static void write_sockaddr(JsonW *w, const EventArg *a)
{
        SockAddr sa;

        if (sockaddr_decode(a->data, a->len, &sa) < 0) {
                jsonw_obj_open(w);
                jsonw_obj_close(w);
                return;
        }
        jsonw_obj_open(w);
        jsonw_kv_str(w, "sa_family", sa.family_name);
        if (sa.family == AF_INET) {
                jsonw_kv_str(w, "sin_addr", sa.addr);
                jsonw_key(w, "sin_port");
                jsonw_int(w, sa.port);
        } else if (sa.family == AF_INET6) {
                jsonw_kv_str(w, "sin6_addr", sa.addr);
                jsonw_key(w, "sin6_port");
                jsonw_int(w, sa.port);
        } else if (sa.family == AF_UNIX)
                jsonw_kv_str(w, "sun_path", sa.addr);
        jsonw_obj_close(w);
}

static void write_fdinfo(JsonW *w, const EventArg *a)
{
        struct tr_fdinfo fi;
        char fam[160], addr[64];

        memcpy(&fi, a->data, sizeof(fi));
        jsonw_obj_open(w);
        jsonw_kv_str(w, "type", fd_kind_name(fi.kind));
        if (fi.kind == TR_FD_SOCKET) {
                format_value(FMT_SOCK_DOMAIN, fi.family, fam, sizeof(fam));
                jsonw_kv_str(w, "family", fam);
                format_value(FMT_SOCK_TYPE, fi.sotype, fam, sizeof(fam));
                jsonw_kv_str(w, "sock_type", fam);
                if (fi.family == AF_INET || fi.family == AF_INET6) {
                        if (inet_addr_to_str(fi.family, fi.laddr, addr, sizeof(addr)) == 0)
                                jsonw_kv_str(w, "local_addr", addr);
                        jsonw_kv_int(w, "local_port", fi.lport);
                        if (inet_addr_to_str(fi.family, fi.raddr, addr, sizeof(addr)) == 0)
                                jsonw_kv_str(w, "remote_addr", addr);
                        jsonw_kv_int(w, "remote_port", fi.rport);
                }
        }
        /* what the kernel side found the file to be (TR_FC_*), and which inode it is */
        if (fi.fclass) {
                format_value(FMT_FILE_CLASS, fi.fclass, fam, sizeof(fam));
                jsonw_kv_str(w, "class", fam);
        }
        if (fi.kind != TR_FD_CLOSED && fi.kind != TR_FD_UNKNOWN && fi.ino) {
                snprintf(addr, sizeof(addr), "%u:%u", fi.dev >> 20, fi.dev & 0xfffff);
                jsonw_kv_str(w, "device", addr);
                jsonw_key(w, "inode");
                jsonw_uint(w, fi.ino);
                jsonw_kv_int(w, "nlink", fi.nlink);
        }
        if (fi.fclass & TR_FC_PROC_MEM)
                jsonw_kv_int(w, "proc_pid", fi.proc_tgid);
        if (fi.stdio)
                jsonw_kv_int(w, "stdio_fds", fi.stdio);
        jsonw_obj_close(w);
}

static void write_arg_value(JsonW *w, const EventArg *a)
{
        char buf[256];

        switch (a->type) {
        case TR_ARG_INT:
                if (a->def && format_is_string(a->def->fmt)) {
                        format_value(a->def->fmt, a->i, buf, sizeof(buf));
                        jsonw_str(w, buf);
                } else if (a->def && a->def->fmt == FMT_UINT)
                        jsonw_uint(w, (uint64_t) a->i);
                else
                        jsonw_int(w, a->i);
                break;
        case TR_ARG_STR:
                jsonw_strn(w, (const char *) a->data, strnlen((const char *) a->data, a->len));
                break;
        case TR_ARG_STRARR: {
                size_t pos = 0, l;
                const char *s;

                jsonw_arr_open(w);
                while (strarr_next(a, &pos, &s, &l))
                        jsonw_strn(w, s, l);
                jsonw_arr_close(w);
                break;
        }
        case TR_ARG_SOCKADDR:
                write_sockaddr(w, a);
                break;
        case TR_ARG_FDINFO:
                write_fdinfo(w, a);
                break;
        default:
                jsonw_null(w);
        }
}

bool event_arg_is_env(const EventArg *a)
{
        return a->def && a->type == TR_ARG_STRARR && (strcmp(a->def->name, "env") == 0 ||
                                                       strcmp(a->def->name, "envp") == 0);
}

void event_write_json(JsonW *w, const Event *e)
{
        event_write_json_opts(w, e, 0);
}

void event_write_json_opts(JsonW *w, const Event *e, unsigned flags)
{
        unsigned n = 0;

        /* The keys are literals written as they are (see jsonw_key_lit()): this runs for every event. */
        jsonw_obj_open(w);
        jsonw_key_lit(w, "timestamp");
        jsonw_uint(w, e->wall_ns);
        jsonw_key_lit(w, "threadStartTime");
        jsonw_uint(w, e->h.start_time);
        jsonw_key_lit(w, "processorId");
        jsonw_uint(w, e->h.cpu);
        jsonw_key_lit(w, "processId");
        jsonw_uint(w, e->h.ns_pid);
        jsonw_key_lit(w, "threadId");
        jsonw_uint(w, e->h.ns_tid);
        jsonw_key_lit(w, "parentProcessId");
        jsonw_uint(w, e->h.ns_ppid);
        jsonw_key_lit(w, "hostProcessId");
        jsonw_uint(w, e->h.pid);
        jsonw_key_lit(w, "hostThreadId");
        jsonw_uint(w, e->h.tid);
        jsonw_key_lit(w, "hostParentProcessId");
        jsonw_uint(w, e->h.ppid);
        jsonw_key_lit(w, "userId");
        jsonw_uint(w, e->h.uid);
        jsonw_key_lit(w, "groupId");
        jsonw_uint(w, e->h.gid);
        jsonw_key_lit(w, "mountNamespace");
        jsonw_uint(w, e->h.mntns);
        jsonw_key_lit(w, "pidNamespace");
        jsonw_uint(w, e->h.pidns);
        jsonw_key_lit(w, "processName");
        jsonw_strn(w, e->h.comm, strnlen(e->h.comm, sizeof(e->h.comm)));
        jsonw_key_lit(w, "executable");
        jsonw_obj_open(w);
        jsonw_key_lit(w, "path");
        jsonw_str(w, e->exe ? e->exe : "");
        jsonw_obj_close(w);
        jsonw_key_lit(w, "hostName");
        jsonw_str(w, e->hostname ? e->hostname : "");
        jsonw_key_lit(w, "containerId");
        jsonw_str(w, e->container_id ? e->container_id : "");
        jsonw_key_lit(w, "container");
        jsonw_obj_open(w);
        jsonw_key_lit(w, "id");
        jsonw_str(w, e->container_id ? e->container_id : "");
        jsonw_obj_close(w);
        jsonw_key_lit(w, "cgroupId");
        jsonw_uint(w, e->h.cgroup_id);
        jsonw_key_lit(w, "eventId");
        jsonw_uint_str(w, e->h.type);
        jsonw_key_lit(w, "eventName");
        jsonw_str(w, e->def ? e->def->name : "unknown");
        for (unsigned i = 0; i < e->nargs; i++)
                if (e->args[i].def && !((flags & EVENT_JSON_NO_ENV) && event_arg_is_env(&e->args[i])))
                        n++;
        jsonw_key_lit(w, "argsNum");
        jsonw_uint(w, n);
        jsonw_key_lit(w, "returnValue");
        jsonw_int(w, e->h.retval);
        if (e->h.flags & TR_F_ARGS_TRUNC) {
                jsonw_key_lit(w, "argsTruncated");
                jsonw_bool(w, true);
        }
        /* a 32-bit syscall, shown as the x86_64 syscall it does */
        if (e->h.flags & TR_F_COMPAT) {
                jsonw_key_lit(w, "compat");
                jsonw_bool(w, true);
        }
        jsonw_key_lit(w, "args");
        jsonw_arr_open(w);
        /* in catalogue order */
        for (unsigned d = 0; e->def && d < e->def->nargs; d++) {
                const EventArg *a = event_arg_idx(e, e->def->args[d].idx);

                if (!a || ((flags & EVENT_JSON_NO_ENV) && event_arg_is_env(a)))
                        continue;
                jsonw_obj_open(w);
                jsonw_key_lit(w, "name");
                jsonw_str(w, a->def->name);
                jsonw_key_lit(w, "type");
                jsonw_str(w, a->def->type);
                jsonw_key_lit(w, "value");
                write_arg_value(w, a);
                if (a->truncated) {
                        jsonw_key_lit(w, "truncated");
                        jsonw_bool(w, true);
                }
                jsonw_obj_close(w);
        }
        jsonw_arr_close(w);
        jsonw_obj_close(w);
}

void event_arg_to_text(const EventArg *a, char *buf, size_t n)
{
        size_t o = 0;

        if (n < 4) {
                if (n)
                        buf[0] = 0;
                return;
        }
        buf[0] = 0;
        switch (a->type) {
        case TR_ARG_INT:
                if (a->def)
                        format_value(a->def->fmt, a->i, buf, n);
                else
                        snprintf(buf, n, "%" PRId64, a->i);
                break;
        case TR_ARG_STR: {
                size_t l = strnlen((const char *) a->data, a->len);

                if (l >= n)
                        l = n - 1;
                memcpy(buf, a->data, l);
                buf[l] = 0;
                break;
        }
        case TR_ARG_STRARR: {
                size_t pos = 0, l;
                const char *s;
                bool first = true;

                buf[o++] = '[';
                while (strarr_next(a, &pos, &s, &l)) {
                        if (!first && o + 1 < n)
                                buf[o++] = ' ';
                        first = false;
                        if (l > n - 2 - o)
                                l = n - 2 - o;
                        memcpy(buf + o, s, l);
                        o += l;
                        if (o + 2 >= n)
                                break;
                }
                buf[o++] = ']';
                buf[o] = 0;
                break;
        }
        case TR_ARG_SOCKADDR: {
                SockAddr sa;

                if (sockaddr_decode(a->data, a->len, &sa) == 0) {
                        if (sa.port >= 0)
                                snprintf(buf, n, "%s:%s:%d", sa.family_name, sa.addr, sa.port);
                        else
                                snprintf(buf, n, "%s:%s", sa.family_name, sa.addr);
                }
                break;
        }
        case TR_ARG_FDINFO: {
                struct tr_fdinfo fi;
                char ra[64] = "";

                memcpy(&fi, a->data, sizeof(fi));
                if (fi.kind == TR_FD_SOCKET && fi.rport &&
                    inet_addr_to_str(fi.family, fi.raddr, ra, sizeof(ra)) == 0)
                        snprintf(buf, n, "socket peer %s:%u", ra, fi.rport);
                else
                        snprintf(buf, n, "%s", fd_kind_name(fi.kind));
                break;
        }
        }
}

void event_print_table_header(FILE *f)
{
        fprintf(f, "%-18s %-6s %-16s %-8s %-8s %-12s %-20s %s\n", "TIME", "UID", "COMM", "PID", "TID",
                "RET", "EVENT", "ARGS");
}

void event_print_table(FILE *f, const Event *e)
{
        char line[8192], val[2048], esc[4096], comm[80];
        size_t o = 0;

        str_escape_terminal(e->h.comm, strnlen(e->h.comm, sizeof(e->h.comm)), comm, sizeof(comm));
        for (unsigned d = 0; e->def && d < e->def->nargs; d++) {
                const EventArg *a = event_arg_idx(e, e->def->args[d].idx);
                int k;

                if (!a)
                        continue;
                event_arg_to_text(a, val, sizeof(val));
                str_escape_terminal(val, strlen(val), esc, sizeof(esc));
                k = snprintf(line + o, sizeof(line) - o, "%s%s: %s%s", o ? ", " : "", a->def->name, esc,
                             a->truncated ? "…" : "");
                if (k < 0 || (size_t) k >= sizeof(line) - o) {
                        o = sizeof(line) - 1;
                        break;
                }
                o += k;
        }
        line[o] = 0;
        fprintf(f, "%-18.6f %-6u %-16s %-8u %-8u %-12" PRId64 " %-20s %s\n", e->wall_ns / 1e9, e->h.uid, comm,
                e->h.pid, e->h.tid, (int64_t) e->h.retval, e->def ? e->def->name : "?", line);
}
