/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The detection engine; see engine.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "engine.h"
#include "strutil.h"

/* Dispatch lists: for each event id, the indexes of the enabled rules that need it. */
#define MAX_RULES 32

struct Engine {
        RuleState *rules;
        size_t nrules;
        uint8_t dispatch[TR_MAX_EVENT_ID][MAX_RULES];
        uint8_t ndispatch[TR_MAX_EVENT_ID];
        ProcTable *procs;
        RuleOptions opts;
        finding_fn fn;
        void *userdata;
        Finding scratch;
};

static const char *const severity_names[_SEVERITY_MAX] = {
        [SEVERITY_INFO] = "info",
        [SEVERITY_LOW] = "low",
        [SEVERITY_MEDIUM] = "medium",
        [SEVERITY_HIGH] = "high",
        [SEVERITY_CRITICAL] = "critical",
};

const char *severity_to_string(Severity s)
{
        return s >= 0 && s < _SEVERITY_MAX ? severity_names[s] : NULL;
}

Severity severity_from_string(const char *s)
{
        for (int i = 0; i < _SEVERITY_MAX; i++)
                if (strcmp(severity_names[i], s) == 0)
                        return i;
        return _SEVERITY_INVALID;
}

void finding_add_strn(Finding *f, const char *key, const char *s, size_t n)
{
        FindingData *d;

        if (f->ndata >= FINDING_MAX_DATA)
                return;
        d = &f->data[f->ndata++];
        d->key = key;
        d->kind = DATA_STR;
        if (n >= sizeof(d->s))
                n = sizeof(d->s) - 1;
        memcpy(d->s, s, n);
        d->s[n] = 0;
}

void finding_add_str(Finding *f, const char *key, const char *s)
{
        finding_add_strn(f, key, s, strlen(s));
}

void finding_add_int(Finding *f, const char *key, int64_t v)
{
        FindingData *d;

        if (f->ndata >= FINDING_MAX_DATA)
                return;
        d = &f->data[f->ndata++];
        d->key = key;
        d->kind = DATA_INT;
        d->i = v;
        d->s[0] = 0;
}

const Rule *rule_by_id(const char *id)
{
        size_t n;
        const Rule *const *all = rules_all(&n);

        for (size_t i = 0; i < n; i++)
                if (strcasecmp(all[i]->id, id) == 0)
                        return all[i];
        return NULL;
}

const char *rule_closest_id(const char *id)
{
        size_t n;
        const Rule *const *all = rules_all(&n);
        const char *best = NULL;
        unsigned bestd = 3;

        for (size_t i = 0; i < n; i++) {
                unsigned d = str_edit_distance(id, all[i]->id, 2);

                if (d < bestd) {
                        bestd = d;
                        best = all[i]->id;
                }
        }
        return best;
}

static void rebuild_dispatch(Engine *e)
{
        memset(e->ndispatch, 0, sizeof(e->ndispatch));
        for (size_t r = 0; r < e->nrules; r++) {
                const Rule *rule = e->rules[r].rule;

                if (!e->rules[r].enabled)
                        continue;
                for (unsigned k = 0; k < rule->nneeds; k++) {
                        const EventDef *d = catalog_by_name(rule->needs[k].event);
                        bool dup = false;

                        if (!d)
                                continue;
                        for (unsigned j = 0; j < e->ndispatch[d->id]; j++)
                                dup = dup || e->dispatch[d->id][j] == r;
                        if (!dup && e->ndispatch[d->id] < MAX_RULES)
                                e->dispatch[d->id][e->ndispatch[d->id]++] = (uint8_t) r;
                }
        }
}

int engine_new(finding_fn fn, void *userdata, Engine **ret)
{
        size_t n;
        const Rule *const *all = rules_all(&n);
        Engine *e;

        if (n > MAX_RULES)
                return -E2BIG;
        e = calloc(1, sizeof(*e));
        if (!e)
                return -ENOMEM;
        e->rules = calloc(n, sizeof(RuleState));
        if (!e->rules) {
                free(e);
                return -ENOMEM;
        }
        e->nrules = n;
        for (size_t i = 0; i < n; i++) {
                RuleState *s = &e->rules[i];

                s->rule = all[i];
                s->enabled = true;
                s->available = true;
                s->defaults_enabled = true;
                for (unsigned k = 0; k < RULE_MAX_DEFAULT_EXCEPTIONS && all[i]->default_exceptions[k]; k++) {
                        char err[256];

                        /* a rule's own text: a failure here is a bug the unit tests catch */
                        if (exception_parse(all[i]->default_exceptions[k], &s->defaults[k], err, sizeof(err)) < 0) {
                                free(e->rules);
                                free(e);
                                return -EINVAL;
                        }
                        s->n_defaults++;
                }
        }
        e->fn = fn;
        e->userdata = userdata;
        rebuild_dispatch(e);
        *ret = e;
        return 0;
}

Engine *engine_free(Engine *e)
{
        if (!e)
                return NULL;
        free(e->rules);
        free(e);
        return NULL;
}

void engine_set_proctable(Engine *e, ProcTable *t)
{
        e->procs = t;
}

void engine_set_options(Engine *e, const RuleOptions *o)
{
        e->opts = *o;
}

RuleState *engine_rule(Engine *e, const char *id)
{
        for (size_t i = 0; i < e->nrules; i++)
                if (strcasecmp(e->rules[i].rule->id, id) == 0)
                        return &e->rules[i];
        return NULL;
}

RuleState *engine_rules(Engine *e, size_t *ret_n)
{
        *ret_n = e->nrules;
        return e->rules;
}

int engine_set_enabled(Engine *e, const char *id, bool enabled)
{
        RuleState *s = engine_rule(e, id);

        if (!s)
                return -ENOENT;
        s->enabled = enabled;
        rebuild_dispatch(e);
        return 0;
}

void engine_set_all_enabled(Engine *e, bool enabled)
{
        for (size_t i = 0; i < e->nrules; i++)
                e->rules[i].enabled = enabled;
        rebuild_dispatch(e);
}

static bool term_equal(const struct tr_term *a, const struct tr_term *b)
{
        return a->field == b->field && a->op == b->op && a->flags == b->flags && a->mask == b->mask &&
               a->value == b->value;
}

/* The length of the group of terms starting at t[i] (up to and including the first term without
 * TR_TERM_AND). */
static unsigned group_len(const struct tr_term *t, unsigned i, unsigned n)
{
        unsigned k = i;

        while (k < n && (t[k].flags & TR_TERM_AND))
                k++;
        return k < n ? k - i + 1 : n - i;
}

/* Is the group g (len terms) already in cfg, as a group of its own? */
static bool has_group(const struct tr_evcfg *cfg, const struct tr_term *g, unsigned len)
{
        for (unsigned i = 0; i < cfg->nterms; ) {
                unsigned l = group_len(cfg->terms, i, cfg->nterms);
                bool same = l == len;

                for (unsigned j = 0; same && j < len; j++)
                        same = term_equal(&cfg->terms[i + j], &g[j]);
                if (same)
                        return true;
                i += l;
        }
        return false;
}

void engine_wants(Engine *e, EventWant *wants, bool *ret_exec_env)
{
        /* all_instances[id]: some rule wants every instance, so no predicate may narrow it */
        bool all_instances[TR_MAX_EVENT_ID] = {};
        bool exec_env = false;

        memset(wants, 0, sizeof(EventWant) * TR_MAX_EVENT_ID);
        for (size_t r = 0; r < e->nrules; r++) {
                const Rule *rule = e->rules[r].rule;

                if (!e->rules[r].enabled)
                        continue;
                exec_env = exec_env || rule->needs_exec_env;
                for (unsigned k = 0; k < rule->nneeds; k++) {
                        const RuleNeed *need = &rule->needs[k];
                        const EventDef *d = catalog_by_name(need->event);
                        EventWant *w;

                        if (!d)
                                continue;
                        w = &wants[d->id];
                        w->on = true;
                        if (need->nterms == 0)
                                all_instances[d->id] = true;
                        for (unsigned t = 0; t < need->nterms && !all_instances[d->id]; ) {
                                unsigned len = group_len(need->terms, t, need->nterms);

                                if (!has_group(&w->cfg, &need->terms[t], len)) {
                                        if (w->cfg.nterms + len > TR_MAX_TERMS) {
                                                all_instances[d->id] = true;    /* too many: collect all */
                                                break;
                                        }
                                        memcpy(&w->cfg.terms[w->cfg.nterms], &need->terms[t], len * sizeof(struct tr_term));
                                        /* a need's last group ends there, whatever its last flag says */
                                        w->cfg.terms[w->cfg.nterms + len - 1].flags &= ~TR_TERM_AND;
                                        w->cfg.nterms += len;
                                }
                                t += len;
                        }
                }
        }
        for (unsigned id = 0; id < TR_MAX_EVENT_ID; id++)
                if (all_instances[id])
                        wants[id].cfg.nterms = 0;
        if (ret_exec_env)
                *ret_exec_env = exec_env;
}

uint32_t engine_exec_scan(Engine *e)
{
        for (size_t r = 0; r < e->nrules; r++)
                if (e->rules[r].enabled && e->rules[r].rule->needs_ld_scan)
                        return TR_SET_LDSCAN | (e->opts.ld_library_path ? TR_SET_LDSCAN_LLP : 0);
        return 0;
}

unsigned engine_watch_names(Engine *e, char (*names)[TR_NAME_MAX], unsigned max)
{
        unsigned n = 0;

        for (size_t r = 0; r < e->nrules; r++) {
                const Rule *rule = e->rules[r].rule;

                if (!e->rules[r].enabled)
                        continue;
                for (unsigned k = 0; k < RULE_MAX_NAMES && rule->watch_names[k]; k++) {
                        bool dup = false;

                        if (strlen(rule->watch_names[k]) >= TR_NAME_MAX)
                                continue;
                        for (unsigned j = 0; j < n; j++)
                                dup = dup || strcmp(names[j], rule->watch_names[k]) == 0;
                        if (dup || n >= max)
                                continue;
                        memset(names[n], 0, TR_NAME_MAX);
                        strcpy(names[n], rule->watch_names[k]);
                        n++;
                }
        }
        return n;
}

void engine_mark_unavailable(Engine *e, const uint32_t *ids, unsigned n)
{
        for (size_t r = 0; r < e->nrules; r++) {
                const Rule *rule = e->rules[r].rule;
                unsigned missing = 0, syscalls = 0;
                char names[128] = "";
                size_t o = 0;

                for (unsigned k = 0; k < rule->nneeds; k++) {
                        const EventDef *d = catalog_by_name(rule->needs[k].event);

                        if (!d || !catalog_is_syscall(d))
                                continue;
                        syscalls++;
                        for (unsigned i = 0; i < n; i++)
                                if (ids[i] == d->id) {
                                        missing++;
                                        if (o < sizeof(names))
                                                o += snprintf(names + o, sizeof(names) - o, "%s%s",
                                                              o ? ", " : "", d->name);
                                }
                }
                /* a rule that also watches exec (a sched event) still works without them */
                if (syscalls > 0 && missing == syscalls && syscalls == rule->nneeds) {
                        e->rules[r].available = false;
                        snprintf(e->rules[r].unavailable_reason, sizeof(e->rules[r].unavailable_reason),
                                 "this kernel has no tracepoints for %s (built without module support?); "
                                 "raw_syscall_fallback=yes watches them at ~40 ns per syscall", names);
                }
        }
}

/* A finding on an io_uring request (judged as the syscall it stands for): say so, and which one. */
static void finding_note_iouring(Finding *f, const Event *ev)
{
        char op[48] = "io_uring";
        size_t l = strlen(f->summary);
        int64_t v;
        bool unseen = event_arg_int(ev, "result_unseen", &v) && v;

        if (event_arg_int(ev, "iouring_op", &v))
                (void) format_value(FMT_IOURING_OP, v, op, sizeof(op));
        finding_add_str(f, "io_uring_op", op);
        if (unseen)
                finding_add_str(f, "result", "unseen (IOSQE_CQE_SKIP_SUCCESS)");
        snprintf(f->summary + l, sizeof(f->summary) - l, " (an io_uring %s request%s)", op,
                 unseen ? ", judged at submission: its success posts no completion" : "");
}

unsigned engine_mark_degraded(Engine *e, bool (*evadable)(uint32_t id), const char *fix)
{
        unsigned n = 0;

        for (size_t r = 0; r < e->nrules; r++) {
                const Rule *rule = e->rules[r].rule;
                RuleState *s = &e->rules[r];
                char names[200] = "";
                size_t o = 0;

                s->degraded = false;
                s->degraded_reason[0] = 0;
                for (unsigned k = 0; evadable && k < rule->nneeds; k++) {
                        const EventDef *d = catalog_by_name(rule->needs[k].event);

                        if (!d || !catalog_is_syscall(d) || !evadable(d->id))
                                continue;
                        s->degraded = true;
                        if (o < sizeof(names))
                                o += snprintf(names + o, sizeof(names) - o, "%s%s", o ? ", " : "", d->name);
                }
                if (!s->degraded)
                        continue;
                snprintf(s->degraded_reason, sizeof(s->degraded_reason), "32-bit %s %s not watched; %s", names,
                         strchr(names, ',') ? "are" : "is", fix);
                n += s->enabled;
        }
        return n;
}

void rule_state_set_exceptions(RuleState *s, const RuleException *x, bool defaults_enabled)
{
        s->exc = *x;
        s->defaults_enabled = defaults_enabled;
        memset(s->combined_suppressed, 0, sizeof(s->combined_suppressed));
}

/* Does an exception of s apply to ev? Counts it where it applied. */
static bool excepted(RuleState *s, const Event *ev)
{
        const RuleException *x = &s->exc;

        for (unsigned i = 0; i < x->n_exe; i++)
                if (exception_path_matches(x->exe_glob[i], ev->exe, ev->exe_flags, false))
                        return true;
        for (unsigned i = 0; i < x->n_comm; i++)
                if (strncmp(x->comm[i], ev->h.comm, TR_COMM_LEN) == 0)
                        return true;
        for (unsigned i = 0; i < x->n_uid; i++)
                if (x->uid[i] == ev->h.uid)
                        return true;
        for (unsigned i = 0; i < x->n_container; i++)
                if (ev->container_id && strcmp(x->container[i], ev->container_id) == 0)
                        return true;
        for (unsigned i = 0; i < x->n_combined && i < EXCEPTIONS_COMBINED_MAX; i++)
                if (exception_matches(&x->combined[i], ev)) {
                        s->combined_suppressed[i]++;
                        return true;
                }
        if (!s->defaults_enabled)
                return false;
        for (unsigned i = 0; i < s->n_defaults; i++)
                if (exception_matches(&s->defaults[i], ev)) {
                        s->default_suppressed[i]++;
                        s->suppressed_by_defaults++;
                        return true;
                }
        return false;
}

unsigned engine_dispatch(Engine *e, const Event *ev)
{
        unsigned found = 0;
        uint32_t id = ev->h.type;

        if (id >= TR_MAX_EVENT_ID)
                return 0;
        for (unsigned j = 0; j < e->ndispatch[id]; j++) {
                RuleState *s = &e->rules[e->dispatch[id][j]];
                Finding *f = &e->scratch;

                memset(f, 0, offsetof(Finding, data));
                f->ndata = 0;
                f->summary[0] = 0;
                f->nancestors = 0;
                f->rule = s->rule;
                f->event = ev;
                if (!s->rule->match(ev, &e->opts, f))
                        continue;
                if (ev->h.flags & TR_F_IOURING)
                        finding_note_iouring(f, ev);
                if (excepted(s, ev)) {
                        s->suppressed++;
                        continue;
                }
                if (e->procs)
                        f->nancestors = proctable_ancestors(e->procs, ev->h.pid, f->ancestors, ANCESTORS_MAX);
                s->findings++;
                found++;
                if (e->fn)
                        e->fn(e->userdata, f);
        }
        return found;
}
