# SPDX-License-Identifier: LGPL-2.1-or-later
"""One user's flood must not take the ring buffer from everyone else (issue 13, "Drowning").

Two unprivileged processes (uid 65534) flood the agent with RW->RX mprotect calls (hostile_flood,
each call a watched event; TRC-4 excepts uid 65534, so only the kernel side is tested) into the
default 8 MiB ring buffer. Five times during the flood the agent stops reading (SIGSTOP: a consumer that
falls behind, as a slow sink or a busy CPU makes it) until each flooder has made 40 000 watched
mprotect calls (about 13 MB of records of some 160 bytes: the ring overfilled however fast or
loaded the machine), then root opens another process's /proc/PID/mem (trc3_procmem
child) and the agent goes on (SIGCONT). The flooders' share while the agent stalls (their user's:
about 2 600 records, then 4 000 a second) fills 8 MiB in about 12 s: the stalls are shorter, 6 s on
this 2-CPU machine under a load of 14, some 50 ms when it is idle.
Expected:

  - every one of the five TRC-3 findings is reported;
  - no event is lost: the kernel side sheds the flooders' events past their share (events.h,
    TR_SHED_*) and keeps the rest of the ring for everyone else;
  - what was shed is counted ("N shed" in the stop line), and reported as detection gaps that name
    the flooders (uid 65534, hostile_flood), whose counts add up exactly to that number.

Without shedding (today's main), the flood fills the ring within milliseconds of the stall: the
root process's events are lost with the flooders', and its finding with them.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, Tracee, require_root_bpf, trigger  # noqa: E402

FLOODERS = 2
CALLS = int(os.environ.get("SHED_FLOOD_CALLS", "20000000"))
ATTACKS = 5
FLOOD_ROUNDS = 40000

t = Checks()
STOPPED = re.compile(r"stopped: (\d+) events, (\d+) detections, (\d+) events lost, (\d+) shed")
GAP = re.compile(r"detection gap: the kernel shed (\d+) events of (\d+) flooding process\(es\) in the last "
                 r"seconds \((\d+) in all\); most from (\S+) \(pid (\d+), uid (\d+), ([^)]*)\): (\d+)")


def rounds(path):
    with open(path, "rb") as f:
        return int.from_bytes(f.read(8), sys.byteorder)


def main():
    require_root_bpf()
    tmp = tempfile.mkdtemp(prefix="tracee-shed-")
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(t.done())


def run(tmp):
    # uid 65534 must reach its program wherever the build tree is (a clone in a private /root)
    os.chmod(tmp, 0o755)
    flood = os.path.join(tmp, "hostile_flood")
    shutil.copy2(trigger("hostile_flood"), flood)
    os.chmod(flood, 0o755)
    state = os.path.join(tmp, "state")
    os.makedirs(state)
    conf = os.path.join(tmp, "shed.conf")
    with open(conf, "w") as f:
        f.write(f"[agent]\nstate_directory = {state}\n[output]\njournal = no\n"
                "[rule TRC-4]\nexception_uid = 65534\n")

    with Tracee("--config", conf, "--output", "json") as a:
        progress = []
        for i in range(FLOODERS):
            path = os.path.join(tmp, f"progress{i}")
            with open(path, "wb") as f:
                f.write(bytes(8))
            os.chown(path, 65534, 65534)
            progress.append(path)
        floods = [subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", flood, str(CALLS),
                                    path], stdout=subprocess.DEVNULL)
                  for path in progress]
        time.sleep(0.5)
        attacks = []
        for i in range(ATTACKS):
            if any(p.poll() is not None for p in floods):
                break
            os.kill(a.proc.pid, signal.SIGSTOP)
            try:
                # long enough for the flood to fill the ring many times over, however fast the
                # machine: each flooder does FLOOD_ROUNDS rounds (each a watched mprotect) first
                base = [rounds(path) for path in progress]
                t0 = time.time()
                deadline = time.time() + 30
                while time.time() < deadline and any(rounds(path) - b < FLOOD_ROUNDS
                                                     for path, b in zip(progress, base)):
                    time.sleep(0.01)
                stalled = time.time()
                p = subprocess.run([trigger("trc3_procmem"), "child"], capture_output=True, text=True, timeout=30)
                print(f"# stall {i}: flood {stalled - t0:.2f} s, attack {time.time() - stalled:.2f} s")
                if p.returncode == 0 and p.stdout.split():
                    attacks.append(int(p.stdout.split()[0]))
            finally:
                os.kill(a.proc.pid, signal.SIGCONT)
            time.sleep(0.3)
        still_flooding = all(p.poll() is None for p in floods)
        for p in floods:
            p.kill()
            p.wait()
        t.check(f"attack: {ATTACKS} TRC-3 triggers ran while the agent stalled under the flood",
                len(attacks) == ATTACKS and still_flooding,
                f"{len(attacks)} ran, flood still running at the end: {still_flooding} (raise SHED_FLOOD_CALLS)")

        def found():
            got = {o["process"]["pid"] for o in a.json() if o.get("rule", {}).get("id") == "TRC-3"}
            return set(attacks) <= got

        deadline = time.time() + 20
        while time.time() < deadline and not found():
            time.sleep(0.2)
        got = {o["process"]["pid"] for o in a.json() if o.get("rule", {}).get("id") == "TRC-3"}
        t.check("attack: every TRC-3 finding made during the flood is reported",
                set(attacks) <= got, f"missing {sorted(set(attacks) - got)} of {attacks}")
        rc = a.stop()
    t.check("agent exits 0", rc == 0, a.err[-800:])
    m = STOPPED.search(a.err)
    t.check("stop line counts lost and shed events", m is not None, a.err[-800:])
    if not m:
        return
    lost, shed = int(m.group(3)), int(m.group(4))
    print(f"# {m.group(0)}")
    t.check("no event lost: the flood was shed, not the ring overflowed", lost == 0, m.group(0))
    t.check("the flood was shed", shed > 0, m.group(0))
    gaps = GAP.findall(a.err)
    t.check("detection gaps logged", len(gaps) > 0, a.err[-800:])
    t.check("detection gaps name the flooders (uid 65534, hostile_flood)",
            gaps and all(g[5] == "65534" and g[3] == "hostile_flood" and g[6].endswith("/hostile_flood")
                         for g in gaps), str(gaps[:3]))
    total = sum(int(g[0]) for g in gaps)
    t.check("detection gaps add up to what was shed", total == shed and gaps and int(gaps[-1][2]) == shed,
            f"gaps sum {total}, last 'in all' {gaps[-1][2] if gaps else None}, shed {shed}")


if __name__ == "__main__":
    main()
