/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Derives a container id and runtime from cgroup directory names, as laid out by docker,
 * containerd, CRI-O, podman and systemd-nspawn/machined under both the systemd and the cgroupfs
 * cgroup drivers. Strict by design: anything that does not have exactly the expected shape is
 * "not a container".
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strnlen() under strict -std=c11 */
#endif

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "container.h"

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* Longest cgroup directory name (NAME_MAX); longer input cannot be a real cgroup name. */
#define CONTAINER_CGROUP_NAME_MAX 255
/* Longest cgroup path considered (PATH_MAX). */
#define CONTAINER_CGROUP_PATH_MAX 4096

#define CONTAINER_HEX_ID_LEN 64

static const char *const container_runtime_table[_CONTAINER_RUNTIME_MAX] = {
        [CONTAINER_DOCKER]     = "docker",
        [CONTAINER_CONTAINERD] = "containerd",
        [CONTAINER_CRIO]       = "crio",
        [CONTAINER_PODMAN]     = "podman",
        [CONTAINER_NSPAWN]     = "systemd-nspawn",
};

const char *container_runtime_to_string(ContainerRuntime r) {
        if ((unsigned) r >= _CONTAINER_RUNTIME_MAX)
                return NULL;

        return container_runtime_table[r];
}

/* A borrowed, length-delimited piece of a name. */
typedef struct Span {
        const char *p;
        size_t n;
} Span;

static bool span_eq(Span s, const char *lit) {
        size_t l = strlen(lit);

        return s.n == l && memcmp(s.p, lit, l) == 0;
}

/* If s is prefix + middle + suffix, stores middle in *ret. */
static bool span_strip(Span s, const char *prefix, const char *suffix, Span *ret) {
        size_t lp = strlen(prefix), ls = strlen(suffix);

        if (s.n < lp + ls)
                return false;
        if (memcmp(s.p, prefix, lp) != 0 || memcmp(s.p + s.n - ls, suffix, ls) != 0)
                return false;

        *ret = (Span) { .p = s.p + lp, .n = s.n - lp - ls };
        return true;
}

static bool is_hex_id(Span s) {
        if (s.n != CONTAINER_HEX_ID_LEN)
                return false;

        for (size_t i = 0; i < s.n; i++)
                if (!((s.p[i] >= '0' && s.p[i] <= '9') || (s.p[i] >= 'a' && s.p[i] <= 'f')))
                        return false;

        return true;
}

static int set_id(char ret_id[static CONTAINER_ID_MAX + 1], Span id, ContainerRuntime r) {
        /* ids reaching here are at most CONTAINER_ID_MAX long */
        memcpy(ret_id, id.p, id.n);
        ret_id[id.n] = 0;
        return r;
}

/* "<prefix><64 hex>.scope", as created by the systemd cgroup driver. */
static int match_runtime_scope(Span name, char ret_id[static CONTAINER_ID_MAX + 1]) {
        static const struct {
                const char *prefix;
                ContainerRuntime runtime;
        } table[] = {
                { "docker-",         CONTAINER_DOCKER     },
                { "cri-containerd-", CONTAINER_CONTAINERD },
                /* "crio-conmon-<id>.scope" and "libpod-conmon-<id>.scope" hold the monitor
                 * process, not the container; they fail the hex check below. */
                { "crio-",           CONTAINER_CRIO       },
                { "libpod-",         CONTAINER_PODMAN     },
        };
        Span id;

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (span_strip(name, table[i].prefix, ".scope", &id) && is_hex_id(id))
                        return set_id(ret_id, id, table[i].runtime);

        return CONTAINER_NONE;
}

static int unhex_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* "machine-<escaped name>.scope" from systemd-machined: undoes the unit name escaping
 * ("\x2d" -> '-') into ret_id, cut to CONTAINER_ID_MAX bytes. */
static int match_machine_scope(Span name, char ret_id[static CONTAINER_ID_MAX + 1]) {
        size_t i = 0, o = 0;
        Span m;

        if (!span_strip(name, "machine-", ".scope", &m) || m.n == 0)
                return CONTAINER_NONE;

        while (i < m.n) {
                unsigned char c = (unsigned char) m.p[i];

                if (c == '\\') {
                        int hi, lo;

                        if (m.n - i < 4 || m.p[i + 1] != 'x')
                                goto invalid;
                        hi = unhex_digit(m.p[i + 2]);
                        lo = unhex_digit(m.p[i + 3]);
                        if (hi < 0 || lo < 0)
                                goto invalid;
                        c = (unsigned char) (hi << 4 | lo);
                        i += 4;
                } else
                        i++;

                if (c < 0x20 || c == 0x7f || c == '/')
                        goto invalid;

                if (o < CONTAINER_ID_MAX)
                        ret_id[o++] = (char) c;
        }

        ret_id[o] = 0;
        return CONTAINER_NSPAWN;

invalid:
        ret_id[0] = 0;
        return CONTAINER_NONE;
}

static int container_id_from_spans(Span name, Span parent, char ret_id[static CONTAINER_ID_MAX + 1]) {
        Span id;
        int r;

        ret_id[0] = 0;

        if (name.n == 0)
                return CONTAINER_NONE;

        /* systemd cgroup driver: docker-<id>.scope, cri-containerd-<id>.scope, ... */
        r = match_runtime_scope(name, ret_id);
        if (r != CONTAINER_NONE)
                return r;

        /* cgroupfs driver: the bare id, below "docker" or a k8s pod / containerd namespace. */
        if (is_hex_id(name))
                return set_id(ret_id, name, span_eq(parent, "docker") ? CONTAINER_DOCKER : CONTAINER_CONTAINERD);

        /* podman, cgroupfs driver */
        if (span_eq(parent, "libpod_parent") && span_strip(name, "libpod-", "", &id) && is_hex_id(id))
                return set_id(ret_id, id, CONTAINER_PODMAN);

        /* systemd-nspawn / machined */
        if (span_eq(parent, "machine.slice"))
                return match_machine_scope(name, ret_id);

        if (span_eq(name, "payload") || span_eq(name, "supervisor"))
                return match_machine_scope(parent, ret_id);

        /* A cgroup created inside a container's own scope (say by a systemd running in the
         * container) still belongs to that container. */
        return match_runtime_scope(parent, ret_id);
}

/* Bounded length of an untrusted name; over-long names cannot be cgroup names and get n = 0. */
static Span span_from_name(const char *s) {
        size_t n;

        if (!s)
                return (Span) { .p = "", .n = 0 };

        n = strnlen(s, CONTAINER_CGROUP_NAME_MAX + 1);
        if (n > CONTAINER_CGROUP_NAME_MAX)
                return (Span) { .p = "", .n = 0 };

        return (Span) { .p = s, .n = n };
}

int container_id_from_cgroup_names(const char *name, const char *parent, char ret_id[CONTAINER_ID_MAX + 1]) {
        if (!ret_id)
                return -EINVAL;

        return container_id_from_spans(span_from_name(name), span_from_name(parent), ret_id);
}

int container_id_from_cgroup_path(const char *path, char ret_id[CONTAINER_ID_MAX + 1]) {
        size_t n, start, pend, pstart;
        Span name, parent;

        if (!ret_id)
                return -EINVAL;

        ret_id[0] = 0;

        if (!path)
                return CONTAINER_NONE;

        n = strnlen(path, CONTAINER_CGROUP_PATH_MAX + 1);
        if (n > CONTAINER_CGROUP_PATH_MAX)
                return CONTAINER_NONE;

        /* A /proc/PID/cgroup line: "<hierarchy id>:<controllers>:<path>". */
        if (n > 0 && path[0] != '/') {
                const char *c1 = memchr(path, ':', n), *c2 = NULL;
                bool digits = c1 && c1 > path;

                for (const char *q = path; digits && q < c1; q++)
                        if (*q < '0' || *q > '9')
                                digits = false;
                if (digits)
                        c2 = memchr(c1 + 1, ':', n - (size_t) (c1 + 1 - path));
                if (c2 && !memchr(c1 + 1, '/', (size_t) (c2 - c1 - 1))) {
                        n -= (size_t) (c2 + 1 - path);
                        path = c2 + 1;
                }
        }

        /* Trailing newline (a line as read) and slashes. */
        while (n > 0 && (path[n - 1] == '\n' || path[n - 1] == '/'))
                n--;

        start = n;
        while (start > 0 && path[start - 1] != '/')
                start--;

        pend = start;
        while (pend > 0 && path[pend - 1] == '/')
                pend--;
        pstart = pend;
        while (pstart > 0 && path[pstart - 1] != '/')
                pstart--;

        name = (Span) { .p = path + start, .n = n - start };
        parent = (Span) { .p = path + pstart, .n = pend - pstart };

        if (name.n > CONTAINER_CGROUP_NAME_MAX)
                return CONTAINER_NONE;
        if (parent.n > CONTAINER_CGROUP_NAME_MAX)
                parent = (Span) { .p = "", .n = 0 };

        return container_id_from_spans(name, parent, ret_id);
}
