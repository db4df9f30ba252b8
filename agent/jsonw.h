/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small JSON writer into one reusable buffer, for the hot path (one line per event, no
 * allocation per event once the buffer has grown). Strings are made valid UTF-8 (invalid bytes
 * become U+FFFD) and escaped, whatever the traced process put in them. The buffer is bounded by
 * JSONW_MAX; past it the document is cut and marked failed (jsonw_ok() returns false).
 *
 * Commas are inserted automatically: call jsonw_key() before each member of an object.
 *
 * Several documents may share the buffer as JSON lines (jsonw_newline() between them), so that an
 * output is written in large chunks; jsonw_truncate() drops a document that failed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define JSONW_MAX (4u << 20)

typedef struct JsonW {
        char *buf;
        size_t len, cap;
        bool need_comma;
        bool failed;
} JsonW;

void jsonw_reset(JsonW *w);
void jsonw_done(JsonW *w);
bool jsonw_ok(const JsonW *w);
/* Cuts the buffer back to len bytes (a length it had before, e.g. before a value that failed) and
 * clears the failure and the pending comma. */
void jsonw_truncate(JsonW *w, size_t len);
/* Ends one document of a JSON-lines stream: appends '\n'; the next value starts without a comma. */
void jsonw_newline(JsonW *w);

void jsonw_obj_open(JsonW *w);
void jsonw_obj_close(JsonW *w);
void jsonw_arr_open(JsonW *w);
void jsonw_arr_close(JsonW *w);
void jsonw_key(JsonW *w, const char *key);
/* A key given as JSON text, quotes and colon included, written as it is: for fixed keys on hot
 * paths. Use jsonw_key_lit(), which only takes a string literal (so never untrusted bytes); the key
 * must need no escaping. Inline, so that copying the literal is a few stores. */
void jsonw_key_json_slow(JsonW *w, const char *json, size_t n);
static inline void jsonw_key_json(JsonW *w, const char *json, size_t n)
{
        char *o;

        /* room for a comma, the key and the NUL? */
        if (w->failed || w->len + n + 2 > w->cap) {
                jsonw_key_json_slow(w, json, n);
                return;
        }
        o = w->buf + w->len;
        if (w->need_comma)
                *o++ = ',';
        memcpy(o, json, n);
        o[n] = 0;
        w->len = o + n - w->buf;
        w->need_comma = false;
}
#define jsonw_key_lit(w, key) jsonw_key_json((w), "\"" key "\":", sizeof("\"" key "\":") - 1)
void jsonw_str(JsonW *w, const char *s);
void jsonw_strn(JsonW *w, const char *s, size_t n);
void jsonw_int(JsonW *w, int64_t v);
void jsonw_uint(JsonW *w, uint64_t v);
/* An unsigned number as a JSON string ("42"). */
void jsonw_uint_str(JsonW *w, uint64_t v);
void jsonw_bool(JsonW *w, bool v);
void jsonw_null(JsonW *w);
/* Appends already-valid JSON text as a value (e.g. a nested document). */
void jsonw_raw(JsonW *w, const char *json, size_t n);

/* Convenience: key + value. */
void jsonw_kv_str(JsonW *w, const char *key, const char *s);
void jsonw_kv_int(JsonW *w, const char *key, int64_t v);
void jsonw_kv_uint(JsonW *w, const char *key, uint64_t v);
