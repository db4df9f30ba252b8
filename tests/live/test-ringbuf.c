/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * agent/ringbuf.c against a real BPF ring buffer: small socket-filter programs, run with
 * BPF_PROG_TEST_RUN, write numbered records (and discarded reservations) into a ringbuf map, and the
 * reader must hand back exactly those, in order, with their lengths, across many wraps of the ring,
 * within a byte budget, and stop where a callback fails. Needs root (CAP_BPF).
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "ringbuf.h"

#define RING_SIZE (64u << 10)

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
        return (struct bpf_insn) { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

/* r(dst) = map fd: a two-slot ld_imm64 */
static void ld_map(struct bpf_insn **p, uint8_t dst, int fd)
{
        *(*p)++ = insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd);
        *(*p)++ = insn(0, 0, 0, 0, 0);
}

static int load(const struct bpf_insn *prog, size_t n)
{
        char log[8192] = "";
        LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log), .log_level = 1);
        int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "t_ringbuf", "GPL", prog, n, &o);

        if (fd < 0) {
                fprintf(stderr, "program load failed: %s\n%s\n", strerror(errno), log);
                exit(1);
        }
        return fd;
}

/*
 * Writes one record of `size` bytes (8 <= size <= 48): the next number from counter[0], then 0xab
 * bytes. size need not be a multiple of 8.
 */
static int prog_numbered(int rb, int counter, int size)
{
        struct bpf_insn prog[64], *p = prog;

        *p++ = insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0);            /* key = 0 */
        ld_map(&p, BPF_REG_1, counter);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
        *p++ = insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4);
        *p++ = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
        *p++ = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 2, 0);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
        *p++ = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1);
        *p++ = insn(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0, BPF_ADD | BPF_FETCH);
        for (int off = -56; off < -8; off += 4)                                 /* fp-56 .. fp-9: 0xab */
                *p++ = insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, off, (int32_t) 0xabababab);
        *p++ = insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_1, -56, 0); /* the number */
        ld_map(&p, BPF_REG_1, rb);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
        *p++ = insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -56);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, size);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, BPF_RB_NO_WAKEUP);
        *p++ = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
        *p++ = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        assert((size_t) (p - prog) <= sizeof(prog) / sizeof(prog[0]));
        return load(prog, p - prog);
}

/* Reserves 24 bytes and discards them: a record the reader must skip. */
static int prog_discard(int rb)
{
        struct bpf_insn prog[16], *p = prog;

        ld_map(&p, BPF_REG_1, rb);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, 24);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, 0);
        *p++ = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_reserve);
        *p++ = insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 3, 0);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_0, 0, 0);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, BPF_RB_NO_WAKEUP);
        *p++ = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_discard);
        *p++ = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
        *p++ = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        return load(prog, p - prog);
}

static void run(int prog, unsigned times)
{
        char pkt[64] = {};
        LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = times);

        if (bpf_prog_test_run_opts(prog, &o) < 0) {
                fprintf(stderr, "test run failed: %s\n", strerror(errno));
                exit(1);
        }
}

typedef struct Seen {
        uint64_t next;          /* the number the next record must carry */
        unsigned records;
        size_t want_len;
        int fail_at;            /* return -EIO for the record with this number (-1: never) */
        int errors;
} Seen;

static int on_record(void *userdata, const void *rec, size_t len)
{
        Seen *s = userdata;
        const uint8_t *b = rec;
        uint64_t n;

        s->records++;
        if (len != s->want_len) {
                fprintf(stderr, "record %u: length %zu, expected %zu\n", s->records, len, s->want_len);
                s->errors++;
                return 0;
        }
        memcpy(&n, b, sizeof(n));
        if (n != s->next) {
                fprintf(stderr, "record %u: number %llu, expected %llu\n", s->records, (unsigned long long) n,
                        (unsigned long long) s->next);
                s->errors++;
        }
        for (size_t i = 8; i < len; i++)
                if (b[i] != 0xab) {
                        fprintf(stderr, "record %llu: byte %zu is 0x%02x\n", (unsigned long long) n, i, b[i]);
                        s->errors++;
                        break;
                }
        s->next = n + 1;
        return (int) n == s->fail_at ? -EIO : 0;
}

static int checks, failed;

static void check(int ok, const char *what)
{
        checks++;
        if (!ok)
                failed++;
        printf("%s - %s\n", ok ? "ok" : "FAIL", what);
}

int main(void)
{
        int rb, counter, p12, p40, pdisc, r, other;
        RingReader *rr = NULL;
        Seen s = { .fail_at = -1 };
        char what[128];

        if (geteuid() != 0) {
                printf("SKIP: needs root (BPF)\n");
                return 77;
        }
        rb = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "t_rb", 0, 0, RING_SIZE, NULL);
        counter = bpf_map_create(BPF_MAP_TYPE_ARRAY, "t_count", 4, 8, 1, NULL);
        other = bpf_map_create(BPF_MAP_TYPE_ARRAY, "t_other", 4, 8, 1, NULL);
        assert(rb >= 0 && counter >= 0 && other >= 0);
        p12 = prog_numbered(rb, counter, 12);
        p40 = prog_numbered(rb, counter, 40);
        pdisc = prog_discard(rb);

        check(ringreader_new(other, on_record, &s, &rr) == -EINVAL && !rr, "a map that is not a ring buffer is refused");
        r = ringreader_new(rb, on_record, &s, &rr);
        check(r == 0 && rr, "reader set up on a 64 KiB ring");
        if (!rr)
                return 1;
        check(ringreader_fd(rr) == rb, "polls the map's own fd");
        check(ringreader_consume(rr, 0) == 0 && s.records == 0, "empty ring: nothing read");

        /* 100 records of 12 bytes (24 in the ring with header and padding) */
        s.want_len = 12;
        run(p12, 100);
        check(ringreader_pending(rr) == 100 * 24, "pending bytes count headers and 8-byte padding");
        r = ringreader_consume(rr, 0);
        check(r == 100 && s.records == 100 && s.next == 100 && !s.errors, "100 records, in order, intact");
        check(ringreader_pending(rr) == 0, "read position published at the end of the call");

        /* discarded reservations in between are skipped and not counted */
        run(pdisc, 5);
        s.want_len = 40;
        run(p40, 3);
        run(pdisc, 2);
        s.records = 0;
        r = ringreader_consume(rr, 0);
        check(r == 3 && s.records == 3 && s.next == 103 && !s.errors, "discarded records skipped, 40-byte ones read");
        check(ringreader_pending(rr) == 0, "nothing left after the discarded tail");

        /* a budget bounds one call; the rest comes with the next */
        s.want_len = 12;
        run(p12, 1000);
        s.records = 0;
        r = ringreader_consume(rr, 2400);
        check(r == 100 && s.next == 203, "a 2400-byte budget reads 100 records of 24 bytes");
        check(ringreader_pending(rr) == 900 * 24, "the rest stays pending, position published");
        r = ringreader_consume(rr, 0);
        check(r == 900 && s.next == 1103 && !s.errors, "the next call reads the rest in order");

        /* wrap the ring many times: 40 fills of 48000 bytes, ~3/4 of it, 1.9 MB in all */
        s.records = 0;
        for (int i = 0; i < 40; i++) {
                s.want_len = i % 2 ? 40 : 12;
                run(i % 2 ? p40 : p12, i % 2 ? 1000 : 2000);
                r = ringreader_consume(rr, 0);
                if (r != (i % 2 ? 1000 : 2000) || s.errors)
                        break;
        }
        snprintf(what, sizeof(what), "40 fills across %u wraps of the ring: every record in order (%u read)",
                 (unsigned) (40 * 48000 / RING_SIZE), s.records);
        check(s.records == 60000 && s.next == 61103 && !s.errors, what);

        /* a failing callback stops the read after that record */
        s.want_len = 12;
        s.fail_at = (int) s.next + 2;
        run(p12, 10);
        s.records = 0;
        r = ringreader_consume(rr, 0);
        check(r == -EIO && s.records == 3, "a callback error stops the read and is returned");
        check(ringreader_pending(rr) == 7 * 24, "the failed record counts as read, the rest stays");
        s.fail_at = -1;
        r = ringreader_consume(rr, 0);
        check(r == 7 && s.next == 61113 && !s.errors, "the next call goes on after it");

        ringreader_free(rr);
        close(p12);
        close(p40);
        close(pdisc);
        close(rb);
        close(counter);
        close(other);
        printf("%d checks, %d failed\n", checks, failed);
        return failed ? 1 : 0;
}
