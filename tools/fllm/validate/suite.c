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
	{ "unit_lutgemm", "LUT-GEMM commands on random shapes equal the golden model",
	  val_check_unit_lutgemm },
	{ "unit_vector", "vector commands on random shapes equal the golden model",
	  val_check_unit_vector },
	{ "unit_attention", "attention APPEND and DECODE on random shapes equal the golden model",
	  val_check_unit_attention },
};
const size_t val_check_count = sizeof(val_checks) / sizeof(val_checks[0]);

/* Run each check once, timing it and failing any that leaks a handle. */
void val_suite_run(struct val_ctx *ctx, struct val_result *results)
{
	struct val_result *r;
	uint64_t handles;
	double t0;
	size_t i;

	for (i = 0; i < val_check_count; i++) {
		r = &results[i];
		r->outcome = VAL_PASS;
		r->message[0] = '\0';
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
	}
}
