/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for the 32-bit syscall ABI (agent/compat.c and what depends on it): the ia32 table
 * (numbers, events, argument widths, socketcall's calls), the rules marked degraded when 32-bit
 * syscalls are not watched, the compat flag in the event JSON and the finding message, and TRC-4
 * on a 32-bit mprotect, whose previous protection is unknown (TR_VMA_PREV_UNKNOWN).
 */

#undef NDEBUG

#include "record-builder.h"

#include <sys/mman.h>

#include "../../agent/catalog.h"
#include "../../agent/compat.h"
#include "../../agent/engine.h"
#include "../../agent/evfmt.h"
#include "../../agent/finding.h"
#include "../../agent/jsonw.h"

static const CompatSyscall *entry(uint16_t key)
{
        size_t n;
        const CompatSyscall *t = compat_table(&n);

        for (size_t i = 0; i < n; i++)
                if (t[i].key == key)
                        return &t[i];
        return NULL;
}

static void test_table(void)
{
        size_t n;
        const CompatSyscall *t = compat_table(&n);
        struct tr_compat c;
        bool seen[TR_COMPAT_KEYS] = {};

        CHECK(n > 40);
        for (size_t i = 0; i < n; i++) {
                CHECK_MSG(t[i].key < TR_COMPAT_KEYS, "%s: key %u", t[i].name, t[i].key);
                if (t[i].key >= TR_COMPAT_KEYS)
                        continue;
                CHECK_MSG(!seen[t[i].key], "key %u twice", t[i].key);
                seen[t[i].key] = true;
                CHECK_MSG(compat_entry(&t[i], &c), "%s -> %s: no such syscall event", t[i].name,
                          t[i].event ? t[i].event : "(none)");
                CHECK(!c.on);
                /* socketcall's calls are the only keys past the syscall numbers, and say how much they read */
                CHECK((t[i].key >= TR_COMPAT_SOCKETCALL) == (t[i].nargs > 0));
                CHECK(t[i].nargs <= TR_MAX_ARGS);
                for (unsigned a = 0; a < TR_MAX_ARGS; a++)
                        CHECK(c.width[a] == TR_W_S32 || c.width[a] == TR_W_U32);
        }

        /* the numbers of arch/x86/entry/syscalls/syscall_32.tbl that the rules depend on */
        static const struct {
                uint16_t nr;
                const char *event;
        } want[] = {
                { 26, "ptrace" }, { 125, "mprotect" }, { 380, "pkey_mprotect" }, { 192, "mmap" }, { 90, "mmap" },
                { 41, "dup" }, { 63, "dup2" }, { 330, "dup3" }, { 55, "fcntl" }, { 221, "fcntl" },
                { 362, "connect" }, { 364, "accept4" }, { 5, "open" }, { 295, "openat" }, { 437, "openat2" },
                { 8, "creat" }, { 342, "open_by_handle_at" }, { 38, "rename" }, { 302, "renameat" },
                { 353, "renameat2" }, { 9, "link" }, { 303, "linkat" }, { 83, "symlink" }, { 304, "symlinkat" },
                { 348, "process_vm_writev" }, { 356, "memfd_create" }, { 128, "init_module" },
                { 350, "finit_module" }, { 136, "personality" }, { 438, "pidfd_getfd" },
                { TR_COMPAT_SOCKETCALL + 3, "connect" }, { TR_COMPAT_SOCKETCALL + 5, "accept" },
                { TR_COMPAT_SOCKETCALL + 18, "accept4" },
        };
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
                const CompatSyscall *e = entry(want[i].nr);

                CHECK_MSG(e && e->event && strcmp(e->event, want[i].event) == 0, "ia32 %u is not %s", want[i].nr,
                          want[i].event);
        }
        /* not translated: exec (sched_process_exec sees it), 16-bit uids, umount without flags */
        CHECK(!entry(11) && !entry(358) && !entry(23) && !entry(22));

        /* socketcall itself: no event, its calls say how many words they read */
        CHECK(entry(102) && !entry(102)->event && entry(102)->how == TR_CX_SOCKETCALL);
        CHECK(compat_entry(entry(102), &c) && c.how == TR_CX_SOCKETCALL);
        CHECK_INT(entry(TR_COMPAT_SOCKETCALL + 3)->nargs, 3);
        CHECK_INT(entry(TR_COMPAT_SOCKETCALL + 4)->nargs, 2);
        CHECK_INT(entry(TR_COMPAT_SOCKETCALL + 18)->nargs, 4);

        /* widths: int sign-extended, pointers and unsigned zero-extended, compat long signed */
        CHECK(compat_entry(entry(63), &c));
        CHECK_INT(c.id, 33);
        CHECK_INT(c.width[0], TR_W_S32);
        CHECK_INT(c.width[1], TR_W_S32);
        CHECK(compat_entry(entry(26), &c));
        CHECK_INT(c.id, 101);
        CHECK_INT(c.width[0], TR_W_S32);        /* compat_long_t request */
        CHECK_INT(c.width[1], TR_W_S32);        /* pid */
        CHECK_INT(c.width[2], TR_W_U32);        /* addr */
        CHECK(compat_entry(entry(295), &c));
        CHECK_INT(c.width[0], TR_W_S32);        /* dirfd: AT_FDCWD stays -100 */
        CHECK_INT(c.width[1], TR_W_U32);        /* the path pointer */
        CHECK_INT(c.width[3], TR_W_U32);        /* mode_t */
        CHECK(compat_entry(entry(125), &c));
        CHECK_INT(c.id, 10);
        CHECK_INT(c.width[0], TR_W_U32);
        CHECK_INT(c.width[1], TR_W_U32);        /* size_t */
        CHECK_INT(c.width[2], TR_W_S32);
        /* mmap2's page offset and old mmap's byte offset are unsigned; fd is an int */
        CHECK(compat_entry(entry(192), &c));
        CHECK(c.id == 9 && c.how == TR_CX_MMAP2 && c.width[5] == TR_W_U32 && c.width[4] == TR_W_S32);
        CHECK(compat_entry(entry(90), &c));
        CHECK(c.id == 9 && c.how == TR_CX_OLD_MMAP && c.width[5] == TR_W_U32);

        CHECK(compat_event_translated(101));    /* ptrace */
        CHECK(compat_event_translated(43));     /* accept, through socketcall only */
        CHECK(!compat_event_translated(59));    /* execve */
        CHECK(!compat_event_translated(TR_EV_SCHED_PROCESS_EXEC));
        CHECK_STREQ(compat_abi_to_string(COMPAT_ABI_ON), "on");
        CHECK(compat_abi_to_string(_COMPAT_ABI_MAX) == NULL);
}

static void test_degraded(void)
{
        Engine *e;
        size_t n;
        RuleState *rs;

        CHECK_INT(engine_new(NULL, NULL, &e), 0);
        /* every rule needs a syscall a 32-bit one can do (TRC-5: exec is seen for any ABI, but not
         * code mapped executable from a memfd by a 32-bit mmap or mprotect) */
        CHECK_INT(engine_mark_degraded(e, compat_event_translated, "FIX"), 7);
        rs = engine_rules(e, &n);
        for (size_t i = 0; i < n; i++) {
                CHECK_MSG(rs[i].degraded, "%s degraded=%d", rs[i].rule->id, rs[i].degraded);
                CHECK_CONTAINS(rs[i].degraded_reason, "; FIX");
        }
        CHECK_CONTAINS(engine_rule(e, "TRC-5")->degraded_reason, "32-bit mprotect, pkey_mprotect, mmap are not");
        CHECK_STREQ(engine_rule(e, "TRC-2")->degraded_reason, "32-bit ptrace is not watched; FIX");
        CHECK_CONTAINS(engine_rule(e, "TRC-4")->degraded_reason, "32-bit mprotect, pkey_mprotect, mmap, personality are not");
        CHECK_CONTAINS(engine_rule(e, "TRC-1")->degraded_reason, "dup2");
        /* only enabled rules count */
        CHECK_INT(engine_set_enabled(e, "TRC-2", false), 0);
        CHECK_INT(engine_mark_degraded(e, compat_event_translated, "FIX"), 6);
        CHECK(engine_rule(e, "TRC-2")->degraded);
        /* watched (or refused by the kernel): nothing degraded */
        CHECK_INT(engine_mark_degraded(e, NULL, NULL), 0);
        rs = engine_rules(e, &n);
        for (size_t i = 0; i < n; i++)
                CHECK(!rs[i].degraded && !rs[i].degraded_reason[0]);
        engine_free(e);
}

/* A 32-bit event carries TR_F_COMPAT: the event JSON says "compat": true, the message says it. */
static void test_flag(void)
{
        RecBuilder b;
        Event ev;
        JsonW w = {};
        Finding f = {};
        char msg[2048];

        rb_init(&b, 101);
        b.h.flags = TR_F_COMPAT;
        rb_int(&b, 0, 0);
        CHECK_INT(rb_decode(&b, &ev), 0);
        event_write_json(&w, &ev);
        CHECK(jsonw_ok(&w));
        CHECK_CONTAINS(w.buf, "\"compat\":true");
        f.rule = rule_by_id("TRC-2");
        f.event = &ev;
        snprintf(f.summary, sizeof(f.summary), "called ptrace(PTRACE_TRACEME)");
        finding_message(&f, msg, sizeof(msg));
        CHECK_CONTAINS(msg, "called ptrace(PTRACE_TRACEME) (a 32-bit syscall)");

        rb_init(&b, 101);
        rb_int(&b, 0, 0);
        CHECK_INT(rb_decode(&b, &ev), 0);
        jsonw_reset(&w);
        event_write_json(&w, &ev);
        CHECK_NOT_CONTAINS(w.buf, "compat");
        finding_message(&f, msg, sizeof(msg));
        CHECK_NOT_CONTAINS(msg, "32-bit");
        jsonw_done(&w);
}

static unsigned found;
static Finding last;

static void on_finding(void *userdata, const Finding *f)
{
        found++;
        last = *f;
}

static const char *data_str(const char *key)
{
        for (unsigned i = 0; i < last.ndata; i++)
                if (strcmp(last.data[i].key, key) == 0 && last.data[i].kind == DATA_STR)
                        return last.data[i].s;
        return NULL;
}

static unsigned dispatch_mprotect(Engine *e, int64_t prot, uint64_t prev, int64_t ret)
{
        RecBuilder b;
        Event ev;

        rb_init(&b, 10);
        b.h.flags = TR_F_COMPAT;
        b.h.retval = ret;
        rb_int(&b, 0, 0x41000000);
        rb_int(&b, 1, 4096);
        rb_int(&b, 2, prot);
        rb_int(&b, 7, (int64_t) prev);
        if (rb_decode(&b, &ev) != 0) {
                failures++;
                return 0;
        }
        found = 0;
        return engine_dispatch(e, &ev);
}

/* TRC-4, 32-bit mprotect: what the range is after the call (its flags, TR_VMA_WRITTEN) decides. */
static void test_trc4(void)
{
        Engine *e;
        uint64_t unknown = TR_VMA_PREV_UNKNOWN | TR_VMA_ANON;

        CHECK_INT(engine_new(on_finding, NULL, &e), 0);
        /* written pages made executable: the previous protection is not claimed */
        CHECK_INT(dispatch_mprotect(e, PROT_READ | PROT_EXEC, unknown | TR_VMA_WRITTEN | 0x5, 0), 1);
        CHECK_STREQ(data_str("alert"), "Written memory made executable!");
        CHECK_STREQ(data_str("old_protection"), "unknown");
        CHECK_STREQ(data_str("new_protection"), "PROT_READ|PROT_EXEC");
        CHECK_STREQ(data_str("backing"), "anonymous");
        /* file-backed: the bit survives the decoder (prev_prot is 64 bits wide) */
        CHECK_INT(dispatch_mprotect(e, PROT_READ | PROT_EXEC, TR_VMA_PREV_UNKNOWN | TR_VMA_FILE_BACKED |
                                    TR_VMA_WRITTEN | 0x5, 0), 1);
        CHECK_STREQ(data_str("backing"), "file");
        /* W+X asked at once */
        CHECK_INT(dispatch_mprotect(e, PROT_READ | PROT_WRITE | PROT_EXEC, unknown | 0x7, 0), 1);
        CHECK_STREQ(data_str("alert"), "Protection changed to W+E!");
        /* look-alikes: never written (R -> R|X of fresh memory), its flags after the call saying
         * VM_WRITE proves nothing before it, a refused call */
        CHECK_INT(dispatch_mprotect(e, PROT_READ | PROT_EXEC, unknown | 0x5, 0), 0);
        CHECK_INT(dispatch_mprotect(e, PROT_READ | PROT_EXEC, unknown | 0x2 | 0x5, 0), 0);
        CHECK_INT(dispatch_mprotect(e, PROT_READ | PROT_EXEC, unknown | TR_VMA_WRITTEN | 0x5, -12), 0);
        engine_free(e);
}

int main(void)
{
        test_table();
        test_degraded();
        test_flag();
        test_trc4();
        return test_exit("test-compat");
}
