#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds the RPM package of Tracee from packaging/rpm/tracee.spec and checks it with rpmlint.
#   usage: tools/build-rpm.sh [OUTDIR]        (default OUTDIR: ./dist)
# Makes tracee-VERSION.tar.gz from the working tree (tracked and untracked, non-ignored files),
# runs rpmbuild with a scratch _topdir, copies the binary .rpm to OUTDIR and prints its path last.
# On Debian (rpm from apt) the build dependencies cannot be checked against an empty rpm
# database, so rpmbuild runs with --nodeps; install them with tools/install-deps.sh instead.
# TRACEE_NO_RPMLINT=1 skips rpmlint.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)
spec="$src/packaging/rpm/tracee.spec"

work=$(mktemp -d /tmp/tracee-rpm.XXXXXX)
trap 'rm -rf "$work"' EXIT
version=$(awk '$1 == "Version:" { print $2; exit }' "$spec")
tree="$work/tracee-$version"
mkdir -p "$tree" "$work/rpmbuild/SOURCES"

"$src/tools/export-source.sh" "$tree"
tar -C "$work" -czf "$work/rpmbuild/SOURCES/tracee-$version.tar.gz" "tracee-$version"

# HOME and the rpm database stay in the scratch directory: rpm would otherwise create ~/.rpmdb,
# and rpmlint ~/.config/enchant.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config"
mkdir -p "$HOME"
rpmbuild --define "_topdir $work/rpmbuild" --define "_dbpath $work/rpmdb" \
        --nodeps -bb "$spec" >"$work/build.log" 2>&1 || {
        tail -n 60 "$work/build.log" >&2
        echo "build-rpm: rpmbuild failed" >&2
        exit 1
}

rpms=("$work"/rpmbuild/RPMS/*/tracee-"$version"-*.rpm)
if [ "${TRACEE_NO_RPMLINT:-0}" != 1 ]; then
        rpmlint -r "$src/packaging/rpm/tracee.rpmlintrc" "$spec" "${rpms[@]}" || {
                echo "build-rpm: rpmlint found problems" >&2
                exit 1
        }
fi
cp "${rpms[@]}" "$out/"
for r in "${rpms[@]}"; do echo "$out/$(basename "$r")"; done
