#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`tracee trace` and containers known by their cgroup only.

A cgroup v2 directory named like a docker container's systemd scope
(system.slice/docker-<64 hex>.scope) stands in for a container; a shell moves itself there and
execs the marker. Its events must carry containerId = the 64-hex id; `--filter container` must
show them and not the same marker run outside; `--filter host` the reverse.
"""
import os
import secrets
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import SKIP, Checks, Tracee, require_root_bpf, trigger  # noqa: E402

MARKER = trigger("tr_marker")
EVENTS = "sched_process_exec,execve"


def cgroup2_root():
    """The cgroup v2 mount: /sys/fs/cgroup/unified (hybrid) or /sys/fs/cgroup (unified)."""
    mounts = {}
    with open("/proc/self/mounts") as f:
        for line in f:
            dev, mnt, fstype = line.split()[:3]
            mounts[mnt] = fstype
    for path in ("/sys/fs/cgroup/unified", "/sys/fs/cgroup"):
        if mounts.get(path) == "cgroup2":
            return path
    return None


def run_inside(cg):
    """A shell that joins cgroup cg and execs the marker; returns the pid (kept across the exec)."""
    p = subprocess.Popen(["/bin/sh", "-c", 'echo $$ > "$1/cgroup.procs" && exec "$0" in-container', MARKER, cg],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    so, se = p.communicate(timeout=15)
    out = so.decode().split()
    if p.returncode != 0 or not out:
        raise RuntimeError(f"in-cgroup run failed: rc {p.returncode} {se!r}")
    return p.pid, int(out[0])


def run_outside():
    p = subprocess.Popen([MARKER, "on-host"], stdout=subprocess.PIPE)
    p.communicate(timeout=15)
    return p.pid


def mine(t, pid):
    """The marker's exec events (not the shell's own, made before it joined the cgroup)."""
    return [e for e in t.json() if e["hostProcessId"] == pid and e["processName"] == "tr_marker" and
            e["eventName"] in ("execve", "sched_process_exec")]


def brief(evs):
    return str([(e["eventName"], e["processName"], e["containerId"], e["container"], e["cgroupId"]) for e in evs])


def main():
    require_root_bpf()
    root = cgroup2_root()
    if not root:
        print("skip: no cgroup v2 mount at /sys/fs/cgroup/unified or /sys/fs/cgroup", file=sys.stderr)
        sys.exit(SKIP)
    c = Checks()
    cid = secrets.token_hex(32)
    slice_dir = os.path.join(root, "system.slice")
    cg = os.path.join(slice_dir, f"docker-{cid}.scope")
    created = []
    try:
        for d in (slice_dir, cg):
            if not os.path.isdir(d):
                os.mkdir(d)
                created.append(d)
        cg_ino = os.stat(cg).st_ino      # the cgroup id on cgroup v2 is the directory's inode number
        print(f"# cgroup {cg} (id {cg_ino})")

        # --- no filter: the container id is derived from the cgroup name -------------------------
        t = Tracee("trace", "--events", EVENTS)
        with t:
            shpid, outpid = run_inside(cg)
            host = run_outside()
            t.wait_for(lambda e: e["hostProcessId"] == shpid and e["eventName"] == "execve")
            t.wait_for(lambda e: e["hostProcessId"] == host and e["eventName"] == "execve")
            t.settle(0.3)
        c.check("the marker in the cgroup kept the shell's pid", outpid == shpid, f"{outpid} vs {shpid}")
        evs = mine(t, shpid)
        c.check("no filter: the in-cgroup marker's execve and sched_process_exec",
                sorted(e["eventName"] for e in evs) == ["execve", "sched_process_exec"], brief(evs))
        c.check("no filter: containerId = the 64-hex id on both", evs and all(e["containerId"] == cid for e in evs),
                brief(evs))
        c.check("no filter: container.id = the 64-hex id on both", evs and all(e["container"] == {"id": cid}
                                                                                for e in evs), brief(evs))
        c.check("no filter: cgroupId = the cgroup directory's inode", evs and all(e["cgroupId"] == cg_ino
                                                                                  for e in evs), brief(evs))
        c.check("no filter: processName tr_marker, argv marks it",
                any(e["eventName"] == "sched_process_exec" and e["processName"] == "tr_marker" for e in evs), brief(evs))
        hevs = mine(t, host)
        c.check("no filter: the host marker's events", len(hevs) == 2, brief(hevs))
        c.check("no filter: the host marker has no containerId", hevs and all(e["containerId"] == "" and
                                                                             e["container"] == {"id": ""}
                                                                             for e in hevs), brief(hevs))

        # --- --filter container: only the cgroup container ----------------------------------------
        t = Tracee("trace", "--events", EVENTS, "--filter", "container")
        with t:
            host = run_outside()
            shpid, _ = run_inside(cg)
            t.wait_for(lambda e: e["hostProcessId"] == shpid and e["eventName"] == "execve")
            t.settle(0.5)
        evs = mine(t, shpid)
        c.check("--filter container: the in-cgroup marker's execve and sched_process_exec shown "
                "(a container known by its cgroup only, in the host pid namespace)",
                sorted(e["eventName"] for e in evs) == ["execve", "sched_process_exec"], brief(evs))
        c.check("--filter container: with containerId = the 64-hex id",
                evs and all(e["containerId"] == cid for e in evs), brief(evs))
        c.check("--filter container: the host marker not shown", not mine(t, host), brief(mine(t, host)))
        c.check("--filter container: nothing without a container id",
                all(e["containerId"] for e in t.json()),
                brief([e for e in t.json() if not e["containerId"]][:5]))

        # --- --filter host: the complement ------------------------------------------------------------
        t = Tracee("trace", "--events", EVENTS, "--filter", "host")
        with t:
            shpid, _ = run_inside(cg)
            host = run_outside()
            t.wait_for(lambda e: e["hostProcessId"] == host and e["eventName"] == "execve")
            t.settle(0.3)
        c.check("--filter host: the host marker shown", len(mine(t, host)) == 2, brief(mine(t, host)))
        c.check("--filter host: the in-cgroup marker not shown", not mine(t, shpid), brief(mine(t, shpid)))

        # --- the cgroupfs driver's naming: a bare 64-hex cgroup (docker/<id>), and a 64-character
        # name that is not hex (one 'g'): only the first is a container, as the kernel side decides
        parent = os.path.join(root, "docker")
        bare = os.path.join(parent, secrets.token_hex(32))
        nothex = os.path.join(parent, secrets.token_hex(31) + "0g")
        for d in (parent, bare, nothex):
            if not os.path.isdir(d):
                os.mkdir(d)
                created.append(d)
        t = Tracee("trace", "--events", EVENTS, "--filter", "container")
        with t:
            shpid, _ = run_inside(bare)
            ngpid, _ = run_inside(nothex)
            t.wait_for(lambda e: e["hostProcessId"] == shpid and e["eventName"] == "execve")
            t.settle(0.5)
        evs = mine(t, shpid)
        c.check("--filter container: a bare 64-hex cgroup (cgroupfs driver) is a container",
                sorted(e["eventName"] for e in evs) == ["execve", "sched_process_exec"] and
                all(e["containerId"] == os.path.basename(bare) for e in evs), brief(evs))
        c.check("--filter container: a 64-character cgroup name with a non-hex digit is not",
                not mine(t, ngpid), brief(mine(t, ngpid)))
    finally:
        # Move anything of ours still in the cgroups out, then remove only what this test created.
        for d in [cg] + [x for x in created if x != cg]:
            if not os.path.isdir(d):
                continue
            try:
                with open(os.path.join(d, "cgroup.procs")) as f:
                    left = [l.strip() for l in f if l.strip()]
                for pid in left:
                    with open(os.path.join(root, "cgroup.procs"), "w") as f:
                        f.write(pid)
            except OSError as ex:
                print(f"# cleanup: {ex}")
        for d in reversed(created):
            try:
                os.rmdir(d)
            except OSError as ex:
                print(f"# cleanup: cannot remove {d}: {ex}")
    c.check("cgroup directories removed", not any(os.path.isdir(d) for d in created))
    c.done()


if __name__ == "__main__":
    main()
