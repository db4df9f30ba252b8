// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Processes: the raw tracepoints sched_process_fork, sched_process_exec and sched_process_exit.
 * They feed the agent's process table whatever the rules ask for, and sched_process_exec is where
 * the kernel's view of a new program is read: the file it runs (not the name it was asked for),
 * its argv and environment in the new image, and what its fds 0-2 are.
 */
#include "terms.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline struct scratch *sched_begin(struct tr_settings **sp, __u32 type, struct task_struct *task)
{
        struct tr_settings *s = settings_get();
        struct tr_evcfg *cfg = evcfg_get(type);
        struct scratch *sc;
        __u32 zero = 0;

        if (!s || !cfg || !(cfg->flags & TR_EVCFG_ON))
                return NULL;
        if (!filter_early(s))
                return NULL;
        sc = bpf_map_lookup_elem(&tr_scratch, &zero);
        if (!sc)
                return NULL;
        /* no storage created here: an exiting task would only free it again */
        event_begin(sc, type, bpf_task_storage_get(&tr_task, bpf_get_current_task_btf(), 0, 0));
        *sp = s;
        return sc;
}

/* sched_process_fork(struct task_struct *parent, struct task_struct *child): new processes only. */
SEC("raw_tracepoint/sched_process_fork")
int tr_sched_fork(struct bpf_raw_tracepoint_args *ctx)
{
        struct task_struct *child = (struct task_struct *)ctx->args[1];
        struct task_struct *task = (struct task_struct *)bpf_get_current_task();
        struct tr_settings *s = NULL;
        struct scratch *sc;
        __u32 off = sizeof(struct tr_event_hdr);

        if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
                return 0;
        sc = sched_begin(&s, TR_EV_SCHED_PROCESS_FORK, task);
        if (!sc)
                return 0;
        put_int(sc->buf, &off, 0, BPF_CORE_READ(child, tgid));
        put_int(sc->buf, &off, 1, BPF_CORE_READ(child, start_time));
        put_int(sc->buf, &off, 2, pid_nr_at(BPF_CORE_READ(child, thread_pid),
                                            BPF_CORE_READ(child, thread_pid, level)));
        ((struct tr_event_hdr *)sc->buf)->size = off;
        output(s, sc->buf, off);
        return 0;
}

/* sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) */
/* ------------------------------------------------------------------------------------------------ */
/* exec: the loader's variables and options, searched in the whole environment and argv */

#define SCAN_CHUNK      512             /* bytes looked at per bpf_loop step */
#define SCAN_OVER       16              /* read past the chunk: a name starting at its end is whole */
#define SCAN_MAX        (8u << 20)      /* more than the kernel lets argv + envp be (rlimit stack / 4) */
#define SCAN_HITS       8
#define AT_BASE         7

enum { SCAN_ENV = 0, SCAN_ARGV = 1 };

struct scan {
        __u64 start, len;               /* the block: user address, bytes */
        __u64 chunk;                    /* offset in the block of the chunk in the buffer */
        __u64 hits[SCAN_HITS];          /* user addresses of the entries found */
        __u32 nhits;
        __u32 mode;                     /* SCAN_ENV, SCAN_ARGV */
        __u32 llp;                      /* SCAN_ENV: LD_LIBRARY_PATH= too */
        __u32 failed;                   /* a chunk could not be read: cannot tell */
        __u32 more;                     /* more hits than kept */
        __u32 done;                     /* the whole block was looked at */
};

/* Eight bytes of a name, as a little-endian word. */
#define W8(a, b, c, d, e, f, g, h)                                                                      \
        ((__u64)(a) | (__u64)(b) << 8 | (__u64)(c) << 16 | (__u64)(d) << 24 | (__u64)(e) << 32 |         \
         (__u64)(f) << 40 | (__u64)(g) << 48 | (__u64)(h) << 56)

/* Does the entry at buf + k (SCAN_OVER bytes readable past it) start with one of the names looked
 * for? Two word loads and a few compares: the verifier follows every byte of a chunk otherwise. */
static __always_inline int scan_entry(struct scan *c, const char *buf, __u64 k)
{
        __u64 x = *(const __u64 *)(buf + (k & 1023)), y = *(const __u64 *)(buf + ((k + 8) & 1023));

        if (c->mode == SCAN_ARGV)
                /* "--preload" or "--audit", as whole entries: the value is the next entry */
                return (x == W8('-', '-', 'p', 'r', 'e', 'l', 'o', 'a') && (y & 0xffff) == 'd') ||
                       x == W8('-', '-', 'a', 'u', 'd', 'i', 't', 0);
        if (x == W8('L', 'D', '_', 'P', 'R', 'E', 'L', 'O'))
                return (y & 0xffffff) == W8('A', 'D', '=', 0, 0, 0, 0, 0);
        if (x == W8('L', 'D', '_', 'A', 'U', 'D', 'I', 'T'))
                return (y & 0xff) == '=';
        return c->llp && x == W8('L', 'D', '_', 'L', 'I', 'B', 'R', 'A') && y == W8('R', 'Y', '_', 'P', 'A', 'T', 'H', '=');
}

static __always_inline void scan_hit(struct scan *c, __u64 addr)
{
        __u32 n = c->nhits;

        if (n >= SCAN_HITS) {
                c->more = 1;
                return;
        }
        c->hits[n & (SCAN_HITS - 1)] = addr;
        c->nhits = n + 1;
}

/* The entries starting in word w of the chunk (at: the word's offset in the block): a global
 * function, checked once instead of at each of scan_word's paths. */
__noinline int tr_scan_word(struct scan *c, struct pathbuf *pb, __u64 w, __u64 at)
{
        if (!c || !pb)
                return 0;
        for (int b = 0; b < 8; b++) {
                __u64 k = (w & (SCAN_CHUNK / 8 - 1)) * 8 + b;

                if (at + b + 1 >= c->len)
                        break;
                if (pb->buf[k] == 0 && scan_entry(c, pb->buf, k + 1))
                        scan_hit(c, c->start + at + b + 1);
        }
        return 0;
}

/*
 * One word of the block, for bpf_loop (its index i: the verifier checks this once, with i unknown,
 * instead of following every byte). Every SCAN_CHUNK / 8 words the next chunk is read into the
 * per-CPU buffer, SCAN_OVER bytes more so that a name starting at the chunk's end is there whole.
 * A word without a NUL is passed over at once; after each NUL starts an entry.
 */
static long scan_word(__u64 i, void *data)
{
        struct scan *c = data;
        __u64 at = i * 8, w = i % (SCAN_CHUNK / 8), v;
        struct pathbuf *pb;
        __u32 zero = 0;
        char *buf;

        if (at >= c->len) {
                c->done = 1;
                return 1;
        }
        pb = bpf_map_lookup_elem(&tr_pathbuf, &zero);
        if (!pb)
                return 1;
        buf = pb->buf;
        if (w == 0) {
                __u64 left = c->len - at, rd = left < SCAN_CHUNK + SCAN_OVER ? left : SCAN_CHUNK + SCAN_OVER;

                __builtin_memset(buf + SCAN_CHUNK, 0, SCAN_OVER + 8);
                asm volatile("" : "+r"(rd));
                if (rd > SCAN_CHUNK + SCAN_OVER ||
                    bpf_probe_read_user(buf, rd & (SCAN_CHUNK * 2 - 1), (void *)(c->start + at)) < 0) {
                        c->failed = 1;
                        return 1;
                }
                if (rd < SCAN_CHUNK + SCAN_OVER)
                        __builtin_memset(buf + (rd & (SCAN_CHUNK - 1)), 0, 8);
                c->chunk = at;
                if (at == 0 && c->mode == SCAN_ENV && scan_entry(c, buf, 0))
                        scan_hit(c, c->start);
        }
        v = *(__u64 *)(buf + (w & (SCAN_CHUNK / 8 - 1)) * 8);
        /* no zero byte in v: no entry starts in it */
        if (!((v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull))
                return 0;
        tr_scan_word(c, pb, w, at);
        return 0;
}

/* Copies the entries found (each NUL-terminated, at most 1 KiB; for argv with the value after each
 * option) as a TR_ARG_STRARR. */
__noinline int tr_scan_emit(struct scratch *sc, __u32 off, __u8 idx, struct scan *c)
{
        void *buf;

        __u32 base = off + sizeof(struct tr_arg), used = 0;
        __u8 type = TR_ARG_STRARR;

        if (!sc || !c)
                return off;
        buf = sc->buf;
        if (arg_begin(buf, &off, TR_STRARR_MAX_BYTES) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return off;
        }
        for (int i = 0; i < SCAN_HITS * 2; i++) {
                __u64 addr;
                long r;

                if (i / (c->mode == SCAN_ARGV ? 2 : 1) >= c->nhits || i >= SCAN_HITS * 2)
                        break;
                addr = c->hits[(c->mode == SCAN_ARGV ? i / 2 : i) & (SCAN_HITS - 1)];
                if (c->mode == SCAN_ARGV && (i & 1)) {
                        /* the value: the entry after the option's NUL */
                        char opt[4] = {};

                        bpf_probe_read_user(opt, sizeof(opt), (void *)addr);
                        addr += opt[2] == 'p' ? sizeof("--preload") : sizeof("--audit");
                }
                if (used + 1024 > TR_STRARR_MAX_BYTES) {
                        type |= TR_ARG_F_TRUNC;
                        break;
                }
                r = bpf_probe_read_user_str(slot(buf, base + used), 1024, (void *)addr);
                if (r <= 0)
                        break;
                if (r == 1024)
                        type |= TR_ARG_F_TRUNC;
                used += r;
        }
        if (c->more)
                type |= TR_ARG_F_TRUNC;
        arg_end(buf, &off, idx, type, used & (TR_STRARR_MAX_BYTES * 2 - 1));
        return off;
}

/* Whether the new image has no program interpreter (AT_BASE 0 in the auxiliary vector the kernel
 * kept): a static program, or the dynamic loader run directly (ld.so --preload lib prog). */
static __always_inline int no_interpreter(struct mm_struct *mm)
{
        __u32 zero = 0, sz = bpf_core_field_size(mm->saved_auxv);
        struct pathbuf *pb = bpf_map_lookup_elem(&tr_pathbuf, &zero);
        unsigned long *auxv;

        if (!pb)
                return 0;
        auxv = (unsigned long *)pb->buf;
        if (sz > 64 * sizeof(unsigned long))
                sz = 64 * sizeof(unsigned long);
        __builtin_memset(pb->buf, 0, 64 * sizeof(unsigned long));
        if (bpf_probe_read_kernel(auxv, sz & 1023, &mm->saved_auxv) < 0)
                return 0;
        for (int i = 0; i + 1 < 64; i += 2) {
                if (auxv[i] == 0)
                        break;
                if (auxv[i] == AT_BASE)
                        return auxv[i + 1] == 0;
        }
        return 0;
}

/*
 * Appends what the loader will act on: 13, the environment's LD_PRELOAD=, LD_AUDIT= (and, asked,
 * LD_LIBRARY_PATH=) entries, wherever they are in it; 14, whether the whole environment was read
 * (0: it could not be, so nobody can tell it is clean); 15, for a program without an interpreter,
 * argv's --preload and --audit options with their values.
 */
__noinline int tr_put_ld_scan(struct scratch *sc, __u32 off, __u64 mm_addr, __u32 llp)
{
        struct mm_struct *mm = (struct mm_struct *)mm_addr;
        struct scan c = {};

        if (!sc || !mm)
                return off;
        c.start = BPF_CORE_READ(mm, env_start);
        c.len = BPF_CORE_READ(mm, env_end) - c.start;
        if (c.len > SCAN_MAX)
                c.len = 0, c.failed = 1;
        c.llp = llp;
        c.mode = SCAN_ENV;
        bpf_loop(SCAN_MAX / 8 + 1, scan_word, &c, 0);
        if (!c.done)
                c.failed = 1;
        off = tr_scan_emit(sc, off, 13, &c);
        put_int(sc->buf, &off, 14, !c.failed);
        if (!no_interpreter(mm))
                return off;
        __builtin_memset(&c, 0, sizeof(c));
        c.start = BPF_CORE_READ(mm, arg_start);
        c.len = BPF_CORE_READ(mm, arg_end) - c.start;
        if (c.len > SCAN_MAX)
                c.len = 0;
        c.mode = SCAN_ARGV;
        bpf_loop(SCAN_MAX / 8 + 1, scan_word, &c, 0);
        if (c.nhits)
                off = tr_scan_emit(sc, off, 15, &c);
        return off;
}

SEC("raw_tracepoint/sched_process_exec")
int tr_sched_exec(struct bpf_raw_tracepoint_args *ctx)
{
        struct task_struct *task = (struct task_struct *)bpf_get_current_task();
        struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
        struct tr_settings *s = NULL;
        struct tr_event_hdr *h;
        struct scratch *sc;
        struct file *file;
        struct mm_struct *mm;
        __u32 off = sizeof(struct tr_event_hdr);

        sc = sched_begin(&s, TR_EV_SCHED_PROCESS_EXEC, task);
        if (!sc)
                return 0;
        h = (struct tr_event_hdr *)sc->buf;
        file = BPF_CORE_READ(bprm, file);
        mm = BPF_CORE_READ(task, mm);
        if (tr_file_is_memfd((__u64)file))
                h->flags |= TR_F_EXEC_MEMFD;
        /* 0 pathname: the binary actually executed, from the kernel's file */
        off = tr_put_file_path(sc, off, 0, (__u64)file);
        /* 1 filename as passed to exec (bprm->filename; "/dev/fd/N" for fexecve) */
        put_str(sc->buf, &off, 1, BPF_CORE_READ(bprm, filename), 0);
        /* 2 interpreter (differs from filename for scripts) */
        put_str(sc->buf, &off, 2, BPF_CORE_READ(bprm, interp), 0);
        /* 3 argv, 4 env */
        put_mm_block(sc->buf, &off, 3, BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end),
                     TR_STRARR_MAX_BYTES);
        if (s->flags & TR_SET_EXEC_ENV)
                put_mm_block(sc->buf, &off, 4, BPF_CORE_READ(mm, env_start), BPF_CORE_READ(mm, env_end),
                             ENV_MAX_BYTES);
        /* 5 old pid (the thread that called exec, before de_thread) */
        put_int(sc->buf, &off, 5, (__s32)ctx->args[1]);
        /* 6 inode mode of the binary */
        put_int(sc->buf, &off, 6, BPF_CORE_READ(file, f_inode, i_mode));
        /* 7 what the executed file is (memfd, on /dev/shm, deleted...) */
        off = tr_put_file_info(sc, off, 7, (__u64)file);
        /* 8, 9, 10: what the new program's stdin, stdout and stderr are, when one is a socket (a
         * shell whose standard input and output is a network connection, however it got there) */
        if ((tr_fd_class(0, 0) | tr_fd_class(1, 0) | tr_fd_class(2, 0)) & TR_FC_SOCKET) {
                off = tr_put_fdinfo(sc, off, 8, 0);
                off = tr_put_fdinfo(sc, off, 9, 1);
                off = tr_put_fdinfo(sc, off, 10, 2);
        }
        /* 11, 12: a script (binfmt_script swapped bprm->file for its interpreter): the script's own
         * file when it was run through /dev/fd/N or /proc/self/fd/N (fexecve of a memfd: the fd is
         * still open for the interpreter), and the directory a relative script name resolves in */
        if (BPF_CORE_READ(bprm, interp) != BPF_CORE_READ(bprm, filename)) {
                char fn[24] = {};
                int nfd = -1, at = 0;

                bpf_probe_read_kernel_str(fn, sizeof(fn), BPF_CORE_READ(bprm, filename));
                if (fn[0] == '/' && fn[1] == 'd' && fn[2] == 'e' && fn[3] == 'v' && fn[4] == '/' && fn[5] == 'f' &&
                    fn[6] == 'd' && fn[7] == '/')
                        at = 8;
                else if (fn[0] == '/' && fn[1] == 'p' && fn[2] == 'r' && fn[3] == 'o' && fn[4] == 'c' && fn[5] == '/' &&
                         fn[6] == 's' && fn[7] == 'e' && fn[8] == 'l' && fn[9] == 'f' && fn[10] == '/' && fn[11] == 'f' &&
                         fn[12] == 'd' && fn[13] == '/')
                        at = 14;
                if (at) {
                        nfd = 0;
                        for (int i = 0; i < 8; i++) {
                                char ch = fn[(at + i) & 31];

                                if (ch == 0)
                                        break;
                                if (ch < '0' || ch > '9' || nfd > 100000) {
                                        nfd = -1;
                                        break;
                                }
                                nfd = nfd * 10 + (ch - '0');
                        }
                }
                if (nfd >= 0)
                        off = tr_put_fdinfo(sc, off, 11, nfd);
                off = tr_put_base_dir(sc, off, 12, AT_FDCWD, fn[0] == '/');
        }
        /* 13, 14, 15: what the loader will act on */
        if (s->flags & TR_SET_LDSCAN)
                off = tr_put_ld_scan(sc, off, (__u64)mm, !!(s->flags & TR_SET_LDSCAN_LLP));
        h->size = off;
        output(s, sc->buf, off);
        return 0;
}

/* sched_process_exit(struct task_struct *p, ...): once per process, when its last thread exits. */
SEC("raw_tracepoint/sched_process_exit")
int tr_sched_exit(struct bpf_raw_tracepoint_args *ctx)
{
        struct task_struct *task = (struct task_struct *)bpf_get_current_task();
        struct tr_settings *s = NULL;
        struct scratch *sc;
        __u32 off = sizeof(struct tr_event_hdr);

        if (BPF_CORE_READ(task, signal, live.counter) != 0)
                return 0;
        tr_shed_exit();
        sc = sched_begin(&s, TR_EV_SCHED_PROCESS_EXIT, task);
        if (!sc)
                return 0;
        /* 0 exit code as wait(2) reports it */
        put_int(sc->buf, &off, 0, BPF_CORE_READ(task, exit_code));
        ((struct tr_event_hdr *)sc->buf)->size = off;
        output(s, sc->buf, off);
        return 0;
}
