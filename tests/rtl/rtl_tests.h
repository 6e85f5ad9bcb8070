/* The suites of the rtl test programs, one array per source file. */
#ifndef FLLM_RTL_TESTS_H
#define FLLM_RTL_TESTS_H

#include <CUnit/CUnit.h>

extern CU_TestInfo rtl_golden_tests[];
extern CU_TestInfo rtl_golden_long_tests[];
extern CU_TestInfo rtl_param_tests[];
extern CU_TestInfo rtl_random_tests[];
extern CU_TestInfo rtl_long_tests[];

#endif /* FLLM_RTL_TESTS_H */
