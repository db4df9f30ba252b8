/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: a Finding whose every string comes from the fuzz input (comm, executable,
 * container id, ancestors, data keys' values, summary) through the three writers. The JSON must be
 * strict UTF-8 JSON (RFC 8259) with no raw control characters; the one-line message must hold no
 * control byte at all; the table block none but its newlines.
 */
#include "fuzz-common.h"

#include "../agent/engine.h"
#include "../agent/finding.h"
#include "../agent/jsonw.h"
#include "../agent/proctable.h"

static RecBuilder rb;
static Finding f;
static Proc anc[ANCESTORS_MAX];
static JsonW w;

static const char *const keys[FINDING_MAX_DATA] = { "path", "argv", "env", "address", "fd", "target", "flags",
                                                    "x" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char exe[PROC_EXE_MAX * 8], cid[512], comm[64], path[TR_PATH_MAX + 16];
        FuzzIn in = { data, size };
        size_t nrules;
        const Rule *const *rules = rules_all(&nrules);
        Event ev;
        char msg[2048], *text = NULL;
        size_t textlen = 0;
        unsigned nd, na;
        FILE *out;

        memset(&f, 0, sizeof(f));
        f.rule = rules[fin_u8(&in) % nrules];
        nd = fin_u8(&in) % (FINDING_MAX_DATA + 1);
        na = fin_u8(&in) % (ANCESTORS_MAX + 1);

        rb_init(&rb, TR_EV_SCHED_PROCESS_EXEC);
        fin_field(&in, comm, sizeof(comm));
        rb_comm(&rb, comm);
        rb.h.pid = (uint32_t) fin_u64(&in);
        rb.h.uid = (uint32_t) fin_u64(&in);
        fin_field(&in, path, sizeof(path));
        rb_str(&rb, 0, path);
        if (rb_decode(&rb, &ev) < 0)
                abort();
        ev.wall_ns = fin_u64(&in);
        fin_field(&in, exe, sizeof(exe));
        ev.exe = exe;
        ev.exec_by = exe;       /* the same hostile bytes through the execBy writer */
        fin_field(&in, cid, sizeof(cid));
        ev.container_id = cid;
        f.event = &ev;

        fin_field(&in, f.summary, sizeof(f.summary));
        for (unsigned i = 0; i < nd; i++) {
                char v[FINDING_VALUE_MAX * 2];
                size_t l = fin_field(&in, v, sizeof(v));

                if (i & 1)
                        finding_add_int(&f, keys[i], (int64_t) fin_u64(&in));
                else if (i & 2)
                        finding_add_strn(&f, keys[i], v, l);
                else
                        finding_add_str(&f, keys[i], v);
        }
        for (unsigned i = 0; i < na; i++) {
                memset(&anc[i], 0, sizeof(anc[i]));
                anc[i].pid = (uint32_t) fin_u64(&in);
                fin_field(&in, anc[i].comm, sizeof(anc[i].comm));
                fin_field(&in, anc[i].exe, sizeof(anc[i].exe));
                f.ancestors[i] = &anc[i];
        }
        f.nancestors = na;

        jsonw_reset(&w);
        finding_write_json(&w, &f);
        if (!jsonw_ok(&w))
                abort();        /* a finding is far below JSONW_MAX */
        fuzz_require_json("finding_write_json", w.buf, w.len);

        finding_message(&f, msg, sizeof(msg));
        fuzz_require_clean("finding_message", msg, strlen(msg), false);

        out = open_memstream(&text, &textlen);
        if (!out)
                abort();
        finding_print_table(out, &f);
        fclose(out);
        fuzz_require_clean("finding_print_table", text, textlen, true);
        free(text);
        return 0;
}
