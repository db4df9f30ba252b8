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
        struct path fpath;
        struct tr_fdinfo fi;
        __u32 off = sizeof(struct tr_event_hdr);

        sc = sched_begin(&s, TR_EV_SCHED_PROCESS_EXEC, task);
        if (!sc)
                return 0;
        h = (struct tr_event_hdr *)sc->buf;
        file = BPF_CORE_READ(bprm, file);
        mm = BPF_CORE_READ(task, mm);
        if (file_is_memfd(file))
                h->flags |= TR_F_EXEC_MEMFD;
        /* 0 pathname: the binary actually executed, from the kernel's file */
        fpath = BPF_CORE_READ(file, f_path);
        put_path(sc->buf, &off, 0, &fpath);
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
        fdinfo_of(file, &fi);
        put_fdinfo(sc->buf, &off, 7, &fi);
        /* 8, 9, 10: what the new program's stdin, stdout and stderr are, when one is a socket (a
         * shell whose standard input and output is a network connection, however it got there) */
        if ((tr_fd_class(0, 0) | tr_fd_class(1, 0) | tr_fd_class(2, 0)) & TR_FC_SOCKET) {
                off = tr_put_fdinfo(sc, off, 8, 0);
                off = tr_put_fdinfo(sc, off, 9, 1);
                off = tr_put_fdinfo(sc, off, 10, 2);
        }
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
        sc = sched_begin(&s, TR_EV_SCHED_PROCESS_EXIT, task);
        if (!sc)
                return 0;
        /* 0 exit code as wait(2) reports it */
        put_int(sc->buf, &off, 0, BPF_CORE_READ(task, exit_code));
        ((struct tr_event_hdr *)sc->buf)->size = off;
        output(s, sc->buf, off);
        return 0;
}
