# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The Debian 12 root file system the system test (tests/system/run.sh) boots in a container and the
# kernel matrix (tests/kernels/run.sh) boots under qemu: debootstrap --variant=minbase with systemd,
# dbus and the run-time libraries of the tracee package (dpkg -i does not fetch dependencies),
# cached as a tarball in $TRACEE_TEST_CACHE (default /var/cache/tracee-test), rebuilt when missing
# or when the package list changes. Sourced, not run:
#
#   . tests/lib/rootfs.sh
#   tar=$(rootfs_tarball) || exit 1      # builds the cache when needed; progress on stderr
#   remove_tree DIR                      # rm -rf that first unmounts what is mounted below DIR
#
# Several tests may call rootfs_tarball at once: one debootstrap runs, under a lock, and the others
# wait for it and use its result.

ROOTFS_SUITE=bookworm
ROOTFS_INCLUDE=systemd,dbus,procps,libbpf1,libelf1,zlib1g,libsystemd0,libjson-c5,libcurl4,libinih1
ROOTFS_CACHE=${TRACEE_TEST_CACHE:-/var/cache/tracee-test}
ROOTFS_TAR="$ROOTFS_CACHE/rootfs-$ROOTFS_SUITE.tar"

# The Debian mirror the host's apt uses (deb822 or one-line format).
rootfs_mirror() {
        local m
        m=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
        [ -n "$m" ] || m=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
        [ -n "$m" ] || { echo "no Debian mirror in /etc/apt/sources.list{,.d/debian.sources}" >&2; return 1; }
        echo "$m"
}

# Removes a directory tree that might still have mounts in it (debootstrap mounts /proc). Safe
# under set -e (finding no mount is not an error).
remove_tree() {
        [ -d "$1" ] || return 0
        local m
        { findmnt -rn -o TARGET | grep -F "$1/" | sort -r || :; } | while read -r m; do umount -l "$m" || :; done
        rm -rf --one-file-system "$1"
}

# Prints the path of the cached tarball, building it first when it is missing or stale.
rootfs_tarball() {
        mkdir -p "$ROOTFS_CACHE" || return 1
        (
                flock 9 || exit 1
                if [ -s "$ROOTFS_TAR" ] && [ "$(cat "$ROOTFS_TAR.include" 2>/dev/null)" = "$ROOTFS_INCLUDE" ]; then
                        exit 0
                fi
                mirror=$(rootfs_mirror) || exit 1
                echo "debootstrap $ROOTFS_SUITE from $mirror (not cached yet)" >&2
                tmp=$(mktemp -d "$ROOTFS_CACHE/new.XXXXXX") || exit 1
                t=$SECONDS
                if ! debootstrap --variant=minbase --include="$ROOTFS_INCLUDE" "$ROOTFS_SUITE" "$tmp/root" \
                        "$mirror" >"$tmp/debootstrap.log" 2>&1; then
                        tail -n 30 "$tmp/debootstrap.log" >&2
                        remove_tree "$tmp"
                        exit 1
                fi
                echo "debootstrap took $((SECONDS - t)) s" >&2
                # Timers that would only make noise in a short-lived test system.
                ln -sf /dev/null "$tmp/root/etc/systemd/system/apt-daily.timer"
                ln -sf /dev/null "$tmp/root/etc/systemd/system/apt-daily-upgrade.timer"
                rm -rf "$tmp"/root/var/cache/apt/archives/*.deb
                tar -C "$tmp/root" --numeric-owner --xattrs -cf "$tmp/rootfs.tar" . &&
                        mv "$tmp/rootfs.tar" "$ROOTFS_TAR" && echo "$ROOTFS_INCLUDE" >"$ROOTFS_TAR.include"
                rc=$?
                remove_tree "$tmp"
                exit $rc
        ) 9>"$ROOTFS_CACHE/.lock" || return 1
        echo "$ROOTFS_TAR"
}
