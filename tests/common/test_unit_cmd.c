/* One unit command through a card's command path (see test_unit_cmd.h). */
#include "test_unit_cmd.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define UNIT_CMD_WAIT_NS (30 * 1000000000ull)

fllm_status fllm_test_unit_cmd_run(fllm_device *dev, fllm_test_unit_cmd cmd, fllm_bo *params,
				   uint64_t offset, uint32_t bytes, fllm_cmd_result *res)
{
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_status st;

	memset(res, 0, sizeof(*res));
	st = fllm_cmdlist_create(dev, &cl);
	if (st)
		return st;
	st = cmd(cl, params, offset, bytes);
	if (!st)
		st = fllm_cmdlist_submit(cl, &ev);
	if (st)
		goto free_cl;
	st = fllm_event_wait(ev, UNIT_CMD_WAIT_NS);
	if (fllm_event_result(ev, 0, res) != FLLM_OK)
		st = st ? st : FLLM_E_STATE;
	fllm_event_free(ev);
free_cl:
	fllm_cmdlist_free(cl);
	return st;
}

int fllm_test_card_open(const char *spec, fllm_device **dev)
{
	return fllm_device_open(spec, dev) != FLLM_OK;
}

int fllm_test_card_close(fllm_device **dev)
{
	fllm_device_close(*dev);
	*dev = NULL;
	if (fllm_live_handles()) {
		fprintf(stderr, "  %" PRIu64 " handles still live\n", fllm_live_handles());
		return 1;
	}
	return 0;
}
