# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks the systemd and D-Bus integration files and the man pages with the real tools.

- the configured tracee.service passes `systemd-analyze verify` with no output at all (run in a
  private mount namespace with a tmpfs on /run/systemd and TMPDIR in a scratch directory, so
  nothing is left on the host), and a deliberately broken copy does produce output;
- `systemd-analyze security --offline=yes` rates its exposure 3.5 or lower;
- `mandoc -Tlint` exits 0 on every man page;
- dbus-daemon accepts the bus policy, and enforces it against the real agent: root owns the name,
  nobody may read but not change rules or reload;
- tracee.catalog has one well-formed entry per MESSAGE_ID in agent/bus-api.h, and
  `journalctl --update-catalog` compiles it in a scratch root.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SKIP, TRACEECTL, Checks, Tracee, TRACEE  # noqa: E402
from privbus import SRC, PrivateBus, as_nobody  # noqa: E402

BUILD = os.path.dirname(os.environ.get("TRIGGERS_DIR", os.path.join(SRC, "build", "tests")))
UNIT = os.path.join(BUILD, "units", "tracee.service")
MAN_PAGES = ["tracee.8", "traceectl.8", "tracee.conf.5", "org.tracee.Agent1.5"]
MAX_EXPOSURE = 3.5


def isolated(argv, tmpdir, env=None):
    """argv in a private mount namespace with a tmpfs on /run/systemd (verify writes there)."""
    e = dict(env or os.environ)
    e["TMPDIR"] = tmpdir
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           'mount -t tmpfs tmpfs /run/systemd && exec "$@"', "sh"] + argv,
                          capture_output=True, text=True, env=e, timeout=120)


def stage_unit(work, text, name="tracee.service"):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def check_unit(t, work):
    if not t.check("configured unit exists", os.path.exists(UNIT), UNIT):
        return
    text = open(UNIT).read()
    t.check("unit has no unsubstituted @variables@", not re.search(r"@\w+@", text),
            re.findall(r"@\w+@", text))
    m = re.search(r"^ExecStart=(\S+) --output=none$", text, re.M)
    t.check("ExecStart is an absolute path to tracee with --output=none",
            m is not None and m.group(1).startswith("/") and m.group(1).endswith("/tracee"))
    # ExecReload waits for the agent's answer (systemctl reload fails when it refuses the file)
    m = re.search(r"^ExecReload=(\S+) reload$", text, re.M)
    t.check("ExecReload is an absolute path to traceectl reload",
            m is not None and m.group(1).startswith("/") and m.group(1).endswith("/traceectl"))
    # The installed paths do not exist here: point ExecStart and ExecReload at the built binaries.
    staged = re.sub(r"^ExecStart=\S+", "ExecStart=" + os.path.abspath(TRACEE), text, flags=re.M)
    staged = re.sub(r"^ExecReload=\S+", "ExecReload=" + os.path.abspath(TRACEECTL), staged, flags=re.M)
    unit = stage_unit(work, staged)

    # man: links are checked against the staged pages when man(1) is there.
    mandir = os.path.join(work, "man")
    for sec in ("5", "8"):
        os.makedirs(os.path.join(mandir, "man" + sec), exist_ok=True)
    for page in MAN_PAGES:
        shutil.copy(os.path.join(SRC, "man", page), os.path.join(mandir, "man" + page[-1], page))
    man_arg = [] if shutil.which("man") else ["--man=no"]
    env = dict(os.environ, MANPATH=mandir)

    leftover = "/run/systemd/systemd-units-load"
    had_leftover = os.path.exists(leftover)
    r = isolated(["systemd-analyze", "verify"] + man_arg + [unit], work, env)
    t.check("systemd-analyze verify: exit 0", r.returncode == 0, f"rc={r.returncode}")
    t.check("systemd-analyze verify: no output at all", r.stdout == "" and r.stderr == "",
            repr(r.stdout + r.stderr))
    t.check("verify left nothing in /run/systemd", had_leftover or not os.path.exists(leftover))

    # The check above must be able to fail: an unknown key is only a warning with exit 0.
    broken = stage_unit(work, staged.replace("[Service]\n", "[Service]\nFrobnicate=yes\n"), "broken.service")
    r = isolated(["systemd-analyze", "verify", "--man=no", broken], work, env)
    t.check("verify reports a broken copy", "Frobnicate" in r.stderr, repr(r.stderr))

    r = isolated(["systemd-analyze", "security", "--offline=yes", "--no-pager", unit], work, env)
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", r.stdout)
    score = float(m.group(1)) if m else None
    print(f"# exposure level: {score}")
    t.check(f"security exposure <= {MAX_EXPOSURE}", score is not None and score <= MAX_EXPOSURE,
            f"score={score} rc={r.returncode} {r.stderr.strip()}")
    tmp_left = [n for n in os.listdir(work) if n.startswith("systemd-")]
    for n in tmp_left:
        shutil.rmtree(os.path.join(work, n), ignore_errors=True)


def check_man(t):
    if not shutil.which("mandoc"):
        t.check("mandoc installed", False)
        return
    for page in MAN_PAGES:
        # Run in man/ so cross references between the pages resolve.
        r = subprocess.run(["mandoc", "-Tlint", page], cwd=os.path.join(SRC, "man"),
                           capture_output=True, text=True)
        msgs = [l for l in r.stderr.splitlines() if "mandoc.db" not in l]
        t.check(f"mandoc -Tlint {page}: exit 0", r.returncode == 0, "\n".join(msgs))


def busctl(bus, *args, nobody=False):
    argv = ["busctl", "--system"] + list(args)
    return subprocess.run(as_nobody(argv) if nobody else argv, capture_output=True, text=True,
                          env=bus.env(), timeout=30)


def check_policy(t, work):
    try:
        bus = PrivateBus()
        bus.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        t.check("dbus-daemon accepts the policy", False, str(e))
        return
    t.check("dbus-daemon accepts the policy", True)
    try:
        r = busctl(bus, "call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                   "RequestName", "su", "org.tracee.Agent1", "0", nobody=True)
        t.check("nobody may not own org.tracee.Agent1", r.returncode != 0, r.stdout + r.stderr)

        conf = os.path.join(work, "tracee.conf")
        state = os.path.join(work, "state")
        os.mkdir(state)
        with open(conf, "w") as f:
            f.write(f"[agent]\nstate_directory = {state}\n[output]\njournal = no\n")
        try:
            agent = Tracee("--config", conf, "--output", "none", env={"DBUS_SYSTEM_BUS_ADDRESS": bus.address})
            agent.start()
        except RuntimeError as e:
            print(f"# agent did not start, policy enforcement not checked: {e}")
            return
        try:
            path = ("org.tracee.Agent1", "/org/tracee/Agent1")
            ok = False
            for _ in range(100):
                r = busctl(bus, "call", *path, "org.freedesktop.DBus.Peer", "Ping")
                if r.returncode == 0:
                    ok = True
                    break
                agent.settle(0.05)
            t.check("root (the agent) owns org.tracee.Agent1", ok, r.stderr)
            r = busctl(bus, "call", *path, "org.tracee.Agent1", "ListRules", nobody=True)
            t.check("nobody may call ListRules", r.returncode == 0, r.stderr)
            r = busctl(bus, "call", *path, "org.tracee.Agent1", "DescribeRule", "s", "TRC-2", nobody=True)
            t.check("nobody may call DescribeRule", r.returncode == 0, r.stderr)
            r = busctl(bus, "call", *path, "org.tracee.Agent1", "Describe", nobody=True)
            t.check("nobody may call Describe", r.returncode == 0, r.stderr)
            r = busctl(bus, "get-property", *path, "org.tracee.Agent1", "Version", nobody=True)
            t.check("nobody may read properties", r.returncode == 0, r.stderr)
            r = busctl(bus, "introspect", *path, nobody=True)
            t.check("nobody may introspect", r.returncode == 0, r.stderr)
            for member, sig in (("EnableRule", ["s", "TRC-2"]), ("DisableRule", ["s", "TRC-2"]), ("Reload", [])):
                # dbus-send shows which layer denied it: the bus policy says "Rejected send message".
                argv = as_nobody(["dbus-send", "--system", "--print-reply", "--dest=org.tracee.Agent1",
                                  "/org/tracee/Agent1", "org.tracee.Agent1." + member]
                                 + (["string:" + sig[1]] if sig else []))
                r = subprocess.run(argv, capture_output=True, text=True, env=bus.env(), timeout=30)
                t.check(f"the bus policy denies {member} to nobody",
                        r.returncode != 0 and "AccessDenied" in r.stderr and "Rejected send message" in r.stderr,
                        r.stderr.strip())
            r = busctl(bus, "call", *path, "org.tracee.Agent1", "DisableRule", "s", "TRC-2")
            t.check("root may call DisableRule", r.returncode == 0, r.stderr)
            r = busctl(bus, "call", *path, "org.tracee.Agent1", "EnableRule", "s", "TRC-2")
            t.check("root may call EnableRule", r.returncode == 0, r.stderr)
        finally:
            agent.stop()
    finally:
        bus.stop()


def check_catalog(t, work):
    api = open(os.path.join(SRC, "agent", "bus-api.h")).read()
    ids = set(re.findall(r'#define\s+TRACEE_MESSAGE_\w+\s+"([0-9a-f]{32})"', api))
    t.check("bus-api.h defines MESSAGE_IDs", len(ids) >= 1)
    path = os.path.join(SRC, "units", "tracee.catalog")
    entries = {}
    current = None
    bad = []
    for n, line in enumerate(open(path).read().splitlines(), 1):
        if line.startswith("-- "):
            m = re.fullmatch(r"-- ([0-9a-f]{32})", line)
            if not m:
                bad.append(f"{n}: bad header {line!r}")
                current = None
                continue
            current = m.group(1)
            if current in entries:
                bad.append(f"{n}: duplicate entry {current}")
            entries[current] = {"headers": {}, "body": []}
        elif current is None:
            if line and not line.startswith("#"):
                bad.append(f"{n}: text outside an entry")
        elif not entries[current]["body"] and ":" in line and not line.startswith(" ") and line:
            k, v = line.split(":", 1)
            entries[current]["headers"][k] = v.strip()
        else:
            entries[current]["body"].append(line)
    t.check("catalog syntax", not bad, "; ".join(bad))
    t.check("one catalog entry per MESSAGE_ID in bus-api.h", set(entries) == ids,
            f"missing {ids - set(entries)} extra {set(entries) - ids}")
    for mid, e in entries.items():
        h = e["headers"]
        body = "\n".join(e["body"]).strip()
        t.check(f"catalog {mid}: Subject, Defined-By, Documentation, text",
                h.get("Subject") and h.get("Defined-By") == "tracee"
                and "man:tracee" in h.get("Documentation", "") and len(body) > 40, str(h))

    root = os.path.join(work, "catalog-root")
    catdir = os.path.join(root, "usr", "lib", "systemd", "catalog")
    os.makedirs(catdir)
    shutil.copy(path, catdir)
    r = subprocess.run(["journalctl", "--root=" + root, "--update-catalog"], capture_output=True, text=True)
    t.check("journalctl --update-catalog compiles it", r.returncode == 0 and not r.stderr.strip(), r.stderr)
    r = subprocess.run(["journalctl", "--root=" + root, "--list-catalog"], capture_output=True, text=True)
    listed = set(re.findall(r"^([0-9a-f]{32}) ", r.stdout, re.M))
    t.check("journalctl --list-catalog lists every entry", listed == ids, r.stdout + r.stderr)


def main():
    if os.geteuid() != 0:
        print("skip: needs root (mount namespaces, private dbus-daemon)", file=sys.stderr)
        return SKIP
    for tool in ("systemd-analyze", "unshare", "dbus-daemon", "busctl", "journalctl"):
        if not shutil.which(tool):
            print(f"skip: {tool} is not installed", file=sys.stderr)
            return SKIP
    t = Checks()
    work = tempfile.mkdtemp(prefix="tracee-units-")
    os.chmod(work, 0o755)
    try:
        check_unit(t, work)
        check_man(t)
        check_policy(t, work)
        check_catalog(t, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{t.passed} passed, {t.failed} failed")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
