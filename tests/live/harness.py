# SPDX-License-Identifier: LGPL-2.1-or-later
"""Live-test harness: runs the real tracee binary against the real kernel.

The agent is started with a NOTIFY_SOCKET owned by the test, so "ready" means the agent sent
READY=1 (BPF loaded and attached), not a sleep. Output lines are collected by a reader thread.
Paths come from the environment meson sets: TRACEE_BIN, TRIGGERS_DIR.

A test that cannot run here (not root, no BTF) exits 77, which meson reports as skipped.
"""
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77

TRACEE = os.environ.get("TRACEE_BIN", os.path.join(os.path.dirname(__file__), "../../build/agent/tracee"))
# traceectl: the build tree's, or the installed one (the kernel matrix's guest sets TRACEECTL_BIN)
TRACEECTL = os.environ.get("TRACEECTL_BIN", os.path.join(os.path.dirname(os.path.dirname(TRACEE)), "ctl", "traceectl"))
TRIGGERS = os.environ.get("TRIGGERS_DIR", os.path.join(os.path.dirname(__file__), "../../build/tests"))


def require_root_bpf():
    if os.geteuid() != 0:
        print("skip: needs root", file=sys.stderr)
        sys.exit(SKIP)
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        print("skip: no BTF", file=sys.stderr)
        sys.exit(SKIP)


def trigger(name):
    """Absolute path of a built trigger program."""
    return os.path.join(TRIGGERS, name)


_unpriv_dir = None


def unprivileged_copy(path):
    """A copy of the program at path that another user (uid 65534) can run, wherever the build tree
    is: a clone in /root (0700) cannot be traversed by them. The copy keeps its file name (comm) and
    lives in a directory of this test's own under /tmp, made by root (0711: others may run what is
    there, not list or change it) and removed when the test exits. Returns the copy's real path."""
    global _unpriv_dir
    if _unpriv_dir is None:
        _unpriv_dir = tempfile.mkdtemp(prefix="tracee-unpriv-")
        os.chmod(_unpriv_dir, 0o711)
        atexit.register(shutil.rmtree, _unpriv_dir, True)
    dst = os.path.join(_unpriv_dir, os.path.basename(path))
    if not os.path.exists(dst):
        shutil.copy2(path, dst + ".tmp")
        os.chmod(dst + ".tmp", 0o755)
        os.rename(dst + ".tmp", dst)
    return os.path.realpath(dst)


class Tracee:
    """Runs `tracee ARGS…` until stop(); .lines holds stdout lines, .err stderr text."""

    def __init__(self, *args, env=None, ready_timeout=30):
        self.args = [TRACEE] + list(args)
        self.extra_env = env or {}
        self.ready_timeout = ready_timeout
        self.lines = []
        self.notify = []
        self.err = ""
        self._lock = threading.Lock()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="tracee-test-")
        self.sock_path = os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.sock.settimeout(0.2)
        env = dict(os.environ)
        # Every finding one by one (the agent folds repeats by default): the tests count them. A
        # test of the folding itself (flood.py) passes TRACEE_FOLD="" in env.
        env.setdefault("TRACEE_FOLD", "no")
        env.update(self.extra_env)
        env["NOTIFY_SOCKET"] = self.sock_path
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self._out = threading.Thread(target=self._read_out, daemon=True)
        self._errt = threading.Thread(target=self._read_err, daemon=True)
        self._out.start()
        self._errt.start()
        # Read the notify socket for as long as the agent runs, as systemd does: a datagram
        # socket nobody reads fills up and blocks the sender.
        self._ready = threading.Event()
        self._stop_notify = False
        self._nt = threading.Thread(target=self._read_notify, daemon=True)
        self._nt.start()
        deadline = time.time() + self.ready_timeout
        while time.time() < deadline:
            if self._ready.wait(0.1):
                return
            if self.proc.poll() is not None:
                self._errt.join(2)
                raise RuntimeError(f"tracee exited with {self.proc.returncode} before READY=1: {self.err}")
        self.stop()
        raise RuntimeError(f"tracee did not send READY=1 within {self.ready_timeout}s: {self.err}")

    def _read_notify(self):
        while not self._stop_notify:
            try:
                msg = self.sock.recv(4096).decode(errors="replace")
            except socket.timeout:
                continue
            except OSError:
                return
            lines = msg.splitlines()
            with self._lock:
                self.notify.extend(lines)
            if "READY=1" in lines:
                self._ready.set()

    def _read_out(self):
        for raw in self.proc.stdout:
            with self._lock:
                self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    def _read_err(self):
        for raw in self.proc.stderr:
            self.err += raw.decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                # Detaching costs the kernel a grace period per program: up to a minute on a
                # PREEMPT_RT kernel under emulation, where the kernel matrix sets a longer limit.
                self.proc.wait(float(os.environ.get("TRACEE_TEST_STOP_TIMEOUT", 20)))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.join(5)
        self._errt.join(5)
        self._stop_notify = True
        self._nt.join(2)
        self.sock.close()
        try:
            os.unlink(self.sock_path)
            os.rmdir(self.dir)
        except OSError:
            pass
        return self.proc.returncode

    def json(self):
        """Parsed stdout lines (every line must be valid JSON)."""
        with self._lock:
            lines = list(self.lines)
        return [json.loads(l) for l in lines if l.strip()]

    def wait_for(self, pred, timeout=5.0):
        """Waits until some parsed JSON line satisfies pred; returns the matching objects."""
        deadline = time.time() + timeout
        while True:
            got = [o for o in self.json() if pred(o)]
            if got or time.time() > deadline:
                return got
            time.sleep(0.05)

    def settle(self, seconds=0.5):
        """The agent drains the ring buffer every 10 ms; give it time to print what is in flight."""
        time.sleep(seconds)


class Checks:
    """Counts named checks; prints one line each and a summary; exit status 1 if any failed."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print(f"ok - {name}")
        else:
            self.failed += 1
            print(f"FAIL - {name} {detail}")
        return cond

    def done(self):
        print(f"{self.passed} checks passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
