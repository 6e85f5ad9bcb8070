/*
 * CONTROL.RESET: abort everything and return to the power-on state, except
 * the host's configuration registers (ring bases and sizes, IRQ_MASK,
 * WATCHDOG_US, SCRATCH) and RESET_COUNT. The command in progress completes
 * nothing: the host re-initializes its rings afterwards.
 */
#include "sim_internal.h"

/* Run a reset in the card thread; the host sees STATUS.READY at the end. */
void fllm_sim_reset(struct fllm_sim *sim)
{
	static const uint32_t zeroed[] = {
		FLLM_REG_SQ_TAIL, FLLM_REG_SQ_HEAD, FLLM_REG_CQ_HEAD, FLLM_REG_CQ_TAIL,
		FLLM_REG_IRQ_STATUS, FLLM_REG_IRQ_ACK, FLLM_REG_IRQ_COUNT,
		FLLM_REG_TEL_CYCLES_LO, FLLM_REG_TEL_CYCLES_HI, FLLM_REG_TEL_DMA_ERRORS,
		FLLM_REG_TEL_WEIGHT_LO, FLLM_REG_TEL_WEIGHT_HI, FLLM_REG_TEL_MEMB_LO,
		FLLM_REG_TEL_MEMB_HI, FLLM_REG_TEL_LUT_OPS_LO, FLLM_REG_TEL_LUT_OPS_HI,
		FLLM_REG_TEL_MACS_LO, FLLM_REG_TEL_MACS_HI, FLLM_REG_TEL_VEC_OPS_LO,
		FLLM_REG_TEL_VEC_OPS_HI,
	};

	fllm_sim_reg_set(sim, FLLM_REG_STATUS, FLLM_STATUS_RESETTING);
	for (uint32_t i = 0; i < FLLM_SIM_CU_COUNT; i++) {
		fllm_sim_cu_reset(sim, i);
		sim->cu[i] = (struct fllm_sim_cu){ 0 };
		fllm_sim_reg_set64(sim, FLLM_REG_CU_BUSY_LO(i), 0);
	}
	fllm_sim_dma_reset(sim);
	for (size_t i = 0; i < sizeof(zeroed) / sizeof(zeroed[0]); i++)
		fllm_sim_reg_set(sim, zeroed[i], 0);
	sim->cycle_base = fllm_sim_raw_cycles(sim);
	sim->dma_bytes = 0;
	sim->mem_bytes = 0;
	sim->weight_bytes = 0;
	sim->lut_ops = sim->macs = sim->vec_ops = 0;
	sim->dma_errors = 0;
	fllm_sim_power_reset(sim);
	fw_reset(&sim->fw, &sim->hal);
	fllm_sim_reg_set(sim, FLLM_REG_CONTROL, 0);
	fllm_sim_reg_set(sim, FLLM_REG_STATUS, FLLM_STATUS_READY);
}
