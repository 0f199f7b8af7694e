#ifndef KEFU_C_MALLOC_SHIM_H
#define KEFU_C_MALLOC_SHIM_H

// malloc_trim is part of glibc but not of Swift's Glibc module; this makes <malloc.h> importable.
#include <malloc.h>

#endif
