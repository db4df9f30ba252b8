/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Process and cgroup tables; see proctable.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proctable.h"

#define NBUCKETS (sizeof(((ProcTable *) 0)->buckets) / sizeof(int32_t))
#define NCGBUCKETS (sizeof(((ProcTable *) 0)->cg_buckets) / sizeof(int32_t))

static unsigned hash_pid(uint32_t pid)
{
        return (pid * 2654435761u) % NBUCKETS;
}

static unsigned hash_cg(uint64_t id)
{
        return (unsigned) ((id * 11400714819323198485ull) >> 32) % NCGBUCKETS;
}

/*
 * The free list is threaded through `next`, stored relative while an entry is free: a free entry i
 * links to i + 1 + next. calloc's zeroes therefore already form the list 0 → 1 → … → MAX-1, so
 * init touches none of the ~9 MB table and only entries actually used become resident.
 */
static int32_t free_next(const ProcTable *t, int32_t i)
{
        int32_t n = i + 1 + t->procs[i].next;

        return n >= PROCTABLE_MAX ? -1 : n;
}

static void free_push(ProcTable *t, int32_t i)
{
        t->procs[i].next = t->free_head - (i + 1);
        t->free_head = i;
}

int proctable_init(ProcTable *t)
{
        memset(t, 0, sizeof(*t));
        t->procs = calloc(PROCTABLE_MAX, sizeof(Proc));
        t->cgs = calloc(CGTABLE_MAX, sizeof(CgEntry));
        if (!t->procs || !t->cgs) {
                proctable_done(t);
                return -ENOMEM;
        }
        for (size_t i = 0; i < NBUCKETS; i++)
                t->buckets[i] = -1;
        for (size_t i = 0; i < NCGBUCKETS; i++)
                t->cg_buckets[i] = -1;
        t->cg_free = 0;
        t->cg_oldest = t->cg_newest = -1;
        t->free_head = 0;       /* and every entry's relative next is 0: see free_next() */
        t->oldest = t->newest = -1;
        return 0;
}

void proctable_done(ProcTable *t)
{
        free(t->procs);
        free(t->cgs);
        t->procs = NULL;
        t->cgs = NULL;
}

Proc *proctable_get(ProcTable *t, uint32_t pid)
{
        for (int32_t i = t->buckets[hash_pid(pid)]; i >= 0; i = t->procs[i].next)
                if (t->procs[i].pid == pid)
                        return &t->procs[i];
        return NULL;
}

static void order_unlink(ProcTable *t, int32_t i)
{
        Proc *p = &t->procs[i];

        if (p->older >= 0)
                t->procs[p->older].newer = p->newer;
        else
                t->oldest = p->newer;
        if (p->newer >= 0)
                t->procs[p->newer].older = p->older;
        else
                t->newest = p->older;
}

void proctable_remove(ProcTable *t, uint32_t pid)
{
        int32_t *link = &t->buckets[hash_pid(pid)];

        while (*link >= 0) {
                int32_t i = *link;

                if (t->procs[i].pid == pid) {
                        *link = t->procs[i].next;
                        order_unlink(t, i);
                        free_push(t, i);
                        t->count--;
                        return;
                }
                link = &t->procs[i].next;
        }
}

Proc *proctable_upsert(ProcTable *t, uint32_t pid)
{
        Proc *p = proctable_get(t, pid);
        unsigned b;
        int32_t i;

        if (p)
                return p;
        if (t->free_head < 0) {
                proctable_remove(t, t->procs[t->oldest].pid);
                t->evicted++;
        }
        i = t->free_head;
        p = &t->procs[i];
        t->free_head = free_next(t, i);
        memset(p, 0, sizeof(*p));
        p->pid = pid;
        b = hash_pid(pid);
        p->next = t->buckets[b];
        t->buckets[b] = i;
        p->older = t->newest;
        p->newer = -1;
        if (t->newest >= 0)
                t->procs[t->newest].newer = i;
        else
                t->oldest = i;
        t->newest = i;
        t->count++;
        return p;
}

void proctable_set_trusted_mntns(ProcTable *t, uint32_t a, uint32_t b)
{
        t->trusted_mntns[0] = a;
        t->trusted_mntns[1] = b;
}

bool proctable_mntns_trusted(const ProcTable *t, uint32_t mntns)
{
        return mntns != 0 && (mntns == t->trusted_mntns[0] || mntns == t->trusted_mntns[1]);
}

void proc_set_exe(Proc *p, const char *path, size_t len, bool truncated, bool trusted)
{
        size_t n = len < sizeof(p->exe) - 1 ? len : sizeof(p->exe) - 1;
        const char *nul = memchr(path, 0, n);

        if (len >= sizeof(p->exe) || nul)
                truncated = true;
        if (nul)
                n = (size_t) (nul - path);
        memcpy(p->exe, path, n);
        p->exe[n] = 0;
        p->exe_flags = (truncated ? PATH_F_TRUNCATED : 0) | (trusted ? PATH_F_TRUSTED_NS : 0);
}

static void track_fork(ProcTable *t, const Event *e)
{
        int64_t child = 0, st = 0, child_ns = 0;
        const Proc *parent;
        char exe[PROC_EXE_MAX] = "", exec_by[PROC_EXE_MAX] = "";
        uint8_t exe_flags = 0, exec_by_flags = 0;
        uint64_t stdio_sock = 0;
        Proc *c;

        if (!event_arg_int(e, "child_pid", &child) || child <= 0 || child > UINT32_MAX)
                return;
        (void) event_arg_int(e, "start_time", &st);
        (void) event_arg_int(e, "child_ns_pid", &child_ns);
        /* copied out first: making room for the child may evict the parent */
        parent = proctable_get(t, e->h.pid);
        if (parent) {
                memcpy(exe, parent->exe, sizeof(exe));
                memcpy(exec_by, parent->exec_by, sizeof(exec_by));
                exe_flags = parent->exe_flags;
                exec_by_flags = parent->exec_by_flags;
                stdio_sock = parent->stdio_sock;
        }
        c = proctable_upsert(t, (uint32_t) child);
        c->ppid = e->h.pid;
        c->uid = e->h.uid;
        c->start_time = (uint64_t) st;
        c->cgroup_id = e->h.cgroup_id;
        memcpy(c->comm, e->h.comm, sizeof(c->comm));
        memcpy(c->exe, exe, sizeof(c->exe));
        memcpy(c->exec_by, exec_by, sizeof(c->exec_by));
        c->exe_flags = exe_flags;
        c->exec_by_flags = exec_by_flags;
        /* the forking process is the init of its pid namespace, and the child stays in it (a child
         * that is the init of a new namespace has no parent inside it) */
        c->flags = PROC_F_FORK_SEEN | (e->h.ns_pid == 1 && child_ns != 1 ? PROC_F_FORKED_BY_INIT : 0);
        c->fork_uid = e->h.uid;
        c->stdio_sock = c->parent_stdio_sock = stdio_sock;
}

/* The inode of the first inet socket with a peer among an exec's fds 0-2 (args 8-10), 0 if none. */
static uint64_t exec_stdio_sock(const Event *e)
{
        for (uint8_t i = 8; i <= 10; i++) {
                const EventArg *a = event_arg_idx(e, i);
                struct tr_fdinfo fi;

                if (!a || a->type != TR_ARG_FDINFO || a->len != sizeof(fi))
                        continue;
                memcpy(&fi, a->data, sizeof(fi));
                if (fi.kind == TR_FD_SOCKET && (fi.family == 2 || fi.family == 10) && fi.rport)
                        return fi.ino;
        }
        return 0;
}

static void track_exec(ProcTable *t, const Event *e)
{
        const EventArg *a = event_arg(e, "pathname");
        Proc *c = proctable_get(t, e->h.pid);

        /* An entry left by an earlier process with the same pid (its exit was lost) tells nothing
         * of this one: its start time differs. */
        if (c && c->start_time && e->h.start_time && c->start_time != e->h.start_time) {
                c->exe[0] = 0;
                c->exe_flags = 0;
                c->flags = 0;
                c->fork_uid = 0;
                c->parent_stdio_sock = 0;
        }
        if (!c)
                c = proctable_upsert(t, e->h.pid);      /* history unknown: so is exec_by */
        memcpy(c->exec_by, c->exe, sizeof(c->exec_by));
        c->exec_by_flags = c->exe_flags;
        if (a && a->type == TR_ARG_STR)
                proc_set_exe(c, (const char *) a->data, a->len, a->truncated,
                             proctable_mntns_trusted(t, e->h.mntns));
        else {
                c->exe[0] = 0;
                c->exe_flags = 0;
        }
        c->ppid = e->h.ppid;
        c->uid = e->h.uid;
        c->start_time = e->h.start_time;
        c->cgroup_id = e->h.cgroup_id;
        memcpy(c->comm, e->h.comm, sizeof(c->comm));
        c->stdio_sock = exec_stdio_sock(e);
}

void proctable_track(ProcTable *t, const Event *e)
{
        if (e->h.type == TR_EV_SCHED_PROCESS_FORK)
                track_fork(t, e);
        else if (e->h.type == TR_EV_SCHED_PROCESS_EXEC)
                track_exec(t, e);
}

unsigned proctable_ancestors(ProcTable *t, uint32_t pid, const Proc **ret, unsigned max)
{
        const Proc *p = proctable_get(t, pid);
        unsigned n = 0;

        if (max > ANCESTORS_MAX)
                max = ANCESTORS_MAX;
        while (p && n < max && p->ppid > 0) {
                const Proc *pp = proctable_get(t, p->ppid);

                if (!pp || pp == p || pp->pid == pid)
                        break;          /* a loop back to the process itself */
                for (unsigned k = 0; k < n; k++)
                        if (ret[k] == pp)
                                return n;
                ret[n++] = pp;
                if (pp->pid <= 1)
                        break;
                p = pp;
        }
        return n;
}

static void cg_order_unlink(ProcTable *t, int32_t i)
{
        CgEntry *e = &t->cgs[i];

        if (e->older >= 0)
                t->cgs[e->older].newer = e->newer;
        else
                t->cg_oldest = e->newer;
        if (e->newer >= 0)
                t->cgs[e->newer].older = e->older;
        else
                t->cg_newest = e->older;
}

static void cg_order_push(ProcTable *t, int32_t i)
{
        CgEntry *e = &t->cgs[i];

        e->older = t->cg_newest;
        e->newer = -1;
        if (t->cg_newest >= 0)
                t->cgs[t->cg_newest].newer = i;
        else
                t->cg_oldest = i;
        t->cg_newest = i;
}

/* Unhooks entry i from its hash chain and the use order; it is then free for reuse. */
static void cg_remove(ProcTable *t, int32_t i)
{
        int32_t *link = &t->cg_buckets[hash_cg(t->cgs[i].id)];

        while (*link >= 0 && *link != i)
                link = &t->cgs[*link].next;
        if (*link == i)
                *link = t->cgs[i].next;
        cg_order_unlink(t, i);
        t->cg_count--;
}

static int32_t cg_find(ProcTable *t, uint64_t id)
{
        for (int32_t i = t->cg_buckets[hash_cg(id)]; i >= 0; i = t->cgs[i].next)
                if (t->cgs[i].id == id)
                        return i;
        return -1;
}

CgEntry *cgtable_lookup(ProcTable *t, uint64_t id)
{
        int32_t i = cg_find(t, id);

        if (i < 0)
                return NULL;
        if (i != t->cg_newest) {
                cg_order_unlink(t, i);
                cg_order_push(t, i);
        }
        return &t->cgs[i];
}

CgEntry *cgtable_set(ProcTable *t, uint64_t id, const char *container_id, uint8_t flags)
{
        CgEntry *e = cgtable_lookup(t, id);
        int32_t i;
        unsigned b;

        if (!e) {
                if (t->cg_free >= 0) {
                        /* entries are used in index order: the free one is the next unused */
                        i = t->cg_free;
                        t->cg_free = i + 1 < CGTABLE_MAX ? i + 1 : -1;
                } else {
                        i = t->cg_oldest;
                        cg_remove(t, i);
                        t->cg_evicted++;
                }
                e = &t->cgs[i];
                memset(e, 0, sizeof(*e));
                e->id = id;
                b = hash_cg(id);
                e->next = t->cg_buckets[b];
                t->cg_buckets[b] = i;
                cg_order_push(t, i);
                t->cg_count++;
        }
        strncpy(e->container_id, container_id ? container_id : "", CONTAINER_ID_MAX);
        e->container_id[CONTAINER_ID_MAX] = 0;
        e->flags = flags;
        e->retry_ns = 0;
        return e;
}

const char *cgtable_get(ProcTable *t, uint64_t id)
{
        const CgEntry *e = cgtable_lookup(t, id);

        return e && !(e->flags & CG_E_UNRESOLVED) ? e->container_id : NULL;
}
