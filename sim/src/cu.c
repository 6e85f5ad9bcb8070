/*
 * Compute units. The inventory holds CU 0, the test unit. Starting a unit
 * runs its hls/ function on card memory at once; the unit reports done once
 * the card clock has advanced by the unit's modeled cycle count, so timing
 * and the watchdog behave as on the card.
 */
#include <string.h>

#include "fllm_hls_test.h"
#include "sim_internal.h"

/* Publish the inventory registers. */
void fllm_sim_cu_init(struct fllm_sim *sim)
{
	fllm_sim_reg_set(sim, FLLM_REG_CU_COUNT, FLLM_SIM_CU_COUNT);
	fllm_sim_reg_set(sim, FLLM_REG_CU_INFO(0), FLLM_CU_INFO_MAKE(FLLM_CU_TEST, 1));
	fllm_sim_reg_set(sim, FLLM_REG_CU_CAPS(0), 0);
}

/* Add the unit's busy time up to now (clamped to its end) to busy_cycles. */
static void cu_account(struct fllm_sim_cu *u, uint64_t now)
{
	uint64_t end = now < u->done ? now : u->done;

	if (u->busy && end > u->acct) {
		u->busy_cycles += end - u->acct;
		u->acct = end;
	}
}

/* Start unit i on a validated command. */
void fllm_sim_cu_start(struct fllm_sim *sim, uint32_t i, const struct fllm_cmd *cmd)
{
	struct fllm_sim_cu *u = &sim->cu[i];
	struct fllm_cmd_test args;
	uint64_t now = fllm_sim_cycles(sim);
	uint64_t cycles;

	if (i >= FLLM_SIM_CU_COUNT)
		return;
	u->busy = 1;
	u->start = now;
	u->acct = now;
	u->result = 0;
	u->status = FLLM_CARD_OK;
	if (cmd->opcode != FLLM_OP_TEST) {
		u->status = FLLM_CARD_ERR_PARAM;
		u->done = now;
		return;
	}
	memcpy(&args, cmd->arg, sizeof(args));
	fllm_hls_test_unit((uint64_t *)sim->mem.base, &args, &u->result);
	if (args.op != FLLM_TEST_SPIN)
		sim->mem_bytes += args.bytes;
	cycles = fllm_hls_test_cycles(&args);
	u->done = cycles > UINT64_MAX - now ? UINT64_MAX : now + cycles;
}

/* 1 once unit i has finished, with its status and result. */
int fllm_sim_cu_poll(struct fllm_sim *sim, uint32_t i, uint16_t *status, uint64_t *result)
{
	struct fllm_sim_cu *u = &sim->cu[i];
	uint64_t now = fllm_sim_cycles(sim);

	if (i >= FLLM_SIM_CU_COUNT || !u->busy || now < u->done)
		return 0;
	cu_account(u, now);
	u->busy = 0;
	*status = u->status;
	*result = u->result;
	return 1;
}

/* Stop unit i whatever it was doing. */
void fllm_sim_cu_reset(struct fllm_sim *sim, uint32_t i)
{
	if (i >= FLLM_SIM_CU_COUNT)
		return;
	cu_account(&sim->cu[i], fllm_sim_cycles(sim));
	sim->cu[i].busy = 0;
}

/* 1 if any unit is running. */
int fllm_sim_cu_busy(const struct fllm_sim *sim)
{
	for (uint32_t i = 0; i < FLLM_SIM_CU_COUNT; i++)
		if (sim->cu[i].busy)
			return 1;
	return 0;
}

/* Busy cycles of all units since reset, up to now. */
uint64_t fllm_sim_cu_busy_cycles(struct fllm_sim *sim)
{
	uint64_t now = fllm_sim_cycles(sim);
	uint64_t sum = 0;

	for (uint32_t i = 0; i < FLLM_SIM_CU_COUNT; i++) {
		cu_account(&sim->cu[i], now);
		sum += sim->cu[i].busy_cycles;
	}
	return sum;
}
