/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: what a D-Bus caller or a state file can hand the agent as a rule ID. The input
 * is split at 0xff bytes into strings, each tried as a rule ID (engine_rule, rule_by_id,
 * rule_closest_id, engine_set_enabled, state_set) and as a --rules style list; the whole input is
 * also parsed as a state file, which is then written out, read back and applied.
 */
#include <errno.h>

#include "fuzz-common.h"

#include "../agent/engine.h"
#include "../agent/state.h"

static void on_finding(void *userdata, const Finding *f)
{
}

/* The agent's --rules / [agent] rules handling: comma or space separated IDs. */
static void select_list(Engine *e, const char *list)
{
        char buf[1024], *save = NULL, *tok;

        if (strlen(list) >= sizeof(buf))
                return;
        strcpy(buf, list);
        for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
                if (engine_set_enabled(e, tok, true) < 0)
                        (void) rule_closest_id(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static Engine *e;
        static State st, st2;
        FuzzIn in = { data, size };
        char id[2048];
        int r;

        if (!e && engine_new(on_finding, NULL, &e) < 0)
                abort();
        engine_set_all_enabled(e, true);

        r = state_parse((const char *) data, size, &st);
        if (r < 0 && r != -EBADMSG)
                abort();
        if (st.n > STATE_MAX_ENTRIES)
                abort();
        state_apply(&st, e);

        memset(&st2, 0, sizeof(st2));
        while (in.n) {
                RuleState *s;
                const char *m;

                fin_field(&in, id, sizeof(id));
                s = engine_rule(e, id);
                if (s && s != engine_rule(e, s->rule->id))
                        abort();
                if (!!s != !!rule_by_id(id))
                        abort();
                m = rule_closest_id(id);
                if (m && !rule_by_id(m))
                        abort();
                (void) engine_set_enabled(e, id, size & 1);
                state_set(&st2, id, size & 2);
                select_list(e, id);
        }
        if (st2.n > STATE_MAX_ENTRIES)
                abort();
        for (unsigned i = 0; i < st2.n; i++)
                if (!memchr(st2.e[i].id, 0, sizeof(st2.e[i].id)))
                        abort();
        state_apply(&st2, e);
        return 0;
}
