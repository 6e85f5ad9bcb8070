/* The suites of the rtl test programs, one array per source file. */
#ifndef FLLM_RTL_TESTS_H
#define FLLM_RTL_TESTS_H

#include <CUnit/CUnit.h>

extern CU_TestInfo rtl_golden_tests[];
extern CU_TestInfo rtl_golden_long_tests[];
extern CU_TestInfo rtl_param_tests[];
extern CU_TestInfo rtl_random_tests[];
extern CU_TestInfo rtl_long_tests[];
extern CU_TestInfo rtl_test_unit_tests[];

/* The test unit's own instance (test_rtl_test_unit.c). */
int rtl_test_unit_open(void);
int rtl_test_unit_close(void);

#endif /* FLLM_RTL_TESTS_H */
