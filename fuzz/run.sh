#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds the libFuzzer targets (clang, -Dfuzz=true, in ./build-fuzz or $FUZZ_BUILD_DIR) and runs
# each one: first over its committed seed corpus fuzz/corpus/TARGET (a regression run), then for
# SECONDS (default 60) of fuzzing with -max_total_time. Targets run $FUZZ_JOBS (default 2) at a
# time, niced. A crash, a leak, a sanitizer report or a timeout fails the target; the input that
# caused it is kept in build-fuzz/artifacts/TARGET/. The seeds are copied into a working corpus
# build-fuzz/corpus/TARGET (kept between runs); the committed corpus is never modified.
#
# One line per target: "fuzz TARGET: ok|FAIL|skip (N execs in S s)"; results also go to
# build-fuzz/fuzz-results.txt ("TARGET ok|FAIL|skip EXECS"), which tests/run.sh counts.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]. Exit 0 if every target passed, 1 otherwise, 77 if
# this machine cannot build libFuzzer targets (clang's libclang-rt-14-dev missing).
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
dir=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=${FUZZ_JOBS:-2}
all=(fuzz_decode fuzz_config fuzz_ruleid fuzz_finding fuzz_filter)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

mkdir -p "$dir"
results="$dir/fuzz-results.txt"
: > "$results"

skip_all() {
        echo "fuzz: $1" >&2
        for t in "${targets[@]}"; do
                echo "fuzz $t: skip ($1)"
                echo "$t skip 0" >> "$results"
        done
        exit 77
}

command -v clang >/dev/null || skip_all "no clang"
probe=$(mktemp -d)
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' > "$probe/p.c"
clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2>/dev/null
ok=$?
rm -rf "$probe"
[ $ok -eq 0 ] || skip_all "clang cannot link -fsanitize=fuzzer (install libclang-rt-14-dev)"

if [ ! -f "$dir/build.ninja" ]; then
        CC=clang meson setup "$dir" -Dfuzz=true -Db_lundef=false >"$dir/setup.log" 2>&1 ||
                { cat "$dir/setup.log" >&2; skip_all "meson setup failed"; }
fi
nice ninja -C "$dir" $(printf 'fuzz/%s ' "${targets[@]}") >"$dir/fuzz-build.log" 2>&1 || {
        cat "$dir/fuzz-build.log" >&2
        for t in "${targets[@]}"; do
                echo "fuzz $t: FAIL (build)"
                echo "$t FAIL 0" >> "$results"
        done
        exit 1
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

run_one() {
        local t=$1 bin="$dir/fuzz/$1" work="$dir/corpus/$1" art="$dir/artifacts/$1/" log="$dir/fuzz-$1.log"
        local execs status=ok

        mkdir -p "$work" "$art"
        cp -n fuzz/corpus/"$t"/* "$work"/ 2>/dev/null
        # regression: every committed seed, then fuzzing from the working corpus
        if ! nice "$bin" -artifact_prefix="$art" fuzz/corpus/"$t"/* >"$log" 2>&1; then
                status=FAIL
        elif ! nice "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=20000 \
                        -print_final_stats=1 -artifact_prefix="$art" "$work" >>"$log" 2>&1; then
                status=FAIL
        fi
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        echo "$t $status ${execs:-0}" >> "$results"
        if [ $status = ok ]; then
                echo "fuzz $t: ok (${execs:-0} execs in ${secs} s)"
        else
                echo "fuzz $t: FAIL (see $log; crashing input in $art)"
                grep -m1 -A25 'ERROR: \|runtime error\|==ERROR\|deadly signal\|timeout' "$log" | sed 's/^/    /'
        fi
}

for t in "${targets[@]}"; do
        [ -f "fuzz/$t.c" ] || { echo "fuzz: no target $t" >&2; echo "$t FAIL 0" >> "$results"; continue; }
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
                wait -n
        done
        run_one "$t" &
done
wait
! grep -q ' FAIL ' "$results"
