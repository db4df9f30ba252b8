# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hostile traced processes: tests/triggers/hostile_exec runs with 10 000 arguments (about 1 MiB:
eight of 128 KiB - 1) and 10 000 environment entries, through a symlink whose name holds ESC, a
newline and invalid UTF-8, with a hostile LD_PRELOAD value, comms set to terminal escapes and
invalid UTF-8 (prctl PR_SET_NAME and /proc/self/comm), and a memfd with a hostile name it executes.

Everything Tracee prints about it must be bounded and escaped:
  - trace JSON: every line valid UTF-8 and strict JSON, no raw ESC or other control byte, the
    hostile strings round-trip (ESC as \\u001b, invalid bytes as U+FFFD), argv marked truncated and
    the line bounded;
  - trace table and finding table: no ESC, no C0 or C1 control character but the newlines;
  - finding JSON (TRC-2 for both comms, TRC-7, TRC-5): as for trace JSON;
  - the journal (a private journald, as agent_service.py): MESSAGE one line without control
    characters, TRACEE_COMM / TRACEE_EXE printable, TRACEE_DETECTION strict JSON.
The agent must not report malformed records and must exit 0.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, Tracee, require_root_bpf, trigger  # noqa: E402
from agent_service import reexec_in_mount_ns, start_journald  # noqa: E402

t = Checks()
COMM1 = "\x1b[2J\n\ufffd\ufffd\x9bX"            # HOSTILE_COMM as JSON shows it
COMM2 = "\x1b]0;pwn\x07\r\t"
LINK = "evil\x1b[31m\nname\ufffd\ufffd\x9b"
MAX_LINE = 64 * 1024


def journal(*matches):
    """Entries as JSON; --all, or journalctl shows fields over 4 KiB (a big finding) as null."""
    subprocess.run(["journalctl", "--sync"], capture_output=True)
    out = subprocess.run(["journalctl", "--all", "--no-pager", "-o", "json"] + list(matches),
                         capture_output=True, text=True)
    return [json.loads(l) for l in out.stdout.splitlines() if l.strip()]


class RawTracee(Tracee):
    """Keeps stdout as raw bytes too (the harness decodes with replacement, which would hide invalid
    UTF-8)."""

    def start(self):
        self.raw = []
        super().start()

    def _read_out(self):
        for raw in self.proc.stdout:
            with self._lock:
                self.raw.append(raw)
                self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    def rawbytes(self):
        with self._lock:
            return b"".join(self.raw)


def run_trigger(tmp):
    p = subprocess.run([trigger("hostile_exec"), tmp], capture_output=True, timeout=60)
    out = p.stdout.decode().split()
    ok = p.returncode == 0 and out[-1:] == ["done"]
    t.check("hostile_exec ran through its three stages", ok, p.stderr[-300:])
    pid = int(out[0])
    kids = [int(out[i + 1]) for i, w in enumerate(out) if w == "child"]
    return pid, kids


def controls(text, allow_newline):
    """Control characters (C0 but newline where allowed, DEL, C1) in decoded text."""
    return [c for c in text if (ord(c) < 0x20 and not (allow_newline and c == "\n")) or 0x7f <= ord(c) <= 0x9f]


def check_json_stream(name, raw):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        t.check(f"{name}: output is valid UTF-8", False, str(e))
        return []
    t.check(f"{name}: output is valid UTF-8", True)
    t.check(f"{name}: no raw ESC byte", b"\x1b" not in raw)
    objs, bad = [], []
    for line in text.splitlines():
        if not line.strip():
            continue
        if controls(line, False):
            bad.append(line[:200])
            continue
        try:
            objs.append((json.loads(line), len(line.encode())))     # strict: no raw control characters
        except ValueError as e:
            bad.append(f"{e}: {line[:200]}")
    t.check(f"{name}: every line strict JSON with no raw control character", not bad, bad[:2])
    return objs


def check_table(name, raw, pids):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        t.check(f"{name}: output is valid UTF-8", False, str(e))
        return
    t.check(f"{name}: no ESC byte reaches the terminal", b"\x1b" not in raw)
    t.check(f"{name}: no C0/C1 control character but newlines", not controls(text, True),
            repr(controls(text, True)[:10]))
    mine = [l for l in text.splitlines() if any(str(p) in l for p in pids)]
    t.check(f"{name}: the hostile process is in the output", bool(mine))
    t.check(f"{name}: lines bounded", all(len(l) < MAX_LINE for l in text.splitlines()))


def strings_in(o):
    if isinstance(o, str):
        yield o
    elif isinstance(o, dict):
        for v in o.values():
            yield from strings_in(v)
    elif isinstance(o, list):
        for v in o:
            yield from strings_in(v)


def test_trace(tmp):
    with RawTracee("trace", "--events", "execve,execveat,ptrace,prctl,memfd_create", "--output", "json") as a:
        pid, kids = run_trigger(tmp)
        a.settle(1.0)
        rc = a.stop()
        t.check("trace json: exits 0", rc == 0, a.err[-300:])
        t.check("trace json: no malformed records", "malformed record" not in a.err, a.err[-300:])
        objs = check_json_stream("trace json", a.rawbytes())
    mine = [(o, n) for o, n in objs if o.get("hostProcessId") in [pid] + kids]
    ex = [(o, n) for o, n in mine if o["eventName"] == "execve" and any(LINK in s for s in strings_in(o))]
    t.check("trace json: the execve through the hostile symlink, its name round-trips", len(ex) == 1,
            [o["args"] for o, _ in mine if o["eventName"] == "execve"][:1])
    if ex:
        o, n = ex[0]
        argv = [x for x in o["args"] if x["name"] == "argv"]
        t.check("trace json: argv of 10 000 entries / 1 MiB is marked truncated", argv and argv[0].get("truncated"))
        t.check(f"trace json: the event is bounded ({n} bytes)", n < MAX_LINE)
        vals = argv[0]["value"] if argv else []
        t.check("trace json: newline, ESC and invalid UTF-8 arguments round-trip",
                "line1\nline2\r\n" in vals and "\x1b[31mred\x1b[0m\x07\x7f" in vals and
                any(v.startswith("bad\ufffd\ufffdutf8") for v in vals), vals[:5])
    names = {o["processName"] for o, _ in mine if o["eventName"] == "ptrace"}
    t.check("trace json: both hostile comms round-trip", COMM1 in names and COMM2 in names, names)
    with RawTracee("trace", "--events", "execve,execveat,ptrace", "--output", "table") as a:
        pid, kids = run_trigger(tmp)
        a.settle(1.0)
        a.stop()
        check_table("trace table", a.rawbytes(), [pid] + kids)


def test_detect(tmp):
    state = os.path.join(tmp, "state")
    os.makedirs(state, exist_ok=True)
    conf = os.path.join(tmp, "tracee.conf")
    with open(conf, "w") as f:
        f.write(f"[agent]\nstate_directory = {state}\n[output]\njournal = yes\n")
    with RawTracee("--config", conf, "--output", "json") as a:
        pid, kids = run_trigger(tmp)
        a.wait_for(lambda o: o["rule"]["id"] == "TRC-5" and o["process"]["pid"] == pid, 5)
        a.settle(0.5)
        rc = a.stop()
        t.check("detect json: exits 0", rc == 0, a.err[-300:])
        t.check("detect json: no malformed records", "malformed record" not in a.err, a.err[-300:])
        objs = check_json_stream("finding json", a.rawbytes())
    f = [o for o, _ in objs if o["process"]["pid"] in [pid] + kids]
    by = {}
    for o in f:
        by.setdefault(o["rule"]["id"], []).append(o)
    comms = {o["process"]["comm"] for o in by.get("TRC-2", [])}
    t.check("finding json: TRC-2 for both hostile comms, which round-trip", COMM1 in comms and COMM2 in comms,
            comms)
    t7 = [s for o in by.get("TRC-7", []) for s in strings_in(o["data"])]
    t.check("finding json: TRC-7 on the hostile LD_PRELOAD, value round-trips",
            any("/nonexistent/\x1b]0;pwned\x07\n\ufffd\ufffd.so" in s for s in t7), t7)
    t5 = by.get("TRC-5", [])
    t.check("finding json: TRC-5 on the memfd exec", len(t5) >= 1, list(by))
    if t5:
        t.check("finding json: the hostile memfd name is escaped", any(
            "file\nless" in s for s in strings_in(t5[0])), t5[0]["process"])
    t.check("finding json: every finding bounded", all(n < MAX_LINE for _, n in objs))

    # the journal: every finding for these pids
    time.sleep(0.5)
    ents = [e for p in [pid] + kids for e in journal(f"TRACEE_PID={p}")]
    t.check("journal: the findings are there", len(ents) >= 4, len(ents))
    bad = []
    for e in ents:
        for k in ("MESSAGE", "TRACEE_COMM", "TRACEE_EXE"):
            v = e.get(k)
            if not isinstance(v, str) or controls(v, False) or len(v) > 8192:
                bad.append((k, v))
        try:
            json.loads(e.get("TRACEE_DETECTION", ""))
        except (ValueError, TypeError) as x:
            bad.append(("TRACEE_DETECTION", str(x)))
    t.check("journal: MESSAGE, TRACEE_COMM, TRACEE_EXE printable one-line text; TRACEE_DETECTION JSON", not bad,
            bad[:3])
    t.check("journal: escapes shown as text (\\e, \\xNN)", any("\\e[2J" in e.get("TRACEE_COMM", "") for e in ents),
            [e.get("TRACEE_COMM") for e in ents])

    with RawTracee("--config", conf, "--output", "table", "--journal=no") as a:
        pid, kids = run_trigger(tmp)
        a.settle(1.5)
        a.stop()
        check_table("finding table", a.rawbytes(), [pid] + kids)


def main():
    require_root_bpf()
    reexec_in_mount_ns()
    tmp = tempfile.mkdtemp(prefix="tracee-hostile-")
    jd = start_journald()
    try:
        test_trace(tmp)
        test_detect(tmp)
    finally:
        jd.terminate()
        jd.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
