#ifndef KEFU_C_ICONV_SHIM_H
#define KEFU_C_ICONV_SHIM_H

// iconv is part of glibc; this module only makes its header importable on its own.
#include <iconv.h>
#include <errno.h>

static inline int kefu_iconv_failed(iconv_t cd) { return cd == (iconv_t)-1; }

#endif
