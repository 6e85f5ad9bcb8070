/*
 * The vector unit's golden model (hls/vector*.c) against the independent
 * reference of docs/numerics.md "Vector unit" (vector_ref.c): random
 * commands bit for bit, hand-derived cases of each arithmetic step, every
 * parameter-block check, and accuracy against fp64 on random data and on
 * stories260K's own activations.
 */
#include "test_main.h"
#include "vector_tests.h"

int fllm_test_register(void)
{
	static const fllm_test_part_fn parts[] = {
		vt_register_diff, vt_register_steps, vt_register_params, vt_register_accuracy,
		NULL,
	};

	return fllm_test_register_parts(parts);
}
