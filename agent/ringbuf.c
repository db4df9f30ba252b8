/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * BPF ring-buffer reader; see ringbuf.h. The layout is the kernel's (kernel/bpf/ringbuf.c): page 0
 * holds the consumer position (ours to write), page 1 the producer position, then the data area,
 * mapped twice back to back so that a record never wraps. Each record starts with an 8-byte header
 * whose first word is its length with the BUSY (still being written) and DISCARD bits.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "ringbuf.h"

#define RINGBUF_RELEASE_BYTES (64u << 10)

struct RingReader {
        int fd;
        size_t page;
        uint64_t mask;                  /* data size - 1 */
        uint64_t release;               /* publish the read position after this many bytes */
        uint64_t *consumer_pos;         /* page 0, read-write */
        const uint64_t *producer_pos;   /* page 1, read-only */
        const uint8_t *data;            /* after page 1, twice the data size */
        ring_record_fn cb;
        void *userdata;
};

int ringreader_new(int map_fd, ring_record_fn cb, void *userdata, RingReader **ret)
{
        struct bpf_map_info info = {};
        uint32_t len = sizeof(info);
        RingReader *r;
        void *p;

        if (bpf_obj_get_info_by_fd(map_fd, &info, &len) < 0)
                return -errno;
        if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries || (info.max_entries & (info.max_entries - 1)))
                return -EINVAL;
        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->fd = map_fd;
        r->page = (size_t) sysconf(_SC_PAGESIZE);
        r->mask = info.max_entries - 1;
        r->release = RINGBUF_RELEASE_BYTES < info.max_entries / 4 ? RINGBUF_RELEASE_BYTES : info.max_entries / 4;
        r->cb = cb;
        r->userdata = userdata;
        p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
        if (p == MAP_FAILED)
                goto fail;
        r->consumer_pos = p;
        p = mmap(NULL, r->page + 2 * (size_t) info.max_entries, PROT_READ, MAP_SHARED, map_fd, (off_t) r->page);
        if (p == MAP_FAILED)
                goto fail;
        r->producer_pos = p;
        r->data = (const uint8_t *) p + r->page;
        *ret = r;
        return 0;
fail:;
        int e = -errno;

        ringreader_free(r);
        return e;
}

RingReader *ringreader_free(RingReader *r)
{
        if (!r)
                return NULL;
        if (r->consumer_pos)
                munmap(r->consumer_pos, r->page);
        if (r->producer_pos)
                munmap((void *) r->producer_pos, r->page + 2 * (size_t) (r->mask + 1));
        free(r);
        return NULL;
}

int ringreader_fd(const RingReader *r)
{
        return r->fd;
}

uint64_t ringreader_pending(const RingReader *r)
{
        return __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE) - __atomic_load_n(r->consumer_pos, __ATOMIC_RELAXED);
}

int ringreader_consume(RingReader *r, uint64_t budget)
{
        uint64_t cons = __atomic_load_n(r->consumer_pos, __ATOMIC_RELAXED);     /* we are its only writer */
        uint64_t start = cons, published = cons, prod;
        int n = 0, ret = 0;

        if (budget == 0)
                budget = r->mask + 1;
        while (cons - start < budget) {
                prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
                if (cons >= prod)
                        break;
                while (cons < prod && cons - start < budget) {
                        const uint32_t *hdr = (const uint32_t *) (r->data + (cons & r->mask));
                        uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
                        uint32_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);

                        if (len & BPF_RINGBUF_BUSY_BIT)
                                goto out;       /* reserved, not committed yet: the next call */
                        cons += ((uint64_t) size + BPF_RINGBUF_HDR_SZ + 7) & ~7ull;
                        if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
                                n++;
                                ret = r->cb ? r->cb(r->userdata, (const uint8_t *) hdr + BPF_RINGBUF_HDR_SZ,
                                                    size) : 0;
                                if (ret < 0)
                                        goto out;
                        }
                        if (cons - published >= r->release) {
                                __atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
                                published = cons;
                        }
                }
        }
out:
        if (cons != published)
                __atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
        return ret < 0 ? ret : n;
}
