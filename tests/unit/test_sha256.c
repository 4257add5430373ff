/* SHA-256: FIPS 180-4 test vectors, and the SHA-extension code (when the
 * CPU has it) against the portable code on every length around the block
 * and padding boundaries; and cpu.h, which tells whether the CPU has it,
 * against the CPU's own answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>

#include "cpu.h"
#endif

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

#if defined(__x86_64__) && defined(__GNUC__)
/* cpu.h asks glibc, not cpuid: its answers must be cpuid's (and, for the
 * vector paths, libgcc's, which they replace). */
static void cpu_features_as_cpuid(void **state)
{
    (void)state;
    unsigned a, b, c, d;
    int sha = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) && (c & bit_SSSE3) &&
              __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
    assert_int_equal(!!hb_cpu_sha(), sha);
    assert_int_equal(!!hb_cpu_avx2(), !!__builtin_cpu_supports("avx2"));
    assert_int_equal(!!hb_cpu_popcnt(), !!__builtin_cpu_supports("popcnt"));
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_vectors),
        cmocka_unit_test(both_paths_agree),
#if defined(__x86_64__) && defined(__GNUC__)
        cmocka_unit_test(cpu_features_as_cpuid),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
