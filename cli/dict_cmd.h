/* The rule folders a run layers over the dict folder, and `huibao dict
 * check`, which validates the rule files without reading a report. */
#ifndef HB_CLI_DICT_CMD_H
#define HB_CLI_DICT_CMD_H

#include <stddef.h>

/* The overlay folders: those of $HUIBAO_DICT_PATH (colon-separated, empty
 * parts skipped), then each --dict-add, so the command line wins.  Returns
 * a new array the caller frees with free() (the strings of the variable are
 * copied inside it, those of adds borrowed), or NULL when out of memory. */
const char **dict_overlays(const char *const *adds, size_t nadds, size_t *n);

/* `huibao dict check [DIR…]`: reads every rule file of dict_dir and the
 * overlays (the DIRs when given, else those of dict_overlays); prints
 * "FILE: OK" on stdout per good file and "FILE:LINE: reason" on stderr per
 * fault.  Returns the exit status: 0, 4 for a fault, 1 when out of memory. */
int dict_check(const char *dict_dir, const char *const *overlays, size_t n);

#endif
