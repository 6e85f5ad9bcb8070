/* Firmware test suites. */
#ifndef FLLM_TEST_FW_H
#define FLLM_TEST_FW_H

#include <CUnit/CUnit.h>

extern CU_TestInfo fw_validate_tests[];
extern CU_TestInfo fw_poll_tests[];

#endif /* FLLM_TEST_FW_H */
