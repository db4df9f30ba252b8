# SPDX-License-Identifier: LGPL-2.1-or-later
"""The agent's whole lifecycle, for the sanitizers: start, detections, D-Bus calls of every method
(reads, rule toggles, Reload, errors), SIGHUP reloads (good and broken), then SIGINT. The agent must
exit 0 with nothing from AddressSanitizer, LeakSanitizer or UBSan on its standard error.

tests/run.sh runs this test (suite `sanitize`) in build-asan, where the agent is built with
-fsanitize=address,undefined and run with ASAN_OPTIONS=detect_leaks=1: a leak makes LeakSanitizer
print its report at exit and the process exit non-zero. In a build without sanitizers the same
lifecycle runs and the exit status is checked; the leak check is then reported as not applicable.
"""
import os
import signal
import subprocess
import sys
import tempfile
import shutil
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TRACEE, Checks, Tracee, require_root_bpf  # noqa: E402
from agent_service import call, start_bus, traceme  # noqa: E402

SANITIZER_MARKS = ("LeakSanitizer", "AddressSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")


def sanitized():
    with open(TRACEE, "rb") as f:
        return b"__asan_init" in f.read()


def main():
    require_root_bpf()
    t = Checks()
    asan = sanitized()
    print(f"# agent built with ASan/LSan: {asan}")
    tmp = tempfile.mkdtemp(prefix="tracee-leaks-")
    addr, buspid = start_bus(tmp)
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = addr
    state_dir = os.path.join(tmp, "state")
    os.makedirs(state_dir)
    conf = os.path.join(tmp, "tracee.conf")
    good = (f"[agent]\nstate_directory = {state_dir}\n[output]\njournal = no\n"
            "[rule TRC-4]\nexception_exe = /usr/lib/jvm/**\nexception = exe=/usr/bin/node uid=1000\n"
            "[rule TRC-5]\ndefault_exceptions = no\n")
    with open(conf, "w") as f:
        f.write(good)
    try:
        a = Tracee("--config", conf, "--output", "json", env={"WATCHDOG_USEC": "2000000"}, ready_timeout=60)
        a.start()
        pid = traceme()
        got = a.wait_for(lambda o: o["rule"]["id"] == "TRC-2" and o["process"]["pid"] == pid, 10)
        t.check("a detection before the calls", len(got) == 1, got)
        for m in ("ListRules", "Describe"):
            r = call(m)
            t.check(f"{m}", r.returncode == 0, r.stderr)
        for rid in ("TRC-1", "TRC-2", "TRC-3", "TRC-4", "TRC-5", "TRC-7"):
            ok = True
            for _ in range(3):
                ok &= call("DisableRule", "s", rid).returncode == 0
                ok &= call("DescribeRule", "s", rid).returncode == 0
                ok &= call("EnableRule", "s", rid).returncode == 0
            t.check(f"toggle {rid} three times", ok)
        r = call("EnableRule", "s", "TRC-6")
        t.check("EnableRule of an unavailable rule is an error", r.returncode != 0, r.stderr)
        r = call("DisableRule", "s", "TRC-\x1b[31m")
        t.check("an unknown rule is an error", r.returncode != 0, r.stderr)
        r = call("Reload")
        t.check("Reload over D-Bus", r.returncode == 0, r.stderr)
        for _ in range(3):
            a.proc.send_signal(signal.SIGHUP)
            time.sleep(0.3)
        with open(conf, "a") as f:
            f.write("[output]\nstdout = xml\n")
        a.proc.send_signal(signal.SIGHUP)
        time.sleep(0.3)
        r = call("Reload")
        t.check("Reload with a broken file fails", r.returncode != 0, r.stderr)
        with open(conf, "w") as f:
            f.write(good)
        r = call("Reload")
        t.check("Reload with the fixed file", r.returncode == 0, r.stderr)
        pid = traceme()
        got = a.wait_for(lambda o: o["rule"]["id"] == "TRC-2" and o["process"]["pid"] == pid, 10)
        t.check("still detecting after the calls and reloads", len(got) == 1, got)
        r = subprocess.run(["busctl", "--system", "get-property", "org.tracee.Agent1", "/org/tracee/Agent1",
                            "org.tracee.Agent1", "EventsReceived"], capture_output=True, text=True)
        t.check("a property read", r.returncode == 0, r.stderr)
        t.check("still running", a.proc.poll() is None, a.err[-2000:])
        rc = a.stop()
        t.check("exits 0 on SIGINT (a leak or sanitizer report would make it non-zero)", rc == 0,
                f"rc={rc} {a.err[-3000:]}")
        marks = [m for m in SANITIZER_MARKS if m in a.err]
        t.check("no sanitizer report on stderr", not marks, a.err[-4000:])
        if asan:
            t.check("LeakSanitizer was active (detect_leaks)", "detect_leaks=0" not in
                    os.environ.get("ASAN_OPTIONS", ""), os.environ.get("ASAN_OPTIONS"))
        else:
            print("# not a sanitizer build: the leak check applies in build-asan (tests/run.sh)")
    finally:
        os.kill(buspid, signal.SIGTERM)
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
