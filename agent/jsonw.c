/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See jsonw.h.
 *
 * This is the hot path of `tracee trace --output json` (a few hundred bytes per event, hundreds of
 * thousands of events a second): every writer reserves its worst case once and then stores bytes
 * straight into the buffer; numbers are formatted without stdio; strings are copied in runs that
 * need no escaping.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

static bool grow(JsonW *w, size_t more)
{
        size_t need, cap;
        char *nb;

        if (w->failed)
                return false;
        if (more > JSONW_MAX || w->len + more + 1 > JSONW_MAX) {
                w->failed = true;
                return false;
        }
        need = w->len + more + 1;
        cap = w->cap ? w->cap : 4096;
        while (cap < need)
                cap *= 2;
        if (cap > JSONW_MAX)
                cap = JSONW_MAX;
        nb = realloc(w->buf, cap);
        if (!nb) {
                w->failed = true;
                return false;
        }
        w->buf = nb;
        w->cap = cap;
        return true;
}

/* Room for `more` bytes and the terminating NUL. False once the document failed. */
static inline bool reserve(JsonW *w, size_t more)
{
        if (__builtin_expect(!w->failed && more < w->cap && w->len + more + 1 <= w->cap, 1))
                return true;
        return grow(w, more);
}

static inline void put(JsonW *w, const char *s, size_t n)
{
        if (!reserve(w, n))
                return;
        memcpy(w->buf + w->len, s, n);
        w->len += n;
        w->buf[w->len] = 0;
}

static inline void putc1(JsonW *w, char c)
{
        if (!reserve(w, 1))
                return;
        w->buf[w->len++] = c;
        w->buf[w->len] = 0;
}

static inline void comma(JsonW *w)
{
        if (w->need_comma)
                putc1(w, ',');
        w->need_comma = false;
}

void jsonw_reset(JsonW *w)
{
        w->len = 0;
        w->need_comma = false;
        w->failed = false;
        if (w->buf)
                w->buf[0] = 0;
}

void jsonw_truncate(JsonW *w, size_t len)
{
        if (len < w->len)
                w->len = len;
        w->need_comma = false;
        w->failed = false;
        if (w->buf)
                w->buf[w->len] = 0;
}

void jsonw_done(JsonW *w)
{
        free(w->buf);
        *w = (JsonW) {};
}

bool jsonw_ok(const JsonW *w)
{
        return !w->failed;
}

void jsonw_newline(JsonW *w)
{
        putc1(w, '\n');
        w->need_comma = false;
}

void jsonw_obj_open(JsonW *w)
{
        comma(w);
        putc1(w, '{');
}

void jsonw_obj_close(JsonW *w)
{
        putc1(w, '}');
        w->need_comma = true;
}

void jsonw_arr_open(JsonW *w)
{
        comma(w);
        putc1(w, '[');
}

void jsonw_arr_close(JsonW *w)
{
        putc1(w, ']');
        w->need_comma = true;
}

/* Bytes that go into a JSON string as they are: printable ASCII but the quote and the backslash. */
static const bool verbatim[256] = {
        [0x20 ... 0x21] = true,         /* 0x22 is '"' */
        [0x23 ... 0x5b] = true,         /* 0x5c is '\\' */
        [0x5d ... 0x7e] = true,
};

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
        unsigned char c = s[0];

        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf)
                return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
        if (c >= 0xe0 && c <= 0xef) {
                if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
                        return 0;
                if (c == 0xe0 && s[1] < 0xa0)
                        return 0;       /* overlong */
                if (c == 0xed && s[1] >= 0xa0)
                        return 0;       /* surrogate */
                return 3;
        }
        if (c >= 0xf0 && c <= 0xf4) {
                if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
                        return 0;
                if (c == 0xf0 && s[1] < 0x90)
                        return 0;
                if (c == 0xf4 && s[1] >= 0x90)
                        return 0;
                return 4;
        }
        return 0;
}

static char *put_u_escape(char *o, unsigned char c)
{
        static const char hex[] = "0123456789abcdef";

        memcpy(o, "\\u00", 4);
        o[4] = hex[c >> 4];
        o[5] = hex[c & 0xf];
        return o + 6;
}

void jsonw_strn(JsonW *w, const char *s, size_t n)
{
        const unsigned char *p = (const unsigned char *) s;
        size_t i = 0;
        char *o;

        comma(w);
        /* worst case: every byte becomes \u00XX (6) or U+FFFD (3); then the two quotes */
        if (n > JSONW_MAX || !reserve(w, n * 6 + 2)) {
                w->failed = true;
                return;
        }
        o = w->buf + w->len;
        *o++ = '"';
        while (i < n) {
                size_t start = i, l;
                unsigned char c;

                while (i < n && verbatim[p[i]])
                        i++;
                memcpy(o, p + start, i - start);
                o += i - start;
                if (i >= n)
                        break;
                c = p[i];
                switch (c) {
                case '"':
                        memcpy(o, "\\\"", 2);
                        o += 2;
                        i++;
                        continue;
                case '\\':
                        memcpy(o, "\\\\", 2);
                        o += 2;
                        i++;
                        continue;
                case '\n':
                        memcpy(o, "\\n", 2);
                        o += 2;
                        i++;
                        continue;
                case '\t':
                        memcpy(o, "\\t", 2);
                        o += 2;
                        i++;
                        continue;
                case '\r':
                        memcpy(o, "\\r", 2);
                        o += 2;
                        i++;
                        continue;
                }
                if (c < 0x20 || c == 0x7f) {
                        o = put_u_escape(o, c);
                        i++;
                        continue;
                }
                l = utf8_len(p + i, n - i);
                if (l == 0) {
                        memcpy(o, "\xef\xbf\xbd", 3);
                        o += 3;
                        i++;
                } else {
                        /* C1 controls (U+0080..U+009F) are escaped too: terminals act on them */
                        if (l == 2 && c == 0xc2 && p[i + 1] < 0xa0)
                                o = put_u_escape(o, p[i + 1]);
                        else {
                                memcpy(o, p + i, l);
                                o += l;
                        }
                        i += l;
                }
        }
        *o++ = '"';
        *o = 0;
        w->len = o - w->buf;
        w->need_comma = true;
}

void jsonw_str(JsonW *w, const char *s)
{
        if (!s) {
                jsonw_null(w);
                return;
        }
        jsonw_strn(w, s, strlen(s));
}

void jsonw_key(JsonW *w, const char *key)
{
        jsonw_str(w, key);
        putc1(w, ':');
        w->need_comma = false;
}

void jsonw_key_json_slow(JsonW *w, const char *json, size_t n)
{
        comma(w);
        put(w, json, n);
        w->need_comma = false;
}

static const char digit_pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";

/* The 8 digits of v < 10^8, with leading zeros, written backwards ending at o; returns their start. */
static char *format_8_digits_back(char *o, uint32_t v)
{
        for (unsigned i = 0; i < 4; i++) {
                unsigned k = v % 100 * 2;

                v /= 100;
                o -= 2;
                o[0] = digit_pairs[k];
                o[1] = digit_pairs[k + 1];
        }
        return o;
}

/* The digits of v < 10^8 without leading zeros ("0" for 0), written backwards ending at o. */
static char *format_u32_back(char *o, uint32_t v)
{
        while (v >= 100) {
                unsigned k = v % 100 * 2;

                v /= 100;
                o -= 2;
                o[0] = digit_pairs[k];
                o[1] = digit_pairs[k + 1];
        }
        if (v >= 10) {
                o -= 2;
                o[0] = digit_pairs[v * 2];
                o[1] = digit_pairs[v * 2 + 1];
        } else
                *--o = (char) ('0' + v);
        return o;
}

/* Number of decimal digits of v. The branches follow the magnitudes seen, which repeat from event to
 * event (this measured faster than a branch-free count from the bit length). */
static unsigned count_digits(uint64_t v)
{
        for (unsigned n = 1;; n += 4) {
                if (v < 10)
                        return n;
                if (v < 100)
                        return n + 1;
                if (v < 1000)
                        return n + 2;
                if (v < 10000)
                        return n + 3;
                v /= 10000;
        }
}

/* The decimal digits of v, written backwards ending at o. Groups of 8 digits are done in 32-bit
 * arithmetic, cheaper than dividing the 64-bit value by 100 for every pair. */
static void format_u64_back(char *o, uint64_t v)
{
        while (v >= 100000000) {
                o = format_8_digits_back(o, (uint32_t) (v % 100000000));
                v /= 100000000;
        }
        (void) format_u32_back(o, (uint32_t) v);
}

/* A number: an optional '-', then the digits of magnitude; quoted if asked. Formatted in place. */
static void put_number(JsonW *w, bool negative, uint64_t magnitude, bool quoted)
{
        unsigned n = count_digits(magnitude);
        char *o;

        comma(w);
        if (!reserve(w, n + 3))
                return;
        o = w->buf + w->len;
        if (quoted)
                *o++ = '"';
        if (negative)
                *o++ = '-';
        o += n;
        format_u64_back(o, magnitude);
        if (quoted)
                *o++ = '"';
        *o = 0;
        w->len = o - w->buf;
        w->need_comma = true;
}

void jsonw_int(JsonW *w, int64_t v)
{
        put_number(w, v < 0, v < 0 ? -(uint64_t) v : (uint64_t) v, false);
}

void jsonw_uint(JsonW *w, uint64_t v)
{
        put_number(w, false, v, false);
}

void jsonw_uint_str(JsonW *w, uint64_t v)
{
        put_number(w, false, v, true);
}

void jsonw_bool(JsonW *w, bool v)
{
        comma(w);
        put(w, v ? "true" : "false", v ? 4 : 5);
        w->need_comma = true;
}

void jsonw_null(JsonW *w)
{
        comma(w);
        put(w, "null", 4);
        w->need_comma = true;
}

void jsonw_raw(JsonW *w, const char *json, size_t n)
{
        comma(w);
        put(w, json, n);
        w->need_comma = true;
}

void jsonw_kv_str(JsonW *w, const char *key, const char *s)
{
        jsonw_key(w, key);
        jsonw_str(w, s);
}

void jsonw_kv_int(JsonW *w, const char *key, int64_t v)
{
        jsonw_key(w, key);
        jsonw_int(w, v);
}

void jsonw_kv_uint(JsonW *w, const char *key, uint64_t v)
{
        jsonw_key(w, key);
        jsonw_uint(w, v);
}
