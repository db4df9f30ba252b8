/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /etc/ld.so.preload at start: the dynamic loader maps every library it lists into every
 * dynamically linked program, this agent included, before main(). A rootkit's favourite place
 * (TRC-7 watches changes to it); an agent that starts with it non-empty says so.
 */
#pragma once

#include <stddef.h>

#define PRELOAD_PATH "/etc/ld.so.preload"

/*
 * Reads path (at most its first 4 KiB). Returns 0 when it does not exist or holds only blanks, 1
 * when it lists something: its size in *ret_size and what it lists in buf (n bytes, NUL-terminated;
 * entries separated by one blank, bytes other than printable ASCII as '?', cut to fit), or a
 * negative errno when it cannot be read.
 */
int preload_check(const char *path, char *buf, size_t n, size_t *ret_size);
