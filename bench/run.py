#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tracee performance benchmark: one command, as root.

    sudo python3 bench/run.py [--rounds 9] [--quick] [--compare OLD.json]

Builds the workloads (bench/w_*.c, with gcc, into build/bench/) and the agent (tools/build.sh) if
needed, then measures, interleaved (configuration order shuffled per round with a fixed seed):

  configurations  none      no agent
                  rules     tracee --output none --journal no            (default rules: all of them)
                  compat    the same with --compat-syscalls=yes          (32-bit syscalls watched too)
                  traceall  tracee trace --output none                   (every event)
                  auditd    auditd -n, rules on the syscalls the default rules watch (if it can run)
  workloads       getppid, fileio (open/read/close), forkexec (fork+execve /bin/true+waitpid),
                  mprotect (RW<->R), make (make -j2 of a generated C project, wall clock)

For every (round, workload, configuration) the agent is started afresh with a NOTIFY_SOCKET owned by
this script; the workload runs only after READY=1. Recorded: ns/op (the workload times its own loop
with CLOCK_MONOTONIC; CPU ns/op too), agent CPU time (utime+stime across the workload), agent RSS/PSS
(smaps_rollup) and what the BPF-map mappings (the ring buffer) add, events and losses (the counts
the agent prints at exit), start-up time (exec -> READY=1).

Then: detection latency (TRC-2 trigger -> finding line on the agent's stdout; p50/p99), and
throughput of `tracee trace` (close(-1) from two processes: maximum rate, sustained 1 M events/s for
10 s, JSON to a file).

Prints a table and writes bench/results/YYYY-MM-DD[-N].json (with the machine); --compare OLD.json
prints the deltas against an earlier run (with --no-run and --new NEW.json: compare two files only).

The machine may be shared: numbers are noisy. Medians of interleaved rounds and per-round paired
ratios are reported for that reason; CPU ns/op (the workload's own CPU time, kernel time included)
is less sensitive to other load than wall time.
"""
import argparse
import datetime
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
BUILD = os.path.join(ROOT, "build", "bench")
TRACEE = os.path.join(ROOT, "build", "agent", "tracee")
RESULTS = os.path.join(BENCH, "results")
sys.path.insert(0, os.path.join(ROOT, "tests", "live"))    # agent_service: the private journald

WORKLOADS = ["getppid", "fileio", "forkexec", "mprotect", "make"]
# iterations per run: full / --quick
# (Many short interleaved rounds beat a few long ones here: this VM's speed drifts by +-10% over
# minutes, and fork+exec is the most sensitive to it.)
ITERS = {
    "getppid": (2_000_000, 1_000_000),
    "fileio": (100_000, 50_000),
    "forkexec": (600, 300),
    "mprotect": (100_000, 50_000),
    "make": (None, None),
}
MAKE_FILES = (40, 12)           # generated C files: full / --quick
CONFIGS = ["none", "rules", "compat", "traceall", "auditd", "baseline"]
BASELINE = None                 # --baseline: another agent binary, run as "baseline" with the default rules
TARGETS = {"getppid": 1.10, "fileio": 1.20, "forkexec": 1.05, "mprotect": 1.20}
AUDIT_KEY = "tracee-bench"

CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def percentile(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


# ------------------------------------------------------------------------------------------------
# building

def build_all():
    if not os.path.exists(TRACEE):
        log("building the agent with tools/build.sh ...")
        subprocess.run(["bash", os.path.join(ROOT, "tools", "build.sh")], check=True, cwd=ROOT)
    os.makedirs(BUILD, exist_ok=True)
    hdr = os.path.join(BENCH, "wl.h")
    for src in sorted(os.listdir(BENCH)):
        if not (src.startswith("w_") and src.endswith(".c")):
            continue
        exe = os.path.join(BUILD, src[:-2])
        srcp = os.path.join(BENCH, src)
        if os.path.exists(exe) and os.path.getmtime(exe) >= max(os.path.getmtime(srcp), os.path.getmtime(hdr)):
            continue
        log(f"gcc {src}")
        subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-o", exe, srcp], check=True)


def exe(name):
    return os.path.join(BUILD, name)


def gen_make_project(path, nfiles):
    """A small generated C project: nfiles units of arithmetic functions, one main, a Makefile."""
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)
    rnd = random.Random(1234)
    objs = []
    for i in range(nfiles):
        with open(os.path.join(path, f"u{i}.c"), "w") as f:
            f.write("#include <stdint.h>\n#include <string.h>\n#include <stdio.h>\n\n")
            for j in range(25):
                a, b, c = rnd.randint(1, 99), rnd.randint(1, 99), rnd.randint(1, 7)
                f.write(f"uint64_t u{i}_f{j}(uint64_t x)\n{{\n"
                        f"        uint64_t acc = {a};\n"
                        f"        for (int k = 0; k < {b}; k++)\n"
                        f"                acc = (acc * 31 + (x >> {c})) ^ (acc << 3);\n"
                        f"        char s[64];\n"
                        f"        snprintf(s, sizeof(s), \"%llu\", (unsigned long long) acc);\n"
                        f"        return acc + strlen(s);\n}}\n\n")
            f.write(f"uint64_t u{i}_all(uint64_t x)\n{{\n        uint64_t r = 0;\n")
            for j in range(25):
                f.write(f"        r += u{i}_f{j}(x + {j});\n")
            f.write("        return r;\n}\n")
        objs.append(f"u{i}.o")
    with open(os.path.join(path, "main.c"), "w") as f:
        f.write("#include <stdint.h>\n#include <stdio.h>\n\n")
        for i in range(nfiles):
            f.write(f"uint64_t u{i}_all(uint64_t x);\n")
        f.write("int main(void)\n{\n        uint64_t r = 0;\n")
        for i in range(nfiles):
            f.write(f"        r += u{i}_all({i});\n")
        f.write("        printf(\"%llu\\n\", (unsigned long long) r);\n        return 0;\n}\n")
    objs.append("main.o")
    with open(os.path.join(path, "Makefile"), "w") as f:
        f.write("CC = gcc\nCFLAGS = -O1 -Wall\nOBJS = " + " ".join(objs) + "\n\n"
                "prog: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n\n"
                "%.o: %.c\n\t$(CC) $(CFLAGS) -c -o $@ $<\n\n"
                "clean:\n\trm -f prog $(OBJS)\n")


# ------------------------------------------------------------------------------------------------
# process accounting

def proc_cpu_s(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(")") + 2:].split()
    # fields[0] is state (field 3); utime is field 14, stime 15
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_mem(pid):
    """RSS/PSS in kB from smaps_rollup, and Rss/Pss of the anon_inode:bpf-map mappings from smaps."""
    out = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("Rss", "Pss"):
                    out[k.lower() + "_kb"] = int(v.split()[0])
        rb_rss = rb_pss = 0
        in_bpf = False
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                first = line.split(None, 1)[0]
                if re.match(r"^[0-9a-f]+-[0-9a-f]+$", first):
                    in_bpf = "anon_inode:bpf-map" in line
                elif in_bpf and first == "Rss:":
                    rb_rss += int(line.split()[1])
                elif in_bpf and first == "Pss:":
                    rb_pss += int(line.split()[1])
        out["rb_rss_kb"] = rb_rss
        out["rb_pss_kb"] = rb_pss
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    out["hwm_kb"] = int(line.split()[1])
    except OSError:
        pass
    return out


# ------------------------------------------------------------------------------------------------
# the agent

STATS_RULES = re.compile(r"(\d+) events, (\d+) (?:findings|detections), (\d+) events lost")
STATS_TRACE = re.compile(r"(\d+) events received, (\d+) printed, (\d+) lost, (\d+) malformed")


class Agent:
    """Runs tracee with a NOTIFY_SOCKET this object owns; start() returns after READY=1."""

    def __init__(self, args, stdout_lines=False, ready_timeout=120, binary=None):
        self.args = [binary or TRACEE] + list(args)
        self.stdout_lines = stdout_lines
        self.ready_timeout = ready_timeout
        self.on_line = None
        self.startup_s = None

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="tracee-bench-")
        self.sock_path = os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.sock.settimeout(0.1)
        self.errf = open(os.path.join(self.dir, "stderr"), "w+")
        env = dict(os.environ, NOTIFY_SOCKET=self.sock_path)
        self._ready = threading.Event()
        self._stop = False
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.args, env=env, stderr=self.errf,
                                     stdout=subprocess.PIPE if self.stdout_lines else subprocess.DEVNULL)
        self._nt = threading.Thread(target=self._notify, daemon=True)
        self._nt.start()
        if self.stdout_lines:
            self._ot = threading.Thread(target=self._read_out, daemon=True)
            self._ot.start()
        while not self._ready.wait(0.05):
            if self.proc.poll() is not None or time.monotonic() - t0 > self.ready_timeout:
                self.stop()
                raise RuntimeError(f"tracee {' '.join(self.args[1:])} did not become ready: {self.stderr()[-2000:]}")
        self.startup_s = self._ready_at - t0
        self.pid = self.proc.pid
        self.startup_cpu_s = proc_cpu_s(self.pid)     # CPU spent to get ready: less noisy than wall time
        return self

    def _notify(self):
        while not self._stop:
            try:
                msg = self.sock.recv(4096).decode(errors="replace")
            except socket.timeout:
                continue
            except OSError:
                return
            if "READY=1" in msg.splitlines() and not self._ready.is_set():
                self._ready_at = time.monotonic()
                self._ready.set()

    def _read_out(self):
        for raw in self.proc.stdout:
            t = time.time_ns()
            if self.on_line:
                self.on_line(t, raw)

    def stderr(self):
        self.errf.flush()
        self.errf.seek(0)
        return self.errf.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._stop = True
        self._nt.join(2)
        if self.stdout_lines:
            self._ot.join(5)
        self.sock.close()
        err = self.stderr()
        self.errf.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        res = {"rc": self.proc.returncode}
        m = STATS_TRACE.search(err)
        if m:
            res.update(events=int(m.group(1)), printed=int(m.group(2)), lost=int(m.group(3)),
                       malformed=int(m.group(4)))
        else:
            m = STATS_RULES.search(err)
            if m:
                res.update(events=int(m.group(1)), findings=int(m.group(2)), lost=int(m.group(3)))
        if "events" not in res:
            res["stderr_tail"] = err[-1000:]
        return res


# ------------------------------------------------------------------------------------------------
# auditd

def default_rule_syscalls():
    """The syscalls the default rules watch (from the rule sources), exec events as execve/execveat."""
    names = set()
    rdir = os.path.join(ROOT, "agent", "rules")
    for fn in os.listdir(rdir):
        if fn.endswith(".c"):
            with open(os.path.join(rdir, fn)) as f:
                names.update(re.findall(r'\.event\s*=\s*"([a-z_0-9]+)"', f.read()))
    if "sched_process_exec" in names:
        names.discard("sched_process_exec")
        names.update(["execve", "execveat"])
    return sorted(n for n in names if not n.startswith("sched_"))


def run_q(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def audit_status():
    r = run_q(["auditctl", "-s"])
    st = {}
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].lstrip("-").isdigit():
            st[parts[0]] = int(parts[1])
    return st


class Auditd:
    """auditd -n with RESULTS.md's C3 settings; restores the previous audit state on stop()."""

    available = None
    reason = ""

    @classmethod
    def check(cls):
        if cls.available is not None:
            return cls.available
        if not shutil.which("auditd") or not shutil.which("auditctl"):
            log("auditd is not installed: trying apt-get install -y auditd ...")
            r = subprocess.run(["apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=300", "auditd"],
                               capture_output=True, text=True, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
            if r.returncode != 0:
                cls.available, cls.reason = False, "apt-get install auditd failed: " + r.stderr.strip()[-300:]
                log(cls.reason)
                return False
            # the package may have started a daemon: leave the audit state as we found it
        r = run_q(["auditctl", "-s"])
        if r.returncode != 0:
            cls.available, cls.reason = False, "auditctl -s failed: " + (r.stderr or r.stdout).strip()
            log(cls.reason)
            return False
        cls.syscalls = []
        for s in default_rule_syscalls():   # drop names this auditctl does not know
            t = run_q(["ausyscall", "x86_64", s]) if shutil.which("ausyscall") else None
            if t is None or t.returncode == 0:
                cls.syscalls.append(s)
        cls.available = True
        return True

    def start(self):
        self.prev = audit_status()
        self.prev_rules = run_q(["auditctl", "-l"]).stdout
        if self.prev.get("pid", 0) > 0:
            raise RuntimeError(f"an audit daemon (pid {self.prev['pid']}) is already running; not touching it")
        self.proc = subprocess.Popen(["auditd", "-n"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while audit_status().get("pid", 0) != self.proc.pid:
            if time.time() > deadline or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("auditd did not register with the kernel")
            time.sleep(0.05)
        for cmd in (["auditctl", "-b", "8192", "--backlog_wait_time", "60000", "-f", "1"],
                    ["auditctl", "-a", "always,exit", "-F", "arch=b64"] +
                    sum([["-S", s] for s in Auditd.syscalls], []) + ["-k", AUDIT_KEY],
                    ["auditctl", "-e", "1"]):
            r = run_q(cmd)
            if r.returncode != 0:
                self.stop()
                raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.strip()}")
        self.lost0 = audit_status().get("lost", 0)
        self.pid = self.proc.pid
        self.startup_s = None
        return self

    def stop(self):
        lost = audit_status().get("lost", 0) - getattr(self, "lost0", 0)
        run_q(["auditctl", "-e", str(self.prev.get("enabled", 0) if self.prev.get("enabled", 0) != 2 else 0)])
        run_q(["auditctl", "-D"])
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        run_q(["auditctl", "-b", str(self.prev.get("backlog_limit", 64)),
               "--backlog_wait_time", str(self.prev.get("backlog_wait_time", 15000))])
        if self.prev.get("failure") is not None:
            run_q(["auditctl", "-f", str(self.prev["failure"])])
        for line in self.prev_rules.splitlines():      # put back whatever rules were there
            if line.startswith("-"):
                run_q(["auditctl"] + line.split())
        return {"lost": lost}


# ------------------------------------------------------------------------------------------------
# workloads

RESULT_RE = re.compile(r"RESULT name=(\S+) iters=(\d+) seconds=([\d.]+) ns_per_op=([\d.]+)")


def run_workload(name, quick, make_dir, pin):
    pre = (lambda: os.sched_setaffinity(0, {pin})) if pin is not None else None
    if name == "make":
        subprocess.run(["make", "-s", "clean"], cwd=make_dir, check=True, stdout=subprocess.DEVNULL)
        ru0 = os.times()
        t0 = time.monotonic()
        subprocess.run(["make", "-s", "-j2"], cwd=make_dir, check=True, stdout=subprocess.DEVNULL)
        t1 = time.monotonic()
        ru1 = os.times()
        cpu = (ru1.children_user - ru0.children_user) + (ru1.children_system - ru0.children_system)
        return {"ns_per_op": (t1 - t0) * 1e9, "wall_s": t1 - t0, "cpu_ns_per_op": cpu * 1e9, "iters": 1}
    n = ITERS[name][1 if quick else 0]
    ru0 = os.times()
    t0 = time.monotonic()
    r = subprocess.run([exe("w_" + name), str(n)], capture_output=True, text=True, check=True, preexec_fn=pre)
    t1 = time.monotonic()
    ru1 = os.times()
    m = RESULT_RE.search(r.stdout)
    cpu = (ru1.children_user - ru0.children_user) + (ru1.children_system - ru0.children_system)
    # for the single-process loops, the child's CPU time (set-up included, negligible) per op
    return {"ns_per_op": float(m.group(4)), "wall_s": t1 - t0, "loop_s": float(m.group(3)),
            "cpu_ns_per_op": cpu * 1e9 / n, "iters": n}


def config_daemon(cfg):
    if cfg == "rules":
        return Agent(["--output", "none", "--journal", "no"])
    if cfg == "compat":
        return Agent(["--output", "none", "--journal", "no", "--compat-syscalls=yes"])
    if cfg == "traceall":
        return Agent(["trace", "--output", "none"])
    if cfg == "auditd":
        return Auditd()
    if cfg == "baseline":
        return Agent(["--output", "none", "--journal", "no"], binary=BASELINE)
    return None


def one_run(cfg, wl, quick, make_dir, pin):
    rec = {"config": cfg, "workload": wl}
    d = config_daemon(cfg)
    if d is not None:
        d.start()
        rec["startup_ms"] = d.startup_s * 1e3 if d.startup_s is not None else None
        if getattr(d, "startup_cpu_s", None) is not None:
            rec["startup_cpu_ms"] = d.startup_cpu_s * 1e3
        time.sleep(0.2)   # let the start-up burst (the /proc scan, first cgroup records) settle
        cpu0 = proc_cpu_s(d.pid)
    try:
        rec.update(run_workload(wl, quick, make_dir, pin))
    finally:
        if d is not None:
            cpu1 = proc_cpu_s(d.pid)
            rec.update(proc_mem(d.pid))
            if cpu0 is not None and cpu1 is not None:
                rec["agent_cpu_s"] = cpu1 - cpu0
            rec.update(d.stop())
    if rec.get("events") is not None and rec.get("wall_s"):
        rec["events_per_s"] = rec["events"] / rec["wall_s"]
    return rec


# ------------------------------------------------------------------------------------------------
# detection latency and throughput

def measure_latency(n):
    agent = Agent(["--output", "json", "--journal", "no", "--rules", "all"], stdout_lines=True)
    seen = {}
    cond = threading.Condition()

    def on_line(t, raw):
        try:
            o = json.loads(raw)
        except ValueError:
            return
        if o.get("rule", {}).get("id") == "TRC-2":
            with cond:
                seen[o.get("process", {}).get("pid")] = t
                cond.notify_all()

    agent.on_line = on_line
    agent.start()
    lat = []
    missed = 0
    rnd = random.Random(7)
    try:
        time.sleep(0.3)
        for _ in range(n):
            r = subprocess.run([exe("w_trigger")], capture_output=True, text=True)
            pid, ts = (int(x) for x in r.stdout.split())
            deadline = time.time() + 3
            with cond:
                while pid not in seen and time.time() < deadline:
                    cond.wait(0.05)
                t = seen.get(pid)
            if t is None:
                missed += 1
            else:
                lat.append((t - ts) / 1e6)
            time.sleep(rnd.uniform(0.0, 0.03))     # not phase-locked with the agent's drain timer
    finally:
        res = agent.stop()
    return {"n": n, "received": len(lat), "missed": missed, "p50_ms": percentile(lat, 50),
            "p99_ms": percentile(lat, 99), "max_ms": max(lat) if lat else None,
            "startup_ms": agent.startup_s * 1e3, "agent": res}


def journal_latency_child(n):
    """Runs in a private mount namespace (see measure_journal_latency): a journald of its own on
    tmpfs, the agent logging findings to it, n TRC-2 triggers; latency = the journal's receive time
    (__REALTIME_TIMESTAMP) of the TRACEE_RULE_ID=TRC-2 entry with the trigger's pid - the trigger's
    stamp. Prints one JSON object."""
    from agent_service import start_journald     # the live tests' private journald
    jd = start_journald()
    agent = Agent(["--output", "none", "--journal", "yes", "--rules", "TRC-2"])
    stamps = {}
    rnd = random.Random(11)
    try:
        agent.start()
        time.sleep(0.3)
        for _ in range(n):
            r = subprocess.run([exe("w_trigger")], capture_output=True, text=True)
            pid, ts = (int(x) for x in r.stdout.split())
            stamps[pid] = ts
            time.sleep(0.02 + rnd.uniform(0.0, 0.03))
        time.sleep(0.5)
    finally:
        res = agent.stop()
    subprocess.run(["journalctl", "--sync"], capture_output=True)
    out = subprocess.run(["journalctl", "--no-pager", "-o", "json", "TRACEE_RULE_ID=TRC-2"],
                         capture_output=True, text=True)
    jd.terminate()
    jd.wait()
    seen = {}
    for line in out.stdout.splitlines():
        try:
            o = json.loads(line)
            seen[int(o["TRACEE_PID"])] = int(o["__REALTIME_TIMESTAMP"]) * 1000
        except (ValueError, KeyError):
            continue
    lat = [(seen[pid] - ts) / 1e6 for pid, ts in stamps.items() if pid in seen]
    print(json.dumps({"n": n, "received": len(lat), "missed": n - len(lat), "p50_ms": percentile(lat, 50),
                      "p99_ms": percentile(lat, 99), "max_ms": max(lat) if lat else None, "agent": res}))


def measure_journal_latency(n):
    from agent_service import JOURNALD
    if shutil.which("unshare") is None or not os.path.exists(JOURNALD):
        return {"skipped": "needs unshare and systemd-journald"}
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable, os.path.abspath(__file__),
                        "--journal-latency-child", str(n), "--tracee", TRACEE], capture_output=True, text=True)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": (r.stderr or r.stdout)[-1000:]}


def produce(seconds, rate_total, nproc):
    """nproc close(-1) producers for `seconds` at rate_total/s in all (0 = flat out); calls made."""
    per = rate_total / nproc if rate_total else 0
    procs = [subprocess.Popen([exe("w_closeflood"), str(seconds), str(per)], stdout=subprocess.PIPE, text=True)
             for _ in range(nproc)]
    calls = 0
    for p in procs:
        out, _ = p.communicate()
        m = RESULT_RE.search(out)
        calls += int(m.group(2)) if m else 0
    return calls


def flood(args, seconds, rate_total, nproc=2):
    """tracee `args`, nproc close(-1) producers for `seconds` at rate_total/s in all (0 = flat out)."""
    agent = Agent(args)
    agent.start()
    time.sleep(0.2)
    cpu0 = proc_cpu_s(agent.pid)
    t0 = time.monotonic()
    calls = produce(seconds, rate_total, nproc)
    wall = time.monotonic() - t0
    cpu1 = proc_cpu_s(agent.pid)
    mem = proc_mem(agent.pid)
    res = agent.stop()
    ev = res.get("events", 0)
    return {"seconds": wall, "offered_per_s": calls / wall, "calls": calls, "events": ev,
            "consumed_per_s": ev / wall, "lost": res.get("lost"), "printed": res.get("printed"),
            "agent_cpu_s": (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None, **mem}


def proc_state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def drain(args, seconds, nproc=2, rb_size=1 << 30):
    """How fast the agent consumes when events are waiting: the agent is stopped (SIGSTOP) while
    nproc close(-1) producers fill a 1 GiB ring buffer for `seconds`, then continued; the drain ends
    when it sleeps again (polled every millisecond). The producers then do not compete with the
    consumer for the CPUs, which they do in flood()."""
    agent = Agent(args + ["--ringbuf-size", str(rb_size)])
    agent.start()
    time.sleep(0.2)
    os.kill(agent.pid, signal.SIGSTOP)
    try:
        calls = produce(seconds, 0, nproc)
        time.sleep(0.1)
        cpu0 = proc_cpu_s(agent.pid)
        t0 = time.monotonic()
        last_run = None
        asleep_since = None
    finally:
        os.kill(agent.pid, signal.SIGCONT)
    while time.monotonic() - t0 < 120:
        st = proc_state(agent.pid)
        now = time.monotonic()
        if st in ("R", "D"):
            last_run, asleep_since = now, None
        elif st == "S" and last_run is not None:
            asleep_since = asleep_since or now
            if now - asleep_since > 0.05:
                break
        time.sleep(0.001)
    cpu1 = proc_cpu_s(agent.pid)
    mem = proc_mem(agent.pid)
    res = agent.stop()
    ev = res.get("events", 0)
    secs = (last_run - t0) if last_run else None
    return {"calls": calls, "events": ev, "lost": res.get("lost"), "printed": res.get("printed"),
            "drain_s": secs, "drained_per_s": ev / secs if secs else None,
            "agent_cpu_s": (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None,
            "cpu_us_per_event": (cpu1 - cpu0) * 1e6 / ev if ev and cpu0 is not None and cpu1 is not None else None,
            **mem}


def measure_throughput(quick, reps):
    out = {"max": [], "sustained": [], "json": [], "json_sustained": [], "drain": [], "json_drain": []}
    jf = "/tmp/tracee-bench-x.json"
    dur = 2 if quick else 3
    sus = 3 if quick else 10
    for i in range(reps):
        log(f"throughput rep {i + 1}/{reps}: trace-all --output none, flat out")
        out["max"].append(flood(["trace", "--output", "none"], dur, 0))
        log(f"throughput rep {i + 1}/{reps}: trace-all --output none, 1 M events/s for {sus} s")
        out["sustained"].append(flood(["trace", "--output", "none"], sus, 1_000_000))
        log(f"throughput rep {i + 1}/{reps}: trace-all --output json --output-file, flat out")
        r = flood(["trace", "--output", "json", "--output-file", jf], dur, 0)
        try:
            r["file_bytes"] = os.path.getsize(jf)
            os.unlink(jf)
        except OSError:
            pass
        r["printed_per_s"] = (r.get("printed") or 0) / r["seconds"]
        out["json"].append(r)
        log(f"throughput rep {i + 1}/{reps}: trace-all --output json --output-file, 300 k events/s")
        r = flood(["trace", "--output", "json", "--output-file", jf], dur, 300_000)
        try:
            os.unlink(jf)
        except OSError:
            pass
        r["printed_per_s"] = (r.get("printed") or 0) / r["seconds"]
        out["json_sustained"].append(r)
        log(f"throughput rep {i + 1}/{reps}: trace-all --output none, drain of a filled ring buffer")
        out["drain"].append(drain(["trace", "--output", "none"], dur))
        log(f"throughput rep {i + 1}/{reps}: trace-all --output json --output-file, drain of a filled ring buffer")
        r = drain(["trace", "--output", "json", "--output-file", jf], dur)
        try:
            r["file_bytes"] = os.path.getsize(jf)
            os.unlink(jf)
        except OSError:
            pass
        out["json_drain"].append(r)
    return out


# ------------------------------------------------------------------------------------------------
# summary, table, comparison

def summarize(runs, latency, thr, startup_extra):
    s = {"workloads": {}}
    for wl in WORKLOADS:
        w = {}
        base = {r["round"]: r for r in runs if r["workload"] == wl and r["config"] == "none"}
        for cfg in CONFIGS:
            rs = [r for r in runs if r["workload"] == wl and r["config"] == cfg and "ns_per_op" in r]
            if not rs:
                continue
            c = {"n": len(rs), "ns_per_op": median([r["ns_per_op"] for r in rs]),
                 "min": min(r["ns_per_op"] for r in rs), "max": max(r["ns_per_op"] for r in rs),
                 "cpu_ns_per_op": median([r.get("cpu_ns_per_op") for r in rs])}
            for k in ("agent_cpu_s", "rss_kb", "pss_kb", "rb_rss_kb", "rb_pss_kb", "events_per_s", "startup_ms",
                      "hwm_kb"):
                c[k] = median([r.get(k) for r in rs])
            c["events"] = median([r.get("events") for r in rs])
            lost = [r.get("lost") for r in rs if r.get("lost") is not None]
            c["lost_total"] = sum(lost) if lost else None
            w[cfg] = c
        b = w.get("none")
        for cfg, c in w.items():
            if cfg == "none" or not b:
                continue
            c["ratio_of_medians"] = c["ns_per_op"] / b["ns_per_op"]
            c["cpu_ratio_of_medians"] = (c["cpu_ns_per_op"] / b["cpu_ns_per_op"]) if b["cpu_ns_per_op"] else None
            paired = [r["ns_per_op"] / base[r["round"]]["ns_per_op"] for r in runs
                      if r["workload"] == wl and r["config"] == cfg and r["round"] in base and "ns_per_op" in r]
            c["median_paired_ratio"] = median(paired)
        s["workloads"][wl] = w
    rules = [r for r in runs if r["config"] == "rules"]
    starts = [r["startup_ms"] for r in rules if r.get("startup_ms")] + startup_extra
    s["rules_agent"] = {
        "startup_ms_median": median(starts), "startup_ms_max": max(starts) if starts else None,
        "pss_kb_excl_rb": median([r["pss_kb"] - r.get("rb_pss_kb", 0) for r in rules if "pss_kb" in r]),
        "rss_kb_excl_rb": median([r["rss_kb"] - r.get("rb_rss_kb", 0) for r in rules if "rss_kb" in r]),
        "pss_kb": median([r.get("pss_kb") for r in rules]), "rss_kb": median([r.get("rss_kb") for r in rules]),
        "rb_rss_kb": median([r.get("rb_rss_kb") for r in rules]), "rb_pss_kb": median([r.get("rb_pss_kb") for r in rules]),
        "hwm_kb": median([r.get("hwm_kb") for r in rules]),
        "startup_cpu_ms_median": median([r.get("startup_cpu_ms") for r in rules]),
    }
    ca = [r for r in runs if r["config"] == "compat"]
    s["compat_agent"] = {"startup_ms_median": median([r.get("startup_ms") for r in ca]),
                         "startup_cpu_ms_median": median([r.get("startup_cpu_ms") for r in ca])}
    ta = [r for r in runs if r["config"] == "traceall"]
    s["traceall_agent"] = {"startup_ms_median": median([r.get("startup_ms") for r in ta]),
                           "pss_kb_excl_rb": median([r["pss_kb"] - r.get("rb_pss_kb", 0) for r in ta if "pss_kb" in r])}
    s["latency"] = {k: latency.get(k) for k in ("n", "received", "missed", "p50_ms", "p99_ms", "max_ms")} \
        if latency else None
    if latency and latency.get("journal"):
        s["latency"]["journal"] = latency["journal"]
    if thr:
        t = {}
        for k, lst in thr.items():
            if lst:
                t[k] = {"consumed_per_s": median([x.get("consumed_per_s") for x in lst]),
                        "offered_per_s": median([x.get("offered_per_s") for x in lst]),
                        "drained_per_s": median([x.get("drained_per_s") for x in lst]),
                        "cpu_us_per_event": median([x.get("cpu_us_per_event") for x in lst]),
                        "events": median([x.get("events") for x in lst]),
                        "lost_total": sum((x.get("lost") or 0) for x in lst),
                        "agent_cpu_s": median([x.get("agent_cpu_s") for x in lst]),
                        "printed_per_s": median([x.get("printed_per_s") for x in lst]),
                        "reps": len(lst)}
        s["throughput"] = t
    return s


def targets(s):
    out = []
    # the compat watch (32-bit syscalls) would be the default only if it kept these targets
    for cfg, what in (("rules", "default rules"), ("compat", "rules + compat watch")):
        for wl, lim in TARGETS.items():
            c = s["workloads"].get(wl, {}).get(cfg)
            if c and c.get("ratio_of_medians") is not None:
                v = c["ratio_of_medians"]
                out.append((f"{wl} ratio ({what}) <= {lim:.2f}",
                            f"x{v:.3f} (paired x{c['median_paired_ratio']:.3f})", v <= lim))
    t = s.get("throughput") or {}
    if "drain" in t and t["drain"]["drained_per_s"]:
        v = t["drain"]["drained_per_s"]
        out.append(("trace-all --output none >= 3 M events/s", f"{v / 1e6:.2f} M/s draining "
                    f"{t['drain']['events'] / 1e6:.1f} M waiting events (lost {t['drain']['lost_total']}); "
                    f"{t['max']['consumed_per_s'] / 1e6:.2f} M/s all producers offered live" if "max" in t else "",
                    v >= 3e6 and t["drain"]["lost_total"] == 0))
    elif "max" in t:
        v = t["max"]["consumed_per_s"]
        out.append(("trace-all --output none >= 3 M events/s", f"{v / 1e6:.2f} M/s (lost {t['max']['lost_total']})",
                    v >= 3e6))
    if "sustained" in t:
        v = t["sustained"]
        out.append(("zero loss at 1 M events/s sustained", f"offered {v['offered_per_s'] / 1e6:.2f} M/s, lost "
                    f"{v['lost_total']}", v["lost_total"] == 0 and v["offered_per_s"] >= 0.95e6))
    if "json_sustained" in t:
        # met: 300 k/s offered and written with nothing lost; flat out the producers share the CPUs
        v = t["json_sustained"]
        val = f"paced: {v['printed_per_s'] / 1e3:.0f} k/s written, lost {v['lost_total']}"
        if "json" in t:
            val += (f"; flat out: {t['json']['printed_per_s'] / 1e3:.0f} k/s written of "
                    f"{t['json']['offered_per_s'] / 1e3:.0f} k/s offered, lost {t['json']['lost_total']}")
        if "json_drain" in t and t["json_drain"]["drained_per_s"]:
            val += f"; drain: {t['json_drain']['drained_per_s'] / 1e3:.0f} k/s"
        out.append(("JSON to a file >= 300 k events/s", val,
                    (v["printed_per_s"] or 0) >= 0.95 * 3e5 and v["lost_total"] == 0))
    ra = s["rules_agent"]
    if ra.get("pss_kb_excl_rb") is not None:
        out.append(("agent PSS <= 10 MB (default rules, excl. ring buffer)", f"{ra['pss_kb_excl_rb'] / 1024:.1f} MB",
                    ra["pss_kb_excl_rb"] <= 10 * 1024))
    if ra.get("startup_ms_median") is not None:
        out.append(("start-up <= 300 ms", f"median {ra['startup_ms_median']:.0f} ms, max {ra['startup_ms_max']:.0f} ms",
                    ra["startup_ms_median"] <= 300))
    lat = s.get("latency")
    if lat and lat.get("p99_ms") is not None:
        j = lat.get("journal") or {}
        ok = lat["p99_ms"] <= 50 and lat["received"] == lat["n"]
        val = f"stdout p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms ({lat['received']}/{lat['n']})"
        if j.get("p99_ms") is not None:
            ok = ok and j["p99_ms"] <= 50 and j["received"] == j["n"]
            val += f"; journal p50 {j['p50_ms']:.1f} ms, p99 {j['p99_ms']:.1f} ms ({j['received']}/{j['n']})"
        else:
            val += f"; journal not measured ({j.get('skipped') or j.get('error') or 'no result'})"
        out.append(("detection latency p99 <= 50 ms", val, ok))
    return out


def fmt_ns(v):
    if v is None:
        return "-"
    if v >= 1e9:
        return f"{v / 1e9:.2f} s"
    if v >= 1e6:
        return f"{v / 1e6:.2f} ms"
    if v >= 1e4:
        return f"{v / 1e3:.1f} us"
    return f"{v:.0f} ns"


def fmt(v, f="{:.0f}"):
    return "-" if v is None else f.format(v)


def print_table(s, file=sys.stdout):
    p = lambda *a: print(*a, file=file)  # noqa: E731
    p("| workload | config | n | median / op | min-max | ratio (medians) | paired ratio | CPU/op ratio | "
      "agent CPU s | events/s | lost | PSS kB (excl. ring) | ring-buffer Rss/Pss kB |")
    p("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for wl, w in s["workloads"].items():
        for cfg, c in w.items():
            excl = (c["pss_kb"] - (c.get("rb_pss_kb") or 0)) if c.get("pss_kb") is not None else None
            p(f"| {wl} | {cfg} | {c['n']} | {fmt_ns(c['ns_per_op'])} | {fmt_ns(c['min'])}-{fmt_ns(c['max'])} | "
              f"{fmt(c.get('ratio_of_medians'), 'x{:.3f}')} | {fmt(c.get('median_paired_ratio'), 'x{:.3f}')} | "
              f"{fmt(c.get('cpu_ratio_of_medians'), 'x{:.3f}')} | {fmt(c.get('agent_cpu_s'), '{:.2f}')} | "
              f"{fmt(c.get('events_per_s'), '{:,.0f}')} | {fmt(c.get('lost_total'))} | {fmt(excl, '{:,.0f}')} | "
              f"{fmt(c.get('rb_rss_kb'), '{:,.0f}')}/{fmt(c.get('rb_pss_kb'), '{:,.0f}')} |")
    ra = s["rules_agent"]
    p("")
    p(f"default-rules agent: start-up (exec -> READY=1) median {fmt(ra['startup_ms_median'])} ms, "
      f"max {fmt(ra['startup_ms_max'])} ms (agent CPU to READY median {fmt(ra.get('startup_cpu_ms_median'))} ms); RSS {fmt(ra['rss_kb'], '{:,.0f}')} kB, PSS {fmt(ra['pss_kb'], '{:,.0f}')} kB, "
      f"of which the BPF-map (ring buffer) mappings Rss {fmt(ra['rb_rss_kb'], '{:,.0f}')} / Pss "
      f"{fmt(ra['rb_pss_kb'], '{:,.0f}')} kB; PSS without them {fmt(ra['pss_kb_excl_rb'], '{:,.0f}')} kB; "
      f"VmHWM {fmt(ra['hwm_kb'], '{:,.0f}')} kB")
    ca = s.get("compat_agent") or {}
    if ca.get("startup_ms_median") is not None:
        p(f"with the compat watch: start-up median {fmt(ca['startup_ms_median'])} ms "
          f"(agent CPU to READY median {fmt(ca.get('startup_cpu_ms_median'))} ms)")
    lat = s.get("latency")
    if lat:
        p(f"detection latency (TRC-2 trigger -> finding line on stdout): n={lat['n']} received={lat['received']} "
          f"p50 {fmt(lat['p50_ms'], '{:.1f}')} ms, p99 {fmt(lat['p99_ms'], '{:.1f}')} ms, max {fmt(lat['max_ms'], '{:.1f}')} ms")
        j = lat.get("journal") or {}
        if j.get("p50_ms") is not None:
            p(f"detection latency (TRC-2 trigger -> entry received by journald): n={j['n']} received={j['received']} "
              f"p50 {fmt(j['p50_ms'], '{:.1f}')} ms, p99 {fmt(j['p99_ms'], '{:.1f}')} ms, max {fmt(j['max_ms'], '{:.1f}')} ms")
    t = s.get("throughput")
    if t:
        p("")
        p("| throughput (tracee trace, close(-1) from 2 processes) | offered ev/s | consumed ev/s | printed ev/s | "
          "lost | agent CPU s | agent CPU us/event | reps |")
        p("|---|---|---|---|---|---|---|---|")
        names = {"max": "--output none, flat out", "sustained": "--output none, paced 1 M/s",
                 "json": "--output json --output-file, flat out", "json_sustained": "--output json --output-file, paced 300 k/s",
                 "drain": "--output none, draining a filled ring buffer",
                 "json_drain": "--output json --output-file, draining a filled ring buffer"}
        for k, v in t.items():
            consumed = v["drained_per_s"] if k.endswith("drain") else v["consumed_per_s"]
            p(f"| {names.get(k, k)} | {fmt(v.get('offered_per_s'), '{:,.0f}')} | {fmt(consumed, '{:,.0f}')} | "
              f"{fmt(v.get('printed_per_s'), '{:,.0f}') if k == 'json' or k == 'json_sustained' else '-'} | "
              f"{v['lost_total']} | {fmt(v.get('agent_cpu_s'), '{:.2f}')} | {fmt(v.get('cpu_us_per_event'), '{:.3f}')} | "
              f"{v['reps']} |")
    p("")
    p("| target | measured | met |")
    p("|---|---|---|")
    for name, val, ok in targets(s):
        p(f"| {name} | {val} | {'yes' if ok else 'NO'} |")


def compare(old, new):
    so, sn = old["summary"], new["summary"]
    print(f"comparing {old.get('date')} ({old.get('machine', {}).get('kernel')}) -> {new.get('date')}")
    print("| workload | config | old / op | new / op | delta | old ratio | new ratio |")
    print("|---|---|---|---|---|---|---|")
    for wl, w in sn["workloads"].items():
        for cfg, c in w.items():
            o = so["workloads"].get(wl, {}).get(cfg)
            if not o:
                continue
            d = (c["ns_per_op"] / o["ns_per_op"] - 1) * 100 if o["ns_per_op"] else 0
            print(f"| {wl} | {cfg} | {fmt_ns(o['ns_per_op'])} | {fmt_ns(c['ns_per_op'])} | {d:+.1f}% | "
                  f"{fmt(o.get('ratio_of_medians'), 'x{:.3f}')} | {fmt(c.get('ratio_of_medians'), 'x{:.3f}')} |")
    pairs = [("start-up ms", ("rules_agent", "startup_ms_median")),
             ("PSS kB excl. ring", ("rules_agent", "pss_kb_excl_rb")),
             ("latency p99 ms", ("latency", "p99_ms"))]
    for k in ("max", "sustained", "json"):
        pairs.append((f"throughput {k} consumed/s", ("throughput", k, "consumed_per_s")))
    for name, path in pairs:
        def get(s):
            for p in path:
                s = s.get(p) if isinstance(s, dict) else None
            return s
        a, b = get(so), get(sn)
        if a is not None and b is not None:
            print(f"{name}: {a:,.1f} -> {b:,.1f} ({(b / a - 1) * 100 if a else 0:+.1f}%)")


def machine():
    m = {"kernel": os.uname().release, "nproc": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    m["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/loadavg") as f:
            m["loadavg_at_start"] = f.read().split()[:3]
        with open("/proc/meminfo") as f:
            m["mem_total_kb"] = int(f.readline().split()[1])
    except OSError:
        pass
    try:
        m["git"] = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                  text=True).stdout.strip()
        m["git_dirty"] = bool(subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "bpf", "agent"],
                                             capture_output=True, text=True).stdout.strip())
    except OSError:
        pass
    return m


def out_path():
    os.makedirs(RESULTS, exist_ok=True)
    day = datetime.date.today().isoformat()
    p = os.path.join(RESULTS, f"{day}.json")
    i = 2
    while os.path.exists(p):
        p = os.path.join(RESULTS, f"{day}-{i}.json")
        i += 1
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=9, help="interleaved rounds (default 9)")
    ap.add_argument("--quick", action="store_true", help="fewer iterations and shorter throughput runs (a smoke test)")
    ap.add_argument("--seed", type=int, default=20240601, help="seed for the per-round configuration order")
    ap.add_argument("--compare", metavar="OLD.json", help="print the deltas against an earlier result file")
    ap.add_argument("--new", metavar="NEW.json", help="with --compare and --no-run: the newer result file")
    ap.add_argument("--no-run", action="store_true", help="only compare (with --compare and --new)")
    ap.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated subset")
    ap.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated subset")
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--no-latency", action="store_true")
    ap.add_argument("--latency-n", type=int, default=50)
    ap.add_argument("--throughput-reps", type=int, default=None, help="default 3 (1 with --quick)")
    ap.add_argument("--pin", type=int, default=None,
                    help="pin the single-process workloads to this CPU (default: the last CPU, as in the "
                         "reference measurements; -1: don't pin)")
    ap.add_argument("--out", help="result file (default bench/results/YYYY-MM-DD[-N].json)")
    ap.add_argument("--tracee", help="agent binary (default build/agent/tracee), e.g. for an A/B comparison")
    ap.add_argument("--baseline", metavar="TRACEE",
                    help="another agent binary (an earlier commit's), measured interleaved as configuration "
                         "\"baseline\" with the default rules: what a change costs, in one run")
    ap.add_argument("--journal-latency-child", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    global TRACEE, BASELINE
    if a.tracee:
        TRACEE = os.path.abspath(a.tracee)
    if a.baseline:
        BASELINE = os.path.abspath(a.baseline)
    if a.journal_latency_child:
        journal_latency_child(a.journal_latency_child)
        return 0

    if a.no_run:
        if not (a.compare and a.new):
            ap.error("--no-run needs --compare OLD.json and --new NEW.json")
        with open(a.compare) as f, open(a.new) as g:
            compare(json.load(f), json.load(g))
        return 0
    if os.geteuid() != 0:
        ap.error("run as root: sudo python3 bench/run.py")
    build_all()
    wls = [w for w in a.workloads.split(",") if w]
    cfgs = [c for c in a.configs.split(",") if c]
    if "baseline" in cfgs and not BASELINE:
        cfgs.remove("baseline")
    notes = []
    if "auditd" in cfgs and not Auditd.check():
        notes.append("auditd could not run: " + Auditd.reason)
        cfgs.remove("auditd")
    elif "auditd" in cfgs:
        notes.append("auditd rules on: " + ",".join(Auditd.syscalls))
    make_dir = os.path.join(tempfile.gettempdir(), "tracee-bench-make")
    if "make" in wls:
        gen_make_project(make_dir, MAKE_FILES[1 if a.quick else 0])
        subprocess.run(["make", "-s", "-j2"], cwd=make_dir, check=True, stdout=subprocess.DEVNULL)  # warm caches

    ncpu = os.cpu_count() or 1
    pin = a.pin if a.pin is not None else (ncpu - 1 if ncpu > 1 else -1)
    pin = None if pin < 0 else pin
    if pin is not None:
        notes.append(f"single-process workloads pinned to CPU {pin}; the agent and auditd are not pinned")

    rnd = random.Random(a.seed)
    runs = []
    t_start = time.time()
    for rd in range(a.rounds):
        order_w = wls[:]
        rnd.shuffle(order_w)
        for wl in order_w:
            order_c = cfgs[:]
            rnd.shuffle(order_c)
            for cfg in order_c:
                try:
                    rec = one_run(cfg, wl, a.quick, make_dir, pin)
                except (RuntimeError, subprocess.CalledProcessError) as e:
                    log(f"round {rd + 1} {wl} {cfg}: FAILED: {e}")
                    notes.append(f"round {rd + 1} {wl} {cfg} failed: {str(e)[:300]}")
                    if cfg == "auditd":
                        cfgs.remove("auditd")
                        notes.append("auditd dropped for the remaining rounds")
                    continue
                rec["round"] = rd
                runs.append(rec)
                log(f"round {rd + 1}/{a.rounds} {wl:9s} {cfg:9s} {fmt_ns(rec['ns_per_op']):>10s}/op"
                    + (f"  events {rec.get('events')} lost {rec.get('lost')}" if "events" in rec else "")
                    + (f"  start-up {rec['startup_ms']:.0f} ms" if rec.get("startup_ms") else ""))

    latency = None
    if not a.no_latency:
        log(f"detection latency: {a.latency_n} TRC-2 triggers")
        latency = measure_latency(a.latency_n)
        log(f"detection latency to the journal: {a.latency_n} TRC-2 triggers, a private journald")
        latency["journal"] = measure_journal_latency(a.latency_n)
    thr = None
    if not a.no_throughput:
        thr = measure_throughput(a.quick, a.throughput_reps or (1 if a.quick else 3))
    extra_starts = [latency["startup_ms"]] if latency else []
    s = summarize(runs, latency, thr, extra_starts)
    result = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
              "args": vars(a), "duration_s": time.time() - t_start, "notes": notes, "summary": s,
              "targets": [{"target": n, "measured": v, "met": ok} for n, v, ok in targets(s)],
              "runs": runs, "latency": latency, "throughput": thr}
    path = a.out or out_path()
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    m = result["machine"]
    print(f"\n{result['date']}  kernel {m['kernel']}, {m.get('cpu')}, {m['nproc']} CPUs, load at start "
          f"{' '.join(m.get('loadavg_at_start', []))}; {a.rounds} rounds{' (quick)' if a.quick else ''}")
    for n in notes:
        print("note:", n)
    print()
    print_table(s)
    print(f"\nresults: {os.path.relpath(path, os.getcwd())}")
    if a.compare:
        with open(a.compare) as f:
            print()
            compare(json.load(f), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
