#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""io_uring: rule behaviours done through io_uring requests, which make none of the syscalls the
rules watch (tests/triggers/trc_iouring.c), are seen and judged as those syscalls are.

  - TRC-3: IORING_OP_OPENAT of /proc/self/mem for writing, to a new fd, through IORING_OP_OPENAT2,
    into a free and a chosen fixed-file slot, and with its completion overflowing a full CQ;
  - TRC-1: IORING_OP_CONNECT of a socket that is on fd 0, through fd 0, a fixed-file slot and a dup;
  - TRC-7: IORING_OP_RENAMEAT (absolute, and relative to a dirfd), LINKAT and SYMLINKAT putting a
    file in place as /etc/ld.so.preload, and a RENAMEAT with IOSQE_CQE_SKIP_SUCCESS (judged at
    submission), all in a private mount namespace with a tmpfs on /etc; and IORING_OP_OPENAT of the
    preload list for writing, chrooted into a tmpfs (the host's file is checked unchanged);
  - each gives exactly one finding for the trigger's pid, of the right rule, with the rule's data and
    the opcode, naming the submitting thread and its comm (not an io-wq worker's);
  - the look-alikes (read-only opens, a write open of an ordinary file, a connect on fd 5 and an
    AF_UNIX one on fd 0, renames and links onto other names, a failed rename) give none;
  - `tracee trace` shows the requests as their syscall events with the opcode, the fixed-file slot,
    the kernel path of what was opened, and applies the comm filter to the submitter's comm;
  - the io_uring tracepoints are attached only when a wanted event has an io_uring road;
  - no malformed events, exit 0 on SIGINT.
"""
import os
import re
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SKIP, Checks, Tracee, require_root_bpf, trigger  # noqa: E402

PRELOAD = "/etc/ld.so.preload"
WAIT = 5.0
# the submission tracepoint is io_uring_submit_sqe before 6.2
SUBMIT_TP = "io_uring_submit_req" if os.path.exists("/sys/kernel/tracing/events/io_uring/io_uring_submit_req") or \
    not os.path.exists("/sys/kernel/tracing/events/io_uring/io_uring_submit_sqe") else "io_uring_submit_sqe"
IOU_TPS = {"io_uring_complete", "io_uring_cqe_overflow", SUBMIT_TP}

c = Checks()


class Listener:
    """A TCP server on 127.0.0.1 keeping what its connections send."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.received = []
        self._lock = threading.Lock()
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
        with self._lock:
            self.received.append(data.decode(errors="replace"))

    def got(self, text, timeout=3.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self._lock:
                if any(text in r for r in self.received):
                    return True
            time.sleep(0.02)
        return False

    def close(self):
        self.sock.close()


def run(label, *args):
    """Runs the trigger; returns (pid, {key: value}) or (None, {})."""
    try:
        p = subprocess.run([trigger("trc_iouring")] + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=20)
    except subprocess.TimeoutExpired:
        c.check(f"{label}: trigger ran", False, "(timed out)")
        return None, {}
    ok = p.returncode == 0 and p.stdout.strip() != b""
    c.check(f"{label}: trigger ran", ok,
            f"(exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr.decode(errors='replace')!r})")
    if not ok:
        return None, {}
    lines = p.stdout.decode().splitlines()
    info = dict(l.partition(" ")[::2] for l in lines[1:])
    return int(lines[0]), info


class Has:
    """Expected value: a "|"-joined flag list holding this flag."""

    def __init__(self, flag):
        self.flag = flag

    def __eq__(self, other):
        return isinstance(other, str) and self.flag in other.split("|")

    def __repr__(self):
        return f"<has {self.flag}>"


def show(fs):
    return "\n    " + "\n    ".join(f"{f['rule']['id']} pid={f['process']['pid']} {f['summary']} {f['data']}"
                                     for f in fs) if fs else "(none)"


positives = []      # (label, pid, rule, data, event name, summary part)
negatives = []      # (label, pid)


def expect(label, pid, rule, data, event, summary=None):
    if pid is not None:
        positives.append((label, pid, rule, data, event, summary))


def expect_none(label, pid):
    if pid is not None:
        negatives.append((label, pid))


def of_pid(t, pid):
    return [f for f in t.json() if f.get("process", {}).get("pid") == pid]


def check_findings(t):
    deadline = time.time() + WAIT
    while time.time() < deadline and not all(of_pid(t, pid) for _, pid, *_ in positives):
        time.sleep(0.05)
    t.settle(1.0)
    for label, pid, rule, data, event, summary in positives:
        fs = of_pid(t, pid)
        ok = len(fs) == 1 and fs[0]["rule"]["id"] == rule
        c.check(f"{label}: exactly one {rule} finding", ok, show(fs))
        if not ok:
            continue
        f = fs[0]
        c.check(f"{label}: data {data}", all(k in f["data"] and f["data"][k] == v for k, v in data.items()),
                show(fs))
        c.check(f"{label}: from event {event}", f["event"].get("eventName") == event,
                f"({f['event'].get('eventName')})")
        if summary:
            c.check(f"{label}: summary says {summary!r}", summary in f["summary"], f"({f['summary']})")
        p = f["process"]
        c.check(f"{label}: names the submitting thread and its comm",
                p.get("tid") == pid and p.get("comm") == "trc_iouring" and p.get("ppid") == os.getpid(), f"({p})")
    for label, pid in negatives:
        fs = of_pid(t, pid)
        c.check(f"{label}: no finding", not fs, show(fs))


def snapshot_preload():
    try:
        with open(PRELOAD, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def scenarios(t):
    for mode, event in (("fd", "openat"), ("openat2", "openat2"), ("alloc", "openat"), ("slot", "openat"),
                        ("overflow", "openat")):
        label = f"TRC-3 io_uring open of /proc/self/mem ({mode})"
        pid, info = run(label, "mem", mode)
        if mode == "overflow" and pid:
            c.check(f"{label}: its completion overflowed the CQ", info.get("overflowed") == "1", f"({info})")
        op = "IORING_OP_OPENAT2" if event == "openat2" else "IORING_OP_OPENAT"
        expect(label, pid, "TRC-3", {"target_pid": "self", "path": f"/proc/{pid}/mem", "flags": Has("O_RDWR"),
                                     "io_uring_op": op}, event, f"(an io_uring {op} request)")

    lst = Listener()
    try:
        for mode, summary in (("fd", "connected its fd 0 (stdin)"),
                              ("fixed", "connected fixed file 0, the socket that is also its stdin"),
                              ("dup", "connected fd 7, the socket that is also its stdin")):
            label = f"TRC-1 io_uring connect of a socket on fd 0 ({mode})"
            pid, _ = run(label, "connect", mode, str(lst.port))
            c.check(f"{label}: the listener got its line", lst.got("hello from trc_iouring connect"))
            expect(label, pid, "TRC-1", {"ip": "127.0.0.1", "port": lst.port, "fd": 0,
                                         "io_uring_op": "IORING_OP_CONNECT"}, "connect", summary)
        label = "TRC-1 look-alike: io_uring connect on fd 5, AF_UNIX connect on fd 0"
        pid, _ = run(label, "la-connect", str(lst.port))
        c.check(f"{label}: the listener got its line", lst.got("hello from trc_iouring la-connect"))
        expect_none(label, pid)
    finally:
        lst.close()

    before = snapshot_preload()
    for mode, event, op, operation in (("rename", "renameat2", "RENAMEAT", "rename"),
                                       ("rename-dirfd", "renameat2", "RENAMEAT", "rename"),
                                       ("link", "linkat", "LINKAT", "link"),
                                       ("symlink", "symlinkat", "SYMLINKAT", "symlink"),
                                       ("rename-skip", "renameat2", "RENAMEAT", "rename")):
        label = f"TRC-7 io_uring {mode} onto {PRELOAD} (tmpfs /etc, private mount namespace)"
        pid, _ = run(label, "preload", mode)
        data = {"path": PRELOAD, "operation": operation, "io_uring_op": f"IORING_OP_{op}"}
        summary = f"(an io_uring IORING_OP_{op} request)"
        if mode == "rename-skip":
            data["result"] = "unseen (IOSQE_CQE_SKIP_SUCCESS)"
            summary = "judged at submission"
        expect(label, pid, "TRC-7", data, event, summary)
    label = "TRC-7 io_uring open for write of the preload list (chrooted into a tmpfs on /tmp)"
    pid, _ = run(label, "preload", "open")
    expect(label, pid, "TRC-7", {"path": "/tmp/etc/ld.so.preload", "operation": "open for write",
                                 "io_uring_op": "IORING_OP_OPENAT"}, "openat", "(an io_uring IORING_OP_OPENAT request)")
    label = "TRC-7 look-alike: io_uring renames and links onto other names, a failed rename"
    pid, _ = run(label, "la-preload")
    expect_none(label, pid)
    c.check(f"the host's {PRELOAD} left as it was", snapshot_preload() == before)

    label = "TRC-3/TRC-7 look-alike: io_uring read-only opens, a write open of an ordinary file"
    pid, _ = run(label, "la-open")
    expect_none(label, pid)


def stop_and_check(t, label):
    rc = t.stop()
    c.check(f"{label}: agent exits 0 on SIGINT", rc == 0, f"(exit {rc}; stderr: {t.err})")
    c.check(f"{label}: no malformed events", "malformed" not in t.err, f"(stderr: {t.err})")
    warned = [ln for ln in t.err.splitlines() if "io_uring" in ln and ("not watched" in ln or "not seen" in ln)]
    c.check(f"{label}: io_uring is watched (no warning)", not warned,
            f"(stderr: {t.err})")


def trace_events():
    """The requests as `tracee trace` shows them, and the comm filter on the submitter's comm."""
    t = Tracee("trace", "--events", "openat,linkat", "--filter", "comm=trc_iouring", "--output", "json")
    t.start()
    try:
        pid, info = run("trace: io_uring open into fixed slot 2", "mem", "slot")
        pid2, _ = run("trace: io_uring link (run by an io-wq worker)", "preload", "link")
        t.wait_for(lambda o: o.get("hostProcessId") == pid2 and o.get("eventName") == "linkat", WAIT)
        t.settle(0.5)
        evs = t.json()
        c.check("trace: every event is of the filtered comm",
                evs and all(e["processName"] == "trc_iouring" for e in evs), f"({[e['processName'] for e in evs]})")

        def args(e):
            return {a["name"]: a["value"] for a in e["args"]}
        opens = [e for e in evs if e["hostProcessId"] == pid and e["eventName"] == "openat"
                 and "iouring_op" in args(e)]
        ok = c.check("trace: one io_uring openat event", len(opens) == 1, f"({opens})")
        if ok:
            a = args(opens[0])
            c.check("trace: openat from io_uring: opcode, fixed-file slot, kernel path, no fd number",
                    a.get("iouring_op") == "IORING_OP_OPENAT" and a.get("fixed_file") == 2
                    and a.get("ret_path") == f"/proc/{pid}/mem" and "proc_mem" in a["ret_info"].get("class", "")
                    and opens[0]["returnValue"] == 0 and "pathname" not in a, f"({opens[0]})")
        links = [e for e in evs if e["hostProcessId"] == pid2 and e["eventName"] == "linkat"]
        ok = c.check("trace: one linkat event from io_uring", len(links) == 1 and "iouring_op" in args(links[0]),
                     f"({links})")
        if ok:
            a = args(links[0])
            c.check("trace: linkat from io_uring: the names, their directories, the submitting thread",
                    a.get("oldpath") == "/etc/.tracee-src" and a.get("newpath") == PRELOAD
                    and a.get("newpath_dir") == "/" and a.get("iouring_op") == "IORING_OP_LINKAT"
                    and links[0]["returnValue"] == 0 and links[0]["hostThreadId"] == pid2, f"({links[0]})")
    finally:
        rc = t.stop()
        c.check("trace: exits 0", rc == 0, f"(exit {rc}; stderr: {t.err})")


def agent_tracepoints(pid):
    """The tracepoints the agent's BPF links are attached to (from its fds)."""
    tps = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if "bpf_link" not in os.readlink(f"/proc/{pid}/fd/{fd}"):
                continue
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                m = re.search(r"^tp_name:\s*(\S+)", f.read(), re.M)
        except OSError:
            continue
        if m:
            tps.add(m.group(1))
    return tps


def attach_only_when_needed():
    for rules, want in (("TRC-2", False), ("TRC-3", True), ("TRC-1", True)):
        t = Tracee("--rules", rules, "--output", "json")
        t.start()
        try:
            tps = agent_tracepoints(t.proc.pid)
            if want:
                c.check(f"--rules {rules}: the io_uring tracepoints are attached", IOU_TPS <= tps, f"({sorted(tps)})")
            else:
                c.check(f"--rules {rules}: no io_uring tracepoint attached", not (tps & IOU_TPS) and tps,
                        f"({sorted(tps)})")
        finally:
            t.stop()


def main():
    require_root_bpf()
    try:
        with open("/proc/sys/kernel/io_uring_disabled") as f:
            if f.read().strip() == "2":
                print("skip: io_uring is disabled here (kernel.io_uring_disabled = 2)", file=sys.stderr)
                sys.exit(SKIP)
    except FileNotFoundError:
        pass
    if not os.path.exists("/sys/kernel/tracing/events/io_uring") and \
            b"btf_trace_io_uring_complete" not in open("/sys/kernel/btf/vmlinux", "rb").read():
        print("skip: this kernel has no io_uring tracepoints", file=sys.stderr)
        sys.exit(SKIP)
    start = time.time()
    t = Tracee("--output", "json")
    t.start()
    try:
        scenarios(t)
        check_findings(t)
    finally:
        stop_and_check(t, "all rules")
    trace_events()
    attach_only_when_needed()
    print(f"took {time.time() - start:.1f} s")
    c.done()


if __name__ == "__main__":
    main()
