#ifndef KEFU_C_CURL_SHIM_H
#define KEFU_C_CURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt is variadic, which Swift cannot call: one typed wrapper per argument kind.
static inline CURLcode kefu_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kefu_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kefu_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kefu_curl_set_list(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*kefu_curl_io_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode kefu_curl_set_callback(CURL *handle, CURLoption option, kefu_curl_io_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode kefu_curl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
