/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * What a file is, from the kernel's objects: the current task's file for an fd, its class bits
 * (TR_FC_*: open for write, a socket with a peer, a memfd, on /dev/shm, a process's mem file, the
 * preload list...), the fd info sent to the agent, and the file's path walked dentry by dentry and
 * mount by mount. Nothing here reads a path the process wrote: that is what makes the rules judge
 * the object and not its spelling.
 */
#ifndef TRACEE_FILE_BPF_H
#define TRACEE_FILE_BPF_H

#include "record.bpf.h"

/* The current task's open file for fd, or NULL. The table is reached through the task's BTF
 * pointer (guarded loads); only the variable-index slot needs a probe read. fd is an int: the
 * caller passes it at its C width (a register holding 1 << 32 | 0 is fd 0 to the kernel). */
static __always_inline struct file *fd_file(__s64 fd)
{
        struct task_struct *task = bpf_get_current_task_btf();
        struct fdtable *fdt = task->files->fdt;
        struct file **arr;
        struct file *f = NULL;

        if (fd < 0 || !fdt || fd >= fdt->max_fds)
                return NULL;
        arr = fdt->fd;
        bpf_probe_read_kernel(&f, sizeof(f), &arr[fd & 0xfffff]);
        return f;
}

/* Is this file a memfd: on an internal (unmounted) shmem mount, named "memfd:…"? */
static __always_inline int file_is_memfd(struct file *f)
{
        struct vfsmount *vm = BPF_CORE_READ(f, f_path.mnt);
        struct mount *m = (struct mount *)((void *)vm - bpf_core_field_offset(struct mount, mnt));
        unsigned long magic = BPF_CORE_READ(f, f_inode, i_sb, s_magic);
        char name[8] = {};

        if (magic != TMPFS_MAGIC && magic != HUGETLBFS_MAGIC)
                return 0;
        if (BPF_CORE_READ(m, mnt_ns) != MNT_NS_INTERNAL)
                return 0;
        bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(f, f_path.dentry, d_name.name));
        return name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' &&
               name[5] == ':';
}

/* Does the dentry's name equal the len bytes (len <= 16) held little-endian in lo and hi? Two word
 * compares, not a loop over the bytes: this runs on every open the rules look at. */
static __always_inline int dentry_named(struct dentry *d, __u64 lo, __u64 hi, __u32 len)
{
        __u64 name[2] = {};
        __u64 mlo = len >= 8 ? ~0ull : (1ull << (len * 8)) - 1;
        __u64 mhi = len >= 16 ? ~0ull : len <= 8 ? 0 : (1ull << ((len - 8) * 8)) - 1;

        struct qstr q = {};

        /* the qstr whole (its length and name pointer) in one read */
        if (bpf_core_read(&q, sizeof(q), &d->d_name) < 0 || q.len != len)
                return 0;
        bpf_probe_read_kernel(name, len <= 8 ? 8 : 16, q.name);
        return (name[0] & mlo) == lo && (name[1] & mhi) == hi;
}

/* Up to eight bytes of a name, as a little-endian word. */
#define NAME8(a, b, c, d, e, f, g, h)                                                                   \
        ((__u64)(a) | (__u64)(b) << 8 | (__u64)(c) << 16 | (__u64)(d) << 24 | (__u64)(e) << 32 |         \
         (__u64)(f) << 40 | (__u64)(g) << 48 | (__u64)(h) << 56)
#define NAME_MEM        NAME8('m', 'e', 'm', 0, 0, 0, 0, 0), 0, 3
#define NAME_ETC        NAME8('e', 't', 'c', 0, 0, 0, 0, 0), 0, 3
#define NAME_PRELOAD    NAME8('l', 'd', '.', 's', 'o', '.', 'p', 'r'), NAME8('e', 'l', 'o', 'a', 'd', 0, 0, 0), 13

/*
 * /proc/PID/mem or /proc/PID/task/TID/mem: a regular file named "mem" on a procfs superblock whose
 * inode belongs to a process (proc_inode.pid). Returns the host tgid of that process, 0 if not.
 */
static __always_inline __u32 file_proc_mem_tgid_body(struct file *f, struct inode *inode)
{
        struct proc_inode *pi = (struct proc_inode *)((void *)inode -
                                                      bpf_core_field_offset(struct proc_inode, vfs_inode));
        struct pid *pid;
        struct hlist_node *first;
        struct task_struct *t;

        if (!dentry_named(BPF_CORE_READ(f, f_path.dentry), NAME_MEM))
                return 0;
        pid = BPF_CORE_READ(pi, pid);
        if (!pid)
                return 0;
        /* the task of the pid: pid->tasks[PIDTYPE_PID].first is its task's pid_links[PIDTYPE_PID] */
        first = BPF_CORE_READ(pid, tasks[PIDTYPE_PID].first);
        if (!first)
                return BPF_CORE_READ(pid, numbers[0].nr) ? BPF_CORE_READ(pid, numbers[0].nr) : 1;
        t = (struct task_struct *)((void *)first - bpf_core_field_offset(struct task_struct, pid_links[PIDTYPE_PID]));
        return BPF_CORE_READ(t, tgid);
}

/*
 * The dynamic loader's preload list: a file named ld.so.preload in a directory named etc that sits
 * at the root of its filesystem (the host's root, a container's overlay, a mounted image: whatever
 * path or bind mount it was reached through) or at the opening process's root (a chroot); etc may
 * itself be a mount (its dentry is then the root of that mount, named by its mountpoint). Or an
 * inode seen by that name before (a hard link). Returns 2 when it is seen by name and its inode
 * was never sent to the agent as the preload list (however it got there: rename, link, io_uring, a
 * symlinked directory), 1 when it is a preload list seen before, 0 when it is not one. Looking
 * changes nothing: tr_put_file_info() remembers the inode once it has been sent.
 */
static __always_inline int file_is_preload_body(struct file *f, struct inode *inode, int links)
{
        struct dentry *d = BPF_CORE_READ(f, f_path.dentry), *p, *gp;
        struct watch_ino k = {};
        int named = dentry_named(d, NAME_PRELOAD);

        /* the inode is looked up for a file of that name, or for any file opened for writing (a
         * hard link): a read-only open of another file costs the name check alone */
        if (!named && !links)
                return 0;
        k.ino = BPF_CORE_READ(inode, i_ino);
        k.dev = BPF_CORE_READ(inode, i_sb, s_dev);
        k.gen = BPF_CORE_READ(inode, i_generation);
        if (named) {
                p = BPF_CORE_READ(d, d_parent);
                if (p == BPF_CORE_READ(p, d_parent)) {
                        /* etc is a mount of its own: its name is its mountpoint's */
                        struct vfsmount *vm = BPF_CORE_READ(f, f_path.mnt);
                        struct mount *m = (struct mount *)((void *)vm - bpf_core_field_offset(struct mount, mnt));

                        p = BPF_CORE_READ(m, mnt_mountpoint);
                }
                gp = BPF_CORE_READ(p, d_parent);
                if (dentry_named(p, NAME_ETC) &&
                    (gp == BPF_CORE_READ(gp, d_parent) ||
                     gp == bpf_get_current_task_btf()->fs->root.dentry)) {
                        return bpf_map_lookup_elem(&tr_watchino, &k) ? 1 : 2;
                }
        }
        return bpf_map_lookup_elem(&tr_watchino, &k) != NULL;
}

/* Global functions (common.bpf.c) over the two above, so that each is checked once per program. */
__u32 tr_proc_mem_tgid(__u64 file, __u64 inode);
/* links: also look for the inode among the preload list's (hard links), not only for its name */
int tr_file_is_preload(__u64 file, __u64 inode, __u32 links);
int tr_file_is_memfd(__u64 file);

/*
 * TR_FC_* bits of a file. want says which of the costlier bits the caller needs (a name check,
 * a map lookup, the stdio scan): its low 32 bits always, its high 32 bits only if the file is open
 * for writing (a term that requires TR_FC_WRITE cannot hold otherwise, so a read-only open is
 * done after its mode and type); the cheap ones (open, read/write mode, type) are always set. With
 * fi, every bit is computed. Only tr_file_class() (common.bpf.c) expands this: the verifier then
 * checks it once per program.
 */
static __always_inline __u32 file_class_body(struct file *f, __u64 want64, struct tr_fdinfo *fi)
{
        struct inode *inode;
        struct filehead *fh;
        __u32 c = TR_FC_OPEN, fmode, want, zero = 0;
        __u16 mode;
        int is_sock = 0;

        if (!f)
                return 0;
        /* f_mode and f_inode in one read of the struct's head, where every kernel keeps them */
        if (bpf_core_field_offset(struct file, f_mode) + 4 <= FILE_HEAD &&
            bpf_core_field_offset(struct file, f_inode) + 8 <= FILE_HEAD &&
            (fh = bpf_map_lookup_elem(&tr_filehead, &zero))) {
                if (bpf_probe_read_kernel(fh->b, sizeof(fh->b), f) < 0)
                        return 0;
                fmode = *(__u32 *)(fh->b + (bpf_core_field_offset(struct file, f_mode) & (FILE_HEAD - 4)));
                inode = *(struct inode **)(fh->b + (bpf_core_field_offset(struct file, f_inode) & (FILE_HEAD - 8)));
        } else {
                fmode = BPF_CORE_READ(f, f_mode);
                inode = BPF_CORE_READ(f, f_inode);
        }
        if (fmode & FMODE_READ)
                c |= TR_FC_READ;
        if (fmode & FMODE_WRITE)
                c |= TR_FC_WRITE;
        want = (__u32)want64 | ((fmode & FMODE_WRITE) ? (__u32)(want64 >> 32) : 0);
        if (fi)
                want = ~0u;
        mode = BPF_CORE_READ(inode, i_mode);
        switch (mode & S_IFMT) {
        case S_IFSOCK: {
                struct socket *sock;
                struct sock *sk;
                __u16 family;

                c |= TR_FC_SOCKET;
                is_sock = 1;
                if (!(want & (TR_FC_INET | TR_FC_PEER | TR_FC_ON_STDIO)))
                        break;
                sock = BPF_CORE_READ(f, private_data);
                sk = BPF_CORE_READ(sock, sk);
                family = BPF_CORE_READ(sk, __sk_common.skc_family);
                if (family == AF_INET || family == AF_INET6) {
                        c |= TR_FC_INET;
                        if (BPF_CORE_READ(sk, __sk_common.skc_dport))
                                c |= TR_FC_PEER;
                }
                break;
        }
        case S_IFREG: {
                c |= TR_FC_REGULAR;
                if (want & (TR_FC_MEMFD | TR_FC_TMPFS | TR_FC_SHM | TR_FC_DELETED | TR_FC_PROC_MEM |
                            TR_FC_SHARED_WMAP)) {
                        struct super_block *sb = BPF_CORE_READ(inode, i_sb);
                        unsigned long magic = BPF_CORE_READ(sb, s_magic);

                        if ((want & (TR_FC_MEMFD | TR_FC_TMPFS | TR_FC_SHM)) &&
                            (magic == TMPFS_MAGIC || magic == RAMFS_MAGIC || magic == HUGETLBFS_MAGIC)) {
                                __u32 dev = BPF_CORE_READ(sb, s_dev);

                                c |= TR_FC_TMPFS;
                                if (tr_file_is_memfd((__u64)f))
                                        c |= TR_FC_MEMFD;
                                else if (bpf_map_lookup_elem(&tr_shmdev, &dev))
                                        c |= TR_FC_SHM;
                        }
                        if ((want & TR_FC_DELETED) && BPF_CORE_READ(inode, __i_nlink) == 0)
                                c |= TR_FC_DELETED;
                        if ((want & TR_FC_SHARED_WMAP) && BPF_CORE_READ(inode, i_mapping, i_mmap_writable.counter) > 0)
                                c |= TR_FC_SHARED_WMAP;
                        if ((want & TR_FC_PROC_MEM) && magic == PROC_SUPER_MAGIC) {
                                __u32 tgid = tr_proc_mem_tgid((__u64)f, (__u64)inode);

                                if (tgid) {
                                        c |= TR_FC_PROC_MEM;
                                        if (fi)
                                                fi->proc_tgid = tgid;
                                }
                        }
                }
                if (want & (TR_FC_PRELOAD | TR_FC_PRELOAD_NEW)) {
                        /* all (fi) is ~0: every bit, the hard-link lookup too */
                        __u32 links = (fmode & FMODE_WRITE) || want == ~0u ? 1 : 0;
                        int pl = tr_file_is_preload((__u64)f, (__u64)inode, links);

                        if (pl)
                                c |= TR_FC_PRELOAD | (pl == 2 ? TR_FC_PRELOAD_NEW : 0);
                }
                break;
        }
        case S_IFDIR:
                c |= TR_FC_DIR;
                break;
        }
        /* (no branch on c itself: the verifier would then follow each combination of its bits) */
        if ((want & TR_FC_ON_STDIO) && is_sock) {
                for (int i = 0; i < 3; i++)
                        if (fd_file(i) == f) {
                                c |= TR_FC_ON_STDIO;
                                if (fi)
                                        fi->stdio |= 1u << i;
                        }
        }
        return c;
}

/* Global functions (common.bpf.c): TR_FC_* of a file (a struct file *; fi, if not NULL, also gets
 * the procfs owner and the stdio fds). */
__u32 tr_file_class(__u64 file, __u64 want, struct tr_fdinfo *fi);

static __always_inline __u32 file_class(struct file *f, __u64 want, struct tr_fdinfo *fi)
{
        return tr_file_class((__u64)f, want, fi);
}

/* Everything the agent is told about a file (TR_ARG_FDINFO); kind TR_FD_CLOSED when f is NULL. */
static __always_inline void fdinfo_of(struct file *f, struct tr_fdinfo *fi)
{
        struct inode *inode;
        __u16 mode;

        __builtin_memset(fi, 0, sizeof(*fi));
        if (!f) {
                fi->kind = TR_FD_CLOSED;
                return;
        }
        fi->fclass = file_class(f, ~0ull, fi);
        inode = BPF_CORE_READ(f, f_inode);
        mode = BPF_CORE_READ(inode, i_mode);
        fi->mode = mode;
        fi->ino = BPF_CORE_READ(inode, i_ino);
        fi->dev = BPF_CORE_READ(inode, i_sb, s_dev);
        fi->magic = BPF_CORE_READ(inode, i_sb, s_magic);
        fi->nlink = BPF_CORE_READ(inode, __i_nlink);
        switch (mode & S_IFMT) {
        case S_IFSOCK: {
                struct socket *sock = BPF_CORE_READ(f, private_data);
                struct sock *sk = BPF_CORE_READ(sock, sk);

                fi->kind = TR_FD_SOCKET;
                fi->sotype = BPF_CORE_READ(sock, type);
                fi->family = BPF_CORE_READ(sk, __sk_common.skc_family);
                fi->state = BPF_CORE_READ(sk, __sk_common.skc_state);
                fi->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
                fi->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
                if (fi->family == AF_INET) {
                        __u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
                        __u32 b = BPF_CORE_READ(sk, __sk_common.skc_daddr);

                        __builtin_memcpy(fi->laddr, &a, 4);
                        __builtin_memcpy(fi->raddr, &b, 4);
                } else if (fi->family == AF_INET6) {
                        BPF_CORE_READ_INTO(&fi->laddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
                        BPF_CORE_READ_INTO(&fi->raddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
                }
                break;
        }
        case S_IFREG:
                fi->kind = (fi->fclass & TR_FC_MEMFD) ? TR_FD_MEMFD : TR_FD_FILE;
                break;
        case S_IFIFO:
                fi->kind = TR_FD_PIPE;
                break;
        case S_IFDIR:
                fi->kind = TR_FD_DIR;
                break;
        default:
                fi->kind = TR_FD_OTHER;
        }
}

struct path_walk {
        struct pathbuf *pb;
        struct dentry *dentry, *parent, *mnt_root;
        struct vfsmount *vfsmnt;
        struct mount *mnt, *mnt_parent;
        __u32 pos;
        __u8 trunc;
};

/* One step of the walk, for bpf_loop: the verifier checks it once, not once per component. */
static long path_step(__u64 i, void *data)
{
        struct path_walk *w = data;
        struct dentry *dentry = w->dentry, *parent, *mnt_root;
        struct vfsmount *vfsmnt = w->vfsmnt;
        struct mount *mnt = w->mnt, *mnt_parent = w->mnt_parent;
        struct qstr d_name;
        __u32 len, pos;

        /* locals only inside BPF_CORE_READ: it would record a relocation for w's own fields too */
        parent = BPF_CORE_READ(dentry, d_parent);
        mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
        w->parent = parent;
        w->mnt_root = mnt_root;
        if (dentry == mnt_root || dentry == parent) {
                if (dentry != mnt_root)
                        return 1;       /* not reachable from a mount root: unlinked or internal */
                if (mnt != mnt_parent) {
                        w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
                        w->mnt = mnt_parent;
                        w->mnt_parent = BPF_CORE_READ(mnt_parent, mnt_parent);
                        w->vfsmnt = (struct vfsmount *)((void *)mnt_parent +
                                                        bpf_core_field_offset(struct mount, mnt));
                        return 0;
                }
                return 1;               /* the root */
        }
        d_name = BPF_CORE_READ(dentry, d_name);
        len = d_name.len & (PATHBUF_HALF - 1);
        pos = w->pos;
        if (len + 1 > pos || pos >= PATHBUF_HALF) {
                w->trunc = 1;
                return 1;
        }
        pos -= len;
        bpf_probe_read_kernel(&w->pb->buf[pos & (PATHBUF_HALF - 1)], len, d_name.name);
        pos -= 1;
        w->pb->buf[pos & (PATHBUF_HALF - 1)] = '/';
        w->pos = pos;
        w->dentry = parent;
        if (i == PATH_DEPTH - 1)
                w->trunc = 1;
        return 0;
}

/*
 * The absolute path of a struct path, walking dentries and crossing mounts. bpf_d_path() would do
 * this, but the verifier only allows it in fentry/LSM programs, which these kernels refuse.
 * A file with no name in any mount (a memfd, an anonymous inode) gives its dentry name alone, as
 * "memfd:name". The path is appended as a TR_ARG_STR; TR_ARG_F_TRUNC if deeper than PATH_DEPTH.
 */
/* The path of (mnt, dentry) as argument idx. */
static __always_inline void put_path(void *buf, __u32 *off, __u8 idx, struct vfsmount *vm, struct dentry *dentry)
{
        __u32 zero = 0;
        struct path_walk w = {};
        __u8 type = TR_ARG_STR;
        __u32 len;
        void *dst;

        w.pb = bpf_map_lookup_elem(&tr_pathbuf, &zero);
        if (!w.pb)
                return;
        if (arg_begin(buf, off, PATHBUF_HALF) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return;
        }
        w.pos = PATHBUF_HALF - 1;
        {
                struct mount *m = (struct mount *)((void *)vm - bpf_core_field_offset(struct mount, mnt));

                w.dentry = dentry;
                w.vfsmnt = vm;
                w.mnt = m;
                w.mnt_parent = BPF_CORE_READ(m, mnt_parent);
        }
        w.pb->buf[PATHBUF_HALF - 1] = 0;
        bpf_loop(PATH_DEPTH, path_step, &w, 0);
        if (w.trunc)
                type |= TR_ARG_F_TRUNC;

        dst = slot(buf, *off + sizeof(struct tr_arg));
        if (w.pos == PATHBUF_HALF - 1) {
                /* Nothing walked: a pseudo file (memfd:…) or the root itself. */
                struct dentry *d = w.dentry;
                struct qstr d_name = BPF_CORE_READ(d, d_name);
                long n;

                if (w.dentry == w.parent && w.dentry != w.mnt_root) {
                        n = bpf_probe_read_kernel_str(dst, TR_PATH_MAX, d_name.name);
                        len = n > 0 ? n - 1 : 0;
                } else {
                        *(char *)dst = '/';
                        len = 1;
                }
        } else {
                __u64 l = (PATHBUF_HALF - 1 - w.pos);

                asm volatile("" : "+r"(l));
                l &= (PATHBUF_HALF - 1);
                bpf_probe_read_kernel(dst, l, &w.pb->buf[w.pos & (PATHBUF_HALF - 1)]);
                len = l;
        }
        arg_end(buf, off, idx, type, len & (TR_PATH_MAX - 1));
}

/* Global functions (common.bpf.c). Kernel pointers are passed as integers: a global function's
 * pointer arguments must point to memory of a known size, which a kernel object is not. */
/* TR_FC_* of the current task's fd (0 if not open), computing the costlier bits in want. */
__u32 tr_fd_class(__s64 fd, __u64 want);
/* Appends the fd info of the current task's fd as argument idx; returns the new offset. */
int tr_put_fdinfo(struct scratch *sc, __u32 off, __u8 idx, __s64 fd);
/* Appends the fd info of a file (a struct file *; TR_FD_CLOSED if NULL); returns the new offset. */
int tr_put_file_info(struct scratch *sc, __u32 off, __u8 idx, __u64 file);
/*
 * Appends a kernel path as argument idx; returns the new offset. Which path is how: TR_PP_FILE
 * the file arg (a struct file *) is, TR_PP_ROOT the task's root, TR_PP_DIRFD the directory a
 * relative name at fd arg is resolved against (the cwd for AT_FDCWD). One function for all, so
 * that a call chain has one frame for it (512 bytes of stack in all on kernels without private
 * BPF stacks).
 */
#define TR_PP_FILE      0
#define TR_PP_ROOT      1
#define TR_PP_DIRFD     2
int tr_put_path(struct scratch *sc, __u32 off, __u8 idx, __u32 how, __u64 arg);

/* Appends the kernel path of a file (a struct file *) as argument idx. */
static __always_inline int tr_put_file_path(struct scratch *sc, __u32 off, __u8 idx, __u64 file)
{
        return tr_put_path(sc, off, idx, TR_PP_FILE, file);
}

/* Appends the directory a path argument is resolved against: the task's root if the path is
 * absolute, else the cwd (dirfd AT_FDCWD) or the dirfd's file. */
static __always_inline int tr_put_base_dir(struct scratch *sc, __u32 off, __u8 idx, __s64 dirfd, __u32 absolute)
{
        return tr_put_path(sc, off, idx, absolute ? TR_PP_ROOT : TR_PP_DIRFD, (__u64)dirfd);
}

#endif
