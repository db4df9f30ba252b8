# SPDX-License-Identifier: LGPL-2.1-or-later
"""System test: the .deb on a real systemd in a systemd-nspawn container, and the .rpm in a scratch
root. Runs tests/system/run.sh (see there for what it checks) and exits with its status.

Skips (exit 77) only when the host cannot run it: not root, or systemd-nspawn, debootstrap or the
packaging tools are missing and tools/install-deps.sh cannot install them. TRACEE_SYSTEST_DEB and
TRACEE_SYSTEST_RPM name prebuilt packages to test instead of building them.
"""
import os
import shutil
import subprocess
import sys

SKIP = 77
SRC = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TOOLS = ("systemd-nspawn", "nsenter", "debootstrap", "dpkg-buildpackage", "lintian", "rpm", "rpmbuild", "rpmlint")


def missing():
    return [t for t in TOOLS if shutil.which(t) is None]


def main():
    if os.geteuid() != 0:
        print("skip: needs root", file=sys.stderr)
        return SKIP
    if missing():
        # .ci/run installs them through tools/install-deps.sh; a developer machine may not have.
        print(f"system_test: missing {' '.join(missing())}; running tools/install-deps.sh", flush=True)
        subprocess.run(["bash", os.path.join(SRC, "tools", "install-deps.sh")])
        if missing():
            print(f"skip: cannot install {' '.join(missing())}", file=sys.stderr)
            return SKIP
    args = ["bash", os.path.join(SRC, "tests", "system", "run.sh")]
    for opt, var in (("--deb", "TRACEE_SYSTEST_DEB"), ("--rpm", "TRACEE_SYSTEST_RPM")):
        if os.environ.get(var):
            args += [opt, os.environ[var]]
    return subprocess.run(args).returncode


if __name__ == "__main__":
    sys.exit(main())
