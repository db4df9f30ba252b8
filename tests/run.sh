#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds Tracee and runs the whole test suite; run as root for the live tests. Three parts:
#   1. ./build (or $BUILD_DIR): every unit and live test;
#   2. ./build-asan (or $ASAN_BUILD_DIR), the same sources with AddressSanitizer, LeakSanitizer and
#      UBSan (-Db_sanitize=address,undefined): the unit suite and the live tests in the `sanitize`
#      suite (those that run the agent through its lifecycle: tests/meson.build lists them); any
#      sanitizer report makes the agent exit non-zero, which those tests check;
#   3. fuzz/run.sh: each libFuzzer target over its seed corpus, then $FUZZ_SECONDS (default 60) of
#      fuzzing; each target counts as one test (skipped where clang's libFuzzer is missing);
#   4. tests/kernels/run.sh: the kernel matrix, the live detection suite on every kernel of
#      tests/kernels/kernels.txt booted under qemu (each kernel's each step counts as one test),
#      then its self-test (one test: the runner fails on a BPF object the verifier rejects, on a
#      failing and a hanging test, on a VM out of time). Run after the others, alone: the VMs are
#      CPU-hungry and the live tests of part 1 are timing-sensitive.
# Ends with one line "N passed, N failed, N skipped" summing all four. Exit status 1 if any test
# failed. Arguments (test names, meson test options) restrict the run to part 1 with them;
# SANITIZE=0 skips part 2, FUZZ_SECONDS=0 part 3, KERNELS=0 part 4 (KERNELS=quick: the first two
# kernels of the list only).
set -uo pipefail
cd "$(dirname "$0")/.."
dir=${BUILD_DIR:-build}
asan=${ASAN_BUILD_DIR:-build-asan}
fuzz_secs=${FUZZ_SECONDS:-60}
logs=()
fuzz_results=
kernel_results=()

bash tools/build.sh "$dir" || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
meson test -C "$dir" --print-errorlogs "$@"
rc=$?
logs+=("$dir/meson-logs/testlog.json")

if [ $# -eq 0 ] && [ "${SANITIZE:-1}" != 0 ]; then
        echo "=== sanitizers: ASan + LSan + UBSan build in $asan"
        if [ ! -f "$asan/build.ninja" ]; then
                meson setup "$asan" --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
                        -Db_sanitize=address,undefined -Db_lundef=false >"${TMPDIR:-/tmp}/tracee-asan-setup.log" 2>&1 ||
                        cat "${TMPDIR:-/tmp}/tracee-asan-setup.log"
        fi
        if ninja -C "$asan" >"$asan/ninja.log" 2>&1; then
                ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=23 \
                UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
                LSAN_OPTIONS=exitcode=23 \
                        meson test -C "$asan" --print-errorlogs --suite unit --suite sanitize || rc=1
                logs+=("$asan/meson-logs/testlog.json")
        else
                tail -30 "$asan/ninja.log" 2>/dev/null
                echo "sanitizer build failed"
                rc=1
                logs+=("BUILD-FAILED")
        fi
fi

if [ $# -eq 0 ] && [ "$fuzz_secs" != 0 ]; then
        echo "=== fuzzing: fuzz/run.sh $fuzz_secs"
        # all targets at once: $FUZZ_SECONDS of wall time in all, whatever the number of targets
        FUZZ_JOBS=${FUZZ_JOBS:-5} bash fuzz/run.sh "$fuzz_secs"
        case $? in 0|77) ;; *) rc=1 ;; esac
        fuzz_results=${FUZZ_BUILD_DIR:-build-fuzz}/fuzz-results.txt
fi

if [ $# -eq 0 ] && [ "${KERNELS:-all}" != 0 ]; then
        echo "=== kernel matrix: tests/kernels/run.sh${KERNELS:+ (KERNELS=$KERNELS)}"
        kargs=()
        [ "${KERNELS:-all}" = quick ] && kargs+=(--quick)
        bash tests/kernels/run.sh "${kargs[@]}" --results "$dir/kernel-matrix/results.txt"
        case $? in 0|77) ;; *) rc=1 ;; esac
        echo "=== kernel matrix self-test: tests/kernels/run.sh --self-test"
        bash tests/kernels/run.sh --self-test --results "$dir/kernel-matrix/selftest-results.txt"
        case $? in 0|77) ;; *) rc=1 ;; esac
        kernel_results=("$dir/kernel-matrix/results.txt" "$dir/kernel-matrix/selftest-results.txt")
fi

python3 - "$fuzz_results" "${kernel_results[*]}" "${logs[@]}" <<'PY'
import json, os, sys
passed = failed = skipped = 0
fuzz, kernels, logs = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
for path in logs:
    if not os.path.exists(path):
        failed += 1
        continue
    for line in open(path):
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
if fuzz:
    for line in open(fuzz) if os.path.exists(fuzz) else ["fuzz FAIL 0"]:
        status = line.split()[1]
        if status == "ok":
            passed += 1
        elif status == "skip":
            skipped += 1
        else:
            failed += 1
# the kernel matrix: "kernel-matrix/KERNEL/STEP STATUS" lines; a missing or empty file is a failure
for path in kernels:
    lines = [l.split() for l in open(path)] if os.path.exists(path) else []
    if not lines:
        failed += 1
    for name, status in (l[:2] for l in lines if len(l) >= 2):
        if status == "pass":
            passed += 1
        elif status == "skip":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $rc
