/* hb_cpu_flags (cpu.h): asked once, as the library loads, before any
 * report is read. */
#include "cpu.h"

#include <features.h>

unsigned hb_cpu_flags;

#if defined(__x86_64__) && defined(__GNUC__)
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 33)
#include <sys/platform/x86.h>
static unsigned ask(void)
{
    int sha = CPU_FEATURE_ACTIVE(SHA) && CPU_FEATURE_ACTIVE(SSSE3) && CPU_FEATURE_ACTIVE(SSE4_1);
    return (CPU_FEATURE_ACTIVE(AVX2) ? HB_CPU_AVX2 : 0u) | (CPU_FEATURE_ACTIVE(POPCNT) ? HB_CPU_POPCNT : 0u) |
           (sha ? HB_CPU_SHA : 0u);
}
#else
#include <cpuid.h>
/* no word from the C library: cpuid, as libgcc would */
static unsigned ask(void)
{
    unsigned a, b, c, d;
    int sha = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) && (c & bit_SSSE3) &&
              __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
    return (__builtin_cpu_supports("avx2") ? HB_CPU_AVX2 : 0u) |
           (__builtin_cpu_supports("popcnt") ? HB_CPU_POPCNT : 0u) | (sha ? HB_CPU_SHA : 0u);
}
#endif

static void __attribute__((constructor)) cpu_ask(void)
{
    hb_cpu_flags = ask();
}
#endif
