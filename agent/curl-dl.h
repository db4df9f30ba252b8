/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcurl, loaded with dlopen() when the first webhook is set up rather than linked: its dependency
 * tree (libcrypto, gnutls, p11-kit, krb5, ldap, …) is about 4.5 MB of PSS that an agent without
 * webhooks, the default, never uses. The agent is compiled against <curl/curl.h> and calls libcurl
 * only through the sym_* pointers below, whose types are the prototypes of that header.
 */
#pragma once

#include <curl/curl.h>

/* CURL_DL_LIBRARY: libcurl.so.4 by absolute path (meson's libcurl_path option, from libcurl.pc's
 * libdir: libcurl4 on Debian, libcurl on Fedora), so that no search path (LD_LIBRARY_PATH, RUNPATH)
 * can pick another library. */
#ifndef CURL_DL_LIBRARY
#error "CURL_DL_LIBRARY must be set by the build (meson option libcurl_path)"
#endif

/* Every libcurl function the agent calls. */
#define CURL_DL_SYMBOLS(X)              \
        X(curl_easy_cleanup)            \
        X(curl_easy_getinfo)            \
        X(curl_easy_init)               \
        X(curl_easy_setopt)             \
        X(curl_easy_strerror)           \
        X(curl_global_init)             \
        X(curl_multi_add_handle)        \
        X(curl_multi_assign)            \
        X(curl_multi_cleanup)           \
        X(curl_multi_info_read)         \
        X(curl_multi_init)              \
        X(curl_multi_remove_handle)     \
        X(curl_multi_setopt)            \
        X(curl_multi_socket_action)     \
        X(curl_multi_strerror)          \
        X(curl_slist_append)            \
        X(curl_slist_free_all)

#define CURL_DL_DECLARE(symbol) extern typeof(symbol) *sym_##symbol;
CURL_DL_SYMBOLS(CURL_DL_DECLARE)
#undef CURL_DL_DECLARE

/* Opens CURL_DL_LIBRARY and resolves every sym_* pointer, once; later calls return 0 at once. On
 * failure logs one error naming the library and what dlopen()/dlsym() said, leaves every pointer
 * NULL and returns -ELIBACC (cannot be opened) or -ELIBBAD (a function is missing). */
int dlopen_curl(void);
