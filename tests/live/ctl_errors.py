# SPDX-License-Identifier: LGPL-2.1-or-later
"""traceectl's failures: against a private bus with no agent on it, every verb that needs the agent
exits 3 with the one line telling how to start it; usage errors exit 2 with one line; --help and
--version exit 0. Run as root and as nobody (the message must not depend on who asks).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SKIP, TRACEECTL, Checks, unprivileged_copy  # noqa: E402
from privbus import PrivateBus, as_nobody  # noqa: E402

CTL = TRACEECTL
NOT_RUNNING = "traceectl: tracee is not running; start it with: systemctl start tracee"


def run(args, env, nobody=False):
    # as nobody: a copy they can reach (the build tree may be in a directory they cannot traverse)
    argv = [unprivileged_copy(CTL) if nobody else CTL] + list(args)
    return subprocess.run(as_nobody(argv) if nobody else argv, capture_output=True, text=True, env=env,
                          timeout=30)


def one_line(r):
    return len(r.stderr.splitlines()) == 1


def main():
    if os.geteuid() != 0:
        print("skip: needs root (private dbus-daemon, setpriv)", file=sys.stderr)
        return SKIP
    if not os.path.exists(CTL):
        print(f"FAIL - {CTL} was not built")
        return 1
    t = Checks()
    with PrivateBus() as bus:
        env = bus.env()
        for nobody in (False, True):
            who = "nobody" if nobody else "root"
            for args in (["status"], ["rule", "list"], ["rule", "show", "TRC-2"], ["rule", "enable", "TRC-2"],
                         ["rule", "disable", "TRC-2"], ["reload"], ["--json", "status"], ["detections", "--follow"]):
                r = run(args, env, nobody)
                t.check(f"{who}: traceectl {' '.join(args)} without the agent: exit 3, one line",
                        r.returncode == 3 and r.stderr.strip() == NOT_RUNNING and r.stdout == "",
                        f"rc={r.returncode} out={r.stdout!r} err={r.stderr!r}")

        r = run(["--help"], env)
        t.check("--help: exit 0 and usage", r.returncode == 0 and r.stdout.startswith("Usage: traceectl")
                and "Examples:" in r.stdout and r.stderr == "", f"rc={r.returncode} {r.stderr!r}")
        r = run(["--version"], env)
        t.check("--version: exit 0", r.returncode == 0 and r.stdout.startswith("traceectl "), r.stdout)

        for args in (["frobnicate"], [], ["rule"], ["rule", "frob"], ["rule", "show"], ["rule", "show", "A", "B"],
                     ["status", "extra"], ["--frob", "status"], ["detections", "--since", "not-a-time"],
                     ["detections", "-n", "x"], ["status", "--follow"], ["detections", "--follow", "-n", "3"]):
            r = run(args, env)
            t.check(f"traceectl {' '.join(args)}: exit 2, one line",
                    r.returncode == 2 and one_line(r) and r.stderr.startswith("traceectl: ") and r.stdout == "",
                    f"rc={r.returncode} err={r.stderr!r}")

    # No bus at all.
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent/tracee-test-socket")
    r = run(["status"], env)
    t.check("no system bus: non-zero exit, one line", r.returncode != 0 and one_line(r),
            f"rc={r.returncode} err={r.stderr!r}")

    print(f"{t.passed} passed, {t.failed} failed")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
