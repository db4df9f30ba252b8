#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Container ids that a user cannot forge, and that a busy host does not lose (issue 13).

Forging: any user with a delegated cgroup subtree (user@UID.service, a unit with Delegate=) can
name a cgroup "docker-<64 hex>.scope" in it. Here a stand-in for such a subtree, a cgroup chown()ed
to nobody, holds a "docker-<id>.scope" that nobody made, and root made one under user.slice; an
exception says container=<id>. TRC-2 run as root in the real system.slice/docker-<id>.scope is
suppressed; run by nobody in the forged one, or by root under user.slice, it is reported, with no
containerId; `trace --filter host` shows the forged one's events (the kernel side does not take it
for a container either).

Churn: a process in a container cgroup keeps opening a file while 5000 other cgroups come and go
(more than the agent's and the kernel side's tables hold; the kernel side keeps describing the
busy one as known): its events still carry its containerId after the churn, and so do those of a
process in a container created after it.

Every directory made here is made by the test, in the cgroup v2 hierarchy, and removed at the end.
"""
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SKIP, Checks, Tracee, require_root_bpf, trigger, unprivileged_copy  # noqa: E402
from privbus import PrivateBus, as_nobody  # noqa: E402

c = Checks()
NOBODY = 65534
CHURN = 5000

# A process that joins cgroup argv[1], names itself tr_churn, and opens a file (an openat event in
# that cgroup) for each line read on stdin, answering "ok" each time; after "spin", every 5 ms until
# the file argv[2] exists.
HOLDER = r"""
import os, sys, time
open("/proc/self/comm", "w").write("tr_churn")
with open(os.path.join(sys.argv[1], "cgroup.procs"), "w") as f:
    f.write(str(os.getpid()))
print(os.getpid(), flush=True)
for line in sys.stdin:
    open("/etc/hostname").close()
    while line.strip() == "spin" and not os.path.exists(sys.argv[2]):
        open("/etc/hostname").close()
        time.sleep(0.005)
    print("ok", flush=True)
"""

# Hops through argv[2] new cgroups below argv[1], opening a file in each, then back to argv[3].
CHURNER = r"""
import os, sys
open("/proc/self/comm", "w").write("tr_churn")
base, n, home = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    d = os.path.join(base, "c%d" % i)
    os.mkdir(d)
    with open(os.path.join(d, "cgroup.procs"), "w") as f:
        f.write(str(os.getpid()))
    open("/etc/hostname").close()
    with open(os.path.join(home, "cgroup.procs"), "w") as f:
        f.write(str(os.getpid()))
    os.rmdir(d)
print("done", flush=True)
"""


def cgroup2_root():
    mounts = {}
    with open("/proc/self/mounts") as f:
        for line in f:
            dev, mnt, fstype = line.split()[:3]
            mounts[mnt] = fstype
    for path in ("/sys/fs/cgroup/unified", "/sys/fs/cgroup"):
        if mounts.get(path) == "cgroup2":
            return path
    return None


def own_cgroup(root):
    with open("/proc/self/cgroup") as f:
        for line in f:
            if line.startswith("0::"):
                return os.path.join(root, line[3:].strip().lstrip("/"))
    return root


def run_in(cg, argv, nobody=False):
    """argv exec'd by a shell that joined cgroup cg; returns (pid, stdout). As nobody, the shell
    first waits until root has moved it into cg's parent (nobody may move itself only within a
    subtree it owns)."""
    script = 'read _ && echo $$ > "$1/cgroup.procs" && shift && exec "$@"'
    cmd = ["/bin/sh", "-c", script, "sh", cg] + list(argv)
    p = subprocess.Popen(as_nobody(cmd) if nobody else cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    if nobody:
        with open(os.path.join(os.path.dirname(cg), "cgroup.procs"), "w") as f:
            f.write(str(p.pid))
    so, se = p.communicate("\n", timeout=30)
    if p.returncode != 0:
        raise RuntimeError(f"{argv} in {cg}: rc {p.returncode} {se!r}")
    return p.pid, so


def evacuate(root, d):
    """Moves what is left in cgroup d to the root cgroup."""
    try:
        with open(os.path.join(d, "cgroup.procs")) as f:
            left = [x.strip() for x in f if x.strip()]
        for pid in left:
            with open(os.path.join(root, "cgroup.procs"), "w") as f:
                f.write(pid)
    except OSError as ex:
        print(f"# cleanup: {ex}")


def part_forged(root, tmp, created, bus):
    cid = secrets.token_hex(32)
    real = os.path.join(root, "system.slice", f"docker-{cid}.scope")
    deleg = os.path.join(root, f"tracee-test-delegated-{secrets.token_hex(4)}")
    forged = os.path.join(deleg, f"docker-{cid}.scope")
    userslice = os.path.join(root, "user.slice", f"docker-{cid}.scope")
    for d in (os.path.dirname(real), real, deleg, os.path.dirname(userslice), userslice):
        if not os.path.isdir(d):
            os.mkdir(d)
            created.append(d)
    # what systemd does for Delegate=yes: the directory and its control files become the user's
    for x in ("", "cgroup.procs", "cgroup.threads", "cgroup.subtree_control"):
        os.chown(os.path.join(deleg, x), NOBODY, NOBODY)
    r = subprocess.run(as_nobody(["mkdir", forged]), capture_output=True, text=True)
    if r.returncode != 0:
        c.check("nobody can make a cgroup in its delegated subtree", False, r.stderr)
        return
    created.append(forged)
    c.check("the forged cgroup is nobody's", os.stat(forged).st_uid == NOBODY)

    conf = os.path.join(tmp, "tracee.conf")
    with open(conf, "w") as f:
        f.write(f"[agent]\nstate_directory = {tmp}\n")
    exc = os.path.join(tmp, "exceptions.conf")
    with open(exc, "w") as f:
        f.write(f"[rule TRC-2]\nexception = container={cid}\n")
    # nobody runs them too: copies that user can reach wherever the build tree is
    trc2 = unprivileged_copy(trigger("trc2_traceme"))
    a = Tracee("--config", conf, "--exceptions", exc, "--output", "json", "--journal", "no", env=bus.env())
    a.start()
    try:
        pid_real, _ = run_in(real, [trc2])
        pid_forged, _ = run_in(forged, [trc2], nobody=True)
        pid_user, _ = run_in(userslice, [trc2])

        def found(pid, timeout):
            return a.wait_for(lambda o: o.get("rule", {}).get("id") == "TRC-2" and
                              o.get("process", {}).get("pid") == pid, timeout)

        f = found(pid_forged, 5)
        c.check("nobody's docker-<id>.scope in its own delegated subtree: TRC-2 reported, not excepted",
                len(f) == 1, str(a.lines[-3:])[:600])
        c.check("... and with no containerId", f and f[0]["process"].get("containerId") == "", str(f)[:600])
        f = found(pid_user, 5)
        c.check("root's docker-<id>.scope under user.slice: TRC-2 reported, not excepted", len(f) == 1,
                str(a.lines[-3:])[:600])
        c.check("... and with no containerId", f and f[0]["process"].get("containerId") == "", str(f)[:600])
        a.settle(0.5)
        c.check("the real system.slice/docker-<id>.scope: TRC-2 excepted by container=<id>",
                not found(pid_real, 0), str(found(pid_real, 0))[:600])
        p = subprocess.run(["busctl", "--json=short", "call", "org.tracee.Agent1", "/org/tracee/Agent1",
                            "org.tracee.Agent1", "Describe"], capture_output=True, text=True, timeout=30,
                           env=bus.env())
        d = json.loads(json.loads(p.stdout)["data"][0]) if p.returncode == 0 else {}
        c.check("Describe: cgroupsRefusedAsContainers counts both", d.get("cgroupsRefusedAsContainers", 0) >= 2,
                str({k: v for k, v in d.items() if k.startswith("cgroups")}))
    finally:
        rc = a.stop()
    c.check("agent: exit 0", rc == 0, f"rc {rc}: {a.err[-800:]}")

    # the kernel side's own verdict: --filter host keeps the forged container's events
    marker = unprivileged_copy(trigger("tr_marker"))
    t = Tracee("trace", "--events", "sched_process_exec", "--filter", "host")
    with t:
        pid_f, _ = run_in(forged, [marker, "forged"], nobody=True)
        pid_r, _ = run_in(real, [marker, "real"])
        got = t.wait_for(lambda e: e["hostProcessId"] == pid_f and e["processName"] == "tr_marker", 5)
        t.settle(0.3)
    c.check("trace --filter host: the forged container's exec shown, with no containerId",
            len(got) == 1 and got[0]["containerId"] == "", str(got)[:400])
    c.check("trace --filter host: the real container's exec not shown",
            not [e for e in t.json() if e["hostProcessId"] == pid_r and e["processName"] == "tr_marker"])
    for d in (forged, deleg, userslice, real):
        evacuate(root, d)


def part_churn(root, tmp, created):
    cid, cid2 = secrets.token_hex(32), secrets.token_hex(32)
    slice_dir = os.path.join(root, "system.slice")
    cg = os.path.join(slice_dir, f"docker-{cid}.scope")
    cg2 = os.path.join(slice_dir, f"docker-{cid2}.scope")
    base = os.path.join(root, f"tracee-test-churn-{secrets.token_hex(4)}")
    for d in (slice_dir, cg, cg2, base):
        if not os.path.isdir(d):
            os.mkdir(d)
            created.append(d)
    holder_py = os.path.join(tmp, "holder.py")
    churner_py = os.path.join(tmp, "churner.py")
    with open(holder_py, "w") as f:
        f.write(HOLDER)
    with open(churner_py, "w") as f:
        f.write(CHURNER)
    t = Tracee("trace", "--events", "openat", "--filter", "comm=tr_churn")
    h = h2 = None
    with t:
        try:
            stop = os.path.join(tmp, "stop")
            h = subprocess.Popen([sys.executable, holder_py, cg, stop], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True)
            hpid = int(h.stdout.readline())
            ino = os.stat(cg).st_ino

            def opened(pid, n):
                return [e for e in t.json() if e["hostProcessId"] == pid and e["cgroupId"] == ino and
                        e.get("args", [{}]) and "/etc/hostname" in str(e.get("args"))][:n]

            h.stdin.write("1\n")
            h.stdin.flush()
            h.stdout.readline()
            first = t.wait_for(lambda e: e["hostProcessId"] == hpid and e["cgroupId"] == ino, 5)
            c.check("before the churn: the container process's openat has its containerId",
                    first and all(e["containerId"] == cid for e in first), str(first)[:400])
            home = own_cgroup(root)
            h.stdin.write("spin\n")
            h.stdin.flush()
            p = subprocess.run([sys.executable, churner_py, base, str(CHURN), home], capture_output=True,
                               text=True, timeout=300)
            with open(stop, "w"):
                pass
            h.stdout.readline()
            c.check(f"the churner went through {CHURN} cgroups", p.returncode == 0 and "done" in p.stdout,
                    p.stderr[-400:])
            n0 = len(t.lines)
            h.stdin.write("2\n")
            h.stdin.flush()
            h.stdout.readline()
            h2 = subprocess.Popen([sys.executable, holder_py, cg2, stop], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
            h2pid = int(h2.stdout.readline())
            h2.stdin.write("1\n")
            h2.stdin.flush()
            h2.stdout.readline()
            ino2 = os.stat(cg2).st_ino
            t.wait_for(lambda e: e["hostProcessId"] == h2pid and e["cgroupId"] == ino2, 10)
            t.settle(0.5)
            evs = t.json()
            churned = {e["cgroupId"] for e in evs[:n0] if e["cgroupId"] not in (ino, ino2)}
            c.check(f"the agent saw events from more than 4096 other cgroups ({len(churned)})",
                    len(churned) > 4096)
            during = [e for e in evs[:n0] if e["hostProcessId"] == hpid and e["cgroupId"] == ino]
            c.check(f"during the churn: every openat of the container process has its containerId "
                    f"({len(during)} events)", during and all(e["containerId"] == cid for e in during),
                    str(sum(1 for e in during if e["containerId"] != cid)) + " without")
            after = [e for e in evs[n0:] if e["hostProcessId"] == hpid and e["cgroupId"] == ino]
            c.check("after the churn: the same process's openat still has its containerId",
                    after and all(e["containerId"] == cid for e in after),
                    str([(e["eventName"], e["containerId"][:12]) for e in after])[:400])
            new = [e for e in evs if e["hostProcessId"] == h2pid and e["cgroupId"] == ino2]
            c.check("after the churn: a process in a new container has its containerId",
                    new and all(e["containerId"] == cid2 for e in new),
                    str([(e["eventName"], e["containerId"][:12]) for e in new])[:400])
        finally:
            for x in (h, h2):
                if x:
                    x.stdin.close()
                    x.wait(10)
    for d in (cg, cg2):
        evacuate(root, d)


def main():
    require_root_bpf()
    root = cgroup2_root()
    if not root:
        print("skip: no cgroup v2 mount at /sys/fs/cgroup/unified or /sys/fs/cgroup", file=sys.stderr)
        sys.exit(SKIP)
    tmp = tempfile.mkdtemp(prefix="tracee-cgtrust-")
    os.chmod(tmp, 0o755)
    created = []
    try:
        with PrivateBus() as bus:
            part_forged(root, tmp, created, bus)
        part_churn(root, tmp, created)
    finally:
        for d in reversed(created):
            if os.path.isdir(d):
                evacuate(root, d)
                try:
                    for sub in os.listdir(d):
                        if os.path.isdir(os.path.join(d, sub)):
                            os.rmdir(os.path.join(d, sub))
                    os.rmdir(d)
                except OSError as ex:
                    print(f"# cleanup: cannot remove {d}: {ex}")
        shutil.rmtree(tmp, ignore_errors=True)
    c.check("cgroup directories removed", not any(os.path.isdir(d) for d in created))
    c.done()


if __name__ == "__main__":
    main()
