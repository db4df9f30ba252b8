/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rule table. Adding a rule: one file in rules/, one line here, one line in meson.build.
 */
#include "engine.h"

extern const Rule rule_trc1, rule_trc2, rule_trc3, rule_trc4, rule_trc5, rule_trc6, rule_trc7;

static const Rule *const all_rules[] = {
        &rule_trc1,
        &rule_trc2,
        &rule_trc3,
        &rule_trc4,
        &rule_trc5,
        &rule_trc6,
        &rule_trc7,
};

const Rule *const *rules_all(size_t *ret_n)
{
        *ret_n = sizeof(all_rules) / sizeof(all_rules[0]);
        return all_rules;
}
