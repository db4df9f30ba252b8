#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`tracee trace` selection and output: comm/pid filters (and !=), argument and retval filters,
event sets, command-line errors, --output table/none and --output-file."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import TRACEE, Checks, Tracee, require_root_bpf, trigger  # noqa: E402

MARKER = trigger("tr_marker")
OPENW = trigger("tr_open_write")
SUMMARY = re.compile(r"(\d+) events received, (\d+) printed, (\d+) lost, (\d+) malformed")


def run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    lines = p.stdout.decode(errors="replace").splitlines()
    return int(lines[0]), lines, p.returncode


def val(ev, name):
    for a in ev["args"]:
        if a["name"] == name:
            return a["value"]
    return None


def brief(evs):
    return json.dumps([{k: e.get(k) for k in ("hostProcessId", "eventName", "processName", "args")}
                       for e in evs])[:1200]


class Waiter:
    """A shell that waits for a line on stdin, then execs the marker: a process whose pid is known
    before it does anything worth tracing."""

    def __init__(self, tag):
        self.p = subprocess.Popen(["sh", "-c", f'read x; exec "$0" {tag}', MARKER], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
        self.pid = self.p.pid

    def go(self):
        self.p.stdin.write(b"go\n")
        self.p.stdin.close()
        self.p.wait(10)
        return self.p.stdout.read().decode().split()


def main():
    require_root_bpf()
    c = Checks()
    tag = str(os.getpid())

    # --- comm= : only the named process ----------------------------------------------------------
    t = Tracee("trace", "--events", "execve,sched_process_exec,openat", "--filter", "comm=tr_marker")
    with t:
        mpid, _, _ = run([MARKER])
        opid, _, _ = run([OPENW, f"/tmp/tracee-trace-comm-{tag}"])
        got = t.wait_for(lambda e: e["hostProcessId"] == mpid and e["eventName"] == "openat")
        t.settle()
    evs = t.json()
    c.check("comm=tr_marker: the marker's sched_process_exec",
            any(e["hostProcessId"] == mpid and e["eventName"] == "sched_process_exec" for e in evs), brief(evs))
    c.check("comm=tr_marker: the marker's openat events", bool(got), brief(evs))
    c.check("comm=tr_marker: nothing from tr_open_write", not any(e["hostProcessId"] == opid for e in evs),
            brief([e for e in evs if e["hostProcessId"] == opid]))
    c.check("comm=tr_marker: every event is tr_marker's", evs and all(e["processName"] == "tr_marker" for e in evs),
            brief([e for e in evs if e["processName"] != "tr_marker"]))

    # --- comm!= ---------------------------------------------------------------------------------
    t = Tracee("trace", "--events", "sched_process_exec", "--filter", "comm!=tr_marker")
    with t:
        mpid, _, _ = run([MARKER])
        opid, _, _ = run([OPENW, f"/tmp/tracee-trace-comm-{tag}"])
        got = t.wait_for(lambda e: e["hostProcessId"] == opid)
        t.settle()
    evs = t.json()
    c.check("comm!=tr_marker: tr_open_write's exec shown", bool(got), brief(evs))
    c.check("comm!=tr_marker: the marker's exec not shown", not any(e["hostProcessId"] == mpid for e in evs),
            brief([e for e in evs if e["hostProcessId"] == mpid]))
    c.check("comm!=tr_marker: no event named tr_marker", not any(e["processName"] == "tr_marker" for e in evs))

    # --- pid= : only the chosen (waiting) process, also after its exec -----------------------------
    w = Waiter("pid-eq")
    t = Tracee("trace", "--events", "execve,sched_process_exec,openat", "--filter", f"pid={w.pid}")
    with t:
        other, _, _ = run([MARKER])
        out = w.go()
        got = t.wait_for(lambda e: e["eventName"] == "sched_process_exec")
        t.wait_for(lambda e: e["eventName"] == "openat")
        t.settle()
    evs = t.json()
    c.check("pid=P: the waiter's marker printed P", out[:1] == [str(w.pid)], str(out))
    c.check("pid=P: sched_process_exec of P", len(got) == 1 and got[0]["hostProcessId"] == w.pid and
            val(got[0], "argv") == [MARKER, "pid-eq"], brief(got))
    ex = [e for e in evs if e["eventName"] == "execve"]
    c.check("pid=P: execve of P with the marker's pathname", len(ex) == 1 and val(ex[0], "pathname") == MARKER and
            ex[0]["returnValue"] == 0, brief(ex))
    c.check("pid=P: only P's events", evs and all(e["hostProcessId"] == w.pid for e in evs),
            brief([e for e in evs if e["hostProcessId"] != w.pid]))
    c.check("pid=P: the other marker absent", not any(e["hostProcessId"] == other for e in evs))

    # --- pid!= ----------------------------------------------------------------------------------
    w = Waiter("pid-ne")
    t = Tracee("trace", "--events", "sched_process_exec", "--filter", f"pid!={w.pid}")
    with t:
        w.go()
        other, _, _ = run([MARKER])
        got = t.wait_for(lambda e: e["hostProcessId"] == other)
        t.settle()
    evs = t.json()
    c.check("pid!=P: another process's exec shown", bool(got), brief(evs))
    c.check("pid!=P: P's exec not shown", not any(e["hostProcessId"] == w.pid for e in evs),
            brief([e for e in evs if e["hostProcessId"] == w.pid]))

    # --- argument filters (agent side): glob, negation, retval ----------------------------------------
    yes, no = f"/tmp/tracee-trace-arg-{tag}", f"/tmp/tracee-other-arg-{tag}"
    t = Tracee("trace", "--events", "openat", "--filter", "openat.pathname=/tmp/tracee-trace-*")
    with t:
        p1, _, _ = run([OPENW, yes])
        p2, _, _ = run([OPENW, no])
        got = t.wait_for(lambda e: e["hostProcessId"] == p1)
        t.settle()
    evs = t.json()
    c.check("openat.pathname=glob: the matching open shown, exactly",
            len(got) == 1 and val(got[0], "pathname") == yes and val(got[0], "flags") == "O_WRONLY|O_CREAT|O_TRUNC",
            brief(got))
    c.check("openat.pathname=glob: the other open (and the loader's) dropped",
            not any(e["hostProcessId"] == p2 for e in evs), brief([e for e in evs if e["hostProcessId"] == p2]))
    c.check("openat.pathname=glob: every event matches",
            all(val(e, "pathname").startswith("/tmp/tracee-trace-") for e in evs), brief(evs))

    t = Tracee("trace", "--events", "openat", "--filter", "openat.pathname!=/tmp/tracee-trace-*",
               "--filter", "comm=tr_open_write")
    with t:
        p1, _, _ = run([OPENW, yes])
        p2, _, _ = run([OPENW, no])
        got = t.wait_for(lambda e: e["hostProcessId"] == p2 and val(e, "pathname") == no)
        t.settle()
    evs = t.json()
    c.check("openat.pathname!=glob: the other open shown", len(got) == 1, brief(evs))
    c.check("openat.pathname!=glob: the loader's opens shown too",
            any(e["hostProcessId"] == p2 and val(e, "pathname") == "/etc/ld.so.cache" for e in evs), brief(evs))
    c.check("openat.pathname!=glob: the matching open dropped", not any(val(e, "pathname") == yes for e in evs),
            brief([e for e in evs if val(e, "pathname") == yes]))

    bad = f"/nonexistent-tracee-trace-{tag}/x"
    t = Tracee("trace", "--events", "openat", "--filter", "openat.retval<0", "--filter", "comm=tr_open_write")
    with t:
        p1, _, rc1 = run([OPENW, bad])
        p2, _, _ = run([OPENW, yes])
        got = t.wait_for(lambda e: e["hostProcessId"] == p1 and val(e, "pathname") == bad)
        t.settle()
    evs = t.json()
    c.check("openat.retval<0: the failed open shown with -ENOENT", rc1 == 1 and len(got) == 1 and
            got[0]["returnValue"] == -2, brief(evs))
    c.check("openat.retval<0: only failures", evs and all(e["returnValue"] < 0 for e in evs), brief(evs))

    # --- --events file: a set -----------------------------------------------------------------
    lst = subprocess.run([TRACEE, "trace", "--list-events"], stdout=subprocess.PIPE, timeout=10).stdout.decode()
    file_set = set()
    for line in lst.splitlines()[1:]:
        f = line.split()
        if len(f) >= 2 and "file" in f[1].split(","):
            file_set.add(f[0])
    c.check("--list-events: the file set holds openat and close, not connect or execve",
            {"openat", "close"} <= file_set and not {"connect", "execve"} & file_set, str(sorted(file_set)))
    t = Tracee("trace", "--events", "file", "--filter", "comm=tr_open_write,tr_connect")
    with t:
        p1, lines, _ = run([OPENW, yes])
        p2, _, _ = run([trigger("tr_connect"), "9"])       # refused: still a connect() call
        got = t.wait_for(lambda e: e["hostProcessId"] == p1 and e["eventName"] == "openat" and
                         val(e, "pathname") == yes)
        t.wait_for(lambda e: e["hostProcessId"] == p2 and e["eventName"] == "close")
        t.settle()
    evs = t.json()
    names = {e["eventName"] for e in evs}
    c.check("--events file: openat of the trigger shown", len(got) == 1, brief(evs))
    c.check("--events file: close and unlink of the trigger shown",
            "close" in names and names & {"unlink", "unlinkat"}, str(names))
    c.check("--events file: only events of the set", names <= file_set, str(names - file_set))
    c.check("--events file: no connect", "connect" not in names)

    # --- command-line errors: exit 1 and a message naming the bad part -------------------------------
    def fails(args, needles, label):
        p = subprocess.run([TRACEE, "trace"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=15)
        err = p.stderr.decode(errors="replace")
        c.check(f"{label}: exit 1", p.returncode == 1, f"rc {p.returncode}")
        c.check(f"{label}: stderr names it", all(n in err for n in needles), repr(err))
        c.check(f"{label}: nothing on stdout", not p.stdout, repr(p.stdout[:200]))

    fails(["--events", "exceve"], ["exceve", "did you mean 'execve'"], "--events exceve")
    fails(["--events", "openat,conect"], ["conect", "did you mean 'connect'"], "--events openat,conect")
    fails(["--filter", "pidd=1"], ["pidd", "did you mean 'pid'"], "--filter pidd=1")
    fails(["--filter", "pid=abc"], ["'abc'", "pid"], "--filter pid=abc")
    fails(["--filter", "pid=-1"], ["'-1'"], "--filter pid=-1")
    fails(["--events", "openat", "--filter", "openat.pathnme=/x"], ["pathnme", "pathname"], "--filter openat.pathnme")
    fails(["--events", "openat", "--filter", "opnat.pathname=/x"], ["opnat", "did you mean 'openat'"],
          "--filter opnat.pathname")
    fails(["--events", "execve", "--filter", "openat.pathname=/x"], ["openat", "--events"],
          "argument filter on an untraced event")
    fails(["--filter", "openat.retval<x"], ["'x'"], "--filter openat.retval<x")
    fails(["--filter", "container", "--filter", "host"], ["container and host"], "container + host")
    fails(["--output", "yaml"], ["yaml"], "--output yaml")
    fails(["--ringbuf-size", "5000"], ["5000", "power of two"], "--ringbuf-size 5000")
    fails(["extra"], ["extra"], "a stray argument")

    # --- --output table: header, rows, no raw control characters ----------------------------------
    t = Tracee("trace", "--events", "execve,sched_process_exec", "--output", "table",
               "--filter", "comm=tr_hostile,tr_marker")
    with t:
        hpid, lines, rc = run([trigger("tr_hostile")])
        deadline = time.time() + 5
        while time.time() < deadline and sum(f" {hpid} " in l and "tr_marker" in l for l in t.lines) < 2:
            time.sleep(0.05)
        t.settle()
    c.check("table: tr_hostile exec'd the marker", rc == 0, str(lines[:2]))
    c.check("table: header first", t.lines[:1] and t.lines[0].split() == ["TIME", "UID", "COMM", "PID", "TID", "RET",
                                                                        "EVENT", "ARGS"], repr(t.lines[:1]))
    rows = [l.split(None, 7) for l in t.lines[1:]]
    mine = [r for r in rows if len(r) == 8 and r[3] == str(hpid) and r[2] == "tr_marker"]
    c.check("table: the marker's execve and sched_process_exec rows",
            sorted(r[6] for r in mine) == ["execve", "sched_process_exec"], repr(t.lines[:6])[:1500])
    c.check("table: every row has the 8 columns", all(len(r) == 8 for r in rows), repr([r for r in rows if len(r) != 8]))
    text = "\n".join(t.lines)
    c.check("table: no ESC byte", "\x1b" not in text)
    ctl = [(i, repr(text[max(0, i - 40):i + 5])) for i, ch in enumerate(text)
           if (ord(ch) < 0x20 and ch != "\n") or 0x7f <= ord(ch) <= 0x9f]
    c.check("table: no raw control characters", not ctl, str(ctl[:3]))
    c.check("table: no invalid UTF-8 bytes (no U+FFFD from decoding)", "\ufffd" not in text)
    for r in mine:
        if r[6] == "execve":
            a = r[7]
            c.check("table: execve args escaped (\\n, \\e, \\xff\\xfe) on one line",
                    f"pathname: {MARKER}" in a and "line1\\nline2" in a and "\\e[31mred\\e[0m" in a and
                    "bad\\xff\\xfeutf8" in a, a[:300])
            c.check("table: the execve row is bounded", len(a) < 8192, str(len(a)))

    # --- --output-file --------------------------------------------------------------------------
    fd, outpath = tempfile.mkstemp(prefix="tracee-trace-out-", suffix=".json")
    os.close(fd)
    try:
        t = Tracee("trace", "--events", "sched_process_exec", "--filter", "comm=tr_marker", "--output-file", outpath)
        with t:
            mpid, _, _ = run([MARKER])
            deadline = time.time() + 5
            while time.time() < deadline:
                with open(outpath, "rb") as f:
                    if f"\"hostProcessId\":{mpid}".encode() in f.read():
                        break
                time.sleep(0.05)
        rc = t.proc.returncode
        with open(outpath, "rb") as f:
            data = f.read().decode("utf-8")
        objs = [json.loads(l) for l in data.splitlines() if l.strip()]
        c.check("--output-file: exit 0", rc == 0, t.err)
        c.check("--output-file: nothing on stdout", not t.lines, repr(t.lines[:2]))
        c.check("--output-file: the marker's exec written as JSON",
                any(o["hostProcessId"] == mpid and o["eventName"] == "sched_process_exec" and
                    val(o, "pathname") == os.path.realpath(MARKER) for o in objs), data[:500])
        c.check("--output-file: file is JSON lines ending in a newline", data.endswith("\n"), repr(data[-50:]))
    finally:
        os.unlink(outpath)

    # --- --output none: nothing printed, counts on stderr, exit 0 --------------------------------------
    t = Tracee("trace", "--events", "sched_process_exec", "--filter", "comm=tr_marker", "--output", "none")
    t.start()
    try:
        for _ in range(3):
            run([MARKER])
        t.settle()
    finally:
        rc = t.stop()
    m = SUMMARY.search(t.err)
    c.check("--output none: exit 0", rc == 0, f"rc {rc}")
    c.check("--output none: nothing on stdout", not t.lines, repr(t.lines[:2]))
    c.check("--output none: summary line on stderr", m is not None, repr(t.err))
    if m:
        recv, printed, lost, bad = map(int, m.groups())
        c.check("--output none: the 3 execs counted as printed", printed == 3, m.group(0))
        c.check("--output none: received >= printed, nothing lost", recv >= printed and lost == 0 and bad == 0,
                m.group(0))
    c.done()


if __name__ == "__main__":
    main()
