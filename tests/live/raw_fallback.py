# SPDX-License-Identifier: LGPL-2.1-or-later
"""The raw sys_enter/sys_exit fallback for syscalls without their own tracepoint. On kernels built
without module support init_module and finit_module have none: by default TRC-6 is listed as
unavailable and nothing is attached for it; with --raw-syscall-fallback the attempts are seen
(returning ENOSYS here), `tracee trace` shows them with their arguments, and TRC-6 fires once per
attempt. On a kernel that has the tracepoints the same checks hold without the fallback."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import TRACEE, Checks, Tracee, require_root_bpf, trigger  # noqa: E402


def main():
    require_root_bpf()
    t = Checks()
    have_tp = os.path.exists("/sys/kernel/tracing/events/syscalls/sys_enter_init_module")
    listing = subprocess.run([TRACEE, "--list"], capture_output=True, text=True).stdout
    if not have_tp:
        t.check("without the fallback TRC-6 is listed as unavailable, with the way out",
                "unavailable" in listing and "raw_syscall_fallback" in listing, listing)
        with Tracee("--rules", "TRC-6", "--output", "json", "--journal", "no") as a:
            p = subprocess.run([trigger("trc6_init_module")], capture_output=True, text=True)
            pid = int(p.stdout.split()[0])
            a.settle(1.0)
            t.check("without the fallback: no finding (and the agent said why)",
                    not [o for o in a.json() if o["process"]["pid"] == pid] and "unavailable" in a.err, a.err)

    with Tracee("--raw-syscall-fallback", "--rules", "TRC-6", "--output", "json", "--journal", "no") as a:
        p = subprocess.run([trigger("trc6_init_module")], capture_output=True, text=True)
        pid = int(p.stdout.split()[0])
        got = a.wait_for(lambda o: o["process"]["pid"] == pid, 5)
        a.settle(0.5)
        got = [o for o in a.json() if o["process"]["pid"] == pid]
        kinds = sorted(o["data"].get("syscall") for o in got)
        t.check("with the fallback: TRC-6 fires once for init_module and once for finit_module",
                kinds == ["finit_module", "init_module"], got)
        t.check("the findings carry the module parameters", all(o["data"].get("params") == "tracee_test=1"
                                                                for o in got), got)
        if not have_tp:
            t.check("the cost is said out loud", "40 ns" in a.err, a.err)

    with Tracee("trace", "--events", "init_module,finit_module", "--raw-syscall-fallback", "--output", "json") as a:
        p = subprocess.run([trigger("trc6_init_module")], capture_output=True, text=True)
        pid = int(p.stdout.split()[0])
        a.wait_for(lambda o: o["hostProcessId"] == pid and o["eventName"] == "finit_module", 5)
        evs = {o["eventName"]: o for o in a.json() if o["hostProcessId"] == pid}
        im = evs.get("init_module", {})
        fm = evs.get("finit_module", {})
        args = {x["name"]: x["value"] for x in im.get("args", [])}
        t.check("trace: init_module with its arguments", args.get("param_values") == "tracee_test=1" and
                args.get("len") == 0, im)
        t.check("trace: the return value is the kernel's answer", im.get("returnValue", 0) < 0 and
                fm.get("returnValue", 0) < 0, (im.get("returnValue"), fm.get("returnValue")))
        fargs = {x["name"]: x["value"] for x in fm.get("args", [])}
        t.check("trace: finit_module fd -1, seen as closed", fargs.get("fd") == -1 and
                fargs.get("fd_info", {}).get("type") == "closed", fm)
    t.done()


if __name__ == "__main__":
    main()
