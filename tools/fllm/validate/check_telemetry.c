/* Check "telemetry": sensor readings are in plausible ranges and energy adds up. */
#include <time.h>

#include "check.h"
#include "fllm_card.h"

#define TEL_SLEEP_MS 100
#define TEL_TEMP_MIN_MC 0
#define TEL_TEMP_MAX_MC 110000
#define TEL_VCCINT_MIN_MV 500
#define TEL_VCCINT_MAX_MV 1200

/* Two samples TEL_SLEEP_MS apart: power > 0, die temperature 0..110 C,
 * VCCINT 0.5..1.2 V, utilisation <= 1000 per mille, energy strictly rising. */
void val_check_telemetry(struct val_ctx *ctx, struct val_result *res)
{
	struct timespec nap = { 0, TEL_SLEEP_MS * 1000000L };
	fllm_telemetry a, b;
	fllm_status st;

	if (!(ctx->info.caps & FLLM_CAP_TELEMETRY)) {
		val_skip(res, "card has no sensors (FLLM_CAP_TELEMETRY clear)");
		return;
	}
	st = fllm_device_telemetry(ctx->dev, &a);
	if (st == FLLM_OK) {
		nanosleep(&nap, NULL);
		st = fllm_device_telemetry(ctx->dev, &b);
	}
	if (st != FLLM_OK) {
		val_fail(res, "reading telemetry: %s", fllm_status_str(st));
		return;
	}
	if (!b.power_mw) {
		val_fail(res, "board power reads 0 mW");
		return;
	}
	if (b.temp_mc < TEL_TEMP_MIN_MC || b.temp_mc > TEL_TEMP_MAX_MC) {
		val_fail(res, "die temperature %.3f C outside %d..%d C", b.temp_mc / 1000.0,
			 TEL_TEMP_MIN_MC / 1000, TEL_TEMP_MAX_MC / 1000);
		return;
	}
	if (b.vccint_mv < TEL_VCCINT_MIN_MV || b.vccint_mv > TEL_VCCINT_MAX_MV) {
		val_fail(res, "VCCINT %u mV outside %u..%u mV", b.vccint_mv, TEL_VCCINT_MIN_MV,
			 TEL_VCCINT_MAX_MV);
		return;
	}
	if (b.util_permille > 1000 || b.mem_util_permille > 1000) {
		val_fail(res, "utilisation %u / memory %u per mille exceeds 1000",
			 b.util_permille, b.mem_util_permille);
		return;
	}
	if (b.energy_mj <= a.energy_mj) {
		val_fail(res, "energy did not rise over %d ms: %llu -> %llu mJ", TEL_SLEEP_MS,
			 (unsigned long long)a.energy_mj, (unsigned long long)b.energy_mj);
		return;
	}
	val_pass(res, "%.2f W, %.1f C, %u mV, energy +%llu mJ in %d ms", b.power_mw / 1000.0,
		 b.temp_mc / 1000.0, b.vccint_mv, (unsigned long long)(b.energy_mj - a.energy_mj),
		 TEL_SLEEP_MS);
}
