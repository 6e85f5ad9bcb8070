/* Check "register_scratch": BAR0 writes and reads round-trip unchanged. */
#include "check.h"
#include "fllm_card.h"

/* Write patterns that catch stuck, shorted and swapped data lines, read each
 * back, then restore the register's original value. */
void val_check_scratch(struct val_ctx *ctx, struct val_result *res)
{
	static const uint32_t patterns[] = {
		0x00000000u, 0xffffffffu, 0xaaaaaaaau, 0x55555555u, 0x12345678u,
		0x87654321u, 0x00000001u, 0x80000000u, 0xdeadbeefu,
	};
	uint32_t saved, got, pat;
	fllm_status st;
	unsigned int i, bit;

	st = fllm_device_reg_read(ctx->dev, FLLM_REG_SCRATCH, &saved);
	if (st != FLLM_OK) {
		val_fail(res, "reading SCRATCH: %s", fllm_status_str(st));
		return;
	}
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]) + 32; i++) {
		bit = i - (unsigned int)(sizeof(patterns) / sizeof(patterns[0]));
		pat = i < sizeof(patterns) / sizeof(patterns[0]) ? patterns[i] : 1u << bit;
		st = fllm_device_reg_write(ctx->dev, FLLM_REG_SCRATCH, pat);
		if (st == FLLM_OK)
			st = fllm_device_reg_read(ctx->dev, FLLM_REG_SCRATCH, &got);
		if (st != FLLM_OK) {
			val_fail(res, "SCRATCH access with 0x%08x: %s", pat,
					fllm_status_str(st));
			return;
		}
		if (got != pat) {
			val_fail(res, "SCRATCH wrote 0x%08x, read 0x%08x", pat, got);
			return;
		}
	}
	st = fllm_device_reg_write(ctx->dev, FLLM_REG_SCRATCH, saved);
	if (st != FLLM_OK) {
		val_fail(res, "restoring SCRATCH: %s", fllm_status_str(st));
		return;
	}
	val_pass(res, "%u patterns", i);
}
