// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Syscalls: one tiny stub per per-syscall tracepoint that tail-calls the shared enter or exit
 * handler, and the raw sys_enter/sys_exit fallback for syscalls without tracepoints.
 *
 * Why stubs and tail calls: the agent attaches only the syscalls the enabled rules need (an unrelated
 * syscall then pays ~8 ns, where a raw sys_enter dispatcher costs every syscall ~40 ns), but loading
 * ninety copies of a large handler would make start-up pay ninety verifications. The stubs are a few
 * instructions; the two handlers are verified once.
 *
 * Most syscalls are captured at exit alone: the arguments come from the task's saved registers
 * (bpf_task_pt_regs), which a syscall does not change, and the verdict is taken on what the kernel
 * made of them (the file an open returned, the socket a connect connected). Only the syscalls
 * flagged TR_SYS_NEEDS_ENTER (execve: its pathname is gone with the old image; mprotect: the range's
 * protection before the call) also have their entry watched, saved in tr_task and emitted at exit.
 *
 * 32-bit syscalls (int $0x80 from any process, or a 32-bit program) never reach the per-syscall
 * tracepoints. The compat watch is the one raw sys_exit program, tr_raw_exit, which returns at once
 * unless the task is in a compat syscall (TS_COMPAT is still set at the sys_exit tracepoint; it is
 * cleared later, on the way back to user mode), translates the ia32 number and arguments (tr_compat)
 * and feeds the same exit path: rules see the x86_64 syscall's event, flagged TR_F_COMPAT. What exists
 * only at entry is judged at exit: an mprotect's range is read after the call (TR_VMA_PREV_UNKNOWN).
 */
#include "terms.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define TS_COMPAT       0x0002          /* thread_info.status: a 32-bit syscall is running */
#define F_DUPFD         0
#define F_DUPFD_CLOEXEC 1030

/* ------------------------------------------------------------------------------------------------ */
/* the range of an mprotect */

#define VMA_WALK_MAX    16

struct vma_walk {
        __u64 start, end;       /* the range */
        __u64 next;             /* where the next VMA is looked for */
        __u64 flags;            /* vm_flags ORed, TR_VMA_* added */
        __u32 done;
        __u32 after;            /* read after the call (a 32-bit mprotect): executable now says nothing */
};

static long vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
        struct vma_walk *w = data;
        struct file *file = BPF_CORE_READ(vma, vm_file);       /* a scalar: global functions take those */

        if (vma->vm_start >= w->end) {
                w->done = 1;
                return 0;
        }
        w->flags |= vma->vm_flags;
        if (file) {
                /* what file_class() says of these, without the rest of it (the entry program does
                 * not need to carry it) */
                struct inode *inode = BPF_CORE_READ(file, f_inode);
                __u32 dev = BPF_CORE_READ(inode, i_sb, s_dev);

                w->flags |= TR_VMA_FILE_BACKED;
                if (BPF_CORE_READ(inode, i_mapping, i_mmap_writable.counter) > 0)
                        w->flags |= TR_VMA_DUALMAP;
                if (BPF_CORE_READ(inode, __i_nlink) == 0 || bpf_map_lookup_elem(&tr_shmdev, &dev) ||
                    tr_file_is_memfd((__u64)file))
                        w->flags |= TR_VMA_MEMFILE;
        } else
                w->flags |= TR_VMA_ANON;
        if (vma->anon_vma && (w->after || !(vma->vm_flags & VM_EXEC)))
                w->flags |= TR_VMA_WRITTEN;
        w->next = vma->vm_end;
        if (w->next >= w->end)
                w->done = 1;
        return 0;
}

static long vma_step(__u64 i, void *data)
{
        struct vma_walk *w = data;
        __u64 next = w->next;

        if (w->done)
                return 1;
        if (bpf_find_vma(bpf_get_current_task_btf(), next, vma_cb, w, 0) < 0 || w->next == next) {
                /* no VMA at next (a hole; the kernel refuses the call with ENOMEM) */
                w->done = 1;
                return 1;
        }
        if (i == VMA_WALK_MAX - 1 && !w->done)
                w->flags |= TR_VMA_MANY;
        return 0;
}

/* Every VMA of [addr, addr + len): the protection of all of them, not only of the first. */
static __always_inline __u64 range_flags(__u64 addr, __u64 len, __u32 after)
{
        struct vma_walk w = {};

        w.after = after;
        w.start = addr;
        w.end = addr + (len ? len : 1);
        w.next = addr;
        bpf_loop(VMA_WALK_MAX, vma_step, &w, 0);
        return w.flags;
}

/* ------------------------------------------------------------------------------------------------ */
/* capture */

static __always_inline void capture_arg(void *buf, __u32 *off, __u8 i, __u8 cap, struct pending *p,
                                        __s64 ret, struct task_struct *task, struct tr_settings *s)
{
        __u64 v = i < TR_MAX_ARGS ? p->args[i] : 0;
        __u64 next = i + 1 < TR_MAX_ARGS ? p->args[i + 1] : 0;

        switch (cap) {
        case TR_CAP_INT:
                put_int(buf, off, i, v);
                break;
        case TR_CAP_STR:
                put_str(buf, off, i, (const void *)v, 1);
                break;
        case TR_CAP_STRARR:
                *off = tr_put_strarr(buf, *off, i, v, s->strarr_max_count);
                break;
        case TR_CAP_SOCKADDR:
                put_sockaddr(buf, off, i, (const void *)v, next);
                break;
        case TR_CAP_SOCKADDR_OUT: {
                int ulen = 0;

                if (ret >= 0 && v && next)
                        bpf_probe_read_user(&ulen, sizeof(ulen), (void *)next);
                put_sockaddr(buf, off, i, ret >= 0 ? (const void *)v : NULL, ulen < 0 ? 0 : ulen);
                break;
        }
        case TR_CAP_FD:
                put_int(buf, off, i, v);
                break;
        case TR_CAP_OPEN_HOW: {
                __u64 flags = 0;

                if (v)
                        bpf_probe_read_user(&flags, sizeof(flags), (void *)v);
                put_int(buf, off, i, flags);
                break;
        }
        case TR_CAP_PROT_PREV:
                put_int(buf, off, i, v);
                break;
        }
}

/*
 * Appends argument i of a syscall, captured as cap, and the fd's info for fd arguments, and for a
 * path argument resolved against a directory (pb, TR_PB_*) that directory's kernel path.
 * i_cap = i | cap << 8 | pb << 16 (BPF functions take at most five arguments).
 */
__noinline int tr_capture_arg(struct scratch *sc, __u32 off, __u32 i_cap, struct pending *p, __s64 ret)
{
        struct tr_settings *s = settings_get();
        __u32 i = i_cap & 0xff, cap = (i_cap >> 8) & 0xff, pb = i_cap >> 16, at = off;

        if (!sc || !p || !s || i >= TR_MAX_ARGS)
                return off;
        capture_arg(sc->buf, &off, i, cap, p, ret, (struct task_struct *)bpf_get_current_task(), s);
        if (cap == TR_CAP_FD) {
                struct file *f = fd_file((__s64)p->args[i]);

                off = tr_put_file_info(sc, off, 8 + i, (__u64)f);
                /* which file it is, for a regular one (what mmap mapped, what finit_module loads) */
                if (f && (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) == S_IFREG)
                        off = tr_put_file_path(sc, off, 16 + i, (__u64)f);
        } else if (pb != TR_PB_NONE && cap == TR_CAP_STR && off > at) {
                /* the string's first byte says whether it is absolute */
                char first = sc->buf[(at + sizeof(struct tr_arg)) & SCRATCH_MASK];
                __s64 dirfd = AT_FDCWD;

                if (pb >= 1 && pb <= TR_MAX_ARGS)
                        dirfd = (__s64)p->args[(pb - 1) & 7];
                off = tr_put_base_dir(sc, off, 16 + i, dirfd, first == '/');
        }
        return off;
}

/* ------------------------------------------------------------------------------------------------ */
/* enter and exit */

/* Syscall entry, for the syscalls flagged TR_SYS_NEEDS_ENTER: from their per-syscall tracepoints or
 * the raw sys_enter fallback. */
static __always_inline int sys_enter_common(__u32 nr, const __u64 *a)
{
        __u64 id = bpf_get_current_pid_tgid();
        struct tr_settings *s = settings_get();
        struct task_local *tl;
        struct pending p;
        struct tr_sysdesc *d;
        struct tr_evcfg *cfg;

        if (!s || nr >= TR_MAX_SYSCALL)
                return 0;
        cfg = evcfg_get(nr);
        if (!cfg || !(cfg->flags & TR_EVCFG_ON))
                return 0;
        d = bpf_map_lookup_elem(&tr_sysdesc, &nr);
        if (!d || !(d->flags & TR_SYS_NEEDS_ENTER))
                return 0;
        if (!filter_early_x(s, d->flags & TR_SYS_EXEC))
                return 0;
        p.args[0] = a[0];
        p.args[1] = a[1];
        p.args[2] = a[2];
        p.args[3] = a[3];
        p.args[4] = a[4];
        p.args[5] = a[5];
        args_normalize(d, p.args);
        if (!tr_terms_pass_args(cfg, &p)) {
                stat_inc(TR_STAT_FILTERED);
                return 0;
        }
        p.nr = nr;
        p.live = 1;
        p.aux = 0;
        if (d->arg[2] == TR_CAP_PROT_PREV)
                p.aux = range_flags(p.args[0], p.args[1], 0);
        if (d->flags & TR_SYS_EXEC) {
                __u32 zero = 0;
                struct pathbuf *pb = bpf_map_lookup_elem(&tr_pathbuf, &zero);
                const char *fname = (const char *)p.args[d->arg[0] == TR_CAP_STR ? 0 : 1];

                if (pb) {
                        pb->buf[0] = 0;
                        bpf_probe_read_user_str(pb->buf, TR_PATH_MAX, fname);
                        bpf_map_update_elem(&tr_execpath, &id, pb->buf, BPF_ANY);
                }
        }
        tl = bpf_task_storage_get(&tr_task, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
        if (!tl) {
                stat_inc(TR_STAT_LOST);         /* no memory for the thread's storage: the event is lost */
                return 0;
        }
        tl->p = p;
        return 0;
}

SEC("tracepoint")
int tr_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
        __u64 a[TR_MAX_ARGS];

        a[0] = ctx->args[0];
        a[1] = ctx->args[1];
        a[2] = ctx->args[2];
        a[3] = ctx->args[3];
        a[4] = ctx->args[4];
        a[5] = ctx->args[5];
        return sys_enter_common((__u32)ctx->id, a);
}

/* Does the syscall's return value name a new fd (TR_SYS_RET_FD)? */
static __always_inline int returns_fd(struct tr_sysdesc *d, struct pending *p, __s64 ret)
{
        if (ret < 0)
                return 0;
        if (d->flags & TR_SYS_RET_FD)
                return 1;
        return (d->flags & TR_SYS_RET_FD_DUPFD) && (p->args[1] == F_DUPFD || p->args[1] == F_DUPFD_CLOEXEC);
}

/* Appends what the process and the kernel made of the syscall: its arguments, the directories its
 * relative paths were resolved against, the fd it returned. */
static __always_inline __u32 capture_syscall(struct scratch *sc, __u32 off, struct tr_sysdesc *d, struct pending *p,
                                             __s64 ret, struct tr_settings *s)
{
#pragma unroll
        for (int i = 0; i < TR_MAX_ARGS; i++) {
                __u8 cap = d->arg[i];

                if (cap == TR_CAP_NONE)
                        continue;
                if (cap == TR_CAP_STRARR && (d->flags & TR_SYS_EXEC) && i == 2 + (d->arg[0] != TR_CAP_STR) &&
                    !(s->flags & TR_SET_EXEC_ENV))
                        continue;       /* envp only when asked for */
                off = tr_capture_arg(sc, off, i | (__u32)cap << 8 | (__u32)d->pathbase[i] << 16, p, ret);
        }
        if (d->arg[2] == TR_CAP_PROT_PREV)
                put_int(sc->buf, &off, 7, p->aux);
        if (returns_fd(d, p, ret)) {
                struct file *f = fd_file(ret);
                __u16 mode = f ? BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT : 0;

                off = tr_put_file_info(sc, off, 14, (__u64)f);
                if (f && mode != S_IFSOCK && mode != S_IFIFO)
                        off = tr_put_file_path(sc, off, 15, (__u64)f);
        }
        return off;
}

/*
 * Syscall exit, from the per-syscall tracepoints, the raw sys_exit program (a: the arguments) or
 * (a == NULL) the task's saved registers. compat: a 32-bit syscall translated to the x86_64 syscall
 * ctx_nr (a holds its arguments): nothing was saved at its entry.
 */
static __always_inline int sys_exit_common(__u32 ctx_nr, __s64 ret, const __u64 *a, __u32 compat)
{
        __u64 id = bpf_get_current_pid_tgid();
        struct tr_settings *s = settings_get();
        struct task_struct *task;
        struct tr_event_hdr *h;
        struct tr_sysdesc *d;
        struct tr_evcfg *cfg;
        struct scratch *sc;
        struct task_local *tl;
        struct pending *p;
        __u32 zero = 0, off, nr = ctx_nr;

        if (!s || nr >= TR_MAX_SYSCALL)
                return 0;
        cfg = evcfg_get(nr);
        d = bpf_map_lookup_elem(&tr_sysdesc, &nr);
        if (!cfg || !d || !(cfg->flags & TR_EVCFG_ON))
                return 0;
        if (compat && (d->flags & TR_SYS_EXEC))
                return 0;       /* exec of any ABI is seen by sched_process_exec */
        p = bpf_map_lookup_elem(&tr_exitargs, &zero);
        if (!p)
                return 0;
        tl = NULL;
        if ((d->flags & TR_SYS_NEEDS_ENTER) && !compat) {
                tl = bpf_task_storage_get(&tr_task, bpf_get_current_task_btf(), 0, 0);
                if (!tl || !tl->p.live)
                        return 0;
                *p = tl->p;
                tl->p.live = 0;
                if (p->nr != nr)
                        return 0;
        } else {
                if (!filter_early(s))
                        return 0;
                if (a) {
                        p->args[0] = a[0];
                        p->args[1] = a[1];
                        p->args[2] = a[2];
                        p->args[3] = a[3];
                        p->args[4] = a[4];
                        p->args[5] = a[5];
                } else {
                        struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

                        p->args[0] = regs->di;
                        p->args[1] = regs->si;
                        p->args[2] = regs->dx;
                        p->args[3] = regs->r10;
                        p->args[4] = regs->r8;
                        p->args[5] = regs->r9;
                }
                args_normalize(d, p->args);
                p->nr = nr;
                p->aux = 0;
                p->live = 0;
        }
        if (!tr_terms_pass(cfg, p, ret, 1) || ((d->flags & TR_SYS_EXEC) && !comm_allowed(s))) {
                if (d->flags & TR_SYS_EXEC)
                        bpf_map_delete_elem(&tr_execpath, &id);
                stat_inc(TR_STAT_FILTERED);
                return 0;
        }
        /* a 32-bit mprotect: the range as the call left it (executable now, private pages written) */
        if (compat && d->arg[2] == TR_CAP_PROT_PREV)
                p->aux = range_flags(p->args[0], p->args[1], 1) | TR_VMA_PREV_UNKNOWN;
        task = (struct task_struct *)bpf_get_current_task();

        sc = bpf_map_lookup_elem(&tr_scratch, &zero);
        if (!sc)
                return 0;
        h = (struct tr_event_hdr *)sc->buf;
        /* the thread's storage, for its cgroup cache, looked up only for an event that leaves */
        if (!tl)
                tl = bpf_task_storage_get(&tr_task, bpf_get_current_task_btf(), 0, 0);
        event_begin(sc, nr, tl);
        if (compat)
                h->flags |= TR_F_COMPAT;
        h->retval = ret;
        off = sizeof(*h);

        if ((d->flags & TR_SYS_EXEC) && ret == 0) {
                /* The new image: the caller's pointers are gone; argv and envp are in the new mm. */
                struct mm_struct *mm = BPF_CORE_READ(task, mm);
                char *saved = bpf_map_lookup_elem(&tr_execpath, &id);
                __u8 pi = d->arg[0] == TR_CAP_STR ? 0 : 1;

                if (pi == 1)
                        put_int(sc->buf, &off, 0, p->args[0]);
                put_str(sc->buf, &off, pi, saved, 0);
                put_mm_block(sc->buf, &off, pi + 1, BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end),
                             TR_STRARR_MAX_BYTES);
                if (s->flags & TR_SET_EXEC_ENV)
                        put_mm_block(sc->buf, &off, pi + 2, BPF_CORE_READ(mm, env_start),
                                     BPF_CORE_READ(mm, env_end), ENV_MAX_BYTES);
                if (pi == 1)
                        put_int(sc->buf, &off, 4, p->args[4]);
        } else
                off = capture_syscall(sc, off, d, p, ret, s);
        if (d->flags & TR_SYS_EXEC)
                bpf_map_delete_elem(&tr_execpath, &id);
        h->size = off;
        output(s, sc->buf, off);
        return 0;
}

SEC("tracepoint")
int tr_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
        return sys_exit_common((__u32)ctx->id, ctx->ret, NULL, 0);
}

/*
 * The raw sys_enter/sys_exit programs. A raw program runs on every syscall on the machine, and the
 * tracepoint's dispatch to it costs each one ~25 ns on one development machine, ~100-150 ns on another
 * (bench/README.md) whatever the program does, so they are attached only when needed:
 *   - the fallback, for syscalls this kernel has no per-syscall tracepoint for (init_module and
 *     finit_module on kernels built without module support), when the agent is told to
 *     (raw_syscall_fallback) and such a syscall is wanted; tr_rawnr says which numbers, and the entry
 *     program only when one of them needs its entry;
 *   - the compat watch (compat_syscalls), when a wanted event has a 32-bit equivalent: tr_raw_exit
 *     alone, which returns at once unless the task is in a 32-bit syscall.
 */
struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, TR_MAX_SYSCALL);
        __type(key, __u32);
        __type(value, __u8);
} tr_rawnr SEC(".maps");

static __always_inline int raw_wanted(__u32 nr)
{
        struct task_struct *task = bpf_get_current_task_btf();
        __u8 *on;

        /* a 32-bit syscall's number means another syscall: never take it for a 64-bit one */
        if (nr >= TR_MAX_SYSCALL || (task->thread_info.status & TS_COMPAT))
                return 0;
        on = bpf_map_lookup_elem(&tr_rawnr, &nr);
        return on && *on;
}

/* sys_enter(struct pt_regs *regs, long id); x86_64 syscall arguments: di, si, dx, r10, r8, r9 */
SEC("raw_tracepoint/sys_enter")
int tr_raw_enter(struct bpf_raw_tracepoint_args *ctx)
{
        struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
        __u32 nr = (__u32)ctx->args[1];
        __u64 a[TR_MAX_ARGS];

        if (!raw_wanted(nr))
                return 0;
        a[0] = BPF_CORE_READ(regs, di);
        a[1] = BPF_CORE_READ(regs, si);
        a[2] = BPF_CORE_READ(regs, dx);
        a[3] = BPF_CORE_READ(regs, r10);
        a[4] = BPF_CORE_READ(regs, r8);
        a[5] = BPF_CORE_READ(regs, r9);
        return sys_enter_common(nr, a);
}

/*
 * A 32-bit syscall: the x86_64 event it is into *ret_nr, its arguments into a at the widths the
 * kernel reads them with (32 bits, sign- or zero-extended). Returns 0, or -1 when it is not watched
 * or its arguments cannot be read (the kernel could not either: the syscall failed with EFAULT).
 * Arguments in user memory (old mmap's block, socketcall's array) are read at exit: a process can
 * change them in between, as it can the strings of any syscall.
 */
static __always_inline int compat_args(struct task_struct *task, __u32 *ret_nr, __u64 *a)
{
        struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
        __u32 key = (__u32)regs->orig_ax, n;
        __u32 w[TR_MAX_ARGS];
        struct tr_compat *c;

        if (key >= TR_COMPAT_NR_MAX)
                return -1;
        c = bpf_map_lookup_elem(&tr_compat, &key);
        if (!c || !c->on)
                return -1;
        w[0] = regs->bx;
        w[1] = regs->cx;
        w[2] = regs->dx;
        w[3] = regs->si;
        w[4] = regs->di;
        w[5] = regs->bp;
        if (c->how == TR_CX_OLD_MMAP) {
                /* struct mmap_arg_struct32: addr, len, prot, flags, fd, offset (bytes) */
                if (bpf_probe_read_user(w, sizeof(w), (const void *)(__u64)w[0]) < 0)
                        return -1;
        } else if (c->how == TR_CX_SOCKETCALL) {
                const void *uargs = (const void *)(__u64)w[1];

                if (w[0] >= TR_COMPAT_KEYS - TR_COMPAT_SOCKETCALL)
                        return -1;
                key = TR_COMPAT_SOCKETCALL + w[0];
                c = bpf_map_lookup_elem(&tr_compat, &key);
                if (!c || !c->on)
                        return -1;
                n = c->nargs;
                if (n == 0 || n > TR_MAX_ARGS)
                        return -1;
                __builtin_memset(w, 0, sizeof(w));
                /* as many words as the kernel read: more could fault where its read did not */
                if (bpf_probe_read_user(w, n * sizeof(w[0]), uargs) < 0)
                        return -1;
        }
#pragma unroll
        for (int i = 0; i < TR_MAX_ARGS; i++)
                a[i] = c->width[i] == TR_W_S32 ? (__u64)(__s64)(__s32)w[i] : (__u64)w[i];
        if (c->how == TR_CX_MMAP2)
                a[5] <<= 12;    /* mmap2's offset unit is 4096 bytes, whatever the page size */
        *ret_nr = c->id;
        return 0;
}

/*
 * sys_exit(struct pt_regs *regs, long ret): 32-bit syscalls (the compat watch), and with the fallback
 * (TR_SET_RAW_NATIVE) the 64-bit ones without a tracepoint. For any other syscall it costs the task's
 * flag test (and a settings lookup): the sooner it returns, the less every syscall on the machine pays.
 */
SEC("raw_tracepoint/sys_exit")
int tr_raw_exit(struct bpf_raw_tracepoint_args *ctx)
{
        struct task_struct *task = bpf_get_current_task_btf();
        __u32 compat = task->thread_info.status & TS_COMPAT;
        __u64 a[TR_MAX_ARGS];
        __u32 nr;

        if (compat) {
                if (compat_args(task, &nr, a) < 0)
                        return 0;
        } else {
                struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
                struct tr_settings *s = settings_get();

                if (!s || !(s->flags & TR_SET_RAW_NATIVE))
                        return 0;
                nr = (__u32)BPF_CORE_READ(regs, orig_ax);
                if (!raw_wanted(nr))
                        return 0;
                a[0] = BPF_CORE_READ(regs, di);
                a[1] = BPF_CORE_READ(regs, si);
                a[2] = BPF_CORE_READ(regs, dx);
                a[3] = BPF_CORE_READ(regs, r10);
                a[4] = BPF_CORE_READ(regs, r8);
                a[5] = BPF_CORE_READ(regs, r9);
        }
        return sys_exit_common(nr, (__s64)ctx->args[1], a, compat);
}

/* The PROG_ARRAY that the stubs jump through; initialised here, so nothing to set up at run time. */
struct {
        __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
        __uint(max_entries, 2);
        __uint(key_size, sizeof(__u32));
        __array(values, int(void *));
} tr_tail SEC(".maps") = {
        .values = {
                [0] = (void *)&tr_sys_enter,
                [1] = (void *)&tr_sys_exit,
        },
};

#define TR_SYSCALL(tpname)                                                      \
SEC("tracepoint/syscalls/sys_enter_" #tpname)                                   \
int tp_enter_##tpname(void *ctx)                                                \
{                                                                               \
        bpf_tail_call(ctx, &tr_tail, 0);                                        \
        return 0;                                                               \
}                                                                               \
SEC("tracepoint/syscalls/sys_exit_" #tpname)                                    \
int tp_exit_##tpname(void *ctx)                                                 \
{                                                                               \
        bpf_tail_call(ctx, &tr_tail, 1);                                        \
        return 0;                                                               \
}

/* Tracepoint names (umount2's tracepoint is sys_enter_umount). Keep in step with the catalogue. */
TR_SYSCALL(execve)
TR_SYSCALL(execveat)
TR_SYSCALL(ptrace)
TR_SYSCALL(process_vm_writev)
TR_SYSCALL(process_vm_readv)
TR_SYSCALL(mmap)
TR_SYSCALL(mprotect)
TR_SYSCALL(pkey_mprotect)
TR_SYSCALL(memfd_create)
TR_SYSCALL(init_module)
TR_SYSCALL(finit_module)
TR_SYSCALL(dup)
TR_SYSCALL(dup2)
TR_SYSCALL(dup3)
TR_SYSCALL(close)
TR_SYSCALL(socket)
TR_SYSCALL(connect)
TR_SYSCALL(bind)
TR_SYSCALL(listen)
TR_SYSCALL(accept)
TR_SYSCALL(accept4)
TR_SYSCALL(open)
TR_SYSCALL(openat)
TR_SYSCALL(openat2)
TR_SYSCALL(creat)
TR_SYSCALL(unlink)
TR_SYSCALL(unlinkat)
TR_SYSCALL(rename)
TR_SYSCALL(renameat)
TR_SYSCALL(renameat2)
TR_SYSCALL(chmod)
TR_SYSCALL(fchmodat)
TR_SYSCALL(setuid)
TR_SYSCALL(setgid)
TR_SYSCALL(setreuid)
TR_SYSCALL(setresuid)
TR_SYSCALL(capset)
TR_SYSCALL(prctl)
TR_SYSCALL(mount)
TR_SYSCALL(umount)
TR_SYSCALL(kill)
TR_SYSCALL(tgkill)
TR_SYSCALL(bpf)
TR_SYSCALL(fcntl)
TR_SYSCALL(open_by_handle_at)
TR_SYSCALL(link)
TR_SYSCALL(linkat)
TR_SYSCALL(symlink)
TR_SYSCALL(symlinkat)
TR_SYSCALL(personality)
TR_SYSCALL(pidfd_getfd)
