/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/container.c: container id detection from real-world cgroup names and
 * paths, plus hostile inputs.
 */

#undef NDEBUG

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/container.h"

static int failures;

#define CHECK(cond)                                                                     \
        do {                                                                            \
                if (!(cond)) {                                                          \
                        fprintf(stderr, "%s:%d: check failed: %s\n",                    \
                                __FILE__, __LINE__, #cond);                             \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

#define ID  "3f4e8d2c1b0a99887766554433221100ffeeddccbbaa00112233445566778899"
#define ID2 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define POD_UID "pod2d6e4a5b_1c3f_4e2a_9b8d_7f6e5d4c3b2a"

static void check_names_at(int line, const char *name, const char *parent, int expected_r, const char *expected_id) {
        char id[CONTAINER_ID_MAX + 1 + 8];
        int r;

        memset(id, 'Z', sizeof(id));
        r = container_id_from_cgroup_names(name, parent, id);
        if (r != expected_r || strcmp(id, expected_id) != 0 || id[CONTAINER_ID_MAX + 1] != 'Z') {
                fprintf(stderr, "%s:%d: names(\"%s\", \"%s\"): got %d \"%.*s\", expected %d \"%s\"\n",
                        __FILE__, line, name ? name : "(null)", parent ? parent : "(null)",
                        r, CONTAINER_ID_MAX + 1, id, expected_r, expected_id);
                failures++;
        }
}

static void check_path_at(int line, const char *path, int expected_r, const char *expected_id) {
        char id[CONTAINER_ID_MAX + 1 + 8];
        int r;

        memset(id, 'Z', sizeof(id));
        r = container_id_from_cgroup_path(path, id);
        if (r != expected_r || strcmp(id, expected_id) != 0 || id[CONTAINER_ID_MAX + 1] != 'Z') {
                fprintf(stderr, "%s:%d: path(\"%s\"): got %d \"%.*s\", expected %d \"%s\"\n",
                        __FILE__, line, path ? path : "(null)", r, CONTAINER_ID_MAX + 1, id,
                        expected_r, expected_id);
                failures++;
        }
}

#define CHECK_NAMES(name, parent, r, id) check_names_at(__LINE__, (name), (parent), (r), (id))
#define CHECK_PATH(path, r, id) check_path_at(__LINE__, (path), (r), (id))

static void test_runtime_names(void) {
        CHECK(container_runtime_to_string(CONTAINER_NONE) == NULL);
        CHECK(strcmp(container_runtime_to_string(CONTAINER_DOCKER), "docker") == 0);
        CHECK(strcmp(container_runtime_to_string(CONTAINER_CONTAINERD), "containerd") == 0);
        CHECK(strcmp(container_runtime_to_string(CONTAINER_CRIO), "crio") == 0);
        CHECK(strcmp(container_runtime_to_string(CONTAINER_PODMAN), "podman") == 0);
        CHECK(strcmp(container_runtime_to_string(CONTAINER_NSPAWN), "systemd-nspawn") == 0);
        CHECK(container_runtime_to_string(_CONTAINER_RUNTIME_MAX) == NULL);
        CHECK(container_runtime_to_string((ContainerRuntime) -1) == NULL);
}

static void test_names(void) {
        /* docker */
        CHECK_NAMES("docker-" ID ".scope", "system.slice", CONTAINER_DOCKER, ID);
        CHECK_NAMES("docker-" ID ".scope", "", CONTAINER_DOCKER, ID);
        CHECK_NAMES("docker-" ID ".scope", NULL, CONTAINER_DOCKER, ID);
        CHECK_NAMES(ID, "docker", CONTAINER_DOCKER, ID);

        /* containerd / kubernetes */
        CHECK_NAMES("cri-containerd-" ID ".scope", "kubepods-besteffort-" POD_UID ".slice", CONTAINER_CONTAINERD, ID);
        CHECK_NAMES(ID, "kubepods-besteffort-" POD_UID ".slice", CONTAINER_CONTAINERD, ID);
        CHECK_NAMES(ID, "pod2d6e4a5b-1c3f-4e2a-9b8d-7f6e5d4c3b2a", CONTAINER_CONTAINERD, ID);
        CHECK_NAMES(ID, "default", CONTAINER_CONTAINERD, ID);
        CHECK_NAMES(ID2, "k8s.io", CONTAINER_CONTAINERD, ID2);

        /* cri-o */
        CHECK_NAMES("crio-" ID ".scope", "kubepods-burstable-" POD_UID ".slice", CONTAINER_CRIO, ID);
        CHECK_NAMES("crio-conmon-" ID ".scope", "kubepods-burstable-" POD_UID ".slice", CONTAINER_NONE, "");

        /* podman */
        CHECK_NAMES("libpod-" ID ".scope", "machine.slice", CONTAINER_PODMAN, ID);
        CHECK_NAMES("libpod-" ID ".scope", "user.slice", CONTAINER_PODMAN, ID);
        CHECK_NAMES("libpod-conmon-" ID ".scope", "machine.slice", CONTAINER_NONE, "");
        CHECK_NAMES("libpod-" ID, "libpod_parent", CONTAINER_PODMAN, ID);
        CHECK_NAMES("libpod-" ID, "machine.slice", CONTAINER_NONE, "");
        CHECK_NAMES("libpod-conmon-" ID, "libpod_parent", CONTAINER_NONE, "");
        CHECK_NAMES("conmon", "libpod_parent", CONTAINER_NONE, "");

        /* systemd-nspawn / machined */
        CHECK_NAMES("machine-foo\\x2dbar.scope", "machine.slice", CONTAINER_NSPAWN, "foo-bar");
        CHECK_NAMES("machine-debian.scope", "machine.slice", CONTAINER_NSPAWN, "debian");
        CHECK_NAMES("machine-qemu\\x2d1\\x2dfedora.scope", "machine.slice", CONTAINER_NSPAWN, "qemu-1-fedora");
        CHECK_NAMES("machine-a\\X2Db.scope", "machine.slice", CONTAINER_NONE, "");     /* \X is not an escape */
        CHECK_NAMES("machine-a\\x2Db.scope", "machine.slice", CONTAINER_NSPAWN, "a-b");
        CHECK_NAMES("payload", "machine-foo\\x2dbar.scope", CONTAINER_NSPAWN, "foo-bar");
        CHECK_NAMES("supervisor", "machine-foo.scope", CONTAINER_NSPAWN, "foo");
        CHECK_NAMES("machine-foo.scope", "system.slice", CONTAINER_NONE, "");
        CHECK_NAMES("machine-.scope", "machine.slice", CONTAINER_NONE, "");
        CHECK_NAMES("machine-foo", "machine.slice", CONTAINER_NONE, "");
        CHECK_NAMES("machine-a\\x2.scope", "machine.slice", CONTAINER_NONE, "");
        CHECK_NAMES("machine-a\\x2", "machine.slice", CONTAINER_NONE, "");
        CHECK_NAMES("machine-a\\.scope", "machine.slice", CONTAINER_NONE, "");
        CHECK_NAMES("machine-a\\x1b.scope", "machine.slice", CONTAINER_NONE, "");       /* control char */
        CHECK_NAMES("machine-a\\x00b.scope", "machine.slice", CONTAINER_NONE, "");      /* NUL */
        CHECK_NAMES("machine-a\\x2fb.scope", "machine.slice", CONTAINER_NONE, "");      /* '/' */
        CHECK_NAMES("machine-a\nb.scope", "machine.slice", CONTAINER_NONE, "");
        CHECK_NAMES("other", "machine-foo.scope", CONTAINER_NONE, "");
        /* Long machine names are cut to CONTAINER_ID_MAX. */
        CHECK_NAMES("machine-" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                    "\\x2dbbbbbbbbbb.scope", "machine.slice", CONTAINER_NSPAWN,
                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

        /* Processes inside a container's own cgroup tree (systemd in the container). */
        CHECK_NAMES("init.scope", "docker-" ID ".scope", CONTAINER_DOCKER, ID);
        CHECK_NAMES("container", "libpod-" ID ".scope", CONTAINER_PODMAN, ID);
        CHECK_NAMES("init.scope", "crio-conmon-" ID ".scope", CONTAINER_NONE, "");

        /* Not containers. */
        CHECK_NAMES("session-2.scope", "user.slice", CONTAINER_NONE, "");
        CHECK_NAMES("session-2.scope", "user-1000.slice", CONTAINER_NONE, "");
        CHECK_NAMES("ssh.service", "system.slice", CONTAINER_NONE, "");
        CHECK_NAMES("docker.service", "system.slice", CONTAINER_NONE, "");
        CHECK_NAMES("containerd.service", "system.slice", CONTAINER_NONE, "");
        CHECK_NAMES("init.scope", "", CONTAINER_NONE, "");
        CHECK_NAMES("init.scope", NULL, CONTAINER_NONE, "");
        CHECK_NAMES("system.slice", "", CONTAINER_NONE, "");
        CHECK_NAMES("docker", "", CONTAINER_NONE, "");
        CHECK_NAMES("", "", CONTAINER_NONE, "");
        CHECK_NAMES(NULL, NULL, CONTAINER_NONE, "");
        CHECK_NAMES("", "docker", CONTAINER_NONE, "");
        CHECK_NAMES(NULL, "docker-" ID ".scope", CONTAINER_NONE, "");

        /* Strict id shape. */
        CHECK_NAMES("docker-abc.scope", "system.slice", CONTAINER_NONE, "");
        CHECK_NAMES("docker-" ID "0.scope", "system.slice", CONTAINER_NONE, "");          /* 65 hex */
        CHECK_NAMES("docker-" "3F4E8D2C1B0A99887766554433221100FFEEDDCCBBAA00112233445566778899" ".scope",
                    "system.slice", CONTAINER_NONE, "");                                   /* upper case */
        CHECK_NAMES("docker-" "3f4e8d2c1b0a99887766554433221100ffeeddccbbaa0011223344556677889g" ".scope",
                    "system.slice", CONTAINER_NONE, "");                                   /* non-hex */
        CHECK_NAMES("docker-" ID, "system.slice", CONTAINER_NONE, "");                     /* no .scope */
        CHECK_NAMES("docker-" ID ".scope.bak", "system.slice", CONTAINER_NONE, "");
        CHECK_NAMES("xdocker-" ID ".scope", "system.slice", CONTAINER_NONE, "");
        CHECK_NAMES("docker-.scope", "system.slice", CONTAINER_NONE, "");
        CHECK_NAMES("docker-", "system.slice", CONTAINER_NONE, "");
        CHECK_NAMES(".scope", "system.slice", CONTAINER_NONE, "");
        CHECK_NAMES("3f4e8d2c1b0a", "docker", CONTAINER_NONE, "");                         /* short id */

        /* Over-long inputs are rejected without reading past their NUL. */
        {
                static char longname[1000];

                memset(longname, 'a', sizeof(longname) - 1);
                CHECK_NAMES(longname, "docker", CONTAINER_NONE, "");
                CHECK_NAMES(ID, longname, CONTAINER_CONTAINERD, ID);
                CHECK_NAMES("init.scope", longname, CONTAINER_NONE, "");
        }

        CHECK(container_id_from_cgroup_names("docker-" ID ".scope", "", NULL) == -EINVAL);
}

static void test_paths(void) {
        CHECK_PATH("0::/system.slice/docker-" ID ".scope", CONTAINER_DOCKER, ID);
        CHECK_PATH("0::/system.slice/docker-" ID ".scope\n", CONTAINER_DOCKER, ID);
        CHECK_PATH("/sys/fs/cgroup/system.slice/docker-" ID ".scope", CONTAINER_DOCKER, ID);
        CHECK_PATH("/sys/fs/cgroup/system.slice/docker-" ID ".scope/", CONTAINER_DOCKER, ID);
        CHECK_PATH("0::/docker/" ID, CONTAINER_DOCKER, ID);
        CHECK_PATH("12:pids:/docker/" ID, CONTAINER_DOCKER, ID);
        CHECK_PATH("4:cpu,cpuacct:/docker/" ID "\n", CONTAINER_DOCKER, ID);
        CHECK_PATH("1:name=systemd:/docker/" ID, CONTAINER_DOCKER, ID);
        CHECK_PATH("/docker/" ID, CONTAINER_DOCKER, ID);
        CHECK_PATH("docker/" ID, CONTAINER_DOCKER, ID);
        CHECK_PATH("0::/docker-" ID ".scope", CONTAINER_DOCKER, ID);
        CHECK_PATH("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-" POD_UID ".slice/"
                   "cri-containerd-" ID ".scope", CONTAINER_CONTAINERD, ID);
        CHECK_PATH("0::/kubepods/besteffort/pod2d6e4a5b-1c3f-4e2a-9b8d-7f6e5d4c3b2a/" ID,
                   CONTAINER_CONTAINERD, ID);
        CHECK_PATH("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-" POD_UID ".slice/"
                   "crio-" ID ".scope", CONTAINER_CRIO, ID);
        CHECK_PATH("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-" POD_UID ".slice/"
                   "crio-conmon-" ID ".scope", CONTAINER_NONE, "");
        CHECK_PATH("0::/machine.slice/libpod-" ID ".scope", CONTAINER_PODMAN, ID);
        CHECK_PATH("0::/machine.slice/libpod-" ID ".scope/container", CONTAINER_PODMAN, ID);
        CHECK_PATH("0::/machine.slice/libpod-conmon-" ID ".scope", CONTAINER_NONE, "");
        CHECK_PATH("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope",
                   CONTAINER_PODMAN, ID);
        CHECK_PATH("0::/libpod_parent/libpod-" ID, CONTAINER_PODMAN, ID);
        CHECK_PATH("0::/machine.slice/machine-foo\\x2dbar.scope", CONTAINER_NSPAWN, "foo-bar");
        CHECK_PATH("0::/machine.slice/machine-foo\\x2dbar.scope/payload", CONTAINER_NSPAWN, "foo-bar");
        CHECK_PATH("0::/machine.slice/machine-foo\\x2dbar.scope/supervisor", CONTAINER_NSPAWN, "foo-bar");
        CHECK_PATH("0::/system.slice/docker-" ID ".scope/init.scope", CONTAINER_DOCKER, ID);
        CHECK_PATH("0::/default/" ID, CONTAINER_CONTAINERD, ID);

        /* Not containers. */
        CHECK_PATH("0::/user.slice/user-1000.slice/session-2.scope", CONTAINER_NONE, "");
        CHECK_PATH("0::/system.slice/ssh.service", CONTAINER_NONE, "");
        CHECK_PATH("0::/init.scope", CONTAINER_NONE, "");
        CHECK_PATH("0::/", CONTAINER_NONE, "");
        CHECK_PATH("0::", CONTAINER_NONE, "");
        CHECK_PATH("/", CONTAINER_NONE, "");
        CHECK_PATH("", CONTAINER_NONE, "");
        CHECK_PATH(NULL, CONTAINER_NONE, "");
        CHECK_PATH("///", CONTAINER_NONE, "");
        CHECK_PATH("0::/system.slice/docker-abc.scope", CONTAINER_NONE, "");
        CHECK_PATH("0::/system.slice/docker.service", CONTAINER_NONE, "");
        CHECK_PATH(":::::", CONTAINER_NONE, "");
        CHECK_PATH("x:y:z", CONTAINER_NONE, "");

        /* Odd separators. */
        CHECK_PATH("0::/docker//" ID, CONTAINER_DOCKER, ID);
        CHECK_PATH("0::/docker/" ID "//", CONTAINER_DOCKER, ID);

        /* Over-long paths and components. */
        {
                static char p[8192];
                size_t l;

                memset(p, 'a', sizeof(p) - 1);
                CHECK_PATH(p, CONTAINER_NONE, "");

                memset(p, 0, sizeof(p));
                strcpy(p, "0::/");
                l = strlen(p);
                memset(p + l, 'b', 300);
                strcat(p, "/" ID);
                CHECK_PATH(p, CONTAINER_CONTAINERD, ID);

                memset(p, 0, sizeof(p));
                strcpy(p, "0::/docker/");
                l = strlen(p);
                memset(p + l, 'c', 300);
                CHECK_PATH(p, CONTAINER_NONE, "");
        }

        CHECK(container_id_from_cgroup_path("0::/docker/" ID, NULL) == -EINVAL);
}

/* Every prefix of hostile inputs must be handled without reading out of bounds. */
static void test_prefixes(void) {
        static const char *const inputs[] = {
                ("0::/system.slice/docker-" ID ".scope"),
                "0::/machine.slice/machine-foo\\x2dbar.scope/payload",
                ("0::/libpod_parent/libpod-" ID),
                "machine-a\\x2",
        };

        for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
                size_t l = strlen(inputs[i]);

                for (size_t n = 0; n <= l; n++) {
                        char id[CONTAINER_ID_MAX + 1];
                        char *copy = malloc(n + 1); /* exact size so ASan catches overreads */
                        int r;

                        CHECK(copy);
                        if (!copy)
                                return;
                        memcpy(copy, inputs[i], n);
                        copy[n] = 0;

                        r = container_id_from_cgroup_path(copy, id);
                        CHECK(r >= 0 && r < _CONTAINER_RUNTIME_MAX);
                        CHECK(strlen(id) <= CONTAINER_ID_MAX);
                        r = container_id_from_cgroup_names(copy, copy, id);
                        CHECK(r >= 0 && r < _CONTAINER_RUNTIME_MAX);
                        CHECK(strlen(id) <= CONTAINER_ID_MAX);

                        free(copy);
                }
        }
}

int main(void) {
        test_runtime_names();
        test_names();
        test_paths();
        test_prefixes();

        if (failures > 0) {
                fprintf(stderr, "test-container: %d check(s) failed\n", failures);
                return EXIT_FAILURE;
        }

        printf("test-container: all checks passed\n");
        return EXIT_SUCCESS;
}
