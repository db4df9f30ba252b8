/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See state.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

void state_set(State *s, const char *id, bool enabled)
{
        for (unsigned i = 0; i < s->n; i++)
                if (strcasecmp(s->e[i].id, id) == 0) {
                        s->e[i].enabled = enabled;
                        return;
                }
        if (s->n >= STATE_MAX_ENTRIES || strlen(id) >= sizeof(s->e[0].id))
                return;
        snprintf(s->e[s->n].id, sizeof(s->e[0].id), "%s", id);
        s->e[s->n].enabled = enabled;
        s->n++;
}

int state_parse(const char *text, size_t len, State *ret)
{
        const char *p = text, *end = text + len;
        bool bad = false;

        memset(ret, 0, sizeof(*ret));
        while (p < end) {
                const char *nl = memchr(p, '\n', end - p);
                size_t l = nl ? (size_t) (nl - p) : (size_t) (end - p);
                char line[64], id[32], what[32];

                if (l == 0 || p[0] == '#') {
                        p += l + 1;
                        continue;
                }
                if (l >= sizeof(line) || memchr(p, 0, l)) {
                        bad = true;
                        p += l + 1;
                        continue;
                }
                memcpy(line, p, l);
                line[l] = 0;
                if (sscanf(line, "%31s %31s", id, what) != 2 || !rule_by_id(id) ||
                    (strcmp(what, "enabled") != 0 && strcmp(what, "disabled") != 0))
                        bad = true;
                else
                        state_set(ret, id, strcmp(what, "enabled") == 0);
                p += l + 1;
        }
        return bad ? -EBADMSG : 0;
}

/* A SIGKILL between mkostemp() and rename() leaves "<state>.tmpXXXXXX" behind: remove such files. */
static void state_remove_stale(const char *path)
{
        char dir[PATH_MAX], base[NAME_MAX + 1];
        struct dirent *de;
        DIR *d;
        size_t bl;

        snprintf(dir, sizeof(dir), "%s", path);
        snprintf(base, sizeof(base), "%s.tmp", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
        bl = strlen(base);
        d = opendir(dirname(dir));
        if (!d)
                return;
        while ((de = readdir(d)))
                if (strncmp(de->d_name, base, bl) == 0 && strlen(de->d_name) == bl + 6)
                        (void) unlinkat(dirfd(d), de->d_name, 0);
        closedir(d);
}

int state_load(const char *path, State *ret)
{
        char buf[4096];
        ssize_t n;
        int fd;

        memset(ret, 0, sizeof(*ret));
        state_remove_stale(path);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        n = read(fd, buf, sizeof(buf));
        if (n < 0) {
                int r = -errno;

                close(fd);
                return r;
        }
        close(fd);
        if ((size_t) n == sizeof(buf))
                return -EBADMSG;        /* far bigger than any valid state */
        return state_parse(buf, (size_t) n, ret);
}

int state_save(const char *path, const State *s)
{
        char tmp[PATH_MAX], dir[PATH_MAX], text[4096];
        size_t o = 0;
        int fd, dfd, r = 0;

        if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= (int) sizeof(tmp))
                return -ENAMETOOLONG;
        o += snprintf(text, sizeof(text), "# Rules enabled or disabled at run time (traceectl). Written by tracee.\n");
        for (unsigned i = 0; i < s->n && o < sizeof(text); i++)
                o += snprintf(text + o, sizeof(text) - o, "%s %s\n", s->e[i].id,
                              s->e[i].enabled ? "enabled" : "disabled");
        if (o >= sizeof(text))
                return -E2BIG;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fchmod(fd, 0600) < 0 || write(fd, text, o) != (ssize_t) o || fsync(fd) < 0)
                r = errno ? -errno : -EIO;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlink(tmp);
                return r;
        }
        snprintf(dir, sizeof(dir), "%s", path);
        dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
                (void) fsync(dfd);
                close(dfd);
        }
        return 0;
}

void state_apply(const State *s, Engine *e)
{
        for (unsigned i = 0; i < s->n; i++)
                (void) engine_set_enabled(e, s->e[i].id, s->e[i].enabled);
}
