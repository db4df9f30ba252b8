/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See pipeline.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "bus-api.h"
#include "container.h"
#include "log.h"
#include "pipeline.h"
#include "strutil.h"

#define TICK_USEC 10000                 /* drain at least every 10 ms: wakeups are batched */

static int64_t boot_to_wall_now(void)
{
        struct timespec rt, bt;

        clock_gettime(CLOCK_REALTIME, &rt);
        clock_gettime(CLOCK_BOOTTIME, &bt);
        return ((int64_t) rt.tv_sec - bt.tv_sec) * 1000000000LL + (rt.tv_nsec - bt.tv_nsec);
}

static ssize_t read_small(const char *path, char *buf, size_t n)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t r;

        if (fd < 0)
                return -errno;
        r = read(fd, buf, n - 1);
        if (r < 0)
                r = -errno;
        else
                buf[r] = 0;
        close(fd);
        return r;
}

/* The inode number of a /proc/.../ns/mnt link (what the kernel side reports as mntns); 0 if unknown. */
static uint32_t mntns_of(const char *path)
{
        struct stat st;

        if (stat(path, &st) < 0 || st.st_ino > UINT32_MAX)
                return 0;
        return (uint32_t) st.st_ino;
}

#define PROC_PID_INIT_INO 0xEFFFFFFCu      /* the initial pid namespace's inode number (include/linux/proc_ns.h) */

/* The number /proc knows an event's process by: its host pid when the agent is in the initial pid
 * namespace; its pid in the agent's namespace when the agent is in a container and the process in
 * the same one; 0 (unknown) otherwise: a host pid read there would name another process. */
static uint32_t proc_pid_of(const Pipeline *p, const Event *e)
{
        if (!p->own_pidns)
                return e->h.pid;
        return e->h.pidns == p->own_pidns ? e->h.ns_pid : 0;
}

/* Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot (CLOCK_BOOTTIME).
 * 0 if unreadable. */
static uint64_t proc_start_ticks(uint32_t pid)
{
        char path[64], buf[1024];
        const char *q;
        unsigned long long v;

        if (!pid)
                return 0;
        snprintf(path, sizeof(path), "/proc/%u/stat", pid);
        if (read_small(path, buf, sizeof(buf)) <= 0)
                return 0;
        /* comm may hold anything, ')' included: the fields start after the last ')' */
        q = strrchr(buf, ')');
        if (!q)
                return 0;
        q++;
        /* state is field 3; starttime field 22: 19 more blank-separated fields to skip */
        for (int f = 3; f < 22; f++) {
                while (*q == ' ')
                        q++;
                while (*q && *q != ' ')
                        q++;
        }
        if (sscanf(q, " %llu", &v) != 1)
                return 0;
        return v;
}

/*
 * Could a process that /proc says started at `ticks` (clock ticks, CLOCK_BOOTTIME) be the one the
 * kernel side says started at start_ns (CLOCK_MONOTONIC ns)? The two clocks differ by the time the
 * machine spent suspended before the process started: at least 0, at most what it is now.
 */
static bool start_matches(uint64_t ticks, uint64_t start_ns)
{
        static long hz;
        struct timespec mono, boot;
        uint64_t tick_ns, t, slack;

        if (!hz)
                hz = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
        tick_ns = 1000000000ull / (uint64_t) hz;
        clock_gettime(CLOCK_MONOTONIC, &mono);
        clock_gettime(CLOCK_BOOTTIME, &boot);
        slack = (uint64_t) ((boot.tv_sec - mono.tv_sec) * 1000000000LL + (boot.tv_nsec - mono.tv_nsec));
        t = ticks * tick_ns;
        return t + tick_ns >= start_ns && t <= start_ns + slack + tick_ns;
}

/* The executable of a live process from /proc/PID/exe; a link that fills the buffer may have been
 * cut, and one that cannot be read leaves the path unknown. */
static void proc_read_exe(Proc *p, uint32_t pid, bool trusted)
{
        char path[64], buf[PROC_EXE_MAX];
        ssize_t n = -1;

        snprintf(path, sizeof(path), "/proc/%u/exe", pid);
        if (pid)
                n = readlink(path, buf, sizeof(buf));
        if (n <= 0) {
                p->exe[0] = 0;
                p->exe_flags = 0;
                return;
        }
        proc_set_exe(p, buf, (size_t) n, (size_t) n >= sizeof(buf) - 1, trusted);
}

int procfs_seed(ProcTable *t)
{
        DIR *d = opendir("/proc");
        struct dirent *de;

        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                char path[300], buf[1024];
                uint32_t pid;
                char *end, *rp;
                Proc *p;

                pid = strtoul(de->d_name, &end, 10);
                if (*end || pid == 0)
                        continue;
                snprintf(path, sizeof(path), "/proc/%u/stat", pid);
                if (read_small(path, buf, sizeof(buf)) <= 0)
                        continue;
                /* pid (comm) state ppid … — comm may hold anything, so find the last ')' */
                rp = strrchr(buf, ')');
                if (!rp || !strchr(buf, '('))
                        continue;
                p = proctable_upsert(t, pid);
                p->start_ticks = proc_start_ticks(pid);
                {
                        char *lp = strchr(buf, '(') + 1;
                        size_t cl = rp - lp < 15 ? (size_t) (rp - lp) : 15;

                        memcpy(p->comm, lp, cl);
                        p->comm[cl] = 0;
                }
                {
                        char st;
                        unsigned ppid = 0;

                        if (sscanf(rp + 1, " %c %u", &st, &ppid) == 2)
                                p->ppid = ppid;
                }
                snprintf(path, sizeof(path), "/proc/%u/ns/mnt", pid);
                proc_read_exe(p, pid, proctable_mntns_trusted(t, mntns_of(path)));
        }
        closedir(d);
        return 0;
}

/* The cgroup v2 mount: /sys/fs/cgroup (unified) or /sys/fs/cgroup/unified (hybrid); "" if none. */
static void cgroup2_root(char *ret, size_t n)
{
        static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
        struct statfs sf;

        ret[0] = 0;
        for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
                if (statfs(roots[i], &sf) == 0 && (uint64_t) sf.f_type == CGROUP2_SUPER_MAGIC) {
                        snprintf(ret, n, "%s", roots[i]);
                        return;
                }
}

/*
 * Judges a cgroup path (as /proc/PID/cgroup's "0::" line shows it) that should name cgroup id:
 * the path must still name it (the directory's inode number is the cgroup id), must not be under
 * user.slice, and every directory on the way must be root's (a delegated subtree is its user's;
 * see bpf/ctx.bpf.h cgroup_chain_trusted()). Writes the container id ("" if none) to ret_id.
 * Returns 1 for a container, 0 for none, -EPERM if it is named like a container where no runtime
 * puts one, -ESTALE if the path names another cgroup now, another negative errno if it cannot be
 * checked.
 */
static int cgroup_judge_path(const Pipeline *p, uint64_t id, const char *path, char ret_id[CONTAINER_ID_MAX + 1])
{
        char full[PATH_MAX];
        struct stat st;
        size_t len = strlen(path);
        int r, n;

        ret_id[0] = 0;
        if (!p->cgroot[0])
                return -ENOENT;
        if (path[0] != '/' || strstr(path, "/../") || strstr(path, "/./") ||
            (len >= 3 && strcmp(path + len - 3, "/..") == 0) || (len >= 2 && strcmp(path + len - 2, "/.") == 0))
                return -EINVAL;
        n = snprintf(full, sizeof(full), "%s%s", p->cgroot, strcmp(path, "/") == 0 ? "" : path);
        if (n < 0 || (size_t) n >= sizeof(full))
                return -ENAMETOOLONG;
        if (stat(full, &st) < 0)
                return -errno;
        if ((uint64_t) st.st_ino != id || !S_ISDIR(st.st_mode))
                return -ESTALE;
        r = container_id_from_cgroup_path(path, ret_id);
        if (r <= 0) {
                ret_id[0] = 0;
                return 0;
        }
        if (strncmp(path, "/user.slice/", 12) == 0)
                goto refused;
        /* each directory from the first below the root to the cgroup itself */
        for (size_t i = strlen(p->cgroot) + 1; i <= (size_t) n; i++) {
                char c = full[i];

                if (c != '/' && c != 0)
                        continue;
                full[i] = 0;
                r = stat(full, &st) < 0 ? -errno : 0;
                full[i] = c;
                if (r < 0)
                        return r;
                if (st.st_uid != 0)
                        goto refused;
        }
        return 1;

refused:
        ret_id[0] = 0;
        return -EPERM;
}

/* The cgroup v2 path of a process ("0::PATH" in /proc/PID/cgroup) into ret; negative errno if none. */
static int proc_cgroup_path(uint32_t pid, char *ret, size_t n)
{
        char path[64], buf[8192];
        const char *l, *e;
        ssize_t len;

        if (!pid)
                return -ESRCH;
        snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
        len = read_small(path, buf, sizeof(buf));
        if (len < 0)
                return (int) len;
        if ((size_t) len >= sizeof(buf) - 1)
                return -E2BIG;
        for (l = buf; l && *l; l = e ? e + 1 : NULL) {
                e = strchr(l, '\n');
                if (strncmp(l, "0::", 3) != 0)
                        continue;
                l += 3;
                len = e ? e - l : (ssize_t) strlen(l);
                if ((size_t) len >= n)
                        return -ENAMETOOLONG;
                memcpy(ret, l, (size_t) len);
                ret[len] = 0;
                return 0;
        }
        return -ENOENT;
}

static void handle_cgroup(Pipeline *p, const void *rec, size_t len)
{
        struct tr_cgroup_rec c;
        char id[CONTAINER_ID_MAX + 1] = "";

        if (len < sizeof(struct tr_event_hdr) + sizeof(c))
                return;
        memcpy(&c, (const uint8_t *) rec + sizeof(struct tr_event_hdr), sizeof(c));
        c.name[sizeof(c.name) - 1] = 0;
        c.parent[sizeof(c.parent) - 1] = 0;
        if (container_id_from_cgroup_names(c.name, c.parent, id) <= 0)
                id[0] = 0;
        if (c.flags & TR_CGREC_F_UNTRUSTED) {
                if (id[0]) {
                        p->stats.cgroups_refused++;
                        log_debug("cgroup %llu \"%s\" below \"%s\": a directory of its chain is not root's, "
                                  "not a container", (unsigned long long) c.id, c.name, c.parent);
                }
                (void) cgtable_set(&p->procs, c.id, "", CG_E_UNTRUSTED | CG_E_CHECKED);
                return;
        }
        /* a container's path is checked at its first event, by the process's /proc/PID/cgroup */
        (void) cgtable_set(&p->procs, c.id, id, id[0] ? 0 : CG_E_CHECKED);
}

#define CG_RETRY_NS 1000000000ull       /* a cgroup that could not be learnt: ask again after 1 s */

/*
 * The container id of an event's cgroup. Described by the kernel side (TR_REC_CGROUP) and named
 * like a container: its path is checked once (cgroup_judge_path()); if the process is gone by then,
 * the kernel side's verdict (the name, and a chain of root's directories) stands. Not in the table
 * (evicted, or its record lost: the kernel side describes a cgroup once while its tr_cgseen
 * remembers it): learnt from the process's /proc/PID/cgroup.
 */
static const char *event_container_id(Pipeline *p, const Event *e)
{
        uint64_t id = e->h.cgroup_id;
        char path[PATH_MAX], cid[CONTAINER_ID_MAX + 1];
        CgEntry *c = cgtable_lookup(&p->procs, id);
        int r;

        if (c && (c->flags & CG_E_CHECKED))
                return c->container_id;
        if (c && (c->flags & CG_E_UNRESOLVED) && e->h.ts < c->retry_ns)
                return "";
        r = proc_cgroup_path(proc_pid_of(p, e), path, sizeof(path));
        if (r >= 0)
                r = cgroup_judge_path(p, id, path, cid);
        if (r == -EPERM) {
                p->stats.cgroups_refused++;
                log_debug("cgroup %llu %s: named like a container where no runtime puts one, not a container",
                          (unsigned long long) id, path);
        }
        if (c && !(c->flags & CG_E_UNRESOLVED)) {
                /* described by the kernel side */
                if (r >= 0 || r == -EPERM)
                        return cgtable_set(&p->procs, id, r > 0 ? cid : "", CG_E_CHECKED)->container_id;
                c->flags |= CG_E_CHECKED;
                return c->container_id;
        }
        if (r >= 0 || r == -EPERM) {
                p->stats.cgroups_learnt++;
                return cgtable_set(&p->procs, id, r > 0 ? cid : "", CG_E_CHECKED)->container_id;
        }
        c = cgtable_set(&p->procs, id, "", CG_E_UNRESOLVED);
        c->retry_ns = e->h.ts + CG_RETRY_NS;
        return "";
}

/*
 * Is this entry an earlier process's with the same pid? Its start time says so; an entry seeded
 * from /proc has only /proc's (in clock ticks), which the first event confirms or refutes.
 */
static bool proc_is_stale(Proc *pr, const Event *e)
{
        if (!e->h.start_time)
                return false;
        if (pr->start_time)
                return pr->start_time != e->h.start_time;
        if (pr->start_ticks && !start_matches(pr->start_ticks, e->h.start_time))
                return true;
        pr->start_time = e->h.start_time;
        return false;
}

/* Learns a process the table does not know (or knew as another) from its event and /proc: its
 * executable only if /proc's process started when the event's did (the pid may be reused again). */
static void proc_learn(Pipeline *p, Proc *pr, const Event *e)
{
        uint32_t pid = proc_pid_of(p, e);
        uint64_t ticks = proc_start_ticks(pid);

        pr->ppid = e->h.ppid;
        pr->uid = e->h.uid;
        pr->start_time = e->h.start_time;
        pr->cgroup_id = e->h.cgroup_id;
        memcpy(pr->comm, e->h.comm, sizeof(pr->comm));
        if (e->h.start_time && (!ticks || !start_matches(ticks, e->h.start_time)))
                pid = 0;
        proc_read_exe(pr, pid, proctable_mntns_trusted(&p->procs, e->h.mntns));
        if (pid && e->h.start_time && proc_start_ticks(pid) != ticks) {
                pr->exe[0] = 0;         /* the pid was reused while we read */
                pr->exe_flags = 0;
        }
}

/*
 * A TR_REC_SHED record: the kernel side shed `count` events of one process. Kept per process for
 * the next detection-gap report (pipeline_report_gaps); the heaviest PIPELINE_SHED_SLOTS by count.
 */
static void handle_shed(Pipeline *p, const void *rec, size_t len)
{
        struct tr_event_hdr h;
        struct tr_shed_rec s;
        ShedSlot *slot = NULL, *least = NULL;
        const Proc *pr;

        if (len < sizeof(h) + sizeof(s))
                return;
        memcpy(&h, rec, sizeof(h));
        memcpy(&s, (const uint8_t *) rec + sizeof(h), sizeof(s));
        p->stats.shed_reported += s.count;
        for (unsigned i = 0; i < PIPELINE_SHED_SLOTS; i++) {
                ShedSlot *t = &p->shed[i];

                if (t->count && t->pid == h.pid && t->start_time == h.start_time) {
                        slot = t;
                        break;
                }
                if (!least || t->count < least->count)
                        least = t;
        }
        if (!slot) {
                if (p->n_shed_procs < UINT32_MAX)
                        p->n_shed_procs++;
                if (least->count > s.count)
                        goto out;
                slot = least;
                memset(slot, 0, sizeof(*slot));
                slot->pid = h.pid;
                slot->uid = h.uid;
                slot->start_time = h.start_time;
                memcpy(slot->comm, h.comm, sizeof(h.comm));
                slot->comm[sizeof(slot->comm) - 1] = 0;
                pr = proctable_get(&p->procs, h.pid);
                if (pr && pr->start_time == h.start_time)
                        snprintf(slot->exe, sizeof(slot->exe), "%s", pr->exe);
        }
        slot->count += s.count;
out:
        if (s.exited)
                proctable_remove(&p->procs, h.pid);
}

static void enrich(Pipeline *p, Event *e)
{
        Proc *pr;

        e->wall_ns = e->h.ts + p->boot_to_wall;
        e->hostname = p->hostname;
        e->container_id = event_container_id(p, e);

        /* A process the table does not know (started before us and missed by the /proc scan, or
         * evicted), or knows as an earlier one with the same pid (its exit and this one's fork were
         * lost): learn what we can now, before a fork copies it to the child. At an exec, /proc
         * already shows the new image: that one's exec_by stays unknown (track_exec() handles a
         * stale entry itself). */
        if (e->h.type != TR_EV_SCHED_PROCESS_EXEC) {
                pr = proctable_get(&p->procs, e->h.pid);
                if (pr && proc_is_stale(pr, e)) {
                        p->stats.procs_relearnt++;
                        log_debug("pid %u: the table knew an earlier process (started %llu, this one %llu), "
                                  "learning it again", e->h.pid, (unsigned long long) pr->start_time,
                                  (unsigned long long) e->h.start_time);
                        proctable_remove(&p->procs, e->h.pid);
                        pr = NULL;
                }
                if (!pr)
                        proc_learn(p, proctable_upsert(&p->procs, e->h.pid), e);
        }
        proctable_track(&p->procs, e);
        pr = proctable_get(&p->procs, e->h.pid);
        if (!pr)
                return;
        e->exe = pr->exe;
        e->exe_flags = pr->exe_flags;
        e->exec_by = pr->exec_by;
        e->exec_by_flags = pr->exec_by_flags;
        e->proc_flags = pr->flags;
        e->fork_uid = pr->fork_uid;
        e->parent_stdio_sock = pr->parent_stdio_sock;
}

static int on_record(void *userdata, const void *rec, size_t len)
{
        Pipeline *p = userdata;
        Event e;
        int r;

        p->stats.received++;
        if (len >= sizeof(struct tr_event_hdr)) {
                uint32_t type;

                memcpy(&type, rec, sizeof(type));
                if (type == TR_REC_CGROUP) {
                        handle_cgroup(p, rec, len);
                        return 0;
                }
                if (type == TR_REC_SHED) {
                        handle_shed(p, rec, len);
                        return 0;
                }
        }
        r = event_decode(rec, len, &e);
        if (r < 0) {
                p->stats.malformed++;
                if (p->stats.malformed == 1 || (p->stats.malformed & (p->stats.malformed - 1)) == 0)
                        log_warning("dropped %llu malformed record(s) from the kernel side (last: %s)",
                                    (unsigned long long) p->stats.malformed, strerror(-r));
                return 0;
        }
        enrich(p, &e);
        p->stats.events++;
        if (p->on_event)
                (void) p->on_event(p->userdata, &e);
        /* The exit event is the process's last: forget it after the consumer saw it. */
        if (e.h.type == TR_EV_SCHED_PROCESS_EXIT)
                proctable_remove(&p->procs, e.h.pid);
        return 0;
}

int pipeline_drain(Pipeline *p)
{
        int r = bpf_consume(p->bpf);

        if (p->on_drained)
                p->on_drained(p->userdata);
        return r < 0 ? r : 0;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
        return pipeline_drain(userdata), 0;
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
        Pipeline *p = userdata;

        (void) pipeline_drain(p);
        if (p->on_tick)
                p->on_tick(p->userdata);
        (void) sd_event_source_set_time_relative(s, p->tick_usec);
        return 0;
}

int pipeline_get_stats(Pipeline *p, PipelineStats *ret)
{
        BpfStats bs;
        int r = bpf_get_stats(p->bpf, &bs);

        if (r < 0)
                return r;
        p->stats.lost = bs.lost;
        p->stats.filtered = bs.filtered;
        p->stats.shed = bs.shed;
        p->stats.cgroups_evicted = p->procs.cg_evicted;
        *ret = p->stats;
        return 0;
}

void pipeline_report_gaps(Pipeline *p)
{
        PipelineStats st;
        const ShedSlot *top = NULL;
        char comm[80], exe[1200];

        if (pipeline_get_stats(p, &st) < 0)
                return;
        if (st.lost > p->lost_reported) {
                log_struct(LOG_WARNING, TRACEE_MESSAGE_EVENTS_LOST,
                           "lost %llu events in the last seconds (%llu in all): the ring buffer was full; "
                           "raise ringbuf_size or narrow the events",
                           (unsigned long long) (st.lost - p->lost_reported), (unsigned long long) st.lost);
                p->lost_reported = st.lost;
        }
        if (st.shed_reported == p->shed_logged)
                return;
        for (unsigned i = 0; i < PIPELINE_SHED_SLOTS; i++)
                if (p->shed[i].count && (!top || p->shed[i].count > top->count))
                        top = &p->shed[i];
        /* the process chose both names: escaped as the journal sink escapes them, and printed as
         * data, never as format */
        if (top) {
                str_escape_terminal(top->comm, strlen(top->comm), comm, sizeof(comm));
                str_escape_terminal(top->exe, strlen(top->exe), exe, sizeof(exe));
        }
        log_struct(LOG_WARNING, TRACEE_MESSAGE_EVENTS_LOST,
                   "detection gap: the kernel shed %llu events of %u flooding process(es) in the last seconds "
                   "(%llu in all); most from %s (pid %u, uid %u, %s): %llu",
                   (unsigned long long) (st.shed_reported - p->shed_logged), p->n_shed_procs,
                   (unsigned long long) st.shed_reported, top ? comm : "?", top ? top->pid : 0,
                   top ? top->uid : 0, top && top->exe[0] ? exe : "executable unknown",
                   top ? (unsigned long long) top->count : 0ULL);
        p->shed_logged = st.shed_reported;
        memset(p->shed, 0, sizeof(p->shed));
        p->n_shed_procs = 0;
}

static int on_stats(sd_event_source *s, uint64_t usec, void *userdata)
{
        Pipeline *p = userdata;

        pipeline_report_gaps(p);
        bpf_shed_recount(p->bpf);
        p->boot_to_wall = boot_to_wall_now();
        (void) sd_event_source_set_time_relative(s, 2 * 1000000);
        return 0;
}

int pipeline_new(sd_event *e, const BpfOptions *o, pipeline_event_fn fn, void *userdata, Pipeline **ret)
{
        BpfOptions bo = *o;
        Pipeline *p;
        int r;

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->event = sd_event_ref(e);
        p->on_event = fn;
        p->userdata = userdata;
        p->tick_usec = TICK_USEC;
        p->boot_to_wall = boot_to_wall_now();
        if (gethostname(p->hostname, sizeof(p->hostname) - 1) < 0)
                p->hostname[0] = 0;
        r = proctable_init(&p->procs);
        if (r < 0)
                goto fail;
        cgroup2_root(p->cgroot, sizeof(p->cgroot));
        /* Paths are trusted as seen in PID 1's mount namespace (unreadable without CAP_SYS_PTRACE) or
         * in the agent's own (a private one under the unit's sandboxing): no other process can
         * change what a path there names without root. */
        proctable_set_trusted_mntns(&p->procs, mntns_of("/proc/1/ns/mnt"), mntns_of("/proc/self/ns/mnt"));
        {
                uint32_t own = mntns_of("/proc/self/ns/pid");

                p->own_pidns = own && own != PROC_PID_INIT_INO ? own : 0;
        }
        /* /proc is keyed by host pids only in the initial pid namespace; in a container the table
         * fills as processes show up (enrich()) */
        if (!p->own_pidns)
                (void) procfs_seed(&p->procs);

        bo.on_record = on_record;
        bo.userdata = p;
        r = bpf_new(&bo, &p->bpf);
        if (r < 0)
                goto fail;
        r = sd_event_add_io(e, &p->io, bpf_epoll_fd(p->bpf), EPOLLIN, on_io, p);
        if (r < 0)
                goto fail;
        r = sd_event_add_time_relative(e, &p->tick, CLOCK_MONOTONIC, p->tick_usec, 1000, on_tick, p);
        if (r < 0)
                goto fail;
        (void) sd_event_source_set_enabled(p->tick, SD_EVENT_ON);
        r = sd_event_add_time_relative(e, &p->stats_timer, CLOCK_MONOTONIC, 2 * 1000000, 100000, on_stats, p);
        if (r < 0)
                goto fail;
        (void) sd_event_source_set_enabled(p->stats_timer, SD_EVENT_ON);
        *ret = p;
        return 0;
fail:
        pipeline_free(p);
        return r;
}

Pipeline *pipeline_free(Pipeline *p)
{
        if (!p)
                return NULL;
        sd_event_source_disable_unref(p->io);
        sd_event_source_disable_unref(p->tick);
        sd_event_source_disable_unref(p->stats_timer);
        bpf_free(p->bpf);
        proctable_done(&p->procs);
        sd_event_unref(p->event);
        free(p);
        return NULL;
}
