/* The lutgemm test program: golden model vs reference, rounding, validation. */
#include "lutgemm_tests.h"
#include "test_main.h"

int fllm_test_register(void)
{
	static CU_SuiteInfo suites[] = {
		{ .pName = "lutgemm rounding", .pTests = lutgemm_round_tests },
		{ .pName = "lutgemm params", .pTests = lutgemm_param_tests },
		{ .pName = "lutgemm differential", .pTests = lutgemm_diff_tests },
		{ .pName = "lutgemm sanity", .pTests = lutgemm_sanity_tests },
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites);
}
