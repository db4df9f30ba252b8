#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""TRC-1 and the programs that start servers on a connection: an inetd-style super-server puts
the accepted socket on the new server's fds 0-2, dup2s them in its child and execs the server —
exactly the shape of a bind shell. TRC-1's default exceptions keep root's inetd silent, and only
root's (systemd's Accept=yes is checked in the system test, where systemd is PID 1):

  - openbsd-inetd run as root in the foreground with a private configuration (a /bin/cat service
    on a free port of 127.0.0.1): a connection is served, and no TRC-1 finding names inetd's child,
    neither for its dup2s nor for the exec of /bin/cat; the suppressions are counted against the
    rule's default exceptions (tracee --list shows them);
  - the same inetd run by an unprivileged user (uid 65534): its child's dup2s and the exec of its
    server are findings, since any user may run inetd, and then that user started the server;
  - with `default_exceptions = no` for TRC-1, root's inetd is reported too.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TRACEE, Checks, Tracee, require_root_bpf  # noqa: E402
from scenario import show  # noqa: E402

INETD = "/usr/sbin/inetd"
c = Checks()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Inetd:
    """openbsd-inetd in the foreground (-d) serving /bin/cat on 127.0.0.1:PORT as user."""

    def __init__(self, tmp, user="root"):
        self.port = free_port()
        self.conf = os.path.join(tmp, f"inetd-{user}.conf")
        with open(self.conf, "w") as f:
            f.write(f"127.0.0.1:{self.port} stream tcp nowait {user} /bin/cat cat\n")
        os.chmod(tmp, 0o755)
        os.chmod(self.conf, 0o644)
        pre = None if user == "root" else ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        self.proc = subprocess.Popen((pre or []) + [INETD, "-d", self.conf], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.out = b""

    def serve_one(self):
        """Connects, sends a line, returns (what came back, the child's pid from inetd's log)."""
        deadline = time.time() + 10
        while True:
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        s.sendall(b"hello through inetd\n")
        s.shutdown(socket.SHUT_WR)
        got = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            got += b
        s.close()
        time.sleep(0.3)
        return got

    def stop(self):
        self.proc.terminate()
        try:
            self.out, _ = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.out, _ = self.proc.communicate()
        m = re.findall(rb"(\d+) execv /bin/cat", self.out)
        return [int(x) for x in m]


def findings_of(t, pids):
    return [f for f in t.json() if f["process"]["pid"] in pids and f["rule"]["id"] == "TRC-1"]


def run_case(label, tmp, user, extra_args, expect_reported):
    t = Tracee("--output", "json", *extra_args)
    t.start()
    inetd = None
    try:
        inetd = Inetd(tmp, user)
        got = inetd.serve_one()
        c.check(f"{label}: inetd served the connection", got == b"hello through inetd\n", f"(got {got!r})")
    finally:
        children = inetd.stop() if inetd else []
        t.settle(1.0)
        rc = t.stop()
    c.check(f"{label}: inetd's log names its child", len(children) == 1,
            f"(inetd said {inetd.out.decode(errors='replace') if inetd else ''!r})")
    fs = findings_of(t, set(children))
    if expect_reported:
        events = {f["event"].get("eventName") for f in fs}
        c.check(f"{label}: the child's dup2s and the exec of its server are TRC-1 findings",
                "sched_process_exec" in events and "dup2" in events, show(fs))
        c.check(f"{label}: the exec finding names the server", any(
            f["data"].get("program") == os.path.realpath("/bin/cat") for f in fs), show(fs))
    else:
        c.check(f"{label}: no TRC-1 finding for inetd's child", not fs, show(fs))
    c.check(f"{label}: agent exits 0", rc == 0, f"(exit {rc}; {t.err})")
    return t


def main():
    require_root_bpf()
    if not os.access(INETD, os.X_OK) or not shutil.which("setpriv"):
        print(f"skip: {INETD} (openbsd-inetd) or setpriv is missing; tools/install-deps.sh installs them")
        sys.exit(77)
    p = subprocess.run([TRACEE, "--list"], capture_output=True, text=True, timeout=30)
    block = re.search(r"^TRC-1\s.*?(?=^TRC-2)", p.stdout, re.M | re.S)
    c.check("tracee --list shows TRC-1's default exception for root's inetd",
            block is not None and "exe=/usr/sbin/inetd parent_uid=0" in block.group(0)
            and "exec_by=/usr/sbin/inetd parent_uid=0" in block.group(0), p.stdout)
    tmp = tempfile.mkdtemp(prefix="tracee-inetd-")
    try:
        run_case("root's inetd", tmp, "root", [], expect_reported=False)
        run_case("inetd run by uid 65534", tmp, "nobody", [], expect_reported=True)
        conf = os.path.join(tmp, "no-defaults.conf")
        with open(conf, "w") as f:
            f.write("[rule TRC-1]\ndefault_exceptions = no\n")
        run_case("root's inetd, TRC-1 defaults off", tmp, "root", ["--exceptions", conf], expect_reported=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    c.done()


if __name__ == "__main__":
    main()
