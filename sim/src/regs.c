/*
 * The register file (BAR0): host-side access with the RO/RW rules of
 * fllm_card.h, card-side access for the model and the firmware, and the
 * identity registers set at create.
 */
#include "sim_internal.h"

/* 1 if the host may write the register at off; writes elsewhere are dropped. */
static int fllm_sim_reg_host_writable(uint32_t off)
{
	uint32_t r;

	switch (off) {
	case FLLM_REG_SCRATCH:
	case FLLM_REG_WATCHDOG_US:
	case FLLM_REG_CONTROL:
	case FLLM_REG_SQ_BASE_LO:
	case FLLM_REG_SQ_BASE_HI:
	case FLLM_REG_SQ_SIZE:
	case FLLM_REG_SQ_TAIL:
	case FLLM_REG_CQ_BASE_LO:
	case FLLM_REG_CQ_BASE_HI:
	case FLLM_REG_CQ_SIZE:
	case FLLM_REG_CQ_HEAD:
	case FLLM_REG_IRQ_MASK:
	case FLLM_REG_IRQ_ACK:
		return 1;
	}
	if (off < FLLM_REG_DMA_BASE ||
	    off >= FLLM_REG_DMA_BASE + FLLM_DMA_CHANNELS * FLLM_REG_DMA_STRIDE)
		return 0;
	r = (off - FLLM_REG_DMA_BASE) % FLLM_REG_DMA_STRIDE;
	return r == FLLM_DMA_BASE_LO || r == FLLM_DMA_BASE_HI || r == FLLM_DMA_SIZE ||
	       r == FLLM_DMA_TAIL || r == FLLM_DMA_CONTROL;
}

/* See fllm_sim.h. Offsets outside BAR0 or unaligned read as all ones. */
uint32_t fllm_sim_reg_read(struct fllm_sim *sim, uint32_t off)
{
	if (off >= FLLM_REG_BAR_SIZE || (off & 3))
		return 0xffffffffu;
	return atomic_load(&sim->regs[off / 4]);
}

/* See fllm_sim.h. IRQ_ACK accumulates until the card thread applies it. */
void fllm_sim_reg_write(struct fllm_sim *sim, uint32_t off, uint32_t val)
{
	if (off >= FLLM_REG_BAR_SIZE || (off & 3) || !fllm_sim_reg_host_writable(off))
		return;
	if (off == FLLM_REG_IRQ_ACK)
		atomic_fetch_or(&sim->regs[off / 4], val);
	else
		atomic_store(&sim->regs[off / 4], val);
	fllm_sim_kick(sim);
}

/* Card-side read of any register. */
uint32_t fllm_sim_reg_get(struct fllm_sim *sim, uint32_t off)
{
	return atomic_load(&sim->regs[off / 4]);
}

/* Card-side write of any register. */
void fllm_sim_reg_set(struct fllm_sim *sim, uint32_t off, uint32_t val)
{
	atomic_store(&sim->regs[off / 4], val);
}

/* Card-side 64-bit counter write: HI first is fine for HI/LO/HI readers. */
void fllm_sim_reg_set64(struct fllm_sim *sim, uint32_t lo, uint64_t val)
{
	fllm_sim_reg_set(sim, lo + 4, (uint32_t)(val >> 32));
	fllm_sim_reg_set(sim, lo, (uint32_t)val);
}

/* A 64-bit LO/HI pair the host configured. */
uint64_t fllm_sim_reg_get64(struct fllm_sim *sim, uint32_t lo)
{
	return (uint64_t)fllm_sim_reg_get(sim, lo) | (uint64_t)fllm_sim_reg_get(sim, lo + 4) << 32;
}

/* Power-on contents: identity and capabilities (cu.c adds the CU inventory). */
void fllm_sim_regs_init(struct fllm_sim *sim)
{
	for (uint32_t i = 0; i < FLLM_SIM_REGS; i++)
		atomic_init(&sim->regs[i], 0);
	fllm_sim_reg_set(sim, FLLM_REG_MAGIC, FLLM_CARD_MAGIC);
	fllm_sim_reg_set(sim, FLLM_REG_IF_VERSION, FLLM_CARD_IF_VERSION);
	fllm_sim_reg_set(sim, FLLM_REG_CAPS,
			 FLLM_CAP_SIMULATED | FLLM_CAP_DMA | FLLM_CAP_MSIX | FLLM_CAP_TELEMETRY |
				 FLLM_CAP_WATCHDOG | FLLM_CAP_HBM);
	fllm_sim_reg_set(sim, FLLM_REG_FW_VERSION, FW_VERSION);
	fllm_sim_reg_set64(sim, FLLM_REG_MEM_SIZE_LO, sim->cfg.mem_size);
	fllm_sim_reg_set(sim, FLLM_REG_MEM_CHANNELS, sim->cfg.mem_channels);
	fllm_sim_reg_set(sim, FLLM_REG_MEM_CHAN_MBPS, sim->cfg.chan_mbps);
	fllm_sim_reg_set(sim, FLLM_REG_CLOCK_KHZ, sim->cfg.clock_khz);
	fllm_sim_reg_set(sim, FLLM_REG_CMD_RING_MAX, FLLM_SIM_RING_MAX);
	fllm_sim_reg_set(sim, FLLM_REG_DMA_MAX_LEN, sim->cfg.dma_max_len);
}
