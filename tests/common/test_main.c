/* Shared main() for the CUnit test programs: see test_main.h. */
#include "test_main.h"

#include <CUnit/Basic.h>
#include <stdio.h>

#define TEST_SKIPS_MAX 64
#define TEST_SKIP_EXIT 77

/* Skip lines for the summary, and the tests that skipped (each counted once). */
static char skip_lines[TEST_SKIPS_MAX][160];
static unsigned n_skip_lines, n_skip_lost, n_skipped_tests;
static const CU_Test *last_skipped_test;

void fllm_test_skip(const char *what, const char *reason)
{
	const CU_Test *t = CU_get_current_test();

	printf("\nskipped: %s: %s\n", what, reason);
	if (n_skip_lines < TEST_SKIPS_MAX)
		snprintf(skip_lines[n_skip_lines++], sizeof(skip_lines[0]), "skipped: %s: %s",
			 what, reason);
	else
		n_skip_lost++;
	if (t && t != last_skipped_test) {
		last_skipped_test = t;
		n_skipped_tests++;
	}
}

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
	unsigned failures, tests_run;

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
	tests_run = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	for (unsigned i = 0; i < n_skip_lines; i++)
		printf("%s\n", skip_lines[i]);
	if (n_skip_lost)
		printf("skipped: %u more\n", n_skip_lost);
	if (failures)
		return 1;
	if (tests_run && n_skipped_tests == tests_run) {
		printf("SKIP: every test that ran was skipped\n");
		return TEST_SKIP_EXIT;
	}
	return 0;
}
