#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A webhook's queue is bounded in bytes, not only in detections: an endpoint on 127.0.0.1 that
accepts the connection and then never reads nor answers holds the one request in flight, while
FLOOD findings (a process forking children that each exec with LD_PRELOAD set: a TRC-7 finding,
~2 KiB of JSON each with its ancestors) are queued behind it. queue_size allows a million detections, queue_bytes 1 MiB:

  - the webhook's queue stays within queue_bytes (Describe(): queuedBytes <= maxQueuedBytes);
  - what did not fit is dropped and counted: queued + dropped == the findings (every TRC-7 finding on
    stdout, other processes' included);
  - the agent's anonymous memory (RssAnon) grows by less than LIMIT_KIB over the flood, where the
    payloads alone are FLOOD × ~2 KiB (8 MiB; on main all of it stays queued);
  - the agent keeps detecting (every finding on stdout) and answers Describe() meanwhile.
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
from harness import Checks, Tracee, require_root_bpf  # noqa: E402
from privbus import PrivateBus  # noqa: E402

FLOOD = 4000
QUEUE_BYTES = 1 << 20
LIMIT_KIB = 3 * 1024

# TRC-7 findings (the rule floods elsewhere on the host are least likely to hit): each child execs
# /bin/true with LD_PRELOAD set to a library that does not exist.
FORKER = r"""
import os, sys
n = int(sys.argv[1])
pids = []
devnull = os.open("/dev/null", os.O_WRONLY)
for _ in range(n):
    pid = os.fork()
    if pid == 0:
        os.dup2(devnull, 2)
        os.execve("/bin/true", ["true"], {"PATH": "/usr/bin:/bin", "LD_PRELOAD": "/nonexistent/libtracee-test.so"})
    pids.append(pid)
    os.waitpid(pid, 0)
print(" ".join(map(str, pids)))
"""


class Silent:
    """Accepts connections on 127.0.0.1 and never reads from them nor answers."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)

    def close(self):
        for c in self.conns:
            c.close()
        self.sock.close()


def describe(bus):
    r = subprocess.run(["busctl", "--system", "--json=short", "--timeout=5", "call", "org.tracee.Agent1",
                        "/org/tracee/Agent1", "org.tracee.Agent1", "Describe"], env=bus.env(), capture_output=True,
                       text=True, timeout=10)
    if r.returncode != 0:
        return {}
    return json.loads(json.loads(r.stdout)["data"][0])


def rss_anon_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for l in f:
            if l.startswith("RssAnon:"):
                return int(l.split()[1])
    return 0


def flood(n):
    """n TRC-7 findings from children of one process; their pids."""
    p = subprocess.run([sys.executable, "-c", FORKER, str(n)], capture_output=True, text=True, timeout=300)
    return [int(x) for x in p.stdout.split()]


def main():
    require_root_bpf()
    c = Checks()
    tmp = tempfile.mkdtemp(prefix="tracee-whbounds-")
    silent = Silent()
    try:
        with PrivateBus() as bus:
            conf = os.path.join(tmp, "tracee.conf")
            os.makedirs(os.path.join(tmp, "state"))
            with open(conf, "w") as f:
                f.write(f"[agent]\nstate_directory = {tmp}/state\nrules = TRC-7\n[output]\njournal = no\n\n"
                        f"[webhook silent]\nurl = http://127.0.0.1:{silent.port}/\nformat = json\n"
                        f"timeout = 300\nqueue_size = 1000000\nqueue_bytes = {QUEUE_BYTES}\n")
            os.chmod(conf, 0o600)
            with Tracee("--config", conf, "--output", "json", env={"DBUS_SYSTEM_BUS_ADDRESS": bus.address}) as a:
                # warm up: the first findings set up libcurl's connection and the agent's buffers
                warm = flood(20)
                a.wait_for(lambda o: o["process"]["pid"] == warm[-1], 10)
                time.sleep(0.5)
                before = rss_anon_kib(a.proc.pid)

                pids = flood(FLOOD)
                deadline = time.time() + 30
                while time.time() < deadline:
                    seen = {o["process"]["pid"] for o in a.json()}
                    if set(pids) <= seen:
                        break
                    time.sleep(0.2)
                seen = {o["process"]["pid"] for o in a.json()}
                c.check(f"{FLOOD} findings made, every one on stdout", len(pids) == FLOOD and set(pids) <= seen,
                        f"{len(set(pids) & seen)} of {len(pids)}")
                time.sleep(0.5)
                after = rss_anon_kib(a.proc.pid)
                d = describe(bus)
                c.check("Describe() answers during the flood", bool(d))
                w = (d.get("webhooks") or [{}])[0]
                print(f"# RssAnon {before} → {after} KiB; webhook {w}")
                c.check("the webhook's queue stays within queue_bytes",
                        0 < w.get("queuedBytes", 1 << 40) <= w.get("maxQueuedBytes", 0) == QUEUE_BYTES, w)
                accepted = len([o for o in a.json() if o["rule"]["id"] == "TRC-7"])
                c.check("what did not fit is dropped and counted (queued + dropped + sent + failed == findings)",
                        w.get("dropped", 0) > 0 and
                        sum(w.get(k, 0) for k in ("queued", "dropped", "sent", "failed")) == accepted,
                        f"{w}, {accepted} findings")
                c.check(f"the agent's anonymous memory grows by less than {LIMIT_KIB} KiB",
                        after - before < LIMIT_KIB, f"{before} → {after} KiB")
                c.check("the agent runs", a.proc.poll() is None)
                rc = a.stop()
                c.check("the agent exits 0 with a request still in flight", rc == 0, a.err[-500:])
    finally:
        silent.close()
        subprocess.run(["rm", "-rf", tmp])
    c.done()


if __name__ == "__main__":
    main()
