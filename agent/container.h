/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Container identification from cgroup v2 names.
 *
 * Container runtimes put each container in a cgroup whose name encodes the container id
 * ("docker-<id>.scope", "cri-containerd-<id>.scope", "<id>" below "docker", ...). These helpers
 * recognise the common shapes from a cgroup's own name and its parent's name, or from a cgroup
 * path. Inputs are untrusted; nothing is allocated and nothing is read past a NUL.
 */

#include <stddef.h>

#define CONTAINER_ID_MAX 64

typedef enum ContainerRuntime {
        CONTAINER_NONE = 0,
        CONTAINER_DOCKER,
        CONTAINER_CONTAINERD,
        CONTAINER_CRIO,
        CONTAINER_PODMAN,
        CONTAINER_NSPAWN,
        _CONTAINER_RUNTIME_MAX,
} ContainerRuntime;

/* "docker", "containerd", "crio", "podman", "systemd-nspawn"; NULL for CONTAINER_NONE or an
 * out-of-range value. */
const char *container_runtime_to_string(ContainerRuntime r);

/* From a cgroup directory's own name and its parent's name (either may be "" or NULL). On a match
 * writes the id (NUL-terminated, at most CONTAINER_ID_MAX chars) into ret_id and returns the
 * runtime (> 0); returns CONTAINER_NONE (0) with ret_id set to "" if the names don't look like a
 * container; -EINVAL if ret_id is NULL.
 *
 * Recognised, with <id> exactly 64 lowercase hex digits:
 *   docker-<id>.scope                   docker, systemd cgroup driver
 *   cri-containerd-<id>.scope           containerd (CRI), systemd cgroup driver
 *   crio-<id>.scope                     CRI-O ("crio-conmon-<id>.scope" is not a container)
 *   libpod-<id>.scope                   podman ("libpod-conmon-<id>.scope" is not a container)
 *   libpod-<id> below libpod_parent     podman, cgroupfs driver
 *   <id> below docker                   docker, cgroupfs driver
 *   <id> below anything else            containerd (k8s pod<uid> / kubepods-...-pod<uid>.slice,
 *                                       containerd "default" namespace, ...)
 *   machine-<name>.scope below machine.slice
 *                                       systemd-nspawn/machined: the id is <name> with the
 *                                       unit-name \xNN escapes undone ("foo\x2dbar" -> "foo-bar"),
 *                                       cut to CONTAINER_ID_MAX; names containing control
 *                                       characters, '/' or malformed escapes are rejected
 *   payload or supervisor below machine-<name>.scope
 *                                       the nspawn machine, as above
 *   anything below one of the *.scope container shapes above (docker, cri-containerd, crio,
 *   libpod), e.g. init.scope of a systemd running inside the container
 *                                       that container
 */
int container_id_from_cgroup_names(const char *name, const char *parent, char ret_id[CONTAINER_ID_MAX + 1]);

/* Same, from a path: a line of /proc/PID/cgroup ("0::/system.slice/docker-<id>.scope",
 * "12:pids:/docker/<id>", trailing newline allowed) or a cgroupfs path
 * ("/sys/fs/cgroup/system.slice/docker-<id>.scope"). Looks at the last two components only. */
int container_id_from_cgroup_path(const char *path, char ret_id[CONTAINER_ID_MAX + 1]);
