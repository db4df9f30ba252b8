#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Boots one kernel of the matrix under qemu and reports what its guest driver found (host side of
tests/kernels/guest.py; tests/kernels/run.sh calls it once per kernel).

    boot.py --name NAME --kernel VMLINUZ --initrd INITRD --disk IMAGE --payload PAYLOAD.img
            --steps STEP,... --work DIR --logs DIR [--timeout SECONDS] [--accel auto|kvm|tcg]
            [--accel-file FILE]

The cached IMAGE is never written: the VM's root disk is a qcow2 overlay in DIR. The VM gets no
network; the payload disk holds everything the guest needs. Its first serial port (the kernel's
console) goes to LOGS/NAME/console.log, the second (the guest driver's report) to
LOGS/NAME/guest.log, which is read while the VM runs: each step's result is printed as it comes,
"ok - NAME: STEP [SECONDS s]", "FAIL - ..." with an excerpt of the failure (for a BPF object that
does not load, the end of the verifier's log), or "skip - ...". Steps the guest never reported
(the VM hung, crashed or ran out of time) are failures. Last comes a step of the host's own,
"console": the kernel's console must show no warning, oops, panic, stall or lockup. Writes
LOGS/NAME/STEP.log for each step and LOGS/NAME/summary.json (statuses, times, the kernel's facts,
the accelerator). Exit status 0 when every step passed or was skipped, 1 otherwise.

Accelerator: with auto, KVM is tried first; when qemu fails to start with it or the kernel prints
nothing within PROBE_SECONDS (nested KVM on some hosts hangs in the kernel's decompressor), the VM
is killed and booted again with TCG, and the choice is written to --accel-file for the next kernels.
Every wait is bounded: --boot-timeout until the guest driver starts, --timeout for the whole VM;
the VM is killed on every exit path.
"""
import argparse
import ctypes
import json
import os
import re
import signal
import subprocess
import sys
import time

MARK = "@@KMATRIX@@"
PROBE_SECONDS = 20
PR_SET_PDEATHSIG = 1


def die_with_parent():
    # qemu must not outlive this script, even when it is killed with SIGKILL.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Terminated(Exception):
    pass


def on_signal(signum, _frame):
    raise Terminated(f"signal {signum}")


class Guest:
    """The report of the guest driver, parsed as it grows."""

    def __init__(self, path):
        self.path = path
        self.pos = 0
        self.partial = ""
        self.steps = []          # [name, status, seconds, [lines]]
        self.current = None
        self.facts = {}
        self.started = False
        self.done = False
        self.fatal = []
        self.preamble = []

    def poll(self):
        """Reads what was added; returns the steps that ended since the last call."""
        ended = []
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            return ended
        self.pos += len(data)
        text = self.partial + data.decode(errors="replace").replace("\r", "")
        lines = text.split("\n")
        self.partial = lines.pop()
        for line in lines:
            if not line.startswith(MARK + " "):
                (self.current[3] if self.current else self.preamble).append(line)
                continue
            words = line.split()
            kind = words[1] if len(words) > 1 else ""
            if kind == "start":
                self.started = True
            elif kind == "begin" and len(words) > 2:
                self.current = [words[2], None, None, []]
                self.steps.append(self.current)
            elif kind == "end" and len(words) > 4 and self.current and self.current[0] == words[2]:
                self.current[1] = words[3]
                self.current[2] = float(words[4])
                ended.append(self.current)
                self.current = None
            elif kind == "fact" and len(words) > 2:
                self.facts[words[2]] = " ".join(words[3:])
            elif kind == "done":
                self.done = True
            elif kind == "fatal":
                self.fatal.append(" ".join(words[2:]))
        return ended


def excerpt(lines, limit=40):
    """What to show of a failed step: the verifier's verdicts and logs, FAIL lines, tracebacks."""
    out = []
    in_log = False
    logbuf = []
    for line in lines:
        if "BEGIN PROG LOAD LOG" in line:
            in_log, logbuf = True, []
            out.append(line)
            continue
        if in_log:
            if "END PROG LOAD LOG" in line:
                in_log = False
                if len(logbuf) > 15:
                    out.append(f"    [... {len(logbuf) - 15} lines of the verifier's log, in the step's log ...]")
                out.extend(logbuf[-15:])
                out.append(line)
            else:
                logbuf.append(line)
            continue
        if line.startswith("FAIL") or "Traceback" in line or "Error" in line or "rejected" in line \
                or "killed after" in line or "exit status" in line or "libbpf:" in line:
            out.append(line)
    if in_log:
        out.extend(logbuf[-15:])
    if not out:
        out = lines[-15:]
    if len(out) > limit:
        out = out[:limit // 2] + [f"    [... {len(out) - limit} more lines ...]"] + out[-limit // 2:]
    return out


# Kernel messages that make a run untrustworthy whatever the tests say (a BPF program that makes the
# kernel warn shows up here, and so does an emulator that corrupts the guest).
CONSOLE_PROBLEMS = re.compile(r"\bBUG:|WARNING: CPU|\bOops\b|Kernel panic|general protection fault|"
                              r"detected stalls? on CPUs|soft lockup|hard LOCKUP|blocked for more than \d+ seconds")


def console_problems(text):
    lines = text.splitlines()
    hits = [i for i, line in enumerate(lines) if CONSOLE_PROBLEMS.search(line)]
    out = []
    for i in hits[:3]:
        out.extend(lines[i:i + 12])
    return hits, out


def qemu_argv(a, accel, overlay, console, guest):
    # TCG: no cx16. QEMU 7.2's emulation of cmpxchg16b (SLUB's per-CPU fast path, which 6.12
    # uses on every allocation) corrupts the guest's flags: Debian's 6.12 oopses within seconds of
    # boot (in kmem_cache_alloc_noprof, right after the cmpxchg16b) with any -cpu model that has it.
    # Without it SLUB takes its slower path and the guest runs clean; nothing Tracee does needs it.
    cpu = "host" if accel == "kvm" else "max,-cx16"
    if accel == "tcg":
        # One host thread for all vCPUs. With a thread per vCPU (MTTCG), Debian's 6.12 once died
        # at boot of an int3 left over from patching a static key on the other vCPU; here the
        # tests take no longer on one thread (91 s against 90 s for 6.12), and the VM leaves the
        # host's second CPU to whatever else runs. KMATRIX_TCG overrides it (e.g. "tcg").
        accel = os.environ.get("KMATRIX_TCG", "tcg,thread=single")
    return ["qemu-system-x86_64", "-accel", accel, "-cpu", cpu, "-m", str(a.memory), "-smp", str(a.cpus),
            "-nodefaults", "-no-reboot", "-display", "none", "-monitor", "none", "-nic", "none",
            "-kernel", a.kernel, "-initrd", a.initrd,
            "-append", "root=/dev/vda rw console=ttyS0 init=/sbin/tracee-kmatrix-init panic=-1 "
                       "net.ifnames=0 systemd.show_status=0",
            "-drive", f"file={overlay},format=qcow2,if=virtio,cache=unsafe",
            "-drive", f"file={a.payload},format=raw,if=virtio,cache=unsafe",
            "-serial", f"file:{console}", "-serial", f"file:{guest}"]


def start(a, accel, logs, tag=""):
    overlay = os.path.join(a.work, f"{a.name}-root.qcow2")
    if os.path.exists(overlay):
        os.unlink(overlay)
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", os.path.abspath(a.disk), overlay],
                   check=True, timeout=60)
    console = os.path.join(logs, "console.log")
    guest = os.path.join(logs, "guest.log")
    for p in (console, guest):
        open(p, "w").close()
    err = open(os.path.join(a.work, f"{a.name}-qemu{tag}.err"), "w+")
    p = subprocess.Popen(qemu_argv(a, accel, overlay, console, guest), stdin=subprocess.DEVNULL,
                         stdout=err, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
    return p, err, console, guest


def stop(p):
    if p and p.poll() is None:
        p.kill()
        p.wait()


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace").replace("\r", "")
    except OSError:
        return ""


def kernel_started(console):
    return "Linux version" in read_text(console)


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--name", "--kernel", "--initrd", "--disk", "--payload", "--steps", "--work", "--logs"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--timeout", type=int, default=1200)
    ap.add_argument("--boot-timeout", type=int, default=240)
    ap.add_argument("--accel", default="auto", choices=("auto", "kvm", "tcg"))
    ap.add_argument("--accel-file")
    ap.add_argument("--memory", type=int, default=2048)
    ap.add_argument("--cpus", type=int, default=2)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    logs = os.path.join(a.logs, a.name)
    os.makedirs(logs, exist_ok=True)
    for f in os.listdir(logs):
        os.unlink(os.path.join(logs, f))
    expected = a.steps.split(",")
    t0 = time.monotonic()
    deadline = t0 + a.timeout
    accel = a.accel
    if accel == "auto" and a.accel_file and os.path.exists(a.accel_file):
        accel = read_text(a.accel_file).strip() or "auto"
    if accel == "auto":
        accel = "kvm" if os.access("/dev/kvm", os.R_OK | os.W_OK) else "tcg"
        probing = accel == "kvm"
    else:
        probing = False
    proc = err = None
    notes = []
    g = None
    reported = set()
    booted_at = None
    timed_out = boot_timed_out = False
    failed = False
    try:
        proc, err, console, guest = start(a, accel, logs)
        if probing:
            end = time.monotonic() + PROBE_SECONDS
            while time.monotonic() < end and proc.poll() is None and not kernel_started(console):
                time.sleep(0.2)
            if not kernel_started(console):
                err.seek(0)
                why = err.read().strip().splitlines()
                why = why[-1] if why else f"no kernel output within {PROBE_SECONDS} s"
                notes.append(f"KVM did not work here ({why}); using TCG")
                print(f"note - {a.name}: KVM did not work here ({why}); booting with TCG", flush=True)
                stop(proc)
                accel = "tcg"
                proc, err, console, guest = start(a, accel, logs, "-tcg")
            if a.accel_file:
                with open(a.accel_file, "w") as f:
                    f.write(accel + "\n")
        for attempt in (1, 2):
            g = Guest(guest)
            boot_deadline = time.monotonic() + a.boot_timeout
            timed_out = boot_timed_out = False
            while True:
                running = proc.poll() is None
                for name, status, secs, lines in g.poll():
                    reported.add(name)
                    with open(os.path.join(logs, f"{name}.log"), "w") as f:
                        f.write("\n".join(lines) + "\n")
                    word = {"pass": "ok", "skip": "skip"}.get(status, "FAIL")
                    if word == "FAIL":
                        failed = True
                    extra = f" ({status})" if status not in ("pass", "fail", "skip") else ""
                    print(f"{word} - {a.name}: {name}{extra} [{secs:.1f} s]", flush=True)
                    if word == "FAIL":
                        for line in excerpt(lines):
                            print(f"    # {line}", flush=True)
                if g.started and booted_at is None:
                    booted_at = time.monotonic() - t0
                if g.done or not running:
                    break
                if time.monotonic() > deadline:
                    timed_out = True
                    break
                if not g.started and time.monotonic() > boot_deadline:
                    boot_timed_out = True
                    break
                time.sleep(0.5)
            # A kernel that dies before the guest driver starts has run nothing of Tracee's (the
            # package is not even installed yet): boot it once more, so that one emulator hiccup
            # does not fail the matrix; the first console is kept, and a second failure counts.
            if g.started or timed_out or attempt == 2 or time.monotonic() + a.boot_timeout > deadline:
                break
            hits, _ = console_problems(read_text(console))
            why = "a kernel oops or panic" if hits else "no guest driver"
            stop(proc)
            os.replace(console, os.path.join(logs, "console-boot1.log"))
            notes.append(f"boot 1 ended before the guest driver started ({why}, console-boot1.log); booted again")
            print(f"note - {a.name}: the kernel did not reach the guest driver ({why}; "
                  f"{logs}/console-boot1.log); booting once more", flush=True)
            proc, err, console, guest = start(a, accel, logs, "-boot2")
        if g.done and proc.poll() is None:
            # The guest reboots right after "done": give it a moment to end the VM itself.
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                notes.append("the VM did not end within 30 s of the guest's last report")
    except Terminated as e:
        notes.append(f"interrupted ({e})")
        failed = True
    finally:
        stop(proc)

    if g is None:
        g = Guest(os.path.join(logs, "guest.log"))
        g.poll()
    wall = time.monotonic() - t0
    missing = [s for s in expected if s not in reported and s != "console"]
    why = None
    if missing:
        failed = True
        if timed_out:
            why = f"the VM ran out of time ({a.timeout} s)"
        elif boot_timed_out:
            why = f"the guest driver did not start within {a.boot_timeout} s of boot"
        elif g.fatal:
            why = "the guest gave up: " + "; ".join(g.fatal)
        elif not g.started:
            why = "the guest driver never started"
        else:
            why = "the VM ended before the guest reported"
        running = g.current[0] if g.current else None
        if running:
            with open(os.path.join(logs, f"{running}.log"), "w") as f:
                f.write("\n".join(g.current[3]) + "\n")
        for s in missing:
            status = "timeout" if (timed_out and s == running) else "not run"
            print(f"FAIL - {a.name}: {s} ({status}: {why}) [-]", flush=True)
        tail = read_text(os.path.join(logs, "console.log")).strip().splitlines()[-25:]
        print(f"    # {a.name}: last lines of the kernel console ({logs}/console.log):", flush=True)
        for line in tail:
            print(f"    #   {line}", flush=True)
        qemu_err = read_text(err.name).strip().splitlines() if err else []
        if qemu_err:
            print(f"    # qemu said: {qemu_err[-1]}", flush=True)
        if g.preamble:
            for line in g.preamble[-10:]:
                print(f"    # guest: {line}", flush=True)
    # The host's own step: the kernel's console must be clean.
    if "console" in expected:
        hits, lines = console_problems(read_text(os.path.join(logs, "console.log")))
        status = "fail" if hits else "pass"
        g.steps.append(["console", status, 0.0, lines or ["no kernel warning, oops or panic on the console"]])
        with open(os.path.join(logs, "console-check.log"), "w") as f:
            f.write("\n".join(lines) + "\n")
        if hits:
            failed = True
            print(f"FAIL - {a.name}: console [{len(hits)} kernel problem(s): warnings, oopses or panics]", flush=True)
            for line in lines[:36]:
                print(f"    # {line}", flush=True)
        else:
            print(f"ok - {a.name}: console [no kernel warning, oops or panic]", flush=True)
    summary = {
        "kernel": a.name, "accel": accel, "wall_seconds": round(wall, 1),
        "boot_seconds": round(booted_at, 1) if booted_at is not None else None,
        "steps": [{"name": n, "status": s or "timeout", "seconds": t} for n, s, t, _ in g.steps] +
                 [{"name": s, "status": "not run", "seconds": None} for s in missing if s not in
                  {n for n, *_ in g.steps}],
        "facts": g.facts, "notes": notes, "problem": why, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    with open(os.path.join(logs, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    boot = f", guest up after {booted_at:.0f} s" if booted_at is not None else ""
    print(f"== {a.name}: {'passed' if not failed else 'FAILED'}, {g.facts.get('release', '?')} with {accel.upper()}, "
          f"{wall:.0f} s{boot}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
