# SPDX-License-Identifier: LGPL-2.1-or-later
"""Scenarios for the rule tests: trigger programs run against one agent, findings matched to them.

A trigger program prints its pid first, then "key value" lines; the findings it must cause are
matched by that pid (process.pid; a trigger that execs keeps its pid). Shared by rules_e2e.py
(every rule's variants and look-alikes) and evasions.py (the other ways to do the same things).
"""
import socket
import subprocess
import threading
import time

from harness import trigger

WAIT = 5.0          # seconds to wait for an expected finding to show up


class Listener:
    """A TCP server on the loopback address taking any number of connections and keeping what
    they send."""

    def __init__(self, family=socket.AF_INET):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
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


def parse(out):
    """A trigger's stdout: first line its pid, then "key value" lines."""
    lines = out.decode(errors="replace").splitlines()
    pid = int(lines[0])
    info = {}
    for line in lines[1:]:
        k, _, v = line.partition(" ")
        info[k] = v
    return pid, info


class Has:
    """Expected value: a "|"-joined flag list holding this flag (and possibly others)."""

    def __init__(self, flag):
        self.flag = flag

    def __eq__(self, other):
        return isinstance(other, str) and self.flag in other.split("|")

    def __repr__(self):
        return f"<has {self.flag}>"


def subset(want, got):
    return all(k in got and v == got[k] for k, v in want.items())


def show(fs):
    return "\n    " + "\n    ".join(f"{f['rule']['id']} pid={f['process']['pid']} {f['data']}" for f in fs) if fs \
        else "(none)"


class Scenarios:
    """Runs triggers and keeps what each must cause; check() judges them all at once."""

    def __init__(self, checks):
        self.c = checks
        self.positives = []     # (label, pid, rule id, [expected data dicts], event names allowed or None)
        self.negatives = []     # (label, pid)

    def run(self, label, name, *args, env=None, timeout=15):
        """Runs a trigger to completion; returns (pid, info) or (None, {}) when it could not run."""
        try:
            p = subprocess.run([trigger(name)] + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            self.c.check(f"{label}: trigger ran", False, "(timed out)")
            return None, {}
        ok = p.returncode == 0 and p.stdout.strip() != b""
        self.c.check(f"{label}: trigger ran", ok,
                     f"(exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr.decode(errors='replace')!r})")
        if not p.stdout.strip():
            return None, {}
        return parse(p.stdout)

    def expect(self, label, pid, rule, datas, events=None):
        if pid is not None:
            self.positives.append((label, pid, rule, datas, events))

    def expect_none(self, label, pid):
        if pid is not None:
            self.negatives.append((label, pid))

    @staticmethod
    def of_pid(t, pid):
        return [f for f in t.json() if f.get("process", {}).get("pid") == pid]

    def wait_pid(self, t, pid, rule, n, timeout=WAIT):
        """Waits until pid has at least n findings of rule (so the final count is not premature)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len([f for f in self.of_pid(t, pid) if f["rule"]["id"] == rule]) >= n:
                return
            time.sleep(0.05)

    def wait_all(self, t):
        for _, pid, rule, datas, _ in self.positives:
            self.wait_pid(t, pid, rule, len(datas))

    def check(self, t):
        findings = t.json()
        c = self.c
        for label, pid, rule, datas, events in self.positives:
            fs = [f for f in findings if f["process"]["pid"] == pid]
            c.check(f"{label}: exactly {len(datas)} finding(s), all {rule}",
                    len(fs) == len(datas) and all(f["rule"]["id"] == rule for f in fs), show(fs))
            used = set()
            for want in datas:
                hits = [i for i, f in enumerate(fs) if i not in used and subset(want, f["data"])]
                c.check(f"{label}: finding with data {want}", len(hits) >= 1, show(fs))
                if hits:
                    used.add(hits[0])
            if events and fs:
                names = {f["event"].get("eventName") for f in fs}
                c.check(f"{label}: from event {'/'.join(sorted(events))}", names <= set(events), f"(got {names})")
        for label, pid in self.negatives:
            fs = [f for f in findings if f["process"]["pid"] == pid]
            c.check(f"{label}: no finding", not fs, show(fs))

    def pids(self):
        return {pid for _, pid, *_ in self.positives} | {pid for _, pid in self.negatives}
