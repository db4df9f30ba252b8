#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# System test: the Debian package on a real systemd, in a container booted with systemd-nspawn.
#
#   usage: tests/system/run.sh [--deb FILE.deb] [--rpm FILE.rpm]
#
# 1. Builds the .deb (tools/build-deb.sh, lintian) and the .rpm (tools/build-rpm.sh, rpmlint),
#    unless given, while it prepares a Debian 12 rootfs: debootstrap --variant=minbase with systemd,
#    dbus and the package's run-time libraries, cached as a tarball in $TRACEE_TEST_CACHE
#    (default /var/cache/tracee-test; rebuilt when missing or when the package list changes).
# 2. Boots the rootfs with systemd as PID 1 (systemd-nspawn --boot, with CAP_BPF, CAP_PERFMON,
#    the bpf and perf_event_open syscalls and a read-only tracefs), installs the .deb with dpkg and
#    checks the service for real: readiness, traceectl over the system bus, TRC-2 detections in the
#    journal, disabling a rule (and being refused as nobody), reload/restart/crash keeping the rule
#    state, stop unloading the BPF programs (seen from the host), purge leaving nothing behind.
#    Commands run in the container through nsenter; the trigger programs run as transient units
#    (systemd-run) so that they get the container's credentials.
# 3. Installs the .rpm into a scratch root (rpm --root, database in the scratch directory) and
#    checks its files and scriptlets.
# Prints "ok - STEP" or "FAIL - STEP" per check with the elapsed time, then "N checks passed,
# N failed"; exit status 1 on any failure, 77 when the host lacks what the test needs.
# Leaves nothing on the host but the rootfs cache: nspawn's leftovers (/run/systemd/nspawn/propagate
# entry, payload/ and supervisor/ cgroups) are removed.
set -uo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$SRC/tests/system"
# The cached Debian 12 rootfs (debootstrap), shared with the kernel matrix.
. "$SRC/tests/lib/rootfs.sh"
TRIGGERS=${TRIGGERS_DIR:-$SRC/build/tests}
MSG_STARTED=c6b553b8b4774dc5ad032489c6b4b6e3     # TRACEE_MESSAGE_STARTED, agent/bus-api.h
MSG_DETECTION=91deb1d1573346378d31cbd905ff1af1   # TRACEE_MESSAGE_DETECTION, agent/bus-api.h

deb= rpm=
while [ $# -gt 0 ]; do
        case "$1" in
        --deb) deb=$(realpath "$2"); shift 2 ;;
        --rpm) rpm=$(realpath "$2"); shift 2 ;;
        *) echo "usage: $0 [--deb FILE.deb] [--rpm FILE.rpm]" >&2; exit 2 ;;
        esac
done

skip() { echo "skip: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root"
[ -e /sys/kernel/btf/vmlinux ] || skip "kernel has no BTF"
[ -d /sys/kernel/tracing/events ] || skip "tracefs is not mounted on /sys/kernel/tracing"
need=(systemd-nspawn nsenter python3 rpm flock)
[ -n "$deb" ] || need+=(dpkg-buildpackage lintian)
[ -n "$rpm" ] || need+=(rpmbuild rpmlint)
[ -s "$ROOTFS_TAR" ] || need+=(debootstrap)
for t in "${need[@]}"; do
        command -v "$t" >/dev/null || skip "$t is not installed (tools/install-deps.sh installs it)"
done

T0=$(date +%s%N)
elapsed() { local ms=$((($(date +%s%N) - T0) / 1000000)); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }
PASSED=0 FAILED=0
# report NAME RC DETAIL
report() {
        if [ "$2" = 0 ]; then
                PASSED=$((PASSED + 1)); echo "ok - $1 [$(elapsed)]"
        else
                FAILED=$((FAILED + 1)); echo "FAIL - $1 [$(elapsed)]"
                [ -n "${3:-}" ] && printf '%s\n' "$3" | tail -n 40 | sed 's/^/    # /'
        fi
        return "$2"
}
# check NAME CMD...: runs CMD, output in $OUT, reports.
check() {
        local name=$1; shift
        OUT=$("$@" 2>&1); report "$name" $? "$OUT"
}
# poll SECONDS CMD...: retries CMD every 0.2 s until it succeeds or time runs out.
poll() {
        local end=$(($(date +%s) + $1)); shift
        until "$@"; do
                [ "$(date +%s)" -ge "$end" ] && return 1
                sleep 0.2
        done
}
finish() {
        echo "$PASSED checks passed, $FAILED failed [$(elapsed)]"
        [ "$FAILED" = 0 ]
        exit $?
}

WORK=$(mktemp -d /var/tmp/tracee-system.XXXXXX)
ROOT="$WORK/root"
MACHINE="tracee-systest-$$"
NSPAWN= LEADER=
had_rpmdb=$([ -e "$HOME/.rpmdb" ] && echo 1 || echo 0)
declare -A had_cg
for h in systemd unified; do for c in payload supervisor; do
        [ -d "/sys/fs/cgroup/$h/$c" ] && had_cg[$h/$c]=1
done; done

stop_container() {
        [ -n "$NSPAWN" ] || return 0
        if kill -0 "$NSPAWN" 2>/dev/null; then
                kill -TERM "$NSPAWN" 2>/dev/null        # nspawn: orderly poweroff of the container
                for _ in $(seq 150); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.2; done
                kill -KILL "$NSPAWN" 2>/dev/null
        fi
        wait "$NSPAWN" 2>/dev/null
        NSPAWN=
        # nspawn, run outside a systemd-managed cgroup, leaves payload/ and supervisor/ at the
        # root of the name=systemd and cgroup2 hierarchies: remove the empty ones depth-first
        # (a cgroup still in use by someone else's container is not empty, and stays).
        for h in systemd unified; do for c in payload supervisor; do
                [ -d "/sys/fs/cgroup/$h/$c" ] && [ -z "${had_cg[$h/$c]:-}" ] &&
                        find "/sys/fs/cgroup/$h/$c" -depth -type d -exec rmdir {} \; 2>/dev/null
        done; done
        # /run is not a tmpfs here, so nspawn refuses to remove this itself.
        rm -rf "/run/systemd/nspawn/propagate/$MACHINE"
        # and the lock directory of -D; only when empty (another container may be running).
        rmdir /run/systemd/nspawn/propagate /run/systemd/nspawn/locks /run/systemd/nspawn 2>/dev/null
        return 0
}
cleanup() {
        stop_container
        remove_tree "$ROOT"
        rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ----------------------------------------------------------------------------------------------
# 1. packages and rootfs, in parallel

prepare_rootfs() {
        local tar
        tar=$(rootfs_tarball) || return 1
        mkdir -p "$ROOT" && tar -C "$ROOT" --numeric-owner --xattrs -xf "$tar"
}

mkdir -p "$WORK/dist"
prepare_rootfs >"$WORK/rootfs.log" 2>&1 &
P_ROOTFS=$!
if [ -z "$deb" ]; then
        bash "$SRC/tools/build-deb.sh" "$WORK/dist" >"$WORK/deb.log" 2>&1 &
        P_DEB=$!
fi
if [ -z "$rpm" ]; then
        bash "$SRC/tools/build-rpm.sh" "$WORK/dist" >"$WORK/rpm.log" 2>&1 &
        P_RPM=$!
fi
if [ -z "$deb" ]; then
        wait "$P_DEB"; report "build .deb with tools/build-deb.sh (lintian clean)" $? "$(cat "$WORK/deb.log")"
        deb=$(ls "$WORK"/dist/tracee_*.deb 2>/dev/null | head -1)
fi
if [ -z "$rpm" ]; then
        wait "$P_RPM"; report "build .rpm with tools/build-rpm.sh (rpmlint clean)" $? "$(cat "$WORK/rpm.log")"
        rpm=$(ls "$WORK"/dist/tracee-*.rpm 2>/dev/null | grep -v '\.src\.rpm$' | head -1)
fi
wait "$P_ROOTFS"; rc=$?
cached=$(sed -n 's/^debootstrap took \(.*\)/debootstrap took \1, now cached/p' "$WORK/rootfs.log")
report "rootfs $ROOTFS_SUITE (${cached:-from cache}: $ROOTFS_TAR)" $rc "$(cat "$WORK/rootfs.log")" || finish

# ----------------------------------------------------------------------------------------------
# 2. the .rpm in a scratch root (no scriptlets: this is not an rpm system)

rpm_checks() {
        local rr="$WORK/rpmroot" db=/var/lib/rpm-scratch
        env HOME="$WORK" rpm --root "$rr" --dbpath "$db" --initdb
        check "rpm -ivh --root (scratch root, own database)" \
                env HOME="$WORK" rpm --root "$rr" --dbpath "$db" --nodeps --noscripts -ivh "$rpm" || return
        local expected got
        expected=$(printf '%s\n' /etc/tracee /etc/tracee/tracee.conf /usr/bin/traceectl /usr/sbin/tracee \
                /usr/lib/systemd/system/tracee.service /usr/lib/systemd/catalog/tracee.catalog \
                /usr/share/dbus-1/system.d/org.tracee.Agent1.conf \
                /usr/share/bash-completion/completions/tracee /usr/share/bash-completion/completions/traceectl \
                /var/lib/tracee \
                /usr/share/man/man5/org.tracee.Agent1.5 /usr/share/man/man5/tracee.conf.5 \
                /usr/share/man/man8/tracee.8 /usr/share/man/man8/traceectl.8 | sort)
        # Man pages may be compressed (Fedora) or not (Debian's rpm); .build-id links and docs vary.
        got=$(env HOME="$WORK" rpm --root "$rr" --dbpath "$db" -ql tracee |
                grep -v -e '^/usr/lib/\.build-id' -e '^/usr/share/doc/' | sed 's/\.\(gz\|bz2\|xz\|zst\)$//' | sort)
        check "rpm file list" diff <(echo "$expected") <(echo "$got")
        local f missing=
        for f in $expected; do [ -e "$rr$f" ] || missing+=" $f"; done
        report "rpm files exist in the scratch root" "$([ -z "$missing" ]; echo $?)" "missing:$missing"
        check "rpm: tracee.conf is %config(noreplace)" sh -c \
                "env HOME='$WORK' rpm --root '$rr' --dbpath '$db' -q --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' tracee |
                 grep -x 'cn /etc/tracee/tracee.conf'"
        check "rpm: /var/lib/tracee is root:root 0700" test "$(stat -c '%U:%G %a' "$rr/var/lib/tracee")" = "root:root 700"
        check "rpm: daemon in /usr/sbin, client in /usr/bin" test -x "$rr/usr/sbin/tracee" -a -x "$rr/usr/bin/traceectl"
        OUT=$(env HOME="$WORK" rpm -qp --dbpath "$WORK/rpmdb-q" --scripts "$rpm" 2>&1)
        python3 - "$OUT" <<'PY'
import re, sys
text = sys.argv[1]
parts = dict(re.findall(r"^(\w+) scriptlet \(using [^)]*\):\n(.*?)(?=^\w+ scriptlet \(|\Z)", text, re.S | re.M))
bad = [k for k in ("postinstall", "preuninstall", "postuninstall") if "tracee.service" not in parts.get(k, "")]
# postun restarts (only on upgrade), which the plain systemd_postun would not do.
if "restart" not in parts.get("postuninstall", ""):
    bad.append("postuninstall has no restart")
if bad:
    print("missing or wrong:", bad)
sys.exit(1 if bad else 0)
PY
        report "rpm -qp --scripts: systemd post/preun/postun_with_restart for tracee.service" $? "$OUT"
        check "rpm -e --root removes the files" sh -c \
                "env HOME='$WORK' rpm --root '$rr' --dbpath '$db' --nodeps --noscripts -e tracee &&
                 ! test -e '$rr/usr/sbin/tracee' && ! test -e '$rr/etc/tracee/tracee.conf'"
}
[ -n "$rpm" ] && rpm_checks

[ -n "$deb" ] || finish

# ----------------------------------------------------------------------------------------------
# 3. boot the container

mkdir -p "$ROOT/opt/t"
cp "$deb" "$ROOT/opt/t/tracee.deb"
# Triggers with names of their own, so that the journal entries are recognisably this test's
# (the agent sees every process on the machine, other tests' triggers included).
if [ -x "$TRIGGERS/trc2_traceme" ]; then
        cp "$TRIGGERS/trc2_traceme" "$ROOT/opt/t/systest-trc2"
else
        cc -O2 -o "$ROOT/opt/t/systest-trc2" "$SRC/tests/triggers/trc2_traceme.c"
fi
cp "$ROOT/bin/true" "$ROOT/opt/t/systest-trc7"
cp "$ROOT/bin/cat" "$ROOT/opt/t/systest-cat"
if [ -x "$TRIGGERS/trc1_reverse_shell" ]; then
        cp "$TRIGGERS/trc1_reverse_shell" "$ROOT/opt/t/systest-trc1"
else
        cc -O2 -o "$ROOT/opt/t/systest-trc1" "$SRC/tests/triggers/trc1_reverse_shell.c"
fi
# A service started by systemd on each connection (Accept=yes), its stdin and stdout the socket:
# the shape of a bind shell, legitimately; TRC-1's default exceptions keep it silent.
mkdir -p "$ROOT/etc/systemd/system"
cat >"$ROOT/etc/systemd/system/systest-echo.socket" <<'UNIT'
[Socket]
ListenStream=127.0.0.1:7777
Accept=yes
UNIT
cat >"$ROOT/etc/systemd/system/systest-echo@.service" <<'UNIT'
[Service]
ExecStart=/opt/t/systest-cat
StandardInput=socket
StandardOutput=socket
UNIT

systemd-nspawn --boot --register=no --keep-unit --machine="$MACHINE" -D "$ROOT" --console=read-only \
        --capability=CAP_BPF,CAP_PERFMON --system-call-filter="bpf perf_event_open" \
        --bind-ro=/sys/kernel/tracing >"$WORK/console.log" 2>&1 &
NSPAWN=$!
for _ in $(seq 300); do
        LEADER=$(ps -o pid= --ppid "$NSPAWN" | head -1 | tr -d ' ')
        [ -n "$LEADER" ] && [ "$(cat "/proc/$LEADER/comm" 2>/dev/null)" = systemd ] && break
        LEADER=
        sleep 0.05
done
report "systemd-nspawn started systemd as PID 1" "$([ -n "$LEADER" ]; echo $?)" "$(cat "$WORK/console.log")" || finish

IN() { nsenter --target "$LEADER" --mount --uts --ipc --net --pid --cgroup --root --wd -- "$@"; }
booted() { case "$(IN systemctl is-system-running 2>/dev/null)" in running | degraded) return 0 ;; esac; return 1; }
poll 60 booted
report "container booted: systemctl is-system-running = $(IN systemctl is-system-running 2>&1)" $? \
        "$(cat "$WORK/console.log"; IN systemctl --failed --no-pager 2>&1)" || finish

# ----------------------------------------------------------------------------------------------
# 4. the service

unit_prop() { IN systemctl show -P "$1" tracee.service; }
agent_log() { IN journalctl -u tracee.service --no-pager -n 30 2>&1; }
rule_state() { IN traceectl rule list | awk -v id="$1" '$1 == id { for (i = 2; i <= NF; i++) if ($i == "enabled" || $i == "disabled") print $i }'; }
# count RULE COMM: the rule's journal entries for a trigger of this test.
count() { IN journalctl --no-pager -o json "TRACEE_RULE_ID=$1" "TRACEE_COMM=$2" | grep -c '^{'; }
more_than() { [ "$(count "$1" "$2")" -gt "$3" ]; }
trigger() { IN systemd-run --quiet --wait --collect "$@"; }

apt_fix() { IN apt-get update -qq && IN env DEBIAN_FRONTEND=noninteractive apt-get install -y -f -qq; }
if ! check "dpkg -i tracee.deb" IN dpkg -i /opt/t/tracee.deb; then
        # A dependency the cached rootfs lacks: fetch it (needs the mirror), then continue.
        check "apt-get -f install (dependencies missing from the rootfs)" \
                apt_fix
fi
check "package installed" test "$(IN dpkg-query -W -f='${Status}' tracee 2>&1)" = "install ok installed"
check "/etc/tracee/tracee.conf is a conffile" sh -c "test -n \"\$1\"" sh "$(IN dpkg-query -W -f='${Conffiles}' tracee | grep ' /etc/tracee/tracee.conf ')"
check "postinst enabled the unit" test "$(IN systemctl is-enabled tracee.service 2>&1)" = enabled
poll 30 test "$(IN systemctl is-active tracee.service 2>&1)" = active
report "postinst started the unit (active)" $? "$(agent_log)"

IN systemctl stop tracee.service >/dev/null 2>&1
# Type=notify: start returns once the agent sent READY=1, i.e. the BPF programs are attached.
check "systemctl start tracee" IN systemctl start tracee.service
report "active right after start (READY=1)" \
        "$([ "$(IN systemctl is-active tracee.service)" = active ]; echo $?)" "$(agent_log)" || {
        echo "    # tracee cannot run in this container; the remaining service checks are skipped"
        IN dpkg --purge tracee >/dev/null 2>&1
        finish
}
# What the agent had to say about the sandbox it runs in (tracefs, capabilities, ...), for the log.
IN journalctl -u tracee.service --no-pager -o cat -p warning 2>/dev/null | sort -u | sed 's/^/    # agent warning: /'
start_msg() { IN journalctl -u tracee.service --no-pager MESSAGE_ID=$MSG_STARTED | grep 'started: [0-9]* rules enabled'; }
check "journalctl -u tracee shows the start message" start_msg
check "D-Bus name org.tracee.Agent1 on the system bus" IN busctl --system status org.tracee.Agent1
check "traceectl rule list (root, system bus)" IN traceectl rule list
list=$OUT
check "rule list has TRC-1..TRC-7, TRC-2 enabled" sh -c \
        'for i in 1 2 3 4 5 6 7; do printf "%s\n" "$1" | grep -q "^TRC-$i " || exit 1; done
         printf "%s\n" "$1" | grep "^TRC-2 " | grep -qw enabled' sh "$list"
[ $? = 0 ] || echo "$list" | sed 's/^/    # /'
check "traceectl rule list as nobody" IN runuser -u nobody -- traceectl rule list

n2=$(count TRC-2 systest-trc2)
check "TRC-2 trigger runs as a transient unit" trigger /opt/t/systest-trc2
poll 15 more_than TRC-2 systest-trc2 "$n2"
report "journalctl TRACEE_RULE_ID=TRC-2 has the detection" $? "$(agent_log)"
OUT=$(IN journalctl --no-pager -o json TRACEE_RULE_ID=TRC-2 TRACEE_COMM=systest-trc2 -n 1)
python3 - "$OUT" <<'PY'
import json, sys
e = json.loads(sys.argv[1].splitlines()[-1])
want = {"TRACEE_RULE_ID": "TRC-2", "TRACEE_RULE_NAME": "Anti-Debugging", "TRACEE_SEVERITY": "high",
        "TRACEE_COMM": "systest-trc2", "SYSLOG_IDENTIFIER": "tracee", "_SYSTEMD_UNIT": "tracee.service"}
bad = {k: e.get(k) for k, v in want.items() if e.get(k) != v}
for k in ("MESSAGE_ID", "TRACEE_MITRE_TECHNIQUE", "TRACEE_PID", "TRACEE_UID", "TRACEE_EXE", "TRACEE_DETECTION"):
    if not e.get(k):
        bad[k] = None
if not str(e.get("TRACEE_EXE", "")).endswith("systest-trc2"):
    bad["TRACEE_EXE"] = e.get("TRACEE_EXE")
if bad:
    print("unexpected fields:", bad)
sys.exit(1 if bad else 0)
PY
report "the entry has the TRACEE_* fields" $? "$OUT"

# A detection forged by nobody, claiming the fields journald sets itself (which it drops): the
# agent's entry from tracee.service is listed, the forged one is not.
FORGED="MESSAGE=systest forged detection
MESSAGE_ID=$MSG_DETECTION
TRACEE_RULE_ID=TRC-2
TRACEE_SEVERITY=critical
TRACEE_COMM=systest-forger
_UID=0
_SYSTEMD_UNIT=tracee.service
_EXE=/usr/sbin/tracee"
check "nobody writes a forged TRC-2 detection (logger --journald)" \
        IN runuser -u nobody -- sh -c 'printf "%s\n" "$1" | logger --journald' sh "$FORGED"
forged_logged() { IN journalctl --no-pager -o cat "MESSAGE_ID=$MSG_DETECTION" | grep -q 'systest forged'; }
poll 10 forged_logged
report "the forged entry is in the journal" $? "$(IN journalctl --no-pager -o verbose -n 3 2>&1)"
OUT=$(IN traceectl detections --rule TRC-2 -n all 2>&1)
printf "%s\n" "$OUT" | grep -q systest-trc2 && ! printf "%s\n" "$OUT" | grep -q 'systest forged'
report "traceectl detections: the agent's TRC-2 detection, not the forged one" $? "$OUT"
OUT=$(IN journalctl --no-pager -o cat _UID=0 _SYSTEMD_UNIT=tracee.service TRACEE_RULE_ID=TRC-2 2>&1)
printf "%s\n" "$OUT" | grep -q systest-trc2 && ! printf "%s\n" "$OUT" | grep -q 'systest forged'
report "journalctl _UID=0 _SYSTEMD_UNIT=tracee.service TRACEE_RULE_ID=TRC-2: the same" $? "$OUT"

check "traceectl rule disable TRC-2 (root)" IN traceectl rule disable TRC-2
check "TRC-2 is disabled in the list" test "$(rule_state TRC-2)" = disabled
check "rule state written to /var/lib/tracee/rules.state (directory 0700)" sh -c \
        "test -s '$ROOT/var/lib/tracee/rules.state' && test \"\$(stat -c %a '$ROOT/var/lib/tracee')\" = 700"
n2=$(count TRC-2 systest-trc2)
n7=$(count TRC-7 systest-trc7)
trigger /opt/t/systest-trc2 >/dev/null 2>&1
# A detection from a later process, on the same ring buffer, proves the agent has processed
# the second TRC-2 trigger by the time it shows up.
trigger -E LD_PRELOAD=/nonexistent-systest.so /opt/t/systest-trc7 >/dev/null 2>&1
poll 15 more_than TRC-7 systest-trc7 "$n7"
report "control: a later TRC-7 detection arrives" $? "$(agent_log)"
check "disabled TRC-2: trigger again, no new entry" test "$(count TRC-2 systest-trc2)" = "$n2"

# systemd's Accept=yes: its child dup2s the connection onto fds 0-1 and execs the service; both
# are that shape, and both are excepted by TRC-1's defaults (systemd, PID 1). A reverse shell
# connecting to the same socket from a transient unit is the control: it is reported.
check "systemctl start systest-echo.socket (Accept=yes)" IN systemctl start systest-echo.socket
# systemd's child is named "(test-cat)" until it execs systest-cat
acc() { IN journalctl --no-pager -o json TRACEE_RULE_ID=TRC-1 TRACEE_COMM=systest-cat + TRACEE_RULE_ID=TRC-1 \
        "TRACEE_COMM=(test-cat)" | grep -c '^{'; }
n1=$(acc)
# (the client reads with read -u: a redirection onto its own stdin would be that shape itself; its
# echo >&3 puts the socket on its stdout for a moment, which is reported, and not counted here)
OUT=$(IN bash -c 'exec 3<>/dev/tcp/127.0.0.1/7777 && echo hello-accept >&3 && read -r -u 3 l && echo "$l"' 2>&1)
report "a connection to the Accept=yes socket is served by systest-cat" "$([ "$OUT" = hello-accept ]; echo $?)" "$OUT"
trigger /opt/t/systest-trc1 dup2 7777 >/dev/null 2>&1
poll 15 more_than TRC-1 systest-trc1 0
report "control: a reverse shell onto the same socket is reported (TRC-1)" $? "$(agent_log)"
OUT=$(acc)
report "no TRC-1 entry for systemd's Accept=yes child or its service ($n1 before, $OUT after)" \
        "$([ "$OUT" = "$n1" ]; echo $?)" "$(IN journalctl --no-pager TRACEE_RULE_ID=TRC-1 2>&1 | tail -5)"
OUT=$(IN traceectl --json rule show TRC-1 2>&1)
report "traceectl rule show TRC-1: the suppression is counted against its default exceptions" \
        "$(printf '%s' "$OUT" | grep -Eq '"suppressedByDefaults" *: *[1-9]'; echo $?)" "$OUT"
IN systemctl stop systest-echo.socket >/dev/null 2>&1

OUT=$(IN runuser -u nobody -- traceectl rule enable TRC-2 2>&1); rc=$?
report "traceectl rule enable TRC-2 as nobody is denied (exit 4)" "$([ $rc = 4 ]; echo $?)" "exit $rc: $OUT"
echo "    # $OUT"
OUT=$(IN setpriv --reuid=65534 --regid=65534 --clear-groups traceectl rule disable TRC-1 2>&1); rc=$?
report "traceectl rule disable TRC-1 via setpriv uid 65534 is denied (exit 4)" "$([ $rc = 4 ]; echo $?)" "exit $rc: $OUT"
check "TRC-2 still disabled, TRC-1 still enabled" test "$(rule_state TRC-2) $(rule_state TRC-1)" = "disabled enabled"

pid=$(unit_prop MainPID)
# A configuration the agent refuses: ExecReload= (traceectl reload) waits for Reload()'s answer, so
# systemctl reload fails and the journal names the file:line; the agent keeps the old configuration.
IN cp -p /etc/tracee/tracee.conf /etc/tracee/tracee.conf.systest
badline=$(($(IN sh -c 'wc -l < /etc/tracee/tracee.conf') + 2))
IN sh -c 'printf "[output]\nstdout = xml\n" >> /etc/tracee/tracee.conf'
OUT=$(IN systemctl reload tracee.service 2>&1); rc=$?
report "systemctl reload with a refused configuration fails" "$([ $rc != 0 ]; echo $?)" "exit $rc: $OUT"
OUT=$(IN journalctl -u tracee.service --no-pager -o cat -n 40 2>&1)
report "the refusal is in the journal, naming /etc/tracee/tracee.conf:$badline" \
        "$(printf '%s' "$OUT" | grep -q "/etc/tracee/tracee.conf:$badline: .*stdout=xml"; echo $?)" "$OUT"
check "after the refused reload: active, same process, TRC-2 disabled" test \
        "$(IN systemctl is-active tracee.service) $(unit_prop MainPID) $(rule_state TRC-2)" = "active $pid disabled"
IN mv /etc/tracee/tracee.conf.systest /etc/tracee/tracee.conf
check "systemctl reload tracee" IN systemctl reload tracee.service
check "after reload: active, same process, TRC-2 disabled" test \
        "$(IN systemctl is-active tracee.service) $(unit_prop MainPID) $(rule_state TRC-2)" = "active $pid disabled"
check "systemctl restart tracee" IN systemctl restart tracee.service
check "after restart: active, new process, TRC-2 disabled" sh -c \
        "test '$(IN systemctl is-active tracee.service) $(rule_state TRC-2)' = 'active disabled' && test '$(unit_prop MainPID)' != '$pid'"

pid=$(unit_prop MainPID)
restarts=$(unit_prop NRestarts)
check "systemctl kill -s KILL tracee" IN systemctl kill -s KILL tracee.service
back() { [ "$(unit_prop NRestarts)" -gt "$restarts" ] && [ "$(IN systemctl is-active tracee.service)" = active ]; }
poll 30 back
report "Restart=on-failure: restarted and active again (NRestarts $restarts -> $(unit_prop NRestarts))" $? \
        "$(IN systemctl status --no-pager tracee.service 2>&1)"
check "after the crash: TRC-2 still disabled" test "$(rule_state TRC-2)" = disabled

# The BPF programs of the container's agent, found from the host (other agents may be running
# there): the process named tracee in the container's pid namespace, and the prog_id of its
# BPF file descriptors (fdinfo). bpftool here has no "pids" feature.
host_agent_pids() { pgrep -x tracee --ns "$LEADER" --nslist pid; }
loaded() { bpftool prog list 2>/dev/null | sed -n 's/^\([0-9]*\): .*/\1/p' | sort; }
hpids=$(host_agent_pids)
progs=$(for p in $hpids; do cat "/proc/$p"/fdinfo/* 2>/dev/null; done | awk '$1 == "prog_id:" { print $2 }' | sort -u)
names=$(bpftool prog list 2>/dev/null | awk -v ids=" $(echo $progs) " '
        /^[0-9]+:/ { id = $1; sub(":", "", id); if (index(ids, " " id " ")) for (i = 2; i < NF; i++) if ($i == "name") print $(i + 1) }' |
        sort -u)
report "host sees the agent (pid $(echo $hpids)) and its $(echo "$progs" | wc -w) BPF programs ($(echo $names | grep -o 'tr_[a-z_]*' | xargs))" \
        "$([ -n "$hpids" ] && [ -n "$progs" ] && echo "$names" | grep -q '^tr_sys_enter$'; echo $?)" "progs: $progs names: $names"
check "systemctl stop tracee" IN systemctl stop tracee.service
check "inactive after stop" test "$(IN systemctl is-active tracee.service)" = inactive
gone() { [ -z "$(host_agent_pids)" ] && [ -z "$(comm -12 <(loaded) <(echo "$progs"))" ]; }
poll 15 gone
report "no tracee process left in the container, its BPF programs are unloaded" $? \
        "left: pids $(host_agent_pids); programs $(comm -12 <(loaded) <(echo "$progs") | xargs)"

check "dpkg --purge tracee" IN dpkg --purge tracee
left=
for f in /etc/tracee /var/lib/tracee /lib/systemd/system/tracee.service /usr/lib/systemd/system/tracee.service \
        /etc/systemd/system/multi-user.target.wants/tracee.service /usr/share/dbus-1/system.d/org.tracee.Agent1.conf \
        /usr/sbin/tracee /usr/bin/traceectl /usr/lib/systemd/catalog/tracee.catalog; do
        [ -e "$ROOT$f" ] || [ -L "$ROOT$f" ] && left+=" $f"
done
report "purge left nothing behind" "$([ -z "$left" ]; echo $?)" "left:$left"
not_installed() { ! IN dpkg-query -W -f='${Status}' tracee 2>/dev/null | grep -q ' installed'; }
check "dpkg no longer knows tracee" not_installed
no_unit() { ! IN systemctl list-unit-files --no-legend tracee.service | grep -q .; }
check "systemd no longer knows tracee.service" no_unit

# ----------------------------------------------------------------------------------------------
# 5. power off, host left clean

cleanup
leftover=
[ -e "$WORK" ] && leftover+=" $WORK"
[ -e "/run/systemd/nspawn/propagate/$MACHINE" ] && leftover+=" /run/systemd/nspawn/propagate/$MACHINE"
for h in systemd unified; do for c in payload supervisor; do
        [ -d "/sys/fs/cgroup/$h/$c" ] && [ -z "${had_cg[$h/$c]:-}" ] && leftover+=" /sys/fs/cgroup/$h/$c"
done; done
[ "$had_rpmdb" = 0 ] && [ -e "$HOME/.rpmdb" ] && leftover+=" $HOME/.rpmdb"
report "container powered off, host clean (work directory, nspawn leftovers, ~/.rpmdb)" "$([ -z "$leftover" ]; echo $?)" \
        "left:$leftover"
finish
