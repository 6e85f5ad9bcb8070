/*
 * The rtl test program: the Verilated LUT-GEMM unit against the golden
 * model (hls/lutgemm.c) bit for bit, and its parameter-block validation;
 * the Verilated test unit against hls/test_unit.c.
 * Exits 77 (SKIP) when the build has no RTL model. With FLLM_RTL_TEST=long
 * (ctest test_rtl_long, label rtl-long) it runs the long suites instead,
 * and only when FLLM_RTL_LONG=1 (opt-in; SKIP otherwise).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtl_diff.h"
#include "rtl_tests.h"
#include "test_main.h"

static int rtl_init(void)
{
	return rtl_unit_open();
}

static int rtl_fini(void)
{
	rtl_unit_close();
	return 0;
}

/* A suite on the LUT-GEMM unit rtl_unit. */
#define RTL_SUITE(name, tests)                                                            \
	{ .pName = (name), .pInitFunc = rtl_init, .pCleanupFunc = rtl_fini, .pTests = (tests) }

int fllm_test_register(void)
{
	static CU_SuiteInfo suites[] = {
		RTL_SUITE("rtl golden", rtl_golden_tests),
		RTL_SUITE("rtl params", rtl_param_tests),
		RTL_SUITE("rtl random", rtl_random_tests),
		{ .pName = "rtl test unit", .pInitFunc = rtl_test_unit_open,
		  .pCleanupFunc = rtl_test_unit_close, .pTests = rtl_test_unit_tests },
		CU_SUITE_INFO_NULL,
	};
	static CU_SuiteInfo long_suites[] = {
		RTL_SUITE("rtl long golden", rtl_golden_long_tests),
		RTL_SUITE("rtl long random", rtl_long_tests),
		CU_SUITE_INFO_NULL,
	};
	const char *mode = getenv("FLLM_RTL_TEST");

	rtl_skip_unless_built();
	if (mode && !strcmp(mode, "long")) {
		const char *on = getenv("FLLM_RTL_LONG");

		if (!on || strcmp(on, "1")) {
			printf("SKIP: opt-in, set FLLM_RTL_LONG=1\n");
			exit(77);
		}
		return CU_register_suites(long_suites);
	}
	return CU_register_suites(suites);
}
