/* The validation suite's check table and runner (see check.h). */
#include <stdio.h>

#include "../units.h"
#include "check.h"

const struct val_check val_checks[] = {
	{ "identity", "magic register and supported interface version",
	  val_check_identity },
	{ "register_scratch", "patterns written to and read back from the scratch register",
	  val_check_scratch },
	{ "dma_loopback", "random data written to card memory and read back, 4 KiB and up",
	  val_check_dma_loopback },
	{ "dma_unaligned", "odd offsets and lengths leave neighbouring bytes intact",
	  val_check_dma_unaligned },
	{ "card_view", "the card's CHECK agrees with data the host wrote",
	  val_check_card_view },
	{ "memory_patterns", "card FILL/CHECK patterns across memory channels, host verified",
	  val_check_mem_patterns },
	{ "command_errors", "malformed commands complete with the matching card error",
	  val_check_cmd_errors },
	{ "watchdog", "a hung compute unit is reset and the card keeps working",
	  val_check_watchdog },
	{ "timestamps", "card timestamps are monotonic and match the clock",
	  val_check_timestamps },
	{ "telemetry", "power, temperature and energy readings are plausible",
	  val_check_telemetry },
	{ "dma_bandwidth", "host-to-card and card-to-host DMA rates reach a floor",
	  val_check_dma_bandwidth },
	{ "pcie_link", "the PCIe link runs at the card's maximum speed and width",
	  val_check_pcie_link },
	{ "power_load", "power and temperature under sustained load; energy adds up",
	  val_check_power_load },
	{ "unit_lutgemm", "LUT-GEMM commands on random shapes equal the golden model",
	  val_check_unit_lutgemm },
	{ "unit_vector", "vector commands on random shapes equal the golden model",
	  val_check_unit_vector },
	{ "unit_attention", "attention APPEND and DECODE on random shapes equal the golden model",
	  val_check_unit_attention },
};
const size_t val_check_count = sizeof(val_checks) / sizeof(val_checks[0]);

/* Fold one run's result r of a check into the soak's total t (run k, from 1). */
static void val_merge(struct val_result *t, const struct val_result *r, uint64_t k)
{
	double secs = t->seconds + r->seconds;

	if (k == 1) {
		*t = *r;
		return;
	}
	if (t->outcome == VAL_FAIL) {
		t->seconds = secs;
		return;
	}
	if (r->outcome == VAL_FAIL) {
		t->outcome = VAL_FAIL;
		snprintf(t->message, sizeof(t->message), "run %llu: %.*s", (unsigned long long)k,
			 (int)sizeof(t->message) - 32, r->message);
	} else if (r->outcome == VAL_PASS || t->outcome != VAL_PASS) {
		*t = *r;
	}
	t->seconds = secs;
}

/* Run each check once, timing it and failing any that leaks a handle. */
static void val_suite_once(struct val_ctx *ctx, struct val_result *results, uint64_t k)
{
	struct val_result *r;
	uint64_t handles;
	double t0;
	size_t i;

	for (i = 0; i < val_check_count; i++) {
		struct val_result one = { VAL_PASS, "", 0 };

		r = &one;
		if (k > 1 || ctx->repeat > 1 || ctx->duration_s > 0)
			fprintf(stderr, "run %-4llu ", (unsigned long long)k);
		fprintf(stderr, "[%2zu/%zu] %-18s ... ", i + 1, val_check_count,
			val_checks[i].name);
		fflush(stderr);
		handles = fllm_live_handles();
		t0 = cli_now();
		val_checks[i].run(ctx, r);
		r->seconds = cli_now() - t0;
		if (fllm_live_handles() != handles)
			val_fail(r, "check left %lld runtime handles live",
				 (long long)(fllm_live_handles() - handles));
		fprintf(stderr, "%s (%.3f s)%s%s\n", val_outcome_name(r->outcome), r->seconds,
			r->message[0] ? ": " : "", r->message);
		val_merge(&results[i], r, k);
	}
}

/* See check.h: once, or as a soak until both the repeat count and the
 * duration are reached. */
void val_suite_run(struct val_ctx *ctx, struct val_result *results)
{
	double t0 = cli_now();
	uint64_t k = 0;

	do {
		val_suite_once(ctx, results, ++k);
	} while (k < ctx->repeat || (ctx->duration_s > 0 && cli_now() - t0 < ctx->duration_s));
	ctx->runs = k;
}
