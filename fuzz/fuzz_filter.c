/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: `tracee trace` selection. The input is split at 0xff bytes: the first field is
 * an --events list, the next ones --filter expressions (ANDed into one TraceFilter, as the command
 * line does), the last one a path. Every filter that parses is matched against canned events
 * (openat with that path, execve with argv, connect with an IPv4 address, a bare exit). Error
 * messages must be NUL-terminated within their buffer.
 */
#include <fcntl.h>

#include "fuzz-common.h"

#include "../agent/catalog.h"
#include "../agent/filter.h"

static TraceFilter tf;
static bool want[TR_MAX_EVENT_ID];
static RecBuilder rb[4];
static Event ev[4];

static void build_events(const char *path)
{
        const EventDef *d;
        const char *argv[] = { "/bin/sh", "-c", path, NULL };

        d = catalog_by_name("openat");
        rb_init(&rb[0], d->id);
        rb_int(&rb[0], 0, AT_FDCWD);
        rb_str(&rb[0], 1, path);
        rb_int(&rb[0], 2, O_WRONLY | O_CREAT);
        rb_int(&rb[0], 3, 0644);
        rb[0].h.retval = 3;
        d = catalog_by_name("execve");
        rb_init(&rb[1], d->id);
        rb_str(&rb[1], 0, path);
        rb_strarr(&rb[1], 1, argv);
        d = catalog_by_name("connect");
        rb_init(&rb[2], d->id);
        rb_int(&rb[2], 0, 3);
        rb_sockaddr_in(&rb[2], 1, "10.0.0.1", 4444);
        rb[2].h.retval = -115;
        rb_init(&rb[3], TR_EV_SCHED_PROCESS_EXIT);
        for (int i = 0; i < 4; i++) {
                rb[i].overflow = false;
                if (rb_decode(&rb[i], &ev[i]) < 0)
                        memset(&ev[i], 0, sizeof(ev[i]));
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        FuzzIn in = { data, size };
        char field[8192], err[512];

        memset(&tf, 0, sizeof(tf));
        memset(want, 0, sizeof(want));
        fin_field(&in, field, sizeof(field));
        err[0] = 0;
        (void) events_parse(field, want, err, sizeof(err));
        if (!memchr(err, 0, sizeof(err)))
                abort();
        (void) event_closest_name(field);
        while (in.n) {
                fin_field(&in, field, sizeof(field));
                if (!in.n)
                        break;          /* the last field is the path */
                err[0] = 0;
                (void) filter_parse(&tf, field, err, sizeof(err));
                if (!memchr(err, 0, sizeof(err)))
                        abort();
                if (tf.n_args > ARGFILTER_MAX)
                        abort();
        }
        build_events(field);
        for (int i = 0; i < 4; i++)
                if (ev[i].def)
                        (void) filter_match_args(&tf, &ev[i]);
        return 0;
}
