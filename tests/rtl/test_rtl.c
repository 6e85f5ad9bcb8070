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

int fllm_test_register(void)
{
	const char *mode = getenv("FLLM_RTL_TEST");
	int err;

	rtl_skip_unless_built();
	if (mode && !strcmp(mode, "long")) {
		const char *on = getenv("FLLM_RTL_LONG");

		if (!on || strcmp(on, "1")) {
			printf("SKIP: opt-in, set FLLM_RTL_LONG=1\n");
			exit(77);
		}
		err = fllm_test_add_suite("rtl long golden", rtl_init, rtl_fini,
					  rtl_golden_long_tests);
		if (!err)
			err = fllm_test_add_suite("rtl long random", rtl_init, rtl_fini,
						  rtl_long_tests);
		return err;
	}
	err = fllm_test_add_suite("rtl golden", rtl_init, rtl_fini, rtl_golden_tests);
	if (!err)
		err = fllm_test_add_suite("rtl params", rtl_init, rtl_fini, rtl_param_tests);
	if (!err)
		err = fllm_test_add_suite("rtl random", rtl_init, rtl_fini, rtl_random_tests);
	if (!err)
		err = fllm_test_add_suite("rtl test unit", rtl_test_unit_open,
					  rtl_test_unit_close, rtl_test_unit_tests);
	return err;
}
