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

fllm_cmdlist *val_cmdlist_create(struct val_ctx *ctx, struct val_result *res)
{
	fllm_cmdlist *cl;
	fllm_status st = fllm_cmdlist_create(ctx->dev, &cl);

	if (st != FLLM_OK) {
		val_fail(res, "creating a command list: %s", fllm_status_str(st));
		return NULL;
	}
	return cl;
}

fllm_status val_run_one(fllm_device *dev, fllm_status (*record)(fllm_cmdlist *cl, void *arg),
			void *arg, fllm_cmd_result *r)
{
	fllm_cmdlist *cl;
	fllm_status st;

	st = fllm_cmdlist_create(dev, &cl);
	if (st != FLLM_OK)
		return st;
	st = record(cl, arg);
	if (st == FLLM_OK)
		st = val_submit_wait(cl, r, 1);
	fllm_cmdlist_free(cl);
	return st;
}
