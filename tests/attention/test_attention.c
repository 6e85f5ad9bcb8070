/*
 * The attention unit's golden model (hls/attention*.c) against the
 * independent reference of docs/numerics.md "Attention unit" (attn_ref.c):
 * random commands bit for bit, hand-derived cases of the arithmetic steps,
 * every parameter-block check, and accuracy against fp64 attention.
 */
#include "attn_tests.h"
#include "test_main.h"

int fllm_test_register(void)
{
	static const fllm_test_part_fn parts[] = {
		at_register_diff, at_register_steps, at_register_params, at_register_accuracy,
		NULL,
	};

	return fllm_test_register_parts(parts);
}
