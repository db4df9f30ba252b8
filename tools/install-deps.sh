#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Installs what building and testing Tracee needs, from Debian's archive (Debian 12 "bookworm").
# Run as root. Installs nothing when everything is already there.
set -euo pipefail

packages=(
        # build
        gcc make meson ninja-build pkg-config clang llvm bpftool
        libclang-rt-14-dev      # libFuzzer and the sanitizer runtimes for clang (fuzz/run.sh)
        libbpf-dev libelf-dev zlib1g-dev libsystemd-dev libjson-c-dev libcurl4-openssl-dev libinih-dev
        # tests: live harness, benign workload, D-Bus and journal tests, man-page lint
        python3 perl tar gzip openssh-client dbus systemd mandoc openbsd-inetd
        systemd-journal-remote  # journal files with chosen trusted fields (tests/live/ctl_detections.py)
        # packages (tools/build-deb.sh, tools/build-rpm.sh) and the system test (tests/system/run.sh)
        debhelper dpkg-dev lintian rpm rpmlint debootstrap systemd-container procps util-linux
        # the kernel matrix (tests/kernels/run.sh): qemu, qemu-img, mkfs.ext4 -d
        qemu-system-x86 qemu-utils e2fsprogs
)

missing=()
for p in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
                missing+=("$p")
        fi
done

if [ ${#missing[@]} -eq 0 ]; then
        echo "install-deps: all ${#packages[@]} packages present"
        exit 0
fi

if [ "$(id -u)" != 0 ]; then
        echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
        exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
