# SPDX-License-Identifier: LGPL-2.1-or-later
"""traceectl against the running agent on a private bus that enforces the project's real D-Bus policy
(units/org.tracee.Agent1.conf): rule list and show, enable/disable as root, permission denied for an
unprivileged user (exit 4, one line saying root is needed), no such rule with the close match
(exit 5), an unavailable rule (TRC-6 on kernels without module support), status and --json, reload,
and detections --follow printing a live finding from the Detection signal.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import TRACEECTL, Checks, Tracee, require_root_bpf, trigger, unprivileged_copy  # noqa: E402
from privbus import PrivateBus, as_nobody  # noqa: E402

CTL = TRACEECTL


def one_line(r):
    return len(r.stderr.strip().splitlines()) == 1


def main():
    require_root_bpf()
    t = Checks()
    tmp = tempfile.mkdtemp(prefix="tracee-ctl-")
    conf = os.path.join(tmp, "tracee.conf")
    with open(conf, "w") as f:
        f.write(f"[agent]\nstate_directory = {tmp}\n")
    with PrivateBus() as bus:
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = bus.address

        def ctl(*args, nobody=False):
            argv = [CTL] + list(args)
            if nobody:
                # a copy nobody can reach: the build tree may be in a directory they cannot traverse
                argv = as_nobody([unprivileged_copy(CTL)] + list(args))
            return subprocess.run(argv, capture_output=True, text=True, timeout=30, env=bus.env())

        with Tracee("--config", conf, "--output", "json", "--journal", "no") as a:
            r = ctl("rule", "list")
            t.check("rule list: exit 0, the seven rules", r.returncode == 0 and
                    all(f"TRC-{i}" in r.stdout for i in range(1, 8)), r.stdout + r.stderr)
            r = ctl("rule", "list", nobody=True)
            t.check("rule list as nobody: allowed", r.returncode == 0 and "TRC-2" in r.stdout, r.stderr)
            r = ctl("--json", "rule", "list")
            ok = False
            try:
                js = json.loads(r.stdout)
                rules = js if isinstance(js, list) else js.get("rules", [])
                ok = len(rules) == 7 and any(x.get("id") == "TRC-6" and x.get("available") is False for x in rules)
            except ValueError:
                pass
            t.check("rule list --json: seven rules, TRC-6 unavailable", ok, r.stdout[:300])

            r = ctl("rule", "show", "TRC-4")
            t.check("rule show TRC-4", r.returncode == 0 and "Dynamic Code Loading" in r.stdout, r.stderr)
            r = ctl("rule", "show", "TRC-22")
            t.check("rule show TRC-22: exit 5, one line with the close match", r.returncode == 5 and one_line(r) and
                    "TRC-2" in r.stderr, r.stderr)

            r = ctl("rule", "disable", "TRC-2", nobody=True)
            t.check("rule disable as nobody: exit 4, one line saying root is needed", r.returncode == 4 and
                    one_line(r) and "root" in r.stderr, r.stderr)
            r = ctl("rule", "enable", "TRC-6")
            t.check("rule enable TRC-6 (unavailable here): non-zero, says unavailable", r.returncode != 0 and
                    "unavailable" in r.stderr, r.stderr)

            r = ctl("rule", "disable", "TRC-2")
            t.check("rule disable TRC-2 as root: exit 0", r.returncode == 0, r.stderr)
            r = ctl("--json", "rule", "show", "TRC-2")
            t.check("the rule is disabled", r.returncode == 0 and json.loads(r.stdout).get("enabled") is False,
                    r.stdout[:200])
            p = subprocess.run([trigger("trc2_traceme")], capture_output=True, text=True)
            pid = int(p.stdout.split()[0])
            a.settle(1.0)
            t.check("disabled: no finding", not [o for o in a.json() if o["process"]["pid"] == pid])
            r = ctl("rule", "enable", "TRC-2")
            t.check("rule enable TRC-2 as root: exit 0", r.returncode == 0, r.stderr)

            follow = subprocess.Popen([CTL, "detections", "--follow", "--json"], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True, env=bus.env())
            time.sleep(1.0)
            p = subprocess.run([trigger("trc2_traceme")], capture_output=True, text=True)
            pid = int(p.stdout.split()[0])
            got = a.wait_for(lambda o: o["process"]["pid"] == pid and o["rule"]["id"] == "TRC-2", 5)
            t.check("enabled again: the finding on the agent's stdout", len(got) == 1)
            time.sleep(1.0)
            follow.send_signal(signal.SIGINT)
            out, err = follow.communicate(timeout=10)
            lines = [json.loads(l) for l in out.splitlines() if l.strip().startswith("{")]
            t.check("detections --follow printed the live finding (Detection signal)",
                    any(o.get("rule", {}).get("id") == "TRC-2" and o.get("process", {}).get("pid") == pid
                        for o in lines), out[:300] + err)
            t.check("detections --follow exits 0 on SIGINT", follow.returncode == 0, err)

            r = ctl("status")
            t.check("status: exit 0, running", r.returncode == 0 and "running" in r.stdout, r.stdout + r.stderr)
            r = ctl("--json", "status")
            ok = False
            try:
                ok = isinstance(json.loads(r.stdout), dict)
            except ValueError:
                pass
            t.check("status --json is JSON", r.returncode == 0 and ok, r.stdout[:200])
            r = ctl("reload")
            t.check("reload as root: exit 0", r.returncode == 0, r.stderr)
            r = ctl("reload", nobody=True)
            t.check("reload as nobody: exit 4", r.returncode == 4 and one_line(r), r.stderr)
            t.check("agent still running", a.proc.poll() is None)
    t.done()


if __name__ == "__main__":
    main()
