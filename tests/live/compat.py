#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""32-bit syscalls (int $0x80 from a 64-bit process, tests/triggers/compat32.c), which the
per-syscall tracepoints never see.

With the compat watch (--compat-syscalls):
  - ptrace(PTRACE_TRACEME) fires TRC-2; a connected inet socket dup2'ed onto fds 0-2 fires TRC-1
    three times, a socketcall() connect on fd 0 once; /proc/self/mem opened O_RDWR fires TRC-3;
    written anonymous memory made R|X fires TRC-4 with the previous protection "unknown", mmap2 and
    the old mmap W+X fire TRC-4; a rename onto /etc/ld.so.preload (in the trigger's own mount
    namespace, a tmpfs on /etc) fires TRC-7 — each with the right data, from the x86_64 syscall's
    event, flagged "compat": true; a 64-bit PTRACE_TRACEME has no such flag;
  - the look-alikes stay silent: a 32-bit getpid, /proc/self/mem opened read-only, never-written
    memory made R|X, RW -> R, a pipe dup2'ed onto fd 0, a socket dup2'ed onto fd 5;
  - `tracee trace --compat-syscalls` shows a 32-bit open with its arguments and "compat": true;
  - nothing is degraded: Describe(), DegradedRules, traceectl status, no warning in the journal.
Without it (the default):
  - the same triggers give no finding, and that is said: `tracee --list` marks TRC-1, 2, 3, 4 and 7
    degraded (TRC-5 for code mapped executable: exec is seen for any ABI), naming compat_syscalls and
    ia32_emulation=0;
    Describe() (per rule and "compatSyscalls"), DescribeRule(), the DegradedRules property,
    `traceectl status` (and --json), and one journal message at start with its MESSAGE_ID.

Runs in a private mount namespace with a journald of its own. Skipped (77) where the kernel refuses
32-bit syscalls.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_service import journal, reexec_in_mount_ns, start_journald  # noqa: E402
from harness import SKIP, TRACEE, TRACEECTL, Checks, Tracee, require_root_bpf, trigger  # noqa: E402
from privbus import PrivateBus  # noqa: E402

CTL = TRACEECTL
MESSAGE_DEGRADED = "db05b9606f304d0a95b63a6f2958c80c"
# TRC-6 too where the kernel loads modules (its syscalls exist): not on the development machine
DEGRADED = ["TRC-1", "TRC-2", "TRC-3", "TRC-4", "TRC-5"] + (["TRC-6"] if os.path.exists("/proc/modules") else []) + \
    ["TRC-7"]
WAIT = 5.0

c = Checks()


class Listener:
    """127.0.0.1, any port: accepts connections and keeps what they send."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.received = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn):
        data = b""
        conn.settimeout(10)
        try:
            while True:
                b = conn.recv(4096)
                if not b:
                    break
                data += b
        except OSError:
            pass
        conn.close()
        self.received.append(data.decode(errors="replace"))

    def got(self, text, timeout=3.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(text in r for r in self.received):
                return True
            time.sleep(0.02)
        return False


def run(label, *args):
    """Runs compat32 ARGS; returns (pid, {key: value}) or (None, {})."""
    p = subprocess.run([trigger("compat32")] + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=15)
    ok = p.returncode == 0 and p.stdout.strip()
    c.check(f"{label}: trigger ran", ok, f"(exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r})")
    if not p.stdout.strip():
        return None, {}
    lines = p.stdout.splitlines()
    info = dict(l.partition(" ")[::2] for l in lines[1:])
    return int(lines[0]), info


def of_pid(t, pid):
    return [f for f in t.json() if f.get("process", {}).get("pid") == pid]


def wait_n(t, pid, n):
    deadline = time.time() + WAIT
    while time.time() < deadline and len(of_pid(t, pid)) < n:
        time.sleep(0.05)
    return of_pid(t, pid)


def show(fs):
    return "\n    " + "\n    ".join(f"{f['rule']['id']} {f['event'].get('eventName')} compat={f['event'].get('compat')}"
                                    f" {f['data']}" for f in fs) if fs else "(none)"


def scenarios(lst, page):
    """(label, argv, rule, [expected data], event name) of every attack, run in order."""
    return [
        ("TRC-2 32-bit PTRACE_TRACEME", ["traceme"], "TRC-2", lambda i, p: [{"request": "PTRACE_TRACEME"}], "ptrace"),
        ("TRC-1 32-bit dup2 of a connected socket onto 0-2", ["dup2", str(lst.port)], "TRC-1",
         lambda i, p: [{"ip": "127.0.0.1", "port": lst.port, "fd": fd} for fd in (0, 1, 2)], "dup2"),
        ("TRC-1 32-bit socketcall connect on fd 0", ["socketcall", str(lst.port)], "TRC-1",
         lambda i, p: [{"ip": "127.0.0.1", "port": lst.port, "fd": 0}], "connect"),
        ("TRC-3 32-bit open of /proc/self/mem O_RDWR", ["procmem"], "TRC-3",
         lambda i, p: [{"target_pid": "self", "path": f"/proc/{p}/mem", "requested_path": "/proc/self/mem"}], "open"),
        ("TRC-4 32-bit mprotect of written memory to R|X", ["mprotect"], "TRC-4",
         lambda i, p: [{"alert": "Written memory made executable!", "address": int(i["addr"].split()[0], 16),
                        "length": page, "old_protection": "unknown", "new_protection": "PROT_READ|PROT_EXEC",
                        "backing": "anonymous"}], "mprotect"),
        ("TRC-4 32-bit mmap2 W+X", ["mmap2"], "TRC-4",
         lambda i, p: [{"alert": "Mmaped region with W+E permissions!", "address": int(i["addr"].split()[0], 16),
                        "length": page, "new_protection": "PROT_READ|PROT_WRITE|PROT_EXEC",
                        "backing": "anonymous"}], "mmap"),
        ("TRC-4 32-bit old mmap W+X", ["oldmmap"], "TRC-4",
         lambda i, p: [{"alert": "Mmaped region with W+E permissions!", "address": int(i["addr"].split()[0], 16),
                        "length": page, "backing": "anonymous"}], "mmap"),
        ("TRC-7 32-bit rename onto /etc/ld.so.preload", ["preload"], "TRC-7",
         lambda i, p: [{"path": "/etc/ld.so.preload", "operation": "rename"}], "rename"),
    ]


def describe(bus_env):
    r = subprocess.run(["busctl", "--system", "call", "org.tracee.Agent1", "/org/tracee/Agent1", "org.tracee.Agent1",
                        "Describe", "--json=short"], capture_output=True, text=True, timeout=30, env=bus_env)
    try:
        return json.loads(json.loads(r.stdout)["data"][0])
    except (ValueError, KeyError, IndexError):
        c.check("Describe() answers JSON", False, r.stdout + r.stderr)
        return {}


def degraded_property(bus_env):
    r = subprocess.run(["busctl", "--system", "get-property", "org.tracee.Agent1", "/org/tracee/Agent1",
                        "org.tracee.Agent1", "DegradedRules", "--json=short"], capture_output=True, text=True,
                       timeout=30, env=bus_env)
    try:
        return json.loads(r.stdout)["data"]
    except (ValueError, KeyError):
        c.check("DegradedRules property readable", False, r.stdout + r.stderr)
        return None


def ctl(bus_env, *args):
    return subprocess.run([CTL] + list(args), capture_output=True, text=True, timeout=30, env=bus_env)


def watch_on(bus, conf):
    page = os.sysconf("SC_PAGE_SIZE")
    lst = Listener()
    t = Tracee("--config", conf, "--compat-syscalls", "--output", "json", env=bus.env())
    t.start()
    try:
        expected = []
        for label, argv, rule, want, event in scenarios(lst, page):
            pid, info = run(label, *argv)
            if pid is not None:
                expected.append((label, pid, rule, want(info, pid), event))
        c.check("TRC-1 dup2: the listener got the line written through stdout", lst.got("hello from compat32 dup2"))
        c.check("TRC-1 socketcall: the listener got the line", lst.got("hello from compat32 socketcall"))
        benign, _ = run("look-alikes (32-bit getpid, read-only open, R -> R|X, RW -> R, dup2 of a pipe onto 0 and "
                        "of a socket onto 5)", "benign", str(lst.port))
        native = subprocess.run([trigger("trc2_traceme")], capture_output=True, text=True)
        npid = int(native.stdout.split()[0])
        for label, pid, rule, datas, event in expected:
            fs = wait_n(t, pid, len(datas))
        t.settle(1.0)
        for label, pid, rule, datas, event in expected:
            fs = of_pid(t, pid)
            c.check(f"{label}: exactly {len(datas)} {rule} finding(s)",
                    len(fs) == len(datas) and all(f["rule"]["id"] == rule for f in fs), show(fs))
            for want in datas:
                c.check(f"{label}: finding with {want}", any(all(f["data"].get(k) == v for k, v in want.items())
                                                            for f in fs), show(fs))
            c.check(f"{label}: from the x86_64 {event} event, flagged compat",
                    fs and all(f["event"].get("eventName") == event and f["event"].get("compat") is True for f in fs),
                    show(fs))
            if rule == "TRC-3" and fs:
                c.check(f"{label}: flags O_RDWR", "O_RDWR" in fs[0]["data"].get("flags", "").split("|"), show(fs))
        fs = of_pid(t, benign) if benign else []
        c.check("look-alikes: no finding", benign is not None and not fs, show(fs))
        fs = wait_n(t, npid, 1)
        c.check("a 64-bit PTRACE_TRACEME: TRC-2, not flagged compat",
                len(fs) == 1 and "compat" not in fs[0]["event"], show(fs))

        d = describe(bus.env())
        cs = d.get("compatSyscalls", {})
        c.check("watched: Describe() says the watch is on, nothing degraded",
                cs.get("watched") is True and cs.get("degraded") is False and cs.get("syscallsWatched", 0) > 20 and
                d.get("rulesDegraded") == 0 and not any(r.get("degraded") for r in d.get("rules", [])), cs)
        c.check("watched: DegradedRules is empty", degraded_property(bus.env()) == [])
        r = ctl(bus.env(), "status")
        c.check("watched: traceectl status says nothing degraded", r.returncode == 0 and "Degraded" not in r.stdout,
                r.stdout + r.stderr)
    finally:
        rc = t.stop()
        lst.sock.close()
    c.check("watched: the agent exits 0", rc == 0, t.err)
    c.check("watched: no degraded warning on stderr", "degraded" not in t.err, t.err)
    c.check("watched: the start message says what is watched", "32-bit syscall" in t.err, t.err)
    c.check("watched: no malformed events", "malformed" not in t.err, t.err)


def trace_on():
    with Tracee("trace", "--compat-syscalls", "--events", "open,openat", "--filter", "comm=compat32",
                "--output", "json") as t:
        pid, _ = run("trace: 32-bit look-alikes", "benign")
        got = t.wait_for(lambda o: o.get("hostProcessId") == pid and o.get("eventName") == "open", WAIT)
        ev = got[0] if got else {}
        args = {a["name"]: a["value"] for a in ev.get("args", [])}
        c.check("trace --compat-syscalls: the 32-bit open, its arguments, \"compat\": true",
                ev.get("compat") is True and args.get("pathname") == "/proc/self/mem" and
                "O_RDONLY" in str(args.get("flags")) and ev.get("returnValue", -1) >= 0, ev)


def watch_off(bus, conf):
    r = subprocess.run([TRACEE, "--config", conf, "--list"], capture_output=True, text=True, timeout=30)
    blocks = {}
    cur = None
    for line in r.stdout.splitlines():
        if line.startswith("TRC-"):
            cur = line.split()[0]
            blocks[cur] = ""
        if cur:
            blocks[cur] += line + "\n"
    for rid in DEGRADED:
        b = blocks.get(rid, "")
        c.check(f"--list: {rid} degraded, with the option and ia32_emulation=0",
                "degraded:" in b and "compat_syscalls=yes" in b and "ia32_emulation=0" in b, b)
    c.check("--list: TRC-5 degraded for 32-bit mmap and mprotect (exec is seen for any ABI)",
            "32-bit mprotect, pkey_mprotect, mmap are not watched" in blocks.get("TRC-5", ""), blocks.get("TRC-5"))
    c.check("--list: TRC-2 names ptrace", "32-bit ptrace is not watched" in blocks.get("TRC-2", ""),
            blocks.get("TRC-2"))

    t = Tracee("--config", conf, "--output", "json", env=bus.env())
    t.start()
    try:
        pids = [run(label, *argv)[0] for label, argv in (("unwatched: 32-bit PTRACE_TRACEME", ["traceme"]),
                                                         ("unwatched: 32-bit /proc/self/mem O_RDWR", ["procmem"]),
                                                         ("unwatched: 32-bit mprotect", ["mprotect"]))]
        t.settle(1.5)
        fs = [f for f in t.json() if f["process"]["pid"] in pids]
        c.check("unwatched: the 32-bit attacks are not seen (hence degraded)", not fs, show(fs))

        d = describe(bus.env())
        cs = d.get("compatSyscalls", {})
        c.check("Describe(): ia32 emulation on, probed, not watched, degraded, how to close it",
                cs.get("ia32Emulation") == "on" and cs.get("probe") and cs.get("watched") is False and
                cs.get("degraded") is True and "compat_syscalls=yes" in cs.get("howToClose", "") and
                "ia32_emulation=0" in cs.get("howToClose", ""), cs)
        rules = {r["id"]: r for r in d.get("rules", [])}
        c.check(f"Describe(): rulesDegraded {len(DEGRADED)}, {'/'.join(DEGRADED)} degraded with a reason",
                d.get("rulesDegraded") == len(DEGRADED) and
                all(rules.get(i, {}).get("degraded") is True and rules[i].get("degradedReason") for i in DEGRADED),
                d.get("rules"))
        r = subprocess.run(["busctl", "--system", "call", "org.tracee.Agent1", "/org/tracee/Agent1",
                            "org.tracee.Agent1", "DescribeRule", "s", "TRC-2", "--json=short"],
                           capture_output=True, text=True, timeout=30, env=bus.env())
        try:
            dr = json.loads(json.loads(r.stdout)["data"][0])
        except (ValueError, KeyError, IndexError):
            dr = {}
        c.check("DescribeRule(TRC-2): degraded, the reason names ptrace and the option",
                dr.get("degraded") is True and "ptrace" in dr.get("degradedReason", "") and
                "compat_syscalls=yes" in dr.get("degradedReason", ""), dr)
        c.check("DegradedRules property: " + ", ".join(DEGRADED), degraded_property(bus.env()) == DEGRADED)

        r = ctl(bus.env(), "status")
        c.check("traceectl status: the degraded rules and how to close it",
                r.returncode == 0 and "Degraded: " + ", ".join(DEGRADED) in r.stdout and
                "compat_syscalls=yes" in r.stdout and "ia32_emulation=0" in r.stdout, r.stdout + r.stderr)
        r = ctl(bus.env(), "--json", "status")
        try:
            js = json.loads(r.stdout)
        except ValueError:
            js = {}
        c.check("traceectl --json status: degradedRules", js.get("degradedRules") == DEGRADED and
                js.get("details", {}).get("compatSyscalls", {}).get("degraded") is True, r.stdout[:400])
        # a rule disabled is not degraded any more (it watches nothing)
        r = ctl(bus.env(), "rule", "disable", "TRC-2")
        c.check("rule disable TRC-2", r.returncode == 0, r.stderr)
        c.check("DegradedRules without the disabled TRC-2", degraded_property(bus.env()) ==
                [i for i in DEGRADED if i != "TRC-2"])
        ctl(bus.env(), "rule", "enable", "TRC-2")
    finally:
        rc = t.stop()
    c.check("unwatched: the agent exits 0", rc == 0, t.err)
    c.check("unwatched: stderr says which rules are degraded and how to close it",
            "degraded (" + ", ".join(DEGRADED) + ")" in t.err and "compat_syscalls=yes" in t.err and
            "ia32_emulation=0" in t.err, t.err)
    msgs = journal(f"MESSAGE_ID={MESSAGE_DEGRADED}")
    c.check("journal: one message at start with its MESSAGE_ID, naming the option and ia32_emulation=0",
            len(msgs) == 1 and "compat_syscalls=yes" in msgs[0].get("MESSAGE", "") and
            "ia32_emulation=0" in msgs[0].get("MESSAGE", ""), msgs)


def main():
    require_root_bpf()
    p = subprocess.run([trigger("compat32"), "benign"], capture_output=True, text=True, timeout=15)
    if p.returncode == SKIP or (p.returncode < 0):
        print(f"skip: this kernel refuses 32-bit syscalls ({p.stderr.strip()}, status {p.returncode})",
              file=sys.stderr)
        sys.exit(SKIP)
    reexec_in_mount_ns()
    jd = start_journald()
    tmp = tempfile.mkdtemp(prefix="tracee-compat-")
    conf = os.path.join(tmp, "tracee.conf")
    with open(conf, "w") as f:
        f.write(f"[agent]\nstate_directory = {tmp}\n\n[output]\njournal = yes\n")
    try:
        with PrivateBus() as bus:
            watch_off(bus, conf)
            watch_on(bus, conf)
            c.check("watched: no degraded message in the journal (only the unwatched run's one)",
                    len(journal(f"MESSAGE_ID={MESSAGE_DEGRADED}")) == 1)
            trace_on()
    finally:
        jd.terminate()
        jd.wait()
    c.done()


if __name__ == "__main__":
    main()
