/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the configuration parser (config_parse_string) on arbitrary text, then the
 * [rule] sections applied to a rule engine. Every diagnostic must be a NUL-terminated string, and
 * every combined exception (`exception =`) must be written back as text that parses to the same
 * exception.
 */
#include "fuzz-common.h"

#include "../agent/config.h"
#include "../agent/engine.h"

static void on_finding(void *userdata, const Finding *f)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static Engine *e;
        static Config c;
        static ConfigDiag d;
        char *text = malloc(size + 1);

        if (!text)
                return 0;
        if (!e && engine_new(on_finding, NULL, &e) < 0)
                abort();
        memcpy(text, data, size);
        text[size] = 0;
        config_defaults(&c);
        memset(&d, 0, sizeof(d));
        (void) config_parse_string("fuzz.conf", text, &c, &d);
        for (unsigned i = 0; i < d.n_errors && i < CONFIG_MAX_DIAG; i++)
                if (!memchr(d.errors[i], 0, sizeof(d.errors[i])))
                        abort();
        for (unsigned i = 0; i < d.n_warnings && i < CONFIG_MAX_DIAG; i++)
                if (!memchr(d.warnings[i], 0, sizeof(d.warnings[i])))
                        abort();
        if (c.n_rule > CONFIG_MAX_RULES || c.n_webhook > CONFIG_MAX_WEBHOOKS)
                abort();
        for (unsigned i = 0; i < c.n_rule; i++) {
                if (c.rule[i].exc.n_combined > EXCEPTIONS_COMBINED_MAX)
                        abort();
                for (unsigned k = 0; k < c.rule[i].exc.n_combined; k++) {
                        const Exception *x = &c.rule[i].exc.combined[k];
                        char text[EXCEPTION_TEXT_MAX], err[256];
                        Exception again;

                        exception_to_string(x, text, sizeof(text));
                        if (exception_parse(text, &again, err, sizeof(err)) < 0 || !exception_equal(&again, x))
                                abort();
                }
        }
        memset(&d, 0, sizeof(d));
        (void) config_apply_rules(&c, e, &d);
        free(text);
        return 0;
}
