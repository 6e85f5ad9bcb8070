/*
 * One unit command through a card's command path, for the programs that
 * run a compute unit on emu or rtlsim (lutgemm_card, vector_card, rtl_card).
 */
#ifndef FLLM_TEST_UNIT_CMD_H
#define FLLM_TEST_UNIT_CMD_H

#include <stdint.h>

#include "fllm/fllm.h"

/* Records one unit command: fllm_cmdlist_lutgemm or fllm_cmdlist_vector. */
typedef fllm_status (*fllm_test_unit_cmd)(fllm_cmdlist *cl, fllm_bo *params, uint64_t offset,
					  uint32_t bytes);

/*
 * Record cmd on the parameter block at offset of params (bytes long) in a
 * list of its own, submit it and wait up to 30 s; *res receives the
 * command's result (zeroed when there is none). Returns the first failure.
 */
fllm_status fllm_test_unit_cmd_run(fllm_device *dev, fllm_test_unit_cmd cmd, fllm_bo *params,
				   uint64_t offset, uint32_t bytes, fllm_cmd_result *res);

#endif /* FLLM_TEST_UNIT_CMD_H */
