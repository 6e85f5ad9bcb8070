/* Firmware unit tests: registration. */
#include "test_main.h"
#include "test_fw.h"

int fllm_test_register(void)
{
	int rc = fllm_test_add_suite("fw_validate", NULL, NULL, fw_validate_tests);

	if (rc)
		return rc;
	return fllm_test_add_suite("fw_poll", NULL, NULL, fw_poll_tests);
}
