#ifndef KEFU_C_LIBPQ_SHIM_H
#define KEFU_C_LIBPQ_SHIM_H

#include <libpq-fe.h>

#endif
