#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The kernel matrix's driver inside the virtual machine (started by tests/kernels/init.sh, PID 1).

    guest.py PAYLOAD_DIR
    guest.py --check-list UNAVAILABLE      (on the host: the list step alone, see run.sh --self-test)

PAYLOAD_DIR is the payload disk the host made (tests/kernels/run.sh): config.json, tracee.deb, the
source tree's tests/ (live tests, harness, this file), the trigger programs in build/tests/ and, for a
test of another BPF object, that object. Steps, in this order, each with a status:

  facts    what the kernel has (module support, BTF, kprobes, BPF LSM, io_uring, 32-bit syscalls, the
           catalogue's syscalls without a tracepoint); always passes, the host keeps the facts;
  install  dpkg -i tracee.deb (the agent is then /usr/sbin/tracee);
  load     the BPF object loads and attaches: the agent with every rule, `tracee trace` with every
           event and the agent with --raw-syscall-fallback (which alone loads the fallback's
           programs) each reach READY=1 and exit 0 on SIGINT, the agent within 90 s (systemd's
           default TimeoutStopSec; the times are kept as facts: detaching costs a grace period per
           program);
           how many instructions the verifier processed for each program is kept too;
           a verifier rejection shows up here, with the verifier's log that libbpf prints;
  list     `tracee --list` tells the truth: the rules it reports unavailable are exactly the ones
           the kernel list allows for this kernel, each with a reason that holds here (the
           tracepoints it names are missing, and for the module syscalls the kernel really has no
           module support), and `tracee trace --list-events` marks an event unavailable only when
           its tracepoint is missing;
  TEST...  each listed live test, with a time limit; exit 0 passes, 77 is skipped, anything else
           or running out of time fails.

Everything goes to standard output, the VM's second serial port, which the host reads:

    @@KMATRIX@@ begin STEP
    ...the step's output...
    @@KMATRIX@@ end STEP pass|fail|skip|timeout SECONDS
    @@KMATRIX@@ fact KEY VALUE
    @@KMATRIX@@ done
"""
import ctypes
import json
import os
import re
import signal
import struct
import subprocess
import sys
import time
import traceback

MARK = "@@KMATRIX@@"
TRACEFS = "/sys/kernel/tracing"
SYSCALL_TP = TRACEFS + "/events/syscalls/sys_enter_"
TRACEE = "/usr/sbin/tracee"

if len(sys.argv) == 3 and sys.argv[1] == "--check-list":
    # On the host, for run.sh --self-test: only the list step, with the agent of the build tree
    # and the rules named (or "-") as those allowed to be unavailable.
    HOST_CHECK = True
    TRACEE = os.environ.get("TRACEE_BIN", TRACEE)
    PAYLOAD = None
    LIVE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "live")
    CONFIG = {"expect_unavailable": [] if sys.argv[2] == "-" else sys.argv[2].split(",")}
    ENV = dict(os.environ)
else:
    HOST_CHECK = False
    PAYLOAD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "/mnt/kmatrix")
    LIVE = os.path.join(PAYLOAD, "src", "tests", "live")
    with open(os.path.join(PAYLOAD, "config.json")) as f:
        CONFIG = json.load(f)
    # How long the harness waits for the agent to exit after SIGINT: 20 s on the host, too short for
    # a PREEMPT_RT kernel under TCG (a minute for `tracee trace` with every event). The load step
    # holds the agent itself to systemd's default TimeoutStopSec.
    ENV = dict(os.environ, TRACEE_BIN=TRACEE, TRACEECTL_BIN="/usr/bin/traceectl",
               TRIGGERS_DIR=os.path.join(PAYLOAD, "build", "tests"),
               PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1", LANG="C.UTF-8",
               TRACEE_TEST_STOP_TIMEOUT=str(CONFIG.get("stop_timeout", 180)))
    if CONFIG.get("bpf_object"):
        ENV["TRACEE_BPF_FILE"] = os.path.join(PAYLOAD, CONFIG["bpf_object"])
    os.environ.update(ENV)
SERVICE_STOP_SECONDS = 90       # systemd's default TimeoutStopSec, for the agent (not tracee trace)
sys.path.insert(0, LIVE)
from harness import Tracee  # noqa: E402


def emit(*words):
    print(MARK, *words, flush=True)


def fact(key, value):
    emit("fact", key, str(value).replace("\n", " ") or "-")


def step(name, fn):
    """Runs fn(); it returns "pass", "fail" or "skip", or raises (a failure, traceback shown)."""
    emit("begin", name)
    t0 = time.monotonic()
    try:
        status = fn()
    except Exception:       # noqa: BLE001 - a broken step is reported, the next ones still run
        traceback.print_exc(file=sys.stdout)
        status = "fail"
    sys.stdout.flush()
    emit("end", name, status, f"{time.monotonic() - t0:.1f}")
    return status


def run(argv, timeout=120, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, errors="replace", **kw)


def ensure_tracefs():
    if not os.path.isdir(TRACEFS + "/events"):
        subprocess.run(["mount", "-t", "tracefs", "tracefs", TRACEFS], check=False)


def kconfig():
    cfg = {}
    try:
        with open(f"/boot/config-{os.uname().release}") as f:
            for line in f:
                m = re.match(r"^(CONFIG_\w+)=(.*)$", line.strip())
                if m:
                    cfg[m.group(1)] = m.group(2)
    except OSError:
        pass
    return cfg


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


SYS_BPF = 321                   # x86_64
BPF_PROG_GET_FD_BY_ID = 13
BPF_OBJ_GET_INFO_BY_FD = 15
PROG_INFO_NAME = 64             # offsetof(struct bpf_prog_info, name), char[16]
PROG_INFO_VERIFIED_INSNS = 216  # offsetof(struct bpf_prog_info, verified_insns), __u32, since 5.16


def bpf_programs(pid):
    """{program name: instructions the verifier processed} for the BPF programs process pid holds
    (their ids from its fdinfo, name and count from BPF_OBJ_GET_INFO_BY_FD): how close each program
    comes, on this kernel, to the verifier's limit of a million."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long

    def bpf(cmd, attr):
        buf = ctypes.create_string_buffer(attr, 128)
        return libc.syscall(SYS_BPF, cmd, buf, len(buf))

    ids = set()
    d = f"/proc/{pid}/fdinfo"
    for n in os.listdir(d):
        try:
            with open(os.path.join(d, n)) as f:
                m = re.search(r"^prog_id:\s+(\d+)", f.read(), re.M)
        except OSError:
            continue
        if m:
            ids.add(int(m.group(1)))
    out = {}
    for i in ids:
        fd = bpf(BPF_PROG_GET_FD_BY_ID, struct.pack("<III", i, 0, 0))
        if fd < 0:
            continue
        try:
            info = ctypes.create_string_buffer(256)
            if bpf(BPF_OBJ_GET_INFO_BY_FD, struct.pack("<IIQ", fd, len(info), ctypes.addressof(info))) == 0:
                name = info.raw[PROG_INFO_NAME:PROG_INFO_NAME + 16].split(b"\0")[0].decode(errors="replace")
                out[name] = struct.unpack_from("<I", info.raw, PROG_INFO_VERIFIED_INSNS)[0]
        finally:
            os.close(fd)
    return out


# --- steps ----------------------------------------------------------------------------------------

def facts():
    ensure_tracefs()
    cfg = kconfig()
    on = lambda k: cfg.get(k) in ("y", "m")     # noqa: E731
    u = os.uname()
    fact("release", u.release)
    fact("version", u.version)
    fact("modules", "yes" if os.path.exists("/proc/modules") else "no")
    fact("btf", "yes" if os.path.exists("/sys/kernel/btf/vmlinux") else "no")
    fact("kprobes", "yes" if os.path.isdir("/sys/bus/event_source/devices/kprobe") else "no")
    # fentry/fexit need BPF trampolines, which x86 builds on direct ftrace calls.
    fact("fentry_config", "yes" if on("CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS") else "no")
    lsm = read("/sys/kernel/security/lsm")
    fact("lsm", lsm or "?")
    fact("bpf_lsm", "active" if "bpf" in lsm.split(",") else ("built" if on("CONFIG_BPF_LSM") else "no"))
    fact("preempt_rt", "yes" if on("CONFIG_PREEMPT_RT") else "no")
    fact("ia32_emulation", "yes" if on("CONFIG_IA32_EMULATION") else "no")
    fact("io_uring", ("yes" if on("CONFIG_IO_URING") else "no") +
         f" (io_uring_disabled={read('/proc/sys/kernel/io_uring_disabled', 'n/a')})")
    d = TRACEFS + "/events/syscalls"
    tps = os.listdir(d) if os.path.isdir(d) else []
    fact("syscall_tracepoints", len([n for n in tps if n.startswith("sys_enter_")]))
    for k, v in sorted(cfg.items()):
        if k in ("CONFIG_MODULES", "CONFIG_KPROBES", "CONFIG_KPROBE_EVENTS", "CONFIG_BPF_LSM",
                 "CONFIG_DEBUG_INFO_BTF", "CONFIG_DEBUG_INFO_BTF_MODULES", "CONFIG_MODULE_COMPRESS_XZ",
                 "CONFIG_MODULE_COMPRESS_ZSTD", "CONFIG_MODULE_COMPRESS_NONE", "CONFIG_FTRACE_SYSCALLS",
                 "CONFIG_BPF_JIT_ALWAYS_ON", "CONFIG_PREEMPT_RT", "CONFIG_IA32_EMULATION", "CONFIG_IO_URING"):
            print(f"{k}={v}")
    return "pass"


def install():
    p = run(["dpkg", "-i", os.path.join(PAYLOAD, "tracee.deb")], timeout=300)
    print(p.stdout[-3000:], p.stderr[-3000:])
    if p.returncode != 0:
        print(f"dpkg -i failed with status {p.returncode}")
        return "fail"
    v = run([TRACEE, "--version"])
    print(f"{TRACEE} --version: {v.stdout.strip()} {v.stderr.strip()}")
    if CONFIG.get("bpf_object"):
        print(f"TRACEE_BPF_FILE={ENV['TRACEE_BPF_FILE']}: every step loads that object, not the built-in one")
    return "pass" if v.returncode == 0 else "fail"


def load():
    ensure_tracefs()
    ok = True
    insns = {}
    # Without --raw-syscall-fallback the agent does not even load the fallback's two programs:
    # load them too, so that the verifier sees every program of the object.
    for label, args in (("agent, every rule", ["--output", "none"]),
                        ("tracee trace, every event", ["trace", "--output", "none"]),
                        ("agent, every rule, --raw-syscall-fallback", ["--raw-syscall-fallback", "--output", "none"])):
        t = Tracee(*args, ready_timeout=int(CONFIG.get("load_timeout", 120)))
        try:
            t.start()
        except RuntimeError as e:
            # The message holds the agent's standard error: libbpf's verifier log on a rejection.
            print(f"FAIL - {label}: {e}")
            ok = False
            continue
        time.sleep(0.5)
        try:
            for name, n in bpf_programs(t.proc.pid).items():
                insns[name] = max(n, insns.get(name, 0))
        except OSError as e:
            print(f"note: cannot read the agent's BPF programs: {e}")
        t0 = time.monotonic()
        rc = t.stop()
        took = time.monotonic() - t0
        err = t.err.strip()
        slow = args[0] != "trace" and took > SERVICE_STOP_SECONDS
        print(f"{'ok' if rc == 0 and not slow else 'FAIL'} - {label}: READY=1, exit {rc} {took:.1f} s after SIGINT"
              + (f" (more than systemd's {SERVICE_STOP_SECONDS} s)" if slow else ""))
        for line in err.splitlines():
            print(f"    stderr: {line}")
        if rc != 0 or slow:
            ok = False
        key = "trace" if args[0] == "trace" else "fallback" if "--raw-syscall-fallback" in args else "rules"
        m = re.search(r"(\d+) programs attached", err)
        if m:
            fact("programs_attached_" + key, m.group(1))
        fact("stop_seconds_" + key, f"{took:.1f}")
    # The big programs (the per-syscall tracepoint stubs are a few instructions each).
    big = sorted(((n, v) for n, v in insns.items() if v >= 100), key=lambda x: -x[1])
    print(f"instructions processed by the verifier: {', '.join(f'{n} {v}' for n, v in big) or 'not known'}")
    fact("verified_insns", ",".join(f"{n}={v}" for n, v in big))
    return "pass" if ok else "fail"


def listing():
    """tracee --list against the kernel's facts and the kernel list's expectation."""
    ensure_tracefs()
    expected = set(CONFIG.get("expect_unavailable", []))
    fails = 0

    def check(name, cond, detail=""):
        nonlocal fails
        print(f"{'ok' if cond else 'FAIL'} - {name}" + ("" if cond else f" {detail}"))
        fails += 0 if cond else 1

    p = run([TRACEE, "--list"])
    check("tracee --list exits 0", p.returncode == 0, p.stderr)
    out = p.stdout
    blocks = {m.group(1): m.group(0) for m in re.finditer(r"^(TRC-\d+)\s.*?(?=^TRC-|\Z)", out, re.M | re.S)}
    check("tracee --list names rules", len(blocks) > 0, out)
    unavailable = {}
    for rid, b in blocks.items():
        m = re.search(r"^\s+unavailable: (.*)$", b, re.M)
        if m:
            unavailable[rid] = m.group(1)
    print(f"unavailable here: {unavailable or 'none'}; allowed by the kernel list: {sorted(expected) or 'none'}")
    check("the unavailable rules are exactly those the kernel list allows for this kernel",
          set(unavailable) == expected, f"(unavailable {sorted(unavailable)}, allowed {sorted(expected)})")
    for rid, reason in unavailable.items():
        m = re.search(r"no tracepoints? for ([\w, ]+)", reason)
        names = [n.strip() for n in m.group(1).split(",")] if m else []
        check(f"{rid}: the reason names the missing tracepoints", bool(names), f"(reason: {reason!r})")
        present = [n for n in names if os.path.exists(SYSCALL_TP + n)]
        check(f"{rid}: the tracepoints it names are really missing here", not present,
              f"(present: {present}; reason: {reason!r})")
        if any(n in ("init_module", "finit_module") for n in names):
            check(f"{rid}: the kernel really has no module support (no /proc/modules)",
                  not os.path.exists("/proc/modules"), f"(reason: {reason!r})")
    p = run([TRACEE, "trace", "--list-events"])
    check("tracee trace --list-events exits 0", p.returncode == 0, p.stderr)
    marked = re.findall(r"\[unavailable: no tracepoint syscalls:sys_enter_(\w+)", p.stdout)
    present = [n for n in marked if os.path.exists(SYSCALL_TP + n)]
    check("trace --list-events marks an event unavailable only when its tracepoint is missing", not present,
          f"(marked but present: {present})")
    print(f"events marked unavailable: {marked or 'none'}")
    fact("events_unavailable", ",".join(marked) or "-")
    return "pass" if fails == 0 else "fail"


def live_test(entry):
    """Runs one live test with its time limit, passing its output through as it comes."""
    path = entry if entry.endswith(".py") else os.path.join(LIVE, entry + ".py")
    if not os.path.isabs(path):
        path = os.path.join(PAYLOAD, "src", path)
    limit = int(CONFIG.get("test_timeout", 600))
    p = subprocess.Popen([sys.executable, path], cwd=os.path.dirname(path), env=ENV, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + limit
    timed_out = False

    def on_alarm(*_):
        nonlocal timed_out
        timed_out = True
        os.killpg(p.pid, signal.SIGKILL)

    # The output is read line by line; the alarm ends a test that stops printing, too.
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(limit)
    try:
        for raw in p.stdout:
            sys.stdout.write(raw.decode(errors="replace"))
            sys.stdout.flush()
    finally:
        signal.alarm(0)
    p.wait()
    # Whatever the test left behind in its session (an agent it started, a helper) goes too.
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if timed_out or time.monotonic() > deadline:
        print(f"{entry}: killed after {limit} s (time limit)")
        return "timeout"
    print(f"{entry}: exit status {p.returncode}")
    return {0: "pass", 77: "skip"}.get(p.returncode, "fail")


def main():
    t0 = time.monotonic()
    emit("start", os.uname().release)
    step("facts", facts)
    installed = step("install", install) == "pass"
    if installed:
        step("load", load)
        step("list", listing)
    for entry in CONFIG.get("tests", []):
        name = os.path.basename(entry)[:-3] if entry.endswith(".py") else entry
        if installed:
            step(name, lambda e=entry: live_test(e))
        else:
            emit("begin", name)
            print("not run: the package did not install")
            emit("end", name, "fail", "0.0")
    emit("done", f"{time.monotonic() - t0:.1f}")


if __name__ == "__main__":
    if HOST_CHECK:
        sys.exit(0 if listing() == "pass" else 1)
    main()
