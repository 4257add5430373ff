/* The compiled lexicon and rules huibao carries (Makefile: HB_BUILTIN_LEXICON,
 * HB_BUILTIN_RULES, made by rulec): used in place, paged in as read, where
 * reading the files copied 7 MB at every start; the kernel refuses to write
 * a running program's file (ETXTBSY), so no rewrite can pull them away. */
    .section .rodata.huibao_builtin, "a"
    .balign 4096
    .globl cli_builtin_lexicon, cli_builtin_lexicon_end, cli_builtin_rules, cli_builtin_rules_end
    .hidden cli_builtin_lexicon, cli_builtin_lexicon_end, cli_builtin_rules, cli_builtin_rules_end
cli_builtin_lexicon:
    .incbin HB_BUILTIN_LEXICON
cli_builtin_lexicon_end:
    .balign 4096
cli_builtin_rules:
    .incbin HB_BUILTIN_RULES
cli_builtin_rules_end:
    .section .note.GNU-stack, "", @progbits
