/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Appending arguments to the record being built in the per-CPU scratch (see events.h for the
 * layout): integers, user or kernel strings, argv-style arrays, sockaddrs. Every write is bounded
 * by the record size; an argument that does not fit sets TR_F_ARGS_TRUNC instead.
 */
#ifndef TRACEE_RECORD_BPF_H
#define TRACEE_RECORD_BPF_H

#include "filter.bpf.h"

/*
 * A pointer into the scratch record at pos, bounded for the verifier: the mask comes after a
 * compiler barrier so that clang cannot fold it into earlier arithmetic.
 */
static __always_inline void *slot(void *buf, __u32 pos)
{
        asm volatile("" : "+r"(pos));
        pos &= SCRATCH_MASK;
        return buf + pos;
}

/* Checks there is room for an argument of need payload bytes at *off; -1 if not. */
static __always_inline int arg_begin(void *buf, __u32 *off, __u32 need)
{
        if (*off + sizeof(struct tr_arg) + need > TR_SCRATCH_SIZE)
                return -1;
        return 0;
}

static __always_inline void arg_end(void *buf, __u32 *off, __u8 idx, __u8 type, __u32 len)
{
        struct tr_arg *a = slot(buf, *off);
        struct tr_event_hdr *h = buf;

        a->idx = idx;
        a->type = type;
        a->len = len;
        *off += sizeof(struct tr_arg) + len;
        h->nargs++;
}

static __always_inline void put_int(void *buf, __u32 *off, __u8 idx, __s64 v)
{
        if (arg_begin(buf, off, 8) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return;
        }
        *(__s64 *)slot(buf, *off + sizeof(struct tr_arg)) = v;
        arg_end(buf, off, idx, TR_ARG_INT, 8);
}

/* A string from user (user = 1) or kernel memory. */
static __always_inline void put_str(void *buf, __u32 *off, __u8 idx, const void *ptr, int user)
{
        void *dst;
        long n;
        __u8 type = TR_ARG_STR;

        if (arg_begin(buf, off, TR_PATH_MAX) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return;
        }
        dst = slot(buf, *off + sizeof(struct tr_arg));
        if (!ptr)
                n = 0;
        else if (user)
                n = bpf_probe_read_user_str(dst, TR_PATH_MAX, ptr);
        else
                n = bpf_probe_read_kernel_str(dst, TR_PATH_MAX, ptr);
        if (n < 0) {
                stat_inc(TR_STAT_READ_ERR);
                n = 0;
        } else if (n > 0) {
                if (n >= TR_PATH_MAX)
                        type |= TR_ARG_F_TRUNC;
                n -= 1;         /* drop the NUL */
        }
        arg_end(buf, off, idx, type, n & (TR_PATH_MAX - 1));
}

/* argv-style: a user array of string pointers, NULL-terminated (common.bpf.c). Returns the new
 * offset. */
int tr_put_strarr(struct scratch *sc, __u32 off, __u8 idx, __u64 uarr_addr, __u32 max_count);

/* argv or envp of the current (new) image: the NUL-separated block between start and end. */
static __always_inline void put_mm_block(void *buf, __u32 *off, __u8 idx, __u64 start, __u64 end,
                                         __u32 max)
{
        __u32 len;
        __u8 type = TR_ARG_STRARR;

        if (arg_begin(buf, off, max) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return;
        }
        len = end > start ? end - start : 0;
        if (len > max) {
                len = max;
                type |= TR_ARG_F_TRUNC;
        }
        if (len) {
                void *dst = slot(buf, *off + sizeof(struct tr_arg));
                __u64 l = len;

                asm volatile("" : "+r"(l));
                l &= (ENV_MAX_BYTES * 2 - 1);
                if (l > ENV_MAX_BYTES || bpf_probe_read_user(dst, l, (void *)start) < 0) {
                        stat_inc(TR_STAT_READ_ERR);
                        len = 0;
                }
        }
        arg_end(buf, off, idx, type, len & (ENV_MAX_BYTES * 2 - 1));
}

static __always_inline void put_sockaddr(void *buf, __u32 *off, __u8 idx, const void *uptr, __u64 ulen)
{
        __u32 len = ulen > TR_SOCKADDR_MAX ? TR_SOCKADDR_MAX : ulen;

        if (arg_begin(buf, off, TR_SOCKADDR_MAX) < 0) {
                ((struct tr_event_hdr *)buf)->flags |= TR_F_ARGS_TRUNC;
                return;
        }
        if (uptr && len) {
                void *dst = slot(buf, *off + sizeof(struct tr_arg));

                asm volatile("" : "+r"(len));
                len &= 127;
                if (len > TR_SOCKADDR_MAX || bpf_probe_read_user(dst, len, uptr) < 0)
                        len = 0;
        } else
                len = 0;
        arg_end(buf, off, idx, TR_ARG_SOCKADDR, len & 127);
}

#endif
