#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# PID 1 of the kernel matrix's virtual machine (tests/kernels/run.sh installs this file into every
# image as /sbin/tracee-kmatrix-init and boots with init= pointing at it). No systemd: the live tests
# run the agent themselves, as they do on the host. Mounts what a booted system has, then runs the
# guest driver from the payload disk (the VM's second disk, /dev/vdb: this build's package, tests and
# trigger programs), whose output goes to the second serial port, /dev/ttyS1, which the host reads.
# Reboots when done: qemu runs with -no-reboot, so that ends the VM.
#
# Kept small and stable on purpose: it is part of the cached image (its checksum is part of the
# image's cache key); what changes with the tests lives on the payload disk.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# fs TYPE DIR [OPTIONS]: mounts unless something is there already (the initramfs moves /proc,
# /sys, /dev and /run over to the root it mounted).
fs() {
        mkdir -p "$2"
        mountpoint -q "$2" || mount -t "$1" ${3:+-o "$3"} "$1" "$2"
}
fs proc /proc
fs sysfs /sys
fs tmpfs /run mode=0755,nosuid,nodev
fs tmpfs /tmp nosuid,nodev
fs tmpfs /dev/shm nosuid,nodev
fs devpts /dev/pts
fs cgroup2 /sys/fs/cgroup
fs securityfs /sys/kernel/security
mount -o remount,rw /
ip link set lo up
hostname kmatrix
# The results channel: no newline translation, no echo.
stty -F /dev/ttyS1 raw -echo 2>/dev/null

mkdir -p /mnt/kmatrix
if mount -t ext4 /dev/vdb /mnt/kmatrix; then
        python3 /mnt/kmatrix/src/tests/kernels/guest.py /mnt/kmatrix </dev/null >/dev/ttyS1 2>&1 ||
                echo "@@KMATRIX@@ fatal the guest driver exited with status $?" >/dev/ttyS1
        umount /mnt/kmatrix
else
        echo "@@KMATRIX@@ fatal cannot mount the payload disk /dev/vdb" >/dev/ttyS1
fi
sync
echo b >/proc/sysrq-trigger
