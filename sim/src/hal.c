/*
 * struct fw_hal over the card model: the firmware, compiled for the host,
 * runs in the card thread and reaches registers, host memory, card memory,
 * the DMA engine, the units and the interrupt controller through here.
 */
#include <string.h>

#include "sim_internal.h"

/* Card-side register read. */
static uint32_t hal_reg_read(void *ctx, uint32_t off)
{
	return fllm_sim_reg_get(ctx, off);
}

/* Card-side register write. */
static void hal_reg_write(void *ctx, uint32_t off, uint32_t val)
{
	fllm_sim_reg_set(ctx, off, val);
}

/* Kernel-clock cycles since reset. */
static uint64_t hal_cycles(void *ctx)
{
	return fllm_sim_cycles(ctx);
}

/* Host memory read through the host callbacks. */
static int hal_host_read(void *ctx, uint64_t bus, void *dst, uint32_t len)
{
	struct fllm_sim *sim = ctx;

	return sim->host.read(sim->host.ctx, bus, dst, len);
}

/* Host memory write through the host callbacks. */
static int hal_host_write(void *ctx, uint64_t bus, const void *src, uint32_t len)
{
	struct fllm_sim *sim = ctx;

	return sim->host.write(sim->host.ctx, bus, src, len);
}

/* Card memory write; the range was validated, checked again for safety. */
static int hal_card_write(void *ctx, uint64_t addr, const void *src, uint32_t len)
{
	struct fllm_sim *sim = ctx;

	if (!fllm_sim_mem_range_ok(&sim->mem, addr, len))
		return FLLM_CARD_ERR_ADDR;
	memcpy(sim->mem.base + addr, src, len);
	sim->mem_bytes += len;
	fllm_sim_reg_set64(sim, FLLM_REG_TEL_MEMB_LO, sim->mem_bytes);
	return 0;
}

/* DMA_COPY on the model's DMA engine. */
static int hal_copy(void *ctx, uint32_t dir, uint64_t src, uint64_t dst, uint64_t bytes)
{
	struct fllm_sim *sim = ctx;
	uint8_t *base = sim->mem.base;	/* card memory, (mem.size) bytes */
	int rc;

	switch (dir) {
	case FLLM_COPY_C2C:
		if (!fllm_sim_mem_range_ok(&sim->mem, src, bytes) ||
		    !fllm_sim_mem_range_ok(&sim->mem, dst, bytes))
			return FLLM_CARD_ERR_ADDR;
		memmove(base + dst, base + src, bytes);
		sim->mem_bytes += 2 * bytes;
		fllm_sim_reg_set64(sim, FLLM_REG_TEL_MEMB_LO, sim->mem_bytes);
		return FLLM_CARD_OK;
	case FLLM_COPY_H2C:
		if (!fllm_sim_mem_range_ok(&sim->mem, dst, bytes))
			return FLLM_CARD_ERR_ADDR;
		rc = sim->host.read(sim->host.ctx, src, base + dst, bytes);
		break;
	case FLLM_COPY_C2H:
		if (!fllm_sim_mem_range_ok(&sim->mem, src, bytes))
			return FLLM_CARD_ERR_ADDR;
		rc = sim->host.write(sim->host.ctx, dst, base + src, bytes);
		break;
	default:
		return FLLM_CARD_ERR_PARAM;
	}
	if (rc)
		return FLLM_CARD_ERR_HOST_DMA;
	sim->dma_bytes += bytes;
	sim->mem_bytes += bytes;
	/* a host that sees the completion sees the traffic counted */
	fllm_sim_reg_set64(sim, FLLM_REG_TEL_MEMB_LO, sim->mem_bytes);
	return FLLM_CARD_OK;
}

/* Start a unit. */
static void hal_cu_start(void *ctx, uint32_t cu, const struct fllm_cmd *cmd)
{
	fllm_sim_cu_start(ctx, cu, cmd);
}

/* Poll a unit. */
static int hal_cu_poll(void *ctx, uint32_t cu, uint16_t *status, uint64_t *result)
{
	return fllm_sim_cu_poll(ctx, cu, status, result);
}

/* Reset a unit (watchdog). */
static void hal_cu_reset(void *ctx, uint32_t cu)
{
	fllm_sim_cu_reset(ctx, cu);
}

/* Raise interrupt sources. */
static void hal_irq_raise(void *ctx, uint32_t sources)
{
	fllm_sim_irq_raise(ctx, sources);
}

/* Fill sim->hal for the firmware. */
void fllm_sim_hal_init(struct fllm_sim *sim)
{
	sim->hal = (struct fw_hal){
		.ctx = sim,
		.reg_read = hal_reg_read,
		.reg_write = hal_reg_write,
		.cycles = hal_cycles,
		.host_read = hal_host_read,
		.host_write = hal_host_write,
		.card_write = hal_card_write,
		.copy = hal_copy,
		.cu_start = hal_cu_start,
		.cu_poll = hal_cu_poll,
		.cu_reset = hal_cu_reset,
		.irq_raise = hal_irq_raise,
	};
}
