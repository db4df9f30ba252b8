# SPDX-License-Identifier: LGPL-2.1-or-later
"""Loading the kernel side: the built-in object, a prebuilt one named by TRACEE_BPF_FILE, a mismatching
or missing one (a clear error, exit 1), an external BTF file (--btf-file), and the one-sentence
errors for a missing privilege."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import TRACEE, Checks, Tracee, require_root_bpf, unprivileged_copy  # noqa: E402

TINY = r"""
#include <linux/bpf.h>
#define SEC(n) __attribute__((section(n), used))
SEC("tracepoint/syscalls/sys_enter_getppid") int tiny(void *ctx) { return 0; }
char LICENSE[] SEC("license") = "GPL";
"""


def run(*args, env=None, user=None):
    cmd = [TRACEE] + list(args)
    if user is not None:
        # a copy the user can reach: the build tree may be in a directory they cannot traverse
        cmd = [unprivileged_copy(TRACEE)] + list(args)
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--inh-caps=-all"] + cmd
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=e)


def main():
    require_root_bpf()
    t = Checks()
    obj = os.path.join(os.path.dirname(TRACEE), "..", "bpf", "tracee.o")
    obj = os.path.normpath(obj)
    t.check("the build left a prebuilt object", os.path.exists(obj), obj)

    with Tracee("trace", "--events", "execve", "--output", "json", env={"TRACEE_BPF_FILE": obj}) as a:
        subprocess.run(["/bin/true"])
        got = a.wait_for(lambda o: o["eventName"] == "execve" and o["args"][0]["value"] == "/bin/true", 15)
        t.check("TRACEE_BPF_FILE=<prebuilt object> traces", len(got) >= 1)

    r = run("trace", "--events", "execve", env={"TRACEE_BPF_FILE": "/nonexistent/tracee.o"})
    t.check("missing TRACEE_BPF_FILE: exit 1 naming the file", r.returncode == 1 and
            "/nonexistent/tracee.o" in r.stderr, r.stderr)

    with tempfile.TemporaryDirectory() as d:
        junk = os.path.join(d, "junk.o")
        with open(junk, "wb") as f:
            f.write(b"\x7fELF this is not an object" * 10)
        r = run("trace", "--events", "execve", env={"TRACEE_BPF_FILE": junk})
        t.check("junk TRACEE_BPF_FILE: exit 1 naming the file", r.returncode == 1 and junk in r.stderr, r.stderr)

        src = os.path.join(d, "tiny.bpf.c")
        tiny = os.path.join(d, "tiny.bpf.o")
        with open(src, "w") as f:
            f.write(TINY)
        c = subprocess.run(["clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu", "-c", src,
                            "-o", tiny], capture_output=True, text=True)
        if c.returncode == 0:
            r = run("trace", "--events", "execve", env={"TRACEE_BPF_FILE": tiny})
            t.check("a BPF object of another program: exit 1, 'does not match this agent'",
                    r.returncode == 1 and "does not match this agent" in r.stderr and tiny in r.stderr, r.stderr)
        else:
            t.check("clang builds the mismatching object", False, c.stderr)

    with Tracee("trace", "--events", "execve", "--output", "json", "--btf-file", "/sys/kernel/btf/vmlinux") as a:
        t.check("--btf-file with the kernel's own BTF works", a.proc.poll() is None)
    r = run("trace", "--btf-file", "/nonexistent/vmlinux")
    t.check("--btf-file missing: exit 1 naming it", r.returncode == 1 and "/nonexistent/vmlinux" in r.stderr,
            r.stderr)

    r = run("trace", "--events", "execve", user=65534)
    t.check("not root: trace says root is needed, exit 1", r.returncode == 1 and "root" in r.stderr and
            len(r.stderr.strip().splitlines()) == 1, r.stderr)
    r = run(user=65534, env={})
    t.check("not root: the agent says root is needed, exit 1", r.returncode == 1 and "root" in r.stderr, r.stderr)
    r = run("--list", user=65534)
    t.check("not root: --list works", r.returncode == 0 and "TRC-7" in r.stdout, r.stderr)
    t.done()


if __name__ == "__main__":
    main()
