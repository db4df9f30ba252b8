# SPDX-License-Identifier: LGPL-2.1-or-later
"""What a local user other than root can learn from the agent over D-Bus, and what a finding carries.

A root process starts /bin/true with LD_PRELOAD set (a TRC-7 finding), a marker in its argv and an
unrelated secret in its environment; TRC-2 has exceptions; a webhook's URL has a token in its path
and its query.

On a private dbus-daemon enforcing the project's policy (units/org.tracee.Agent1.conf, or the file
TRACEE_BUS_POLICY names: a run against another tree's policy), as uid 65534:
  - gdbus monitor (a plain match on the agent's signals) and dbus-monitor (which falls back to
    eavesdropping when BecomeMonitor is refused) receive no Detection at all;
  - DescribeRule shows how many exceptions TRC-2 has, not which; Describe shows the webhook as
    scheme://host:port, without the path or query token;
  - traceectl detections --follow is refused (exit 4), as SubscribeDetections is.
Root still gets all of it: the exceptions, the whole URL, and through traceectl detections --follow
the whole finding (argv, the matched variable).

On a bus whose policy lets everybody receive everything (the agent's own checks alone), uid 65534
gets only the redacted broadcast (rule, time, pid, uid: no argv, no path, no summary), and
SubscribeDetections is refused by the agent itself.

Everywhere (stdout, which the journal's TRACEE_DETECTION copies, the webhook, D-Bus) the TRC-7
finding names LD_PRELOAD and its value and never the secret environment variable.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TRACEECTL, Checks, Tracee, require_root_bpf, unprivileged_copy  # noqa: E402
from privbus import POLICY, PrivateBus, as_nobody  # noqa: E402
from webhook_listener import Listener  # noqa: E402

ARGV_MARK = "argvmark7f3a"
SECRET = "SECRET_TOKEN=hunter2-5b1c9e"
PRELOAD = "/nonexistent/tracee-bus-privacy.so"
EXC_COMM = "hidecomm9d2e"
EXC_EXE = "/opt/hidden-9d2e/**"
PATH_TOKEN = "pathtok4c8b1"
QUERY_TOKEN = "querytok6e0d2"

PERMISSIVE = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root"><allow own="org.tracee.Agent1"/></policy>
  <policy context="default">
    <allow send_destination="org.tracee.Agent1"/>
    <allow receive_sender="org.tracee.Agent1"/>
    <allow receive_sender="org.tracee.Agent1" eavesdrop="true"/>
  </policy>
</busconfig>
"""


def trigger_trc7():
    """A root process started with LD_PRELOAD, a marker in argv and a secret in its environment."""
    env = {"PATH": "/usr/bin:/bin", "LD_PRELOAD": PRELOAD, SECRET.split("=")[0]: SECRET.split("=", 1)[1]}
    p = subprocess.Popen(["/bin/sh", "-c", 'echo $$; exec /bin/true "$1"', "sh", ARGV_MARK], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out, _ = p.communicate(timeout=10)
    return int(out.split()[0])


def start_monitor(argv, bus):
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=bus.env(),
                         start_new_session=True)
    return p


class Reader:
    """Collects a process's stdout lines in a thread, so that one can wait for a line."""

    def __init__(self, p):
        self.p, self.lines = p, []
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        for line in self.p.stdout:
            self.lines.append(line)

    def wait_for(self, pred, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(pred(l) for l in list(self.lines)):
                return True
            time.sleep(0.1)
        return False


def stop_monitor(p):
    try:
        os.killpg(p.pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    try:
        out, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
    return out, err


def leaked(text):
    """The markers of the root process and of the configuration that must not reach others."""
    return [m for m in (ARGV_MARK, SECRET, PRELOAD, EXC_COMM, "hidden-9d2e", PATH_TOKEN, QUERY_TOKEN) if m in text]


def write_conf(tmp, lis):
    conf = os.path.join(tmp, "tracee.conf")
    with open(conf, "w") as f:
        # only TRC-7 enabled: other tests running at the same time raise findings of the other rules
        f.write(f"[agent]\nstate_directory = {tmp}/state\nrules = TRC-7\n[output]\njournal = no\n"
                f"[rule TRC-2]\nexception_comm = {EXC_COMM}\nexception_exe = {EXC_EXE}\n"
                f"[webhook hook]\nurl = {lis.url}hooks/{PATH_TOKEN}?token={QUERY_TOKEN}\nformat = json\n")
    os.makedirs(os.path.join(tmp, "state"), exist_ok=True)
    return conf


def check_finding_payloads(t, a, lis, pid, where):
    """stdout (the journal's TRACEE_DETECTION is the same document) and the webhook."""
    got = a.wait_for(lambda o: o["rule"]["id"] == "TRC-7" and o["process"]["pid"] == pid, 5)
    line = next((l for l in a.lines if f'"pid":{pid},' in l and '"TRC-7"' in l), "")
    # two execs with it: sh's and true's
    t.check(f"{where}: the TRC-7 finding on stdout names LD_PRELOAD and its value",
            got and all(o["data"].get("variable") == "LD_PRELOAD" and o["data"].get("value") == PRELOAD
                        for o in got), line[:400])
    t.check(f"{where}: the stdout/journal document keeps argv, not the secret environment variable",
            ARGV_MARK in line and SECRET not in line and "SECRET_TOKEN" not in line, line[:2000])
    deadline = time.time() + 10
    body = ""
    while time.time() < deadline:
        bodies = [r["body"].decode(errors="replace") for r in lis.requests if r.get("body")]
        body = next((b for b in bodies if f'"pid":{pid},' in b and "TRC-7" in b), "")
        if body:
            break
        time.sleep(0.1)
    t.check(f"{where}: the webhook's TRC-7 finding names LD_PRELOAD, not the secret",
            '"variable":"LD_PRELOAD"' in body and SECRET not in body and "SECRET_TOKEN" not in body,
            body[:2000] or "no webhook request")


def main():
    require_root_bpf()
    t = Checks()
    policy = os.environ.get("TRACEE_BUS_POLICY", POLICY)
    tmp = tempfile.mkdtemp(prefix="tracee-busprivacy-")
    os.chmod(tmp, 0o755)
    lis = Listener("ok", falco=False)
    conf = write_conf(tmp, lis)

    def ctl(bus, *args, nobody=False):
        argv = [TRACEECTL] + list(args)
        if nobody:
            # a copy nobody can reach wherever the build tree is (a clone in a private /root)
            argv = as_nobody([unprivileged_copy(TRACEECTL)] + list(args))
        return subprocess.run(argv, capture_output=True, text=True, timeout=30, env=bus.env())

    # 1. The shipped policy: others receive no Detection at all; root subscribes and gets the whole finding.
    with PrivateBus(policy=policy) as bus:
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = bus.address
        with Tracee("--config", conf, "--output", "json") as a:
            r = ctl(bus, "--json", "rule", "show", "TRC-2", nobody=True)
            t.check("DescribeRule as nobody: answered", r.returncode == 0, r.stderr)
            t.check("DescribeRule as nobody: no exception shown", not leaked(r.stdout), r.stdout[:1500])
            try:
                js = json.loads(r.stdout)
            except ValueError:
                js = {}
            t.check("DescribeRule as nobody: the count of exceptions", js.get("exceptionsCount") == 2, r.stdout[:600])
            r = ctl(bus, "--json", "rule", "show", "TRC-2")
            t.check("DescribeRule as root: the exceptions", r.returncode == 0 and EXC_COMM in r.stdout and
                    EXC_EXE in r.stdout, r.stdout[:1500] + r.stderr)

            r = ctl(bus, "--json", "status", nobody=True)
            t.check("Describe as nobody: no URL path or query token", r.returncode == 0 and
                    PATH_TOKEN not in r.stdout and QUERY_TOKEN not in r.stdout, r.stdout[-1500:] + r.stderr)
            t.check("Describe as nobody: the webhook as scheme://host:port",
                    f'"url":"http://127.0.0.1:{lis.port}"' in r.stdout, r.stdout[-800:])
            r = ctl(bus, "--json", "status")
            t.check("Describe as root: the whole URL", PATH_TOKEN in r.stdout and QUERY_TOKEN in r.stdout,
                    r.stdout[-800:])

            mons = {
                "gdbus monitor as nobody": start_monitor(as_nobody(["gdbus", "monitor", "--system", "--dest",
                                                                    "org.tracee.Agent1"]), bus),
                "dbus-monitor as nobody": start_monitor(as_nobody(["dbus-monitor", "--system",
                                                                   "type='signal',interface='org.tracee.Agent1'"]),
                                                        bus),
            }
            follow_root = start_monitor([TRACEECTL, "detections", "--follow", "--json"], bus)
            follow_reader = Reader(follow_root)
            follow_nobody = subprocess.run(as_nobody(["timeout", "5", unprivileged_copy(TRACEECTL), "detections", "--follow"]),
                                           capture_output=True, text=True, timeout=30, env=bus.env())
            time.sleep(1.5)
            pid = trigger_trc7()
            check_finding_payloads(t, a, lis, pid, "policy bus")
            time.sleep(1.5)
            outs = {k: stop_monitor(p) for k, p in mons.items()}
            for k, (out, err) in outs.items():
                t.check(f"{k}: no Detection signal, nothing of the finding", "Detection" not in out and
                        not leaked(out), out[-1500:] + err[-300:])
            t.check("detections --follow as nobody: refused, exit 4, says root", follow_nobody.returncode == 4 and
                    "root" in follow_nobody.stderr, f"{follow_nobody.returncode} {follow_nobody.stderr}")
            # other tests' findings may be queued before ours: wait for it (bounded) rather than a fixed time
            follow_reader.wait_for(lambda l: f'"pid":{pid},' in l and "TRC-7" in l, 20)
            time.sleep(0.5)
            os.killpg(follow_root.pid, signal.SIGINT)
            try:
                follow_root.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(follow_root.pid, signal.SIGKILL)
                follow_root.wait()
            follow_reader.t.join(5)
            err = follow_root.stderr.read()
            out = "".join(follow_reader.lines)
            lines = [json.loads(l) for l in out.splitlines() if l.strip().startswith("{")]
            mine = [o for o in lines if o.get("process", {}).get("pid") == pid and o["rule"]["id"] == "TRC-7"]
            n_stdout = len([o for o in a.json() if o["rule"]["id"] == "TRC-7" and o["process"]["pid"] == pid])
            t.check("detections --follow as root: the whole finding, each once", mine and len(mine) == n_stdout and
                    all(o.get("data", {}).get("value") == PRELOAD and ARGV_MARK in json.dumps(o) for o in mine),
                    f"{len(mine)} vs {n_stdout} on stdout; followed: " +
                    " ".join(f"{o['rule']['id']}/{o['process']['pid']}" for o in lines)[:1000] + " " + err)
            t.check("detections --follow as root: not the secret environment variable", SECRET not in out and
                    "SECRET_TOKEN" not in out, out[:2000])
            rc = a.stop()
            t.check("policy bus: the agent exits 0 (under the sanitizers: no report)", rc == 0, a.err[-2000:])

    # 2. A bus that lets anyone receive anything: the agent's own checks.
    pdir = tempfile.mkdtemp(prefix="tracee-permissive-")
    ppol = os.path.join(pdir, "org.tracee.Agent1.conf")
    with open(ppol, "w") as f:
        f.write(PERMISSIVE)
    with PrivateBus(policy=ppol) as bus:
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = bus.address
        with Tracee("--config", conf, "--output", "json") as a:
            r = ctl(bus, "--json", "rule", "show", "TRC-2", nobody=True)
            t.check("permissive bus, DescribeRule as nobody: no exception shown", r.returncode == 0 and
                    not leaked(r.stdout), r.stdout[:1500] + r.stderr)
            r = ctl(bus, "--json", "status", nobody=True)
            t.check("permissive bus, Describe as nobody: no URL token", r.returncode == 0 and not leaked(r.stdout),
                    r.stdout[-1500:] + r.stderr)
            r = subprocess.run(as_nobody(["gdbus", "call", "--system", "--dest", "org.tracee.Agent1", "--object-path",
                                          "/org/tracee/Agent1", "--method",
                                          "org.tracee.Agent1.SubscribeDetections"]),
                               capture_output=True, text=True, timeout=30, env=bus.env())
            t.check("permissive bus, SubscribeDetections as nobody: refused by the agent",
                    r.returncode != 0 and "needs root" in r.stderr, r.stdout + r.stderr)
            mon = start_monitor(as_nobody(["gdbus", "monitor", "--system", "--dest", "org.tracee.Agent1"]), bus)
            time.sleep(1.5)
            pid = trigger_trc7()
            check_finding_payloads(t, a, lis, pid, "permissive bus")
            time.sleep(1.5)
            out, err = stop_monitor(mon)
            sig = [l for l in out.splitlines() if "Detection" in l and "TRC-7" in l]
            t.check("permissive bus, gdbus monitor as nobody: the broadcast Detection arrives", len(sig) >= 1,
                    out[-1500:] + err[-300:])
            t.check("permissive bus, gdbus monitor as nobody: only the redacted form",
                    all('"redacted":true' in l for l in sig) and not leaked(out) and "summary" not in out and
                    "argv" not in out, out[-2000:])
            rc = a.stop()
            t.check("permissive bus: the agent exits 0 (under the sanitizers: no report)", rc == 0, a.err[-2000:])
    lis.stop()
    t.done()


if __name__ == "__main__":
    main()
