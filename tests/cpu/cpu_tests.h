/* Shared by the host-kernel test files: contexts of every variant and thread count. */
#ifndef FLLM_TEST_CPU_TESTS_H
#define FLLM_TEST_CPU_TESTS_H

#include "fllm_cpu.h"

/* Thread counts every variant is tested with. */
#define CPU_TEST_THREADS 2

/*
 * The context of variant isa with t threads (1 or 2), or NULL when this CPU
 * cannot run the variant (a SKIP line with the reason is printed once).
 */
fllm_cpu_ctx *cpu_test_ctx(enum fllm_cpu_isa isa, uint32_t threads);

/* Suite hooks: create / free every context. */
int cpu_test_ctx_init(void);
int cpu_test_ctx_fini(void);
uint64_t cpu_test_ctx_count(void);

int cpu_test_register_lutgemm(void);
int cpu_test_register_args(void);
int cpu_test_register_f32(void);

#endif /* FLLM_TEST_CPU_TESTS_H */
