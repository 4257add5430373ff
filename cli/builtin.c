/* The compiled lexicon and rules built into huibao (builtin.S). */
#include "cli.h"

extern const char cli_builtin_lexicon[], cli_builtin_lexicon_end[];
extern const char cli_builtin_rules[], cli_builtin_rules_end[];

cli_image builtin_lexicon(void)
{
    return (cli_image){cli_builtin_lexicon, (size_t)(cli_builtin_lexicon_end - cli_builtin_lexicon)};
}

cli_image builtin_rules(void)
{
    return (cli_image){cli_builtin_rules, (size_t)(cli_builtin_rules_end - cli_builtin_rules)};
}
