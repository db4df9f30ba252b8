#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Copies the source tree to DEST, as the package builds want it: in a git checkout the tracked and
# untracked non-ignored files (files deleted in the work tree are skipped), otherwise everything but
# build*/, dist/ and obj-*/.
#   usage: tools/export-source.sh DEST        (DEST must exist)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dest=$1

if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        # NUL-separated list
        git -C "$src" ls-files -z --cached --others --exclude-standard |
                grep -zv -e '^dist/' -e '^obj-' |
                (cd "$src" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
                tar -C "$src" --null -T - -cf - | tar -C "$dest" -xf -
else
        tar -C "$src" --exclude='./build*' --exclude=./dist --exclude='./obj-*' -cf - . | tar -C "$dest" -xf -
fi
