#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Kernel matrix: the live detection suite on the kernels administrators run, each booted under qemu.
#
#   usage: tests/kernels/run.sh [--kernels NAME,...] [--quick] [--kernels-file FILE] [--tests FILE]
#                               [--deb FILE.deb] [--bpf-object FILE.o] [--logs DIR] [--results FILE]
#                               [--accel auto|kvm|tcg] [--vm-timeout S] [--test-timeout S] [--refresh]
#          tests/kernels/run.sh --self-test [--kernels NAME] [--results FILE]
#          tests/kernels/run.sh --list
#
# For each kernel of tests/kernels/kernels.txt (or those named, or with --quick the first two):
#   1. an image: the cached Debian 12 rootfs (tests/lib/rootfs.sh, shared with the system test,
#      built when missing), with the kernel package, initramfs-tools, python3, kmod and the tools of
#      the benign workload installed with apt, as a raw ext4 disk made with mkfs.ext4 -d, plus the
#      kernel and initramfs to boot it with. Cached in $TRACEE_TEST_CACHE/kernels/NAME (default
#      /var/cache/tracee-test/kernels) and reused until the rootfs, the package list, the kernel's
#      line or init.sh change; --refresh rebuilds it, to pick up a newer kernel from the archive;
#   2. a payload disk: this build's .deb (tools/build-deb.sh, once per run, unless --deb is given),
#      the trigger programs ($BUILD_DIR/tests), tests/live, tests/kernels, units and config.json;
#   3. boots it (tests/kernels/boot.py: KVM when it works here, else TCG; a qcow2 overlay over the
#      cached image, no network) and the guest driver (tests/kernels/guest.py) checks that the
#      package installs, the BPF object loads and attaches, `tracee --list` tells the truth (against
#      the kernel and the UNAVAILABLE column of the kernel list), and runs the live tests of
#      tests/kernels/tests.txt (or --tests FILE), each within --test-timeout (default 300 s); the
#      host then checks the kernel's console for warnings, oopses and panics. The whole VM gets
#      --vm-timeout (default 900 s), the whole matrix $KMATRIX_BUDGET (default 2700 s).
# Prints "ok - KERNEL: STEP [s]", "FAIL - ..." (with the verifier's log when the BPF object does not
# load) or "skip - ..." per step, a table of the kernels with their times, and "N passed, N failed,
# N skipped" over all steps. Logs (consoles, each step's output, summary.json per kernel, matrix.md for
# the README) go to --logs (default $BUILD_DIR/kernel-matrix). --results FILE gets one line
# "kernel-matrix/KERNEL/STEP STATUS" per step, for tests/run.sh. --bpf-object makes every step load
# that object (TRACEE_BPF_FILE) instead of the package's built-in one.
#
# --self-test checks the runner itself on one kernel (default: the first): with a BPF object the
# verifier rejects (tests/kernels/break_bpf.py), a kernel list that is wrong about what the kernel
# lacks, a failing and a hanging test, it must fail, show the verifier's log, catch the wrong
# claim, stop the hanging test at its limit and go on; with a VM time limit too short it must kill
# the VM and fail; on the host, the list step must pass when told the truth about this kernel and
# fail when not. Prints "ok - ..." per check; exit status 0 when the runner failed as it should.
#
# Exit status: 0 when every step passed or was skipped, 1 otherwise, 77 when this host cannot run
# the matrix (not root, qemu missing: tools/install-deps.sh installs it), which TRACEE_CI=1 (set by
# .ci/run) turns into a failure. Cleans up after itself on every exit path: the VMs, its work
# directory in /var/tmp; the host's files are never changed (apt runs in the image, in a private
# mount namespace).
set -euo pipefail
shopt -s inherit_errexit

SRC=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$SRC/tests/kernels"
. "$SRC/tests/lib/rootfs.sh"
BUILD=${BUILD_DIR:-build}
[ "${BUILD#/}" != "$BUILD" ] || BUILD="$SRC/$BUILD"
IMAGES="$ROOTFS_CACHE/kernels"
# What the images hold besides the rootfs: the initramfs and module tools, python3 for the live
# tests and the guest driver, and what the benign workload runs (tests/live/benign.py).
IMAGE_PACKAGES="initramfs-tools zstd kmod iproute2 python3 make gcc libc6-dev git openssh-client perl xz-utils"
IMAGE_TIMEOUT=900       # seconds for the apt part of one image build

kernels_file="$HERE/kernels.txt"
tests_file="$HERE/tests.txt"
only= quick=0 deb= bpf_object= logs= results= accel=${KMATRIX_ACCEL:-auto} refresh=0 self_test=0
vm_timeout=${KMATRIX_VM_TIMEOUT:-900} test_timeout=${KMATRIX_TEST_TIMEOUT:-300} list_only=0
budget=${KMATRIX_BUDGET:-2700}  # seconds for the whole matrix: kernels not started by then fail
usage() { sed -n '5,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
        case "$1" in
        --kernels) only=$2; shift 2 ;;
        --kernels-file) kernels_file=$(realpath "$2"); shift 2 ;;
        --quick) quick=1; shift ;;
        --tests) tests_file=$(realpath "$2"); shift 2 ;;
        --deb) deb=$(realpath "$2"); shift 2 ;;
        --bpf-object) bpf_object=$(realpath "$2"); shift 2 ;;
        --logs) logs=$2; shift 2 ;;
        --results) results=$2; shift 2 ;;
        --accel) accel=$2; shift 2 ;;
        --vm-timeout) vm_timeout=$2; shift 2 ;;
        --test-timeout) test_timeout=$2; shift 2 ;;
        --refresh) refresh=1; shift ;;
        --self-test) self_test=1; shift ;;
        --list) list_only=1; shift ;;
        *) usage ;;
        esac
done
logs=${logs:-$BUILD/kernel-matrix}
mkdir -p "$logs"
logs=$(realpath "$logs")
if [ -n "$results" ]; then
        mkdir -p "$(dirname "$results")"
        results=$(realpath "$results")
        : >"$results"
fi

# The names listed in a file, one per line (first word), without comments and blank lines.
names() { sed -e 's/#.*//' "$1" | awk 'NF { print $1 }'; }
# kernel_field NAME N: field N of the kernel's line.
kernel_field() { sed -e 's/#.*//' "$kernels_file" | awk -v n="$1" -v f="$2" '$1 == n { print $f; exit }'; }

mapfile -t all_kernels < <(names "$kernels_file")
if [ -n "$only" ]; then
        IFS=, read -r -a kernels <<<"$only"
        for k in "${kernels[@]}"; do
                [ -n "$(kernel_field "$k" 1)" ] || { echo "no kernel $k in $kernels_file" >&2; exit 2; }
        done
elif [ "$quick" = 1 ]; then
        kernels=("${all_kernels[@]:0:2}")
else
        kernels=("${all_kernels[@]}")
fi
if [ "$list_only" = 1 ]; then
        sed -e 's/#.*//' "$kernels_file" | awk 'NF'
        exit 0
fi

skip() {
        local what=kernel-matrix
        [ "$self_test" = 1 ] && what=kernel-matrix/self-test
        if [ "${TRACEE_CI:-0}" = 1 ]; then
                echo "FAIL - $what cannot run: $* (TRACEE_CI=1: it must run on CI)"
                [ -n "$results" ] && echo "$what fail" >>"$results"
                exit 1
        fi
        echo "skip: $*"
        [ -n "$results" ] && echo "$what skip" >>"$results"
        exit 77
}
[ "$(id -u)" = 0 ] || skip "the kernel matrix needs root"
need=(qemu-system-x86_64 qemu-img mkfs.ext4 unshare chroot flock python3 timeout)
[ -n "$deb" ] || need+=(dpkg-buildpackage)
[ -s "$ROOTFS_TAR" ] || need+=(debootstrap)
for t in "${need[@]}"; do
        command -v "$t" >/dev/null || skip "$t is not installed (tools/install-deps.sh installs it)"
done

WORK=$(mktemp -d /var/tmp/tracee-kmatrix.XXXXXX)
CHILD=
cleanup() {
        # boot.py kills its VM when it ends (and qemu dies with it: PR_SET_PDEATHSIG); the image
        # builds run in a pid namespace that dies with its first process.
        if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
                kill -TERM "$CHILD" 2>/dev/null
                for _ in $(seq 50); do kill -0 "$CHILD" 2>/dev/null || break; sleep 0.2; done
                kill -KILL "$CHILD" 2>/dev/null
        fi
        remove_tree "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

T0=$SECONDS

# ----------------------------------------------------------------------------------------------
# images

# The archive's URI for the suite's security updates, from the host's apt sources.
security_mirror() {
        local m
        m=$(awk '/^URIs:/ { u = $2 } /^Suites:/ && /-security/ { print u; exit }' \
                /etc/apt/sources.list.d/debian.sources 2>/dev/null)
        [ -n "$m" ] || m=$(awk '/^deb .*-security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
        [ -n "$m" ] || m="${1%/debian}/debian-security"
        echo "$m"
}

# in_root ROOT CMD...: CMD chrooted into ROOT with /proc, /sys and /dev, in a private mount and pid
# namespace (the mounts vanish with it, and so does every process it started), bounded in time.
in_root() {
        local root=$1; shift
        timeout --kill-after=10 "$IMAGE_TIMEOUT" \
                unshare --mount --propagation private --pid --fork --kill-child -- /bin/sh -c '
                        set -e
                        r=$1; shift
                        mount -t proc proc "$r/proc"
                        mount -t sysfs sysfs "$r/sys"
                        mount --rbind /dev "$r/dev"
                        exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
                                DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"' sh "$root" "$@"
}

image_key() {
        local name=$1
        {
                echo "format 1"
                echo "$ROOTFS_INCLUDE"
                stat -c '%s %Y' "$ROOTFS_TAR"
                sed -e 's/#.*//' "$kernels_file" | awk -v n="$name" '$1 == n { print $1, $2, $3 }'
                echo "$IMAGE_PACKAGES"
                cat "$HERE/init.sh"
        } | sha256sum | cut -d' ' -f1
}

# image_build NAME SUITE PACKAGE DEST: builds the image into DEST (a new directory). Called where
# set -e does not apply (a condition): every command is checked.
image_build() {
        local name=$1 suite=$2 package=$3 dest=$4 root mirror security target=() vmlinuz initrd size version
        root="$dest/root"
        mkdir -p "$root" && tar -C "$root" --numeric-owner --xattrs -xf "$ROOTFS_TAR" || return 1
        mirror=$(rootfs_mirror) || return 1
        security=$(security_mirror "$mirror")
        {
                echo "deb $mirror $ROOTFS_SUITE main"
                echo "deb $mirror $ROOTFS_SUITE-updates main"
                echo "deb $security $ROOTFS_SUITE-security main"
                if [ "$suite" != "$ROOTFS_SUITE" ]; then
                        echo "deb $mirror $suite main"
                fi
        } >"$root/etc/apt/sources.list" || return 1
        [ "$suite" != "$ROOTFS_SUITE" ] && target=(-t "$suite")
        cp /etc/resolv.conf "$root/etc/resolv.conf" || return 1
        in_root "$root" sh -c 'apt-get -o Acquire::Retries=3 update -qq &&
                apt-get install -y -qq --no-install-recommends '"$IMAGE_PACKAGES" || return 1
        in_root "$root" apt-get install -y -qq --no-install-recommends "${target[@]}" "$package" || return 1
        version=$(in_root "$root" dpkg-query -W -f='${Version}' "$package") || return 1
        in_root "$root" sh -c 'apt-get clean && rm -rf /var/lib/apt/lists/*' || return 1
        vmlinuz=$(ls "$root"/boot/vmlinuz-* 2>/dev/null)
        initrd=$(ls "$root"/boot/initrd.img-* 2>/dev/null)
        if [ "$(echo "$vmlinuz" | wc -w)" != 1 ] || [ "$(echo "$initrd" | wc -w)" != 1 ]; then
                echo "expected one kernel and one initramfs in /boot, found: $vmlinuz $initrd"
                return 1
        fi
        cp "$vmlinuz" "$dest/vmlinuz" && cp "$initrd" "$dest/initrd.img" || return 1
        echo "$(basename "$vmlinuz" | sed 's/^vmlinuz-//') $version" >"$dest/version" || return 1
        install -m 0755 "$HERE/init.sh" "$root/sbin/tracee-kmatrix-init" || return 1
        : >"$root/etc/resolv.conf"
        echo kmatrix >"$root/etc/hostname"
        # Room for what the tests write outside /tmp (a tmpfs): the benign workload, the package.
        size=$(($(du -sm "$root" | cut -f1) + 1024))
        mkfs.ext4 -q -F -L kmatrix -d "$root" "$dest/disk.img" "${size}M" >/dev/null || return 1
        remove_tree "$root"
}

# image NAME: makes sure the cached image of kernel NAME is current; prints its directory.
image() {
        local name=$1 dir="$IMAGES/$1" key suite package
        rootfs_tarball >/dev/null || return 1
        key=$(image_key "$name") || return 1
        mkdir -p "$IMAGES"
        (
                flock 8 || exit 1
                if [ "$refresh" = 0 ] && [ "$(cat "$dir/key" 2>/dev/null)" = "$key" ] && [ -s "$dir/disk.img" ]; then
                        exit 0
                fi
                suite=$(kernel_field "$name" 2)
                package=$(kernel_field "$name" 3)
                echo "image $name: $package from $suite (not cached yet)" >&2
                t=$SECONDS
                # what a killed build left behind (we hold this kernel's lock: nobody else builds it)
                for old in "$IMAGES/new-$name".*; do [ -d "$old" ] && remove_tree "$old"; done
                new=$(mktemp -d "$IMAGES/new-$name.XXXXXX")
                if ! image_build "$name" "$suite" "$package" "$new" >"$WORK/image-$name.log" 2>&1; then
                        tail -n 30 "$WORK/image-$name.log" >&2
                        remove_tree "$new"
                        exit 1
                fi
                cp "$WORK/image-$name.log" "$new/build.log"
                echo "$key" >"$new/key"
                rm -rf "$dir"
                mv "$new" "$dir"
                echo "image $name: $(cat "$dir/version") built in $((SECONDS - t)) s" >&2
        ) 8>"$IMAGES/.lock-$name" || return 1
        echo "$dir"
}

# ----------------------------------------------------------------------------------------------
# the payload disk

payload() {
        local name=$1 dir="$WORK/payload-$1" expect
        mkdir -p "$dir/src/tests/live" "$dir/src/tests/kernels" "$dir/src/tests/triggers" "$dir/build/tests" \
                "$dir/src/units"
        cp "$SRC"/tests/live/*.py "$dir/src/tests/live/"
        cp "$SRC"/units/* "$dir/src/units/"     # the bus policy tests/live/privbus.py enforces
        cp "$HERE"/*.py "$dir/src/tests/kernels/"
        cp "$SRC/tests/triggers/triggers.txt" "$dir/src/tests/triggers/"
        for t in $(names "$SRC/tests/triggers/triggers.txt"); do
                cp "$BUILD/tests/$t" "$dir/build/tests/"
        done
        cp "$deb" "$dir/tracee.deb"
        [ -n "$bpf_object" ] && cp "$bpf_object" "$dir/tracee.o"
        expect=$(kernel_field "$name" 4)
        python3 - "$dir/config.json" "$name" "$expect" "$bpf_object" "$test_timeout" $(names "$tests_file") <<'PY'
import json, sys
path, name, expect, obj, limit, *tests = sys.argv[1:]
json.dump({"kernel": name, "tests": tests, "test_timeout": int(limit),
           "expect_unavailable": [] if expect in ("", "-") else expect.split(","),
           "bpf_object": "tracee.o" if obj else None}, open(path, "w"), indent=1)
PY
        mkfs.ext4 -q -F -L kmatrix-payload -d "$dir" "$WORK/payload-$name.img" \
                "$(($(du -sm "$dir" | cut -f1) + 256))M" >/dev/null
        rm -rf "$dir"
        echo "$WORK/payload-$name.img"
}

# ----------------------------------------------------------------------------------------------
# the package and the triggers, once per run

prepare_build() {
        if [ -z "$deb" ]; then
                echo "building the .deb (tools/build-deb.sh)"
                TRACEE_NO_LINTIAN=1 bash "$SRC/tools/build-deb.sh" "$WORK/dist" >"$WORK/deb.log" 2>&1 || {
                        tail -n 30 "$WORK/deb.log"
                        return 1
                }
                deb=$(ls "$WORK"/dist/tracee_*.deb | head -1)
        fi
        # The triggers are built with the rest of the tree (meson); Debian 12 userland inside too.
        local missing=
        for t in $(names "$SRC/tests/triggers/triggers.txt"); do
                [ -x "$BUILD/tests/$t" ] || missing+=" $t"
        done
        if [ -n "$missing" ]; then
                echo "building $BUILD (trigger programs missing:$missing)"
                bash "$SRC/tools/build.sh" "$BUILD" >"$WORK/build.log" 2>&1 || {
                        tail -n 30 "$WORK/build.log"
                        return 1
                }
        fi
}

# ----------------------------------------------------------------------------------------------
# self-test

self_test() {
        local k=${kernels[0]} passed=0 failed=0 out rc t broken tests obj="$BUILD/bpf/tracee.o"
        check() {       # check NAME COND-RESULT(0/1) DETAIL
                if [ "$2" = 0 ]; then
                        passed=$((passed + 1)); echo "ok - self-test: $1"
                else
                        failed=$((failed + 1)); echo "FAIL - self-test: $1"
                        [ -n "${3:-}" ] && printf '%s\n' "$3" | tail -n 40 | sed 's/^/    # /'
                fi
        }
        [ -f "$obj" ] || bash "$SRC/tools/build.sh" "$BUILD" >/dev/null
        broken="$WORK/broken.o"
        what=$(python3 "$HERE/break_bpf.py" "$obj" "$broken") || { echo "break_bpf.py failed: $what"; return 1; }
        echo "self-test on $k: BPF object with $what"
        tests="$WORK/selftest-tests.txt"
        printf '%s\n' trace_events tests/kernels/selftest_fail.py tests/kernels/selftest_hang.py >"$tests"
        # The kernel list with a wrong claim: that TRC-6 is unavailable on this kernel, which has
        # module support, or none when it has not. The list step must catch it.
        local kfile="$WORK/selftest-kernels.txt" wrong=TRC-6
        [ "$(kernel_field "$k" 4)" = - ] || wrong=-
        sed -e 's/#.*//' "$kernels_file" | awk -v n="$k" -v w="$wrong" '$1 == n { $4 = w; print }' >"$kfile"

        # On the host: the list step itself, told the truth about this host's kernel and then not.
        local truth=- lie=TRC-6
        [ -e /proc/modules ] || { truth=TRC-6; lie=-; }
        set +e
        out=$(TRACEE_BIN="$BUILD/agent/tracee" python3 "$HERE/guest.py" --check-list "$truth" 2>&1)
        rc=$?
        set -e
        check "host ($(uname -r)): the list step passes when told $truth may be unavailable" "$rc" "$out"
        set +e
        out=$(TRACEE_BIN="$BUILD/agent/tracee" python3 "$HERE/guest.py" --check-list "$lie" 2>&1)
        rc=$?
        set -e
        check "host ($(uname -r)): the list step fails when told $lie instead" \
                "$([ "$rc" = 1 ] && grep -q '^FAIL - the unavailable rules are exactly' <<<"$out"; echo $?)" "$out"

        t=$SECONDS
        set +e
        out=$(timeout 1200 bash "$0" --kernels-file "$kfile" --kernels "$k" --deb "$deb" --bpf-object "$broken" \
                --tests "$tests" --test-timeout 30 --accel "$accel" --logs "$WORK/selftest-logs" 2>&1)
        rc=$?
        set -e
        t=$((SECONDS - t))
        printf '%s\n' "$out" | sed 's/^/    | /'
        check "a broken BPF object, a failing and a hanging test: the runner fails (exit $rc) in $t s" \
                "$([ "$rc" = 1 ]; echo $?)" "$out"
        check "the BPF object does not load: FAIL - $k: load" \
                "$(grep -q "^FAIL - $k: load " <<<"$out"; echo $?)"
        check "the report shows the verifier's log (BEGIN PROG LOAD LOG ... invalid read from stack)" \
                "$(grep -q 'BEGIN PROG LOAD LOG' <<<"$out" && grep -q 'invalid read from stack' <<<"$out"; echo $?)"
        check "the step's log keeps the whole verifier log" \
                "$(grep -q 'END PROG LOAD LOG' "$WORK/selftest-logs/$k/load.log" 2>/dev/null; echo $?)"
        check "a live test against the broken object fails: FAIL - $k: trace_events" \
                "$(grep -q "^FAIL - $k: trace_events " <<<"$out"; echo $?)"
        check "a failing check fails its test: FAIL - $k: selftest_fail" \
                "$(grep -q "^FAIL - $k: selftest_fail " <<<"$out"; echo $?)"
        check "a hanging test is stopped at its limit: FAIL - $k: selftest_hang (timeout)" \
                "$(grep -q "^FAIL - $k: selftest_hang (timeout) " <<<"$out"; echo $?)"
        check "a kernel list that claims $wrong unavailable: FAIL - $k: list" \
                "$(grep -q "^FAIL - $k: list " <<<"$out" &&
                   grep -q 'FAIL - the unavailable rules are exactly' <<<"$out"; echo $?)"
        check "the steps that should pass still pass (facts, install, console)" \
                "$(for s in facts install console; do grep -q "^ok - $k: $s " <<<"$out" || exit 1; done; echo 0)"
        check "the counts say so: 3 passed, 5 failed" "$(grep -q '^3 passed, 5 failed, 0 skipped' <<<"$out"; echo $?)"
        # the accelerator the first run settled on (no second KVM probe)
        [ "$accel" = auto ] && accel=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["accel"])' \
                "$WORK/selftest-logs/$k/summary.json" 2>/dev/null || echo auto)

        t=$SECONDS
        set +e
        out=$(timeout 600 bash "$0" --kernels "$k" --deb "$deb" --vm-timeout 15 --accel "$accel" \
                --logs "$WORK/selftest-logs2" 2>&1)
        rc=$?
        set -e
        t=$((SECONDS - t))
        printf '%s\n' "$out" | sed 's/^/    | /'
        check "a VM that runs out of time: the runner fails (exit $rc) in $t s, not hanging" \
                "$([ "$rc" = 1 ] && [ "$t" -lt 300 ]; echo $?)" "$out"
        check "it says so: ran out of time, steps not reached" \
                "$(grep -q 'ran out of time' <<<"$out" && grep -q "^FAIL - $k: .*not run" <<<"$out"; echo $?)"
        check "no qemu process of the self-test is left" \
                "$(! pgrep -f "tracee-kmatrix\..*/$k-root.qcow2" >/dev/null; echo $?)" "$(pgrep -af qemu-system)"
        echo "$passed checks passed, $failed failed"
        [ -n "$results" ] && echo "kernel-matrix/self-test $([ "$failed" = 0 ] && echo pass || echo fail)" >>"$results"
        [ "$failed" = 0 ]
}

prepare_build || { [ -n "$results" ] && echo "kernel-matrix/build fail" >>"$results"; exit 1; }
if [ "$self_test" = 1 ]; then
        self_test
        exit $?
fi

# ----------------------------------------------------------------------------------------------
# the matrix

steps() {
        printf 'facts,install,load,list'
        for t in $(names "$tests_file"); do t=${t##*/}; printf ',%s' "${t%.py}"; done
        printf ',console'
}
# no_summary KERNEL PROBLEM: the summary of a kernel that did not boot at all.
no_summary() {
        mkdir -p "$logs/$1"
        python3 -c 'import json, sys; json.dump({"kernel": sys.argv[1], "problem": sys.argv[2], "steps": []},
                open(sys.argv[3], "w"))' "$1" "$2" "$logs/$1/summary.json"
}
echo "kernel matrix: ${kernels[*]}; tests: $(names "$tests_file" | xargs)"
overall=0
for k in "${kernels[@]}"; do
        tk=$SECONDS
        if [ $((SECONDS - T0)) -gt "$budget" ]; then
                echo "FAIL - $k: not run (the matrix's time budget of $budget s is spent; KMATRIX_BUDGET)"
                [ -n "$results" ] && echo "kernel-matrix/$k/budget fail" >>"$results"
                no_summary "$k" "not run: time budget spent"
                overall=1
                continue
        fi
        if ! dir=$(image "$k"); then
                echo "FAIL - $k: image (see above)"
                [ -n "$results" ] && echo "kernel-matrix/$k/image fail" >>"$results"
                no_summary "$k" "the image could not be built"
                overall=1
                continue
        fi
        ti=$((SECONDS - tk))
        pl=$(payload "$k")
        echo "== $k: $(cat "$dir/version") (image ready after ${ti} s)"
        set +e
        python3 "$HERE/boot.py" --name "$k" --kernel "$dir/vmlinuz" --initrd "$dir/initrd.img" --disk "$dir/disk.img" \
                --payload "$pl" --steps "$(steps)" --work "$WORK" --logs "$logs" --timeout "$vm_timeout" \
                --accel "$accel" --accel-file "$WORK/accel" &
        CHILD=$!
        wait "$CHILD"
        rc=$?
        CHILD=
        set -e
        rm -f "$pl" "$WORK/$k-root.qcow2"
        [ "$rc" = 0 ] || overall=1
        python3 - "$logs/$k/summary.json" "$(cat "$dir/version")" "$ti" "$((SECONDS - tk))" <<'PY'
import json, sys
p, version, image, total = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = json.load(open(p))
s.update(release_package=version, image_seconds=image, total_seconds=total)
json.dump(s, open(p, "w"), indent=1)
PY
        if [ -n "$results" ]; then
                python3 - "$logs/$k/summary.json" >>"$results" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
for st in s["steps"]:
    print(f"kernel-matrix/{s['kernel']}/{st['name']} {st['status'].replace(' ', '-')}")
PY
        fi
done

# ----------------------------------------------------------------------------------------------
# summary

python3 - "$logs" "$((SECONDS - T0))" "${kernels[@]}" <<'PY'
import json, os, sys
logs, total, kernels = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
passed = failed = skipped = 0
rows = []
print(f"\n{'kernel':<11} {'release':<26} {'package':<18} {'accel':<5} {'image':>5} {'boot':>4} {'stop':>4} "
      f"{'VM':>5}  result")
for k in kernels:
    try:
        s = json.load(open(os.path.join(logs, k, "summary.json")))
    except (OSError, ValueError):
        s = {"kernel": k, "steps": [], "problem": "no summary"}
    st = s.get("steps", [])
    bad = [x["name"] for x in st if x["status"] not in ("pass", "skip")]
    passed += sum(x["status"] == "pass" for x in st)
    skipped += sum(x["status"] == "skip" for x in st)
    failed += len(bad) + (0 if st else 1)
    f = s.get("facts", {})
    rel = (s.get("release_package") or "?").split()
    result = "pass" if st and not bad else "FAIL: " + (", ".join(bad) or s.get("problem") or "?")
    fmt = lambda v, u="s": "-" if v is None else f"{v:.0f}{u}"    # noqa: E731
    stops = [float(v) for n, v in f.items() if n.startswith("stop_seconds_")]
    print(f"{k:<11} {rel[0] if rel else '?':<26} {' '.join(rel[1:]) or '?':<18} {s.get('accel', '?'):<5} "
          f"{fmt(s.get('image_seconds')):>5} {fmt(s.get('boot_seconds')):>4} {fmt(max(stops) if stops else None):>4} "
          f"{fmt(s.get('wall_seconds')):>5}  {result}")
    lacks = []
    if f.get("modules") == "no":
        lacks.append("module support")
    if f.get("btf") == "no":
        lacks.append("BTF")
    if f.get("kprobes") == "no":
        lacks.append("kprobes")
    if f.get("fentry_config") == "no":
        lacks.append("fentry")
    if f.get("bpf_lsm") == "built":
        lacks.append("BPF LSM (built, not in lsm=)")
    elif f.get("bpf_lsm") == "no":
        lacks.append("BPF LSM")
    if f.get("events_unavailable", "-") != "-":
        lacks.append("tracepoints for " + f["events_unavailable"].replace(",", ", "))
    rows.append(f"| {k} | {' '.join(rel[1:]) or '?'} | {rel[0] if rel else '?'} | "
                f"{'passed' if st and not bad else 'FAILED (' + ', '.join(bad or ['boot']) + ')'} | "
                f"{'; '.join(lacks) or 'nothing Tracee uses'} | {s.get('date', '?')} |")
with open(os.path.join(logs, "matrix.md"), "w") as out:
    out.write("| Kernel | Debian package | Release | Result | Lacks | Last run |\n|---|---|---|---|---|---|\n")
    out.write("\n".join(rows) + "\n")
print("(image: seconds to build or find the cached image; boot: until the guest driver runs; stop: the agent's\n"
      " slowest stop after SIGINT; VM: the whole VM, tests included)")
print(f"kernel matrix: {len(kernels)} kernels in {total} s; logs in {logs} (README table: {logs}/matrix.md)")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit "$overall"
