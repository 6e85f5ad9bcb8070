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
	int err = at_register_diff();

	if (!err)
		err = at_register_steps();
	if (!err)
		err = at_register_params();
	if (!err)
		err = at_register_accuracy();
	return err;
}
