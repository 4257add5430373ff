/* Filling a hb_error (error.c). */
#ifndef HB_ERROR_H
#define HB_ERROR_H

#include "huibao.h"

/* Sets err's code and message unless an earlier, more precise one is there
 * (msg NULL: hb_strerror(code)); returns code. */
hb_status hb_error_set(hb_error *err, hb_status code, const char *msg);

#endif
