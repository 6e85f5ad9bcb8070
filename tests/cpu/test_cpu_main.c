/*
 * test_cpu: the host kernels (runtime/cpu) against the golden LUT-GEMM model
 * bit for bit, the fp32 kernels against double-precision dot products, and
 * every bad input on its own. Each variant the CPU supports runs with 1 and
 * 2 threads; each of the others prints "skipped: <isa> variant: <reason>".
 */
#include <stdio.h>
#include <stdlib.h>

#include "cpu_tests.h"
#include "test_main.h"

static fllm_cpu_ctx *contexts[FLLM_CPU_ISA_COUNT][CPU_TEST_THREADS + 1];
static uint64_t n_contexts;

/* Contexts the suite holds: the only live handles a test may leave. */
uint64_t cpu_test_ctx_count(void)
{
	return n_contexts;
}

/* A context from the table (NULL for an unsupported variant). */
fllm_cpu_ctx *cpu_test_ctx(enum fllm_cpu_isa isa, uint32_t threads)
{
	return contexts[isa][threads];
}

/* Create the contexts of every supported variant; skip lines for the rest. */
int cpu_test_ctx_init(void)
{
	for (int isa = FLLM_CPU_ISA_PORTABLE; isa < FLLM_CPU_ISA_COUNT; isa++) {
		if (!fllm_cpu_isa_supported((enum fllm_cpu_isa)isa)) {
			char what[64];

			snprintf(what, sizeof(what), "%s variant",
				 fllm_cpu_isa_name((enum fllm_cpu_isa)isa));
			fllm_test_skip(what, "this CPU (or OS) lacks its instructions");
			continue;
		}
		for (uint32_t t = 1; t <= CPU_TEST_THREADS; t++) {
			fllm_cpu_config cfg = { t, (enum fllm_cpu_isa)isa };

			if (fllm_cpu_ctx_create(&cfg, &contexts[isa][t]) != FLLM_OK)
				return -1;
			n_contexts++;
		}
	}
	return 0;
}

/* Free every context; fails if any handle is still alive after that. */
int cpu_test_ctx_fini(void)
{
	for (int isa = 0; isa < FLLM_CPU_ISA_COUNT; isa++)
		for (uint32_t t = 0; t <= CPU_TEST_THREADS; t++) {
			fllm_cpu_ctx_free(contexts[isa][t]);
			contexts[isa][t] = NULL;
		}
	n_contexts = 0;
	return fllm_live_handles() != 0;
}

/* The program's suites, with the environment's variant choice removed. */
int fllm_test_register(void)
{
	/* the variant is chosen per context here, never by the environment */
	unsetenv(FLLM_CPU_ISA_ENV);
	if (cpu_test_register_lutgemm() || cpu_test_register_args() || cpu_test_register_f32())
		return -1;
	return 0;
}
