#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""End to end, every rule against real behaviour: the agent runs with all rules (JSON output), each
trigger program does one attack behaviour (tests/triggers/trc*.c) or one look-alike
(tests/triggers/la_*.c), and the findings are matched to the trigger by its pid (process.pid; a
trigger that execs keeps its pid).

  - each attack variant gives exactly the expected findings for its pid, of the right rule, with the
    right data (one finding per behaviour: a reverse shell that puts the socket on fds 0, 1 and 2
    gives three, one per fd); helper children it forks give none;
  - each look-alike gives no finding at all;
  - TRC-7 fires on LD_LIBRARY_PATH only with --ld-library-path;
  - TRC-6 is listed as unavailable (this kernel has no module support) and --rules TRC-6 says so;
  - the agent's stderr never reports malformed events, and it exits 0 on SIGINT.
"""
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TRACEE, Checks, Tracee, require_root_bpf, trigger  # noqa: E402
from scenario import WAIT, Has, Listener, Scenarios, show, subset  # noqa: E402

PRELOAD = "/etc/ld.so.preload"

c = Checks()
sc = Scenarios(c)
run, expect, expect_none, of_pid = sc.run, sc.expect, sc.expect_none, sc.of_pid
positives, negatives = sc.positives, sc.negatives


def wait_pid(t, pid, rule, n):
    sc.wait_pid(t, pid, rule, n)


def snapshot_preload():
    try:
        with open(PRELOAD, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def check_findings(t):
    sc.check(t)


def check_shape(f, label):
    """The documented JSON shape of one finding, and the process it names is our child."""
    r = f.get("rule", {})
    p = f.get("process", {})
    ok = (isinstance(f.get("timestamp"), int) and isinstance(f.get("time"), str) and f.get("summary")
          and isinstance(f.get("data"), dict) and isinstance(f.get("event"), dict)
          and all(k in r for k in ("id", "name", "description", "severity", "severityName", "mitre", "tags"))
          and all(k in r["mitre"] for k in ("tactic", "technique", "id"))
          and all(k in p for k in ("pid", "tid", "ppid", "nsPid", "uid", "comm", "executable", "containerId",
                                   "ancestors")))
    c.check(f"{label}: finding has the documented JSON shape", ok, f"({f})")
    c.check(f"{label}: parent is the test process", p.get("ppid") == os.getpid(),
            f"(ppid {p.get('ppid')}, test pid {os.getpid()})")
    c.check(f"{label}: ancestors include the test process",
            any(a.get("pid") == os.getpid() for a in p.get("ancestors", [])), f"({p.get('ancestors')})")
    c.check(f"{label}: uid 0, host process", p.get("uid") == 0 and not p.get("containerId"), f"({p})")


def stop_and_check(t, label):
    rc = t.stop()
    c.check(f"{label}: agent exits 0 on SIGINT", rc == 0, f"(exit {rc}; stderr: {t.err})")
    c.check(f"{label}: no malformed events", "malformed" not in t.err, f"(stderr: {t.err})")
    m = re.search(r"(\d+) events lost", t.err)
    if m and int(m.group(1)):
        print(f"note: {label}: the agent lost {m.group(1)} events")


# --- the scenarios ------------------------------------------------------------------------------

def trc1(t):
    lst = Listener()
    try:
        for mode in ("dup", "dup2", "dup3"):
            pid, _ = run(f"TRC-1 reverse shell ({mode})", "trc1_reverse_shell", mode, str(lst.port))
            c.check(f"TRC-1 reverse shell ({mode}): listener got the line through stdout",
                    lst.got(f"hello from trc1_reverse_shell {mode}"))
            expect(f"TRC-1 reverse shell ({mode})", pid, "TRC-1",
                   [{"ip": "127.0.0.1", "port": lst.port, "fd": fd} for fd in (0, 1, 2)],
                   {mode})
            if pid:
                wait_pid(t, pid, "TRC-1", 3)

        pid, _ = run("TRC-1 connect on fd 0 (IPv4)", "trc1_connect_stdio", str(lst.port))
        expect("TRC-1 connect on fd 0 (IPv4)", pid, "TRC-1", [{"ip": "127.0.0.1", "port": lst.port, "fd": 0}],
               {"connect"})
        if pid:
            wait_pid(t, pid, "TRC-1", 1)
            fs = of_pid(t, pid)
            if fs:
                check_shape(fs[0], "TRC-1 connect on fd 0")
                r = fs[0]["rule"]
                c.check("TRC-1: rule metadata", r["name"] == "Standard Input/Output Over Socket"
                        and r["severityName"] == "high" and r["mitre"]["id"] == "T1059.004", f"({r})")

        pid, _ = run("TRC-1 look-alike: connect on fd 5, unix connect on fd 0", "la_connect_fd5", str(lst.port))
        c.check("TRC-1 look-alike connect on fd 5: listener got its line", lst.got("hello from la_connect_fd5"))
        expect_none("TRC-1 look-alike: connect on fd 5, unix connect on fd 0", pid)
    finally:
        lst.close()

    try:
        lst6 = Listener(socket.AF_INET6)
    except OSError as e:
        print(f"note: no IPv6 loopback ({e}): IPv6 connect variant skipped")
        lst6 = None
    if lst6:
        try:
            pid, _ = run("TRC-1 connect on fd 0 (IPv6)", "trc1_connect_stdio", str(lst6.port), "6")
            expect("TRC-1 connect on fd 0 (IPv6)", pid, "TRC-1", [{"ip": "::1", "port": lst6.port, "fd": 0}],
                   {"connect"})
        finally:
            lst6.close()

    # bind shell: the trigger listens, we connect; the peer it sees is our socket
    label = "TRC-1 bind shell"
    p = subprocess.Popen([trigger("trc1_bind_shell"), "0"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        pid = int(p.stdout.readline())
        m = re.match(rb"listening (\d+)", p.stdout.readline())
        port = int(m.group(1)) if m else 0
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        myport = s.getsockname()[1]
        data = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            data += b
        s.close()
        rc = p.wait(10)
        c.check(f"{label}: trigger ran and wrote to the connection",
                rc == 0 and b"hello from trc1_bind_shell" in data, f"(exit {rc}, got {data!r})")
        expect(label, pid, "TRC-1", [{"ip": "127.0.0.1", "port": myport, "fd": fd} for fd in (0, 1, 2)],
               {"dup2"})
    except Exception as e:     # noqa: BLE001 - report, keep going
        p.kill()
        p.wait()
        c.check(f"{label}: trigger ran", False, f"({e!r}; stderr {p.stderr.read()!r})")

    for name in ("la_pipe_dup", "la_file_dup", "la_socket_dup"):
        pid, _ = run(f"TRC-1 look-alike {name}", name)
        expect_none(f"TRC-1 look-alike {name}", pid)


def trc2(t):
    pid, _ = run("TRC-2 PTRACE_TRACEME", "trc2_traceme")
    expect("TRC-2 PTRACE_TRACEME", pid, "TRC-2", [{"request": "PTRACE_TRACEME"}], {"ptrace"})
    if pid:
        wait_pid(t, pid, "TRC-2", 1)
        fs = of_pid(t, pid)
        if fs:
            check_shape(fs[0], "TRC-2")
            r = fs[0]["rule"]
            c.check("TRC-2: rule metadata", r["name"] == "Anti-Debugging" and r["severityName"] == "high"
                    and r["severity"] == 3 and r["mitre"]["id"] == "T1622", f"({r})")
            c.check("TRC-2: process fields", fs[0]["process"]["comm"] == "trc2_traceme"
                    and fs[0]["process"]["executable"] == os.path.realpath(trigger("trc2_traceme")),
                    f"({fs[0]['process']})")
    pid, info = run("TRC-2/TRC-3 look-alike: ptrace attach + peek", "la_ptrace_peek")
    expect_none("TRC-2/TRC-3 look-alike: ptrace attach + peek", pid)
    if info.get("child"):
        expect_none("la_ptrace_peek child", int(info["child"]))


def trc3(t):
    for kind, attach in (("text", "attach"), ("data", "attach"), ("data", "seize")):
        label = f"TRC-3 ptrace POKE{kind.upper()} ({attach})"
        pid, info = run(label, "trc3_ptrace_poke", kind, attach)
        if pid and "child" in info:
            child = int(info["child"])
            expect(label, pid, "TRC-3", [{"request": f"PTRACE_POKE{kind.upper()}", "target_pid": child}], {"ptrace"})
            expect_none(f"{label} child", child)
    opens = {"open", "openat"}
    for who, how, events in (("self", "rdwr", opens), ("thread-self", "rdwr", opens), ("task", "wronly", opens),
                             ("self", "openat2", {"openat2"}), ("child", "rdwr", opens),
                             ("child", "wronly", opens), ("child", "openat2", {"openat2"}),
                             ("child", "creat", {"creat"})):
        label = f"TRC-3 mem of {who} ({how})"
        pid, info = run(label, "trc3_procmem", who, how)
        if not pid or "path" not in info:
            continue
        target = info["child"] if who == "child" else "self"
        flags = {"rdwr": "O_RDWR", "wronly": "O_WRONLY", "openat2": "O_RDWR", "creat": "O_CREAT"}.get(how)
        # the path is the kernel's (the file's dentries): /proc/self is the pid, thread-self its task
        kpath = info["path"].replace("/proc/thread-self/", f"/proc/{pid}/task/{pid}/") \
                            .replace("/proc/self/", f"/proc/{pid}/")
        want = {"target_pid": target, "path": kpath}
        if kpath != info["path"]:
            want["requested_path"] = info["path"]
        if flags:
            want["flags"] = Has(flags)      # the trigger also passes O_CLOEXEC; creat means O_CREAT|…
        expect(label, pid, "TRC-3", [want], events)
        if who == "child":
            expect_none(f"{label} child", int(info["child"]))
    pid, info = run("TRC-3 process_vm_writev", "trc3_vm_writev")
    if pid and "child" in info:
        expect("TRC-3 process_vm_writev", pid, "TRC-3", [{"target_pid": int(info["child"])}], {"process_vm_writev"})
        expect_none("trc3_vm_writev child", int(info["child"]))
    pid, _ = run("TRC-3 look-alike: /proc/self/mem read-only, process_vm_readv", "la_procmem_read")
    expect_none("TRC-3 look-alike: /proc/self/mem read-only, process_vm_readv", pid)


def trc4(t):
    page = os.sysconf("SC_PAGE_SIZE")
    cases = (("rx", "mprotect", "Protection changed from W to E!", "PROT_READ|PROT_EXEC"),
             ("wx", "mprotect", "Protection changed to W+E!", "PROT_READ|PROT_WRITE|PROT_EXEC"),
             ("pkey", "pkey_mprotect", "Protection changed from W to E!", "PROT_READ|PROT_EXEC"))
    for mode, ev, alert, newp in cases:
        label = f"TRC-4 {ev} RW -> {newp}"
        pid, info = run(label, "trc4_mprotect", mode)
        if pid and "addr" in info:
            addr = int(info["addr"].split()[0], 16)
            expect(label, pid, "TRC-4", [{"alert": alert, "address": addr, "length": page,
                                          "old_protection": "PROT_READ|PROT_WRITE", "new_protection": newp}], {ev})
    for mode, backing in (("anon", "anonymous"), ("memfd", "memfd")):
        label = f"TRC-4 mmap W+X ({mode})"
        pid, info = run(label, "trc4_mmap_wx", mode)
        if pid and "addr" in info:
            addr = int(info["addr"].split()[0], 16)
            want = {"alert": "Mmaped region with W+E permissions!", "address": addr, "length": page,
                    "new_protection": "PROT_READ|PROT_WRITE|PROT_EXEC", "backing": backing}
            if mode == "anon":
                expect(label, pid, "TRC-4", [want], {"mmap"})
            else:
                # code mapped executable from a memfd is TRC-5's too
                wait_pid(t, pid, "TRC-5", 1)
                fs = of_pid(t, pid)
                c.check(f"{label}: a TRC-4 finding with data {want}",
                        len([f for f in fs if f["rule"]["id"] == "TRC-4" and subset(want, f["data"])]) == 1, show(fs))
                c.check(f"{label}: and TRC-5's (code mapped from a memfd)",
                        len([f for f in fs if f["rule"]["id"] == "TRC-5" and f["data"].get("kind") == "memfd"]) == 1
                        and len(fs) == 2, show(fs))
    pid, _ = run("TRC-4 look-alike: RW/R toggles, R -> RX, R|X file map", "la_mprotect_rw_r")
    expect_none("TRC-4 look-alike: RW/R toggles, R -> RX, R|X file map", pid)


def trc5(t):
    for how in ("fexecve", "procfd"):
        label = f"TRC-5 exec of a memfd ({how})"
        pid, _ = run(label, "trc5_memfd", how)
        expect(label, pid, "TRC-5", [{"path": "memfd:tracee-test", "kind": "memfd"}], {"sched_process_exec"})
        if pid:
            wait_pid(t, pid, "TRC-5", 1)
            fs = of_pid(t, pid)
            if fs:
                c.check(f"{label}: process executable is the memfd",
                        fs[0]["process"]["executable"] == "memfd:tracee-test", f"({fs[0]['process']})")
    for d in ("/dev/shm", "/run/shm"):
        label = f"TRC-5 exec from {d}"
        if not os.path.isdir(d):
            print(f"note: {d} does not exist here: {label} skipped")
            continue
        pid, info = run(label, "trc5_shm", d)
        path = info.get("path")
        if path:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            # the kernel may report the resolved path (/run/shm is a symlink to /dev/shm on Debian)
            real = os.path.join(os.path.realpath(d), os.path.basename(path))
            want = {"path": path, "kind": "shm"} if real == path else {"kind": "shm"}
            expect(label, pid, "TRC-5", [want], {"sched_process_exec"})
            if real != path and pid:
                wait_pid(t, pid, "TRC-5", 1)
                fs = of_pid(t, pid)
                c.check(f"{label}: path is the one run or its resolved form",
                        len(fs) == 1 and fs[0]["data"].get("path") in (path, real), show(fs))
    pid, _ = run("TRC-5 look-alike: memfd and /dev/shm not executed, exec from disk", "la_memfd_noexec")
    expect_none("TRC-5 look-alike: memfd and /dev/shm not executed, exec from disk", pid)


def trc7(t):
    pid, _ = run("TRC-7 exec with LD_PRELOAD", "trc7_env", "preload")
    expect("TRC-7 exec with LD_PRELOAD", pid, "TRC-7",
           [{"variable": "LD_PRELOAD", "value": "/nonexistent/libtracee-test.so"}], {"sched_process_exec"})
    pid, _ = run("TRC-7 exec with LD_AUDIT", "trc7_env", "audit")
    expect("TRC-7 exec with LD_AUDIT", pid, "TRC-7",
           [{"variable": "LD_AUDIT", "value": "/nonexistent/libtracee-test.so"}], {"sched_process_exec"})

    before = snapshot_preload()
    opens = {"open", "openat"}
    renames = {"rename", "renameat", "renameat2"}
    for op, want_op, events in (("open", "open for write", opens), ("openat2", "open for write", {"openat2"}),
                                ("creat", "open for write", {"creat"}),
                                ("rename", "rename", renames), ("renameat2", "rename", {"renameat2"})):
        label = f"TRC-7 {PRELOAD} {want_op} ({op})"
        if op == "creat" and before:
            print(f"note: {PRELOAD} has content here: the creat variant (it truncates) is skipped")
            continue
        pid, info = run(label, "trc7_preload_file", op)
        after = snapshot_preload()
        c.check(f"{label}: {PRELOAD} left exactly as it was", after == before,
                f"(before {before!r}, after {after!r})")
        if after != before and before is None and after == b"":
            os.unlink(PRELOAD)      # safety net: the trigger only ever creates it empty
        expect(label, pid, "TRC-7", [{"path": PRELOAD, "operation": want_op}], events)

    p = subprocess.Popen(["/bin/true"], env={"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": "/nonexistent/tracee-test",
                                             "NOTE": "LD_PRELOAD=/nonexistent/in-a-value.so"})
    p.wait()
    expect_none("TRC-7 look-alike: LD_LIBRARY_PATH (without --ld-library-path)", p.pid)
    pid, _ = run("TRC-7 look-alike: read of ld.so.preload, similar names, empty LD_PRELOAD",
                 "la_preload_lookalike")
    expect_none("TRC-7 look-alike: read of ld.so.preload, similar names, empty LD_PRELOAD", pid)


def ld_library_path_option():
    """--ld-library-path: LD_LIBRARY_PATH fires; --rules TRC-7 keeps other rules off."""
    t = Tracee("--rules", "TRC-7", "--ld-library-path", "--output", "json")
    t.start()
    try:
        p = subprocess.Popen(["/bin/true"], env={"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": "/nonexistent/tracee-llp"})
        p.wait()
        t.wait_for(lambda o: o["process"]["pid"] == p.pid, WAIT)
        pid2, _ = run("--rules TRC-7: TRC-2 trigger", "trc2_traceme")
        t.settle(1.0)
        fs = [f for f in t.json() if f["process"]["pid"] == p.pid]
        c.check("--ld-library-path: exactly one TRC-7 finding for LD_LIBRARY_PATH",
                len(fs) == 1 and fs[0]["rule"]["id"] == "TRC-7"
                and subset({"variable": "LD_LIBRARY_PATH", "value": "/nonexistent/tracee-llp"}, fs[0]["data"]),
                show(fs))
        other = [f for f in t.json() if f["rule"]["id"] != "TRC-7"]
        c.check("--rules TRC-7: no other rule's finding", not other, show(other))
        fs = [f for f in t.json() if f["process"]["pid"] == pid2]
        c.check("--rules TRC-7: PTRACE_TRACEME not reported", not fs, show(fs))
    finally:
        stop_and_check(t, "--rules TRC-7 --ld-library-path")


def trc6():
    # TRC-6 is available exactly when the kernel has tracepoints for init_module and finit_module,
    # i.e. module support (the kernel matrix boots such kernels; the development host's has none).
    tp = "/sys/kernel/tracing/events/syscalls/sys_enter_"
    modules = os.path.exists(tp + "init_module") and os.path.exists(tp + "finit_module")
    c.check("kernel: init_module/finit_module tracepoints exactly when there is module support (/proc/modules)",
            modules == os.path.exists("/proc/modules"), f"(tracepoints {modules})")
    p = subprocess.run([TRACEE, "--list"], capture_output=True, timeout=30)
    out = p.stdout.decode(errors="replace")
    c.check("--list exits 0", p.returncode == 0, f"(exit {p.returncode}, stderr {p.stderr!r})")
    for n in range(1, 8):
        c.check(f"--list shows TRC-{n}", re.search(rf"^TRC-{n}\s", out, re.M) is not None, out)
    block = re.search(r"^TRC-6\s.*?(?=^TRC-|\Z)", out, re.M | re.S)
    if modules:
        c.check("--list: TRC-6 is available (module support here)",
                block is not None and "unavailable" not in block.group(0), out)
    else:
        c.check("--list: TRC-6 is marked unavailable, with the reason",
                block is not None and re.search(r"unavailable:.*(init_module|finit_module)", block.group(0)) is not None,
                out)
    blocks = [b for b in re.split(r"(?=^TRC-)", out, flags=re.M) if b.startswith("TRC-")]
    bad = [b for b in blocks if not b.startswith("TRC-6") and "unavailable" in b]
    c.check("--list: 7 rules, no other one unavailable", len(blocks) == 7 and not bad, str(bad))

    t = Tracee("--rules", "TRC-6", "--output", "json")
    t.start()
    pid = None
    if modules:
        pid, _ = run("TRC-6 init_module + finit_module (no module)", "trc6_init_module")
        if pid:
            wait_pid(t, pid, "TRC-6", 2)
    t.settle(0.5)
    stop_and_check(t, "--rules TRC-6")
    if modules:
        fs = of_pid(t, pid) if pid else []
        c.check("--rules TRC-6: one finding each for init_module and finit_module",
                sorted(f["data"].get("syscall", "") for f in fs if f["rule"]["id"] == "TRC-6") ==
                ["finit_module", "init_module"] and len(fs) == 2, show(fs))
        c.check("--rules TRC-6: stderr says nothing of TRC-6 being unavailable", "unavailable" not in t.err,
                f"(stderr: {t.err!r})")
    else:
        c.check("--rules TRC-6: stderr warns that TRC-6 is unavailable",
                re.search(r"TRC-6.*unavailable", t.err) is not None, f"(stderr: {t.err!r})")
        c.check("--rules TRC-6: no finding", not t.json(), str(t.lines))


def main():
    require_root_bpf()
    start = time.time()
    t = Tracee("--output", "json")
    t.start()
    try:
        for fn in (trc1, trc2, trc3, trc4, trc5, trc7):
            fn(t)
        for label, pid, rule, datas, _ in positives:
            wait_pid(t, pid, rule, len(datas))
        t.settle(1.0)       # anything late (a second finding that should not be there) shows now
        check_findings(t)
    finally:
        stop_and_check(t, "all rules")
    mine = {pid for _, pid, *_ in positives} | {pid for _, pid in negatives}
    print("all findings of this test's processes:" + show([f for f in t.json() if f["process"]["pid"] in mine]))
    ld_library_path_option()
    trc6()
    print(f"took {time.time() - start:.1f} s")
    c.done()


if __name__ == "__main__":
    main()
