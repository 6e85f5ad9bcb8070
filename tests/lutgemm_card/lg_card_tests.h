/* The suites of the lutgemm_card test program, one array per source file. */
#ifndef FLLM_LG_CARD_TESTS_H
#define FLLM_LG_CARD_TESTS_H

#include <CUnit/CUnit.h>

extern CU_TestInfo lg_card_agree_tests[];
extern CU_TestInfo lg_card_error_tests[];
extern CU_TestInfo lg_card_cycle_tests[];
extern CU_TestInfo lg_card_busy_tests[];

#endif /* FLLM_LG_CARD_TESTS_H */
