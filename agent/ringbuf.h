/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reader of a BPF_MAP_TYPE_RINGBUF map, in place of libbpf's ring_buffer. Two differences matter
 * under load: the consumer position is published once per 64 KiB read (a quarter of the ring if
 * that is less, and at the end of each call) instead of after every record, so producers on other
 * CPUs, which read it on every reservation, don't take a cache miss per record; and one call reads
 * at most a budget of bytes, so a flood that outpaces the reader can't keep the event loop
 * (watchdog, D-Bus) from running: the map fd stays readable and the loop comes back.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct RingReader RingReader;

/* Called for every record, in order. A negative return stops the read (the record counts as read). */
typedef int (*ring_record_fn)(void *userdata, const void *rec, size_t len);

int ringreader_new(int map_fd, ring_record_fn cb, void *userdata, RingReader **ret);
RingReader *ringreader_free(RingReader *r);

/* The fd to poll for EPOLLIN (the map's own). */
int ringreader_fd(const RingReader *r);

/* Reads what is there, up to the budget (bytes; 0 = the ring's size). Returns the number of records
 * handed to the callback, or the callback's negative return. */
int ringreader_consume(RingReader *r, uint64_t budget);

/* Bytes written and not yet read. */
uint64_t ringreader_pending(const RingReader *r);
