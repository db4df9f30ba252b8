#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A reload leaves the agent in the state its files describe, and says what it cannot change.

The real agent runs with --config and --exceptions on a private bus; each reload is the D-Bus
Reload() call (what `systemctl reload` runs through `traceectl reload`), and the state is read back
with DescribeRule(), the RestartNeeded property and `traceectl status`:

  - a [rule] section removed from tracee.conf takes its exceptions with it;
  - the --exceptions file is read again: its changed and new [rule] sections count, its removed
    ones are gone;
  - TRC-7's ld_library_path = yes from tracee.conf survives a reload with an exceptions file
    (LD_LIBRARY_PATH still fires TRC-7);
  - ringbuf_size and state_directory changed by a reload are reported: a warning naming
    file:line and the key, RestartNeeded lists them, `traceectl status` says a restart is needed;
    putting them back clears it;
  - a refused reload fails Reload() (and `traceectl reload`, exit 1) with the file:line, and the
    previous configuration stays;
  - TRACEE_WEBHOOK_CONFIG is read for [webhook] sections only: an [agent] section there is an
    error naming the file and line (tracee --check exits 1), a [webhook] section alone is fine.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TRACEE, TRACEECTL, Checks, Tracee, require_root_bpf  # noqa: E402
from privbus import PrivateBus  # noqa: E402

c = Checks()


def busctl(bus, *args):
    return subprocess.run(["busctl", "--json=short"] + list(args), capture_output=True, text=True, timeout=60,
                          env=bus.env())


def describe(bus, rid):
    p = busctl(bus, "call", "org.tracee.Agent1", "/org/tracee/Agent1", "org.tracee.Agent1", "DescribeRule", "s", rid)
    return json.loads(json.loads(p.stdout)["data"][0]) if p.returncode == 0 else {}


def restart_needed(bus):
    p = busctl(bus, "get-property", "org.tracee.Agent1", "/org/tracee/Agent1", "org.tracee.Agent1", "RestartNeeded")
    return json.loads(p.stdout)["data"] if p.returncode == 0 else None


def reload(bus):
    return busctl(bus, "call", "org.tracee.Agent1", "/org/tracee/Agent1", "org.tracee.Agent1", "Reload")


def exe_exceptions(bus, rid):
    return describe(bus, rid).get("exceptions", {}).get("exe")


def wait_bus(bus, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if describe(bus, "TRC-2"):
            return True
        time.sleep(0.1)
    return False


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def llp_fires(a):
    p = subprocess.Popen(["/bin/true"], env={"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": "/nonexistent/tracee-reload"})
    p.wait()
    return a.wait_for(lambda o: o.get("rule", {}).get("id") == "TRC-7" and o.get("process", {}).get("pid") == p.pid,
                      5.0)


CONF1 = """[agent]
ringbuf_size = 256K
state_directory = {tmp}
[rule TRC-2]
exception_exe = /nonexistent/tracee-reload-a
[rule TRC-7]
ld_library_path = yes
"""
EXC1 = """[rule TRC-3]
exception_exe = /nonexistent/tracee-reload-b
"""
# ringbuf_size on line 2, state_directory on line 3; [rule TRC-2] gone
CONF2 = """[agent]
ringbuf_size = 512K
state_directory = {tmp}/other
[rule TRC-7]
ld_library_path = yes
"""
EXC2 = """[rule TRC-3]
exception_exe = /nonexistent/tracee-reload-c
[rule TRC-4]
exception_exe = /nonexistent/tracee-reload-d
"""


def part_reload(tmp):
    conf = os.path.join(tmp, "tracee.conf")
    exc = os.path.join(tmp, "exceptions.conf")
    write(conf, CONF1.format(tmp=tmp))
    write(exc, EXC1)
    with PrivateBus() as bus:
        a = Tracee("--config", conf, "--exceptions", exc, "--output", "json", "--journal=no",
                   env={"DBUS_SYSTEM_BUS_ADDRESS": bus.address})
        a.start()
        try:
            c.check("agent on the private bus", wait_bus(bus), a.err[-500:])
            c.check("start: TRC-2 has tracee.conf's exception", exe_exceptions(bus, "TRC-2") ==
                    ["/nonexistent/tracee-reload-a"], describe(bus, "TRC-2"))
            c.check("start: TRC-3 has the exceptions file's", exe_exceptions(bus, "TRC-3") ==
                    ["/nonexistent/tracee-reload-b"], describe(bus, "TRC-3"))
            c.check("start: RestartNeeded is empty", restart_needed(bus) == [], restart_needed(bus))

            write(conf, CONF2.format(tmp=tmp))
            write(exc, EXC2)
            r = reload(bus)
            c.check("reload: Reload() succeeds", r.returncode == 0, r.stderr)
            c.check("reload: [rule TRC-2] removed from tracee.conf, its exception is gone",
                    exe_exceptions(bus, "TRC-2") == [], describe(bus, "TRC-2"))
            c.check("reload: the exceptions file is read again (TRC-3 changed)",
                    exe_exceptions(bus, "TRC-3") == ["/nonexistent/tracee-reload-c"], describe(bus, "TRC-3"))
            c.check("reload: the exceptions file is read again (TRC-4 added)",
                    exe_exceptions(bus, "TRC-4") == ["/nonexistent/tracee-reload-d"], describe(bus, "TRC-4"))
            c.check("reload: TRC-7 ld_library_path = yes kept with an exceptions file (LD_LIBRARY_PATH fires)",
                    len(llp_fires(a)) == 1)
            need = restart_needed(bus)
            c.check("reload: RestartNeeded lists ringbuf_size and state_directory",
                    need == ["ringbuf_size", "state_directory"], need)
            c.check("reload: the warning names file:line and the key (ringbuf_size)",
                    f"{conf}:2: [agent] ringbuf_size=524288 takes effect when the agent restarts" in a.err,
                    a.err[-800:])
            c.check("reload: the warning names file:line and the key (state_directory)",
                    f"{conf}:3: [agent] state_directory={tmp}/other takes effect when the agent restarts"
                    in a.err, a.err[-800:])
            st = subprocess.run([TRACEECTL, "status"], capture_output=True, text=True, timeout=30, env=bus.env())
            c.check("traceectl status: a restart is needed, for which keys",
                    "Restart: needed for ringbuf_size, state_directory" in st.stdout, st.stdout + st.stderr)
            st = subprocess.run([TRACEECTL, "--json", "status"], capture_output=True, text=True, timeout=30,
                                env=bus.env())
            try:
                doc = json.loads(st.stdout)
            except ValueError:
                doc = {}
            c.check("traceectl --json status: restartNeeded",
                    doc.get("restartNeeded") == ["ringbuf_size", "state_directory"] and
                    doc.get("details", {}).get("restartNeeded") == ["ringbuf_size", "state_directory"], st.stdout)

            # refused: the previous configuration stays, Reload() and traceectl reload fail with file:line
            write(conf, CONF2.format(tmp=tmp) + "[rule TRC-2]\nexception_exe = /nonexistent/e\nenabled = maybe\n")
            r = reload(bus)
            c.check("refused reload: Reload() fails naming file:line and the value",
                    r.returncode != 0 and f"{conf}:8" in r.stderr and "maybe" in r.stderr, r.stderr)
            r = subprocess.run([TRACEECTL, "reload"], capture_output=True, text=True, timeout=60, env=bus.env())
            c.check("refused reload: traceectl reload exits 1 naming file:line",
                    r.returncode == 1 and f"{conf}:8" in r.stderr, f"exit {r.returncode}: {r.stderr}")
            c.check("refused reload: the previous state stays", exe_exceptions(bus, "TRC-2") == [] and
                    exe_exceptions(bus, "TRC-3") == ["/nonexistent/tracee-reload-c"], describe(bus, "TRC-2"))

            write(conf, CONF1.format(tmp=tmp))
            r = reload(bus)
            c.check("reload back: Reload() succeeds, RestartNeeded is empty again",
                    r.returncode == 0 and restart_needed(bus) == [], f"{r.stderr} {restart_needed(bus)}")
            c.check("reload back: TRC-2's exception is back", exe_exceptions(bus, "TRC-2") ==
                    ["/nonexistent/tracee-reload-a"], describe(bus, "TRC-2"))
        finally:
            rc = a.stop()
        c.check("agent exits 0", rc == 0, a.err[-500:])


def part_webhook_config(tmp):
    conf = os.path.join(tmp, "check.conf")
    hooks = os.path.join(tmp, "hooks.conf")
    write(conf, f"[agent]\nstate_directory = {tmp}\n")
    write(hooks, "[webhook a]\nurl = http://127.0.0.1:9/x\n[agent]\nrules = TRC-1\n")
    env = dict(os.environ, TRACEE_WEBHOOK_CONFIG=hooks)
    p = subprocess.run([TRACEE, "--config", conf, "--check"], capture_output=True, text=True, timeout=30, env=env)
    c.check("TRACEE_WEBHOOK_CONFIG with [agent]: refused, naming file:line",
            p.returncode != 0 and f"{hooks}:4" in p.stderr and "[webhook" in p.stderr,
            f"exit {p.returncode}: {p.stderr}")
    write(hooks, "[webhook a]\nurl = http://127.0.0.1:9/x\n")
    p = subprocess.run([TRACEE, "--config", conf, "--check"], capture_output=True, text=True, timeout=30, env=env)
    c.check("TRACEE_WEBHOOK_CONFIG with [webhook] only: accepted", p.returncode == 0, p.stderr)


def main():
    require_root_bpf()
    tmp = tempfile.mkdtemp(prefix="tracee-reload-")
    part_webhook_config(tmp)
    part_reload(tmp)
    c.done()


if __name__ == "__main__":
    main()
