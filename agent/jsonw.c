/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See jsonw.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

static bool reserve(JsonW *w, size_t more)
{
        size_t need, cap;
        char *nb;

        if (w->failed)
                return false;
        need = w->len + more + 1;
        if (need <= w->cap)
                return true;
        if (need > JSONW_MAX) {
                w->failed = true;
                return false;
        }
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

static void put(JsonW *w, const char *s, size_t n)
{
        if (!reserve(w, n))
                return;
        memcpy(w->buf + w->len, s, n);
        w->len += n;
        w->buf[w->len] = 0;
}

static void putc1(JsonW *w, char c)
{
        put(w, &c, 1);
}

static void comma(JsonW *w)
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

void jsonw_done(JsonW *w)
{
        free(w->buf);
        *w = (JsonW) {};
}

bool jsonw_ok(const JsonW *w)
{
        return !w->failed;
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

void jsonw_strn(JsonW *w, const char *s, size_t n)
{
        const unsigned char *p = (const unsigned char *) s;
        size_t i = 0, run = 0;

        comma(w);
        /* worst case: every byte becomes \u00XX (6) or U+FFFD (3) */
        if (!reserve(w, n * 6 + 2))
                return;
        putc1(w, '"');
        while (i < n) {
                unsigned char c = p[i];
                size_t l;

                if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                        run++;
                        i++;
                        continue;
                }
                if (run) {
                        put(w, (const char *) p + i - run, run);
                        run = 0;
                }
                switch (c) {
                case '"':
                        put(w, "\\\"", 2);
                        i++;
                        continue;
                case '\\':
                        put(w, "\\\\", 2);
                        i++;
                        continue;
                case '\n':
                        put(w, "\\n", 2);
                        i++;
                        continue;
                case '\t':
                        put(w, "\\t", 2);
                        i++;
                        continue;
                case '\r':
                        put(w, "\\r", 2);
                        i++;
                        continue;
                }
                if (c < 0x20 || c == 0x7f) {
                        char e[8];

                        snprintf(e, sizeof(e), "\\u%04x", c);
                        put(w, e, 6);
                        i++;
                        continue;
                }
                l = utf8_len(p + i, n - i);
                if (l == 0) {
                        put(w, "\xef\xbf\xbd", 3);
                        i++;
                } else {
                        /* C1 controls (U+0080..U+009F) are escaped too: terminals act on them */
                        if (l == 2 && c == 0xc2 && p[i + 1] < 0xa0) {
                                char e[8];

                                snprintf(e, sizeof(e), "\\u%04x", p[i + 1]);
                                put(w, e, 6);
                        } else
                                put(w, (const char *) p + i, l);
                        i += l;
                }
        }
        if (run)
                put(w, (const char *) p + i - run, run);
        putc1(w, '"');
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

void jsonw_int(JsonW *w, int64_t v)
{
        char b[32];
        int n = snprintf(b, sizeof(b), "%" PRId64, v);

        comma(w);
        put(w, b, n);
        w->need_comma = true;
}

void jsonw_uint(JsonW *w, uint64_t v)
{
        char b[32];
        int n = snprintf(b, sizeof(b), "%" PRIu64, v);

        comma(w);
        put(w, b, n);
        w->need_comma = true;
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
