#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A stalled journald must not stall the agent: a private journald (in a private mount namespace, as
agent_service.py) is stopped with SIGSTOP while findings are produced, then continued.

While journald is stopped:
  - every finding still reaches standard output, at once;
  - Describe() on a private D-Bus daemon answers within 1 s, each time it is asked;
  - the watchdog keeps being pinged (WATCHDOG_USEC=2 s: no gap of 2 s between WATCHDOG=1);
  - no ring-buffer event is lost;
  - the journal writer says it is stalled and counts what it dropped (journal_queue_bytes = 64K).
Once journald runs again:
  - one entry says how many journal entries were dropped (TRACEE_JOURNAL_DROPPED, MESSAGE_ID
    38aabcd8e2c24d558b1f8328e63c2616), adding up to the dropped counter of Describe();
  - the findings that were not dropped are in the journal, and the dropped ones make up the rest;
  - a new finding reaches the journal again.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_service import journal, reexec_in_mount_ns, start_journald  # noqa: E402
from harness import Checks, Tracee, require_root_bpf, trigger  # noqa: E402
from privbus import PrivateBus  # noqa: E402

MSG_DROPPED = "38aabcd8e2c24d558b1f8328e63c2616"
FINDINGS = 400
WATCHDOG_USEC = 2000000


class TimedTracee(Tracee):
    """The harness's agent, with the time each notify line arrived."""

    def _read_notify(self):
        import socket
        self.notify_at = []
        while not self._stop_notify:
            try:
                msg = self.sock.recv(4096).decode(errors="replace")
            except socket.timeout:
                continue
            except OSError:
                return
            now = time.monotonic()
            lines = msg.splitlines()
            with self._lock:
                self.notify.extend(lines)
                self.notify_at.extend((now, l) for l in lines)
            if "READY=1" in lines:
                self._ready.set()


def describe(bus):
    """(seconds it took, parsed Describe() or None)."""
    t0 = time.monotonic()
    try:
        r = subprocess.run(["busctl", "--system", "--json=short", "--timeout=5", "call", "org.tracee.Agent1",
                            "/org/tracee/Agent1", "org.tracee.Agent1", "Describe"], env=bus.env(),
                           capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        return time.monotonic() - t0, None
    took = time.monotonic() - t0
    if r.returncode != 0:
        return took, None
    return took, json.loads(json.loads(r.stdout)["data"][0])


def finding_pids(n):
    """n processes, each one exec with LD_PRELOAD (one TRC-7 finding each: the rule floods elsewhere on
    the host are least likely to hit); their pids."""
    pids = []
    for _ in range(n):
        p = subprocess.run([trigger("trc7_env")], stdin=subprocess.DEVNULL, capture_output=True, timeout=15)
        if p.stdout.strip():
            pids.append(int(p.stdout.split()[0]))
    return pids


def main():
    require_root_bpf()
    reexec_in_mount_ns()
    t = Checks()
    tmp = tempfile.mkdtemp(prefix="tracee-stall-")
    jd = start_journald()
    stopped = False
    try:
        with PrivateBus() as bus:
            conf = os.path.join(tmp, "tracee.conf")
            os.makedirs(os.path.join(tmp, "state"))
            with open(conf, "w") as f:
                f.write(f"[agent]\nstate_directory = {tmp}/state\nrules = TRC-7\n[output]\njournal = yes\n"
                        "journal_queue_bytes = 64K\n")
            env = {"WATCHDOG_USEC": str(WATCHDOG_USEC), "DBUS_SYSTEM_BUS_ADDRESS": bus.address}
            with TimedTracee("--config", conf, "--output", "json", env=env) as a:
                took, d = describe(bus)
                t.check("Describe() answers before the stall", d is not None, took)

                jd.send_signal(signal.SIGSTOP)
                stopped = True
                t_stop = time.monotonic()
                pids = finding_pids(FINDINGS)
                deadline = time.time() + 10
                while time.time() < deadline:
                    seen = {o["process"]["pid"] for o in a.json() if o["rule"]["id"] == "TRC-7"}
                    if set(pids) <= seen:
                        break
                    time.sleep(0.1)
                seen = {o["process"]["pid"] for o in a.json() if o["rule"]["id"] == "TRC-7"}
                t.check(f"journald stopped: all {len(pids)} findings on stdout", set(pids) <= seen and
                        len(pids) == FINDINGS, f"{len(set(pids) & seen)} of {len(pids)}")

                # keep journald stopped for two more watchdog intervals, asking Describe() all along
                slow, worst, last, asked = 0, 0.0, None, 0
                t_hold = time.monotonic()
                while time.monotonic() - t_hold < 2.5 * WATCHDOG_USEC / 1e6 or asked < 3:
                    asked += 1
                    took, d = describe(bus)
                    worst = max(worst, took)
                    if d is None or took >= 1.0:
                        slow += 1
                    else:
                        last = d
                    time.sleep(0.2)
                t.check("journald stopped: Describe() answers within 1 s each time", slow == 0 and last is not None,
                        f"{slow} of {asked} slow or unanswered, worst {worst:.2f} s")
                with a._lock:
                    pings = [at for at, l in a.notify_at if l == "WATCHDOG=1" and at >= t_stop]
                gaps = [b - x for x, b in zip([t_stop] + pings, pings + [time.monotonic()])]
                t.check("journald stopped: the watchdog is pinged (no gap of WATCHDOG_USEC)",
                        pings and max(gaps) < WATCHDOG_USEC / 1e6, f"{len(pings)} pings, gaps {gaps[-5:]}")
                sink = ((last or {}).get("sinks") or {}).get("journal") or {}
                t.check("journald stopped: no ring-buffer event lost", last is not None and
                        last.get("eventsLost") == 0, (last or {}).get("eventsLost"))
                t.check("journald stopped: the journal writer says it is stalled", sink.get("state") == "stalled",
                        sink)
                t.check("journald stopped: dropped journal entries are counted", sink.get("dropped", 0) > 0 and
                        sink.get("queuedBytes", 1 << 30) <= sink.get("maxBytes", 0) == 64 * 1024, sink)
                t.check("journald stopped: the agent runs", a.proc.poll() is None)

                jd.send_signal(signal.SIGCONT)
                stopped = False
                d, sink = None, {}
                deadline = time.time() + 15
                while time.time() < deadline:
                    _, d = describe(bus)
                    sink = ((d or {}).get("sinks") or {}).get("journal") or {}
                    if sink.get("state") == "ok" and sink.get("queued") == 0:
                        break
                    time.sleep(0.2)
                t.check("journald back: the queue drains", sink.get("state") == "ok" and sink.get("queued") == 0,
                        sink)
                dropped = sink.get("dropped", -1)
                reports = []
                # what was dropped until journald was back is said; findings of other processes may
                # add drops meanwhile, said or not yet

                deadline = time.time() + 10
                while time.time() < deadline:
                    reports = journal("MESSAGE_ID=" + MSG_DROPPED)
                    if sum(int(e.get("TRACEE_JOURNAL_DROPPED", 0)) for e in reports) >= dropped > 0:
                        break
                    time.sleep(0.3)
                said = sum(int(e.get("TRACEE_JOURNAL_DROPPED", 0)) for e in reports)
                _, d = describe(bus)
                now = (((d or {}).get("sinks") or {}).get("journal") or {}).get("dropped", -1)
                t.check("journald back: an entry says how many were dropped, adding up to Describe()'s count",
                        dropped <= said <= now and dropped > 0 and any("dropped while journald was not accepting" in e.get("MESSAGE", "")
                                                    for e in reports), f"said {said}, dropped {dropped} (then {now})")
                ents = journal("TRACEE_RULE_ID=TRC-7")
                in_journal = {int(e["TRACEE_PID"]) for e in ents if e.get("TRACEE_PID", "").isdigit()} & set(pids)
                t.check("journald back: the findings not dropped are in the journal, the dropped make up the rest",
                        0 < len(in_journal) < len(pids) and len(in_journal) + dropped >= len(pids),
                        f"{len(in_journal)} in the journal, {dropped} dropped, {len(pids)} findings")
                pid = finding_pids(1)[0]
                ok = False
                deadline = time.time() + 5
                while time.time() < deadline and not ok:
                    ok = any(e.get("TRACEE_PID") == str(pid) for e in journal("TRACEE_RULE_ID=TRC-7"))
                    time.sleep(0.2)
                t.check("journald back: a new finding reaches the journal", ok)
                rc = a.stop()
                t.check("the agent exits 0", rc == 0, f"{rc}: {a.err[-500:]}")
    finally:
        if stopped:
            jd.send_signal(signal.SIGCONT)
        jd.terminate()
        jd.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
