/*
 * The suites of the rtl test programs, one array per source file, and the
 * one way they make a unit: with the reference card's channel timing.
 */
#ifndef FLLM_RTL_TESTS_H
#define FLLM_RTL_TESTS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>

#include "fllm_rtl.h"

extern CU_TestInfo rtl_golden_tests[];
extern CU_TestInfo rtl_golden_long_tests[];
extern CU_TestInfo rtl_param_tests[];
extern CU_TestInfo rtl_random_tests[];
extern CU_TestInfo rtl_long_tests[];
extern CU_TestInfo rtl_test_unit_tests[];

/* The test unit's own instance (test_rtl_test_unit.c). */
int rtl_test_unit_open(void);
int rtl_test_unit_close(void);

/* Exit 77 (SKIP) with the reason when the build has no RTL model. */
static inline void rtl_skip_unless_built(void)
{
	const char *why = fllm_rtl_unavailable();

	if (why) {
		printf("SKIP: %s\n", why);
		exit(77);
	}
}

/*
 * The RTL unit of cu_type (FLLM_CU_*) behind the HBM channels of the
 * reference card (300 MHz, 14.375 GB/s a pseudo-channel); 0, or the
 * create call's error, said on stderr.
 */
static inline int rtl_ref_unit(uint32_t cu_type, struct fllm_rtl_unit **u)
{
	struct fllm_rtl_timing t;
	int rc;

	fllm_rtl_timing_hbm(&t, 300000, 14375);
	rc = fllm_rtl_unit_create(cu_type, &t, u);
	if (rc)
		fprintf(stderr, "fllm_rtl_unit_create(cu type %u): %d\n", cu_type, rc);
	return rc;
}

/* Destroy *u (from rtl_ref_unit) and clear it; 0, as a suite cleanup returns. */
static inline int rtl_ref_unit_close(struct fllm_rtl_unit **u)
{
	fllm_rtl_unit_destroy(*u);
	*u = NULL;
	return 0;
}

#endif /* FLLM_RTL_TESTS_H */
