#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the dynamic loader puts into the agent, checked against the real agent:

  - /etc/ld.so.preload at start: listing something, the agent warns, on stderr and in the
    journal with its own MESSAGE_ID (TRACEE_MESSAGE_PRELOAD), naming what it lists; empty (blanks
    only) or missing, it says nothing. The file is a stand-in: the test runs in a private mount
    namespace with an overlay on /etc (the host's /etc is the lower layer, never written) and a
    journald of its own;
  - libcurl is opened by absolute path: with LD_LIBRARY_PATH naming a directory that holds a
    planted libcurl.so.4 (whose constructor leaves a mark), an agent with a webhook starts, and
    the planted library never ran.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, Tracee, require_root_bpf  # noqa: E402
from agent_service import journal, reexec_in_mount_ns, start_journald  # noqa: E402

MSG_PRELOAD = "506445b124eb424e99df631ddad73441"     # TRACEE_MESSAGE_PRELOAD, agent/bus-api.h
PRELOAD = "/etc/ld.so.preload"
STANDIN = "/nonexistent/tracee-test-preload.so"
c = Checks()


def overlay_etc(tmp):
    up, work = os.path.join(tmp, "etc-upper"), os.path.join(tmp, "etc-work")
    os.makedirs(up)
    os.makedirs(work)
    subprocess.run(["mount", "-t", "overlay", "overlay", "-o", f"lowerdir=/etc,upperdir={up},workdir={work}", "/etc"],
                   check=True)


def run_agent(conf, env=None):
    """Starts and stops the agent; returns (pid, stderr), pid None if it did not start."""
    a = Tracee("--config", conf, "--rules", "TRC-2", "--output", "none", env=env)
    try:
        a.start()
    except RuntimeError as e:
        return None, str(e)
    a.stop()
    return a.proc.pid, a.err


def part_preload(tmp, conf):
    for label, text in (("missing", None), ("blanks only", " \n\t\n"), ("listing a library", STANDIN + "\n")):
        if text is None:
            if os.path.exists(PRELOAD):
                os.unlink(PRELOAD)
        else:
            with open(PRELOAD, "w") as f:
                f.write(text)
        pid, err = run_agent(conf)
        c.check(f"{PRELOAD} {label}: the agent starts", pid is not None, err[-400:])
        ent = journal(f"MESSAGE_ID={MSG_PRELOAD}", f"_PID={pid}") if pid else []
        warned = f"{PRELOAD} is not empty" in err
        if text is None or not text.strip():
            c.check(f"{PRELOAD} {label}: no warning, no journal entry", not warned and not ent, f"{err[-400:]} {ent}")
        else:
            c.check(f"{PRELOAD} {label}: a warning naming what it lists", warned and STANDIN in err, err[-600:])
            c.check(f"{PRELOAD} {label}: one journal entry with MESSAGE_ID {MSG_PRELOAD}, at warning priority",
                    len(ent) == 1 and STANDIN in ent[0].get("MESSAGE", "") and ent[0].get("PRIORITY") == "4", ent)
    if os.path.exists(PRELOAD):
        os.unlink(PRELOAD)


PLANTED = r"""
#include <fcntl.h>
#include <unistd.h>
__attribute__((constructor)) static void planted(void)
{
        int fd = open(MARK, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
                close(fd);
}
"""


def part_libcurl(tmp, conf):
    lib = os.path.join(tmp, "planted")
    os.makedirs(lib)
    mark = os.path.join(tmp, "planted-ran")
    src = os.path.join(tmp, "planted.c")
    with open(src, "w") as f:
        f.write(PLANTED)
    p = subprocess.run(["cc", "-shared", "-fPIC", f'-DMARK="{mark}"', "-o", os.path.join(lib, "libcurl.so.4"), src],
                       capture_output=True, text=True)
    if not c.check("cc builds the planted libcurl.so.4", p.returncode == 0, p.stderr):
        return
    hooks = os.path.join(tmp, "hooks.conf")
    with open(conf) as f:
        base = f.read()
    with open(hooks, "w") as f:
        f.write(base + "[webhook planted]\nurl = http://127.0.0.1:9/tracee-test\n")
    pid, err = run_agent(hooks, env={"LD_LIBRARY_PATH": lib})
    c.check("LD_LIBRARY_PATH with a planted libcurl.so.4: the agent with a webhook starts", pid is not None, err[-600:])
    c.check("the planted libcurl.so.4 never ran (libcurl is opened by absolute path)", not os.path.exists(mark),
            err[-600:])


def main():
    require_root_bpf()
    reexec_in_mount_ns()
    tmp = tempfile.mkdtemp(prefix="tracee-loader-")
    jd = start_journald()
    try:
        overlay_etc(tmp)
        conf = os.path.join(tmp, "tracee.conf")
        with open(conf, "w") as f:
            f.write(f"[agent]\nstate_directory = {tmp}\n")
        part_preload(tmp, conf)
        part_libcurl(tmp, conf)
    finally:
        jd.terminate()
        jd.wait()
    c.done()


if __name__ == "__main__":
    main()
