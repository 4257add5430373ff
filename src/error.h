/* Filling a hb_error (error.c). */
#ifndef HB_ERROR_H
#define HB_ERROR_H

#include "huibao.h"

/* Sets err's code and message unless an earlier, more precise one is there
 * (msg NULL: hb_strerror(code)); returns code. */
hb_status hb_error_set(hb_error *err, hb_status code, const char *msg);

/* Fills *err for a bad dictionary line and returns -1. */
int hb_dict_fail(hb_error *err, hb_status code, const char *file, int line, int offset,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
