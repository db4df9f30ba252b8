/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Handling of hostile strings on the way out: UTF-8 sanitizing for structured output, visible
 * escaping for terminals, bounded glob matching for filters, and bounded edit distance for
 * "did you mean" suggestions. Pure code: no I/O, no allocation, every output bounded.
 */

#include <stdbool.h>
#include <stddef.h>

/* Longest string (after dropping the common prefix and suffix) that str_edit_distance() compares
 * exactly; longer ones are reported as max + 1. */
#define STR_EDIT_DISTANCE_LEN_MAX 255U

/* Copies len bytes of untrusted data into out as valid UTF-8: every maximal invalid byte sequence
 * (stray continuation bytes, overlongs, surrogates, > U+10FFFF, truncated sequences) becomes one
 * U+FFFD, as do NUL bytes. Never writes more than outsz bytes including the terminating NUL, and
 * only cuts at a character boundary. in may be NULL if len is 0. Returns the number of bytes
 * written excluding the NUL (0 if outsz is 0 or out is NULL). */
size_t utf8_sanitize(const char *in, size_t len, char *out, size_t outsz);

/* For terminal/table output. Like utf8_sanitize(), but every C0 control (0x00-0x1f), DEL (0x7f)
 * and C1 control (U+0080-U+009F) is written as a visible escape: \n \t \r \e (ESC) or \xNN, and a
 * backslash as "\\" (two characters). Escapes always stand for raw input bytes: bytes that are not
 * valid UTF-8 are written as \xNN each (not U+FFFD), and a C1 control is written as the \xNN escapes
 * of its two UTF-8 bytes (U+009B -> \xc2\x9b). Bounded by outsz, NUL-terminated, never cuts an
 * escape or a character in half. Returns the bytes written excluding the NUL. */
size_t str_escape_terminal(const char *in, size_t len, char *out, size_t outsz);

/* Glob match on NUL-terminated strings: '*' matches any run of characters including '/', '?'
 * matches one character (one UTF-8 character, or one byte that is not valid UTF-8), [abc], [a-z],
 * [!a-z] / [^a-z] match a character set ("]" first in the set is literal; an unterminated '[' is
 * literal), and '\' escapes the next character. Runs in O(strlen(pattern) * strlen(s)) time using
 * the iterative two-pointer algorithm (no recursion). NULL pattern or s never match. */
bool glob_match(const char *pattern, const char *s);

/*
 * Joins path to dir (unless path is absolute... which the kernel then resolves against the root the
 * caller passes as dir: dir is always prepended) and normalises the result lexically: "//" and "."
 * components go, ".." removes the previous component (never above "/"). A symlink among the
 * components is not followed: the result is what the names say. Writes a NUL-terminated absolute
 * path into buf. Returns its length, or -ENAMETOOLONG if it does not fit in n bytes.
 */
int path_join_normalize(const char *dir, const char *path, char *buf, size_t n);

/* Levenshtein distance between a and b counted in bytes, bounded by max: returns max + 1 if the
 * distance is larger (for max == UINT_MAX, UINT_MAX). NULL is treated as "". Strings that still
 * exceed STR_EDIT_DISTANCE_LEN_MAX bytes after dropping their common prefix and suffix are not
 * compared and yield max + 1 unless the answer is known from their lengths alone. */
unsigned str_edit_distance(const char *a, const char *b, unsigned max);

/* Longest pattern path_glob_match() accepts, in bytes; a longer one never matches. */
#define PATH_GLOB_MAX 255U

/* Glob match on a path, component by component (executable paths in exceptions): '*' matches any run
 * of characters except '/', and '**' (two or more '*' in a row) any run including '/'. A '**' that
 * stands between two slashes may also match nothing together with the slash that follows it, so
 * "/opt/<**>/java" (written without the angle brackets) matches "/opt/java" as well as
 * "/opt/a/b/java". '?' matches one character and a bracket expression one character of its set,
 * never '/'; '\' escapes the next character; an unterminated '[' is literal. Runs in
 * O(strlen(pattern) * strlen(s)) time over a set of pattern positions: no recursion, no allocation.
 * A pattern longer than PATH_GLOB_MAX bytes and NULL never match. */
bool path_glob_match(const char *pattern, const char *s);
