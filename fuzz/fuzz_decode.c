/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: one ring-buffer record, as the kernel side would hand it over, through the
 * decoder, then (when it decodes) through every consumer of a decoded event: the trace JSON (must
 * be strict UTF-8 JSON), the table line (must hold no control byte but its final newline), the
 * argument accessors.
 *
 * The same input is also read a second way, so that the formatters are reached without the fuzzer
 * having to discover the wire format first: byte 0 picks a catalogue event, byte 1 the header
 * flags, then each of the event's arguments is built with the type the catalogue expects (bit 7 of
 * a selector byte: a random wrong type instead) and a payload taken from the input.
 */
#include <errno.h>
#include <stdio.h>

#include "fuzz-common.h"

#include "../agent/evfmt.h"
#include "../agent/jsonw.h"

static JsonW w;
static RecBuilder rb;

static void consume(const uint8_t *data, size_t size);

/* Builds a well-formed record of a catalogue event from the input, and consumes it. */
static void structured(const uint8_t *data, size_t size)
{
        static const uint8_t wire[] = { [ARGK_INT] = TR_ARG_INT, [ARGK_STR] = TR_ARG_STR,
                                        [ARGK_STRARR] = TR_ARG_STRARR, [ARGK_SOCKADDR] = TR_ARG_SOCKADDR,
                                        [ARGK_FDINFO] = TR_ARG_FDINFO };
        FuzzIn in = { data, size };
        size_t n;
        const EventDef *all = catalog_all(&n);
        const EventDef *d = &all[fin_u8(&in) % n];
        char buf[TR_STRARR_MAX_BYTES + 1];

        rb_init(&rb, d->id);
        rb.h.flags = fin_u8(&in);
        rb.h.retval = (int64_t) fin_u64(&in);
        fin_field(&in, buf, TR_COMM_LEN + 1);
        memcpy(rb.h.comm, buf, TR_COMM_LEN);
        for (unsigned i = 0; i < d->nargs && in.n; i++) {
                const ArgDef *a = &d->args[i];
                uint8_t sel = fin_u8(&in), type = wire[a->kind];
                size_t l;

                if (sel & 0x80)
                        type = 1 + sel % 6;
                if (sel & 0x40)
                        type |= TR_ARG_F_TRUNC;
                if ((type & TR_ARG_TYPE_MASK) == TR_ARG_INT) {
                        int64_t v = (int64_t) fin_u64(&in);

                        rb_arg(&rb, a->idx, type, &v, sizeof(v));
                } else if ((type & TR_ARG_TYPE_MASK) == TR_ARG_FDINFO) {
                        struct tr_fdinfo fi;

                        memset(&fi, 0, sizeof(fi));
                        l = in.n < sizeof(fi) ? in.n : sizeof(fi);
                        memcpy(&fi, in.p, l);
                        in.p += l;
                        in.n -= l;
                        rb_arg(&rb, a->idx, type, &fi, sizeof(fi));
                } else {
                        /* fields keep their NULs (argv separators): take raw bytes up to 0xff */
                        const uint8_t *sep = memchr(in.p, 0xff, in.n);
                        size_t used;

                        l = sep ? (size_t) (sep - in.p) : in.n;
                        if (l > TR_STRARR_MAX_BYTES)
                                l = TR_STRARR_MAX_BYTES;
                        rb_arg(&rb, a->idx, type, in.p, (uint16_t) l);
                        used = l + (sep && in.p + l == sep ? 1 : 0);
                        in.p += used;
                        in.n -= used;
                }
        }
        if (rb.overflow)
                return;
        rb_finish(&rb);
        {
                /* an exactly sized copy, so that ASan sees a read one byte past the record */
                uint8_t *copy = malloc(rb.len);

                if (!copy)
                        abort();
                memcpy(copy, rb.buf, rb.len);
                consume(copy, rb.len);
                free(copy);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        consume(data, size);
        structured(data, size);
        return 0;
}

static void consume(const uint8_t *data, size_t size)
{
        Event ev;
        char buf[64], *text = NULL;
        size_t textlen = 0;
        FILE *f;
        int r;

        r = event_decode(data, size, &ev);
        if (r < 0)
                return;
        ev.wall_ns = ev.h.ts;
        ev.exe = "/usr/bin/fuzz";
        ev.container_id = (ev.h.flags & 1) ? "0123456789ab" : NULL;

        jsonw_reset(&w);
        event_write_json(&w, &ev);
        if (jsonw_ok(&w))
                fuzz_require_json("event_write_json", w.buf, w.len);

        f = open_memstream(&text, &textlen);
        if (!f)
                abort();
        event_print_table(f, &ev);
        fclose(f);
        if (textlen == 0 || text[textlen - 1] != '\n')
                abort();
        fuzz_require_clean("event_print_table", text, textlen - 1, false);
        free(text);

        for (unsigned i = 0; i < ev.nargs; i++) {
                const EventArg *a = &ev.args[i];
                char val[2048];

                event_arg_to_text(a, val, sizeof(val));
                if (a->type == TR_ARG_STRARR) {
                        size_t pos = 0, l;
                        const char *s;

                        while (strarr_next(a, &pos, &s, &l))
                                if (s < (const char *) data || s + l > (const char *) data + size)
                                        abort();
                }
                if (a->def) {
                        int64_t v;

                        (void) event_arg_int(&ev, a->def->name, &v);
                        (void) event_arg_str(&ev, a->def->name, buf, sizeof(buf));
                }
        }
}
