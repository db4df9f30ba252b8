/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for agent/jsonw.c: structure (nesting, automatic commas), escaping, UTF-8 repair (every
 * invalid byte becomes U+FFFD, valid sequences are kept), a strict validator run over the output for
 * thousands of seeded random byte strings, and the JSONW_MAX bound.
 */

#undef NDEBUG

#include "record-builder.h"

#include <inttypes.h>
#include <limits.h>

#include "../../agent/jsonw.h"

#define FFFD "\xef\xbf\xbd"

static void check_doc_at(int line, JsonW *w, const char *expected, size_t elen)
{
        if (!jsonw_ok(w) || w->len != elen || memcmp(w->buf, expected, elen) != 0 || w->buf[w->len] != 0) {
                fprintf(stderr, "%s:%d: JSON mismatch (ok=%d)\n  got:      ", __FILE__, line, jsonw_ok(w));
                print_escaped(stderr, w->buf ? w->buf : "", w->buf ? w->len : 0);
                fprintf(stderr, "\n  expected: ");
                print_escaped(stderr, expected, elen);
                fputc('\n', stderr);
                failures++;
        }
}
#define CHECK_DOC(w, lit) check_doc_at(__LINE__, (w), (lit), sizeof(lit) - 1)

/* jsonw_strn of (in, inlen) alone must give exactly the literal `out` (quotes included). */
static void check_str_at(int line, const char *in, size_t inlen, const char *out, size_t outlen)
{
        JsonW w = {};

        jsonw_strn(&w, in, inlen);
        check_doc_at(line, &w, out, outlen);
        if (!json_valid(w.buf, w.len)) {
                fprintf(stderr, "%s:%d: output is not strict JSON\n", __FILE__, line);
                failures++;
        }
        jsonw_done(&w);
}
#define CHECK_STR(in, out) check_str_at(__LINE__, (in), sizeof(in) - 1, (out), sizeof(out) - 1)

static void test_structure(void)
{
        JsonW w = {};

        jsonw_obj_open(&w);
        jsonw_kv_int(&w, "a", 1);
        jsonw_key(&w, "b");
        jsonw_arr_open(&w);
        jsonw_int(&w, 1);
        jsonw_uint(&w, 2);
        jsonw_obj_open(&w);
        jsonw_obj_close(&w);
        jsonw_arr_open(&w);
        jsonw_arr_close(&w);
        jsonw_null(&w);
        jsonw_bool(&w, true);
        jsonw_bool(&w, false);
        jsonw_arr_close(&w);
        jsonw_key(&w, "c");
        jsonw_obj_open(&w);
        jsonw_kv_str(&w, "d", "e");
        jsonw_kv_uint(&w, "f", UINT64_MAX);
        jsonw_kv_int(&w, "g", INT64_MIN);
        jsonw_key(&w, "h");
        jsonw_raw(&w, "{\"x\":[1]}", 9);
        jsonw_kv_str(&w, "i", NULL);
        jsonw_obj_close(&w);
        jsonw_kv_str(&w, "", "");
        jsonw_obj_close(&w);
        CHECK_DOC(&w, "{\"a\":1,\"b\":[1,2,{},[],null,true,false],\"c\":{\"d\":\"e\",\"f\":18446744073709551615,"
                      "\"g\":-9223372036854775808,\"h\":{\"x\":[1]},\"i\":null},\"\":\"\"}");
        CHECK_JSON(w.buf, w.len);

        /* reset reuses the buffer and forgets the pending comma */
        jsonw_reset(&w);
        CHECK_INT(w.len, 0);
        CHECK(w.buf && w.buf[0] == 0);
        jsonw_arr_open(&w);
        jsonw_arr_close(&w);
        CHECK_DOC(&w, "[]");
        jsonw_reset(&w);
        jsonw_int(&w, -1);
        CHECK_DOC(&w, "-1");
        jsonw_done(&w);
        CHECK(w.buf == NULL && w.len == 0 && w.cap == 0);

        /* several top-level values in sequence are comma separated (one line of an array) */
        jsonw_arr_open(&w);
        for (int i = 0; i < 3; i++) {
                jsonw_obj_open(&w);
                jsonw_kv_int(&w, "n", i);
                jsonw_obj_close(&w);
        }
        jsonw_arr_close(&w);
        CHECK_DOC(&w, "[{\"n\":0},{\"n\":1},{\"n\":2}]");
        jsonw_done(&w);

        /* deep nesting */
        for (int i = 0; i < 50; i++) {
                jsonw_arr_open(&w);
                jsonw_obj_open(&w);
                jsonw_key(&w, "k");
        }
        jsonw_null(&w);
        for (int i = 0; i < 50; i++) {
                jsonw_obj_close(&w);
                jsonw_arr_close(&w);
        }
        CHECK_JSON(w.buf, w.len);
        CHECK(w.len == 50 * 6 + 4 + 50 * 2);
        jsonw_done(&w);
}

static void test_escaping(void)
{
        CHECK_STR("plain", "\"plain\"");
        CHECK_STR("", "\"\"");
        CHECK_STR("a\"b", "\"a\\\"b\"");
        CHECK_STR("back\\slash", "\"back\\\\slash\"");
        CHECK_STR("\\\"", "\"\\\\\\\"\"");
        CHECK_STR("/", "\"/\"");
        CHECK_STR("l1\nl2\tt\rr", "\"l1\\nl2\\tt\\rr\"");
        CHECK_STR("\x01\x08\x0b\x0c\x1b\x1f", "\"\\u0001\\u0008\\u000b\\u000c\\u001b\\u001f\"");
        CHECK_STR("\0", "\"\\u0000\"");
        CHECK_STR("a\0b", "\"a\\u0000b\"");
        CHECK_STR("\x7f", "\"\\u007f\"");
        CHECK_STR("x\x7fy", "\"x\\u007fy\"");
        /* C1 controls: escaped, not written raw (terminals act on them) */
        CHECK_STR("\xc2\x80", "\"\\u0080\"");
        CHECK_STR("\xc2\x9b[31m", "\"\\u009b[31m\"");
        CHECK_STR("\xc2\x9f", "\"\\u009f\"");
        CHECK_STR("\xc2\xa0", "\"\xc2\xa0\"");          /* NBSP is not a control */
        /* ESC sequence */
        CHECK_STR("\x1b]0;pwned\x07", "\"\\u001b]0;pwned\\u0007\"");
        /* keys are escaped like values */
        {
                JsonW w = {};

                jsonw_obj_open(&w);
                jsonw_kv_str(&w, "k\"\n\xff", "v");
                jsonw_obj_close(&w);
                CHECK_DOC(&w, "{\"k\\\"\\n" FFFD "\":\"v\"}");
                jsonw_done(&w);
        }
}

static void test_utf8(void)
{
        /* valid sequences kept as they are */
        CHECK_STR("\xc3\xa9", "\"\xc3\xa9\"");                          /* é, 2 bytes */
        CHECK_STR("\xdf\xbf", "\"\xdf\xbf\"");                          /* U+07FF */
        CHECK_STR("\xe2\x82\xac", "\"\xe2\x82\xac\"");                  /* €, 3 bytes */
        CHECK_STR("\xe0\xa0\x80", "\"\xe0\xa0\x80\"");                  /* U+0800 */
        CHECK_STR("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");                  /* U+D7FF */
        CHECK_STR("\xee\x80\x80", "\"\xee\x80\x80\"");                  /* U+E000 */
        CHECK_STR("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");                  /* U+FFFF */
        CHECK_STR(FFFD, "\"" FFFD "\"");
        CHECK_STR("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");          /* 😀, 4 bytes */
        CHECK_STR("\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\"");          /* U+10000 */
        CHECK_STR("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");          /* U+10FFFF */
        CHECK_STR("a\xc3\xa9z\xe2\x82\xac!", "\"a\xc3\xa9z\xe2\x82\xac!\"");

        /* lone continuation bytes */
        CHECK_STR("\x80", "\"" FFFD "\"");
        CHECK_STR("\xbf", "\"" FFFD "\"");
        CHECK_STR("a\x80\x80z", "\"a" FFFD FFFD "z\"");
        /* overlongs */
        CHECK_STR("\xc0\xaf", "\"" FFFD FFFD "\"");
        CHECK_STR("\xc1\xbf", "\"" FFFD FFFD "\"");
        CHECK_STR("\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"");
        CHECK_STR("\xe0\x9f\xbf", "\"" FFFD FFFD FFFD "\"");
        CHECK_STR("\xf0\x80\x80\xaf", "\"" FFFD FFFD FFFD FFFD "\"");
        CHECK_STR("\xf0\x8f\xbf\xbf", "\"" FFFD FFFD FFFD FFFD "\"");
        /* UTF-16 surrogates */
        CHECK_STR("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");
        CHECK_STR("\xed\xbf\xbf", "\"" FFFD FFFD FFFD "\"");
        CHECK_STR("\xed\xa0\xbd\xed\xb8\x80", "\"" FFFD FFFD FFFD FFFD FFFD FFFD "\"");
        /* above U+10FFFF, and bytes that never start a sequence */
        CHECK_STR("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
        CHECK_STR("\xf5\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
        CHECK_STR("\xf8\x88\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD FFFD "\"");
        CHECK_STR("\xfe", "\"" FFFD "\"");
        CHECK_STR("\xff", "\"" FFFD "\"");
        CHECK_STR("\xff\xff", "\"" FFFD FFFD "\"");
        /* truncated sequences, at the end and before another character */
        CHECK_STR("\xc3", "\"" FFFD "\"");
        CHECK_STR("\xe2\x82", "\"" FFFD FFFD "\"");
        CHECK_STR("\xf0\x9f\x98", "\"" FFFD FFFD FFFD "\"");
        CHECK_STR("\xe2\x82" "A", "\"" FFFD FFFD "A\"");
        CHECK_STR("\xc3\"", "\"" FFFD "\\\"\"");
        CHECK_STR("\xf0\x9f\x98\n", "\"" FFFD FFFD FFFD "\\n\"");
        CHECK_STR("\xc3\xc3\xa9", "\"" FFFD "\xc3\xa9\"");

        /* a length shorter than the string: the cut sequence is repaired, the rest never read */
        {
                JsonW w = {};
                const char s[] = "ab\xe2\x82\xac";

                jsonw_strn(&w, s, 4);
                CHECK_DOC(&w, "\"ab" FFFD FFFD "\"");
                jsonw_done(&w);
        }
}

/* Does jsonw_strn keep these bytes verbatim? (valid UTF-8, no C0/DEL/C1, no quote/backslash) */
static bool passes_verbatim(const unsigned char *s, size_t n)
{
        for (size_t i = 0; i < n;) {
                uint32_t cp;
                size_t l = jc_utf8(s + i, n - i, &cp);

                if (!l || cp < 0x20 || cp == '"' || cp == '\\' || (cp >= 0x7f && cp <= 0x9f))
                        return false;
                i += l;
        }
        return true;
}

static const unsigned char interesting[] = {
        0x00, 0x01, 0x07, 0x08, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x20, '"', '\\', '/', 'a', 'z', 0x7f,
        0x80, 0x8f, 0x90, 0x9b, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4,
        0xf5, 0xf8, 0xfe, 0xff,
};

static void random_string(uint64_t *seed, unsigned char *s, size_t n)
{
        unsigned mode = test_rand(seed) % 3;

        for (size_t i = 0; i < n; i++) {
                if (mode == 0)
                        s[i] = (unsigned char) test_rand(seed);
                else if (mode == 1)
                        s[i] = interesting[test_rand(seed) % sizeof(interesting)];
                else {
                        /* mostly valid UTF-8: random code points */
                        uint32_t cp = (uint32_t) (test_rand(seed) % 0x110000);
                        unsigned char e[4];
                        size_t l;

                        if (cp >= 0xd800 && cp <= 0xdfff)
                                cp = 'x';
                        if (cp < 0x80) {
                                e[0] = (unsigned char) cp;
                                l = 1;
                        } else if (cp < 0x800) {
                                e[0] = 0xc0 | cp >> 6;
                                e[1] = 0x80 | (cp & 0x3f);
                                l = 2;
                        } else if (cp < 0x10000) {
                                e[0] = 0xe0 | cp >> 12;
                                e[1] = 0x80 | ((cp >> 6) & 0x3f);
                                e[2] = 0x80 | (cp & 0x3f);
                                l = 3;
                        } else {
                                e[0] = 0xf0 | cp >> 18;
                                e[1] = 0x80 | ((cp >> 12) & 0x3f);
                                e[2] = 0x80 | ((cp >> 6) & 0x3f);
                                e[3] = 0x80 | (cp & 0x3f);
                                l = 4;
                        }
                        if (i + l > n)
                                l = n - i;      /* may cut the last one: a truncated sequence */
                        memcpy(s + i, e, l);
                        i += l - 1;
                }
        }
}

static void test_random(void)
{
        uint64_t seed = 0xC0FFEEULL;
        JsonW w = {};
        unsigned verbatim = 0;

        for (unsigned iter = 0; iter < 5000; iter++) {
                unsigned char s[3][96];
                size_t n[3];
                const char *err;
                size_t at;

                for (int k = 0; k < 3; k++) {
                        n[k] = test_rand(&seed) % sizeof(s[k]);
                        random_string(&seed, s[k], n[k]);
                }
                jsonw_reset(&w);
                jsonw_obj_open(&w);
                jsonw_key(&w, "k");
                jsonw_strn(&w, (const char *) s[0], n[0]);
                jsonw_key(&w, "arr");
                jsonw_arr_open(&w);
                jsonw_strn(&w, (const char *) s[1], n[1]);
                jsonw_int(&w, (int64_t) test_rand(&seed));
                jsonw_arr_close(&w);
                /* a hostile key too */
                {
                        char key[97];

                        memcpy(key, s[2], n[2]);
                        key[n[2]] = 0;
                        jsonw_key(&w, key);
                }
                jsonw_strn(&w, (const char *) s[2], n[2]);
                jsonw_obj_close(&w);
                CHECK(jsonw_ok(&w));
                if (!json_valid_ex(w.buf, w.len, true, &err, &at)) {
                        fprintf(stderr, "random iteration %u: invalid JSON (%s at %zu): ", iter, err, at);
                        print_escaped(stderr, w.buf, w.len);
                        fputc('\n', stderr);
                        failures++;
                }

                /* strings that need no repair or escaping come out verbatim */
                if (passes_verbatim(s[0], n[0])) {
                        JsonW v = {};

                        verbatim++;
                        jsonw_strn(&v, (const char *) s[0], n[0]);
                        CHECK(v.len == n[0] + 2 && v.buf[0] == '"' && memcmp(v.buf + 1, s[0], n[0]) == 0 &&
                              v.buf[n[0] + 1] == '"');
                        jsonw_done(&v);
                }
        }
        CHECK(verbatim > 100);
        jsonw_done(&w);
}

static void test_validator_self(void)
{
        /* the validator itself must refuse what it is meant to catch */
        static const char *const bad[] = {
                "", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[01]", "[1.]", "[.5]", "[1e]", "[-]",
                "\"\x01\"", "\"\\x41\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\xff\"", "\"\xc0\xaf\"",
                "\"\xed\xa0\x80\"", "\"abc", "[1] [2]", "tru", "nul", "[\"\xc2\x9b\"]", "[\"\x7f\"]", "[1,,2]",
        };
        static const char *const good[] = {
                "{}", "[]", "0", "-0", "1.5e-3", "\"\\ud83d\\ude00\"", "{\"a\":[true,false,null]}", " [ 1 , 2 ] ",
                "\"\xf4\x8f\xbf\xbf\"", "\"\\u0000\"",
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                CHECK_MSG(!json_valid(bad[i], strlen(bad[i])), "validator accepted bad[%zu]", i);
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
                CHECK_MSG(json_valid(good[i], strlen(good[i])), "validator refused good[%zu]", i);
}

static void test_bound(void)
{
        JsonW w = {};
        size_t chunk = 64 * 1024;
        char *big = malloc(chunk);
        unsigned iters = 0;
        size_t len_at_fail;

        CHECK(big != NULL);
        if (!big)
                return;
        memset(big, 'a', chunk);
        jsonw_arr_open(&w);
        while (jsonw_ok(&w) && iters < 1000) {
                jsonw_strn(&w, big, chunk);
                iters++;
                CHECK(w.cap <= JSONW_MAX);
                CHECK(w.len < w.cap);
        }
        CHECK(!jsonw_ok(&w));
        /* 4 MiB of 64 KiB strings: the bound is hit after about 64 of them, not 1000 */
        CHECK_MSG(iters <= JSONW_MAX / chunk + 2, "iters=%u", iters);
        CHECK(w.len <= JSONW_MAX && w.cap <= JSONW_MAX);
        CHECK(w.buf[w.len] == 0);
        len_at_fail = w.len;
        /* once failed, nothing more is appended */
        jsonw_strn(&w, "x", 1);
        jsonw_int(&w, 1);
        jsonw_arr_close(&w);
        jsonw_raw(&w, "{}", 2);
        CHECK_INT(w.len, len_at_fail);
        CHECK(!jsonw_ok(&w));

        /* reset clears the failure and the buffer is reusable */
        jsonw_reset(&w);
        CHECK(jsonw_ok(&w));
        jsonw_kv_str(&w, "k", "v");
        CHECK_DOC(&w, "\"k\":\"v\"");
        jsonw_done(&w);

        /* raw appends hit the bound as well */
        jsonw_arr_open(&w);
        for (unsigned i = 0; i < 200 && jsonw_ok(&w); i++)
                jsonw_raw(&w, big, chunk);
        CHECK(!jsonw_ok(&w));
        CHECK(w.cap <= JSONW_MAX);
        jsonw_done(&w);
        free(big);
}

/* jsonw_uint(), jsonw_int() and jsonw_uint_str() of u (and of -u/2) against printf. */
static void check_number(JsonW *w, uint64_t u)
{
        char want[128];

        jsonw_reset(w);
        jsonw_uint(w, u);
        snprintf(want, sizeof(want), "%" PRIu64, u);
        CHECK_MSG(jsonw_ok(w) && strcmp(w->buf, want) == 0 && w->len == strlen(want),
                  "uint %" PRIu64 ": got '%s'", u, w->buf);

        jsonw_reset(w);
        jsonw_int(w, (int64_t) u);
        snprintf(want, sizeof(want), "%" PRId64, (int64_t) u);
        CHECK_MSG(jsonw_ok(w) && strcmp(w->buf, want) == 0 && w->len == strlen(want),
                  "int %" PRId64 ": got '%s'", (int64_t) u, w->buf);

        jsonw_reset(w);
        jsonw_arr_open(w);
        jsonw_uint_str(w, u);
        jsonw_int(w, -(int64_t) (u >> 1));
        jsonw_uint(w, u);
        jsonw_arr_close(w);
        snprintf(want, sizeof(want), "[\"%" PRIu64 "\",%" PRId64 ",%" PRIu64 "]", u, -(int64_t) (u >> 1), u);
        CHECK_MSG(jsonw_ok(w) && strcmp(w->buf, want) == 0 && w->len == strlen(want),
                  "sequence for %" PRIu64 ": got '%s' want '%s'", u, w->buf, want);
}

/* Numbers are formatted without printf: compare with it on both sides of every power of ten (where
 * the digit count changes) and of every power of two (where the bit length does), at the limits, and
 * for random values of every magnitude. */
static void test_numbers(void)
{
        static const int64_t edges[] = { 0, 1, -1, 9, -9, 10, -10, INT64_MAX, INT64_MIN, INT64_MIN + 1,
                                         INT32_MAX, INT32_MIN, UINT32_MAX, 100000000, 99999999, -100000000 };
        uint64_t seed = 0x5EED, p = 1;
        JsonW w = {};

        for (unsigned k = 0; k < 20; k++, p *= 10)
                for (int d = -1; d <= 1; d++)
                        check_number(&w, p + d);
        for (unsigned b = 0; b < 64; b++)
                for (int d = -1; d <= 1; d++)
                        check_number(&w, (UINT64_C(1) << b) + d);
        for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
                check_number(&w, (uint64_t) edges[i]);
        for (unsigned i = 0; i < 20000 && failures <= 20; i++)
                check_number(&w, test_rand(&seed) >> (test_rand(&seed) % 64));
        jsonw_done(&w);
}

/* The helpers for JSON-lines output: fixed keys, newline, cutting back a failed value. */
static void test_lines(void)
{
        JsonW w = {};
        size_t mark;
        char *big = malloc(JSONW_MAX);

        CHECK(big != NULL);
        if (!big)
                return;
        memset(big, 'b', JSONW_MAX);

        /* jsonw_key_lit() is jsonw_key() for keys that need no escaping, commas included */
        jsonw_obj_open(&w);
        jsonw_key_lit(&w, "a");
        jsonw_uint(&w, 1);
        jsonw_key_lit(&w, "bc");
        jsonw_obj_open(&w);
        jsonw_key_lit(&w, "d");
        jsonw_str(&w, "e");
        jsonw_obj_close(&w);
        jsonw_key(&w, "f");
        jsonw_null(&w);
        jsonw_key_lit(&w, "g");
        jsonw_arr_open(&w);
        jsonw_arr_close(&w);
        jsonw_obj_close(&w);
        jsonw_newline(&w);
        CHECK_DOC(&w, "{\"a\":1,\"bc\":{\"d\":\"e\"},\"f\":null,\"g\":[]}\n");

        /* a second document on the next line: no comma before it */
        jsonw_obj_open(&w);
        jsonw_obj_close(&w);
        jsonw_newline(&w);
        CHECK_DOC(&w, "{\"a\":1,\"bc\":{\"d\":\"e\"},\"f\":null,\"g\":[]}\n{}\n");
        mark = w.len;

        /* a value past the bound fails the document; truncating drops it and clears the failure */
        jsonw_obj_open(&w);
        jsonw_key_lit(&w, "x");
        jsonw_strn(&w, big, JSONW_MAX);
        CHECK(!jsonw_ok(&w));
        jsonw_key_lit(&w, "y");         /* nothing is appended once failed */
        CHECK(!jsonw_ok(&w));
        jsonw_truncate(&w, mark);
        CHECK(jsonw_ok(&w));
        CHECK_DOC(&w, "{\"a\":1,\"bc\":{\"d\":\"e\"},\"f\":null,\"g\":[]}\n{}\n");
        jsonw_int(&w, -5);              /* and no comma pending */
        jsonw_newline(&w);
        CHECK_DOC(&w, "{\"a\":1,\"bc\":{\"d\":\"e\"},\"f\":null,\"g\":[]}\n{}\n-5\n");
        jsonw_truncate(&w, 0);
        CHECK_DOC(&w, "");

        /* keys up to the buffer's end: the inline path and the growing one agree */
        jsonw_done(&w);
        for (unsigned i = 0; i < 5000; i++) {
                jsonw_key_lit(&w, "key");
                jsonw_uint(&w, i);
        }
        CHECK(jsonw_ok(&w));
        CHECK(w.len == strlen(w.buf));
        CHECK(memcmp(w.buf, "\"key\":0,\"key\":1,\"key\":2", 23) == 0);
        jsonw_done(&w);
        free(big);
}

int main(void)
{
        test_validator_self();
        test_structure();
        test_escaping();
        test_utf8();
        test_random();
        test_bound();
        test_numbers();
        test_lines();
        return test_exit("test-jsonw");
}
