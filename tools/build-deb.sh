#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds the Debian package of Tracee and checks it with lintian.
#   usage: tools/build-deb.sh [OUTDIR]        (default OUTDIR: ./dist)
# Builds in a scratch copy of the working tree (tracked and untracked, non-ignored files), so the
# tree itself gets no obj-*/ or debian/tracee/ litter. Writes tracee_VERSION_ARCH.deb, the dbgsym
# package, .buildinfo and .changes to OUTDIR and prints the path of the .deb last.
# Needs the Build-Depends of debian/control (tools/install-deps.sh installs them), no network.
# DEB_BUILD_OPTIONS defaults to "nocheck parallel=N"; set it to e.g. "parallel=2" to run the unit
# tests at build time. TRACEE_NO_LINTIAN=1 skips lintian.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)

work=$(mktemp -d /tmp/tracee-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
tree="$work/tracee-$version"
mkdir -p "$tree"

"$src/tools/export-source.sh" "$tree"

export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS-"nocheck parallel=$(nproc)"}
(cd "$tree" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
        tail -n 60 "$work/build.log" >&2
        echo "build-deb: dpkg-buildpackage failed" >&2
        exit 1
}

changes=$(ls "$work"/tracee_"$version"_*.changes)
if [ "${TRACEE_NO_LINTIAN:-0}" != 1 ]; then
        # lintian leaves temporary files in TMPDIR: keep them in the scratch directory.
        TMPDIR="$work" lintian --fail-on error,warning "$changes" 2> >(grep -v 'running with root privileges' >&2) || {
                echo "build-deb: lintian found errors or warnings" >&2
                exit 1
        }
fi

for f in "$work"/*.deb "$work"/*.ddeb "$work"/*.buildinfo "$changes"; do
        [ -e "$f" ] && cp "$f" "$out/"
done
ls "$out"/tracee_"$version"_*.deb
