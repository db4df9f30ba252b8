# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fault injection against the real agent (real BPF, a private dbus-daemon, a private mount namespace
so that the journal socket can be hidden):

  - journald not running: the agent starts, keeps detecting, and says once on stderr where
    findings go instead (however many findings follow);
  - dbus-daemon restarted under the agent: detection goes on while the bus is away, and the agent
    reconnects and owns org.tracee.Agent1 again (ListRules, EnableRule answered afterwards);
  - a flood that overflows a 4 KiB ring buffer: losses counted and reported, RSS bounded, no crash;
  - SIGKILL at random moments while D-Bus clients toggle rules (each toggle writes the state file):
    the state file always parses (old or new content, never a mix or a torn write);
  - corrupt, truncated, oversized, binary, symlinked state files: a clear warning, defaults for
    what could not be read, the agent runs;
  - a configuration with a 1 MB line or binary junk: an error naming file:line, exit 1, no crash,
    and a SIGHUP reload to such a file keeps the agent running on the old configuration;
  - 4 D-Bus clients calling ListRules/Describe/DescribeRule/EnableRule+DisableRule in a loop for
    60 s (FAULTS_LOAD_SECONDS): the agent keeps detecting during the load and its RSS stays flat
    (RSS after 10 s vs at the end).
"""
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TRACEE, Checks, Tracee, require_root_bpf, trigger  # noqa: E402
from agent_service import call, start_bus  # noqa: E402

LOAD_SECONDS = int(os.environ.get("FAULTS_LOAD_SECONDS", "60"))
STATE_LINE = re.compile(r"^(#.*|TRC-\d+ (enabled|disabled))$")

t = Checks()


def reexec_in_mount_ns():
    if os.environ.get("TRACEE_FAULTS_IN_NS") == "1":
        return
    if shutil.which("unshare") is None:
        print("skip: needs unshare", file=sys.stderr)
        sys.exit(77)
    env = dict(os.environ, TRACEE_FAULTS_IN_NS="1")
    os.execvpe("unshare", ["unshare", "--mount", "--propagation", "private", sys.executable] + sys.argv, env)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run_traceme():
    p = subprocess.run([trigger("trc2_traceme")], capture_output=True, text=True, timeout=30)
    return int(p.stdout.split()[0]) if p.stdout.split() else -1


def wait_traceme(a, pid, timeout=10):
    return a.wait_for(lambda o: o.get("rule", {}).get("id") == "TRC-2" and o["process"]["pid"] == pid, timeout)


def state_parses(text):
    lines = text.split("\n")
    return text.endswith("\n") and all(STATE_LINE.match(l) for l in lines[:-1])


def write_conf(path, state_dir, extra=""):
    with open(path, "w") as f:
        f.write(f"[agent]\nstate_directory = {state_dir}\n[output]\njournal = no\n{extra}")


def agent_setup(tmp, bus, name, bare_address=False):
    """A private bus in tmp/bus (its address in DBUS_SYSTEM_BUS_ADDRESS) and a configuration
    tmp/name.conf whose state directory is tmp/name-state. bare_address: without guid=, as the real
    system bus address is, which a restarted daemon would not match. Returns (bus pid, state
    directory, config path)."""
    d = os.path.join(tmp, bus)
    os.makedirs(d)
    addr, buspid = start_bus(d)
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = addr.split(",guid=")[0] if bare_address else addr
    state = os.path.join(tmp, name + "-state")
    os.makedirs(state)
    conf = os.path.join(tmp, name + ".conf")
    write_conf(conf, state)
    return buspid, state, conf


def test_no_journald(tmp):
    # Hide any journal socket: an empty tmpfs over /run/systemd/journal (this mount namespace only).
    os.makedirs("/run/systemd/journal", exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run/systemd/journal"], check=True)
    try:
        state = os.path.join(tmp, "nj-state")
        os.makedirs(state)
        conf = os.path.join(tmp, "nj.conf")
        with open(conf, "w") as f:
            f.write(f"[agent]\nstate_directory = {state}\n[output]\njournal = yes\n")
        with Tracee("--config", conf, "--output", "json") as a:
            pids = [run_traceme() for _ in range(3)]
            got = [wait_traceme(a, p) for p in pids]
            t.check("no journald: the agent detects", all(len(g) == 1 for g in got), got)
            t.check("no journald: still running", a.proc.poll() is None)
            n = a.err.count("journal is not available")
            t.check("no journald: said once on stderr where findings go instead", n == 1 and
                    "standard output" in a.err, a.err[-1500:])
            rc = a.stop()
            t.check("no journald: exits 0", rc == 0, a.err[-500:])
    finally:
        subprocess.run(["umount", "/run/systemd/journal"])


def test_bus_restart(tmp):
    d = os.path.join(tmp, "bus1")
    buspid, state, conf = agent_setup(tmp, "bus1", "br", bare_address=True)
    addr = os.environ["DBUS_SYSTEM_BUS_ADDRESS"]
    try:
        with Tracee("--config", conf, "--output", "json") as a:
            r = call("ListRules")
            t.check("bus restart: ListRules before", r.returncode == 0, r.stderr)
            os.kill(buspid, signal.SIGTERM)
            deadline = time.time() + 5
            while time.time() < deadline and os.path.exists(f"/proc/{buspid}"):
                time.sleep(0.05)
            time.sleep(0.5)
            t.check("bus gone: agent still running", a.proc.poll() is None, a.err[-500:])
            pid = run_traceme()
            t.check("bus gone: still detecting", len(wait_traceme(a, pid)) == 1)
            addr2, buspid = start_bus(d)
            t.check("bus restarted at the same address", addr2.split(",guid=")[0] == addr, (addr, addr2))
            ok = False
            deadline = time.time() + 15
            while time.time() < deadline and not ok:
                ok = call("ListRules").returncode == 0
                if not ok:
                    time.sleep(0.25)
            t.check("bus restarted: the agent owns its name again (ListRules answered)", ok, a.err[-800:])
            r = call("DisableRule", "s", "TRC-2")
            r2 = call("EnableRule", "s", "TRC-2")
            t.check("bus restarted: rule toggles work again", r.returncode == 0 and r2.returncode == 0,
                    r.stderr + r2.stderr)
            t.check("bus restarted: the loss and the reconnection are logged",
                    "lost the connection" in a.err and "connected again" in a.err, a.err[-800:])
            pid = run_traceme()
            t.check("bus restarted: still detecting", len(wait_traceme(a, pid)) == 1)
            rc = a.stop()
            t.check("bus restart: exits 0", rc == 0, a.err[-500:])
    finally:
        os.kill(buspid, signal.SIGTERM)


def test_flood(tmp):
    state = os.path.join(tmp, "fl-state")
    os.makedirs(state)
    conf = os.path.join(tmp, "fl.conf")
    write_conf(conf, state)
    with Tracee("--config", conf, "--output", "none", "--ringbuf-size", "4096") as a:
        time.sleep(0.5)
        before = rss_kib(a.proc.pid)
        p = subprocess.run([trigger("hostile_flood"), "30000"], capture_output=True, text=True, timeout=120)
        t.check("flood: the trigger ran", p.returncode == 0 and "flooded" in p.stdout, p.stderr)
        time.sleep(1.0)
        after = rss_kib(a.proc.pid)
        t.check("flood: agent still running", a.proc.poll() is None, a.err[-500:])
        t.check("flood: RSS bounded (grew < 32 MiB)", after - before < 32 * 1024, f"{before} -> {after} KiB")
        print(f"# flood: RSS {before} -> {after} KiB")
        rc = a.stop()
        t.check("flood: exits 0", rc == 0, a.err[-500:])
        m = re.search(r"stopped: (\d+) events, (\d+) detections, (\d+) events lost, (\d+) shed", a.err)
        t.check("flood: losses and shed events counted and reported at stop",
                m is not None and int(m.group(3)) + int(m.group(4)) > 0, a.err[-800:])
        if m:
            print(f"# flood: {m.group(0)}")


def test_sigkill_state(tmp):
    buspid, state, conf = agent_setup(tmp, "bus2", "kill")
    path = os.path.join(state, "rules.state")
    rng = random.Random(1234)
    rounds, bad, toggles = 6, [], 0
    try:
        for i in range(rounds):
            a = Tracee("--config", conf, "--output", "none")
            a.start()
            stop = threading.Event()
            count = [0]

            def hammer():
                while not stop.is_set():
                    for rid in ("TRC-1", "TRC-3", "TRC-7"):
                        call("DisableRule", "s", rid)
                        call("EnableRule", "s", rid)
                        count[0] += 2

            ths = [threading.Thread(target=hammer, daemon=True) for _ in range(2)]
            for th in ths:
                th.start()
            time.sleep(rng.uniform(0.3, 1.2))
            a.proc.kill()
            a.proc.wait()
            stop.set()
            for th in ths:
                th.join(30)
            a.stop()
            toggles += count[0]
            if os.path.exists(path):
                with open(path) as f:
                    text = f.read()
                if not state_parses(text):
                    bad.append(text)
        t.check(f"SIGKILL during state writes ({rounds} kills, {toggles} toggles): the state file always parses",
                not bad and os.path.exists(path), bad[:2])
        leftovers = [n for n in os.listdir(state) if n != "rules.state"]
        print(f"# SIGKILL: temporary files left by killed writes: {len(leftovers)}")
        with Tracee("--config", conf, "--output", "none") as a:
            t.check("after the kills: the agent starts without a state warning", "state file" not in a.err,
                    a.err[-500:])
    finally:
        os.kill(buspid, signal.SIGTERM)


def test_bad_state_files(tmp):
    buspid, state, conf = agent_setup(tmp, "bus3", "bad")
    path = os.path.join(state, "rules.state")
    cases = {
        "truncated mid-line": b"# Rules\nTRC-2 disabled\nTRC-7 disab",
        "binary junk": bytes(range(256)) * 4,
        "oversized (1 MiB)": b"TRC-2 disabled\n" * 70000,
        "NUL bytes": b"TRC-2 disabled\nTRC-7\0disabled\n",
        "a very long line": b"TRC-7 " + b"x" * 5000 + b"\n",
        "empty": b"",
    }
    try:
        for name, content in cases.items():
            with open(path, "wb") as f:
                f.write(content)
            with Tracee("--config", conf, "--output", "none") as a:
                r = call("DescribeRule", "s", "TRC-7")
                ok = r.returncode == 0 and '\\"enabled\\":true' in r.stdout
                warned = "corrupt" in a.err or name == "empty"
                t.check(f"state file {name}: agent runs, TRC-7 at its default, "
                        f"{'no warning' if name == 'empty' else 'a clear warning'}",
                        ok and warned and (name != "empty" or "state file" not in a.err), a.err[-400:] + r.stderr)
        os.unlink(path)
        target = os.path.join(tmp, "elsewhere.state")
        with open(target, "w") as f:
            f.write("TRC-7 disabled\n")
        os.symlink(target, path)
        with Tracee("--config", conf, "--output", "none") as a:
            r = call("DescribeRule", "s", "TRC-7")
            t.check("state file is a symlink: not followed, a warning, defaults", r.returncode == 0 and
                    '\\"enabled\\":true' in r.stdout and "state file" in a.err, a.err[-400:])
        os.unlink(path)
    finally:
        os.kill(buspid, signal.SIGTERM)


def test_bad_config(tmp):
    state = os.path.join(tmp, "cfg-state")
    os.makedirs(state)
    cases = {
        "a 1 MB line": (b"[agent]\nstate_directory = " + state.encode() + b"\nrules = " + b"A" * (1 << 20) + b"\n", 3),
        "binary junk": (b"[agent]\n" + bytes(random.Random(7).randrange(256) for _ in range(65536)), 2),
        "NUL in a line": (b"[output]\njournal = no\x00yes\n", 2),
    }
    for name, (content, line) in cases.items():
        path = os.path.join(tmp, "junk.conf")
        with open(path, "wb") as f:
            f.write(content)
        p = subprocess.run([TRACEE, "--check", "--config", path], capture_output=True, timeout=60)
        err = p.stderr.decode(errors="replace")
        t.check(f"config with {name}: exit 1, not a crash", p.returncode == 1, f"rc={p.returncode} {err[-300:]}")
        t.check(f"config with {name}: the error names {path}:LINE", re.search(re.escape(path) + r":\d+", err)
                is not None, err[-400:])
        t.check(f"config with {name}: the message is bounded", len(p.stderr) < 64 * 1024, len(p.stderr))
    conf = os.path.join(tmp, "reload.conf")
    write_conf(conf, state)
    with Tracee("--config", conf, "--output", "json") as a:
        with open(conf, "wb") as f:
            f.write(cases["a 1 MB line"][0])
        a.proc.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        t.check("SIGHUP to a 1 MB-line config: still running", a.proc.poll() is None)
        pid = run_traceme()
        t.check("SIGHUP to a 1 MB-line config: old configuration still detecting", len(wait_traceme(a, pid)) == 1)
        rc = a.stop()
        t.check("SIGHUP to a 1 MB-line config: exits 0", rc == 0, a.err[-400:])


def test_dbus_load(tmp):
    buspid, state, conf = agent_setup(tmp, "bus4", "load")
    try:
        with Tracee("--config", conf, "--output", "json") as a:
            stop = threading.Event()
            calls, errors = [0], []

            def client(k):
                while not stop.is_set():
                    for args in (("ListRules",), ("Describe",), ("DescribeRule", "s", "TRC-4"),
                                 ("DisableRule", "s", "TRC-5"), ("EnableRule", "s", "TRC-5")):
                        r = call(*args)
                        calls[0] += 1
                        if r.returncode != 0:
                            errors.append((args, r.stderr))

            ths = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(4)]
            start = time.time()
            for th in ths:
                th.start()
            found, tried = 0, 0
            rss10 = None
            while time.time() - start < LOAD_SECONDS:
                pid = run_traceme()
                tried += 1
                found += len(wait_traceme(a, pid, 10)) == 1
                if rss10 is None and time.time() - start >= min(10, LOAD_SECONDS / 2):
                    rss10 = rss_kib(a.proc.pid)
                time.sleep(1.0)
            rss_end = rss_kib(a.proc.pid)
            stop.set()
            for th in ths:
                th.join(30)
            print(f"# D-Bus load: {calls[0]} calls in {LOAD_SECONDS} s by 4 clients, {len(errors)} errors; "
                  f"RSS {rss10} KiB at 10 s, {rss_end} KiB at the end; {found}/{tried} detections")
            t.check("D-Bus load: every call answered", not errors, errors[:3])
            t.check("D-Bus load: the agent kept detecting during the load", tried > 0 and found == tried,
                    f"{found}/{tried}")
            t.check("D-Bus load: RSS flat (at most +2 MiB from 10 s to the end)",
                    rss10 is not None and rss_end - rss10 <= 2048, f"{rss10} -> {rss_end} KiB")
            rc = a.stop()
            t.check("D-Bus load: exits 0", rc == 0, a.err[-400:])
    finally:
        os.kill(buspid, signal.SIGTERM)


def main():
    require_root_bpf()
    reexec_in_mount_ns()
    tmp = tempfile.mkdtemp(prefix="tracee-faults-")
    os.chmod(tmp, 0o755)
    only = sys.argv[1:]
    try:
        for name, fn in (("config", test_bad_config), ("journald", test_no_journald), ("bus", test_bus_restart),
                         ("flood", test_flood), ("sigkill", test_sigkill_state), ("state", test_bad_state_files),
                         ("load", test_dbus_load)):
            if only and name not in only:
                continue
            t0 = time.time()
            fn(tmp)
            print(f"# {name}: {time.time() - t0:.1f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
