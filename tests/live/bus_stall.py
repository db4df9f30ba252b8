#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A bus daemon that falls behind costs Detection signals, not memory: the private dbus-daemon is
stopped with SIGSTOP while FLOOD TRC-7 findings are made (each one a Detection signal of ~2 KiB
to a root subscriber, traceectl detections --follow, and a redacted broadcast), then continued.

  - every finding still reaches standard output while the bus daemon is stopped;
  - the agent's anonymous memory (RssAnon) grows by less than LIMIT_KIB (the signals alone are
    FLOOD × ~2 KiB, half of which fit in the socket's 8 MiB buffer: on main sd-bus queues the rest);
  - the agent says it drops them (on standard error here: journal = no);
  - once the daemon runs again, Describe() answers and counts the dropped signals
    (sinks.dbusSignals: sent + dropped == the findings);
  - a new finding is signalled on the bus again (traceectl detections --follow).
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TRACEECTL, Checks, Tracee, require_root_bpf  # noqa: E402
from privbus import PrivateBus  # noqa: E402
from webhook_bounds import describe, flood, rss_anon_kib  # noqa: E402

# sd-bus asks for an 8 MiB socket send buffer: the kernel takes the first ~4000 signals of ~2 KiB
FLOOD = 8000
LIMIT_KIB = 3 * 1024


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for l in f:
            if l.startswith("VmRSS:"):
                return int(l.split()[1])
    return 0


def main():
    require_root_bpf()
    c = Checks()
    tmp = tempfile.mkdtemp(prefix="tracee-busstall-")
    stopped = None
    try:
        with PrivateBus() as bus:
            conf = os.path.join(tmp, "tracee.conf")
            os.makedirs(os.path.join(tmp, "state"))
            with open(conf, "w") as f:
                f.write(f"[agent]\nstate_directory = {tmp}/state\nrules = TRC-7\n[output]\njournal = no\n")
            with Tracee("--config", conf, "--output", "json", env={"DBUS_SYSTEM_BUS_ADDRESS": bus.address}) as a:
                warm = flood(20)
                a.wait_for(lambda o: o["process"]["pid"] == warm[-1], 10)
                time.sleep(0.5)
                base = len([o for o in a.json() if o["rule"]["id"] == "TRC-7"])
                # a root subscriber: each finding is then sent whole to it (~2 KiB) besides the
                # redacted broadcast (~200 bytes), as on a host where root follows detections
                sub = subprocess.Popen([TRACEECTL, "--json", "detections", "--follow"], env=bus.env(),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(1.0)
                before = rss_anon_kib(a.proc.pid)

                os.kill(bus.pid, signal.SIGSTOP)
                stopped = bus.pid
                pids = flood(FLOOD)
                deadline = time.time() + 30
                while time.time() < deadline:
                    if set(pids) <= {o["process"]["pid"] for o in a.json()}:
                        break
                    time.sleep(0.2)
                seen = {o["process"]["pid"] for o in a.json()}
                c.check(f"bus daemon stopped: all {FLOOD} findings on stdout", len(pids) == FLOOD and
                        set(pids) <= seen, f"{len(set(pids) & seen)} of {len(pids)}")
                time.sleep(0.5)
                after = rss_anon_kib(a.proc.pid)
                print(f"# RssAnon {before} → {after} KiB, VmRSS {rss_kib(a.proc.pid)} KiB")
                c.check(f"bus daemon stopped: the agent's anonymous memory grows by less than {LIMIT_KIB} KiB",
                        after - before < LIMIT_KIB, f"{before} → {after} KiB")
                c.check("bus daemon stopped: the agent says it drops signals", "dropping Detection signals" in a.err,
                        a.err[-300:])
                os.kill(bus.pid, signal.SIGCONT)
                stopped = None
                time.sleep(1.0)
                d = describe(bus)
                sig = (d.get("sinks") or {}).get("dbusSignals") or {}
                made = len([o for o in a.json() if o["rule"]["id"] == "TRC-7"])
                print(f"# {sig}")
                c.check("bus daemon back: Describe() counts the dropped signals (sent + dropped == findings)",
                        sig.get("dropped", 0) > 0 and sig.get("sent", 0) + sig.get("dropped", 0) == made,
                        f"{sig}, {made} findings ({base} before the stop)")
                mon = subprocess.Popen([TRACEECTL, "--json", "detections", "--follow"], env=bus.env(),
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                time.sleep(1.0)
                pid = flood(1)[0]
                time.sleep(1.0)
                mon.terminate()
                out = mon.communicate(timeout=10)[0]
                c.check("bus daemon back: a new finding is signalled", f'"pid":{pid},' in out.replace(" ", ""),
                        out[-300:])
                sub.terminate()
                sub.wait(timeout=10)
                c.check("the agent runs", a.proc.poll() is None)
                rc = a.stop()
                c.check("the agent exits 0", rc == 0, a.err[-300:])
    finally:
        if stopped:
            os.kill(stopped, signal.SIGCONT)
        subprocess.run(["rm", "-rf", tmp])
    c.done()


if __name__ == "__main__":
    main()
