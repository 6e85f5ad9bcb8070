/* Card-model tests: registration. */
#include "test_main.h"
#include "test_sim.h"

int fllm_test_register(void)
{
	int rc = fllm_test_add_suite("sim_regs", NULL, NULL, sim_reg_tests);

	if (!rc)
		rc = fllm_test_add_suite("sim_dma", NULL, NULL, sim_dma_tests);
	if (!rc)
		rc = fllm_test_add_suite("sim_cmd", NULL, NULL, sim_cmd_tests);
	return rc;
}
