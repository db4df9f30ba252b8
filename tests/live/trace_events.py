#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`tracee trace`: exact events and arguments made by real trigger programs.

One trace of execve,sched_process_exec,openat,connect,ptrace,mprotect,memfd_create with no filter;
each trigger's events are picked out by its pid (a trigger keeps its pid across the exec). A second
trace writes to --output-file so that the hostile-argv event can be checked byte for byte.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Checks, Tracee, require_root_bpf, trigger  # noqa: E402

EVENTS = "execve,sched_process_exec,openat,connect,ptrace,mprotect,memfd_create"


def run(argv):
    """Runs a trigger; returns (pid, stdout lines after the pid line, returncode)."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    lines = p.stdout.decode(errors="replace").splitlines()
    return p, lines


def arg(ev, name):
    for a in ev["args"]:
        if a["name"] == name:
            return a
    return None


def val(ev, name):
    a = arg(ev, name)
    return a["value"] if a else None


def of(t, pid, name, pred=lambda e: True, timeout=5.0):
    return t.wait_for(lambda e: e["hostProcessId"] == pid and e["eventName"] == name and pred(e), timeout)


def brief(evs):
    return json.dumps([{k: e.get(k) for k in ("eventName", "processName", "returnValue", "args")} for e in evs])[:1500]


def main():
    require_root_bpf()
    c = Checks()
    marker = trigger("tr_marker")
    marker_real = os.path.realpath(marker)

    t = Tracee("trace", "--events", EVENTS, "--output", "json")
    t.start()
    try:
        # --- execve + sched_process_exec of the marker, and latency -----------------------------
        t0 = time.monotonic()
        proc = subprocess.Popen([marker, "one", "two words"], stdout=subprocess.PIPE)
        pid = proc.pid
        ex = of(t, pid, "execve", timeout=2.0)
        latency = time.monotonic() - t0
        proc.wait(10)
        c.check("marker: execve event within 2 s of the exec", bool(ex), f"(waited {latency:.2f} s)")
        print(f"# execve latency {latency * 1000:.0f} ms")
        out = proc.stdout.read().decode().split()
        c.check("marker printed its pid", out[:1] == [str(pid)], str(out))
        ex = ex or of(t, pid, "execve")
        c.check("marker: exactly one execve", len(ex) == 1, brief(ex))
        if ex:
            e = ex[0]
            c.check("execve pathname = the path passed", val(e, "pathname") == marker, brief(ex))
            c.check("execve argv exact", val(e, "argv") == [marker, "one", "two words"], brief(ex))
            c.check("execve returnValue 0", e["returnValue"] == 0, brief(ex))
            c.check("execve executable.path = resolved binary", e["executable"]["path"] == marker_real,
                    f"{e['executable']} != {marker_real}")
            c.check("execve processName tr_marker", e["processName"] == "tr_marker", e["processName"])
            c.check("execve eventId is the syscall number as a string", e["eventId"] == "59", e["eventId"])
            c.check("execve envp absent without --exec-env", arg(e, "envp") is None, brief(ex))
            c.check("execve argsNum counts the args", e["argsNum"] == len(e["args"]) == 2, brief(ex))
            c.check("execve hostProcessId == processId on the host", e["processId"] == pid, str(e["processId"]))
            c.check("execve hostParentProcessId is this test", e["hostParentProcessId"] == os.getpid(),
                    str(e["hostParentProcessId"]))
        sx = of(t, pid, "sched_process_exec")
        c.check("marker: exactly one sched_process_exec", len(sx) == 1, brief(sx))
        if sx:
            e = sx[0]
            c.check("sched_process_exec pathname = resolved binary", val(e, "pathname") == marker_real, brief(sx))
            c.check("sched_process_exec filename = the path passed", val(e, "filename") == marker, brief(sx))
            c.check("sched_process_exec argv exact", val(e, "argv") == [marker, "one", "two words"], brief(sx))
            c.check("sched_process_exec old_pid = pid", val(e, "old_pid") == pid, brief(sx))
            c.check("sched_process_exec env absent without --exec-env", arg(e, "env") is None, brief(sx))
            c.check("sched_process_exec eventName/eventId", e["eventId"] == "1003", e["eventId"])

        # --- exec of /bin/true: the kernel resolves the /bin symlink --------------------------
        true_real = os.path.realpath("/bin/true")
        p = subprocess.Popen(["/bin/true"])
        p.wait(10)
        sx = of(t, p.pid, "sched_process_exec")
        c.check("/bin/true: one sched_process_exec", len(sx) == 1, brief(sx))
        if sx:
            c.check(f"/bin/true: sched_process_exec pathname = {true_real}", val(sx[0], "pathname") == true_real,
                    brief(sx))
            c.check("/bin/true: sched_process_exec filename = /bin/true", val(sx[0], "filename") == "/bin/true",
                    brief(sx))
        ex = of(t, p.pid, "execve")
        c.check("/bin/true: execve pathname /bin/true, executable.path resolved",
                len(ex) == 1 and val(ex[0], "pathname") == "/bin/true" and ex[0]["executable"]["path"] == true_real,
                brief(ex))

        # --- execve from a thread other than the leader: the kernel gives it the leader's pid ----
        code = ("import os, threading\n"
                "def f():\n os.execv('/bin/true', ['/bin/true', 'from-a-thread'])\n"
                "t = threading.Thread(target=f)\nt.start()\nt.join()\n")
        p = subprocess.Popen([sys.executable, "-c", code])
        p.wait(10)
        ex = of(t, p.pid, "execve", lambda e: val(e, "argv") == ["/bin/true", "from-a-thread"])
        c.check("execve from a non-leader thread: reported, returnValue 0, tid = the process's pid",
                len(ex) == 1 and ex[0]["returnValue"] == 0 and ex[0]["threadId"] == p.pid, brief(ex))

        # --- a failed execve: returnValue is -errno, the caller's argv --------------------------
        missing = "/nonexistent/tracee-trace-missing"
        code = f"import os\ntry:\n os.execv({missing!r}, [{missing!r}, 'x'])\nexcept OSError:\n pass\n"
        p = subprocess.Popen([sys.executable, "-c", code])
        p.wait(10)
        ex = of(t, p.pid, "execve", lambda e: val(e, "pathname") == missing)
        c.check("failed execve: returnValue -ENOENT", len(ex) == 1 and ex[0]["returnValue"] == -2, brief(ex))
        c.check("failed execve: argv from the caller", bool(ex) and val(ex[0], "argv") == [missing, "x"], brief(ex))

        # --- openat ----------------------------------------------------------------------------
        path = f"/tmp/tracee-trace-ev-{os.getpid()}"
        p, lines = run([trigger("tr_open_write"), path])
        opid = int(lines[0])
        fd = int(lines[1].split()[1]) if len(lines) > 1 else None
        c.check("tr_open_write ran", p.returncode == 0 and fd is not None, f"rc {p.returncode} {lines}")
        op = of(t, opid, "openat", lambda e: val(e, "pathname") == path)
        c.check("openat: exactly one event for the path", len(op) == 1, brief(op))
        if op:
            e = op[0]
            c.check("openat dirfd AT_FDCWD", val(e, "dirfd") == "AT_FDCWD", brief(op))
            c.check("openat flags O_WRONLY|O_CREAT|O_TRUNC", val(e, "flags") == "O_WRONLY|O_CREAT|O_TRUNC", brief(op))
            c.check("openat mode 0600", val(e, "mode") == "0600", brief(op))
            c.check("openat returnValue >= 0 and = the fd", e["returnValue"] >= 0 and e["returnValue"] == fd,
                    f"{e['returnValue']} vs {fd}")
            c.check("openat processName tr_open_write", e["processName"] == "tr_open_write", e["processName"])

        # --- connect -------------------------------------------------------------------------
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.bind(("127.0.0.1", 0))
        ls.listen(4)
        port = ls.getsockname()[1]
        p, lines = run([trigger("tr_connect"), str(port)])
        ls.close()
        cpid = int(lines[0])
        sfd = int(lines[1].split()[1]) if len(lines) > 1 else None
        c.check("tr_connect connected", p.returncode == 0, f"rc {p.returncode} {p.stderr!r}")
        cn = of(t, cpid, "connect")
        c.check("connect: exactly one event", len(cn) == 1, brief(cn))
        if cn:
            e = cn[0]
            c.check("connect addr = AF_INET 127.0.0.1:port",
                    val(e, "addr") == {"sa_family": "AF_INET", "sin_addr": "127.0.0.1", "sin_port": port}, brief(cn))
            c.check("connect returnValue 0", e["returnValue"] == 0, brief(cn))
            c.check("connect sockfd = the socket", val(e, "sockfd") == sfd, f"{val(e, 'sockfd')} vs {sfd}")
            c.check("connect addrlen 16", val(e, "addrlen") == 16, brief(cn))
            fi = val(e, "sockfd_info") or {}
            c.check("connect sockfd_info: TCP socket to 127.0.0.1:port",
                    fi.get("type") == "socket" and fi.get("family") == "AF_INET" and
                    fi.get("remote_addr") == "127.0.0.1" and fi.get("remote_port") == port, json.dumps(fi))

        # --- ptrace ----------------------------------------------------------------------------
        p, lines = run([trigger("tr_ptrace_traceme")])
        ppid_ = int(lines[0])
        c.check("tr_ptrace_traceme ran", p.returncode == 0, f"rc {p.returncode} {p.stderr!r}")
        pt = of(t, ppid_, "ptrace")
        c.check("ptrace: exactly one event", len(pt) == 1, brief(pt))
        if pt:
            c.check("ptrace request PTRACE_TRACEME", val(pt[0], "request") == "PTRACE_TRACEME", brief(pt))
            c.check("ptrace pid 0, returnValue 0", val(pt[0], "pid") == 0 and pt[0]["returnValue"] == 0, brief(pt))

        # --- mprotect --------------------------------------------------------------------------
        p, lines = run([trigger("tr_mprotect")])
        mpid = int(lines[0])
        addr = lines[1].split()[1] if len(lines) > 1 else None
        c.check("tr_mprotect ran", p.returncode == 0 and addr, f"rc {p.returncode} {lines}")
        mp = of(t, mpid, "mprotect", lambda e: val(e, "prot") == "PROT_READ|PROT_EXEC")
        c.check("mprotect: exactly one R|X event", len(mp) == 1, brief(mp))
        if mp:
            e = mp[0]
            c.check("mprotect prev_prot PROT_READ|PROT_WRITE", val(e, "prev_prot") == "PROT_READ|PROT_WRITE", brief(mp))
            c.check("mprotect addr = the page", addr is not None and int(val(e, "addr"), 16) == int(addr, 16),
                    f"{val(e, 'addr')} vs {addr}")
            c.check("mprotect len = one page", val(e, "len") == os.sysconf("SC_PAGESIZE"), brief(mp))
            c.check("mprotect returnValue 0", e["returnValue"] == 0, brief(mp))

        # --- memfd_create + fexecve -------------------------------------------------------------
        p, lines = run([trigger("tr_memfd_exec")])
        fpid = int(lines[0])
        c.check("tr_memfd_exec ran (/bin/true from a memfd)", p.returncode == 0, f"rc {p.returncode} {p.stderr!r}")
        mf = of(t, fpid, "memfd_create")
        c.check("memfd_create: exactly one event", len(mf) == 1, brief(mf))
        if mf:
            c.check("memfd_create name tr-memfd, flags MFD_CLOEXEC, returnValue >= 0",
                    val(mf[0], "name") == "tr-memfd" and val(mf[0], "flags") == "MFD_CLOEXEC" and
                    mf[0]["returnValue"] >= 0, brief(mf))
        sx = of(t, fpid, "sched_process_exec", lambda e: (val(e, "pathname") or "").startswith("memfd:"))
        c.check("memfd exec: one sched_process_exec with pathname memfd:tr-memfd…",
                len(sx) == 1 and val(sx[0], "pathname").startswith("memfd:tr-memfd"), brief(sx))
        if sx:
            c.check("memfd exec: argv of the new image", val(sx[0], "argv") == ["tr-memfd-true"], brief(sx))
            c.check("memfd exec: filename /dev/fd/N", (val(sx[0], "filename") or "").startswith("/dev/fd/"), brief(sx))

        t.settle()
    finally:
        rc = t.stop()
    c.check("trace exits 0 on SIGINT", rc == 0, f"rc {rc}: {t.err}")
    c.check("no lost or malformed events", ", 0 lost, 0 malformed" in t.err, t.err[-300:])
    c.check("every stdout line was JSON", len(t.json()) == len([l for l in t.lines if l.strip()]))

    # --- hostile argv, checked on the raw bytes of --output-file ---------------------------------
    fdn, outpath = tempfile.mkstemp(prefix="tracee-trace-hostile-", suffix=".json")
    os.close(fdn)
    try:
        t = Tracee("trace", "--events", "execve,sched_process_exec", "--output", "json", "--output-file", outpath)
        t.start()
        try:
            p, lines = run([trigger("tr_hostile")])
            hpid = int(lines[0])
            c.check("tr_hostile exec'd the marker", p.returncode == 0 and lines[1:2] == [str(hpid)],
                    f"rc {p.returncode} {lines[:3]} {p.stderr[:200]!r}")
            deadline = time.time() + 5
            while time.time() < deadline:
                with open(outpath, "rb") as f:
                    if f.read().count(b'"processName":"tr_marker"') >= 2:
                        break
                time.sleep(0.1)
            t.settle()
        finally:
            rc = t.stop()
        c.check("hostile trace exits 0", rc == 0, t.err)
        c.check("nothing on stdout with --output-file", not t.lines, str(t.lines[:2]))
        with open(outpath, "rb") as f:
            raw = f.read()
        good = True
        mine = []
        for line in raw.split(b"\n"):
            if not line:
                continue
            try:
                o = json.loads(line.decode("utf-8", errors="strict"))
            except (UnicodeDecodeError, ValueError) as ex_:
                good = False
                print(f"# bad line ({ex_}): {line[:200]!r}")
                continue
            if o["hostProcessId"] == hpid and o["processName"] == "tr_marker":
                mine.append((line, o))
        c.check("every line of the output file is valid UTF-8 JSON", good)
        for name in ("execve", "sched_process_exec"):
            got = [(l, o) for l, o in mine if o["eventName"] == name]
            c.check(f"hostile {name}: one event", len(got) == 1, str(len(got)))
            if not got:
                continue
            line, o = got[0]
            a = arg(o, "argv") or {}
            v = a.get("value") or []
            c.check(f"hostile {name}: line bounded (< 16 KiB)", len(line) < 16384, str(len(line)))
            c.check(f"hostile {name}: argv flagged truncated", a.get("truncated") is True, json.dumps(a)[:200])
            c.check(f"hostile {name}: argv cut (far fewer than 5000 entries, <= 4096 bytes)",
                    1 < len(v) < 5000 and sum(len(s.encode()) + 1 for s in v) <= 4096 + 3 * 16,
                    f"{len(v)} entries")
            c.check(f"hostile {name}: argv[0] the marker path", v[:1] == [trigger("tr_marker")], str(v[:1]))
            c.check(f"hostile {name}: newline argument kept as one string", v[1:2] == ["line1\nline2"], str(v[1:2]))
            c.check(f"hostile {name}: escape argument kept, JSON-escaped",
                    v[2:3] == ["\x1b[31mred\x1b[0m"] and b"\x1b" not in line and b"\\u001b[31m" in line, str(v[2:3]))
            c.check(f"hostile {name}: invalid UTF-8 replaced by U+FFFD",
                    v[3:4] == ["bad\ufffd\ufffdutf8"] and b"\xff" not in line and b"\xfe" not in line, repr(v[3:4]))
            c.check(f"hostile {name}: big argument present and cut",
                    len(v) >= 5 and set(v[4]) == {"A"} and len(v[4]) < 131071, str(len(v[4]) if len(v) > 4 else None))
            c.check(f"hostile {name}: no raw control bytes in the line",
                    not any(b < 0x20 for b in line), "")
    finally:
        os.unlink(outpath)
    c.done()


if __name__ == "__main__":
    main()
