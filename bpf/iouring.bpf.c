// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * io_uring: requests that do what a watched syscall does without making it (IORING_OP_OPENAT,
 * OPENAT2, CONNECT, RENAMEAT, LINKAT, SYMLINKAT), watched on the io_uring tracepoints and reported
 * as that syscall's event with the same arguments, flagged TR_F_IOURING (opcode in argument 22), so
 * that the rules and the event's in-kernel predicates judge them as they judge the syscall.
 *
 *   io_uring_submit_req    (io_uring_submit_sqe before 6.2) fires after the request's prep: the
 *                          kernel has copied its path names (struct filename). The names of a
 *                          rename, link or symlink are judged here on the event's terms and, if they
 *                          pass, kept (tr_iou_names): the request frees them when it runs, before it
 *                          completes. Every watched request is remembered (tr_iou_req): the fd a
 *                          connect named (its cqe.fd is overwritten by the result), and what a
 *                          completion that overflows the ring is matched by.
 *   io_uring_complete      the request's result: the file an open installed (at the fd it returned,
 *                          or in the ring's fixed-file slot), the socket a connect connected (the
 *                          request's own file, whatever fd or fixed slot named it), a rename's names
 *                          and the directories they resolve against. Judged on the event's terms and
 *                          emitted.
 *   io_uring_cqe_overflow  a completion that found the ring's CQ full never reaches
 *                          io_uring_complete; this tracepoint names the ring and user_data, not the
 *                          request, so it is matched to the watched requests remembered at
 *                          submission (only when there are any).
 *
 * They fire only for io_uring users: no syscall pays for them.
 *
 * Where a completion runs: in the submitting thread (task work), one of its io-wq workers, or the
 * ring's SQPOLL thread, all threads of the submitting process sharing its fd table, mm, cwd and
 * root, which is where the lookups are made. The header names the submitting thread, not the worker
 * ("iou-wrk-N"), and an SQPOLL thread ("iou-sqp-N") by its process leader's comm. A completion run
 * anywhere else (the kernel's fallback worker, when the submitter exited first) is counted
 * (TR_STAT_IOU_FOREIGN), not judged.
 *
 * A request submitted with IOSQE_CQE_SKIP_SUCCESS posts no completion when it succeeds, and no
 * tracepoint fires after it runs: a rename, link or symlink is then judged at submission, on the
 * kernel's copies of its names, and reported with argument 24 (its result unseen); an open or a
 * connect is not seen (README, "Limits, honestly").
 */
#include "terms.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define EEXIST                  17
#define PF_IO_WORKER            0x00000010      /* an io_uring thread: io-wq worker or SQPOLL thread */
/* REQ_F_* bits 0..7 are the SQE's IOSQE_* flags, whose bit numbers are UAPI */
#define IOU_REQ_FIXED_FILE      (1ull << 0)     /* IOSQE_FIXED_FILE: sqe->fd is a fixed-file slot */
#define IOU_REQ_CQE_SKIP        (1ull << 6)     /* IOSQE_CQE_SKIP_SUCCESS */
#define IOU_FILE_INDEX_ALLOC    0xffffffffu     /* open into a free fixed-file slot, returned as res */
#define IOU_MATCH_MAX           4   /* requests an overflowing completion is matched to, at most */

/*
 * Load-time facts about this kernel's tracepoints, set by the agent from the kernel's BTF:
 * iou_submit_sqe, submission is io_uring_submit_sqe(ctx, req, ...) (before 5.19), not
 * io_uring_submit_req(req) or io_uring_submit_sqe(req, force_nonblock) (5.19-6.1); iou_complete_res, io_uring_complete(ctx, req, user_data, res, ...)
 * (before 6.3), not io_uring_complete(ctx, req, cqe).
 */
const volatile __u32 iou_submit_sqe = 0;
const volatile __u32 iou_complete_res = 0;

/* How a watched opcode's request is read. */
enum {
        IOU_OPEN = 1,           /* struct io_open */
        IOU_CONNECT = 2,        /* struct io_connect */
        IOU_NAMES = 3,          /* struct io_rename, io_link */
};

static __always_inline __u32 iou_kind(__u8 op)
{
        switch (op) {
        case IORING_OP_OPENAT:
        case IORING_OP_OPENAT2:
                return IOU_OPEN;
        case IORING_OP_CONNECT:
                return IOU_CONNECT;
        case IORING_OP_RENAMEAT:
        case IORING_OP_LINKAT:
        case IORING_OP_SYMLINKAT:
                return IOU_NAMES;
        }
        return 0;
}

/* The event the opcode stands for (tr_iouop, from the agent's catalogue) and its config, if it is
 * collected; NULL if not. */
static __always_inline struct tr_evcfg *iou_cfg(__u8 op, __u32 *ret_id)
{
        __u32 k = op, *id = bpf_map_lookup_elem(&tr_iouop, &k);
        struct tr_evcfg *cfg;

        if (!id || !*id)
                return NULL;
        cfg = evcfg_get(*id);
        if (!cfg || !(cfg->flags & TR_EVCFG_ON))
                return NULL;
        *ret_id = *id;
        return cfg;
}

/* REQ_F_*: a u64 since 6.4, an unsigned int before. */
static __always_inline __u64 iou_req_flags(struct io_kiocb *req)
{
        __u64 f = 0;

        bpf_core_read(&f, bpf_core_field_size(req->flags), &req->flags);
        return f;
}

static __always_inline __u64 iou_user_data(struct io_kiocb *req)
{
        if (bpf_core_field_exists(req->cqe))
                return BPF_CORE_READ(req, cqe.user_data);
        return BPF_CORE_READ((struct io_kiocb___old *)req, user_data);
}

/* The thread that submitted the request, if the current task is a thread of its process; NULL if
 * not (the lookups below are made in the current task's fd table, cwd and root). */
static __always_inline struct task_struct *iou_owner(struct io_kiocb *req)
{
        struct task_struct *t = core__iou_req_task(req);

        if (!t || BPF_CORE_READ(t, tgid) != bpf_get_current_pid_tgid() >> 32)
                return NULL;
        return t;
}

/* The comm the request's process goes by: the submitting thread's, or for an SQPOLL thread its
 * process leader's. */
static __always_inline void iou_comm(struct task_struct *t, char *comm)
{
        if (BPF_CORE_READ(t, flags) & PF_IO_WORKER)
                t = BPF_CORE_READ(t, group_leader);
        bpf_core_read_str(comm, TR_COMM_LEN, &t->comm);
}

/* The context filters, with the comm filter on the request's comm (not an io-wq worker's). Global:
 * verified once (the container filter's cgroup classification is long). */
__noinline int tr_iou_filter(__u64 owner_addr)
{
        struct task_struct *owner = (struct task_struct *)owner_addr;
        struct tr_settings *s = settings_get();
        struct comm_key ck = {};

        if (!s || !owner || !filter_early_x(s, 1))
                return 0;
        if (!(s->filter_flags & TR_FILT_COMM))
                return 1;
        iou_comm(owner, ck.comm);
        return list_match(&tr_f_comm, &ck, s->filter_flags, TR_FILT_COMM, TR_FILT_NOT_COMM);
}

/* The header of a request's event, for its submitting thread. */
static __always_inline struct tr_event_hdr *iou_begin(struct scratch *sc, __u32 id, struct task_struct *owner,
                                                      __s64 res)
{
        struct tr_event_hdr *h = (struct tr_event_hdr *)sc->buf;

        event_begin(sc, id, NULL);
        h->retval = res;
        h->flags |= TR_F_IOURING;
        iou_comm(owner, h->comm);
        if ((__u64)owner != bpf_get_current_task()) {
                struct pid *tp = BPF_CORE_READ(owner, thread_pid);

                h->tid = BPF_CORE_READ(owner, pid);
                h->ns_tid = pid_nr_at(tp, BPF_CORE_READ(tp, level));
        }
        return h;
}

/*
 * A rename's, link's or symlink's arguments at its syscall's positions (renameat2, linkat,
 * symlinkat), with n0 and n1 its names (kernel memory): old and new, or target and linkpath.
 */
static __always_inline void iou_names_args(struct io_kiocb *req, __u8 op, struct pending *p, __u64 n0, __u64 n1)
{
        if (op == IORING_OP_SYMLINKAT) {
                struct io_link *l = (struct io_link *)req;

                p->args[0] = n0;
                p->args[1] = (__s64)BPF_CORE_READ(l, new_dfd);
                p->args[2] = n1;
        } else if (op == IORING_OP_LINKAT) {
                struct io_link *l = (struct io_link *)req;

                p->args[0] = (__s64)BPF_CORE_READ(l, old_dfd);
                p->args[1] = n0;
                p->args[2] = (__s64)BPF_CORE_READ(l, new_dfd);
                p->args[3] = n1;
                p->args[4] = (__s64)BPF_CORE_READ(l, flags);
        } else {
                struct io_rename *r = (struct io_rename *)req;

                p->args[0] = (__s64)BPF_CORE_READ(r, old_dfd);
                p->args[1] = n0;
                p->args[2] = (__s64)BPF_CORE_READ(r, new_dfd);
                p->args[3] = n1;
                p->args[4] = (__u32)BPF_CORE_READ(r, flags);
        }
}

/* The first byte of a kernel string: is the path absolute? */
static __always_inline int kstr_absolute(__u64 s)
{
        char c = 0;

        bpf_probe_read_kernel(&c, 1, (const void *)s);
        return c == '/';
}

/*
 * Appends a rename's, link's or symlink's arguments (p from iou_names_args) and the directories
 * its names are resolved against, read now. Returns the new offset.
 */
__noinline int tr_iou_put_names(struct scratch *sc, __u32 off, __u32 op, struct pending *p)
{
        if (!sc || !p)
                return off;
        if (op == IORING_OP_SYMLINKAT) {
                put_str(sc->buf, &off, 0, (const void *)p->args[0], 0);
                put_int(sc->buf, &off, 1, p->args[1]);
                put_str(sc->buf, &off, 2, (const void *)p->args[2], 0);
                return tr_put_base_dir(sc, off, 16 + 2, (__s64)p->args[1], kstr_absolute(p->args[2]));
        }
        put_int(sc->buf, &off, 0, p->args[0]);
        put_str(sc->buf, &off, 1, (const void *)p->args[1], 0);
        put_int(sc->buf, &off, 2, p->args[2]);
        put_str(sc->buf, &off, 3, (const void *)p->args[3], 0);
        put_int(sc->buf, &off, 4, p->args[4]);
        off = tr_put_base_dir(sc, off, 16 + 1, (__s64)p->args[0], kstr_absolute(p->args[1]));
        return tr_put_base_dir(sc, off, 16 + 3, (__s64)p->args[2], kstr_absolute(p->args[3]));
}

/* ------------------------------------------------------------------------------------------------ */
/* the requests in flight */

/* Remembers a watched request (tr_iou_req), counting the entries (tr_iouopen). */
static __always_inline void iou_remember(__u64 key, struct iou_req *r)
{
        __u32 zero = 0;
        __u64 *n;
        long e = bpf_map_update_elem(&tr_iou_req, &key, r, BPF_NOEXIST);

        if (e == -EEXIST) {
                /* a request object recycled while its previous entry was stale: not a new entry */
                bpf_map_update_elem(&tr_iou_req, &key, r, BPF_EXIST);
                return;
        }
        if (e) {
                stat_inc(TR_STAT_IOU_UNTRACKED);
                return;
        }
        n = bpf_map_lookup_elem(&tr_iouopen, &zero);
        if (n)
                __sync_fetch_and_add(n, 1);
}

static __always_inline void iou_forget(__u64 key)
{
        __u32 zero = 0;
        __u64 *n;

        if (bpf_map_delete_elem(&tr_iou_req, &key))
                return;
        n = bpf_map_lookup_elem(&tr_iouopen, &zero);
        if (n)
                __sync_fetch_and_add(n, -1);
}

/* Keeps a rename's names (kernel pointers n0, n1) until its completion. */
static __always_inline int iou_keep_names(__u64 key, __u64 n0, __u64 n1)
{
        struct pathbuf *pb;
        __u32 zero = 0;

        pb = bpf_map_lookup_elem(&tr_pathbuf, &zero);
        if (!pb)
                return 0;
        pb->buf[0] = 0;
        pb->buf[TR_PATH_MAX] = 0;
        bpf_probe_read_kernel_str(pb->buf, TR_PATH_MAX, (const void *)n0);
        bpf_probe_read_kernel_str(pb->buf + TR_PATH_MAX, TR_PATH_MAX, (const void *)n1);
        if (bpf_map_update_elem(&tr_iou_names, &key, pb, BPF_ANY)) {
                /* no room to keep them: the event is lost (and names a recycled request left are
                 * not taken for these) */
                bpf_map_delete_elem(&tr_iou_names, &key);
                stat_inc(TR_STAT_LOST);
                return 0;
        }
        return 1;
}

/*
 * The judging is one program, tr_iou_judge, that the three attached ones tail-call: verified once
 * (it is most of the code), not once in each. What it is handed goes through a per-CPU slot
 * written just before the tail call (tracepoint programs are not preempted in between).
 */
enum {
        IOU_DONE = 0,           /* the request completed with res: judge it, forget it */
        IOU_KEEP = 1,           /* one of several requests an overflowing completion may be: judge,
                                 * but keep it for its own completion */
        IOU_PRESUMED = 2,       /* submitted with IOSQE_CQE_SKIP_SUCCESS: judge now, res 0 presumed */
        IOU_SUBMITTED = 3,      /* a rename's names just kept: keep them only if they may pass */
};
struct iou_judge_args {
        __u64 req[IOU_MATCH_MAX];
        __s32 res;
        __u32 n;
        __u32 mode;             /* IOU_DONE, IOU_KEEP, IOU_PRESUMED, IOU_SUBMITTED */
        __u32 pad;
};
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct iou_judge_args);
} tr_iou_args SEC(".maps");

/* [0] = tr_iou_judge. Filled by the agent once loaded, not statically: the program is optional
 * (not loaded on kernels without io_uring), and a static slot would make loading it mandatory. */
struct {
        __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
        __uint(max_entries, 1);
        __uint(key_size, sizeof(__u32));
        __uint(value_size, sizeof(__u32));
} tr_iou_tail SEC(".maps");

/* Hands n requests (req[0..n-1]) completed with res to tr_iou_judge; does not return if it can. */
static __always_inline int iou_judge(void *ctx, const __u64 *req, __u32 n, __s32 res, __u32 mode)
{
        __u32 zero = 0;
        struct iou_judge_args *a = bpf_map_lookup_elem(&tr_iou_args, &zero);

        if (!a)
                return 0;
        for (int i = 0; i < IOU_MATCH_MAX; i++)
                a->req[i] = i < n ? req[i] : 0;
        a->n = n;
        a->res = res;
        a->mode = mode;
        bpf_tail_call(ctx, &tr_iou_tail, 0);
        return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* submission */

/* io_uring_submit_req(struct io_kiocb *req), io_uring_submit_sqe(req, force_nonblock) (5.19-6.1),
 * io_uring_submit_sqe(ctx, req, user_data, opcode, ...) (before) */
SEC("raw_tracepoint/io_uring_submit_req")
int tr_iou_submit(struct bpf_raw_tracepoint_args *ctx)
{
        struct io_kiocb *req;
        struct iou_req r = {};
        struct tr_evcfg *cfg;
        __u64 key, flags;
        __u32 id = 0, kind;
        __u8 op;

        /* two loads at constant offsets, one of them dead once iou_submit_sqe is known: a load at a
         * computed offset is refused by older verifiers (6.1: "dereference of modified ctx ptr"),
         * and reading args[1] where the tracepoint has one argument fails the attach */
        if (iou_submit_sqe) {
                key = ctx->args[1];
                barrier_var(key);
        } else {
                key = ctx->args[0];
                barrier_var(key);
        }
        req = (struct io_kiocb *)key;
        if (!req)
                return 0;
        op = BPF_CORE_READ(req, opcode);
        kind = iou_kind(op);
        if (!kind)
                return 0;
        cfg = iou_cfg(op, &id);
        if (!cfg)
                return 0;
        flags = iou_req_flags(req);
        if ((flags & IOU_REQ_CQE_SKIP) && kind != IOU_NAMES)
                return 0;       /* a success posts nothing, and the result is all there is to judge */
        /*
         * What is judged later and needs keeping now: a rename's names (the kernel's copies, freed
         * when it runs), a connect's fd, the ring and user_data. The context filters and the
         * event's terms are applied by the judge, not here.
         */
        if (kind == IOU_NAMES) {
                __u64 n0, n1;

                if (op == IORING_OP_RENAMEAT) {
                        struct io_rename *rn = (struct io_rename *)req;

                        n0 = (__u64)BPF_CORE_READ(rn, oldpath, name);
                        n1 = (__u64)BPF_CORE_READ(rn, newpath, name);
                } else {
                        struct io_link *l = (struct io_link *)req;

                        n0 = (__u64)BPF_CORE_READ(l, oldpath, name);
                        n1 = (__u64)BPF_CORE_READ(l, newpath, name);
                }
                if (!iou_keep_names(key, n0, n1))
                        return 0;
        }
        if (!(flags & IOU_REQ_CQE_SKIP)) {
                r.fd = -1;
                if (kind == IOU_CONNECT && bpf_core_field_exists(req->cqe))
                        r.fd = BPF_CORE_READ(req, cqe.fd);
                r.ctx = (__u64)BPF_CORE_READ(req, ctx);
                r.user_data = iou_user_data(req);
                r.fixed = !!(flags & IOU_REQ_FIXED_FILE);
                iou_remember(key, &r);
        }
        if (kind != IOU_NAMES)
                return 0;
        /* a success with IOSQE_CQE_SKIP_SUCCESS posts nothing: judged now, its result unseen */
        return iou_judge(ctx, &key, 1, 0, (flags & IOU_REQ_CQE_SKIP) ? IOU_PRESUMED : IOU_SUBMITTED);
}

/* ------------------------------------------------------------------------------------------------ */
/* completion */

/* What a completion is judged on. Not on the stack: the walk of a file's path is deeper in the same
 * call chain, and the chain has 512 bytes of stack in all on kernels without private BPF stacks
 * (6.1). */
struct iou_work {
        struct pending p;
        struct term_objs ob;
};
struct {
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, struct iou_work);
} tr_iou_work SEC(".maps");

static __always_inline void iou_open_done(struct tr_settings *s, struct io_kiocb *req, __s32 res, __u32 id,
                                          __u8 op, struct tr_evcfg *cfg, struct task_struct *owner, struct iou_work *w)
{
        struct io_open *o = (struct io_open *)req;
        struct tr_event_hdr *h;
        struct scratch *sc;
        struct file *f = NULL;
        __u32 slot = BPF_CORE_READ(o, file_slot), zero = 0, off = sizeof(struct tr_event_hdr);
        __s64 fixed = -1;

        w->p.args[0] = (__s64)BPF_CORE_READ(o, dfd);
        w->p.args[2] = BPF_CORE_READ(o, how.flags);
        w->p.args[3] = BPF_CORE_READ(o, how.mode);
        if (res >= 0) {
                if (slot) {
                        /* into the ring's fixed-file table: a chosen slot (file_slot - 1, res 0) or a free
                         * one (res) */
                        fixed = slot == IOU_FILE_INDEX_ALLOC ? res : slot - 1;
                        f = core__iou_fixed_file(BPF_CORE_READ(req, ctx), fixed);
                } else
                        f = fd_file(res);
        }
        w->ob.retfile = (__u64)f;
        w->ob.have = TR_TO_RETFILE;
        if (!tr_terms_pass_objs(cfg, &w->p, res, 1, &w->ob)) {
                stat_inc(TR_STAT_FILTERED);
                return;
        }
        sc = bpf_map_lookup_elem(&tr_scratch, &zero);
        if (!sc)
                return;
        h = iou_begin(sc, id, owner, res);
        /* no pathname: the request frees its copy when it runs; ret_path is the file's kernel path */
        put_int(sc->buf, &off, 0, w->p.args[0]);
        put_int(sc->buf, &off, 2, w->p.args[2]);
        if (op == IORING_OP_OPENAT)
                put_int(sc->buf, &off, 3, w->p.args[3]);
        if (res >= 0) {
                __u16 mode = f ? BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT : 0;

                off = tr_put_file_info(sc, off, 14, (__u64)f);
                if (f && mode != S_IFSOCK && mode != S_IFIFO)
                        off = tr_put_file_path(sc, off, 15, (__u64)f);
        }
        put_int(sc->buf, &off, 22, op);
        if (fixed >= 0)
                put_int(sc->buf, &off, 23, fixed);
        h->size = off;
        output(s, sc->buf, off);
}

static __always_inline void iou_connect_done(struct tr_settings *s, struct io_kiocb *req, __s32 res, __u32 id,
                                             __u8 op, struct tr_evcfg *cfg, struct task_struct *owner,
                                             struct iou_req *r, struct iou_work *w)
{
        struct io_connect *c = (struct io_connect *)req;
        struct file *f = BPF_CORE_READ(c, file);
        const void *addr = BPF_CORE_READ(c, addr);
        __s64 alen = BPF_CORE_READ(c, addr_len);
        struct tr_event_hdr *h;
        struct scratch *sc;
        __u32 zero = 0, off = sizeof(struct tr_event_hdr);

        w->p.args[0] = r && !r->fixed ? r->fd : -1;
        w->p.args[1] = (__u64)addr;
        w->p.args[2] = alen;
        /* the socket is the request's file, whether an fd or a fixed-file slot named it */
        w->ob.argfile[0] = (__u64)f;
        w->ob.have = TR_TO_ARGFILE(0);
        if (!tr_terms_pass_objs(cfg, &w->p, res, 1, &w->ob)) {
                stat_inc(TR_STAT_FILTERED);
                return;
        }
        sc = bpf_map_lookup_elem(&tr_scratch, &zero);
        if (!sc)
                return;
        h = iou_begin(sc, id, owner, res);
        /* sockfd only when an fd named the socket, and its submission was seen */
        if (r && !r->fixed)
                put_int(sc->buf, &off, 0, r->fd);
        put_sockaddr(sc->buf, &off, 1, addr, alen < 0 ? 0 : alen);
        put_int(sc->buf, &off, 2, alen);
        off = tr_put_file_info(sc, off, 8 + 0, (__u64)f);
        put_int(sc->buf, &off, 22, op);
        if (r && r->fixed)
                put_int(sc->buf, &off, 23, r->fd);
        h->size = off;
        output(s, sc->buf, off);
}

static __always_inline void iou_names_done(struct tr_settings *s, struct io_kiocb *req, __u64 key, __s32 res,
                                           __u32 id, __u8 op, struct tr_evcfg *cfg, struct task_struct *owner,
                                           __u32 presumed, struct iou_work *w)
{
        struct iou_names *nm = bpf_map_lookup_elem(&tr_iou_names, &key);
        struct tr_event_hdr *h;
        struct scratch *sc;
        __u32 zero = 0, off = sizeof(struct tr_event_hdr);

        /* none: its names failed the terms at submission, or it was submitted before we watched */
        if (!nm)
                return;
        iou_names_args(req, op, &w->p, (__u64)nm->name[0], (__u64)nm->name[1]);
        w->ob.have = TR_TO_KSTR;
        if (!tr_terms_pass_objs(cfg, &w->p, res, 1, &w->ob)) {
                stat_inc(TR_STAT_FILTERED);
                return;
        }
        sc = bpf_map_lookup_elem(&tr_scratch, &zero);
        if (!sc)
                return;
        h = iou_begin(sc, id, owner, res);
        off = tr_iou_put_names(sc, off, op, &w->p);
        put_int(sc->buf, &off, 22, op);
        if (presumed)
                put_int(sc->buf, &off, 24, 1);
        h->size = off;
        output(s, sc->buf, off);
}

/* A watched request with result res, judged and emitted; mode IOU_DONE, IOU_KEEP or IOU_PRESUMED.
 * Global: verified once, not once per request the judge's loop handles. */
__noinline int tr_iou_done(__u64 key, __s32 res, __u32 mode)
{
        struct io_kiocb *req = (struct io_kiocb *)key;
        struct tr_settings *s = settings_get();
        struct task_struct *owner;
        struct iou_req *rp, r = {};
        struct iou_work *w;
        struct tr_evcfg *cfg;
        __u32 id = 0, kind, have_r = 0, zero = 0;
        __u8 op;

        w = bpf_map_lookup_elem(&tr_iou_work, &zero);
        if (!s || !req || !w)
                return 0;
        op = BPF_CORE_READ(req, opcode);
        kind = iou_kind(op);
        if (!kind)
                return 0;
        if (kind == IOU_CONNECT) {
                /* what its completion no longer has: the fd that named the socket */
                rp = bpf_map_lookup_elem(&tr_iou_req, &key);
                if (rp && rp->ctx == (__u64)BPF_CORE_READ(req, ctx)) {
                        r = *rp;
                        have_r = 1;
                }
        }
        if (mode == IOU_DONE)
                iou_forget(key);
        cfg = iou_cfg(op, &id);
        if (!cfg)
                goto out;
        owner = iou_owner(req);
        if (!owner) {
                stat_inc(TR_STAT_IOU_FOREIGN);
                goto out;
        }
        if (!tr_iou_filter((__u64)owner))
                goto out;
        __builtin_memset(w, 0, sizeof(*w));
        if (kind == IOU_OPEN)
                iou_open_done(s, req, res, id, op, cfg, owner, w);
        else if (kind == IOU_CONNECT)
                iou_connect_done(s, req, res, id, op, cfg, owner, have_r ? &r : NULL, w);
        else
                iou_names_done(s, req, key, res, id, op, cfg, owner, mode == IOU_PRESUMED, w);
out:
        if (kind == IOU_NAMES && mode != IOU_KEEP)
                bpf_map_delete_elem(&tr_iou_names, &key);
        return 0;
}

/*
 * A rename's names just kept at its submission: judged on the event's terms that are final already
 * (the context, the arguments, the names: not the result), and dropped if they fail, so that its
 * completion is not reported.
 */
__noinline int tr_iou_names_check(__u64 key)
{
        struct io_kiocb *req = (struct io_kiocb *)key;
        struct tr_settings *s = settings_get();
        struct iou_names *nm = bpf_map_lookup_elem(&tr_iou_names, &key);
        struct term_objs ob = { .have = TR_TO_KSTR };
        struct pending p = {};
        struct task_struct *owner;
        struct tr_evcfg *cfg;
        __u32 id = 0;
        __u8 op;

        if (!s || !req || !nm)
                return 0;
        op = BPF_CORE_READ(req, opcode);
        cfg = iou_cfg(op, &id);
        owner = iou_owner(req);
        if (cfg && owner && tr_iou_filter((__u64)owner)) {
                iou_names_args(req, op, &p, (__u64)nm->name[0], (__u64)nm->name[1]);
                if (tr_terms_pass_objs(cfg, &p, 0, 0, &ob))
                        return 0;
                stat_inc(TR_STAT_FILTERED);
        }
        bpf_map_delete_elem(&tr_iou_names, &key);
        return 0;
}

/* Not attached: tail-called by the three programs below with what tr_iou_args holds. */
SEC("raw_tracepoint")
int tr_iou_judge(void *ctx)
{
        __u32 zero = 0, n, mode;
        struct iou_judge_args *a = bpf_map_lookup_elem(&tr_iou_args, &zero);
        __s32 res;

        if (!a)
                return 0;
        n = a->n;
        res = a->res;
        mode = a->mode;
        if (mode == IOU_SUBMITTED)
                return tr_iou_names_check(a->req[0]);
        for (int i = 0; i < IOU_MATCH_MAX; i++) {
                if (i >= n)
                        break;
                tr_iou_done(a->req[i], res, mode);
        }
        return 0;
}

/* io_uring_complete(ctx, req, cqe) (6.3+); before: (ctx, req, user_data, res, cflags, ...) */
SEC("raw_tracepoint/io_uring_complete")
int tr_iou_complete(struct bpf_raw_tracepoint_args *ctx)
{
        struct io_kiocb *req = (struct io_kiocb *)ctx->args[1];
        __s32 res;

        /* no request: an auxiliary completion (a multishot request's, a message from another ring) */
        if (!req || !iou_kind(BPF_CORE_READ(req, opcode)))
                return 0;
        if (iou_complete_res)
                res = (__s32)ctx->args[3];
        else
                res = BPF_CORE_READ((struct io_uring_cqe *)ctx->args[2], res);
        return iou_judge(ctx, (__u64 *)&req, 1, res, IOU_DONE);
}

struct iou_match {
        __u64 ctx, user_data;
        __u64 req[IOU_MATCH_MAX];
        __u32 n;
};

static long iou_match_cb(struct bpf_map *map, __u64 *key, struct iou_req *v, struct iou_match *m)
{
        __u32 n = m->n;

        if (v->ctx != m->ctx || v->user_data != m->user_data)
                return 0;
        if (n < IOU_MATCH_MAX) {
                m->req[n] = *key;
                m->n = n + 1;
                return 0;
        }
        /* more than are kept: enough to know that it is one of several (and n stays bounded, which
         * the verifier needs to see the loop end) */
        m->n = IOU_MATCH_MAX + 1;
        return 1;
}

/* io_uring_cqe_overflow(ctx, user_data, res, cflags, ocqe): a completion kept aside, the CQ being full */
SEC("raw_tracepoint/io_uring_cqe_overflow")
int tr_iou_overflow(struct bpf_raw_tracepoint_args *ctx)
{
        struct iou_match m = {};
        __u32 zero = 0;
        __u64 *n = bpf_map_lookup_elem(&tr_iouopen, &zero);

        if (!n || !*n)
                return 0;       /* no watched request in flight: nothing this can be */
        m.ctx = ctx->args[0];
        m.user_data = ctx->args[1];
        bpf_for_each_map_elem(&tr_iou_req, iou_match_cb, &m, 0);
        if (!m.n)
                return 0;
        return iou_judge(ctx, m.req, m.n > IOU_MATCH_MAX ? IOU_MATCH_MAX : m.n, (__s32)ctx->args[2],
                         m.n > 1 ? IOU_KEEP : IOU_DONE);
}
