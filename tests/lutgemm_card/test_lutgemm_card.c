/*
 * The lutgemm_card test program: FLLM_OP_LUTGEMM through libfllm, the emu
 * backend, the firmware and the card model's LUT-GEMM unit, against the
 * scalar reference and the hls kernel called directly.
 */
#include "lg_card.h"
#include "lg_card_tests.h"
#include "test_main.h"

/* Each suite holds the card lg_dev; its cleanup fails when a handle is left. */
#define LG_CARD_SUITE(name, tests)                                                        \
	{ .pName = (name), .pInitFunc = lg_suite_open, .pCleanupFunc = lg_suite_close,     \
	  .pTests = (tests) }

int fllm_test_register(void)
{
	static CU_SuiteInfo suites[] = {
		LG_CARD_SUITE("lutgemm card agreement", lg_card_agree_tests),
		LG_CARD_SUITE("lutgemm card errors", lg_card_error_tests),
		LG_CARD_SUITE("lutgemm card cycles", lg_card_cycle_tests),
		LG_CARD_SUITE("per-unit busy counters", lg_card_busy_tests),
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites);
}
