/* Card-model test suites. */
#ifndef FLLM_TEST_SIM_H
#define FLLM_TEST_SIM_H

#include <CUnit/CUnit.h>

extern CU_TestInfo sim_reg_tests[];
extern CU_TestInfo sim_dma_tests[];
extern CU_TestInfo sim_cmd_tests[];

#endif /* FLLM_TEST_SIM_H */
