#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`tracee trace` under a flood: every event is either delivered or counted as lost.

A 4 KiB ring buffer and tr_flood calling close(-1) N times: the buffer overflows, and the summary
line "X events received, Y printed, Z lost, W malformed" must account for each call exactly, and
say that the losses come from a full ring buffer (the periodic warning may not come within a run
this short, so the test does not count on it).
tr_flood renames itself to tr_flood_burst for the burst only (see tests/triggers/tr_flood.c), so
`--filter comm=tr_flood_burst` selects exactly the N calls: not the dynamic loader's close()
calls, not its exit event, nothing from other processes.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Checks, Tracee, require_root_bpf, trigger  # noqa: E402

N = 2_000_000
SUMMARY = re.compile(r"(\d+) events received, (\d+) printed, (\d+) lost, (\d+) malformed")


def main():
    require_root_bpf()
    c = Checks()
    t = Tracee("trace", "--events", "close", "--output", "none", "--ringbuf-size", "4096",
               "--filter", "comm=tr_flood_burst")
    t.start()
    try:
        p = subprocess.run([trigger("tr_flood"), str(N)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        out = p.stdout.decode().splitlines()
        t.settle(0.5)
    finally:
        rc = t.stop()
    c.check("tr_flood made its N close(-1) calls", p.returncode == 0 and out[-1:] == [f"closed {N}"],
            f"rc {p.returncode} {out} {p.stderr!r}")
    c.check("trace exits 0", rc == 0, f"rc {rc}: {t.err}")
    c.check("--output none prints nothing", not t.lines, repr(t.lines[:2]))
    m = SUMMARY.search(t.err)
    c.check("summary line on stderr", m is not None, repr(t.err[-500:]))
    if not m:
        c.done()
    recv, printed, lost, bad = map(int, m.groups())
    print(f"# N={N}: {m.group(0)}")
    c.check("the ring buffer overflowed (lost > 0)", lost > 0, m.group(0))
    c.check("some events delivered", printed > 0, m.group(0))
    c.check("no malformed records", bad == 0, m.group(0))
    c.check("nothing but the burst received (received == printed)", recv == printed, m.group(0))
    c.check("received + lost == N exactly", recv + lost == N, f"{m.group(0)}: off by {recv + lost - N}")
    # the final summary says why, whether or not the periodic warning came within this short run
    line = next((l for l in t.err.splitlines() if m.group(0) in l), "")
    c.check("the summary line says the ring buffer was full", "lost: the ring buffer was full" in line, line)
    c.done()


if __name__ == "__main__":
    main()
