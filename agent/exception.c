/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Combined exceptions; see exception.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "exception.h"
#include "strutil.h"

static int fail(char *err, size_t errsz, const char *fmt, ...)
{
        va_list ap;

        if (errsz > 0) {
                va_start(ap, fmt);
                vsnprintf(err, errsz, fmt, ap);
                va_end(ap);
        }
        return -EINVAL;
}

static bool is_blank(char c)
{
        return c == ' ' || c == '\t';
}

/* Copies a value without its escaping backslashes into dst (n bytes); false if it does not fit. */
static bool unescape(const char *v, char *dst, size_t n)
{
        size_t o = 0;

        for (size_t i = 0; v[i]; i++) {
                if (v[i] == '\\' && v[i + 1])
                        i++;
                if (o + 1 >= n)
                        return false;
                dst[o++] = v[i];
        }
        dst[o] = 0;
        return true;
}

static bool parse_uid(const char *v, uint32_t *ret)
{
        char *end;
        unsigned long long x;

        if (*v < '0' || *v > '9')
                return false;
        errno = 0;
        x = strtoull(v, &end, 10);
        if (errno || *end || x >= UINT32_MAX)   /* (uid_t) -1 is no one */
                return false;
        *ret = (uint32_t) x;
        return true;
}

static const struct {
        const char *name;
        ExceptionCond cond;
} cond_names[] = {
        { "event", EXC_EVENT },
        { "exe", EXC_EXE },
        { "exec_by", EXC_EXEC_BY },
        { "parent", EXC_PARENT_INIT },
        { "parent_uid", EXC_PARENT_UID },
        { "comm", EXC_COMM },
        { "uid", EXC_UID },
        { "container", EXC_CONTAINER },
};

#define EXPECTED "exe=, exec_by=, parent=init, parent_uid=, comm=, uid=, container= or event="

/* One NAME=VALUE word (value still escaped) into x. */
static int parse_word(char *word, Exception *x, char *err, size_t errsz)
{
        char *v = strchr(word, '=');
        ExceptionCond cond = 0;
        const EventDef *d;

        if (v) {
                *v++ = 0;
                for (size_t i = 0; i < sizeof(cond_names) / sizeof(cond_names[0]); i++)
                        if (strcmp(word, cond_names[i].name) == 0)
                                cond = cond_names[i].cond;
        }
        if (!cond) {
                if (v)
                        v[-1] = '=';
                return fail(err, errsz, "unknown condition '%.60s' (expected %s)", word, EXPECTED);
        }
        if (x->conds & cond)
                return fail(err, errsz, "%s= is given twice (every condition must hold at once: write "
                            "another exception for an alternative)", word);
        if (!*v)
                return fail(err, errsz, "%s= has no value", word);

        switch (cond) {
        case EXC_EXE:
        case EXC_EXEC_BY: {
                char *dst = cond == EXC_EXE ? x->exe : x->exec_by;

                if (strlen(v) >= EXCEPTION_PATH_MAX)
                        return fail(err, errsz, "%s=%.40s... is too long (at most %d bytes)", word, v,
                                    EXCEPTION_PATH_MAX - 1);
                strcpy(dst, v);         /* a glob keeps its backslashes */
                break;
        }
        case EXC_PARENT_INIT:
                if (strcmp(v, "init") != 0)
                        return fail(err, errsz, "parent=%.60s: expected parent=init", v);
                break;
        case EXC_COMM:
                if (!unescape(v, x->comm, sizeof(x->comm)))
                        return fail(err, errsz, "comm=%.60s: expected a process name of at most 15 bytes", v);
                break;
        case EXC_UID:
        case EXC_PARENT_UID:
                if (!parse_uid(v, cond == EXC_UID ? &x->uid : &x->parent_uid))
                        return fail(err, errsz, "%s=%.60s: expected a numeric user ID", word, v);
                break;
        case EXC_CONTAINER:
                if (!unescape(v, x->container, sizeof(x->container)))
                        return fail(err, errsz, "container=%.70s: expected a container ID of at most 64 bytes", v);
                break;
        case EXC_EVENT: {
                char whole[EXCEPTION_TEXT_MAX];

                snprintf(whole, sizeof(whole), "%s", v);
                for (char *name = v, *next; name; name = next) {
                        next = strchr(name, ',');
                        if (next)
                                *next++ = 0;
                        d = *name ? catalog_by_name(name) : NULL;
                        if (!d)
                                return fail(err, errsz, "event=%.60s: no event named '%.40s' (tracee trace "
                                            "--list-events lists them)", whole, name);
                        if (x->n_events >= EXCEPTION_EVENTS_MAX)
                                return fail(err, errsz, "event= names more than %d events", EXCEPTION_EVENTS_MAX);
                        x->events[x->n_events++] = (uint16_t) d->id;
                }
                break;
        }
        }
        x->conds |= cond;
        return 0;
}

int exception_parse(const char *text, Exception *ret, char *err, size_t errsz)
{
        Exception x = {};
        const char *p = text;
        int r;

        if (errsz > 0)
                err[0] = 0;
        for (;;) {
                char word[EXCEPTION_TEXT_MAX];
                size_t n = 0;

                while (is_blank(*p))
                        p++;
                if (!*p)
                        break;
                while (*p && !is_blank(*p)) {
                        size_t k = p[0] == '\\' && p[1] ? 2 : 1;

                        if (p[0] == '\\' && !p[1])
                                return fail(err, errsz, "a backslash at the end escapes nothing (write \\\\ for "
                                            "a backslash)");

                        if (n + k >= sizeof(word))
                                return fail(err, errsz, "a condition is longer than %zu bytes", sizeof(word) - 1);
                        memcpy(word + n, p, k);
                        n += k;
                        p += k;
                }
                word[n] = 0;
                r = parse_word(word, &x, err, errsz);
                if (r < 0)
                        return r;
        }
        if (!x.conds)
                return fail(err, errsz, "no condition (expected %s, separated by blanks)", EXPECTED);
        *ret = x;
        return 0;
}

bool exception_path_matches(const char *glob, const char *path, uint8_t flags, bool need_trusted)
{
        if (!path || !*path || (flags & PATH_F_TRUNCATED))
                return false;
        if (need_trusted && !(flags & PATH_F_TRUSTED_NS))
                return false;
        return path_glob_match(glob, path);
}

bool exception_matches(const Exception *x, const Event *ev)
{
        if (!x->conds)
                return false;
        if (x->conds & EXC_EVENT) {
                bool any = false;

                for (unsigned i = 0; i < x->n_events; i++)
                        any = any || ev->h.type == x->events[i];
                if (!any)
                        return false;
        }
        if ((x->conds & EXC_EXE) && !exception_path_matches(x->exe, ev->exe, ev->exe_flags, false))
                return false;
        if ((x->conds & EXC_EXEC_BY) && !exception_path_matches(x->exec_by, ev->exec_by, ev->exec_by_flags, true))
                return false;
        /* ns_ppid alone is not enough: an orphan is adopted by init, so the fork itself must have been
         * init's */
        if ((x->conds & EXC_PARENT_INIT) && !(ev->h.ns_ppid == 1 && (ev->proc_flags & PROC_F_FORKED_BY_INIT)))
                return false;
        /* the uid of the process that forked it, as it was then: not the adopting init's */
        if ((x->conds & EXC_PARENT_UID) && !((ev->proc_flags & PROC_F_FORK_SEEN) && ev->fork_uid == x->parent_uid))
                return false;
        if ((x->conds & EXC_COMM) && strncmp(x->comm, ev->h.comm, TR_COMM_LEN) != 0)
                return false;
        if ((x->conds & EXC_UID) && ev->h.uid != x->uid)
                return false;
        if ((x->conds & EXC_CONTAINER) && (!ev->container_id || strcmp(x->container, ev->container_id) != 0))
                return false;
        return true;
}

bool exception_equal(const Exception *a, const Exception *b)
{
        uint32_t c = a->conds;

        return a->conds == b->conds && (!(c & EXC_UID) || a->uid == b->uid) &&
               (!(c & EXC_PARENT_UID) || a->parent_uid == b->parent_uid) &&
               (!(c & EXC_EVENT) || (a->n_events == b->n_events &&
                                     memcmp(a->events, b->events, a->n_events * sizeof(a->events[0])) == 0)) &&
               (!(c & EXC_EXE) || strcmp(a->exe, b->exe) == 0) &&
               (!(c & EXC_EXEC_BY) || strcmp(a->exec_by, b->exec_by) == 0) &&
               (!(c & EXC_COMM) || strcmp(a->comm, b->comm) == 0) &&
               (!(c & EXC_CONTAINER) || strcmp(a->container, b->container) == 0);
}

/* Appends s with blanks and backslashes escaped (escape) or as it is. */
static void put(char *buf, size_t n, size_t *o, const char *s, bool escape)
{
        for (size_t i = 0; s[i] && *o + 1 < n; i++) {
                if (escape && (is_blank(s[i]) || s[i] == '\\')) {
                        if (*o + 2 >= n)
                                break;
                        buf[(*o)++] = '\\';
                }
                buf[(*o)++] = s[i];
        }
        buf[*o] = 0;
}

char *exception_to_string(const Exception *x, char *buf, size_t n)
{
        size_t o = 0;

        if (n == 0)
                return buf;
        buf[0] = 0;
        for (size_t i = 0; i < sizeof(cond_names) / sizeof(cond_names[0]); i++) {
                ExceptionCond c = cond_names[i].cond;
                char num[16];
                const EventDef *d;

                if (!(x->conds & c))
                        continue;
                if (o > 0)
                        put(buf, n, &o, " ", false);
                put(buf, n, &o, cond_names[i].name, false);
                put(buf, n, &o, "=", false);
                switch (c) {
                case EXC_EXE:
                        put(buf, n, &o, x->exe, false);
                        break;
                case EXC_EXEC_BY:
                        put(buf, n, &o, x->exec_by, false);
                        break;
                case EXC_PARENT_INIT:
                        put(buf, n, &o, "init", false);
                        break;
                case EXC_COMM:
                        put(buf, n, &o, x->comm, true);
                        break;
                case EXC_UID:
                case EXC_PARENT_UID:
                        snprintf(num, sizeof(num), "%u", c == EXC_UID ? x->uid : x->parent_uid);
                        put(buf, n, &o, num, false);
                        break;
                case EXC_CONTAINER:
                        put(buf, n, &o, x->container, true);
                        break;
                case EXC_EVENT:
                        for (unsigned k = 0; k < x->n_events; k++) {
                                d = catalog_by_id(x->events[k]);
                                if (k > 0)
                                        put(buf, n, &o, ",", false);
                                put(buf, n, &o, d ? d->name : "?", false);
                        }
                        break;
                }
        }
        return buf;
}
