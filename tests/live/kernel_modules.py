#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""TRC-6 against real kernel modules, on a kernel with module support (the kernel matrix boots such
kernels: tests/kernels/run.sh; the development host's kernel has none, and this test is skipped
there, where rules_e2e and raw_fallback check that TRC-6 is reported unavailable).

A small module shipped with the running kernel, with no dependencies and not loaded (ts_kmp,
ts_bm, ts_fsm, crc7, crc8, crc_itu_t or dummy), is loaded for real three times, each from its own
process, and removed after each load, with the agent running every rule with its default
options (no raw syscall fallback):

  - modprobe NAME: one TRC-6 finding for the modprobe process (finit_module, or init_module when
    kmod decompresses the module itself), with the parameters given;
  - insmod FILE.ko (an uncompressed copy): one finding, from finit_module, with an fd;
  - insmod FILE.ko.xz (an xz-compressed copy, which kmod decompresses and loads from memory): one
    finding, from init_module;
each time the module really is in /proc/modules afterwards. Look-alikes that handle modules without
loading one give no finding: modinfo, modprobe --dry-run, lsmod, reading the module file, rmmod.
`tracee --list` shows TRC-6 available, and the agent says nothing of it being unavailable or of the
fallback.
"""
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SKIP, TRACEE, Checks, Tracee, require_root_bpf  # noqa: E402

CANDIDATES = ("ts_kmp", "ts_bm", "ts_fsm", "crc7", "crc8", "crc_itu_t", "dummy")
WAIT = 10.0
TP = "/sys/kernel/tracing/events/syscalls/sys_enter_"

c = Checks()


def loaded(name):
    with open("/proc/modules") as f:
        return any(line.split()[0] == name for line in f)


def modinfo(name, field):
    p = subprocess.run(["modinfo", "-F", field, name], capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else None


def pick_module():
    for m in CANDIDATES:
        path = modinfo(m, "filename")
        if path and path.startswith("/") and os.path.exists(path) and not modinfo(m, "depends") \
                and not loaded(m):
            return m, path
    return None, None


def plain_copy(path, d):
    """An uncompressed copy of the module file, whatever its compression."""
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".xz"):
        data = lzma.decompress(data)
    elif path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
    elif path.endswith(".gz"):
        import gzip
        data = gzip.decompress(data)
    out = os.path.join(d, "tracee-kmatrix-test.ko")
    with open(out, "wb") as f:
        f.write(data)
    return out, data


def spawn(argv):
    """Runs argv to completion in its own process; returns (pid, returncode, output)."""
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, _ = p.communicate(timeout=60)
    return p.pid, p.returncode, out.decode(errors="replace")


def findings_of(t, pid):
    return [f for f in t.json() if f.get("process", {}).get("pid") == pid]


def rmmod(name):
    pid, rc, out = spawn(["rmmod", name])
    c.check(f"rmmod {name}", rc == 0 and not loaded(name), f"(exit {rc}: {out})")
    return pid


def main():
    require_root_bpf()
    if not os.path.exists("/proc/modules"):
        print("skip: this kernel has no module support (no /proc/modules): TRC-6 cannot fire here, "
              "rules_e2e checks that it is listed unavailable", file=sys.stderr)
        sys.exit(SKIP)
    name, path = pick_module()
    if not name:
        print(f"skip: none of {', '.join(CANDIDATES)} is a loadable module of this kernel "
              f"({os.uname().release}) that is not loaded", file=sys.stderr)
        sys.exit(SKIP)
    print(f"module: {name} ({path}) of {os.uname().release}")
    kmod = subprocess.run(["kmod", "--version"], capture_output=True, text=True).stdout.strip().replace("\n", " ")
    print(f"kmod: {kmod}")

    listing = subprocess.run([TRACEE, "--list"], capture_output=True, text=True, timeout=60).stdout
    block = re.search(r"^TRC-6\s.*?(?=^TRC-|\Z)", listing, re.M | re.S)
    c.check("--list: TRC-6 is available (module support here)", block is not None and
            "unavailable" not in block.group(0), listing)

    d = tempfile.mkdtemp(prefix="tracee-kmod-")
    t = Tracee("--output", "json")
    t.start()
    negatives = []
    try:
        c.check("kernel: tracepoints for init_module and finit_module",
                os.path.exists(TP + "init_module") and os.path.exists(TP + "finit_module"))
        ko, data = plain_copy(path, d)
        xz = ko + ".xz"
        with open(xz, "wb") as f:
            f.write(lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32))

        # look-alikes first: nothing is loaded by them
        for argv in (["modinfo", name], ["modprobe", "--dry-run", "--verbose", name], ["lsmod"], ["cat", ko]):
            pid, rc, out = spawn(argv)
            c.check(f"look-alike {argv[0]} ran", rc == 0, f"(exit {rc}: {out[-500:]})")
            negatives.append((" ".join(argv[:2]), pid))
        c.check(f"look-alikes loaded nothing ({name} not in /proc/modules)", not loaded(name))

        loads = (("modprobe", ["modprobe", name, "tracee_kmatrix=modprobe"], {"finit_module", "init_module"}),
                 ("insmod FILE.ko", ["insmod", ko, "tracee_kmatrix=insmod"], {"finit_module"}),
                 ("insmod FILE.ko.xz", ["insmod", xz, "tracee_kmatrix=insmod-xz"], {"init_module"}))
        for label, argv, syscalls in loads:
            pid, rc, out = spawn(argv)
            c.check(f"{label}: loads {name} for real (exit 0, in /proc/modules)", rc == 0 and loaded(name),
                    f"(exit {rc}: {out[-500:]})")
            got = t.wait_for(lambda o, p=pid: o["process"]["pid"] == p, WAIT)
            t.settle(0.5)
            got = findings_of(t, pid)
            c.check(f"{label}: exactly one finding, TRC-6", len(got) == 1 and got[0]["rule"]["id"] == "TRC-6",
                    f"({got})")
            if got:
                data_ = got[0]["data"]
                c.check(f"{label}: from {'/'.join(sorted(syscalls))}", data_.get("syscall") in syscalls, f"({data_})")
                c.check(f"{label}: with the parameters given", data_.get("params") == argv[-1].split()[-1],
                        f"({data_})")
                if data_.get("syscall") == "finit_module":
                    c.check(f"{label}: finit_module names an fd", int(data_.get("fd", -1)) >= 0, f"({data_})")
                c.check(f"{label}: the process is the loader", got[0]["process"]["comm"] in ("modprobe", "insmod",
                                                                                           "kmod"),
                        f"({got[0]['process']})")
            if loaded(name):
                negatives.append(("rmmod", rmmod(name)))
        t.settle(1.0)
        for label, pid in negatives:
            fs = findings_of(t, pid)
            c.check(f"look-alike {label}: no finding", not fs, f"({fs})")
    finally:
        rc = t.stop()
        if loaded(name):
            subprocess.run(["rmmod", name])
        shutil.rmtree(d, ignore_errors=True)
    c.check("agent exits 0 on SIGINT", rc == 0, f"(exit {rc}; stderr: {t.err})")
    c.check("agent: nothing unavailable, no fallback needed", "unavailable" not in t.err and "40 ns" not in t.err,
            f"(stderr: {t.err})")
    c.check("agent: no malformed events", "malformed" not in t.err, f"(stderr: {t.err})")
    c.done()


if __name__ == "__main__":
    main()
