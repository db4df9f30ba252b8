#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Evasions: the other ways to do what each rule watches, as an attacker who has read the rules
would do them (tests/triggers/ev_*.c and the ptrace trigger's register modes). One agent with every
rule runs while they do; each way must give exactly its findings, the look-alikes none.

  - TRC-3: a process's mem file opened for writing through a relative path after chdir, a
    directory fd, extra slashes and dots, a symlink, /proc/self/fd/N/..., an int register with
    garbage in its upper half, and while another thread rewrites the path (each open that got the
    mem file must be a finding, whatever the buffer said afterwards); ptrace POKEUSER, SETREGS,
    SETFPREGS, SETREGSET; a refused open of /proc/1/mem and a read-only one are not findings;
  - TRC-7: /etc/ld.so.preload (in a private mount namespace with a tmpfs /etc) written through
    a relative path, a directory fd, slashes, a symlink, /proc/self/fd/N/..., a wide register, a
    hard link; put in place with rename (relative, through dirfds), renameat2(RENAME_EXCHANGE) on
    either side, link, O_TMPFILE + linkat(AT_EMPTY_PATH), symlink, symlinkat; read, backed up and
    look-alike names are not findings;
  - TRC-1: a connected socket onto fd 0-2 with fcntl(F_DUPFD, F_DUPFD_CLOEXEC), accept() landing
    on fd 0, SCM_RIGHTS then exec, dup2 of an unconnected socket connected afterwards, dup2 with
    wide registers, exec of a program on the socket, pidfd_getfd(); a socketpair, /dev/null, a
    listening socket on stdio and an accepted socket on fd 5 are not findings;
  - TRC-4: written, made read-only, then executable; a range whose second region was writable;
    pkey_mprotect of written memory; a memfd mapped writable and shared and executable (mmap or
    mprotect); personality(READ_IMPLIES_EXEC); a range of more regions than are looked at;
  - TRC-5: a memfd named like runc's, an O_TMPFILE (deleted) file, a #! script in a memfd or in
    /dev/shm by a relative name, /dev/shm bind-mounted elsewhere, the loader run on a file in
    /dev/shm or on /proc/self/fd/N, dlopen of a memfd; a program on a private tmpfs, ld.so --list
    and dlopen from disk are not findings;
  - TRC-7: LD_PRELOAD after 64 KiB of environment or as the 2000th variable, a 20 KiB LD_AUDIT,
    the loader run with --preload or --audit, under another name, or with 8 KiB of options before
    them; ld.so --list, ld.so alone and look-alike variable names are not findings.
"""
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, Tracee, require_root_bpf  # noqa: E402
from scenario import Listener, Scenarios, show, subset  # noqa: E402

c = Checks()
sc = Scenarios(c)
PRELOAD = "/etc/ld.so.preload"


def trc3(t):
    for mode in ("cwd", "dirfd", "slashes", "symlink", "fdlink", "width"):
        label = f"TRC-3 evasion: mem file opened for writing ({mode})"
        pid, info = sc.run(label, "ev_procmem", mode)
        if pid and "child" in info:
            child = info["child"]
            sc.expect(label, pid, "TRC-3", [{"target_pid": child, "path": f"/proc/{child}/mem"}],
                      {"open", "openat"})
            sc.expect_none(f"{label}: child", int(child))
    # the path buffer rewritten by another thread while the kernel opens it: every open that got
    # the mem file is a finding, whatever the buffer held when the syscall returned
    for attempt in range(5):
        label = "TRC-3 evasion: path rewritten during the open (race)"
        pid, info = sc.run(label, "ev_procmem", "race", timeout=60)
        opened = int(info.get("opened", "0"))
        if pid and opened > 0:
            sc.expect(label, pid, "TRC-3", [{"target_pid": info["child"]}] * opened, {"open", "openat"})
            break
        print(f"note: race attempt {attempt + 1}: no open got the mem file, again")
    else:
        c.check("TRC-3 race: some open got the mem file in 5 attempts", False)
    for mode in ("user", "regs", "fpregs", "regset"):
        label = f"TRC-3 evasion: ptrace {mode}"
        pid, info = sc.run(label, "trc3_ptrace_poke", mode)
        want = {"user": "PTRACE_POKEUSER", "regs": "PTRACE_SETREGS", "fpregs": "PTRACE_SETFPREGS",
                "regset": "PTRACE_SETREGSET"}[mode]
        if pid and "child" in info:
            sc.expect(label, pid, "TRC-3", [{"request": want, "target_pid": int(info["child"])}], {"ptrace"})
    for mode in ("refused", "readonly", "status"):
        label = f"TRC-3 look-alike: mem file {mode}"
        pid, info = sc.run(label, "ev_procmem", mode)
        sc.expect_none(label, pid)


def trc7(t):
    ops = {
        "cwd": ("open for write", 1), "dirfd": ("open for write", 1), "slashes": ("open for write", 1),
        "symlink": ("open for write", 1), "fdpath": ("open for write", 1), "width": ("open for write", 1),
        "hardlink": ("open for write", 2), "handle": ("open for write", 2), "rename": ("rename", 1), "renameat": ("rename", 1),
        "exchange": ("exchange", 2), "exchange2": ("exchange", 2), "link": ("link", 1),
        "tmpfile": ("link", 1), "symlinkat": ("symlink", 1), "symlinkdir": ("rename", 1),
    }
    before = snapshot_preload()
    for mode, (op, n) in ops.items():
        label = f"TRC-7 evasion: {PRELOAD} {op} ({mode})"
        pid, info = sc.run(label, "ev_preload", mode)
        datas = [{"operation": op}]
        if n == 2:      # made first (a finding of its own), then the move
            datas = [{"operation": "open for write", "path": PRELOAD}, {"operation": op}]
        if mode == "symlinkdir":
            # the target's directory is a symlink (/tmp/e -> /etc): the name is joined as written
            datas = None
        if datas is not None:
            sc.expect(label, pid, "TRC-7", datas)
        elif pid:
            symlinkdir_pids.append(pid)
            # ...but the first program that reads the new list gives it away
            if "child" in info:
                sc.expect(f"{label}: first read of the new list", int(info["child"]), "TRC-7",
                          [{"operation": "in effect", "path": PRELOAD}])
    for mode in ("readonly", "otherdir"):
        label = f"TRC-7 look-alike: {mode}"
        pid, info = sc.run(label, "ev_preload", mode)
        sc.expect_none(label, pid)
        if "child" in info:
            sc.expect(f"{label}: the child that made the file", int(info["child"]), "TRC-7",
                      [{"operation": "open for write", "path": PRELOAD}])
    c.check(f"TRC-7 evasions: the host's {PRELOAD} is as it was", snapshot_preload() == before)


symlinkdir_pids = []
shell_pids = []


def snapshot_preload():
    try:
        with open(PRELOAD, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def trc1(t):
    lst = Listener()
    try:
        for mode, fds, events in (("fcntl", (0, 1), {"fcntl"}), ("late", (0,), {"connect"}),
                                  ("width", (0,), {"dup2"}), ("pidfd", (0,), {"pidfd_getfd"}),
                                  ("scm", (0,), {"sched_process_exec"}),
                                  ("exec", (0, 1, 2, 0), {"dup2", "sched_process_exec"}),
                                  ("shell", (0, 1, 2, 0), {"dup2", "sched_process_exec"})):
            label = f"TRC-1 evasion: socket onto stdio ({mode})"
            pid, info = sc.run(label, "ev_stdio", mode, str(lst.port))
            c.check(f"{label}: listener got the line", lst.got(f"hello from ev_stdio {mode}"))
            sc.expect(label, pid, "TRC-1", [{"ip": "127.0.0.1", "port": lst.port, "fd": fd} for fd in fds], events)
            if "child" in info:
                sc.expect_none(f"{label}: child", int(info["child"]))
            if mode == "shell" and pid:
                shell_pids.append(pid)
        label = "TRC-1 look-alikes: socketpair, /dev/null, listening socket, fd 5, unix stdin exec"
        pid, _ = sc.run(label, "ev_stdio", "quiet")
        sc.expect_none(label, pid)
    finally:
        lst.close()

    # a bind shell that closed its stdio before accept(): the connection lands on fd 0
    import subprocess
    from harness import trigger
    label = "TRC-1 evasion: accept() onto fd 0"
    p = subprocess.Popen([trigger("ev_stdio"), "accept"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        pid = int(p.stdout.readline())
        m = re.match(rb"listening (\d+)", p.stdout.readline())
        s = socket.create_connection(("127.0.0.1", int(m.group(1)) if m else 0), timeout=10)
        myport = s.getsockname()[1]
        data = s.recv(4096)
        s.close()
        rc = p.wait(10)
        c.check(f"{label}: trigger ran and wrote to the connection", rc == 0 and b"hello from ev_stdio" in data,
                f"(exit {rc}, got {data!r})")
        sc.expect(label, pid, "TRC-1", [{"ip": "127.0.0.1", "port": myport, "fd": 0}], {"accept"})
    except Exception as e:     # noqa: BLE001 - report, keep going
        p.kill()
        p.wait()
        c.check(f"{label}: trigger ran", False, f"({e!r}; stderr {p.stderr.read()!r})")


def trc4(t):
    for mode, alert, ev in (("written", "Protection changed to Executable!", "mprotect"),
                            ("range", "Protection changed from W to E!", "mprotect"),
                            ("pkey", "Protection changed to Executable!", "pkey_mprotect"),
                            ("dualmap", "Mmaped executable a file that is mapped writable elsewhere!", "mmap"),
                            ("dualprot", "Protection changed to Executable on a file mapped writable elsewhere!",
                             "mprotect"),
                            ("persona", "Personality READ_IMPLIES_EXEC: readable memory is executable!",
                             "personality"),
                            ("many", "Protection changed to Executable on more regions than looked at!",
                             "mprotect")):
        label = f"TRC-4 evasion: {mode}"
        pid, info = sc.run(label, "ev_mprotect", mode)
        want = {"alert": alert}
        if mode not in ("persona",) and "addr" in info:
            want["address"] = int(info["addr"], 16)
        if mode.startswith("dual"):
            # a memfd mapped executable is fileless code too (TRC-5): checked apart
            if pid:
                dual_pids.append((label, pid, want))
            continue
        sc.expect(label, pid, "TRC-4", [want], {ev})


dual_pids = []


def trc5(t):
    for mode, kind in (("runcname", "memfd"), ("deleted", "deleted"), ("script", "memfd"), ("shmscript", "shm"),
                       ("bind", "shm"), ("ldso", "shm"), ("ldsofd", "memfd")):
        label = f"TRC-5 evasion: {mode}"
        pid, info = sc.run(label, "ev_fileless", mode)
        if pid and "child" in info:
            sc.expect(label, int(info["child"]), "TRC-5", [{"kind": kind}])
            sc.expect_none(f"{label}: the parent", pid)
    label = "TRC-5 evasion: dlopen of a memfd"
    pid, _ = sc.run(label, "ev_fileless", "dlopen")
    sc.expect(label, pid, "TRC-5", [{"kind": "memfd", "how": "mmap"}], {"mmap"})
    for mode in ("tmpexec", "ldsolist", "dlopenlib"):
        label = f"TRC-5 look-alike: {mode}"
        pid, info = sc.run(label, "ev_fileless", mode)
        sc.expect_none(label, pid)
        if "child" in info:
            sc.expect_none(f"{label}: child", int(info["child"]))


def trc7_loader(t):
    lib = "/nonexistent/libtracee-ev.so"
    for mode, var, value in (("padded", "LD_PRELOAD", lib), ("many", "LD_PRELOAD", lib), ("longval", "LD_AUDIT", None),
                             ("preload", "--preload", lib), ("audit", "--audit", lib), ("copy", "--preload", lib),
                             ("padopts", "--preload", lib)):
        label = f"TRC-7 evasion: {mode}"
        pid, _ = sc.run(label, "ev_loader", mode)
        want = {"variable": var}
        if value:
            want["value"] = value
        sc.expect(label, pid, "TRC-7", [want], {"sched_process_exec"})
    for mode in ("list", "plain", "named"):
        label = f"TRC-7 look-alike: {mode}"
        pid, _ = sc.run(label, "ev_loader", mode)
        sc.expect_none(label, pid)


def main():
    require_root_bpf()
    start = time.time()
    t = Tracee("--output", "json")
    t.start()
    try:
        for fn in (trc3, trc7, trc1, trc4, trc5, trc7_loader):
            fn(t)
        sc.wait_all(t)
        t.settle(1.0)
        sc.check(t)
        for pid in shell_pids:
            kids = [f for f in t.json() if f["process"].get("ppid") == pid and f["rule"]["id"] == "TRC-1"]
            c.check("TRC-1: the commands a shell on a connection runs are not reported one by one", not kids,
                    show(kids))
        for label, pid, want in dual_pids:
            sc.wait_pid(t, pid, "TRC-5", 1)
            fs = sc.of_pid(t, pid)
            c.check(f"{label}: one TRC-4 finding with {want}",
                    len([f for f in fs if f["rule"]["id"] == "TRC-4" and subset(want, f["data"])]) == 1, show(fs))
            c.check(f"{label}: TRC-5 for the memfd mapped executable, nothing else",
                    all(f["rule"]["id"] in ("TRC-4", "TRC-5") for f in fs)
                    and len([f for f in fs if f["rule"]["id"] == "TRC-5"]) == 1, show(fs))
        for pid in symlinkdir_pids:
            fs = sc.of_pid(t, pid)
            print(f"note: TRC-7 rename through a symlinked directory: {len(fs)} finding(s) "
                  f"(a known limit, README 'Limits, honestly'){show(fs)}")
    finally:
        rc = t.stop()
        c.check("agent exits 0 on SIGINT", rc == 0, f"(exit {rc}; stderr: {t.err})")
        c.check("no malformed events", "malformed" not in t.err, f"(stderr: {t.err})")
    print("all findings of this test's processes:" + show([f for f in t.json() if f["process"]["pid"] in sc.pids()]))
    print(f"took {time.time() - start:.1f} s")
    c.done()


if __name__ == "__main__":
    main()
