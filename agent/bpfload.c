/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The BPF loader; see bpfload.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpfload.h"
#include "catalog.h"
#include "compat.h"
#include "log.h"
#include "ringbuf.h"
#include "tracee.skel.h"

#define TRACEFS "/sys/kernel/tracing"
#define TRACEFS_MAGIC 0x74726163
#define DEFAULT_RINGBUF (8u << 20)
#define DEFAULT_WAKEUP (256u << 10)

/* What this kernel's io_uring tracepoints take (iou_probe()). */
typedef struct IouProbe {
        bool ok;                /* io_uring_complete and a submission tracepoint, with known arguments */
        bool overflow;          /* io_uring_cqe_overflow(ctx, user_data, res, cflags, ocqe) */
        bool submit_sqe;        /* submission is io_uring_submit_sqe(ctx, req, ...) (before 5.19): req second */
        bool complete_res;      /* io_uring_complete(ctx, req, user_data, res, ...) (before 6.3) */
        const char *submit_tp;
        char why[160];          /* why not ok */
} IouProbe;

struct Bpf {
        struct bpf_object *obj;
        RingReader *rb;
        int fd_settings, fd_evcfg, fd_sysdesc, fd_stats, fd_shedproc, fd_shedpending;
        int fd_f_pid, fd_f_comm, fd_f_uid, fd_f_mntns, fd_f_pidns;
        int fd_shmdev, fd_watchino, fd_names;
        struct tr_settings settings;
        /* per syscall number: the enter and exit links, NULL when detached */
        struct bpf_link *enter[TR_MAX_SYSCALL];
        struct bpf_link *exit[TR_MAX_SYSCALL];
        struct bpf_link *sched[3];
        /* The one enter and one exit stub attached to every syscall tracepoint (see bpf_new). */
        struct bpf_program *stub_enter, *stub_exit;
        struct bpf_link *raw[2];        /* raw sys_exit (fallback, compat watch) and sys_enter (fallback) */
        bool raw_fallback;
        bool compat;                    /* the compat watch may be used (tr_raw_exit is loaded) */
        unsigned raw_native;            /* syscalls watched through the fallback */
        unsigned compat_watched;        /* tr_compat entries on */
        int fd_rawnr, fd_compat;
        /* io_uring (bpf/iouring.bpf.c): what this kernel's tracepoints take, their links when attached */
        IouProbe iou;
        struct bpf_link *iou_links[3];  /* completion, overflow, submission */
        bool iou_warned;
        unsigned attached;
        int (*on_record)(void *userdata, const void *rec, size_t len);
        void *userdata;
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
        char *buf = NULL;
        size_t n;

        if (level == LIBBPF_DEBUG && log_get_max_level() < LOG_DEBUG)
                return 0;
        if (vasprintf(&buf, fmt, ap) < 0)
                return 0;
        n = strlen(buf);
        while (n > 0 && buf[n - 1] == '\n')
                buf[--n] = 0;
        /* verifier logs are long: write them whole */
        if (n > 1000)
                fprintf(stderr, "%s\n", buf);
        else
                log_full_errno(level == LIBBPF_WARN ? LOG_WARNING : LOG_DEBUG, 0, "%s", buf);
        free(buf);
        return 0;
}

int tracefs_ensure(void)
{
        struct statfs sf;

        if (statfs(TRACEFS, &sf) == 0 && sf.f_type == TRACEFS_MAGIC)
                return 0;
        if (mount("tracefs", TRACEFS, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
                return -errno;
        log_debug("mounted tracefs on " TRACEFS);
        return 0;
}

bool bpf_event_available(const char *tp)
{
        char path[256];

        snprintf(path, sizeof(path), TRACEFS "/events/syscalls/sys_enter_%s", tp);
        return access(path, F_OK) == 0;
}

static int map_fd_checked(Bpf *b, const char *source, const char *name, size_t value_size, int *ret_fd)
{
        struct bpf_map *m = bpf_object__find_map_by_name(b->obj, name);

        if (!m)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "BPF object %s does not match this agent: it has no map '%s' "
                                       "(built from another version of Tracee?)", source, name);
        if (value_size && bpf_map__value_size(m) != value_size)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "BPF object %s does not match this agent: map '%s' has %u-byte values, "
                                       "this agent expects %zu (built from another version of Tracee?)",
                                       source, name, bpf_map__value_size(m), value_size);
        if (ret_fd)
                *ret_fd = bpf_map__fd(m);
        return 0;
}

static int fill_set(int fd, const void *keys, size_t keysz, unsigned n);

/* The TR_FC_* bits the kernel side computes for the returned file of an event (tr_evcfg.retwant):
 * what its TR_FIELD_RETCLASS terms look at, those of a term that needs TR_FC_WRITE in the high
 * half (only for a file open for writing). */
uint64_t evcfg_retwant(const struct tr_evcfg *cfg)
{
        uint64_t w = 0;

        for (unsigned i = 0; i < cfg->nterms && i < TR_MAX_TERMS; i++) {
                const struct tr_term *t = &cfg->terms[i];
                uint64_t bits = (uint32_t) (t->mask | t->value);

                if (t->field != TR_FIELD_RETCLASS)
                        continue;
                if (t->op == TR_OP_MASK_EQ && (t->value & t->mask & TR_FC_WRITE))
                        w |= bits << 32;
                else
                        w |= bits;
        }
        return w;
}

/* Writes an event's configuration into the kernel's table, with what it derives (retwant). */
static int evcfg_put(Bpf *b, uint32_t id, struct tr_evcfg *cfg)
{
        cfg->retwant = evcfg_retwant(cfg);
        if (bpf_map_update_elem(b->fd_evcfg, &id, cfg, BPF_ANY) < 0)
                return log_error_errno(errno, "cannot update the event table: %m");
        return 0;
}

/* The kernel's encoding of a device number (MKDEV: major << 20 | minor), which is what a
 * superblock's s_dev holds; stat() gives the userspace encoding. */
static uint32_t kernel_dev(dev_t d)
{
        return (uint32_t) (major(d) << 20 | (minor(d) & 0xfffff));
}

/*
 * What the kernel side cannot find out alone: which superblock is the host's /dev/shm (TR_FC_SHM),
 * and what /etc/ld.so.preload is now, so that its hard links under other names are known too
 * (TR_FC_PRELOAD). Both are best effort: a missing /dev/shm or preload file is the normal case.
 */
static void seed_file_maps(Bpf *b)
{
        static const char *const shm[] = { "/dev/shm", "/run/shm" };
        uint8_t one = 1;
        struct stat st;
        int fd;

        for (size_t i = 0; i < sizeof(shm) / sizeof(shm[0]); i++)
                if (stat(shm[i], &st) == 0 && S_ISDIR(st.st_mode)) {
                        uint32_t dev = kernel_dev(st.st_dev);

                        (void) bpf_map_update_elem(b->fd_shmdev, &dev, &one, BPF_ANY);
                }
        /* i_generation is part of the key: FS_IOC_GETVERSION reads it */
        fd = open("/etc/ld.so.preload", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd >= 0) {
                struct { uint64_t ino; uint32_t dev, gen; } k = {};
                int gen = 0;

                if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ioctl(fd, FS_IOC_GETVERSION, &gen) == 0) {
                        k.ino = st.st_ino;
                        k.dev = kernel_dev(st.st_dev);
                        k.gen = (uint32_t) gen;
                        (void) bpf_map_update_elem(b->fd_watchino, &k, &one, BPF_ANY);
                }
                close(fd);
        }
}

int bpf_set_names(Bpf *b, const char (*names)[TR_NAME_MAX], unsigned n)
{
        int r = fill_set(b->fd_names, names, TR_NAME_MAX, n);

        if (r < 0)
                return log_error_errno(r, "cannot write the watched names: %m");
        return 0;
}

static int ring_cb(void *ctx, const void *data, size_t size)
{
        Bpf *b = ctx;

        return b->on_record ? b->on_record(b->userdata, data, size) : 0;
}

/*
 * The io_uring tracepoints of this kernel, from the prototypes of their raw tracepoints in its BTF
 * (the btf_trace_<name> typedefs): whether they are there, and which argument lists they have
 * (bpf/iouring.bpf.c reads either). Without them io_uring requests are not watched.
 */
static int tp_nargs(const struct btf *btf, const char *tp)
{
        char name[96];
        const struct btf_type *t;
        int id;

        snprintf(name, sizeof(name), "btf_trace_%s", tp);
        id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
        if (id < 0)
                return -ENOENT;
        t = btf__type_by_id(btf, id);
        t = t ? btf__type_by_id(btf, t->type) : NULL;
        t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
        if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 1)
                return -EINVAL;
        return btf_vlen(t) - 1;         /* without the leading void *__data */
}

static void iou_probe(const char *btf_file, IouProbe *ret)
{
        IouProbe p = { .submit_tp = "io_uring_submit_req" };
        struct btf *btf = btf_file ? btf__parse(btf_file, NULL) : btf__load_vmlinux_btf();
        int n;

        if (!btf) {
                snprintf(p.why, sizeof(p.why), "the kernel's BTF cannot be read");
                *ret = p;
                return;
        }
        n = tp_nargs(btf, "io_uring_complete");
        if (n == 3)
                p.complete_res = false;         /* (ctx, req, cqe), 6.3+ */
        else if (n == 5 || n == 7)
                p.complete_res = true;          /* (ctx, req, user_data, res, cflags[, extra1, extra2]) */
        else {
                snprintf(p.why, sizeof(p.why), n == -ENOENT ? "this kernel has no io_uring tracepoints" :
                         "io_uring_complete has %d arguments here, not a known list", n);
                goto out;
        }
        /* io_uring_submit_req(req) (6.2+), io_uring_submit_sqe(req, force_nonblock) (5.19-6.1),
         * io_uring_submit_sqe(ctx, req, user_data, opcode, flags, force_nonblock, sq_thread) */
        n = tp_nargs(btf, "io_uring_submit_req");
        if (n != 1) {
                n = tp_nargs(btf, "io_uring_submit_sqe");
                if (n != 2 && n != 7) {
                        snprintf(p.why, sizeof(p.why), n == -ENOENT ?
                                 "this kernel has no known io_uring submission tracepoint" :
                                 "io_uring_submit_sqe has %d arguments here, not a known list", n);
                        goto out;
                }
                p.submit_tp = "io_uring_submit_sqe";
                p.submit_sqe = n == 7;
        }
        p.overflow = tp_nargs(btf, "io_uring_cqe_overflow") == 5;
        p.ok = true;
out:
        btf__free(btf);
        *ret = p;
}

/* Sets a `const volatile __u32` global of the object before it is loaded. */
static int rodata_set_u32(struct bpf_object *obj, const char *var, uint32_t v)
{
        struct bpf_map *m = bpf_object__find_map_by_name(obj, ".rodata");
        const struct btf *btf = bpf_object__btf(obj);
        const struct btf_var_secinfo *vs;
        const struct btf_type *sec;
        const void *cur;
        size_t size;
        int id, r;

        if (!m || !btf || !(cur = bpf_map__initial_value(m, &size)))
                return -ENOENT;
        id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
        if (id < 0)
                return -ENOENT;
        sec = btf__type_by_id(btf, id);
        vs = btf_var_secinfos(sec);
        for (unsigned i = 0; i < btf_vlen(sec); i++, vs++) {
                const struct btf_type *t = btf__type_by_id(btf, vs->type);
                char *data;

                if (!t || strcmp(btf__name_by_offset(btf, t->name_off), var) != 0)
                        continue;
                if (vs->size != sizeof(v) || vs->offset + sizeof(v) > size)
                        return -EINVAL;
                data = malloc(size);
                if (!data)
                        return -ENOMEM;
                memcpy(data, cur, size);
                memcpy(data + vs->offset, &v, sizeof(v));
                r = bpf_map__set_initial_value(m, data, size);
                free(data);
                return r;
        }
        return -ENOENT;
}

/* the attached programs (in the order of Bpf.iou_links), then the one they tail-call */
static const char *const iou_progs[] = { "tr_iou_complete", "tr_iou_overflow", "tr_iou_submit", "tr_iou_judge" };

/* Loads the io_uring programs only if the kernel has the tracepoints and the object the programs. */
static bool iou_configure(Bpf *b, bool want)
{
        bool ok = want && b->iou.ok;

        for (size_t i = 0; i < sizeof(iou_progs) / sizeof(iou_progs[0]); i++)
                if (!bpf_object__find_program_by_name(b->obj, iou_progs[i]) ||
                    !bpf_object__find_map_by_name(b->obj, "tr_iouop") ||
                    !bpf_object__find_map_by_name(b->obj, "tr_iou_tail")) {
                        if (want && b->iou.ok)
                                snprintf(b->iou.why, sizeof(b->iou.why), "the BPF object has no io_uring programs");
                        ok = false;
                }
        if (ok && (rodata_set_u32(b->obj, "iou_submit_sqe", b->iou.submit_sqe) < 0 ||
                   rodata_set_u32(b->obj, "iou_complete_res", b->iou.complete_res) < 0)) {
                snprintf(b->iou.why, sizeof(b->iou.why), "the BPF object's io_uring settings cannot be set");
                ok = false;
        }
        for (size_t i = 0; i < sizeof(iou_progs) / sizeof(iou_progs[0]); i++) {
                struct bpf_program *p = bpf_object__find_program_by_name(b->obj, iou_progs[i]);

                if (p)
                        bpf_program__set_autoload(p, ok);
        }
        if (!ok)
                b->iou.ok = false;
        return ok;
}

static int check_object(Bpf *b, const char *source)
{
        static const char *const progs[] = {
                "tr_sys_enter", "tr_sys_exit", "tr_sched_fork", "tr_sched_exec", "tr_sched_exit",
        };
        size_t n;
        const EventDef *all = catalog_all(&n);

        for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
                if (!bpf_object__find_program_by_name(b->obj, progs[i]))
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                               "BPF object %s does not match this agent: it has no program '%s'",
                                               source, progs[i]);
        for (size_t i = 0; i < n; i++) {
                char name[64];

                if (!catalog_is_syscall(&all[i]))
                        continue;
                snprintf(name, sizeof(name), "tp_enter_%s", all[i].tracepoint);
                if (!bpf_object__find_program_by_name(b->obj, name))
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                               "BPF object %s does not match this agent: it has no program '%s'",
                                               source, name);
        }
        if (!bpf_object__find_map_by_name(b->obj, "tr_events"))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "BPF object %s does not match this agent: it has no map 'tr_events'", source);
        return 0;
}

/*
 * Opens the object and chooses what to load: the two shared syscall stubs, the raw fallback if
 * asked for, the io_uring programs if iou. Leaves b->obj open, not loaded.
 */
static int object_prepare(Bpf *b, const BpfOptions *o, const char *source, const struct bpf_object_open_opts *oo,
                          uint64_t rbsize, bool iou)
{
        struct bpf_map *events;
        size_t n;
        const EventDef *all = catalog_all(&n);
        int r;

        if (o->bpf_object)
                b->obj = bpf_object__open_file(o->bpf_object, oo);
        else {
                size_t sz;
                const void *bytes = tracee__elf_bytes(&sz);

                b->obj = bpf_object__open_mem(bytes, sz, oo);
        }
        if (!b->obj) {
                r = -errno;
                return log_error_errno(r, "cannot open BPF object %s: %m", source);
        }
        r = check_object(b, source);
        if (r < 0)
                return r;
        events = bpf_object__find_map_by_name(b->obj, "tr_events");
        r = bpf_map__set_max_entries(events, (uint32_t) rbsize);
        if (r < 0)
                return log_error_errno(r, "cannot size the ring buffer to %llu bytes: %m", (unsigned long long) rbsize);
        /*
         * The per-syscall stubs are all the same few instructions (a tail call into the shared
         * handler, which reads nothing from the context itself), so one enter stub and one exit stub
         * serve every syscall tracepoint: load those two and skip verifying ~90 identical copies,
         * which was a large part of start-up. attach_syscall() attaches the pair to each tracepoint.
         */
        b->stub_enter = b->stub_exit = NULL;
        for (size_t i = 0; i < n; i++) {
                char name[64];
                struct bpf_program *pe, *px;

                if (!catalog_is_syscall(&all[i]))
                        continue;
                snprintf(name, sizeof(name), "tp_enter_%s", all[i].tracepoint);
                pe = bpf_object__find_program_by_name(b->obj, name);
                snprintf(name, sizeof(name), "tp_exit_%s", all[i].tracepoint);
                px = bpf_object__find_program_by_name(b->obj, name);
                if (!pe || !px)
                        continue;
                if (!b->stub_enter) {
                        b->stub_enter = pe;
                        b->stub_exit = px;
                        continue;
                }
                bpf_program__set_autoload(pe, false);
                bpf_program__set_autoload(px, false);
        }
        if (!b->stub_enter)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "BPF object %s has no syscall tracepoint stubs", source);
        /* Without the fallback or the compat watch, don't pay for verifying the large raw programs
         * (the compat watch needs only the exit one). */
        b->raw_fallback = o->raw_fallback;
        b->compat = o->compat_syscalls;
        {
                struct bpf_program *pe = bpf_object__find_program_by_name(b->obj, "tr_raw_enter");
                struct bpf_program *px = bpf_object__find_program_by_name(b->obj, "tr_raw_exit");

                if (!pe || !px || !bpf_object__find_map_by_name(b->obj, "tr_compat")) {
                        if (o->raw_fallback || o->compat_syscalls)
                                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "BPF object %s has no raw syscall "
                                                       "programs (tr_raw_enter/tr_raw_exit, tr_compat)", source);
                        b->raw_fallback = false;
                        b->compat = false;
                } else {
                        if (!o->raw_fallback)
                                bpf_program__set_autoload(pe, false);
                        if (!o->raw_fallback && !o->compat_syscalls)
                                bpf_program__set_autoload(px, false);
                }
        }
        (void) iou_configure(b, iou);
        return 0;
}

int bpf_new(const BpfOptions *o, Bpf **ret)
{
        LIBBPF_OPTS(bpf_object_open_opts, oo);
        const char *source = o->bpf_object ? o->bpf_object : "(built in)";
        struct bpf_map *events;
        uint64_t rbsize = o->ringbuf_size ? o->ringbuf_size : DEFAULT_RINGBUF;
        size_t n;
        const EventDef *all = catalog_all(&n);
        uint32_t zero = 0;
        Bpf *b;
        int r;

        libbpf_set_print(libbpf_print);
        if (rbsize < 4096 || (rbsize & (rbsize - 1)))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "ring buffer size %llu is not a power of two of at least 4096 bytes",
                                       (unsigned long long) rbsize);
        if (o->btf_file) {
                if (access(o->btf_file, R_OK) < 0)
                        return log_error_errno(errno, "cannot read BTF file %s: %m", o->btf_file);
                oo.btf_custom_path = o->btf_file;
        } else if (access("/sys/kernel/btf/vmlinux", R_OK) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(ENOENT),
                                       "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): "
                                       "give a BTF file for it with btf_file= or --btf-file");

        r = tracefs_ensure();
        if (r < 0)
                return log_error_errno(r, "tracefs is not mounted on " TRACEFS " and mounting it failed: %m");

        b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        b->on_record = o->on_record;
        b->userdata = o->userdata;
        iou_probe(o->btf_file, &b->iou);

        oo.object_name = "tracee";
        r = object_prepare(b, o, source, &oo, rbsize, true);
        if (r < 0)
                goto fail;
        r = bpf_object__load(b->obj);
        if (r < 0 && r != -EPERM && b->iou.ok) {
                /* io_uring is optional: a kernel whose io_uring structures these programs cannot read
                 * still gets everything else */
                log_warning_errno(r, "the io_uring programs do not load on this kernel (log above), so io_uring "
                                  "requests are not watched, ignoring: %m");
                snprintf(b->iou.why, sizeof(b->iou.why), "its programs do not load on this kernel");
                b->iou.ok = false;
                bpf_object__close(b->obj);
                r = object_prepare(b, o, source, &oo, rbsize, false);
                if (r < 0)
                        goto fail;
                r = bpf_object__load(b->obj);
        }
        if (r < 0) {
                if (r == -EPERM)
                        log_error_errno(r, "loading the BPF programs was refused: %m "
                                        "(Tracee needs root, or CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)");
                else if (r == -EACCES || r == -EINVAL)
                        log_error_errno(r, "the kernel's verifier rejected BPF object %s (log above): %m", source);
                else
                        log_error_errno(r, "cannot load BPF object %s into this kernel: %m", source);
                goto fail;
        }
        events = bpf_object__find_map_by_name(b->obj, "tr_events");
        if ((r = map_fd_checked(b, source, "tr_settings", sizeof(struct tr_settings), &b->fd_settings)) < 0 ||
            (r = map_fd_checked(b, source, "tr_evcfg", sizeof(struct tr_evcfg), &b->fd_evcfg)) < 0 ||
            (r = map_fd_checked(b, source, "tr_sysdesc", sizeof(struct tr_sysdesc), &b->fd_sysdesc)) < 0 ||
            (r = map_fd_checked(b, source, "tr_stats", sizeof(uint64_t), &b->fd_stats)) < 0 ||
            (r = map_fd_checked(b, source, "tr_shedproc", sizeof(struct tr_shed_proc), &b->fd_shedproc)) < 0 ||
            (r = map_fd_checked(b, source, "tr_shedpending", sizeof(int64_t), &b->fd_shedpending)) < 0 ||
            (r = map_fd_checked(b, source, "tr_f_pid", 1, &b->fd_f_pid)) < 0 ||
            (r = map_fd_checked(b, source, "tr_f_comm", 1, &b->fd_f_comm)) < 0 ||
            (r = map_fd_checked(b, source, "tr_f_uid", 1, &b->fd_f_uid)) < 0 ||
            (r = map_fd_checked(b, source, "tr_f_mntns", 1, &b->fd_f_mntns)) < 0 ||
            (r = map_fd_checked(b, source, "tr_f_pidns", 1, &b->fd_f_pidns)) < 0 ||
            (r = map_fd_checked(b, source, "tr_shmdev", 1, &b->fd_shmdev)) < 0 ||
            (r = map_fd_checked(b, source, "tr_watchino", 1, &b->fd_watchino)) < 0 ||
            (r = map_fd_checked(b, source, "tr_names", 1, &b->fd_names)) < 0)
                goto fail;
        seed_file_maps(b);
        b->fd_rawnr = -1;
        b->fd_compat = -1;
        if (b->raw_fallback && (r = map_fd_checked(b, source, "tr_rawnr", 1, &b->fd_rawnr)) < 0)
                goto fail;
        if (b->compat && (r = map_fd_checked(b, source, "tr_compat", sizeof(struct tr_compat), &b->fd_compat)) < 0)
                goto fail;

        for (size_t i = 0; i < n; i++) {
                struct tr_sysdesc d;
                uint32_t k = all[i].id;

                if (!catalog_sysdesc(&all[i], &d))
                        continue;
                if (bpf_map_update_elem(b->fd_sysdesc, &k, &d, BPF_ANY) < 0) {
                        r = log_error_errno(errno, "cannot write the capture table: %m");
                        goto fail;
                }
        }
        /* which event each watched io_uring opcode stands for, and the program that judges them */
        if (b->iou.ok) {
                int fd_iouop, fd_tail, fd_judge = bpf_program__fd(bpf_object__find_program_by_name(b->obj,
                                                                                                   "tr_iou_judge"));

                if ((r = map_fd_checked(b, source, "tr_iouop", sizeof(uint32_t), &fd_iouop)) < 0 ||
                    (r = map_fd_checked(b, source, "tr_iou_tail", sizeof(uint32_t), &fd_tail)) < 0)
                        goto fail;
                if (bpf_map_update_elem(fd_tail, &zero, &fd_judge, BPF_ANY) < 0) {
                        r = log_error_errno(errno, "cannot set up the io_uring judging program: %m");
                        goto fail;
                }
                for (size_t i = 0; i < n; i++) {
                        uint32_t op = all[i].iouring_op, id = all[i].id;

                        if (!op || op >= TR_IOU_MAX_OP)
                                continue;
                        if (bpf_map_update_elem(fd_iouop, &op, &id, BPF_ANY) < 0) {
                                r = log_error_errno(errno, "cannot write the io_uring opcode table: %m");
                                goto fail;
                        }
                }
        }
        b->settings.self_tgid = getpid();
        b->settings.wakeup_bytes = o->wakeup_bytes ? o->wakeup_bytes : DEFAULT_WAKEUP;
        if (b->settings.wakeup_bytes > rbsize / 4)
                b->settings.wakeup_bytes = rbsize / 4;
        /* 1/16 of the ring for a flood before it is shed: the other 15/16 stay for everyone else */
        b->settings.shed_bytes = o->shed ? rbsize / 16 : 0;
        if (b->settings.shed_bytes && b->settings.shed_bytes < b->settings.wakeup_bytes)
                b->settings.shed_bytes = b->settings.wakeup_bytes;
        b->settings.strarr_max_count = TR_STRARR_MAX_COUNT;
        b->settings.flags = o->exec_env ? TR_SET_EXEC_ENV : 0;
        if (bpf_map_update_elem(b->fd_settings, &zero, &b->settings, BPF_ANY) < 0) {
                r = log_error_errno(errno, "cannot write the BPF settings: %m");
                goto fail;
        }

        r = ringreader_new(bpf_map__fd(events), ring_cb, b, &b->rb);
        if (r < 0) {
                log_error_errno(r, "cannot map the ring buffer: %m");
                goto fail;
        }
        *ret = b;
        return 0;
fail:
        bpf_free(b);
        return r < 0 ? r : -EINVAL;
}

Bpf *bpf_free(Bpf *b)
{
        if (!b)
                return NULL;
        for (unsigned i = 0; i < TR_MAX_SYSCALL; i++) {
                bpf_link__destroy(b->enter[i]);
                bpf_link__destroy(b->exit[i]);
        }
        for (unsigned i = 0; i < 3; i++)
                bpf_link__destroy(b->sched[i]);
        for (unsigned i = 0; i < 2; i++)
                bpf_link__destroy(b->raw[i]);
        for (unsigned i = 0; i < 3; i++)
                bpf_link__destroy(b->iou_links[i]);
        ringreader_free(b->rb);
        bpf_object__close(b->obj);
        free(b);
        return NULL;
}

static int attach_sched(Bpf *b, unsigned slot, const char *prog)
{
        struct bpf_program *p = bpf_object__find_program_by_name(b->obj, prog);

        if (b->sched[slot])
                return 0;
        b->sched[slot] = bpf_program__attach(p);
        if (!b->sched[slot])
                return log_error_errno(errno, "cannot attach %s: %m", prog);
        b->attached++;
        return 0;
}

static int attach_syscall(Bpf *b, const EventDef *e)
{
        char name[64], tp[64];
        struct bpf_program *pe, *px;

        if (b->exit[e->id])
                return 0;
        snprintf(name, sizeof(name), "tp_exit_%s", e->tracepoint);
        px = bpf_object__find_program_by_name(b->obj, name);
        snprintf(name, sizeof(name), "tp_enter_%s", e->tracepoint);
        pe = bpf_object__find_program_by_name(b->obj, name);
        if (!pe || !px)
                return -ENOENT;
        /* the shared stubs (see bpf_new): this syscall's own copies are not loaded */
        pe = b->stub_enter;
        px = b->stub_exit;
        /* exit first, so that no entry is saved without its exit being watched */
        snprintf(tp, sizeof(tp), "sys_exit_%s", e->tracepoint);
        b->exit[e->id] = bpf_program__attach_tracepoint(px, "syscalls", tp);
        if (!b->exit[e->id])
                return log_error_errno(errno, "cannot attach tracepoint syscalls:%s: %m", tp);
        b->attached++;
        /* most syscalls are captured at exit alone (bpf/syscall.bpf.c): each attached tracepoint
         * costs every call of its syscall ~50-75 ns */
        if (!(e->sysflags & TR_SYS_NEEDS_ENTER))
                return 0;
        snprintf(tp, sizeof(tp), "sys_enter_%s", e->tracepoint);
        b->enter[e->id] = bpf_program__attach_tracepoint(pe, "syscalls", tp);
        if (!b->enter[e->id]) {
                int r = -errno;

                bpf_link__destroy(b->exit[e->id]);
                b->exit[e->id] = NULL;
                b->attached--;
                return log_error_errno(r, "cannot attach tracepoint syscalls:%s: %m", tp);
        }
        b->attached++;
        return 0;
}

/* Forgets the io_uring requests remembered at submission: once detached, their completions will
 * not be seen (best effort: a stale entry only costs an overflow a look-up). */
static void iou_forget_all(Bpf *b)
{
        static const char *const maps[] = { "tr_iou_req", "tr_iou_names" };
        struct bpf_map *m;
        uint64_t key, zero64 = 0;
        uint32_t zero = 0;

        for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
                m = bpf_object__find_map_by_name(b->obj, maps[i]);
                if (!m)
                        continue;
                while (bpf_map_get_next_key(bpf_map__fd(m), NULL, &key) == 0)
                        if (bpf_map_delete_elem(bpf_map__fd(m), &key) < 0)
                                break;
        }
        m = bpf_object__find_map_by_name(b->obj, "tr_iouopen");
        if (m)
                (void) bpf_map_update_elem(bpf_map__fd(m), &zero, &zero64, BPF_ANY);
}

/*
 * The io_uring programs, attached while a wanted event has an io_uring road (EventDef.iouring_op):
 * the completion first, so that nothing is remembered at submission without its completion being
 * watched. They fire only for io_uring users.
 */
static int set_iouring(Bpf *b, bool want)
{
        static const char *const tps[3] = { "io_uring_complete", "io_uring_cqe_overflow", NULL };

        if (!want) {
                bool had = false;

                for (int i = 2; i >= 0; i--)
                        if (b->iou_links[i]) {
                                bpf_link__destroy(b->iou_links[i]);
                                b->iou_links[i] = NULL;
                                b->attached--;
                                had = true;
                        }
                if (had)
                        iou_forget_all(b);
                return 0;
        }
        if (!b->iou.ok) {
                if (!b->iou_warned)
                        log_warning("io_uring requests (IORING_OP_OPENAT, CONNECT, RENAMEAT...) are not "
                                    "watched: %s", b->iou.why);
                b->iou_warned = true;
                return 0;
        }
        if (!b->iou.overflow && !b->iou_warned) {
                log_warning("this kernel has no io_uring_cqe_overflow tracepoint with the known arguments: "
                            "an io_uring request whose completion overflows its ring is not seen");
                b->iou_warned = true;
        }
        for (unsigned i = 0; i < 3; i++) {
                const char *tp = i == 2 ? b->iou.submit_tp : tps[i];

                if (b->iou_links[i] || (i == 1 && !b->iou.overflow))
                        continue;
                b->iou_links[i] = bpf_program__attach_raw_tracepoint(
                        bpf_object__find_program_by_name(b->obj, iou_progs[i]), tp);
                if (!b->iou_links[i])
                        return log_error_errno(errno, "cannot attach raw tracepoint %s: %m", tp);
                b->attached++;
        }
        return 0;
}

static void detach_syscall(Bpf *b, uint32_t id)
{
        if (b->enter[id]) {
                bpf_link__destroy(b->enter[id]);
                b->enter[id] = NULL;
                b->attached--;
        }
        if (b->exit[id]) {
                bpf_link__destroy(b->exit[id]);
                b->exit[id] = NULL;
                b->attached--;
        }
}

/*
 * The compat watch's table: the entries of the ia32 syscalls that do what a watched event does are
 * on (watched[id]), the others off. Returns how many are on (socketcall itself not counted), or a
 * negative errno.
 */
static int set_compat(Bpf *b, const bool *watched)
{
        size_t n;
        const CompatSyscall *t = compat_table(&n);
        bool any_socketcall = false;
        unsigned on = 0;

        if (b->fd_compat < 0)
                return 0;
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < n; i++) {
                        struct tr_compat c;
                        uint32_t k = t[i].key;

                        /* socketcall itself (second pass) is on when one of its calls is */
                        if ((t[i].how == TR_CX_SOCKETCALL) != (pass == 1) || !compat_entry(&t[i], &c))
                                continue;
                        c.on = pass == 1 ? any_socketcall : watched[c.id];
                        if (c.on && k >= TR_COMPAT_SOCKETCALL)
                                any_socketcall = true;
                        on += c.on && pass == 0;
                        if (bpf_map_update_elem(b->fd_compat, &k, &c, BPF_ANY) < 0)
                                return -errno;
                }
        return (int) on;
}

int bpf_set_events(Bpf *b, const EventWant *wants, uint32_t *ret_unavailable, unsigned max,
                   unsigned *ret_n_unavailable)
{
        size_t n;
        const EventDef *all = catalog_all(&n);
        unsigned nun = 0, nraw = 0, nraw_enter = 0, ncompat = 0;
        bool watched[TR_MAX_EVENT_ID] = {};
        uint32_t zero = 0;
        bool iou = false;
        int r;

        for (size_t i = 0; i < n; i++) {
                const EventDef *e = &all[i];
                struct tr_evcfg cfg = {};
                uint32_t k = e->id;
                bool on = wants[e->id].on;
                uint8_t raw = 0;

                iou = iou || (on && e->iouring_op);
                if (catalog_is_syscall(e) && on && b->raw_fallback && !bpf_event_available(e->tracepoint)) {
                        /* watched through the raw fallback instead of its own tracepoint */
                        raw = 1;
                        nraw++;
                        nraw_enter += !!(e->sysflags & TR_SYS_NEEDS_ENTER);
                }
                if (b->fd_rawnr >= 0 && catalog_is_syscall(e) &&
                    bpf_map_update_elem(b->fd_rawnr, &k, &raw, BPF_ANY) < 0)
                        return log_error_errno(errno, "cannot update the raw fallback table: %m");
                if (raw) {
                        cfg = wants[e->id].cfg;
                        cfg.flags |= TR_EVCFG_ON;
                        r = evcfg_put(b, k, &cfg);
                        if (r < 0)
                                return r;
                        watched[e->id] = true;
                        continue;
                }

                if (on) {
                        cfg = wants[e->id].cfg;
                        cfg.flags |= TR_EVCFG_ON;
                }
                /* The process table needs the sched events whatever is asked for. */
                if (!catalog_is_syscall(e))
                        cfg.flags |= TR_EVCFG_ON;
                if (catalog_is_syscall(e) && on && !bpf_event_available(e->tracepoint)) {
                        if (nun < max && ret_unavailable)
                                ret_unavailable[nun] = e->id;
                        nun++;
                        continue;
                }
                r = evcfg_put(b, k, &cfg);
                if (r < 0)
                        return r;
                if (!catalog_is_syscall(e))
                        continue;
                if (on) {
                        r = attach_syscall(b, e);
                        if (r < 0)
                                return r;
                        watched[e->id] = true;
                } else
                        detach_syscall(b, e->id);
        }
        /* 32-bit syscalls: only those of events otherwise watched (an unavailable rule stays so) */
        r = set_compat(b, watched);
        if (r < 0)
                return log_error_errno(r, "cannot update the 32-bit syscall table: %m");
        ncompat = (unsigned) r;
        /* the exit program's 64-bit half runs only for the fallback */
        if (b->fd_rawnr >= 0) {
                uint32_t flags = nraw > 0 ? b->settings.flags | TR_SET_RAW_NATIVE :
                                            b->settings.flags & ~TR_SET_RAW_NATIVE;

                if (flags != b->settings.flags) {
                        b->settings.flags = flags;
                        if (bpf_map_update_elem(b->fd_settings, &zero, &b->settings, BPF_ANY) < 0)
                                return log_error_errno(errno, "cannot write the BPF settings: %m");
                }
        }
        if ((r = attach_sched(b, 0, "tr_sched_fork")) < 0 || (r = attach_sched(b, 1, "tr_sched_exec")) < 0 ||
            (r = attach_sched(b, 2, "tr_sched_exit")) < 0)
                return r;
        r = set_iouring(b, iou);
        if (r < 0)
                return r;
        if ((nraw > 0 || ncompat > 0) && !b->raw[0]) {
                b->raw[0] = bpf_program__attach(bpf_object__find_program_by_name(b->obj, "tr_raw_exit"));
                if (!b->raw[0])
                        return log_error_errno(errno, "cannot attach tr_raw_exit: %m");
                b->attached++;
        }
        if (nraw > 0 && b->raw_native == 0)
                log_warning("watching %u syscall(s) without their own tracepoint through raw sys_exit: "
                            "every syscall on this machine now costs about 20-40 ns more", nraw);
        b->raw_native = nraw;
        if (ncompat != b->compat_watched)
                log_debug("watching %u 32-bit syscall(s) through raw sys_exit", ncompat);
        b->compat_watched = ncompat;
        /* after the exit, as for the per-syscall tracepoints */
        if (nraw_enter > 0 && !b->raw[1]) {
                b->raw[1] = bpf_program__attach(bpf_object__find_program_by_name(b->obj, "tr_raw_enter"));
                if (!b->raw[1])
                        return log_error_errno(errno, "cannot attach tr_raw_enter: %m");
                b->attached++;
        }
        for (int i = 1; i >= 0; i--)
                if (b->raw[i] && (i == 1 ? nraw_enter : nraw + ncompat) == 0) {
                        bpf_link__destroy(b->raw[i]);
                        b->raw[i] = NULL;
                        b->attached--;
                }
        if (ret_n_unavailable)
                *ret_n_unavailable = nun;
        return 0;
}

static int fill_set(int fd, const void *keys, size_t keysz, unsigned n)
{
        uint8_t one = 1;
        uint8_t key[64], next[64];

        /* clear, then fill */
        while (bpf_map_get_next_key(fd, NULL, next) == 0)
                if (bpf_map_delete_elem(fd, next) < 0)
                        return -errno;
        for (unsigned i = 0; i < n; i++) {
                memcpy(key, (const uint8_t *) keys + i * keysz, keysz);
                if (bpf_map_update_elem(fd, key, &one, BPF_ANY) < 0)
                        return -errno;
        }
        return 0;
}

int bpf_set_filter(Bpf *b, const KernelFilter *f)
{
        uint32_t zero = 0;
        int r;

        if ((r = fill_set(b->fd_f_pid, f->pids, sizeof(uint32_t), f->n_pids)) < 0 ||
            (r = fill_set(b->fd_f_uid, f->uids, sizeof(uint32_t), f->n_uids)) < 0 ||
            (r = fill_set(b->fd_f_comm, f->comms, TR_COMM_LEN, f->n_comms)) < 0 ||
            (r = fill_set(b->fd_f_mntns, f->mntns, sizeof(uint32_t), f->n_mntns)) < 0 ||
            (r = fill_set(b->fd_f_pidns, f->pidns, sizeof(uint32_t), f->n_pidns)) < 0)
                return log_error_errno(r, "cannot write the kernel filters: %m");
        b->settings.filter_flags = f->flags;
        if (bpf_map_update_elem(b->fd_settings, &zero, &b->settings, BPF_ANY) < 0)
                return log_error_errno(errno, "cannot write the BPF settings: %m");
        return 0;
}

int bpf_set_exec_env(Bpf *b, bool on)
{
        uint32_t zero = 0;

        if (on == !!(b->settings.flags & TR_SET_EXEC_ENV))
                return 0;
        if (on)
                b->settings.flags |= TR_SET_EXEC_ENV;
        else
                b->settings.flags &= ~TR_SET_EXEC_ENV;
        if (bpf_map_update_elem(b->fd_settings, &zero, &b->settings, BPF_ANY) < 0)
                return log_error_errno(errno, "cannot write the BPF settings: %m");
        return 0;
}

int bpf_set_exec_scan(Bpf *b, uint32_t flags)
{
        uint32_t zero = 0, mask = TR_SET_LDSCAN | TR_SET_LDSCAN_LLP;

        flags &= mask;
        if ((b->settings.flags & mask) == flags)
                return 0;
        b->settings.flags = (b->settings.flags & ~mask) | flags;
        if (bpf_map_update_elem(b->fd_settings, &zero, &b->settings, BPF_ANY) < 0)
                return log_error_errno(errno, "cannot write the BPF settings: %m");
        return 0;
}

int bpf_epoll_fd(Bpf *b)
{
        return ringreader_fd(b->rb);
}

int bpf_consume(Bpf *b)
{
        return ringreader_consume(b->rb, 0);
}

unsigned bpf_attached_count(Bpf *b)
{
        return b->attached;
}

unsigned bpf_compat_watched(Bpf *b)
{
        return b->compat_watched;
}

int bpf_get_stats(Bpf *b, BpfStats *ret)
{
        int ncpu = libbpf_num_possible_cpus();
        uint64_t sums[TR_STAT_MAX] = {};
        uint64_t *vals;

        if (ncpu <= 0)
                return ncpu < 0 ? ncpu : -EINVAL;
        vals = calloc(ncpu, sizeof(uint64_t));
        if (!vals)
                return -ENOMEM;
        for (uint32_t k = 0; k < TR_STAT_MAX; k++) {
                if (bpf_map_lookup_elem(b->fd_stats, &k, vals) < 0)
                        continue;
                for (int c = 0; c < ncpu; c++)
                        sums[k] += vals[c];
        }
        free(vals);
        ret->lost = sums[TR_STAT_LOST];
        ret->submitted = sums[TR_STAT_SUBMITTED];
        ret->filtered = sums[TR_STAT_FILTERED];
        ret->pending_miss = sums[TR_STAT_PENDING_MISS];
        ret->read_err = sums[TR_STAT_READ_ERR];
        ret->iou_untracked = sums[TR_STAT_IOU_UNTRACKED];
        ret->iou_foreign = sums[TR_STAT_IOU_FOREIGN];
        ret->shed = sums[TR_STAT_SHED];
        return 0;
}

void bpf_shed_recount(Bpf *b)
{
        uint32_t zero = 0, key, *prev = NULL;
        int64_t pending = 0, n = 0;
        struct tr_shed_proc sp;

        if (!b->settings.shed_bytes || bpf_map_lookup_elem(b->fd_shedpending, &zero, &pending) < 0 || pending == 0)
                return;
        /* bounded by the table's 4096 entries; racing the kernel only makes the count approximate */
        while (bpf_map_get_next_key(b->fd_shedproc, prev, &key) == 0) {
                if (bpf_map_lookup_elem(b->fd_shedproc, &key, &sp) == 0 && sp.count)
                        n++;
                prev = &key;
        }
        if (n < pending)
                (void) bpf_map_update_elem(b->fd_shedpending, &zero, &n, BPF_ANY);
}
