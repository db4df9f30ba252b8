/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See filter.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "evfmt.h"
#include "filter.h"
#include "format.h"
#include "strutil.h"

static const char *const ctx_fields[] = { "comm", "pid", "uid", "mntns", "pidns", "container", "host" };

const char *event_closest_name(const char *name)
{
        size_t n;
        const EventDef *all = catalog_all(&n);
        const char *best = NULL;
        unsigned bestd = 4;

        for (size_t i = 0; i < n; i++) {
                unsigned d = str_edit_distance(name, all[i].name, 3);

                if (d < bestd) {
                        bestd = d;
                        best = all[i].name;
                }
        }
        for (unsigned b = 1; b < (1u << 6); b <<= 1) {
                const char *s = event_set_name(b);
                unsigned d;

                if (!s)
                        continue;
                d = str_edit_distance(name, s, 3);
                if (d < bestd) {
                        bestd = d;
                        best = s;
                }
        }
        return best;
}

static const char *closest_field(const char *name)
{
        const char *best = NULL;
        unsigned bestd = 3;

        for (size_t i = 0; i < sizeof(ctx_fields) / sizeof(ctx_fields[0]); i++) {
                unsigned d = str_edit_distance(name, ctx_fields[i], 2);

                if (d < bestd) {
                        bestd = d;
                        best = ctx_fields[i];
                }
        }
        return best;
}

static int parse_u32(const char *s, uint32_t *ret)
{
        char *end;
        unsigned long long v;

        if (!*s || *s == '-')
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno || *end || v > UINT32_MAX)
                return -EINVAL;
        *ret = (uint32_t) v;
        return 0;
}

/* Splits a comma list into the values of a numeric context filter. */
static int parse_u32_list(const char *expr, const char *field, const char *list, uint32_t *out, unsigned *n,
                          unsigned max, char *err, size_t errsz)
{
        char buf[1024], *save = NULL, *tok;
        unsigned start = *n;

        if (strlen(list) >= sizeof(buf) || !*list) {
                snprintf(err, errsz, "filter '%.64s': %s needs a value", expr, field);
                return -EINVAL;
        }
        strcpy(buf, list);
        for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                if (*n >= max) {
                        snprintf(err, errsz, "filter '%.64s': too many values for %s (at most %u)", expr, field, max);
                        return -EINVAL;
                }
                if (parse_u32(tok, &out[*n]) < 0) {
                        snprintf(err, errsz, "filter '%.64s': '%s' is not a valid %s (a non-negative integer)",
                                 expr, tok, field);
                        return -EINVAL;
                }
                (*n)++;
        }
        if (*n == start) {      /* only commas: an empty set would silently match nothing */
                snprintf(err, errsz, "filter '%.64s': %s needs a value", expr, field);
                return -EINVAL;
        }
        return 0;
}

static int set_neg(KernelFilter *k, uint32_t on, uint32_t neg, bool negated, const char *expr, char *err,
                   size_t errsz)
{
        if ((k->flags & on) && !!(k->flags & neg) != negated) {
                snprintf(err, errsz, "filter '%.64s': cannot mix = and != for the same field", expr);
                return -EINVAL;
        }
        k->flags |= on | (negated ? neg : 0);
        return 0;
}

static int parse_arg_filter(TraceFilter *f, const char *expr, const char *lhs, ArgOp op, const char *rhs,
                            char *err, size_t errsz)
{
        char ev[64], *dot;
        const EventDef *e;
        ArgFilter *af;
        char buf[ARGFILTER_VALUE_LEN * ARGFILTER_VALUES], *save = NULL, *tok;

        if (strlen(lhs) >= sizeof(ev)) {
                snprintf(err, errsz, "filter '%.64s': '%s' is too long", expr, lhs);
                return -EINVAL;
        }
        strcpy(ev, lhs);
        dot = strchr(ev, '.');
        *dot = 0;
        e = catalog_by_name(ev);
        if (!e) {
                const char *c = event_closest_name(ev);

                snprintf(err, errsz, "filter '%.64s': unknown event '%s'%s%s%s", expr, ev, c ? " (did you mean '" : "",
                         c ? c : "", c ? "'?)" : "");
                return -EINVAL;
        }
        if (f->n_args >= ARGFILTER_MAX) {
                snprintf(err, errsz, "filter '%.64s': too many argument filters (at most %d)", expr, ARGFILTER_MAX);
                return -EINVAL;
        }
        af = &f->args[f->n_args];
        memset(af, 0, sizeof(*af));
        af->event_id = e->id;
        af->op = op;
        if (strcmp(dot + 1, "retval") == 0)
                af->arg_pos = -1;
        else {
                af->arg_pos = catalog_arg_position(e, dot + 1);
                if (af->arg_pos < 0) {
                        size_t o = snprintf(err, errsz, "filter '%.64s': event %s has no argument '%s'; it has: retval",
                                            expr, e->name, dot + 1);
                        for (unsigned i = 0; i < e->nargs && o < errsz; i++)
                                o += snprintf(err + o, errsz - o, ", %s", e->args[i].name);
                        return -EINVAL;
                }
                if (op == ARGOP_LT || op == ARGOP_GT) {
                        snprintf(err, errsz, "filter '%.64s': < and > work only on retval", expr);
                        return -EINVAL;
                }
        }
        if (!*rhs || strlen(rhs) >= sizeof(buf)) {
                snprintf(err, errsz, "filter '%.64s': a value is needed after the operator", expr);
                return -EINVAL;
        }
        strcpy(buf, rhs);
        for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                if (af->n_values >= ARGFILTER_VALUES || strlen(tok) >= ARGFILTER_VALUE_LEN) {
                        snprintf(err, errsz, "filter '%.64s': at most %d values of at most %d bytes", expr,
                                 ARGFILTER_VALUES, ARGFILTER_VALUE_LEN - 1);
                        return -EINVAL;
                }
                if (af->arg_pos < 0) {
                        char *end;

                        errno = 0;
                        (void) strtoll(tok, &end, 10);
                        if (errno || *end || end == tok) {
                                snprintf(err, errsz, "filter '%.64s': retval takes an integer, not '%s'", expr, tok);
                                return -EINVAL;
                        }
                }
                strcpy(af->values[af->n_values++], tok);
        }
        if (af->n_values == 0) {
                snprintf(err, errsz, "filter '%.64s': a value is needed after the operator", expr);
                return -EINVAL;
        }
        f->n_args++;
        return 0;
}

int filter_parse(TraceFilter *f, const char *expr, char *err, size_t errsz)
{
        KernelFilter *k = &f->k;
        char lhs[128];
        const char *op, *rhs;
        size_t l;
        bool negated = false;
        ArgOp aop = ARGOP_EQ;

        if (strcmp(expr, "container") == 0 || strcmp(expr, "!host") == 0) {
                if (k->flags & TR_FILT_HOST)
                        goto both;
                k->flags |= TR_FILT_CONTAINER;
                return 0;
        }
        if (strcmp(expr, "host") == 0 || strcmp(expr, "!container") == 0) {
                if (k->flags & TR_FILT_CONTAINER)
                        goto both;
                k->flags |= TR_FILT_HOST;
                return 0;
        }
        op = strpbrk(expr, "!=<>");
        if (!op || op == expr) {
                const char *c = closest_field(expr);

                snprintf(err, errsz, "filter '%.64s': expected FIELD=VALUE, container or host%s%s%s", expr,
                         c ? " (did you mean '" : "", c ? c : "", c ? "'?)" : "");
                return -EINVAL;
        }
        l = op - expr;
        if (l >= sizeof(lhs)) {
                snprintf(err, errsz, "filter '%.64s': field name too long", expr);
                return -EINVAL;
        }
        memcpy(lhs, expr, l);
        lhs[l] = 0;
        if (op[0] == '!' && op[1] == '=') {
                negated = true;
                aop = ARGOP_NE;
                rhs = op + 2;
        } else if (op[0] == '=') {
                rhs = op + 1;
        } else if (op[0] == '<' || op[0] == '>') {
                aop = op[0] == '<' ? ARGOP_LT : ARGOP_GT;
                rhs = op + 1;
        } else {
                snprintf(err, errsz, "filter '%.64s': bad operator at '%s' (use =, !=, < or >)", expr, op);
                return -EINVAL;
        }

        if (strchr(lhs, '.'))
                return parse_arg_filter(f, expr, lhs, aop, rhs, err, errsz);
        if (aop == ARGOP_LT || aop == ARGOP_GT) {
                snprintf(err, errsz, "filter '%.64s': < and > work only on EVENT.retval", expr);
                return -EINVAL;
        }
        if (strcmp(lhs, "pid") == 0) {
                if (set_neg(k, TR_FILT_PID, TR_FILT_NOT_PID, negated, expr, err, errsz) < 0)
                        return -EINVAL;
                return parse_u32_list(expr, "pid", rhs, k->pids, &k->n_pids, 64, err, errsz);
        }
        if (strcmp(lhs, "uid") == 0) {
                if (set_neg(k, TR_FILT_UID, TR_FILT_NOT_UID, negated, expr, err, errsz) < 0)
                        return -EINVAL;
                return parse_u32_list(expr, "uid", rhs, k->uids, &k->n_uids, 64, err, errsz);
        }
        if (strcmp(lhs, "mntns") == 0) {
                if (set_neg(k, TR_FILT_MNTNS, TR_FILT_NOT_MNTNS, negated, expr, err, errsz) < 0)
                        return -EINVAL;
                return parse_u32_list(expr, "mntns", rhs, k->mntns, &k->n_mntns, 64, err, errsz);
        }
        if (strcmp(lhs, "pidns") == 0) {
                if (set_neg(k, TR_FILT_PIDNS, TR_FILT_NOT_PIDNS, negated, expr, err, errsz) < 0)
                        return -EINVAL;
                return parse_u32_list(expr, "pidns", rhs, k->pidns, &k->n_pidns, 64, err, errsz);
        }
        if (strcmp(lhs, "comm") == 0) {
                char buf[1024], *save = NULL, *tok;

                if (set_neg(k, TR_FILT_COMM, TR_FILT_NOT_COMM, negated, expr, err, errsz) < 0)
                        return -EINVAL;
                if (!*rhs || strlen(rhs) >= sizeof(buf)) {
                        snprintf(err, errsz, "filter '%.64s': comm needs a value", expr);
                        return -EINVAL;
                }
                strcpy(buf, rhs);
                if (!rhs[strspn(rhs, ",")]) {
                        snprintf(err, errsz, "filter '%.64s': comm needs a value", expr);
                        return -EINVAL;
                }
                for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                        if (k->n_comms >= 64) {
                                snprintf(err, errsz, "filter '%.64s': too many comm values (at most 64)", expr);
                                return -EINVAL;
                        }
                        if (strlen(tok) >= TR_COMM_LEN) {
                                snprintf(err, errsz, "filter '%.64s': comm '%s' is longer than the kernel's "
                                         "15 characters; give its first 15", expr, tok);
                                return -EINVAL;
                        }
                        memset(k->comms[k->n_comms], 0, TR_COMM_LEN);
                        memcpy(k->comms[k->n_comms], tok, strlen(tok));
                        k->n_comms++;
                }
                return 0;
        }
        {
                const char *c = closest_field(lhs);

                snprintf(err, errsz, "filter '%.64s': unknown field '%s'%s%s%s (fields: comm, pid, uid, mntns, pidns, "
                         "container, host, EVENT.ARG)", expr, lhs, c ? " (did you mean '" : "", c ? c : "",
                         c ? "'?)" : "");
        }
        return -EINVAL;
both:
        snprintf(err, errsz, "filter '%.64s': container and host together match nothing", expr);
        return -EINVAL;
}

int events_parse(const char *list, bool *want, char *err, size_t errsz)
{
        char buf[4096], *save = NULL, *tok;
        size_t n;
        const EventDef *all = catalog_all(&n);

        if (!list || !*list) {
                snprintf(err, errsz, "--events needs a list of event or set names");
                return -EINVAL;
        }
        if (strlen(list) >= sizeof(buf)) {
                snprintf(err, errsz, "--events list too long");
                return -EINVAL;
        }
        strcpy(buf, list);
        for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                const EventDef *e;
                unsigned set;

                if (strcmp(tok, "all") == 0 || strcmp(tok, "*") == 0) {
                        for (size_t i = 0; i < n; i++)
                                want[all[i].id] = true;
                        continue;
                }
                e = catalog_by_name(tok);
                if (e) {
                        want[e->id] = true;
                        continue;
                }
                set = event_set_from_name(tok);
                if (set) {
                        for (size_t i = 0; i < n; i++)
                                if (all[i].sets & set)
                                        want[all[i].id] = true;
                        continue;
                }
                {
                        const char *c = event_closest_name(tok);

                        snprintf(err, errsz, "unknown event '%s'%s%s%s; see 'tracee trace --list-events'", tok,
                                 c ? " (did you mean '" : "", c ? c : "", c ? "'?)" : "");
                }
                return -EINVAL;
        }
        return 0;
}

static bool value_match(const char *pattern, const char *s)
{
        return glob_match(pattern, s);
}

static bool one_arg_match(const ArgFilter *af, const Event *e)
{
        bool any = false;

        if (af->arg_pos < 0) {
                for (unsigned i = 0; i < af->n_values; i++) {
                        long long v = strtoll(af->values[i], NULL, 10);

                        switch (af->op) {
                        case ARGOP_EQ:
                                any = any || e->h.retval == v;
                                break;
                        case ARGOP_NE:
                                if (e->h.retval == v)
                                        return false;
                                any = true;
                                break;
                        case ARGOP_LT:
                                any = any || e->h.retval < v;
                                break;
                        case ARGOP_GT:
                                any = any || e->h.retval > v;
                                break;
                        }
                }
                return any;
        } else {
                const ArgDef *d = &e->def->args[af->arg_pos];
                const EventArg *a = event_arg_idx(e, d->idx);
                char text[1024];

                if (!a)
                        return af->op == ARGOP_NE;
                event_arg_to_text(a, text, sizeof(text));
                for (unsigned i = 0; i < af->n_values; i++) {
                        bool m = value_match(af->values[i], text);

                        if (!m && a->type == TR_ARG_INT) {
                                char *end;
                                long long v = strtoll(af->values[i], &end, 0);

                                m = *end == 0 && end != af->values[i] && v == a->i;
                        }
                        if (m)
                                return af->op == ARGOP_EQ;
                }
                return af->op == ARGOP_NE;
        }
}

bool filter_match_args(const TraceFilter *f, const Event *e)
{
        for (unsigned i = 0; i < f->n_args; i++)
                if (f->args[i].event_id == e->h.type && !one_arg_match(&f->args[i], e))
                        return false;
        return true;
}
