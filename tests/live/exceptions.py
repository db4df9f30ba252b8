#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exceptions end to end: the real agent with an exceptions file (--exceptions), real trigger
programs, findings matched by pid, counters read with DescribeRule() on a private bus.

  - a combined exception (exe= and uid= at once) suppresses TRC-2 only when both hold: the trigger
    as nobody is suppressed, as root it is reported, and a copy of it elsewhere run as nobody too;
  - exec_by= names the program that made the exec: TRC-5's memfd exec by trc5_memfd is suppressed
    by exec_by=<trc5_memfd>, trc5_shm's exec is not;
  - TRC-5's default exceptions (a memfd exec'd by runc as root): the agent runs in a private mount namespace where
    /usr/local/bin is a tmpfs holding a stand-in "runc" (a copy of trc5_memfd), so that namespace
    is the agent's own, a trusted one; the stand-in run there (nsenter) is not reported, and the
    default's own counter says so. The same stand-in under the same path in another mount
    namespace, made by root or by an unprivileged user with a user namespace (the way an attacker
    would), is reported, with process.execBy = /usr/local/bin/runc. After default_exceptions = no
    in the exceptions file and a reload (SIGHUP re-reads it), the stand-in is reported too;
  - tracee --list shows the default exceptions and the configured ones.
The host's files are never changed: the tmpfs mounts live in private mount namespaces.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TRACEE, Checks, Tracee, require_root_bpf, trigger, unprivileged_copy  # noqa: E402
from privbus import PrivateBus, as_nobody  # noqa: E402

WAIT = 5.0
c = Checks()


def run_pid(argv, env=None):
    """Runs argv (a trigger printing its pid first), returns (pid, returncode, stderr)."""
    p = subprocess.run(argv, capture_output=True, text=True, timeout=30, env=env)
    first = p.stdout.split("\n", 1)[0].strip()
    return (int(first) if first.isdigit() else None), p.returncode, p.stderr


def findings_for(a, pid, rule, timeout):
    return a.wait_for(lambda o: o.get("rule", {}).get("id") == rule and o.get("process", {}).get("pid") == pid,
                      timeout)


def describe(bus, rid):
    p = subprocess.run(["busctl", "--json=short", "call", "org.tracee.Agent1", "/org/tracee/Agent1",
                        "org.tracee.Agent1", "DescribeRule", "s", rid],
                       capture_output=True, text=True, timeout=30, env=bus.env())
    if p.returncode != 0:
        return {}
    return json.loads(json.loads(p.stdout)["data"][0])


def wait_bus(bus, rid, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        d = describe(bus, rid)
        if d:
            return d
        time.sleep(0.1)
    return {}


def wait_ready_count(a, n, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with a._lock:
            if a.notify.count("READY=1") >= n:
                return True
        time.sleep(0.05)
    return False


def part_combined(tmp, conf, bus):
    # run as root and as nobody: a copy nobody can reach wherever the build tree is
    exe = unprivileged_copy(trigger("trc2_traceme"))
    copy_dir = tempfile.mkdtemp(prefix="exc-copy-")
    os.chmod(copy_dir, 0o755)
    copy = os.path.join(copy_dir, "trc2_traceme")
    shutil.copy(exe, copy)
    os.chmod(copy, 0o755)
    memfd = os.path.realpath(trigger("trc5_memfd"))
    exc = os.path.join(tmp, "exceptions.conf")
    with open(exc, "w") as f:
        f.write(f"[rule TRC-2]\nexception = exe={exe} uid=65534\n"
                f"[rule TRC-5]\nexception = exec_by={memfd}\n")
    a = Tracee("--config", conf, "--exceptions", exc, "--output", "json", "--journal", "no", env=bus.env())
    a.start()
    try:
        d = wait_bus(bus, "TRC-2")
        comb = d.get("exceptions", {}).get("combined", [])
        c.check("DescribeRule TRC-2: the combined exception, written back",
                [x.get("exception") for x in comb] == [f"exe={exe} uid=65534"], str(d.get("exceptions")))

        pid_root, rc, err = run_pid([exe])
        pid_nobody, rc2, err2 = run_pid(as_nobody([exe]))
        pid_copy, rc3, err3 = run_pid(as_nobody([copy]))
        c.check("triggers ran", None not in (pid_root, pid_nobody, pid_copy) and rc == rc2 == rc3 == 0,
                err + err2 + err3)
        c.check("AND: exe holds, uid does not (root): reported",
                len(findings_for(a, pid_root, "TRC-2", WAIT)) == 1, str(a.lines[-3:]))
        c.check("AND: uid holds, exe does not (a copy elsewhere, as nobody): reported",
                len(findings_for(a, pid_copy, "TRC-2", WAIT)) == 1, str(a.lines[-3:]))
        a.settle(0.5)
        c.check("AND: both hold (the trigger as nobody): not reported",
                not findings_for(a, pid_nobody, "TRC-2", 0), str(findings_for(a, pid_nobody, "TRC-2", 0)))
        d = describe(bus, "TRC-2")
        comb = d.get("exceptions", {}).get("combined", [{}])
        c.check("DescribeRule TRC-2: suppressed 1, by the combined exception, none by defaults",
                d.get("suppressed") == 1 and comb[0].get("suppressed") == 1 and
                d.get("suppressedByDefaults") == 0, json.dumps(d)[:600])

        # exec_by: the program that called execve
        pid_m, rc, err = run_pid([memfd])
        pid_s, rc2, err2 = run_pid([os.path.realpath(trigger("trc5_shm"))])
        c.check("TRC-5 triggers ran", None not in (pid_m, pid_s), err + err2)
        shm = findings_for(a, pid_s, "TRC-5", WAIT)
        c.check("exec_by: trc5_shm's exec (exec_by trc5_shm) is reported, with its execBy",
                len(shm) == 1 and shm[0]["process"].get("execBy") == os.path.realpath(trigger("trc5_shm")),
                str(shm))
        a.settle(0.5)
        c.check("exec_by: trc5_memfd's memfd exec (exec_by trc5_memfd) is not reported",
                not findings_for(a, pid_m, "TRC-5", 0), "")
        d = describe(bus, "TRC-5")
        comb = d.get("exceptions", {}).get("combined", [{}])
        c.check("DescribeRule TRC-5: suppressed by exec_by=trc5_memfd",
                comb and comb[0].get("suppressed", 0) >= 1 and comb[0].get("exception") == f"exec_by={memfd}",
                json.dumps(d.get("exceptions")))
    finally:
        rc = a.stop()
        shutil.rmtree(copy_dir, ignore_errors=True)
    c.check("agent: exit 0 (under the sanitizers: no leak, no report)", rc == 0, a.err[-800:])


STANDIN = "/usr/local/bin/runc"


def in_private_ns(script, *args, nobody=False):
    """argv running `sh -c script args` in a new mount namespace with a tmpfs on /usr/local/bin
    holding the stand-in runc; as nobody, in a new user namespace too."""
    setup = (f"mount -t tmpfs tmpfs /usr/local/bin && cp {unprivileged_copy(trigger('trc5_memfd'))} {STANDIN} && "
             f"chmod 755 {STANDIN} && ")
    if nobody:
        return as_nobody(["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private",
                          "sh", "-c", setup + script, "sh"] + list(args))
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", setup + script, "sh"] + list(args)


def part_defaults(tmp, conf, bus):
    exc = os.path.join(tmp, "exceptions-defaults.conf")
    with open(exc, "w") as f:
        f.write("[rule TRC-2]\nexception_uid = 4242\n")
    a = Tracee("--config", conf, "--exceptions", exc, "--output", "json", "--journal", "no", env=bus.env())
    a.args = in_private_ns('exec "$@"', *a.args)
    a.start()
    try:
        agent_pid = a.proc.pid
        d = wait_bus(bus, "TRC-5")
        defaults = [x.get("exception") for x in d.get("defaultExceptions", [])]
        c.check("DescribeRule TRC-5: the four default exceptions, on",
                d.get("defaultExceptionsEnabled") is True and defaults ==
                [f"exe=memfd:** exec_by={d}/runc uid=0" for d in ("/usr/bin", "/usr/sbin", "/usr/local/bin",
                                                                  "/usr/local/sbin")], json.dumps(d)[:600])

        # the stand-in in the agent's own mount namespace (trusted): a default exception
        pid, rc, err = run_pid(["nsenter", f"--target={agent_pid}", "--mount", "--", STANDIN])
        c.check("stand-in runc in the agent's namespace ran", pid is not None and rc == 0, err)
        a.settle(1.0)
        c.check("default exception: runc's memfd exec in a trusted namespace is not reported",
                pid is not None and not findings_for(a, pid, "TRC-5", 0), "")
        d = describe(bus, "TRC-5")
        per = {x.get("exception"): x.get("suppressed") for x in d.get("defaultExceptions", [])}
        c.check("DescribeRule TRC-5: suppressedByDefaults and the /usr/local/bin/runc default counted",
                d.get("suppressedByDefaults", 0) >= 1 and per.get("exe=memfd:** exec_by=/usr/local/bin/runc uid=0", 0) >= 1 and
                d.get("suppressed", 0) >= d.get("suppressedByDefaults", 0), json.dumps(d)[:800])

        # the same path in a mount namespace of the caller's own: not trusted, reported
        pid, rc, err = run_pid(in_private_ns(f"exec {STANDIN}"))
        fs = findings_for(a, pid, "TRC-5", WAIT)
        c.check("root's private mount namespace, /usr/local/bin/runc: reported, execBy shown",
                pid is not None and len(fs) == 1 and fs[0]["process"].get("execBy") == STANDIN, f"{err} {fs}")
        pid, rc, err = run_pid(in_private_ns(f"exec {STANDIN}", nobody=True))
        if pid is None and "unshare failed" in err:
            c.check("unprivileged user namespace: skipped (cannot make one here)", True, err)
        elif pid is None:
            c.check("nobody's user+mount namespace: the stand-in ran", False, err)
        else:
            fs = findings_for(a, pid, "TRC-5", WAIT)
            c.check("nobody's user+mount namespace, /usr/local/bin/runc: reported",
                    len(fs) == 1 and fs[0]["process"].get("execBy") == STANDIN and fs[0]["process"]["uid"] == 65534,
                    f"{err} {fs}")

        # default_exceptions = no, applied by a reload (which re-reads the exceptions file)
        with open(exc, "w") as f:
            f.write("[rule TRC-5]\ndefault_exceptions = no\n")
        os.kill(agent_pid, signal.SIGHUP)
        c.check("reload: READY=1 again", wait_ready_count(a, 2), str(a.notify))
        d = describe(bus, "TRC-5")
        c.check("DescribeRule TRC-5 after the reload: defaults off", d.get("defaultExceptionsEnabled") is False,
                json.dumps(d)[:300])
        d2 = describe(bus, "TRC-2")
        c.check("reload: the exceptions file's old TRC-2 exception is gone",
                d2.get("exceptions", {}).get("uid") == [], json.dumps(d2.get("exceptions")))
        pid, rc, err = run_pid(["nsenter", f"--target={agent_pid}", "--mount", "--", STANDIN])
        fs = findings_for(a, pid, "TRC-5", WAIT)
        c.check("defaults off: the stand-in in the trusted namespace is reported",
                pid is not None and len(fs) == 1 and fs[0]["process"].get("execBy") == STANDIN, f"{err} {fs}")
    finally:
        rc = a.stop()
    c.check("agent in a private namespace: exit 0", rc == 0, a.err[-500:])
    c.check("agent: no malformed events", "malformed" not in a.err, a.err[-500:])


def part_list(tmp):
    exc = os.path.join(tmp, "exceptions-list.conf")
    with open(exc, "w") as f:
        f.write("[rule TRC-5]\ndefault_exceptions = no\nexception = exe=/opt/my\\ app/** uid=1000\n"
                "[rule TRC-2]\nexception_comm = gdb\n")
    p = subprocess.run([TRACEE, "--config", os.path.join(tmp, "tracee.conf"), "--exceptions", exc, "--list"],
                       capture_output=True, text=True, timeout=30)
    out = p.stdout
    c.check("--list: exit 0", p.returncode == 0, p.stderr)
    c.check("--list: TRC-1's default exceptions",
            "default exception: event=sched_process_exec exec_by=/usr/lib/systemd/systemd parent=init" in out and
            "default exception: event=sched_process_exec exec_by=/usr/sbin/inetd parent_uid=0" in out, out)
    c.check("--list: TRC-5's defaults marked off, its combined exception written back",
            "default exception (off): exe=memfd:** exec_by=/usr/bin/runc uid=0" in out and
            "exception: exe=/opt/my\\ app/** uid=1000" in out, out)
    c.check("--list: the comm warning names the file and line",
            f"{exc}:5: [rule TRC-2] exception_comm=gdb: comm is chosen by the process itself" in p.stderr, p.stderr)
    with open(exc, "w") as f:
        f.write("[rule TRC-5]\nexception = exe=/x user=1000\n")
    p = subprocess.run([TRACEE, "--config", os.path.join(tmp, "tracee.conf"), "--exceptions", exc, "--check"],
                       capture_output=True, text=True, timeout=30)
    c.check("a bad exception: refused, with file, line and value",
            p.returncode != 0 and f"{exc}:2: [rule TRC-5] exception=exe=/x user=1000 is invalid: unknown condition "
            "'user=1000'" in p.stderr, p.stderr)


def main():
    require_root_bpf()
    tmp = tempfile.mkdtemp(prefix="tracee-exc-")
    os.chmod(tmp, 0o755)
    conf = os.path.join(tmp, "tracee.conf")
    with open(conf, "w") as f:
        f.write(f"[agent]\nstate_directory = {tmp}\n")
    try:
        part_list(tmp)
        with PrivateBus() as bus:
            part_combined(tmp, conf, bus)
            part_defaults(tmp, conf, bus)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    c.done()


if __name__ == "__main__":
    main()
