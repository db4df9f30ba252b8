#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A reused pid is not taken for the earlier process (issue 13, "Forging").

The process table is keyed by pid. When the exit of a process and the fork of the next one with
the same pid are both lost, the table still holds the first one's executable, and the second
inherits its exceptions. Made deterministic here:

  1. an exception for TRC-2 on a copy of sleep ("allowed", in the test's directory); the agent sees
     it started (pid P) and learns its executable;
  2. the agent is stopped (SIGSTOP) and a small ring buffer (ringbuf_size = 64 KiB) is filled with
     the forks and exits of short-lived children, so that the next records are lost for certain;
  3. "allowed" is killed (its exit is lost) and tr_pidreuse starts a child with exactly pid P
     (clone3 with set_tid; its fork is lost too);
  4. the agent resumes (SIGCONT); once it has caught up (a sentinel TRC-2 trigger is reported), the
     child calls ptrace(PTRACE_TRACEME) without exec'ing.

The child must be reported, with tr_pidreuse as its executable, not suppressed as "allowed"; the
loss really happened (EventsLost > 0), and a TRC-2 run by "allowed" itself stays suppressed
(the exception works).
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
from harness import Checks, Tracee, require_root_bpf, trigger  # noqa: E402
from privbus import PrivateBus  # noqa: E402

c = Checks()


def property_t(bus, name):
    p = subprocess.run(["busctl", "--json=short", "get-property", "org.tracee.Agent1", "/org/tracee/Agent1",
                        "org.tracee.Agent1", name], capture_output=True, text=True, timeout=30, env=bus.env())
    return json.loads(p.stdout)["data"] if p.returncode == 0 else None


def describe(bus):
    p = subprocess.run(["busctl", "--json=short", "call", "org.tracee.Agent1", "/org/tracee/Agent1",
                        "org.tracee.Agent1", "Describe"], capture_output=True, text=True, timeout=30, env=bus.env())
    return json.loads(json.loads(p.stdout)["data"][0]) if p.returncode == 0 else {}


def flood(n):
    """n children that exit at once: forks and exits, the kernel side's smallest records."""
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)


def main():
    require_root_bpf()
    tmp = tempfile.mkdtemp(prefix="tracee-pidreuse-")
    os.chmod(tmp, 0o755)
    allowed = os.path.join(tmp, "allowed")
    shutil.copy("/bin/sleep", allowed)
    os.chmod(allowed, 0o755)
    # TRC-2 by "allowed" itself: a shell script would exec; run the trigger under the name instead
    allowed_trc2 = os.path.join(tmp, "allowed-trc2")
    shutil.copy(os.path.realpath(trigger("trc2_traceme")), allowed_trc2)
    os.chmod(allowed_trc2, 0o755)
    reuse = os.path.realpath(trigger("tr_pidreuse"))
    conf = os.path.join(tmp, "tracee.conf")
    with open(conf, "w") as f:
        f.write(f"[agent]\nstate_directory = {tmp}\nringbuf_size = 65536\n")
    exc = os.path.join(tmp, "exceptions.conf")
    with open(exc, "w") as f:
        f.write(f"[rule TRC-2]\nexception = exe={allowed}\nexception = exe={allowed_trc2}\n")
    a = None
    first = None
    try:
        with PrivateBus() as bus:
            a = Tracee("--config", conf, "--exceptions", exc, "--output", "json", "--journal", "no", env=bus.env())
            a.start()
            # the exception itself: the trigger under an excepted name is not reported
            p = subprocess.run([allowed_trc2], capture_output=True, text=True, timeout=30)
            ctl = int(p.stdout.split()[0])
            first = subprocess.Popen([allowed, "60"])
            P = first.pid
            time.sleep(1.0)             # the agent has read the exec (it drains every 10 ms)
            lost0 = property_t(bus, "EventsLost") or 0

            os.kill(a.proc.pid, signal.SIGSTOP)
            try:
                flood(1000)
                first.kill()
                first.wait()
                flood(200)              # whatever room the kill's records found is filled again
                r = subprocess.Popen([reuse, str(P)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                line = r.stdout.readline().strip()
            finally:
                os.kill(a.proc.pid, signal.SIGCONT)
            c.check("tr_pidreuse: the child has the first process's pid", line == str(P), f"{line!r} vs {P}")

            caught = False
            for _ in range(10):         # a sentinel's own records may meet a ring still full
                sentinel = subprocess.run([trigger("trc2_traceme")], capture_output=True, text=True, timeout=30)
                spid = int(sentinel.stdout.split()[0])
                if a.wait_for(lambda o: o.get("rule", {}).get("id") == "TRC-2" and
                              o.get("process", {}).get("pid") == spid, 3):
                    caught = True
                    break
            c.check("the agent caught up after SIGCONT (a sentinel TRC-2 reported)", caught, a.err[-600:])
            lost = property_t(bus, "EventsLost") or 0
            c.check("events were lost while the agent was stopped", lost > lost0, f"{lost0} -> {lost}")

            r.stdin.write("x")
            r.stdin.flush()
            got = a.wait_for(lambda o: o.get("rule", {}).get("id") == "TRC-2" and
                             o.get("process", {}).get("pid") == P, 10)
            r.stdin.close()
            rc = r.wait(15)
            c.check("the child's ptrace(PTRACE_TRACEME) worked", rc == 0, f"rc {rc}")
            c.check("the new process with the reused pid is reported (not suppressed as the old one)",
                    len(got) == 1, str([l for l in a.lines if '"TRC-2"' in l][-3:]))
            c.check("its executable is tr_pidreuse, learnt again, not the old process's",
                    got and got[0]["process"].get("executable") == reuse,
                    f"{got and got[0]['process'].get('executable')!r}; agent: {a.err[-600:]}")
            a.settle(0.3)
            c.check("the exception still works: the trigger under an excepted name is not reported",
                    not a.wait_for(lambda o: o.get("rule", {}).get("id") == "TRC-2" and
                                   o.get("process", {}).get("pid") == ctl, 0))
            d = describe(bus)
            c.check("Describe: processesRelearnt counts it", d.get("processesRelearnt", 0) >= 1,
                    str({k: v for k, v in d.items() if not isinstance(v, (dict, list))})[:600])
            rc = a.stop()
            c.check("agent: exit 0", rc == 0, a.err[-800:])
            a = None
    finally:
        if first and first.poll() is None:
            first.kill()
            first.wait()
        if a:
            a.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    c.done()


if __name__ == "__main__":
    main()
