/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the libFuzzer targets (see fuzz/README.md): a tiny byte reader that splits the fuzz
 * input into fields, and the strict JSON + UTF-8 validator of the unit tests.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/record-builder.h"

typedef struct FuzzIn {
        const uint8_t *p;
        size_t n;
} FuzzIn;

static inline uint8_t fin_u8(FuzzIn *in)
{
        uint8_t v = 0;

        if (in->n) {
                v = in->p[0];
                in->p++;
                in->n--;
        }
        return v;
}

static inline uint64_t fin_u64(FuzzIn *in)
{
        uint64_t v = 0;

        for (int i = 0; i < 8; i++)
                v = v << 8 | fin_u8(in);
        return v;
}

/* Next field: up to the next 0xff separator byte (or the end), as a NUL-terminated copy in buf
 * (at most n-1 bytes, the rest of the field is skipped). Returns the field length kept. */
static inline size_t fin_field(FuzzIn *in, char *buf, size_t n)
{
        const uint8_t *sep = memchr(in->p, 0xff, in->n);
        size_t l = sep ? (size_t) (sep - in->p) : in->n;
        size_t k = l < n - 1 ? l : n - 1;

        memcpy(buf, in->p, k);
        buf[k] = 0;
        in->p += l + (sep ? 1 : 0);
        in->n -= l + (sep ? 1 : 0);
        return k;
}

/* Aborts (a crash libFuzzer reports) unless s[0..n) is strict RFC 8259 JSON in valid UTF-8 with no
 * raw control character in a string. */
static inline void fuzz_require_json(const char *what, const char *s, size_t n)
{
        const char *err = NULL;
        size_t at = 0;

        if (!json_valid_ex(s, n, true, &err, &at)) {
                fprintf(stderr, "%s: invalid JSON (%s at %zu): ", what, err ? err : "?", at);
                print_escaped(stderr, s, n < 4096 ? n : 4096);
                fputc('\n', stderr);
                abort();
        }
}

/* Aborts if text meant for a terminal holds an ESC or another C0/C1 control byte (newline and tab
 * allowed where noted). */
static inline void fuzz_require_clean(const char *what, const char *s, size_t n, bool allow_nl)
{
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];

                if ((c == '\n' && allow_nl) || c == '\t')
                        continue;
                if (c < 0x20 || c == 0x7f ||
                    (c == 0xc2 && i + 1 < n && (unsigned char) s[i + 1] >= 0x80 && (unsigned char) s[i + 1] <= 0x9f)) {
                        fprintf(stderr, "%s: control byte 0x%02x at %zu: ", what, c, i);
                        print_escaped(stderr, s, n < 4096 ? n : 4096);
                        fputc('\n', stderr);
                        abort();
                }
        }
}
