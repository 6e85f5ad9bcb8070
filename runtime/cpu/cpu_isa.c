/*
 * Instruction-set variants: names, what this CPU supports, and the kernel
 * table of each. Detection uses the compiler's cpuid wrapper, which also
 * checks that the OS saves the AVX / AVX-512 register state.
 */
#include <string.h>

#include "cpu_internal.h"

static const char *const isa_names[FLLM_CPU_ISA_COUNT] = {
	[FLLM_CPU_ISA_AUTO] = "auto",
	[FLLM_CPU_ISA_PORTABLE] = "portable",
	[FLLM_CPU_ISA_AVX2] = "avx2",
	[FLLM_CPU_ISA_AVX512] = "avx512",
	[FLLM_CPU_ISA_AVX512VBMI] = "avx512vbmi",
};

/* Name of a variant, "?" for values outside the enum. */
const char *fllm_cpu_isa_name(enum fllm_cpu_isa isa)
{
	if ((unsigned)isa >= FLLM_CPU_ISA_COUNT)
		return "?";
	return isa_names[isa];
}

/* A variant from its exact name. */
fllm_status fllm_cpu_isa_parse(const char *name, enum fllm_cpu_isa *out)
{
	for (unsigned i = 0; i < FLLM_CPU_ISA_COUNT; i++) {
		if (!strcmp(name, isa_names[i])) {
			*out = (enum fllm_cpu_isa)i;
			return FLLM_OK;
		}
	}
	return FLLM_E_INVALID_ARG;
}

/* Whether this CPU and OS run variant isa. */
int fllm_cpu_isa_supported(enum fllm_cpu_isa isa)
{
	switch (isa) {
	case FLLM_CPU_ISA_PORTABLE:
		return 1;
#if defined(__x86_64__)
	case FLLM_CPU_ISA_AVX2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
		       __builtin_cpu_supports("bmi2");
	case FLLM_CPU_ISA_AVX512:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
		       __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
		       __builtin_cpu_supports("fma") &&
		       __builtin_cpu_supports("bmi2");
	case FLLM_CPU_ISA_AVX512VBMI:
		__builtin_cpu_init();
		return fllm_cpu_isa_supported(FLLM_CPU_ISA_AVX512) &&
		       __builtin_cpu_supports("avx512vbmi") &&
		       __builtin_cpu_supports("avx512vnni");
#endif
	default:
		return 0;
	}
}

/* The widest supported variant. */
enum fllm_cpu_isa fllm_cpu_isa_best(void)
{
	if (fllm_cpu_isa_supported(FLLM_CPU_ISA_AVX512VBMI))
		return FLLM_CPU_ISA_AVX512VBMI;
	if (fllm_cpu_isa_supported(FLLM_CPU_ISA_AVX512))
		return FLLM_CPU_ISA_AVX512;
	if (fllm_cpu_isa_supported(FLLM_CPU_ISA_AVX2))
		return FLLM_CPU_ISA_AVX2;
	return FLLM_CPU_ISA_PORTABLE;
}

static const struct fllm_cpu_kernels kernels_portable = {
	FLLM_CPU_ISA_PORTABLE, fllm_cpu_lutgemm_rows_portable, fllm_cpu_f32_rows_portable,
	NULL, NULL,
};
#if defined(__x86_64__)
/* card records through bit masks; packed tiles through vpshufb table lookups */
static const struct fllm_cpu_kernels kernels_avx2 = {
	FLLM_CPU_ISA_AVX2, fllm_cpu_lutgemm_rows_avx2, fllm_cpu_f32_rows_avx2,
	fllm_cpu_lutgemm_tables_avx2, fllm_cpu_lutgemm_tiles_avx2,
};
/*
 * card records through mask registers; packed tiles through the avx2 vpshufb
 * kernel (AVX-512 CPUs without VBMI, e.g. Skylake-SP and Cascade Lake, run
 * it: 0.8-0.9 of the triad where the card-record kernel reads about 0.3)
 */
static const struct fllm_cpu_kernels kernels_avx512 = {
	FLLM_CPU_ISA_AVX512, fllm_cpu_lutgemm_rows_avx512, fllm_cpu_f32_rows_avx512,
	fllm_cpu_lutgemm_tables_avx2, fllm_cpu_lutgemm_tiles_avx2,
};
/* card records go through the avx512 kernel; packed tiles through table lookups */
static const struct fllm_cpu_kernels kernels_avx512vbmi = {
	FLLM_CPU_ISA_AVX512VBMI, fllm_cpu_lutgemm_rows_avx512, fllm_cpu_f32_rows_avx512,
	fllm_cpu_lutgemm_tables_avx512vbmi, fllm_cpu_lutgemm_tiles_avx512vbmi,
};
#endif

/* Kernel table of a supported variant. */
const struct fllm_cpu_kernels *fllm_cpu_kernels_get(enum fllm_cpu_isa isa)
{
	switch (isa) {
#if defined(__x86_64__)
	case FLLM_CPU_ISA_AVX512VBMI:
		return &kernels_avx512vbmi;
	case FLLM_CPU_ISA_AVX512:
		return &kernels_avx512;
	case FLLM_CPU_ISA_AVX2:
		return &kernels_avx2;
#endif
	default:
		return &kernels_portable;
	}
}
