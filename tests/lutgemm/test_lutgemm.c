/* The lutgemm test program: golden model vs reference, rounding, validation. */
#include "lutgemm_tests.h"
#include "test_main.h"

int fllm_test_register(void)
{
	int err;

	err = fllm_test_add_suite("lutgemm rounding", NULL, NULL, lutgemm_round_tests);
	if (!err)
		err = fllm_test_add_suite("lutgemm params", NULL, NULL, lutgemm_param_tests);
	if (!err)
		err = fllm_test_add_suite("lutgemm differential", NULL, NULL, lutgemm_diff_tests);
	if (!err)
		err = fllm_test_add_suite("lutgemm sanity", NULL, NULL, lutgemm_sanity_tests);
	return err;
}
