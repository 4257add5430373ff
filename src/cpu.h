/* What the CPU offers the vector code paths (x86-64 only; their callers
 * guard them).  Asked of glibc where it can say: its loader runs cpuid once
 * for every process anyway, and a cpuid instruction traps to the hypervisor
 * in a virtual machine (some 8 us each here), where __builtin_cpu_supports
 * made libgcc's constructor run a dozen of them at every start and the SHA
 * check two more: 3% of a small report's time. */
#ifndef HB_CPU_H
#define HB_CPU_H

enum { HB_CPU_AVX2 = 1, HB_CPU_POPCNT = 2, HB_CPU_SHA = 4 };

/* The HB_CPU_ bits, read as the library loads (cpu.c): a vector path's
 * test is one load, as __builtin_cpu_supports's was (a call into libc at
 * every entry cost 0.2% of a large report's instructions). */
extern unsigned hb_cpu_flags;

#define hb_cpu_avx2() ((hb_cpu_flags & HB_CPU_AVX2) != 0)
#define hb_cpu_popcnt() ((hb_cpu_flags & HB_CPU_POPCNT) != 0)
#define hb_cpu_sha() ((hb_cpu_flags & HB_CPU_SHA) != 0)

#endif
