/*
 * struct fw_hal over the soft-core SoC's MMIO blocks (soc.h). DMA transfers
 * are started and polled to completion: the engine is fast next to a command
 * and the firmware has nothing else to do meanwhile.
 */
#include "fw.h"
#include "soc.h"
#include "hal_mmio.h"

/* Register file read. */
static uint32_t mmio_reg_read(void *ctx, uint32_t off)
{
	return soc_read(SOC_REGFILE_BASE + off);
}

/* Register file write. */
static void mmio_reg_write(void *ctx, uint32_t off, uint32_t val)
{
	soc_write(SOC_REGFILE_BASE + off, val);
}

/* mcycle as 64 bits: read high, low, high again until they agree. */
static uint64_t mmio_cycles(void *ctx)
{
	uint32_t hi, lo, hi2;

	do {
		__asm__ volatile("rdcycleh %0" : "=r"(hi));
		__asm__ volatile("rdcycle %0" : "=r"(lo));
		__asm__ volatile("rdcycleh %0" : "=r"(hi2));
	} while (hi != hi2);
	return (uint64_t)hi << 32 | lo;
}

/* Run one transfer on the DMA engine; returns enum fllm_card_err. */
static int mmio_dma(uint32_t mode, uint64_t src, uint64_t dst, uint64_t len)
{
	uint32_t st;

	soc_write(SOC_DMA_BASE + SOC_DMA_SRC_LO, (uint32_t)src);
	soc_write(SOC_DMA_BASE + SOC_DMA_SRC_HI, (uint32_t)(src >> 32));
	soc_write(SOC_DMA_BASE + SOC_DMA_DST_LO, (uint32_t)dst);
	soc_write(SOC_DMA_BASE + SOC_DMA_DST_HI, (uint32_t)(dst >> 32));
	soc_write(SOC_DMA_BASE + SOC_DMA_LEN_LO, (uint32_t)len);
	soc_write(SOC_DMA_BASE + SOC_DMA_LEN_HI, (uint32_t)(len >> 32));
	soc_write(SOC_DMA_BASE + SOC_DMA_MODE, mode);
	soc_write(SOC_DMA_BASE + SOC_DMA_CTRL, SOC_DMA_CTRL_START);
	do
		st = soc_read(SOC_DMA_BASE + SOC_DMA_STATUS);
	while (st & SOC_DMA_STATUS_BUSY);
	return (int)SOC_DMA_STATUS_ERR(st);
}

/* Host memory into firmware RAM. */
static int mmio_host_read(void *ctx, uint64_t bus, void *dst, uint32_t len)
{
	return mmio_dma(SOC_DMA_MODE_HOST_TO_LOCAL, bus, (uintptr_t)dst, len);
}

/* Firmware RAM into host memory. */
static int mmio_host_write(void *ctx, uint64_t bus, const void *src, uint32_t len)
{
	return mmio_dma(SOC_DMA_MODE_LOCAL_TO_HOST, (uintptr_t)src, bus, len);
}

/* Firmware RAM into card memory. */
static int mmio_card_write(void *ctx, uint64_t addr, const void *src, uint32_t len)
{
	return mmio_dma(SOC_DMA_MODE_LOCAL_TO_CARD, (uintptr_t)src, addr, len);
}

/* DMA_COPY: the engine's modes 0..2 are enum fllm_copy_dir. */
static int mmio_copy(void *ctx, uint32_t dir, uint64_t src, uint64_t dst, uint64_t bytes)
{
	return mmio_dma(dir, src, dst, bytes);
}

/* Write the command into the unit's block and start it. */
static void mmio_cu_start(void *ctx, uint32_t cu, const struct fllm_cmd *cmd)
{
	uint32_t base = SOC_CU_BASE + cu * SOC_CU_STRIDE;
	const uint32_t *w = (const uint32_t *)cmd;	/* (16) command words */

	for (uint32_t i = 0; i < sizeof(*cmd) / 4; i++)
		soc_write(base + SOC_CU_CMD + 4 * i, w[i]);
	soc_write(base + SOC_CU_CTRL, SOC_CU_CTRL_START);
}

/* Done bit, status and result of a unit. */
static int mmio_cu_poll(void *ctx, uint32_t cu, uint16_t *status, uint64_t *result)
{
	uint32_t base = SOC_CU_BASE + cu * SOC_CU_STRIDE;
	uint32_t st = soc_read(base + SOC_CU_STATUS);

	if (!(st & SOC_CU_STATUS_DONE))
		return 0;
	*status = (uint16_t)((st >> 8) & 0xffu);
	*result = (uint64_t)soc_read(base + SOC_CU_RESULT_HI) << 32 |
		  soc_read(base + SOC_CU_RESULT_LO);
	return 1;
}

/* Reset a hung unit. */
static void mmio_cu_reset(void *ctx, uint32_t cu)
{
	soc_write(SOC_CU_BASE + cu * SOC_CU_STRIDE + SOC_CU_CTRL, SOC_CU_CTRL_RESET);
}

/* The shell sets IRQ_STATUS and sends the enabled MSI-X vectors. */
static void mmio_irq_raise(void *ctx, uint32_t sources)
{
	soc_write(SOC_SHELL_BASE + SOC_SHELL_IRQ_RAISE, sources);
}

const struct fw_hal fw_hal_mmio = {
	.ctx = 0,
	.reg_read = mmio_reg_read,
	.reg_write = mmio_reg_write,
	.cycles = mmio_cycles,
	.host_read = mmio_host_read,
	.host_write = mmio_host_write,
	.card_write = mmio_card_write,
	.copy = mmio_copy,
	.cu_start = mmio_cu_start,
	.cu_poll = mmio_cu_poll,
	.cu_reset = mmio_cu_reset,
	.irq_raise = mmio_irq_raise,
};
