/* Submitting a check's command list and collecting its results (see check.h). */
#include "check.h"

/* One bounded submit-and-wait, so a hung card fails the check, not the tool. */
fllm_status val_submit_wait(fllm_cmdlist *cl, fllm_cmd_result *res, uint32_t nres)
{
	fllm_event *ev;
	fllm_status st, wst;
	uint32_t i;

	st = fllm_cmdlist_submit(cl, &ev);
	if (st != FLLM_OK)
		return st;
	wst = fllm_event_wait(ev, VAL_WAIT_NS);
	if (wst != FLLM_E_TIMEOUT) {
		for (i = 0; i < nres && i < fllm_event_count(ev); i++) {
			st = fllm_event_result(ev, i, &res[i]);
			if (st != FLLM_OK) {
				wst = st;
				break;
			}
		}
	}
	fllm_event_free(ev);
	return wst;
}
