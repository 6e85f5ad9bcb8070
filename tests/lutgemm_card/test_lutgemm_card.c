/*
 * The lutgemm_card test program: FLLM_OP_LUTGEMM through libfllm, the emu
 * backend, the firmware and the card model's LUT-GEMM unit, against the
 * scalar reference and the hls kernel called directly.
 */
#include "lg_card.h"
#include "lg_card_tests.h"
#include "test_main.h"

int fllm_test_register(void)
{
	int err;

	err = fllm_test_add_suite("lutgemm card agreement", lg_suite_open, lg_suite_close,
				  lg_card_agree_tests);
	if (!err)
		err = fllm_test_add_suite("lutgemm card errors", lg_suite_open, lg_suite_close,
					  lg_card_error_tests);
	if (!err)
		err = fllm_test_add_suite("lutgemm card cycles", lg_suite_open, lg_suite_close,
					  lg_card_cycle_tests);
	return err;
}
