/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The shipped conf/tracee.conf must parse without a single warning or error, both as shipped
 * (everything commented out) and with every commented-out example setting switched on, so that
 * each key it documents is a key the parser accepts with the value shown.
 *
 * The file is found from argv[1], $TRACEE_CONF, or the source tree: __FILE__ is relative to the
 * build directory (meson compiles with relative paths), which is the parent of this test's
 * directory, or absolute.
 */

#undef NDEBUG

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../agent/config.h"

static int failures;

#define CHECK(cond)                                                                     \
        do {                                                                            \
                if (!(cond)) {                                                          \
                        fprintf(stderr, "%s:%d: check failed: %s\n",                    \
                                __FILE__, __LINE__, #cond);                             \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

/* dirname() of path into buf (without the trailing slash); "." if there is none. */
static void dir_of(const char *path, char *buf, size_t n)
{
        const char *slash = strrchr(path, '/');

        if (!slash)
                snprintf(buf, n, ".");
        else
                snprintf(buf, n, "%.*s", (int) (slash - path), path);
}

static int find_conf(int argc, char *argv[], char *buf, size_t n)
{
        char dir[PATH_MAX], exe[PATH_MAX], exedir[PATH_MAX], builddir[PATH_MAX];
        ssize_t l;

        if (argc > 1) {
                snprintf(buf, n, "%s", argv[1]);
                return 0;
        }
        if (getenv("TRACEE_CONF")) {
                snprintf(buf, n, "%s", getenv("TRACEE_CONF"));
                return 0;
        }

        /* tests/unit/ -> ../../conf/tracee.conf */
        dir_of(__FILE__, dir, sizeof(dir));
        snprintf(buf, n, "%s/../../conf/tracee.conf", dir);
        if (dir[0] == '/' || access(buf, R_OK) == 0)
                return 0;

        /* Relative to the build directory: the test runs as <build>/tests/test-conf-default. */
        l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (l < 0)
                return -errno;
        exe[l] = 0;
        dir_of(exe, exedir, sizeof(exedir));
        dir_of(exedir, builddir, sizeof(builddir));
        if (snprintf(buf, n, "%s/%s/../../conf/tracee.conf", builddir, dir) >= (int) n)
                return -ENAMETOOLONG;
        return 0;
}

static void check_clean(const char *what, int r, const ConfigDiag *d)
{
        fprintf(stderr, "%s: r=%d, %u error(s), %u warning(s)\n", what, r, d->n_errors, d->n_warnings);
        for (unsigned i = 0; i < d->n_errors && i < CONFIG_MAX_DIAG; i++)
                fprintf(stderr, "  error: %s\n", d->errors[i]);
        for (unsigned i = 0; i < d->n_warnings && i < CONFIG_MAX_DIAG; i++)
                fprintf(stderr, "  warning: %s\n", d->warnings[i]);
        CHECK(r == 0);
        CHECK(d->n_errors == 0);
        CHECK(d->n_warnings == 0);
}

/* The file's text with "#key = value" and "#[section]" lines uncommented. */
static char *uncomment(const char *path)
{
        FILE *f = fopen(path, "re");
        char line[512], *out = NULL;
        size_t len = 0;
        FILE *o;

        if (!f)
                return NULL;
        o = open_memstream(&out, &len);
        if (!o) {
                fclose(f);
                return NULL;
        }
        while (fgets(line, sizeof(line), f)) {
                bool example = line[0] == '#' &&
                               ((line[1] >= 'a' && line[1] <= 'z') || line[1] == '[');

                fputs(example ? line + 1 : line, o);
        }
        fclose(f);
        if (fclose(o) != 0) {
                free(out);
                return NULL;
        }
        return out;
}

int main(int argc, char *argv[])
{
        char path[PATH_MAX * 2];
        Config *c = calloc(1, sizeof(Config));
        ConfigDiag *d = calloc(1, sizeof(ConfigDiag));
        char *text;
        int r;

        if (!c || !d) {
                fprintf(stderr, "out of memory\n");
                return EXIT_FAILURE;
        }
        r = find_conf(argc, argv, path, sizeof(path));
        CHECK(r == 0);
        fprintf(stderr, "config: %s\n", path);

        /* As shipped. */
        config_defaults(c);
        r = config_parse_file(path, c, d);
        check_clean("as shipped", r, d);
        CHECK(strcmp(c->rules, "all") == 0);
        CHECK(strcmp(c->state_directory, "/var/lib/tracee") == 0);
        CHECK(c->journal);
        CHECK(c->stdout_mode == STDOUT_TABLE);
        CHECK(c->n_rule == 0);
        CHECK(c->n_webhook == 0);

        /* Every example switched on. */
        text = uncomment(path);
        CHECK(text != NULL);
        if (text) {
                config_defaults(c);
                memset(d, 0, sizeof(*d));
                r = config_parse_string(path, text, c, d);
                check_clean("examples uncommented", r, d);
                /* The values shown for the [agent] and [output] keys are the defaults. */
                CHECK(strcmp(c->rules, "all") == 0);
                CHECK(strcmp(c->state_directory, "/var/lib/tracee") == 0);
                CHECK(c->ringbuf_size == 8u << 20);
                CHECK(c->btf_file[0] == 0);
                CHECK(c->bpf_object[0] == 0);
                CHECK(c->journal);
                CHECK(c->stdout_mode == STDOUT_TABLE);
                CHECK(!c->ld_library_path);
                CHECK(c->n_rule == 3);
                for (unsigned i = 0; i < c->n_rule; i++)
                        CHECK(c->rule[i].default_exceptions != 0);      /* the default: on */
                if (c->n_rule == 3) {
                        CHECK(c->rule[0].exc.n_exe == 1 && strcmp(c->rule[0].exc.exe_glob[0], "/usr/lib/jvm/**") == 0);
                        CHECK(c->rule[0].exc.n_combined == 1);
                }
                CHECK(c->n_webhook == 1);
                if (c->n_webhook == 1) {
                        CHECK(!c->webhook[0].format_json);
                        CHECK(c->webhook[0].timeout_ms == 5000);
                        CHECK(c->webhook[0].queue_size == 1000);
                        CHECK(c->webhook[0].n_headers == 1);
                        CHECK(!c->webhook[0].insecure);
                }
                free(text);
        }

        free(c);
        free(d);
        if (failures) {
                fprintf(stderr, "%d check(s) failed\n", failures);
                return EXIT_FAILURE;
        }
        fprintf(stderr, "all checks passed\n");
        return EXIT_SUCCESS;
}
