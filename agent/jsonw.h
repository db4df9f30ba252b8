/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small JSON writer into one reusable buffer, for the hot path (one line per event, no
 * allocation per event once the buffer has grown). Strings are made valid UTF-8 (invalid bytes
 * become U+FFFD) and escaped, whatever the traced process put in them. The buffer is bounded by
 * JSONW_MAX; past it the document is cut and marked failed (jsonw_ok() returns false).
 *
 * Commas are inserted automatically: call jsonw_key() before each member of an object.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

void jsonw_obj_open(JsonW *w);
void jsonw_obj_close(JsonW *w);
void jsonw_arr_open(JsonW *w);
void jsonw_arr_close(JsonW *w);
void jsonw_key(JsonW *w, const char *key);
void jsonw_str(JsonW *w, const char *s);
void jsonw_strn(JsonW *w, const char *s, size_t n);
void jsonw_int(JsonW *w, int64_t v);
void jsonw_uint(JsonW *w, uint64_t v);
void jsonw_bool(JsonW *w, bool v);
void jsonw_null(JsonW *w);
/* Appends already-valid JSON text as a value (e.g. a nested document). */
void jsonw_raw(JsonW *w, const char *json, size_t n);

/* Convenience: key + value. */
void jsonw_kv_str(JsonW *w, const char *key, const char *s);
void jsonw_kv_int(JsonW *w, const char *key, int64_t v);
void jsonw_kv_uint(JsonW *w, const char *key, uint64_t v);
