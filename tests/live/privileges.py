# SPDX-License-Identifier: LGPL-2.1-or-later
"""Least privilege and authorisation, against the real agent:

  - every mutating D-Bus method (EnableRule, DisableRule, Reload) is refused to an unprivileged
    caller (uid 65534) by the real bus policy (units/org.tracee.Agent1.conf on a private
    dbus-daemon, see privbus.py), and, on a bus whose policy allows everything, by the agent itself;
    the refused calls change nothing (rule state, state file, configuration not reloaded);
  - a caller that "spoofs a uid" in arguments gains nothing: EnableRule("0"), DisableRule("root"),
    numbers or extra arguments instead of the string are refused or rejected as invalid;
  - the state file is 0600 even when the agent runs with umask 0; the configuration file is
    installed 0600 (it may hold webhook credentials);
  - the capabilities the agent needs, found by running it (as root) with a shrinking capability
    bounding set: which sets load and attach the BPF programs and detect, and which also resolve
    the executables of processes that existed before the agent started. The unit's
    CapabilityBoundingSet must be enough for both.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, Tracee, require_root_bpf, trigger, unprivileged_copy  # noqa: E402
from privbus import SRC, PrivateBus, as_nobody  # noqa: E402
from agent_service import start_bus  # noqa: E402

t = Checks()
MUTATING = [("EnableRule", "s", "TRC-2"), ("DisableRule", "s", "TRC-2"), ("Reload",)]
OBJ = ["org.tracee.Agent1", "/org/tracee/Agent1", "org.tracee.Agent1"]


def busctl_call(addr, *args, nobody=False):
    argv = ["busctl", "--system", "call"] + OBJ + list(args)
    if nobody:
        argv = as_nobody(argv)
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=addr)
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, env=env)


def rule_enabled(addr, rid):
    r = busctl_call(addr, "DescribeRule", "s", rid)
    if r.returncode != 0:
        return None
    return json.loads(json.loads(r.stdout.split(" ", 1)[1]))["enabled"]


def write_conf(path, state_dir, extra=""):
    with open(path, "w") as f:
        f.write(f"[agent]\nstate_directory = {state_dir}\n[output]\njournal = no\n{extra}")


def check_denials(addr, where, a, conf, state_dir):
    state_path = os.path.join(state_dir, "rules.state")
    before = open(state_path).read() if os.path.exists(state_path) else None
    # make a Reload observable: the file on disk now disables TRC-2
    write_conf(conf, state_dir, "[rule TRC-2]\nenabled = no\n")
    for call in MUTATING:
        # dbus-send shows the error text, so which layer refused: the bus ("Rejected send message")
        # or the agent ("... needs root (caller uid 65534)")
        argv = as_nobody(["dbus-send", "--system", "--print-reply", "--dest=" + OBJ[0], OBJ[1],
                          OBJ[2] + "." + call[0]] + (["string:" + call[2]] if len(call) > 2 else []))
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30,
                           env=dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=addr))
        layer = "Rejected send message" if where == "real policy" else "needs root (caller uid 65534)"
        t.check(f"{where}: {call[0]} by uid 65534 refused ({layer})", r.returncode != 0 and layer in r.stderr,
                r.stderr.strip())
    for args in (("EnableRule", "s", "0"), ("DisableRule", "s", "0"), ("DisableRule", "s", "root"),
                 ("DisableRule", "s", "TRC-2 uid=0"), ("DisableRule", "u", "0"), ("DisableRule", "i", "0"),
                 ("DisableRule", "ss", "TRC-2", "0"), ("DisableRule", "su", "TRC-2", "0"), ("Reload", "u", "0"),
                 ("Reload", "s", "0")):
        r = busctl_call(addr, *args, nobody=True)
        t.check(f"{where}: spoofed {args} by uid 65534 refused", r.returncode != 0, r.stdout + r.stderr)
    t.check(f"{where}: TRC-2 still enabled (no refused call took effect, Reload did not run)",
            rule_enabled(addr, "TRC-2") is True)
    after = open(state_path).read() if os.path.exists(state_path) else None
    t.check(f"{where}: state file untouched by the refused calls", before == after, (before, after))
    t.check(f"{where}: reads still allowed to uid 65534",
            busctl_call(addr, "ListRules", nobody=True).returncode == 0 and
            busctl_call(addr, "Describe", nobody=True).returncode == 0)
    write_conf(conf, state_dir)
    t.check(f"{where}: the agent is unharmed", a.proc.poll() is None)


def test_policy_and_agent(tmp):
    state_dir = os.path.join(tmp, "state")
    os.makedirs(state_dir)
    conf = os.path.join(tmp, "tracee.conf")
    write_conf(conf, state_dir)
    old_umask = os.umask(0)
    try:
        with PrivateBus() as bus:
            with Tracee("--config", conf, "--output", "none", env={"DBUS_SYSTEM_BUS_ADDRESS": bus.address}) as a:
                r = busctl_call(bus.address, "DisableRule", "s", "TRC-7")
                r2 = busctl_call(bus.address, "EnableRule", "s", "TRC-7")
                t.check("real policy: root may toggle rules", r.returncode == 0 and r2.returncode == 0,
                        r.stderr + r2.stderr)
                mode = os.stat(os.path.join(state_dir, "rules.state")).st_mode & 0o777
                t.check("state file is 0600 although the agent runs with umask 0", mode == 0o600, oct(mode))
                check_denials(bus.address, "real policy", a, conf, state_dir)
        addr, buspid = start_bus(os.path.join(tmp, "open"))
        try:
            with Tracee("--config", conf, "--output", "none", env={"DBUS_SYSTEM_BUS_ADDRESS": addr}) as a:
                check_denials(addr, "agent", a, conf, state_dir)
        finally:
            os.kill(buspid, signal.SIGTERM)
    finally:
        os.umask(old_umask)


def test_installed_config_mode(tmp):
    build = os.path.dirname(os.environ.get("TRIGGERS_DIR", os.path.join(SRC, "build", "tests")))
    dest = os.path.join(tmp, "destdir")
    p = subprocess.run(["meson", "install", "-C", build, "--no-rebuild", "--destdir", dest, "--quiet"],
                       capture_output=True, text=True, timeout=300)
    conf = None
    for root, _, files in os.walk(dest):
        if root.endswith(os.path.join("etc", "tracee")) and "tracee.conf" in files:
            conf = os.path.join(root, "tracee.conf")
    if p.returncode != 0 or not conf:
        t.check("meson install into a scratch DESTDIR", False, p.stderr[-500:])
        return
    mode = os.stat(conf).st_mode & 0o777
    t.check("tracee.conf is installed 0600 (it may hold webhook credentials)", mode == 0o600, oct(mode))


def unit_caps():
    with open(os.path.join(SRC, "units", "tracee.service.in")) as f:
        m = re.search(r"^CapabilityBoundingSet=(.*)$", f.read(), re.M)
    return m.group(1).split()


def run_with_caps(caps, tmp, pre_pid):
    """Runs the agent as root with the bounding set (and so the effective set) limited to caps.
    Returns (started, detected, ancestor_exe_resolved, stderr)."""
    bset = "-all" + "".join(",+" + c.lower().replace("cap_", "") for c in caps)
    state_dir = os.path.join(tmp, "capstate")
    os.makedirs(state_dir, exist_ok=True)
    conf = os.path.join(tmp, "cap.conf")
    write_conf(conf, state_dir)
    a = Tracee("--config", conf, "--output", "json", "--rules", "TRC-2", ready_timeout=20)
    a.args = ["setpriv", "--bounding-set=" + bset, "--inh-caps=-all", "--"] + a.args
    try:
        a.start()
    except RuntimeError as e:
        return False, False, False, str(e)
    try:
        p = subprocess.run(as_nobody([unprivileged_copy(trigger("trc2_traceme"))]), capture_output=True, text=True,
                           timeout=30)
        pid = int(p.stdout.split()[0])
        got = a.wait_for(lambda o: o["rule"]["id"] == "TRC-2" and o["process"]["pid"] == pid, 8)
        # a process started before the agent, as another user: its exe comes from /proc/PID/exe
        os.kill(pre_pid, signal.SIGUSR1)
        got2 = a.wait_for(lambda o: o["rule"]["id"] == "TRC-2" and any(
            x["pid"] == pre_pid for x in o["process"]["ancestors"]), 8)
        anc = [x for o in got2 for x in o["process"]["ancestors"] if x["pid"] == pre_pid]
        return True, len(got) == 1, bool(anc and anc[0]["executable"]), a.err
    finally:
        a.stop()


def start_pre_existing(tmp):
    """An unprivileged shell that, on SIGUSR1, runs trc2_traceme as its child (a copy uid 65534 can
    reach wherever the build tree is)."""
    prog = unprivileged_copy(trigger("trc2_traceme"))
    script = f"trap '{prog} >/dev/null' USR1; while :; do sleep 0.1; done"
    return subprocess.Popen(as_nobody(["sh", "-c", script]))


def test_capabilities(tmp):
    if shutil.which("setpriv") is None:
        print("# no setpriv: capability probe skipped")
        return
    sets = [
        ("none", []),
        ("CAP_BPF", ["CAP_BPF"]),
        ("CAP_PERFMON", ["CAP_PERFMON"]),
        ("CAP_SYS_ADMIN", ["CAP_SYS_ADMIN"]),
        ("CAP_BPF CAP_PERFMON", ["CAP_BPF", "CAP_PERFMON"]),
        ("CAP_BPF CAP_PERFMON CAP_DAC_READ_SEARCH", ["CAP_BPF", "CAP_PERFMON", "CAP_DAC_READ_SEARCH"]),
        ("CAP_BPF CAP_PERFMON CAP_SYS_PTRACE", ["CAP_BPF", "CAP_PERFMON", "CAP_SYS_PTRACE"]),
        ("unit: " + " ".join(unit_caps()), unit_caps()),
    ]
    results = {}
    for name, caps in sets:
        pre = start_pre_existing(tmp)
        time.sleep(0.3)
        try:
            results[name] = run_with_caps(caps, tmp, pre.pid)
        finally:
            pre.kill()
            pre.wait()
        s, d, x, err = results[name]
        print(f"# caps {name:50s} starts={s} detects={d} resolves-pre-existing-exe={x}")
    r = results
    t.check("no capabilities: refused with a message saying what is needed", not r["none"][0] and
            "CAP_BPF" in r["none"][3], r["none"][3][-400:])
    t.check("CAP_BPF alone is not enough", not r["CAP_BPF"][0])
    t.check("CAP_PERFMON alone is not enough", not r["CAP_PERFMON"][0])
    t.check("CAP_BPF + CAP_PERFMON load, attach and detect", r["CAP_BPF CAP_PERFMON"][0] and
            r["CAP_BPF CAP_PERFMON"][1], r["CAP_BPF CAP_PERFMON"][3][-400:])
    t.check("CAP_SYS_PTRACE is what resolves executables of processes older than the agent",
            not r["CAP_BPF CAP_PERFMON"][2] and r["CAP_BPF CAP_PERFMON CAP_SYS_PTRACE"][2])
    u = r["unit: " + " ".join(unit_caps())]
    t.check("the unit's CapabilityBoundingSet loads, detects and resolves executables", all(u[:3]), u[3][-400:])


def main():
    require_root_bpf()
    tmp = tempfile.mkdtemp(prefix="tracee-priv-")
    os.chmod(tmp, 0o755)
    os.makedirs(os.path.join(tmp, "open"))
    try:
        test_policy_and_agent(tmp)
        test_installed_config_mode(tmp)
        test_capabilities(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
