/* The suites of the lutgemm test program, one array per source file. */
#ifndef FLLM_LUTGEMM_TESTS_H
#define FLLM_LUTGEMM_TESTS_H

#include <CUnit/CUnit.h>

extern CU_TestInfo lutgemm_diff_tests[];
extern CU_TestInfo lutgemm_round_tests[];
extern CU_TestInfo lutgemm_param_tests[];
extern CU_TestInfo lutgemm_sanity_tests[];

#endif /* FLLM_LUTGEMM_TESTS_H */
