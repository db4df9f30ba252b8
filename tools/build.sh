#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Configures (once) and builds Tracee in ./build (or the directory given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" --prefix=/usr --sysconfdir=/etc --localstatedir=/var
fi
ninja -C "$dir"
