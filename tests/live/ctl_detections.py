# SPDX-License-Identifier: LGPL-2.1-or-later
"""traceectl detections: from journal files (written with systemd-journal-remote, so no journald
is needed) with -n, --since and --rule, as text and JSON; and --follow against the real agent on a
private bus, which must print the finding of a trigger and exit 0 on SIGINT.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TRACEECTL, Checks, Tracee, require_root_bpf, trigger  # noqa: E402
from privbus import PrivateBus  # noqa: E402

CTL = TRACEECTL
JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote"
DETECTION = "91deb1d1573346378d31cbd905ff1af1"


def entry(usec, rule, severity, message):
    finding = json.dumps({"rule": {"id": rule, "severityName": severity}, "summary": message})
    return (f"__REALTIME_TIMESTAMP={usec}\nMESSAGE={message}\nMESSAGE_ID={DETECTION}\nTRACEE_RULE_ID={rule}\n"
            f"TRACEE_SEVERITY={severity}\nTRACEE_PID=42\nTRACEE_COMM=x\nTRACEE_DETECTION={finding}\n\n")


def check_journal(t, work):
    now = int(time.time() * 1e6)
    export = (entry(now - 7200 * 10**6, "TRC-2", "high", "two hours ago")
              + entry(now - 600 * 10**6, "TRC-4", "medium", "ten minutes ago")
              + entry(now - 60 * 10**6, "TRC-2", "high", "a minute ago")
              + f"__REALTIME_TIMESTAMP={now}\nMESSAGE=not a detection\n\n")
    jdir = os.path.join(work, "journal")
    os.mkdir(jdir)
    r = subprocess.run([JOURNAL_REMOTE, "--output=" + os.path.join(jdir, "t.journal"), "-"], input=export,
                       capture_output=True, text=True)
    if not t.check("journal file written", r.returncode == 0, r.stderr):
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


def main():
    require_root_bpf()
    if not os.path.exists(CTL):
        print(f"FAIL - {CTL} was not built")
        return 1
    t = Checks()
    work = tempfile.mkdtemp(prefix="tracee-ctl-")
    try:
        if os.path.exists(JOURNAL_REMOTE):
            check_journal(t, work)
        else:
            print("# systemd-journal-remote not installed: journal reading not checked")
        check_follow(t, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{t.passed} passed, {t.failed} failed")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main() or 0)
