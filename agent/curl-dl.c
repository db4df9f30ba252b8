/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See curl-dl.h. All or nothing: the symbols are looked up into a local array and the sym_*
 * pointers are only set once every one of them was found. The library is never closed: a webhook
 * configured once is likely to be configured again on the next reload.
 */
#include <dlfcn.h>
#include <errno.h>

#include "curl-dl.h"
#include "log.h"

#define CURL_DL_DEFINE(symbol) typeof(symbol) *sym_##symbol = NULL;
CURL_DL_SYMBOLS(CURL_DL_DEFINE)
#undef CURL_DL_DEFINE

enum {
#define CURL_DL_INDEX(symbol) CURL_DL_##symbol,
        CURL_DL_SYMBOLS(CURL_DL_INDEX)
#undef CURL_DL_INDEX
        _CURL_DL_MAX,
};

static const char *const curl_dl_names[_CURL_DL_MAX] = {
#define CURL_DL_NAME(symbol) [CURL_DL_##symbol] = #symbol,
        CURL_DL_SYMBOLS(CURL_DL_NAME)
#undef CURL_DL_NAME
};

static void *curl_dl;

int dlopen_curl(void)
{
        void *dl, *fn[_CURL_DL_MAX];
        int r;

        if (curl_dl)
                return 0;

        dl = dlopen(CURL_DL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        if (!dl)
                return log_error_errno(SYNTHETIC_ERRNO(ELIBACC), "webhooks need " CURL_DL_LIBRARY
                                       " (libcurl), which cannot be loaded: %s", dlerror());
        for (unsigned i = 0; i < _CURL_DL_MAX; i++) {
                fn[i] = dlsym(dl, curl_dl_names[i]);
                if (!fn[i]) {
                        r = log_error_errno(SYNTHETIC_ERRNO(ELIBBAD), "webhooks need " CURL_DL_LIBRARY
                                            " (libcurl), which cannot be used: %s", dlerror());
                        (void) dlclose(dl);
                        return r;
                }
        }

#define CURL_DL_ASSIGN(symbol) sym_##symbol = (typeof(sym_##symbol)) fn[CURL_DL_##symbol];
        CURL_DL_SYMBOLS(CURL_DL_ASSIGN)
#undef CURL_DL_ASSIGN
        curl_dl = dl;
        log_debug("loaded " CURL_DL_LIBRARY " for the webhooks");
        return 0;
}
