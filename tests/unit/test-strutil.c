/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/strutil.c: UTF-8 sanitizing, terminal escaping, glob matching (filters'
 * globs and path globs) and edit distance. Randomized parts use a fixed seed and compare against naive reference versions.
 */

#undef NDEBUG

#include <limits.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/strutil.h"

static int failures;

#define CHECK(cond)                                                                     \
        do {                                                                            \
                if (!(cond)) {                                                          \
                        fprintf(stderr, "%s:%d: check failed: %s\n",                    \
                                __FILE__, __LINE__, #cond);                             \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

static void print_bytes(const char *what, const char *s, size_t l) {
        fprintf(stderr, "  %s: \"", what);
        for (size_t i = 0; i < l; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
                        fputc(c, stderr);
                else
                        fprintf(stderr, "\\x%02x", c);
        }
        fprintf(stderr, "\"\n");
}

typedef size_t (*conv_t)(const char *in, size_t len, char *out, size_t outsz);

static void check_conv_at(int line, const char *name, conv_t f, const char *in, size_t len,
                          size_t outsz, const char *expected, size_t expected_len) {
        char out[1024];
        size_t r;

        memset(out, 'Z', sizeof(out));
        r = f(in, len, out, outsz);
        if (r != expected_len || memcmp(out, expected, expected_len) != 0 || out[r] != 0 ||
            (outsz < sizeof(out) && out[outsz] != 'Z')) {
                fprintf(stderr, "%s:%d: %s mismatch (r=%zu, expected %zu)\n", __FILE__, line, name, r, expected_len);
                print_bytes("input", in, len);
                print_bytes("got", out, r < sizeof(out) ? r : 0);
                print_bytes("expected", expected, expected_len);
                failures++;
        }
}

/* in and expected are string literals (may contain NULs only in "in", given via sizeof). */
#define CHECK_SANITIZE(in, expected)                                                    \
        check_conv_at(__LINE__, "utf8_sanitize", utf8_sanitize, (in), sizeof(in) - 1,  \
                      1024, (expected), sizeof(expected) - 1)
#define CHECK_SANITIZE_N(in, outsz, expected)                                           \
        check_conv_at(__LINE__, "utf8_sanitize", utf8_sanitize, (in), sizeof(in) - 1,  \
                      (outsz), (expected), sizeof(expected) - 1)
#define CHECK_ESCAPE(in, expected)                                                      \
        check_conv_at(__LINE__, "str_escape_terminal", str_escape_terminal, (in),       \
                      sizeof(in) - 1, 1024, (expected), sizeof(expected) - 1)
#define CHECK_ESCAPE_N(in, outsz, expected)                                             \
        check_conv_at(__LINE__, "str_escape_terminal", str_escape_terminal, (in),       \
                      sizeof(in) - 1, (outsz), (expected), sizeof(expected) - 1)

#define FFFD "\xef\xbf\xbd"

static void test_utf8_sanitize(void) {
        char out[16];

        CHECK_SANITIZE("", "");
        CHECK_SANITIZE("hello", "hello");
        CHECK_SANITIZE("h\xc3\xa9llo w\xc3\xb6rld", "h\xc3\xa9llo w\xc3\xb6rld");       /* é ö */
        CHECK_SANITIZE("\xe2\x82\xac", "\xe2\x82\xac");                                 /* € */
        CHECK_SANITIZE("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");                         /* 😀 */
        CHECK_SANITIZE("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");                         /* U+10FFFF */
        CHECK_SANITIZE("\xed\x9f\xbf", "\xed\x9f\xbf");                                 /* U+D7FF */
        CHECK_SANITIZE("\xee\x80\x80", "\xee\x80\x80");                                 /* U+E000 */
        CHECK_SANITIZE("\x1b[31m\n", "\x1b[31m\n");     /* controls are valid UTF-8 */

        /* Invalid bytes. */
        CHECK_SANITIZE("\xff", FFFD);
        CHECK_SANITIZE("a\x80" "b", "a" FFFD "b");
        CHECK_SANITIZE("\xfe\xff", FFFD FFFD);
        CHECK_SANITIZE("\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD);
        /* Overlongs. */
        CHECK_SANITIZE("\xc0\x80", FFFD FFFD);
        CHECK_SANITIZE("\xc1\xbf", FFFD FFFD);
        CHECK_SANITIZE("\xe0\x80\x80", FFFD FFFD FFFD);
        CHECK_SANITIZE("\xe0\x9f\xbf", FFFD FFFD FFFD);
        CHECK_SANITIZE("\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD);
        /* Surrogates. */
        CHECK_SANITIZE("\xed\xa0\x80", FFFD FFFD FFFD);
        CHECK_SANITIZE("\xed\xbf\xbf", FFFD FFFD FFFD);
        /* Above U+10FFFF. */
        CHECK_SANITIZE("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
        /* Truncated sequences: one U+FFFD per maximal subpart. */
        CHECK_SANITIZE("\xe2\x82", FFFD);
        CHECK_SANITIZE("\xe2\x82" "A", FFFD "A");
        CHECK_SANITIZE("\xf0\x9f\x98", FFFD);
        CHECK_SANITIZE("\xf0\x9f\x98" "\xf0\x9f\x98\x80", FFFD "\xf0\x9f\x98\x80");
        CHECK_SANITIZE("\xc3", FFFD);
        CHECK_SANITIZE("\xc3\xc3\xa9", FFFD "\xc3\xa9");
        /* NUL. */
        CHECK_SANITIZE("a\0b", "a" FFFD "b");
        CHECK_SANITIZE("\0", FFFD);

        /* Bounded, cut at a character boundary only. */
        CHECK_SANITIZE_N("a\xc3\xa9", 4, "a\xc3\xa9");
        CHECK_SANITIZE_N("a\xc3\xa9", 3, "a");
        CHECK_SANITIZE_N("a\xc3\xa9", 2, "a");
        CHECK_SANITIZE_N("a\xc3\xa9", 1, "");
        CHECK_SANITIZE_N("\xf0\x9f\x98\x80x", 5, "\xf0\x9f\x98\x80");
        CHECK_SANITIZE_N("\xf0\x9f\x98\x80x", 4, "");
        CHECK_SANITIZE_N("\xff" "a", 3, "");
        CHECK_SANITIZE_N("\xff" "a", 4, FFFD);
        CHECK_SANITIZE_N("\xff" "a", 5, FFFD "a");
        CHECK_SANITIZE_N("abcdef", 4, "abc");

        /* Degenerate arguments. */
        memset(out, 'Z', sizeof(out));
        CHECK(utf8_sanitize("abc", 3, out, 0) == 0);
        CHECK(out[0] == 'Z');
        CHECK(utf8_sanitize("abc", 3, NULL, 10) == 0);
        CHECK(utf8_sanitize(NULL, 0, out, sizeof(out)) == 0);
        CHECK(out[0] == 0);
        CHECK(utf8_sanitize(NULL, 5, out, sizeof(out)) == 0);
}

/* Reference: whether s[0..l) is valid UTF-8 without NULs, restating Unicode table 3-7 directly. */
static bool ref_valid_utf8(const unsigned char *s, size_t l) {
        size_t i = 0;

        while (i < l) {
                unsigned char c = s[i];
                size_t n;
                unsigned lo = 0x80, hi = 0xbf;

                if (c == 0)
                        return false;
                if (c < 0x80) {
                        i++;
                        continue;
                }
                if (c >= 0xc2 && c <= 0xdf)
                        n = 1;
                else if (c == 0xe0) {
                        n = 2;
                        lo = 0xa0;
                } else if (c >= 0xe1 && c <= 0xef) {
                        n = 2;
                        if (c == 0xed)
                                hi = 0x9f;
                } else if (c == 0xf0) {
                        n = 3;
                        lo = 0x90;
                } else if (c >= 0xf1 && c <= 0xf3)
                        n = 3;
                else if (c == 0xf4) {
                        n = 3;
                        hi = 0x8f;
                } else
                        return false;

                if (i + n >= l)
                        return false; /* sequence runs past the end */
                if (s[i + 1] < lo || s[i + 1] > hi)
                        return false;
                for (size_t j = 2; j <= n; j++)
                        if (s[i + j] < 0x80 || s[i + j] > 0xbf)
                                return false;
                i += n + 1;
        }

        return true;
}

static void test_utf8_random(void) {
        static const unsigned char interesting[] = {
                0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf,
                0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff, 0x1b, 0x5c, 0x0a,
        };
        char in[16], out[128], out2[128];

        srand(12345);
        for (int round = 0; round < 50000; round++) {
                size_t len = (size_t) (rand() % 12), r, r2;

                for (size_t i = 0; i < len; i++)
                        in[i] = (char) interesting[rand() % sizeof(interesting)];

                r = utf8_sanitize(in, len, out, sizeof(out));
                CHECK(r < sizeof(out) && out[r] == 0);
                CHECK(ref_valid_utf8((const unsigned char *) out, r));
                /* Valid input is copied unchanged; output is a fixed point. */
                if (ref_valid_utf8((const unsigned char *) in, len))
                        CHECK(r == len && memcmp(in, out, len) == 0);
                r2 = utf8_sanitize(out, r, out2, sizeof(out2));
                CHECK(r2 == r && memcmp(out, out2, r) == 0);

                /* Small buffers: a valid prefix of the full result. */
                for (size_t n = 1; n < 12; n++) {
                        r2 = utf8_sanitize(in, len, out2, n);
                        CHECK(r2 < n && out2[r2] == 0);
                        CHECK(r2 <= r && memcmp(out, out2, r2) == 0);
                        CHECK(ref_valid_utf8((const unsigned char *) out2, r2));
                }

                /* Terminal escaping: printable ASCII or valid UTF-8 only, no controls. */
                r = str_escape_terminal(in, len, out, sizeof(out));
                CHECK(r < sizeof(out) && out[r] == 0);
                CHECK(ref_valid_utf8((const unsigned char *) out, r));
                for (size_t i = 0; i < r; i++) {
                        unsigned char c = (unsigned char) out[i];
                        CHECK(c >= 0x20 && c != 0x7f);
                        if (c == 0xc2 && i + 1 < r)
                                CHECK((unsigned char) out[i + 1] >= 0xa0);
                }
                for (size_t n = 1; n < 40; n++) {
                        bool found = false;

                        r2 = str_escape_terminal(in, len, out2, n);
                        CHECK(r2 < n && out2[r2] == 0);
                        /* Must equal the escaping of some prefix of the input (no cut escapes). */
                        for (size_t m = 0; m <= len && !found; m++) {
                                char ref[128];
                                size_t rr = str_escape_terminal(in, m, ref, sizeof(ref));
                                if (rr == r2 && memcmp(ref, out2, r2) == 0)
                                        found = true;
                        }
                        CHECK(found);
                }
        }
}

static void test_escape_terminal(void) {
        char out[16];

        CHECK_ESCAPE("", "");
        CHECK_ESCAPE("plain text", "plain text");
        CHECK_ESCAPE("\x1b[31mred\n", "\\e[31mred\\n");
        CHECK_ESCAPE("a\\b", "a\\\\b");
        CHECK_ESCAPE("\t\r\x01\x7f", "\\t\\r\\x01\\x7f");
        CHECK_ESCAPE("\0", "\\x00");
        CHECK_ESCAPE("\x1f\x20", "\\x1f ");
        CHECK_ESCAPE("\x08\x07", "\\x08\\x07");
        /* Invalid UTF-8 becomes \xNN per byte, not U+FFFD. */
        CHECK_ESCAPE("\xff\xfe", "\\xff\\xfe");
        CHECK_ESCAPE("\xc0\x80", "\\xc0\\x80");
        CHECK_ESCAPE("\xed\xa0\x80", "\\xed\\xa0\\x80");
        CHECK_ESCAPE("\xe2\x82", "\\xe2\\x82");
        CHECK_ESCAPE("x\xe2\x82" "A", "x\\xe2\\x82A");
        /* C1 controls (CSI U+009B, NEL U+0085) as their UTF-8 bytes. */
        CHECK_ESCAPE("\xc2\x9b" "31m", "\\xc2\\x9b31m");
        CHECK_ESCAPE("\xc2\x85", "\\xc2\\x85");
        CHECK_ESCAPE("\xc2\x80\xc2\x9f", "\\xc2\\x80\\xc2\\x9f");
        /* Printable non-ASCII kept: U+00A0, é, €, 😀. */
        CHECK_ESCAPE("\xc2\xa0\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\xc2\xa0\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");

        /* Bounded, never cutting an escape. */
        CHECK_ESCAPE_N("\n\n", 5, "\\n\\n");
        CHECK_ESCAPE_N("\n\n", 4, "\\n");
        CHECK_ESCAPE_N("\n\n", 3, "\\n");
        CHECK_ESCAPE_N("\n\n", 2, "");
        CHECK_ESCAPE_N("a\xff", 6, "a\\xff");
        CHECK_ESCAPE_N("a\xff", 5, "a");
        CHECK_ESCAPE_N("\xc2\x9b", 9, "\\xc2\\x9b");
        CHECK_ESCAPE_N("\xc2\x9b", 8, "");
        CHECK_ESCAPE_N("\\\\", 4, "\\\\");
        CHECK_ESCAPE_N("a\xc3\xa9", 3, "a");

        memset(out, 'Z', sizeof(out));
        CHECK(str_escape_terminal("abc", 3, out, 0) == 0);
        CHECK(out[0] == 'Z');
        CHECK(str_escape_terminal("abc", 3, NULL, 4) == 0);
        CHECK(str_escape_terminal(NULL, 0, out, sizeof(out)) == 0);
        CHECK(out[0] == 0);
}

/* Naive recursive reference glob over bytes for patterns made of literals, '*' and '?'. */
static bool ref_glob(const char *p, const char *s) {
        if (*p == 0)
                return *s == 0;
        if (*p == '*')
                return ref_glob(p + 1, s) || (*s != 0 && ref_glob(p, s + 1));
        if (*s == 0)
                return false;
        if (*p == '?' || *p == *s)
                return ref_glob(p + 1, s + 1);
        return false;
}

#define CHECK_GLOB(p, s, expected)                                                      \
        do {                                                                            \
                if (glob_match((p), (s)) != (expected)) {                               \
                        fprintf(stderr, "%s:%d: glob_match(\"%s\", \"%s\") != %s\n",   \
                                __FILE__, __LINE__, (p), (s), #expected);               \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

static void test_glob(void) {
        static char big[20001], pat[64];

        CHECK_GLOB("/usr/bin/*", "/usr/bin/x/y", true);
        CHECK_GLOB("/usr/bin/*", "/usr/bin/ls", true);
        CHECK_GLOB("/usr/bin/*", "/usr/bin/", true);
        CHECK_GLOB("/usr/bin/*", "/usr/bin", false);
        CHECK_GLOB("/usr/bin/*", "/usr/sbin/x", false);
        CHECK_GLOB("*.so", "libc.so", true);
        CHECK_GLOB("*.so", ".so", true);
        CHECK_GLOB("*.so", "/lib/x86_64-linux-gnu/libc.so", true);
        CHECK_GLOB("*.so", "libc.so.6", false);
        CHECK_GLOB("*.so*", "libc.so.6", true);
        CHECK_GLOB("*.so.*", "libc.so", false);
        CHECK_GLOB("?", "a", true);
        CHECK_GLOB("?", "", false);
        CHECK_GLOB("?", "ab", false);
        CHECK_GLOB("?", "\xc3\xa9", true);              /* one UTF-8 character */
        CHECK_GLOB("??", "\xc3\xa9", false);
        CHECK_GLOB("?", "\xff", true);                  /* one invalid byte */
        CHECK_GLOB("??", "\xff\xfe", true);
        CHECK_GLOB("a?c", "abc", true);
        CHECK_GLOB("a?c", "a/c", true);
        CHECK_GLOB("", "", true);
        CHECK_GLOB("", "a", false);
        CHECK_GLOB("*", "", true);
        CHECK_GLOB("*", "anything/at/all", true);
        CHECK_GLOB("**", "x", true);
        CHECK_GLOB("a*b*c", "aXXbYYc", true);
        CHECK_GLOB("a*b*c", "aXXbYY", false);
        CHECK_GLOB("*ab", "aab", true);
        CHECK_GLOB("*aab", "aaab", true);
        CHECK_GLOB("/etc/shadow", "/etc/shadow", true);
        CHECK_GLOB("/etc/shadow", "/etc/shadow-", false);
        CHECK_GLOB("/proc/*/mem", "/proc/1234/mem", true);
        CHECK_GLOB("/proc/*/mem", "/proc/1234/task/5/mem", true);

        /* Bracket expressions. */
        CHECK_GLOB("[abc]", "b", true);
        CHECK_GLOB("[abc]", "d", false);
        CHECK_GLOB("[a-z]*", "hello", true);
        CHECK_GLOB("[a-z]*", "Hello", false);
        CHECK_GLOB("[!a-z]*", "Hello", true);
        CHECK_GLOB("[^a-z]*", "hello", false);
        CHECK_GLOB("file[0-9].txt", "file7.txt", true);
        CHECK_GLOB("file[0-9].txt", "fileX.txt", false);
        CHECK_GLOB("[]]", "]", true);
        CHECK_GLOB("[!]]", "]", false);
        CHECK_GLOB("[!]]", "a", true);
        CHECK_GLOB("[a-]", "-", true);
        CHECK_GLOB("[\xc3\xa0-\xc3\xbf]", "\xc3\xa9", true);    /* à-ÿ contains é */
        CHECK_GLOB("[\xc3\xa0-\xc3\xbf]", "e", false);
        CHECK_GLOB("a[b", "a[b", true);                 /* unterminated: literal */
        CHECK_GLOB("[", "[", true);
        CHECK_GLOB("[!", "[!", true);
        CHECK_GLOB("*[", "x[", true);

        /* Escapes. */
        CHECK_GLOB("\\*", "*", true);
        CHECK_GLOB("\\*", "x", false);
        CHECK_GLOB("a\\?", "a?", true);
        CHECK_GLOB("a\\?", "ab", false);
        CHECK_GLOB("a\\", "a\\", true);
        CHECK_GLOB("[\\]]", "]", true);

        CHECK(!glob_match(NULL, "a"));
        CHECK(!glob_match("a", NULL));

        /* Pathological patterns finish quickly (would be exponential with naive recursion). */
        memset(big, 'a', sizeof(big) - 1);
        CHECK_GLOB("a*a*a*a*a*a*a*a*a*a*a*a*b", big, false);
        CHECK_GLOB("*a*a*a*a*a*a*a*a*a*a*a*a", big, true);
        CHECK_GLOB("*?*?*?*?*?*?*?*?*?*?*?*?b", big, false);

        /* Random comparison with the reference. */
        srand(4242);
        for (int round = 0; round < 200000; round++) {
                static const char alpha_p[] = "ab*?";
                static const char alpha_s[] = "ab";
                char s[12];
                size_t lp = (size_t) (rand() % 9), ls = (size_t) (rand() % 11);

                for (size_t i = 0; i < lp; i++)
                        pat[i] = alpha_p[rand() % 4];
                pat[lp] = 0;
                for (size_t i = 0; i < ls; i++)
                        s[i] = alpha_s[rand() % 2];
                s[ls] = 0;

                if (glob_match(pat, s) != ref_glob(pat, s)) {
                        fprintf(stderr, "glob mismatch: \"%s\" \"%s\"\n", pat, s);
                        failures++;
                }
        }
}

/* Deterministic PRNG (xorshift64*). */
static uint64_t xrand(uint64_t *state) {
        uint64_t x = *state;

        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        *state = x;
        return x * 2685821657736338717ull;
}

/* Naive recursive reference for path globs made of literals, '/', '*', '**' and '?': start is the
 * whole pattern, to see what stands before a '**'. */
static bool ref_path_glob(const char *start, const char *p, const char *s) {
        if (*p == 0)
                return *s == 0;
        if (p[0] == '*' && p[1] == '*') {
                const char *q = p;

                while (*q == '*')
                        q++;
                if (p > start && p[-1] == '/' && *q == '/' && ref_path_glob(start, q + 1, s))
                        return true;
                for (size_t k = 0;; k++) {
                        if (ref_path_glob(start, q, s + k))
                                return true;
                        if (s[k] == 0)
                                return false;
                }
        }
        if (*p == '*') {
                for (size_t k = 0;; k++) {
                        if (ref_path_glob(start, p + 1, s + k))
                                return true;
                        if (s[k] == 0 || s[k] == '/')
                                return false;
                }
        }
        if (*s == 0)
                return false;
        if ((*p == '?' && *s != '/') || *p == *s)
                return ref_path_glob(start, p + 1, s + 1);
        return false;
}

#define CHECK_PGLOB(p, s, expected)                                                     \
        do {                                                                            \
                if (path_glob_match((p), (s)) != (expected)) {                          \
                        fprintf(stderr, "%s:%d: path_glob_match(\"%s\", \"%s\") != %s\n", \
                                __FILE__, __LINE__, (p), (s), #expected);               \
                        failures++;                                                     \
                }                                                                       \
        } while (0)

static void test_path_glob(void) {
        static char big[20001], longpat[PATH_GLOB_MAX + 2];
        char pat[16], s[16];
        uint64_t seed = 77;

        /* '*' stays inside one component, '**' crosses them */
        CHECK_PGLOB("/usr/lib/jvm/*", "/usr/lib/jvm/java", true);
        CHECK_PGLOB("/usr/lib/jvm/*", "/usr/lib/jvm/java-17/bin/java", false);
        CHECK_PGLOB("/usr/lib/jvm/**", "/usr/lib/jvm/java-17/bin/java", true);
        CHECK_PGLOB("/usr/lib/jvm/**", "/usr/lib/jvm/java", true);
        CHECK_PGLOB("/usr/lib/jvm/**", "/usr/lib/jvm", false);
        CHECK_PGLOB("/usr/lib/jvm/*/bin/java", "/usr/lib/jvm/java-17/bin/java", true);
        CHECK_PGLOB("/usr/lib/jvm/*/bin/java", "/usr/lib/jvm/a/b/bin/java", false);
        CHECK_PGLOB("/usr/bin/*", "/usr/bin/", true);
        CHECK_PGLOB("/usr/bin/*", "/usr/bin/x/y", false);
        CHECK_PGLOB("/proc/*/mem", "/proc/1234/mem", true);
        CHECK_PGLOB("/proc/*/mem", "/proc/1234/task/5/mem", false);
        CHECK_PGLOB("/proc/**/mem", "/proc/1234/task/5/mem", true);
        CHECK_PGLOB("*", "/usr/bin/ls", false);
        CHECK_PGLOB("**", "/usr/bin/ls", true);
        CHECK_PGLOB("***", "/usr/bin/ls", true);
        CHECK_PGLOB("/**", "/", true);
        CHECK_PGLOB("*", "", true);
        CHECK_PGLOB("", "", true);
        CHECK_PGLOB("", "/", false);
        CHECK_PGLOB("/opt/*.jar", "/opt/a.jar", true);
        CHECK_PGLOB("/opt/*.jar", "/opt/x/a.jar", false);
        /* a '**' between slashes may also stand for no directory at all */
        CHECK_PGLOB("/opt/**/java", "/opt/java", true);
        CHECK_PGLOB("/opt/**/java", "/opt/a/java", true);
        CHECK_PGLOB("/opt/**/java", "/opt/a/b/java", true);
        CHECK_PGLOB("/opt/**/java", "/optjava", false);
        CHECK_PGLOB("/opt/**/java", "/opt/xjava", false);
        CHECK_PGLOB("/opt**/java", "/optx/y/java", true);
        CHECK_PGLOB("/opt**/java", "/opt/java", true);
        CHECK_PGLOB("/opt/**java", "/opt/a/java", true);
        CHECK_PGLOB("/opt/**java", "/opt/xjava", true);
        /* '?' and sets never match '/' */
        CHECK_PGLOB("/usr/bin/?", "/usr/bin/x", true);
        CHECK_PGLOB("/usr?bin/x", "/usr/bin/x", false);
        CHECK_PGLOB("/usr/[a-z]bin/x", "/usr/sbin/x", true);
        CHECK_PGLOB("/usr[!a]bin", "/usr/bin", false);
        CHECK_PGLOB("/usr[!a]bin", "/usrxbin", true);
        CHECK_PGLOB("/usr[/]bin", "/usr/bin", false);
        CHECK_PGLOB("/a[", "/a[", true);
        CHECK_PGLOB("/a\\*", "/a*", true);
        CHECK_PGLOB("/a\\*", "/ab", false);
        CHECK_PGLOB("/my\\ app/*", "/my app/x", true);
        CHECK_PGLOB("/x/\\**", "/x/*y", true);
        CHECK_PGLOB("/x/\\**", "/x/y", false);
        CHECK_PGLOB("/caf\xc3\xa9/?", "/caf\xc3\xa9/\xc3\xa9", true);
        CHECK_PGLOB("memfd:*", "memfd:runc_cloned:/proc/self/exe (deleted)", false);
        CHECK_PGLOB("memfd:**", "memfd:runc_cloned:/proc/self/exe (deleted)", true);
        CHECK(!path_glob_match(NULL, "/a"));
        CHECK(!path_glob_match("/a", NULL));

        /* too long a pattern never matches, even "**" padded */
        memset(longpat, '*', sizeof(longpat) - 1);
        CHECK_PGLOB(longpat, "/x", false);
        longpat[PATH_GLOB_MAX] = 0;
        CHECK_PGLOB(longpat, "/x", true);

        /* linear in the input on patterns that make naive matchers exponential */
        memset(big, 'a', sizeof(big) - 1);
        CHECK_PGLOB("**a**a**a**a**a**a**a**a**a**a**a**b", big, false);
        CHECK_PGLOB("*a*a*a*a*a*a*a*a*a*a*a*a*b", big, false);
        for (size_t i = 1; i < sizeof(big) - 1; i += 2)
                big[i] = '/';
        CHECK_PGLOB("/**/a/**/a/**/a/**/b", big, false);

        /* random comparison with the reference */
        for (int round = 0; round < 200000; round++) {
                static const char *const parts_p[] = { "a", "/", "*", "**", "?", "/**/" };
                static const char alpha_s[] = "a/";
                size_t lp = 0, ls = (size_t) (xrand(&seed) % 10);
                unsigned np = (unsigned) (xrand(&seed) % 6);

                for (unsigned i = 0; i < np; i++) {
                        const char *q = parts_p[xrand(&seed) % 6];

                        if (lp + strlen(q) >= sizeof(pat))
                                break;
                        memcpy(pat + lp, q, strlen(q));
                        lp += strlen(q);
                }
                pat[lp] = 0;
                for (size_t i = 0; i < ls; i++)
                        s[i] = alpha_s[xrand(&seed) % 2];
                s[ls] = 0;
                if (path_glob_match(pat, s) != ref_path_glob(pat, pat, s)) {
                        fprintf(stderr, "path glob mismatch: \"%s\" \"%s\": %d\n", pat, s, path_glob_match(pat, s));
                        failures++;
                }
        }
}

static unsigned ref_edit_distance(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        unsigned d[32][32];

        for (size_t i = 0; i <= la; i++)
                d[i][0] = (unsigned) i;
        for (size_t j = 0; j <= lb; j++)
                d[0][j] = (unsigned) j;
        for (size_t i = 1; i <= la; i++)
                for (size_t j = 1; j <= lb; j++) {
                        unsigned v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
                        if (d[i - 1][j] + 1 < v)
                                v = d[i - 1][j] + 1;
                        if (d[i][j - 1] + 1 < v)
                                v = d[i][j - 1] + 1;
                        d[i][j] = v;
                }
        return d[la][lb];
}

static void test_edit_distance(void) {
        static char a[1001], b[1001];

        CHECK(str_edit_distance("kitten", "sitting", 10) == 3);
        CHECK(str_edit_distance("sitting", "kitten", 10) == 3);
        CHECK(str_edit_distance("kitten", "sitting", 3) == 3);
        CHECK(str_edit_distance("kitten", "sitting", 2) == 3);
        CHECK(str_edit_distance("kitten", "sitting", 0) == 1);
        CHECK(str_edit_distance("flaw", "lawn", 10) == 2);
        CHECK(str_edit_distance("", "abc", 10) == 3);
        CHECK(str_edit_distance("abc", "", 10) == 3);
        CHECK(str_edit_distance("", "abcdef", 3) == 4);
        CHECK(str_edit_distance("abc", "abc", 0) == 0);
        CHECK(str_edit_distance("", "", 0) == 0);
        CHECK(str_edit_distance(NULL, NULL, 5) == 0);
        CHECK(str_edit_distance(NULL, "ab", 5) == 2);
        CHECK(str_edit_distance("security_file_open", "security_file_opne", 3) == 2);
        CHECK(str_edit_distance("execve", "execveat", 3) == 2);
        CHECK(str_edit_distance("ptrace", "sched_process_exec", 3) == 4);
        CHECK(str_edit_distance("abc", "xyz", UINT_MAX) == 3);
        CHECK(str_edit_distance("abc", "abcd", UINT_MAX) == 1);
        CHECK(str_edit_distance("", "", UINT_MAX) == 0);

        /* Long strings: common prefix/suffix make them cheap. */
        memset(a, 'a', 1000);
        memset(b, 'a', 1000);
        CHECK(str_edit_distance(a, b, 2) == 0);
        b[500] = 'b';
        CHECK(str_edit_distance(a, b, 2) == 1);
        b[1000 - 1] = 0;
        CHECK(str_edit_distance(a, b, 2) == 2);
        /* Documented limit: long differing middles are "too far". */
        memset(b, 'b', 1000);
        b[1000] = 0;
        CHECK(str_edit_distance(a, b, 2) == 3);
        CHECK(str_edit_distance(a, b, 5000) == 5001);

        srand(777);
        for (int round = 0; round < 100000; round++) {
                char x[16], y[16];
                size_t lx = (size_t) (rand() % 12), ly = (size_t) (rand() % 12);
                unsigned max = (unsigned) (rand() % 14), ref, got;

                for (size_t i = 0; i < lx; i++)
                        x[i] = "abc"[rand() % 3];
                x[lx] = 0;
                for (size_t i = 0; i < ly; i++)
                        y[i] = "abc"[rand() % 3];
                y[ly] = 0;

                ref = ref_edit_distance(x, y);
                if (ref > max)
                        ref = max + 1;
                got = str_edit_distance(x, y, max);
                if (got != ref) {
                        fprintf(stderr, "edit distance mismatch: \"%s\" \"%s\" max=%u got %u expected %u\n",
                                x, y, max, got, ref);
                        failures++;
                }
        }
}

static void check_join(const char *dir, const char *path, const char *want) {
        char buf[64];
        int r = path_join_normalize(dir, path, buf, sizeof(buf));

        if (r < 0 || strcmp(buf, want) != 0 || (size_t) r != strlen(want)) {
                fprintf(stderr, "path_join_normalize(\"%s\", \"%s\") = %d \"%s\", expected \"%s\"\n", dir, path, r,
                        r < 0 ? "" : buf, want);
                failures++;
        }
}

static void test_path_join(void) {
        char small[8];

        check_join("/etc", "ld.so.preload", "/etc/ld.so.preload");
        check_join("/", "//etc/./ld.so.preload", "/etc/ld.so.preload");
        check_join("/root", "../etc/ld.so.preload", "/etc/ld.so.preload");
        check_join("/", "../../../etc/x", "/etc/x");                    /* never above the root */
        check_join("/a/b", "./c/../../d/", "/a/d");
        check_join("/srv/chroot", "/etc/ld.so.preload", "/srv/chroot/etc/ld.so.preload");
        check_join("", "", "/");
        check_join(NULL, "x", "/x");
        check_join("/a", "..", "/");
        check_join("/a/b", "...", "/a/b/...");                          /* "..." is a name */
        check_join("/tmp/e", "ld.so.preload", "/tmp/e/ld.so.preload"); /* a symlink is not followed */
        CHECK(path_join_normalize("/very/long/dir", "name", small, sizeof(small)) == -ENAMETOOLONG);
        CHECK(path_join_normalize("/", "", small, 1) == -ENAMETOOLONG);
        CHECK(path_join_normalize("/", "abcdef", small, sizeof(small)) == 7 && strcmp(small, "/abcdef") == 0);
        CHECK(path_join_normalize("/", "abcdefg", small, sizeof(small)) == -ENAMETOOLONG);
}

int main(void) {
        test_path_join();
        test_utf8_sanitize();
        test_escape_terminal();
        test_utf8_random();
        test_glob();
        test_path_glob();
        test_edit_distance();

        if (failures > 0) {
                fprintf(stderr, "test-strutil: %d check(s) failed\n", failures);
                return EXIT_FAILURE;
        }

        printf("test-strutil: all checks passed\n");
        return EXIT_SUCCESS;
}
