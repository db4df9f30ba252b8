/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Hostile-string handling for outputs: UTF-8 validation with U+FFFD substitution, terminal-safe
 * escaping, a linear-time glob matcher and a bounded Levenshtein distance. No allocation, no
 * global state; every write is bounded by the caller's buffer size.
 */

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "strutil.h"

/* Marker returned by utf8_decode_one() for bytes that do not form a valid character. */
#define UTF8_INVALID UINT32_MAX

#define UTF8_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Decodes one character from s, of which len > 0 bytes are available. Returns the number of bytes
 * consumed and stores the code point in *ret_cp. For invalid input *ret_cp is UTF8_INVALID and the
 * return value is the length of the maximal invalid subpart (the longest prefix that could still
 * have started a valid sequence, at least 1), following the Unicode recommendation for U+FFFD
 * substitution. Only well-formed sequences per Unicode table 3-7 are accepted, which rejects
 * overlongs, surrogates and values above U+10FFFF. Never looks past the first byte that fails to
 * continue the sequence, so a NUL terminator is never overrun. */
static size_t utf8_decode_one(const uint8_t *s, size_t len, uint32_t *ret_cp) {
        uint8_t c = s[0], lo = 0x80, hi = 0xbf;
        size_t need;
        uint32_t cp;

        if (c < 0x80) {
                *ret_cp = c;
                return 1;
        }

        if (c >= 0xc2 && c <= 0xdf) {
                need = 1;
                cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
                need = 2;
                cp = c & 0x0f;
                if (c == 0xe0)
                        lo = 0xa0;      /* overlong */
                else if (c == 0xed)
                        hi = 0x9f;      /* surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
                need = 3;
                cp = c & 0x07;
                if (c == 0xf0)
                        lo = 0x90;      /* overlong */
                else if (c == 0xf4)
                        hi = 0x8f;      /* > U+10FFFF */
        } else {
                /* continuation byte, C0/C1 (always overlong), F5..FF */
                *ret_cp = UTF8_INVALID;
                return 1;
        }

        for (size_t i = 1; i <= need; i++) {
                if (i >= len || s[i] < lo || s[i] > hi) {
                        *ret_cp = UTF8_INVALID;
                        return i;
                }
                cp = cp << 6 | (s[i] & 0x3f);
                lo = 0x80;
                hi = 0xbf;
        }

        *ret_cp = cp;
        return need + 1;
}

/* Appends l bytes if they fit in full, keeping room for the NUL. */
static bool out_append(char *out, size_t outsz, size_t *o, const char *src, size_t l) {
        if (l > outsz - 1 - *o)
                return false;

        memcpy(out + *o, src, l);
        *o += l;
        return true;
}

size_t utf8_sanitize(const char *in, size_t len, char *out, size_t outsz) {
        const uint8_t *s = (const uint8_t *) in;
        size_t i = 0, o = 0;

        if (!out || outsz == 0)
                return 0;
        if (!in)
                len = 0;

        while (i < len) {
                uint32_t cp;
                size_t k = utf8_decode_one(s + i, len - i, &cp);
                bool ok;

                if (cp == UTF8_INVALID || cp == 0)
                        ok = out_append(out, outsz, &o, UTF8_REPLACEMENT, strlen(UTF8_REPLACEMENT));
                else
                        ok = out_append(out, outsz, &o, in + i, k);
                if (!ok)
                        break;

                i += k;
        }

        out[o] = 0;
        return o;
}

static size_t escape_byte(uint8_t b, char ret[static 4]) {
        static const char hex[] = "0123456789abcdef";

        ret[0] = '\\';
        ret[1] = 'x';
        ret[2] = hex[b >> 4];
        ret[3] = hex[b & 0xf];
        return 4;
}

size_t str_escape_terminal(const char *in, size_t len, char *out, size_t outsz) {
        const uint8_t *s = (const uint8_t *) in;
        size_t i = 0, o = 0;

        if (!out || outsz == 0)
                return 0;
        if (!in)
                len = 0;

        while (i < len) {
                char esc[8];
                const char *src = esc;
                size_t l = 0, k;
                uint32_t cp;

                k = utf8_decode_one(s + i, len - i, &cp);

                if (cp == UTF8_INVALID) {
                        /* One escape per raw byte; each is its own unit for truncation. */
                        k = 1;
                        l = escape_byte(s[i], esc);
                } else if (cp == '\n' || cp == '\t' || cp == '\r' || cp == 0x1b || cp == '\\') {
                        esc[0] = '\\';
                        esc[1] = cp == '\n' ? 'n' : cp == '\t' ? 't' : cp == '\r' ? 'r' : cp == 0x1b ? 'e' : '\\';
                        l = 2;
                } else if (cp < 0x20 || cp == 0x7f)
                        l = escape_byte(s[i], esc);
                else if (cp >= 0x80 && cp <= 0x9f) {
                        /* C1 control: two-byte sequence, escaped byte by byte as one unit. */
                        l = escape_byte(s[i], esc);
                        l += escape_byte(s[i + 1], esc + l);
                } else {
                        src = in + i;
                        l = k;
                }

                if (!out_append(out, outsz, &o, src, l))
                        break;

                i += k;
        }

        out[o] = 0;
        return o;
}

/* One unit of a NUL-terminated string for globbing: a valid UTF-8 character, or a single byte that
 * is not valid UTF-8 (mapped above the Unicode range so it only ever equals the same byte).
 * s must not point at the terminating NUL. Returns the bytes consumed (>= 1). */
static size_t glob_next(const char *s, uint32_t *ret_cp) {
        const uint8_t *u = (const uint8_t *) s;
        size_t k;

        /* The decoder stops at the first byte that does not continue the sequence, and a NUL
         * never does, so 4 is safe even near the terminator. */
        k = utf8_decode_one(u, 4, ret_cp);
        if (*ret_cp == UTF8_INVALID) {
                *ret_cp = 0x110000U + u[0];
                return 1;
        }

        return k;
}

/* Parses the bracket expression starting at p[0] == '[' and tests c against it. Returns the length
 * of the expression including both brackets, or 0 if it is not terminated. */
static size_t glob_bracket(const char *p, uint32_t c, bool *ret_match) {
        bool negate = false, match = false, first = true;
        size_t i = 1;

        if (p[i] == '!' || p[i] == '^') {
                negate = true;
                i++;
        }

        for (;;) {
                uint32_t lo, hi;

                if (p[i] == 0)
                        return 0;
                if (p[i] == ']' && !first)
                        break;
                first = false;

                if (p[i] == '\\' && p[i + 1] != 0)
                        i++;
                i += glob_next(p + i, &lo);
                hi = lo;

                if (p[i] == '-' && p[i + 1] != ']' && p[i + 1] != 0) {
                        i++;
                        if (p[i] == '\\' && p[i + 1] != 0)
                                i++;
                        i += glob_next(p + i, &hi);
                }

                if (lo <= c && c <= hi)
                        match = true;
        }

        *ret_match = match != negate;
        return i + 1;
}

/* Tries to match the single (non-'*') pattern element at p against character c. Returns the
 * length of the pattern element on a match, 0 otherwise. */
static size_t glob_match_one(const char *p, uint32_t c) {
        uint32_t pc;
        size_t k, extra = 0;

        switch (p[0]) {

        case 0:
                return 0;

        case '?':
                return 1;

        case '[': {
                bool match;

                k = glob_bracket(p, c, &match);
                if (k > 0)
                        return match ? k : 0;
                break; /* unterminated: literal '[' */
        }

        case '\\':
                if (p[1] != 0)
                        extra = 1;
                break;
        }

        k = glob_next(p + extra, &pc);
        return pc == c ? extra + k : 0;
}

bool glob_match(const char *pattern, const char *s) {
        size_t p = 0, i = 0, star_p = SIZE_MAX, star_i = 0;

        if (!pattern || !s)
                return false;

        while (s[i] != 0) {
                uint32_t c;
                size_t k, adv;

                if (pattern[p] == '*') {
                        while (pattern[p] == '*')
                                p++;
                        star_p = p;
                        star_i = i;
                        continue;
                }

                k = glob_next(s + i, &c);
                adv = glob_match_one(pattern + p, c);
                if (adv > 0) {
                        p += adv;
                        i += k;
                        continue;
                }

                if (star_p == SIZE_MAX)
                        return false;

                /* Let the last '*' swallow one more character and retry from there. */
                star_i += glob_next(s + star_i, &c);
                p = star_p;
                i = star_i;
        }

        while (pattern[p] == '*')
                p++;

        return pattern[p] == 0;
}

/* One element of a path glob. */
typedef struct PathTok {
        uint8_t kind;           /* PT_* */
        bool skip_slash;        /* PT_ANYSTAR between two '/': may also skip the '/' after it */
        uint16_t off;           /* PT_SET: offset of its '[' in the pattern */
        uint32_t cp;            /* PT_LIT: the character */
} PathTok;

enum { PT_LIT, PT_ONE, PT_SET, PT_STAR, PT_ANYSTAR };

/* Splits pattern into tokens; returns their number, or -1 if the pattern is too long. */
static int path_glob_compile(const char *pattern, PathTok *t, size_t max) {
        size_t i = 0, n = 0;

        while (pattern[i] != 0) {
                PathTok k = {};

                if (n >= max)
                        return -1;
                if (pattern[i] == '*') {
                        size_t stars = 0;

                        while (pattern[i] == '*') {
                                stars++;
                                i++;
                        }
                        k.kind = stars > 1 ? PT_ANYSTAR : PT_STAR;
                        k.skip_slash = stars > 1 && n > 0 && t[n - 1].kind == PT_LIT && t[n - 1].cp == '/' &&
                                       pattern[i] == '/';
                } else if (pattern[i] == '?') {
                        k.kind = PT_ONE;
                        i++;
                } else if (pattern[i] == '[' && glob_bracket(pattern + i, 0, &(bool) { false }) > 0) {
                        k.kind = PT_SET;
                        k.off = (uint16_t) i;
                        i += glob_bracket(pattern + i, 0, &(bool) { false });
                } else {
                        if (pattern[i] == '\\' && pattern[i + 1] != 0)
                                i++;
                        k.kind = PT_LIT;
                        i += glob_next(pattern + i, &k.cp);
                }
                t[n++] = k;
        }
        return (int) n;
}

/* Adds the positions reachable from the set ones without reading a character: past a star, which
 * may match nothing. Positions only move forward, so one ascending pass is enough. */
static void path_glob_close(const PathTok *t, int n, bool *on) {
        for (int i = 0; i < n; i++)
                if (on[i] && (t[i].kind == PT_STAR || t[i].kind == PT_ANYSTAR))
                        on[i + 1] = true;
}

bool path_glob_match(const char *pattern, const char *s) {
        PathTok t[PATH_GLOB_MAX];
        bool cur[PATH_GLOB_MAX + 1], next[PATH_GLOB_MAX + 1];
        int n;

        if (!pattern || !s || strlen(pattern) > PATH_GLOB_MAX)
                return false;
        n = path_glob_compile(pattern, t, PATH_GLOB_MAX);
        if (n < 0)
                return false;
        memset(cur, 0, sizeof(bool) * (size_t) (n + 1));
        cur[0] = true;
        path_glob_close(t, n, cur);

        for (size_t i = 0; s[i] != 0;) {
                bool any = false, match;
                uint32_t c;

                i += glob_next(s + i, &c);
                memset(next, 0, sizeof(bool) * (size_t) (n + 1));
                for (int k = 0; k < n; k++) {
                        if (!cur[k])
                                continue;
                        switch (t[k].kind) {
                        case PT_LIT:
                                if (t[k].cp != c)
                                        break;
                                next[k + 1] = true;
                                /* the '/' before a skip_slash '**': the '**' and the '/' after it
                                 * may match nothing (only right here, not once the '**' took some),
                                 * and so may a skip_slash '**' that follows that '/' */
                                for (int j = k + 1; j < n && t[j].skip_slash; j += 2)
                                        next[j + 2] = true;
                                break;
                        case PT_ONE:
                                next[k + 1] |= c != '/';
                                break;
                        case PT_SET:
                                (void) glob_bracket(pattern + t[k].off, c, &match);
                                next[k + 1] |= c != '/' && match;
                                break;
                        case PT_STAR:
                                next[k] |= c != '/';
                                break;
                        case PT_ANYSTAR:
                                next[k] = true;
                                break;
                        }
                }
                path_glob_close(t, n, next);
                for (int k = 0; k <= n; k++)
                        any |= next[k];
                if (!any)
                        return false;
                memcpy(cur, next, sizeof(bool) * (size_t) (n + 1));
        }
        return cur[n];
}

unsigned str_edit_distance(const char *a, const char *b, unsigned max) {
        unsigned row[STR_EDIT_DISTANCE_LEN_MAX + 1];
        size_t la, lb;
        unsigned cap;

        if (max == UINT_MAX)
                max--;          /* so that max + 1 does not wrap */
        cap = max + 1;

        if (!a)
                a = "";
        if (!b)
                b = "";

        la = strlen(a);
        lb = strlen(b);

        /* Common prefix and suffix never change the distance. */
        while (la > 0 && lb > 0 && *a == *b) {
                a++;
                b++;
                la--;
                lb--;
        }
        while (la > 0 && lb > 0 && a[la - 1] == b[lb - 1]) {
                la--;
                lb--;
        }

        /* Keep b the shorter one; the DP row runs over b. */
        if (la < lb) {
                const char *t = a;
                size_t tl = la;

                a = b;
                la = lb;
                b = t;
                lb = tl;
        }

        /* The distance is at least la - lb and at most la. */
        if (la - lb >= cap)
                return cap;
        if (lb == 0)
                return (unsigned) la;
        if (lb > STR_EDIT_DISTANCE_LEN_MAX)
                return cap;

        for (size_t j = 0; j <= lb; j++)
                row[j] = j < cap ? (unsigned) j : cap;

        for (size_t i = 1; i <= la; i++) {
                unsigned diag = row[0], row_min;

                row[0] = i < cap ? (unsigned) i : cap;
                row_min = row[0];

                for (size_t j = 1; j <= lb; j++) {
                        /* 64-bit so that cap + 1 cannot wrap when max is huge */
                        uint64_t up = row[j], v;

                        v = (uint64_t) diag + (a[i - 1] != b[j - 1]);
                        if (up + 1 < v)
                                v = up + 1;
                        if ((uint64_t) row[j - 1] + 1 < v)
                                v = (uint64_t) row[j - 1] + 1;
                        if (v > cap)
                                v = cap;

                        diag = (unsigned) up;
                        row[j] = (unsigned) v;
                        if (row[j] < row_min)
                                row_min = row[j];
                }

                /* Values never decrease along a DP path, so once a whole row is past max, so is
                 * the result. */
                if (row_min >= cap)
                        return cap;
        }

        return row[lb];
}

/* Appends component c (len bytes) to the normalised path in buf (length *len_out), handling "."
 * and "..". */
static int path_push(char *buf, size_t n, size_t *o, const char *c, size_t len)
{
        if (len == 0 || (len == 1 && c[0] == '.'))
                return 0;
        if (len == 2 && c[0] == '.' && c[1] == '.') {
                while (*o > 0 && buf[*o - 1] != '/')
                        (*o)--;
                if (*o > 1)
                        (*o)--;         /* the '/' before the removed component, unless it is the root */
                buf[*o] = 0;
                return 0;
        }
        if (*o + (*o > 1 ? 1 : 0) + len + 1 > n)
                return -ENAMETOOLONG;
        if (*o > 1)
                buf[(*o)++] = '/';
        memcpy(buf + *o, c, len);
        *o += len;
        buf[*o] = 0;
        return 0;
}

static int path_push_all(char *buf, size_t n, size_t *o, const char *p)
{
        while (*p) {
                const char *e = strchr(p, '/');
                size_t len = e ? (size_t) (e - p) : strlen(p);
                int r = path_push(buf, n, o, p, len);

                if (r < 0)
                        return r;
                p += len;
                while (*p == '/')
                        p++;
        }
        return 0;
}

int path_join_normalize(const char *dir, const char *path, char *buf, size_t n)
{
        size_t o = 1;
        int r;

        if (n < 2)
                return -ENAMETOOLONG;
        buf[0] = '/';
        buf[1] = 0;
        if ((r = path_push_all(buf, n, &o, dir ? dir : "")) < 0 || (r = path_push_all(buf, n, &o, path)) < 0)
                return r;
        return (int) o;
}
