/*
 * One unit command through a card's command path, and the card a suite
 * holds, for the programs that run a compute unit on emu or rtlsim
 * (lutgemm_card, vector_card, rtl_card).
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

/* A suite's init: open the card spec names into *dev; 0, or 1 when it does not open. */
int fllm_test_card_open(const char *spec, fllm_device **dev);

/* A suite's cleanup: close *dev; 1 (printing the count) when a handle is still live. */
int fllm_test_card_close(fllm_device **dev);

#endif /* FLLM_TEST_UNIT_CMD_H */
