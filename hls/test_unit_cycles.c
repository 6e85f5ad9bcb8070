/*
 * Cycle model of the test unit: FILL and CHECK move one 64-byte beat per
 * cycle after a fixed start overhead; SPIN runs for seed cycles, forever when
 * seed is ~0 (until the watchdog resets the unit).
 */
#include "fllm_hls_test.h"

/* Kernel-clock cycles one command takes on the synthesized unit. */
uint64_t fllm_hls_test_cycles(const struct fllm_cmd_test *args)
{
	switch (args->op) {
	case FLLM_TEST_FILL:
	case FLLM_TEST_CHECK:
		return FLLM_HLS_TEST_OVERHEAD_CYCLES +
		       (args->bytes + FLLM_HLS_TEST_BYTES_PER_CYCLE - 1) /
			       FLLM_HLS_TEST_BYTES_PER_CYCLE;
	case FLLM_TEST_SPIN:
		if (args->seed == UINT64_MAX)
			return FLLM_HLS_CYCLES_NEVER;
		return args->seed;
	default:
		return FLLM_HLS_TEST_OVERHEAD_CYCLES;
	}
}
