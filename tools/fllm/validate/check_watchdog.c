/* Check "watchdog": a hung compute unit is reset and reported, and work goes on. */
#include "check.h"
#include "fllm_card.h"

#define WATCHDOG_TIMEOUT_US 20000u

/* Spin the test unit forever with a 20 ms budget: the submission must end in
 * FLLM_E_WATCHDOG with card status WATCHDOG, the telemetry counter must
 * grow by one, and a NOP submitted afterwards must succeed. */
void val_check_watchdog(struct val_ctx *ctx, struct val_result *res)
{
	fllm_telemetry before, after;
	fllm_cmd_result r = { 0 };
	fllm_cmdlist *cl;
	fllm_status st;

	if (!(ctx->info.caps & FLLM_CAP_WATCHDOG)) {
		val_skip(res, "card has no watchdog (FLLM_CAP_WATCHDOG clear)");
		return;
	}
	st = fllm_device_telemetry(ctx->dev, &before);
	if (st != FLLM_OK) {
		val_fail(res, "reading telemetry: %s", fllm_status_str(st));
		return;
	}
	cl = val_cmdlist_create(ctx, res);
	if (!cl)
		return;
	st = fllm_cmdlist_spin(cl, UINT64_MAX, WATCHDOG_TIMEOUT_US);
	if (st == FLLM_OK)
		st = val_submit_wait(cl, &r, 1);
	if (st != FLLM_E_WATCHDOG || r.card_status != FLLM_CARD_ERR_WATCHDOG) {
		val_fail(res, "endless spin ended with %s, card status %u; expected %s, %u",
			 fllm_status_str(st), r.card_status, fllm_status_str(FLLM_E_WATCHDOG),
			 FLLM_CARD_ERR_WATCHDOG);
		goto err_free_cl;
	}
	st = fllm_device_telemetry(ctx->dev, &after);
	if (st != FLLM_OK) {
		val_fail(res, "reading telemetry: %s", fllm_status_str(st));
		goto err_free_cl;
	}
	if (after.watchdog_resets != before.watchdog_resets + 1) {
		val_fail(res, "watchdog counter went from %u to %u, expected +1",
			 before.watchdog_resets, after.watchdog_resets);
		goto err_free_cl;
	}
	fllm_cmdlist_reset(cl);
	st = fllm_cmdlist_nop(cl);
	if (st == FLLM_OK)
		st = fllm_cmdlist_spin(cl, 1000, 0);
	if (st == FLLM_OK)
		st = val_submit_wait(cl, NULL, 0);
	if (st != FLLM_OK) {
		val_fail(res, "work after the watchdog fired: %s", fllm_status_str(st));
		goto err_free_cl;
	}
	val_pass(res, "unit reset after %.1f ms budget, counter %u -> %u, card works after",
		 WATCHDOG_TIMEOUT_US / 1000.0, before.watchdog_resets, after.watchdog_resets);
err_free_cl:
	fllm_cmdlist_free(cl);
}
