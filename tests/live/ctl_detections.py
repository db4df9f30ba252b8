# SPDX-License-Identifier: LGPL-2.1-or-later
"""traceectl detections: from journal files (written with systemd-journal-remote, so no journald
is needed) with -n, --since and --rule, as text and JSON; and --follow against the real agent on a
private bus, which must print the finding of a trigger and exit 0 on SIGINT.

Forgery: only entries journald itself says root wrote, from tracee.service or the agent's executable
(_UID, _SYSTEMD_UNIT, _EXE), are detections. In the journal files, entries with the right MESSAGE_ID,
TRACEE_RULE_ID and TRACEE_DETECTION but another origin are left out, and --json writes the parsed
finding again (one line, each key once, no raw control characters) rather than the stored text. Then,
in a private mount namespace with a journald of its own, uid 65534 writes forged detections with
`logger --journald` and with sd_journal_send() (under the comm "tracee", claiming _UID=0 and the
agent's unit and executable), the real agent writes a real one: traceectl detections, and the
README's `journalctl _UID=0 _EXE=...` recipe, list the real one and none of the forged.
"""
import json
import os
import re
import struct
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TRACEE, TRACEECTL, Checks, Tracee, require_root_bpf, trigger  # noqa: E402
from privbus import PrivateBus, as_nobody  # noqa: E402
from agent_service import reexec_in_mount_ns, start_journald  # noqa: E402

CTL = TRACEECTL
JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote"
DETECTION = "91deb1d1573346378d31cbd905ff1af1"


AGENT = {"_UID": "0", "_SYSTEMD_UNIT": "tracee.service", "_COMM": "tracee"}


def field(name, value):
    """One field of the journal export format; binary-safe (a value may hold newlines)."""
    data = value.encode()
    if b"\n" in data:
        return name.encode() + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"
    return name.encode() + b"=" + data + b"\n"


def entry(usec, rule, severity, message, origin=AGENT, detection=None):
    if detection is None:
        detection = json.dumps({"rule": {"id": rule, "severityName": severity}, "summary": message})
    fields = dict(origin, __REALTIME_TIMESTAMP=str(usec), MESSAGE=message, MESSAGE_ID=DETECTION,
                  TRACEE_RULE_ID=rule, TRACEE_SEVERITY=severity, TRACEE_PID="42", TRACEE_COMM="x",
                  TRACEE_DETECTION=detection)
    return b"".join(field(k, v) for k, v in fields.items()) + b"\n"


def write_journal(t, work, name, export):
    jdir = os.path.join(work, name)
    os.mkdir(jdir)
    r = subprocess.run([JOURNAL_REMOTE, "--output=" + os.path.join(jdir, "t.journal"), "-"], input=export,
                       capture_output=True)
    return jdir if t.check(f"journal file {name} written", r.returncode == 0, r.stderr.decode(errors="replace")) \
        else None


def agent_path():
    """The installed agent's path traceectl trusts by default, as its --help says."""
    r = subprocess.run([CTL, "--help"], capture_output=True, text=True)
    m = re.search(r"--agent-exe PATH .* not (/\S+)", r.stdout)
    return m.group(1) if m else "/usr/sbin/tracee"


def check_journal(t, work):
    now = int(time.time() * 1e6)
    installed = dict(AGENT, _SYSTEMD_UNIT="session-1.scope", _EXE=agent_path())
    forged = [
        ("no origin at all", {}),
        ("uid 65534 in the agent's unit", dict(AGENT, _UID="65534")),
        ("uid 65534 running the agent's executable", dict(installed, _UID="65534")),
        ("another root service", dict(AGENT, _SYSTEMD_UNIT="cron.service", SYSLOG_IDENTIFIER="tracee")),
        ("a user's own tracee.service", {"_UID": "1000", "_SYSTEMD_UNIT": "user@1000.service",
                                         "_SYSTEMD_USER_UNIT": "tracee.service", "_COMM": "tracee"}),
    ]
    export = (entry(now - 7200 * 10**6, "TRC-2", "high", "two hours ago")
              + b"".join(entry(now - 3600 * 10**6 + i, "TRC-2", "critical", "forged: " + what, origin)
                         for i, (what, origin) in enumerate(forged))
              + entry(now - 600 * 10**6, "TRC-4", "medium", "ten minutes ago", installed)
              + entry(now - 60 * 10**6, "TRC-2", "high", "a minute ago")
              + f"__REALTIME_TIMESTAMP={now}\nMESSAGE=not a detection\n\n".encode())
    jdir = write_journal(t, work, "journal", export)
    if not jdir:
        return

    def ctl(*args):
        return subprocess.run([CTL, "detections", "-D", jdir] + list(args), capture_output=True, text=True)

    def messages(r):
        return [l.split("] ", 1)[1] for l in r.stdout.splitlines()]

    r = ctl()
    t.check("default: every detection, oldest first, nothing else",
            messages(r) == ["two hours ago", "ten minutes ago", "a minute ago"], r.stdout + r.stderr)
    r = ctl("-n", "1")
    t.check("-n 1: the newest", messages(r) == ["a minute ago"], r.stdout)
    r = ctl("--since", "-30min")
    t.check("--since -30min", messages(r) == ["ten minutes ago", "a minute ago"], r.stdout)
    r = ctl("--since", "1 hour ago", "--rule", "trc-2")
    t.check("--since '1 hour ago' --rule trc-2", messages(r) == ["a minute ago"], r.stdout)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now / 1e6 - 3 * 3600))
    r = ctl("--since", stamp, "-n", "2")
    t.check("--since 'YYYY-MM-DD HH:MM:SS' -n 2", messages(r) == ["ten minutes ago", "a minute ago"], r.stdout)
    r = ctl("--json", "--rule", "TRC-2")
    try:
        objs = [json.loads(l) for l in r.stdout.splitlines()]
    except ValueError:
        objs = None
    t.check("--json: the findings, one a line",
            objs is not None and [o["summary"] for o in objs] == ["two hours ago", "a minute ago"], r.stdout)
    r = ctl("-n", "all", "--agent-exe", "/opt/elsewhere/tracee")
    t.check("--agent-exe elsewhere: the installed path's entry no longer trusted, the unit's still",
            messages(r) == ["two hours ago", "a minute ago"], r.stdout + r.stderr)
    check_reserialised(t, work, now)


def check_reserialised(t, work, now):
    """What --json prints is the parsed finding written again, not the stored text."""
    docs = [('{"rule":{"id":"TRC-2","severityName":"high"},"summary":"dup","summary":"twice"}', "a duplicate key"),
            ('{"rule":{"id":"TRC-2"},"summary":"first"}\n{"rule":{"id":"TRC-9"},"summary":"injected"}',
             "a second document after a newline"),
            ('{"rule":{"id":"TRC-2"},"summary":"raw \x1b[2J escape"}', "a raw control character"),
            ('{"rule":{"id":"TRC-2"},"summary":"ok"} trailing', "text after the document")]
    export = b"".join(entry(now - 100 * 10**6 + i, "TRC-2", "high", "doc " + what, detection=doc)
                      for i, (doc, what) in enumerate(docs))
    jdir = write_journal(t, work, "stuffed", export)
    if not jdir:
        return
    r = subprocess.run([CTL, "--json", "detections", "-D", jdir, "-n", "all"], capture_output=True)
    lines = r.stdout.decode(errors="replace").splitlines()
    objs = []

    def no_dups(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError("duplicate key " + repr(keys))
        return dict(pairs)
    try:
        objs = [json.loads(l, object_pairs_hook=no_dups) for l in lines]
    except ValueError as e:
        objs = None
        lines.append(f"({e})")
    t.check("--json of stuffed documents: one valid line each, no key twice",
            objs is not None and len(objs) == len(docs), "\n".join(lines) + r.stderr.decode(errors="replace"))
    t.check("--json of stuffed documents: nothing injected, no raw control character",
            b"injected" not in r.stdout and b"TRC-9" not in r.stdout and b"\x1b" not in r.stdout, r.stdout)
    t.check("--json of stuffed documents: all of the right rule",
            objs is not None and all(o.get("rule", {}).get("id") == "TRC-2" for o in objs), r.stdout)


def check_follow(t, work):
    conf = os.path.join(work, "tracee.conf")
    os.mkdir(os.path.join(work, "state"))
    with open(conf, "w") as f:
        f.write(f"[agent]\nstate_directory = {work}/state\n[output]\njournal = no\n")
    with PrivateBus() as bus:
        with Tracee("--config", conf, "--output", "none", env={"DBUS_SYSTEM_BUS_ADDRESS": bus.address}) as agent:
            for _ in range(100):
                if subprocess.run([CTL, "status"], env=bus.env(), capture_output=True).returncode == 0:
                    break
                agent.settle(0.05)
            f = subprocess.Popen([CTL, "--json", "detections", "--follow", "--rule", "TRC-2"], env=bus.env(),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(0.5)
            subprocess.run([trigger("trc2_traceme")], capture_output=True)
            agent.settle(1.0)
            f.send_signal(signal.SIGINT)
            out, err = f.communicate(timeout=10)
    t.check("--follow exits 0 on SIGINT", f.returncode == 0, err)
    try:
        objs = [json.loads(l) for l in out.splitlines()]
    except ValueError:
        objs = []
    t.check("--follow printed the TRC-2 finding of the trigger",
            any(o.get("rule", {}).get("id") == "TRC-2" for o in objs)
            and all(o.get("rule", {}).get("id") == "TRC-2" for o in objs), out + err)


JOURNALD = "/lib/systemd/systemd-journald"
FORGE_FIELDS = ["MESSAGE_ID=" + DETECTION, "TRACEE_RULE_ID=TRC-2", "TRACEE_SEVERITY=critical",
                "TRACEE_RULE_NAME=Anti-Debugging", "TRACEE_PID=1", "TRACEE_COMM=sshd",
                # journald must drop these: a client cannot set the fields it sets itself
                "_UID=0", "_SYSTEMD_UNIT=tracee.service", "_COMM=tracee"]
# uid 65534 calls sd_journal_send() itself, under the agent's comm; no file of ours to reach
SD_JOURNAL_SEND = """
import ctypes, sys
ctypes.CDLL(None).prctl(15, b"tracee", 0, 0, 0)
args = []
for f in sys.argv[1:]:
    args += [ctypes.c_char_p(b"%s"), ctypes.c_char_p(f.encode())]
r = ctypes.CDLL("libsystemd.so.0").sd_journal_send(*args, None)
sys.exit(1 if r < 0 else 0)
"""


def forge(how, exe):
    msg = f"forged with {how}"
    fields = FORGE_FIELDS + ["_EXE=" + exe, "MESSAGE=" + msg,
                             "TRACEE_DETECTION=" + json.dumps({"rule": {"id": "TRC-2", "severityName": "critical"},
                                                               "summary": msg})]
    if how == "logger":
        r = subprocess.run(as_nobody(["logger", "--journald"]), input="\n".join(fields) + "\n",
                           capture_output=True, text=True)
    else:
        # the system's python: uid 65534 may not reach this one (a pyenv under a private /root)
        python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
        r = subprocess.run(as_nobody([python, "-c", SD_JOURNAL_SEND] + fields), capture_output=True, text=True)
    return msg, r


def journal_entries(*matches):
    subprocess.run(["journalctl", "--sync"], capture_output=True)
    out = subprocess.run(["journalctl", "--all", "--no-pager", "-o", "json"] + list(matches),
                         capture_output=True, text=True)
    return [json.loads(l) for l in out.stdout.splitlines() if l.strip()]


def check_forgery(t, work):
    exe = os.path.realpath(TRACEE)  # what journald records as _EXE
    conf = os.path.join(work, "forgery.conf")
    os.mkdir(os.path.join(work, "fstate"))
    with open(conf, "w") as f:
        f.write(f"[agent]\nstate_directory = {work}/fstate\n[output]\njournal = yes\n")
    forged = []
    start = time.time()
    with PrivateBus() as bus:
        with Tracee("--config", conf, "--output", "none", env={"DBUS_SYSTEM_BUS_ADDRESS": bus.address}) as agent:
            for how in ("logger", "sd_journal_send"):
                msg, r = forge(how, exe)
                t.check(f"uid 65534 wrote a forged detection with {how}", r.returncode == 0, r.stderr)
                forged.append(msg)
            p = subprocess.run([trigger("trc2_traceme")], capture_output=True, text=True)
            pid = p.stdout.split()[0] if p.stdout.split() else "?"
            deadline = time.time() + 10
            while time.time() < deadline and not journal_entries("MESSAGE_ID=" + DETECTION, "_EXE=" + exe,
                                                                 "TRACEE_PID=" + pid):
                agent.settle(0.2)
    ents = journal_entries("MESSAGE_ID=" + DETECTION, "TRACEE_RULE_ID=TRC-2")
    fake = [e for e in ents if e.get("MESSAGE") in forged]
    # The agent watches the whole host: other processes' findings (other tests) may be there too.
    real2 = [e["MESSAGE"] for e in ents if e.get("_EXE") == exe and e.get("_UID") == "0"]
    ours = [e["MESSAGE"] for e in ents if e.get("_EXE") == exe and e.get("_UID") == "0" and
            e.get("TRACEE_PID") == pid]
    # Without these the checks below would prove nothing.
    t.check("the forged entries are in the journal with the right MESSAGE_ID and TRACEE_RULE_ID, as uid 65534",
            len(fake) == 2 and all(e.get("TRACEE_RULE_ID") == "TRC-2" and e.get("_UID") == "65534" and
                                   e.get("_SYSTEMD_UNIT") != "tracee.service" and e.get("_EXE") != exe
                                   for e in fake),
            [(e.get("MESSAGE"), e.get("_UID"), e.get("_EXE"), e.get("_COMM")) for e in fake])
    t.check("the agent's TRC-2 detection of the trigger is in the journal", len(ours) == 1, (pid, real2[:5]))
    if not ours:
        return

    def ctl(*args):
        return subprocess.run([CTL] + list(args), capture_output=True, text=True)

    def cut(text):
        return text if len(text) < 3000 else text[:3000] + " ..."

    # Only what these processes wrote is checked: other tests may flood the agent meanwhile, and
    # journald may still be writing what it received.
    since = ("--since", "@" + str(int(start) - 1))
    r = ctl("detections", "-n", "all", *since)
    t.check("detections (trusting only tracee.service and " + agent_path() + "): no forged entry",
            r.returncode == 0 and not any(m in r.stdout for m in forged), cut(r.stdout + r.stderr))
    r = ctl("detections", "--rule", "TRC-2", "-n", "all", "--agent-exe", TRACEE, *since)
    lines = [l.split("] ", 1)[-1] for l in r.stdout.splitlines()]
    t.check("detections --agent-exe BUILD/tracee: the agent's detection, no forged one",
            r.returncode == 0 and ours[0] in lines and not any(m in lines for m in forged), cut(r.stdout + r.stderr))
    r = ctl("--json", "detections", "--rule", "TRC-2", "-n", "all", "--agent-exe", TRACEE, *since)
    try:
        objs = [json.loads(l) for l in r.stdout.splitlines()]
    except ValueError:
        objs = []
    t.check("--json detections --rule TRC-2 --agent-exe: the trigger's finding, no forged one",
            all(o.get("summary") not in forged and o.get("rule", {}).get("id") == "TRC-2" for o in objs) and
            any(str(o.get("process", {}).get("pid")) == pid for o in objs), cut(r.stdout + r.stderr))
    # The README's recipe, with _EXE for the unit the agent does not run in here.
    recipe = [e.get("MESSAGE") for e in journal_entries("_UID=0", "_EXE=" + exe, "TRACEE_RULE_ID=TRC-2")]
    t.check("journalctl _UID=0 _EXE=... TRACEE_RULE_ID=TRC-2: the real detection, no forged one",
            ours[0] in recipe and not any(m in recipe for m in forged), cut(repr(recipe)))


def main():
    require_root_bpf()
    if not os.path.exists(CTL):
        print(f"FAIL - {CTL} was not built")
        return 1
    live_journal = shutil.which("unshare") is not None and os.path.exists(JOURNALD) and \
        shutil.which("logger") is not None and shutil.which("setpriv") is not None
    if live_journal and os.environ.get("TRACEE_TEST_IN_NS") != "1":
        # A journald of its own in a private mount namespace (see agent_service.py).
        reexec_in_mount_ns()
    t = Checks()
    work = tempfile.mkdtemp(prefix="tracee-ctl-")
    os.chmod(work, 0o755)
    jd = None
    try:
        if os.path.exists(JOURNAL_REMOTE):
            check_journal(t, work)
        else:
            print("# systemd-journal-remote not installed: journal reading not checked")
        check_follow(t, work)
        if live_journal:
            jd = start_journald()
            check_forgery(t, work)
        else:
            print("# unshare, systemd-journald, logger or setpriv missing: forged entries not checked")
    finally:
        if jd:
            jd.terminate()
            jd.wait()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{t.passed} passed, {t.failed} failed")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main() or 0)
