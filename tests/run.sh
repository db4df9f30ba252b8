#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds Tracee and runs the whole test suite (unit and live); run as root for the live tests.
# Ends with one line "N passed, N failed, N skipped". Exit status 1 if any test failed.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=${BUILD_DIR:-build}

bash tools/build.sh "$dir" || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

meson test -C "$dir" --print-errorlogs "$@"
rc=$?

python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line).get("result")
    if r in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif r == "SKIP":
        skipped += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $rc
