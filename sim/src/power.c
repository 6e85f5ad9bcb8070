/*
 * Activity-based power and thermal model for the telemetry registers,
 * roughly an Alveo U280 (about 37 W idle, about 65 W flat out; the
 * coefficients are fllm_card_power.h's, sources in docs/power.md):
 *
 *   P = P_STATIC + P_CU * util + E_LUT * lut_ops/s + E_MAC * macs/s
 *       + E_VOP * vec_ops/s + E_DMA * dma_bytes/s + E_MEM * mem_bytes/s
 *
 * util is the fraction of the window in which a compute unit was busy (the
 * firmware runs one command at a time, so at most one is), the operation
 * counts the units' arithmetic (TEL_LUT_OPS, TEL_MACS, TEL_VEC_OPS), dma bytes are
 * what crossed PCIe (DMA descriptors and DMA_COPY to or from the host), mem
 * bytes all card-memory traffic. Die temperature follows a first-order RC
 * model toward T_AMB + R_TH * P with time constant TAU; VCCINT droops a
 * little with dynamic power. Energy is integrated in mJ. The model runs on
 * card time (kernel-clock cycles), not the host's: while a unit's C model
 * or RTL simulation holds the card clock, no card time passes, so a card
 * whose units simulate slower than real time (rtlsim) still reports the
 * power of a card running them at speed. Updates come at most every
 * FLLM_SIM_POWER_PERIOD_NS of host time, over the card time since the last.
 */
#include "fllm_card_power.h"
#include "sim_internal.h"

#define FLLM_SIM_POWER_PERIOD_NS 1000000u	/* update every ms */
#define P_STATIC_W	FLLM_POWER_STATIC_W
#define P_CU_W		FLLM_POWER_CU_W
#define E_DMA_J_PER_B	FLLM_POWER_DMA_J_PER_BYTE
#define E_MEM_J_PER_B	FLLM_POWER_MEM_J_PER_BYTE
#define E_LUT_J		FLLM_POWER_LUT_OP_J
#define E_MAC_J		FLLM_POWER_MAC_J
#define E_VOP_J		FLLM_POWER_VEC_OP_J
#define T_AMB_C		35.0	/* air at the heat sink inlet */
#define R_TH_C_PER_W	0.5	/* heat sink to air */
#define TAU_S		2.0	/* die + heat sink time constant */
#define VCCINT_MV	850.0
#define VCCINT_DROOP_MV_PER_W 0.25

/* Start the model from idle at ambient-plus-idle temperature, no energy. */
void fllm_sim_power_reset(struct fllm_sim *sim)
{
	struct fllm_sim_power *p = &sim->power;

	if (p->temp_c == 0)
		p->temp_c = T_AMB_C + R_TH_C_PER_W * P_STATIC_W;
	p->last_ns = fllm_sim_now_ns(sim);
	p->last_cycles = fllm_sim_cycles(sim);
	p->last_busy = 0;
	p->last_dma = 0;
	p->last_mem = 0;
	p->last_lut = p->last_mac = p->last_vop = 0;
	p->energy_mj = 0;
	fllm_sim_reg_set(sim, FLLM_REG_TEL_POWER_MW, (uint32_t)(P_STATIC_W * 1000));
	fllm_sim_reg_set(sim, FLLM_REG_TEL_TEMP_MC, (uint32_t)(p->temp_c * 1000));
	fllm_sim_reg_set(sim, FLLM_REG_TEL_VCCINT_MV, (uint32_t)VCCINT_MV);
	fllm_sim_reg_set(sim, FLLM_REG_TEL_UTIL, 0);
	fllm_sim_reg_set(sim, FLLM_REG_TEL_MEM_UTIL, 0);
	fllm_sim_reg_set64(sim, FLLM_REG_TEL_ENERGY_LO, 0);
}

/* Fraction in [0, 1] as per mille. */
static uint32_t per_mille(double f)
{
	if (f < 0)
		f = 0;
	if (f > 1)
		f = 1;
	return (uint32_t)(f * 1000 + 0.5);
}

/* Advance the model to now and publish it, once per period. */
void fllm_sim_power_update(struct fllm_sim *sim)
{
	struct fllm_sim_power *p = &sim->power;
	uint64_t now = fllm_sim_now_ns(sim), cyc;
	uint64_t busy, dma, mem;
	double dt, util, dma_bps, mem_bps, peak_bps, watts, target;

	if (now - p->last_ns < FLLM_SIM_POWER_PERIOD_NS)
		return;
	cyc = fllm_sim_cycles(sim);
	if (cyc <= p->last_cycles)
		return;
	dt = (double)(cyc - p->last_cycles) / (sim->cfg.clock_khz * 1000.0);
	busy = fllm_sim_cu_busy_cycles(sim);
	dma = sim->dma_bytes;
	mem = sim->mem_bytes;
	/* units run one command at a time: busy cycles of all units over the window */
	util = (double)(busy - p->last_busy) / (double)(cyc - p->last_cycles);
	if (util > 1)
		util = 1;
	dma_bps = (double)(dma - p->last_dma) / dt;
	mem_bps = (double)(mem - p->last_mem) / dt;
	peak_bps = (double)sim->cfg.mem_channels * sim->cfg.chan_mbps * 1e6;
	watts = P_STATIC_W + P_CU_W * util + E_DMA_J_PER_B * dma_bps + E_MEM_J_PER_B * mem_bps +
		(E_LUT_J * (double)(sim->lut_ops - p->last_lut) +
		 E_MAC_J * (double)(sim->macs - p->last_mac) +
		 E_VOP_J * (double)(sim->vec_ops - p->last_vop)) / dt;
	target = T_AMB_C + R_TH_C_PER_W * watts;
	p->temp_c += (target - p->temp_c) * dt / (TAU_S + dt);
	p->energy_mj += watts * dt * 1000.0;
	p->last_ns = now;
	p->last_cycles = cyc;
	p->last_busy = busy;
	p->last_dma = dma;
	p->last_mem = mem;
	p->last_lut = sim->lut_ops;
	p->last_mac = sim->macs;
	p->last_vop = sim->vec_ops;
	fllm_sim_reg_set(sim, FLLM_REG_TEL_POWER_MW, (uint32_t)(watts * 1000.0));
	fllm_sim_reg_set(sim, FLLM_REG_TEL_TEMP_MC, (uint32_t)(p->temp_c * 1000.0));
	fllm_sim_reg_set(sim, FLLM_REG_TEL_VCCINT_MV,
			 (uint32_t)(VCCINT_MV - VCCINT_DROOP_MV_PER_W * (watts - P_STATIC_W)));
	fllm_sim_reg_set(sim, FLLM_REG_TEL_UTIL, per_mille(util));
	fllm_sim_reg_set(sim, FLLM_REG_TEL_MEM_UTIL, per_mille(mem_bps / peak_bps));
	fllm_sim_reg_set64(sim, FLLM_REG_TEL_ENERGY_LO, (uint64_t)p->energy_mj);
}
