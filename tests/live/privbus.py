# SPDX-License-Identifier: LGPL-2.1-or-later
"""A private system-like D-Bus daemon for tests, with the project's bus policy included.

dbus-daemon runs as root without a <user> element and listens on a socket in a temporary
directory; the default policy mirrors the system bus's (method calls denied unless a policy file
allows them), so units/org.tracee.Agent1.conf is enforced as on a real system. Clients reach it
through DBUS_SYSTEM_BUS_ADDRESS, which sd-bus, busctl and dbus-send honour.
"""
import os
import shutil
import subprocess
import tempfile

SRC = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
POLICY = os.path.join(SRC, "units", "org.tracee.Agent1.conf")

# XML comments must not contain two dashes in a row.
CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <auth>EXTERNAL</auth>
  <listen>unix:path={socket}</listen>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Peer"/>
  </policy>
  <includedir>{policydir}</includedir>
</busconfig>
"""


class PrivateBus:
    """`with PrivateBus() as bus:` starts dbus-daemon; bus.address, bus.env(); stops it on exit."""

    def __init__(self, policy=POLICY):
        self.policy = policy
        self.pid = None
        self.address = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="tracee-bus-")
        os.chmod(self.dir, 0o755)          # other users (nobody) must reach the socket
        policydir = os.path.join(self.dir, "policy")
        os.mkdir(policydir)
        os.chmod(policydir, 0o755)
        if self.policy:
            shutil.copy(self.policy, policydir)
        self.config = os.path.join(self.dir, "bus.conf")
        with open(self.config, "w") as f:
            f.write(CONFIG.format(socket=os.path.join(self.dir, "socket"), policydir=policydir))
        p = subprocess.run(["dbus-daemon", "--config-file=" + self.config, "--fork", "--nopidfile",
                            "--print-address=1", "--print-pid=1"],
                           capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            self.stop()
            raise RuntimeError(f"dbus-daemon failed ({p.returncode}): {p.stderr.strip()}")
        lines = p.stdout.split()
        self.address, self.pid = lines[0], int(lines[1])

    def env(self, **extra):
        e = dict(os.environ)
        e["DBUS_SYSTEM_BUS_ADDRESS"] = self.address
        e.update(extra)
        return e

    def stop(self):
        if self.pid:
            try:
                os.kill(self.pid, 15)
            except ProcessLookupError:
                pass
            self.pid = None
        shutil.rmtree(self.dir, ignore_errors=True)


def as_nobody(argv):
    """argv run as uid/gid 65534 with no supplementary groups."""
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + list(argv)
