// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The global functions every hook family shares. A global (not inlined) function is verified once
 * per program that calls it, not once per call site, which keeps start-up (verification of every
 * program) short; and its loops are checked once. Kernel pointers travel as integers (see
 * file.bpf.h).
 */
#include "terms.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

__noinline int tr_ctx_fill(struct tr_event_hdr *h, __u32 type, __u64 cgid)
{
        if (!h)
                return 0;
        ctx_fill(h, type, cgid);
        return 0;
}

__noinline __u32 tr_cgroup_class(__u64 id)
{
        return cgroup_class_body((struct task_struct *)bpf_get_current_task(), id);
}

__noinline int tr_cgroup_describe(struct scratch *sc, __u64 cgid)
{
        struct tr_settings *s = settings_get();

        if (!sc || !s)
                return 0;
        cgroup_describe(s, (struct task_struct *)bpf_get_current_task(), cgid, sc->buf);
        return 0;
}

/*
 * argv-style: a user array of string pointers, NULL-terminated. A global (not inlined) function so
 * that the verifier checks its 128-iteration loop once, not once per argument slot of the caller.
 * Returns the new offset.
 */
__noinline int tr_put_strarr(struct scratch *sc, __u32 off, __u8 idx, __u64 uarr_addr, __u32 max_count)
{
        const char *const *uarr = (const char *const *)uarr_addr;
        __u32 base;
        __u64 used = 0;
        __u8 type = TR_ARG_STRARR;
        void *buf;

        if (!sc)
                return off;
        buf = sc->buf;
        if (arg_begin(buf, &off, TR_STRARR_MAX_BYTES) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return off;
        }
        base = off + sizeof(struct tr_arg);
        for (int i = 0; i < TR_STRARR_MAX_COUNT; i++) {
                const char *s = NULL;
                __u64 room;
                long n;

                if (!uarr)
                        break;
                if (i >= max_count) {
                        type |= TR_ARG_F_TRUNC;
                        break;
                }
                if (bpf_probe_read_user(&s, sizeof(s), &uarr[i]) < 0 || !s)
                        break;
                if (used >= TR_STRARR_MAX_BYTES) {
                        type |= TR_ARG_F_TRUNC;
                        break;
                }
                room = TR_STRARR_MAX_BYTES - used;
                asm volatile("" : "+r"(room));
                if (room > TR_STRARR_MAX_BYTES || room == 0)
                        break;
                n = bpf_probe_read_user_str(slot(buf, base + used), room, s);
                if (n <= 0)
                        break;
                used += (__u64) n;
                if (n == room) {
                        type |= TR_ARG_F_TRUNC;
                        break;
                }
        }
        arg_end(buf, &off, idx, type, used & (TR_STRARR_MAX_BYTES * 2 - 1));
        return off;
}

__noinline __u32 tr_proc_mem_tgid(__u64 file, __u64 inode)
{
        return file_proc_mem_tgid_body((struct file *)file, (struct inode *)inode);
}

__noinline int tr_file_is_preload(__u64 file, __u64 inode, __u32 links)
{
        return file_is_preload_body((struct file *)file, (struct inode *)inode, links);
}

__noinline int tr_file_is_memfd(__u64 file)
{
        return file_is_memfd((struct file *)file);
}

__noinline __u32 tr_file_class(__u64 file, __u64 want, struct tr_fdinfo *fi)
{
        return file_class_body((struct file *)file, want, fi);
}

__noinline __u32 tr_fd_class(__s64 fd, __u64 want)
{
        return file_class(fd_file(fd), want, NULL);
}

__noinline int tr_put_file_info(struct scratch *sc, __u32 off, __u8 idx, __u64 file)
{
        struct tr_fdinfo *fi;

        if (!sc)
                return off;
        if (arg_begin(sc->buf, &off, sizeof(*fi)) < 0) {
                ((struct tr_event_hdr *)sc->buf)->flags |= TR_F_ARGS_TRUNC;
                return off;
        }
        /* built in place in the record: a call chain's 512 bytes of stack have no room for it */
        fi = slot(sc->buf, off + sizeof(struct tr_arg));
        fdinfo_of((struct file *)file, fi);
        if (fi->fclass & TR_FC_PRELOAD_NEW) {
                /* the agent is told once: from now on this inode is a preload list seen before */
                struct watch_ino k = { .ino = fi->ino, .dev = fi->dev };
                __u8 one = 1;

                k.gen = BPF_CORE_READ((struct file *)file, f_inode, i_generation);
                bpf_map_update_elem(&tr_watchino, &k, &one, BPF_ANY);
        }
        arg_end(sc->buf, &off, idx, TR_ARG_FDINFO, sizeof(*fi));
        return off;
}

__noinline int tr_put_fdinfo(struct scratch *sc, __u32 off, __u8 idx, __s64 fd)
{
        return tr_put_file_info(sc, off, idx, (__u64)fd_file(fd));
}

__noinline int tr_put_path(struct scratch *sc, __u32 off, __u8 idx, __u32 how, __u64 arg)
{
        struct task_struct *task = bpf_get_current_task_btf();
        struct file *f = (struct file *)arg;

        if (!sc)
                return off;
        if (how == TR_PP_ROOT) {
                put_path(sc->buf, &off, idx, task->fs->root.mnt, task->fs->root.dentry);
                return off;
        }
        if (how == TR_PP_DIRFD) {
                if ((__s64)arg == AT_FDCWD) {
                        put_path(sc->buf, &off, idx, task->fs->pwd.mnt, task->fs->pwd.dentry);
                        return off;
                }
                f = fd_file((__s64)arg);
        }
        if (!f)
                return off;     /* no such fd: the syscall failed, nothing to resolve */
        put_path(sc->buf, &off, idx, BPF_CORE_READ(f, f_path.mnt), BPF_CORE_READ(f, f_path.dentry));
        return off;
}

/* Is the last component of the string at addr (user memory, or kernel memory if kernel) a name in
 * tr_names? */
static __always_inline int basename_listed(__u64 addr, int kernel)
{
        struct name_key k = {};
        struct pathbuf *pb;
        __u32 zero = 0;
        long n;
        int start = 0;

        pb = bpf_map_lookup_elem(&tr_pathbuf, &zero);
        if (!pb || !addr)
                return 0;
        if (kernel)
                n = bpf_probe_read_kernel_str(pb->buf, TR_PATH_MAX, (const void *)addr);
        else
                n = bpf_probe_read_user_str(pb->buf, TR_PATH_MAX, (const void *)addr);
        if (n <= 1)
                return 0;
        n -= 1;                 /* without the NUL */
        /* the name is what follows the last '/' within the last TR_NAME_MAX bytes */
        start = n > TR_NAME_MAX ? n - TR_NAME_MAX : 0;
        for (int i = 0; i < TR_NAME_MAX; i++) {
                long j = n - 1 - i;

                if (j < 0)
                        break;
                if (pb->buf[j & (TR_PATH_MAX - 1)] == '/') {
                        start = j + 1;
                        break;
                }
                if (i == TR_NAME_MAX - 1)
                        return 0;       /* longer than any listed name */
        }
        for (int i = 0; i < TR_NAME_MAX - 1; i++) {
                long j = start + i;

                if (j >= n)
                        break;
                k.name[i] = pb->buf[j & (TR_PATH_MAX - 1)];
        }
        return bpf_map_lookup_elem(&tr_names, &k) != NULL;
}

/*
 * Does term t hold? p, ret and have_ret as for tr_terms_pass(); o says where an io_uring request's
 * files and strings are (struct term_objs; all zero for a syscall: its fd table, its user memory),
 * and holds the returned file's class once computed (TR_TO_RETCLS). Global, so that it is verified
 * once and not once for each of the TR_MAX_TERMS terms of the loop.
 */
__noinline int tr_term_holds(struct tr_term *t, struct pending *p, __s64 ret, __u32 have_ret, struct term_objs *o)
{
        __u32 f, have, want, a;

        if (!t || !p || !o)
                return 0;
        f = t->field;
        have = o->have;
        want = (__u32)(t->mask | t->value);
        if (f < TR_MAX_ARGS && t->op == TR_OP_BASENAME)
                /* a kernel copy is final: judged before the result too */
                return (!have_ret && !(have & TR_TO_KSTR)) || basename_listed(p->args[f], have & TR_TO_KSTR);
        if (f < TR_MAX_ARGS)
                return term_holds(t, p->args[f]);
        if (!have_ret)
                return 1;
        if (f == TR_FIELD_RETVAL)
                return term_holds(t, ret);
        if (f >= TR_FIELD_FDCLASS && f < TR_FIELD_FDCLASS + TR_MAX_ARGS) {
                a = (f - TR_FIELD_FDCLASS) & 7;
                return term_holds(t, tr_file_class((have & TR_TO_ARGFILE(a)) ? o->argfile[a] :
                                                   (__u64)fd_file((__s64)p->args[a]), want, NULL));
        }
        if (f == TR_FIELD_RETCLASS) {
                if (ret < 0)
                        return 0;
                if (have & TR_TO_RETCLS)
                        return term_holds(t, o->retcls);
                return term_holds(t, tr_file_class((have & TR_TO_RETFILE) ? o->retfile : (__u64)fd_file(ret),
                                                   want, NULL));
        }
        return 0;
}

/* The terms of cfg on p: groups ORed, each a run of terms ANDed. The returned file's class is
 * computed once, with every bit any term asks for. */
static __always_inline int terms_pass(struct tr_evcfg *cfg, struct pending *p, __s64 ret, __u32 have_ret,
                                      struct term_objs *o)
{
        __u32 n = cfg->nterms;
        __u64 retwant = cfg->retwant;
        int group = 1;

        if (n == 0)
                return 1;
        if (retwant && have_ret && ret >= 0) {
                o->retcls = tr_file_class((o->have & TR_TO_RETFILE) ? o->retfile : (__u64)fd_file(ret), retwant, NULL);
                o->have |= TR_TO_RETCLS;
        }
        for (int i = 0; i < TR_MAX_TERMS; i++) {
                struct tr_term *t = &cfg->terms[i];

                if (i >= n)
                        break;
                if (!group)
                        ;
                else if (t->field == TR_FIELD_RETCLASS && (o->have & TR_TO_RETCLS))
                        /* the common case at an open's exit, without a call */
                        group = term_holds(t, o->retcls);
                else
                        group = tr_term_holds(t, p, ret, have_ret, o);
                if (!(t->flags & TR_TERM_AND)) {
                        if (group)
                                return 1;
                        group = 1;
                }
        }
        return 0;
}

__noinline int tr_terms_pass(struct tr_evcfg *cfg, struct pending *p, __s64 ret, __u32 have_ret)
{
        struct term_objs o = {};

        if (!cfg || !p)
                return 0;
        return terms_pass(cfg, p, ret, have_ret, &o);
}

__noinline int tr_terms_pass_objs(struct tr_evcfg *cfg, struct pending *p, __s64 ret, __u32 have_ret,
                                  struct term_objs *o)
{
        if (!cfg || !p || !o)
                return 0;
        return terms_pass(cfg, p, ret, have_ret, o);
}

/*
 * At a syscall's entry: only the terms on arguments can be decided (the others hold until the
 * exit decides again). Without the file classes, which the entry program then need not carry.
 */
__noinline int tr_terms_pass_args(struct tr_evcfg *cfg, struct pending *p)
{
        __u32 n;
        int group = 1;

        if (!cfg || !p)
                return 0;
        n = cfg->nterms;
        if (n == 0)
                return 1;
        for (int i = 0; i < TR_MAX_TERMS; i++) {
                struct tr_term *t = &cfg->terms[i];
                __u32 f = t->field;

                if (i >= n)
                        break;
                if (group && f < TR_MAX_ARGS && t->op != TR_OP_BASENAME)
                        group = term_holds(t, p->args[f]);
                if (!(t->flags & TR_TERM_AND)) {
                        if (group)
                                return 1;
                        group = 1;
                }
        }
        return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* shedding (events.h, TR_SHED_*) */

/* GCRA: admits while the next record's due time is at most a burst ahead of now. Not atomic: two
 * CPUs racing may both admit one record, which only makes the bucket a little more generous. */
static __always_inline int bucket_take(__u64 *due, __u64 now, __u64 per, __u64 burst)
{
        __u64 d = *due;

        if (d < now)
                d = now;
        if (d - now > per * burst)
                return 0;
        *due = d + per;
        return 1;
}

static __always_inline void shed_pending_add(__s64 v)
{
        __u32 zero = 0;
        __s64 *n = bpf_map_lookup_elem(&tr_shedpending, &zero);

        if (n)
                __sync_fetch_and_add(n, v);
}

/* Sends what sp holds for the process of header h; keeps it for later if the ring has no room (0). */
static __always_inline int shed_report(struct tr_event_hdr *h, struct tr_shed_proc *sp, __u32 exited, __u64 now)
{
        struct {
                struct tr_event_hdr h;
                struct tr_shed_rec s;
        } *r;

        r = bpf_ringbuf_reserve(&tr_events, sizeof(*r), 0);
        if (!r)
                return 0;
        r->h = *h;
        r->h.type = TR_REC_SHED;
        r->h.size = sizeof(*r);
        r->h.ts = now;
        r->h.nargs = 0;
        r->h.retval = 0;
        r->s.count = sp->count;
        r->s.since = sp->since;
        r->s.by_uid = sp->by_uid;
        r->s.exited = exited;
        bpf_ringbuf_submit(r, 0);
        sp->count = 0;
        sp->by_uid = 0;
        shed_pending_add(-1);
        return 1;
}

__noinline int tr_shed_admit(struct tr_event_hdr *h, __u32 pressure)
{
        struct tr_shed_proc *sp, fresh = {};
        __u64 now = bpf_ktime_get_boot_ns();
        __u32 tgid, uid;
        int by_uid = 0;

        if (!h)
                return 1;
        tgid = h->pid;
        uid = h->uid;
        sp = bpf_map_lookup_elem(&tr_shedproc, &tgid);
        if (sp && sp->start_time != h->start_time) {
                /* a reused pid: the old process's count goes out as its exit */
                if (sp->count)
                        shed_report(h, sp, 1, now);
                sp->start_time = h->start_time;
                sp->due = 0;
        }
        if (!pressure) {
                if (sp && sp->count)
                        shed_report(h, sp, 0, now);
                return 1;
        }
        if (!sp) {
                fresh.start_time = h->start_time;
                bpf_map_update_elem(&tr_shedproc, &tgid, &fresh, BPF_NOEXIST);
                sp = bpf_map_lookup_elem(&tr_shedproc, &tgid);
                if (!sp)
                        return 1;
        }
        if (bucket_take(&sp->due, now, TR_SHED_PROC_NS, TR_SHED_PROC_BURST)) {
                if (uid != 0) {
                        __u64 zero = 0, *due = bpf_map_lookup_elem(&tr_sheduid, &uid);

                        if (!due) {
                                bpf_map_update_elem(&tr_sheduid, &uid, &zero, BPF_NOEXIST);
                                due = bpf_map_lookup_elem(&tr_sheduid, &uid);
                        }
                        if (due && !bucket_take(due, now, TR_SHED_UID_NS, TR_SHED_UID_BURST))
                                by_uid = 1;
                }
                if (!by_uid) {
                        if (sp->count)
                                shed_report(h, sp, 0, now);
                        return 1;
                }
        }
        if (!sp->count) {
                sp->since = now;
                shed_pending_add(1);
        }
        sp->count++;
        sp->by_uid += by_uid;
        return 0;
}

/* At a process's exit (its last thread's): reports what it had shed and forgets it. */
__noinline int tr_shed_exit(void)
{
        __u32 tgid = bpf_get_current_pid_tgid() >> 32;
        struct tr_shed_proc *sp = bpf_map_lookup_elem(&tr_shedproc, &tgid);
        struct tr_event_hdr h = {};

        if (!sp)
                return 0;
        if (sp->count) {
                ctx_fill(&h, TR_REC_SHED, bpf_get_current_cgroup_id());
                /* no room or not this process's: the count stays in TR_STAT_SHED only */
                if (h.start_time != sp->start_time || !shed_report(&h, sp, 1, h.ts))
                        shed_pending_add(-1);
        }
        bpf_map_delete_elem(&tr_shedproc, &tgid);
        return 0;
}
