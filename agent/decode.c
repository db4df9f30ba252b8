/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Record decoder; see decode.h and the wire format drawn in bpf/events.h.
 */
#include <errno.h>
#include <string.h>

#include "decode.h"

/*
 * Syscall arguments arrive as whole registers; a 32-bit C type only owns the low half (an int fd of
 * -1 comes as 0x00000000ffffffff). Give the value the width and signedness of its C type.
 */
enum { INT_WIDE, INT_S32, INT_U32 };

static int int_class(const char *t)
{
        if (strcmp(t, "int") == 0 || strcmp(t, "pid_t") == 0)
                return INT_S32;
        if (strcmp(t, "unsigned int") == 0 || strcmp(t, "uid_t") == 0 || strcmp(t, "gid_t") == 0 ||
            strcmp(t, "mode_t") == 0 || strcmp(t, "umode_t") == 0)
                return INT_U32;
        return INT_WIDE;
}

static int64_t arg_int_normalize(const ArgDef *d, int64_t v)
{
        /* The catalogue's type strings are a handful of literals: remember each one's class by its
         * address rather than comparing strings for every argument of every event. */
        static struct {
                const char *type;
                int cls;
        } seen[32];
        static unsigned n_seen;
        int cls = -1;

        for (unsigned i = 0; i < n_seen; i++)
                if (seen[i].type == d->type) {
                        cls = seen[i].cls;
                        break;
                }
        if (cls < 0) {
                cls = int_class(d->type);
                if (n_seen < sizeof(seen) / sizeof(seen[0]))
                        seen[n_seen++] = (typeof(seen[0])) { d->type, cls };
        }
        return cls == INT_S32 ? (int32_t) (uint32_t) v : cls == INT_U32 ? (int64_t) (uint32_t) v : v;
}

int event_decode(const void *rec, size_t len, Event *ret)
{
        const uint8_t *p = rec;
        size_t off;

        memset(ret, 0, offsetof(Event, args));
        ret->wall_ns = 0;
        ret->exe = ret->exec_by = ret->container_id = ret->hostname = NULL;
        ret->exe_flags = ret->exec_by_flags = 0;
        ret->proc_flags = 0;
        ret->fork_uid = 0;
        if (!rec || len < sizeof(struct tr_event_hdr))
                return -EBADMSG;
        memcpy(&ret->h, p, sizeof(ret->h));
        /* the kernel side outputs exactly hdr.size bytes: any other length is a broken record */
        if (ret->h.size < sizeof(struct tr_event_hdr) || ret->h.size != len)
                return -EBADMSG;
        ret->h.comm[TR_COMM_LEN - 1] = 0;
        ret->def = catalog_by_id(ret->h.type);

        off = sizeof(struct tr_event_hdr);
        for (unsigned n = 0; n < ret->h.nargs; n++) {
                struct tr_arg a;
                EventArg *ea;

                if (len - off < sizeof(a))
                        return -EBADMSG;
                memcpy(&a, p + off, sizeof(a));
                off += sizeof(a);
                if (a.len > len - off)
                        return -EBADMSG;
                if (ret->nargs >= EVENT_MAX_ARGS)
                        return -EBADMSG;
                ea = &ret->args[ret->nargs++];
                ea->idx = a.idx;
                ea->type = a.type & TR_ARG_TYPE_MASK;
                ea->truncated = a.type & TR_ARG_F_TRUNC;
                ea->len = a.len;
                ea->data = p + off;
                ea->i = 0;
                ea->def = ret->def ? catalog_arg(ret->def, a.idx) : NULL;
                switch (ea->type) {
                case TR_ARG_INT:
                        if (a.len != sizeof(int64_t))
                                return -EBADMSG;
                        memcpy(&ea->i, p + off, sizeof(int64_t));
                        break;
                case TR_ARG_FDINFO:
                        if (a.len != sizeof(struct tr_fdinfo))
                                return -EBADMSG;
                        break;
                case TR_ARG_STR:
                case TR_ARG_STRARR:
                case TR_ARG_SOCKADDR:
                case TR_ARG_BYTES:
                        break;
                default:
                        return -EBADMSG;
                }
                /* An argument whose kind disagrees with the catalogue is not trusted by name. */
                if (ea->def) {
                        static const uint8_t want[] = {
                                [ARGK_INT] = TR_ARG_INT, [ARGK_STR] = TR_ARG_STR,
                                [ARGK_STRARR] = TR_ARG_STRARR, [ARGK_SOCKADDR] = TR_ARG_SOCKADDR,
                                [ARGK_FDINFO] = TR_ARG_FDINFO,
                        };
                        if (want[ea->def->kind] != ea->type)
                                ea->def = NULL;
                }
                if (ea->def && ea->type == TR_ARG_INT)
                        ea->i = arg_int_normalize(ea->def, ea->i);
                off += a.len;
        }
        return ret->def ? 0 : -ENOENT;
}

const EventArg *event_arg_idx(const Event *e, uint8_t idx)
{
        for (unsigned i = 0; i < e->nargs; i++)
                if (e->args[i].def && e->args[i].idx == idx)
                        return &e->args[i];
        return NULL;
}

const EventArg *event_arg(const Event *e, const char *name)
{
        for (unsigned i = 0; i < e->nargs; i++)
                if (e->args[i].def && strcmp(e->args[i].def->name, name) == 0)
                        return &e->args[i];
        return NULL;
}

bool event_arg_int(const Event *e, const char *name, int64_t *ret)
{
        const EventArg *a = event_arg(e, name);

        if (!a || a->type != TR_ARG_INT)
                return false;
        *ret = a->i;
        return true;
}

bool event_arg_str(const Event *e, const char *name, char *buf, size_t n)
{
        const EventArg *a = event_arg(e, name);
        size_t l;

        if (!a || a->type != TR_ARG_STR || n == 0)
                return false;
        l = a->len < n - 1 ? a->len : n - 1;
        memcpy(buf, a->data, l);
        buf[l] = 0;
        /* A string argument never holds a NUL: cut at one if the record has it. */
        l = strnlen(buf, l);
        buf[l] = 0;
        return true;
}

bool strarr_next(const EventArg *a, size_t *pos, const char **ret_s, size_t *ret_len)
{
        const char *start, *nul;
        size_t left;

        if (!a || a->type != TR_ARG_STRARR || *pos >= a->len)
                return false;
        start = (const char *) a->data + *pos;
        left = a->len - *pos;
        nul = memchr(start, 0, left);
        *ret_s = start;
        *ret_len = nul ? (size_t) (nul - start) : left;
        *pos += *ret_len + (nul ? 1 : 0);
        return true;
}
