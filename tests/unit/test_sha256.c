/* SHA-256: FIPS 180-4 test vectors, and the SHA-extension code (when the
 * CPU has it) against the portable code on every length around the block
 * and padding boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static void known_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t repeat;
        const char *hex;
    } v[] = {
        {"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        size_t n = strlen(v[i].text) * v[i].repeat;
        char *buf = malloc(n + 1), hex[65], portable[65];
        assert_non_null(buf);
        for (size_t k = 0; k < v[i].repeat; k++)
            memcpy(buf + k * strlen(v[i].text), v[i].text, strlen(v[i].text));
        hb_sha256_hex(buf, n, hex);
        hb_sha256_hex_portable(buf, n, portable);
        assert_string_equal(hex, v[i].hex);
        assert_string_equal(portable, v[i].hex);
        free(buf);
    }
}

static void both_paths_agree(void **state)
{
    (void)state;
    unsigned char buf[300];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 131 + 7);
    for (size_t n = 0; n <= sizeof buf; n++) {
        char a[65], b[65];
        hb_sha256_hex(buf, n, a);
        hb_sha256_hex_portable(buf, n, b);
        assert_string_equal(a, b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_vectors),
        cmocka_unit_test(both_paths_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
