# SPDX-License-Identifier: LGPL-2.1-or-later
"""The agent as a service, for real: a private dbus-daemon, a journald in a private mount namespace,
the agent's readiness and watchdog on a NOTIFY_SOCKET this test owns, trigger syscalls in the real
kernel. Covers: rule list over the bus; disable TRC-2 → no detection; enable → detection read back
from the journal with its TRACEE_* fields; a non-root caller is refused by the agent itself (the bus
policy here allows everything) and can still list; the state survives a restart; SIGHUP with a broken
configuration keeps the old one; unknown rule → NoSuchRule with a close match.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Checks, Tracee, require_root_bpf  # noqa: E402

JOURNALD = "/lib/systemd/systemd-journald"


def reexec_in_mount_ns():
    if os.environ.get("TRACEE_TEST_IN_NS") == "1":
        return
    if shutil.which("unshare") is None or not os.path.exists(JOURNALD):
        print("skip: needs unshare and systemd-journald", file=sys.stderr)
        sys.exit(77)
    env = dict(os.environ, TRACEE_TEST_IN_NS="1")
    os.execvpe("unshare", ["unshare", "--mount", "--propagation", "private", sys.executable] + sys.argv, env)


BUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <auth>EXTERNAL</auth>
  <listen>unix:path=@SOCKET@</listen>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
</busconfig>
"""


def start_journald():
    for d in ("/run/systemd/journal", "/run/log/journal", "/var/log/journal"):
        os.makedirs(d, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", d], check=True)
    p = subprocess.Popen([JOURNALD], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while not os.path.exists("/run/systemd/journal/socket"):
        if time.time() > deadline:
            raise RuntimeError("journald did not start")
        time.sleep(0.05)
    return p


def start_bus(tmp):
    sock = os.path.join(tmp, "bus.sock")
    conf = os.path.join(tmp, "bus.conf")
    with open(conf, "w") as f:
        f.write(BUS_CONF.replace("@SOCKET@", sock))
    os.chmod(tmp, 0o755)
    out = subprocess.run(["dbus-daemon", "--config-file=" + conf, "--fork", "--nopidfile",
                          "--print-address=1", "--print-pid=1"], capture_output=True, text=True, check=True)
    addr, pid = out.stdout.split()[:2]
    return addr, int(pid)


def busctl(*args, user=None):
    cmd = ["busctl", "--system"] + list(args)
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30)


def call(method, *args, user=None):
    return busctl("call", "org.tracee.Agent1", "/org/tracee/Agent1", "org.tracee.Agent1", method, *args, user=user)


def traceme():
    """A real ptrace(PTRACE_TRACEME) from a fresh process; returns its pid."""
    p = subprocess.run([sys.executable, "-c", "import ctypes,os; print(os.getpid()); "
                        "ctypes.CDLL(None).ptrace(0, 0, 0, 0)"], capture_output=True, text=True, check=True)
    return int(p.stdout.split()[0])


def journal(*matches):
    subprocess.run(["journalctl", "--sync"], capture_output=True)
    out = subprocess.run(["journalctl", "--no-pager", "-o", "json"] + list(matches), capture_output=True, text=True)
    return [json.loads(l) for l in out.stdout.splitlines() if l.strip()]


def main():
    require_root_bpf()
    reexec_in_mount_ns()
    t = Checks()
    tmp = tempfile.mkdtemp(prefix="tracee-agent-test-")
    jd = start_journald()
    addr, buspid = start_bus(tmp)
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = addr
    state_dir = os.path.join(tmp, "state")
    os.makedirs(state_dir)
    conf = os.path.join(tmp, "tracee.conf")
    with open(conf, "w") as f:
        f.write(f"[agent]\nstate_directory = {state_dir}\n\n[output]\njournal = yes\n")
    env = {"WATCHDOG_USEC": "400000"}
    try:
        with Tracee("--config", conf, "--output", "json", env=env) as a:
            t.check("READY=1 on the notify socket", "READY=1" in a.notify, a.notify)
            time.sleep(1.0)
            t.check("WATCHDOG=1 pings arrive", a.notify.count("WATCHDOG=1") >= 2, a.notify)
            t.check("STATUS= says how many rules run", any(l.startswith("STATUS=") and "rules enabled" in l
                                                          for l in a.notify), a.notify)

            r = call("ListRules")
            t.check("ListRules over the bus", r.returncode == 0 and '"TRC-2"' in r.stdout and '"TRC-7"' in r.stdout,
                    r.stderr)
            r = call("ListRules", user=65534)
            t.check("an unprivileged caller may list", r.returncode == 0 and '"TRC-2"' in r.stdout, r.stderr)

            r = call("DisableRule", "s", "TRC-2", user=65534)
            t.check("an unprivileged DisableRule is refused by the agent", r.returncode != 0 and
                    "denied" in r.stderr.lower(), r.stderr)
            r = call("DescribeRule", "s", "TRC-2")
            t.check("the rule stays enabled after the refused call", r.returncode == 0 and
                    '\\"enabled\\":true' in r.stdout, r.stdout)

            r = call("DisableRule", "s", "TRC-22")
            t.check("unknown rule → NoSuchRule with a close match", r.returncode != 0 and "TRC-22" in r.stderr and
                    "TRC-2" in r.stderr, r.stderr)

            r = call("DisableRule", "s", "TRC-2")
            t.check("root disables TRC-2", r.returncode == 0, r.stderr)
            pid = traceme()
            a.settle(1.0)
            got = [o for o in a.json() if o["rule"]["id"] == "TRC-2" and o["process"]["pid"] == pid]
            t.check("disabled TRC-2: no detection", not got, got)
            t.check("disabled TRC-2: nothing in the journal", not [e for e in journal("TRACEE_RULE_ID=TRC-2")
                                                                   if e.get("TRACEE_PID") == str(pid)])

            r = call("EnableRule", "s", "TRC-2")
            t.check("root enables TRC-2", r.returncode == 0, r.stderr)
            pid = traceme()
            got = a.wait_for(lambda o: o["rule"]["id"] == "TRC-2" and o["process"]["pid"] == pid, 5)
            t.check("enabled TRC-2: one detection on stdout", len(got) == 1, got)
            deadline = time.time() + 5
            ent = []
            while time.time() < deadline and not ent:
                ent = [e for e in journal("TRACEE_RULE_ID=TRC-2") if e.get("TRACEE_PID") == str(pid)]
                time.sleep(0.2)
            t.check("the detection is in the journal (journalctl TRACEE_RULE_ID=TRC-2)", len(ent) == 1, ent)
            if ent:
                e = ent[0]
                t.check("journal fields", e.get("TRACEE_RULE_NAME") == "Anti-Debugging" and
                        e.get("PRIORITY") == "3" and e.get("SYSLOG_IDENTIFIER") == "tracee" and
                        e.get("TRACEE_SEVERITY") == "high" and e.get("TRACEE_MITRE_TECHNIQUE") == "T1622" and
                        e.get("TRACEE_UID") == "0" and e.get("MESSAGE_ID") and e.get("TRACEE_COMM") and
                        "TRACEE_PPID" in e and "TRACEE_EXE" in e and "TRACEE_CONTAINER_ID" in e, e)
                det = json.loads(e.get("TRACEE_DETECTION", "{}"))
                t.check("TRACEE_DETECTION holds the finding JSON", det.get("rule", {}).get("id") == "TRC-2" and
                        det.get("process", {}).get("pid") == pid, det)
                t.check("MESSAGE is one readable sentence", "TRC-2" in e.get("MESSAGE", "") and
                        "\n" not in e.get("MESSAGE", ""), e.get("MESSAGE"))

            r = call("DisableRule", "s", "TRC-7")
            t.check("disable TRC-7 for the restart test", r.returncode == 0, r.stderr)
            with open(os.path.join(state_dir, "rules.state")) as f:
                st = f.read()
            t.check("state file written", "TRC-7 disabled" in st, st)
            mode = os.stat(os.path.join(state_dir, "rules.state")).st_mode & 0o777
            t.check("state file is 0600", mode == 0o600, oct(mode))

            # SIGHUP with a broken configuration: keep the old one, keep running
            with open(conf, "a") as f:
                f.write("\n[output]\nstdout = xml\n")
            a.proc.send_signal(signal.SIGHUP)
            time.sleep(1.0)
            t.check("broken reload: still running", a.proc.poll() is None)
            t.check("broken reload: the error names file:line and the value", "stdout=xml" in a.err and
                    conf in a.err, a.err[-500:])
            pid = traceme()
            got = a.wait_for(lambda o: o["rule"]["id"] == "TRC-2" and o["process"]["pid"] == pid, 5)
            t.check("broken reload: old configuration still detecting (json output kept)", len(got) == 1, got)
            ents = journal("MESSAGE_ID=" + "c93b09f753a14a66ae8602e96c9bef5e")
            t.check("config problems logged to the journal with their MESSAGE_ID", len(ents) >= 1)
            rc = a.stop()
            t.check("agent exits 0 on SIGINT", rc == 0, a.err[-300:])
            t.check("start message in the journal", len(journal("MESSAGE_ID=c6b553b8b4774dc5ad032489c6b4b6e3")) >= 1)

        # restart with a good configuration again: TRC-7 stays disabled
        with open(conf, "w") as f:
            f.write(f"[agent]\nstate_directory = {state_dir}\n")
        with Tracee("--config", conf, "--output", "json") as a:
            r = call("DescribeRule", "s", "TRC-7")
            t.check("state survives a restart: TRC-7 still disabled", r.returncode == 0 and
                    '\\"enabled\\":false' in r.stdout, r.stdout)
            r = busctl("get-property", "org.tracee.Agent1", "/org/tracee/Agent1", "org.tracee.Agent1", "RulesEnabled")
            t.check("RulesEnabled property", r.returncode == 0 and r.stdout.strip() == "u 5", r.stdout)
            r = call("Describe")
            ok = False
            if r.returncode == 0:
                js = json.loads(json.loads(r.stdout.split(" ", 1)[1]))
                ok = js.get("state") == "running" and len(js.get("rules", [])) == 7
            t.check("Describe() returns the status JSON", ok, r.stdout[:200])

        # a corrupt state file: warning, defaults
        with open(os.path.join(state_dir, "rules.state"), "wb") as f:
            f.write(b"TRC-7 disab\x00\xff\xfe garbage\n")
        with Tracee("--config", conf, "--output", "json") as a:
            r = call("DescribeRule", "s", "TRC-7")
            t.check("corrupt state file: agent starts", r.returncode == 0)
            t.check("corrupt state file: a clear warning", "corrupt" in a.err, a.err)

        # a missing file named with --config is an error
        p = subprocess.run([os.environ.get("TRACEE_BIN", "tracee"), "--config", "/nonexistent/tracee.conf"],
                           capture_output=True, text=True)
        t.check("--config with a missing file: exit 1 naming it", p.returncode == 1 and
                "/nonexistent/tracee.conf" in p.stderr, p.stderr)
    finally:
        os.kill(buspid, signal.SIGTERM)
        jd.terminate()
        jd.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
