/* Shared main() for the CUnit test programs: see test_main.h. */
#include "test_main.h"

#include <CUnit/Basic.h>
#include <stdio.h>

void fllm_test_report_mismatch(const char *file, int line, const char *expr,
			       unsigned long long actual, unsigned long long expected)
{
	fprintf(stderr, "%s:%d: %s = %llu (0x%llx), expected %llu (0x%llx)\n", file, line, expr,
		actual, actual, expected, expected);
}

/* Status values are printed as numbers: the test library does not link libfllm. */
void fllm_test_report_status(const char *file, int line, const char *expr, int actual,
			     int expected)
{
	fprintf(stderr, "%s:%d: %s returned status %d, expected %d\n", file, line, expr, actual,
		expected);
}

int fllm_test_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc fini,
			CU_TestInfo *tests)
{
	return fllm_test_add_suite_each(name, init, fini, tests, NULL);
}

int fllm_test_add_suite_each(const char *name, CU_InitializeFunc init, CU_CleanupFunc fini,
			     CU_TestInfo *tests, CU_TearDownFunc after_each)
{
	CU_pSuite suite = CU_add_suite_with_setup_and_teardown(name, init, fini, NULL, after_each);

	if (!suite)
		return CU_get_error();
	for (CU_TestInfo *t = tests; t->pName; t++)
		if (!CU_add_test(suite, t->pName, t->pTestFunc))
			return CU_get_error();
	return CUE_SUCCESS;
}

int fllm_test_register_parts(const fllm_test_part_fn *parts)
{
	int err = CUE_SUCCESS;

	for (; *parts && !err; parts++)
		err = (*parts)();
	return err;
}

int main(void)
{
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
		return 2;
	}
	if (fllm_test_register() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit: registering tests: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed() +
		   CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
