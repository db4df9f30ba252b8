/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared helpers for the unit tests (each test is one translation unit, so everything here is
 * static):
 *
 *   - plain checks that count failures (CHECK, CHECK_STREQ, CHECK_CONTAINS, …) and test_exit();
 *   - a builder for canned ring-buffer records in the wire format of bpf/events.h: a header, then
 *     arguments, each a struct tr_arg followed by its payload (unaligned, as the BPF side writes);
 *   - a strict JSON (RFC 8259) + UTF-8 validator, for checking what the writers produce.
 */
#pragma once

#undef NDEBUG

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/types.h>

#include "../../bpf/events.h"
#include "../../agent/decode.h"

/* ------------------------------------------------------------------------------------------------ */
/* checks */

static int failures;

#define CHECK(cond)                                                                     \
        do {                                                                            \
                if (!(cond)) {                                                          \
                        fprintf(stderr, "%s:%d: check failed: %s\n",                    \
                                __FILE__, __LINE__, #cond);                             \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

#define CHECK_MSG(cond, ...)                                                            \
        do {                                                                            \
                if (!(cond)) {                                                          \
                        fprintf(stderr, "%s:%d: check failed: %s: ",                    \
                                __FILE__, __LINE__, #cond);                             \
                        fprintf(stderr, __VA_ARGS__);                                   \
                        fputc('\n', stderr);                                            \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

#define CHECK_INT(got, want)                                                            \
        do {                                                                            \
                long long _g = (long long) (got), _w = (long long) (want);              \
                if (_g != _w) {                                                         \
                        fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n",           \
                                __FILE__, __LINE__, #got, _g, _w);                      \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

#define CHECK_STREQ(got, want)                                                          \
        do {                                                                            \
                const char *_g = (got), *_w = (want);                                   \
                if (!_g || strcmp(_g, _w) != 0) {                                       \
                        fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n",       \
                                __FILE__, __LINE__, #got, _g ? _g : "(null)", _w);      \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

#define CHECK_CONTAINS(hay, needle)                                                     \
        do {                                                                            \
                const char *_h = (hay), *_n = (needle);                                 \
                if (!_h || !strstr(_h, _n)) {                                           \
                        fprintf(stderr, "%s:%d: %s does not contain \"%s\": \"%s\"\n",  \
                                __FILE__, __LINE__, #hay, _n, _h ? _h : "(null)");      \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

#define CHECK_NOT_CONTAINS(hay, needle)                                                 \
        do {                                                                            \
                const char *_h = (hay), *_n = (needle);                                 \
                if (_h && strstr(_h, _n)) {                                             \
                        fprintf(stderr, "%s:%d: %s contains \"%s\": \"%s\"\n",          \
                                __FILE__, __LINE__, #hay, _n, _h);                      \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

static inline int test_exit(const char *name)
{
        if (failures > 0) {
                fprintf(stderr, "%s: %d check(s) failed\n", name, failures);
                return EXIT_FAILURE;
        }
        printf("%s: all checks passed\n", name);
        return EXIT_SUCCESS;
}

/* Prints bytes with everything outside printable ASCII as \xNN. */
static inline void print_escaped(FILE *f, const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];

                if (c >= 0x20 && c < 0x7f && c != '\\')
                        fputc(c, f);
                else
                        fprintf(f, "\\x%02x", c);
        }
}

/* Deterministic PRNG (xorshift64*), so runs are reproducible on every libc. */
static inline uint64_t test_rand(uint64_t *state)
{
        uint64_t x = *state;

        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        *state = x;
        return x * 2685821657736338717ull;
}

/* ------------------------------------------------------------------------------------------------ */
/* record builder */

#define RB_MAX (TR_SCRATCH_SIZE * 2)

typedef struct RecBuilder {
        struct tr_event_hdr h;          /* set fields freely; size and nargs are filled by rb_finish() */
        _Alignas(8) uint8_t buf[RB_MAX];
        size_t len;                     /* bytes in buf, header included */
        unsigned nargs;
        bool overflow;                  /* an argument did not fit (a test bug) */
} RecBuilder;

/* Starts a record of event `type` with plausible header values. */
static inline void rb_init(RecBuilder *b, uint32_t type)
{
        memset(&b->h, 0, sizeof(b->h));
        b->h.type = type;
        b->h.ts = 123456789ull;
        b->h.pid = 4242;
        b->h.tid = 4243;
        b->h.ppid = 1;
        b->h.ns_pid = 4242;
        b->h.ns_tid = 4243;
        b->h.ns_ppid = 1;
        b->h.uid = 1000;
        b->h.gid = 1000;
        b->h.mntns = 4026531841u;
        b->h.pidns = 4026531836u;
        b->h.cgroup_id = 77;
        b->h.start_time = 5000000000ull;
        b->h.cpu = 3;
        memcpy(b->h.comm, "testproc", 9);
        b->len = sizeof(struct tr_event_hdr);
        b->nargs = 0;
        b->overflow = false;
        memset(b->buf, 0, sizeof(struct tr_event_hdr));
}

static inline void rb_comm(RecBuilder *b, const char *comm)
{
        memset(b->h.comm, 0, sizeof(b->h.comm));
        memcpy(b->h.comm, comm, strnlen(comm, sizeof(b->h.comm)));
}

/* Appends one argument: a tr_arg with the given idx, raw type byte (flags included) and len, then
 * `len` payload bytes (data may be NULL: zeros). len is what the header says; `paylen` bytes of
 * payload are actually written (normally the same; a different value builds a lying header). */
static inline void rb_arg_raw(RecBuilder *b, uint8_t idx, uint8_t type, uint16_t len, const void *data,
                              size_t paylen)
{
        struct tr_arg a = { .idx = idx, .type = type, .len = len };

        if (b->len + sizeof(a) + paylen > sizeof(b->buf)) {
                b->overflow = true;
                return;
        }
        memcpy(b->buf + b->len, &a, sizeof(a));
        b->len += sizeof(a);
        if (data)
                memcpy(b->buf + b->len, data, paylen);
        else
                memset(b->buf + b->len, 0, paylen);
        b->len += paylen;
        b->nargs++;
}

static inline void rb_arg(RecBuilder *b, uint8_t idx, uint8_t type, const void *data, uint16_t len)
{
        rb_arg_raw(b, idx, type, len, data, len);
}

static inline void rb_int(RecBuilder *b, uint8_t idx, int64_t v)
{
        rb_arg(b, idx, TR_ARG_INT, &v, sizeof(v));
}

/* A string argument of n bytes (no NUL on the wire, as the BPF side sends it). */
static inline void rb_strn(RecBuilder *b, uint8_t idx, const char *s, size_t n)
{
        rb_arg(b, idx, TR_ARG_STR, s, (uint16_t) n);
}

static inline void rb_str(RecBuilder *b, uint8_t idx, const char *s)
{
        rb_strn(b, idx, s, strlen(s));
}

/* NULL-terminated array of strings → NUL-terminated strings back to back. */
static inline void rb_strarr(RecBuilder *b, uint8_t idx, const char *const *v)
{
        char tmp[TR_STRARR_MAX_BYTES * 2];
        size_t o = 0;

        for (size_t i = 0; v[i]; i++) {
                size_t l = strlen(v[i]) + 1;

                if (o + l > sizeof(tmp)) {
                        b->overflow = true;
                        return;
                }
                memcpy(tmp + o, v[i], l);
                o += l;
        }
        rb_arg(b, idx, TR_ARG_STRARR, tmp, (uint16_t) o);
}

static inline void rb_sockaddr_in(RecBuilder *b, uint8_t idx, const char *ip, uint16_t port)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

        if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
                b->overflow = true;
        rb_arg(b, idx, TR_ARG_SOCKADDR, &sa, sizeof(sa));
}

static inline void rb_sockaddr_in6(RecBuilder *b, uint8_t idx, const char *ip, uint16_t port)
{
        struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

        if (inet_pton(AF_INET6, ip, &sa.sin6_addr) != 1)
                b->overflow = true;
        rb_arg(b, idx, TR_ARG_SOCKADDR, &sa, sizeof(sa));
}

static inline void rb_sockaddr_un(RecBuilder *b, uint8_t idx, const char *path)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t l = strnlen(path, sizeof(sa.sun_path));

        memcpy(sa.sun_path, path, l);
        rb_arg(b, idx, TR_ARG_SOCKADDR, &sa, (uint16_t) (offsetof(struct sockaddr_un, sun_path) + l + 1));
}

/* A tr_fdinfo for an inet socket with a peer (ip "" = none). */
static inline struct tr_fdinfo fdinfo_inet(const char *rip, uint16_t rport)
{
        struct tr_fdinfo fi = { .kind = TR_FD_SOCKET, .family = AF_INET, .sotype = SOCK_STREAM, .state = 1,
                                .lport = 40000, .rport = rport };

        inet_pton(AF_INET, "10.0.0.2", fi.laddr);
        if (*rip)
                inet_pton(AF_INET, rip, fi.raddr);
        return fi;
}

static inline struct tr_fdinfo fdinfo_kind(unsigned kind)
{
        struct tr_fdinfo fi = { .kind = (uint16_t) kind };

        return fi;
}

static inline void rb_fdinfo(RecBuilder *b, uint8_t idx, const struct tr_fdinfo *fi)
{
        rb_arg(b, idx, TR_ARG_FDINFO, fi, sizeof(*fi));
}

/* Writes the header (size = bytes so far, nargs = arguments so far) and returns the length. */
static inline size_t rb_finish(RecBuilder *b)
{
        b->h.size = (uint32_t) b->len;
        b->h.nargs = (uint16_t) b->nargs;
        memcpy(b->buf, &b->h, sizeof(b->h));
        return b->len;
}

/* Rewrites header fields in the finished bytes (to build lying headers). */
static inline void rb_patch_size(RecBuilder *b, uint32_t size)
{
        memcpy(b->buf + offsetof(struct tr_event_hdr, size), &size, sizeof(size));
}

static inline void rb_patch_nargs(RecBuilder *b, uint16_t nargs)
{
        memcpy(b->buf + offsetof(struct tr_event_hdr, nargs), &nargs, sizeof(nargs));
}

/* Finishes and decodes; the Event points into b->buf. */
static inline int rb_decode(RecBuilder *b, Event *ev)
{
        if (b->overflow) {
                fprintf(stderr, "record builder overflow (test bug)\n");
                failures++;
        }
        rb_finish(b);
        return event_decode(b->buf, b->len, ev);
}

/* Copies the first n bytes of a record into an exactly sized heap block, so that ASan catches a
 * read even one byte past it, and decodes that. */
static inline int decode_exact(const void *rec, size_t n, Event *ev, void **ret_copy)
{
        void *copy = malloc(n ? n : 1);

        if (!copy)
                abort();
        memcpy(copy, rec, n);
        *ret_copy = copy;
        return event_decode(copy, n, ev);
}

/* ------------------------------------------------------------------------------------------------ */
/* strict JSON + UTF-8 validator */

typedef struct JsonCheck {
        const unsigned char *s;
        size_t n, i;
        unsigned depth;
        const char *err;
        bool no_raw_controls;           /* also refuse raw DEL and C1 controls inside strings */
} JsonCheck;

#define JSON_CHECK_MAX_DEPTH 256

/* Length of a valid UTF-8 sequence at s[0..n) (strict: no overlongs, surrogates or > U+10FFFF),
 * 0 if invalid. */
static inline size_t jc_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
        unsigned char c = s[0];
        size_t l;
        uint32_t v, min;

        if (c < 0x80) {
                *cp = c;
                return 1;
        }
        if ((c & 0xe0) == 0xc0) {
                l = 2;
                v = c & 0x1f;
                min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
                l = 3;
                v = c & 0x0f;
                min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
                l = 4;
                v = c & 0x07;
                min = 0x10000;
        } else
                return 0;
        if (n < l)
                return 0;
        for (size_t k = 1; k < l; k++) {
                if ((s[k] & 0xc0) != 0x80)
                        return 0;
                v = (v << 6) | (s[k] & 0x3f);
        }
        if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
                return 0;
        *cp = v;
        return l;
}

static inline bool jc_fail(JsonCheck *j, const char *err)
{
        if (!j->err)
                j->err = err;
        return false;
}

static inline void jc_ws(JsonCheck *j)
{
        while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' || j->s[j->i] == '\r'))
                j->i++;
}

static inline bool jc_lit(JsonCheck *j, const char *lit)
{
        size_t l = strlen(lit);

        if (j->n - j->i < l || memcmp(j->s + j->i, lit, l) != 0)
                return jc_fail(j, "bad literal");
        j->i += l;
        return true;
}

static inline int jc_hex(unsigned char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static inline bool jc_u4(JsonCheck *j, unsigned *ret)
{
        unsigned v = 0;

        if (j->n - j->i < 4)
                return jc_fail(j, "short \\u escape");
        for (int k = 0; k < 4; k++) {
                int h = jc_hex(j->s[j->i + k]);

                if (h < 0)
                        return jc_fail(j, "bad hex digit in \\u escape");
                v = v * 16 + (unsigned) h;
        }
        j->i += 4;
        *ret = v;
        return true;
}

static inline bool jc_string(JsonCheck *j)
{
        if (j->i >= j->n || j->s[j->i] != '"')
                return jc_fail(j, "expected string");
        j->i++;
        for (;;) {
                unsigned char c;

                if (j->i >= j->n)
                        return jc_fail(j, "unterminated string");
                c = j->s[j->i];
                if (c == '"') {
                        j->i++;
                        return true;
                }
                if (c < 0x20)
                        return jc_fail(j, "raw control character in string");
                if (c == '\\') {
                        unsigned u, lo;

                        if (j->i + 1 >= j->n)
                                return jc_fail(j, "backslash at end");
                        c = j->s[j->i + 1];
                        j->i += 2;
                        switch (c) {
                        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                                break;
                        case 'u':
                                if (!jc_u4(j, &u))
                                        return false;
                                if (u >= 0xdc00 && u <= 0xdfff)
                                        return jc_fail(j, "lone low surrogate escape");
                                if (u >= 0xd800 && u <= 0xdbff) {
                                        if (j->n - j->i < 2 || j->s[j->i] != '\\' || j->s[j->i + 1] != 'u')
                                                return jc_fail(j, "lone high surrogate escape");
                                        j->i += 2;
                                        if (!jc_u4(j, &lo))
                                                return false;
                                        if (lo < 0xdc00 || lo > 0xdfff)
                                                return jc_fail(j, "bad surrogate pair");
                                }
                                break;
                        default:
                                return jc_fail(j, "bad escape");
                        }
                        continue;
                }
                if (c == 0x7f && j->no_raw_controls)
                        return jc_fail(j, "raw DEL in string");
                if (c < 0x80) {
                        j->i++;
                        continue;
                }
                {
                        uint32_t cp;
                        size_t l = jc_utf8(j->s + j->i, j->n - j->i, &cp);

                        if (!l)
                                return jc_fail(j, "invalid UTF-8 in string");
                        if (j->no_raw_controls && cp >= 0x80 && cp <= 0x9f)
                                return jc_fail(j, "raw C1 control in string");
                        j->i += l;
                }
        }
}

static inline bool jc_number(JsonCheck *j)
{
        size_t st;

        if (j->i < j->n && j->s[j->i] == '-')
                j->i++;
        if (j->i >= j->n)
                return jc_fail(j, "bad number");
        if (j->s[j->i] == '0')
                j->i++;
        else if (j->s[j->i] >= '1' && j->s[j->i] <= '9') {
                while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
                        j->i++;
        } else
                return jc_fail(j, "bad number");
        if (j->i < j->n && j->s[j->i] == '.') {
                j->i++;
                st = j->i;
                while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
                        j->i++;
                if (j->i == st)
                        return jc_fail(j, "bad fraction");
        }
        if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
                j->i++;
                if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
                        j->i++;
                st = j->i;
                while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
                        j->i++;
                if (j->i == st)
                        return jc_fail(j, "bad exponent");
        }
        return true;
}

static inline bool jc_value(JsonCheck *j)
{
        unsigned char c;

        jc_ws(j);
        if (j->i >= j->n)
                return jc_fail(j, "expected a value");
        c = j->s[j->i];
        if (c == '{' || c == '[') {
                unsigned char close = c == '{' ? '}' : ']';

                if (++j->depth > JSON_CHECK_MAX_DEPTH)
                        return jc_fail(j, "too deep");
                j->i++;
                jc_ws(j);
                if (j->i < j->n && j->s[j->i] == close) {
                        j->i++;
                        j->depth--;
                        return true;
                }
                for (;;) {
                        if (c == '{') {
                                jc_ws(j);
                                if (!jc_string(j))
                                        return false;
                                jc_ws(j);
                                if (j->i >= j->n || j->s[j->i] != ':')
                                        return jc_fail(j, "expected ':'");
                                j->i++;
                        }
                        if (!jc_value(j))
                                return false;
                        jc_ws(j);
                        if (j->i >= j->n)
                                return jc_fail(j, "unterminated object or array");
                        if (j->s[j->i] == ',') {
                                j->i++;
                                continue;
                        }
                        if (j->s[j->i] == close) {
                                j->i++;
                                j->depth--;
                                return true;
                        }
                        return jc_fail(j, "expected ',' or closing bracket");
                }
        }
        if (c == '"')
                return jc_string(j);
        if (c == 't')
                return jc_lit(j, "true");
        if (c == 'f')
                return jc_lit(j, "false");
        if (c == 'n')
                return jc_lit(j, "null");
        if (c == '-' || (c >= '0' && c <= '9'))
                return jc_number(j);
        return jc_fail(j, "unexpected character");
}

/* Is s[0..n) exactly one valid JSON value (surrounding whitespace allowed)? On failure, *err says
 * why and *at where. strict_controls also refuses raw DEL and C1 controls in strings. */
static inline bool json_valid_ex(const char *s, size_t n, bool strict_controls, const char **err, size_t *at)
{
        JsonCheck j = { .s = (const unsigned char *) s, .n = n, .no_raw_controls = strict_controls };
        bool ok = jc_value(&j);

        if (ok) {
                jc_ws(&j);
                if (j.i != j.n)
                        ok = jc_fail(&j, "trailing bytes after the value");
        }
        if (err)
                *err = j.err;
        if (at)
                *at = j.i;
        return ok;
}

static inline bool json_valid(const char *s, size_t n)
{
        return json_valid_ex(s, n, true, NULL, NULL);
}

/* CHECK that a buffer is strict JSON, printing where it is not. */
#define CHECK_JSON(s, n)                                                                \
        do {                                                                            \
                const char *_e = NULL;                                                  \
                size_t _at = 0, _n = (n);                                               \
                if (!json_valid_ex((s), _n, true, &_e, &_at)) {                         \
                        fprintf(stderr, "%s:%d: invalid JSON (%s at byte %zu): ",       \
                                __FILE__, __LINE__, _e, _at);                           \
                        print_escaped(stderr, (s), _n < 2000 ? _n : 2000);              \
                        fputc('\n', stderr);                                            \
                        failures++;                                                     \
                }                                                                       \
        } while (0)
